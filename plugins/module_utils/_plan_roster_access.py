# -*- coding: utf-8 -*-
# Copyright (c) gitops.github contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The access part of a whole-organization plan (issue 20, item 5), pure: what an entry of
``github_org_roster`` wants of organization roles, outside collaborators and team repository
access (:func:`wanted_access`), the access state on the tree the membership plan leaves
(:func:`planned_tree`), the one access plan on it (:func:`plan_roster_access`), and its result
sections and export view. No I/O: the read and the writes are in :mod:`._roster_access`.

The access plan is made on the *planned* state, so it can be guarded before the first write:

- a team the membership plan creates may be granted repositories and roles (``new_teams``);
- a team it renames is addressed by its planned slug, with the grants it holds under its old one;
- a team it deletes (with the child teams GitHub deletes with it) gets no grant, and its access
  is not counted as a removal (GitHub drops it with the team);
- a role holder it removes from the organization loses the role with the membership (GitHub
  assigns organization roles to members only), so no revocation is planned or counted for them;
  a role wanted for someone it removes, or only invites, is a problem (not an active member);
- the removals count against the organization's ``max_removals`` (:func:`._plan_access.plan_access`).
"""

from __future__ import annotations

from ansible_collections.gitops.github.plugins.module_utils._access_state import (
    OUTSIDE,
    REPOSITORIES,
    ROLES,
    TeamAccess,
)
from ansible_collections.gitops.github.plugins.module_utils._membership_data import flag
from ansible_collections.gitops.github.plugins.module_utils._org_predict import execute
from ansible_collections.gitops.github.plugins.module_utils._plan import ACTIVE, ORG, REMOVE, TEAM_SETTINGS, removal_limit
from ansible_collections.gitops.github.plugins.module_utils._plan_access import (
    ADD,
    CHANGE,
    INVITATION,
    ORGANIZATION,
    USER,
    plan_access,
    state_after,
)

EXCLUSIVE_OUTSIDE = 'exclusive_outside_collaborators'


def wanted_access(params):
    """The access keys of an entry (checked options) as :func:`._plan_access.plan_access` takes
    them, or ``None`` when it names none: ``organization_roles``, ``outside_collaborators`` (and
    ``exclusive_outside_collaborators``), and ``teams`` holding only the teams that name
    ``repositories`` or ``exclusive_repositories``."""
    out = {}
    if params.get(ROLES) is not None:
        out[ROLES] = [dict(role=e.get('role'), users=list(e.get('users') or ()), teams=list(e.get('teams') or ()),
                           exclusive=bool(flag(e, 'exclusive', False))) for e in params[ROLES]]
    if params.get(OUTSIDE) is not None:
        out[OUTSIDE] = list(params[OUTSIDE])
    if flag(params, EXCLUSIVE_OUTSIDE, False):
        out[EXCLUSIVE_OUTSIDE] = True
    teams = [{'team': t['team'], 'repositories': dict(t.get('repositories') or {}),
              'exclusive_repositories': bool(flag(t, 'exclusive_repositories', False))}
             for t in params.get('teams') or () if t.get('repositories') is not None or flag(t, 'exclusive_repositories', False)]
    if teams:
        out['teams'] = teams
    return out or None


def listed_ids(wanted):
    """``[(where, login, id)]``: the person mappings of ``wanted`` that give an ``id``
    (``organization_roles`` users and ``outside_collaborators``), to be checked against GitHub
    before any write: a login that GitHub shows with another id is somebody else."""
    found = []
    for index, entry in enumerate((wanted or {}).get(ROLES) or ()):
        for person in entry.get('users') or ():
            if isinstance(person, dict) and person.get('id') is not None:
                found.append(('%s[%d] (%s).users' % (ROLES, index, entry.get('role')), person.get('login'), person['id']))
    for index, person in enumerate((wanted or {}).get(OUTSIDE) or ()):
        if isinstance(person, dict) and person.get('id') is not None:
            found.append(('%s[%d]' % (OUTSIDE, index), person.get('login'), person['id']))
    return found


def id_problems(listed, login_of):
    """The problems of :func:`listed_ids` given ``login_of`` ``{id: login now, or None}``: an id
    no account has, or an id that belongs to another login than the entry's (a login that changed
    hands, or a typo); either fails the run before any write, naming both."""
    problems = []
    for where, login, account_id in listed:
        now = login_of.get(account_id)
        if now is None:
            problems.append('%s: no GitHub account has the id %s listed for %s; nothing is granted to a login '
                            'whose id cannot be confirmed' % (where, account_id, login))
        elif not isinstance(login, str) or now.lower() != login.lower():
            problems.append('%s: %s is listed with the id %s, but that id is %s\'s on GitHub: the login is '
                            'somebody else, or the id is wrong; fix the entry (nothing is written)' % (where, login, account_id, now))
    return problems


def one_budget_problem(max_removals, org, org_removals, org_size, access, outside_removals=0):
    """``max_removals`` is one budget for a run: the organization's removals, the accesses the
    access plan removes and the outside collaborators the two-factor policy removes, together,
    against the members and invitations plus the accesses (a number is taken as it is). ``None``
    when the access plan removes nothing (the membership guards and the two-factor policy's own
    count decide then) or the total fits."""
    removals = access.plan.removals if access is not None and access.plan is not None else 0
    if not removals:
        return None
    total = org_removals + removals + outside_removals
    size = org_size + (access.state.access_count() if access.state is not None else 0)
    limit = removal_limit(max_removals, size)
    if total <= limit:
        return None
    return ('%s: the plan removes %d in all (%d from the organization, %d accesses, %d outside collaborators for '
            'require_two_factor), more than max_removals (%s) allows (%d of %d members, invitations and accesses); '
            'nothing is written' % (org, total, org_removals, removals, outside_removals, max_removals, limit, size))


def wanted_sections(wanted):
    """The result sections ``wanted`` names (INTERFACE-20: each only when the entry names it)."""
    wanted = wanted or {}
    sections = []
    if ROLES in wanted:
        sections.append(ROLES)
    if OUTSIDE in wanted or wanted.get(EXCLUSIVE_OUTSIDE):
        sections.append(OUTSIDE)
    if 'teams' in wanted:
        sections.append(REPOSITORIES)
    return sections


def _team_writes(plan, action):
    return [w for w in plan.writes if w.scope == TEAM_SETTINGS and w.action == action]


def _renamed_teams(plan):
    """``{lower old slug: new slug}`` of the teams ``plan`` renames."""
    return dict((w.team.lower(), w.change.slug) for w in _team_writes(plan, 'rename'))


def _deleted_teams(plan):
    """The lower slugs of the teams ``plan`` deletes, with the child teams GitHub deletes with them."""
    deleted = set()
    for write in _team_writes(plan, 'delete'):
        deleted.add(write.team.lower())
        deleted.update(slug.lower() for slug in write.change.cascade)
    return deleted


def _removed_members(plan):
    """The lower logins ``plan`` removes from the organization."""
    return set(w.change.key for w in plan.writes if w.scope == ORG and w.action == REMOVE)


def _teams_on_planned_tree(held, org_after, old_of):
    """``{lower slug: TeamAccess}`` of every team in ``org_after`` under its planned slug and
    parent, with the direct grants ``held`` under its slug before the plan (``old_of``: the old
    slug of a renamed team by its lower new one); a new team holds none."""
    teams = {}
    for key, team in org_after.teams.items():
        source = held.get(old_of.get(key, key))
        teams[key] = TeamAccess(team.slug, team.parent, source.repositories if source is not None else {})
    return teams


def _drop_removed_holders(roles, renamed, deleted, removed):
    """Leave in ``roles`` the holders the plan keeps: no team it deletes (``deleted``) nor user it
    removes from the organization (``removed``), and a renamed team under its new slug."""
    for role in roles.values():
        if role.teams is not None:
            role.teams = dict((renamed.get(k, slug).lower(), renamed.get(k, slug)) for k, slug in role.teams.items()
                              if k not in deleted)
        if role.users is not None:
            role.users = dict((k, login) for k, login in role.users.items() if k not in removed)


def planned_tree(state, plan, org_after):
    """The access ``state`` on the tree ``plan`` (a :class:`._plan_org.RosterPlan`) leaves,
    ``org_after`` being its predicted :class:`._org_state.OrgState`: every team under its planned
    slug and parent, with the direct grants it holds (a renamed team's under its new slug; a new
    team with none; a deleted team gone), and the roles without the holders the plan removes
    (users removed from the organization, teams deleted) and with renamed teams' new slugs."""
    renamed = _renamed_teams(plan)
    old_of = dict((new.lower(), old) for old, new in renamed.items())
    deleted = _deleted_teams(plan)
    removed = _removed_members(plan)
    after = state_after(state, [])  # a copy
    teams = _teams_on_planned_tree(state.teams or {}, org_after, old_of)
    after.teams = teams if state.teams is not None or state.roles is not None else None
    _drop_removed_holders(after.roles or {}, renamed, deleted, removed)
    return after


