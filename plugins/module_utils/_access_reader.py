# -*- coding: utf-8 -*-
# Copyright (c) gitops.github contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The bulk read of an organization's access (issue 20) into an :class:`._access_state.AccessState`,
in a number of requests that grows with pages, not with people x repositories.

- Team repository access: GraphQL ``Organization.teams`` (:data:`TEAMS_PER_QUERY` a query) with each
  team's ``parentTeam`` and ``repositories(first: 100)``, the permission on the
  ``TeamRepositoryEdge`` (GitHub's schema; the connection lists the team's *own* grants, as REST's
  "List team repositories" does, so access through a parent is computed from the parents and told
  apart). A team with more than 100 repositories is paged on in batched follow-up queries
  (``organization.team(slug:)`` aliases), each from its own cursor.
- Custom repository roles: GraphQL's ``RepositoryPermission`` has only the five base roles, so a
  custom role reads as its base role. ``GET /orgs/{org}/custom-repository-roles`` (one request;
  404 where GitHub offers none: not Enterprise Cloud) says which base roles may hide a custom one;
  only a team or repository holding such a base role is read again over REST (``GET
  /orgs/{org}/teams/{team}/repos``, ``GET /repos/{owner}/{repo}/collaborators?affiliation=outside``,
  both paged), whose ``role_name`` names the custom role (the OpenAPI extract's
  ``minimal-repository`` and ``collaborator``).
- Outside collaborators: ``GET /orgs/{org}/outside_collaborators`` (paged) says who they are;
  GraphQL ``Organization.repositories`` (:data:`REPOSITORIES_PER_QUERY` a query) with
  ``collaborators(affiliation: OUTSIDE, first: 100)`` says where, the permission on the edge. A
  repository with more than 100 outside collaborators is read on over REST (the same list as
  above): the simulator, like GitHub's REST, serves it, and GraphQL would need a top-level
  ``repository(owner:, name:)`` per repository. GraphQL's schema has pending repository
  invitations only across an enterprise (``EnterpriseOwnerInfo.pendingCollaboratorInvitations``,
  for enterprise owners), none per repository or organization, so the pending ones come from
  ``GET /repos/{owner}/{repo}/invitations`` (paged): one request per repository, hence only for
  the repositories the plan depends on (``invitation_repos``, see ``_plan_access.reads_for``:
  those the wanted data names; ``None``: every repository, for an exclusive list or an export).
