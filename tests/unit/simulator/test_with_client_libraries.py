"""The simulator driven by client libraries we did not write: PyGithub (LGPL-3.0, a test dependency
only) and githubkit (MIT), both from PyPI.

Each test calls the library the way its users do and compares what the library returns with the
seed below (never with the simulator's own state), so a simulator that answers wrongly, or a route
it lacks, fails here. Every exchange is also checked against GitHub's OpenAPI description: the
shared extract through ``make_sim`` (conftest.py), and, for the routes the extract lacks (child
teams, the legacy team-member routes), the operations in ``tests/integration/openapi/*.clients.json``
(from ``@octokit/openapi`` 23.0.2) by :func:`check_against_supplements`.
"""

from __future__ import annotations

import copy
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import simcontract
from openapi_core import OpenAPI
from openapi_core.templating.responses.exceptions import ResponseNotFound

from github import Auth, Github, GithubException  # PyGithub: tests/requirements.txt (no skip when missing)
from githubkit import GitHub, TokenAuthStrategy
from githubkit.exception import GraphQLFailed, RequestFailed

OWNER, OWNER_TOKEN = "octo-admin", "sim-token-octo-admin"
MEMBERS = [f"user{n:02d}" for n in range(1, 34)]  # more than one page of 30
SEED: dict[str, Any] = {
    "users": [{"login": OWNER, "name": "Octo Admin", "email": "octo@example.com"}, "root2", "dave", "erin", "eve",
              "outsider", "new-hire", {"login": "other-org", "type": "Organization"}, *MEMBERS],
    "tokens": {OWNER_TOKEN: OWNER, "sim-token-user01": "user01", "sim-token-user02": "user02",
               "sim-token-outsider": "outsider", "sim-token-dave": "dave", "sim-token-new-hire": "new-hire"},
    "orgs": [{
        "login": "acme", "id": 9001, "name": "ACME Corp",
        "owners": [OWNER, "root2"],
        "members": MEMBERS,
        "public_members": [OWNER, "user05"],
        "two_factor_disabled": ["user03"],
        "invitations": [
            {"login": "dave", "role": "direct_member", "teams": [{"slug": "platform", "role": "member"}]},
            {"login": "erin", "role": "admin"},
            {"email": "someone@example.com"},
        ],
        "failed_invitations": [{"login": "eve", "failed_reason": "expired"}],
        "teams": [
            {"slug": "platform", "name": "Platform", "id": 7001, "maintainers": ["user01"], "members": ["user02"]},
            {"slug": "platform-oncall", "name": "Platform On-call", "id": 7002, "parent": "platform",
             "members": ["user03"]},
            {"slug": "oncall-eu", "name": "On-call EU", "id": 7003, "parent": "platform-oncall", "members": ["user04"]},
            {"slug": "platform-sre", "name": "Platform SRE", "id": 7004, "parent": "platform",
             "maintainers": ["user06"]},
            {"slug": "sso-synced", "name": "SSO Synced", "id": 7005, "idp_synced": True, "members": ["user07"]},
            {"slug": "security", "name": "Security", "id": 7006, "privacy": "secret", "maintainers": [OWNER]},
        ],
    }],
}
ORG = SEED["orgs"][0]
TEAMS = {t["slug"]: t for t in ORG["teams"]}


def seed_members(role: str = "all") -> list[str]:
    owners = ORG["owners"] if role in ("all", "admin") else []
    members = ORG["members"] if role in ("all", "member") else []
    return sorted(owners + members)


def seed_children(slug: str, recursive: bool = False) -> list[str]:
    out = [t["slug"] for t in ORG["teams"] if t.get("parent") == slug]
    if recursive:
        for child in list(out):
            out += seed_children(child, True)
    return sorted(out)


def seed_team_members(slug: str) -> list[str]:
    """Direct members and maintainers of the team and of every team below it (as REST lists them)."""
    out: set[str] = set()
    for s in [slug, *seed_children(slug, True)]:
        out |= set(TEAMS[s].get("members", [])) | set(TEAMS[s].get("maintainers", []))
    return sorted(out)


