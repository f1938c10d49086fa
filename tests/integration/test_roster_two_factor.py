"""require_two_factor (issue 20 item 4) through real ansible-playbook runs on the simulator:
``report`` lists, ``fail`` turns the task and the drift playbook red (the rest of the plan still
applied), ``remove`` removes the unlisted through the guards of any removal (the token's own user,
min_owners, max_removals counting outside collaborators too), check mode predicts the apply
exactly, and a rerun changes nothing; a token GitHub refuses the filter fails, never "nobody".

The seed is harness.BASE_SEED's acme (owners octo-admin, the token, and erin; members alice, bob,
carol, Mixed-Case; dave invited) with bob without two-factor authentication, carol with an insecure
method, and two outside collaborators on widgets: olivia (no 2FA) and oscar (2FA on).
"""

from __future__ import annotations

import copy
import json

from harness import BASE_SEED, writes
from test_role_playbooks import run, write_file

FILTERED = ('/orgs/acme/members', '/orgs/acme/outside_collaborators')


def two_factor_seed(disabled=('bob',), insecure=('carol',)):
    seed = copy.deepcopy(BASE_SEED)
    seed['users'] = seed['users'] + [{'login': 'olivia', 'two_factor': 'disabled'}, 'oscar']
    org = seed['orgs'][0]
    org['two_factor_disabled'] = list(disabled)
    org['two_factor_insecure'] = list(insecure)
    org['repositories'] = ['docs', {'name': 'widgets', 'collaborators': {'alice': 'push', 'olivia': 'pull', 'oscar': 'pull'}}]
    return seed


def roster_task(name='roster', **args):
    return {'name': name, 'gitops.github.github_org_roster': dict({'org': 'acme'}, **args)}


def filtered_reads(sim):
    return [(e.path, e.query['filter']) for e in sim.log if e.method == 'GET' and e.path in FILTERED and 'filter' in e.query]


def test_report_lists_them_in_four_requests_and_writes_nothing(sim_factory, play):
    sim = sim_factory(two_factor_seed())
    run = play(sim, [roster_task(require_two_factor='report')])
    assert run.rc == 0, run.output
    result = run.task('roster')
    assert result['changed'] is False and writes(sim) == []
    assert result['two_factor'] == {
        'policy': 'report', 'added': [], 'removed': [], 'changed': [], 'kept': [], 'unchecked': [],
        'without': [{'login': 'bob', 'kind': 'member', 'filter': '2fa_disabled'},
                    {'login': 'carol', 'kind': 'member', 'filter': '2fa_insecure'},
                    {'login': 'olivia', 'kind': 'outside_collaborator', 'filter': '2fa_disabled'}]}
    # Pages, not people: one request per filtered list.
    assert sorted(filtered_reads(sim)) == sorted((path, flt) for path in FILTERED for flt in ('2fa_disabled', '2fa_insecure'))


def test_a_token_github_refuses_the_filter_fails_naming_the_owners_token(sim_factory, play):
    sim = sim_factory(two_factor_seed())
    # alice is a plain member: GitHub refuses her the filter (the first request of the task).
    refused = play(sim, [roster_task(require_two_factor='report')], token='sim-token-alice')
    assert refused.rc != 0
    msg = refused.task('roster')['msg']
    assert msg == ("require_two_factor needs an organization owner's token: GitHub refuses filter=2fa_disabled on GET "
                   '/orgs/acme/members (HTTP 422: Only owners can use this filter.); nobody in acme was checked'), msg
    assert [(e.path, e.query.get('filter')) for e in sim.log if e.route != '/graphql'] == [('/orgs/acme/members', '2fa_disabled')]
    assert writes(sim) == []


def test_fail_applies_the_rest_then_fails_and_the_drift_playbook_turns_red(sim_factory, play, collections_path, tmp_path):
    sim = sim_factory(two_factor_seed())
    task = roster_task(require_two_factor='fail', members=['new-hire'])
    checked = play(sim, [task], check=True)
    assert checked.rc != 0 and writes(sim) == []
    predicted = checked.task('roster')
    assert predicted['msg'].startswith('require_two_factor is fail: 3 people in acme have no two-factor authentication')
    assert predicted['changed'] is False  # nothing written in check mode
    assert predicted['changes'] == [{'scope': 'org', 'team': None, 'action': 'add', 'login': 'new-hire', 'role': 'member'}]

    applied = play(sim, [task])
    assert applied.rc != 0
    result = applied.task('roster')
    assert writes(sim) == [('PUT', '/orgs/acme/memberships/new-hire')]
    assert result['changed'] is True and result['changes'] == predicted['changes']
    assert [p['login'] for p in result['two_factor']['without']] == ['bob', 'carol', 'olivia']

    path = write_file(tmp_path, {'membership_orgs': [{'org': 'acme', 'require_two_factor': 'fail'}]})
    report = {'membership_file': path, 'drift_report_json': str(tmp_path / 'drift.json'),
              'drift_report_markdown': str(tmp_path / 'drift.md')}
    drift = run(collections_path, tmp_path, sim, 'gitops.github.drift', report)
    assert drift.rc != 0, drift.output
    assert 'require_two_factor is fail' in drift.output
    assert writes(sim) == [('PUT', '/orgs/acme/memberships/new-hire')]
    data = json.loads((tmp_path / 'drift.json').read_text())
    assert any('require_two_factor is fail' in f['msg'] for f in data['failures'])


