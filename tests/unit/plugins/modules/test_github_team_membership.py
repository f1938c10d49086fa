"""github_team_membership, github_public_membership and github_user_membership: exact requests."""

from __future__ import annotations

import pytest

from ansible_collections.gitops.github.plugins.modules import github_public_membership as public
from ansible_collections.gitops.github.plugins.modules import github_team_membership as team
from ansible_collections.gitops.github.plugins.modules import github_user_membership as user

from exact_http import NOT_FOUND, call, exact_calls, org_membership, warning_texts
from list_helpers import immediate_read, users
from recordings import exchange, message

T = '/orgs/acme/teams/platform/memberships/bob'
ARGS = {'org': 'acme', 'team': 'platform', 'username': 'bob'}


def team_membership(state='active', role='member'):
    return {'url': 'https://api.github.com/organizations/9001/team/7001/memberships/bob', 'state': state, 'role': role}


def teams_list():
    return [
        {'id': 7001, 'slug': 'platform', 'parent': None},
        {'id': 7002, 'slug': 'platform-oncall', 'parent': {'id': 7001, 'slug': 'platform'}},
        {'id': 7005, 'slug': 'oncall-nights', 'parent': {'id': 7002, 'slug': 'platform-oncall'}},
        {'id': 7003, 'slug': 'other', 'parent': None},
    ]


@pytest.mark.parametrize('check_mode', [False, True])
def test_add_existing_org_member(run_module, check_mode):
    calls = [call('GET', T, 404, NOT_FOUND), call('GET', '/orgs/acme/teams/platform', 200, {'id': 7001, 'slug': 'platform'})]
    if check_mode:
        calls.append(call('GET', '/orgs/acme/memberships/bob', 200, org_membership('bob')))
    else:
        calls.append(call('PUT', T, 200, team_membership('active', 'maintainer'), request_json={'role': 'maintainer'}))
    with exact_calls(calls):
        result = run_module(team.main, dict(ARGS, role='maintainer'), check_mode=check_mode)
    assert result['changed'] is True
    assert result['membership'] == {'login': 'bob', 'state': 'active', 'role': 'maintainer'}


def test_check_mode_predicts_pending_for_non_org_member(run_module):
    with exact_calls([
        call('GET', T, 404, NOT_FOUND),
        call('GET', '/orgs/acme/teams/platform', 200, {'id': 7001}),
        call('GET', '/orgs/acme/memberships/bob', 404, NOT_FOUND),
        call('GET', '/users/bob', 200, users('bob')[0]),  # check mode promises only what apply can do
    ]):
        result = run_module(team.main, ARGS, check_mode=True)
    assert result['membership']['state'] == 'pending'
    assert result['changed'] is True and result['impossible'] == []


@pytest.mark.parametrize('answer, problem', [
    ((404, NOT_FOUND), 'no GitHub user has the login bob'),
    ((200, {'login': 'bob', 'id': 5, 'type': 'Organization'}), 'bob is an organization, not a user'),
])
def test_check_mode_reports_an_addition_github_would_refuse(run_module, answer, problem):
    # Red team, round 18: check mode promised a pending membership for a login no one has.
    with exact_calls([
        call('GET', T, 404, NOT_FOUND),
        call('GET', '/orgs/acme/teams/platform', 200, {'id': 7001}),
        call('GET', '/orgs/acme/memberships/bob', 404, NOT_FOUND),
        call('GET', '/users/bob', *answer),
    ]):
        result = run_module(team.main, ARGS, check_mode=True)
    assert result['changed'] is False
    assert result['impossible'] == [{'login': 'bob', 'problem': problem}]
    assert result['membership']['state'] == 'absent'


@pytest.mark.parametrize('check_mode', [False, True])
def test_idempotent(run_module, check_mode):
    with exact_calls([call('GET', T, 200, team_membership('active', 'member'))]):
        result = run_module(team.main, dict(ARGS, role='member'), check_mode=check_mode)
    assert result['changed'] is False


def test_owner_as_member_is_converged_from_org_role(run_module):
    with exact_calls([
        call('GET', T, 200, team_membership('active', 'maintainer')),
        call('GET', '/orgs/acme/memberships/bob', 200, org_membership('bob', 'active', 'admin')),
    ]):
        result = run_module(team.main, dict(ARGS, role='member'))
    assert result['changed'] is False
    assert 'is an owner of acme' in warning_texts(result)[0]


