# -*- coding: utf-8 -*-
# Copyright (c) gitops.github contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""``github_org_rosters``: ``github_org_roster`` for many organizations in one task (issue 21,
item 5). On the controller (a ``local`` connection) the organizations run in worker threads of
this process, one worker per set of credentials (:mod:`._many_orgs` says why and how); on any
other connection the module ``github_org_roster`` runs on the target once per organization, one
after another. The result is what a loop of ``github_org_roster`` registers.

Its documentation is in plugins/modules/github_org_rosters.py."""

from __future__ import annotations

import os

from ansible.errors import AnsibleError
from ansible.utils.display import Display

from ansible_collections.gitops.github.plugins.action.github_org_roster import ActionModule as RosterAction
from ansible_collections.gitops.github.plugins.plugin_utils._controller import (
    ENGINE_VAR,
    MODULE,
    EngineError,
    _environment,
    choose_engine,
    connection_name,
    run_controller,
)
from ansible_collections.gitops.github.plugins.plugin_utils._many_orgs import group_by_credentials, many_jobs, run_groups

display = Display()


class ActionModule(RosterAction):
    """Run ``github_org_roster`` for every organization of the task (see the module docstring)."""

    _supports_async = False

    def run(self, tmp=None, task_vars=None):
        task_vars = task_vars or {}
        result = super(RosterAction, self).run(tmp, task_vars)  # ActionBase's, not the one-organization run
        del tmp  # unused
        try:
            engine = choose_engine(connection_name(self._connection),
                                   self._templar.template(task_vars.get(ENGINE_VAR, 'auto')))
            jobs, workers = many_jobs(dict(self._task.args), self._loader)
            environ = self._environment()
        except (EngineError, AnsibleError) as exc:
            result.update(failed=True, msg=str(getattr(exc, 'message', None) or exc))
            return result
        if engine == 'module':
            results = [self._execute_module(module_name=MODULE, module_args=job.args, task_vars=task_vars) for job in jobs]
            self._remove_tmp_path(self._connection._shell.tmpdir)
        else:
            results = self._on_controller(jobs, workers, environ)
        result.update(collect(jobs, results))
        return result

    def _on_controller(self, jobs, workers, environ):
        check_mode, diff_mode = self._play_context.check_mode, self._play_context.diff
        quiet = self._play_context.no_log

        def run_one(job):
            show = None if quiet else (lambda line: display.v('%s: %s' % (job.org, line)))
            return run_controller(job.args, check_mode=check_mode, diff_mode=diff_mode, show=show,
                                  from_file=job.from_file)

        # The task's environment once for every worker (os.environ is the process's).
        with _environment(environ):
            groups = group_by_credentials(jobs, os.environ)
            by_index = run_groups(jobs, groups, run_one, workers, check_mode=check_mode)
        return [by_index[index] for index in range(len(jobs))]


def collect(jobs, results):
    """The task's result from each organization's: ``results`` as a loop registers them (each
    with its ``item``), ``changed`` when any changed, the diffs of those that changed, their
    warnings named by organization, and ``failed`` with every failed organization's message."""
    failed = [(job.org, r) for job, r in zip(jobs, results) if r.get('failed')]
    out = {'results': _loop_items(jobs, results), 'changed': any(r.get('changed') for r in results)}
    diffs = _changed_diffs(results)
    if diffs:
        out['diff'] = diffs
    warnings = ['%s: %s' % (job.org, w) for job, r in zip(jobs, results) for w in r.get('warnings') or []]
    if warnings:
        out['warnings'] = warnings
    if failed:
        out['failed'] = True
        out['msg'] = '%d of %d organizations failed: %s' % (
            len(failed), len(jobs), ' | '.join('%s: %s' % (org, r.get('msg')) for org, r in failed))
    return out


def _loop_items(jobs, results):
    """Each organization's result as a loop registers it: with its ``item``, ``changed`` and ``failed``."""
    items = []
    for job, result in zip(jobs, results):
        item = dict(result)
        # As the task executor completes a loop item's result.
        item.update(item=job.item, ansible_loop_var='item', changed=bool(result.get('changed')), failed=bool(result.get('failed')))
        items.append(item)
    return items


def _changed_diffs(results):
    """The diffs of the results that changed, in order (a result's list of diffs spread out)."""
    diffs = []
    for result in results:
        if result.get('changed') and result.get('diff'):
            diff = result['diff']
            diffs.extend(diff if isinstance(diff, list) else [diff])
    return diffs
