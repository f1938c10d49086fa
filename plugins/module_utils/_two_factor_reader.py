# -*- coding: utf-8 -*-
# Copyright (c) gitops.github contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Reading the people of an organization without two-factor authentication, and removing the
outside collaborators among them, for :mod:`._two_factor`'s policy.

Four lists, every page followed by the client's pager (a page that is not a JSON list of user
objects, a user without a login, or a ``Link`` loop fails the read before any write): the members
and the outside collaborators with ``filter=2fa_disabled`` and with ``filter=2fa_insecure``. The
requests grow with the pages of those lists, never with the people.

GitHub documents the filter of the member list as "only available for organization owners"
(OpenAPI ``orgs/list-members``, whose only error answer is 422 "Validation failed"); a non-owner's
token is answered with the message "Only owners can use this filter." (quoted in a public gist,
gist.github.com/nikitabugrovsky/b2f680e93ddde76e944e, with the documentation URL
``#audit-two-factor-auth``; its status is not shown). So a 403 or 422 to a filtered list is a
refusal, never "nobody": the task fails saying an owner's token is needed, with GitHub's answer.
The lists are read before the rest of the organization, so that refusal is what a non-owner
sees; should GitHub ever answer them for a token whose user it shows as a plain member, the
answer is not trusted either.

``2fa_insecure`` is in GitHub's descriptions for github.com and GHES 3.17 to 3.19; GHES 3.16's REST
reference lists only ``2fa_disabled`` and ``all``. On GHES, a 422 to ``2fa_insecure`` once
``2fa_disabled`` was accepted (so the token is an owner's) means this version does not know it:
that filter is reported as not checked, with a warning.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ansible_collections.gitops.github.plugins.module_utils._access import (
    outside_collaborators_path,
    remove_outside_collaborator,
)
from ansible_collections.gitops.github.plugins.module_utils._http import GitHubError
from ansible_collections.gitops.github.plugins.module_utils._plan import ACTIVE
from ansible_collections.gitops.github.plugins.module_utils._resources import OrgRef, logins_of
from ansible_collections.gitops.github.plugins.module_utils._two_factor import FILTERS, TwoFactor, found

if TYPE_CHECKING:
    from typing import Callable

    from ansible_collections.gitops.github.plugins.module_utils._http import GitHubClient
    from ansible_collections.gitops.github.plugins.module_utils._org_state import OrgState

REFUSED = (403, 422)


class TwoFactorRefused(Exception):
    """GitHub refuses the token the two-factor filter (not an organization owner's)."""


def _refusal(org: str, flt: str, path: str, why: str) -> TwoFactorRefused:
    return TwoFactorRefused("require_two_factor needs an organization owner's token: GitHub refuses filter=%s on GET %s "
                            '(%s); nobody in %s was checked' % (flt, path, why, org))


def _filtered(client: GitHubClient, org: str, path: str, flt: str, first: bool) -> list[str]:
    """One filtered list, every page; a 403 or 422 to the ``first`` (the member list with
    ``2fa_disabled``) is the owners-only refusal. Once GitHub accepted it the token is an owner's,
    so a later 403 or 422 is an error like any other."""
    try:
        return logins_of(client.paginate(path, {'filter': flt}), path)
    except GitHubError as exc:
        if exc.status in REFUSED and first:
            raise _refusal(org, flt, path, 'HTTP %s: %s' % (exc.status, exc.message or 'no message')) from None
        raise


class Lists(object):
    """The filtered lists as read: ``members`` and ``outside`` ``{filter: [login]}``, and
    ``unchecked`` (why a filter could not be read)."""

    def __init__(self) -> None:
        self.members: dict[str, list[str]] = {}
        self.outside: dict[str, list[str]] = {}
        self.unchecked: list[str] = []


def read_lists(client: GitHubClient, org: str) -> Lists:
    """The members and outside collaborators of ``org`` without two-factor authentication, as
    :class:`Lists`. Read before the rest of the organization, so that a token GitHub refuses the
    filter fails with that refusal first. Raises :class:`TwoFactorRefused` when GitHub refuses the
    filter, :class:`GitHubError` on any other failed read."""
    members_path = OrgRef(org).members_path
    lists = Lists()
    for flt in FILTERS:
        try:
            for target, path in ((lists.members, members_path), (lists.outside, outside_collaborators_path(org))):
                target[flt] = _filtered(client, org, path, flt, first=(path, flt) == (members_path, FILTERS[0]))
        except GitHubError as exc:
            if not (client.is_ghes and flt != FILTERS[0] and exc.status == 422):
                raise
            lists.unchecked.append('filter=%s is not checked: this GitHub Enterprise Server answers HTTP 422 (%s); '
                                   'GitHub documents it from GHES 3.17' % (flt, exc.message or 'no message'))
            lists.members.pop(flt, None)
    return lists


def two_factor_of(org: str, policy: str, lists: Lists, state: OrgState, own_login: str | None) -> TwoFactor:
    """The :class:`._two_factor.TwoFactor` of the lists once the organization is read (a member's
    kind comes from ``state``). GitHub documents the filter as owners-only: if it answered a token
    whose user ``state`` shows as a plain or pending member, the answer is not trusted
    (:class:`TwoFactorRefused`), never read as "nobody"."""
    own = state.members.get((own_login or '').lower())
    if own is not None and (own.state != ACTIVE or own.role != 'admin'):
        raise _refusal(org, FILTERS[0], OrgRef(org).members_path,
                       'GitHub shows %s, the user this token belongs to, as a %s %s, and documents the filter as '
                       'only available for organization owners' % (own.login, own.state, 'owner' if own.role == 'admin' else 'member'))
    return found(policy, lists.members, lists.outside, state, lists.unchecked)


def read_two_factor(client: GitHubClient, org: str, policy: str, state: OrgState, own_login: str | None) -> TwoFactor:
    """:func:`read_lists` then :func:`two_factor_of`, for a caller that has read the organization already."""
    return two_factor_of(org, policy, read_lists(client, org), state, own_login)


def remove_outside(client: GitHubClient, org: str, logins: list[str], done: list[str],
                   log: Callable[[str], None] | None = None) -> list[str]:
    """Remove each outside collaborator in ``logins`` from every repository of ``org``
    (``DELETE /orgs/{org}/outside_collaborators/{username}``), appending each to ``done`` as it is
    made; a failure raises :class:`GitHubError` with ``done`` holding what was made."""
    for login in logins:
        remove_outside_collaborator(client, org, login)
        done.append(login)
        if log is not None:
            log('removed outside collaborator %s from %s (require_two_factor: remove)' % (login, org))
    return done