# --------------------------------------------------------------------------- contract for the added routes
SUPPLEMENT_DIR = Path(__file__).resolve().parents[2] / "integration" / "openapi"


@cache
def supplemented_spec(ghes: bool) -> OpenAPI:
    spec = copy.deepcopy(simcontract.raw_spec(ghes))
    prefix = "ghes-3.19" if ghes else "api.github.com"
    for name in (f"{prefix}.users.json", f"{prefix}.clients.json"):
        extra = json.loads((SUPPLEMENT_DIR / name).read_text())
        for path, item in extra["paths"].items():
            spec["paths"].setdefault(path, item)
        for section, items in extra["components"].items():
            for key, value in items.items():
                spec.setdefault("components", {}).setdefault(section, {}).setdefault(key, value)
    return OpenAPI.from_dict(spec)


_LEGACY_MEMBER = re.compile(r"^/organizations/\d+/team/(\d+)(/members/[^/]+)$")


def check_against_supplements(sim: Any) -> list[str]:
    """Validate the exchanges on routes the shared extract lacks against the supplemented description."""
    problems = []
    for ex in sim.log:
        if ex.route is None or ex.fault or ex.status in (0, 304) or ex.route == "/graphql":
            continue
        if simcontract.map_template(ex.route) in simcontract.spec_paths(sim.ghes) and "/members/{username}" not in ex.route:
            continue  # already checked by make_sim
        path = ex.path[len("/api/v3"):] if sim.ghes else ex.path
        m = _LEGACY_MEMBER.match(path)
        path = f"/teams/{m.group(1)}{m.group(2)}" if m else simcontract.map_path(path)
        host = "https://api.github.com"
        if sim.ghes:
            host, path = "http://HOSTNAME", "/api/v3" + path
        req = simcontract._Req(host, path, ex.method, ex.query, ex.request_body,
                               ex.request_headers.get("content-type", "application/json"))
        resp = simcontract._Resp(ex.status, ex.response_headers, ex.response_body)
        try:
            supplemented_spec(sim.ghes).validate_response(req, resp)
        except ResponseNotFound:
            if ex.status not in simcontract.GENERIC_STATUSES:
                problems.append(f"{ex.method} {ex.path}: status {ex.status} not described")
        except Exception as exc:  # openapi-core raises a family of validation errors
            problems.append(f"{ex.method} {ex.path} -> {ex.status}: {type(exc).__name__}: {exc.__cause__ or exc}")
    return problems


# --------------------------------------------------------------------------- fixtures
@pytest.fixture
def sim(make_sim: Any) -> Any:
    started = make_sim(SEED)
    yield started
    found = check_against_supplements(started)
    assert not found, "answers that disagree with GitHub's OpenAPI description:\n" + "\n".join(found)
    assert all(ex.status != 500 for ex in started.log), "the simulator failed on a request"


def pygithub(sim: Any, token: str = OWNER_TOKEN, **kw: Any) -> Github:
    return Github(auth=Auth.Token(token), base_url=sim.api_url, retry=None, seconds_between_requests=None,
                  seconds_between_writes=None, **kw)


def kit(sim: Any, token: str = OWNER_TOKEN) -> GitHub:
    return GitHub(TokenAuthStrategy(token), base_url=sim.api_url + "/", auto_retry=False)


def logins(users: Any) -> list[str]:
    return sorted(u.login for u in users)


# --------------------------------------------------------------------------- PyGithub
def test_pygithub_org_members_and_roles(sim: Any) -> None:
    org = pygithub(sim).get_organization("acme")
    assert org.id == ORG["id"] and org.name == ORG["name"]
    assert logins(org.get_members()) == seed_members()  # 35 members: two pages through Link headers
    assert logins(org.get_members(role="admin")) == seed_members("admin")
    assert logins(org.get_members(role="member")) == seed_members("member")
    assert logins(org.get_members(filter_="2fa_disabled")) == ORG["two_factor_disabled"]
    g = pygithub(sim)
    assert org.has_in_members(g.get_user("user10")) is True
    assert org.has_in_members(g.get_user("outsider")) is False
    assert logins(org.get_public_members()) == sorted(ORG["public_members"])
    assert org.has_in_public_members(g.get_user("user05")) is True
    assert org.has_in_public_members(g.get_user("user06")) is False


