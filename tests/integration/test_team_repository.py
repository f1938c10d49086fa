"""github_team_repository through real ansible-playbook runs against the simulator."""

from __future__ import annotations

import pytest

from harness import writes


@pytest.fixture
def seed(seed):
    org = seed['orgs'][0]
    org['custom_repository_roles'] = [{'name': 'auditor', 'base_role': 'read', 'permissions': ['view_secret_scanning_alerts']}]
    org['repositories'] = [{'name': 'widgets', 'private': True}, {'name': 'docs'}]
    org['teams'][0]['repositories'] = {'docs': 'pull'}
    return seed


def granted(sim, team, repo):
    """The team's own grant on the repository, as the simulator holds it (``None``: none)."""
    o = sim.state.org('acme')
    return o.teams[team].repos.get(o.repos[repo].id)


def task(name='access', **args):
    return {'name': name, 'gitops.github.github_team_repository': dict({'org': 'acme', 'team': 'platform'}, **args)}


def test_check_apply_rerun_change_absent_absent_again(sim, play):
    add = task(repository='widgets', permission='push')
    checked = play(sim, [add], check=True, diff=True)
    assert checked.rc == 0, checked.output
    assert checked.task('access')['changed'] is True
    assert checked.task('access')['access'] == {'team': 'platform', 'repository': 'acme/widgets', 'permission': 'push'}
    assert writes(sim) == [] and granted(sim, 'platform', 'widgets') is None

    assert play(sim, [add]).task('access')['changed'] is True
    assert granted(sim, 'platform', 'widgets') == 'push'
    assert play(sim, [add]).task('access')['changed'] is False
    assert play(sim, [add], check=True).task('access')['changed'] is False

    custom = play(sim, [task(repository='widgets', permission='Auditor')])
    assert custom.task('access')['changed'] is True
    assert custom.task('access')['diff']['before']['permission'] == 'push'
    assert granted(sim, 'platform', 'widgets') == 'auditor'
    assert play(sim, [task(repository='widgets', permission='auditor')]).task('access')['changed'] is False

    remove = task(repository='widgets', state='absent')
    assert play(sim, [remove]).task('access')['changed'] is True
    assert granted(sim, 'platform', 'widgets') is None
    assert play(sim, [remove]).task('access')['changed'] is False
    assert writes(sim) == [('PUT', '/orgs/acme/teams/platform/repos/acme/widgets'),
                           ('PUT', '/orgs/acme/teams/platform/repos/acme/widgets'),
                           ('DELETE', '/orgs/acme/teams/platform/repos/acme/widgets')]


def test_existing_grant_read_back_and_changed(sim, play):
    run = play(sim, [task(repository='docs', permission='read')])  # read is GitHub's word for pull
    assert run.task('access')['changed'] is False
    run = play(sim, [task(repository='docs', permission='maintain')])
    assert run.task('access')['changed'] is True
    assert granted(sim, 'platform', 'docs') == 'maintain'


def test_bad_input_fails_naming_the_key_before_any_request(sim, play):
    run = play(sim, [task(repository='not a repo', permission='push')])
    assert run.rc != 0 and 'repository' in run.task('access')['msg']
    run = play(sim, [task(repository='widgets')])
    assert run.rc != 0 and 'permission' in run.task('access')['msg']
    assert sim.log == []


def test_team_id_route(sim, play):
    run = play(sim, [{'name': 'access', 'gitops.github.github_team_repository': {
        'org': 'acme', 'team_id': 7001, 'repository': 'widgets', 'permission': 'triage'}}])
    assert run.rc == 0, run.output
    assert granted(sim, 'platform', 'widgets') == 'triage'
    assert writes(sim) == [('PUT', '/organizations/9001/team/7001/repos/acme/widgets')]


def test_missing_team_fails(sim, play):
    run = play(sim, [task(team='no-such-team', repository='widgets', state='absent')])
    assert run.rc != 0 and 'Team no-such-team in acme was not found' in run.task('access')['msg']


def test_ghes_team_repository(sim_factory, seed, play):
    # Team repository access is long-standing REST v3 on GHES (tests/data/github-openapi/README.md).
    ghes = sim_factory(seed, ghes=True)
    add = task(repository='widgets', permission='admin')
    run = play(ghes, [add])
    assert run.rc == 0, run.output
    assert run.task('access')['changed'] is True and granted(ghes, 'platform', 'widgets') == 'admin'
    assert play(ghes, [add]).task('access')['changed'] is False


def test_access_through_the_parent_team_is_reported_not_flapped(sim, play):
    # platform-oncall is a child of platform, which has pull on docs: GitHub shows it on the child.
    for _dummy in range(2):
        run = play(sim, [{'name': 'access', 'gitops.github.github_team_repository': {
            'org': 'acme', 'team': 'platform-oncall', 'repository': 'docs', 'state': 'absent'}}])
        assert run.rc == 0, run.output
        assert run.task('access')['changed'] is False and run.task('access')['inherited_from'] == 'platform'
    assert writes(sim) == []
    raised = {'name': 'access', 'gitops.github.github_team_repository': {
        'org': 'acme', 'team': 'platform-oncall', 'repository': 'docs', 'permission': 'push'}}
    assert play(sim, [raised]).task('access')['changed'] is True
    assert play(sim, [raised]).task('access')['changed'] is False
    assert granted(sim, 'platform-oncall', 'docs') == 'push'


def test_an_own_grant_equal_to_the_parents_is_removed_then_converges(sim, play):
    # platform-oncall gets pull on docs of its own, the level its parent platform grants: GitHub's
    # check shows pull either way. state: absent finds the repository on the team's own list and
    # removes the grant (changed); the next run finds only the parent's access (not changed).
    def oncall(**args):
        return {'name': 'access', 'gitops.github.github_team_repository': dict(
            {'org': 'acme', 'team': 'platform-oncall', 'repository': 'docs'}, **args)}
    assert play(sim, [oncall(permission='push')]).task('access')['changed'] is True
    assert play(sim, [oncall(permission='pull')]).task('access')['changed'] is True
    assert granted(sim, 'platform-oncall', 'docs') == 'pull'
    before = len(writes(sim))
    checked = play(sim, [oncall(state='absent')], check=True)
    assert checked.task('access')['changed'] is True and len(writes(sim)) == before
    run = play(sim, [oncall(state='absent')])
    assert run.rc == 0, run.output
    assert run.task('access')['changed'] is True and run.task('access')['inherited_from'] == 'platform'
    assert granted(sim, 'platform-oncall', 'docs') is None
    assert granted(sim, 'platform', 'docs') == 'pull'
    again = play(sim, [oncall(state='absent')])
    assert again.task('access')['changed'] is False and len(writes(sim)) == before + 1
