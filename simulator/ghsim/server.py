"""HTTP transport for the simulator: auth, rate limits, ETags, faults, the exchange log, control endpoints."""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import random
import re
import socket
import ssl
import sys
import threading
import time
import traceback
import uuid
from collections import deque
from dataclasses import asdict, dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from . import api as api_mod
from . import apps as apps_mod
from .api import ApiError, Request, Response
from .state import State

API_VERSION = "2022-11-28"
# REST API versions a request may ask for with ``X-GitHub-Api-Version`` ("API Versions",
# docs.github.com/rest/about-the-rest-api/api-versions: "Requests without the X-GitHub-Api-Version
# header will default to use the 2022-11-28 version. If you specify an API version that is no
# longer supported, you will receive a 400 error."). github.com released 2026-03-10 (GitHub's
# rest-api-description publishes api.github.com.2026-03-10.json, which githubkit 0.16 sends by
# default); the simulator answers both with the same membership shapes. GHES 3.19 is given 2022-11-28 only.
SUPPORTED_API_VERSIONS = ("2022-11-28", "2026-03-10")
GHES_API_VERSIONS = ("2022-11-28",)
# The 400's text, as quoted in expipiplus1/update-nix-fetchgit#79 (a request with "v3", when
# 2022-11-28 was the only version): 'The version you specified in the "X-GitHub-API-Version"
# request header, "v3", is not a supported version. The following versions are currently
# supported: "2022-11-28" (most recent).' How GitHub joins two versions is not recorded; the
# simulator lists them oldest first and marks the newest "(most recent)".
API_VERSION_MESSAGE = ('The version you specified in the "X-GitHub-API-Version" request header, {given}, is not a '
                       'supported version. The following versions are currently supported: {supported}.')
API_VERSIONS_DOC = "https://docs.github.com/rest/about-the-rest-api/api-versions"
GHES_VERSION = "3.19.0"
GHES_PREFIX = "/api/v3"
WINDOW = 3600
FAULT_KINDS = ("status", "primary", "secondary", "drop")
# Every rate-limit text below is real; the collection's own list of the forms it accepts is
# plugins/module_utils/_github_forms.py, and tests/data/recordings/quoted.json holds the quotes.
# Secondary limits, by ``Fault.wording``:
SECONDARY_MESSAGES = {
    # Current wording with the request id, quoted in
    # github-changelog-generator/github-changelog-generator#993 (403).
    "current": ("You have exceeded a secondary rate limit. Please wait a few minutes before you try again. "
                "If you reach out to GitHub Support for help, please include the request ID {rid}."),
    # The same without the request id: app-sre/github-mirror#62, hisxo/gitGraber#41 (403).
    "current-short": "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
    # Older wording (until 2021): jcabi/jcabi-github#1325, github-tools/github#487 (403).
    "abuse": "You have triggered an abuse detection mechanism. Please wait a few minutes before you try again.",
    # Oldest wording: petabridge/akka-bootcamp#133, inaka/erlang-github#27 (403, no retry-after).
    "abuse-blocked": ("You have triggered an abuse detection mechanism and have been temporarily blocked from "
                      "calling the API. Please retry your request again later."),
}
SECONDARY_MESSAGE = SECONDARY_MESSAGES["current"]
SECONDARY_DOCS = {
    "current": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
    "current-short": "https://docs.github.com/en/free-pro-team@latest/rest/overview/resources-in-the-rest-api#secondary-rate-limits",
    "abuse": "https://developer.github.com/v3/#abuse-rate-limits",
    "abuse-blocked": "https://developer.github.com/v3/#abuse-rate-limits",
}
# Primary limit: "API rate limit exceeded for user ID 1234." (ghuser-io/db#2); for an installation
# "API rate limit exceeded for installation ID 1234." (KnpLabs/php-github-api#1070). Current
# github.com appends the request-id sentence, as it does for secondary limits (#993 above).
PRIMARY_MESSAGE = ("API rate limit exceeded for user ID {uid}. If you reach out to GitHub Support for help, "
                   "please include the request ID {rid}.")