def test_pygithub_memberships_get_set_remove(sim: Any) -> None:
    g = pygithub(sim)
    org = g.get_organization("acme")
    m = g.get_user("user01").get_organization_membership("acme")
    assert (m.state, m.role) == ("active", "member")
    m = g.get_user("erin").get_organization_membership(org)
    assert (m.state, m.role) == ("pending", "admin")  # seed: invitation with role admin
    org.add_to_members(g.get_user("user08"), role="admin")
    assert g.get_user("user08").get_organization_membership("acme").role == "admin"
    org.add_to_members(g.get_user("new-hire"), role="member")  # not a member yet: an invitation
    assert g.get_user("new-hire").get_organization_membership("acme").state == "pending"
    org.remove_from_membership(g.get_user("user09"))
    with pytest.raises(GithubException) as err:
        g.get_user("user09").get_organization_membership("acme")
    assert err.value.status == 404
    assert "user09" not in logins(org.get_members())


def test_pygithub_invitations(sim: Any) -> None:
    g = pygithub(sim)
    org = g.get_organization("acme")
    seeded = [(i.get("login"), i.get("email")) for i in ORG["invitations"]]
    assert [(i.login, i.email) for i in org.invitations()] == seeded
    org.invite_user(user=g.get_user("outsider"), role="direct_member", teams=[org.get_team_by_slug("platform-sre")])
    invited = [i for i in org.invitations() if i.login == "outsider"]
    assert len(invited) == 1 and invited[0].role == "direct_member"
    assert sim.state.team_pending("acme", "platform-sre", "outsider") == "member"


def test_pygithub_teams_children_and_legacy_members(sim: Any) -> None:
    g = pygithub(sim)
    org = g.get_organization("acme")
    assert sorted(t.slug for t in org.get_teams()) == sorted(TEAMS)
    platform = org.get_team_by_slug("platform")
    assert (platform.id, platform.name, platform.parent) == (7001, "Platform", None)
    assert org.get_team_by_slug("platform-oncall").parent.slug == "platform"
    # Team.get_teams() calls GET {team url}/teams: the child-teams route.
    assert sorted(t.slug for t in platform.get_teams()) == seed_children("platform")
    assert [t.slug for t in org.get_team_by_slug("oncall-eu").get_teams()] == []
    assert logins(platform.get_members()) == seed_team_members("platform")
    assert logins(platform.get_members(role="maintainer")) == ["user01"]
    # Team.has_in_members() calls the legacy GET {team url}/members/{username}: 204 or 404.
    for login in ("user01", "user02", "user04", "user20", "outsider"):
        assert platform.has_in_members(g.get_user(login)) is (login in seed_team_members("platform")), login
    assert platform.get_team_membership("user01").role == "maintainer"
    assert platform.get_team_membership("dave").state == "pending"  # seed: invitation carrying the team
    platform.add_membership(g.get_user("user11"), role="maintainer")
    assert platform.get_team_membership("user11").role == "maintainer"
    platform.remove_membership(g.get_user("user11"))
    assert platform.has_in_members(g.get_user("user11")) is False


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_pygithub_legacy_add_and_remove(sim: Any) -> None:
    g = pygithub(sim)
    org = g.get_organization("acme")
    sre = org.get_team_by_slug("platform-sre")
    sre.add_to_members(g.get_user("user12"))  # PUT {team url}/members/{username}
    assert sre.has_in_members(g.get_user("user12")) is True
    assert sre.get_team_membership("user12").role == "member"
    sre.remove_from_members(g.get_user("user12"))  # DELETE {team url}/members/{username}
    assert sre.has_in_members(g.get_user("user12")) is False
    with pytest.raises(GithubException) as err:
        sre.add_to_members(g.get_user("outsider"))  # not an org member: 422 as documented
    assert err.value.status == 422
    with pytest.raises(GithubException) as err:
        org.get_team_by_slug("sso-synced").add_to_members(g.get_user("user13"))
    assert err.value.status == 404  # documented: "Not Found if team synchronization is set up"


