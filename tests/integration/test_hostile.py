"""Issue 10 through real ansible-playbook: servers that misbehave, inputs a careless user gives.

A member list that is not a list, a Link loop, trickled answers, absurd rate-limit headers, a token
with a trailing newline, logins YAML turned into numbers, the last owner, impossible additions in
check mode and a bad api_url: each must end in a clean, truthful failure (or a truthful report)
before any write it cannot justify. Every run is at -vvvv and checked for the token by the harness.
"""

from __future__ import annotations

import time

import pytest
import yaml

from ansible_collections.gitops.github.plugins.module_utils._http import GitHubClient, GitHubError

from harness import OWNER_TOKEN, ansible_playbook, fake_token, writes
from hostile import Answer, HostileServer, org_routes, users

TOKEN = fake_token()


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


def members_task(name='list', **args):
    values = {'org': 'acme', 'members': [{'username': 'octo-admin', 'role': 'admin'}], 'exclusive': True,
              'max_removals': '100%'}
    values.update(args)
    return {'name': name, 'gitops.github.github_org_members': values, 'ignore_errors': True}


def task_result(outcome, name):
    """The result of task ``name``, with ``failed`` and ``seconds`` (how long the task took)."""
    records = [r for r in outcome.results if r['task'] == name]
    assert records, outcome.output
    result = dict(records[-1]['result'])
    result['failed'] = records[-1]['status'] == 'failed'
    result['seconds'] = records[-1]['seconds']
    return result


def run(play, server, tasks, **kwargs):
    kwargs.setdefault('verbosity', 4)
    return play(server, tasks, token=kwargs.pop('token', TOKEN), **kwargs)


# -- class 3: reads that are not what they seem -------------------------------------------------

@pytest.mark.parametrize('page', [
    Answer(200, {'message': 'Server Error'}),
    Answer(200, b'<html><body>Proxy authentication required</body></html>', {'Content-Type': 'text/html'}),
    Answer(200, ['alice', 'bob']),
    Answer(200, [{'id': 3}]),
], ids=['error-object', 'html-page', 'list-of-strings', 'user-without-login'])
def test_member_page_of_the_wrong_shape_fails_before_any_write(hostile, play, page):
    routes = org_routes()
    normal = routes[('GET', '/orgs/acme/members')]
    routes[('GET', '/orgs/acme/members')] = lambda request: page if request.query.get('role') == 'member' else normal(request)
    server = hostile(routes)
    result = task_result(run(play, server, [members_task()]), 'list')
    assert result['failed'] is True
    assert 'read the members of acme' in result['msg']
    assert server.writes == []


def test_link_loop_fails_after_reading_each_page_once(hostile, play):
    routes = org_routes()
    loop = {}

    def member_list(request):
        if request.query.get('role') == 'admin':
            return Answer(200, users('octo-admin'))
        page = request.query.get('page', '1')
        target = '2' if page == '1' else '1'  # page 2 points back to page 1
        link = '<%s/orgs/acme/members?role=member&per_page=100&page=%s>; rel="next"' % (loop['url'], target)
        return Answer(200, users('user%s' % page), {'Link': link})

    routes[('GET', '/orgs/acme/members')] = member_list
    server = hostile(routes)
    loop['url'] = server.api_url
    result = task_result(run(play, server, [members_task()]), 'list')
    assert result['failed'] is True
    assert 'pagination loop' in result['msg']
    assert len(server.requests('GET', '/orgs/acme/members')) == 3  # admins, page 1, page 2; never page 1 again
    assert server.writes == []


# -- class 6: time that is not bounded ----------------------------------------------------------

@pytest.mark.parametrize('trickle', ['head', 'body'])
def test_trickled_answer_ends_the_request_in_about_timeout_seconds(hostile, trickle):
    body = users('octo-admin') * 50
    answer = Answer(200, body, trickle_head=0.2 if trickle == 'head' else None,
                    trickle_body=0.2 if trickle == 'body' else None)
    server = hostile({('GET', '/orgs/acme/members'): answer})
    client = GitHubClient(api_url=server.api_url, token=TOKEN, timeout=2, write_delay=0)
    started = time.monotonic()
    with pytest.raises(GitHubError) as info:
        client.get_all('/orgs/acme/members')
    elapsed = time.monotonic() - started
    assert 'timed out' in str(info.value)
    assert 1.5 <= elapsed < 4, elapsed
    assert len(server.log) == 1  # a trickle is not retried