def created_teams(plan):
    """The slugs of the teams ``plan`` creates."""
    return [w.change.slug for w in _team_writes(plan, 'create')]


def active_members(org_after):
    """The lower logins of the active members and owners in a (predicted) :class:`._org_state.OrgState`."""
    return set(k for k, e in org_after.members.items() if e.state == ACTIVE)


class RosterAccess(object):
    """The access part of one run: ``wanted`` (:func:`wanted_access`), ``state`` (the read
    :class:`._access_state.AccessState`; ``None`` until read), ``planned`` (:func:`planned_tree`),
    ``plan`` (the :class:`._plan_access.AccessPlan`), ``done`` (the writes made, or in check mode
    promised), ``after`` (the state they leave) and ``export`` (whether the run is an export)."""

    def __init__(self, wanted, export=False):
        self.wanted = wanted
        self.export = export
        self.state = None
        self.planned = None
        self.plan = None
        self.done = []
        self.after = None

    def make_plan(self, roster_plan, max_removals):
        """Plan the access on the tree ``roster_plan`` leaves; returns the plan's problems."""
        _done, org_after = execute(roster_plan, lambda item: None)
        self.planned = planned_tree(self.state, roster_plan, org_after)
        self.plan = plan_access(self.planned, self.wanted, members=active_members(org_after), max_removals=max_removals,
                                new_teams=created_teams(roster_plan))
        return list(self.plan.problems)

    def new_collaborators(self):
        """The logins the plan makes outside collaborators who are none yet (GitHub invites them):
        check mode looks each up once, as it does the people it adds to the organization."""
        known = self.planned.outside if self.planned is not None and self.planned.outside is not None else {}
        found = {}
        for write in self.plan.writes if self.plan is not None else ():
            if write.section == OUTSIDE and write.action == ADD and write.subject.lower() not in known:
                found.setdefault(write.subject.lower(), write.subject)
        return list(found.values())

    def promise(self, impossible=()):
        """Check mode: what apply would do, and the state it would leave, without the writes to
        the ``impossible`` logins (no such user: apply could not make them), which leave the
        report too."""
        gone = set(login.lower() for login in impossible)
        self.done = [w for w in self.plan.writes if not (w.section == OUTSIDE and w.subject.lower() in gone)] \
            if self.plan is not None else []
        if gone and self.plan is not None:
            section = self.plan.report.get(OUTSIDE) or {}
            section['added'] = [e for e in section.get('added', []) if e['login'].lower() not in gone]
        self.finish()

    def finish(self):
        base = self.planned if self.planned is not None else self.state
        self.after = state_after(base, self.done) if base is not None else None

    def sections(self):
        """The result's sections (INTERFACE-20), ``access_changes`` (the writes made, or in check
        mode promised, in order) and, when a write failed, nothing more: the caller adds it."""
        if self.plan is None:
            return {}
        out = dict((key, self.plan.report.get(key, {} if key == REPOSITORIES else {'added': [], 'removed': [], 'changed': []}))
                   for key in wanted_sections(self.wanted))
        out['access_changes'] = [w.as_dict() for w in self.done]
        return out

    def diff(self, org):
        """The ``--diff`` element of the access (``scope: access``), when the plan writes (or
        would, refused) anything: before and after, in the file's shapes, of the roles, people and
        teams the writes touch. ``[]`` otherwise, so a run that changes nothing shows no diff."""
        writes = self.plan.proposed if self.plan is not None else []
        if not writes or self.planned is None:
            return []
        # what was written (in check mode, promised); before any write, what the plan would make
        after = state_after(self.planned, self.done or writes)
        header = 'access in %s' % org
        return [{'scope': 'access', 'team': None, 'before_header': header, 'after_header': header,
                 'before': _touched_view(self.planned, writes), 'after': _touched_view(after, writes)}]

    def current(self, teams):
        """The export view's access keys, in the file's shapes, from the state after the run:
        ``organization_roles`` when every role's holders were read, ``outside_collaborators`` when
        they were read, and ``repositories`` in the entries of ``teams`` (export_view's) when the
        teams' grants were read (each only when not empty). Direct holders and grants only."""
        state = self.after if self.after is not None else self.state
        if state is None:
            return {}
        out = {}
        if state.roles is not None and all(r.read for r in state.roles.values()):
            out[ROLES] = _roles_view(state.roles)
        if self.state.outside is not None:
            out[OUTSIDE] = _outside_view(state.outside)
        # An empty list is left out: applied back, it would only make the run read that part.
        out = dict((key, value) for key, value in out.items() if value)
        if self.state.teams is not None:
            _add_team_grants(teams, state.teams or {})
        return out


