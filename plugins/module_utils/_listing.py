# -*- coding: utf-8 -*-
# Copyright (c) gitops.github contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The I/O around :mod:`._plan`, shared by the list and info modules of orgs and teams: reading
whole member lists, guarding a plan before any write, making its writes, and reporting."""

from __future__ import annotations

from ansible_collections.gitops.github.plugins.module_utils._http import GitHubError, quote_segment
from ansible_collections.gitops.github.plugins.module_utils._module import write_membership
from ansible_collections.gitops.github.plugins.module_utils._plan import (
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
    plan_refusal,
    removal_budget_problem,
    summary,
)
from ansible_collections.gitops.github.plugins.module_utils._resources import state_after_adding


def logins_of(items, path):
    """The ``login`` of each user object of a list read from ``path``; a user without a string
    login fails the read (:class:`GitHubError`), so a plan is never built on a malformed answer."""
    logins = []
    for item in items:
        login = item.get('login')
        if not isinstance(login, str) or not login:
            raise GitHubError('GET', path, 200, 'the list holds a user without a login; refusing to plan on it')
        logins.append(login)
    return logins


def read_members(client, base, roles, query=None):
    """``{lower login: Entry}`` of the active members of an org or team (``base`` is its path),
    one role-filtered list per role in ``roles`` (top role first), every ``Link`` page followed."""
    lists = []
    for role in roles:
        params = dict(query or {}, role=role)
        lists.append((role, ACTIVE, logins_of(client.paginate(base + '/members', params), base + '/members')))
    return merge_lists(*lists)


def read_invitations(client, path):
    """The pending invitations at ``path``, each checked: a ``login`` is a string or null (an
    invitation by e-mail)."""
    invitations = list(client.paginate(path))
    for inv in invitations:
        login = inv.get('login')
        if login is not None and not (isinstance(login, str) and login):
            raise GitHubError('GET', path, 200, 'the list holds an invitation with a malformed login; refusing to plan on it')
    return invitations


def mark_child_members(client, children, current):
    """Mark in ``current`` the members that child teams (``TeamRef`` objects) also list: GitHub
    shows them on the parent, and the parent cannot remove them."""
    for child in children:
        mark_inherited(current, logins_of(client.paginate(child.base + '/members'), child.base + '/members'))
    return current


def impossible_additions(client, changes):
    """``[{login, problem}]`` for the planned additions GitHub would refuse, found with one
    ``GET /users/{login}`` each (and none when nothing is added): a login no user has (404), or an
    organization (GitHub answers that route for organizations too, with ``type: Organization``;
    see the ``type`` of "Get a user", docs.github.com/en/rest/users/users#get-a-user)."""
    problems = []
    for change in changes:
        if change.action != ADD:
            continue
        data = client.get_or_none('/users/%s' % quote_segment(change.login))
        if data is None:
            problems.append({'login': change.login, 'problem': 'no GitHub user has the login %s' % change.login})
        elif data.get('type') == 'Organization':
            problems.append({'login': change.login, 'problem': '%s is an organization, not a user' % change.login})
    return problems


def drop_impossible(gh, plan, where, extra, changes=None):
    """Check mode: take the additions that cannot be made out of ``plan`` and report them in
    ``extra['problems']`` (and as warnings), so check mode promises only what can be done.
    ``changes`` limits the lookups to those changes (default: every addition of the plan)."""
    try:
        problems = impossible_additions(gh.client, plan.changes if changes is None else changes)
    except GitHubError as exc:
        gh.fail_request('look up the users to add to %s' % where, exc, **unchanged_result(plan, extra))
    for problem in problems:
        gh.warn('%s: cannot add %s: %s' % (where, problem['login'], problem['problem']))
    extra['problems'] = problems
    return plan.without(p['login'].lower() for p in problems)


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
    """A ``write(change)`` for :func:`._plan.execute`: one PUT or DELETE on ``path_for(login)``,
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
    result = dict(summary([], plan.before), diff=dict(before=before, after=before), changed=False)
    result.update(extra or {})
    return result


def guard(gh, plan, current_count, max_removals, where, extra=None, min_owners=None):
    """Fail before any write when ``plan`` removes more than ``max_removals`` allows, removes or
    demotes the token's own user without ``allow_self``, or leaves fewer than ``min_owners``
    active owners (organizations only; ``None`` skips it): :func:`._plan.plan_refusal`. May read
    ``GET /user`` once, only when the plan removes or demotes someone."""
    problem = removal_budget_problem(plan, current_count, max_removals, where)
    if problem:
        gh.fail(problem, would_remove=[c.login for c in plan.removals], **unchanged_result(plan, extra))
    allow_self = gh.params['allow_self']
    own = None
    if plan.demotions() and not allow_self:
        try:
            own = gh.client.current_login()  # None for a GitHub App: it has no user
        except GitHubError as exc:
            gh.fail_request('read the token owner (GET /user)', exc, **unchanged_result(plan, extra))
    problem = plan_refusal(plan, current_count, max_removals, own, allow_self, min_owners, where)
    if problem:
        gh.fail(problem, **unchanged_result(plan, extra))


def apply(gh, plan, write, new_state, where, errors, extra=None, explain=None):
    """Make the writes of ``plan`` in order; returns ``(done, state)``. When one fails, the task
    fails with what was already done (``added``, ``removed``, ``role_changed`` so far) so that a
    rerun finishes the job. ``explain(error)`` may add a hint to the message."""
    # Whatever a write raises, the result must say what was already done: every exception type.
    try:
        return execute(plan, write, new_state, errors=(Exception,))
    except Incomplete as exc:
        result = summary(exc.done, exc.state)
        result.update(diff=dict(before=diff_view(plan.before), after=diff_view(exc.state)), changed=bool(exc.done),
                      api_requests=gh.client.request_count)
        result.update(extra or {})
        operation = describe(exc.change, where)
        hint = explain(exc.error) if explain and isinstance(exc.error, GitHubError) else None
        if hint:
            operation += ': ' + hint
            # Externally managed: the remaining writes would fail the same way; report them.
            left = plan.changes[plan.changes.index(exc.change):] if exc.change in plan.changes else [exc.change]
            result.update(managed_externally=True, skipped_writes=[describe(c, where) for c in left])
        error = exc.error if isinstance(exc.error, GitHubError) else gh.client._scrub(
            '%s: %s' % (type(exc.error).__name__, exc.error))
        gh.fail_request(operation, error, **result)


def finish(gh, plan, done, after, extra=None):
    """Exit with the summary lists, ``changed`` and ``diff``."""
    result = summary(done, after)
    result.update(extra or {})
    gh.exit(changed=bool(done), diff=dict(before=diff_view(plan.before), after=diff_view(after)), **result)
