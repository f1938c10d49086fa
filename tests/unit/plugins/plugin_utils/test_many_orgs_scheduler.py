"""Many organizations in one task (issue 21 item 5): which organizations share a caller, the
workers that run them (one after another within a caller, side by side across callers, a crash
failing its organization alone), the pause between writes kept across organizations of one
token, and the task's input refused before any request."""

from __future__ import annotations

import threading
import time

import pytest

from ansible.parsing.dataloader import DataLoader

from ansible_collections.gitops.github.plugins.plugin_utils._controller import EngineError
from ansible_collections.gitops.github.plugins.plugin_utils._many_orgs import (
    Job,
    credentials_key,
    group_by_credentials,
    many_jobs,
    run_groups,
    write_pause,
)

URL = 'https://api.github.com'


def jobs(*tokens, **common):
    return [Job({'org': 'org%d' % n}, dict(common, org='org%d' % n, **({'token': t} if t else {})))
            for n, t in enumerate(tokens)]


def test_organizations_group_by_their_credentials_in_order():
    found = jobs('a', 'b', 'a', None, 'b', api_url=URL)
    assert group_by_credentials(found, {'GITHUB_TOKEN': 'b'}) == [[0, 2], [1, 3, 4]]
    # No credentials at all: each alone (each then fails with the module's message).
    assert group_by_credentials(jobs(None, None), {}) == [[0], [1]]
    # One token is one caller whatever the server's spelling (red team 21, finding 6: the same
    # server may be written in many ways, and GitHub counts per user or app): never two workers.
    two = jobs('a', 'a')
    two[1].args['api_url'] = 'http://localhost:8080'
    two[0].args['api_url'] = 'http://127.0.0.1:8080'
    assert group_by_credentials(two, {}) == [[0, 1]]


def test_an_app_installation_is_one_caller():
    app = {'app_id': '1', 'app_installation_id': '2', 'app_private_key': 'KEY'}
    assert credentials_key(dict(app, api_url=URL), {}) == credentials_key(dict(app, api_url=URL + '/'), {})
    assert credentials_key(dict(app, app_installation_id='3'), {}) != credentials_key(app, {})
    assert credentials_key({'token': 'a', 'app_id': '1'}, {}) is None  # both: the module's error
    assert credentials_key({'token': 12345}, {}) is None  # a wrong type: alone, the module names it


def test_the_pause_between_writes_follows_an_organization_that_wrote():
    assert write_pause({'write_delay': 1.5}, {'changed': True}, check_mode=False) == 1.5
    assert write_pause({}, {'changed': True}, check_mode=False) == 1.0
    assert write_pause({'write_delay': 1.5}, {'changed': False}, check_mode=False) == 0.0
    assert write_pause({'write_delay': 1.5}, {'changed': True}, check_mode=True) == 0.0
    # Never a pause the worker cannot take (many_jobs refuses these before any request).
    assert write_pause({'write_delay': float('inf')}, {'changed': True}, check_mode=False) == 1.0
    assert write_pause({'write_delay': 1e300}, {'changed': True}, check_mode=False) == 3600.0


def test_a_crash_of_the_pause_fails_its_organization_alone():
    def sleep(seconds):
        raise OverflowError('sleep length is too large')

    found = jobs('a', 'a', 'a', write_delay=2)
    ran = []

    def run_one(one):
        ran.append(one.org)
        return {'changed': one.org != 'org1'}

    results = run_groups(found, [[0, 1, 2]], run_one, workers=1, sleep=sleep)
    assert ran == ['org0', 'org2']
    assert results[1] == {'failed': True, 'msg': 'github_org_roster failed: OverflowError: sleep length is too large'}
    assert results[0] == results[2] == {'changed': True}


def test_one_caller_runs_one_organization_at_a_time_and_callers_run_side_by_side():
    found = jobs('a', 'a', 'a', 'b', 'c')
    lock = threading.Lock()
    running, peak, peak_per_token = {}, [0], {}

    def run_one(job):
        token = job.args['token']
        with lock:
            running[token] = running.get(token, 0) + 1
            peak_per_token[token] = max(peak_per_token.get(token, 0), running[token])
            peak[0] = max(peak[0], sum(running.values()))
        time.sleep(0.05)
        with lock:
            running[token] -= 1
        if job.org == 'org1':
            raise RuntimeError('boom')
        return {'changed': job.org == 'org0'}

    slept = []
    results = run_groups(found, group_by_credentials(found, {}), run_one, workers=2, sleep=slept.append)
    assert peak_per_token == {'a': 1, 'b': 1, 'c': 1}
    assert peak[0] == 2
    assert results[1] == {'failed': True, 'msg': 'github_org_roster failed: RuntimeError: boom'}
    assert [results[n].get('changed') for n in (0, 2, 3, 4)] == [True, False, False, False]
    assert slept == [1.0]  # after org0 wrote, before org1 of the same token