def test_pygithub_user_memberships(sim: Any) -> None:
    me = pygithub(sim, "sim-token-user02").get_user()
    assert me.login == "user02"
    memberships = list(me.get_organization_memberships())
    assert [(m.organization.login, m.state, m.role) for m in memberships] == [("acme", "active", "member")]
    assert sorted(t.slug for t in me.get_teams()) == ["platform"]
    pending = pygithub(sim, "sim-token-dave").get_user().get_organization_membership("acme")
    assert (pending.state, pending.role) == ("pending", "member")


def test_pygithub_unsupported_api_version(sim: Any) -> None:
    with pytest.raises(GithubException) as err:
        pygithub(sim, api_version="1999-01-01").get_organization("acme")
    assert err.value.status == 400
    assert '"1999-01-01", is not a supported version' in err.value.data["message"]
    assert pygithub(sim, api_version="2022-11-28").get_organization("acme").login == "acme"


# --------------------------------------------------------------------------- githubkit (strict models)
def test_githubkit_org_members_and_memberships(sim: Any) -> None:
    gh = kit(sim)
    members = gh.rest.paginate(gh.rest.orgs.list_members, org="acme", per_page=30)
    assert sorted(u.login for u in members) == seed_members()
    admins = gh.rest.orgs.list_members("acme", role="admin").parsed_data
    assert sorted(u.login for u in admins) == seed_members("admin")
    assert gh.rest.orgs.check_membership_for_user("acme", "user10").status_code == 204
    m = gh.rest.orgs.get_membership_for_user("acme", "root2").parsed_data
    assert (m.state, m.role, m.user.login) == ("active", "admin", "root2")
    m = gh.rest.orgs.set_membership_for_user("acme", "user14", role="admin").parsed_data
    assert (m.state, m.role) == ("active", "admin")
    assert gh.rest.orgs.remove_membership_for_user("acme", "user15").status_code == 204
    with pytest.raises(RequestFailed) as err:
        gh.rest.orgs.get_membership_for_user("acme", "user15")
    assert err.value.response.status_code == 404
    public = gh.rest.orgs.list_public_members("acme").parsed_data
    assert sorted(u.login for u in public) == sorted(ORG["public_members"])
    assert gh.rest.orgs.check_public_membership_for_user("acme", "user05").status_code == 204


def test_githubkit_invitations_create_cancel_and_failed(sim: Any) -> None:
    gh = kit(sim)
    invs = gh.rest.orgs.list_pending_invitations("acme").parsed_data
    assert [(i.login, i.email, i.role) for i in invs] == [
        (i.get("login"), i.get("email"), i.get("role", "direct_member")) for i in ORG["invitations"]]
    failed = gh.rest.orgs.list_failed_invitations("acme").parsed_data
    assert [(i.login, i.failed_reason) for i in failed] == [
        (i["login"], i["failed_reason"]) for i in ORG["failed_invitations"]]
    outsider = gh.rest.users.get_by_username("outsider").parsed_data
    created = gh.rest.orgs.create_invitation("acme", invitee_id=outsider.id, role="admin").parsed_data
    assert (created.login, created.role) == ("outsider", "admin")
    assert gh.rest.orgs.cancel_invitation("acme", created.id).status_code == 204
    after = gh.rest.orgs.list_pending_invitations("acme").parsed_data
    assert "outsider" not in [i.login for i in after] and len(after) == len(ORG["invitations"])


