# -*- coding: utf-8 -*-
# Copyright (c) gitops.github contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Pure planning for the whole membership of one organization: no I/O.

:func:`plan_roster` turns an :class:`._org_state.OrgState` (what the bulk reader found) and an
:class:`._org_input.Roster` (what the user asked for) into one :class:`RosterPlan`: the ordered
writes for the whole org, with the cascade (removing someone from the org removes them from its
teams, so no team write is planned for them) and what each team leaves alone. The guards on that
whole plan are in :mod:`._org_guards`, the folding of writes into the state (check mode and the
real run share every step) in :mod:`._org_predict`, the result in :mod:`._org_report`.

The order of writes is safe by construction: organization promotions and additions first (new
owners are promoted before any old owner is demoted), then team additions and promotions, then the
public membership, then demotions (organization, then teams), then removals (teams, then the
organization).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

from ansible_collections.gitops.github.plugins.module_utils._names import (
    team_slug_of,
    undocumented_letters,
)
from ansible_collections.gitops.github.plugins.module_utils._org_invitations import (
    failed_invitations,
    cap_invitations,
    held_for_addresses,
    sent_within_a_day,
)
from ansible_collections.gitops.github.plugins.module_utils._org_predict import (
    predict,
)
from ansible_collections.gitops.github.plugins.module_utils._org_state import (
    SETTING_KEYS,
    TeamChange,
    TeamState,
    Write,
)
from ansible_collections.gitops.github.plugins.module_utils._plan import (
    ACTIVE,
    ADD,
    ORG,
    ORG_ROLES,
    PUBLIC,
    REMOVE,
    ROLE,
    TEAM,
    TEAM_ROLES,
    TEAM_SETTINGS,
    Change,
    Entry,
    active_owners_after,
    plan_members,
)
from ansible_collections.gitops.github.plugins.module_utils._two_factor import listed_keys, member_removals

if TYPE_CHECKING:
    from ansible_collections.gitops.github.plugins.module_utils._org_input import Roster, TeamWanted
    from ansible_collections.gitops.github.plugins.module_utils._two_factor import TwoFactor
    from ansible_collections.gitops.github.plugins.module_utils._org_state import OrgState
    from ansible_collections.gitops.github.plugins.module_utils._plan_people import Person

HIDDEN_ROLE = 'hidden by the owner role'


# The phases of the write order (see the module docstring).
# The token's own user is demoted or removed last ('self'), so the writes before it keep its rights.
_PHASES = ('org-promote', 'org-add', 'team-define', 'team-add', 'creator', 'public', 'org-demote', 'team-demote',
           'team-remove', 'team-delete', 'org-remove', 'self')


class TeamPlan(object):
    """What one team's part of the plan does and leaves alone."""

    withheld: list[Write]
    creator_left: str | None

    def __init__(self, slug: str, writes: Iterable[Write] = (), inherited: Iterable[str] = (), owners_kept: Iterable[str] = (),
                 left_with_org: Iterable[str] = (), problems: Iterable[str] = (), managed_externally: bool = False,
                 current_count: int = 0) -> None:
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

    not_retried: list[dict[str, Any]]
    enterprise_kept: list[tuple[str, str]]
    already_members: list[str]
    removals_withheld: list[Write]
    may_be_members: list[str]
    two_factor: TwoFactor | None

    def __init__(self, before: OrgState, roster: Roster, writes: Iterable[Write], teams: dict[str, TeamPlan],
                 problems: Iterable[str] = (), renamed: Iterable[dict[str, Any]] = (), reinvite: Iterable[str] = (),
                 not_reinvited: Iterable[str] = (), deferred: Iterable[Write] = (), invitations_left: int = 0) -> None:
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
        self.removals_withheld = []               # removals of members an unanswered listed address could be
        self.may_be_members = []                  # check mode: addresses invited, perhaps "already a part of"
        self.two_factor = None                    # the two-factor policy's read (._two_factor), when asked

    @property
    def changed(self) -> bool:
        return bool(self.writes)

    def of(self, scope: str, action: str | None = None, team: str | None = None) -> list[Write]:
        return [w for w in self.writes if w.scope == scope and (action is None or w.action == action)
                and (team is None or (w.team or '').lower() == team.lower())]


