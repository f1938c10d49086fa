"""The two-factor policy (require_two_factor, issue 20 item 4): the pure decisions of _two_factor
(who is removed, who is kept, the budget, the result's section, the failure), the plan's guards on
the removals it adds, the validator's check, and the reader's exact requests, paging faults and
refusals (_two_factor_reader, HTTP stubbed with ``responses``)."""

from __future__ import annotations

import pytest
import responses

from ansible_collections.gitops.github.plugins.module_utils._http import GitHubClient, GitHubError
from ansible_collections.gitops.github.plugins.module_utils._membership_data import entry_problems
from ansible_collections.gitops.github.plugins.module_utils._org_guards import guard_problems
from ansible_collections.gitops.github.plugins.module_utils._org_input import roster_from_params
from ansible_collections.gitops.github.plugins.module_utils._org_predict import execute
from ansible_collections.gitops.github.plugins.module_utils._org_state import OrgState
from ansible_collections.gitops.github.plugins.module_utils._plan import ACTIVE, ORG, PENDING, REMOVE, Entry
from ansible_collections.gitops.github.plugins.module_utils._plan_org import plan_roster
from ansible_collections.gitops.github.plugins.module_utils import _two_factor as tf
from ansible_collections.gitops.github.plugins.module_utils._two_factor_reader import (
    Lists,
    TwoFactorRefused,
    read_two_factor,
    two_factor_of,
)

API = 'https://api.github.com'
MEMBERS = API + '/orgs/acme/members'
OUTSIDE = API + '/orgs/acme/outside_collaborators'


def state(ghes=False):
    members = {
        'root': Entry('root', 'admin', ACTIVE),
        'erin': Entry('erin', 'admin', ACTIVE),
        'alice': Entry('alice', 'member', ACTIVE),
        'bob': Entry('Bob', 'member', ACTIVE),
        'dave': Entry('dave', 'member', PENDING),
    }
    return OrgState('acme', members, {}, ghes=ghes)


def roster(**params):
    params.setdefault('org', 'acme')
    found, problems = roster_from_params(params)
    assert problems == []
    return found


def without(policy, members=(), outside=(), insecure=()):
    return tf.found(policy, {'2fa_disabled': list(members), '2fa_insecure': list(insecure)},
                    {'2fa_disabled': list(outside)}, state())


def removals(plan):
    return [w.login for w in plan.writes if w.scope == ORG and w.action == REMOVE]


# -- the pure decisions -----------------------------------------------------------------------------

def test_kinds_come_from_the_state_and_someone_in_both_lists_is_listed_once():
    found = without('report', members=['erin', 'Bob'], outside=['olivia'], insecure=['bob', 'alice'])
    assert found.without == [{'login': 'erin', 'kind': 'owner', 'filter': '2fa_disabled'},
                             {'login': 'Bob', 'kind': 'member', 'filter': '2fa_disabled'},
                             {'login': 'alice', 'kind': 'member', 'filter': '2fa_insecure'},
                             {'login': 'olivia', 'kind': 'outside_collaborator', 'filter': '2fa_disabled'}]


@pytest.mark.parametrize('policy', ['report', 'fail'])
def test_report_and_fail_remove_nobody(policy):
    found = without(policy, members=['bob'], outside=['olivia'])
    plan = plan_roster(state(), roster(require_two_factor=policy), own_login='root', two_factor=found)
    assert plan.writes == [] and tf.outside_removals(found, []) == []
    assert tf.section(found, plan.writes)['removed'] == []


def test_remove_plans_the_unlisted_and_keeps_the_listed():
    found = without('remove', members=['alice', 'bob'], outside=['olivia', 'Otto'])
    plan = plan_roster(state(), roster(members=['alice'], owners=['root', 'erin'], require_two_factor='remove'),
                       own_login='root', two_factor=found)
    assert removals(plan) == ['Bob']
    assert tf.outside_removals(found, tf.outside_listed(['otto', {'login': 'nobody'}])) == ['olivia']
    assert found.kept == [{'login': 'alice', 'kind': 'member'}, {'login': 'Otto', 'kind': 'outside_collaborator'}]
    section = tf.section(found, plan.writes)
    assert section['removed'] == [{'login': 'Bob', 'kind': 'member'}, {'login': 'olivia', 'kind': 'outside_collaborator'}]
    assert section['policy'] == 'remove' and section['added'] == [] and section['changed'] == []
    assert [w for w in tf.warnings(found, 'acme') if 'alice' in w]


