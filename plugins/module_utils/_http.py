# -*- coding: utf-8 -*-
# Copyright (c) gitops.github contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""One small HTTP client for the GitHub REST API, shared by every module.

It knows GitHub's rules and nothing about memberships: authentication (a token, or the token of a
GitHub App installation, which :mod:`._app_auth` fetches through it), the API version header, ``Link`` pagination, bounded retries
of transient failures, primary and secondary rate limits (403 *or* 429), spacing of mutating
requests, and errors that carry what failed but never a token, a JWT or a private key.
"""

from __future__ import annotations

import json as _json
import math
import re
import signal
import threading
import time
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping

from ansible_collections.gitops.github.plugins.module_utils._github_forms import (
    RATE_LIMIT_STATUSES,
    SECONDARY_FALLBACK_WAIT,
    is_secondary_rate_limit_message,
)

try:
    from urllib.parse import quote, unquote, urlsplit
except ImportError:  # pragma: no cover - Python 2 is not supported, the guard keeps sanity import tests calm
    quote = unquote = urlsplit = None  # type: ignore[assignment]

REQUESTS_IMPORT_ERROR = None
try:
    import requests
    from requests.adapters import HTTPAdapter
    from requests.auth import AuthBase
    from urllib3.exceptions import NewConnectionError
    HAS_REQUESTS = True
except ImportError as exc:  # pragma: no cover - exercised through missing_required_lib
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = exc
    AuthBase = object  # type: ignore[misc,assignment]
    NewConnectionError = None  # type: ignore[misc,assignment]

if TYPE_CHECKING:
    from urllib.parse import SplitResult

    from ansible_collections.gitops.github.plugins.module_utils._app_auth import GitHubApp

# What ``verify`` of a write returns: the answer's data when the write landed, else ``None``.
Verify = Callable[[], Any]

DEFAULT_API_URL = 'https://api.github.com'
API_VERSION = '2022-11-28'
USER_AGENT = 'gitops.github-ansible-collection'
PER_PAGE = 100

# Transient answers that are safe to retry for reads; GitHub documents these for its load balancers.
RETRY_STATUSES = (502, 503, 504)
MAX_RETRIES = 3
BACKOFF_BASE = 0.5
BACKOFF_CAP = 8.0
MAX_RATE_LIMIT_RETRIES = 10
WRITE_METHODS = frozenset(('POST', 'PUT', 'PATCH', 'DELETE'))

# The longest rate-limit wait we believe: GitHub's primary limits are per hour ("The primary rate
# limit ... resets every hour", docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api),
# so a reset or retry-after further away than an hour (and a minute of clock skew) is not a real
# answer. A wait is never shorter than a second, so a negative or past value cannot make a burst.
MIN_RATE_LIMIT_WAIT = 1.0
MAX_RATE_LIMIT_WAIT = 3600.0 + 60.0

# What one answer may be. A page of 100 members is about 100 KB; nothing the modules read comes
# near 16 MiB, so a larger body is a misbehaving server, not data.
MAX_BODY_BYTES = 16 * 1024 * 1024
# The most pages one list read follows. 1000 pages of 100 are 100,000 users, more than any
# organization or team this collection is meant for; a Link chain longer than that is a loop.
MAX_PAGES = 1000

# A token or installation token is one printable word; whitespace or control characters in it
# (a trailing newline from a file or a secret store) make the HTTP stack fail with an error that
# prints the header, so they are refused before any request.
_CLEAN_SECRET_RE = re.compile(r'^[\x21-\x7e]+\Z')
# Secrets that may hide in exception text from the HTTP stack, masked by scrub().
_BEARER_RE = re.compile(r'(Bearer|token)(\s+|%20)[^\s\'",]+', re.IGNORECASE)
_JWT_RE = re.compile(r'eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*\.?[A-Za-z0-9_-]*')
# A credential in a URL's query (a redirect's Location such as ...?access_token=...).
# In an answer's text (GitHub's own messages say "A JSON web token could not be decoded"), only a
# word that looks like a credential after Bearer/token: 20 or more token characters.
_ANSWER_BEARER_RE = re.compile(r'(Bearer|token)(\s+|%20)[A-Za-z0-9_.\-]{20,}', re.IGNORECASE)
_QUERY_SECRET_RE = re.compile(r'((?:access_|id_|refresh_)?token=|jwt=)[^&\s#\'",]+', re.IGNORECASE)


class GitHubError(Exception):
    """A failed request: what was asked, what GitHub answered. Never holds the token."""

    errors: Any = None  # a GraphQL answer's errors (see _graphql.GraphQLError), scrubbed as the message is

    def __init__(self, method: str, path: str, status: int | None = None, message: str | None = None,
                 documentation_url: str | None = None) -> None:
        self.method = method
        self.path = path
        self.status = status
        self.message = message or ''
        self.documentation_url = documentation_url
        super().__init__(self.describe())

    def describe(self) -> str:
        where = '%s %s' % (self.method, self.path)
        if self.status is None:
            text = '%s failed: %s' % (where, self.message)
        else:
            text = '%s returned HTTP %s' % (where, self.status)
            if self.message:
                text += ': %s' % self.message
        if self.documentation_url:
            text += ' (see %s)' % self.documentation_url
        return text

    def as_dict(self) -> dict[str, Any]:
        return {
            'method': self.method,
            'path': self.path,
            'status': self.status,
            'message': self.message,
            'documentation_url': self.documentation_url,
        }


class RateLimitError(GitHubError):
    """A primary or secondary rate limit that lasts longer than we may wait."""

    def __init__(self, method: str, path: str, status: int | None, limit: str, reset_at: float, wait: float,
                 message: str | None = None, documentation_url: str | None = None, waited: float = 0.0) -> None:
        self.limit = limit
        self.reset_at = reset_at
        self.waited = waited
        when = _utc_stamp(reset_at)
        text = 'GitHub %s rate limit hit; it resets at %s (in %d s), beyond rate_limit_max_wait (already waited %d s)' % (
            limit, when, int(round(wait)), int(waited))
        if message:
            text += '. GitHub said: %s' % message
        super().__init__(method, path, status, text, documentation_url)


class Response(object):
    """The parts of an HTTP answer the modules use."""

    def __init__(self, status: int | None, headers: Mapping[str, str], data: Any, url: str,
                 links: dict[str, dict[str, str]] | None = None) -> None:
        self.status = status
        self.headers = headers
        self.data = data
        self.url = url
        self.links = links or {}

    def __repr__(self) -> str:
        return '<Response %s %s>' % (self.status, self.url)


def quote_segment(value: object) -> str:
    """Quote one path segment (a login, org or slug), so it can never change the route."""
    return quote(str(value), safe='')


def secret_problem(value: object, what: str) -> str | None:
    """Why ``value`` cannot be sent as the secret ``what`` (a token), or ``None``. The text never
    holds the value."""
    if not isinstance(value, str) or not value:
        return '%s must be a non-empty string' % what
    if not _CLEAN_SECRET_RE.match(value):
        return ('%s contains whitespace or control characters (often a trailing newline from a file or a '
                'secret store); remove them, the value is not shown' % what)
    return None


def api_url_problem(value: object) -> str | None:
    """Why ``value`` cannot be the API base URL, or ``None``: it must be a plain
    ``http(s)://host[:port][/path]``, without credentials, query, fragment, spaces or dot-segments."""
    example = 'such as %s or https://HOST/api/v3' % DEFAULT_API_URL
    if not isinstance(value, str) or not value:
        return 'api_url must be an http(s) URL %s' % example
    if any(c.isspace() or ord(c) < 0x20 or ord(c) == 0x7f for c in value):
        return 'api_url must not contain spaces or control characters'
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        return 'api_url has an impossible host or port, it must be an http(s) URL %s' % example
    return _api_url_parts_problem(value, parts, port, example)


