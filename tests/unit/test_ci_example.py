"""docs/examples/membership-drift.yml, the CI example docs/ci.md points to: a workflow that runs
the drift playbook on pull requests changing the membership file (posting the Markdown) and on a
schedule (failing on drift). Checked for the parts that make it work, with the variables the
drift playbook really reads."""

from __future__ import annotations

import os
import re

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def load(path):
    with open(os.path.join(ROOT, path)) as handle:
        return handle.read()


def test_the_workflow_runs_the_drift_playbook_on_pull_requests_and_on_a_schedule():
    text = load('docs/examples/membership-drift.yml')
    workflow = yaml.safe_load(text)
    triggers = workflow[True] if True in workflow else workflow['on']  # YAML 1.1 reads "on" as true
    assert triggers['pull_request']['paths'] == ['membership.yml']
    assert triggers['schedule'][0]['cron']
    assert workflow['permissions']['pull-requests'] == 'write'
    steps = workflow['jobs']['drift']['steps']
    run = '\n'.join(step.get('run', '') for step in steps)
    assert 'ansible-playbook gitops.github.drift' in run
    assert "fail_on_drift=${{ github.event_name != 'pull_request' }}" in run
    assert 'gh pr comment' in run and '--body-file membership-drift.md' in run
    # The variables it passes are the ones the drift playbook reads.
    playbook = load('playbooks/drift.yml')
    for name in re.findall(r'-e (\w+)=', run):
        assert name in playbook, name
    assert 'secrets.MEMBERSHIP_TOKEN' in text and 'GITHUB_TOKEN' in text


def test_the_guides_link_each_other_and_the_example():
    ci = load('docs/ci.md')
    assert '(examples/membership-drift.yml)' in ci and '(awx.md)' in ci
    assert '(ci.md)' in load('docs/awx.md')
