#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) gitops.github contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: github_org_role_assignment
short_description: Assign a user or a team an organization role in GitHub, or remove it
version_added: 0.1.0
description:
  - Assigns one organization role (a predefined one such as V(security_manager) or
    V(all_repo_read), or a custom one) to one member or one team of a GitHub organization, or
    removes that assignment.
  - The role is named as C(GET /orgs/{org}/organization-roles) lists it; a name the organization
    does not have fails before any write, naming the roles it has.
  - Reads the role's whole user or team list (every page) first and writes only when the
    assignment differs from what is asked.
author:
  - gitops.github developers (@gitops)
options:
  role:
    description:
      - Name of the organization role, compared case-insensitively.
    type: str
    required: true
  username:
    description:
      - Login of the organization member to assign the role to (case-insensitive).
      - Exactly one of O(username) and O(team) is required.
    type: str
  team:
    description:
      - Slug of the team to assign the role to (case-insensitive).
    type: str
  state:
    description:
      - V(present) assigns the role directly, V(absent) removes the direct assignment.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - gitops.github.github
  - gitops.github.github.ORG
  - gitops.github.github.ATTRIBUTES
notes:
  - GitHub lists who holds a role C(direct)ly, C(indirect)ly (through a team, or a parent team
    for a team) or both (C(mixed)). This module manages the direct assignment only. With
    O(state=absent), a holder only through a team is reported (unchanged, with a warning naming
    the teams) rather than "removed" on every run; remove the team's assignment instead.
  - GitHub assigns roles to organization members only (HTTP 422 otherwise). In check mode a user
    who is not an active member is reported in RV(impossible) and not counted as a change.
  - Organization roles need an owner's token. GitHub Enterprise Server documents them from 3.16;
    where the server answers 404 the task fails saying so.
  - The C(/security-managers) endpoints GitHub is closing down are not used; security managers
    are the predefined role V(security_manager).
seealso:
  - module: gitops.github.github_org_role_info
  - name: GitHub REST API for organization roles
    description: The endpoints this module uses.
    link: https://docs.github.com/en/rest/orgs/organization-roles
'''

EXAMPLES = r'''
- name: Make alice a security manager
  gitops.github.github_org_role_assignment:
    org: acme
    role: security_manager
    username: alice

- name: Give the auditors team read access to every repository
  gitops.github.github_org_role_assignment:
    org: acme
    role: all_repo_read
    team: auditors

- name: Remove bob's custom role
  gitops.github.github_org_role_assignment:
    org: acme
    role: release-manager
    username: bob
    state: absent
