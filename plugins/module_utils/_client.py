# -*- coding: utf-8 -*-
# Copyright (c) gitops.github contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""One small HTTP client for the GitHub REST API, shared by every module.

It knows GitHub's rules and nothing about memberships: authentication, the API version header,
``Link`` pagination, bounded retries of transient failures, primary and secondary rate limits
(403 *or* 429), spacing of mutating requests, and errors that carry what failed but never the
token.
"""

from __future__ import annotations

import re
import time
from datetime import datetime, timezone

try:
    from urllib.parse import quote, urlsplit
except ImportError:  # pragma: no cover - Python 2 is not supported, the guard keeps sanity import tests calm
    quote = urlsplit = None

REQUESTS_IMPORT_ERROR = None
try:
    import requests
    from requests.adapters import HTTPAdapter
    from requests.auth import AuthBase
    HAS_REQUESTS = True
except ImportError as exc:  # pragma: no cover - exercised through missing_required_lib
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = exc
    AuthBase = object

DEFAULT_API_URL = 'https://api.github.com'
API_VERSION = '2022-11-28'
USER_AGENT = 'gitops.github-ansible-collection'
PER_PAGE = 100

# Transient answers that are safe to retry for reads; GitHub documents these for its load balancers.
RETRY_STATUSES = (502, 503, 504)
MAX_RETRIES = 3
BACKOFF_BASE = 0.5
BACKOFF_CAP = 8.0
# Without a retry-after header, GitHub asks clients to wait at least a minute on a secondary limit.
SECONDARY_FALLBACK_WAIT = 60
MAX_RATE_LIMIT_RETRIES = 10
WRITE_METHODS = frozenset(('POST', 'PUT', 'PATCH', 'DELETE'))

_SECONDARY_RE = re.compile(r'secondary rate limit|abuse detection', re.IGNORECASE)


class GitHubError(Exception):
    """A failed request: what was asked, what GitHub answered. Never holds the token."""

    def __init__(self, method, path, status=None, message=None, documentation_url=None):
        self.method = method
        self.path = path
        self.status = status
        self.message = message or ''
        self.documentation_url = documentation_url
        super().__init__(self.describe())

    def describe(self):
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

    def as_dict(self):
        return {
            'method': self.method,
            'path': self.path,
            'status': self.status,
            'message': self.message,
            'documentation_url': self.documentation_url,
        }


class RateLimitError(GitHubError):
    """A primary or secondary rate limit that lasts longer than we may wait."""

    def __init__(self, method, path, status, limit, reset_at, wait, message=None, documentation_url=None, waited=0.0):
        self.limit = limit
        self.reset_at = reset_at
        self.waited = waited
        when = datetime.fromtimestamp(reset_at, tz=timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')
        text = 'GitHub %s rate limit hit; it resets at %s (in %d s), beyond rate_limit_max_wait (already waited %d s)' % (
            limit, when, int(round(wait)), int(waited))
        if message:
            text += '. GitHub said: %s' % message
        super().__init__(method, path, status, text, documentation_url)


class Response(object):
    """The parts of an HTTP answer the modules use."""

    def __init__(self, status, headers, data, url, links=None):
        self.status = status
        self.headers = headers
        self.data = data
        self.url = url
        self.links = links or {}

    def __repr__(self):
        return '<Response %s %s>' % (self.status, self.url)


def quote_segment(value):
    """Quote one path segment (a login, org or slug), so it can never change the route."""
    return quote(str(value), safe='')


def parse_rate_limit(status, headers, message, now):
    """Classify a 403/429 answer.

    Returns ``None`` when it is not a rate limit, else ``(limit, wait_seconds, reset_at)`` where
    ``limit`` is ``'primary'`` or ``'secondary'`` and ``reset_at`` the epoch time it lifts. Pure:
    ``headers`` is a case-insensitive mapping or a dict with lower-case keys, ``now`` an epoch time.
    """
    if status not in (403, 429):
        return None
    get = headers.get
    remaining = get('x-ratelimit-remaining')
    retry_after = get('retry-after')
    message = message or ''
    if remaining is not None and str(remaining).strip() == '0' and not _SECONDARY_RE.search(message):
        try:
            reset = float(get('x-ratelimit-reset'))
        except (TypeError, ValueError):
            reset = now + SECONDARY_FALLBACK_WAIT
        # One second more: the reset time is whole seconds and clocks differ a little.
        return 'primary', max(0.0, reset - now) + 1.0, reset
    if retry_after is not None or _SECONDARY_RE.search(message) or status == 429:
        wait = None
        if retry_after is not None:
            try:
                wait = max(0.0, float(retry_after))
            except ValueError:
                wait = None
        if wait is None:
            wait = float(SECONDARY_FALLBACK_WAIT)
        return 'secondary', wait, now + wait
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


class GitHubClient(object):
    """Talks to one GitHub (github.com or GHES) API with one token.

    ``sleep`` and ``clock`` are injectable so unit tests run without waiting.
    """

    def __init__(self, api_url=DEFAULT_API_URL, token=None, validate_certs=True, ca_path=None, timeout=30,
                 rate_limit_max_wait=300, write_delay=1.0, max_retries=MAX_RETRIES, session=None,
                 sleep=time.sleep, clock=time.time):
        self.api_url = (api_url or DEFAULT_API_URL).rstrip('/')
        parts = urlsplit(self.api_url)
        if parts.scheme not in ('http', 'https') or not parts.netloc:
            raise ValueError('api_url must be an http(s) URL such as %s or https://HOST/api/v3, got %r' % (DEFAULT_API_URL, api_url))
        self._origin = (parts.scheme, parts.netloc.lower())
        self.timeout = timeout
        self.rate_limit_max_wait = max(0, rate_limit_max_wait or 0)
        self.write_delay = max(0.0, write_delay or 0.0)
        self.max_retries = max_retries
        self._sleep = sleep
        self._clock = clock
        self.waited = 0.0
        self.request_count = 0
        self.write_count = 0
        self._last_write = None
        self._login = None
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
        self._verify = (ca_path or True) if validate_certs else False
        self.session = session

    @property
    def is_ghes(self):
        """GitHub Enterprise Server serves the API under ``/api/v3`` (and has no invitations)."""
        return urlsplit(self.api_url).path.rstrip('/').endswith('/api/v3')

    # -- URLs --------------------------------------------------------------------------------

    def url_for(self, path):
        if path.startswith('http://') or path.startswith('https://'):
            return path
        return self.api_url + path

    def _same_origin(self, url):
        parts = urlsplit(url)
        return (parts.scheme, parts.netloc.lower()) == self._origin

    def _display(self, url):
        """The path (and query) of ``url`` for messages: short, no host, no credentials."""
        parts = urlsplit(url)
        path = parts.path
        base_path = urlsplit(self.api_url).path
        if base_path and path.startswith(base_path):
            path = path[len(base_path):] or '/'
        return path + ('?' + parts.query if parts.query else '')

    # -- core --------------------------------------------------------------------------------

    def request(self, method, path, json=None, params=None, expected=(200,), verify=None):
        """Send one request and return a :class:`Response` whose status is in ``expected``.

        Reads are retried on 502/503/504 and dropped connections. A write that fails that way may or
        may not have been applied, so it is re-sent only after ``verify()`` (a read) returns ``None``
        (the change is not there yet); when it returns anything else, that value is the answer's
        ``data`` and ``status`` is ``None``. Without ``verify`` a failed write is not re-sent. Rate limits are waited out within
        ``rate_limit_max_wait``. Redirects are never followed.
        """
        method = method.upper()
        url = self.url_for(path)
        display = self._display(url)
        if not self._same_origin(url):
            # Never send the token to another host, whatever a Link header or redirect says.
            raise GitHubError(method, display, None, 'refusing to follow a URL on another host than api_url: %s' % urlsplit(url).netloc)
        is_write = method in WRITE_METHODS
        # requests sends Content-Length: 0 for a PUT or DELETE without a body, as GitHub requires.
        kwargs_body = {'json': json} if json is not None else {}

        attempts = 0
        rate_limit_retries = 0
        while True:
            if is_write:
                self._space_writes()
            attempts += 1
            self.request_count += 1
            if is_write:
                self.write_count += 1
            try:
                # verify per request: requests lets REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE override a
                # session-level verify, which would silently drop ca_path and validate_certs=false.
                resp = self.session.request(method, url, params=params, timeout=self.timeout,
                                            allow_redirects=False, verify=self._verify, **kwargs_body)
            except requests.exceptions.SSLError as exc:
                raise GitHubError(method, display, None, 'TLS error talking to %s (set ca_path for a private CA): %s'
                                  % (self._origin[1], _short_exc(exc))) from None
            except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
                if attempts <= self.max_retries and self._may_resend(is_write, verify):
                    self._backoff(attempts)
                    if is_write:
                        applied = verify()
                        if applied is not None:
                            return Response(None, {}, applied, url)
                    continue
                raise GitHubError(method, display, None, '%s after %d attempt(s): %s' % (
                    'timed out' if isinstance(exc, requests.exceptions.Timeout) else 'connection failed',
                    attempts, _short_exc(exc))) from None
            finally:
                if is_write:
                    self._last_write = self._clock()

            status = resp.status_code
            body = _decode(resp)
            if status in expected:
                return Response(status, resp.headers, body, url, resp.links)

            message, doc_url = _error_fields(body)
            limit = parse_rate_limit(status, resp.headers, message, self._clock())
            if limit is not None:
                kind, wait, reset_at = limit
                budget = self.rate_limit_max_wait - self.waited
                if wait > budget or rate_limit_retries >= MAX_RATE_LIMIT_RETRIES:
                    raise RateLimitError(method, display, status, kind, reset_at, wait, message, doc_url, self.waited)
                rate_limit_retries += 1
                self._wait(wait)
                continue  # a rate-limited request was not processed: sending it again is safe
            if status in RETRY_STATUSES and attempts <= self.max_retries and self._may_resend(is_write, verify):
                self._backoff(attempts, resp.headers.get('retry-after'))
                if is_write:
                    applied = verify()
                    if applied is not None:
                        return Response(None, {}, applied, url)
                continue
            if status in RETRY_STATUSES and attempts > 1:
                message = '%s (after %d attempts)' % (message or resp.reason, attempts)
            if 300 <= status < 400:
                message = 'unexpected redirect to %s' % self._display(resp.headers.get('location', '?'))
            raise GitHubError(method, display, status, message or resp.reason, doc_url)

    def _may_resend(self, is_write, verify):
        return not is_write or verify is not None

    def _space_writes(self):
        if self._last_write is None or not self.write_delay:
            return
        pause = self.write_delay - (self._clock() - self._last_write)
        if pause > 0:
            self._sleep(pause)

    def _backoff(self, attempt, retry_after=None):
        delay = min(BACKOFF_CAP, BACKOFF_BASE * (2 ** (attempt - 1)))
        if retry_after:
            try:
                delay = min(BACKOFF_CAP, max(delay, float(retry_after)))
            except ValueError:
                pass
        self._sleep(delay)

    def _wait(self, seconds):
        self.waited += seconds
        self._sleep(seconds)

    # -- helpers -----------------------------------------------------------------------------

    def get(self, path, params=None, expected=(200,)):
        return self.request('GET', path, params=params, expected=expected)

    def get_or_none(self, path, params=None):
        """GET that treats 404 as absent: the JSON body, or ``None``."""
        resp = self.request('GET', path, params=params, expected=(200, 404))
        return resp.data if resp.status == 200 else None

    def paginate(self, path, params=None):
        """Yield every item of a list endpoint, 100 a page, following ``Link: rel="next"`` verbatim."""
        query = dict(params or {})
        query.setdefault('per_page', PER_PAGE)
        resp = self.request('GET', path, params=query)
        while True:
            data = resp.data
            if isinstance(data, dict):
                # A few list endpoints wrap their items; membership lists do not, but stay safe.
                items = next((v for v in data.values() if isinstance(v, list)), [])
            else:
                items = data or []
            yield from items
            nxt = resp.links.get('next', {}).get('url')
            if not nxt:
                return
            resp = self.request('GET', nxt)

    def get_all(self, path, params=None):
        return list(self.paginate(path, params))

    def current_login(self):
        """The login of the token's user (``GET /user``), asked once per client."""
        if self._login is None:
            self._login = self.get('/user').data['login']
        return self._login


def _decode(resp):
    if not resp.content:
        return None
    try:
        return resp.json()
    except ValueError:
        return None


def _short_exc(exc):
    """One line from a requests exception; they carry URLs, never our headers."""
    text = str(exc).replace('\n', ' ')
    return text if len(text) <= 300 else text[:297] + '...'
