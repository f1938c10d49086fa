# -*- coding: utf-8 -*-
# Copyright (c) gitops.github contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The whole-organization engine's apply policy: how the writes of a :class:`._plan_org.RosterPlan`
are made, and what GitHub's refusals of one of them mean for the others.

- A team whose identity provider manages it (GitHub's 403, confirmed by :func:`._resources.idp_hint`)
  has its remaining writes skipped and reported; the other teams and the organization go on.
- GitHub's "Over invitation rate limit" 422 defers that invitation and every later one to the next
  run (:func:`defer_invitations`); the other writes go on.
- GitHub's "already a part of this organization" 422 to an e-mail invitation means the invitation
  was accepted (:func:`accepted_address`); that address's writes are left out, the others go on,
  except the removals of active organization members (:func:`hold_removals`): GitHub's member list
  shows no e-mail address, so any of them could be the person GitHub just said holds the listed
  address. The same holds when an address's invitation is deferred: it was not answered at all.
  Invitations are planned before every removal, so no removal is made before the answer.
- A write whose first step was made before it failed (a failed invitation's record deleted before
  the new invitation was refused) is reported as that step (:func:`._org_state.failed_record_deleted`).
- Any other failure stops at once: :class:`WritesFailed` carries what was done.

Nothing here fails a task: :class:`._runner.Runner` turns the outcome into the task's result.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from ansible_collections.gitops.github.plugins.module_utils._github_forms import is_already_member, is_invitation_limit
from ansible_collections.gitops.github.plugins.module_utils._http import GitHubError
from ansible_collections.gitops.github.plugins.module_utils._plan import ADD, ORG, PUBLIC, REMOVE, TEAM, TEAM_SETTINGS, Incomplete
from ansible_collections.gitops.github.plugins.module_utils._org_invitations import removes_a_member, sends_invitation
from ansible_collections.gitops.github.plugins.module_utils._org_predict import execute
from ansible_collections.gitops.github.plugins.module_utils._org_state import DELETE_FAILED_INVITATION, failed_record_deleted
from ansible_collections.gitops.github.plugins.module_utils._plan_org import RosterPlan
from ansible_collections.gitops.github.plugins.module_utils._resources import OrgRef, idp_hint

if TYPE_CHECKING:
    from ansible_collections.gitops.github.plugins.module_utils._http import GitHubClient
    from ansible_collections.gitops.github.plugins.module_utils._org_state import OrgState, Write

_SETTINGS_VERBS = {'create': 'create team %s in %s', 'rename': 'rename team %s in %s', 'update': 'update team %s in %s',
                   'delete': 'delete team %s in %s'}


def describe(write: Write, org: str) -> str:
    """The operation a write is, for messages: ``add bob to team dev in acme as member``."""
    change = write.change
    if write.scope == PUBLIC:
        return '%s the membership of the token owner in %s' % ('publicize' if change.action == ADD else 'conceal', org)
    if write.scope == TEAM_SETTINGS:
        return _SETTINGS_VERBS[change.action] % (write.team, org)
    if change.action == DELETE_FAILED_INVITATION:
        return 'delete the failed invitation of %s in %s' % (change.login, org)
    where = org if write.scope == ORG else 'team %s in %s' % (write.team, org)
    if change.action == ADD:
        return 'add %s to %s as %s' % (change.login, where, change.role)
    if change.action == REMOVE:
        return 'remove %s from %s' % (change.login, where)
    return 'change the role of %s in %s to %s' % (change.login, where, change.role)


class WritesFailed(Exception):
    """A write failed and the run stops: ``done`` (the writes made) and ``state`` (the state with
    them), ``write`` and ``error`` (the one that failed), ``skipped`` (writes to externally managed
    teams left out before it)."""

    def __init__(self, error: BaseException, write: Write, done: list[Write], state: OrgState, skipped: list[Write]) -> None:
        super().__init__(str(error))
        self.error = error
        self.write = write
        self.done = done
        self.state = state
        self.skipped = skipped


class Applied(object):
    """What :func:`apply_roster` made: ``done``, ``state``; and ``skipped`` with one ``hints``
    line per team its identity provider manages (then the task fails, naming them)."""

    def __init__(self, done: list[Write], state: OrgState, skipped: list[Write], hints: list[str]) -> None:
        self.done = done
        self.state = state
        self.skipped = skipped
        self.hints = hints


def apply_roster(plan: RosterPlan, writer: Callable[[Write], Any], client: GitHubClient, org: str,
                 warn: Callable[[str], None], log: Callable[[str], None] | None = None) -> Applied:
    """Make the plan's writes in order, by the policy above; ``log`` is told each write as it is
    made (the controller prints it at ``-v``). Raises :class:`WritesFailed`."""
    applied = Applied([], plan.before, [], [])
    todo = list(plan.writes)
    count = [0]

    def write(item: Write) -> Any:
        outcome = writer(item)
        count[0] += 1
        if log is not None:
            log('wrote %d of %d: %s' % (count[0], len(plan.writes), describe(item, org)))
        return outcome
    while True:
        part = RosterPlan(applied.state, plan.roster, todo, plan.teams, plan.problems)
        try:
            made, applied.state = execute(part, write, errors=(Exception,))
            applied.done.extend(made)
            return applied
        except Incomplete as exc:
            applied.done.extend(exc.done)
            applied.state = exc.state
            cleared = getattr(writer, 'cleared', None)  # an OrgWriter says what it made first
            if cleared is not None and cleared == exc.write.change.key:
                # Its failed record was deleted before it failed: a write made, reported.
                applied.done.append(failed_record_deleted(applied.state, exc.write))
            todo = _writes_left(plan, applied, exc.write, exc.error, todo[todo.index(exc.write) + 1:], client, org, warn)


def _writes_left(plan: RosterPlan, applied: Applied, write: Write, error: BaseException, rest: list[Write],
                 client: GitHubClient, org: str, warn: Callable[[str], None]) -> list[Write]:
    """After ``write`` failed with ``error``: the writes still to make (``rest`` is what came after
    it), or :class:`WritesFailed` when the run stops."""
    if not isinstance(error, GitHubError):
        raise WritesFailed(error, write, applied.done, applied.state, applied.skipped)
    if is_invitation_limit(error.status, error.message) and sends_invitation(applied.state, write, set()):
        return defer_invitations(plan, applied.state, write, rest, org, warn)
    if is_already_member(error.status, error.message) and write.scope in (ORG, TEAM) and '@' in write.change.key:
        return accepted_address(plan, write, rest, org, warn)
    hint = idp_hint(error, client, OrgRef(org).team(write.team)) if write.scope == TEAM else None
    if not hint:
        raise WritesFailed(error, write, applied.done, applied.state, applied.skipped)
    # The identity provider manages the team: its other writes would fail the same way.
    team = write.team.lower()
    applied.skipped.append(write)
    applied.skipped.extend(w for w in rest if w.scope == TEAM and w.team.lower() == team)
    applied.hints.append('%s: %s (%s)' % (describe(write, org), hint, error))
    return [w for w in rest if not (w.scope == TEAM and w.team.lower() == team)]


def defer_invitations(plan: RosterPlan, state: OrgState, write: Write, rest: list[Write], org: str,
                      warn: Callable[[str], None]) -> list[Write]:
    """GitHub answered "Over invitation rate limit" to ``write``: it and every later write that
    would send an invitation (and the team additions of the people deferred) wait for the next
    run; the other writes go on. Returns the writes still to make."""
    deferred = [write]
    keys = set([write.change.key])
    todo = []
    for item in rest:
        key = item.change.key if item.scope in (ORG, TEAM) else None
        if sends_invitation(state, item, set()) or (item.action == ADD and key in keys):
            deferred.append(item)
            keys.add(key)
        else:
            todo.append(item)
    plan.deferred = deferred + plan.deferred
    plan.invitations_left += len(keys)
    warn('%s: GitHub answered "Over invitation rate limit" (it allows 50 invitations in 24 hours, 500 for older '
         'or paid organizations): %d invitation(s) left for the next run (%s)'
         % (org, len(keys), ', '.join(describe(w, org) for w in deferred)))
    addresses = sorted(set(w.change.login for w in deferred if w.scope == ORG and '@' in w.change.key))
    return hold_removals(plan, todo, addresses, 'its invitation is left for the next run', org, warn)


def accepted_address(plan: RosterPlan, write: Write, rest: list[Write], org: str, warn: Callable[[str], None]) -> list[Write]:
    """GitHub answered that the address of ``write``'s e-mail invitation belongs to someone already
    in the organization: the invitation was accepted and GitHub lists that person by login only.
    Nothing was sent; the address's other writes are left out too, and the other writes go on.
    Returns the writes still to make."""
    key = write.change.key
    plan.already_members.append(write.change.login)
    warn('%s: GitHub answered that a user with the address %s is already a part of the organization (the '
         'invitation was accepted): nothing was sent; list their login instead of the address'
         % (org, write.change.login))
    rest = [w for w in rest if not (w.scope in (ORG, TEAM) and w.change.key == key)]
    return hold_removals(plan, rest, [write.change.login], 'GitHub says a member holds it', org, warn)


def hold_removals(plan: RosterPlan, rest: list[Write], addresses: list[str], why: str, org: str,
                  warn: Callable[[str], None]) -> list[Write]:
    """The listed ``addresses`` are not resolved (``why``): their holder may be any active member,
    since GitHub's member list shows no e-mail address. An accepted address never comes with the
    removal of its holder, so ``rest`` loses every removal of an active organization member (a
    pending invitation's cancellation goes on: an invitee is no part of the organization yet);
    they are reported in ``plan.removals_withheld`` for a later run. Returns the writes still to make."""
    if not addresses:
        return rest
    held = [w for w in rest if removes_a_member(plan.before, w)]
    if held:
        plan.removals_withheld.extend(held)
        warn('%s: not removing %s in this run: the listed address %s is not resolved (%s), and any member could '
             'hold it; list the holder\'s login instead of the address'
             % (org, ', '.join(w.change.login for w in held), ', '.join(addresses), why))
    return [w for w in rest if not any(w is h for h in held)]
