# -*- coding: utf-8 -*-
# Copyright (c) gitops.github contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The GitHub resources the modules act on, and the one way each is read and written.

* References: :class:`OrgRef` and :class:`TeamRef` own every REST path (the modules build none);
  :func:`team_ref` finds a team by slug or id.
* Named endpoints, the only way a module reaches GitHub (tests/unit/test_layout.py holds them to
  it): :func:`get_membership`, :func:`exists`, :func:`list_teams`, :func:`list_invitations`,
  :func:`list_failed_invitations`, the token owner's :func:`get_own_membership`, :func:`accept_invitation`,
  :func:`list_own_memberships`, and :func:`is_public` / :func:`set_public`.
* Reads: whole member lists (:func:`read_members`), invitations (:func:`read_invitations`), child
  teams (:func:`descendants`), what adding someone would make of them, and the check-mode lookups
  of logins GitHub would refuse (:func:`impossible_additions`). Each read is checked for shape, so
  a plan is never built on a malformed answer. The whole-org bulk reader is :mod:`._org_reader`.
* Writes: :func:`write_membership` is the one path for every org and team membership write (a
  write that fails in transit is checked by one read, never sent twice); :func:`org_writer` makes
  the writes of a whole-org plan (memberships, e-mail invitations, team definitions, the public
  membership) through it.

