"""The simulator's answers against real GitHub answers (tests/data/recordings, see its README).

Each case is one real exchange, named with its source in the test id, next to the simulator's
answer to the same kind of request: status codes, the headers the client reads (Link,
x-ratelimit-*, retry-after, ETag, Location, content types) and the shape of the body (every key
the simulator sends exists in the real answer with the same JSON type).
"""

from __future__ import annotations

import copy
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import simcontract

from ghsim import Fault
from recordings import exchange, openapi_examples
from simhelpers import ADMIN, Client

RATE_HEADERS = ("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset", "x-ratelimit-used",
                "x-ratelimit-resource")
JSON_TYPE = "application/json; charset=utf-8"
ETAG_RE = re.compile(r'^(W/)?"[^"]+"$')


def _type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    return type(value).__name__


def _resolve(schema: Any) -> dict:
    """An OpenAPI schema with $ref and allOf resolved (enough for property names)."""
    if not isinstance(schema, dict):
        return {}
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return _resolve(simcontract.raw_spec(False)["components"]["schemas"][name])
    if "allOf" in schema:
        merged: dict = {"properties": {}}
        for part in schema["allOf"]:
            merged["properties"].update(_resolve(part).get("properties", {}))
        return merged
    for key in ("anyOf", "oneOf"):
        if key in schema:
            merged = {"properties": {}}
            for part in schema[key]:
                merged["properties"].update(_resolve(part).get("properties", {}))
            return merged
    return schema


def schema(name: str) -> dict:
    return {"$ref": "#/components/schemas/" + name}


def shape_problems(sim: Any, real: Any, documented: Any = None, where: str = "$") -> list[str]:
    """Keys/types of ``sim`` that the real answer does not have (null on either side is allowed).

    A key the recording lacks is accepted when GitHub's OpenAPI schema ``documented`` (for that
    object) lists it: recordings are years old and GitHub has added fields since (``user_view_type``).
    """
    doc = _resolve(documented)
    if isinstance(sim, list) and isinstance(real, list):
        if not sim or not real:
            return []
        return shape_problems(sim[0], real[0], doc.get("items"), where + "[0]")
    if isinstance(sim, dict) and isinstance(real, dict):
        out = []
        props = doc.get("properties", {})
        for key, value in sim.items():
            if key in real:
                out += shape_problems(value, real[key], props.get(key), f"{where}.{key}")
            elif key not in props:
                out.append(f"{where}.{key}: neither in the real answer nor in GitHub's schema")
        return out
    if sim is None or real is None or _type(sim) == _type(real):
        return []
    return [f"{where}: {_type(sim)} here, {_type(real)} in the real answer"]


def rate_header_problems(sim_headers: dict, real_headers: dict) -> list[str]:
    out = []
    for name in RATE_HEADERS:
        if (name in real_headers) != (name in sim_headers):
            out.append(f"{name}: {'missing' if name in real_headers else 'extra'}")
        elif name in sim_headers and name != "x-ratelimit-resource":
            if not (str(sim_headers[name]).isdigit() and str(real_headers[name]).isdigit()):
                out.append(f"{name}: not an integer ({sim_headers[name]!r} vs {real_headers[name]!r})")
    return out


def lower(headers: Any) -> dict[str, str]:
    return {k.lower(): v for k, v in headers.items()}


@pytest.fixture
def seed(demo_seed: dict) -> dict:
    seed = copy.deepcopy(demo_seed)
    org = seed["orgs"][0]
    org["teams"].append({"slug": "emu-admins", "name": "EMU admins", "id": 7009, "external_group": "Octocat admins",
                         "idp": "Okta", "members": ["alice"]})
    for team in org["teams"]:
        if team["slug"] == "sso-synced":
            team["idp_groups"] = ["saml-azuread-test", "saml-azuread-test2"]
    return seed


@pytest.fixture
def gh(make_sim: Any, seed: dict) -> Client:
    return Client(make_sim(seed), ADMIN)


# ----------------------------------------------------------------------------- successful answers
@pytest.mark.parametrize("real_id", ["octokit:get-organization:0"])
def test_get_organization(gh: Client, real_id: str) -> None:
    real = exchange(real_id)
    r = gh.get("/orgs/acme")
    assert (r.status_code, real["status"]) == (200, 200)
    h = lower(r.headers)
    assert h["content-type"] == real["headers"]["content-type"] == JSON_TYPE
    assert ETAG_RE.match(h["etag"]) and ETAG_RE.match(real["headers"]["etag"])
    assert h["cache-control"] == real["headers"]["cache-control"]
    assert rate_header_problems(h, real["headers"]) == []
    assert shape_problems(r.json(), real["body"], schema("organization-full")) == []


