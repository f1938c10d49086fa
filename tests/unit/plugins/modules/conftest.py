"""Run a module's main() in-process with given arguments and return what it printed as JSON."""

from __future__ import annotations

import contextlib
import json

import pytest
from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common import warnings as ansible_warnings

try:  # ansible-core >= 2.19
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # pragma: no cover - older cores
    from ansible.module_utils import basic
    from ansible.module_utils.common.text.converters import to_bytes

    @contextlib.contextmanager
    def patch_module_args(args):
        old = basic._ANSIBLE_ARGS
        basic._ANSIBLE_ARGS = to_bytes(json.dumps({'ANSIBLE_MODULE_ARGS': args}))
        try:
            yield
        finally:
            basic._ANSIBLE_ARGS = old

API = 'https://api.github.com'
TOKEN = 'ghp_module_unit_test_token_0123456789'


@pytest.fixture
def run_module(capsys, monkeypatch):
    for name in ('GITHUB_TOKEN', 'GH_TOKEN', 'GITHUB_API_URL', 'GITHUB_APP_ID', 'GITHUB_APP_INSTALLATION_ID',
                 'GITHUB_APP_PRIVATE_KEY'):
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
        # Warnings are process-global in ansible-core; each run here stands for a fresh process.
        for name in ('_global_warnings', '_global_deprecations'):
            store = getattr(ansible_warnings, name, None)
            if store is not None:
                store.clear()
        with patch_module_args(full):
            with pytest.raises(SystemExit) as info:
                main()
        out = capsys.readouterr().out
        result = json.loads(out)
        result['_rc'] = info.value.code
        result['_warned'] = list(warned)
        assert TOKEN not in out, 'the token leaked into the module output'
        return result

    return runner
