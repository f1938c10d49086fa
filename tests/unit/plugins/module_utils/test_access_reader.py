"""The bulk access reader (issue 20) against the simulator in-process over HTTP: complete reads of
organization roles (direct told from indirect), team repositories (custom roles named, inheritance
through parents told apart), outside collaborators (pending repository invitations present); the
number of requests for big organizations; and every paging or shape fault failing the read."""

from __future__ import annotations

import copy
import os
import sys

import pytest

from ghsim import Simulator, generate

from graphql_contract import validate_graphql_exchange, validate_query

from ansible_collections.gitops.github.plugins.module_utils._access_reader import (
    ORG_REPOS_QUERY,
    TEAM_REPOS_QUERY,
    read_access,
    read_org_roles,
    read_outside_collaborators,
    read_team_repositories,
    team_repos_follow_up,
)
from ansible_collections.gitops.github.plugins.module_utils._graphql import GraphQL, PagingError
from ansible_collections.gitops.github.plugins.module_utils._http import GitHubClient, GitHubError
from ansible_collections.gitops.github.plugins.module_utils._org_reader import ReadError
from ansible_collections.gitops.github.plugins.module_utils._plan_access import plan_access, reads_for

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'simulator'))
import simcontract  # tests/unit/simulator: the OpenAPI contract check of logged exchanges

OWNER = 'tok-owner'
SEED = {
    'users': ['owner', 'alice', 'bob', 'carol', 'olivia', 'oscar', 'paul'],
    'tokens': {OWNER: 'owner', 'tok-alice': 'alice'},
    'orgs': [{
        'login': 'acme', 'id': 9001, 'owners': ['owner'], 'members': ['alice', 'bob', 'carol'],
        'custom_repository_roles': [{'name': 'auditor', 'base_role': 'read', 'permissions': ['view_secret_scanning_alerts']}],
        'repositories': [
            {'name': 'widgets', 'private': True, 'collaborators': {'olivia': 'push', 'alice': 'maintain'},
             'invitations': {'paul': 'triage'}},
            {'name': 'Docs', 'collaborators': {'oscar': 'auditor'}},
            {'name': 'secret-sauce', 'private': True},
        ],
        'teams': [
            {'slug': 'platform', 'members': ['bob'], 'repositories': {'widgets': 'push', 'Docs': 'auditor'}},
            {'slug': 'oncall', 'parent': 'platform', 'members': ['carol'], 'repositories': {'secret-sauce': 'maintain'}},
            {'slug': 'security', 'members': ['alice']},
        ],
        'organization_roles': [
            {'role': 'security_manager', 'users': ['alice'], 'teams': ['security']},
            {'role': 'all_repo_read', 'teams': ['platform']},
        ],
    }],
}


@pytest.fixture
def sim():
    simulator = Simulator(copy.deepcopy(SEED)).start()
    yield simulator
    simulator.stop()
    # every query sent and every answer read fits GitHub's schema (tampered answers are changed
    # after they were logged: the log holds what the simulator sent)
    for exchange in simulator.log:
        if exchange.path.endswith('/graphql'):
            validate_graphql_exchange(exchange)
    # and every REST request and answer fits GitHub's OpenAPI description
    assert simcontract.problems([e for e in simulator.log if not e.path.endswith('/graphql')], False) == []


def client(sim, token=OWNER):
    return GitHubClient(api_url=sim.api_url, token=token, write_delay=0)


def _asked(sim):
    return [(e.method, e.path) for e in sim.log]


# ------------------------------------------------------------------------------ complete reads
def test_roles_direct_and_through_teams(sim):
    roles = read_org_roles(client(sim), 'acme')
    manager = roles['security_manager']
    # alice holds it directly and through team security ("mixed"): a direct assignment
    assert manager.users == {'alice': 'alice'} and manager.teams == {'security': 'security'}
    read = roles['all_repo_read']
    assert read.users == {} and read.teams == {'platform': 'platform'}
    # bob (platform) and carol (oncall, platform's child) hold it only through the team
    assert read.inherited_users == {'bob': 'bob', 'carol': 'carol'} and read.inherited_teams == {'oncall': 'oncall'}
    assert read.id == 8132 and read.source == 'Predefined'


