"""Test-only callback: append every task result to the JSON-lines file named by RECORD_RESULTS_FILE."""

from __future__ import annotations

import json
import os
import time

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = '''
name: record_results
type: aggregate
short_description: write task results as JSON lines for the integration tests
description: Writes one JSON object per task result to the file in E(RECORD_RESULTS_FILE).
requirements: [whitelisted in configuration]
'''


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'record_results'
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._started = {}

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._started[task._uuid] = time.perf_counter()

    def _write(self, result, status):
        path = os.environ.get('RECORD_RESULTS_FILE')
        if not path:
            return
        data = dict(result._result)
        data.pop('invocation', None)
        started = self._started.get(result._task._uuid)
        line = {'task': result._task.get_name(), 'status': status, 'result': data,
                'seconds': None if started is None else time.perf_counter() - started}
        with open(path, 'a') as handle:
            handle.write(json.dumps(line, default=str) + '\n')

    def v2_runner_on_ok(self, result):
        self._write(result, 'changed' if result._result.get('changed') else 'ok')

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._write(result, 'failed')

    def v2_runner_on_skipped(self, result):
        self._write(result, 'skipped')
