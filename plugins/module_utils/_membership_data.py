# -*- coding: utf-8 -*-
# Copyright (c) gitops.github contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The one check of the membership data: one organization entry of ``membership_orgs``, as the
role holds it (straight from YAML) and as ``github_org_roster``'s options hold it. Pure, no I/O.

:func:`entry_problems` is the validator. The role's filter (``membership_problems``), the
roster's input (:func:`._org_input.roster_from_params`, so the module and its controller-side
action) and the list modules (:func:`login_list_problems`, :func:`role_list_problems`) all use it, so a problem reads the
same wherever it is found: it starts with the key it is about, as a path inside the entry
(``teams[2] (web).previously[0] must be a string, got the boolean False: ...``).

Every key is checked for its type and its value. A string is a string: YAML reads ``no``, ``on``
and ``0123`` as a boolean or a number, and a team slug or login that silently became ``'False'``
or ``'83'`` would name another team (a former slug that matches nothing lets
``delete_unlisted_teams`` delete the renamed team). A boolean follows Ansible's boolean rules
(those of a module's ``type: bool``), a whole number is an int or a string of digits (as
``type: int`` converts ``-e min_owners=2``), a list is a list.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ansible.module_utils.parsing.convert_bool import BOOLEANS_FALSE, BOOLEANS_TRUE

from ansible_collections.gitops.github.plugins.module_utils._names import login_problem, slug_problem, team_slug_of
from ansible_collections.gitops.github.plugins.module_utils._permissions import permission_problem, repository_problem, role_name_problem
from ansible_collections.gitops.github.plugins.module_utils._plan import parse_max_removals
from ansible_collections.gitops.github.plugins.module_utils._plan_people import identity_problems, item_key, parse_person
from ansible_collections.gitops.github.plugins.module_utils._two_factor import KEY as TWO_FACTOR, POLICIES as TWO_FACTOR_POLICIES

# The booleans of an entry and of a team, with their defaults (None: left out means "leave alone").
ORG_BOOLEANS = (('exclusive', False), ('allow_self', False), ('public_membership', None), ('reinvite_failed', True),
                ('delete_unlisted_teams', False))
TEAM_BOOLEANS = (('exclusive', False), ('managed_externally', False))
# Whole numbers of an entry: (key, default, largest allowed or None).
MAX_EXPIRING_WITHIN_DAYS = 36500  # 100 years: now + the horizon must stay inside the calendar
WHOLE_NUMBERS = (('min_owners', 1, None), ('max_invitations', 50, None),
                 ('expiring_within_days', 14, MAX_EXPIRING_WITHIN_DAYS))
TEAM_STRINGS = ('name', 'description')
TEAM_CHOICES = (('privacy', ('closed', 'secret')), ('notification_setting', ('notifications_enabled', 'notifications_disabled')))


def kind_of(value: object) -> str:
    """``the boolean True``, ``the number 83``, ``null``, ``a list``: what YAML made of a value."""
    if value is None:
        return 'null'
    if isinstance(value, bool):
        return 'the boolean %r' % value
    if isinstance(value, (int, float)):
        return 'the number %r' % value
    if isinstance(value, (dict, list, tuple)):
        return 'a %s' % ('mapping' if isinstance(value, dict) else 'list')
    return 'a %s %r' % (type(value).__name__, value)


def not_a_string(where: str, value: object) -> str:
    """The problem of a value that must be a string (a login, a slug, a name) and is not."""
    hint = ''
    if isinstance(value, (bool, int, float)) or type(value).__name__ in ('date', 'datetime'):
        hint = ': quote it in the YAML (YAML reads 0123 as the number 83 and yes/no/on/off as booleans)'
    return '%s must be a string, got %s%s' % (where, kind_of(value), hint)


def login_at(value: object, where: str) -> str | None:
    """Why ``value`` at key ``where`` cannot be a GitHub login, or ``None``."""
    return not_a_string(where, value) if not isinstance(value, str) else login_problem(value, where)


def slug_at(value: object, where: str) -> str | None:
    """Why ``value`` at key ``where`` cannot be a team slug, or ``None``."""
    return not_a_string(where, value) if not isinstance(value, str) else slug_problem(value, where)


def boolean(value: object) -> bool:
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


def flag(entry: Mapping[str, Any], key: str, default: bool | None) -> bool | None:
    """A boolean of (checked) data, or ``default`` when it is left out."""
    value = entry.get(key)
    return default if value is None else boolean(value)


