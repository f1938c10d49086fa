"""What a person reads from gitops.github.drift: a clean run is changed=0 (writing the report files
is not a change), the report is printed once even at --diff, a pending team invitee shows the role
their invitation carries, and a removal from an org that also empties a team is counted once."""

from __future__ import annotations

import json
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
