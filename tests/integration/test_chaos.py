"""Chaos: converge a 500-member org while a fraction of all requests fail at random (seeded).

The simulator fails requests with 502/503/504, dropped connections and short primary and
secondary rate limits. ``gitops.github.github_org_members`` must end in the right state after at
most one rerun, and no write may be applied twice: per run, each (method, path) is answered
without a fault at most once, and over all runs the applied writes are exactly the planned
changes. One run is additionally made to fail half-way (a write past its retry budget), so the
rerun path is always taken.
"""

from __future__ import annotations

from collections import Counter

import pytest
from ghsim import Fault, generate

TOKEN = 'sim-token-bigorg-admin'
ORG = 'bigorg'
WRITE_METHODS = ('PUT', 'DELETE', 'PATCH', 'POST')
CHAOS_KINDS = ('status502', 'status503', 'status504', 'drop', 'primary', 'secondary')

PROMOTED = ['user%05d' % i for i in range(1, 16)]           # member -> admin
KEPT = ['user%05d' % i for i in range(16, 481)]
REMOVED = ['user%05d' % i for i in range(481, 501)]         # not listed: removed
KEPT_INVITES = ['invitee%05d' % i for i in range(1, 6)]
CANCELLED = ['invitee%05d' % i for i in range(6, 11)]       # not listed: invitation cancelled
NEW = ['newbie%02d' % i for i in range(1, 31)]              # invited


def big_seed():
    seed = generate(org=ORG, members=500, owners=1, invitations=10, token=TOKEN)
    seed['users'] = seed['users'] + NEW
    return seed


def wanted_members():
    members = [{'username': '%s-admin' % ORG, 'role': 'admin'}]
    members += [{'username': u, 'role': 'admin'} for u in PROMOTED]
    members += [{'username': u, 'role': 'member'} for u in KEPT + KEPT_INVITES + NEW]
    return members


def path_of(login):
    return '/orgs/%s/memberships/%s' % (ORG, login)


EXPECTED_WRITES = Counter(
    [('PUT', path_of(u)) for u in PROMOTED + NEW] + [('DELETE', path_of(u)) for u in REMOVED + CANCELLED])


def applied_writes(exchanges):
    """Writes the simulator processed (not answered by an injected or chaos fault); a GraphQL query
    is a POST that changes nothing."""
    return Counter((e.method, e.path) for e in exchanges
                   if e.method in WRITE_METHODS and e.fault is None and e.path.split('?')[0] != '/graphql')


def assert_right_state(sim):
    members = {login.lower(): role for login, role in sim.state.org_members(ORG).items()}
    expected = {'%s-admin' % ORG: 'admin'}
    expected.update((u, 'admin') for u in PROMOTED)
    expected.update((u, 'member') for u in KEPT)
    assert members == expected
    for login in KEPT_INVITES + NEW:
        assert sim.state.org_invitation(ORG, login) is not None, login
    for login in CANCELLED:
        assert sim.state.org_invitation(ORG, login) is None, login


