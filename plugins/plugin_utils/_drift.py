# -*- coding: utf-8 -*-
# Copyright (c) gitops.github contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The drift report of the ``gitops.github.membership`` role: the modules' registered results turned
into ``membership_results`` entries, those into the report (``membership_drift``) and the report
into Markdown. Pure functions, no I/O, no HTTP client: the filters of the same names
(``plugins/filter/membership.py``) and the role's ``membership_report`` action both use them."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError


def _declared(spec):
    """Whether an org entry manages the org's own membership (it lists owners or members)."""
    return spec.get('owners') is not None or spec.get('members') is not None


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
        _mark_team(target, item, result)
    return target


def _mark_team(target, item, result):
    """What a list module's team target adds: ``inherited`` and ``managed_externally``."""
    target['inherited'] = list(result.get('inherited') or [])
    target['managed_externally'] = bool(item.get('managed_externally'))
    if target['managed_externally']:
        # Read in check mode and never written: what differs is drift, but nothing changed.
        target['differs'] = bool(target['added'] or target['removed'] or target['role_changed'])
        target['changed'] = False


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
    if not changes:
        # Most targets of a drift run: nothing to look up, so the labels of every member (in a
        # registered result, each one templated on access) are never read.
        return [], [], []
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


def _failed(result):
    """Whether a github_org_roster result is a failure. The role registers the task with
    ``failed_when: false`` (so that the failure is shown by its message alone), which overwrites
    ``failed``; a failed module result always has ``msg`` and a successful one never has."""
    return bool(result.get('failed')) or 'msg' in result


def _failure(org, result):
    """The entry of a failed organization: its message, and whether a guard refused the plan
    (then its planned changes are listed on its targets, marked ``refused``)."""
    refused = [dict(r) for r in result.get('refused') or [] if isinstance(r, dict)]
    return {'kind': 'failure', 'org': org, 'team': None, 'name': org, 'changed': bool(result.get('changed')),
            'msg': result.get('msg') or 'unknown error', 'refused': refused,
            'added': [], 'removed': [], 'role_changed': [], 'pending': [], 'public': None}


def _views(diff):
    """``(before, after)`` as ``{org, teams, public}`` from a github_org_roster ``diff``: one element
    per scope (a list), or the nested mappings of earlier versions (a dict)."""
    if isinstance(diff, dict):
        return diff.get('before') or {}, diff.get('after') or {}
    before, after = {'teams': {}}, {'teams': {}}
    for element in diff or []:
        scope = element.get('scope')
        if scope == 'org':
            before['org'], after['org'] = element.get('before') or {}, element.get('after') or {}
        elif scope == 'team':
            before['teams'][element.get('team')] = element.get('before') or {}
            after['teams'][element.get('team')] = element.get('after') or {}
        elif scope == 'public':
            before['public'] = (element.get('before') or {}).get('public')
            after['public'] = (element.get('after') or {}).get('public')
    return before, after


def _definition_view(changes):
    return [{'action': c.get('action'), 'from': c.get('team'), 'settings': c.get('settings') or {}} for c in changes]


def _deleted_targets(org, section, index):
    """Every team a deletion takes, the child teams GitHub deletes with their parent included."""
    deletions = list(section.get('deleted_teams') or []) or index['deleted']
    return [{'kind': 'team', 'org': org, 'team': team, 'name': '%s/%s' % (org, team), 'changed': True,
             'added': [], 'removed': [], 'role_changed': [], 'pending': [], 'public': None,
             'definition': [{'action': 'delete', 'from': team, 'settings': {}}]} for team in deletions]


