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
  - gitops.github developers (@gitops)
options:
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
        parent; they are left alone and reported in RV(inherited). A direct member who is also in a
        child team is a direct member, and is removed (GitHub then still shows them through the child).
    type: bool
    default: false
  max_removals:
    description:
      - The most removals one run may make, as a number of users (V(10)) or as a percentage of the
        current team members and pending invitations (V(25%)).
      - A percentage rounds down but never forbids removing one person (the budget is there
        against mass removals, like the C(--maximum-removal-delta) of prow's peribolos, a
        fraction of the current members), so V(25%) of a team of 2 or 3 allows 1. A number is taken
        as it is; V(0) or V(0%) forbids every removal.
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
  - gitops.github.github.ORG
  - gitops.github.github.TEAM
  - gitops.github.github.ATTRIBUTES
notes:
  - Reads C(GET .../members?role=maintainer), C(GET .../members?role=member) and
    C(GET .../invitations) of the team, following every C(Link) page. Only when needed it also reads
    the organization's owners (when a listed member shows as maintainer) and, with O(exclusive=true)
    and someone unlisted, the team's immediate members through GitHub's GraphQL API (C(Team.members)
    with C(membership=IMMEDIATE), C(POST /graphql), on GHES C(POST /api/graphql)). REST lists the
    members of child teams on the parent and cannot tell a direct member who is also in a child team
    from one who is only there.
  - Writes C(PUT) and C(DELETE) on C(.../memberships/{username}), maintainers first, then members,
    additions before removals.
  - Adding someone who is not an organization member invites them to the organization with this
    team; until they accept they count as present (they are listed in RV(pending)). GitHub's team
    invitation list does not say the team role of an invitation, so the module reads
    C(GET .../memberships/{username}) once for each pending invitee, and an invitation carrying
    another role than wanted is corrected with one C(PUT).
  - In check mode the module predicts whether each user it would add is added or invited; it
    reads the organization membership of up to three such users one by one, and for more it
    reads the organization's member lists once.
  - If a write fails halfway, the task fails with RV(added), RV(removed) and RV(role_changed) holding
    what was already done; running it again finishes the job.
  - Teams whose members come from an identity provider (team synchronization, or an external group
    with Enterprise Managed Users) refuse changes through the API with HTTP 403. After a 403 on a
    write the module reads the team's IdP group mappings (C(GET .../team-sync/group-mappings)) and
    external groups (C(GET .../external-groups)); when either shows the team is managed, or GitHub's
    message says so, the task fails saying the team is managed by the identity provider (with the
    IdP group names GitHub gives), sets RV(managed_externally) and lists the writes it skipped in
    RV(skipped_writes).
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
problems:
  description:
    - Check mode only (empty otherwise) - planned additions that cannot be made (a login no user
      has, or an organization), left out of RV(changes), RV(added) and RV(diff). Users already in
      the organization are not looked up.
  returned: always
  type: list
  elements: dict
  contains:
    login:
      description: The login as listed.
      type: str
      sample: no-such-user
    problem:
      description: Why it cannot be added.
      type: str
      sample: no GitHub user has the login no-such-user
api_requests:
  description: How many HTTP requests the task sent.
  returned: success
  type: int
  sample: 4
managed_externally:
  description: V(true) when a write failed because the team's members are managed by an identity provider.
  returned: on that failure
  type: bool
  sample: true
skipped_writes:
  description: The writes not made because the team is managed by an identity provider, the failed one first.
  returned: on that failure
  type: list
  elements: str
  sample: ["add bob to team platform in acme as member"]