@pytest.mark.slow
def test_chaos_converges_a_500_member_org_after_at_most_one_rerun_without_double_writes(sim_factory, play):
    sim = sim_factory(big_seed())
    task = {'name': 'members', 'gitops.github.github_org_members': {
        'org': ORG, 'members': '{{ wanted }}', 'exclusive': True, 'max_removals': '10%',
        'rate_limit_max_wait': 120}}
    play_vars = {'wanted': wanted_members()}

    sim.chaos(0.12, seed=20240611, kinds=CHAOS_KINDS)
    # On top of the chaos, one write fails past its retry budget, so the first run stops half-way.
    sim.inject(Fault('status', status=503, count=4, method='PUT', path=path_of('newbie15') + '$'))

    runs, slices = [], []
    for _dummy in range(2):
        start = len(sim.log)
        run = play(sim, [task], token=TOKEN, play_vars=play_vars)
        runs.append(run)
        slices.append(sim.log[start:])
        if run.rc == 0:
            break

    first = runs[0]
    assert first.rc != 0 and first.results[0]['status'] == 'failed', first.output
    result = first.task('members')
    assert result['msg'].startswith('add newbie15 to bigorg as member: PUT /orgs/bigorg/memberships/newbie15 '
                                    'returned HTTP 503'), result['msg']
    assert result['changed'] is True and result['added'], 'the failure reports what was done before it'
    assert 'Traceback' not in first.stdout + first.stderr

    assert len(runs) == 2 and runs[1].rc == 0, 'converged after one rerun:\n' + runs[-1].output
    second = runs[1].task('members')
    assert set(result['added']) | set(second['added']) == set(NEW)
    assert not set(result['added']) & set(second['added']), 'nobody invited twice'

    chaos_faults = [e for e in sim.log if e.fault and e.fault.startswith('chaos:')]
    assert len({e.fault for e in chaos_faults}) >= 4, 'the chaos hit with several kinds: %s' % Counter(
        e.fault for e in chaos_faults)
    assert any(e.method in WRITE_METHODS for e in chaos_faults), 'some writes were faulted'

    for number, exchanges in enumerate(slices, 1):
        twice = {key: n for key, n in applied_writes(exchanges).items() if n > 1}
        assert not twice, 'run %d applied the same write more than once: %s' % (number, twice)
    assert applied_writes(sim.log) == EXPECTED_WRITES, 'every planned change applied exactly once, nothing else'
    assert_right_state(sim)

    sim.chaos(0)
    before = len(sim.log)
    rerun = play(sim, [task], token=TOKEN, play_vars=play_vars)
    assert rerun.rc == 0, rerun.output
    assert rerun.task('members')['changed'] is False
    assert not [e for e in sim.log[before:] if e.method in WRITE_METHODS]
    # The members were read through the list endpoints, a page at a time, never one GET per user.
    listed = [e for e in sim.log[before:] if e.method == 'GET']
    assert len(listed) <= 12, [(e.path, e.query) for e in listed]


TEAM = 'team-001'
TEAM_MAINTAINER = 'user00001'
TEAM_PROMOTED = ['user%05d' % i for i in range(2, 7)]          # member -> maintainer
TEAM_KEPT = ['user%05d' % i for i in range(7, 141)]
TEAM_REMOVED = ['user%05d' % i for i in range(141, 151)]       # not listed: removed
TEAM_ADDED = ['user%05d' % i for i in range(151, 171)]         # org members: active at once


def team_path(login):
    return '/orgs/%s/teams/%s/memberships/%s' % (ORG, TEAM, login)


@pytest.mark.slow
def test_chaos_converges_a_150_member_team_after_at_most_one_rerun_without_double_writes(sim_factory, play):
    sim = sim_factory(generate(org=ORG, members=300, owners=1, teams=1, team_size=150, token=TOKEN))
    assert len(sim.state.team_members(ORG, TEAM)) == 150
    task = {'name': 'team', 'gitops.github.github_team_members': {
        'org': ORG, 'team': TEAM, 'maintainers': [TEAM_MAINTAINER] + TEAM_PROMOTED,
        'members': TEAM_KEPT + TEAM_ADDED, 'exclusive': True, 'max_removals': '10%', 'rate_limit_max_wait': 120}}
    expected_writes = Counter([('PUT', team_path(u)) for u in TEAM_PROMOTED + TEAM_ADDED]
                              + [('DELETE', team_path(u)) for u in TEAM_REMOVED])

    sim.chaos(0.15, seed=7, kinds=CHAOS_KINDS)
    runs = []
    for _dummy in range(2):
        start = len(sim.log)
        run = play(sim, [task], token=TOKEN)
        twice = {k: n for k, n in applied_writes(sim.log[start:]).items() if n > 1}
        assert not twice, 'a write applied more than once in one run: %s' % twice
        runs.append(run)
        if run.rc == 0:
            break
        assert 'Traceback' not in run.stdout + run.stderr
        assert run.task('team')['msg'], run.output
    assert runs[-1].rc == 0, 'converged after at most one rerun:\n' + runs[-1].output
    assert any(e.fault for e in sim.log if e.method in WRITE_METHODS), 'the chaos hit some writes'

    assert applied_writes(sim.log) == expected_writes
    roles = {login.lower(): role for login, role in sim.state.team_members(ORG, TEAM).items()}
    expected = {u: 'maintainer' for u in [TEAM_MAINTAINER] + TEAM_PROMOTED}
    expected.update((u, 'member') for u in TEAM_KEPT + TEAM_ADDED)
    assert roles == expected

    sim.chaos(0)
    before = len(sim.log)
    rerun = play(sim, [task], token=TOKEN)
    assert rerun.task('team')['changed'] is False, rerun.output
    assert not [e for e in sim.log[before:] if e.method in WRITE_METHODS]