def test_trickled_page_fails_the_task_within_timeout(hostile, play):
    routes = org_routes()
    routes[('GET', '/orgs/acme/invitations')] = Answer(200, [], trickle_head=0.3)
    server = hostile(routes)
    result = task_result(run(play, server, [members_task(timeout=2)]), 'list')
    assert result['failed'] is True
    assert 'timed out' in result['msg']
    # The trickle alone would last ~40 s (about 130 header bytes at 0.3 s); the task, with its
    # module start-up and the reads before it, takes about timeout.
    assert result['seconds'] < 6, result['seconds']
    assert server.writes == []


# -- classes 6 and 7: an absurd retry-after in the middle of a run; the result tells the truth ----

@pytest.mark.parametrize('retry_after', ['1e20', '-5', 'nan', '99999999999999999999999'])
def test_absurd_retry_after_on_a_write_midway_reports_what_was_done(hostile, play, retry_after):
    routes = org_routes(members=('alice', 'bob'))
    routes[('DELETE', '/orgs/acme/memberships/bob')] = Answer(
        429, {'message': 'You have exceeded a secondary rate limit.'}, {'Retry-After': retry_after})
    server = hostile(routes)
    result = task_result(run(play, server, [members_task(rate_limit_max_wait=0)]), 'list')
    assert result['failed'] is True
    assert 'secondary rate limit' in result['msg']
    assert 'out of range' not in result['msg'] and 'Traceback' not in str(result)
    assert result['changed'] is True
    assert result['removed'] == ['alice']
    assert ('DELETE', '/orgs/acme/memberships/alice') in server.writes
    # No burst: with nothing to wait (rate_limit_max_wait=0), the limited write is sent once.
    assert len(server.requests('DELETE', '/orgs/acme/memberships/bob')) == 1


def test_delete_answering_404_counts_as_done(hostile, play):
    routes = org_routes(members=('alice', 'bob'))
    routes[('DELETE', '/orgs/acme/memberships/alice')] = Answer(404, {'message': 'Not Found'})
    server = hostile(routes)
    result = task_result(run(play, server, [members_task()]), 'list')
    assert result.get('failed') is not True, result
    assert result['changed'] is True
    assert result['removed'] == ['alice', 'bob']


# -- class 5: secrets in error paths ------------------------------------------------------------

@pytest.mark.parametrize('suffix', ['\n', '\r\n', ' ', '\t'])
def test_token_with_whitespace_fails_before_any_request_without_showing_it(hostile, play, suffix):
    server = hostile(org_routes())
    bad = fake_token() + suffix
    runs = [run(play, server, [members_task()], token=bad),
            run(play, server, [members_task(token=bad)], token=None)]
    for outcome in runs:
        result = task_result(outcome, 'list')
        assert result['failed'] is True
        assert 'whitespace or control characters' in result['msg']
        text = outcome.stdout + outcome.stderr
        assert bad.strip() not in text and bad.strip()[:20] not in text
    assert server.log == []


# -- class 2: logins YAML turned into something else --------------------------------------------

@pytest.mark.parametrize('task', [
    {'gitops.github.github_org_members': {'org': 'acme', 'members': [{'username': 83}]}},
    {'gitops.github.github_org_membership': {'org': 'acme', 'username': True}},
    {'gitops.github.github_team_members': {'org': 'acme', 'team': 'platform', 'members': ['alice', 83]}},
], ids=['list-module-number', 'membership-boolean', 'team-list-number'])
def test_non_string_login_fails_before_any_request_asking_to_quote_it(hostile, play, task):
    server = hostile(org_routes())
    result = task_result(run(play, server, [dict(task, name='t', ignore_errors=True)]), 't')
    assert result['failed'] is True
    assert 'must be a string' in result['msg'] and 'quote it' in result['msg']
    assert server.log == []


