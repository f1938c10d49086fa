"""A seed made from the membership role's input format (what ``gitops.github.export`` writes).

``ghsim --seed-from-export membership.yml`` starts a simulator whose organizations hold exactly the
owners, members and teams of that file, so a change to a real organization can be rehearsed
offline: export the org, edit the file, run ``gitops.github.drift`` and ``gitops.github.apply``
against the simulator.

A person the export does not hold (a new hire, the most common change) is no GitHub user in that
world, so the drift report would say "Cannot be applied: no GitHub user has the login ...".
``ghsim --users-from EDITED.yml`` (:func:`people_named` and :func:`with_users`) makes every login
the edited file names a GitHub user who belongs to nothing yet, as on GitHub.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterable

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
    - teams keep their slug, name, description, privacy and parent, and their ``repositories``;
    - ``outside_collaborators`` become collaborators of the repositories they list, and
      ``organization_roles`` assignments (every repository named is made, private);
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
        _access_of(org, name, teams, seed_org, users)
        seed_orgs.append(seed_org)
    return {"users": list(users.values()), "tokens": tokens, "orgs": seed_orgs}


# the REST permission names and GitHub's role names for them; any other name is a custom repository role
_BUILT_IN = {"pull", "triage", "push", "maintain", "admin", "read", "write"}


def _access_of(org: dict, name: str, teams: list, seed_org: dict, users: dict) -> None:
    """Issue 20's keys of one organization entry: team ``repositories``, ``outside_collaborators``
    (each with ``repositories``) and ``organization_roles``. Every repository named becomes a
    private repository of the organization; a permission that is not built in, a custom repository
    role (base role read); a role that is not predefined, a custom organization role."""
    repos: dict[str, dict] = {}
    custom: dict[str, dict] = {}

    def repo(repo_name: str) -> dict:
        return repos.setdefault(str(repo_name).lower(), {"name": str(repo_name), "private": True, "collaborators": {}})

    def permission(value: Any) -> str:
        text = str(value)
        if text not in _BUILT_IN:
            custom.setdefault(text.lower(), {"name": text, "base_role": "read"})
        return text

    for team, source in zip(teams, org.get("teams") or []):
        wanted = source.get("repositories") if isinstance(source, dict) else None
        if isinstance(wanted, dict) and wanted:
            team["repositories"] = {repo(r)["name"]: permission(p) for r, p in wanted.items()}
    for index, entry in enumerate(org.get("outside_collaborators") or []):
        login = _person(entry, f"{name}.outside_collaborators[{index}]").get("login")
        wanted = entry.get("repositories") if isinstance(entry, dict) else None
        if not login or not isinstance(wanted, dict):
            continue
        users.setdefault(login.lower(), {"login": login})
        for r, p in wanted.items():
            repo(r)["collaborators"][login] = permission(p)
    roles = []
    for index, entry in enumerate(org.get("organization_roles") or []):
        if not isinstance(entry, dict) or not isinstance(entry.get("role"), str):
            raise SeedError(f"{name}.organization_roles[{index}]: each entry needs role (its name)")
        logins = [p["login"] for p in (_person(u, f"{name}.organization_roles[{index}].users")
                                       for u in entry.get("users") or []) if p.get("login")]
        roles.append({"role": entry["role"], "users": logins, "teams": [str(t) for t in entry.get("teams") or []]})
    if custom:
        seed_org["custom_repository_roles"] = list(custom.values())
    if repos:
        seed_org["repositories"] = list(repos.values())
    if roles:
        seed_org["organization_roles"] = roles


def load_export(path: str | os.PathLike) -> dict:
    return seed_from_export(load_seed(Path(path)))


def _people_of(org: dict, where: str) -> Iterable[tuple[Any, str]]:
    """Every person entry of one organization entry of the role, with where it stands."""
    for key in ("owners", "members"):
        for entry in org.get(key) or []:
            yield entry, f"{where}.{key}"
    for tindex, team in enumerate(org.get("teams") or []):
        if isinstance(team, dict):
            for key in ("maintainers", "members"):
                for entry in team.get(key) or []:
                    yield entry, f"{where}.teams[{tindex}].{key}"
    for rindex, role in enumerate(org.get("organization_roles") or []):
        if isinstance(role, dict):
            for entry in role.get("users") or []:
                yield entry, f"{where}.organization_roles[{rindex}].users"
    for entry in org.get("outside_collaborators") or []:
        yield entry, f"{where}.outside_collaborators"


def people_named(data: dict | str | os.PathLike) -> list[dict]:
    """Every person a membership file (``{membership_orgs: [...]}``, a dict or a YAML/JSON file)
    names by login, once each (logins compared case-insensitively, the first spelling kept), as
    ``{"login": ...}`` plus ``"id"`` when the file gives one. People given by e-mail only are left
    out: they are invited by address, not by login."""
    if not isinstance(data, dict):
        data = load_seed(data)
    orgs = data.get("membership_orgs")
    if not isinstance(orgs, list):
        raise SeedError("a membership file holds a list membership_orgs (the role's input format)")
    found: dict[str, dict] = {}
    for index, org in enumerate(orgs):
        if not isinstance(org, dict):
            raise SeedError(f"membership_orgs[{index}]: each entry is a mapping with org")
        for entry, where in _people_of(org, str(org.get("org", f"membership_orgs[{index}]"))):
            person = _person(entry, where)
            login = person.get("login")
            if login is None:
                continue
            user = found.setdefault(login.lower(), {"login": login})
            if "id" in person and "id" not in user:
                user["id"] = person["id"]
    return list(found.values())


def with_users(seed: dict, people: Iterable[str | dict]) -> tuple[dict, list[str]]:
    """``(seed', added)``: a copy of ``seed`` whose ``users`` also hold ``people`` (logins or
    ``{login, id}``) as GitHub users who belong to no organization, and the logins added. A person
    the seed already has (by login, case-insensitively, or by ``id``: a renamed user) is left out."""
    users = list(seed.get("users") or [])
    known_logins = set()
    known_ids = set()
    for entry in users:
        if isinstance(entry, str):
            known_logins.add(entry.lower())
        elif isinstance(entry, dict) and isinstance(entry.get("login"), str):
            known_logins.add(entry["login"].lower())
            if entry.get("id") is not None:
                known_ids.add(int(entry["id"]))
    for org in seed.get("orgs") or []:
        if isinstance(org, dict) and isinstance(org.get("login"), str):
            known_logins.add(org["login"].lower())
            for key in ("owners", "members"):
                known_logins.update(str(x).lower() for x in org.get(key) or [] if isinstance(x, str))
            for team in org.get("teams") or []:
                if isinstance(team, dict):
                    for key in ("maintainers", "members"):
                        known_logins.update(str(x).lower() for x in team.get(key) or [] if isinstance(x, str))
    known_logins.update(str(login).lower() for login in (seed.get("tokens") or {}).values())
    added = []
    for person in people:
        entry = {"login": person} if isinstance(person, str) else dict(person)
        login = entry.get("login")
        if not isinstance(login, str) or not login.strip():
            raise SeedError(f"a user is a login or a mapping with login, not {person!r}")
        uid = entry.get("id")
        if uid is not None and (isinstance(uid, bool) or not isinstance(uid, int) or uid < 1):
            raise SeedError(f"user {login}: id is GitHub's user id, a whole number > 0, not {uid!r}")
        if login.lower() in known_logins or (uid is not None and int(uid) in known_ids):
            continue
        known_logins.add(login.lower())
        if uid is not None:
            known_ids.add(int(uid))
        users.append({k: entry[k] for k in ("login", "id") if entry.get(k) is not None})
        added.append(login)
    return dict(seed, users=users), added