def _org_target(org, result, section, org_changes, before, after):
    added, removed, role_changed = _changes_as_entries(org_changes, before.get('org'), after.get('org'))
    reinvited = set(login.lower() for login in section.get('reinvited') or [])
    for entry in added:
        if entry['login'].lower() in reinvited:
            entry['reinvited'] = True
    target = {'kind': 'org', 'org': org, 'team': None, 'name': org, 'changed': bool(org_changes),
              'added': added, 'removed': removed, 'role_changed': role_changed, 'public': None,
              'invitations_left': section.get('invitations_left') or 0,
              # Additions no apply can make (check mode looked them up): listed apart.
              'problems': list(result.get('impossible') or [])}
    for key in ('pending', 'expired', 'expiring', 'renamed', 'not_reinvited', 'not_retried'):
        target[key] = list(section.get(key) or [])
    return target


def _team_target(org, slug, section, index, before, after):
    team_changes = index['team'].get(slug.lower(), [])
    members_before = (before.get('teams') or {}).get(slug)
    added, removed, role_changed = _changes_as_entries(team_changes, members_before, (after.get('teams') or {}).get(slug))
    definition = index['team_settings'].get(slug.lower(), [])
    target = {'kind': 'team', 'org': org, 'team': slug, 'name': '%s/%s' % (org, slug),
              'changed': bool(team_changes or definition), 'added': added, 'removed': removed,
              'definition': _definition_view(definition), 'role_changed': role_changed, 'public': None,
              'managed_externally': bool(section.get('managed_externally')),
              # The token's user, left unlisted in the team by a run cut short after creating it.
              'creator_left': section.get('creator_left')}
    for key in ('pending', 'inherited', 'left_with_org', 'expired', 'expiring'):
        target[key] = list(section.get(key) or [])
    if target['creator_left']:
        target['differs'] = True
    if target['managed_externally']:
        # Read and never written: what the lists call for is drift, but nothing changed.
        withheld = section.get('withheld') or []
        target['added'], target['removed'], target['role_changed'] = _changes_as_entries(
            [c for c in withheld if c.get('scope') == 'team'], members_before, members_before)
        target['definition'] = _definition_view(c for c in withheld if c.get('scope') == 'team_settings')
        target['differs'] = bool(withheld) or bool(target['creator_left'])
    return target


def _public_membership_target(org, result, index, before):
    return {'kind': 'public', 'org': org, 'team': None, 'name': '%s (public membership of the token owner)' % org,
            'changed': bool(index['public']), 'added': [], 'removed': [], 'role_changed': [], 'pending': [],
            'public': {'login': 'the token owner', 'from': before.get('public'), 'to': result.get('public')}}


# The access sections of github_org_roster's result (issue 20), in the order the report lists them:
# each is a target ``kind`` of its own, and a key of the summary when any organization names it.
ACCESS = ('organization_roles', 'outside_collaborators', 'repositories', 'two_factor')
_ACCESS_LISTS = ('added', 'removed', 'changed')


def _entries(section, key):
    return [dict(e) for e in section.get(key) or [] if isinstance(e, dict)]


def _access_target(kind, org, section, team=None):
    """One access section of an organization (a team's, for ``repositories``): ``access`` holds its
    ``added``, ``removed`` and ``changed`` entries as github_org_roster reports them (a refused or
    failed run keeps them: what would have changed); the member lists of the target stay empty."""
    access = dict((key, _entries(section, key)) for key in _ACCESS_LISTS)
    if kind == 'repositories':
        access['inherited'] = _entries(section, 'inherited')
    return {'kind': kind, 'org': org, 'team': team, 'name': '%s/%s' % (org, team) if team else org,
            'changed': any(access[key] for key in _ACCESS_LISTS), 'added': [], 'removed': [], 'role_changed': [],
            'pending': [], 'public': None, 'access': access}


def _two_factor_target(org, section):
    """The two-factor policy: ``without`` lists who lacks two-factor authentication; under ``fail``
    they are drift (the policy turns the drift job red), under ``remove`` the run's removals are its
    ``access.removed``, under ``report`` they are only listed."""
    target = _access_target('two_factor', org, section)
    target.update(policy=section.get('policy'), without=_entries(section, 'without'))
    if target['policy'] == 'fail' and target['without']:
        target['differs'] = True
    return target


