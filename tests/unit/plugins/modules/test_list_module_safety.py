"""The list modules when input is careless or the world changes under them (issue 10): logins that
are not strings, the last owner, a write failing with any error type, a DELETE answering 404, and
check mode that reports additions no apply can make."""

from __future__ import annotations

import pytest

from ansible_collections.gitops.github.plugins.modules import github_org_members as org_module
from ansible_collections.gitops.github.plugins.modules import github_org_membership as membership_module
from ansible_collections.gitops.github.plugins.modules import github_team_members as team_module

from exact_http import call, exact_calls
from list_helpers import immediate_read

MEMBERS = '/orgs/acme/members'


def users(*logins):
    return [{'login': login, 'id': 1000 + i, 'type': 'User'} for i, login in enumerate(logins)]


def reads(admins=('octo-admin',), members=('alice', 'bob'), invitations=()):
    return [call('GET', MEMBERS, 200, users(*admins), query={'role': 'admin', 'per_page': '100'}),
            call('GET', MEMBERS, 200, users(*members), query={'role': 'member', 'per_page': '100'}),
            call('GET', '/orgs/acme/invitations', 200, list(invitations), query={'per_page': '100'})]


def m(login, role='member'):
    return {'username': login, 'role': role}


# -- class 2 ---------------------------------------------------------------------------------------

@pytest.mark.parametrize('main,args,where', [
    (org_module.main, {'org': 'acme', 'members': [{'username': 83}]}, 'members[0].username'),
    (org_module.main, {'org': 'acme', 'members': [{'username': 'alice'}, {'username': True}]}, 'members[1].username'),
    (membership_module.main, {'org': 'acme', 'username': True}, 'username'),
    (membership_module.main, {'org': 1234, 'username': 'alice'}, 'org'),
    (team_module.main, {'org': 'acme', 'team': 'platform', 'members': ['alice', 83]}, 'members[1]'),
    (team_module.main, {'org': 'acme', 'team': 'platform', 'maintainers': [1.5]}, 'maintainers[0]'),
])
def test_a_login_that_is_not_a_string_fails_before_any_request(run_module, main, args, where):
    with exact_calls([]):
        result = run_module(main, args)
    assert result['failed'] is True
    assert '%s must be a string' % where in result['msg'] and 'quote it' in result['msg']


# -- class 4 ---------------------------------------------------------------------------------------

def test_app_removing_the_only_active_owner_is_refused_by_min_owners(run_module, monkeypatch):
    # No own user to protect (as for a GitHub App): allow_self is moot, min_owners is the guard.
    with exact_calls(reads(invitations=[{'id': 1, 'login': 'new-owner', 'role': 'admin', 'email': None}])):
        result = run_module(org_module.main, {'org': 'acme', 'members': [m('new-owner', 'admin'), m('alice'), m('bob')],
                                              'exclusive': True, 'max_removals': '100%', 'allow_self': True})
    assert result['failed'] is True
    assert 'min_owners=1' in result['msg'] and 'octo-admin' in result['msg']
    assert result['removed'] == [] and result['changed'] is False


def test_min_owners_counts_active_owners_only_and_allows_enough(run_module):
    with exact_calls(reads(admins=('octo-admin', 'erin')) + [
        call('DELETE', '/orgs/acme/memberships/erin', 204),
    ]):
        result = run_module(org_module.main, {'org': 'acme', 'members': [m('octo-admin', 'admin'), m('alice'), m('bob')],
                                              'exclusive': True, 'max_removals': '100%', 'allow_self': True})
    assert result['removed'] == ['erin']

    with exact_calls(reads(admins=('octo-admin', 'erin'))):
        result = run_module(org_module.main, {'org': 'acme', 'members': [m('octo-admin', 'admin'), m('alice'), m('bob')],
                                              'exclusive': True, 'max_removals': '100%', 'allow_self': True,
                                              'min_owners': 2})
    assert result['failed'] is True and 'min_owners=2' in result['msg']


@pytest.mark.parametrize('value', [-1, True])
def test_min_owners_must_be_a_whole_number(run_module, value):
    with exact_calls([]):
        result = run_module(org_module.main, {'org': 'acme', 'members': [m('alice')], 'min_owners': value})
    assert result['failed'] is True and 'min_owners' in result['msg']


# -- class 7 ---------------------------------------------------------------------------------------