- Organization roles (REST only; GraphQL has none): ``GET /orgs/{org}/organization-roles`` (one
  object with ``total_count``, unpaged in the OpenAPI description), then per role the plan names
  (``role_names``; ``None``: every role) ``.../{role_id}/users`` and ``.../{role_id}/teams``, paged.
  Each holder's ``assignment`` (``direct``, ``indirect``, ``mixed``) tells a direct assignment from
  one through a team. A 404 on the list is a GitHub Enterprise Server without organization roles
  (documented from 3.16; the extract's README) or a token that may not see them: it fails, clearly.

Every read a plan depends on is complete and well-formed: the GraphQL connections are paged under
:class:`._graphql.Pages` (a cursor given twice, ``hasNextPage`` without a cursor, more pages than
``totalCount`` fills), REST ``Link`` pages under the client's ``paginate``; a missing field, a
count that disagrees, an identifier listed twice (case-insensitively) raise :class:`ReadError`
before anything is planned.
"""

from __future__ import annotations

from ansible_collections.gitops.github.plugins.module_utils._access_state import (
    AccessState,
    Collaborator,
    Grant,
    OrgRole,
    TeamAccess,
    graphql_permission,
    invitation_permission,
    known_roles,
    rest_permission,
)
from ansible_collections.gitops.github.plugins.module_utils._graphql import RATE_LIMIT_FIELDS, GraphQL, Pages
from ansible_collections.gitops.github.plugins.module_utils._http import quote_segment
from ansible_collections.gitops.github.plugins.module_utils._org_reader import ReadError, _need, _organization, follow_up_team_pages

TEAMS_PER_QUERY = 50
REPOS_PER_PAGE = 100
REPOSITORIES_PER_QUERY = 50
COLLABORATORS_PER_PAGE = 100

_CONNECTION = '''totalCount
        pageInfo { hasNextPage endCursor }'''

TEAM_REPOS_QUERY = '''query($org: String!, $teams: Int!, $after: String) {
  organization(login: $org) {
    teams(first: $teams, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes {
        slug
        parentTeam { slug }
        repositories(first: %d) {
        %s
        edges { permission node { name } }
        }
      }
    }
  }
  %s
}''' % (REPOS_PER_PAGE, _CONNECTION, RATE_LIMIT_FIELDS)

ORG_REPOS_QUERY = '''query($org: String!, $repos: Int!, $after: String) {
  organization(login: $org) {
    repositories(first: $repos, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes {
        name
        collaborators(first: %d, affiliation: OUTSIDE) {
        %s
        edges { permission node { login } }
        }
      }
    }
  }
  %s
}''' % (COLLABORATORS_PER_PAGE, _CONNECTION, RATE_LIMIT_FIELDS)

REPOSITORY_NAMES_QUERY = '''query($org: String!, $repos: Int!, $after: String) {
  organization(login: $org) {
    repositories(first: $repos, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { name }
    }
  }
  %s
}''' % RATE_LIMIT_FIELDS
NAMES_PER_QUERY = 100


class Unreadable(ReadError):
    """A part GitHub does not show this token (organization roles answering 404, a repository's
    collaborators shown as null): an export leaves that part out with a warning; a plan that
    depends on it fails."""


# ``assignment`` of ``user-role-assignment`` and ``team-role-assignment`` (OpenAPI extract):
# "Determines if the user has a direct, indirect, or mixed relationship to a role".
_DIRECT = {'direct': True, 'mixed': True, 'indirect': False}


def team_repos_follow_up(count):
    """A query that pages on the repositories of ``count`` teams, one alias each."""
    params = ['$org: String!'] + ['$s%d: String!, $c%d: String' % (i, i) for i in range(count)]
    parts = ['t%d: team(slug: $s%d) {\n      repositories(first: %d, after: $c%d) {\n        %s\n        '
             'edges { permission node { name } }\n      }\n    }' % (i, i, REPOS_PER_PAGE, i, _CONNECTION)
             for i in range(count)]
    return 'query(%s) {\n  organization(login: $org) {\n    %s\n  }\n  %s\n}' % (
        ', '.join(params), '\n    '.join(parts), RATE_LIMIT_FIELDS)


def _page_info(conn, where):
    """``(has_next, end_cursor, total)`` of a connection; ``hasNextPage`` needs a cursor."""
    info = _need(conn.get('pageInfo'), dict, where + '.pageInfo')
    total = _need(conn.get('totalCount'), int, where + '.totalCount')
    has_next = _need(info.get('hasNextPage'), bool, where + '.pageInfo.hasNextPage')
    cursor = info.get('endCursor')
    if has_next:
        _need(cursor, str, where + '.pageInfo.endCursor')
    return has_next, cursor, total


def _add_edges(conn, where, node_key, into, permission_of=graphql_permission):
    """Add one page of a connection's edges to ``into`` (``{lower key: (GitHub's spelling,
    permission)}``); a key listed twice fails. Returns ``(has_next, end_cursor, total)``."""
    _need(conn, dict, where)
    for edge in _need(conn.get('edges'), list, where + '.edges'):
        _need(edge, dict, where + '.edges[]')
        node = _need(edge.get('node'), dict, where + '.edges[].node')
        key = _need(node.get(node_key), str, where + '.edges[].node.' + node_key)
        permission = permission_of(edge.get('permission'))
        if permission is None:
            raise ReadError(where, 'the GraphQL answer has an unknown permission %r for %s' % (edge.get('permission'), key))
        if key.lower() in into:
            raise ReadError(where, 'the GraphQL answer lists %s twice (as %s and %s)' % (key, into[key.lower()][0], key))
        into[key.lower()] = (key, permission)
    return _page_info(conn, where)


def _unique(items, field, where):
    """``{lower value: value}`` of ``items``' ``field``; a value listed twice fails."""
    out = {}
    for item in items:
        value = _need(item.get(field), str, where + ' ' + field)
        if value.lower() in out:
            raise ReadError(where, '%s is listed twice (as %s and %s)' % (value, out[value.lower()], value))
        out[value.lower()] = value
    return out


