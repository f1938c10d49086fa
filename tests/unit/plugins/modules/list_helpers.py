"""Helpers shared by the tests of the list and info modules."""

from __future__ import annotations

from exact_http import API, call


def users(*logins):
    return [{'login': login, 'id': 1000 + i, 'type': 'User'} for i, login in enumerate(logins)]


def invitation(login, role='direct_member', email=None, failed_reason=None):
    return {'id': 1, 'login': login, 'email': email, 'role': role, 'created_at': '2026-01-01T00:00:00Z',
            'failed_at': '2026-01-08T00:00:00Z' if failed_reason else None, 'failed_reason': failed_reason,
            'inviter': {'login': 'octo-admin'}, 'team_count': 0,
            'node_id': 'x', 'invitation_teams_url': 'x', 'invitation_source': 'member'}


def paged(path, query, pages, next_path=None):
    """One expected GET per page of a list endpoint, each but the last with a ``Link: rel="next"``
    (absolute, on ``next_path`` like GitHub's ``/organizations/{id}/...`` routes)."""
    calls = []
    pages = list(pages) or [[]]
    next_path = next_path or path
    for number, page in enumerate(pages, 1):
        headers = None
        page_query = dict(query, per_page='100')
        if number < len(pages):
            link_query = '&'.join('%s=%s' % kv for kv in sorted(dict(page_query, page=str(number + 1)).items()))
            headers = {'Link': '<%s%s?%s>; rel="next"' % (API, next_path, link_query)}
        if number == 1:
            calls.append(call('GET', path, 200, page, headers=headers, query=page_query))
        else:
            calls.append(call('GET', next_path, 200, page, headers=headers, query=dict(page_query, page=str(number))))
    return calls


def spy_warnings(monkeypatch):
    """Record every ``AnsibleModule.warn`` text. Whether warnings reach the printed result
    depends on what else the pytest process imported (controller code routes them elsewhere),
    so the tests look at what the module warned, not at the result."""
    from ansible.module_utils.basic import AnsibleModule

    seen = []
    original = AnsibleModule.warn

    def warn(self, warning, *args, **kwargs):
        seen.append(warning)
        return original(self, warning, *args, **kwargs)

    monkeypatch.setattr(AnsibleModule, 'warn', warn)
    return seen


def immediate_read(slug, maintainers=(), members=(), org='acme'):
    """The one GraphQL call that reads the immediate members of team ``slug`` (one page), and
    GitHub's answer (``members(membership: IMMEDIATE)``: edges with the team role)."""
    from ansible_collections.gitops.github.plugins.module_utils._org_reader import follow_up_query

    from exact_http import call

    edges = [{'role': 'MAINTAINER', 'node': {'login': login}} for login in maintainers]
    edges += [{'role': 'MEMBER', 'node': {'login': login}} for login in members]
    answer = {'data': {'organization': {'t0': {'members': {
        'totalCount': len(edges), 'pageInfo': {'hasNextPage': False, 'endCursor': None}, 'edges': edges}}},
        'rateLimit': {'cost': 1, 'remaining': 4999, 'resetAt': '2026-12-01T00:00:00Z'}}}
    return call('POST', '/graphql', 200, answer,
                request_json={'query': follow_up_query(1), 'variables': {'org': org, 's0': slug, 'c0': None}})
