# -*- coding: utf-8 -*-
# Copyright (c) gitops.github contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""GitHub's rules for logins and team slugs: the checks made on every login and slug before any
request. Pure (no client, no ``requests``), so the role's filters use them without loading HTTP."""

from __future__ import annotations

import re

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
