"""_plan_roster_access (issue 20, item 5): the access plan made on the tree the membership plan
leaves, the way github_org_roster makes it (roster_from_params -> plan_roster -> RosterAccess):
a grant for a team the plan creates or renames, a deleted team's access, a removed member who
holds a role, and the one max_removals shared by the membership and the access; the result
sections and the export view."""

from __future__ import annotations

from ansible_collections.gitops.github.plugins.module_utils._access_state import (
    AccessState,
    Collaborator,
    Grant,
    OrgRole,
    TeamAccess,
)
from ansible_collections.gitops.github.plugins.module_utils._org_guards import guard_problems
from ansible_collections.gitops.github.plugins.module_utils._org_input import roster_from_params
from ansible_collections.gitops.github.plugins.module_utils._org_state import OrgState, TeamState
from ansible_collections.gitops.github.plugins.module_utils._plan import ACTIVE, PENDING, Entry
from ansible_collections.gitops.github.plugins.module_utils._plan_access import ADD, REMOVE
from ansible_collections.gitops.github.plugins.module_utils._plan_org import plan_roster
from ansible_collections.gitops.github.plugins.module_utils._plan_roster_access import (
    RosterAccess,
    describe,
    id_problems,
    listed_ids,
    one_budget_problem,
    wanted_access,
)


def member(login, role='member', state=ACTIVE):
    return Entry(login, role, state)


def org_state(*teams, members=('alice', 'bob', 'carol')):
    people = dict((m.lower(), member(m)) for m in members)
    people['root'] = member('root', 'admin')
    return OrgState('acme', people, dict((t.key, t) for t in teams))


def team(slug, parent=None, tid=None):
    return TeamState(slug, tid, parent, slug, None, 'closed', {})


def access_state(teams=None, roles=None, outside=None, repos=('docs', 'widgets', 'api')):
    return AccessState('acme', roles, teams, outside, dict((r.lower(), r) for r in repos))


def role(name, users=(), teams=(), role_id=1):
    return OrgRole(role_id, name, 'Predefined', None, dict((u.lower(), u) for u in users),
                   dict((t.lower(), t) for t in teams))


def grants(**by_repo):
    return dict((repo.lower(), Grant(repo, permission)) for repo, permission in by_repo.items())


def run(state, access, params, own='root'):
    """``(roster plan, RosterAccess, access problems)`` as github_org_roster makes them."""
    roster, problems = roster_from_params(dict(params, org='acme'))
    assert problems == []
    planned = plan_roster(state, roster, own_login=own)
    assert planned.problems == []
    holder = RosterAccess(roster.access)
    holder.state = access
    return planned, holder, holder.make_plan(planned, roster.max_removals)


def writes(holder):
    return [(w.section, w.action, w.subject, w.target) for w in holder.plan.writes]


def test_wanted_access_keeps_only_what_the_entry_names():
    assert wanted_access({'org': 'acme', 'teams': [{'team': 'web', 'members': ['a']}]}) is None
    assert wanted_access({'org': 'acme', 'exclusive_outside_collaborators': 'yes'}) == {
        'exclusive_outside_collaborators': True}
    wanted = wanted_access({'teams': [{'team': 'web', 'repositories': None, 'exclusive_repositories': False},
                                      {'team': 'api', 'repositories': {'docs': 'pull'}}],
                            'organization_roles': [{'role': 'r', 'exclusive': 'no'}]})
    assert wanted == {'teams': [{'team': 'api', 'repositories': {'docs': 'pull'}, 'exclusive_repositories': False}],
                      'organization_roles': [{'role': 'r', 'users': [], 'teams': [], 'exclusive': False}]}


def test_a_grant_for_a_team_the_plan_creates_is_planned_after_it():
    planned, holder, problems = run(org_state(), access_state(teams={}), {
        'teams': [{'team': 'web', 'repositories': {'Docs': 'push'}}]})
    assert problems == []
    assert [(w.action, w.team) for w in planned.writes if w.scope == 'team_settings'] == [('create', 'web')]
    assert writes(holder) == [('repositories', ADD, 'web', 'docs')]  # GitHub's spelling of the name
    holder.promise()
    assert holder.after.teams['web'].repositories == grants(docs='push')
    assert holder.sections()['repositories'] == {'web': {'added': [{'repository': 'docs', 'permission': 'push'}],
                                                         'removed': [], 'changed': [], 'inherited': []}}


