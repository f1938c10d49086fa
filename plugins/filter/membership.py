# -*- coding: utf-8 -*-
# Copyright (c) gitops.github contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Filters behind the ``gitops.github.membership`` role and the apply / drift / export playbooks:
checking the membership data, turning it into list-module calls, and turning the modules' results
into a drift report (JSON and Markdown) or back into membership data. Pure functions, no I/O.

The documentation of each filter is in the ``.yml`` file of the same name next to this one."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError
from ansible.module_utils.parsing.convert_bool import BOOLEANS_FALSE, BOOLEANS_TRUE

from ansible_collections.gitops.github.plugins.module_utils._module import login_problem, slug_problem
from ansible_collections.gitops.github.plugins.module_utils._plan import parse_max_removals, parse_min_owners
from ansible_collections.gitops.github.plugins.module_utils._plan_people import parse_person

ORG_ROLES = (('owners', 'owner', 'admin'), ('members', 'member', 'member'))
TEAM_ROLES = (('maintainers', 'maintainer', 'maintainer'), ('members', 'member', 'member'))


def _sorted(logins):
    return sorted(logins, key=lambda login: (login.lower(), login))


def _declared(spec):
    """Whether an org entry manages the org's own membership (it lists owners or members)."""
    return spec.get('owners') is not None or spec.get('members') is not None


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


def _role_of(label):
    """``member`` from a diff label such as ``member (pending)``."""
    return (label or '').split(' (', 1)[0] or None


def _is_pending(label):
    return (label or '').endswith('(pending)')


def _results(registered):
    """The per-item results of a registered loop (or a list of them)."""
    if isinstance(registered, dict):
        registered = registered.get('results', [])
    return [r for r in registered or [] if isinstance(r, dict) and not r.get('skipped')]


def _list_target(result, team):
    item = result.get('item') or {}
    diff = result.get('diff') or {}
    before = diff.get('before') or {}
    after = diff.get('after') or {}
    added, removed, role_changed = _changes_as_entries(result.get('changes') or [], before, after)
    org = item.get('org')
    target = {
        'kind': 'team' if team else 'org',
        'org': org,
        'team': item.get('team') if team else None,
        'name': '%s/%s' % (org, item.get('team')) if team else org,
        'changed': bool(result.get('changed')),
        'added': added,
        'removed': removed,
        'role_changed': role_changed,
        'pending': list(result.get('pending') or []),
        'problems': [dict(p) for p in result.get('problems') or [] if isinstance(p, dict)],
        'public': None,
    }
    if team:
        target['inherited'] = list(result.get('inherited') or [])
        target['managed_externally'] = bool(item.get('managed_externally'))
        if target['managed_externally']:
            # Read in check mode and never written: what differs is drift, but nothing changed.
            target['differs'] = bool(added or removed or role_changed)
            target['changed'] = False
    return target


def _public_target(result):
    item = result.get('item') or {}
    diff = result.get('diff') or {}
    before = (diff.get('before') or {}).get('public')
    return {
        'kind': 'public',
        'org': item.get('org'),
        'team': None,
        'name': '%s (public membership of %s)' % (item.get('org'), result.get('login')),
        'changed': bool(result.get('changed')),
        'added': [],
        'removed': [],
        'role_changed': [],
        'pending': [],
        'problems': [],
        'public': {'login': result.get('login'), 'from': before, 'to': result.get('public')},
    }


def membership_results(registered):
    """One entry per org, team and public membership the role reconciled, from the registered
    results of its three loops ``[orgs, teams, public]``."""
    if not isinstance(registered, (list, tuple)) or len(registered) != 3:
        raise AnsibleFilterError('membership_results expects [org results, team results, public results]')
    orgs, teams, public = registered
    return ([_list_target(r, False) for r in _results(orgs)] + [_list_target(r, True) for r in _results(teams)]
            + [_public_target(r) for r in _results(public)])