All I/O goes through a :class:`._http.GitHubClient`; the planning it serves is pure
(:mod:`._plan`, :mod:`._plan_org`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, Sequence, Union

from ansible_collections.gitops.github.plugins.module_utils._github_forms import (
    EXTERNAL_GROUPS_PATH,
    TEAM_SYNC_GROUPS_PATH,
    group_names,
    idp_message_names_team,
    idp_name_from_message,
)
from ansible_collections.gitops.github.plugins.module_utils._http import GitHubError, quote_segment
from ansible_collections.gitops.github.plugins.module_utils._plan import (
    ACTIVE,
    ADD,
    ORG,
    ORG_ROLES,
    PENDING,
    PUBLIC,
    REMOVE,
    TEAM,
    TEAM_ROLES,
    TEAM_SETTINGS,
    merge_lists,
)

if TYPE_CHECKING:
    from ansible_collections.gitops.github.plugins.module_utils._http import GitHubClient
    from ansible_collections.gitops.github.plugins.module_utils._plan import Change, Entry
    from ansible_collections.gitops.github.plugins.module_utils._org_state import OrgState, Write

# The token's own user and its organization memberships.
USER_PATH = '/user'
OWN_ORG_MEMBERSHIPS_PATH = '/user/memberships/orgs'


def user_path(login: str) -> str:
    """``GET /users/{login}``: a user (or an organization: the route answers for both)."""
    return '/users/%s' % quote_segment(login)


def user_by_id_path(account_id):
    """``GET /user/{account_id}``: the user whose durable id this is, whatever their login now
    (OpenAPI ``users/get-by-id``, "Get a user using their ID")."""
    return '/user/%d' % int(account_id)


def users_by_id(client: GitHubClient, ids: list[int]) -> dict[int, str | None]:
    """``{id: login now, or None}`` for each user id, one ``GET /user/{account_id}`` each (404: no
    account has that id). An answer without a login fails the read, so no plan is built on it."""
    found: dict[int, str | None] = {}
    for account_id in ids:
        path = user_by_id_path(account_id)
        data = client.get_or_none(path)
        if data is None:
            found[account_id] = None
            continue
        login = data.get('login') if isinstance(data, dict) else None
        if not isinstance(login, str) or not login or data.get('id') != account_id:
            raise GitHubError('GET', path, 200, 'the answer is not the user with that id; refusing to plan on it')
        found[account_id] = login
    return found


class OrgRef(object):
    """An organization, ``/orgs/{org}``, and the paths of what it holds."""

    def __init__(self, org: str) -> None:
        self.org = org
        self.base = '/orgs/%s' % quote_segment(org)

    @property
    def label(self) -> str:
        return 'organization %s' % self.org

    @property
    def members_path(self) -> str:
        return self.base + '/members'

    def membership_path(self, login: str) -> str:
        return '%s/memberships/%s' % (self.base, quote_segment(login))

    @property
    def invitations_path(self) -> str:
        return self.base + '/invitations'

    def invitation_path(self, invitation_id: int | str) -> str:
        return '%s/%s' % (self.invitations_path, quote_segment(str(invitation_id)))

    @property
    def failed_invitations_path(self) -> str:
        return self.base + '/failed_invitations'

    @property
    def teams_path(self) -> str:
        return self.base + '/teams'

    def team(self, slug: str) -> TeamRef:
        """The :class:`TeamRef` of the team ``slug`` of this organization."""
        return TeamRef(self.org, slug=slug)

    def public_member_path(self, login: str) -> str:
        return '%s/public_members/%s' % (self.base, quote_segment(login))

    @property
    def own_membership_path(self) -> str:
        """``/user/memberships/orgs/{org}``: the token's user's own membership."""
        return '%s/%s' % (OWN_ORG_MEMBERSHIPS_PATH, quote_segment(self.org))


def external_groups(client: GitHubClient, ref: TeamRef) -> list[str]:
    """The IdP groups that manage the members of team ``ref`` (a :class:`TeamRef`): names from
    its team-sync group mappings, else from its external-group connection; an empty list when
    GitHub shows neither (no such feature in the organization: 403/404 there mean "not managed")."""
    for suffix in (TEAM_SYNC_GROUPS_PATH, EXTERNAL_GROUPS_PATH):
        try:
            resp = client.request('GET', ref.base + suffix, expected=(200, 403, 404))
        except GitHubError:
            continue
        if resp.status == 200:
            names = group_names(resp.data)
            if names:
                return names
    return []


def idp_hint(error: GitHubError, client: GitHubClient | None = None, ref: TeamRef | None = None) -> str | None:
    """What to tell the user when a failed write (a :class:`GitHubError`) is GitHub refusing to
    change a team whose members come from an identity provider; ``None`` for any other error.

    Any 403 on a membership write is checked structurally when ``client`` and ``ref`` are given
    (the team's IdP group mappings and external groups, see :func:`external_groups`); a 403 whose
    message is a real "external group backed team" wording counts even without that check."""
    if error.status != 403:
        return None
    groups = external_groups(client, ref) if client is not None and ref is not None else []
    named = idp_message_names_team(error.message)
    if not groups and not named:
        return None
    text = 'the team is managed by your identity provider'
    idp = idp_name_from_message(error.message)
    if idp:
        text += ' (%s)' % idp
    if groups:
        text += ' through the IdP group%s %s' % ('s' if len(groups) > 1 else '', ', '.join(groups))
    return text + '; change the IdP group instead'


class TeamNotFound(Exception):
    """The team (or its organization) does not exist or the token cannot see it."""


class TeamRef(object):
    """A team addressed by slug (``/orgs/{org}/teams/{slug}``) or by id
    (``/organizations/{org_id}/team/{team_id}``), GitHub's two routes for the same thing."""

    def __init__(self, org: str, slug: str | None = None, team_id: int | None = None, org_id: int | None = None) -> None:
        self.org = org
        self.slug = slug
        self.team_id = team_id
        self.org_id = org_id

    @property
    def base(self) -> str:
        if self.slug is not None:
            return '/orgs/%s/teams/%s' % (quote_segment(self.org), quote_segment(self.slug))
        if self.org_id is None or self.team_id is None:
            raise ValueError('a team is addressed by its slug, or by its id and its organization\'s id')
        return '/organizations/%d/team/%d' % (self.org_id, self.team_id)

    def membership_path(self, username: str) -> str:
        return '%s/memberships/%s' % (self.base, quote_segment(username))

    @property
    def members_path(self) -> str:
        return self.base + '/members'

    @property
    def invitations_path(self) -> str:
        return self.base + '/invitations'

    @property
    def label(self) -> str:
        if self.slug is not None:
            return 'team %s in %s' % (self.slug, self.org)
        return 'team id %s in %s' % (self.team_id, self.org)

    def matches(self, team: Mapping[str, Any]) -> bool:
        """Whether a team object from a list is this team."""
        if self.team_id is not None:
            return team.get('id') == self.team_id
        return (team.get('slug') or '').lower() == (self.slug or '').lower()


# Either kind of reference: what the reads and writes shared by organizations and teams take.
Ref = Union[OrgRef, TeamRef]


def team_ref(client: GitHubClient, org: str, team: str | None = None, team_id: int | None = None) -> TeamRef:
    """A :class:`TeamRef`; the id route needs the organization's id, read with ``GET /orgs/{org}``."""
    if team is not None:
        return TeamRef(org, slug=team)
    if team_id is None:
        raise ValueError('give a team slug or a team id')
    data = client.get_or_none(OrgRef(org).base)
    if data is None:
        raise TeamNotFound('Organization %s was not found, or the token cannot see it' % org)
    return TeamRef(org, team_id=int(team_id), org_id=int(data['id']))


def team_slug(client: GitHubClient, ref: TeamRef) -> str:
    """The slug of team ``ref``: its own, or for the id route the one ``GET`` of the team says."""
    if ref.slug is not None:
        return ref.slug
    data = client.get_or_none(ref.base)
    slug = (data or {}).get('slug') if isinstance(data, dict) else None
    if data is None:
        raise TeamNotFound('%s was not found, or the token cannot see it (GET %s returned HTTP 404)' % (
            ref.label[0].upper() + ref.label[1:], ref.base))
    if not isinstance(slug, str) or not slug:
        raise GitHubError('GET', ref.base, 200, 'the team has no slug; refusing to go on')
    return slug


# -- named endpoints: what the modules ask of GitHub, one function each -------------------------

def get_membership(client: GitHubClient, ref: Ref, login: str) -> dict[str, Any] | None:
    """``GET .../memberships/{login}`` of an organization (:class:`OrgRef`) or a team
    (:class:`TeamRef`): the membership object, or ``None`` when GitHub answers 404."""
    return client.get_or_none(ref.membership_path(login))


def exists(client: GitHubClient, ref: Ref) -> bool:
    """Whether the organization or team ``ref`` exists for this token (``GET`` of it: 404 is ``False``)."""
    return client.get_or_none(ref.base) is not None


def list_teams(client: GitHubClient, org: str) -> list[dict[str, Any]]:
    """Every team of ``org`` the token can see (``GET /orgs/{org}/teams``, every page)."""
    return list(client.paginate(OrgRef(org).teams_path))


def list_invitations(client: GitHubClient, ref: Ref) -> list[dict[str, Any]]:
    """The pending invitations of an organization or team ``ref`` as GitHub lists them, every page.
    For reports; a plan reads :func:`read_invitations`, which checks each one."""
    return list(client.paginate(ref.invitations_path))


def list_failed_invitations(client: GitHubClient, ref: OrgRef) -> list[dict[str, Any]]:
    """The failed invitations of the organization ``ref`` (``GET /orgs/{org}/failed_invitations``), every page."""
    return list(client.paginate(ref.failed_invitations_path))


def get_own_membership(client: GitHubClient, org: str) -> dict[str, Any] | None:
    """The token owner's own membership of ``org`` (``GET /user/memberships/orgs/{org}``), or ``None`` (404)."""
    return client.get_or_none(OrgRef(org).own_membership_path)


def accept_invitation(client: GitHubClient, org: str) -> Any:
    """Accept the token owner's pending invitation to ``org``: ``PATCH /user/memberships/orgs/{org}``
    with ``{"state": "active"}`` (GitHub answers 200, or 202 while it finishes). Returns the
    membership GitHub answered. A write that fails in transit is checked by one read, never sent twice."""
    path = OrgRef(org).own_membership_path

    def accepted():
        data = client.get_or_none(path)
        return data if data and data.get('state') == ACTIVE else None

    return client.request('PATCH', path, json={'state': ACTIVE}, expected=(200, 202), verify=accepted).data


def list_own_memberships(client: GitHubClient, state: str | None = None) -> list[dict[str, Any]]:
    """The token owner's organization memberships (``GET /user/memberships/orgs``, every page),
    only those in ``state`` (``active`` or ``pending``) when given."""
    return list(client.paginate(OWN_ORG_MEMBERSHIPS_PATH, {'state': state} if state else None))


def is_public(client: GitHubClient, org: str, login: str) -> bool:
    """Whether ``login``'s membership of ``org`` is public: ``GET /orgs/{org}/public_members/{login}``
    answers 204 when it is and 404 when it is not (GitHub's REST reference, "Check public
    organization membership for a user")."""
    return client.request('GET', OrgRef(org).public_member_path(login), expected=(204, 404)).status == 204


def set_public(client: GitHubClient, org: str, login: str, public: bool) -> None:
    """Publicize (``PUT``) or conceal (``DELETE``) ``login``'s membership of ``org``; GitHub answers
    204 and lets users change only their own. A write that fails in transit is checked by one
    :func:`is_public`, never sent twice."""
    client.request('PUT' if public else 'DELETE', OrgRef(org).public_member_path(login), expected=(204,),
                   verify=lambda: {} if is_public(client, org, login) == public else None)


def descendants(client: GitHubClient, ref: TeamRef) -> list[TeamRef]:
    """Every team below ``ref`` (children, grandchildren, ...), as slug :class:`TeamRef` objects.

    One paginated ``GET /orgs/{org}/teams``; the parent links give the tree.
    """
    teams = list_teams(client, ref.org)
    own = [t for t in teams if ref.matches(t)]
    if not own:
        return []
    children: dict[int, list[dict[str, Any]]] = {}
    for team in teams:
        parent = team.get('parent') or {}
        if parent.get('id') is not None:
            children.setdefault(parent['id'], []).append(team)
    found = []
    todo = [own[0]['id']]
    seen = set(todo)
    while todo:
        for child in children.get(todo.pop(), []):
            if child['id'] not in seen:
                seen.add(child['id'])
                found.append(TeamRef(ref.org, slug=child['slug']))
                todo.append(child['id'])
    return found


def state_after_adding(client: GitHubClient, org: str, username: str) -> str:
    """What adding ``username`` to a team makes of them: ``active`` for an org member (and on
    GHES, which has no invitations), else ``pending`` (GitHub invites them to the org)."""
    if client.is_ghes:
        return 'active'
    data = get_membership(client, OrgRef(org), username)
    return 'active' if data and data.get('state') == 'active' else 'pending'


def inherited_from(client: GitHubClient, ref: TeamRef, username: str) -> TeamRef | None:
    """The first child team (a :class:`TeamRef`) through which ``username`` is an active member
    of ``ref``, or ``None`` when the membership is not inherited."""
    for child in descendants(client, ref):
        data = get_membership(client, child, username)
        if data is not None and data.get('state') == 'active':
            return child
    return None


def logins_of(items: Iterable[Mapping[str, Any]], path: str) -> list[str]:
    """The ``login`` of each user object of a list read from ``path``; a user without a string
    login fails the read (:class:`GitHubError`), so a plan is never built on a malformed answer."""
    logins = []
    for item in items:
        login = item.get('login')
        if not isinstance(login, str) or not login:
            raise GitHubError('GET', path, 200, 'the list holds a user without a login; refusing to plan on it')
        logins.append(login)
    return logins


def read_members(client: GitHubClient, ref: Ref, roles: Iterable[str], query: Mapping[str, Any] | None = None) -> dict[str, Entry]:
    """``{lower login: Entry}`` of the active members of an org or team (``ref``, an :class:`OrgRef`
    or :class:`TeamRef`),
    one role-filtered list per role in ``roles`` (top role first), every ``Link`` page followed."""
    lists = []
    for role in roles:
        params = dict(query or {}, role=role)
        lists.append((role, ACTIVE, logins_of(client.paginate(ref.members_path, params), ref.members_path)))
    return merge_lists(*lists)


def read_invitations(client: GitHubClient, path: str) -> list[dict[str, Any]]:
    """The pending invitations at ``path``, each checked: a ``login`` is a string or null (an
    invitation by e-mail)."""
    invitations = list(client.paginate(path))
    for inv in invitations:
        login = inv.get('login')
        if login is not None and not (isinstance(login, str) and login):
            raise GitHubError('GET', path, 200, 'the list holds an invitation with a malformed login; refusing to plan on it')
    return invitations


def pending_team_role(client: GitHubClient, ref: TeamRef, login: str) -> str | None:
    """The team role a pending invitee of team ``ref`` will have. The invitation list gives only the
    organization role; GitHub documents that ``GET .../memberships/{username}`` "contains the state
    of the membership and the member's role" (REST API, "Get team membership for a user", in
    tests/data/github-openapi), and it answers ``state: pending`` for an invitee. ``None`` when it
    does not say."""
    data = get_membership(client, ref, login)
    if isinstance(data, dict) and data.get('state') == PENDING and data.get('role') in TEAM_ROLES:
        return data['role']
    return None


def read_pending_team_roles(client: GitHubClient, ref: TeamRef, current: dict[str, Entry]) -> dict[str, Entry]:
    """Fill in the team role of each pending invitee of ``current`` (``{key: Entry}`` of team
    ``ref``) whose role is unknown, with :func:`pending_team_role`."""
    for key, entry in list(current.items()):
        if entry.state == PENDING and entry.role is None:
            role = pending_team_role(client, ref, entry.login)
            if role is not None:
                current[key] = entry.copy(role=role)
    return current


def impossible_additions(client: GitHubClient, changes: Iterable[Change]) -> list[dict[str, str]]:
    """``[{login, problem}]`` for the planned additions GitHub would refuse, found with one
    ``GET /users/{login}`` each (and none when nothing is added): a login no user has (404), or an
    organization (GitHub answers that route for organizations too, with ``type: Organization``;
    see the ``type`` of "Get a user", docs.github.com/en/rest/users/users#get-a-user)."""
    problems = []
    for change in changes:
        if change.action != ADD:
            continue
        data = client.get_or_none(user_path(change.login))
        if data is None:
            problems.append({'login': change.login, 'problem': 'no GitHub user has the login %s' % change.login})
        elif data.get('type') == 'Organization':
            problems.append({'login': change.login, 'problem': '%s is an organization, not a user' % change.login})
    return problems


# Check mode asks this many org memberships one by one; for more additions one read of the org's
# member list is cheaper than a GET per user.
PER_USER_LOOKUPS = 3


def states_after_adding(client: GitHubClient, org: str, logins: Sequence[str]) -> dict[str, str]:
    """``{lower login: 'active' | 'pending'}``: what adding each login to a team of ``org`` makes
    of them (an org member joins at once, anyone else is invited). A GET per login for a few
    logins, else the org's member lists."""
    if client.is_ghes or len(logins) <= PER_USER_LOOKUPS:
        return dict((login.lower(), state_after_adding(client, org, login)) for login in logins)
    members = read_members(client, OrgRef(org), ORG_ROLES)
    return dict((login.lower(), ACTIVE if login.lower() in members else PENDING) for login in logins)


def membership_writer(client: GitHubClient, path_for: Callable[[str], str]) -> Callable[[Change], str | None]:
    """A ``write(change)`` for :func:`._plan.execute`: one PUT or DELETE on ``path_for(login)``,
    returning the state GitHub answered."""
    def write(change):
        role = None if change.action == REMOVE else change.role
        data = write_membership(client, path_for(change.login), role, adding=change.action == ADD)
        return (data or {}).get('state')
    return write


def write_membership(client: GitHubClient, path: str, role: str | None = None, adding: bool = False) -> dict[str, Any] | None:
    """``PUT {"role": role}`` on an org or team membership ``path``, or ``DELETE`` when ``role`` is
    ``None``; returns the membership body GitHub answered (``None`` for a removal).

    If the write fails in transit, one read tells whether it landed anyway, so the same change is
    never sent twice: a removal landed when the membership is gone, an addition when it exists (an
    org owner added to a team reads back as maintainer, whatever role was asked), a role change
    when the role reads back.
    """
    if role is None:
        # 404: someone else removed them meanwhile; the membership is gone, which is what was asked.
        client.request('DELETE', path, expected=(204, 404), verify=lambda: {} if client.get_or_none(path) is None else None)
        return None

    def landed():
        data = client.get_or_none(path)
        return data if data is not None and (adding or data.get('role') == role) else None

    return client.request('PUT', path, json={'role': role}, expected=(200,), verify=landed).data


class OrgWriter(object):
    """The ``write(Write)`` of :func:`org_writer`; ``cleared`` is the key whose failed invitation
    record the last write deleted first (a write made even when the invitation then fails), else ``None``."""

    def __init__(self, write: Callable[[Write], Any]) -> None:
        self._write = write
        self.cleared: str | None = None

    def __call__(self, item: Write) -> Any:
        self.cleared = None
        return self._write(item)


def org_writer(client: GitHubClient, org: str, own: str | None, state: OrgState) -> OrgWriter:
    """A ``write(Write)`` for :func:`._org_predict.execute`: each write of a whole-org plan, on a copy
    of its :class:`._org_state.OrgState` ``state`` (invitation and team ids learnt on the way).
    ``own`` is the token's user (for the public membership)."""
    ref = OrgRef(org)
    invitations = ref.invitations_path

    def invitation_of(address):
        for inv in client.paginate(invitations):
            if (inv.get('email') or '').lower() == address.lower():
                return inv
        return None

    def invite(address, role):
        # POST /orgs/{org}/invitations with an e-mail address answers 201 with the invitation
        # (GitHub's REST reference, "Create an organization invitation").
        body = {'email': address, 'role': 'admin' if role == 'admin' else 'direct_member'}
        data = client.request('POST', invitations, json=body, expected=(201,),
                              verify=lambda: invitation_of(address)).data or {}
        if data.get('id') is not None:
            state.invitation_ids[address.lower()] = data['id']
        return 'pending'

    def clear_failed(key):
        # A failed invitation blocks a new one: delete its record first, as Peribolos does since
        # kubernetes-sigs/prow #712 (DELETE /orgs/{org}/invitations/{invitation_id} deletes a
        # failed invitation too; 404: already gone).
        for record in state.failed_records.pop(key, []):
            path = ref.invitation_path(record['id'])
            if client.request('DELETE', path, expected=(204, 404)).status == 204:
                # Made, whatever the invitation's answer: the caller reports it if that fails.
                writer.cleared = key

    def cancel(address):
        iid = state.invitation_ids.get(address.lower())
        if iid is None:
            inv = invitation_of(address)
            if inv is None:
                return None
            iid = inv['id']
        # DELETE /orgs/{org}/invitations/{invitation_id} answers 204 (same reference, "Cancel an
        # organization invitation").
        client.request('DELETE', ref.invitation_path(iid), expected=(204,),
                       verify=lambda: {} if invitation_of(address) is None else None)
        state.invitation_ids.pop(address.lower(), None)
        return None

    team_ids = dict((k, t.team_id) for k, t in state.teams.items() if t.team_id is not None)

    def team_body(settings):
        body = {}
        for key in ('name', 'description', 'privacy', 'notification_setting'):
            if key in settings:
                body[key] = settings[key]
        if 'parent' in settings:
            parent = settings['parent']
            body['parent_team_id'] = team_ids[parent.lower()] if parent else None
        return body

    def define(item):
        change = item.change
        if change.action == 'delete':
            path = ref.team(item.team).base
            # DELETE /orgs/{org}/teams/{team_slug} answers 204 ("Delete a team"); its child teams go too.
            client.request('DELETE', path, expected=(204,), verify=lambda: {} if client.get_or_none(path) is None else None)
            return None
        if change.action == 'create':
            path = ref.team(change.slug).base
            # POST /orgs/{org}/teams answers 201 with the team (GitHub's REST reference, "Create a team").
            data = client.request('POST', ref.teams_path, json=team_body(change.settings), expected=(201,),
                                  verify=lambda: client.get_or_none(path)).data or {}
            parent = change.settings.get('parent')
            shown = (data.get('parent') or {}) if isinstance(data.get('parent'), dict) else {}
            if parent and 'parent' in data and (shown.get('slug') or '').lower() != parent.lower():
                # A child team a GitHub App creates lands at the root, pending approval, and the
                # answer says so (parent null; integrations/terraform-provider-github#1167, fixed
                # there by #1449 the same way): set the parent with PATCH rather than assume it.
                fixed = ref.team(data.get('slug') or change.slug).base
                data = client.request('PATCH', fixed, json=team_body({'parent': parent}), expected=(200, 201)).data or data
        else:
            # PATCH /orgs/{org}/teams/{team_slug} answers 200 or 201 with the team ("Update a team");
            # a new name gives the team a new slug.
            path = ref.team(item.team).base
            data = client.request('PATCH', path, json=team_body(change.settings), expected=(200, 201)).data or {}
        if data.get('id') is not None:
            team_ids[(data.get('slug') or change.slug).lower()] = data['id']
        return data

    def write(item):
        change = item.change
        if item.scope == TEAM_SETTINGS:
            return define(item)
        if (change.action == ADD and item.scope in (ORG, TEAM) and change.key in state.failed_records
                and (item.scope == ORG or change.key not in state.members)):
            clear_failed(change.key)
        if item.scope == ORG and change.login and '@' in change.login:
            if change.action == ADD:
                return invite(change.login, change.role)
            cancel(change.login)
            if change.action == REMOVE:
                return None
            return invite(change.login, change.role)  # an invitation's role cannot be changed: send it anew
        if item.scope == PUBLIC:
            if own is None:
                raise ValueError('the public membership is the token owner\'s: it needs their login')
            set_public(client, org, own, change.action == ADD)
            return None
        if item.scope == ORG:
            path = ref.membership_path(change.login)
        else:
            path = ref.team(item.team).membership_path(change.login)
        role = None if change.action == REMOVE else change.role
        data = write_membership(client, path, role, adding=change.action == ADD)
        return (data or {}).get('state')
    writer = OrgWriter(write)
    return writer
