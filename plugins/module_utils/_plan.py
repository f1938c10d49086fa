# -*- coding: utf-8 -*-
# Copyright (c) gitops.github contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Pure planning of memberships: whole member lists (an org, a team) and single memberships. No I/O.

The modules read the current state through GitHub's list endpoints into :class:`Entry` objects,
:func:`plan_members` turns current + wanted into an ordered list of :class:`Change` objects, and
:func:`apply_change` folds each change into the state. Check mode and the real run share all of it.
A single membership is a list of one (:func:`plan_membership`), and the whole-org engine
(:mod:`._plan_org`) plans the org's list and each team's with :func:`plan_members` too: one planner.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, Sequence, TypeVar

if TYPE_CHECKING:
    from ansible_collections.gitops.github.plugins.module_utils._org_state import Write

# run_in_order makes any kind of write (a Change here, a whole-org Write there) into any state.
_Item = TypeVar('_Item')
_State = TypeVar('_State')

ACTIVE = 'active'
PENDING = 'pending'
ORG_ROLES = ('admin', 'member')
TEAM_ROLES = ('maintainer', 'member')

ADD = 'add'
ROLE = 'role'
REMOVE = 'remove'

# The scopes of a whole-org plan's writes (:mod:`._plan_org`); here so that the write path in
# ._resources needs no more of the planner than these names.
ORG = 'org'
TEAM = 'team'
PUBLIC = 'public'
TEAM_SETTINGS = 'team_settings'

# GitHub's invitation roles, as the membership role they become.
_INVITATION_ROLES: dict[str | None, str] = {'admin': 'admin', 'direct_member': 'member', 'reinstate': 'member'}

_MAX_REMOVALS_RE = re.compile(r'^\s*(\d+)\s*(%?)\s*$')


class Entry(object):
    """One user as a list endpoint shows them: GitHub's spelling, role, state, and whether the
    membership is only visible through a child team."""

    __slots__ = ('login', 'role', 'state', 'inherited')

    def __init__(self, login: str, role: str | None, state: str = ACTIVE, inherited: bool = False) -> None:
        self.login = login
        self.role = role
        self.state = state
        self.inherited = inherited

    def copy(self, **changes: Any) -> Entry:
        values: dict[str, Any] = dict(login=self.login, role=self.role, state=self.state, inherited=self.inherited)
        values.update(changes)
        return Entry(**values)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Entry) and (self.login, self.role, self.state, self.inherited) == (
            other.login, other.role, other.state, other.inherited)

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __repr__(self) -> str:
        return '<Entry %s %s %s%s>' % (self.login, self.role, self.state, ' inherited' if self.inherited else '')


class Change(object):
    """One write: ``add`` (PUT with ``role``), ``role`` (PUT with the new ``role``) or ``remove`` (DELETE)."""

    __slots__ = ('action', 'login', 'role', 'before')

    def __init__(self, action: str, login: str, role: str | None = None, before: Entry | None = None) -> None:
        self.action = action
        self.login = login
        self.role = role
        self.before = before  # the Entry it changes, None for an addition

    @property
    def key(self) -> str:
        return self.login.lower()

    def as_dict(self) -> dict[str, str | None]:
        return {'action': self.action, 'login': self.login, 'role': self.role}

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Change) and self.as_dict() == other.as_dict()

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __repr__(self) -> str:
        return '<Change %s %s %s>' % (self.action, self.login, self.role)


class Plan(object):
    """The ordered writes from the current to the wanted state, and what was deliberately left alone."""

    def __init__(self, before: dict[str, Entry], changes: Iterable[Change], owners_kept: Iterable[str] = (),
                 inherited: Iterable[str] = (), roles: Sequence[str] = ORG_ROLES) -> None:
        self.before = before
        self.changes = list(changes)
        self.owners_kept = list(owners_kept)   # team: owners listed as members (GitHub shows them as maintainers)
        self.inherited = list(inherited)       # team: unlisted members only through a child team, never removed
        self.roles = roles

    @property
    def changed(self) -> bool:
        return bool(self.changes)

    @property
    def removals(self) -> list[Change]:
        return [c for c in self.changes if c.action == REMOVE]

    def demotions(self) -> list[Change]:
        """Removals and role changes away from the top role (``admin`` or ``maintainer``)."""
        top = self.roles[0]
        return [c for c in self.changes
                if c.action == REMOVE or (c.action == ROLE and c.before is not None and c.before.role == top and c.role != top)]

    def without(self, keys: Iterable[str]) -> Plan:
        """The same plan without the additions of the lower-case logins ``keys``."""
        keys = set(keys)
        changes = [c for c in self.changes if not (c.action == ADD and c.key in keys)]
        return Plan(self.before, changes, self.owners_kept, self.inherited, self.roles)

    def after(self, new_state: str = PENDING) -> dict[str, Entry]:
        state = dict(self.before)
        for change in self.changes:
            apply_change(state, change, new_state)
        return state


