"""The controller path of github_org_roster (issue 21): the one rule that decides where a task runs,
a membership file's entry as the task's options, and the controller's host for the runner (the
module's result shape, its validation messages, secrets masked everywhere, progress as it happens).
The engine itself runs here against the in-process simulator."""

from __future__ import annotations

import pytest

from ansible.module_utils.common.parameters import remove_values

from ansible_collections.gitops.github.plugins.action import github_org_roster as action
from ansible_collections.gitops.github.plugins.plugin_utils import _controller as controller
from ansible_collections.gitops.github.plugins.plugin_utils._controller import (
    ControllerHost,
    EngineError,
    Finished,
    choose_engine,
    file_entry_args,
    org_names,
    run_controller,
    unknown_keys,
)

TOKEN = 'ghp_controller_unit_token_0123456789abcd'


# -- the rule ---------------------------------------------------------------------------------------

@pytest.mark.parametrize('connection', ['local', 'ansible.builtin.local', 'ansible.legacy.local'])
def test_a_local_connection_runs_the_engine_on_the_controller(connection):
    assert choose_engine(connection) == 'controller'
    assert choose_engine(connection, 'auto', has_requests=True) == 'controller'
    assert choose_engine(connection, '') == 'controller'


@pytest.mark.parametrize('connection', ['ssh', 'ansible.builtin.ssh', 'paramiko', 'community.docker.docker', ''])
def test_any_other_connection_runs_the_module(connection):
    assert choose_engine(connection) == 'module'
    assert choose_engine(connection, 'module') == 'module'


def test_without_requests_on_the_controller_auto_runs_the_module():
    assert choose_engine('local', 'auto', has_requests=False) == 'module'


def test_the_variable_overrides_the_rule_and_is_checked():
    assert choose_engine('local', 'module') == 'module'
    assert choose_engine('local', 'controller') == 'controller'
    with pytest.raises(EngineError, match='gitops_github_engine=controller needs a local connection .*over ssh'):
        choose_engine('ssh', 'controller')
    with pytest.raises(EngineError, match="gitops_github_engine must be one of auto, controller, module, got 'fast'"):
        choose_engine('local', 'fast')


def test_the_connection_name_comes_from_the_plugin():
    class Local(object):
        _load_name = 'ansible.builtin.local'
        transport = 'local'

    class Old(object):
        transport = 'ssh'

    assert controller.connection_name(Local()) == 'ansible.builtin.local'
    assert controller.connection_name(Old()) == 'ssh'
    assert choose_engine(controller.connection_name(Local())) == 'controller'


def test_the_action_plugin_is_the_rule_and_the_controller_run():
    assert action.choose_engine is choose_engine and action.run_controller is run_controller


# -- a membership file's entry ---------------------------------------------------------------------

ORGS = [{'org': 'Acme', 'owners': ['octo-admin'], 'members': ['alice'], 'exclusive': True},
        {'org': 'other-org', 'teams': [{'team': 'platform', 'members': ['bob']}]}]


def test_the_entry_of_the_org_in_any_case_gives_the_options():
    options, from_file = file_entry_args({'org': 'acme', 'membership_file': 'm.yml', 'write_delay': 0}, ORGS, 'm.yml')
    assert options == {'org': 'acme', 'write_delay': 0, 'owners': ['octo-admin'], 'members': ['alice'],
                       'exclusive': True}
    assert sorted(from_file) == ['exclusive', 'members', 'owners']


def test_a_missing_org_names_the_file_and_the_org():
    with pytest.raises(EngineError, match=r'membership_file m.yml has no entry for the organization nope '
                                          r'\(its organizations: Acme, other-org\)'):
        file_entry_args({'org': 'nope', 'membership_file': 'm.yml'}, ORGS, 'm.yml')
    with pytest.raises(EngineError, match='membership_file needs org'):
        file_entry_args({'membership_file': 'm.yml'}, ORGS, 'm.yml')


def test_an_option_in_the_task_and_in_the_entry_fails():
    with pytest.raises(EngineError, match='exclusive, members set both in the task and in the entry of acme'):
        file_entry_args({'org': 'acme', 'members': [], 'exclusive': False}, ORGS, 'm.yml')


def test_org_names_in_order_and_refused_twice_or_missing():
    assert org_names('m.yml', ORGS) == ['Acme', 'other-org']
    with pytest.raises(EngineError, match='organization acme is listed twice'):
        org_names('m.yml', ORGS + [{'org': 'acme'}])
    with pytest.raises(EngineError, match=r'membership_orgs\[0\] has no org'):
        org_names('m.yml', [{'owners': []}])


