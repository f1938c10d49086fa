# -*- coding: utf-8 -*-
# Copyright (c) gitops.github contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Pure planning for the whole membership of one organization: no I/O.

:class:`OrgState` is what the bulk reader (:mod:`._org_reader`) found: the org's members and pending
invitations, and each team's *immediate* members and pending invitations (its members through child
teams apart). :class:`Roster` is what the user asked for (one ``membership_orgs`` entry).
:func:`plan_roster` turns both into one :class:`RosterPlan`: the ordered writes for the whole org,
with the cascade (removing someone from the org removes them from its teams, so no team write is
planned for them) and what each team leaves alone. :func:`guard_problems` checks the removal
budgets, ``min_owners`` and the token's own user on that whole plan, before the first write.
:func:`execute` makes the writes in order with a caller's ``write`` function, and
:func:`predict` folds them into the state the way GitHub does, so check mode and the real run
share every step.

The order of writes is safe by construction: organization promotions and additions first (new
owners are promoted before any old owner is demoted), then team additions and promotions, then the
public membership, then demotions (organization, then teams), then removals (teams, then the
organization).
"""

from __future__ import annotations

import datetime
import re
import unicodedata

from ansible_collections.gitops.github.plugins.module_utils._plan_people import (
    DEFAULT_EXPIRING_WITHIN_DAYS,
    expiry_view,
    identity_problems,
    parse_people,
    split_by_time,
    utc_now,
)
from ansible_collections.gitops.github.plugins.module_utils._plan import (
    ACTIVE,
    ADD,
    ORG,
    ORG_ROLES,
    PENDING,
    PUBLIC,
    REMOVE,
    ROLE,
    TEAM,
    TEAM_ROLES,
    TEAM_SETTINGS,
    Change,
    Entry,
    Plan,
    active_owners_after,
    label,
    min_owners_problem,
    plan_members,
    removal_budget_problem,
    removal_limit,
    run_in_order,
    self_problem,
)

HIDDEN_ROLE = 'hidden by the owner role'
DEFAULT_MAX_REMOVALS = '25%'
DEFAULT_MAX_INVITATIONS = 50

# The phases of the write order (see the module docstring).
# The token's own user is demoted or removed last ('self'), so the writes before it keep its rights.
_PHASES = ('org-promote', 'org-add', 'team-define', 'team-add', 'creator', 'public', 'org-demote', 'team-demote',
           'team-remove', 'team-delete', 'org-remove', 'self')
SETTING_KEYS = ('name', 'description', 'privacy', 'parent', 'notification_setting')


class TeamState(object):
    """One team as read: ``members`` is ``{key: Entry}`` of its immediate members (active) and its
    pending invitations; ``parent`` is the parent's slug. The members it shows only through a child
    team come from the tree (:meth:`OrgState.child_members`)."""

    def __init__(self, slug, team_id=None, parent=None, name=None, description=None, privacy=None, members=None,
                 enterprise=False):
        self.slug = slug
        self.team_id = team_id
        self.parent = parent
        self.name = name
        self.description = description
        self.privacy = privacy
        self.members = dict(members or {})
        # An enterprise team (REST ``type: enterprise``): GitHub does not let the organization API change it.
        self.enterprise = enterprise

    @property
    def key(self):
        return self.slug.lower()

    def copy(self):
        return TeamState(self.slug, self.team_id, self.parent, self.name, self.description, self.privacy, self.members,
                         self.enterprise)


class OrgState(object):
    """One organization as read. ``members`` is ``{key: Entry}`` (owners as ``admin``, members,
    pending invitations with their role); ``teams`` is ``{lower slug: TeamState}``; ``public`` is
    whether the token's own membership is public (``None`` when not read); ``ghes`` says new
    members join at once (GitHub Enterprise Server has no invitations)."""

    def __init__(self, org, members=None, teams=None, public=None, ghes=False, failed=(), ids=None,
                 invitation_ids=None, emails=None):
        self.org = org
        self.members = dict(members or {})
        self.teams = dict(teams or {})
        self.public = public
        self.ghes = ghes
        self.failed = list(failed)
        self.ids = dict(ids or {})                        # {user id: login} of the members as read
        self.invitation_ids = dict(invitation_ids or {})  # {key: invitation id} of pending invitations
        self.emails = dict(emails or {})                  # {lower e-mail: key} of pending invitations
        # People (issue 18): {user id: login now, or None for no such account} from GET /user/{id};
        # {key: [{id, reason, failed_at}]} of the failed invitations; the created_at of every
        # pending and failed invitation (what counts against GitHub's 24-hour invitation limit).
        self.looked_up = {}
        self.failed_records = {}
        self.sent = []

    def copy(self):
        state = OrgState(self.org, self.members, dict((k, t.copy()) for k, t in self.teams.items()),
                         self.public, self.ghes, self.failed, self.ids, self.invitation_ids, self.emails)
        state.looked_up = dict(self.looked_up)
        state.failed_records = dict((k, list(v)) for k, v in self.failed_records.items())
        state.sent = list(self.sent)
        return state

    def active_owners(self):
        return sorted(k for k, e in self.members.items() if e.role == 'admin' and e.state == ACTIVE)

    def descendants(self, key):
        """The teams below team ``key`` (lower slug), children first."""
        children = {}
        for team in self.teams.values():
            if team.parent:
                children.setdefault(team.parent.lower(), []).append(team)
        out = []
        todo = list(children.get(key, []))
        seen = set([key])
        while todo:
            team = todo.pop(0)
            if team.key in seen:
                continue
            seen.add(team.key)
            out.append(team)
            todo.extend(children.get(team.key, []))
        return out

    def child_members(self, key):
        """``{key: login}`` of the active members of the teams below team ``key``: GitHub shows
        them as members of it too, and it cannot remove them."""
        out = {}
        for team in self.descendants(key):
            for k, entry in team.members.items():
                if entry.state == ACTIVE:
                    out.setdefault(k, entry.login)
        return out


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


class Write(object):
    """One write of the plan: ``scope`` is ``org``, ``team`` (with ``team`` the slug) or ``public``;
    ``change`` is a :class:`._plan.Change` (for ``public``: ``action`` is ``add`` or ``remove``)."""

    __slots__ = ('scope', 'team', 'change', 'phase')

    def __init__(self, scope, change, team=None, phase=None):
        self.scope = scope
        self.team = team
        self.change = change
        self.phase = phase

    @property
    def action(self):
        return self.change.action

    @property
    def login(self):
        return self.change.login

    def as_dict(self):
        out = {'scope': self.scope, 'team': self.team, 'action': self.change.action, 'login': self.change.login,
               'role': self.change.role}
        if self.scope == TEAM_SETTINGS:
            out['settings'] = dict(self.change.settings)
            if self.change.slug != self.team:
                out['new_slug'] = self.change.slug
        return out

    def __eq__(self, other):
        return isinstance(other, Write) and self.as_dict() == other.as_dict()

    def __ne__(self, other):
        return not self == other

    def __repr__(self):
        where = self.scope + ('/' + self.team if self.team else '')
        return '<Write %s %s %s %s>' % (where, self.change.action, self.change.login, self.change.role)


class TeamPlan(object):
    """What one team's part of the plan does and leaves alone."""

    def __init__(self, slug, writes=(), inherited=(), owners_kept=(), left_with_org=(), problems=(),
                 managed_externally=False, current_count=0):
        self.slug = slug
        self.writes = list(writes)
        self.inherited = list(inherited)          # unlisted members only through a child team
        self.owners_kept = list(owners_kept)      # owners listed as members (GitHub shows maintainers)
        self.left_with_org = list(left_with_org)  # removed by the organization removal (cascade)
        self.problems = list(problems)
        self.managed_externally = managed_externally
        self.current_count = current_count
        self.withheld = []  # managed externally: the writes the lists call for, never made
        self.creator_left = None  # the token's user, an unlisted immediate member (see plan_roster)


