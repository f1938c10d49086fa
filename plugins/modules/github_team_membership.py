#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) gitops.github contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: github_team_membership
short_description: Manage a user's membership and role in a GitHub team
version_added: 0.1.0
description:
  - Adds a user to a team of a GitHub organization, changes their team role, or removes them.
  - Reads the membership first and writes only when it differs from what is asked.
  - Adding someone who is not yet an organization member invites them to the organization with
    this team attached; the membership stays V(pending) until they accept, and a rerun does not
    invite them again.
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
      - V(maintainer) can manage the team, V(member) cannot.
      - If not set, an existing membership keeps its role and a new one is created as V(member).
      - Organization owners always read back as V(maintainer); asking V(member) for an owner
        is reported as converged, with a warning, and nothing is written.
    type: str
    choices: [member, maintainer]
  state:
    description:
      - V(present) adds (or invites) the user, V(absent) removes them or cancels their pending
        team invitation.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - gitops.github.github
  - gitops.github.github.ORG
  - gitops.github.github.TEAM
  - gitops.github.github.ATTRIBUTES
notes:
  - GitHub shows members of child teams as members of the parent team, and they cannot be
    removed from the parent. With O(state=absent) such a user is reported (unchanged, with a
    warning naming the child team) instead of being "removed" on every run. REST does not say whether
    such a user is I(also) a direct member of the parent, so the module then asks GitHub's GraphQL
    API for the team's immediate members (C(POST /graphql), on GHES C(POST /api/graphql)); a direct
    member is removed.
  - Teams whose members come from an identity provider (team synchronization, or an external group
    with Enterprise Managed Users) refuse changes through the API with HTTP 403. After a 403 on the
    write the module reads the team's IdP group mappings and external groups; when either shows the
    team is managed, or GitHub's message says so, the task fails saying so (with the IdP group names
    GitHub gives) and sets RV(managed_externally).
seealso:
  - module: gitops.github.github_org_membership
  - name: GitHub REST API for team members
    description: The endpoints this module uses.
    link: https://docs.github.com/en/rest/teams/members
'''

EXAMPLES = r'''
- name: Add a maintainer to a team
  gitops.github.github_team_membership:
    org: acme
    team: platform
    username: alice
    role: maintainer

- name: Add someone by team id (invites them to the org if needed)
  gitops.github.github_team_membership:
    org: acme
    team_id: 7001
    username: new-hire

- name: Remove a user from a team
  gitops.github.github_team_membership:
    org: acme
    team: platform
    username: leaver
    state: absent
'''

RETURN = r'''
impossible:
  description:
    - Check mode only. The addition GitHub would refuse, found with one C(GET /users/{username}) when the user
      is not an organization member yet (a login no user has, or an organization given as a user), as in
      M(gitops.github.github_org_membership). It is warned about and not reported as a change.
  returned: success
  type: list
  elements: dict
  sample: [{"login": "no-such-user", "problem": "no GitHub user has the login no-such-user"}]
membership:
  description: The team membership after the task (in check mode, as it would be).
  returned: success
  type: dict
  contains:
    login:
      description: The user's login.
      type: str
      sample: alice
    state:
      description: V(active), V(pending) (waiting for an organization invitation) or V(absent).
      type: str
      sample: active
    role:
      description: V(member) or V(maintainer); V(null) when absent.
      type: str
      sample: maintainer
inherited_from:
  description: Slug of the child team through which the user is a member, when O(state=absent)
    could not remove an inherited membership.
  returned: when the membership is inherited
  type: str
  sample: platform-oncall
diff:
  description: The membership before and after, the same shape as RV(membership).
  returned: always
  type: dict
  sample: {"before": {"login": "bob", "state": "active", "role": "member"}, "after": {"login": "bob", "state": "active", "role": "maintainer"}}
api_requests:
  description: How many HTTP requests the task sent.
  returned: success
  type: int
  sample: 2
managed_externally:
  description: V(true) when the write failed because the team's members are managed by an identity provider.
  returned: on that failure
  type: bool
  sample: true
