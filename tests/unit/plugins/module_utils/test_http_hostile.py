"""The client against answers and inputs that are not what they should be (issue 10): secrets in
error paths, api_url, rate-limit headers with absurd values, malformed and oversized reads."""

from __future__ import annotations

import http.client

import pytest
import requests
import responses
import urllib3.exceptions

from ansible_collections.gitops.github.plugins.module_utils._http import (
    MAX_RATE_LIMIT_WAIT,
    GitHubClient,
    GitHubError,
    RateLimitError,
    api_url_problem,
    clamp_wait,
    scrub,
    secret_problem,
)

from fake_clock import FakeTime  # tests/ is on pytest's pythonpath

API = 'https://api.github.com'
TOKEN = 'ghp_unit_hostile_token_value_0123456789'


def make(fake=None, **kwargs):
    fake = fake or FakeTime()
    kwargs.setdefault('write_delay', 0)
    return GitHubClient(api_url=kwargs.pop('api_url', API), token=kwargs.pop('token', TOKEN), sleep=fake.sleep,
                        clock=fake.clock, **kwargs), fake


# -- class 5: secrets ----------------------------------------------------------------------------

@pytest.mark.parametrize('suffix', ['\n', '\r', '\r\n', ' ', '\t', '\x00', '\x7f'])
def test_token_with_whitespace_or_control_characters_is_refused_without_its_value(suffix):
    bad = TOKEN + suffix
    assert 'whitespace or control characters' in secret_problem(bad, 'the token')
    with pytest.raises(ValueError) as info:
        GitHubClient(token=bad)
    assert TOKEN not in str(info.value)
    assert secret_problem(TOKEN, 'the token') is None


@pytest.mark.parametrize('error', [
    requests.exceptions.InvalidHeader("Invalid leading whitespace, reserved character(s), or return character(s) "
                                      "in header value: 'Bearer %s\\n'" % TOKEN),
    urllib3.exceptions.LocationParseError('http://x:%s@bad host' % TOKEN),
    UnicodeError('encoding with idna codec failed (%s)' % TOKEN),
    http.client.HTTPException('got more than 100 headers: Authorization: token %s' % TOKEN),
    requests.exceptions.ChunkedEncodingError('Connection broken: %s' % TOKEN),
    ValueError('Authorization: Bearer %s' % TOKEN),
    OSError('unexpected'),
])
def test_every_exception_of_the_http_stack_becomes_a_scrubbed_github_error(monkeypatch, error):
    client, _fake = make(max_retries=0)

    def boom(*args, **kwargs):
        raise error

    monkeypatch.setattr(client.session, 'request', boom)
    with pytest.raises(GitHubError) as info:
        client.get('/orgs/acme')
    assert info.type is GitHubError
    assert TOKEN not in str(info.value) and TOKEN[:20] not in str(info.value)
    assert str(info.value).startswith('GET /orgs/acme')


def test_scrub_removes_known_secrets_bearer_values_and_jwts():
    text = "header 'Bearer abc.def\\n' and %s and eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiIxMiJ9.c2ln" % TOKEN
    cleaned = scrub(text, [TOKEN])
    assert TOKEN not in cleaned and 'abc.def' not in cleaned and 'eyJhbGci' not in cleaned


@responses.activate
def test_installation_token_that_is_not_one_printable_word_is_refused_without_showing_it():
    from ansible_collections.gitops.github.plugins.module_utils._app_auth import AppAuthError, GitHubApp

    class App(GitHubApp):
        def __init__(self):
            super().__init__('12', 34, None)  # no key: the JWT below stands in for a signed one

        def make_jwt(self, now):
            return 'jwt'

    leaked = 'ghs_fake_installation_token_not_real_0123'
    responses.post(API + '/app/installations/34/access_tokens', status=201, json={'token': leaked + '\n'})
    client = GitHubClient(app=App(), write_delay=0)
    with pytest.raises(AppAuthError) as info:
        client.authenticate()
    assert leaked not in str(info.value)


# -- class 9: api_url --------------------------------------------------------------------------

@pytest.mark.parametrize('url,problem', [
    ('https://api.github.com/?per_page=1', 'query'),
    ('https://api.github.com/#x', 'fragment'),
    ('https://api.github.com/a b', 'spaces'),
    ('https://ghe.example.com/api/../v3', 'dot-segments'),
    ('https://ghe.example.com/api/%2e%2e/v3', 'dot-segments'),
    ('https://ghe.example.com/./api/v3', 'dot-segments'),
    ('https://ghe.example.com:99999/api/v3', 'impossible'),
    ('https://ghe.example.com:0/api/v3', 'impossible port'),
    ('https://ghe.example.com:/api/v3', 'impossible port'),
    ('https://ghe.example.com:port/api/v3', 'impossible'),
    ('https://user:secret@ghe.example.com/api/v3', 'credentials'),
    ('ftp://ghe.example.com', 'http(s)'),
    ('https://', 'http(s)'),
    ('api.github.com', 'http(s)'),
])
def test_api_url_that_is_not_a_plain_base_is_refused(url, problem):
    assert problem in api_url_problem(url)
    with pytest.raises(ValueError):
        GitHubClient(api_url=url, token=TOKEN)


@pytest.mark.parametrize('url', ['https://api.github.com', 'https://ghe.example.com/api/v3/', 'http://127.0.0.1:8080',
                                 'https://[::1]:8443/api/v3'])
