# -*- coding: utf-8 -*-
# Copyright (c) gitops.github contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The access part of ``github_org_roster`` (issue 20, item 5) that talks to GitHub: the read
(:func:`read_roster_access`, after the membership read), the writer of one
:class:`._plan_access.AccessWrite` (:func:`access_writer`) and the ordered writes with the
report of a failure midway (:func:`apply_access`). The planning is pure, in
:mod:`._plan_roster_access`.

The write order: every membership write first (in the membership plan's own order: organization
additions, team creations and renames, team memberships, demotions, removals, team deletions),
then the access grants (additions, then changes that keep or raise a permission), then the access
revocations (changes that lower one, then removals). So a grant never precedes the team it names,
and a revocation never precedes a grant (:mod:`._plan_access`). Revocations that a membership
removal or a team deletion makes (GitHub drops the person's roles, the team's grants) are not
planned at all (:func:`._plan_roster_access.planned_tree`).
"""

from __future__ import annotations

from ansible_collections.gitops.github.plugins.module_utils._access import (
    RepoRef,
    add_collaborator,
    delete_invitation,
    remove_collaborator,
    remove_outside_collaborator,
    remove_team_repo,
    roles_unavailable,
    set_role,
    set_team_repo,
    update_invitation,
)
from ansible_collections.gitops.github.plugins.module_utils._access_reader import (
    Unreadable,
    read_access,
    read_org_roles,
    read_outside_collaborators,
)
from ansible_collections.gitops.github.plugins.module_utils._access_state import OUTSIDE, ROLES
from ansible_collections.gitops.github.plugins.module_utils._http import GitHubError
from ansible_collections.gitops.github.plugins.module_utils._permissions import invitation_word
from ansible_collections.gitops.github.plugins.module_utils._plan_access import (
    INVITATION,
    ORGANIZATION,
    REMOVE,
    USER,
    reads_for,
)
from ansible_collections.gitops.github.plugins.module_utils._plan_roster_access import (
    RosterAccess,
    describe,
    id_problems,
    listed_ids,
)
from ansible_collections.gitops.github.plugins.module_utils._plan import ADD, Change
from ansible_collections.gitops.github.plugins.module_utils._resources import TeamRef, impossible_additions, users_by_id


def read_roster_access(run, gql, roster, export):
    """The :class:`RosterAccess` of the run, read, or ``None`` when the entry names no access key
    and the run is no export. A plan reads only what it depends on
    (:func:`._plan_access.reads_for`); an export reads every part it can."""
    wanted = getattr(roster, 'access', None)
    if wanted is None and not export:
        return None
    access = RosterAccess(wanted or {}, export=export)
    client, org = run.client, run.params['org']
    before = client.request_count
    with run.step('read the organization roles, outside collaborators and team repository access of %s' % org):
        if export:
            access.state = _read_everything(run, gql, org)
        else:
            access.state = read_access(client, org, gql, **reads_for(wanted))
    state = access.state
    run.progress('read the access of %s: %s (%d requests)' % (org, ', '.join(_counts(state)) or 'nothing', client.request_count - before))
    return access


def _counts(state):
    out = []
    if state.roles is not None:
        out.append('%d organization roles' % len(state.roles))
    if state.outside is not None:
        out.append('%d outside collaborators' % len(state.outside))
    if state.teams is not None:
        out.append('%d team grants' % sum(len(t.repositories) for t in state.teams.values()))
    return out


def _read_everything(run, gql, org):
    """The export's read: every role with its holders, every team's grants, every outside
    collaborator's grants. Pending repository invitations are not read (one request per
    repository), so the export lists active access. A part GitHub does not show this token
    (organization roles on a GitHub Enterprise Server without them, or for a token that may not
    see them; collaborators for a token that is no owner) is left out with a warning."""
    client = run.client
    state = read_access(client, org, gql, roles=False, teams=True, outside=False)
    try:
        state.outside, state.repositories = read_outside_collaborators(client, gql, org, state.custom_roles, [])
    except Unreadable as exc:
        run.warn('%s: outside_collaborators is left out of the export: %s' % (org, exc.message))
    try:
        state.roles = read_org_roles(client, org)
    except Unreadable:
        run.warn('%s: organization_roles is left out of the export: %s' % (org, roles_unavailable(client, org)))
    except GitHubError as exc:
        # 422 is documented for GET /orgs/{org}/organization-roles (OpenAPI orgs/list-org-roles;
        # for the assignments: "if the organization roles feature is not enabled").
        if exc.status != 422:
            raise
        run.warn('%s: organization_roles is left out of the export: %s' % (org, exc))
    return state


def access_writer(client, org, planned):
    """A ``write(AccessWrite)`` with the endpoints of :mod:`._access`; ``planned`` is the state
    the writes start from (:func:`._plan_roster_access.planned_tree`), for the access a parent
    team shows on a child."""
    def write(item):
        if item.section == ROLES:
            set_role(client, org, item.ref, 'user' if item.kind == USER else 'team', item.subject, item.action != REMOVE)
        elif item.section == OUTSIDE:
            _outside(client, org, item)
        else:
            team, repo = TeamRef(org, slug=item.subject), RepoRef(org, item.target)
            if item.action == REMOVE:
                # The check shows a parent's grant on the child too: the write is verified on the
                # team's own list then (_access.remove_team_repo).
                shown = item.target.lower() in planned.inherited_repositories(item.subject)
                remove_team_repo(client, team, repo, shown_by_parent=shown)
            else:
                set_team_repo(client, team, repo, item.permission)
    return write


def _outside(client, org, item):
    if item.kind == ORGANIZATION:
        remove_outside_collaborator(client, org, item.subject)
        return
    repo = RepoRef(org, item.target)
    if item.kind == INVITATION:
        if item.action == REMOVE:
            delete_invitation(client, repo, item.ref)
            return
        word = invitation_word(item.permission)
        if word:
            update_invitation(client, repo, item.ref, word)
            return
        delete_invitation(client, repo, item.ref)  # an invitation's update takes no custom role: sent anew
    if item.action == REMOVE:
        remove_collaborator(client, repo, item.subject)
    else:
        add_collaborator(client, repo, item.subject, item.permission)


def apply_access(run, access, org, result_of):
    """Make the access plan's writes in order, each told to the host as it is made. When one
    fails, the task fails with exactly what was done: ``result_of()`` (the membership writes and
    ``access_changes`` so far) and ``failed_access_change``."""
    writes = access.plan.writes
    write = access_writer(run.client, org, access.planned)
    for number, item in enumerate(writes, 1):
        try:
            write(item)
        except Exception as exc:  # whatever a write raises, the result says what was done
            access.finish()
            result = result_of()
            result.update(changed=bool(result.get('changes') or access.done), failed_access_change=item.as_dict())
            run.fail_request(describe(item, org), run.error_of(exc), **result)
        access.done.append(item)
        run.host.log('wrote access %d of %d: %s' % (number, len(writes), describe(item, org)))
    access.finish()
    if writes:
        run.progress('wrote %d of %d planned access writes' % (len(access.done), len(writes)))


def access_refusals(run, access, roster_plan):
    """Plan the access on the tree ``roster_plan`` leaves (nothing for an export or an entry
    without access keys); its problems, as the guards' ``{team, problem}`` refusals, fail the task
    before any write, in check mode too."""
    if access is None or access.export:
        return []
    problems = _id_problems(run, access, roster_plan.before)
    problems += access.make_plan(roster_plan, roster_plan.roster.max_removals)
    writes = access.plan.proposed
    run.progress('planned %d access writes: %d grants, %d revocations (%d accesses removed)'
                 % (len(writes), sum(1 for w in writes if not w.revokes), sum(1 for w in writes if w.revokes),
                    access.plan.removals))
    return [{'team': None, 'problem': problem} for problem in problems]


def _id_problems(run, access, org_state):
    """The ids the access entries give, checked against GitHub before any write: the members'
    ids as read, the ids the membership read looked up, and one ``GET /user/{account_id}`` for
    each other id."""
    listed = listed_ids(access.wanted)
    if not listed:
        return []
    login_of = dict(org_state.ids)
    login_of.update(org_state.looked_up)
    missing = sorted(set(i for _w, _l, i in listed if i not in login_of))
    if missing:
        with run.step('look up the ids listed for organization roles and outside collaborators (GET /user/{account_id})'):
            login_of.update(users_by_id(run.client, missing))
    return id_problems(listed, login_of)


def access_removed_outside(access):
    """The logins the access plan removes from every repository of the organization
    (``DELETE /orgs/{org}/outside_collaborators/{username}``); none without a plan."""
    if access is None or access.plan is None:
        return []
    return [w.subject for w in access.plan.proposed if w.kind == ORGANIZATION and w.action == REMOVE]


def check_access(run, access):
    """Check mode: promise the access writes apply would make. A new outside collaborator GitHub
    has no user for (one ``GET /users/{login}`` each, as for the people added to the organization)
    is left out and returned as ``[{login, problem}]``, with a warning: no apply could invite them."""
    if access is None:
        return []
    org = run.params['org']
    logins = access.new_collaborators()
    with run.step('look up the new outside collaborators of %s' % org):
        impossible = impossible_additions(run.client, [Change(ADD, login) for login in logins])
    for problem in impossible:
        run.warn('%s: cannot make %s an outside collaborator: %s' % (org, problem['login'], problem['problem']))
    access.promise([p['login'] for p in impossible])
    return impossible
