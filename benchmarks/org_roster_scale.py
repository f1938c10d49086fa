#!/usr/bin/env python
"""Whole organizations as code at scale: the role's playbooks (one github_org_roster task per org)
against a plain ``requests`` script reading the same state with REST list endpoints.

For organizations of growing size (members x teams, about 20 % of the teams nested under another,
one team of 250 members so that nested GraphQL paging is exercised), every membership already as
the file says, it measures through real ``ansible-playbook`` on the simulator (in-process,
127.0.0.1):

* ``gitops.github.drift`` (check mode, drift report) and ``gitops.github.apply`` (no change);
* a plain ``requests`` script that reads the same state (org members by role, invitations, failed
  invitations, the team list, every team's members) at 100 per page, following ``Link``: once
  inside this process (the reading alone) and once as its own process (``python script.py``,
  interpreter start and ``import requests`` included), since the playbooks are measured as
  processes too;
* the minimum number of REST list pages for that state (what the script must read).

127.0.0.1 answers in well under a millisecond, so at the simulator's default the table measures
fixed costs only. The headline sizes are measured again with a per-request latency of the
simulator (``Simulator(latency=...)``, see ``--latencies``): a sweep, not a claim about the
latency of any real server, showing from where on the round trips outweigh the fixed start-up
of ``ansible-playbook`` (the roster sends a fraction of the script's requests).

A GraphQL query counts as one request. It prints a Markdown table, the ratios against the goals
of issue 11 (playbook wall time within 2x the script, requests at most 1.1x the minimum pages,
zero writes, drift clean), the latency sweep with which rows meet the 2x goal, a growth table
with the drifts per hour that GitHub's 5,000/h and 15,000/h budgets allow, and writes
``benchmarks/results/org_roster_scale.{md,json,png}``.

``--access`` (issue 20) measures only the no-change drift of the headline sizes with 200
repositories, 30 outside collaborators, five organization role assignments and a repository grant
on every team, the membership file written by the role's export playbook, against a plain REST
script that reads the access too and the minimum list pages by part; it writes
``benchmarks/results/org_roster_access.{md,json}``.

Usage (from the repository root; needs ``benchmarks/requirements.txt``, i.e. matplotlib, and
``tests/requirements.txt`` for graphql-core)::

    .venv/bin/python benchmarks/org_roster_scale.py             # about 6 minutes on 2 cores
    .venv/bin/python benchmarks/org_roster_scale.py --quick     # two small sizes, no latency sweep
    .venv/bin/python benchmarks/org_roster_scale.py --latencies 0,0.05   # another sweep (seconds)
    .venv/bin/python benchmarks/org_roster_scale.py --access    # with repositories and roles, about 2 minutes
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import shutil
import subprocess
import sys
import tempfile
import time

import yaml
from ghsim import Simulator, generate, graphql  # pip install ./simulator (scripts/setup.sh does)

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)

ORG = 'bigorg'
TOKEN = 'sim-token-bigorg-admin'
OWNERS = 5
RESULTS = os.path.join(HERE, 'results')
BIN = os.path.dirname(sys.executable)
SIZES = [(300, 20), (1000, 50), (3000, 150), (5000, 300)]
HEADLINE = [(1000, 50), (5000, 300)]
LATENCIES = (0.0, 0.025, 0.1)  # seconds per request, for the headline sizes
BUDGETS = (5000, 15000)


def collection_root(repo=REPO):
    root = tempfile.mkdtemp(prefix='gitops-github-bench-')
    os.makedirs(os.path.join(root, 'ansible_collections', 'gitops'))
    os.symlink(repo, os.path.join(root, 'ansible_collections', 'gitops', 'github'))
    return root


def org_seed(members, teams, **access):
    """``members`` people (``OWNERS`` of them owners) and ``teams`` teams of about 20 members; team 1
    has 250; every fifth team is the child of an earlier one. ``access``: more keywords of
    ``generate`` (repositories, outside collaborators, role assignments; see ``ACCESS``)."""
    # GitHub's 5,000 requests an hour would stop the script after three reads of a 20,000-member org:
    # the benchmark measures time, not the budget (the growth table counts the requests instead).
    seed = generate(org=ORG, members=members - OWNERS, owners=OWNERS, teams=teams, team_size=20, token=TOKEN,
                    rate_limit=10 ** 9, **access)
    org = seed['orgs'][0]
    org['teams'][0]['members'] = org['members'][:250]
    org['teams'][0]['maintainers'] = [org['owners'][0]]
    for j, team in enumerate(org['teams']):
        if j and j % 5 == 0:
            team['parent'] = org['teams'][j // 5]['slug']
    return seed


def membership_file(seed, swap=False):
    """The file that matches the org; with ``swap``, every team lists one other org member in place
    of its last listed member (a drift of one addition and one removal a team)."""
    org = seed['orgs'][0]
    everyone = org['members']
    teams = []
    for j, t in enumerate(org['teams']):
        members = [m for m in t['members'] if m not in t['maintainers']]
        if swap and members:
            taken = set(t['members']) | set(t['maintainers'])
            members[-1] = next(everyone[(j * 7 + 3 + k) % len(everyone)] for k in range(len(everyone))
                               if everyone[(j * 7 + 3 + k) % len(everyone)] not in taken)
        teams.append({'team': t['slug'], 'exclusive': True, 'maintainers': list(t['maintainers']), 'members': members})
    return {'membership_orgs': [{
        'org': ORG, 'exclusive': True, 'owners': list(org['owners']), 'members': list(org['members']), 'teams': teams,
    }]}


def minimum_pages(sim):
    """The REST list pages a reader of this org must fetch (100 a page, at least one per list)."""
    state = sim.state
    org = state.org(ORG)

    def pages(n):
        return max(1, math.ceil(n / 100.0))

    admins = sum(1 for r in org.members.values() if r == 'admin')
    total = pages(admins) + pages(len(org.members) - admins) + pages(len(org.invitations)) + pages(len(org.failed_invitations))
    total += pages(len(org.teams))
    for team in org.teams.values():
        total += pages(len(state.effective_team_members(team)))
    return total


# What a person would write with requests: every list, 100 a page, Link followed. Run as a file
# (python script.py API_URL TOKEN ORG) it prints {"requests": N}; plain_script() runs the same
# source inside this process.
SCRIPT = r"""
import json
import sys

