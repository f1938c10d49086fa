"""github_org_roster on the controller (issue 21) through real ansible-playbook runs: the engine in
the controller's process gives what the module gives on the same state (check mode, diff, apply),
reads a membership file (vault included) itself, refuses an alias bomb, prints its progress at -v
and never the token, at -vvvv either.

The harness runs plays on localhost over the local connection, so the rule picks the controller;
``gitops_github_engine: module`` makes the same play run the module."""

from __future__ import annotations

import copy
import re
import textwrap

from harness import BASE_SEED, OWNER_TOKEN, fake_token, writes

from ansible.parsing.vault import VaultLib, VaultSecret

MODULE = {'gitops_github_engine': 'module'}


def roster_task(name='roster', **args):
    return {'name': name, 'gitops.github.github_org_roster': dict({'org': 'acme'}, **args)}


# A plan with a change in every scope: an org addition and a promotion, a team removal and a
# team addition, a team left alone (no diff element for it), the public membership concealed.
CHANGES = dict(owners=['octo-admin', 'erin', 'alice'], members=['bob', 'carol', 'Mixed-Case', 'dave', 'new-hire'],
               public_membership=False,
               teams=[{'team': 'platform', 'maintainers': ['alice'], 'members': ['new-hire'], 'exclusive': True},
                      {'team': 'platform-oncall', 'members': ['carol']}])


def comparable(result):
    """A result without what may differ between two runs of the same plan: the echoed arguments
    and the seconds in the progress lines."""
    result = dict(result)
    result.pop('invocation', None)
    result['summary'] = [re.sub(r' \(\d+\.\d s\)$', '', line) for line in result.get('summary', [])]
    return result


def progress_printed(run):
    """The progress lines the controller printed as they happened (at -v): ``acme: read acme: ...``."""
    return [line for line in run.stdout.splitlines() if line.startswith('acme: ')]


def test_the_controller_and_the_module_give_the_same_results_on_the_same_state(sim_factory, play):
    sims = {'controller': sim_factory(copy.deepcopy(BASE_SEED)), 'module': sim_factory(copy.deepcopy(BASE_SEED))}
    runs = {}
    for path, sim in sims.items():
        play_vars = MODULE if path == 'module' else None
        checked = play(sim, [roster_task(**CHANGES)], check=True, diff=True, verbosity=1, play_vars=play_vars)
        assert checked.rc == 0, checked.output
        assert writes(sim) == []
        applied = play(sim, [roster_task(**CHANGES)], diff=True, verbosity=1, play_vars=play_vars)
        assert applied.rc == 0, applied.output
        again = play(sim, [roster_task(return_current=True, **CHANGES)], play_vars=play_vars)
        assert again.rc == 0, again.output
        runs[path] = (checked, applied, again)

    # The rule picked the controller for the local connection, and the variable the module.
    controller, module = runs['controller'], runs['module']
    printed = progress_printed(controller[1])
    count = len(controller[1].task('roster')['changes'])
    assert [line.split(':')[1].strip() for line in printed][:2] == ['read acme', 'planned %d writes for 2 listed teams' % count]
    assert ['acme: wrote %d of %d: ' % (n, count) for n in range(1, count + 1)] == [
        line[:len('acme: wrote 1 of 1: ')] for line in printed if line.startswith('acme: wrote ') and ' of %d:' % count in line]
    assert progress_printed(module[1]) == []

    for index in range(3):
        assert comparable(controller[index].task('roster')) == comparable(module[index].task('roster')), index
    checked = controller[0].task('roster')
    assert checked['changed'] is True and len(checked['changes']) == count
    assert 'current' not in checked  # not asked
    # Only the scopes that differ: the organization, platform and the public membership.
    assert [(d['scope'], d['team']) for d in checked['diff']] == [('org', None), ('team', 'platform'), ('public', None)]
    # --diff shows the same on both paths.
    assert controller[0].stdout.count('team platform in acme') == module[0].stdout.count('team platform in acme') > 0
    assert writes(sims['controller']) == writes(sims['module']) and len(writes(sims['controller'])) == count
    assert sims['controller'].state.team_members('acme', 'platform') == sims['module'].state.team_members('acme', 'platform')
    rerun = controller[2].task('roster')
    assert rerun['changed'] is False and rerun['diff'] == []
    assert 'new-hire' in rerun['current']['members'] or 'new-hire' in str(rerun['current'])


