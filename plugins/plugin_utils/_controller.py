# -*- coding: utf-8 -*-
# Copyright (c) gitops.github contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The engine on the controller (issue 21): what the action plugin of ``github_org_roster`` needs
to run the module's own read, plan, guards and writes in the controller's process.

* :func:`choose_engine` - the one rule that decides where a task runs;
* :func:`file_entry_args` - a task's options with its organization's entry of a membership file;
* :class:`ControllerHost` - the runner's host (:class:`._runner.Host`) on the controller: the
  module's ``fail_json``/``exit_json``, warnings, ``no_log`` masking and result shape, and progress
  printed as it happens;
* :func:`run_controller` - argument validation with the module's own argument spec, then the
  module's :func:`run_roster` with that host.
"""

from __future__ import annotations

import contextlib
import os
import time
import traceback

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.parameters import remove_values
from ansible.module_utils.errors import UnsupportedError

from ansible_collections.gitops.github.plugins.module_utils._http import HAS_REQUESTS
from ansible_collections.gitops.github.plugins.module_utils._module import connect, github_argument_spec
from ansible_collections.gitops.github.plugins.module_utils._runner import Runner
from ansible_collections.gitops.github.plugins.plugin_utils._membership_file import load_membership_file

MODULE = 'gitops.github.github_org_roster'
# The variable that overrides the rule of choose_engine.
ENGINE_VAR = 'gitops_github_engine'
ENGINES = ('auto', 'controller', 'module')
LOCAL_CONNECTIONS = frozenset(('local', 'ansible.builtin.local', 'ansible.legacy.local'))
# The options of an organization entry of a membership file (the role's membership_orgs).
ENTRY_KEYS = ('owners', 'members', 'exclusive', 'max_removals', 'min_owners', 'allow_self', 'public_membership',
              'reinvite_failed', 'delete_unlisted_teams', 'max_invitations', 'expiring_within_days', 'teams',
              'require_two_factor')
# Issue 20: organization roles, outside collaborators (team repository access is a team key).
ENTRY_KEYS += ('organization_roles', 'outside_collaborators', 'exclusive_outside_collaborators')


class EngineError(ValueError):
    """A task that cannot run as asked (a bad engine choice, a membership file without the org)."""


def choose_engine(connection, choice=None, has_requests=HAS_REQUESTS):
    """``'controller'`` or ``'module'``: where a ``github_org_roster`` task runs.

    The rule: **the engine runs in the controller's process when the task's connection is
    ``local``** (a play on ``localhost``, ``connection: local``, ``delegate_to: localhost``: the
    module would run on the controller anyway), unless ``requests`` is missing from the
    controller's Python (then the module runs, with the interpreter the task names). Any other
    connection runs the module on its target. ``choice`` (the variable ``gitops_github_engine``)
    overrides it: ``auto`` (or unset) is the rule, ``module`` always the module, ``controller``
    always the controller (an error on any other connection than ``local``, where the module
    would run elsewhere)."""
    choice = 'auto' if choice in (None, '') else choice
    if choice not in ENGINES:
        raise EngineError('%s must be one of %s, got %r' % (ENGINE_VAR, ', '.join(ENGINES), choice))
    local = connection in LOCAL_CONNECTIONS
    if choice == 'module':
        return 'module'
    if choice == 'controller':
        if not local:
            raise EngineError('%s=controller needs a local connection (the task runs over %s): use delegate_to: '
                              'localhost, or auto' % (ENGINE_VAR, connection))
        return 'controller'
    return 'controller' if local and has_requests else 'module'


def connection_name(connection):
    """The name of a connection plugin instance as ``choose_engine`` compares it."""
    return getattr(connection, '_load_name', None) or getattr(connection, 'transport', None) or ''


# One read of a file per worker process: a loop over its organizations (the role's) runs every
# item in one worker, which reads the file once. Keyed by what changes when the file does.
_CACHE = {}


def membership_orgs(path, loader):
    """The ``membership_orgs`` of the file at ``path`` (:func:`load_membership_file`), read once per
    process while the file is unchanged. Read-only: the entries are shared."""
    full = loader.path_dwim(path)
    try:
        stat = os.stat(full)
        key = (full, stat.st_ino, stat.st_size, stat.st_mtime_ns)
    except OSError:
        key = None  # load_membership_file says why it cannot be read
    if key is None or key not in _CACHE:
        orgs = load_membership_file(path, loader=loader)
        if key is None:
            return orgs
        _CACHE.clear()
        _CACHE[key] = orgs
    return _CACHE[key]


def org_names(path, orgs):
    """The organization names of a file's ``membership_orgs``, in order; an entry without ``org``
    or an organization listed twice (in any case) raises :class:`EngineError`."""
    names, seen = [], {}
    for index, entry in enumerate(orgs):
        org = entry.get('org')
        if not isinstance(org, str) or not org:
            raise EngineError('membership_file %s: membership_orgs[%d] has no org' % (path, index))
        if org.lower() in seen:
            raise EngineError('membership_file %s: organization %s is listed twice (membership_orgs[%d] and [%d])'
                              % (path, org, seen[org.lower()], index))
        seen[org.lower()] = index
        names.append(org)
    return names


def unknown_keys(orgs):
    """A problem for each key of an organization entry, or of one of its teams, that is not an
    option of ``github_org_roster`` (what the role's argument spec checked for ``membership_orgs``)."""
    spec = argument_spec()
    team_keys = set(spec['teams']['options'])
    problems = []
    for index, entry in enumerate(orgs):
        where = 'membership_orgs[%d] (%s)' % (index, entry.get('org'))
        extra = sorted(str(k) for k in entry if k != 'org' and k not in ENTRY_KEYS)
        if extra:
            problems.append('%s: unknown key(s) %s (known: org, %s)' % (where, ', '.join(extra), ', '.join(ENTRY_KEYS)))
        for number, team in enumerate(entry.get('teams') or []):
            if isinstance(team, dict):
                extra = sorted(str(k) for k in team if k not in team_keys)
                if extra:
                    problems.append('%s teams[%d]: unknown key(s) %s (known: %s)'
                                    % (where, number, ', '.join(extra), ', '.join(sorted(team_keys))))
    return problems


def file_problems(path, orgs):
    """Every check the role's lookup makes of a membership file, for a task that names the file
    itself (or a file changed since the lookup read it): a key that is not an option of an entry
    (``api_url``, ``token`` and the other connection options never come from a file: it may come
    from a pull request), the one validator of the data, and an organization listed twice in any
    case. Raises :class:`EngineError` naming the file."""
    from ansible_collections.gitops.github.plugins.filter.membership import membership_problems

    problems = unknown_keys(orgs) + membership_problems(orgs)
    if problems:
        raise EngineError('membership_file %s: invalid membership data: %s' % (path, '; '.join(problems)))
    return org_names(path, orgs)


def file_entry_args(args, orgs, path):
    """``(options, from_file)``: the task's ``args`` without ``membership_file``, with the options
    of the entry of ``orgs`` whose ``org`` is the task's (in any case), and the names of the
    options taken from the file. Raises :class:`EngineError` when there is no such entry or the
    task sets an option the entry sets too."""
    org = args.get('org')
    if not isinstance(org, str) or not org:
        raise EngineError('membership_file needs org: the organization whose entry of %s to apply' % path)
    file_problems(path, orgs)
    entry = _find_entry(orgs, org, path)
    _refuse_options_set_twice(args, entry, org, path)
    options = dict((k, v) for k, v in args.items() if k != 'membership_file')
    from_file = [key for key in entry if key != 'org']
    for key in from_file:
        options[key] = entry[key]
    return options, from_file


def _find_entry(orgs, org, path):
    """The entry of ``orgs`` for the organization ``org`` (in any case); raises :class:`EngineError` when there is none."""
    entry = next((e for e in orgs if isinstance(e.get('org'), str) and e['org'].lower() == org.lower()), None)
    if entry is None:
        raise EngineError('membership_file %s has no entry for the organization %s (its organizations: %s)'
                          % (path, org, ', '.join(str(e.get('org')) for e in orgs) or 'none'))
    return entry


def _refuse_options_set_twice(args, entry, org, path):
    """Raises :class:`EngineError` naming the options the task's ``args`` and the file's ``entry`` both set."""
    both = sorted(key for key in entry if key != 'org' and key in args)
    if both:
        raise EngineError('%s set both in the task and in the entry of %s in membership_file %s: set each in one place'
                          % (', '.join(both), org, path))


class Finished(Exception):
    """The run ended (the module would have called ``exit_json`` or ``fail_json``)."""

    def __init__(self, result):
        Exception.__init__(self, 'finished')
        self.result = result


class ControllerHost(object):
    """The runner's host in the action plugin: what ``GitHubModule`` is in a module.

    ``fail``/``exit`` end the run by raising :class:`Finished` with the result; :meth:`result`
    gives it the module's shape (``invocation``, ``warnings``, ``failed``) with every secret
    masked as ``AnsibleModule`` masks its ``no_log`` values. ``log`` prints a progress line at
    ``-v`` as it happens (``show``, masked too), unless the task is ``no_log``."""

    def __init__(self, params, check_mode=False, diff_mode=False, show=None, secrets=()):
        self.params = params
        self._check_mode = bool(check_mode)
        self._diff_mode = bool(diff_mode)
        self._show = show
        self.secrets = set(s for s in secrets if s)
        self.warnings = []

    @property
    def check_mode(self):
        return self._check_mode

    @property
    def diff_mode(self):
        return self._diff_mode

    def warn(self, text):
        self.warnings.append(text)

    def log(self, line):
        if self._show is not None:
            self._show(self.mask(line))

    def no_log(self, value):
        if value:
            self.secrets.add(value)

    def fail(self, msg, **result):
        result.pop('exception', None)  # a module shows a traceback only at -vvv; none is kept here
        raise Finished(dict(result, failed=True, msg=msg))

    def exit(self, **result):
        raise Finished(result)

    def mask(self, data):
        """``data`` with every secret replaced, as ``AnsibleModule`` does to what it returns."""
        return remove_values(data, self.secrets) if self.secrets else data

    def result(self, result, module_args):
        """The module's result shape: ``invocation``, ``warnings``, secrets masked (booleans and
        ``None`` kept, as ``AnsibleModule`` keeps them)."""
        result = dict(result)
        result.setdefault('invocation', {'module_args': module_args})
        if self.warnings:
            result['warnings'] = list(self.warnings)
        preserved = dict((k, v) for k, v in result.items() if v is None or isinstance(v, bool))
        result = self.mask(result)
        result.update(preserved)
        return result


def argument_spec():
    """The module's whole argument spec: the shared options and the roster's."""
    from ansible_collections.gitops.github.plugins.modules.github_org_roster import argument_spec as roster_spec
    spec = github_argument_spec()
    spec.update(roster_spec())
    return spec


def run_controller(args, check_mode=False, diff_mode=False, show=None, from_file=(), environ=None):
    """The result of ``github_org_roster`` with ``args`` run in this process: validation with the
    module's own argument spec (the module's messages), the module's checks and client
    (:func:`._module.connect`), then the module's :func:`run_roster` with a
    :class:`ControllerHost`. ``from_file``: the options a membership file gave, left out of the
    echoed ``invocation`` (the file's data is not echoed back)."""
    with _environment(environ):
        return _run(args, check_mode, diff_mode, show, from_file)


@contextlib.contextmanager
def _environment(environ):
    """The task's ``environment`` in this worker process while the engine runs (the module gets it
    in its own process): ``GITHUB_TOKEN``, ``GITHUB_API_URL``... are read from ``os.environ``."""
    saved = dict((k, os.environ.get(k)) for k in environ or {})
    os.environ.update(dict((str(k), str(v)) for k, v in (environ or {}).items()))
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _run(args, check_mode, diff_mode, show, from_file):
    from ansible_collections.gitops.github.plugins.modules.github_org_roster import run_roster
    started = time.monotonic()
    spec = argument_spec()
    validation = ArgumentSpecValidator(spec).validate(args)
    params = validation.validated_parameters
    host = ControllerHost(params, check_mode=check_mode, diff_mode=diff_mode, show=show,
                          secrets=validation._no_log_values)
    echoed = dict((k, v) for k, v in params.items() if k not in from_file)
    try:
        if validation.error_messages:
            msg = validation.errors.msg
            if isinstance(validation.errors[0], UnsupportedError):
                msg = 'Unsupported parameters for (%s) module: %s' % (MODULE, msg)
            host.fail(msg)
        client = connect(host, spec, args, logins=('org',))
        run_roster(Runner(host, client, started))
        raise AssertionError('run_roster returned')  # it ends with host.exit or host.fail
    except Finished as finished:
        return host.result(finished.result, echoed)
    except Exception as exc:  # what a module's crash would show: one line, and the traceback, masked
        return host.result({'failed': True, 'msg': 'github_org_roster failed on the controller: %s: %s'
                            % (type(exc).__name__, exc), 'exception': traceback.format_exc()}, echoed)