def test_real_maintainer_is_demoted(run_module):
    with exact_calls([
        call('GET', T, 200, team_membership('active', 'maintainer')),
        call('GET', '/orgs/acme/memberships/bob', 200, org_membership('bob', 'active', 'member')),
        call('PUT', T, 200, team_membership('active', 'member'), request_json={'role': 'member'}),
    ]):
        result = run_module(team.main, dict(ARGS, role='member'))
    assert result['changed'] is True


def test_absent_direct_member_checks_child_teams_then_deletes(run_module):
    with exact_calls([
        call('GET', T, 200, team_membership()),
        call('GET', '/orgs/acme/teams', 200, teams_list(), query={'per_page': '100'}),
        call('GET', '/orgs/acme/teams/platform-oncall/memberships/bob', 404, NOT_FOUND),
        call('GET', '/orgs/acme/teams/oncall-nights/memberships/bob', 404, NOT_FOUND),
        call('DELETE', T, 204),
    ]):
        result = run_module(team.main, dict(ARGS, state='absent'))
    assert result['changed'] is True
    assert result['membership']['state'] == 'absent'


@pytest.mark.parametrize('check_mode', [False, True])
def test_absent_inherited_member_is_reported_not_deleted(run_module, check_mode):
    with exact_calls([
        call('GET', T, 200, team_membership()),
        call('GET', '/orgs/acme/teams', 200, teams_list(), query={'per_page': '100'}),
        call('GET', '/orgs/acme/teams/platform-oncall/memberships/bob', 404, NOT_FOUND),
        call('GET', '/orgs/acme/teams/oncall-nights/memberships/bob', 200, team_membership()),
        immediate_read('platform', ['alice'], []),
    ]):
        result = run_module(team.main, dict(ARGS, state='absent'), check_mode=check_mode)
    assert result['changed'] is False
    assert result['inherited_from'] == 'oncall-nights'


@pytest.mark.parametrize('check_mode', [False, True])
def test_absent_direct_member_also_in_a_child_team_is_removed(run_module, check_mode):
    """Issue 11: bob is in the child team and a direct member: GraphQL says so, the DELETE goes."""
    expected = [
        call('GET', T, 200, team_membership()),
        call('GET', '/orgs/acme/teams', 200, teams_list(), query={'per_page': '100'}),
        call('GET', '/orgs/acme/teams/platform-oncall/memberships/bob', 200, team_membership()),
        immediate_read('platform', [], ['bob']),
    ]
    if not check_mode:
        expected.append(call('DELETE', T, 204))
    with exact_calls(expected):
        result = run_module(team.main, dict(ARGS, state='absent'), check_mode=check_mode)
    assert result['changed'] is True
    assert 'inherited_from' not in result
    assert result['membership']['state'] == 'absent'


def test_team_id_route_reads_org_id_first(run_module):
    path = '/organizations/9001/team/7001/memberships/bob'
    with exact_calls([
        call('GET', '/orgs/acme', 200, {'login': 'acme', 'id': 9001}),
        call('GET', path, 200, team_membership()),
    ]):
        result = run_module(team.main, {'org': 'acme', 'team_id': 7001, 'username': 'bob'})
    assert result['changed'] is False


TEAM = '/orgs/acme/teams/platform'


def test_idp_403_with_githubs_real_text_says_identity_provider(run_module):
    """Issue 12, first failure: GitHub's real text names none of the words main searched for."""
    text = message('idp-external-group-team-403', idp='Okta')
    with exact_calls([
        call('GET', T, 404, NOT_FOUND),
        call('GET', TEAM, 200, {'id': 7001}),
        call('PUT', T, 403, {'message': text}, request_json={'role': 'member'}),
        call('GET', TEAM + '/team-sync/group-mappings', 404, NOT_FOUND),
        call('GET', TEAM + '/external-groups', 200, exchange('docs-team-external-groups')['body']),
    ]):
        result = run_module(team.main, ARGS)
    assert result['failed'] is True
    assert 'managed by your identity provider (Okta) through the IdP group Octocat admins' in result['msg']
    assert 'HTTP 403' in result['msg'] and text in result['msg']
    assert result['managed_externally'] is True


def test_idp_403_with_unknown_text_is_confirmed_through_the_team_sync_mappings(run_module):
    """Team synchronization's own 403 text is not recorded publicly: the team-sync read decides."""
    with exact_calls([
        call('GET', T, 404, NOT_FOUND),
        call('GET', TEAM, 200, {'id': 7001}),
        call('PUT', T, 403, {'message': 'Forbidden'}, request_json={'role': 'member'}),
        call('GET', TEAM + '/team-sync/group-mappings', 200, exchange('docs-team-sync-group-mappings')['body']),
    ]):
        result = run_module(team.main, ARGS)
    assert result['failed'] is True
    assert 'identity provider through the IdP groups saml-azuread-test, saml-azuread-test2' in result['msg']
    assert result['managed_externally'] is True


