"""Red-team round 20, through real ansible-playbook against the simulator (base seed of
tests/integration/harness.py: acme, owners octo-admin and erin, members alice, bob, carol,
Mixed-Case, dave pending; teams platform > platform-oncall, sso-synced): the controller path of
github_org_roster and its membership_file."""

from __future__ import annotations

import copy
import textwrap

from ansible.parsing.vault import VaultLib, VaultSecret

import pytest
import yaml

from harness import BASE_SEED, fake_token, writes

MODULE = {'gitops_github_engine': 'module'}
EVERYONE = ['alice', 'bob', 'carol', 'Mixed-Case', 'dave']


def roster_task(name='roster', **args):
    return {'name': name, 'gitops.github.github_org_roster': dict({'org': 'acme'}, **args)}


@pytest.mark.parametrize('engine', ['controller', 'module'])
def test_a_membership_file_entry_cannot_redirect_the_token_to_another_api_url(sim_factory, play, tmp_path, engine):
    # A pull request adds "api_url" (or validate_certs: false, token...) to the acme entry of the
    # membership file. The role's lookup refuses unknown keys, but a task that names
    # membership_file itself copies every key of the entry into the module's options: the run
    # then sends the controller's GITHUB_TOKEN to the file's server.
    sim = sim_factory(copy.deepcopy(BASE_SEED))
    evil = sim_factory(copy.deepcopy(BASE_SEED))
    (tmp_path / 'membership.yml').write_text(textwrap.dedent('''\
        membership_orgs:
          - org: acme
            api_url: %s
            owners: [octo-admin, erin]
            members: [alice, bob, carol, Mixed-Case, dave]
        ''') % evil.api_url)
    # The play sets no api_url (the controller's GITHUB_API_URL names the real server).
    raw = yaml.safe_dump([{'hosts': 'localhost', 'gather_facts': False,
                           'vars': MODULE if engine == 'module' else {},
                           'tasks': [roster_task(membership_file=str(tmp_path / 'membership.yml'), write_delay=0)]}])
    run = play(sim, [], check=True, raw_playbook=raw, extra_env={'GITHUB_API_URL': sim.api_url})
    assert evil.log == [], 'the token went to the api_url of the membership file'
    assert run.rc != 0, run.output
    assert 'api_url' in run.task('roster')['msg']


@pytest.mark.parametrize('engine', ['controller', 'module'])
def test_an_organization_listed_twice_in_different_case_is_refused_by_the_task(sim, play, tmp_path, engine):
    # The role's lookup refuses "ACME" and "acme" in one file; a task naming membership_file
    # itself takes the first entry in any case. A pull request prepends an "ACME" entry keeping
    # only alice: the reviewer sees the acme entry unchanged, and the run removes bob and carol.
    (tmp_path / 'membership.yml').write_text(textwrap.dedent('''\
        membership_orgs:
          - org: ACME
            owners: [octo-admin, erin]
            members: [alice]
            exclusive: true
            max_removals: 10
          - org: acme
            owners: [octo-admin, erin]
            members: [alice, bob, carol, Mixed-Case, dave]
        '''))
    run = play(sim, [roster_task(membership_file=str(tmp_path / 'membership.yml'))],
               play_vars=MODULE if engine == 'module' else None)
    assert [w for w in writes(sim) if w[0] == 'DELETE'] == [], 'removed people the acme entry keeps'
    assert run.rc != 0, run.output
    assert 'listed twice' in run.task('roster')['msg']


def access_seed():
    seed = copy.deepcopy(BASE_SEED)
    org = seed['orgs'][0]
    org['repositories'] = [{'name': 'docs'}]
    org['teams'][0]['repositories'] = {'docs': 'pull'}
    org['teams'][1]['repositories'] = {'docs': 'pull'}  # platform-oncall's own grant, the parent's level
    return seed


def own_grant(sim, team, repo):
    o = sim.state.org('acme')
    return o.teams[team].repos.get(o.repos[repo].id)


def test_a_team_own_grant_equal_to_its_parents_is_removed_by_state_absent(sim_factory, play):
    # platform-oncall has its own pull on docs, and so has its parent platform: GitHub's check
    # shows pull on the child either way. state: absent takes the shown access for the parent's
    # (shadowed), writes nothing and says changed: false; the child's own grant stays, and it
    # keeps docs when the parent's grant goes.
    sim = sim_factory(access_seed())
    absent = {'name': 'access', 'gitops.github.github_team_repository': {
        'org': 'acme', 'team': 'platform-oncall', 'repository': 'docs', 'state': 'absent'}}
    run = play(sim, [absent])
    assert run.rc == 0, run.output
    assert own_grant(sim, 'platform-oncall', 'docs') is None, 'the own grant state: absent names is kept'
    assert run.task('access')['changed'] is True


@pytest.mark.parametrize('engine', ['controller', 'module'])
def test_jinja_and_python_tags_in_a_membership_file_never_run(sim, play, tmp_path, engine):
    # Withstood: a pull request puts a pipe lookup in a team description and a
    # !!python/object/apply tag in a second file: neither runs a command, on either engine.
    marker = tmp_path / 'ran'
    (tmp_path / 'jinja.yml').write_text(textwrap.dedent('''\
        membership_orgs:
          - org: acme
            owners: [octo-admin, erin]
            members: [alice, bob, carol, Mixed-Case, dave]
            teams:
              - team: platform
                description: "{{ lookup('pipe', 'touch %s') }}"
        ''') % marker)
    (tmp_path / 'tag.yml').write_text(textwrap.dedent('''\
        membership_orgs:
          - org: acme
            owners: !!python/object/apply:os.system ["touch %s"]
        ''') % marker)
    play_vars = MODULE if engine == 'module' else None
    run = play(sim, [roster_task(membership_file=str(tmp_path / 'jinja.yml'))], check=True, play_vars=play_vars)
    assert run.rc == 0, run.output
    assert not marker.exists()
    settings = [c for c in run.task('roster')['changes'] if c['scope'] == 'team_settings']
    assert settings and "lookup('pipe'" in settings[0]['settings']['description'], settings
    tagged = play(sim, [roster_task(membership_file=str(tmp_path / 'tag.yml'))], check=True, play_vars=play_vars)
    assert tagged.rc != 0 and 'python/object/apply' in tagged.task('roster')['msg'], tagged.output
    assert not marker.exists()
    assert writes(sim) == []


