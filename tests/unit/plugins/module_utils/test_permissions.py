"""_permissions: repository permissions and organization roles, as the issue-20 modules compare them."""

from __future__ import annotations

import pytest

from ansible_collections.gitops.github.plugins.module_utils import _permissions as ap

from recordings import exchange


@pytest.mark.parametrize('data, expected', [
    ({'role_name': 'read'}, 'pull'),
    ({'role_name': 'write', 'permissions': {'admin': True}}, 'push'),  # role_name wins over the flags
    ({'role_name': 'Auditor'}, 'Auditor'),  # a custom role keeps GitHub's spelling
    ({'role_name': 'none', 'permissions': {'pull': True}}, 'pull'),
    ({'permissions': {'admin': False, 'maintain': True, 'push': True, 'triage': True, 'pull': True}}, 'maintain'),
    ({'permissions': {'pull': False}}, None),
    ({}, None),
    (None, None),
])
def test_permission_of(data, expected):
    assert ap.permission_of(data) == expected


def test_permission_of_recorded_answers():
    # PyGithub's team-repos-7 (flags only) and hub4j's maintainer (role_name "maintain").
    assert ap.permission_of(exchange('pygithub:team-repos-7')['body']) == 'pull'
    assert ap.permission_of(exchange('pygithub:collaborator-role-name-1')['body']) == 'maintain'
    assert ap.permission_of(exchange('hub4j:permission-of-maintainer')['body']) == 'maintain'


@pytest.mark.parametrize('value, expected', [('PUSH', 'push'), ('read', 'pull'), ('Write', 'push'), ('auditor', 'auditor')])
def test_wanted_permission(value, expected):
    assert ap.wanted_permission(value) == expected


@pytest.mark.parametrize('have, state, want, action', [
    (None, 'present', 'push', 'add'),
    ('pull', 'present', 'push', 'update'),
    ('Auditor', 'present', 'auditor', None),
    ('push', 'present', 'push', None),
    ('push', 'absent', None, 'remove'),
    (None, 'absent', None, None),
])
def test_access_action(have, state, want, action):
    assert ap.access_action(have, state, want) == action


@pytest.mark.parametrize('value, owner_allowed, bad', [
    ('widgets', False, False), ('acme/widgets', True, False), ('acme/widgets', False, True), ('a/b/c', True, True),
    ('..', False, True), ('wid gets', False, True), ('', False, True), (5, False, True), ('-bad/x', True, True),
    ('x' * 101, False, True),
])
def test_repository_problem(value, owner_allowed, bad):
    problem = ap.repository_problem(value, owner_allowed=owner_allowed)
    assert bool(problem) is bad
    if bad:
        assert problem.startswith('repository')


def test_invitation_words_round_trip():
    for permission in ap.BASE_PERMISSIONS:
        assert ap.invitation_permission(ap.invitation_word(permission)) == permission
    assert ap.invitation_word('auditor') is None
    assert ap.invitation_permission(exchange('pygithub:repo-invitations-2')['body'][0]['permissions']) == 'push'


def test_find_role_and_names():
    roles = [{'id': 8132, 'name': 'all_repo_read'}, {'id': 138, 'name': 'security_manager'}, {'id': 9, 'name': 'Releaser'}]
    assert ap.find_role(roles, 'ALL_REPO_READ')['id'] == 8132
    assert ap.find_role(roles, 'nonesuch') is None
    assert ap.role_names(roles) == ['all_repo_read', 'Releaser', 'security_manager']


@pytest.mark.parametrize('entry, expected', [
    (None, (False, [])),
    ({'login': 'a', 'assignment': 'direct'}, (True, [])),
    ({'login': 'a', 'assignment': 'mixed', 'inherited_from': [{'slug': 'sec'}]}, (True, ['sec'])),
    ({'login': 'a', 'assignment': 'indirect', 'inherited_from': [{'slug': 'sec'}]}, (False, ['sec'])),
    ({'login': 'a'}, (True, [])),
])
def test_assignment_view(entry, expected):
    assert ap.assignment_view(entry) == expected


@pytest.mark.parametrize('shown, parent, state, want, expected', [
    ('push', 'push', 'absent', None, True),
    ('push', 'push', 'present', 'pull', True),
    ('push', 'push', 'present', 'admin', False),
    ('admin', 'push', 'absent', None, False),  # the child's own grant is higher: removable
    ('push', None, 'absent', None, False),
    ('Auditor', 'auditor', 'present', 'pull', False),  # a custom role has no known rank
    ('Auditor', 'auditor', 'absent', None, True),
])
def test_shadowed(shown, parent, state, want, expected):
    assert ap.shadowed(shown, parent, state, want) is expected
