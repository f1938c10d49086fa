#!/usr/bin/env bash
# Set everything up and run the demo on the bundled GitHub simulator (no GitHub account needed):
#   1. a virtualenv with ansible-core and requests (.venv), the collection built and installed;
#   2. the simulator, seeded with the org "acme";
#   3. membership as code: export acme to a YAML file (gitops.github.export), edit it (add a
#      member for ten days only, promote a maintainer, remove someone), see the drift report
#      (gitops.github.drift, which also lists access that expires soon),
#      apply it (gitops.github.apply), and check that the drift is gone.
# Every step checks that it did what it claims; the script exits non-zero if one did not.
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
# Where Ansible will look (set first, so ansible-galaxy installs there without a warning).
export ANSIBLE_COLLECTIONS_PATH="$PWD/$venv/collections"
"$venv/bin/ansible-galaxy" collection build --force --output-path "$work" . >/dev/null
"$venv/bin/ansible-galaxy" collection install --force --offline -p "$ANSIBLE_COLLECTIONS_PATH" "$work"/gitops-github-*.tar.gz >/dev/null
echo "installed gitops.github into $ANSIBLE_COLLECTIONS_PATH"

step "Starting the GitHub simulator (ghsim, with its demo seed)"
"$venv/bin/ghsim" --port-file "$work/url" >"$work/sim.log" 2>&1 &
sim_pid=$!
for _ in $(seq 1 100); do [ -s "$work/url" ] && break; sleep 0.1; done
[ -s "$work/url" ] || { cat "$work/sim.log"; echo "the simulator did not start" >&2; exit 1; }
GITHUB_API_URL="$(cat "$work/url")"
export GITHUB_API_URL
export GITHUB_TOKEN=sim-token-octo-admin   # the simulator's token for the org owner
echo "simulator at $GITHUB_API_URL"
sim_root="$GITHUB_API_URL"  # github.com mode: the control endpoints (/_sim/...) live at the same root

export ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false
export ANSIBLE_PYTHON_INTERPRETER="$PWD/$py" ANSIBLE_DISPLAY_SKIPPED_HOSTS=false
run() { "$venv/bin/ansible-playbook" "$@" -e github_write_delay=0; }
fail() { echo "demo: $*" >&2; exit 1; }
file="$work/membership.yml"
report=(-e "drift_report_json=$work/drift.json" -e "drift_report_markdown=$work/drift.md")
drift_is() {  # drift_is true|false: what the last JSON report says
  "$py" -c 'import json, sys; sys.exit(json.load(open(sys.argv[1]))["drift"] != (sys.argv[2] == "true"))' "$work/drift.json" "$1"
}

step "Export: write acme's live membership in the role's input format"
run gitops.github.export -e export_orgs=acme -e "membership_file=$file" >"$work/export.txt" \
  || { cat "$work/export.txt"; fail "the export failed"; }
cp "$file" "$work/exported.yml"
cat "$file"

step "Applying the export straight back changes nothing"
run gitops.github.apply -e "membership_file=$file" >"$work/apply0.txt" || { cat "$work/apply0.txt"; fail "apply failed"; }
grep -q 'changed=0' "$work/apply0.txt" || { cat "$work/apply0.txt"; fail "applying the export changed something"; }
echo "changed=0"

step "Edit the file: add new-hire for ten days (expires:), promote bob to maintainer of platform, remove carol"
"$py" demo/edit_membership.py "$file"
diff -u "$work/exported.yml" "$file" | tail -n +3 || true

step "Drift: what would change (check mode, nothing is written); fail_on_drift turns the run red"
status=0
run gitops.github.drift -e "membership_file=$file" -e fail_on_drift=true "${report[@]}" >"$work/drift1.txt" || status=$?
[ "$status" -ne 0 ] || { cat "$work/drift1.txt"; fail "the drift run passed, but the file differs from GitHub"; }
cat "$work/drift.md"
drift_is true || fail "the JSON report says there is no drift"
cp "$work/drift.json" "$work/drift-before.json"
# shellcheck disable=SC2016  # the backquotes are Markdown, not shell
for expected in '| add | `new-hire` |' '| change role | `bob` | member → maintainer |' '| remove | `carol` | was member |' \
    'Access expiring soon, renew or let it end: `new-hire`'; do
  grep -qF "$expected" "$work/drift.md" || fail "the report lacks: $expected"
done
echo "(ansible-playbook exited with status $status, as fail_on_drift asks; the JSON report is drift.json)"

step "Apply the file"
curl -fsS -X DELETE "$sim_root/_sim/log" >/dev/null  # count only the apply's requests
run gitops.github.apply -e "membership_file=$file" | tee "$work/apply1.txt" \
  | grep -E '^(TASK|changed|fatal|failed)|RECAP|localhost +:' || true
grep -q 'failed=0' "$work/apply1.txt" || fail "apply failed"
grep -q 'changed=0' "$work/apply1.txt" && fail "apply changed nothing"
# The drift report's counts are the apply's writes, as the simulator logged them: a PUT per
# addition or role change, a DELETE per removal (carol leaves the org, and so her teams, in one).
"$py" - "$work/drift-before.json" "$sim_root/_sim/log" <<'PY' || fail "the drift report's counts differ from what the apply did"
import json, sys, urllib.request
summary = json.load(open(sys.argv[1]))["summary"]
log = json.load(urllib.request.urlopen(sys.argv[2], timeout=10))
puts = sum(1 for e in log if e["method"] == "PUT")
deletes = sum(1 for e in log if e["method"] == "DELETE")
print("drift counted %d to add, %d role changes, %d to remove; the apply made %d PUT and %d DELETE"
      % (summary["added"], summary["role_changed"], summary["removed"], puts, deletes))
sys.exit((summary["added"] + summary["role_changed"], summary["removed"]) != (puts, deletes))
PY
step "Drift again: clean"
run gitops.github.drift -e "membership_file=$file" -e fail_on_drift=true "${report[@]}" >"$work/drift2.txt" \
  || { cat "$work/drift2.txt"; fail "drift found after apply"; }
drift_is false || fail "the JSON report still shows drift"
grep -q 'changed=0.*failed=0' "$work/drift2.txt" || { cat "$work/drift2.txt"; fail "a clean drift run reported changes"; }
echo "clean drift run: $(grep -o 'changed=0 *unreachable=0 *failed=0' "$work/drift2.txt")"
head -3 "$work/drift.md"
echo
echo "Done. The simulator is stopped; run it yourself with:"
echo "  $venv/bin/ghsim            (see simulator/README.md)"
