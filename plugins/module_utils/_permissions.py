# -*- coding: utf-8 -*-
# Copyright (c) gitops.github contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Repository permissions and organization roles as the issue-20 modules compare them. Pure (no
client, no I/O): the input checks made before any request, and the one reading of GitHub's
answers each module decides on.

Sources (tests/data/github-openapi, tests/data/recordings):

* The writes take ``pull``, ``triage``, ``push``, ``maintain``, ``admin`` "and ... a custom
  repository role name" (OpenAPI ``teams/add-or-update-repo-permissions-in-org``,
  ``repos/add-collaborator``).
* The reads say it two ways: ``role_name`` (``read``, ``triage``, ``write``, ``maintain``,
  ``admin`` or the custom role's name; OpenAPI example
  ``team-repository-alternative-response-with-repository-permissions``) and the ``permissions``
  booleans. PyGithub's recording ``team-repos-7`` has the booleans and no ``role_name``, so the
  booleans are the fallback. The legacy ``permission`` string is never used: it maps maintain to
  ``write`` (OpenAPI) or not (hub4j's ``permission-of-maintainer``).
* A repository invitation's ``permissions`` is one of ``read``, ``write``, ``admin``, ``triage``,
  ``maintain`` (OpenAPI ``repository-invitation``; PyGithub's ``repo-invitations-2``: ``write``),
  and ``PATCH .../invitations/{id}`` takes the same five.
"""

from __future__ import annotations

import re

BASE_PERMISSIONS = ('pull', 'triage', 'push', 'maintain', 'admin')
# role_name and invitation words -> the write's words
_FROM_ROLE_NAME = {'read': 'pull', 'triage': 'triage', 'write': 'push', 'maintain': 'maintain', 'admin': 'admin'}
_TO_INVITATION = {'pull': 'read', 'triage': 'triage', 'push': 'write', 'maintain': 'maintain', 'admin': 'admin'}
# GitHub's repository names: letters, digits, '-', '_' and '.', at most 100 characters.
_REPO_RE = re.compile(r'^[A-Za-z0-9._-]{1,100}\Z')
ROLE_NAME_MAX = 100

PRESENT = 'present'
ABSENT = 'absent'


def repository_problem(value: object, what: str = 'repository', owner_allowed: bool = False) -> str | None:
    """Why ``value`` cannot name a repository (``name``, or ``owner/name`` when ``owner_allowed``)."""
    if not isinstance(value, str) or not value:
        return '%s must be a non-empty string' % what
    parts = value.split('/')
    if len(parts) > (2 if owner_allowed else 1):
        return '%s %r is not a valid repository name: give the name only%s' % (
            what, value, ', or owner/name' if owner_allowed else ' (the repository of the organization)')
    name = parts[-1]
    if not _REPO_RE.match(name) or name in ('.', '..'):
        return ('%s %r is not a valid repository name: use letters, digits, "-", "_" and "." (at most 100)'
                % (what, value))
    if len(parts) == 2 and not re.match(r'^[A-Za-z0-9](?:-?[A-Za-z0-9])*\Z', parts[0]):
        return '%s %r is not a valid repository: %r is not a valid owner' % (what, value, parts[0])
    return None


def split_repository(value: str, org: str) -> tuple[str, str]:
    """``(owner, name)`` of ``name`` (owned by ``org``) or ``owner/name``."""
    if '/' in value:
        owner, name = value.split('/', 1)
        return owner, name
    return org, value


def permission_problem(value: object, what: str = 'permission') -> str | None:
    """Why ``value`` cannot be a repository permission (a base one or a custom role's name)."""
    if not isinstance(value, str) or not value.strip():
        return '%s must be one of %s or the name of a custom repository role' % (what, ', '.join(BASE_PERMISSIONS))
    if value != value.strip() or len(value) > ROLE_NAME_MAX or any(c in value for c in '\r\n\t'):
        return '%s %r is not a valid permission or custom repository role name' % (what, value)
    return None


def wanted_permission(value: str) -> str:
    """The permission to write: a base permission in lower case (``read`` and ``write`` are taken
    as ``pull`` and ``push``, the words GitHub's reads use), else the custom role's name as given."""
    low = value.lower()
    if low in BASE_PERMISSIONS:
        return low
    if low in ('read', 'write'):
        return _FROM_ROLE_NAME[low]
    return value


def permission_of(data: object) -> str | None:
    """The permission an answer (a team repository, a collaborator) shows, in the writes' words:
    from ``role_name`` when present, else the highest ``permissions`` boolean; ``None`` when
    neither says anything."""
    if not isinstance(data, dict):
        return None
    role_name = data.get('role_name')
    if isinstance(role_name, str) and role_name and role_name.lower() != 'none':
        return _FROM_ROLE_NAME.get(role_name.lower(), role_name)
    flags = data.get('permissions')
    if isinstance(flags, dict):
        for name in reversed(BASE_PERMISSIONS):
            if flags.get(name) is True:
                return name
    return None


def invitation_permission(value: object) -> str | None:
    """A repository invitation's ``permissions`` in the writes' words (``None`` if unreadable)."""
    if not isinstance(value, str) or not value:
        return None
    return _FROM_ROLE_NAME.get(value.lower(), value)


def invitation_word(permission: str) -> str | None:
    """The word ``PATCH .../invitations/{id}`` takes for ``permission``; ``None`` for a custom role,
    which an invitation update does not take."""
    return _TO_INVITATION.get(permission)


def same_permission(have: str | None, want: str | None) -> bool:
    """Permissions compared as GitHub names them: case-insensitively (a custom role's name too)."""
    if have is None or want is None:
        return have is want
    return have.lower() == want.lower()


def access_action(have: str | None, state: str, want: str | None) -> str | None:
    """What to write: ``'add'`` (no access yet), ``'update'`` (another permission), ``'remove'``,
    or ``None`` when ``have`` already is what ``state``/``want`` ask."""
    if state == ABSENT:
        return 'remove' if have is not None else None
    if have is None:
        return 'add'
    return None if same_permission(have, want) else 'update'


def find_role(roles: object, name: str) -> dict | None:
    """The organization role called ``name`` (case-insensitively) in ``GET /orgs/{org}/organization-roles``'s
    ``roles``; ``None`` when there is none."""
    for role in roles if isinstance(roles, list) else []:
        if isinstance(role, dict) and isinstance(role.get('name'), str) and role['name'].lower() == name.lower():
            return role
    return None


def role_names(roles: object) -> list[str]:
    """The names of the organization's roles, sorted, for messages."""
    return sorted((r['name'] for r in roles if isinstance(r, dict) and isinstance(r.get('name'), str)),
                  key=str.lower) if isinstance(roles, list) else []


def role_name_problem(value: object, what: str = 'role') -> str | None:
    if not isinstance(value, str) or not value.strip():
        return '%s must be the name of an organization role, as GET /orgs/{org}/organization-roles lists it' % what
    if value != value.strip() or len(value) > ROLE_NAME_MAX or any(c in value for c in '\r\n\t'):
        return '%s %r is not a valid organization role name' % (what, value)
    return None


def assignment_view(found: dict | None) -> tuple[bool, list[str]]:
    """``(direct, through)`` of a holder in a role's user or team list: ``direct`` when the
    ``assignment`` is ``direct`` or ``mixed`` (OpenAPI ``user-role-assignment``,
    ``team-role-assignment``: "direct, indirect, or mixed"), ``through`` the slugs of the teams of
    ``inherited_from`` (users only)."""
    if not found:
        return False, []
    assignment = found.get('assignment')
    through = [str(t['slug']) for t in found.get('inherited_from') or [] if isinstance(t, dict) and isinstance(t.get('slug'), str)]
    # An answer without the field (older servers) is a holder GitHub lists: count it as direct.
    return assignment in (None, 'direct', 'mixed'), through


def shadowed(shown: str | None, parent: str | None, state: str, want: str | None) -> bool:
    """Whether a write cannot change the permission GitHub shows for a team because its parent
    team grants it: GitHub's check "Repositories inherited through a parent team will also be
    checked" (OpenAPI teams/check-permissions-for-repo-in-org) shows the parent's access on the
    child. True when the access ``shown`` is the ``parent``'s and ``state``/``want`` would remove
    it or lower it below the parent's (a custom role has no known rank: only equal names shadow)."""
    if shown is None or parent is None or not same_permission(shown, parent):
        return False
    if state == ABSENT:
        return True
    if want is None or want.lower() not in BASE_PERMISSIONS or parent.lower() not in BASE_PERMISSIONS:
        return False
    return BASE_PERMISSIONS.index(want.lower()) < BASE_PERMISSIONS.index(parent.lower())
