# -*- coding: utf-8 -*-
# Copyright (c) gitops.github contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The two-factor policy of an organization entry (issue 20 item 4), pure: ``require_two_factor``
(``report`` | ``fail`` | ``remove``; absent: not checked), what it makes of the people GitHub lists
without two-factor authentication, and its section of the roster's result. No I/O: the lists are
read by :mod:`._two_factor_reader`.

GitHub's REST reference (``GET /orgs/{org}/members`` and ``GET /orgs/{org}/outside_collaborators``,
parameter ``filter``): ``2fa_disabled`` lists "only members without two-factor authentication",
``2fa_insecure`` "only members with insecure 2FA methods"; for members "These options are only
available for organization owners". Only active members are listed: a pending invitee has no
two-factor status GitHub shows, so nobody pending is checked.

Decisions (the module documents them):

- ``report`` lists them; ``fail`` lists them and fails the task once the rest of the plan is made
  (check mode: predicted), so a drift run turns red and an apply still converges everything else.
- ``remove`` turns each unlisted member or owner without two-factor authentication into a planned
  removal of the one membership plan (:func:`member_removals`, called by
  :func:`._plan_org.plan_roster`), so the token's own user, ``min_owners``, ``allow_self``,
  enterprise-granted members and ``max_removals`` protect them as any removal; each unlisted outside
  collaborator without it becomes a ``DELETE /orgs/{org}/outside_collaborators/{username}``, counted
  with the organization's removals in its ``max_removals`` (:func:`budget_refusal`).
- Someone the file lists (an owner, a member, a team maintainer or member, an outside collaborator)
  is never removed by the policy: the file says they belong, and a removal would be undone by an
  invitation on the next run. They are reported in ``kept`` (and warned about).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Iterable

from ansible_collections.gitops.github.plugins.module_utils._plan import (
    ACTIVE,
    ORG,
    REMOVE,
    Change,
    removal_limit,
)

if TYPE_CHECKING:
    from ansible_collections.gitops.github.plugins.module_utils._org_input import Roster
    from ansible_collections.gitops.github.plugins.module_utils._org_state import OrgState, Write

KEY = 'require_two_factor'
REPORT, FAIL, REMOVE_POLICY = 'report', 'fail', 'remove'
POLICIES = (REPORT, FAIL, REMOVE_POLICY)
# The filter values, in the order they are read (someone in both is listed once, under the first).
FILTERS = ('2fa_disabled', '2fa_insecure')
MEMBER, OWNER, OUTSIDE = 'member', 'owner', 'outside_collaborator'


class TwoFactor(object):
    """What was read for the policy: ``without`` ``[{login, kind, filter}]`` (members and owners
    first, then outside collaborators, in GitHub's order), ``unchecked`` (filters that could not
    be read, with why), and, once writing starts, ``outside_done`` (the outside collaborators
    removed; ``None`` before any write, when the plan's ``outside`` removals are what would be)."""

    def __init__(self, policy: str, without: Iterable[Mapping[str, str]] = (), unchecked: Iterable[str] = ()) -> None:
        self.policy = policy
        self.without = [dict(p) for p in without]
        self.unchecked = list(unchecked)
        self.outside: list[str] = []          # outside collaborators the plan removes
        self.kept: list[dict[str, str]] = []  # listed people the policy does not remove
        self.outside_done: list[str] | None = None

    def of(self, *kinds: str) -> list[dict[str, str]]:
        return [p for p in self.without if p['kind'] in kinds]


def found(policy: str, members: Mapping[str, list[str]], outside: Mapping[str, list[str]], state: OrgState,
          unchecked: Iterable[str] = ()) -> TwoFactor:
    """The :class:`TwoFactor` of the filtered lists ``{filter: [login]}``: a member's ``kind`` is
    ``owner`` when the state shows them as an active owner."""
    without: list[dict[str, str]] = []
    seen: set[tuple[str, bool]] = set()
    for lists, member in ((members, True), (outside, False)):
        for flt in FILTERS:
            for login in lists.get(flt, []):
                key = login.lower()
                if (key, member) in seen:
                    continue
                seen.add((key, member))
                entry = state.members.get(key)
                kind = OUTSIDE if not member else (OWNER if entry is not None and entry.role == 'admin' else MEMBER)
                without.append({'login': login, 'kind': kind, 'filter': flt})
    return TwoFactor(policy, without, unchecked)


def listed_keys(roster: Roster, mapping: Mapping[str, str]) -> set[str]:
    """Lower-case logins the file lists as owners, members, team maintainers or members (renamed
    users under GitHub's current login, ``mapping``); people whose ``expires`` has passed are not
    listed."""
    keys: set[str] = set()
    for wanted in [roster.wanted or {}] + [t.wanted for t in roster.teams]:
        keys.update(mapping.get(k, k).lower() for k in wanted)
    return keys


