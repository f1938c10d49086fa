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
      - It must be a plain V(http(s\)://host[:port][/path]) base, without credentials, query,
        fragment, spaces or dot-segments, or the task fails before any request.
      - If not set, the value of the E(GITHUB_API_URL) environment variable is used.
    type: str
    default: https://api.github.com
  token:
    description:
      - Token to authenticate with (a fine-grained or classic personal access token, or an
        installation access token).
      - If not set, the value of the E(GITHUB_TOKEN) environment variable is used, then E(GH_TOKEN).
      - It is never logged or returned. A token with whitespace or control characters (such as
        a trailing newline from a file) fails before any request, without being shown.
      - Give it as this option or in the environment of C(ansible-playbook), not with the
        C(environment) keyword, which ansible-core prints at C(-vvv).
      - Managing organization membership needs the C(admin:org) scope (classic) or the
        C(Members) organization permission (fine-grained and GitHub App).
      - Mutually exclusive with O(app_id), O(app_installation_id) and O(app_private_key). Which
        credentials are used is explained in the notes.
    type: str
  app_id:
    description:
      - Authenticate as a GitHub App installation instead of with a token. O(app_id) is the
        app's numeric ID or its client ID (such as V(Iv1.0123456789abcdef)).
      - O(app_id), O(app_installation_id) and O(app_private_key) are required together; any one
        not set is read from its environment variable.
      - The module signs a JSON Web Token with O(app_private_key), exchanges it once per task
        for an installation access token, and uses that token for every request.
      - If not set, the value of the E(GITHUB_APP_ID) environment variable is used.
    type: str
  app_installation_id:
    description:
      - ID of the app's installation on the organization (the number at the end of the
        installation's settings URL), for GitHub App authentication.
      - If not set, the value of the E(GITHUB_APP_INSTALLATION_ID) environment variable is used.
    type: int
  app_private_key:
    description:
      - Private key of the GitHub App, for GitHub App authentication; either the PEM text
        (C(-----BEGIN ... PRIVATE KEY-----)) or the path of the PEM file GitHub generated.
      - Encrypted keys are not supported.
      - If not set, the value of the E(GITHUB_APP_PRIVATE_KEY) environment variable is used.
      - It is never logged or returned, and neither are the JSON Web Token and the installation
        token made from it.
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
      - Seconds one HTTP request may take as a whole - connecting, the headers and the whole
        body - so a server that trickles its answer cannot hold a task longer. A request that
        takes longer fails (it is not retried); a connection that fails or times out outright is
        retried like other transient failures.
    type: int
    default: 30
  rate_limit_max_wait:
    description:
      - Longest total time in seconds to wait out primary and secondary rate limits during one
        task before failing.
      - The failure message names the limit and when it resets.
      - V(0) never waits.
      - Absurd rate-limit headers are clamped - a wait is never shorter than a second nor longer
        than an hour (GitHub's limits reset hourly) - and no wait goes beyond this budget.
    type: int
    default: 300
  write_delay:
    description:
      - Seconds to pause between mutating requests, as GitHub asks of integrations (at least one
        second) to avoid secondary rate limits.
      - Set V(0) against a local test server. At most V(3600) (an hour).
    type: float
    default: 1.0
notes:
  - Requests go from the host that runs the module, usually C(localhost); the Python library
    C(requests) must be installed there.
  - All modules of this collection belong to the action group C(gitops.github.github), so
    C(module_defaults) can set O(token) and O(api_url) once for a whole play.
  - "Credentials: an option always beats an environment variable. Setting O(token) together with
    any of O(app_id), O(app_installation_id) and O(app_private_key) is an error. Without options,
    E(GITHUB_TOKEN) (then E(GH_TOKEN)) beats the E(GITHUB_APP_ID), E(GITHUB_APP_INSTALLATION_ID)
    and E(GITHUB_APP_PRIVATE_KEY) variables. Empty values count as not set."
  - GitHub App authentication needs the Python libraries C(PyJWT) and C(cryptography) on the host
    that runs the module. The app needs the C(Members) organization permission (read and write
    to change memberships).
requirements:
  - requests >= 2.25.0
  - PyJWT >= 2.4.0 and cryptography (GitHub App authentication only)
'''

    # The organization a module acts on (the team modules use it with TEAM).
    ORG = r'''
options:
  org:
    description:
      - Login of the organization (case-insensitive).
    type: str
    required: true
'''

    # How the team modules address a team in O(org).
    TEAM = r'''
options:
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
