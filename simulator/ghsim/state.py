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
# Repository permissions, weakest first (GitHub's "Repository roles for an organization"); the
# REST names of the roles read, triage, write, maintain, admin.
REPO_PERMISSIONS = ("pull", "triage", "push", "maintain", "admin")
ROLE_NAME_OF = {"pull": "read", "triage": "triage", "push": "write", "maintain": "maintain", "admin": "admin"}
PERMISSION_OF_ROLE = {v: k for k, v in ROLE_NAME_OF.items()}
BASE_PERMISSIONS = ("none", "read", "write", "admin")  # an organization's default_repository_permission
# GitHub's predefined organization roles (docs: "Permissions of predefined organization roles"),
# by the names GET /orgs/{org}/organization-roles gives them, with the ids github.com uses for
# them in every organization: 8132-8136 as integrations/terraform-provider-github's acceptance
# tests hard-code them (MIT), 138, 26237 and 33679 as a public capture of that listing shows.
# ``source`` "Predefined" is the OpenAPI enum value (organization-role.source).
PREDEFINED_ORG_ROLES = (
    (138, "security_manager", "Grants the ability to manage security policies, security alerts, and security "
                              "configurations for an organization and all its repositories.", None),
    (8132, "all_repo_read", "Grants read access to all repositories in the organization.", "read"),
    (8133, "all_repo_triage", "Grants triage access to all repositories in the organization.", "triage"),
    (8134, "all_repo_write", "Grants write access to all repositories in the organization.", "write"),
    (8135, "all_repo_maintain", "Grants maintenance access to all repositories in the organization.", "maintain"),
    (8136, "all_repo_admin", "Grants admin access to all repositories in the organization.", "admin"),
    (26237, "ci_cd_admin", "Grants admin access to manage Actions policies, runners, runner groups, network "
                           "configurations, secrets, variables, and usage metrics for an organization.", None),
    (33679, "app_manager", "Grants the ability to manage all GitHub Apps owned by an organization.", None),
)


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
    # Two-factor status GitHub's ``filter`` parameters tell apart: enabled | disabled | insecure
    # (GET /orgs/{org}/members and /outside_collaborators, filter=2fa_disabled|2fa_insecure).
    two_factor: str = "enabled"

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
    repos: dict[int, str] = field(default_factory=dict)  # repository id -> permission granted to this team

    @property
    def key(self) -> str:
        return self.slug.lower()


@dataclass
class RepoInvitation:
    id: int
    invitee_key: str
    permission: str  # pull | triage | push | maintain | admin | a custom repository role's name
    inviter_key: str | None = None
    created_at: str = SEED_TIME


@dataclass
class Repo:
    id: int
    name: str
    org_key: str
    private: bool = False
    description: str | None = None
    fork: bool = False
    archived: bool = False
    created_at: str = SEED_TIME
    collaborators: dict[str, str] = field(default_factory=dict)  # login key -> permission (direct)
    invitations: dict[int, RepoInvitation] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.name.lower()


@dataclass
class OrgRole:
    id: int
    name: str
    description: str | None
    source: str  # Predefined | Organization | Enterprise
    base_role: str | None = None
    permissions: list[str] = field(default_factory=list)
    created_at: str = "2023-06-29T16:47:29Z"
    users: set[str] = field(default_factory=set)  # login keys assigned directly
    teams: set[int] = field(default_factory=set)  # team ids assigned directly


@dataclass
class CustomRepoRole:
    id: int
    name: str
    base_role: str  # read | triage | write | maintain
    description: str | None = None
    permissions: list[str] = field(default_factory=list)
    created_at: str = SEED_TIME


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
    repos: dict[str, Repo] = field(default_factory=dict)  # name key -> Repo
    two_factor_requirement_enabled: bool = False
    default_repository_permission: str = "read"  # none | read | write | admin (base permission)
    # False: the organization has no organization roles (a GHES version without them answers 404,
    # github.com answers 422 "feature not enabled" on assignments, as documented).
    organization_roles_enabled: bool = True
    roles: dict[int, OrgRole] = field(default_factory=dict)
    custom_repo_roles: dict[int, CustomRepoRole] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.login.lower()

    def role_named(self, name: str) -> OrgRole | None:
        return next((r for r in self.roles.values() if r.name.lower() == name.lower()), None)

    def custom_repo_role(self, name: str) -> CustomRepoRole | None:
        return next((r for r in self.custom_repo_roles.values() if r.name.lower() == name.lower()), None)

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