RATE_DOC = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"
GHES_GRAPHQL = "/api/graphql"
GRAPHQL_ROUTE = "/graphql"
GRAPHQL_DOC = "https://docs.github.com/graphql/guides/forming-calls-with-graphql"
APP_TOKEN_RE = re.compile(r"^/app/installations/([^/]+)/access_tokens$")


@dataclass
class Fault:
    """A failure to serve instead of the next ``count`` matching API requests."""

    kind: str  # status | primary | secondary | drop
    count: int = 1
    method: str | None = None
    path: str | None = None  # regex, searched in the request path (without query)
    status: int | None = None
    retry_after: int | None = None
    reset_in: int = 60
    message: str | None = None
    wording: str = "current"  # secondary: a key of SECONDARY_MESSAGES
    reset_header: bool = True  # primary: send x-ratelimit-reset (GitHub documents it; a proxy may drop it)
    ratelimit_headers: bool = True  # secondary: send x-ratelimit-* (a 429 may come without them)

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"fault kind must be one of {FAULT_KINDS}, not {self.kind!r}")
        if self.wording not in SECONDARY_MESSAGES:
            raise ValueError(f"fault wording must be one of {tuple(SECONDARY_MESSAGES)}, not {self.wording!r}")
        if self.count < 1:
            raise ValueError("fault count must be >= 1")
        if self.kind in ("primary", "secondary") and self.status not in (None, 403, 429):
            raise ValueError("rate-limit faults answer 403 or 429")
        self._regex = re.compile(self.path) if self.path else None

    def matches(self, method: str, path: str) -> bool:
        if self.method and self.method.upper() != method.upper():
            return False
        return self._regex is None or self._regex.search(path) is not None

    def fields(self) -> dict:
        return {k: v for k, v in asdict(self).items() if not k.startswith("_")}


@dataclass
class Exchange:
    """One logged API request and the answer it got (status 0: connection dropped)."""

    seq: int
    method: str
    path: str
    query: dict[str, str]
    request_headers: dict[str, str]
    auth_login: str | None
    request_body: bytes
    status: int
    response_headers: dict[str, str]
    response_body: bytes
    route: str | None
    fault: str | None = None
    time: float = field(default=0.0, repr=False)
    # When the request arrived (its headers read) and when its answer started to go out (or the
    # connection was dropped), epoch seconds: [received, answered] is the time the request was in
    # flight, so a test can tell whether two requests of one caller overlapped. 0.0 until then.
    received: float = field(default=0.0, repr=False)
    answered: float = field(default=0.0, repr=False)

    def json(self) -> Any:
        return json.loads(self.response_body) if self.response_body else None

    def to_dict(self) -> dict:
        d = asdict(self)
        d["request_body"] = self.request_body.decode("utf-8", "replace")
        d["response_body"] = self.response_body.decode("utf-8", "replace")
        return d


@dataclass
class _Outcome:
    status: int
    headers: dict[str, str]
    body: bytes = b""
    drop: bool = False
    route: str | None = None
    fault: str | None = None
    exchange: Exchange | None = None


def _token_of(header: str | None) -> str | None:
    if not header:
        return None
    scheme, _dummy, value = header.strip().partition(" ")
    scheme, value = scheme.lower(), value.strip()
    if scheme in ("bearer", "token"):
        return value
    if scheme == "basic":
        import base64
        try:
            user_pass = base64.b64decode(value).decode()
        except (ValueError, UnicodeDecodeError):
            return ""
        return user_pass.partition(":")[2] or user_pass
    return ""


