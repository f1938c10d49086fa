"""What a person reads from gitops.github.drift: a clean run is changed=0 (writing the report files
is not a change), the report is printed once even at --diff, a pending team invitee shows the role
their invitation carries, and a removal from an org that also empties a team is counted once."""

from __future__ import annotations

import json
import os
import re

import requests
import yaml

from harness import OWNER_TOKEN, ansible_playbook, writes

EXPORTED = {'membership_orgs': [{
    'org': 'acme', 'exclusive': True,
    'owners': ['octo-admin', 'erin'], 'members': ['alice', 'bob', 'carol', 'dave', 'Mixed-Case'],
    'teams': [
        {'team': 'platform', 'exclusive': True, 'maintainers': ['alice'], 'members': ['bob']},
        {'team': 'platform-oncall', 'exclusive': True, 'maintainers': [], 'members': ['carol']},
    ],
}]}


def drift(collections_path, tmp_path, sim, data, *args):
    path = tmp_path / 'membership.yml'
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    extra = {'membership_file': str(path), 'github_write_delay': 0, 'drift_report_json': str(tmp_path / 'd.json'),
             'drift_report_markdown': str(tmp_path / 'd.md')}
    vars_file = tmp_path / 'vars.json'
    vars_file.write_text(json.dumps(extra))
    return ansible_playbook(collections_path, ['gitops.github.drift', '-e', '@%s' % vars_file] + list(args),
                            str(tmp_path), {'GITHUB_API_URL': sim.api_url, 'GITHUB_TOKEN': OWNER_TOKEN})


def recap(run):
    return dict((k, int(v)) for k, v in re.findall(r'(ok|changed|failed)=(\d+)', run.stdout.split('PLAY RECAP')[1]))


def test_clean_drift_is_changed_0_and_prints_the_report_once_at_diff(collections_path, tmp_path, sim):
    (tmp_path / 'd.json').write_text('{"stale": true}\n')  # an old report is replaced, silently
    run = drift(collections_path, tmp_path, sim, EXPORTED, '--diff')
    assert run.rc == 0, run.output
    assert recap(run)['changed'] == 0 and recap(run)['failed'] == 0, run.output
    assert run.changed_tasks == [], run.output
    assert run.stdout.count('GitHub membership drift') == 1, run.output
    assert json.loads((tmp_path / 'd.json').read_text())['drift'] is False
    assert (tmp_path / 'd.md').read_text().startswith('# GitHub membership drift')
    assert writes(sim) == []


def test_drift_counts_an_org_removal_once_and_shows_pending_team_roles(collections_path, tmp_path, sim):
    # dave's pending org invitation now carries the team platform, as maintainer.
    admin = {'Authorization': 'Bearer ' + OWNER_TOKEN}
    r = requests.put(sim.api_url + '/orgs/acme/teams/platform/memberships/dave', json={'role': 'maintainer'},
                     headers=admin, timeout=10)
    assert r.json()['state'] == 'pending'
    sim.clear_log()
    data = yaml.safe_load(yaml.safe_dump(EXPORTED))
    acme = data['membership_orgs'][0]
    acme['members'].remove('carol')
    acme['teams'][0]['maintainers'].append('dave')
    acme['teams'][1]['members'] = []
    # No max_removals on the team: the one plan knows the org removal empties it (nothing counted twice).
    run = drift(collections_path, tmp_path, sim, data, '--diff')
    assert run.rc == 0, run.output
    report = json.loads((tmp_path / 'd.json').read_text())
    assert report['summary']['removed'] == 1 and report['summary']['targets_with_drift'] == 1, report['summary']
    assert recap(run)['changed'] >= 1
    markdown = (tmp_path / 'd.md').read_text()
    assert 'Leave with the organization (no team change of their own): `carol`' in markdown
    assert 'unknown role' not in run.stdout and 'unknown role' not in markdown
    platform = next(t for t in report['targets'] if t['name'] == 'acme/platform')
    assert platform['changed'] is False and 'dave' in platform['pending']
    assert writes(sim) == []


REPORT_PLAY = '''
- hosts: localhost
  gather_facts: false
  connection: local
  check_mode: true
  tasks:
    - name: Write the report of given results
      ansible.builtin.include_role:
        name: gitops.github.membership
        tasks_from: report
      vars:
        membership_results: {results}
        membership_report_json: {json}
        membership_report_markdown: {markdown}
        membership_fail_on_drift: {fail}
    - name: Read the fact back
      ansible.builtin.debug:
        msg: "{{{{ membership_drift.summary }}}}"
'''

DRIFTED = [{'kind': 'org', 'org': 'acme', 'team': None, 'name': 'acme', 'changed': True, 'pending': [], 'public': None,
            'added': [{'login': 'zed', 'role': 'member', 'pending': True}], 'removed': [], 'role_changed': [],
            'problems': []}]


def report_play(collections_path, tmp_path, results, json_path, markdown_path, fail=False):
    play = tmp_path / 'report.yml'
    play.write_text(REPORT_PLAY.format(results=json.dumps(results), json=json.dumps(json_path),
                                       markdown=json.dumps(markdown_path), fail=json.dumps(fail)))
    return ansible_playbook(collections_path, [str(play)], str(tmp_path))


def test_report_action_writes_both_files_in_check_mode_and_sets_membership_drift(collections_path, tmp_path):
    (tmp_path / 'out').mkdir()
    run = report_play(collections_path, tmp_path, DRIFTED, 'out/d.json', 'out/d.md')  # relative: to the cwd
    assert run.rc == 0, run.output
    assert run.changed_tasks == [], run.output
    report = json.loads((tmp_path / 'out' / 'd.json').read_text())
    assert report['drift'] is True and report['summary']['added'] == 1
    assert (tmp_path / 'out' / 'd.json').stat().st_mode & 0o777 == 0o644
    markdown = (tmp_path / 'out' / 'd.md').read_text()
    assert markdown.startswith('# GitHub membership drift\n') and '`zed`' in markdown
    assert run.task('Read the fact back')['msg'] == report['summary']
    shown = run.task('gitops.github.membership : Show the drift report')['msg']
    assert shown == markdown.splitlines()
    assert run.stdout.count('GitHub membership drift') == 1, run.output
    assert sorted(os.listdir(tmp_path / 'out')) == ['d.json', 'd.md']


def test_report_action_fails_on_drift_after_writing_and_showing(collections_path, tmp_path):
    run = report_play(collections_path, tmp_path, DRIFTED, str(tmp_path / 'd.json'), '', fail=True)
    assert run.rc != 0
    failed = [r for r in run.results if r['status'] == 'failed']
    assert [r['task'] for r in failed] == ['gitops.github.membership : Fail because GitHub has drifted from the membership data']
    assert 'Drift found in 1 of 1 places: 1 to add, 0 to remove' in failed[0]['result']['msg']
    assert json.loads((tmp_path / 'd.json').read_text())['drift'] is True
    assert not (tmp_path / 'membership-drift.md').exists()  # an empty path skips that file
    assert 'GitHub membership drift' in run.stdout


def test_report_action_names_the_path_it_cannot_write(collections_path, tmp_path):
    run = report_play(collections_path, tmp_path, [], str(tmp_path / 'missing' / 'd.json'), '')
    assert run.rc != 0
    failed = [r for r in run.results if r['status'] == 'failed']
    assert failed and failed[0]['result']['msg'].startswith(
        'Cannot write the drift report to %s: ' % os.path.realpath(tmp_path / 'missing' / 'd.json')), failed
