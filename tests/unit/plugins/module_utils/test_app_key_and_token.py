"""GitHub App authentication: key loading, the JWT, the one token exchange, its errors, which
credentials win, and module start-up checks. Keys are generated at test time; none is stored."""

from __future__ import annotations

import builtins
import json
import os
import subprocess
import sys
import time
from datetime import datetime, timezone

import jwt
import pytest
import requests
import responses
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from ghsim import generate_app_key
from responses import matchers
from urllib3.exceptions import MaxRetryError, NewConnectionError, ProtocolError

from ansible_collections.gitops.github.plugins.module_utils import _app_auth
from ansible_collections.gitops.github.plugins.module_utils._app_auth import (
    AppAuthError,
    AppKeyError,
    GitHubApp,
    load_app_private_key,
)
from ansible_collections.gitops.github.plugins.module_utils._http import GitHubClient, GitHubError
from ansible_collections.gitops.github.plugins.module_utils._module import CredentialsError, choose_credentials

from module_runner import CREDENTIAL_ENV, run_main

from fake_clock import FakeTime  # tests/ is on pytest's pythonpath

API = 'https://api.github.com'
EXCHANGE = API + '/app/installations/456/access_tokens'
MEMBERSHIP = API + '/orgs/acme/memberships/bob'
NOW = 1_700_000_000.0
# PEM armour built at run time, so that no key-shaped text sits in the repository.
BEGIN_RSA, END_RSA = '-----BEGIN ' + 'RSA PRIVATE KEY-----', '-----END ' + 'RSA PRIVATE KEY-----'
INSTALLATION_TOKEN = 'ghs_' + 'unitTestInstallationToken0123456789'[:36]


@pytest.fixture(scope='module')
def keypair():
    return generate_app_key()


@pytest.fixture
def private_pem(keypair):
    return keypair[0]


@pytest.fixture
def public_pem(keypair):
    return keypair[1]


def stamp(epoch):
    return datetime.fromtimestamp(epoch, tz=timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')


def token_answer(token=INSTALLATION_TOKEN, expires=NOW + 3600):
    """The exchange's 201 body; modules run on the real clock: ``expires=None`` is an hour from now."""
    expires = time.time() + 3600 if expires is None else expires
    return {'token': token, 'expires_at': stamp(expires), 'permissions': {'members': 'write', 'metadata': 'read'},
            'repository_selection': 'all'}


def make(private_pem, app_id='123', fake=None, **kwargs):
    fake = fake or FakeTime()
    kwargs.setdefault('write_delay', 0)
    app = GitHubApp(app_id, 456, private_pem)
    return GitHubClient(api_url=API, app=app, sleep=fake.sleep, clock=fake.clock, **kwargs), fake


def bearer(call):
    return call.request.headers['Authorization'][len('Bearer '):]


def assert_no_secret(text, private_pem, *more):
    body = ''.join(line for line in private_pem.splitlines() if not line.startswith('-----'))
    assert body[:40] not in text and body[-40:] not in text, 'the private key leaked'
    for secret in more:
        assert secret not in text


# -- the exchange ----------------------------------------------------------------------------

@responses.activate
def test_exchanges_once_then_every_request_uses_the_installation_token(private_pem):
    responses.post(EXCHANGE, status=201, json=token_answer(), match=[matchers.header_matcher({
        'Accept': 'application/vnd.github+json', 'X-GitHub-Api-Version': '2022-11-28'})])
    responses.get(MEMBERSHIP, json={'state': 'active', 'role': 'member'},
                  match=[matchers.header_matcher({'Authorization': 'Bearer ' + INSTALLATION_TOKEN})])
    responses.put(MEMBERSHIP, json={'state': 'active', 'role': 'admin'},
                  match=[matchers.header_matcher({'Authorization': 'Bearer ' + INSTALLATION_TOKEN})])
    client, _fake = make(private_pem)

    assert client.get('/orgs/acme/memberships/bob').data['role'] == 'member'
    assert client.get('/orgs/acme/memberships/bob').data['role'] == 'member'
    assert client.request('PUT', '/orgs/acme/memberships/bob', json={'role': 'admin'}).data['role'] == 'admin'

    assert [(c.request.method, c.request.url) for c in responses.calls] == [
        ('POST', EXCHANGE), ('GET', MEMBERSHIP), ('GET', MEMBERSHIP), ('PUT', MEMBERSHIP)]
    exchange = responses.calls[0].request
    assert exchange.body in (None, b'', ''), 'the exchange asks for the installation\'s own permissions'
    assert bearer(responses.calls[0]).count('.') == 2, 'the exchange authenticates with the JWT'
    assert client.request_count == 4
    assert client.write_count == 1, 'the exchange is not a mutating request for write spacing'


@responses.activate
def test_jwt_claims_and_signature(private_pem, public_pem):
    responses.post(EXCHANGE, status=201, json=token_answer())
    responses.get(MEMBERSHIP, json={})
    client, _fake = make(private_pem)
    client.get('/orgs/acme/memberships/bob')

    token = bearer(responses.calls[0])
    assert jwt.get_unverified_header(token)['alg'] == 'RS256'
    claims = jwt.decode(token, public_pem, algorithms=['RS256'], options={'verify_exp': False, 'verify_iat': False})
    assert claims == {'iat': int(NOW) - 60, 'exp': int(NOW) + 540, 'iss': '123'}
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, generate_app_key()[1], algorithms=['RS256'], options={'verify_exp': False})


