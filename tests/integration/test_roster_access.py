"""Organization roles, outside collaborators and team repository access through github_org_roster
and the role's playbooks (issue 20, item 5), with real ansible-playbook runs on the simulator: check
mode writes nothing and promises what apply does, apply, an idempotent rerun, the engine on the
controller and the module giving the same results, guards on the whole plan before any write, a
failure midway reporting what was done, and export -> apply changing nothing.

The seed: acme's base teams (platform, its child platform-oncall, sso-synced) and members, plus two
repositories, olivia an outside collaborator (push on widgets, pull on docs), oscar invited to
widgets (triage), platform granted pull on docs, bob holding all_repo_read and platform
security_manager."""

from __future__ import annotations

import copy

import pytest
import yaml

from ghsim.server import Fault
from harness import BASE_SEED, writes
from test_controller_engine import MODULE, comparable
from test_role_playbooks import by_path, run as run_role, write_file

PATHS = (('controller', None), ('module', MODULE))


def access_seed():
    seed = copy.deepcopy(BASE_SEED)
    seed['users'] += ['olivia', 'oscar']
    org = seed['orgs'][0]
    org['repositories'] = [
        {'name': 'widgets', 'private': True, 'collaborators': {'olivia': 'push'}, 'invitations': {'oscar': 'triage'}},
        {'name': 'docs', 'collaborators': {'olivia': 'pull'}},
    ]
    org['teams'][0]['repositories'] = {'docs': 'pull'}
    org['organization_roles'] = [{'role': 'all_repo_read', 'users': ['bob']},
                                 {'role': 'security_manager', 'teams': ['platform']}]
    return seed


@pytest.fixture
def seed():
    return access_seed()


def roster_task(name='roster', **args):
    return {'name': name, 'gitops.github.github_org_roster': dict({'org': 'acme'}, **args)}


def failed(run, name):
    """Whether the task ``name`` failed (``ignore_errors`` lets the play go on)."""
    return [r['status'] for r in run.results if r['task'] == name][-1] == 'failed'


def invitation_id(sim, repo, login):
    return [i.id for i in sim.state.org('acme').repos[repo].invitations.values() if i.invitee_key == login][0]


def role_holders(sim, name):
    o = sim.state.org('acme')
    r = o.role_named(name)
    return sorted(r.users), sorted(sim.state.teams_by_id[t].slug for t in r.teams)


def team_grants(sim, slug):
    o = sim.state.org('acme')
    names = dict((r.id, r.name) for r in o.repos.values())
    return dict((names[rid], perm) for rid, perm in o.teams[slug].repos.items())


def collaborators(sim, repo):
    """(direct collaborators, invited) of a repository as the simulator holds them."""
    r = sim.state.org('acme').repos[repo]
    return dict(r.collaborators), dict((i.invitee_key, i.permission) for i in r.invitations.values())


def check_apply_rerun(sim_factory, play, task, expected_writes, verify):
    """On each engine path, on its own simulator: check mode writes nothing, apply writes
    ``expected_writes`` (in order) and what check mode promised, ``verify(sim)`` holds, a rerun
    (and a check-mode rerun) changes nothing; both paths give the same results."""
    results = {}
    for path, play_vars in PATHS:
        sim = sim_factory(access_seed())
        expected = expected_writes(sim) if callable(expected_writes) else expected_writes
        checked = play(sim, [task], check=True, play_vars=play_vars)
        assert checked.rc == 0, checked.output
        assert writes(sim) == []
        promised = checked.task('roster')
        applied = play(sim, [task], play_vars=play_vars)
        assert applied.rc == 0, applied.output
        done = applied.task('roster')
        assert writes(sim) == expected, path
        assert done['changed'] is True and done['access_changes'] == promised['access_changes']
        for key in ('organization_roles', 'outside_collaborators', 'repositories'):
            assert done.get(key) == promised.get(key), key
        verify(sim)
        before = len(sim.log)
        rerun = play(sim, [task], play_vars=play_vars).task('roster')
        assert rerun['changed'] is False and rerun['access_changes'] == [], rerun
        assert play(sim, [task], check=True, play_vars=play_vars).task('roster')['changed'] is False
        assert writes(sim) == expected
        assert len(sim.log) > before
        results[path] = [comparable(r) for r in (promised, done, rerun)]
    assert results['controller'] == results['module']
    return results['controller']


