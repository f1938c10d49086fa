# -*- coding: utf-8 -*-
# Copyright (c) gitops.github contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Folding writes into an :class:`._org_state.OrgState` the way GitHub does: :func:`predict` for
one write, :func:`execute` for a whole plan, so that check mode and the real run share every step.
Pure, no I/O."""

from __future__ import annotations

from ansible_collections.gitops.github.plugins.module_utils._org_state import (
    TeamState,
)
from ansible_collections.gitops.github.plugins.module_utils._plan import (
    ACTIVE,
    ADD,
    ORG,
    PENDING,
    PUBLIC,
    REMOVE,
    ROLE,
    TEAM,
    TEAM_SETTINGS,
    Entry,
    run_in_order,
)


def new_state_of(state, write):
    """What GitHub makes of an addition: an organization addition is an invitation on github.com
    (at once a member on GHES); a team addition makes an active organization member an active
    team member, and anyone else pending (GitHub invites them with the team)."""
    if state.ghes:
        return ACTIVE
    if write.scope == ORG:
        return PENDING
    entry = state.members.get(write.change.key)
    return ACTIVE if entry is not None and entry.state == ACTIVE else PENDING


def _shown_team_role(state, key, role):
    """GitHub shows an active organization owner as maintainer of every team they are in."""
    entry = state.members.get(key)
    return 'maintainer' if entry is not None and entry.role == 'admin' and entry.state == ACTIVE else role


def _owner_change_in_teams(state, key, role, was_owner):
    """An owner's team entries show ``maintainer``; once an owner is demoted GitHub shows their own
    team role again, which no read could see before: those entries get the role ``None``."""
    for team in state.teams.values():
        entry = team.members.get(key)
        if entry is None or entry.state != ACTIVE:
            continue
        if role == 'admin':
            team.members[key] = entry.copy(role='maintainer')
        elif was_owner:
            team.members[key] = entry.copy(role=None)


def _predict_removal(state, write):
    key = write.change.key
    if write.scope == ORG:
        state.members.pop(key, None)
        for team in state.teams.values():
            team.members.pop(key, None)
    else:
        state.teams[write.team.lower()].members.pop(key, None)
    return state


def predict(state, write, server_state=None):
    """Fold one done (``server_state`` from GitHub's answer) or predicted write into ``state``.

    An owner's team entries show ``maintainer``; once an owner is demoted GitHub shows their own
    team role again, which no read could see before: those entries get the role ``None``
    (unknown) until the next read.
    """
    change = write.change
    if write.scope == PUBLIC:
        state.public = change.action == ADD
        return state
    if write.scope == TEAM_SETTINGS:
        return _predict_definition(state, write, server_state)
    if change.action == REMOVE:
        return _predict_removal(state, write)
    return _predict_entry(state, write, server_state)


def _predict_entry(state, write, server_state):
    """An addition or a role change, in the organization or a team."""
    change = write.change
    key = change.key
    target = state.members if write.scope == ORG else state.teams[write.team.lower()].members
    before = target.get(key) or change.before
    role = change.role if write.scope == ORG else _shown_team_role(state, key, change.role)
    if change.action == ADD:
        target[key] = Entry(change.login, role, server_state or new_state_of(state, write))
        if write.scope == TEAM and key not in state.members:
            # Adding a non-member to a team invites them to the organization (GHES: adds them).
            state.members[key] = Entry(change.login, 'member', ACTIVE if state.ghes else PENDING)
    else:
        target[key] = before.copy(role=role, state=server_state or before.state, inherited=False)
    if write.scope == ORG and change.action == ROLE and target[key].state == ACTIVE:
        _owner_change_in_teams(state, key, change.role, before.role == 'admin' and before.state == ACTIVE)
    return state


def _created_team(change, answer):
    settings = change.settings
    members = {}
    if change.creator:
        members[change.creator.lower()] = Entry(change.creator, 'maintainer', ACTIVE)
    return TeamState(answer.get('slug') or change.slug, answer.get('id'), settings.get('parent'),
                     settings.get('name'), settings.get('description'),
                     settings.get('privacy') or ('closed' if settings.get('parent') else 'secret'), members)


def _predict_definition(state, write, answer=None):
    """Fold a team creation, rename or settings change into ``state``; ``answer`` is GitHub's
    team object when the write was made (its id and slug win)."""
    change = write.change
    answer = answer if isinstance(answer, dict) else {}
    if change.action == 'create':
        team = _created_team(change, answer)
        state.teams[team.key] = team
        return state
    if change.action == 'delete':
        for below in state.descendants(write.team.lower()):
            state.teams.pop(below.key, None)
        state.teams.pop(write.team.lower(), None)
        return state
    team = state.teams.pop(write.team.lower())
    team = team.copy()
    if change.action == 'rename':
        team.slug = answer.get('slug') or change.slug
        # GitHub keeps a team's children by id: after the rename they name the new slug.
        for key, child in list(state.teams.items()):
            if (child.parent or '').lower() == write.team.lower():
                child = child.copy()
                child.parent = team.slug
                state.teams[key] = child
    for key in ('name', 'description', 'privacy', 'parent'):
        if key in change.settings:
            setattr(team, key, change.settings[key])
    state.teams[team.key] = team
    return state


def execute(plan, write, errors=(Exception,)):
    """Make ``plan``'s writes in order with ``write(Write)`` (returns the state GitHub answered, or
    ``None``; in check mode the caller passes a ``write`` that sends nothing): the list modules'
    :func:`._plan.run_in_order`, folding with :func:`predict`. Raises :class:`._plan.Incomplete`."""
    return run_in_order(plan.writes, write, plan.before.copy(), predict, errors)
