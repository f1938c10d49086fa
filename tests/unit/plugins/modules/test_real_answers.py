"""Real recorded GitHub answers replayed to the modules (exact requests; see tests/data/recordings).

Headers and bodies are GitHub's own (from @octokit/fixtures, GitHub's OpenAPI examples, or answers
quoted in public threads); only routes are mapped onto the membership endpoints, and logins set.
"""

from __future__ import annotations

import copy
import functools

import pytest

from ansible_collections.gitops.github.plugins.module_utils import _http, _module
from ansible_collections.gitops.github.plugins.modules import github_org_membership as org
from ansible_collections.gitops.github.plugins.modules import github_org_membership_info as org_info
from ansible_collections.gitops.github.plugins.modules import github_team_membership as team

from exact_http import call, exact_calls
from recordings import exchange, octokit, openapi_examples

SKIP_HEADERS = ('content-length', 'content-type', 'connection')


def real_headers(real, **override):
    """A recording's response headers, as GitHub sent them (minus framing ones responses sets)."""
    headers = {k: v for k, v in real['headers'].items() if k not in SKIP_HEADERS}
    headers.update(override)
    return headers


def real_users(*logins):
    """GitHub's recorded user objects (collaborators list of octokit's recording), one per login."""
    template = octokit('add-and-remove-repository-collaborator')[3]['body'][0]
    out = []
    for index, login in enumerate(logins):
        user = copy.deepcopy(template)
        user.update(login=login, id=31898046 + index)
        out.append(user)
    return out


@pytest.fixture
def sleeps(monkeypatch):
    """Record the client's waits instead of sleeping them."""
    waited = []
    monkeypatch.setattr(_module, 'GitHubClient', functools.partial(_http.GitHubClient, sleep=waited.append))
    return waited


def test_link_pagination_as_recorded_is_followed_verbatim(run_module):
    """paginate-issues: five pages, absolute Link URLs that switch to an id route and keep per_page=3."""
    pages = octokit('paginate-issues')
    route = ('/repositories/1000/issues', '/organizations/9001/members')
    calls = [call('GET', '/orgs/acme/members', 200, [], query={'role': 'admin', 'per_page': '100'})]
    for number, real in enumerate(pages, 1):
        headers = real_headers(real, link=real['headers']['link'].replace(*route))
        body = real_users('user-%d' % number)
        if number == 1:
            calls.append(call('GET', '/orgs/acme/members', 200, body, headers=headers,
                              query={'role': 'member', 'per_page': '100'}))
        else:
            calls.append(call('GET', route[1], 200, body, headers=headers, query={'per_page': '3', 'page': str(number)}))
    with exact_calls(calls):
        result = run_module(org_info.main, {'org': 'acme'})
    assert [m['login'] for m in result['members']] == ['user-%d' % n for n in range(1, 6)]
    assert result['api_requests'] == 6


def test_real_404_body_means_absent_and_real_200_body_is_read(run_module):
    """A 404 with GitHub's error body (branch-protection recording) is 'absent'; the PUT answer is
    GitHub's own example of an org membership."""
    not_found = exchange('octokit:branch-protection:0')
    example = copy.deepcopy(openapi_examples()['examples']['org-membership'])
    example['user']['login'] = 'bob'
    example['state'], example['role'] = 'pending', 'member'
    with exact_calls([
        call('GET', '/orgs/acme/memberships/bob', 404, dict(not_found['body'], message='Not Found'),
             headers=real_headers(not_found)),
        call('GET', '/orgs/acme', 200, exchange('octokit:get-organization:0')['body']),
        call('PUT', '/orgs/acme/memberships/bob', 200, example, request_json={'role': 'member'}),
    ]):
        result = run_module(org.main, {'org': 'acme', 'username': 'bob'})
    assert result['changed'] is True
    assert result['membership'] == {'login': 'bob', 'state': 'pending', 'role': 'member'}


def test_real_422_validation_body_fails_with_githubs_message_and_details(run_module):
    real = exchange('validation-failed-422-with-status')
    not_found = exchange('octokit:branch-protection:0')
    with exact_calls([
        call('GET', '/orgs/acme/memberships/bob', 404, dict(not_found['body'], message='Not Found')),
        call('GET', '/orgs/acme', 200, exchange('octokit:get-organization:0')['body']),
        call('PUT', '/orgs/acme/memberships/bob', 422, real['body'], request_json={'role': 'member'}),
    ]):
        result = run_module(org.main, {'org': 'acme', 'username': 'bob'})
    assert result['failed'] is True
    assert 'HTTP 422: Validation Failed (%s)' % real['body']['errors'][0]['message'] in result['msg']


def test_team_id_route_reads_the_org_id_from_the_recorded_organization(run_module):
    org_body = exchange('octokit:get-organization:0')['body']
    path = '/organizations/%d/team/7001/memberships/bob' % org_body['id']
    example = openapi_examples()['examples']['team-membership-response-if-user-is-a-team-maintainer']
    with exact_calls([
        call('GET', '/orgs/acme', 200, org_body, headers=real_headers(exchange('octokit:get-organization:0'))),
        call('GET', path, 200, example),
    ]):
        result = run_module(team.main, {'org': 'acme', 'team_id': 7001, 'username': 'bob', 'role': example['role']})
    assert result['changed'] is False
    assert result['membership']['state'] == example['state']


@pytest.mark.parametrize('ident,status,extra,wait', [
    ('secondary-current-403', 403, {'retry-after': '30'}, 30.0),
    ('secondary-current-with-request-id-403', 403, {}, 60.0),
    ('secondary-abuse-older-403', 403, {}, 60.0),
    ('secondary-abuse-oldest-403', 403, {}, 60.0),
    ('secondary-current-403', 429, {}, 60.0),
])
def test_real_secondary_limits_are_waited_out_then_retried(run_module, sleeps, ident, status, extra, wait):
    real = exchange(ident)
    member = openapi_examples()['examples']['org-membership']
    with exact_calls([
        call('GET', '/orgs/acme/memberships/bob', status, real['body'], headers=real_headers(real, **extra)),
        call('GET', '/orgs/acme/memberships/bob', 200, dict(member, user=dict(member['user'], login='bob'))),
    ]):
        result = run_module(org.main, {'org': 'acme', 'username': 'bob', 'role': member['role']})
    assert result.get('failed') is not True, result.get('msg')
    assert sleeps == [wait]


def test_a_real_403_with_retry_after_that_is_no_rate_limit_fails_at_once(run_module, sleeps):
    """Issue 12: "Must have push access ..." with Retry-After is an ordinary failure, not waited on."""
    real = exchange('push-access-403')
    not_found = exchange('octokit:branch-protection:0')
    with exact_calls([
        call('GET', '/orgs/acme/memberships/bob', 404, dict(not_found['body'], message='Not Found')),
        call('GET', '/orgs/acme', 200, exchange('octokit:get-organization:0')['body']),
        call('PUT', '/orgs/acme/memberships/bob', 403, real['body'], request_json={'role': 'member'},
             headers=real_headers(real, **{'retry-after': '60'})),
    ]):
        result = run_module(org.main, {'org': 'acme', 'username': 'bob'})
    assert result['failed'] is True
    assert 'HTTP 403: %s' % real['body']['message'] in result['msg']
    assert 'rate limit' not in result['msg']
    assert sleeps == []