def test_a_team_listing_keeps_a_person_too_and_the_team_removal_goes_with_the_org_removal():
    found = without('remove', members=['alice', 'bob'])
    teams = [{'team': 'web', 'members': ['alice']}]
    st = state()
    from ansible_collections.gitops.github.plugins.module_utils._org_state import TeamState
    st.teams = {'web': TeamState('web', 7, None, 'web', None, 'closed',
                                 {'alice': Entry('alice', 'member', ACTIVE), 'bob': Entry('Bob', 'member', ACTIVE)})}
    plan = plan_roster(st, roster(teams=[dict(teams[0], exclusive=True)], require_two_factor='remove'),
                       own_login='root', two_factor=found)
    assert removals(plan) == ['Bob']
    # No team write for bob: the organization removal takes him out of web.
    assert [w.login for w in plan.writes if w.scope != ORG] == []
    assert plan.teams['web'].left_with_org == ['Bob']


def test_an_exclusive_removal_is_not_planned_twice_and_a_pending_invitee_is_not_touched():
    found = tf.found('remove', {'2fa_disabled': ['bob', 'dave']}, {}, state())
    plan = plan_roster(state(), roster(owners=['root', 'erin'], members=['alice', 'dave'], exclusive=True,
                                       require_two_factor='remove'), own_login='root', two_factor=found)
    assert removals(plan) == ['Bob']
    found = tf.found('remove', {'2fa_disabled': ['dave']}, {}, state())
    assert removals(plan_roster(state(), roster(require_two_factor='remove'), own_login='root', two_factor=found)) == []


def test_the_same_guards_protect_the_token_owner_the_last_owners_and_the_budget():
    # The token's own user, unlisted and without two-factor authentication.
    found = without('remove', members=['root'])
    plan = plan_roster(state(), roster(require_two_factor='remove'), own_login='root', two_factor=found)
    assert any('the user this token belongs to' in p for p in guard_problems(plan, 'root'))
    # Both owners: min_owners (1) would be left with none.
    found = without('remove', members=['root', 'erin'])
    plan = plan_roster(state(), roster(require_two_factor='remove', allow_self=True, max_removals=10),
                       own_login='root', two_factor=found)
    assert any('min_owners=1' in p for p in guard_problems(plan, 'root'))
    # The budget: 2 of 5 with max_removals=1.
    found = without('remove', members=['alice', 'bob'])
    plan = plan_roster(state(), roster(require_two_factor='remove', max_removals=1), own_login='root', two_factor=found)
    assert any('max_removals=1 allows 1' in p for p in guard_problems(plan, 'root'))
    # ... and with allow_self, the token's user alone passes (an owner is left).
    found = without('remove', members=['root'])
    plan = plan_roster(state(), roster(require_two_factor='remove', allow_self=True), own_login='root', two_factor=found)
    assert guard_problems(plan, 'root') == [] and plan.writes[-1].phase == 'self'


def test_outside_collaborators_count_in_the_organizations_budget():
    found = without('remove', members=['bob'], outside=['olivia', 'oscar'])
    tf.outside_removals(found, [])
    problem = tf.budget_refusal(found, 1, 5, 2, 'acme')
    assert problem.startswith('Refusing to remove 3 people from acme (1 members and invitations, and 2 outside collaborators')
    assert tf.budget_refusal(found, 1, 5, 3, 'acme') is None
    assert tf.budget_refusal(found, 0, 5, '25%', 'acme') is not None  # 25% of 5 rounds to 1
    assert tf.budget_refusal(without('remove', members=['bob']), 1, 5, 0, 'acme') is None  # the org's own guard


def test_check_mode_predicts_exactly_the_removals_apply_makes():
    found = without('remove', members=['alice', 'bob'])
    plan = plan_roster(state(), roster(require_two_factor='remove', max_removals=2), own_login='root', two_factor=found)
    done, after = execute(plan, lambda write: None)
    assert [w.login for w in done] == ['alice', 'Bob']
    assert 'alice' not in after.members and 'bob' not in after.members
    assert tf.section(found, done)['removed'] == tf.section(found, plan.writes)['removed']


def test_fail_names_everyone_and_report_never_fails():
    found = without('fail', members=['bob'], outside=['olivia'])
    assert tf.failure(found, 'acme') == ('require_two_factor is fail: 2 people in acme have no two-factor authentication or an '
                                         'insecure one: bob (member, 2fa_disabled), olivia (outside_collaborator, 2fa_disabled)')
    assert tf.failure(without('fail'), 'acme') is None
    assert tf.failure(without('report', members=['bob']), 'acme') is None


@pytest.mark.parametrize('value,problem', [
    (True, 'require_two_factor must be one of report, fail, remove, got the boolean True'),
    ('warn', "require_two_factor must be one of report, fail, remove, got 'warn'"),
    (['remove'], 'require_two_factor must be one of report, fail, remove, got a list'),
])
def test_the_validator_names_the_key(value, problem):
    assert entry_problems({'org': 'acme', 'require_two_factor': value}) == [problem]


@pytest.mark.parametrize('value', [None, 'report', 'fail', 'remove'])
def test_the_validator_takes_the_policies(value):
    assert entry_problems({'org': 'acme', 'require_two_factor': value}) == []