# -------------------------------------------------------------------------------- team repositories
def read_team_repositories(gql, org):
    """``{lower slug: TeamAccess}`` of every team the token can see, with its direct grants."""
    teams = {}
    grants = {}  # lower slug -> {lower repo: (name, permission)}
    todo = []  # (slug, cursor, total)
    pages_of = {}
    after = None
    expected = None
    pages = Pages(gql.path, 'the teams of %s' % org, TEAMS_PER_QUERY)
    while True:
        conn = _need(_organization(gql.query(TEAM_REPOS_QUERY, {'org': org, 'teams': TEAMS_PER_QUERY, 'after': after}),
                                   org).get('teams'), dict, 'organization.teams')
        for node in _need(conn.get('nodes'), list, 'organization.teams.nodes'):
            _need(node, dict, 'organization.teams.nodes[]')
            slug = _need(node.get('slug'), str, 'team.slug')
            if slug.lower() in teams:
                raise ReadError('organization.teams', 'team %s is listed twice' % slug)
            parent = node.get('parentTeam')
            if parent is not None:
                parent = _need(_need(parent, dict, 'team %s.parentTeam' % slug).get('slug'), str, 'team %s.parentTeam.slug' % slug)
            teams[slug.lower()] = TeamAccess(slug, parent)
            grants[slug.lower()] = {}
            where = 'team %s.repositories' % slug
            has_next, cursor, count = _add_edges(node.get('repositories'), where, 'name', grants[slug.lower()])
            if has_next:
                pages_of[slug.lower()] = Pages(gql.path, 'the repositories of team %s' % slug, REPOS_PER_PAGE)
                todo.append((slug, pages_of[slug.lower()].next(cursor, count), count))
            elif len(grants[slug.lower()]) != count:
                raise ReadError(where, 'the GraphQL answer lists %d of %d repositories' % (len(grants[slug.lower()]), count))
        has_next, cursor, total = _page_info(conn, 'organization.teams')
        expected = total if expected is None else expected
        if not has_next:
            break
        after = pages.next(cursor, total)
    if len(teams) != expected:
        raise ReadError('organization.teams', 'the teams changed while they were read (%d of %d); run again'
                        % (len(teams), expected))
    _follow_team_repos(gql, org, todo, grants, pages_of)
    for key, team in teams.items():
        team.repositories = dict((k, Grant(name, perm)) for k, (name, perm) in grants[key].items())
    return teams


def _follow_team_repos(gql, org, todo, grants, pages_of):
    def repositories_page(node, where, slug):
        into = grants[slug.lower()]
        return _add_edges(node.get('repositories'), where, 'name', into) + (len(into),)

    follow_up_team_pages(gql, org, todo, team_repos_follow_up, repositories_page, pages_of,
                         lambda slug: 'team %s.repositories' % slug, 'repositories', 'repositories')


# -------------------------------------------------------------------------------- custom repository roles
def read_custom_roles(client, org):
    """``{lower name: (name, base permission)}`` of the custom repository roles, or ``None`` when
    GitHub answers 404 (no custom repository roles here: they are an Enterprise Cloud feature)."""
    path = '/orgs/%s/custom-repository-roles' % quote_segment(org)
    resp = client.request('GET', path, expected=(200, 404))
    if resp.status == 404:
        return None
    body = _need(resp.data, dict, path)
    roles = _need(body.get('custom_roles'), list, path + ' custom_roles')
    if _need(body.get('total_count'), int, path + ' total_count') != len(roles):
        raise ReadError(path, 'lists %d custom repository roles of a total_count of %d' % (len(roles), body['total_count']))
    _unique([_need(r, dict, path + ' custom_roles[]') for r in roles], 'name', path)
    out = {}
    for role in roles:
        base = rest_permission(_need(role.get('base_role'), str, path + ' base_role'))
        out[role['name'].lower()] = (role['name'], base)
    return out


def _refine(grants, listed, where):
    """Replace the base permission of ``grants`` (``{lower repo or login: Grant-like}``) by REST's
    ``role_name`` of ``listed`` (``{lower key: (name, permission)}``); the two reads must list the
    same keys."""
    if set(grants) != set(listed):
        raise ReadError(where, 'GraphQL and REST list different access (%s); it changed while it was read, run again'
                        % ', '.join(sorted(set(grants) ^ set(listed))))
    for key, grant in grants.items():
        grant.permission = listed[key][1]


