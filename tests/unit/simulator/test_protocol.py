"""Auth, headers, ETags, rate limits, pagination, keep-alive, error bodies."""

from __future__ import annotations

import base64
import re
import time

import pytest
import requests
from ghsim import Simulator, generate
from simhelpers import ADMIN, Client


def test_auth_schemes(sim):
    for header in (f"Bearer {ADMIN}", f"token {ADMIN}", f"bearer {ADMIN}",
                   "Basic " + base64.b64encode(f"octo-admin:{ADMIN}".encode()).decode()):
        r = requests.get(sim.api_url + "/user", headers={"Authorization": header}, timeout=5)
        assert r.status_code == 200 and r.json()["login"] == "octo-admin", header
    assert sim.log[-1].auth_login == "octo-admin"


def test_bad_credentials(sim):
    secret = "sim-token-WRONG-123"
    r = requests.get(sim.api_url + "/orgs/acme/memberships/alice", headers={"Authorization": f"Bearer {secret}"},
                     timeout=5)
    assert r.status_code == 401
    assert r.json() == {"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest",
                        "status": "401"}
    assert secret not in r.text and all(secret not in v for v in r.headers.values())
    # even on unknown routes
    r = requests.get(sim.api_url + "/nope", headers={"Authorization": f"token {secret}"}, timeout=5)
    assert r.status_code == 401


def test_requires_authentication(sim):
    r = requests.get(sim.api_url + "/orgs/acme/members", timeout=5)
    assert r.status_code == 401 and r.json()["message"] == "Requires authentication"
    assert r.json()["documentation_url"].startswith("https://docs.github.com/rest")


def test_token_never_logged_or_echoed(admin, sim):
    admin.get("/user")
    admin.put("/orgs/acme/memberships/new-hire", json={"role": "member"})
    admin.get("/orgs/acme/nope")
    for ex in sim.log:
        assert ex.request_headers["authorization"] == "<redacted>"
        blob = repr(ex) + ex.response_body.decode()
        assert ADMIN not in blob


def test_common_headers(admin):
    r = admin.get("/orgs/acme/memberships/alice")
    h = r.headers
    assert h["Content-Type"] == "application/json; charset=utf-8"
    assert h["X-GitHub-Request-Id"]
    assert h["X-GitHub-Api-Version-Selected"] == "2022-11-28"
    assert int(h["Content-Length"]) == len(r.content)
    assert h["X-RateLimit-Limit"] == "5000" and h["X-RateLimit-Resource"] == "core"
    assert int(h["X-RateLimit-Remaining"]) + int(h["X-RateLimit-Used"]) == 5000
    assert int(h["X-RateLimit-Reset"]) > time.time()
    assert re.fullmatch(r'W/"[0-9a-f]{64}"', h["ETag"])
    r = admin.delete("/orgs/acme/memberships/bob")
    assert r.status_code == 204 and "Content-Type" not in r.headers and "ETag" not in r.headers


def test_error_bodies(admin):
    r = admin.get("/no/such/route")
    assert r.status_code == 404
    body = r.json()
    assert body["message"] == "Not Found" and body["documentation_url"].startswith("https://docs.github.com/rest")
    assert body["status"] == "404"
    r = admin.post("/orgs/acme/invitations", data="{bad json", headers={"Content-Type": "application/json"})
    assert r.status_code == 400 and r.json()["message"] == "Problems parsing JSON"


def test_etag_304_does_not_consume_quota(admin):
    r1 = admin.get("/orgs/acme/members")
    etag = r1.headers["ETag"]
    used = int(r1.headers["X-RateLimit-Used"])
    r2 = admin.get("/orgs/acme/members", headers={"If-None-Match": etag})
    assert r2.status_code == 304 and r2.content == b""
    assert int(r2.headers["X-RateLimit-Used"]) == used
    assert r2.headers["ETag"] == etag
    # a change in state changes the ETag
    admin.delete("/orgs/acme/memberships/bob")
    r3 = admin.get("/orgs/acme/members", headers={"If-None-Match": etag})
    assert r3.status_code == 200 and r3.headers["ETag"] != etag
    # ETags differ per user
    other = Client(admin.sim, "sim-token-alice").get("/orgs/acme/members")
    assert other.headers["ETag"] != r3.headers["ETag"]