def _access_targets(org, result):
    """The targets of the access sections ``result`` carries (github_org_roster returns each one only
    when the organization's entry names its key): none at all for an entry without them."""
    targets = [_access_target(kind, org, result[kind]) for kind in ACCESS[:2] if isinstance(result.get(kind), dict)]
    teams = result.get('repositories')
    if isinstance(teams, dict):
        targets += [_access_target('repositories', org, section, slug) for slug, section in sorted(teams.items())
                    if isinstance(section, dict)]
    if isinstance(result.get('two_factor'), dict):
        targets.append(_two_factor_target(org, result['two_factor']))
    return targets


def _org_result_targets(item, result, refusals):
    """The targets of one organization's result (its refusals marked on them)."""
    org = item.get('org')
    changes = (result.get('would_change') if refusals else result.get('changes')) or []
    before, after = _views(result.get('diff'))
    index = _index_changes(changes)
    section = result.get('org') or {}
    targets = _deleted_targets(org, section, index)
    org_refused = [r['problem'] for r in refusals if not r.get('team')]
    # The item is the organization's entry, or only {org} when the task read its entry from a
    # membership file: then the result says what the task manages.
    if _declared(item) or result.get('manages_members') or section.get('renamed') or org_refused:
        targets.append(_org_target(org, result, section, index['org'], before, after))
    for slug, team_section in sorted((result.get('teams') or {}).items()):
        targets.append(_team_target(org, slug, team_section, index, before, after))
    if item.get('public_membership') is not None or result.get('public') is not None:
        targets.append(_public_membership_target(org, result, index, before))
    targets.extend(_access_targets(org, result))
    if refusals:
        _mark_refused(targets, refusals)
    return targets


def membership_roster_results(registered):
    """One entry per org, team and public membership from the registered results of the role's
    one github_org_roster loop. A team removal that an organization removal makes is listed only
    under the organization (``left_with_org`` on the team), so nothing is counted twice.

    A failed organization adds an entry of kind ``failure`` (``msg``, ``refused``). When a guard
    refused its plan, the writes it would have made (``would_change``) are listed on its targets,
    which carry ``refused`` (the guards' reasons) and ``differs``: nothing is written, but GitHub
    differs from the data. A failure before the organization was read adds only that entry."""
    targets = []
    for result in _results(registered):
        item = result.get('item') or {}
        refusals = []
        if _failed(result):
            failure = _failure(item.get('org'), result)
            targets.append(failure)
            refusals = failure['refused']
            if 'teams' not in result:
                continue  # nothing was read (or the data was refused): no targets to show
        targets.extend(_org_result_targets(item, result, refusals))
    return targets


def _index_changes(changes):
    """The planned ``changes`` of one organization sorted once by where they apply, so that each
    team looks up its own instead of scanning every change (linear in changes, not changes × teams):
    ``org``, ``public``, ``deleted`` (the slugs of team deletions) as lists, ``team`` and
    ``team_settings`` as lists by lower-cased slug (a settings change under its new slug if it
    renames the team). Each list keeps the order of ``changes``."""
    index = {'org': [], 'public': [], 'deleted': [], 'team': {}, 'team_settings': {}}
    for change in changes:
        scope = change.get('scope')
        if scope == 'org':
            index['org'].append(change)
        elif scope == 'public':
            index['public'].append(change)
        elif scope == 'team':
            index['team'].setdefault((change.get('team') or '').lower(), []).append(change)
        elif scope == 'team_settings':
            key = (change.get('new_slug') or change.get('team') or '').lower()
            index['team_settings'].setdefault(key, []).append(change)
            if change.get('action') == 'delete':
                index['deleted'].append(change.get('team'))
    return index


