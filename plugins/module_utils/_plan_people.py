# -*- coding: utf-8 -*-
# Copyright (c) gitops.github contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Person entries of a membership file, pure: no I/O and no clock of its own.

A person is a plain login string or a mapping ``{login, id, expires, email}``:

- ``id`` is GitHub's immutable user id. When GitHub shows that id under another login and the
  entry's login has left the organization, the user was renamed: the entry means the new login
  (see ``_plan_org._renames``, which also refuses an id of another current member and follows the
  ids it had to look up with ``GET /user/{account_id}``). One id, one login and one e-mail address each belong to one
  entry (:func:`identity_problems`).
- ``expires`` is an ISO 8601 date (``2026-12-31``: the access lasts through that day, UTC) or a
  full timestamp with its offset (``2026-12-31T18:00:00Z``, ``...+02:00``). From that moment on
  the entry counts as not listed (see :func:`split_by_time`); ``now`` is always passed in, so
  tests choose the clock.
- ``email`` invites an address (``POST /orgs/{org}/invitations``); then ``login`` may be absent.
  E-mail addresses contain ``@`` and logins never do, so an address is its own key.
"""

from __future__ import annotations

import datetime
import re

PERSON_KEYS = ('login', 'id', 'expires', 'email')
DEFAULT_EXPIRING_WITHIN_DAYS = 14

_DATE_RE = re.compile(r'^(\d{4})-(\d{2})-(\d{2})\Z')
_STAMP_RE = re.compile(r'^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6})\d*)?)?'
                       r'(?:([Zz])|([+-])(\d{2}):?(\d{2}))\Z')
# Deliberately loose (GitHub decides what it accepts), but one @, no spaces, a dot in the domain.
_EMAIL_RE = re.compile(r'^[^@\s]+@[^@\s]+\.[^@\s]+\Z')
_UTC = datetime.timezone.utc


class Person(object):
    """One entry: ``login`` and/or ``email``, ``id`` (int or ``None``), ``expires`` (an aware UTC
    ``datetime`` or ``None``) and ``expires_text`` (as written, for reports)."""

    __slots__ = ('login', 'id', 'expires', 'expires_text', 'email')

    def __init__(self, login=None, id=None, expires=None, expires_text=None, email=None):
        self.login = login
        self.id = id
        self.expires = expires
        self.expires_text = expires_text
        self.email = email

    @property
    def name(self):
        """What the plan calls this person: the login, else the e-mail address."""
        return self.login if self.login else self.email

    @property
    def key(self):
        return self.name.lower()

    def is_expired(self, now):
        return self.expires is not None and now >= self.expires

    def __repr__(self):
        shown_id = ' id=%s' % self.id if self.id is not None else ''
        shown_expiry = ' expires=%s' % self.expires_text if self.expires_text else ''
        return '<Person %s%s%s>' % (self.name, shown_id, shown_expiry)


def utc_now():
    """The real clock (callers pass it to the pure functions, tests pass their own)."""
    return datetime.datetime.now(_UTC)


def _utc(stamp):
    """An aware ``stamp`` in UTC. A moment the calendar cannot hold in UTC (``9999-12-31T23:00:00-05:00``,
    ``0001-01-01T00:00:00+01:00``) is taken as the calendar's edge: it never comes, or has always passed."""
    try:
        return stamp.astimezone(_UTC)
    except OverflowError:
        edge = datetime.datetime.max if stamp.year == datetime.MAXYEAR else datetime.datetime.min
        return edge.replace(tzinfo=_UTC)


def _end_of_day(year, month, day):
    """The moment ``year-month-day`` ends, UTC. The calendar's last day (``9999-12-31``, the usual
    "never expires") ends at the last moment it can count."""
    start = datetime.datetime(year, month, day, tzinfo=_UTC)
    if start.date() == datetime.date.max:
        return datetime.datetime.max.replace(tzinfo=_UTC)
    return start + datetime.timedelta(days=1)


