#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) gitops.github contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: github_public_membership
short_description: Publicize or conceal your own membership of a GitHub organization
version_added: 0.1.0
description:
  - Makes the token owner's membership of an organization public (shown on the organization's
    people page and profile) or private.
  - GitHub lets a user change only their own public membership, so this runs with that user's token.
author:
  - gitops.github developers (@gitops)
options:
  username:
    description:
      - Login of the user. Defaults to the token's own login.
      - Any other login can be checked, but changing it fails before any write, since GitHub
        only lets users publicize or conceal their own membership.
    type: str
  state:
    description:
      - V(present) publicizes the membership, V(absent) conceals it.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - gitops.github.github
  - gitops.github.github.ORG
  - gitops.github.github.ATTRIBUTES
notes:
  - The user must be an active member of the organization; a pending invitation must be
    accepted first (see M(gitops.github.github_user_membership)).
  - Acts as the token's own user, so it needs a user token; with GitHub App authentication
    (O(app_id)) it fails before any request, since an app installation has no user.
seealso:
  - module: gitops.github.github_user_membership
  - name: GitHub REST API for public organization membership
    description: The endpoints this module uses.
    link: https://docs.github.com/en/rest/orgs/members#set-public-organization-membership-for-the-authenticated-user
'''

EXAMPLES = r'''
- name: Show my membership of acme on my profile
  gitops.github.github_public_membership:
    org: acme
  environment:
    GITHUB_TOKEN: "{{ lookup('ansible.builtin.env', 'MY_OWN_GITHUB_TOKEN') }}"

- name: Conceal it again
  gitops.github.github_public_membership:
    org: acme
    state: absent
'''

RETURN = r'''
public:
  description: Whether the membership is public after the task (in check mode, as it would be).
  returned: success
  type: bool
  sample: true
login:
  description: The login whose membership was checked.
  returned: success
  type: str
  sample: octocat
diff:
  description: Before and after, as C({login, public}).
  returned: always
  type: dict
  sample: {"before": {"login": "octocat", "public": false}, "after": {"login": "octocat", "public": true}}
api_requests:
  description: How many HTTP requests the task sent.
  returned: success
  type: int
  sample: 3
'''

from ansible_collections.gitops.github.plugins.module_utils._module import runner
from ansible_collections.gitops.github.plugins.module_utils._resources import get_own_membership, is_public, set_public


def read(run, org):
    """``(own login, {login, public})``: the token's user, and the membership asked about."""
    with run.step('read the token owner (GET /user)'):
        own = run.client.current_login()
    login = run.params['username'] or own
    with run.step('read public membership of %s in %s' % (login, org)):
        return own, {'login': login, 'public': is_public(run.client, org, login)}


def refuse(run, own, before, want, org):
    """Fail before any write when the change cannot be made: someone else's membership, or a
    membership to publicize that is not active."""
    login = before['login']
    if login.lower() != own.lower():
        run.fail('Cannot %s the membership of %s in %s: GitHub only lets users change their own public membership, '
                 'and this token belongs to %s' % ('publicize' if want else 'conceal', login, org, own),
                 diff=dict(before=before, after=before))
    if want:
        with run.step('read own membership of %s in %s' % (own, org)):
            data = get_own_membership(run.client, org)
        state = data.get('state') if data else 'absent'
        if state != 'active':
            run.fail('Cannot publicize the membership of %s in %s: it is %s, not active%s' % (
                own, org, state, '; accept the invitation first' if state == 'pending' else ''),
                diff=dict(before=before, after=before))


def main():
    run = runner(dict(
        org=dict(type='str', required=True),
        username=dict(type='str'),
        state=dict(type='str', default='present', choices=['present', 'absent']),
    ), logins=('org', 'username'), needs_user=True)
    org, want = run.params['org'], run.params['state'] == 'present'
    own, before = read(run, org)
    after = dict(before, public=want)
    changed = before['public'] != want
    if changed:
        refuse(run, own, before, want, org)
    if changed and not run.check_mode:
        with run.step('%s membership of %s in %s' % ('publicize' if want else 'conceal', before['login'], org)):
            set_public(run.client, org, before['login'], want)
    run.report(before, after, changed, public=want, login=before['login'])


if __name__ == '__main__':
    main()
