"""In-memory GitHub state: users, tokens, organizations, teams, invitations.

Every lookup is keyed by the lower-cased login / org name / team slug; the objects keep the
canonical spelling.  All public methods take ``self.lock`` (a re-entrant lock), so the HTTP
layer can hold the lock for a whole request while tests read state from another thread.
"""

from __future__ import annotations

import base64
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

SEED_TIME = "2024-01-01T00:00:00Z"
DEFAULT_RATE_LIMIT = 5000

ORG_ROLES = ("admin", "member")
TEAM_ROLES = ("member", "maintainer")
INVITATION_ROLES = ("admin", "direct_member", "billing_manager", "hiring_manager", "reinstate")


class SeedError(ValueError):
    """The seed document is malformed."""


def now_iso() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def node_id(kind: str, ident: int) -> str:
    return base64.b64encode(f"0{len(kind)}:{kind}{ident}".encode()).decode().rstrip("=")


@dataclass
class User:
    login: str
    id: int
    type: str = "User"  # User | Organization
    name: str | None = None
    email: str | None = None
    site_admin: bool = False
    # Verified addresses GitHub knows but does not show (an accepted e-mail invitation's address).
    verified_emails: list[str] = field(default_factory=list)

    def has_email(self, address: str) -> bool:
        wanted = address.lower()
        return (self.email or "").lower() == wanted or any(e.lower() == wanted for e in self.verified_emails)

    @property
    def key(self) -> str:
        return self.login.lower()


@dataclass
class Team:
    id: int
    slug: str
    name: str
    org_key: str
    parent_id: int | None = None
    description: str | None = None
    privacy: str = "closed"  # closed | secret
    idp_synced: bool = False  # team synchronization (SAML SSO): members come from IdP groups
    idp_groups: list[str] = field(default_factory=list)  # those groups' names (team-sync mode)
    external_group: str | None = None  # Enterprise Managed Users: the connected external group
    idp: str | None = None  # the IdP GitHub names in its 403 ("... managed by Okta")
    members: dict[str, str] = field(default_factory=dict)  # login key -> member|maintainer (direct)
    notification_setting: str = "notifications_enabled"
    created_at: str = SEED_TIME
    # "organization" | "enterprise": the REST ``type`` of a team (GitHub's OpenAPI, team objects);
    # an enterprise team cannot be changed through the organization API (kubernetes-sigs/prow#710).
    type: str = "organization"
    created_by_app: int | None = None  # the GitHub App installation that created it, if one did

    @property
    def key(self) -> str:
        return self.slug.lower()


@dataclass
class Invitation:
    id: int
    login_key: str | None
    email: str | None
    role: str  # admin | direct_member | billing_manager | ...
    teams: dict[int, str] = field(default_factory=dict)  # team id -> member|maintainer
    inviter_key: str | None = None
    created_at: str = SEED_TIME
    failed_at: str | None = None
    failed_reason: str | None = None


@dataclass
class Org:
    login: str
    id: int
    name: str | None = None
    description: str | None = None
    members: dict[str, str] = field(default_factory=dict)  # login key -> admin|member
    public: set[str] = field(default_factory=set)
    two_factor_disabled: set[str] = field(default_factory=set)
    two_factor_insecure: set[str] = field(default_factory=set)
    invitations: dict[int, Invitation] = field(default_factory=dict)
    failed_invitations: list[Invitation] = field(default_factory=list)
    teams: dict[str, Team] = field(default_factory=dict)  # slug key -> Team
    created_at: str = SEED_TIME
    # GitHub allows an organization 50 invitations in 24 hours (500 when it is older than a month
    # or on a paid plan); None: no limit. ``invitations_sent`` holds the created_at of every
    # invitation sent (accepted, cancelled and failed ones too), newest last.
    invitation_limit: int | None = None
    invitations_sent: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.login.lower()

    def invitations_in_last_day(self, now: datetime) -> int:
        """How many invitations were sent in the 24 hours before ``now``."""
        count = 0
        for stamp in self.invitations_sent:
            sent = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)
            if (now - sent).total_seconds() < 86400:
                count += 1
        return count

    def invitation_for(self, login_key: str) -> Invitation | None:
        for inv in self.invitations.values():
            if inv.login_key == login_key:
                return inv
        return None


