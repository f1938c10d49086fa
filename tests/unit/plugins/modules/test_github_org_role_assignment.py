"""github_org_role_assignment: exact requests, with GitHub's documented answers (OpenAPI examples)."""

from __future__ import annotations

import json
import os

import pytest

from ansible_collections.gitops.github.plugins.modules import github_org_role_assignment as assignment

from exact_http import NOT_FOUND, call, exact_calls, org_membership, warning_texts

EXTRACT = os.path.join(os.path.dirname(__file__), '..', '..', '..', 'data', 'github-openapi', 'api.github.com.membership.json')
ROLES = '/orgs/acme/organization-roles'
USERS = ROLES + '/8031/users'
TEAMS = ROLES + '/8031/teams'


def documented(name):
    with open(EXTRACT) as handle:
        return json.load(handle)['components']['examples'][name]['value']


def role_list():
    """GitHub's example of GET /orgs/{org}/organization-roles: "Custom Role Manager" (8030), "Auditor" (8031)."""
    return documented('organization-role-list')


def user(login, assignment='direct', through=()):
    body = dict(documented('simple-user-items')[0], login=login, assignment=assignment)
    body['inherited_from'] = [{'id': 1, 'slug': s, 'name': s} for s in through]
    return body


def team(slug, assignment='direct'):
    return dict(documented('team-items')[0], slug=slug, assignment=assignment)


ARGS = {'org': 'acme', 'role': 'auditor', 'username': 'Alice'}


@pytest.mark.parametrize('check_mode', [False, True])
def test_assign_user(run_module, check_mode):
    calls = [call('GET', ROLES, 200, role_list()), call('GET', USERS, 200, [user('bob')], query={'per_page': '100'})]
    if check_mode:
        calls.append(call('GET', '/orgs/acme/memberships/Alice', 200, org_membership('alice')))
    else:
        calls.append(call('PUT', ROLES + '/users/Alice/8031', 204))
    with exact_calls(calls):
        result = run_module(assignment.main, ARGS, check_mode=check_mode)
    assert result['changed'] is True and result['impossible'] == []
    assert result['assignment'] == {'role': 'Auditor', 'role_id': 8031, 'username': 'Alice', 'state': 'present',
                                    'inherited_from': []}
    assert result['diff']['before']['state'] == 'absent'


@pytest.mark.parametrize('check_mode', [False, True])
def test_idempotent_over_pages(run_module, check_mode):
    # The holder is on the second page: the whole list is read, following Link verbatim.
    nxt = 'https://api.github.com/organizations/9001/organization-roles/8031/users?per_page=100&page=2'
    with exact_calls([call('GET', ROLES, 200, role_list()),
                      call('GET', USERS, 200, [user('bob')], headers={'Link': '<%s>; rel="next"' % nxt}),
                      call('GET', '/organizations/9001/organization-roles/8031/users', 200, [user('alice', 'mixed', ['sec'])])]):
        result = run_module(assignment.main, ARGS, check_mode=check_mode)
    assert result['changed'] is False
    assert result['assignment']['username'] == 'alice' and result['assignment']['inherited_from'] == ['sec']


@pytest.mark.parametrize('check_mode', [False, True])
def test_remove_team(run_module, check_mode):
    calls = [call('GET', ROLES, 200, role_list()), call('GET', TEAMS, 200, [team('auditors')])]
    if not check_mode:
        calls.append(call('DELETE', ROLES + '/teams/auditors/8031', 204))
    with exact_calls(calls):
        result = run_module(assignment.main, {'org': 'acme', 'role': 'Auditor', 'team': 'Auditors', 'state': 'absent'},
                            check_mode=check_mode)
    assert result['changed'] is True
    assert result['assignment']['team'] == 'auditors' and result['assignment']['state'] == 'absent'


def test_indirect_holder_is_reported_not_removed(run_module):
    with exact_calls([call('GET', ROLES, 200, role_list()), call('GET', USERS, 200, [user('alice', 'indirect', ['security'])])]):
        result = run_module(assignment.main, dict(ARGS, state='absent'))
    assert result['changed'] is False
    assert any('only through security' in w for w in warning_texts(result))


