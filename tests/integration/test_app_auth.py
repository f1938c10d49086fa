"""GitHub App authentication through real ansible-playbook runs against the simulator.

The simulator verifies each JWT with the app's public key; the key pair is generated per test run
and the private key is written only to the test's temporary directory. Every run is also searched
for the private key, the JWTs and the installation tokens.
"""

from __future__ import annotations

import copy
import json

import pytest
from ghsim import generate_app_key

from harness import BASE_SEED, fake_token, writes

APP_ID = 123
CLIENT_ID = 'Iv1.0123456789abcdef'
INSTALLATION_ID = 456
EXCHANGE = '/app/installations/%d/access_tokens' % INSTALLATION_ID
JWT_HEADER = 'eyJhbGciOiJSUzI1NiIs'  # base64 of '{"alg":"RS256",' (PyJWT's header): the start of every JWT sent
MASK = '********'


@pytest.fixture(scope='module')
def keypair():
    return generate_app_key()


@pytest.fixture
def app_sim(sim_factory, keypair):
    seed = copy.deepcopy(BASE_SEED)
    seed['apps'] = [{'id': APP_ID, 'client_id': CLIENT_ID, 'slug': 'membership-bot', 'public_key': keypair[1],
                     'installations': [{'id': INSTALLATION_ID, 'account': 'acme'}]}]
    return sim_factory(seed)


@pytest.fixture
def key_file(tmp_path, keypair):
    path = tmp_path / 'app-key.pem'
    path.write_text(keypair[0])
    path.chmod(0o600)
    return str(path)


def org_task(name, **args):
    return {'name': name, 'gitops.github.github_org_membership': dict({'org': 'acme'}, **args)}


def info_task(name='info', **args):
    return {'name': name, 'gitops.github.github_org_membership_info': dict({'org': 'acme', 'role': 'admin'}, **args),
            'ignore_errors': True}


def app_defaults(private_key, **more):
    return dict({'app_id': str(APP_ID), 'app_installation_id': INSTALLATION_ID, 'app_private_key': private_key}, **more)


def installation_tokens(sim):
    return [e.json()['token'] for e in sim.log if e.path == EXCHANGE and e.status == 201]


def assert_no_secrets(run, sim, private_pem):
    """No key (or a piece of it), JWT or installation token in any output or recorded result."""
    text = run.stdout + run.stderr + json.dumps(run.results)
    body = [line for line in private_pem.splitlines() if not line.startswith('-----')]
    for line in body[:3] + body[-3:]:
        assert line not in text, 'the private key leaked:\n' + run.output
    assert JWT_HEADER not in text, 'a JWT leaked'
    for token in installation_tokens(sim):
        assert token not in text, 'an installation token leaked'
    for record in run.results:
        for key in ('msg', 'error', 'exception', 'module_stderr', 'module_stdout'):
            assert MASK not in json.dumps(record['result'].get(key, '')), (
                'a no_log value reached %r and Ansible masked it: %s' % (key, record['result'][key]))


def test_module_defaults_check_apply_rerun_and_read_back(app_sim, play, keypair):
    sim = app_sim
    defaults = app_defaults(keypair[0])
    promote = org_task('promote', username='bob', role='admin')

    checked = play(sim, [promote], token=None, module_defaults=defaults, check=True, diff=True)
    assert checked.rc == 0, checked.output
    assert checked.task('promote')['changed'] is True
    assert writes(sim) == [('POST', EXCHANGE)], 'check mode makes no write; the token exchange is the only POST'

    applied = play(sim, [promote, info_task()], token=None, module_defaults=defaults, verbosity=4)
    assert applied.rc == 0, applied.output
    assert applied.task('promote')['changed'] is True
    assert sim.state.org_role('acme', 'bob') == 'admin'
    assert {m['login'] for m in applied.task('info')['members']} >= {'octo-admin', 'erin', 'bob'}

    rerun = play(sim, [promote], token=None, module_defaults=defaults)
    assert rerun.task('promote')['changed'] is False

    # One exchange per task run (4), never a GET /user (an app has no user), and every other request
    # carried the installation token (the simulator lets it act as the org's first owner).
    exchanges = [e for e in sim.log if e.path == EXCHANGE]
    assert len(exchanges) == 4 and all(e.status == 201 for e in exchanges)
    assert not [e for e in sim.log if e.path == '/user']
    assert all(e.auth_login == 'octo-admin' for e in sim.log if e.path != EXCHANGE)
    assert writes(sim).count(('PUT', '/orgs/acme/memberships/bob')) == 1
    assert len(set(installation_tokens(sim))) == 4, 'each module run gets its own installation token'
    for run in (checked, applied, rerun):
        assert_no_secrets(run, sim, keypair[0])


