"""Properties of the two-factor policy's removals (require_two_factor: remove, issue 20 item 4)
on generated organizations: whoever the file lists is never removed, the token's own user never
without allow_self, a plan the guards pass leaves at least min_owners owners and makes no more
organization removals than max_removals allows, and report/fail remove nobody. Pure: the plan and
the guards, as github_org_roster runs them before its first write."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ansible_collections.gitops.github.plugins.module_utils import _two_factor as tf
from ansible_collections.gitops.github.plugins.module_utils._org_guards import guard_problems
from ansible_collections.gitops.github.plugins.module_utils._org_input import roster_from_params
from ansible_collections.gitops.github.plugins.module_utils._org_state import OrgState
from ansible_collections.gitops.github.plugins.module_utils._plan import ACTIVE, ORG, PENDING, REMOVE, Entry, removal_limit
from ansible_collections.gitops.github.plugins.module_utils._plan_org import owners_after, plan_roster

LOGINS = ['root', 'erin', 'Alice', 'bob', 'carol', 'dave', 'eve', 'Frank', 'gus', 'hana']


@st.composite
def cases(draw):
    people = draw(st.lists(st.sampled_from(LOGINS), min_size=2, max_size=len(LOGINS), unique=True))
    if 'root' not in people:
        people[0] = 'root'
    members = {}
    for login in people:
        role = draw(st.sampled_from(['admin', 'member']))
        state = PENDING if login != 'root' and draw(st.integers(0, 5)) == 0 else ACTIVE
        members[login.lower()] = Entry(login, 'admin' if login == 'root' else role, state)
    active = [e.login for e in members.values() if e.state == ACTIVE]
    # GitHub's lists may spell a login in another case than the member list
    disabled = draw(st.lists(st.sampled_from(active), unique=True))
    insecure = draw(st.lists(st.sampled_from(active), unique=True))
    disabled = [draw(st.sampled_from([login, login.lower(), login.upper()])) for login in disabled]
    listed_owners = draw(st.lists(st.sampled_from(people), unique=True))
    listed_members = [p for p in draw(st.lists(st.sampled_from(people), unique=True)) if p not in listed_owners]
    params = {'org': 'acme', 'owners': listed_owners, 'members': listed_members,
              'exclusive': bool(listed_owners) and draw(st.booleans()), 'require_two_factor': draw(st.sampled_from(['report', 'fail', 'remove'])),
              'min_owners': draw(st.integers(0, 3)), 'allow_self': draw(st.booleans()),
              'max_removals': draw(st.sampled_from([0, 1, 3, 100, '25%', '100%']))}
    return OrgState('acme', members, {}), disabled, insecure, params


@settings(max_examples=300, deadline=None)
@given(cases())
def test_the_policy_never_removes_the_listed_nor_passes_a_plan_the_guards_refuse(case):
    state, disabled, insecure, params = case
    roster, problems = roster_from_params(params)
    assert problems == []
    found = tf.found(params['require_two_factor'], {'2fa_disabled': disabled, '2fa_insecure': insecure},
                     {'2fa_disabled': []}, state)
    plan = plan_roster(state, roster, own_login='root', two_factor=found)
    removed = set(w.login.lower() for w in plan.writes if w.scope == ORG and w.action == REMOVE)
    listed = set(p.lower() for p in params['owners'] + params['members'])
    assert not removed & listed                       # the file keeps them: never removed
    if params['require_two_factor'] != 'remove' and not params['exclusive']:
        assert not removed                            # report and fail remove nobody
    if params['require_two_factor'] == 'remove':
        without = set(p.lower() for p in disabled + insecure)
        unlisted_without = set(k for k, e in state.members.items() if e.state == ACTIVE and k in without and k not in listed)
        # every unlisted member without two-factor authentication is planned out, unless exclusive
        # already removes them or they are the token's own user without allow_self
        assert unlisted_without - {'root'} <= removed | ({'root'} if not params['allow_self'] else set())
    refused = guard_problems(plan, 'root')
    if refused:
        return                                        # nothing is written
    assert 'root' not in removed or params['allow_self']
    org_changes = [w.change for w in plan.writes if w.scope == ORG]
    owners_before = sum(1 for e in state.members.values() if e.role == 'admin' and e.state == ACTIVE)
    assert len(owners_after(state, org_changes)) >= min(params['min_owners'], owners_before)
    assert len(removed) <= removal_limit(params['max_removals'], len(state.members))