@responses.activate
def test_client_id_is_the_issuer(private_pem, public_pem):
    responses.post(EXCHANGE, status=201, json=token_answer())
    client, _fake = make(private_pem, app_id='Iv1.0123456789abcdef')
    client.authenticate()
    claims = jwt.decode(bearer(responses.calls[0]), public_pem, algorithms=['RS256'],
                        options={'verify_exp': False, 'verify_iat': False})
    assert claims['iss'] == 'Iv1.0123456789abcdef'


@responses.activate
def test_a_run_that_outlasts_the_installation_token_exchanges_again(private_pem):
    responses.post(EXCHANGE, status=201, json=token_answer('ghs_first', expires=NOW + 3600))
    responses.post(EXCHANGE, status=201, json=token_answer('ghs_second', expires=NOW + 7200))
    responses.get(MEMBERSHIP, json={})
    client, fake = make(private_pem)
    client.get('/orgs/acme/memberships/bob')
    fake.now += 3000  # still more than five minutes left: same token
    client.get('/orgs/acme/memberships/bob')
    fake.now += 400
    client.get('/orgs/acme/memberships/bob')
    assert [bearer(c) for c in responses.calls if c.request.method == 'GET'] == ['ghs_first', 'ghs_first', 'ghs_second']
    assert [c.request.method for c in responses.calls] == ['POST', 'GET', 'GET', 'POST', 'GET']


@responses.activate
def test_a_skewed_clock_does_not_make_every_request_exchange_again(private_pem):
    # GitHub's expires_at already past by our clock (a clock an hour fast): the token is still
    # used for the next ten minutes instead of being fetched again before every request.
    responses.post(EXCHANGE, status=201, json=token_answer(expires=NOW - 10))
    responses.get(MEMBERSHIP, json={})
    client, fake = make(private_pem)
    for _dummy in range(3):
        client.get('/orgs/acme/memberships/bob')
        fake.now += 60
    assert [c.request.method for c in responses.calls] == ['POST', 'GET', 'GET', 'GET']


def test_current_login_is_none_without_a_request(private_pem):
    client, _fake = make(private_pem)
    with responses.RequestsMock() as rsps:
        assert client.current_login() is None
        assert len(rsps.calls) == 0


