"""The apply and drift playbooks run the way AWX / Automation Platform run a job: through
ansible-runner (the library AWX executes jobs with), in a private data directory holding the
project, the inventory, the environment and the extra vars, with the collection's credential type
(extensions/awx/credential_type.yml) injected as the controller injects it: each ``injectors.env``
template rendered with Jinja2's immutable sandbox over the credential's inputs, fields left empty
given as empty strings, and any ``injectors.extra_vars`` added to the job's extra vars.

Assertions are on what AWX shows: the job's stats (the PLAY RECAP per host), the job events and
the stdout artifact, which must never hold the token or the App's private key."""

from __future__ import annotations

import copy
import glob
import json
import os
import sys

import ansible_runner
import pytest
import yaml
from ghsim import generate_app_key
from jinja2.sandbox import ImmutableSandboxedEnvironment

from harness import BASE_SEED, OWNER_TOKEN, writes

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CREDENTIAL_TYPE = os.path.join(REPO, 'extensions', 'awx', 'credential_type.yml')

WANTED = {'membership_orgs': [{
    'org': 'acme', 'exclusive': True, 'max_removals': 1,
    'owners': ['octo-admin', 'erin'], 'members': ['alice', 'bob', 'carol', 'dave', 'new-hire'],
    'teams': [{'team': 'platform', 'exclusive': True, 'maintainers': ['alice'], 'members': ['bob']}],
}]}
CLEAN = {'membership_orgs': [{
    'org': 'acme', 'exclusive': True,
    'owners': ['octo-admin', 'erin'], 'members': ['alice', 'bob', 'carol', 'dave', 'Mixed-Case'],
    'teams': [{'team': 'platform', 'exclusive': True, 'maintainers': ['alice'], 'members': ['bob']}],
}]}


def inject(inputs):
    """The credential's env and extra vars, rendered as the controller renders injectors."""
    with open(CREDENTIAL_TYPE) as handle:
        ctype = yaml.safe_load(handle)
    namespace = dict((field['id'], '') for field in ctype['inputs']['fields'])  # empty fields: ''
    namespace.update(inputs)
    sandbox = ImmutableSandboxedEnvironment()
    env = dict((name, sandbox.from_string(template).render(**namespace))
               for name, template in ctype['injectors'].get('env', {}).items())
    extra_vars = dict((name, sandbox.from_string(template).render(**namespace))
                      for name, template in ctype['injectors'].get('extra_vars', {}).items())
    return env, extra_vars


def job(collections_path, tmp_path, playbook, data, inputs, extra_vars=None):
    """One job: the project holds a playbook that imports the collection's one, and the membership file."""
    private = tmp_path / 'private'
    project = private / 'project'
    project.mkdir(parents=True)
    (project / 'job.yml').write_text(yaml.safe_dump([{'ansible.builtin.import_playbook': playbook}]))
    (project / 'membership.yml').write_text(yaml.safe_dump(data, sort_keys=False))
    env, credential_vars = inject(inputs)
    env.update({
        'ANSIBLE_COLLECTIONS_PATH': collections_path,
        'ANSIBLE_PYTHON_INTERPRETER': sys.executable,
        # The execution environment's PATH: this venv's ansible-playbook first.
        'PATH': os.path.dirname(sys.executable) + os.pathsep + os.environ.get('PATH', ''),
        'ANSIBLE_LOCALHOST_WARNING': 'false',
        'ANSIBLE_HOME': str(tmp_path / 'ansible-home'),
    })
    job_vars = {'membership_file': 'membership.yml', 'github_write_delay': 0,
                'drift_report_json': str(tmp_path / 'drift.json'), 'drift_report_markdown': str(tmp_path / 'drift.md')}
    job_vars.update(extra_vars or {})
    job_vars.update(credential_vars)
    runner = ansible_runner.run(private_data_dir=str(private), playbook='job.yml', inventory='localhost ansible_connection=local',
                                envvars=env, extravars=job_vars, quiet=True, ident='job', timeout=300)
    events = list(runner.events)
    artifacts = private / 'artifacts' / 'job'
    return runner, events, artifacts


def assert_no_secret(events, artifacts, secrets):
    stdout = (artifacts / 'stdout').read_text()
    event_files = [open(path).read() for path in glob.glob(str(artifacts / 'job_events' / '*.json'))]
    assert event_files, 'no job events were written'
    for secret in secrets:
        for line in secret.strip().splitlines():
            if len(line) < 16:
                continue  # PEM armour lines such as '-----END ... KEY-----' are not secret
            assert line not in stdout
            assert not any(line in text for text in event_files)
            assert not any(line in json.dumps(event) for event in events)


def recap(runner):
    return dict((key, runner.stats.get(key, {}).get('localhost', 0)) for key in ('ok', 'changed', 'failures', 'dark'))


def test_clean_drift_job_is_green_with_nothing_changed(collections_path, tmp_path, sim):
    runner, events, artifacts = job(collections_path, tmp_path, 'gitops.github.drift', CLEAN,
                                    {'api_url': sim.api_url, 'token': OWNER_TOKEN}, {'fail_on_drift': True})
    print('clean drift stats:', json.dumps(runner.stats, sort_keys=True))
    assert runner.status == 'successful' and runner.rc == 0, (artifacts / 'stdout').read_text()
    assert recap(runner)['changed'] == 0 and recap(runner)['failures'] == 0, runner.stats
    assert [e for e in events if e['event'] == 'runner_on_failed'] == []
    assert json.loads((tmp_path / 'drift.json').read_text())['drift'] is False
    assert writes(sim) == []
    assert_no_secret(events, artifacts, [OWNER_TOKEN])


