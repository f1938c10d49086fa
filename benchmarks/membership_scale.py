#!/usr/bin/env python
"""How converging a whole organization scales: one github_org_members task against per-user loops.

Runs real ``ansible-playbook`` against the local GitHub simulator (``simulator/``, package ``ghsim``, started
in-process on 127.0.0.1) and measures, for organizations of growing size (20 owners, the rest
members, every membership already as wanted, so a converge changes nothing):

* a loop of ``ansible.builtin.uri`` GETs of ``/orgs/{org}/memberships/{user}`` (what a hand-written
  playbook does just to *read* the state);
* a loop of ``gitops.github.github_org_membership`` (one task per user);
* one ``gitops.github.github_org_members`` task for the whole list, plus the module alone (its
  process, without ansible-playbook around it).

The loops start one module process per user (about a second each on a small machine), so they are
only run for small orgs, 100 users by default (``--loop-sizes 25,50,100,300`` goes further); their
cost at larger sizes is extrapolated with a straight line through the measured points and marked
as such. The script also converges a 1,000-member org with exactly 10 changes and counts
the writes. It prints a Markdown table, checks the goals of issue 4, and writes
``benchmarks/results/membership_scale.{md,json,png}``.

Usage (from the repository root; needs ``benchmarks/requirements.txt``, i.e. matplotlib)::

    .venv/bin/python benchmarks/membership_scale.py            # the full run, about 7 minutes on 2 cores
    .venv/bin/python benchmarks/membership_scale.py --quick    # small sizes, about a minute
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

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)

from ghsim import Simulator, generate  # noqa: E402  (pip install ./simulator; scripts/setup.sh does)

ORG = 'bigorg'
TOKEN = 'sim-token-bigorg-admin'
OWNERS = 20
RESULTS = os.path.join(HERE, 'results')
BIN = os.path.dirname(sys.executable)


# ---------------------------------------------------------------------------------------------
# set-up

def collection_root():
    """A directory that makes the checkout importable as ``ansible_collections.gitops.github``."""
    root = tempfile.mkdtemp(prefix='gitops-github-bench-')
    os.makedirs(os.path.join(root, 'ansible_collections', 'gitops'))
    os.symlink(REPO, os.path.join(root, 'ansible_collections', 'gitops', 'github'))
    return root


def org_seed(size, extra_users=()):
    seed = generate(org=ORG, members=size - OWNERS, owners=OWNERS, token=TOKEN)
    seed['users'].extend(extra_users)
    return seed


def wanted_list(seed):
    org = seed['orgs'][0]
    return ([{'username': login, 'role': 'admin'} for login in org['owners']]
            + [{'username': login, 'role': 'member'} for login in org['members']])


class Run(object):
    def __init__(self, seconds, requests, writes, result=None):
        self.seconds = seconds
        self.requests = requests
        self.writes = writes
        self.result = result or {}


def play(root, workdir, sim, tasks, wanted):
    """Run one play (``tasks``, with ``wanted`` as a vars file) and count the simulator's requests."""
    with open(os.path.join(workdir, 'wanted.json'), 'w') as handle:
        json.dump({'wanted': wanted}, handle)
    playbook = [{
        'hosts': 'localhost', 'gather_facts': False, 'vars_files': ['wanted.json'],
        'module_defaults': {'group/gitops.github.github': {'api_url': sim.api_url, 'write_delay': 0}},
        'vars': {'api': sim.api_url},
        'tasks': tasks,
    }]
    with open(os.path.join(workdir, 'play.yml'), 'w') as handle:
        json.dump(playbook, handle)  # JSON is YAML
    record = os.path.join(workdir, 'results.jsonl')
    if os.path.exists(record):
        os.remove(record)
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=root, GITHUB_TOKEN=TOKEN, ANSIBLE_LOCALHOST_WARNING='false',
               ANSIBLE_INVENTORY_UNPARSED_WARNING='false', ANSIBLE_PYTHON_INTERPRETER=sys.executable,
               ANSIBLE_NOCOLOR='1', ANSIBLE_RETRY_FILES_ENABLED='false',
               ANSIBLE_CALLBACK_PLUGINS=os.path.join(REPO, 'tests', 'integration', 'callback_plugins'),
               ANSIBLE_CALLBACKS_ENABLED='record_results', RECORD_RESULTS_FILE=record,
               ANSIBLE_HOME=os.path.join(workdir, 'home'), ANSIBLE_LOCAL_TEMP=os.path.join(workdir, 'tmp'))
    before = len(sim.log)
    start = time.perf_counter()
    proc = subprocess.run([os.path.join(BIN, 'ansible-playbook'), '-i', 'localhost,', '-c', 'local', 'play.yml'],
                          cwd=workdir, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit('ansible-playbook failed:\n%s\n%s' % (proc.stdout[-3000:], proc.stderr[-3000:]))
    log = sim.log[before:]
    result = {}
    if os.path.exists(record):
        with open(record) as handle:
            lines = [line for line in handle if line.strip()]
        if lines:
            result = json.loads(lines[-1])['result']
    return Run(seconds, len(log), sum(1 for e in log if e.method != 'GET'), result)


def module_alone(root, workdir, sim, wanted, exclusive=False):
    """Run the github_org_members module as one process, the way Ansible runs it, without ansible-playbook."""
    args = {'ANSIBLE_MODULE_ARGS': {'org': ORG, 'members': wanted, 'exclusive': exclusive, 'api_url': sim.api_url,
                                    'token': TOKEN, 'write_delay': 0}}
    path = os.path.join(workdir, 'args.json')
    with open(path, 'w') as handle:
        json.dump(args, handle)
    env = dict(os.environ, PYTHONPATH=root)
    before = len(sim.log)
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, '-m', 'ansible_collections.gitops.github.plugins.modules.github_org_members', path],
                          env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    result = json.loads(proc.stdout)
    if result.get('failed'):
        raise SystemExit('github_org_members failed: %s' % result.get('msg'))
    log = sim.log[before:]
    return Run(seconds, len(log), sum(1 for e in log if e.method != 'GET'), result)


