#!/usr/bin/env bash
# Set everything up and run the demo on the bundled GitHub simulator (no GitHub account needed):
#   1. a virtualenv with ansible-core and requests (.venv), the collection built and installed;
#   2. the simulator, seeded with the org "acme";
#   3. demo/site.yml applied twice: the first run changes things, the second changes nothing;
#   4. someone changes GitHub by hand, and a --check --diff run shows the drift.
set -euo pipefail
cd "$(dirname "$0")/.."
venv="$(bash scripts/setup.sh)"
py="$venv/bin/python"

work="$(mktemp -d)"
sim_pid=""
cleanup() {
  [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "Building and installing the collection"
"$venv/bin/ansible-galaxy" collection build --force --output-path "$work" . >/dev/null
"$venv/bin/ansible-galaxy" collection install --force --offline -p "$venv/collections" "$work"/gitops-github-*.tar.gz >/dev/null
export ANSIBLE_COLLECTIONS_PATH="$PWD/$venv/collections"
echo "installed gitops.github into $ANSIBLE_COLLECTIONS_PATH"

step "Starting the GitHub simulator (tests/simulator/seeds/demo.yml)"
"$py" tests/simulator/simulate.py --seed tests/simulator/seeds/demo.yml --port-file "$work/url" >"$work/sim.log" 2>&1 &
sim_pid=$!
for _ in $(seq 1 100); do [ -s "$work/url" ] && break; sleep 0.1; done
[ -s "$work/url" ] || { cat "$work/sim.log"; echo "the simulator did not start" >&2; exit 1; }
export GITHUB_API_URL="$(cat "$work/url")"
export GITHUB_TOKEN=sim-token-octo-admin   # the simulator's token for the org owner
echo "simulator at $GITHUB_API_URL"

export ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false
export ANSIBLE_PYTHON_INTERPRETER="$PWD/$py"
playbook=("$venv/bin/ansible-playbook" -i localhost, -c local demo/site.yml -e github_write_delay=0)

step "First run: invites, promotes, adds to the team"
"${playbook[@]}"

step "Second run: nothing left to change"
"${playbook[@]}" | tee "$work/second.txt"
grep -q 'changed=0' "$work/second.txt" || { echo "the second run changed something" >&2; exit 1; }

step "Someone demotes alice by hand in GitHub's web UI..."
"$py" - <<'PY'
import os, requests
r = requests.put(os.environ['GITHUB_API_URL'] + '/orgs/acme/memberships/alice', json={'role': 'member'},
                 headers={'Authorization': 'Bearer ' + os.environ['GITHUB_TOKEN']}, timeout=10)
r.raise_for_status()
print('alice is now', r.json()['role'])
PY

step "Drift check: --check --diff shows what would change, and changes nothing"
"${playbook[@]}" --check --diff
echo
echo "Done. The simulator is stopped; run it yourself with:"
echo "  $py tests/simulator/simulate.py --seed tests/simulator/seeds/demo.yml"