def _roles_view(roles):
    """``organization_roles`` in the file's shape: each role held by anyone, with its direct users and teams."""
    return [{'role': r.name, 'users': _sorted(r.users.values()), 'teams': _sorted(r.teams.values())}
            for _k, r in sorted(roles.items()) if r.users or r.teams]


def _outside_view(outside):
    """``outside_collaborators`` in the file's shape: each person with the repositories they hold."""
    return [{'login': p.login, 'repositories': _grants(p.repositories)} for _k, p in sorted(outside.items())]


def _add_team_grants(entries, grants):
    """Set ``repositories`` in the export view's team ``entries`` from ``grants`` (``{lower slug:
    TeamAccess}``), on the teams that hold any."""
    for entry in entries:
        team = grants.get(entry['team'].lower())
        if team is not None and team.repositories:
            entry['repositories'] = _grants(team.repositories)


def _touched_view(state, writes):
    """``{organization_roles: {role: [users, team:slugs]}, outside_collaborators: {login: {repo:
    permission}}, repositories: {team: {repo: permission}}}`` of what ``writes`` touch."""
    view = {}
    for write in writes:
        if write.section == ROLES:
            role = state.role(write.target)
            holders = [] if role is None else _sorted(list((role.users or {}).values())) + [
                'team:' + slug for slug in _sorted((role.teams or {}).values())]
            view.setdefault(ROLES, {})[write.target] = holders
        elif write.section == OUTSIDE:
            person = (state.outside or {}).get(write.subject.lower())
            view.setdefault(OUTSIDE, {})[write.subject] = dict(
                (g.repository, g.permission + (' (pending)' if g.pending else ''))
                for _k, g in sorted((person.repositories if person is not None else {}).items()))
        else:
            team = (state.teams or {}).get(write.subject.lower())
            view.setdefault(REPOSITORIES, {})[write.subject] = _grants(team.repositories) if team is not None else {}
    return view


def _sorted(names):
    return sorted(names, key=lambda name: (name.lower(), name))


def _grants(repositories):
    return dict((g.repository, g.permission) for _k, g in sorted(repositories.items()))


def describe(write, org):
    """The operation an access write is, for messages and progress lines."""
    verb = {ADD: 'grant', CHANGE: 'change', REMOVE: 'revoke'}[write.action]
    if write.section == ROLES:
        return '%s the organization role %s %s %s %s in %s' % (
            verb, write.target, 'to' if write.action == ADD else 'of', 'user' if write.kind == USER else 'team',
            write.subject, org)
    if write.kind == ORGANIZATION:
        return 'remove the outside collaborator %s from every repository of %s' % (write.subject, org)
    who = write.subject if write.section == OUTSIDE else 'team %s' % write.subject
    what = ' (its pending invitation)' if write.kind == INVITATION else ''
    if write.action == REMOVE:
        return 'revoke the access of %s to %s/%s%s' % (who, org, write.target, what)
    if write.action == ADD:
        return 'give %s %s on %s/%s' % (who, write.permission, org, write.target)
    return 'change the permission of %s on %s/%s from %s to %s%s' % (who, org, write.target, write.before, write.permission, what)