def test_remove_protects_the_token_owner_and_the_last_owners(sim_factory, play):
    sim = sim_factory(two_factor_seed(disabled=('octo-admin',), insecure=()))
    refused = play(sim, [roster_task(require_two_factor='remove')])
    assert refused.rc != 0 and writes(sim) == []
    assert 'octo-admin, the user this token belongs to' in refused.task('roster')['msg']
    # A refused run keeps its section: whom it would have removed.
    assert refused.task('roster')['two_factor']['removed'] == [
        {'login': 'octo-admin', 'kind': 'owner'}, {'login': 'olivia', 'kind': 'outside_collaborator'}]

    sim = sim_factory(two_factor_seed(disabled=('erin',), insecure=()))
    refused = play(sim, [roster_task(require_two_factor='remove', min_owners=2)])
    assert refused.rc != 0 and writes(sim) == []
    assert 'Refusing to remove or demote erin' in refused.task('roster')['msg']


def test_remove_counts_outside_collaborators_in_the_budget(sim_factory, play):
    sim = sim_factory(two_factor_seed())
    refused = play(sim, [roster_task(require_two_factor='remove', max_removals=2)], check=True)
    assert refused.rc != 0 and writes(sim) == []
    msg = refused.task('roster')['msg']
    assert 'Refusing to remove 3 people from acme (2 members and invitations, and 1 outside collaborators' in msg, msg
    assert 'max_removals=2 allows 2' in msg


def test_remove_check_mode_equals_apply_and_a_rerun_changes_nothing(sim_factory, play):
    sim = sim_factory(two_factor_seed())
    # carol is listed: the policy keeps her (and warns); bob and olivia are not.
    task = roster_task(require_two_factor='remove', members=['carol'], max_removals=2)
    checked = play(sim, [task], check=True)
    assert checked.rc == 0, checked.output
    assert writes(sim) == []
    predicted = checked.task('roster')
    assert predicted['changed'] is True
    assert predicted['two_factor']['removed'] == [{'login': 'bob', 'kind': 'member'},
                                                  {'login': 'olivia', 'kind': 'outside_collaborator'}]
    assert predicted['two_factor']['kept'] == [{'login': 'carol', 'kind': 'member'}]
    assert any('carol (member) has no secure two-factor authentication' in w for w in predicted['warnings'])

    applied = play(sim, [task])
    assert applied.rc == 0, applied.output
    result = applied.task('roster')
    assert writes(sim) == [('DELETE', '/orgs/acme/memberships/bob'), ('DELETE', '/orgs/acme/outside_collaborators/olivia')]
    for key in ('changes', 'two_factor', 'changed'):
        assert result[key] == predicted[key], key
    assert sim.state.org_role('acme', 'bob') is None
    assert sim.state.team_role('acme', 'platform', 'bob') is None  # the organization removal took him out

    rerun = play(sim, [task])
    assert rerun.rc == 0, rerun.output
    again = rerun.task('roster')
    assert again['changed'] is False and len(writes(sim)) == 2
    assert again['two_factor']['without'] == [{'login': 'carol', 'kind': 'member', 'filter': '2fa_insecure'}]
    assert again['two_factor']['removed'] == []


def test_the_role_passes_the_policy_through_and_refuses_a_bad_one_before_any_request(sim_factory, collections_path, tmp_path):
    sim = sim_factory(two_factor_seed())
    entry = {'org': 'acme', 'require_two_factor': 'yes'}
    refused = run(collections_path, tmp_path, sim, 'gitops.github.apply', {'membership_orgs': [entry]})
    assert refused.rc != 0
    # The role's argument spec names the key first (the validator's own wording is unit-tested).
    assert 'require_two_factor must be one of: report, fail, remove, got: yes' in refused.output, refused.output
    assert sim.log == []

    entry['require_two_factor'] = 'fail'
    failed = run(collections_path, tmp_path, sim, 'gitops.github.apply', {'membership_orgs': [entry]})
    assert failed.rc != 0
    assert 'require_two_factor is fail: 3 people in acme' in failed.output, failed.output
    assert len(filtered_reads(sim)) == 4 and writes(sim) == []