# -- the reader -------------------------------------------------------------------------------------

def client(ghes=False):
    url = 'https://ghes.example/api/v3' if ghes else API
    return GitHubClient(api_url=url, token='unit-test', write_delay=0, sleep=lambda seconds: None)


def sent():
    return [c.request.path_url for c in responses.calls]


def users(*logins):
    return [{'login': login, 'id': i + 1} for i, login in enumerate(logins)]


@responses.activate
def test_four_lists_every_page_followed():
    page2 = MEMBERS + '?filter=2fa_disabled&per_page=100&page=2'
    responses.get(MEMBERS, match=[responses.matchers.query_param_matcher({'filter': '2fa_disabled', 'per_page': '100'})],
                  json=users('alice'), headers={'Link': '<%s>; rel="next"' % page2})
    responses.get(page2, json=users('Bob'))
    responses.get(OUTSIDE, match=[responses.matchers.query_param_matcher({'filter': '2fa_disabled', 'per_page': '100'})],
                  json=users('olivia'))
    responses.get(MEMBERS, match=[responses.matchers.query_param_matcher({'filter': '2fa_insecure', 'per_page': '100'})],
                  json=users('erin'))
    responses.get(OUTSIDE, match=[responses.matchers.query_param_matcher({'filter': '2fa_insecure', 'per_page': '100'})],
                  json=[])
    found = read_two_factor(client(), 'acme', 'report', state(), 'root')
    assert [(p['login'], p['kind'], p['filter']) for p in found.without] == [
        ('alice', 'member', '2fa_disabled'), ('Bob', 'member', '2fa_disabled'), ('erin', 'owner', '2fa_insecure'),
        ('olivia', 'outside_collaborator', '2fa_disabled')]
    assert len(sent()) == 5 and found.unchecked == []


@pytest.mark.parametrize('status', [403, 422])
@responses.activate
def test_a_refused_filter_fails_never_reads_as_nobody(status):
    responses.get(MEMBERS, status=status, json={'message': 'Only owners can use this filter.'})
    with pytest.raises(TwoFactorRefused) as info:
        read_two_factor(client(), 'acme', 'report', state(), None)
    assert str(info.value) == ("require_two_factor needs an organization owner's token: GitHub refuses filter=2fa_disabled on "
                               'GET /orgs/acme/members (HTTP %d: Only owners can use this filter.); nobody in acme was checked'
                               % status)


@pytest.mark.parametrize('login', ['alice', 'dave'])
def test_an_answer_to_a_plain_or_pending_members_token_is_not_trusted(login):
    lists = Lists()
    lists.members = {'2fa_disabled': []}  # an empty answer: it must not read as "nobody"
    with pytest.raises(TwoFactorRefused, match='%s, the user this token belongs to, as a (active|pending) member' % login):
        two_factor_of('acme', 'report', lists, state(), login)
    assert two_factor_of('acme', 'report', lists, state(), 'erin').without == []


@pytest.mark.parametrize('page', [{'message': 'oops'}, [{'id': 3}], ['bob']])
@responses.activate
def test_a_malformed_page_fails_the_read(page):
    responses.get(MEMBERS, json=page)
    with pytest.raises(GitHubError):
        read_two_factor(client(), 'acme', 'remove', state(), 'root')


@responses.activate
def test_a_paging_loop_fails_the_read():
    first = MEMBERS + '?filter=2fa_disabled&per_page=100'
    responses.get(MEMBERS, json=users('bob'), headers={'Link': '<%s>; rel="next"' % first})
    with pytest.raises(GitHubError, match='pagination loop'):
        read_two_factor(client(), 'acme', 'remove', state(), 'root')


@responses.activate
def test_a_server_error_on_a_later_list_is_not_taken_for_a_refusal():
    responses.get(MEMBERS, json=[])
    responses.get(OUTSIDE, status=422, json={'message': 'Validation Failed'})
    with pytest.raises(GitHubError) as info:
        read_two_factor(client(), 'acme', 'remove', state(), 'root')
    assert not isinstance(info.value, TwoFactorRefused)


@responses.activate
def test_a_ghes_without_2fa_insecure_is_reported_unchecked():
    base = 'https://ghes.example/api/v3/orgs/acme/'
    for path in ('members', 'outside_collaborators'):
        responses.get(base + path, match=[responses.matchers.query_param_matcher({'filter': '2fa_disabled', 'per_page': '100'})],
                      json=users('bob') if path == 'members' else [])
    responses.get(base + 'members', match=[responses.matchers.query_param_matcher({'filter': '2fa_insecure', 'per_page': '100'})],
                  status=422, json={'message': 'Validation Failed'})
    found = read_two_factor(client(ghes=True), 'acme', 'report', state(ghes=True), 'root')
    assert [p['login'] for p in found.without] == ['bob']
    assert found.unchecked and 'filter=2fa_insecure is not checked' in found.unchecked[0]
