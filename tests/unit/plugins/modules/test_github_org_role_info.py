"""github_org_role_info: exact requests (every role, every page of its holders), with GitHub's
documented answers."""

from __future__ import annotations

from ansible_collections.gitops.github.plugins.modules import github_org_role_info as info

from exact_http import call, exact_calls
from test_github_org_role_assignment import ROLES, TEAMS, USERS, role_list, team, user


def test_info_lists_every_role_with_its_holders_over_pages(run_module):
    nxt = 'https://api.github.com/organizations/9001/organization-roles/8031/teams?per_page=100&page=2'
    with exact_calls([
        call('GET', ROLES, 200, role_list()),
        # sorted by name: Auditor (8031) first, then Custom Role Manager (8030)
        call('GET', USERS, 200, [user('alice'), user('bob', 'indirect', ['sec'])], query={'per_page': '100'}),
        call('GET', TEAMS, 200, [team('sec')], headers={'Link': '<%s>; rel="next"' % nxt}),
        call('GET', '/organizations/9001/organization-roles/8031/teams', 200, [team('sec-child', 'indirect')]),
        call('GET', ROLES + '/8030/users', 200, []),
        call('GET', ROLES + '/8030/teams', 200, []),
    ]):
        result = run_module(info.main, {'org': 'acme'}, check_mode=False)
    assert result['changed'] is False
    assert [r['name'] for r in result['roles']] == ['Auditor', 'Custom Role Manager']
    auditor = result['roles'][0]
    assert auditor['id'] == 8031
    assert auditor['users'] == [{'login': 'alice', 'assignment': 'direct', 'inherited_from': []},
                                {'login': 'bob', 'assignment': 'indirect', 'inherited_from': ['sec']}]
    assert auditor['teams'] == [{'slug': 'sec', 'assignment': 'direct'}, {'slug': 'sec-child', 'assignment': 'indirect'}]
    assert result['roles'][1]['users'] == [] and result['roles'][1]['teams'] == []


def test_info_one_role_and_unknown_role(run_module):
    with exact_calls([call('GET', ROLES, 200, role_list()), call('GET', ROLES + '/8030/users', 200, []),
                      call('GET', ROLES + '/8030/teams', 200, [])]):
        result = run_module(info.main, {'org': 'acme', 'role': 'custom role manager'}, check_mode=True)
    assert [r['name'] for r in result['roles']] == ['Custom Role Manager'] and result['changed'] is False
    with exact_calls([call('GET', ROLES, 200, role_list())]):
        result = run_module(info.main, {'org': 'acme', 'role': 'nonesuch'})
    assert result['failed'] is True and 'its roles are: Auditor, Custom Role Manager' in result['msg']


def test_info_malformed_holder_list_fails_rather_than_reading_short(run_module):
    with exact_calls([call('GET', ROLES, 200, role_list()), call('GET', USERS, 200, [{'id': 5}])]):
        result = run_module(info.main, {'org': 'acme', 'role': 'auditor'})
    assert result['failed'] is True and 'without a login' in result['msg']
