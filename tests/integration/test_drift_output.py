"""What a person reads from gitops.github.drift: a clean run is changed=0 (writing the report files
is not a change), the report is printed once even at --diff, a pending team invitee shows the role
their invitation carries, and a removal from an org that also empties a team is counted once."""

from __future__ import annotations

import copy
import json
import os
import re

import requests
import yaml

from harness import BASE_SEED, OWNER_TOKEN, ansible_playbook, writes

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
    shown = run.task('gitops.github.membership : Show the drift report')['msg']
    assert shown == ['No drift: GitHub matches the membership data (3 places checked).',
                     'Report: %s, %s' % (os.path.realpath(tmp_path / 'd.json'), os.path.realpath(tmp_path / 'd.md'))]
    assert run.stdout.count('No drift') == 1, run.output
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
    assert shown == ['Drift found in 1 of 1 places: 1 to add.',
                     'Organization acme: add zed (as member (invitation, pending until accepted))',
                     'Report: %s, %s' % (os.path.realpath(tmp_path / 'out' / 'd.json'), os.path.realpath(tmp_path / 'out' / 'd.md'))]
    assert run.stdout.count('Drift found') == 1, run.output
    assert sorted(os.listdir(tmp_path / 'out')) == ['d.json', 'd.md']


def test_report_action_fails_on_drift_after_writing_and_showing(collections_path, tmp_path):
    run = report_play(collections_path, tmp_path, DRIFTED, str(tmp_path / 'd.json'), '', fail=True)
    assert run.rc != 0
    failed = [r for r in run.results if r['status'] == 'failed']
    assert [r['task'] for r in failed] == ['gitops.github.membership : Fail because GitHub has drifted from the membership data']
    assert 'Drift found in 1 of 1 places: 1 to add, 0 to remove' in failed[0]['result']['msg']
    assert json.loads((tmp_path / 'd.json').read_text())['drift'] is True
    assert not (tmp_path / 'membership-drift.md').exists()  # an empty path skips that file
    assert 'Organization acme: add zed' in run.stdout


def test_report_action_names_the_path_it_cannot_write(collections_path, tmp_path):
    run = report_play(collections_path, tmp_path, [], str(tmp_path / 'missing' / 'd.json'), '')
    assert run.rc != 0
    failed = [r for r in run.results if r['status'] == 'failed']
    assert failed and failed[0]['result']['msg'].startswith(
        'Cannot write the drift report to %s: ' % os.path.realpath(tmp_path / 'missing' / 'd.json')), failed


# ---------------------------------------------------------------------------------------------
# Issue 22: a drift that meets a guard, a big organization, failures people can read.

def small_team_seed(*platform_members):
    """The base seed with the two-person team platform (alice maintainer, bob member) plus
    ``platform_members`` added by hand."""
    seed = copy.deepcopy(BASE_SEED)
    seed['orgs'][0]['teams'][0]['members'] = ['bob'] + list(platform_members)
    return seed


def failed_tasks(run):
    return [r['task'] for r in run.results if r['status'] == 'failed']


def test_a_hand_made_addition_to_a_two_person_team_is_reported_then_applied_with_the_defaults(
        collections_path, tmp_path, sim_factory):
    # The export marks every team exclusive with max_removals 25%: a percentage never forbids
    # removing one person, so the drift shows the removal and the apply makes it.
    sim = sim_factory(small_team_seed('carol'))
    run = drift(collections_path, tmp_path, sim, EXPORTED)
    assert run.rc == 0, run.output
    report = json.loads((tmp_path / 'd.json').read_text())
    assert report['drift'] is True and report['refused'] == [] and report['summary']['removed'] == 1, report['summary']
    assert '| remove | `carol` | was member |' in (tmp_path / 'd.md').read_text()
    assert 'Team acme/platform: remove carol (was member)' in run.task('gitops.github.membership : Show the drift report')['msg']
    assert writes(sim) == []
    applied = apply(collections_path, tmp_path, sim, EXPORTED)
    assert applied.rc == 0, applied.output
    assert writes(sim) == [('DELETE', '/organizations/9001/team/7001/memberships/carol')] or \
        writes(sim) == [('DELETE', '/orgs/acme/teams/platform/memberships/carol')], writes(sim)


