"""Teams themselves through github_org_roster and real ansible-playbook runs on the simulator:
created with their settings (parents first), settings converged, renamed from ``previously``,
the token's user taken out of a team it created, and a cycle of parents refused before any
request.

The base seed's acme: teams platform (alice maintainer, bob member), platform-oncall (child of
platform: carol) and sso-synced; the token belongs to octo-admin, an owner.
"""

from __future__ import annotations

import json

from harness import writes


def roster_task(name='roster', **args):
    return {'name': name, 'gitops.github.github_org_roster': dict({'org': 'acme'}, **args)}


def bodies(sim, method, path):
    return [json.loads(e.request_body) for e in sim.log if e.method == method and e.path == path]


def test_listed_teams_are_created_parents_first_and_the_creator_is_taken_out(sim, play):
    task = roster_task(teams=[
        {'team': 'web-oncall', 'parent': 'web', 'members': ['carol']},
        {'team': 'web', 'name': 'Web', 'description': 'The web people', 'privacy': 'closed',
         'notification_setting': 'notifications_disabled', 'maintainers': ['alice']},
    ])
    checked = play(sim, [task], check=True)
    assert checked.rc == 0, checked.output
    predicted = checked.task('roster')
    assert writes(sim) == []
    assert [(c['scope'], c['team'], c['action'], c['login']) for c in predicted['changes']] == [
        ('team_settings', 'web', 'create', None),
        ('team_settings', 'web-oncall', 'create', None),
        ('team', 'web-oncall', 'add', 'carol'),  # memberships in the file's order
        ('team', 'web', 'add', 'alice'),
        ('team', 'web-oncall', 'remove', 'octo-admin'),
        ('team', 'web', 'remove', 'octo-admin'),
    ]
    assert predicted['teams']['web']['created'] is True

    applied = play(sim, [task])
    assert applied.rc == 0, applied.output
    result = applied.task('roster')
    assert result['changes'] == predicted['changes']
    posts = bodies(sim, 'POST', '/orgs/acme/teams')
    web_id = sim.state.team('acme', 'web').id
    assert posts == [{'name': 'Web', 'description': 'The web people', 'privacy': 'closed',
                      'notification_setting': 'notifications_disabled'},
                     {'name': 'web-oncall', 'parent_team_id': web_id}]
    assert sim.state.team_members('acme', 'web') == {'alice': 'maintainer'}
    assert sim.state.team_members('acme', 'web-oncall') == {'carol': 'member'}
    assert sim.state.team('acme', 'web-oncall').parent_id == web_id

    rerun = play(sim, [task]).task('roster')
    assert rerun['changed'] is False, rerun['changes']


def test_settings_are_converged_with_check_mode_and_diff(sim, play):
    task = roster_task(teams=[{'team': 'platform-oncall', 'description': 'Pager duty', 'parent': None},
                              {'team': 'platform', 'name': 'Platform', 'privacy': 'closed'}])
    task['gitops.github.github_org_roster']['teams'][0].pop('parent')
    checked = play(sim, [task], check=True).task('roster')
    assert [c['settings'] for c in checked['changes']] == [{'description': 'Pager duty'}]
    applied = play(sim, [task])
    assert applied.rc == 0, applied.output
    assert writes(sim) == [('PATCH', '/orgs/acme/teams/platform-oncall')]
    assert sim.state.team('acme', 'platform-oncall').description == 'Pager duty'
    assert play(sim, [task]).task('roster')['changed'] is False


def test_previously_renames_instead_of_creating(sim, play):
    task = roster_task(teams=[{'team': 'infra', 'name': 'Infra', 'previously': ['platform'],
                               'maintainers': ['alice'], 'members': ['bob']}])
    checked = play(sim, [task], check=True).task('roster')
    assert checked['changes'] == [{'scope': 'team_settings', 'team': 'platform', 'action': 'rename', 'login': None,
                                   'role': None, 'settings': {'name': 'Infra'}, 'new_slug': 'infra'}]
    applied = play(sim, [task])
    assert applied.rc == 0, applied.output
    assert writes(sim) == [('PATCH', '/orgs/acme/teams/platform')]
    assert sim.state.team('acme', 'platform') is None
    assert sim.state.team_members('acme', 'infra') == {'alice': 'maintainer', 'bob': 'member'}
    assert applied.task('roster')['teams']['infra']['renamed_from'] == 'platform'
    assert play(sim, [task]).task('roster')['changed'] is False


