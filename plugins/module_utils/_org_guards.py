# -*- coding: utf-8 -*-
# Copyright (c) gitops.github contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The guards on a whole-org plan, checked before its first write: the removal budgets,
``min_owners`` and the token's own user. Pure, no I/O."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ansible_collections.gitops.github.plugins.module_utils._plan import (
    ACTIVE,
    ORG,
    ORG_ROLES,
    PUBLIC,
    REMOVE,
    TEAM_ROLES,
    TEAM_SETTINGS,
    Plan,
    min_owners_problem,
    removal_budget_problem,
    removal_limit,
    self_problem,
)
from ansible_collections.gitops.github.plugins.module_utils._plan_org import (
    read_only_reason,
)

if TYPE_CHECKING:
    from ansible_collections.gitops.github.plugins.module_utils._plan_org import RosterPlan


def needs_own_login(plan: RosterPlan) -> bool:
    """Whether the plan needs the token's login: a removal or a demotion can hit the token's own
    user (the guards), and a listed team with an unlisted immediate member may hold it, left by a
    run cut short after creating the team (:func:`._plan_org.plan_roster` names it); a plan with none of
    these needs no ``GET /user``."""
    for wanted in plan.roster.teams:
        team = plan.before.teams.get(wanted.key)
        if team is not None and not read_only_reason(wanted, team) and any(
                e.state == ACTIVE and k not in wanted.wanted for k, e in team.members.items()):
            return True
    return any((w.scope != PUBLIC and (w.action == REMOVE or w.phase in ('org-demote', 'team-demote')))
               or (w.scope == TEAM_SETTINGS and w.action == 'create') for w in plan.writes)


def guard_problems(plan: RosterPlan, own_login: str | None = None) -> list[str]:
    """Why the whole ``plan`` must not start (``[]`` when it may), as messages: see :func:`guard_refusals`."""
    return [refusal['problem'] for refusal in guard_refusals(plan, own_login)]


def _team_refusals(plan: RosterPlan, own_login: str | None, budget: bool) -> list[dict[str, Any]]:
    """Each listed team's ``max_removals`` (``budget``), or its removal or demotion of
    ``own_login``; GitHub's own making of the token's user maintainer of a created team, undone in
    the 'creator' phase, is not in any team's writes."""
    problems = []
    for wanted in plan.roster.teams:
        tplan = plan.teams.get(wanted.key)
        if tplan is None:
            continue
        team_plan = Plan({}, [w.change for w in tplan.writes], roles=TEAM_ROLES)
        where = 'team %s in %s' % (tplan.slug, plan.before.org)
        if budget:
            problem = removal_budget_problem(team_plan, tplan.current_count, wanted.max_removals, where)
        else:
            problem = self_problem(team_plan, own_login, where)
        if problem:
            problems.append({'team': tplan.slug, 'problem': problem})
    return problems


def _deletion_refusal(plan: RosterPlan) -> str | None:
    """``max_removals`` on the teams the plan deletes, counted on the planned tree: the teams below
    a deleted one go too (GitHub deletes child teams with their parent)."""
    roster = plan.roster
    state = plan.before
    gone = set()
    for write in plan.writes:
        if write.scope == TEAM_SETTINGS and write.action == 'delete':
            gone.add(write.team.lower())
            gone.update(slug.lower() for slug in write.change.cascade)
    limit = removal_limit(roster.max_removals, len(state.teams))
    if not gone or len(gone) <= limit:
        return None
    return ('Refusing to delete %d of the %d teams of %s (delete_unlisted_teams): max_removals=%s allows %d. List '
            'the teams to keep, or raise max_removals if you mean it'
            % (len(gone), len(state.teams), state.org, roster.max_removals, limit))


def guard_refusals(plan: RosterPlan, own_login: str | None = None) -> list[dict[str, Any]]:
    """Why the whole ``plan`` must not start (``[]`` when it may), each as ``{team, problem}``
    (``team``: the slug of the team the guard is about, ``None`` for the organization): the organization's and each
    team's ``max_removals`` (counted on the cascaded plan: a team removal the organization removal
    makes is not counted), ``min_owners`` (active owners after the plan; pending owners do not
    count), and removing or demoting ``own_login`` (the token's user; ``None`` for a GitHub App)
    without ``allow_self``."""
    roster = plan.roster
    state = plan.before
    # The same pure guards as the list modules (._plan), on the cascaded whole-org plan.
    org_changes = [w.change for w in plan.of(ORG)]
    org_plan = Plan(state.members, org_changes, roles=ORG_ROLES)
    problem = removal_budget_problem(org_plan, len(state.members), roster.max_removals, state.org)
    problems = [{'team': None, 'problem': problem}] if problem else []
    problems.extend(_team_refusals(plan, own_login, budget=True))
    # Owners added in this run do not count (an invitation may never be accepted), also on GHES.
    found = [_deletion_refusal(plan), min_owners_problem(state.members, org_changes, roster.min_owners, 'admin', state.org)]
    if not roster.allow_self:
        # The token's own user: the same rule as the list modules (_plan.self_problem), per scope.
        found.append(self_problem(org_plan, own_login, state.org))
    problems.extend({'team': None, 'problem': problem} for problem in found if problem)
    if not roster.allow_self:
        problems.extend(_team_refusals(plan, own_login, budget=False))
    return problems