def test_organization_roles_check_apply_rerun_on_both_engine_paths(sim_factory, play):
    task = roster_task(organization_roles=[
        {'role': 'ALL_REPO_READ', 'users': ['alice'], 'exclusive': True},
        {'role': 'security_manager', 'teams': ['platform', 'platform-oncall']},
    ])
    promised, _done, rerun = check_apply_rerun(sim_factory, play, task, [
        ('PUT', '/orgs/acme/organization-roles/users/alice/8132'),
        ('PUT', '/orgs/acme/organization-roles/teams/platform-oncall/138'),
        ('DELETE', '/orgs/acme/organization-roles/users/bob/8132'),
    ], lambda sim: (role_holders(sim, 'all_repo_read') == (['alice'], [])
                    and role_holders(sim, 'security_manager') == ([], ['platform', 'platform-oncall'])) or pytest.fail(
        'holders %r %r' % (role_holders(sim, 'all_repo_read'), role_holders(sim, 'security_manager'))))
    assert promised['organization_roles'] == {
        'added': [{'role': 'all_repo_read', 'user': 'alice'}, {'role': 'security_manager', 'team': 'platform-oncall'}],
        'removed': [{'role': 'all_repo_read', 'user': 'bob'}], 'changed': []}
    assert 'outside_collaborators' not in promised and 'repositories' not in promised
    assert rerun['organization_roles'] == {'added': [], 'removed': [], 'changed': []}


def test_outside_collaborators_check_apply_rerun_on_both_engine_paths(sim_factory, play):
    task = roster_task(exclusive_outside_collaborators=True, max_removals='100%', outside_collaborators=[
        {'login': 'Oscar', 'repositories': {'widgets': 'push', 'docs': 'pull'}}])
    promised, _done, rerun = check_apply_rerun(sim_factory, play, task, lambda sim: [
        ('PUT', '/repos/acme/docs/collaborators/oscar'),           # grants first ...
        ('PATCH', '/repos/acme/widgets/invitations/%d' % invitation_id(sim, 'widgets', 'oscar')),  # raised in place
        ('DELETE', '/orgs/acme/outside_collaborators/olivia'),      # ... revocations last
    ], lambda sim: (collaborators(sim, 'widgets') == ({}, {'oscar': 'push'})
                    and collaborators(sim, 'docs') == ({}, {'oscar': 'pull'})) or pytest.fail(
        '%r %r' % (collaborators(sim, 'widgets'), collaborators(sim, 'docs'))))
    assert promised['outside_collaborators'] == {
        'added': [{'login': 'oscar', 'repository': 'docs', 'permission': 'pull'}],
        'removed': [{'login': 'olivia', 'repository': None, 'permission': None}],
        'changed': [{'login': 'oscar', 'repository': 'widgets', 'before': 'triage', 'after': 'push'}]}
    assert rerun['outside_collaborators'] == {'added': [], 'removed': [], 'changed': []}


def test_team_repositories_check_apply_rerun_on_both_engine_paths(sim_factory, play):
    # A team the same run creates is granted access after its creation; platform-oncall's access
    # through platform is reported, not written; platform's own grants are made exclusive.
    task = roster_task(teams=[
        {'team': 'web', 'parent': 'platform', 'repositories': {'widgets': 'maintain'}},
        {'team': 'platform', 'maintainers': ['alice'], 'members': ['bob'], 'repositories': {'widgets': 'pull'},
         'exclusive_repositories': True},
        {'team': 'platform-oncall', 'members': ['carol'], 'repositories': {}},
    ], max_removals='100%')
    promised, _done, rerun = check_apply_rerun(sim_factory, play, task, [
        ('POST', '/orgs/acme/teams'),
        ('DELETE', '/orgs/acme/teams/web/memberships/octo-admin'),
        ('PUT', '/orgs/acme/teams/web/repos/acme/widgets'),        # grants in the file's order ...
        ('PUT', '/orgs/acme/teams/platform/repos/acme/widgets'),
        ('DELETE', '/orgs/acme/teams/platform/repos/acme/docs'),
    ], lambda sim: (team_grants(sim, 'web') == {'widgets': 'maintain'} and team_grants(sim, 'platform') == {'widgets': 'pull'}
                    and team_grants(sim, 'platform-oncall') == {}) or pytest.fail('%r' % team_grants(sim, 'platform')))
    assert promised['repositories']['web'] == {'added': [{'repository': 'widgets', 'permission': 'maintain'}],
                                               'removed': [], 'changed': [],
                                               'inherited': [{'repository': 'docs', 'permission': 'pull', 'from': 'platform'}]}
    assert promised['repositories']['platform-oncall']['inherited'] == [
        {'repository': 'docs', 'permission': 'pull', 'from': 'platform'}]
    assert rerun['repositories']['platform-oncall'] == {
        'added': [], 'removed': [], 'changed': [], 'inherited': [{'repository': 'widgets', 'permission': 'pull', 'from': 'platform'}]}


