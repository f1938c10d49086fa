# -*- coding: utf-8 -*-
# Copyright (c) gitops.github contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The state of one organization as read, and the writes that change it: pure types, no I/O.

:class:`OrgState` is what the bulk reader (:mod:`._org_reader`) finds: the org's members and pending
invitations, and each team's *immediate* members and pending invitations (:class:`TeamState`; its
members through child teams come from the tree). :class:`Write` is one write of a whole-org plan,
its ``change`` a :class:`._plan.Change` or a :class:`TeamChange` (a team's own definition).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable, Mapping

from ansible_collections.gitops.github.plugins.module_utils._plan import (
    ACTIVE,
    ORG,
    TEAM_SETTINGS,
    Change,
)

if TYPE_CHECKING:
    from ansible_collections.gitops.github.plugins.module_utils._plan import Entry

SETTING_KEYS = ('name', 'description', 'privacy', 'parent', 'notification_setting')

# The action of a write that was only partly made: a failed invitation's record deleted (the first
# step of sending it again) before GitHub refused the invitation itself. Never planned; reported
# in a result's changes so that every write made is listed.
DELETE_FAILED_INVITATION = 'delete_failed_invitation'


class TeamState(object):
    """One team as read: ``members`` is ``{key: Entry}`` of its immediate members (active) and its
    pending invitations; ``parent`` is the parent's slug. The members it shows only through a child
    team come from the tree (:meth:`OrgState.child_members`)."""

    moves = 0  # how many times any team's parent was changed in place (see OrgState.descendants)

    def __init__(self, slug: str, team_id: int | None = None, parent: str | None = None, name: str | None = None,
                 description: str | None = None, privacy: str | None = None, members: Mapping[str, Entry] | None = None,
                 enterprise: bool = False) -> None:
        self.slug = slug
        self.team_id = team_id
        self._parent = parent
        self.name = name
        self.description = description
        self.privacy = privacy
        self.members = dict(members or {})
        # An enterprise team (REST ``type: enterprise``): GitHub does not let the organization API change it.
        self.enterprise = enterprise

    @property
    def parent(self) -> str | None:
        return self._parent

    @parent.setter
    def parent(self, value: str | None) -> None:
        # A team moved in place: the children maps of the states built before are stale.
        TeamState.moves += 1
        self._parent = value

    @property
    def key(self) -> str:
        return self.slug.lower()

    def copy(self) -> TeamState:
        return TeamState(self.slug, self.team_id, self.parent, self.name, self.description, self.privacy, self.members,
                         self.enterprise)


class _Teams(dict):
    """``{lower slug: TeamState}`` that counts its changes, so that :class:`OrgState` can keep the
    parent -> children map it builds once until the teams change."""

    version = 0

    def _changed(self):
        self.version += 1

    def __setitem__(self, key, value):
        self._changed()
        dict.__setitem__(self, key, value)

    def __delitem__(self, key):
        self._changed()
        dict.__delitem__(self, key)

    def pop(self, *args):
        self._changed()
        return dict.pop(self, *args)

    def popitem(self):
        self._changed()
        return dict.popitem(self)

    def setdefault(self, key, default=None):
        self._changed()
        return dict.setdefault(self, key, default)

    def update(self, *args, **kwargs):
        self._changed()
        dict.update(self, *args, **kwargs)

    def clear(self):
        self._changed()
        dict.clear(self)

    def __ior__(self, other: Any) -> _Teams:  # type: ignore[misc]  # mypy refuses any __ior__ on a dict subclass
        self.update(other)
        return self


class OrgState(object):
    """One organization as read. ``members`` is ``{key: Entry}`` (owners as ``admin``, members,
    pending invitations with their role); ``teams`` is ``{lower slug: TeamState}``; ``public`` is
    whether the token's own membership is public (``None`` when not read); ``ghes`` says new
    members join at once (GitHub Enterprise Server has no invitations)."""

    looked_up: dict[int, str | None]
    failed_records: dict[str, list[dict[str, Any]]]
    sent: list[str]
    _teams: _Teams
    _children: tuple[tuple[int, int], dict[str, list[TeamState]]] | None

    def __init__(self, org: str, members: Mapping[str, Entry] | None = None, teams: Mapping[str, TeamState] | None = None,
                 public: bool | None = None, ghes: bool = False, failed: Iterable[str] = (), ids: Mapping[int, str] | None = None,
                 invitation_ids: Mapping[str, int] | None = None, emails: Mapping[str, str] | None = None) -> None:
        self.org = org
        self.members = dict(members or {})
        self.teams = teams or {}
        self.public = public
        self.ghes = ghes
        self.failed = list(failed)
        self.ids = dict(ids or {})                        # {user id: login} of the members as read
        self.invitation_ids = dict(invitation_ids or {})  # {key: invitation id} of pending invitations
        self.emails = dict(emails or {})                  # {lower e-mail: key} of pending invitations
        # People (issue 18): {user id: login now, or None for no such account} from GET /user/{id};
        # {key: [{id, reason, failed_at}]} of the failed invitations; the created_at of every
        # pending and failed invitation (what counts against GitHub's 24-hour invitation limit).
        self.looked_up = {}
        self.failed_records = {}
        self.sent = []

    @property
    def teams(self) -> dict[str, TeamState]:
        return self._teams

    @teams.setter
    def teams(self, value: Mapping[str, TeamState]) -> None:
        self._teams = _Teams(value)
        self._children = None

    def copy(self) -> OrgState:
        state = OrgState(self.org, self.members, dict((k, t.copy()) for k, t in self.teams.items()),
                         self.public, self.ghes, self.failed, self.ids, self.invitation_ids, self.emails)
        state.looked_up = dict(self.looked_up)
        state.failed_records = dict((k, list(v)) for k, v in self.failed_records.items())
        state.sent = list(self.sent)
        return state

    def active_owners(self) -> list[str]:
        return sorted(k for k, e in self.members.items() if e.role == 'admin' and e.state == ACTIVE)

    def _children_map(self) -> dict[str, list[TeamState]]:
        """``{lower parent slug: [TeamState]}``, built once and kept until the teams change (a team
        added, replaced or removed, or a parent changed in place): every team's descendants are read
        several times per plan, so rebuilding it on each call made the planning grow with teams²."""
        stamp = (self._teams.version, TeamState.moves)
        if self._children is None or self._children[0] != stamp:
            children: dict[str, list[TeamState]] = {}
            for team in self._teams.values():
                if team.parent:
                    children.setdefault(team.parent.lower(), []).append(team)
            self._children = (stamp, children)
        return self._children[1]

    def descendants(self, key: str) -> list[TeamState]:
        """The teams below team ``key`` (lower slug), children first."""
        children = self._children_map()
        out = []
        todo = list(children.get(key, []))
        seen = set([key])
        index = 0
        while index < len(todo):
            team = todo[index]
            index += 1
            if team.key in seen:
                continue
            seen.add(team.key)
            out.append(team)
            todo.extend(children.get(team.key, []))
        return out

    def child_members(self, key: str) -> dict[str, str]:
        """``{key: login}`` of the active members of the teams below team ``key``: GitHub shows
        them as members of it too, and it cannot remove them."""
        out: dict[str, str] = {}
        for team in self.descendants(key):
            for k, entry in team.members.items():
                if entry.state == ACTIVE:
                    out.setdefault(k, entry.login)
        return out


class Write(object):
    """One write of the plan: ``scope`` is ``org``, ``team`` (with ``team`` the slug) or ``public``;
    ``change`` is a :class:`._plan.Change` (for ``public``: ``action`` is ``add`` or ``remove``)."""

    __slots__ = ('scope', 'team', 'change', 'phase')
    # The slug for a team write, None for the others: read only where the scope says it is a team's.
    # (``change`` is Any for the same reason: a Change, a TeamChange or the public membership's change.)
    team: Any

    def __init__(self, scope: str, change: Any, team: str | None = None, phase: str | None = None) -> None:
        self.scope = scope
        self.team = team
        self.change = change
        self.phase = phase

    @property
    def action(self) -> str:
        return self.change.action

    @property
    def login(self) -> str | None:
        return self.change.login

    def as_dict(self) -> dict[str, Any]:
        out = {'scope': self.scope, 'team': self.team, 'action': self.change.action, 'login': self.change.login,
               'role': self.change.role}
        if self.scope == TEAM_SETTINGS:
            out['settings'] = dict(self.change.settings)
            if self.change.slug != self.team:
                out['new_slug'] = self.change.slug
        return out

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Write) and self.as_dict() == other.as_dict()

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __repr__(self) -> str:
        where = self.scope + ('/' + self.team if self.team else '')
        return '<Write %s %s %s %s>' % (where, self.change.action, self.change.login, self.change.role)


