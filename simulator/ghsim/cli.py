"""Command line: ``ghsim --seed FILE.yml [options]`` (or ``python -m ghsim``).

The world comes from one of ``--seed FILE``, ``--seed-from-export FILE`` (a membership file) or
``--generate KEY=VALUE,...`` (:func:`ghsim.generate`, the generator the tests and benchmarks use),
else the bundled demo seed. ``--users-from FILE`` and ``--user LOGIN`` add GitHub users who belong
to nothing yet, so a rehearsed change may name people the world does not hold."""

from __future__ import annotations

import argparse
import faulthandler
import os
import signal
import sys
import threading

from .export_seed import people_named, seed_from_export, with_users
from .seeds import DEMO_SEED, generate, load_seed, parse_generate_spec
from .server import Simulator, write_atomic
from .tls import CA_FILENAME


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="ghsim", description="Local stateful GitHub REST simulator "
                                "(org and team memberships).")
    source = p.add_mutually_exclusive_group()
    source.add_argument("--seed", help="YAML or JSON seed file (default: the bundled demo seed)")
    source.add_argument("--seed-from-export", metavar="FILE",
                        help="seed from a membership file in the role's format (what gitops.github.export "
                        "writes); each owner gets the token sim-token-<login>")
    source.add_argument("--generate", metavar="KEY=VALUE,...",
                        help="a generated organization, as ghsim.generate makes it for the tests and "
                        "benchmarks, e.g. members=3000,teams=150,team_size=20 (keys: org, members, owners, "
                        "teams, team_size, invitations, public, token, member_prefix, rate_limit, org_id; "
                        "org bigorg, token sim-token-bigorg-admin unless given)")
    p.add_argument("--users-from", action="append", default=[], metavar="FILE",
                   help="make every login this membership file names a GitHub user (belonging to nothing "
                   "yet) unless the world has it; give the edited file to rehearse adding people "
                   "(repeatable)")
    p.add_argument("--user", action="append", default=[], metavar="LOGIN[,LOGIN...]",
                   help="make these logins GitHub users (belonging to nothing yet) (repeatable)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0, help="0 picks a free port")
    p.add_argument("--https", action="store_true", help="serve HTTPS with a generated CA")
    p.add_argument("--ghes", action="store_true", help="behave like GitHub Enterprise Server (/api/v3)")
    p.add_argument("--port-file", help="write the API URL to this file once listening")
    p.add_argument("--ready-file", help="create this file (containing the API URL) once listening")
    p.add_argument("--ca-file", help="where to write the CA PEM with --https "
                   f"(default: {CA_FILENAME} next to --port-file, else a temp dir)")
    p.add_argument("--latency", type=float, default=0.0, metavar="SECONDS",
                   help="wait this long before each API answer, as a distant server would (default 0)")
    args = p.parse_args(argv)

    source = args.seed_from_export or args.seed or (None if args.generate else str(DEMO_SEED))
    try:
        if args.generate:
            source = f"--generate {args.generate}"
            seed = generate(**parse_generate_spec(args.generate))
        elif args.seed_from_export:
            seed = seed_from_export(load_seed(source))
        else:
            seed = load_seed(source)
    except (OSError, ValueError) as e:  # SeedError is a ValueError
        print(f"ghsim: cannot read seed {source}: {e}", file=sys.stderr)
        return 2
    added: list[str] = []
    people: list = [login.strip() for item in args.user for login in item.split(",") if login.strip()]
    for path in args.users_from:
        try:
            people.extend(people_named(path))
        except (OSError, ValueError) as e:
            print(f"ghsim: cannot read users from {path}: {e}", file=sys.stderr)
            return 2
    if people:
        try:
            seed, added = with_users(seed, people)
        except ValueError as e:
            print(f"ghsim: {e}", file=sys.stderr)
            return 2
    ca_file = args.ca_file
    if args.https and not ca_file and args.port_file:
        ca_file = os.path.join(os.path.dirname(os.path.abspath(args.port_file)), CA_FILENAME)
    try:
        sim = Simulator(seed, ghes=args.ghes, https=args.https, host=args.host, port=args.port, ca_file=ca_file,
                        latency=args.latency)
        sim.start()
    except (OSError, ValueError) as e:
        print(f"ghsim: cannot start: {e}", file=sys.stderr)
        return 2

    stop = threading.Event()

    def on_signal(signum: int, frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    if hasattr(signal, "SIGUSR1"):
        # `kill -USR1` prints every thread's stack to stderr: how a test that waited too long
        # for ghsim to stop shows where it was.
        faulthandler.register(signal.SIGUSR1, all_threads=True)

    print(f"ghsim listening on {sim.api_url}", flush=True)
    if sim.ca_path:
        print(f"ghsim ca_path {sim.ca_path}", flush=True)
    if args.seed_from_export or args.generate:
        for token, login in sorted(seed["tokens"].items()):
            print(f"ghsim token {token} ({login})", flush=True)
    if people:
        print(f"ghsim users added (members of nothing): {', '.join(added) or 'none'}", flush=True)
    if args.port_file:
        write_atomic(args.port_file, sim.api_url + "\n")
    if args.ready_file:
        write_atomic(args.ready_file, sim.api_url + "\n")
    try:
        while not stop.wait(0.5):
            pass
    finally:
        sim.stop()
    return 0