def test_access_problems_and_the_shared_budget_fail_before_any_write_with_the_sections(sim, play):
    cases = {
        'unknown': roster_task('unknown', organization_roles=[{'role': 'no-such-role', 'users': ['alice']}],
                               teams=[{'team': 'platform', 'repositories': {'nope': 'pull', 'docs': 'owner'}}]),
        # bob's removal from the organization is within max_removals=1, the outside collaborators'
        # removals are not: the one budget refuses the whole run.
        'budget': roster_task('budget', owners=['octo-admin', 'erin'], members=['alice', 'carol', 'dave', 'Mixed-Case'],
                              exclusive=True, max_removals=1, exclusive_outside_collaborators=True,
                              outside_collaborators=[]),
        'removed': roster_task('removed', owners=['octo-admin', 'erin'], members=['alice', 'carol', 'dave', 'Mixed-Case'],
                               exclusive=True, max_removals=1, organization_roles=[{'role': 'all_repo_read', 'users': ['bob']}]),
    }
    for path, play_vars in PATHS:
        for check in (True, False):
            run = play(sim, [dict(task, ignore_errors=True) for task in cases.values()], check=check, play_vars=play_vars)
            assert run.rc == 0, run.output
            assert writes(sim) == []
            unknown, budget, removed = (run.task(name) for name in cases)
            assert failed(run, 'unknown') and "organization_roles: unknown role 'no-such-role'" in unknown['msg']
            assert 'repository nope is not a repository of acme' in unknown['msg'], unknown['msg']
            assert "unknown permission 'owner'" in unknown['msg']
            # olivia from every repository (2 accesses) and oscar's pending invitation
            assert failed(run, 'budget') and budget['msg'].startswith('the plan removes 3 accesses, more than max_removals (1)')
            assert budget['outside_collaborators']['removed'] == [{'login': 'olivia', 'repository': None, 'permission': None},
                                                                  {'login': 'oscar', 'repository': 'widgets', 'permission': 'triage'}]
            # the access plan's own count, then the one budget of membership and access removals together
            assert [r['problem'].split(', more than')[0] for r in budget['refused']] == [
                'the plan removes 3 accesses', 'acme: the plan removes 4 in all (1 from the organization, 3 accesses, 0 outside '
                'collaborators for require_two_factor)']
            assert budget['msg'] == '; '.join(r['problem'] for r in budget['refused']) and budget['access_changes'] == []
            assert [c['login'] for c in budget['would_change']] == ['bob']
            assert failed(run, 'removed') and 'bob is not an active member of acme' in removed['msg'], (path, removed['msg'])


def test_bad_access_input_fails_before_any_request_naming_the_key(sim, play):
    task = roster_task(organization_roles=[{'role': True}], outside_collaborators=[{'login': 'olivia', 'repositories': {'docs': 'write'}}],
                       teams=[{'team': 'platform', 'repositories': {'docs': False}}])
    run = play(sim, [dict(task, ignore_errors=True)])
    result = run.task('roster')
    assert failed(run, 'roster')
    for problem in ('organization_roles[0].role must be a string, got the boolean True',
                    "outside_collaborators[0] (olivia).repositories.docs: 'write' is how GitHub reads it; write push",
                    'teams[0] (platform).repositories.docs must be a string, got the boolean False'):
        assert problem in result['msg'], result['msg']
    assert sim.log == []


