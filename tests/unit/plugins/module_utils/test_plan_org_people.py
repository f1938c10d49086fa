"""_plan_org / _plan_people, the people of issue 18 ("nothing the file keeps is deleted"): which
listed ids are renames, which are conflicts, which must be looked up; duplicate identifiers; an
accepted e-mail entry; failed invitations by reason; the invitation limit over 24 hours. Pure:
states are built by hand, the clock is passed in."""

from __future__ import annotations

import datetime

from ansible_collections.gitops.github.plugins.module_utils._github_forms import is_already_member, is_invitation_limit
from ansible_collections.gitops.github.plugins.module_utils._plan import ACTIVE, PENDING, Entry
from ansible_collections.gitops.github.plugins.module_utils._org_input import roster_from_params
from ansible_collections.gitops.github.plugins.module_utils._org_invitations import sent_within_a_day
from ansible_collections.gitops.github.plugins.module_utils._org_report import report
from ansible_collections.gitops.github.plugins.module_utils._org_state import OrgState
from ansible_collections.gitops.github.plugins.module_utils._plan_org import ids_to_look_up, plan_roster
from ansible_collections.gitops.github.plugins.module_utils._plan_people import Person, identity_problems
from recordings import exchange

NOW = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.timezone.utc)


def state(**extra):
    members = {
        'root': Entry('root', 'admin', ACTIVE),
        'alice': Entry('alice', 'member', ACTIVE),
        'bob': Entry('bob', 'member', ACTIVE),
        'david': Entry('david', 'member', PENDING),
    }
    members.update(extra.pop('members', {}))
    org = OrgState('acme', members, ids={1: 'root', 2: 'alice', 3: 'bob'}, **extra)
    return org


def roster(**params):
    params.setdefault('org', 'acme')
    found, problems = roster_from_params(params, now=NOW)
    assert problems == []
    return found


def changes(plan):
    return [(w.scope, w.action, w.login) for w in plan.writes]


# --------------------------------------------------------------------------- ids


def test_an_id_of_another_current_member_is_a_conflict_not_a_rename():
    plan = plan_roster(state(), roster(owners=['root'], members=[{'login': 'alice', 'id': 3}, 'bob', 'david'],
                                       exclusive=True))
    assert plan.renamed == []
    assert any('alice is listed with id 3, which GitHub shows for bob' in p and 'not a rename' in p
               for p in plan.problems)


def test_a_login_github_shows_with_another_id_is_a_conflict():
    plan = plan_roster(state(), roster(members=[{'login': 'alice', 'id': 99}]))
    assert plan.problems == ['alice is listed with id 99, but GitHub shows alice in acme with id 2: correct the id '
                             'or the login']


def test_a_rename_is_followed_when_the_listed_login_has_left():
    plan = plan_roster(state(), roster(owners=['root'], members=[{'login': 'robert', 'id': 3}, 'alice', 'david'],
                                       exclusive=True))
    assert plan.problems == [] and plan.writes == []
    assert plan.renamed == [{'id': 3, 'from': 'robert', 'to': 'bob'}]


def test_ids_not_among_the_active_members_are_looked_up_and_followed():
    org = state()
    members = ['alice', 'bob', {'login': 'dave', 'id': 4}, {'login': 'zoe', 'id': 5}, {'login': 'david', 'id': 6}]
    wanted = roster(owners=['root'], members=members, exclusive=True)
    # dave (4) is not in the org; david (6) is pending under the listed login: only 4 and 5 are asked.
    assert ids_to_look_up(org, wanted) == [4, 5]
    org.looked_up = {4: 'david', 5: None}
    plan = plan_roster(org, wanted)
    assert plan.renamed == [{'id': 4, 'from': 'dave', 'to': 'david'}]
    assert plan.problems == ['zoe is listed with id 5, which no GitHub account has (GET /user/5 answered 404): '
                             'remove the entry or correct the id',
                             # GitHub says id 4 is david now, whom the file lists too (red team, round 18).
                             'the organization: dave and david are the same GitHub user (now david): list them once']


def test_a_renamed_pending_invitee_is_neither_invited_again_nor_cancelled():
    org = state()
    org.looked_up = {4: 'david'}
    plan = plan_roster(org, roster(owners=['root'], members=['alice', 'bob', {'login': 'dave', 'id': 4}],
                                   exclusive=True))
    assert plan.problems == [] and plan.writes == []


# --------------------------------------------------------------------------- duplicates


def test_identity_problems_compare_as_github_does():
    org = [Person(login='bob', id=7), Person(login='BOB', id=8), Person(login='erin', email='E@x.org'),
           Person(email='e@X.org'), Person(login='carol', id=9), Person(login='dan', id=9)]
    team = [Person(login='carol', id=10)]
    assert identity_problems([('', org), ('teams[0] (web)', team)]) == [
        'BOB is given two ids, 7 and 8',
        'e-mail address e@X.org is claimed twice (erin and e@X.org)',
        'id 9 is given to both carol and dan (one GitHub user has one id)',
        'teams[0] (web): carol is given two ids, 9 and 10',
    ]


def test_duplicates_of_every_kind_fail_the_input():
    _found, problems = roster_from_params({
        'org': 'acme', 'owners': ['root', {'login': 'Alice', 'id': 2}],
        'members': ['alice', {'email': 'Pat@x.org'}, {'email': 'pat@X.ORG'}],
        'teams': [{'team': 'web', 'maintainers': [{'login': 'root', 'id': 1}], 'members': [{'login': 'Root', 'id': 1}]}],
    }, now=NOW)
    text = '; '.join(problems)
    assert 'alice is listed both as owner (owners[1] (Alice)) and as member (members[0]); a user has one role' in text
    assert ('Pat@x.org and pat@X.ORG are the same user (members[1] (Pat@x.org) and members[2] (pat@X.ORG); '
            'logins are case-insensitive)') in text
    assert ('Root is listed both as maintainer (teams[0] (web).maintainers[0] (root)) and as member '
            '(teams[0] (web).members[0] (Root))') in text


