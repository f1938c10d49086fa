"""Issue 18, class 8 (reads that never end), through real ansible-playbook.

A GraphQL connection that answers ``hasNextPage: true`` with a cursor it already gave, or pages on
past what its ``totalCount`` can fill, must fail the read before any write, the way REST's ``Link``
loops already do (``_http.paginate``). Before the fix these reads asked for the same page until
Ansible's task timeout: every task here carries a ``timeout`` of its own (the Ansible keyword), so
on a reader without the limit the test fails on that timeout's message instead of hanging.

The server is :mod:`hostile`: everything but the one misbehaving connection is answered the way
GitHub answers it (REST member lists, empty invitations, GraphQL ``data`` with ``rateLimit``).
"""

from __future__ import annotations

import base64
import json

import pytest

from harness import fake_token
from hostile import Answer, HostileServer, users

TOKEN = fake_token()
TASK_TIMEOUT = 40  # seconds; a read that loops is stopped by Ansible after this
ORG = 'acme'
MEMBERS = ['m%03d' % i for i in range(150)]


def cursor(index):
    """GitHub's cursors are opaque base64 strings ("Y3Vyc29yOnYyOpHOAAM7mw==" in its docs)."""
    return base64.b64encode(b'cursor:v2:%d' % index).decode()


def members_conn(logins, total, has_next, end):
    return {'totalCount': total, 'pageInfo': {'hasNextPage': has_next, 'endCursor': end},
            'edges': [{'role': 'MEMBER', 'node': {'login': login}} for login in logins]}


def team_node(slug, team_id, members):
    return {'databaseId': team_id, 'slug': slug, 'name': slug.title(), 'description': None, 'privacy': 'VISIBLE',
            'parentTeam': None, 'members': members}


RATE = {'cost': 1, 'remaining': 4990, 'resetAt': '2030-01-01T00:00:00Z'}


def graphql_route(teams_answer, member_answer):
    """``POST /graphql``: the teams query gets ``teams_answer(after)``, a members follow-up (one
    alias ``t0``) gets ``member_answer(after)``."""

    def route(request):
        body = request.json() or {}
        query, variables = body.get('query') or '', body.get('variables') or {}
        if 'teams(first:' in query:
            data = {'organization': {'teams': teams_answer(variables.get('after'))}}
        else:
            data = {'organization': {'t0': {'members': member_answer(variables.get('c0'))}}}
        data['rateLimit'] = RATE
        return Answer(200, {'data': data})

    return route


def org_routes():
    base = '/orgs/%s' % ORG

    def member_list(request):
        return Answer(200, users('octo-admin') if request.query.get('role') == 'admin' else users(*MEMBERS))

    return {
        ('GET', base + '/members'): member_list,
        ('GET', base + '/invitations'): Answer(200, []),
        ('GET', base + '/failed_invitations'): Answer(200, []),
        ('GET', '/user'): Answer(200, {'login': 'octo-admin', 'id': 1, 'type': 'User'}),
    }


def teams_page(nodes, total, has_next, end):
    return {'totalCount': total, 'pageInfo': {'hasNextPage': has_next, 'endCursor': end}, 'nodes': nodes}


PLATFORM_FULL = team_node('platform', 7001, members_conn(MEMBERS[:1], 1, False, cursor(0)))


# -- the scripted misbehaviours ------------------------------------------------------------------

def teams_repeat_cursor(after):
    """Every page of teams says there is more, after the cursor it was asked with."""
    return teams_page([PLATFORM_FULL], 2, True, cursor(0))


def teams_fresh_cursor_forever(after):
    """Each page a new cursor, no teams, always more: only the page count can end it."""
    index = 0 if after is None else int(base64.b64decode(after).split(b':')[-1]) + 1
    return teams_page([PLATFORM_FULL] if after is None else [], 1, True, cursor(index))


def teams_one_big_team(after):
    return teams_page([team_node('platform', 7001, members_conn(MEMBERS[:100], 150, True, cursor(99)))], 1, False,
                      cursor(0))


