"""The role's report entry point, through real ansible-playbook, on results with issue 20's access
sections (made by the collection's own planner, ``_plan_access.plan_access``, and result filter):
the JSON counts each section, the Markdown gives each its own section, the task log has a plain line
per change, and the failure message of ``membership_fail_on_drift`` names the access counts."""

from __future__ import annotations

import json

from ansible_collections.gitops.github.plugins.module_utils._access_state import AccessState, Grant, OrgRole, TeamAccess
from ansible_collections.gitops.github.plugins.module_utils._plan_access import plan_access
from ansible_collections.gitops.github.plugins.plugin_utils._drift import membership_roster_results

from harness import ansible_playbook

PLAY = '''
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
        membership_report_json: d.json
        membership_report_markdown: d.md
        membership_fail_on_drift: true
'''


def results():
    roles = {'security_manager': OrgRole(1, 'security_manager', 'Predefined', users={'carol': 'carol'}, teams={})}
    teams = {'platform': TeamAccess('platform', None, {'api': Grant('api', 'pull')})}
    access = AccessState('acme', roles, teams, None, {'api': 'api'})
    wanted = {'organization_roles': [{'role': 'security_manager', 'users': ['alice'], 'exclusive': True}],
              'teams': [{'team': 'platform', 'repositories': {'api': 'push'}}]}
    plan = plan_access(access, wanted, members=['alice', 'carol'], max_removals='100%')
    assert plan.problems == []
    result = {'item': {'org': 'acme'}, 'changed': True, 'changes': [], 'org': {}, 'teams': {}, 'diff': [],
              'organization_roles': plan.report['organization_roles'], 'repositories': plan.report['repositories'],
              'two_factor': {'policy': 'report', 'without': [{'login': 'bob', 'kind': 'member', 'filter': '2fa_disabled'}],
                             'added': [], 'removed': [], 'changed': []}}
    return membership_roster_results({'results': [result]})


def test_the_report_shows_each_access_section_and_fails_naming_its_counts(collections_path, tmp_path):
    play = tmp_path / 'report.yml'
    play.write_text(PLAY.format(results=json.dumps(results())))
    run = ansible_playbook(collections_path, [str(play)], str(tmp_path))
    assert run.rc != 0
    failed = [r for r in run.results if r['status'] == 'failed']
    assert [r['task'] for r in failed] == ['gitops.github.membership : Fail because GitHub has drifted from the membership data']
    assert failed[0]['result']['msg'] == ('Drift found in 2 of 3 places: 0 to add, 0 to remove, 0 role changes, 0 public membership '
                                          'changes, 2 organization role changes, 1 team repository changes (see d.md)')
    report = json.loads((tmp_path / 'd.json').read_text())
    assert report['summary']['organization_roles'] == {'added': 1, 'removed': 1, 'changed': 0}
    assert report['summary']['repositories'] == {'added': 0, 'removed': 0, 'changed': 1}
    assert report['summary']['two_factor'] == {'added': 0, 'removed': 0, 'changed': 0, 'without': 1}
    markdown = (tmp_path / 'd.md').read_text()
    assert '| assign role | `alice` | `security_manager` |' in markdown
    assert '| change permission | `api` | pull → push |' in markdown
    assert 'Without two-factor authentication (`require_two_factor: report`): `bob` (member' in markdown
    shown = run.task('gitops.github.membership : Show the drift report')['msg']
    assert shown[:5] == ['Drift found in 2 of 3 places: 2 organization role changes, 1 team repository changes.',
                         'Without two-factor authentication in acme (require_two_factor: report): bob (member, two-factor '
                         'authentication disabled)',
                         'Organization roles of acme: assign role alice (security_manager)',
                         'Organization roles of acme: unassign role carol (security_manager)',
                         'Repositories of team acme/platform: change permission api (pull → push)']
