"""github_team_info: one paginated list of an org's teams, following Link."""

from __future__ import annotations

from ansible_collections.gitops.github.plugins.modules import github_team_info as module

from exact_http import NOT_FOUND, call, exact_calls
from list_helpers import paged


def team(slug, team_id, parent=None):
    return {'id': team_id, 'slug': slug, 'name': slug.title(), 'privacy': 'closed',
            'parent': {'id': 1, 'slug': parent} if parent else None}


def test_lists_every_page_sorted_with_parents(run_module):
    pages = [[team('zeta', 3), team('Alpha', 1)], [team('alpha-oncall', 2, parent='Alpha')]]
    with exact_calls(paged('/orgs/acme/teams', {}, pages, next_path='/organizations/9001/teams')):
        result = run_module(module.main, {'org': 'acme'}, check_mode=True)
    assert result['changed'] is False
    assert [(t['slug'], t['id'], t['parent']) for t in result['teams']] == [
        ('Alpha', 1, None), ('alpha-oncall', 2, 'Alpha'), ('zeta', 3, None)]


def test_missing_org_fails_naming_it(run_module):
    with exact_calls([call('GET', '/orgs/acme/teams', 404, NOT_FOUND, query={'per_page': '100'})]):
        result = run_module(module.main, {'org': 'acme'})
    assert result['failed'] is True
    assert result['msg'].startswith('list the teams of acme: GET /orgs/acme/teams')
    assert 'HTTP 404' in result['msg']