@pytest.mark.parametrize('status,message,hint', [
    (401, 'A JSON web token could not be decoded', 'check app_id and app_private_key'),
    (404, 'Not Found', 'check app_installation_id'),
])
@responses.activate
def test_exchange_errors_name_app_installation_and_github_message(private_pem, status, message, hint):
    responses.post(EXCHANGE, status=status, json={
        'message': message, 'documentation_url': 'https://docs.github.com/rest/apps/apps#create-an-installation-access-token-for-an-app'})
    client, _fake = make(private_pem)
    with pytest.raises(AppAuthError) as info:
        client.get('/orgs/acme/memberships/bob')
    text = str(info.value)
    assert text.startswith('could not authenticate as GitHub App 123, installation 456: '
                           'POST /app/installations/456/access_tokens returned HTTP %d: %s' % (status, message)), text
    assert hint in text
    assert '\n' not in text
    assert isinstance(info.value, GitHubError) and info.value.status == status
    assert len(responses.calls) == 1, 'nothing is sent after a failed exchange'
    assert_no_secret(text + json.dumps(info.value.as_dict()), private_pem, bearer(responses.calls[0]))


@responses.activate
def test_exchange_server_error_is_not_resent(private_pem):
    responses.post(EXCHANGE, status=502)
    client, fake = make(private_pem)
    with pytest.raises(AppAuthError) as info:
        client.authenticate()
    assert info.value.status == 502
    assert len(responses.calls) == 1, 'GitHub may have made a token: a POST is not re-sent on a 502'
    assert fake.sleeps == []


@responses.activate
def test_exchange_waits_out_a_rate_limit_then_resends(private_pem):
    responses.post(EXCHANGE, status=403, json={'message': 'API rate limit exceeded for installation ID 456.'},
                   headers={'x-ratelimit-remaining': '0', 'x-ratelimit-reset': str(int(NOW) + 20)})
    responses.post(EXCHANGE, status=201, json=token_answer())
    responses.get(MEMBERSHIP, json={})
    client, fake = make(private_pem)
    client.get('/orgs/acme/memberships/bob')
    assert [c.request.method for c in responses.calls] == ['POST', 'POST', 'GET']
    assert fake.sleeps == [21.0]


@responses.activate
def test_exchange_resent_after_connection_refused_but_not_after_a_drop(private_pem):
    refused = requests.exceptions.ConnectionError(MaxRetryError(None, EXCHANGE, NewConnectionError(None, 'Connection refused')))
    responses.post(EXCHANGE, body=refused)
    responses.post(EXCHANGE, status=201, json=token_answer())
    client, fake = make(private_pem)
    client.authenticate()
    assert len(responses.calls) == 2
    assert fake.sleeps == [0.5]

    responses.reset()
    responses.post(EXCHANGE, body=requests.exceptions.ConnectionError(ProtocolError('Connection aborted.')))
    client, _fake = make(private_pem)
    with pytest.raises(AppAuthError) as info:
        client.authenticate()
    assert 'connection failed after 1 attempt' in str(info.value)
    assert len(responses.calls) == 1, 'a request that may have reached GitHub is not re-sent'


@responses.activate
def test_an_answer_without_a_token_is_an_error(private_pem):
    responses.post(EXCHANGE, status=201, json={'expires_at': stamp(NOW + 3600)})
    client, _fake = make(private_pem)
    with pytest.raises(AppAuthError) as info:
        client.authenticate()
    assert 'holds no token' in str(info.value)


def test_token_and_app_together_are_refused(private_pem):
    with pytest.raises(ValueError):
        GitHubClient(token='x', app=GitHubApp('1', 2, private_pem))


def test_app_repr_hides_the_key(private_pem):
    app = GitHubApp('123', 456, private_pem)
    assert repr(app) == '<GitHubApp 123 installation 456, key redacted>'


# -- the key ---------------------------------------------------------------------------------

def test_key_from_pem_text_path_and_escaped_newlines(private_pem, tmp_path):
    path = tmp_path / 'app.pem'
    path.write_text(private_pem)
    for value in (private_pem, str(path), private_pem.replace('\n', '\\n'), '  %s  ' % private_pem):
        assert load_app_private_key(value).key_size == 2048


def _ec_pem():
    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def _encrypted_pem(private_pem):
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.BestAvailableEncryption(b'passphrase')).decode()


