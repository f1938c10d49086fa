"""The simulator's answers to the calls the whole-organization plan makes (team create, privacy
and parent changes, delete; invitations by e-mail, with a role and team ids, refused for a
non-owner; GraphQL errors; GHES's /api/graphql) against real recorded exchanges
(tests/data/recordings/client-library-recordings.json: hub4j/github-api's WireMock captures, MIT,
and PyGithub's ReplayData, LGPL data only; see the README there): status, the headers the client
reads, and the body's shape (every key the simulator sends is in the real answer with the same JSON
type, or in GitHub's schema). One case per recording, named by its id.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from test_versus_recordings import JSON_TYPE, lower, rate_header_problems, schema, shape_problems

from recordings import exchange
from simhelpers import ADMIN, Client


@pytest.fixture
def gh(make_sim: Any, demo_seed: dict) -> Client:
    return Client(make_sim(copy.deepcopy(demo_seed)), ADMIN)


def rate_headers_of_the_recording(sim_headers: dict, real_headers: dict) -> list[str]:
    """The rate-limit headers the recording has, present here and of the same form. Recordings
    before 2021 lack ``x-ratelimit-used``/``-resource`` (GitHub added them since: the 2022
    recordings have them, and :func:`rate_header_problems` compares those exactly)."""
    return rate_header_problems({k: v for k, v in sim_headers.items() if k in real_headers}, real_headers)


def _team_route(url: str) -> str:
    """``/organizations/{org_id}/team/{team_id}`` of a team URL."""
    return url[url.index("/organizations/"):]


# ----------------------------------------------------------------------------- teams
@pytest.mark.parametrize("real_id,body,privacy", [
    ("hub4j:create-team-default-privacy", {"name": "create-team-test"}, "secret"),
    ("hub4j:create-team-closed", {"name": "create-team-test", "privacy": "closed"}, "closed"),
])
def test_team_create_answers_201_with_location_default_privacy_and_the_creator(gh: Client, real_id: str, body: dict,
                                                                               privacy: str) -> None:
    """A team made with a user's token: privacy ``secret`` unless asked (and not nested), and its
    creator as its one member (the recordings' ``members_count: 1``), a maintainer."""
    real = exchange(real_id)
    assert {k: v for k, v in real["request_body"].items() if k in ("name", "privacy")} == body
    r = gh.post("/orgs/acme/teams", json=body)
    h = lower(r.headers)
    assert r.status_code == real["status"] == 201
    assert h["content-type"] == real["headers"]["content-type"] == JSON_TYPE
    assert rate_headers_of_the_recording(h, real["headers"]) == []
    data = r.json()
    assert (data["privacy"], real["body"]["privacy"]) == (privacy, privacy)
    assert (data["members_count"], real["body"]["members_count"]) == (1, 1)
    assert data["parent"] is None and real["body"]["parent"] is None
    # Location: the id route of the new team, on the API host
    assert h["location"] == data["url"] and _team_route(h["location"]) == "/organizations/9001/team/%d" % data["id"]
    assert _team_route(real["headers"]["location"]) == "/organizations/%s/team/%d" % (
        real["headers"]["location"].split("/")[4], real["body"]["id"])
    assert shape_problems(data, real["body"], schema("team-full")) == []
    m = gh.get("/orgs/acme/teams/%s/memberships/octo-admin" % data["slug"])
    assert m.status_code == 200 and m.json()["role"] == "maintainer"


@pytest.mark.parametrize("real_id", ["hub4j:create-child-team"])
def test_child_team_create_names_its_parent(gh: Client, real_id: str) -> None:
    real = exchange(real_id)
    sent = dict(real["request_body"], parent_team_id=7001)  # the demo seed's platform team
    r = gh.post("/orgs/acme/teams", json=sent)
    assert r.status_code == real["status"] == 201
    data = r.json()
    assert data["privacy"] == real["body"]["privacy"] == "closed"
    assert data["parent"]["id"] == 7001 and real["body"]["parent"]["id"] == real["request_body"]["parent_team_id"]
    assert set(data["parent"]) >= {"id", "slug", "name"} and set(real["body"]["parent"]) >= {"id", "slug", "name"}
    assert shape_problems(data, real["body"], schema("team-full")) == []


@pytest.mark.parametrize("real_id,privacy", [("hub4j:set-privacy-closed", "closed"), ("hub4j:set-privacy-secret", "secret")])
def test_privacy_change_answers_200_with_the_team(gh: Client, real_id: str, privacy: str) -> None:
    real = exchange(real_id)
    assert real["method"] == "PATCH" and real["request_body"] == {"privacy": privacy}
    made = gh.post("/orgs/acme/teams", json={"name": "privacy-test", "privacy": "closed" if privacy == "secret" else "secret"})
    r = gh.patch(_team_route(made.json()["url"]), json={"privacy": privacy})
    h = lower(r.headers)
    assert r.status_code == real["status"] == 200
    assert r.json()["privacy"] == real["body"]["privacy"] == privacy
    assert h["content-type"] == real["headers"]["content-type"] == JSON_TYPE
    assert rate_header_problems(h, real["headers"]) == []
    assert shape_problems(r.json(), real["body"], schema("team-full")) == []


@pytest.mark.parametrize("real_id", ["pygithub:delete-team"])
def test_team_delete_answers_204_without_a_body(gh: Client, real_id: str) -> None:
    real = exchange(real_id)
    assert real["method"] == "DELETE" and real["path"].startswith("/organizations/")
    r = gh.delete("/organizations/9001/team/7002")
    assert r.status_code == real["status"] == 204
    assert r.content == b"" and real["body"] is None
    assert "content-type" not in lower(r.headers) and "content-type" not in real["headers"]
    assert gh.get("/orgs/acme/teams/platform-oncall").status_code == 404


# ----------------------------------------------------------------------------- invitations
@pytest.mark.parametrize("real_id,sent,team_count", [
    ("pygithub:invite-by-email", {"email": "foo@example.com"}, 0),
    ("pygithub:invite-with-role-and-team-ids",
     {"email": "foo@example.com", "role": "billing_manager", "team_ids": [7001]}, 1),
])
def test_invitation_by_email_answers_201_with_the_invitation(gh: Client, real_id: str, sent: dict, team_count: int) -> None:
    real = exchange(real_id)
    assert {k: v for k, v in real["request_body"].items() if k != "team_ids"} == {
        k: v for k, v in sent.items() if k != "team_ids"}
    r = gh.post("/orgs/acme/invitations", json=sent)
    h = lower(r.headers)
    assert r.status_code == real["status"] == 201
    assert h["content-type"] == real["headers"]["content-type"] == JSON_TYPE
    data, want = r.json(), real["body"]
    for key in ("login", "email", "role", "team_count"):
        assert data[key] == want[key], key
    assert want["team_count"] == team_count and isinstance(data["id"], int) and isinstance(want["id"], int)
    assert shape_problems(data, want, schema("organization-invitation")) == []


@pytest.mark.parametrize("real_id", ["pygithub:invite-as-non-owner"])
def test_invitation_by_a_non_owner_is_refused_with_githubs_words(make_sim: Any, demo_seed: dict, real_id: str) -> None:
    real = exchange(real_id)
    client = Client(make_sim(copy.deepcopy(demo_seed)), "sim-token-alice")
    r = client.post("/orgs/acme/invitations", json=real["request_body"])
    assert r.status_code == real["status"] == 403
    assert r.json()["message"] == real["body"]["message"]
    assert lower(r.headers)["content-type"] == real["headers"]["content-type"] == JSON_TYPE
    assert set(real["body"]) <= set(r.json())


# ----------------------------------------------------------------------------- GraphQL
ERROR_KEYS = {"type", "path", "locations", "message"}


@pytest.mark.parametrize("real_id", ["pygithub:graphql-not-found", "hub4j:graphql-unprocessable"])
def test_graphql_errors_come_in_a_200_with_data_and_githubs_error_keys(gh: Client, real_id: str) -> None:
    real = exchange(real_id)
    r = gh.post("/graphql", json={"query": 'query { organization(login: "no-such-org") { login } }'})
    h = lower(r.headers)
    assert r.status_code == real["status"] == 200
    assert h["content-type"] == real["headers"]["content-type"] == JSON_TYPE
    assert h["x-ratelimit-resource"] == real["headers"]["x-ratelimit-resource"] == "graphql"
    assert rate_header_problems(h, real["headers"]) == []
    body = r.json()
    assert set(body) == set(real["body"]) == {"data", "errors"}
    for got, want in zip(body["errors"], real["body"]["errors"]):
        assert set(got) == set(want) == ERROR_KEYS
        assert [type(got[k]).__name__ for k in sorted(ERROR_KEYS)] == [type(want[k]).__name__ for k in sorted(ERROR_KEYS)]
    field = real["body"]["errors"][0]["path"][0]
    assert real["body"]["data"] == {field: None} and body["data"] == {"organization": None}
    if real_id == "pygithub:graphql-not-found":
        assert body["errors"][0]["type"] == real["body"]["errors"][0]["type"] == "NOT_FOUND"
        assert body["errors"][0]["message"].startswith("Could not resolve to an Organization with the login of ")
        assert real["body"]["errors"][0]["message"].startswith("Could not resolve to a node with the global id of ")


@pytest.mark.parametrize("real_id", ["pygithub:graphql-data"])
def test_graphql_answer_has_data_only(gh: Client, real_id: str) -> None:
    real = exchange(real_id)
    r = gh.post("/graphql", json={"query": 'query { organization(login: "acme") { login } }'})
    assert r.status_code == real["status"] == 200
    assert set(r.json()) == set(real["body"]) == {"data"}


@pytest.mark.parametrize("real_id", ["pygithub:ghes-graphql"])
def test_ghes_serves_graphql_at_api_graphql_beside_api_v3(make_sim: Any, demo_seed: dict, real_id: str) -> None:
    """PyGithub's GHES recording (its test rewrites the host to my.enterprise.com): REST under
    /api/v3, GraphQL at /api/graphql."""
    real = exchange(real_id)
    assert (real["method"], real["path"], real["status"]) == ("POST", "/api/graphql", 200)
    sim = make_sim(copy.deepcopy(demo_seed), ghes=True)
    gh = Client(sim, ADMIN)
    root = sim.api_url[:-len("/api/v3")] if sim.api_url.endswith("/api/v3") else sim.api_url
    r = gh.post(root + "/api/graphql", json={"query": 'query { organization(login: "acme") { login } }'})
    assert r.status_code == 200 and r.json()["data"]["organization"]["login"] == "acme"
    assert set(r.json()) <= set(real["body"]) | {"errors"}
    assert gh.post(root + "/graphql", json={"query": "query { viewer { login } }"}).status_code == 404


# ----------------------------------------------------------------------------- cascades
def test_deleting_a_parent_team_deletes_every_team_below_it(make_sim: Any, demo_seed: dict) -> None:
    """GitHub's "Delete a team" (the OpenAPI description vendored in tests/data/github-openapi): "If
    you are an organization owner, deleting a parent team will delete all of its child teams as
    well." Grandchildren go too; invitations lose the deleted teams; the other teams stay."""
    from simcontract import raw_spec
    described = raw_spec(False)["paths"]["/orgs/{org}/teams/{team_slug}"]["delete"]["description"]
    assert "deleting a parent team will delete all of its child teams as well" in described

    seed = copy.deepcopy(demo_seed)
    org = seed["orgs"][0]
    org["teams"].append({"slug": "oncall-eu", "name": "On-call EU", "parent": "platform-oncall"})
    gh = Client(make_sim(seed), ADMIN)
    before = sorted(t["slug"] for t in gh.get("/orgs/acme/teams", params={"per_page": 100}).json())
    assert {"platform", "platform-oncall", "oncall-eu"} <= set(before)
    assert gh.delete("/orgs/acme/teams/platform").status_code == 204
    after = sorted(t["slug"] for t in gh.get("/orgs/acme/teams", params={"per_page": 100}).json())
    assert after == [s for s in before if s not in ("platform", "platform-oncall", "oncall-eu")]
    for slug in ("platform", "platform-oncall", "oncall-eu"):
        assert gh.get("/orgs/acme/teams/%s" % slug).status_code == 404
