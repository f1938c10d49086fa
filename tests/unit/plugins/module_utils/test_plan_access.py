"""The access planner (issue 20), pure: guards before any write, grants before revocations, and
properties over generated states and wanted data: applying the plan never removes an access the
wanted data keeps, leaves every wanted access in place, and planning again changes nothing."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.gitops.github.plugins.module_utils._access_state import (
    AccessState,
    Collaborator,
    Grant,
    OrgRole,
    TeamAccess,
)
from ansible_collections.gitops.github.plugins.module_utils._plan_access import (
    ADD,
    CHANGE,
    COLLABORATOR,
    INVITATION,
    ORGANIZATION,
    REMOVE,
    plan_access,
    reads_for,
    state_after,
)

MEMBERS = ['alice', 'Bob', 'carol', 'dave']
OUTSIDERS = ['olivia', 'Oscar', 'paul', 'quinn']
REPOS = ['widgets', 'Docs', 'api', 'web']
TEAMS = ['platform', 'oncall', 'security']
PARENTS = {'oncall': 'platform'}
PERMISSIONS = ['pull', 'triage', 'push', 'maintain', 'admin', 'auditor']
CUSTOM = {'auditor': ('auditor', 'pull')}


def _role(role_id, name, users=(), teams=()):
    return OrgRole(role_id, name, 'Predefined', None, dict((u.lower(), u) for u in users),
                   dict((t.lower(), t) for t in teams))


def base_state():
    return AccessState(
        'acme',
        roles={'security_manager': _role(138, 'security_manager', ['alice'], ['security']),
               'all_repo_read': _role(8132, 'all_repo_read', [], ['platform']),
               'release-manager': _role(90002, 'Release-Manager', ['Bob'])},
        teams={'platform': TeamAccess('platform', None, {'widgets': Grant('widgets', 'push'), 'docs': Grant('Docs', 'auditor')}),
               'oncall': TeamAccess('oncall', 'platform', {'api': Grant('api', 'maintain')}),
               'security': TeamAccess('security')},
        outside={'olivia': Collaborator('olivia', {'widgets': Grant('widgets', 'push')}),
                 'oscar': Collaborator('Oscar', {'docs': Grant('Docs', 'pull')}),
                 'paul': Collaborator('paul', {'widgets': Grant('widgets', 'triage', pending=True, invitation_id=7)})},
        repositories=dict((r.lower(), r) for r in REPOS),
        custom_roles=dict(CUSTOM))


# ------------------------------------------------------------------------------ guards
def test_an_unknown_role_is_a_problem_and_nothing_is_written():
    plan = plan_access(base_state(), {'organization_roles': [{'role': 'all_repo_reed', 'users': ['carol']},
                                                             {'role': 'security_manager', 'users': ['carol']}]})
    assert plan.writes == [] and len(plan.proposed) == 1
    assert plan.problems == ["organization_roles: unknown role 'all_repo_reed' (acme has: Release-Manager, all_repo_read, "
                             "security_manager)"]


def test_role_names_and_holders_compare_case_insensitively_and_duplicates_name_both():
    plan = plan_access(base_state(), {'organization_roles': [
        {'role': 'RELEASE-MANAGER', 'users': ['bob', 'Carol', 'carol'], 'teams': ['Platform', 'platform']}]})
    assert 'organization role Release-Manager: user carol is listed twice (as Carol and carol; names are case-insensitive)' \
        in plan.problems
    assert 'organization role Release-Manager: team platform is listed twice (as Platform and platform; names are ' \
        'case-insensitive)' in plan.problems
    # bob holds it already (as Bob): no write for him
    assert [(w.action, w.subject) for w in plan.proposed] == [('add', 'Carol'), ('add', 'Platform')]


def test_a_role_entry_twice_is_a_problem():
    plan = plan_access(base_state(), {'organization_roles': [{'role': 'all_repo_read'}, {'role': 'ALL_REPO_READ'}]})
    assert plan.problems == ['organization role ALL_REPO_READ is listed twice (as all_repo_read and ALL_REPO_READ; '
                             'names are case-insensitive)']


def test_a_role_for_a_non_member_is_a_problem():
    plan = plan_access(base_state(), {'organization_roles': [{'role': 'all_repo_read', 'users': ['olivia']}]},
                       members=MEMBERS)
    assert plan.problems == ['organization role all_repo_read: olivia is not an active member of acme (GitHub assigns '
                             'organization roles to members only)']


def test_an_outside_collaborator_who_is_a_member_is_a_problem():
    plan = plan_access(base_state(), {'outside_collaborators': [{'login': 'BOB', 'repositories': {'api': 'pull'}}]},
                       members=MEMBERS)
    assert plan.writes == [] and 'outside_collaborators: BOB is a member of acme' in plan.problems[0]
    assert 'github_outside_collaborator and convert_member=true' in plan.problems[0]  # the explicit way


def test_unknown_repository_and_permission_are_problems():
    plan = plan_access(base_state(), {'outside_collaborators': [{'login': 'quinn', 'repositories': {'nope': 'pull',
                                                                                                    'api': 'owner'}}]})
    assert plan.problems == ["outside collaborator quinn, repository api: unknown permission 'owner' (known: pull, "
                             "triage, push, maintain, admin, auditor)",
                             'outside collaborator quinn: repository nope is not a repository of acme']


def test_the_removal_budget_counts_accesses():
    wanted = {'outside_collaborators': [], 'exclusive_outside_collaborators': True}
    plan = plan_access(base_state(), wanted, max_removals=2)
    # olivia and Oscar: one organization-wide removal each; paul: his invitation cancelled
    assert plan.removals == 3 and plan.writes == []
    assert plan.problems == ['the plan removes 3 accesses, more than max_removals (2) allows (2 of 10 accesses); nothing is written']
    assert plan_access(base_state(), wanted, max_removals=3).writes


# ------------------------------------------------------------------------------ writes and report
def test_outside_collaborators_exclusive():
    wanted = {'exclusive_outside_collaborators': True, 'outside_collaborators': [
        {'login': 'OLIVIA', 'repositories': {'widgets': 'push', 'docs': 'Auditor'}},
        {'login': 'paul', 'repositories': {'WIDGETS': 'maintain'}}]}
    plan = plan_access(base_state(), wanted, max_removals='100%')
    assert not plan.problems
    assert [(w.action, w.kind, w.subject, w.target, w.permission, w.ref) for w in plan.writes] == [
        (ADD, COLLABORATOR, 'olivia', 'Docs', 'auditor', None),
        (CHANGE, INVITATION, 'paul', 'widgets', 'maintain', 7),
        (REMOVE, ORGANIZATION, 'Oscar', None, None, None)]
    assert plan.report['outside_collaborators'] == {
        'added': [{'login': 'olivia', 'repository': 'Docs', 'permission': 'auditor'}],
        'removed': [{'login': 'Oscar', 'repository': None, 'permission': None}],
        'changed': [{'login': 'paul', 'repository': 'widgets', 'before': 'triage', 'after': 'maintain'}]}


def test_team_repositories_direct_and_inherited():
    wanted = {'teams': [{'team': 'ONCALL', 'repositories': {'widgets': 'triage', 'api': 'push'},
                         'exclusive_repositories': True},
                        {'team': 'platform', 'repositories': {'docs': 'pull'}},
                        {'team': 'security', 'maintainers': ['alice']}]}
    plan = plan_access(base_state(), wanted)
    assert [(w.action, w.subject, w.target, w.permission, w.phase) for w in plan.writes] == [
        (ADD, 'oncall', 'widgets', 'triage', 0),
        (CHANGE, 'platform', 'Docs', 'pull', 1),  # auditor (base read) to pull: same rank
        (CHANGE, 'oncall', 'api', 'push', 2)]  # maintain to push lowers it: after the grants
    assert plan.report['repositories']['oncall']['inherited'] == [
        {'repository': 'Docs', 'permission': 'auditor', 'from': 'platform'},
        {'repository': 'widgets', 'permission': 'push', 'from': 'platform'}]
    assert 'security' not in plan.report['repositories']


def test_roles_exclusive_removes_only_direct_assignments():
    state = base_state()
    state.roles['all_repo_read'].inherited_users = {'bob': 'Bob'}
    plan = plan_access(state, {'organization_roles': [{'role': 'all_repo_read', 'users': ['carol'], 'exclusive': True}]},
                       max_removals='100%')
    assert [(w.action, w.kind, w.subject, w.ref) for w in plan.writes] == [
        (ADD, 'user', 'carol', 8132), (REMOVE, 'team', 'platform', 8132)]
    assert plan.report['organization_roles']['removed'] == [{'role': 'all_repo_read', 'team': 'platform'}]


def test_not_read_parts_are_problems():
    plan = plan_access(AccessState('acme'), {'organization_roles': [], 'outside_collaborators': [],
                                             'teams': [{'team': 'x', 'repositories': {}}]})
    assert len(plan.problems) == 3 and all('were not read' in p for p in plan.problems)


# ------------------------------------------------------------------------------ properties
def _case(draw, name):
    return draw(st.sampled_from([name, name.lower(), name.upper()]))


@st.composite
def states(draw):
    state = base_state()
    for role in state.roles.values():
        role.users = dict((u.lower(), u) for u in draw(st.sets(st.sampled_from(MEMBERS))))
        role.teams = dict((t, t) for t in draw(st.sets(st.sampled_from(TEAMS))))
    grants = st.dictionaries(st.sampled_from(REPOS), st.sampled_from(PERMISSIONS))
    state.teams = dict((t, TeamAccess(t, PARENTS.get(t), dict((r.lower(), Grant(r, p)) for r, p in draw(grants).items())))
                       for t in TEAMS)
    state.outside = {}
    for login in draw(st.sets(st.sampled_from(OUTSIDERS))):
        repos = draw(st.dictionaries(st.sampled_from(REPOS), st.tuples(st.sampled_from(PERMISSIONS), st.booleans()),
                                     min_size=1))
        state.outside[login.lower()] = Collaborator(login, dict(
            (r.lower(), Grant(r, p, pending, 100 + i if pending else None)) for i, (r, (p, pending)) in enumerate(repos.items())))
    return state


@st.composite
def wanted_data(draw):
    wanted = {}
    if draw(st.booleans()):
        wanted['organization_roles'] = [
            {'role': _case(draw, name), 'users': [_case(draw, u) for u in draw(st.sets(st.sampled_from(MEMBERS)))],
             'teams': [_case(draw, t) for t in draw(st.sets(st.sampled_from(TEAMS)))], 'exclusive': draw(st.booleans())}
            for name in draw(st.sets(st.sampled_from(['security_manager', 'all_repo_read', 'release-manager'])))]
    permission = st.sampled_from(PERMISSIONS + ['AUDITOR', 'Push'])
    if draw(st.booleans()):
        wanted['outside_collaborators'] = [
            {'login': _case(draw, login), 'repositories': dict(
                (_case(draw, r), p) for r, p in draw(st.dictionaries(st.sampled_from(REPOS), permission)).items())}
            for login in draw(st.sets(st.sampled_from(OUTSIDERS)))]
        wanted['exclusive_outside_collaborators'] = draw(st.booleans())
    if draw(st.booleans()):
        wanted['teams'] = [
            {'team': _case(draw, t), 'exclusive_repositories': draw(st.booleans()), 'repositories': dict(
                (_case(draw, r), p) for r, p in draw(st.dictionaries(st.sampled_from(REPOS), permission)).items())}
            for t in draw(st.sets(st.sampled_from(TEAMS)))]
    return wanted


def _accesses(state):
    """``{(section, subject, target): permission}`` of every access in ``state``."""
    out = {}
    for role in state.roles.values():
        for u in role.users:
            out[('role', u, role.name.lower())] = 'user'
        for t in role.teams:
            out[('role-team', t, role.name.lower())] = 'team'
    for key, person in state.outside.items():
        for r, g in person.repositories.items():
            out[('outside', key, r)] = g.permission.lower()
    for key, team in state.teams.items():
        for r, g in team.repositories.items():
            out[('team', key, r)] = g.permission.lower()
    return out


def _wanted_accesses(wanted):
    out = {}
    for entry in wanted.get('organization_roles', ()):
        for u in entry['users']:
            out[('role', u.lower(), entry['role'].lower())] = 'user'
        for t in entry['teams']:
            out[('role-team', t.lower(), entry['role'].lower())] = 'team'
    for entry in wanted.get('outside_collaborators', ()):
        for r, p in entry['repositories'].items():
            out[('outside', entry['login'].lower(), r.lower())] = p.lower()
    for entry in wanted.get('teams', ()):
        for r, p in entry['repositories'].items():
            out[('team', entry['team'].lower(), r.lower())] = p.lower()
    return out


@settings(max_examples=150, deadline=None)
@given(states(), wanted_data())
def test_applying_the_plan_keeps_what_is_wanted_and_planning_again_changes_nothing(state, wanted):
    plan = plan_access(state, wanted, members=MEMBERS, max_removals='100%')
    assert plan.problems == []
    after = state_after(state, plan.writes)
    have = _accesses(after)
    for key, permission in _wanted_accesses(wanted).items():
        assert have.get(key) == permission, key  # every wanted access is there, as wanted
    before = _accesses(state)
    exclusive = (wanted.get('exclusive_outside_collaborators')
                 or any(e['exclusive'] for e in wanted.get('organization_roles', ()))
                 or any(e['exclusive_repositories'] for e in wanted.get('teams', ())))
    if not exclusive:
        assert not [w for w in plan.writes if w.action == REMOVE]
        assert set(before) <= set(have)  # nothing is taken away without an exclusive list
    again = plan_access(after, wanted, members=MEMBERS, max_removals='100%')
    assert again.writes == [] and again.problems == []


@settings(max_examples=150, deadline=None)
@given(states(), wanted_data())
def test_grants_precede_revocations(state, wanted):
    plan = plan_access(state, wanted, members=MEMBERS, max_removals='100%')
    rank = {'pull': 0, 'auditor': 0, 'triage': 1, 'push': 2, 'maintain': 3, 'admin': 4}

    def revokes(w):  # told from the write itself, not from the planner's phase
        return w.action == REMOVE or (w.action == CHANGE and rank[w.permission.lower()] < rank[w.before.lower()])
    revoking = [i for i, w in enumerate(plan.writes) if revokes(w)]
    granting = [i for i, w in enumerate(plan.writes) if not revokes(w)]
    assert not revoking or not granting or max(granting) < min(revoking)
    assert [revokes(w) for w in plan.writes] == [w.revokes for w in plan.writes]


@settings(max_examples=100, deadline=None)
@given(states(), wanted_data())
def test_no_write_touches_an_access_the_wanted_data_keeps_as_it_is(state, wanted):
    plan = plan_access(state, wanted, members=MEMBERS, max_removals='100%')
    keep = dict((k, p) for k, p in _wanted_accesses(wanted).items() if _accesses(state).get(k) == p)
    for w in plan.writes:
        subject = w.subject.lower()
        if w.section == 'outside_collaborators':
            if w.target is None:  # an organization-wide removal: nobody listed
                assert not [k for k in _wanted_accesses(wanted) if k[0] == 'outside' and k[1] == subject]
                continue
            key = ('outside', subject, w.target.lower())
        elif w.section == 'repositories':
            key = ('team', subject, w.target.lower())
        else:
            key = ('role' if w.kind == 'user' else 'role-team', subject, w.target.lower())
        assert key not in keep, w


def test_reads_for_reads_only_what_the_plan_depends_on():
    assert reads_for({'organization_roles': [{'role': 'b'}, {'role': 'a'}],
                      'outside_collaborators': ['x', {'login': 'y', 'repositories': {'Docs': 'pull', 'api': 'push'}}],
                      'teams': [{'team': 't', 'maintainers': ['m']}]}) == {
        'roles': True, 'teams': False, 'outside': True, 'role_names': ['a', 'b'], 'invitation_repos': ['Docs', 'api']}
    # exclusive: every repository's invitations (unlisted ones are cancelled)
    assert reads_for({'exclusive_outside_collaborators': True, 'teams': [{'team': 't', 'repositories': {}}]}) == {
        'roles': False, 'teams': True, 'outside': True, 'role_names': [], 'invitation_repos': None}


def test_a_team_listed_twice_or_without_a_slug_is_a_problem():
    plan = plan_access(base_state(), {'teams': [{'team': 'Platform', 'repositories': {}},
                                                {'team': 'platform', 'repositories': {'api': 'pull'}},
                                                {'repositories': {'api': 'pull'}}]})
    assert plan.problems == ['team platform is listed twice (as Platform and platform; names are case-insensitive)',
                             "teams: {'repositories': {'api': 'pull'}} has no team slug"]
