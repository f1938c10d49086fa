"""Validate the simulator's request log against GitHub's OpenAPI description (openapi-core).

Every request our modules send and every answer the simulator gives must fit the description in
``tests/data/github-openapi/`` (vendored: see its README). GitHub also serves ``/organizations/{org_id}/...`` and
``/organizations/{org_id}/team/{team_id}/...`` routes (in ``Link`` headers and ``url`` fields) that
the description leaves out: they are mapped onto the slug routes first.

One exemption: ``POST /app/installations/{installation_id}/access_tokens`` (GitHub App
authentication) is not in the membership extract, so :func:`validate_app_token_exchange` checks it
by hand against GitHub's documented operation: an optional JSON object body, 201 with the
``installation-token`` fields, errors 401/403/404/422 in the ``basic-error`` shape.

A second one: a team's IdP groups, ``GET .../team-sync/group-mappings`` ("List IdP groups for a
team", https://docs.github.com/rest/teams/team-sync#list-idp-groups-for-a-team) and
``GET .../external-groups`` ("List a connection between an external group and a team",
https://docs.github.com/rest/teams/external-groups), also outside the extract:
:func:`validate_idp_groups_exchange` checks them against those documented answers. Nothing else
is exempt.
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
# The extract is vendored in the repository, so a fresh clone needs nothing beside it;
# GITOPS_GITHUB_OPENAPI_DIR points the checks at another copy (a newer extract, say).
SPEC_DIR = os.environ.get('GITOPS_GITHUB_OPENAPI_DIR') or os.path.join(REPO, 'tests', 'data', 'github-openapi')
SPECS = {
    'github.com': ('api.github.com.membership.json', 'https://api.github.com'),
    'ghes': ('ghes-3.19.membership.json', 'http://HOSTNAME'),
}

_ORG_TEAM_ID = re.compile(r'^/organizations/(\d+)/team/(\d+)(/.*)?$')
_ORG_ID = re.compile(r'^/organizations/(\d+)(/.*)?$')
_LEGACY_TEAM = re.compile(r'^/teams/(\d+)(/.*)?$')
APP_TOKEN_EXCHANGE = re.compile(r'^/app/installations/[1-9][0-9]*/access_tokens$')
IDP_GROUPS = re.compile(r'^(/orgs/[^/]+/teams/[^/]+|/organizations/\d+/team/\d+)/(team-sync/group-mappings|external-groups)$')


# Operations the shared extract lacks, from the same source (see openapi/README.md).
SUPPLEMENTS = {
    'github.com': ('api.github.com.users.json', 'api.github.com.clients.json'),
    'ghes': ('ghes-3.19.users.json', 'ghes-3.19.clients.json'),
}
SUPPLEMENT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'openapi')


@functools.cache
def openapi(flavour):
    name, _dummy = SPECS[flavour]
    with open(os.path.join(SPEC_DIR, name)) as handle:
        spec = json.load(handle)
    for supplement in SUPPLEMENTS[flavour]:
        with open(os.path.join(SUPPLEMENT_DIR, supplement)) as handle:
            extra = json.load(handle)
        for path, item in extra['paths'].items():
            spec['paths'].setdefault(path, item)
        for section, items in extra['components'].items():
            for key, value in items.items():
                spec.setdefault('components', {}).setdefault(section, {}).setdefault(key, value)
    return OpenAPI.from_dict(spec)


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
    if match and re.match(r'^/members/[^/]+$', match.group(3) or ''):
        # the legacy team-member route is described only as /teams/{team_id}/members/{username}
        return '/teams/%s%s' % (match.group(2), match.group(3))
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
    if exchange.method == 'POST' and APP_TOKEN_EXCHANGE.match(path):
        return validate_app_token_exchange(exchange, flavour)
    if IDP_GROUPS.match(path):
        return validate_idp_groups_exchange(exchange)
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


# GitHub's "Create an installation access token for an app": the optional request body, the
# ``installation-token`` schema of the 201 answer, and the documented error statuses.
APP_TOKEN_REQUEST_FIELDS = frozenset(('repositories', 'repository_ids', 'permissions'))
APP_TOKEN_FIELDS = {
    'token': str,
    'expires_at': str,
    'permissions': dict,
    'repository_selection': str,
    'repositories': list,
    'single_file': str,
    'has_multiple_single_files': bool,
    'single_file_paths': list,
}
APP_TOKEN_REQUIRED = ('token', 'expires_at')
APP_TOKEN_ERRORS = (401, 403, 404, 422)
_DATE_TIME = re.compile(r'^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$')


def validate_app_token_exchange(exchange, flavour='github.com'):
    """Check one token exchange by hand (the description extract does not have it)."""
    problems = []
    headers = exchange.request_headers
    if 'authorization' not in headers:
        problems.append('request: no Authorization header (the app\'s JWT)')
    if headers.get('accept') != 'application/vnd.github+json':
        problems.append('request: Accept is %r' % headers.get('accept'))
    if not headers.get('x-github-api-version'):
        problems.append('request: no X-GitHub-Api-Version header')
    if exchange.request_body:
        try:
            body = json.loads(exchange.request_body)
        except ValueError:
            body = None
        if not isinstance(body, dict) or set(body) - APP_TOKEN_REQUEST_FIELDS:
            problems.append('request: the body must be a JSON object of %s' % sorted(APP_TOKEN_REQUEST_FIELDS))
    if exchange.status and exchange.fault is None:
        try:
            data = json.loads(exchange.response_body or b'null')
        except ValueError:
            data = None
        if exchange.status == 201:
            problems.extend('response 201: %s' % p for p in _installation_token_problems(data))
        elif exchange.status in APP_TOKEN_ERRORS:
            try:
                OAS30Validator(openapi_schemas(flavour)['basic-error']).validate(data)
            except Exception as exc:
                problems.append('response %s: not a basic-error: %s' % (exchange.status, exc))
        else:
            problems.append('response: status %s is not documented for this operation' % exchange.status)
    if problems:
        raise AssertionError('%s %s does not fit GitHub\'s installation token operation: %s' % (
            exchange.method, exchange.path, '; '.join(problems)))


def _installation_token_problems(data):
    if not isinstance(data, dict):
        return ['not a JSON object']
    problems = ['%s is missing' % name for name in APP_TOKEN_REQUIRED if name not in data]
    for name, value in data.items():
        kind = APP_TOKEN_FIELDS.get(name)
        if kind is None:
            problems.append('unknown field %s' % name)
        elif not isinstance(value, kind):
            problems.append('%s is not a %s' % (name, kind.__name__))
    if isinstance(data.get('token'), str) and not data['token']:
        problems.append('token is empty')
    if isinstance(data.get('expires_at'), str) and not _DATE_TIME.match(data['expires_at']):
        problems.append('expires_at is not a date-time: %r' % data['expires_at'])
    if isinstance(data.get('permissions'), dict):
        bad = dict((k, v) for k, v in data['permissions'].items() if v not in ('read', 'write', 'admin'))
        if bad:
            problems.append('permissions must be read, write or admin: %s' % bad)
    if 'repository_selection' in data and data['repository_selection'] not in ('all', 'selected'):
        problems.append('repository_selection is %r' % data['repository_selection'])
    return problems


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


# The documented examples: team-sync {"groups": [{"group_id": "<uuid>", "group_name", "group_description"}]},
# external groups {"groups": [{"group_id": 123, "group_name", "updated_at"}]}.
IDP_GROUP_FIELDS = {'group_id': (str, int), 'group_name': (str,), 'group_description': (str,), 'updated_at': (str,)}


def validate_idp_groups_exchange(exchange):
    """Check a team IdP-groups read by hand (the description extract does not have it)."""
    problems = []
    if exchange.method != 'GET':
        problems.append('only GET is documented here, not %s' % exchange.method)
    if exchange.request_body:
        problems.append('a GET has no body')
    if exchange.status is not None and exchange.fault is None:
        data = json.loads(exchange.response_body) if exchange.response_body else None
        if exchange.status == 200:
            groups = data.get('groups') if isinstance(data, dict) else None
            if not isinstance(groups, list):
                problems.append('200 without a "groups" list')
            for group in groups or []:
                if not isinstance(group, dict) or not {'group_id', 'group_name'} <= set(group):
                    problems.append('a group without group_id and group_name: %r' % (group,))
                    continue
                for name, value in group.items():
                    if name not in IDP_GROUP_FIELDS or not isinstance(value, IDP_GROUP_FIELDS[name]):
                        problems.append('group field %s=%r is not documented' % (name, value))
        elif exchange.status in (403, 404):
            if not (isinstance(data, dict) and isinstance(data.get('message'), str)):
                problems.append('%s without a basic-error body' % exchange.status)
        elif exchange.status not in GENERIC_ERROR_STATUSES:
            problems.append('status %s is not documented' % exchange.status)
    if problems:
        raise AssertionError('GET %s does not fit GitHub\'s documented answer: %s' % (exchange.path, '; '.join(problems)))
