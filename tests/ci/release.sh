#!/usr/bin/env bash
# Release checks on the built collection tarball, as Galaxy / Automation Hub see it:
#   1. ansible-galaxy collection build (from the files git would commit, so no local leftovers);
#   2. the tarball's file list: LICENSE, examples/, the changelog and the guides present, none of the
#      caches, venvs or test-only trees;
#   3. galaxy-importer (configured by tests/ci/galaxy-importer.cfg: offline, no container) must
#      finish without a single WARNING or ERROR line;
#   4. ansible-doc's AUTHOR line of every module names a GitHub handle, not (!UNKNOWN);
#   5. README.md's "Try it on the simulator" recipe, pasted into a shell with an empty HOME and a
#      bare PATH (the clone URL replaced by this checkout, since only package registries are
#      reachable here), must finish with a clean drift run.
# Hand-written because no tool checks 2, 4 and 5, and galaxy-importer exits 0 on warnings.
#   bash tests/ci/release.sh
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
# shellcheck source=tests/ci/lib.sh
source "$HERE/lib.sh"

# Pinned so that a new release cannot turn CI red on its own; bump on purpose.
GALAXY_IMPORTER_VERSION="${GALAXY_IMPORTER_VERSION:-0.4.44}"
VENV="$CI_CACHE_DIR/venv-release"
python="$(command -v python3 || command -v python)" || die "no python3 on PATH"
ensure_venv "$VENV" "$python" "galaxy-importer==$GALAXY_IMPORTER_VERSION" "ansible-core>=2.16,<2.20"
export PATH="$VENV/bin:$PATH"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/gitops-github-release.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
rc=0

# The tree as a fresh clone has it, plus a few leftovers a test run makes: build_ignore must drop them.
SRC="$WORK/src"
mkdir -p "$SRC"
(cd "$ROOT" && git ls-files -z --cached --others --exclude-standard) \
    | while IFS= read -r -d '' f; do if [[ -f "$ROOT/$f" ]]; then printf '%s\0' "$f"; fi; done \
    | tar -C "$ROOT" --null -T - -cf - | tar -C "$SRC" -xf -
for leftover in .hypothesis/examples/x .pytest_cache/v/x .ruff_cache/x plugins/modules/__pycache__/x.pyc \
        tests/output/x .venv/bin/x collections/ansible_collections/x simulator/build/x .nox/x; do
    mkdir -p "$SRC/$(dirname "$leftover")" && : > "$SRC/$leftover"
done