# -- class 4: the last owner --------------------------------------------------------------------

def test_only_pending_owner_listed_cannot_remove_the_last_active_owner(hostile, play):
    # The token's own user is allowed to go (allow_self), and the list's only owner is invited:
    # without min_owners the run would leave the organization with no active owner.
    routes = org_routes(admins=('octo-admin',), members=('alice',),
                        invitations=[{'id': 1, 'login': 'new-hire', 'role': 'admin', 'email': None}])
    server = hostile(routes)
    task = members_task(members=[{'username': 'new-hire', 'role': 'admin'}, {'username': 'alice'}], allow_self=True)
    result = task_result(run(play, server, [task]), 'list')
    assert result['failed'] is True
    assert 'min_owners=1' in result['msg'] and 'octo-admin' in result['msg']
    assert server.writes == []


# -- class 9: api_url ---------------------------------------------------------------------------

@pytest.mark.parametrize('suffix', ['/?x=1', '/#top', '/a b', '/api/../v3', ':99999'])
def test_bad_api_url_fails_before_any_request(hostile, play, suffix):
    server = hostile(org_routes())
    outcome = run(play, server, [members_task()], module_defaults={'api_url': server.api_url + suffix})
    result = task_result(outcome, 'list')
    assert result['failed'] is True
    assert result['msg'].startswith('api_url')
    assert server.log == []


# -- class 8: check mode that promises what cannot be done --------------------------------------

def test_check_mode_reports_unknown_logins_and_organizations_as_problems(hostile, play):
    routes = org_routes()
    routes[('GET', '/users/new-hire')] = Answer(200, users('new-hire')[0])
    routes[('GET', '/users/some-org')] = Answer(200, {'login': 'some-org', 'id': 5, 'type': 'Organization'})
    # /users/ghost is not routed: 404
    server = hostile(routes)
    members = [{'username': u} for u in ('alice', 'bob', 'new-hire', 'ghost', 'some-org')]
    members[0]['role'] = 'member'
    task = members_task(members=[{'username': 'octo-admin', 'role': 'admin'}] + members, exclusive=False)
    result = task_result(run(play, server, [task], check=True), 'list')
    assert result['changed'] is True
    assert result['added'] == ['new-hire']
    assert [p['login'] for p in result['problems']] == ['ghost', 'some-org']
    assert 'organization' in result['problems'][1]['problem']
    assert 'ghost' not in result['diff']['after']
    assert [r.path for r in server.requests('GET') if r.path.startswith('/users/')] == [
        '/users/ghost', '/users/new-hire', '/users/some-org']
    assert server.writes == []


def test_check_mode_without_additions_looks_up_nobody(hostile, play):
    server = hostile(org_routes())
    task = members_task(members=[{'username': 'octo-admin', 'role': 'admin'}, {'username': 'alice'}, {'username': 'bob'}])
    result = task_result(run(play, server, [task], check=True), 'list')
    assert result['changed'] is False and result['problems'] == []
    assert not [r for r in server.log if r.path.startswith('/users/')]


def test_drift_report_lists_impossible_additions_apart(sim, collections_path, tmp_path):
    data = {'membership_orgs': [{'org': 'acme', 'owners': ['octo-admin', 'erin'],
                                 'members': ['alice', 'bob', 'carol', 'Mixed-Case', 'dave', 'no-such-user']}]}
    vars_file = tmp_path / 'membership.yml'
    vars_file.write_text(yaml.safe_dump(data))
    env = {'GITHUB_TOKEN': OWNER_TOKEN, 'GITHUB_API_URL': sim.api_url}
    outcome = ansible_playbook(collections_path, ['gitops.github.drift', '-e', 'membership_file=%s' % vars_file,
                                                  '-e', 'fail_on_drift=true', '-vvvv'], str(tmp_path), env)
    assert outcome.rc == 0, outcome.output  # not drift: the job stays green
    report = yaml.safe_load((tmp_path / 'membership-drift.json').read_text())
    assert report['drift'] is False
    assert report['summary']['problems'] == 1
    assert report['problems'][0]['login'] == 'no-such-user' and report['problems'][0]['target'] == 'acme'
    assert 'Cannot be applied' in (tmp_path / 'membership-drift.md').read_text()
    assert writes(sim) == []


