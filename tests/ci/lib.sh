# shellcheck shell=bash
# Helpers shared by the tests/ci/*.sh scripts. Source it; do not run it.

export CI_CACHE_DIR="${GITOPS_GITHUB_CI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/gitops-github-ci}"

log() { printf '%s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Print the "X.Y" version of the interpreter $1, or fail.
python_xy() {
    "$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null
}

# find_python X.Y -> print the path of a working Python X.Y interpreter, or return 1.
# Looks at pyenv's installed versions first (newest patch release wins), then at
# pythonX.Y on PATH. pyenv shims are skipped (they only run the selected version), and so
# is $PY_BIN, where sanity.sh puts its own wrappers.
find_python() {
    local want="$1" root="" candidate
    local -a candidates=()
    if command -v pyenv >/dev/null 2>&1; then
        root="$(pyenv root 2>/dev/null || true)"
    fi
    root="${root:-${PYENV_ROOT:-$HOME/.pyenv}}"
    if [[ -d "$root/versions" ]]; then
        while IFS= read -r candidate; do
            candidates+=("$candidate")
        done < <(find "$root/versions" -mindepth 3 -maxdepth 3 -path "*/bin/python$want" 2>/dev/null | sort -V -r)
    fi
    local IFS=:
    local dir
    for dir in $PATH; do
        [[ "$dir" == */shims || "$dir" == "${PY_BIN:-}" ]] && continue
        [[ -x "$dir/python$want" ]] && candidates+=("$dir/python$want")
    done
    unset IFS
    for candidate in "${candidates[@]}"; do
        if [[ "$(python_xy "$candidate")" == "$want" ]]; then
            printf '%s\n' "$candidate"
            return 0
        fi
    done
    return 1
}

# ensure_venv DIR PYTHON REQUIREMENT... -> create DIR with PYTHON (recreating it when
# broken or built from another X.Y), then make sure the requirements are installed.
ensure_venv() {
    local venv="$1" python="$2"
    shift 2
    local want have
    want="$(python_xy "$python")" || die "cannot run $python"
    have="$(python_xy "$venv/bin/python" || true)"
    if [[ "$have" != "$want" ]] || ! "$venv/bin/python" -m pip --version >/dev/null 2>&1; then
        log "creating venv $venv (Python $want)"
        rm -rf "$venv"
        mkdir -p "$(dirname "$venv")"
        "$python" -m venv "$venv"
    fi
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade "$@" \
        || die "pip install $* into $venv failed"
}

# Format a number of seconds as "XmYYs".
fmt_secs() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }
