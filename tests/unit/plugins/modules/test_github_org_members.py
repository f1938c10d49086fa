"""github_org_members: the exact requests of a whole-organization converge, in normal and check mode."""

from __future__ import annotations

import pytest

from ansible_collections.gitops.github.plugins.modules import github_org_members as module

from exact_http import API, call, exact_calls, org_membership
from list_helpers import spy_warnings

MEMBERS = '/orgs/acme/members'
INVITATIONS = '/orgs/acme/invitations'


def users(*logins):
    return [{'login': login, 'id': 1000 + i, 'type': 'User'} for i, login in enumerate(logins)]


def invitation(login, role='direct_member', email=None):
    return {'id': 1, 'login': login, 'email': email, 'role': role, 'created_at': '2026-01-01T00:00:00Z',
            'failed_at': None, 'failed_reason': None, 'inviter': {'login': 'octo-admin'}, 'team_count': 0,
            'node_id': 'x', 'invitation_teams_url': 'x', 'invitation_source': 'member'}


def reads(admins=('octo-admin',), member_pages=(('alice', 'bob'),), invitations=(), ghes=False):
    """The list reads: owners, members (one call per page, Link-followed), invitations."""
    calls = [call('GET', MEMBERS, 200, users(*admins), query={'role': 'admin', 'per_page': '100'})]
    pages = list(member_pages)
    for number, page in enumerate(pages, 1):
        headers = None
        if number < len(pages):
            headers = {'Link': '<%s/organizations/9001/members?role=member&per_page=100&page=%d>; rel="next"' % (API, number + 1)}
        if number == 1:
            calls.append(call('GET', MEMBERS, 200, users(*page), headers=headers, query={'role': 'member', 'per_page': '100'}))
        else:
            calls.append(call('GET', '/organizations/9001/members', 200, users(*page), headers=headers,
                              query={'role': 'member', 'per_page': '100', 'page': str(number)}))
    if not ghes:
        calls.append(call('GET', INVITATIONS, 200, list(invitations), query={'per_page': '100'}))
    return calls


def args(members, **extra):
    return dict({'org': 'acme', 'members': members}, **extra)


def m(login, role='member'):
    return {'username': login, 'role': role}


EVERYONE = [m('octo-admin', 'admin'), m('alice'), m('bob'), m('carol'), m('dave')]


@pytest.mark.parametrize('check_mode', [False, True])
def test_no_change_costs_the_list_reads_only(run_module, check_mode):
    with exact_calls(reads(member_pages=[('alice', 'bob'), ('Carol',)], invitations=[invitation('dave')])):
        result = run_module(module.main, args(EVERYONE, exclusive=True), check_mode=check_mode)
    assert result['changed'] is False
    assert result['api_requests'] == 4
    assert (result['added'], result['removed'], result['role_changed']) == ([], [], [])
    assert result['pending'] == ['dave']
    assert result['diff']['before'] == result['diff']['after']
    assert result['diff']['before']['Carol'] == 'member'
    assert result['diff']['before']['dave'] == 'member (pending)'


def changes_wanted():
    return [m('octo-admin', 'admin'), m('alice', 'admin'), m('new-hire'), m('dave', 'admin')]


def change_reads():
    return reads(member_pages=[('alice', 'bob')], invitations=[invitation('dave')])


def test_changes_are_written_owners_first_additions_before_removals(run_module):
    with exact_calls(change_reads() + [
        call('GET', '/user', 200, {'login': 'octo-admin'}),
        call('PUT', '/orgs/acme/memberships/alice', 200, org_membership('alice', 'active', 'admin'), request_json={'role': 'admin'}),
        call('PUT', '/orgs/acme/memberships/dave', 200, org_membership('dave', 'pending', 'admin'), request_json={'role': 'admin'}),
        call('PUT', '/orgs/acme/memberships/new-hire', 200, org_membership('new-hire', 'pending'), request_json={'role': 'member'}),
        call('DELETE', '/orgs/acme/memberships/bob', 204),
    ]):
        result = run_module(module.main, args(changes_wanted(), exclusive=True), diff=True)
    assert result['changed'] is True
    assert result['added'] == ['new-hire']
    assert result['removed'] == ['bob']
    assert result['role_changed'] == ['alice', 'dave']
    assert result['pending'] == ['dave', 'new-hire']
    assert result['api_requests'] == 8
    assert result['diff']['after'] == {'octo-admin': 'admin', 'alice': 'admin', 'dave': 'admin (pending)',
                                       'new-hire': 'member (pending)'}


