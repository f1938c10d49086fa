"""The GraphQL subset of GitHub's API that the collection's bulk reader uses, with GitHub's semantics.

Queries are parsed, validated and executed by ``graphql-core`` against GitHub's published schema
(``data/github-schema.graphql.gz``, gzipped, from the npm package ``@octokit/graphql-schema``, MIT; see
``data/README.md``), so an answer can only have the schema's shape. Resolved here:

- ``viewer`` (the token's user: ``login``, ``name``, ``email``, ``databaseId``, ``id``, ``url``,
  ``isSiteAdmin``, as for every ``User``);
- ``organization(login:)`` (``null`` plus a ``NOT_FOUND`` error when there is none or the caller
  cannot see it), its ``login``, ``name``, ``databaseId``, ``id``, ``teams(first/after, ...)``,
  ``team(slug:)``, ``membersWithRole`` (edges with ``role`` and ``hasTwoFactorEnabled``) and
  ``pendingMembers``;
- ``Team``: ``slug``, ``name``, ``description``, ``privacy`` (``VISIBLE``/``SECRET``),
  ``databaseId``, ``id``, ``parentTeam``, ``organization``, ``childTeams(first/after,
  immediateOnly:, userLogins:)`` and ``members(first/after, membership:, role:)`` where
  ``IMMEDIATE`` is the direct members, ``CHILD_TEAM`` those only through child teams and ``ALL``
  both, each edge with its ``role`` (organization owners read as ``MAINTAINER``, as REST shows them),
  and ``repositories(first/after)``, each ``TeamRepositoryEdge`` with the team's ``permission``
  (the team's own grants, as REST's "List team repositories"; a custom repository role reads as
  its base role, the enum having no other values);
- ``Organization.repositories(first/after, privacy:, isArchived:, isFork:)`` (the repositories the
  caller can see, by id) and ``Repository``: ``name``, ``nameWithOwner``, ``databaseId``, ``id``,
  ``isPrivate``, ``isArchived``, ``isFork``, ``visibility``, ``viewerPermission`` and
  ``collaborators(first/after, affiliation: OUTSIDE|DIRECT|ALL)`` with the edge's ``permission``
  (``null`` for a caller without push access, as REST refuses them);
- ``rateLimit`` (``cost``, ``limit``, ``nodeCount``, ``remaining``, ``resetAt``, ``used``).

Costs follow GitHub's documented formula ("Rate limits and query limits for the GraphQL API"):
add up the requests each connection needs assuming every ``first``/``last`` is reached, divide by
100 and round, at least 1; a query over 500,000 nodes is refused. Connections need ``first`` or
``last`` (at most 100). Any other field of the schema answers the error ``not simulated:
<Type>.<field>`` (and ``null`` there, as GraphQL does for a field that failed), so a client never
takes a made-up ``null`` for GitHub's answer, nor meets "Cannot return null for non-nullable field".
"""

from __future__ import annotations

import base64
import functools
import os
from datetime import datetime, timezone
from typing import Any

from .state import PERMISSION_OF_ROLE, REPO_PERMISSIONS, Org, Repo, State, Team, User, node_id

_ENUM_OF = {"pull": "READ", "triage": "TRIAGE", "push": "WRITE", "maintain": "MAINTAIN", "admin": "ADMIN"}


def _permission_enum(state: State, org: Org, perm: str | None) -> str | None:
    """GraphQL's RepositoryPermission of a REST permission; a custom role reads as its base role."""
    if not perm:
        return None
    if perm in REPO_PERMISSIONS:
        return _ENUM_OF[perm]
    custom = org.custom_repo_role(perm)
    return _ENUM_OF[PERMISSION_OF_ROLE[custom.base_role]] if custom else None


SCHEMA_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "github-schema.graphql.gz")
NODE_LIMIT = 500_000
MAX_PAGE = 100
GRAPHQL_LIMIT = 5000


class GraphQLUnavailable(RuntimeError):
    """graphql-core is not installed."""