def test_a_failure_midway_reports_exactly_what_was_done(sim, play):
    task = roster_task(teams=[{'team': 'platform', 'repositories': {'docs': 'pull', 'widgets': 'push'}}],
                       outside_collaborators=[{'login': 'oscar', 'repositories': {'docs': 'pull'}}])
    sim.inject(Fault('status', count=20, status=502, path='/teams/platform/repos/acme/widgets'))
    cut = play(sim, [dict(task, ignore_errors=True)])
    result = cut.task('roster')
    assert failed(cut, 'roster') and result['msg'].startswith('give team platform push on acme/widgets: ')
    assert [(c['section'], c['subject'], c['target']) for c in result['access_changes']] == [
        ('outside_collaborators', 'oscar', 'docs')]
    assert result['failed_access_change']['target'] == 'widgets'
    assert result['changed'] is True
    assert collaborators(sim, 'docs')[1] == {'oscar': 'pull'}
    sim.clear_faults()
    again = play(sim, [task]).task('roster')
    assert [(c['subject'], c['target']) for c in again['access_changes']] == [('platform', 'widgets')]
    assert team_grants(sim, 'platform') == {'docs': 'pull', 'widgets': 'push'}


def test_reads_grow_with_pages_not_with_people_times_repositories(sim_factory, play):
    """The requests of a plan of team access for every team, measured on two organizations: ten
    times the teams and repositories cost the same number of requests (both fit in one page)."""
    counts = []
    for teams in (3, 30):
        seed = access_seed()
        org = seed['orgs'][0]
        org['repositories'] += [{'name': 'repo-%02d' % i} for i in range(teams)]
        org['teams'] += [{'slug': 'team-%02d' % i, 'name': 'team-%02d' % i, 'repositories': {'repo-%02d' % i: 'push'}}
                         for i in range(teams)]
        sim = sim_factory(seed)
        task = roster_task(teams=[{'team': 'team-%02d' % i, 'repositories': {'repo-%02d' % i: 'push'}} for i in range(teams)],
                           organization_roles=[{'role': 'all_repo_read', 'users': ['bob']}])
        result = play(sim, [task], check=True).task('roster')
        assert result['changed'] is False, result
        line = [s for s in result['summary'] if s.startswith('read the access of acme')][0]
        counts.append((result['api_requests'], line.split('(')[1].split(' ')[0]))
    assert counts[0] == counts[1], counts


def test_export_then_apply_changes_nothing_on_both_engine_paths(sim_factory, play, collections_path, tmp_path):
    for path, play_vars in PATHS:
        sim = sim_factory(access_seed())
        out = str(tmp_path / ('exported-%s.yml' % path))
        extra = dict(play_vars or {}, export_orgs='acme', membership_file=out)
        exported = run_role(collections_path, tmp_path, sim, 'gitops.github.export', extra)
        assert exported.rc == 0, exported.output
        with open(out) as handle:
            acme, = yaml.safe_load(handle)['membership_orgs']
        # The export is exclusive (the role's default): each role's list is authoritative, empty lists left out.
        assert acme['organization_roles'] == [{'role': 'all_repo_read', 'exclusive': True, 'users': ['bob']},
                                              {'role': 'security_manager', 'exclusive': True, 'teams': ['platform']}]
        # Not exclusive: the export does not read pending repository invitations, which an
        # exclusive list would cancel (oscar's below).
        assert 'exclusive_outside_collaborators' not in acme
        # oscar's pending invitation is not read by the export (a request per repository)
        assert acme['outside_collaborators'] == [{'login': 'olivia', 'repositories': {'docs': 'pull', 'widgets': 'push'}}]
        teams = dict((t['team'], t) for t in acme['teams'])
        assert teams['platform']['repositories'] == {'docs': 'pull'} and 'repositories' not in teams['platform-oncall']
        assert writes(sim) == []
        applied = run_role(collections_path, tmp_path, sim, by_path(collections_path, 'apply'),
                           dict(play_vars or {}, membership_file=out))
        assert applied.rc == 0, applied.output
        assert applied.changed_tasks == [], applied.output
        assert writes(sim) == []
        # the same data as variables (no file), through the role's task
        again = run_role(collections_path, tmp_path, sim, 'gitops.github.apply', dict(play_vars or {}, membership_orgs=[acme]))
        assert again.rc == 0 and again.changed_tasks == [], again.output
        assert writes(sim) == []