def _is_demotion(change: Change, top: str) -> bool:
    return change.action == ROLE and change.before is not None and change.before.role == top and change.role != top


def _phase(scope: str, change: Change) -> str:
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


def owners_after(state: OrgState, org_changes: Sequence[Change]) -> set[str]:
    """Lower-case logins of the active owners once ``org_changes`` are made: the list modules'
    :func:`._plan.active_owners_after`, and on GHES (no invitations) an owner added is one at once."""
    owners = active_owners_after(state.members, org_changes, 'admin')
    if state.ghes:
        owners.update(c.key for c in org_changes if c.action == ADD and c.role == 'admin')
    return owners


def _settings_diff(team: TeamState | None, wanted: TeamWanted) -> dict[str, Any]:
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


def parent_cycle(roster: Roster, state: OrgState) -> list[str] | None:
    """A list of slugs that form a cycle of parents once the file's renames (``previously``) and
    ``parent`` settings are applied (the teams GitHub has keep theirs, under their new slugs), or
    ``None``. A team renamed and moved under its own child is a cycle too: GitHub answers 422
    half-way through the run otherwise."""
    renamed = _renamed_slugs(roster, state)
    parents: dict[str, str | None] = {}
    for key, team in state.teams.items():
        parent = (team.parent or '').lower() or None
        parents[renamed.get(key, key)] = renamed.get(parent, parent) if parent else None
    for wanted in roster.teams:
        if 'parent' in wanted.settings:
            parent = (wanted.settings['parent'] or '').lower() or None
            parents[wanted.key] = renamed.get(parent, parent) if parent else None
    for start in parents:
        seen = [start]
        node = parents.get(start)
        while node is not None:
            if node in seen:
                return seen[seen.index(node):] + [node]
            seen.append(node)
            node = parents.get(node)
    return None


def _renamed_slugs(roster: Roster, state: OrgState) -> dict[str, str]:
    """``{old slug: new slug}`` (lower case) of the teams the file renames: a listed team GitHub
    does not have under its slug, whose former slug (``previously``) it has."""
    renamed: dict[str, str] = {}
    for wanted in roster.teams:
        if wanted.key in state.teams:
            continue
        for former in wanted.previously:
            if former.lower() in state.teams and former.lower() not in renamed:
                renamed[former.lower()] = wanted.key
                break
    return renamed


def _ancestors(state: OrgState, key: str) -> list[TeamState]:
    out: list[TeamState] = []
    node = state.teams.get(key)
    while node is not None and node.parent and len(out) <= len(state.teams):
        node = state.teams.get(node.parent.lower())
        if node is not None:
            out.append(node)
    return out


def unlisted_teams(state: OrgState, roster: Roster) -> list[str]:
    """Slugs of the teams GitHub has that the file neither lists nor renames (enterprise teams,
    which the organization API cannot change, apart)."""
    listed = set(t.key for t in roster.teams)
    former = set(f.lower() for t in roster.teams for f in t.previously if t.key not in state.teams)
    return [t.slug for k, t in sorted(state.teams.items()) if k not in listed and k not in former and not t.enterprise]


def read_only_reason(wanted: TeamWanted, team: TeamState | None) -> str | None:
    """Why no write may touch a listed team (``None`` when writes may): the file marks it
    ``managed_externally``, or GitHub shows it as an enterprise team, which the organization API
    refuses to change (GitHub: 422 on a delete, 403 on its members; kubernetes-sigs/prow#710)."""
    if team is not None and team.enterprise:
        return 'an enterprise team (GitHub does not let the organization API change it)'
    if wanted.managed_externally:
        return 'managed externally'
    return None


def planned_tree(state: OrgState, writes: Iterable[Write]) -> OrgState:
    """The teams once ``writes`` (creations, renames, settings changes) are made: the tree every
    deletion, its guard and the secret-team rule are checked on."""
    planned = state.copy()
    for write in writes:
        if write.scope == TEAM_SETTINGS and write.action != 'delete':
            predict(planned, write)
    return planned


