# -*- coding: utf-8 -*-
# Copyright (c) gitops.github contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""GitHub's rules for logins and team slugs: the checks made on every login and slug before any
request. Pure (no client, no ``requests``), so the role's filters use them without loading HTTP."""

from __future__ import annotations

import re
import unicodedata

# GitHub's rules for user and organization logins: letters, digits and single inner hyphens, at
# most 39 characters. Enterprise Managed Users add an ``_shortcode`` suffix.
_LOGIN_RE = re.compile(r'^[A-Za-z0-9](?:-?[A-Za-z0-9])*(?:_[A-Za-z0-9]+)?\Z')
LOGIN_MAX = 39
# Team slugs are made from team names: letters, digits, ``-``, ``_`` and ``.``, never ``/`` or spaces.
_SLUG_RE = re.compile(r'^[A-Za-z0-9_][A-Za-z0-9_.-]*\Z')
SLUG_MAX = 255


def login_problem(value: object, what: str = 'username') -> str | None:
    """Why ``value`` cannot be a GitHub login, or ``None`` when it can."""
    if not isinstance(value, str) or not value:
        return '%s must be a non-empty string' % what
    handle = value.split('_', 1)[0]
    if len(handle) > LOGIN_MAX:
        return '%s %r is longer than GitHub allows (%d characters)' % (what, value, LOGIN_MAX)
    if not _LOGIN_RE.match(value):
        return ('%s %r is not a valid GitHub login: use letters, digits and single hyphens, '
                'not starting or ending with a hyphen' % (what, value))
    return None


def slug_problem(value: object, what: str = 'team') -> str | None:
    """Why ``value`` cannot be a team slug, or ``None`` when it can."""
    if not isinstance(value, str) or not value:
        return '%s must be a non-empty string' % what
    if len(value) > SLUG_MAX or not _SLUG_RE.match(value) or value in ('.', '..'):
        return ('%s %r is not a valid team slug: use the slug from the team URL (letters, digits, '
                '"-", "_" and ".")' % (what, value))
    return None


def team_slug_of(name: str) -> str:
    """The slug GitHub derives from a team name. GitHub's reference ("Get a team by name"):
    "GitHub replaces special characters in the name string, changes all words to lowercase, and
    replaces spaces with a - separator. For example, "My TEam Näme" would become my-team-name":
    a letter with an accent loses it (canonical Unicode decomposition, NFD: compatibility forms
    such as full-width letters or ligatures are not folded, since GitHub documents no such
    folding); any other character that is not a letter, a digit or ``_`` separates words."""
    out = []
    for ch in unicodedata.normalize('NFD', name).lower():
        if unicodedata.combining(ch):
            continue
        out.append(ch if ch.isascii() and (ch.isalnum() or ch == '_') else '-')
    return '-'.join(part for part in ''.join(out).split('-') if part)


def undocumented_letters(name: str) -> list[str]:
    """The letters of ``name`` whose slug GitHub does not document (neither ASCII nor an ASCII
    letter with an accent, such as ``ß`` or ``東``): a name with them cannot be checked before
    the write, so it is refused. Canonical decomposition (NFD) only: full-width letters,
    ligatures and other compatibility forms stay non-ASCII and are refused too."""
    found = []
    for ch in unicodedata.normalize('NFD', name):
        if ord(ch) >= 128 and not unicodedata.combining(ch) and ch.isalnum() and ch not in found:
            found.append(ch)
    return found
