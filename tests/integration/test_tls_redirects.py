"""TLS verification and redirects.

- TLS: against the simulator in HTTPS mode (a self-signed CA), the default refuses the
  certificate, ``ca_path`` makes it work, and ``validate_certs: false`` works (and is documented as
  unsafe).
- Redirects are never followed: not GitHub's 302 from ``/orgs/{org}/members/{user}`` to the
  *public* membership check (a different question), and never to another host, where the token
  must not arrive. Two tiny local HTTP servers stand in for "GitHub that redirects" and "another
  host", and record what reached them.
"""

from __future__ import annotations

import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
import yaml

from ansible_collections.gitops.github.plugins.module_utils._http import GitHubClient, GitHubError

from harness import fake_token, writes

TOKEN = fake_token()
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


# CI images and execution environments often set these; requests then prefers them to a
# session-level verify, which once made ca_path and validate_certs=false silently ineffective.
PUBLIC_CA_ENV = {'REQUESTS_CA_BUNDLE': requests.certs.where(), 'CURL_CA_BUNDLE': requests.certs.where()}


def membership_task(name, **args):
    return {'name': name, 'ignore_errors': True,
            'gitops.github.github_org_membership': dict({'org': 'acme', 'username': 'bob', 'role': 'admin'}, **args)}


# -- TLS ------------------------------------------------------------------------------------------

def test_tls_default_refuses_self_signed_ca_path_and_validate_certs_false_work(sim_factory, seed, play):
    sim = sim_factory(seed, https=True)
    assert sim.api_url.startswith('https://') and sim.ca_path

    run = play(sim, [
        membership_task('default'),
        membership_task('ca_path', ca_path=sim.ca_path),
        membership_task('no verification', validate_certs=False, username='carol'),
    ], module_defaults={'ca_path': None}, extra_env=PUBLIC_CA_ENV)

    statuses = {r['task']: r['status'] for r in run.results}
    assert statuses == {'default': 'failed', 'ca_path': 'changed', 'no verification': 'changed'}, run.output
    refused = run.task('default')['msg']
    assert 'TLS error' in refused and 'certificate' in refused.lower() and 'ca_path' in refused, refused
    assert refused.startswith('read membership of bob in acme: GET /orgs/acme/memberships/bob failed:'), refused
    assert 'Traceback' not in run.stdout + run.stderr
    assert sim.state.org_role('acme', 'bob') == 'admin'
    assert sim.state.org_role('acme', 'carol') == 'admin'
    # The refused task never got as far as an HTTP request.
    assert [(e.method, e.path) for e in sim.log if e.path.endswith('/bob')][0] == ('GET', '/orgs/acme/memberships/bob')
    assert len([e for e in sim.log if e.path.endswith('/bob')]) == 2, 'one GET and one PUT, both from ca_path'


@pytest.mark.filterwarnings('ignore:Unverified HTTPS request')
@pytest.mark.parametrize('options, works', [
    ({}, False),
    ({'ca_path': 'SIM'}, True),
    ({'validate_certs': False}, True),
])
def test_client_tls_options_win_over_ca_bundle_environment(sim_factory, seed, monkeypatch, options, works):
    sim = sim_factory(seed, https=True)
    for name, value in PUBLIC_CA_ENV.items():
        monkeypatch.setenv(name, value)
    if options.get('ca_path') == 'SIM':
        options = {'ca_path': sim.ca_path}
    client = GitHubClient(api_url=sim.api_url, token=sim.state.token_for('octo-admin'), write_delay=0,
                          max_retries=0, sleep=lambda s: None, **options)
    if works:
        assert client.current_login() == 'octo-admin'
    else:
        with pytest.raises(GitHubError, match='TLS error'):
            client.current_login()
        assert sim.log == []


def test_validate_certs_false_is_documented_as_unsafe():
    path = os.path.join(REPO, 'plugins', 'doc_fragments', 'github.py')
    from importlib.util import module_from_spec, spec_from_file_location
    spec = spec_from_file_location('github_doc_fragment', path)
    module = module_from_spec(spec)
    spec.loader.exec_module(module)
    doc = yaml.safe_load(module.ModuleDocFragment.DOCUMENTATION)
    text = ' '.join(doc['options']['validate_certs']['description'])
    assert 'V(false)' in text and 'intercept' in text, text


# -- redirects ------------------------------------------------------------------------------------