URI_TASK = {
    'name': 'read each membership',
    'ansible.builtin.uri': {
        'url': '{{ api }}/orgs/%s/memberships/{{ item.username }}' % ORG,
        'headers': {'Authorization': "Bearer {{ lookup('ansible.builtin.env', 'GITHUB_TOKEN') }}",
                    'Accept': 'application/vnd.github+json'},
    },
    'loop': '{{ wanted }}',
}
LOOP_TASK = {
    'name': 'one task per user',
    'gitops.github.github_org_membership': {'org': ORG, 'username': '{{ item.username }}', 'role': '{{ item.role }}'},
    'loop': '{{ wanted }}',
}
LIST_TASK = {
    'name': 'the whole list',
    'gitops.github.github_org_members': {'org': ORG, 'members': '{{ wanted }}', 'exclusive': True},
}


# ---------------------------------------------------------------------------------------------
# measuring

def measure(sizes, loop_sizes, repeat):
    root = collection_root()
    workdir = tempfile.mkdtemp(prefix='gitops-github-bench-play-')
    rows = []
    try:
        for size in sorted(set(sizes) | set(loop_sizes)):
            seed = org_seed(size)
            wanted = wanted_list(seed)
            sim = Simulator(seed).start()
            try:
                row = {'size': size}
                if size in loop_sizes:
                    for key, task in (('uri_loop', URI_TASK), ('module_loop', LOOP_TASK)):
                        run = play(root, workdir, sim, [task], wanted)
                        row[key] = {'seconds': run.seconds, 'requests': run.requests}
                        print('  %-12s %6d users: %7.1f s %6d requests' % (key, size, run.seconds, run.requests), flush=True)
                if size in sizes:
                    runs = [play(root, workdir, sim, [LIST_TASK], wanted) for _dummy in range(repeat)]
                    best = min(runs, key=lambda r: r.seconds)
                    assert best.result.get('changed') is False, best.result
                    alone = min((module_alone(root, workdir, sim, wanted, exclusive=True) for _dummy in range(repeat)),
                                key=lambda r: r.seconds)
                    assert alone.result['changed'] is False and alone.result['api_requests'] == alone.requests
                    row['list_task'] = {'seconds': best.seconds, 'requests': best.requests}
                    row['list_module'] = {'seconds': alone.seconds, 'requests': alone.requests}
                    print('  %-12s %6d users: %7.1f s %6d requests (module alone %.2f s)'
                          % ('list_task', size, best.seconds, best.requests, alone.seconds), flush=True)
                rows.append(row)
            finally:
                sim.stop()
        changes = ten_changes(root, workdir)
    finally:
        shutil.rmtree(root, ignore_errors=True)
        shutil.rmtree(workdir, ignore_errors=True)
    return rows, changes


