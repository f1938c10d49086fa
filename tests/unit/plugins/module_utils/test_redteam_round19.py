"""Red-team round 19: attacks on issue 18's defences that succeeded (each test fails on the
merged code and states what should happen)."""

from __future__ import annotations

import datetime

import pytest

from ansible_collections.gitops.github.plugins.filter.membership import membership_problems
from ansible_collections.gitops.github.plugins.module_utils._plan import ACTIVE, Entry
from ansible_collections.gitops.github.plugins.module_utils._org_input import roster_from_params
from ansible_collections.gitops.github.plugins.module_utils._org_state import OrgState, TeamState
from ansible_collections.gitops.github.plugins.module_utils._plan_org import plan_roster
from ansible_collections.gitops.github.plugins.module_utils._plan_people import parse_expires


def member(login, role='member'):
    return Entry(login, role, ACTIVE)


def team(slug, parent=None, privacy='closed', members=(), name=None):
    return TeamState(slug, None, parent, name or slug, None, privacy, dict((m.lower(), member(m)) for m in members))


def state_of(*teams):
    members = {'root': member('root', 'admin'), 'alice': member('alice'), 'bob': member('bob')}
    return OrgState('acme', members, dict((t.key, t) for t in teams))


def plan_of(teams, state, **params):
    params = dict(params, org='acme', teams=teams)
    wanted, problems = roster_from_params(params)
    if problems:
        return problems, None
    return None, plan_roster(state, wanted, own_login='root')


@pytest.mark.parametrize('value', ['9999-12-31', datetime.date(9999, 12, 31), '9999-12-31T23:00:00-05:00',
                                   '0001-01-01T00:00:00+01:00'])
def test_an_expiry_at_the_end_of_the_calendar_is_a_problem_or_a_date_not_a_crash(value):
    # "Never expires" is commonly written 9999-12-31. Adding the day (or converting the offset to
    # UTC) overflows datetime, and OverflowError is no ValueError: parse_expires raises instead of
    # returning (datetime, None) or (None, problem); the role's filter and the module crash.
    stamp, problem = parse_expires(value)
    assert stamp is not None or problem
    problems = membership_problems([{'org': 'acme', 'owners': ['a'], 'members': [{'login': 'b', 'expires': value}]}])
    assert isinstance(problems, list)


def test_yaml_booleans_and_nulls_as_former_slugs_or_parents_are_refused_by_the_role_check():
    # `previously: [no]`, `parent: no` (YAML 1.1 false) and `previously: [~]` are turned into the
    # strings 'False'/'None' or refused only by the module; the role's check, which refuses
    # `team: no`, lets them through (see the playbook test: the team "no" is deleted).
    base = {'org': 'acme', 'owners': ['a']}
    for entry in ({'team': 'norway', 'previously': [False]}, {'team': 'kid', 'parent': False},
                  {'team': 'kid', 'parent': 2023}, {'team': 'x', 'previously': [None]}):
        problems = membership_problems([dict(base, teams=[entry])])
        assert problems, entry


@pytest.mark.parametrize('days', [3000000, 10 ** 10])
def test_a_huge_expiring_within_days_is_a_problem_or_works_not_a_crash(days):
    # Huge numbers in the data: expiring_within_days is added to now as a timedelta.
    params = {'org': 'acme', 'owners': ['a'], 'members': [{'login': 'b', 'expires': '2030-01-01'}],
              'expiring_within_days': days, 'teams': []}
    _roster, problems = roster_from_params(params)
    assert isinstance(problems, list)
    assert isinstance(membership_problems([dict(params)]), list)
