# -*- coding: utf-8 -*-
# Copyright (c) gitops.github contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Invitations in a whole-org plan: which failed ones are sent again, and how many a run may send
(GitHub's daily invitation limit). Pure, no I/O."""

from __future__ import annotations

import datetime
import re

from ansible_collections.gitops.github.plugins.module_utils._plan import (
    ACTIVE,
    ADD,
    ORG,
    PUBLIC,
    REMOVE,
    TEAM,
)

# GitHub's failed_reason values (issue 18 lists expired, no_more_seats, trade_controls,
# already_accepted, invalid_generic; the OpenAPI documents the field as a free string). Only an
# invitation that expired is fixed by sending it again; any other reason, or none, is reported.
RETRYABLE_FAILURES = ('expired',)


def _latest_failure(state, key):
    records = state.failed_records.get(key) or []
    if not records:
        return {'reason': 'expired' if key in set(f.lower() for f in state.failed) else None, 'failed_at': None}
    return sorted(records, key=lambda r: r.get('failed_at') or '')[-1]


def _invited_again(state, writes):
    """The lower logins, in write order, whose failed invitation an addition would send again; a
    team addition of a non-member invites them as well."""
    failed = set(f.lower() for f in state.failed)
    again = []
    for w in writes:
        key = w.change.key if w.scope in (ORG, TEAM) else None
        if (w.action == ADD and key in failed and key not in again
                and (w.scope == ORG or key not in state.members)):
            again.append(key)
    return again


def failed_invitations(state, roster, writes):
    """``(writes, reinvite, not_reinvited, not_retried)``: which additions send again an invitation
    that failed (GitHub moves those to ``GET /orgs/{org}/failed_invitations``; nothing re-sends
    them). Only a failure a retry can fix (:data:`RETRYABLE_FAILURES`) is sent again, and the
    writer deletes the failed record first (kubernetes-sigs/prow #712: a failed record blocks a
    new invitation); the others are left out of the plan, with their team additions, which would
    invite them too, and reported with their reason. With ``reinvite_failed`` false none is sent."""
    again = _invited_again(state, writes)
    fixable = set(k for k in again if _latest_failure(state, k).get('reason') in RETRYABLE_FAILURES)
    dropped = set(again) - fixable if roster.reinvite_failed else set(again)
    login_of = dict((w.change.key, w.change.login) for w in writes if w.scope in (ORG, TEAM) and w.action == ADD)
    not_retried = []
    for key in again:
        if key not in fixable:
            record = _latest_failure(state, key)
            not_retried.append({'login': login_of[key], 'reason': record.get('reason'),
                                'failed_at': record.get('failed_at')})
    not_retried.sort(key=lambda item: item['login'].lower())
    kept = [w for w in writes if not (w.scope in (ORG, TEAM) and w.action == ADD and w.change.key in dropped)]
    if not roster.reinvite_failed:
        names = sorted(set(login_of[k] for k in fixable), key=str.lower)
        return kept, set(), names, not_retried
    return kept, fixable, [], not_retried


_STAMP = re.compile(r'^(\d{4})-(\d\d)-(\d\d)[T ](\d\d):(\d\d):(\d\d)(?:\.\d+)?(Z|[+-]\d\d:?\d\d)$')


def _parse_stamp(text):
    """An ISO 8601 timestamp as GitHub writes it (``...Z``, fractions, or an offset such as its
    OpenAPI example ``2016-11-30T06:46:10-08:00``) as an aware datetime; ``None`` if not one."""
    match = _STAMP.match(text) if isinstance(text, str) else None
    if match is None:
        return None
    zone = match.group(7)
    try:
        stamp = datetime.datetime(*[int(part) for part in match.groups()[:6]], tzinfo=datetime.timezone.utc)
    except ValueError:
        return None
    if zone != 'Z':
        sign = -1 if zone[0] == '-' else 1
        digits = zone[1:].replace(':', '')
        stamp -= sign * datetime.timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return stamp


def sent_within_a_day(state, now):
    """How many invitations of ``state`` (pending and failed, by ``created_at``) were sent in the
    24 hours before ``now``: GitHub's invitation limit counts a day, not a run. A stamp ahead of
    the local clock (the clocks differ by seconds) or one that cannot be read counts too: the
    count errs towards sending fewer invitations, never more."""
    if now is None or state.ghes:
        return 0
    count = 0
    for text in state.sent:
        stamp = _parse_stamp(text)
        if stamp is None or now - stamp < datetime.timedelta(hours=24):
            count += 1
    return count


def sends_invitation(state, write, invited):
    """Whether ``write`` makes GitHub send an organization invitation: an organization addition
    on github.com, or a team addition of someone who is neither a member nor invited yet (GitHub
    invites them with the team). ``invited`` is the set of keys invited by the writes before."""
    if state.ghes or write.action != ADD or write.scope not in (ORG, TEAM):
        return False
    key = write.change.key
    if write.scope == ORG:
        return True
    return key not in state.members and key not in invited


def cap_invitations(state, writes, limit):
    """``(writes, deferred, left)``: at most ``limit`` invitations (GitHub allows an organization
    50 a day, 500 for older or paid ones). The writes past the limit that invite (and the team
    additions of the people whose invitation is deferred) are left for the next run."""
    if limit is None:
        return writes, [], 0
    invited = set()
    deferred_keys = set()
    kept, deferred = [], []
    for write in writes:
        key = write.change.key if write.scope != PUBLIC else None
        if key is not None and key in deferred_keys and write.action == ADD:
            deferred.append(write)
            continue
        if sends_invitation(state, write, invited):
            if len(invited) >= limit:
                deferred_keys.add(key)
                deferred.append(write)
                continue
            invited.add(key)
        kept.append(write)
    return kept, deferred, len(deferred_keys)


def removes_a_member(state, write):
    """Whether ``write`` removes an active member (not a pending invitation) from the organization:
    someone a listed e-mail address GitHub has not answered for could be (its member list shows
    no address)."""
    if write.scope != ORG or write.action != REMOVE:
        return False
    entry = state.members.get(write.change.key)
    return entry is not None and entry.state == ACTIVE


def held_for_addresses(state, writes, deferred):
    """``(writes, held)``: when an e-mail invitation is among the ``deferred`` writes (not sent in
    this run, so not answered), the removals of active members wait too (:func:`removes_a_member`)."""
    if not any(w.scope == ORG and w.action == ADD and '@' in w.change.key for w in deferred):
        return writes, []
    held = [w for w in writes if removes_a_member(state, w)]
    return [w for w in writes if not any(w is h for h in held)], held