def secret_problems(planned: OrgState) -> list[str]:
    """GitHub: "Secret teams cannot be nested under parent teams or have child teams" ("About
    teams"; the ``privacy`` parameter of ``POST /orgs/{org}/teams``)."""
    children: dict[str, list[str]] = {}
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


def _deletions(planned: OrgState, listed: set[str]) -> tuple[list[Write], list[str]]:
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


def _former_team(state: OrgState, wanted: TeamWanted, listed: set[str], claimed: dict[str, str],
                 problems: list[str]) -> TeamState | None:
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


def _define(state: OrgState, wanted: TeamWanted, listed: set[str], claimed: dict[str, str], own_login: str | None,
            problems: list[str]) -> tuple[Write | None, TeamState | None, Write | None]:
    """``(write, team, withheld)`` for one listed team: the write that defines it (an update, a
    rename from a former slug, a creation) or ``None``; the team as the membership planning must
    see it, or ``None`` when it cannot be planned (a problem says why); a settings change a
    read-only team is not given."""
    team = state.teams.get(wanted.key)
    if team is not None:
        diff = _settings_diff(team, wanted)
        if not diff:
            return None, team, None
        write = Write(TEAM_SETTINGS, TeamChange('update', team.slug, diff), team=team.slug, phase='team-define')
        if read_only_reason(wanted, team):
            return None, team, write
        return write, team, None
    old = _former_team(state, wanted, listed, claimed, problems)
    parent = wanted.settings.get('parent')
    if parent and parent.lower() not in state.teams and parent.lower() not in listed:
        problems.append('team %s: its parent %s neither exists nor is listed' % (wanted.slug, parent))
        return None, None, None
    reason = read_only_reason(wanted, old)
    if reason:
        # No write of any kind: neither created nor renamed here.
        problems.append('team %s is %s: it is not %s here; do it where the team is managed'
                        % (wanted.slug, reason, 'renamed from %s' % old.slug if old is not None else 'created'))
        return None, None, None
    diff = _settings_diff(old, wanted)
    diff['name'] = wanted.settings.get('name') or wanted.slug
    if old is not None:
        renamed = old.copy()
        renamed.slug = wanted.slug
        return Write(TEAM_SETTINGS, TeamChange('rename', wanted.slug, diff), team=old.slug, phase='team-define'), renamed, None
    creator = own_login  # None for a GitHub App: no user is made maintainer
    members = {creator.lower(): Entry(creator, 'maintainer', ACTIVE)} if creator else {}
    created = TeamState(wanted.slug, None, diff.get('parent'), diff['name'], diff.get('description'),
                        diff.get('privacy'), members)
    return Write(TEAM_SETTINGS, TeamChange('create', wanted.slug, diff, creator), team=wanted.slug,
                 phase='team-define'), created, None


def _parents_first(state: OrgState, roster: Roster, writes: list[Write]) -> None:
    """Sorts the definitions so that a team is defined after every team above it that is defined too."""
    order = dict((w.change.slug.lower(), i) for i, w in enumerate(writes))
    parents = dict((k, (t.parent or '').lower() or None) for k, t in state.teams.items())
    for wanted in roster.teams:
        if 'parent' in wanted.settings:
            parents[wanted.key] = (wanted.settings['parent'] or '').lower() or None

    def depth(key: str) -> int:
        count = 0
        node = parents.get(key)
        while node is not None and count <= len(parents):
            count += 1
            node = parents.get(node)
        return count
    writes.sort(key=lambda w: (depth(w.change.slug.lower()), order[w.change.slug.lower()]))


def _closed_parents(planned: OrgState, writes: Iterable[Write]) -> None:
    """A new team the plan gives children is created ``closed``: GitHub makes a new top-level team
    secret, and a secret team cannot have children."""
    for write in writes:
        key = write.change.slug.lower()
        if write.action == 'create' and 'privacy' not in write.change.settings and planned.descendants(key):
            write.change.settings['privacy'] = 'closed'
            planned.teams[key].privacy = 'closed'