def _changes_as_entries(changes, before, after):
    """``(added, removed, role_changed)`` entries of the written (or planned) ``changes``, with the roles
    and pending states the diff's ``before``/``after`` labels show."""
    before_ci = dict((login.lower(), label) for login, label in (before or {}).items())
    after_ci = dict((login.lower(), label) for login, label in (after or {}).items())
    added, removed, role_changed = [], [], []
    for change in changes:
        login = change.get('login')
        key = (login or '').lower()
        if change.get('action') == 'add':
            added.append({'login': login, 'role': change.get('role'), 'pending': _is_pending(after_ci.get(key))})
        elif change.get('action') == 'remove':
            was = before_ci.get(key)
            removed.append({'login': login, 'role': _role_of(was), 'pending': _is_pending(was)})
        else:
            role_changed.append({'login': login, 'from': _role_of(before_ci.get(key)), 'to': change.get('role'),
                                 'pending': _is_pending(before_ci.get(key))})
    return added, removed, role_changed


def membership_roster_results(registered):
    """One entry per org, team and public membership from the registered results of the role's
    one github_org_roster loop. A team removal that an organization removal makes is listed only
    under the organization (``left_with_org`` on the team), so nothing is counted twice."""
    targets = []
    for result in _results(registered):
        item = result.get('item') or {}
        org = item.get('org')
        changes = result.get('changes') or []
        diff = result.get('diff') or {}
        before, after = diff.get('before') or {}, diff.get('after') or {}
        org_changes = [c for c in changes if c.get('scope') == 'org']
        added, removed, role_changed = _changes_as_entries(org_changes, before.get('org'), after.get('org'))
        section = result.get('org') or {}
        reinvited = set(login.lower() for login in section.get('reinvited') or [])
        for entry in added:
            if entry['login'].lower() in reinvited:
                entry['reinvited'] = True
        deletions = [c.get('team') for c in changes if c.get('scope') == 'team_settings' and c.get('action') == 'delete']
        for team in deletions:
            targets.append({'kind': 'team', 'org': org, 'team': team, 'name': '%s/%s' % (org, team), 'changed': True,
                            'added': [], 'removed': [], 'role_changed': [], 'pending': [], 'public': None,
                            'definition': [{'action': 'delete', 'from': team, 'settings': {}}]})
        if _declared(item) or section.get('renamed'):
            targets.append({'kind': 'org', 'org': org, 'team': None, 'name': org, 'changed': bool(org_changes),
                            'added': added, 'removed': removed, 'role_changed': role_changed,
                            'pending': list(section.get('pending') or []), 'public': None,
                            'expired': list(section.get('expired') or []),
                            'expiring': list(section.get('expiring') or []),
                            'renamed': list(section.get('renamed') or []),
                            'not_reinvited': list(section.get('not_reinvited') or []),
                            'invitations_left': section.get('invitations_left') or 0,
                            # Additions no apply can make (check mode looked them up): listed apart.
                            'problems': list(result.get('impossible') or [])})
        for slug, section in sorted((result.get('teams') or {}).items()):
            team_changes = [c for c in changes if c.get('scope') == 'team' and (c.get('team') or '').lower() == slug.lower()]
            added, removed, role_changed = _changes_as_entries(
                team_changes, (before.get('teams') or {}).get(slug), (after.get('teams') or {}).get(slug))
            definition = [c for c in changes if c.get('scope') == 'team_settings'
                          and (c.get('new_slug') or c.get('team') or '').lower() == slug.lower()]
            target = {'kind': 'team', 'org': org, 'team': slug, 'name': '%s/%s' % (org, slug),
                      'changed': bool(team_changes or definition), 'added': added, 'removed': removed,
                      'definition': [{'action': c.get('action'), 'from': c.get('team'),
                                      'settings': c.get('settings') or {}} for c in definition],
                      'role_changed': role_changed, 'pending': list(section.get('pending') or []),
                      'public': None, 'inherited': list(section.get('inherited') or []),
                      'left_with_org': list(section.get('left_with_org') or []),
                      'expired': list(section.get('expired') or []),
                      'expiring': list(section.get('expiring') or []),
                      'managed_externally': bool(section.get('managed_externally'))}
            if target['managed_externally']:
                # Read and never written: what the lists call for is drift, but nothing changed.
                withheld = section.get('withheld') or []
                members = (before.get('teams') or {}).get(slug)
                target['added'], target['removed'], target['role_changed'] = _changes_as_entries(withheld, members, members)
                target['differs'] = bool(withheld)
            targets.append(target)
        if item.get('public_membership') is not None:
            public_changes = [c for c in changes if c.get('scope') == 'public']
            targets.append({'kind': 'public', 'org': org, 'team': None,
                            'name': '%s (public membership of the token owner)' % org,
                            'changed': bool(public_changes), 'added': [], 'removed': [], 'role_changed': [],
                            'pending': [],
                            'public': {'login': 'the token owner', 'from': before.get('public'),
                                       'to': result.get('public')}})
    return targets


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