def test_check_mode_predicts_the_same_writes_without_making_them(run_module):
    with exact_calls(change_reads() + [call('GET', '/user', 200, {'login': 'octo-admin'}),
                                       call('GET', '/users/new-hire', 200, users('new-hire')[0])]):
        result = run_module(module.main, args(changes_wanted(), exclusive=True), check_mode=True)
    assert result['changed'] is True
    assert result['changes'] == [
        {'action': 'role', 'login': 'alice', 'role': 'admin'},
        {'action': 'role', 'login': 'dave', 'role': 'admin'},
        {'action': 'add', 'login': 'new-hire', 'role': 'member'},
        {'action': 'remove', 'login': 'bob', 'role': None},
    ]
    assert result['pending'] == ['dave', 'new-hire']


def test_not_exclusive_never_removes_nor_asks_who_i_am(run_module):
    with exact_calls(reads() + [
        call('PUT', '/orgs/acme/memberships/Zed', 200, org_membership('Zed', 'pending'), request_json={'role': 'member'}),
    ]):
        result = run_module(module.main, args([m('Zed')]))
    assert result['added'] == ['Zed']
    assert result['removed'] == []


@pytest.mark.parametrize('check_mode', [False, True])
def test_max_removals_fails_before_any_write(run_module, check_mode):
    # 1 owner + 4 members + 1 invitation = 6 current; 25% allows 1; exclusive would remove 3.
    with exact_calls(reads(member_pages=[('alice', 'bob', 'carol', 'erin')], invitations=[invitation('dave')])):
        result = run_module(module.main, args([m('octo-admin', 'admin'), m('alice'), m('bob')], exclusive=True),
                            check_mode=check_mode)
    assert result['failed'] is True
    assert 'Refusing to remove 3 of the 6 members and invitations of acme' in result['msg']
    assert 'max_removals=25% allows 1' in result['msg']
    assert sorted(result['would_remove']) == ['carol', 'dave', 'erin']
    assert result['removed'] == []


def test_max_removals_as_a_number_allows_exactly_that_many(run_module):
    with exact_calls(reads(member_pages=[('alice', 'bob')]) + [
        call('GET', '/user', 200, {'login': 'octo-admin'}),
        call('DELETE', '/orgs/acme/memberships/alice', 204),
        call('DELETE', '/orgs/acme/memberships/bob', 204),
    ]):
        result = run_module(module.main, args([m('octo-admin', 'admin')], exclusive=True, max_removals=2))
    assert result['removed'] == ['alice', 'bob']


@pytest.mark.parametrize('members,verb', [
    ([m('alice'), m('bob')], 'remove'),
    ([m('octo-admin'), m('alice'), m('bob')], 'demote'),
])
def test_refuses_to_remove_or_demote_the_token_owner(run_module, members, verb):
    with exact_calls(reads() + [call('GET', '/user', 200, {'login': 'Octo-Admin'})]):
        result = run_module(module.main, args(members, exclusive=True, max_removals='100%'))
    assert result['failed'] is True
    assert result['msg'].startswith('Refusing to %s octo-admin, the user this token belongs to, in acme' % verb)
    assert 'allow_self' in result['msg']


def test_allow_self_skips_the_who_am_i_read(run_module):
    with exact_calls(reads() + [
        call('PUT', '/orgs/acme/memberships/octo-admin', 200, org_membership('octo-admin'), request_json={'role': 'member'}),
    ]):
        result = run_module(module.main, args([m('octo-admin'), m('alice'), m('bob')], allow_self=True, min_owners=0))
    assert result['role_changed'] == ['octo-admin']


