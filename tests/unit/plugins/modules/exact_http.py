"""Replay an exact, ordered list of expected HTTP calls: any other request, or one missing, fails."""

from __future__ import annotations

import contextlib
import json

import responses
from responses import matchers
from responses.registries import OrderedRegistry

API = 'https://api.github.com'


def call(method, path, status=200, body=None, request_json=None, headers=None, query=None):
    """One expected call: ``request_json`` is the exact body we must send (``None``: no body)."""
    return dict(method=method, path=path, status=status, body=body, request_json=request_json, headers=headers, query=query)


@contextlib.contextmanager
def exact_calls(calls, api=API):
    with responses.RequestsMock(assert_all_requests_are_fired=True, registry=OrderedRegistry) as mock:
        for spec in calls:
            match = []
            if spec['request_json'] is not None:
                match.append(matchers.json_params_matcher(spec['request_json']))
            elif spec['method'] in ('PUT', 'DELETE', 'PATCH', 'POST'):
                match.append(matchers.header_matcher({'Content-Length': '0'}))
            if spec['query'] is not None:
                match.append(matchers.query_param_matcher(spec['query']))
            kwargs = {}
            if spec['body'] is not None:
                kwargs['body'] = json.dumps(spec['body'])
                kwargs['content_type'] = 'application/json'
            mock.add(spec['method'], api + spec['path'], status=spec['status'], headers=spec['headers'],
                     match=match, **kwargs)
        yield mock


def org_membership(login, state='active', role='member', org='acme'):
    return {
        'url': '%s/orgs/%s/memberships/%s' % (API, org, login),
        'state': state,
        'role': role,
        'organization_url': '%s/orgs/%s' % (API, org),
        'organization': {'login': org, 'id': 9001},
        'user': {'login': login, 'id': 1},
    }


NOT_FOUND = {'message': 'Not Found', 'documentation_url': 'https://docs.github.com/rest'}


def warning_texts(result):
    """What the module passed to ``AnsibleModule.warn`` (recorded by the ``run_module`` fixture)."""
    return list(result['_warned'])
