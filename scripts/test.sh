#!/usr/bin/env bash
# Run the whole test suite: unit, simulator, integration (real ansible-playbook against the
# simulator) and contract tests. Extra arguments go to pytest (e.g. -k team, -x).
set -euo pipefail
cd "$(dirname "$0")/.."
venv="$(bash scripts/setup.sh)"
set +e
"$venv/bin/python" -m pytest -n "${PYTEST_WORKERS:-2}" "$@"
rc=$?
# The whole suite once more on the other path (issue 21): the roster's integration tests with
# github_org_roster run as a module instead of in the controller's process (tests/integration/
# conftest.py lists them). Only for the whole suite, not when pytest is given arguments.
if [ "$rc" -eq 0 ] && [ "$#" -eq 0 ]; then
  echo "--- the roster's integration tests again, with the engine run as a module (GITOPS_GITHUB_TEST_ENGINE=module)"
  GITOPS_GITHUB_TEST_ENGINE=module "$venv/bin/python" -m pytest -n "${PYTEST_WORKERS:-2}" tests/integration
  rc=$?
fi
set -e
if [ "$rc" -eq 5 ]; then
  echo "pytest collected no tests: that is a failure here" >&2
  exit 1
fi
exit "$rc"
