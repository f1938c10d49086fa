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

from ansible_collections.gitops.github.plugins.module_utils._http import GitHubError
from ansible_collections.gitops.github.plugins.module_utils._module import GitHubModule
from ansible_collections.gitops.github.plugins.module_utils._resources import get_own_membership, is_public, set_public


def main():
    gh = GitHubModule(
        argument_spec=dict(
            org=dict(type='str', required=True),
            username=dict(type='str'),
            state=dict(type='str', default='present', choices=['present', 'absent']),
        ),
        logins=('org', 'username'),
        needs_user=True,
    )
    params = gh.params
    org = params['org']
    client = gh.client
    want = params['state'] == 'present'
    operation = 'read the token owner (GET /user)'
    try:
        own = client.current_login()
        login = params['username'] or own
        operation = 'read public membership of %s in %s' % (login, org)
        public = is_public(client, org, login)
        before = {'login': login, 'public': public}
        after = {'login': login, 'public': want}
        changed = public != want
        if changed and login.lower() != own.lower():
            gh.fail('Cannot %s the membership of %s in %s: GitHub only lets users change their own public membership, '
                    'and this token belongs to %s' % ('publicize' if want else 'conceal', login, org, own),
                    diff=dict(before=before, after=before))
        if changed and want:
            operation = 'read own membership of %s in %s' % (own, org)
            data = get_own_membership(client, org)
            state = data.get('state') if data else 'absent'
            if state != 'active':
                gh.fail('Cannot publicize the membership of %s in %s: it is %s, not active%s' % (
                    own, org, state, '; accept the invitation first' if state == 'pending' else ''),
                    diff=dict(before=before, after=before))
        if changed and not gh.check_mode:
            operation = '%s membership of %s in %s' % ('publicize' if want else 'conceal', login, org)
            set_public(client, org, login, want)
    except GitHubError as exc:
        gh.fail_request(operation, exc)

    gh.exit(changed=changed, public=after['public'], login=login, diff=dict(before=before, after=after))


if __name__ == '__main__':
    main()
