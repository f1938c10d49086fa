"""_plan: table-driven tests of the pure plan/diff logic for authoritative member lists."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.gitops.github.plugins.module_utils._plan import (
    ACTIVE,
    ADD,
    ORG_ROLES,
    PENDING,
    REMOVE,
    ROLE,
    TEAM_ROLES,
    Change,
    Entry,
    Incomplete,
    add_invitations,
    collect_wanted,
    demotion_candidates,
    diff_view,
    execute,
    invitation_role,
    label,
    mark_inherited,
    membership_after,
    membership_view,
    merge_lists,
    parse_max_removals,
    plan_members,
    plan_membership,
    removal_candidates,
    removal_limit,
    summary,
)


def org(admins=(), members=(), pending=()):
    """Current org state: pending is a list of (login, role)."""
    current = merge_lists(('admin', ACTIVE, admins), ('member', ACTIVE, members))
    for login, role in pending:
        current[login.lower()] = Entry(login, role, PENDING)
    return current


def want(admins=(), members=(), roles=ORG_ROLES):
    wanted, problems = collect_wanted([(roles[0], list(admins)), (roles[1], list(members))])
    assert problems == []
    return wanted


def steps(plan):
    return [(c.action, c.login, c.role) for c in plan.changes]


# -- collect_wanted ---------------------------------------------------------------------------

@pytest.mark.parametrize('groups,problems', [
    ([('admin', ['alice']), ('member', ['bob'])], []),
    ([('admin', ['alice']), ('member', ['Alice'])], ['Alice is listed both as admin and as member']),
    ([('admin', []), ('member', ['bob', 'BOB'])], ['BOB is listed twice (as bob and BOB; logins are case-insensitive)']),
    ([('admin', []), ('member', ['bob', 'bob'])], ['bob is listed twice']),
    ([('maintainer', ['x']), ('member', ['x', 'X'])], ['x is listed both as maintainer and as member',
                                                       'X is listed both as maintainer and as member']),
    ([('admin', ['-bad']), ('member', [])], ['bad login -bad']),
])
def test_collect_wanted_problems(groups, problems):
    wanted, found = collect_wanted(groups, validate=lambda login: 'bad login %s' % login if login.startswith('-') else None)
    assert found == problems


def test_collect_wanted_keeps_spelling_and_role():
    wanted, problems = collect_wanted([('admin', ['Alice']), ('member', ['bob'])])
    assert wanted == {'alice': ('Alice', 'admin'), 'bob': ('bob', 'member')}


# -- max_removals -----------------------------------------------------------------------------

@pytest.mark.parametrize('value,total,limit', [
    ('25%', 100, 25),
    ('25%', 10, 2),       # rounds down
    ('25%', 3, 1),       # a percentage never forbids removing one person
    ('25%', 1, 1),
    ('25%', 0, 0),
    ('1%', 50, 1),
    ('0%', 3, 0),
    ('100%', 7, 7),
    ('0%', 50, 0),
    ('5', 2, 5),
    (5, 1000, 5),
    (' 10 % ', 50, 5),
    ('0', 10, 0),
])
def test_removal_limit(value, total, limit):
    assert removal_limit(value, total) == limit


@pytest.mark.parametrize('value', ['', 'ten', '-1', '101%', '1.5', '%', True, '10%%', None])
def test_max_removals_rejects(value):
    with pytest.raises(ValueError) as info:
        parse_max_removals(value)
    assert 'max_removals' in str(info.value)


# -- reading ----------------------------------------------------------------------------------

@pytest.mark.parametrize('role,expected', [
    ('admin', 'admin'), ('direct_member', 'member'), ('reinstate', 'member'), ('billing_manager', 'billing_manager'),
])
def test_invitation_role(role, expected):
    assert invitation_role(role) == expected


def test_merge_lists_first_list_wins_and_keeps_spelling():
    current = merge_lists(('admin', ACTIVE, ['Alice']), ('member', ACTIVE, ['alice', 'Bob']))
    assert current == {'alice': Entry('Alice', 'admin'), 'bob': Entry('Bob', 'member')}


def test_add_invitations_counts_email_ones_and_never_overrides_members():
    current = merge_lists(('member', ACTIVE, ['bob']))
    by_email = add_invitations(current, [
        {'login': 'Dave', 'role': 'direct_member'},
        {'login': None, 'email': 'x@example.com', 'role': 'direct_member'},
        {'login': 'eve', 'role': 'admin'},
        {'login': 'BOB', 'role': 'admin'},
    ])
    assert by_email == 1
    assert current['dave'] == Entry('Dave', 'member', PENDING)
    assert current['eve'] == Entry('eve', 'admin', PENDING)
    assert current['bob'] == Entry('bob', 'member', ACTIVE)
    add_invitations(current, [{'login': 'zed', 'role': 'direct_member'}], with_role=False)
    assert current['zed'].role is None


def test_mark_inherited_only_marks_active():
    current = org(members=['carol', 'bob'], pending=[('dave', 'member')])
    mark_inherited(current, ['Carol', 'dave'])
    assert current['carol'].inherited is True
    assert current['bob'].inherited is False
    assert current['dave'].inherited is False


# -- planning: a table of (current, wanted, exclusive, owners) -> ordered writes --------------

CASES = [
    ('no change', org(['o'], ['a', 'b']), want(['o'], ['a', 'b']), False, (), []),
    ('no change, case differs', org(['O'], ['Alice']), want(['o'], ['alice']), True, (), []),
    ('add member', org(['o'], ['a']), want(['o'], ['a', 'new']), False, (), [(ADD, 'new', 'member')]),
    ('admins before members', org(['o']), want(['o', 'z-admin'], ['a-member']), False, (),
     [(ADD, 'z-admin', 'admin'), (ADD, 'a-member', 'member')]),
    ('promote and demote, admins first', org(['o', 'boss'], ['a']), want(['o', 'a'], ['boss']), False, (),
     [(ROLE, 'a', 'admin'), (ROLE, 'boss', 'member')]),
    ('non-exclusive never removes', org(['o'], ['a', 'b']), want(['o'], ['a']), False, (), []),
    ('exclusive removes, after additions', org(['o'], ['a', 'gone']), want(['o'], ['a', 'new']), True, (),
     [(ADD, 'new', 'member'), (REMOVE, 'gone', None)]),
    ('pending counts as present', org(['o'], [], [('dave', 'member')]), want(['o'], ['Dave']), True, (), []),
    ('pending with another role gets one PUT', org(['o'], [], [('dave', 'member')]), want(['o', 'dave']), True, (),
     [(ROLE, 'dave', 'admin')]),
    ('exclusive cancels unlisted invitation', org(['o'], [], [('dave', 'member')]), want(['o']), True, (),
     [(REMOVE, 'dave', None)]),
    ('removals sorted case-insensitively', org(['o'], ['b', 'A', 'c']), want(['o']), True, (),
     [(REMOVE, 'A', None), (REMOVE, 'b', None), (REMOVE, 'c', None)]),
]


@pytest.mark.parametrize('name,current,wanted,exclusive,owners,expected', CASES, ids=[c[0] for c in CASES])
def test_plan_org(name, current, wanted, exclusive, owners, expected):
    plan = plan_members(current, wanted, ORG_ROLES, exclusive, owners)
    assert steps(plan) == expected
    assert plan.changed is bool(expected)


def team(maintainers=(), members=(), pending=(), inherited=()):
    current = merge_lists(('maintainer', ACTIVE, maintainers), ('member', ACTIVE, members))
    for login in pending:
        current[login.lower()] = Entry(login, None, PENDING)
    mark_inherited(current, inherited)
    return current


TEAM_CASES = [
    ('owner listed as member is kept', team(['boss', 'm']), want(['m'], ['boss'], TEAM_ROLES), False, ['Boss'], [], ['boss'], []),
    ('non-owner maintainer listed as member is demoted', team(['x']), want([], ['x'], TEAM_ROLES), False, [],
     [(ROLE, 'x', 'member')], [], []),
    ('inherited unlisted member is left alone', team(['m'], ['carol', 'gone'], inherited=['carol']),
     want(['m'], [], TEAM_ROLES), True, [], [(REMOVE, 'gone', None)], [], ['carol']),
    ('inherited listed member is present', team([], ['carol'], inherited=['carol']), want([], ['carol'], TEAM_ROLES),
     True, [], [], [], []),
    ('inherited member wanted as maintainer gets a PUT', team([], ['carol'], inherited=['carol']),
     want(['carol'], [], TEAM_ROLES), True, [], [(ROLE, 'carol', 'maintainer')], [], []),
    ('pending of unknown role counts as present', team([], [], ['newbie']), want(['newbie'], [], TEAM_ROLES), True, [],
     [], [], []),
    ('pending unlisted is cancelled', team(['m'], [], ['newbie']), want(['m'], [], TEAM_ROLES), True, [],
     [(REMOVE, 'newbie', None)], [], []),
    ('maintainers first', team(), want(['z'], ['a'], TEAM_ROLES), False, [],
     [(ADD, 'z', 'maintainer'), (ADD, 'a', 'member')], [], []),
]


@pytest.mark.parametrize('name,current,wanted,exclusive,owners,expected,kept,inherited', TEAM_CASES,
                         ids=[c[0] for c in TEAM_CASES])
def test_plan_team(name, current, wanted, exclusive, owners, expected, kept, inherited):
    plan = plan_members(current, wanted, TEAM_ROLES, exclusive, owners)
    assert steps(plan) == expected
    assert plan.owners_kept == kept
    assert plan.inherited == inherited


def test_candidates():
    current = team(['boss', 'm'], ['a'], ['p'])
    wanted = want(['m'], ['boss', 'a'], TEAM_ROLES)
    assert demotion_candidates(current, wanted, TEAM_ROLES) == ['boss']
    assert removal_candidates(current, wanted) == []
    assert removal_candidates(current, want([], [], TEAM_ROLES)) == ['a', 'boss', 'm']


@pytest.mark.parametrize('current,wanted,demoted', [
    (org(['me'], []), want([], ['me']), ['me']),
    (org(['me'], []), want([], []), []),          # not exclusive: nothing removed
    (org([], ['me']), want(['me'], []), []),      # a promotion is not a demotion
])
def test_demotions(current, wanted, demoted):
    plan = plan_members(current, wanted, ORG_ROLES, False)
    assert [c.login for c in plan.demotions()] == demoted


def test_demotions_include_removals():
    plan = plan_members(org(['me'], ['x']), want([], ['x']), ORG_ROLES, True)
    assert [c.login for c in plan.demotions()] == ['me']


# -- after, diff, summary ---------------------------------------------------------------------

def test_after_and_diff_view():
    current = org(['o'], ['a', 'gone'], [('Dave', 'member')])
    plan = plan_members(current, want(['o', 'a'], ['dave', 'new']), ORG_ROLES, True)
    after = plan.after(PENDING)
    assert diff_view(plan.before) == {'o': 'admin', 'a': 'member', 'gone': 'member', 'Dave': 'member (pending)'}
    assert diff_view(after) == {'o': 'admin', 'a': 'admin', 'Dave': 'member (pending)', 'new': 'member (pending)'}
    assert diff_view(plan.after(ACTIVE))['new'] == 'member'
    result = summary(plan.changes, after)
    assert result['added'] == ['new']
    assert result['removed'] == ['gone']
    assert result['role_changed'] == ['a']
    assert result['pending'] == ['Dave', 'new']
    assert result['changes'][0] == {'action': 'role', 'login': 'a', 'role': 'admin'}


@pytest.mark.parametrize('entry,text', [
    (Entry('a', 'admin'), 'admin'),
    (Entry('a', 'member', PENDING), 'member (pending)'),
    (Entry('a', 'member', ACTIVE, True), 'member (inherited)'),
    (Entry('a', None, PENDING), 'unknown role (pending)'),
])
def test_label(entry, text):
    assert label(entry) == text


class Boom(Exception):
    pass


def test_execute_reports_what_was_done_before_a_failure():
    plan = plan_members(org(['o'], ['gone']), want(['o'], ['x', 'y']), ORG_ROLES, True)
    written = []

    def write(change):
        if change.login == 'y':
            raise Boom('nope')
        written.append(change.login)
        return 'pending'

    with pytest.raises(Incomplete) as info:
        execute(plan, write, PENDING, errors=(Boom,))
    assert written == ['x']
    assert [c.login for c in info.value.done] == ['x']
    assert info.value.change.login == 'y'
    assert set(info.value.state) == {'o', 'gone', 'x'}
    assert isinstance(info.value.error, Boom)


def test_execute_uses_server_state():
    plan = plan_members(org(['o']), want(['o'], ['x']), ORG_ROLES)
    done, state = execute(plan, lambda change: 'active')
    assert done == [Change(ADD, 'x', 'member')]
    assert state['x'].state == 'active'


# -- one membership: a list of one, planned by plan_members ------------------------------------

def _expected_single(before, state, role, roles, owner, inherited):
    """The rules of the single-membership modules, spelled out (the oracle): ``(action, role)``
    with action ``None``, ``add``, ``role`` or ``remove``."""
    present = before['state'] != 'absent'
    if state == 'absent':
        return ('remove', None) if present and not inherited else (None, None)
    if not present:
        return ADD, role or 'member'
    if role is None or before['role'] is None or before['role'] == role:
        return None, None
    if role not in roles:
        return None, None
    if owner and role != roles[0] and before['role'] == roles[0] and before['state'] == ACTIVE:
        return None, None  # an owner shows as maintainer: member is converged
    return ROLE, role


@settings(max_examples=400, deadline=None)
@given(
    roles=st.sampled_from([ORG_ROLES, TEAM_ROLES]),
    before_state=st.sampled_from(['absent', ACTIVE, PENDING]),
    before_role=st.sampled_from([None, 'admin', 'member', 'maintainer', 'billing_manager']),
    state=st.sampled_from(['present', 'absent']),
    role_index=st.sampled_from([None, 0, 1]),
    owner=st.booleans(),
    inherited=st.booleans(),
    login=st.sampled_from(['Alice', 'bob']),
)
def test_plan_membership_follows_the_single_membership_rules(roles, before_state, before_role, state, role_index,
                                                             owner, inherited, login):
    if before_state == 'absent':
        before = membership_view(login)
    else:
        before = {'login': login, 'state': before_state, 'role': before_role}
    role = None if role_index is None else roles[role_index]
    plan = plan_membership(before, state, role, roles, owner=owner, inherited=inherited)
    action, new_role = _expected_single(before, state, role, roles, owner, inherited)
    if action is None:
        assert plan.changes == [] and not plan.changed
    else:
        assert [c.as_dict() for c in plan.changes] == [{'action': action, 'login': login, 'role': new_role}]
    after = membership_after(plan, login, PENDING)
    if action == 'remove':
        assert after == membership_view(login)
    elif action == ADD:
        assert after == {'login': login, 'state': PENDING, 'role': new_role}
    elif action == ROLE:
        assert after == dict(before, role=new_role)
    else:
        assert after == before


def test_membership_after_prefers_githubs_answer():
    before = membership_view('bob')
    plan = plan_membership(before, 'present', 'member', TEAM_ROLES)
    answer = {'state': 'active', 'role': 'maintainer', 'user': {'login': 'Bob'}}
    assert membership_after(plan, 'bob', PENDING, answer) == {'login': 'Bob', 'state': 'active', 'role': 'maintainer'}
