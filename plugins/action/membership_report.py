# -*- coding: utf-8 -*-
# Copyright (c) gitops.github contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The ``report`` entry point of the ``gitops.github.membership`` role in one step on the
controller: build the drift report from ``membership_results`` (with the same code as the filters
``membership_drift_report`` and ``membership_drift_markdown``), write it as JSON and as Markdown,
and return it with its Markdown lines for the role to show.

It runs in the controller's worker process, without a module round-trip: the two ``copy`` tasks it
replaces sent a ``stat`` and a ``copy`` module each through AnsiballZ, which was most of the time
of a drift run that found nothing.

The files are written on the controller even in check mode (the report is an artifact of the run,
not a change to GitHub), atomically (a temporary file in the same directory, then a rename), with
mode ``0644``; the task is never ``changed``. Relative paths are relative to the current directory
of ``ansible-playbook``, as the role's ``realpath`` filter made them before."""

from __future__ import annotations

import json
import os
import tempfile

from ansible.plugins.action import ActionBase

from ansible_collections.gitops.github.plugins.plugin_utils._drift import (
    access_words,
    membership_drift_lines,
    membership_drift_markdown,
    membership_drift_report,
)

# Its documentation is in plugins/modules/membership_report.py, as ansible-test wants for an action.

ARGUMENT_SPEC = {
    'results': {'type': 'list', 'elements': 'dict', 'default': []},
    'json_path': {'type': 'str', 'default': ''},
    'markdown_path': {'type': 'str', 'default': ''},
}

REPORT_MODE = 0o644


def report_texts(results):
    """``(report, json_text, markdown_text)`` for ``membership_results``; the JSON text is what
    ``to_nice_json(indent=2)`` makes of the report, with a final newline."""
    report = membership_drift_report(results)
    text = json.dumps(report, indent=2, sort_keys=True, separators=(',', ': ')) + '\n'
    return report, text, membership_drift_markdown(report)


def write_atomically(path, text, mode=REPORT_MODE):
    """Replace ``path`` with ``text`` (UTF-8): a temporary file next to it, then a rename, so a reader
    never sees half a report. Raises ``OSError``."""
    directory = os.path.dirname(path) or '.'
    handle, temporary = tempfile.mkstemp(prefix='.%s.' % os.path.basename(path), suffix='.tmp', dir=directory)
    try:
        with os.fdopen(handle, 'w', encoding='utf-8') as stream:
            stream.write(text)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise


class ActionModule(ActionBase):
    """Build, write and return the drift report (see the module docstring)."""

    TRANSFERS_FILES = False
    _requires_connection = False
    _supports_check_mode = True

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp  # unused
        validation, args = self.validate_argument_spec(argument_spec=ARGUMENT_SPEC)
        del validation
        report, json_text, markdown = report_texts(args['results'])
        written = []
        for path, text in ((args['json_path'], json_text), (args['markdown_path'], markdown)):
            if not path:
                continue
            path = os.path.realpath(path)
            try:
                write_atomically(path, text)
            except OSError as exc:
                result.update(failed=True, msg='Cannot write the drift report to %s: %s' % (path, exc.strerror or exc))
                return result
            written.append(path)
        # The terminal gets a few plain lines (the verdict, one line per change, where the files
        # are); the Markdown, with a section per place that differs, is in the file.
        result.update(changed=False, report=report, lines=membership_drift_lines(report, written), written=written,
                      access_changes=access_words(report))
        return result