def ten_changes(root, workdir, size=1000):
    """4 additions, 3 promotions and 3 removals in a 1,000-member org: 10 writes and nothing else."""
    newcomers = ['newcomer%02d' % i for i in range(1, 5)]
    seed = org_seed(size, newcomers)
    wanted = wanted_list(seed)
    members = [w for w in wanted if w['role'] == 'member']
    for entry in members[:3]:
        entry['role'] = 'admin'
    dropped = set(w['username'] for w in members[3:6])
    wanted = [w for w in wanted if w['username'] not in dropped] + [{'username': n, 'role': 'member'} for n in newcomers]
    sim = Simulator(seed).start()
    try:
        run = module_alone(root, workdir, sim, wanted, exclusive=True)
        again = module_alone(root, workdir, sim, wanted, exclusive=True)
    finally:
        sim.stop()
    return {
        'size': size, 'seconds': run.seconds, 'requests': run.requests, 'writes': run.writes,
        'added': len(run.result['added']), 'role_changed': len(run.result['role_changed']),
        'removed': len(run.result['removed']), 'rerun_requests': again.requests, 'rerun_writes': again.writes,
        'rerun_changed': again.result['changed'],
    }


# ---------------------------------------------------------------------------------------------
# reporting

def per_item(rows, key):
    """``(seconds per user, fixed seconds)`` of a loop: a least-squares line through its measured sizes."""
    points = [(r['size'], r[key]['seconds']) for r in rows if key in r]
    if len(points) < 2:
        return None
    n = float(len(points))
    mx = sum(x for x, _dummy in points) / n
    my = sum(y for _dummy, y in points) / n
    slope = sum((x - mx) * (y - my) for x, y in points) / sum((x - mx) ** 2 for x, _dummy in points)
    return slope, my - slope * mx


def _cell(row, key):
    if key not in row:
        return '–'
    return '%.1f / %d' % (row[key]['seconds'], row[key]['requests'])


def table(rows):
    lines = ['| members | `uri` loop: s / requests | `github_org_membership` loop: s / requests '
             '| `github_org_members` task: s / requests | module alone: s |',
             '|---:|---:|---:|---:|---:|']
    for r in rows:
        alone = '%.2f' % r['list_module']['seconds'] if 'list_module' in r else '–'
        lines.append('| %d | %s | %s | %s | %s |' % (r['size'], _cell(r, 'uri_loop'), _cell(r, 'module_loop'),
                                                     _cell(r, 'list_task'), alone))
    return '\n'.join(lines)


def goals(rows, changes):
    at = dict((r['size'], r) for r in rows)
    out = []
    if 1000 in at and 'list_task' in at[1000]:
        r = at[1000]
        bound = int(math.ceil(1000 / 100.0)) + 4
        out.append(('requests for a no-change converge of 1,000 members <= ceil(N/100)+4 = %d' % bound,
                    '%d' % r['list_task']['requests'], r['list_task']['requests'] <= bound))
        out.append(('module wall time (1,000 members) < 2 s', '%.2f s' % r['list_module']['seconds'],
                    r['list_module']['seconds'] < 2.0))
        fit = per_item(rows, 'module_loop')
        if fit is not None:
            loop_1000 = fit[0] * 1000 + fit[1]
            ratio = loop_1000 / r['list_task']['seconds']
            out.append(('playbook >= 50x faster than the per-user loop at 1,000 (loop extrapolated: %.0f s)' % loop_1000,
                        '%.0fx' % ratio, ratio >= 50))
        loops = [x for x in rows if 'module_loop' in x and 'list_task' in x]
        if loops:
            big = loops[-1]
            ratio = big['module_loop']['seconds'] / big['list_task']['seconds']
            out.append(('measured speed-up at %d members (both measured)' % big['size'], '%.0fx' % ratio, None))
    if changes:
        out.append(('a converge with 10 changes adds exactly 10 writes (%d reads + %d writes, rerun %d requests, 0 writes)'
                    % (changes['requests'] - changes['writes'], changes['writes'], changes['rerun_requests']),
                    '%d writes' % changes['writes'],
                    changes['writes'] == 10 and changes['rerun_writes'] == 0 and not changes['rerun_changed']))
    return out