def _mark_refused(targets, refusals):
    """The targets of a plan a guard refused: nothing is (would be) written, but what the plan
    holds is drift; each target carries the reasons that concern it (``refused``)."""
    by_team = {}
    for refusal in refusals:
        by_team.setdefault((refusal.get('team') or '').lower(), []).append(refusal['problem'])
    for target in targets:
        team = (target.get('team') or '').lower() if target['kind'] == 'team' else ''
        # The reasons go to the organization and its teams; the public membership and the access
        # sections show the plan's refusal, whose reasons the report lists once, at the top.
        own = list(by_team.get(team, [])) if target['kind'] in ('org', 'team') else []
        planned = bool(target['changed'])
        target.update(changed=False, refused=own, refused_plan=planned)
        if planned:
            target['differs'] = True


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


def _total(results, key):
    """How many entries the targets list under ``key``."""
    return sum(len(t.get(key) or []) for t in results)


def _summary(results, drifted):
    """The counts of the report over its targets (failures apart)."""
    return {
        'targets': len(results),
        'targets_with_drift': len(drifted),
        'added': _total(results, 'added'),
        # Removing someone from an organization removes them from its teams (one write): a team
        # removal of a user the organization also removes is shown, but counted once.
        'removed': sum(1 for t in results for entry in t['removed'] if not entry.get('with_org')),
        'role_changed': _total(results, 'role_changed'),
        'public_changed': sum(1 for t in results if t['kind'] == 'public' and t['changed']),
        'pending': _total(results, 'pending'),
        # Listed apart: additions no apply can make (no such user, an organization). They are
        # not drift, so a scheduled drift job does not stay red on them for ever.
        'problems': _total(results, 'problems'),
        'managed_externally': sum(1 for t in results if t.get('managed_externally')),
        'reinvited': sum(1 for t in results for e in t['added'] if e.get('reinvited')),
        'expired': _total(results, 'expired'),
        'expiring': _total(results, 'expiring'),
        'renamed': _total(results, 'renamed'),
        'invitations_left': sum(t.get('invitations_left') or 0 for t in results),
    }


def _access_summary(results):
    """The counts of the access sections, ``{kind: {added, removed, changed}}`` (``two_factor`` also
    ``without``), for the kinds some target has: a run whose data names none of them adds nothing."""
    counts = {}
    for target in results:
        access = target.get('access')
        if access is None:
            continue
        entry = counts.setdefault(target['kind'], dict((key, 0) for key in _ACCESS_LISTS))
        for key in _ACCESS_LISTS:
            entry[key] += len(access[key])
        if target['kind'] == 'two_factor':
            entry['without'] = entry.get('without', 0) + len(target['without'])
    return counts


def _failure_counts(failures):
    return {'refused': sum(len(f['refused']) for f in failures), 'failures': sum(1 for f in failures if not f['refused'])}


def _refusals(failures):
    """``{org, team, problem}`` of each guard that refused (would refuse) a plan."""
    return [{'org': f['org'], 'team': r.get('team'), 'problem': r['problem']} for f in failures for r in f['refused']]


def membership_drift_report(results):
    """The drift report: whether anything would change, counts, and the targets with their changes."""
    results = list(results or [])
    failures = [t for t in results if t.get('kind') == 'failure']
    results = _mark_removed_with_org([t for t in results if t.get('kind') != 'failure'])
    drifted = [t for t in results if _drifted(t)]
    summary = _summary(results, drifted)
    summary.update(_access_summary(results))
    summary.update(_failure_counts(failures))
    problems = [dict(p, target=t['name']) for t in results for p in t.get('problems') or []]
    # A plan a guard refuses is drift (GitHub differs from the data) that an apply will not fix.
    refused = _refusals(failures)
    return {'drift': bool(drifted or refused), 'summary': summary, 'targets': results, 'problems': problems,
            'refused': refused,
            # Organizations that could not be checked (not drift: the run fails after the report).
            'failures': [{'org': f['org'], 'msg': f['msg']} for f in failures if not f['refused']]}


