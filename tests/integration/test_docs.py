"""Every module's documentation renders with ansible-doc from the installed collection, with
examples and return values, and every module is in the action group."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import yaml

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODULES = sorted(f[:-3] for f in os.listdir(os.path.join(REPO, 'plugins', 'modules')) if f.endswith('.py') and f != '__init__.py')


@pytest.mark.parametrize('name', MODULES)
def test_ansible_doc_renders(collections_path, name):
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections_path)
    proc = subprocess.run([os.path.join(os.path.dirname(sys.executable), 'ansible-doc'), '--json', 'gitops.github.' + name],
                          env=env, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)['gitops.github.' + name]
    assert doc['doc']['short_description']
    assert 'gitops.github.' + name in doc['examples'], 'examples use the FQCN'
    assert doc['return'], 'return values are documented'
    assert 'ghp_' not in doc['examples'] and 'github_pat_' not in doc['examples']


def test_every_module_is_in_the_action_group():
    """Every module with the shared connection options (the github_* ones) is in the group, so
    module_defaults for group/gitops.github.github reach it; membership_report (the role's report,
    run on the controller, no connection options) is not."""
    with open(os.path.join(REPO, 'meta', 'runtime.yml')) as handle:
        runtime = yaml.safe_load(handle)
    connected = [m for m in MODULES if m.startswith('github_')]
    assert sorted(runtime['action_groups']['github']) == connected
    assert sorted(set(MODULES) - set(connected)) == ['membership_report']


def test_ansible_doc_renders_the_role(collections_path):
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections_path)
    proc = subprocess.run([os.path.join(os.path.dirname(sys.executable), 'ansible-doc'), '-t', 'role', '--json', 'gitops.github.membership'],
                          env=env, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    entry_points = json.loads(proc.stdout)['gitops.github.membership']['entry_points']
    assert sorted(entry_points) == ['export', 'main', 'report']
    assert 'membership_orgs' in entry_points['main']['options']
    for name, entry in entry_points.items():
        assert entry['short_description'], name
    # And the text a person reads.
    proc = subprocess.run([os.path.join(os.path.dirname(sys.executable), 'ansible-doc'), '-t', 'role', 'gitops.github.membership'],
                          env=dict(env, ANSIBLE_NOCOLOR='1'), capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert 'membership_orgs' in proc.stdout
    assert proc.stdout.count('ENTRY POINT') == 3, proc.stdout