@pytest.mark.parametrize('engine', ['controller', 'module'])
def test_an_installation_token_in_the_installation_id_variable_is_never_printed(sim, play, engine):
    # A CI secret mapping puts the installation token (ghs_...) where the installation id goes:
    # GITHUB_APP_INSTALLATION_ID. The credential check refuses it, quoting the value (%r) in its
    # message, before the app's secrets are masked: the live token is printed in the failure.
    leaked = fake_token('ghs_')
    env = {'GITHUB_APP_ID': '12345', 'GITHUB_APP_INSTALLATION_ID': leaked,
           'GITHUB_APP_PRIVATE_KEY': '-----BEGIN RSA PRIVATE KEY-----\nnot-a-key\n-----END RSA PRIVATE KEY-----\n'}
    run = play(sim, [roster_task(owners=['octo-admin', 'erin'])], token=None, extra_env=env, verbosity=4,
               play_vars=MODULE if engine == 'module' else None)
    assert run.rc != 0
    assert 'GITHUB_APP_INSTALLATION_ID' in run.task('roster')['msg'], run.task('roster')['msg']
    assert leaked not in run.output
    assert leaked[4:] not in run.output


def vaulted(text, password):
    cipher = VaultLib([('default', VaultSecret(password.encode()))]).encrypt(text).decode()
    return '!vault |\n' + textwrap.indent(cipher, '          ')


@pytest.mark.parametrize('engine', ['controller', 'module'])
def test_a_vaulted_value_of_a_membership_file_is_not_echoed_back(sim, play, tmp_path, engine):
    # Withstood: a vaulted value of the file that the run never needs to show (bob's address;
    # bob is a member already, nothing changes) is not printed decrypted at -v on either path
    # (the module path gets the entry as its options and could echo them in its invocation).
    password = fake_token('pw-')
    (tmp_path / 'vault-pass').write_text(password + '\n')
    address = fake_token('private-') + '@example.com'
    (tmp_path / 'membership.yml').write_text(textwrap.dedent('''\
        membership_orgs:
          - org: acme
            owners: [octo-admin, erin]
            members:
              - alice
              - login: bob
                email: %s
              - carol
              - Mixed-Case
              - dave
        ''') % vaulted(address, password))
    run = play(sim, [roster_task(membership_file=str(tmp_path / 'membership.yml'))], check=True, verbosity=1,
               extra_args=('--vault-password-file', str(tmp_path / 'vault-pass')),
               play_vars=MODULE if engine == 'module' else None)
    assert run.rc == 0, run.output
    assert run.task('roster')['changed'] is False
    assert address not in run.output


@pytest.mark.parametrize('engine', ['controller', 'module'])
def test_an_impossible_unquoted_date_in_a_membership_file_is_refused_naming_the_file(sim, play, tmp_path, engine):
    # A typo in a pull request: expires: 2026-02-30, unquoted. YAML's timestamp pattern matches
    # it, the safe constructor builds datetime.date(2026, 2, 30) and raises ValueError, which the
    # reader does not catch: the task dies with "day is out of range for month" and a traceback,
    # naming neither the file nor the line (an integer of 5,000 digits does the same).
    (tmp_path / 'membership.yml').write_text(textwrap.dedent('''\
        membership_orgs:
          - org: acme
            owners: [octo-admin, erin]
            members:
              - alice
              - login: bob
                expires: 2026-02-30
              - carol
              - Mixed-Case
              - dave
        '''))
    run = play(sim, [roster_task(membership_file=str(tmp_path / 'membership.yml'))], check=True,
               play_vars=MODULE if engine == 'module' else None)
    assert run.rc != 0
    msg = run.task('roster').get('msg', '')
    assert msg.startswith('membership_file %s: ' % (tmp_path / 'membership.yml')), msg
    assert 'line 7' in msg, msg
    assert 'Traceback' not in run.output
    assert sim.log == []


@pytest.mark.parametrize('engine', ['controller', 'module'])
def test_a_number_for_the_whole_members_list_is_refused_not_made_a_login(sim, play, tmp_path, engine):
    # "A login must be a string (a number is refused, never converted)" holds inside a list, but
    # members: 0123 (YAML 1.1 reads 83) is not a list: the argument spec's list conversion makes it
    # ["83"], and the roster plans to invite the user 83 and, with exclusive, to remove everyone
    # else (max_removals is all that stands in the way; the file can raise it).
    (tmp_path / 'membership.yml').write_text(textwrap.dedent('''\
        membership_orgs:
          - org: acme
            owners: [octo-admin, erin]
            members: 0123
            exclusive: true
            max_removals: 100%
        '''))
    run = play(sim, [roster_task(membership_file=str(tmp_path / 'membership.yml'))], check=True,
               play_vars=MODULE if engine == 'module' else None)
    result = run.task('roster')
    planned = result.get('changes', []) + result.get('would_change', [])
    assert [c for c in planned if c['login'] in ('83', 'alice')] == [], planned
    assert run.rc != 0
    assert 'members' in result['msg'] and 'number' in result['msg'], result['msg']
