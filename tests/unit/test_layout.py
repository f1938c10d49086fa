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
PURE = ('_plan.py', '_plan_org.py', '_plan_people.py', '_names.py', '_github_forms.py', '_org_state.py', '_org_input.py',
        '_org_invitations.py', '_org_predict.py', '_org_guards.py', '_org_report.py', '_access_state.py',
        '_plan_access.py', '_permissions.py', '_membership_data.py', '_two_factor.py',
        '_plan_roster_access.py')
# What a pure file may import: the standard library's pure parts, Ansible's table of boolean
# spellings (the rules of a module's type: bool, which the data follows) and the other pure files.
ALLOWED = {'__future__', 're', 'datetime', 'unicodedata', 'collections.abc', 'typing',
           'ansible.module_utils.parsing.convert_bool'} | set(
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


# -- the endpoint layer has no back doors ---------------------------------------------------------
# Modules reach GitHub through named reads and writes (_resources, _org_reader, _graphql), never
# through the client's HTTP methods; and nothing outside _http touches the client's private parts.
HTTP_METHODS = frozenset(('request', 'get', 'get_or_none', 'paginate', 'get_all'))
PLUGINS = os.path.join(REPO, 'plugins')

# No debt left: entries would be (file under plugins/, name): the most uses allowed. Never add one.
ALLOWED_MODULE_CLIENT_CALLS: dict = {}
ALLOWED_CLIENT_PRIVATES: dict = {}


def _client_names(tree):
    """The local names bound to a client: ``client``, and any ``x = <...>.client``."""
    names = {'client'}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Attribute) and node.value.attr == 'client':
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names


def _is_client(node, names):
    """Whether an expression is a client: a client name, or ``<...>.client`` (``gh.client``, ``self.client``)."""
    return (isinstance(node, ast.Name) and node.id in names) or (isinstance(node, ast.Attribute) and node.attr == 'client')


def client_http_calls(source):
    """``[(method, line)]``: every call of one of the client's HTTP methods in ``source``."""
    tree = ast.parse(source)
    names = _client_names(tree)
    return [(node.func.attr, node.lineno) for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in HTTP_METHODS
            and _is_client(node.func.value, names)]


def client_privates(source):
    """``[(name, line)]``: every use of a private attribute (``_x``, not ``__x__``) of a client."""
    tree = ast.parse(source)
    names = _client_names(tree)
    return [(node.attr, node.lineno) for node in ast.walk(tree)
            if isinstance(node, ast.Attribute) and node.attr.startswith('_') and not node.attr.startswith('__')
            and _is_client(node.value, names)]


def _over_allowance(found, where, allowed):
    counts = {}
    for name, _line in found:
        counts[name] = counts.get(name, 0) + 1
    return sorted((name, line) for name, line in found if counts[name] > allowed.get((where, name), 0))


MODULE_FILES = sorted(n for n in os.listdir(MODULES) if n.endswith('.py') and n != '__init__.py')
PLUGIN_FILES = sorted(os.path.relpath(os.path.join(d, f), PLUGINS) for d, _dirs, files in os.walk(PLUGINS)
                      for f in files if f.endswith('.py'))


@pytest.mark.parametrize('name', MODULE_FILES)
def test_no_module_calls_the_clients_http_methods(name):
    found = client_http_calls(_code_of(os.path.join(MODULES, name)))
    assert not _over_allowance(found, 'modules/' + name, ALLOWED_MODULE_CLIENT_CALLS), (
        'modules call named reads and writes (_resources, _org_reader, _graphql), not the client')


@pytest.mark.parametrize('where', [p for p in PLUGIN_FILES if p != os.path.join('module_utils', '_http.py')])
def test_nothing_outside_http_uses_the_clients_private_parts(where):
    with open(os.path.join(PLUGINS, where)) as handle:
        found = client_privates(handle.read())
    assert not _over_allowance(found, where.replace(os.sep, '/'), ALLOWED_CLIENT_PRIVATES), (
        'the client exposes what others need under public names (clock, wait, scrub, display)')


