#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) gitops.github contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: github_user_membership_info
short_description: List the organization memberships of the token's own user
version_added: 0.1.0
description:
  - Lists the organizations the user the token belongs to is a member of or invited to, with the
    state and role of each membership, reading all pages.
  - Never changes anything.
author:
  - gitops.github developers (@gitops)
options:
  state:
    description:
      - Only list V(active) memberships, or only V(pending) invitations. If not set, both.
    type: str
    choices: [active, pending]
extends_documentation_fragment:
  - gitops.github.github
  - gitops.github.github.INFO_ATTRIBUTES
notes:
  - Reads C(GET /user/memberships/orgs). A fine-grained token only sees the organizations it was
    granted.
  - Acts as the token's own user, so it needs a user token; with GitHub App authentication
    (O(app_id)) it fails before any request, since an app installation has no user.
seealso:
  - module: gitops.github.github_user_membership
  - name: GitHub REST API for organization members
    description: The endpoint this module uses.
    link: https://docs.github.com/en/rest/orgs/members
'''

EXAMPLES = r'''
- name: Invitations waiting for the token's user
  gitops.github.github_user_membership_info:
    state: pending
  register: invites

- name: Accept them all
  gitops.github.github_user_membership:
    org: "{{ item.org }}"
    state: active
  loop: "{{ invites.memberships }}"
'''

RETURN = r'''
memberships:
  description: The memberships, sorted by organization (case-insensitive).
  returned: success
  type: list
  elements: dict
  contains:
    org:
      description: The organization's login as GitHub spells it.
      type: str
      sample: acme
    state:
      description: V(active) or V(pending) (invited, not accepted yet).
      type: str
      sample: active
    role:
      description: V(admin) (an owner), V(member), or another role GitHub reports such as V(billing_manager).
      type: str
      sample: member
api_requests:
  description: How many HTTP requests the task sent.
  returned: success
  type: int
  sample: 1
'''

from ansible_collections.gitops.github.plugins.module_utils._module import runner
from ansible_collections.gitops.github.plugins.module_utils._resources import list_own_memberships


def main():
    run = runner(dict(
        state=dict(type='str', choices=['active', 'pending']),
    ), needs_user=True)
    with run.step('read the organization memberships of the token owner'):
        memberships = [{'org': (m.get('organization') or {}).get('login'), 'state': m.get('state'), 'role': m.get('role')}
                       for m in list_own_memberships(run.client, run.params['state'])]
    memberships.sort(key=lambda m: (m['org'] or '').lower())
    run.exit(changed=False, memberships=memberships)


if __name__ == '__main__':
    main()
