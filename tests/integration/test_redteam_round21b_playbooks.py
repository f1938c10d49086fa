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

from ghsim.server import Fault
from harness import writes
from test_roster_access import access_seed, role_holders, roster_task, team_grants
from test_roster_two_factor import two_factor_seed

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


# HOLDS: a team created in this run is given an exclusive role (the team's creation first, then the
# role, then the other holder's revocation); check mode promised those writes.
def test_a_team_created_and_given_an_exclusive_role_in_one_run(sim_factory, play):
    sim = sim_factory(access_seed())
    task = roster_task(teams=[
        {'team': 'web', 'parent': 'platform', 'members': ['carol']},
        dict(TEAM_PEOPLE, team='platform'),
        {'team': 'platform-oncall', 'members': ['carol']},
    ], organization_roles=[{'role': 'security_manager', 'teams': ['web'], 'exclusive': True}], max_removals='100%')
    promised, done, rerun = check_apply_rerun(sim, play, task)
    assert promised['access_changes'] == done['access_changes'], done
    role_writes = [w for w in writes(sim) if 'organization-roles' in w[1]]
    assert role_writes == [('PUT', '/orgs/acme/organization-roles/teams/web/138'),
                           ('DELETE', '/orgs/acme/organization-roles/teams/platform/138')]
    assert writes(sim)[0] == ('POST', '/orgs/acme/teams')
    assert role_holders(sim, 'security_manager') == ([], ['web'])
    assert rerun['changed'] is False and rerun['access_changes'] == []


# HOLDS: a team delete_unlisted_teams deletes held an exclusive role: GitHub drops its assignment
# with the team, so no revocation is written or counted, in check mode as in apply.
def test_a_deleted_team_holding_an_exclusive_role_is_not_revoked_first(sim_factory, play):
    sim = sim_factory(access_seed())
    task = roster_task(teams=[{'team': 'sso-synced', 'members': ['alice']}], delete_unlisted_teams=True,
                       organization_roles=[{'role': 'security_manager', 'teams': ['sso-synced'], 'exclusive': True}],
                       max_removals='100%')
    promised, done, rerun = check_apply_rerun(sim, play, task)
    assert promised['access_changes'] == done['access_changes'], done
    assert [w for w in writes(sim) if 'organization-roles' in w[1]] == [
        ('PUT', '/orgs/acme/organization-roles/teams/sso-synced/138')]
    assert role_holders(sim, 'security_manager') == ([], ['sso-synced'])
    assert rerun['changed'] is False and rerun['access_changes'] == []


# HOLDS: exclusive_repositories on a child whose parent grants the same repository: the child
# gets its own grant, the parent's stays, and the rerun does not flap between the two.
def test_exclusive_repositories_on_a_child_of_a_parent_granting_the_same_repository(sim_factory, play):
    sim = sim_factory(access_seed())
    task = roster_task(teams=[
        dict(TEAM_PEOPLE, team='platform'),
        {'team': 'platform-oncall', 'members': ['carol'], 'repositories': {'docs': 'push'}, 'exclusive_repositories': True},
    ], max_removals=0)
    promised, done, rerun = check_apply_rerun(sim, play, task)
    assert promised['access_changes'] == done['access_changes'], done
    assert team_grants(sim, 'platform') == {'docs': 'pull'}
    assert team_grants(sim, 'platform-oncall') == {'docs': 'push'}
    assert rerun['changed'] is False and rerun['access_changes'] == []
    # "inherited" is what the team reaches through its parents and not directly (_access_state)
    assert promised['repositories']['platform-oncall']['inherited'] == [{'repository': 'docs', 'permission': 'pull', 'from': 'platform'}]
    assert rerun['repositories']['platform-oncall']['inherited'] == []


# DEFECT (🔴 removes someone the file lists): olivia, an outside collaborator without two-factor
# authentication (pull on widgets), is listed in the file as a member: the run invites her to the
# organization. require_two_factor: remove keeps every member the file lists (warning "listed in
# the membership data, so require_two_factor: remove leaves them"), but for outside collaborators
# it only looks at outside_collaborators (github_org_roster's outside_listed), so the same run that
# invites olivia removes her from every repository of acme (DELETE
# /orgs/{org}/outside_collaborators/{username}): the person the file lists loses the access she had.
def test_remove_keeps_an_outside_collaborator_the_file_lists_as_a_member(sim_factory, play):
    sim = sim_factory(two_factor_seed())
    task = roster_task(require_two_factor='remove', owners=['octo-admin', 'erin'],
                       members=['alice', 'bob', 'carol', 'Mixed-Case', 'dave', 'olivia'], max_removals='100%')
    checked = play(sim, [task], check=True)
    assert checked.rc == 0, checked.output
    applied = play(sim, [task])
    assert applied.rc == 0, applied.output
    assert ('DELETE', '/orgs/acme/outside_collaborators/olivia') not in writes(sim)
    assert 'olivia' in sim.state.org('acme').repos['widgets'].collaborators
    assert {'login': 'olivia', 'kind': 'outside_collaborator'} in applied.task('roster')['two_factor']['kept']


