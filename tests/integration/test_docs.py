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
# The documentation of the role's report action, for ansible-test; galaxy.yml's build_ignore keeps it
# out of the built collection, so users' module lists do not show it.
INTERNAL = ['membership_report']
USER_MODULES = [m for m in MODULES if m not in INTERNAL]


@pytest.mark.parametrize('name', USER_MODULES)
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
    """Every user module has the shared connection options and is in the group, so module_defaults
    for group/gitops.github.github reach it; membership_report (the role's report, run on the
    controller, no connection options) is not."""
    with open(os.path.join(REPO, 'meta', 'runtime.yml')) as handle:
        runtime = yaml.safe_load(handle)
    assert all(m.startswith('github_') for m in USER_MODULES), USER_MODULES
    assert sorted(runtime['action_groups']['github']) == USER_MODULES


def test_the_role_internal_report_action_is_not_in_the_module_list(collections_path):
    """`ansible-doc -l gitops.github` of the installed collection (and the docsite, built from the
    same list) shows the user modules only: the report action's documentation stays in the source
    tree for ansible-test (action-plugin-docs wants it beside the action) and out of the tarball,
    while the action itself is installed and used: test_drift_output and test_role_playbooks run it
    through the role."""
    with open(os.path.join(REPO, 'galaxy.yml')) as handle:
        assert 'plugins/modules/membership_report.py' in yaml.safe_load(handle)['build_ignore']
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections_path)
    proc = subprocess.run([os.path.join(os.path.dirname(sys.executable), 'ansible-doc'), '-l', '--json', 'gitops.github'],
                          env=env, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert sorted(json.loads(proc.stdout)) == ['gitops.github.' + m for m in USER_MODULES]
    installed = os.path.join(collections_path, 'ansible_collections', 'gitops', 'github', 'plugins')
    assert os.path.isfile(os.path.join(installed, 'action', 'membership_report.py'))
    assert not os.path.exists(os.path.join(installed, 'modules', 'membership_report.py'))


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


def test_every_install_recipe_of_the_docs_works_as_written():
    """README.md, docs/awx.md, docs/execution-environment.md and the CI workflow example install the
    collection from git or a tarball (it is not on Galaxy); tests/ci/check_install.py runs each
    recipe as written, offline (the git URL pointed at a file:// repository of this checkout), and
    checks what got installed. tests/ci/docs.sh runs it too."""
    env = dict(os.environ, PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ['PATH'])
    proc = subprocess.run([sys.executable, os.path.join(REPO, 'tests', 'ci', 'check_install.py'), REPO],
                          env=env, capture_output=True, text=True, timeout=900, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    done = proc.stdout.splitlines()
    for document in ('README.md', 'docs/awx.md', 'docs/execution-environment.md', 'docs/examples/membership-drift.yml'):
        assert any(line.startswith('ok: %s: ' % document) for line in done), (document, proc.stdout)
    assert sum('git+https://github.com/gitops/github.git' in line for line in done) == 2  # README, workflow