def test_rate_limit_endpoint_does_not_consume(admin):
    admin.get("/user")
    a = admin.get("/rate_limit").json()
    b = admin.get("/rate_limit").json()
    assert a["resources"]["core"]["used"] == b["resources"]["core"]["used"] == 1
    assert a["rate"] == a["resources"]["core"]
    assert b["resources"]["core"]["remaining"] == 4999


def test_primary_rate_limit_exhaustion(make_sim, demo_seed):
    seed = dict(demo_seed, rate_limit={"limit": 3})
    sim = make_sim(seed)
    c = Client(sim)
    remaining = [c.get("/user").headers["X-RateLimit-Remaining"] for _dummy in range(3)]
    assert remaining == ["2", "1", "0"]
    r = c.get("/orgs/acme/memberships/alice")
    assert r.status_code == 403
    assert r.headers["X-RateLimit-Remaining"] == "0"
    uid = sim.state.user("octo-admin").id
    assert r.json()["message"].startswith(f"API rate limit exceeded for user ID {uid}.")
    assert int(r.headers["X-RateLimit-Reset"]) > time.time() + 3000
    assert c.get("/rate_limit").status_code == 200  # still answers
    # other users have their own bucket
    assert Client(sim, "sim-token-alice").get("/user").status_code == 200
    sim.reset_rate_limits()
    assert c.get("/user").status_code == 200


def test_link_headers_org_members(make_sim):
    sim = make_sim(generate(members=249, owners=1))
    c = Client(sim, "sim-token-bigorg-admin")
    r = c.get("/orgs/bigorg/members?per_page=100&role=all")
    links = r.links
    assert links["next"]["url"] == f"{sim.api_url}/organizations/9001/members?per_page=100&role=all&page=2"
    assert links["last"]["url"] == f"{sim.api_url}/organizations/9001/members?per_page=100&role=all&page=3"
    assert "prev" not in links and "first" not in links
    items, urls = c.get_all("/orgs/bigorg/members?per_page=100&role=all")
    assert len(items) == 250 and len({u["login"] for u in items}) == 250
    assert [u["id"] for u in items] == sorted(u["id"] for u in items)
    assert all("/organizations/9001/members" in u for u in urls[1:])
    last = c.get(urls[-1])
    assert set(last.links) == {"prev", "first"}
    assert last.links["prev"]["url"].endswith("page=2") and last.links["first"]["url"].endswith("page=1")
    mid = c.get(urls[1]).links
    assert set(mid) == {"prev", "next", "last", "first"}


def test_pagination_defaults_and_clamp(make_sim):
    sim = make_sim(generate(members=150, owners=1))
    c = Client(sim, "sim-token-bigorg-admin")
    assert len(c.get("/orgs/bigorg/members").json()) == 30
    assert len(c.get("/orgs/bigorg/members?per_page=500").json()) == 100
    assert c.get("/orgs/bigorg/members?page=99").json() == []
    r = c.get("/orgs/bigorg/members?per_page=100")
    assert "per_page=100" in r.links["next"]["url"]
    one = c.get("/orgs/bigorg/members?per_page=1000")
    assert one.links["last"]["url"].endswith("page=2")


def test_link_headers_team_members_and_other_lists(make_sim):
    sim = make_sim(generate(members=120, owners=1, teams=2, team_size=60, invitations=3, public=40))
    c = Client(sim, "sim-token-bigorg-admin")
    for path, n, link_base in [
        ("/orgs/bigorg/teams/team-001/members?per_page=25", 60, "/organizations/9001/team/7001/members"),
        ("/teams/7002/members?per_page=25", 60, "/organizations/9001/team/7002/members"),
        ("/orgs/bigorg/public_members?per_page=15", 40, "/organizations/9001/public_members"),
        ("/orgs/bigorg/invitations?per_page=2", 3, "/organizations/9001/invitations"),
        ("/orgs/bigorg/teams?per_page=1", 2, "/organizations/9001/teams"),
    ]:
        items, urls = c.get_all(path)
        assert len(items) == n, path
        assert len(urls) > 1 and all(u.startswith(sim.api_url + link_base + "?") for u in urls[1:]), urls


