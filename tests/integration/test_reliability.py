"""GitHub's bad days, through real ansible-playbook runs against the simulator's fault injection.

Transient faults (502/503/504, dropped connections) on reads and writes, primary and secondary
rate limits, the spacing of writes, and bad input that must fail before any request. Waits are
real but short: the client's backoff is 0.5 + 1 + 2 s, and rate-limit faults reset in 1-2 s.

The simulator answers an injected fault *without* applying the write, so a faulted write must be
re-sent exactly once, after a read shows it did not land; the one test where it did land changes
the simulator's state behind the client's back while the client backs off.
"""

from __future__ import annotations

import re
import threading
import time
from datetime import datetime, timezone

from ghsim import Fault

from harness import writes

BOB = '/orgs/acme/memberships/bob'


def member_task(name='membership', **args):
    return {'name': name, 'gitops.github.github_org_membership': dict({'org': 'acme'}, **args)}


def on(sim, path):
    """The exchanges for one exact path, in order."""
    return [e for e in sim.log if e.path == path]


def calls(exchanges):
    """(METHOD, status, fault-or-None) for each exchange: the sequence the client went through."""
    return [(e.method, e.status, e.fault) for e in exchanges]


def no_traceback(run):
    text = run.stdout + run.stderr
    assert 'Traceback' not in text and 'MODULE FAILURE' not in text, run.output


def failed(run, name):
    """The result of task ``name``, which must have failed."""
    found = [r for r in run.results if r['task'] == name]
    assert found and found[-1]['status'] == 'failed', (name, found, run.output)
    return found[-1]['result']


