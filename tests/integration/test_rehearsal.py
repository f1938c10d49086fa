"""Rehearsing a change offline, as simulator/README.md tells it: the `ghsim` command (a real process)
seeded from an export, told the logins of the edited membership file with --users-from, then the
drift and apply playbooks through real ansible-playbook. Adding a new person, the most common
change, must show as an addition and apply, not as "Cannot be applied"."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import pytest
import yaml

from harness import ansible_playbook

TOKEN = 'sim-token-boss'
LIVE = {'membership_orgs': [{
    'org': 'my-org',
    'owners': ['boss'],
    'members': ['alice', 'bob'],
    'teams': [{'team': 'core', 'maintainers': ['alice'], 'members': ['bob']}],
}]}


def edited():
    """The export with a new hire added to the org and to a team, and one given with an id."""
    data = json.loads(json.dumps(LIVE))
    org = data['membership_orgs'][0]
    org['members'] += ['new-hire', {'login': 'Second-Hire', 'id': 777001}]
    org['teams'][0]['members'].append('new-hire')
    return data


@pytest.fixture
def ghsim_cli(tmp_path):
    """Start `python -m ghsim ARGS...`; return (api_url, the next stdout lines); stop it at the end."""
    started = []

    def start(*args, lines=0):
        """``lines``: how many lines it prints after the first (its tokens and the users it added)."""
        proc = subprocess.Popen([sys.executable, '-m', 'ghsim', *args], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        started.append(proc)
        first = proc.stdout.readline().strip()
        assert first.startswith('ghsim listening on http://127.0.0.1:'), (first, proc.stderr.read())
        return first.split()[-1], [proc.stdout.readline().strip() for _dummy in range(lines)]

    yield start
    for proc in started:
        proc.send_signal(signal.SIGTERM)
        try:
            rc = proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGUSR1)  # ghsim prints its threads' stacks (cli.py)
            time.sleep(2)
            proc.kill()
            pytest.fail('ghsim did not stop within 60 s of SIGTERM; its threads:\n%s' % proc.communicate()[1])
        assert rc == 0, proc.stderr.read()


def playbook(collections_path, tmp_path, api_url, name, membership):
    path = tmp_path / ('%s-membership.yml' % name)
    path.write_text(yaml.safe_dump(membership, sort_keys=False))
    return ansible_playbook(collections_path, ['gitops.github.' + name, '-e', 'membership_file=%s' % path,
                                               '-e', 'github_write_delay=0', '-e', 'drift_report_json=drift.json',
                                               '-e', 'drift_report_markdown=drift.md'],
                            str(tmp_path), {'GITHUB_API_URL': api_url, 'GITHUB_TOKEN': TOKEN})


def test_users_from_the_edited_file_let_a_new_hire_be_added(collections_path, tmp_path, ghsim_cli):
    (tmp_path / 'live.yml').write_text(yaml.safe_dump(LIVE))
    (tmp_path / 'edited.yml').write_text(yaml.safe_dump(edited()))
    url, lines = ghsim_cli('--seed-from-export', str(tmp_path / 'live.yml'), '--users-from', str(tmp_path / 'edited.yml'),
                           lines=2)
    assert lines[:2] == ['ghsim token sim-token-boss (boss)', 'ghsim users added (members of nothing): new-hire, Second-Hire']

    drift = playbook(collections_path, tmp_path, url, 'drift', edited())
    assert drift.rc == 0, drift.output
    report = json.loads((tmp_path / 'drift.json').read_text())
    markdown = (tmp_path / 'drift.md').read_text()
    assert report['summary']['problems'] == 0 and 'Cannot be applied' not in markdown, markdown
    assert report['summary']['added'] == 3, report['summary']  # two to the org, one to the team
    assert '`new-hire`' in markdown and '`Second-Hire`' in markdown

    apply = playbook(collections_path, tmp_path, url, 'apply', edited())
    assert apply.rc == 0, apply.output
    again = playbook(collections_path, tmp_path, url, 'drift', edited())
    assert again.rc == 0, again.output
    assert json.loads((tmp_path / 'drift.json').read_text())['drift'] is False  # pending invitations count as present
    assert 'No drift' in (tmp_path / 'drift.md').read_text()


def test_without_the_users_a_new_hire_cannot_be_applied(collections_path, tmp_path, ghsim_cli):
    """What --users-from fixes: a world made from the export alone knows no new-hire."""
    (tmp_path / 'live.yml').write_text(yaml.safe_dump(LIVE))
    url, lines = ghsim_cli('--seed-from-export', str(tmp_path / 'live.yml'), lines=1)
    assert lines == ['ghsim token sim-token-boss (boss)']
    data = edited()
    # Logins only: a listed id that no account has is a problem of its own, before any plan (issue 18).
    data['membership_orgs'][0]['members'][-1] = 'Second-Hire'
    drift = playbook(collections_path, tmp_path, url, 'drift', data)
    assert drift.rc == 0, drift.output
    markdown = (tmp_path / 'drift.md').read_text()
    assert 'Cannot be applied' in markdown and 'no GitHub user has the login new-hire' in markdown, markdown


def test_users_on_the_command_line(collections_path, tmp_path, ghsim_cli):
    (tmp_path / 'live.yml').write_text(yaml.safe_dump(LIVE))
    url, lines = ghsim_cli('--seed-from-export', str(tmp_path / 'live.yml'), '--user', 'new-hire', '--user', 'Second-Hire,boss',
                           lines=2)
    assert lines[1] == 'ghsim users added (members of nothing): new-hire, Second-Hire'  # boss is there already
    data = edited()
    data['membership_orgs'][0]['members'][-1] = 'Second-Hire'  # no id: the command line gives logins only
    drift = playbook(collections_path, tmp_path, url, 'drift', data)
    assert drift.rc == 0, drift.output
    assert json.loads((tmp_path / 'drift.json').read_text())['summary']['problems'] == 0
