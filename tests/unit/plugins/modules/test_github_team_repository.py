"""github_team_repository: exact requests, with GitHub's recorded and documented answers."""

from __future__ import annotations

import json

import pytest

from ansible_collections.gitops.github.plugins.modules import github_team_repository as team_repo

from exact_http import NOT_FOUND, call, exact_calls
from recordings import exchange

P = '/orgs/acme/teams/platform/repos/acme/widgets'
ARGS = {'org': 'acme', 'team': 'platform', 'repository': 'widgets'}
MEDIA = 'application/vnd.github.v3.repository+json'
TEAM = '/orgs/acme/teams/platform'
ROOT_TEAM = {'id': 7001, 'slug': 'platform', 'parent': None}
CHILD_TEAM = {'id': 7002, 'slug': 'platform', 'parent': {'id': 7000, 'slug': 'eng'}}
PARENT = '/orgs/acme/teams/eng/repos/acme/widgets'


def repo_answer(role_name=None, flags=None):
    """The repository media type's answer: PyGithub's recorded one (team-repos-7: flags only, pull)
    with ``role_name`` / ``permissions`` set as GitHub's OpenAPI example shows them."""
    body = dict(exchange('pygithub:team-repos-7')['body'])
    if flags is not None:
        body['permissions'] = flags
    if role_name is not None:
        body['role_name'] = role_name
    return body


def accepts(mock):
    return [c.request.headers.get('Accept') for c in mock.calls]


@pytest.mark.parametrize('check_mode', [False, True])
def test_add(run_module, check_mode):
    calls = [call('GET', P, 404, NOT_FOUND), call('GET', '/orgs/acme/teams/platform', 200, {'id': 7001, 'slug': 'platform'})]
    if not check_mode:
        calls.append(call('PUT', P, 204, request_json={'permission': 'push'}))
    with exact_calls(calls) as mock:
        result = run_module(team_repo.main, dict(ARGS, permission='push'), check_mode=check_mode)
        sent = accepts(mock)
    assert result['changed'] is True
    assert result['access'] == {'team': 'platform', 'repository': 'acme/widgets', 'permission': 'push'}
    assert result['diff']['before']['permission'] is None
    # The read asks for the repository media type; the other requests keep the client's own.
    assert sent[0] == MEDIA and sent[1:] == ['application/vnd.github+json'] * (len(sent) - 1)


@pytest.mark.parametrize('check_mode', [False, True])
def test_recorded_flags_only_answer_is_read_as_pull_and_converges(run_module, check_mode):
    # PyGithub's recording has no role_name: the highest permission flag decides.
    with exact_calls([call('GET', P, 200, repo_answer())]):
        result = run_module(team_repo.main, dict(ARGS, permission='pull'), check_mode=check_mode)
    assert result['changed'] is False
    assert result['access']['permission'] == 'pull'


@pytest.mark.parametrize('check_mode', [False, True])
def test_update_decides_on_role_name(run_module, check_mode):
    # role_name "write" (GitHub's word) is push: asking maintain changes it.
    flags = {'admin': False, 'maintain': False, 'push': True, 'triage': True, 'pull': True}
    calls = [call('GET', P, 200, repo_answer('write', flags)), call('GET', TEAM, 200, ROOT_TEAM)]
    if not check_mode:
        calls.append(call('PUT', P, 204, request_json={'permission': 'maintain'}))
    with exact_calls(calls):
        result = run_module(team_repo.main, dict(ARGS, permission='maintain'), check_mode=check_mode)
    assert result['changed'] is True
    assert result['diff'] == {'before': {'team': 'platform', 'repository': 'acme/widgets', 'permission': 'push'},
                              'after': {'team': 'platform', 'repository': 'acme/widgets', 'permission': 'maintain'}}


def test_custom_role_compared_case_insensitively(run_module):
    flags = {'admin': False, 'maintain': False, 'push': False, 'triage': False, 'pull': True}
    with exact_calls([call('GET', P, 200, repo_answer('Auditor', flags))]):
        result = run_module(team_repo.main, dict(ARGS, permission='auditor'))
    assert result['changed'] is False and result['access']['permission'] == 'Auditor'


def test_write_alias_is_push(run_module):
    with exact_calls([call('GET', P, 200, repo_answer('write'))]):
        assert run_module(team_repo.main, dict(ARGS, permission='write'))['changed'] is False


@pytest.mark.parametrize('check_mode', [False, True])
def test_absent(run_module, check_mode):
    calls = [call('GET', P, 200, repo_answer('read')), call('GET', TEAM, 200, ROOT_TEAM)]
    if not check_mode:
        calls.append(call('DELETE', P, 204))
    with exact_calls(calls):
        result = run_module(team_repo.main, dict(ARGS, state='absent'), check_mode=check_mode)
    assert result['changed'] is True and result['access']['permission'] is None


@pytest.mark.parametrize('check_mode', [False, True])
def test_absent_idempotent(run_module, check_mode):
    with exact_calls([call('GET', P, 404, NOT_FOUND), call('GET', '/orgs/acme/teams/platform', 200, {'id': 7001})]):
        result = run_module(team_repo.main, dict(ARGS, state='absent'), check_mode=check_mode)
    assert result['changed'] is False


def test_missing_team_fails_naming_it(run_module):
    with exact_calls([call('GET', P, 404, NOT_FOUND), call('GET', '/orgs/acme/teams/platform', 404, NOT_FOUND)]):
        result = run_module(team_repo.main, dict(ARGS, permission='pull'))
    assert result['failed'] is True
    assert 'Team platform in acme was not found' in result['msg']