@pytest.mark.parametrize('make_value,expected', [
    (lambda pem, tmp: '', 'neither PEM text'),
    (lambda pem, tmp: str(tmp / 'missing.pem'), 'nor the path of a readable PEM file (No such file or directory)'),
    (lambda pem, tmp: str(tmp), 'nor the path of a readable PEM file'),
    (lambda pem, tmp: ''.join(pem.splitlines()[1:-1]), 'neither PEM text'),  # the key without its PEM lines
    (lambda pem, tmp: pem.replace('MII', 'XXX', 1), 'is not a valid PEM private key'),
    (lambda pem, tmp: BEGIN_RSA + '\nnot base64\n' + END_RSA, 'not a valid PEM'),
    (lambda pem, tmp: _ec_pem(), 'not an RSA key'),
    (lambda pem, tmp: _encrypted_pem(pem), 'encrypted with a passphrase'),
    (lambda pem, tmp: generate_app_key()[1], 'not a valid PEM private key'),  # a public key
])
def test_bad_keys_fail_with_a_message_that_holds_no_key(private_pem, tmp_path, make_value, expected):
    value = make_value(private_pem, tmp_path)
    with pytest.raises(AppKeyError) as info:
        load_app_private_key(value)
    text = str(info.value)
    assert expected in text
    assert '\n' not in text
    assert_no_secret(text, private_pem)
    if value.strip():
        assert value.strip() not in text, 'the value (a key, or a path that may be one) is never shown'


def test_a_file_without_pem_is_refused_without_showing_it(tmp_path):
    path = tmp_path / 'notes.txt'
    path.write_text('hunter2 is not a key\n')
    with pytest.raises(AppKeyError) as info:
        load_app_private_key(str(path))
    assert 'holds no PEM private key' in str(info.value)
    assert 'hunter2' not in str(info.value)


def test_missing_pyjwt_is_reported(private_pem, monkeypatch):
    real_import = builtins.__import__

    def no_jwt(name, *args, **kwargs):
        if name == 'jwt':
            raise ImportError('No module named jwt')
        return real_import(name, *args, **kwargs)

    monkeypatch.delitem(sys.modules, 'jwt')
    monkeypatch.setattr(builtins, '__import__', no_jwt)
    with pytest.raises(_app_auth.MissingLibraryError) as info:
        load_app_private_key(private_pem)
    assert info.value.library == 'PyJWT'


# -- which credentials -----------------------------------------------------------------------

APP_ENV = {'GITHUB_APP_ID': '7', 'GITHUB_APP_INSTALLATION_ID': '8', 'GITHUB_APP_PRIVATE_KEY': 'ENV-KEY'}


def params(**given):
    base = {'token': None, 'app_id': None, 'app_installation_id': None, 'app_private_key': None}
    base.update(given)
    return base


@pytest.mark.parametrize('given,environ,expected', [
    ({'token': 'opt'}, dict(APP_ENV, GITHUB_TOKEN='env'), ('token', 'opt')),
    ({'app_id': '1', 'app_installation_id': 2, 'app_private_key': 'K'}, {'GITHUB_TOKEN': 'env'}, ('app', ('1', 2, 'K'))),
    # One app option selects the app; the others come from their variables, the token variable is ignored.
    ({'app_id': '1'}, dict(APP_ENV, GITHUB_TOKEN='env'), ('app', ('1', 8, 'ENV-KEY'))),
    ({}, {'GITHUB_TOKEN': 'env', 'GH_TOKEN': 'gh'}, ('token', 'env')),
    ({}, {'GH_TOKEN': 'gh'}, ('token', 'gh')),
    ({}, dict(APP_ENV, GH_TOKEN='gh'), ('token', 'gh')),
    ({}, APP_ENV, ('app', ('7', 8, 'ENV-KEY'))),
    ({}, dict(APP_ENV, GITHUB_TOKEN=''), ('app', ('7', 8, 'ENV-KEY'))),  # empty counts as unset
    ({'token': ''}, APP_ENV, ('app', ('7', 8, 'ENV-KEY'))),
    ({'app_id': 'Iv1.0123456789abcdef', 'app_installation_id': 2, 'app_private_key': 'K'}, {},
     ('app', ('Iv1.0123456789abcdef', 2, 'K'))),
])
def test_credential_precedence(given, environ, expected):
    assert choose_credentials(params(**given), environ) == expected