def test_plain_api_urls_are_accepted(url):
    assert api_url_problem(url) is None


# -- class 6: rate-limit waits clamped inside rate_limit_max_wait --------------------------------

@pytest.mark.parametrize('raw,expected', [
    (1e20, MAX_RATE_LIMIT_WAIT), (float('inf'), MAX_RATE_LIMIT_WAIT), (-5, 1.0), (0, 1.0), (float('nan'), 60.0),
    ('junk', 60.0), (None, 60.0), (7, 7.0),
])
def test_clamp_wait(raw, expected):
    assert clamp_wait(raw) == expected


@pytest.mark.parametrize('headers', [
    {'retry-after': '1e20'},
    {'retry-after': '99999999999999999999999999999'},
    {'retry-after': 'inf'},
    {'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1e20'},
    {'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '-1e20'},
])
@responses.activate
def test_absurd_rate_limit_headers_fail_cleanly_without_waiting_beyond_the_budget(headers):
    responses.get(API + '/orgs/acme', status=429, json={'message': 'slow down'}, headers=headers)
    responses.get(API + '/orgs/acme', status=200, json={'login': 'acme'})
    client, fake = make(rate_limit_max_wait=300)
    try:
        client.get('/orgs/acme')
    except RateLimitError as exc:
        assert 'rate limit' in str(exc)
    assert sum(fake.sleeps) <= 300
    assert all(s >= 1.0 for s in fake.sleeps)


@responses.activate
def test_negative_retry_after_or_past_reset_never_makes_a_burst():
    for _dummy in range(5):
        responses.get(API + '/orgs/acme', status=403, json={'message': 'You have exceeded a secondary rate limit'},
                      headers={'retry-after': '-30'})
    responses.get(API + '/orgs/acme', status=200, json={'login': 'acme'})
    client, fake = make(rate_limit_max_wait=300)
    client.get('/orgs/acme')
    assert fake.sleeps == [1.0] * 5


@responses.activate
def test_huge_retry_after_with_a_large_budget_waits_at_most_an_hour():
    responses.get(API + '/orgs/acme', status=429, json={}, headers={'retry-after': '1e20'})
    responses.get(API + '/orgs/acme', status=200, json={'login': 'acme'})
    client, fake = make(rate_limit_max_wait=10 ** 6)
    client.get('/orgs/acme')
    assert fake.sleeps == [MAX_RATE_LIMIT_WAIT]


# -- class 3: reads that are not what they seem -------------------------------------------------

@pytest.mark.parametrize('kwargs', [
    {'json': {'message': 'Server Error'}},
    {'body': '<html>proxy</html>', 'content_type': 'text/html'},
    {'json': ['alice']},
    {'json': 'nobody'},
    {'body': ''},
])
@responses.activate
def test_a_page_that_is_not_a_list_of_objects_fails_the_read(kwargs):
    responses.get(API + '/orgs/acme/members', status=200, **kwargs)
    client, _fake = make()
    with pytest.raises(GitHubError) as info:
        client.get_all('/orgs/acme/members')
    assert 'not a JSON list' in str(info.value) or 'not JSON objects' in str(info.value)


@responses.activate
def test_a_link_back_to_a_page_already_read_fails_the_read():
    responses.get(API + '/orgs/acme/members', status=200, json=[{'login': 'a'}],
                  headers={'Link': '<%s/orgs/acme/members?per_page=100&page=2>; rel="next"' % API})
    responses.get(API + '/orgs/acme/members', status=200, json=[{'login': 'b'}],
                  headers={'Link': '<%s/orgs/acme/members?page=2&per_page=100>; rel="next"' % API})
    client, _fake = make()
    with pytest.raises(GitHubError) as info:
        client.get_all('/orgs/acme/members')
    assert 'pagination loop' in str(info.value)
    assert len(responses.calls) == 2


@responses.activate
def test_an_endless_link_chain_stops_at_max_pages():
    for page in range(1, 6):
        responses.get(API + '/orgs/acme/members', status=200, json=[{'login': 'u%d' % page}],
                      headers={'Link': '<%s/orgs/acme/members?per_page=100&page=%d>; rel="next"' % (API, page + 1)})
    client, _fake = make()
    with pytest.raises(GitHubError) as info:
        list(client.paginate('/orgs/acme/members', max_pages=3))
    assert 'more than 3 pages' in str(info.value)
    assert len(responses.calls) == 3


@responses.activate
def test_an_oversized_answer_is_refused(monkeypatch):
    from ansible_collections.gitops.github.plugins.module_utils import _http
    monkeypatch.setattr(_http, 'MAX_BODY_BYTES', 1024)
    monkeypatch.setattr(_http._read_body, '__defaults__', (1024,))
    responses.get(API + '/orgs/acme/members', status=200, json=[{'login': 'x' * 100}] * 50)
    client, _fake = make()
    with pytest.raises(GitHubError) as info:
        client.get_all('/orgs/acme/members')
    assert 'larger than' in str(info.value)


@responses.activate
def test_get_or_none_refuses_a_200_that_is_not_an_object_and_user_without_login():
    responses.get(API + '/orgs/acme/memberships/bob', status=200, body='<html></html>')
    responses.get(API + '/user', status=200, json={'message': 'hello'})
    client, _fake = make()
    with pytest.raises(GitHubError):
        client.get_or_none('/orgs/acme/memberships/bob')
    with pytest.raises(GitHubError) as info:
        client.current_login()
    assert 'no login' in str(info.value)