def _mark_removed_with_org(results):
    """Copies of the results where each team removal of a user that the team's organization also
    removes carries ``with_org: true``."""
    by_org = {}
    for target in results:
        if target.get('kind') == 'org':
            by_org[target['name'].lower()] = set(entry['login'].lower() for entry in target['removed']
                                                 if not entry.get('pending'))
    marked = []
    for target in results:
        if target.get('kind') == 'team' and '/' in target['name']:
            gone = by_org.get(target['name'].split('/', 1)[0].lower(), set())
            target = dict(target, removed=[dict(entry, with_org=entry['login'].lower() in gone and not entry.get('pending'))
                                           for entry in target['removed']])
        marked.append(target)
    return marked


def _only_removed_with_org(target):
    return (target['removed'] and all(entry.get('with_org') for entry in target['removed'])
            and not target['added'] and not target['role_changed'])


def membership_drift_report(results):
    """The drift report: whether anything would change, counts, and the targets with their changes."""
    results = _mark_removed_with_org(list(results or []))
    # A renamed login is drift too: the file must follow GitHub, even though nothing is written.
    drifted = [t for t in results if (t['changed'] and not _only_removed_with_org(t)) or t.get('differs')
               or t.get('renamed')]
    summary = {
        'targets': len(results),
        'targets_with_drift': len(drifted),
        'added': sum(len(t['added']) for t in results),
        # Removing someone from an organization removes them from its teams (one write): a team
        # removal of a user the organization also removes is shown, but counted once.
        'removed': sum(1 for t in results for entry in t['removed'] if not entry.get('with_org')),
        'role_changed': sum(len(t['role_changed']) for t in results),
        'public_changed': sum(1 for t in results if t['kind'] == 'public' and t['changed']),
        'pending': sum(len(t['pending']) for t in results),
        # Listed apart: additions no apply can make (no such user, an organization). They are
        # not drift, so a scheduled drift job does not stay red on them for ever.
        'problems': sum(len(t.get('problems') or []) for t in results),
        'managed_externally': sum(1 for t in results if t.get('managed_externally')),
        'reinvited': sum(1 for t in results for e in t['added'] if e.get('reinvited')),
        'expired': sum(len(t.get('expired') or []) for t in results),
        'expiring': sum(len(t.get('expiring') or []) for t in results),
        'renamed': sum(len(t.get('renamed') or []) for t in results),
        'invitations_left': sum(t.get('invitations_left') or 0 for t in results),
    }
    problems = [dict(p, target=t['name']) for t in results for p in t.get('problems') or []]
    return {'drift': bool(drifted), 'summary': summary, 'targets': results, 'problems': problems}


def _who(entry):
    return '`%s`' % entry['login']


