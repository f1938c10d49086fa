"""Red-team round 21, unit level: the many-organizations task github_org_rosters
(plugins/plugin_utils/_many_orgs.py and its action plugin's ``collect``).

FAILING today (real defects): see the comment of each test marked "DEFECT".
HOLDING today (attacks the code withstands): marked "HOLDS".

GitHub's rules these rely on are the ones _many_orgs.py itself cites: "Best practices for using
the REST API" (make the requests of one caller serially, not concurrently) and the module's own
default api_url (https://api.github.com, plugins/module_utils/_module.py)."""

from __future__ import annotations

import threading
import time

import pytest

from ansible_collections.gitops.github.plugins.action.github_org_rosters import collect
from ansible_collections.gitops.github.plugins.plugin_utils._controller import EngineError
from ansible_collections.gitops.github.plugins.plugin_utils._many_orgs import (
    Job,
    group_by_credentials,
    many_jobs,
    run_groups,
)

TOKEN_A = 'ghp_redteam21_fake_token_a_not_real'
TOKEN_B = 'ghp_redteam21_fake_token_b_not_real'


def job(org, **args):
    return Job({'org': org}, dict(args, org=org))


# DEFECT (🟡 two requests of one caller in flight): the grouping key compares api_url as written.
# An entry that spells out the module's own default (https://api.github.com) and one that leaves
# it unset are the same server and the same token, yet two groups: they run side by side.
def test_one_token_on_the_default_server_spelt_out_or_not_is_one_caller():
    found = [job('north', token=TOKEN_A, api_url='https://api.github.com'), job('south', token=TOKEN_A)]
    assert group_by_credentials(found, {}) == [[0, 1]]


# DEFECT (same): GITHUB_API_URL names the server for one organization, an entry names it with a
# different case of its scheme and host (URLs' scheme and host are case-insensitive, RFC 3986 3.1/3.2.2).
def test_one_token_on_one_server_in_another_case_is_one_caller():
    found = [job('north', token=TOKEN_A, api_url='HTTPS://API.GITHUB.COM'), job('south', token=TOKEN_A)]
    assert group_by_credentials(found, {'GITHUB_API_URL': 'https://api.github.com'}) == [[0, 1]]


# HOLDS: the same URL from the environment and from an entry, with a trailing slash, is one caller.
def test_one_token_from_the_environment_url_and_an_entry_url_is_one_caller():
    found = [job('north', token=TOKEN_A, api_url='https://ghe.example.com/api/v3/'), job('south', token=TOKEN_A)]
    assert group_by_credentials(found, {'GITHUB_API_URL': 'https://ghe.example.com/api/v3'}) == [[0, 1]]


# DEFECT (🟠 which token an organization gets is decided silently): tokens names one
# organization twice in two cases, with two different tokens. The doc says keys match "any case";
# the last key silently wins, so the token used for acme depends on the mapping's order. An
# organization listed twice in any case fails before any request (organizations, membership_file):
# tokens deserves the same.
def test_tokens_naming_one_organization_twice_in_two_cases_is_refused():
    args = {'organizations': [{'org': 'acme', 'members': ['alice']}], 'tokens': {'Acme': TOKEN_A, 'acme': TOKEN_B}}
    with pytest.raises(EngineError) as raised:
        many_jobs(args, loader=None)
    assert 'acme' in str(raised.value).lower()
    assert TOKEN_A not in str(raised.value) and TOKEN_B not in str(raised.value)


# DEFECT (🔴 a token sent where the data says): the module's notes say only the connection
# options are set at the task level, for every organization; an organizations entry (as the
# EXAMPLES pass it, "{{ membership_orgs }}") may still carry api_url, and the task's token then goes
# to that server. Round 20 closed the same door for membership_file entries.
@pytest.mark.parametrize('key, value', [('api_url', 'https://evil.example.com'), ('validate_certs', False)])
def test_an_organizations_entry_cannot_set_connection_options(key, value):
    args = {'organizations': [{'org': 'acme', 'members': ['alice'], key: value}], 'token': TOKEN_A}
    with pytest.raises(EngineError) as raised:
        many_jobs(args, loader=None)
    assert key in str(raised.value)