def test_environment_with_client_id_and_key_file_at_vvvv(app_sim, play, keypair, key_file):
    sim = app_sim
    env = {'GITHUB_APP_ID': CLIENT_ID, 'GITHUB_APP_INSTALLATION_ID': str(INSTALLATION_ID), 'GITHUB_APP_PRIVATE_KEY': key_file}
    run = play(sim, [org_task('remove', username='carol', state='absent'), org_task('again', username='carol', state='absent')],
               token=None, extra_env=env, verbosity=4, diff=True)
    assert run.rc == 0, run.output
    assert run.task('remove')['changed'] is True and run.task('again')['changed'] is False
    assert sim.state.org_role('acme', 'carol') is None
    assert [e.method for e in sim.log if e.path == EXCHANGE] == ['POST', 'POST']
    assert_no_secrets(run, sim, keypair[0])


def test_key_text_in_the_environment_beats_no_token(app_sim, play, keypair):
    """GITHUB_APP_PRIVATE_KEY may hold the PEM itself, even with its newlines written as \\n."""
    sim = app_sim
    env = {'GITHUB_APP_ID': str(APP_ID), 'GITHUB_APP_INSTALLATION_ID': str(INSTALLATION_ID),
           'GITHUB_APP_PRIVATE_KEY': keypair[0].replace('\n', '\\n')}
    run = play(sim, [info_task()], token=None, extra_env=env, verbosity=4)
    assert run.rc == 0, run.output
    assert_no_secrets(run, sim, keypair[0])


def test_app_options_beat_a_token_in_the_environment(app_sim, play, keypair):
    sim = app_sim
    stray = fake_token()  # unknown to the simulator: using it would fail
    run = play(sim, [info_task()], token=stray, module_defaults=app_defaults(keypair[0]))
    assert run.rc == 0, run.output
    assert [e.path for e in sim.log][0] == EXCHANGE


def test_token_option_and_app_option_are_mutually_exclusive(app_sim, play, keypair):
    sim = app_sim
    run = play(sim, [info_task()], token=None,
               module_defaults=app_defaults(keypair[0], token=fake_token()))
    msg = run.task('info')['msg']
    assert msg.startswith('token and app_id, app_installation_id, app_private_key are mutually exclusive'), msg
    assert sim.log == [], 'fails before any request'
    assert_no_secrets(run, sim, keypair[0])


def test_wrong_key_unknown_installation_and_bad_key_fail_cleanly(app_sim, play, keypair, tmp_path):
    sim = app_sim
    wrong = generate_app_key()[0]
    not_pem = tmp_path / 'not-a-key.txt'
    not_pem.write_text('this is not a key\n')
    tasks = [
        info_task('wrong key', app_private_key=wrong),
        info_task('unknown installation', app_installation_id=999),
        info_task('not a key', app_private_key=str(not_pem)),
    ]
    run = play(sim, tasks, token=None, module_defaults=app_defaults(keypair[0]), verbosity=4)

    statuses = dict((r['task'], r['status']) for r in run.results)
    assert statuses == {'wrong key': 'failed', 'unknown installation': 'failed', 'not a key': 'failed'}, run.output
    wrong_key = run.task('wrong key')
    assert 'could not authenticate as GitHub App 123, installation 456' in wrong_key['msg']
    assert 'HTTP 401: A JSON web token could not be decoded' in wrong_key['msg']
    unknown = run.task('unknown installation')['msg']
    assert 'could not authenticate as GitHub App 123, installation 999' in unknown and 'HTTP 404: Not Found' in unknown
    assert 'check app_installation_id' in unknown
    assert 'names a file that holds no PEM private key' in run.task('not a key')['msg']
    for name in ('wrong key', 'unknown installation', 'not a key'):
        msg = run.task(name)['msg']
        assert '\n' not in msg and 'Traceback' not in msg
    assert [(e.method, e.path, e.status) for e in sim.log] == [
        ('POST', EXCHANGE, 401), ('POST', '/app/installations/999/access_tokens', 404)], 'nothing after a failed exchange'
    assert 'Traceback' not in run.stdout + run.stderr
    assert_no_secrets(run, sim, keypair[0])
    assert_no_secrets(run, sim, wrong)


def test_modules_acting_as_the_user_refuse_an_app(app_sim, play, keypair):
    sim = app_sim
    task = {'name': 'accept', 'gitops.github.github_user_membership': {'org': 'acme'}, 'ignore_errors': True}
    run = play(sim, [task], token=None, module_defaults=app_defaults(keypair[0]))
    assert 'a GitHub App installation has no user' in run.task('accept')['msg']
    assert sim.log == []
