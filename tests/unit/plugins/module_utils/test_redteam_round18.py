"""Red-team round 18: attacks on issue 18's defences that succeeded (each test fails on the
merged code and states what should happen)."""

from __future__ import annotations

import datetime

from ansible_collections.gitops.github.plugins.module_utils._plan import ACTIVE, Entry
from ansible_collections.gitops.github.plugins.module_utils._names import team_slug_of
from ansible_collections.gitops.github.plugins.module_utils._org_input import roster_from_params
from ansible_collections.gitops.github.plugins.module_utils._org_invitations import sent_within_a_day
from ansible_collections.gitops.github.plugins.module_utils._org_state import OrgState, TeamState
from ansible_collections.gitops.github.plugins.module_utils._plan_org import plan_roster

UTC = datetime.timezone.utc


def member(login, role='member'):
    return Entry(login, role, ACTIVE)


def team(slug, parent=None, privacy='closed', members=()):
    return TeamState(slug, None, parent, slug, None, privacy, dict((m.lower(), member(m)) for m in members))


def state_of(*teams):
    members = {'root': member('root', 'admin'), 'alice': member('alice'), 'bob': member('bob')}
    return OrgState('acme', members, dict((t.key, t) for t in teams))


def roster(teams, **params):
    params = dict(params, org='acme', teams=teams)
    result, problems = roster_from_params(params)
    assert problems == []
    return result


def test_invitations_whose_created_at_carries_an_offset_count_against_the_daily_limit():
    # GitHub's own example of an organization invitation (OpenAPI, components/examples/
    # organization-invitation) has "created_at": "2016-11-30T06:46:10-08:00": a timestamp with an
    # offset, not Z. _parse_stamp only reads ...Z, so such invitations are not counted.
    state = state_of()
    state.sent = ['2026-12-04T06:46:10-08:00', '2026-12-04T15:46:10+01:00', '2026-12-04T14:46:10.000Z']
    now = datetime.datetime(2026, 12, 4, 20, 0, tzinfo=UTC)
    assert sent_within_a_day(state, now) == 3


def test_a_renamed_team_made_secret_while_it_has_child_teams_is_refused_before_any_write():
    # GitHub: "Secret teams cannot ... have child teams". Renaming old -> new and making it secret
    # leaves its child (whose parent GitHub shows as old) under a secret team.
    state = state_of(team('old'), team('kid', 'old'))
    wanted = roster([{'team': 'new', 'previously': ['old'], 'privacy': 'secret'}, {'team': 'kid'}])
    plan = plan_roster(state, wanted, own_login='root')
    assert [p for p in plan.problems if 'secret' in p], (plan.problems, plan.writes)


def test_compatibility_letters_in_a_team_name_are_refused_not_folded_to_ascii():
    # undocumented_letters promises to refuse any letter that is "neither ASCII nor an ASCII
    # letter with an accent". NFKD folds compatibility forms (fullwidth, ligatures, script and
    # roman-numeral letters) to ASCII, so they pass as if GitHub documented their slug: a team
    # named "Ｉｎｆｒａ" is planned as slug infra, which GitHub does not promise.
    for name in ['Ｉｎｆｒａ', 'ﬁnance', 'ℌelp', 'Ⅻ']:
        # Ⅻ gives no slug at all: an empty slug is refused by the input check, so the team is 'xii'.
        slug = team_slug_of(name).lower() or 'xii'
        plan = plan_roster(state_of(), roster([{'team': slug, 'name': name}]), own_login='root')
        assert [p for p in plan.problems if 'does not document' in p], (name, plan.problems)


def test_the_slug_derived_from_a_name_is_lower_case():
    # lower() runs before NFKD, so a letter whose compatibility form is an upper-case ASCII letter
    # keeps it: team_slug_of('ℌelp') == 'Help'. Duplicate-name checks compare it to lower slugs.
    assert team_slug_of('ℌelp') == team_slug_of('ℌelp').lower()


def test_engine_against_the_simulator_refuses_a_rename_to_secret_over_child_teams():
    # The same attack on github_org_roster's own code path against the simulator: the plan must
    # be refused (a problem) and GitHub left as it was, not a write failing midway or a secret
    # parent with children.
    import pytest as _pytest  # noqa: F401
    from ghsim import Simulator
    from org_strategies import BOSS, TOKEN, UID, observe, run_engine

    seed = {'users': [{'login': p, 'id': UID[p]} for p in UID], 'tokens': {TOKEN: BOSS},
            'orgs': [{'login': 'acme', 'id': 9001, 'owners': [BOSS], 'members': ['ann'],
                      'teams': [{'slug': 'old', 'name': 'Old', 'id': 7001, 'privacy': 'closed'},
                                {'slug': 'kid', 'name': 'Kid', 'id': 7002, 'parent': 'old', 'privacy': 'closed'}],
                      'invitations': [], 'failed_invitations': []}]}
    sim = Simulator({'users': [BOSS], 'orgs': []}).start()
    try:
        sim.load(seed)
        before = observe(sim.state)
        outcome = run_engine(sim.api_url, {'org': 'acme', 'teams': [
            {'team': 'new', 'name': 'new', 'previously': ['old'], 'privacy': 'secret'}, {'team': 'kid'}]})
        after = observe(sim.state)
    finally:
        sim.stop()
    assert outcome.stage == 'problems', (outcome.stage, outcome.reasons, outcome.writes)
    assert after == before


