# -*- coding: utf-8 -*-
# Copyright (c) gitops.github contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Many organizations in one task (issue 21, item 5): which organizations may run at the same
time, and the workers that run them.

GitHub's guidance, which this follows (docs.github.com/rest/guides/best-practices-for-using-the-rest-api,
"Avoid concurrent requests": "make requests serially instead of concurrently" to avoid secondary
rate limits; "Pause between mutative requests": at least one second between writes; and
docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api, "About secondary rate
limits": concurrent requests count per user or app): the organizations that share credentials run
one after another in one worker, so one token never has two requests in flight; organizations with
different credentials run side by side, at most ``workers`` at a time. The waits on a rate limit
(``retry-after``, ``x-ratelimit-reset``) are the client's own (module_utils/_http.py), per
organization, as in one task per organization.
"""

from __future__ import annotations

import math
import queue
import threading
import time

from ansible_collections.gitops.github.plugins.module_utils._module import CredentialsError, choose_credentials, github_argument_spec
from ansible_collections.gitops.github.plugins.plugin_utils._controller import EngineError, file_problems, membership_orgs

MANY = 'gitops.github.github_org_rosters'
# The options of github_org_rosters that are its own, not passed on to each organization.
MANY_OPTIONS = ('organizations', 'membership_file', 'tokens', 'workers')
DEFAULT_WORKERS = 4
# The connection options (the gitops.github.github doc fragment's, module_utils/_module.py's
# github_argument_spec): set at the task level only, never in an organizations entry, whose data may
# come from a file or a pull request (round 20 closed the same door for membership_file entries).
CONNECTION_OPTIONS = tuple(sorted(github_argument_spec()))
# The longest write_delay taken: an hour, the longest wait on a rate limit (_http.MAX_RATE_LIMIT_WAIT
# says why); more is a mistake, and a pause that is not finite would crash the worker.
MAX_WRITE_DELAY = 3600.0


class Job(object):
    """One organization of the task: ``item`` (what a loop's result holds: the entry, or
    ``{org}`` from a file), the options of its ``github_org_roster`` run, and ``from_file`` (the
    options a membership file gave, not echoed back)."""

    def __init__(self, item, args, from_file=()):
        self.item = item
        self.args = args
        self.from_file = list(from_file)

    @property
    def org(self):
        return self.args['org']


def many_jobs(args, loader):
    """``(jobs, workers)`` for a ``github_org_rosters`` task's ``args``: every organization of
    ``organizations`` or of ``membership_file`` with the task's other options and its token.
    Raises :class:`EngineError` on bad input, before any request; no message shows a token."""
    _refuse_unknown_options(args)
    organizations, path = _one_source(args)
    workers = _workers(args.get('workers', DEFAULT_WORKERS))
    _check_write_delay(args.get('write_delay'))
    base = dict((k, v) for k, v in args.items() if k not in MANY_OPTIONS)
    if path:
        jobs = _file_jobs(base, path, loader)
    else:
        jobs = [Job(entry, _entry_args(base, entry, 'organizations')) for entry in _entries(organizations)]
    _give_tokens(jobs, args.get('tokens'))
    return jobs, workers


def _refuse_unknown_options(args):
    """Raises :class:`EngineError` naming the options of ``args`` that are not the task's own, a
    connection option or ``return_current`` (an organization's options go in its entry)."""
    known = set(MANY_OPTIONS) | set(github_argument_spec()) | {'return_current'}
    unknown = sorted(str(key) for key in args if key not in known)
    if unknown:
        raise EngineError('Unsupported parameters for (%s) module: %s (the options of one organization go in its '
                          'entry of organizations or membership_file)' % (MANY, ', '.join(unknown)))


def _one_source(args):
    """``(organizations, membership_file)`` of ``args``, exactly one of them set, else :class:`EngineError`."""
    organizations, path = args.get('organizations'), args.get('membership_file')
    if (organizations is None) == (not path):
        raise EngineError('%s needs exactly one of organizations (a list of organization entries, as the role\'s '
                          'membership_orgs) and membership_file' % MANY)
    return organizations, path


def _workers(workers):
    """``workers`` as a whole number of 1 or more (digits in a string taken), else :class:`EngineError`."""
    if isinstance(workers, str) and workers.strip().isdigit():
        workers = int(workers)
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise EngineError('workers must be a whole number of 1 or more, got %r' % (workers,))
    return workers


def _file_jobs(base, path, loader):
    """A :class:`Job` for each organization of the membership file at ``path``, checked as a task
    that names the file is (:func:`file_problems`), with the options the file gave in ``from_file``."""
    orgs = membership_orgs(path, loader)
    names = file_problems(path, orgs)
    return [Job({'org': name}, _entry_args(base, entry, path), [k for k in entry if k != 'org'])
            for name, entry in zip(names, orgs)]


def _entries(organizations):
    if not isinstance(organizations, list):
        raise EngineError('organizations must be a list of organization entries, got %s' % type(organizations).__name__)
    seen = {}
    for index, entry in enumerate(organizations):
        org = entry.get('org') if isinstance(entry, dict) else None
        if not isinstance(org, str) or not org:
            raise EngineError('organizations[%d] has no org' % index)
        if org.lower() in seen:
            raise EngineError('organization %s is listed twice (organizations[%d] and [%d])' % (org, seen[org.lower()], index))
        seen[org.lower()] = index
        connection = sorted(str(key) for key in entry if key in CONNECTION_OPTIONS)
        if connection:
            # The key is named, never its value (a token).
            raise EngineError('organizations[%d] (%s) sets %s: the connection options (%s) are set at the task level '
                              'only, for every organization' % (index, org, ', '.join(connection), ', '.join(CONNECTION_OPTIONS)))
    return organizations


def _check_write_delay(value):
    """Refuses a ``write_delay`` that is not a finite number of seconds from 0 to
    :data:`MAX_WRITE_DELAY` (``.inf`` would crash the pause between organizations)."""
    if value is None:
        return
    try:
        delay = float(value)
    except (TypeError, ValueError, OverflowError):
        raise EngineError('write_delay must be a number of seconds from 0 to %d' % MAX_WRITE_DELAY) from None
    if isinstance(value, bool) or not math.isfinite(delay) or not 0 <= delay <= MAX_WRITE_DELAY:
        raise EngineError('write_delay must be a number of seconds from 0 to %d, got %s' % (MAX_WRITE_DELAY, value))


def _entry_args(base, entry, where):
    both = sorted(str(key) for key in entry if key != 'org' and key in base)
    if both:
        raise EngineError('%s set both in the task and in the entry of %s in %s: set each in one place'
                          % (', '.join(both), entry['org'], where))
    options = dict(base)
    options.update(entry)
    return options


def _give_tokens(jobs, tokens):
    """Each organization's token from ``tokens`` (organization -> token, any case); it takes the
    place of the task's ``token`` for that organization."""
    if tokens is None:
        return
    _check_tokens_shape(tokens)
    _refuse_organization_named_twice(tokens)
    by_org = dict((org.lower(), token) for org, token in tokens.items())
    _refuse_stray_tokens(jobs, tokens)
    for job in jobs:
        if job.org.lower() in by_org:
            job.args['token'] = by_org[job.org.lower()]


def _check_tokens_shape(tokens):
    """Raises :class:`EngineError` unless ``tokens`` maps strings to strings."""
    if not isinstance(tokens, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in tokens.items()):
        raise EngineError('tokens must be a mapping of organization logins to tokens (strings)')


def _refuse_organization_named_twice(tokens):
    """Raises :class:`EngineError` naming the keys of ``tokens`` that spell one organization (in any case)."""
    spellings = {}
    for org in tokens:
        spellings.setdefault(org.lower(), []).append(org)
    twice = sorted(' and '.join(names) for names in spellings.values() if len(names) > 1)
    if twice:
        # Keys match in any case: the last would silently win. The keys are named, never the tokens.
        raise EngineError('tokens names one organization more than once (keys match in any case): %s' % '; '.join(twice))


def _refuse_stray_tokens(jobs, tokens):
    """Raises :class:`EngineError` naming the keys of ``tokens`` that are none of the ``jobs``' organizations."""
    converged = set(job.org.lower() for job in jobs)
    stray = sorted(org for org in tokens if org.lower() not in converged)
    if stray:
        raise EngineError('tokens names organizations the task does not converge: %s' % ', '.join(stray))


def credentials_key(args, environ):
    """What one caller is to GitHub, for grouping: ``(kind, value)`` by the modules' own rule
    (:func:`choose_credentials`), or ``None`` when the credentials are missing or wrong (the
    organization then runs on its own and fails with the module's message). Kept in memory only.

    The credentials alone, not the server: GitHub counts concurrent requests per user or app
    (see the module docstring), and one token on one server may be spelt in many ways
    (``https://api.github.com`` or the default, the host in capitals, another name of the host), so
    one token is one caller whatever the api_url."""
    try:
        kind, value = choose_credentials(args, environ)
        hash(value if isinstance(value, str) else tuple(value))
    except (CredentialsError, TypeError, ValueError):  # wrong types too: the module's checks name them
        return None
    return (kind, value if isinstance(value, str) else tuple(value))


def group_by_credentials(jobs, environ):
    """The indexes of ``jobs`` (whose ``args`` are each organization's options) in groups that
    share credentials, each group in the order of ``jobs``, the groups in the order of their first
    job."""
    groups, by_key = [], {}
    for index, job in enumerate(jobs):
        key = credentials_key(job.args, environ)
        if key is None:
            groups.append([index])
            continue
        if key not in by_key:
            by_key[key] = []
            groups.append(by_key[key])
        by_key[key].append(index)
    return groups


def write_pause(args, result, check_mode):
    """Seconds to wait before the next organization of the same credentials: GitHub's pause
    between writes (``write_delay``) after an organization that wrote, since its client's spacing
    ends with it; nothing after a run that wrote nothing."""
    if check_mode or not result.get('changed'):
        return 0.0
    try:
        delay = float(args.get('write_delay', 1.0))
    except (TypeError, ValueError, OverflowError):
        return 0.0
    if not math.isfinite(delay):  # refused by many_jobs; never a pause that crashes the worker
        return 1.0
    return min(MAX_WRITE_DELAY, max(0.0, delay))


def run_groups(jobs, groups, run_one, workers, check_mode=False, sleep=time.sleep):
    """Run every job of ``groups`` (lists of indexes of ``jobs``) with ``run_one(job)``, which
    returns its result (a crash is a failed result of that job alone): the jobs of one group one
    after another, up to ``workers`` groups at the same time. Returns the results by job index."""
    results = {}
    pending = queue.Queue()
    for group in groups:
        pending.put(group)
    lock = threading.Lock()

    def work():
        while True:
            try:
                group = pending.get_nowait()
            except queue.Empty:
                return
            pause = 0.0
            for index in group:
                result = _safely(run_one, jobs[index], sleep, pause)
                with lock:
                    results[index] = result
                pause = write_pause(jobs[index].args, result, check_mode)

    count = max(1, min(int(workers), len(groups)))
    if count == 1:
        work()
        return results
    threads = [threading.Thread(target=work, name='gitops-github-org-%d' % n) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _safely(run_one, job, sleep, pause):
    """``run_one(job)`` after the pause, a crash of either being the failed result of ``job``."""
    try:
        if pause:
            sleep(pause)
        return run_one(job)
    except Exception as exc:  # a crash of one organization fails it alone
        return {'failed': True, 'msg': 'github_org_roster failed: %s: %s' % (type(exc).__name__, exc)}