def test_unknown_keys_of_entries_and_teams_are_named():
    problems = unknown_keys([{'org': 'acme', 'ownerz': []}, {'org': 'b', 'teams': [{'team': 't', 'membrs': []}]}])
    assert len(problems) == 2
    assert problems[0].startswith('membership_orgs[0] (acme): unknown key(s) ownerz')
    assert problems[1].startswith('membership_orgs[1] (b) teams[0]: unknown key(s) membrs')
    assert unknown_keys(ORGS) == []


# -- the host --------------------------------------------------------------------------------------

def test_the_host_ends_a_run_like_exit_json_and_fail_json():
    host = ControllerHost({'org': 'acme'}, check_mode=True, diff_mode=True)
    assert host.check_mode is True and host.diff_mode is True
    with pytest.raises(Finished) as ended:
        host.exit(changed=False, api_requests=3)
    assert ended.value.result == {'changed': False, 'api_requests': 3}
    with pytest.raises(Finished) as ended:
        host.fail('boom', changes=[], exception='Traceback ...')
    assert ended.value.result == {'failed': True, 'msg': 'boom', 'changes': []}


def test_the_host_masks_every_secret_in_results_and_progress_lines():
    shown = []
    host = ControllerHost({}, show=shown.append, secrets={TOKEN})
    host.no_log('')  # an empty value masks nothing
    host.no_log('env-token-value-0123456789')
    host.log('read acme with %s and env-token-value-0123456789' % TOKEN)
    host.warn('warned %s' % TOKEN)
    result = host.result({'changed': False, 'msg': 'a %s b' % TOKEN, 'public': None, 'nested': [{'t': TOKEN}]},
                         {'token': TOKEN, 'org': 'acme'})
    text = repr(result) + repr(shown)
    assert TOKEN not in text and 'env-token-value-0123456789' not in text
    assert shown == ['read acme with ******** and ********']
    assert result['changed'] is False and result['public'] is None  # booleans and None kept as they are
    assert result['warnings'] == ['warned ********']
    assert result['invocation'] == {'module_args': {'token': 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER', 'org': 'acme'}}
    assert result == remove_values(result, {TOKEN})


def test_a_no_log_task_prints_no_progress():
    host = ControllerHost({}, show=None)
    host.log('read acme')  # nothing to print to, nothing raised


# -- the whole run, on the controller --------------------------------------------------------------

def test_bad_options_fail_with_the_modules_own_messages():
    result = run_controller({'org': 'acme', 'token': TOKEN, 'ownerz': ['bob']})
    assert result['failed'] is True
    assert result['msg'].startswith('Unsupported parameters for (gitops.github.github_org_roster) module: ownerz. '
                                    'Supported parameters include:')
    result = run_controller({'org': 'acme', 'token': TOKEN, 'min_owners': 'many'})
    assert result['failed'] is True and "min_owners" in result['msg'] and "'many'" in result['msg']
    result = run_controller({'token': TOKEN})
    assert result == dict(result, failed=True, msg='missing required arguments: org')
    assert TOKEN not in repr(result)


def test_the_modules_input_checks_run_before_any_request(monkeypatch):
    for name in ('GITHUB_TOKEN', 'GH_TOKEN', 'GITHUB_APP_ID', 'GITHUB_APP_INSTALLATION_ID', 'GITHUB_APP_PRIVATE_KEY'):
        monkeypatch.delenv(name, raising=False)
    assert run_controller({'org': 'acme'})['msg'].startswith('No GitHub credentials')
    result = run_controller({'org': 83, 'token': TOKEN})
    assert 'org must be a string, got the number 83' in result['msg']
    result = run_controller({'org': 'acme', 'token': TOKEN + '\n'})
    assert result['failed'] is True and TOKEN not in repr(result)


def test_the_engine_runs_in_this_process_against_the_simulator(github_simulator):
    shown = []
    args = {'org': 'acme', 'api_url': github_simulator.url, 'token': github_simulator.token, 'write_delay': 0,
            'owners': ['octo-admin'], 'members': ['alice', 'new-hire']}
    checked = run_controller(dict(args), check_mode=True, diff_mode=True, show=shown.append)
    assert 'failed' not in checked, checked.get('msg')
    assert checked['changed'] is True
    assert [c['login'] for c in checked['changes'] if c['action'] == 'add'] == ['new-hire']
    assert 'current' not in checked  # only when asked
    assert [line.split(':')[0] for line in shown[:2]] == ['read acme', 'planned 1 writes for 0 listed teams']
    assert checked['invocation']['module_args']['token'] == 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'
    applied = run_controller(dict(args, return_current=True), show=shown.append)
    assert applied['changed'] is True and applied['changes'] == checked['changes']
    assert 'new-hire' in applied['current']['members']
    assert any(line.startswith('wrote 1 of 1: ') and 'new-hire' in line for line in shown)
    again = run_controller(dict(args))
    assert again['changed'] is False and again['changes'] == [] and again['diff'] == []
    assert github_simulator.token not in repr(shown) + repr(checked) + repr(applied)
