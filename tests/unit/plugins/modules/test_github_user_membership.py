"""github_user_membership: the exact requests of accepting the token owner's invitation, through
_resources.get_own_membership / accept_invitation."""

from __future__ import annotations

import pytest

from ansible_collections.gitops.github.plugins.modules import github_user_membership as module

from exact_http import NOT_FOUND, call, exact_calls, org_membership

OWN = '/user/memberships/orgs/acme'


@pytest.mark.parametrize('check_mode', [False, True])
def test_an_active_membership_is_left_alone(run_module, check_mode):
    with exact_calls([call('GET', OWN, 200, org_membership('octocat'))]):
        result = run_module(module.main, {'org': 'acme'}, check_mode=check_mode)
    assert result['changed'] is False
    assert result['membership'] == {'org': 'acme', 'state': 'active', 'role': 'member'}
    assert result['api_requests'] == 1


def test_a_pending_invitation_is_accepted_with_one_patch(run_module):
    with exact_calls([
        call('GET', OWN, 200, org_membership('octocat', 'pending', 'admin')),
        call('PATCH', OWN, 200, org_membership('octocat', 'active', 'admin'), request_json={'state': 'active'}),
    ]):
        result = run_module(module.main, {'org': 'acme'}, diff=True)
    assert result['changed'] is True
    assert result['diff']['before']['state'] == 'pending'
    assert result['membership'] == {'org': 'acme', 'state': 'active', 'role': 'admin'}


def test_check_mode_predicts_the_acceptance_without_the_patch(run_module):
    with exact_calls([call('GET', OWN, 200, org_membership('octocat', 'pending'))]):
        result = run_module(module.main, {'org': 'acme'}, check_mode=True)
    assert result['changed'] is True
    assert result['membership']['state'] == 'active'


def test_no_invitation_fails_naming_the_read(run_module):
    with exact_calls([call('GET', OWN, 404, NOT_FOUND)]):
        result = run_module(module.main, {'org': 'acme'})
    assert result['failed'] is True
    assert 'no membership of, and no invitation to, acme (GET /user/memberships/orgs/acme returned HTTP 404)' in result['msg']
