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

from ansible_collections.gitops.github.plugins.module_utils._membership_data import (
    entry_problems,
    flag,
    kind_of,
    login_at,
    number,
)
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


def membership_problems(orgs):
    """Every problem in the role's ``membership_orgs`` data, as clear one-line messages; empty when
    the data can be applied. Each entry is checked by the collection's one validator
    (:func:`entry_problems`, which github_org_roster uses too), its problems headed by the
    organization; this adds only what spans entries (an organization listed twice)."""
    if not isinstance(orgs, list):
        return ['membership_orgs must be a list of organizations, got %s' % type(orgs).__name__]
    problems = []
    seen_orgs = {}
    for index, spec in enumerate(orgs):
        if not isinstance(spec, dict):
            problems.append('membership_orgs[%d] must be a mapping with an org key, got %s' % (index, kind_of(spec)))
            continue
        org = spec.get('org')
        named = isinstance(org, str) and login_at(org, 'org') is None
        label = org if named else 'membership_orgs[%d]' % index
        problems.extend('%s: %s' % (label, problem) for problem in entry_problems(spec))
        if not named:
            continue
        if org.lower() in seen_orgs:
            problems.append('organization %s is listed twice (as %s and %s); merge the two entries'
                            % (org, seen_orgs[org.lower()], org))
        seen_orgs.setdefault(org.lower(), org)
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
        allow_self = flag(spec, 'allow_self', False)
        if _declared(spec):
            entry = {
                'org': org,
                'members': [{'username': login, 'role': role}
                            for key, _dummy, role in ORG_ROLES for login in spec.get(key) or []],
                'exclusive': flag(spec, 'exclusive', False),
                'allow_self': allow_self,
                'min_owners': number(spec, 'min_owners', 1),
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
                'exclusive': flag(team, 'exclusive', False),
                'allow_self': allow_self,
                # Members managed by an identity provider: read and reported (check mode), never written.
                'managed_externally': flag(team, 'managed_externally', False),
            }
            if team.get('max_removals') is not None:
                entry['max_removals'] = team['max_removals']
            plan['teams'].append(entry)
        if spec.get('public_membership') is not None:
            plan['public'].append({'org': org, 'public': flag(spec, 'public_membership', None)})
    return plan


def _person_key(entry):
    """Person entries in a stable order: by login (an e-mail invitation by its address), ignoring case."""
    name = (entry.get('login') or entry.get('email')) if isinstance(entry, dict) else entry
    name = str(name or '')
    return (name.lower(), name)


def _by_name(mapping):
    """A ``{repository: permission}`` mapping in a stable order (repository names ignoring case)."""
    return dict(sorted((mapping or {}).items(), key=lambda item: (str(item[0]).lower(), str(item[0]))))


def _export_roles(roles, exclusive):
    """``organization_roles`` entries of the roles that have holders, by role name."""
    exported = []
    for role in sorted(roles or [], key=lambda r: (str(r.get('role')).lower(), str(r.get('role')))):
        if not (role.get('users') or role.get('teams')):
            continue
        entry = {'role': role.get('role'), 'exclusive': bool(exclusive)}
        entry.update((key, sorted(role[key], key=_person_key)) for key in ('users', 'teams') if role.get(key))
        exported.append(entry)
    return exported


def _export_outside(people):
    """``outside_collaborators`` entries by login, each with its repositories (kept when GitHub lists
    someone with none, so that an exclusive apply of the export removes nobody)."""
    exported = []
    for person in sorted(people or [], key=_person_key):
        entry = dict((key, person[key]) for key in ('login', 'id') if person.get(key) is not None)
        entry['repositories'] = _by_name(person.get('repositories'))
        exported.append(entry)
    return exported


def _export_access(current, exclusive):
    """The access keys of an organization's ``current`` (github_org_roster returns them when it read
    the access), each only when it holds something."""
    entry = {}
    roles = _export_roles(current.get('organization_roles'), exclusive)
    if roles:
        entry['organization_roles'] = roles
    outside = _export_outside(current.get('outside_collaborators'))
    if outside:
        # Never exclusive: the export does not read the repositories' pending invitations (a
        # request per repository), and an exclusive list would cancel them on the next apply.
        entry['outside_collaborators'] = outside
    return entry


def _export_roster_team(current, exclusive):
    team = {'team': current['team']}
    team.update((k, current[k]) for k in ('name', 'description', 'privacy', 'parent') if current.get(k) is not None)
    team.update(exclusive=bool(exclusive), maintainers=list(current.get('maintainers') or []),
                members=list(current.get('members') or []))
    if current.get('repositories'):
        team.update(exclusive_repositories=bool(exclusive), repositories=_by_name(current['repositories']))
    return team


def membership_export_roster(registered, exclusive=True):
    """``membership_orgs`` data from the registered results of github_org_roster tasks that were
    given only ``org`` (their ``current``): owners, members, organization roles and outside
    collaborators (when read), then the teams with their direct repository grants (when read)."""
    exported = []
    for result in _results(registered):
        current = result.get('current') or {}
        entry = {'org': current.get('org'), 'exclusive': bool(exclusive), 'owners': list(current.get('owners') or []),
                 'members': list(current.get('members') or [])}
        entry.update(_export_access(current, exclusive))
        entry['teams'] = [_export_roster_team(t, exclusive) for t in current.get('teams') or []]
        exported.append(entry)
    return exported


def _info_org_people(result):
    """``{admin: [...], member: [...]}`` of a github_org_membership_info result: its members, then
    the logins of its pending (not failed) invitations that are no member yet."""
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
    return people


def _info_team(slug, team_result, exclusive):
    """One team entry from a github_team_membership_info result: its direct maintainers and members
    (members only through a child team left out), pending team invitations as members."""
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
    return {'team': slug, 'exclusive': bool(exclusive), 'maintainers': _sorted(roles['maintainer']),
            'members': _sorted(roles['member'])}


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
        people = _info_org_people(result)
        entry = {'org': org, 'exclusive': bool(exclusive), 'owners': _sorted(people['admin']),
                 'members': _sorted(people['member'])}
        entry['teams'] = [_info_team(slug, team_result, exclusive) for slug, team_result
                          in sorted(teams_by_org.get(org.lower(), []), key=lambda pair: pair[0].lower())]
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