@pytest.mark.parametrize('sync,external', [(404, 404), (403, 404), (200, 200)])
def test_plain_403_does_not_blame_the_idp(run_module, sync, external):
    with exact_calls([
        call('GET', T, 404, NOT_FOUND),
        call('GET', TEAM, 200, {'id': 7001}),
        call('PUT', T, 403, {'message': 'You must be an organization owner or team maintainer.'}, request_json={'role': 'member'}),
        call('GET', TEAM + '/team-sync/group-mappings', sync, {'groups': []} if sync == 200 else NOT_FOUND),
        call('GET', TEAM + '/external-groups', external, {'groups': []} if external == 200 else NOT_FOUND),
    ]):
        result = run_module(team.main, ARGS)
    assert result['failed'] is True
    assert 'identity provider' not in result['msg']
    assert 'managed_externally' not in result


def test_team_missing(run_module):
    with exact_calls([call('GET', T, 404, NOT_FOUND), call('GET', '/orgs/acme/teams/platform', 404, NOT_FOUND)]):
        result = run_module(team.main, dict(ARGS, state='absent'))
    assert result['failed'] is True
    assert 'Team platform in acme was not found' in result['msg']


@pytest.mark.parametrize('args,fragment', [
    ({'team_id': 7001}, 'mutually exclusive'),
    ({'team': None}, 'one of the following is required'),
    ({'team': 'a/b'}, 'not a valid team slug'),
    ({'role': 'admin'}, 'role'),
])
def test_team_bad_input_no_requests(run_module, args, fragment):
    full = dict(ARGS, **args)
    full = {k: v for k, v in full.items() if v is not None}
    with exact_calls([]):
        result = run_module(team.main, full)
    assert result['failed'] is True and fragment in result['msg']


P = '/orgs/acme/public_members/octo'


@pytest.mark.parametrize('check_mode', [False, True])
def test_publicize_own_membership(run_module, check_mode):
    calls = [
        call('GET', '/user', 200, {'login': 'octo'}),
        call('GET', P, 404, NOT_FOUND),
        call('GET', '/user/memberships/orgs/acme', 200, org_membership('octo')),
    ]
    if not check_mode:
        calls.append(call('PUT', P, 204))
    with exact_calls(calls):
        result = run_module(public.main, {'org': 'acme'}, check_mode=check_mode)
    assert result['changed'] is True and result['public'] is True


def test_public_already(run_module):
    with exact_calls([call('GET', '/user', 200, {'login': 'octo'}), call('GET', '/orgs/acme/public_members/OCTO', 204)]):
        result = run_module(public.main, {'org': 'acme', 'username': 'OCTO'})
    assert result['changed'] is False


def test_conceal(run_module):
    with exact_calls([call('GET', '/user', 200, {'login': 'octo'}), call('GET', P, 204), call('DELETE', P, 204)]):
        result = run_module(public.main, {'org': 'acme', 'state': 'absent'})
    assert result['changed'] is True and result['public'] is False


def test_other_users_public_membership_is_refused_before_writing(run_module):
    with exact_calls([
        call('GET', '/user', 200, {'login': 'octo'}),
        call('GET', '/orgs/acme/public_members/bob', 404, NOT_FOUND),
    ]):
        result = run_module(public.main, {'org': 'acme', 'username': 'bob'})
    assert result['failed'] is True and 'their own public membership' in result['msg']


U = '/user/memberships/orgs/acme'


@pytest.mark.parametrize('check_mode', [False, True])
def test_accept_invitation(run_module, check_mode):
    calls = [call('GET', U, 200, org_membership('me', 'pending'))]
    if not check_mode:
        calls.append(call('PATCH', U, 200, org_membership('me', 'active'), request_json={'state': 'active'}))
    with exact_calls(calls):
        result = run_module(user.main, {'org': 'acme'}, check_mode=check_mode)
    assert result['changed'] is True
    assert result['membership'] == {'org': 'acme', 'state': 'active', 'role': 'member'}


def test_accept_when_already_active(run_module):
    with exact_calls([call('GET', U, 200, org_membership('me', 'active', 'admin'))]):
        result = run_module(user.main, {'org': 'acme'})
    assert result['changed'] is False and result['membership']['role'] == 'admin'


def test_accept_without_invitation_fails(run_module):
    with exact_calls([call('GET', U, 404, NOT_FOUND)]):
        result = run_module(user.main, {'org': 'acme'})
    assert result['failed'] is True and 'no invitation' in result['msg']
