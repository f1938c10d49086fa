#!/usr/bin/env python
"""Run the GitHub simulator: ``python tests/simulator/simulate.py --seed seeds/demo.yml``."""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import ghsim.cli

if __name__ == "__main__":
    sys.exit(ghsim.cli.main())
