"""Check that meta/runtime.yml's action group lists exactly the modules that take the shared options.

A module belongs in the ``github`` action group (so ``module_defaults`` for
``group/gitops.github.github`` reaches it) when its documentation extends the
``gitops.github.github`` doc fragment. Run from the collection root; prints one
line per problem and exits 1 if there is any.
"""
from __future__ import annotations

import ast
import pathlib
import sys

import yaml

GROUP = 'github'
FRAGMENT = 'gitops.github.github'


def documentation(path: pathlib.Path) -> dict:
    """Return the parsed DOCUMENTATION of a module file (empty when it has none)."""
    tree = ast.parse(path.read_text(encoding='utf-8'), filename=str(path))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == 'DOCUMENTATION' for t in node.targets):
            return yaml.safe_load(ast.literal_eval(node.value)) or {}
    return {}


def main() -> int:
    """Compare the action group with the modules; report the differences."""
    root = pathlib.Path.cwd()
    runtime = yaml.safe_load((root / 'meta' / 'runtime.yml').read_text(encoding='utf-8')) or {}
    listed = (runtime.get('action_groups') or {}).get(GROUP) or []
    problems = []

    wanted = set()
    for path in sorted((root / 'plugins' / 'modules').glob('*.py')):
        fragments = documentation(path).get('extends_documentation_fragment') or []
        if isinstance(fragments, str):
            fragments = [fragments]
        if FRAGMENT in fragments:
            wanted.add(path.stem)

    for name in listed:
        if not isinstance(name, str):
            problems.append(f'meta/runtime.yml: action group {GROUP!r} entry {name!r} is not a module name')
        elif name not in wanted:
            problems.append(f'meta/runtime.yml: action group {GROUP!r} lists {name!r}, which is no module extending {FRAGMENT}')
    names = [name for name in listed if isinstance(name, str)]
    for name in sorted(wanted - set(names)):
        problems.append(f'plugins/modules/{name}.py: extends {FRAGMENT} but is missing from action group {GROUP!r} in meta/runtime.yml')
    if len(names) != len(set(names)):
        problems.append(f'meta/runtime.yml: action group {GROUP!r} lists a module twice')

    for problem in problems:
        print(problem)
    print(f'action group {GROUP!r}: {len(listed)} listed, {len(wanted)} modules take the shared options, {len(problems)} problem(s)')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
