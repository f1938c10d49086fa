"""The drift report's access sections (issue 20): organization roles, outside collaborators, each
team's repositories and the two-factor policy, from github_org_roster results whose sections are
what ``_plan_access.plan_access`` reports on a real ``AccessState`` (the two-factor section, which
no pure planner builds here, in INTERFACE-20's shape)."""

from __future__ import annotations

import copy

from ansible_collections.gitops.github.plugins.module_utils._access_state import (
    AccessState,
    Collaborator,
    Grant,
    OrgRole,
    TeamAccess,
)
from ansible_collections.gitops.github.plugins.module_utils._plan_access import plan_access
from ansible_collections.gitops.github.plugins.plugin_utils._drift import (
    access_words,
    membership_drift_lines,
    membership_drift_markdown,
    membership_drift_report,
    membership_roster_results,
)

MEMBERS = ['root', 'alice', 'bob', 'carol']
SECTIONS = ('organization_roles', 'outside_collaborators', 'repositories')


def state():
    roles = {'security_manager': OrgRole(1, 'security_manager', 'Predefined', users={'carol': 'carol'}, teams={}),
             'all_repo_read': OrgRole(2, 'all_repo_read', 'Predefined', users={}, teams={'auditors': 'auditors'})}
    teams = {'platform': TeamAccess('platform', None, {'api': Grant('api', 'pull'), 'old': Grant('old', 'admin')}),
             'web': TeamAccess('web', 'platform', {}),
             'auditors': TeamAccess('auditors')}
    outside = {'olga': Collaborator('olga', {'api': Grant('api', 'pull')}),
               'zed': Collaborator('zed', {'docs': Grant('docs', 'push')})}
    repositories = dict((name, name) for name in ('api', 'docs', 'old', 'web'))
    return AccessState('acme', roles, teams, outside, repositories)


WANTED = {
    'organization_roles': [{'role': 'security_manager', 'users': ['alice'], 'teams': ['platform'], 'exclusive': True}],
    'outside_collaborators': [{'login': 'olga', 'repositories': {'api': 'push', 'docs': 'pull'}}],
    'exclusive_outside_collaborators': True,
    'teams': [{'team': 'platform', 'repositories': {'api': 'push'}, 'exclusive_repositories': True},
              {'team': 'web', 'repositories': {'web': 'maintain'}}],
}
# What the same data asks when GitHub already matches it.
CONVERGED = {
    'organization_roles': [{'role': 'security_manager', 'users': ['carol']}],
    'outside_collaborators': [{'login': 'olga', 'repositories': {'api': 'pull'}}, {'login': 'zed', 'repositories': {'docs': 'push'}}],
    'exclusive_outside_collaborators': True,
    'teams': [{'team': 'platform', 'repositories': {'api': 'pull', 'old': 'admin'}, 'exclusive_repositories': True},
              {'team': 'web', 'repositories': {}}],
}


def plan(wanted=None, max_removals='100%'):
    return plan_access(state(), WANTED if wanted is None else wanted, members=MEMBERS, max_removals=max_removals)


def roster_result(access_plan, two_factor=None, refused=False):
    """A github_org_roster result of an entry that names only the access keys (no owners, no
    members, no team members): its membership parts are empty, its access sections the plan's."""
    result = {'item': {'org': 'acme'}, 'changed': bool(access_plan.proposed), 'org': {}, 'teams': {}, 'diff': []}
    result.update((key, copy.deepcopy(access_plan.report[key])) for key in SECTIONS if key in access_plan.report)
    if two_factor is not None:
        result['two_factor'] = two_factor
    if refused:
        result.update(failed=True, changed=False, msg='; '.join(access_plan.problems), would_change=[],
                      refused=[{'team': None, 'problem': p} for p in access_plan.problems])
    else:
        result['changes'] = []
    return result


def by_kind(targets):
    return dict(((t['kind'], t['team']), t) for t in targets)