log "--- ansible-galaxy collection build"
ansible-galaxy collection build --output-path "$WORK" "$SRC" >/dev/null
tarball="$(ls "$WORK"/gitops-github-*.tar.gz)"
tar -tzf "$tarball" | sort > "$WORK/files.txt"
log "$(basename "$tarball"): $(wc -c < "$tarball") bytes, $(wc -l < "$WORK/files.txt") entries"
cat "$WORK/files.txt" >&2
grep -qx LICENSE "$WORK/files.txt" || { log "FAIL: LICENSE is not in the tarball"; rc=1; }
# What the README points users to ships too: every example playbook, the changelog, the guides.
for shipped in $(cd "$SRC" && ls examples/*.yml) CHANGELOG.md changelogs/changelog.yaml docs/execution-environment.md; do
    grep -qx "$shipped" "$WORK/files.txt" || { log "FAIL: $shipped is not in the tarball"; rc=1; }
done
if grep -E '(^|/)(\.hypothesis|\.pytest_cache|\.ruff_cache|__pycache__|\.venv|\.nox|collections|output|build)(/|$)|\.pyc$|^(tests/(unit|integration|ci)|simulator|benchmarks|scripts)/' \
        "$WORK/files.txt" > "$WORK/unwanted.txt"; then
    log "FAIL: the tarball ships leftovers or test-only files:"; cat "$WORK/unwanted.txt" >&2; rc=1
fi
# The role-internal report action ships; its documentation (for ansible-test) does not, so the
# module list of the installed collection does not offer it.
grep -qx plugins/action/membership_report.py "$WORK/files.txt" || { log "FAIL: the report action is not in the tarball"; rc=1; }
if grep -x 'plugins/modules/membership_report.*' "$WORK/files.txt"; then
    log "FAIL: the tarball ships the report action's documentation (ansible-doc -l would list it)"; rc=1
fi
# Of the test tree only tests/config.yml (ansible-test's python_requires) belongs in the tarball.
if grep -E '^tests/.' "$WORK/files.txt" | grep -vx 'tests/config.yml' > "$WORK/unwanted-tests.txt"; then
    log "FAIL: the tarball ships test files:"; cat "$WORK/unwanted-tests.txt" >&2; rc=1
fi

log "--- galaxy-importer $GALAXY_IMPORTER_VERSION"
set +e
(cd "$WORK" && GALAXY_IMPORTER_CONFIG="$HERE/galaxy-importer.cfg" ANSIBLE_LOCAL_TEMP="$WORK/tmp" \
    python -m galaxy_importer.main "$tarball") > "$WORK/importer.txt" 2>&1
importer_rc=$?
set -e
grep -v '^Loading ' "$WORK/importer.txt" >&2
if [[ $importer_rc -ne 0 ]]; then log "FAIL: galaxy-importer exited $importer_rc"; rc=1; fi
if grep -E '^(WARNING|ERROR)|\[WARNING\]' "$WORK/importer.txt" >/dev/null; then
    log "FAIL: galaxy-importer gave warnings"; rc=1
fi
grep -q '^Importer processing completed successfully' "$WORK/importer.txt" || { log "FAIL: the import did not complete"; rc=1; }

log "--- ansible-doc AUTHOR lines"
ANSIBLE_COLLECTIONS_PATH="$WORK/c" ansible-galaxy collection install --offline -p "$WORK/c" "$tarball" >/dev/null
for module in $(tar -tzf "$tarball" | sed -n 's|^plugins/modules/\([a-z_]*\)\.py$|\1|p'); do
    author="$(ANSIBLE_COLLECTIONS_PATH="$WORK/c" ANSIBLE_NOCOLOR=1 PAGER=cat ansible-doc "gitops.github.$module" | grep '^AUTHOR:' || true)"
    case "$author" in
        "AUTHOR: "*"(@"*")"*) ;;
        *) log "FAIL: gitops.github.$module: '$author' (want a name with its GitHub handle, (@handle))"; rc=1 ;;
    esac
done
log "--- README recipe: Try it on the simulator (empty HOME)"
awk '/^### Try it on the simulator/{on=1} on && /^```bash$/{code=1; next} code && /^```$/{exit} code' "$ROOT/README.md" \
    | sed "s|git clone https://github.com/gitops/github.git|git clone -q $ROOT|" > "$WORK/recipe.sh"
[[ -s "$WORK/recipe.sh" ]] || { log "FAIL: no recipe found in README.md"; rc=1; }
recipe_home="$WORK/home"
mkdir -p "$recipe_home"
began=$SECONDS
if (cd "$recipe_home" && env -i HOME="$recipe_home" PATH=/usr/local/bin:/usr/bin:/bin TMPDIR="$WORK" \
        bash -euo pipefail "$WORK/recipe.sh") > "$WORK/recipe.txt" 2>&1 \
        && grep -q 'No drift' "$WORK/recipe.txt" && grep -Eq 'changed=0 +unreachable=0 +failed=0' "$WORK/recipe.txt"; then
    log "the recipe works when pasted ($((SECONDS - began)) s)"
else
    tail -40 "$WORK/recipe.txt" >&2; log "FAIL: the README recipe does not work as written"; rc=1
fi
[[ $rc -eq 0 ]] && log "release checks passed"
exit "$rc"
