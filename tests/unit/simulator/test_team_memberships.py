"""Teams and team memberships: slug, id and legacy routes, and GitHub's traps."""

from __future__ import annotations

import pytest

SLUG = "/orgs/acme/teams/platform"
ID = "/organizations/9001/team/7001"
LEGACY = "/teams/7001"
ROUTES = [SLUG, ID, LEGACY]


def test_list_teams_shapes(admin, sim, client_for):
    teams = admin.get("/orgs/acme/teams").json()
    assert [t["slug"] for t in teams] == ["platform", "platform-oncall", "sso-synced", "security"]
    by_slug = {t["slug"]: t for t in teams}
    assert by_slug["platform"]["parent"] is None
    assert by_slug["platform-oncall"]["parent"]["slug"] == "platform"
    assert by_slug["platform"]["url"] == f"{sim.api_url}/organizations/9001/team/7001"
    assert by_slug["platform"]["members_url"] == f"{sim.api_url}/organizations/9001/team/7001/members{{/member}}"
    # secret team hidden from members not in it; non-members cannot list
    assert "security" not in [t["slug"] for t in client_for("alice").get("/orgs/acme/teams").json()]
    assert client_for("outsider").get("/orgs/acme/teams").status_code == 403


@pytest.mark.parametrize("base", ROUTES)
def test_get_team_all_routes(admin, base):
    t = admin.get(base).json()
    assert (t["id"], t["slug"], t["name"]) == (7001, "platform", "Platform")
    assert t["organization"]["login"] == "acme"
    assert t["members_count"] == 3  # alice, bob + carol through platform-oncall


def test_team_not_found(admin, client_for):
    for path in ("/orgs/acme/teams/nope", "/organizations/9001/team/999", "/teams/999",
                 "/organizations/1/team/7001", "/orgs/nope/teams/platform"):
        r = admin.get(path)
        assert r.status_code == 404 and r.json()["message"] == "Not Found", path
    assert admin.get("/orgs/acme/teams/PLATFORM").json()["slug"] == "platform"
    # not visible: outsiders, and secret teams for non-members
    assert client_for("outsider").get(SLUG).status_code == 404
    assert client_for("alice").get("/orgs/acme/teams/security").status_code == 404
    assert client_for("alice").get("/orgs/acme/teams/security/memberships/octo-admin").status_code == 404


@pytest.mark.parametrize("base", ROUTES)
def test_team_members_include_child_teams(admin, base):
    logins = [u["login"] for u in admin.get(f"{base}/members").json()]
    assert logins == ["alice", "bob", "carol"]
    assert [u["login"] for u in admin.get(f"{base}/members?role=maintainer").json()] == ["alice"]
    assert [u["login"] for u in admin.get(f"{base}/members?role=member").json()] == ["bob", "carol"]
    assert admin.get(f"{base}/members?role=owner").status_code == 422


def test_team_members_owner_reads_as_maintainer(admin, sim):
    admin.put(f"{SLUG}/memberships/octo-admin", json={"role": "member"})
    assert sim.state.team_role("acme", "platform", "octo-admin") == "member"  # stored as asked
    maint = [u["login"] for u in admin.get(f"{SLUG}/members?role=maintainer").json()]
    assert maint == ["octo-admin", "alice"]
    assert "octo-admin" not in [u["login"] for u in admin.get(f"{SLUG}/members?role=member").json()]


@pytest.mark.parametrize("base", ROUTES)
def test_get_membership_cases(admin, sim, base):
    r = admin.get(f"{base}/memberships/alice")
    assert r.status_code == 200
    assert r.json() == {"url": f"{sim.api_url}/organizations/9001/team/7001/memberships/alice",
                        "role": "maintainer", "state": "active"}
    assert admin.get(f"{base}/memberships/BOB").json()["role"] == "member"
    # only through the child team platform-oncall
    assert admin.get(f"{base}/memberships/carol").json() == {
        "url": f"{sim.api_url}/organizations/9001/team/7001/memberships/carol", "role": "member", "state": "active"}
    # pending: dave's org invitation carries this team
    assert admin.get(f"{base}/memberships/dave").json()["state"] == "pending"
    for login in ("new-hire", "octo-admin", "ghost"):
        r = admin.get(f"{base}/memberships/{login}")
        assert r.status_code == 404 and r.json()["message"] == "Not Found"


def test_nested_grandchild_visible(make_sim, demo_seed):
    import copy
    seed = copy.deepcopy(demo_seed)
    seed["orgs"][0]["teams"].append({"slug": "oncall-nights", "parent": "platform-oncall", "members": ["octo-admin"]})
    from simhelpers import Client
    sim = make_sim(seed)
    c = Client(sim)
    assert c.get(f"{SLUG}/memberships/octo-admin").json() == {
        "url": f"{sim.api_url}/organizations/9001/team/7001/memberships/octo-admin", "role": "maintainer",
        "state": "active"}
    assert "octo-admin" in [u["login"] for u in c.get(f"{SLUG}/members").json()]


