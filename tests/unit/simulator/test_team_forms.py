"""The simulator's team forms for issue 18, each as GitHub documents or a public thread records
it: deleting a parent deletes its children, enterprise teams (``type``, the ``team_type`` filter,
org-API writes refused), a GitHub App's child team created at the root, the secret-team rule, and
the slug of a non-ASCII name."""

from __future__ import annotations

import copy

from ghsim import generate_app_key, load_seed
from simhelpers import DEMO, Client

from test_apps import exchange, make_jwt


def seed_with(*teams):
    seed = copy.deepcopy(load_seed(DEMO))
    seed["orgs"][0]["teams"].extend(teams)
    return seed


def test_deleting_a_parent_deletes_its_children(admin, sim):
    assert admin.post("/orgs/acme/teams", json={"name": "web-oncall", "parent_team_id": 7001}).status_code == 201
    assert admin.delete("/orgs/acme/teams/platform").status_code == 204
    slugs = [t["slug"] for t in admin.get("/orgs/acme/teams").json()]
    assert "platform" not in slugs and "platform-oncall" not in slugs and "web-oncall" not in slugs


def test_enterprise_teams_are_typed_filtered_and_refuse_org_api_writes(make_sim):
    sim = make_sim(seed_with({"slug": "ent-eng", "type": "enterprise", "members": ["bob"]}))
    admin = Client(sim)
    listed = {t["slug"]: t["type"] for t in admin.get("/orgs/acme/teams").json()}
    assert listed["ent-eng"] == "enterprise" and listed["platform"] == "organization"
    assert [t["slug"] for t in admin.get("/orgs/acme/teams", params={"team_type": "enterprise"}).json()] == ["ent-eng"]
    assert "ent-eng" not in [t["slug"] for t in admin.get("/orgs/acme/teams", params={"team_type": "organization"}).json()]
    assert admin.get("/orgs/acme/teams", params={"team_type": "nope"}).status_code == 422
    # kubernetes-sigs/prow#710: 422 on the team itself, 403 on its members.
    assert admin.delete("/orgs/acme/teams/ent-eng").status_code == 422
    assert admin.patch("/orgs/acme/teams/ent-eng", json={"description": "x"}).status_code == 422
    assert admin.put("/orgs/acme/teams/ent-eng/memberships/alice", json={"role": "member"}).status_code == 403
    assert admin.delete("/orgs/acme/teams/ent-eng/memberships/bob").status_code == 403
    assert sim.state.team_members("acme", "ent-eng") == {"bob": "member"}


def test_an_apps_child_team_lands_at_the_root_and_patch_sets_its_parent(make_sim):
    private, public = generate_app_key()
    seed = copy.deepcopy(load_seed(DEMO))
    seed["apps"] = [{"id": 123, "public_key": public, "installations": [{"id": 456, "account": "acme"}]}]
    sim = make_sim(seed)
    app = Client(sim, exchange(sim, make_jwt(private)).json()["token"])
    # integrations/terraform-provider-github#1167: created at the root, the answer's parent null.
    child = app.post("/orgs/acme/teams", json={"name": "docs", "parent_team_id": 7001})
    assert child.status_code == 201 and child.json()["parent"] is None
    assert sim.state.team_members("acme", "docs") == {}, "an app is made maintainer of nothing"
    # #1449: the parent is set afterwards.
    moved = app.patch("/orgs/acme/teams/docs", json={"parent_team_id": 7001})
    assert moved.status_code == 200 and moved.json()["parent"]["slug"] == "platform"
    # Under a parent the app created itself, the child stays there.
    own = app.post("/orgs/acme/teams", json={"name": "apps", "privacy": "closed"}).json()
    below = app.post("/orgs/acme/teams", json={"name": "apps-child", "parent_team_id": own["id"]}).json()
    assert below["parent"]["slug"] == "apps"
    # A user's child team lands where asked.
    assert Client(sim).post("/orgs/acme/teams", json={"name": "web", "parent_team_id": 7001}).json()["parent"]["id"] == 7001


def test_a_secret_team_has_no_parent_and_no_children(make_sim):
    sim = make_sim(seed_with({"slug": "vault", "privacy": "secret"}))
    admin = Client(sim)
    assert admin.post("/orgs/acme/teams", json={"name": "a", "privacy": "secret", "parent_team_id": 7001}).status_code == 422
    vault = sim.state.team("acme", "vault").id
    assert admin.post("/orgs/acme/teams", json={"name": "b", "parent_team_id": vault}).status_code == 422
    assert admin.patch("/orgs/acme/teams/platform", json={"privacy": "secret"}).status_code == 422  # it has a child
    # A new top-level team is secret by default (the privacy parameter of POST /orgs/{org}/teams).
    assert admin.post("/orgs/acme/teams", json={"name": "c"}).json()["privacy"] == "secret"


def test_the_slug_of_a_non_ascii_name(admin):
    # GitHub's reference, "Get a team by name": "My TEam Näme" would become my-team-name.
    made = admin.post("/orgs/acme/teams", json={"name": "My TEam Näme"})
    assert made.status_code == 201 and made.json()["slug"] == "my-team-name"
