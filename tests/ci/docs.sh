#!/usr/bin/env bash
# Documentation, changelog and execution-environment checks:
#   1. antsibull-docs lint-collection-docs (module, plugin and role docs, with cross-references),
#   2. antsibull-changelog lint (changelogs/fragments) and lint-changelog-yaml, then a trial release of
#      the unreleased fragments in a scratch copy (they must all be consumed),
#   3. ansible-builder introspect: reports the Python requirements meta/execution-environment.yml names,
#   4. ansible-builder create: the documented EE definition (docs/execution-environment/) is valid
#      and makes a build context (no container engine is needed for that; none runs here), from
#      which the collection installs as the image's galaxy stage installs it;
#   5. every install recipe of README.md and docs/ run as written, offline: the git URL replaced by a
#      file:// repository of this checkout, tarballs built from it (check_install.py);
#   6. the HTML docsite of the built and installed collection, as the Ansible docsite builds it
#      (antsibull-docs sphinx-init + collection,
#      sphinx-build -W: no warning allowed), then each module page loaded in headless Chromium
#      (Debian package chromium) must show its options table, its examples and the install command of
#      docs/docsite/antsibull-docs.cfg (git, not Galaxy), with no page for anything but the modules
#      (check_docsite.py).
#      Offline, intersphinx reads a local inventory of the few docs.ansible.com labels the pages
#      link to (docs/docsite/make_inventory.py); the links still point at docs.ansible.com.
# Every check runs even when an earlier one failed; prints each one's time; exits 1 if any failed.
#   bash tests/ci/docs.sh
#   DOCSITE_DEST=docs/output/html bash tests/ci/docs.sh     # and keep the HTML docsite there
# The check functions below are called through check(), which shellcheck cannot see:
# shellcheck disable=SC2329
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
# shellcheck source=tests/ci/lib.sh
source "$HERE/lib.sh"

# Pinned so that a new release cannot turn CI red on its own; bump on purpose.
ANTSIBULL_DOCS_VERSION="${ANTSIBULL_DOCS_VERSION:-2.28.0}"
ANTSIBULL_CHANGELOG_VERSION="${ANTSIBULL_CHANGELOG_VERSION:-0.36.0}"
ANSIBLE_BUILDER_VERSION="${ANSIBLE_BUILDER_VERSION:-3.2.0}"
SPHINX_ANSIBLE_THEME_VERSION="${SPHINX_ANSIBLE_THEME_VERSION:-0.10.4}"
VENV="$CI_CACHE_DIR/venv-docs"

python="$(command -v python3 || command -v python)" || die "no python3 on PATH"
began=$SECONDS
ensure_venv "$VENV" "$python" "antsibull-docs==$ANTSIBULL_DOCS_VERSION" \
    "antsibull-changelog==$ANTSIBULL_CHANGELOG_VERSION" "ansible-builder==$ANSIBLE_BUILDER_VERSION" \
    "ansible-core>=2.16,<2.20" PyYAML "sphinx-ansible-theme==$SPHINX_ANSIBLE_THEME_VERSION" "ansible-pygments==0.1.2" "sphinx==9.0.4"
log "--- tools ready in $(fmt_secs $((SECONDS - began)))"
# antsibull-docs runs ansible and ansible-doc from PATH.
export PATH="$VENV/bin:$PATH"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/gitops-github-docs.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

# The tools want the collection at .../ansible_collections/gitops/github: copy the files git would
# commit (tracked + untracked but not ignored), so no .venv or cache gets in.
STAGE="$WORK/collections/ansible_collections/gitops/github"
mkdir -p "$STAGE"
(cd "$ROOT" && git ls-files -z --cached --others --exclude-standard) \
    | while IFS= read -r -d '' f; do if [[ -f "$ROOT/$f" ]]; then printf '%s\0' "$f"; fi; done \
    | tar -C "$ROOT" --null -T - -cf - | tar -C "$STAGE" -xf -

declare -a SUMMARY=()
FAILED=0
check() {
    local name="$1" start=$SECONDS rc=0
    shift
    log ""
    log "=== $name"
    "$@" || rc=$?
    if [[ $rc -eq 0 ]]; then
        SUMMARY+=("PASS  $name  $(fmt_secs $((SECONDS - start)))")
    else
        SUMMARY+=("FAIL  $name  $(fmt_secs $((SECONDS - start)))  (exit $rc)")
        FAILED=1
    fi
}

lint_docs() {
    (cd "$STAGE" && ANSIBLE_COLLECTIONS_PATH="$WORK/collections" antsibull-docs lint-collection-docs \
        --plugin-docs --validate-collection-refs all --disallow-unknown-collection-refs .)
}

# The fragments of changes since the last release must be releasable: after the lint, a trial release
# in a scratch copy of the changelog (the next patch version after galaxy.yml's) consumes them all.
lint_changelog() {
    (cd "$STAGE" && antsibull-changelog lint && antsibull-changelog lint-changelog-yaml changelogs/changelog.yaml) \
        || return 1
    local trial="$WORK/changelog-trial/ansible_collections/gitops/github" version next fragments
    fragments="$(find "$STAGE/changelogs/fragments" -name '*.yml' | wc -l)"
    [[ "$fragments" -gt 0 ]] || { log "no unreleased fragment"; return 0; }
    mkdir -p "$trial" && cp -r "$STAGE/." "$trial/"
    version="$(sed -n 's/^version: *//p' "$trial/galaxy.yml")"
    next="${version%.*}.$((${version##*.} + 1))"
    sed -i "s/^version: .*/version: $next/" "$trial/galaxy.yml"
    (cd "$trial" && antsibull-changelog release --version "$next" --date 2000-01-01 >/dev/null \
        && antsibull-changelog lint-changelog-yaml changelogs/changelog.yaml) || return 1
    if find "$trial/changelogs/fragments" -name '*.yml' | grep -q .; then
        log "a trial release of $next left fragments behind"; return 1
    fi
    log "$fragments unreleased fragment(s) would go into $next"
}

