"""Real GitHub answers from tests/data/recordings/ (see its README for sources and licences).

``exchange(id)`` gives one exchange as ``{id, source, method, path, status, headers, body}`` with
lower-case header names; ids are ``octokit:<scenario>:<n>`` for @octokit/fixtures recordings,
``hub4j:<name>`` and ``pygithub:<name>`` for the exchanges of client-library-recordings.json (each
with its ``file`` in the library's repository, its ``commit`` and ``licence``), and the ``id`` of an
entry of quoted.json otherwise.
"""

from __future__ import annotations

import json
import os
from functools import cache

DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'data', 'recordings')
OCTOKIT_VERSION = '23.1.2'


def _load(name):
    with open(os.path.join(DIR, name), encoding='utf-8') as handle:
        return json.load(handle)


@cache
def octokit(scenario):
    """The exchanges of one @octokit/fixtures scenario, in recorded order."""
    out = []
    for index, raw in enumerate(_load(os.path.join('octokit-fixtures', scenario + '.json'))):
        out.append({
            'id': 'octokit:%s:%d' % (scenario, index),
            'source': '@octokit/fixtures %s scenarios/api.github.com/%s' % (OCTOKIT_VERSION, scenario),
            'method': raw['method'].upper(),
            'path': raw['path'],
            'status': raw['status'],
            'headers': {k.lower(): str(v) for k, v in (raw.get('headers') or {}).items()},
            'body': raw.get('response'),
            'request_body': raw.get('body'),
        })
    return out


@cache
def _quoted():
    data = _load('quoted.json')
    return {e['id']: e for e in data['quoted'] + data['documented']}


@cache
def _libraries():
    out = {}
    for data in _load('client-library-recordings.json').values():
        for raw in data['exchanges']:
            entry = dict(raw)
            entry['source'] = '%s %s@%s (%s)' % (data['repository'], raw['file'], data['commit'][:12], data['licence'])
            entry['headers'] = {k.lower(): str(v) for k, v in (raw.get('headers') or {}).items()}
            out[raw['id']] = entry
    return out


def library_ids(prefix=''):
    return [i for i in _libraries() if i.startswith(prefix)]


def exchange(ident):
    """One real exchange by id (see the module docstring)."""
    if ident.startswith(('hub4j:', 'pygithub:')):
        return dict(_libraries()[ident])
    if ident.startswith('octokit:'):
        _dummy, scenario, index = ident.split(':')
        return octokit(scenario)[int(index)]
    entry = dict(_quoted()[ident])
    request = entry.pop('request', {}) or {}
    entry.update(method=request.get('method'), path=request.get('path'))
    entry['headers'] = {k.lower(): str(v) for k, v in (entry.get('headers') or {}).items()}
    return entry


def quoted_ids(prefix=''):
    return [i for i in _quoted() if i.startswith(prefix)]


def message(ident, **fill):
    """GitHub's ``message`` in a quoted exchange, with ``{placeholders}`` filled in."""
    text = exchange(ident)['body']['message']
    return text.format(**fill) if fill else text


@cache
def openapi_examples():
    return _load('github-openapi-examples.json')