class RosterPlan(object):
    """The ordered writes for the whole organization, and each part's report."""

    def __init__(self, before, roster, writes, teams, problems=(), renamed=(), reinvite=(), not_reinvited=(),
                 deferred=(), invitations_left=0):
        self.before = before
        self.roster = roster
        self.writes = list(writes)
        self.teams = teams  # {lower slug: TeamPlan}, in the order of roster.teams
        self.problems = list(problems)
        self.renamed = list(renamed)              # [{id, from, to}]: the file's login, GitHub's login now
        self.reinvite = set(reinvite)             # lower logins whose failed invitation is sent again
        self.not_reinvited = list(not_reinvited)  # failed invitations left alone (reinvite_failed false)
        self.deferred = list(deferred)            # writes past max_invitations, left for the next run
        self.invitations_left = invitations_left  # how many invitations of those
        self.not_retried = []                     # [{login, reason, failed_at}]: failed, not fixable by a retry
        self.sent_recently = 0                    # invitations sent in the 24 hours before roster.now
        self.enterprise_kept = []                 # [(login, enterprise team)] not removed (enterprise_granted)
        self.already_members = []                 # listed addresses GitHub answered "already a part of" (apply)

    @property
    def changed(self):
        return bool(self.writes)

    def of(self, scope, action=None, team=None):
        return [w for w in self.writes if w.scope == scope and (action is None or w.action == action)
                and (team is None or (w.team or '').lower() == team.lower())]


# ---------------------------------------------------------------------------------------------
# planning


def _is_demotion(change, top):
    return change.action == ROLE and change.before is not None and change.before.role == top and change.role != top


def _phase(scope, change):
    if scope == ORG:
        if change.action == REMOVE:
            return 'org-remove'
        if _is_demotion(change, 'admin'):
            return 'org-demote'
        return 'org-promote' if change.role == 'admin' else 'org-add'
    if change.action == REMOVE:
        return 'team-remove'
    if _is_demotion(change, 'maintainer'):
        return 'team-demote'
    return 'team-add'


def owners_after(state, org_changes):
    """Lower-case logins of the active owners once ``org_changes`` are made: the list modules'
    :func:`._plan.active_owners_after`, and on GHES (no invitations) an owner added is one at once."""
    owners = active_owners_after(state.members, org_changes, 'admin')
    if state.ghes:
        owners.update(c.key for c in org_changes if c.action == ADD and c.role == 'admin')
    return owners


class TeamChange(object):
    """Create a team (``create``), change its settings (``update``), rename it from a former
    slug (``rename``, with its other settings) or delete it (``delete``). ``settings`` holds the
    wanted values of :data:`SETTING_KEYS` that differ (``parent`` as a slug, ``None`` for no
    parent); ``slug`` is the team's slug after the write; ``creator`` the user GitHub makes
    maintainer of a team it creates with a user token (``None`` for a GitHub App); ``cascade``
    the slugs of the teams GitHub deletes with a deleted one (its child teams, on the planned tree)."""

    __slots__ = ('action', 'slug', 'settings', 'creator', 'cascade')
    login = None
    role = None
    before = None

    def __init__(self, action, slug, settings, creator=None, cascade=()):
        self.action = action
        self.slug = slug
        self.settings = dict(settings)
        self.creator = creator
        self.cascade = list(cascade)

    @property
    def key(self):
        return None


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


def _settings_diff(team, wanted):
    diff = {}
    for key in SETTING_KEYS:
        if key not in wanted.settings:
            continue
        want = wanted.settings[key]
        have = getattr(team, key, None) if team is not None else None
        if key == 'parent':
            if (have or '').lower() != (want or '').lower():
                diff[key] = want
        elif key == 'notification_setting':
            if team is None:
                diff[key] = want  # not read back: set when the team is created
        elif have != want:
            diff[key] = want
    return diff


def parent_cycle(roster, state):
    """A list of slugs that form a cycle of parents once the file's ``parent`` settings are
    applied (the teams GitHub has keep theirs), or ``None``."""
    parents = dict((k, (t.parent or '').lower() or None) for k, t in state.teams.items())
    for wanted in roster.teams:
        if 'parent' in wanted.settings:
            parents[wanted.key] = (wanted.settings['parent'] or '').lower() or None
    for start in parents:
        seen = [start]
        node = parents.get(start)
        while node is not None:
            if node in seen:
                return seen[seen.index(node):] + [node]
            seen.append(node)
            node = parents.get(node)
    return None


def _ancestors(state, key):
    out = []
    node = state.teams.get(key)
    while node is not None and node.parent and len(out) <= len(state.teams):
        node = state.teams.get(node.parent.lower())
        if node is not None:
            out.append(node)
    return out


def unlisted_teams(state, roster):
    """Slugs of the teams GitHub has that the file neither lists nor renames (enterprise teams,
    which the organization API cannot change, apart)."""
    listed = set(t.key for t in roster.teams)
    former = set(f.lower() for t in roster.teams for f in t.previously if t.key not in state.teams)
    return [t.slug for k, t in sorted(state.teams.items()) if k not in listed and k not in former and not t.enterprise]


def read_only_reason(wanted, team):
    """Why no write may touch a listed team (``None`` when writes may): the file marks it
    ``managed_externally``, or GitHub shows it as an enterprise team, which the organization API
    refuses to change (GitHub: 422 on a delete, 403 on its members; kubernetes-sigs/prow#710)."""
    if team is not None and team.enterprise:
        return 'an enterprise team (GitHub does not let the organization API change it)'
    if wanted.managed_externally:
        return 'managed externally'
    return None


def planned_tree(state, writes):
    """The teams once ``writes`` (creations, renames, settings changes) are made: the tree every
    deletion, its guard and the secret-team rule are checked on."""
    planned = state.copy()
    for write in writes:
        if write.scope == TEAM_SETTINGS and write.action != 'delete':
            _predict_definition(planned, write)
    return planned


def secret_problems(planned):
    """GitHub: "Secret teams cannot be nested under parent teams or have child teams" ("About
    teams"; the ``privacy`` parameter of ``POST /orgs/{org}/teams``)."""
    children = {}
    for team in planned.teams.values():
        if team.parent:
            children.setdefault(team.parent.lower(), []).append(team.slug)
    problems = []
    for key, team in sorted(planned.teams.items()):
        if team.privacy != 'secret':
            continue
        if team.parent:
            problems.append('team %s: a secret team cannot have a parent (%s); make it closed' % (team.slug, team.parent))
        if key in children:
            problems.append('team %s is secret and cannot have child teams (%s): make it closed'
                            % (team.slug, ', '.join(sorted(children[key]))))
    return problems


