#!/usr/bin/env bash
# Create (or reuse) .venv with ansible-core and everything the demo and the tests need.
# Usage: source-free; prints the venv path. PYTHON and ANSIBLE_CORE may be overridden.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
# 2.16 to 2.21 are supported (CI runs sanity on 2.16, 2.19 and 2.21); pip picks the newest one this
# Python can run (2.20 and later need Python 3.12+).
ANSIBLE_CORE="${ANSIBLE_CORE:-ansible-core>=2.16,<2.22}"
VENV="${VENV:-.venv}"
if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
fi
stamp="$VENV/.gitops-github-deps"
# The simulator (simulator/, package ghsim) is installed editable: its code is read from the
# checkout, so editing it needs no reinstall; a change to simulator/pyproject.toml (entry points,
# dependencies) changes the stamp below and reinstalls it.
want="$(cat requirements.txt tests/requirements.txt simulator/pyproject.toml; echo "$ANSIBLE_CORE")"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  # (grep drops the noise some machines' pip config adds about local package folders.)
  { "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip 2>&1 \
    && "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "$ANSIBLE_CORE" \
         -r requirements.txt -r tests/requirements.txt -e ./simulator 2>&1; } | grep -v "^WARNING: Location 'file:" >&2 || true
  "$VENV/bin/python" -c 'import ansible, requests, pytest, openapi_core, jwt, ghsim' >&2
  printf '%s' "$want" > "$stamp"
fi
echo "$VENV"
