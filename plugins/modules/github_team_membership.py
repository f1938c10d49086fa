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

from ansible_collections.gitops.github.plugins.module_utils._http import GitHubError
from ansible_collections.gitops.github.plugins.module_utils._module import GitHubModule
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


def main():
    gh = GitHubModule(
        argument_spec=dict(
            username=dict(type='str', required=True),
            role=dict(type='str', choices=['member', 'maintainer']),
            state=dict(type='str', default='present', choices=['present', 'absent']),
        ),
        logins=('username',),
        team=True,
    )
    params = gh.params
    org, username = params['org'], params['username']
    client = gh.client
    result = {}
    operation = 'find team'
    writing = False
    try:
        ref = team_ref(client, org, params['team'], params['team_id'])
        path = ref.membership_path(username)
        operation = 'read membership of %s in %s' % (username, ref.label)
        data = get_membership(client, ref, username)
        if data is None:
            operation = 'read %s' % ref.label
            if not exists(client, ref):
                raise TeamNotFound('%s was not found, or the token cannot see it (GET %s returned HTTP 404)' % (
                    ref.label[0].upper() + ref.label[1:], ref.base))
        before = membership_view(username, data)

        owner = False
        if (params['state'] == 'present' and params['role'] == 'member' and before['state'] == 'active'
                and before['role'] == 'maintainer'):
            # Owners always read back as maintainer: decide from the org role, not by guessing.
            operation = 'read organization role of %s in %s' % (username, org)
            org_data = get_membership(client, OrgRef(org), username)
            owner = bool(org_data and org_data.get('state') == 'active' and org_data.get('role') == 'admin')
            if owner:
                gh.warn('%s is an owner of %s, and GitHub always reports owners as team maintainers: '
                        'role=member is treated as converged for %s' % (before['login'], org, ref.label))

        child = None
        if params['state'] == 'absent' and before['state'] == 'active':
            operation = 'look for child teams of %s' % ref.label
            child = inherited_from(client, ref, username)
            if child is not None:
                # Also a direct member? REST cannot tell; GraphQL's immediate members can.
                operation = 'read the immediate members of %s (GraphQL)' % ref.label
                if username.lower() in read_immediate_members(GraphQL(client), org, team_slug(client, ref)):
                    child = None
            if child is not None:
                result['inherited_from'] = child.slug
                gh.warn('%s is a member of %s only through its child team %s; GitHub cannot remove an '
                        'inherited membership from the parent: remove them from %s instead' % (
                            before['login'], ref.label, child.slug, child.slug))

        new_state = None
        if before['state'] == 'absent' and params['state'] == 'present' and gh.check_mode:
            new_state = state_after_adding(client, org, username)
        plan = plan_membership(before, params['state'], params['role'], TEAM_ROLES, owner=owner,
                               inherited=child is not None)

        if plan.changed and gh.check_mode and plan.changes[0].action == ADD and new_state != 'active':
            # Check mode promises only what apply can do (a login no user has, an organization):
            # one GET /users/{username}, as github_org_membership and the list modules ask.
            operation = 'look up %s (GET /users/%s)' % (username, username)
            result['impossible'] = impossible_additions(client, plan.changes)
            for problem in result['impossible']:
                gh.warn('%s: cannot add %s: %s' % (ref.label, problem['login'], problem['problem']))
            if result['impossible']:
                plan = plan_membership(before, 'absent', None, TEAM_ROLES)
        elif gh.check_mode:
            result['impossible'] = []
        after = membership_after(plan, before['login'], new_state or 'pending')
        if plan.changed and not gh.check_mode:
            role = None if plan.changes[0].action == REMOVE else plan.changes[0].role
            operation = ('set membership of %s in %s to %s' % (username, ref.label, role) if role
                         else 'remove %s from %s' % (username, ref.label))
            writing = True
            data = write_membership(client, path, role, adding=before['state'] == 'absent')
            writing = False
            if role:
                after = membership_after(plan, before['login'], data=data)
    except TeamNotFound as exc:
        gh.fail(str(exc), membership=membership_view(username))
    except GitHubError as exc:
        hint = idp_hint(exc, client, ref) if writing else None
        if hint:
            result['managed_externally'] = True
        gh.fail_request('%s: %s' % (operation, hint) if hint else operation, exc, **result)

    result.update(changed=plan.changed, membership=after, diff=dict(before=before, after=after))
    gh.exit(**result)


if __name__ == '__main__':
    main()