def _drifted(target):
    # A renamed login is drift too: the file must follow GitHub, even though nothing is written.
    return bool((target['changed'] and not _only_removed_with_org(target)) or target.get('differs')
                or target.get('renamed'))


def _who(entry):
    return '`%s`' % entry['login']


def _headline(report):
    """The one-line verdict of the report (Markdown emphasis left to the caller)."""
    summary = report['summary']
    if report['drift']:
        parts = []
        for key, word in (('added', 'to add'), ('removed', 'to remove'), ('role_changed', 'role changes'),
                          ('public_changed', 'public membership changes'), ('renamed', 'logins changed')):
            if summary.get(key):
                parts.append('%d %s' % (summary[key], word))
        counts = ', '.join(parts + access_words(report)) or 'see below'
        return ('Drift found', ' in %d of %d places: %s.' % (summary['targets_with_drift'], summary['targets'], counts))
    return ('No drift', ': GitHub matches the membership data (%d places checked).' % summary['targets'])


_ACCESS_WORDS = {'organization_roles': 'organization role changes', 'outside_collaborators': 'outside collaborator changes',
                 'repositories': 'team repository changes', 'two_factor': 'removals for two-factor authentication'}


def access_words(report):
    """The counts of the access sections for the verdict (``2 organization role changes``, ...): the
    changes of each section, and the people without two-factor authentication where the policy is
    ``fail``. Empty when the data names no access key, or nothing differs there."""
    words = []
    for kind in ACCESS:
        counts = report['summary'].get(kind) or {}
        total = sum(counts.get(key, 0) for key in _ACCESS_LISTS)
        if total:
            words.append('%d %s' % (total, _ACCESS_WORDS[kind]))
    failing = sum(len(t['without']) for t in report['targets'] if t['kind'] == 'two_factor' and t['policy'] == 'fail')
    if failing:
        words.append('%d without two-factor authentication' % failing)
    return words


def _shown(target):
    """Whether a target has a section of its own: it differs, or it has something to tell
    (access expiring or expired, a login that changed, invitations waiting, people leaving it
    with the organization, a refused plan, people without two-factor authentication). Everything
    else is counted, not listed."""
    return bool(_drifted(target) or target.get('refused') or target.get('left_with_org') or target.get('expired')
                or target.get('expiring') or target.get('not_reinvited') or target.get('invitations_left')
                or target.get('without'))


_TITLES = {'org': 'Organization %s', 'team': 'Team %s', 'public': '%s', 'organization_roles': 'Organization roles of %s',
           'outside_collaborators': 'Outside collaborators of %s', 'repositories': 'Repositories of team %s',
           'two_factor': 'Two-factor authentication in %s'}


def _title(target):
    return _TITLES[target['kind']] % target['name']


def _definition_rows(target):
    rows = []
    for entry in target.get('definition') or []:
        detail = ', '.join('%s: %s' % (k, v) for k, v in sorted(entry['settings'].items())) or 'no settings'
        if entry['action'] == 'rename':
            detail = 'from `%s`; %s' % (entry['from'], detail)
        rows.append(('%s team' % entry['action'], '', detail))
    return rows


def _added_row(entry):
    if entry.get('reinvited'):
        return ('re-invite', _who(entry), 'as %s (the last invitation expired or failed)' % entry['role'])
    note = ' (invitation, pending until accepted)' if entry['pending'] else ''
    return ('add', _who(entry), 'as %s%s' % (entry['role'], note))


def _role_row(target, entry):
    if entry['from'] == entry['to'] and target['kind'] == 'team':
        # GitHub shows an organization owner as maintainer of each of their teams; the
        # organization demotes this one, so their own team role is written first.
        return ('set own team role', _who(entry), '%s, kept after the organization demotes them from owner '
                '(GitHub shows owners as maintainers)' % entry['to'])
    note = ' (pending invitation)' if entry['pending'] else ''
    return ('change role', _who(entry), '%s → %s%s' % (entry['from'] or 'not shown', entry['to'], note))


