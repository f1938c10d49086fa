"""Red team 19, finding 3: every secret the client holds (the user token, the installation token it
minted, the JWT of the exchange, the app's private key) is scrubbed from every error it produces,
whatever the answer quoted: a REST error body (message, errors, documentation_url), a redirect's
Location, a rate limit's message, a GraphQL answer's errors; and the host is told each secret the
client gets while it runs, so that it masks it in warnings and results too."""

from __future__ import annotations

import json

import pytest
import responses
from ghsim import generate_app_key

from ansible_collections.gitops.github.plugins.module_utils._app_auth import AppAuthError, GitHubApp
from ansible_collections.gitops.github.plugins.module_utils._graphql import GraphQL, GraphQLError, PagingError
from ansible_collections.gitops.github.plugins.module_utils._http import GitHubClient, GitHubError, RateLimitError
from ansible_collections.gitops.github.plugins.module_utils._runner import Runner

from fake_clock import FakeTime  # tests/ is on pytest's pythonpath

API = 'https://api.github.com'
EXCHANGE = API + '/app/installations/456/access_tokens'
MEMBERS = API + '/orgs/acme/members'
INSTALLATION = 'ghs_' + 'secretsInErrorsInstallationTok0123456'[:36]
USER_TOKEN = 'ghp_' + 'secretsInErrorsUserToken0123456789ab'[:36]


@pytest.fixture(scope='module')
def private_pem():
    return generate_app_key()[0]


def key_lines(pem):
    return [line for line in pem.splitlines() if line and not line.startswith('-----')]


def app_client(private_pem, **kwargs):
    fake = FakeTime()
    kwargs.setdefault('write_delay', 0)
    kwargs.setdefault('max_retries', 0)
    client = GitHubClient(api_url=API, app=GitHubApp('12', 456, private_pem), sleep=fake.sleep, clock=fake.clock,
                          **kwargs)
    seen = []
    client.on_secret = seen.append
    responses.post(EXCHANGE, status=201, json={'token': INSTALLATION, 'expires_at': '2099-01-01T00:00:00Z'})
    return client, seen


def echo(private_pem):
    """Text quoting every secret the way a proxy or a broken front end might."""
    return 'token %s / Bearer %s / %s / key %s' % (INSTALLATION, INSTALLATION, INSTALLATION, key_lines(private_pem)[1])


def assert_clean(text, private_pem):
    assert INSTALLATION not in text, text
    assert INSTALLATION[4:24] not in text, text
    for line in key_lines(private_pem):
        assert line not in text, 'a line of the private key leaked'


def error_text(error):
    return str(error) + json.dumps(error.as_dict()) + json.dumps(getattr(error, 'errors', None))