@pytest.mark.parametrize("real_id", ["octokit:add-and-remove-repository-collaborator:3"])
def test_user_objects_in_lists(gh: Client, real_id: str) -> None:
    real = exchange(real_id)
    r = gh.get("/orgs/acme/members")
    assert r.status_code == real["status"] == 200
    assert shape_problems(r.json(), real["body"], {"items": schema("simple-user")}) == []


@pytest.mark.parametrize("real_id", ["octokit:add-and-remove-repository-collaborator:4",
                                     "octokit:add-and-remove-repository-collaborator:2"])
def test_no_content(gh: Client, real_id: str) -> None:
    real = exchange(real_id)
    r = gh.delete("/orgs/acme/teams/platform/memberships/bob")
    assert r.status_code == real["status"] == 204
    assert r.content == b"" and real["body"] in ("", None)
    assert "content-type" not in lower(r.headers) and "content-type" not in real["headers"]
    assert rate_header_problems(lower(r.headers), real["headers"]) == []


def _rels(link: str) -> dict[str, str]:
    return {item["rel"]: item["url"] for item in requests.utils.parse_header_links(link)}


@pytest.mark.parametrize("page,real_id", [(1, "octokit:paginate-issues:0"), (2, "octokit:paginate-issues:1"),
                                          (5, "octokit:paginate-issues:4")])
def test_link_pagination(gh: Client, page: int, real_id: str) -> None:
    """Same rels on first, middle and last pages; absolute URLs that switch to the id route and keep per_page."""
    real = exchange(real_id)
    sim = gh.sim
    per_page = 1
    r = gh.get("/orgs/acme/members", params={"per_page": per_page})
    last = int(parse_qs(urlsplit(_rels(r.headers["link"])["last"]).query)["page"][0])
    assert last >= 3  # a first, a middle and a last page
    wanted = {1: 1, 2: 2, 5: last}[page]
    r = gh.get("/orgs/acme/members", params={"per_page": per_page, "page": wanted}) if wanted != 1 else r
    sim_rels, real_rels = _rels(r.headers.get("link", "")), _rels(real["headers"]["link"])
    assert set(sim_rels) == set(real_rels)
    for rels, host in ((sim_rels, urlsplit(sim.api_url).netloc), (real_rels, "api.github.com")):
        for url in rels.values():
            parts = urlsplit(url)
            assert parts.scheme in ("http", "https") and parts.netloc == host
            assert "per_page" in parse_qs(parts.query)
    if "next" in real_rels:
        assert "/repositories/" in real_rels["next"] and "/organizations/" in sim_rels["next"]


# ----------------------------------------------------------------------------- errors
@pytest.mark.parametrize("real_id", ["octokit:branch-protection:0"])
def test_404_body(gh: Client, real_id: str) -> None:
    real = exchange(real_id)
    r = gh.get("/orgs/acme/memberships/ghost")
    assert r.status_code == real["status"] == 404
    assert lower(r.headers)["content-type"] == real["headers"]["content-type"] == JSON_TYPE
    body = r.json()
    assert set(real["body"]) <= set(body) and isinstance(body["message"], str)
    assert body["documentation_url"].startswith("https://docs.github.com/")
    assert shape_problems(body, real["body"], schema("basic-error")) == []


@pytest.mark.parametrize("real_id", ["octokit:errors:0", "validation-failed-422-with-status"])
def test_422_validation_body(gh: Client, real_id: str) -> None:
    real = exchange(real_id)
    r = gh.put("/orgs/acme/memberships/other-org", json={"role": "member"})
    assert r.status_code == real["status"] == 422
    body = r.json()
    for item, real_item in zip(body["errors"], real["body"]["errors"]):
        assert {"resource", "code", "field"} <= set(item) and {"resource", "code", "field"} <= set(real_item)
    # "status" came with later GitHub (github/rest-api-description#4109); the 2017 recording lacks it.
    newer = exchange("validation-failed-422-with-status")["body"]
    compared = {k: v for k, v in body.items() if k in real["body"] or k not in newer}
    assert shape_problems(compared, real["body"], schema("validation-error")) == []
    assert set(newer) <= set(body)