def test_a_cycle_of_parents_fails_before_any_write(sim, play):
    task = roster_task(teams=[{'team': 'platform', 'parent': 'platform-oncall'}])
    run = play(sim, [task])
    assert run.rc != 0
    assert 'would form a cycle of parents: platform -> platform-oncall -> platform' in run.task('roster')['msg']
    assert writes(sim) == []


def test_a_name_whose_slug_differs_fails_before_any_write(sim, play):
    run = play(sim, [roster_task(teams=[{'team': 'web', 'name': 'Web Team'}])])
    assert run.rc != 0
    assert 'GitHub derives the slug web-team from the name' in run.task('roster')['msg']
    assert writes(sim) == []


def test_unlisted_teams_are_reported_and_deleted_only_when_asked_through_the_guard(sim, play):
    listed = [{'team': 'platform', 'maintainers': ['alice'], 'members': ['bob']},
              {'team': 'platform-oncall', 'members': ['carol']}]
    sim.state.create_team(sim.state.org('acme'), 'Old', 'old', None, 'secret', None, 'notifications_enabled')
    reported = play(sim, [roster_task(teams=listed)])
    assert reported.rc == 0, reported.output
    assert reported.task('roster')['org']['unlisted_teams'] == ['old', 'sso-synced']
    assert writes(sim) == []

    refused = play(sim, [roster_task(teams=listed, delete_unlisted_teams=True, max_removals=1)])
    assert refused.rc != 0
    assert 'Refusing to delete 2 of the 4 teams of acme (delete_unlisted_teams): max_removals=1' in \
        refused.task('roster')['msg']
    assert writes(sim) == []

    deleted = play(sim, [roster_task(teams=listed, delete_unlisted_teams=True, max_removals=2)])
    assert deleted.rc == 0, deleted.output
    assert sorted(writes(sim)) == [('DELETE', '/orgs/acme/teams/old'), ('DELETE', '/orgs/acme/teams/sso-synced')]
    assert deleted.task('roster')['org']['deleted_teams'] == ['old', 'sso-synced']
    assert play(sim, [roster_task(teams=listed, delete_unlisted_teams=True)]).task('roster')['changed'] is False

    parent_unlisted = play(sim, [roster_task(teams=[listed[1]], delete_unlisted_teams=True, max_removals=5)])
    assert parent_unlisted.rc != 0
    assert 'deleting it would delete the listed team(s) below it (platform-oncall)' in \
        parent_unlisted.task('roster')['msg']


def test_the_drift_report_shows_team_creation(collections_path, tmp_path, sim):
    from test_role_playbooks import by_path, run, write_file
    data = {'membership_orgs': [{'org': 'acme', 'teams': [
        {'team': 'web', 'description': 'The web people', 'privacy': 'closed', 'maintainers': ['alice']}]}]}
    path = write_file(tmp_path, data)
    drift = run(collections_path, tmp_path, sim, by_path(collections_path, 'drift'),
                {'membership_file': path, 'drift_report_json': str(tmp_path / 'd.json'),
                 'drift_report_markdown': str(tmp_path / 'd.md')})
    assert drift.rc == 0, drift.output
    assert writes(sim) == []
    report = json.loads((tmp_path / 'd.json').read_text())
    web = [t for t in report['targets'] if t['team'] == 'web'][0]
    assert web['changed'] is True and web['definition'][0]['action'] == 'create'
    assert '| create team |  | description: The web people, name: web, privacy: closed |' in (tmp_path / 'd.md').read_text()
