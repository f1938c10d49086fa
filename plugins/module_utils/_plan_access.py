# -*- coding: utf-8 -*-
# Copyright (c) gitops.github contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The plan of an organization's access (issue 20), pure: from an :class:`._access_state.AccessState`
and the wanted data (SPEC, "Names fixed for the work now open") to ordered writes, problems and a
report, with no I/O.

Wanted keys (each optional; a key left out is not planned):

- ``organization_roles``: ``[{role, users, teams, exclusive}]``, ``role`` by GitHub's name;
- ``outside_collaborators``: person entries (a login, or ``{login, repositories}``) with
  ``repositories`` ``{repository: permission}``, and ``exclusive_outside_collaborators``;
- ``teams``: ``[{team, repositories, exclusive_repositories}]`` (entries without either are not
  planned here).

Guards, all before any write (a plan with problems has no ``writes``; ``proposed`` shows them):
an unknown role, team, repository or permission; a person or team listed twice (identifiers
compare case-insensitively, the problem names both spellings); an outside collaborator who is an
organization member; a role given to someone who is not an active member (GitHub answers 422);
more removals than ``max_removals`` allows.

Writes come grants first: additions, then changes that raise or keep a permission's rank, then
those that lower it, then removals (GitHub: access is revoked last, so nobody loses access they
keep in the wanted data on the way).
"""

from __future__ import annotations

from ansible_collections.gitops.github.plugins.module_utils._access_state import (
    BASE_PERMISSIONS,
    OUTSIDE,
    RANK,
    REPOSITORIES,
    ROLES,
    AccessState,
    Collaborator,
    Grant,
    OrgRole,
    TeamAccess,
    same_permission,
)
from ansible_collections.gitops.github.plugins.module_utils._plan import removal_limit

ADD = 'add'
CHANGE = 'change'
REMOVE = 'remove'
# ``kind`` of a write: an organization role's ``user`` or ``team``; a repository ``collaborator``
# (PUT /repos/{owner}/{repo}/collaborators/{username}: GitHub invites a non-member) or its pending
# ``invitation`` (PATCH/DELETE /repos/{owner}/{repo}/invitations/{id}); ``organization`` (DELETE
# /orgs/{org}/outside_collaborators/{username}: every repository at once); a ``team``'s grant.
USER = 'user'
TEAM = 'team'
COLLABORATOR = 'collaborator'
INVITATION = 'invitation'
ORGANIZATION = 'organization'

_PHASES = {ADD: 0, CHANGE: 1, REMOVE: 3}


class AccessWrite(object):
    """One write: ``section`` (``organization_roles``, ``outside_collaborators``, ``repositories``),
    ``action`` (add, change, remove), ``kind`` (above), ``subject`` (a login or team slug),
    ``target`` (the role's or repository's name; ``None`` for an ``organization`` removal),
    ``permission`` (wanted), ``before`` (held), ``ref`` (the role id or invitation id) and
    ``weight`` (the accesses a removal takes, for ``max_removals``)."""

    __slots__ = ('section', 'action', 'kind', 'subject', 'target', 'permission', 'before', 'ref', 'weight', 'phase')

    def __init__(self, section, action, kind, subject, target, permission=None, before=None, ref=None, weight=0,
                 phase=None):
        self.section = section
        self.action = action
        self.kind = kind
        self.subject = subject
        self.target = target
        self.permission = permission
        self.before = before
        self.ref = ref
        self.weight = weight
        self.phase = _PHASES[action] if phase is None else phase

    @property
    def revokes(self):
        """A removal, or a change that lowers the permission's rank."""
        return self.phase >= 2

    def as_dict(self):
        return dict((k, getattr(self, k)) for k in self.__slots__)

    def __eq__(self, other):
        return isinstance(other, AccessWrite) and self.as_dict() == other.as_dict()

    def __ne__(self, other):
        return not self == other

    def __repr__(self):
        return '<AccessWrite %s %s %s %s %s %s>' % (self.section, self.action, self.kind, self.subject, self.target,
                                                    self.permission)


class AccessPlan(object):
    """``writes`` (empty when there are ``problems``), ``proposed`` (the writes, problems or not),
    ``problems`` (sentences), ``removals`` (accesses removed) and ``report`` (per section:
    ``added``, ``removed``, ``changed``; ``repositories`` per team, with ``inherited``)."""

    def __init__(self, proposed, problems, report, removals):
        self.proposed = proposed
        self.problems = problems
        self.writes = [] if problems else list(proposed)
        self.report = report
        self.removals = removals