def _api_url_parts_problem(value: str, parts: SplitResult, port: int | None, example: str) -> str | None:
    """Why the API base URL ``value``, split into ``parts`` (with its ``port``), cannot be one, or
    ``None``: checked in :func:`api_url_problem`'s order, scheme and host first, dot-segments last."""
    if parts.scheme not in ('http', 'https') or not parts.hostname:
        return 'api_url must be an http(s) URL %s' % example
    if '@' in parts.netloc:
        return 'api_url must not hold credentials (user:password@); use the token option'
    if parts.query or parts.fragment or '?' in value or '#' in value:
        return 'api_url must be a base URL without a query (?) or fragment (#)'
    if port is not None and not 0 < port < 65536 or parts.netloc.endswith(':'):
        return 'api_url has an impossible port'
    segments = unquote(parts.path).split('/')
    if any(seg in ('.', '..') for seg in segments):
        return 'api_url must not contain dot-segments (/./ or /../)'
    return None


def clamp_wait(wait: Any) -> float:
    """A rate-limit wait as a number of seconds we can act on: a value that is not a number (or not
    finite) becomes GitHub's one-minute fallback, and every wait lies between one second and an hour
    (see MAX_RATE_LIMIT_WAIT). Pure."""
    try:
        wait = float(wait)
    except (TypeError, ValueError, OverflowError):
        wait = float(SECONDARY_FALLBACK_WAIT)
    if math.isnan(wait):
        wait = float(SECONDARY_FALLBACK_WAIT)
    return min(max(wait, MIN_RATE_LIMIT_WAIT), MAX_RATE_LIMIT_WAIT)


