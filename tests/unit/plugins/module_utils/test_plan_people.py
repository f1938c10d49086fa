"""_plan_people and the person entries of the roster planner: parsing, time-bound access with an
injected clock, renames by id, failed invitations and the invitation cap. Property tests
(hypothesis) prove that expired entries never count as listed, that a scope which is not
exclusive never removes anyone for expiring, and that the cap never lets more invitations
through than allowed while keeping every other write in order."""

from __future__ import annotations

import datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansible_collections.gitops.github.plugins.module_utils._names import login_problem
from ansible_collections.gitops.github.plugins.module_utils._plan_people import (
    parse_expires,
    parse_person,
)
from ansible_collections.gitops.github.plugins.module_utils._org_guards import guard_problems
from ansible_collections.gitops.github.plugins.module_utils._org_input import roster_from_params
from ansible_collections.gitops.github.plugins.module_utils._org_invitations import cap_invitations, sends_invitation
from ansible_collections.gitops.github.plugins.module_utils._org_predict import execute
from ansible_collections.gitops.github.plugins.module_utils._org_report import report
from ansible_collections.gitops.github.plugins.module_utils._plan import ORG, TEAM
from ansible_collections.gitops.github.plugins.module_utils._plan_org import plan_roster
from roster_model import new_state, read, writer

UTC = datetime.timezone.utc
NOW = datetime.datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
ROOT = 'root'
POOL = ['alice', 'bob', 'carol', 'dave', 'erin']


def seed(members=tuple(POOL), invitations=(), failed=(), teams=()):
    return {'users': [ROOT] + POOL + ['zed'], 'tokens': {'tok': ROOT},
            'orgs': [{'login': 'acme', 'owners': [ROOT], 'members': list(members), 'invitations': list(invitations),
                      'failed_invitations': list(failed), 'teams': list(teams)}]}


def roster(now=NOW, **params):
    params.setdefault('org', 'acme')
    r, problems = roster_from_params(params, validate_login=login_problem, now=now)
    assert problems == [], problems
    return r


# -- parsing ---------------------------------------------------------------------------------------

def test_expires_forms():
    end_of_day = datetime.datetime(2026, 7, 1, tzinfo=UTC)
    assert parse_expires('2026-06-30') == (end_of_day, None)  # through that day, UTC
    assert parse_expires(datetime.date(2026, 6, 30)) == (end_of_day, None)  # YAML's unquoted date
    assert parse_expires('2026-06-30T22:00:00Z')[0] == datetime.datetime(2026, 6, 30, 22, tzinfo=UTC)
    assert parse_expires('2026-06-30T22:00:00+02:00')[0] == datetime.datetime(2026, 6, 30, 20, tzinfo=UTC)
    expected = datetime.datetime(2026, 6, 30, 23, 30, 0, 500000, tzinfo=UTC)
    assert parse_expires('2026-06-30T22:00:00.5-01:30')[0] == expected
    for bad in ('2026-02-30', '2026-06-30T25:00:00Z', '2026-06-30T10:00:00', 'tomorrow', '', 20260630, True):
        value, problem = parse_expires(bad)
        assert value is None and problem, bad
    assert 'UTC offset' in parse_expires(datetime.datetime(2026, 6, 30, 10))[1]


def test_person_entries_are_checked_by_type():
    assert parse_person('bob', 'members', login_problem)[0].login == 'bob'
    person, problems = parse_person({'login': 'bob', 'id': 42, 'expires': '2026-07-01'}, 'members', login_problem)
    assert problems == [] and (person.id, person.expires_text) == (42, '2026-07-01')
    assert parse_person({'email': 'pat@example.com'}, 'members')[0].key == 'pat@example.com'
    cases = [
        ({'login': 7}, 'members.login must be a non-empty string'),
        ({'login': 'bob', 'id': True}, "id must be GitHub's numeric user id"),
        ({'login': 'bob', 'id': '42'}, "id must be GitHub's numeric user id"),
        ({'id': 42}, 'needs login or email'),
        ({'login': 'bob', 'team': 'x'}, 'unknown key(s) team'),
        ({'email': 'a@b'}, 'must be an e-mail address'),
        (['bob'], 'must be a non-empty string'),
    ]
    for item, text in cases:
        person, problems = parse_person(item, 'members', login_problem)
        assert person is None and any(text in p for p in problems), (item, problems)
    _p, problems = parse_person({'email': 'pat@example.com'}, 'teams[0].members', login_problem, allow_email=False)
    assert 'e-mail invitations are for the organization' in problems[0]


