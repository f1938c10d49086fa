"""Seed loading, validation, generated seeds and the State helpers."""

from __future__ import annotations


import pytest
from ghsim import SeedError, State, generate


def test_demo_seed_contents(sim):
    st = sim.state
    assert st.org_role("acme", "octo-admin") == "admin"
    assert st.org_members("acme") == {"octo-admin": "admin", "alice": "member", "bob": "member", "carol": "member"}
    assert st.org_invitation("acme", "dave")["teams"] == {"platform": "member"}
    assert st.is_public("acme", "OCTO-ADMIN") and not st.is_public("acme", "alice")
    assert st.team_members("acme", "platform") == {"alice": "maintainer", "bob": "member"}
    assert st.team_role("acme", "platform-oncall", "carol") == "member"
    assert st.team_pending("acme", "platform", "dave") == "member"
    assert st.user("other-org").type == "Organization"
    assert st.user("acme").type == "Organization" and st.user("acme").id == 9001
    assert st.token_for("new-hire") == "sim-token-new-hire"
    assert st.org_role("acme", "new-hire") is None


def test_auto_created_users_and_ids():
    st = State({"users": [{"login": "Zed", "id": 1001}], "orgs": [
        {"login": "Org1", "owners": ["boss"], "members": ["zed"],
         "teams": [{"name": "Core Team", "members": ["newbie"]}]}]})
    assert st.user("zed").login == "Zed" and st.user("boss").id != 1001
    assert st.org_role("org1", "newbie") == "member"  # team members join the org
    assert st.team("org1", "core-team").name == "Core Team"
    assert st.org_members("ORG1") == {"Zed": "member", "boss": "admin", "newbie": "member"}


@pytest.mark.parametrize("seed", [
    {"orgs": [{"login": "o", "members": ["other"]}], "users": [{"login": "other", "type": "Organization"}]},
    {"orgs": [{"login": "o", "teams": [{"slug": "a", "parent": "missing"}]}]},
    {"orgs": [{"login": "o", "teams": [{"slug": "a", "parent": "b"}, {"slug": "b", "parent": "a"}]}]},
    {"orgs": [{"login": "o", "members": ["x"], "invitations": [{"login": "x"}]}]},
    {"orgs": [{"login": "o", "invitations": [{"role": "admin"}]}]},
    {"orgs": [{"login": "o"}, {"login": "O"}]},
    {"users": [{"login": "a", "id": 5}, {"login": "b", "id": 5}]},
    {"orgs": "nope"},
])
def test_bad_seeds(seed):
    with pytest.raises(SeedError):
        State(seed)


def test_generate_10k():
    # How fast is for benchmarks/, not for a test: this checks what the generator builds.
    seed = generate(members=10_000, owners=3, teams=10, team_size=100, invitations=5, public=7)
    st = State(seed)
    members = st.org_members("bigorg")
    assert len(members) == 10_003 and list(members.values()).count("admin") == 3
    assert st.token_for("bigorg-admin") == "sim-token-bigorg-admin"
    assert len(st.team_members("bigorg", "team-001")) == 100
    assert st.org_invitation("bigorg", "invitee00001")["role"] == "direct_member"
    assert st.is_public("bigorg", "user00007") and not st.is_public("bigorg", "user00008")


def test_snapshot_is_a_seed():
    seed = generate(members=50, owners=2, teams=3, team_size=10, invitations=2)
    st = State(seed)
    snap = st.snapshot()
    assert State(snap).snapshot() == snap
    assert "<redacted-1>" in st.snapshot(include_tokens=False)["tokens"]


def test_generate_spec_gives_generate_its_keywords():
    from ghsim.seeds import parse_generate_spec
    spec = parse_generate_spec("members=3000, teams=150,team_size=20,org=big-co,token=sim-token-x")
    assert spec == {"members": 3000, "teams": 150, "team_size": 20, "org": "big-co", "token": "sim-token-x"}
    st = State(generate(**spec))
    assert len(st.org_members("big-co")) == 3001 and len(st.team_members("big-co", "team-150")) == 20
    assert st.token_for("big-co-admin") == "sim-token-x"


@pytest.mark.parametrize("text, message", [
    ("members=3000,teams", "'teams': each item is KEY=VALUE"),
    ("member=3", "unknown key 'member' (known: collaborator_repositories, invitations, member_prefix, members, org, org_id, outside_collaborators, owners,"),
    ("members=-1", "members='-1': a whole number >= 0"),
    ("members=1e3", "members='1e3': a whole number >= 0"),
    ("teams=1,teams=2", "teams given twice"),
    ("org=", "org: empty"),
    ("owners=0", "owners=0: the token belongs to the first owner"),
    ("", "empty: give KEY=VALUE items"),
])
def test_generate_spec_refuses_with_the_key(text, message):
    from ghsim.seeds import parse_generate_spec
    with pytest.raises(ValueError) as caught:
        parse_generate_spec(text)
    assert str(caught.value).startswith(message)