def test_a_role_for_a_team_the_plan_creates_is_no_problem_but_an_unknown_team_is():
    state = access_state(roles={'security_manager': role('security_manager')})
    _planned, holder, problems = run(org_state(), state, {
        'teams': [{'team': 'sec'}], 'organization_roles': [{'role': 'security_manager', 'teams': ['sec']}]})
    assert problems == [] and writes(holder) == [('organization_roles', ADD, 'sec', 'security_manager')]
    _planned, holder, problems = run(org_state(), state, {
        'organization_roles': [{'role': 'security_manager', 'teams': ['nope']}]})
    assert problems == ['organization role security_manager: team nope is not a team of acme']


def test_a_renamed_team_is_addressed_by_its_new_slug_with_the_grants_it_holds():
    access = access_state(teams={'old': TeamAccess('old', None, grants(docs='pull', widgets='push'))},
                          roles={'security_manager': role('security_manager', teams=['old'])})
    planned, holder, problems = run(org_state(team('old', tid=7)), access, {
        'teams': [{'team': 'new', 'previously': ['old'], 'repositories': {'docs': 'pull'}, 'exclusive_repositories': True}],
        'organization_roles': [{'role': 'security_manager', 'teams': ['new'], 'exclusive': True}],
        'max_removals': '100%'})
    assert problems == []
    assert [(w.action, w.team) for w in planned.writes if w.scope == 'team_settings'] == [('rename', 'old')]
    # docs is kept (no re-grant), widgets removed, and the role is not moved from old to new
    assert writes(holder) == [('repositories', REMOVE, 'new', 'widgets')]
    assert holder.sections()['organization_roles'] == {'added': [], 'removed': [], 'changed': []}


def test_a_deleted_team_gets_no_grant_and_its_access_is_no_removal():
    access = access_state(teams={'gone': TeamAccess('gone', None, grants(docs='admin', widgets='admin')),
                                 'gone-child': TeamAccess('gone-child', 'gone', grants(api='pull')),
                                 'kept': TeamAccess('kept', None, grants(docs='pull'))},
                          roles={'all_repo_read': role('all_repo_read', teams=['gone', 'kept'])})
    state = org_state(team('gone'), team('gone-child', 'gone'), team('kept'))
    params = {'teams': [{'team': 'kept', 'repositories': {'docs': 'pull'}, 'exclusive_repositories': True}],
              'delete_unlisted_teams': True, 'max_removals': 2,
              'organization_roles': [{'role': 'all_repo_read', 'teams': ['kept'], 'exclusive': True}]}
    planned, holder, problems = run(state, access, params)
    assert [(w.action, w.team) for w in planned.writes if w.scope == 'team_settings'] == [('delete', 'gone')]
    assert problems == [] and writes(holder) == [] and holder.plan.removals == 0
    assert set(holder.planned.teams) == {'kept'}
    # and a role or grant for a team the plan deletes is a problem, not a write GitHub would refuse
    params['organization_roles'][0]['teams'] = ['kept', 'gone']
    _planned, holder, problems = run(state, access, params)
    assert problems == ['organization role all_repo_read: team gone is not a team of acme']


def test_a_member_the_plan_removes_holding_a_role_is_not_revoked_twice_and_cannot_be_granted_one():
    access = access_state(roles={'security_manager': role('security_manager', users=['bob', 'alice'])})
    params = {'owners': ['root'], 'members': ['alice', 'carol'], 'exclusive': True, 'max_removals': 1,
              'organization_roles': [{'role': 'security_manager', 'users': ['alice'], 'exclusive': True}]}
    planned, holder, problems = run(org_state(), access, params)
    assert [(w.scope, w.action, w.login) for w in planned.writes] == [('org', 'remove', 'bob')]
    assert problems == [] and writes(holder) == []  # bob's role goes with his membership
    params['organization_roles'][0]['users'] = ['alice', 'bob']
    _planned, _holder, problems = run(org_state(), access, params)
    assert problems == ['organization role security_manager: bob is not an active member of acme (GitHub assigns '
                        'organization roles to members only)']


def test_someone_the_plan_only_invites_cannot_hold_a_role_yet():
    access = access_state(roles={'all_repo_read': role('all_repo_read')})
    planned, _holder, problems = run(org_state(), access, {
        'members': ['alice', 'bob', 'carol', 'dave'], 'organization_roles': [{'role': 'all_repo_read', 'users': ['dave']}]})
    assert [(w.action, w.login) for w in planned.writes] == [('add', 'dave')]
    assert problems == ['organization role all_repo_read: dave is not an active member of acme (GitHub assigns '
                        'organization roles to members only)']