@pytest.mark.parametrize("real_id", ["validation-failed-422-with-status"])
def test_an_email_invitation_to_a_members_address_answers_githubs_quoted_422(make_sim: Any, seed: dict,
                                                                             real_id: str) -> None:
    # The quoted exchange is a POST /orgs/{org}/invitations by e-mail to an address a member has.
    real = exchange(real_id)
    assert (real["method"], real["path"]) == ("POST", "/orgs/{org}/invitations")
    sim = make_sim(seed)
    owner = Client(sim, ADMIN)
    assert owner.post("/orgs/acme/invitations", json={"email": "pat@example.com"}).status_code == 201
    sim.state.accept_email_invitation("acme", "pat@example.com", "pat")
    r = owner.post("/orgs/acme/invitations", json={"email": "PAT@example.com"})
    assert r.status_code == real["status"] == 422
    body = r.json()
    assert body["message"] == real["body"]["message"]
    assert body["errors"] == real["body"]["errors"]


@pytest.mark.parametrize("source", ["openapi:/orgs/{org}/members/{username} 302 Location example"])
def test_check_member_302_location(make_sim: Any, seed: dict, source: str) -> None:
    sim = make_sim(seed)
    outsider = Client(sim, "sim-token-outsider")
    r = outsider.get("/orgs/acme/members/alice")
    real = openapi_examples()["headers"]["check-member-302-location"]
    assert r.status_code == 302
    tail = urlsplit(real).path.replace("/orgs/github/public_members/pezra", "/orgs/acme/public_members/alice")
    assert r.headers["location"] == sim.api_url + tail


@pytest.mark.parametrize("real_id", ["octokit:rename-repository:1"])
def test_redirects_carry_an_absolute_location_on_the_api_host(make_sim: Any, seed: dict, real_id: str) -> None:
    real = exchange(real_id)
    sim = make_sim(seed)
    r = Client(sim, "sim-token-outsider").get("/orgs/acme/members/alice")
    for location, base in ((r.headers["location"], sim.api_url), (real["headers"]["location"], "https://api.github.com")):
        assert location.startswith(base + "/")


# ----------------------------------------------------------------------------- rate limits
SECONDARY = [
    ("current", "secondary-current-with-request-id-403"),
    ("current-short", "secondary-current-403"),
    ("abuse", "secondary-abuse-older-403"),
    ("abuse-blocked", "secondary-abuse-oldest-403"),
]


def _no_request_id(text: str) -> str:
    return re.sub(r"request ID [0-9A-F:]+", "request ID X", text)


@pytest.mark.parametrize("wording,real_id", SECONDARY)
@pytest.mark.parametrize("status,retry_after,with_headers", [
    (403, None, True), (403, 7, True), (429, None, False), (429, 3, True)])
def test_secondary_limit_forms(gh: Client, wording: str, real_id: str, status: int, retry_after: Any,
                               with_headers: bool) -> None:
    real = exchange(real_id)
    gh.sim.inject(Fault("secondary", status=status, retry_after=retry_after, wording=wording,
                        ratelimit_headers=with_headers))
    r = gh.get("/orgs/acme")
    h = lower(r.headers)
    assert r.status_code == status
    assert _no_request_id(r.json()["message"]) == _no_request_id(real["body"]["message"])
    assert h.get("retry-after") == (str(retry_after) if retry_after is not None else None)
    assert ("x-ratelimit-remaining" in h) is with_headers
    if with_headers:
        assert h["x-ratelimit-remaining"] != "0"
    assert h["content-type"] == JSON_TYPE


@pytest.mark.parametrize("real_id", ["primary-user-403"])
@pytest.mark.parametrize("status,reset_header", [(403, True), (429, True), (403, False)])
def test_primary_limit_forms(gh: Client, real_id: str, status: int, reset_header: bool) -> None:
    real = exchange(real_id)
    gh.sim.inject(Fault("primary", status=status, reset_header=reset_header))
    r = gh.get("/orgs/acme")
    h = lower(r.headers)
    assert r.status_code == status
    assert h["x-ratelimit-remaining"] == real["headers"]["x-ratelimit-remaining"] == "0"
    assert ("x-ratelimit-reset" in h) is reset_header
    prefix = real["body"]["message"].split(" ID ")[0]
    assert r.json()["message"].startswith(prefix + " ID ")