def test_each_section_is_a_target_of_its_own_holding_the_roster_section_as_it_is():
    access_plan = plan()
    assert not access_plan.problems and access_plan.writes
    targets = membership_roster_results({'results': [roster_result(access_plan)]})
    assert [(t['kind'], t['name']) for t in targets] == [
        ('organization_roles', 'acme'), ('outside_collaborators', 'acme'),
        ('repositories', 'acme/platform'), ('repositories', 'acme/web')]
    kinds = by_kind(targets)
    roles = kinds['organization_roles', None]
    assert roles['access'] == access_plan.report['organization_roles']
    assert roles['access']['added'] == [{'role': 'security_manager', 'user': 'alice'},
                                        {'role': 'security_manager', 'team': 'platform'}]
    assert roles['access']['removed'] == [{'role': 'security_manager', 'user': 'carol'}]
    assert kinds['outside_collaborators', None]['access'] == access_plan.report['outside_collaborators']
    platform = kinds['repositories', 'platform']
    assert platform['access'] == access_plan.report['repositories']['platform']
    web = kinds['repositories', 'web']
    assert web['access']['inherited'] == [{'repository': 'api', 'permission': 'pull', 'from': 'platform'},
                                          {'repository': 'old', 'permission': 'admin', 'from': 'platform'}]
    # The member lists stay empty: an access change is not a membership change.
    assert all(t['changed'] and (t['added'], t['removed'], t['role_changed']) == ([], [], []) for t in targets)


def test_the_report_counts_each_section_apart_from_the_members():
    access_plan = plan()
    report = membership_drift_report(membership_roster_results({'results': [roster_result(access_plan)]}))
    summary = report['summary']
    assert report['drift'] is True
    assert (summary['targets'], summary['targets_with_drift']) == (4, 4)
    assert (summary['added'], summary['removed'], summary['role_changed']) == (0, 0, 0)
    assert summary['organization_roles'] == {'added': 2, 'removed': 1, 'changed': 0}
    outside = access_plan.report['outside_collaborators']
    assert summary['outside_collaborators'] == dict((k, len(outside[k])) for k in ('added', 'removed', 'changed'))
    assert summary['outside_collaborators'] == {'added': 1, 'removed': 1, 'changed': 1}
    assert summary['repositories'] == {'added': 1, 'removed': 1, 'changed': 1}
    assert 'two_factor' not in summary
    assert access_words(report) == ['3 organization role changes', '3 outside collaborator changes',
                                    '3 team repository changes']
    markdown = membership_drift_markdown(report)
    assert markdown.splitlines()[2] == ('**Drift found** in 4 of 4 places: 3 organization role changes, '
                                        '3 outside collaborator changes, 3 team repository changes.')


def test_markdown_gives_each_section_its_own_table():
    report = membership_drift_report(membership_roster_results({'results': [roster_result(plan())]}))
    lines = membership_drift_markdown(report).splitlines()
    assert '- Organization roles of acme: 2 to add, 1 to remove' in lines
    assert '- Repositories of team acme/web: 1 to add' in lines

    def section(title):
        start = lines.index('## ' + title)
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith('## ')), len(lines) + 1)
        return lines[start + 2:end - 1]  # the blank line before the next heading left out

    assert section('Organization roles of acme') == [
        '| change | user or team | detail |', '|---|---|---|',
        '| assign role | `alice` | `security_manager` |',
        '| assign role | team `platform` | `security_manager` |',
        '| unassign role | `carol` | `security_manager` |']
    assert section('Outside collaborators of acme') == [
        '| change | user | detail |', '|---|---|---|',
        '| add | `olga` | to `docs` as pull |',
        '| change permission | `olga` | on `api`: pull → push |',
        '| remove | `zed` | from every repository of the organization |']
    assert section('Repositories of team acme/platform') == [
        '| change | repository | detail |', '|---|---|---|',
        '| change permission | `api` | pull → push |',
        '| revoke | `old` | was admin |']
    assert section('Repositories of team acme/web') == [
        '| change | repository | detail |', '|---|---|---|',
        '| grant | `web` | maintain |', '',
        'Left alone (granted to a parent team, not to this one): `api` (pull, from `platform`), `old` (admin, from `platform`)']


