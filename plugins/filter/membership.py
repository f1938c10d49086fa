# -*- coding: utf-8 -*-
# Copyright (c) gitops.github contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filters behind the ``gitops.github.membership`` role and the apply / drift / export playbooks:
checking the membership data, turning it into list-module calls, and turning the modules' results
into a drift report (JSON and Markdown) or back into membership data. Pure functions, no I/O.
The drift report itself is built in ``plugins/plugin_utils/_drift.py`` (shared with the role's
``membership_report`` action); its filters are re-exported here.

The documentation of each filter is in the ``.yml`` file of the same name next to this one."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError
from ansible.module_utils.parsing.convert_bool import BOOLEANS_FALSE, BOOLEANS_TRUE

from ansible_collections.gitops.github.plugins.module_utils._names import login_problem, slug_problem
from ansible_collections.gitops.github.plugins.module_utils._plan import parse_max_removals, parse_min_owners
from ansible_collections.gitops.github.plugins.module_utils._plan_people import parse_person
from ansible_collections.gitops.github.plugins.plugin_utils._drift import (
    _declared,
    _results,
    membership_drift_markdown,
    membership_drift_report,
    membership_results,
    membership_roster_results,
)

ORG_ROLES = (('owners', 'owner', 'admin'), ('members', 'member', 'member'))
TEAM_ROLES = (('maintainers', 'maintainer', 'maintainer'), ('members', 'member', 'member'))


def _sorted(logins):
    return sorted(logins, key=lambda login: (login.lower(), login))


def _collect(problems, where, groups):
    """``{lower login: (login, role)}`` from ``(role, logins)`` groups, reporting every login that is
    invalid, listed twice, listed in two roles, or listed twice in different case."""
    people = {}
    for role, logins in groups:
        if logins is None:
            continue
        if not isinstance(logins, list):
            problems.append('the %ss of %s must be a list of logins' % (role, where))
            continue
        for item in logins:
            if isinstance(item, dict):
                # A person mapping {login, id, expires, email} (see _plan_people).
                person, found = parse_person(item, '%s of %s' % (role, where), login_problem,
                                             allow_email=not where.startswith('team '))
                if found:
                    problems.extend(found)
                    continue
                login = person.name
            else:
                problem = login_problem(item, '%s of %s' % (role, where))
                if problem:
                    problems.append(problem)
                    continue
                login = item
            key = login.lower()
            if key in people:
                first, first_role = people[key]
                if first_role != role:
                    problems.append('%s is listed both as %s and as %s of %s; a user has one role'
                                    % (login, first_role, role, where))
                elif first != login:
                    problems.append('%s and %s are the same user in %s (logins are case-insensitive); list them once'
                                    % (first, login, where))
                else:
                    problems.append('%s is listed twice as %s of %s' % (login, role, where))
                continue
            people[key] = (login, role)
    return people


# The booleans of the data, per level, with their defaults (None: no default, left out means "leave alone").
ORG_BOOLEANS = (('exclusive', False), ('allow_self', False), ('public_membership', None))
TEAM_BOOLEANS = (('exclusive', False), ('managed_externally', False))


def _boolean(value):
    """``value`` by Ansible's own boolean rules (those of a module's ``type: bool``): ``True``,
    ``'yes'``, ``'on'``, ``'true'``, ``1``... and their opposites; ``ValueError`` for anything else,
    so a quoted ``"false"`` is false and never "a non-empty string, so true"."""
    if isinstance(value, bool):
        return value
    normalized = value.lower().strip() if isinstance(value, str) else value
    try:
        if normalized in BOOLEANS_TRUE:
            return True
        if normalized in BOOLEANS_FALSE:
            return False
    except TypeError:  # an unhashable value, such as a list
        pass
    raise ValueError(value)


def _check_booleans(problems, spec, where, keys):
    for key, _default in keys:
        value = spec.get(key)
        if value is None:
            continue
        try:
            _boolean(value)
        except ValueError:
            problems.append('%s of %s must be a boolean (true/false, yes/no), got %r' % (key, where, value))


def _whole(value):
    """An int from an int or a string of digits (``-e min_owners=2``), as ``type: int`` converts it;
    anything else unchanged, for parse_min_owners to refuse."""
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return value


