"""Check what ansible-builder makes of this collection and of the documented EE example.

    python tests/ci/check_ee.py introspect PIP_FILE   # PIP_FILE: `ansible-builder introspect --write-pip` output
    python tests/ci/check_ee.py context CONTEXT_DIR   # CONTEXT_DIR: `ansible-builder create --context` output

``introspect``: every requirement in the Python file named by meta/execution-environment.yml
(read here, not hard-coded) is in what ansible-builder would install, credited to gitops.github.
``context``: the build context installs the collections of the example's requirements.yml,
gitops.github among them (by name, its tarball, which must be in the context, or its git
repository), and runs the introspection that brings in their Python packages. docs.sh then installs
them from the context as the image's galaxy stage does.
Run from the collection root; prints one line per problem and exits 1 if there is any.
"""
from __future__ import annotations

import pathlib
import re
import sys

import yaml

COLLECTION = 'gitops.github'
EXAMPLE_DIR = pathlib.Path('docs/execution-environment')


def requirement_name(line: str) -> str | None:
    """The normalized project name of one requirements.txt line, or None for blanks and comments."""
    line = line.split('#', 1)[0].strip()
    if not line or line.startswith('-'):
        return None
    match = re.match(r'[A-Za-z0-9][A-Za-z0-9._-]*', line)
    return re.sub(r'[-_.]+', '-', match.group(0)).lower() if match else None


def declared_python_requirements() -> tuple[str, list[str]]:
    meta = yaml.safe_load(pathlib.Path('meta/execution-environment.yml').read_text(encoding='utf-8'))
    path = meta['dependencies']['python']
    lines = pathlib.Path(path).read_text(encoding='utf-8').splitlines()
    return path, [name for name in map(requirement_name, lines) if name]


def check_introspect(pip_file: str) -> list[str]:
    path, wanted = declared_python_requirements()
    if not wanted:
        return ['%s (named by meta/execution-environment.yml) lists no requirement' % path]
    found = {}
    for line in pathlib.Path(pip_file).read_text(encoding='utf-8').splitlines():
        name = requirement_name(line)
        if name:
            found[name] = line
    problems = []
    for name in wanted:
        if name not in found:
            problems.append('ansible-builder introspect does not report %s from %s; it reported: %s'
                            % (name, path, ', '.join(sorted(found)) or 'nothing'))
        elif 'from collection ' + COLLECTION not in found[name]:
            problems.append('ansible-builder introspect reports %r, not as coming from %s' % (found[name], COLLECTION))
        else:
            print('ok: %s' % found[name].strip())
    return problems


def check_context(context: str) -> list[str]:
    root = pathlib.Path(context)
    problems = []
    files = [p for p in (root / 'Containerfile', root / 'Dockerfile') if p.is_file()]
    if not files:
        return ['ansible-builder create wrote no Containerfile in %s' % context]
    text = files[0].read_text(encoding='utf-8')
    for needle in ('ansible-galaxy collection install', '-r requirements.yml', 'introspect.py introspect'):
        if needle not in text:
            problems.append('%s has no %r' % (files[0].name, needle))
    example = yaml.safe_load((EXAMPLE_DIR / 'requirements.yml').read_text(encoding='utf-8'))
    copied = yaml.safe_load((root / '_build' / 'requirements.yml').read_text(encoding='utf-8'))
    if copied != example:
        problems.append('the build context requirements.yml differs from %s' % (EXAMPLE_DIR / 'requirements.yml'))
    names = [item.get('name') if isinstance(item, dict) else item for item in example.get('collections', [])]
    ours = [name for name in names if name == COLLECTION or re.search(r'(^|/)gitops-github-[^/]*\.tar\.gz$', name)
            or re.search(r'github\.com/gitops/github(\.git)?$', name)]
    if not ours:
        problems.append('%s does not install %s' % (EXAMPLE_DIR / 'requirements.yml', COLLECTION))
    for name in ours:
        if name.endswith('.tar.gz') and not (root / '_build' / name).is_file():
            problems.append('the build context has no %s (what requirements.yml installs, relative to /build)' % name)
    if not problems:
        print('ok: %s installs %s and introspects its Python requirements' % (files[0].name, ', '.join(names)))
    return problems


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[1] not in ('introspect', 'context'):
        print(__doc__, file=sys.stderr)
        return 2
    problems = check_introspect(argv[2]) if argv[1] == 'introspect' else check_context(argv[2])
    for problem in problems:
        print('ERROR: ' + problem)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