def _deletions(planned, listed):
    """``(writes, problems)``: the deletions of the unlisted teams, on the planned tree. GitHub
    deletes a team's child teams with it, so a team above a listed one (by its new slug, or moved
    or created there by the plan) is a problem, and a team below an unlisted one goes with it
    (named in the parent's ``cascade``)."""
    writes, problems = [], []
    unlisted = [k for k in sorted(planned.teams) if k not in listed and not planned.teams[k].enterprise]
    doomed = set(unlisted)
    for key in unlisted:
        team = planned.teams[key]
        below = planned.descendants(key)
        kept = [t.slug for t in below if t.key in listed or t.enterprise]
        if kept:
            problems.append('team %s is not listed, but deleting it would delete the listed team(s) below it (%s): '
                            'give them another parent first' % (team.slug, ', '.join(kept)))
            continue
        if any(p.key in doomed for p in _ancestors(planned, key)):
            continue  # GitHub deletes it with its unlisted parent
        writes.append(Write(TEAM_SETTINGS, TeamChange('delete', team.slug, {}, cascade=[t.slug for t in below]),
                            team=team.slug, phase='team-delete'))
    return writes, problems


def _former_team(state, wanted, listed, claimed, problems):
    """The existing team ``wanted`` is renamed from (``None`` when none), claiming it."""
    former = []
    for slug in wanted.previously:
        team = state.teams.get(slug.lower())
        if team is not None and team.key not in listed and team not in former:
            former.append(team)
    if len(former) > 1:
        problems.append('team %s: more than one of its former slugs exists (%s); delete or list all but one'
                        % (wanted.slug, ', '.join(t.slug for t in former)))
        return None
    if not former:
        return None
    if former[0].key in claimed:
        problems.append('team %s: its former slug %s is claimed by team %s too'
                        % (wanted.slug, former[0].slug, claimed[former[0].key]))
        return None
    claimed[former[0].key] = wanted.slug
    return former[0]


def _plan_definitions(state, roster, own_login):
    """``(writes, teams, problems, withheld)``: the team creations, renames, settings changes and
    deletions, parents created before their children; ``teams`` ``{lower slug: TeamState}`` as
    the membership planning must see them (a created team is empty but for its creator; a renamed
    one keeps its members); ``withheld`` ``{lower slug: [Write]}`` the settings changes a
    read-only team (managed externally, or an enterprise team) is not given."""
    problems = []
    cycle = parent_cycle(roster, state)
    if cycle:
        problems.append('teams of %s would form a cycle of parents: %s' % (state.org, ' -> '.join(cycle)))
        return [], {}, problems, {}
    listed = set(t.key for t in roster.teams)
    writes, teams, withheld, claimed = [], {}, {}, {}
    for wanted in roster.teams:
        team = state.teams.get(wanted.key)
        if team is not None:
            diff = _settings_diff(team, wanted)
            if diff:
                write = Write(TEAM_SETTINGS, TeamChange('update', team.slug, diff), team=team.slug, phase='team-define')
                if read_only_reason(wanted, team):
                    withheld.setdefault(wanted.key, []).append(write)
                else:
                    writes.append(write)
            teams[wanted.key] = team
            continue
        old = _former_team(state, wanted, listed, claimed, problems)
        parent = wanted.settings.get('parent')
        if parent and parent.lower() not in state.teams and parent.lower() not in listed:
            problems.append('team %s: its parent %s neither exists nor is listed' % (wanted.slug, parent))
            continue
        reason = read_only_reason(wanted, old)
        if reason:
            # No write of any kind: neither created nor renamed here.
            problems.append('team %s is %s: it is not %s here; do it where the team is managed'
                            % (wanted.slug, reason, 'renamed from %s' % old.slug if old is not None else 'created'))
            continue
        if old is not None:
            diff = _settings_diff(old, wanted)
            diff['name'] = wanted.settings.get('name') or wanted.slug
            writes.append(Write(TEAM_SETTINGS, TeamChange('rename', wanted.slug, diff), team=old.slug,
                                phase='team-define'))
            renamed = old.copy()
            renamed.slug = wanted.slug
            teams[wanted.key] = renamed
            continue
        diff = _settings_diff(None, wanted)
        diff['name'] = wanted.settings.get('name') or wanted.slug
        creator = own_login  # None for a GitHub App: no user is made maintainer
        writes.append(Write(TEAM_SETTINGS, TeamChange('create', wanted.slug, diff, creator), team=wanted.slug,
                            phase='team-define'))
        members = {}
        if creator:
            members[creator.lower()] = Entry(creator, 'maintainer', ACTIVE)
        teams[wanted.key] = TeamState(wanted.slug, None, diff.get('parent'), diff['name'], diff.get('description'),
                                      diff.get('privacy'), members)
    # Parents before children: a team is defined after every team above it that is defined too.
    order = dict((w.change.slug.lower(), i) for i, w in enumerate(writes))
    parents = dict((k, (t.parent or '').lower() or None) for k, t in state.teams.items())
    for wanted in roster.teams:
        if 'parent' in wanted.settings:
            parents[wanted.key] = (wanted.settings['parent'] or '').lower() or None

    def depth(key):
        count = 0
        node = parents.get(key)
        while node is not None and count <= len(parents):
            count += 1
            node = parents.get(node)
        return count
    writes.sort(key=lambda w: (depth(w.change.slug.lower()), order[w.change.slug.lower()]))
    planned = planned_tree(state, writes)
    for write in writes:
        key = write.change.slug.lower()
        if write.action == 'create' and 'privacy' not in write.change.settings and planned.descendants(key):
            # GitHub makes a new top-level team secret, and a secret team cannot have children.
            write.change.settings['privacy'] = 'closed'
            planned.teams[key].privacy = 'closed'
    problems.extend(secret_problems(planned))
    # A former slug (previously) whose team still exists beside the listed new slug: GitHub has two
    # teams where the file speaks of one. Neither is renamed or deleted; the file must say which.
    both = [(t.slug, f) for t in roster.teams if t.key in state.teams
            for f in t.previously if f.lower() != t.key and f.lower() in state.teams]
    for slug, former in both:
        problems.append('team %s lists %s in previously, but GitHub has both teams: delete %s by hand or take it '
                        'out of previously (nothing is deleted meanwhile)' % (slug, former, former))
    if roster.delete_unlisted_teams and roster.teams:
        deletions, trouble = _deletions(planned, listed | set(f.lower() for _slug, f in both))
        writes.extend(deletions)
        problems.extend(trouble)
    for write in writes:
        # A name written (create, rename, or a new name) gives the team the slug GitHub derives from it.
        name = write.change.settings.get('name')
        if name is None:
            continue
        odd = undocumented_letters(name)
        if odd:
            problems.append('team %s: GitHub does not document the slug it derives from %s in the name %r; give a '
                            'name of letters, digits and accented letters' % (write.change.slug, ''.join(odd), name))
        elif team_slug_of(name) != write.change.slug.lower():
            problems.append('team %s: GitHub derives the slug %s from the name %r; give a name whose slug is %s'
                            % (write.change.slug, team_slug_of(name), name, write.change.slug))
    return writes, teams, problems, withheld