import requests


def read(api_url, token, org):
    session = requests.Session()
    session.headers.update({'Authorization': 'Bearer ' + token, 'Accept': 'application/vnd.github+json'})
    count = 0

    def all_pages(url, params=None):
        nonlocal count
        items = []
        params = dict(params or {}, per_page=100)
        while url:
            resp = session.get(url, params=params, timeout=30)
            count += 1
            resp.raise_for_status()
            items.extend(resp.json())
            url = resp.links.get('next', {}).get('url')
            params = None
        return items

    base = '%s/orgs/%s' % (api_url, org)
    state = {
        'admins': [u['login'] for u in all_pages(base + '/members', {'role': 'admin'})],
        'members': [u['login'] for u in all_pages(base + '/members', {'role': 'member'})],
        'invitations': all_pages(base + '/invitations'),
        'failed': all_pages(base + '/failed_invitations'),
        'teams': {},
    }
    for team in all_pages(base + '/teams'):
        state['teams'][team['slug']] = [u['login'] for u in all_pages('%s/teams/%s/members' % (base, team['slug']))]
    return state, count


if __name__ == '__main__':
    print(json.dumps({'requests': read(*sys.argv[1:4])[1]}))
"""


# Started by run_process: runs the command, then writes its wall time and the peak resident set of
# the largest process of its tree (RUSAGE_CHILDREN's ru_maxrss, in KiB). A small launcher of its own,
# because a process forked straight from this one (which holds the simulator's whole state) would
# count this process's memory as its own peak.
LAUNCHER = r"""
import resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.call(sys.argv[2:])
seconds = time.perf_counter() - start
with open(sys.argv[1], 'w') as handle:
    handle.write('%r %d' % (seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
sys.exit(code)
"""


def run_process(args, **kwargs):
    """Run ``args`` to the end: ``(seconds, returncode, stdout, stderr, peak_mb)``. The peak is the
    largest resident set of the process or of any descendant it waited for (for ``ansible-playbook``
    its workers and the module process), in MB."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile('r', suffix='.usage') as usage:
        proc = subprocess.run([sys.executable, '-c', LAUNCHER, usage.name] + list(args), stdout=out, stderr=err,
                              check=False, **kwargs)
        seconds, peak_kib = usage.read().split()
        out.seek(0)
        err.seek(0)
        return (float(seconds), proc.returncode, out.read().decode('utf-8', 'replace'),
                err.read().decode('utf-8', 'replace'), int(peak_kib) / 1024.0)


def warm_up(api_url):
    """What the first measured size would otherwise pay alone: the simulator builds its GraphQL
    schema on the first query (about 1 s), and the first reads fill its caches."""
    import requests
    graphql.schema()
    requests.post(api_url + '/graphql', json={'query': '{ viewer { login } }'},
                  headers={'Authorization': 'Bearer ' + TOKEN}, timeout=60)
    plain_script(api_url)


def plain_script(api_url):
    """The script's reading inside this process (interpreter and requests already loaded).
    Returns (seconds, requests)."""
    namespace = {'__name__': 'plain_script'}
    exec(compile(SCRIPT, 'script.py', 'exec'), namespace)  # our own source, above
    start = time.perf_counter()
    _state, count = namespace['read'](api_url, TOKEN, ORG)
    return time.perf_counter() - start, count


def plain_script_process(workdir, api_url):
    """``python script.py``: the same script as its own process, as the playbooks are measured.
    Returns (seconds, requests, peak MB)."""
    path = os.path.join(workdir, 'script.py')
    with open(path, 'w') as handle:
        handle.write(SCRIPT)
    seconds, code, out, err, peak = run_process([sys.executable, path, api_url, TOKEN, ORG], cwd=workdir)
    if code != 0:
        raise SystemExit('script.py failed:\n%s' % err[-3000:])
    return seconds, json.loads(out)['requests'], peak


def run_playbook(root, workdir, sim, playbook, extra):
    vars_file = os.path.join(workdir, 'vars.json')
    with open(vars_file, 'w') as handle:
        json.dump(dict({'github_write_delay': 0}, **extra), handle)
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=root, GITHUB_TOKEN=TOKEN, GITHUB_API_URL=sim.api_url,
               ANSIBLE_LOCALHOST_WARNING='false', ANSIBLE_INVENTORY_UNPARSED_WARNING='false',
               ANSIBLE_PYTHON_INTERPRETER=sys.executable, ANSIBLE_NOCOLOR='1', ANSIBLE_RETRY_FILES_ENABLED='false',
               ANSIBLE_HOME=os.path.join(workdir, 'home'), ANSIBLE_LOCAL_TEMP=os.path.join(workdir, 'tmp'))
    before = len(sim.log)
    seconds, code, out, err, peak = run_process([os.path.join(BIN, 'ansible-playbook'), playbook, '-e', '@' + vars_file],
                                                cwd=workdir, env=env)
    if code != 0:
        raise SystemExit('%s failed:\n%s\n%s' % (playbook, out[-3000:], err[-3000:]))
    log = sim.log[before:]
    graphql = [e for e in log if e.route == '/graphql']
    writes = [e for e in log if e.method in ('PUT', 'POST', 'PATCH', 'DELETE') and e.route != '/graphql']
    points = 0
    for e in graphql:
        body = e.json() or {}
        points += (((body.get('data') or {}).get('rateLimit') or {}).get('cost') or 0)
    return {'seconds': seconds, 'requests': len(log), 'graphql': len(graphql), 'points': points,
            'rest': len(log) - len(graphql), 'writes': len(writes), 'peak_mb': peak}


def ansible_floor(root, workdir):
    """Wall time of a playbook with one ``ansible.builtin.debug`` task: what any playbook costs here."""
    play = os.path.join(workdir, 'floor.yml')
    with open(play, 'w') as handle:
        handle.write('- hosts: localhost\n  gather_facts: false\n  tasks:\n    - ansible.builtin.debug: {msg: hi}\n')
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=root, ANSIBLE_LOCALHOST_WARNING='false',
               ANSIBLE_INVENTORY_UNPARSED_WARNING='false', ANSIBLE_PYTHON_INTERPRETER=sys.executable,
               ANSIBLE_HOME=os.path.join(workdir, 'home'), ANSIBLE_LOCAL_TEMP=os.path.join(workdir, 'tmp'))
    seconds, code, out, err, _peak = run_process([os.path.join(BIN, 'ansible-playbook'), play], cwd=workdir, env=env)
    if code != 0:
        raise SystemExit('the 1-task playbook failed:\n%s\n%s' % (out[-3000:], err[-3000:]))
    return seconds


