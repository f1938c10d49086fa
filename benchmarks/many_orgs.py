#!/usr/bin/env python
"""Many organizations in one run (issue 21, item 5): 20 organizations of 1,000 members and 50 teams,
every membership already as the file says (a no-change drift, check mode), converged

* **forks**: one inventory host per organization, each with its own token, ``github_org_roster``
  with ``org: "{{ inventory_hostname }}"`` and the membership file, ``--forks 5`` (the inventory and
  play of docs/many-organizations.md);
* **one task, own tokens**: ``github_org_rosters`` over the membership file with a token per
  organization, ``workers: 5``;
* **one task, one token**: the same with one token for all (one organization after another, as
  GitHub asks of one caller);
* **sequential loop**: a loop of ``github_org_roster`` over the organizations of the file, one
  token (what the role does by default);
* **plain script**: ``python script.py`` reading all 20 organizations one after another with
  ``requests`` (benchmarks/org_roster_scale.py's script), as its own process;
* **1-task playbook**: one ``ansible.builtin.debug`` task, the floor of any playbook here.

Each way runs ``--repeat`` times (default 3), medians reported, against one simulator in this
process (127.0.0.1; ``--latency`` adds a wait before each answer, standing in for a network; a
sweep, not a figure for any real server). The simulator answers one request at a time under its
state lock, in this process, on the same cores as the playbooks: side-by-side runs compete with it
for the CPU, so at 127.0.0.1 concurrency shows its cost more than its gain; with latency, the waits
overlap.

Writes ``benchmarks/results/many_orgs.{md,json}``. Usage (from the repository root)::

    .venv/bin/python benchmarks/many_orgs.py                      # latencies 0 and 0.05 s
    .venv/bin/python benchmarks/many_orgs.py --latencies 0 --repeat 1
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import shutil
import statistics
import sys
import tempfile

import yaml
from ghsim import Simulator, generate, graphql  # pip install ./simulator (scripts/setup.sh does)

# The sibling benchmark's script, launcher and collection layout.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
_scale = importlib.import_module('org_roster_scale')
BIN, REPO, SCRIPT, collection_root, run_process = (_scale.BIN, _scale.REPO, _scale.SCRIPT, _scale.collection_root,
                                                   _scale.run_process)

HERE = os.path.dirname(os.path.abspath(__file__))
RESULTS = os.path.join(HERE, 'results')
ORGS = 20
MEMBERS, TEAMS, OWNERS = 1000, 50, 5
FORKS = 5
SHARED = 'sim-token-bench-admin'  # bench-admin owns every organization
WAYS = ('forks', 'one task, own tokens', 'one task, one token', 'sequential loop', 'plain script', '1-task playbook')


def org_name(index):
    return 'org%02d' % index


def own_token(index):
    return 'sim-token-%s-admin' % org_name(index)


def seed():
    """20 organizations of ``MEMBERS`` (``OWNERS`` owners and bench-admin among them) with ``TEAMS``
    teams of about 20, each organization its own people; team ids kept apart."""
    merged = {'users': ['bench-admin'], 'tokens': {SHARED: 'bench-admin'}, 'orgs': [], 'rate_limit': {'limit': 10 ** 9}}
    for index in range(1, ORGS + 1):
        one = generate(org=org_name(index), members=MEMBERS - OWNERS - 1, owners=OWNERS, teams=TEAMS, team_size=20,
                       token=own_token(index), member_prefix='%su' % org_name(index), org_id=9000 + index)
        org = one['orgs'][0]
        org['owners'].append('bench-admin')
        for team in org['teams']:
            team['id'] = 100000 + index * 1000 + (team['id'] - 7000)
        merged['users'].extend(one['users'])
        merged['tokens'].update(one['tokens'])
        merged['orgs'].append(org)
    return merged


def membership(seed_data):
    """The file that matches every organization (exclusive lists, so the drift reads everything)."""
    orgs = []
    for org in seed_data['orgs']:
        teams = [{'team': t['slug'], 'exclusive': True, 'maintainers': list(t['maintainers']),
                  'members': [m for m in t['members'] if m not in t['maintainers']]} for t in org['teams']]
        orgs.append({'org': org['login'], 'exclusive': True, 'owners': list(org['owners']), 'members': list(org['members']),
                     'teams': teams})
    return {'membership_orgs': orgs}


def write(path, data):
    with open(path, 'w') as handle:
        yaml.dump(data, handle, Dumper=getattr(yaml, 'CSafeDumper', yaml.SafeDumper), sort_keys=False)


def playbooks(workdir):
    """The inventory and plays of each way, written into ``workdir``."""
    hosts = dict((org_name(i), {'github_token': own_token(i)}) for i in range(1, ORGS + 1))
    write(os.path.join(workdir, 'orgs.yml'), {'github_orgs': {'hosts': hosts, 'vars': {
        'ansible_connection': 'local', 'ansible_python_interpreter': '{{ ansible_playbook_python }}'}}})
    local = {'hosts': 'localhost', 'connection': 'local', 'gather_facts': False}
    defaults = {'module_defaults': {'group/gitops.github.github': {'write_delay': 0}}}
    plays = {
        'forks': [dict({'hosts': 'github_orgs', 'gather_facts': False}, **defaults, tasks=[{
            'gitops.github.github_org_roster': {'org': '{{ inventory_hostname }}', 'membership_file': '{{ playbook_dir }}/membership.yml',
                                                'token': '{{ github_token }}'}}])],
        'one task, own tokens': [dict(local, **defaults, tasks=[{'gitops.github.github_org_rosters': {
            'membership_file': 'membership.yml', 'workers': FORKS, 'tokens': dict((org_name(i), own_token(i)) for i in range(1, ORGS + 1))}}])],
        'one task, one token': [dict(local, **defaults, tasks=[{'gitops.github.github_org_rosters': {
            'membership_file': 'membership.yml', 'workers': FORKS, 'token': SHARED}}])],
        'sequential loop': [dict(local, **defaults, tasks=[{
            'gitops.github.github_org_roster': {'org': '{{ item }}', 'membership_file': 'membership.yml', 'token': SHARED},
            'loop': [org_name(i) for i in range(1, ORGS + 1)]}])],
        '1-task playbook': [dict(local, tasks=[{'ansible.builtin.debug': {'msg': 'hi'}}])],
    }
    for way, play in plays.items():
        write(os.path.join(workdir, way.replace(' ', '-').replace(',', '') + '.yml'), play)


def run_way(way, root, workdir, sim):
    """One run of ``way``: seconds, requests (GraphQL queries counted as one), writes, peak MB."""
    before = len(sim.log)
    if way == 'plain script':
        path = os.path.join(workdir, 'script.py')
        with open(path, 'w') as handle:
            handle.write(SCRIPT.replace("print(json.dumps({'requests': read(*sys.argv[1:4])[1]}))",
                                        "print(json.dumps({'requests': sum(read(sys.argv[1], sys.argv[2], org)[1] "
                                        "for org in sys.argv[3].split(','))}))"))
        args = [sys.executable, path, sim.api_url, SHARED, ','.join(org_name(i) for i in range(1, ORGS + 1))]
        seconds, code, out, err, peak = run_process(args, cwd=workdir)
    else:
        env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=root, GITHUB_API_URL=sim.api_url,
                   ANSIBLE_LOCALHOST_WARNING='false', ANSIBLE_INVENTORY_UNPARSED_WARNING='false',
                   ANSIBLE_PYTHON_INTERPRETER=sys.executable, ANSIBLE_NOCOLOR='1', ANSIBLE_RETRY_FILES_ENABLED='false',
                   ANSIBLE_HOME=os.path.join(workdir, 'home'), ANSIBLE_LOCAL_TEMP=os.path.join(workdir, 'tmp'))
        play = way.replace(' ', '-').replace(',', '') + '.yml'
        args = [os.path.join(BIN, 'ansible-playbook'), play, '--check']
        if way == 'forks':
            args += ['-i', 'orgs.yml', '--forks', str(FORKS)]
        seconds, code, out, err, peak = run_process(args, cwd=workdir, env=env)
    if code != 0:
        raise SystemExit('%s failed:\n%s\n%s' % (way, out[-3000:], err[-3000:]))
    log = sim.log[before:]
    writes = [e for e in log if e.method in ('PUT', 'POST', 'PATCH', 'DELETE') and e.route != '/graphql']
    if way != '1-task playbook' and 'changed=1' in out:
        raise SystemExit('%s found drift where there is none:\n%s' % (way, out[-3000:]))
    return {'seconds': seconds, 'requests': len(log), 'writes': len(writes), 'peak_mb': peak}


def measure(latency, root, repeat):
    data = seed()
    workdir = tempfile.mkdtemp(prefix='gitops-github-bench-many-')
    try:
        write(os.path.join(workdir, 'membership.yml'), membership(data))
        playbooks(workdir)
        runs = []
        with Simulator(data, latency=latency) as sim:
            graphql.schema()  # built once, before anything is measured
            run_way('plain script', root, workdir, sim)  # warms the simulator's caches
            for _round in range(repeat):
                # Every way once per round, so that a busy spell of the shared machine hits all of them.
                runs.append(dict((way, run_way(way, root, workdir, sim)) for way in WAYS))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    rows = {}
    for way in WAYS:
        rows[way] = {'seconds': statistics.median(r[way]['seconds'] for r in runs),
                     'all_seconds': [r[way]['seconds'] for r in runs],
                     'requests': runs[-1][way]['requests'], 'writes': sum(r[way]['writes'] for r in runs),
                     'peak_mb': max(r[way]['peak_mb'] for r in runs)}
    return {'latency': latency, 'repeat': repeat, 'ways': rows}


def table(results):
    lines = ['| latency per request | way | median s (runs) | ÷ sequential loop | ÷ plain script | requests | writes | peak MB |',
             '|---:|---|---:|---:|---:|---:|---:|---:|']
    for result in results:
        ways = result['ways']
        for way in WAYS:
            row = ways[way]
            lines.append('| %d ms | %s | %.1f (%s) | %.2f× | %.2f× | %d | %d | %.0f |' % (
                result['latency'] * 1000, way, row['seconds'], ', '.join('%.1f' % s for s in row['all_seconds']),
                row['seconds'] / ways['sequential loop']['seconds'], row['seconds'] / ways['plain script']['seconds'],
                row['requests'], row['writes'], row['peak_mb']))
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--repeat', type=int, default=3, help='runs of each way, medians reported (default %(default)s)')
    parser.add_argument('--latencies', default='0,0.05', help='simulator latencies per request, seconds (default %(default)s)')
    parser.add_argument('--collection', default=REPO, help='the checkout to measure (default: this one)')
    parser.add_argument('--orgs', type=int, default=ORGS, help='organizations (default %(default)s; the results are written for the default only)')
    parser.add_argument('--members', type=int, default=MEMBERS, help='members of each (default %(default)s)')
    args = parser.parse_args()
    smoke = (args.orgs, args.members) != (ORGS, MEMBERS)
    globals().update(ORGS=args.orgs, MEMBERS=args.members)
    root = collection_root(os.path.abspath(args.collection))
    results = []
    try:
        for latency in [float(v) for v in args.latencies.split(',') if v.strip()]:
            print('measuring %d organizations x %d members at %g ms, %d runs ...' % (ORGS, MEMBERS, latency * 1000, args.repeat),
                  file=sys.stderr, flush=True)
            results.append(measure(latency, root, args.repeat))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    lines = ['## Many organizations: %d organizations of %d members and %d teams, no-change drift' % (ORGS, MEMBERS, TEAMS), '',
             'Check mode, every membership already as the file says. forks: one inventory host per organization with its '
             'own token, `--forks %d`; one task: `github_org_rosters` over the membership file, `workers: %d`; '
             'sequential loop: a loop of `github_org_roster`, one token; plain script: `python script.py` reading the '
             '%d organizations one after another with `requests`. Medians of %d runs, each round running every way once. '
             'The simulator runs in the benchmark process and answers one request at a time; the machine is shared '
             'with other jobs and was loaded while this ran (2 cores), so the figures vary from run to run.'
             % (FORKS, FORKS, ORGS, args.repeat), '']
    lines += table(results)
    text = '\n'.join(lines) + '\n'
    print(text)
    if smoke:
        return
    os.makedirs(RESULTS, exist_ok=True)
    with open(os.path.join(RESULTS, 'many_orgs.md'), 'w') as handle:
        handle.write(text)
    with open(os.path.join(RESULTS, 'many_orgs.json'), 'w') as handle:
        json.dump(results, handle, indent=2)


if __name__ == '__main__':
    main()