@pytest.mark.parametrize('given,environ,expected', [
    ({'token': 't', 'app_id': '1'}, {}, 'token and app_id are mutually exclusive'),
    ({'token': 't', 'app_private_key': 'K', 'app_installation_id': 3}, {}, 'token and app_installation_id, app_private_key are'),
    ({'app_id': '1'}, {}, 'missing: app_installation_id (or GITHUB_APP_INSTALLATION_ID), app_private_key (or GITHUB_APP_PRIVATE_KEY)'),
    ({}, {'GITHUB_APP_PRIVATE_KEY': 'K'}, 'missing: app_id (or GITHUB_APP_ID), app_installation_id'),
    ({'app_id': '0', 'app_installation_id': 2, 'app_private_key': 'K'}, {}, "app_id must be the GitHub App's numeric id or its client ID"),
    ({'app_id': 'my app', 'app_installation_id': 2, 'app_private_key': 'K'}, {}, 'got something else'),
    ({'app_id': '1', 'app_installation_id': 0, 'app_private_key': 'K'}, {}, 'must be a positive number'),
    ({'app_id': '1', 'app_installation_id': -4, 'app_private_key': 'K'}, {}, 'got -4'),
    ({}, dict(APP_ENV, GITHUB_APP_INSTALLATION_ID='abc'), 'got something else (not shown: it could be a secret in the wrong place)'),
    ({}, dict(APP_ENV, GITHUB_APP_ID='x y'), 'GITHUB_APP_ID must be'),
    ({}, {}, 'No GitHub credentials'),
])
def test_credential_problems(given, environ, expected):
    with pytest.raises(CredentialsError) as info:
        choose_credentials(params(**given), environ)
    assert expected in str(info.value)


def test_credential_messages_never_show_the_key():
    key = BEGIN_RSA + '\nSECRETSECRET\n' + END_RSA
    for given in ({'token': 't', 'app_private_key': key}, {'app_private_key': key}, {'app_id': key, 'app_installation_id': 1, 'app_private_key': 'k'}):
        with pytest.raises(CredentialsError) as info:
            choose_credentials(params(**given), {})
        assert 'SECRET' not in str(info.value)


# -- modules ---------------------------------------------------------------------------------

@pytest.fixture
def run(capsys, monkeypatch):
    for name in CREDENTIAL_ENV:
        monkeypatch.delenv(name, raising=False)

    def runner(module_name, args, env=None):
        for name, value in (env or {}).items():
            monkeypatch.setenv(name, value)
        module = __import__('ansible_collections.gitops.github.plugins.modules.%s' % module_name, fromlist=['main'])
        result, out, _code = run_main(module.main, dict({'write_delay': 0}, **args), capsys)
        return result, out

    return runner


def app_args(private_pem, **more):
    return dict({'app_id': '123', 'app_installation_id': 456, 'app_private_key': private_pem}, **more)


@responses.activate
def test_module_runs_as_the_app_and_never_asks_for_the_user(run, private_pem):
    responses.post(EXCHANGE, status=201, json=token_answer(expires=None))
    responses.get(MEMBERSHIP, json={'state': 'active', 'role': 'member', 'user': {'login': 'bob'}})
    responses.delete(MEMBERSHIP, status=204)
    result, out = run('github_org_membership', app_args(private_pem, org='acme', username='bob', state='absent'))
    assert result.get('failed') is not True, result
    assert result['changed'] is True
    assert [(c.request.method, c.request.url) for c in responses.calls] == [
        ('POST', EXCHANGE), ('GET', MEMBERSHIP), ('DELETE', MEMBERSHIP)], 'no GET /user: an app has no user'
    assert result['api_requests'] == 3
    assert_no_secret(out, private_pem, INSTALLATION_TOKEN, bearer(responses.calls[0]))


