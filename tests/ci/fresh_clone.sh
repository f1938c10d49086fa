#!/usr/bin/env bash
# The README's two commands, as a new user meets them: in a copy of the checkout inside an empty
# directory (so nothing is beside it: no sibling folder, no other checkout), with an empty home
# directory (no pip cache, no ~/.ansible, no collections installed), run
#   bash scripts/demo.sh    and    bash scripts/test.sh
# The copy holds exactly the files git would give a clone (tracked files, plus untracked ones that
# .gitignore does not exclude, so an uncommitted change is tested too). Extra arguments go to
# test.sh (pytest). KEEP_FRESH_CLONE=1 keeps the directory for a look afterwards.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/gitops-github-fresh.XXXXXX")"
if [ "${KEEP_FRESH_CLONE:-0}" != 1 ]; then
  trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work/empty/clone" "$work/home"
git -C "$ROOT" ls-files --cached --others --exclude-standard -z \
  | (cd "$ROOT" && tar --null --ignore-failed-read -T - -cf - 2>/dev/null) | tar -C "$work/empty/clone" -xf -
beside=("$work"/empty/*)
[ "${#beside[@]}" -eq 1 ] && [ "${beside[0]}" = "$work/empty/clone" ] \
  || { echo "the fresh clone's directory is not empty beside it" >&2; exit 1; }
cd "$work/empty/clone"
echo "fresh copy of the checkout: $PWD (HOME=$work/home, nothing beside it)"
# An empty home: only what a login on a fresh machine has. PATH is kept (it finds python3).
export HOME="$work/home"
unset XDG_CACHE_HOME XDG_CONFIG_HOME XDG_DATA_HOME ANSIBLE_CONFIG ANSIBLE_COLLECTIONS_PATH \
  ANSIBLE_COLLECTIONS_PATHS GITOPS_GITHUB_OPENAPI_DIR PIP_CACHE_DIR VIRTUAL_ENV PYTHONPATH
rc=0
echo "==> bash scripts/demo.sh"
bash scripts/demo.sh || rc=$?
if [ "$rc" -ne 0 ]; then
  echo "the README's first command (bash scripts/demo.sh) failed in a fresh clone: exit $rc" >&2
fi
echo "==> bash scripts/test.sh $*"
trc=0
bash scripts/test.sh "$@" || trc=$?
if [ "$trc" -ne 0 ]; then
  echo "the README's second command (bash scripts/test.sh) failed in a fresh clone: exit $trc" >&2
  rc=$trc
fi
exit "$rc"