def test_a_guard_refusal_and_bad_input_fail_the_same_on_both_paths(sim, play):
    refused = roster_task(members=['bob'], owners=['octo-admin'], exclusive=True, max_removals=1)
    bad = roster_task(members=['bob', 'Bob'], ownerz=['x'])
    results = {}
    for path, play_vars in (('controller', None), ('module', MODULE)):
        run = play(sim, [dict(refused, ignore_errors=True), dict(bad, name='bad', ignore_errors=True)],
                   check=True, play_vars=play_vars)
        assert run.rc == 0, run.output
        results[path] = (comparable(run.task('roster')), comparable(run.task('bad')))
    assert results['controller'] == results['module']
    refusal, bad_input = results['controller']
    assert refusal['refused'] and refusal['would_change'] and refusal['msg'].startswith('Refusing')
    assert bad_input['msg'].startswith('Unsupported parameters for (gitops.github.github_org_roster) module: ownerz')
    assert writes(sim) == []


def vaulted(text, password):
    """``text`` as a ``!vault`` value of a YAML file, encrypted with ``password``."""
    cipher = VaultLib([('default', VaultSecret(password.encode()))]).encrypt(text).decode()
    return '!vault |\n' + textwrap.indent(cipher, '          ')


def test_a_membership_file_with_a_vaulted_value_on_both_paths(sim, play, tmp_path):
    password = fake_token('pw-')
    (tmp_path / 'vault-pass').write_text(password + '\n')
    (tmp_path / 'membership.yml').write_text(textwrap.dedent('''\
        membership_orgs:
          - org: other-org
            owners: [frank]
          - org: ACME
            owners: [octo-admin, erin]
            members:
              - alice
              - login: bob
                expires: 2099-12-31
              - carol
              - Mixed-Case
              - dave
              - %s
        ''') % vaulted('new-hire', password))
    task = roster_task(membership_file=str(tmp_path / 'membership.yml'))
    args = ('--vault-password-file', str(tmp_path / 'vault-pass'))
    results = {}
    for path, play_vars in (('controller', None), ('module', MODULE)):
        run = play(sim, [task], check=True, extra_args=args, play_vars=play_vars)
        assert run.rc == 0, run.output
        results[path] = comparable(run.task('roster'))
        assert [(c['action'], c['login']) for c in results[path]['changes']] == [('add', 'new-hire')]
    assert results['controller'] == results['module']
    assert password not in str(results)

    applied = play(sim, [task], extra_args=args)
    assert applied.rc == 0, applied.output
    assert writes(sim) == [('PUT', '/orgs/acme/memberships/new-hire')]

    missing = play(sim, [roster_task(org='nope-org', membership_file=str(tmp_path / 'membership.yml'))], extra_args=args)
    assert missing.rc != 0
    assert ('membership_file %s has no entry for the organization nope-org (its organizations: other-org, ACME)'
            % (tmp_path / 'membership.yml')) in missing.output
    both = play(sim, [roster_task(membership_file=str(tmp_path / 'membership.yml'), members=['bob'])], extra_args=args)
    assert both.rc != 0 and 'members set both in the task and in the entry of acme' in both.output
    assert writes(sim) == [('PUT', '/orgs/acme/memberships/new-hire')]


BOMB = '''\
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h, *h]
membership_orgs:
  - org: acme
    members: *i
'''


def test_an_alias_bomb_is_refused_before_any_request(sim, play, tmp_path, collections_path):
    (tmp_path / 'bomb.yml').write_text(BOMB)
    run = play(sim, [roster_task(membership_file=str(tmp_path / 'bomb.yml'))])
    assert run.rc != 0
    assert 'membership_file %s: ' % (tmp_path / 'bomb.yml') in run.output
    assert 'alias' in run.task('roster')['msg']
    # The role's playbook refuses it the same way, in its loop's lookup.
    from harness import ansible_playbook
    role = ansible_playbook(collections_path, ['-i', 'localhost,', '-c', 'local', 'gitops.github.apply',
                                               '-e', 'membership_file=%s' % (tmp_path / 'bomb.yml'),
                                               '-e', 'github_write_delay=0'],
                            str(tmp_path), {'GITHUB_TOKEN': OWNER_TOKEN, 'GITHUB_API_URL': sim.api_url}, sim=sim)
    assert role.rc != 0 and 'alias' in role.output, role.output
    assert sim.log == []