'''

RETURN = r'''
assignment:
  description: The assignment after the task (in check mode, as it would be).
  returned: success
  type: dict
  contains:
    role:
      description: The role's name as GitHub spells it.
      type: str
      sample: security_manager
    role_id:
      description: The role's id in this organization.
      type: int
      sample: 138
    username:
      description: The user's login (GitHub's spelling when listed), when O(username) is given.
      type: str
      sample: alice
    team:
      description: The team's slug, when O(team) is given.
      type: str
      sample: auditors
    state:
      description: V(present) when the role is assigned directly, else V(absent).
      type: str
      sample: present
    inherited_from:
      description: Slugs of the teams through which a user holds the role (GitHub's C(inherited_from)).
      type: list
      elements: str
      sample: [security]
impossible:
  description: Check mode only. A user GitHub would refuse to assign (not an active organization member), with why.
  returned: success
  type: list
  elements: dict
  sample: [{"login": "outsider", "problem": "outsider is not an active member of acme"}]
diff:
  description: The assignment before and after, the same shape as RV(assignment).
  returned: always
  type: dict
  sample: {"before": {"role": "security_manager", "role_id": 138, "username": "alice", "state": "absent", "inherited_from": []},
           "after": {"role": "security_manager", "role_id": 138, "username": "alice", "state": "present", "inherited_from": []}}
api_requests:
  description: How many HTTP requests the task sent.
  returned: success
  type: int
  sample: 3
'''

from ansible_collections.gitops.github.plugins.module_utils._access import (
    RolesUnavailable,
    list_org_roles,
    role_holder,
    roles_unavailable,
    set_role,
)
from ansible_collections.gitops.github.plugins.module_utils._permissions import (
    assignment_view,
    find_role,
    role_name_problem,
    role_names,
)
from ansible_collections.gitops.github.plugins.module_utils._module import runner
from ansible_collections.gitops.github.plugins.module_utils._resources import OrgRef, get_membership


def find(run, org):
    """The role named by ``role``: unknown names (and a server without roles) fail before any write."""
    name = run.params['role']
    problem = role_name_problem(name)
    if problem:
        run.fail(problem)
    with run.step('read the organization roles of %s' % org):
        try:
            roles = list_org_roles(run.client, org)
        except RolesUnavailable:
            run.fail('read the organization roles of %s: %s' % (org, roles_unavailable(run.client, org)))
    role = find_role(roles, name)
    if role is None:
        run.fail('role %r is not an organization role of %s; its roles are: %s' % (name, org, ', '.join(role_names(roles))))
    return role


def read(run, org, role, kind, name):
    """The assignment as ``{role, role_id, username|team, state, inherited_from}``."""
    with run.step('read the %ss of role %s in %s' % (kind, role['name'], org)):
        found = role_holder(run.client, org, role['id'], kind, name)
    direct, through = assignment_view(found)
    shown = (found or {}).get('login' if kind == 'user' else 'slug') or name
    view = {'role': role['name'], 'role_id': role['id'], 'state': 'present' if direct else 'absent', 'inherited_from': through}
    view['username' if kind == 'user' else 'team'] = shown
    if found and not direct and run.params['state'] == 'absent':
        run.warn('%s holds role %s in %s only through %s, and GitHub removes only direct assignments: remove the '
                 "team's assignment instead" % (shown, role['name'], org, ', '.join(through) or 'a parent team'))
    return view


def impossible(run, org, kind, name, changed):
    """Check mode: a user who is not an active member cannot be assigned a role (GitHub's 422)."""
    if not (run.check_mode and changed and kind == 'user' and run.params['state'] == 'present'):
        return []
    with run.step('read membership of %s in %s' % (name, org)):
        data = get_membership(run.client, OrgRef(org), name)
    if data and data.get('state') == 'active':
        return []
    run.warn('%s: cannot assign a role to %s: not an active member' % (org, name))
    return [{'login': name, 'problem': '%s is not an active member of %s' % (name, org)}]


def main():
    run = runner(dict(org=dict(type='str', required=True), role=dict(type='str', required=True),
                      username=dict(type='str'), team=dict(type='str'),
                      state=dict(type='str', default='present', choices=['present', 'absent'])),
                 logins=('org', 'username'), slugs=('team',), mutually_exclusive=[('username', 'team')],
                 required_one_of=[('username', 'team')])
    org, kind = run.params['org'], 'user' if run.params['username'] else 'team'
    role, present = find(run, org), run.params['state'] == 'present'
    before = read(run, org, role, kind, run.params['username'] or run.params['team'])
    name = before['username' if kind == 'user' else 'team']  # GitHub's spelling when listed
    refused = impossible(run, org, kind, name, (before['state'] == 'present') != present)
    changed = (before['state'] == 'present') != present and not refused
    if changed and not run.check_mode:
        what = '%s role %s %s %s %s in %s' % ('assign' if present else 'remove', role['name'], 'to' if present else 'from',
                                              kind, name, org)
        with run.step(what, dict(assignment=before)):
            set_role(run.client, org, role['id'], kind, name, present)
    after = dict(before, state=run.params['state']) if changed else before
    run.report(before, after, changed, assignment=after, impossible=refused)


if __name__ == '__main__':
    main()
