"""Org memberships, members, public members, invitations and the self-service endpoints."""

from __future__ import annotations

import copy

import pytest
from simhelpers import ADMIN, Client


# ----------------------------------------------------------------------------- /orgs/{org}/memberships
def test_get_active_membership_shape(admin, sim):
    r = admin.get("/orgs/acme/memberships/alice")
    assert r.status_code == 200
    body = r.json()
    assert body["state"] == "active" and body["role"] == "member"
    assert body["url"] == f"{sim.api_url}/orgs/acme/memberships/alice"
    assert body["organization_url"] == f"{sim.api_url}/orgs/acme"
    assert body["organization"]["login"] == "acme" and body["organization"]["id"] == 9001
    assert body["user"]["login"] == "alice" and body["user"]["type"] == "User"


def test_get_owner_and_pending(admin):
    assert admin.get("/orgs/acme/memberships/octo-admin").json()["role"] == "admin"
    dave = admin.get("/orgs/acme/memberships/dave").json()
    assert (dave["state"], dave["role"]) == ("pending", "member")
    erin = admin.get("/orgs/acme/memberships/erin").json()
    assert (erin["state"], erin["role"]) == ("pending", "admin")


def test_get_not_member_404(admin):
    for login in ("new-hire", "no-such-user", "eve"):  # eve: failed invitation only
        r = admin.get(f"/orgs/acme/memberships/{login}")
        assert r.status_code == 404
        assert r.json()["message"] == "Not Found"
        assert r.json()["documentation_url"].startswith("https://docs.github.com/rest")
    assert admin.get("/orgs/nope/memberships/alice").status_code == 404


def test_get_caller_not_member_404(client_for):
    outsider = client_for("outsider")
    assert outsider.get("/orgs/acme/memberships/alice").status_code == 404
    # but a user can read their own pending membership
    dave = client_for("dave")
    assert dave.get("/orgs/acme/memberships/dave").json()["state"] == "pending"


def test_case_insensitive_logins_canonical_spelling(admin):
    r = admin.get("/orgs/ACME/memberships/ALICE")
    assert r.status_code == 200
    assert r.json()["user"]["login"] == "alice"
    assert r.json()["organization"]["login"] == "acme"
    assert r.json()["url"].endswith("/orgs/acme/memberships/alice")


def test_put_existing_member_changes_role(admin, sim):
    r = admin.put("/orgs/acme/memberships/alice", json={"role": "admin"})
    assert r.status_code == 200 and r.json()["state"] == "active" and r.json()["role"] == "admin"
    assert sim.state.org_role("acme", "alice") == "admin"
    # role omitted defaults to member (GitHub's documented default): demotes
    r = admin.put("/orgs/acme/memberships/alice")
    assert r.json()["role"] == "member"
    assert sim.state.org_role("acme", "ALICE") == "member"


def test_put_non_member_creates_pending_invitation(admin, sim):
    r = admin.put("/orgs/acme/memberships/new-hire", json={"role": "member"})
    assert r.status_code == 200
    assert (r.json()["state"], r.json()["role"]) == ("pending", "member")
    assert sim.state.org_role("acme", "new-hire") is None
    inv = sim.state.org_invitation("acme", "new-hire")
    assert inv["role"] == "direct_member" and inv["inviter"] == "octo-admin"
    # reading back: pending, not active
    assert admin.get("/orgs/acme/memberships/new-hire").json()["state"] == "pending"
    # again with admin: updates the invitation role, still one invitation
    r = admin.put("/orgs/acme/memberships/new-hire", json={"role": "admin"})
    assert (r.json()["state"], r.json()["role"]) == ("pending", "admin")
    assert sim.state.org_invitation("acme", "new-hire")["role"] == "admin"
    assert sim.state.org_invitation("acme", "new-hire")["id"] == inv["id"]


