"""The shared client against stubbed HTTP: headers, pagination, retries, rate limits, errors."""

from __future__ import annotations

import pytest
import requests
import responses
from responses import matchers

from ansible_collections.gitops.github.plugins.module_utils._graphql import graphql_url
from ansible_collections.gitops.github.plugins.module_utils._http import (
    GitHubClient,
    GitHubError,
    RateLimitError,
    parse_rate_limit,
)

from fake_clock import FakeTime  # tests/ is on pytest's pythonpath

API = 'https://api.github.com'
TOKEN = 'ghp_unit_test_token_value_0123456789'


def make(fake=None, **kwargs):
    fake = fake or FakeTime()
    kwargs.setdefault('write_delay', 0)
    return GitHubClient(api_url=kwargs.pop('api_url', API), token=TOKEN, sleep=fake.sleep, clock=fake.clock, **kwargs), fake


@pytest.mark.parametrize('status,headers,message,expected', [
    (200, {}, '', None),
    (403, {}, 'Must have admin rights', None),
    (403, {'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1000'}, 'API rate limit exceeded', ('primary', 101.0, 1000.0)),
    (429, {'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1000'}, '', ('primary', 101.0, 1000.0)),
    (403, {'x-ratelimit-remaining': '12', 'retry-after': '7'}, 'You have exceeded a secondary rate limit', ('secondary', 7.0, 907.0)),
    (403, {'x-ratelimit-remaining': '12'}, 'You have exceeded a secondary rate limit', ('secondary', 60.0, 960.0)),
    (429, {}, '', ('secondary', 60.0, 960.0)),
    (429, {'retry-after': '3'}, '', ('secondary', 3.0, 903.0)),
    # A secondary limit can arrive while the primary quota also reads 0: the message decides.
    (403, {'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1000', 'retry-after': '5'},
     'You have exceeded a secondary rate limit', ('secondary', 5.0, 905.0)),
    (403, {'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '500'}, '', ('primary', 1.0, 500.0)),
])
def test_parse_rate_limit(status, headers, message, expected):
    assert parse_rate_limit(status, headers, message, now=900.0) == expected


@responses.activate
def test_headers_and_bearer_token():
    responses.get(API + '/user', json={'login': 'octo'}, match=[matchers.header_matcher({
        'Authorization': 'Bearer ' + TOKEN,
        'Accept': 'application/vnd.github+json',
        'X-GitHub-Api-Version': '2022-11-28',
    })])
    client, _dummy = make()
    assert client.current_login() == 'octo'
    assert client.current_login() == 'octo'
    assert len(responses.calls) == 1, 'GET /user is asked once per client'


@responses.activate
def test_pagination_follows_link_verbatim_including_organizations_routes():
    first = API + '/orgs/acme/members'
    second = API + '/organizations/9001/members?per_page=100&page=2'
    responses.get(first, json=[{'login': 'a'}, {'login': 'b'}],
                  headers={'Link': '<%s>; rel="next", <%s>; rel="last"' % (second, second)},
                  match=[matchers.query_param_matcher({'per_page': '100', 'role': 'admin'})])
    responses.get(second, json=[{'login': 'c'}], match=[matchers.query_param_matcher({'per_page': '100', 'page': '2'})])
    client, _dummy = make()
    assert [m['login'] for m in client.paginate('/orgs/acme/members', {'role': 'admin'})] == ['a', 'b', 'c']
    assert [c.request.url for c in responses.calls][1] == second


@responses.activate
def test_link_to_another_host_is_refused_and_token_not_sent():
    responses.get(API + '/orgs/acme/members', json=[{'login': 'a'}],
                  headers={'Link': '<https://evil.example.com/steal?page=2>; rel="next"'})
    client, _dummy = make()
    with pytest.raises(GitHubError) as info:
        list(client.paginate('/orgs/acme/members'))
    assert 'another host' in str(info.value)
    assert len(responses.calls) == 1


@responses.activate
def test_redirect_is_not_followed():
    responses.get(API + '/orgs/acme/members/bob', status=302,
                  headers={'Location': API + '/orgs/acme/public_members/bob'})
    client, _dummy = make()
    with pytest.raises(GitHubError) as info:
        client.request('GET', '/orgs/acme/members/bob', expected=(204, 404))
    assert info.value.status == 302
    assert 'redirect' in str(info.value)
    assert len(responses.calls) == 1


@responses.activate
def test_read_retries_transient_errors_with_backoff():
    url = API + '/orgs/acme'
    responses.get(url, status=502)
    responses.get(url, body=requests.exceptions.ConnectionError('connection reset'))
    responses.get(url, status=504)
    responses.get(url, json={'login': 'acme'})
    client, fake = make()
    assert client.get('/orgs/acme').data == {'login': 'acme'}
    assert fake.sleeps == [0.5, 1.0, 2.0]
    assert client.request_count == 4


@responses.activate
def test_read_gives_up_after_retry_budget():
    url = API + '/orgs/acme'
    for _dummy in range(4):
        responses.get(url, status=503, json={'message': 'Service Unavailable'})
    client, _dummy = make()
    with pytest.raises(GitHubError) as info:
        client.get('/orgs/acme')
    assert info.value.status == 503
    assert 'after 4 attempts' in str(info.value)
    assert len(responses.calls) == 4


@responses.activate
def test_failed_write_without_verify_is_not_resent():
    url = API + '/orgs/acme/memberships/bob'
    responses.put(url, status=502)
    client, _dummy = make()
    with pytest.raises(GitHubError):
        client.request('PUT', '/orgs/acme/memberships/bob', json={'role': 'member'})
    assert len(responses.calls) == 1


@responses.activate
def test_failed_write_that_was_applied_is_not_resent():
    url = API + '/orgs/acme/memberships/bob'
    responses.put(url, status=502)
    client, _dummy = make()
    resp = client.request('PUT', '/orgs/acme/memberships/bob', json={'role': 'member'},
                          verify=lambda: {'state': 'pending', 'role': 'member'})
    assert resp.data == {'state': 'pending', 'role': 'member'}
    assert [c.request.method for c in responses.calls] == ['PUT']


@responses.activate
def test_failed_write_that_was_not_applied_is_resent_once():
    url = API + '/orgs/acme/memberships/bob'
    responses.put(url, status=503)
    responses.put(url, json={'state': 'pending', 'role': 'member'})
    client, _dummy = make()
    resp = client.request('PUT', '/orgs/acme/memberships/bob', json={'role': 'member'}, verify=lambda: None)
    assert resp.status == 200
    assert [c.request.method for c in responses.calls] == ['PUT', 'PUT']


@responses.activate
def test_primary_rate_limit_waits_until_reset():
    fake = FakeTime(now=1000.0)
    url = API + '/orgs/acme'
    responses.get(url, status=403, json={'message': 'API rate limit exceeded for user ID 1.'},
                  headers={'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1030'})
    responses.get(url, json={'login': 'acme'})
    client, _dummy = make(fake)
    assert client.get('/orgs/acme').data['login'] == 'acme'
    assert fake.sleeps == [31.0]
    assert client.waited == 31.0


@responses.activate
def test_secondary_rate_limit_429_honours_retry_after():
    fake = FakeTime()
    url = API + '/orgs/acme/memberships/bob'
    responses.put(url, status=429, json={'message': 'You have exceeded a secondary rate limit.'}, headers={'retry-after': '12'})
    responses.put(url, json={'state': 'active', 'role': 'member'})
    client, _dummy = make(fake)
    assert client.request('PUT', '/orgs/acme/memberships/bob', json={'role': 'member'}).status == 200
    assert fake.sleeps == [12.0]


@responses.activate
def test_secondary_rate_limit_without_retry_after_waits_a_minute():
    fake = FakeTime()
    url = API + '/orgs/acme'
    responses.get(url, status=403, json={'message': 'You have exceeded a secondary rate limit.'})
    responses.get(url, json={'login': 'acme'})
    client, _dummy = make(fake)
    client.get('/orgs/acme')
    assert fake.sleeps == [60.0]


@responses.activate
def test_rate_limit_beyond_max_wait_fails_naming_limit_and_reset():
    fake = FakeTime(now=1000.0)
    responses.get(API + '/orgs/acme', status=403, json={'message': 'API rate limit exceeded'},
                  headers={'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '4600'})
    client, _dummy = make(fake, rate_limit_max_wait=300)
    with pytest.raises(RateLimitError) as info:
        client.get('/orgs/acme')
    text = str(info.value)
    assert 'primary rate limit' in text
    assert '1970-01-01T01:16:40Z' in text and '(in 3601 s)' in text
    assert fake.sleeps == []


@responses.activate
def test_rate_limit_waits_add_up_against_the_budget():
    fake = FakeTime()
    url = API + '/orgs/acme'
    for _dummy in range(3):
        responses.get(url, status=429, headers={'retry-after': '40'})
    client, _dummy = make(fake, rate_limit_max_wait=100)
    with pytest.raises(RateLimitError) as info:
        client.get('/orgs/acme')
    assert fake.sleeps == [40.0, 40.0]
    assert 'secondary' in str(info.value)


@responses.activate
def test_zero_max_wait_never_waits():
    fake = FakeTime()
    responses.get(API + '/orgs/acme', status=429, headers={'retry-after': '1'})
    client, _dummy = make(fake, rate_limit_max_wait=0)
    with pytest.raises(RateLimitError):
        client.get('/orgs/acme')
    assert fake.sleeps == []


@responses.activate
def test_write_delay_spaces_mutating_requests_only():
    fake = FakeTime()
    for name in ('a', 'b'):
        responses.put(API + '/orgs/acme/memberships/' + name, json={})
        responses.get(API + '/orgs/acme/memberships/' + name, json={})
    client, _dummy = make(fake, write_delay=1.5)
    client.request('PUT', '/orgs/acme/memberships/a', json={})
    client.get('/orgs/acme/memberships/a')
    client.request('PUT', '/orgs/acme/memberships/b', json={})
    assert fake.sleeps == [1.5]


@responses.activate
def test_error_carries_fields_and_never_the_token():
    responses.put(API + '/orgs/acme/teams/x/memberships/y', status=422,
                  json={'message': 'Validation Failed', 'errors': [{'message': 'Cannot add an organization as a member.'}],
                        'documentation_url': 'https://docs.github.com/rest/teams/members'})
    client, _dummy = make()
    with pytest.raises(GitHubError) as info:
        client.request('PUT', '/orgs/acme/teams/x/memberships/y', json={'role': 'member'})
    err = info.value
    assert (err.method, err.path, err.status) == ('PUT', '/orgs/acme/teams/x/memberships/y', 422)
    assert 'Cannot add an organization as a member.' in err.message
    assert err.documentation_url == 'https://docs.github.com/rest/teams/members'
    assert TOKEN not in str(err) and TOKEN not in repr(err.as_dict())


@responses.activate
def test_put_without_body_sends_content_length_zero():
    responses.put(API + '/orgs/acme/public_members/octo', status=204)
    client, _dummy = make()
    client.request('PUT', '/orgs/acme/public_members/octo', expected=(204,))
    assert responses.calls[0].request.headers['Content-Length'] == '0'


def test_ghes_paths_and_detection():
    client, _dummy = make(api_url='https://ghe.example.com/api/v3/')
    assert client.is_ghes
    assert client.url_for('/orgs/acme') == 'https://ghe.example.com/api/v3/orgs/acme'
    assert not make()[0].is_ghes


def test_an_api_url_scheme_in_capitals_builds_absolute_urls():
    # RFC 3986 3.1: the scheme is case-insensitive; api_url_problem accepts HTTPS://, so every URL
    # built from api_url (REST and GraphQL) must be absolute, with the scheme in lower case.
    client, _dummy = make(api_url='HTTPS://ghe.example.com/api/v3')
    assert client.api_url == 'https://ghe.example.com/api/v3'
    assert client.url_for('/orgs/acme') == 'https://ghe.example.com/api/v3/orgs/acme'
    assert graphql_url(client) == 'https://ghe.example.com/api/graphql'
    assert client.url_for('HTTPS://ghe.example.com/api/v3/orgs/acme?page=2') == 'HTTPS://ghe.example.com/api/v3/orgs/acme?page=2'
    assert graphql_url(make(api_url='Https://api.github.com')[0]) == 'https://api.github.com/graphql'


def test_bad_api_url_is_refused():
    with pytest.raises(ValueError):
        GitHubClient(api_url='api.github.com', token='x')