def _removed_row(entry):
    if entry['pending']:
        detail = 'cancel the pending invitation as %s' % entry['role']
    elif entry.get('with_org'):
        detail = 'was %s (goes with the organization membership, no separate write)' % entry['role']
    else:
        detail = 'was %s' % entry['role']
    return ('remove', _who(entry), detail)


def _rows(target):
    """``(change, user, detail)`` rows of a target's changes."""
    rows = _definition_rows(target)
    rows += [_added_row(entry) for entry in target['added']]
    rows += [_role_row(target, entry) for entry in target['role_changed']]
    rows += [_removed_row(entry) for entry in target['removed']]
    if target['kind'] == 'public' and target['changed']:
        public = target['public']
        rows.append(('publicize' if public['to'] else 'conceal', '`%s`' % public['login'],
                     'membership becomes %s' % ('public' if public['to'] else 'private')))
    if target.get('access') is not None:
        rows += _ACCESS_ROWS[target['kind']](target['access'])
    return rows


def _holder(entry):
    """An organization role's holder: a user, or a team."""
    return 'team `%s`' % entry['team'] if entry.get('team') else '`%s`' % entry.get('user')


def _role_rows(access):
    rows = [('assign role', _holder(e), '`%s`' % e.get('role')) for e in access['added']]
    rows += [('change role', _holder(e), '`%s`' % e.get('role')) for e in access['changed']]
    return rows + [('unassign role', _holder(e), '`%s`' % e.get('role')) for e in access['removed']]


def _outside_removed(entry):
    if entry.get('repository') is None:
        return ('remove', _who(entry), 'from every repository of the organization')
    return ('remove', _who(entry), 'from `%s` (was %s)' % (entry['repository'], entry.get('permission')))


def _outside_rows(access):
    rows = [('add', _who(e), 'to `%s` as %s' % (e.get('repository'), e.get('permission'))) for e in access['added']]
    rows += [('change permission', _who(e), 'on `%s`: %s → %s' % (e.get('repository'), e.get('before'), e.get('after')))
             for e in access['changed']]
    return rows + [_outside_removed(e) for e in access['removed']]


def _repository_rows(access):
    rows = [('grant', '`%s`' % e.get('repository'), e.get('permission')) for e in access['added']]
    rows += [('change permission', '`%s`' % e.get('repository'), '%s → %s' % (e.get('before'), e.get('after')))
             for e in access['changed']]
    return rows + [('revoke', '`%s`' % e.get('repository'), 'was %s' % e.get('permission')) for e in access['removed']]


def _person_kind(entry):
    return (entry.get('kind') or 'member').replace('_', ' ')


def _two_factor_rows(access):
    return [('remove', _who(e), '%s without two-factor authentication' % _person_kind(e)) for e in access['removed']]


_ACCESS_ROWS = {'organization_roles': _role_rows, 'outside_collaborators': _outside_rows, 'repositories': _repository_rows,
                'two_factor': _two_factor_rows}


def _count_words(target):
    parts = []
    for key, word in (('added', 'to add'), ('removed', 'to remove'), ('role_changed', 'role change(s)')):
        if target.get(key):
            parts.append('%d %s' % (len(target[key]), word))
    if target.get('definition'):
        parts.append('the team itself')
    parts += _access_count_words(target)
    if target['kind'] == 'public' and (target['changed'] or target.get('differs')):
        parts.append('public membership')
    if target.get('refused'):
        parts.append('refused by a guard')
    return ', '.join(parts) or 'see below'


def _access_count_words(target):
    access = target.get('access')
    if access is None:
        return []
    parts = ['%d %s' % (len(access[key]), word) for key, word in (('added', 'to add'), ('changed', 'to change'),
                                                                  ('removed', 'to remove')) if access[key]]
    if target.get('policy') == 'fail' and target['without']:
        parts.append('%d without two-factor authentication' % len(target['without']))
    return parts


