"""The membership role and the apply / drift / export playbooks, run as a user runs them (by FQCN
from the installed collection, and by path) against the simulator: apply then an unchanged rerun,
the drift report and exit status, the export -> apply round trip, and bad input refused before any
request."""

from __future__ import annotations

import json
import os

import pytest
import yaml

from harness import OWNER_TOKEN, ansible_playbook, writes

# What the seed (harness.BASE_SEED) has, written as the role's input, with three edits: new-hire
# joins the org and the platform team, bob is promoted to maintainer, Mixed-Case is removed.
WANTED = {'membership_orgs': [{
    'org': 'acme',
    'exclusive': True,
    'max_removals': 1,
    'owners': ['octo-admin', 'erin'],
    'members': ['alice', 'bob', 'carol', 'dave', 'new-hire'],
    'teams': [
        {'team': 'platform', 'exclusive': True, 'maintainers': ['alice', 'bob'], 'members': ['new-hire']},
        {'team': 'platform-oncall', 'maintainers': [], 'members': ['carol']},
    ],
}]}


def run(collections_path, tmp_path, sim, playbook, extra_vars, token=OWNER_TOKEN, args=()):
    """``ansible-playbook <playbook> -e @vars.json`` the way a user runs it: token and API from the
    environment, no inventory file."""
    vars_file = tmp_path / ('vars-%d.json' % len(list(tmp_path.glob('vars-*.json'))))
    vars_file.write_text(json.dumps(dict({'github_write_delay': 0}, **extra_vars)))
    env = {'GITHUB_API_URL': sim.api_url}
    if token:
        env['GITHUB_TOKEN'] = token
    return ansible_playbook(collections_path, [playbook, '-e', '@%s' % vars_file] + list(args), str(tmp_path), env)


def by_path(collections_path, name):
    return os.path.join(collections_path, 'ansible_collections', 'gitops', 'github', 'playbooks', name + '.yml')


def write_file(tmp_path, data, name='membership.yml'):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return str(path)


def test_apply_changes_then_rerun_changes_nothing(collections_path, tmp_path, sim):
    path = write_file(tmp_path, WANTED)
    first = run(collections_path, tmp_path, sim, 'gitops.github.apply', {'membership_file': path})
    assert first.rc == 0, first.output
    assert sorted(writes(sim)) == sorted([
        ('PUT', '/orgs/acme/memberships/new-hire'),
        ('DELETE', '/orgs/acme/memberships/Mixed-Case'),
        ('PUT', '/orgs/acme/teams/platform/memberships/bob'),
        ('PUT', '/orgs/acme/teams/platform/memberships/new-hire'),
    ]), first.output
    assert sim.state.team_role('acme', 'platform', 'bob') == 'maintainer'
    results = first.task('gitops.github.membership : Collect what changed (or would change)')['ansible_facts']['membership_results']
    org, platform, oncall = results
    assert [a['login'] for a in org['added']] == ['new-hire'] and org['added'][0]['pending'] is True
    assert [r['login'] for r in org['removed']] == ['Mixed-Case']
    assert platform['role_changed'] == [{'login': 'bob', 'from': 'member', 'to': 'maintainer', 'pending': False}]
    assert platform['inherited'] == ['carol']
    assert oncall['changed'] is False

    count = len(sim.log)
    second = run(collections_path, tmp_path, sim, by_path(collections_path, 'apply'), {'membership_file': path})
    assert second.rc == 0, second.output
    assert second.changed_tasks == [], second.output
    assert len(writes(sim)) == 4
    assert all(e.method == 'GET' or e.route == '/graphql' for e in sim.log[count:])
    # One roster task for the org: its lists over REST and all its teams in one GraphQL query.
    assert len([e for e in sim.log[count:] if e.route == '/graphql']) == 1


