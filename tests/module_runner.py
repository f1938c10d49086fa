"""Run a module's ``main()`` in-process, as Ansible would, and read what it printed.

Why not pytest-ansible's module-calling fixtures (``localhost``, ``ansible_module``): they run a
module through Ansible's executor, i.e. as AnsiballZ in a separate Python process, so the
``responses`` stubs these unit tests replay (the exact HTTP calls of each module) would not see
its requests. pytest-ansible does the other half here: it lays the checkout out as
``ansible_collections/gitops/github`` for these tests (its units support, enabled by running
pytest next to galaxy.yml). Tests where a module talks to a real server run it through real
``ansible-playbook`` (tests/integration/harness.py) or ``ansible-runner`` (test_awx_runner.py).
"""

from __future__ import annotations

import contextlib
import json

import pytest
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

CREDENTIAL_ENV = ('GITHUB_TOKEN', 'GH_TOKEN', 'GITHUB_API_URL', 'GITHUB_APP_ID', 'GITHUB_APP_INSTALLATION_ID',
                  'GITHUB_APP_PRIVATE_KEY')


def run_main(main, args, capsys):
    """``(result, printed output, exit code)`` of one module run with ``args``."""
    # Warnings are process-global in ansible-core; each run here stands for a fresh process.
    for name in ('_global_warnings', '_global_deprecations'):
        store = getattr(ansible_warnings, name, None)
        if store is not None:
            store.clear()
    with patch_module_args(args):
        with pytest.raises(SystemExit) as info:
            main()
    out = capsys.readouterr().out
    return json.loads(out), out, info.value.code
