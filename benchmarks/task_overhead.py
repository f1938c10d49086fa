"""Median wall time of one github_org_membership task against one ansible.builtin.uri task doing
the same GET, both through real ansible-playbook against the local simulator.

    .venv/bin/python benchmarks/task_overhead.py [--repeat 25]

It prints a table; the goal is a ratio within 1.2x (the module also reads, compares and reports,
the uri task only fetches).
"""

from __future__ import annotations

import argparse
import glob
import os
import statistics
import subprocess
import sys
import importlib.util
import tempfile

from ghsim import Simulator  # pip install ./simulator (scripts/setup.sh does)

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _load_harness():
    # The integration tests' ansible-playbook runner (tests/integration/harness.py) is a file of the
    # test tree, not a package: load it by path rather than editing sys.path.
    spec = importlib.util.spec_from_file_location('harness', os.path.join(REPO, 'tests', 'integration', 'harness.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


run_playbook = _load_harness().run_playbook

TOKEN = 'sim-token-octo-admin'
SEED = {
    'users': ['octo-admin', 'bob'],
    'tokens': {TOKEN: 'octo-admin'},
    'orgs': [{'login': 'acme', 'id': 9001, 'owners': ['octo-admin'], 'members': ['bob']}],
}


def install_collection(dest):
    bindir = os.path.dirname(sys.executable)
    out = tempfile.mkdtemp()
    subprocess.run([os.path.join(bindir, 'ansible-galaxy'), 'collection', 'build', '--output-path', out, REPO],
                   check=True, capture_output=True)
    tarball = glob.glob(os.path.join(out, 'gitops-github-*.tar.gz'))[0]
    subprocess.run([os.path.join(bindir, 'ansible-galaxy'), 'collection', 'install', '--offline', '-p', dest, tarball],
                   check=True, capture_output=True)
    return dest


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--repeat', type=int, default=25, help='tasks of each kind (default 25)')
    args = parser.parse_args()
    collections = install_collection(tempfile.mkdtemp())
    with Simulator(SEED) as sim:
        sim.start()
        uri = {'name': 'uri', 'ansible.builtin.uri': {
            'url': sim.api_url + '/orgs/acme/memberships/bob',
            'headers': {'Authorization': 'Bearer {{ lookup("ansible.builtin.env", "GITHUB_TOKEN") }}',
                        'Accept': 'application/vnd.github+json', 'X-GitHub-Api-Version': '2022-11-28'},
            'return_content': True}}
        module = {'name': 'module', 'gitops.github.github_org_membership': {'org': 'acme', 'username': 'bob', 'role': 'member'}}
        # Interleave the two kinds so drift in machine load hits both alike.
        tasks = [uri, module] * args.repeat
        run = run_playbook(collections, tasks, sim=sim, extra_env={'GITHUB_TOKEN': TOKEN})
        if run.rc != 0:
            raise SystemExit(run.output)
        requests_sent = len(sim.log)
    times = {'uri': [], 'module': []}
    for record in run.results:
        times[record['task']].append(record['seconds'])
    # The first task of each kind pays for imports and caches; keep it out of the median.
    rows = []
    for name, label in (('uri', 'ansible.builtin.uri GET'), ('module', 'gitops.github.github_org_membership')):
        sample = times[name][1:]
        rows.append((label, statistics.median(sample), min(sample), max(sample), len(sample)))
    print('%-40s %10s %10s %10s %4s' % ('task', 'median s', 'min s', 'max s', 'n'))
    for label, med, low, high, count in rows:
        print('%-40s %10.3f %10.3f %10.3f %4d' % (label, med, low, high, count))
    ratio = rows[1][1] / rows[0][1]
    print('ratio module/uri: %.2fx (goal: within 1.2x); requests sent in all: %d' % (ratio, requests_sent))


if __name__ == '__main__':
    main()
