"""Issue 20 in the simulator: organization roles, outside collaborators, repositories and their
collaborators, team repository access, two-factor filters. Every exchange of these tests is checked
against GitHub's OpenAPI extract at teardown (conftest's ``make_sim``), so a body that strays from
GitHub's documented shapes fails here."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from ghsim import Simulator
from ghsim.state import SeedError, State
from recordings import exchange
from simhelpers import Client

EXTRACT = Path(__file__).resolve().parents[2] / "data" / "github-openapi" / "api.github.com.membership.json"
OWNER = "sim-token-owner"


def _seed() -> dict:
    return {
        "users": ["owner", "owner2", "alice", "bob", "carol", {"login": "olivia", "two_factor": "disabled"},
                  {"login": "oscar", "two_factor": "insecure"}, "paul", "newbie", {"login": "other-org", "type": "Organization"}],
        "tokens": {OWNER: "owner", "sim-token-alice": "alice", "sim-token-olivia": "olivia", "sim-token-carol": "carol"},
        "orgs": [{
            "login": "acme", "id": 9001, "owners": ["owner", "owner2"], "members": ["alice", "bob", "carol"],
            "two_factor_disabled": ["bob"], "two_factor_requirement_enabled": True,
            "default_repository_permission": "none",
            "custom_repository_roles": [{"name": "auditor", "base_role": "read", "permissions": ["view_secret_scanning_alerts"]}],
            "repositories": [
                {"name": "widgets", "private": True, "collaborators": {"olivia": "push", "alice": "maintain"},
                 "invitations": {"paul": "triage"}},
                {"name": "docs", "collaborators": {"oscar": "pull"}},
                {"name": "secret-sauce", "private": True},
            ],
            "teams": [
                {"slug": "platform", "members": ["bob"], "repositories": {"widgets": "push", "docs": "auditor"}},
                {"slug": "oncall", "parent": "platform", "members": ["carol"], "repositories": {"secret-sauce": "pull"}},
                {"slug": "security", "members": ["alice"]},
            ],
            "organization_roles": [
                {"role": "security_manager", "users": ["alice"], "teams": ["security"]},
                {"role": "all_repo_read", "teams": ["platform"]},
                {"role": "release-manager", "description": "Ships releases", "permissions": ["read_audit_logs"], "users": ["bob"]},
            ],
        }],
    }


@pytest.fixture
def world(make_sim: Any) -> Simulator:
    return make_sim(_seed())


@pytest.fixture
def owner(world: Simulator) -> Client:
    return Client(world, OWNER)


def _role_id(owner: Client, name: str) -> int:
    roles = owner.get("/orgs/acme/organization-roles").json()["roles"]
    return next(r["id"] for r in roles if r["name"] == name)


# ----------------------------------------------------------------------------- organization roles
def test_roles_list_predefined_and_custom(owner: Client) -> None:
    r = owner.get("/orgs/acme/organization-roles")
    assert r.status_code == 200
    body = r.json()
    names = {x["name"]: x for x in body["roles"]}
    assert body["total_count"] == len(body["roles"])
    for name in ("security_manager", "all_repo_read", "all_repo_triage", "all_repo_write", "all_repo_maintain",
                 "all_repo_admin", "ci_cd_admin"):
        assert names[name]["source"] == "Predefined"
    assert names["all_repo_read"]["id"] == 8132 and names["all_repo_admin"]["base_role"] == "admin"
    custom = names["release-manager"]
    assert custom["source"] == "Organization" and custom["permissions"] == ["read_audit_logs"]
    assert custom["organization"]["login"] == "acme"
    one = owner.get(f"/orgs/acme/organization-roles/{custom['id']}")
    assert one.status_code == 200 and one.json()["name"] == "release-manager"
    assert owner.get("/orgs/acme/organization-roles/424242").status_code == 404


def test_roles_hidden_from_members(world: Simulator) -> None:
    alice = Client(world, "sim-token-alice")
    assert alice.get("/orgs/acme/organization-roles").status_code == 404
    assert alice.get("/orgs/acme/organization-roles/8132/users").status_code == 404
    assert alice.put("/orgs/acme/organization-roles/users/carol/8132").status_code == 403


def test_role_users_direct_indirect_mixed(owner: Client) -> None:
    users = owner.get("/orgs/acme/organization-roles/138/users").json()
    assert [(u["login"], u["assignment"]) for u in users] == [("alice", "mixed")]
    assert [t["slug"] for t in users[0]["inherited_from"]] == ["security"]
    reads = {u["login"]: u for u in owner.get("/orgs/acme/organization-roles/8132/users").json()}
    # team platform holds all_repo_read; carol is in its child team oncall
    assert {k: v["assignment"] for k, v in reads.items()} == {"bob": "indirect", "carol": "indirect"}
    assert [t["slug"] for t in reads["carol"]["inherited_from"]] == ["platform"]
    teams = owner.get("/orgs/acme/organization-roles/8132/teams").json()
    assert [(t["slug"], t["assignment"]) for t in teams] == [("platform", "direct"), ("oncall", "indirect")]
    assert teams[1]["parent"]["slug"] == "platform"


def test_assign_and_revoke_user_role(owner: Client, world: Simulator) -> None:
    r = owner.put("/orgs/acme/organization-roles/users/carol/8136")
    assert r.status_code == 204 and r.content == b""
    assert [u["login"] for u in owner.get("/orgs/acme/organization-roles/8136/users").json()] == ["carol"]
    assert owner.put("/orgs/acme/organization-roles/users/carol/8136").status_code == 204  # idempotent
    assert owner.delete("/orgs/acme/organization-roles/users/carol/8136").status_code == 204
    assert owner.get("/orgs/acme/organization-roles/8136/users").json() == []
    assert owner.delete("/orgs/acme/organization-roles/users/carol/8136").status_code == 204


def test_assign_refusals(owner: Client) -> None:
    # "404 Response if the organization, user or role does not exist." (OpenAPI)
    assert owner.put("/orgs/acme/organization-roles/users/carol/999999").status_code == 404
    assert owner.put("/orgs/acme/organization-roles/users/no-such-user/8132").status_code == 404
    assert owner.put("/orgs/acme/organization-roles/teams/no-such-team/8132").status_code == 404
    assert owner.put("/orgs/nope/organization-roles/users/carol/8132").status_code == 404
    # "422 ... or the user is not an organization member."
    r = owner.put("/orgs/acme/organization-roles/users/paul/8132")
    assert r.status_code == 422 and r.json()["message"] == "Validation Failed"


def test_team_role_assign_revoke_and_revoke_all(owner: Client) -> None:
    custom = _role_id(owner, "release-manager")
    assert owner.put(f"/orgs/acme/organization-roles/teams/oncall/{custom}").status_code == 204
    assert owner.put("/orgs/acme/organization-roles/teams/oncall/8134").status_code == 204
    users = {u["login"]: u["assignment"] for u in owner.get(f"/orgs/acme/organization-roles/{custom}/users").json()}
    assert users == {"bob": "direct", "carol": "indirect"}
    assert owner.delete(f"/orgs/acme/organization-roles/teams/oncall/{custom}").status_code == 204
    assert [t["slug"] for t in owner.get("/orgs/acme/organization-roles/8134/teams").json()] == ["oncall"]
    assert owner.delete("/orgs/acme/organization-roles/teams/oncall").status_code == 204
    assert owner.get("/orgs/acme/organization-roles/8134/teams").json() == []
    assert owner.put("/orgs/acme/organization-roles/users/alice/8134").status_code == 204
    assert owner.delete("/orgs/acme/organization-roles/users/alice").status_code == 204
    assert owner.get("/orgs/acme/organization-roles/8134/users").json() == []
    assert owner.get("/orgs/acme/organization-roles/138/users").json()[0]["assignment"] == "indirect"


def test_deleting_a_team_takes_its_roles_and_repositories(owner: Client, world: Simulator) -> None:
    assert owner.delete("/orgs/acme/teams/platform").status_code == 204  # and its child oncall
    assert owner.get("/orgs/acme/organization-roles/8132/teams").json() == []
    assert owner.get("/orgs/acme/organization-roles/8132/users").json() == []
    perm = owner.get("/repos/acme/widgets/collaborators/bob/permission").json()
    assert perm["permission"] == "none" and perm["user"] is None


def test_roles_feature_off(make_sim: Any) -> None:
    seed = _seed()
    seed["orgs"][0]["organization_roles_enabled"] = False
    seed["orgs"][0].pop("organization_roles")
    ghes = Client(make_sim(seed, ghes=True), OWNER)
    ghes_url = "/orgs/acme/organization-roles"
    assert ghes.get(ghes_url).status_code == 404  # a GHES version without organization roles
    assert ghes.put("/orgs/acme/organization-roles/users/alice/8132").status_code == 404
    dotcom = Client(make_sim(seed), OWNER)
    r = dotcom.put("/orgs/acme/organization-roles/users/alice/8132")
    assert r.status_code == 422  # "if the organization roles feature is not enabled" (OpenAPI)


def test_roles_on_ghes(make_sim: Any) -> None:
    ghes = Client(make_sim(_seed(), ghes=True), OWNER)
    r = ghes.get("/orgs/acme/organization-roles")
    assert r.status_code == 200 and any(x["name"] == "security_manager" for x in r.json()["roles"])
    assert ghes.put("/orgs/acme/organization-roles/users/carol/8132").status_code == 204


# ----------------------------------------------------------------------------- repositories, collaborators
def test_org_repos_visibility(owner: Client, world: Simulator) -> None:
    names = [r["name"] for r in owner.get("/orgs/acme/repos").json()]
    assert sorted(names) == ["docs", "secret-sauce", "widgets"]
    alice = Client(world, "sim-token-alice")  # base permission none: sees the public one and widgets
    assert sorted(r["name"] for r in alice.get("/orgs/acme/repos").json()) == ["docs", "widgets"]
    mine = {r["name"]: r for r in alice.get("/orgs/acme/repos", params={"type": "private"}).json()}
    assert list(mine) == ["widgets"] and mine["widgets"]["role_name"] == "maintain"
    assert mine["widgets"]["permissions"] == {"pull": True, "triage": True, "push": True, "maintain": True, "admin": False}
    assert owner.get("/orgs/acme/repos", params={"type": "bogus"}).status_code == 422


def test_collaborator_affiliations(owner: Client) -> None:
    outside = owner.get("/repos/acme/widgets/collaborators", params={"affiliation": "outside"}).json()
    assert [(c["login"], c["role_name"]) for c in outside] == [("olivia", "write")]
    direct = {c["login"]: c["role_name"] for c in owner.get("/repos/acme/widgets/collaborators",
                                                            params={"affiliation": "direct"}).json()}
    assert direct == {"alice": "maintain", "olivia": "write"}
    everyone = {c["login"]: c["role_name"] for c in owner.get("/repos/acme/widgets/collaborators").json()}
    # owners are admins; bob and carol through team platform (carol via its child team oncall)
    assert everyone == {"owner": "admin", "owner2": "admin", "alice": "maintain", "bob": "write",
                        "carol": "write", "olivia": "write"}
    strong = owner.get("/repos/acme/widgets/collaborators", params={"permission": "maintain"}).json()
    assert sorted(c["login"] for c in strong) == ["alice", "owner", "owner2"]
    # a custom repository role reads by its name
    docs = {c["login"]: c["role_name"] for c in owner.get("/repos/acme/docs/collaborators").json()}
    assert docs["bob"] == "auditor" and docs["oscar"] == "read"


def test_collaborator_reads_need_push_access(world: Simulator) -> None:
    carol = Client(world, "sim-token-carol")  # write on widgets through platform; nothing on docs but public
    assert carol.get("/repos/acme/widgets/collaborators").status_code == 200
    r = carol.get("/repos/acme/docs/collaborators")
    assert r.status_code == 403 and r.json()["message"] == "Must have push access to view repository collaborators."
    assert carol.get("/repos/acme/nope/collaborators").status_code == 404


def test_check_and_permission(owner: Client) -> None:
    assert owner.get("/repos/acme/widgets/collaborators/olivia").status_code == 204
    missing = owner.get("/repos/acme/widgets/collaborators/oscar")
    assert missing.status_code == 404 and missing.content == b""
    p = owner.get("/repos/acme/widgets/collaborators/alice/permission").json()
    assert (p["permission"], p["role_name"]) == ("write", "maintain")  # legacy: maintain reads as write
    assert p["user"]["login"] == "alice" and p["user"]["permissions"]["maintain"] is True
    p = owner.get("/repos/acme/docs/collaborators/oscar/permission").json()
    assert (p["permission"], p["role_name"]) == ("read", "read")
    p = owner.get("/repos/acme/secret-sauce/collaborators/paul/permission").json()
    assert (p["permission"], p["role_name"], p["user"]) == ("none", "none", None)
    assert owner.get("/repos/acme/widgets/collaborators/no-such-user/permission").status_code == 404


def test_add_collaborator_invites_outsiders_and_adds_members(owner: Client, world: Simulator) -> None:
    r = owner.put("/repos/acme/secret-sauce/collaborators/newbie", json={"permission": "triage"})
    assert r.status_code == 201
    inv = r.json()
    assert inv["invitee"]["login"] == "newbie" and inv["permissions"] == "triage"
    assert inv["repository"]["full_name"] == "acme/secret-sauce"
    assert r.headers["location"].endswith(f"/user/repository_invitations/{inv['id']}")
    pending = owner.get("/repos/acme/secret-sauce/invitations").json()
    assert [i["invitee"]["login"] for i in pending] == ["newbie"]
    # a member is added directly: 204
    assert owner.put("/repos/acme/secret-sauce/collaborators/bob", json={"permission": "admin"}).status_code == 204
    assert owner.get("/repos/acme/secret-sauce/collaborators/bob/permission").json()["role_name"] == "admin"
    # an existing collaborator's permission changes "with no other indication": 204
    assert owner.put("/repos/acme/widgets/collaborators/olivia", json={"permission": "pull"}).status_code == 204
    assert owner.get("/repos/acme/widgets/collaborators/olivia/permission").json()["role_name"] == "read"
    assert owner.put("/repos/acme/widgets/collaborators/olivia", json={"permission": "auditor"}).status_code == 204
    assert owner.put("/repos/acme/widgets/collaborators/olivia", json={"permission": "owner"}).status_code == 422
    assert owner.put("/repos/acme/widgets/collaborators/other-org").status_code == 422
    world.state.accept_repo_invitation("acme", "secret-sauce", "newbie")
    assert owner.get("/repos/acme/secret-sauce/collaborators/newbie").status_code == 204
    assert owner.get("/repos/acme/secret-sauce/invitations").json() == []


def test_collaborator_writes_need_admin(world: Simulator) -> None:
    alice = Client(world, "sim-token-alice")  # maintain on widgets
    r = alice.put("/repos/acme/widgets/collaborators/newbie")
    assert r.status_code == 403
    assert alice.get("/repos/acme/widgets/invitations").status_code == 403


def test_remove_collaborator_and_invitation(owner: Client, world: Simulator) -> None:
    # an invitation the removed collaborator sent goes with them ("Cancels any outstanding
    # invitations sent by the collaborator"); one sent to them stays
    olivia = Client(world, "sim-token-olivia")
    owner.put("/repos/acme/widgets/collaborators/olivia", json={"permission": "admin"})
    assert olivia.put("/repos/acme/widgets/collaborators/newbie").status_code == 201
    assert owner.put("/repos/acme/widgets/collaborators/oscar").status_code == 201
    assert owner.delete("/repos/acme/widgets/collaborators/oscar").status_code == 204
    assert owner.delete("/repos/acme/widgets/collaborators/olivia").status_code == 204
    assert sorted(i["invitee"]["login"] for i in owner.get("/repos/acme/widgets/invitations").json()) == ["oscar", "paul"]
    for i in owner.get("/repos/acme/widgets/invitations").json():
        if i["invitee"]["login"] == "oscar":
            assert owner.delete(f"/repos/acme/widgets/invitations/{i['id']}").status_code == 204
    assert owner.get("/repos/acme/widgets/collaborators/olivia").status_code == 404
    invs = owner.get("/repos/acme/widgets/invitations").json()
    assert [i["invitee"]["login"] for i in invs] == ["paul"]
    assert owner.delete(f"/repos/acme/widgets/invitations/{invs[0]['id']}").status_code == 204
    assert owner.get("/repos/acme/widgets/invitations").json() == []
    assert owner.delete(f"/repos/acme/widgets/invitations/{invs[0]['id']}").status_code == 404


# ----------------------------------------------------------------------------- outside collaborators, 2FA
def test_outside_collaborators_and_filters(owner: Client, world: Simulator) -> None:
    assert [u["login"] for u in owner.get("/orgs/acme/outside_collaborators").json()] == ["olivia", "oscar"]
    assert [u["login"] for u in owner.get("/orgs/acme/outside_collaborators",
                                          params={"filter": "2fa_disabled"}).json()] == ["olivia"]
    assert [u["login"] for u in owner.get("/orgs/acme/outside_collaborators",
                                          params={"filter": "2fa_insecure"}).json()] == ["oscar"]
    assert [u["login"] for u in owner.get("/orgs/acme/members", params={"filter": "2fa_disabled"}).json()] == ["bob"]
    alice = Client(world, "sim-token-alice")
    assert alice.get("/orgs/acme/outside_collaborators").status_code == 200
    assert alice.get("/orgs/acme/outside_collaborators", params={"filter": "2fa_disabled"}).status_code == 422
    assert alice.get("/orgs/acme/members", params={"filter": "2fa_disabled"}).status_code == 422
    assert Client(world, "sim-token-olivia").get("/orgs/acme/outside_collaborators").status_code == 404
    assert owner.get("/orgs/acme/outside_collaborators", params={"filter": "nope"}).status_code == 422


def test_a_non_owner_is_refused_the_two_factor_filters_in_githubs_words(world: Simulator) -> None:
    alice = Client(world, "sim-token-alice")
    for path in ("/orgs/acme/members", "/orgs/acme/outside_collaborators"):
        for flt in ("2fa_disabled", "2fa_insecure"):
            answer = alice.get(path, params={"filter": flt})
            assert answer.status_code == 422, (path, flt)
            assert answer.json()["message"] == "Only owners can use this filter.", (path, flt)
        # Unfiltered, the same member reads the list.
        assert alice.get(path).status_code == 200


def test_two_factor_requirement_on_the_org(owner: Client, world: Simulator) -> None:
    assert owner.get("/orgs/acme").json()["two_factor_requirement_enabled"] is True
    assert "two_factor_requirement_enabled" not in Client(world, "sim-token-alice").get("/orgs/acme").json()


def test_convert_member_to_outside_collaborator(owner: Client, world: Simulator) -> None:
    r = owner.put("/orgs/acme/outside_collaborators/carol")
    assert r.status_code == 204
    assert owner.get("/orgs/acme/memberships/carol").status_code == 404
    # "they'll only have access to the repositories that their current team membership allows"
    assert [u["login"] for u in owner.get("/orgs/acme/outside_collaborators").json()] == ["carol", "olivia", "oscar"]
    direct = {c["login"]: c["role_name"] for c in owner.get("/repos/acme/widgets/collaborators",
                                                            params={"affiliation": "outside"}).json()}
    assert direct["carol"] == "write"  # inherited from platform, oncall's parent
    assert owner.get("/repos/acme/secret-sauce/collaborators/carol/permission").json()["role_name"] == "read"
    assert owner.get("/orgs/acme/organization-roles/8132/users").json()[0]["login"] == "bob"
    r = owner.put("/orgs/acme/outside_collaborators/bob", json={"async": True})
    assert r.status_code == 202 and r.json() == {}


def test_convert_refusals(owner: Client, world: Simulator) -> None:
    # GitHub's documented 403 bodies of this endpoint (quoted.json, docs-convert-member-403-*)
    not_member = exchange("docs-convert-member-403-not-a-member")["body"]["message"]
    r = owner.put("/orgs/acme/outside_collaborators/olivia")
    assert r.status_code == 403
    assert r.json()["message"] == not_member.replace("<user>", "olivia").replace("<organization>", "acme")
    assert owner.put("/orgs/acme/outside_collaborators/no-such-user").status_code == 404
    assert Client(world, "sim-token-alice").put("/orgs/acme/outside_collaborators/bob").status_code == 403
    assert owner.put("/orgs/acme/outside_collaborators/owner2").status_code == 204
    r = owner.put("/orgs/acme/outside_collaborators/owner")
    assert r.status_code == 403  # the last owner
    assert r.json()["message"] == exchange("docs-convert-member-403-last-owner")["body"]["message"]
    assert owner.get("/orgs/acme/memberships/owner").json()["role"] == "admin"  # nothing changed


def test_convert_keeps_direct_access_and_drops_teams_and_base_permission(owner: Client, world: Simulator) -> None:
    # "they'll only have access to the repositories that their current team membership allows"
    # (OpenAPI orgs/convert-member-to-outside-collaborator): alice's own maintain on widgets stays,
    # the security team and her security-manager role go with the membership.
    assert owner.put("/orgs/acme/outside_collaborators/alice").status_code == 204
    assert owner.get("/repos/acme/widgets/collaborators/alice/permission").json()["role_name"] == "maintain"
    assert owner.get("/orgs/acme/teams/security/memberships/alice").status_code == 404
    assert owner.get("/repos/acme/secret-sauce/collaborators/alice").status_code == 404
    assert owner.get("/orgs/acme/organization-roles/138/users").json() == []
    # idempotent on GitHub's side too: she is no member now, so a second PUT is the documented 403
    assert owner.put("/orgs/acme/outside_collaborators/alice").status_code == 403


def test_remove_outside_collaborator(owner: Client) -> None:
    r = owner.delete("/orgs/acme/outside_collaborators/alice")
    assert r.status_code == 422
    documented = json.loads(EXTRACT.read_text())["paths"]["/orgs/{org}/outside_collaborators/{username}"]["delete"]
    example = documented["responses"]["422"]["content"]["application/json"]["examples"]
    assert r.json()["message"] == example["response-if-user-is-a-member-of-the-organization"]["value"]["message"]
    assert owner.delete("/orgs/acme/outside_collaborators/olivia").status_code == 204
    assert owner.get("/repos/acme/widgets/collaborators/olivia").status_code == 404
    assert [u["login"] for u in owner.get("/orgs/acme/outside_collaborators").json()] == ["oscar"]


def test_removing_a_member_removes_their_repository_access(owner: Client) -> None:
    # GitHub: "they will no longer have any access to the organization's repositories"
    assert owner.delete("/orgs/acme/members/alice").status_code == 204
    assert owner.get("/repos/acme/widgets/collaborators/alice").status_code == 404
    assert owner.get("/orgs/acme/outside_collaborators").json()[0]["login"] == "olivia"
    assert owner.get("/orgs/acme/organization-roles/138/users").json() == []


# ----------------------------------------------------------------------------- team repositories
def test_team_repos_list_and_check(owner: Client, world: Simulator) -> None:
    listed = {r["name"]: r["role_name"] for r in owner.get("/orgs/acme/teams/platform/repos").json()}
    assert listed == {"widgets": "write", "docs": "auditor"}
    own = {r["name"]: r["role_name"] for r in owner.get("/orgs/acme/teams/oncall/repos").json()}
    assert own == {"secret-sauce": "read"}  # its own grants only
    assert owner.get("/orgs/acme/teams/oncall/repos/acme/widgets").status_code == 204  # inherited from platform
    full = owner.get("/orgs/acme/teams/oncall/repos/acme/widgets",
                     headers={"Accept": "application/vnd.github.v3.repository+json"})
    assert full.status_code == 200 and full.json()["role_name"] == "write"
    assert full.json()["permissions"]["push"] is True and full.json()["permissions"]["maintain"] is False
    assert owner.get("/orgs/acme/teams/security/repos/acme/widgets").status_code == 404
    assert owner.get("/orgs/acme/teams/security/repos/acme/nope").status_code == 404
    tid = world.state.team("acme", "platform").id
    assert owner.get(f"/organizations/9001/team/{tid}/repos").status_code == 200


def test_team_repo_put_delete(owner: Client) -> None:
    assert owner.put("/orgs/acme/teams/security/repos/acme/secret-sauce", json={"permission": "maintain"}).status_code == 204
    assert owner.get("/orgs/acme/teams/security/repos").json()[0]["role_name"] == "maintain"
    assert owner.put("/orgs/acme/teams/security/repos/acme/secret-sauce", json={"permission": "auditor"}).status_code == 204
    assert owner.get("/orgs/acme/teams/security/repos").json()[0]["role_name"] == "auditor"
    assert owner.put("/orgs/acme/teams/security/repos/acme/secret-sauce", json={"permission": "boss"}).status_code == 422
    assert owner.put("/orgs/acme/teams/security/repos/acme/nope").status_code == 404
    assert owner.put("/orgs/acme/teams/security/repos/acme/docs").status_code == 204  # default push
    assert {r["name"]: r["role_name"] for r in owner.get("/orgs/acme/teams/security/repos").json()}["docs"] == "write"
    assert owner.delete("/orgs/acme/teams/security/repos/acme/docs").status_code == 204
    assert [r["name"] for r in owner.get("/orgs/acme/teams/security/repos").json()] == ["secret-sauce"]


def test_team_repo_of_another_org_is_422(make_sim: Any) -> None:
    seed = _seed()
    seed["orgs"].append({"login": "beta", "owners": ["owner"], "repositories": ["elsewhere"]})
    owner = Client(make_sim(seed), OWNER)
    assert owner.put("/orgs/acme/teams/security/repos/beta/elsewhere").status_code == 422


def test_custom_repository_roles(owner: Client, world: Simulator) -> None:
    body = owner.get("/orgs/acme/custom-repository-roles").json()
    assert body["total_count"] == 1 and body["custom_roles"][0]["name"] == "auditor"
    assert body["custom_roles"][0]["base_role"] == "read"
    assert Client(world, "sim-token-alice").get("/orgs/acme/custom-repository-roles").status_code == 404


def test_pagination_of_role_users(make_sim: Any) -> None:
    from ghsim import generate
    sim = make_sim(generate(members=120, teams=0, role_assignments=5))
    owner = Client(sim, "sim-token-bigorg-admin")
    seed = generate(members=120, role_assignments=5)
    assert len(seed["orgs"][0]["organization_roles"]) == 5
    first = owner.get("/orgs/bigorg/organization-roles/8132/users", params={"per_page": 1})
    assert first.status_code == 200 and len(first.json()) == 1


# ----------------------------------------------------------------------------- seeds
def test_seed_round_trip_and_errors() -> None:
    state = State(_seed())
    snap = state.snapshot()
    assert State(snap).snapshot() == snap
    assert snap["orgs"][0]["repositories"][0]["invitations"] == {"paul": "triage"}
    bad = _seed()
    bad["orgs"][0]["teams"][0]["repositories"] = {"ghost": "push"}
    with pytest.raises(SeedError, match="unknown repository ghost"):
        State(bad)
    bad = _seed()
    bad["orgs"][0]["repositories"][0]["collaborators"] = {"olivia": "superuser"}
    with pytest.raises(SeedError, match="unknown repository permission superuser"):
        State(bad)
    bad = _seed()
    bad["orgs"][0]["organization_roles"] = [{"role": "all_repo_read", "users": ["olivia"]}]
    with pytest.raises(SeedError, match="not a member"):
        State(bad)


def test_generate_adds_repositories_and_access() -> None:
    from ghsim import generate
    from ghsim.seeds import parse_generate_spec
    spec = parse_generate_spec("members=50,teams=4,team_size=3,repositories=10,outside_collaborators=3,"
                               "team_repositories=2,role_assignments=5")
    state = State(generate(**spec))
    org = state.org("bigorg")
    assert len(org.repos) == 10
    assert [state.login_of(k) for k in state.outside_collaborators(org)] == ["outside00001", "outside00002", "outside00003"]
    assert all(len(t.repos) == 2 for t in org.teams.values())
    assert sum(len(r.users) for r in org.roles.values()) == 5
    with pytest.raises(ValueError, match="need repositories"):
        generate(members=3, outside_collaborators=1)


def test_generate_collaborators_on_several_repositories_and_team_roles() -> None:
    from ghsim import generate
    from ghsim.seeds import parse_generate_spec
    # the defaults are the seeds generate made before these options: one repository each, no team roles
    plain = dict(members=20, teams=4, team_size=3, repositories=10, outside_collaborators=3, role_assignments=3)
    assert generate(**plain) == generate(**plain, collaborator_repositories=1, team_role_assignments=0)
    spec = parse_generate_spec("members=20,teams=4,team_size=3,repositories=5,outside_collaborators=3,"
                               "collaborator_repositories=3,role_assignments=3,team_role_assignments=2")
    state = State(generate(**spec))
    org = state.org("bigorg")
    where = {state.login_of(k): sorted(r.name for r in org.repos.values() if k in r.collaborators)
             for k in state.outside_collaborators(org)}
    assert where == {"outside00001": ["repo-0001", "repo-0002", "repo-0003"],
                     "outside00002": ["repo-0001", "repo-0004", "repo-0005"],
                     "outside00003": ["repo-0002", "repo-0003", "repo-0004"]}
    held = {r.name: (sorted(state.login_of(k) for k in r.users), sorted(state.teams_by_id[t].slug for t in r.teams))
            for r in org.roles.values() if r.users or r.teams}
    assert held == {"all_repo_read": (["user00001"], []), "all_repo_write": (["user00002"], []),
                    "security_manager": (["user00003"], []), "all_repo_triage": ([], ["team-001"]),
                    "all_repo_maintain": ([], ["team-002"])}
    with pytest.raises(ValueError, match="team_role_assignments"):
        generate(members=3, teams=1, team_size=1, team_role_assignments=2)
    with pytest.raises(ValueError, match="collaborator_repositories"):
        generate(members=3, repositories=2, outside_collaborators=1, collaborator_repositories=3)


# ----------------------------------------------------------------------------- GraphQL
TEAM_REPOS = """query($org: String!) { organization(login: $org) {
  team(slug: "platform") { repositories(first: 10) { totalCount edges { permission node { name nameWithOwner databaseId isPrivate } } } }
  oncall: team(slug: "oncall") { repositories(first: 10) { edges { permission node { name } } } }
  repositories(first: 10) { totalCount nodes { name visibility viewerPermission
    collaborators(first: 10, affiliation: OUTSIDE) { edges { permission node { login } } } } }
} }"""


def test_graphql_team_repositories_and_collaborators(owner: Client, world: Simulator) -> None:
    r = owner.post("/graphql", json={"query": TEAM_REPOS, "variables": {"org": "acme"}})
    assert r.status_code == 200
    body = r.json()
    assert "errors" not in body, body
    org = body["data"]["organization"]
    edges = org["team"]["repositories"]["edges"]
    # the same grants as REST's team list, a custom role by its base role (the enum has no others)
    assert [(e["node"]["name"], e["permission"]) for e in edges] == [("widgets", "WRITE"), ("docs", "READ")]
    assert edges[0]["node"]["nameWithOwner"] == "acme/widgets" and edges[0]["node"]["isPrivate"] is True
    assert [(e["node"]["name"], e["permission"]) for e in org["oncall"]["repositories"]["edges"]] == [("secret-sauce", "READ")]
    repos = {n["name"]: n for n in org["repositories"]["nodes"]}
    assert set(repos) == {"widgets", "docs", "secret-sauce"} and repos["docs"]["visibility"] == "PUBLIC"
    assert repos["widgets"]["viewerPermission"] == "ADMIN"
    outside = [(e["node"]["login"], e["permission"]) for e in repos["widgets"]["collaborators"]["edges"]]
    assert outside == [("olivia", "WRITE")]
    carol = Client(world, "sim-token-carol")
    seen = carol.post("/graphql", json={"query": TEAM_REPOS, "variables": {"org": "acme"}}).json()["data"]["organization"]
    by_name = {n["name"]: n for n in seen["repositories"]["nodes"]}
    assert by_name["docs"]["collaborators"] is None  # no push access: GitHub's REST refuses it (403)
    assert by_name["docs"]["viewerPermission"] == "READ" and by_name["widgets"]["viewerPermission"] == "WRITE"


def test_collaborator_pages_follow_link_verbatim(make_sim: Any) -> None:
    from ghsim import generate
    seed = generate(members=3, repositories=1, outside_collaborators=7)
    owner = Client(make_sim(seed), "sim-token-bigorg-admin")
    items, urls = owner.get_all("/repos/bigorg/repo-0001/collaborators?affiliation=outside&per_page=3")
    assert [u["login"] for u in items] == ["outside%05d" % i for i in range(1, 8)]
    assert len(urls) == 3 and "/repositories/" in urls[1]  # GitHub's Link switches to the id route
    everyone, _urls = owner.get_all("/repos/bigorg/repo-0001/collaborators?per_page=2")
    # the owner (admin), the three members (the base permission, read by default) and the seven outside
    assert len(everyone) == 11 and {u["role_name"] for u in everyone} == {"admin", "read"}


def test_seed_from_export_carries_issue_20_keys() -> None:
    from ghsim import seed_from_export
    data = {"membership_orgs": [{
        "org": "acme", "owners": ["owner"], "members": ["alice", "bob"],
        "teams": [{"team": "web", "members": ["bob"], "repositories": {"site": "push", "docs": "auditor"}}],
        "outside_collaborators": [{"login": "olivia", "repositories": {"site": "pull"}}],
        "organization_roles": [{"role": "security_manager", "users": ["alice"], "teams": ["web"]}],
    }]}
    state = State(seed_from_export(data))
    org = state.org("acme")
    assert sorted(org.repos) == ["docs", "site"]
    assert [state.login_of(k) for k in state.outside_collaborators(org)] == ["olivia"]
    assert state.repo_permission(org.repos["docs"], "bob") == "auditor"
    role = org.role_named("security_manager")
    assert role.users == {"alice"} and role.teams == {org.teams["web"].id}
