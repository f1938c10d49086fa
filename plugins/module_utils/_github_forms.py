# -*- coding: utf-8 -*-
# Copyright (c) gitops.github contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The one place that lists the real forms of GitHub's answers the collection reads meaning from.

Every decision the collection takes on a message, a header or a status comes from this file, and
every form here comes from GitHub's documentation or a publicly recorded exchange, named next to
it. Where several real forms exist, each is listed; tests (tests/unit/plugins/module_utils/
test_github_forms.py) replay each one, and the simulator (simulator/ghsim) can produce each.
Prefer structure (a status, a header, a read of another endpoint) over wording: wording changes.
"""

from __future__ import annotations

import re

# --------------------------------------------------------------------------- rate limits
# GitHub, "Troubleshooting the REST API" > "Rate limit errors"
# (https://docs.github.com/rest/using-the-rest-api/troubleshooting-the-rest-api#rate-limit-errors):
#   "If you exceed your primary rate limit, you will receive a 403 Forbidden or 429 Too Many
#    Requests response, and the x-ratelimit-remaining header will be 0. If you exceed a secondary
#    rate limit, you will receive a 403 Forbidden or 429 Too Many Requests response and an error
#    message that indicates that you exceeded a secondary rate limit."
#   Waits: retry-after when present; else x-ratelimit-reset when x-ratelimit-remaining is 0; else
#   at least one minute.
# Octokit's throttling plugin classifies the same way (octokit/plugin-throttling.js src/index.ts):
# secondary when the message matches /\bsecondary rate\b/i, primary when x-ratelimit-remaining is
# "0", anything else is not a rate limit (a 403 is then an ordinary error).
RATE_LIMIT_STATUSES = (403, 429)

# Real messages that say "secondary limit" (matched case-insensitively as substrings):
SECONDARY_RATE_LIMIT_MESSAGES = (
    # Current wording, 403 (and 429), e.g. quoted in hisxo/gitGraber#41, apache/devlake#1322,
    # app-sre/github-mirror#62 and octokit/plugin-throttling.js#437:
    #   "You have exceeded a secondary rate limit. Please wait a few minutes before you try again."
    # and, with a request id, in github-changelog-generator/github-changelog-generator#993:
    #   "... If you reach out to GitHub Support for help, please include the request ID FA2D:...".
    'secondary rate limit',
    # Older wording (before 2021), quoted in jcabi/jcabi-github#1325, github-tools/github#487,
    # github-changelog-generator/github-changelog-generator#919:
    #   "You have triggered an abuse detection mechanism. Please wait a few minutes before you try again."
    # and its oldest form, in petabridge/akka-bootcamp#133 and inaka/erlang-github#27:
    #   "You have triggered an abuse detection mechanism and have been temporarily blocked from
    #    calling the API. Please retry your request again later."
    'abuse detection mechanism',
)
_SECONDARY_RE = re.compile('|'.join(re.escape(m) for m in SECONDARY_RATE_LIMIT_MESSAGES), re.IGNORECASE)

# Primary-limit messages, for reference only: the decision is x-ratelimit-remaining == "0", never
# this text. "API rate limit exceeded for user ID 1234." (ghuser-io/db#2), "API rate limit exceeded
# for installation ID 1234." (KnpLabs/php-github-api#1070), and for unauthenticated callers
# "API rate limit exceeded for 203.0.113.1. (But here's the good news: Authenticated requests get
# a higher rate limit. ...)".
PRIMARY_RATE_LIMIT_MESSAGE_PREFIX = 'API rate limit exceeded for'

# Without retry-after and without an exhausted quota, GitHub asks for "at least one minute".
SECONDARY_FALLBACK_WAIT = 60


def is_secondary_rate_limit_message(message: str | None) -> bool:
    """Whether GitHub's ``message`` is one of the real secondary-limit wordings above."""
    return bool(_SECONDARY_RE.search(message or ''))


