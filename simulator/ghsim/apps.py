"""GitHub Apps: seeded apps and installations, test key pairs, and the token exchange.

``POST /app/installations/{installation_id}/access_tokens`` authenticates with the app's JWT
(RS256, verified with the app's public key; PyJWT) and answers 201 with a fresh installation
token. The simulator lets that token act as the installation's ``login``: by default the first
owner of the account organization (on GitHub it acts as ``<app-slug>[bot]`` with the installation's
permissions; borrowing an owner's rights keeps the membership routes unchanged). Like GitHub,
installation tokens get 403 "Resource not accessible by integration" on ``/user`` routes.

No private key is ever stored: seeds carry a public key (or a private key to derive it from, for
a test that made one), and :func:`generate_app_key` makes a fresh pair at test time.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from .api import ApiError

TOKEN_ROUTE = "/app/installations/{installation_id}/access_tokens"
TOKEN_DOC = "/apps/apps#create-an-installation-access-token-for-an-app"
TOKEN_LIFETIME = 3600
JWT_MAX_LIFETIME = 600  # GitHub: "exp" at most 10 minutes in the future
CLOCK_SKEW = 60         # tolerated drift on "iat" and "exp"
DECODE_ERROR = "A JSON web token could not be decoded"
EXP_PAST = ("'Expiration time' claim ('exp') must be a numeric value representing the future time at which the "
            "assertion expires")
EXP_TOO_FAR = "'Expiration time' claim ('exp') is too far in the future"
IAT_ERROR = "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued"
INTEGRATION_ONLY = "Resource not accessible by integration"
DEFAULT_PERMISSIONS = {"members": "write", "metadata": "read"}


class SeedProblem(ValueError):
    """A bad ``apps`` entry (turned into a SeedError by the State)."""


@dataclass
class Installation:
    id: int
    app_id: int
    account_key: str          # org key
    login_key: str            # the user whose rights the installation token borrows
    permissions: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_PERMISSIONS))
    repository_selection: str = "all"


@dataclass
class App:
    id: int
    client_id: str
    slug: str
    public_key: str           # PEM (SubjectPublicKeyInfo)
    installations: dict[int, Installation] = field(default_factory=dict)


@dataclass
class InstallationToken:
    installation_id: int
    login_key: str
    expires: int              # epoch seconds


# ---------------------------------------------------------------------------- keys
def generate_app_key(bits: int = 2048) -> tuple[str, str]:
    """A fresh RSA key pair ``(private_pem, public_pem)`` for tests (never write it into the repository)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                                serialization.NoEncryption()).decode()
    return private, public_key_pem(private)


def public_key_pem(private_pem: str) -> str:
    """The public key PEM of a private key PEM."""
    from cryptography.hazmat.primitives import serialization

    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo).decode()


# ---------------------------------------------------------------------------- seeds
def load_apps(specs: list, state: Any) -> dict[int, App]:
    """Build the apps of a seed over a State whose users and orgs are loaded. An installation's
    ``login`` (created as a user if new) defaults to the first owner of its account org."""
    apps: dict[int, App] = {}
    installation_ids: set[int] = set()
    for spec in specs:
        if not isinstance(spec, dict) or spec.get("id") is None:
            raise SeedProblem(f"bad app entry (needs id): {spec!r}")
        app_id = int(spec["id"])
        if app_id in apps:
            raise SeedProblem(f"duplicate app id {app_id}")
        public = spec.get("public_key")
        if not public and spec.get("private_key"):
            public = public_key_pem(str(spec["private_key"]))
        if not public or "PUBLIC KEY" not in str(public):
            raise SeedProblem(f"app {app_id}: needs public_key (PEM), or private_key to derive it from")
        slug = str(spec.get("slug") or f"app-{app_id}")
        app = App(id=app_id, client_id=str(spec.get("client_id") or f"Iv1.{app_id:016x}"), slug=slug,
                  public_key=str(public))
        for inst in spec.get("installations") or []:
            if not isinstance(inst, dict) or inst.get("id") is None or not inst.get("account"):
                raise SeedProblem(f"app {app_id}: bad installation (needs id and account): {inst!r}")
            iid = int(inst["id"])
            if iid in installation_ids:
                raise SeedProblem(f"duplicate installation id {iid}")
            org = state.orgs.get(str(inst["account"]).lower())
            if org is None:
                raise SeedProblem(f"app {app_id}: installation {iid} on unknown org {inst['account']}")
            if inst.get("login"):
                login_key = state.ensure_user(str(inst["login"])).key
            else:
                login_key = next((k for k, role in org.members.items() if role == "admin"), None)
            if login_key is None:
                raise SeedProblem(f"app {app_id}: installation {iid}: org {org.login} has no owner to act as; give login")
            selection = str(inst.get("repository_selection", "all"))
            if selection not in ("all", "selected"):
                raise SeedProblem(f"installation {iid}: repository_selection must be all or selected")
            app.installations[iid] = Installation(
                id=iid, app_id=app_id, account_key=org.key, login_key=login_key,
                permissions=dict(inst.get("permissions") or DEFAULT_PERMISSIONS), repository_selection=selection)
            installation_ids.add(iid)
        apps[app_id] = app
    return apps