def test_the_budget_is_the_organizations_max_removals_and_refuses_the_whole_run():
    people = dict((p, Collaborator(p, grants(docs='pull'))) for p in ('ann', 'ben', 'cho'))
    access = access_state(outside=people)
    params = {'owners': ['root'], 'members': ['alice', 'bob'], 'exclusive': True, 'max_removals': 1,
              'outside_collaborators': [{'login': 'ann', 'repositories': {'docs': 'pull'}}],
              'exclusive_outside_collaborators': True}
    planned, holder, problems = run(org_state(), access, params)
    # One membership removal (carol) is within max_removals=1, so the membership guards pass ...
    assert guard_problems(planned, 'root') == []
    # ... but the access plan removes two outside collaborators: the same max_removals refuses it,
    # and the run fails before any write (the module joins both lists of refusals).
    assert problems == ['the plan removes 2 accesses, more than max_removals (1) allows (1 of 3 accesses); nothing is '
                        'written']
    assert holder.plan.writes == [] and len(holder.plan.proposed) == 2
    assert holder.sections()['outside_collaborators']['removed'] == [
        {'login': 'ben', 'repository': None, 'permission': None}, {'login': 'cho', 'repository': None, 'permission': None}]
    # max_removals=0 refuses both kinds of removal
    params['max_removals'] = 0
    planned, holder, problems = run(org_state(), access, params)
    assert guard_problems(planned, 'root') and problems


def test_inherited_access_on_the_planned_tree_is_reported_not_written():
    access = access_state(teams={'platform': TeamAccess('platform', None, grants(docs='push')),
                                 'oncall': TeamAccess('oncall', 'platform', {})})
    _planned, holder, problems = run(org_state(team('platform'), team('oncall', 'platform')), access, {
        'teams': [{'team': 'oncall', 'repositories': {}, 'exclusive_repositories': True}]})
    assert problems == [] and writes(holder) == []
    assert holder.sections()['repositories']['oncall']['inherited'] == [
        {'repository': 'docs', 'permission': 'push', 'from': 'platform'}]


def test_a_pending_grant_counts_and_check_mode_promises_apply():
    people = {'oscar': Collaborator('oscar', {'docs': Grant('docs', 'triage', pending=True, invitation_id=5)})}
    _planned, holder, problems = run(org_state(), access_state(outside=people), {
        'outside_collaborators': [{'login': 'oscar', 'repositories': {'docs': 'triage', 'api': 'pull'}}]})
    assert problems == [] and writes(holder) == [('outside_collaborators', ADD, 'oscar', 'api')]
    holder.promise()
    assert [w.as_dict() for w in holder.done] == [w.as_dict() for w in holder.plan.writes]
    assert holder.current([])['outside_collaborators'] == [{'login': 'oscar', 'repositories': {'api': 'pull', 'docs': 'triage'}}]
    assert describe(holder.done[0], 'acme') == 'give oscar pull on acme/api'


def test_the_export_view_has_the_files_shapes():
    access = access_state(teams={'platform': TeamAccess('platform', None, grants(docs='push')), 'empty': TeamAccess('empty')},
                          roles={'a': role('a', users=['Bob'], teams=['platform']), 'b': role('b')},
                          outside={'olivia': Collaborator('olivia', grants(widgets='auditor'))})
    holder = RosterAccess({}, export=True)
    holder.state = access
    holder.promise()
    teams = [{'team': 'platform'}, {'team': 'empty'}]
    assert holder.current(teams) == {
        'organization_roles': [{'role': 'a', 'users': ['Bob'], 'teams': ['platform']}],
        'outside_collaborators': [{'login': 'olivia', 'repositories': {'widgets': 'auditor'}}]}
    assert teams == [{'team': 'platform', 'repositories': {'docs': 'push'}}, {'team': 'empty'}]
    # roles whose holders were not all read are left out rather than exported half
    access.roles['b'].users = None
    holder.promise()
    assert 'organization_roles' not in holder.current([])


def test_pending_org_members_are_not_active():
    state = org_state()
    state.members['dave'] = member('dave', state=PENDING)
    access = access_state(roles={'all_repo_read': role('all_repo_read')})
    _planned, _holder, problems = run(state, access, {'organization_roles': [{'role': 'all_repo_read', 'users': ['dave']}]})
    assert problems and 'dave is not an active member' in problems[0]