def test_put_errors(admin, client_for):
    r = admin.put("/orgs/acme/memberships/other-org", json={"role": "member"})
    assert r.status_code == 422 and "organization" in r.json()["message"].lower()
    r = admin.put("/orgs/acme/memberships/acme")  # the org itself is an Organization user
    assert r.status_code == 422
    assert admin.put("/orgs/acme/memberships/ghost-user", json={"role": "member"}).status_code == 404
    r = admin.put("/orgs/acme/memberships/alice", json={"role": "owner"})
    assert r.status_code == 422
    r = client_for("alice").put("/orgs/acme/memberships/bob", json={"role": "admin"})
    assert r.status_code == 403 and "admin" in r.json()["message"]
    r = admin.put("/orgs/acme/memberships/alice", data=b"{nope", headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and r.json()["message"] == "Problems parsing JSON"


def test_delete_member_removes_from_teams_and_public(admin, sim):
    admin.put("/orgs/acme/teams/platform/memberships/octo-admin", json={"role": "member"})
    sim.state.set_public(sim.state.org("acme"), "alice", True)
    r = admin.delete("/orgs/acme/memberships/alice")
    assert r.status_code == 204 and r.content == b""
    assert sim.state.org_role("acme", "alice") is None
    assert sim.state.team_role("acme", "platform", "alice") is None
    assert sim.state.team_role("acme", "sso-synced", "alice") is None
    assert not sim.state.is_public("acme", "alice")
    assert admin.get("/orgs/acme/memberships/alice").status_code == 404


def test_delete_pending_cancels_invitation(admin, sim):
    assert admin.delete("/orgs/acme/memberships/dave").status_code == 204
    assert sim.state.org_invitation("acme", "dave") is None
    assert sim.state.team_pending("acme", "platform", "dave") is None
    assert admin.delete("/orgs/acme/memberships/dave").status_code == 404
    assert admin.delete("/orgs/acme/memberships/new-hire").status_code == 404


def test_delete_requires_owner(client_for, sim):
    assert client_for("alice").delete("/orgs/acme/memberships/bob").status_code == 403
    assert sim.state.org_role("acme", "bob") == "member"


# ----------------------------------------------------------------------------- /orgs/{org}/members
def test_members_list_and_filters(admin, client_for):
    logins = [u["login"] for u in admin.get("/orgs/acme/members").json()]
    assert logins == ["octo-admin", "alice", "bob", "carol"]  # ordered by user id
    assert [u["login"] for u in admin.get("/orgs/acme/members?role=admin").json()] == ["octo-admin"]
    assert "octo-admin" not in [u["login"] for u in admin.get("/orgs/acme/members?role=member").json()]
    assert [u["login"] for u in admin.get("/orgs/acme/members?filter=2fa_disabled").json()] == ["bob"]
    assert admin.get("/orgs/acme/members?filter=2fa_insecure").json() == []
    assert admin.get("/orgs/acme/members?role=boss").status_code == 422
    assert admin.get("/orgs/acme/members?filter=everything").status_code == 422
    assert client_for("alice").get("/orgs/acme/members?filter=2fa_disabled").status_code == 422
    # a non-member sees only public members
    assert [u["login"] for u in client_for("outsider").get("/orgs/acme/members").json()] == ["octo-admin"]
    assert admin.get("/orgs/nope/members").status_code == 404


def test_members_list_does_not_include_role(admin):
    assert all("role" not in u for u in admin.get("/orgs/acme/members").json())


def test_check_membership_member_caller(admin):
    r = admin.get("/orgs/acme/members/alice")
    assert r.status_code == 204 and r.content == b""
    assert admin.get("/orgs/acme/members/new-hire").status_code == 404
    assert admin.get("/orgs/acme/members/dave").status_code == 404  # pending is not a member


def test_check_membership_non_member_caller_redirects(client_for, sim):
    outsider = client_for("outsider")
    r = outsider.get("/orgs/acme/members/alice")
    assert r.status_code == 302
    assert r.headers["Location"] == f"{sim.api_url}/orgs/acme/public_members/alice"
    # a redirect-following client ends up testing PUBLIC membership: alice is concealed -> 404
    r = outsider.get("/orgs/acme/members/alice", allow_redirects=True)
    assert r.status_code == 404
    r = outsider.get("/orgs/acme/members/octo-admin", allow_redirects=True)
    assert r.status_code == 204
    # a pending invitee is not a member either
    assert client_for("dave").get("/orgs/acme/members/bob").status_code == 302


def test_remove_member(admin, client_for, sim):
    assert client_for("alice").delete("/orgs/acme/members/bob").status_code == 403
    assert admin.delete("/orgs/acme/members/bob").status_code == 204
    assert sim.state.org_role("acme", "bob") is None
    assert sim.state.team_role("acme", "platform", "bob") is None


# ----------------------------------------------------------------------------- public members
def test_public_members(admin, client_for, sim):
    assert [u["login"] for u in admin.get("/orgs/acme/public_members").json()] == ["octo-admin"]
    assert admin.get("/orgs/acme/public_members/octo-admin").status_code == 204
    assert admin.get("/orgs/acme/public_members/alice").status_code == 404

    alice = client_for("alice")
    r = alice.put("/orgs/acme/public_members/alice", headers={"Content-Length": "0"})
    assert r.status_code == 204 and r.content == b""
    assert sim.state.is_public("acme", "alice")
    assert [u["login"] for u in alice.get("/orgs/acme/public_members").json()] == ["octo-admin", "alice"]
    assert alice.delete("/orgs/acme/public_members/ALICE").status_code == 204
    assert not sim.state.is_public("acme", "alice")


def test_public_members_only_own_login(admin, client_for, sim):
    r = admin.put("/orgs/acme/public_members/alice")
    assert r.status_code == 403
    assert not sim.state.is_public("acme", "alice")
    assert admin.delete("/orgs/acme/public_members/alice").status_code == 403
    assert client_for("outsider").put("/orgs/acme/public_members/outsider").status_code == 403
    assert client_for("dave").put("/orgs/acme/public_members/dave").status_code == 403


# ----------------------------------------------------------------------------- invitations
def test_invitations_list_shape(admin):
    invs = admin.get("/orgs/acme/invitations").json()
    by_login = {i["login"]: i for i in invs}
    assert set(by_login) == {"dave", "erin", None}
    dave = by_login["dave"]
    assert dave["role"] == "direct_member" and dave["team_count"] == 1
    assert dave["failed_at"] is None and dave["failed_reason"] is None
    assert dave["inviter"]["login"] == "octo-admin"
    assert dave["invitation_teams_url"].endswith(f"/organizations/9001/invitations/{dave['id']}/teams")
    assert by_login[None]["email"] == "someone@example.com"
    assert [i["login"] for i in admin.get("/orgs/acme/invitations?role=admin").json()] == ["erin"]
    teams = admin.get(dave["invitation_teams_url"]).json()
    assert [t["slug"] for t in teams] == ["platform"]


def test_failed_invitations(admin, client_for):
    failed = admin.get("/orgs/acme/failed_invitations").json()
    assert [(f["login"], f["failed_reason"]) for f in failed] == [("eve", "expired")]
    assert failed[0]["failed_at"]
    assert client_for("alice").get("/orgs/acme/invitations").status_code == 404


def test_create_and_cancel_invitation(admin, sim):
    team_id = sim.state.team("acme", "platform").id
    new_hire_id = sim.state.user("new-hire").id
    r = admin.post("/orgs/acme/invitations", json={"invitee_id": new_hire_id, "role": "admin", "team_ids": [team_id]})
    assert r.status_code == 201
    inv = r.json()
    assert inv["login"] == "new-hire" and inv["role"] == "admin" and inv["team_count"] == 1
    assert admin.get("/orgs/acme/memberships/new-hire").json()["role"] == "admin"
    assert admin.get("/orgs/acme/teams/platform/memberships/new-hire").json()["state"] == "pending"
    # errors
    assert admin.post("/orgs/acme/invitations", json={"invitee_id": new_hire_id}).status_code == 422
    alice_id = sim.state.user("alice").id
    assert admin.post("/orgs/acme/invitations", json={"invitee_id": alice_id}).status_code == 422
    assert admin.post("/orgs/acme/invitations", json={"role": "admin"}).status_code == 422
    r = admin.post("/orgs/acme/invitations", json={"email": "x@example.com", "team_ids": [999999]})
    assert r.status_code == 422
    r = admin.post("/orgs/acme/invitations", json={"email": "new@example.com"})
    assert r.status_code == 201 and r.json()["email"] == "new@example.com" and r.json()["login"] is None
    # cancel
    assert admin.delete(f"/orgs/acme/invitations/{inv['id']}").status_code == 204
    assert sim.state.org_invitation("acme", "new-hire") is None
    assert admin.delete(f"/orgs/acme/invitations/{inv['id']}").status_code == 404


# ----------------------------------------------------------------------------- self service
def test_user_memberships_list(client_for):
    dave = client_for("dave")
    items = dave.get("/user/memberships/orgs").json()
    assert [(m["organization"]["login"], m["state"], m["role"]) for m in items] == [("acme", "pending", "member")]
    assert dave.get("/user/memberships/orgs?state=active").json() == []
    assert len(dave.get("/user/memberships/orgs?state=pending").json()) == 1
    assert dave.get("/user/memberships/orgs?state=weird").status_code == 422
    alice = client_for("alice")
    assert [m["state"] for m in alice.get("/user/memberships/orgs").json()] == ["active"]
    assert client_for("new-hire").get("/user/memberships/orgs").json() == []


def test_user_membership_get(client_for):
    assert client_for("dave").get("/user/memberships/orgs/ACME").json()["state"] == "pending"
    assert client_for("alice").get("/user/memberships/orgs/acme").json()["state"] == "active"
    assert client_for("new-hire").get("/user/memberships/orgs/acme").status_code == 404
    assert client_for("alice").get("/user/memberships/orgs/nope").status_code == 404


def test_accept_invitation(client_for, sim):
    dave = client_for("dave")
    assert dave.patch("/user/memberships/orgs/acme", json={"state": "inactive"}).status_code == 422
    assert dave.patch("/user/memberships/orgs/acme", json={}).status_code == 422
    r = dave.patch("/user/memberships/orgs/acme", json={"state": "active"})
    assert r.status_code == 200
    assert (r.json()["state"], r.json()["role"]) == ("active", "member")
    assert sim.state.org_role("acme", "dave") == "member"
    assert sim.state.team_role("acme", "platform", "dave") == "member"
    assert sim.state.org_invitation("acme", "dave") is None
    # already active: 200 again, no change
    assert dave.patch("/user/memberships/orgs/acme", json={"state": "active"}).status_code == 200
    assert client_for("new-hire").patch("/user/memberships/orgs/acme", json={"state": "active"}).status_code == 404


def test_accept_admin_invitation_with_team_role(admin, make_sim, demo_seed):
    sim = admin.sim
    admin.put("/orgs/acme/memberships/new-hire", json={"role": "admin"})
    admin.put("/orgs/acme/teams/platform-oncall/memberships/new-hire", json={"role": "maintainer"})
    assert sim.state.team_pending("acme", "platform-oncall", "new-hire") == "maintainer"
    from simhelpers import Client
    r = Client(sim, "sim-token-new-hire").patch("/user/memberships/orgs/acme", json={"state": "active"})
    assert r.json()["role"] == "admin"
    assert sim.state.org_role("acme", "new-hire") == "admin"
    assert sim.state.team_role("acme", "platform-oncall", "new-hire") == "maintainer"


def test_user_and_org_endpoints(admin, client_for, sim):
    me = admin.get("/user").json()
    assert me["login"] == "octo-admin" and me["id"] == sim.state.user("octo-admin").id
    org = admin.get("/orgs/Acme").json()
    assert (org["login"], org["id"], org["url"]) == ("acme", 9001, f"{sim.api_url}/orgs/acme")
    assert admin.get("/orgs/nope").status_code == 404
    assert admin.get("/users/other-org").json()["type"] == "Organization"
    teams = client_for("alice").get("/user/teams").json()
    assert [t["slug"] for t in teams] == ["platform", "sso-synced"]


@pytest.mark.parametrize("path", ["/orgs/acme/memberships/alice", "/orgs/acme/members", "/user"])
def test_unknown_methods_are_404(admin, path):
    r = admin.request("PATCH" if path != "/user" else "DELETE", path)
    assert r.status_code == 404 and r.json()["message"] == "Not Found"


# ----------------------------------------------------------------------------- issue 18: people
def test_get_user_by_id_follows_a_rename_and_404s_for_no_account(admin, sim):
    uid = sim.state.user("dave").id
    sim.state.rename_user("dave", "david")
    r = admin.get(f"/user/{uid}")
    assert r.status_code == 200 and r.json()["login"] == "david" and r.json()["id"] == uid
    assert admin.get("/user/987654321").status_code == 404
    assert admin.get("/user/teams").status_code == 200  # the older /user/... routes still win


def test_delete_invitation_also_deletes_a_failed_one(admin, sim):
    failed = admin.get("/orgs/acme/failed_invitations").json()
    eve = [i for i in failed if i["login"] == "eve"][0]
    assert eve["failed_reason"] == "expired" and eve["failed_at"]
    assert admin.delete(f"/orgs/acme/invitations/{eve['id']}").status_code == 204
    assert [i for i in admin.get("/orgs/acme/failed_invitations").json() if i["login"] == "eve"] == []
    assert admin.delete(f"/orgs/acme/invitations/{eve['id']}").status_code == 404


def test_over_invitation_rate_limit_counts_the_last_24_hours(make_sim, demo_seed):
    seed = copy.deepcopy(demo_seed)
    seed["orgs"][0]["invitation_limit"] = 1
    sim = make_sim(seed)
    admin = Client(sim, ADMIN)
    assert admin.put("/orgs/acme/memberships/new-hire", json={"role": "member"}).status_code == 200
    for method, path, body in (("PUT", "/orgs/acme/memberships/outsider", {"role": "member"}),
                               ("PUT", "/orgs/acme/teams/platform/memberships/outsider", {"role": "member"}),
                               ("POST", "/orgs/acme/invitations", {"email": "someone@example.com"})):
        r = admin.request(method, path, json=body)
        assert r.status_code == 422, (method, path)
        assert r.json()["message"] == "Validation Failed"
        assert r.json()["errors"] == [{"resource": "OrganizationInvitation", "code": "unprocessable", "field": "data",
                                       "message": "Over invitation rate limit"}]
    assert sim.state.org_invitation("acme", "outsider") is None


def test_an_accepted_email_invitation_makes_a_member_by_login(sim, admin):
    emailed = [i for i in admin.get("/orgs/acme/invitations").json() if i["login"] is None][0]
    sim.state.accept_email_invitation("acme", emailed["email"], "outsider")
    assert sim.state.org_role("acme", "outsider") == "member"
    assert [i for i in admin.get("/orgs/acme/invitations").json() if i["id"] == emailed["id"]] == []
