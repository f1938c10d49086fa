"""The drift playbook end to end on the access keys and the two-factor policy (issue 20, item 5:
"the drift report shows it in its own section"): a membership file that differs from GitHub in an
organization role, an outside collaborator's permission and a team's repository, with
``require_two_factor: report``, run through ``gitops.github.drift`` (check mode), then
``gitops.github.apply``, then the drift again, on the simulator. Nothing here is built by hand:
the report is what the role writes from the roster's real results."""

from __future__ import annotations

import json

import pytest

from harness import writes
from test_role_playbooks import run, write_file
from test_roster_access import access_seed


@pytest.fixture
def seed():
    data = access_seed()
    data['orgs'][0]['two_factor_disabled'] = ['bob']
    return data


def membership():
    return {'membership_orgs': [{
        'org': 'acme',
        'require_two_factor': 'report',
        'organization_roles': [{'role': 'all_repo_read', 'users': ['bob', 'alice']}],
        'outside_collaborators': [{'login': 'olivia', 'repositories': {'widgets': 'push', 'docs': 'triage'}}],
        'teams': [{'team': 'platform', 'repositories': {'docs': 'pull', 'widgets': 'push'}}],
    }]}


def drift(collections_path, tmp_path, sim, name):
    report = {'membership_file': write_file(tmp_path, membership()), 'drift_report_json': str(tmp_path / (name + '.json')),
              'drift_report_markdown': str(tmp_path / (name + '.md'))}
    ran = run(collections_path, tmp_path, sim, 'gitops.github.drift', report)
    assert ran.rc == 0, ran.output
    return json.loads((tmp_path / (name + '.json')).read_text()), (tmp_path / (name + '.md')).read_text()


def sections(report):
    return dict(((t['kind'], t.get('team')), t) for t in report['targets'] if 'access' in t)


def test_each_access_section_and_the_two_factor_list_show_in_the_drift_report_until_applied(collections_path, tmp_path, sim):
    report, markdown = drift(collections_path, tmp_path, sim, 'before')
    assert writes(sim) == []
    found = sections(report)
    assert found['organization_roles', None]['access']['added'] == [{'role': 'all_repo_read', 'user': 'alice'}]
    assert found['outside_collaborators', None]['access']['changed'] == [
        {'login': 'olivia', 'repository': 'docs', 'before': 'pull', 'after': 'triage'}]
    assert found['repositories', 'platform']['access']['added'] == [{'repository': 'widgets', 'permission': 'push'}]
    assert [p['login'] for p in found['two_factor', None]['without']] == ['bob']
    summary = report['summary']
    assert summary['organization_roles'] == {'added': 1, 'removed': 0, 'changed': 0}
    assert summary['outside_collaborators'] == {'added': 0, 'removed': 0, 'changed': 1}
    assert summary['repositories'] == {'added': 1, 'removed': 0, 'changed': 0}
    assert report['drift'] is True
    for heading in ('Organization roles of acme', 'Outside collaborators of acme', 'Repositories of team acme/platform',
                    'Two-factor authentication in acme'):
        assert heading in markdown, markdown

    applied = run(collections_path, tmp_path, sim, 'gitops.github.apply', {'membership_file': write_file(tmp_path, membership())})
    assert applied.rc == 0, applied.output
    assert sorted(w for w in writes(sim)) == sorted([
        ('PUT', '/orgs/acme/organization-roles/users/alice/%d' % sim.state.org('acme').role_named('all_repo_read').id),
        ('PUT', '/repos/acme/docs/collaborators/olivia'),
        ('PUT', '/orgs/acme/teams/platform/repos/acme/widgets')])

    after, markdown = drift(collections_path, tmp_path, sim, 'after')
    found = sections(after)
    for key in (('organization_roles', None), ('outside_collaborators', None), ('repositories', 'platform')):
        assert key not in found or not any(found[key]['access'][k] for k in ('added', 'removed', 'changed')), found[key]
    # The two-factor list is a finding, not drift, under `report`: bob still has none.
    assert [p['login'] for p in found['two_factor', None]['without']] == ['bob']
    assert after['drift'] is False, after['summary']
