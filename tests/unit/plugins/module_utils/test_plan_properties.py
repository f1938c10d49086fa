"""Property-based tests (hypothesis) of the planning functions, against a small model of GitHub.

For any current state of an organization or team and any wanted lists:
* a plan that passes the guards (plan_refusal) never removes more than max_removals allows, never
  leaves fewer than min_owners active owners (when it takes any away), and never removes or demotes
  the token's own user without allow_self; and a plan that would do any of that is refused;
* check mode's plan is exactly the real run's writes, and its predicted after-state is what the
  real run ends with;
* a run that is allowed ends with GitHub matching the wanted lists.

The model applies each write as GitHub documents it: a PUT for a non-member creates a pending
invitation, a PUT for a member changes the role at once, a DELETE removes the member or cancels the
invitation.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.gitops.github.plugins.module_utils._plan import (
    ACTIVE,
    ADD,
    ORG_ROLES,
    PENDING,
    REMOVE,
    TEAM_ROLES,
    Entry,
    collect_wanted,
    diff_view,
    execute,
    plan_members,
    plan_refusal,
    removal_limit,
)

POOL = ['octo', 'alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace']


def spelled(login, upper):
    return login.upper() if upper else login


@st.composite
def current_state(draw, roles):
    current = {}
    for login in draw(st.lists(st.sampled_from(POOL), unique=True, max_size=len(POOL))):
        state = draw(st.sampled_from([ACTIVE, ACTIVE, PENDING]))
        # Team invitation lists do not say the role: a pending team entry may have none.
        role = draw(st.sampled_from(list(roles) + ([None] if roles == TEAM_ROLES and state == PENDING else [])))
        inherited = roles == TEAM_ROLES and state == ACTIVE and draw(st.booleans())
        current[login] = Entry(spelled(login, draw(st.booleans())), role, state, inherited)
    return current


@st.composite
def wanted_lists(draw, roles):
    logins = draw(st.lists(st.sampled_from(POOL), unique=True, max_size=len(POOL)))
    groups = dict((role, []) for role in roles)
    for login in logins:
        groups[draw(st.sampled_from(list(roles)))].append(spelled(login, draw(st.booleans())))
    wanted, problems = collect_wanted([(role, groups[role]) for role in roles])
    assert problems == []
    return wanted


max_removals = st.one_of(st.integers(0, 9), st.integers(0, 100).map(lambda n: '%d%%' % n))


class World(object):
    """GitHub's side: ``{key: (login, role, state)}``, changed only by writes."""

    def __init__(self, current):
        self.members = dict((key, (e.login, e.role, e.state)) for key, e in current.items())
        self.writes = []

    def write(self, change):
        self.writes.append(change.as_dict())
        key = change.key
        if change.action == REMOVE:
            assert key in self.members, 'DELETE of someone not there: %s' % change.login
            del self.members[key]
            return None
        if change.action == ADD:
            assert key not in self.members, 'PUT adding someone already there: %s' % change.login
            self.members[key] = (change.login, change.role, PENDING)
            return PENDING
        login, _role, state = self.members[key]
        self.members[key] = (login, change.role, state)
        return state

    def active_owners(self, top):
        return set(k for k, (_l, role, state) in self.members.items() if state == ACTIVE and role == top)


def violations(current, world, top, limit, min_owners, own, allow_self):
    """What the real run did that a guard must have prevented (computed from the model only)."""
    found = []
    removed = [k for k in current if k not in world.members]
    if len(removed) > limit:
        found.append('max_removals')
    before_owners = set(k for k, e in current.items() if e.state == ACTIVE and e.role == top)
    after_owners = world.active_owners(top)
    if min_owners is not None and len(after_owners) < min_owners and before_owners - after_owners:
        found.append('min_owners')
    if own and not allow_self and own in current:
        after = world.members.get(own)
        if after is None or (current[own].role == top and after[1] != top):
            found.append('self')
    return found


def check(current, wanted, roles, exclusive, budget, min_owners, own, allow_self, owners=()):
    plan = plan_members(dict(current), wanted, roles, exclusive, owners)
    refusal = plan_refusal(plan, len(current), budget, own, allow_self, min_owners)
    world = World(current)
    done, state = execute(plan, world.write, PENDING)

    # Check mode promises exactly the real run's writes and its end state.
    assert world.writes == [c.as_dict() for c in plan.changes]
    assert [c.as_dict() for c in done] == world.writes
    assert diff_view(plan.after(PENDING)) == diff_view(state)

    # The guards: a plan that passes them breaks none of the rules, and one that breaks a rule is refused.
    broken = violations(current, world, roles[0], removal_limit(budget, len(current)), min_owners,
                        own.lower() if own else own, allow_self)
    if refusal is None:
        assert broken == [], (broken, plan.changes)
    else:
        assert broken, ('refused without reason', refusal, plan.changes)

    # An allowed run ends with GitHub matching the lists.
    if refusal is None:
        for key, (login, role) in wanted.items():
            assert key in world.members
            got = world.members[key][1]
            kept_owner = login in plan.owners_kept or any(o.lower() == key for o in plan.owners_kept)
            assert got == role or got is None or kept_owner, (login, role, world.members[key])
        if exclusive:
            inherited = set(login.lower() for login in plan.inherited)
            assert set(world.members) <= set(wanted) | inherited


@settings(max_examples=400, deadline=None)
@given(current=current_state(ORG_ROLES), wanted=wanted_lists(ORG_ROLES), exclusive=st.booleans(), budget=max_removals,
       min_owners=st.integers(0, 3), own=st.one_of(st.none(), st.sampled_from(POOL).map(str.upper), st.sampled_from(POOL)),
       allow_self=st.booleans())
def test_org_plans_keep_every_guard_and_check_mode_equals_the_run(current, wanted, exclusive, budget, min_owners, own,
                                                                  allow_self):
    check(current, wanted, ORG_ROLES, exclusive, budget, min_owners, own, allow_self)


@settings(max_examples=300, deadline=None)
@given(current=current_state(TEAM_ROLES), wanted=wanted_lists(TEAM_ROLES), exclusive=st.booleans(), budget=max_removals,
       own=st.one_of(st.none(), st.sampled_from(POOL)), allow_self=st.booleans(),
       owners=st.lists(st.sampled_from(POOL), unique=True, max_size=3))
def test_team_plans_keep_every_guard_and_check_mode_equals_the_run(current, wanted, exclusive, budget, own, allow_self,
                                                                   owners):
    check(current, wanted, TEAM_ROLES, exclusive, budget, None, own, allow_self, owners)


@settings(max_examples=200, deadline=None)
@given(current=current_state(ORG_ROLES), wanted=wanted_lists(ORG_ROLES), min_owners=st.integers(1, 3))
def test_acting_as_an_app_min_owners_alone_keeps_the_organization_owned(current, wanted, min_owners):
    # A GitHub App has no own user (own=None) and may remove anyone the list leaves out.
    plan = plan_members(dict(current), wanted, ORG_ROLES, True)
    refusal = plan_refusal(plan, len(current), '100%', None, False, min_owners)
    world = World(current)
    execute(plan, world.write, PENDING)
    before = set(k for k, e in current.items() if e.state == ACTIVE and e.role == 'admin')
    if refusal is None and before:
        assert len(world.active_owners('admin')) >= min(min_owners, len(before)) or world.active_owners('admin') >= before