def _mapping(value: Any, what: str, inner: str) -> dict:
    """A seed's ``{login: permission}`` mapping, or a list of ``{login|name, <inner>}`` entries."""
    if value is None:
        return {}
    if isinstance(value, dict):
        return {str(k): v for k, v in value.items()}
    out: dict = {}
    for item in _as_list(value, what):
        if isinstance(item, dict) and (item.get("login") or item.get("name")):
            out[str(item.get("login") or item.get("name"))] = item.get(inner, "push")
        else:
            raise SeedError(f"{what}: bad entry {item!r}")
    return out


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
        self.repos_by_id: dict[int, Repo] = {}
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
                           site_admin=bool(entry.get("site_admin", False)),
                           two_factor=str(entry.get("two_factor", "enabled")))
            if self.users[str(entry["login"]).lower()].two_factor not in ("enabled", "disabled", "insecure"):
                raise SeedError(f"user {entry['login']}: two_factor must be enabled, disabled or insecure")

        team_taken = {int(t["id"]) for o in orgs_spec for t in _as_list(o.get("teams"), "teams")
                      if isinstance(t, dict) and t.get("id") is not None}
        self._next_team_id = 7001
        self._taken_team_ids = team_taken
        inv_taken = {int(i["id"]) for o in orgs_spec for i in _as_list(o.get("invitations"), "invitations")
                     if isinstance(i, dict) and i.get("id") is not None}
        self._next_invitation_id = 50001
        self._taken_invitation_ids = inv_taken
        self._next_repo_id = 300001
        self._taken_repo_ids = {int(r["id"]) for o in orgs_spec for r in _as_list(o.get("repositories"), "repositories")
                                if isinstance(r, dict) and r.get("id") is not None}
        self._next_repo_invitation_id = 600001
        self._taken_repo_invitation_ids: set[int] = set()
        # custom roles' ids: above every predefined role's id
        self._next_role_id = 90001
        self._taken_role_ids: set[int] = {rid for rid, *_rest in PREDEFINED_ORG_ROLES}

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
                                    else None),
                  two_factor_requirement_enabled=bool(spec.get("two_factor_requirement_enabled", False)),
                  default_repository_permission=str(spec.get("default_repository_permission", "read")),
                  organization_roles_enabled=bool(spec.get("organization_roles_enabled", True)))
        if org.default_repository_permission not in BASE_PERMISSIONS:
            raise SeedError(f"org {login}: default_repository_permission must be one of {', '.join(BASE_PERMISSIONS)}")
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
        self._load_access(org, spec, team_specs)

    def _load_access(self, org: Org, spec: dict, team_specs: list) -> None:
        """Repositories, their collaborators and invitations, custom repository roles, organization
        roles and their assignments, teams' repository access (issue 20)."""
        for rid, name, description, base in PREDEFINED_ORG_ROLES:
            org.roles[rid] = OrgRole(id=rid, name=name, description=description, source="Predefined", base_role=base)
        for r in _as_list(spec.get("custom_repository_roles"), "custom_repository_roles"):
            if not isinstance(r, dict) or not r.get("name"):
                raise SeedError(f"org {org.login}: bad custom repository role {r!r}")
            base = str(r.get("base_role", "read"))
            if base not in ("read", "triage", "write", "maintain"):
                raise SeedError(f"org {org.login}: custom role {r['name']}: base_role must be read, triage, write or maintain")
            cid = int(r["id"]) if r.get("id") is not None else self._alloc("_next_role_id", "_taken_role_ids")
            org.custom_repo_roles[cid] = CustomRepoRole(id=cid, name=str(r["name"]), base_role=base,
                                                        description=r.get("description"),
                                                        permissions=[str(x) for x in r.get("permissions") or []])
        for r in _as_list(spec.get("repositories"), "repositories"):
            if isinstance(r, str):
                r = {"name": r}
            if not isinstance(r, dict) or not r.get("name"):
                raise SeedError(f"org {org.login}: bad repository entry {r!r}")
            repo = self.add_repo(org, str(r["name"]), private=bool(r.get("private", False)),
                                 description=r.get("description"), rid=r.get("id"),
                                 archived=bool(r.get("archived", False)))
            for login_, perm in _mapping(r.get("collaborators"), "collaborators", "permission").items():
                repo.collaborators[self._collaborator(login_).key] = self._permission(org, perm)
            for login_, perm in _mapping(r.get("invitations"), "invitations", "permission").items():
                user = self._collaborator(login_)
                iid = self._alloc("_next_repo_invitation_id", "_taken_repo_invitation_ids")
                repo.invitations[iid] = RepoInvitation(id=iid, invitee_key=user.key, permission=self._permission(org, perm),
                                                       inviter_key=next((k for k, v in org.members.items() if v == "admin"), None))
        for t in team_specs:
            if isinstance(t, str):
                continue
            team = org.teams[str(t.get("slug") or _slugify(str(t["name"]))).lower()]
            for name, perm in _mapping(t.get("repositories"), "repositories", "permission").items():
                repo = org.repos.get(str(name).lower())
                if repo is None:
                    raise SeedError(f"team {team.slug}: unknown repository {name}")
                team.repos[repo.id] = self._permission(org, perm)
        for entry in _as_list(spec.get("organization_roles"), "organization_roles"):
            if not isinstance(entry, dict) or not (entry.get("role") or entry.get("name")):
                raise SeedError(f"org {org.login}: bad organization role entry {entry!r}")
            name = str(entry.get("role") or entry.get("name"))
            role = org.role_named(name)
            if role is None:  # a custom organization role
                rid = int(entry["id"]) if entry.get("id") is not None else self._alloc("_next_role_id", "_taken_role_ids")
                role = OrgRole(id=rid, name=name, description=entry.get("description"), source="Organization",
                               base_role=entry.get("base_role"),
                               permissions=[str(x) for x in entry.get("permissions") or []], created_at=SEED_TIME)
                org.roles[rid] = role
            for login_ in _as_list(entry.get("users"), "users"):
                user = self._member_user(login_)
                if user.key not in org.members:
                    raise SeedError(f"org {org.login}: role {name}: {login_} is not a member")
                role.users.add(user.key)
            for slug in _as_list(entry.get("teams"), "teams"):
                team_ = org.teams.get(str(slug).lower())
                if team_ is None:
                    raise SeedError(f"org {org.login}: role {name}: unknown team {slug}")
                role.teams.add(team_.id)

    def _collaborator(self, login: Any) -> User:
        user = self.ensure_user(str(login))
        if user.type == "Organization":
            raise SeedError(f"{user.login} is an Organization and cannot be a collaborator")
        return user

    def _permission(self, org: Org, perm: Any) -> str:
        perm = PERMISSION_OF_ROLE.get(str(perm), str(perm))
        if perm in REPO_PERMISSIONS or org.custom_repo_role(perm) is not None:
            return perm if perm in REPO_PERMISSIONS else org.custom_repo_role(perm).name  # type: ignore[union-attr]
        raise SeedError(f"org {org.login}: unknown repository permission {perm}")

    def add_repo(self, org: Org, name: str, private: bool = False, description: Any = None, rid: Any = None,
                 archived: bool = False) -> Repo:
        """A repository of ``org`` (seeds, ``ghsim --generate`` and tests)."""
        with self.__dict__.get("lock") or threading.RLock():  # a fresh State has no lock while it loads
            if name.lower() in org.repos:
                raise SeedError(f"org {org.login}: duplicate repository {name}")
            rid = int(rid) if rid is not None else self._alloc("_next_repo_id", "_taken_repo_ids")
            if rid in self.repos_by_id:
                raise SeedError(f"duplicate repository id {rid}")
            repo = Repo(id=rid, name=name, org_key=org.key, private=private, archived=archived,
                        description=str(description) if description is not None else None)
            org.repos[repo.key] = repo
            self.repos_by_id[rid] = repo
            self.touch()
            return repo

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

    # ------------------------------------------------------------------ repository access (issue 20)
    def permission_rank(self, org: Org, perm: str | None) -> int:
        """0 for no access, 1..5 for pull..admin; a custom repository role ranks as its base role."""
        if not perm or perm == "none":
            return 0
        if perm in REPO_PERMISSIONS:
            return REPO_PERMISSIONS.index(perm) + 1
        custom = org.custom_repo_role(perm)
        return REPO_PERMISSIONS.index(PERMISSION_OF_ROLE[custom.base_role]) + 1 if custom else 0

    def _best(self, org: Org, perms: Iterable[str | None]) -> str | None:
        best: str | None = None
        for perm in perms:
            if perm and self.permission_rank(org, perm) > self.permission_rank(org, best):
                best = perm
        return best

    def ancestors(self, team: Team) -> list[Team]:
        out: list[Team] = []
        p = team.parent_id
        while p is not None and p in self.teams_by_id:
            out.append(self.teams_by_id[p])
            p = self.teams_by_id[p].parent_id
        return out

    def team_repo_permission(self, team: Team, repo: Repo) -> tuple[str | None, bool]:
        """(permission, inherited): a team's own grant or, failing a stronger one, its parents'
        (GitHub: "Repositories inherited through a parent team will also be checked")."""
        org = self.orgs[team.org_key]
        own = team.repos.get(repo.id)
        inherited = self._best(org, (t.repos.get(repo.id) for t in self.ancestors(team)))
        if own is not None and self.permission_rank(org, own) >= self.permission_rank(org, inherited):
            return own, False
        return inherited, inherited is not None

    def role_teams(self, org: Org, role: OrgRole) -> dict[int, str]:
        """team id -> direct | indirect | mixed: teams assigned the role, and their child teams."""
        out: dict[int, str] = {}
        for t in sorted(org.teams.values(), key=lambda t: t.id):
            direct = t.id in role.teams
            indirect = any(a.id in role.teams for a in self.ancestors(t))
            if direct or indirect:
                out[t.id] = "mixed" if direct and indirect else ("direct" if direct else "indirect")
        return out

    def role_users(self, org: Org, role: OrgRole) -> dict[str, tuple[str, list[int]]]:
        """login key -> (direct | indirect | mixed, ids of the assigned teams it comes through)."""
        via: dict[str, list[int]] = {}
        for tid in sorted(role.teams):
            team = self.teams_by_id.get(tid)
            if team is None:
                continue
            for k in self.effective_team_members(team):
                via.setdefault(k, []).append(tid)
        out: dict[str, tuple[str, list[int]]] = {}
        for k in self.sorted_keys(set(role.users) | set(via)):
            direct, teams = k in role.users, via.get(k, [])
            out[k] = ("mixed" if direct and teams else ("direct" if direct else "indirect"), teams)
        return out

    def repo_permission(self, repo: Repo, key: str) -> str | None:
        """A user's effective permission on an organization's repository: direct collaboration,
        teams (with their parents' grants), all-repository organization roles, ownership and the
        organization's base permission (GitHub: "Repository roles for an organization")."""
        org = self.orgs[repo.org_key]
        perms: list[str | None] = [repo.collaborators.get(key)]
        if key in org.members:
            if org.members[key] == "admin":
                return "admin"
            for team in org.teams.values():
                if key in self.effective_team_members(team):
                    perms.append(self.team_repo_permission(team, repo)[0])
            for role in org.roles.values():
                if role.source == "Predefined" and role.base_role and key in self.role_users(org, role):
                    perms.append(PERMISSION_OF_ROLE[role.base_role])
            # last: on a tie, a grant (a custom role, say) names the access rather than the base permission
            perms.append({"read": "pull", "write": "push", "admin": "admin"}.get(org.default_repository_permission))
        return self._best(org, perms)

    def outside_collaborators(self, org: Org) -> list[str]:
        """Login keys with direct access to a repository of ``org`` who are not its members."""
        keys = {k for repo in org.repos.values() for k in repo.collaborators if k not in org.members}
        return self.sorted_keys(keys)

    def two_factor_of(self, org: Org, key: str) -> str:
        if key in org.two_factor_disabled:
            return "disabled"
        if key in org.two_factor_insecure:
            return "insecure"
        return self.users[key].two_factor

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
            self._keep_two_factor(org, key)
            del org.members[key]
            org.public.discard(key)
            org.two_factor_disabled.discard(key)
            org.two_factor_insecure.discard(key)
            for team in org.teams.values():
                team.members.pop(key, None)
            for role in org.roles.values():
                role.users.discard(key)
            # GitHub ("Remove an organization member"): removed from all teams, "and they will no
            # longer have any access to the organization's repositories".
            for repo in org.repos.values():
                repo.collaborators.pop(key, None)
            self.touch()
            return True

    def _keep_two_factor(self, org: Org, key: str) -> None:
        """The org-level 2FA seed lists hold members only; the status belongs to the user."""
        if key in org.two_factor_disabled:
            self.users[key].two_factor = "disabled"
        elif key in org.two_factor_insecure:
            self.users[key].two_factor = "insecure"

    def convert_to_outside_collaborator(self, org: Org, key: str) -> None:
        """``PUT /orgs/{org}/outside_collaborators/{username}``: "they'll only have access to the
        repositories that their current team membership allows. The user will no longer be a
        member of the organization." The team-given access becomes direct collaboration."""
        with self.lock:
            grants: dict[int, str] = {}
            for repo in org.repos.values():
                best = self._best(org, [repo.collaborators.get(key)] + [
                    self.team_repo_permission(t, repo)[0] for t in org.teams.values()
                    if key in self.effective_team_members(t)])
                if best:
                    grants[repo.id] = best
            self._keep_two_factor(org, key)
            self.remove_org_member(org, key)
            for rid, perm in grants.items():
                self.repos_by_id[rid].collaborators[key] = perm
            self.touch()

    def remove_outside_collaborator(self, org: Org, key: str) -> None:
        """"Removing a user from this list will remove them from all the organization's repositories"."""
        with self.lock:
            for repo in org.repos.values():
                repo.collaborators.pop(key, None)
                for iid in [i for i, inv in repo.invitations.items() if inv.invitee_key == key]:
                    del repo.invitations[iid]
            self.touch()

    def set_collaborator(self, repo: Repo, key: str, permission: str) -> None:
        with self.lock:
            repo.collaborators[key] = permission
            for iid in [i for i, inv in repo.invitations.items() if inv.invitee_key == key]:
                del repo.invitations[iid]
            self.touch()

    def remove_collaborator(self, repo: Repo, key: str) -> None:
        """Removes direct access; "This endpoint also: Cancels any outstanding invitations sent by
        the collaborator" (GitHub's "Remove a repository collaborator"). An invitation *to* the
        user is left alone: GitHub documents nothing for it (DELETE .../invitations/{id} cancels it)."""
        with self.lock:
            repo.collaborators.pop(key, None)
            for iid in [i for i, inv in repo.invitations.items() if inv.inviter_key == key]:
                del repo.invitations[iid]
            self.touch()

    def invite_collaborator(self, repo: Repo, key: str, permission: str, inviter_key: str | None) -> RepoInvitation:
        with self.lock:
            for inv in repo.invitations.values():
                if inv.invitee_key == key:
                    inv.permission = permission
                    self.touch()
                    return inv
            iid = self._alloc("_next_repo_invitation_id", "_taken_repo_invitation_ids")
            inv = RepoInvitation(id=iid, invitee_key=key, permission=permission, inviter_key=inviter_key,
                                 created_at=now_iso())
            repo.invitations[iid] = inv
            self.touch()
            return inv

    def accept_repo_invitation(self, org: str, repo: str, login: str) -> None:
        """The invitee accepts (test helper): they become a direct collaborator."""
        with self.lock:
            o = self._org_or_raise(org)
            r = o.repos[repo.lower()]
            for iid, inv in list(r.invitations.items()):
                if inv.invitee_key == login.lower():
                    del r.invitations[iid]
                    r.collaborators[inv.invitee_key] = inv.permission
                    self.touch()
                    return
            raise KeyError(f"no invitation for {login} to {org}/{repo}")

    def set_team_repo(self, team: Team, repo: Repo, permission: str | None) -> None:
        with self.lock:
            if permission is None:
                team.repos.pop(repo.id, None)
            else:
                team.repos[repo.id] = permission
            self.touch()

    def set_role_assignment(self, role: OrgRole, user_key: str | None = None, team_id: int | None = None,
                            present: bool = True) -> None:
        with self.lock:
            target: set = role.users if user_key is not None else role.teams
            value = user_key if user_key is not None else team_id
            if present:
                target.add(value)
            else:
                target.discard(value)
            self.touch()

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
                for repo in org.repos.values():
                    rekey(repo.collaborators)
                    for rinv in repo.invitations.values():
                        if rinv.invitee_key == was:
                            rinv.invitee_key = now
                        if rinv.inviter_key == was:
                            rinv.inviter_key = now
                for role in org.roles.values():
                    if was in role.users:
                        role.users.discard(was)
                        role.users.add(now)
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
                for role in org.roles.values():  # its role assignments and repository access go with it
                    role.teams.discard(gone.id)
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
                    if t.repos:
                        td["repositories"] = {self.repos_by_id[rid].name: perm for rid, perm in sorted(t.repos.items())}
                    teams.append(td)
                if org.custom_repo_roles:
                    o["custom_repository_roles"] = [
                        {"id": c.id, "name": c.name, "base_role": c.base_role, "description": c.description,
                         "permissions": list(c.permissions)} for _dummy, c in sorted(org.custom_repo_roles.items())]
                if org.repos:
                    repos = []
                    for r in sorted(org.repos.values(), key=lambda r: r.id):
                        rd: dict[str, Any] = {"name": r.name, "id": r.id}
                        if r.private:
                            rd["private"] = True
                        if r.archived:
                            rd["archived"] = True
                        if r.description is not None:
                            rd["description"] = r.description
                        if r.collaborators:
                            rd["collaborators"] = {self.login_of(k): r.collaborators[k]
                                                   for k in self.sorted_keys(r.collaborators)}
                        if r.invitations:
                            rd["invitations"] = {self.login_of(i.invitee_key): i.permission
                                                 for _dummy, i in sorted(r.invitations.items())}
                        repos.append(rd)
                    o["repositories"] = repos
                o["teams"] = teams
                if org.two_factor_requirement_enabled:
                    o["two_factor_requirement_enabled"] = True
                if org.default_repository_permission != "read":
                    o["default_repository_permission"] = org.default_repository_permission
                if not org.organization_roles_enabled:
                    o["organization_roles_enabled"] = False
                roles = []
                for role in sorted(org.roles.values(), key=lambda r: r.id):
                    if role.source == "Predefined" and not role.users and not role.teams:
                        continue
                    entry: dict[str, Any] = {"role": role.name}
                    if role.source != "Predefined":
                        entry.update({"id": role.id, "description": role.description, "base_role": role.base_role,
                                      "permissions": list(role.permissions)})
                    entry["users"] = logins(role.users)
                    entry["teams"] = [self.teams_by_id[tid].slug for tid in sorted(role.teams)]
                    roles.append(entry)
                if roles:
                    o["organization_roles"] = roles
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
                if u.two_factor != "enabled":
                    d["two_factor"] = u.two_factor
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