# DEFECT (🔴 token printed): an organizations entry that carries its own token (accepted: the
# task has no token) is echoed back whole as the result's item, unmasked, so -v and register show it.
def test_a_token_in_an_organizations_entry_is_never_echoed_in_results():
    args = {'organizations': [{'org': 'north', 'token': TOKEN_A, 'members': ['alice']},
                              {'org': 'south', 'token': TOKEN_B, 'members': ['bob']}]}
    try:
        jobs, _workers = many_jobs(args, loader=None)
    except EngineError as refused:  # refusing the key is a fix too, if it does not show the token
        assert TOKEN_A not in str(refused) and TOKEN_B not in str(refused)
        return
    out = collect(jobs, [{'changed': False}, {'changed': False}])
    assert TOKEN_A not in repr(out) and TOKEN_B not in repr(out)


# DEFECT (🟡 crash, results lost): an organization that wrote with write_delay .inf (accepted by the
# module: only a negative value is refused) makes the worker sleep(inf), which raises OverflowError
# outside the per-organization guard; the worker dies and the next organization of that token never
# runs, and the action then crashes on the missing result (KeyError) instead of reporting each.
def test_an_infinite_write_delay_does_not_kill_the_worker_and_lose_the_others():
    found = [job('north', token=TOKEN_A, write_delay=float('inf')), job('south', token=TOKEN_A)]
    ran = []

    def run_one(one):
        ran.append(one.org)
        return {'changed': True}

    results = run_groups(found, [[0, 1]], run_one, workers=1)
    assert sorted(results) == [0, 1]
    assert ran == ['north', 'south']


# HOLDS: a crash of one organization fails it alone; the next of the same token still runs, and
# the task's result names it as failed (no success reported for it).
def test_a_crash_fails_its_organization_alone_and_is_reported():
    found = [job('north', token=TOKEN_A), job('south', token=TOKEN_A)]

    def run_one(one):
        if one.org == 'north':
            raise RuntimeError('boom')
        return {'changed': True}

    results = run_groups(found, group_by_credentials(found, {}), run_one, workers=4)
    out = collect(found, [results[0], results[1]])
    assert out['failed'] is True and out['msg'].startswith('1 of 2 organizations failed: north: ')
    assert [r['failed'] for r in out['results']] == [True, False]


# HOLDS: organizations of one token never overlap, even with many workers; two tokens do.
def test_one_token_never_runs_two_organizations_at_once():
    found = [job('o%d' % n, token=TOKEN_A if n % 2 else TOKEN_B) for n in range(6)]
    active, overlaps, lock = {}, [], threading.Lock()

    def run_one(one):
        token = one.args['token']
        with lock:
            if active.get(token):
                overlaps.append(one.org)
            active[token] = active.get(token, 0) + 1
        time.sleep(0.02)
        with lock:
            active[token] -= 1
        return {'changed': False}

    results = run_groups(found, group_by_credentials(found, {}), run_one, workers=6)
    assert len(results) == 6 and overlaps == []


# HOLDS: every refusal of the task's input names no token.
@pytest.mark.parametrize('args', [
    {'organizations': [{'org': 'acme'}], 'tokens': {'nowhere': TOKEN_A}},
    {'organizations': [{'org': 'acme'}], 'tokens': {'acme': 12345}},
    {'organizations': [{'org': 'acme'}, {'org': 'ACME'}], 'token': TOKEN_A},
    {'organizations': [{'org': 'acme', 'token': TOKEN_B}], 'token': TOKEN_A},
])
def test_refusals_name_no_token(args):
    with pytest.raises(EngineError) as raised:
        many_jobs(args, loader=None)
    assert TOKEN_A not in str(raised.value) and TOKEN_B not in str(raised.value)