@functools.lru_cache(maxsize=1)
def schema() -> Any:
    """GitHub's schema, built once per process.

    GitHub's published SDL breaks two of the GraphQL specification's schema rules (a few fields are
    defined twice on ``EnterpriseOwnerInfo``, and some deprecated implementations of non-deprecated
    interface fields); neither touches the types used here, so the SDL checks are skipped and the
    schema is marked valid, which lets ``validate`` and ``execute`` use it.
    """
    try:
        import graphql
    except ImportError as exc:  # pragma: no cover - the simulator's requirements include it
        raise GraphQLUnavailable("graphql-core is needed for the GraphQL endpoint: %s" % exc) from None
    import gzip
    with gzip.open(SCHEMA_PATH, "rt", encoding="utf-8") as handle:
        built = graphql.build_ast_schema(graphql.parse(handle.read()), assume_valid_sdl=True)
    built._validation_errors = []  # see the docstring
    return built


def _cursor(index: int) -> str:
    return base64.b64encode(b"cursor:v2:%d" % index).decode()


def _index(cursor: str | None) -> int:
    if cursor is None:
        return -1
    try:
        raw = base64.b64decode(cursor.encode(), validate=True).decode()
        if raw.startswith("cursor:v2:"):
            return int(raw[len("cursor:v2:"):])
    except (ValueError, UnicodeDecodeError):
        pass
    raise _Problem("`%s` does not appear to be a valid cursor." % cursor, "INVALID_CURSOR_ARGUMENTS")


class _Problem(Exception):
    def __init__(self, message: str, kind: str | None = None) -> None:
        super().__init__(message)
        self.kind = kind


def _connection(items: list, first: int | None, after: str | None, last: int | None, name: str,
                edge: Any) -> dict:
    if first is None and last is None:
        raise _Problem("You must provide a `first` or `last` value to properly paginate the `%s` connection." % name,
                       "MISSING_PAGINATION_BOUNDARIES")
    for which, value in (("first", first), ("last", last)):
        if value is not None and (value < 0 or value > MAX_PAGE):
            raise _Problem("Requesting %d records on the `%s` connection exceeds the `%s` limit of %d records."
                           % (value, name, which, MAX_PAGE), "EXCESSIVE_PAGINATION")
    start = _index(after) + 1
    chunk = items[start:]
    if first is not None:
        chunk = chunk[:first]
    if last is not None:
        chunk = chunk[-last:] if last else []
    offset = start + (len(items[start:]) - len(chunk) if last is not None and first is None else 0)
    edges = [edge(item, _cursor(offset + i)) for i, item in enumerate(chunk)]
    return {
        "edges": edges,
        "nodes": [e["node"] for e in edges],
        "totalCount": len(items),
        "pageInfo": {
            "hasNextPage": offset + len(chunk) < len(items),
            "hasPreviousPage": offset > 0,
            "startCursor": edges[0]["cursor"] if edges else None,
            "endCursor": edges[-1]["cursor"] if edges else None,
        },
    }


class _Resolver:
    """Objects for graphql-core's executor: attributes are fields, methods take the arguments."""

    def __init__(self, ctx: _Context) -> None:
        self.ctx = ctx


class _UserNode(_Resolver):
    def __init__(self, ctx: _Context, user: User) -> None:
        super().__init__(ctx)
        self.login = user.login
        self.databaseId = user.id
        self.id = node_id("User", user.id)
        self.name = user.name
        self.email = user.email or ""  # User.email is non-null: "" when the user shows none, as on GitHub
        self.isSiteAdmin = bool(user.site_admin)
        root = ctx.root_url or "https://github.com"
        self.url = "%s/%s" % (root, user.login)


