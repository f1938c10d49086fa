"""ghsim --seed-from-export: a simulator world built from the membership role's input format, and
the pytest plugin (entry point pytest11) with its github_simulator fixture."""

from __future__ import annotations

import signal
import subprocess
import sys
from importlib.metadata import entry_points

import pytest
import requests
import yaml
from ghsim import SeedError, Simulator, seed_from_export
from ghsim.pytest_plugin import GitHubSimulator

EXPORT = {'membership_orgs': [{
    'org': 'my-org',
    'exclusive': True,
    'owners': ['Boss', {'login': 'deputy', 'id': 4242}],
    'members': ['alice', 'bob', {'email': 'new@example.com'}],
    'teams': [
        {'team': 'core', 'exclusive': True, 'maintainers': ['alice'], 'members': ['bob'], 'privacy': 'secret'},
        {'team': 'core-oncall', 'parent': 'core', 'name': 'Core on-call', 'members': ['bob']},
    ],
}]}


def test_export_becomes_a_world_with_the_same_people_and_teams():
    sim = Simulator(seed_from_export(EXPORT))
    state = sim.state
    assert state.org_members('my-org') == {'Boss': 'admin', 'deputy': 'admin', 'alice': 'member', 'bob': 'member'}
    assert state.team_members('my-org', 'core') == {'alice': 'maintainer', 'bob': 'member'}
    assert state.team_members('my-org', 'core-oncall') == {'bob': 'member'}
    assert state.token_for('boss') == 'sim-token-Boss' and state.token_for('deputy') == 'sim-token-deputy'
    assert state.token_for('alice') is None  # only owners get a token
    snap = state.snapshot()
    org = snap['orgs'][0]
    assert [i.get('email') for i in org['invitations']] == ['new@example.com']
    teams = {t['slug']: t for t in org['teams']}
    assert teams['core']['privacy'] == 'secret' and teams['core-oncall']['parent'] == 'core'
    assert next(u for u in snap['users'] if u['login'] == 'deputy')['id'] == 4242


@pytest.mark.parametrize('data, message', [
    ({}, 'an export file holds a non-empty list membership_orgs'),
    ({'membership_orgs': []}, 'an export file holds a non-empty list membership_orgs'),
    ({'membership_orgs': [{'owners': ['a']}]}, 'membership_orgs[0]: each entry needs org'),
    ({'membership_orgs': [{'org': 'o', 'members': [42]}]}, 'o.members: a person is a login'),
    ({'membership_orgs': [{'org': 'o', 'teams': [{'maintainers': ['a']}]}]}, 'o.teams[0]: each team needs team'),
])
def test_bad_export_is_refused_with_the_place(data, message):
    with pytest.raises(SeedError, match=r'^' + message.replace('[', r'\[').replace(']', r'\]')):
        seed_from_export(data)


