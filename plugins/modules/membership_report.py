#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) gitops.github contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: membership_report
short_description: Write the drift report of the membership role (role-internal)
version_added: 0.1.0
author:
  - gitops.github developers (@gitops)
description:
  - Used by the C(report) entry point of the P(gitops.github.membership#role) role; not meant to be
    called directly.
  - Builds the drift report from the role's C(membership_results) with the code of the filters
    P(gitops.github.membership_drift_report#filter) and P(gitops.github.membership_drift_markdown#filter),
    writes it as JSON and Markdown on the controller, and returns it.
  - An action that runs on the controller only; this file holds its documentation.
options:
  results:
    description: The C(membership_results) fact of the role.
    type: list
    elements: dict
    default: []
  json_path:
    description:
      - Where to write the JSON report on the controller; relative to the current directory.
      - Empty to skip.
    type: str
    default: ''
  markdown_path:
    description:
      - Where to write the Markdown report on the controller; relative to the current directory.
      - Empty to skip.
    type: str
    default: ''
attributes:
  check_mode:
    description: Can run in check mode.
    support: full
    details: The files are written in check mode too; nothing on GitHub is read or changed.
  diff_mode:
    description: Returns details on what has changed.
    support: none
notes:
  - Each file is replaced atomically (a temporary file in the same directory, then a rename) with
    mode C(0644). The task never reports a change.
"""

EXAMPLES = r"""
- name: Write the drift report (what the role's report entry point does)
  gitops.github.membership_report:
    results: "{{ membership_results }}"
    json_path: membership-drift.json
    markdown_path: membership-drift.md
  register: report
"""

RETURN = r"""
report:
  description: The drift report, as P(gitops.github.membership_drift_report#filter) returns it.
  returned: success
  type: dict
lines:
  description:
    - The report for the terminal, a few plain lines - the verdict, what an apply would refuse,
      organizations that could not be checked, one line per change (at most 40) and the files
      written. A run without drift gives two lines. The full report is the Markdown file.
  returned: success
  type: list
  elements: str
written:
  description: The real paths of the files written.
  returned: success
  type: list
  elements: str
access_changes:
  description:
    - The counts of the access sections that differ, as words for the role's failure message
      (V(2 organization role changes), V(1 outside collaborator changes), V(3 team repository changes),
      V(1 removals for two-factor authentication), V(2 without two-factor authentication) where
      C(require_two_factor) is V(fail)). Empty when the data names no access key or nothing differs there.
  returned: success
  type: list
  elements: str
"""
