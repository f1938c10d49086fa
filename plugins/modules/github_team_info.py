#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) gitops.github contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: github_team_info
short_description: List the teams of a GitHub organization
version_added: 0.1.0
description:
  - Lists every team of an organization that the token can see, with its parent team, following
    every C(Link) page (100 teams a page).
author:
  - gitops.github developers (@gitops)
extends_documentation_fragment:
  - gitops.github.github
  - gitops.github.github.ORG
  - gitops.github.github.INFO_ATTRIBUTES
seealso:
  - module: gitops.github.github_team_membership_info
  - module: gitops.github.github_team_members
  - name: GitHub REST API for teams
    description: The endpoint this module uses.
    link: https://docs.github.com/en/rest/teams/teams#list-teams
'''

EXAMPLES = r'''
- name: List the teams of acme
  gitops.github.github_team_info:
    org: acme
  register: acme_teams

- name: Their slugs
  ansible.builtin.debug:
    msg: "{{ acme_teams.teams | map(attribute='slug') }}"
'''

RETURN = r'''
teams:
  description: The teams, sorted by slug.
  returned: success
  type: list
  elements: dict
  contains:
    slug:
      description: The team's slug, as in its URL.
      type: str
      sample: platform
    name:
      description: The team's name.
      type: str
      sample: Platform
    id:
      description: The team's id (for O(gitops.github.github_team_membership#module:team_id)).
      type: int
      sample: 7001
    parent:
      description: The slug of the parent team, V(null) for a top-level team.
      type: str
      sample: null
    privacy:
      description: V(closed) (visible to all members) or V(secret).
      type: str
      sample: closed
api_requests:
  description: How many HTTP requests the task sent.
  returned: success
  type: int
  sample: 1
'''

from ansible_collections.gitops.github.plugins.module_utils._module import runner
from ansible_collections.gitops.github.plugins.module_utils._resources import list_teams


def team_view(team):
    parent = team.get('parent') or {}
    return {
        'slug': team.get('slug'),
        'name': team.get('name'),
        'id': team.get('id'),
        'parent': parent.get('slug'),
        'privacy': team.get('privacy'),
    }


def main():
    run = runner(dict(org=dict(type='str', required=True)), logins=('org',))
    org = run.params['org']
    with run.step('list the teams of %s' % org):
        teams = [team_view(t) for t in list_teams(run.client, org)]
    run.exit(changed=False, teams=sorted(teams, key=lambda t: (t['slug'] or '').lower()))


if __name__ == '__main__':
    main()