def test_a_drift_a_guard_would_refuse_is_in_the_report_and_fail_on_drift_decides(collections_path, tmp_path, sim_factory):
    sim = sim_factory(small_team_seed('carol'))
    data = copy.deepcopy(EXPORTED)
    data['membership_orgs'][0]['teams'][0]['members'] = []  # bob and carol: 2 of 3, 25% allows 1
    quiet = drift(collections_path, tmp_path, sim, data)
    assert quiet.rc == 0, quiet.output
    report = json.loads((tmp_path / 'd.json').read_text())
    assert report['drift'] is True and report['summary']['refused'] == 1, report['summary']
    assert [(r['org'], r['team']) for r in report['refused']] == [('acme', 'platform')]
    assert report['refused'][0]['problem'].startswith('Refusing to remove 2 of the 3 members and invitations of team platform')
    markdown = (tmp_path / 'd.md').read_text()
    assert '## Would be refused (an apply stops before any write)' in markdown
    assert '| remove | `bob` | was member |' in markdown and '| remove | `carol` | was member |' in markdown
    shown = quiet.task('gitops.github.membership : Show the drift report')['msg']
    assert shown[1].startswith('Would be refused by a guard: Refusing to remove 2 of the 3'), shown
    (tmp_path / 'd.json').unlink()
    loud = drift(collections_path, tmp_path, sim, data, '-e', 'fail_on_drift=true')
    assert loud.rc != 0
    assert failed_tasks(loud) == ['gitops.github.membership : Fail because GitHub has drifted from the membership data']
    assert json.loads((tmp_path / 'd.json').read_text())['refused'] == report['refused']
    assert writes(sim) == []
    applied = apply(collections_path, tmp_path, sim, data)
    assert applied.rc != 0
    assert failed_tasks(applied) == ['gitops.github.membership : Stop because an organization could not be reconciled']
    assert applied.results[-1]['result']['msg'] == report['refused'][0]['problem']
    assert writes(sim) == []


def apply(collections_path, tmp_path, sim, data, *args):
    path = tmp_path / 'membership.yml'
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return ansible_playbook(collections_path, ['gitops.github.apply', '-e', 'membership_file=%s' % path,
                                               '-e', 'github_write_delay=0'] + list(args),
                            str(tmp_path), {'GITHUB_API_URL': sim.api_url, 'GITHUB_TOKEN': OWNER_TOKEN})


def test_a_roster_failure_is_shown_by_its_message_alone_and_in_full_at_v(collections_path, tmp_path, sim):
    many = ['person-%03d' % n for n in range(60)]  # a big entry: it must not be printed with the failure
    data = {'membership_orgs': [{'org': 'acme', 'teams': [
        {'team': 'sso-synced', 'maintainers': [], 'members': ['alice', 'bob']},
        {'team': 'platform', 'maintainers': ['alice'], 'members': ['bob'], 'description': ' '.join(many)}]}]}
    run = apply(collections_path, tmp_path, sim, data)
    assert run.rc != 0
    assert failed_tasks(run) == ['gitops.github.membership : Stop because an organization could not be reconciled']
    msg = run.results[-1]['result']['msg']
    assert 'managed by your identity provider' in msg and 'managed_externally: true' in msg, msg
    # The message, and nothing of the organization's entry or of the roster's result.
    assert 'person-042' not in run.stdout and '"item"' not in run.stdout and 'skipped_writes' not in run.stdout, run.stdout
    assert max(len(line) for line in run.stdout.splitlines()) < len(msg) + 120, run.stdout
    assert run.stdout.count('managed_externally: true') <= 2, run.stdout  # [ERROR] line (2.19+) and the fatal line
    verbose = apply(collections_path, tmp_path, sim, data, '-v')
    assert verbose.rc != 0
    assert 'skipped_writes' in verbose.stdout and '"api_requests"' in verbose.stdout, verbose.stdout


def big_org_seed(teams=40):
    seed = copy.deepcopy(BASE_SEED)
    org = seed['orgs'][0]
    for n in range(teams):
        org['teams'].append({'slug': 'squad-%02d' % n, 'name': 'Squad %02d' % n, 'id': 8000 + n,
                             'maintainers': ['alice'], 'members': ['bob']})
    return seed


def big_org_data(teams=40):
    data = copy.deepcopy(EXPORTED)
    data['membership_orgs'][0]['teams'] += [{'team': 'squad-%02d' % n, 'exclusive': True, 'maintainers': ['alice'],
                                             'members': ['bob']} for n in range(teams)]
    return data


