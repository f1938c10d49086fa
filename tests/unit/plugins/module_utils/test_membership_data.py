"""The one validator of the membership data (_membership_data.entry_problems): what it refuses,
how it words it, and two properties: it never raises, whatever JSON-like data it is given, and
every problem names the key it is about."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansible_collections.gitops.github.plugins.filter.membership import membership_problems
from ansible_collections.gitops.github.plugins.module_utils._membership_data import (
    entry_problems,
    login_list_problems,
)
from ansible_collections.gitops.github.plugins.module_utils._org_input import roster_from_params
from ansible_collections.gitops.github.plugins.module_utils._plan_people import parse_expires

UTC = datetime.timezone.utc
QUOTE = ': quote it in the YAML (YAML reads 0123 as the number 83 and yes/no/on/off as booleans)'


def base():
    """A valid entry with every key, no two identifiers alike."""
    return {'org': 'acme', 'owners': ['octo'], 'members': ['alice', 'bob', {'login': 'carol', 'id': 3}],
            'exclusive': False, 'allow_self': False, 'public_membership': True, 'reinvite_failed': True,
            'delete_unlisted_teams': False, 'max_removals': '25%', 'min_owners': 1, 'max_invitations': 50,
            'expiring_within_days': 14,
            'teams': [{'team': 'web', 'maintainers': ['alice'], 'members': ['bob'], 'exclusive': False,
                       'managed_externally': False, 'max_removals': 2, 'name': 'Web', 'description': 'The web people',
                       'privacy': 'closed', 'parent': 'eng', 'previously': ['frontend'],
                       'notification_setting': 'notifications_enabled'},
                      {'team': 'eng', 'members': ['carol']}]}


def with_key(path, value):
    """``base()`` with the key at ``path`` (a tuple of keys and indexes) set to ``value``."""
    entry = base()
    target = entry
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return entry


def test_the_base_entry_is_valid_for_the_role_and_the_module():
    assert entry_problems(base()) == []
    assert membership_problems([base()]) == []
    roster, problems = roster_from_params(base())
    assert problems == [] and roster.teams[0].previously == ['frontend']


@pytest.mark.parametrize('path, value, expected', [
    # Red-team round 19, finding 1: YAML booleans, nulls and numbers where a slug or login belongs.
    (('teams', 0, 'previously'), [False], 'teams[0] (web).previously[0] must be a string, got the boolean False' + QUOTE),
    (('teams', 0, 'previously'), [None], 'teams[0] (web).previously[0] must be a string, got null'),
    (('teams', 0, 'previously'), 'frontend', "teams[0] (web).previously must be a list of former slugs, got a str 'frontend'"),
    (('teams', 0, 'parent'), False, 'teams[0] (web).parent must be a string, got the boolean False' + QUOTE),
    (('teams', 0, 'parent'), 2023, 'teams[0] (web).parent must be a string, got the number 2023' + QUOTE),
    (('teams', 0, 'team'), False, 'teams[0].team must be a string, got the boolean False' + QUOTE),
    (('teams', 0, 'team'), None, 'teams[0].team is required (the slug)'),
    (('teams', 0, 'name'), True, 'teams[0] (web).name must be a string, got the boolean True' + QUOTE),
    (('teams', 0, 'description'), 7, 'teams[0] (web).description must be a string, got the number 7' + QUOTE),
    (('teams', 0, 'privacy'), 'public', "teams[0] (web).privacy must be one of closed, secret, got 'public'"),
    (('members',), ['alice', False, 'bob', 'carol'], 'members[1] must be a string, got the boolean False' + QUOTE),
    (('members',), ['alice', 83, 'bob', 'carol'], 'members[1] must be a string, got the number 83' + QUOTE),
    (('teams', 1, 'members'), [None], 'teams[1] (eng).members[0] must be a string, got null'),
    (('org',), True, 'org must be a string, got the boolean True' + QUOTE),
    # Finding 6: a horizon past the calendar's end.
    (('expiring_within_days',), 3000000, 'expiring_within_days must be a whole number from 0 to 36500, got 3000000'),
    (('expiring_within_days',), True, 'expiring_within_days must be a whole number from 0 to 36500, got True'),
    (('max_invitations',), -1, 'max_invitations must be a whole number of 0 or more, got -1'),
    (('min_owners',), 1.5, 'min_owners must be a whole number of 0 or more, got 1.5'),
    (('exclusive',), 'maybe', "exclusive must be a boolean (true/false, yes/no), got 'maybe'"),
    (('delete_unlisted_teams',), 'sure', "delete_unlisted_teams must be a boolean (true/false, yes/no), got 'sure'"),
    (('teams', 0, 'managed_externally'), [], 'teams[0] (web).managed_externally must be a boolean (true/false, yes/no), got []'),
    (('teams', 0, 'max_removals'), '200%', "teams[0] (web).max_removals must be between 0 and 100%, got '200%'"),
    (('teams',), {'team': 'web'}, 'teams must be a list of team mappings, got a mapping'),
    (('teams', 1), 'eng', "teams[1] must be a mapping with a team key, got a str 'eng'"),
])
def test_each_wrong_type_or_value_is_one_problem_naming_its_key(path, value, expected):
    entry = with_key(path, value)
    assert entry_problems(entry) == [expected]
    # The same wording for the role (headed by the organization) and for the module.
    assert membership_problems([entry]) == ['%s: %s' % ('acme' if path != ('org',) else 'membership_orgs[0]', expected)]
    assert roster_from_params(entry) == (None, [expected])


def test_strings_that_look_like_booleans_stay_what_they_are():
    # Quoted, "no" is a slug like any other; only the YAML boolean is refused.
    entry = with_key(('teams', 0, 'previously'), ['no', 'False'])
    assert entry_problems(entry) == []
    roster, _problems = roster_from_params(entry)
    assert roster.teams[0].previously == ['no', 'False']


@pytest.mark.parametrize('value, expected', [('no', False), ('yes', True), ('off', False), (1, True), ('0', False)])
def test_booleans_follow_ansibles_rules_also_in_the_roster(value, expected):
    # The controller-side action passes the role's data as it is: 'no' must never be "a non-empty string, so true".
    roster, problems = roster_from_params(dict(with_key(('exclusive',), value), allow_self=value,
                                               delete_unlisted_teams=value, reinvite_failed=value))
    assert problems == []
    assert (roster.exclusive, roster.allow_self, roster.delete_unlisted_teams, roster.reinvite_failed) == (expected,) * 4


def test_whole_numbers_may_be_strings_of_digits_as_type_int_converts_them():
    roster, problems = roster_from_params(dict(base(), min_owners='2', max_invitations=' 10 ', expiring_within_days='36500'))
    assert problems == [] and (roster.min_owners, roster.max_invitations) == (2, 10)


@pytest.mark.parametrize('value', ['9999-12-31', datetime.date(9999, 12, 31), '9999-12-31T23:00:00-05:00',
                                   datetime.datetime(9999, 12, 31, 23, 0, tzinfo=datetime.timezone(-datetime.timedelta(hours=5)))])
def test_an_expiry_at_the_end_of_the_calendar_never_comes(value):
    # Finding 5: "never expires" is commonly written 9999-12-31; adding its day overflowed datetime.
    stamp, problem = parse_expires(value)
    assert problem is None and stamp == datetime.datetime.max.replace(tzinfo=UTC)
    roster, problems = roster_from_params(with_key(('members',), ['alice', {'login': 'bob', 'expires': value}, 'carol']))
    assert problems == [] and roster.expired == [] and roster.expiring == []


def test_an_expiry_before_the_calendar_began_in_utc_has_passed():
    stamp, problem = parse_expires('0001-01-01T00:00:00+01:00')
    assert problem is None and stamp == datetime.datetime.min.replace(tzinfo=UTC)
    roster, problems = roster_from_params(with_key(('members',), ['alice', {'login': 'bob', 'expires': '0001-01-01T00:00:00+01:00'}, 'carol']),
                                          now=datetime.datetime(2026, 1, 1, tzinfo=UTC))
    assert problems == [] and [p.login for p in roster.expired] == ['bob']


def test_duplicates_name_both_places():
    entry = with_key(('teams', 1, 'members'), ['carol', 'Carol', 'carol'])
    assert entry_problems(entry) == [
        'carol and Carol are the same user (teams[1] (eng).members[0] and teams[1] (eng).members[1]; '
        'logins are case-insensitive); list them once',
        'carol is listed twice (teams[1] (eng).members[0] and teams[1] (eng).members[2])',
    ]


def test_the_list_modules_login_lists_are_checked_the_same_way():
    assert login_list_problems({'maintainers': ['alice'], 'members': ['bob', 'ALICE', '-x']},
                               (('maintainers', 'maintainer'), ('members', 'member'))) == [
        'ALICE is listed both as maintainer (maintainers[0]) and as member (members[1]); a user has one role',
        "members[2] '-x' is not a valid GitHub login: use letters, digits and single hyphens, not starting or ending "
        'with a hyphen',
    ]


# -- properties -----------------------------------------------------------------------------------

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.integers(min_value=10 ** 15) | st.floats(allow_nan=True)
    | st.text(max_size=12) | st.sampled_from(['no', 'yes', '9999-12-31', '25%', '-1', '', 'web', 'eng', 'octo', 'Alice']),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12)
PERSON = st.one_of(JSON, st.fixed_dictionaries({}, optional={
    'login': JSON, 'id': JSON, 'email': JSON, 'expires': JSON | st.dates() | st.datetimes(timezones=st.just(UTC))}))
ORG_KEYS = ['org', 'owners', 'members', 'exclusive', 'allow_self', 'public_membership', 'reinvite_failed',
            'delete_unlisted_teams', 'max_removals', 'min_owners', 'max_invitations', 'expiring_within_days', 'teams']
TEAM_KEYS = ['team', 'maintainers', 'members', 'exclusive', 'managed_externally', 'max_removals', 'name',
             'description', 'privacy', 'parent', 'previously', 'notification_setting']


@st.composite
def anything_anywhere(draw):
    """An entry whose org keys and team keys hold arbitrary JSON-like values (people lists: items
    that are arbitrary values or person mappings with arbitrary values)."""
    def value(key):
        if key in ('owners', 'members', 'maintainers'):
            return draw(st.lists(PERSON, max_size=4) | JSON)
        return draw(JSON)
    teams = [dict((key, value(key)) for key in draw(st.lists(st.sampled_from(TEAM_KEYS), max_size=6)))
             for _index in range(draw(st.integers(0, 3)))]
    entry = dict((key, value(key)) for key in draw(st.lists(st.sampled_from(ORG_KEYS), max_size=8)))
    if draw(st.booleans()):
        entry['teams'] = teams
    return entry


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(anything_anywhere())
def test_the_validator_never_raises_and_the_roster_is_built_whenever_it_finds_nothing(entry):
    problems = entry_problems(entry)
    assert isinstance(problems, list) and all(isinstance(p, str) and p for p in problems)
    assert isinstance(membership_problems([entry]), list)
    roster, found = roster_from_params(entry, now=datetime.datetime(2026, 1, 1, tzinfo=UTC))
    assert found == problems and (roster is None) == bool(problems)


# The keys one can change, each with what its problems must name (the key's path in the entry).
KEYS = [((key,), (key,)) for key in ORG_KEYS if key not in ('owners', 'members', 'teams')] + [
    (('owners',), ('owners',)), (('members',), ('members',)),
    (('teams', 0, 'team'), ('teams[0]',)),
] + [(('teams', 0, key), ('teams[0] (web).%s' % key, 'teams[0].%s' % key)) for key in TEAM_KEYS if key != 'team']


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(KEYS), st.data())
def test_every_problem_names_the_key_it_is_about(key, data):
    path, names = key
    leaf = path[-1]
    if leaf in ('owners', 'members', 'maintainers'):
        # Login strings or any scalar: person mappings bring their own keys (id, email), checked above.
        scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=8) | st.sampled_from(['alice', 'Bob', 'octo'])
        value = data.draw(st.lists(scalars, max_size=4) | JSON)
    else:
        value = data.draw(JSON)
    problems = entry_problems(with_key(path, value))
    for problem in problems:
        assert any(name in problem for name in names), (path, value, problem)
