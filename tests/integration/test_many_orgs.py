"""Many organizations in one run (issue 21, item 5), through real ansible-playbook runs against the
simulator: ``github_org_rosters`` converges several organizations in one task with the results a
loop of ``github_org_roster`` gives; organizations that share a token never have two requests in
flight at once (GitHub's "avoid concurrent requests"), organizations with their own tokens run side
by side; one organization's failure stops none of the others and is reported. And the other way:
one inventory host per organization, run with forks, as the role's README shows it."""

from __future__ import annotations

import copy
import os
import re


import yaml

from harness import OWNER_TOKEN, ansible_playbook, fake_token, writes

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NORTH_TOKEN, SOUTH_TOKEN = 'sim-token-north-admin', 'sim-token-south-admin'

SEED = {
    'users': ['octo-admin', 'north-admin', 'south-admin', 'alice', 'bob', 'carol', 'dave', 'erin'],
    'tokens': {OWNER_TOKEN: 'octo-admin', NORTH_TOKEN: 'north-admin', SOUTH_TOKEN: 'south-admin'},
    'orgs': [
        {'login': 'north', 'id': 9101, 'owners': ['octo-admin', 'north-admin'], 'members': ['alice', 'bob'],
         'teams': [{'slug': 'ops', 'name': 'Ops', 'id': 7101, 'members': ['alice']}]},
        {'login': 'south', 'id': 9102, 'owners': ['octo-admin', 'south-admin'], 'members': ['carol'],
         'teams': [{'slug': 'dev', 'name': 'Dev', 'id': 7102, 'members': ['carol']}]},
        {'login': 'east', 'id': 9103, 'owners': ['octo-admin'], 'members': ['dave', 'erin']},
    ],
}

# A change in every organization: an addition, a team change, a removal.
ORGS = [
    {'org': 'north', 'owners': ['octo-admin', 'north-admin'], 'members': ['alice', 'bob', 'carol'],
     'teams': [{'team': 'ops', 'members': ['alice', 'bob']}]},
    {'org': 'south', 'owners': ['octo-admin', 'south-admin'], 'members': ['carol', 'dave'],
     'teams': [{'team': 'dev', 'members': ['carol', 'dave']}]},
    {'org': 'east', 'owners': ['octo-admin'], 'members': ['dave'], 'exclusive': True},
]


def many(name='many', **args):
    return {'name': name, 'gitops.github.github_org_rosters': args, 'register': 'many_result'}


def comparable(result):
    """A per-organization result without what differs between two runs of one plan: the echoed
    arguments, the loop's bookkeeping and the seconds in the progress lines."""
    result = dict((k, v) for k, v in result.items() if k != 'invocation' and not k.startswith('_ansible'))
    result['summary'] = [re.sub(r' \(\d+\.\d s\)$', '', line) for line in result.get('summary', [])]
    return result


def in_flight_overlaps(exchanges):
    """Pairs of exchanges whose [received, answered] intervals overlap."""
    spans = sorted((e.received, e.answered, e.seq) for e in exchanges)
    found = []
    for index, (_start, end, seq) in enumerate(spans):
        for start, _end, other in spans[index + 1:]:
            if start >= end:
                break
            found.append((seq, other))
    return found


def by_login(sim, login):
    return [e for e in sim.log if e.auth_login == login]


