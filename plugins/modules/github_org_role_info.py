#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) gitops.github contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: github_org_role_info
short_description: List a GitHub organization's roles and who holds each
version_added: 0.1.0
description:
  - Lists the organization roles of a GitHub organization (predefined ones such as
    V(security_manager) and V(all_repo_read), and custom ones) with the users and teams each is
    assigned to, directly or through a team.
  - Reads C(GET /orgs/{org}/organization-roles) and, for each role, its user and team lists,
    every page. Never changes anything.
author:
  - gitops.github developers (@gitops)
options:
  role:
    description:
      - Only this role (its name, compared case-insensitively). A name the organization does not
        have fails, naming the roles it has.
      - All roles when not set.
    type: str
extends_documentation_fragment:
  - gitops.github.github
  - gitops.github.github.ORG
  - gitops.github.github.INFO_ATTRIBUTES
notes:
  - Organization roles need an owner's token. GitHub Enterprise Server documents them from 3.16;
    where the server answers 404 the task fails saying so.
seealso:
  - module: gitops.github.github_org_role_assignment
  - name: GitHub REST API for organization roles
    description: The endpoints this module uses.
    link: https://docs.github.com/en/rest/orgs/organization-roles
'''

EXAMPLES = r'''
- name: Who holds which organization role
  gitops.github.github_org_role_info:
    org: acme
  register: roles

- name: Show the security managers
  ansible.builtin.debug:
    msg: "{{ (roles.roles | selectattr('name', 'equalto', 'security_manager') | first).users | map(attribute='login') }}"

- name: Only one role
  gitops.github.github_org_role_info:
    org: acme
    role: all_repo_read
'''

RETURN = r'''
roles:
  description: The organization's roles, sorted by name, each with its holders.
  returned: success
  type: list
  elements: dict
  contains:
    id:
      description: The role's id in this organization.
      type: int
      sample: 138
    name:
      description: The role's name.
      type: str
      sample: security_manager
    description:
      description: GitHub's description of the role.
      type: str
      sample: Manage security policies, security alerts, and security configurations for an organization and all its repositories.
    source:
      description: V(Predefined), V(Organization) or V(Enterprise), when GitHub says.
      type: str
      sample: Predefined
    base_role:
      description: The repository role the organization role includes, when it has one.
      type: str
      sample: read
    users:
      description:
        - The users holding the role. C(assignment) is V(direct), V(indirect) (through a team) or
          V(mixed); C(inherited_from) names those teams.
      type: list
      elements: dict
      sample: [{"login": "alice", "assignment": "direct", "inherited_from": []}]
    teams:
      description: The teams holding the role; V(indirect) ones through a parent team.
      type: list
      elements: dict
      sample: [{"slug": "security", "assignment": "direct"}]
api_requests:
  description: How many HTTP requests the task sent.
  returned: success
  type: int
  sample: 5
'''

from ansible_collections.gitops.github.plugins.module_utils._access import (
    RolesUnavailable,
    list_org_roles,
    role_teams,
    role_users,
    roles_unavailable,
)
from ansible_collections.gitops.github.plugins.module_utils._permissions import find_role, role_name_problem, role_names
from ansible_collections.gitops.github.plugins.module_utils._module import runner


def roles_of(run, org):
    """The roles asked for: every one, or the one named by ``role``."""
    wanted = run.params['role']
    if wanted is not None and role_name_problem(wanted):
        run.fail(role_name_problem(wanted))
    with run.step('read the organization roles of %s' % org):
        try:
            roles = list_org_roles(run.client, org)
        except RolesUnavailable:
            run.fail('read the organization roles of %s: %s' % (org, roles_unavailable(run.client, org)))
    if wanted is None:
        return sorted(roles, key=lambda r: r['name'].lower())
    role = find_role(roles, wanted)
    if role is None:
        run.fail('role %r is not an organization role of %s; its roles are: %s' % (wanted, org, ', '.join(role_names(roles))))
    return [role]


def role_view(run, org, role):
    with run.step('read the holders of role %s in %s' % (role['name'], org)):
        users, teams = role_users(run.client, org, role['id']), role_teams(run.client, org, role['id'])
    view = dict((key, role.get(key)) for key in ('id', 'name', 'description', 'source', 'base_role'))
    view['users'] = [{'login': u['login'], 'assignment': u.get('assignment'),
                      'inherited_from': [t.get('slug') for t in u.get('inherited_from') or [] if isinstance(t, dict)]}
                     for u in users]
    view['teams'] = [{'slug': t['slug'], 'assignment': t.get('assignment')} for t in teams]
    return view


def main():
    run = runner(dict(org=dict(type='str', required=True), role=dict(type='str')), logins=('org',))
    org = run.params['org']
    run.exit(changed=False, roles=[role_view(run, org, role) for role in roles_of(run, org)])


if __name__ == '__main__':
    main()