# HOLDS: bob holds all_repo_read and the file keeps him in that role, but bob has no two-factor
# authentication and is not in members: the run must not both remove him and keep his role; it
# may refuse (before any write) or keep him, never remove him.
def test_remove_never_removes_a_member_the_file_keeps_in_an_organization_role(sim_factory, play):
    seed = two_factor_seed(insecure=())
    seed['orgs'][0]['organization_roles'] = [{'role': 'all_repo_read', 'users': ['bob']}]
    sim = sim_factory(seed)
    task = roster_task(require_two_factor='remove', max_removals='100%',
                       organization_roles=[{'role': 'all_repo_read', 'users': ['bob'], 'exclusive': True}])
    checked = play(sim, [task], check=True)
    applied = play(sim, [task])
    assert checked.rc == applied.rc, applied.output
    assert ('DELETE', '/orgs/acme/members/bob') not in writes(sim) and ('DELETE', '/orgs/acme/memberships/bob') not in writes(sim)
    # today: refused before any write, naming bob as not an active member after the plan
    assert applied.rc != 0 and writes(sim) == [] and 'bob' in applied.task('roster')['msg'], applied.output


# HOLDS: an exclusive role whose holder the same run removes from the organization: no revocation
# is written (GitHub drops the role with the membership), check mode promised the same.
def test_an_exclusive_role_holder_removed_from_the_organization_is_not_revoked_first(sim_factory, play):
    sim = sim_factory(access_seed())
    task = roster_task(owners=['octo-admin', 'erin'], members=['alice', 'carol', 'Mixed-Case'], exclusive=True,
                       organization_roles=[{'role': 'all_repo_read', 'users': ['alice'], 'exclusive': True}],
                       max_removals='100%')
    promised, done, rerun = check_apply_rerun(sim, play, task)
    assert promised['access_changes'] == done['access_changes'], done
    assert [w for w in writes(sim) if 'organization-roles' in w[1]] == [('PUT', '/orgs/acme/organization-roles/users/alice/8132')]
    assert role_holders(sim, 'all_repo_read') == (['alice'], [])
    assert rerun['changed'] is False and rerun['access_changes'] == []


# HOLDS: GET /orgs/{org}/organization-roles/{role_id}/users answers 404 or 422 (both documented in
# the OpenAPI extract for that operation) while the entry makes the role exclusive: the run fails
# before any write, never reading the role as held by nobody (and granting alice) or by fewer.
def test_a_documented_404_or_422_on_a_roles_users_fails_before_any_write(sim_factory, play):
    for status in (404, 422):
        sim = sim_factory(access_seed())
        sim.inject(Fault('status', count=5, status=status, path='/organization-roles/8132/users'))
        task = roster_task(organization_roles=[{'role': 'all_repo_read', 'users': ['alice'], 'exclusive': True}],
                           max_removals='100%')
        for check in (True, False):
            run = play(sim, [task], check=check)
            assert run.rc != 0 and writes(sim) == [], run.output
        assert role_holders(sim, 'all_repo_read') == (['bob'], [])


# HOLDS: a team renamed in this run and granted a new repository: the grant goes to the new slug
# after the rename (PATCH first), check mode promised the same write, the rerun changes nothing.
def test_a_renamed_team_granted_a_new_repository_in_the_same_run(sim_factory, play):
    sim = sim_factory(access_seed())
    task = roster_task(teams=[
        dict(TEAM_PEOPLE, team='infra', previously=['platform'], repositories={'docs': 'pull', 'widgets': 'push'}),
        {'team': 'platform-oncall', 'parent': 'infra', 'members': ['carol']},
        {'team': 'sso-synced', 'members': ['alice']},
    ], max_removals=0)
    promised, done, rerun = check_apply_rerun(sim, play, task)
    assert promised['access_changes'] == done['access_changes'], done
    made = writes(sim)
    assert made[0] == ('PATCH', '/orgs/acme/teams/platform') and made[-1] == ('PUT', '/orgs/acme/teams/infra/repos/acme/widgets')
    assert [w for w in made if '/repos/' in w[1]] == [made[-1]], made
    assert team_grants(sim, 'infra') == {'docs': 'pull', 'widgets': 'push'}
    assert rerun['changed'] is False and rerun['access_changes'] == []


# HOLDS: a role entry naming a team by the slug this run renames away fails before any write
# (the team will not exist under that slug), rather than grant or revoke on a vanished slug.
def test_a_role_naming_a_renamed_teams_old_slug_fails_before_any_write(sim_factory, play):
    sim = sim_factory(access_seed())
    task = roster_task(teams=[
        dict(TEAM_PEOPLE, team='infra', previously=['platform']),
        {'team': 'platform-oncall', 'parent': 'infra', 'members': ['carol']},
        {'team': 'sso-synced', 'members': ['alice']},
    ], organization_roles=[{'role': 'security_manager', 'teams': ['platform'], 'exclusive': True}], max_removals='100%')
    run = play(sim, [task])
    assert run.rc != 0 and writes(sim) == [], run.output
    assert 'team platform is not a team of acme' in run.task('roster')['msg']
    assert role_holders(sim, 'security_manager') == ([], ['platform'])
