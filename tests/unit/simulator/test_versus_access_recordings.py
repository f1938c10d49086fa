"""The simulator's issue-20 answers (outside collaborators, repository collaborators and their
permission, repository invitations, team repositories) against real recorded exchanges
(tests/data/recordings/client-library-recordings.json: PyGithub's ReplayData, LGPL data only, and
hub4j/github-api's WireMock captures, MIT; see the README there). For each recording the simulator
is asked the same question of its own organization: the status, the content type, the rate-limit
headers the recording has, and the body's shape (every key the simulator sends is in the real answer
with the same JSON type, or in GitHub's schema) must agree; where the recording settles a value
(a message, a permission), the value too.
"""

from __future__ import annotations

from typing import Any

import pytest
from test_org_access import OWNER, _seed
from test_versus_recordings import JSON_TYPE, lower, schema, shape_problems
from test_versus_team_recordings import rate_headers_of_the_recording

from recordings import exchange
from simhelpers import Client


@pytest.fixture
def gh(make_sim: Any) -> Client:
    return Client(make_sim(_seed()), OWNER)


# real id -> (the simulator's request: method, path, JSON body or None, Accept or None), the schema of the body
CASES = {
    "pygithub:outside-collaborators-1": (("PUT", "/orgs/acme/outside_collaborators/carol", None, None), None),
    "pygithub:outside-collaborators-2": (("GET", "/orgs/acme/outside_collaborators", None, None), "simple-user"),
    "pygithub:outside-collaborators-3": (("DELETE", "/orgs/acme/outside_collaborators/olivia", None, None), None),
    "pygithub:list-outside-collaborators-1": (("GET", "/orgs/acme/outside_collaborators", None, None), "simple-user"),
    "hub4j:outside-collaborators-filter-all": (("GET", "/orgs/acme/outside_collaborators?filter=all", None, None),
                                               "simple-user"),
    "pygithub:collaborator-permission-1": (("GET", "/repos/acme/widgets/collaborators/owner/permission", None, None),
                                           "repository-collaborator-permission"),
    "hub4j:permission-of-admin": (("GET", "/repos/acme/widgets/collaborators/owner2/permission", None, None),
                                  "repository-collaborator-permission"),
    "pygithub:collaborator-role-name-1": (("GET", "/repos/acme/widgets/collaborators/alice/permission", None, None),
                                          "repository-collaborator-permission"),
    "hub4j:permission-of-maintainer": (("GET", "/repos/acme/widgets/collaborators/alice/permission", None, None),
                                       "repository-collaborator-permission"),
    "hub4j:permission-of-non-collaborator": (("GET", "/repos/acme/docs/collaborators/paul/permission", None, None),
                                             "repository-collaborator-permission"),
    "pygithub:add-collaborator-custom-role-1": (("PUT", "/repos/acme/widgets/collaborators/olivia",
                                                 {"permission": "auditor"}, None), None),
    "pygithub:repo-invitations-1": (("PUT", "/repos/acme/widgets/collaborators/alice", None, None), None),
    "pygithub:collaborators-affiliation-1": (("GET", "/repos/acme/widgets/collaborators?affiliation=direct", None, None),
                                             "collaborator"),
    "pygithub:repo-invitations-2": (("GET", "/repos/acme/widgets/invitations", None, None), "repository-invitation"),
    "pygithub:team-repos-1": (("GET", "/orgs/acme/teams/security/repos", None, None), "minimal-repository"),
    "pygithub:team-repos-2": (("GET", "/orgs/acme/teams/security/repos/acme/widgets", None, None), None),
    "pygithub:team-repos-3": (("GET", "/orgs/acme/teams/security/repos/acme/widgets", None,
                               "application/vnd.github.v3.repository+json"), None),
    "pygithub:team-repos-4": (("PUT", "/orgs/acme/teams/security/repos/acme/widgets", None, None), None),
    "pygithub:team-repos-5": (("GET", "/orgs/acme/teams/platform/repos", None, None), "minimal-repository"),
    "pygithub:team-repos-6": (("GET", "/orgs/acme/teams/platform/repos/acme/widgets", None, None), None),
    "pygithub:team-repos-7": (("GET", "/orgs/acme/teams/platform/repos/acme/widgets", None,
                               "application/vnd.github.v3.repository+json"), "team-repository"),
    "pygithub:team-repos-8": (("DELETE", "/orgs/acme/teams/platform/repos/acme/widgets", None, None), None),
    "pygithub:team-repo-permission-1": (("PUT", "/orgs/acme/teams/security/repos/acme/docs", {"permission": "admin"},
                                         None), None),
    "pygithub:team-repo-update-1": (("PUT", "/orgs/acme/teams/platform/repos/acme/docs", {"permission": "admin"},
                                     None), None),
}


@pytest.mark.parametrize("real_id", sorted(CASES))
def test_answer_agrees_with_the_recording(gh: Client, real_id: str) -> None:
    real = exchange(real_id)
    (method, path, body, accept), body_schema = CASES[real_id]
    assert method == real["method"]
    if real.get("request_body") is not None and body is not None:
        assert set(body) == set(real["request_body"])
    headers = {"Accept": accept} if accept else {}
    r = gh.request(method, path, json=body, headers=headers)
    h = lower(r.headers)
    assert r.status_code == real["status"], r.text
    assert rate_headers_of_the_recording(h, real["headers"]) == []
    if real["body"] in (None, "") or real["status"] == 204:
        assert r.content == b""
        return
    assert h["content-type"] == JSON_TYPE
    if "content-type" in real["headers"]:
        assert real["headers"]["content-type"].startswith("application/json")
    data = r.json()
    assert type(data) is type(real["body"])
    if real["status"] == 404:
        assert data["message"] == real["body"]["message"] == "Not Found"
        return
    documented: Any = schema(body_schema) if body_schema else None
    if isinstance(data, list) and documented:
        documented = {"type": "array", "items": documented}
    assert shape_problems(data, real["body"], documented) == []


