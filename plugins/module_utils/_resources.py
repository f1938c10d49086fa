# -*- coding: utf-8 -*-
# Copyright (c) gitops.github contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Finding a team by slug or id, and its child teams (whose members GitHub shows on the parent)."""

from __future__ import annotations

from ansible_collections.gitops.github.plugins.module_utils._http import GitHubError, quote_segment
from ansible_collections.gitops.github.plugins.module_utils._github_forms import (
    EXTERNAL_GROUPS_PATH,
    TEAM_SYNC_GROUPS_PATH,
    group_names,
    idp_message_names_team,
    idp_name_from_message,
)


def external_groups(client, ref):
    """The IdP groups that manage the members of team ``ref`` (a :class:`TeamRef`): names from
    its team-sync group mappings, else from its external-group connection; an empty list when
    GitHub shows neither (no such feature in the organization: 403/404 there mean "not managed")."""
    for suffix in (TEAM_SYNC_GROUPS_PATH, EXTERNAL_GROUPS_PATH):
        try:
            resp = client.request('GET', ref.base + suffix, expected=(200, 403, 404))
        except GitHubError:
            continue
        if resp.status == 200:
            names = group_names(resp.data)
            if names:
                return names
    return []


def idp_hint(error, client=None, ref=None):
    """What to tell the user when a failed write (a :class:`GitHubError`) is GitHub refusing to
    change a team whose members come from an identity provider; ``None`` for any other error.

    Any 403 on a membership write is checked structurally when ``client`` and ``ref`` are given
    (the team's IdP group mappings and external groups, see :func:`external_groups`); a 403 whose
    message is a real "external group backed team" wording counts even without that check."""
    if error.status != 403:
        return None
    groups = external_groups(client, ref) if client is not None and ref is not None else []
    named = idp_message_names_team(error.message)
    if not groups and not named:
        return None
    text = 'the team is managed by your identity provider'
    idp = idp_name_from_message(error.message)
    if idp:
        text += ' (%s)' % idp
    if groups:
        text += ' through the IdP group%s %s' % ('s' if len(groups) > 1 else '', ', '.join(groups))
    return text + '; change the IdP group instead'


class TeamNotFound(Exception):
    """The team (or its organization) does not exist or the token cannot see it."""


class TeamRef(object):
    """A team addressed by slug (``/orgs/{org}/teams/{slug}``) or by id
    (``/organizations/{org_id}/team/{team_id}``), GitHub's two routes for the same thing."""

    def __init__(self, org, slug=None, team_id=None, org_id=None):
        self.org = org
        self.slug = slug
        self.team_id = team_id
        self.org_id = org_id

    @property
    def base(self):
        if self.slug is not None:
            return '/orgs/%s/teams/%s' % (quote_segment(self.org), quote_segment(self.slug))
        return '/organizations/%d/team/%d' % (self.org_id, self.team_id)

    def membership_path(self, username):
        return '%s/memberships/%s' % (self.base, quote_segment(username))

    @property
    def label(self):
        if self.slug is not None:
            return 'team %s in %s' % (self.slug, self.org)
        return 'team id %d in %s' % (self.team_id, self.org)

    def matches(self, team):
        """Whether a team object from a list is this team."""
        if self.team_id is not None:
            return team.get('id') == self.team_id
        return (team.get('slug') or '').lower() == self.slug.lower()


def team_ref(client, org, team=None, team_id=None):
    """A :class:`TeamRef`; the id route needs the organization's id, read with ``GET /orgs/{org}``."""
    if team is not None:
        return TeamRef(org, slug=team)
    data = client.get_or_none('/orgs/%s' % quote_segment(org))
    if data is None:
        raise TeamNotFound('Organization %s was not found, or the token cannot see it' % org)
    return TeamRef(org, team_id=int(team_id), org_id=int(data['id']))


def descendants(client, ref):
    """Every team below ``ref`` (children, grandchildren, ...), as slug :class:`TeamRef` objects.

    One paginated ``GET /orgs/{org}/teams``; the parent links give the tree.
    """
    teams = list(client.paginate('/orgs/%s/teams' % quote_segment(ref.org)))
    own = [t for t in teams if ref.matches(t)]
    if not own:
        return []
    children = {}
    for team in teams:
        parent = team.get('parent') or {}
        if parent.get('id') is not None:
            children.setdefault(parent['id'], []).append(team)
    found = []
    todo = [own[0]['id']]
    seen = set(todo)
    while todo:
        for child in children.get(todo.pop(), []):
            if child['id'] not in seen:
                seen.add(child['id'])
                found.append(TeamRef(ref.org, slug=child['slug']))
                todo.append(child['id'])
    return found


def state_after_adding(client, org, username):
    """What adding ``username`` to a team makes of them: ``active`` for an org member (and on
    GHES, which has no invitations), else ``pending`` (GitHub invites them to the org)."""
    if client.is_ghes:
        return 'active'
    data = client.get_or_none('/orgs/%s/memberships/%s' % (quote_segment(org), quote_segment(username)))
    return 'active' if data and data.get('state') == 'active' else 'pending'


def inherited_from(client, ref, username):
    """The first child team (a :class:`TeamRef`) through which ``username`` is an active member
    of ``ref``, or ``None`` when the membership is not inherited."""
    for child in descendants(client, ref):
        data = client.get_or_none(child.membership_path(username))
        if data is not None and data.get('state') == 'active':
            return child
    return None