def test_big_org_pages_are_complete(make_sim):
    # Speed is measured by benchmarks/, never by a timed test: this checks every page of a big org.
    seed = generate(members=10_000, owners=2, teams=5, team_size=2000)
    sim = make_sim(seed)
    make_sim.skip_contract = True  # shapes are covered elsewhere; keep this test short
    headers = {"authorization": "Bearer sim-token-bigorg-admin"}
    for page in range(1, 21):
        out = sim.handle("GET", f"/orgs/bigorg/members?per_page=100&page={page}", headers, b"")
        assert out.status == 200
    c = Client(sim, "sim-token-bigorg-admin")
    items, urls = c.get_all("/orgs/bigorg/members?per_page=100")
    assert len(items) == 10_002 and len(urls) == 101
    assert len(set(u["login"] for u in items)) == 10_002
    team, team_urls = c.get_all("/orgs/bigorg/teams/team-001/members?per_page=100")
    assert len(team) == 2000 and len(team_urls) == 20


def test_keep_alive_session_200_requests(admin, make_sim):
    make_sim.skip_contract = True
    s = admin.session
    ports = set()
    for i in range(200):
        r = s.get(admin.url("/orgs/acme/memberships/alice" if i % 2 else "/user"), timeout=5, stream=True)
        assert r.status_code == 200
        ports.add(r.raw._connection.sock.getsockname()[1])
        r.content  # noqa: B018 - read the body so the connection goes back to the pool
        r.close()
    assert len(ports) == 1  # one TCP connection for all 200 requests
    # mutations too (204 without body keeps the connection usable)
    for _dummy in range(20):
        r = s.put(admin.url("/orgs/acme/public_members/octo-admin"), headers={"Content-Length": "0"})
        assert r.status_code == 204


def test_head_request(admin):
    r = admin.request("HEAD", "/orgs/acme/members")
    assert r.status_code == 200 and r.content == b"" and int(r.headers["Content-Length"]) > 0


@pytest.mark.parametrize("method", ["POST", "PATCH"])
def test_method_not_allowed_is_404(admin, method):
    assert admin.request(method, "/orgs/acme/teams/platform/memberships/bob").status_code == 404


def test_concurrent_clients_keep_state_consistent(make_sim):
    import threading

    sim = make_sim(generate(members=200, owners=1, teams=1, team_size=0))
    make_sim.skip_contract = True
    errors: list[str] = []

    def worker(n: int) -> None:
        c = Client(sim, "sim-token-bigorg-admin")
        for i in range(n, 200, 8):
            login = f"user{i + 1:05d}"
            for method, body, want in (("PUT", {"role": "maintainer"}, 200), ("DELETE", None, 204),
                                       ("PUT", {"role": "member"}, 200)):
                r = c.request(method, f"/orgs/bigorg/teams/team-001/memberships/{login}", json=body)
                if r.status_code != want:
                    errors.append(f"{method} {login}: {r.status_code}")

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    members = sim.state.team_members("bigorg", "team-001")
    assert len(members) == 200 and set(members.values()) == {"member"}
    assert [e.seq for e in sim.log] == list(range(1, len(sim.log) + 1))


def test_latency_delays_every_api_answer_but_not_control_requests(make_sim):
    sim = make_sim(latency=0.2)
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {ADMIN}"
    timings = []
    for _attempt in range(3):
        start = time.perf_counter()
        r = session.get(sim.api_url + "/orgs/acme/members", timeout=5)
        timings.append(time.perf_counter() - start)
        assert r.status_code == 200
    assert min(timings) >= 0.2, timings
    start = time.perf_counter()
    assert requests.get(sim.root_url + "/_sim/health", timeout=5).status_code == 200
    assert time.perf_counter() - start < 0.2
    # Requests on separate connections wait side by side, as on a network, not one after another.
    import concurrent.futures
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        start = time.perf_counter()
        codes = list(pool.map(lambda _index: requests.get(sim.api_url + "/user", headers=session.headers, timeout=5).status_code,
                              range(4)))
        overlapped = time.perf_counter() - start
    assert codes == [200] * 4 and 0.2 <= overlapped < 0.6, overlapped


def test_latency_defaults_to_zero_and_refuses_negative_values(make_sim):
    assert make_sim().latency == 0.0
    with pytest.raises(ValueError, match="latency"):
        Simulator(latency=-1)