def test_console_lines_show_one_plain_line_per_access_change():
    report = membership_drift_report(membership_roster_results({'results': [roster_result(plan())]}))
    lines = membership_drift_lines(report, ['/tmp/drift.md'])
    assert lines == [
        'Drift found in 4 of 4 places: 3 organization role changes, 3 outside collaborator changes, 3 team repository changes.',
        'Organization roles of acme: assign role alice (security_manager)',
        'Organization roles of acme: assign role team platform (security_manager)',
        'Organization roles of acme: unassign role carol (security_manager)',
        'Outside collaborators of acme: add olga (to docs as pull)',
        'Outside collaborators of acme: change permission olga (on api: pull → push)',
        'Outside collaborators of acme: remove zed (from every repository of the organization)',
        'Repositories of team acme/platform: change permission api (pull → push)',
        'Repositories of team acme/platform: revoke old (was admin)',
        'Repositories of team acme/web: grant web (maintain)',
        'Report: /tmp/drift.md']


def test_a_converged_run_shows_nothing_extra():
    access_plan = plan(CONVERGED)
    assert not access_plan.problems and access_plan.proposed == []
    results = membership_roster_results({'results': [roster_result(access_plan)]})
    report = membership_drift_report(results)
    assert report['drift'] is False and not any(t['changed'] for t in results)
    assert report['summary']['organization_roles'] == {'added': 0, 'removed': 0, 'changed': 0}
    assert access_words(report) == []
    assert membership_drift_markdown(report) == ('# GitHub membership drift\n\n**No drift**: GitHub matches the membership '
                                                 'data (4 places checked).\n')
    assert membership_drift_lines(report) == ['No drift: GitHub matches the membership data (4 places checked).']


def test_an_entry_without_access_keys_adds_no_target_and_no_count():
    plain = {'item': {'org': 'acme', 'members': ['alice']}, 'changed': False, 'changes': [], 'org': {}, 'teams': {},
             'diff': []}
    report = membership_drift_report(membership_roster_results({'results': [plain]}))
    assert [t['kind'] for t in report['targets']] == ['org']
    assert not set(report['summary']) & {'organization_roles', 'outside_collaborators', 'repositories', 'two_factor'}


def test_a_refused_plan_shows_what_would_have_changed():
    access_plan = plan(max_removals='0')
    assert access_plan.writes == [] and access_plan.problems[0].startswith('the plan removes 3 accesses')
    results = membership_roster_results({'results': [roster_result(access_plan, refused=True)]})
    failure, org, targets = results[0], results[1], results[2:]
    assert failure['kind'] == 'failure' and failure['refused'] == [{'team': None, 'problem': access_plan.problems[0]}]
    # The organization's target carries the reason (as for any refusal of the organization's plan).
    assert org['kind'] == 'org' and org['refused'] == access_plan.problems
    assert [t['kind'] for t in targets] == ['organization_roles', 'outside_collaborators', 'repositories', 'repositories']
    assert all((t['changed'], t['refused'], t['refused_plan'], t['differs']) == (False, [], True, True) for t in targets)
    assert targets[0]['access'] == access_plan.report['organization_roles']
    report = membership_drift_report(results)
    assert report['drift'] is True and report['summary']['refused'] == 1
    assert report['summary']['organization_roles'] == {'added': 2, 'removed': 1, 'changed': 0}
    assert report['refused'] == [{'org': 'acme', 'team': None, 'problem': access_plan.problems[0]}]
    lines = membership_drift_markdown(report).splitlines()
    at = lines.index('## Organization roles of acme')
    assert lines[at + 2] == 'Would not be written: the plan of acme is refused (see above).'
    assert '| unassign role | `carol` | `security_manager` |' in lines
    console = membership_drift_lines(report)
    assert console[1] == 'Would be refused by a guard: %s' % access_plan.problems[0]
    assert 'Organization roles of acme: unassign role carol (security_manager)' in console


def two_factor(policy, removed=()):
    without = [{'login': 'bob', 'kind': 'member', 'filter': '2fa_disabled'},
               {'login': 'ola', 'kind': 'outside_collaborator', 'filter': '2fa_insecure'}]
    return {'policy': policy, 'without': without, 'added': [], 'removed': [dict(r) for r in removed], 'changed': []}


