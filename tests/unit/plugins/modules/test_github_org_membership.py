"""github_org_membership: the exact requests for each case, in normal and check mode."""

from __future__ import annotations

import pytest

from ansible_collections.gitops.github.plugins.modules import github_org_membership as module

from exact_http import NOT_FOUND, call, exact_calls, org_membership
from list_helpers import users

M = '/orgs/acme/memberships/bob'


def test_invite_new_member(run_module):
    with exact_calls([
        call('GET', M, 404, NOT_FOUND),
        call('GET', '/orgs/acme', 200, {'login': 'acme', 'id': 9001}),
        call('PUT', M, 200, org_membership('bob', 'pending'), request_json={'role': 'member'}),
    ]):
        result = run_module(module.main, {'org': 'acme', 'username': 'bob'})
    assert result['changed'] is True
    assert result['membership'] == {'login': 'bob', 'state': 'pending', 'role': 'member'}
    assert result['diff']['before']['state'] == 'absent'


def test_invite_new_member_check_mode_predicts_without_writing(run_module):
    with exact_calls([
        call('GET', M, 404, NOT_FOUND),
        call('GET', '/orgs/acme', 200, {'login': 'acme', 'id': 9001}),
        call('GET', '/users/bob', 200, users('bob')[0]),  # check mode promises only what apply can do
    ]):
        result = run_module(module.main, {'org': 'acme', 'username': 'bob', 'role': 'admin'}, check_mode=True)
    assert result['changed'] is True
    assert result['membership'] == {'login': 'bob', 'state': 'pending', 'role': 'admin'}
    assert result['impossible'] == []


@pytest.mark.parametrize('answer,problem', [
    ((404, NOT_FOUND), 'no GitHub user has the login ghost'),
    ((200, {'login': 'ghost', 'id': 5, 'type': 'Organization'}), 'ghost is an organization, not a user'),
])
def test_check_mode_reports_an_addition_github_would_refuse(run_module, answer, problem):
    with exact_calls([
        call('GET', '/orgs/acme/memberships/ghost', 404, NOT_FOUND),
        call('GET', '/orgs/acme', 200, {'login': 'acme', 'id': 9001}),
        call('GET', '/users/ghost', *answer),
    ]):
        result = run_module(module.main, {'org': 'acme', 'username': 'ghost'}, check_mode=True)
    assert result['changed'] is False
    assert result['impossible'] == [{'login': 'ghost', 'problem': problem}]
    assert result['membership'] == {'login': 'ghost', 'state': 'absent', 'role': None}


@pytest.mark.parametrize('check_mode', [False, True])
@pytest.mark.parametrize('state,role', [('active', 'member'), ('pending', 'member'), ('active', 'admin')])
def test_already_there_is_idempotent(run_module, check_mode, state, role):
    with exact_calls([call('GET', M, 200, org_membership('Bob', state, role))]):
        result = run_module(module.main, {'org': 'acme', 'username': 'bob', 'role': role}, check_mode=check_mode)
    assert result['changed'] is False
    assert result['membership'] == {'login': 'Bob', 'state': state, 'role': role}


def test_role_omitted_keeps_admin(run_module):
    with exact_calls([call('GET', M, 200, org_membership('bob', 'active', 'admin'))]):
        result = run_module(module.main, {'org': 'acme', 'username': 'bob'})
    assert result['changed'] is False
    assert result['membership']['role'] == 'admin'


def test_role_change(run_module):
    with exact_calls([
        call('GET', M, 200, org_membership('bob', 'active', 'member')),
        call('PUT', M, 200, org_membership('bob', 'active', 'admin'), request_json={'role': 'admin'}),
    ]):
        result = run_module(module.main, {'org': 'acme', 'username': 'bob', 'role': 'admin'}, diff=True)
    assert result['changed'] is True
    assert result['diff'] == {'before': {'login': 'bob', 'state': 'active', 'role': 'member'},
                              'after': {'login': 'bob', 'state': 'active', 'role': 'admin'}}


def test_pending_invitation_role_change_updates_invitation(run_module):
    with exact_calls([
        call('GET', M, 200, org_membership('bob', 'pending', 'member')),
        call('PUT', M, 200, org_membership('bob', 'pending', 'admin'), request_json={'role': 'admin'}),
    ]):
        result = run_module(module.main, {'org': 'acme', 'username': 'bob', 'role': 'admin'})
    assert result['changed'] is True
    assert result['membership']['state'] == 'pending'