def test_drift_report_contents_and_exit_status(collections_path, tmp_path, sim):
    path = write_file(tmp_path, WANTED)
    report = {'membership_file': path, 'drift_report_json': str(tmp_path / 'drift.json'),
              'drift_report_markdown': str(tmp_path / 'drift.md')}

    failing = run(collections_path, tmp_path, sim, 'gitops.github.drift', dict(report, fail_on_drift=True))
    assert failing.rc != 0, failing.output
    assert 'Drift found in 2 of 3 places: 2 to add, 1 to remove, 1 role changes' in failing.output.replace('\n', ' ')
    assert writes(sim) == []
    data = json.loads((tmp_path / 'drift.json').read_text())
    assert data['drift'] is True
    assert data['summary'] == {'targets': 3, 'targets_with_drift': 2, 'added': 2, 'removed': 1, 'role_changed': 1,
                               'public_changed': 0, 'pending': 3, 'managed_externally': 0,
                               'problems': 0, 'reinvited': 0, 'expired': 0, 'expiring': 0,
                               'renamed': 0, 'invitations_left': 0, 'refused': 0, 'failures': 0}
    org, platform, oncall = data['targets']
    assert (org['name'], org['kind']) == ('acme', 'org')
    assert org['added'] == [{'login': 'new-hire', 'role': 'member', 'pending': True}]
    assert org['removed'] == [{'login': 'Mixed-Case', 'role': 'member', 'pending': False}]
    assert org['pending'] == ['dave', 'new-hire']
    assert platform['name'] == 'acme/platform'
    assert platform['role_changed'] == [{'login': 'bob', 'from': 'member', 'to': 'maintainer', 'pending': False}]
    assert platform['added'] == [{'login': 'new-hire', 'role': 'member', 'pending': True}]
    assert platform['pending'] == ['new-hire']
    assert oncall['changed'] is False
    markdown = (tmp_path / 'drift.md').read_text()
    assert '**Drift found** in 2 of 3 places: 2 to add, 1 to remove, 1 role changes.' in markdown
    assert '| add | `new-hire` | as member (invitation, pending until accepted) |' in markdown
    assert '| remove | `Mixed-Case` | was member |' in markdown
    assert '| change role | `bob` | member → maintainer |' in markdown
    assert 'Pending invitations: `dave`, `new-hire`' in markdown

    # Without fail_on_drift the same drift is reported and the run succeeds (still no writes).
    quiet = run(collections_path, tmp_path, sim, by_path(collections_path, 'drift'), report)
    assert quiet.rc == 0, quiet.output
    assert json.loads((tmp_path / 'drift.json').read_text())['drift'] is True
    assert writes(sim) == []

    applied = run(collections_path, tmp_path, sim, 'gitops.github.apply', {'membership_file': path})
    assert applied.rc == 0, applied.output
    count = len(writes(sim))
    clean = run(collections_path, tmp_path, sim, 'gitops.github.drift', dict(report, fail_on_drift=True))
    assert clean.rc == 0, clean.output
    data = json.loads((tmp_path / 'drift.json').read_text())
    assert data['drift'] is False and data['summary']['targets_with_drift'] == 0
    assert '**No drift**' in (tmp_path / 'drift.md').read_text()
    assert len(writes(sim)) == count


def test_managed_externally_team_is_read_and_reported_never_written(collections_path, tmp_path, sim):
    """sso-synced is under team synchronization: marked managed_externally, apply and drift only read
    it and report what differs, and the other teams are written as usual."""
    wanted = {'membership_orgs': [{'org': 'acme', 'teams': [
        {'team': 'sso-synced', 'managed_externally': 'yes', 'members': ['alice', 'bob']},
        {'team': 'platform', 'maintainers': ['alice', 'bob']},
    ]}]}
    path = write_file(tmp_path, wanted)
    applied = run(collections_path, tmp_path, sim, 'gitops.github.apply', {'membership_file': path})
    assert applied.rc == 0, applied.output
    assert writes(sim) == [('PUT', '/orgs/acme/teams/platform/memberships/bob')], applied.output
    results = applied.task('gitops.github.membership : Collect what changed (or would change)')['ansible_facts']['membership_results']
    platform, managed = results
    assert managed['managed_externally'] is True and managed['changed'] is False and managed['differs'] is True
    assert managed['added'] == [{'login': 'bob', 'role': 'member', 'pending': False}]
    assert platform['changed'] is True and platform['managed_externally'] is False
    assert not [e for e in sim.log if e.method != 'GET' and 'sso-synced' in e.path]

    report = {'membership_file': path, 'drift_report_json': str(tmp_path / 'drift.json'),
              'drift_report_markdown': str(tmp_path / 'drift.md')}
    drift = run(collections_path, tmp_path, sim, 'gitops.github.drift', dict(report, fail_on_drift=True))
    assert drift.rc != 0, drift.output
    data = json.loads((tmp_path / 'drift.json').read_text())
    assert data['summary']['targets_with_drift'] == 1 and data['summary']['managed_externally'] == 1
    assert 'Managed by the identity provider' in (tmp_path / 'drift.md').read_text()
    assert len(writes(sim)) == 1


def test_an_unmarked_managed_team_fails_saying_so_and_the_other_teams_go_on(collections_path, tmp_path, sim):
    wanted = {'membership_orgs': [{'org': 'acme', 'teams': [
        {'team': 'sso-synced', 'members': ['alice', 'bob', 'carol']},
        {'team': 'platform', 'maintainers': ['alice', 'bob']},
    ]}]}
    applied = run(collections_path, tmp_path, sim, 'gitops.github.apply', {'membership_file': write_file(tmp_path, wanted)})
    assert applied.rc != 0
    assert writes(sim) == [('PUT', '/orgs/acme/teams/sso-synced/memberships/bob'),
                           ('PUT', '/orgs/acme/teams/platform/memberships/bob')], applied.output
    assert 'managed by your identity provider through the IdP group sso-synced-idp-group' in applied.stdout
    assert "add carol to team sso-synced in acme as member" in applied.stdout  # reported as skipped
    assert sim.state.team_role('acme', 'platform', 'bob') == 'maintainer'