def test_an_edited_export_is_applied_through_the_role(collections_path, tmp_path, sim):
    data = {'membership_orgs': [{'org': 'acme', 'organization_roles': [{'role': 'security_manager', 'users': ['alice']}],
                                 'outside_collaborators': [{'login': 'olivia', 'repositories': {'docs': 'triage'}}],
                                 'teams': [{'team': 'platform', 'maintainers': ['alice'], 'members': ['bob'],
                                            'repositories': {'widgets': 'push'}}]}]}
    path = write_file(tmp_path, data)
    checked = run_role(collections_path, tmp_path, sim, 'gitops.github.apply', {'membership_file': path}, args=('--check',))
    assert checked.rc == 0, checked.output
    assert writes(sim) == []
    applied = run_role(collections_path, tmp_path, sim, 'gitops.github.apply', {'membership_file': path})
    assert applied.rc == 0, applied.output
    assert sorted(writes(sim)) == sorted([('PUT', '/orgs/acme/organization-roles/users/alice/138'),
                                          ('PUT', '/repos/acme/docs/collaborators/olivia'),
                                          ('PUT', '/orgs/acme/teams/platform/repos/acme/widgets')])
    assert role_holders(sim, 'security_manager') == (['alice'], ['platform'])
    rerun = run_role(collections_path, tmp_path, sim, 'gitops.github.apply', {'membership_file': path})
    assert rerun.rc == 0 and rerun.changed_tasks == [], rerun.output


@pytest.mark.parametrize('ghes', [False, True])
def test_an_export_where_organization_roles_are_unavailable_leaves_them_out_with_a_warning(sim_factory, play, ghes):
    seed = access_seed()
    # github.com answers 422 for a disabled feature (documented for the list), a GHES without
    # organization roles 404 (documented from 3.16)
    seed['orgs'][0]['organization_roles_enabled'] = False
    del seed['orgs'][0]['organization_roles']
    sim = sim_factory(seed, ghes=ghes)
    status = 'HTTP 404' if ghes else 'HTTP 422'
    for play_vars in (None, MODULE):
        run = play(sim, [roster_task()], check=True, play_vars=play_vars)
        assert run.rc == 0, run.output
        current = run.task('roster')['current']
        assert 'organization_roles' not in current
        assert current['outside_collaborators'] == [{'login': 'olivia', 'repositories': {'docs': 'pull', 'widgets': 'push'}}]
        assert any('organization_roles is left out of the export' in w and status in w for w in run.task('roster')['warnings'])
        # a plan that names them fails before any write, saying why
        named = play(sim, [roster_task(organization_roles=[{'role': 'all_repo_read', 'users': ['bob']}])], play_vars=play_vars)
        assert named.rc != 0 and ('GitHub answered 404' if ghes else 'returned HTTP 422') in named.task('roster')['msg'], named.output
    assert writes(sim) == []


def test_check_mode_promises_no_invitation_of_a_user_github_does_not_have(sim, play):
    task = roster_task(outside_collaborators=[{'login': 'no-such-user', 'repositories': {'docs': 'pull'}},
                                              {'login': 'oscar', 'repositories': {'docs': 'pull'}}])
    for play_vars in (None, MODULE):
        checked = play(sim, [task], check=True, play_vars=play_vars)
        assert checked.rc == 0, checked.output
        result = checked.task('roster')
        assert result['impossible'] == [{'login': 'no-such-user', 'problem': 'no GitHub user has the login no-such-user'}]
        assert [(c['subject'], c['target']) for c in result['access_changes']] == [('oscar', 'docs')]
        assert result['outside_collaborators']['added'] == [{'login': 'oscar', 'repository': 'docs', 'permission': 'pull'}]
        assert any('cannot make no-such-user an outside collaborator' in w for w in result['warnings'])
        assert writes(sim) == []
        assert [e.path for e in sim.log if e.path.startswith('/users/')] == ['/users/no-such-user', '/users/oscar'] * (
            2 if play_vars else 1)