@pytest.mark.filterwarnings("ignore:Deprecated API endpoint:DeprecationWarning")
def test_githubkit_teams_children_memberships_and_legacy(sim: Any) -> None:
    gh = kit(sim)
    teams = gh.rest.orgs.list_teams if hasattr(gh.rest.orgs, "list_teams") else gh.rest.teams.list
    assert sorted(t.slug for t in teams("acme").parsed_data) == sorted(TEAMS)
    platform = gh.rest.teams.get_by_name("acme", "platform").parsed_data
    assert (platform.id, platform.members_count) == (7001, len(seed_team_members("platform")))
    children = gh.rest.teams.list_child_in_org("acme", "platform").parsed_data
    assert sorted(t.slug for t in children) == seed_children("platform")
    assert all(t.parent is not None and t.parent.slug == "platform" for t in children)
    legacy_children = gh.rest.teams.list_child_legacy(7002).parsed_data
    assert [t.slug for t in legacy_children] == seed_children("platform-oncall")
    m = gh.rest.teams.get_membership_for_user_in_org("acme", "platform", "user04").parsed_data
    assert (m.state, m.role) == ("active", "member")  # through oncall-eu, two levels down
    m = gh.rest.teams.add_or_update_membership_for_user_in_org("acme", "platform-sre", "user16",
                                                               role="maintainer").parsed_data
    assert (m.state, m.role) == ("active", "maintainer")
    assert gh.rest.teams.remove_membership_for_user_in_org("acme", "platform-sre", "user16").status_code == 204
    assert gh.rest.teams.get_member_legacy(7004, "user06").status_code == 204  # seed: maintainer of platform-sre
    with pytest.raises(RequestFailed) as err:
        gh.rest.teams.get_member_legacy(7004, "user16")
    assert err.value.response.status_code == 404
    assert gh.rest.teams.add_member_legacy(7004, "user17").status_code == 204
    assert gh.rest.teams.get_member_legacy(7004, "user17").status_code == 204
    assert gh.rest.teams.remove_member_legacy(7004, "user17").status_code == 204
    with pytest.raises(RequestFailed) as err:
        gh.rest.teams.remove_member_legacy(7004, "user17")
    assert err.value.response.status_code == 404


@pytest.mark.filterwarnings("ignore:Deprecated API endpoint:DeprecationWarning")
def test_githubkit_user_memberships(sim: Any) -> None:
    gh = kit(sim, "sim-token-dave")
    ms = gh.rest.orgs.list_memberships_for_authenticated_user().parsed_data
    assert [(m.organization.login, m.state) for m in ms] == [("acme", "pending")]
    m = gh.rest.orgs.update_membership_for_authenticated_user("acme", state="active").parsed_data
    assert (m.state, m.role) == ("active", "member")
    assert gh.rest.orgs.get_membership_for_authenticated_user("acme").parsed_data.state == "active"
    # The invitation carried team platform (seed): accepting it makes dave a member there.
    owner = kit(sim)
    assert owner.rest.teams.get_member_legacy(7001, "dave").status_code == 204


def test_githubkit_sends_a_supported_version_and_an_unknown_one_is_refused(sim: Any) -> None:
    gh = kit(sim)
    resp = gh.rest.orgs.get("acme")
    sent = resp.raw_request.headers.get("x-github-api-version")
    assert sent and resp.headers["x-github-api-version-selected"] == sent
    with pytest.raises(RequestFailed) as err:
        gh.request("GET", "/orgs/acme", headers={"X-GitHub-Api-Version": "v3"})
    assert err.value.response.status_code == 400
    assert "is not a supported version" in err.value.response.json()["message"]
    # An unauthenticated request with an unknown version is refused before anything else;
    # a bad token is answered 401 first.
    anon = GitHub(base_url=sim.api_url + "/", auto_retry=False)
    with pytest.raises(RequestFailed) as err:
        anon.request("GET", "/orgs/no-such-org", headers={"X-GitHub-Api-Version": "1999-01-01"})
    assert err.value.response.status_code == 400
    with pytest.raises(RequestFailed) as err:
        kit(sim, "not-a-token").request("GET", "/orgs/acme", headers={"X-GitHub-Api-Version": "1999-01-01"})
    assert err.value.response.status_code == 401