# ---------------------------------------------------------------------------------------------
# input


def collect_wanted(groups: Iterable[tuple[str, Iterable[str] | None]],
                   validate: Callable[[str], str | None] | None = None) -> tuple[dict[str, tuple[str, str]], list[str]]:
    """Merge the wanted logins into ``{lower login: (login, role)}`` (in the order given).

    ``groups`` is a list of ``(role, [logins])``, first the top role. ``validate(login)`` returns a
    problem text or ``None``. Returns ``(wanted, problems)``; a login may appear only once, whatever
    its case and role.
    """
    wanted: dict[str, tuple[str, str]] = {}
    problems = []
    for role, logins in groups:
        for login in logins or []:
            if validate is not None:
                problem = validate(login)
                if problem:
                    problems.append(problem)
                    continue
            key = login.lower()
            if key in wanted:
                first, first_role = wanted[key]
                if first_role != role:
                    problems.append('%s is listed both as %s and as %s' % (login, first_role, role))
                elif first != login:
                    problems.append('%s is listed twice (as %s and %s; logins are case-insensitive)' % (login, first, login))
                else:
                    problems.append('%s is listed twice' % login)
                continue
            wanted[key] = (login, role)
    return wanted, _unique(problems)


def parse_max_removals(value: int | str) -> tuple[int, bool]:
    """``(number, is_percent)`` from ``10``, ``"10"`` or ``"10%"``; ``ValueError`` otherwise."""
    if isinstance(value, bool):
        raise ValueError('max_removals must be a number of users (like 10) or a percentage (like "25%%"), got %r' % (value,))
    if isinstance(value, int):
        number, percent = value, False
    else:
        match = _MAX_REMOVALS_RE.match(str(value))
        if not match:
            raise ValueError('max_removals must be a number of users (like 10) or a percentage (like "25%%"), got %r' % (value,))
        number, percent = int(match.group(1)), bool(match.group(2))
    if number < 0 or (percent and number > 100):
        raise ValueError('max_removals must be between 0 and %s, got %r' % ('100%' if percent else 'the number of members', value))
    return number, percent


