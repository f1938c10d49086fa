"""GHES mode and fault injection."""

from __future__ import annotations

import pytest
import requests
from ghsim import Fault
from simhelpers import Client


# ----------------------------------------------------------------------------- GHES
@pytest.fixture
def ghes(make_sim):
    return make_sim(ghes=True)


def test_ghes_prefix_and_headers(ghes):
    assert ghes.api_url.endswith("/api/v3")
    c = Client(ghes)
    r = c.get("/orgs/acme/memberships/alice")
    assert r.status_code == 200
    assert r.json()["url"] == f"{ghes.api_url}/orgs/acme/memberships/alice"
    assert not [h for h in r.headers if h.lower().startswith("x-ratelimit")]
    assert r.headers["X-GitHub-Enterprise-Version"]
    # outside the prefix: 404
    r = requests.get(ghes.root_url + "/orgs/acme/memberships/alice", headers=c.session.headers, timeout=5)
    assert r.status_code == 404
    assert ghes.log[-1].route is None


def test_ghes_no_invitations_and_direct_adds(ghes):
    c = Client(ghes)
    for path in ("/orgs/acme/invitations", "/orgs/acme/failed_invitations", "/orgs/acme/teams/platform/invitations"):
        assert c.get(path).status_code == 404, path
    assert c.post("/orgs/acme/invitations", json={"email": "x@example.com"}).status_code == 404
    r = c.put("/orgs/acme/memberships/new-hire", json={"role": "member"})
    assert (r.status_code, r.json()["state"]) == (200, "active")
    assert ghes.state.org_role("acme", "new-hire") == "member"
    r = c.put("/orgs/acme/teams/platform/memberships/outsider", json={"role": "maintainer"})
    assert (r.json()["state"], r.json()["role"]) == ("active", "maintainer")
    assert ghes.state.org_role("acme", "outsider") == "member"
    assert ghes.state.team_role("acme", "platform", "outsider") == "maintainer"
    assert ghes.state.org_invitation("acme", "outsider") is None


def test_ghes_no_rate_limit(make_sim, demo_seed):
    sim = make_sim(dict(demo_seed, rate_limit={"limit": 2}), ghes=True)
    c = Client(sim)
    assert all(c.get("/user").status_code == 200 for _dummy in range(5))
    r = c.get("/rate_limit")
    assert r.status_code == 404 and r.json()["message"] == "Rate limiting is not enabled."


def test_ghes_302_location_has_prefix(ghes):
    r = Client(ghes, "sim-token-outsider").get("/orgs/acme/members/alice")
    assert r.status_code == 302
    assert r.headers["Location"] == f"{ghes.api_url}/orgs/acme/public_members/alice"


# ----------------------------------------------------------------------------- faults
@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_status_fault(admin, sim, status):
    sim.inject(Fault("status", status=status))
    r = admin.get("/user")
    assert r.status_code == status and "message" in r.json()
    assert sim.log[-1].fault == "status" and sim.log[-1].status == status
    assert admin.get("/user").status_code == 200


def test_primary_fault(admin, sim):
    sim.inject(Fault("primary", reset_in=30))
    r = admin.get("/orgs/acme/members")
    assert r.status_code == 403
    assert r.headers["X-RateLimit-Remaining"] == "0"
    reset = int(r.headers["X-RateLimit-Reset"])
    import time
    assert time.time() + 20 < reset <= time.time() + 31
    assert r.json()["message"].startswith("API rate limit exceeded for user ID")
    sim.inject(Fault("primary", status=429))
    assert admin.get("/user").status_code == 429


def test_secondary_fault(admin, sim):
    sim.inject(Fault("secondary", retry_after=7))
    r = admin.put("/orgs/acme/memberships/new-hire", json={"role": "member"})
    assert r.status_code == 403
    assert "secondary rate limit" in r.json()["message"]
    assert r.headers["Retry-After"] == "7"
    assert int(r.headers["X-RateLimit-Remaining"]) > 0
    assert sim.state.org_invitation("acme", "new-hire") is None  # nothing happened
    sim.inject(Fault("secondary", status=429))
    r = admin.get("/user")
    assert r.status_code == 429 and "Retry-After" not in r.headers


def test_drop_fault(admin, sim):
    sim.inject(Fault("drop"))
    with pytest.raises(requests.ConnectionError):
        admin.get("/user")
    assert sim.log[-1].fault == "drop" and sim.log[-1].status == 0
    assert admin.get("/user").status_code == 200  # next request on a fresh connection works


def test_fault_matching_count_and_fifo(admin, sim):
    sim.inject(Fault("status", status=502, count=2, method="PUT", path=r"/memberships/"))
    sim.inject(Fault("status", status=503, path=r"^/user$"))
    assert admin.get("/orgs/acme/memberships/alice").status_code == 200  # GET: no match
    assert admin.get("/user").status_code == 503
    assert admin.put("/orgs/acme/memberships/alice", json={"role": "member"}).status_code == 502
    assert admin.put("/orgs/acme/memberships/alice", json={"role": "member"}).status_code == 502
    assert admin.put("/orgs/acme/memberships/alice", json={"role": "member"}).status_code == 200
    assert sim.faults == []
    with pytest.raises(ValueError):
        Fault("explode")


def test_chaos_is_deterministic(make_sim):
    def run() -> list[int]:
        sim = make_sim()
        sim.chaos(0.3, seed=42, kinds=("status502", "status503"))
        c = Client(sim)
        return [c.get("/user").status_code for _dummy in range(40)]

    a, b = run(), run()
    assert a == b
    assert {502, 503} <= set(a) and 200 in a
    sim = make_sim()
    sim.chaos(1.0, seed=1, kinds=("secondary",), methods=("PUT",))
    c = Client(sim)
    assert c.get("/user").status_code == 200
    assert c.put("/orgs/acme/memberships/alice", json={"role": "member"}).status_code == 403
    assert sim.log[-1].fault == "chaos:secondary"
    sim.chaos(0)
    assert c.put("/orgs/acme/memberships/alice", json={"role": "member"}).status_code == 200


def test_faults_do_not_consume_quota(admin, sim):
    used = int(admin.get("/user").headers["X-RateLimit-Used"])
    sim.inject(Fault("status", status=502))
    admin.get("/user")
    assert int(admin.get("/user").headers["X-RateLimit-Used"]) == used + 1