def test_roster_options_are_checked_before_any_request():
    _r, problems = roster_from_params({'org': 'acme', 'max_invitations': -1, 'expiring_within_days': 'x',
                                       'members': [{'login': 'bob', 'expires': 'later'}],
                                       'teams': [{'team': 't', 'members': [{'email': 'pat@example.com'}]}]},
                                      validate_login=login_problem, now=NOW)
    text = '\n'.join(problems)
    assert 'max_invitations must be a whole number of 0 or more' in text
    assert 'expiring_within_days must be a whole number' in text
    assert 'members[0] (bob).expires must be an ISO 8601 date' in text
    assert 'teams[0] (t).members[0] (pat@example.com).email: e-mail invitations are for the organization' in text


# -- time-bound access -----------------------------------------------------------------------------

def test_the_clock_decides_and_is_injected():
    entry = {'login': 'bob', 'expires': '2026-06-20'}
    before = roster(members=['alice', entry], now=NOW)
    assert 'bob' in before.wanted and [p.login for p in before.expiring] == ['bob']
    far = roster(members=['alice', entry], now=NOW, expiring_within_days=2)
    assert far.expiring == []
    after = roster(members=['alice', entry], now=datetime.datetime(2026, 6, 21, tzinfo=UTC))
    assert 'bob' not in after.wanted and [p.login for p in after.expired] == ['bob']
    just_before = roster(members=[entry], now=datetime.datetime(2026, 6, 20, 23, 59, 59, tzinfo=UTC))
    assert 'bob' in just_before.wanted


def test_expired_org_membership_expires_the_team_memberships_too():
    state = new_state(seed(teams=[{'slug': 'platform', 'members': ['bob']}]))
    r = roster(owners=[ROOT], members=['alice', {'login': 'bob', 'expires': '2026-01-01'}, 'carol', 'dave', 'erin'],
               exclusive=True, max_removals=1, teams=[{'team': 'platform', 'members': ['bob'], 'exclusive': True}])
    assert r.teams[0].wanted == {} and [p.login for p in r.teams[0].expired] == ['bob']
    plan = plan_roster(read(state, 'acme', ROOT), r, own_login=ROOT)
    assert [(w.scope, w.action, w.login) for w in plan.writes] == [(ORG, 'remove', 'bob')]
    assert plan.teams['platform'].left_with_org == ['bob']


def test_report_lists_expired_and_expiring_with_days_left():
    state = new_state(seed(teams=[{'slug': 'platform', 'members': ['bob']}]))
    r = roster(teams=[{'team': 'platform', 'members': [{'login': 'bob', 'expires': '2026-06-01'},
                                                       {'login': 'carol', 'expires': '2026-06-18T12:00:00Z'}]}])
    before = read(state, 'acme', ROOT)
    plan = plan_roster(before, r, own_login=ROOT)
    assert [(w.action, w.login) for w in plan.writes] == [('add', 'carol')]
    section = report(plan, [], before)['teams']['platform']
    assert section['expired'] == [{'login': 'bob', 'expires': '2026-06-01'}]
    assert section['expiring'] == [{'login': 'carol', 'expires': '2026-06-18T12:00:00Z', 'days_left': 3}]
    assert 'not exclusive, so it is not removed' in section['problems'][0]


PEOPLE = st.lists(st.tuples(st.sampled_from(POOL), st.one_of(st.none(), st.integers(-30, 30))), unique_by=lambda t: t[0])