def _rest_listing(client, path, params, field, where, known):
    """``{lower key: (key, permission)}`` of a REST listing with ``role_name``; a role that is
    neither a base role nor one of the organization's custom roles (``known``,
    :func:`._access_state.known_roles`) fails the read rather than become a permission."""
    out = {}
    for item in client.paginate(path, params):
        key = _need(item.get(field), str, where + ' ' + field)
        role = rest_permission(item.get('role_name'))
        if role is None:
            raise ReadError(where, '%s has no role_name' % key)
        if role.lower() not in known:
            raise ReadError(where, '%s has the role %r, neither a base role nor a custom repository role of the '
                            'organization' % (key, item.get('role_name')))
        if key.lower() in out:
            raise ReadError(where, '%s is listed twice (as %s and %s)' % (key, out[key.lower()][0], key))
        out[key.lower()] = (key, role)
    return out


def refine_team_custom_roles(client, org, teams, custom_roles):
    """Read over REST the teams holding a base role that a custom role is built on."""
    bases = set(base for _name, base in (custom_roles or {}).values())
    for team in teams.values():
        if not any(g.permission in bases for g in team.repositories.values()):
            continue
        path = '/orgs/%s/teams/%s/repos' % (quote_segment(org), quote_segment(team.slug))
        _refine(team.repositories, _rest_listing(client, path, None, 'name', path, known_roles(custom_roles)), path)


# -------------------------------------------------------------------------------- outside collaborators
def read_outside_logins(client, org):
    """``{lower login: login}`` from ``GET /orgs/{org}/outside_collaborators``, every page."""
    path = '/orgs/%s/outside_collaborators' % quote_segment(org)
    return _unique(list(client.paginate(path)), 'login', path)


def read_repository_collaborators(client, gql, org):
    """``({lower repo: name}, {lower repo: {lower login: (login, permission)}}, {lower repo to
    read on over REST: GraphQL's totalCount})`` of every repository the token can see, outside
    collaborators only."""
    repos = {}
    outside = {}
    more = {}
    after = None
    expected = None
    pages = Pages(gql.path, 'the repositories of %s' % org, REPOSITORIES_PER_QUERY)
    while True:
        data = gql.query(ORG_REPOS_QUERY, {'org': org, 'repos': REPOSITORIES_PER_QUERY, 'after': after})
        conn = _need(_organization(data, org).get('repositories'), dict, 'organization.repositories')
        for node in _need(conn.get('nodes'), list, 'organization.repositories.nodes'):
            _need(node, dict, 'organization.repositories.nodes[]')
            name = _need(node.get('name'), str, 'repository.name')
            if name.lower() in repos:
                raise ReadError('organization.repositories', 'repository %s is listed twice' % name)
            repos[name.lower()] = name
            where = 'repository %s.collaborators' % name
            if node.get('collaborators') is None:
                # Null where the caller lacks push access (REST: 403 "Must have push access to view
                # repository collaborators."): the read would look emptier than it is.
                raise Unreadable(where, 'GitHub does not show the collaborators of %s to this token (it needs admin '
                                 'access to every repository: an organization owner)' % name)
            into = outside.setdefault(name.lower(), {})
            has_next, _cursor, count = _add_edges(node['collaborators'], where, 'login', into)
            if has_next:
                more[name.lower()] = count
            elif len(into) != count:
                raise ReadError(where, 'the GraphQL answer lists %d of %d outside collaborators' % (len(into), count))
        has_next, cursor, total = _page_info(conn, 'organization.repositories')
        expected = total if expected is None else expected
        if not has_next:
            break
        after = pages.next(cursor, total)
    if len(repos) != expected:
        raise ReadError('organization.repositories', 'the repositories changed while they were read (%d of %d); run '
                        'again' % (len(repos), expected))
    return repos, outside, more


def read_repository_names(gql, org):
    """``{lower name: name}`` of every repository the token can see (GraphQL
    ``Organization.repositories``, 100 a query): what a team's grant may name."""
    repos = {}
    after = None
    expected = None
    pages = Pages(gql.path, 'the repositories of %s' % org, NAMES_PER_QUERY)
    while True:
        data = gql.query(REPOSITORY_NAMES_QUERY, {'org': org, 'repos': NAMES_PER_QUERY, 'after': after})
        conn = _need(_organization(data, org).get('repositories'), dict, 'organization.repositories')
        for node in _need(conn.get('nodes'), list, 'organization.repositories.nodes'):
            name = _need(_need(node, dict, 'organization.repositories.nodes[]').get('name'), str, 'repository.name')
            if name.lower() in repos:
                raise ReadError('organization.repositories', 'repository %s is listed twice' % name)
            repos[name.lower()] = name
        has_next, cursor, total = _page_info(conn, 'organization.repositories')
        expected = total if expected is None else expected
        if not has_next:
            break
        after = pages.next(cursor, total)
    if len(repos) != expected:
        raise ReadError('organization.repositories', 'the repositories changed while they were read (%d of %d); run '
                        'again' % (len(repos), expected))
    return repos


