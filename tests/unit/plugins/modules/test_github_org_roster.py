"""github_org_roster: the exact requests of a whole-organization roster run (REST lists, one GraphQL
query for the teams, the writes), with no change, one addition, one removal, and in check mode."""

from __future__ import annotations

import pytest

from ansible_collections.gitops.github.plugins.module_utils._org_reader import TEAMS_PER_QUERY, TEAMS_QUERY
from ansible_collections.gitops.github.plugins.modules import github_org_roster as module

from exact_http import call, exact_calls, org_membership

MEMBERS = '/orgs/acme/members'
PAGE = {'per_page': '100'}


IDS = {'octo-admin': 1000, 'alice': 1001, 'bob': 1002, 'carol': 1003, 'dave': 1004, 'erin': 1005}


def users(*logins):
    return [{'login': login, 'id': IDS[login], 'type': 'User'} for login in logins]


def teams_answer():
    """GitHub's GraphQL answer for the teams query: one team, devs, with alice as its only
    immediate member (a maintainer)."""
    devs = {
        'databaseId': 42, 'slug': 'devs', 'name': 'Devs', 'description': None, 'privacy': 'VISIBLE',
        'parentTeam': None,
        'members': {'totalCount': 1, 'pageInfo': {'hasNextPage': False, 'endCursor': 'Y3Vyc29yOjE='},
                    'edges': [{'role': 'MAINTAINER', 'node': {'login': 'alice'}}]},
    }
    return {'data': {
        'organization': {'teams': {'totalCount': 1, 'pageInfo': {'hasNextPage': False, 'endCursor': 'Y3Vyc29yOjE='},
                                   'nodes': [devs]}},
        'rateLimit': {'cost': 1, 'remaining': 4999, 'resetAt': '2026-12-04T20:00:00Z'},
    }}


def reads():
    """Every read of one run: owners, members, pending and failed invitations (REST, 100 a page),
    then the teams with their immediate members (one GraphQL query), then which teams are enterprise teams."""
    return [
        call('GET', MEMBERS, 200, users('octo-admin'), query={'role': 'admin', 'per_page': '100'}),
        call('GET', MEMBERS, 200, users('alice', 'bob', 'carol', 'dave'), query={'role': 'member', 'per_page': '100'}),
        call('GET', '/orgs/acme/invitations', 200, [], query=PAGE),
        call('GET', '/orgs/acme/failed_invitations', 200, [], query=PAGE),
        call('POST', '/graphql', 200, teams_answer(),
             request_json={'query': TEAMS_QUERY, 'variables': {'org': 'acme', 'teams': TEAMS_PER_QUERY, 'after': None}}),
        # Enterprise teams (type: enterprise) are read only, so the reader asks which teams are (issue 18).
        call('GET', '/orgs/acme/teams', 200, [], query={'team_type': 'enterprise', 'per_page': '100'}),
    ]


def org_diff(result):
    """The organization's element of the roster's diff (one element per scope)."""
    (element,) = [e for e in result['diff'] if e['scope'] == 'org']
    return element


def args(members, **extra):
    return dict({'org': 'acme', 'owners': ['octo-admin'], 'members': members, 'exclusive': True}, **extra)


EVERYONE = ['alice', 'bob', 'carol', 'dave']


@pytest.mark.parametrize('check_mode', [False, True])
def test_no_change_costs_the_reads_only(run_module, check_mode):
    with exact_calls(reads()):
        result = run_module(module.main, args(EVERYONE), check_mode=check_mode, diff=True)
    assert result['changed'] is False
    assert result['changes'] == []
    assert result['api_requests'] == 6
    assert (result['graphql_queries'], result['graphql_cost']) == (1, 1)
    assert all(element['before'] == element['after'] for element in result['diff'])
    assert result['impossible'] == []


def test_one_addition_is_one_put(run_module):
    with exact_calls(reads() + [
        call('PUT', '/orgs/acme/memberships/erin', 200, org_membership('erin', 'pending'), request_json={'role': 'member'}),
    ]):
        result = run_module(module.main, args(EVERYONE + ['erin']), diff=True)
    assert result['changed'] is True
    assert result['changes'] == [{'scope': 'org', 'team': None, 'action': 'add', 'login': 'erin', 'role': 'member'}]
    assert (result['org']['added'], result['org']['pending'], result['org']['removed']) == (['erin'], ['erin'], [])
    assert org_diff(result)['after'] == dict(org_diff(result)['before'], erin='member (pending)')
    assert result['api_requests'] == 7


def test_one_removal_asks_who_the_token_is_then_deletes(run_module):
    # Only a removal or demotion can hit the token's own user: then GET /user, before any write.
    with exact_calls(reads() + [
        call('GET', '/user', 200, {'login': 'octo-admin'}),
        call('DELETE', '/orgs/acme/memberships/dave', 204),
    ]):
        result = run_module(module.main, args(['alice', 'bob', 'carol']), diff=True)
    assert result['changed'] is True
    assert result['changes'] == [{'scope': 'org', 'team': None, 'action': 'remove', 'login': 'dave', 'role': None}]
    assert (result['org']['added'], result['org']['removed']) == ([], ['dave'])
    assert 'dave' in org_diff(result)['before'] and 'dave' not in org_diff(result)['after']
    assert result['api_requests'] == 8


def test_check_mode_looks_the_new_user_up_and_writes_nothing(run_module):
    # Check mode asks GET /users/{login} for each person it would add, and sends no write.
    with exact_calls(reads() + [call('GET', '/users/erin', 200, users('erin')[0])]):
        result = run_module(module.main, args(EVERYONE + ['erin']), check_mode=True, diff=True)
    assert result['changed'] is True
    assert result['changes'] == [{'scope': 'org', 'team': None, 'action': 'add', 'login': 'erin', 'role': 'member'}]
    assert result['impossible'] == []
    # What apply would report, predicted: the same after-state as test_one_addition_is_one_put.
    assert org_diff(result)['after'] == dict(org_diff(result)['before'], erin='member (pending)')
    assert result['org']['added'] == ['erin']
    assert result['api_requests'] == 7


def test_check_mode_drops_an_addition_github_would_refuse(run_module):
    # GET /users/{login} answering 404: no such user, so check mode promises no addition.
    with exact_calls(reads() + [call('GET', '/users/nobody-here', 404, {'message': 'Not Found'})]):
        result = run_module(module.main, args(EVERYONE + ['nobody-here']), check_mode=True)
    assert result['changed'] is False
    assert result['impossible'] == [{'login': 'nobody-here', 'problem': 'no GitHub user has the login nobody-here'}]
    assert any('cannot add nobody-here' in w for w in result['_warned'])
