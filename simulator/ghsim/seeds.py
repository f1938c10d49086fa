"""Seed files and generated seeds for benchmarks."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

DEMO_SEED = Path(__file__).resolve().parent / "data" / "demo.yml"


def load_seed(path: str | os.PathLike) -> dict:
    """Read a seed from a YAML (``.yml``/``.yaml``) or JSON file."""
    p = Path(path)
    text = p.read_text(encoding="utf-8")
    if p.suffix.lower() == ".json":
        data: Any = json.loads(text)
    else:
        import yaml
        data = yaml.safe_load(text)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ValueError(f"{p}: a seed must be a mapping at the top level")
    return data


# The keys of ``ghsim --generate KEY=VALUE,...``: generate()'s parameters, with their types.
GENERATE_KEYS: dict[str, type] = {
    "org": str, "members": int, "owners": int, "teams": int, "team_size": int, "invitations": int,
    "public": int, "token": str, "member_prefix": str, "rate_limit": int, "org_id": int,
    "repositories": int, "outside_collaborators": int, "team_repositories": int, "role_assignments": int,
    "collaborator_repositories": int, "team_role_assignments": int,
}


def parse_generate_spec(text: str) -> dict:
    """``"members=3000,teams=150"`` -> ``{"members": 3000, "teams": 150}``, the keyword arguments of
    :func:`generate`. Raises ``ValueError`` naming the key for an unknown key, a missing ``=``, a
    key given twice or a number that is not a whole number >= 0."""
    found: dict[str, Any] = {}
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        key, sep, value = (x.strip() for x in item.partition("="))
        if not sep or not key:
            raise ValueError(f"{item!r}: each item is KEY=VALUE")
        if key not in GENERATE_KEYS:
            raise ValueError(f"unknown key {key!r} (known: {', '.join(sorted(GENERATE_KEYS))})")
        if key in found:
            raise ValueError(f"{key} given twice")
        if GENERATE_KEYS[key] is int:
            if not value.isdigit():
                raise ValueError(f"{key}={value!r}: a whole number >= 0")
            found[key] = int(value)
        elif not value:
            raise ValueError(f"{key}: empty")
        else:
            found[key] = value
    if not found:
        raise ValueError("empty: give KEY=VALUE items, e.g. members=3000,teams=150,team_size=20")
    if found.get("owners") == 0:
        raise ValueError("owners=0: the token belongs to the first owner, so there is at least one")
    return found


def generate(org: str = "bigorg", members: int = 10_000, owners: int = 1, teams: int = 0,
             team_size: int = 0, invitations: int = 0, public: int = 0,
             token: str = "sim-token-bigorg-admin", member_prefix: str = "user",
             rate_limit: int | None = None, org_id: int = 9001, repositories: int = 0,
             outside_collaborators: int = 0, team_repositories: int = 0, role_assignments: int = 0,
             collaborator_repositories: int = 1, team_role_assignments: int = 0) -> dict:
    """A seed dict for one big org.

    - owners ``<org>-admin`` (the token's user), ``<org>-admin2`` ... (``owners`` in all);
    - ``members`` non-owner members ``<member_prefix>00001``, ...;
    - ``teams`` teams ``team-001`` ... (ids 7001 ...), each with ``team_size`` members taken in turn
      from the member list (the first member of each team is its maintainer);
    - ``invitations`` pending invitations for users ``invitee00001`` ...;
    - the first ``public`` members publicize their membership;
    - ``repositories`` private repositories ``repo-0001`` ...;
    - ``outside_collaborators`` users ``outside00001`` ..., not members, each with ``pull`` on
      ``collaborator_repositories`` repositories (default one), taken in turn (needs ``repositories``);
    - every team gets ``push`` on ``team_repositories`` repositories, taken in turn;
    - ``role_assignments`` members, from the first, each hold a predefined organization role, in turn
      ``all_repo_read``, ``all_repo_write``, ``security_manager``, ``all_repo_triage``, ``all_repo_maintain``;
    - ``team_role_assignments`` teams, from the first, each hold one too, the cycle going on where the
      members' assignments left it.
    Building the State for 10,000 members takes well under a second.
    """
    owner_logins = [f"{org}-admin"] + [f"{org}-admin{i}" for i in range(2, owners + 1)]
    member_logins = [f"{member_prefix}{i:05d}" for i in range(1, members + 1)]
    invitee_logins = [f"invitee{i:05d}" for i in range(1, invitations + 1)]
    team_specs = []
    cursor = 0
    for j in range(1, teams + 1):
        chosen = []
        for _dummy in range(min(team_size, len(member_logins))):
            chosen.append(member_logins[cursor % len(member_logins)])
            cursor += 1
        team_specs.append({"slug": f"team-{j:03d}", "name": f"Team {j:03d}", "id": 7000 + j,
                           "maintainers": chosen[:1], "members": chosen[1:]})
    if (outside_collaborators or team_repositories) and not repositories:
        raise ValueError("outside_collaborators and team_repositories need repositories > 0")
    if role_assignments > len(member_logins):
        raise ValueError("role_assignments: more than the members")
    if team_role_assignments > len(team_specs):
        raise ValueError("team_role_assignments: more than the teams")
    if outside_collaborators and not 1 <= collaborator_repositories <= repositories:
        raise ValueError("collaborator_repositories: from 1 to the repositories")
    repo_names = [f"repo-{i:04d}" for i in range(1, repositories + 1)]
    outside_logins = [f"outside{i:05d}" for i in range(1, outside_collaborators + 1)]
    repos = [{"name": name, "private": True, "collaborators": {}} for name in repo_names]
    cursor = 0
    for login in outside_logins:
        for _dummy in range(collaborator_repositories):
            repos[cursor % len(repos)]["collaborators"][login] = "pull"
            cursor += 1
    cursor = 0
    for spec in team_specs:
        spec["repositories"] = {}
        for _dummy in range(min(team_repositories, len(repo_names))):
            spec["repositories"][repo_names[cursor % len(repo_names)]] = "push"
            cursor += 1
    role_cycle = ("all_repo_read", "all_repo_write", "security_manager", "all_repo_triage", "all_repo_maintain")
    roles: dict[str, dict[str, list[str]]] = {}
    for i, login in enumerate(member_logins[:role_assignments]):
        roles.setdefault(role_cycle[i % len(role_cycle)], {}).setdefault("users", []).append(login)
    for i, spec in enumerate(team_specs[:team_role_assignments], role_assignments):
        roles.setdefault(role_cycle[i % len(role_cycle)], {}).setdefault("teams", []).append(spec["slug"])
    seed: dict[str, Any] = {
        "users": owner_logins + member_logins + invitee_logins + outside_logins,
        "tokens": {token: owner_logins[0]},
        "orgs": [{
            "login": org, "id": org_id, "owners": owner_logins, "members": member_logins,
            "invitations": [{"login": x, "role": "direct_member"} for x in invitee_logins],
            "public_members": member_logins[:public],
            "teams": team_specs,
        }],
    }
    if repos:
        seed["orgs"][0]["repositories"] = repos
    if roles:
        seed["orgs"][0]["organization_roles"] = [dict({"role": name}, **holders) for name, holders in roles.items()]
    if rate_limit is not None:
        seed["rate_limit"] = {"limit": rate_limit}
    return seed