def test_only_the_named_roles_holders_are_read(sim):
    roles = read_org_roles(client(sim), 'acme', role_names=['Security_Manager'])
    assert roles['security_manager'].read and not roles['all_repo_read'].read
    holders = [p for m, p in _asked(sim) if p.startswith('/orgs/acme/organization-roles/')]
    assert holders == ['/orgs/acme/organization-roles/138/users', '/orgs/acme/organization-roles/138/teams']


def test_team_repositories_with_custom_roles_and_inheritance(sim):
    state = read_access(client(sim), 'acme', roles=False, outside=False)
    platform = state.teams['platform'].repositories
    assert {k: (g.repository, g.permission) for k, g in platform.items()} == {
        'widgets': ('widgets', 'push'), 'docs': ('Docs', 'auditor')}
    assert state.teams['oncall'].parent == 'platform'
    assert {k: (g.permission, src) for k, (g, src) in state.inherited_repositories('oncall').items()} == {
        'widgets': ('push', 'platform'), 'docs': ('auditor', 'platform')}
    assert state.custom_roles == {'auditor': ('auditor', 'pull')}
    # GraphQL says READ for the custom role: only platform (holding a base a custom role is built
    # on) is read again over REST; oncall (maintain) is not
    rest = [p for m, p in _asked(sim) if p.endswith('/repos')]
    assert rest == ['/orgs/acme/teams/platform/repos']


def test_a_teams_only_read_knows_the_repositories_from_one_query(sim):
    state = read_access(client(sim), 'acme', roles=False, outside=False)
    assert state.repositories == {'widgets': 'widgets', 'docs': 'Docs', 'secret-sauce': 'secret-sauce'}
    assert sum(1 for m, p in _asked(sim) if p == '/graphql') == 2  # the teams, the repository names
    plan = plan_access(state, {'teams': [{'team': 'security', 'repositories': {'nope': 'pull', 'DOCS': 'triage'}}]})
    assert plan.problems == ['team security: repository nope is not a repository of acme']
    assert [(w.target, w.permission) for w in plan.proposed] == [('Docs', 'triage')]


def test_outside_collaborators_with_pending_invitations(sim):
    state = read_access(client(sim), 'acme', roles=False, teams=False)
    seen = {login: {r: (g.permission, g.pending) for r, g in p.repositories.items()} for login, p in state.outside.items()}
    assert seen == {'olivia': {'widgets': ('push', False)}, 'oscar': {'docs': ('auditor', False)},
                    'paul': {'widgets': ('triage', True)}}
    assert state.outside['paul'].repositories['widgets'].invitation_id is not None
    assert state.repositories == {'widgets': 'widgets', 'docs': 'Docs', 'secret-sauce': 'secret-sauce'}


def test_invitations_only_of_the_repositories_the_plan_needs(sim):
    people, _repos = read_outside_collaborators(client(sim), GraphQL(client(sim)), 'acme', invitation_repos=['DOCS'])
    assert 'paul' not in people
    assert [p for m, p in _asked(sim) if p.endswith('/invitations')] == ['/repos/acme/Docs/invitations']


# ------------------------------------------------------------------------------ requests
def _count(sim, read):
    sim.clear_log()
    read()
    graphql = sum(1 for m, p in _asked(sim) if p == '/graphql')
    return graphql, len(sim.log) - graphql


def test_300_teams_with_10_repositories_take_6_queries():
    seed = generate(members=300, teams=300, team_size=1, repositories=200, team_repositories=10)
    with Simulator(seed) as sim:
        gh = client(sim, 'sim-token-bigorg-admin')
        graphql, rest = _count(sim, lambda: read_team_repositories(GraphQL(gh), 'bigorg'))
    assert (graphql, rest) == (6, 0)  # 50 teams a query, every team's repositories on its first page


