"""The bulk reader and enterprise teams (issue 18), against a real simulator over HTTP: GitHub
lists them with ``type: enterprise`` (``GET /orgs/{org}/teams?team_type=enterprise``); the reader
marks them, and adds (members read over REST) one that the GraphQL read did not list."""

from __future__ import annotations

import pytest

from ghsim import Simulator

from ansible_collections.gitops.github.plugins.module_utils._http import GitHubClient
from ansible_collections.gitops.github.plugins.module_utils._org_reader import mark_enterprise_teams, read_org

TOKEN = 'tok-root'
SEED = {
    'users': ['root', 'alice', 'bob', 'carol'],
    'tokens': {TOKEN: 'root'},
    'orgs': [{'login': 'acme', 'owners': ['root'], 'members': ['alice', 'bob', 'carol'],
              'teams': [{'slug': 'web', 'members': ['alice']},
                        {'slug': 'ent-eng', 'type': 'enterprise', 'maintainers': ['carol'], 'members': ['bob']}]}],
}


@pytest.fixture
def sim():
    simulator = Simulator(SEED).start()
    yield simulator
    simulator.stop()


def client(sim):
    return GitHubClient(api_url=sim.api_url, token=TOKEN, write_delay=0)


def test_read_org_marks_enterprise_teams_with_one_request(sim):
    state = read_org(client(sim), 'acme', roster_teams=[])
    assert state.teams['ent-eng'].enterprise is True and state.teams['web'].enterprise is False
    asked = [(e.method, e.path, e.query) for e in sim.log if e.path == '/orgs/acme/teams']
    assert asked == [('GET', '/orgs/acme/teams', {'per_page': '100', 'team_type': 'enterprise'})]


def test_an_enterprise_team_graphql_did_not_list_is_added_with_its_members():
    sim = Simulator(SEED).start()
    try:
        teams = {}
        mark_enterprise_teams(client(sim), 'acme', teams)
    finally:
        sim.stop()
    team = teams['ent-eng']
    assert team.enterprise is True
    assert dict((k, (e.role, e.state)) for k, e in team.members.items()) == {
        'carol': ('maintainer', 'active'), 'bob': ('member', 'active')}


def test_ghes_has_no_enterprise_filter_and_is_not_asked():
    sim = Simulator(SEED, ghes=True).start()
    try:
        teams = {}
        mark_enterprise_teams(GitHubClient(api_url=sim.api_url, token=TOKEN, write_delay=0), 'acme', teams)
    finally:
        sim.stop()
    assert teams == {} and not [e for e in sim.log if '/teams' in e.path]