def test_any_error_type_after_a_write_reports_every_write_made(run_module, monkeypatch):
    from ansible_collections.gitops.github.plugins.module_utils import _resources
    original = _resources.write_membership
    calls = []

    def flaky(client, path, role=None, adding=False):
        calls.append(path)
        if len(calls) == 2:
            raise OverflowError('timestamp out of range for platform time_t')
        return original(client, path, role, adding)

    monkeypatch.setattr(_resources, 'write_membership', flaky)
    with exact_calls(reads() + [call('DELETE', '/orgs/acme/memberships/alice', 204)]):
        result = run_module(org_module.main, {'org': 'acme', 'members': [m('octo-admin', 'admin')], 'exclusive': True,
                                              'max_removals': '100%', 'allow_self': True})
    assert result['failed'] is True
    assert result['changed'] is True
    assert result['removed'] == ['alice']
    assert result['msg'].startswith('remove bob from acme: OverflowError')


def test_a_delete_answering_404_counts_as_done(run_module):
    with exact_calls(reads() + [
        call('DELETE', '/orgs/acme/memberships/alice', 404, {'message': 'Not Found'}),
        call('DELETE', '/orgs/acme/memberships/bob', 204),
    ]):
        result = run_module(org_module.main, {'org': 'acme', 'members': [m('octo-admin', 'admin')], 'exclusive': True,
                                              'max_removals': '100%', 'allow_self': True})
    assert result.get('failed') is not True, result
    assert result['changed'] is True and result['removed'] == ['alice', 'bob']


def test_a_team_delete_answering_404_counts_as_done(run_module):
    base = '/orgs/acme/teams/platform'
    with exact_calls([
        call('GET', base + '/members', 200, users('alice'), query={'role': 'maintainer', 'per_page': '100'}),
        call('GET', base + '/members', 200, users('bob'), query={'role': 'member', 'per_page': '100'}),
        call('GET', base + '/invitations', 200, [], query={'per_page': '100'}),
        immediate_read('platform', ['alice'], ['bob']),
        call('DELETE', base + '/memberships/bob', 404, {'message': 'Not Found'}),
    ]):
        result = run_module(team_module.main, {'org': 'acme', 'team': 'platform', 'maintainers': ['alice'],
                                               'exclusive': True, 'max_removals': '100%', 'allow_self': True})
    assert result.get('failed') is not True, result
    assert result['removed'] == ['bob']


# -- class 8 ---------------------------------------------------------------------------------------

def test_check_mode_reports_unknown_users_and_organizations_as_problems(run_module):
    with exact_calls(reads() + [
        call('GET', '/users/ghost', 404, {'message': 'Not Found'}),
        call('GET', '/users/new-hire', 200, users('new-hire')[0]),
        call('GET', '/users/some-org', 200, {'login': 'some-org', 'id': 5, 'type': 'Organization'}),
    ]):
        result = run_module(org_module.main, {'org': 'acme', 'members': [
            m('octo-admin', 'admin'), m('alice'), m('bob'), m('new-hire'), m('ghost'), m('some-org')]}, check_mode=True)
    assert result['changed'] is True
    assert result['added'] == ['new-hire']
    assert result['problems'] == [
        {'login': 'ghost', 'problem': 'no GitHub user has the login ghost'},
        {'login': 'some-org', 'problem': 'some-org is an organization, not a user'}]
    assert set(result['diff']['after']) == {'octo-admin', 'alice', 'bob', 'new-hire'}
    assert any('cannot add ghost' in w for w in result['_warned'])


def test_check_mode_with_only_impossible_additions_reports_no_change(run_module):
    with exact_calls(reads() + [call('GET', '/users/ghost', 404, {'message': 'Not Found'})]):
        result = run_module(org_module.main, {'org': 'acme', 'members': [m('octo-admin', 'admin'), m('ghost')]},
                            check_mode=True)
    assert result['changed'] is False
    assert [p['login'] for p in result['problems']] == ['ghost']


def test_user_lookup_failing_in_check_mode_fails_cleanly(run_module, monkeypatch):
    with exact_calls(reads() + [call('GET', '/users/new-hire', 200, body=None)]):
        result = run_module(org_module.main, {'org': 'acme', 'members': [m('octo-admin', 'admin'), m('new-hire')]},
                            check_mode=True)
    assert result['failed'] is True
    assert result['msg'].startswith('look up the users to add to acme')
