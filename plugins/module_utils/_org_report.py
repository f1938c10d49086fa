# -*- coding: utf-8 -*-
# Copyright (c) gitops.github contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The result of a whole-org run: :func:`report` (per-org and per-team sections and ``diff``),
:func:`state_view` and :func:`export_view` (the organization in the role's input format). Pure, no I/O."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Container, Iterable, Mapping, Sequence

from ansible_collections.gitops.github.plugins.module_utils._plan import (
    ACTIVE,
    ADD,
    ORG,
    PENDING,
    PUBLIC,
    REMOVE,
    ROLE,
    TEAM,
    TEAM_SETTINGS,
    Entry,
    label,
)
from ansible_collections.gitops.github.plugins.module_utils._plan_org import (
    unlisted_teams,
)
from ansible_collections.gitops.github.plugins.module_utils._plan_people import (
    expiry_view,
)

if TYPE_CHECKING:
    from ansible_collections.gitops.github.plugins.module_utils._org_state import OrgState, TeamState, Write
    from ansible_collections.gitops.github.plugins.module_utils._org_input import TeamWanted
    from ansible_collections.gitops.github.plugins.module_utils._plan_org import RosterPlan, TeamPlan
    from ansible_collections.gitops.github.plugins.module_utils._plan_people import Person


def _view(members: Mapping[str, Entry]) -> dict[str, str]:
    return dict((e.login, label(e)) for _k, e in sorted(members.items()))


def state_view(state: OrgState, team_keys: Container[str] | None = None) -> dict[str, Any]:
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


def export_view(state: OrgState) -> dict[str, Any]:
    """The organization as it is, in the role's input format: owners and members (pending
    invitations among them, by their role) and each team's immediate maintainers and members
    (pending team invitations as members, since GitHub does not say their team role). Owners and
    members carry their user ``id`` where GitHub showed it; pending e-mail invitations are
    written as ``{email}``. Failed invitations and members only through a child team are left out."""
    ids = dict((login.lower(), uid) for uid, login in state.ids.items())

    def person(login: str) -> str | dict[str, Any]:
        # An e-mail invitation is written as {email}; a member with a known id as {login, id},
        # so a later rename is followed (GitHub's ids never change).
        if '@' in login:
            return {'email': login}
        if login.lower() in ids:
            return {'login': login, 'id': ids[login.lower()]}
        return login

    people = list(state.members.values())
    teams = [_export_team(team) for _key, team in sorted(state.teams.items())]
    return {'org': state.org, 'owners': [person(n) for n in _names(e for e in people if e.role == 'admin')],
            'members': [person(n) for n in _names(e for e in people if e.role != 'admin')], 'teams': teams}


def _names(entries: Iterable[Entry]) -> list[str]:
    return sorted((e.login for e in entries), key=lambda login: (login.lower(), login))


def _export_team(team: TeamState) -> dict[str, Any]:
    """One team in the role's input format, with its own settings, so that applying the export
    back changes nothing."""
    entries = list(team.members.values())
    entry: dict[str, Any] = {'team': team.slug}
    for key in ('name', 'description', 'privacy', 'parent'):
        if getattr(team, key, None) is not None:
            entry[key] = getattr(team, key)
    entry['maintainers'] = _names(e for e in entries if e.role == 'maintainer' and e.state == ACTIVE)
    entry['members'] = _names(e for e in entries if not (e.role == 'maintainer' and e.state == ACTIVE))
    return entry


def _lists(done: Sequence[Write], after_members: Mapping[str, Entry]) -> dict[str, Any]:
    return {
        'added': [w.login for w in done if w.action == ADD],
        'removed': [w.login for w in done if w.action == REMOVE],
        'role_changed': [w.login for w in done if w.action == ROLE],
        'pending': sorted((e.login for e in after_members.values() if e.state == PENDING), key=str.lower),
    }


def _org_problems(plan: RosterPlan) -> list[str]:
    """The organization's problems: the plan's, and what the run leaves alone and why."""
    roster = plan.roster
    org = plan.before.org
    problems = list(plan.problems) + _expired_problems(roster.expired, plan.before.members, roster.exclusive, org)
    if plan.invitations_left:
        problems.append('max_invitations=%d in 24 hours reached (%d sent in the last 24 hours): %d invitation(s) '
                        'left for the next run (GitHub allows an organization 50 invitations a day, 500 when it is '
                        'older than a month or on a paid plan)'
                        % (roster.max_invitations, plan.sent_recently, plan.invitations_left))
    problems.extend('the invitation of %s expired or failed; it is not sent again (reinvite_failed=false)' % name
                    for name in plan.not_reinvited)
    problems.extend('the invitation of %s failed (%s at %s): not sent again, since a retry cannot fix that'
                    % (item['login'], item['reason'], item['failed_at']) for item in plan.not_retried)
    problems.extend('%s: GitHub answered that a user with this address is already a part of %s (the invitation '
                    'was accepted): nothing was sent; list their login instead of the address' % (address, org)
                    for address in plan.already_members)
    withheld = [w.change.login for w in plan.removals_withheld]
    if withheld:
        problems.append('not removed in this run: %s. A listed e-mail address was not resolved (GitHub answered '
                        'that a member holds it, or its invitation waits for the next run) and GitHub\'s member '
                        'list shows no address, so any of them could hold it: list the holder\'s login instead '
                        'of the address' % ', '.join(withheld))
    problems.extend('login changed from %s to %s (user id %d): update the file' % (item['from'], item['to'], item['id'])
                    for item in plan.renamed)
    problems.extend('%s is a member of the enterprise team %s: GitHub does not let the organization remove '
                    'them, so they stay (list them, or take them out of the enterprise team)' % (login, slug)
                    for login, slug in plan.enterprise_kept)
    if roster.delete_unlisted_teams and not roster.teams:
        problems.append('delete_unlisted_teams is set but the entry lists no teams: no team of %s is deleted' % org)
    return problems


def _unlisted(plan: RosterPlan) -> list[str]:
    """Reported (not warned: a file may well manage only some teams); deleted only when asked."""
    roster = plan.roster
    return unlisted_teams(plan.before, roster) if roster.teams or roster.delete_unlisted_teams else []


def _deleted(done: Sequence[Write]) -> list[str]:
    """Every team a deletion takes: the team, and the teams below it that GitHub deletes with it."""
    return [slug for w in done if w.scope == TEAM_SETTINGS and w.action == 'delete'
            for slug in [w.team] + list(w.change.cascade)]


def _org_section(plan: RosterPlan, done: Sequence[Write], after: OrgState) -> dict[str, Any]:
    """The ``org`` section of the result."""
    roster = plan.roster
    now = roster.now
    org_done = [w for w in done if w.scope == ORG]
    org = _lists(org_done, after.members)
    org.update(unlisted_teams=_unlisted(plan), deleted_teams=_deleted(done))
    org.update(inherited=[], problems=_org_problems(plan), failed_invitations=list(after.failed),
               reinvited=[w.login for w in org_done if w.action == ADD and w.change.key in plan.reinvite],
               not_reinvited=list(plan.not_reinvited), not_retried=list(plan.not_retried),
               invitations_left=plan.invitations_left,
               deferred=[w.as_dict() for w in plan.deferred], already_members=list(plan.already_members),
               removals_withheld=[w.change.login for w in plan.removals_withheld],
               may_be_members=list(plan.may_be_members),
               renamed=list(plan.renamed),
               expired=[expiry_view(p, now) for p in roster.expired],
               expiring=[expiry_view(p, now) for p in roster.expiring])
    return org


def _definition_view(definition: list[dict[str, Any]]) -> dict[str, Any]:
    """Whether the plan creates the team, the slug it renames it from, and its settings changed,
    from ``definition``, the team's definition writes as dicts."""
    return {
        'created': any(d['action'] == 'create' for d in definition),
        'renamed_from': next((d['team'] for d in definition if d['action'] == 'rename'), None),
        'settings_changed': dict(definition[0]['settings']) if definition else {},
    }


def _by_team(writes: Sequence[Write], scope: str, team_of: Callable[[Write], str]) -> dict[str, list[Write]]:
    """``{lower slug: [write]}`` of the writes of ``scope``: one pass, however many teams."""
    out: dict[str, list[Write]] = {}
    for write in writes:
        if write.scope == scope:
            out.setdefault(team_of(write).lower(), []).append(write)
    return out


def _team_section(plan: RosterPlan, key: str, tplan: TeamPlan, wanted: TeamWanted | None, t_done: Sequence[Write],
                  definition: Sequence[Write], after: OrgState) -> dict[str, Any]:
    """The section of one listed team, from the writes done to it and its definition writes."""
    now = plan.roster.now
    team_after = after.teams.get(key)
    section = _lists(t_done, team_after.members if team_after else {})
    problems = list(tplan.problems)
    problems.extend('%s is an organization owner: GitHub shows owners as maintainers of every team they are '
                    'in, so they are left as they are' % login for login in tplan.owners_kept)
    expired, expiring, exclusive = ((list(wanted.expired), list(wanted.expiring), wanted.exclusive)
                                    if wanted is not None else ([], [], False))
    team_before = plan.before.teams.get(key)
    problems.extend(_expired_problems(expired, team_before.members if team_before else {}, exclusive,
                                      'team %s in %s' % (tplan.slug, plan.before.org)))
    section.update(_definition_view([w.as_dict() for w in definition]))
    section.update(inherited=list(tplan.inherited), problems=problems, left_with_org=list(tplan.left_with_org),
                   managed_externally=tplan.managed_externally, withheld=[w.as_dict() for w in tplan.withheld],
                   creator_left=tplan.creator_left,
                   expired=[expiry_view(p, now) for p in expired],
                   expiring=[expiry_view(p, now) for p in expiring])
    return section


def report(plan: RosterPlan, done: Sequence[Write], after: OrgState) -> dict[str, Any]:
    """The result: ``changes`` (ordered writes as dicts), ``org`` and ``teams`` sections with
    ``added``, ``removed``, ``role_changed``, ``pending``, ``inherited``, ``problems``, and ``diff``."""
    wanted_by_key = dict((t.key, t) for t in plan.roster.teams)
    done_by_team = _by_team(done, TEAM, lambda w: w.team)
    definitions = _by_team(plan.writes, TEAM_SETTINGS, lambda w: w.change.slug)
    teams = dict((tplan.slug, _team_section(plan, key, tplan, wanted_by_key.get(key), done_by_team.get(key, []),
                                            definitions.get(key, []), after))
                 for key, tplan in plan.teams.items())
    keys = set(plan.teams)
    return {
        'changes': [w.as_dict() for w in done],
        'org': _org_section(plan, done, after),
        'teams': teams,
        'public': after.public,
        'public_changed': any(w.scope == PUBLIC for w in done),
        'diff': {'before': state_view(plan.before, keys), 'after': state_view(after, keys)},
    }


def _expired_problems(expired: Iterable[Person], members: Container[str], exclusive: bool, where: str) -> list[str]:
    """An expired entry counts as not listed: an exclusive scope removes it (a planned write);
    elsewhere it is only reported, for someone to remove by hand."""
    if exclusive:
        return []
    return ['%s: the access of %s expired (%s) but %s is not exclusive, so it is not removed'
            % (where, p.name, p.expires_text, where) for p in expired if p.key in members]
