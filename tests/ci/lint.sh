#!/usr/bin/env bash
# Lint the repository: ruff (configured by ruff.toml) and the action-group check.
#   bash tests/ci/lint.sh            # check
#   bash tests/ci/lint.sh --fix      # extra arguments go to `ruff check`
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
# shellcheck source=tests/ci/lib.sh
source "$HERE/lib.sh"

# Pinned so that a new ruff release cannot turn CI red on its own; bump on purpose.
RUFF_VERSION="${RUFF_VERSION:-0.17.6}"
ANSIBLE_LINT_VERSION="${ANSIBLE_LINT_VERSION:-26.10.1}"
VENV="$CI_CACHE_DIR/venv-lint"

python="$(command -v python3 || command -v python)" || die "no python3 on PATH"
ensure_venv "$VENV" "$python" "ruff==$RUFF_VERSION" PyYAML

cd "$ROOT"
rc=0
log "--- ruff $("$VENV/bin/ruff" --version | cut -d' ' -f2): ruff check . $*"
"$VENV/bin/ruff" check . --output-format concise "$@" || rc=1
log "--- ansible-lint $ANSIBLE_LINT_VERSION --profile production roles/ playbooks/ examples/"
ensure_venv "$CI_CACHE_DIR/venv-ansible-lint" "$python" "ansible-lint==$ANSIBLE_LINT_VERSION" "ansible-core>=2.16,<2.20"
# Not --offline: ansible-lint must install this collection locally (in .ansible/) to resolve
# gitops.github.*; the collection has no dependencies, so nothing is fetched from Galaxy.
PATH="$CI_CACHE_DIR/venv-ansible-lint/bin:$PATH" ansible-lint --profile production roles/ playbooks/ examples/ || rc=1
rm -rf .ansible
log "--- action groups (meta/runtime.yml)"
"$VENV/bin/python" "$HERE/check_action_groups.py" || rc=1
exit "$rc"
