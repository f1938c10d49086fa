"""The bulk reader against a real simulator over HTTP (127.0.0.1): what it reads equals the
simulator's own model, it pages nested connections, honours GraphQL's rate limit, fails on GraphQL
errors, and every query it sends and every answer it gets fits GitHub's GraphQL schema."""

from __future__ import annotations

import pytest

from ghsim import Fault, Simulator

from ansible_collections.gitops.github.plugins.module_utils._http import GitHubClient, RateLimitError
from ansible_collections.gitops.github.plugins.module_utils._graphql import GraphQL, GraphQLError, graphql_url
from ansible_collections.gitops.github.plugins.module_utils._org_reader import ReadError, read_org
from ansible_collections.gitops.github.plugins.module_utils._org_report import state_view
from graphql_contract import validate_answer, validate_graphql_exchange
from roster_model import read

TOKEN = 'tok-root'


def big_seed(members=250, teams=7, per_team=130):
    users = ['root'] + ['u%03d' % i for i in range(members)]
    team_specs = []
    for t in range(teams):
        spec = {'slug': 'team-%d' % t, 'members': users[1 + t: 1 + t + per_team if t % 2 == 0 else 5 + t],
                'maintainers': [users[-1 - t]]}
        if t >= 2:
            spec['parent'] = 'team-%d' % (t // 2)
        team_specs.append(spec)
    team_specs.append({'slug': 'secret-one', 'privacy': 'secret', 'members': ['u001']})
    return {
        'users': users + ['invitee', 'other'],
        'tokens': {TOKEN: 'root'},
        'orgs': [{'login': 'acme', 'owners': ['root', 'u000'], 'members': users[1:],
                  'invitations': [{'login': 'invitee', 'role': 'admin', 'teams': ['team-1']},
                                  {'email': 'someone@example.com'}],
                  'failed_invitations': [{'login': 'other'}],
                  'public_members': ['root'],
                  'teams': team_specs}],
    }


@pytest.fixture
def sim():
    simulator = Simulator(big_seed()).start()
    yield simulator
    simulator.stop()
    for exchange in simulator.log:
        if exchange.path.endswith('/graphql'):
            validate_graphql_exchange(exchange)


def client_for(sim, **kwargs):
    kwargs.setdefault('write_delay', 0)
    return GitHubClient(api_url=sim.api_url, token=TOKEN, **kwargs)


def test_reader_equals_the_model_and_pages_nested_members(sim):
    client = client_for(sim)
    gql = GraphQL(client)
    every = [(t['slug'], True, []) for t in big_seed()['orgs'][0]['teams']]
    state = read_org(client, 'acme', own_login='root', with_public=True, gql=gql, roster_teams=every)
    expected = read(sim.state, 'acme', own='root')
    assert state_view(state) == state_view(expected)
    assert state.public is True and state.failed == ['other']
    assert state.members['invitee'].state == 'pending' and state.members['invitee'].role == 'admin'
    assert state.teams['team-1'].members['invitee'].state == 'pending'
    assert state.teams['team-2'].parent == 'team-1'
    # 8 teams fit one query; team-0, -2, -4, -6 have 131 immediate members: one batched follow-up.
    graphql_calls = [e for e in sim.log if e.path == '/graphql']
    assert len(graphql_calls) == gql.queries == 2
    assert len(state.teams['team-0'].members) == 131
    assert gql.cost == 2
    # One team invitation list per listed team, since an invitation carries a team.
    assert len([e for e in sim.log if e.path.endswith('/invitations') and '/teams/' in e.path]) == len(every)


def test_team_invitations_are_read_only_where_the_plan_needs_them(sim):
    state = read_org(client_for(sim), 'acme', roster_teams=[('team-1', False, ['invitee']), ('team-3', False, ['u010'])])
    assert state.teams['team-1'].members['invitee'].state == 'pending'
    invitation = next(i for i in sim.state.orgs['acme'].invitations.values() if i.login_key == 'invitee')
    assert state.teams['team-1'].members['invitee'].role == invitation.teams[sim.state.team('acme', 'team-1').id]
    # The list, then one membership read for the invitee's team role: no other team is read.
    assert [e.path for e in sim.log if '/teams/' in e.path] == [
        '/orgs/acme/teams/team-1/invitations', '/orgs/acme/teams/team-1/memberships/invitee']


def test_direct_member_also_in_a_child_team_reads_as_direct():
    seed = {'users': ['root', 'bob', 'carol'], 'tokens': {TOKEN: 'root'},
            'orgs': [{'login': 'acme', 'owners': ['root'], 'members': ['bob', 'carol'],
                      'teams': [{'slug': 'parent', 'members': ['bob']},
                                {'slug': 'child', 'parent': 'parent', 'members': ['bob', 'carol']}]}]}
    with Simulator(seed) as sim:
        state = read_org(client_for(sim), 'acme')
    assert sorted(state.teams['parent'].members) == ['bob']
    assert state.child_members('parent') == {'bob': 'bob', 'carol': 'carol'}


def test_ghes_reads_graphql_at_api_graphql():
    seed = big_seed(members=20, teams=3, per_team=10)
    seed['orgs'][0]['invitations'] = []
    seed['orgs'][0]['failed_invitations'] = []
    with Simulator(seed, ghes=True) as sim:
        client = client_for(sim)
        assert graphql_url(client) == sim.root_url + '/api/graphql'
        state = read_org(client, 'acme')
        assert state.ghes
        assert state_view(state) == state_view(read(sim.state, 'acme', ghes=True))
        assert [e.path for e in sim.log if e.method == 'POST'] == ['/api/graphql']


def test_graphql_errors_in_a_200_answer_fail_the_read(sim):
    client = client_for(sim)
    with pytest.raises(GraphQLError) as info:
        GraphQL(client).query('query { organization(login: "nope") { login } rateLimit { cost remaining resetAt } }')
    assert info.value.status == 200
    assert "Could not resolve to an Organization with the login of 'nope'. (NOT_FOUND)" in str(info.value)
    with pytest.raises(GraphQLError) as info:
        GraphQL(client).query('query { organization(login: "acme") { nosuchfield } }')
    assert "Cannot query field 'nosuchfield'" in str(info.value)
    # That query is invalid on purpose: check its answer's form here, and keep it out of the
    # fixture's contract check of the queries sent.
    bad = sim.log[-1]
    assert bad.status == 200 and set(bad.json()) == {'errors'}
    validate_answer('query { organization(login: "acme") { login } }', bad.json())
    sim.clear_log()


def test_missing_org_fails_before_planning(sim):
    with pytest.raises(Exception) as info:
        read_org(client_for(sim), 'nope')
    assert '404' in str(info.value)


@pytest.mark.parametrize('form', ['RATE_LIMITED', 'RATE_LIMIT'])
def test_rate_limited_answer_fails_beyond_the_wait_budget(sim, form):
    sim.graphql_limit = 0
    sim.graphql_rate_form = form
    with pytest.raises(RateLimitError) as info:
        read_org(client_for(sim, sleep=lambda s: None, rate_limit_max_wait=60), 'acme')
    assert 'GraphQL primary rate limit' in str(info.value)
    limited = [e for e in sim.log if e.path == '/graphql']
    assert len(limited) == 1 and limited[0].json()['errors'][0]['type'] == form
    assert limited[0].response_headers['x-ratelimit-resource'] == 'graphql'


@pytest.mark.parametrize('form', ['RATE_LIMITED', 'RATE_LIMIT'])
def test_rate_limited_answer_is_waited_out_until_the_reset(sim, form):
    sim.graphql_rate_form = form
    waits = []

    def sleep(seconds):  # time passes: the hour is over
        waits.append(seconds)
        sim.reset_rate_limits()

    sim.graphql_limit = 0
    client = client_for(sim, sleep=sleep, rate_limit_max_wait=7200)
    sim.graphql_limit = 5000
    sim._buckets['graphql:root'] = [int(client.clock()) + 600, 5000]  # spent, resets in 10 minutes
    state = read_org(client, 'acme')
    assert 'team-0' in state.teams
    assert len(waits) == 1 and 595 <= waits[0] <= 602


def test_remaining_points_below_the_last_cost_pace_the_next_query(sim):
    sim.graphql_limit = 1  # the first query leaves 0 points: the follow-up must wait for resetAt
    with pytest.raises(RateLimitError) as info:
        read_org(client_for(sim, sleep=lambda s: None, rate_limit_max_wait=60), 'acme')
    assert '0 GraphQL points left, the last query cost 1' in str(info.value)
    assert len([e for e in sim.log if e.path == '/graphql']) == 1  # the second was never sent


def test_secondary_limit_on_graphql_is_waited_out(sim):
    waits = []
    sim.inject(Fault('secondary', path='^/graphql$', retry_after=3))
    state = read_org(client_for(sim, sleep=waits.append), 'acme')
    assert 3.0 in waits and 'team-0' in state.teams


def test_a_team_answer_without_its_members_is_refused(sim):
    class Broken(GraphQL):
        def query(self, text, variables=None):
            data = super().query(text, variables)
            nodes = (data.get('organization') or {}).get('teams', {}).get('nodes') or []
            if nodes:
                nodes[0]['members']['edges'] = nodes[0]['members']['edges'][:-1]
            return data
    client = client_for(sim)
    with pytest.raises(ReadError) as info:
        read_org(client, 'acme', gql=Broken(client))
    assert 'lists' in str(info.value) and 'immediate members' in str(info.value)