@responses.activate
def test_module_reads_the_app_from_the_environment(run, private_pem, tmp_path):
    key_file = tmp_path / 'app.pem'
    key_file.write_text(private_pem)
    responses.post(EXCHANGE, status=201, json=token_answer(expires=None))
    responses.get(MEMBERSHIP, json={'state': 'active', 'role': 'member', 'user': {'login': 'bob'}})
    result, out = run('github_org_membership', {'org': 'acme', 'username': 'bob'}, env={
        'GITHUB_APP_ID': '123', 'GITHUB_APP_INSTALLATION_ID': '456', 'GITHUB_APP_PRIVATE_KEY': str(key_file)})
    assert result['changed'] is False, result
    assert bearer(responses.calls[1]) == INSTALLATION_TOKEN
    assert_no_secret(out, private_pem, INSTALLATION_TOKEN)


@responses.activate
def test_module_exchange_failure_is_one_clean_line(run, private_pem):
    responses.post(EXCHANGE, status=401, json={'message': 'A JSON web token could not be decoded',
                                               'documentation_url': 'https://docs.github.com/rest'})
    result, out = run('github_org_membership', app_args(private_pem, org='acme', username='bob'))
    assert result['failed'] is True
    assert 'could not authenticate as GitHub App 123, installation 456' in result['msg']
    assert 'HTTP 401: A JSON web token could not be decoded' in result['msg']
    assert 'Traceback' not in out and '\n' not in result['msg']
    assert '********' not in result['msg']
    assert_no_secret(out, private_pem, bearer(responses.calls[0]))


@pytest.mark.parametrize('args,expected', [
    ({'app_private_key': 'not a key'}, 'app_private_key is neither PEM text'),
    ({'app_installation_id': 0}, 'must be a positive number'),
    ({'token': 'ghp_x'}, 'mutually exclusive'),
    ({'app_id': ''}, None),  # an empty app_id is unset: the other two still ask for it
])
def test_module_bad_app_input_fails_before_any_request(run, private_pem, args, expected):
    with responses.RequestsMock() as rsps:
        result, out = run('github_org_membership', dict(app_args(private_pem, org='acme', username='bob'), **args))
        assert len(rsps.calls) == 0
    assert result['failed'] is True
    assert (expected or 'missing: app_id (or GITHUB_APP_ID)') in result['msg']
    assert_no_secret(out, private_pem)
    assert '********' not in result['msg']


@pytest.mark.parametrize('module_name,args', [
    ('github_user_membership', {'org': 'acme'}),
    ('github_user_membership_info', {}),
    ('github_public_membership', {'org': 'acme'}),
])
def test_modules_of_the_token_user_refuse_an_app(run, private_pem, module_name, args):
    with responses.RequestsMock() as rsps:
        result, _out = run(module_name, app_args(private_pem, **args))
        assert len(rsps.calls) == 0
    assert result['failed'] is True
    assert 'a GitHub App installation has no user' in result['msg']


def test_module_without_pyjwt_asks_for_it(run, private_pem, monkeypatch):
    def missing(_value):
        raise _app_auth.MissingLibraryError('PyJWT', ImportError('No module named jwt'))

    monkeypatch.setattr(_app_auth, 'load_app_private_key', missing)
    result, _out = run('github_org_membership', app_args(private_pem, org='acme', username='bob'))
    assert result['failed'] is True
    assert 'Failed to import the required Python library (PyJWT)' in result['msg']
    assert 'GitHub App authentication' in result['msg']


def test_token_users_do_not_import_jwt():
    """Start-up cost for token users is unchanged: importing the client does not load PyJWT."""
    code = ('import sys; '
            'from ansible_collections.gitops.github.plugins.module_utils import _module; '
            'print("jwt" in sys.modules, "cryptography" in sys.modules)')
    # pytest-ansible put the collection under ansible_collections/ and named that root in
    # ANSIBLE_COLLECTIONS_PATH; the child process imports it from there.
    env = dict(os.environ, PYTHONPATH=os.environ['ANSIBLE_COLLECTIONS_PATH'])
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, check=True,
                         env=env).stdout.split()
    assert out == ['False', 'False']