def _both_kept(state: OrgState, roster: Roster) -> tuple[set[str], list[str]]:
    """``(former slugs, problems)``: a former slug (previously) whose team still exists beside the
    listed new slug. GitHub has two teams where the file speaks of one; neither is renamed or
    deleted, the file must say which."""
    both = [(t.slug, f) for t in roster.teams if t.key in state.teams
            for f in t.previously if f.lower() != t.key and f.lower() in state.teams]
    problems = ['team %s lists %s in previously, but GitHub has both teams: delete %s by hand or take it '
                'out of previously (nothing is deleted meanwhile)' % (slug, former, former) for slug, former in both]
    return set(f.lower() for _slug, f in both), problems


def _name_problems(writes: Iterable[Write]) -> list[str]:
    """A name written (create, rename, or a new name) gives the team the slug GitHub derives from
    it: the name must give the listed slug."""
    problems = []
    for write in writes:
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
    return problems


def _plan_definitions(state: OrgState, roster: Roster,
                      own_login: str | None) -> tuple[list[Write], dict[str, TeamState], list[str], dict[str, list[Write]]]:
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
    withheld: dict[str, list[Write]]
    claimed: dict[str, str]
    writes, teams, withheld, claimed = [], {}, {}, {}
    for wanted in roster.teams:
        write, team, held = _define(state, wanted, listed, claimed, own_login, problems)
        if write is not None:
            writes.append(write)
        if team is not None:
            teams[wanted.key] = team
        if held is not None:
            withheld.setdefault(wanted.key, []).append(held)
    _parents_first(state, roster, writes)
    planned = planned_tree(state, writes)
    _closed_parents(planned, writes)
    problems.extend(secret_problems(planned))
    both, trouble = _both_kept(state, roster)
    problems.extend(trouble)
    if roster.delete_unlisted_teams and roster.teams:
        deletions, trouble = _deletions(planned, listed | both)
        writes.extend(deletions)
        problems.extend(trouble)
    problems.extend(_name_problems(writes))
    return writes, teams, problems, withheld


class _OrgSide(object):
    """What the organization's part of the plan means for every team's part."""

    def __init__(self, state: OrgState, org_changes: Sequence[Change], mapping: dict[str, str], definitions: Iterable[Write],
                 withheld: dict[str, list[Write]], own_login: str | None) -> None:
        self.mapping = mapping
        self.removed = set(c.key for c in org_changes if c.action == REMOVE)
        self.owners = owners_after(state, org_changes)
        # Owners demoted now: every team shows them as maintainer, their own team role is hidden.
        self.demoted = set(c.key for c in org_changes if _is_demotion(c, 'admin') and c.before.state == ACTIVE)  # type: ignore[union-attr]
        self.created = dict((w.change.slug.lower(), w.change) for w in definitions if w.action == 'create')
        self.withheld = withheld
        self.own = (own_login or '').lower()


def _hide_demoted_roles(plan_current: dict[str, Entry], team_wanted: Mapping[str, tuple[str, str]], demoted: Iterable[str]) -> None:
    """Owners demoted now: every team shows them as maintainer and hides their own team role, so
    the wanted role is written once; after the demotion GitHub shows the real one."""
    for key in demoted:
        entry = plan_current.get(key)
        if entry is not None and key in team_wanted and entry.state == ACTIVE and not entry.inherited:
            plan_current[key] = entry.copy(role=HIDDEN_ROLE)


def _team_current(state: OrgState, wanted: TeamWanted, team: TeamState, team_wanted: Mapping[str, tuple[str, str]],
                  side: _OrgSide) -> dict[str, Entry]:
    """The team's members as the membership planning must see them."""
    current = dict(team.members)
    # Members only through a child team are shown by GitHub but cannot be removed from here.
    for key, login in state.child_members(wanted.key).items():
        if key not in current:
            current[key] = Entry(login, 'member', ACTIVE, inherited=True)
    # A listed user only seen through a child team is made an immediate member.
    plan_current = dict((k, e) for k, e in current.items() if not (e.inherited and k in team_wanted))
    _hide_demoted_roles(plan_current, team_wanted, side.demoted)
    creation = side.created.get(wanted.key)
    if creation is not None:
        creator = (creation.creator or '').lower()
        plan_current = dict((k, e) for k, e in plan_current.items() if k != creator or k in team_wanted)
    return plan_current


