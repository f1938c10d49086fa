"""``python -m ghsim --seed FILE.yml [options]`` (the same as the ``ghsim`` command)."""

from __future__ import annotations

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
