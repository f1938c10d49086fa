"""github_team_members: the exact requests of a whole-team converge, in normal and check mode."""

from __future__ import annotations

import pytest

from ansible_collections.gitops.github.plugins.modules import github_team_members as module

from exact_http import NOT_FOUND, call, exact_calls, org_membership
from list_helpers import immediate_read, invitation, paged, spy_warnings, users
from recordings import exchange, message

T = '/orgs/acme/teams/platform'


def team_membership(state='active', role='member'):
    return {'url': 'https://api.github.com/organizations/9001/team/7001/memberships/x', 'role': role, 'state': state}


def reads(maintainers=('alice',), members=('bob',), invitations=(), base=T, ghes=False):
    calls = paged(base + '/members', {'role': 'maintainer'}, [users(*maintainers)])
    calls += paged(base + '/members', {'role': 'member'}, [users(*members)])
    if not ghes:
        calls += paged(base + '/invitations', {}, [list(invitations)])
    return calls


def args(**extra):
    return dict({'org': 'acme', 'team': 'platform'}, **extra)


@pytest.mark.parametrize('check_mode', [False, True])
def test_no_change_costs_three_reads_and_one_per_invitee(run_module, check_mode):
    with exact_calls(reads(invitations=[invitation('new-hire')]) + [
        call('GET', T + '/memberships/new-hire', 200, team_membership('pending', 'member')),
    ]):
        result = run_module(module.main, args(maintainers=['Alice'], members=['bob', 'new-hire']), check_mode=check_mode)
    assert result['changed'] is False
    assert result['api_requests'] == 4
    assert result['pending'] == ['new-hire']
    assert result['diff']['before'] == {'alice': 'maintainer', 'bob': 'member', 'new-hire': 'member (pending)'}


def test_pending_invitee_shows_and_converges_to_the_role_the_invitation_carries(run_module):
    with exact_calls(reads(invitations=[invitation('new-hire')]) + [
        call('GET', T + '/memberships/new-hire', 200, team_membership('pending', 'maintainer')),
        call('GET', '/user', 200, {'login': 'octo-admin'}),
        call('PUT', T + '/memberships/new-hire', 200, team_membership('pending', 'member'), request_json={'role': 'member'}),
    ]):
        result = run_module(module.main, args(maintainers=['alice'], members=['bob', 'new-hire']))
    assert result['changed'] is True
    assert result['role_changed'] == ['new-hire']
    assert result['diff']['before']['new-hire'] == 'maintainer (pending)'
    assert result['diff']['after']['new-hire'] == 'member (pending)'


def test_changes_maintainers_first_then_members_then_removals(run_module):
    with exact_calls(reads(maintainers=['alice'], members=['bob', 'carol', 'gone']) + [
        immediate_read('platform', ['alice'], ['bob', 'gone']),  # carol is there only through a child team
        call('GET', '/user', 200, {'login': 'octo-admin'}),
        call('PUT', T + '/memberships/bob', 200, team_membership('active', 'maintainer'), request_json={'role': 'maintainer'}),
        call('PUT', T + '/memberships/zoe', 200, team_membership('active', 'maintainer'), request_json={'role': 'maintainer'}),
        call('PUT', T + '/memberships/new-hire', 200, team_membership('pending', 'member'), request_json={'role': 'member'}),
        call('DELETE', T + '/memberships/gone', 204),
    ]):
        result = run_module(module.main, args(maintainers=['alice', 'bob', 'zoe'], members=['new-hire'], exclusive=True,
                                              max_removals=1))
    assert result['changed'] is True
    assert result['added'] == ['zoe', 'new-hire']
    assert result['role_changed'] == ['bob']
    assert result['removed'] == ['gone']
    assert result['inherited'] == ['carol']
    assert result['pending'] == ['new-hire']
    assert result['diff']['after']['carol'] == 'member (inherited)'


def test_check_mode_predicts_invitations_with_one_read_per_addition(run_module):
    with exact_calls(reads(maintainers=['alice'], members=['bob', 'carol', 'gone']) + [
        immediate_read('platform', ['alice'], ['bob', 'gone']),  # carol is there only through a child team
        call('GET', '/user', 200, {'login': 'octo-admin'}),
        call('GET', '/orgs/acme/memberships/zoe', 200, org_membership('zoe')),
        call('GET', '/orgs/acme/memberships/new-hire', 404, NOT_FOUND),
        # Only the one who is not in the organization is looked up as a user.
        call('GET', '/users/new-hire', 200, users('new-hire')[0]),
    ]):
        result = run_module(module.main, args(maintainers=['alice', 'bob', 'zoe'], members=['new-hire'], exclusive=True,
                                              max_removals=1), check_mode=True)
    assert result['changes'] == [
        {'action': 'role', 'login': 'bob', 'role': 'maintainer'},
        {'action': 'add', 'login': 'zoe', 'role': 'maintainer'},
        {'action': 'add', 'login': 'new-hire', 'role': 'member'},
        {'action': 'remove', 'login': 'gone', 'role': None},
    ]
    assert result['pending'] == ['new-hire']
    assert result['diff']['after']['zoe'] == 'maintainer'