def plan_roster(state, roster, own_login=None):
    """The whole plan from ``state`` (:class:`OrgState`) to ``roster`` (:class:`Roster`).

    ``own_login`` (the token's user, when known) only moves that user's own demotions and removals
    to the very end, teams first, so that every other write is made while the token still has the
    rights it needs.

    Raises nothing; a team of the file that does not exist is a problem in ``plan.problems``
    (the caller fails before any write when there are problems).
    """
    org_changes = []
    renamed, mapping, problems = _renames(state, roster)
    org_wanted = _rewrite(roster.wanted, mapping, problems) if roster.wanted is not None else None
    if org_wanted is not None:
        org_changes = plan_members(state.members, org_wanted, ORG_ROLES, roster.exclusive).changes
    org_changes, kept_by_enterprise = enterprise_granted(state, org_changes)
    problems.extend(_accepted_addresses(state, org_changes))
    removed_from_org = set(c.key for c in org_changes if c.action == REMOVE)
    owners = owners_after(state, org_changes)
    # Owners demoted now: every team shows them as maintainer, their own team role is hidden.
    demoted = set(c.key for c in org_changes if _is_demotion(c, 'admin') and c.before.state == ACTIVE)

    writes = [Write(ORG, c, phase=_phase(ORG, c)) for c in org_changes]
    definitions, defined, def_problems, withheld_settings = _plan_definitions(state, roster, own_login)
    problems.extend(def_problems)
    writes.extend(definitions)
    created = dict((w.change.slug.lower(), w.change) for w in definitions if w.action == 'create')
    team_plans = {}
    for wanted in roster.teams:
        team = defined.get(wanted.key)
        if team is None:
            team_plans[wanted.key] = TeamPlan(wanted.slug, problems=['cannot be planned'])
            continue
        current = dict(team.members)
        # Members only through a child team are shown by GitHub but cannot be removed from here.
        for key, login in state.child_members(wanted.key).items():
            if key not in current:
                current[key] = Entry(login, 'member', ACTIVE, inherited=True)
        team_wanted = _rewrite(wanted.wanted, mapping, problems, 'team %s' % wanted.slug)
        # A listed user only seen through a child team is made an immediate member.
        plan_current = dict((k, e) for k, e in current.items() if not (e.inherited and k in team_wanted))
        for key in demoted:
            entry = plan_current.get(key)
            if entry is not None and key in team_wanted and entry.state == ACTIVE and not entry.inherited:
                # Write the wanted role once: after the demotion GitHub shows the real one.
                plan_current[key] = entry.copy(role=HIDDEN_ROLE)
        if wanted.key in created:
            plan_current = dict((k, e) for k, e in plan_current.items()
                                if k != (created[wanted.key].creator or '').lower() or k in team_wanted)
        plan = plan_members(plan_current, team_wanted, TEAM_ROLES, wanted.exclusive, owners=owners)
        team_problems = []
        creator = created.get(wanted.key)
        if creator is not None and creator.creator and creator.creator.lower() not in team_wanted:
            # GitHub makes the token's user maintainer of a team it creates: undo it, unlisted.
            writes.append(Write(TEAM, Change(REMOVE, creator.creator, None, Entry(creator.creator, 'maintainer', ACTIVE)),
                                team=team.slug, phase='creator'))
        left = []
        kept = []
        for change in plan.changes:
            if change.key in removed_from_org:
                if change.action == REMOVE:
                    left.append(change.login)
                continue  # the organization removal takes them out of every team
            kept.append(change)
        reason = read_only_reason(wanted, team)
        tplan = TeamPlan(team.slug, inherited=plan.inherited, owners_kept=plan.owners_kept, left_with_org=left,
                         managed_externally=bool(reason), current_count=len(team.members))
        if reason:
            # Read and reported, never written (settings included): what would be written is kept apart as drift.
            settings = withheld_settings.get(wanted.key, [])
            tplan.withheld = settings + [Write(TEAM, c, team=team.slug, phase=_phase(TEAM, c)) for c in kept]
            for write in settings:
                team_problems.append('team %s is %s: not updating its settings (%s)'
                                     % (team.slug, reason, ', '.join(sorted(write.change.settings))))
            for change in kept:
                team_problems.append('team %s is %s: not %s' % (team.slug, reason, _describe(change)))
        else:
            tplan.writes = [Write(TEAM, c, team=team.slug, phase=_phase(TEAM, c)) for c in kept]
            writes.extend(tplan.writes)
        own = (own_login or '').lower()
        entry = team.members.get(own) if own else None
        if (entry is not None and entry.state == ACTIVE and own not in team_wanted and wanted.key not in created
                and not reason):
            # GitHub makes the token's user maintainer of a team it creates, and only the run that
            # creates the team undoes it: a run cut short in between leaves it. Named, not undone
            # (nothing tells it from a membership someone wanted).
            tplan.creator_left = entry.login
            team_problems.append('%s (the token\'s user) is a %s of team %s but not listed there: GitHub makes the '
                                 'creator of a team its maintainer, and a run cut short after creating the team '
                                 'leaves them so. List them in the team, or remove them (exclusive: true with '
                                 'allow_self: true does)' % (entry.login, entry.role or 'member', team.slug))
        tplan.problems = team_problems
        team_plans[wanted.key] = tplan

    if roster.public_membership is not None and state.public is not None and roster.public_membership != state.public:
        writes.append(Write(PUBLIC, _PublicChange(roster.public_membership), phase='public'))

    own = (own_login or '').lower()
    for write in writes:
        if own and write.scope not in (PUBLIC, TEAM_SETTINGS) and write.change.key == own and write.phase in (
                'org-demote', 'team-demote', 'team-remove', 'org-remove'):
            write.phase = 'self'
    order = dict((name, i) for i, name in enumerate(_PHASES))
    writes.sort(key=lambda w: (order[w.phase], w.scope == ORG if w.phase == 'self' else False))  # stable: keeps the role and login order inside a phase
    writes, reinvite, not_reinvited, not_retried = _failed_invitations(state, roster, writes)
    sent = sent_within_a_day(state, roster.now)
    limit = None if roster.max_invitations is None else max(roster.max_invitations - sent, 0)
    writes, deferred, left = cap_invitations(state, writes, limit)
    plan = RosterPlan(state, roster, writes, team_plans, problems, renamed, reinvite, not_reinvited, deferred, left)
    plan.not_retried = not_retried
    plan.sent_recently = sent
    plan.enterprise_kept = kept_by_enterprise
    return plan


