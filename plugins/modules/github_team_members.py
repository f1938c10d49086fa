#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) gitops.github contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: github_team_members
short_description: Manage the maintainers and members of a GitHub team as one list
version_added: 0.1.0
description:
  - Makes the listed users maintainers or members of a team, adding (or inviting) the ones who
    are not in it yet and changing the role of the others where it differs.
  - With O(exclusive=true) it also removes every member who is not listed and cancels their
    pending team invitations, so the lists are the whole truth.
  - Reads the team through its list endpoints (maintainers, members and pending invitations,
    100 per page) and then writes once per real change, never one read per user.
author:
  - gitops.github developers (!UNKNOWN)
options:
  org:
    description:
      - Login of the organization (case-insensitive).
    type: str
    required: true
  team:
    description:
      - Slug of the team (as in its URL), case-insensitive.
      - Exactly one of O(team) and O(team_id) is required.
    type: str
  team_id:
    description:
      - Numeric id of the team. The organization's id is read with one extra request.
    type: int
  maintainers:
    description:
      - Logins (case-insensitive) that must be maintainers of the team.
    type: list
    elements: str
    default: []
  members:
    description:
      - Logins (case-insensitive) that must be members of the team.
      - A login may appear only once in O(maintainers) and O(members) together.
      - Organization owners always read back as maintainers; an owner listed here is reported as
        converged, with a warning, and nothing is written.
    type: list
    elements: str
    default: []
  exclusive:
    description:
      - Also remove team members who are in neither list, and cancel their pending team invitations.
      - Members GitHub shows only because they belong to a child team cannot be removed from the
        parent; they are left alone and reported in RV(inherited).
    type: bool
    default: false
  max_removals:
    description:
      - The most removals one run may make, as a number of users (V(10)) or as a percentage of the
        current team members and pending invitations (V(25%)).
      - When more would be removed, the module fails before any write and says how many and the
        limit; check mode fails the same way.
    type: raw
    default: 25%
  allow_self:
    description:
      - Allow removing the user the token belongs to from the team, or demoting them from maintainer.
      - Without it the module fails before writing.
    type: bool
    default: false
extends_documentation_fragment:
  - gitops.github.github
  - gitops.github.github.ATTRIBUTES
notes:
  - Reads C(GET .../members?role=maintainer), C(GET .../members?role=member) and
    C(GET .../invitations) of the team, following every C(Link) page. Only when needed it also reads
    the organization's owners (when a listed member shows as maintainer) and, with O(exclusive=true),
    the organization's teams and the members of the child teams (to recognise inherited members).
  - Writes C(PUT) and C(DELETE) on C(.../memberships/{username}), maintainers first, then members,
    additions before removals.
  - Adding someone who is not an organization member invites them to the organization with this
    team; until they accept they count as present (they are listed in RV(pending)). GitHub's team
    invitation list does not say the team role of an invitation, so a pending user's role is
    checked once they have accepted.
  - In check mode the module reads the organization membership of each user it would add, to
    predict whether they would be added or invited.
  - If a write fails halfway, the task fails with RV(added), RV(removed) and RV(role_changed) holding
    what was already done; running it again finishes the job.
  - Teams whose members are synchronized from an identity provider (team synchronization) refuse
    changes through the API; the module fails saying so.
seealso:
  - module: gitops.github.github_team_membership
  - module: gitops.github.github_team_membership_info
  - module: gitops.github.github_org_members
  - name: GitHub REST API for team members
    description: The endpoints this module uses.
    link: https://docs.github.com/en/rest/teams/members
'''

EXAMPLES = r'''
- name: Make sure these people are in the team (others are left alone)
  gitops.github.github_team_members:
    org: acme
    team: platform
    maintainers: [alice]
    members: [bob, carol]

- name: The lists are the whole team
  gitops.github.github_team_members:
    org: acme
    team_id: 7001
    exclusive: true
    max_removals: 3
    maintainers: "{{ platform.maintainers }}"
    members: "{{ platform.members }}"
'''

RETURN = r'''
added:
  description: Logins added to the team (or invited), in the order written (in check mode, that would be).
  returned: always
  type: list
  elements: str
  sample: [bob]
removed:
  description: Logins removed from the team or whose team invitation was cancelled.
  returned: always
  type: list
  elements: str
  sample: [leaver]