def test_export_then_apply_changes_nothing(collections_path, tmp_path, sim):
    out = str(tmp_path / 'exported.yml')
    exported = run(collections_path, tmp_path, sim, 'gitops.github.export', {'export_orgs': 'acme', 'membership_file': out})
    assert exported.rc == 0, exported.output
    with open(out) as handle:
        data = yaml.safe_load(handle)
    acme, = data['membership_orgs']
    assert acme['org'] == 'acme' and acme['exclusive'] is True
    # Members carry GitHub's immutable id (renames are followed); dave's pending invitation has none.
    ids = dict((login, sim.state.user(login).id) for login in ['erin', 'octo-admin', 'alice', 'bob', 'carol', 'Mixed-Case'])
    assert acme['owners'] == [{'login': 'erin', 'id': ids['erin']}, {'login': 'octo-admin', 'id': ids['octo-admin']}]
    assert acme['members'] == [{'login': 'alice', 'id': ids['alice']}, {'login': 'bob', 'id': ids['bob']},
                               {'login': 'carol', 'id': ids['carol']}, 'dave',
                               {'login': 'Mixed-Case', 'id': ids['Mixed-Case']}]
    teams = dict((t['team'], t) for t in acme['teams'])
    assert sorted(teams) == ['platform', 'platform-oncall', 'sso-synced']
    # carol shows on platform only through platform-oncall: she is exported with the child team.
    assert (teams['platform']['maintainers'], teams['platform']['members']) == (['alice'], ['bob'])
    assert teams['platform-oncall']['members'] == ['carol']
    # Each team's own settings are exported too, so applying them back changes nothing.
    assert (teams['platform']['name'], teams['platform']['privacy']) == ('Platform', 'closed')
    assert teams['platform-oncall']['parent'] == 'platform'
    assert writes(sim) == []

    applied = run(collections_path, tmp_path, sim, by_path(collections_path, 'apply'), {'membership_file': out})
    assert applied.rc == 0, applied.output
    assert applied.changed_tasks == [], applied.output
    assert writes(sim) == []
    drift = run(collections_path, tmp_path, sim, by_path(collections_path, 'drift'),
                {'membership_file': out, 'fail_on_drift': True, 'drift_report_json': str(tmp_path / 'd.json'),
                 'drift_report_markdown': ''})
    assert drift.rc == 0, drift.output
    assert json.loads((tmp_path / 'd.json').read_text())['drift'] is False
    assert not (tmp_path / 'membership-drift.md').exists()


def test_token_never_shown_even_at_high_verbosity(collections_path, tmp_path, sim):
    # The export reads the team list with ansible.builtin.uri and an Authorization header.
    out = str(tmp_path / 'exported.yml')
    exported = run(collections_path, tmp_path, sim, 'gitops.github.export',
                   {'export_orgs': 'acme', 'membership_file': out}, args=('-vvv',))
    assert exported.rc == 0, exported.output
    assert OWNER_TOKEN not in exported.output
    drift = run(collections_path, tmp_path, sim, 'gitops.github.drift', {'membership_file': out}, args=('-vvv',))
    assert drift.rc == 0, drift.output
    assert OWNER_TOKEN not in drift.output


def _org(**changes):
    org = {'org': 'acme', 'owners': ['octo-admin'], 'members': ['alice', 'bob'],
           'teams': [{'team': 'platform', 'maintainers': ['alice'], 'members': ['bob']}]}
    org.update(changes)
    return org


@pytest.mark.parametrize('orgs, message', [
    ([dict(_org(), ownerz=['erin'])], 'ownerz'),
    ([_org(exclusive='maybe')], 'exclusive'),
    ([_org(teams=[{'team': 'platform', 'maintainers': ['alice'], 'membrs': ['bob']}])], 'membrs'),
    ([_org(teams=[{'team': 'platform', 'members': ['bob', 'carol']}])],
     'acme: teams[0] (platform).members[1]: carol is not among the owners or members'),
    ([_org(members=['alice', 'bob', 'octo-admin'])],
     'acme: octo-admin is listed both as owner (owners[0]) and as member (members[2]); a user has one role'),
    ([_org(members=['alice', 'bob', 'Bob'])],
     'acme: bob and Bob are the same user (members[1] and members[2]; logins are case-insensitive)'),
    ([_org(members=['alice', 'bob', 'not a login'])], "'not a login' is not a valid GitHub login"),
    ([_org(max_removals='lots')], 'max_removals must be a number of users'),
    ([_org(), _org(org='ACME')], 'organization ACME is listed twice'),
], ids=['typo-org-key', 'bad-type', 'typo-team-key', 'team-member-not-in-org', 'two-roles', 'case-duplicate',
        'bad-login', 'bad-max-removals', 'org-twice'])