def ids_to_look_up(state, roster):
    """The listed user ids the plan cannot place from the member lists: an id that is not among
    the active members, given with a login that is not in the organization either (a renamed
    pending invitee, someone who left). :func:`._resources.users_by_id` reads each with
    ``GET /user/{account_id}`` into ``state.looked_up``; then :func:`plan_roster` follows it. Pure."""
    out = []
    for person in roster.people:
        if person.id is None or not person.login or person.id in state.ids or person.id in out:
            continue
        if person.login.lower() not in state.members:
            out.append(person.id)
    return out


def enterprise_granted(state, org_changes):
    """``(org_changes, kept)``: the organization removals of the members of an enterprise team
    taken out, as ``kept`` ``[(login, team slug)]``. GitHub grants them the membership through the
    enterprise and refuses their removal through the organization API with 403
    (kubernetes-sigs/prow#710 drops them from its removal candidates the same way)."""
    granted = {}
    for team in sorted(state.teams.values(), key=lambda t: t.key):
        if team.enterprise:
            for key, entry in team.members.items():
                if entry.state == ACTIVE:
                    granted.setdefault(key, team.slug)
    kept = [(c.login, granted[c.key]) for c in org_changes if c.action == REMOVE and c.key in granted]
    return [c for c in org_changes if not (c.action == REMOVE and c.key in granted)], kept


def _renames(state, roster):
    """``([{id, from, to}], {lower file login: login now}, problems)``: the file's people whose
    ``id`` GitHub shows under another login (renamed users), and the pending e-mail invitations
    the file names by address. A rename is a rename only when the file's login is no longer in
    the organization; an id that GitHub shows for another login while the file's login is still
    there, or a login GitHub shows with another id, is a problem naming both."""
    mapping = {}
    renamed = []
    problems = []
    seen = set()
    id_of = dict((login.lower(), uid) for uid, login in state.ids.items())
    for person in roster.people:
        if person.id is not None and person.login:
            key = person.login.lower()
            now_login = state.ids.get(person.id) or state.looked_up.get(person.id)
            if now_login is not None and now_login.lower() != key and key in state.members:
                problems.append('%s is listed with id %d, which GitHub shows for %s; %s is still in %s, so this is '
                                'not a rename: correct the id or the login'
                                % (person.login, person.id, now_login, state.members[key].login, state.org))
                continue
            shown = id_of.get(key)
            if shown is not None and shown != person.id:
                problems.append('%s is listed with id %d, but GitHub shows %s in %s with id %d: correct the id or '
                                'the login' % (person.login, person.id, state.members[key].login, state.org, shown))
                continue
            if now_login is None and person.id in state.looked_up:
                problems.append('%s is listed with id %d, which no GitHub account has (GET /user/%d answered 404): '
                                'remove the entry or correct the id' % (person.login, person.id, person.id))
                continue
            if now_login is None or now_login.lower() == key:
                continue
            mapping[key] = now_login
            if person.id not in seen:
                seen.add(person.id)
                renamed.append({'id': person.id, 'from': person.login, 'to': now_login})
        elif person.email and not person.login:
            key = state.emails.get(person.email.lower())
            if key is not None and key in state.members and key != person.email.lower():
                # GitHub shows this e-mail invitation under the login it reached.
                mapping[person.email.lower()] = state.members[key].login
    return renamed, mapping, _unique_texts(problems)


def _unique_texts(items):
    out = []
    for item in items:
        if item not in out:
            out.append(item)
    return out


def _accepted_addresses(state, org_changes):
    """An ``{email}`` entry with neither a pending nor a failed invitation may have been accepted:
    GitHub then lists the invitee by login only, and the plan would invite the address again and
    remove the member who accepted. Never both in one plan: a problem, when the plan removes anyone."""
    removed = [c.login for c in org_changes if c.action == REMOVE]
    if not removed:
        return []
    failed = set(f.lower() for f in state.failed)
    return ['%s has neither a pending nor a failed invitation in %s: if the invitee accepted, list their login '
            'instead of the address (this plan would remove %s); nothing is sent or removed'
            % (c.login, state.org, ', '.join(removed))
            for c in org_changes if c.action == ADD and '@' in c.login and c.key not in failed]


def _rewrite(wanted, mapping, problems=None, where='the organization'):
    """``wanted`` with renamed logins replaced by GitHub's current ones (order kept). A renamed
    login whose new login the file lists too is one person listed twice: a problem (appended to
    ``problems``), never a silent merge in which one of the two roles wins."""
    if not mapping:
        return wanted
    out = {}
    for key, (login, role) in wanted.items():
        listed = login
        if key in mapping:
            login = mapping[key]
            key = login.lower()
        if key in out:
            if problems is not None:
                problems.append('%s: %s and %s are the same GitHub user (now %s): list them once'
                                % (where, out[key][2], listed, login))
            continue
        out[key] = (login, role, listed)
    return dict((key, (login, role)) for key, (login, role, _listed) in out.items())


# GitHub's failed_reason values (issue 18 lists expired, no_more_seats, trade_controls,
# already_accepted, invalid_generic; the OpenAPI documents the field as a free string). Only an
# invitation that expired is fixed by sending it again; any other reason, or none, is reported.
RETRYABLE_FAILURES = ('expired',)


def _latest_failure(state, key):
    records = state.failed_records.get(key) or []
    if not records:
        return {'reason': 'expired' if key in set(f.lower() for f in state.failed) else None, 'failed_at': None}
    return sorted(records, key=lambda r: r.get('failed_at') or '')[-1]


def _failed_invitations(state, roster, writes):
    """``(writes, reinvite, not_reinvited, not_retried)``: which additions send again an invitation
    that failed (GitHub moves those to ``GET /orgs/{org}/failed_invitations``; nothing re-sends
    them). Only a failure a retry can fix (:data:`RETRYABLE_FAILURES`) is sent again, and the
    writer deletes the failed record first (kubernetes-sigs/prow #712: a failed record blocks a
    new invitation); the others are left out of the plan, with their team additions, which would
    invite them too, and reported with their reason. With ``reinvite_failed`` false none is sent."""
    failed = set(f.lower() for f in state.failed)
    again = []
    for w in writes:
        key = w.change.key if w.scope in (ORG, TEAM) else None
        if (w.action == ADD and key in failed and key not in again
                and (w.scope == ORG or key not in state.members)):
            again.append(key)  # a team addition of a non-member invites them as well
    fixable = set(k for k in again if _latest_failure(state, k).get('reason') in RETRYABLE_FAILURES)
    dropped = set(again) - fixable if roster.reinvite_failed else set(again)
    login_of = dict((w.change.key, w.change.login) for w in writes if w.scope in (ORG, TEAM) and w.action == ADD)
    not_retried = []
    for key in again:
        if key not in fixable:
            record = _latest_failure(state, key)
            not_retried.append({'login': login_of[key], 'reason': record.get('reason'),
                                'failed_at': record.get('failed_at')})
    not_retried.sort(key=lambda item: item['login'].lower())
    kept = [w for w in writes if not (w.scope in (ORG, TEAM) and w.action == ADD and w.change.key in dropped)]
    if not roster.reinvite_failed:
        names = sorted(set(login_of[k] for k in fixable), key=str.lower)
        return kept, set(), names, not_retried
    return kept, fixable, [], not_retried