def _section():
    return {'added': [], 'removed': [], 'changed': []}


class _Planner(object):
    def __init__(self, state, members, new_teams):
        self.state = state
        self.members = None if members is None else set(m.lower() for m in members)
        self.new_teams = set(t.lower() for t in new_teams or ())
        self.writes = []
        self.problems = []
        self.report = {}

    def problem(self, text):
        if text not in self.problems:
            self.problems.append(text)

    # -- identifiers -------------------------------------------------------------------------------
    def unique(self, names, what, seen):
        """Whether ``names`` is new in ``seen`` (``{lower: spelling}``); a second spelling is a problem."""
        key = names.lower()
        if key in seen:
            self.problem('%s %s is listed twice (as %s and %s; names are case-insensitive)'
                         % (what, names, seen[key], names) if seen[key] != names else '%s %s is listed twice' % (what, names))
            return False
        seen[key] = names
        return True

    def login(self, entry, where):
        """The login of a person entry (a string or a mapping with ``login``), or ``None`` (a problem)."""
        login = entry.get('login') if isinstance(entry, dict) else entry
        if not isinstance(login, str) or not login.strip():
            self.problem('%s: %r is not a person entry with a login (e-mail invitations cannot hold this access)'
                         % (where, entry))
            return None
        return login.strip()

    def permission(self, value, where):
        """The file's name of a permission, GitHub's spelling of a custom role, or ``None`` (a problem)."""
        if isinstance(value, str) and value.lower() in RANK:
            return value.lower()
        custom = (self.state.custom_roles or {}).get(value.lower()) if isinstance(value, str) else None
        if custom:
            return custom[0]
        known = list(BASE_PERMISSIONS) + sorted(name for name, _base in (self.state.custom_roles or {}).values())
        self.problem('%s: unknown permission %r (known: %s)' % (where, value, ', '.join(known)))
        return None

    def rank(self, permission):
        if permission in RANK:
            return RANK[permission]
        custom = (self.state.custom_roles or {}).get((permission or '').lower())
        return RANK.get(custom[1]) if custom else None

    def change_phase(self, before, after):
        low, high = self.rank(after), self.rank(before)
        return 2 if low is not None and high is not None and low < high else 1

    def repositories(self, mapping, where):
        """``{lower repo: (name, permission)}`` of a wanted ``repositories`` mapping."""
        out = {}
        if mapping is None:
            return out
        if not isinstance(mapping, dict):
            self.problem('%s: repositories must be a mapping of repository name to permission' % where)
            return out
        seen = {}
        known = self.state.repositories
        for name in sorted(mapping, key=str):
            if not isinstance(name, str) or not self.unique(name, '%s: repository' % where, seen):
                continue
            if known is not None and name.lower() not in known:
                self.problem('%s: repository %s is not a repository of %s' % (where, name, self.state.org))
                continue
            permission = self.permission(mapping[name], '%s, repository %s' % (where, name))
            if permission is not None:
                out[name.lower()] = ((known or {}).get(name.lower(), name), permission)
        return out

    def add(self, write):
        self.writes.append(write)

    # -- organization roles ------------------------------------------------------------------------
    def roles(self, entries):
        report = self.report.setdefault(ROLES, _section())
        if self.state.roles is None:
            self.problem('organization roles were not read; nothing can be planned on them')
            return
        seen = {}
        for entry in entries or ():
            if not isinstance(entry, dict) or not isinstance(entry.get('role'), str):
                self.problem('organization_roles: %r has no role name' % (entry,))
                continue
            role = self.state.role(entry['role'])
            if role is None:
                self.problem('organization_roles: unknown role %r (%s has: %s)' % (
                    entry['role'], self.state.org, ', '.join(sorted(r.name for r in self.state.roles.values()))))
                continue
            if not self.unique(entry['role'], 'organization role', seen):
                continue
            if not role.read:
                self.problem('organization role %s: its holders were not read' % role.name)
                continue
            users = self.role_users(role, entry.get('users') or ())
            teams = self.role_teams(role, entry.get('teams') or ())
            self.role_writes(role, users, teams, bool(entry.get('exclusive')), report)

    def role_users(self, role, entries):
        out, seen = {}, {}
        where = 'organization role %s' % role.name
        for entry in entries:
            login = self.login(entry, where)
            if login is None or not self.unique(login, '%s: user' % where, seen):
                continue
            if self.members is not None and login.lower() not in self.members:
                self.problem('%s: %s is not an active member of %s (GitHub assigns organization roles to members only)'
                             % (where, login, self.state.org))
                continue
            out[login.lower()] = login
        return out

    def role_teams(self, role, entries):
        out, seen = {}, {}
        where = 'organization role %s' % role.name
        for slug in entries:
            if not isinstance(slug, str) or not slug.strip():
                self.problem('%s: %r is not a team slug' % (where, slug))
                continue
            slug = slug.strip()
            if not self.unique(slug, '%s: team' % where, seen):
                continue
            teams = self.state.teams
            if teams is not None and slug.lower() not in teams and slug.lower() not in self.new_teams:
                self.problem('%s: team %s is not a team of %s' % (where, slug, self.state.org))
                continue
            out[slug.lower()] = slug
        return out

    def role_writes(self, role, users, teams, exclusive, report):
        for kind, wanted, held in ((USER, users, role.users), (TEAM, teams, role.teams)):
            for key in sorted(set(wanted) - set(held)):
                self.add(AccessWrite(ROLES, ADD, kind, wanted[key], role.name, ref=role.id))
                report['added'].append({'role': role.name, kind: wanted[key]})
            if exclusive:
                for key in sorted(set(held) - set(wanted)):
                    self.add(AccessWrite(ROLES, REMOVE, kind, held[key], role.name, ref=role.id, weight=1))
                    report['removed'].append({'role': role.name, kind: held[key]})

    # -- outside collaborators ---------------------------------------------------------------------
    def outside(self, entries, exclusive):
        report = self.report.setdefault(OUTSIDE, _section())
        if self.state.outside is None:
            self.problem('outside collaborators were not read; nothing can be planned on them')
            return
        wanted, seen = {}, {}
        for entry in entries or ():
            login = self.login(entry, 'outside_collaborators')
            if login is None or not self.unique(login, 'outside collaborator', seen):
                continue
            if self.members is not None and login.lower() in self.members:
                self.problem('outside_collaborators: %s is a member of %s, not an outside collaborator (converting a '
                             'member is never a side effect: convert them with gitops.github.github_outside_collaborator '
                             'and convert_member=true, then list them here)' % (login, self.state.org))
                continue
            mapping = entry.get('repositories') if isinstance(entry, dict) else None
            wanted[login.lower()] = (login, self.repositories(mapping, 'outside collaborator %s' % login))
        for key, (login, repos) in sorted(wanted.items()):
            person = self.state.outside.get(key) or Collaborator(login)
            self.person_writes(person, repos, exclusive, report)
        if exclusive:
            for key in sorted(set(self.state.outside) - set(wanted)):
                self.remove_person(self.state.outside[key], report)

    def person_writes(self, person, repos, exclusive, report):
        for key, (name, permission) in sorted(repos.items()):
            grant = person.repositories.get(key)
            if grant is None:
                self.add(AccessWrite(OUTSIDE, ADD, COLLABORATOR, person.login, name, permission))
                report['added'].append({'login': person.login, 'repository': name, 'permission': permission})
            elif not same_permission(grant.permission, permission):
                kind = INVITATION if grant.pending else COLLABORATOR
                self.add(AccessWrite(OUTSIDE, CHANGE, kind, person.login, grant.repository, permission, grant.permission,
                                     grant.invitation_id, phase=self.change_phase(grant.permission, permission)))
                report['changed'].append({'login': person.login, 'repository': grant.repository,
                                          'before': grant.permission, 'after': permission})
        if exclusive:
            for key in sorted(set(person.repositories) - set(repos)):
                self.remove_grant(person, person.repositories[key], report)

    def remove_grant(self, person, grant, report):
        kind = INVITATION if grant.pending else COLLABORATOR
        self.add(AccessWrite(OUTSIDE, REMOVE, kind, person.login, grant.repository, before=grant.permission,
                             ref=grant.invitation_id, weight=1))
        report['removed'].append({'login': person.login, 'repository': grant.repository, 'permission': grant.permission})

    def remove_person(self, person, report):
        """An unlisted outside collaborator: one organization-wide removal for the active grants
        (or for one GitHub lists with no repository read), each pending invitation cancelled."""
        active = [g for g in person.repositories.values() if not g.pending]
        if active or not person.repositories:
            self.add(AccessWrite(OUTSIDE, REMOVE, ORGANIZATION, person.login, None, weight=max(1, len(active))))
            report['removed'].append({'login': person.login, 'repository': None, 'permission': None})
        for grant in sorted(person.repositories.values(), key=lambda g: g.repository.lower()):
            if grant.pending:
                self.remove_grant(person, grant, report)

    # -- team repositories -------------------------------------------------------------------------
    def teams(self, entries):
        report = self.report.setdefault(REPOSITORIES, {})
        planned = [e for e in entries or () if isinstance(e, dict) and ('repositories' in e or e.get('exclusive_repositories'))]
        if not planned:
            return
        if self.state.teams is None:
            self.problem('team repositories were not read; nothing can be planned on them')
            return
        seen = {}
        for entry in planned:
            slug = entry.get('team')
            if not isinstance(slug, str) or not slug.strip():
                self.problem('teams: %r has no team slug' % (entry,))
                continue
            slug = slug.strip()
            if not self.unique(slug, 'team', seen):
                continue
            repos = self.repositories(entry.get('repositories'), 'team %s' % slug)
            if slug.lower() not in self.state.teams and slug.lower() not in self.new_teams:
                # A grant names an existing team (OpenAPI teams/add-or-update-repo-permissions-in-org
                # documents only 204): a team the run neither has nor creates fails before any write.
                self.problem('team %s: not a team of %s (nor one this run creates)' % (slug, self.state.org))
                continue
            team = self.state.teams.get(slug.lower()) or TeamAccess(slug)
            self.team_writes(team, repos, bool(entry.get('exclusive_repositories')), report.setdefault(team.slug, _section()))

    def team_writes(self, team, repos, exclusive, report):
        for key, (name, permission) in sorted(repos.items()):
            grant = team.repositories.get(key)
            if grant is None:
                self.add(AccessWrite(REPOSITORIES, ADD, TEAM, team.slug, name, permission))
                report['added'].append({'repository': name, 'permission': permission})
            elif not same_permission(grant.permission, permission):
                self.add(AccessWrite(REPOSITORIES, CHANGE, TEAM, team.slug, grant.repository, permission, grant.permission,
                                     phase=self.change_phase(grant.permission, permission)))
                report['changed'].append({'repository': grant.repository, 'before': grant.permission, 'after': permission})
        if exclusive:
            for key in sorted(set(team.repositories) - set(repos)):
                grant = team.repositories[key]
                self.add(AccessWrite(REPOSITORIES, REMOVE, TEAM, team.slug, grant.repository, before=grant.permission,
                                     weight=1))
                report['removed'].append({'repository': grant.repository, 'permission': grant.permission})
        inherited = self.state.inherited_repositories(team.slug) if team.slug.lower() in (self.state.teams or {}) else {}
        report['inherited'] = [{'repository': g.repository, 'permission': g.permission, 'from': source}
                               for _k, (g, source) in sorted(inherited.items())]