'''

from ansible_collections.gitops.github.plugins.module_utils._module import runner
from ansible_collections.gitops.github.plugins.module_utils._plan import (
    ADD,
    REMOVE,
    TEAM_ROLES,
    membership_after,
    membership_view,
    plan_membership,
)
from ansible_collections.gitops.github.plugins.module_utils._resources import (
    OrgRef,
    TeamNotFound,
    exists,
    get_membership,
    idp_hint,
    impossible_additions,
    inherited_from,
    state_after_adding,
    team_ref,
    team_slug,
    write_membership,
)
from ansible_collections.gitops.github.plugins.module_utils._graphql import GraphQL
from ansible_collections.gitops.github.plugins.module_utils._org_reader import read_immediate_members


def read(run, username):
    """``(ref, before)``: the team, and the user's membership of it; fails when the team is not there."""
    client, missing = run.client, dict(membership=membership_view(username))
    with run.step('find team', missing=missing):
        ref = team_ref(client, run.params['org'], run.params['team'], run.params['team_id'])
    with run.step('read membership of %s in %s' % (username, ref.label)):
        data = get_membership(client, ref, username)
    if data is None:
        with run.step('read %s' % ref.label, missing=missing):
            if not exists(client, ref):
                raise TeamNotFound('%s was not found, or the token cannot see it (GET %s returned HTTP 404)' % (
                    ref.label[0].upper() + ref.label[1:], ref.base))
    return ref, membership_view(username, data)


def is_owner(run, ref, before):
    """Owners always read back as maintainer: decide role=member from the org role, not by guessing."""
    params, org = run.params, run.params['org']
    if not (params['state'] == 'present' and params['role'] == 'member' and before['state'] == 'active'
            and before['role'] == 'maintainer'):
        return False
    with run.step('read organization role of %s in %s' % (params['username'], org)):
        org_data = get_membership(run.client, OrgRef(org), params['username'])
    owner = bool(org_data and org_data.get('state') == 'active' and org_data.get('role') == 'admin')
    if owner:
        run.warn('%s is an owner of %s, and GitHub always reports owners as team maintainers: '
                 'role=member is treated as converged for %s' % (before['login'], org, ref.label))
    return owner


def inherited(run, ref, before, result):
    """The child team through which alone the user is a member (``None`` when a direct member)."""
    if not (run.params['state'] == 'absent' and before['state'] == 'active'):
        return None
    username = run.params['username']
    with run.step('look for child teams of %s' % ref.label):
        child = inherited_from(run.client, ref, username)
    if child is not None:
        # Also a direct member? REST cannot tell; GraphQL's immediate members can.
        with run.step('read the immediate members of %s (GraphQL)' % ref.label):
            if username.lower() in read_immediate_members(GraphQL(run.client), run.params['org'], team_slug(run.client, ref)):
                return None
        result['inherited_from'] = child.slug
        run.warn('%s is a member of %s only through its child team %s; GitHub cannot remove an '
                 'inherited membership from the parent: remove them from %s instead' % (
                     before['login'], ref.label, child.slug, child.slug))
    return child


def check(run, ref, before, plan, result):
    """Check mode promises only what apply can do: ``(plan, the state an addition gets)``."""
    new_state = None
    if before['state'] == 'absent' and run.params['state'] == 'present':
        with run.step('read %s' % ref.label):
            new_state = state_after_adding(run.client, run.params['org'], run.params['username'])
    if not (plan.changed and plan.changes[0].action == ADD and new_state != 'active'):
        result['impossible'] = []
    else:
        # A login no user has, an organization: one GET /users/{username}, as github_org_membership
        # and the list modules ask.
        username = run.params['username']
        with run.step('look up %s (GET /users/%s)' % (username, username), result):
            result['impossible'] = impossible_additions(run.client, plan.changes)
        for problem in result['impossible']:
            run.warn('%s: cannot add %s: %s' % (ref.label, problem['login'], problem['problem']))
        if result['impossible']:
            plan = plan_membership(before, 'absent', None, TEAM_ROLES)
    return plan, new_state or 'pending'


def write(run, ref, before, plan, result):
    """Make the plan's one write (GitHub refusing it for a team its identity provider manages is
    told as such); returns the membership after it."""
    username = run.params['username']
    role = None if plan.changes[0].action == REMOVE else plan.changes[0].role
    with run.step('set membership of %s in %s to %s' % (username, ref.label, role) if role
                  else 'remove %s from %s' % (username, ref.label), result, explain=lambda exc: idp_hint(exc, run.client, ref)):
        data = write_membership(run.client, ref.membership_path(username), role, adding=before['state'] == 'absent')
    return membership_after(plan, before['login'], data=data) if role else membership_after(plan, before['login'], 'pending')


def main():
    run = runner(dict(
        username=dict(type='str', required=True),
        role=dict(type='str', choices=['member', 'maintainer']),
        state=dict(type='str', default='present', choices=['present', 'absent']),
    ), logins=('username',), team=True)
    result = {}
    ref, before = read(run, run.params['username'])
    owner, child = is_owner(run, ref, before), inherited(run, ref, before, result)
    plan = plan_membership(before, run.params['state'], run.params['role'], TEAM_ROLES, owner=owner, inherited=child is not None)
    if run.check_mode:
        plan, new_state = check(run, ref, before, plan, result)
        after = membership_after(plan, before['login'], new_state)
    else:
        after = write(run, ref, before, plan, result) if plan.changed else membership_after(plan, before['login'], 'pending')
    run.report(before, after, plan.changed, membership=after, **result)


if __name__ == '__main__':
    main()
