"""Validate the simulator's request log against GitHub's OpenAPI description (openapi-core).

Every request our modules send and every answer the simulator gives must fit the description in
``../shared/github-openapi/``. GitHub also serves ``/organizations/{org_id}/...`` and
``/organizations/{org_id}/team/{team_id}/...`` routes (in ``Link`` headers and ``url`` fields) that
the description leaves out: they are mapped onto the slug routes first.
"""

from __future__ import annotations

import functools
import json
import os
import re
from urllib.parse import urlencode

from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse
from openapi_schema_validator import OAS30Validator

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SPEC_DIR = os.environ.get('GITOPS_GITHUB_OPENAPI_DIR') or os.path.join(os.path.dirname(REPO), 'shared', 'github-openapi')
SPECS = {
    'github.com': ('api.github.com.membership.json', 'https://api.github.com'),
    'ghes': ('ghes-3.19.membership.json', 'http://HOSTNAME'),
}

_ORG_TEAM_ID = re.compile(r'^/organizations/(\d+)/team/(\d+)(/.*)?$')
_ORG_ID = re.compile(r'^/organizations/(\d+)(/.*)?$')
_LEGACY_TEAM = re.compile(r'^/teams/(\d+)(/.*)?$')


@functools.cache
def openapi(flavour):
    name, _dummy = SPECS[flavour]
    return OpenAPI.from_file_path(os.path.join(SPEC_DIR, name))


def canonical_path(path, state):
    """Map id routes onto the slug routes the description has; ``state`` is the simulator state."""
    snapshot = state.snapshot() if hasattr(state, 'snapshot') else state
    orgs = {}
    teams = {}
    for org in snapshot.get('orgs', []):
        orgs[str(org.get('id'))] = org['login']
        for team in org.get('teams', []):
            teams[str(team.get('id'))] = (org['login'], team['slug'])
    match = _ORG_TEAM_ID.match(path)
    if match and match.group(2) in teams:
        org, slug = teams[match.group(2)]
        return '/orgs/%s/teams/%s%s' % (org, slug, match.group(3) or '')
    match = _ORG_ID.match(path)
    if match and match.group(1) in orgs:
        return '/orgs/%s%s' % (orgs[match.group(1)], match.group(2) or '')
    return path


def shape(exchange, state=None):
    """The route template of an exchange (``METHOD /orgs/{org}/...``), with id routes mapped."""
    route = exchange.route or exchange.path
    route = re.sub(r'^/organizations/\{org_id\}/team/\{team_id\}', '/orgs/{org}/teams/{team_slug}', route)
    route = re.sub(r'^/organizations/\{org_id\}', '/orgs/{org}', route)
    return '%s %s' % (exchange.method, route)


def validate_exchange(exchange, state, flavour='github.com', prefix=''):
    """Raise with a readable message when the request or the response does not fit the description."""
    spec = openapi(flavour)
    _dummy, host = SPECS[flavour]
    path = exchange.path
    if prefix and path.startswith(prefix):
        path = path[len(prefix):]
    path = canonical_path(path, state)
    if flavour == 'ghes':
        path = '/api/v3' + path
    headers = dict(exchange.request_headers)
    content_type = headers.get('content-type', 'application/json').split(';')[0]
    request = MockRequest(host, exchange.method.lower(), path, args=dict(exchange.query), headers=headers,
                          data=exchange.request_body or None, content_type=content_type)
    problems = []
    try:
        spec.validate_request(request)
    except Exception as exc:  # openapi-core raises a family of validation errors
        problems.append('request: %s' % _explain(exc))
    if exchange.status is not None and exchange.fault is None:
        resp_headers = dict(exchange.response_headers)
        resp_type = resp_headers.get('content-type', 'application/json').split(';')[0]
        response = MockResponse(exchange.response_body or b'', status_code=exchange.status, headers=resp_headers,
                                content_type=resp_type)
        try:
            spec.validate_response(request, response)
        except Exception as exc:
            if not _generic_error_ok(flavour, exchange):
                problems.append('response %s: %s' % (exchange.status, _explain(exc)))
    if problems:
        query = ('?' + urlencode(exchange.query)) if exchange.query else ''
        raise AssertionError('%s %s%s does not fit the OpenAPI description: %s' % (
            exchange.method, exchange.path, query, '; '.join(problems)))


# GitHub answers 401 (bad credentials) on every endpoint, but the description lists it on few.
GENERIC_ERROR_STATUSES = (401,)


def _generic_error_ok(flavour, exchange):
    """A 401 an operation does not list must still be GitHub's ``basic-error`` shape."""
    if exchange.status not in GENERIC_ERROR_STATUSES:
        return False
    schema = openapi_schemas(flavour)['basic-error']
    try:
        OAS30Validator(schema).validate(json.loads(exchange.response_body or b'null'))
    except Exception:
        return False
    return True


@functools.cache
def openapi_schemas(flavour):
    name, _dummy = SPECS[flavour]
    with open(os.path.join(SPEC_DIR, name)) as handle:
        return json.load(handle)['components']['schemas']


def _explain(exc):
    parts = [str(exc)]
    cause = exc.__cause__ or exc.__context__
    depth = 0
    while cause is not None and depth < 4:
        parts.append(str(cause))
        for sub in getattr(cause, 'schema_errors', []) or []:
            parts.append(str(getattr(sub, 'message', sub)))
        cause = cause.__cause__ or cause.__context__
        depth += 1
    return ' <- '.join(p for p in parts if p)[:1500]