def _dumps(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode()


class Simulator:
    """A stateful GitHub REST API server for membership endpoints.  See simulator/README.md."""

    def __init__(self, seed: dict | str | os.PathLike | None = None, ghes: bool = False, https: bool = False,
                 host: str = "127.0.0.1", port: int = 0, ca_file: str | os.PathLike | None = None,
                 latency: float = 0.0) -> None:
        if isinstance(seed, (str, os.PathLike)):
            from .seeds import load_seed
            seed = load_seed(seed)
        self.state = State(seed or {})
        self.ghes = ghes
        self.https = https
        self.host = host
        self.port = port
        self.ca_path: str | None = None
        self._ca_file = os.fspath(ca_file) if ca_file else None
        # Seconds the server waits before each answer to an API request (not /_sim control requests),
        # as a network round trip to a distant server would: 127.0.0.1 answers in well under 1 ms.
        latency = float(latency)
        if latency < 0 or math.isnan(latency):
            raise ValueError(f"latency must be 0 or more seconds, got {latency!r}")
        self.latency = latency
        self._tmpdir: str | None = None
        self.api_url = ""
        self.root_url = ""
        self._log: list[Exchange] = []
        self._seq = 0
        self._faults: deque[Fault] = deque()
        self._chaos: tuple[float, random.Random, tuple[str, ...], set[str] | None] | None = None
        self._buckets: dict[str, list[int]] = {}  # login key (or "graphql:" + key) -> [reset epoch, used]
        self.graphql_limit = 5000  # GraphQL points an hour per user
        self.graphql_rate_form = "RATE_LIMITED"  # or "RATE_LIMIT": GitHub's two forms of a spent budget
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> Simulator:
        if self._server is not None:
            return self
        server = _Server((self.host, self.port), _Handler)
        server.sim = self
        scheme = "http"
        if self.https:
            from .tls import make_certificates
            ctx, self.ca_path, self._tmpdir = make_certificates(self._ca_file)
            server.socket = ctx.wrap_socket(server.socket, server_side=True, do_handshake_on_connect=False)
            scheme = "https"
        self.port = server.server_address[1]
        host = "127.0.0.1" if self.host in ("", "0.0.0.0") else self.host
        self.root_url = f"{scheme}://{host}:{self.port}"
        self.api_url = self.root_url + (GHES_PREFIX if self.ghes else "")
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="ghsim", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.close_all()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._tmpdir:
            import shutil
            shutil.rmtree(self._tmpdir, ignore_errors=True)
            self._tmpdir = None

    def __enter__(self) -> Simulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------------ test controls
    @property
    def log(self) -> list[Exchange]:
        with self.state.lock:
            return list(self._log)

    def clear_log(self) -> None:
        with self.state.lock:
            self._log.clear()

    def inject(self, fault: Fault) -> None:
        with self.state.lock:
            self._faults.append(fault)

    def clear_faults(self) -> None:
        with self.state.lock:
            self._faults.clear()

    @property
    def faults(self) -> list[Fault]:
        with self.state.lock:
            return list(self._faults)

    def chaos(self, rate: float, seed: int = 0, kinds: tuple[str, ...] | list[str] = ("status502", "status503", "drop"),
              methods: tuple[str, ...] | list[str] | None = None) -> None:
        """From now on fail each API request with probability ``rate`` (0 turns chaos off)."""
        for k in kinds:
            if not (k in ("drop", "primary", "secondary") or re.fullmatch(r"status[1-5]\d\d", k)):
                raise ValueError(f"bad chaos kind {k!r}")
        with self.state.lock:
            if rate <= 0:
                self._chaos = None
            else:
                self._chaos = (float(rate), random.Random(seed), tuple(kinds),
                               {m.upper() for m in methods} if methods else None)

    def load(self, seed: dict) -> None:
        """Replace the whole state (and reset rate-limit counters)."""
        with self.state.lock:
            self.state.load(seed)
            self._buckets.clear()

    def snapshot(self) -> dict:
        return self.state.snapshot()

    def reset_rate_limits(self) -> None:
        with self.state.lock:
            self._buckets.clear()

    # ------------------------------------------------------------------ request handling
    def _rate(self, key: str, consume: bool) -> tuple[int, int, int, int]:
        """(limit, remaining, reset, used) of a login's core bucket, after consuming one if asked."""
        limit = self.state.rate_limit
        now = int(time.time())
        bucket = self._buckets.get(key)
        if bucket is None or now >= bucket[0]:
            bucket = self._buckets[key] = [now + WINDOW, 0]
        if consume:
            bucket[1] += 1
        used = bucket[1]
        return limit, max(limit - used, 0), bucket[0], used

    @staticmethod
    def _rate_headers(limit: int, remaining: int, reset: int, used: int) -> dict[str, str]:
        return {"x-ratelimit-limit": str(limit), "x-ratelimit-remaining": str(remaining),
                "x-ratelimit-reset": str(reset), "x-ratelimit-used": str(used), "x-ratelimit-resource": "core"}

    def _base_headers(self, rid: str, version: str = API_VERSION) -> dict[str, str]:
        h = {"x-github-request-id": rid, "x-github-api-version-selected": version,
             "x-content-type-options": "nosniff"}
        if self.ghes:
            h["x-github-enterprise-version"] = GHES_VERSION
        return h

    def _error(self, status: int, message: str, rid: str, doc: str = "", extra: dict | None = None) -> _Outcome:
        err = ApiError(status, message, doc)
        h = self._base_headers(rid)
        h["content-type"] = "application/json; charset=utf-8"
        if extra:
            h.update(extra)
        return _Outcome(status, h, _dumps(err.payload()))

    def _anon_headers(self) -> dict[str, str]:
        if self.ghes:
            return {}
        return self._rate_headers(60, 60, int(time.time()) + WINDOW, 0)

    def handle(self, method: str, target: str, headers: dict[str, str], body: bytes,
               received: float | None = None) -> _Outcome:
        """Answer one API request (thread-safe) and log it; ``received``: when it arrived (now if
        not given). The transport sets the logged exchange's ``answered`` once the answer is sent."""
        received = time.time() if received is None else received
        split = urlsplit(target)
        path = split.path or "/"
        pairs = parse_qsl(split.query, keep_blank_values=True)
        hdrs = {k.lower(): v for k, v in headers.items()}
        logged_headers = dict(hdrs)
        if "authorization" in logged_headers:
            logged_headers["authorization"] = "<redacted>"
        rid = f"{uuid.uuid4().hex[:4].upper()}:{uuid.uuid4().hex[:5].upper()}:{uuid.uuid4().hex[:8].upper()}"
        with self.state.lock:
            token = _token_of(hdrs.get("authorization"))
            caller_key = self.state.tokens.get(token) if token else None
            as_app = False
            if caller_key is None and token and self.state.installation_tokens:
                caller_key = apps_mod.token_login(self.state.installation_tokens, token)
                as_app = caller_key is not None
            caller = self.state.users.get(caller_key) if caller_key else None
            fault = self._next_fault(method, path)
            if fault is not None:
                out = self._fault_outcome(fault[0], fault[1], caller, rid)
            else:
                try:
                    out = self._api(method, path, pairs, hdrs, body, token, caller, rid, as_app)
                except Exception:  # a simulator bug: answer 500 and show the traceback
                    traceback.print_exc(file=sys.stderr)
                    out = self._error(500, "Simulator error (see its stderr)", rid)
            self._seq += 1
            out.exchange = Exchange(
                seq=self._seq, method=method, path=path, query=dict(pairs), request_headers=logged_headers,
                auth_login=caller.login if caller else None, request_body=body, status=out.status,
                response_headers=dict(out.headers), response_body=out.body, route=out.route, fault=out.fault,
                time=time.time(), received=received)
            self._log.append(out.exchange)
        return out

    def _next_fault(self, method: str, path: str) -> tuple[Fault, str] | None:
        for f in self._faults:
            if f.matches(method, path):
                f.count -= 1
                if f.count <= 0:
                    self._faults.remove(f)
                return f, f.kind
        if self._chaos is not None:
            rate, rng, kinds, methods = self._chaos
            if (methods is None or method.upper() in methods) and rng.random() < rate:
                kind = rng.choice(kinds)
                if kind.startswith("status"):
                    f = Fault("status", status=int(kind[6:]))
                elif kind == "primary":
                    f = Fault("primary", reset_in=1)
                elif kind == "secondary":
                    f = Fault("secondary", retry_after=1)
                else:
                    f = Fault("drop")
                return f, f"chaos:{kind}"
        return None

    def _fault_outcome(self, f: Fault, name: str, caller: Any, rid: str) -> _Outcome:
        if f.kind == "drop":
            return _Outcome(0, {}, b"", drop=True, fault=name)
        if f.kind == "status":
            status = f.status or 500
            try:
                phrase = HTTPStatus(status).phrase
            except ValueError:
                phrase = "Error"
            # An ordinary error may carry retry-after too (the case of a 403 that is no rate limit).
            extra = {"retry-after": str(int(f.retry_after))} if f.retry_after is not None else None
            if extra is not None and caller is not None and not self.ghes:
                extra.update(self._rate_headers(*self._rate(caller.key, consume=False)))
            out = self._error(status, f.message or phrase, rid, "", extra)
        elif f.kind == "primary":
            uid = caller.id if caller else 0
            limit = self.state.rate_limit
            extra = self._rate_headers(limit, 0, int(time.time()) + max(int(f.reset_in), 0), limit)
            if not f.reset_header:
                del extra["x-ratelimit-reset"]
            if f.retry_after is not None:
                extra["retry-after"] = str(int(f.retry_after))
            out = self._error(f.status or 403, f.message or PRIMARY_MESSAGE.format(uid=uid, rid=rid), rid,
                              RATE_DOC, extra)
        else:  # secondary
            extra = {}
            if caller is not None and not self.ghes and f.ratelimit_headers:
                extra.update(self._rate_headers(*self._rate(caller.key, consume=False)))
                if extra["x-ratelimit-remaining"] == "0":
                    extra["x-ratelimit-remaining"] = "1"
            if f.retry_after is not None:
                extra["retry-after"] = str(int(f.retry_after))
            out = self._error(f.status or 403, f.message or SECONDARY_MESSAGES[f.wording].format(rid=rid), rid,
                              SECONDARY_DOCS[f.wording], extra)
        out.fault = name
        return out

    def _api(self, method: str, path: str, pairs: list[tuple[str, str]], hdrs: dict[str, str], body: bytes,
             token: str | None, caller: Any, rid: str, as_app: bool = False) -> _Outcome:
        api_path: str | None = path
        if self.ghes:
            api_path = path[len(GHES_PREFIX):] if path.startswith(GHES_PREFIX + "/") else None
        app_token = APP_TOKEN_RE.match(api_path) if api_path and method == "POST" else None
        if app_token:
            return self._app_token(app_token.group(1), body, token, rid)
        if method == "POST" and path == (GHES_GRAPHQL if self.ghes else "/graphql"):
            return self._graphql(body, token, caller, rid)
        route, params = api_mod.match(method, api_path, self.ghes) if api_path else (None, {})
        template = route.template if route else None

        def finish(o: _Outcome) -> _Outcome:
            o.route = template
            return o

        if token is not None and caller is None:
            return finish(self._error(401, "Bad credentials", rid, "", self._anon_headers()))
        version, refused = self._api_version(hdrs, rid)
        if refused is not None:
            return finish(refused)
        if route is None:
            known = api_mod.github_operation(method, api_path, self.ghes) if api_path else None
            if known is not None:  # GitHub has it, the simulator does not: say so, never a 404
                extra = self._anon_headers() if caller is None else (
                    None if self.ghes else self._rate_headers(*self._rate(caller.key, consume=True)))
                return finish(self._error(501, f"not simulated: {'GET' if method == 'HEAD' else method} {known}",
                                          rid, api_mod.NOT_SIMULATED_DOC, extra))
            if caller is None:
                return finish(self._error(404, "Not Found", rid, "", self._anon_headers()))
            return finish(self._not_found_counted(caller, rid))
        if caller is None:
            return finish(self._error(401, "Requires authentication", rid, "", self._anon_headers()))
        if as_app and (template == "/user" or template.startswith("/user/")):
            # An installation token acts as the app's bot, which has no user: GitHub answers 403.
            return finish(self._error(403, apps_mod.INTEGRATION_ONLY, rid,
                                      "https://docs.github.com/rest/users/users#get-the-authenticated-user",
                                      None if self.ghes else self._rate_headers(*self._rate(caller.key, consume=True))))

        limited = not self.ghes
        is_rate_route = template == "/rate_limit"
        if limited and not is_rate_route:
            limit, remaining, reset, used = self._rate(caller.key, consume=False)
            if remaining <= 0:
                return finish(self._error(403, PRIMARY_MESSAGE.format(uid=caller.id, rid=rid), rid, RATE_DOC,
                                          self._rate_headers(limit, 0, reset, used)))

        req = Request(method=method, path=api_path or path, query_pairs=pairs, body=body, caller=caller,
                      ghes=self.ghes, api_url=self.api_url, root_url=self.root_url,
                      accept=hdrs.get("accept", ""),
                      as_app=apps_mod.token_installation(self.state.installation_tokens, token) if as_app else None)
        try:
            resp = route.handler(self.state, req, **params)
            if is_rate_route:
                resp = self._rate_limit_doc(caller)
        except ApiError as e:
            resp = Response(e.status, e.payload() if e.body else None, dict(e.headers))

        headers = self._base_headers(rid, version)
        headers.update(resp.headers)
        payload = _dumps(resp.body) if resp.body is not None else b""
        if payload:
            headers["content-type"] = "application/json; charset=utf-8"
        status = resp.status
        not_modified = False
        if method in ("GET", "HEAD") and status == 200:
            etag = 'W/"{}"'.format(hashlib.sha256(caller.key.encode() + b"\0" + payload).hexdigest())
            headers["etag"] = etag
            headers["cache-control"] = "private, max-age=60, s-maxage=60"
            headers["vary"] = "Accept, Authorization, Cookie, X-GitHub-OTP"
            inm = hdrs.get("if-none-match")
            if inm and (inm.strip() == "*" or etag in [t.strip() for t in inm.split(",")]
                        or etag[2:] in [t.strip() for t in inm.split(",")]):
                not_modified = True
                status, payload = 304, b""
                headers.pop("content-type", None)
        if limited:
            consume = not (is_rate_route or not_modified)
            headers.update(self._rate_headers(*self._rate(caller.key, consume=consume)))
        return finish(_Outcome(status, headers, payload))

    def _api_version(self, hdrs: dict[str, str], rid: str) -> tuple[str, _Outcome | None]:
        """The version a REST request asked for (``X-GitHub-Api-Version``, default 2022-11-28), or a
        400 for one that is not supported. A bad token is answered 401 first (checked by the caller),
        as github.com does (brekkylab/backlot#243 measured it); the 400 goes to anonymous callers too."""
        given = hdrs.get("x-github-api-version")
        if given is None:
            return API_VERSION, None
        supported = GHES_API_VERSIONS if self.ghes else SUPPORTED_API_VERSIONS
        if given.strip() in supported:
            return given.strip(), None
        listed = ", ".join(json.dumps(v) + (" (most recent)" if v == supported[-1] else "") for v in supported)
        out = self._error(400, API_VERSION_MESSAGE.format(given=json.dumps(given), supported=listed), rid,
                          API_VERSIONS_DOC, self._anon_headers())
        out.headers.pop("x-github-api-version-selected", None)
        return API_VERSION, out

    def _app_token(self, installation_id: str, body: bytes, token: str | None, rid: str) -> _Outcome:
        """``POST /app/installations/{installation_id}/access_tokens``: authenticated by the app's JWT."""
        try:
            app, data = apps_mod.exchange(self.state.apps, self.state.installation_tokens, token, installation_id, body)
        except ApiError as e:
            out = self._error(e.status, e.message, rid, e.payload()["documentation_url"], self._anon_headers())
        else:
            headers = self._base_headers(rid)
            headers["content-type"] = "application/json; charset=utf-8"
            if not self.ghes:  # JWT requests count against the app's own quota
                headers.update(self._rate_headers(*self._rate(f"app:{app.id}", consume=True)))
            out = _Outcome(201, headers, _dumps(data))
        out.route = apps_mod.TOKEN_ROUTE
        return out

    def _graphql(self, body: bytes, token: str | None, caller: Any, rid: str) -> _Outcome:
        """``POST /graphql`` (GHES: ``/api/graphql``): see graphql.py. Points come from a bucket of
        their own per user (``graphql_limit`` an hour), as on GitHub."""
        from . import graphql as graphql_mod
        if caller is None:
            out = self._error(401, "Bad credentials" if token else "This endpoint requires you to be authenticated.",
                              rid, GRAPHQL_DOC)
            out.route = GRAPHQL_ROUTE
            return out
        try:
            data = json.loads(body) if body.strip() else None
        except ValueError:
            data = None
        key = "graphql:" + caller.key
        charged: dict[str, tuple[int, int, int, int]] = {}

        def take(cost: int) -> tuple[int, int, int, int] | None:
            if self.ghes:
                return (0, 0, 0, 0)
            now = int(time.time())
            bucket = self._buckets.get(key)
            if bucket is None or now >= bucket[0]:
                bucket = self._buckets[key] = [now + WINDOW, 0]
            limit = self.graphql_limit
            if bucket[1] + cost > limit:
                charged["rate"] = (limit, max(limit - bucket[1], 0), bucket[0], bucket[1])
                return None
            bucket[1] += cost
            charged["rate"] = (limit, limit - bucket[1], bucket[0], bucket[1])
            return charged["rate"]

        status, payload, _cost = graphql_mod.answer(self.state, caller, data, self.ghes, take, self.graphql_rate_form,
                                                    self.root_url)
        headers = self._base_headers(rid)
        headers["content-type"] = "application/json; charset=utf-8"
        if not self.ghes and "rate" in charged:
            limit, remaining, reset, used = charged["rate"]
            headers.update({"x-ratelimit-limit": str(limit), "x-ratelimit-remaining": str(remaining),
                            "x-ratelimit-reset": str(reset), "x-ratelimit-used": str(used),
                            "x-ratelimit-resource": "graphql"})
        return _Outcome(status, headers, _dumps(payload), route=GRAPHQL_ROUTE)

    def _not_found_counted(self, caller: Any, rid: str) -> _Outcome:
        extra = None if self.ghes else self._rate_headers(*self._rate(caller.key, consume=True))
        return self._error(404, "Not Found", rid, "", extra)

    def _rate_limit_doc(self, caller: Any) -> Response:
        if self.ghes:
            raise ApiError(404, "Rate limiting is not enabled.",
                           "/rate-limit/rate-limit#get-rate-limit-status-for-the-authenticated-user")
        limit, remaining, reset, used = self._rate(caller.key, consume=False)
        core = {"limit": limit, "remaining": remaining, "reset": reset, "used": used, "resource": "core"}
        now = int(time.time())

        def other(name: str, lim: int, window: int = WINDOW) -> dict:
            return {"limit": lim, "remaining": lim, "reset": now + window, "used": 0, "resource": name}

        return Response(200, {
            "resources": {
                "core": core, "search": other("search", 30, 60), "graphql": other("graphql", 5000),
                "integration_manifest": other("integration_manifest", 5000),
                "code_search": other("code_search", 10, 60),
            },
            "rate": core,
        })

    # ------------------------------------------------------------------ control endpoints
    def control(self, method: str, target: str, body: bytes) -> tuple[int, Any]:
        split = urlsplit(target)
        path = split.path.rstrip("/")
        query = dict(parse_qsl(split.query))
        try:
            data = json.loads(body) if body.strip() else None
        except ValueError:
            return 400, {"message": "Problems parsing JSON"}
        with self.state.lock:
            if path == "/_sim/log" and method == "GET":
                return 200, [e.to_dict() for e in self._log]
            if path == "/_sim/log" and method == "DELETE":
                self._log.clear()
                return 204, None
            if path == "/_sim/faults" and method == "POST":
                items = data if isinstance(data, list) else [data or {}]
                try:
                    faults = [Fault(**item) for item in items]
                except (TypeError, ValueError, re.error) as e:
                    return 422, {"message": str(e)}
                self._faults.extend(faults)
                return 201, {"queued": len(self._faults)}
            if path == "/_sim/faults" and method == "GET":
                return 200, [f.fields() for f in self._faults]
            if path == "/_sim/faults" and method == "DELETE":
                self._faults.clear()
                return 204, None
            if path == "/_sim/chaos" and method == "POST":
                d = data or {}
                try:
                    self.chaos(float(d.get("rate", 0)), int(d.get("seed", 0)),
                               d.get("kinds") or ("status502", "status503", "drop"), d.get("methods"))
                except (TypeError, ValueError) as e:
                    return 422, {"message": str(e)}
                return 200, {"rate": float(d.get("rate", 0))}
            if path == "/_sim/state" and method == "GET":
                return 200, self.state.snapshot(include_tokens=query.get("tokens") in ("1", "true", "yes"))
            if path == "/_sim/seed" and method == "POST":
                if not isinstance(data, dict):
                    return 422, {"message": "the seed must be a JSON object"}
                try:
                    self.load(data)
                except (ValueError, TypeError, KeyError) as e:
                    return 422, {"message": f"bad seed: {e}"}
                return 200, {"ok": True}
            if path == "/_sim/health" and method == "GET":
                return 200, {"ok": True, "api_url": self.api_url, "ghes": self.ghes}
        return 404, {"message": "Not Found"}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    sim: Simulator

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._conns: set[socket.socket] = set()
        self._conns_lock = threading.Lock()
        super().__init__(*args, **kwargs)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._conns_lock:
            self._conns.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._conns_lock:
            self._conns.discard(request)
        super().shutdown_request(request)

    def close_all(self) -> None:
        with self._conns_lock:
            conns = list(self._conns)
        for c in conns:
            with contextlib.suppress(OSError):
                c.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, ssl.SSLError, TimeoutError, OSError)):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server
    timeout = 300

    def version_string(self) -> str:
        return "github.com"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def setup(self) -> None:
        super().setup()
        with contextlib.suppress(OSError):
            self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if isinstance(self.request, ssl.SSLSocket):
            self.request.do_handshake()

    def _send(self, status: int, headers: dict[str, str], body: bytes, length: bool = True) -> None:
        """Status line, headers and body in one write (no Nagle / delayed-ACK stalls on keep-alive)."""
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        if length:
            self.send_header("Content-Length", str(len(body)))
        self._headers_buffer.append(b"\r\n")
        if self.command != "HEAD" and body:
            self._headers_buffer.append(body)
        self.flush_headers()

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _dispatch(self) -> None:
        sim = self.server.sim
        received = time.time()
        body = self._read_body()
        if self.path == "/_sim" or self.path.startswith("/_sim/") or self.path.startswith("/_sim?"):
            status, data = sim.control(self.command, self.path, body)
            payload = _dumps(data) if data is not None else b""
            self._send(status, {"Content-Type": "application/json; charset=utf-8"} if payload else {}, payload)
            return
        out = sim.handle(self.command, self.path, dict(self.headers.items()), body, received=received)
        if sim.latency:
            time.sleep(sim.latency)  # each request waits on its own thread, as on a real network
        # Stamped as the answer starts to go out: the client cannot have it, and so cannot send a
        # request that depends on it, any earlier (a stamp taken after the send could come after
        # that next request arrived on another connection).
        if out.exchange is not None:
            out.exchange.answered = time.time()
        if out.drop:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        self._send(out.status, out.headers, out.body, length=out.status not in (204, 304))

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _dispatch


def write_atomic(path: str | os.PathLike, text: str) -> None:
    p = Path(path)
    tmp = p.with_name(p.name + ".tmp")
    tmp.write_text(text)
    os.replace(tmp, p)