def membership_drift_markdown(report):
    """The drift report as Markdown for people."""
    summary = report['summary']
    lines = ['# GitHub membership drift', '']
    if report['drift']:
        parts = []
        for key, word in (('added', 'to add'), ('removed', 'to remove'), ('role_changed', 'role changes'),
                          ('public_changed', 'public membership changes')):
            if summary[key]:
                parts.append('%d %s' % (summary[key], word))
        lines.append('**Drift found** in %d of %d places: %s.' % (summary['targets_with_drift'], summary['targets'],
                                                                  ', '.join(parts)))
    else:
        lines.append('**No drift**: GitHub matches the membership data (%d places checked).' % summary['targets'])
    problems = report.get('problems') or []
    if problems:
        lines += ['', '## Cannot be applied (not drift: fix the membership data)', '',
                  '| where | user | problem |', '|---|---|---|']
        lines += ['| %s | `%s` | %s |' % (p.get('target'), p.get('login'), p.get('problem')) for p in problems]
    for target in report['targets']:
        title = {'org': 'Organization %s', 'team': 'Team %s', 'public': '%s'}[target['kind']] % target['name']
        lines += ['', '## %s' % title, '']
        if target.get('managed_externally'):
            lines += ['Managed by the identity provider (`managed_externally`): read and reported, never '
                      'written; change the IdP group to fix what differs.', '']
        rows = []
        for entry in target.get('definition') or []:
            detail = ', '.join('%s: %s' % (k, v) for k, v in sorted(entry['settings'].items())) or 'no settings'
            if entry['action'] == 'rename':
                detail = 'from `%s`; %s' % (entry['from'], detail)
            rows.append(('%s team' % entry['action'], '', detail))
        for entry in target['added']:
            note = ' (invitation, pending until accepted)' if entry['pending'] else ''
            if entry.get('reinvited'):
                rows.append(('re-invite', _who(entry), 'as %s (the last invitation expired or failed)' % entry['role']))
                continue
            rows.append(('add', _who(entry), 'as %s%s' % (entry['role'], note)))
        for entry in target['role_changed']:
            note = ' (pending invitation)' if entry['pending'] else ''
            rows.append(('change role', _who(entry), '%s → %s%s' % (entry['from'], entry['to'], note)))
        for entry in target['removed']:
            if entry['pending']:
                detail = 'cancel the pending invitation as %s' % entry['role']
            elif entry.get('with_org'):
                detail = 'was %s (goes with the organization membership, no separate write)' % entry['role']
            else:
                detail = 'was %s' % entry['role']
            rows.append(('remove', _who(entry), detail))
        if target['kind'] == 'public' and target['changed']:
            public = target['public']
            rows.append(('publicize' if public['to'] else 'conceal', '`%s`' % public['login'],
                         'membership becomes %s' % ('public' if public['to'] else 'private')))
        if rows:
            lines += ['| change | user | detail |', '|---|---|---|']
            lines += ['| %s | %s | %s |' % row for row in rows]
        else:
            lines.append('No changes.')
        if target['pending']:
            lines += ['', 'Pending invitations: %s' % ', '.join('`%s`' % login for login in target['pending'])]
        if target.get('left_with_org'):
            lines += ['', 'Leave with the organization (no team change of their own): %s'
                      % ', '.join('`%s`' % login for login in target['left_with_org'])]
        if target.get('inherited'):
            lines += ['', 'Left alone (members only through a child team): %s'
                      % ', '.join('`%s`' % login for login in target['inherited'])]
        for entry in target.get('renamed') or []:
            lines += ['', 'Login changed from `%s` to `%s` (user id %s): update the file.'
                      % (entry['from'], entry['to'], entry['id'])]
        if target.get('expired'):
            expired = ', '.join('`%s` (%s)' % (e['login'], e['expires']) for e in target['expired'])
            lines += ['', 'Access expired: %s' % expired]
        if target.get('expiring'):
            lines += ['', 'Access expiring soon, renew or let it end: %s'
                      % ', '.join('`%s` (%s, %s day(s) left)' % (e['login'], e['expires'], e.get('days_left', 0))
                                  for e in target['expiring'])]
        if target.get('not_reinvited'):
            lines += ['', 'Invitations that expired or failed, not sent again (reinvite_failed is false): %s'
                      % ', '.join('`%s`' % login for login in target['not_reinvited'])]
        if target.get('invitations_left'):
            lines += ['', '%d invitation(s) wait for the next run (max_invitations).' % target['invitations_left']]
    return '\n'.join(lines) + '\n'


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