role_changed:
  description: Logins whose team role was changed.
  returned: always
  type: list
  elements: str
  sample: [alice]
pending:
  description: Logins with a pending invitation to the team after the task, sorted.
  returned: always
  type: list
  elements: str
  sample: [new-hire]
inherited:
  description:
    - Logins in neither list that GitHub shows only because they belong to a child team; with
      O(exclusive=true) they are left alone, since they cannot be removed from the parent team.
  returned: always
  type: list
  elements: str
  sample: [carol]
changes:
  description: Every write in the order it was (or in check mode would be) made.
  returned: always
  type: list
  elements: dict
  contains:
    action:
      description: V(add) (C(PUT)), V(role) (C(PUT)) or V(remove) (C(DELETE)).
      type: str
      sample: add
    login:
      description: The user's login.
      type: str
      sample: bob
    role:
      description: The team role written; V(null) for a removal.
      type: str
      sample: member
diff:
  description:
    - The team before and after, as a mapping from login to role, for example C(maintainer),
      C(member (pending)) or C(member (inherited)).
  returned: always
  type: dict
  sample: {"before": {"alice": "member"}, "after": {"alice": "maintainer", "bob": "member"}}
api_requests:
  description: How many HTTP requests the task sent.
  returned: success
  type: int
  sample: 4