def _collaborators_path(org, repo):
    return '/repos/%s/%s/collaborators' % (quote_segment(org), quote_segment(repo))


def read_repository_invitations(client, org, repo):
    """``{lower login: (login, permission, invitation id)}`` of the open invitations to ``repo``.
    An expired invitation (``expired: true``) no longer grants anything and is left out; one
    whose ``invitee`` is null (the OpenAPI's nullable-simple-user: a deleted account) too."""
    path = '/repos/%s/%s/invitations' % (quote_segment(org), quote_segment(repo))
    out = {}
    for inv in client.paginate(path):
        if inv.get('expired') is True or inv.get('invitee') is None:
            continue
        login = _need(_need(inv.get('invitee'), dict, path + ' invitee').get('login'), str, path + ' invitee.login')
        word = _need(inv.get('permissions'), str, path + ' permissions')
        permission = invitation_permission(word)
        if permission is None:
            raise ReadError(path, 'the invitation of %s has the permission %r, outside GitHub\'s enum (read, write, '
                            'admin, triage, maintain)' % (login, word))
        inv_id = inv.get('id')
        if not isinstance(inv_id, int) or isinstance(inv_id, bool):
            raise ReadError(path, 'the invitation of %s has no id' % login)
        if login.lower() in out:
            raise ReadError(path, '%s is invited twice' % login)
        out[login.lower()] = (login, permission, inv_id)
    return out


def _reread_collaborators(client, org, name, grants, count, known):
    """``{lower login: (login, permission)}`` of ``name``'s outside collaborators read again over
    REST: to name custom roles (``count`` ``None``: it must list whom GraphQL ``grants``), or to
    page on where GraphQL stopped at 100 (it must list GraphQL's ``count``)."""
    path = _collaborators_path(org, name)
    listed = _rest_listing(client, path, {'affiliation': 'outside'}, 'login', path, known)
    if count is None and set(listed) != set(grants):
        raise ReadError(path, 'GraphQL and REST list different outside collaborators; run again')
    if count is not None and len(listed) != count:
        # GraphQL's totalCount of the same connection: a shorter REST listing is a partial read
        raise ReadError(path, 'REST lists %d outside collaborators where GraphQL counts %d; it changed while '
                        'it was read, run again' % (len(listed), count))
    return listed


def _complete_over_rest(client, org, repos, per_repo, more, custom_roles):
    """Replace in ``per_repo`` the repositories GraphQL cannot tell completely by their REST
    listing: those with more outside collaborators than its first page (``more``) and those where
    someone holds a base role a custom role is built on."""
    bases = set(base for _name, base in (custom_roles or {}).values())
    known = known_roles(custom_roles)
    for key in sorted(per_repo):
        grants = per_repo[key]
        if key in more or any(perm in bases for _login, perm in grants.values()):
            per_repo[key] = _reread_collaborators(client, org, repos[key], grants, more.get(key), known)


def _collaborators_with_grants(logins, repos, per_repo):
    """``{lower login: Collaborator}``: every outside collaborator in ``logins`` with their grants
    in ``per_repo``; a grant to someone ``logins`` does not list fails (the read is not one state)."""
    people = {}
    for key, grants in per_repo.items():
        for lower, (login, permission) in grants.items():
            if lower not in logins:
                raise ReadError('outside collaborators', '%s has access to %s but is not listed as an outside '
                                'collaborator; the organization changed while it was read, run again' % (login, repos[key]))
            people.setdefault(lower, Collaborator(logins[lower])).repositories[key] = Grant(repos[key], permission)
    for lower, login in logins.items():
        people.setdefault(lower, Collaborator(login))
    return people


def _add_pending_invitations(client, org, people, repos, invitation_repos):
    """Add to ``people`` the pending invitations to ``invitation_repos`` (``None``: every
    repository), as pending grants; a grant someone already holds on a repository is kept."""
    wanted = sorted(repos) if invitation_repos is None else sorted(set(r.lower() for r in invitation_repos) & set(repos))
    for key in wanted:
        for lower, (login, permission, inv_id) in read_repository_invitations(client, org, repos[key]).items():
            person = people.setdefault(lower, Collaborator(login))
            person.repositories.setdefault(key, Grant(repos[key], permission, pending=True, invitation_id=inv_id))