def _reads_team_grants(wanted):
    """Whether a ``teams`` entry of ``wanted`` names ``repositories`` or ``exclusive_repositories``."""
    return any(isinstance(e, dict) and ('repositories' in e or e.get('exclusive_repositories'))
               for e in wanted.get('teams') or ())


def _named_roles(wanted):
    """The sorted names of the roles ``wanted``'s ``organization_roles`` names (a name that is no
    string is left to the planner)."""
    return sorted(set(e['role'] for e in wanted.get('organization_roles') or ()
                      if isinstance(e, dict) and isinstance(e.get('role'), str)))


def _invitation_repos(wanted):
    """The sorted repositories ``wanted``'s outside collaborators name, whose pending invitations
    a plan depends on; ``None`` (every repository) when ``exclusive_outside_collaborators``."""
    if wanted.get('exclusive_outside_collaborators'):
        return None
    return sorted(set(r for e in wanted.get('outside_collaborators') or () if isinstance(e, dict)
                      and isinstance(e.get('repositories'), dict) for r in e['repositories']
                      if isinstance(r, str)))


def reads_for(wanted):
    """The keyword arguments of :func:`._access_reader.read_access` that read what a plan of
    ``wanted`` depends on, and no more: the holders of the roles it names only; the pending
    repository invitations of the repositories its outside collaborators name, or of every
    repository when ``exclusive_outside_collaborators`` (unlisted invitations are cancelled); a
    part no key names is not read."""
    wanted = wanted or {}
    outside = 'outside_collaborators' in wanted or bool(wanted.get('exclusive_outside_collaborators'))
    return {'roles': 'organization_roles' in wanted, 'teams': _reads_team_grants(wanted), 'outside': outside,
            'role_names': _named_roles(wanted), 'invitation_repos': _invitation_repos(wanted)}