def membership_drift_markdown(report):
    """The drift report as Markdown for people: the verdict and the places that differ first,
    then what an apply would refuse, what could not be checked or applied, and one section per
    place that differs (or has something to tell). Places without changes are only counted."""
    summary = report['summary']
    word, rest = _headline(report)
    lines = ['# GitHub membership drift', '', '**%s**%s' % (word, rest)]
    shown = [t for t in report['targets'] if _shown(t)]
    differing = [t for t in shown if _drifted(t) or t.get('refused')]
    if differing:
        lines.append('')
        lines += ['- %s: %s' % (_title(t), _count_words(t)) for t in differing]
    if summary.get('pending'):
        lines += ['', '%d pending invitation(s) (not drift: waiting to be accepted).' % summary['pending']]
    lines += _markdown_apart(report)
    for target in shown:
        lines += _markdown_target(target)
    return '\n'.join(lines) + '\n'


def _markdown_apart(report):
    """The sections of what is not drift of one place: refusals, failures, data problems."""
    lines = []
    refused = report.get('refused') or []
    if refused:
        lines += ['', '## Would be refused (an apply stops before any write)', '',
                  'The planned changes below are what GitHub lacks; an apply refuses them all, because:', '']
        lines += ['- %s' % r['problem'] for r in refused]
    failures = report.get('failures') or []
    if failures:
        lines += ['', '## Could not be checked', '', '| organization | error |', '|---|---|']
        lines += ['| %s | %s |' % (f['org'], f['msg'].replace('|', '\\|')) for f in failures]
    problems = report.get('problems') or []
    if problems:
        lines += ['', '## Cannot be applied (not drift: fix the membership data)', '',
                  '| where | user | problem |', '|---|---|---|']
        lines += ['| %s | `%s` | %s |' % (p.get('target'), p.get('login'), p.get('problem')) for p in problems]
    return lines


def _markdown_target(target):
    """The section of one place that differs or has something to tell."""
    lines = ['', '## %s' % _title(target), '']
    if target.get('managed_externally'):
        lines += ['Managed by the identity provider (`managed_externally`): read and reported, never '
                  'written; change the IdP group to fix what differs.', '']
    if target.get('creator_left'):
        lines += ['`%s` (the token\'s user) is in this team but not listed there: GitHub makes the creator of a '
                  'team its maintainer, and a run cut short after creating the team leaves them so. List them, '
                  'or remove them.' % target['creator_left'], '']
    if target.get('refused'):
        lines += ['Would be refused (an apply stops before any write), because: %s' % '; '.join(target['refused']), '']
    elif target.get('refused_plan'):
        lines += ['Would not be written: the plan of %s is refused (see above).' % target['org'], '']
    rows = _rows(target)
    if rows:
        lines += ['| change | %s | detail |' % _COLUMNS.get(target['kind'], 'user'), '|---|---|---|']
        lines += ['| %s | %s | %s |' % row for row in rows]
    else:
        lines.append('No changes.')
    return lines + _notes(target) + _access_notes(target)


_COLUMNS = {'organization_roles': 'user or team', 'repositories': 'repository'}
_FILTERS = {'2fa_disabled': 'two-factor authentication disabled', '2fa_insecure': 'an insecure two-factor method'}


def _without(target, limit=None):
    """Who lacks two-factor authentication, and how (the first ``limit`` of them)."""
    shown = target['without'][:limit] if limit else target['without']
    people = ', '.join('`%s` (%s, %s)' % (e.get('login'), _person_kind(e), _FILTERS.get(e.get('filter'), e.get('filter')))
                       for e in shown)
    if len(shown) < len(target['without']):
        people += ' and %d more' % (len(target['without']) - len(shown))
    return people