# --------------------------------------------------------------------------- GraphQL through both libraries
MEMBERS_QUERY = """query($org: String!, $after: String) {
  viewer { login }
  organization(login: $org) {
    membersWithRole(first: 20, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { role hasTwoFactorEnabled node { login } }
    }
    pendingMembers(first: 10) { totalCount nodes { login } }
    team(slug: "platform") {
      childTeams(first: 10) { nodes { slug } }
      all: childTeams(first: 10, immediateOnly: false) { totalCount nodes { slug parentTeam { slug } } }
    }
  }
}"""


def test_githubkit_graphql_members_pending_viewer_child_teams(sim: Any) -> None:
    gh = kit(sim)
    edges, after, first_page = [], None, None
    while True:
        data = gh.graphql(MEMBERS_QUERY, {"org": "acme", "after": after})
        first_page = first_page or data
        conn = data["organization"]["membersWithRole"]
        edges += conn["edges"]
        if not conn["pageInfo"]["hasNextPage"]:
            break
        after = conn["pageInfo"]["endCursor"]
    assert first_page["viewer"]["login"] == OWNER
    assert sorted(e["node"]["login"] for e in edges) == seed_members()
    assert conn["totalCount"] == len(seed_members())
    roles = {e["node"]["login"]: e["role"] for e in edges}
    assert sorted(k for k, v in roles.items() if v == "ADMIN") == seed_members("admin")
    no2fa = sorted(e["node"]["login"] for e in edges if e["hasTwoFactorEnabled"] is False)
    assert no2fa == ORG["two_factor_disabled"]
    org = first_page["organization"]
    assert [n["login"] for n in org["pendingMembers"]["nodes"]] == [i["login"] for i in ORG["invitations"] if "login" in i]
    assert sorted(n["slug"] for n in org["team"]["childTeams"]["nodes"]) == seed_children("platform")
    assert sorted(n["slug"] for n in org["team"]["all"]["nodes"]) == seed_children("platform", recursive=True)
    assert {n["slug"]: n["parentTeam"]["slug"] for n in org["team"]["all"]["nodes"]} == {
        s: TEAMS[s]["parent"] for s in seed_children("platform", recursive=True)}
    data = gh.graphql('query { organization(login: "acme") { team(slug: "platform") { '
                      'childTeams(first: 10, immediateOnly: false, userLogins: ["USER04"]) { nodes { slug } } } } }')
    holding = [s for s in seed_children("platform", True) if "user04" in TEAMS[s].get("members", [])]
    assert [n["slug"] for n in data["organization"]["team"]["childTeams"]["nodes"]] == holding


def test_pygithub_graphql_members_with_role_for_a_member(sim: Any) -> None:
    g = pygithub(sim, "sim-token-user02")
    _headers, data = g.requester.graphql_query(MEMBERS_QUERY, {"org": "acme", "after": None})
    org = data["data"]["organization"]
    assert data["data"]["viewer"]["login"] == "user02"
    assert org["membersWithRole"]["totalCount"] == len(seed_members())
    assert {e["hasTwoFactorEnabled"] for e in org["membersWithRole"]["edges"]} == {None}  # owners only
    assert org["pendingMembers"] == {"totalCount": 0, "nodes": []}  # invitations are for owners