_STAMP = re.compile(r'^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:\.\d+)?(Z|[+-]\d\d:?\d\d)$')


def _parse_stamp(text):
    """An ISO 8601 timestamp as GitHub writes it (``...Z``, fractions, or an offset such as its
    OpenAPI example ``2016-11-30T06:46:10-08:00``) as an aware datetime; ``None`` if not one."""
    match = _STAMP.match(text) if isinstance(text, str) else None
    if match is None:
        return None
    zone = match.group(7)
    try:
        stamp = datetime.datetime(*[int(part) for part in match.groups()[:6]], tzinfo=datetime.timezone.utc)
    except ValueError:
        return None
    if zone != 'Z':
        sign = -1 if zone[0] == '-' else 1
        digits = zone[1:].replace(':', '')
        stamp -= sign * datetime.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return stamp


def sent_within_a_day(state, now):
    """How many invitations of ``state`` (pending and failed, by ``created_at``) were sent in the
    24 hours before ``now``: GitHub's invitation limit counts a day, not a run. A stamp ahead of
    the local clock (the clocks differ by seconds) or one that cannot be read counts too: the
    count errs towards sending fewer invitations, never more."""
    if now is None or state.ghes:
        return 0
    count = 0
    for text in state.sent:
        stamp = _parse_stamp(text)
        if stamp is None or now - stamp < datetime.timedelta(hours=24):
            count += 1
    return count


def sends_invitation(state, write, invited):
    """Whether ``write`` makes GitHub send an organization invitation: an organization addition
    on github.com, or a team addition of someone who is neither a member nor invited yet (GitHub
    invites them with the team). ``invited`` is the set of keys invited by the writes before."""
    if state.ghes or write.action != ADD or write.scope not in (ORG, TEAM):
        return False
    key = write.change.key
    if write.scope == ORG:
        return True
    return key not in state.members and key not in invited


def cap_invitations(state, writes, limit):
    """``(writes, deferred, left)``: at most ``limit`` invitations (GitHub allows an organization
    50 a day, 500 for older or paid ones). The writes past the limit that invite (and the team
    additions of the people whose invitation is deferred) are left for the next run."""
    if limit is None:
        return writes, [], 0
    invited = set()
    deferred_keys = set()
    kept, deferred = [], []
    for write in writes:
        key = write.change.key if write.scope != PUBLIC else None
        if key is not None and key in deferred_keys and write.action == ADD:
            deferred.append(write)
            continue
        if sends_invitation(state, write, invited):
            if len(invited) >= limit:
                deferred_keys.add(key)
                deferred.append(write)
                continue
            invited.add(key)
        kept.append(write)
    return kept, deferred, len(deferred_keys)


class _PublicChange(object):
    """Publicize (``add``) or conceal (``remove``) the token owner's own membership."""

    __slots__ = ('action', 'login', 'role', 'before')

    def __init__(self, public):
        self.action = ADD if public else REMOVE
        self.login = None
        self.role = None
        self.before = None

    @property
    def key(self):
        return None


def _describe(change):
    if change.action == ADD:
        return 'adding %s as %s' % (change.login, change.role)
    if change.action == REMOVE:
        return 'removing %s' % change.login
    return 'changing %s to %s' % (change.login, change.role)


# ---------------------------------------------------------------------------------------------
# guards


def needs_own_login(plan):
    """Whether the plan needs the token's login: a removal or a demotion can hit the token's own
    user (the guards), and a listed team with an unlisted immediate member may hold it, left by a
    run cut short after creating the team (:func:`plan_roster` names it); a plan with none of
    these needs no ``GET /user``."""
    for wanted in plan.roster.teams:
        team = plan.before.teams.get(wanted.key)
        if team is not None and not read_only_reason(wanted, team) and any(
                e.state == ACTIVE and k not in wanted.wanted for k, e in team.members.items()):
            return True
    return any((w.scope != PUBLIC and (w.action == REMOVE or w.phase in ('org-demote', 'team-demote')))
               or (w.scope == TEAM_SETTINGS and w.action == 'create') for w in plan.writes)


def guard_problems(plan, own_login=None):
    """Why the whole ``plan`` must not start (``[]`` when it may), as messages: see :func:`guard_refusals`."""
    return [refusal['problem'] for refusal in guard_refusals(plan, own_login)]


def guard_refusals(plan, own_login=None):
    """Why the whole ``plan`` must not start (``[]`` when it may), each as ``{team, problem}``
    (``team``: the slug of the team the guard is about, ``None`` for the organization): the organization's and each
    team's ``max_removals`` (counted on the cascaded plan: a team removal the organization removal
    makes is not counted), ``min_owners`` (active owners after the plan; pending owners do not
    count), and removing or demoting ``own_login`` (the token's user; ``None`` for a GitHub App)
    without ``allow_self``."""
    roster = plan.roster
    state = plan.before
    problems = []
    # The same pure guards as the list modules (._plan), on the cascaded whole-org plan.
    org_changes = [w.change for w in plan.of(ORG)]
    org_plan = Plan(state.members, org_changes, roles=ORG_ROLES)
    problem = removal_budget_problem(org_plan, len(state.members), roster.max_removals, state.org)
    if problem:
        problems.append({'team': None, 'problem': problem})
    for wanted in roster.teams:
        tplan = plan.teams.get(wanted.key)
        if tplan is None:
            continue
        team_plan = Plan({}, [w.change for w in tplan.writes], roles=TEAM_ROLES)
        problem = removal_budget_problem(team_plan, tplan.current_count, wanted.max_removals,
                                         'team %s in %s' % (tplan.slug, state.org))
        if problem:
            problems.append({'team': tplan.slug, 'problem': problem})
    deletions = [w for w in plan.writes if w.scope == TEAM_SETTINGS and w.action == 'delete']
    if deletions:
        gone = set()
        for write in deletions:
            # The teams below it on the planned tree go too (GitHub deletes child teams with their parent).
            gone.add(write.team.lower())
            gone.update(slug.lower() for slug in write.change.cascade)
        limit = removal_limit(roster.max_removals, len(state.teams))
        if len(gone) > limit:
            problems.append({'team': None, 'problem': 'Refusing to delete %d of the %d teams of %s (delete_unlisted_teams): '
                             'max_removals=%s allows %d. List the teams to keep, or raise max_removals if you mean it'
                             % (len(gone), len(state.teams), state.org, roster.max_removals, limit)})
    # Owners added in this run do not count (an invitation may never be accepted), also on GHES.
    problem = min_owners_problem(state.members, org_changes, roster.min_owners, 'admin', state.org)
    if problem:
        problems.append({'team': None, 'problem': problem})
    if not roster.allow_self:
        # The token's own user: the same rule as the list modules (_plan.self_problem), per scope.
        # GitHub's own making of the token's user maintainer of a created team, undone in the
        # 'creator' phase, is not in any team's writes.
        problem = self_problem(org_plan, own_login, state.org)
        if problem:
            problems.append({'team': None, 'problem': problem})
        for wanted in roster.teams:
            tplan = plan.teams.get(wanted.key)
            if tplan is not None:
                problem = self_problem(Plan({}, [w.change for w in tplan.writes], roles=TEAM_ROLES), own_login,
                                       'team %s in %s' % (tplan.slug, state.org))
                if problem:
                    problems.append({'team': tplan.slug, 'problem': problem})
    return problems


