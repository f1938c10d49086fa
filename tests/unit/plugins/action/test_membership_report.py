"""The role's membership_report action: the report it writes is the filters' report, byte for byte
what the copy tasks it replaced wrote, and a file is replaced whole or not at all."""

from __future__ import annotations

import json
import os
import stat

import pytest

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
