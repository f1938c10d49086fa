"""The named writes of _resources a module calls (set_public, accept_invitation): a write that fails
in transit is checked with one read (is_public, the own membership) and sent again only when it
did not land."""

from __future__ import annotations

import responses

from ansible_collections.gitops.github.plugins.module_utils._http import GitHubClient
from ansible_collections.gitops.github.plugins.module_utils._resources import accept_invitation, is_public, set_public

API = 'https://api.github.com'
PUBLIC = '/orgs/acme/public_members/octocat'
OWN = '/user/memberships/orgs/acme'


def client():
    return GitHubClient(api_url=API, token='unit-test', write_delay=0, sleep=lambda seconds: None)


def methods():
    return [(c.request.method, c.request.path_url) for c in responses.calls]


@responses.activate
def test_is_public_reads_204_as_public_and_404_as_not():
    responses.get(API + PUBLIC, status=204)
    responses.get(API + '/orgs/acme/public_members/bob', status=404, json={'message': 'Not Found'})
    assert is_public(client(), 'acme', 'octocat') is True
    assert is_public(client(), 'acme', 'bob') is False


@responses.activate
def test_publicize_that_landed_is_not_sent_again():
    responses.put(API + PUBLIC, status=502)
    responses.get(API + PUBLIC, status=204)
    set_public(client(), 'acme', 'octocat', True)
    assert methods() == [('PUT', PUBLIC), ('GET', PUBLIC)]


@responses.activate
def test_conceal_that_did_not_land_is_sent_again():
    responses.delete(API + PUBLIC, status=503)
    responses.get(API + PUBLIC, status=204)  # still public: the DELETE did not land
    responses.delete(API + PUBLIC, status=204)
    set_public(client(), 'acme', 'octocat', False)
    assert methods() == [('DELETE', PUBLIC), ('GET', PUBLIC), ('DELETE', PUBLIC)]


@responses.activate
def test_acceptance_that_landed_is_not_sent_again():
    responses.patch(API + OWN, status=502)
    responses.get(API + OWN, json={'state': 'active', 'role': 'member', 'organization': {'login': 'acme'}})
    assert accept_invitation(client(), 'acme')['state'] == 'active'
    assert methods() == [('PATCH', OWN), ('GET', OWN)]
