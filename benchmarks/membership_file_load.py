#!/usr/bin/env python
"""Reading a membership file: the controller-side reader (``plugins/plugin_utils/_membership_file.py``,
issue 21 item 2) against ``ansible.builtin.include_vars`` in a one-task playbook.

For generated files of growing size (members x teams: 5 owners, teams of 20 members and 2
maintainers, every fifth team nested, as ``benchmarks/org_roster_scale.py`` shapes them) it measures,
three runs each, medians:

* ``reader``: ``load_membership_file`` inside this process (the file only; what the action plugin
  will pay), with the peak of Python allocations during the load (``tracemalloc``, in a run of its
  own since tracing slows the load);
* ``reader process``: ``python -c`` importing ansible-core and the reader and loading the file, as a
  process: wall time and maximum resident set size;
* ``include_vars``: ``ansible-playbook`` with one ``include_vars`` task of the same file, as a
  process (wall time, the largest resident set of the process tree), beside the one-task
  ``debug`` playbook floor measured the same way: the difference is what ``include_vars`` costs;
* for reference, ``yaml.load`` with ``CSafeLoader`` (what a plain script pays) and Ansible's own
  ``DataLoader.load_from_file`` (include_vars' parser, tagged strings) inside this process.

A benchmark, not a test: it prints a Markdown table (``benchmarks/results/membership_file_load.md``
holds one run's) and removes its temporary files.

    .venv/bin/python benchmarks/membership_file_load.py                 # 5,000 x 300 and 100,000 x 6,000
    .venv/bin/python benchmarks/membership_file_load.py --sizes 1000x50 --repeat 1
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
BIN = os.path.dirname(sys.executable)
OWNERS = 5
SIZES = ((5000, 300), (100000, 6000))


def collection_root():
    root = tempfile.mkdtemp(prefix='gitops-github-loadbench-')
    os.makedirs(os.path.join(root, 'ansible_collections', 'gitops'))
    os.symlink(REPO, os.path.join(root, 'ansible_collections', 'gitops', 'github'))
    return root


def membership(members, teams):
    """One organization of ``members`` people (``OWNERS`` owners) and ``teams`` teams of 20."""
    logins = ['user-%06d' % i for i in range(members)]
    owners, plain = logins[:OWNERS], logins[OWNERS:]
    entries = []
    for j in range(teams):
        start = (j * 20) % max(len(plain) - 20, 1)
        team = {'team': 'team-%05d' % j, 'exclusive': True, 'maintainers': plain[start:start + 2],
                'members': plain[start + 2:start + 20]}
        if j and j % 5 == 0:
            team['parent'] = 'team-%05d' % (j // 5)
        entries.append(team)
    return {'membership_orgs': [{'org': 'bigorg', 'exclusive': True, 'owners': owners, 'members': plain, 'teams': entries}]}


def write_file(workdir, members, teams):
    path = os.path.join(workdir, 'membership-%dx%d.yml' % (members, teams))
    with open(path, 'w') as handle:
        yaml.dump(membership(members, teams), handle, Dumper=yaml.CSafeDumper, default_flow_style=False, sort_keys=False)
    return path


def timed(function, repeat):
    times = []
    for _round in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def traced_peak(function):
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def in_process(path, repeat):
    from ansible.parsing.dataloader import DataLoader
    from ansible_collections.gitops.github.plugins.plugin_utils._membership_file import load_membership_file

    orgs = load_membership_file(path)
    assert all(login.__class__ is str for login in orgs[0]['members'])  # plain str, not a tagged subclass
    loader = DataLoader()
    return {
        'reader_s': timed(lambda: load_membership_file(path), repeat),
        'reader_peak_mb': traced_peak(lambda: load_membership_file(path)) / 2 ** 20,
        'csafe_s': timed(lambda: yaml.load(open(path, 'rb'), Loader=yaml.CSafeLoader), repeat),
        'dataloader_s': timed(lambda: loader.load_from_file(path, cache='none'), repeat),
    }


def process(argv, env, cwd):
    """Wall time and the largest resident set (MiB) of a command and its children, via GNU time."""
    start = time.perf_counter()
    proc = subprocess.run(['/usr/bin/time', '-f', 'maxrss=%M'] + argv, env=env, cwd=cwd, capture_output=True, text=True,
                          check=False)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit('%s failed:\n%s\n%s' % (argv[0], proc.stdout[-3000:], proc.stderr[-3000:]))
    maxrss = [line for line in proc.stderr.splitlines() if line.startswith('maxrss=')][-1]
    return seconds, int(maxrss.split('=')[1]) / 1024


def processes(root, workdir, path, repeat):
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=root, ANSIBLE_LOCALHOST_WARNING='false',
               ANSIBLE_INVENTORY_UNPARSED_WARNING='false', ANSIBLE_PYTHON_INTERPRETER=sys.executable, ANSIBLE_NOCOLOR='1',
               ANSIBLE_RETRY_FILES_ENABLED='false', ANSIBLE_HOME=os.path.join(workdir, 'home'),
               ANSIBLE_LOCAL_TEMP=os.path.join(workdir, 'tmp'), PYTHONPATH=root)
    plays = {}
    for name, task in (('floor', {'ansible.builtin.debug': {'msg': 'hi'}}),
                       ('include_vars', {'ansible.builtin.include_vars': {'file': path}})):
        plays[name] = os.path.join(workdir, name + '.yml')
        with open(plays[name], 'w') as handle:
            json.dump([{'hosts': 'localhost', 'gather_facts': False, 'tasks': [task]}], handle)
    script = ('from ansible_collections.gitops.github.plugins.plugin_utils._membership_file import load_membership_file; '
              'load_membership_file(%r)' % path)
    commands = {
        'reader_process': [sys.executable, '-c', script],
        'floor': [os.path.join(BIN, 'ansible-playbook'), plays['floor']],
        'include_vars': [os.path.join(BIN, 'ansible-playbook'), plays['include_vars']],
    }
    row = {}
    for name, argv in commands.items():
        runs = [process(argv, env, workdir) for _round in range(repeat)]
        row[name + '_s'] = statistics.median(r[0] for r in runs)
        row[name + '_rss_mb'] = statistics.median(r[1] for r in runs)
    return row


def alias_bomb(workdir):
    """The reader on a billion-laughs file (10**9 strings through 9 levels of aliases): time and peak
    allocations of its refusal. include_vars is not run on it (it took 2 GiB and crashed, issue 21)."""
    from ansible_collections.gitops.github.plugins.plugin_utils._membership_file import MembershipFileError, load_membership_file

    lines = ['a0: &a0 ["lol"]'] + ['a%d: &a%d [%s]' % (i, i, ', '.join(['*a%d' % (i - 1)] * 10)) for i in range(1, 10)]
    path = os.path.join(workdir, 'laughs.yml')
    with open(path, 'w') as handle:
        handle.write('\n'.join(lines) + '\nmembership_orgs: [{org: acme, members: *a9}]\n')

    def refuse():
        try:
            load_membership_file(path)
        except MembershipFileError as exc:
            return str(exc)
        raise SystemExit('the alias bomb was not refused')

    seconds = timed(refuse, 3)
    return 'Billion laughs (%d bytes): refused in %.1f ms, peak Python allocations %.0f KiB: %s' % (
        os.path.getsize(path), seconds * 1000, traced_peak(refuse) / 1024, refuse())


def table(rows):
    lines = ['| file | size | reader (in process) | peak Python allocations | reader process | its max RSS | '
             'include_vars playbook | its max RSS | one-task floor | include_vars − floor | CSafeLoader | DataLoader |',
             '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|']
    for r in rows:
        lines.append('| %s | %.1f MB | %.2f s | %.0f MiB | %.2f s | %.0f MiB | %.2f s | %.0f MiB | %.2f s | %.2f s | %.2f s | %.2f s |' % (
            r['size'], r['bytes'] / 1e6, r['reader_s'], r['reader_peak_mb'], r['reader_process_s'], r['reader_process_rss_mb'],
            r['include_vars_s'], r['include_vars_rss_mb'], r['floor_s'], r['include_vars_s'] - r['floor_s'], r['csafe_s'],
            r['dataloader_s']))
    return '\n'.join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument('--sizes', default=','.join('%dx%d' % s for s in SIZES), help='members x teams, comma-separated')
    parser.add_argument('--repeat', type=int, default=3)
    args = parser.parse_args()
    root = collection_root()
    sys.path.insert(0, root)
    workdir = tempfile.mkdtemp(prefix='gitops-github-loadbench-work-')
    rows = []
    for size in args.sizes.split(','):
        members, teams = (int(n) for n in size.split('x'))
        path = write_file(workdir, members, teams)
        row = {'size': '%s × %s' % (format(members, ','), format(teams, ',')), 'bytes': os.path.getsize(path)}
        row.update(in_process(path, args.repeat))
        row.update(processes(root, workdir, path, args.repeat))
        rows.append(row)
        print(json.dumps(row), file=sys.stderr)
    print(table(rows))
    print()
    print(alias_bomb(workdir))
    shutil.rmtree(workdir)
    shutil.rmtree(root)


if __name__ == '__main__':
    main()
