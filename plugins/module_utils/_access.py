# -*- coding: utf-8 -*-
# Copyright (c) gitops.github contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Who can act in an organization beyond its membership (issue 20): the reads and writes of team
repository access, organization roles and outside collaborators, named as the modules use them.

Like :mod:`._resources`, this file owns every REST path it reaches (the modules build none) and is
the only way the issue-20 modules reach GitHub; the comparing is pure, in :mod:`._permissions`.
Every operation is the one GitHub documents in the OpenAPI extract (tests/data/github-openapi),
named by its ``operationId`` beside it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ansible_collections.gitops.github.plugins.module_utils._http import GitHubError, quote_segment
from ansible_collections.gitops.github.plugins.module_utils._resources import OrgRef, TeamRef, logins_of

if TYPE_CHECKING:
    from ansible_collections.gitops.github.plugins.module_utils._http import GitHubClient

# "passing the following custom media type ... via the application/vnd.github.v3.repository+json
# accept header" gives the repository with the team's permissions (OpenAPI
# teams/check-permissions-for-repo-in-org; PyGithub's recordings team-repos-3 and team-repos-7).
REPOSITORY_MEDIA_TYPE = 'application/vnd.github.v3.repository+json'


class RolesUnavailable(Exception):
    """The organization-roles routes answer 404: the feature is not there for this token."""


class RepoRef(object):
    """A repository, ``/repos/{owner}/{repo}``, and the paths of its collaborators and invitations."""

    def __init__(self, owner: str, name: str) -> None:
        self.owner = owner
        self.name = name
        self.base = '/repos/%s/%s' % (quote_segment(owner), quote_segment(name))

    @property
    def label(self) -> str:
        return 'repository %s/%s' % (self.owner, self.name)

    @property
    def collaborators_path(self) -> str:
        return self.base + '/collaborators'

    def collaborator_path(self, login: str) -> str:
        return '%s/collaborators/%s' % (self.base, quote_segment(login))

    @property
    def invitations_path(self) -> str:
        return self.base + '/invitations'

    def invitation_path(self, invitation_id: int | str) -> str:
        return '%s/invitations/%s' % (self.base, quote_segment(str(invitation_id)))


def team_repo_path(team: TeamRef, repo: RepoRef) -> str:
    """``{team}/repos/{owner}/{repo}`` on the slug route or the id route (both documented)."""
    return '%s/repos/%s/%s' % (team.base, quote_segment(repo.owner), quote_segment(repo.name))


# -- team repository access ------------------------------------------------------------------------

def get_team_repo(client: GitHubClient, team: TeamRef, repo: RepoRef) -> dict[str, Any] | None:
    """The repository as team ``team`` has it (``permissions``, ``role_name``), or ``None``: "If a
    team doesn't have permission for the repository, you will receive a 404" (OpenAPI
    ``teams/check-permissions-for-repo-in-org``). A 204 (a server that ignored the media type) is
    access with an unknown permission: ``{}``."""
    path = team_repo_path(team, repo)
    resp = client.request('GET', path, expected=(200, 204, 404), accept=REPOSITORY_MEDIA_TYPE)
    if resp.status == 404:
        return None
    if resp.status == 204:
        return {}
    if not isinstance(resp.data, dict):
        raise GitHubError('GET', path, 200, 'the answer is not a JSON object; refusing to decide on it')
    return resp.data


def set_team_repo(client: GitHubClient, team: TeamRef, repo: RepoRef, permission: str) -> None:
    """``PUT {"permission": ...}``: 204 (OpenAPI ``teams/add-or-update-repo-permissions-in-org``;
    PyGithub's ``team-repo-permission-1``). A write lost in transit is checked by one read."""
    client.request('PUT', team_repo_path(team, repo), json={'permission': permission}, expected=(204,),
                   verify=lambda: {} if get_team_repo(client, team, repo) is not None else None)