def test_graphql_fields_not_simulated_say_so(sim: Any) -> None:
    """A field of GitHub's schema the simulator does not serve is an error naming it, never a
    ``null`` in a non-null field ("Cannot return null for non-nullable field")."""
    query = "query { organization(login: \"acme\") { login teamsUrl membersWithRole(first: 1) { totalCount } } }"
    gh = kit(sim)  # githubkit's namespaces hold only a weak reference to their client
    with pytest.raises(GraphQLFailed) as err:
        gh.graphql(query)
    messages = [e.message for e in err.value.response.errors]
    assert messages == ["not simulated: Organization.teamsUrl"]
    assert not any("Cannot return null" in m for m in messages)
    with pytest.raises(GithubException) as gerr:
        pygithub(sim).requester.graphql_query("query { viewer { login bio } }", {})
    assert [e["message"] for e in gerr.value.data["errors"]] == ["not simulated: User.bio"]
    # Fields that are simulated still answer beside one that is not (a nullable one here).
    ex = sim.handle("POST", "/graphql", {"Authorization": f"Bearer {OWNER_TOKEN}"},
                    json.dumps({"query": "query { viewer { login company } }"}).encode())
    body = json.loads(ex.body)
    assert body["data"] == {"viewer": {"login": OWNER, "company": None}}
    assert [e["message"] for e in body["errors"]] == ["not simulated: User.company"]


def test_pygithub_against_ghes_mode(make_sim: Any) -> None:
    """GHES mode (``/api/v3``, GraphQL at ``/api/graphql``): PyGithub finds both from its base URL."""
    ghes = make_sim(SEED, ghes=True)
    try:
        g = pygithub(ghes)
        platform = g.get_organization("acme").get_team_by_slug("platform")
        assert sorted(t.slug for t in platform.get_teams()) == seed_children("platform")
        assert platform.has_in_members(g.get_user("user04")) is True  # through oncall-eu
        assert platform.has_in_members(g.get_user("user20")) is False
        _headers, data = g.requester.graphql_query(
            'query { organization(login: "acme") { membersWithRole(first: 100) { totalCount } } }', {})
        assert data["data"]["organization"]["membersWithRole"]["totalCount"] == len(seed_members())
        # GHES 3.19 predates API version 2026-03-10.
        with pytest.raises(GithubException) as err:
            pygithub(ghes, api_version="2026-03-10").get_organization("acme")
        assert err.value.status == 400
    finally:
        found = check_against_supplements(ghes)
    assert not found, "\n".join(found)


def test_the_supplement_check_catches_a_wrong_answer() -> None:
    """check_against_supplements can fail: a child-team list that is no list, a legacy member 200."""
    from types import SimpleNamespace

    from ghsim.server import Exchange

    def exchange(path: str, route: str, status: int, body: bytes) -> Exchange:
        headers = {"content-type": "application/json; charset=utf-8"} if body else {}
        return Exchange(seq=1, method="GET", path=path, query={}, request_headers={}, auth_login=OWNER,
                        request_body=b"", status=status, response_headers=headers, response_body=body, route=route)

    fake = SimpleNamespace(ghes=False, log=[
        exchange("/orgs/acme/teams/platform/teams", "/orgs/{org}/teams/{team_slug}/teams", 200, b'{"id": 1}'),
        exchange("/teams/7001/members/bob", "/teams/{team_id}/members/{username}", 200, b"{}"),
    ])
    found = check_against_supplements(fake)
    assert len(found) == 2, found


def test_routes_not_simulated_say_so_to_both_libraries(sim: Any) -> None:
    """A GitHub operation the simulator does not serve answers 501 "not simulated: ..." (a client
    raises), never GitHub's 404 (which PyGithub's has_in_* methods read as "no")."""
    with pytest.raises(GithubException) as err:
        list(pygithub(sim).get_user().get_orgs())  # GET /user/orgs
    assert err.value.status == 501
    assert err.value.data["message"] == "not simulated: GET /user/orgs"
    gh = kit(sim)
    with pytest.raises(RequestFailed) as kerr:
        gh.rest.orgs.list_webhooks("acme")  # outside collaborators are simulated since issue 20
    assert kerr.value.response.status_code == 501
    assert kerr.value.response.json()["message"] == "not simulated: GET /orgs/{org}/hooks"
    # A path GitHub does not have at all is still GitHub's 404.
    with pytest.raises(RequestFailed) as kerr:
        gh.request("GET", "/orgs/acme/no-such-thing")
    assert kerr.value.response.status_code == 404
