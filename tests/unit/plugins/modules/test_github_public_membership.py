"""github_public_membership: the exact requests of publicizing and concealing the token owner's
membership, through _resources.is_public / set_public."""

from __future__ import annotations

import pytest

from ansible_collections.gitops.github.plugins.modules import github_public_membership as module

from exact_http import call, exact_calls, org_membership

PUBLIC = '/orgs/acme/public_members/octocat'


def whoami():
    return call('GET', '/user', 200, {'login': 'octocat'})


def own_membership(state='active'):
    return call('GET', '/user/memberships/orgs/acme', 200, org_membership('octocat', state))


@pytest.mark.parametrize('check_mode', [False, True])
@pytest.mark.parametrize('state, answer', [('present', 204), ('absent', 404)])
def test_no_change_reads_only(run_module, check_mode, state, answer):
    with exact_calls([whoami(), call('GET', PUBLIC, answer)]):
        result = run_module(module.main, {'org': 'acme', 'state': state}, check_mode=check_mode)
    assert result['changed'] is False
    assert result['public'] is (state == 'present')
    assert result['api_requests'] == 2


def test_publicize_checks_the_membership_is_active_then_puts(run_module):
    with exact_calls([whoami(), call('GET', PUBLIC, 404), own_membership(), call('PUT', PUBLIC, 204)]):
        result = run_module(module.main, {'org': 'acme'}, diff=True)
    assert result['changed'] is True
    assert result['diff'] == {'before': {'login': 'octocat', 'public': False}, 'after': {'login': 'octocat', 'public': True}}
    assert result['api_requests'] == 4


def test_publicize_in_check_mode_writes_nothing(run_module):
    with exact_calls([whoami(), call('GET', PUBLIC, 404), own_membership()]):
        result = run_module(module.main, {'org': 'acme'}, check_mode=True)
    assert result['changed'] is True
    assert result['public'] is True
    assert result['api_requests'] == 3


def test_conceal_deletes(run_module):
    with exact_calls([whoami(), call('GET', PUBLIC, 204), call('DELETE', PUBLIC, 204)]):
        result = run_module(module.main, {'org': 'acme', 'state': 'absent'})
    assert result['changed'] is True
    assert result['public'] is False


def test_a_pending_membership_cannot_be_publicized(run_module):
    with exact_calls([whoami(), call('GET', PUBLIC, 404), own_membership('pending')]):
        result = run_module(module.main, {'org': 'acme'})
    assert result['failed'] is True
    assert 'it is pending, not active; accept the invitation first' in result['msg']


def test_someone_elses_membership_is_refused_before_any_write(run_module):
    with exact_calls([whoami(), call('GET', '/orgs/acme/public_members/bob', 204)]):
        result = run_module(module.main, {'org': 'acme', 'username': 'bob', 'state': 'absent'})
    assert result['failed'] is True
    assert 'GitHub only lets users change their own public membership' in result['msg']
