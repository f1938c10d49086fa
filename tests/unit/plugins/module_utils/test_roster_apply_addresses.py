"""Red team 19, findings 2 and 7, in the apply policy: an accepted address never comes with the
removal of its holder (GitHub's member list shows no e-mail address, so any member a run removes
could be the holder), and a failed record deleted before GitHub refused the new invitation is
reported as a write made, whether the run goes on or stops."""

from __future__ import annotations

import datetime

import pytest

from ansible_collections.gitops.github.plugins.module_utils._http import GitHubError
from ansible_collections.gitops.github.plugins.module_utils._org_input import roster_from_params
from ansible_collections.gitops.github.plugins.module_utils._org_report import report
from ansible_collections.gitops.github.plugins.module_utils._org_state import OrgState
from ansible_collections.gitops.github.plugins.module_utils._plan import ACTIVE, PENDING, Entry
from ansible_collections.gitops.github.plugins.module_utils._plan_org import plan_roster
from ansible_collections.gitops.github.plugins.module_utils._roster_apply import WritesFailed, apply_roster

from recordings import exchange

NOW = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.timezone.utc)
# GitHub's answer, as recorded (tests/data/recordings): "... is already a part of this organization".
_REAL = exchange('validation-failed-422-with-status')
ALREADY = '%s (%s)' % (_REAL['body']['message'], _REAL['body']['errors'][0]['message'])
LIMIT = 'Validation Failed (Over invitation rate limit)'


def org_with_expired_address():
    members = {'root': Entry('root', 'admin', ACTIVE), 'alice': Entry('alice', 'member', ACTIVE),
               'pat': Entry('pat', 'member', ACTIVE), 'quinn': Entry('quinn', 'member', ACTIVE),
               'ivy': Entry('ivy', 'member', PENDING)}
    org = OrgState('acme', members, failed=['pat@x.org'])
    org.failed_records = {'pat@x.org': [{'id': 9, 'reason': 'expired', 'failed_at': '2026-02-01T00:00:00Z'}]}
    return org


def plan_of(org, **params):
    params = dict({'org': 'acme', 'owners': ['root'], 'members': ['alice', {'email': 'pat@x.org'}],
                   'exclusive': True, 'max_removals': '100%'}, **params)
    roster, problems = roster_from_params(params, now=NOW)
    assert problems == []
    plan = plan_roster(org, roster, own_login='root')
    assert plan.problems == []
    return plan


class Writer(object):
    """Answers each write as told; records the failed-record deletion the real writer makes first."""

    def __init__(self, answers):
        self.answers = answers
        self.sent = []
        self.cleared = None

    def __call__(self, write):
        self.cleared = None
        key = (write.scope, write.action, write.login)
        if write.login == 'pat@x.org' and write.action == 'add':
            self.sent.append(('DELETE', 'failed record of pat@x.org'))
            self.cleared = 'pat@x.org'
        self.sent.append(key)
        answer = self.answers.get(key)
        if answer is not None:
            raise answer
        return None


def run(plan, answers):
    writer = Writer(answers)
    warnings = []
    return apply_roster(plan, writer, client=None, org='acme', warn=warnings.append), writer, warnings


def test_the_plan_sends_the_address_before_any_removal():
    plan = plan_of(org_with_expired_address())
    order = [(w.scope, w.action, w.login) for w in plan.writes]
    assert order == [('org', 'add', 'pat@x.org'), ('org', 'remove', 'ivy'), ('org', 'remove', 'pat'),
                     ('org', 'remove', 'quinn')]


def test_already_a_part_holds_every_removal_of_a_member_but_cancels_invitations():
    plan = plan_of(org_with_expired_address())
    refusal = GitHubError('POST', '/orgs/acme/invitations', 422, ALREADY)
    applied, writer, warnings = run(plan, {('org', 'add', 'pat@x.org'): refusal})
    assert ('org', 'remove', 'pat') not in writer.sent and ('org', 'remove', 'quinn') not in writer.sent
    assert ('org', 'remove', 'ivy') in writer.sent  # a pending invitee is no part of the organization
    assert [w.as_dict() for w in applied.done] == [
        {'scope': 'org', 'team': None, 'action': 'delete_failed_invitation', 'login': 'pat@x.org', 'role': None},
        {'scope': 'org', 'team': None, 'action': 'remove', 'login': 'ivy', 'role': None}]
    assert plan.already_members == ['pat@x.org']
    assert [w.login for w in plan.removals_withheld] == ['pat', 'quinn']
    assert any('not removing pat, quinn in this run' in w for w in warnings), warnings
    result = report(plan, applied.done, applied.state)
    assert result['org']['removals_withheld'] == ['pat', 'quinn']
    assert result['org']['failed_invitations'] == [] and result['org']['removed'] == ['ivy']
    assert 'pat' in applied.state.members and 'quinn' in applied.state.members


def test_an_address_answered_with_an_invitation_lets_the_removals_go_on():
    plan = plan_of(org_with_expired_address())
    applied, writer, _warnings = run(plan, {})
    assert [w.login for w in applied.done] == ['pat@x.org', 'ivy', 'pat', 'quinn']
    assert plan.removals_withheld == []


def test_an_address_deferred_by_githubs_invitation_limit_holds_the_removals_too():
    plan = plan_of(org_with_expired_address())
    refusal = GitHubError('POST', '/orgs/acme/invitations', 422, LIMIT)
    applied, writer, _warnings = run(plan, {('org', 'add', 'pat@x.org'): refusal})
    assert [w.login for w in plan.removals_withheld] == ['pat', 'quinn']
    assert ('org', 'remove', 'pat') not in writer.sent


def test_an_address_deferred_by_max_invitations_holds_the_removals_at_plan_time():
    org = org_with_expired_address()
    org.sent = [(NOW - datetime.timedelta(hours=1)).strftime('%Y-%m-%dT%H:%M:%SZ')]
    plan = plan_of(org, max_invitations=1)
    assert [w.login for w in plan.deferred] == ['pat@x.org']
    assert [(w.action, w.login) for w in plan.writes] == [('remove', 'ivy')]
    assert [w.login for w in plan.removals_withheld] == ['pat', 'quinn']


def test_a_failed_record_deleted_before_a_failure_that_stops_the_run_is_reported():
    plan = plan_of(org_with_expired_address())
    with pytest.raises(WritesFailed) as info:
        run(plan, {('org', 'add', 'pat@x.org'): GitHubError('POST', '/orgs/acme/invitations', 500, 'Server Error')})
    assert [w.as_dict()['action'] for w in info.value.done] == ['delete_failed_invitation']
    assert 'pat@x.org' not in info.value.state.failed and info.value.write.login == 'pat@x.org'