class _TeamNode(_Resolver):
    def __init__(self, ctx: _Context, team: Team) -> None:
        super().__init__(ctx)
        self.team = team
        self.slug = team.slug
        self.name = team.name
        self.description = team.description
        self.privacy = "SECRET" if team.privacy == "secret" else "VISIBLE"
        self.databaseId = team.id
        self.id = node_id("Team", team.id)

    def parentTeam(self, info: Any) -> _TeamNode | None:
        s = self.ctx.state
        return _TeamNode(self.ctx, s.teams_by_id[self.team.parent_id]) if self.team.parent_id else None

    def organization(self, info: Any) -> _OrgNode:
        return _OrgNode(self.ctx, self.ctx.state.orgs[self.team.org_key])

    def childTeams(self, info: Any, first: int | None = None, after: str | None = None, last: int | None = None,
                   before: str | None = None, immediateOnly: bool = True, orderBy: Any = None,
                   userLogins: list | None = None) -> dict:
        """The team's children (``immediateOnly: false``: all descendants) the viewer may see, by id."""
        from .api import _team_visible
        s, caller = self.ctx.state, self.ctx.caller
        org = s.orgs[self.team.org_key]
        if orderBy is not None:
            raise _NotSimulated("Team.childTeams(orderBy:)")
        teams = s.children(self.team) if immediateOnly else sorted(s.descendants(self.team), key=lambda t: t.id)
        teams = [t for t in teams if _team_visible(s, org, t, caller.key)]
        if userLogins is not None:
            wanted = {login.lower() for login in userLogins}
            teams = [t for t in teams if wanted & {s.login_of(k).lower() for k in t.members}]
        return _connection(teams, first, after, last, "childTeams",
                           lambda t, c: {"cursor": c, "node": _TeamNode(self.ctx, t)})

    def members(self, info: Any, first: int | None = None, after: str | None = None, last: int | None = None,
                before: str | None = None, membership: str = "ALL", role: str | None = None, **_other: Any) -> dict:
        s = self.ctx.state
        org = s.orgs[self.team.org_key]
        shown = s.effective_team_members(self.team)  # key -> (role as REST shows it, inherited)
        keys = []
        for key, (shown_role, inherited) in shown.items():
            if membership == "IMMEDIATE" and inherited:
                continue
            if membership == "CHILD_TEAM" and not inherited:
                continue
            if role is not None and shown_role.upper() != role:
                continue
            keys.append(key)
        del org

        def edge(key: str, cursor: str) -> dict:
            return {"cursor": cursor, "role": shown[key][0].upper(), "node": _UserNode(self.ctx, s.users[key]),
                    "memberAccessResourcePath": None, "memberAccessUrl": None}

        return _connection(keys, first, after, last, "members", edge)

    def repositories(self, info: Any, first: int | None = None, after: str | None = None, last: int | None = None,
                     before: str | None = None, orderBy: Any = None, query: str | None = None) -> dict:
        if orderBy is not None or query is not None:
            raise _NotSimulated("Team.repositories(orderBy:, query:)")
        s = self.ctx.state
        org = s.orgs[self.team.org_key]
        rows = [(s.repos_by_id[rid], perm) for rid, perm in sorted(self.team.repos.items()) if rid in s.repos_by_id]
        return _connection(rows, first, after, last, "repositories",
                           lambda row, c: {"cursor": c, "node": _RepoNode(self.ctx, row[0]),
                                           "permission": _permission_enum(s, org, row[1])})


