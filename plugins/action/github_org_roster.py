# -*- coding: utf-8 -*-
# Copyright (c) gitops.github contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""``github_org_roster`` where the file is (issue 21): when the task's connection is ``local`` the
module's own read, plan, guards and writes run in the controller's worker process, with check
mode, diff, ``no_log`` and the result exactly as the module has them, and the progress printed at
``-v`` as it happens; any other connection runs the module on its target
(:func:`._controller.choose_engine` is the rule; the variable ``gitops_github_engine`` overrides it).

``membership_file`` is read here, on the controller, on both paths (vault secrets are the
controller's): the controller path takes the organization's entry as its options; the module
path sends the entry to the module as its options.

Its documentation is in plugins/modules/github_org_roster.py."""

from __future__ import annotations

from ansible.errors import AnsibleError
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

from ansible_collections.gitops.github.plugins.plugin_utils._controller import (
    ENGINE_VAR,
    MODULE,
    EngineError,
    choose_engine,
    connection_name,
    file_entry_args,
    membership_orgs,
    run_controller,
)

display = Display()


class ActionModule(ActionBase):
    """Run the roster on the controller or as a module (see the module docstring)."""

    TRANSFERS_FILES = False
    _supports_check_mode = True
    _supports_async = True

    def run(self, tmp=None, task_vars=None):
        task_vars = task_vars or {}
        result = super().run(tmp, task_vars)
        del tmp  # unused
        args = dict(self._task.args)
        from_file = []
        try:
            engine = choose_engine(connection_name(self._connection),
                                   self._templar.template(task_vars.get(ENGINE_VAR, 'auto')))
            path = args.get('membership_file')
            if path:
                args, from_file = file_entry_args(args, membership_orgs(path, self._loader), path)
        except (EngineError, AnsibleError) as exc:
            result.update(failed=True, msg=str(getattr(exc, 'message', None) or exc))
            return result
        # An async task runs as a module: the controller path has no background job to poll.
        if engine == 'module' or self._task.async_val:
            wrap_async = bool(self._task.async_val) and not self._connection.has_native_async
            result.update(self._execute_module(module_name=MODULE, module_args=args, task_vars=task_vars,
                                               wrap_async=wrap_async))
            if not wrap_async:
                self._remove_tmp_path(self._connection._shell.tmpdir)
            return result
        show = None if self._play_context.no_log else self._progress
        result.update(run_controller(args, check_mode=self._play_context.check_mode, diff_mode=self._play_context.diff,
                                     show=show, from_file=from_file, environ=self._environment()))
        return result

    def _environment(self):
        """The task's ``environment`` keyword, as the module would get it."""
        if not self._task.environment:
            return {}
        environ = {}
        try:
            self._compute_environment_string(raw_environment_out=environ)
        except TypeError as exc:  # a core without raw_environment_out: the module path has it
            raise AnsibleError('the environment keyword needs the module path here: set gitops_github_engine: module') from exc
        return environ

    def _progress(self, line):
        display.v('%s: %s' % (self._task.args.get('org') or MODULE, line))
