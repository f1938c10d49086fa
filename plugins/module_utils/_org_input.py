# -*- coding: utf-8 -*-
# Copyright (c) gitops.github contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The membership data of one organization, parsed and checked before any request: pure, no I/O.

:class:`Roster` is what the user asked for (one ``membership_orgs`` entry, built by
:func:`roster_from_params`), with one :class:`TeamWanted` per listed team.
"""

from __future__ import annotations

from ansible_collections.gitops.github.plugins.module_utils._membership_data import (
    entry_problems,
    flag,
    number,
)
from ansible_collections.gitops.github.plugins.module_utils._org_state import (
    SETTING_KEYS,
)
from ansible_collections.gitops.github.plugins.module_utils._plan import (
    collect_wanted,
)
from ansible_collections.gitops.github.plugins.module_utils._plan_roster_access import (
    wanted_access,
)
from ansible_collections.gitops.github.plugins.module_utils._plan_people import (
    DEFAULT_EXPIRING_WITHIN_DAYS,
    parse_people,
    split_by_time,
    utc_now,
)

DEFAULT_MAX_REMOVALS = '25%'


DEFAULT_MAX_INVITATIONS = 50


class TeamWanted(object):
    """One ``teams`` entry: ``wanted`` comes from :func:`._plan.collect_wanted` with the team roles."""

    def __init__(self, slug, wanted, exclusive=False, max_removals=DEFAULT_MAX_REMOVALS, managed_externally=False,
                 settings=None, expired=(), expiring=(), previously=()):
        self.previously = list(previously)  # former slugs: an existing one is renamed, not left behind
        self.slug = slug
        self.wanted = wanted
        self.exclusive = exclusive
        self.max_removals = max_removals
        self.managed_externally = managed_externally
        self.settings = dict(settings or {})  # name, description, privacy, parent: compared, not written
        self.expired = list(expired)    # _people.Person entries whose access has ended (count as not listed)
        self.expiring = list(expiring)  # _people.Person entries ending within expiring_within_days

    @property
    def key(self):
        return self.slug.lower()


class Roster(object):
    """One organization as the user wants it. ``wanted`` is ``None`` when neither owners nor
    members are given (then only the teams are managed)."""

    def __init__(self, org, wanted=None, exclusive=False, max_removals=DEFAULT_MAX_REMOVALS, min_owners=1,
                 allow_self=False, public_membership=None, teams=(), people=(), expired=(), expiring=(),
                 reinvite_failed=True, max_invitations=DEFAULT_MAX_INVITATIONS, now=None, delete_unlisted_teams=False,
                 require_two_factor=None):
        self.delete_unlisted_teams = delete_unlisted_teams
        self.require_two_factor = require_two_factor  # report | fail | remove (._two_factor), None: not checked
        self.org = org
        self.wanted = wanted
        self.exclusive = exclusive
        self.max_removals = max_removals
        self.min_owners = min_owners
        self.allow_self = allow_self
        self.public_membership = public_membership
        self.teams = list(teams)
        self.people = list(people)      # every current _people.Person of the file (ids, e-mails)
        self.expired = list(expired)    # owners and members whose access has ended
        self.expiring = list(expiring)  # owners and members whose access ends soon
        self.reinvite_failed = reinvite_failed
        self.max_invitations = max_invitations
        self.now = now
        self.access = None  # the organization roles, outside collaborators and team access it names (issue 20)


def listed_team_slugs(roster):
    """``[(slug, exclusive, wanted lower logins)]`` of the listed teams for the reader, each under
    its slug and its former slugs (``previously``): a team the run renames still has its old slug
    on GitHub, and its pending team invitations are read there. Pure."""
    out = []
    for team in roster.teams:
        for slug in [team.slug] + [f for f in team.previously if f.lower() != team.slug.lower()]:
            out.append((slug, team.exclusive, list(team.wanted)))
    return out


def roster_from_params(params, validate_login=None, now=None):
    """``(Roster, [])`` from the options of one ``membership_orgs`` entry, or ``(None, problems)``
    when :func:`._membership_data.entry_problems` finds any: the one check of the data, so the
    module, its controller-side action and the role's filter word a problem the same way. Pure.
    The options may be as Ansible's argument spec converted them or as the role holds them
    (booleans follow Ansible's rules either way). ``validate_login`` is no longer used (every
    login is checked); ``now`` (an aware ``datetime``, default the real clock) decides which
    ``expires`` have passed."""
    problems = entry_problems(params)
    if problems:
        return None, problems
    return _roster(params, utc_now() if now is None else now), []


def _removals(entry):
    removals = entry.get('max_removals')
    return DEFAULT_MAX_REMOVALS if removals is None else removals


class _People(object):
    """The people lists of checked options, split by ``now``; every current person kept."""

    def __init__(self, now, within):
        self.now, self.within, self.current = now, within, []

    def split(self, entry, key, allow_email):
        """``(current names or None, expired, expiring)`` of ``entry[key]``."""
        found = parse_people(entry.get(key), key, None, allow_email)[0]
        if found is None:
            return None, [], []
        current, expired, expiring = split_by_time(found, self.now, self.within)
        self.current.extend(current)
        return [p.name for p in current], expired, expiring


def _roster(params, now):
    """The :class:`Roster` of checked options."""
    people = _People(now, number(params, 'expiring_within_days', DEFAULT_EXPIRING_WITHIN_DAYS))
    owners, expired, expiring = people.split(params, 'owners', True)
    members, m_expired, m_expiring = people.split(params, 'members', True)
    org_expired, org_expiring = expired + m_expired, expiring + m_expiring
    wanted = None
    if owners is not None or members is not None:
        wanted = collect_wanted([('admin', owners or []), ('member', members or [])])[0]
    gone = set(p.key for p in org_expired) - set(wanted or ())
    teams = [_team(entry, people, gone, org_expired) for entry in params.get('teams') or []]
    roster = Roster(params.get('org'), wanted, flag(params, 'exclusive', False), _removals(params),
                    number(params, 'min_owners', 1), flag(params, 'allow_self', False),
                    flag(params, 'public_membership', None), teams, people.current, org_expired, org_expiring,
                    flag(params, 'reinvite_failed', True), number(params, 'max_invitations', DEFAULT_MAX_INVITATIONS),
                    now, flag(params, 'delete_unlisted_teams', False), require_two_factor=params.get('require_two_factor'))
    roster.access = wanted_access(params)
    return roster


def _team(entry, people, gone, org_expired):
    """The :class:`TeamWanted` of one checked team; ``gone`` are the lower logins whose
    organization membership expired (so did every team membership)."""
    maint, expired, expiring = people.split(entry, 'maintainers', False)
    mem, m_expired, m_expiring = people.split(entry, 'members', False)
    wanted = collect_wanted([('maintainer', maint or []), ('member', mem or [])])[0]
    expired, expiring = expired + m_expired, expiring + m_expiring
    for key in [k for k in wanted if k in gone]:
        expired.extend(p for p in org_expired if p.key == key)
        del wanted[key]
    return TeamWanted(entry['team'], wanted, flag(entry, 'exclusive', False), _removals(entry),
                      flag(entry, 'managed_externally', False),
                      dict((k, entry.get(k)) for k in SETTING_KEYS if entry.get(k) is not None),
                      expired, expiring, entry.get('previously') or ())