def members_repeat_cursor(after):
    return members_conn(MEMBERS[100:], 150, True, cursor(99))


def members_endless(after):
    index = int(base64.b64decode(after).split(b':')[-1]) + 1
    return members_conn([], 150, True, cursor(index))


def never(after):  # pragma: no cover - the scenario does not page members
    raise AssertionError('members were not to be paged')


@pytest.fixture
def hostile():
    servers = []

    def start(routes):
        server = HostileServer(routes).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def roster_task():
    return {'name': 'roster', 'timeout': TASK_TIMEOUT, 'ignore_errors': True,
            'gitops.github.github_org_roster': {
                'org': ORG,
                'teams': [{'team': 'platform', 'members': ['m000'], 'exclusive': True, 'max_removals': '100%'}],
                'delete_unlisted_teams': True,
            }}


def graphql_posts(server):
    return server.requests('POST', '/graphql')


def only_reads(server):
    return [w for w in server.writes if w != ('POST', '/graphql')]


def failure(run, name):
    found = [r for r in run.results if r['task'] == name]
    assert found, run.output
    record = found[-1]
    assert record['status'] == 'failed', run.output
    return record['result']


def assert_loop_refused(result, server, what, most_queries):
    message = result.get('msg', '')
    assert 'timed out' not in message.lower(), 'the read looped until the task timeout: %s' % message
    assert what in message and 'refusing to read on' in message, message
    assert only_reads(server) == []
    assert len(graphql_posts(server)) <= most_queries, len(graphql_posts(server))


@pytest.mark.parametrize('teams,members,what,most_queries', [
    (teams_repeat_cursor, never, 'the teams of acme', 2),
    (teams_fresh_cursor_forever, never, 'the teams of acme', 2),
    (teams_one_big_team, members_repeat_cursor, 'the immediate members of team platform', 2),
    (teams_one_big_team, members_endless, 'the immediate members of team platform', 3),
], ids=['team-list-repeats-its-cursor', 'team-list-pages-past-totalCount',
        'team-members-repeat-their-cursor', 'team-members-page-past-totalCount'])
def test_roster_read_that_never_ends_fails_before_any_write(hostile, play, teams, members, what, most_queries):
    routes = org_routes()
    routes[('POST', '/graphql')] = graphql_route(teams, members)
    server = hostile(routes)
    run = play(server, [roster_task()], token=TOKEN, verbosity=2)
    result = failure(run, 'roster')
    assert_loop_refused(result, server, what, most_queries)
    assert 'paging loop' in result['msg'] or 'totalCount' in result['msg']


@pytest.mark.parametrize('members,most_queries', [(members_repeat_cursor, 2), (members_endless, 3)],
                         ids=['repeat-cursor', 'past-totalCount'])
def test_team_membership_info_immediate_members_that_never_end_fail(hostile, play, members, most_queries):
    """github_team_membership_info asks GraphQL for a team's immediate members (read_immediate_members)."""
    base = '/orgs/%s/teams/platform' % ORG

    def first_then(after):
        if after is None:
            return members_conn(MEMBERS[:100], 150, True, cursor(99))
        return members(after)

    def team_members(request):
        return Answer(200, users(*MEMBERS) if request.query.get('role') == 'member' else [])

    routes = {
        ('GET', base + '/members'): team_members,
        ('GET', base + '/invitations'): Answer(200, []),
        ('POST', '/graphql'): graphql_route(never, first_then),
    }
    server = hostile(routes)
    task = {'name': 'info', 'timeout': TASK_TIMEOUT, 'ignore_errors': True,
            'gitops.github.github_team_membership_info': {'org': ORG, 'team': 'platform'}}
    run = play(server, [task], token=TOKEN, verbosity=2)
    result = failure(run, 'info')
    assert_loop_refused(result, server, 'the immediate members of team platform', most_queries)
    assert json.dumps(result).count('m149') == 0  # nothing listed from a read that did not end