def read_outside_collaborators(client, gql, org, custom_roles=None, invitation_repos=None):
    """``({lower login: Collaborator}, {lower repo: name})``: the outside collaborators with their
    grants, and pending repository invitations (counted as present) of ``invitation_repos``
    (``None``: every repository)."""
    logins = read_outside_logins(client, org)
    repos, per_repo, more = read_repository_collaborators(client, gql, org)
    _complete_over_rest(client, org, repos, per_repo, more, custom_roles)
    people = _collaborators_with_grants(logins, repos, per_repo)
    _add_pending_invitations(client, org, people, repos, invitation_repos)
    return people, repos


# -------------------------------------------------------------------------------- organization roles
def _roles_path(org):
    return '/orgs/%s/organization-roles' % quote_segment(org)


def read_role_list(client, org):
    """``{lower name: OrgRole}`` (holders not read) from ``GET /orgs/{org}/organization-roles``."""
    path = _roles_path(org)
    resp = client.request('GET', path, expected=(200, 404))
    if resp.status == 404:
        raise Unreadable(path, 'GitHub answered 404 to %s: this %s has no organization roles (GitHub Enterprise Server '
                         'documents them from 3.16), or the token may not see them (it needs an organization '
                         'owner, or the read_organization_custom_org_role permission)'
                         % (path, 'GitHub Enterprise Server' if client.is_ghes else 'organization'))
    body = _need(resp.data, dict, path)
    roles = _need(body.get('roles'), list, path + ' roles')
    total = _need(body.get('total_count'), int, path + ' total_count')
    if total != len(roles):
        raise ReadError(path, 'lists %d organization roles of a total_count of %d' % (len(roles), total))
    _unique([_need(r, dict, path + ' roles[]') for r in roles], 'name', path)
    out = {}
    for role in roles:
        role_id = role.get('id')
        if not isinstance(role_id, int) or isinstance(role_id, bool):
            raise ReadError(path, 'organization role %s has no id' % role['name'])
        out[role['name'].lower()] = OrgRole(role_id, role['name'], role.get('source'), role.get('base_role'))
    return out


def _holders(client, path, field, where):
    """``({lower: name} direct, {lower: name} indirect)`` of a role's users or teams."""
    direct, indirect = {}, {}
    for item in client.paginate(path):
        name = _need(item.get(field), str, where + ' ' + field)
        is_direct = _DIRECT.get(item.get('assignment'))
        if is_direct is None:
            raise ReadError(where, '%s has no assignment (direct, indirect or mixed): a direct assignment cannot be '
                            'told from one through a team' % name)
        if name.lower() in direct or name.lower() in indirect:
            raise ReadError(where, '%s is listed twice' % name)
        (direct if is_direct else indirect)[name.lower()] = name
    return direct, indirect


def read_org_roles(client, org, role_names=None):
    """``{lower name: OrgRole}`` with the holders of the roles named in ``role_names`` (``None``:
    every role). An unknown name is left to the planner (it names the roles there are)."""
    roles = read_role_list(client, org)
    names = None if role_names is None else set(n.lower() for n in role_names if isinstance(n, str))
    for key, role in sorted(roles.items()):
        if names is not None and key not in names:
            continue
        base = '%s/%d' % (_roles_path(org), role.id)
        role.users, role.inherited_users = _holders(client, base + '/users', 'login', 'organization role %s' % role.name)
        role.teams, role.inherited_teams = _holders(client, base + '/teams', 'slug', 'organization role %s' % role.name)
    return roles


# -------------------------------------------------------------------------------- everything
def read_access(client, org, gql=None, roles=True, teams=True, outside=True, role_names=None, invitation_repos=None):
    """The :class:`AccessState` of ``org``: the parts asked for (``roles``, ``teams``,
    ``outside``), each complete or a :class:`ReadError`."""
    gql = gql or GraphQL(client)
    state = AccessState(org)
    if roles:
        state.roles = read_org_roles(client, org, role_names)
    if teams or outside:
        state.custom_roles = read_custom_roles(client, org)
    if teams:
        state.teams = read_team_repositories(gql, org)
        refine_team_custom_roles(client, org, state.teams, state.custom_roles)
    if outside:
        state.outside, state.repositories = read_outside_collaborators(client, gql, org, state.custom_roles,
                                                                       invitation_repos)
    elif teams:
        state.repositories = read_repository_names(gql, org)
    return state