def test_two_factor_report_lists_people_without_being_drift():
    results = membership_roster_results({'results': [roster_result(plan(CONVERGED), two_factor('report'))]})
    report = membership_drift_report(results)
    assert report['drift'] is False
    assert report['summary']['two_factor'] == {'added': 0, 'removed': 0, 'changed': 0, 'without': 2}
    assert access_words(report) == []
    markdown = membership_drift_markdown(report)
    assert '**No drift**' in markdown and '## Two-factor authentication in acme' in markdown
    assert ('Without two-factor authentication (`require_two_factor: report`): `bob` (member, two-factor authentication '
            'disabled), `ola` (outside collaborator, an insecure two-factor method)') in markdown
    assert membership_drift_lines(report) == [
        'No drift: GitHub matches the membership data (5 places checked).',
        'Without two-factor authentication in acme (require_two_factor: report): bob (member, two-factor authentication '
        'disabled), ola (outside collaborator, an insecure two-factor method)']


def test_two_factor_fail_turns_the_report_red():
    report = membership_drift_report(membership_roster_results({'results': [roster_result(plan(CONVERGED), two_factor('fail'))]}))
    assert report['drift'] is True and report['summary']['targets_with_drift'] == 1
    assert access_words(report) == ['2 without two-factor authentication']
    lines = membership_drift_markdown(report).splitlines()
    assert lines[2] == '**Drift found** in 1 of 5 places: 2 without two-factor authentication.'
    assert '- Two-factor authentication in acme: 2 without two-factor authentication' in lines


def test_two_factor_remove_lists_the_removals():
    removed = [{'login': 'bob', 'kind': 'member'}, {'login': 'ola', 'kind': 'outside_collaborator'}]
    report = membership_drift_report(membership_roster_results({'results': [
        roster_result(plan(CONVERGED), two_factor('remove', removed))]}))
    assert report['drift'] is True and report['summary']['two_factor']['removed'] == 2
    assert access_words(report) == ['2 removals for two-factor authentication']
    markdown = membership_drift_markdown(report)
    assert '| remove | `bob` | member without two-factor authentication |' in markdown
    assert '| remove | `ola` | outside collaborator without two-factor authentication |' in markdown
    assert 'Two-factor authentication in acme: remove ola (outside collaborator without two-factor authentication)' in (
        membership_drift_lines(report))


def test_many_people_without_two_factor_make_one_bounded_console_line():
    section = {'policy': 'report', 'added': [], 'removed': [], 'changed': [],
               'without': [{'login': 'u%d' % i, 'kind': 'member', 'filter': '2fa_disabled'} for i in range(100)]}
    lines = membership_drift_lines(membership_drift_report(membership_roster_results({'results': [
        roster_result(plan(CONVERGED), section)]})))
    assert len(lines) == 2 and lines[1].endswith('u39 (member, two-factor authentication disabled) and 60 more')


def test_many_teams_each_get_their_own_repositories_section():
    # 1,500 teams, each granted one repository it lacks, every third also losing one: one target per
    # team, in slug order, each holding its own section (the report is built per team, not by scanning
    # every team's section for each one).
    count = 1500
    teams = dict(('t%04d' % i, TeamAccess('t%04d' % i, None, {'old': Grant('old', 'pull')} if i % 3 == 0 else {}))
                 for i in range(count))
    access = AccessState('acme', teams=teams, repositories={'api': 'api', 'old': 'old'})
    wanted = {'teams': [{'team': 't%04d' % i, 'repositories': {'api': 'push'}, 'exclusive_repositories': True}
                        for i in reversed(range(count))]}
    access_plan = plan_access(access, wanted, max_removals='100%')
    assert access_plan.problems == [] and len(access_plan.report['repositories']) == count
    targets = membership_roster_results({'results': [roster_result(access_plan)]})
    assert [t['team'] for t in targets] == ['t%04d' % i for i in range(count)]
    assert all(t['access'] == access_plan.report['repositories'][t['team']] for t in targets)
    report = membership_drift_report(targets)
    assert report['summary']['repositories'] == {'added': count, 'removed': count // 3, 'changed': 0}
    lines = membership_drift_lines(report)
    assert len(lines) == 1 + 40 + 1 and lines[-1] == '... and %d more changes' % (count + count // 3 - 40)
    assert lines[1:3] == ['Repositories of team acme/t0000: grant api (push)', 'Repositories of team acme/t0000: revoke old (was pull)']
