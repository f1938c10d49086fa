"""github_org_members through real ansible-playbook runs against the simulator.

The base seed's acme: owners octo-admin (the token) and erin; members alice, bob, carol,
Mixed-Case; a pending invitation for dave.
"""

from __future__ import annotations

from ghsim import Fault

from harness import writes


def members_task(members, name='members', **args):
    return {'name': name, 'gitops.github.github_org_members': dict({'org': 'acme', 'members': members}, **args)}


def m(login, role='member'):
    return {'username': login, 'role': role}


WANTED = [m('octo-admin', 'admin'), m('erin', 'admin'), m('alice', 'admin'), m('bob'), m('mixed-case'), m('dave'),
          m('new-hire')]
EXPECTED_CHANGES = [
    {'action': 'role', 'login': 'alice', 'role': 'admin'},
    {'action': 'add', 'login': 'new-hire', 'role': 'member'},
    {'action': 'remove', 'login': 'carol', 'role': None},
]
EXPECTED_WRITES = [
    ('PUT', '/orgs/acme/memberships/alice'),
    ('PUT', '/orgs/acme/memberships/new-hire'),
    ('DELETE', '/orgs/acme/memberships/carol'),
]


def test_exclusive_check_apply_rerun_and_read_back(sim, play):
    task = members_task(WANTED, exclusive=True)

    checked = play(sim, [task], check=True, diff=True)
    assert checked.rc == 0, checked.output
    predicted = checked.task('members')
    assert predicted['changed'] is True
    assert predicted['changes'] == EXPECTED_CHANGES
    assert writes(sim) == [], 'check mode must not write'
    assert '"carol": "member"' in checked.stdout and '"new-hire": "member (pending)"' in checked.stdout

    applied = play(sim, [task], diff=True)
    assert applied.rc == 0, applied.output
    result = applied.task('members')
    assert result['changes'] == predicted['changes'], 'check mode predicts exactly what the run does'
    assert writes(sim) == EXPECTED_WRITES
    assert (result['added'], result['removed'], result['role_changed']) == (['new-hire'], ['carol'], ['alice'])
    assert result['pending'] == ['dave', 'new-hire']
    assert result['diff'] == predicted['diff']
    assert sim.state.org_role('acme', 'alice') == 'admin'
    assert sim.state.org_role('acme', 'carol') is None
    assert sim.state.org_invitation('acme', 'new-hire')['role'] == 'direct_member'
    assert sim.state.org_role('acme', 'Mixed-Case') == 'member', 'case-insensitive: no change for mixed-case'

    before = len(sim.log)
    rerun = play(sim, [task])
    assert rerun.task('members')['changed'] is False, rerun.output
    assert writes(sim) == EXPECTED_WRITES, 'an idempotent rerun writes nothing'
    assert rerun.task('members')['api_requests'] == 3
    assert len(sim.log) - before == 3, 'a converge reads three lists, one page each'

    checked_again = play(sim, [task], check=True)
    assert checked_again.task('members')['changed'] is False

    info = play(sim, [{'name': 'info', 'gitops.github.github_org_membership_info': {'org': 'acme', 'include_invitations': True}}])
    got = info.task('info')
    assert {(x['login'], x['role']) for x in got['members']} == {
        ('octo-admin', 'admin'), ('erin', 'admin'), ('alice', 'admin'), ('bob', 'member'), ('Mixed-Case', 'member')}
    assert sorted((x['login'], x['role'], x['failed']) for x in got['invitations']) == [
        ('dave', 'member', False), ('new-hire', 'member', False)]


def test_not_exclusive_only_adds(sim, play):
    run = play(sim, [members_task([m('new-hire'), m('Bob')])])
    result = run.task('members')
    assert result['added'] == ['new-hire'] and result['removed'] == []
    assert writes(sim) == [('PUT', '/orgs/acme/memberships/new-hire')]


