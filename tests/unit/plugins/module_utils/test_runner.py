"""The runner needs only its small host interface, not AnsibleModule: a plain host runs it (the
way issue 21's controller-side action plugin will). Each failure is one line: operation, object,
status, GitHub's message."""

from __future__ import annotations

import pytest

from ansible_collections.gitops.github.plugins.module_utils._http import GitHubError
from ansible_collections.gitops.github.plugins.module_utils._resources import TeamNotFound
from ansible_collections.gitops.github.plugins.module_utils._runner import Runner


class Done(Exception):
    def __init__(self, failed, result):
        super().__init__(result.get('msg'))
        self.failed = failed
        self.result = result


class PlainHost(object):
    """A host with no Ansible in it."""

    def __init__(self, params=None, check_mode=False):
        self.params = params or {}
        self.check_mode = check_mode
        self.diff_mode = False
        self.warnings, self.lines, self.secrets = [], [], []

    def warn(self, text):
        self.warnings.append(text)

    def log(self, line):
        self.lines.append(line)

    def no_log(self, value):
        self.secrets.append(value)

    def fail(self, msg, **result):
        raise Done(True, dict(result, msg=msg))

    def exit(self, **result):
        raise Done(False, result)


class CountingClient(object):
    request_count = 3

    def scrub(self, text):
        return str(text).replace('s3cret', '********')

    def scrub_error(self, error):
        return error

    def secrets(self):
        return []


def run_of(**params):
    host = PlainHost(params)
    return host, Runner(host, CountingClient())


def test_a_failed_request_is_one_line_naming_operation_object_status_and_message():
    _host, run = run_of()
    extra = {}
    with pytest.raises(Done) as exc:
        with run.step('read the members of acme', extra):
            extra['problems'] = []  # read when the step fails, not when it starts
            raise GitHubError('GET', '/orgs/acme/members', 404, 'Not Found')
    assert exc.value.failed
    assert exc.value.result['msg'] == 'read the members of acme: GET /orgs/acme/members returned HTTP 404: Not Found'
    assert exc.value.result['error']['status'] == 404
    assert exc.value.result['problems'] == []


def test_the_identity_provider_policy_marks_a_refused_write():
    _host, run = run_of()
    with pytest.raises(Done) as exc:
        with run.step('add bob to team dev in acme', explain=lambda error: 'the team is managed by your identity provider'):
            raise GitHubError('PUT', '/orgs/acme/teams/dev/memberships/bob', 403, 'Forbidden')
    assert exc.value.result['managed_externally'] is True
    assert exc.value.result['msg'].startswith('add bob to team dev in acme: the team is managed by your identity provider: PUT ')


def test_a_missing_team_fails_with_its_own_message_and_result():
    _host, run = run_of()
    with pytest.raises(Done) as exc:
        with run.step('find team', {'a': 1}, missing={'membership': None}):
            raise TeamNotFound('Team dev in acme was not found')
    assert exc.value.result == {'msg': 'Team dev in acme was not found', 'membership': None}


def test_a_step_that_succeeds_changes_nothing_and_exit_counts_the_requests():
    host, run = run_of(org='acme')
    with run.step('read'):
        value = run.params['org']
    run.progress('read acme')
    run.progress('refused', timed=False)
    with pytest.raises(Done) as exc:
        run.report({'a': 1}, {'a': 2}, True, value=value)
    assert not exc.value.failed
    assert exc.value.result == {'changed': True, 'diff': {'before': {'a': 1}, 'after': {'a': 2}}, 'value': 'acme',
                                'api_requests': 3}
    assert run.lines == host.lines and host.lines[1] == 'refused' and host.lines[0].startswith('read acme (')


def test_an_unexpected_write_error_is_scrubbed():
    _host, run = run_of()
    assert run.error_of(ValueError('token s3cret')) == 'ValueError: token ********'
    error = GitHubError('GET', '/user', 401, 'Bad credentials')
    assert run.error_of(error) is error