def plan_access(state, wanted, members=None, max_removals='25%', new_teams=()):
    """The :class:`AccessPlan` that brings ``state`` to ``wanted``. ``members``: the logins of
    the organization's active members and owners, any case (``None``: not checked);
    ``new_teams``: slugs the same run creates before these writes."""
    planner = _Planner(state, members, new_teams)
    wanted = wanted or {}
    if 'organization_roles' in wanted:
        planner.roles(wanted.get('organization_roles'))
    if 'outside_collaborators' in wanted or wanted.get('exclusive_outside_collaborators'):
        planner.outside(wanted.get('outside_collaborators'), bool(wanted.get('exclusive_outside_collaborators')))
    if 'teams' in wanted:
        planner.teams(wanted.get('teams'))
    writes = sorted(planner.writes, key=lambda w: w.phase)
    removals = sum(w.weight for w in writes if w.action == REMOVE)
    try:
        limit = removal_limit(max_removals, state.access_count())
    except ValueError as exc:
        planner.problem(str(exc))
        limit = None
    if limit is not None and removals > limit:
        planner.problem('the plan removes %d accesses, more than max_removals (%s) allows (%d of %d accesses); nothing is '
                        'written' % (removals, max_removals, limit, state.access_count()))
    return AccessPlan(writes, planner.problems, planner.report, removals)