def removal_limit(value: int | str, current_count: int) -> int:
    """How many removals ``max_removals`` allows out of ``current_count`` members and invitations.

    A percentage rounds down, but a percentage above 0 never forbids removing one person: the
    budget is there against mass removals (prow's peribolos ``--maximum-removal-delta``, a
    fraction of the current members), and ``25%`` of a team of one to three would otherwise
    freeze every small team. A number (``0``, ``5``) and ``0%`` are taken as they are."""
    number, percent = parse_max_removals(value)
    if percent:
        return max(current_count * number // 100, 1 if number and current_count else 0)
    return number


# ---------------------------------------------------------------------------------------------
# reading


def invitation_role(role: str | None) -> str | None:
    """The membership role of an organization invitation role (``direct_member`` is ``member``)."""
    return _INVITATION_ROLES.get(role, role)


def merge_lists(*lists: tuple[str, str, Iterable[str]]) -> dict[str, Entry]:
    """``{lower login: Entry}`` from ``(role, state, logins)`` triples; the first list to name a
    login wins (read the top role first), so a change between pages cannot list someone twice."""
    current: dict[str, Entry] = {}
    for role, state, logins in lists:
        for login in logins:
            current.setdefault(login.lower(), Entry(login, role, state))
    return current


def add_invitations(current: dict[str, Entry], invitations: Iterable[Mapping[str, Any]], with_role: bool = True) -> int:
    """Add pending invitations (GitHub invitation objects) to ``current``; returns how many were
    sent to an e-mail address and so have no login. ``with_role=False`` for team invitation lists,
    whose role is the organization role, not the team role."""
    by_email = 0
    for inv in invitations:
        login = inv.get('login')
        if not login:
            by_email += 1
            continue
        role = invitation_role(inv.get('role')) if with_role else None
        current.setdefault(login.lower(), Entry(login, role, PENDING))
    return by_email


def mark_inherited(current: dict[str, Entry], child_logins: Iterable[str]) -> dict[str, Entry]:
    """Mark active entries that a child team also lists (GitHub shows those on the parent)."""
    keys = set(login.lower() for login in child_logins)
    for key, entry in current.items():
        if key in keys and entry.state == ACTIVE:
            current[key] = entry.copy(inherited=True)
    return current


# ---------------------------------------------------------------------------------------------
# planning


def demotion_candidates(current: Mapping[str, Entry], wanted: Mapping[str, tuple[str, str]], roles: Sequence[str]) -> list[str]:
    """Wanted at the lower role but shown at the top one: for a team these may be org owners,
    which GitHub always shows as maintainers. Sorted lower-case logins."""
    top = roles[0]
    return sorted(key for key, (login, role) in wanted.items()
                  if role != top and key in current and current[key].role == top and current[key].state == ACTIVE)


def removal_candidates(current: Mapping[str, Entry], wanted: Mapping[str, Any]) -> list[str]:
    """Active users not wanted, i.e. those an exclusive run would remove."""
    return sorted(key for key, entry in current.items() if key not in wanted and entry.state == ACTIVE)


def plan_members(current: Mapping[str, Entry], wanted: Mapping[str, tuple[str, str]], roles: Sequence[str] = ORG_ROLES,
                 exclusive: bool = False, owners: Iterable[str] = ()) -> Plan:
    """Plan the writes from ``current`` (``{key: Entry}``) to ``wanted`` (from :func:`collect_wanted`).

    * A pending invitation counts as present; one with another role than wanted gets one PUT. A
      pending entry whose role is unknown (``None``, as team invitation lists do not say) is left alone.
    * ``owners`` (lower-case logins) are org owners: in a team GitHub shows them as maintainers, so
      one wanted as a member is left alone (reported in ``owners_kept``), never written every run.
    * With ``exclusive``, unwanted users are removed (invitations cancelled), except members only
      visible through a child team (``inherited``), whom the parent cannot remove.
    * Order: the top role first, then the others; additions and role changes before removals;
      logins sorted case-insensitively inside each group, so the order is stable.
    """
    changes, owners_kept = _role_changes(current, wanted, roles, set(o.lower() for o in owners))
    inherited: list[str] = []
    if exclusive:
        unwanted = [current[key] for key in sorted(k for k in current if k not in wanted)]
        inherited = [entry.login for entry in unwanted if entry.inherited]
        changes.extend(Change(REMOVE, entry.login, None, entry) for entry in unwanted if not entry.inherited)
    return Plan(dict(current), changes, owners_kept, inherited, roles)


def _role_changes(current: Mapping[str, Entry], wanted: Mapping[str, tuple[str, str]], roles: Sequence[str],
                  owners: set[str]) -> tuple[list[Change], list[str]]:
    """``(changes, owners_kept)``: the additions and role changes, the top role first."""
    changes = []
    owners_kept = []
    for role in roles:
        for key in sorted(k for k, pair in wanted.items() if pair[1] == role):
            entry = current.get(key)
            if entry is None:
                changes.append(Change(ADD, wanted[key][0], role))
            elif entry.role is None or entry.role == role:
                continue
            elif role != roles[0] and entry.role == roles[0] and key in owners and entry.state == ACTIVE:
                owners_kept.append(entry.login)
            else:
                changes.append(Change(ROLE, entry.login, role, entry))
    return changes, owners_kept


def apply_change(state: dict[str, Entry], change: Change, new_state: str = PENDING,
                 server_state: str | None = None) -> dict[str, Entry]:
    """Fold one done (or predicted) change into ``state``; ``server_state`` is what GitHub answered."""
    key = change.key
    if change.action == REMOVE:
        state.pop(key, None)
    elif change.action == ADD:
        state[key] = Entry(change.login, change.role, server_state or new_state)
    else:
        state[key] = change.before.copy(role=change.role, state=server_state or change.before.state, inherited=False)  # type: ignore[union-attr]
    return state


def parse_min_owners(value: object) -> int:
    """``min_owners`` as an int of 0 or more; ``ValueError`` otherwise (a boolean is not a number)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError('min_owners must be a whole number of 0 or more, got %r' % (value,))
    return value


def active_owners_after(before: Mapping[str, Entry], changes: Iterable[Change], top: str = ORG_ROLES[0]) -> set[str]:
    """The lower-case logins of the active owners (role ``top``) once ``changes`` are made to
    ``before`` (``{key: Entry}``). Pure.

    A pending owner does not count, and neither does an owner added by ``changes``: that is an
    invitation, which nobody can be sure will be accepted. A role change of an active member to
    ``top`` counts, since it takes effect at once.
    """
    owners = set(key for key, entry in before.items() if entry.state == ACTIVE and entry.role == top)
    for change in changes:
        if change.action == REMOVE or (change.action == ROLE and change.role != top):
            owners.discard(change.key)
        elif change.action == ROLE and change.before is not None and change.before.state == ACTIVE:
            owners.add(change.key)
    return owners


def min_owners_problem(before: Mapping[str, Entry], changes: Iterable[Change], min_owners: int, top: str = ORG_ROLES[0],
                       where: str = 'the organization') -> str | None:
    """Why the writes ``changes`` (any ordered list of :class:`Change`, the whole plan) must not be
    made to ``before``, because they would leave fewer than ``min_owners`` active owners, or
    ``None``. A plan that removes or demotes no active owner is never refused (it cannot make
    things worse, and refusing it would also refuse adding the owners that are missing). Pure."""
    now = set(key for key, entry in before.items() if entry.state == ACTIVE and entry.role == top)
    after = active_owners_after(before, changes, top)
    if len(after) >= min_owners or not now - after:
        return None
    lost = sorted((before[key].login for key in now - after), key=str.lower)
    return ('Refusing to remove or demote %s: %s would be left with %d active owner(s), fewer than min_owners=%d '
            '(pending invitations and owners added in the same run do not count). Keep enough owners, or lower '
            'min_owners if you mean it' % (', '.join(lost), where, len(after), min_owners))


def removal_budget_problem(plan: Plan, current_count: int, max_removals: int | str,
                           where: str = 'the organization') -> str | None:
    """Why ``plan`` removes more than ``max_removals`` allows out of ``current_count`` members
    and invitations, or ``None``. Pure."""
    removals = plan.removals
    limit = removal_limit(max_removals, current_count)
    if len(removals) <= limit:
        return None
    return ('Refusing to remove %d of the %d members and invitations of %s: max_removals=%s allows %d. '
            'Check the lists, or raise max_removals if you mean it' % (len(removals), current_count, where, max_removals, limit))


def self_problem(plan: Plan, own_login: str | None, where: str = 'the organization') -> str | None:
    """Why ``plan`` must not be made because it removes or demotes ``own_login`` (the token's
    user; ``None`` or ``''`` for a GitHub App, which has none), or ``None``. Pure."""
    own = (own_login or '').lower()
    if not own:
        return None
    for change in plan.demotions():
        if change.key == own:
            return ('Refusing to %s %s, the user this token belongs to, in %s: list them as %s, or set '
                    'allow_self=true if you mean it'
                    % ('remove' if change.action == REMOVE else 'demote', change.login, where, plan.roles[0]))
    return None


def plan_refusal(plan: Plan, current_count: int, max_removals: int | str, own_login: str | None = None,
                 allow_self: bool = False, min_owners: int | None = None, where: str = 'the organization') -> str | None:
    """The first guard ``plan`` fails, as a message, or ``None`` when it may be made: the removal
    budget, the token's own user (unless ``allow_self``), then ``min_owners`` (``None`` skips it,
    as for teams). All checked on the whole plan, before any write. Pure: the modules and the
    roster engine share it."""
    problem = removal_budget_problem(plan, current_count, max_removals, where)
    if problem is None and not allow_self:
        problem = self_problem(plan, own_login, where)
    if problem is None and min_owners is not None:
        problem = min_owners_problem(plan.before, plan.changes, min_owners, plan.roles[0], where)
    return problem


class Incomplete(Exception):
    """A write failed after ``done`` (the writes already made); ``state`` includes them. ``item``
    is the write that failed: a :class:`Change` here (also as ``change``), a whole-org
    :class:`._org_state.Write` there (also as ``write``)."""

    def __init__(self, error: BaseException, item: Any, done: list[Any], state: Any) -> None:
        super().__init__(str(error))
        self.error = error
        self.item = item
        self.done = done
        self.state = state

    @property
    def change(self) -> Change:
        return self.item

    @property
    def write(self) -> Write:
        return self.item


def run_in_order(items: Iterable[_Item], write: Callable[[_Item], Any], state: _State,
                 fold: Callable[[_State, _Item, Any], object],
                 errors: tuple[type[BaseException], ...] = (Exception,)) -> tuple[list[_Item], _State]:
    """Make the writes ``items`` in order with ``write(item)`` (which returns the state GitHub
    answered, or ``None``), folding each done one into ``state`` with ``fold(state, item,
    server_state)``. Returns ``(done, state)``; raises :class:`Incomplete` on the first failure of
    a type in ``errors``, so the caller can report what was done. Check mode passes a ``write``
    that sends nothing: the same steps, the same fold."""
    done: list[_Item] = []
    for item in items:
        try:
            server_state = write(item)
        except errors as exc:
            raise Incomplete(exc, item, done, state) from exc
        fold(state, item, server_state)
        done.append(item)
    return done, state


def execute(plan: Plan, write: Callable[[Change], Any], new_state: str = PENDING,
            errors: tuple[type[BaseException], ...] = (Exception,)) -> tuple[list[Change], dict[str, Entry]]:
    """Make ``plan``'s writes in order with ``write(change)``: :func:`run_in_order` with
    :func:`apply_change`."""
    return run_in_order(plan.changes, write, dict(plan.before),
                        lambda state, change, server_state: apply_change(state, change, new_state, server_state),
                        errors)


# ---------------------------------------------------------------------------------------------
# one membership (the single-membership modules): a list of one, planned by plan_members

ABSENT = 'absent'


def membership_view(login: str, data: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """``{login, state, role}`` from a GitHub membership body (or ``None`` for absent)."""
    if not data:
        return {'login': login, 'state': ABSENT, 'role': None}
    user = data.get('user') or {}
    return {'login': user.get('login') or login, 'state': data.get('state'), 'role': data.get('role')}


def plan_membership(before: Mapping[str, Any], state: str, role: str | None = None, roles: Sequence[str] = ORG_ROLES,
                    owner: bool = False, inherited: bool = False) -> Plan:
    """The :class:`Plan` (at most one change) from ``before`` (a :func:`membership_view`) to
    ``state`` (``present`` or ``absent``) with ``role``, made by :func:`plan_members` on a list of
    one, so the single-membership modules, the list modules and the whole-org engine decide alike.

    ``role`` ``None`` keeps the current role (a new membership is a ``member``). ``owner``: the
    user is an org owner, whom GitHub always shows as team maintainer, so ``member`` is converged.
    ``inherited``: the membership is only through a child team, which the parent cannot remove.
    """
    login = before['login']
    key = login.lower()
    current = {}
    if before['state'] != ABSENT:
        current[key] = Entry(login, before['role'], before['state'], inherited=inherited)
    if state == ABSENT:
        return plan_members(current, {}, roles, exclusive=True)
    if role is None:
        # Keep whatever role there is (also one this collection does not manage, such as
        # billing_manager: a wanted role outside ``roles`` is never written).
        role = before['role'] if key in current else 'member'
    return plan_members(current, {key: (login, role)}, roles, owners=(key,) if owner else ())


def membership_after(plan: Plan, login: str, new_state: str = PENDING, data: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The :func:`membership_view` of ``login`` once ``plan`` is made: from GitHub's answer
    ``data`` when there is one, else predicted (a new membership is ``new_state``)."""
    if data:
        return membership_view(login, data)
    entry = plan.after(new_state).get(login.lower())
    if entry is None:
        return membership_view(login)
    return {'login': entry.login, 'state': entry.state, 'role': entry.role}


