"""Command line: ``ghsim --seed FILE.yml [options]`` (or ``python -m ghsim``)."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading

from .export_seed import seed_from_export
from .seeds import DEMO_SEED, load_seed
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

    source = args.seed_from_export or args.seed or str(DEMO_SEED)
    try:
        seed = seed_from_export(load_seed(source)) if args.seed_from_export else load_seed(source)
    except (OSError, ValueError) as e:  # SeedError is a ValueError
        print(f"ghsim: cannot read seed {source}: {e}", file=sys.stderr)
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

    print(f"ghsim listening on {sim.api_url}", flush=True)
    if sim.ca_path:
        print(f"ghsim ca_path {sim.ca_path}", flush=True)
    if args.seed_from_export:
        for token, login in sorted(seed["tokens"].items()):
            print(f"ghsim token {token} ({login})", flush=True)
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