def team_lists_repo(client: GitHubClient, team: TeamRef, repo: RepoRef) -> bool:
    """Whether ``GET {team}/repos`` (OpenAPI ``teams/list-repos-in-org``, "Lists a team's
    repositories", every page) names ``repo``: a grant of the team's own is always listed. Unlike
    the check, GitHub does not document the list as including access through a parent team."""
    owner, name = repo.owner.lower(), repo.name.lower()
    for item in client.paginate(team.base + '/repos'):
        raw = item.get('owner')
        login = raw.get('login') if isinstance(raw, dict) else None
        if str(item.get('name') or '').lower() == name and str(login or team.org).lower() == owner:
            return True
    return False


def remove_team_repo(client: GitHubClient, team: TeamRef, repo: RepoRef, shown_by_parent: bool = False) -> None:
    """``DELETE``: 204 (OpenAPI ``teams/remove-repo-in-org``; PyGithub's ``team-repos-8``). When a
    parent team grants the access too (``shown_by_parent``), the check still shows it after the
    DELETE, so a write lost in transit is checked by the team's list instead."""
    def verify() -> dict[str, Any] | None:
        if shown_by_parent:
            return None if team_lists_repo(client, team, repo) else {}
        return {} if get_team_repo(client, team, repo) is None else None

    client.request('DELETE', team_repo_path(team, repo), expected=(204,), verify=verify)


# -- organization roles -----------------------------------------------------------------------------

def roles_path(org: str) -> str:
    return OrgRef(org).base + '/organization-roles'


def list_org_roles(client: GitHubClient, org: str) -> list[dict[str, Any]]:
    """The organization's roles (``GET /orgs/{org}/organization-roles``, OpenAPI
    ``orgs/list-org-roles``: ``{total_count, roles}``, one answer, no pages). A 404 raises
    :class:`RolesUnavailable`: the organization is missing, the token may not read its roles, or
    (GHES) the server has no organization roles."""
    path = roles_path(org)
    resp = client.request('GET', path, expected=(200, 404))
    if resp.status == 404:
        raise RolesUnavailable(path)
    roles = resp.data.get('roles') if isinstance(resp.data, dict) else None
    if not isinstance(roles, list) or any(not isinstance(r, dict) or r.get('id') is None or not r.get('name') for r in roles):
        raise GitHubError('GET', path, 200, 'the answer holds no list of roles with ids and names; refusing to plan on it')
    return roles


def role_users(client: GitHubClient, org: str, role_id: int) -> list[dict[str, Any]]:
    """Every user of a role, every page (OpenAPI ``orgs/list-org-role-users``: ``user-role-assignment``
    items with ``assignment`` and ``inherited_from``); a user without a login fails the read."""
    path = '%s/%d/users' % (roles_path(org), int(role_id))
    users = list(client.paginate(path))
    logins_of(users, path)
    return users


def role_teams(client: GitHubClient, org: str, role_id: int) -> list[dict[str, Any]]:
    """Every team of a role, every page (OpenAPI ``orgs/list-org-role-teams``)."""
    path = '%s/%d/teams' % (roles_path(org), int(role_id))
    teams = list(client.paginate(path))
    if any(not isinstance(t.get('slug'), str) or not t.get('slug') for t in teams):
        raise GitHubError('GET', path, 200, 'the list holds a team without a slug; refusing to plan on it')
    return teams


def role_holder(client: GitHubClient, org: str, role_id: int, kind: str, name: str) -> dict[str, Any] | None:
    """The entry of user or team (``kind``) ``name`` in the role's list, or ``None``."""
    if kind == 'user':
        found = [u for u in role_users(client, org, role_id) if u['login'].lower() == name.lower()]
    else:
        found = [t for t in role_teams(client, org, role_id) if t['slug'].lower() == name.lower()]
    return found[0] if found else None