# --------------------------------------------------------------------------- e-mail entries


def test_an_address_without_invitation_is_not_invited_by_a_plan_that_removes_someone():
    org = state(members={'pat': Entry('pat', 'member', ACTIVE)})
    plan = plan_roster(org, roster(owners=['root'], members=['alice', 'bob', 'david', {'email': 'pat@x.org'}],
                                   exclusive=True))
    assert plan.problems == ['pat@x.org has neither a pending nor a failed invitation in acme: if the invitee '
                             'accepted, list their login instead of the address (this plan would remove pat); '
                             'nothing is sent or removed']


def test_a_new_address_is_invited_when_nobody_is_removed():
    plan = plan_roster(state(), roster(members=[{'email': 'new@x.org'}]))
    assert plan.problems == [] and changes(plan) == [('org', 'add', 'new@x.org')]


# --------------------------------------------------------------------------- failed invitations


def failed_state():
    org = state(failed=['frank', 'gina', 'hal'])
    org.failed_records = {
        'frank': [{'id': 11, 'reason': 'no_more_seats', 'failed_at': '2026-01-01T00:00:00Z'},
                  {'id': 12, 'reason': 'expired', 'failed_at': '2026-02-01T00:00:00Z'}],
        'gina': [{'id': 13, 'reason': 'trade_controls', 'failed_at': '2026-02-01T00:00:00Z'}],
        'hal': [{'id': 14, 'reason': None, 'failed_at': None}],
    }
    return org


def test_only_an_expired_invitation_is_sent_again_the_latest_record_decides():
    plan = plan_roster(failed_state(), roster(members=['frank', 'gina', 'hal'],
                                              teams=[{'team': 'web', 'members': ['gina']}]), own_login='root')
    assert ('org', 'add', 'frank') in changes(plan)
    assert not [c for c in changes(plan) if c[2] in ('gina', 'hal')]  # neither the org nor the team invites them
    assert plan.reinvite == set(['frank'])
    assert plan.not_retried == [{'login': 'gina', 'reason': 'trade_controls', 'failed_at': '2026-02-01T00:00:00Z'},
                                {'login': 'hal', 'reason': None, 'failed_at': None}]
    problems = report(plan, [], plan.before)['org']['problems']
    assert 'the invitation of gina failed (trade_controls at 2026-02-01T00:00:00Z): not sent again, since a retry ' \
           'cannot fix that' in problems


def test_reinvite_failed_false_sends_none_and_still_reports_the_reasons():
    plan = plan_roster(failed_state(), roster(members=['frank', 'gina'], reinvite_failed=False))
    assert plan.writes == [] and plan.not_reinvited == ['frank']
    assert [i['login'] for i in plan.not_retried] == ['gina']


# --------------------------------------------------------------------------- the 24-hour limit


def stamp(hours_ago):
    return (NOW - datetime.timedelta(hours=hours_ago)).strftime('%Y-%m-%dT%H:%M:%SZ')


def state_with_sent(stamps):
    org = state()
    org.sent = list(stamps)
    return org


def test_the_invitations_of_the_last_24_hours_count_against_max_invitations():
    org = state()
    org.sent = [stamp(1), stamp(23.9), stamp(24), stamp(30)]
    assert sent_within_a_day(org, NOW) == 2
    # A stamp that cannot be read counts as recent: the count errs towards fewer e-mails.
    assert sent_within_a_day(state_with_sent(['garbage']), NOW) == 1
    plan = plan_roster(org, roster(members=['x1', 'x2', 'x3', 'x4'], max_invitations=3))
    assert changes(plan) == [('org', 'add', 'x1')]
    assert plan.invitations_left == 3 and plan.sent_recently == 2
    assert any('max_invitations=3 in 24 hours reached (2 sent in the last 24 hours): 3 invitation(s)' in p
               for p in report(plan, [], org)['org']['problems'])


def test_a_full_day_defers_every_invitation_but_not_the_other_writes():
    org = state()
    org.sent = [stamp(2)] * 5
    plan = plan_roster(org, roster(owners=['root', 'bob'], members=['alice', 'x1'], max_invitations=5))
    assert changes(plan) == [('org', 'role', 'bob')]
    assert [w.login for w in plan.deferred] == ['x1']


def test_ghes_has_no_invitations_to_count():
    org = state(ghes=True)
    org.sent = [stamp(1)] * 9
    assert sent_within_a_day(org, NOW) == 0


def test_githubs_quoted_already_a_member_answer_is_recognised_and_no_other():
    real = exchange('validation-failed-422-with-status')
    joined = '%s (%s)' % (real['body']['message'], real['body']['errors'][0]['message'])
    assert is_already_member(real['status'], joined)
    assert is_already_member(422, 'Validation Failed (Invitee is already a part of this organization)')
    assert not is_already_member(404, joined)
    assert not is_already_member(422, 'Validation Failed (Over invitation rate limit)')
    assert not is_invitation_limit(real['status'], joined)


def test_the_over_invitation_rate_limit_answer_is_recognised_by_status_and_words():
    assert is_invitation_limit(422, 'Validation Failed (Over invitation rate limit)')
    assert is_invitation_limit(422, 'Over invitation rate limit. Try again later.')
    assert not is_invitation_limit(403, 'Over invitation rate limit')
    assert not is_invitation_limit(422, 'Validation Failed (Invitee is already a part of this organization)')
