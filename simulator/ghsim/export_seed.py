"""A seed made from the membership role's input format (what ``gitops.github.export`` writes).

``ghsim --seed-from-export membership.yml`` starts a simulator whose organizations hold exactly the
owners, members and teams of that file, so a change to a real organization can be rehearsed
offline: export the org, edit the file, run ``gitops.github.drift`` and ``gitops.github.apply``
against the simulator.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .seeds import load_seed
from .state import SeedError

TOKEN_PREFIX = "sim-token-"


def _person(entry: Any, where: str) -> dict:
    """A person entry of the role: a login string or ``{login, id, expires, email}``."""
    if isinstance(entry, str):
        return {"login": entry}
    if isinstance(entry, dict) and (isinstance(entry.get("login"), str) or isinstance(entry.get("email"), str)):
        return {k: entry[k] for k in ("login", "id", "email") if entry.get(k) is not None}
    raise SeedError(f"{where}: a person is a login or a mapping with login (or email), not {entry!r}")


def seed_from_export(data: dict | str | os.PathLike, token_prefix: str = TOKEN_PREFIX) -> dict:
    """Turn ``{membership_orgs: [...]}`` (a dict or a YAML/JSON file) into a simulator seed.

    - every owner, member, team maintainer and team member becomes an active member (pending
      invitations in the export are members-to-be; the rehearsal treats them as having accepted);
      a person given by e-mail only becomes a pending e-mail invitation;
    - teams keep their slug, name, description, privacy and parent;
    - every owner gets the token ``sim-token-<login>`` (printed by ``ghsim`` at start-up).
    """
    if not isinstance(data, dict):
        data = load_seed(data)
    orgs = data.get("membership_orgs")
    if not isinstance(orgs, list) or not orgs:
        raise SeedError("an export file holds a non-empty list membership_orgs (what gitops.github.export writes)")
    users: dict[str, dict] = {}
    tokens: dict[str, str] = {}
    seed_orgs = []
    for index, org in enumerate(orgs):
        if not isinstance(org, dict) or not isinstance(org.get("org"), str):
            raise SeedError(f"membership_orgs[{index}]: each entry needs org (a string)")
        name = org["org"]
        people: dict[str, list] = {"owners": [], "members": []}
        invitations = []
        for key in ("owners", "members"):
            for entry in org.get(key) or []:
                person = _person(entry, f"{name}.{key}")
                login = person.get("login")
                if login is None:
                    invitations.append({"email": person["email"],
                                        "role": "admin" if key == "owners" else "direct_member"})
                    continue
                user = users.setdefault(login.lower(), {"login": login})
                if "id" in person:
                    user["id"] = person["id"]
                if "email" in person:
                    user["email"] = person["email"]
                people[key].append(login)
                if key == "owners":
                    tokens.setdefault(token_prefix + login, login)
        teams = []
        for tindex, team in enumerate(org.get("teams") or []):
            if not isinstance(team, dict) or not isinstance(team.get("team"), str):
                raise SeedError(f"{name}.teams[{tindex}]: each team needs team (its slug)")
            entry: dict[str, Any] = {"slug": team["team"]}
            for key in ("name", "description", "privacy", "parent"):
                if team.get(key) is not None:
                    entry[key] = team[key]
            for key in ("maintainers", "members"):
                logins = []
                for person_entry in team.get(key) or []:
                    login = _person(person_entry, f"{name}/{team['team']}.{key}").get("login")
                    if login:
                        users.setdefault(login.lower(), {"login": login})
                        logins.append(login)
                entry[key] = logins
            teams.append(entry)
        seed_org: dict[str, Any] = {"login": name, "owners": people["owners"], "members": people["members"],
                                    "teams": teams}
        if invitations:
            seed_org["invitations"] = invitations
        seed_orgs.append(seed_org)
    return {"users": list(users.values()), "tokens": tokens, "orgs": seed_orgs}


def load_export(path: str | os.PathLike) -> dict:
    return seed_from_export(load_seed(Path(path)))