def test_several_organizations_in_one_task_give_what_a_loop_gives(sim_factory, play):
    sims = {'loop': sim_factory(copy.deepcopy(SEED)), 'one task': sim_factory(copy.deepcopy(SEED))}
    loop = {'name': 'loop', 'gitops.github.github_org_roster': {
        'org': '{{ item.org }}', 'owners': '{{ item.owners }}', 'members': '{{ item.members }}',
        'exclusive': '{{ item.exclusive | default(omit) }}', 'teams': '{{ item.teams | default(omit) }}'},
        'loop': ORGS, 'register': 'loop_result'}
    runs = {}
    for way, task in (('loop', loop), ('one task', many(organizations=ORGS))):
        for check in (True, False):
            run = play(sims[way], [task], check=check, diff=True, extra_env={'GITHUB_TOKEN': OWNER_TOKEN})
            assert run.rc == 0, run.output
            runs[way, check] = run.task(task['name'])
    for check in (True, False):
        looped, one = runs['loop', check], runs['one task', check]
        assert one['changed'] is looped['changed'] is True
        for mine, theirs in zip(one['results'], looped['results']):
            mine, theirs = comparable(mine), comparable(theirs)
            assert mine == theirs, (check, {k: (mine.get(k), theirs.get(k)) for k in set(mine) | set(theirs) if mine.get(k) != theirs.get(k)})
        assert len(one['results']) == len(looped['results']) == 3
        assert [r['item']['org'] for r in one['results']] == ['north', 'south', 'east']
    assert sorted(writes(sims['loop'])) == sorted(writes(sims['one task'])) and writes(sims['loop'])
    for org in ('north', 'south', 'east'):
        for login in ('carol', 'dave', 'erin'):
            assert sims['loop'].state.org_role(org, login) == sims['one task'].state.org_role(org, login)
            assert bool(sims['loop'].state.org_invitation(org, login)) == bool(sims['one task'].state.org_invitation(org, login))
    assert sims['one task'].state.org_role('east', 'erin') is None


def test_organizations_sharing_a_token_never_have_two_requests_in_flight(sim_factory, play):
    # 50 ms a request, as over a network, so that requests sent side by side would overlap.
    sim = sim_factory(copy.deepcopy(SEED), latency=0.05)
    run = play(sim, [many(organizations=ORGS, workers=3)], check=True)
    assert run.rc == 0, run.output
    assert [r['changed'] for r in run.task('many')['results']] == [True, True, True]
    exchanges = by_login(sim, 'octo-admin')
    assert {e.path.split('/')[2] for e in exchanges if e.path.startswith('/orgs/')} == {'north', 'south', 'east'}
    assert all(e.answered >= e.received > 0 for e in exchanges)
    assert in_flight_overlaps(exchanges) == []


def test_organizations_with_their_own_tokens_run_side_by_side(sim_factory, play):
    sim = sim_factory(copy.deepcopy(SEED), latency=0.05)
    tokens = {'north': NORTH_TOKEN, 'South': SOUTH_TOKEN}  # east: the task's token; keys in any case
    run = play(sim, [many(organizations=ORGS, workers=3, tokens=tokens)], check=True, verbosity=4)
    assert run.rc == 0, run.output
    callers = {login: by_login(sim, login) for login in ('north-admin', 'south-admin', 'octo-admin')}
    # Each organization read with its own token.
    assert {e.path.split('/')[2] for e in callers['north-admin'] if e.path.startswith('/orgs/')} == {'north'}
    assert {e.path.split('/')[2] for e in callers['south-admin'] if e.path.startswith('/orgs/')} == {'south'}
    assert {e.path.split('/')[2] for e in callers['octo-admin'] if e.path.startswith('/orgs/')} == {'east'}
    # Side by side across tokens, never within one.
    assert in_flight_overlaps(callers['north-admin'] + callers['south-admin'] + callers['octo-admin'])
    for exchanges in callers.values():
        assert in_flight_overlaps(exchanges) == []
    # The tokens never shown, at -vvvv either (the harness checks the output for the task's
    # literal tokens too).
    for token in (NORTH_TOKEN, SOUTH_TOKEN, OWNER_TOKEN):
        assert token not in run.stdout + run.stderr
    # workers: 1 runs them one after another whatever their tokens.
    sim.clear_log()
    run = play(sim, [many(organizations=ORGS, workers=1, tokens=tokens)], check=True)
    assert run.rc == 0, run.output
    assert in_flight_overlaps([e for e in sim.log if e.auth_login]) == []