def test_owner_listed_as_member_is_converged_with_a_warning(run_module, monkeypatch):
    warned = spy_warnings(monkeypatch)
    with exact_calls(reads(maintainers=['alice', 'Erin'], members=['bob'])
                     + paged('/orgs/acme/members', {'role': 'admin'}, [users('octo-admin', 'erin')])):
        result = run_module(module.main, args(maintainers=['alice'], members=['bob', 'erin']))
    assert result['changed'] is False
    assert any('Erin is an owner of acme' in w for w in warned)


def test_maintainer_who_is_not_an_owner_is_demoted(run_module):
    with exact_calls(reads(maintainers=['alice'], members=[])
                     + paged('/orgs/acme/members', {'role': 'admin'}, [users('octo-admin')])
                     + [call('GET', '/user', 200, {'login': 'octo-admin'}),
                        call('PUT', T + '/memberships/alice', 200, team_membership(), request_json={'role': 'member'})]):
        result = run_module(module.main, args(members=['alice']))
    assert result['role_changed'] == ['alice']


def test_exclusive_without_unlisted_members_skips_the_child_team_reads(run_module):
    with exact_calls(reads()):
        result = run_module(module.main, args(maintainers=['alice'], members=['bob'], exclusive=True))
    assert result['changed'] is False
    assert result['inherited'] == []


@pytest.mark.parametrize('check_mode', [False, True])
def test_max_removals_fails_before_any_write(run_module, check_mode):
    with exact_calls(reads(maintainers=['alice'], members=['bob', 'x', 'y'])
                     + [immediate_read('platform', ['alice'], ['bob', 'x', 'y'])]):
        result = run_module(module.main, args(maintainers=['alice'], exclusive=True), check_mode=check_mode)
    assert result['failed'] is True
    assert 'Refusing to remove 3 of the 4 members and invitations of team platform in acme' in result['msg']
    assert 'allows 1' in result['msg']


def test_refuses_to_remove_the_token_owner(run_module):
    with exact_calls(reads(maintainers=['octo-admin'], members=['bob']) + [
        immediate_read('platform', ['octo-admin'], ['bob']),
        call('GET', '/user', 200, {'login': 'octo-admin'}),
    ]):
        result = run_module(module.main, args(members=['bob'], exclusive=True, max_removals=5))
    assert result['failed'] is True
    assert 'Refusing to remove octo-admin' in result['msg']


def test_team_id_route_and_pending_cancelled(run_module):
    base = '/organizations/9001/team/7001'
    with exact_calls([call('GET', '/orgs/acme', 200, {'login': 'acme', 'id': 9001})]
                     + reads(maintainers=['alice'], members=[], invitations=[invitation('dave')], base=base) + [
        call('GET', base + '/memberships/dave', 200, team_membership('pending', 'member')),
        call('GET', '/user', 200, {'login': 'octo-admin'}),
        call('DELETE', base + '/memberships/dave', 204),
    ]):
        result = run_module(module.main, {'org': 'acme', 'team_id': 7001, 'maintainers': ['alice'], 'exclusive': True,
                                          'max_removals': '50%'})
    assert result['removed'] == ['dave']
    assert result['pending'] == []


def test_idp_managed_team_failure_says_so_skips_the_rest_and_reports_progress(run_module):
    """Issue 12, first failure: GitHub's real 403 text for an external-group backed team."""
    text = message('idp-external-group-team-403', idp='Okta')
    with exact_calls(reads(maintainers=['alice'], members=['gone']) + [
        immediate_read('platform', ['alice'], ['gone']),
        call('GET', '/user', 200, {'login': 'octo-admin'}),
        call('PUT', T + '/memberships/bob', 403, {'message': text}, request_json={'role': 'member'}),
        call('GET', T + '/team-sync/group-mappings', 404, NOT_FOUND),
        call('GET', T + '/external-groups', 200, exchange('docs-team-external-groups')['body']),
    ]):
        result = run_module(module.main, args(maintainers=['alice'], members=['bob', 'carol'], exclusive=True,
                                              max_removals='100%'))
    assert result['failed'] is True
    assert 'managed by your identity provider (Okta) through the IdP group Octocat admins' in result['msg']
    assert result['managed_externally'] is True
    assert result['skipped_writes'] == [
        'add bob to team platform in acme as member', 'add carol to team platform in acme as member',
        'remove gone from team platform in acme']
    assert result['added'] == [] and result['removed'] == []
    assert result['changed'] is False