def _access_notes(target):
    lines = []
    inherited = (target.get('access') or {}).get('inherited')
    if inherited:
        lines += ['', 'Left alone (granted to a parent team, not to this one): %s'
                  % ', '.join('`%s` (%s, from `%s`)' % (e.get('repository'), e.get('permission'), e.get('from')) for e in inherited)]
    if target.get('without'):
        lines += ['', 'Without two-factor authentication (`require_two_factor: %s`): %s' % (target['policy'], _without(target))]
    return lines


def _notes(target):
    lines = []
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
    return lines + _expiry_notes(target) + _invitation_notes(target)


def _expiry_notes(target):
    """Access that ended or ends soon (``expires``)."""
    lines = []
    if target.get('expired'):
        expired = ', '.join('`%s` (%s)' % (e['login'], e['expires']) for e in target['expired'])
        lines += ['', 'Access expired: %s' % expired]
    if target.get('expiring'):
        lines += ['', 'Access expiring soon, renew or let it end: %s'
                  % ', '.join('`%s` (%s, %s day(s) left)' % (e['login'], e['expires'], e.get('days_left', 0))
                              for e in target['expiring'])]
    return lines


def _invitation_notes(target):
    """Invitations not sent again, or waiting for a later run."""
    lines = []
    if target.get('not_reinvited'):
        lines += ['', 'Invitations that expired or failed, not sent again (reinvite_failed is false): %s'
                  % ', '.join('`%s`' % login for login in target['not_reinvited'])]
    if target.get('not_retried'):
        lines += ['', 'Invitations that failed for a reason a retry cannot fix, not sent again: %s'
                  % ', '.join('`%s` (%s)' % (item['login'], item['reason']) for item in target['not_retried'])]
    if target.get('invitations_left'):
        lines += ['', '%d invitation(s) wait for a later run (max_invitations in 24 hours, or GitHub\'s own '
                  'invitation limit).' % target['invitations_left']]
    return lines


TERMINAL_CHANGES = 40


def _apart_lines(report):
    """The lines of what is not a change of one place: refusals, failures, data problems, and who
    lacks two-factor authentication (one line per organization)."""
    lines = ['Would be refused by a guard: %s' % r['problem'] for r in report.get('refused') or []]
    lines += ['Could not check %s: %s' % (f['org'], f['msg']) for f in report.get('failures') or []]
    lines += ['Cannot be applied in %s: %s %s' % (p.get('target'), p.get('login'), p.get('problem'))
              for p in report.get('problems') or []]
    lines += ['Without two-factor authentication in %s (require_two_factor: %s): %s'
              % (t['org'], t['policy'], _without(t, TERMINAL_CHANGES).replace('`', '')) for t in report['targets'] if t.get('without')]
    return lines


def _change_lines(report):
    """One line per change of each place that differs (backquotes dropped: plain text)."""
    changes = []
    for target in report['targets']:
        if not _drifted(target):
            continue
        title = _title(target)
        for change, user, detail in _rows(target):
            text = ' '.join(part for part in (change, user.replace('`', '')) if part)
            changes.append('%s: %s (%s)' % (title, text, detail.replace('`', '')) if detail else '%s: %s' % (title, text))
        for entry in target.get('renamed') or []:
            changes.append('%s: login changed from %s to %s (update the file)' % (title, entry['from'], entry['to']))
    return changes


def membership_drift_lines(report, written=()):
    """The report for a terminal or a job log, a few plain lines: the verdict, what an apply would
    refuse or could not check (and who lacks two-factor authentication), one line per change (at
    most ``TERMINAL_CHANGES``), and where the full report is. A run without drift is two lines."""
    word, rest = _headline(report)
    lines = [word + rest] + _apart_lines(report)
    changes = _change_lines(report)
    lines += changes[:TERMINAL_CHANGES]
    if len(changes) > TERMINAL_CHANGES:
        lines.append('... and %d more changes' % (len(changes) - TERMINAL_CHANGES))
    if written:
        lines.append('Report: %s' % ', '.join(written))
    return lines