def test_failure_midway_reports_what_was_done(run_module):
    with exact_calls(reads() + [
        call('PUT', '/orgs/acme/memberships/x1', 200, org_membership('x1', 'pending'), request_json={'role': 'member'}),
        call('PUT', '/orgs/acme/memberships/x2', 422, {'message': 'Validation Failed'}, request_json={'role': 'member'}),
    ]):
        result = run_module(module.main, args([m('x1'), m('x2'), m('x3')]))
    assert result['failed'] is True
    assert result['msg'].startswith('add x2 to acme as member: PUT /orgs/acme/memberships/x2 returned HTTP 422')
    assert result['changed'] is True
    assert result['added'] == ['x1']
    assert result['pending'] == ['x1']
    assert result['diff']['after']['x1'] == 'member (pending)'
    assert 'x2' not in result['diff']['after']
    assert result['api_requests'] == 5


def test_a_lost_write_is_verified_not_sent_twice(run_module):
    with exact_calls(reads() + [
        call('PUT', '/orgs/acme/memberships/x1', 502, {'message': 'Bad Gateway'}, request_json={'role': 'member'}),
        call('GET', '/orgs/acme/memberships/x1', 200, org_membership('x1', 'pending')),
    ]):
        result = run_module(module.main, args([m('x1')]))
    assert result['added'] == ['x1']
    assert result['pending'] == ['x1']


def test_ghes_has_no_invitations_and_new_members_are_active(run_module):
    api = 'https://ghe.example.com/api/v3'
    calls = reads(ghes=True) + [
        call('PUT', '/orgs/acme/memberships/x1', 200, org_membership('x1', 'active'), request_json={'role': 'member'}),
    ]
    with exact_calls(calls, api=api):
        result = run_module(module.main, args([m('x1')], api_url=api))
    assert result['pending'] == []
    assert result['diff']['after']['x1'] == 'member'

    with exact_calls(reads(ghes=True) + [call('GET', '/users/x1', 200, users('x1')[0])], api=api):
        result = run_module(module.main, args([m('x1')], api_url=api), check_mode=True)
    assert result['diff']['after']['x1'] == 'member'


def test_email_invitations_are_left_alone_with_a_warning(run_module, monkeypatch):
    warned = spy_warnings(monkeypatch)
    with exact_calls(reads(invitations=[invitation(None, email='someone@example.com')])):
        result = run_module(module.main, args([m('octo-admin', 'admin'), m('alice'), m('bob')], exclusive=True))
    assert result['changed'] is False
    assert any('e-mail' in w for w in warned)


def test_read_error_names_the_operation(run_module):
    with exact_calls([call('GET', MEMBERS, 404, {'message': 'Not Found'}, query={'role': 'admin', 'per_page': '100'})]):
        result = run_module(module.main, args([m('alice')]))
    assert result['failed'] is True
    assert result['msg'] == 'read the members of acme: GET /orgs/acme/members returned HTTP 404: Not Found'


@pytest.mark.parametrize('members,extra,fragment', [
    ([m('alice'), m('Alice')], {}, 'alice and Alice are the same user (members[0].username and members[1].username; '
                                   'logins are case-insensitive)'),
    ([m('alice', 'admin'), m('alice')], {},
     'alice is listed both as admin (members[0].username) and as member (members[1].username); a user has one role'),
    ([m('ok'), m('-alice')], {}, "members[1].username '-alice' is not a valid GitHub login"),
    ([m('alice')], {'max_removals': '10 percent'}, 'max_removals must be'),
    ([m('alice')], {'max_removals': '120%'}, 'max_removals must be between'),
    ([{'username': 'alice', 'role': 'owner'}], {}, 'role'),
    ([m('alice')], {'org': 'ac/me'}, 'org'),
])
def test_bad_input_fails_before_any_request(run_module, members, extra, fragment):
    with exact_calls([]):
        result = run_module(module.main, dict(args(members), **extra))
    assert result['failed'] is True
    assert fragment in result['msg']