def test_the_allowances_are_still_used():
    """An allowance no file needs any more is removed, so the debt list only shrinks."""
    used = {}
    for where in PLUGIN_FILES:
        with open(os.path.join(PLUGINS, where)) as handle:
            source = handle.read()
        key = where.replace(os.sep, '/')
        for name, _line in client_privates(source):
            used[(key, name)] = used.get((key, name), 0) + 1
        if key.startswith('modules/'):
            for name, _line in client_http_calls(_code_of(os.path.join(PLUGINS, where))):
                used[(key, name)] = used.get((key, name), 0) + 1
    for entry, most in list(ALLOWED_MODULE_CLIENT_CALLS.items()) + list(ALLOWED_CLIENT_PRIVATES.items()):
        assert 0 < used.get(entry, 0) <= most, entry


BACK_DOORS = '''
def main():
    gh = GitHubModule(argument_spec={})
    client = gh.client
    data = client.get_or_none('/orgs/acme')
    for team in gh.client.paginate(ref.teams_path):
        pass
    api = gh.client
    api.request('PUT', path, expected=(204,))
    now = client._clock()
    gh.fail(gh.client._scrub(text))
    value = params.get('org')  # a dict's get: not the client
    gh._private = 1  # not the client
'''


def test_the_http_rule_would_catch_a_module_calling_the_client():
    assert sorted(client_http_calls(BACK_DOORS)) == [('get_or_none', 5), ('paginate', 6), ('request', 9)]
    assert _over_allowance(client_http_calls(BACK_DOORS), 'modules/bad.py', ALLOWED_MODULE_CLIENT_CALLS)


def test_the_private_rule_would_catch_a_private_client_attribute():
    assert sorted(client_privates(BACK_DOORS)) == [('_clock', 10), ('_scrub', 11)]
    assert _over_allowance(client_privates(BACK_DOORS), 'module_utils/_graphql.py', {}) == [('_clock', 10), ('_scrub', 11)]
    # An allowance covers only as many uses as it says.
    assert _over_allowance([('_clock', 1), ('_clock', 2), ('_clock', 3)], 'module_utils/_graphql.py',
                           ALLOWED_CLIENT_PRIVATES) == [('_clock', 1), ('_clock', 2), ('_clock', 3)]


def test_no_two_test_files_share_a_basename():
    """pytest collects the whole suite in one session and refuses two test modules of the same
    basename (no __init__.py here): a unit and an integration test of one subject need two names."""
    import collections
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
    seen = collections.defaultdict(list)
    for folder, _dirs, files in os.walk(root):
        for name in files:
            if name.startswith('test_') and name.endswith('.py'):
                seen[name].append(os.path.relpath(os.path.join(folder, name), root))
    assert {name: paths for name, paths in seen.items() if len(paths) > 1} == {}


# -- the controller side reaches GitHub only through the engine -------------------------------------
# An action plugin (and the controller-side helpers under plugin_utils) runs the modules' engine in
# the controller's process: it must not grow its own GitHub calls beside it. No REST path, no call
# of the client's HTTP methods, no HTTP library of its own.
CONTROLLER_FILES = sorted(os.path.join(folder, name) for folder in ('action', 'plugin_utils', 'lookup')
                          if os.path.isdir(os.path.join(PLUGINS, folder))
                          for name in os.listdir(os.path.join(PLUGINS, folder)) if name.endswith('.py'))
HTTP_LIBRARIES = {'requests', 'urllib.request', 'http.client', 'ansible.module_utils.urls',
                  'ansible_collections.gitops.github.plugins.module_utils._http'}


@pytest.mark.parametrize('where', CONTROLLER_FILES)
def test_the_controller_side_makes_no_request_of_its_own(where):
    path = os.path.join(PLUGINS, where)
    code = _code_of(path)
    assert not _PATH_LITERAL.findall(code), 'REST paths belong to OrgRef/TeamRef in _resources'
    assert client_http_calls(code) == []
    found = imports(path) & HTTP_LIBRARIES
    # Only whether requests is there (the rule of choose_engine) may come from _http.
    assert found <= {'ansible_collections.gitops.github.plugins.module_utils._http'}
    if found:
        assert re.findall(r'from ansible_collections\.gitops\.github\.plugins\.module_utils\._http import (\w+)', code) == [
            'HAS_REQUESTS']


def test_the_controller_files_are_found():
    assert os.path.join('action', 'github_org_roster.py') in CONTROLLER_FILES
    assert os.path.join('plugin_utils', '_controller.py') in CONTROLLER_FILES