def failed_record_deleted(state, write):
    """The :class:`Write` reporting that the failed invitation record of ``write``'s person was
    deleted although ``write`` itself failed; ``state`` loses the record (as GitHub did)."""
    key = write.change.key
    state.failed = [f for f in state.failed if f.lower() != key]
    state.failed_records.pop(key, None)
    return Write(ORG, Change(DELETE_FAILED_INVITATION, write.change.login), phase=write.phase)


class TeamChange(object):
    """Create a team (``create``), change its settings (``update``), rename it from a former
    slug (``rename``, with its other settings) or delete it (``delete``). ``settings`` holds the
    wanted values of :data:`SETTING_KEYS` that differ (``parent`` as a slug, ``None`` for no
    parent); ``slug`` is the team's slug after the write; ``creator`` the user GitHub makes
    maintainer of a team it creates with a user token (``None`` for a GitHub App); ``cascade``
    the slugs of the teams GitHub deletes with a deleted one (its child teams, on the planned tree)."""

    __slots__ = ('action', 'slug', 'settings', 'creator', 'cascade')
    login = None
    role = None
    before = None

    def __init__(self, action: str, slug: str, settings: Mapping[str, Any], creator: str | None = None,
                 cascade: Iterable[str] = ()) -> None:
        self.action = action
        self.slug = slug
        self.settings = dict(settings)
        self.creator = creator
        self.cascade = list(cascade)

    @property
    def key(self) -> None:
        return None