class Recorder(object):
    """A local HTTP server that records each request and answers with ``answer(handler)``."""

    def __init__(self, answer):
        self.requests = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = 'HTTP/1.1'

            def log_message(self, *args):
                pass

            def handle_one(self):
                length = int(self.headers.get('Content-Length') or 0)
                if length:
                    self.rfile.read(length)
                recorder.requests.append((self.command, self.path, dict(self.headers.items())))
                status, headers, body = answer(self)
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header('Content-Length', str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_PUT = do_DELETE = do_POST = do_PATCH = handle_one

        self.server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.url = 'http://127.0.0.1:%d' % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={'poll_interval': 0.05}, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def other_host():
    """Stands for another host: it must never be asked anything."""
    body = b'{"login": "bob", "role": "admin", "state": "active"}'
    server = Recorder(lambda h: (200, {'Content-Type': 'application/json'}, body))
    yield server
    server.stop()


@pytest.fixture
def redirector(other_host):
    """Stands for an API that redirects every request to ``other_host`` (302, same path)."""
    server = Recorder(lambda h: (302, {'Location': other_host.url + h.path}, b''))
    yield server
    server.stop()


def test_module_does_not_follow_a_redirect_to_another_host(redirector, other_host, play):
    run = play(None, [membership_task('redirected', api_url=redirector.url, write_delay=0)], token=TOKEN)

    assert run.results[0]['status'] == 'failed', run.output
    msg = run.task('redirected')['msg']
    assert msg.startswith('read membership of bob in acme: GET /orgs/acme/memberships/bob returned HTTP 302'), msg
    assert 'unexpected redirect' in msg
    assert 'Traceback' not in run.stdout + run.stderr
    assert len(redirector.requests) == 1, 'asked once, not again after the redirect'
    assert redirector.requests[0][2].get('Authorization') == 'Bearer ' + TOKEN, 'the token went to api_url only'
    assert other_host.requests == [], 'nothing, and so no Authorization header, reached the other host'


@pytest.mark.parametrize('status', [301, 302, 307, 308])
@pytest.mark.parametrize('method', ['GET', 'PUT', 'DELETE'])
def test_client_never_follows_redirects(other_host, method, status):
    server = Recorder(lambda h: (status, {'Location': other_host.url + '/elsewhere'}, b''))
    try:
        client = GitHubClient(api_url=server.url, token=TOKEN, write_delay=0, sleep=lambda s: None)
        with pytest.raises(GitHubError) as caught:
            client.request(method, '/orgs/acme/memberships/bob', json={'role': 'member'} if method == 'PUT' else None,
                           verify=lambda: None)
    finally:
        server.stop()
    assert caught.value.status == status
    assert 'unexpected redirect to /elsewhere' in str(caught.value)
    assert TOKEN not in str(caught.value)
    assert len(server.requests) == 1
    assert other_host.requests == []


def test_link_next_to_another_host_is_refused(other_host):
    page = json.dumps([{'login': 'alice', 'id': 1}]).encode()
    server = Recorder(lambda h: (200, {'Content-Type': 'application/json',
                                       'Link': '<%s/orgs/acme/members?page=2>; rel="next"' % other_host.url}, page))
    try:
        client = GitHubClient(api_url=server.url, token=TOKEN, write_delay=0, sleep=lambda s: None)
        with pytest.raises(GitHubError) as caught:
            client.get_all('/orgs/acme/members')
    finally:
        server.stop()
    assert 'refusing to follow a URL on another host' in str(caught.value)
    assert len(server.requests) == 1
    assert other_host.requests == [], 'the token never went to the other host'


def test_github_302_to_public_membership_is_not_followed(sim):
    """GitHub answers ``GET /orgs/{org}/members/{user}`` with a 302 to the *public* membership check
    when the caller is not an org member; following it would answer another question."""
    outsider = sim.state.token_for('new-hire')
    client = GitHubClient(api_url=sim.api_url, token=outsider, write_delay=0, sleep=lambda s: None)
    with pytest.raises(GitHubError) as caught:
        client.get('/orgs/acme/members/alice', expected=(204, 404))
    assert caught.value.status == 302
    assert 'unexpected redirect to /orgs/acme/public_members/alice' in str(caught.value)
    assert [(e.method, e.path, e.status) for e in sim.log] == [('GET', '/orgs/acme/members/alice', 302)]
    assert writes(sim) == []
