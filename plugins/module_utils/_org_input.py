# -*- coding: utf-8 -*-
# Copyright (c) gitops.github contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The membership data of one organization, parsed and checked before any request: pure, no I/O.

:class:`Roster` is what the user asked for (one ``membership_orgs`` entry, built by
:func:`roster_from_params`), with one :class:`TeamWanted` per listed team.
"""

from __future__ import annotations

import unicodedata

from ansible_collections.gitops.github.plugins.module_utils._org_state import (
    SETTING_KEYS,
)
from ansible_collections.gitops.github.plugins.module_utils._plan import (
    collect_wanted,
    parse_max_removals,
)
from ansible_collections.gitops.github.plugins.module_utils._plan_people import (
    DEFAULT_EXPIRING_WITHIN_DAYS,
    identity_problems,
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
                 reinvite_failed=True, max_invitations=DEFAULT_MAX_INVITATIONS, now=None, delete_unlisted_teams=False):
        self.delete_unlisted_teams = delete_unlisted_teams
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


def team_slug_of(name):
    """The slug GitHub derives from a team name. GitHub's reference ("Get a team by name"):
    "GitHub replaces special characters in the name string, changes all words to lowercase, and
    replaces spaces with a - separator. For example, "My TEam Näme" would become my-team-name":
    a letter with an accent loses it (canonical Unicode decomposition, NFD: compatibility forms
    such as full-width letters or ligatures are not folded, since GitHub documents no such
    folding); any other character that is not a letter, a digit or ``_`` separates words."""
    out = []
    for ch in unicodedata.normalize('NFD', name).lower():
        if unicodedata.combining(ch):
            continue
        out.append(ch if ch.isascii() and (ch.isalnum() or ch == '_') else '-')
    return '-'.join(part for part in ''.join(out).split('-') if part)


def undocumented_letters(name):
    """The letters of ``name`` whose slug GitHub does not document (neither ASCII nor an ASCII
    letter with an accent, such as ``ß`` or ``東``): a name with them cannot be checked before
    the write, so it is refused. Canonical decomposition (NFD) only: full-width letters,
    ligatures and other compatibility forms stay non-ASCII and are refused too."""
    found = []
    for ch in unicodedata.normalize('NFD', name):
        if ord(ch) >= 128 and not unicodedata.combining(ch) and ch.isalnum() and ch not in found:
            found.append(ch)
    return found


def _whole_number(params, name, default, problems):
    value = params.get(name)
    value = default if value is None else value
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        problems.append('%s must be a whole number of 0 or more, got %r' % (name, value))
        return default
    return value


def listed_team_slugs(roster):
    """``[(slug, exclusive, wanted lower logins)]`` of the listed teams for the reader, each under
    its slug and its former slugs (``previously``): a team the run renames still has its old slug
    on GitHub, and its pending team invitations are read there. Pure."""
    out = []
    for team in roster.teams:
        for slug in [team.slug] + [f for f in team.previously if f.lower() != team.slug.lower()]:
            out.append((slug, team.exclusive, list(team.wanted)))
    return out


def team_identifier_problems(entries):
    """Team identifiers compared as GitHub compares them (slugs case-insensitively, a name by the
    slug GitHub derives from it), before any request: a team listed twice, a name that gives
    another listed team's slug, a former slug (``previously``) claimed by two teams, or one that
    is the slug of another listed team."""
    problems = []
    slugs = {}   # lower slug: index
    for index, entry in enumerate(entries):
        slug = entry.get('team')
        if not isinstance(slug, str) or not slug:
            continue
        if slug.lower() in slugs:
            problems.append('team %s is listed twice (teams[%d] and teams[%d])' % (slug, slugs[slug.lower()], index))
            continue
        slugs[slug.lower()] = index

    def where(index):
        return 'teams[%d] (%s)' % (index, entries[index].get('team'))

    formers = {}  # lower former slug: index
    for index, entry in enumerate(entries):
        slug = entry.get('team')
        if not isinstance(slug, str) or slugs.get(slug.lower()) != index:
            continue
        name = entry.get('name')
        if isinstance(name, str) and name:
            other = slugs.get(team_slug_of(name))
            if other is not None and other != index:
                problems.append('%s: its name %s gives the slug %s, the slug of %s'
                                % (where(index), name, team_slug_of(name), where(other)))
        for former in entry.get('previously') or []:
            if not isinstance(former, str) or not former or former.lower() == slug.lower():
                continue
            other = slugs.get(former.lower())
            if other is not None:
                problems.append('former slug %s of %s is the slug of %s' % (former, where(index), where(other)))
            elif former.lower() in formers and formers[former.lower()] != index:
                problems.append('former slug %s of %s is also claimed by %s'
                                % (former, where(index), where(formers[former.lower()])))
            else:
                formers[former.lower()] = index
    # A parent named by a slug the same file renames away: after the rename GitHub has no team of
    # that slug, so the plan could never converge (and a team named as its own former slug would be
    # PATCHed as its own parent). The file must name the parent by the slug it will have.
    for index, entry in enumerate(entries):
        parent = entry.get('parent')
        if not isinstance(parent, str) or parent.lower() not in formers or parent.lower() in slugs:
            continue
        owner = formers[parent.lower()]
        if owner == index:
            problems.append('%s: its parent %s is its own former slug (previously): a team cannot be its own parent'
                            % (where(index), parent))
        else:
            problems.append('%s: its parent %s is a former slug of %s (previously): name the parent by its new slug %s'
                            % (where(index), parent, where(owner), entries[owner].get('team')))
    return problems


def roster_from_params(params, validate_login=None, now=None):
    """``(Roster, problems)`` from the options of one ``membership_orgs`` entry, already type
    converted by Ansible's argument spec (booleans follow Ansible's rules there). Pure:
    ``validate_login(value, what)`` returns a problem text or ``None``; ``now`` (an aware
    ``datetime``, default the real clock) decides which ``expires`` have passed."""
    now = utc_now() if now is None else now
    problems = []

    def check_removals(value, where):
        try:
            parse_max_removals(value)
        except ValueError as exc:
            problems.append('%s: %s' % (where, exc))

    max_removals = params.get('max_removals')
    max_removals = DEFAULT_MAX_REMOVALS if max_removals is None else max_removals
    check_removals(max_removals, 'max_removals')
    min_owners = _whole_number(params, 'min_owners', 1, problems)
    within = _whole_number(params, 'expiring_within_days', DEFAULT_EXPIRING_WITHIN_DAYS, problems)
    max_invitations = _whole_number(params, 'max_invitations', DEFAULT_MAX_INVITATIONS, problems)
    people = []
    org_expired, org_expiring = [], []
    scopes = [('', [])]  # the identifiers of each scope, checked together (identity_problems)

    def persons(value, where, allow_email, scope):
        found, trouble = parse_people(value, where, validate_login, allow_email)
        problems.extend(trouble)
        if found is None:
            return None, [], []
        current, expired, expiring = split_by_time(found, now, within)
        people.extend(current)
        scope.extend(found)
        return [p.name for p in current], expired, expiring

    owners, expired, expiring = persons(params.get('owners'), 'owners', True, scopes[0][1])
    org_expired.extend(expired)
    org_expiring.extend(expiring)
    members, expired, expiring = persons(params.get('members'), 'members', True, scopes[0][1])
    org_expired.extend(expired)
    org_expiring.extend(expiring)
    gone = set(p.key for p in org_expired)
    wanted = None
    if owners is not None or members is not None:
        wanted, dup = collect_wanted([('admin', owners or []), ('member', members or [])])
        problems.extend(dup)
        gone.difference_update(wanted)
    teams = []
    entries = params.get('teams') or []
    problems.extend(team_identifier_problems(entries))
    seen = set()
    for index, entry in enumerate(entries):
        slug = entry.get('team')
        where = 'teams[%d] (%s)' % (index, slug)
        if not isinstance(slug, str) or slug.lower() in seen:
            continue  # a problem already (team_identifier_problems)
        seen.add(slug.lower())
        scopes.append((where, []))
        maint, m_expired, m_expiring = persons(entry.get('maintainers'), where + '.maintainers', False, scopes[-1][1])
        mem, e_expired, e_expiring = persons(entry.get('members'), where + '.members', False, scopes[-1][1])
        team_wanted, dup = collect_wanted([('maintainer', maint or []), ('member', mem or [])])
        problems.extend('%s: %s' % (where, p) for p in dup)
        t_expired = m_expired + e_expired
        t_expiring = m_expiring + e_expiring
        for key in [k for k in team_wanted if k in gone]:
            # Their organization membership expired: so did every team membership.
            t_expired.extend(p for p in org_expired if p.key == key)
            del team_wanted[key]
        if wanted is not None:
            for key, (login, _role) in team_wanted.items():
                if key not in wanted:
                    problems.append('%s: %s is not one of the organization\'s owners or members' % (where, login))
        team_removals = entry.get('max_removals')
        team_removals = DEFAULT_MAX_REMOVALS if team_removals is None else team_removals
        check_removals(team_removals, where + '.max_removals')
        settings = dict((k, entry.get(k)) for k in SETTING_KEYS if entry.get(k) is not None)
        teams.append(TeamWanted(slug, team_wanted, bool(entry.get('exclusive')), team_removals,
                                bool(entry.get('managed_externally')), settings, t_expired, t_expiring,
                                entry.get('previously') or ()))
    problems.extend(identity_problems(scopes))
    reinvite = params.get('reinvite_failed')
    roster = Roster(params.get('org'), wanted, bool(params.get('exclusive')), max_removals, min_owners,
                    bool(params.get('allow_self')), params.get('public_membership'), teams, people,
                    org_expired, org_expiring, True if reinvite is None else bool(reinvite), max_invitations, now,
                    bool(params.get('delete_unlisted_teams')))
    return roster, problems