def test_a_plain_403_on_a_team_write_is_not_blamed_on_the_idp(run_module):
    with exact_calls(reads(maintainers=['alice'], members=[]) + [
        call('PUT', T + '/memberships/bob', 403, {'message': 'You must be an organization owner or team maintainer.'},
             request_json={'role': 'member'}),
        call('GET', T + '/team-sync/group-mappings', 404, NOT_FOUND),
        call('GET', T + '/external-groups', 404, NOT_FOUND),
    ]):
        result = run_module(module.main, args(maintainers=['alice'], members=['bob']))
    assert result['failed'] is True
    assert 'identity provider' not in result['msg'] and 'HTTP 403' in result['msg']
    assert 'skipped_writes' not in result and 'managed_externally' not in result


@pytest.mark.parametrize('extra,fragment', [
    ({'maintainers': ['alice'], 'members': ['ALICE']},
     'ALICE is listed both as maintainer (maintainers[0]) and as member (members[0]); a user has one role'),
    ({'members': ['bob', 'Bob']}, 'bob and Bob are the same user (members[0] and members[1]; logins are case-insensitive)'),
    ({'members': ['bob', 'bob']}, 'bob is listed twice (members[0] and members[1])'),
    ({'members': ['ok', 'bob_']}, "members[1] 'bob_' is not a valid GitHub login"),
    ({'team': 'a/b'}, 'not a valid team slug'),
    ({'team': None, 'team_id': -3}, 'team_id must be a positive number'),
    ({'max_removals': 'all'}, 'max_removals'),
])
def test_bad_input_fails_before_any_request(run_module, extra, fragment):
    full = args(**extra)
    if full['team'] is None:
        del full['team']
    with exact_calls([]):
        result = run_module(module.main, full)
    assert result['failed'] is True
    assert fragment in result['msg']


def test_check_mode_with_many_additions_reads_the_org_lists_not_one_get_each(run_module):
    new = ['n1', 'n2', 'n3', 'n4']
    with exact_calls(reads(maintainers=['alice'], members=['bob']) + [
        call('GET', '/orgs/acme/members', 200, users('octo-admin'), query={'role': 'admin', 'per_page': '100'}),
        call('GET', '/orgs/acme/members', 200, users('alice', 'bob', 'n1', 'N3'), query={'role': 'member', 'per_page': '100'}),
        call('GET', '/users/n2', 200, users('n2')[0]),
        call('GET', '/users/n4', 200, users('n4')[0]),
    ]):
        result = run_module(module.main, args(maintainers=['alice'], members=['bob'] + new), check_mode=True)
    assert result['added'] == new
    assert result['pending'] == ['n2', 'n4']


def test_a_direct_member_also_in_a_child_team_is_removed_by_an_exclusive_list(run_module):
    """Issue 11: REST lists carol on the parent (she is in a child team too), GraphQL says she is
    also a direct member: the exclusive list removes her direct membership, no false "inherited"."""
    with exact_calls(reads(maintainers=['alice'], members=['carol']) + [
        immediate_read('platform', ['alice'], ['carol']),
        call('GET', '/user', 200, {'login': 'octo-admin'}),
        call('DELETE', T + '/memberships/carol', 204),
    ]):
        result = run_module(module.main, args(maintainers=['alice'], exclusive=True, max_removals=1))
    assert result['removed'] == ['carol']
    assert result['inherited'] == []


def test_team_id_route_reads_the_slug_for_graphql(run_module):
    base = '/organizations/9001/team/7001'
    with exact_calls([call('GET', '/orgs/acme', 200, {'login': 'acme', 'id': 9001})]
                     + reads(maintainers=['alice'], members=['carol'], base=base) + [
        call('GET', base, 200, {'id': 7001, 'slug': 'platform', 'name': 'Platform'}),
        immediate_read('platform', ['alice'], []),
    ]):
        result = run_module(module.main, {'org': 'acme', 'team_id': 7001, 'maintainers': ['alice'], 'exclusive': True})
    assert result['changed'] is False
    assert result['inherited'] == ['carol']
