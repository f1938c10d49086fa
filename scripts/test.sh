#!/usr/bin/env bash
# Run the whole test suite: unit, simulator, integration (real ansible-playbook against the
# simulator) and contract tests. Extra arguments go to pytest (e.g. -k team, -x).
set -euo pipefail
cd "$(dirname "$0")/.."
venv="$(bash scripts/setup.sh)"
set +e
"$venv/bin/python" -m pytest -n "${PYTEST_WORKERS:-2}" "$@"
rc=$?
set -e
if [ "$rc" -eq 5 ]; then
  echo "pytest collected no tests: that is a failure here" >&2
  exit 1
fi
exit "$rc"