@pytest.mark.parametrize('check_mode', [False, True])
def test_remove_member(run_module, check_mode):
    calls = [
        call('GET', M, 200, org_membership('bob')),
        call('GET', '/user', 200, {'login': 'octo-admin'}),
    ]
    if not check_mode:
        calls.append(call('DELETE', M, 204))
    with exact_calls(calls):
        result = run_module(module.main, {'org': 'acme', 'username': 'bob', 'state': 'absent'}, check_mode=check_mode)
    assert result['changed'] is True
    assert result['membership'] == {'login': 'bob', 'state': 'absent', 'role': None}


@pytest.mark.parametrize('check_mode', [False, True])
def test_absent_is_idempotent_and_checks_org_exists(run_module, check_mode):
    with exact_calls([call('GET', M, 404, NOT_FOUND), call('GET', '/orgs/acme', 200, {'login': 'acme'})]):
        result = run_module(module.main, {'org': 'acme', 'username': 'bob', 'state': 'absent'}, check_mode=check_mode)
    assert result['changed'] is False


def test_missing_org_fails_clearly(run_module):
    with exact_calls([call('GET', M, 404, NOT_FOUND), call('GET', '/orgs/acme', 404, NOT_FOUND)]):
        result = run_module(module.main, {'org': 'acme', 'username': 'bob'})
    assert result['failed'] is True
    assert 'Organization acme was not found' in result['msg']


@pytest.mark.parametrize('args', [
    {'state': 'absent'},
    {'role': 'member'},
])
def test_refuses_to_remove_or_demote_self(run_module, args):
    with exact_calls([
        call('GET', '/orgs/acme/memberships/octo-admin', 200, org_membership('octo-admin', 'active', 'admin')),
        call('GET', '/user', 200, {'login': 'Octo-Admin'}),
    ]):
        result = run_module(module.main, dict({'org': 'acme', 'username': 'octo-admin'}, **args))
    assert result['failed'] is True
    assert 'allow_self' in result['msg']


def test_allow_self_removes_without_asking_who_i_am(run_module):
    with exact_calls([
        call('GET', '/orgs/acme/memberships/octo-admin', 200, org_membership('octo-admin', 'active', 'admin')),
        call('DELETE', '/orgs/acme/memberships/octo-admin', 204),
    ]):
        result = run_module(module.main, {'org': 'acme', 'username': 'octo-admin', 'state': 'absent', 'allow_self': True})
    assert result['changed'] is True


def test_write_error_names_operation_status_and_message(run_module):
    with exact_calls([
        call('GET', M, 200, org_membership('bob')),
        call('PUT', M, 403, {'message': 'You must be an admin to change roles.', 'documentation_url': 'https://docs.github.com/rest/orgs'},
             request_json={'role': 'admin'}),
    ]):
        result = run_module(module.main, {'org': 'acme', 'username': 'bob', 'role': 'admin'})
    assert result['failed'] is True
    assert result['msg'].startswith('set membership of bob in acme to admin: PUT /orgs/acme/memberships/bob returned HTTP 403')
    assert 'You must be an admin' in result['msg']
    assert result['error']['status'] == 403
    assert '\n' not in result['msg']


def test_ghes_new_member_is_active_in_check_mode(run_module):
    api = 'https://ghe.example.com/api/v3'
    with exact_calls([call('GET', M, 404, NOT_FOUND), call('GET', '/orgs/acme', 200, {'login': 'acme'}),
                      call('GET', '/users/bob', 200, users('bob')[0])], api=api):
        result = run_module(module.main, {'org': 'acme', 'username': 'bob', 'api_url': api}, check_mode=True)
    assert result['membership']['state'] == 'active'


@pytest.mark.parametrize('args,fragment', [
    ({'username': '-bob'}, 'not a valid GitHub login'),
    ({'username': 'bob--x'}, 'not a valid GitHub login'),
    ({'username': 'a' * 40}, 'longer than GitHub allows'),
    ({'org': 'ac/me'}, 'org'),
    ({'role': 'owner'}, 'role'),
    ({'token': ''}, 'No GitHub credentials'),
    ({'api_url': 'ftp://x'}, 'api_url'),
    ({'write_delay': -1}, 'write_delay must be a number of seconds from 0 to 3600, got -1'),
    ({'write_delay': float('inf')}, 'write_delay must be a number of seconds from 0 to 3600, got inf'),
    ({'write_delay': 1e9}, 'write_delay must be a number of seconds from 0 to 3600'),
])
def test_bad_input_fails_before_any_request(run_module, args, fragment):
    full = dict({'org': 'acme', 'username': 'bob'}, **args)
    with exact_calls([]):
        result = run_module(module.main, full)
    assert result['failed'] is True
    assert fragment in result['msg']