# -- class 1: booleans that are strings, through the role ---------------------------------------

@pytest.mark.parametrize('how', ['quoted', 'extra-var'])
def test_role_exclusive_false_as_a_string_removes_nobody(sim, collections_path, tmp_path, how):
    seed_members = ['alice', 'bob', 'carol', 'Mixed-Case']
    org = {'org': 'acme', 'owners': ['octo-admin', 'erin'], 'members': ['alice'], 'exclusive': 'false',
           'allow_self': 'no'}
    if how == 'extra-var':
        org['exclusive'] = '{{ exclusive }}'
    vars_file = tmp_path / 'membership.yml'
    vars_file.write_text(yaml.safe_dump({'membership_orgs': [org]}))
    env = {'GITHUB_TOKEN': OWNER_TOKEN, 'GITHUB_API_URL': sim.api_url}
    args = ['gitops.github.apply', '-e', 'membership_file=%s' % vars_file, '-e', 'exclusive=false']
    outcome = ansible_playbook(collections_path, args, str(tmp_path), env)
    if how == 'extra-var':
        # The engine reads the file as data and never templates it (a file from a pull request
        # must not run Jinja on the controller): the expression is refused, naming the key.
        assert outcome.rc != 0
        assert "acme: exclusive must be a boolean (true/false, yes/no), got '{{ exclusive }}'" in outcome.output
        assert sim.log == []
        return
    assert outcome.rc == 0, outcome.output
    assert sorted(sim.state.org_members('acme'), key=str.lower) == sorted(
        ['octo-admin', 'erin'] + seed_members, key=str.lower)
    assert writes(sim) == []


def test_role_boolean_that_is_no_boolean_fails_naming_the_key(sim, collections_path, tmp_path):
    vars_file = tmp_path / 'membership.yml'
    vars_file.write_text(yaml.safe_dump({'membership_orgs': [
        {'org': 'acme', 'owners': ['octo-admin'], 'teams': [{'team': 'platform', 'exclusive': 'maybe'}]}]}))
    env = {'GITHUB_TOKEN': OWNER_TOKEN, 'GITHUB_API_URL': sim.api_url}
    outcome = ansible_playbook(collections_path, ['gitops.github.apply', '-e', 'membership_file=%s' % vars_file],
                               str(tmp_path), env)
    assert outcome.rc != 0
    failed = [r['result'].get('msg', '') for r in outcome.results if r['status'] == 'failed']
    # The role's argument spec (or, past it, membership_problems) names the key and where it is.
    # With membership_file the engine's whole-file check names it: exclusive of team platform of acme.
    assert failed and 'exclusive' in failed[0] and 'team' in failed[0] and 'boolean' in failed[0], failed
    assert writes(sim) == [] and not [e for e in sim.log if e.path.startswith('/orgs')]


def test_installation_token_with_a_newline_fails_cleanly_and_no_secret_shows_at_vvvv(hostile, play):
    from ghsim import generate_app_key
    private_pem, _public = generate_app_key()
    leaked = 'ghs_' + fake_token('')[:36]
    routes = org_routes()
    routes[('POST', '/app/installations/34/access_tokens')] = Answer(
        201, {'token': leaked + '\n', 'expires_at': '2099-01-01T00:00:00Z'})
    server = hostile(routes)
    outcome = run(play, server, [members_task()], token=None,
                  module_defaults={'app_id': '12', 'app_installation_id': 34, 'app_private_key': private_pem})
    result = task_result(outcome, 'list')
    assert result['failed'] is True
    assert 'could not authenticate as GitHub App 12' in result['msg'] and 'not shown' in result['msg']
    text = outcome.stdout + outcome.stderr + str(outcome.results)
    assert leaked not in text
    # The harness has already searched the output for every line of the key given in module_defaults.
    assert [r.path for r in server.log] == ['/app/installations/34/access_tokens']