def test_200_repositories_and_30_outside_collaborators():
    seed = generate(members=10, repositories=200, outside_collaborators=30, role_assignments=5)
    with Simulator(seed) as sim:
        gh = client(sim, 'sim-token-bigorg-admin')
        people = {}
        graphql, rest = _count(sim, lambda: people.update(
            read_outside_collaborators(gh, GraphQL(gh), 'bigorg', invitation_repos=[])[0]))
        assert len(people) == 30
        assert (graphql, rest) == (4, 1)  # 50 repositories a query; one page of outside collaborators
        _g, invitations = _count(sim, lambda: read_outside_collaborators(gh, GraphQL(gh), 'bigorg'))
        assert invitations == 1 + 200  # every repository's invitations: only an export asks for all
        _g, roles = _count(sim, lambda: read_org_roles(gh, 'bigorg', role_names=['all_repo_read', 'security_manager']))
        assert roles == 1 + 2 * 2


def test_a_team_with_more_than_100_repositories_is_paged_on():
    seed = generate(members=2, teams=2, team_size=1, repositories=230, team_repositories=230)
    with Simulator(seed) as sim:
        gh = client(sim, 'sim-token-bigorg-admin')
        teams = {}
        graphql, _rest = _count(sim, lambda: teams.update(read_team_repositories(GraphQL(gh), 'bigorg')))
    assert len(teams['team-001'].repositories) == 230 and len(teams['team-002'].repositories) == 230
    assert graphql == 3  # one page of teams, then two follow-ups carrying both teams


# ------------------------------------------------------------------------------ faults
class Tampered(GraphQL):
    """A GraphQL client whose answers pass through ``change(data, call)`` first."""

    def __init__(self, client, change):
        super().__init__(client)
        self.change = change
        self.calls = 0

    def query(self, text, variables=None):
        data = super().query(text, variables)
        self.calls += 1
        self.change(data, self.calls)
        return data


def _teams_conn(data):
    return data['organization']['teams']


def test_a_repeated_cursor_fails(sim):
    first = []

    def loop(data, _call):  # every page answers "more, after the first page's (real) cursor"
        conn = _teams_conn(data)
        first.append(first[0] if first else conn['pageInfo']['endCursor'])
        conn['totalCount'] = 500
        conn['pageInfo'] = {'hasNextPage': True, 'endCursor': first[0]}
    with pytest.raises(PagingError, match='already'):
        read_team_repositories(Tampered(client(sim), loop), 'acme')


def test_has_next_page_without_a_cursor_fails(sim):
    def no_cursor(data, _call):
        _teams_conn(data)['pageInfo'] = {'hasNextPage': True, 'endCursor': None}
    with pytest.raises(ReadError, match='endCursor'):
        read_team_repositories(Tampered(client(sim), no_cursor), 'acme')


def test_a_count_that_disagrees_fails(sim):
    def short(data, _call):
        _teams_conn(data)['nodes'][0]['repositories']['totalCount'] += 1
    with pytest.raises(ReadError, match='lists 2 of 3 repositories'):
        read_team_repositories(Tampered(client(sim), short), 'acme')


def test_a_missing_permission_fails(sim):
    def missing(data, _call):
        del _teams_conn(data)['nodes'][0]['repositories']['edges'][0]['permission']
    with pytest.raises(ReadError, match='unknown permission'):
        read_team_repositories(Tampered(client(sim), missing), 'acme')


def test_a_repository_listed_twice_in_any_case_fails(sim):
    def twice(data, _call):
        edges = _teams_conn(data)['nodes'][0]['repositories']['edges']
        edges.append(copy.deepcopy(edges[0]))
        edges[-1]['node']['name'] = edges[0]['node']['name'].upper()
    with pytest.raises(ReadError, match='twice'):
        read_team_repositories(Tampered(client(sim), twice), 'acme')


def test_collaborators_hidden_from_a_non_owner_fail(sim):
    with pytest.raises(ReadError, match='does not show the collaborators'):
        read_outside_collaborators(client(sim, 'tok-alice'), GraphQL(client(sim, 'tok-alice')), 'acme')