# ---------------------------------------------------------------------------------------------
# folding writes into the state


def additions_to_look_up(plan):
    """Lower-case key -> login of the people the plan adds who are not in the organization yet
    (org additions, and team additions that would invite a non-member): the only ones GitHub can
    refuse as "no such user" or "an organization". Pure."""
    out = {}
    for write in plan.writes:
        # An invitation by e-mail (an address has an @, a login never) is no login to look up.
        if (write.action == ADD and write.scope in (ORG, TEAM) and '@' not in write.login
                and write.change.key not in plan.before.members):
            out.setdefault(write.change.key, write.login)
    return out


def without_additions(plan, keys):
    """``plan`` without the additions (org and team) of the lower-case logins ``keys``: what check
    mode may promise once a lookup showed GitHub would refuse them. Pure."""
    keys = set(keys)
    if not keys:
        return plan

    def keep(write):
        return not (write.action == ADD and write.scope in (ORG, TEAM) and write.change.key in keys)

    for tplan in plan.teams.values():
        tplan.writes = [w for w in tplan.writes if keep(w)]
    plan.writes = [w for w in plan.writes if keep(w)]
    return plan


def new_state_of(state, write):
    """What GitHub makes of an addition: an organization addition is an invitation on github.com
    (at once a member on GHES); a team addition makes an active organization member an active
    team member, and anyone else pending (GitHub invites them with the team)."""
    if state.ghes:
        return ACTIVE
    if write.scope == ORG:
        return PENDING
    entry = state.members.get(write.change.key)
    return ACTIVE if entry is not None and entry.state == ACTIVE else PENDING


def _shown_team_role(state, key, role):
    """GitHub shows an active organization owner as maintainer of every team they are in."""
    entry = state.members.get(key)
    return 'maintainer' if entry is not None and entry.role == 'admin' and entry.state == ACTIVE else role


def predict(state, write, server_state=None):
    """Fold one done (``server_state`` from GitHub's answer) or predicted write into ``state``.

    An owner's team entries show ``maintainer``; once an owner is demoted GitHub shows their own
    team role again, which no read could see before: those entries get the role ``None``
    (unknown) until the next read.
    """
    change = write.change
    if write.scope == PUBLIC:
        state.public = change.action == ADD
        return state
    if write.scope == TEAM_SETTINGS:
        return _predict_definition(state, write, server_state)
    key = change.key
    if write.scope == ORG:
        target = state.members
    else:
        target = state.teams[write.team.lower()].members
    if change.action == REMOVE:
        target.pop(key, None)
        if write.scope == ORG:
            for team in state.teams.values():
                team.members.pop(key, None)
        return state
    before = target.get(key) or change.before
    if change.action == ADD:
        role = change.role if write.scope == ORG else _shown_team_role(state, key, change.role)
        target[key] = Entry(change.login, role, server_state or new_state_of(state, write))
        if write.scope == TEAM and key not in state.members:
            # Adding a non-member to a team invites them to the organization (GHES: adds them).
            state.members[key] = Entry(change.login, 'member', ACTIVE if state.ghes else PENDING)
    else:
        role = change.role if write.scope == ORG else _shown_team_role(state, key, change.role)
        target[key] = before.copy(role=role, state=server_state or before.state, inherited=False)
    if write.scope == ORG and change.action == ROLE and target[key].state == ACTIVE:
        was_owner = before.role == 'admin' and before.state == ACTIVE
        for team in state.teams.values():
            entry = team.members.get(key)
            if entry is None or entry.state != ACTIVE:
                continue
            if change.role == 'admin':
                team.members[key] = entry.copy(role='maintainer')
            elif was_owner:
                team.members[key] = entry.copy(role=None)
    return state


def _predict_definition(state, write, answer=None):
    """Fold a team creation, rename or settings change into ``state``; ``answer`` is GitHub's
    team object when the write was made (its id and slug win)."""
    change = write.change
    settings = change.settings
    answer = answer if isinstance(answer, dict) else {}
    if change.action == 'create':
        members = {}
        if change.creator:
            members[change.creator.lower()] = Entry(change.creator, 'maintainer', ACTIVE)
        team = TeamState(answer.get('slug') or change.slug, answer.get('id'), settings.get('parent'),
                         settings.get('name'), settings.get('description'),
                         settings.get('privacy') or ('closed' if settings.get('parent') else 'secret'), members)
        state.teams[team.key] = team
        return state
    if change.action == 'delete':
        for below in state.descendants(write.team.lower()):
            state.teams.pop(below.key, None)
        state.teams.pop(write.team.lower(), None)
        return state
    team = state.teams.pop(write.team.lower())
    team = team.copy()
    if change.action == 'rename':
        team.slug = answer.get('slug') or change.slug
        # GitHub keeps a team's children by id: after the rename they name the new slug.
        for key, child in list(state.teams.items()):
            if (child.parent or '').lower() == write.team.lower():
                child = child.copy()
                child.parent = team.slug
                state.teams[key] = child
    for key in ('name', 'description', 'privacy', 'parent'):
        if key in settings:
            setattr(team, key, settings[key])
    state.teams[team.key] = team
    return state


def execute(plan, write, errors=(Exception,)):
    """Make ``plan``'s writes in order with ``write(Write)`` (returns the state GitHub answered, or
    ``None``; in check mode the caller passes a ``write`` that sends nothing): the list modules'
    :func:`._plan.run_in_order`, folding with :func:`predict`. Raises :class:`._plan.Incomplete`."""
    return run_in_order(plan.writes, write, plan.before.copy(), predict, errors)


# ---------------------------------------------------------------------------------------------
# reporting


def _view(members):
    return dict((e.login, label(e)) for _k, e in sorted(members.items()))


def state_view(state, team_keys=None):
    """``{org: {login: label}, teams: {slug: {login: label}}, public}`` for ``diff``: the org's
    members and invitations and each managed team's immediate members, invitations and (marked
    ``(inherited)``) the members it shows through a child team."""
    teams = {}
    for key, team in sorted(state.teams.items()):
        if team_keys is not None and key not in team_keys:
            continue
        members = dict(team.members)
        for k, login in state.child_members(key).items():
            members.setdefault(k, Entry(login, 'member', ACTIVE, inherited=True))
        teams[team.slug] = _view(members)
    view = {'org': _view(state.members), 'teams': teams}
    if state.public is not None:
        view['public'] = state.public
    return view