# --------------------------------------------------------------------------- externally managed teams
# A write of the members of a team whose members come from an identity provider fails with 403.
# GitHub documents the status, not the text: "403 Forbidden if team synchronization is set up"
# (OpenAPI, PUT /orgs/{org}/teams/{team_slug}/memberships/{username}; tests/data/github-openapi/).
# Real messages:
IDP_TEAM_MESSAGES = (
    # Enterprise Managed Users, a team connected to an external group; quoted in
    # integrations/terraform-provider-github#2079 (PUT .../memberships/...: 403):
    #   "You cannot create or update members for an external group backed team since they are
    #    managed by <IdP>"
    'external group backed team',
)
_IDP_RE = re.compile('|'.join(re.escape(m) for m in IDP_TEAM_MESSAGES), re.IGNORECASE)
# "... since they are managed by <name>": the IdP GitHub names, when it names one.
_MANAGED_BY_RE = re.compile(r'managed by\s+(.+?)\s*\.?\s*$', re.IGNORECASE)

# The structural check, used after any 403 on a team-membership write since the wording may
# change or be missing (team synchronization's own 403 text is not recorded publicly):
# - team synchronization (GitHub Enterprise Cloud with SAML SSO): "List IdP groups for a team",
#   GET /orgs/{org}/teams/{team_slug}/team-sync/group-mappings
#   (https://docs.github.com/rest/teams/team-sync#list-idp-groups-for-a-team), answers
#   {"groups": [{"group_id": "...", "group_name": "...", "group_description": "..."}]};
# - Enterprise Managed Users: "List a connection between an external group and a team",
#   GET /orgs/{org}/teams/{team_slug}/external-groups
#   (https://docs.github.com/rest/teams/external-groups#list-a-connection-between-an-external-group-and-a-team),
#   answers {"groups": [{"group_id": 123, "group_name": "...", "updated_at": "..."}]}.
# Neither endpoint is in the OpenAPI extract in tests/data/github-openapi/ (it holds membership
# operations only); the shapes above are GitHub's documented examples. An organization without
# the feature answers 403 or 404 there: that means "not shown as managed", never a failure.
TEAM_SYNC_GROUPS_PATH = '/team-sync/group-mappings'
EXTERNAL_GROUPS_PATH = '/external-groups'


def idp_message_names_team(message: str | None) -> bool:
    """Whether a 403 message is one of the real "this team is managed by your IdP" wordings."""
    return bool(_IDP_RE.search(message or ''))


def idp_name_from_message(message: str | None) -> str | None:
    """The IdP GitHub names in "... managed by <name>", or ``None``."""
    if not idp_message_names_team(message):
        return None
    match = _MANAGED_BY_RE.search(message or '')
    return match.group(1) if match else None


def group_names(data: object) -> list[str]:
    """The IdP group names in a team-sync or external-groups answer (``{"groups": [...]}``)."""
    groups = data.get('groups') if isinstance(data, dict) else None
    names: list[str] = []
    for group in groups if isinstance(groups, list) else []:
        if isinstance(group, dict) and isinstance(group.get('group_name'), str) and group['group_name']:
            names.append(group['group_name'])
        elif isinstance(group, dict) and group.get('group_id') is not None:
            names.append(str(group['group_id']))
    return names


# --------------------------------------------------------------------------- invitations
# GitHub allows an organization 50 invitations in 24 hours, 500 when it is older than a month or on
# a paid plan (docs.github.com, "Inviting users to join your organization"). Past it, creating an
# invitation answers 422 with the error item
#   {"resource": "OrganizationInvitation", "code": "unprocessable", "field": "data",
#    "message": "Over invitation rate limit"}
# (the body is "Validation Failed" with that item; _http joins them into
# "Validation Failed (Over invitation rate limit)"). No issue thread of the search corpus quotes the
# exchange; the form is the one public clients of the API match on, e.g. GitHub Actions that invite
# by e-mail and label the request "retry" on exactly this errors[].message, with that resource,
# code and field in their recorded test error. Decided on the 422 and the words
# "invitation rate limit", case-insensitively: it means "defer", never a failure.
INVITATION_LIMIT_MESSAGES = ('invitation rate limit',)
#
# Failed invitations (GET /orgs/{org}/failed_invitations): "The return hash contains failed_at and
# failed_reason fields" (OpenAPI, orgs/list-failed-invitations; failed_reason a free string). Issue
# 18 lists GitHub's reasons: expired, no_more_seats, trade_controls, already_accepted,
# invalid_generic. Only "expired" is fixed by a retry (_plan_org.RETRYABLE_FAILURES). A failed
# record is deleted with DELETE /orgs/{org}/invitations/{invitation_id} before the invitation is
# sent again, as Peribolos does (kubernetes-sigs/prow PR #712, "clean up failed org invitations
# before re-inviting": the record would block the new invitation; 404 there means already gone).
#
# GET /user/{account_id} (OpenAPI users/get-by-id, "Get a user using their ID"): the public user
# whose durable id this is, whatever their login now; 404 when no account has it.