def rest_answers(private_pem):
    said = echo(private_pem)
    return {
        'message': dict(status=500, json={'message': said}),
        'errors': dict(status=422, json={'message': 'Validation Failed', 'errors': [{'message': said}, said]}),
        'documentation_url': dict(status=404, json={'message': 'Not Found',
                                                    'documentation_url': 'https://x.invalid/?access_token=%s' % INSTALLATION}),
        'redirect': dict(status=302, json={'message': 'Moved'},
                         headers={'Location': 'https://elsewhere.invalid/login?access_token=%s&x=%s' % (INSTALLATION, INSTALLATION)}),
        'redirect-path': dict(status=301, headers={'Location': 'https://elsewhere.invalid/%s/' % INSTALLATION}),
        'rate-limit': dict(status=403, json={'message': said},
                           headers={'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '99999999999'}),
    }


@pytest.mark.parametrize('form', sorted(rest_answers('x\nline-one-of-a-key-0123\nx')))
@responses.activate
def test_a_rest_error_quoting_the_installation_token_or_the_key_is_scrubbed(private_pem, form):
    client, seen = app_client(private_pem, rate_limit_max_wait=0)
    responses.get(MEMBERS, **rest_answers(private_pem)[form])
    with pytest.raises(GitHubError) as info:
        client.get('/orgs/acme/members')
    assert seen == [INSTALLATION], 'the host is told the minted token, to mask it in everything'
    assert INSTALLATION in client.secrets()
    assert_clean(error_text(info.value), private_pem)
    assert '<redacted>' in error_text(info.value)
    if form == 'rate-limit':
        assert isinstance(info.value, RateLimitError)


@responses.activate
def test_a_write_verified_after_a_failure_is_scrubbed_too(private_pem):
    client, _seen = app_client(private_pem, max_retries=1)
    responses.put(API + '/orgs/acme/memberships/bob', status=502, json={'message': echo(private_pem)})
    responses.get(API + '/orgs/acme/memberships/bob', status=500, json={'message': echo(private_pem)})
    with pytest.raises(GitHubError) as info:
        client.request('PUT', '/orgs/acme/memberships/bob', json={'role': 'member'},
                       verify=lambda: client.get('/orgs/acme/memberships/bob').data)
    assert_clean(error_text(info.value), private_pem)


@responses.activate
def test_the_exchange_error_quoting_the_jwt_is_scrubbed(private_pem):
    client = GitHubClient(api_url=API, app=GitHubApp('12', 456, private_pem), sleep=FakeTime().sleep, write_delay=0)
    jwts = []

    def answer(request):
        jwt = request.headers['Authorization'].split()[-1]
        jwts.append(jwt)
        return 401, {}, json.dumps({'message': 'bad credentials: %s (%s)' % (jwt, jwt[:-3])})

    responses.add_callback(responses.POST, EXCHANGE, callback=answer)
    with pytest.raises(AppAuthError) as info:
        client.get('/orgs/acme/members')
    text = error_text(info.value)
    assert jwts and jwts[0] not in text and jwts[0][:-3] not in text, text


@pytest.mark.parametrize('errors', [
    'dicts', 'strings', 'nested',
])
@responses.activate
def test_a_graphql_error_quoting_the_installation_token_is_scrubbed(private_pem, errors):
    client, _seen = app_client(private_pem)
    said = echo(private_pem)
    items = {'dicts': [{'type': 'FORBIDDEN', 'message': said}, {'message': said, 'path': [said]}],
             'strings': [said, said],
             'nested': [{'message': 'x', 'extensions': {'detail': said}, 'type': said}]}[errors]
    responses.post(API + '/graphql', status=200, json={'data': None, 'errors': items})
    with pytest.raises(GraphQLError) as info:
        GraphQL(client).query('query { viewer { login } }')
    assert_clean(error_text(info.value), private_pem)


@responses.activate
def test_a_graphql_http_error_quoting_the_installation_token_is_scrubbed(private_pem):
    client, _seen = app_client(private_pem)
    responses.post(API + '/graphql', status=502, json={'message': echo(private_pem)})
    with pytest.raises(GitHubError) as info:
        GraphQL(client).query('query { viewer { login } }')
    assert_clean(error_text(info.value), private_pem)


class Host(object):
    def __init__(self):
        self.params, self.check_mode, self.diff_mode = {}, False, False
        self.masked, self.warnings = [], []

    def warn(self, text):
        self.warnings.append(text)

    def log(self, line):
        pass

    def no_log(self, value):
        self.masked.append(value)

    def fail(self, msg, **result):
        raise AssertionError(json.dumps(dict(result, msg=msg)))

    def exit(self, **result):
        raise AssertionError(json.dumps(result))


@responses.activate
def test_the_runner_has_its_host_mask_every_secret_and_fails_with_scrubbed_errors_only(private_pem):
    client, _seen = app_client(private_pem)
    host = Host()
    run = Runner(host, client)
    assert set(key_lines(private_pem)[1:-1]) <= set(host.masked), 'the key material is masked by the host'
    client.authenticate()
    assert INSTALLATION in host.masked, 'a token minted later is masked by the host as it arrives'
    # An error made outside the client (a paging error quoting a cursor) is scrubbed by the funnel.
    for error in (PagingError('/graphql', 'members', 'cursor %r repeated' % INSTALLATION),
                  GitHubError('GET', '/orgs/acme?access_token=%s' % INSTALLATION, 500, echo(private_pem))):
        with pytest.raises(AssertionError) as info:
            run.fail_request('read acme', error)
        assert_clean(str(info.value), private_pem)


def test_a_user_token_client_scrubs_its_token_from_an_error_it_did_not_make():
    client = GitHubClient(api_url=API, token=USER_TOKEN)
    error = client.scrub_error(GitHubError('GET', '/x', 500, 'Authorization: token %s' % USER_TOKEN,
                                           'https://x.invalid/?token=%s' % USER_TOKEN))
    assert USER_TOKEN not in error_text(error)
    # GitHub's own wording stays readable: only a credential-like word after "token" is one.
    plain = client.scrub_error(GitHubError('POST', '/x', 401, 'A JSON web token could not be decoded'))
    assert str(plain) == 'POST /x returned HTTP 401: A JSON web token could not be decoded'
