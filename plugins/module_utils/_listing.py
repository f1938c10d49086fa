# -*- coding: utf-8 -*-
# Copyright (c) gitops.github contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The I/O around :mod:`._lists`, shared by the list and info modules of orgs and teams: reading
whole member lists, guarding a plan before any write, making its writes, and reporting."""

from __future__ import annotations

from ansible_collections.gitops.github.plugins.module_utils._client import GitHubError, quote_segment
from ansible_collections.gitops.github.plugins.module_utils._common import write_membership
from ansible_collections.gitops.github.plugins.module_utils._lists import (
    ACTIVE,
    ADD,
    ORG_ROLES,
    PENDING,
    REMOVE,
    Incomplete,
    diff_view,
    execute,
    mark_inherited,
    merge_lists,
    removal_limit,
    summary,
)
from ansible_collections.gitops.github.plugins.module_utils._teams import state_after_adding


def read_members(client, base, roles, query=None):
    """``{lower login: Entry}`` of the active members of an org or team (``base`` is its path),
    one role-filtered list per role in ``roles`` (top role first), every ``Link`` page followed."""
    lists = []
    for role in roles:
        params = dict(query or {}, role=role)
        lists.append((role, ACTIVE, [u['login'] for u in client.paginate(base + '/members', params)]))
    return merge_lists(*lists)


def mark_child_members(client, children, current):
    """Mark in ``current`` the members that child teams (``TeamRef`` objects) also list: GitHub
    shows them on the parent, and the parent cannot remove them."""
    for child in children:
        mark_inherited(current, [u['login'] for u in client.paginate(child.base + '/members')])
    return current


# Check mode asks this many org memberships one by one; for more additions one read of the org's
# member list is cheaper than a GET per user.
PER_USER_LOOKUPS = 3


def states_after_adding(client, org, logins):
    """``{lower login: 'active' | 'pending'}``: what adding each login to a team of ``org`` makes
    of them (an org member joins at once, anyone else is invited). A GET per login for a few
    logins, else the org's member lists."""
    if client.is_ghes or len(logins) <= PER_USER_LOOKUPS:
        return dict((login.lower(), state_after_adding(client, org, login)) for login in logins)
    members = read_members(client, '/orgs/%s' % quote_segment(org), ORG_ROLES)
    return dict((login.lower(), ACTIVE if login.lower() in members else PENDING) for login in logins)


def membership_writer(client, path_for):
    """A ``write(change)`` for :func:`._lists.execute`: one PUT or DELETE on ``path_for(login)``,
    returning the state GitHub answered."""
    def write(change):
        role = None if change.action == REMOVE else change.role
        data = write_membership(client, path_for(change.login), role, adding=change.action == ADD)
        return (data or {}).get('state')
    return write


def describe(change, where):
    """The operation a change is, for messages: ``add bob to acme as member``."""
    if change.action == ADD:
        return 'add %s to %s as %s' % (change.login, where, change.role)
    if change.action == REMOVE:
        return 'remove %s from %s' % (change.login, where)
    return 'change the role of %s in %s to %s' % (change.login, where, change.role)


def unchanged_result(plan, extra=None):
    """The result fields of a run that writes nothing (used when a guard fails)."""
    before = diff_view(plan.before)
    result = dict(summary([], plan.before), diff=dict(before=before, after=before))
    result.update(extra or {})
    return result


def guard(gh, plan, current_count, max_removals, where, extra=None):
    """Fail before any write when ``plan`` removes more than ``max_removals`` allows, or removes
    or demotes the token's own user without ``allow_self``. May read ``GET /user`` once."""
    removals = plan.removals
    limit = removal_limit(max_removals, current_count)
    if len(removals) > limit:
        gh.fail('Refusing to remove %d of the %d members and invitations of %s: max_removals=%s allows %d. '
                'Check the lists, or raise max_removals if you mean it'
                % (len(removals), current_count, where, max_removals, limit),
                would_remove=[c.login for c in removals], **unchanged_result(plan, extra))
    demotions = plan.demotions()
    if demotions and not gh.params['allow_self']:
        try:
            own = (gh.client.current_login() or '').lower()  # '' for a GitHub App: it has no user
        except GitHubError as exc:
            gh.fail_request('read the token owner (GET /user)', exc, **unchanged_result(plan, extra))
        for change in demotions:
            if change.key == own:
                gh.fail('Refusing to %s %s, the user this token belongs to, in %s: list them as %s, or set '
                        'allow_self=true if you mean it'
                        % ('remove' if change.action == REMOVE else 'demote', change.login, where, plan.roles[0]),
                        **unchanged_result(plan, extra))


def apply(gh, plan, write, new_state, where, errors, extra=None, explain=None):
    """Make the writes of ``plan`` in order; returns ``(done, state)``. When one fails, the task
    fails with what was already done (``added``, ``removed``, ``role_changed`` so far) so that a
    rerun finishes the job. ``explain(error)`` may add a hint to the message."""
    try:
        return execute(plan, write, new_state, errors=errors)
    except Incomplete as exc:
        result = summary(exc.done, exc.state)
        result.update(diff=dict(before=diff_view(plan.before), after=diff_view(exc.state)), changed=bool(exc.done),
                      api_requests=gh.client.request_count)
        result.update(extra or {})
        operation = describe(exc.change, where)
        hint = explain(exc.error) if explain else None
        if hint:
            operation += ': ' + hint
            # Externally managed: the remaining writes would fail the same way; report them.
            left = plan.changes[plan.changes.index(exc.change):] if exc.change in plan.changes else [exc.change]
            result.update(managed_externally=True, skipped_writes=[describe(c, where) for c in left])
        gh.fail_request(operation, exc.error, **result)


def finish(gh, plan, done, after, extra=None):
    """Exit with the summary lists, ``changed`` and ``diff``."""
    result = summary(done, after)
    result.update(extra or {})
    gh.exit(changed=bool(done), diff=dict(before=diff_view(plan.before), after=diff_view(after)), **result)