class _RepoNode(_Resolver):
    def __init__(self, ctx: _Context, repo: Repo) -> None:
        super().__init__(ctx)
        org = ctx.state.orgs[repo.org_key]
        self.repo = repo
        self.name = repo.name
        self.nameWithOwner = "%s/%s" % (org.login, repo.name)
        self.databaseId = repo.id
        self.id = node_id("Repository", repo.id)
        self.isPrivate = repo.private
        self.isArchived = repo.archived
        self.isFork = repo.fork
        self.visibility = "PRIVATE" if repo.private else "PUBLIC"

    def viewerPermission(self, info: Any) -> str | None:
        s = self.ctx.state
        perm = s.repo_permission(self.repo, self.ctx.caller.key) or (None if self.repo.private else "pull")
        return _permission_enum(s, s.orgs[self.repo.org_key], perm)

    def collaborators(self, info: Any, first: int | None = None, after: str | None = None, last: int | None = None,
                      before: str | None = None, affiliation: str | None = None, login: str | None = None,
                      query: str | None = None) -> dict | None:
        s = self.ctx.state
        org = s.orgs[self.repo.org_key]
        if login is not None or query is not None:
            raise _NotSimulated("Repository.collaborators(login:, query:)")
        if s.permission_rank(org, s.repo_permission(self.repo, self.ctx.caller.key)) < 3:
            return None  # REST: 403 "Must have push access to view repository collaborators."
        affiliation = affiliation or "ALL"
        if affiliation == "ALL":
            rows = [(k, s.repo_permission(self.repo, k)) for k in s.sorted_keys(set(self.repo.collaborators) | set(org.members))]
        else:
            rows = [(k, self.repo.collaborators[k]) for k in s.sorted_keys(self.repo.collaborators)
                    if affiliation == "DIRECT" or k not in org.members]
        rows = [(k, p) for k, p in rows if p]
        return _connection(rows, first, after, last, "collaborators",
                           lambda row, c: {"cursor": c, "node": _UserNode(self.ctx, s.users[row[0]]),
                                           "permission": _permission_enum(s, org, row[1]), "permissionSources": None})


class _OrgNode(_Resolver):
    def __init__(self, ctx: _Context, org: Org) -> None:
        super().__init__(ctx)
        self.org = org
        self.login = org.login
        self.name = org.name
        self.databaseId = org.id
        self.id = node_id("Organization", org.id)

    def _visible(self) -> list[Team]:
        from .api import _team_visible
        s, caller = self.ctx.state, self.ctx.caller
        return [t for t in sorted(self.org.teams.values(), key=lambda t: t.id) if _team_visible(s, self.org, t, caller.key)]

    def teams(self, info: Any, first: int | None = None, after: str | None = None, last: int | None = None,
              before: str | None = None, rootTeamsOnly: bool = False, **_other: Any) -> dict:
        teams = self._visible()
        if rootTeamsOnly:
            teams = [t for t in teams if t.parent_id is None]
        return _connection(teams, first, after, last, "teams",
                           lambda t, c: {"cursor": c, "node": _TeamNode(self.ctx, t)})

    def team(self, info: Any, slug: str) -> _TeamNode | None:
        found = [t for t in self._visible() if t.slug.lower() == slug.lower()]
        return _TeamNode(self.ctx, found[0]) if found else None

    def repositories(self, info: Any, first: int | None = None, after: str | None = None, last: int | None = None,
                     before: str | None = None, privacy: str | None = None, isArchived: bool | None = None,
                     isFork: bool | None = None, **other: Any) -> dict:
        unsupported = sorted(k for k, v in other.items() if v is not None and k != "ownerAffiliations")
        if unsupported:
            raise _NotSimulated("Organization.repositories(%s:)" % ", ".join(unsupported))
        s, caller = self.ctx.state, self.ctx.caller.key
        repos = []
        for r in sorted(self.org.repos.values(), key=lambda r: r.id):
            if r.private and not s.repo_permission(r, caller):
                continue
            if privacy is not None and (privacy == "PRIVATE") != r.private:
                continue
            if (isArchived is not None and r.archived != isArchived) or (isFork is not None and r.fork != isFork):
                continue
            repos.append(r)
        return _connection(repos, first, after, last, "repositories",
                           lambda r, c: {"cursor": c, "node": _RepoNode(self.ctx, r)})

    def membersWithRole(self, info: Any, first: int | None = None, after: str | None = None, last: int | None = None,
                        before: str | None = None) -> dict:
        """Active members ordered by id, each edge with ``role`` (``ADMIN``/``MEMBER``); a caller who
        is not a member sees the public members only (as ``GET /orgs/{org}/members``).
        ``hasTwoFactorEnabled`` is given to owners only (``null`` for others)."""
        s, org, caller = self.ctx.state, self.org, self.ctx.caller.key
        pool = org.members if caller in org.members else {k: r for k, r in org.members.items() if k in org.public}
        keys = s.sorted_keys(pool)
        owner = org.members.get(caller) == "admin"

        def edge(key: str, cursor: str) -> dict:
            return {"cursor": cursor, "role": "ADMIN" if org.members[key] == "admin" else "MEMBER",
                    "hasTwoFactorEnabled": (s.two_factor_of(org, key) != "disabled") if owner else None,
                    "node": _UserNode(self.ctx, s.users[key])}

        return _connection(keys, first, after, last, "membersWithRole", edge)

    def pendingMembers(self, info: Any, first: int | None = None, after: str | None = None, last: int | None = None,
                       before: str | None = None) -> dict:
        """Users with a pending invitation (e-mail invitations have no user), ordered by invitation id;
        empty unless the caller owns the organization (REST lists invitations to owners only)."""
        s, org = self.ctx.state, self.org
        keys = []
        if org.members.get(self.ctx.caller.key) == "admin":
            keys = [inv.login_key for _dummy, inv in sorted(org.invitations.items()) if inv.login_key]
        return _connection(keys, first, after, last, "pendingMembers",
                           lambda k, c: {"cursor": c, "node": _UserNode(self.ctx, s.users[k])})


