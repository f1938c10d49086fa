#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) gitops.github contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: github_user_membership
short_description: Accept your own pending invitation to a GitHub organization
version_added: 0.1.0
description:
  - Works on the organization membership of the user the token belongs to.
  - With O(state=active), accepts a pending invitation; an active membership is left alone.
author:
  - gitops.github developers (@gitops)
options:
  state:
    description:
      - V(active) accepts a pending invitation.
    type: str
    choices: [active]
    default: active
extends_documentation_fragment:
  - gitops.github.github
  - gitops.github.github.ORG
  - gitops.github.github.ATTRIBUTES
notes:
  - Fails when the user has neither a membership nor an invitation; an owner must invite them
    first (see M(gitops.github.github_org_membership)).
  - Accepting an invitation also adds the user to the teams the invitation named.
  - Acts as the token's own user, so it needs a user token; with GitHub App authentication
    (O(app_id)) it fails before any request, since an app installation has no user.
seealso:
  - module: gitops.github.github_org_membership
  - module: gitops.github.github_user_membership_info
  - name: GitHub REST API for your organization memberships
    description: The endpoints this module uses.
    link: https://docs.github.com/en/rest/orgs/members#update-an-organization-membership-for-the-authenticated-user
'''

EXAMPLES = r'''
- name: Accept the invitation to acme with the invitee's own token
  gitops.github.github_user_membership:
    org: acme
    state: active
  environment:
    GITHUB_TOKEN: "{{ lookup('ansible.builtin.env', 'NEW_HIRE_TOKEN') }}"
'''

RETURN = r'''
membership:
  description: The membership after the task (in check mode, as it would be).
  returned: success
  type: dict
  contains:
    org:
      description: The organization's login as GitHub spells it.
      type: str
      sample: acme
    state:
      description: V(active) or V(pending).
      type: str
      sample: active
    role:
      description: V(admin) or V(member).
      type: str
      sample: member
diff:
  description: The membership before and after, the same shape as RV(membership).
  returned: always
  type: dict
  sample: {"before": {"org": "acme", "state": "pending", "role": "member"}, "after": {"org": "acme", "state": "active", "role": "member"}}
api_requests:
  description: How many HTTP requests the task sent.
  returned: success
  type: int
  sample: 2
'''

from ansible_collections.gitops.github.plugins.module_utils._module import runner
from ansible_collections.gitops.github.plugins.module_utils._resources import OrgRef, accept_invitation, get_own_membership


def view(org, data):
    organization = data.get('organization') or {}
    return {'org': organization.get('login') or org, 'state': data.get('state'), 'role': data.get('role')}


def read(run, org):
    """The token owner's membership of ``org``; fails when there is neither one nor an invitation."""
    with run.step('read own membership of %s' % org):
        data = get_own_membership(run.client, org)
    if data is None:
        run.fail('The token owner has no membership of, and no invitation to, %s (GET %s returned HTTP 404); '
                 'an owner must invite them first' % (org, OrgRef(org).own_membership_path))
    return view(org, data)


def main():
    run = runner(dict(
        org=dict(type='str', required=True),
        state=dict(type='str', default='active', choices=['active']),
    ), logins=('org',), needs_user=True)
    org = run.params['org']
    before = read(run, org)
    after = dict(before, state='active')
    changed = before['state'] != 'active'
    if changed and not run.check_mode:
        with run.step('accept the invitation to %s' % org):
            answer = accept_invitation(run.client, org)
        after = view(org, answer) if answer else after
    run.report(before, after, changed, membership=after)


if __name__ == '__main__':
    main()