def test_team_id_route(run_module):
    path = '/organizations/9001/team/7001/repos/acme/widgets'
    with exact_calls([call('GET', '/orgs/acme', 200, {'id': 9001, 'login': 'acme'}),
                      call('GET', path, 404, NOT_FOUND), call('GET', '/organizations/9001/team/7001', 200, {'id': 7001}),
                      call('PUT', path, 204, request_json={'permission': 'admin'})]):
        result = run_module(team_repo.main, {'org': 'acme', 'team_id': 7001, 'repository': 'widgets', 'permission': 'admin'})
    assert result['changed'] is True and result['access']['team'] == '7001'


def test_refused_write_fails_with_githubs_message(run_module):
    # hub4j's recorded 422 for a permission GitHub does not know
    real = exchange('hub4j:add-collaborator-bad-permission')
    with exact_calls([call('GET', P, 404, NOT_FOUND), call('GET', '/orgs/acme/teams/platform', 200, {'id': 7001}),
                      call('PUT', P, real['status'], real['body'], request_json={'permission': 'nonesuch'})]):
        result = run_module(team_repo.main, dict(ARGS, permission='nonesuch'))
    assert result['failed'] is True
    assert 'give team platform in acme nonesuch on repository acme/widgets' in result['msg']
    assert 'HTTP 422' in result['msg'] and real['body']['message'] in result['msg']


@pytest.mark.parametrize('args, words', [
    (dict(ARGS, repository='acme/widgets/x', permission='pull'), 'repository'),
    (dict(ARGS, repository='wid gets', permission='pull'), 'repository'),
    (dict(ARGS, permission=' push'), 'permission'),
    (dict(ARGS), 'permission'),
    (dict(ARGS, team='plat form', permission='pull'), 'team'),
])
def test_bad_input_fails_before_any_request(run_module, args, words):
    with exact_calls([]):
        result = run_module(team_repo.main, args)
    assert result['failed'] is True and words in result['msg']


def test_token_never_in_output(run_module):
    with exact_calls([call('GET', P, 200, repo_answer('admin'))]):
        result = run_module(team_repo.main, dict(ARGS, permission='admin'))
    assert 'ghp_' not in json.dumps(result)


@pytest.mark.parametrize('state, permission', [('absent', None), ('present', 'pull')])
def test_access_through_the_parent_team_is_reported_not_flapped(run_module, state, permission):
    # GitHub's check shows the parent's grant on the child ("Repositories inherited through a
    # parent team will also be checked"): removing it, or lowering it below the parent's, on the
    # child would change nothing GitHub shows.
    # A removal reads the team's own list (GitHub documents the inheritance for the check only):
    # the repository is not on it, so there is no grant of the team's own to remove.
    args = dict(ARGS, state=state)
    calls = [call('GET', P, 200, repo_answer('write')), call('GET', TEAM, 200, CHILD_TEAM),
             call('GET', PARENT, 200, repo_answer('write'))]
    if permission:
        args['permission'] = permission
    else:
        calls.append(call('GET', TEAM + '/repos', 200, [], query={'per_page': '100'}))
    with exact_calls(calls):
        result = run_module(team_repo.main, args)
    assert result['changed'] is False and result['inherited_from'] == 'eng'
    assert any('through its parent team eng' in w for w in result['_warned'])


def listed_repo():
    """PyGithub's recorded list of a team's repositories (team-repos-5), renamed to acme/widgets."""
    item = dict(exchange('pygithub:team-repos-5')['body'][0])
    item.update(name='widgets', full_name='acme/widgets', owner=dict(item['owner'], login='acme'))
    return [item]


@pytest.mark.parametrize('check_mode', [False, True])
def test_own_grant_equal_to_the_parents_is_removed(run_module, check_mode):
    # The team's own list names the repository: the team has a grant of its own, equal to its
    # parent's, which the check cannot tell apart. state: absent removes it (changed), and GitHub
    # goes on showing the parent's access.
    calls = [call('GET', P, 200, repo_answer('write')), call('GET', TEAM, 200, CHILD_TEAM),
             call('GET', PARENT, 200, repo_answer('write')),
             call('GET', TEAM + '/repos', 200, listed_repo(), query={'per_page': '100'})]
    if not check_mode:
        calls.append(call('DELETE', P, 204))
    with exact_calls(calls):
        result = run_module(team_repo.main, dict(ARGS, state='absent'), check_mode=check_mode)
    assert result['changed'] is True and result['inherited_from'] == 'eng'
    assert result['access']['permission'] == 'push'
    assert any('its own grant is removed' in w for w in result['_warned'])


def test_raising_above_the_parent_is_written(run_module):
    with exact_calls([call('GET', P, 200, repo_answer('write')), call('GET', TEAM, 200, CHILD_TEAM),
                      call('GET', PARENT, 200, repo_answer('write')),
                      call('PUT', P, 204, request_json={'permission': 'admin'})]):
        result = run_module(team_repo.main, dict(ARGS, permission='admin'))
    assert result['changed'] is True and 'inherited_from' not in result


def test_own_grant_above_the_parents_is_removed(run_module):
    with exact_calls([call('GET', P, 200, repo_answer('admin')), call('GET', TEAM, 200, CHILD_TEAM),
                      call('GET', PARENT, 404, NOT_FOUND), call('DELETE', P, 204)]):
        result = run_module(team_repo.main, dict(ARGS, state='absent'))
    assert result['changed'] is True
