"""The role's membership_report action: the report it writes is the filters' report, byte for byte
what the copy tasks it replaced wrote, and a file is replaced whole or not at all."""

from __future__ import annotations

import json
import os
import stat

import pytest
import yaml

from ansible.plugins.filter.core import to_nice_json

from ansible_collections.gitops.github.plugins.action import membership_report
from ansible_collections.gitops.github.plugins.filter.membership import membership_drift_markdown, membership_drift_report

TARGETS = [
    {'kind': 'org', 'org': 'acme', 'team': None, 'name': 'acme', 'changed': True, 'pending': [], 'public': None,
     'added': [{'login': 'zoë', 'role': 'member', 'pending': True}], 'removed': [], 'role_changed': [], 'problems': []},
    {'kind': 'team', 'org': 'acme', 'team': 'platform', 'name': 'acme/platform', 'changed': False, 'pending': [],
     'public': None, 'added': [], 'removed': [], 'role_changed': [], 'inherited': ['carol']},
]


@pytest.mark.parametrize('results', [[], TARGETS])
def test_report_texts_are_the_filters_report_as_the_copy_tasks_wrote_it(results):
    report, json_text, markdown = membership_report.report_texts(results)
    assert report == membership_drift_report(results)
    # The old task: content: "{{ membership_drift | ansible.builtin.to_nice_json(indent=2) }}\n"
    assert json_text == to_nice_json(report, indent=2) + '\n'
    assert json.loads(json_text) == report
    assert markdown == membership_drift_markdown(report)


def test_write_atomically_replaces_the_file_with_mode_0644_whatever_the_umask(tmp_path):
    path = tmp_path / 'membership-drift.json'
    path.write_text('{"stale": true}\n')
    os.chmod(path, 0o600)
    old = os.umask(0o077)
    try:
        membership_report.write_atomically(str(path), 'new ✓\n')
    finally:
        os.umask(old)
    assert path.read_text(encoding='utf-8') == 'new ✓\n'
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert os.listdir(tmp_path) == ['membership-drift.json']  # no temporary file left


def test_write_atomically_keeps_the_old_file_when_the_write_fails(tmp_path):
    target = tmp_path / 'report.md'
    target.mkdir()  # a directory cannot be replaced by a file
    with pytest.raises(OSError):
        membership_report.write_atomically(str(target), 'text')
    assert target.is_dir() and os.listdir(tmp_path) == ['report.md']
    with pytest.raises(OSError):
        membership_report.write_atomically(str(tmp_path / 'missing' / 'report.md'), 'text')


def fail_message(summary, access_changes):
    """The role's 'Fail because GitHub has drifted' message, rendered by Ansible's templar."""
    from ansible.parsing.dataloader import DataLoader
    from ansible.template import Templar
    try:
        from ansible.template import trust_as_template  # ansible-core 2.19 and later: only trusted text is templated
    except ImportError:
        def trust_as_template(text):
            return text
    with open(os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', 'roles', 'membership', 'tasks', 'report.yml')) as handle:
        task = yaml.safe_load(handle)[-1]
    assert task['name'] == 'Fail because GitHub has drifted from the membership data'
    variables = {'membership_drift': {'summary': summary}, '__membership_report': {'access_changes': access_changes}}
    return Templar(loader=DataLoader(), variables=variables).template(trust_as_template(task['ansible.builtin.fail']['msg']))


SUMMARY = {'targets_with_drift': 2, 'targets': 5, 'added': 1, 'removed': 0, 'role_changed': 0, 'public_changed': 0, 'refused': 0}


def test_the_role_failure_message_counts_the_access_sections_only_when_they_differ():
    assert fail_message(SUMMARY, []) == ('Drift found in 2 of 5 places: 1 to add, 0 to remove, 0 role changes, '
                                         '0 public membership changes (see the report)')
    assert fail_message(dict(SUMMARY, refused=1), ['2 organization role changes', '1 without two-factor authentication']) == (
        'Drift found in 2 of 5 places: 1 to add, 0 to remove, 0 role changes, 0 public membership changes, '
        '2 organization role changes, 1 without two-factor authentication, 1 refused by a guard (see the report)')
