# -*- coding: utf-8 -*-
# Copyright (c) gitops.github contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
name: membership_orgs
author: gitops.github developers (@gitops)
version_added: 0.2.0
short_description: The organizations of a membership file, without loading its data into variables
description:
  - Returns one C({org}) mapping per entry of the C(membership_orgs) list of a membership file, in
    order, for a loop of M(gitops.github.github_org_roster) tasks that each take their entry from
    the file themselves (O(gitops.github.github_org_roster#module:membership_file)). The role
    P(gitops.github.membership#role) loops over it when given O(gitops.github.membership#role:main:membership_file).
  - The file is read on the controller through Ansible's data loader (vaulted files and values
    work), with the refusals of the roster's reader (size, YAML alias bombs, duplicate keys). The
    tasks of the loop, which run in the same worker process, do not read it again.
  - The whole file is checked before the first task sends a request, with the messages of the
    role's data check (P(gitops.github.membership_problems#filter)), and every key of an entry and
    of its teams must be an option of M(gitops.github.github_org_roster); otherwise the lookup
    fails with C(Invalid membership data) and every problem found.
options:
  _terms:
    description: The path of the membership file (relative paths are relative to the playbook's directory).
    required: true
    type: list
    elements: path
'''

EXAMPLES = r'''
- name: Each organization of a membership file, each task reading its own entry
  gitops.github.github_org_roster:
    org: "{{ item.org }}"
    membership_file: "{{ membership_file }}"
  loop: "{{ query('gitops.github.membership_orgs', membership_file) }}"
'''

RETURN = r'''
_raw:
  description: One C({org}) mapping per organization of the file.
  type: list
  elements: dict
'''

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase

from ansible_collections.gitops.github.plugins.filter.membership import membership_problems
from ansible_collections.gitops.github.plugins.plugin_utils._controller import (
    EngineError,
    membership_orgs,
    org_names,
    unknown_keys,
)
from ansible_collections.gitops.github.plugins.plugin_utils._membership_file import MembershipFileError


class LookupModule(LookupBase):

    def run(self, terms, variables=None, **kwargs):
        found = []
        for path in terms:
            try:
                orgs = membership_orgs(path, self._loader)
            except MembershipFileError as exc:
                raise AnsibleLookupError(exc.message) from None
            # The role's data check, before the first task of the loop sends anything.
            problems = unknown_keys(orgs) + membership_problems(orgs)
            if problems:
                raise AnsibleLookupError('Invalid membership data: %s' % '; '.join(problems))
            try:
                found.extend({'org': name} for name in org_names(path, orgs))
            except EngineError as exc:
                raise AnsibleLookupError(str(exc)) from None
        return found