def _flag(spec, key, default):
    """A boolean of the (checked) data, or ``default`` when it is left out."""
    value = spec.get(key)
    return default if value is None else _boolean(value)


def _check_max_removals(problems, spec, where):
    value = spec.get('max_removals')
    if value is None:
        return
    try:
        parse_max_removals(value)
    except ValueError as exc:
        problems.append('%s: %s' % (where, exc))


def membership_problems(orgs):
    """Every problem in the role's ``membership_orgs`` data, as clear one-line messages; empty when
    the data can be applied."""
    if not isinstance(orgs, list):
        return ['membership_orgs must be a list of organizations, got %s' % type(orgs).__name__]
    problems = []
    seen_orgs = {}
    for index, spec in enumerate(orgs):
        if not isinstance(spec, dict):
            problems.append('entry %d of membership_orgs must be a mapping with an org key' % (index + 1))
            continue
        org = spec.get('org')
        problem = login_problem(org, 'org')
        if problem:
            problems.append('entry %d of membership_orgs: %s' % (index + 1, problem))
            continue
        if org.lower() in seen_orgs:
            problems.append('organization %s is listed twice (as %s and %s); merge the two entries'
                            % (org, seen_orgs[org.lower()], org))
            continue
        seen_orgs[org.lower()] = org
        people = _collect(problems, org, [(role, spec.get(key)) for key, role, _dummy in ORG_ROLES])
        declared = _declared(spec)
        _check_booleans(problems, spec, org, ORG_BOOLEANS)
        try:
            exclusive = _flag(spec, 'exclusive', False)
        except ValueError:
            exclusive = True  # already reported; assume the worst for the next check
        if declared and exclusive and not any(role == 'owner' for _dummy, role in people.values()):
            problems.append('%s is exclusive but lists no owners: applying it would remove every owner' % org)
        _check_max_removals(problems, spec, org)
        if spec.get('min_owners') is not None:
            try:
                parse_min_owners(_whole(spec['min_owners']))
            except ValueError as exc:
                problems.append('%s: %s' % (org, exc))

        teams = spec.get('teams') or []
        seen_teams = {}
        for team_index, team in enumerate(teams):
            if not isinstance(team, dict):
                problems.append('team entry %d of %s must be a mapping with a team key' % (team_index + 1, org))
                continue
            slug = team.get('team')
            problem = slug_problem(slug, 'team')
            if problem:
                problems.append('team entry %d of %s: %s' % (team_index + 1, org, problem))
                continue
            if slug.lower() in seen_teams:
                problems.append('team %s of %s is listed twice (as %s and %s); merge the two entries'
                                % (slug, org, seen_teams[slug.lower()], slug))
                continue
            seen_teams[slug.lower()] = slug
            where = 'team %s of %s' % (slug, org)
            team_people = _collect(problems, where, [(role, team.get(key)) for key, role, _dummy in TEAM_ROLES])
            _check_booleans(problems, team, where, TEAM_BOOLEANS)
            _check_max_removals(problems, team, where)
            if not declared:
                continue
            for key in sorted(team_people):
                login, role = team_people[key]
                if key not in people:
                    problems.append('%s is a %s of %s but not among the owners or members of %s: add them to the '
                                    "organization's members, or the team would invite them to %s"
                                    % (login, role, where, org, org))
                elif people[key][0] != login:
                    problems.append('%s is spelled %s in %s and %s in %s; spell a login the same way everywhere'
                                    % (login, people[key][0], org, login, where))
    return problems


def membership_normalize(orgs):
    """The module calls for valid ``membership_orgs`` data: ``orgs`` (github_org_members),
    ``teams`` (github_team_members) and ``public`` (github_public_membership)."""
    problems = membership_problems(orgs)
    if problems:
        raise AnsibleFilterError('Invalid membership data: %s' % '; '.join(problems))
    plan = {'orgs': [], 'teams': [], 'public': []}
    for spec in orgs:
        org = spec['org']
        allow_self = _flag(spec, 'allow_self', False)
        if _declared(spec):
            entry = {
                'org': org,
                'members': [{'username': login, 'role': role}
                            for key, _dummy, role in ORG_ROLES for login in spec.get(key) or []],
                'exclusive': _flag(spec, 'exclusive', False),
                'allow_self': allow_self,
                'min_owners': 1 if spec.get('min_owners') is None else _whole(spec['min_owners']),
            }
            if spec.get('max_removals') is not None:
                entry['max_removals'] = spec['max_removals']
            plan['orgs'].append(entry)
        for team in spec.get('teams') or []:
            entry = {
                'org': org,
                'team': team['team'],
                'maintainers': list(team.get('maintainers') or []),
                'members': list(team.get('members') or []),
                'exclusive': _flag(team, 'exclusive', False),
                'allow_self': allow_self,
                # Members managed by an identity provider: read and reported (check mode), never written.
                'managed_externally': _flag(team, 'managed_externally', False),
            }
            if team.get('max_removals') is not None:
                entry['max_removals'] = team['max_removals']
            plan['teams'].append(entry)
        if spec.get('public_membership') is not None:
            plan['public'].append({'org': org, 'public': _flag(spec, 'public_membership', None)})
    return plan