def set_role(client: GitHubClient, org: str, role_id: int, kind: str, name: str, present: bool) -> None:
    """Assign (``PUT``) or remove (``DELETE``) the role of a user or team, 204 either way (OpenAPI
    ``orgs/assign-user-to-org-role``, ``revoke-org-role-user``, ``assign-team-to-org-role``,
    ``revoke-org-role-team``). A write lost in transit is checked by one read of the role's list."""
    segment = 'users' if kind == 'user' else 'teams'
    path = '%s/%s/%s/%d' % (roles_path(org), segment, quote_segment(name), int(role_id))

    def landed():
        return {} if (role_holder(client, org, role_id, kind, name) is not None) == present else None

    client.request('PUT' if present else 'DELETE', path, expected=(204,), verify=landed)


# -- outside collaborators and repository collaborators ---------------------------------------------

def outside_collaborators_path(org: str) -> str:
    return OrgRef(org).base + '/outside_collaborators'


def list_outside_collaborators(client: GitHubClient, org: str) -> list[str]:
    """The logins of the organization's outside collaborators, every page (OpenAPI
    ``orgs/list-outside-collaborators``; PyGithub's ``list-outside-collaborators-1``)."""
    path = outside_collaborators_path(org)
    return logins_of(client.paginate(path), path)


def remove_outside_collaborator(client: GitHubClient, org: str, login: str) -> None:
    """``DELETE /orgs/{org}/outside_collaborators/{username}``: 204, "will remove them from all the
    organization's repositories"; 422 for an organization member (OpenAPI
    ``orgs/remove-outside-collaborator``; PyGithub's ``outside-collaborators-3``)."""
    path = '%s/%s' % (outside_collaborators_path(org), quote_segment(login))
    client.request('DELETE', path, expected=(204,),
                   verify=lambda: {} if login.lower() not in [x.lower() for x in list_outside_collaborators(client, org)] else None)


def convert_member_to_outside_collaborator(client: GitHubClient, org: str, login: str) -> str:
    """``PUT /orgs/{org}/outside_collaborators/{username}`` with no body (``async`` defaults to
    ``false``): 204 "User was converted", or 202 "User is getting converted asynchronously" when
    GitHub queues it (OpenAPI ``orgs/convert-member-to-outside-collaborator``, github.com and GHES
    3.19; PyGithub's recording ``outside-collaborators-1``: PUT without a body, 204). Refusals are
    403 (the last owner, not a member, an enterprise policy) and 404. Returns ``'active'`` for 204,
    ``'pending'`` for 202; a write lost in transit is checked by one read of the list."""
    path = '%s/%s' % (outside_collaborators_path(org), quote_segment(login))

    def landed() -> dict[str, Any] | None:
        return {} if login.lower() in [x.lower() for x in list_outside_collaborators(client, org)] else None

    resp = client.request('PUT', path, expected=(202, 204), verify=landed)
    return 'pending' if resp.status == 202 else 'active'


def direct_collaborator(client: GitHubClient, repo: RepoRef, login: str) -> dict[str, Any] | None:
    """``login``'s entry among the repository's direct collaborators (``affiliation=direct``, every
    page: OpenAPI ``repos/list-collaborators``; PyGithub's ``collaborators-affiliation-1``), or ``None``.
    Direct collaborators are exactly what ``PUT``/``DELETE .../collaborators/{username}`` change."""
    items = list(client.paginate(repo.collaborators_path, {'affiliation': 'direct'}))
    logins = logins_of(items, repo.collaborators_path)
    for item, found in zip(items, logins):
        if found.lower() == login.lower():
            return item
    return None


def pending_invitation(client: GitHubClient, repo: RepoRef, login: str) -> dict[str, Any] | None:
    """The repository's pending invitation of ``login`` (OpenAPI ``repos/list-invitations``;
    PyGithub's ``repo-invitations-2``), or ``None``."""
    for item in client.paginate(repo.invitations_path):
        raw = item.get('invitee')
        invitee: dict[str, Any] = raw if isinstance(raw, dict) else {}
        if isinstance(invitee.get('login'), str) and invitee['login'].lower() == login.lower():
            if item.get('id') is None:
                raise GitHubError('GET', repo.invitations_path, 200, 'an invitation without an id; refusing to plan on it')
            return item
    return None