def test_max_removals_fails_before_any_write_then_allows(sim, play):
    owners_only = [m('octo-admin', 'admin'), m('erin', 'admin')]
    run = play(sim, [members_task(owners_only, exclusive=True)])
    assert run.rc != 0
    failed = run.task('members')
    # 7 current (2 owners, 4 members, 1 invitation): 25% allows 1, 5 would go.
    assert 'Refusing to remove 5 of the 7 members and invitations of acme: max_removals=25% allows 1' in failed['msg']
    assert writes(sim) == []

    checked = play(sim, [members_task(owners_only, exclusive=True, max_removals='4')], check=True)
    assert checked.rc != 0 and 'allows 4' in checked.task('members')['msg']

    run = play(sim, [members_task(owners_only, exclusive=True, max_removals=5)])
    assert run.rc == 0, run.output
    assert sorted(run.task('members')['removed'], key=str.lower) == ['alice', 'bob', 'carol', 'dave', 'Mixed-Case']
    assert sim.state.org_members('acme') == {'erin': 'admin', 'octo-admin': 'admin'}
    assert sim.state.org_invitation('acme', 'dave') is None, 'the unlisted invitation is cancelled'


def test_pending_invitation_counts_as_present_and_a_role_change_is_one_put(sim, play):
    task = members_task([m('dave', 'admin')])
    run = play(sim, [task])
    assert run.task('members')['role_changed'] == ['dave']
    assert run.task('members')['pending'] == ['dave']
    assert sim.state.org_invitation('acme', 'dave')['role'] == 'admin'
    rerun = play(sim, [task])
    assert rerun.task('members')['changed'] is False
    assert writes(sim) == [('PUT', '/orgs/acme/memberships/dave')]


def test_owner_self_protection(sim, play):
    others = [m('erin', 'admin'), m('alice'), m('bob'), m('carol'), m('Mixed-Case'), m('dave')]
    run = play(sim, [members_task(others, exclusive=True)])
    assert run.rc != 0
    assert 'Refusing to remove octo-admin, the user this token belongs to' in run.task('members')['msg']
    demote = play(sim, [members_task([m('octo-admin')])])
    assert 'Refusing to demote octo-admin' in demote.task('members')['msg']
    assert writes(sim) == []


def test_failure_midway_reports_progress_and_a_rerun_finishes(sim, play):
    task = members_task([m('frank'), m('new-hire'), m('erin', 'admin'), m('alice', 'admin')])
    sim.inject(Fault('status', count=1, method='PUT', path='/memberships/new-hire$', status=500))
    run = play(sim, [task])
    assert run.rc != 0
    failed = run.task('members')
    assert failed['msg'].startswith('add new-hire to acme as member: PUT /orgs/acme/memberships/new-hire returned HTTP 500')
    assert failed['role_changed'] == ['alice'], 'owners were written first'
    assert failed['added'] == ['frank']
    assert failed['changed'] is True
    assert failed['pending'] == ['dave', 'frank']

    rerun = play(sim, [task])
    assert rerun.rc == 0, rerun.output
    assert rerun.task('members')['added'] == ['new-hire']
    assert rerun.task('members')['role_changed'] == []
    assert writes(sim) == [
        ('PUT', '/orgs/acme/memberships/alice'),
        ('PUT', '/orgs/acme/memberships/frank'),
        ('PUT', '/orgs/acme/memberships/new-hire'),   # the failed one
        ('PUT', '/orgs/acme/memberships/new-hire'),   # the rerun
    ]


def test_a_dropped_write_is_checked_before_it_is_sent_again(sim, play):
    sim.inject(Fault('drop', count=1, method='PUT', path='/memberships/new-hire$'))
    run = play(sim, [members_task([m('new-hire')])])
    assert run.rc == 0, run.output
    assert run.task('members')['added'] == ['new-hire']
    put_or_get = [(e.method, e.fault is not None) for e in sim.log if e.path == '/orgs/acme/memberships/new-hire']
    assert put_or_get[0] == ('PUT', True)
    assert put_or_get[1] == ('GET', False), 'a read decides whether the write landed'
    assert sum(1 for method, fault in put_or_get if method == 'PUT' and not fault) <= 1, 'never applied twice'
    assert sim.state.org_invitation('acme', 'new-hire') is not None


def test_bad_input_fails_before_any_request(sim, play):
    run = play(sim, [members_task([m('alice'), m('ALICE', 'admin')])])
    assert run.rc != 0
    assert 'ALICE is listed both as member (members[0].username) and as admin (members[1].username)' in run.task('members')['msg']
    assert sim.log == []
