#!/usr/bin/env python
"""Whole organizations as code at scale: the role's playbooks (one github_org_roster task per org)
against a plain ``requests`` script reading the same state with REST list endpoints.

For organizations of growing size (members x teams, about 20 % of the teams nested under another,
one team of 250 members so that nested GraphQL paging is exercised), every membership already as
the file says, it measures through real ``ansible-playbook`` on the simulator (in-process,
127.0.0.1):

* ``gitops.github.drift`` (check mode, drift report) and ``gitops.github.apply`` (no change);
* a plain ``requests`` script that reads the same state (org members by role, invitations, failed
  invitations, the team list, every team's members) at 100 per page, following ``Link``;
* the minimum number of REST list pages for that state (what the script must read).

A GraphQL query counts as one request. It prints a Markdown table, the ratios against the goals
of issue 11 (playbook wall time within 2x the script, requests at most 1.1x the minimum pages,
zero writes, drift clean), a growth table with the drifts per hour that GitHub's 5,000/h and
15,000/h budgets allow, and writes ``benchmarks/results/org_roster_scale.{md,json,png}``.

Usage (from the repository root; needs ``benchmarks/requirements.txt``, i.e. matplotlib, and
``tests/requirements.txt`` for graphql-core)::

    .venv/bin/python benchmarks/org_roster_scale.py             # about 3 minutes on 2 cores
    .venv/bin/python benchmarks/org_roster_scale.py --quick     # two small sizes
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time

import requests
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, 'tests', 'simulator'))

from ghsim import Simulator, generate  # noqa: E402  (the simulator lives in the test tree)

ORG = 'bigorg'
TOKEN = 'sim-token-bigorg-admin'
OWNERS = 5
RESULTS = os.path.join(HERE, 'results')
BIN = os.path.dirname(sys.executable)
SIZES = [(300, 20), (1000, 50), (3000, 150), (5000, 300)]
HEADLINE = [(1000, 50), (5000, 300)]
BUDGETS = (5000, 15000)


def collection_root():
    root = tempfile.mkdtemp(prefix='gitops-github-bench-')
    os.makedirs(os.path.join(root, 'ansible_collections', 'gitops'))
    os.symlink(REPO, os.path.join(root, 'ansible_collections', 'gitops', 'github'))
    return root


def org_seed(members, teams):
    """``members`` people (``OWNERS`` of them owners) and ``teams`` teams of about 20 members; team 1
    has 250; every fifth team is the child of an earlier one."""
    seed = generate(org=ORG, members=members - OWNERS, owners=OWNERS, teams=teams, team_size=20, token=TOKEN)
    org = seed['orgs'][0]
    org['teams'][0]['members'] = org['members'][:250]
    org['teams'][0]['maintainers'] = [org['owners'][0]]
    for j, team in enumerate(org['teams']):
        if j and j % 5 == 0:
            team['parent'] = org['teams'][j // 5]['slug']
    return seed


def membership_file(seed):
    org = seed['orgs'][0]
    return {'membership_orgs': [{
        'org': ORG, 'exclusive': True, 'owners': list(org['owners']), 'members': list(org['members']),
        'teams': [{'team': t['slug'], 'exclusive': True, 'maintainers': list(t['maintainers']),
                   'members': [m for m in t['members'] if m not in t['maintainers']]} for t in org['teams']],
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


def plain_script(api_url):
    """What a person would write with requests: every list, 100 a page, Link followed. Returns
    (seconds, requests)."""
    session = requests.Session()
    session.headers.update({'Authorization': 'Bearer ' + TOKEN, 'Accept': 'application/vnd.github+json'})
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

    start = time.perf_counter()
    base = '%s/orgs/%s' % (api_url, ORG)
    state = {
        'admins': [u['login'] for u in all_pages(base + '/members', {'role': 'admin'})],
        'members': [u['login'] for u in all_pages(base + '/members', {'role': 'member'})],
        'invitations': all_pages(base + '/invitations'),
        'failed': all_pages(base + '/failed_invitations'),
        'teams': {},
    }
    for team in all_pages(base + '/teams'):
        state['teams'][team['slug']] = [u['login'] for u in all_pages('%s/teams/%s/members' % (base, team['slug']))]
    return time.perf_counter() - start, count


def run_playbook(root, workdir, sim, playbook, extra):
    vars_file = os.path.join(workdir, 'vars.json')
    with open(vars_file, 'w') as handle:
        json.dump(dict({'github_write_delay': 0}, **extra), handle)
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=root, GITHUB_TOKEN=TOKEN, GITHUB_API_URL=sim.api_url,
               ANSIBLE_LOCALHOST_WARNING='false', ANSIBLE_INVENTORY_UNPARSED_WARNING='false',
               ANSIBLE_PYTHON_INTERPRETER=sys.executable, ANSIBLE_NOCOLOR='1', ANSIBLE_RETRY_FILES_ENABLED='false',
               ANSIBLE_HOME=os.path.join(workdir, 'home'), ANSIBLE_LOCAL_TEMP=os.path.join(workdir, 'tmp'))
    before = len(sim.log)
    start = time.perf_counter()
    proc = subprocess.run([os.path.join(BIN, 'ansible-playbook'), playbook, '-e', '@' + vars_file], cwd=workdir,
                          env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit('%s failed:\n%s\n%s' % (playbook, proc.stdout[-3000:], proc.stderr[-3000:]))
    log = sim.log[before:]
    graphql = [e for e in log if e.route == '/graphql']
    writes = [e for e in log if e.method in ('PUT', 'POST', 'PATCH', 'DELETE') and e.route != '/graphql']
    points = 0
    for e in graphql:
        body = e.json() or {}
        points += (((body.get('data') or {}).get('rateLimit') or {}).get('cost') or 0)
    return {'seconds': seconds, 'requests': len(log), 'graphql': len(graphql), 'points': points,
            'rest': len(log) - len(graphql), 'writes': len(writes)}


def ansible_floor(root, workdir):
    """Wall time of a playbook with one ``ansible.builtin.debug`` task: what any playbook costs here."""
    play = os.path.join(workdir, 'floor.yml')
    with open(play, 'w') as handle:
        handle.write('- hosts: localhost\n  gather_facts: false\n  tasks:\n    - ansible.builtin.debug: {msg: hi}\n')
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=root, ANSIBLE_LOCALHOST_WARNING='false',
               ANSIBLE_INVENTORY_UNPARSED_WARNING='false', ANSIBLE_PYTHON_INTERPRETER=sys.executable,
               ANSIBLE_HOME=os.path.join(workdir, 'home'), ANSIBLE_LOCAL_TEMP=os.path.join(workdir, 'tmp'))
    start = time.perf_counter()
    subprocess.run([os.path.join(BIN, 'ansible-playbook'), play], cwd=workdir, env=env, capture_output=True, check=True)
    return time.perf_counter() - start


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


def measure(members, teams, root):
    seed = org_seed(members, teams)
    workdir = tempfile.mkdtemp(prefix='gitops-github-bench-run-')
    try:
        path = os.path.join(workdir, 'membership.yml')
        with open(path, 'w') as handle:
            yaml.safe_dump(membership_file(seed), handle, sort_keys=False)
        with Simulator(seed) as sim:
            minimum = minimum_pages(sim)
            script_s, script_requests = plain_script(sim.api_url)
            report = os.path.join(workdir, 'drift.json')
            drift = run_playbook(root, workdir, sim, 'gitops.github.drift',
                                 {'membership_file': path, 'drift_report_json': report, 'drift_report_markdown': ''})
            with open(report) as handle:
                drift['clean'] = json.load(handle)['drift'] is False
            apply = run_playbook(root, workdir, sim, 'gitops.github.apply', {'membership_file': path})
            alone = module_alone(root, workdir, sim, path)
        floor = ansible_floor(root, workdir)
        nested = sum(1 for t in seed['orgs'][0]['teams'] if t.get('parent'))
        return {'members': members, 'teams': teams, 'nested': nested, 'minimum_pages': minimum,
                'script': {'seconds': script_s, 'requests': script_requests}, 'drift': drift, 'apply': apply,
                'module_seconds': alone, 'floor_seconds': floor}
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def drifts_per_hour(row, budget):
    # REST requests and GraphQL points come from separate budgets of the same size: the larger uses it up first.
    use = max(row['drift']['rest'], row['drift']['points'], 1)
    return budget // use


def table(rows):
    lines = ['| members × teams (nested) | drift: s / requests (REST + GraphQL) | apply: s / requests | script: s / requests '
             '| min pages | drift time ÷ script | requests ÷ min pages | writes | drift clean | module alone | 1-task playbook |',
             '|---|---:|---:|---:|---:|---:|---:|---:|:---:|---:|---:|']
    for r in rows:
        d, a, s = r['drift'], r['apply'], r['script']
        lines.append('| %d × %d (%d) | %.1f / %d (%d + %d) | %.1f / %d | %.2f / %d | %d | %.2f× | %.2f× | %d | %s | %.2f s | %.1f s |' % (
            r['members'], r['teams'], r['nested'], d['seconds'], d['requests'], d['rest'], d['graphql'],
            a['seconds'], a['requests'], s['seconds'], s['requests'], r['minimum_pages'],
            d['seconds'] / s['seconds'], d['requests'] / float(r['minimum_pages']), d['writes'] + a['writes'],
            'yes' if d['clean'] else 'NO', r['module_seconds'], r['floor_seconds']))
    return lines


def growth(rows):
    lines = ['| members × teams | REST requests / drift | GraphQL queries (points) / drift | drifts/h at 5,000/h | drifts/h at 15,000/h |',
             '|---|---:|---:|---:|---:|']
    for r in rows:
        d = r['drift']
        values = (r['members'], r['teams'], d['rest'], d['graphql'], d['points'],
                  drifts_per_hour(r, BUDGETS[0]), drifts_per_hour(r, BUDGETS[1]))
        lines.append('| %d × %d | %d | %d (%d) | %d | %d |' % values)
    return lines


def plot(rows, path):
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    labels = ['%d×%d' % (r['members'], r['teams']) for r in rows]
    x = range(len(rows))
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    left.plot(x, [r['drift']['seconds'] for r in rows], 'o-', label='drift playbook (github_org_roster)')
    left.plot(x, [r['apply']['seconds'] for r in rows], 's-', label='apply playbook, no change')
    left.plot(x, [r['script']['seconds'] for r in rows], '^-', label='plain requests script (REST lists)')
    left.plot(x, [r['module_seconds'] for r in rows], 'x:', label='github_org_roster module alone')
    left.plot(x, [r['floor_seconds'] for r in rows], '--', color='grey', label='a 1-task playbook (Ansible floor)')
    left.set_xticks(list(x))
    left.set_xticklabels(labels)
    left.set_xlabel('members × teams')
    left.set_ylabel('wall time (s)')
    left.legend(fontsize=8)
    right.plot(x, [r['drift']['requests'] for r in rows], 'o-', label='drift playbook requests (GraphQL query = 1)')
    right.plot(x, [r['minimum_pages'] for r in rows], '^--', label='minimum REST list pages')
    right.set_xticks(list(x))
    right.set_xticklabels(labels)
    right.set_xlabel('members × teams')
    right.set_ylabel('requests')
    right.legend(fontsize=8)
    fig.suptitle('Whole-org drift: one github_org_roster task per org')
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--quick', action='store_true', help='two small sizes only')
    args = parser.parse_args()
    sizes = [(300, 20), (1000, 50)] if args.quick else SIZES
    root = collection_root()
    rows = []
    try:
        for members, teams in sizes:
            print('measuring %d members x %d teams ...' % (members, teams), file=sys.stderr, flush=True)
            rows.append(measure(members, teams, root))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    lines = ['## Whole organizations: the role (one `github_org_roster` task per org) vs a plain `requests` script', '']
    lines += table(rows) + ['', '### Growth and drifts per hour', ''] + growth(rows) + ['']
    for r in rows:
        if (r['members'], r['teams']) in HEADLINE:
            d = r['drift']
            ok = (d['seconds'] <= 2 * r['script']['seconds'], d['requests'] <= 1.1 * r['minimum_pages'],
                  d['writes'] + r['apply']['writes'] == 0, d['clean'])
            lines.append('- %d × %d: drift %.1f s vs script %.2f s (%.1f×, goal ≤ 2×: %s); %d requests vs %d minimum '
                         'pages (%.2f×, goal ≤ 1.1×: %s); writes %d (goal 0: %s); drift clean: %s' % (
                             r['members'], r['teams'], d['seconds'], r['script']['seconds'],
                             d['seconds'] / r['script']['seconds'], 'met' if ok[0] else 'NOT met', d['requests'],
                             r['minimum_pages'], d['requests'] / float(r['minimum_pages']), 'met' if ok[1] else 'NOT met',
                             d['writes'] + r['apply']['writes'], 'met' if ok[2] else 'NOT met', 'yes' if ok[3] else 'NO'))
    text = '\n'.join(lines) + '\n'
    print(text)
    if not args.quick:
        os.makedirs(RESULTS, exist_ok=True)
        with open(os.path.join(RESULTS, 'org_roster_scale.md'), 'w') as handle:
            handle.write(text)
        with open(os.path.join(RESULTS, 'org_roster_scale.json'), 'w') as handle:
            json.dump(rows, handle, indent=2)
        try:
            plot(rows, os.path.join(RESULTS, 'org_roster_scale.png'))
        except ImportError:
            print('matplotlib is not installed: no plot (pip install -r benchmarks/requirements.txt)', file=sys.stderr)


if __name__ == '__main__':
    main()