def membership_export_roster(registered, exclusive=True):
    """``membership_orgs`` data from the registered results of github_org_roster tasks that were
    given only ``org`` (their ``current``)."""
    exported = []
    for result in _results(registered):
        current = result.get('current') or {}
        entry = {'org': current.get('org'), 'exclusive': bool(exclusive), 'owners': list(current.get('owners') or []),
                 'members': list(current.get('members') or [])}
        entry['teams'] = []
        for t in current.get('teams') or []:
            team = {'team': t['team']}
            team.update((k, t[k]) for k in ('name', 'description', 'privacy', 'parent') if t.get(k) is not None)
            team.update(exclusive=bool(exclusive), maintainers=list(t.get('maintainers') or []),
                        members=list(t.get('members') or []))
            entry['teams'].append(team)
        exported.append(entry)
    return exported


def membership_export(org_infos, team_infos=None, exclusive=True):
    """``membership_orgs`` data from the registered results of github_org_membership_info (one per
    org, with invitations) and github_team_membership_info (one per team, ``item`` holding
    ``org`` and ``team``)."""
    teams_by_org = {}
    for result in _results(team_infos):
        item = result.get('item') or {}
        if isinstance(item, (list, tuple)):  # from a subelements loop: [{org, teams}, team]
            item = {'org': item[0].get('org'), 'team': item[1]}
        teams_by_org.setdefault((item.get('org') or '').lower(), []).append((item.get('team'), result))
    exported = []
    for result in _results(org_infos):
        org = result.get('item')
        if isinstance(org, dict):
            org = org.get('org')
        people = {'admin': [], 'member': []}
        seen = set()
        for member in result.get('members') or []:
            if member.get('role') in people:
                people[member['role']].append(member['login'])
                seen.add(member['login'].lower())
        for invitation in result.get('invitations') or []:
            login = invitation.get('login')
            if (login and not invitation.get('failed') and invitation.get('role') in people
                    and login.lower() not in seen):
                people[invitation['role']].append(login)
                seen.add(login.lower())
        entry = {'org': org, 'exclusive': bool(exclusive), 'owners': _sorted(people['admin']),
                 'members': _sorted(people['member'])}
        teams = []
        for slug, team_result in sorted(teams_by_org.get(org.lower(), []), key=lambda pair: pair[0].lower()):
            roles = {'maintainer': [], 'member': []}
            in_team = set()
            for member in team_result.get('members') or []:
                if member.get('inherited') or member.get('role') not in roles:
                    continue
                roles[member['role']].append(member['login'])
                in_team.add(member['login'].lower())
            for invitation in team_result.get('pending') or []:
                login = invitation.get('login')
                if login and login.lower() not in in_team:
                    roles['member'].append(login)
                    in_team.add(login.lower())
            teams.append({'team': slug, 'exclusive': bool(exclusive), 'maintainers': _sorted(roles['maintainer']),
                          'members': _sorted(roles['member'])})
        entry['teams'] = teams
        exported.append(entry)
    return exported


class FilterModule(object):
    """gitops.github membership filters."""

    def filters(self):
        return {
            'membership_problems': membership_problems,
            'membership_normalize': membership_normalize,
            'membership_results': membership_results,
            'membership_drift_report': membership_drift_report,
            'membership_drift_markdown': membership_drift_markdown,
            'membership_export': membership_export,
            'membership_roster_results': membership_roster_results,
            'membership_export_roster': membership_export_roster,
        }