def test_cli_seed_from_export_prints_the_owner_tokens_and_serves(tmp_path):
    path = tmp_path / 'membership.yml'
    path.write_text(yaml.safe_dump(EXPORT))
    proc = subprocess.Popen([sys.executable, '-m', 'ghsim', '--seed-from-export', str(path)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = [proc.stdout.readline().strip(), proc.stdout.readline().strip(), proc.stdout.readline().strip()]
        assert lines[0].startswith('ghsim listening on http://127.0.0.1:'), (lines, proc.stderr.read())
        assert lines[1:] == ['ghsim token sim-token-Boss (Boss)', 'ghsim token sim-token-deputy (deputy)']
        url = lines[0].split()[-1]
        r = requests.get(url + '/orgs/my-org/memberships/bob', headers={'Authorization': 'Bearer sim-token-Boss'},
                         timeout=5)
        assert r.status_code == 200 and r.json()['state'] == 'active'
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0


def test_cli_refuses_a_seed_and_an_export_together(tmp_path):
    r = subprocess.run([sys.executable, '-m', 'ghsim', '--seed', 'a.yml', '--seed-from-export', 'b.yml'],
                       capture_output=True, text=True, timeout=20, check=False)
    assert r.returncode == 2 and 'not allowed with argument' in r.stderr


def test_cli_bad_export_exits_2_naming_the_problem(tmp_path):
    path = tmp_path / 'membership.yml'
    path.write_text('membership_orgs: []\n')
    r = subprocess.run([sys.executable, '-m', 'ghsim', '--seed-from-export', str(path)],
                       capture_output=True, text=True, timeout=20, check=False)
    assert r.returncode == 2 and 'non-empty list membership_orgs' in r.stderr


EDITED = {'membership_orgs': [{
    'org': 'my-org',
    'owners': ['boss', {'login': 'deputy', 'id': 4242}],
    'members': ['ALICE', 'new-hire', {'login': 'with-id', 'id': 5151}, {'email': 'x@example.com'}],
    'teams': [{'team': 'core', 'maintainers': ['alice'], 'members': ['New-Hire', 'team-only']}],
    'organization_roles': [{'role': 'security_manager', 'users': ['auditor']}],
    'outside_collaborators': [{'login': 'contractor', 'repositories': {'app': 'push'}}],
}]}


def test_people_named_are_every_login_once_with_its_id():
    from ghsim.export_seed import people_named
    assert people_named(EDITED) == [
        {'login': 'boss'}, {'login': 'deputy', 'id': 4242}, {'login': 'ALICE'}, {'login': 'new-hire'},
        {'login': 'with-id', 'id': 5151}, {'login': 'team-only'}, {'login': 'auditor'}, {'login': 'contractor'}]
    with pytest.raises(SeedError, match=r'^a membership file holds a list membership_orgs'):
        people_named({'orgs': []})
    with pytest.raises(SeedError, match=r'^my-org.members: a person is a login'):
        people_named({'membership_orgs': [{'org': 'my-org', 'members': [7]}]})


def test_with_users_adds_only_people_the_world_lacks():
    from ghsim.export_seed import people_named, with_users
    seed, added = with_users(seed_from_export(EXPORT), people_named(EDITED))
    # alice (any case), boss and deputy (by login, or by id: a renamed user) are there already.
    assert added == ['new-hire', 'with-id', 'team-only', 'auditor', 'contractor']
    state = Simulator(seed).state
    assert state.user('with-id').id == 5151 and state.user('new-hire') is not None
    assert state.org_role('my-org', 'new-hire') is None and state.org_invitation('my-org', 'new-hire') is None
    assert state.org_members('my-org') == Simulator(seed_from_export(EXPORT)).state.org_members('my-org')
    renamed, added = with_users(seed_from_export(EXPORT), [{'login': 'deputy-renamed', 'id': 4242}])
    assert added == [] and renamed['users'] == seed_from_export(EXPORT)['users']
    with pytest.raises(SeedError, match=r"^user x: id is GitHub's user id, a whole number > 0, not 'abc'"):
        with_users({}, [{'login': 'x', 'id': 'abc'}])


def test_cli_users_from_and_user_make_users_who_belong_to_nothing(tmp_path):
    path = tmp_path / 'edited.yml'
    path.write_text(yaml.safe_dump(EDITED))
    proc = subprocess.Popen([sys.executable, '-m', 'ghsim', '--users-from', str(path), '--user', 'cli-one,cli-two'],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = proc.stdout.readline().split()[-1]
        line = proc.stdout.readline().strip()
        # The demo world (no --seed) has alice and new-hire (a user outside acme); the rest are new.
        assert line == ('ghsim users added (members of nothing): cli-one, cli-two, boss, deputy, with-id, '
                        'team-only, auditor, contractor'), line
        headers = {'Authorization': 'Bearer sim-token-octo-admin'}
        assert requests.get(url + '/users/cli-two', headers=headers, timeout=5).json()['login'] == 'cli-two'
        assert requests.get(url + '/users/with-id', headers=headers, timeout=5).json()['id'] == 5151
        assert requests.get(url + '/orgs/acme/memberships/team-only', headers=headers, timeout=5).status_code == 404
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0


def test_cli_generate_serves_the_generated_org_and_prints_its_token():
    proc = subprocess.Popen([sys.executable, '-m', 'ghsim', '--generate', 'members=3000,teams=150,team_size=20'],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        url = proc.stdout.readline().split()[-1]
        assert proc.stdout.readline().strip() == 'ghsim token sim-token-bigorg-admin (bigorg-admin)'
        headers = {'Authorization': 'Bearer sim-token-bigorg-admin'}
        members = requests.get(url + '/orgs/bigorg/members?per_page=100&page=31', headers=headers, timeout=5)
        assert members.status_code == 200 and len(members.json()) == 1  # 3,001 members: 30 full pages and one
        teams = requests.get(url + '/orgs/bigorg/teams?per_page=100&page=2', headers=headers, timeout=5).json()
        assert [t['slug'] for t in teams][-1] == 'team-150'
        team = requests.get(url + '/orgs/bigorg/teams/team-150/members?per_page=100', headers=headers, timeout=5).json()
        assert len(team) == 20
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0


@pytest.mark.parametrize('args, message', [
    (['--generate', 'members=many'], "ghsim: cannot read seed --generate members=many: members='many': a whole number"),
    (['--generate', 'members=1', '--seed', 'a.yml'], 'not allowed with argument'),
    (['--user', 'x', '--users-from', '/nonexistent/edited.yml'], 'ghsim: cannot read users from /nonexistent/edited.yml'),
])
def test_cli_bad_generate_or_users_exit_2(args, message):
    r = subprocess.run([sys.executable, '-m', 'ghsim', *args], capture_output=True, text=True, timeout=20, check=False)
    assert r.returncode == 2 and message in r.stderr, r.stderr


def test_the_pytest_plugin_is_registered():
    assert 'ghsim.pytest_plugin' in [ep.value for ep in entry_points(group='pytest11') if ep.name == 'ghsim']


def test_github_simulator_fixture_defaults_to_the_demo_world(github_simulator):
    assert isinstance(github_simulator, GitHubSimulator)
    assert github_simulator.url.startswith('http://127.0.0.1:')
    assert github_simulator.token == 'sim-token-octo-admin'
    r = requests.get(github_simulator.url + '/user', headers={'Authorization': 'Bearer ' + github_simulator.token},
                     timeout=5)
    assert r.json()['login'] == 'octo-admin'
    requests.put(github_simulator.url + '/orgs/acme/memberships/new-hire', json={'role': 'member'},
                 headers={'Authorization': 'Bearer ' + github_simulator.token}, timeout=5)
    assert github_simulator.state.org_invitation('acme', 'new-hire') is not None  # the state is live


class TestSeedOverride:
    @pytest.fixture
    def github_simulator_seed(self):
        return seed_from_export(EXPORT)

    def test_the_seed_fixture_overrides_the_world(self, github_simulator):
        assert github_simulator.token == 'sim-token-Boss'
        assert github_simulator.token_for('deputy') == 'sim-token-deputy'
        assert github_simulator.state.org_role('my-org', 'alice') == 'member'


class TestOptions:
    @pytest.fixture
    def github_simulator_options(self):
        return {'ghes': True}

    def test_options_reach_the_simulator(self, github_simulator):
        assert github_simulator.url.endswith('/api/v3') and github_simulator.simulator.ghes


def test_the_fixture_stops_its_server():
    # Run the fixture in a child pytest so that this test sees the server after teardown.
    code = '''
import requests
URL = []
def test_a(github_simulator):
    URL.append(github_simulator.url)
def test_b():
    try:
        requests.get(URL[0] + "/user", timeout=2)
    except requests.ConnectionError:
        return
    raise AssertionError("still serving")
'''
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        with open(tmp + '/test_child.py', 'w') as handle:
            handle.write(code)
        r = subprocess.run([sys.executable, '-m', 'pytest', '-q', '-p', 'no:cacheprovider', '-p', 'no:xdist', tmp],
                           capture_output=True, text=True, timeout=120, check=False, cwd=tmp)
    assert r.returncode == 0 and '2 passed' in r.stdout, r.stdout + r.stderr