def module_alone(root, workdir, sim, path):
    """The github_org_roster module as one process (as Ansible runs it), in check mode, without
    ansible-playbook around it: its own read and plan time."""
    with open(path) as handle:
        entry = yaml.safe_load(handle)['membership_orgs'][0]
    args = os.path.join(workdir, 'args.json')
    with open(args, 'w') as handle:
        json.dump({'ANSIBLE_MODULE_ARGS': dict(entry, api_url=sim.api_url, token=TOKEN, _ansible_check_mode=True)}, handle)
    module = os.path.join(REPO, 'plugins', 'modules', 'github_org_roster.py')
    env = dict(os.environ, PYTHONPATH=root)
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, module, args], cwd=workdir, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    result = json.loads(proc.stdout)
    if result.get('failed'):
        raise SystemExit('module failed: %s' % result.get('msg'))
    return seconds


def median_of(runs, *keys):
    values = []
    for run in runs:
        for key in keys:
            run = run[key]
        values.append(run)
    return statistics.median(values)


def measure(members, teams, root, latency=0.0, full=True, repeat=3, apply=True):
    """One size at one simulator latency, ``repeat`` times on the same simulator after one
    unmeasured warm-up read. Each repetition measures the script (in-process and as a process),
    the 1-task playbook, the drift and (``apply``) the no-change apply back to back, and takes its
    ratios within itself; the row holds the medians of the times and of the ratios, and every
    repetition under ``runs``. ``full`` adds the module alone (latency 0 only)."""
    seed = org_seed(members, teams)
    workdir = tempfile.mkdtemp(prefix='gitops-github-bench-run-')
    runs = []
    try:
        path = os.path.join(workdir, 'membership.yml')
        with open(path, 'w') as handle:
            yaml.dump(membership_file(seed), handle, Dumper=getattr(yaml, 'CSafeDumper', yaml.SafeDumper), sort_keys=False)
        with Simulator(seed, latency=latency) as sim:
            minimum = minimum_pages(sim)
            warm_up(sim.api_url)
            alone = None
            for _round in range(repeat):
                script_s, script_requests = plain_script(sim.api_url)
                process_s, process_requests, script_peak = plain_script_process(workdir, sim.api_url)
                if process_requests != script_requests:
                    raise SystemExit('the script read %d pages in-process and %d as a process' % (script_requests, process_requests))
                floor = ansible_floor(root, workdir)
                report = os.path.join(workdir, 'drift.json')
                drift = run_playbook(root, workdir, sim, 'gitops.github.drift',
                                     {'membership_file': path, 'drift_report_json': report, 'drift_report_markdown': ''})
                with open(report) as handle:
                    drift['clean'] = json.load(handle)['drift'] is False
                run = {'script': {'seconds': script_s, 'process_seconds': process_s, 'requests': script_requests,
                                  'peak_mb': script_peak},
                       'floor_seconds': floor, 'drift': drift,
                       'ratios': {'drift_script_process': drift['seconds'] / process_s,
                                  'drift_script': drift['seconds'] / script_s,
                                  'drift_floor': drift['seconds'] / floor}}
                if apply:
                    run['apply'] = run_playbook(root, workdir, sim, 'gitops.github.apply', {'membership_file': path})
                    run['ratios']['apply_script_process'] = run['apply']['seconds'] / process_s
                    run['ratios']['apply_drift'] = run['apply']['seconds'] / drift['seconds']
                runs.append(run)
            if full:
                alone = statistics.median(module_alone(root, workdir, sim, path) for _round in range(repeat))
        nested = sum(1 for t in seed['orgs'][0]['teams'] if t.get('parent'))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    parts = ('drift', 'apply') if apply else ('drift',)
    row = {'members': members, 'teams': teams, 'nested': nested, 'latency': latency, 'minimum_pages': minimum,
           'repeat': repeat, 'runs': runs, 'module_seconds': alone,
           'floor_seconds': median_of(runs, 'floor_seconds'),
           'script': {'seconds': median_of(runs, 'script', 'seconds'),
                      'process_seconds': median_of(runs, 'script', 'process_seconds'),
                      'requests': runs[0]['script']['requests'], 'peak_mb': median_of(runs, 'script', 'peak_mb')},
           'ratios': dict((key, median_of(runs, 'ratios', key)) for key in runs[0]['ratios'])}
    for part in parts:
        first = runs[-1][part]
        row[part] = dict(first, seconds=median_of(runs, part, 'seconds'), peak_mb=max(r[part]['peak_mb'] for r in runs),
                         writes=sum(r[part]['writes'] for r in runs),
                         clean=all(r[part].get('clean', True) for r in runs))
        if len(set((r[part]['requests'], r[part]['graphql']) for r in runs)) != 1:
            raise SystemExit('%s sent a different number of requests in its repetitions' % part)
    return row


def measure_changed(members, teams, root, repeat=3):
    """The drift playbook (check mode) when every team differs by one addition and one removal:
    what the role's result collection and report cost when there is much to report."""
    seed = org_seed(members, teams)
    workdir = tempfile.mkdtemp(prefix='gitops-github-bench-run-')
    try:
        path = os.path.join(workdir, 'membership.yml')
        with open(path, 'w') as handle:
            yaml.dump(membership_file(seed, swap=True), handle, Dumper=getattr(yaml, 'CSafeDumper', yaml.SafeDumper),
                      sort_keys=False)
        with Simulator(seed) as sim:
            warm_up(sim.api_url)
            runs = []
            for _round in range(repeat):
                report = os.path.join(workdir, 'drift.json')
                drift = run_playbook(root, workdir, sim, 'gitops.github.drift',
                                     {'membership_file': path, 'drift_report_json': report, 'drift_report_markdown': ''})
                with open(report) as handle:
                    drift['summary'] = json.load(handle)['summary']
                runs.append(drift)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return {'members': members, 'teams': teams, 'repeat': repeat, 'runs': runs,
            'seconds': statistics.median(r['seconds'] for r in runs), 'summary': runs[-1]['summary'],
            'writes': sum(r['writes'] for r in runs), 'requests': runs[-1]['requests']}


