"""Command line: ``python tests/simulator/simulate.py --seed FILE.yml [options]``."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading

from .seeds import DEMO_SEED, load_seed
from .server import Simulator, write_atomic
from .tls import CA_FILENAME


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="simulate.py", description="Local stateful GitHub REST simulator "
                                "(org and team memberships).")
    p.add_argument("--seed", default=str(DEMO_SEED), help="YAML or JSON seed file (default: seeds/demo.yml)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0, help="0 picks a free port")
    p.add_argument("--https", action="store_true", help="serve HTTPS with a generated CA")
    p.add_argument("--ghes", action="store_true", help="behave like GitHub Enterprise Server (/api/v3)")
    p.add_argument("--port-file", help="write the API URL to this file once listening")
    p.add_argument("--ready-file", help="create this file (containing the API URL) once listening")
    p.add_argument("--ca-file", help="where to write the CA PEM with --https "
                   f"(default: {CA_FILENAME} next to --port-file, else a temp dir)")
    args = p.parse_args(argv)

    try:
        seed = load_seed(args.seed)
    except (OSError, ValueError) as e:
        print(f"ghsim: cannot read seed {args.seed}: {e}", file=sys.stderr)
        return 2
    ca_file = args.ca_file
    if args.https and not ca_file and args.port_file:
        ca_file = os.path.join(os.path.dirname(os.path.abspath(args.port_file)), CA_FILENAME)
    try:
        sim = Simulator(seed, ghes=args.ghes, https=args.https, host=args.host, port=args.port, ca_file=ca_file)
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
