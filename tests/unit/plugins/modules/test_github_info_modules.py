"""The three _info modules: exact list reads, full pagination, never a write."""

from __future__ import annotations

import pytest

from ansible_collections.gitops.github.plugins.modules import github_org_membership_info as org_info
from ansible_collections.gitops.github.plugins.modules import github_team_membership_info as team_info
from ansible_collections.gitops.github.plugins.modules import github_user_membership_info as user_info

from exact_http import call, exact_calls
from list_helpers import immediate_read, invitation, paged, spy_warnings, users

MEMBERS = '/orgs/acme/members'


@pytest.mark.parametrize('check_mode', [False, True])
def test_org_info_roles_come_from_role_filtered_lists_across_pages(run_module, check_mode):
    with exact_calls(paged(MEMBERS, {'role': 'admin'}, [users('octo-admin', 'erin')])
                     + paged(MEMBERS, {'role': 'member'}, [users('bob', 'Alice'), users('carol')],
                             next_path='/organizations/9001/members')):
        result = run_module(org_info.main, {'org': 'acme'}, check_mode=check_mode)
    assert result['changed'] is False
    assert result['members'] == [
        {'login': 'Alice', 'role': 'member'}, {'login': 'bob', 'role': 'member'}, {'login': 'carol', 'role': 'member'},
        {'login': 'erin', 'role': 'admin'}, {'login': 'octo-admin', 'role': 'admin'},
    ]
    assert 'invitations' not in result
    assert result['api_requests'] == 3


def test_org_info_filter_and_single_role(run_module):
    with exact_calls(paged(MEMBERS, {'role': 'member', 'filter': '2fa_disabled'}, [users('bob')])):
        result = run_module(org_info.main, {'org': 'acme', 'role': 'member', 'filter': '2fa_disabled'})
    assert result['members'] == [{'login': 'bob', 'role': 'member'}]


def test_org_info_invitations_include_failed_and_expired(run_module):
    with exact_calls(paged(MEMBERS, {'role': 'admin'}, [users('octo-admin')])
                     + paged(MEMBERS, {'role': 'member'}, [[]])
                     + paged('/orgs/acme/invitations', {}, [[invitation('dave'), invitation(None, 'admin', 'x@example.com')]])
                     + paged('/orgs/acme/failed_invitations', {}, [[
                         invitation('gone', failed_reason='Invitation expired'),
                         invitation('nope', failed_reason='declined')]])):
        result = run_module(org_info.main, {'org': 'acme', 'include_invitations': True})
    assert [(i['login'], i['email'], i['role'], i['failed'], i['expired']) for i in result['invitations']] == [
        ('dave', None, 'member', False, False),
        (None, 'x@example.com', 'admin', False, False),
        ('gone', None, 'member', True, True),
        ('nope', None, 'member', True, False),
    ]
    assert result['invitations'][0]['created_at'] == '2026-01-01T00:00:00Z'


def test_org_info_invitations_on_ghes_are_empty_with_a_warning(run_module, monkeypatch):
    warned = spy_warnings(monkeypatch)
    api = 'https://ghe.example.com/api/v3'
    with exact_calls(paged(MEMBERS, {'role': 'admin'}, [users('octo-admin')]) + paged(MEMBERS, {'role': 'member'}, [[]]),
                     api=api):
        result = run_module(org_info.main, {'org': 'acme', 'include_invitations': True, 'api_url': api})
    assert result['invitations'] == []
    assert any('no organization invitations API' in w for w in warned)


def test_org_info_error_names_the_operation(run_module):
    with exact_calls([call('GET', MEMBERS, 404, {'message': 'Not Found'}, query={'role': 'admin', 'per_page': '100'})]):
        result = run_module(org_info.main, {'org': 'acme'})
    assert result['failed'] is True
    assert result['msg'].startswith('read the members of acme: GET /orgs/acme/members returned HTTP 404')


T = '/orgs/acme/teams/platform'


def test_team_info_marks_inherited_members_and_lists_pending(run_module):
    with exact_calls(paged(T + '/members', {'role': 'maintainer'}, [users('alice', 'octo-admin')])
                     + paged(T + '/members', {'role': 'member'}, [users('bob', 'carol')])
                     + paged(T + '/invitations', {}, [[invitation('dave')]])
                     # carol is listed by REST through the child team only: GraphQL's immediate members say so
                     + [immediate_read('platform', ['alice', 'octo-admin'], ['bob'])]):
        result = run_module(team_info.main, {'org': 'acme', 'team': 'platform'}, check_mode=True)
    assert result['changed'] is False
    assert result['members'] == [
        {'login': 'alice', 'role': 'maintainer', 'inherited': False},
        {'login': 'bob', 'role': 'member', 'inherited': False},
        {'login': 'carol', 'role': 'member', 'inherited': True},
        {'login': 'octo-admin', 'role': 'maintainer', 'inherited': False},
    ]
    assert result['pending'] == [{'login': 'dave', 'email': None, 'created_at': '2026-01-01T00:00:00Z'}]


def test_team_info_by_id_one_role(run_module):
    base = '/organizations/9001/team/7003'
    with exact_calls([call('GET', '/orgs/acme', 200, {'login': 'acme', 'id': 9001})]
                     + paged(base + '/members', {'role': 'maintainer'}, [[]])
                     + paged(base + '/invitations', {}, [[]])):
        result = run_module(team_info.main, {'org': 'acme', 'team_id': 7003, 'role': 'maintainer'})
    assert result['members'] == []
    assert result['pending'] == []


def test_user_info(run_module):
    body = [{'state': 'active', 'role': 'admin', 'organization': {'login': 'acme'}},
            {'state': 'pending', 'role': 'member', 'organization': {'login': 'Beta'}}]
    with exact_calls(paged('/user/memberships/orgs', {}, [body[1:], body[:1]])):
        result = run_module(user_info.main, {})
    assert result['memberships'] == [{'org': 'acme', 'state': 'active', 'role': 'admin'},
                                     {'org': 'Beta', 'state': 'pending', 'role': 'member'}]


def test_user_info_state_filter(run_module):
    with exact_calls(paged('/user/memberships/orgs', {'state': 'pending'}, [[]])):
        result = run_module(user_info.main, {'state': 'pending'})
    assert result['memberships'] == []
    assert result['changed'] is False
