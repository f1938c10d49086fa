"""write_membership: a write that fails in transit is checked with one read and never sent twice
when it landed."""

from __future__ import annotations

import responses

from ansible_collections.gitops.github.plugins.module_utils._http import GitHubClient
from ansible_collections.gitops.github.plugins.module_utils._resources import write_membership

API = 'https://api.github.com'
PATH = '/orgs/acme/teams/platform/memberships/octo'


def client():
    return GitHubClient(api_url=API, token='unit-test', write_delay=0, sleep=lambda seconds: None)


@responses.activate
def test_owner_added_as_member_landed_although_it_reads_back_as_maintainer():
    responses.put(API + PATH, status=502)
    responses.get(API + PATH, json={'state': 'active', 'role': 'maintainer'})
    data = write_membership(client(), PATH, 'member', adding=True)
    assert data['role'] == 'maintainer'
    assert [c.request.method for c in responses.calls] == ['PUT', 'GET']


@responses.activate
def test_role_change_that_did_not_land_is_sent_again():
    responses.put(API + PATH, status=502)
    responses.get(API + PATH, json={'state': 'active', 'role': 'member'})
    responses.put(API + PATH, json={'state': 'active', 'role': 'maintainer'})
    data = write_membership(client(), PATH, 'maintainer')
    assert data['role'] == 'maintainer'
    assert [c.request.method for c in responses.calls] == ['PUT', 'GET', 'PUT']


@responses.activate
def test_removal_that_landed_is_not_sent_again():
    responses.delete(API + PATH, status=503)
    responses.get(API + PATH, status=404, json={'message': 'Not Found'})
    assert write_membership(client(), PATH) is None
    assert [c.request.method for c in responses.calls] == ['DELETE', 'GET']