def parse_expires(value):
    """``(aware UTC datetime, None)`` or ``(None, problem)`` for one ``expires`` value: a date
    (through that day, UTC) or a timestamp with an offset. YAML may already have turned an
    unquoted date into a ``date`` or ``datetime`` object; those are taken as they are (a
    ``datetime`` without an offset is refused, as a string would be). Never raises: a date at
    the calendar's edge (``9999-12-31``) is its last moment."""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            return None, 'must carry its UTC offset (such as 2026-12-31T18:00:00Z), got %s' % value.isoformat()
        return _utc(value), None
    if isinstance(value, datetime.date):
        return _end_of_day(value.year, value.month, value.day), None
    if not isinstance(value, str):
        return None, 'must be an ISO 8601 date or timestamp string, got %s' % type(value).__name__
    text = value.strip()
    match = _DATE_RE.match(text)
    try:
        if match:
            return _end_of_day(int(match.group(1)), int(match.group(2)), int(match.group(3))), None
        match = _STAMP_RE.match(text)
        if match:
            (year, month, day, hour, minute, second, fraction, zulu, sign, off_h, off_m) = match.groups()
            offset = datetime.timedelta(0)
            if not zulu:
                offset = datetime.timedelta(hours=int(off_h), minutes=int(off_m))
                if sign == '-':
                    offset = -offset
            stamp = datetime.datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0),
                                      int((fraction or '0').ljust(6, '0')), tzinfo=datetime.timezone(offset))
            return _utc(stamp), None
    except ValueError as exc:
        return None, 'is not a real date or time (%s), got %r' % (exc, value)
    return None, ('must be an ISO 8601 date (2026-12-31) or a timestamp with its offset (2026-12-31T18:00:00Z), '
                  'got %r' % (value,))


def parse_person(item, where, validate_login=None, allow_email=True):
    """``(Person or None, problems)`` for one list item, ``where`` its key (``members[2]``). A
    login must be a string (a number is refused, never converted); ``id`` a positive whole
    number; ``email`` an address. Every problem starts with the key it is about."""
    if not isinstance(item, dict):
        problem = validate_login(item, where) if validate_login else None
        if problem or isinstance(item, str):
            return (None, [problem]) if problem else (Person(login=item), [])
        return None, ['%s must be a login or a mapping, got %s' % (where, type(item).__name__)]
    problems = _person_key_problems(item, where, validate_login, allow_email)
    expires, expires_text = None, None
    if item.get('expires') is not None:
        expires, problem = parse_expires(item['expires'])
        if problem:
            problems.append('%s.expires %s' % (where, problem))
        raw = item['expires']
        expires_text = raw.isoformat() if isinstance(raw, (datetime.date, datetime.datetime)) else str(raw)
    if problems:
        return None, problems
    login, email = item.get('login'), item.get('email')
    return Person(login=login, id=item.get('id'), expires=expires, expires_text=expires_text,
                  email=email if login is None else email), []


def _person_key_problems(item, where, validate_login, allow_email):
    """The problems of a person mapping's keys other than ``expires``."""
    problems = []
    unknown = sorted(str(k) for k in item if k not in PERSON_KEYS)
    if unknown:
        problems.append('%s: unknown key(s) %s (a person has %s)' % (where, ', '.join(unknown), ', '.join(PERSON_KEYS)))
    login, email, uid = item.get('login'), item.get('email'), item.get('id')
    if login is None and email is None:
        keys = ', '.join(sorted(str(k) for k in item)) or 'an empty mapping'
        problems.append('%s needs login or email, got %s' % (where, keys))
    if login is not None:
        problem = validate_login(login, '%s.login' % where) if validate_login else None
        if problem or not isinstance(login, str):
            problems.append(problem or '%s.login must be a string, got %s' % (where, type(login).__name__))
    return problems + _email_and_id_problems(login, email, uid, where, allow_email)


