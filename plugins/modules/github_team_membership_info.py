#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) gitops.github contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: github_team_membership_info
short_description: List the maintainers, members and pending invitations of a GitHub team
version_added: 0.1.0
description:
  - Lists every member of a team with their team role, reading all pages, and marks the members
    GitHub shows only because they belong to a child team.
  - Also lists the team's pending invitations.
  - Never changes anything.
author:
  - gitops.github developers (@gitops)
options:
  role:
    description:
      - Only list maintainers (V(maintainer)), only plain members (V(member)), or everyone (V(all)).
    type: str
    choices: [all, member, maintainer]
    default: all
extends_documentation_fragment:
  - gitops.github.github
  - gitops.github.github.ORG
  - gitops.github.github.TEAM
  - gitops.github.github.INFO_ATTRIBUTES
notes:
  - Reads C(GET .../members) of the team once per role, C(GET .../invitations), and, to tell
    inherited members apart, the team's immediate members through GitHub's GraphQL API
    (C(Team.members) with C(membership=IMMEDIATE), C(POST /graphql), on GHES C(POST /api/graphql)).
  - Organization owners always read back as V(maintainer).
  - A direct member who is also in a child team is reported with RV(members[].inherited=false);
    V(true) means the user is there only through a child team.
seealso:
  - module: gitops.github.github_team_members
  - module: gitops.github.github_team_membership
  - name: GitHub REST API for team members
    description: The endpoints this module uses.
    link: https://docs.github.com/en/rest/teams/members
'''

EXAMPLES = r'''
- name: Everyone in the platform team
  gitops.github.github_team_membership_info:
    org: acme
    team: platform
  register: platform

- name: Direct maintainers
  ansible.builtin.debug:
    msg: "{{ platform.members | selectattr('role', 'equalto', 'maintainer') | rejectattr('inherited') | map(attribute='login') }}"
'''

RETURN = r'''
members:
  description: The team's members, sorted by login (case-insensitive).
  returned: success
  type: list
  elements: dict
  contains:
    login:
      description: The login as GitHub spells it.
      type: str
      sample: alice
    role:
      description: V(maintainer) or V(member).
      type: str
      sample: maintainer
    inherited:
      description: Whether the user is shown because they belong to a child team.
      type: bool
      sample: false
pending:
  description:
    - Pending invitations to the organization that include this team. Empty on GitHub Enterprise Server.
  returned: success
  type: list
  elements: dict
  contains:
    login:
      description: The invited login; V(null) for an invitation sent to an e-mail address.
      type: str
      sample: new-hire
    email:
      description: The invited e-mail address, if the invitation was sent to one.
      type: str
      sample: null
    created_at:
      description: When the invitation was sent (ISO 8601).
      type: str
      sample: '2026-01-05T10:00:00Z'
api_requests:
  description: How many HTTP requests the task sent.
  returned: success
  type: int
  sample: 5
'''

from ansible_collections.gitops.github.plugins.module_utils._module import runner
from ansible_collections.gitops.github.plugins.module_utils._graphql import GraphQL
from ansible_collections.gitops.github.plugins.module_utils._org_reader import mark_not_immediate, read_immediate_members
from ansible_collections.gitops.github.plugins.module_utils._resources import (
    list_invitations,
    read_members,
    team_ref,
    team_slug,
)


def read(run, roles):
    """``(members, pending)``: the team's members (``inherited`` told by GraphQL) and invitations."""
    client, org = run.client, run.params['org']
    with run.step('find team'):
        ref = team_ref(client, org, run.params['team'], run.params['team_id'])
    with run.step('read the members of %s' % ref.label):
        current = read_members(client, ref, roles)
    pending = []
    if not client.is_ghes:
        with run.step('read the pending invitations of %s' % ref.label):
            pending = [{'login': inv.get('login'), 'email': inv.get('email'), 'created_at': inv.get('created_at')}
                       for inv in list_invitations(client, ref)]
    if current:
        # REST lists members through child teams too; GraphQL's immediate members tell them apart.
        with run.step('read the immediate members of %s (GraphQL)' % ref.label):
            mark_not_immediate(current, read_immediate_members(GraphQL(client), org, team_slug(client, ref)))
    return current, pending


def main():
    run = runner(dict(
        role=dict(type='str', default='all', choices=['all', 'member', 'maintainer']),
    ), team=True)
    current, pending = read(run, ['maintainer', 'member'] if run.params['role'] == 'all' else [run.params['role']])
    members = [{'login': e.login, 'role': e.role, 'inherited': e.inherited}
               for e in sorted(current.values(), key=lambda e: e.login.lower())]
    run.exit(changed=False, members=members, pending=pending)


if __name__ == '__main__':
    main()