def test_one_organization_failing_stops_none_of_the_others_and_is_reported(sim_factory, play):
    sim = sim_factory(copy.deepcopy(SEED))
    orgs = copy.deepcopy(ORGS)
    orgs.insert(1, {'org': 'west', 'members': ['not a login!']})  # bad data: fails before any request
    orgs[3]['max_removals'] = 0  # east would remove erin: refused by the guard
    task = dict(many(organizations=orgs, tokens={'north': NORTH_TOKEN}), ignore_errors=True)
    run = play(sim, [task])
    assert run.rc == 0, run.output
    result = run.task('many')
    assert [r['status'] for r in run.results if r['task'] == 'many'] == ['failed']
    assert [(r['item']['org'], r['failed'], r['changed']) for r in result['results']] == [
        ('north', False, True), ('west', True, False), ('south', False, True), ('east', True, False)]
    assert result['msg'].startswith('2 of 4 organizations failed: west: ')
    assert ' | east: Refusing' in result['msg']
    assert result['results'][3]['refused']
    # The others converged; the refused organization was not touched.
    assert sim.state.org_invitation('north', 'carol') is not None and sim.state.org_invitation('south', 'dave') is not None
    assert sim.state.org_role('east', 'erin') is not None
    assert not [w for w in writes(sim) if '/east/' in w[1]]


def test_bad_input_fails_before_any_request_naming_the_key(sim, play):
    cases = [
        (many(organizations=ORGS, membership_file='x.yml'), 'needs exactly one of organizations'),
        (many(organizations=ORGS + [{'org': 'NORTH'}]), 'organization NORTH is listed twice'),
        (many(organizations=ORGS, tokens={'nowhere': NORTH_TOKEN}), 'tokens names organizations the task does not converge: nowhere'),
        (many(organizations=ORGS, workers=0), 'workers must be a whole number of 1 or more'),
        (many(organizations=ORGS, exclusive=True), 'Unsupported parameters for (gitops.github.github_org_rosters) module: exclusive'),
    ]
    run = play(sim, [dict(task, name='case %d' % n, ignore_errors=True) for n, (task, _msg) in enumerate(cases)])
    assert run.rc == 0, run.output
    for n, (_task, msg) in enumerate(cases):
        assert [r['status'] for r in run.results if r['task'] == 'case %d' % n] == ['failed']
        assert msg in run.task('case %d' % n)['msg'], n
    assert sim.log == []


def doc_block(text, marker):
    """The fenced block after ``<!-- marker -->`` in a Markdown page."""
    after = text.split('<!-- %s -->' % marker, 1)[1]
    return after.split('```yaml\n', 1)[1].split('```', 1)[0]


def test_one_organization_per_inventory_host_with_forks_as_the_docs_show_it(collections_path, tmp_path, sim_factory):
    with open(os.path.join(REPO, 'docs', 'many-organizations.md')) as handle:
        page = handle.read()
    tokens = {'acme': fake_token(), 'acme-labs': fake_token()}
    seed = {'users': ['acme-admin', 'labs-admin', 'alice', 'bob'],
            'tokens': {tokens['acme']: 'acme-admin', tokens['acme-labs']: 'labs-admin'},
            'orgs': [{'login': 'acme', 'id': 9201, 'owners': ['acme-admin'], 'members': ['alice']},
                     {'login': 'acme-labs', 'id': 9202, 'owners': ['labs-admin'], 'members': ['bob']}]}
    sim = sim_factory(seed, latency=0.1)
    (tmp_path / 'orgs.yml').write_text(doc_block(page, 'many-orgs-inventory'))
    (tmp_path / 'converge.yml').write_text(doc_block(page, 'many-orgs-playbook'))
    (tmp_path / 'membership.yml').write_text(yaml.safe_dump({'membership_orgs': [
        {'org': 'acme', 'owners': ['acme-admin'], 'members': ['alice', 'bob']},
        {'org': 'acme-labs', 'owners': ['labs-admin'], 'members': ['bob', 'alice']}]}))
    env = {'GITHUB_API_URL': sim.api_url, 'ACME_TOKEN': tokens['acme'], 'ACME_LABS_TOKEN': tokens['acme-labs']}
    run = ansible_playbook(collections_path, ['-i', 'orgs.yml', 'converge.yml', '--forks', '5'], str(tmp_path), env,
                           sim=sim, secrets=list(tokens.values()))
    assert run.rc == 0, run.output
    assert sorted(writes(sim)) == [('PUT', '/orgs/acme-labs/memberships/alice'), ('PUT', '/orgs/acme/memberships/bob')]
    # Each organization with its own token, the two side by side.
    assert {e.path.split('/')[2] for e in by_login(sim, 'acme-admin') if e.path.startswith('/orgs/')} == {'acme'}
    assert {e.path.split('/')[2] for e in by_login(sim, 'labs-admin') if e.path.startswith('/orgs/')} == {'acme-labs'}
    assert in_flight_overlaps(list(sim.log))
    assert [r['status'] for r in run.results] == ['changed', 'changed']


