"""The one check of the membership data, through real ansible-playbook against the simulator:
values YAML reads as something else, and values at the calendar's edge, are refused before any
request naming the key (or work), by the role and by github_org_roster alike. The first two
tests are red-team round 19's (branch h18-redteam), with their imports pointed at today's files.
Base seed of tests/integration/harness.py: acme, owners octo-admin and erin, members alice, bob,
carol, Mixed-Case, dave pending; teams platform > platform-oncall, sso-synced."""

from __future__ import annotations

import json

from harness import OWNER_TOKEN, ansible_playbook, writes


def roster_task(name='roster', **args):
    return {'name': name, 'gitops.github.github_org_roster': dict({'org': 'acme'}, **args)}


def test_a_former_slug_yaml_reads_as_a_boolean_is_refused_not_deleted(collections_path, tmp_path, seed, sim_factory):
    # The Norway problem: `previously: [no]` is YAML 1.1's false. The filter refuses `team: no`
    # ("team must be a non-empty string") but not a former slug: the module's list of str turns
    # False into 'False', the team "no" is not recognised as the old slug, a new "norway" is
    # created and, with delete_unlisted_teams, the listed team's old self (with its people) is
    # deleted. Expected: refused before any request, naming the key.
    seed['orgs'][0]['teams'].append({'slug': 'no', 'name': 'no', 'id': 7010, 'members': ['bob', 'carol']})
    sim = sim_factory(seed)
    path = tmp_path / 'membership.yml'
    path.write_text('membership_orgs:\n'
                    '  - org: acme\n'
                    '    delete_unlisted_teams: true\n'
                    '    max_removals: 100%\n'
                    '    teams:\n'
                    '      - {team: platform, maintainers: [alice], members: [bob]}\n'
                    '      - {team: platform-oncall, parent: platform, members: [carol]}\n'
                    '      - {team: sso-synced, managed_externally: true}\n'
                    '      - {team: norway, previously: [no], members: [bob, carol]}\n')
    extra = tmp_path / 'vars.json'
    extra.write_text(json.dumps({'membership_file': str(path), 'github_write_delay': 0}))
    run = ansible_playbook(collections_path, ['gitops.github.apply', '-e', '@%s' % extra], str(tmp_path),
                           {'GITHUB_API_URL': sim.api_url, 'GITHUB_TOKEN': OWNER_TOKEN}, sim=sim)
    assert ('DELETE', '/orgs/acme/teams/no') not in writes(sim), run.output
    assert sim.state.team('acme', 'no') is not None or sim.state.team('acme', 'norway') is not None
    assert run.rc != 0 and 'previously' in run.stdout, run.output
    assert writes(sim) == []
    # The key, as the one validator words it, for the role.
    assert 'acme: teams[3] (norway).previously[0] must be a string, got the boolean False' in run.stdout, run.output


def test_an_expiry_of_9999_12_31_fails_cleanly_or_works_without_a_traceback(sim, play):
    # "Never expires" written as 9999-12-31: the module dies with an unhandled OverflowError
    # ("Module failed: date value out of range", a traceback at -vvv) that names no key.
    task = roster_task(owners=['octo-admin', 'erin'], members=['alice', {'login': 'bob', 'expires': '9999-12-31'}])
    task['ignore_errors'] = True
    run = play(sim, [task], verbosity=3)
    result = run.task('roster')
    assert 'Traceback' not in run.output and 'OverflowError' not in run.output, result.get('msg')
    # A clean failure names the key (as `expires: soon` does); an exception does not.
    status = [r['status'] for r in run.results if r['task'] == 'roster'][-1]
    assert status != 'failed' or 'expires' in result.get('msg', ''), result
    assert writes(sim) == []
    # It works: the calendar's last day is "through its last moment", so bob stays and nothing expires.
    assert status != 'failed', result
    assert result['org']['expired'] == [] and result['changed'] is False, result['org']


def test_the_module_itself_refuses_yaml_booleans_and_numbers_where_slugs_belong(sim, play):
    # Without the role's check in front: the module's argument spec no longer converts former
    # slugs, parents, slugs and names to strings, so the one validator sees what YAML made of them.
    teams = [{'team': 'platform', 'parent': False}, {'team': 'norway', 'previously': [False, None]},
             {'team': 2023}, {'team': 'web', 'name': True}]
    task = roster_task(teams=teams, delete_unlisted_teams=True)
    task['ignore_errors'] = True
    result = play(sim, [task]).task('roster')
    msg = result['msg']
    assert msg.startswith('Invalid input for acme: '), msg
    for expected in ('teams[0] (platform).parent must be a string, got the boolean False: quote it',
                     'teams[1] (norway).previously[0] must be a string, got the boolean False',
                     'teams[1] (norway).previously[1] must be a string, got null',
                     'teams[2].team must be a string, got the number 2023',
                     'teams[3] (web).name must be a string, got the boolean True'):
        assert expected in msg, msg
    assert sim.log == []


def test_a_huge_expiring_within_days_fails_naming_the_key(sim, play):
    task = roster_task(members=[{'login': 'bob', 'expires': '2030-01-01'}], expiring_within_days=10 ** 10)
    task['ignore_errors'] = True
    run = play(sim, [task])
    result = run.task('roster')
    assert 'Traceback' not in run.output and 'OverflowError' not in run.output, result.get('msg')
    assert 'expiring_within_days must be a whole number from 0 to 36500, got 10000000000' in result['msg'], result
    assert sim.log == []