def _email_and_id_problems(login, email, uid, where, allow_email):
    problems = []
    if email is not None:
        if not allow_email:
            problems.append('%s.email: e-mail invitations are for the organization\'s owners and members; '
                            'list the login here' % where)
        elif not isinstance(email, str) or not _EMAIL_RE.match(email):
            problems.append('%s.email must be an e-mail address, got %r' % (where, email))
    if uid is not None and (isinstance(uid, bool) or not isinstance(uid, int) or uid <= 0):
        problems.append('%s.id must be GitHub\'s numeric user id (a positive whole number), got %r' % (where, uid))
    if uid is not None and login is None:
        problems.append('%s: id %r needs the login it belongs to' % (where, uid))
    return problems


def parse_people(value, where, validate_login=None, allow_email=True):
    """``(persons, problems)`` for one list option (``None`` stays ``None``); each item's problems
    name it by its index (``members[2]``)."""
    if value is None:
        return None, []
    if not isinstance(value, (list, tuple)):
        return [], ['%s must be a list of logins or person mappings, got %s' % (where, type(value).__name__)]
    persons = []
    problems = []
    for index, item in enumerate(value):
        person, found = parse_person(item, item_key(where, index, item), validate_login, allow_email)
        problems.extend(found)
        if person is not None:
            persons.append(person)
    return persons, problems


def item_key(where, index, item):
    """``members[2]``, or ``members[2] (bob)`` for a mapping with a login (or an address)."""
    name = (item.get('login') or item.get('email')) if isinstance(item, dict) else None
    return '%s[%d] (%s)' % (where, index, name) if isinstance(name, str) else '%s[%d]' % (where, index)


def split_by_time(persons, now, within_days=DEFAULT_EXPIRING_WITHIN_DAYS):
    """``(current, expired, expiring)``: ``expired`` are the entries whose moment has come (they
    count as not listed); ``expiring`` the current ones that end within ``within_days`` days."""
    current, expired, expiring = [], [], []
    horizon = now + datetime.timedelta(days=within_days)
    for person in persons or ():
        if person.is_expired(now):
            expired.append(person)
            continue
        current.append(person)
        if person.expires is not None and person.expires <= horizon:
            expiring.append(person)
    return current, expired, expiring


def expiry_view(person, now):
    """``{login, expires}`` plus ``days_left`` (whole days, rounded down) for a report."""
    view = {'login': person.name, 'expires': person.expires_text}
    if person.expires is not None and person.expires > now:
        view['days_left'] = (person.expires - now).days
    return view


def identity_problems(scopes):
    """Problems with the identifiers of the file, before any request. ``scopes`` is
    ``[(where, persons)]``: the organization's owners and members together (``where`` empty),
    then each team's maintainers and members. Logins and e-mail addresses are compared as GitHub
    compares them (case-insensitively); a login listed twice in one scope is
    :func:`._plan.collect_wanted`'s to report. Found here: one id given to two logins (in one
    scope or across them), one login given two ids, and one e-mail address claimed by two
    entries (a ``{login, email}`` and another login or a bare ``{email}``)."""
    problems = []
    by_id = {}     # id -> login first given it
    ids_of = {}    # lower login -> id first given to it
    for where, persons in scopes:
        prefix = '%s: ' % where if where else ''
        claims = {}  # lower e-mail -> the name of the entry claiming it
        for person in persons:
            if person.id is not None and person.login:
                first = by_id.setdefault(person.id, person.login)
                if first.lower() != person.login.lower():
                    problems.append('%sid %d is given to both %s and %s (one GitHub user has one id)'
                                    % (prefix, person.id, first, person.login))
                other = ids_of.setdefault(person.login.lower(), person.id)
                if other != person.id:
                    problems.append('%s%s is given two ids, %d and %d' % (prefix, person.login, other, person.id))
            if person.email:
                claimant = claims.setdefault(person.email.lower(), person.name)
                if claimant.lower() != person.name.lower():
                    problems.append('%se-mail address %s is claimed twice (%s and %s)'
                                    % (prefix, person.email, claimant, person.name))
    return _unique(problems)


def _unique(items):
    out = []
    for item in items:
        if item not in out:
            out.append(item)
    return out