def _withhold(tplan: TeamPlan, reason: str, settings: list[Write], kept: list[Change]) -> list[str]:
    """A team managed elsewhere is read and reported, never written (settings included): what
    would be written is kept apart as drift."""
    tplan.withheld = settings + [Write(TEAM, c, team=tplan.slug, phase=_phase(TEAM, c)) for c in kept]
    problems = ['team %s is %s: not updating its settings (%s)' % (tplan.slug, reason, ', '.join(sorted(w.change.settings)))
                for w in settings]
    problems.extend('team %s is %s: not %s' % (tplan.slug, reason, _describe(change)) for change in kept)
    return problems


def _creator_left(tplan: TeamPlan, wanted: TeamWanted, team: TeamState, team_wanted: Mapping[str, tuple[str, str]],
                  side: _OrgSide, reason: str | None) -> list[str]:
    """GitHub makes the token's user maintainer of a team it creates, and only the run that
    creates the team undoes it: a run cut short in between leaves it. Named, not undone (nothing
    tells it from a membership someone wanted)."""
    entry = team.members.get(side.own) if side.own else None
    if (entry is None or entry.state != ACTIVE or side.own in team_wanted or wanted.key in side.created
            or reason):
        return []
    tplan.creator_left = entry.login
    return ['%s (the token\'s user) is a %s of team %s but not listed there: GitHub makes the '
            'creator of a team its maintainer, and a run cut short after creating the team '
            'leaves them so. List them in the team, or remove them (exclusive: true with '
            'allow_self: true does)' % (entry.login, entry.role or 'member', team.slug)]


def _plan_team(state: OrgState, wanted: TeamWanted, team: TeamState, side: _OrgSide,
               problems: list[str]) -> tuple[TeamPlan, list[Write]]:
    """``(TeamPlan, writes)``: one listed team's membership writes and report."""
    team_wanted = _rewrite(wanted.wanted, side.mapping, problems, 'team %s' % wanted.slug)
    plan = plan_members(_team_current(state, wanted, team, team_wanted, side), team_wanted, TEAM_ROLES,
                        wanted.exclusive, owners=side.owners)
    writes = []
    creation = side.created.get(wanted.key)
    if creation is not None and creation.creator and creation.creator.lower() not in team_wanted:
        # GitHub makes the token's user maintainer of a team it creates: undo it, unlisted.
        writes.append(Write(TEAM, Change(REMOVE, creation.creator, None, Entry(creation.creator, 'maintainer', ACTIVE)),
                            team=team.slug, phase='creator'))
    # The organization removal takes the removed out of every team: no team write for them.
    left = [c.login for c in plan.changes if c.key in side.removed and c.action == REMOVE]
    kept = [c for c in plan.changes if c.key not in side.removed]
    reason = read_only_reason(wanted, team)
    tplan = TeamPlan(team.slug, inherited=plan.inherited, owners_kept=plan.owners_kept, left_with_org=left,
                     managed_externally=bool(reason), current_count=len(team.members))
    team_problems = []
    if reason:
        team_problems = _withhold(tplan, reason, side.withheld.get(wanted.key, []), kept)
    else:
        tplan.writes = [Write(TEAM, c, team=team.slug, phase=_phase(TEAM, c)) for c in kept]
        writes.extend(tplan.writes)
    team_problems.extend(_creator_left(tplan, wanted, team, team_wanted, side, reason))
    tplan.problems = team_problems
    return tplan, writes


def _in_write_order(writes: list[Write], own: str) -> list[Write]:
    """The writes in the phases' order; the token's own demotions and removals last, teams first,
    so that every other write is made while the token still has the rights it needs."""
    for write in writes:
        if own and write.scope not in (PUBLIC, TEAM_SETTINGS) and write.change.key == own and write.phase in (
                'org-demote', 'team-demote', 'team-remove', 'org-remove'):
            write.phase = 'self'
    order = dict((name, i) for i, name in enumerate(_PHASES))
    # stable: keeps the role and login order inside a phase
    writes.sort(key=lambda w: (order[w.phase], w.scope == ORG if w.phase == 'self' else False))  # type: ignore[index]
    return writes