def test_the_diff_shows_what_the_writes_touch_and_nothing_when_nothing_changes():
    access = access_state(teams={'platform': TeamAccess('platform', None, grants(docs='pull'))},
                          roles={'a': role('a', users=['bob'])})
    _planned, holder, problems = run(org_state(team('platform')), access, {
        'teams': [{'team': 'platform', 'repositories': {'docs': 'push'}}],
        'organization_roles': [{'role': 'a', 'teams': ['platform']}]})
    assert problems == []
    holder.promise()
    element, = holder.diff('acme')
    assert element['scope'] == 'access' and element['before_header'] == 'access in acme'
    assert element['before'] == {'organization_roles': {'a': ['bob']}, 'repositories': {'platform': {'docs': 'pull'}}}
    assert element['after'] == {'organization_roles': {'a': ['bob', 'team:platform']}, 'repositories': {'platform': {'docs': 'push'}}}
    _planned, holder, _problems = run(org_state(team('platform')), access, {
        'teams': [{'team': 'platform', 'repositories': {'docs': 'pull'}}]})
    holder.promise()
    assert holder.diff('acme') == []


def test_one_budget_counts_membership_and_access_removals_together():
    """Red team 21, finding 1: with max_removals 1, one member removed and one access removed each
    fit their own count, but the run removes two: the one budget refuses it."""
    access = access_state(outside={'ann': Collaborator('ann', grants(docs='pull')), 'ben': Collaborator('ben', grants(docs='pull'))})
    params = {'owners': ['root'], 'members': ['alice', 'bob'], 'exclusive': True, 'max_removals': 1,
              'outside_collaborators': [{'login': 'ann', 'repositories': {'docs': 'pull'}}],
              'exclusive_outside_collaborators': True}
    planned, holder, problems = run(org_state(), access, params)
    assert guard_problems(planned, 'root') == [] and problems == []  # each alone fits
    refused = one_budget_problem(1, 'acme', 1, 4, holder)
    assert refused.startswith('acme: the plan removes 2 in all (1 from the organization, 1 accesses, 0 outside '
                              'collaborators for require_two_factor), more than max_removals (1) allows')
    assert one_budget_problem(2, 'acme', 1, 4, holder) is None
    assert one_budget_problem(2, 'acme', 1, 4, holder, outside_removals=1).startswith('acme: the plan removes 3 in all')
    # a percentage is taken of the members and invitations plus the accesses (4 + 2): 50 % is 3
    assert one_budget_problem('50%', 'acme', 2, 4, holder) is None
    assert one_budget_problem('50%', 'acme', 3, 4, holder) is not None
    # without access removals the membership guards decide alone
    holder.plan.removals = 0
    assert one_budget_problem(0, 'acme', 5, 4, holder) is None


def test_an_id_given_with_an_access_login_must_be_that_logins_on_github():
    """Red team 21, findings 2 and 3: the id of a role user or an outside collaborator is checked
    against GitHub; another login's id, or no account's, fails naming both."""
    wanted = wanted_access({'organization_roles': [{'role': 'security_manager', 'users': ['bob', {'login': 'carol', 'id': 7}]}],
                            'outside_collaborators': [{'login': 'zed', 'id': 9, 'repositories': {'docs': 'pull'}},
                                                      {'login': 'Olga', 'id': 11, 'repositories': {'docs': 'pull'}},
                                                      {'login': 'nobody', 'id': 13, 'repositories': {'docs': 'pull'}}]})
    listed = listed_ids(wanted)
    assert listed == [('organization_roles[0] (security_manager).users', 'carol', 7), ('outside_collaborators[0]', 'zed', 9),
                      ('outside_collaborators[1]', 'Olga', 11), ('outside_collaborators[2]', 'nobody', 13)]
    problems = id_problems(listed, {7: 'alice', 9: 'olivia', 11: 'olga', 13: None})
    assert problems == [
        "organization_roles[0] (security_manager).users: carol is listed with the id 7, but that id is alice's on GitHub: "
        "the login is somebody else, or the id is wrong; fix the entry (nothing is written)",
        "outside_collaborators[0]: zed is listed with the id 9, but that id is olivia's on GitHub: the login is somebody "
        "else, or the id is wrong; fix the entry (nothing is written)",
        'outside_collaborators[2]: no GitHub account has the id 13 listed for nobody; nothing is granted to a login whose '
        'id cannot be confirmed']