def test_one_worker_runs_everything_in_order():
    found = jobs('a', 'b', 'c')
    order = []
    run_groups(found, group_by_credentials(found, {}), lambda job: order.append(job.org) or {}, workers=1)
    assert order == ['org0', 'org1', 'org2']


ORGS = [{'org': 'north', 'members': ['alice']}, {'org': 'South'}]


@pytest.mark.parametrize('args, message', [
    ({}, 'needs exactly one of organizations'),
    ({'organizations': ORGS, 'membership_file': 'x.yml'}, 'needs exactly one of organizations'),
    ({'organizations': {'org': 'north'}}, 'organizations must be a list'),
    ({'organizations': [{'members': []}]}, 'organizations[0] has no org'),
    ({'organizations': ORGS + [{'org': 'SOUTH'}]}, 'organization SOUTH is listed twice (organizations[1] and [2])'),
    ({'organizations': ORGS, 'workers': 0}, 'workers must be a whole number of 1 or more'),
    ({'organizations': ORGS, 'workers': True}, 'workers must be a whole number of 1 or more'),
    ({'organizations': ORGS, 'members': ['bob']}, 'Unsupported parameters for (gitops.github.github_org_rosters) module: members'),
    ({'organizations': ORGS, 'tokens': ['x']}, 'tokens must be a mapping'),
    ({'organizations': ORGS, 'tokens': {'west': 'sekrit-token'}}, 'tokens names organizations the task does not converge: west'),
    ({'organizations': [{'org': 'north', 'return_current': True}], 'return_current': False},
     'return_current set both in the task and in the entry of north in organizations'),
    # Red team 21: connection options are the task's only, the key named, never the value.
    ({'organizations': [{'org': 'north', 'token': 'sekrit-token'}]}, 'organizations[0] (north) sets token: the connection options'),
    ({'organizations': [{'org': 'north'}, {'org': 'south', 'app_private_key': 'sekrit-token', 'ca_path': '/x'}]},
     'organizations[1] (south) sets app_private_key, ca_path: the connection options'),
    ({'organizations': ORGS, 'tokens': {'North': 'sekrit-token', 'NORTH': 'sekrit-token'}},
     'tokens names one organization more than once (keys match in any case): North and NORTH'),
    ({'organizations': ORGS, 'write_delay': float('inf')}, 'write_delay must be a number of seconds from 0 to 3600, got inf'),
    ({'organizations': ORGS, 'write_delay': '1e9'}, 'write_delay must be a number of seconds from 0 to 3600, got 1e9'),
    ({'organizations': ORGS, 'write_delay': -1}, 'write_delay must be a number of seconds from 0 to 3600, got -1'),
    ({'organizations': ORGS, 'write_delay': 'soon'}, 'write_delay must be a number of seconds from 0 to 3600'),
])
def test_bad_input_is_refused_naming_the_key(args, message):
    with pytest.raises(EngineError) as caught:
        many_jobs(args, DataLoader())
    assert message in str(caught.value)
    assert 'sekrit-token' not in str(caught.value)


def test_each_organization_gets_the_task_options_and_its_own_token():
    found, workers = many_jobs({'organizations': ORGS, 'token': 'shared', 'tokens': {'south': 'own'}, 'workers': '3',
                                'api_url': URL}, DataLoader())
    assert workers == 3
    assert [(j.org, j.args['token'], j.args['api_url'], j.item) for j in found] == [
        ('north', 'shared', URL, ORGS[0]), ('South', 'own', URL, ORGS[1])]
    assert found[0].args['members'] == ['alice'] and 'tokens' not in found[0].args and found[0].from_file == []


def test_a_membership_file_gives_every_organization_with_only_org_as_its_item(tmp_path):
    path = tmp_path / 'membership.yml'
    path.write_text('membership_orgs:\n  - org: north\n    members: [alice]\n  - org: south\n')
    found, workers = many_jobs({'membership_file': str(path)}, DataLoader())
    assert workers == 4
    assert [(j.item, j.from_file) for j in found] == [({'org': 'north'}, ['members']), ({'org': 'south'}, [])]
    assert found[0].args == {'org': 'north', 'members': ['alice']}
