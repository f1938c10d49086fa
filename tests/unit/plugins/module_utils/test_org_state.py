"""_org_state: the team tree of an OrgState. ``descendants`` builds the parent -> children map once
per state (issue 21 item 6: it was rebuilt on every call, teams² work per plan) and must still
answer what the teams are now after every kind of change."""

from __future__ import annotations

from ansible_collections.gitops.github.plugins.module_utils._org_state import OrgState, TeamState
from ansible_collections.gitops.github.plugins.module_utils._plan import ACTIVE, Entry


def tree():
    #   top -> mid -> leaf ;  top -> side ;  alone
    teams = [TeamState('Top'), TeamState('mid', parent='Top'), TeamState('leaf', parent='MID',
                                                                         members={'ann': Entry('Ann', 'member', ACTIVE)}),
             TeamState('side', parent='top'), TeamState('alone')]
    return OrgState('acme', teams=dict((t.key, t) for t in teams))


def slugs(state, key):
    return [t.slug for t in state.descendants(key)]


def test_descendants_children_first_case_insensitive():
    state = tree()
    assert slugs(state, 'top') == ['mid', 'side', 'leaf']
    assert slugs(state, 'mid') == ['leaf']
    assert slugs(state, 'leaf') == [] and slugs(state, 'alone') == [] and slugs(state, 'nosuch') == []
    assert state.child_members('top') == {'ann': 'Ann'}


def test_the_map_is_built_once_and_reused():
    state = tree()
    slugs(state, 'top')
    first = state._children_map()
    slugs(state, 'mid')
    assert state._children_map() is first


def test_a_team_added_replaced_or_removed_is_seen():
    state = tree()
    assert slugs(state, 'top') == ['mid', 'side', 'leaf']
    state.teams['new'] = TeamState('new', parent='leaf')
    assert slugs(state, 'top') == ['mid', 'side', 'leaf', 'new']
    state.teams.pop('mid')
    assert slugs(state, 'top') == ['side']
    moved = state.teams['leaf'].copy()
    moved.parent = 'alone'
    state.teams['leaf'] = moved
    assert slugs(state, 'alone') == ['leaf', 'new']
    del state.teams['new']
    assert slugs(state, 'alone') == ['leaf']
    state.teams.update({'x': TeamState('x', parent='side')})
    assert slugs(state, 'top') == ['side', 'x']
    state.teams = {}
    assert slugs(state, 'top') == []


def test_a_parent_changed_in_place_is_seen():
    state = tree()
    assert slugs(state, 'alone') == []
    state.teams['mid'].parent = 'alone'
    assert slugs(state, 'alone') == ['mid', 'leaf']
    assert slugs(state, 'top') == ['side']


def test_a_copy_has_its_own_tree():
    state = tree()
    slugs(state, 'top')
    copy = state.copy()
    copy.teams.pop('side')
    assert slugs(copy, 'top') == ['mid', 'leaf']
    assert slugs(state, 'top') == ['mid', 'side', 'leaf']


def test_a_cycle_ends():
    state = OrgState('acme', teams={'a': TeamState('a', parent='b'), 'b': TeamState('b', parent='a')})
    assert slugs(state, 'a') == ['b']
