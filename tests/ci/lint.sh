#!/usr/bin/env bash
# Lint the repository: ruff (configured by ruff.toml), pycodestyle as ansible-test runs it, mypy over the typed module_utils (mypy.ini),
# radon (no function in plugins/ above complexity 15), ansible-lint, and antsibull-nox's extra checks.
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
ANTSIBULL_NOX_VERSION="${ANTSIBULL_NOX_VERSION:-1.10.0}"
MYPY_VERSION="${MYPY_VERSION:-2.4.1}"
# ansible-test's sanity pep8 pins the same version (its requirements/sanity.pep8.txt).
PYCODESTYLE_VERSION="${PYCODESTYLE_VERSION:-2.14.0}"
RADON_VERSION="${RADON_VERSION:-6.0.1}"
TYPES_REQUESTS_VERSION="${TYPES_REQUESTS_VERSION:-2.33.0.20261030}"
VENV="$CI_CACHE_DIR/venv-lint"

python="$(command -v python3 || command -v python)" || die "no python3 on PATH"
ensure_venv "$VENV" "$python" "ruff==$RUFF_VERSION" PyYAML

cd "$ROOT"
rc=0
log "--- ruff $("$VENV/bin/ruff" --version | cut -d' ' -f2): ruff check . $*"
"$VENV/bin/ruff" check . --output-format concise "$@" || rc=1
log "--- pycodestyle $PYCODESTYLE_VERSION with ansible-test's pep8 settings (that sanity test takes minutes to reach)"
ensure_venv "$CI_CACHE_DIR/venv-pycodestyle" "$python" "pycodestyle==$PYCODESTYLE_VERSION"
git ls-files -z -- '*.py' | xargs -0 "$CI_CACHE_DIR/venv-pycodestyle/bin/pycodestyle" \
    --max-line-length 160 --config /dev/null --ignore E203,E402,E741,W503,W504 || rc=1
log "--- mypy $MYPY_VERSION over the files mypy.ini lists"
ensure_venv "$CI_CACHE_DIR/venv-mypy" "$python" "mypy==$MYPY_VERSION" "types-requests==$TYPES_REQUESTS_VERSION"
# The code imports itself as ansible_collections.gitops.github: mypy finds it through that layout.
layout="$(mktemp -d)"
mkdir -p "$layout/ansible_collections/gitops"
ln -s "$ROOT" "$layout/ansible_collections/gitops/github"
MYPYPATH="$layout" "$CI_CACHE_DIR/venv-mypy/bin/mypy" --config-file mypy.ini --cache-dir "$layout/.mypy_cache" || rc=1
rm -rf "$layout"
log "--- radon $RADON_VERSION: no function in plugins/ above cyclomatic complexity 15 (issue 19)"
ensure_venv "$CI_CACHE_DIR/venv-radon" "$python" "radon==$RADON_VERSION"
"$CI_CACHE_DIR/venv-radon/bin/python" tests/ci/complexity.py || rc=1
log "--- ansible-lint $ANSIBLE_LINT_VERSION --profile production roles/ playbooks/ examples/"
ensure_venv "$CI_CACHE_DIR/venv-ansible-lint" "$python" "ansible-lint==$ANSIBLE_LINT_VERSION" "ansible-core>=2.16,<2.20"
# Not --offline: ansible-lint must install this collection locally (in .ansible/) to resolve
# gitops.github.*; the collection has no dependencies, so nothing is fetched from Galaxy.
PATH="$CI_CACHE_DIR/venv-ansible-lint/bin:$PATH" ansible-lint --profile production roles/ playbooks/ examples/ || rc=1
rm -rf .ansible
log "--- antsibull-nox $ANTSIBULL_NOX_VERSION extra-checks (action groups, unwanted files; antsibull-nox.toml)"
ensure_venv "$CI_CACHE_DIR/venv-nox" "$python" "antsibull-nox==$ANTSIBULL_NOX_VERSION"
PATH="$CI_CACHE_DIR/venv-nox/bin:$PATH" nox --no-install --reuse-existing-virtualenvs -s extra-checks || rc=1
rm -rf .nox
exit "$rc"