def test_the_token_is_never_shown_at_vvvv_on_the_controller(sim, play):
    token = fake_token()
    sim.state.tokens[token] = sim.state.tokens[OWNER_TOKEN]
    tasks = [roster_task(token=token, members=['bob', 'carol', 'Mixed-Case', 'dave', 'new-hire', 'alice'],
                         owners=['octo-admin', 'erin'])]
    # The harness fails the test if the token (option or environment) shows anywhere.
    checked = play(sim, tasks, check=True, diff=True, verbosity=4, token=None)
    assert checked.rc == 0, checked.output
    assert any(line.startswith('acme: read acme') for line in checked.stdout.splitlines())
    assert '"token": "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"' in checked.stdout  # the echoed arguments, at -vvvv
    # A failure (a guard refuses), with the token from the environment.
    failed = play(sim, [roster_task(members=['bob'], owners=['octo-admin'], exclusive=True, max_removals=1)],
                  verbosity=4, extra_env={'GITHUB_TOKEN': token}, token=None)
    assert failed.rc != 0 and 'Refusing' in failed.output
    assert token not in failed.output
    # no_log: nothing of the task printed, progress included.
    hidden = play(sim, [dict(tasks[0], no_log=True)], check=True, verbosity=4, token=None)
    assert hidden.rc == 0, hidden.output
    assert not any(line.startswith('acme: ') for line in hidden.stdout.splitlines())


def test_delegated_to_localhost_from_another_host_the_engine_runs_on_the_controller(sim, play):
    """A host reached over ssh (never contacted here): delegate_to: localhost runs the engine on the
    controller; asking for the controller without delegating fails before any connection."""
    tasks = [
        {'name': 'a remote host', 'ansible.builtin.add_host': {'name': 'remote-1', 'ansible_host': '192.0.2.1',
                                                               'ansible_connection': 'ssh', 'groups': 'remote'}},
    ]
    remote_play = {
        'name': 'remote', 'hosts': 'remote', 'gather_facts': False,
        'module_defaults': {'group/gitops.github.github': {'api_url': sim.api_url, 'write_delay': 0}},
        'tasks': [dict(roster_task(owners=['octo-admin', 'erin']), delegate_to='localhost'),
                  dict(roster_task(name='forced', owners=['octo-admin', 'erin']),
                       vars={'gitops_github_engine': 'controller'}, ignore_errors=True)],
    }
    import yaml
    raw = yaml.safe_dump([{'name': 'add', 'hosts': 'localhost', 'gather_facts': False, 'tasks': tasks}, remote_play],
                         sort_keys=False)
    run = play(sim, [], raw_playbook=raw, verbosity=1)
    assert run.rc == 0, run.output
    assert run.task('roster')['changed'] is False and 'failed' not in run.task('roster')
    assert any(line.startswith('acme: read acme') for line in run.stdout.splitlines())
    assert run.task('forced')['msg'].startswith('gitops_github_engine=controller needs a local connection')


def test_the_tasks_environment_reaches_the_engine_on_the_controller(sim, play):
    """As the module gets the task's environment: GITHUB_API_URL from an environment keyword."""
    task = dict(roster_task(owners=['octo-admin', 'erin']), environment={'GITHUB_API_URL': sim.api_url})
    run = play(sim, [task], module_defaults={'api_url': 'http://127.0.0.1:9/', 'write_delay': 0}, check=True,
               verbosity=1)
    assert run.rc != 0  # module_defaults beat the environment, as for the module
    run = play(sim, [task], module_defaults={'write_delay': 0}, check=True, verbosity=1)
    assert run.rc == 0, run.output
    assert any(line.startswith('acme: read acme') for line in run.stdout.splitlines())


def test_an_async_task_runs_the_module(sim, play, tmp_path):
    task = dict(roster_task(owners=['octo-admin', 'erin']), **{'async': 60, 'poll': 1})
    # The job's status file in a folder of the test's own: the default, ~/.ansible_async, is not the
    # same folder for the job and for the poll when HOME is not the user's home (a fresh clone's CI).
    run = play(sim, [task], verbosity=1, extra_env={'ANSIBLE_ASYNC_DIR': str(tmp_path / 'async')})
    assert run.rc == 0, run.output
    assert run.task('roster')['changed'] is False
    assert not any(line.startswith('acme: read acme') for line in run.stdout.splitlines())