def drifts_per_hour(row, budget):
    # REST requests and GraphQL points come from separate budgets of the same size: the larger uses it up first.
    use = max(row['drift']['rest'], row['drift']['points'], 1)
    return budget // use


def meets(row):
    """Whether drift and apply are both within 2x of the script run as a process (medians of the
    ratios taken within each repetition)."""
    ratios = row['ratios']
    return ratios['drift_script_process'] <= 2 and ratios.get('apply_script_process', 0) <= 2


def table(rows):
    lines = ['| members × teams (nested) | drift: s / requests (REST + GraphQL) | apply: s / requests '
             '| script process: s | script in-process: s / requests | 1-task playbook: s | min pages '
             '| drift ÷ script process | drift ÷ 1-task playbook | drift ÷ script in-process | requests ÷ min pages '
             '| writes | drift clean | module alone | peak MB: drift / script |',
             '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---:|---:|---:|']
    for r in rows:
        d, a, s, q = r['drift'], r['apply'], r['script'], r['ratios']
        lines.append('| %d × %d (%d) | %.1f / %d (%d + %d) | %.1f / %d | %.2f | %.2f / %d | %.2f | %d | %.1f× | %.1f× '
                     '| %.1f× | %.2f× | %d | %s | %.2f s | %d / %d |' % (
                         r['members'], r['teams'], r['nested'], d['seconds'], d['requests'], d['rest'], d['graphql'],
                         a['seconds'], a['requests'], s['process_seconds'], s['seconds'], s['requests'],
                         r['floor_seconds'], r['minimum_pages'], q['drift_script_process'], q['drift_floor'],
                         q['drift_script'], d['requests'] / float(r['minimum_pages']), d['writes'] + a['writes'],
                         'yes' if d['clean'] else 'NO', r['module_seconds'], d['peak_mb'], s['peak_mb']))
    return lines


def sweep_table(rows):
    lines = ['| members × teams | latency per request | drift: s / requests | apply: s | script process: s / requests '
             '| script in-process: s | drift ÷ script process | apply ÷ script process | both within 2× of the script process |',
             '|---|---:|---:|---:|---:|---:|---:|---:|:---:|']
    for r in rows:
        d, a, s, q = r['drift'], r['apply'], r['script'], r['ratios']
        lines.append('| %d × %d | %d ms | %.1f / %d | %.1f | %.2f / %d | %.2f | %.2f× | %.2f× | %s |' % (
            r['members'], r['teams'], round(r['latency'] * 1000), d['seconds'], d['requests'], a['seconds'],
            s['process_seconds'], s['requests'], s['seconds'], q['drift_script_process'],
            q['apply_script_process'], 'met' if meets(r) else 'NOT met'))
    return lines


def growth(rows):
    """Drift wall time, requests and peak memory against size, beside the script and the minimum
    pages, with the drifts an hour that GitHub's budgets allow."""
    lines = ['| members × teams | runs | drift: s | script process: s | drift ÷ script process | drift requests '
             '(REST + GraphQL points) | script requests = min pages | peak MB: drift / script | drift s per 1,000 '
             'members | drifts/h at 5,000/h | drifts/h at 15,000/h |',
             '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|']
    for r in rows:
        d, s = r['drift'], r['script']
        lines.append('| %d × %d | %d | %.1f | %.2f | %.1f× | %d (%d + %d) | %d = %d | %d / %d | %.2f | %d | %d |' % (
            r['members'], r['teams'], r['repeat'], d['seconds'], s['process_seconds'], r['ratios']['drift_script_process'],
            d['requests'], d['rest'], d['points'], s['requests'], r['minimum_pages'], d['peak_mb'], s['peak_mb'],
            1000.0 * d['seconds'] / r['members'], drifts_per_hour(r, BUDGETS[0]), drifts_per_hour(r, BUDGETS[1])))
    return lines


def verdicts(rows, sweep):
    """Plain sentences: which rows meet the goals of issues 11 and 21, and why the others do not."""
    lines = []
    for r in rows:
        if (r['members'], r['teams']) not in HEADLINE:
            continue
        d, a, s, q = r['drift'], r['apply'], r['script'], r['ratios']
        ok = (d['requests'] <= 1.1 * r['minimum_pages'], d['writes'] + a['writes'] == 0, d['clean'])
        lines.append('- %d × %d at 0 ms (median of %d): drift %.1f s and apply %.1f s vs the script %.2f s as a process '
                     '(%.2f s of it reading, in-process) and the 1-task playbook %.2f s: drift ÷ script %.1f×, apply ÷ '
                     'script %.1f× (goal ≤ 2×: %s), drift ÷ 1-task playbook %.1f×; %d requests vs %d minimum pages '
                     '(%.2f×, goal ≤ 1.1×: %s); writes %d (goal 0: %s); drift clean: %s' % (
                         r['members'], r['teams'], r['repeat'], d['seconds'], a['seconds'], s['process_seconds'],
                         s['seconds'], r['floor_seconds'], q['drift_script_process'], q['apply_script_process'],
                         'met' if meets(r) else 'NOT met', q['drift_floor'], d['requests'], r['minimum_pages'],
                         d['requests'] / float(r['minimum_pages']), 'met' if ok[0] else 'NOT met',
                         d['writes'] + a['writes'], 'met' if ok[1] else 'NOT met', 'yes' if ok[2] else 'NO'))
    met = [r for r in sweep if meets(r)]
    missed = [r for r in sweep if not meets(r)]

    def names(some):
        return ', '.join('%d × %d at %d ms' % (r['members'], r['teams'], round(r['latency'] * 1000)) for r in some) or 'none'

    floors = [r['floor_seconds'] for r in rows if r['floor_seconds'] is not None]
    if sweep:
        lines += ['', '- Wall time within 2× of the script (drift and apply, against the script as a process): '
                  'met for %s; **not met** for %s.' % (names(met), names(missed))]
    if missed and floors:
        lines.append('- Why not: the playbooks pay a fixed cost that the script does not, whatever the latency: '
                     '`ansible-playbook` itself (a 1-task playbook takes %.1f-%.1f s here), loading and checking the '
                     'membership file, and the module as its own process (module alone: see the table). Against '
                     '127.0.0.1 the script needs well under a second, so that fixed cost alone is more than 2× of it.'
                     % (min(floors), max(floors)))
    if met:
        lines.append('- Why with latency: every request waits the latency once; the roster sends %s requests where the '
                     'script sends %s, so each added millisecond costs the script several times more, and from a few '
                     'tens of milliseconds per request on the fixed Ansible start-up no longer decides.' % (
                         '/'.join(str(r['drift']['requests']) for r in sweep if r['latency'] == sweep[-1]['latency']),
                         '/'.join(str(r['script']['requests']) for r in sweep if r['latency'] == sweep[-1]['latency'])))
    return lines