def plan_roster(state: OrgState, roster: Roster, own_login: str | None = None,
                two_factor: TwoFactor | None = None) -> RosterPlan:
    """The whole plan from ``state`` (:class:`._org_state.OrgState`) to ``roster`` (:class:`._org_input.Roster`).

    ``own_login`` (the token's user, when known) only moves that user's own demotions and removals
    to the very end, teams first, so that every other write is made while the token still has the
    rights it needs.

    ``two_factor`` (:class:`._two_factor.TwoFactor`, under ``require_two_factor: remove``) adds the
    removals of the unlisted members without two-factor authentication, guarded as any removal.

    Raises nothing; a team of the file that does not exist is a problem in ``plan.problems``
    (the caller fails before any write when there are problems).
    """
    org_changes = []
    renamed, mapping, problems = _renames(state, roster)
    if roster.wanted is not None:
        org_wanted = _rewrite(roster.wanted, mapping, problems)
        org_changes = plan_members(state.members, org_wanted, ORG_ROLES, roster.exclusive).changes
    org_changes.extend(member_removals(two_factor, state, listed_keys(roster, mapping), org_changes))
    org_changes, kept_by_enterprise = enterprise_granted(state, org_changes)
    problems.extend(_accepted_addresses(state, org_changes))

    writes = [Write(ORG, c, phase=_phase(ORG, c)) for c in org_changes]
    definitions, defined, def_problems, withheld_settings = _plan_definitions(state, roster, own_login)
    problems.extend(def_problems)
    writes.extend(definitions)
    side = _OrgSide(state, org_changes, mapping, definitions, withheld_settings, own_login)
    team_plans = {}
    for wanted in roster.teams:
        team = defined.get(wanted.key)
        if team is None:
            team_plans[wanted.key] = TeamPlan(wanted.slug, problems=['cannot be planned'])
            continue
        team_plans[wanted.key], team_writes = _plan_team(state, wanted, team, side, problems)
        writes.extend(team_writes)

    if roster.public_membership is not None and state.public is not None and roster.public_membership != state.public:
        writes.append(Write(PUBLIC, _PublicChange(roster.public_membership), phase='public'))
    writes, reinvite, not_reinvited, not_retried = failed_invitations(state, roster, _in_write_order(writes, side.own))
    sent = sent_within_a_day(state, roster.now)
    limit = None if roster.max_invitations is None else max(roster.max_invitations - sent, 0)
    writes, deferred, left = cap_invitations(state, writes, limit)
    writes, held = held_for_addresses(state, writes, deferred)
    plan = RosterPlan(state, roster, writes, team_plans, problems, renamed, reinvite, not_reinvited, deferred, left)
    plan.removals_withheld = held
    plan.not_retried = not_retried
    plan.sent_recently = sent
    plan.enterprise_kept = kept_by_enterprise
    plan.two_factor = two_factor
    return plan


def ids_to_look_up(state: OrgState, roster: Roster) -> list[int]:
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


def enterprise_granted(state: OrgState, org_changes: Sequence[Change]) -> tuple[list[Change], list[tuple[str, str]]]:
    """``(org_changes, kept)``: the organization removals of the members of an enterprise team
    taken out, as ``kept`` ``[(login, team slug)]``. GitHub grants them the membership through the
    enterprise and refuses their removal through the organization API with 403
    (kubernetes-sigs/prow#710 drops them from its removal candidates the same way)."""
    granted: dict[str, str] = {}
    for team in sorted(state.teams.values(), key=lambda t: t.key):
        if team.enterprise:
            for key, entry in team.members.items():
                if entry.state == ACTIVE:
                    granted.setdefault(key, team.slug)
    kept = [(c.login, granted[c.key]) for c in org_changes if c.action == REMOVE and c.key in granted]
    return [c for c in org_changes if not (c.action == REMOVE and c.key in granted)], kept


