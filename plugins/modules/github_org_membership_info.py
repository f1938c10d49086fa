#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) gitops.github contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: github_org_membership_info
short_description: List the members, owners and pending invitations of a GitHub organization
version_added: 0.1.0
description:
  - Lists every member of a GitHub organization with their role, reading all pages.
  - Optionally lists the pending invitations too, including failed and expired ones.
  - Never changes anything.
author:
  - gitops.github developers (@gitops)
options:
  role:
    description:
      - Only list owners (V(admin)), only plain members (V(member)), or everyone (V(all)).
      - Also filters RV(invitations) by the role they invite to.
    type: str
    choices: [all, admin, member]
    default: all
  filter:
    description:
      - V(2fa_disabled) lists only members without two-factor authentication, V(2fa_insecure)
        only members with an insecure second factor. Only organization owners may use these.
    type: str
    choices: [all, 2fa_disabled, 2fa_insecure]
    default: all
  include_invitations:
    description:
      - Also return RV(invitations), the pending invitations and the failed (including expired) ones.
      - GitHub Enterprise Server has no invitations; there RV(invitations) is empty and a warning says why.
    type: bool
    default: false
extends_documentation_fragment:
  - gitops.github.github
  - gitops.github.github.ORG
  - gitops.github.github.INFO_ATTRIBUTES
notes:
  - Reads C(GET /orgs/{org}/members) once per role (C(role=admin) and C(role=member)), so each
    member's role comes from GitHub's own filter, not from one request per user. With
    O(include_invitations=true) it also reads C(GET /orgs/{org}/invitations) and
    C(GET /orgs/{org}/failed_invitations).
seealso:
  - module: gitops.github.github_org_members
  - module: gitops.github.github_org_membership
  - name: GitHub REST API for organization members
    description: The endpoints this module uses.
    link: https://docs.github.com/en/rest/orgs/members
'''

EXAMPLES = r'''
- name: Everyone in the organization, with pending invitations
  gitops.github.github_org_membership_info:
    org: acme
    include_invitations: true
  register: acme

- name: Owners
  ansible.builtin.debug:
    msg: "{{ acme.members | selectattr('role', 'equalto', 'admin') | map(attribute='login') }}"

- name: Members without two-factor authentication
  gitops.github.github_org_membership_info:
    org: acme
    filter: 2fa_disabled
  register: no_2fa
'''

RETURN = r'''
members:
  description: The members, sorted by login (case-insensitive).
  returned: success
  type: list
  elements: dict
  contains:
    login:
      description: The login as GitHub spells it.
      type: str
      sample: Alice
    role:
      description: V(admin) (an owner) or V(member).
      type: str
      sample: member
invitations:
  description:
    - Pending invitations, then failed ones (V(failed=true)), each list in GitHub's order.
    - Empty on GitHub Enterprise Server.
  returned: when O(include_invitations=true)
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
    role:
      description:
        - The role the invitation grants, V(admin) or V(member) (GitHub's C(direct_member)); other
          GitHub roles such as C(billing_manager) are returned as they are.
      type: str
      sample: member
    created_at:
      description: When the invitation was sent (ISO 8601).
      type: str
      sample: '2026-01-05T10:00:00Z'
    failed:
      description: Whether the invitation failed (for example, it expired).
      type: bool
      sample: false
    expired:
      description: Whether the invitation failed because it expired.
      type: bool
      sample: false
    failed_reason:
      description: GitHub's reason for a failed invitation, V(null) for a pending one.
      type: str
      sample: null
api_requests:
  description: How many HTTP requests the task sent.
  returned: success
  type: int
  sample: 3
'''

from ansible_collections.gitops.github.plugins.module_utils._module import runner
from ansible_collections.gitops.github.plugins.module_utils._plan import invitation_role
from ansible_collections.gitops.github.plugins.module_utils._resources import OrgRef, list_failed_invitations, list_invitations, read_members


def read_invitations(run, ref):
    """The pending and the failed invitations (none on GHES, which has no invitations API)."""
    if run.client.is_ghes:
        run.warn('GitHub Enterprise Server has no organization invitations API; invitations is empty')
        return []
    with run.step('read the pending invitations of %s' % ref.org):
        invitations = [_invitation(inv, False) for inv in list_invitations(run.client, ref)]
    with run.step('read the failed invitations of %s' % ref.org):
        invitations += [_invitation(inv, True) for inv in list_failed_invitations(run.client, ref)]
    return [inv for inv in invitations if run.params['role'] == 'all' or inv['role'] == run.params['role']]


def main():
    run = runner(dict(
        org=dict(type='str', required=True),
        role=dict(type='str', default='all', choices=['all', 'admin', 'member']),
        filter=dict(type='str', default='all', choices=['all', '2fa_disabled', '2fa_insecure']),
        include_invitations=dict(type='bool', default=False),
    ), logins=('org',))
    params, ref = run.params, OrgRef(run.params['org'])
    roles = ['admin', 'member'] if params['role'] == 'all' else [params['role']]
    with run.step('read the members of %s' % ref.org):
        current = read_members(run.client, ref, roles, {'filter': params['filter']} if params['filter'] != 'all' else None)
    result = dict(members=[{'login': e.login, 'role': e.role} for e in sorted(current.values(), key=lambda e: e.login.lower())])
    if params['include_invitations']:
        result['invitations'] = read_invitations(run, ref)
    run.exit(changed=False, **result)


def _invitation(data, failed):
    reason = data.get('failed_reason')
    return {
        'login': data.get('login'),
        'email': data.get('email'),
        'role': invitation_role(data.get('role')),
        'created_at': data.get('created_at'),
        'failed': failed,
        'expired': bool(failed and reason and 'expire' in reason.lower()),
        'failed_reason': reason if failed else None,
    }


if __name__ == '__main__':
    main()