def plot(rows, sweep, grown, path):
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    labels = ['%d×%d' % (r['members'], r['teams']) for r in rows]
    x = range(len(rows))
    fig, axes = plt.subplots(1, 4, figsize=(21, 4.4))
    left, middle, right, far = axes
    left.plot(x, [r['drift']['seconds'] for r in rows], 'o-', label='drift playbook (github_org_roster)')
    left.plot(x, [r['apply']['seconds'] for r in rows], 's-', label='apply playbook, no change')
    left.plot(x, [r['script']['process_seconds'] for r in rows], '^-', label='plain requests script, as a process')
    left.plot(x, [r['script']['seconds'] for r in rows], 'v:', label='the same script, in-process (reading only)')
    left.plot(x, [r['module_seconds'] for r in rows], 'x:', label='github_org_roster module alone')
    left.plot(x, [r['floor_seconds'] for r in rows], '--', color='grey', label='a 1-task debug playbook (Ansible floor)')
    left.set_xticks(list(x))
    left.set_xticklabels(labels)
    left.set_xlabel('members × teams (simulator latency 0; medians)')
    left.set_ylabel('wall time (s)')
    left.legend(fontsize=7)
    for size, marker in zip(HEADLINE, ('o', 's')):
        points = sorted((r for r in sweep if (r['members'], r['teams']) == size), key=lambda r: r['latency'])
        ms = [r['latency'] * 1000 for r in points]
        middle.plot(ms, [r['drift']['seconds'] for r in points], marker + '-', label='drift %d×%d' % size)
        middle.plot(ms, [r['script']['process_seconds'] for r in points], marker + '--', label='script %d×%d' % size)
    middle.set_xlabel('simulator latency per request (ms)')
    middle.set_ylabel('wall time (s)')
    middle.legend(fontsize=7)
    right.plot(x, [r['drift']['requests'] for r in rows], 'o-', label='drift playbook requests (GraphQL query = 1)')
    right.plot(x, [r['minimum_pages'] for r in rows], '^--', label='minimum REST list pages (= the script)')
    right.set_xticks(list(x))
    right.set_xticklabels(labels)
    right.set_xlabel('members × teams')
    right.set_ylabel('requests')
    right.legend(fontsize=7)
    members = [r['members'] for r in grown]
    far.loglog(members, [r['drift']['seconds'] for r in grown], 'o-', label='drift wall time (s)')
    far.loglog(members, [r['script']['process_seconds'] for r in grown], '^-', label='script as a process (s)')
    far.loglog(members, [r['drift']['peak_mb'] for r in grown], 's--', label='drift: largest process (MB)')
    base = grown[0]
    far.loglog(members, [base['drift']['seconds'] * m / base['members'] for m in members], ':', color='grey',
               label='linear in members, from the first point')
    far.set_xlabel('members (teams = members / 16.7)')
    far.legend(fontsize=7)
    fig.suptitle('Whole-org drift: one github_org_roster task per org')
    fig.tight_layout()
    fig.savefig(path, dpi=100)


# ------------------------------------------------------------------------------------------ --access
# Issue 20: the same organizations with the rest of who can act in them. 200 private repositories;
# 30 outside collaborators, each with pull on three repositories (90 grants on 90 repositories);
# five organization role assignments, three members' and two teams' (team-001, of 250, holds one:
# its members hold the role through it); push on one repository for every team, so that the
# nested teams also inherit their parent's grant.
ACCESS = {'repositories': 200, 'outside_collaborators': 30, 'collaborator_repositories': 3, 'team_repositories': 1,
          'role_assignments': 3, 'team_role_assignments': 2}
ACCESS_RESULTS = 'org_roster_access'
INVITATIONS_ROUTE = '/repos/{owner}/{repo}/invitations'


def _pages(n):
    return max(1, math.ceil(n / 100.0))


def access_minimum_pages(sim):
    """``{part: pages}``: the REST list pages (100 a page, at least one a list) a reader must fetch
    to know the org's membership (``minimum_pages``) and its access, from the simulator's state:
    every team's own repositories (``GET /orgs/{org}/teams/{team}/repos``), the outside
    collaborators, the repository list and every repository's outside collaborators (REST has no
    list of the repositories of one outside collaborator: ``GET /repos/{owner}/{repo}/collaborators
    ?affiliation=outside``, each repository), the organization roles (one unpaged object) and every
    role's users and teams (with the holders through a team: they are on the same list)."""
    state = sim.state
    org = state.org(ORG)
    return {
        'membership': minimum_pages(sim),
        'team_repositories': sum(_pages(len(t.repos)) for t in org.teams.values()),
        'outside_collaborators': _pages(len(state.outside_collaborators(org))),
        'repository_list': _pages(len(org.repos)),
        'repository_collaborators': sum(_pages(sum(1 for k in r.collaborators if k not in org.members))
                                        for r in org.repos.values()),
        'organization_roles': 1 + sum(_pages(len(state.role_users(org, r))) + _pages(len(state.role_teams(org, r)))
                                      for r in org.roles.values()),
    }