def snapshot_apps(apps: dict[int, App], login_of: Any, org_login_of: Any) -> list[dict]:
    return [{
        "id": a.id, "client_id": a.client_id, "slug": a.slug, "public_key": a.public_key,
        "installations": [{"id": i.id, "account": org_login_of(i.account_key), "login": login_of(i.login_key),
                           "permissions": dict(i.permissions), "repository_selection": i.repository_selection}
                          for i in a.installations.values()],
    } for a in sorted(apps.values(), key=lambda a: a.id)]


# ---------------------------------------------------------------------------- the exchange
def _unauthorized(message: str) -> ApiError:
    return ApiError(401, message, TOKEN_DOC)


def verify_jwt(apps: dict[int, App], token: str | None, now: float) -> App:
    """The app a JWT authenticates, or ApiError 401 with GitHub's message."""
    try:
        import jwt
    except ImportError as e:  # pragma: no cover - tests/requirements.txt installs PyJWT
        raise ApiError(500, f"the simulator needs PyJWT for GitHub Apps: {e}") from None
    if not token or token.count(".") != 2:
        raise _unauthorized(DECODE_ERROR)
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        raise _unauthorized(DECODE_ERROR) from None
    issuer = claims.get("iss")
    app = None
    for candidate in apps.values():
        if str(issuer) in (str(candidate.id), candidate.client_id):
            app = candidate
            break
    if app is None:
        raise _unauthorized(DECODE_ERROR)
    try:
        jwt.decode(token, app.public_key, algorithms=["RS256"],
                   options={"verify_exp": False, "verify_iat": False, "verify_nbf": False, "verify_iss": False,
                            "verify_aud": False, "require": ["iat", "exp", "iss"]})
    except jwt.PyJWTError:
        raise _unauthorized(DECODE_ERROR) from None
    exp, iat = claims.get("exp"), claims.get("iat")
    if not isinstance(iat, int) or isinstance(iat, bool) or iat > now + CLOCK_SKEW:
        raise _unauthorized(IAT_ERROR)
    if not isinstance(exp, (int, float)) or isinstance(exp, bool) or exp <= now - CLOCK_SKEW:
        raise _unauthorized(EXP_PAST)
    if exp > now + JWT_MAX_LIFETIME + CLOCK_SKEW:
        raise _unauthorized(EXP_TOO_FAR)
    return app


def exchange(apps: dict[int, App], tokens: dict[str, InstallationToken], jwt_token: str | None,
             installation_id: str, body: bytes, now: float | None = None) -> tuple[App, dict]:
    """Serve ``POST /app/installations/{installation_id}/access_tokens``: returns (app, 201 body)."""
    now = time.time() if now is None else now
    app = verify_jwt(apps, jwt_token, now)
    try:
        inst = app.installations.get(int(installation_id))
    except ValueError:
        inst = None
    if inst is None:
        raise ApiError(404, "Not Found", TOKEN_DOC)
    if body.strip():
        try:
            request = json.loads(body)
        except ValueError:
            raise ApiError(400, "Problems parsing JSON", TOKEN_DOC) from None
        if not isinstance(request, dict):
            raise ApiError(422, "Invalid request.\n\nThe body must be an object.", TOKEN_DOC)
    token = "ghs_" + secrets.token_urlsafe(27).replace("-", "a").replace("_", "b")[:36]
    expires = int(now) + TOKEN_LIFETIME
    tokens[token] = InstallationToken(installation_id=inst.id, login_key=inst.login_key, expires=expires)
    return app, {
        "token": token,
        "expires_at": datetime.fromtimestamp(expires, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "permissions": dict(inst.permissions),
        "repository_selection": inst.repository_selection,
    }


def token_login(tokens: dict[str, InstallationToken], token: str, now: float | None = None) -> str | None:
    """The login key an unexpired installation token acts as, else None."""
    entry = tokens.get(token)
    if entry is None or (time.time() if now is None else now) >= entry.expires:
        return None
    return entry.login_key


def token_installation(tokens: dict[str, InstallationToken], token: str | None) -> int | None:
    """The installation id an installation token belongs to, else None."""
    entry = tokens.get(token) if token else None
    return entry.installation_id if entry is not None else None
