"""Red-team round 21, second pass, unit level: hostile or malformed answers to the access reads
of github_org_roster (plugins/module_utils/_access_reader.py, _two_factor_reader.py), against the
simulator in-process, its answers tampered after they were logged.

FAILING today (real defects): marked "DEFECT". HOLDING today: marked "HOLDS".

Forms relied on (the vendored OpenAPI extract, tests/data/github-openapi/api.github.com.membership.json):
``collaborator.role_name`` and ``minimal-repository.role_name`` (a base role's REST name or a custom
repository role's name), ``repository-invitation.permissions`` (enum read, write, admin, triage,
maintain), ``organization-role.name`` (required string), ``orgs/list-members`` answering 422;
GraphQL's ``RepositoryCollaboratorConnection.totalCount`` (the vendored schema)."""

from __future__ import annotations

import copy

import pytest

from ghsim import Simulator
from ghsim.server import Fault

from ansible_collections.gitops.github.plugins.module_utils._access_reader import (
    read_custom_roles,
    read_org_roles,
    read_outside_collaborators,
    read_team_repositories,
    refine_team_custom_roles,
)
from ansible_collections.gitops.github.plugins.module_utils._graphql import GraphQL
from ansible_collections.gitops.github.plugins.module_utils._http import GitHubClient, GitHubError
from ansible_collections.gitops.github.plugins.module_utils._org_reader import ReadError
from ansible_collections.gitops.github.plugins.module_utils._two_factor_reader import TwoFactorRefused, read_lists

OWNER = 'tok-owner'
SEED = {
    'users': ['owner', 'alice', 'bob', 'olivia', 'oscar', 'paul'],
    'tokens': {OWNER: 'owner'},
    'orgs': [{
        'login': 'acme', 'id': 9001, 'owners': ['owner'], 'members': ['alice', 'bob'],
        'custom_repository_roles': [{'name': 'auditor', 'base_role': 'read', 'permissions': ['view_secret_scanning_alerts']}],
        'repositories': [
            {'name': 'widgets', 'private': True, 'collaborators': {'olivia': 'push'}, 'invitations': {'paul': 'triage'}},
            {'name': 'Docs', 'collaborators': {'oscar': 'auditor'}},
        ],
        'teams': [{'slug': 'platform', 'members': ['bob'], 'repositories': {'widgets': 'push', 'Docs': 'auditor'}}],
        'organization_roles': [{'role': 'security_manager', 'users': ['alice']}],
    }],
}


@pytest.fixture
def sim():
    simulator = Simulator(copy.deepcopy(SEED)).start()
    yield simulator
    simulator.stop()


def client(sim):
    return GitHubClient(api_url=sim.api_url, token=OWNER, write_delay=0)


class Tampered(GraphQL):
    """A GraphQL client whose answers pass through ``change(data)`` first."""

    def __init__(self, gh, change):
        super().__init__(gh)
        self.change = change

    def query(self, text, variables=None):
        data = super().query(text, variables)
        self.change(data)
        return data


def tamper_rest_list(gh, suffix, change):
    """Pass the items of every list read from a path ending in ``suffix`` through ``change``."""
    real = gh.paginate

    def paginate(path, params=None, **kw):
        items = list(real(path, params, **kw))
        if path.endswith(suffix):
            change(items)
        return iter(items)
    gh.paginate = paginate


def tamper_request(gh, suffix, change):
    real = gh.request

    def request(method, path, *args, **kw):
        resp = real(method, path, *args, **kw)
        if method == 'GET' and path.endswith(suffix):
            change(resp.data)
        return resp
    gh.request = request


# DEFECT (🟠 a partial read taken as complete): GraphQL says widgets has 150 outside collaborators
# (totalCount, hasNextPage), so the reader reads that repository on over REST - and takes whatever
# REST lists, here 1, without comparing it with the 150 GraphQL counted. The module's doc promises
# "a count that disagrees ... raise ReadError before anything is planned"; a REST list cut short
# (its last Link missing) would make 149 grants vanish from the plan and the drift report.
def test_rest_follow_up_shorter_than_graphqls_total_count_fails(sim):
    def more(data):
        for node in data['organization']['repositories']['nodes']:
            if node['name'] == 'widgets':
                node['collaborators']['totalCount'] = 150
                node['collaborators']['pageInfo'] = {'hasNextPage': True, 'endCursor': 'Y3Vyc29yOnYyOpHOAAE='}
    gh = client(sim)
    with pytest.raises(ReadError):
        read_outside_collaborators(gh, Tampered(gh, more), 'acme', invitation_repos=[])


# DEFECT (🟠 a permission GitHub never sends becomes a permission): the organization's custom
# repository roles are {auditor}; REST's role_name for a team's repository says "owner", neither a
# base role nor a custom role of this organization. It is taken verbatim as the team's permission
# (and would be planned as a change to the file's permission) instead of failing the read.
def test_a_team_role_name_that_is_no_role_fails(sim):
    gh = client(sim)
    teams = read_team_repositories(GraphQL(gh), 'acme')

    def lie(items):
        for item in items:
            if item['name'] == 'Docs':
                item['role_name'] = 'owner'
    tamper_rest_list(gh, '/teams/platform/repos', lie)
    with pytest.raises(ReadError):
        refine_team_custom_roles(gh, 'acme', teams, read_custom_roles(gh, 'acme'))