def export_view(state):
    """The organization as it is, in the role's input format: owners and members (pending
    invitations among them, by their role) and each team's immediate maintainers and members
    (pending team invitations as members, since GitHub does not say their team role). Owners and
    members carry their user ``id`` where GitHub showed it; pending e-mail invitations are
    written as ``{email}``. Failed invitations and members only through a child team are left out."""
    def names(entries):
        return sorted((e.login for e in entries), key=lambda login: (login.lower(), login))

    ids = dict((login.lower(), uid) for uid, login in state.ids.items())

    def person(login):
        # An e-mail invitation is written as {email}; a member with a known id as {login, id},
        # so a later rename is followed (GitHub's ids never change).
        if '@' in login:
            return {'email': login}
        if login.lower() in ids:
            return {'login': login, 'id': ids[login.lower()]}
        return login

    people = list(state.members.values())
    teams = []
    for _key, team in sorted(state.teams.items()):
        entries = list(team.members.values())
        entry = {'team': team.slug}
        # The team's own settings, so that applying the export back changes nothing.
        for key in ('name', 'description', 'privacy', 'parent'):
            if getattr(team, key, None) is not None:
                entry[key] = getattr(team, key)
        entry['maintainers'] = names(e for e in entries if e.role == 'maintainer' and e.state == ACTIVE)
        entry['members'] = names(e for e in entries if not (e.role == 'maintainer' and e.state == ACTIVE))
        teams.append(entry)
    return {'org': state.org, 'owners': [person(n) for n in names(e for e in people if e.role == 'admin')],
            'members': [person(n) for n in names(e for e in people if e.role != 'admin')], 'teams': teams}


def _lists(done, after_members):
    return {
        'added': [w.login for w in done if w.action == ADD],
        'removed': [w.login for w in done if w.action == REMOVE],
        'role_changed': [w.login for w in done if w.action == ROLE],
        'pending': sorted((e.login for e in after_members.values() if e.state == PENDING), key=str.lower),
    }


def report(plan, done, after):
    """The result: ``changes`` (ordered writes as dicts), ``org`` and ``teams`` sections with
    ``added``, ``removed``, ``role_changed``, ``pending``, ``inherited``, ``problems``, and ``diff``."""
    org_done = [w for w in done if w.scope == ORG]
    org = _lists(org_done, after.members)
    roster = plan.roster
    now = roster.now
    org_problems = list(plan.problems) + _expired_problems(roster.expired, plan.before.members, roster.exclusive,
                                                           plan.before.org)
    if plan.invitations_left:
        org_problems.append('max_invitations=%d in 24 hours reached (%d sent in the last 24 hours): %d invitation(s) '
                            'left for the next run (GitHub allows an organization 50 invitations a day, 500 when it is '
                            'older than a month or on a paid plan)'
                            % (roster.max_invitations, plan.sent_recently, plan.invitations_left))
    for name in plan.not_reinvited:
        org_problems.append('the invitation of %s expired or failed; it is not sent again (reinvite_failed=false)' % name)
    for item in plan.not_retried:
        org_problems.append('the invitation of %s failed (%s at %s): not sent again, since a retry cannot fix that'
                            % (item['login'], item['reason'], item['failed_at']))
    for address in plan.already_members:
        org_problems.append('%s: GitHub answered that a user with this address is already a part of %s (the invitation '
                            'was accepted): nothing was sent; list their login instead of the address'
                            % (address, plan.before.org))
    for item in plan.renamed:
        org_problems.append('login changed from %s to %s (user id %d): update the file'
                            % (item['from'], item['to'], item['id']))
    # Reported (not warned: a file may well manage only some teams); deleted only when asked.
    unlisted = unlisted_teams(plan.before, roster) if roster.teams or roster.delete_unlisted_teams else []
    for login, slug in getattr(plan, 'enterprise_kept', ()):
        org_problems.append('%s is a member of the enterprise team %s: GitHub does not let the organization remove '
                            'them, so they stay (list them, or take them out of the enterprise team)' % (login, slug))
    if roster.delete_unlisted_teams and not roster.teams:
        org_problems.append('delete_unlisted_teams is set but the entry lists no teams: no team of %s is deleted'
                            % plan.before.org)
    # Every team a deletion takes: the team, and the teams below it that GitHub deletes with it.
    deleted = [slug for w in done if w.scope == TEAM_SETTINGS and w.action == 'delete'
               for slug in [w.team] + list(w.change.cascade)]
    org.update(unlisted_teams=unlisted, deleted_teams=deleted)
    org.update(inherited=[], problems=org_problems, failed_invitations=list(after.failed),
               reinvited=[w.login for w in org_done if w.action == ADD and w.change.key in plan.reinvite],
               not_reinvited=list(plan.not_reinvited), not_retried=list(plan.not_retried),
               invitations_left=plan.invitations_left,
               deferred=[w.as_dict() for w in plan.deferred], already_members=list(plan.already_members),
               renamed=list(plan.renamed),
               expired=[expiry_view(p, now) for p in roster.expired],
               expiring=[expiry_view(p, now) for p in roster.expiring])
    teams = {}
    wanted_by_key = dict((t.key, t) for t in roster.teams)
    for key, tplan in plan.teams.items():
        team_after = after.teams.get(key)
        t_done = [w for w in done if w.scope == TEAM and w.team.lower() == key]
        section = _lists(t_done, team_after.members if team_after else {})
        problems = list(tplan.problems)
        for login in tplan.owners_kept:
            problems.append('%s is an organization owner: GitHub shows owners as maintainers of every team they are '
                            'in, so they are left as they are' % login)
        wanted = wanted_by_key.get(key)
        expired = list(wanted.expired) if wanted is not None else []
        expiring = list(wanted.expiring) if wanted is not None else []
        team_before = plan.before.teams.get(key)
        problems.extend(_expired_problems(expired, team_before.members if team_before else {},
                                          wanted.exclusive if wanted is not None else False,
                                          'team %s in %s' % (tplan.slug, plan.before.org)))
        definition = [w.as_dict() for w in plan.writes if w.scope == TEAM_SETTINGS and w.change.slug.lower() == key]
        section['created'] = any(d['action'] == 'create' for d in definition)
        section['renamed_from'] = next((d['team'] for d in definition if d['action'] == 'rename'), None)
        section['settings_changed'] = dict(definition[0]['settings']) if definition else {}
        section.update(inherited=list(tplan.inherited), problems=problems, left_with_org=list(tplan.left_with_org),
                       managed_externally=tplan.managed_externally, withheld=[w.as_dict() for w in tplan.withheld],
                       creator_left=tplan.creator_left,
                       expired=[expiry_view(p, now) for p in expired],
                       expiring=[expiry_view(p, now) for p in expiring])
        teams[tplan.slug] = section
    public = [w for w in done if w.scope == PUBLIC]
    keys = set(plan.teams)
    return {
        'changes': [w.as_dict() for w in done],
        'org': org,
        'teams': teams,
        'public': after.public,
        'public_changed': bool(public),
        'diff': {'before': state_view(plan.before, keys), 'after': state_view(after, keys)},
    }


def _expired_problems(expired, members, exclusive, where):
    """An expired entry counts as not listed: an exclusive scope removes it (a planned write);
    elsewhere it is only reported, for someone to remove by hand."""
    if exclusive:
        return []
    return ['%s: the access of %s expired (%s) but %s is not exclusive, so it is not removed'
            % (where, p.name, p.expires_text, where) for p in expired if p.key in members]


# ---------------------------------------------------------------------------------------------
# input


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
    from ansible_collections.gitops.github.plugins.module_utils._plan import collect_wanted, parse_max_removals

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
