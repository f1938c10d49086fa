"""Run a module's main() in-process with given arguments and return what it printed as JSON."""

from __future__ import annotations

import pytest
from ansible.module_utils.basic import AnsibleModule

from module_runner import CREDENTIAL_ENV, run_main

API = 'https://api.github.com'
TOKEN = 'ghp_module_unit_test_token_0123456789'


@pytest.fixture
def run_module(capsys, monkeypatch):
    for name in CREDENTIAL_ENV:
        monkeypatch.delenv(name, raising=False)

    warned = []
    original_warn = AnsibleModule.warn

    def recording_warn(self, warning):
        warned.append(warning)
        return original_warn(self, warning)

    monkeypatch.setattr(AnsibleModule, 'warn', recording_warn)

    def runner(main, args, check_mode=False, diff=False):
        del warned[:]
        full = {'token': TOKEN, 'write_delay': 0}
        full.update(args)
        if check_mode:
            full['_ansible_check_mode'] = True
        if diff:
            full['_ansible_diff'] = True
        result, out, code = run_main(main, full, capsys)
        result['_rc'] = code
        result['_warned'] = list(warned)
        assert TOKEN not in out, 'the token leaked into the module output'
        return result

    return runner