# The plain script of SCRIPT, reading the access as well, with REST list endpoints only (GraphQL
# would make it no plain script). It has no membership file, so it reads every organization role.
ACCESS_SCRIPT = SCRIPT.replace("""    return state, count
""", """    for slug in state['teams']:
        state.setdefault('team_repos', {})[slug] = {r['name']: r['role_name']
                                                    for r in all_pages('%s/teams/%s/repos' % (base, slug))}
    state['outside'] = [u['login'] for u in all_pages(base + '/outside_collaborators')]
    state['repos'] = {}
    for repo in all_pages(base + '/repos'):
        url = '%s/repos/%s/%s/collaborators' % (api_url, org, repo['name'])
        state['repos'][repo['name']] = {u['login']: u['role_name'] for u in all_pages(url, {'affiliation': 'outside'})}
    roles = session.get(base + '/organization-roles', timeout=30)  # one object, not paged
    count += 1
    roles.raise_for_status()
    state['roles'] = {}
    for role in roles.json()['roles']:
        url = '%s/organization-roles/%d' % (base, role['id'])
        state['roles'][role['name']] = {'users': [(u['login'], u['assignment']) for u in all_pages(url + '/users')],
                                        'teams': [(t['slug'], t['assignment']) for t in all_pages(url + '/teams')]}
    return state, count
""")
assert ACCESS_SCRIPT != SCRIPT


def access_script(api_url):
    """ACCESS_SCRIPT's reading inside this process: (seconds, requests)."""
    namespace = {'__name__': 'access_script'}
    exec(compile(ACCESS_SCRIPT, 'access_script.py', 'exec'), namespace)  # our own source, above
    start = time.perf_counter()
    _state, count = namespace['read'](api_url, TOKEN, ORG)
    return time.perf_counter() - start, count


def access_script_process(workdir, api_url):
    """``python access_script.py`` as its own process: (seconds, requests, peak MB)."""
    path = os.path.join(workdir, 'access_script.py')
    with open(path, 'w') as handle:
        handle.write(ACCESS_SCRIPT)
    seconds, code, out, err, peak = run_process([sys.executable, path, api_url, TOKEN, ORG], cwd=workdir)
    if code != 0:
        raise SystemExit('access_script.py failed:\n%s' % err[-3000:])
    return seconds, json.loads(out)['requests'], peak


def exported_access(path):
    """What the exported file holds of the access keys, checked against ``ACCESS``: the benchmark
    means nothing if the export left a part out."""
    with open(path) as handle:
        entry = yaml.load(handle, Loader=getattr(yaml, 'CSafeLoader', yaml.SafeLoader))['membership_orgs'][0]
    counts = {'outside_collaborators': len(entry.get('outside_collaborators') or ()),
              'outside_grants': sum(len(p.get('repositories') or {}) for p in entry.get('outside_collaborators') or ()),
              'role_assignments': sum(len(r.get('users') or ()) + len(r.get('teams') or ())
                                      for r in entry.get('organization_roles') or ()),
              'roles_named': len(entry.get('organization_roles') or ()),
              'team_grants': sum(len(t.get('repositories') or {}) for t in entry.get('teams') or ()),
              'teams': len(entry.get('teams') or ())}
    expected = {'outside_collaborators': ACCESS['outside_collaborators'],
                'outside_grants': ACCESS['outside_collaborators'] * ACCESS['collaborator_repositories'],
                'role_assignments': ACCESS['role_assignments'] + ACCESS['team_role_assignments'],
                'team_grants': counts['teams'] * ACCESS['team_repositories']}
    wrong = dict((k, (counts[k], v)) for k, v in expected.items() if counts[k] != v)
    if wrong:
        raise SystemExit('the export does not hold the seeded access (found, seeded): %s' % wrong)
    return counts


def measure_access(members, teams, root, repeat=3):
    """One size with ``ACCESS``: the membership file exported through the role's export playbook,
    then ``repeat`` times back to back the access script (in-process and as a process), the 1-task
    playbook and the no-change drift (check mode), ratios taken within each repetition."""
    seed = org_seed(members, teams, **ACCESS)
    workdir = tempfile.mkdtemp(prefix='gitops-github-bench-access-')
    runs = []
    try:
        path = os.path.join(workdir, 'membership.yml')
        with Simulator(seed) as sim:
            export = run_playbook(root, workdir, sim, 'gitops.github.export', {'export_orgs': ORG, 'membership_file': path})
            exported = exported_access(path)
            minimum = access_minimum_pages(sim)
            roles_listed = len(sim.state.org(ORG).roles)
            warm_up(sim.api_url)
            access_script(sim.api_url)
            for _round in range(repeat):
                script_s, script_requests = access_script(sim.api_url)
                process_s, process_requests, script_peak = access_script_process(workdir, sim.api_url)
                if process_requests != script_requests:
                    raise SystemExit('the script read %d pages in-process and %d as a process' % (script_requests, process_requests))
                floor = ansible_floor(root, workdir)
                report = os.path.join(workdir, 'drift.json')
                before = len(sim.log)
                drift = run_playbook(root, workdir, sim, 'gitops.github.drift',
                                     {'membership_file': path, 'drift_report_json': report, 'drift_report_markdown': ''})
                drift['repository_invitations'] = sum(1 for e in sim.log[before:] if e.route == INVITATIONS_ROUTE)
                with open(report) as handle:
                    body = json.load(handle)
                drift['clean'] = body['drift'] is False
                sections = ('organization_roles', 'outside_collaborators', 'repositories')
                drift['summary'] = dict((k, body['summary'][k]) for k in sections)
                runs.append({'script': {'seconds': script_s, 'process_seconds': process_s, 'requests': script_requests,
                                        'peak_mb': script_peak},
                             'floor_seconds': floor, 'drift': drift,
                             'ratios': {'drift_script_process': drift['seconds'] / process_s,
                                        'drift_script': drift['seconds'] / script_s,
                                        'drift_floor': drift['seconds'] / floor}})
        nested = sum(1 for t in seed['orgs'][0]['teams'] if t.get('parent'))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if len(set((r['drift']['requests'], r['drift']['graphql']) for r in runs)) != 1:
        raise SystemExit('the drift sent a different number of requests in its repetitions')
    return {'members': members, 'teams': teams, 'nested': nested, 'access': dict(ACCESS), 'exported': exported,
            'export': export, 'minimum': minimum, 'roles_listed': roles_listed, 'minimum_pages': sum(minimum.values()), 'repeat': repeat, 'runs': runs,
            'floor_seconds': median_of(runs, 'floor_seconds'),
            'script': {'seconds': median_of(runs, 'script', 'seconds'),
                       'process_seconds': median_of(runs, 'script', 'process_seconds'),
                       'requests': runs[0]['script']['requests'], 'peak_mb': median_of(runs, 'script', 'peak_mb')},
            'drift': dict(runs[-1]['drift'], seconds=median_of(runs, 'drift', 'seconds'),
                          peak_mb=max(r['drift']['peak_mb'] for r in runs), writes=sum(r['drift']['writes'] for r in runs),
                          clean=all(r['drift']['clean'] for r in runs)),
            'ratios': dict((key, median_of(runs, 'ratios', key)) for key in runs[0]['ratios'])}


