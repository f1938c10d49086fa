"""The layout of plugins/module_utils/ holds: the pure planning files do no I/O (they import no
client, resource reader, HTTP library or Ansible module code), and no module builds a REST path
by hand (the paths belong to OrgRef and TeamRef in _resources)."""

from __future__ import annotations

import ast
import os
import re

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
UTILS = os.path.join(REPO, 'plugins', 'module_utils')
MODULES = os.path.join(REPO, 'plugins', 'modules')
PURE = ('_plan.py', '_plan_org.py', '_plan_people.py', '_names.py', '_github_forms.py')
# What a pure file may import: the standard library's pure parts and the other pure files.
ALLOWED = {'__future__', 're', 'datetime', 'unicodedata'} | set(
    'ansible_collections.gitops.github.plugins.module_utils.' + name[:-3] for name in PURE)


def imports(path):
    with open(path) as handle:
        tree = ast.parse(handle.read(), path)
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            found.add(node.module)
    return found


@pytest.mark.parametrize('name', PURE)
def test_pure_files_import_nothing_that_does_io(name):
    assert imports(os.path.join(UTILS, name)) <= ALLOWED


def test_the_rule_would_catch_an_io_import(tmp_path):
    bad = tmp_path / 'bad.py'
    bad.write_text('from ansible_collections.gitops.github.plugins.module_utils._http import GitHubClient\n')
    assert not imports(str(bad)) <= ALLOWED


# A REST path written in a module: a string that starts with one of GitHub's top-level routes.
_PATH_LITERAL = re.compile(r'''['"]/(orgs|organizations|teams|user|users|app)\b''')


def _code_of(path):
    """The module's source without its DOCUMENTATION/EXAMPLES/RETURN strings (which name paths)."""
    with open(path) as handle:
        source = handle.read()
    tree = ast.parse(source, path)
    docs = [ast.get_source_segment(source, node) for node in tree.body
            if isinstance(node, ast.Assign) and any(getattr(t, 'id', '') in ('DOCUMENTATION', 'EXAMPLES', 'RETURN')
                                                    for t in node.targets)]
    for segment in docs:
        source = source.replace(segment, '')
    return source


@pytest.mark.parametrize('name', sorted(n for n in os.listdir(MODULES) if n.endswith('.py') and n != '__init__.py'))
def test_no_module_builds_a_rest_path(name):
    code = _code_of(os.path.join(MODULES, name))
    assert not _PATH_LITERAL.findall(code), 'REST paths belong to OrgRef/TeamRef in _resources'
    assert 'quote_segment' not in code


def test_the_path_rule_would_catch_a_hand_built_path():
    assert _PATH_LITERAL.search("path = '/orgs/%s/memberships/%s' % (org, user)")