# An e-mail invitation to an address that belongs to a member answers 422 with the error item
#   {"resource": "OrganizationInvitation", "code": "unprocessable", "field": "data",
#    "message": "A user with this email addresss is already a part of this organization"}
# (quoted in github/rest-api-description#4109, a POST /orgs/{org}/invitations exchange; GitHub's
# own spelling, "addresss"; tests/data/recordings/quoted.json, id validation-failed-422-with-status).
# Public clients that invite by e-mail match the same words with one "s", and one of them reports
# from a real run that no e-mail is sent. An invitation by id to a member answers "Invitee is
# already a part of this organization" (public client tests mock that item with the same resource,
# code and field). Decided on the 422 and "already a part of this organization", case-insensitively:
# the address's invitation was accepted (GitHub then lists the person by login only), so the entry
# is reported, never retried as a failure that blocks the later writes.
ALREADY_MEMBER_MESSAGES = ('already a part of this organization',)


def is_already_member(status, message):
    """Whether a failed invitation is GitHub's "... is already a part of this organization" (a 422)."""
    text = (message or '').lower()
    return status == 422 and any(m in text for m in ALREADY_MEMBER_MESSAGES)


def is_invitation_limit(status, message):
    """Whether a failed write is GitHub's "Over invitation rate limit" (a 422)."""
    text = (message or '').lower()
    return status == 422 and any(m in text for m in INVITATION_LIMIT_MESSAGES)


# --------------------------------------------------------------------------- other forms
# GET /orgs/{org}/members/{username} for a caller who is not an org member: 302 with
# Location: <api>/orgs/{org}/public_members/{username} (OpenAPI example
# "https://api.github.com/orgs/github/public_members/pezra"). The collection never follows it;
# it reads the memberships endpoints instead.
#
# 404 bodies: {"message": "Not Found", "documentation_url": "https://docs.github.com/rest/..."}
# (OpenAPI components/responses/not_found, basic-error); current github.com adds "status": "404"
# (seen in github/rest-api-description#4109 for a 422). The collection decides on the status only.
#
# 422 "organization given as a user": the OpenAPI documents "422 Unprocessable Entity if you
# attempt to add an organization to a team" with no body schema, and validation-error
# ({"message": "Validation Failed", "errors": [...]}) on PUT /orgs/{org}/memberships/{username}.
# The collection decides on the status only and repeats GitHub's message.

# --------------------------------------------------------------------------- teams themselves
# The collection decides on structure here, never on a message:
# - Enterprise teams: GitHub's OpenAPI gives team objects a "type" of "enterprise" or
#   "organization", and GET /orgs/{org}/teams a "team_type" filter (all | enterprise |
#   organization); GitHub's changelog "Enterprise team support in organization APIs" (2026-02-23)
#   lists them there. Writes to one through the organization API fail (422 on a delete, 403 on its
#   members: kubernetes-sigs/prow#710, which skips them by that field). No wording is recorded.
ENTERPRISE_TEAM_TYPE = 'enterprise'
# - A child team created by a GitHub App under a parent the app did not create lands at the root
#   pending approval, and the 201 answer's "parent" is null (integrations/terraform-provider-github
#   #1167; #1449 sets the parent afterwards with PATCH /orgs/{org}/teams/{team_slug}).
# - Secret teams: "Secret teams cannot be nested under parent teams or have child teams" (GitHub
#   docs, "About teams"); the privacy parameter of POST /orgs/{org}/teams: "For a parent or child
#   team: closed", default secret for a non-nested team. GitHub answers 422 (validation failed);
#   its wording is not recorded publicly, so the plan refuses such a tree before any write.
# - Slugs: "To create the slug, GitHub replaces special characters in the name string, changes all
#   words to lowercase, and replaces spaces with a - separator. For example, "My TEam Näme" would
#   become my-team-name." (OpenAPI, GET /orgs/{org}/teams/{team_slug}).