def test_drifted_job_with_fail_on_drift_fails_and_writes_nothing(collections_path, tmp_path, sim):
    runner, events, artifacts = job(collections_path, tmp_path, 'gitops.github.drift', WANTED,
                                    {'api_url': sim.api_url, 'token': OWNER_TOKEN}, {'fail_on_drift': True})
    print('drifted stats:', json.dumps(runner.stats, sort_keys=True))
    assert runner.status == 'failed' and runner.rc != 0
    assert recap(runner)['failures'] == 1, runner.stats
    failed = [e for e in events if e['event'] == 'runner_on_failed']
    assert [e['event_data']['task'] for e in failed] == ['Fail because GitHub has drifted from the membership data']
    assert 'Drift found' in failed[0]['event_data']['res']['msg']
    assert writes(sim) == []
    assert_no_secret(events, artifacts, [OWNER_TOKEN])


def test_apply_job_reports_its_changes(collections_path, tmp_path, sim):
    runner, events, artifacts = job(collections_path, tmp_path, 'gitops.github.apply', WANTED,
                                    {'api_url': sim.api_url, 'token': OWNER_TOKEN})
    print('apply stats:', json.dumps(runner.stats, sort_keys=True))
    assert runner.status == 'successful', (artifacts / 'stdout').read_text()
    assert recap(runner)['changed'] == 1 and recap(runner)['failures'] == 0, runner.stats
    changed = [e['event_data'] for e in events if e['event'] == 'runner_item_on_ok' and e['event_data']['res'].get('changed')]
    assert [(d['task'], d['res']['item']['org']) for d in changed] == [
        ('Reconcile each organization, its teams and the public membership (one task per organization)', 'acme')]
    org = changed[0]['res']['org']
    assert org['added'] == ['new-hire'] and org['removed'] == ['Mixed-Case']
    assert sorted(writes(sim)) == [('DELETE', '/orgs/acme/memberships/Mixed-Case'), ('PUT', '/orgs/acme/memberships/new-hire')]
    assert_no_secret(events, artifacts, [OWNER_TOKEN])


@pytest.fixture
def app_sim(sim_factory):
    private_pem, public_pem = generate_app_key()
    seed = copy.deepcopy(BASE_SEED)
    seed['apps'] = [{'id': 123, 'public_key': public_pem, 'installations': [{'id': 456, 'account': 'acme'}]}]
    return sim_factory(seed), private_pem


def test_app_credential_job_never_shows_the_key_or_the_installation_token(collections_path, tmp_path, app_sim):
    sim, private_pem = app_sim
    runner, events, artifacts = job(collections_path, tmp_path, 'gitops.github.apply', WANTED,
                                    {'api_url': sim.api_url, 'app_id': '123', 'app_installation_id': '456',
                                     'app_private_key': private_pem})
    assert runner.status == 'successful', (artifacts / 'stdout').read_text()
    assert recap(runner)['changed'] == 1
    issued = [e.json()['token'] for e in sim.log if e.route == '/app/installations/{installation_id}/access_tokens']
    assert issued, 'the job did not exchange the App key for an installation token'
    assert_no_secret(events, artifacts, [private_pem] + issued)


def test_drift_job_that_a_guard_would_refuse_writes_its_report_and_fail_on_drift_decides(
        collections_path, tmp_path, sim_factory):
    """Someone added themselves by hand to a team and a second member left the file: removing two
    of three is more than max_removals (25%, never less than one person) allows. The job writes
    the report with the refusal, stays green without fail_on_drift and turns red with it."""
    seed = copy.deepcopy(BASE_SEED)
    seed['orgs'][0]['teams'][0]['members'] = ['bob', 'carol']  # carol, by hand
    sim = sim_factory(seed)
    data = copy.deepcopy(CLEAN)
    data['membership_orgs'][0]['teams'][0]['members'] = []
    inputs = {'api_url': sim.api_url, 'token': OWNER_TOKEN}
    runner, events, artifacts = job(collections_path, tmp_path / 'green', 'gitops.github.drift', data, inputs)
    assert runner.status == 'successful', (artifacts / 'stdout').read_text()
    report = json.loads((tmp_path / 'green' / 'drift.json').read_text())
    assert report['drift'] is True and [r['team'] for r in report['refused']] == ['platform'], report
    assert '## Would be refused' in (tmp_path / 'green' / 'drift.md').read_text()
    runner, events, artifacts = job(collections_path, tmp_path / 'red', 'gitops.github.drift', data, inputs,
                                    {'fail_on_drift': True})
    assert runner.status == 'failed' and recap(runner)['failures'] == 1, runner.stats
    failed = [e['event_data']['task'] for e in events if e['event'] in ('runner_on_failed', 'runner_item_on_failed')]
    assert failed == ['Fail because GitHub has drifted from the membership data']
    assert json.loads((tmp_path / 'red' / 'drift.json').read_text())['refused'] == report['refused']
    assert writes(sim) == []
    assert_no_secret(events, artifacts, [OWNER_TOKEN])
