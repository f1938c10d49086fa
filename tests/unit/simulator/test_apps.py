"""GitHub Apps in the simulator: seeding, the JWT check of the token exchange, installation tokens."""

from __future__ import annotations

import copy
import time

import jwt
import pytest
from ghsim import SeedError, State, generate_app_key, load_seed, public_key_pem
from simhelpers import DEMO, Client

PATH = "/app/installations/456/access_tokens"


@pytest.fixture(scope="module")
def keys() -> tuple[str, str]:
    return generate_app_key()


@pytest.fixture
def app_seed(keys: tuple[str, str]) -> dict:
    seed = copy.deepcopy(load_seed(DEMO))
    seed["apps"] = [{"id": 123, "client_id": "Iv1.abc", "slug": "my-app", "public_key": keys[1],
                     "installations": [{"id": 456, "account": "acme"}]}]
    return seed


def make_jwt(private: str, iss: str = "123", iat_offset: int = -60, exp_offset: int = 540, **extra) -> str:
    now = int(time.time())
    return jwt.encode(dict({"iat": now + iat_offset, "exp": now + exp_offset, "iss": iss}, **extra), private,
                      algorithm="RS256")


def exchange(sim, token: str | None, path: str = PATH):
    return Client(sim, token).post(path)


def test_exchange_gives_a_token_that_acts_as_the_org_owner(make_sim, app_seed, keys):
    sim = make_sim(app_seed)
    r = exchange(sim, make_jwt(keys[0]))
    assert r.status_code == 201, r.text
    body = r.json()
    assert set(body) == {"token", "expires_at", "permissions", "repository_selection"}
    assert body["token"].startswith("ghs_") and len(body["token"]) == 40
    assert body["permissions"] == {"members": "write", "metadata": "read"}
    assert body["repository_selection"] == "all"
    assert "x-ratelimit-remaining" in r.headers
    token = body["token"]
    member = Client(sim, token).get("/orgs/acme/memberships/alice")
    assert member.status_code == 200 and member.json()["role"] == "member"
    assert sim.log[-1].auth_login == "octo-admin"
    user = Client(sim, token).get("/user")
    assert user.status_code == 403 and user.json()["message"] == "Resource not accessible by integration"
    assert Client(sim, token).get("/user/memberships/orgs").status_code == 403
    # A second exchange gives a second token; both work.
    other = exchange(sim, make_jwt(keys[0], iss="Iv1.abc")).json()["token"]
    assert other != token and Client(sim, other).get("/orgs/acme").status_code == 200
    assert sim.log[0].route == "/app/installations/{installation_id}/access_tokens"
    assert sim.log[0].request_headers["authorization"] == "<redacted>"


@pytest.mark.parametrize("build,message", [
    (lambda k: make_jwt(generate_app_key()[0]), "A JSON web token could not be decoded"),  # another key
    (lambda k: make_jwt(k[0], iss="999"), "A JSON web token could not be decoded"),        # unknown app
    (lambda k: "not-a-jwt", "A JSON web token could not be decoded"),
    (lambda k: "sim-token-octo-admin", "A JSON web token could not be decoded"),           # a user token
    (lambda k: jwt.encode({"iat": int(time.time()), "exp": int(time.time()) + 60, "iss": "123"}, "s3cret-s3cret-s3cret-s3cret-s3cret!",
                          algorithm="HS256"), "A JSON web token could not be decoded"),
    (lambda k: make_jwt(k[0], iat_offset=-700, exp_offset=-100), "'Expiration time' claim ('exp') must be a numeric value"),
    (lambda k: make_jwt(k[0], exp_offset=3600), "'Expiration time' claim ('exp') is too far in the future"),
    (lambda k: make_jwt(k[0], iat_offset=600, exp_offset=600), "'Issued at' claim ('iat') must be an Integer"),
])
def test_bad_jwts_get_401(make_sim, app_seed, keys, build, message):
    sim = make_sim(app_seed)
    r = exchange(sim, build(keys))
    assert r.status_code == 401
    assert r.json()["message"].startswith(message)
    assert not sim.state.installation_tokens


def test_missing_auth_unknown_installation_and_other_apps_installation(make_sim, app_seed, keys):
    other_private, other_public = generate_app_key()
    app_seed["apps"].append({"id": 124, "private_key": other_private, "installations": [{"id": 789, "account": "acme"}]})
    sim = make_sim(app_seed)
    assert exchange(sim, None).status_code == 401
    assert exchange(sim, make_jwt(keys[0]), "/app/installations/999/access_tokens").status_code == 404
    assert exchange(sim, make_jwt(keys[0]), "/app/installations/789/access_tokens").status_code == 404
    assert exchange(sim, make_jwt(other_private, iss="124"), "/app/installations/789/access_tokens").status_code == 201
    assert sim.state.snapshot()["apps"][1]["public_key"] == other_public, "the snapshot keeps only the public key"
    assert "PRIVATE" not in str(sim.state.snapshot())


def test_expired_installation_token_is_bad_credentials(make_sim, app_seed, keys):
    sim = make_sim(app_seed)
    token = exchange(sim, make_jwt(keys[0])).json()["token"]
    sim.state.installation_tokens[token].expires = int(time.time()) - 1
    r = Client(sim, token).get("/orgs/acme")
    assert r.status_code == 401 and r.json()["message"] == "Bad credentials"


def test_ghes_serves_the_exchange_under_api_v3(make_sim, app_seed, keys):
    sim = make_sim(app_seed, ghes=True)
    r = exchange(sim, make_jwt(keys[0]))
    assert r.status_code == 201
    assert "x-ratelimit-remaining" not in r.headers


def test_snapshot_round_trip_and_acting_login(keys):
    seed = {"orgs": [{"login": "acme", "owners": ["boss"]}],
            "apps": [{"id": 5, "public_key": keys[1], "installations": [
                {"id": 6, "account": "ACME"}, {"id": 7, "account": "acme", "login": "robot", "repository_selection": "selected"}]}]}
    st = State(seed)
    snap = st.snapshot()
    assert snap["apps"][0]["installations"][0]["login"] == "boss"
    assert snap["apps"][0]["installations"][1]["login"] == "robot"
    assert snap["apps"][0]["client_id"].startswith("Iv1.")
    assert State(snap).snapshot() == snap
    assert "apps" not in State({"orgs": [{"login": "x"}]}).snapshot()
    assert public_key_pem(generate_app_key()[0]).startswith("-----BEGIN PUBLIC KEY-----")


@pytest.mark.parametrize("apps", [
    [{"installations": []}],
    [{"id": 1}],
    [{"id": 1, "public_key": "nope"}],
    [{"id": 1, "public_key": "PUBLIC KEY", "installations": [{"id": 2, "account": "missing"}]}],
    [{"id": 1, "public_key": "PUBLIC KEY", "installations": [{"id": 2}]}],
    [{"id": 1, "public_key": "PUBLIC KEY", "installations": [{"id": 2, "account": "acme"}, {"id": 2, "account": "acme"}]}],
    [{"id": 1, "public_key": "PUBLIC KEY"}, {"id": 1, "public_key": "PUBLIC KEY"}],
    [{"id": 1, "public_key": "PUBLIC KEY", "installations": [{"id": 2, "account": "acme", "repository_selection": "x"}]}],
])
def test_bad_app_seeds(apps):
    with pytest.raises(SeedError):
        State({"orgs": [{"login": "acme", "owners": ["boss"]}], "apps": apps})