def access_table(rows):
    lines = ['| members × teams (nested) | drift: s / requests (REST + GraphQL) | of them repository invitations '
             '| script process: s / requests | script in-process: s | 1-task playbook: s | min pages '
             '| drift ÷ script process | drift ÷ 1-task playbook | requests ÷ min pages | writes | drift clean '
             '| peak MB: drift / script |',
             '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|:---:|---:|']
    for r in rows:
        d, s, q = r['drift'], r['script'], r['ratios']
        lines.append('| %d × %d (%d) | %.1f / %d (%d + %d) | %d | %.2f / %d | %.2f | %.2f | %d | %.1f× | %.1f× | %.2f× '
                     '| %d | %s | %d / %d |' % (
                         r['members'], r['teams'], r['nested'], d['seconds'], d['requests'], d['rest'], d['graphql'],
                         d['repository_invitations'], s['process_seconds'], s['requests'], s['seconds'],
                         r['floor_seconds'], r['minimum_pages'], q['drift_script_process'], q['drift_floor'],
                         d['requests'] / float(r['minimum_pages']), d['writes'], 'yes' if d['clean'] else 'NO',
                         d['peak_mb'], s['peak_mb']))
    return lines


def access_report(rows, repeat, load):
    parts = ('membership', 'team_repositories', 'outside_collaborators', 'repository_list', 'repository_collaborators',
             'organization_roles')
    lines = ['## Whole organizations with their access: the drift playbook vs a plain `requests` script', '',
             'The organizations of `org_roster_scale.md` (one team of 250, every fifth team nested) plus '
             '%(repositories)d private repositories, '
             '%(outside_collaborators)d outside collaborators with `pull` on %(collaborator_repositories)d repositories '
             'each, five organization role assignments (%(role_assignments)d members, %(team_role_assignments)d teams, '
             'one of them the team of 250) and `push` on %(team_repositories)d repository for every team (a nested '
             'team also inherits its parent\'s). The membership file is the one the role\'s export playbook '
             'writes from the simulator, so the drift (`gitops.github.drift`, check mode) finds nothing.' % ACCESS, '',
             'The machine has 2 cores and is shared: other jobs were running tests during the runs (load average '
             '%s at the start, %s at the end), so the seconds are loaded figures (the request counts are not). '
             'Simulator on 127.0.0.1, no added latency, '
             'warmed first. Each size is run %d times back to back; times are medians, each ratio the median of the '
             'ratios within one run. A GraphQL query counts as one request. "script" is a plain `requests` script '
             '(REST list endpoints, 100 a page, `Link` followed) reading the membership as in the membership '
             'benchmark plus every team\'s repositories, the outside collaborators, the repository list, every '
             'repository\'s collaborators with `affiliation=outside` (REST lists no one outside collaborator\'s '
             'repositories, so every repository is read) and every organization role\'s users and teams; '
             '"process" is `python access_script.py`, measured like the playbooks.' % (load[0], load[1], repeat), '']
    lines += access_table(rows)
    lines += ['', 'Minimum REST list pages, by part (= what the script reads):', '',
              '| members × teams | ' + ' | '.join(p.replace('_', ' ') for p in parts) + ' | total |',
              '|---|' + '---:|' * (len(parts) + 1)]
    for r in rows:
        counts = ' | '.join(str(r['minimum'][p]) for p in parts)
        lines.append('| %d × %d | %s | %d |' % (r['members'], r['teams'], counts, r['minimum_pages']))
    lines.append('')
    for r in rows:
        d, q = r['drift'], r['ratios']
        ratio = d['requests'] / float(r['minimum_pages'])
        lines.append('- %d × %d (median of %d): drift %.1f s vs the script %.2f s as a process (%.1f×) and the 1-task '
                     'playbook %.2f s (%.1f×); %d requests (%d REST + %d GraphQL, %d of the REST the pending invitations '
                     'of the %d repositories the outside collaborators name: GraphQL has none per repository) vs %d '
                     'minimum pages: %.2f× (goal ≤ 1.1×: %s); writes %d; drift clean: %s; access sections of the '
                     'report: %s.' % (
                         r['members'], r['teams'], r['repeat'], d['seconds'], r['script']['process_seconds'],
                         q['drift_script_process'], r['floor_seconds'], q['drift_floor'], d['requests'], d['rest'],
                         d['graphql'], d['repository_invitations'], d['repository_invitations'], r['minimum_pages'], ratio,
                         'met' if ratio <= 1.1 else 'NOT met', d['writes'], 'yes' if d['clean'] else 'NO',
                         json.dumps(d['summary'], sort_keys=True)))
    lines += ['- Not counted in the minimum (the script does not read them): the pending invitations of each '
              'repository (one list a repository); the drift reads those of the repositories its file names, as '
              'above. The script reads every organization role (it has no file); the drift reads the roles the '
              'file names (%d of %d).' % (rows[0]['exported']['roles_named'], rows[0]['roles_listed'])]
    return lines