def test_bad_input_fails_before_any_request(collections_path, tmp_path, sim, orgs, message):
    path = write_file(tmp_path, {'membership_orgs': orgs})
    run_ = run(collections_path, tmp_path, sim, 'gitops.github.apply', {'membership_file': path})
    assert run_.rc != 0
    assert message in run_.output, run_.output
    assert sim.log == []


def test_one_org_per_inventory_host_in_parallel(collections_path, tmp_path, sim):
    """Each inventory host carries its own membership_orgs; -e membership_hosts picks the group,
    and forks run the organizations side by side, each with one roster task and its own report."""
    inventory = tmp_path / 'orgs.yml'
    acme = dict(WANTED['membership_orgs'][0])
    other = {'org': 'other-org', 'owners': ['frank', 'octo-admin'], 'members': []}
    inventory.write_text(yaml.safe_dump({'github_orgs': {'hosts': {
        'acme': {'membership_orgs': [acme]},
        'other-org': {'membership_orgs': [other]},
    }}}))
    sim.state.set_org_role(sim.state.org('other-org'), 'octo-admin', 'admin')
    drift = run(collections_path, tmp_path, sim, 'gitops.github.drift',
                {'membership_hosts': 'github_orgs', 'drift_report_markdown': ''},
                args=['-i', str(inventory), '--forks', '2'])
    assert drift.rc == 0, drift.output
    assert writes(sim) == []
    acme_report = json.loads((tmp_path / 'membership-drift-acme.json').read_text())
    other_report = json.loads((tmp_path / 'membership-drift-other-org.json').read_text())
    assert acme_report['drift'] is True and acme_report['summary']['added'] == 2
    assert other_report['drift'] is False
    roster_reads = [e for e in sim.log if e.route == '/graphql']
    assert len(roster_reads) == 2  # one query per organization


def test_drift_reports_expiring_expired_renamed_and_reinvited_people(collections_path, tmp_path, sim):
    """The drift playbook on a file with time-bound access (an unquoted YAML date, as people
    write it), a renamed user matched by id and an expired invitation: JSON for CI, Markdown for
    a pull-request comment, and the scheduled run fails red."""
    import datetime
    today = datetime.datetime.now(datetime.timezone.utc).date()
    bob_id = sim.state.user('bob').id
    sim.state.rename_user('bob', 'robert')
    sim.state.expire_invitation('acme', 'dave')
    soon = (today + datetime.timedelta(days=3)).isoformat()
    gone = (today - datetime.timedelta(days=1)).isoformat()
    text = '\n'.join([
        'membership_orgs:',
        '  - org: acme',
        '    owners: [octo-admin, erin]',
        '    members:',
        '      - alice',
        '      - {login: bob, id: %d}' % bob_id,
        '      - {login: carol, expires: %s}' % soon,
        '      - {login: Mixed-Case, expires: %s}' % gone,
        '      - dave',
        '    teams:',
        '      - team: platform',
        '        maintainers: [alice]',
        '        members: [bob]',
        '',
    ])
    path = tmp_path / 'membership.yml'
    path.write_text(text)
    report_json, report_md = tmp_path / 'd.json', tmp_path / 'd.md'
    drift = run(collections_path, tmp_path, sim, by_path(collections_path, 'drift'),
                {'membership_file': str(path), 'fail_on_drift': True, 'drift_report_json': str(report_json),
                 'drift_report_markdown': str(report_md)})
    assert drift.rc != 0, drift.output  # drift: dave's invitation is sent again, bob's login changed
    assert writes(sim) == []
    report = json.loads(report_json.read_text())
    assert report['drift'] is True
    summary = report['summary']
    assert (summary['reinvited'], summary['renamed'], summary['expired'], summary['expiring']) == (1, 1, 1, 1)
    markdown = report_md.read_text()
    assert '| re-invite | `dave` |' in markdown
    assert 'Login changed from `bob` to `robert` (user id %d): update the file.' % bob_id in markdown
    assert 'Access expired: `Mixed-Case` (%s)' % gone in markdown
    assert 'Access expiring soon, renew or let it end: `carol` (%s, ' % soon in markdown
    assert len(markdown) < 65536  # a GitHub comment body holds at most 65,536 characters
