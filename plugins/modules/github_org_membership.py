#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) gitops.github contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: github_org_membership
short_description: Manage a user's membership and role in a GitHub organization
version_added: 0.1.0
description:
  - Invites a user to a GitHub organization, changes their role, or removes them (cancelling a
    pending invitation).
  - Reads the membership first and writes only when it differs from what is asked.
  - A pending invitation counts as present, so the user is not invited again on every run.
author:
  - gitops.github developers (@gitops)
options:
  username:
    description:
      - Login of the user (case-insensitive).
    type: str
    required: true
  role:
    description:
      - V(admin) makes the user an organization owner, V(member) a plain member.
      - If not set, an existing membership keeps its role and a new one is created as V(member).
    type: str
    choices: [admin, member]
  state:
    description:
      - V(present) invites the user (on github.com they stay V(pending) until they accept) or
        changes their role.
      - V(absent) removes the user from the organization and all its teams, or cancels their
        pending invitation.
    type: str
    choices: [present, absent]
    default: present
  allow_self:
    description:
      - Allow removing or demoting the user the token belongs to.
      - Without it the module fails before writing, so a typo cannot lock you out.
    type: bool
    default: false
extends_documentation_fragment:
  - gitops.github.github
  - gitops.github.github.ORG
  - gitops.github.github.ATTRIBUTES
notes:
  - Uses C(GET), C(PUT) and C(DELETE) on C(/orgs/{org}/memberships/{username}). It never uses
    C(/orgs/{org}/members/{username}), which GitHub answers with a redirect to the I(public)
    membership check when the token's user is not an organization member.
  - On GitHub Enterprise Server there are no invitations; new members are active at once.
seealso:
  - module: gitops.github.github_team_membership
  - name: GitHub REST API for organization members
    description: The endpoints this module uses.
    link: https://docs.github.com/en/rest/orgs/members
'''

EXAMPLES = r'''
- name: Invite a member (stays pending until accepted)
  gitops.github.github_org_membership:
    org: acme
    username: new-hire

- name: Make someone an owner
  gitops.github.github_org_membership:
    org: acme
    username: alice
    role: admin

- name: Remove a user, or cancel their invitation
  gitops.github.github_org_membership:
    org: acme
    username: leaver
    state: absent

- name: Set auth once for every module of the collection
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/gitops.github.github:
      api_url: https://github.example.com/api/v3
      token: "{{ lookup('ansible.builtin.env', 'GHES_TOKEN') }}"
  tasks:
    - name: Check for drift without changing anything (run with --check --diff)
      gitops.github.github_org_membership:
        org: acme
        username: bob
        role: member
'''

RETURN = r'''
membership:
  description: The membership after the task (in check mode, as it would be).
  returned: success
  type: dict
  contains:
    login:
      description: The user's login as GitHub spells it.
      type: str
      sample: Alice
    state:
      description: V(active), V(pending) (invited, not accepted yet) or V(absent).
      type: str
      sample: pending
    role:
      description: V(admin) or V(member); V(null) when absent.
      type: str
      sample: member
impossible:
  description:
    - Check mode only. The addition GitHub would refuse, found with one C(GET /users/{username}) when the user
      is not a member yet (a login no user has, or an organization given as a user), as in
      M(gitops.github.github_org_roster). It is warned about and not reported as a change, since no apply
      could make it.
  returned: success
  type: list
  elements: dict
  sample: [{"login": "no-such-user", "problem": "no GitHub user has the login no-such-user"}]
diff:
  description: The membership before and after, the same shape as RV(membership).
  returned: always
  type: dict
  sample: {"before": {"login": "bob", "state": "absent", "role": null}, "after": {"login": "bob", "state": "pending", "role": "member"}}
api_requests:
  description: How many HTTP requests the task sent.
  returned: success
  type: int
  sample: 2
'''

from ansible_collections.gitops.github.plugins.module_utils._module import runner
from ansible_collections.gitops.github.plugins.module_utils._plan import (
    ADD,
    ORG_ROLES,
    REMOVE,
    membership_after,
    membership_view,
    plan_membership,
)
from ansible_collections.gitops.github.plugins.module_utils._resources import (
    OrgRef,
    exists,
    get_membership,
    impossible_additions,
    write_membership,
)


def read(run, org, username):
    """The membership, as ``{login, state, role}``; fails when the organization is not there."""
    client = run.client
    ref = OrgRef(org)
    with run.step('read membership of %s in %s' % (username, org)):
        data = get_membership(client, ref, username)
    if data is None:
        # 404 means absent, but also that the org is missing or hidden from this token: tell them apart.
        with run.step('read organization %s' % org):
            if not exists(client, ref):
                run.fail('Organization %s was not found, or the token cannot see it (GET /orgs/%s returned HTTP 404)'
                         % (org, org), membership=membership_view(username))
    return membership_view(username, data)


def refuse_self(run, plan, before, org):
    """Without allow_self, never remove or demote the token's own user."""
    if run.params['allow_self'] or not plan.demotions():
        return
    with run.step('read the token owner (GET /user)'):
        own = run.client.current_login()
    if own and own.lower() == before['login'].lower():
        run.fail('Refusing to %s %s, the user this token belongs to, in %s: set allow_self=true if you mean it'
                 % ('remove' if plan.removals else 'demote', before['login'], org),
                 membership=before, diff=dict(before=before, after=before))


def check(run, plan, before, org, username):
    """Check mode promises only what apply can do, as the list modules and the roster do."""
    if not (plan.changed and plan.changes[0].action == ADD):
        return plan, []
    with run.step('look up %s (GET /users/%s)' % (username, username)):
        impossible = impossible_additions(run.client, plan.changes)
    for problem in impossible:
        run.warn('%s: cannot add %s: %s' % (org, problem['login'], problem['problem']))
    return (plan_membership(before, 'absent', None, ORG_ROLES) if impossible else plan), impossible


def write(run, plan, before, org, username, new_state):
    """Make the plan's one write; returns the membership after it."""
    change = plan.changes[0]
    role = None if change.action == REMOVE else change.role
    with run.step('set membership of %s in %s to %s' % (username, org, role) if role else 'remove %s from %s' % (username, org)):
        data = write_membership(run.client, OrgRef(org).membership_path(username), role, adding=before['state'] == 'absent')
    return membership_after(plan, username, new_state, data) if role else membership_after(plan, before['login'], new_state)


def main():
    run = runner(dict(
        org=dict(type='str', required=True),
        username=dict(type='str', required=True),
        role=dict(type='str', choices=['admin', 'member']),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        allow_self=dict(type='bool', default=False),
    ), logins=('org', 'username'))
    org, username, new_state = run.params['org'], run.params['username'], 'active' if run.client.is_ghes else 'pending'
    before = read(run, org, username)
    plan = plan_membership(before, run.params['state'], run.params['role'], ORG_ROLES)
    refuse_self(run, plan, before, org)
    if run.check_mode:
        plan, impossible = check(run, plan, before, org, username)
        run.report(before, membership_after(plan, before['login'], new_state), plan.changed, impossible=impossible,
                   membership=membership_after(plan, before['login'], new_state))
    after = write(run, plan, before, org, username, new_state) if plan.changed else membership_after(plan, before['login'], new_state)
    run.report(before, after, plan.changed, membership=after)


if __name__ == '__main__':
    main()
