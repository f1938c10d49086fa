"""Exchange log, HTTP control endpoints, the CLI launcher, HTTPS."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from ghsim import Exchange, Simulator, load_seed
from simhelpers import ADMIN, DEMO, Client


def test_exchange_records(admin, sim):
    sim.clear_log()
    admin.put("/orgs/ACME/memberships/new-hire?foo=1&foo=2", json={"role": "admin"})
    [ex] = sim.log
    assert isinstance(ex, Exchange)
    assert ex.seq >= 1 and ex.method == "PUT" and ex.path == "/orgs/ACME/memberships/new-hire"
    assert ex.query == {"foo": "2"}
    assert ex.route == "/orgs/{org}/memberships/{username}"
    assert ex.auth_login == "octo-admin"
    assert json.loads(ex.request_body) == {"role": "admin"}
    assert ex.request_headers["authorization"] == "<redacted>"
    assert ex.status == 200 and ex.response_headers["content-type"].startswith("application/json")
    assert ex.json()["state"] == "pending"
    assert ex.fault is None
    admin.get("/organizations/9001/team/7001/memberships/bob")
    assert sim.log[-1].route == "/organizations/{org_id}/team/{team_id}/memberships/{username}"
    admin.get("/nope")
    assert sim.log[-1].route is None
    sim.clear_log()
    assert sim.log == []


def test_control_endpoints(sim, admin):
    root = sim.root_url
    admin.get("/user")
    log = requests.get(root + "/_sim/log", timeout=5).json()
    assert [e["path"] for e in log] == ["/user"]
    assert isinstance(log[0]["response_body"], str) and json.loads(log[0]["response_body"])["login"] == "octo-admin"
    assert len(sim.log) == 1  # control requests are not logged
    assert requests.delete(root + "/_sim/log", timeout=5).status_code == 204
    assert sim.log == []

    r = requests.post(root + "/_sim/faults", json={"kind": "status", "status": 503, "path": "^/user$"}, timeout=5)
    assert r.status_code == 201
    assert admin.get("/user").status_code == 503
    assert requests.post(root + "/_sim/faults", json={"kind": "nope"}, timeout=5).status_code == 422

    state = requests.get(root + "/_sim/state", timeout=5).json()
    assert ADMIN not in json.dumps(state)  # tokens redacted unless asked
    full = requests.get(root + "/_sim/state?tokens=1", timeout=5).json()
    assert full["tokens"][ADMIN] == "octo-admin"
    assert full == sim.state.snapshot()

    seed = {"users": ["solo"], "tokens": {"t-solo": "solo"}, "orgs": [{"login": "tiny", "owners": ["solo"]}]}
    assert requests.post(root + "/_sim/seed", json=seed, timeout=5).status_code == 200
    assert sim.state.org_members("tiny") == {"solo": "admin"}
    assert admin.get("/user").status_code == 401  # old token gone
    assert Client(sim, "t-solo").get("/orgs/tiny/memberships/solo").json()["role"] == "admin"
    assert requests.post(root + "/_sim/seed", json={"orgs": "bad"}, timeout=5).status_code == 422
    assert sim.state.org_members("tiny") == {"solo": "admin"}  # a bad seed leaves the state alone
    assert requests.get(root + "/_sim/nope", timeout=5).status_code == 404

    requests.post(root + "/_sim/chaos", json={"rate": 1, "seed": 3, "kinds": ["status500"]}, timeout=5)
    assert Client(sim, "t-solo").get("/user").status_code == 500
    requests.post(root + "/_sim/chaos", json={"rate": 0}, timeout=5)
    assert Client(sim, "t-solo").get("/user").status_code == 200


def test_snapshot_roundtrip(admin, sim):
    admin.put("/orgs/acme/teams/platform/memberships/new-hire", json={"role": "maintainer"})
    admin.delete("/orgs/acme/memberships/bob")
    snap = sim.state.snapshot()
    assert Simulator(json.loads(json.dumps(snap))).state.snapshot() == snap
    acme = snap["orgs"][0]
    assert acme["owners"] == ["octo-admin"] and "bob" not in acme["members"]


def _start_cli(tmp_path: Path, *extra: str) -> tuple[subprocess.Popen, str]:
    port_file = tmp_path / "port"
    ready = tmp_path / "ready"
    proc = subprocess.Popen(
        [sys.executable, "-m", "ghsim", "--seed", str(DEMO), "--port-file", str(port_file),
         "--ready-file", str(ready), *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline().strip()
    assert line.startswith("ghsim listening on "), (line, proc.stderr.read() if proc.poll() is not None else "")
    url = line.split()[-1]
    deadline = time.time() + 5
    while not ready.exists() and time.time() < deadline:
        time.sleep(0.02)
    assert port_file.read_text().strip() == url == ready.read_text().strip()
    return proc, url


def test_cli_serves_and_stops_on_sigterm(tmp_path):
    proc, url = _start_cli(tmp_path)
    try:
        assert url.startswith("http://127.0.0.1:")
        r = requests.get(url + "/user", headers={"Authorization": f"token {ADMIN}"}, timeout=5)
        assert r.json()["login"] == "octo-admin"
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0


def test_cli_latency(tmp_path):
    proc, url = _start_cli(tmp_path, "--latency", "0.25")
    try:
        start = time.perf_counter()
        r = requests.get(url + "/user", headers={"Authorization": f"token {ADMIN}"}, timeout=5)
        assert r.status_code == 200 and time.perf_counter() - start >= 0.25
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0


def test_cli_https_ghes(tmp_path):
    proc, url = _start_cli(tmp_path, "--https", "--ghes")
    try:
        ca_line = proc.stdout.readline().strip()
        assert ca_line.startswith("ghsim ca_path ")
        ca = ca_line.split(" ", 2)[2]
        assert Path(ca) == tmp_path / "ghsim-ca.pem"
        assert url.startswith("https://127.0.0.1:") and url.endswith("/api/v3")
        r = requests.get(url + "/user", headers={"Authorization": f"Bearer {ADMIN}"}, verify=ca, timeout=5)
        assert r.status_code == 200
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0


def test_cli_bad_seed(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("- just\n- a list\n")
    r = subprocess.run([sys.executable, "-m", "ghsim", "--seed", str(bad)],
                       capture_output=True, text=True, timeout=20, check=False)
    assert r.returncode == 2 and "seed" in r.stderr


def test_https_python_api(make_sim):
    sim = make_sim(https=True)
    assert sim.api_url.startswith("https://127.0.0.1:") and os.path.exists(sim.ca_path)
    s = requests.Session()
    s.headers["Authorization"] = f"Bearer {ADMIN}"
    for host in ("127.0.0.1", "localhost"):
        url = sim.api_url.replace("127.0.0.1", host)
        for _dummy in range(3):  # (verify per request: REQUESTS_CA_BUNDLE would override Session.verify)
            r = s.get(url + "/orgs/acme/teams/platform/members", timeout=5, verify=sim.ca_path)
            assert r.status_code == 200
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(sim.api_url + "/user", timeout=5)  # not trusted by default


def test_context_manager_and_seed_path(tmp_path):
    p = tmp_path / "seed.json"
    p.write_text(json.dumps({"users": ["u1"], "tokens": {"tk": "u1"}, "orgs": [{"login": "o", "members": ["u1"]}]}))
    assert load_seed(p)["users"] == ["u1"]
    with Simulator(str(p)) as sim:
        r = requests.get(sim.api_url + "/user/memberships/orgs/o", headers={"Authorization": "token tk"}, timeout=5)
        assert r.json()["role"] == "member"
    with pytest.raises(requests.ConnectionError):
        requests.get(sim.api_url + "/user", timeout=2)