def _id_problem(state: OrgState, person: Person, now_login: str | None, id_of: Mapping[str, int]) -> str | None:
    """Why the file's ``id`` and ``login`` of ``person`` cannot both be right, or ``None``."""
    key = person.login.lower()
    if now_login is not None and now_login.lower() != key and key in state.members:
        return ('%s is listed with id %d, which GitHub shows for %s; %s is still in %s, so this is '
                'not a rename: correct the id or the login'
                % (person.login, person.id, now_login, state.members[key].login, state.org))
    shown = id_of.get(key)
    if shown is not None and shown != person.id:
        return ('%s is listed with id %d, but GitHub shows %s in %s with id %d: correct the id or '
                'the login' % (person.login, person.id, state.members[key].login, state.org, shown))
    if now_login is None and person.id in state.looked_up:
        return ('%s is listed with id %d, which no GitHub account has (GET /user/%d answered 404): '
                'remove the entry or correct the id' % (person.login, person.id, person.id))
    return None


def _renames(state: OrgState, roster: Roster) -> tuple[list[dict[str, Any]], dict[str, str], list[str]]:
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
            now_login = state.ids.get(person.id) or state.looked_up.get(person.id)
            problem = _id_problem(state, person, now_login, id_of)
            if problem:
                problems.append(problem)
            elif now_login is not None and now_login.lower() != person.login.lower():
                mapping[person.login.lower()] = now_login
                if person.id not in seen:
                    seen.add(person.id)
                    renamed.append({'id': person.id, 'from': person.login, 'to': now_login})
        elif person.email and not person.login:
            key = state.emails.get(person.email.lower())
            if key is not None and key in state.members and key != person.email.lower():
                # GitHub shows this e-mail invitation under the login it reached.
                mapping[person.email.lower()] = state.members[key].login
    return renamed, mapping, _unique_texts(problems)


def _unique_texts(items: Iterable[str]) -> list[str]:
    out = []
    for item in items:
        if item not in out:
            out.append(item)
    return out


def _accepted_addresses(state: OrgState, org_changes: Sequence[Change]) -> list[str]:
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


def _rewrite(wanted: dict[str, tuple[str, str]], mapping: Mapping[str, str], problems: list[str] | None = None,
             where: str = 'the organization') -> dict[str, tuple[str, str]]:
    """``wanted`` with renamed logins replaced by GitHub's current ones (order kept). A renamed
    login whose new login the file lists too is one person listed twice: a problem (appended to
    ``problems``), never a silent merge in which one of the two roles wins."""
    if not mapping:
        return wanted
    out: dict[str, tuple[str, str, str]] = {}
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


class _PublicChange(object):
    """Publicize (``add``) or conceal (``remove``) the token owner's own membership."""

    __slots__ = ('action', 'login', 'role', 'before')

    def __init__(self, public: bool) -> None:
        self.action = ADD if public else REMOVE
        self.login = None
        self.role = None
        self.before = None

    @property
    def key(self) -> None:
        return None


def _describe(change: Change) -> str:
    if change.action == ADD:
        return 'adding %s as %s' % (change.login, change.role)
    if change.action == REMOVE:
        return 'removing %s' % change.login
    return 'changing %s to %s' % (change.login, change.role)


def additions_to_look_up(plan: RosterPlan) -> dict[str, str]:
    """Lower-case key -> login of the people the plan adds who are not in the organization yet
    (org additions, and team additions that would invite a non-member): the only ones GitHub can
    refuse as "no such user" or "an organization". Pure."""
    out: dict[str, str] = {}
    for write in plan.writes:
        # An invitation by e-mail (an address has an @, a login never) is no login to look up.
        if (write.action == ADD and write.scope in (ORG, TEAM) and '@' not in write.login  # type: ignore[operator]
                and write.change.key not in plan.before.members):
            out.setdefault(write.change.key, write.login)  # type: ignore[arg-type]
    return out


def without_additions(plan: RosterPlan, keys: Iterable[str]) -> RosterPlan:
    """``plan`` without the additions (org and team) of the lower-case logins ``keys``: what check
    mode may promise once a lookup showed GitHub would refuse them. Pure."""
    keys = set(keys)
    if not keys:
        return plan

    def keep(write: Write) -> bool:
        return not (write.action == ADD and write.scope in (ORG, TEAM) and write.change.key in keys)

    for tplan in plan.teams.values():
        tplan.writes = [w for w in tplan.writes if keep(w)]
    plan.writes = [w for w in plan.writes if keep(w)]
    return plan
