# -*- coding: utf-8 -*-
# Copyright (c) gitops.github contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""GitHub's GraphQL API on top of :class:`._http.GitHubClient`: queries only, no writes.

- The endpoint is ``POST {api_url}/graphql`` on github.com and ``POST https://HOST/api/graphql`` on
  GitHub Enterprise Server (whose REST base is ``https://HOST/api/v3``).
  Source: docs.github.com, "Forming calls with GraphQL" (the GraphQL endpoint).
- A query is a read: the client paces, retries (502/503/504, dropped connections) and waits out
  REST-style rate limits (403/429 with ``x-ratelimit-remaining: 0`` or a secondary-limit message)
  for it as for any GET.
- GraphQL reports failures in a **200** answer with an ``errors`` array (GitHub's docs issue
  github/docs#22607: "The response code will be 200, and the errors field will indicate..."). Any
  error fails the read: a partial answer is never planned on.
- The primary limit is in points. A spent budget comes as an error of type ``RATE_LIMITED``
  (github/docs#22607) or ``RATE_LIMIT`` with code ``graphql_rate_limit`` (a recorded answer in
  yanyongyu/githubkit#271, where ``x-ratelimit-remaining`` was not 0); both are waited out until
  ``x-ratelimit-reset`` (or ``retry-after``, else a minute) within ``rate_limit_max_wait``.
- Each query asks ``rateLimit { cost remaining resetAt }``; when fewer points remain than the last
  query cost, the next query waits for ``resetAt`` (within ``rate_limit_max_wait``) instead of
  being refused. Source: docs.github.com, "Rate limits and query limits for the GraphQL API".
- Every connection is paged under the same limits as REST's ``Link`` pages (``_http.paginate``):
  :class:`Pages` fails the read when an answer gives a cursor already given or asked for (a loop:
  ``hasNextPage: true`` with the same ``endCursor`` would otherwise be asked for again until the
  task's timeout), or when there would be more pages than the connection's ``totalCount`` fills at
  ``first`` a page (GitHub's cursor connections: docs.github.com, "Using pagination in the GraphQL
  API"), and never more than ``_http.MAX_PAGES``.
"""

from __future__ import annotations

import math
from datetime import datetime, timezone

from ansible_collections.gitops.github.plugins.module_utils._http import (
    MAX_PAGES,
    MAX_RATE_LIMIT_RETRIES,
    SECONDARY_FALLBACK_WAIT,
    GitHubError,
    RateLimitError,
)

RATE_LIMIT_TYPES = ('RATE_LIMITED', 'RATE_LIMIT')
RATE_LIMIT_FIELDS = 'rateLimit { cost remaining resetAt }'


class GraphQLError(GitHubError):
    """A GraphQL answer with ``errors`` (or not a GraphQL answer at all)."""

    def __init__(self, path, errors, message=None):
        self.errors = errors or []
        if message is None:
            parts = []
            for item in self.errors[:5]:
                if isinstance(item, dict):
                    text = str(item.get('message') or item.get('type') or 'unknown error')
                    if item.get('type'):
                        text = '%s (%s)' % (text, item['type'])
                    parts.append(text)
                else:
                    parts.append(str(item))
            if len(self.errors) > 5:
                parts.append('and %d more' % (len(self.errors) - 5))
            message = 'GraphQL errors: ' + '; '.join(parts)
        super().__init__('POST', path, 200, message)

    @property
    def types(self):
        return [e.get('type') for e in self.errors if isinstance(e, dict)]


class PagingError(GitHubError):
    """A connection whose pages do not end: a repeated cursor, or more pages than it can hold."""

    def __init__(self, path, what, message):
        self.what = what
        super().__init__('POST', path, None, '%s: %s; refusing to read on' % (what, message))


class Pages(object):
    """The paging of one GraphQL connection (``what``, for messages), ``per_page`` nodes a page.

    Call :meth:`next` with each page's ``endCursor`` and ``totalCount`` when it says
    ``hasNextPage``, before asking for the next page: it raises :class:`PagingError` when that
    cursor was already given or asked for, or when the next page would be one more than
    ``totalCount`` (the largest any page reported) fills, or more than ``max_pages``.
    """

    def __init__(self, path, what, per_page, max_pages=MAX_PAGES, after=None):
        self.path = path
        self.what = what
        self.per_page = per_page
        self.max_pages = max_pages
        self.pages = 1
        self.total = 0
        self.seen = set() if after is None else set([after])

    def next(self, cursor, total):
        if isinstance(total, int) and not isinstance(total, bool):
            self.total = max(self.total, total)
        if cursor in self.seen:
            raise PagingError(self.path, self.what, 'page %d answered hasNextPage with the cursor %r, which was already '
                              'read (a paging loop)' % (self.pages, cursor))
        most = min(self.max_pages, int(math.ceil(self.total / float(self.per_page))))
        if self.pages >= most:
            raise PagingError(self.path, self.what, 'page %d answered hasNextPage, but a totalCount of %d fills %d '
                              'page(s) of %d%s' % (self.pages, self.total, most, self.per_page,
                                                   ' (at most %d pages are read)' % self.max_pages
                                                   if most == self.max_pages else ''))
        self.seen.add(cursor)
        self.pages += 1
        return cursor


def graphql_url(client):
    """``{api_url}/graphql``, or ``https://HOST/api/graphql`` for a GHES ``https://HOST/api/v3``."""
    base = client.api_url
    if client.is_ghes:
        return base[:-len('/v3')] + '/graphql'
    return base + '/graphql'


def _epoch(stamp):
    try:
        return datetime.strptime(stamp, '%Y-%m-%dT%H:%M:%SZ').replace(tzinfo=timezone.utc).timestamp()
    except (TypeError, ValueError):
        return None


class GraphQL(object):
    """Send queries for one client; counts ``queries`` and the ``cost`` GitHub reported."""

    def __init__(self, client):
        self.client = client
        self.url = graphql_url(client)
        self.path = client.display(self.url)
        self.queries = 0
        self.cost = 0
        self.remaining = None
        self.reset_at = None
        self.last_cost = None

    def query(self, text, variables=None):
        """The ``data`` of one query (``text`` should ask for :data:`RATE_LIMIT_FIELDS`). Its
        errors hold no secret of the client: a GraphQL answer's ``errors`` may quote them."""
        try:
            return self._query(text, variables)
        except GitHubError as exc:
            raise self.client.scrub_error(exc) from exc.__cause__

    def _query(self, text, variables):
        self._pace()
        retries = 0
        while True:
            self.queries += 1
            resp = self.client.request('POST', self.url, json={'query': text, 'variables': variables or {}},
                                       expected=(200,), read=True)
            body = resp.data
            if not isinstance(body, dict) or ('data' not in body and 'errors' not in body):
                raise GraphQLError(self.path, [], 'the answer is not a GraphQL response')
            errors = body.get('errors')
            if errors:
                if not isinstance(errors, list):
                    errors = [errors]
                kinds = [e.get('type') for e in errors if isinstance(e, dict)]
                if any(k in RATE_LIMIT_TYPES for k in kinds) and retries < MAX_RATE_LIMIT_RETRIES:
                    retries += 1
                    self._wait_for_limit(resp, errors)
                    continue
                raise GraphQLError(self.path, errors)
            data = body.get('data')
            if not isinstance(data, dict):
                raise GraphQLError(self.path, [], 'the answer has no data')
            self._note(data.get('rateLimit'))
            return data

    def _note(self, rate):
        if not isinstance(rate, dict):
            return  # GHES with rate limiting off answers null
        cost = rate.get('cost')
        if isinstance(cost, int):
            self.cost += cost
            self.last_cost = cost
        remaining = rate.get('remaining')
        self.remaining = remaining if isinstance(remaining, int) else None
        self.reset_at = _epoch(rate.get('resetAt'))

    def _budget_wait(self, wait, reset_at, message):
        client = self.client
        budget = client.rate_limit_max_wait - client.waited
        if wait > budget:
            raise RateLimitError('POST', self.path, 200, 'GraphQL primary', reset_at, wait, message, None, client.waited)
        client.wait(wait)

    def _pace(self):
        if self.remaining is None or self.last_cost is None or self.remaining >= self.last_cost:
            return
        now = self.client.clock()
        reset_at = self.reset_at if self.reset_at is not None else now + SECONDARY_FALLBACK_WAIT
        self._budget_wait(max(0.0, reset_at - now) + 1.0, reset_at,
                          '%d GraphQL points left, the last query cost %d' % (self.remaining, self.last_cost))
        self.remaining = None

    def _wait_for_limit(self, resp, errors):
        now = self.client.clock()
        headers = resp.headers or {}
        wait = None
        reset_at = None
        try:
            reset_at = float(headers.get('x-ratelimit-reset'))
            wait = max(0.0, reset_at - now) + 1.0
        except (TypeError, ValueError):
            try:
                wait = max(0.0, float(headers.get('retry-after')))
            except (TypeError, ValueError):
                wait = float(SECONDARY_FALLBACK_WAIT)
        if reset_at is None:
            reset_at = now + wait
        message = '; '.join(str(e.get('message')) for e in errors if isinstance(e, dict) and e.get('message'))
        self._budget_wait(wait, reset_at, message)