def _as_list(value: Any, what: str) -> list:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return list(value)
    raise SeedError(f"{what} must be a list, got {type(value).__name__}")


class State:
    """The simulator's whole world.  Build it from a seed dict (see README.md)."""

    def __init__(self, seed: dict | None = None) -> None:
        self.lock = threading.RLock()
        self.load(seed or {})

    # ------------------------------------------------------------------ loading
    def load(self, seed: dict) -> None:
        """Replace the whole state with the seed's; on a SeedError the state is left unchanged."""
        if not isinstance(seed, dict):
            raise SeedError("the seed must be a mapping")
        fresh = State.__new__(State)
        try:
            fresh._build(seed)
        except SeedError:
            raise
        except (TypeError, ValueError, AttributeError, KeyError) as e:
            raise SeedError(f"malformed seed: {e}") from e
        with self.lock:
            self.__dict__.update({k: v for k, v in fresh.__dict__.items() if k != "lock"})

    def _build(self, seed: dict) -> None:
        self.users: dict[str, User] = {}
        self.users_by_id: dict[int, User] = {}
        self.tokens: dict[str, str] = {}
        self.orgs: dict[str, Org] = {}
        self.orgs_by_id: dict[int, Org] = {}
        self.teams_by_id: dict[int, Team] = {}
        self.rev = 0
        self._cache: dict[tuple, tuple[int, Any]] = {}
        self.apps: dict[int, Any] = {}                  # app id -> apps.App
        self.installation_tokens: dict[str, Any] = {}   # token -> apps.InstallationToken
        rl = seed.get("rate_limit") or {}
        self.rate_limit = int(rl.get("limit", DEFAULT_RATE_LIMIT))
        self._load(seed)

    def _load(self, seed: dict) -> None:
        users_spec = []
        for entry in _as_list(seed.get("users"), "users"):
            if isinstance(entry, str):
                entry = {"login": entry}
            if not isinstance(entry, dict) or not entry.get("login"):
                raise SeedError(f"bad user entry: {entry!r}")
            users_spec.append(entry)
        orgs_spec = _as_list(seed.get("orgs"), "orgs")
        for o in orgs_spec:
            if not isinstance(o, dict) or not o.get("login"):
                raise SeedError(f"bad org entry: {o!r}")

        # ids given explicitly are reserved first; the rest are assigned in seed order
        taken = {int(u["id"]) for u in users_spec if u.get("id") is not None}
        taken |= {int(o["id"]) for o in orgs_spec if o.get("id") is not None}
        self._next_user_id = 1001
        self._taken_user_ids = taken

        for entry in users_spec:
            self._add_user(entry["login"], entry.get("id"), entry.get("type", "User"),
                           name=entry.get("name"), email=entry.get("email"),
                           verified_emails=list(entry.get("verified_emails") or []),
                           site_admin=bool(entry.get("site_admin", False)))

        team_taken = {int(t["id"]) for o in orgs_spec for t in _as_list(o.get("teams"), "teams")
                      if isinstance(t, dict) and t.get("id") is not None}
        self._next_team_id = 7001
        self._taken_team_ids = team_taken
        inv_taken = {int(i["id"]) for o in orgs_spec for i in _as_list(o.get("invitations"), "invitations")
                     if isinstance(i, dict) and i.get("id") is not None}
        self._next_invitation_id = 50001
        self._taken_invitation_ids = inv_taken

        for o in orgs_spec:
            self._load_org(o)

        for token, login in (seed.get("tokens") or {}).items():
            user = self.ensure_user(str(login))
            self.tokens[str(token)] = user.key

        apps_spec = _as_list(seed.get("apps"), "apps")
        if apps_spec:
            from .apps import SeedProblem, load_apps
            try:
                self.apps = load_apps(apps_spec, self)
            except SeedProblem as e:
                raise SeedError(str(e)) from None

    def _alloc(self, counter: str, taken_attr: str) -> int:
        taken: set[int] = getattr(self, taken_attr)
        value = getattr(self, counter)
        while value in taken:
            value += 1
        setattr(self, counter, value + 1)
        taken.add(value)
        return value

    def _add_user(self, login: str, uid: Any = None, utype: str = "User", **extra: Any) -> User:
        login = str(login)
        key = login.lower()
        if utype not in ("User", "Organization"):
            raise SeedError(f"user {login}: type must be User or Organization")
        existing = self.users.get(key)
        if existing is not None:
            if utype == "Organization":
                existing.type = "Organization"
            return existing
        if uid is None:
            uid = self._alloc("_next_user_id", "_taken_user_ids")
        user = User(login=login, id=int(uid), type=utype, **extra)
        if user.id in self.users_by_id:
            raise SeedError(f"duplicate user id {user.id} ({login})")
        self.users[key] = user
        self.users_by_id[user.id] = user
        return user

    def ensure_user(self, login: str) -> User:
        return self.users.get(login.lower()) or self._add_user(login)

    def _load_org(self, spec: dict) -> None:
        login = str(spec["login"])
        key = login.lower()
        if key in self.orgs:
            raise SeedError(f"duplicate org {login}")
        existing = self.users.get(key)
        if existing is not None and existing.type != "Organization":
            existing.type = "Organization"
        if existing is not None and spec.get("id") is not None and int(spec["id"]) != existing.id:
            raise SeedError(f"org {login}: id {spec['id']} differs from its user entry's id {existing.id}")
        ouser = existing or self._add_user(login, spec.get("id"), "Organization")
        org = Org(login=ouser.login, id=ouser.id, name=spec.get("name"),
                  description=spec.get("description"),
                  invitation_limit=(int(spec["invitation_limit"]) if spec.get("invitation_limit") is not None
                                    else None))
        self.orgs[key] = org
        self.orgs_by_id[org.id] = org

        for login_ in _as_list(spec.get("owners"), "owners"):
            org.members[self._member_user(login_).key] = "admin"
        for login_ in _as_list(spec.get("members"), "members"):
            u = self._member_user(login_)
            org.members.setdefault(u.key, "member")
        for name, target in (("public_members", org.public), ("two_factor_disabled", org.two_factor_disabled),
                             ("two_factor_insecure", org.two_factor_insecure)):
            for login_ in _as_list(spec.get(name), name):
                u = self._member_user(login_)
                org.members.setdefault(u.key, "member")
                target.add(u.key)

        # teams: create all first so that parents may be listed after children
        team_specs = _as_list(spec.get("teams"), "teams")
        for t in team_specs:
            if isinstance(t, str):
                t = {"slug": t}
            if not isinstance(t, dict) or not (t.get("slug") or t.get("name")):
                raise SeedError(f"org {login}: bad team entry {t!r}")
            slug = str(t.get("slug") or _slugify(str(t["name"])))
            if slug.lower() in org.teams:
                raise SeedError(f"org {login}: duplicate team {slug}")
            tid = t.get("id")
            tid = int(tid) if tid is not None else self._alloc("_next_team_id", "_taken_team_ids")
            if tid in self.teams_by_id:
                raise SeedError(f"duplicate team id {tid}")
            privacy = str(t.get("privacy", "closed"))
            if privacy not in ("closed", "secret"):
                raise SeedError(f"team {slug}: privacy must be closed or secret")
            team = Team(id=tid, slug=slug, name=str(t.get("name") or slug), org_key=key,
                        description=t.get("description"), privacy=privacy,
                        idp_synced=bool(t.get("idp_synced", False)),
                        idp_groups=[str(g) for g in t.get("idp_groups") or []],
                        external_group=str(t["external_group"]) if t.get("external_group") else None,
                        idp=str(t["idp"]) if t.get("idp") else None,
                        type=str(t.get("type", "organization")))
            if team.type not in ("organization", "enterprise"):
                raise SeedError(f"team {slug}: type must be organization or enterprise")
            if team.idp_synced and not team.idp_groups:
                team.idp_groups = [f"{slug}-idp-group"]
            org.teams[team.key] = team
            self.teams_by_id[tid] = team
        for t in team_specs:
            if isinstance(t, str):
                continue
            team = org.teams[str(t.get("slug") or _slugify(str(t["name"]))).lower()]
            parent = t.get("parent")
            if parent is not None:
                ptm = org.teams.get(str(parent).lower())
                if ptm is None:
                    raise SeedError(f"team {team.slug}: unknown parent {parent}")
                team.parent_id = ptm.id
            for login_ in _as_list(t.get("maintainers"), "maintainers"):
                u = self._member_user(login_)
                org.members.setdefault(u.key, "member")
                team.members[u.key] = "maintainer"
            for login_ in _as_list(t.get("members"), "members"):
                u = self._member_user(login_)
                org.members.setdefault(u.key, "member")
                team.members.setdefault(u.key, "member")
        for team in org.teams.values():  # reject cycles
            seen = {team.id}
            p = team.parent_id
            while p is not None:
                if p in seen:
                    raise SeedError(f"team {team.slug}: parent cycle")
                seen.add(p)
                p = self.teams_by_id[p].parent_id

        default_inviter = next((k for k, r in org.members.items() if r == "admin"), None)
        for inv in _as_list(spec.get("invitations"), "invitations"):
            invitation = self._seed_invitation(org, inv, default_inviter)
            org.invitations[invitation.id] = invitation
            org.invitations_sent.append(invitation.created_at)
        for inv in _as_list(spec.get("failed_invitations"), "failed_invitations"):
            invitation = self._seed_invitation(org, inv, default_inviter, failed=True)
            org.failed_invitations.append(invitation)
            org.invitations_sent.append(invitation.created_at)
        org.invitations_sent.sort()

    def _member_user(self, login: Any) -> User:
        user = self.ensure_user(str(login))
        if user.type == "Organization":
            raise SeedError(f"{user.login} is an Organization and cannot be a member")
        return user

    def _seed_invitation(self, org: Org, spec: Any, default_inviter: str | None, failed: bool = False) -> Invitation:
        if isinstance(spec, str):
            spec = {"login": spec}
        if not isinstance(spec, dict) or not (spec.get("login") or spec.get("email")):
            raise SeedError(f"org {org.login}: invitation needs login or email: {spec!r}")
        login_key = None
        if spec.get("login"):
            login_key = self._member_user(spec["login"]).key
            if not failed and login_key in org.members:
                raise SeedError(f"org {org.login}: {spec['login']} is a member and cannot be invited")
        role = str(spec.get("role", "direct_member"))
        if role == "member":
            role = "direct_member"
        if role not in INVITATION_ROLES:
            raise SeedError(f"org {org.login}: bad invitation role {role}")
        teams: dict[int, str] = {}
        for tid in _as_list(spec.get("team_ids"), "team_ids"):
            team = self.teams_by_id.get(int(tid))
            if team is None or team.org_key != org.key:
                raise SeedError(f"org {org.login}: invitation team id {tid} not in org")
            teams[team.id] = "member"
        for t in _as_list(spec.get("teams"), "teams"):
            slug, trole = (t, "member") if isinstance(t, str) else (t.get("slug"), t.get("role", "member"))
            team = org.teams.get(str(slug).lower())
            if team is None:
                raise SeedError(f"org {org.login}: invitation team {slug} not in org")
            if trole not in TEAM_ROLES:
                raise SeedError(f"org {org.login}: bad team role {trole}")
            teams[team.id] = trole
        inviter = spec.get("inviter")
        inviter_key = self.ensure_user(str(inviter)).key if inviter else default_inviter
        if spec.get("id") is not None:
            iid = int(spec["id"])
        else:
            iid = self._alloc("_next_invitation_id", "_taken_invitation_ids")
        return Invitation(id=iid, login_key=login_key, email=spec.get("email"), role=role, teams=teams,
                          inviter_key=inviter_key, created_at=str(spec.get("created_at", SEED_TIME)),
                          failed_at=(str(spec.get("failed_at", SEED_TIME)) if failed else None),
                          failed_reason=(str(spec.get("failed_reason", "expired")) if failed else None))

    # ------------------------------------------------------------------ lookups
    def user(self, login: str) -> User | None:
        return self.users.get(login.lower())

    def org(self, login: str) -> Org | None:
        return self.orgs.get(login.lower())

    def team(self, org: str, slug: str) -> Team | None:
        o = self.org(org)
        return o.teams.get(slug.lower()) if o else None

    def _org_or_raise(self, org: str) -> Org:
        o = self.org(org)
        if o is None:
            raise KeyError(f"no org {org}")
        return o

    def _team_or_raise(self, org: str, slug: str) -> Team:
        t = self.team(org, slug)
        if t is None:
            raise KeyError(f"no team {org}/{slug}")
        return t

    def login_of(self, key: str) -> str:
        return self.users[key].login

    def uid(self, key: str) -> int:
        return self.users[key].id

    def children(self, team: Team) -> list[Team]:
        org = self.orgs[team.org_key]
        return sorted((t for t in org.teams.values() if t.parent_id == team.id), key=lambda t: t.id)

    def descendants(self, team: Team) -> list[Team]:
        out: list[Team] = []
        stack = self.children(team)
        while stack:
            t = stack.pop(0)
            out.append(t)
            stack.extend(self.children(t))
        return out

    def cached(self, key: tuple, build: Any) -> Any:
        """Memoize ``build()`` until the next mutation."""
        hit = self._cache.get(key)
        if hit is not None and hit[0] == self.rev:
            return hit[1]
        value = build()
        self._cache[key] = (self.rev, value)
        return value

    def sorted_keys(self, keys: Iterable[str]) -> list[str]:
        users = self.users
        return sorted(keys, key=lambda k: users[k].id)

    def effective_team_members(self, team: Team) -> dict[str, tuple[str, bool]]:
        """login key -> (effective role, inherited) for direct members and members of child teams.

        Org owners read back as ``maintainer``; members only through a child team as ``member``.
        """
        def build() -> dict[str, tuple[str, bool]]:
            org = self.orgs[team.org_key]
            out: dict[str, tuple[str, bool]] = {}
            for k, role in team.members.items():
                out[k] = ("maintainer" if org.members.get(k) == "admin" else role, False)
            for child in self.descendants(team):
                for k in child.members:
                    if k not in out:
                        out[k] = ("maintainer" if org.members.get(k) == "admin" else "member", True)
            return {k: out[k] for k in self.sorted_keys(out)}

        return self.cached(("team-members", team.id), build)

    def team_membership(self, team: Team, key: str) -> tuple[str, str] | None:
        """(state, effective role) of a user in a team, or None."""
        org = self.orgs[team.org_key]
        if key in team.members:
            role = "maintainer" if org.members.get(key) == "admin" else team.members[key]
            return "active", role
        for child in self.descendants(team):
            if key in child.members:
                return "active", ("maintainer" if org.members.get(key) == "admin" else "member")
        inv = org.invitation_for(key)
        if inv is not None and team.id in inv.teams:
            return "pending", inv.teams[team.id]
        return None

    # ------------------------------------------------------------------ test helpers
    def org_role(self, org: str, login: str) -> str | None:
        with self.lock:
            o = self.org(org)
            return o.members.get(login.lower()) if o else None

    def org_invitation(self, org: str, login: str) -> dict | None:
        with self.lock:
            o = self.org(org)
            inv = o.invitation_for(login.lower()) if o else None
            return self.invitation_dict(o, inv) if inv else None

    def invitation_dict(self, org: Org, inv: Invitation) -> dict:
        teams = {self.teams_by_id[tid].slug: role for tid, role in inv.teams.items()}
        return {
            "id": inv.id,
            "login": self.login_of(inv.login_key) if inv.login_key else None,
            "email": inv.email,
            "role": inv.role,
            "team_ids": sorted(inv.teams),
            "teams": teams,
            "inviter": self.login_of(inv.inviter_key) if inv.inviter_key else None,
            "created_at": inv.created_at,
        }

    def team_role(self, org: str, slug: str, login: str) -> str | None:
        with self.lock:
            t = self.team(org, slug)
            return t.members.get(login.lower()) if t else None

    def team_pending(self, org: str, slug: str, login: str) -> str | None:
        with self.lock:
            o = self.org(org)
            t = self.team(org, slug)
            if not o or not t:
                return None
            inv = o.invitation_for(login.lower())
            return inv.teams.get(t.id) if inv else None

    def is_public(self, org: str, login: str) -> bool:
        with self.lock:
            o = self.org(org)
            return bool(o and login.lower() in o.public)

    def org_members(self, org: str) -> dict[str, str]:
        with self.lock:
            o = self._org_or_raise(org)
            return {self.login_of(k): o.members[k] for k in self.sorted_keys(o.members)}

    def team_members(self, org: str, slug: str) -> dict[str, str]:
        with self.lock:
            t = self._team_or_raise(org, slug)
            return {self.login_of(k): t.members[k] for k in self.sorted_keys(t.members)}

    def token_for(self, login: str) -> str | None:
        """First token of a login (tests use it to act as that user)."""
        with self.lock:
            key = login.lower()
            return next((tok for tok, k in self.tokens.items() if k == key), None)

    # ------------------------------------------------------------------ mutations
    def touch(self) -> None:
        self.rev += 1

    def set_org_role(self, org: Org, key: str, role: str) -> None:
        with self.lock:
            org.members[key] = role
            inv = org.invitation_for(key)
            if inv is not None:
                del org.invitations[inv.id]
            self.touch()

    def remove_org_member(self, org: Org, key: str) -> bool:
        with self.lock:
            if key not in org.members:
                return False
            del org.members[key]
            org.public.discard(key)
            org.two_factor_disabled.discard(key)
            org.two_factor_insecure.discard(key)
            for team in org.teams.values():
                team.members.pop(key, None)
            self.touch()
            return True

    def create_invitation(self, org: Org, login_key: str | None, email: str | None, role: str,
                          teams: dict[int, str] | None, inviter_key: str | None) -> Invitation:
        with self.lock:
            iid = self._alloc("_next_invitation_id", "_taken_invitation_ids")
            inv = Invitation(id=iid, login_key=login_key, email=email, role=role, teams=dict(teams or {}),
                             inviter_key=inviter_key, created_at=now_iso())
            org.invitations[iid] = inv
            org.invitations_sent.append(inv.created_at)
            self.touch()
            return inv

    def cancel_invitation(self, org: Org, iid: int) -> bool:
        """``DELETE /orgs/{org}/invitations/{invitation_id}`` cancels a pending invitation and
        deletes a failed one (kubernetes-sigs/prow #712 clears failed records this way)."""
        with self.lock:
            if org.invitations.pop(iid, None) is None:
                failed = [inv for inv in org.failed_invitations if inv.id == iid]
                if not failed:
                    return False
                org.failed_invitations.remove(failed[0])
            self.touch()
            return True

    def accept_email_invitation(self, org: str, email: str, login: str) -> None:
        """The user ``login`` accepts the invitation sent to ``email`` (GitHub lets them when the
        address is one of their verified ones): the invitation leaves the pending list and they
        are a member, listed by login only from then on."""
        with self.lock:
            o = self._org_or_raise(org)
            user = self.ensure_user(login)
            for _iid, inv in sorted(o.invitations.items()):
                if inv.login_key is None and (inv.email or "").lower() == email.lower():
                    inv.login_key = user.key
                    if not user.has_email(email):
                        user.verified_emails.append(email)
                    self.accept_invitation(o, user.key)
                    return
            raise KeyError(f"no pending invitation for {email} in {org}")

    def accept_invitation(self, org: Org, key: str) -> bool:
        with self.lock:
            inv = org.invitation_for(key)
            if inv is None:
                return False
            org.members[key] = "admin" if inv.role == "admin" else "member"
            for tid, role in inv.teams.items():
                team = self.teams_by_id.get(tid)
                if team is not None:
                    team.members[key] = role
            del org.invitations[inv.id]
            self.touch()
            return True

    def set_team_member(self, team: Team, key: str, role: str) -> None:
        with self.lock:
            team.members[key] = role
            self.touch()

    def remove_team_member(self, team: Team, key: str) -> bool:
        with self.lock:
            if team.members.pop(key, None) is None:
                return False
            self.touch()
            return True

    def set_public(self, org: Org, key: str, public: bool) -> None:
        with self.lock:
            if public:
                org.public.add(key)
            else:
                org.public.discard(key)
            self.touch()

    def rename_user(self, old: str, new: str) -> User:
        """A user changes their login (GitHub allows it; the numeric ``id`` stays): every
        membership, invitation and token follows them under the new login."""
        with self.lock:
            user = self.users.get(old.lower())
            if user is None:
                raise KeyError(f"no user {old}")
            if new.lower() != user.key and new.lower() in self.users:
                raise ValueError(f"login {new} is taken")
            was, now = user.key, new.lower()
            del self.users[was]
            user.login = new
            self.users[now] = user

            def rekey(mapping: dict) -> None:
                if was in mapping:
                    mapping[now] = mapping.pop(was)

            for org in self.orgs.values():
                rekey(org.members)
                for group in (org.public, org.two_factor_disabled, org.two_factor_insecure):
                    if was in group:
                        group.discard(was)
                        group.add(now)
                for inv in list(org.invitations.values()) + org.failed_invitations:
                    if inv.login_key == was:
                        inv.login_key = now
                    if inv.inviter_key == was:
                        inv.inviter_key = now
                for team in org.teams.values():
                    rekey(team.members)
            for token, key in list(self.tokens.items()):
                if key == was:
                    self.tokens[token] = now
            self.touch()
            return user

    def expire_invitation(self, org: str, login_or_email: str) -> Invitation:
        """A pending invitation runs out (GitHub: after 7 days): it leaves the pending list and
        shows in ``GET /orgs/{org}/failed_invitations`` with ``failed_reason`` set."""
        with self.lock:
            o = self._org_or_raise(org)
            wanted = login_or_email.lower()
            for iid, inv in sorted(o.invitations.items()):
                if inv.login_key == wanted or (inv.email or "").lower() == wanted:
                    del o.invitations[iid]
                    inv.failed_at = now_iso()
                    # GitHub's reference documents the field, not its text; the engine never reads it.
                    inv.failed_reason = "expired"
                    o.failed_invitations.append(inv)
                    self.touch()
                    return inv
            raise KeyError(f"no pending invitation for {login_or_email} in {org}")

    def create_team(self, org: Org, name: str, slug: str, description: str | None, privacy: str,
                    parent_id: int | None, notification_setting: str, created_by_app: int | None = None) -> Team:
        with self.lock:
            tid = self._alloc("_next_team_id", "_taken_team_ids")
            team = Team(id=tid, slug=slug, name=name, org_key=org.key, parent_id=parent_id, description=description,
                        privacy=privacy, notification_setting=notification_setting, created_at=now_iso(),
                        created_by_app=created_by_app)
            org.teams[team.key] = team
            self.teams_by_id[tid] = team
            self.touch()
            return team

    def rename_team(self, team: Team, name: str, slug: str) -> None:
        with self.lock:
            org = self.orgs[team.org_key]
            del org.teams[team.key]
            team.name, team.slug = name, slug
            org.teams[team.key] = team
            self.touch()

    def delete_team(self, team: Team) -> None:
        """GitHub deletes the team and every team below it."""
        with self.lock:
            org = self.orgs[team.org_key]
            for gone in [team] + self.descendants(team):
                org.teams.pop(gone.key, None)
                self.teams_by_id.pop(gone.id, None)
                for inv in org.invitations.values():
                    inv.teams.pop(gone.id, None)
            self.touch()

    # ------------------------------------------------------------------ snapshot
    def snapshot(self, include_tokens: bool = True) -> dict:
        """The whole state in the seed format (``State(snapshot)`` rebuilds it)."""
        with self.lock:
            def logins(keys: Iterable[str]) -> list[str]:
                return [self.login_of(k) for k in self.sorted_keys(keys)]

            def inv_spec(org: Org, inv: Invitation, failed: bool) -> dict:
                d: dict[str, Any] = {"id": inv.id}
                if inv.login_key:
                    d["login"] = self.login_of(inv.login_key)
                if inv.email:
                    d["email"] = inv.email
                d["role"] = inv.role
                if inv.teams:
                    d["teams"] = [{"slug": self.teams_by_id[tid].slug, "role": r}
                                  for tid, r in sorted(inv.teams.items())]
                if inv.inviter_key:
                    d["inviter"] = self.login_of(inv.inviter_key)
                d["created_at"] = inv.created_at
                if failed:
                    d["failed_at"] = inv.failed_at
                    d["failed_reason"] = inv.failed_reason
                return d

            orgs = []
            for org in sorted(self.orgs.values(), key=lambda o: o.id):
                o: dict[str, Any] = {"login": org.login, "id": org.id}
                if org.name is not None:
                    o["name"] = org.name
                if org.description is not None:
                    o["description"] = org.description
                o["owners"] = logins(k for k, r in org.members.items() if r == "admin")
                o["members"] = logins(k for k, r in org.members.items() if r != "admin")
                o["invitations"] = [inv_spec(org, i, False) for _dummy, i in sorted(org.invitations.items())]
                o["failed_invitations"] = [inv_spec(org, i, True) for i in org.failed_invitations]
                if org.invitation_limit is not None:
                    o["invitation_limit"] = org.invitation_limit
                o["public_members"] = logins(org.public)
                o["two_factor_disabled"] = logins(org.two_factor_disabled)
                if org.two_factor_insecure:
                    o["two_factor_insecure"] = logins(org.two_factor_insecure)
                teams = []
                for t in sorted(org.teams.values(), key=lambda t: t.id):
                    td: dict[str, Any] = {"slug": t.slug, "name": t.name, "id": t.id}
                    if t.parent_id is not None:
                        td["parent"] = self.teams_by_id[t.parent_id].slug
                    if t.description is not None:
                        td["description"] = t.description
                    if t.privacy != "closed":
                        td["privacy"] = t.privacy
                    if t.idp_synced:
                        td["idp_synced"] = True
                        td["idp_groups"] = list(t.idp_groups)
                    if t.external_group:
                        td["external_group"] = t.external_group
                    if t.idp:
                        td["idp"] = t.idp
                    if t.type != "organization":
                        td["type"] = t.type
                    td["maintainers"] = logins(k for k, r in t.members.items() if r == "maintainer")
                    td["members"] = logins(k for k, r in t.members.items() if r != "maintainer")
                    teams.append(td)
                o["teams"] = teams
                orgs.append(o)
            users = []
            for u in sorted(self.users.values(), key=lambda u: u.id):
                d: dict[str, Any] = {"login": u.login, "id": u.id, "type": u.type}
                if u.name is not None:
                    d["name"] = u.name
                if u.email is not None:
                    d["email"] = u.email
                if u.site_admin:
                    d["site_admin"] = True
                if u.verified_emails:
                    d["verified_emails"] = list(u.verified_emails)
                users.append(d)
            snap: dict[str, Any] = {"users": users}
            if include_tokens:
                snap["tokens"] = {tok: self.login_of(k) for tok, k in self.tokens.items()}
            else:
                snap["tokens"] = {f"<redacted-{i}>": self.login_of(k)
                                  for i, k in enumerate(self.tokens.values(), 1)}
            snap["orgs"] = orgs
            if self.apps:
                from .apps import snapshot_apps
                snap["apps"] = snapshot_apps(self.apps, self.login_of, lambda key: self.orgs[key].login)
            snap["rate_limit"] = {"limit": self.rate_limit}
            return snap


def _slugify(name: str) -> str:
    out = []
    # GitHub's reference ("Get a team by name"): "My TEam Näme" becomes my-team-name.
    for ch in unicodedata.normalize("NFKD", name.lower()):
        if unicodedata.combining(ch):
            continue
        out.append(ch if ch.isascii() and (ch.isalnum() or ch == "_") else "-")
    slug = "".join(out).strip("-")
    while "--" in slug:
        slug = slug.replace("--", "-")
    return slug or "team"