'''

import re

from ansible_collections.gitops.github.plugins.module_utils._client import GitHubError, quote_segment
from ansible_collections.gitops.github.plugins.module_utils._common import GitHubModule, login_problem
from ansible_collections.gitops.github.plugins.module_utils._lists import (
    ACTIVE,
    ADD,
    PENDING,
    REMOVE,
    TEAM_ROLES,
    Incomplete,
    add_invitations,
    apply_change,
    collect_wanted,
    demotion_candidates,
    diff_view,
    execute,
    mark_inherited,
    merge_lists,
    plan_members,
    removal_candidates,
    removal_limit,
    summary,
)
from ansible_collections.gitops.github.plugins.module_utils._teams import TeamNotFound, descendants, team_ref

_IDP_RE = re.compile(r'synchroni[sz]|externally managed|identity provider', re.IGNORECASE)


def main():
    gh = GitHubModule(
        argument_spec=dict(
            org=dict(type='str', required=True),
            team=dict(type='str'),
            team_id=dict(type='int'),
            maintainers=dict(type='list', elements='str', default=[]),
            members=dict(type='list', elements='str', default=[]),
            exclusive=dict(type='bool', default=False),
            max_removals=dict(type='raw', default='25%'),
            allow_self=dict(type='bool', default=False),
        ),
        mutually_exclusive=[('team', 'team_id')],
        required_one_of=[('team', 'team_id')],
        logins=('org',),
        slugs=('team',),
    )
    params = gh.params
    org = params['org']
    wanted, problems = collect_wanted(
        [('maintainer', params['maintainers']), ('member', params['members'])],
        validate=lambda login: login_problem(login, 'login'))
    if params['team_id'] is not None and params['team_id'] <= 0:
        problems.append('team_id must be a positive number, got %s' % params['team_id'])
    try:
        removal_limit(params['max_removals'], 0)
    except ValueError as exc:
        problems.append(str(exc))
    if problems:
        gh.fail('Invalid input for the team members of %s: %s' % (org, '; '.join(problems)))

    client = gh.client
    operation = 'find team'
    try:
        ref = team_ref(client, org, params['team'], params['team_id'])
        operation = 'read the members of %s' % ref.label
        maintainers = [u['login'] for u in client.paginate(ref.base + '/members', {'role': 'maintainer'})]
        members = [u['login'] for u in client.paginate(ref.base + '/members', {'role': 'member'})]
        current = merge_lists(('maintainer', ACTIVE, maintainers), ('member', ACTIVE, members))
        if not client.is_ghes:
            operation = 'read the pending invitations of %s' % ref.label
            add_invitations(current, client.paginate(ref.base + '/invitations'), with_role=False)

        owners = []
        if demotion_candidates(current, wanted, TEAM_ROLES):
            operation = 'read the owners of %s' % org
            owners = [u['login'] for u in client.paginate('/orgs/%s/members' % quote_segment(org), {'role': 'admin'})]
        if params['exclusive'] and removal_candidates(current, wanted):
            operation = 'look for child teams of %s' % ref.label
            for child in descendants(client, ref):
                mark_inherited(current, [u['login'] for u in client.paginate(child.base + '/members')])

        plan = plan_members(current, wanted, TEAM_ROLES, params['exclusive'], owners)
        before = diff_view(plan.before)
        base_result = dict(inherited=plan.inherited)
        empty = dict(summary([], plan.before), diff=dict(before=before, after=before), **base_result)
        for login in plan.owners_kept:
            gh.warn('%s is an owner of %s, and GitHub always reports owners as team maintainers: '
                    'listing them as a member is treated as converged for %s' % (login, org, ref.label))

        removals = plan.removals
        limit = removal_limit(params['max_removals'], len(current))
        if len(removals) > limit:
            gh.fail('Refusing to remove %d of the %d members and invitations of %s: max_removals=%s allows %d. '
                    'Check the lists, or raise max_removals if you mean it'
                    % (len(removals), len(current), ref.label, params['max_removals'], limit),
                    would_remove=[c.login for c in removals], **empty)
        if plan.demotions() and not params['allow_self']:
            operation = 'read the token owner (GET /user)'
            own = client.current_login().lower()
            for change in plan.demotions():
                if change.key == own:
                    gh.fail('Refusing to %s %s, the user this token belongs to, in %s: list them as maintainer, '
                            'or set allow_self=true if you mean it'
                            % ('remove' if change.action == REMOVE else 'demote', change.login, ref.label), **empty)

        if gh.check_mode:
            predicted = {}
            for change in plan.changes:
                if change.action == ADD:
                    operation = 'read the organization membership of %s in %s' % (change.login, org)
                    predicted[change.key] = _new_state(client, org, change.login)
            after = dict(plan.before)
            done = plan.changes
            for change in done:
                apply_change(after, change, PENDING, predicted.get(change.key))
    except TeamNotFound as exc:
        gh.fail(str(exc))
    except GitHubError as exc:
        gh.fail_request(operation, exc)

    if not gh.check_mode:
        try:
            done, after = execute(plan, lambda change: _write(client, ref, change), PENDING, errors=(GitHubError,))
        except Incomplete as exc:
            result = summary(exc.done, exc.state)
            result.update(diff=dict(before=before, after=diff_view(exc.state)), changed=bool(exc.done),
                          api_requests=client.request_count, **base_result)
            operation = _describe(exc.change, ref.label)
            if exc.error.status == 403 and _IDP_RE.search(exc.error.message or ''):
                operation += ': the team is managed by your identity provider (team synchronization); change the IdP group instead'
            gh.fail_request(operation, exc.error, **result)
    result = summary(done, after)
    result.update(base_result)
    gh.exit(changed=bool(done), diff=dict(before=before, after=diff_view(after)), **result)


def _new_state(client, org, login):
    """What adding ``login`` to a team makes: active for an org member, else a pending invitation."""
    if client.is_ghes:
        return ACTIVE
    data = client.get_or_none('/orgs/%s/memberships/%s' % (quote_segment(org), quote_segment(login)))
    return ACTIVE if data and data.get('state') == ACTIVE else PENDING


def _write(client, ref, change):
    """One PUT or DELETE; returns the membership state GitHub answered."""
    path = ref.membership_path(change.login)
    if change.action == REMOVE:
        client.request('DELETE', path, expected=(204,),
                       verify=lambda: {} if client.get_or_none(path) is None else None)
        return None
    resp = client.request('PUT', path, json={'role': change.role}, expected=(200,),
                          verify=lambda: _landed(client, path, change))
    return (resp.data or {}).get('state')


def _landed(client, path, change):
    data = client.get_or_none(path)
    if data is None:
        return None
    # An addition landed if the membership exists at all (an owner reads back as maintainer).
    return data if change.action == ADD or data.get('role') == change.role else None


def _describe(change, label):
    if change.action == ADD:
        return 'add %s to %s as %s' % (change.login, label, change.role)
    if change.action == REMOVE:
        return 'remove %s from %s' % (change.login, label)
    return 'change the role of %s in %s to %s' % (change.login, label, change.role)


if __name__ == '__main__':
    main()