@pytest.mark.parametrize("real_id", ["push-access-403"])
def test_a_403_with_retry_after_that_is_no_rate_limit(gh: Client, real_id: str) -> None:
    real = exchange(real_id)
    gh.sim.inject(Fault("status", status=403, message=real["body"]["message"], retry_after=60))
    r = gh.get("/orgs/acme")
    h = lower(r.headers)
    assert r.status_code == 403 and r.json()["message"] == real["body"]["message"]
    assert h["retry-after"] == "60" and h["x-ratelimit-remaining"] != "0"
    assert rate_header_problems(h, real["headers"]) == []


@pytest.mark.parametrize("real_id", ["octokit:get-organization:0"])
def test_exhausted_quota_answers_the_primary_form(make_sim: Any, seed: dict, real_id: str) -> None:
    seed["rate_limit"] = {"limit": 1}
    gh = Client(make_sim(seed), ADMIN)
    assert gh.get("/orgs/acme").status_code == 200
    r = gh.get("/orgs/acme")
    h = lower(r.headers)
    assert r.status_code == 403 and h["x-ratelimit-remaining"] == "0"
    assert rate_header_problems(h, exchange(real_id)["headers"]) == []
    assert r.json()["message"].startswith(exchange("primary-user-403")["body"]["message"].split(" ID ")[0])


# ----------------------------------------------------------------------------- IdP-managed teams
@pytest.mark.parametrize("real_id", ["idp-external-group-team-403"])
@pytest.mark.parametrize("method", ["PUT", "DELETE"])
def test_external_group_team_refuses_writes_with_the_real_text(gh: Client, real_id: str, method: str) -> None:
    real = exchange(real_id)
    kw = {"json": {"role": "member"}} if method == "PUT" else {}
    for path in ("/orgs/acme/teams/emu-admins/memberships/bob", "/organizations/9001/team/7009/memberships/alice"):
        r = gh.request(method, path, **kw)
        assert r.status_code == real["status"] == 403
        assert r.json()["message"] == real["body"]["message"].format(idp="Okta")


@pytest.mark.parametrize("real_id,path,team", [
    ("docs-team-sync-group-mappings", "/team-sync/group-mappings", "sso-synced"),
    ("docs-team-external-groups", "/external-groups", "emu-admins"),
])
def test_idp_group_reads_have_the_documented_shape(gh: Client, real_id: str, path: str, team: str) -> None:
    real = exchange(real_id)
    r = gh.get("/orgs/acme/teams/%s%s" % (team, path))
    assert r.status_code == real["status"] == 200
    body = r.json()
    assert shape_problems(body, real["body"]) == []
    assert [set(g) for g in body["groups"]] == [set(real["body"]["groups"][0])] * len(body["groups"])
    # a team without it: 404, which the collection reads as "not managed"
    assert gh.get("/orgs/acme/teams/platform%s" % path).status_code == 404


@pytest.mark.parametrize("source", ["openapi:PUT team membership 403 'Forbidden if team synchronization is set up'"])
def test_team_sync_team_refuses_writes_with_403(gh: Client, source: str) -> None:
    assert openapi_examples()["descriptions"]["team-membership-put-403"] == "Forbidden if team synchronization is set up"
    r = gh.put("/orgs/acme/teams/sso-synced/memberships/bob", json={"role": "member"})
    assert r.status_code == 403


# ----------------------------------------------------------------------------- GitHub's own examples
@pytest.mark.parametrize("example,path,documented", [
    ("org-membership", "/orgs/acme/memberships/bob", schema("org-membership")),
    ("team-membership-response-if-user-is-a-team-maintainer", "/orgs/acme/teams/platform/memberships/alice",
     schema("team-membership")),
    ("simple-user-items", "/orgs/acme/members", {"items": schema("simple-user")}),
    ("team-full", "/orgs/acme/teams/platform", schema("team-full")),
    ("organization-invitation-items", "/orgs/acme/invitations", {"items": schema("organization-invitation")}),
])
def test_bodies_match_githubs_examples(gh: Client, example: str, path: str, documented: dict) -> None:
    r = gh.get(path)
    assert r.status_code == 200
    assert shape_problems(r.json(), openapi_examples()["examples"][example], documented) == []