def whole_number(value: object) -> int:
    """An int of 0 or more from an int or a string of digits (as ``type: int`` converts
    ``-e min_owners=2``); ``ValueError`` for anything else, a boolean included."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(value)
    return value


def number(entry: Mapping[str, Any], key: str, default: int) -> int:
    """A whole number of (checked) data, or ``default`` when it is left out."""
    value = entry.get(key)
    return default if value is None else whole_number(value)


def entry_problems(entry: object) -> list[str]:
    """Every problem of one organization entry, each starting with the key it is about; empty
    when the entry can be applied. Never raises, whatever ``entry`` holds. Keys that are not
    membership data (a module's connection options) are left alone."""
    if not isinstance(entry, Mapping):
        return ['an organization entry must be a mapping with an org key, got %s' % kind_of(entry)]
    problems: list[str] = []
    problem = 'org is required (the organization\'s login)' if entry.get('org') is None else login_at(entry['org'], 'org')
    if problem:
        problems.append(problem)
    _scalars(problems, entry, '', ORG_BOOLEANS)
    for key, _default, top in WHOLE_NUMBERS:
        _whole_number(problems, entry, key, top)
    scopes: list[tuple[str, list[Any]]] = [('', [])]
    org = _people(problems, entry, '', (('owners', 'owner'), ('members', 'member')), True, scopes[0][1])
    if org is not None and not any(role == 'owner' for _login, role, _key in org.values()) and _true(entry, 'exclusive'):
        problems.append('exclusive is true but no owners are listed: applying it would remove every owner')
    teams = entry.get('teams')
    if teams is not None and not isinstance(teams, list):
        problems.append('teams must be a list of team mappings, got %s' % kind_of(teams))
    elif teams:
        _teams(problems, teams, org, scopes)
    problems.extend(identity_problems(scopes))
    problems.extend(two_factor_problems(entry))
    problems.extend(access_problems(entry))
    return problems


def two_factor_problems(entry: Mapping[str, Any]) -> list[str]:
    """``require_two_factor`` (issue 20): left out or null means not checked, else a string among
    ``report``, ``fail``, ``remove`` (a YAML ``yes`` is the boolean True, not a policy)."""
    value = entry.get(TWO_FACTOR)
    if value is None:
        return []
    if not isinstance(value, str):
        return ['%s must be one of %s, got %s' % (TWO_FACTOR, ', '.join(TWO_FACTOR_POLICIES), kind_of(value))]
    if value not in TWO_FACTOR_POLICIES:
        return ['%s must be one of %s, got %r' % (TWO_FACTOR, ', '.join(TWO_FACTOR_POLICIES), value)]
    return []


def login_list_problems(lists: Mapping[str, Any], keys: tuple[tuple[str, str], ...]) -> list[str]:
    """The problems of a list module's login lists (github_team_members' ``maintainers`` and
    ``members``): ``keys`` is ``((key, role), ...)``; each entry is checked as
    :func:`entry_problems` checks a team's, and a login may appear once, whatever its case and role."""
    problems: list[str] = []
    _people(problems, lists, '', keys, False, [])
    return problems


def role_list_problems(items: list[Mapping[str, Any]], key: str = 'members', login_key: str = 'username') -> list[str]:
    """The problems of github_org_members' ``members`` (``[{username, role}]``): each login is
    checked as :func:`entry_problems` checks one, and a login may appear once, whatever its case
    and role."""
    problems: list[str] = []
    seen: dict[str, tuple[str, str, str]] = {}
    for index, item in enumerate(items):
        where = '%s[%d].%s' % (key, index, login_key)
        login = item.get(login_key)
        problem = login_at(login, where)
        if problem or not isinstance(login, str):
            problems.append(problem or not_a_string(where, login))
        elif login.lower() in seen:
            problems.append(_twice(seen[login.lower()], (login, str(item.get('role')), where)))
        else:
            seen[login.lower()] = (login, str(item.get('role')), where)
    return problems


def _true(entry: Mapping[str, Any], key: str) -> bool:
    try:
        return bool(flag(entry, key, False))
    except ValueError:
        return True  # already reported; assume the worst for the next check


def _scalars(problems: list[str], entry: Mapping[str, Any], prefix: str, booleans: tuple[tuple[str, Any], ...]) -> None:
    """The booleans of an entry or a team, and its ``max_removals``."""
    for key, _default in booleans:
        try:
            flag(entry, key, None)
        except ValueError:
            problems.append('%s%s must be a boolean (true/false, yes/no), got %r' % (prefix, key, entry.get(key)))
    if entry.get('max_removals') is not None:
        try:
            parse_max_removals(entry['max_removals'])
        except ValueError as exc:
            problems.append('%s%s' % (prefix, exc))  # the message starts with "max_removals"


def _whole_number(problems: list[str], entry: Mapping[str, Any], key: str, top: int | None) -> None:
    value = entry.get(key)
    if value is None:
        return
    amount: int | None
    try:
        amount = whole_number(value)
    except ValueError:
        amount = None
    if amount is not None and (top is None or amount <= top):
        return
    if top is None:
        problems.append('%s must be a whole number of 0 or more, got %r' % (key, value))
    else:
        problems.append('%s must be a whole number from 0 to %d, got %r' % (key, top, value))


def _people(problems: list[str], entry: Mapping[str, Any], prefix: str, keys: tuple[tuple[str, str], ...],
            allow_email: bool, scope: list[Any]) -> dict[str, tuple[str, str, str]] | None:
    """``{lower name: (name, role, key)}`` of the people lists ``keys`` (``None`` when none is
    given), reporting bad entries and anyone listed twice, in any case or role; the parsed persons
    go to ``scope``."""
    if all(entry.get(key) is None for key, _role in keys):
        return None
    people: dict[str, tuple[str, str, str]] = {}
    for key, role in keys:
        value = entry.get(key)
        if value is not None and not isinstance(value, list):
            problems.append('%s%s must be a list of logins or person mappings, got %s' % (prefix, key, kind_of(value)))
            continue
        for index, item in enumerate(value or ()):
            where = item_key(prefix + key, index, item)
            person, trouble = parse_person(item, where, login_at, allow_email)
            problems.extend(trouble)
            if person is None:
                continue
            scope.append(person)
            if person.key in people:
                problems.append(_twice(people[person.key], (person.name, role, where)))
            else:
                people[person.key] = (person.name, role, where)
    return people


def _twice(first: tuple[str, str, str], second: tuple[str, str, str]) -> str:
    (name, role, where), (other, other_role, other_where) = first, second
    if role != other_role:
        return '%s is listed both as %s (%s) and as %s (%s); a user has one role' % (other, role, where, other_role, other_where)
    if name != other:
        return ('%s and %s are the same user (%s and %s; logins are case-insensitive); list them once'
                % (name, other, where, other_where))
    return '%s is listed twice (%s and %s)' % (name, where, other_where)


def _teams(problems: list[str], teams: list[Any], org: dict[str, tuple[str, str, str]] | None,
           scopes: list[tuple[str, list[Any]]]) -> None:
    clean: list[Mapping[str, Any]] = []  # what team_identifier_problems may read: strings where strings belong
    for index, team in enumerate(teams):
        if not isinstance(team, Mapping):
            problems.append('teams[%d] must be a mapping with a team key, got %s' % (index, kind_of(team)))
            clean.append({})
            continue
        slug = team.get('team')
        problem = 'teams[%d].team is required (the slug)' % index if slug is None else slug_at(slug, 'teams[%d].team' % index)
        if problem:
            problems.append(problem)
        where = 'teams[%d] (%s)' % (index, slug) if not problem else 'teams[%d]' % index
        clean.append(_team(problems, team, where + '.'))
        scopes.append((where, []))
        people = _people(problems, team, where + '.', (('maintainers', 'maintainer'), ('members', 'member')), False,
                         scopes[-1][1])
        if org is not None:
            problems.extend(_outsiders(people or {}, org))
    problems.extend(team_identifier_problems(clean))


def _team(problems: list[str], team: Mapping[str, Any], prefix: str) -> dict[str, Any]:
    """Check the keys of one team other than its people; its identifiers for
    :func:`team_identifier_problems` (only those that are strings)."""
    _scalars(problems, team, prefix, TEAM_BOOLEANS)
    _settings(problems, team, prefix)
    formers = team.get('previously')
    if formers is not None and not isinstance(formers, list):
        problems.append('%spreviously must be a list of former slugs, got %s' % (prefix, kind_of(formers)))
        formers = []
    for index, former in enumerate(formers or ()):
        problem = slug_at(former, '%spreviously[%d]' % (prefix, index))
        if problem:
            problems.append(problem)
    clean = dict((key, team.get(key)) for key in ('team', 'name', 'parent') if isinstance(team.get(key), str))
    clean['previously'] = [former for former in formers or () if isinstance(former, str)]
    return clean


def _settings(problems: list[str], team: Mapping[str, Any], prefix: str) -> None:
    """A team's name, description, privacy, notification setting and parent."""
    for key in TEAM_STRINGS:
        if team.get(key) is not None and not isinstance(team[key], str):
            problems.append(not_a_string(prefix + key, team[key]))
    for key, choices in TEAM_CHOICES:
        if team.get(key) is not None and team[key] not in choices:
            problems.append('%s%s must be one of %s, got %r' % (prefix, key, ', '.join(choices), team[key]))
    if team.get('parent') is not None:
        problem = slug_at(team['parent'], prefix + 'parent')
        if problem:
            problems.append(problem)


def _outsiders(people: dict[str, tuple[str, str, str]], org: dict[str, tuple[str, str, str]]) -> list[str]:
    """A team's people who are not among the organization's, or spelled another way there."""
    problems = []
    for key, (login, _role, where) in people.items():
        if key not in org:
            problems.append('%s: %s is not among the owners or members: add them to the organization\'s members, '
                            'or the team would invite them to the organization' % (where, login))
        elif org[key][0] != login:
            problems.append('%s: %s is spelled %s in %s; spell a login the same way everywhere'
                            % (where, login, org[key][0], org[key][2]))
    return problems


# -- organization roles, outside collaborators and team repository access (issue 20) ----------------
# The words GitHub's reads use (REST role_name, invitations) that the file does not: it writes the
# words the writes take (OpenAPI teams/add-or-update-repo-permissions-in-org, repos/add-collaborator).
_READ_WORDS = {'read': 'pull', 'write': 'push'}
ROLE_KEYS = ('role', 'users', 'teams', 'exclusive')
OUTSIDE_KEYS = ('login', 'id', 'repositories')


def access_problems(entry: Mapping[str, Any]) -> list[str]:
    """The problems of an entry's ``organization_roles``, ``outside_collaborators``,
    ``exclusive_outside_collaborators`` and its teams' ``repositories`` and
    ``exclusive_repositories``: types and values, each naming its key; identifiers compare
    case-insensitively, so one listed twice in any case fails. Whether a role, a repository or a
    custom permission exists is GitHub's to say: the plan checks it against the read, before any write."""
    problems: list[str] = []
    roles = entry.get('organization_roles')
    if roles is not None and not isinstance(roles, list):
        problems.append('organization_roles must be a list of {role, users, teams, exclusive} mappings, got %s' % kind_of(roles))
    elif roles:
        _roles(problems, roles)
    _scalars(problems, {'exclusive_outside_collaborators': entry.get('exclusive_outside_collaborators')}, '',
             (('exclusive_outside_collaborators', False),))
    outside = entry.get('outside_collaborators')
    if outside is not None and not isinstance(outside, list):
        problems.append('outside_collaborators must be a list of logins or {login, repositories} mappings, got %s'
                        % kind_of(outside))
    elif outside:
        _outside(problems, outside, _member_logins(entry))
    teams = entry.get('teams')
    for index, team in enumerate(teams if isinstance(teams, list) else []):
        if isinstance(team, Mapping):
            prefix = 'teams[%d] (%s).' % (index, team.get('team')) if isinstance(team.get('team'), str) else 'teams[%d].' % index
            _scalars(problems, {'exclusive_repositories': team.get('exclusive_repositories')}, prefix,
                     (('exclusive_repositories', False),))
            _repositories(problems, team.get('repositories'), prefix + 'repositories')
    return problems


def _unknown(problems: list[str], item: Mapping[str, Any], known: tuple[str, ...], where: str) -> None:
    extra = sorted(str(k) for k in item if k not in known)
    if extra:
        problems.append('%s: unknown key(s) %s (known: %s)' % (where, ', '.join(extra), ', '.join(known)))


def _once(problems: list[str], seen: dict[str, str], name: str, where: str, what: str) -> bool:
    """Whether ``name`` is new in ``seen`` (``{lower: where}``); a second one, in any case, is a problem."""
    if name.lower() in seen:
        problems.append('%s: %s is listed twice (%s and %s; %s are case-insensitive)' % (where, name, seen[name.lower()], where, what))
        return False
    seen[name.lower()] = where
    return True


def _roles(problems: list[str], roles: list[Any]) -> None:
    seen: dict[str, str] = {}
    for index, item in enumerate(roles):
        where = 'organization_roles[%d]' % index
        if not isinstance(item, Mapping):
            problems.append('%s must be a mapping with a role key, got %s' % (where, kind_of(item)))
            continue
        _unknown(problems, item, ROLE_KEYS, where)
        role = item.get('role')
        if not isinstance(role, str):
            problems.append('%s.role is required (the role\'s name, as GitHub lists it)' % where if role is None else
                            not_a_string(where + '.role', role))
        elif role_name_problem(role, where + '.role'):
            problems.append(str(role_name_problem(role, where + '.role')))
        elif _once(problems, seen, role, where + '.role', 'role names'):
            where = '%s (%s)' % (where, role)
        _scalars(problems, {'exclusive': item.get('exclusive')}, where + '.', (('exclusive', False),))
        _people(problems, item, where + '.', (('users', 'user'),), False, [])
        _person_keys(problems, item.get('users'), where + '.users', ('login', 'id'))
        teams = item.get('teams')
        if teams is not None and not isinstance(teams, list):
            problems.append('%s.teams must be a list of team slugs, got %s' % (where, kind_of(teams)))
            continue
        slugs: dict[str, str] = {}
        for number, slug in enumerate(teams or ()):
            at = '%s.teams[%d]' % (where, number)
            problem = slug_at(slug, at)
            if problem:
                problems.append(problem)
            elif isinstance(slug, str):
                _once(problems, slugs, slug, at, 'slugs')


def _person_keys(problems: list[str], people: object, where: str, known: tuple[str, ...]) -> None:
    """Person mappings hold only ``known`` keys here (no ``expires`` or ``email``: an e-mail
    invitation cannot hold a role or a repository)."""
    for index, person in enumerate(people if isinstance(people, list) else ()):
        if isinstance(person, Mapping):
            _unknown(problems, person, known, '%s[%d]' % (where, index))


def _member_logins(entry: Mapping[str, Any]) -> dict[str, str]:
    """``{lower login: key}`` of the owners and members the entry lists (already checked above)."""
    out: dict[str, str] = {}
    for key in ('owners', 'members'):
        people = entry.get(key)
        for index, person in enumerate(people if isinstance(people, list) else []):
            login = person.get('login') if isinstance(person, Mapping) else person
            if isinstance(login, str):
                out.setdefault(login.lower(), '%s[%d]' % (key, index))
    return out


def _outside(problems: list[str], outside: list[Any], members: dict[str, str]) -> None:
    seen: dict[str, str] = {}
    for index, item in enumerate(outside):
        where = 'outside_collaborators[%d]' % index
        if isinstance(item, Mapping):
            _unknown(problems, item, OUTSIDE_KEYS, where)
            login = item.get('login')
            if login is None:
                problems.append('%s.login is required (an outside collaborator is a GitHub user)' % where)
                continue
            problem = login_at(login, where + '.login')
            uid = item.get('id')
            if uid is not None and (isinstance(uid, bool) or not isinstance(uid, int) or uid < 1):
                problems.append('%s.id must be GitHub\'s user id, a whole number, got %s' % (where, kind_of(uid)))
        else:
            login, problem = item, login_at(item, where)
        if problem or not isinstance(login, str):
            problems.append(problem or not_a_string(where, login))
            continue
        if not _once(problems, seen, login, where, 'logins'):
            continue
        if login.lower() in members:
            problems.append('%s: %s is listed in %s: an organization member is not an outside collaborator'
                            % (where, login, members[login.lower()]))
        if isinstance(item, Mapping):
            _repositories(problems, item.get('repositories'), '%s (%s).repositories' % (where, login))


def _repositories(problems: list[str], mapping: object, where: str) -> None:
    """A ``repositories`` mapping: repository name -> permission."""
    if mapping is None:
        return
    if not isinstance(mapping, Mapping):
        problems.append('%s must be a mapping of repository name to permission, got %s' % (where, kind_of(mapping)))
        return
    seen: dict[str, str] = {}
    for name, permission in mapping.items():
        if not isinstance(name, str):
            problems.append(not_a_string('%s key %r' % (where, name), name))
            continue
        at = '%s.%s' % (where, name)
        problem = repository_problem(name, at)
        if problem:
            problems.append(problem)
            continue
        _once(problems, seen, name, at, 'repository names')
        if not isinstance(permission, str):
            problems.append(not_a_string(at, permission))
        elif permission.lower() in _READ_WORDS:
            problems.append('%s: %r is how GitHub reads it; write %s (pull, triage, push, maintain, admin or a custom '
                            'repository role\'s name)' % (at, permission, _READ_WORDS[permission.lower()]))
        else:
            problem = permission_problem(permission, at)
            if problem:
                problems.append(problem)


def team_identifier_problems(entries: list[Mapping[str, Any]]) -> list[str]:
    """Team identifiers compared as GitHub compares them (slugs case-insensitively, a name by the
    slug GitHub derives from it), before any request: a team listed twice, a name that gives
    another listed team's slug, a former slug (``previously``) claimed by two teams, or one that
    is the slug of another listed team, and a parent named by a slug the file renames away."""
    slugs: dict[str, int] = {}   # lower slug: index
    problems = []
    for index, entry in enumerate(entries):
        slug = entry.get('team')
        if not isinstance(slug, str) or not slug:
            continue
        if slug.lower() in slugs:
            problems.append('teams[%d].team: %s is listed twice (teams[%d] and teams[%d]; slugs are case-insensitive)'
                            % (index, slug, slugs[slug.lower()], index))
            continue
        slugs[slug.lower()] = index
    formers = _former_slugs(entries, slugs, problems)
    problems.extend(_parent_problems(entries, slugs, formers))
    return problems


def _where(entries: list[Mapping[str, Any]], index: int) -> str:
    return 'teams[%d] (%s)' % (index, entries[index].get('team'))


def _former_slugs(entries: list[Mapping[str, Any]], slugs: dict[str, int], problems: list[str]) -> dict[str, int]:
    """``{lower former slug: index}``, reporting names and former slugs that clash."""
    formers: dict[str, int] = {}
    for index, entry in enumerate(entries):
        slug = entry.get('team')
        if not isinstance(slug, str) or slugs.get(slug.lower()) != index:
            continue
        problems.extend(_name_clash(entries, index, slugs))
        for former in entry.get('previously') or []:
            if not isinstance(former, str) or not former or former.lower() == slug.lower():
                continue
            other = slugs.get(former.lower())
            if other is not None:
                problems.append('%s.previously: former slug %s is the slug of %s' % (_where(entries, index), former, _where(entries, other)))
            elif former.lower() in formers and formers[former.lower()] != index:
                problems.append('%s.previously: former slug %s is also claimed by %s'
                                % (_where(entries, index), former, _where(entries, formers[former.lower()])))
            else:
                formers[former.lower()] = index
    return formers


def _name_clash(entries: list[Mapping[str, Any]], index: int, slugs: dict[str, int]) -> list[str]:
    """A team's name that gives the slug of another listed team."""
    name = entries[index].get('name')
    if not isinstance(name, str) or not name:
        return []
    other = slugs.get(team_slug_of(name))
    if other is None or other == index:
        return []
    return ['%s.name: %s gives the slug %s, the slug of %s'
            % (_where(entries, index), name, team_slug_of(name), _where(entries, other))]


def _parent_problems(entries: list[Mapping[str, Any]], slugs: dict[str, int], formers: dict[str, int]) -> list[str]:
    """A parent named by a slug the same file renames away: after the rename GitHub has no team of
    that slug, so the plan could never converge (and a team named as its own former slug would be
    PATCHed as its own parent). The file must name the parent by the slug it will have."""
    problems = []
    for index, entry in enumerate(entries):
        parent = entry.get('parent')
        if not isinstance(parent, str) or parent.lower() not in formers or parent.lower() in slugs:
            continue
        owner = formers[parent.lower()]
        if owner == index:
            problems.append('%s.parent: %s is its own former slug (previously): a team cannot be its own parent'
                            % (_where(entries, index), parent))
        else:
            problems.append('%s.parent: %s is a former slug of %s (previously): name the parent by its new slug %s'
                            % (_where(entries, index), parent, _where(entries, owner), entries[owner].get('team')))
    return problems