# DEFECT (🟠 same): repository-invitation.permissions is an enum (read, write, admin, triage,
# maintain); "owner" is outside it, yet the pending invitation is read as a grant of "owner".
def test_an_invitation_permission_outside_githubs_enum_fails(sim):
    gh = client(sim)

    def lie(items):
        for item in items:
            item['permissions'] = 'owner'
    tamper_rest_list(gh, '/repos/acme/widgets/invitations', lie)
    with pytest.raises(ReadError):
        read_outside_collaborators(gh, GraphQL(gh), 'acme', invitation_repos=['widgets'])


# HOLDS: a GraphQL collaborator permission outside RepositoryPermission fails the read.
def test_a_graphql_collaborator_permission_outside_the_enum_fails(sim):
    def lie(data):
        for node in data['organization']['repositories']['nodes']:
            for edge in node['collaborators']['edges']:
                edge['permission'] = 'OWNER'
    gh = client(sim)
    with pytest.raises(ReadError, match='unknown permission'):
        read_outside_collaborators(gh, Tampered(gh, lie), 'acme', invitation_repos=[])


# HOLDS: the repositories connection answering a short page (hasNextPage false, fewer nodes than
# totalCount) fails rather than plan on part of the organization.
def test_a_short_repositories_page_fails(sim):
    def short(data):
        data['organization']['repositories']['totalCount'] += 1
    gh = client(sim)
    with pytest.raises(ReadError, match='changed while they were read'):
        read_outside_collaborators(gh, Tampered(gh, short), 'acme', invitation_repos=[])


# HOLDS: a collaborators connection without pageInfo fails.
def test_collaborators_without_page_info_fail(sim):
    def strip(data):
        for node in data['organization']['repositories']['nodes']:
            node['collaborators'].pop('pageInfo', None)
    gh = client(sim)
    with pytest.raises(ReadError, match='pageInfo'):
        read_outside_collaborators(gh, Tampered(gh, strip), 'acme', invitation_repos=[])


# HOLDS: an organization role with a null name (organization-role.name is a required string).
def test_a_role_with_a_null_name_fails(sim):
    gh = client(sim)

    def null(body):
        body['roles'][0]['name'] = None
    tamper_request(gh, '/orgs/acme/organization-roles', null)
    with pytest.raises(ReadError, match='name'):
        read_org_roles(gh, 'acme')


# HOLDS: a custom repository role without a base role fails.
def test_a_custom_role_without_base_role_fails(sim):
    gh = client(sim)

    def null(body):
        body['custom_roles'][0]['base_role'] = None
    tamper_request(gh, '/orgs/acme/custom-repository-roles', null)
    with pytest.raises(ReadError, match='base_role'):
        read_custom_roles(gh, 'acme')


# HOLDS: a role holder page listing a user twice across pages fails.
def test_a_role_user_listed_twice_fails(sim):
    gh = client(sim)
    tamper_rest_list(gh, '/users', lambda items: items.extend(copy.deepcopy(items)))
    with pytest.raises(ReadError, match='twice'):
        read_org_roles(gh, 'acme')


# HOLDS: the two-factor member filter answered 422 (orgs/list-members' only documented error) is
# the owners-only refusal, never "nobody without two-factor".
def test_the_two_factor_filter_answered_422_is_a_refusal(sim):
    sim.inject(Fault('status', path=r'^/orgs/acme/members$', status=422, message='Validation Failed'))
    with pytest.raises(TwoFactorRefused, match='owner'):
        read_lists(client(sim), 'acme')


# HOLDS: an outside-collaborator filtered list answered 403 after the member list was accepted
# is an error, not an empty list.
def test_the_outside_filter_answered_403_fails(sim):
    sim.inject(Fault('status', path=r'^/orgs/acme/outside_collaborators$', status=403, message='Forbidden'))
    with pytest.raises(GitHubError):
        read_lists(client(sim), 'acme')


def link_next(gh, suffix, url_of):
    """Give every answer to a GET of a path ending in ``suffix`` (first pages) a Link rel=next."""
    real = gh.request

    def request(method, path, *args, **kw):
        resp = real(method, path, *args, **kw)
        if method == 'GET' and path.endswith(suffix):
            resp.links = {'next': {'url': url_of(resp)}}
        return resp
    gh.request = request


# HOLDS: a role's user list whose Link rel=next points to another host: the token is never sent
# there and the read fails (never a role read as held by its first page only).
def test_a_role_users_link_to_another_host_fails(sim):
    gh = client(sim)
    link_next(gh, '/users', lambda resp: 'https://api.github.com.evil.example/orgs/acme/organization-roles/138/users?page=2')
    with pytest.raises(GitHubError, match='another host'):
        read_org_roles(gh, 'acme')
    assert not [e for e in sim.log if 'evil' in e.path]


# HOLDS: the two-factor outside-collaborator list whose Link rel=next points back at itself (a loop).
def test_a_two_factor_list_link_loop_fails(sim):
    gh = client(sim)
    link_next(gh, '/outside_collaborators', lambda resp: resp.url)
    with pytest.raises(GitHubError, match='loop'):
        read_lists(gh, 'acme')
