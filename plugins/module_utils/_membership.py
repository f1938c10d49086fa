# -*- coding: utf-8 -*-
# Copyright (c) gitops.github contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Pure desired-state logic for memberships: no I/O, so check mode and the real run share it."""

from __future__ import annotations

ABSENT = 'absent'


def membership_view(login, data=None):
    """``{login, state, role}`` from a GitHub membership body (or ``None`` for absent)."""
    if not data:
        return {'login': login, 'state': ABSENT, 'role': None}
    user = data.get('user') or {}
    return {'login': user.get('login') or login, 'state': data.get('state'), 'role': data.get('role')}


class Plan(object):
    """What to do to get from ``before`` to the wanted state, and what that will look like."""

    def __init__(self, action, before, after, body=None):
        self.action = action  # None, 'put' or 'delete'
        self.before = before
        self.after = after
        self.body = body

    @property
    def changed(self):
        return self.action is not None

    def __repr__(self):
        return '<Plan %s %r -> %r>' % (self.action, self.before, self.after)


def plan_membership(before, state, role=None, new_state='pending', keep_role=False, keep_present=False):
    """Plan an organization or team membership.

    ``before`` is a :func:`membership_view`. ``role`` is the wanted role or ``None`` (keep the
    current role; a new membership is a ``member``). ``new_state`` is what GitHub makes of a new
    membership: ``pending`` (an invitation) on github.com, ``active`` on GHES or for a team member
    who is already in the org. ``keep_role`` accepts the current role as converged (an org owner,
    whom GitHub always reports as team maintainer); ``keep_present`` leaves a membership that
    cannot be removed (one inherited through a child team).
    """
    login = before['login']
    if state == ABSENT:
        if before['state'] == ABSENT or keep_present:
            return Plan(None, before, before)
        return Plan('delete', before, membership_view(login))
    if before['state'] == ABSENT:
        wanted = role or 'member'
        return Plan('put', before, {'login': login, 'state': new_state, 'role': wanted}, {'role': wanted})
    if role is None or before['role'] == role or keep_role:
        return Plan(None, before, before)
    return Plan('put', before, dict(before, role=role), {'role': role})


def removes_or_demotes(plan):
    """Whether ``plan`` removes the user or takes away their admin role."""
    if plan.action == 'delete':
        return True
    return plan.action == 'put' and plan.before.get('role') == 'admin' and plan.after.get('role') != 'admin'


def is_self_demotion(plan, own_login):
    """Whether ``plan`` removes or demotes the token's own user."""
    if own_login is None or plan.before['login'].lower() != own_login.lower():
        return False
    return removes_or_demotes(plan)