def test_check_mode_reports_a_non_member(run_module):
    with exact_calls([call('GET', ROLES, 200, role_list()), call('GET', USERS, 200, []),
                      call('GET', '/orgs/acme/memberships/Alice', 404, NOT_FOUND)]):
        result = run_module(assignment.main, ARGS, check_mode=True)
    assert result['changed'] is False
    assert result['impossible'] == [{'login': 'Alice', 'problem': 'Alice is not an active member of acme'}]


def test_unknown_role_fails_before_any_write_naming_the_roles(run_module):
    with exact_calls([call('GET', ROLES, 200, role_list())]):
        result = run_module(assignment.main, dict(ARGS, role='nonesuch'))
    assert result['failed'] is True
    assert "role 'nonesuch' is not an organization role of acme; its roles are: Auditor, Custom Role Manager" in result['msg']


def test_ghes_without_roles_fails_saying_so(run_module):
    with exact_calls([call('GET', ROLES, 404, NOT_FOUND)], api='https://ghe.example.com/api/v3'):
        result = run_module(assignment.main, dict(ARGS, api_url='https://ghe.example.com/api/v3'))
    assert result['failed'] is True
    assert 'not available on this GitHub Enterprise Server' in result['msg'] and '3.16' in result['msg']


def test_refused_assignment_fails_with_githubs_status(run_module):
    body = {'message': 'Validation Failed', 'documentation_url': 'https://docs.github.com/rest'}
    with exact_calls([call('GET', ROLES, 200, role_list()), call('GET', USERS, 200, []),
                      call('PUT', ROLES + '/users/Alice/8031', 422, body)]):
        result = run_module(assignment.main, ARGS)
    assert result['failed'] is True
    assert result['msg'].startswith('assign role Auditor to user Alice in acme') and 'HTTP 422' in result['msg']


@pytest.mark.parametrize('args, words', [
    ({'org': 'acme', 'role': 'auditor'}, 'one of the following is required: username, team'),
    ({'org': 'acme', 'role': 'auditor', 'username': 'a', 'team': 'b'}, 'mutually exclusive'),
    ({'org': 'acme', 'role': ' ', 'username': 'alice'}, 'role must be'),
    ({'org': 'acme', 'role': 'auditor', 'username': '-alice'}, 'username'),
    ({'org': 'acme', 'role': 'auditor', 'team': 'a team'}, 'team'),
])
def test_bad_input_fails_before_any_request(run_module, args, words):
    with exact_calls([]):
        result = run_module(assignment.main, args)
    assert result['failed'] is True and words in result['msg']


def test_team_holding_the_role_through_its_parent_is_reported_not_removed(run_module):
    with exact_calls([call('GET', ROLES, 200, role_list()), call('GET', TEAMS, 200, [team('sec-child', 'indirect')])]):
        result = run_module(assignment.main, {'org': 'acme', 'role': 'auditor', 'team': 'sec-child', 'state': 'absent'})
    assert result['changed'] is False and result['assignment']['state'] == 'absent'
    assert any('only through a parent team' in w for w in warning_texts(result))


@pytest.mark.parametrize('check_mode', [False, True])
def test_assign_team_held_only_through_its_parent(run_module, check_mode):
    # indirect is not direct: state=present assigns the role to the team itself
    calls = [call('GET', ROLES, 200, role_list()), call('GET', TEAMS, 200, [team('sec-child', 'indirect')])]
    if not check_mode:
        calls.append(call('PUT', ROLES + '/teams/sec-child/8031', 204))
    with exact_calls(calls):
        result = run_module(assignment.main, {'org': 'acme', 'role': 'auditor', 'team': 'sec-child'}, check_mode=check_mode)
    assert result['changed'] is True and result['impossible'] == []


def test_roles_feature_not_enabled_fails_with_githubs_status(run_module):
    # "422 Validation failed" is documented for GET /orgs/{org}/organization-roles (OpenAPI orgs/list-org-roles).
    body = {'message': 'Validation Failed', 'documentation_url': 'https://docs.github.com/rest'}
    with exact_calls([call('GET', ROLES, 422, body)]):
        result = run_module(assignment.main, ARGS)
    assert result['failed'] is True
    assert result['msg'].startswith('read the organization roles of acme') and 'HTTP 422' in result['msg']