def _entries(people):
    out = []
    for login, offset in people:
        if offset is None:
            out.append(login)
        else:
            out.append({'login': login, 'expires': (NOW + datetime.timedelta(days=offset)).date().isoformat()})
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(PEOPLE, st.booleans(), st.sampled_from([0, 1, 2, '50%', '100%']))
def test_expired_entries_never_count_and_only_exclusive_scopes_remove(people, exclusive, budget):
    state = new_state(seed())
    before = read(state, 'acme', ROOT)
    r = roster(owners=[ROOT], members=_entries(people), exclusive=exclusive, max_removals=budget)
    expired = set(login for login, offset in people if offset is not None and offset < 0)
    assert not expired & set(r.wanted)
    plan = plan_roster(before, r, own_login=ROOT)
    removed = set(w.login for w in plan.writes if w.action == 'remove')
    if not exclusive:
        assert removed == set()
    else:
        assert expired <= removed
    if guard_problems(plan, ROOT):
        return
    execute(plan, writer(state, 'acme', ROOT, []))
    after = read(state, 'acme', ROOT)
    if exclusive:
        assert not expired & set(after.members)
    assert len([k for k in before.members if k not in after.members]) <= max(
        len(before.members) * int(str(budget).rstrip('%')) // 100 if str(budget).endswith('%') else budget, 0)


# -- renames ---------------------------------------------------------------------------------------

def test_a_renamed_user_matches_by_id_everywhere_in_the_file():
    state = new_state(seed(teams=[{'slug': 'platform', 'maintainers': ['bob']}]))
    bob_id = state.user('bob').id
    state.rename_user('bob', 'Robert')
    before = read(state, 'acme', ROOT)
    before.ids = dict((state.users[k].id, state.login_of(k)) for k in state.org('acme').members)
    r = roster(owners=[ROOT], members=['alice', {'login': 'bob', 'id': bob_id}, 'carol', 'dave', 'erin'], exclusive=True,
               teams=[{'team': 'platform', 'maintainers': ['bob'], 'exclusive': True}])
    plan = plan_roster(before, r, own_login=ROOT)
    assert plan.writes == []
    assert plan.renamed == [{'id': bob_id, 'from': 'bob', 'to': 'Robert'}]
    assert 'login changed from bob to Robert (user id %d)' % bob_id in report(plan, [], before)['org']['problems'][0]
    # An id GitHub does not show (not a member) changes nothing: the login is invited as written.
    r = roster(members=[{'login': 'zed', 'id': 999999}])
    assert [(w.action, w.login) for w in plan_roster(before, r, own_login=ROOT).writes] == [('add', 'zed')]


# -- failed invitations and the invitation cap -----------------------------------------------------

def test_failed_invitations_are_sent_again_unless_turned_off():
    state = new_state(seed(members=['alice'], failed=[{'login': 'bob'}]))
    before = read(state, 'acme', ROOT)
    before.failed = ['bob']
    plan = plan_roster(before, roster(members=['alice', 'bob', 'carol']), own_login=ROOT)
    assert [w.login for w in plan.writes] == ['bob', 'carol'] and plan.reinvite == {'bob'}
    assert report(plan, plan.writes, before)['org']['reinvited'] == ['bob']
    off = plan_roster(before, roster(members=['alice', 'bob', 'carol'], reinvite_failed=False), own_login=ROOT)
    assert [w.login for w in off.writes] == ['carol'] and off.not_reinvited == ['bob']


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(POOL[1:] + ['zed']), unique=True), st.lists(st.sampled_from(POOL + ['zed']), unique=True),
       st.integers(0, 4), st.booleans())
def test_the_cap_never_sends_more_invitations_and_keeps_the_order(org_new, team_new, limit, ghes):
    state = new_state(seed(members=['alice'], teams=[{'slug': 'platform'}]))
    before = read(state, 'acme', ROOT, ghes)
    wanted = ['alice'] + org_new
    r = roster(members=wanted, teams=[{'team': 'platform', 'members': [u for u in team_new if u in wanted]}],
               max_invitations=limit)
    r_free = roster(members=wanted, teams=[{'team': 'platform', 'members': [u for u in team_new if u in wanted]}],
                    max_invitations=10 ** 6)
    free = plan_roster(before, r_free, own_login=ROOT)
    capped = plan_roster(before, r, own_login=ROOT)
    invited = set()
    count = 0
    for write in capped.writes:
        if sends_invitation(before, write, invited):
            invited.add(write.change.key)
            count += 1
    assert count <= limit
    assert [w for w in free.writes if w not in capped.deferred] == capped.writes
    kept, deferred, left = cap_invitations(before, free.writes, limit)
    assert kept == capped.writes and left == capped.invitations_left
    if ghes:
        assert deferred == []  # GHES adds members at once: no invitations to count
    # Nobody is left half-done: a deferred person has no write in the plan.
    deferred_keys = set(w.change.key for w in capped.deferred)
    assert not [w for w in capped.writes if w.change.key in deferred_keys]
    # The real run sends the capped plan and the model agrees.
    sent = []
    execute(capped, writer(state, 'acme', ROOT, sent, ghes))
    assert sent == [w.as_dict() for w in capped.writes]
    assert all(w.scope in (ORG, TEAM) for w in capped.deferred)