def member_removals(two_factor: TwoFactor | None, state: OrgState, listed: set[str],
                    org_changes: Iterable[Change]) -> list[Change]:
    """Under ``remove``: the organization removals of the active members and owners without
    two-factor authentication the file does not list and the plan does not remove already; the
    listed ones go to ``two_factor.kept``. Pure."""
    if two_factor is None or two_factor.policy != REMOVE_POLICY:
        return []
    removed = set(c.key for c in org_changes if c.action == REMOVE)
    out = []
    # the plan may be made twice: its own kept members again, the outside collaborators kept as they are
    two_factor.kept = [p for p in two_factor.kept if p['kind'] == OUTSIDE]
    for person in two_factor.of(MEMBER, OWNER):
        key = person['login'].lower()
        entry = state.members.get(key)
        if key in listed:
            two_factor.kept.append({'login': person['login'], 'kind': person['kind']})
        elif entry is not None and entry.state == ACTIVE and key not in removed:
            out.append(Change(REMOVE, entry.login, None, entry))
            removed.add(key)
    return out


def outside_removals(two_factor: TwoFactor | None, listed_outside: Iterable[str]) -> list[str]:
    """Under ``remove``: the logins of the outside collaborators without two-factor authentication
    the file does not list in ``outside_collaborators`` (kept in ``two_factor.outside``); the
    listed ones go to ``two_factor.kept``. Pure."""
    if two_factor is None or two_factor.policy != REMOVE_POLICY:
        return []
    listed = set(login.lower() for login in listed_outside)
    two_factor.outside = []
    for person in two_factor.of(OUTSIDE):
        if person['login'].lower() in listed:
            two_factor.kept.append({'login': person['login'], 'kind': OUTSIDE})
        else:
            two_factor.outside.append(person['login'])
    return list(two_factor.outside)


def outside_listed(entries: object) -> list[str]:
    """The logins of an ``outside_collaborators`` list (person entries: a login string or a mapping
    with ``login``); anything else is the validator's to report."""
    out = []
    for entry in entries if isinstance(entries, list) else []:
        login = entry.get('login') if isinstance(entry, Mapping) else entry
        if isinstance(login, str) and login:
            out.append(login)
    return out


def budget_refusal(two_factor: TwoFactor | None, org_removals: int, current_count: int, max_removals: int | str,
                   org: str) -> str | None:
    """The organization's ``max_removals`` on its removals and the outside collaborators the policy
    removes together (a percentage is of the members and invitations, as for the organization's
    removals alone), or ``None``; only when the policy removes outside collaborators (the
    organization's own guard counts the rest)."""
    if two_factor is None or not two_factor.outside:
        return None
    total = org_removals + len(two_factor.outside)
    limit = removal_limit(max_removals, current_count)
    if total <= limit:
        return None
    return ('Refusing to remove %d people from %s (%d members and invitations, and %d outside collaborators without '
            'two-factor authentication under require_two_factor: remove): max_removals=%s allows %d of its %d members '
            'and invitations. Check the lists, or raise max_removals if you mean it'
            % (total, org, org_removals, len(two_factor.outside), max_removals, limit, current_count))


def drop_outside(two_factor: TwoFactor | None, removed_elsewhere: Iterable[str]) -> None:
    """Take out of ``two_factor.outside`` the outside collaborators the same plan already removes
    from every repository (``exclusive_outside_collaborators``): each is removed once, counted once,
    and listed in the ``outside_collaborators`` section, not here. Pure."""
    if two_factor is None or not two_factor.outside:
        return
    gone = set(login.lower() for login in removed_elsewhere)
    two_factor.outside = [login for login in two_factor.outside if login.lower() not in gone]


def section(two_factor: TwoFactor, writes: Iterable[Write]) -> dict[str, Any]:
    """The result's ``two_factor`` section: ``{policy, without, added, removed, changed, kept, unchecked}``;
    ``removed`` lists whom the run removes for the policy (check mode and a refused run: would
    remove), from ``writes`` (the writes made, or planned) and the outside collaborators."""
    without = dict((p['login'].lower(), p) for p in two_factor.of(MEMBER, OWNER))
    removed = [{'login': w.change.login, 'kind': without[w.change.key]['kind']} for w in writes
               if w.scope == ORG and w.action == REMOVE and w.change.key in without]
    outside = two_factor.outside if two_factor.outside_done is None else two_factor.outside_done
    removed.extend({'login': login, 'kind': OUTSIDE} for login in outside)
    return {'policy': two_factor.policy, 'without': [dict(p) for p in two_factor.without], 'added': [],
            'removed': removed, 'changed': [], 'kept': [dict(p) for p in two_factor.kept],
            'unchecked': list(two_factor.unchecked)}


def failure(two_factor: TwoFactor | None, org: str) -> str | None:
    """The message of ``fail`` when anyone is without two-factor authentication, else ``None``."""
    if two_factor is None or two_factor.policy != FAIL or not two_factor.without:
        return None
    people = ', '.join('%s (%s, %s)' % (p['login'], p['kind'], p['filter']) for p in two_factor.without)
    return ('require_two_factor is fail: %d people in %s have no two-factor authentication or an insecure one: %s'
            % (len(two_factor.without), org, people))


def warnings(two_factor: TwoFactor | None, org: str) -> list[str]:
    """One warning per listed person the policy keeps, and per filter that could not be read."""
    if two_factor is None:
        return []
    out = ['%s: %s (%s) has no secure two-factor authentication but is listed in the membership data, so '
           'require_two_factor: remove leaves them; take them out of the file or have them enable it'
           % (org, p['login'], p['kind']) for p in two_factor.kept]
    out.extend('%s: %s' % (org, text) for text in two_factor.unchecked)
    return out