def run_access(args):
    sizes = [(300, 20)] if args.quick else HEADLINE
    repeat = 1 if args.quick else args.repeat
    root = collection_root(os.path.abspath(args.collection))
    rows = []
    load = ['%.1f' % os.getloadavg()[0]]
    try:
        for members, teams in sizes:
            print('measuring %d members x %d teams with access, %d runs ...' % (members, teams, repeat), file=sys.stderr, flush=True)
            rows.append(measure_access(members, teams, root, repeat=repeat))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    load.append('%.1f' % os.getloadavg()[0])
    text = '\n'.join(access_report(rows, repeat, load)) + '\n'
    print(text)
    if not args.quick:
        os.makedirs(RESULTS, exist_ok=True)
        with open(os.path.join(RESULTS, ACCESS_RESULTS + '.md'), 'w') as handle:
            handle.write(text)
        with open(os.path.join(RESULTS, ACCESS_RESULTS + '.json'), 'w') as handle:
            json.dump({'sizes': rows, 'load_average_1min': load}, handle, indent=2)


GROWTH = [(20000, 1200), (50000, 3000)]
LARGEST = (100000, 6000)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--quick', action='store_true', help='two small sizes only, one repetition, no latency sweep')
    parser.add_argument('--repeat', type=int, default=3, help='repetitions per point, medians reported (default %(default)s)')
    parser.add_argument('--latencies', default=','.join(str(v) for v in LATENCIES),
                        help='simulator latencies per request for the headline sizes, in seconds (default %(default)s)')
    parser.add_argument('--growth', action='store_true',
                        help='also drift %s (growth table, peak memory; drift and script only)'
                        % ', '.join('%d×%d' % size for size in GROWTH))
    parser.add_argument('--largest', action='store_true', help='with --growth, also %d×%d (several minutes a run)' % LARGEST)
    parser.add_argument('--largest-repeat', type=int, default=1,
                        help='repetitions of %d×%d (default %%(default)s: one run takes several minutes)' % LARGEST)
    parser.add_argument('--changed', metavar='MEMBERSxTEAMS', default=None,
                        help='only a check-mode drift in which every team differs by one addition and one removal '
                        '(for example 5000x1000), printed and not written to results/')
    parser.add_argument('--collection', default=REPO,
                        help='the checkout to measure (default: this one), to compare two versions on one machine')
    parser.add_argument('--access', action='store_true',
                        help='only the no-change drift of %s with repositories, outside collaborators, organization '
                        'roles and team repository access (issue 20), written to results/%s.{md,json}'
                        % (' and '.join('%d×%d' % size for size in HEADLINE), ACCESS_RESULTS))
    args = parser.parse_args()
    if args.access:
        run_access(args)
        return
    if args.changed:
        members, teams = (int(v) for v in args.changed.lower().split('x'))
        root = collection_root(os.path.abspath(args.collection))
        try:
            row = measure_changed(members, teams, root, repeat=args.repeat)
        finally:
            shutil.rmtree(root, ignore_errors=True)
        print('check-mode drift of %d × %d, every team changed, %s: median %.1f s of %s; %d requests, %d writes; '
              'summary %s' % (members, teams, args.collection, row['seconds'],
                              ', '.join('%.1f' % r['seconds'] for r in row['runs']), row['requests'], row['writes'],
                              json.dumps(row['summary'], sort_keys=True)))
        return
    sizes = [(300, 20), (1000, 50)] if args.quick else SIZES
    repeat = 1 if args.quick else args.repeat
    latencies = [] if args.quick else sorted(set(float(v) for v in args.latencies.split(',') if v.strip()))
    growth_sizes = (GROWTH + ([LARGEST] if args.largest else [])) if args.growth else []
    root = collection_root(os.path.abspath(args.collection))
    rows, sweep, grown = [], [], []
    try:
        for members, teams in sizes:
            print('measuring %d members x %d teams, %d runs ...' % (members, teams, repeat), file=sys.stderr, flush=True)
            rows.append(measure(members, teams, root, repeat=repeat))
        for members, teams in HEADLINE:
            for latency in latencies:
                if latency == 0 and (members, teams) in sizes:
                    sweep.append(next(r for r in rows if (r['members'], r['teams']) == (members, teams)))
                    continue
                print('measuring %d members x %d teams at %g ms per request ...' % (members, teams, latency * 1000),
                      file=sys.stderr, flush=True)
                sweep.append(measure(members, teams, root, latency=latency, full=False, repeat=repeat))
        for members, teams in growth_sizes:
            runs = args.largest_repeat if (members, teams) == LARGEST else repeat
            print('measuring %d members x %d teams (drift only), %d runs ...' % (members, teams, runs), file=sys.stderr, flush=True)
            grown.append(measure(members, teams, root, full=False, repeat=runs, apply=False))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    lines = ['## Whole organizations: the role (one `github_org_roster` task per org) vs a plain `requests` script', '',
             'Simulator on 127.0.0.1, no added latency, warmed before the first measured size (its GraphQL schema and '
             'caches). Each point is run %d times back to back; times are medians, and each ratio is the median of '
             'the ratios taken within one run. "script process" is `python script.py` (interpreter start and '
             '`import requests` included), measured like the playbooks; "in-process" is the same reading inside the '
             'benchmark, already started; "1-task playbook" is a playbook of one `ansible.builtin.debug` task, the '
             'floor of any playbook here. Peak MB is the largest resident set of the process tree (`wait4`), for '
             'the drift the largest of `ansible-playbook`, its workers and the module.' % repeat, '']
    lines += table(rows)
    if sweep:
        lines += ['', '### Latency sweep (headline sizes)', '',
                  'The simulator waits the given time before each answer (`Simulator(latency=...)`), standing in for '
                  'the network to a distant server. A sweep, not a measurement of any real server.', '']
        lines += sweep_table(sweep)
    lines += ['', '### Growth, peak memory and drifts per hour', ''] + growth(rows + grown) + ['']
    lines += verdicts(rows, sweep)
    text = '\n'.join(lines) + '\n'
    print(text)
    if not args.quick:
        os.makedirs(RESULTS, exist_ok=True)
        with open(os.path.join(RESULTS, 'org_roster_scale.md'), 'w') as handle:
            handle.write(text)
        with open(os.path.join(RESULTS, 'org_roster_scale.json'), 'w') as handle:
            json.dump({'sizes': rows, 'latency_sweep': sweep, 'growth': grown}, handle, indent=2)
        try:
            plot(rows, sweep, rows + grown, os.path.join(RESULTS, 'org_roster_scale.png'))
        except ImportError:
            print('matplotlib is not installed: no plot (pip install -r benchmarks/requirements.txt)', file=sys.stderr)


if __name__ == '__main__':
    main()