def test_roles_unavailable_on_ghes_fail_clearly():
    seed = copy.deepcopy(SEED)
    seed['orgs'][0]['organization_roles_enabled'] = False
    del seed['orgs'][0]['organization_roles']
    with Simulator(seed, ghes=True) as sim:
        with pytest.raises(ReadError, match='GitHub Enterprise Server has no organization roles'):
            read_org_roles(client(sim), 'acme')


def test_roles_hidden_from_a_member_fail(sim):
    with pytest.raises(ReadError, match='may not see them'):
        read_org_roles(client(sim, 'tok-alice'), 'acme')


def test_a_holder_without_assignment_fails(sim, monkeypatch):
    gh = client(sim)
    real = gh.paginate

    def strip(path, params=None, **kw):
        for item in real(path, params, **kw):
            item.pop('assignment', None)
            yield item
    monkeypatch.setattr(gh, 'paginate', strip)
    with pytest.raises(ReadError, match='no assignment'):
        read_org_roles(gh, 'acme')


def test_a_role_holder_listed_twice_fails(sim):
    gh = client(sim)
    real = gh.paginate

    def twice(path, params=None, **kw):
        items = list(real(path, params, **kw))
        return iter(items + items[:1])
    gh.paginate = twice
    with pytest.raises(ReadError, match='twice'):
        read_org_roles(gh, 'acme')


def test_graphql_and_rest_disagreeing_on_custom_roles_fail(sim):
    def extra(data, _call):
        for node in _teams_conn(data)['nodes']:
            if node['slug'] == 'platform':
                node['repositories']['edges'].append({'permission': 'READ', 'node': {'name': 'secret-sauce'}})
                node['repositories']['totalCount'] += 1
    gh = client(sim)
    from ansible_collections.gitops.github.plugins.module_utils._access_reader import (
        read_custom_roles,
        refine_team_custom_roles,
    )
    teams = read_team_repositories(Tampered(gh, extra), 'acme')
    with pytest.raises(ReadError, match='changed while it was read'):
        refine_team_custom_roles(gh, 'acme', teams, read_custom_roles(gh, 'acme'))


def test_errors_are_github_errors():
    assert issubclass(ReadError, GitHubError)


@pytest.mark.parametrize('text', [TEAM_REPOS_QUERY, ORG_REPOS_QUERY, team_repos_follow_up(1), team_repos_follow_up(3)])
def test_queries_validate_against_githubs_schema(text):
    variables = {'org': 'acme'}
    validate_query(text, variables)


# ------------------------------------------------------------------------------ a plan's reads, measured
def test_the_reads_a_plan_needs_for_a_benchmark_sized_org():
    """300 teams with 10 repositories each, 200 repositories, 30 outside collaborators, five role
    assignments: what a plan of all of it (non-exclusive) reads, counted."""
    seed = generate(members=300, teams=300, team_size=1, repositories=200, team_repositories=10,
                    outside_collaborators=30, role_assignments=5)
    roles = ('all_repo_read', 'all_repo_write', 'security_manager', 'all_repo_triage', 'all_repo_maintain')
    wanted = {'organization_roles': [{'role': r} for r in roles],
              'outside_collaborators': [{'login': 'outside%05d' % i, 'repositories': {'repo-%04d' % i: 'pull'}}
                                        for i in range(1, 31)],
              'teams': [{'team': 'team-%03d' % i, 'repositories': {}} for i in range(1, 301)]}
    with Simulator(seed) as sim:
        gh = client(sim, 'sim-token-bigorg-admin')
        state = None

        def read():
            nonlocal state
            state = read_access(gh, 'bigorg', **reads_for(wanted))
        graphql, rest = _count(sim, read)
    assert len(state.teams) == 300 and len(state.outside) == 30
    assert sum(len(r.users) for r in state.roles.values() if r.read) == 5
    # GraphQL: 6 pages of teams, 4 of repositories; REST: roles 1 + 5 x 2, custom roles 1,
    # outside collaborators 1, invitations of the 30 repositories named
    assert (graphql, rest) == (10, 1 + 10 + 1 + 1 + 30)