def test_permission_values_follow_the_recordings(gh: Client) -> None:
    admin = gh.get("/repos/acme/widgets/collaborators/owner/permission").json()
    assert admin["permission"] == exchange("pygithub:collaborator-permission-1")["body"]["permission"] == "admin"
    maintain = gh.get("/repos/acme/widgets/collaborators/alice/permission").json()
    older, newer = exchange("pygithub:collaborator-role-name-1")["body"], exchange("hub4j:permission-of-maintainer")["body"]
    assert maintain["role_name"] == older["role_name"] == newer["role_name"] == "maintain"
    # The legacy field: "write" in PyGithub's recording (and GitHub's OpenAPI text), "maintain" in
    # hub4j's 2023 one. The simulator follows the documentation; clients must read role_name.
    assert maintain["permission"] in {older["permission"], newer["permission"]}
    assert set(newer["user"]) >= {"permissions", "role_name"} and set(maintain["user"]) >= {"permissions", "role_name"}
    public = gh.get("/repos/acme/docs/collaborators/paul/permission").json()
    real = exchange("hub4j:permission-of-non-collaborator")["body"]
    assert public["permission"] == real["permission"] == "read"
    assert public["user"]["login"] == "paul" and real["user"]["login"] == "dude"


@pytest.mark.parametrize("real_id,path", [
    ("pygithub:collaborator-permission-no-push-1", "/repos/acme/docs/collaborators/oscar/permission"),
])
def test_no_push_access_message(make_sim: Any, real_id: str, path: str) -> None:
    carol = Client(make_sim(_seed()), "sim-token-carol")  # no push access to docs
    real = exchange(real_id)
    r = carol.get(path)
    assert r.status_code == real["status"] == 403
    assert r.json()["message"] == real["body"]["message"]


def test_bad_permission_message(gh: Client) -> None:
    real = exchange("hub4j:add-collaborator-bad-permission")
    r = gh.put("/repos/acme/widgets/collaborators/olivia", json=real["request_body"])
    assert r.status_code == real["status"] == 422
    assert r.json()["message"].endswith(" is not a valid permission.")
    assert real["body"]["message"].endswith(" is not a valid permission.")
    assert gh.put("/repos/acme/widgets/collaborators/olivia", json={"permission": "owner"}).json()["message"] == \
        "`owner` is not a valid permission."


def test_invitation_delete_after_listing(gh: Client) -> None:
    real = exchange("pygithub:remove-repo-invitation-1")
    invitation = gh.get("/repos/acme/widgets/invitations").json()[0]
    r = gh.delete("/repos/acme/widgets/invitations/%d" % invitation["id"])
    assert r.status_code == real["status"] == 204 and r.content == b""


def test_octokit_collaborator_scenario(gh: Client) -> None:
    """@octokit/fixtures' add-and-remove-repository-collaborator, step by step: PUT of a non-member
    answers 201 with the invitation and a Location under /user/repository_invitations, the invitation
    is listed, a collaborator list holds collaborator objects, DELETE answers 204."""
    put = exchange("octokit:add-and-remove-repository-collaborator:0")
    r = gh.put("/repos/acme/widgets/collaborators/newbie")
    assert r.status_code == put["status"] == 201
    h = lower(r.headers)
    assert h["location"].endswith("/user/repository_invitations/%d" % r.json()["id"])
    assert put["headers"]["location"].endswith("/user/repository_invitations/%d" % put["body"]["id"])
    # the default permission: push, which an invitation names "write" (the recording sent no body)
    assert r.json()["permissions"] == put["body"]["permissions"] == "write"
    assert shape_problems(r.json(), put["body"], schema("repository-invitation")) == []
    listed = exchange("octokit:add-and-remove-repository-collaborator:1")
    r = gh.get("/repos/acme/widgets/invitations")
    assert r.status_code == listed["status"] == 200
    assert "newbie" in [i["invitee"]["login"] for i in r.json()]
    assert shape_problems(r.json(), listed["body"], {"type": "array", "items": schema("repository-invitation")}) == []
    collaborators = exchange("octokit:add-and-remove-repository-collaborator:3")
    r = gh.get("/repos/acme/widgets/collaborators")
    assert r.status_code == collaborators["status"] == 200
    assert shape_problems(r.json(), collaborators["body"], {"type": "array", "items": schema("collaborator")}) == []
    # the recording's invitee accepts (PATCH /user/repository_invitations/{id}) before the DELETE
    gh.sim.state.accept_repo_invitation("acme", "widgets", "newbie")
    assert gh.get("/repos/acme/widgets/collaborators/newbie").status_code == 204
    removed = exchange("octokit:add-and-remove-repository-collaborator:4")
    r = gh.delete("/repos/acme/widgets/collaborators/newbie")
    assert r.status_code == removed["status"] == 204
    assert gh.get("/repos/acme/widgets/collaborators/newbie").status_code == 404