introspect() {
    ansible-builder introspect --sanitize --write-pip "$WORK/introspect-pip.txt" "$WORK/collections" \
        && (cd "$ROOT" && "$VENV/bin/python" "$HERE/check_ee.py" introspect "$WORK/introspect-pip.txt")
}

# The EE example as docs/execution-environment.md tells it: build the tarball next to the definition,
# `ansible-builder create`, then what the image's galaxy stage runs in /build (its Containerfile
# lines), here in the build context: the collection must install from the example's requirements.yml.
create_context() {
    local ee="$STAGE/docs/execution-environment" ctx="$WORK/ee-context"
    (cd "$ee" && ansible-galaxy collection build ../.. --output-path . >/dev/null) \
        && (cd "$ee" && ansible-builder create --file execution-environment.yml --context "$ctx" \
            --output-filename Containerfile) \
        && (cd "$ROOT" && "$VENV/bin/python" "$HERE/check_ee.py" context "$ctx") \
        && (cd "$ctx/_build" && ansible-galaxy role install -r requirements.yml --roles-path "$WORK/ee-roles" \
            && ANSIBLE_GALAXY_DISABLE_GPG_VERIFY=1 ansible-galaxy collection install --offline -r requirements.yml \
                --collections-path "$WORK/ee-collections") \
        && ANSIBLE_COLLECTIONS_PATH="$WORK/ee-collections" ansible-doc gitops.github.github_org_membership >/dev/null \
        && log "the example's requirements.yml installs gitops.github in the build context"
}

# A fresh machine has only Python and pip: as root with apt-get (Debian), install Chromium once.
ensure_chromium() {
    command -v chromium >/dev/null && return 0
    if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
        log "installing chromium (Debian package) for the headless check"
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; } \
            > "$WORK/apt.log" 2>&1 || { tail -20 "$WORK/apt.log" >&2; return 1; }
    fi
    command -v chromium >/dev/null || { log "no chromium: apt-get install chromium"; return 1; }
}

docsite() {
    local site="$WORK/docsite" installed="$WORK/installed"
    mkdir -m 700 "$site"
    # The site documents the collection as users install it: built, then installed from its tarball
    # (build_ignore leaves out the documentation of the role-internal report action).
    ansible-galaxy collection build --output-path "$WORK/tarball" "$STAGE" >/dev/null \
        && ansible-galaxy collection install --offline -p "$installed" "$WORK"/tarball/gitops-github-*.tar.gz >/dev/null \
        || return 1
    ANSIBLE_COLLECTIONS_PATH="$installed" antsibull-docs --config-file "$STAGE/docs/docsite/antsibull-docs.cfg" \
        sphinx-init --use-current --squash-hierarchy \
        --fail-on-error --dest-dir "$site" --project gitops.github --title gitops.github gitops.github >/dev/null \
        || return 1
    "$VENV/bin/python" "$ROOT/docs/docsite/make_inventory.py" "$site/ansible_devel.inv" || return 1
    printf "intersphinx_mapping = {'ansible_devel': ('https://docs.ansible.com/projects/ansible/devel/', %s)}\n" \
        "'$site/ansible_devel.inv'" >> "$site/conf.py"
    if ! ANSIBLE_COLLECTIONS_PATH="$installed" bash "$site/build.sh" > "$WORK/docsite.log" 2>&1; then
        cat "$WORK/docsite.log" >&2
        return 1
    fi
    if grep -i 'warning' "$WORK/docsite.log" >&2; then log "the docsite build gave warnings"; return 1; fi
    log "built $(find "$site/build/html" -name '*.html' | wc -l) HTML pages"
    if [[ -n "${DOCSITE_DEST:-}" ]]; then
        rm -rf "$DOCSITE_DEST" && mkdir -p "$DOCSITE_DEST" && cp -r "$site/build/html/." "$DOCSITE_DEST/" \
            && log "the HTML docsite is in $DOCSITE_DEST (open index.html)"
    fi
    ensure_chromium || return 1
    # shellcheck disable=SC2046  # one argument per module
    ANSIBLE_COLLECTIONS_PATH="$installed" ansible-doc --json \
        $(find "$installed/ansible_collections/gitops/github/plugins/modules" -name '*.py' -printf 'gitops.github.%f\n' \
            | sed 's|\.py$||' | sort) \
        > "$WORK/modules.json" \
        && "$VENV/bin/python" "$HERE/check_docsite.py" "$site/build/html" "$WORK/modules.json" \
            "$STAGE/docs/docsite/antsibull-docs.cfg"
}

check "antsibull-docs $ANTSIBULL_DOCS_VERSION lint-collection-docs" lint_docs
check "antsibull-changelog $ANTSIBULL_CHANGELOG_VERSION lint" lint_changelog
check "ansible-builder $ANSIBLE_BUILDER_VERSION introspect" introspect
check "ansible-builder $ANSIBLE_BUILDER_VERSION create (docs/execution-environment)" create_context
check "install recipes of README.md and docs/, as written (tests/ci/check_install.py)" \
    "$VENV/bin/python" "$HERE/check_install.py" "$ROOT"
check "docsite: antsibull-docs + sphinx-build -W, checked in headless Chromium" docsite

log ""
log "=== docs summary ($(fmt_secs $((SECONDS - began))) total)"
for line in "${SUMMARY[@]}"; do
    log "$line"
done
exit "$FAILED"