# ------------------------------------------------------------------------------------------------
# the state a plan leaves (check mode shows it; the properties test apply against it)
def _copy(state):
    roles = None
    if state.roles is not None:
        roles = {}
        for key, role in state.roles.items():
            new = OrgRole(role.id, role.name, role.source, role.base_role,
                          None if role.users is None else dict(role.users), None if role.teams is None else dict(role.teams))
            new.inherited_users, new.inherited_teams = dict(role.inherited_users), dict(role.inherited_teams)
            roles[key] = new
    teams = None if state.teams is None else dict(
        (k, TeamAccess(t.slug, t.parent, dict(t.repositories))) for k, t in state.teams.items())
    outside = None if state.outside is None else dict(
        (k, Collaborator(p.login, dict(p.repositories))) for k, p in state.outside.items())
    return AccessState(state.org, roles, teams, outside, state.repositories, state.custom_roles)


def state_after(state, writes):
    """The :class:`AccessState` ``writes`` leave: a collaborator added is *pending* (GitHub invites
    a non-member: ``PUT .../collaborators/{username}`` answers 201 with an invitation)."""
    after = _copy(state)
    for w in writes:
        if w.section == ROLES:
            role = after.role(w.target)
            held = role.users if w.kind == USER else role.teams
            if w.action == ADD:
                held[w.subject.lower()] = w.subject
            else:
                held.pop(w.subject.lower(), None)
        elif w.section == OUTSIDE:
            person = after.outside.setdefault(w.subject.lower(), Collaborator(w.subject))
            if w.kind == ORGANIZATION:
                person.repositories = dict((k, g) for k, g in person.repositories.items() if g.pending)
                if not person.repositories:
                    del after.outside[w.subject.lower()]
            elif w.action == REMOVE:
                person.repositories.pop(w.target.lower(), None)
                if not person.repositories:
                    del after.outside[w.subject.lower()]  # no access left: no longer an outside collaborator
            else:
                old = person.repositories.get(w.target.lower())
                pending = old.pending if old is not None else True
                person.repositories[w.target.lower()] = Grant(w.target, w.permission, pending,
                                                              old.invitation_id if old is not None else None)
        else:
            team = after.teams.setdefault(w.subject.lower(), TeamAccess(w.subject))
            if w.action == REMOVE:
                team.repositories.pop(w.target.lower(), None)
            else:
                team.repositories[w.target.lower()] = Grant(w.target, w.permission)
    return after
