# -*- coding: utf-8 -*-
# Copyright (c) gitops.github contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The bulk reader: the whole membership of one organization in as few requests as GitHub allows,
as an :class:`._org_state.OrgState`.

- REST, 100 a page: the org's owners and members (``GET /orgs/{org}/members?role=admin|member``),
  its pending invitations and failed invitations (github.com only; GHES has no invitations API),
  and, only when an invitation carries teams, ``GET /orgs/{org}/teams/{team}/invitations`` of the
  listed teams whose plan depends on it (exclusive ones, and ones listing a pending invitee).
- GraphQL: every team with its parent and its *immediate* members and their roles
  (``members(membership: IMMEDIATE)``, each edge's ``role``), :data:`TEAMS_PER_QUERY` teams a query;
  a team with more than 100 immediate members is paged on in batched follow-up queries (aliases),
  each team from its own cursor. REST cannot tell a direct member who is also in a child team from
  a member only through the child; this can. Every connection is paged under
  :class:`._graphql.Pages`: a cursor given twice, or more pages than its ``totalCount`` fills,
  fails the read.

Every read a plan depends on must be complete and well-formed: a missing field, an unknown role or
a count that does not add up raises :class:`ReadError` before anything is planned.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Container, Iterable, Mapping, TypeVar

from ansible_collections.gitops.github.plugins.module_utils._github_forms import ENTERPRISE_TEAM_TYPE
from ansible_collections.gitops.github.plugins.module_utils._graphql import RATE_LIMIT_FIELDS, GraphQL, Pages
from ansible_collections.gitops.github.plugins.module_utils._http import GitHubError
from ansible_collections.gitops.github.plugins.module_utils._plan import (
    ACTIVE,
    ORG_ROLES,
    PENDING,
    Entry,
    add_invitations,
    invitation_role,
    mark_inherited,
    merge_lists,
)
from ansible_collections.gitops.github.plugins.module_utils._org_state import OrgState, TeamState
from ansible_collections.gitops.github.plugins.module_utils._resources import OrgRef, is_public, pending_team_role, read_invitations

if TYPE_CHECKING:
    from ansible_collections.gitops.github.plugins.module_utils._http import GitHubClient

    # What the plan reads of each listed team: (slug, exclusive, wanted lower logins).
    RosterTeams = Iterable[tuple[str, bool, Iterable[str]]]

# _need returns the value it checked, as the kind it checked it for.
_Kind = TypeVar('_Kind')

TEAMS_PER_QUERY = 50
MEMBERS_PER_PAGE = 100
FOLLOW_UPS_PER_QUERY = 20

_MEMBER_FIELDS = '''totalCount
        pageInfo { hasNextPage endCursor }
        edges { role node { login } }'''

TEAMS_QUERY = '''query($org: String!, $teams: Int!, $after: String) {
  organization(login: $org) {
    teams(first: $teams, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes {
        databaseId
        slug
        name
        description
        privacy
        parentTeam { slug }
        members(first: %d, membership: IMMEDIATE) {
        %s
        }
      }
    }
  }
  %s
}''' % (MEMBERS_PER_PAGE, _MEMBER_FIELDS, RATE_LIMIT_FIELDS)

_ROLES = {'MAINTAINER': 'maintainer', 'MEMBER': 'member'}
_PRIVACY = {'VISIBLE': 'closed', 'SECRET': 'secret'}


class ReadError(GitHubError):
    """A read that is incomplete or malformed: nothing may be planned on it."""

    def __init__(self, what: str, message: str) -> None:
        super().__init__('READ', what, None, message)

    def describe(self) -> str:
        return self.message


def follow_up_query(count: int) -> str:
    """A query that pages on the immediate members of ``count`` teams, one alias each."""
    params = ['$org: String!'] + ['$s%d: String!, $c%d: String' % (i, i) for i in range(count)]
    parts = []
    for i in range(count):
        parts.append('t%d: team(slug: $s%d) {\n      members(first: %d, after: $c%d, membership: IMMEDIATE) {\n        %s\n      }\n    }'
                     % (i, i, MEMBERS_PER_PAGE, i, _MEMBER_FIELDS))
    return 'query(%s) {\n  organization(login: $org) {\n    %s\n  }\n  %s\n}' % (
        ', '.join(params), '\n    '.join(parts), RATE_LIMIT_FIELDS)


def _need(value: Any, kind: type[_Kind], what: str) -> _Kind:
    if not isinstance(value, kind) or (kind is str and not value):
        raise ReadError(what, 'the GraphQL answer is incomplete: %s is missing or malformed' % what)
    return value


def _members_page(conn: Any, where: str, members: dict[str, Entry]) -> tuple[bool, str | None, int]:
    """Add one page of a ``members`` connection to ``members``; returns ``(has_next, end_cursor, total)``."""
    _need(conn, dict, where + '.members')
    for edge in _need(conn.get('edges'), list, where + '.members.edges'):
        _need(edge, dict, where + '.members.edges[]')
        role = _ROLES.get(edge.get('role'))
        if role is None:
            raise ReadError(where, 'the GraphQL answer has an unknown team role %r' % (edge.get('role'),))
        node = _need(edge.get('node'), dict, where + '.members.edges[].node')
        login = _need(node.get('login'), str, where + '.members.edges[].node.login')
        members[login.lower()] = Entry(login, role, ACTIVE)
    info = _need(conn.get('pageInfo'), dict, where + '.members.pageInfo')
    total = _need(conn.get('totalCount'), int, where + '.members.totalCount')
    has_next = _need(info.get('hasNextPage'), bool, where + '.members.pageInfo.hasNextPage')
    cursor = info.get('endCursor')
    if has_next:
        _need(cursor, str, where + '.members.pageInfo.endCursor')
    return has_next, cursor, total


def _organization(data: Mapping[str, Any], org: str) -> Mapping[str, Any]:
    organization = data.get('organization')
    if organization is None:
        raise ReadError('organization', 'organization %s was not found, or the token cannot see it' % org)
    return organization


def _team_of_node(node: Any) -> tuple[TeamState, bool, Any, int]:
    """``(team, has_next, cursor, count)`` of one team node: the team with its first page of
    immediate members, and where its members connection goes on."""
    _need(node, dict, 'organization.teams.nodes[]')
    slug = _need(node.get('slug'), str, 'team.slug')
    where = 'team %s' % slug
    members: dict[str, Entry] = {}
    has_next, cursor, count = _members_page(node.get('members'), where, members)
    parent = node.get('parentTeam')
    if parent is not None:
        # A parent is null (a root team) or names its slug: anything else could make a child
        # look like a root team, and a deletion of its real parent would then take it along.
        parent = _need(_need(parent, dict, where + '.parentTeam').get('slug'), str, where + '.parentTeam.slug')
    team = TeamState(slug, node.get('databaseId'), parent, node.get('name'),
                     node.get('description'), _PRIVACY.get(node.get('privacy')), members)
    if not has_next and len(members) != count:
        raise ReadError(where, 'the GraphQL answer lists %d of %d immediate members' % (len(members), count))
    return team, has_next, cursor, count


def follow_up_team_pages(gql: GraphQL, org: str, todo: list[tuple[str, str, int]], query_for: Callable[[int], str],
                         read_page: Callable[[Any, str, str], tuple[bool, Any, int, int]], pages_of: dict[str, Pages],
                         where_of: Callable[[str], str], changed: str, listed: str) -> None:
    """Pages on a connection of many teams at once (``todo``: ``[(slug, cursor, total)]``), one
    alias ``t<i>`` a team in the query ``query_for(count)``. ``read_page(node, where, slug)`` adds
    one page and gives ``(has_next, cursor, count, listed so far)``. A team gone, a count that
    moves, a repeated cursor or a short list fails the read (``changed``/``listed`` name what)."""
    while todo:
        batch, todo = todo[:FOLLOW_UPS_PER_QUERY], todo[FOLLOW_UPS_PER_QUERY:]
        variables = {'org': org}
        for i, (slug, after, _total) in enumerate(batch):
            variables['s%d' % i] = slug
            variables['c%d' % i] = after
        organization = _organization(gql.query(query_for(len(batch)), variables), org)
        for i, (slug, _cursor, total) in enumerate(batch):
            node = organization.get('t%d' % i)
            where = where_of(slug)
            if node is None:
                raise ReadError(where, 'team %s disappeared while it was read; run again' % slug)
            has_next, cursor, count, have = read_page(node, where, slug)
            if count != total:
                raise ReadError(where, 'the %s of team %s changed while they were read; run again' % (changed, slug))
            if has_next:
                todo.append((slug, pages_of[slug.lower()].next(cursor, count), total))
            elif have != total:
                raise ReadError(where, 'the GraphQL answer lists %d of %d %s' % (have, total, listed))


def read_teams(gql: GraphQL, org: str) -> dict[str, TeamState]:
    """``{lower slug: TeamState}`` of every team the token can see, immediate members only."""
    teams = {}
    todo = []  # (slug, cursor, total) of teams with more members to page
    member_pages = {}  # lower slug -> Pages of its members connection
    after = None
    expected = None
    pages = Pages(gql.path, 'the teams of %s' % org, TEAMS_PER_QUERY)
    while True:
        organization = _organization(gql.query(TEAMS_QUERY, {'org': org, 'teams': TEAMS_PER_QUERY, 'after': after}), org)
        conn = _need(organization.get('teams'), dict, 'organization.teams')
        total = _need(conn.get('totalCount'), int, 'organization.teams.totalCount')
        expected = total if expected is None else expected
        for node in _need(conn.get('nodes'), list, 'organization.teams.nodes'):
            team, has_next, cursor, count = _team_of_node(node)
            teams[team.key] = team
            if has_next:
                member_pages[team.key] = Pages(gql.path, 'the immediate members of team %s' % team.slug, MEMBERS_PER_PAGE)
                todo.append((team.slug, member_pages[team.key].next(cursor, count), count))
        info = _need(conn.get('pageInfo'), dict, 'organization.teams.pageInfo')
        if not _need(info.get('hasNextPage'), bool, 'organization.teams.pageInfo.hasNextPage'):
            break
        after = pages.next(_need(info.get('endCursor'), str, 'organization.teams.pageInfo.endCursor'), total)
    if len(teams) != expected:
        raise ReadError('organization.teams', 'the teams changed while they were read (%d of %d); run again'
                        % (len(teams), expected))

    def members_page(node: Any, where: str, slug: str) -> tuple[bool, Any, int, int]:
        members = teams[slug.lower()].members
        return _members_page(node.get('members'), where, members) + (len(members),)

    follow_up_team_pages(gql, org, todo, follow_up_query, members_page, member_pages, lambda slug: 'team %s' % slug,
                         'members', 'immediate members')
    return teams


def _teams_to_check(members: Mapping[str, Entry], invitations: Iterable[Mapping[str, Any]],
                    roster_teams: RosterTeams | None) -> list[str] | None:
    """The slugs of the listed teams whose pending invitations the plan depends on: none when no
    invitation carries a team; else the exclusive teams (their unlisted invitations are cancelled)
    and the teams that list someone whose organization invitation is pending."""
    if not any(inv.get('team_count') for inv in invitations):
        return []
    if roster_teams is None:
        return None  # every team
    pending = set(k for k, e in members.items() if e.state == PENDING)
    return [slug for slug, exclusive, wanted in roster_teams or () if exclusive or pending.intersection(wanted)]


def _add_team_invitations(client: GitHubClient, org: str, teams: dict[str, TeamState], slugs: Iterable[str] | None) -> None:
    """Pending team entries from ``GET /orgs/{org}/teams/{team}/invitations``. GitHub's invitation
    objects do not say the team role, so one membership read per invitee asks it."""
    for slug in (sorted(teams) if slugs is None else slugs):
        team = teams.get(slug.lower())
        if team is None:
            continue
        ref = OrgRef(org).team(team.slug)
        for inv in read_invitations(client, ref.invitations_path):
            login = inv.get('login')
            if login and login.lower() not in team.members:
                team.members[login.lower()] = Entry(login, pending_team_role(client, ref, login), PENDING)


def read_immediate_members(gql: GraphQL, org: str, slug: str) -> dict[str, Entry]:
    """``{lower login: Entry}`` of the *immediate* members of team ``slug`` (GraphQL
    ``members(membership: IMMEDIATE)``, every page): REST lists a team's members through its child
    teams too and cannot tell a direct member who is also in a child team from one who is only
    there, so whoever must know (an exclusive list, a removal) asks this."""
    where = 'team %s' % slug
    members: dict[str, Entry] = {}
    cursor = None
    total = None
    pages = Pages(gql.path, 'the immediate members of team %s' % slug, MEMBERS_PER_PAGE)
    while True:
        data = gql.query(follow_up_query(1), {'org': org, 's0': slug, 'c0': cursor})
        organization = data.get('organization')
        if organization is None:
            raise ReadError('organization', 'organization %s was not found, or the token cannot see it' % org)
        node = organization.get('t0')
        if node is None:
            raise ReadError(where, 'team %s was not found through GraphQL, or the token cannot see it' % slug)
        has_next, cursor, count = _members_page(node.get('members'), where, members)
        if total is not None and count != total:
            raise ReadError(where, 'the members of team %s changed while they were read; run again' % slug)
        total = count
        if not has_next:
            break
        pages.next(cursor, count)
    if len(members) != total:
        raise ReadError(where, 'the GraphQL answer lists %d of %d immediate members' % (len(members), total))
    return members


def mark_not_immediate(current: dict[str, Entry], immediate: Container[str]) -> dict[str, Entry]:
    """Mark as inherited the active members of ``current`` (a team's REST list) that are not in
    ``immediate`` (:func:`read_immediate_members`): they are there only through a child team."""
    return mark_inherited(current, [e.login for k, e in current.items() if e.state == ACTIVE and k not in immediate])


def mark_enterprise_teams(client: GitHubClient, org: str, teams: dict[str, TeamState]) -> None:
    """Mark the enterprise teams of ``teams`` (``{lower slug: TeamState}``): GitHub lists them in
    ``GET /orgs/{org}/teams`` with ``type: enterprise`` (the ``team_type`` filter and the ``type``
    field of its OpenAPI description; kubernetes-sigs/prow#710 skips them the same way), and
    refuses to change them through the organization API. One request (a page per 100 enterprise
    teams); not on GHES, whose API has no such filter. An enterprise team the GraphQL read did
    not list is added, with its members read over REST (two lists, by role): GitHub grants them
    the organization membership (see :func:`._plan_org.enterprise_granted`)."""
    if client.is_ghes:
        return
    ref = OrgRef(org)
    for item in client.paginate(ref.teams_path, {'team_type': 'enterprise'}):
        if not isinstance(item, dict) or item.get('type') != ENTERPRISE_TEAM_TYPE:
            continue  # a server that ignores the filter lists every team: only the type decides
        slug = _need(item.get('slug'), str, 'team.slug')
        team = teams.get(slug.lower())
        if team is None:
            parent = item.get('parent') if isinstance(item.get('parent'), dict) else {}
            team = TeamState(slug, item.get('id'), parent.get('slug'), item.get('name'), item.get('description'),  # type: ignore[union-attr]
                             item.get('privacy'))
            teams[slug.lower()] = team
            for role in ('maintainer', 'member'):
                for user in client.paginate(ref.team(slug).base + '/members', {'role': role}):
                    login = _need(user.get('login'), str, 'team member login')
                    team.members.setdefault(login.lower(), Entry(login, role, ACTIVE))
        team.enterprise = True


def _index_invitations(members: dict[str, Entry],
                       invitations: Iterable[Mapping[str, Any]]) -> tuple[dict[str, int], dict[str, str]]:
    """``(invitation ids, e-mail addresses)`` by lower key; an invitation sent to an address is
    added to ``members`` under the address (logins have no @)."""
    invitation_ids = {}
    emails = {}
    for inv in invitations:
        login, email = inv.get('login'), inv.get('email')
        if not login and email:
            members.setdefault(email.lower(), Entry(email, invitation_role(inv.get('role')), PENDING))
        key = (login or email or '').lower()
        if key and inv.get('id') is not None:
            invitation_ids[key] = inv['id']
        if email and key:
            emails[email.lower()] = key
    return invitation_ids, emails


def read_org(client: GitHubClient, org: str, own_login: str | None = None, with_public: bool = False,
             gql: GraphQL | None = None, roster_teams: RosterTeams | None = None) -> OrgState:
    """The :class:`OrgState` of ``org``. ``own_login`` with ``with_public`` also reads whether the
    token owner's membership is public (``GET /orgs/{org}/public_members/{login}``: 204 or 404).
    ``roster_teams`` is ``[(slug, exclusive, wanted lower logins)]`` of the teams to be planned:
    their pending invitations are read only where the plan depends on them; ``None`` reads those
    of every team (for an export), when any invitation carries teams."""
    gql = gql or GraphQL(client)
    ref = OrgRef(org)
    ids: dict[int, str] = {}
    members = _read_org_members(client, ref, ids)
    invitations = []
    failed = []
    failed_invitations = []
    invitation_ids: dict[str, int] = {}
    emails: dict[str, str] = {}
    if not client.is_ghes:
        invitations = read_invitations(client, ref.invitations_path)
        add_invitations(members, invitations)
        invitation_ids, emails = _index_invitations(members, invitations)
        failed_invitations = list(client.paginate(ref.failed_invitations_path))
        failed = [inv.get('login') or inv.get('email') for inv in failed_invitations]
    teams = read_teams(gql, org)
    mark_enterprise_teams(client, org, teams)
    _add_team_invitations(client, org, teams, _teams_to_check(members, invitations, roster_teams))
    public = is_public(client, org, own_login) if with_public and own_login else None
    state = OrgState(org, members, teams, public=public, ghes=client.is_ghes, failed=[f for f in failed if f], ids=ids,
                     invitation_ids=invitation_ids, emails=emails)
    if not client.is_ghes:
        _add_failed_records(state, invitations, failed_invitations)
    return state


def _add_failed_records(state: OrgState, invitations: Iterable[Mapping[str, Any]],
                        failed_invitations: Iterable[Mapping[str, Any]]) -> None:
    """Each failed invitation's ``id``, ``failed_reason`` and ``failed_at`` by the invitee's key
    (the plan re-sends only what a retry can fix, deleting the record first), and the
    ``created_at`` of every pending and failed invitation (GitHub's invitation limit counts the
    last 24 hours)."""
    for inv in failed_invitations:
        key = (inv.get('login') or inv.get('email') or '').lower()
        if key and inv.get('id') is not None:
            state.failed_records.setdefault(key, []).append(
                {'id': inv['id'], 'reason': inv.get('failed_reason'), 'failed_at': inv.get('failed_at')})
    state.sent = [inv.get('created_at') for inv in list(invitations) + list(failed_invitations)  # type: ignore[misc]
                  if isinstance(inv.get('created_at'), str)]


def _read_org_members(client: GitHubClient, ref: OrgRef, ids: dict[int, str]) -> dict[str, Entry]:
    """``{lower login: Entry}`` of the active owners (first) and members, and each one's
    immutable user ``id`` into ``ids`` (``{id: login}``): the list objects carry it."""
    lists = []
    for role in ORG_ROLES:
        logins = []
        for user in client.paginate(ref.members_path, {'role': role}):
            login = _need(user.get('login'), str, 'organization member login')
            uid = user.get('id')
            if isinstance(uid, int) and not isinstance(uid, bool):
                ids.setdefault(uid, login)
            logins.append(login)
        lists.append((role, ACTIVE, logins))
    return merge_lists(*lists)
