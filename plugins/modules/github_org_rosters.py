#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) gitops.github contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: github_org_rosters
short_description: Converge many GitHub organizations in one task, side by side where their tokens differ
version_added: 0.1.0
description:
  - Runs M(gitops.github.github_org_roster) for every organization of O(organizations) or of
    O(membership_file) in one task, and returns what a loop of M(gitops.github.github_org_roster)
    over them returns (RV(results), one per organization, in their order, each with its C(item)).
  - Organizations whose credentials differ (O(tokens), or GitHub App installations) run at the
    same time, at most O(workers) at once. Organizations that share credentials run one after
    another in one worker, following GitHub's guidance to make the requests of one caller
    serially, not concurrently, and to pause at least a second between writes (O(write_delay),
    kept across organizations too). A rate limit is waited out per organization as in
    M(gitops.github.github_org_roster) (C(retry-after), C(x-ratelimit-reset), within
    O(rate_limit_max_wait)).
  - One organization's failure (bad data, a guard refusal, an error of GitHub's) does not stop
    the others. The task fails after all of them ran, its RV(msg) naming each failed organization
    with its message; each result holds the same C(failed), C(msg) and C(changes) as one task of
    M(gitops.github.github_org_roster) for that organization.
  - Check mode and diff mode work as in M(gitops.github.github_org_roster); the diff of every
    organization that changes is shown.
  - Runs in the controller's process when the task's connection is C(local) (the normal case,
    and the role's); on any other connection (or with C(gitops_github_engine=module)) it runs the
    module M(gitops.github.github_org_roster) on the target once per organization, one after
    another.
author:
  - gitops.github developers (@gitops)
options:
  organizations:
    description:
      - The organization entries, as the role P(gitops.github.membership#role) takes them in
        C(membership_orgs), that is C(org) and the options of M(gitops.github.github_org_roster)
        such as O(gitops.github.github_org_roster#module:owners),
        O(gitops.github.github_org_roster#module:members) and O(gitops.github.github_org_roster#module:teams).
      - Exactly one of O(organizations) and O(membership_file) is required. An organization listed
        twice, in any case, fails before any request.
    type: list
    elements: dict
  membership_file:
    description:
      - Path of a membership file (its top level a mapping with C(membership_orgs)), read on the
        controller as M(gitops.github.github_org_roster) reads it (vault works; alias bombs and
        oversized files are refused); every organization of the file is converged.
      - The file is checked as a whole before any request; each result's C(item) is then only
        C({org}), the data is not echoed back.
    type: path
  tokens:
    description:
      - A token per organization, a mapping of organization login (any case) to token. An
        organization that is not a key uses O(token) (or E(GITHUB_TOKEN), or the GitHub App
        options), as M(gitops.github.github_org_roster) does.
      - A key that names no organization of the task, or two keys that name one organization in
        two cases, fail before any request. The tokens are never logged or returned.
      - Two tokens of the same GitHub user still count as two callers here; GitHub counts its
        secondary rate limits per user, so give one user's organizations one token.
    type: dict
  workers:
    description:
      - The most organizations converged at the same time (each with other credentials). V(1)
        converges them one after another.
    type: int
    default: 4
  return_current:
    description:
      - Return C(current), the whole organization after the task, in each result.
    type: bool
    default: false
extends_documentation_fragment:
  - gitops.github.github
  - gitops.github.github.ATTRIBUTES
notes:
  - The same per-organization options cannot be set both at the task level and in an
    organization's entry; only the connection options and O(return_current) are set at the task
    level, for every organization. An entry of O(organizations) that sets a connection option
    (O(token), O(api_url), O(validate_certs), O(ca_path), the GitHub App options, O(timeout),
    O(rate_limit_max_wait), O(write_delay)) fails before any request, naming the key.
  - Organizations that share credentials are one caller whatever the spelling of O(api_url).
    O(write_delay) must be a finite number of seconds, at most 3600.
  - Another way to converge many organizations is one inventory host per organization with the
    C(local) connection and M(gitops.github.github_org_roster), run with C(--forks); see the
    role's README (I(Many organizations)). Ansible's forks know nothing of tokens, so give every
    host its own token there, or organizations that share one run side by side.
  - The async keyword is not supported.
seealso:
  - module: gitops.github.github_org_roster
  - name: Best practices for using the REST API
    description: GitHub's guidance on concurrent requests and pauses between writes.
    link: https://docs.github.com/rest/guides/best-practices-for-using-the-rest-api
  - name: Rate limits for the REST API
    description: Primary and secondary rate limits, and what to do when one is hit.
    link: https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api
'''

EXAMPLES = r'''
- name: Converge every organization of the file, each with its own token, four at a time
  gitops.github.github_org_rosters:
    membership_file: membership.yml
    tokens: "{{ vault_org_tokens }}"  # organization -> token, from a vaulted vars file
  register: rosters

- name: The same organizations from a variable, sharing one token (one after another)
  gitops.github.github_org_rosters:
    organizations: "{{ membership_orgs }}"
    token: "{{ vault_github_token }}"

- name: Show what changed per organization
  ansible.builtin.debug:
    msg: "{{ rosters.results | map(attribute='item.org') | zip(rosters.results | map(attribute='changed')) }}"
'''

RETURN = r'''
results:
  description:
    - One result per organization, in the order of O(organizations) or of the file, as a loop of
      M(gitops.github.github_org_roster) registers them; see that module for the keys.
    - Each has C(item) (the organization's entry, or C({org}) from O(membership_file)).
  returned: always
  type: list
  elements: dict
  sample: [{item: {org: acme}, changed: false, changes: [], failed: false}]
msg:
  description: Each failed organization with its message.
  returned: failure
  type: str
  sample: '1 of 3 organizations failed: acme-labs: Refusing to remove 12 of 40 members'
'''

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.gitops.github.plugins.module_utils._module import github_argument_spec


def argument_spec():
    spec = github_argument_spec()
    spec.update(
        organizations=dict(type='list', elements='dict'),
        membership_file=dict(type='path'),
        tokens=dict(type='dict', no_log=True),
        workers=dict(type='int', default=4),
        return_current=dict(type='bool', default=False),
    )
    return spec


def main():
    # The action plugin does the work (it runs github_org_roster once per organization): this is
    # reached only when the module is sent to a target by hand.
    module = AnsibleModule(argument_spec(), supports_check_mode=True,
                           mutually_exclusive=[('organizations', 'membership_file')],
                           required_one_of=[('organizations', 'membership_file')])
    module.fail_json(msg='github_org_rosters runs through its action plugin; use gitops.github.github_org_roster '
                         'on a target')


if __name__ == '__main__':
    main()