# ---------------------------------------------------------------------------------------------
# reporting


def label(entry: Entry) -> str:
    """``admin``, ``member (pending)``, ``member (inherited)``: one line per user in a diff. A team
    role no read could see (an owner shows as maintainer; once demoted GitHub shows their own
    team role) reads ``own team role (hidden while an owner)``."""
    text = entry.role or ('unknown role' if entry.state == PENDING else 'own team role (hidden while an owner)')
    if entry.state == PENDING:
        text += ' (pending)'
    elif entry.inherited:
        text += ' (inherited)'
    return text


def diff_view(state: Mapping[str, Entry]) -> dict[str, str]:
    """``{login: label}`` (GitHub's spelling) for ``diff.before`` / ``diff.after``."""
    return dict((entry.login, label(entry)) for entry in state.values())


def summary(done: Sequence[Change], after: Mapping[str, Entry]) -> dict[str, Any]:
    """The result lists: ``added``, ``removed``, ``role_changed`` (logins, in the order written),
    ``pending`` (sorted) and ``changes`` (the writes as dicts)."""
    return {
        'added': [c.login for c in done if c.action == ADD],
        'removed': [c.login for c in done if c.action == REMOVE],
        'role_changed': [c.login for c in done if c.action == ROLE],
        'pending': sorted((e.login for e in after.values() if e.state == PENDING), key=str.lower),
        'changes': [c.as_dict() for c in done],
    }


def _unique(items: Iterable[str]) -> list[str]:
    seen = set()
    out = []
    for item in items:
        if item not in seen:
            seen.add(item)
            out.append(item)
    return out
