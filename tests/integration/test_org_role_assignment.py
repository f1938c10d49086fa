"""github_org_role_assignment and github_org_role_info through real ansible-playbook runs against
the simulator."""

from __future__ import annotations

import pytest

from harness import writes


@pytest.fixture
def seed(seed):
    seed['orgs'][0]['organization_roles'] = [
        {'role': 'security_manager', 'teams': ['platform']},
        {'role': 'release-manager', 'description': 'Ships releases', 'permissions': ['read_audit_logs'], 'users': ['bob']},
    ]
    return seed


def holders(sim, role):
    """(users, team slugs) the role is assigned to directly, as the simulator holds them."""
    o = sim.state.org('acme')
    r = o.role_named(role)
    return sorted(r.users), sorted(sim.state.teams_by_id[t].slug for t in r.teams)


def task(name='role', **args):
    return {'name': name, 'gitops.github.github_org_role_assignment': dict({'org': 'acme'}, **args)}


def test_user_check_apply_rerun_absent_absent_again(sim, play):
    add = task(role='ALL_REPO_READ', username='Alice')
    checked = play(sim, [add], check=True)
    assert checked.rc == 0, checked.output
    assert checked.task('role')['changed'] is True
    assert checked.task('role')['assignment']['role'] == 'all_repo_read'
    assert writes(sim) == []

    assert play(sim, [add]).task('role')['changed'] is True
    assert holders(sim, 'all_repo_read') == (['alice'], [])
    assert play(sim, [add]).task('role')['changed'] is False
    assert play(sim, [add], check=True).task('role')['changed'] is False

    remove = task(role='all_repo_read', username='alice', state='absent')
    assert play(sim, [remove], check=True).task('role')['changed'] is True
    assert play(sim, [remove]).task('role')['changed'] is True
    assert holders(sim, 'all_repo_read') == ([], [])
    assert play(sim, [remove]).task('role')['changed'] is False
    assert writes(sim) == [('PUT', '/orgs/acme/organization-roles/users/Alice/8132'),  # as given: not listed yet
                           ('DELETE', '/orgs/acme/organization-roles/users/alice/8132')]


def test_team_assignment_and_custom_role(sim, play):
    add = task(role='release-manager', team='platform-oncall')
    assert play(sim, [add]).task('role')['changed'] is True
    assert holders(sim, 'release-manager') == (['bob'], ['platform-oncall'])
    assert play(sim, [add]).task('role')['changed'] is False


def test_holder_only_through_a_team_is_reported_not_flapped(sim, play):
    # bob is on platform, which holds security_manager: he holds it indirectly.
    for _dummy in range(2):
        run = play(sim, [task(role='security_manager', username='bob', state='absent')])
        assert run.rc == 0, run.output
        assert run.task('role')['changed'] is False
        assert run.task('role')['assignment']['inherited_from'] == ['platform']
        assert any('only through platform' in w for w in run.task('role').get('warnings', []))
    assert writes(sim) == []


def test_unknown_role_and_bad_input_fail_before_any_write(sim, play):
    run = play(sim, [task(role='no-such-role', username='alice')])
    assert run.rc != 0
    assert "role 'no-such-role' is not an organization role of acme" in run.task('role')['msg']
    assert 'security_manager' in run.task('role')['msg']
    bad = play(sim, [task(role='security_manager', username='not a login')])
    assert bad.rc != 0 and 'username' in bad.task('role')['msg']
    assert writes(sim) == []


def test_non_member_check_mode_reports_it(sim, play):
    run = play(sim, [task(role='security_manager', username='frank')], check=True)
    assert run.rc == 0, run.output
    assert run.task('role')['changed'] is False
    assert run.task('role')['impossible'][0]['login'] == 'frank'


def test_ghes_without_organization_roles_fails_clearly(sim_factory, seed, play):
    seed['orgs'][0].pop('organization_roles')
    seed['orgs'][0]['organization_roles_enabled'] = False
    ghes = sim_factory(seed, ghes=True)
    run = play(ghes, [task(role='security_manager', username='alice')])
    assert run.rc != 0
    assert 'not available on this GitHub Enterprise Server' in run.task('role')['msg']


def test_info_reads_back_every_role_and_holder(sim, play):
    info = {'name': 'info', 'gitops.github.github_org_role_info': {'org': 'acme'}}
    run = play(sim, [task(role='all_repo_admin', username='erin'), info], check=False)
    assert run.rc == 0, run.output
    result = run.task('info')
    assert result['changed'] is False
    roles = dict((r['name'], r) for r in result['roles'])
    assert {'security_manager', 'all_repo_read', 'all_repo_admin', 'release-manager'} <= set(roles)
    assert roles['all_repo_admin']['users'] == [{'login': 'erin', 'assignment': 'direct', 'inherited_from': []}]
    assert roles['release-manager']['users'] == [{'login': 'bob', 'assignment': 'direct', 'inherited_from': []}]
    security = roles['security_manager']
    assert {'slug': 'platform', 'assignment': 'direct'} in security['teams']
    assert {'slug': 'platform-oncall', 'assignment': 'indirect'} in security['teams']  # a child team
    assert {'login': 'bob', 'assignment': 'indirect', 'inherited_from': ['platform']} in security['users']
    one = play(sim, [{'name': 'info', 'gitops.github.github_org_role_info': {'org': 'acme', 'role': 'Release-Manager'}}])
    assert [r['name'] for r in one.task('info')['roles']] == ['release-manager']
    assert len(writes(sim)) == 1
