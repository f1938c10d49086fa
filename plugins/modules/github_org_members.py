#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) gitops.github contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: github_org_members
short_description: Manage the members and owners of a GitHub organization as one list
version_added: 0.1.0
description:
  - Makes the listed users members or owners of a GitHub organization, inviting the ones who are
    not in it yet and changing the role of the others where it differs.
  - With O(exclusive=true) it also removes every member who is not listed and cancels their
    pending invitations, so the list is the whole truth.
  - Reads the organization through its list endpoints (owners, members and pending invitations,
    100 per page) and then writes once per real change, so a run over thousands of members costs a
    few dozen requests instead of one per user.
  - A pending invitation counts as present, so nobody is invited twice.
author:
  - gitops.github developers (@gitops)
options:
  members:
    description:
      - The users that must be in the organization, each with its role.
      - A login may appear only once, whatever its case.
    type: list
    elements: dict
    required: true
    suboptions:
      username:
        description:
          - Login of the user (case-insensitive).
        type: str
        required: true
      role:
        description:
          - V(admin) makes the user an organization owner, V(member) a plain member.
        type: str
        choices: [admin, member]
        default: member
  exclusive:
    description:
      - Also remove members who are not in O(members), and cancel their pending invitations.
      - Invitations sent to an e-mail address have no login and are left alone (with a warning).
    type: bool
    default: false
  max_removals:
    description:
      - The most removals (members removed plus invitations cancelled) one run may make, as a
        number of users (V(10)) or as a percentage of the current members and pending
        invitations (V(25%)).
      - A percentage rounds down but never forbids removing one person (the budget is there
        against mass removals, like the C(--maximum-removal-delta) of prow's peribolos, a
        fraction of the current members), so V(25%) of 3 allows 1, of 10 allows 2, of 100 allows
        25. A number is taken as it is; V(0) or V(0%) forbids every removal.
      - When more would be removed, the module fails before any write and says how many and the
        limit; check mode fails the same way.
    type: raw
    default: 25%
  min_owners:
    description:
      - The fewest active organization owners a run may leave. A plan that would remove or demote
        owners below this number fails before any write (check mode fails the same way).
      - Pending invitations do not count, nor do owners this run adds (they are invitations), so
        a list whose only other owner is still invited cannot remove the last active owner.
        Acting as a GitHub App, which has no own user to protect, this is the guard that keeps
        the organization owned.
      - V(0) switches the guard off. A plan that removes or demotes no owner is never refused.
    type: int
    default: 1
  allow_self:
    description:
      - Allow removing or demoting the user the token belongs to.
      - Without it the module fails before writing, so a list that forgets the automation's own
        account cannot lock it out.
    type: bool
    default: false
extends_documentation_fragment:
  - gitops.github.github
  - gitops.github.github.ORG
  - gitops.github.github.ATTRIBUTES
notes:
  - Reads C(GET /orgs/{org}/members?role=admin), C(GET /orgs/{org}/members?role=member) and
    C(GET /orgs/{org}/invitations), following every C(Link) page; writes C(PUT) and C(DELETE) on
    C(/orgs/{org}/memberships/{username}), owners first, then members, additions before removals.
  - Logins are compared case-insensitively and reported as GitHub spells them.
  - If a write fails halfway, the task fails with RV(added), RV(removed) and RV(role_changed) holding
    what was already done; running it again finishes the job. A write whose answer is lost in
    transit is checked with one read before it is sent again, so a change is never made twice.
  - On GitHub Enterprise Server there are no invitations; new members are active at once.
  - Every list read must be complete and well formed (a JSON list of users on every page, no
    C(Link) loop) or the task fails before its first write.
  - In check mode each planned addition is looked up once (C(GET /users/{username})); a login no
    user has, or one that is an organization, is reported in RV(problems) (and as a warning)
    instead of as a change, since the real run could not make it.
seealso:
  - module: gitops.github.github_org_membership
  - module: gitops.github.github_org_membership_info
  - module: gitops.github.github_team_members
  - name: GitHub REST API for organization members
    description: The endpoints this module uses.
    link: https://docs.github.com/en/rest/orgs/members
'''

EXAMPLES = r'''
- name: Make sure these people are in the organization (others are left alone)
  gitops.github.github_org_members:
    org: acme
    members:
      - username: alice
        role: admin
      - username: bob
      - username: carol