'''

from ansible_collections.gitops.github.plugins.module_utils._module import runner
from ansible_collections.gitops.github.plugins.module_utils._membership_data import login_list_problems
from ansible_collections.gitops.github.plugins.module_utils._plan import (
    ACTIVE,
    ADD,
    PENDING,
    TEAM_ROLES,
    add_invitations,
    apply_change,
    collect_wanted,
    demotion_candidates,
    plan_members,
    removal_candidates,
    removal_limit,
)
from ansible_collections.gitops.github.plugins.module_utils._resources import (
    OrgRef,
    idp_hint,
    membership_writer,
    read_invitations,
    read_members,
    read_pending_team_roles,
    states_after_adding,
    team_ref,
    team_slug,
)
from ansible_collections.gitops.github.plugins.module_utils._graphql import GraphQL
from ansible_collections.gitops.github.plugins.module_utils._org_reader import mark_not_immediate, read_immediate_members


def wanted_members(run, org):
    """``{login: role}`` from the options; fails before any request on bad input."""
    params = run.params
    problems = login_list_problems(params, (('maintainers', 'maintainer'), ('members', 'member')))
    wanted = collect_wanted([('maintainer', params['maintainers']), ('member', params['members'])])[0] if not problems else {}
    try:
        removal_limit(params['max_removals'], 0)
    except ValueError as exc:
        problems.append(str(exc))
    if problems:
        run.fail('Invalid input for the team members of %s: %s' % (org, '; '.join(problems)))
    return wanted


def read(run, org, wanted):
    """``(ref, current, owners)``: the team, its members and pending invitations, and the
    organization's owners when a listed member may be one."""
    client = run.client
    with run.step('find team'):
        ref = team_ref(client, org, run.params['team'], run.params['team_id'])
    with run.step('read the members of %s' % ref.label):
        current = read_members(client, ref, TEAM_ROLES)
    if not client.is_ghes:
        with run.step('read the pending invitations of %s' % ref.label):
            add_invitations(current, read_invitations(client, ref.invitations_path), with_role=False)
        with run.step('read the team role of the pending invitations of %s' % ref.label):
            read_pending_team_roles(client, ref, current)
    owners = []
    if demotion_candidates(current, wanted, TEAM_ROLES):
        # Only then: GitHub shows org owners as maintainers, so a listed member may be one.
        with run.step('read the owners of %s' % org):
            owners = list(read_members(client, OrgRef(org), ('admin',)))
    if run.params['exclusive'] and removal_candidates(current, wanted):
        # REST lists members through child teams too: only GraphQL tells who is a direct member
        # (also when they are in a child team as well) and who is there only through a child.
        with run.step('read the immediate members of %s (GraphQL)' % ref.label):
            mark_not_immediate(current, read_immediate_members(GraphQL(client), org, team_slug(client, ref)))
    return ref, current, owners


def predict(run, ref, extra):
    """Check mode: what each addition becomes (active for org members, else an invitation), with
    the additions that cannot be made left out; ``(plan, after)``."""
    client, org = run.client, run.params['org']

    def check(plan):
        with run.step('read the organization members of %s' % org):
            predicted = states_after_adding(client, org, [c.login for c in plan.changes if c.action == ADD])
        # Someone read as an organization member exists; only the others need looking up (on GHES
        # the prediction is "active" without a read, so everyone added is looked up there).
        plan = run.drop_impossible(plan, ref.label, extra, [c for c in plan.changes if c.action == ADD and (
            client.is_ghes or predicted.get(c.key) != ACTIVE)])
        after = dict(plan.before)
        for change in plan.changes:
            apply_change(after, change, PENDING, predicted.get(change.key))
        return plan, after
    return check


def main():
    run = runner(dict(
        maintainers=dict(type='list', elements='str', default=[]),
        members=dict(type='list', elements='str', default=[]),
        exclusive=dict(type='bool', default=False),
        max_removals=dict(type='raw', default='25%'),
        allow_self=dict(type='bool', default=False),
    ), team=True)
    org = run.params['org']
    wanted = wanted_members(run, org)
    ref, current, owners = read(run, org, wanted)
    plan = plan_members(current, wanted, TEAM_ROLES, run.params['exclusive'], owners)
    for login in plan.owners_kept:
        run.warn('%s is an owner of %s, and GitHub always reports owners as team maintainers: '
                 'listing them as a member is treated as converged for %s' % (login, org, ref.label))
    extra = dict(inherited=plan.inherited, problems=[])
    run.run_list(plan, len(current), ref.label, membership_writer(run.client, ref.membership_path), PENDING, extra,
                 predict=predict(run, ref, extra), explain=lambda error: idp_hint(error, run.client, ref))


if __name__ == '__main__':
    main()
