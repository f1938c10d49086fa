# -*- coding: utf-8 -*-
# Copyright (c) gitops.github contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations


class ModuleDocFragment(object):

    # The connection options every module takes.
    DOCUMENTATION = r'''
options:
  api_url:
    description:
      - Base URL of the GitHub REST API.
      - For GitHub Enterprise Server use V(https://HOST/api/v3).
      - If not set, the value of the E(GITHUB_API_URL) environment variable is used.
    type: str
    default: https://api.github.com
  token:
    description:
      - Token to authenticate with (a fine-grained or classic personal access token, or an
        installation access token).
      - If not set, the value of the E(GITHUB_TOKEN) environment variable is used, then E(GH_TOKEN).
      - It is never logged or returned.
      - Managing organization membership needs the C(admin:org) scope (classic) or the
        C(Members) organization permission (fine-grained and GitHub App).
    type: str
  validate_certs:
    description:
      - Whether to verify the TLS certificate of O(api_url).
      - Only set this to V(false) against a test server you control; it makes the token readable
        to anyone able to intercept the connection.
    type: bool
    default: true
  ca_path:
    description:
      - PEM file with the certificate authority (or bundle) that signed the certificate of
        O(api_url), for GitHub Enterprise Server behind a private CA or a local test server.
    type: path
  timeout:
    description:
      - Seconds to wait for each HTTP request.
    type: int
    default: 30
  rate_limit_max_wait:
    description:
      - Longest total time in seconds to wait out primary and secondary rate limits during one
        task before failing.
      - The failure message names the limit and when it resets.
      - V(0) never waits.
    type: int
    default: 300
  write_delay:
    description:
      - Seconds to pause between mutating requests, as GitHub asks of integrations (at least one
        second) to avoid secondary rate limits.
      - Set V(0) against a local test server.
    type: float
    default: 1.0
notes:
  - Requests go from the host that runs the module, usually C(localhost); the Python library
    C(requests) must be installed there.
  - All modules of this collection belong to the action group C(gitops.github.github), so
    C(module_defaults) can set O(token) and O(api_url) once for a whole play.
requirements:
  - requests >= 2.25.0
'''

    # How the team modules address a team.
    TEAM = r'''
options:
  org:
    description:
      - Login of the organization (case-insensitive).
    type: str
    required: true
  team:
    description:
      - Slug of the team (as in its URL), case-insensitive.
      - Exactly one of O(team) and O(team_id) is required.
    type: str
  team_id:
    description:
      - Numeric id of the team. The organization's id is read with one extra request.
    type: int
'''

    # Shared attributes of the modules that change state.
    ATTRIBUTES = r'''
attributes:
  check_mode:
    support: full
    description: Can run in check_mode and return changed status prediction without modifying target.
  diff_mode:
    support: full
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
  idempotent:
    support: full
    description: When run twice in a row with the same arguments, the second run reports no change.
  action_group:
    support: full
    membership:
      - gitops.github.github
    description: Use C(group/gitops.github.github) in C(module_defaults) to set defaults for this module.
'''

    # Attributes of the modules that only read.
    INFO_ATTRIBUTES = r'''
attributes:
  check_mode:
    support: full
    details: This module never changes anything.
    description: Can run in check_mode and return changed status prediction without modifying target.
  diff_mode:
    support: N/A
    details: This module never changes anything.
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
  idempotent:
    support: full
    description: When run twice in a row with the same arguments, the second run reports no change.
  action_group:
    support: full
    membership:
      - gitops.github.github
    description: Use C(group/gitops.github.github) in C(module_defaults) to set defaults for this module.
'''
