"""Issue 18, "Nothing the file keeps is deleted": properties of the whole-organization plan, applied
on github_org_roster's own code path (read_org -> plan_roster -> guard_problems -> execute with
org_writer) in-process against a real simulator over HTTP, for generated organizations and
membership files (tests/org_strategies.py: nested teams, pending, e-mail and failed invitations,
renamed users and ids, moved, renamed, dropped and new teams, delete_unlisted_teams).

1. every team and every person the file keeps exists afterwards, GitHub's cascades included (the
   simulator deletes a team's child teams with it, as GitHub's "Delete a team" says: "If you are
   an organization owner, deleting a parent team will delete all of its child teams as well");
2. nothing is deleted or removed beyond the budgets (max_removals of the organization, of each
   team, and of the teams delete_unlisted_teams deletes), nor without exclusive / delete_unlisted_teams;
3. check mode's writes are apply's writes;
4. a second run plans nothing.

A run the planner refuses (a problem, a guard) must leave GitHub as it was. A write that fails
midway is a finding too (the plan promised something GitHub would not do).

Falsifying examples found on the planner as it was when these were written are listed at the end
of this file (FINDINGS); the properties are not weakened for them.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings

from ghsim import Simulator

from ansible_collections.gitops.github.plugins.module_utils._plan import removal_limit
from org_strategies import BOSS, UID, World, observe, run_engine, worlds

EXAMPLES = 30
# No shrinking by default: a failure prints its whole world (seed and options), and shrinking runs
# the engine hundreds of times. PROPERTY_SHRINK=1 shrinks to a minimal example.
PHASES = tuple(Phase) if os.environ.get('PROPERTY_SHRINK') else (Phase.explicit, Phase.reuse, Phase.generate)
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, phases=PHASES,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.data_too_large])


def _world(teams, params, members=(), owners=(), invitations=()):
    """A hand-written :class:`World` (the falsifying examples below, kept as explicit examples)."""
    login = dict((p, p) for p in UID)
    seed = {'users': [{'login': p, 'id': UID[p]} for p in UID], 'tokens': {'sim-token-prop-boss': BOSS},
            'orgs': [{'login': 'acme', 'id': 9001, 'owners': [BOSS] + list(owners), 'members': list(members),
                      'teams': teams, 'invitations': list(invitations), 'failed_invitations': []}]}
    params = dict({'org': 'acme', 'delete_unlisted_teams': False}, **params)
    return World(seed, params, login, dict((p, 'member') for p in UID if p != BOSS))


def _team(slug, tid, **kw):
    return dict({'slug': slug, 'name': slug.capitalize(), 'id': tid}, **kw)


# Falsifying examples found on the planner of main at 4b30726 (see FINDINGS at the end).
F1_NEW_PARENT_IS_CREATED_SECRET = _world([], {'teams': [{'team': 'new-one', 'parent': 'new-two'}, {'team': 'new-two'}]})
F2_PARENT_IS_ITS_OWN_FORMER_SLUG = _world([_team('core', 7001)], {
    'teams': [{'team': 'core-2', 'previously': ['core'], 'parent': 'core'}]})
F3_DELETE_CASCADES_INTO_A_MOVED_TEAM = _world(
    [_team('web', 7001), _team('api', 7002, parent='web'), _team('ops', 7003, parent='web')],
    {'delete_unlisted_teams': True, 'max_removals': '100%',
     'teams': [{'team': 'web'}, {'team': 'api', 'parent': 'ops'}]})
F4_RENAMED_TEAMS_PENDING_INVITATION_IS_NOT_READ = _world(
    [_team('web', 7001)], {'teams': [{'team': 'web-2', 'previously': ['web'], 'exclusive': True, 'max_removals': '100%'}]},
    invitations=[{'login': 'gus', 'role': 'direct_member', 'teams': [{'slug': 'web', 'role': 'member'}]}])
F5_PARENT_NAMED_BY_A_FORMER_SLUG = _world(
    [_team('core', 7001), _team('api', 7002)],
    {'teams': [{'team': 'core-2', 'previously': ['core']}, {'team': 'api', 'parent': 'core'}]})
FINDING_EXAMPLES = (F1_NEW_PARENT_IS_CREATED_SECRET, F2_PARENT_IS_ITS_OWN_FORMER_SLUG,
                    F3_DELETE_CASCADES_INTO_A_MOVED_TEAM, F4_RENAMED_TEAMS_PENDING_INVITATION_IS_NOT_READ,
                    F5_PARENT_NAMED_BY_A_FORMER_SLUG)


def with_findings(test):
    for world in reversed(FINDING_EXAMPLES):
        test = example(world=world)(test)
    return test


@pytest.fixture(scope='module')
def sim():
    simulator = Simulator({'users': [BOSS], 'orgs': []}).start()
    yield simulator
    simulator.stop()


def load(sim, world):
    sim.load(world.seed)
    sim.clear_log()
    return observe(sim.state)


def apply(sim, world):
    """``(before, check outcome, apply outcome, after)``; check mode must not change GitHub."""
    before = load(sim, world)
    check = run_engine(sim.api_url, world.params, check=True)
    assert observe(sim.state) == before, 'check mode changed GitHub\n' + world.describe()
    outcome = run_engine(sim.api_url, world.params)
    after = observe(sim.state)
    if outcome.stage in ('input', 'problems', 'guards'):
        assert after == before, 'a refused run changed GitHub: %s\n%s' % (outcome.reasons, world.describe())
    assert outcome.stage != 'failed', 'a planned write failed midway: %s; done %s\n%s' % (
        outcome.reasons, outcome.writes, world.describe())
    return before, check, outcome, after


def current_login(ref, after):
    """The lower login the file's entry ``ref`` names now (a mapping's id wins)."""
    if isinstance(ref, dict):
        if ref.get('email'):
            return ref['email'].lower()
        if ref.get('id') in after.ids:
            return after.ids[ref['id']]
        return ref['login'].lower()
    return ref.lower()


def team_by_slug(after, slug):
    for tid, (found, parent, members) in after.teams.items():
        if found.lower() == slug.lower():
            return tid, parent, members
    return None


def slug_of(observed, tid):
    return observed.teams[tid][0].lower() if tid in observed.teams else None


# -- 1. what the file keeps exists afterwards ------------------------------------------------------

@SETTINGS
@given(world=worlds())
@with_findings
def test_every_team_and_person_the_file_keeps_exists_afterwards(sim, world):
    _before, _check, outcome, after = apply(sim, world)
    if outcome.stage != 'done':
        return
    params = world.params
    where = world.describe()
    for role, key in (('admin', 'owners'), ('member', 'members')):
        for ref in params.get(key) or []:
            login = current_login(ref, after)
            if login in after.members:
                assert after.members[login] == role, '%s is %s, the file says %s\n%s' % (
                    login, after.members[login], role, where)
            else:
                assert login in after.invited, '%s (listed in %s) is neither a member nor invited\n%s' % (
                    login, key, where)
    for entry in params['teams']:
        found = team_by_slug(after, entry['team'])
        assert found is not None, 'team %s (listed) does not exist afterwards\n%s' % (entry['team'], where)
        tid, parent, members = found
        if entry.get('parent'):
            # A parent named by a former slug (``previously``) of a team the file renames is that
            # team under its new slug; a second run must then plan nothing (property 4).
            renamed_to = dict((p.lower(), e['team'].lower()) for e in params['teams'] for p in e.get('previously') or [])
            wanted = entry['parent'].lower()
            assert slug_of(after, parent) in (wanted, renamed_to.get(wanted)), 'team %s is under %s, not %s\n%s' % (
                entry['team'], slug_of(after, parent), entry['parent'], where)
        for key in ('maintainers', 'members'):
            for ref in entry.get(key) or []:
                login = current_login(ref, after)
                invited = after.invited.get(login)
                assert login in members or (invited and tid in invited[1]), (
                    '%s (listed in team %s) is neither in it nor invited to it\n%s' % (login, entry['team'], where))


# -- 2. nothing beyond the budgets ------------------------------------------------------------------

@SETTINGS
@given(world=worlds())
@with_findings
def test_nothing_is_deleted_or_removed_beyond_the_budgets(sim, world):
    before, _check, outcome, after = apply(sim, world)
    params = world.params
    where = world.describe()
    org_budget = params.get('max_removals', '25%')
    # the organization: members and invitations
    had = set(before.members) | set(before.invited)
    gone = sorted(had - set(after.members) - set(after.invited))
    if gone:
        assert params.get('exclusive'), 'removed %s without exclusive\n%s' % (gone, where)
        listed = set(current_login(r, after) for k in ('owners', 'members') for r in params.get(k) or [])
        assert not listed.intersection(gone), 'removed listed people %s\n%s' % (sorted(listed.intersection(gone)), where)
        assert len(gone) <= removal_limit(org_budget, len(had)), 'removed %d of %d (max_removals=%s): %s\n%s' % (
            len(gone), len(had), org_budget, gone, where)
    # teams
    deleted = sorted(set(before.teams) - set(after.teams))
    if deleted:
        assert params.get('delete_unlisted_teams'), 'deleted teams %s without delete_unlisted_teams\n%s' % (
            [before.teams[t][0] for t in deleted], where)
        keep = set(e['team'].lower() for e in params['teams'])
        keep.update(p.lower() for e in params['teams'] for p in e.get('previously') or [])
        hit = [before.teams[t][0] for t in deleted if before.teams[t][0].lower() in keep]
        assert not hit, 'deleted teams the file keeps: %s\n%s' % (hit, where)
        assert len(deleted) <= removal_limit(org_budget, len(before.teams)), (
            'deleted %d of %d teams (max_removals=%s)\n%s' % (len(deleted), len(before.teams), org_budget, where))
    # each team's members (people who left the organization leave its teams: not counted)
    entries = dict((e['team'].lower(), e) for e in params['teams'])
    for tid, (slug, _parent, members) in before.teams.items():
        if tid not in after.teams:
            continue
        stayed = set(after.members) | set(after.invited)
        removed = sorted(k for k in members if k not in after.teams[tid][2] and k in stayed)
        if not removed:
            continue
        entry = entries.get(after.teams[tid][0].lower())
        assert entry is not None and entry.get('exclusive'), 'removed %s from team %s, which is not exclusive\n%s' % (
            removed, slug, where)
        count = len(members) + sum(1 for _r, teams in before.invited.values() if tid in teams)
        budget = entry.get('max_removals', '25%')
        assert len(removed) <= removal_limit(budget, count), 'removed %d of %d from team %s (max_removals=%s)\n%s' % (
            len(removed), count, slug, budget, where)


# -- 3. check mode = apply -------------------------------------------------------------------------

@SETTINGS
@given(world=worlds())
@with_findings
def test_check_mode_plans_exactly_the_writes_apply_makes(sim, world):
    _before, check, outcome, _after = apply(sim, world)
    assert check.stage == outcome.stage, 'check mode %s, apply %s\n%s' % (check.stage, outcome.stage, world.describe())
    assert check.writes == outcome.writes, 'check mode: %s\napply: %s\n%s' % (
        check.writes, outcome.writes, world.describe())


# -- 4. a second run plans nothing -----------------------------------------------------------------

@SETTINGS
@given(world=worlds())
@with_findings
def test_a_second_run_plans_nothing(sim, world):
    _before, _check, outcome, _after = apply(sim, world)
    if outcome.stage != 'done':
        return
    again = run_engine(sim.api_url, world.params, check=True)
    assert again.stage == 'done' and again.planned == [], 'the second run: %s %s %s\n%s' % (
        again.stage, again.reasons, again.planned, world.describe())


def test_the_generators_reach_the_cases_that_matter():
    """The strategies are no use if they never draw the hard cases: a sample of 150 (drawn from the
    same strategy as the examples above, without the simulator) has each of them."""
    from hypothesis import find  # noqa: F401 - documents where to look when a case goes missing

    cases = {
        'nested team': lambda w: any(t.get('parent') for t in w.seed['orgs'][0]['teams']),
        'renamed user named by old login and id': lambda w: any(
            isinstance(r, dict) and r.get('id') and r['login'] in w.login and w.login[r['login']] != r['login']
            for k in ('owners', 'members') for r in w.params.get(k) or []),
        'team renamed with previously': lambda w: any(e.get('previously') for e in w.params['teams']),
        'team moved': lambda w: any(e.get('parent') for e in w.params['teams']),
        'delete_unlisted_teams with an unlisted parent': lambda w: w.params['delete_unlisted_teams'] and any(
            t.get('parent') and t['parent'] not in [e['team'] for e in w.params['teams']]
            for t in w.seed['orgs'][0]['teams']),
        'pending invitation': lambda w: any(i.get('login') for i in w.seed['orgs'][0]['invitations']),
        'failed invitation': lambda w: bool(w.seed['orgs'][0]['failed_invitations']),
        'e-mail invitation': lambda w: any(i.get('email') for i in w.seed['orgs'][0]['invitations']),
        'team invitation': lambda w: any(i.get('teams') for i in w.seed['orgs'][0]['invitations']),
        'new team': lambda w: any(e['team'].startswith('new-') for e in w.params['teams']),
        'only teams managed': lambda w: 'members' not in w.params,
    }
    reached = set()

    @settings(max_examples=150, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(world=worlds())
    def sample(world):
        reached.update(name for name, case in cases.items() if case(world))

    sample()
    assert sorted(set(cases) - reached) == []
    assert UID[BOSS] == 100


FINDINGS = '''
Falsifying examples on main at 4b30726 (kept above as explicit examples F1-F5; each fails the
properties named, in-process and, for F2, through ansible-playbook too):

F1 (class: enterprise/secret teams) a new team listed as the parent of another new team is created
   without privacy, so GitHub makes it secret (the default of a team without a parent: "Default:
   secret", and the recorded hub4j:create-team-default-privacy), and a secret team cannot be a
   parent ("When a team is nested, the privacy for parent teams cannot be secret", the same doc): the
   child's POST /orgs/{org}/teams fails midway, after the parent was created. Properties 1-4 (the
   run fails after a write). The plan should create a team that will be a parent as closed (or
   refuse before any write). Note: the simulator's 422 wording is not a recorded answer; the one
   real child-team recording (hub4j:create-child-team, 2020) shows a 201 whose parent reads
   "privacy": "secret", so what GitHub does today (refuse, or close the parent) is unproven.

F2 (class: team-slug duplicates / renames) a team renamed with previously: [core] and parent: core
   (its own former slug) passes the cycle check and is PATCHed as its own parent: 422, before any
   other write. Properties 1-4. Should be a plan problem naming the key.

F3 (class: team deletion cascades) delete_unlisted_teams with a listed team moved under an unlisted
   team (api moved under ops; ops is unlisted): the plan moves api, then deletes ops, and GitHub
   deletes api with it. The "deleting it would delete the listed team(s) below it" check looks at
   the teams below ops before the plan, not after. Also with renames: a listed team renamed away
   from its old slug is not recognised as listed below an unlisted parent. Properties 1, 2, 4.

F4 (class: team-slug renames; the reader's team invitations) an exclusive team renamed with
   previously: its pending team invitations are read for the new slug only (roster_teams carries
   new slugs, and the team does not exist under it yet), so the first run keeps gus's invitation
   to the team and the second run cancels it. Property 4 (and the first run's report is wrong).
   Fix: read the team invitations of listed teams under the slug they have now (their former slug).

F5 (class: team-slug renames) parent: core, where the same file renames core to core-2: the team
   ends up under core-2, and every later run plans "update parent: core" for ever (or, with the
   parent renamed and unlisted, fails "its parent core neither exists nor is listed"). Property 4.
   The plan should resolve a former slug to the renamed team, or refuse it with a message.
'''