def test_drift_of_a_big_org_leads_with_a_summary_and_lists_only_what_differs(collections_path, tmp_path, sim_factory):
    seed = big_org_seed()
    seed['orgs'][0]['teams'][-1]['members'].append('carol')  # squad-39, by hand
    sim = sim_factory(seed)
    run = drift(collections_path, tmp_path, sim, big_org_data())
    assert run.rc == 0, run.output
    markdown = (tmp_path / 'd.md').read_text()
    assert 'No changes.' not in markdown, markdown
    assert [line for line in markdown.splitlines() if line.startswith('## ')] == ['## Team acme/squad-39'], markdown
    assert markdown.splitlines()[2:5] == ['**Drift found** in 1 of 43 places: 1 to remove.', '',
                                          '- Team acme/squad-39: 1 to remove'], markdown
    assert run.task('gitops.github.membership : Show the drift report')['msg'][:2] == [
        'Drift found in 1 of 43 places: 1 to remove.', 'Team acme/squad-39: remove carol (was member)']
    assert len(run.stdout.splitlines()) < 75, run.stdout


def test_a_clean_drift_of_a_big_org_prints_a_few_lines(collections_path, tmp_path, sim_factory):
    sim = sim_factory(big_org_seed())
    run = drift(collections_path, tmp_path, sim, big_org_data())
    assert run.rc == 0, run.output
    assert run.task('gitops.github.membership : Show the drift report')['msg'][0] == \
        'No drift: GitHub matches the membership data (43 places checked).'
    assert len(run.task('gitops.github.membership : Show the drift report')['msg']) == 2
    assert (tmp_path / 'd.md').read_text() == ('# GitHub membership drift\n\n**No drift**: GitHub matches the membership '
                                               'data (43 places checked).\n\n1 pending invitation(s) (not drift: waiting '
                                               'to be accepted).\n')  # dave's
    assert len(run.stdout.splitlines()) < 70, run.stdout  # mostly the task headers of ansible-playbook


def test_a_demoted_owner_and_each_diff_hunk_name_what_really_changes_and_v_says_what_ran(
        collections_path, tmp_path, sim_factory):
    # erin was made an owner by hand; GitHub shows her as maintainer of platform (owners always
    # read back as maintainers). The file keeps her a member of the org and a maintainer of platform.
    seed = copy.deepcopy(BASE_SEED)
    seed['orgs'][0]['teams'][0]['members'] = ['bob', 'erin']
    seed['orgs'][0]['teams'] += [{'slug': 'squad-%02d' % n, 'name': 'Squad %02d' % n, 'id': 8000 + n,
                                  'maintainers': ['alice'], 'members': ['bob', 'carol', 'Mixed-Case']} for n in range(3)]
    sim = sim_factory(seed)
    data = copy.deepcopy(EXPORTED)
    acme = data['membership_orgs'][0]
    acme['owners'], acme['members'] = ['octo-admin'], acme['members'] + ['erin']
    acme['teams'][0]['maintainers'] = ['alice', 'erin']
    acme['teams'] += [{'team': 'squad-%02d' % n, 'exclusive': True, 'maintainers': ['alice'],
                       'members': ['bob', 'carol', 'Mixed-Case']} for n in range(3)]
    acme['teams'][-1]['members'] = ['bob', 'carol']  # Mixed-Case leaves squad-02, the last line of its block
    run = drift(collections_path, tmp_path, sim, data, '--diff', '-v')
    assert run.rc == 0, run.output
    markdown = (tmp_path / 'd.md').read_text()
    assert '| set own team role | `erin` | maintainer, kept after the organization demotes them from owner' in markdown
    assert 'maintainer → maintainer' not in markdown and 'unknown role' not in run.stdout, run.stdout
    # Each hunk under the header of its own scope.
    hunks = dict((block.split('\n', 1)[0], block) for block in run.stdout.split('--- before: ')[1:])
    assert '-    "erin": "admin",' in hunks['organization acme']
    assert '-    "erin": "maintainer"' in hunks['team platform in acme']
    assert '-    "Mixed-Case": "member",' in hunks['team squad-02 in acme']
    assert not any('Mixed-Case' in block for header, block in hunks.items() if header != 'team squad-02 in acme')
    # -v: what the roster task read, planned and wrote, in a few lines.
    said = run.task('gitops.github.membership : Say what was read, planned and written')['msg']
    assert [line.split(' ', 1)[0] for line in said] == ['read', 'planned', 'check'], said
    assert said[0].startswith('read acme: 6 members, 1 pending invitations, 6 teams ('), said
    assert said[1].startswith('planned 3 writes for 5 listed teams: 1 to the organization, 2 to 2 teams'), said
