"""The export of an organization's access (issue 20): membership_export_roster writes the
organization roles, outside collaborators and teams' repositories that github_org_roster's
``current`` carries (INTERFACE-20's shapes), in a stable order, leaving out what is empty; and the
export applied back to the same access plans no write (``_plan_access.plan_access``)."""

from __future__ import annotations

from ansible_collections.gitops.github.plugins.filter.membership import membership_export_roster, membership_problems
from ansible_collections.gitops.github.plugins.module_utils._access_state import (
    AccessState,
    Collaborator,
    Grant,
    OrgRole,
    TeamAccess,
)
from ansible_collections.gitops.github.plugins.module_utils._plan_access import plan_access

MEMBERS = ['root', 'alice', 'Bob', 'carol']


def state():
    """Roles with holders in mixed case and order, a role nobody holds, an outside collaborator
    with a pending invitation, and a child team that inherits its parent's grants."""
    roles = {'security_manager': OrgRole(1, 'security_manager', 'Predefined', users={'carol': 'carol', 'bob': 'Bob'},
                                         teams={'platform': 'platform'}),
             'all_repo_read': OrgRole(2, 'all_repo_read', 'Predefined', users={}, teams={'auditors': 'auditors'}),
             'custom-reviewer': OrgRole(3, 'Custom-Reviewer', 'Organization', users={'alice': 'alice'}, teams={}),
             'all_repo_admin': OrgRole(4, 'all_repo_admin', 'Predefined', users={}, teams={})}
    teams = {'platform': TeamAccess('platform', None, {'web': Grant('Web', 'push'), 'api': Grant('api', 'maintain')}),
             'web': TeamAccess('web', 'platform', {'docs': Grant('docs', 'pull')}),
             'auditors': TeamAccess('auditors')}
    outside = {'zed': Collaborator('zed', {'docs': Grant('docs', 'push')}),
               'olga': Collaborator('Olga', {'web': Grant('Web', 'pull', pending=True, invitation_id=7),
                                             'api': Grant('api', 'triage')})}
    repositories = dict((name.lower(), name) for name in ('api', 'docs', 'Web'))
    return AccessState('acme', roles, teams, outside, repositories)


def current(access):
    """``current`` as INTERFACE-20 describes it: roles with direct holders only, outside
    collaborators with their repositories, each team's direct grants (GitHub's reading order)."""
    return {
        'org': 'acme', 'owners': ['root'], 'members': ['alice', 'Bob', 'carol'],
        'organization_roles': [{'role': r.name, 'users': list(r.users.values()), 'teams': list(r.teams.values())}
                               for r in access.roles.values() if r.users or r.teams],
        'outside_collaborators': [{'login': p.login, 'repositories': dict((g.repository, g.permission) for g in p.repositories.values())}
                                  for p in access.outside.values()],
        'teams': [dict({'team': t.slug, 'maintainers': [], 'members': []},
                       **({'repositories': dict((g.repository, g.permission) for g in t.repositories.values())}
                          if t.repositories else {}))
                  for _key, t in sorted(access.teams.items())],
    }


def test_the_export_writes_roles_collaborators_and_team_repositories_in_a_stable_order():
    [entry] = membership_export_roster({'results': [{'current': current(state())}]})
    assert list(entry) == ['org', 'exclusive', 'owners', 'members', 'organization_roles', 'outside_collaborators', 'teams']
    assert entry['organization_roles'] == [
        {'role': 'all_repo_read', 'exclusive': True, 'teams': ['auditors']},
        {'role': 'Custom-Reviewer', 'exclusive': True, 'users': ['alice']},
        {'role': 'security_manager', 'exclusive': True, 'users': ['Bob', 'carol'], 'teams': ['platform']}]
    # Never exclusive: the export does not read pending repository invitations, which an
    # exclusive list would cancel on the next apply.
    assert 'exclusive_outside_collaborators' not in entry
    assert entry['outside_collaborators'] == [{'login': 'Olga', 'repositories': {'api': 'triage', 'Web': 'pull'}},
                                              {'login': 'zed', 'repositories': {'docs': 'push'}}]
    assert [list(r['repositories']) for r in entry['outside_collaborators']] == [['api', 'Web'], ['docs']]
    teams = dict((t['team'], t) for t in entry['teams'])
    assert teams['platform'] == {'team': 'platform', 'exclusive': True, 'maintainers': [], 'members': [],
                                 'exclusive_repositories': True, 'repositories': {'api': 'maintain', 'Web': 'push'}}
    assert list(teams['platform']['repositories']) == ['api', 'Web']
    assert teams['web']['repositories'] == {'docs': 'pull'}  # direct grants only: platform's are inherited
    assert 'repositories' not in teams['auditors'] and 'exclusive_repositories' not in teams['auditors']
    assert membership_problems([entry]) == []


def test_exclusive_false_marks_nothing_exclusive():
    [entry] = membership_export_roster({'results': [{'current': current(state())}]}, False)
    assert {r['exclusive'] for r in entry['organization_roles']} == {False}
    assert 'exclusive_outside_collaborators' not in entry
    assert {t.get('exclusive_repositories') for t in entry['teams']} == {False, None}


def test_an_organization_without_access_in_current_exports_no_access_key():
    plain = {'org': 'acme', 'owners': ['root'], 'members': [], 'teams': [{'team': 't', 'maintainers': [], 'members': []}]}
    for extra in ({}, {'organization_roles': [], 'outside_collaborators': []},
                  {'organization_roles': [{'role': 'all_repo_read', 'users': [], 'teams': []}]}):
        [entry] = membership_export_roster({'results': [{'current': dict(plain, **extra)}]})
        assert list(entry) == ['org', 'exclusive', 'owners', 'members', 'teams'], extra
        assert entry['teams'] == [{'team': 't', 'exclusive': True, 'maintainers': [], 'members': []}]


def test_applying_the_export_back_plans_no_write():
    access = state()
    for exclusive in (True, False):
        [entry] = membership_export_roster({'results': [{'current': current(access)}]}, exclusive)
        plan = plan_access(access, entry, members=MEMBERS, max_removals='0')
        assert plan.problems == [] and plan.proposed == [], (exclusive, plan.problems, plan.proposed)
        assert plan.report['repositories']['web']['inherited'] == [
            {'repository': 'api', 'permission': 'maintain', 'from': 'platform'},
            {'repository': 'Web', 'permission': 'push', 'from': 'platform'}]


def test_an_outside_collaborator_without_repositories_is_kept_so_an_exclusive_apply_removes_nobody():
    access = state()
    access.outside['ghost'] = Collaborator('ghost')  # GitHub lists them, no repository read
    [entry] = membership_export_roster({'results': [{'current': current(access)}]})
    assert {'login': 'ghost', 'repositories': {}} in entry['outside_collaborators']
    assert plan_access(access, entry, members=MEMBERS).proposed == []
    # Someone who makes the exported list exclusive keeps them; left out, that exclusive apply
    # would remove them from the organization's repositories.
    entry['exclusive_outside_collaborators'] = True
    assert plan_access(access, entry, members=MEMBERS).proposed == []
    entry['outside_collaborators'] = [p for p in entry['outside_collaborators'] if p['login'] != 'ghost']
    assert [(w.action, w.subject) for w in plan_access(access, entry, members=MEMBERS).proposed] == [('remove', 'ghost')]