def scrub(text: object, secrets: Iterable[str | None] = (), answer: bool = False) -> str:
    """``text`` without any of ``secrets``, an ``Authorization`` value or a JWT. ``answer``: the
    text is (or quotes) an answer's words, where only a credential-like word after ``Bearer`` or
    ``token`` is one (GitHub writes "A JSON web token could not be decoded")."""
    text = str(text)
    for secret in secrets:
        if secret:
            text = text.replace(secret, '<redacted>')
            text = text.replace(repr(secret)[1:-1], '<redacted>')
    text = (_ANSWER_BEARER_RE if answer else _BEARER_RE).sub(lambda m: m.group(1) + ' <redacted>', text)
    text = _QUERY_SECRET_RE.sub(lambda m: m.group(1) + '<redacted>', text)
    return _JWT_RE.sub('<redacted>', text)


def scrub_value(value: Any, secrets: Iterable[str | None] = ()) -> Any:
    """``value`` (a string, or lists and dicts of them, as a GraphQL ``errors`` list is) with every
    string :func:`scrub`-bed; anything else as it is."""
    if isinstance(value, str):
        return scrub(value, secrets, answer=True)
    if isinstance(value, dict):
        return dict((scrub_value(k, secrets), scrub_value(v, secrets)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return [scrub_value(v, secrets) for v in value]
    return value


def scrub_error(error: GitHubError, secrets: Iterable[str | None] = ()) -> GitHubError:
    """``error`` with its text fields (``message``, ``path``, ``documentation_url``, a GraphQL
    error's ``errors``) :func:`scrub`-bed in place, its ``str()`` made again from them; returned.
    An error body, a GraphQL error or a redirect's ``Location`` may quote the credentials sent
    (a proxy, a misconfigured front end): every GitHubError the client raises goes through this."""
    secrets = list(secrets)
    for name in ('message', 'path', 'documentation_url', 'method'):
        value = getattr(error, name, None)
        if isinstance(value, str):
            setattr(error, name, scrub(value, secrets, answer=True))
    if isinstance(error.errors, list):
        error.errors = scrub_value(error.errors, secrets)
    error.args = (scrub(error.describe(), secrets, answer=True),)
    return error


def parse_rate_limit(status: int, headers: Mapping[str, Any], message: str | None,
                     now: float) -> tuple[str, float, float] | None:
    """Classify a 403/429 answer the way GitHub documents it (see ``_github_forms``).

    Returns ``None`` when it is not a rate limit, else ``(limit, wait_seconds, reset_at)`` where
    ``limit`` is ``'primary'`` or ``'secondary'`` and ``reset_at`` the epoch time it lifts. Pure:
    ``headers`` is a case-insensitive mapping or a dict with lower-case keys, ``now`` an epoch time.

    Primary: ``x-ratelimit-remaining`` is ``0``. Secondary: a 429, or a message with one of the
    real secondary wordings. Anything else (a 403 "Must have push access ...", even one carrying
    ``retry-after``) is an ordinary failure, never waited on.
    """
    if status not in RATE_LIMIT_STATUSES:
        return None
    get = headers.get
    remaining = get('x-ratelimit-remaining')
    exhausted = remaining is not None and str(remaining).strip() == '0'
    secondary = is_secondary_rate_limit_message(message)
    reset = _float_or_none(get('x-ratelimit-reset'))
    retry_after = _float_or_none(get('retry-after'))
    if exhausted and not secondary:
        if reset is None:
            # No reset time given: honour retry-after, else GitHub's "at least one minute".
            wait = retry_after if retry_after is not None else float(SECONDARY_FALLBACK_WAIT)
            wait = max(0.0, wait)
            return 'primary', wait, now + wait
        # One second more: the reset time is whole seconds and clocks differ a little.
        return 'primary', max(0.0, reset - now) + 1.0, reset
    if secondary or status == 429:
        if retry_after is not None:
            wait = max(0.0, retry_after)
        elif exhausted and reset is not None:
            wait = max(0.0, reset - now) + 1.0
        else:
            wait = float(SECONDARY_FALLBACK_WAIT)
        return 'secondary', wait, now + wait
    return None


def _float_or_none(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _error_fields(data):
    if isinstance(data, dict):
        message = data.get('message') or ''
        errors = data.get('errors')
        if isinstance(errors, list):
            details = []
            for item in errors:
                if isinstance(item, dict):
                    details.append(str(item.get('message') or item.get('code') or ''))
                else:
                    details.append(str(item))
            details = [d for d in details if d]
            if details:
                message = '%s (%s)' % (message, '; '.join(details)) if message else '; '.join(details)
        return message, data.get('documentation_url')
    return '', None


class _BearerAuth(AuthBase):
    """Adds the token per request. Being the session's auth, it also stops requests from
    reading ~/.netrc, and requests drops it on any redirect to another host."""

    def __init__(self, token):
        self._token = token

    def __call__(self, request):
        request.headers['Authorization'] = 'Bearer %s' % self._token
        return request

    def __repr__(self):
        return '<token redacted>'


def _refuse_bad_arguments(api_url: str | None, token: str | None, app: GitHubApp | None) -> None:
    """Raise ValueError, before anything is sent, for a token and an app together, an api_url that
    cannot be the API base URL or a token that cannot be sent (the text never holds the token)."""
    if token and app is not None:
        raise ValueError('give a token or a GitHub App, not both')
    problem = api_url_problem(api_url or DEFAULT_API_URL)
    if problem:
        raise ValueError(problem)
    if token:
        problem = secret_problem(token, 'the token')
        if problem:
            raise ValueError(problem)


def _normalized_api_url(api_url: str | None) -> str:
    """``api_url`` (or the default) without a trailing slash, its scheme in lower case."""
    # The scheme is case-insensitive (RFC 3986 3.1) and api_url_problem accepts it in any case:
    # written in lower case here, so every URL built from api_url (the GraphQL one too) is absolute.
    scheme, rest = (api_url or DEFAULT_API_URL).rstrip('/').split(':', 1)
    return scheme.lower() + ':' + rest


def _prepared_session(session: requests.Session | None, token: str | None) -> requests.Session:
    """``session`` (a new one, which retries nothing itself, when ``None``) sending ``token`` and
    GitHub's headers with every request."""
    if session is None:
        session = requests.Session()
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=4, max_retries=0)
        session.mount('https://', adapter)
        session.mount('http://', adapter)
    if token:
        session.auth = _BearerAuth(token)
    session.headers.update({
        'Accept': 'application/vnd.github+json',
        'X-GitHub-Api-Version': API_VERSION,
        'User-Agent': USER_AGENT,
    })
    return session


class _Call(object):
    """One request of :meth:`GitHubClient.request` as it is sent, and sent again: what and where,
    how it may be re-sent, and how often it was sent so far."""

    def __init__(self, method: str, url: str, display: str, params: Mapping[str, Any] | None,
                 auth: _BearerAuth | None, body_kwargs: dict[str, Any], is_write: bool, verify: Verify | None) -> None:
        self.method = method
        self.url = url
        self.display = display  # the URL as messages show it (GitHubClient.display)
        self.params = params
        self.auth = auth
        self.body_kwargs = body_kwargs
        self.is_write = is_write
        self.verify = verify
        # A request with its own credentials (the app's token exchange) is re-sent after a
        # connection that never opened, and is neither spaced nor counted as a write.
        self.resend_unsent = auth is not None
        self.paced = is_write and not self.resend_unsent
        self.attempts = 0
        self.rate_limit_retries = 0


class GitHubClient(object):
    """Talks to one GitHub (github.com or GHES) API with one token, or as one GitHub App
    installation (``app``, a :class:`._app_auth.GitHubApp`): then the first request exchanges the
    app's JWT for an installation token, and every request uses that token.

    ``sleep`` and ``clock`` are injectable so unit tests run without waiting.
    """

    def __init__(self, api_url: str | None = DEFAULT_API_URL, token: str | None = None, validate_certs: bool = True,
                 ca_path: str | None = None, timeout: float = 30, rate_limit_max_wait: float = 300,
                 write_delay: float = 1.0, max_retries: int = MAX_RETRIES, session: requests.Session | None = None,
                 sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.time,
                 app: GitHubApp | None = None) -> None:
        _refuse_bad_arguments(api_url, token, app)
        self.api_url = _normalized_api_url(api_url)
        parts = urlsplit(self.api_url)
        self._origin = (parts.scheme, parts.netloc.lower())
        self.timeout = timeout
        self.rate_limit_max_wait = max(0, rate_limit_max_wait or 0)
        self.write_delay = max(0.0, write_delay or 0.0)
        self.max_retries = max_retries
        self._sleep = sleep
        self.clock = clock  # the time now, in epoch seconds (injectable, as ``sleep`` is)
        self.waited = 0.0
        self.request_count = 0
        self.write_count = 0
        self._last_write: float | None = None
        self._login: str | None = None
        self.app = app
        self._app_token: str | None = None
        self._secrets: list[str] = [token] if token else []
        if app is not None:
            # The app's private key material (PEM lines), should an answer ever quote it.
            self._secrets.extend(app.secret_texts())
        # Called with each secret the client gets while it runs (an installation token): the host
        # (a module: Ansible's no_log_values) masks it in anything it prints or returns.
        self.on_secret: Callable[[str], None] | None = None
        self._last_url: str | None = None  # the URL (with its query) of the last answer received
        self._verify = (ca_path or True) if validate_certs else False
        self.session = _prepared_session(session, token)

    @property
    def is_ghes(self) -> bool:
        """GitHub Enterprise Server serves the API under ``/api/v3`` (and has no invitations)."""
        return urlsplit(self.api_url).path.rstrip('/').endswith('/api/v3')

    # -- URLs --------------------------------------------------------------------------------

    def url_for(self, path: str) -> str:
        if path[:8].lower().startswith(('http://', 'https://')):
            return path
        return self.api_url + path

    def _same_origin(self, url):
        parts = urlsplit(url)
        return (parts.scheme, parts.netloc.lower()) == self._origin

    def display(self, url: str) -> str:
        """The path (and query) of ``url`` for messages: short, no host, no credentials."""
        parts = urlsplit(url)
        path = parts.path
        base_path = urlsplit(self.api_url).path
        if base_path and path.startswith(base_path):
            path = path[len(base_path):] or '/'
        return path + ('?' + parts.query if parts.query else '')

    # -- core --------------------------------------------------------------------------------

    def request(self, method: str, path: str, json: Any = None, params: Mapping[str, Any] | None = None,
                expected: tuple[int, ...] = (200,), verify: Verify | None = None, _auth: _BearerAuth | None = None,
                read: bool = False, accept: str | None = None) -> Response:
        """Send one request and return a :class:`Response` whose status is in ``expected``.

        Reads are retried on 502/503/504 and dropped connections. A write that fails that way may or
        may not have been applied, so it is re-sent only after ``verify()`` (a read) returns ``None``
        (the change is not there yet); when it returns anything else, that value is the answer's
        ``data`` and ``status`` is ``None``. Without ``verify`` a failed write is not re-sent. Rate limits are waited out within
        ``rate_limit_max_wait``. Redirects are never followed.

        ``_auth`` (internal) replaces the session's credentials for this request: the app's JWT for
        the token exchange, which is also the only write re-sent after a connection that never
        opened (refused, unresolvable, connect timeout), since then nothing reached GitHub.

        ``read=True`` marks a POST that changes nothing (a GraphQL query): it is paced and retried
        like a read, and not counted as a write.

        ``accept`` replaces the session's ``Accept`` header for this request only (a media type an
        endpoint documents, such as the repository media type of a team's repository check).
        """
        try:
            return self._request(method, path, json, params, expected, verify, _auth, read, accept)
        except GitHubError as exc:
            # Whatever the answer quoted (an error body, a redirect's Location), the error holds no
            # secret of this client, nor the JWT of a token exchange.
            raise self.scrub_error(exc, [_auth._token] if _auth is not None else ()) from exc.__cause__

    def _request(self, method, path, json, params, expected, verify, _auth, read, accept=None):
        if self.app is not None and _auth is None:
            self._ensure_installation_token()
        method = method.upper()
        url = self.url_for(path)
        display = self.display(url)
        if not self._same_origin(url):
            # Never send the token to another host, whatever a Link header or redirect says.
            raise GitHubError(method, display, None, 'refusing to follow a URL on another host than api_url: %s' % urlsplit(url).netloc)
        is_write = method in WRITE_METHODS and not read
        # requests sends Content-Length: 0 for a PUT or DELETE without a body, as GitHub requires.
        kwargs_body = {'json': json} if json is not None else {}
        if accept is not None:
            kwargs_body['headers'] = {'Accept': accept}
        call = _Call(method, url, display, params, _auth, kwargs_body, is_write, verify)
        while True:
            done = self._attempt(call, expected)
            if done is not None:
                return done

    def _attempt(self, call: _Call, expected: tuple[int, ...]) -> Response | None:
        """Send ``call`` once: the :class:`Response` when it is done (the answer is ``expected``, or
        ``verify`` found a write landed), ``None`` to send it again; raises a :class:`GitHubError` when it failed."""
        self._start_attempt(call)
        try:
            resp, body = self._send_or_fail(call)
        except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
            return self._after_connection_failure(call, exc)
        finally:
            # After the backoff (and verify) of a connection failure: the next write waits write_delay from here.
            if call.paced:
                self._last_write = self.clock()
        status = resp.status_code
        if status in expected:
            return Response(status, resp.headers, body, call.url, resp.links)
        return self._after_failed_answer(call, resp, body)

    def _start_attempt(self, call: _Call) -> None:
        """Count one more attempt of ``call``; a write waits its turn first (``write_delay``) and
        counts as a write (the app's token exchange does neither)."""
        if call.paced:
            self._space_writes()
        call.attempts += 1
        self.request_count += 1
        if call.paced:
            self.write_count += 1

    def _send_or_fail(self, call: _Call) -> tuple[requests.Response, Any]:
        """One exchange of ``call`` (:meth:`_send`). A dropped connection or a timeout is raised as
        requests raised it (it may be sent again); any other failure becomes a :class:`GitHubError`."""
        method, display = call.method, call.display
        try:
            return self._send(method, call.url, call.params, call.auth, call.body_kwargs)
        except requests.exceptions.SSLError as exc:
            raise GitHubError(method, display, None, 'TLS error talking to %s (set ca_path for a private CA): %s'
                              % (self._origin[1], self.scrub(_short_exc(exc)))) from None
        except _DeadlineExceeded:
            # The whole request took longer than timeout (a server trickling its answer): not
            # retried, since the same server would only take as long again.
            raise GitHubError(method, display, None, 'timed out: no complete answer within timeout=%s s' % self.timeout) from None
        except (requests.exceptions.ConnectionError, requests.exceptions.Timeout):
            raise  # the caller decides whether to send it again
        except _TooLarge as exc:
            raise GitHubError(method, display, None, 'the answer is larger than %d MiB; refusing to read it'
                              % (exc.args[0] // (1024 * 1024))) from None
        except Exception as exc:
            # Anything else the HTTP stack raises (an invalid header, an unparsable Location or
            # URL, a broken encoding, a protocol error): one clean line, never the headers sent.
            raise GitHubError(method, display, None, 'the HTTP request failed (%s): %s'
                              % (type(exc).__name__, self.scrub(_short_exc(exc)))) from None

    def _after_connection_failure(self, call: _Call, exc: Exception) -> Response | None:
        """After a dropped connection or a timeout: back off and send ``call`` again while attempts
        remain and it may be re-sent (a read, a write with ``verify``, or a token exchange whose
        connection never opened), else a :class:`GitHubError` saying how it failed."""
        if call.attempts <= self.max_retries and (self._may_resend(call.is_write, call.verify)
                                                  or (call.resend_unsent and _never_sent(exc))):
            return self._back_off_and_verify(call)
        raise GitHubError(call.method, call.display, None, '%s after %d attempt(s): %s' % (
            'timed out' if isinstance(exc, requests.exceptions.Timeout) else 'connection failed',
            call.attempts, self.scrub(_short_exc(exc)))) from None

    def _after_failed_answer(self, call: _Call, resp: requests.Response, body: Any) -> Response | None:
        """After an answer not expected: wait out a rate limit, or back off from a 502/503/504 that
        may be retried, and send ``call`` again; else the :class:`GitHubError` the answer is."""
        status = resp.status_code
        message, doc_url = _error_fields(body)
        now = self.clock()
        limit = parse_rate_limit(status, resp.headers, message, now)
        if limit is not None:
            self._wait_out_rate_limit(call, status, limit, now, message, doc_url)
            return None  # a rate-limited request was not processed: sending it again is safe
        if status in RETRY_STATUSES and call.attempts <= self.max_retries and self._may_resend(call.is_write, call.verify):
            return self._back_off_and_verify(call, resp.headers.get('retry-after'))
        if status in RETRY_STATUSES and call.attempts > 1:
            message = '%s (after %d attempts)' % (message or resp.reason, call.attempts)
        if 300 <= status < 400:
            message = 'unexpected redirect to %s' % self.display(resp.headers.get('location', '?'))
        raise GitHubError(call.method, call.display, status, message or resp.reason, doc_url)

    def _wait_out_rate_limit(self, call: _Call, status: int, limit: tuple[str, float, float], now: float,
                             message: str, doc_url: str | None) -> None:
        """Wait out the rate limit ``limit`` (:func:`parse_rate_limit`) before ``call`` is sent again;
        a :class:`RateLimitError` when the wait is beyond ``rate_limit_max_wait`` or the retries are spent."""
        kind, wait, reset_at = limit
        wait = clamp_wait(wait)
        if not (isinstance(reset_at, (int, float)) and math.isfinite(reset_at)
                and abs(reset_at - now) <= MAX_RATE_LIMIT_WAIT):
            reset_at = now + wait
        budget = self.rate_limit_max_wait - self.waited
        if wait > budget or call.rate_limit_retries >= MAX_RATE_LIMIT_RETRIES:
            raise RateLimitError(call.method, call.display, status, kind, reset_at, wait, message, doc_url, self.waited)
        call.rate_limit_retries += 1
        self.wait(wait)

    def _back_off_and_verify(self, call: _Call, retry_after: str | None = None) -> Response | None:
        """Pause before sending ``call`` again. A write may have landed all the same: when its
        ``verify`` finds it did, a :class:`Response` holding that answer (and nothing is sent again)."""
        self._backoff(call.attempts, retry_after)
        if call.is_write and call.verify is not None:
            applied = call.verify()
            if applied is not None:
                return Response(None, {}, applied, call.url)
        return None

    def _send(self, method, url, params, auth, body_kwargs):
        """One HTTP exchange, bounded as a whole by ``timeout``: connecting, the headers and the
        body together (requests' own timeout bounds each socket operation only, so a server that
        trickles a byte at a time would hold the task for ever). Returns ``(response, data)``."""
        deadline = time.monotonic() + self.timeout
        with _deadline(self.timeout):
            # verify per request: requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE override a
            # session-level verify, which would silently drop ca_path and validate_certs=false.
            resp = self.session.request(method, url, params=params, timeout=self.timeout, auth=auth,
                                        allow_redirects=False, verify=self._verify, stream=True, **body_kwargs)
            try:
                content = _read_body(resp, deadline)
            finally:
                resp.close()
        self._last_url = resp.url
        return resp, _decode(content)

    def scrub(self, text: object) -> str:
        """``text`` without this client's token (or installation tokens), an ``Authorization`` value or a JWT."""
        return scrub(text, self._secrets)

    def scrub_error(self, error: GitHubError, extra: Iterable[str | None] = ()) -> GitHubError:
        """``error`` scrubbed in place of every secret this client holds (:func:`scrub_error`)."""
        return scrub_error(error, list(self._secrets) + list(extra))

    def secrets(self) -> list[str]:
        """The secrets this client holds now (the token, the installation tokens it got, the app's
        key material): for a host that masks them in everything it prints or returns."""
        return list(self._secrets)

    def _hold_secret(self, secret: str) -> None:
        """Remember ``secret`` for :meth:`scrub` and tell ``on_secret`` (the host masks it too)."""
        if secret and secret not in self._secrets:
            self._secrets.append(secret)
            if self.on_secret is not None:
                self.on_secret(secret)

    def authenticate(self) -> None:
        """Fetch the installation token now (GitHub App only; otherwise nothing to do)."""
        if self.app is not None:
            self._ensure_installation_token()

    def _ensure_installation_token(self):
        """Use the app installation's token (:mod:`._app_auth` fetches it, again only near its expiry)."""
        if self.app is None:
            return
        token = self.app.installation_token(self)
        if token != self._app_token:
            self._hold_secret(token)
            self.session.auth = _BearerAuth(token)
            self._app_token = token

    def _may_resend(self, is_write, verify):
        return not is_write or verify is not None

    def _space_writes(self):
        if self._last_write is None or not self.write_delay:
            return
        pause = self.write_delay - (self.clock() - self._last_write)
        if pause > 0:
            self._sleep(pause)

    def _backoff(self, attempt, retry_after=None):
        delay = min(BACKOFF_CAP, BACKOFF_BASE * (2 ** (attempt - 1)))
        if retry_after:
            try:
                wanted = float(retry_after)
            except (TypeError, ValueError):
                wanted = None
            if wanted is not None and not math.isnan(wanted):
                delay = min(BACKOFF_CAP, max(delay, wanted))
        self._sleep(delay)

    def wait(self, seconds: float) -> None:
        """Wait ``seconds`` for a rate limit, counted in ``waited`` (the budget of ``rate_limit_max_wait``)."""
        self.waited += seconds
        self._sleep(seconds)

    # -- helpers -----------------------------------------------------------------------------

    def get(self, path: str, params: Mapping[str, Any] | None = None, expected: tuple[int, ...] = (200,)) -> Response:
        return self.request('GET', path, params=params, expected=expected)

    def get_or_none(self, path: str, params: Mapping[str, Any] | None = None) -> dict[str, Any] | None:
        """GET that treats 404 as absent: the JSON object, or ``None``. A 200 whose body is not a
        JSON object (an error page, a proxy's HTML) is a :class:`GitHubError`, never "absent"."""
        resp = self.request('GET', path, params=params, expected=(200, 404))
        if resp.status != 200:
            return None
        if not isinstance(resp.data, dict):
            raise GitHubError('GET', self.display(resp.url), 200, 'the answer is not a JSON object (%s)' % _kind(resp.data))
        return resp.data

    def paginate(self, path: str, params: Mapping[str, Any] | None = None,
                 max_pages: int = MAX_PAGES) -> Iterator[dict[str, Any]]:
        """Yield every item of a list endpoint, 100 a page, following ``Link: rel="next"`` verbatim.

        Every page must be a JSON list of objects, or the read fails (:class:`GitHubError`) rather
        than look shorter than it is; a ``next`` URL already read (a loop) or more than
        ``max_pages`` pages fail the same way.
        """
        query = dict(params or {})
        query.setdefault('per_page', PER_PAGE)
        resp = self.request('GET', path, params=query)
        seen = set([_page_key(self._last_url)])
        pages = 1
        while True:
            data = resp.data
            shown = self.display(self._last_url or self.url_for(path))
            if not isinstance(data, list):
                raise GitHubError('GET', shown, resp.status, 'the answer is not a JSON list (%s); refusing to read '
                                  'it as an empty list' % _kind(data))
            for item in data:
                if not isinstance(item, dict):
                    raise GitHubError('GET', shown, resp.status, 'the list holds %s, not JSON objects' % _kind(item))
            nxt = resp.links.get('next', {}).get('url')
            if nxt and _page_key(self.url_for(nxt)) in seen:
                raise GitHubError('GET', self.display(nxt), None, 'the Link header points back to a page already read '
                                  '(a pagination loop); refusing to read on')
            if nxt and pages >= max_pages:
                raise GitHubError('GET', self.display(nxt), None, 'more than %d pages; refusing to read on' % max_pages)
            yield from data
            if not nxt:
                return
            resp = self.request('GET', nxt)
            seen.add(_page_key(self._last_url))
            pages += 1

    def get_all(self, path: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        return list(self.paginate(path, params))

    def current_login(self) -> str | None:
        """The login of the token's user (``GET /user``), asked once per client.

        ``None`` for a GitHub App: an installation acts as the app's bot, which has no user
        (GitHub answers ``GET /user`` with 403) and is never an organization member.
        """
        if self.app is not None:
            return None
        if self._login is None:
            resp = self.get('/user')
            login = resp.data.get('login') if isinstance(resp.data, dict) else None
            if not isinstance(login, str) or not login:
                raise GitHubError('GET', '/user', resp.status, 'the answer holds no login (%s)' % _kind(resp.data))
            self._login = login
        return self._login


def _never_sent(exc):
    """Whether a requests exception came before any byte of the request left: the connection was
    refused, the name did not resolve, or connecting timed out."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    reason = getattr(exc.args[0], 'reason', None) if exc.args else None
    return NewConnectionError is not None and isinstance(reason, NewConnectionError)


def _epoch(stamp):
    """Epoch seconds of GitHub's ``2024-01-01T00:00:00Z`` timestamps, or ``None``."""
    if not isinstance(stamp, str):
        return None
    try:
        return datetime.strptime(stamp, '%Y-%m-%dT%H:%M:%SZ').replace(tzinfo=timezone.utc).timestamp()
    except ValueError:
        return None


class _TooLarge(Exception):
    """An answer larger than any the modules expect."""


class _DeadlineExceeded(Exception):
    """The whole request took longer than the client's timeout."""


class _deadline(object):
    """Raise :class:`_DeadlineExceeded` in the middle of whatever socket call is running when
    ``seconds`` have passed: a real-time interval timer (SIGALRM). Only the main thread can take a
    signal, and only one timer exists per process, so elsewhere (or when a timer is already set)
    this does nothing and the body deadline of :func:`_read_body` is the bound left."""

    def __init__(self, seconds):
        self.seconds = seconds
        self.armed = False
        self.previous = None

    def _fire(self, signum, frame):
        raise _DeadlineExceeded()

    def __enter__(self):
        if (hasattr(signal, 'setitimer') and threading.current_thread() is threading.main_thread()
                and signal.getitimer(signal.ITIMER_REAL)[0] == 0):
            self.previous = signal.signal(signal.SIGALRM, self._fire)
            signal.setitimer(signal.ITIMER_REAL, max(0.001, float(self.seconds)))
            self.armed = True
        return self

    def __exit__(self, *exc_info):
        if self.armed:
            try:
                signal.setitimer(signal.ITIMER_REAL, 0)
            finally:
                signal.signal(signal.SIGALRM, self.previous if self.previous is not None else signal.SIG_DFL)
        return False


def _read_body(resp, deadline, limit=MAX_BODY_BYTES):
    """The body of a streamed response, read before ``deadline`` (a monotonic time) and no longer
    than ``limit`` bytes."""
    chunks = []
    size = 0
    for chunk in resp.iter_content(64 * 1024):
        size += len(chunk)
        if size > limit:
            raise _TooLarge(limit)
        chunks.append(chunk)
        if time.monotonic() > deadline:
            raise _DeadlineExceeded()
    return b''.join(chunks)


def _decode(content):
    """The JSON value of a body, ``None`` when it is empty or not JSON."""
    if not content:
        return None
    try:
        return _json.loads(content.decode('utf-8'))
    except (ValueError, UnicodeError):
        return None


def _kind(data):
    """What a decoded body is, for messages: never its content (it might be anything)."""
    if data is None:
        return 'no JSON body'
    if isinstance(data, dict):
        text = data.get('message')
        if isinstance(text, str) and text:
            return 'a JSON object saying %r' % (text if len(text) <= 120 else text[:117] + '...')
        return 'a JSON object'
    return 'a JSON %s' % {list: 'list', str: 'string', bool: 'boolean', int: 'number', float: 'number'}.get(type(data), 'value')


def _page_key(url):
    """A page URL as compared for loops: scheme and host case-insensitive, the rest verbatim."""
    parts = urlsplit(url or '')
    query = parts.query.split('&') if parts.query else []
    if not any(item.startswith('page=') for item in query):
        query.append('page=1')  # GitHub's default page (the "page" parameter of every list operation)
    return (parts.scheme.lower(), parts.netloc.lower(), parts.path, '&'.join(sorted(query)))


def _utc_stamp(epoch):
    """``2024-01-01T00:00:00Z`` for an epoch time, or ``a time out of range`` for an absurd one."""
    try:
        return datetime.fromtimestamp(epoch, tz=timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')
    except (OverflowError, OSError, ValueError):
        return 'a time out of range'


def _short_exc(exc):
    """One line from an exception of the HTTP stack. Some carry a header value (InvalidHeader
    quotes it): callers pass the text through :func:`scrub`."""
    text = str(exc).replace('\n', ' ')
    return text if len(text) <= 300 else text[:297] + '...'