def test_a_renamed_login_and_its_new_login_both_listed_with_different_roles_is_a_problem():
    # ann was ann-old (id 101). The file lists {login: ann-old, id: 101} as an owner and ann as a
    # member: one person, two roles. Listing ann and ANN is refused as a duplicate; through the id
    # the two entries collapse silently (the first wins) and ann is made an owner.
    members = {'root': member('root', 'admin'), 'ann': member('ann')}
    state = OrgState('acme', members, {}, ids={100: 'root', 101: 'ann'})
    params = {'org': 'acme', 'owners': ['root', {'login': 'ann-old', 'id': 101}], 'members': ['ann'], 'teams': []}
    wanted, problems = roster_from_params(params)
    assert problems == []
    plan = plan_roster(state, wanted, own_login='root')
    assert [p for p in plan.problems if 'ann' in p], (plan.problems, plan.writes)


def _run_on_simulator(teams, params, members=('ann',)):
    from ghsim import Simulator
    from org_strategies import BOSS, TOKEN, UID, observe, run_engine

    seed = {'users': [{'login': p, 'id': UID[p]} for p in UID], 'tokens': {TOKEN: BOSS},
            'orgs': [{'login': 'acme', 'id': 9001, 'owners': [BOSS], 'members': list(members),
                      'teams': teams, 'invitations': [], 'failed_invitations': []}]}
    sim = Simulator({'users': [BOSS], 'orgs': []}).start()
    try:
        sim.load(seed)
        before = observe(sim.state)
        outcome = run_engine(sim.api_url, dict({'org': 'acme'}, **params))
        after = observe(sim.state)
    finally:
        sim.stop()
    return before, outcome, after


def test_engine_does_not_make_an_owner_of_someone_listed_as_a_member_through_an_old_login_and_id():
    before, outcome, after = _run_on_simulator([], {
        'owners': ['boss', {'login': 'ann-old', 'id': 101}], 'members': ['ann'], 'exclusive': True})
    assert outcome.stage == 'problems', (outcome.stage, outcome.reasons, outcome.writes)
    assert after.members.get('ann') == before.members.get('ann') == 'member'


def test_a_former_slug_that_still_exists_beside_the_new_one_is_not_silently_deleted():
    # The file says team new was previously old. Both exist (someone recreated old, or the rename
    # was made by hand and old re-created with members). delete_unlisted_teams deletes old, members
    # and all, without a word about the previously entry that names it: a team the file names
    # is deleted. Expected: a problem naming both, nothing deleted.
    state = state_of(team('new', members=['alice']), team('old', members=['bob']), team('other'))
    wanted = roster([{'team': 'new', 'previously': ['old']}, {'team': 'other'}],
                    delete_unlisted_teams=True, max_removals=10)
    plan = plan_roster(state, wanted, own_login='root')
    deleted = [w.team for w in plan.writes if w.action == 'delete']
    assert 'old' not in deleted and [p for p in plan.problems if 'old' in p], (plan.problems, deleted)


class _OnePageGraphQL(object):
    """Answers the teams query with one page of ``nodes`` (a malformed server)."""
    path = '/graphql'

    def __init__(self, nodes):
        self.nodes = nodes

    def query(self, text, variables=None):
        return {'organization': {'teams': {'totalCount': len(self.nodes), 'nodes': self.nodes,
                                           'pageInfo': {'hasNextPage': False, 'endCursor': None}}}}


def _node(slug, parent):
    return {'databaseId': 7000 + len(slug), 'slug': slug, 'name': slug, 'description': None, 'privacy': 'VISIBLE',
            'parentTeam': parent,
            'members': {'totalCount': 0, 'edges': [], 'pageInfo': {'hasNextPage': False, 'endCursor': None}}}


import pytest  # noqa: E402


@pytest.mark.parametrize('parent', [{'slug': None}, {}, 'web', {'slug': 5}, ['web']])
def test_a_malformed_parent_team_fails_the_read_instead_of_making_a_root_team_or_a_traceback(parent):
    # parentTeam {slug: null} or {} is read as "no parent": the child looks like a root team, so
    # deleting its unlisted real parent (which GitHub cascades into it) passes every check. A
    # string or a list raises AttributeError (a traceback), an int slug crashes later in .lower().
    from ansible_collections.gitops.github.plugins.module_utils._org_reader import ReadError, read_teams
    with pytest.raises(ReadError):
        teams = read_teams(_OnePageGraphQL([_node('web', None), _node('api', parent)]), 'acme')
        # an int slug passes the read: it must at least not reach the planner as a parent
        assert all(t.parent is None or isinstance(t.parent, str) for t in teams.values())
        state = OrgState('acme', {'root': member('root', 'admin')}, teams)
        plan_roster(state, roster([{'team': 'api'}], delete_unlisted_teams=True, max_removals=10), own_login='root')


@pytest.mark.parametrize('node', ['alice', ['alice'], 5])
def test_a_malformed_member_node_fails_the_read_instead_of_a_traceback(node):
    # (edge.get('node') or {}).get('login') raises AttributeError on a string or list node.
    from ansible_collections.gitops.github.plugins.module_utils._org_reader import ReadError, read_teams
    team_node = _node('web', None)
    team_node['members'] = {'totalCount': 1, 'edges': [{'role': 'MEMBER', 'node': node}],
                            'pageInfo': {'hasNextPage': False, 'endCursor': None}}
    with pytest.raises(ReadError):
        read_teams(_OnePageGraphQL([team_node]), 'acme')


def test_an_invitation_github_stamps_a_few_seconds_ahead_of_the_local_clock_counts():
    # A clock a few seconds behind GitHub's sees a just-sent invitation's created_at in the future;
    # sent_within_a_day drops it (0 <= now - stamp), so a rerun may send past the daily limit.
    state = state_of()
    state.sent = ['2026-12-04T20:00:05Z']
    now = datetime.datetime(2026, 12, 4, 20, 0, tzinfo=UTC)
    assert sent_within_a_day(state, now) == 1