class _Context:
    def __init__(self, state: State, caller: User, ghes: bool, cost: int, nodes: int, bucket: tuple,
                 root_url: str = "") -> None:
        self.root_url = root_url
        self.state = state
        self.caller = caller
        self.ghes = ghes
        self.cost = cost
        self.nodes = nodes
        self.bucket = bucket  # (limit, remaining, reset, used) after this query
        self.errors: list[dict] = []


class _Query(_Resolver):
    def organization(self, info: Any, login: str) -> _OrgNode | None:
        org = self.ctx.state.org(login)
        if org is None:
            self.ctx.errors.append({
                "type": "NOT_FOUND", "path": [info.path.key],
                "locations": [{"line": n.loc.source.get_location(n.loc.start).line,
                               "column": n.loc.source.get_location(n.loc.start).column} for n in info.field_nodes],
                "message": "Could not resolve to an Organization with the login of '%s'." % login,
            })
            return None
        return _OrgNode(self.ctx, org)

    def viewer(self, info: Any) -> _UserNode:
        return _UserNode(self.ctx, self.ctx.caller)

    def rateLimit(self, info: Any, dryRun: bool = False) -> dict | None:
        if self.ctx.ghes:
            return None  # GHES: rate limiting is off by default
        limit, remaining, reset, used = self.ctx.bucket
        return {"cost": self.ctx.cost, "limit": limit, "nodeCount": self.ctx.nodes, "remaining": remaining,
                "used": used, "resetAt": datetime.fromtimestamp(reset, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}


class _NotSimulated(Exception):
    """A field of GitHub's schema the simulator does not serve: an error, never a made-up ``null``."""

    def __init__(self, what: str) -> None:
        super().__init__("not simulated: %s" % what)


_MISSING = object()


def _field_resolver(source: Any, info: Any, **args: Any) -> Any:
    name = info.field_name
    if isinstance(source, dict):
        value = source.get(name, _MISSING)
    else:
        value = getattr(source, name, _MISSING)
        if name == "ctx" or name.startswith("_"):
            value = _MISSING
    if value is _MISSING:
        raise _NotSimulated("%s.%s" % (info.parent_type.name, name))
    if callable(value):
        return value(info, **args)
    return value


def cost_of(document: Any, variables: dict) -> tuple[int, int]:
    """``(cost, nodes)`` of a parsed query by GitHub's formula (see the module docstring)."""
    from graphql.language import FieldNode, InlineFragmentNode, IntValueNode, OperationDefinitionNode, VariableNode

    def arg(field: Any, name: str) -> int | None:
        for a in field.arguments or ():
            if a.name.value == name:
                if isinstance(a.value, IntValueNode):
                    return int(a.value.value)
                if isinstance(a.value, VariableNode):
                    v = variables.get(a.value.name.value)
                    return int(v) if isinstance(v, int) else None
        return None

    requests = 0
    nodes = 0

    def walk(selection_set: Any, multiplier: int) -> None:
        nonlocal requests, nodes
        for sel in selection_set.selections if selection_set else ():
            if isinstance(sel, InlineFragmentNode):
                walk(sel.selection_set, multiplier)
                continue
            if not isinstance(sel, FieldNode):
                continue
            size = arg(sel, "first") or arg(sel, "last")
            if size is not None:
                requests += multiplier
                nodes += multiplier * size
                walk(sel.selection_set, multiplier * size)
            else:
                walk(sel.selection_set, multiplier)

    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            walk(definition.selection_set, 1)
    return max(1, int(round(requests / 100.0))), nodes


RATE_FORMS = ("RATE_LIMITED", "RATE_LIMIT")


def rate_limited(form: str, caller: User) -> dict:
    """The two recorded forms of a spent GraphQL budget, both in a 200 answer:
    ``RATE_LIMITED`` (github/docs#22607) and ``RATE_LIMIT`` with ``code: graphql_rate_limit``
    ("API rate limit already exceeded", yanyongyu/githubkit#271)."""
    if form == "RATE_LIMIT":
        return {"errors": [{"type": "RATE_LIMIT", "code": "graphql_rate_limit",
                            "message": "API rate limit already exceeded for user ID %d." % caller.id}]}
    return {"errors": [{"type": "RATE_LIMITED", "message": "API rate limit exceeded for user ID %d." % caller.id}]}


def answer(state: State, caller: User, body: Any, ghes: bool, take: Any,
           rate_form: str = "RATE_LIMITED", root_url: str = "") -> tuple[int, dict, int]:
    """Serve one ``POST /graphql`` body: ``(status, JSON answer, cost)``. ``take(cost)`` charges the
    caller's GraphQL bucket and returns ``(limit, remaining, reset, used)`` or ``None`` when the
    points are not there (then GitHub answers 200 with a rate-limit error, see :func:`rate_limited`)."""
    import graphql

    if not isinstance(body, dict) or not isinstance(body.get("query"), str):
        return 400, {"message": "Problems parsing JSON", "documentation_url": "https://docs.github.com/graphql"}, 0
    variables = body.get("variables") or {}
    if not isinstance(variables, dict):
        return 200, {"errors": [{"message": "Variables are invalid JSON."}]}, 0
    try:
        document = graphql.parse(body["query"])
    except graphql.GraphQLError as exc:
        return 200, {"errors": [_error(exc, "parseError")]}, 0
    problems = graphql.validate(schema(), document)
    if problems:
        return 200, {"errors": [_error(e, None) for e in problems]}, 0
    cost, nodes = cost_of(document, variables)
    if nodes > NODE_LIMIT:
        return 200, {"errors": [{"type": "MAX_NODE_LIMIT_EXCEEDED",
                                 "message": "This query requests up to %d possible nodes which exceeds the maximum "
                                            "limit of %d." % (nodes, NODE_LIMIT)}]}, 0
    bucket = take(cost)
    if bucket is None:
        return 200, rate_limited(rate_form, caller), 0
    ctx = _Context(state, caller, ghes, cost, nodes, bucket, root_url)
    result = graphql.execute(schema(), document, root_value=_Query(ctx), variable_values=variables,
                             operation_name=body.get("operationName"), field_resolver=_field_resolver)
    out: dict[str, Any] = {}
    errors = list(ctx.errors)
    for exc in result.errors or ():
        original = getattr(exc, "original_error", None)
        kind = original.kind if isinstance(original, _Problem) else None
        errors.append(_error(exc, kind))
    if errors:
        out["errors"] = errors
    out["data"] = result.data
    return 200, out, cost


def _error(exc: Any, kind: str | None) -> dict:
    d: dict[str, Any] = {}
    if kind:
        d["type"] = kind
    if getattr(exc, "path", None):
        d["path"] = list(exc.path)
    if getattr(exc, "locations", None):
        d["locations"] = [{"line": loc.line, "column": loc.column} for loc in exc.locations]
    d["message"] = exc.message
    return d