def test_owner_always_reads_as_maintainer(admin, sim):
    r = admin.put(f"{SLUG}/memberships/octo-admin", json={"role": "member"})
    assert r.status_code == 200 and r.json()["role"] == "maintainer" and r.json()["state"] == "active"
    assert admin.get(f"{SLUG}/memberships/octo-admin").json()["role"] == "maintainer"
    # promoting a member to owner changes how they read back
    admin.put("/orgs/acme/memberships/bob", json={"role": "admin"})
    assert admin.get(f"{SLUG}/memberships/bob").json()["role"] == "maintainer"
    assert sim.state.team_role("acme", "platform", "bob") == "member"


@pytest.mark.parametrize("base", ROUTES)
def test_put_org_member(admin, sim, base):
    r = admin.put(f"{base}/memberships/carol", json={"role": "maintainer"})
    assert r.status_code == 200 and r.json()["role"] == "maintainer" and r.json()["state"] == "active"
    assert sim.state.team_role("acme", "platform", "carol") == "maintainer"
    r = admin.put(f"{base}/memberships/carol")  # role defaults to member
    assert r.json()["role"] == "member"
    assert sim.state.team_role("acme", "platform", "carol") == "member"


def test_put_non_org_member_creates_pending_invitation(admin, sim):
    r = admin.put(f"{SLUG}/memberships/new-hire", json={"role": "maintainer"})
    assert r.status_code == 200
    assert (r.json()["state"], r.json()["role"]) == ("pending", "maintainer")
    inv = sim.state.org_invitation("acme", "new-hire")
    assert inv["role"] == "direct_member" and inv["teams"] == {"platform": "maintainer"}
    assert sim.state.team_pending("acme", "platform", "new-hire") == "maintainer"
    assert sim.state.org_role("acme", "new-hire") is None
    assert admin.get("/orgs/acme/memberships/new-hire").json()["state"] == "pending"
    # a second team extends the same invitation
    admin.put("/orgs/acme/teams/platform-oncall/memberships/new-hire")
    inv2 = sim.state.org_invitation("acme", "new-hire")
    assert inv2["id"] == inv["id"] and set(inv2["teams"]) == {"platform", "platform-oncall"}
    assert [i["login"] for i in admin.get(f"{SLUG}/invitations").json()] == ["dave", "new-hire"]
    assert admin.get(f"{LEGACY}/invitations").status_code == 200


def test_put_errors(admin, client_for, sim):
    r = admin.put(f"{SLUG}/memberships/other-org", json={"role": "member"})
    assert r.status_code == 422 and r.json()["message"] == "Cannot add an organization as a member."
    r = admin.put("/orgs/acme/teams/sso-synced/memberships/bob", json={"role": "member"})
    assert r.status_code == 403 and r.json()["message"] == "Forbidden"  # documented status, no recorded text
    assert admin.get("/orgs/acme/teams/sso-synced/team-sync/group-mappings").json()["groups"][0]["group_name"]
    assert sim.state.team_role("acme", "sso-synced", "bob") is None
    assert admin.put(f"{SLUG}/memberships/ghost").status_code == 404
    assert admin.put(f"{SLUG}/memberships/bob", json={"role": "admin"}).status_code == 422
    assert admin.put("/orgs/acme/teams/nope/memberships/bob").status_code == 404
    # plain member: 403; team maintainer (alice): may add org members, not invite outsiders
    assert client_for("bob").put(f"{SLUG}/memberships/carol").status_code == 403
    alice = client_for("alice")
    assert alice.put(f"{SLUG}/memberships/carol", json={"role": "member"}).status_code == 200
    assert alice.put(f"{SLUG}/memberships/new-hire").status_code == 403
    assert sim.state.org_invitation("acme", "new-hire") is None


@pytest.mark.parametrize("base", ROUTES)
def test_delete_direct_member(admin, sim, base):
    r = admin.delete(f"{base}/memberships/bob")
    assert r.status_code == 204 and r.content == b""
    assert sim.state.team_role("acme", "platform", "bob") is None
    assert admin.get(f"{base}/memberships/bob").status_code == 404
    assert admin.delete(f"{base}/memberships/bob").status_code == 404


def test_delete_child_team_member_is_a_silent_noop(admin, sim):
    before = sim.state.snapshot()
    r = admin.delete(f"{SLUG}/memberships/carol")
    assert r.status_code == 204
    assert sim.state.snapshot() == before
    # still reads back as a member: the flapping trap
    assert admin.get(f"{SLUG}/memberships/carol").json()["state"] == "active"


def test_delete_pending_team_invitation(admin, sim):
    assert admin.delete(f"{SLUG}/memberships/dave").status_code == 204
    assert sim.state.team_pending("acme", "platform", "dave") is None
    assert sim.state.org_invitation("acme", "dave") is not None  # the org invitation stays
    assert admin.get(f"{SLUG}/memberships/dave").status_code == 404


def test_delete_errors(admin, client_for, sim):
    r = admin.delete("/orgs/acme/teams/sso-synced/memberships/alice")
    assert r.status_code == 403 and r.json()["message"] == "Forbidden"  # documented status, no recorded text
    assert admin.get("/orgs/acme/teams/sso-synced/team-sync/group-mappings").json()["groups"][0]["group_name"]
    assert sim.state.team_role("acme", "sso-synced", "alice") == "member"
    assert admin.delete(f"{SLUG}/memberships/new-hire").status_code == 404
    assert client_for("bob").delete(f"{SLUG}/memberships/alice").status_code == 403
