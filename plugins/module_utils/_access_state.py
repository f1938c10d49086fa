# -*- coding: utf-8 -*-
# Copyright (c) gitops.github contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The access state of one organization (issue 20), pure: who holds which organization role, which
outside collaborators reach which repositories, and which repositories each team is granted.

Everything is keyed by the lower-cased identifier (logins, slugs, repository and role names are
case-insensitive at GitHub) and keeps GitHub's spelling for reports. Permissions are held in the
file's names: ``pull``, ``triage``, ``push``, ``maintain``, ``admin`` or a custom repository role's
name; :func:`permission_of` maps GitHub's three spellings onto them.
"""

from __future__ import annotations

BASE_PERMISSIONS = ('pull', 'triage', 'push', 'maintain', 'admin')
RANK = dict((name, rank) for rank, name in enumerate(BASE_PERMISSIONS))

# GraphQL's ``RepositoryPermission`` enum (the vendored schema: READ, TRIAGE, WRITE, MAINTAIN, ADMIN;
# ``TeamRepositoryEdge.permission``, ``RepositoryCollaboratorEdge.permission``).
_GRAPHQL = {'READ': 'pull', 'TRIAGE': 'triage', 'WRITE': 'push', 'MAINTAIN': 'maintain', 'ADMIN': 'admin'}
# REST's role names: ``role_name`` of ``collaborator`` and ``minimal-repository``, the ``permissions``
# enum of ``repository-invitation`` (read, write, admin, triage, maintain) and the ``base_role`` of
# ``organization-custom-repository-role`` (read, triage, write, maintain) in the OpenAPI extract.
_REST = {'read': 'pull', 'triage': 'triage', 'write': 'push', 'maintain': 'maintain', 'admin': 'admin'}

ROLES = 'organization_roles'
OUTSIDE = 'outside_collaborators'
REPOSITORIES = 'repositories'


def graphql_permission(value):
    """The file's name of a GraphQL ``RepositoryPermission``, or ``None`` when it is not one."""
    return _GRAPHQL.get(value) if isinstance(value, str) else None


def rest_permission(value):
    """The file's name of a REST role name: a base role's file name, else the (custom) name itself."""
    if not isinstance(value, str) or not value:
        return None
    return _REST.get(value.lower(), value)


def invitation_permission(value):
    """The file's name of a repository invitation's ``permissions`` (the OpenAPI's enum: read,
    write, admin, triage, maintain), or ``None`` for any other word: an invitation holds no custom
    role, and a word outside the enum is not read as a grant."""
    return _REST.get(value.lower()) if isinstance(value, str) else None


def known_roles(custom_roles):
    """The lower-case role names a REST ``role_name`` may carry: the base roles (REST's and the
    file's words) and the organization's custom repository roles (``{lower name: (name, base)}``)."""
    return set(_REST) | set(BASE_PERMISSIONS) | set(custom_roles or ())


def same_permission(a, b):
    """Whether two permissions are the same (custom role names compare case-insensitively)."""
    return isinstance(a, str) and isinstance(b, str) and a.lower() == b.lower()


class Grant(object):
    """One access to one repository: ``permission`` in the file's names; ``pending`` for a
    repository invitation not yet accepted (it counts as present), with its ``invitation_id``."""

    __slots__ = ('repository', 'permission', 'pending', 'invitation_id')

    def __init__(self, repository, permission, pending=False, invitation_id=None):
        self.repository = repository
        self.permission = permission
        self.pending = pending
        self.invitation_id = invitation_id

    def __eq__(self, other):
        return isinstance(other, Grant) and (self.repository, self.permission, self.pending, self.invitation_id) == (
            other.repository, other.permission, other.pending, other.invitation_id)

    def __ne__(self, other):
        return not self == other

    def __repr__(self):
        return '<Grant %s %s%s>' % (self.repository, self.permission, ' pending' if self.pending else '')


class OrgRole(object):
    """One organization role: GitHub's ``id``, ``name``, ``source`` (``Predefined``,
    ``Organization``, ``Enterprise``) and ``base_role``; ``users`` and ``teams`` hold the *direct*
    assignments (``assignment`` ``direct`` or ``mixed``), ``{lower key: GitHub's spelling}``;
    ``inherited_users`` and ``inherited_teams`` those GitHub lists as ``indirect`` (through a
    team, or a parent team): reported, never written. ``users``/``teams`` are ``None`` when the
    role's holders were not read (a role no wanted entry names)."""

    __slots__ = ('id', 'name', 'source', 'base_role', 'users', 'teams', 'inherited_users', 'inherited_teams')

    def __init__(self, role_id, name, source=None, base_role=None, users=None, teams=None):
        self.id = role_id
        self.name = name
        self.source = source
        self.base_role = base_role
        self.users = users
        self.teams = teams
        self.inherited_users = {}
        self.inherited_teams = {}

    @property
    def read(self):
        return self.users is not None and self.teams is not None


class TeamAccess(object):
    """One team's *direct* repository grants, ``{lower repository: Grant}``, and its parent's slug."""

    __slots__ = ('slug', 'parent', 'repositories')

    def __init__(self, slug, parent=None, repositories=None):
        self.slug = slug
        self.parent = parent
        self.repositories = dict(repositories or {})


class Collaborator(object):
    """One outside collaborator (``login``) with ``{lower repository: Grant}`` (pending invitations
    included, as :attr:`Grant.pending`)."""

    __slots__ = ('login', 'repositories')

    def __init__(self, login, repositories=None):
        self.login = login
        self.repositories = dict(repositories or {})


class AccessState(object):
    """The access of organization ``org``. A part not read is ``None``: ``roles`` (``{lower name:
    OrgRole}``), ``teams`` (``{lower slug: TeamAccess}``), ``outside`` (``{lower login:
    Collaborator}``), ``repositories`` (``{lower name: name}`` of the organization's repositories);
    ``custom_roles`` ``{lower name: (name, base permission)}`` of the custom repository roles, or
    ``None`` when GitHub offers none to read (not Enterprise Cloud, or not allowed)."""

    def __init__(self, org, roles=None, teams=None, outside=None, repositories=None, custom_roles=None):
        self.org = org
        self.roles = roles
        self.teams = teams
        self.outside = outside
        self.repositories = None if repositories is None else dict(repositories)
        self.custom_roles = custom_roles

    def role(self, name):
        return (self.roles or {}).get(name.lower()) if isinstance(name, str) else None

    def inherited_repositories(self, slug):
        """``{lower repository: (Grant, ancestor slug)}``: what team ``slug`` reaches through its
        parents and not directly, the nearest ancestor's grant first (GitHub: child teams inherit
        the parent's access)."""
        teams = self.teams or {}
        team = teams.get(slug.lower())
        out = {}
        seen = set()
        while team is not None and team.parent and team.parent.lower() not in seen:
            seen.add(team.parent.lower())
            team = teams.get(team.parent.lower())
            if team is None:
                break
            for key, grant in team.repositories.items():
                out.setdefault(key, (grant, team.slug))
        direct = teams.get(slug.lower())
        for key in list(out):
            if direct is not None and key in direct.repositories:
                del out[key]
        return out

    def access_count(self):
        """How many accesses there are (direct role assignments, outside collaborators' grants,
        teams' direct grants): a percentage ``max_removals`` is taken of it."""
        count = 0
        for role in (self.roles or {}).values():
            count += len(role.users or ()) + len(role.teams or ())
        for person in (self.outside or {}).values():
            count += len(person.repositories)
        for team in (self.teams or {}).values():
            count += len(team.repositories)
        return count
