"""Red-team round 21, second pass, through real ansible-playbook against the simulator:
github_org_roster's access keys when the same run renames (``previously``), deletes
(``delete_unlisted_teams``) or re-parents the teams that hold the access. Check mode must promise
exactly what apply does, a rerun must change nothing, and nothing the file keeps may lose access.

FAILING today (real defects) are marked "DEFECT"; attacks the code holds are marked "HOLDS".
GitHub's rules relied on: renaming a team changes its slug and keeps its repositories and roles
(PATCH /orgs/{org}/teams/{team_slug}, OpenAPI teams/update-in-org); deleting a parent team deletes
its child teams (teams/delete-in-org: "If you are an organization owner, deleting a parent team
will delete all of its child teams as well")."""

from __future__ import annotations

from harness import writes
from test_roster_access import access_seed, role_holders, roster_task, team_grants

TEAM_PEOPLE = {'maintainers': ['alice'], 'members': ['bob']}


def check_apply_rerun(sim, play, task):
    """``(promised, done, rerun)`` of one task: check mode writes nothing, apply, then a rerun."""
    checked = play(sim, [task], check=True)
    assert checked.rc == 0, checked.output
    assert writes(sim) == []
    applied = play(sim, [task])
    assert applied.rc == 0, applied.output
    rerun = play(sim, [task])
    assert rerun.rc == 0, rerun.output
    return checked.task('roster'), applied.task('roster'), rerun.task('roster')


# HOLDS: platform (granted docs, holding security_manager) renamed to infra through `previously`,
# its grants exclusive and the role exclusive to it under the new slug: the rename is the only
# write; nothing is revoked and granted again, and infra keeps docs and the role.
def test_a_renamed_team_keeps_its_repositories_and_its_exclusive_role(sim_factory, play):
    sim = sim_factory(access_seed())
    task = roster_task(teams=[
        dict(TEAM_PEOPLE, team='infra', previously=['platform'], repositories={'docs': 'pull'}, exclusive_repositories=True),
        {'team': 'platform-oncall', 'parent': 'infra', 'members': ['carol']},
        {'team': 'sso-synced', 'members': ['alice']},
    ], organization_roles=[{'role': 'security_manager', 'teams': ['infra'], 'exclusive': True}], max_removals=0)
    promised, done, rerun = check_apply_rerun(sim, play, task)
    assert promised['access_changes'] == done['access_changes'] == [], done
    assert [w for w in writes(sim) if 'repos' in w[1] or 'organization-roles' in w[1]] == []
    assert team_grants(sim, 'infra') == {'docs': 'pull'}
    assert role_holders(sim, 'security_manager') == ([], ['infra'])
    assert rerun['changed'] is False and rerun['access_changes'] == []


# HOLDS: a child listed with repositories under a parent delete_unlisted_teams would delete (GitHub
# deletes the child with it) is refused before any write, the child's access intact.
def test_deleting_the_parent_of_a_listed_child_with_repositories_is_refused(sim_factory, play):
    sim = sim_factory(access_seed())
    task = roster_task(teams=[
        {'team': 'platform-oncall', 'members': ['carol'], 'repositories': {'widgets': 'push'}},
        {'team': 'sso-synced', 'members': ['alice']},
    ], delete_unlisted_teams=True, max_removals='100%')
    run = play(sim, [task])
    assert run.rc != 0 and writes(sim) == [], run.output
    assert 'deleting it would delete the listed team(s) below it (platform-oncall)' in run.output, run.output
    assert team_grants(sim, 'platform') == {'docs': 'pull'}