def add_collaborator(client: GitHubClient, repo: RepoRef, login: str, permission: str) -> str:
    """``PUT .../collaborators/{username}`` with the permission: 201 with an invitation (the user
    was invited: ``'pending'``) or 204 (an existing collaborator or an organization member:
    ``'active'``) (OpenAPI ``repos/add-collaborator``; octokit's ``add-and-remove-repository-collaborator``,
    PyGithub's ``add-collaborator-custom-role-1``)."""
    def landed():
        if direct_collaborator(client, repo, login) is not None:
            return {'state': 'active'}
        return {'state': 'pending'} if pending_invitation(client, repo, login) is not None else None

    resp = client.request('PUT', repo.collaborator_path(login), json={'permission': permission}, expected=(201, 204),
                          verify=landed)
    if resp.status is None:  # lost in transit, found landed by the read
        return (resp.data or {}).get('state', 'pending')
    return 'pending' if resp.status == 201 else 'active'


def remove_collaborator(client: GitHubClient, repo: RepoRef, login: str) -> None:
    """``DELETE .../collaborators/{username}``: 204 (OpenAPI ``repos/remove-collaborator``)."""
    client.request('DELETE', repo.collaborator_path(login), expected=(204,),
                   verify=lambda: {} if direct_collaborator(client, repo, login) is None else None)


def update_invitation(client: GitHubClient, repo: RepoRef, invitation_id: int, word: str) -> None:
    """``PATCH .../invitations/{id}`` with ``{"permissions": word}``: 200 (OpenAPI ``repos/update-invitation``)."""
    client.request('PATCH', repo.invitation_path(invitation_id), json={'permissions': word}, expected=(200,))


def delete_invitation(client: GitHubClient, repo: RepoRef, invitation_id: int) -> None:
    """``DELETE .../invitations/{id}``: 204 (OpenAPI ``repos/delete-invitation``; PyGithub's
    ``remove-repo-invitation-1``)."""
    client.request('DELETE', repo.invitation_path(invitation_id), expected=(204,))


def roles_unavailable(client: GitHubClient, org: str) -> str:
    """Why ``GET /orgs/{org}/organization-roles`` answered 404, for the failure message. GHES
    documents organization roles from 3.16 (tests/data/github-openapi/README.md, "Where these
    endpoints exist"); on github.com the route needs an owner (or a role that may view roles)."""
    path = roles_path(org)
    if client.is_ghes:
        return ('organization roles are not available on this GitHub Enterprise Server (GET %s returned HTTP 404); '
                'GitHub documents them from GHES 3.16' % path)
    return ('GET %s returned HTTP 404: organization %s was not found, or the token may not read its organization roles '
            '(GitHub asks for an organization owner, or a custom role with "View organization roles")' % (path, org))


def list_org_repositories(client: GitHubClient, org: str) -> list[RepoRef]:
    """Every repository of ``org`` the token can see, every page (OpenAPI ``repos/list-for-org``)."""
    path = OrgRef(org).base + '/repos'
    found = []
    for item in client.paginate(path, {'type': 'all'}):
        if not isinstance(item.get('name'), str) or not item.get('name'):
            raise GitHubError('GET', path, 200, 'the list holds a repository without a name; refusing to plan on it')
        raw = item.get('owner')
        owner: dict[str, Any] = raw if isinstance(raw, dict) else {}
        found.append(RepoRef(owner.get('login') or org, item['name']))
    return found


def team_parent(client: GitHubClient, team: TeamRef) -> TeamRef | None:
    """The parent of ``team`` (``GET`` of the team: its ``parent``, OpenAPI ``teams/get-by-name``),
    or ``None``."""
    data = client.get_or_none(team.base)
    parent = (data or {}).get('parent') if isinstance(data, dict) else None
    if isinstance(parent, dict) and isinstance(parent.get('slug'), str) and parent['slug']:
        return TeamRef(team.org, slug=parent['slug'])
    return None