- name: The list is the whole organization; remove at most 5 people per run
  gitops.github.github_org_members:
    org: acme
    exclusive: true
    max_removals: 5
    members: "{{ acme_people }}"  # a list of {username, role} from your inventory

- name: Preview the writes (run with --check --diff)
  gitops.github.github_org_members:
    org: acme
    exclusive: true
    members: "{{ people }}"
  check_mode: true
  register: preview

- name: Show who would be removed
  ansible.builtin.debug:
    var: preview.removed
'''

RETURN = r'''
added:
  description: Logins invited or added, in the order written (in check mode, that would be).
  returned: always
  type: list
  elements: str
  sample: [new-hire]
removed:
  description: Logins removed from the organization or whose invitation was cancelled.
  returned: always
  type: list
  elements: str
  sample: [leaver]
role_changed:
  description: Logins whose role (or the role of whose pending invitation) was changed.
  returned: always
  type: list
  elements: str
  sample: [alice]
pending:
  description: Logins with a pending invitation after the task, sorted.
  returned: always
  type: list
  elements: str
  sample: [dave, new-hire]
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
      sample: new-hire
    role:
      description: The role written; V(null) for a removal.
      type: str
      sample: member
diff:
  description:
    - The organization before and after, as a mapping from login to role.
    - A pending invitation reads as for example C(member (pending)).
  returned: always
  type: dict
  sample: {"before": {"alice": "member", "leaver": "member"}, "after": {"alice": "admin", "new-hire": "member (pending)"}}
problems:
  description:
    - Check mode only (empty otherwise) - planned additions that cannot be made, left out of
      RV(changes), RV(added) and RV(diff).
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
  sample: 12
'''

from ansible_collections.gitops.github.plugins.module_utils._module import runner
from ansible_collections.gitops.github.plugins.module_utils._membership_data import role_list_problems
from ansible_collections.gitops.github.plugins.module_utils._plan import (
    ACTIVE,
    ORG_ROLES,
    PENDING,
    add_invitations,
    collect_wanted,
    parse_min_owners,
    plan_members,
    removal_limit,
)
from ansible_collections.gitops.github.plugins.module_utils._resources import (
    OrgRef,
    membership_writer,
    read_invitations,
    read_members,
)


def wanted_members(run, org):
    """``{login: role}`` from the options; fails before any request on bad input."""
    params = run.params
    problems = role_list_problems(params['members'])
    wanted = {} if problems else collect_wanted(
        [(role, [m['username'] for m in params['members'] if m['role'] == role]) for role in ORG_ROLES])[0]
    for check, value in ((removal_limit, (params['max_removals'], 0)), (parse_min_owners, (params['min_owners'],))):
        try:
            check(*value)
        except ValueError as exc:
            problems.append(str(exc))
    if problems:
        run.fail('Invalid members for %s: %s' % (org, '; '.join(problems)))
    return wanted


def read(run, ref):
    """The members and pending invitations (those sent to an e-mail address are left alone)."""
    with run.step('read the members of %s' % ref.org):
        current = read_members(run.client, ref, ORG_ROLES)
    if run.client.is_ghes:
        return current
    with run.step('read the pending invitations of %s' % ref.org):
        by_email = add_invitations(current, read_invitations(run.client, ref.invitations_path))
    if run.params['exclusive'] and by_email:
        run.warn('%d pending invitation(s) of %s were sent to an e-mail address and have no login; '
                 'they are left alone' % (by_email, ref.org))
    return current


def main():
    run = runner(dict(
        org=dict(type='str', required=True),
        members=dict(type='list', elements='dict', required=True, options=dict(
            username=dict(type='str', required=True),
            role=dict(type='str', default='member', choices=list(ORG_ROLES)),
        )),
        exclusive=dict(type='bool', default=False),
        max_removals=dict(type='raw', default='25%'),
        allow_self=dict(type='bool', default=False),
        min_owners=dict(type='int', default=1),
    ), logins=('org',))
    org, ref = run.params['org'], OrgRef(run.params['org'])
    wanted = wanted_members(run, org)
    current = read(run, ref)
    plan = plan_members(current, wanted, ORG_ROLES, run.params['exclusive'])
    run.run_list(plan, len(current), org, membership_writer(run.client, ref.membership_path),
                 ACTIVE if run.client.is_ghes else PENDING, dict(problems=[]), min_owners=run.params['min_owners'])


if __name__ == '__main__':
    main()