def plot(rows, path):
    try:
        import matplotlib
    except ImportError:
        print('matplotlib is not installed (pip install -r benchmarks/requirements.txt): no plot written')
        return False
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    series = [('uri_loop', 'ansible.builtin.uri loop', 'tab:orange', 's'),
              ('module_loop', 'github_org_membership loop', 'tab:red', 'o'),
              ('list_task', 'one github_org_members task', 'tab:blue', 'D')]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.5))
    top = max(r['size'] for r in rows)
    for key, label, colour, marker in series:
        points = [(r['size'], r[key]['seconds'], r[key]['requests']) for r in rows if key in r]
        if not points:
            continue
        xs = [p[0] for p in points]
        left.plot(xs, [p[1] for p in points], marker=marker, color=colour, label=label)
        right.plot(xs, [p[2] for p in points], marker=marker, color=colour, label=label)
        fit = per_item(rows, key) if key != 'list_task' else None
        if fit is not None and xs[-1] < top:
            ext = [xs[-1], top]
            left.plot(ext, [fit[0] * x + fit[1] for x in ext], linestyle=':', color=colour)
            right.plot(ext, [points[-1][2] * x / float(xs[-1]) for x in ext], linestyle=':', color=colour)
    for axis, title, unit in ((left, 'Wall time of ansible-playbook, no-change converge', 'seconds'),
                              (right, 'HTTP requests sent', 'requests')):
        axis.set_xscale('log')
        axis.set_yscale('log')
        axis.set_xlabel('organization members (20 owners)')
        axis.set_ylabel(unit)
        axis.set_title(title, fontsize=10)
        axis.grid(True, which='both', alpha=0.3)
    left.legend(fontsize=8, title='dotted: loops extrapolated', title_fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return True


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', 1)[0])
    parser.add_argument('--sizes', default='100,300,1000,3000,10000',
                        help='org sizes for the github_org_members task (default: %(default)s)')
    parser.add_argument('--loop-sizes', default='25,50,100',
                        help='org sizes for the per-user loops, keep them small (default: %(default)s)')
    parser.add_argument('--repeat', type=int, default=2, help='runs of the list task per size, best kept (default: %(default)s)')
    parser.add_argument('--quick', action='store_true', help='small sizes, for a smoke test')
    parser.add_argument('--output', default=RESULTS, help='where to write the table, the JSON and the plot')
    opts = parser.parse_args(argv)
    if opts.quick:
        opts.sizes, opts.loop_sizes, opts.repeat = '100,1000', '25,40', 1
    sizes = [int(x) for x in opts.sizes.split(',') if x]
    loop_sizes = [int(x) for x in opts.loop_sizes.split(',') if x]
    if min(sizes + loop_sizes) <= OWNERS:
        parser.error('every size must be more than the %d owners' % OWNERS)

    started = time.time()
    load_before = os.getloadavg()
    print('Converging orgs of %s members (loops: %s) on the local simulator...' % (opts.sizes, opts.loop_sizes), flush=True)
    rows, changes = measure(sizes, loop_sizes, opts.repeat)
    text = table(rows)
    checks = goals(rows, changes)
    lines = [text, '']
    for name, value, ok in checks:
        lines.append('- %s: **%s**%s' % (name, value, '' if ok is None else (' (goal met)' if ok else ' (GOAL MISSED)')))
    report = '\n'.join(lines)
    print('\n' + report)
    os.makedirs(opts.output, exist_ok=True)
    with open(os.path.join(opts.output, 'membership_scale.md'), 'w') as handle:
        handle.write(report + '\n')
    with open(os.path.join(opts.output, 'membership_scale.json'), 'w') as handle:
        json.dump({'rows': rows, 'ten_changes': changes, 'python': sys.version.split()[0], 'cpus': os.cpu_count(),
                   'load_average_before': load_before, 'load_average_after': os.getloadavg()},
                  handle, indent=1)
    png = os.path.join(opts.output, 'membership_scale.png')
    if plot(rows, png):
        print('plot: %s' % os.path.relpath(png, REPO))
    print('total benchmark time: %.0f s; load average before %.1f, after %.1f on %d CPUs'
          % (time.time() - started, load_before[0], os.getloadavg()[0], os.cpu_count()))
    return 0 if all(ok is not False for _dummy, _dummy, ok in checks) else 1


if __name__ == '__main__':
    sys.exit(main())
