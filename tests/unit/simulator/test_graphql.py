"""ghsim's GraphQL subset: GitHub's semantics (immediate vs child-team members, owners as
maintainers, cursors, costs, limits, errors in a 200 answer), and every query and answer here
validated against GitHub's published schema."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # tests/, for graphql_contract

from ghsim import Simulator
from graphql_contract import validate_answer, validate_query

SEED = {
    'users': ['root', 'alice', 'bob', 'carol', 'dave'],
    'tokens': {'tok': 'root', 'tok-dave': 'dave'},
    'orgs': [{'login': 'acme', 'owners': ['root'], 'members': ['alice', 'bob', 'carol', 'dave'],
              'teams': [{'slug': 'parent', 'maintainers': ['alice'], 'members': ['bob', 'root']},
                        {'slug': 'child', 'parent': 'parent', 'members': ['bob', 'carol']},
                        {'slug': 'hidden', 'privacy': 'secret', 'members': ['alice']}]}],
}

MEMBERS = '''query($slug: String!, $membership: TeamMembershipType!, $first: Int, $after: String) {
  organization(login: "acme") {
    team(slug: $slug) {
      members(first: $first, after: $after, membership: $membership) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { role node { login } }
      }
    }
  }
  rateLimit { cost remaining resetAt limit used nodeCount }
}'''


@pytest.fixture
def sim():
    with Simulator(SEED) as s:
        yield s


def ask(sim, query, variables=None, token='tok', path='/graphql'):
    validate_query(query, variables)
    resp = requests.post(sim.root_url + path, json={'query': query, 'variables': variables or {}},
                         headers={'Authorization': 'Bearer ' + token}, timeout=10)
    if resp.status_code == 200:
        validate_answer(query, resp.json())
    return resp


def logins(resp):
    conn = resp.json()['data']['organization']['team']['members']
    return [(e['node']['login'], e['role']) for e in conn['edges']]


@pytest.mark.parametrize('membership,expected', [
    ('IMMEDIATE', [('root', 'MAINTAINER'), ('alice', 'MAINTAINER'), ('bob', 'MEMBER')]),
    ('CHILD_TEAM', [('carol', 'MEMBER')]),
    ('ALL', [('root', 'MAINTAINER'), ('alice', 'MAINTAINER'), ('bob', 'MEMBER'), ('carol', 'MEMBER')]),
])
def test_membership_filter_and_owners_as_maintainers(sim, membership, expected):
    resp = ask(sim, MEMBERS, {'slug': 'parent', 'membership': membership, 'first': 100})
    assert resp.status_code == 200 and 'errors' not in resp.json()
    assert logins(resp) == expected


def test_cursors_page_through(sim):
    seen = []
    after = None
    while True:
        resp = ask(sim, MEMBERS, {'slug': 'parent', 'membership': 'ALL', 'first': 1, 'after': after})
        conn = resp.json()['data']['organization']['team']['members']
        seen += [e['node']['login'] for e in conn['edges']]
        assert conn['totalCount'] == 4
        if not conn['pageInfo']['hasNextPage']:
            break
        after = conn['pageInfo']['endCursor']
    assert seen == ['root', 'alice', 'bob', 'carol']


def test_rate_limit_cost_and_remaining(sim):
    first = ask(sim, MEMBERS, {'slug': 'parent', 'membership': 'ALL', 'first': 100}).json()['data']['rateLimit']
    second = ask(sim, MEMBERS, {'slug': 'parent', 'membership': 'ALL', 'first': 100})
    rate = second.json()['data']['rateLimit']
    assert first['cost'] == rate['cost'] == 1 and rate['remaining'] == first['remaining'] - 1 == 4998
    assert second.headers['x-ratelimit-resource'] == 'graphql' and second.headers['x-ratelimit-remaining'] == '4998'


def test_errors_come_in_a_200_answer(sim):
    resp = ask(sim, 'query { organization(login: "nope") { login } }')
    assert resp.status_code == 200
    error, = resp.json()['errors']
    assert error['type'] == 'NOT_FOUND' and error['path'] == ['organization']
    assert resp.json()['data'] == {'organization': None}
    resp = ask(sim, 'query { organization(login: "acme") { teams { totalCount } } }')
    assert 'You must provide a `first` or `last` value' in resp.json()['errors'][0]['message']
    resp = ask(sim, 'query { organization(login: "acme") { teams(first: 101) { totalCount } } }')
    assert 'exceeds the `first` limit of 100' in resp.json()['errors'][0]['message']


def test_node_limit(sim):
    query = '''query { organization(login: "acme") { teams(first: 100) { nodes { members(first: 100) {
      nodes { organizations(first: 100) { nodes { login } } } } } } } }'''
    resp = ask(sim, query)
    assert resp.json()['errors'][0]['type'] == 'MAX_NODE_LIMIT_EXCEEDED'


def test_secret_team_hidden_from_non_members(sim):
    query = 'query { organization(login: "acme") { teams(first: 10) { nodes { slug privacy } } } }'
    owner = [t['slug'] for t in ask(sim, query).json()['data']['organization']['teams']['nodes']]
    dave = [t['slug'] for t in ask(sim, query, token='tok-dave').json()['data']['organization']['teams']['nodes']]
    assert owner == ['parent', 'child', 'hidden'] and dave == ['parent', 'child']


def test_authentication_and_ghes_endpoint():
    resp = requests.post
    with Simulator(SEED) as sim:
        assert requests.post(sim.root_url + '/graphql', json={'query': '{ rateLimit { cost } }'}, timeout=10).status_code == 401
        assert resp(sim.root_url + '/graphql', json={'query': '{ rateLimit { cost } }'},
                    headers={'Authorization': 'Bearer wrong'}, timeout=10).status_code == 401
    with Simulator(SEED, ghes=True) as sim:
        answer = ask(sim, 'query { rateLimit { cost remaining resetAt } }', path='/api/graphql')
        assert answer.status_code == 200 and answer.json()['data'] == {'rateLimit': None}
        assert 'x-ratelimit-remaining' not in answer.headers
        assert ask(sim, 'query { rateLimit { cost } }', path='/graphql').status_code == 404