def test_the_role_in_one_task_reports_what_it_reports_with_one_task_per_organization(collections_path, tmp_path, sim_factory):
    orgs = copy.deepcopy(ORGS)
    orgs[2]['max_removals'] = 0  # east: a refusal, reported as a failure
    (tmp_path / 'membership.yml').write_text(yaml.safe_dump({'membership_orgs': orgs}))
    reports = {}
    for way, extra in (('loop', {}), ('one task', {'membership_workers': 3, 'membership_tokens': {'north': NORTH_TOKEN}})):
        sim = sim_factory(copy.deepcopy(SEED))
        out = tmp_path / way.replace(' ', '-')
        out.mkdir()
        vars_file = out / 'vars.yml'
        vars_file.write_text(yaml.safe_dump(dict({'membership_file': str(tmp_path / 'membership.yml'), 'github_write_delay': 0,
                                                  'drift_report_json': str(out / 'drift.json'), 'drift_report_markdown': ''},
                                                 **extra)))
        run = ansible_playbook(collections_path, ['gitops.github.drift', '-e', '@%s' % vars_file], str(out),
                               {'GITHUB_API_URL': sim.api_url, 'GITHUB_TOKEN': OWNER_TOKEN}, sim=sim, secrets=[NORTH_TOKEN])
        assert run.rc == 0, run.output  # a refusal in check mode is drift, reported
        assert 'east' in run.stdout and 'Refusing' in run.stdout, run.output
        assert writes(sim) == []
        with open(out / 'drift.json') as handle:
            reports[way] = yaml.safe_load(handle)
        callers = {e.auth_login for e in sim.log if e.path.startswith('/orgs/north/')}
        assert callers == ({'north-admin'} if extra else {'octo-admin'})
    for key in ('summary', 'targets', 'drift'):
        assert reports['one task'][key] == reports['loop'][key], key
    summary = reports['loop']['summary']
    assert summary['refused'] == 1 and summary['added'] == 4 and summary['removed'] == 1, summary


def test_on_the_module_path_each_organization_runs_as_the_module_with_the_same_results(sim_factory, play):
    results = {}
    for engine in ('controller', 'module'):
        sim = sim_factory(copy.deepcopy(SEED))
        run = play(sim, [many(organizations=ORGS, tokens={'south': SOUTH_TOKEN})], check=True,
                   play_vars={'gitops_github_engine': engine})
        assert run.rc == 0, run.output
        results[engine] = [comparable(r) for r in run.task('many')['results']]
        assert writes(sim) == []
        assert {e.auth_login for e in sim.log if e.path.startswith('/orgs/south/')} == {'south-admin'}
    assert results['module'] == results['controller']
    assert [r['changed'] for r in results['module']] == [True, True, True]
