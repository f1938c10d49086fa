"""A small hostile HTTP server: it answers like GitHub would *not*.

The simulator (ghsim) behaves like GitHub; this one is scripted per test to misbehave the ways a
broken proxy, a half-dead load balancer or an attacker in the middle would: 200 answers with the
wrong shape (an error object, an HTML page, a list of strings), ``Link`` headers that loop, status
lines and bodies trickled a byte at a time, absurd rate-limit headers, huge bodies. It binds
127.0.0.1 on a free port, serves each connection on a daemon thread, records every request, and
is stopped (all trickles cut) by the test that started it.

Routes map ``(METHOD, path)`` to an :class:`Answer`, a list of them (served in turn, the last one
repeated), or a callable ``(request) -> Answer``.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

REASONS = {200: 'OK', 201: 'Created', 204: 'No Content', 403: 'Forbidden', 404: 'Not Found', 422: 'Unprocessable Entity',
           429: 'Too Many Requests', 500: 'Internal Server Error'}
# No trickle lasts longer than this, whatever the client does: the server is bounded in time.
MAX_TRICKLE_SECONDS = 60


class Answer(object):
    """One scripted answer. ``body`` is bytes, or any JSON value. ``trickle_body`` and
    ``trickle_head`` send that part one byte every so many seconds."""

    def __init__(self, status=200, body=None, headers=None, trickle_body=None, trickle_head=None):
        self.status = status
        if body is None:
            self.body = b''
        elif isinstance(body, bytes):
            self.body = body
        else:
            self.body = json.dumps(body).encode('utf-8')
        self.headers = dict(headers or {})
        if body is not None and not isinstance(body, bytes):
            self.headers.setdefault('Content-Type', 'application/json; charset=utf-8')
        self.trickle_body = trickle_body
        self.trickle_head = trickle_head


class Request(object):
    def __init__(self, method, target, headers, body):
        parts = urlsplit(target)
        self.method = method
        self.path = parts.path
        self.query = dict(parse_qsl(parts.query))
        self.target = target
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body) if self.body else None

    def __repr__(self):
        return '<%s %s>' % (self.method, self.target)


def users(*logins):
    return [{'login': login, 'id': 1000 + i, 'type': 'User'} for i, login in enumerate(logins)]


def membership(org, login, role='member', state='active'):
    return {'state': state, 'role': role, 'organization': {'login': org}, 'user': {'login': login}}


class HostileServer(object):
    """``HostileServer(routes).start()``; ``api_url``, ``log`` (every :class:`Request`), ``stop()``."""

    ca_path = None

    def __init__(self, routes=None):
        self.routes = dict(routes or {})
        self.log = []
        self._served = {}
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._server = None
        self._thread = None

    # -- scripting ----------------------------------------------------------------------------

    def answer_for(self, request):
        route = self.routes.get((request.method, request.path))
        if route is None:
            return Answer(404, {'message': 'Not Found', 'documentation_url': 'https://docs.github.com/rest'})
        if callable(route):
            return route(request)
        if isinstance(route, list):
            with self._lock:
                index = self._served.get((request.method, request.path), 0)
                self._served[(request.method, request.path)] = index + 1
            return route[min(index, len(route) - 1)]
        return route

    def requests(self, method=None, path=None):
        return [r for r in self.log if (method is None or r.method == method) and (path is None or r.path == path)]

    @property
    def writes(self):
        return [(r.method, r.path) for r in self.log if r.method in ('POST', 'PUT', 'PATCH', 'DELETE')]

    # -- lifecycle ----------------------------------------------------------------------------

    @property
    def api_url(self):
        return 'http://127.0.0.1:%d' % self._server.server_address[1]

    def start(self):
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = 'HTTP/1.1'

            def log_message(self, *args):  # quiet
                pass

            def _handle(self):
                length = int(self.headers.get('Content-Length') or 0)
                body = self.rfile.read(length) if length else b''
                request = Request(self.command, self.path, dict(self.headers), body)
                with owner._lock:
                    owner.log.append(request)
                owner._send(self, owner.answer_for(request))

            do_GET = do_PUT = do_DELETE = do_POST = do_PATCH = _handle

        self._server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={'poll_interval': 0.1}, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(5)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    # -- sending ------------------------------------------------------------------------------

    def _send(self, handler, answer):
        status_line = 'HTTP/1.1 %d %s\r\n' % (answer.status, REASONS.get(answer.status, 'Unknown'))
        headers = dict(answer.headers)
        headers.setdefault('Content-Length', str(len(answer.body)))
        headers.setdefault('Connection', 'close')
        head = (status_line + ''.join('%s: %s\r\n' % pair for pair in headers.items()) + '\r\n').encode('latin-1')
        handler.close_connection = True
        try:
            self._write(handler, head, answer.trickle_head)
            self._write(handler, answer.body, answer.trickle_body)
        except (TimeoutError, BrokenPipeError, ConnectionResetError, OSError):
            pass  # the client gave up: that is what a trickle test wants

    def _write(self, handler, data, interval):
        if not interval:
            handler.wfile.write(data)
            handler.wfile.flush()
            return
        started = time.monotonic()
        for index in range(len(data)):
            if self._stopping.is_set() or time.monotonic() - started > MAX_TRICKLE_SECONDS:
                return
            handler.wfile.write(data[index:index + 1])
            handler.wfile.flush()
            time.sleep(interval)


def org_routes(org='acme', admins=('octo-admin',), members=('alice', 'bob'), invitations=(), login='octo-admin'):
    """The reads github_org_members makes, answered well (tests replace the one that misbehaves)."""
    base = '/orgs/%s' % org

    def member_list(request):
        return Answer(200, users(*(admins if request.query.get('role') == 'admin' else members)))

    def put(request):
        who = request.path.rsplit('/', 1)[1]
        return Answer(200, membership(org, who, (request.json() or {}).get('role', 'member'), 'pending'))

    routes = {
        ('GET', base + '/members'): member_list,
        ('GET', base + '/invitations'): Answer(200, list(invitations)),
        ('GET', '/user'): Answer(200, {'login': login, 'id': 1, 'type': 'User'}),
    }
    for who in set(admins) | set(members) | set(['new-hire', 'ghost', 'some-org']):
        routes[('PUT', base + '/memberships/' + who)] = put
        routes[('DELETE', base + '/memberships/' + who)] = Answer(204)
    return routes