def iso(epoch):
    return datetime.fromtimestamp(int(epoch), tz=timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')


# -- transient faults on reads ------------------------------------------------------------------

def test_read_faults_are_retried_with_backoff_and_the_run_converges(sim, play):
    for fault in (Fault('status', status=502, method='GET', path=BOB + '$'),
                  Fault('status', status=504, method='GET', path=BOB + '$'),
                  Fault('drop', method='GET', path=BOB + '$')):
        sim.inject(fault)

    run = play(sim, [member_task(username='bob', role='admin')])

    assert run.rc == 0, run.output
    assert run.task('membership')['changed'] is True
    assert sim.state.org_role('acme', 'bob') == 'admin'
    seen = on(sim, BOB)
    assert calls(seen) == [('GET', 502, 'status'), ('GET', 504, 'status'), ('GET', 0, 'drop'),
                           ('GET', 200, None), ('PUT', 200, None)]
    gaps = [b.time - a.time for a, b in zip(seen[:3], seen[1:4], strict=True)]
    for gap, backoff in zip(gaps, (0.5, 1.0, 2.0), strict=True):
        assert gap >= backoff, 'retries must back off 0.5, 1 and 2 s, got gaps %s' % gaps
    assert sim.faults == [], 'every injected fault was consumed'


def test_read_faults_past_the_retry_budget_fail_cleanly(sim, play):
    sim.inject(Fault('status', status=503, count=4, method='GET', path=BOB + '$'))
    sim.inject(Fault('drop', count=4, method='GET', path='/memberships/carol$'))
    tasks = [dict(member_task('bob', username='bob', role='admin'), ignore_errors=True),
             dict(member_task('carol', username='carol', role='admin'), ignore_errors=True)]

    run = play(sim, tasks)

    bob, carol = failed(run, 'bob'), failed(run, 'carol')
    assert bob['msg'].startswith('read membership of bob in acme: GET /orgs/acme/memberships/bob returned HTTP 503: '
                                 'Service Unavailable (after 4 attempts)'), bob['msg']
    assert bob['error']['status'] == 503
    assert carol['msg'].startswith('read membership of carol in acme: GET /orgs/acme/memberships/carol failed: '
                                   'connection failed after 4 attempt(s)'), carol['msg']
    assert '\n' not in bob['msg'] and '\n' not in carol['msg'], 'one-line messages'
    no_traceback(run)
    assert calls(on(sim, BOB)) == [('GET', 503, 'status')] * 4, 'three retries, then stop'
    assert len(on(sim, '/orgs/acme/memberships/carol')) == 4
    assert writes(sim) == []
    assert sim.state.org_role('acme', 'bob') == 'member'


# -- transient faults on writes -----------------------------------------------------------------

def _fault_on_write(method, kind, status):
    return Fault(kind, status=status, method=method, path=BOB + '$')


def test_faulted_put_is_verified_then_sent_once_more(sim, play):
    sim.inject(_fault_on_write('PUT', 'status', 502))
    sim.inject(_fault_on_write('PUT', 'drop', None))

    run = play(sim, [member_task(username='bob', role='admin')])

    assert run.rc == 0, run.output
    assert run.task('membership')['changed'] is True
    assert run.task('membership')['membership'] == {'login': 'bob', 'state': 'active', 'role': 'admin'}
    assert sim.state.org_role('acme', 'bob') == 'admin'
    # Before each re-send, a read shows the change is not there yet.
    assert calls(on(sim, BOB)) == [
        ('GET', 200, None),
        ('PUT', 502, 'status'), ('GET', 200, None),
        ('PUT', 0, 'drop'), ('GET', 200, None),
        ('PUT', 200, None),
    ]
    landed = [e for e in on(sim, BOB) if e.method == 'PUT' and e.fault is None]
    assert len(landed) == 1, 'the change was applied exactly once'

    rerun = play(sim, [member_task(username='bob', role='admin')])
    assert rerun.task('membership')['changed'] is False
    assert len(writes(sim)) == 3, 'the rerun writes nothing'


def test_faulted_delete_is_verified_then_sent_once_more(sim, play):
    sim.inject(_fault_on_write('DELETE', 'status', 503))

    run = play(sim, [member_task(username='bob', state='absent')])

    assert run.rc == 0, run.output
    assert run.task('membership')['changed'] is True
    assert sim.state.org_role('acme', 'bob') is None
    assert calls(on(sim, BOB)) == [('GET', 200, None), ('DELETE', 503, 'status'), ('GET', 200, None),
                                   ('DELETE', 204, None)]


def test_a_write_that_landed_despite_the_fault_is_not_sent_again(sim, play):
    """The answer to the PUT is lost, but GitHub applied it: the verify read sees the new role and
    the client must not send the PUT again."""
    sim.inject(_fault_on_write('PUT', 'drop', None))
    applied = threading.Event()

    def apply_behind_the_clients_back():
        deadline = time.time() + 60
        while time.time() < deadline and not applied.is_set():
            if any(e.method == 'PUT' and e.fault for e in on(sim, BOB)):
                with sim.state.lock:
                    sim.state.set_org_role(sim.state.org('acme'), 'bob', 'admin')
                applied.set()
                return
            time.sleep(0.01)

    watcher = threading.Thread(target=apply_behind_the_clients_back, daemon=True)
    watcher.start()
    run = play(sim, [member_task(username='bob', role='admin')])
    applied.set()
    watcher.join(5)

    assert run.rc == 0, run.output
    assert run.task('membership')['changed'] is True
    assert run.task('membership')['membership']['role'] == 'admin'
    assert calls(on(sim, BOB)) == [('GET', 200, None), ('PUT', 0, 'drop'), ('GET', 200, None)]
    assert writes(sim) == [('PUT', BOB)], 'one PUT, the one whose answer was lost'


def test_write_faults_past_the_retry_budget_fail_cleanly_and_change_nothing(sim, play):
    sim.inject(Fault('status', status=503, count=4, method='PUT', path=BOB + '$'))

    run = play(sim, [member_task(username='bob', role='admin')])

    assert run.rc != 0
    result = failed(run, 'membership')
    assert result['msg'].startswith('set membership of bob in acme to admin: PUT /orgs/acme/memberships/bob returned '
                                    'HTTP 503: Service Unavailable (after 4 attempts)'), result['msg']
    assert result.get('changed') is not True
    no_traceback(run)
    assert calls(on(sim, BOB)) == [('GET', 200, None)] + [('PUT', 503, 'status'), ('GET', 200, None)] * 3 + [
        ('PUT', 503, 'status')]
    assert sim.state.org_role('acme', 'bob') == 'member'


# -- rate limits --------------------------------------------------------------------------------

def test_primary_rate_limit_403_and_429_wait_until_the_reset(sim, play):
    sim.inject(Fault('primary', status=403, reset_in=2, method='GET', path=BOB + '$'))
    sim.inject(Fault('primary', status=429, reset_in=2, method='GET', path=BOB + '$'))

    run = play(sim, [member_task(username='bob', role='admin')])

    assert run.rc == 0, run.output
    assert sim.state.org_role('acme', 'bob') == 'admin'
    seen = on(sim, BOB)
    assert calls(seen) == [('GET', 403, 'primary'), ('GET', 429, 'primary'), ('GET', 200, None), ('PUT', 200, None)]
    for limited, following in zip(seen[:2], seen[1:3], strict=True):
        assert limited.response_headers['x-ratelimit-remaining'] == '0'
        reset = int(limited.response_headers['x-ratelimit-reset'])
        assert following.time >= reset, 'sent again %.2f s before the limit reset' % (reset - following.time)


def test_secondary_rate_limit_honours_retry_after_on_reads_and_writes(sim, play):
    sim.inject(Fault('secondary', status=429, retry_after=1, method='GET', path=BOB + '$'))
    sim.inject(Fault('secondary', status=403, retry_after=2, method='PUT', path=BOB + '$'))

    run = play(sim, [member_task(username='bob', role='admin')])

    assert run.rc == 0, run.output
    assert sim.state.org_role('acme', 'bob') == 'admin'
    seen = on(sim, BOB)
    # A rate-limited request was not processed: it is sent again as is, without a verify read.
    assert calls(seen) == [('GET', 429, 'secondary'), ('GET', 200, None), ('PUT', 403, 'secondary'), ('PUT', 200, None)]
    assert seen[1].time - seen[0].time >= 1.0
    assert seen[3].time - seen[2].time >= 2.0
    assert writes(sim) == [('PUT', BOB)] * 2


def test_rate_limits_beyond_rate_limit_max_wait_fail_at_once_naming_the_limit_and_reset(sim, play):
    # No retry-after: GitHub asks for at least 60 s, more than the 30 s we allow.
    sim.inject(Fault('secondary', method='GET', path=BOB + '$'))
    sim.inject(Fault('primary', reset_in=600, method='GET', path='/memberships/carol$'))
    sim.inject(Fault('secondary', retry_after=1, method='GET', path='/memberships/alice$'))
    tasks = [
        dict(member_task('secondary', username='bob', role='admin', rate_limit_max_wait=30), ignore_errors=True),
        dict(member_task('primary', username='carol', role='admin', rate_limit_max_wait=5), ignore_errors=True),
        dict(member_task('never wait', username='alice', role='admin', rate_limit_max_wait=0), ignore_errors=True),
    ]

    started = time.time()
    run = play(sim, tasks)
    elapsed = time.time() - started

    no_traceback(run)
    assert writes(sim) == []
    secondary = failed(run, 'secondary')
    [fault] = on(sim, BOB)
    assert 'retry-after' not in fault.response_headers
    match = re.search(r'GitHub secondary rate limit hit; it resets at (\S+) \(in 60 s\), beyond rate_limit_max_wait '
                      r'\(already waited 0 s\)\. GitHub said: You have exceeded a secondary rate limit', secondary['msg'])
    assert match, secondary['msg']
    assert secondary['msg'].startswith('read membership of bob in acme: GET /orgs/acme/memberships/bob returned HTTP 403')
    assert match.group(1) in (iso(fault.time + 59), iso(fault.time + 60), iso(fault.time + 61))

    primary = failed(run, 'primary')
    [fault] = on(sim, '/orgs/acme/memberships/carol')
    reset = int(fault.response_headers['x-ratelimit-reset'])
    assert 'GitHub primary rate limit hit; it resets at %s' % iso(reset) in primary['msg'], primary['msg']
    assert 'API rate limit exceeded' in primary['msg']
    assert primary['error']['status'] == 403

    never = failed(run, 'never wait')
    assert 'GitHub secondary rate limit hit' in never['msg'] and 'rate_limit_max_wait' in never['msg']
    assert len(on(sim, '/orgs/acme/memberships/alice')) == 1, 'rate_limit_max_wait: 0 never waits'
    assert elapsed < 30, 'none of the three waited (%.1f s)' % elapsed


def test_total_rate_limit_wait_is_bounded_by_rate_limit_max_wait(sim, play):
    sim.inject(Fault('secondary', count=3, retry_after=2, method='GET', path=BOB + '$'))

    run = play(sim, [member_task(username='bob', role='admin', rate_limit_max_wait=5)])

    assert run.rc != 0
    no_traceback(run)
    msg = failed(run, 'membership')['msg']
    assert 'GitHub secondary rate limit hit' in msg and 'beyond rate_limit_max_wait (already waited 4 s)' in msg, msg
    seen = on(sim, BOB)
    assert calls(seen) == [('GET', 403, 'secondary')] * 3, 'waited 2 + 2 s, then a third 2 s would pass the 5 s budget'
    assert seen[1].time - seen[0].time >= 2.0 and seen[2].time - seen[1].time >= 2.0
    assert sim.state.org_role('acme', 'bob') == 'member'


def test_writes_are_spaced_by_write_delay(sim, play):
    task = {'name': 'members', 'gitops.github.github_org_members': {
        'org': 'acme',
        'members': [{'username': 'new-hire', 'role': 'member'}, {'username': 'bob', 'role': 'admin'},
                    {'username': 'frank', 'role': 'member'}],
    }}

    run = play(sim, [task], module_defaults={'write_delay': 0.5})

    assert run.rc == 0, run.output
    assert run.task('members')['changed'] is True
    sent = [e for e in sim.log if e.method in ('PUT', 'DELETE')]
    assert len(sent) == 3, [(e.method, e.path) for e in sent]
    gaps = [b.time - a.time for a, b in zip(sent[:-1], sent[1:], strict=True)]
    assert all(gap >= 0.5 for gap in gaps), 'writes must be at least write_delay apart: %s' % gaps


# -- bad input: clear messages and no request at all -------------------------------------------

def _bad(name, module, **args):
    return {'name': name, 'gitops.github.' + module: args, 'ignore_errors': True}


BAD_INPUT = [
    # (task, substring of the failure message)
    (_bad('double hyphen', 'github_org_membership', org='acme', username='bad--name'),
     "username 'bad--name' is not a valid GitHub login"),
    (_bad('leading hyphen org', 'github_org_membership', org='-acme', username='bob'),
     "org '-acme' is not a valid GitHub login"),
    (_bad('trailing newline', 'github_org_membership', org='acme', username='alice\n'),
     "username 'alice\\n' is not a valid GitHub login"),
    (_bad('path traversal', 'github_org_membership', org='acme', username='../teams'),
     "username '../teams' is not a valid GitHub login"),
    (_bad('too long', 'github_org_membership', org='acme', username='a' * 40),
     'is longer than GitHub allows (39 characters)'),
    (_bad('bad org role', 'github_org_membership', org='acme', username='bob', role='owner'),
     'value of role must be one of: admin, member, got: owner'),
    (_bad('bad slug', 'github_team_membership', org='acme', team='platform/../x', username='bob'),
     "team 'platform/../x' is not a valid team slug"),
    (_bad('both team and team_id', 'github_team_membership', org='acme', team='platform', team_id=7001,
          username='bob'), 'parameters are mutually exclusive: team|team_id'),
    (_bad('neither team nor team_id', 'github_team_membership', org='acme', username='bob'),
     'one of the following is required: team, team_id'),
    (_bad('bad team role', 'github_team_membership', org='acme', team='platform', username='bob', role='admin'),
     'value of role must be one of: member, maintainer, got: admin'),
    (_bad('team_id zero', 'github_team_membership', org='acme', team_id=0, username='bob'),
     'team_id must be a positive number'),
    (_bad('bad login in a list', 'github_org_members', org='acme',
          members=[{'username': 'alice'}, {'username': 'no spaces'}]),
     "members[1].username 'no spaces' is not a valid GitHub login"),
    (_bad('bad role in a list', 'github_org_members', org='acme', members=[{'username': 'alice', 'role': 'owner'}]),
     'value of role must be one of: admin, member, got: owner'),
    (_bad('bad max_removals', 'github_org_members', org='acme', members=[], max_removals='lots'),
     'max_removals'),
    (_bad('bad team list slug', 'github_team_members', org='acme', team='a b', members=['bob']),
     "team 'a b' is not a valid team slug"),
    (_bad('team list both refs', 'github_team_members', org='acme', team='platform', team_id=7001, members=['bob']),
     'parameters are mutually exclusive: team|team_id'),
]


def test_bad_input_fails_with_a_clear_message_before_any_request(sim, play):
    run = play(sim, [task for task, _dummy in BAD_INPUT])

    for task, expected in BAD_INPUT:
        result = failed(run, task['name'])
        assert expected in result['msg'], (task['name'], result['msg'])
    no_traceback(run)
    assert sim.log == [], 'bad input must fail before any request: %s' % [(e.method, e.path) for e in sim.log]


def test_missing_token_fails_before_any_request(sim, play):
    tasks = [
        _bad('org membership', 'github_org_membership', org='acme', username='bob'),
        _bad('team membership', 'github_team_membership', org='acme', team='platform', username='bob'),
        _bad('org members', 'github_org_members', org='acme', members=[{'username': 'bob'}]),
        _bad('team members', 'github_team_members', org='acme', team='platform', members=['bob']),
    ]

    run = play(sim, tasks, token=None)

    for task in tasks:
        msg = failed(run, task['name'])['msg']
        assert msg.startswith('No GitHub credentials: set the token option (or GITHUB_TOKEN or GH_TOKEN in the environment), '
                              'or app_id, app_installation_id and app_private_key for a GitHub App'), msg
    assert sim.log == []
