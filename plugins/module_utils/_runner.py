# -*- coding: utf-8 -*-
# Copyright (c) gitops.github contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""One runner for every module: the steps around a module's read, plan and result.

A module states its argument spec, its read, its plan and its result; the :class:`Runner` does the
rest the same way for all of them: check mode (check mode promises only what apply can do), the
guards before any write, the ordered writes, the identity-provider policy, the error funnel (every
failure is one line: the operation, the object, GitHub's status and message) and the result shape
(``changed``, ``diff``, ``api_requests``).

The runner talks to its caller through a small :class:`Host` interface, not to ``AnsibleModule``:
``_module.GitHubModule`` is the host of a module; a controller-side action plugin can be another.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping, MutableMapping, NoReturn, Optional

from ansible_collections.gitops.github.plugins.module_utils._http import GitHubClient, GitHubError
from ansible_collections.gitops.github.plugins.module_utils._plan import (
    ADD,
    REMOVE,
    Incomplete,
    diff_view,
    execute,
    plan_refusal,
    removal_budget_problem,
    summary,
)
from ansible_collections.gitops.github.plugins.module_utils._resources import TeamNotFound, impossible_additions
from ansible_collections.gitops.github.plugins.module_utils._roster_apply import WritesFailed, apply_roster
from ansible_collections.gitops.github.plugins.module_utils._roster_apply import describe as describe_write

if TYPE_CHECKING:
    from typing import Protocol

    from ansible_collections.gitops.github.plugins.module_utils._plan import Change, Entry, Plan
    from ansible_collections.gitops.github.plugins.module_utils._org_state import OrgState, Write
    from ansible_collections.gitops.github.plugins.module_utils._plan_org import RosterPlan

    class Host(Protocol):
        """What the runner needs from whoever runs it (a module, or an action plugin on the
        controller): the task's parameters and modes, and the ways out."""

        @property
        def params(self) -> Mapping[str, Any]:
            ...

        @property
        def check_mode(self) -> bool:
            ...

        @property
        def diff_mode(self) -> bool:
            ...

        def warn(self, text: str) -> None:
            ...

        def log(self, line: str) -> None:
            """A progress line (a module keeps it for its result; the controller can print it)."""

        def no_log(self, value: str) -> None:
            """A secret the host must mask in anything it prints or returns."""

        def fail(self, msg: str, **result: Any) -> NoReturn:
            ...

        def exit(self, **result: Any) -> NoReturn:
            ...

    # What a step's failure adds to the result: a mapping, read when the step fails, or a function.
    Extra = Optional[Mapping[str, Any] | Callable[[], Mapping[str, Any]]]


def describe(change: Change, where: str) -> str:
    """The operation a change is, for messages: ``add bob to acme as member``."""
    if change.action == ADD:
        return 'add %s to %s as %s' % (change.login, where, change.role)
    if change.action == REMOVE:
        return 'remove %s from %s' % (change.login, where)
    return 'change the role of %s in %s to %s' % (change.login, where, change.role)


def unchanged_result(plan: Plan, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The result fields of a run that writes nothing (used when a guard fails)."""
    before = diff_view(plan.before)
    result = dict(summary([], plan.before), diff=dict(before=before, after=before), changed=False)
    result.update(extra or {})
    return result


class Runner(object):
    """A module's run: its host, its client, the progress lines, and the error funnel."""

    def __init__(self, host: Host, client: GitHubClient, started: float | None = None) -> None:
        """``started``: when the run began (``time.monotonic()``), for the progress lines' times."""
        self.host = host
        self.client = client
        # Every secret the client holds or gets while it runs (an installation token it mints, the
        # app's key material) is masked by the host too, in whatever it prints or returns.
        for secret in client.secrets():
            host.no_log(secret)
        client.on_secret = host.no_log
        self.lines: list[str] = []
        self._mark = time.monotonic() if started is None else started

    # -- the host, as the module sees it ----------------------------------------------------------

    @property
    def params(self) -> Mapping[str, Any]:
        return self.host.params

    @property
    def check_mode(self) -> bool:
        return self.host.check_mode

    def warn(self, text: str) -> None:
        self.host.warn(text)

    def progress(self, text: str, timed: bool = True) -> None:
        """A progress line (``read acme: 12 members ... (0.3 s)``, timed since the last one): kept
        for the result (the roster's ``summary``) and handed to the host."""
        if timed:
            now = time.monotonic()
            text, self._mark = '%s (%.1f s)' % (text, now - self._mark), now
        self.lines.append(text)
        self.host.log(text)

    # -- the error funnel -------------------------------------------------------------------------

    def fail(self, msg: str, **result: Any) -> NoReturn:
        self.host.fail(msg, **result)

    def fail_request(self, operation: str, error: object, **result: Any) -> NoReturn:
        """Fail with one line naming the operation, the object, the status and GitHub's message."""
        if isinstance(error, GitHubError):
            self.client.scrub_error(error)
            result.setdefault('error', error.as_dict())
        self.host.fail('%s: %s' % (operation, error), **result)

    @contextmanager
    def step(self, operation: str, extra: Extra = None, missing: Extra = None,
             explain: Callable[[GitHubError], str | None] | None = None) -> Iterator[None]:
        """Run the block as ``operation`` (``read the members of acme``): a :class:`GitHubError`
        fails the task naming it, a missing team with its own message; ``extra`` (read at the
        failure) goes into the result, ``missing`` instead of it when the team is missing. For a
        write, ``explain(error)`` is the identity-provider policy: a hint marks the result
        ``managed_externally`` and joins the message."""
        try:
            yield
        except TeamNotFound as exc:
            self.fail(str(exc), **_extra(extra if missing is None else missing))
        except GitHubError as exc:
            result = _extra(extra)
            hint = explain(exc) if explain else None
            if hint:
                result['managed_externally'] = True
                operation = '%s: %s' % (operation, hint)
            self.fail_request(operation, exc, **result)

    def exit(self, **result: Any) -> NoReturn:
        """Succeed with ``result`` and the number of requests sent."""
        result.setdefault('api_requests', self.client.request_count)
        self.host.exit(**result)

    # -- the list modules: guard a plan before any write, make its writes, report -----------------

    def guard(self, plan: Plan, current_count: int, where: str, extra: Mapping[str, Any] | None = None,
              min_owners: int | None = None) -> None:
        """Fail before any write when ``plan`` removes more than ``max_removals`` allows, removes
        or demotes the token's own user without ``allow_self``, or leaves fewer than
        ``min_owners`` active owners (organizations only; ``None`` skips it):
        :func:`._plan.plan_refusal`. May read ``GET /user`` once, only when the plan removes or
        demotes someone."""
        max_removals = self.params['max_removals']
        problem = removal_budget_problem(plan, current_count, max_removals, where)
        if problem:
            self.fail(problem, would_remove=[c.login for c in plan.removals], **unchanged_result(plan, extra))
        allow_self = self.params['allow_self']
        own = None
        if plan.demotions() and not allow_self:
            with self.step('read the token owner (GET /user)', lambda: unchanged_result(plan, extra)):
                own = self.client.current_login()  # None for a GitHub App: it has no user
        problem = plan_refusal(plan, current_count, max_removals, own, allow_self, min_owners, where)
        if problem:
            self.fail(problem, **unchanged_result(plan, extra))

    def drop_impossible(self, plan: Plan, where: str, extra: dict[str, Any],
                        changes: Iterable[Change] | None = None) -> Plan:
        """Check mode: take the additions that cannot be made out of ``plan`` and report them in
        ``extra['problems']`` (and as warnings), so check mode promises only what can be done.
        ``changes`` limits the lookups to those changes (default: every addition of the plan)."""
        with self.step('look up the users to add to %s' % where, lambda: unchanged_result(plan, extra)):
            problems = impossible_additions(self.client, plan.changes if changes is None else changes)
        for problem in problems:
            self.warn('%s: cannot add %s: %s' % (where, problem['login'], problem['problem']))
        extra['problems'] = problems
        return plan.without(p['login'].lower() for p in problems)

    def apply(self, plan: Plan, write: Callable[[Change], Any], new_state: Any, where: str,
              extra: Mapping[str, Any] | None = None,
              explain: Callable[[GitHubError], str | None] | None = None) -> tuple[list[Change], dict[str, Entry]]:
        """Make the writes of ``plan`` in order; returns ``(done, state)``. When one fails, the
        task fails with what was already done (``added``, ``removed``, ``role_changed`` so far) so
        that a rerun finishes the job. ``explain(error)`` is the identity-provider policy: a hint
        means the team is managed externally, and the writes left are reported, not tried."""
        # Whatever a write raises, the result must say what was already done: every exception type.
        try:
            return execute(plan, write, new_state, errors=(Exception,))
        except Incomplete as exc:
            result = summary(exc.done, exc.state)
            result.update(diff=dict(before=diff_view(plan.before), after=diff_view(exc.state)), changed=bool(exc.done),
                          api_requests=self.client.request_count)
            result.update(extra or {})
            operation = describe(exc.change, where)
            hint = explain(exc.error) if explain and isinstance(exc.error, GitHubError) else None
            if hint:
                operation += ': ' + hint
                # Externally managed: the remaining writes would fail the same way; report them.
                left = plan.changes[plan.changes.index(exc.change):] if exc.change in plan.changes else [exc.change]
                result.update(managed_externally=True, skipped_writes=[describe(c, where) for c in left])
            self.fail_request(operation, self.error_of(exc.error), **result)

    def error_of(self, error: BaseException) -> object:
        """A write's error for the message: GitHub's as it is, any other scrubbed of secrets."""
        return error if isinstance(error, GitHubError) else self.client.scrub('%s: %s' % (type(error).__name__, error))

    def finish(self, plan: Plan, done: list[Change], after: dict[str, Entry],
               extra: Mapping[str, Any] | None = None) -> NoReturn:
        """Exit with the summary lists, ``changed`` and ``diff``."""
        result = summary(done, after)
        result.update(extra or {})
        self.exit(changed=bool(done), diff=dict(before=diff_view(plan.before), after=diff_view(after)), **result)

    def run_list(self, plan: Plan, current_count: int, where: str, write: Callable[[Change], Any], new_state: Any,
                 extra: dict[str, Any], min_owners: int | None = None,
                 predict: Callable[[Plan], tuple[Plan, dict[str, Entry]]] | None = None,
                 explain: Callable[[GitHubError], str | None] | None = None) -> NoReturn:
        """A list module after its read and plan: guard, then check mode (drop what cannot be
        added; ``predict(plan)`` may do it its own way and return ``(plan, after)``) or the
        ordered writes, then the result."""
        self.guard(plan, current_count, where, extra, min_owners=min_owners)
        if self.check_mode and predict is not None:
            plan, after = predict(plan)
            done = plan.changes
        elif self.check_mode:
            plan = self.drop_impossible(plan, where, extra)
            done, after = plan.changes, plan.after(new_state)
        else:
            done, after = self.apply(plan, write, new_state, where, extra=extra, explain=explain)
        self.finish(plan, done, after, extra)

    # -- the whole organization ----------------------------------------------------------------------

    def apply_roster(self, plan: RosterPlan, writer: Callable[[Write], Any], org: str,
                     result_of: Callable[[list[Write], OrgState], dict[str, Any]]) -> tuple[list[Write], OrgState]:
        """Make a whole-organization plan's writes by the engine's apply policy
        (:func:`._roster_apply.apply_roster`); returns ``(done, after)``. A failure reports
        exactly the writes already made (``result_of(done, state)``); writes skipped for teams
        their identity provider manages fail the task once the others are made, naming them."""
        try:
            applied = apply_roster(plan, writer, self.client, org, self.warn, self.host.log)
        except WritesFailed as exc:
            result = result_of(exc.done, exc.state)
            result.update(changed=bool(exc.done), failed_change=exc.write.as_dict(),
                          skipped_writes=[describe_write(w, org) for w in exc.skipped])
            self.fail_request(describe_write(exc.write, org), self.error_of(exc.error), **result)
        if applied.skipped:
            result = result_of(applied.done, applied.state)
            result.update(changed=bool(applied.done), managed_externally=sorted(set(w.team for w in applied.skipped)),
                          skipped_writes=[describe_write(w, org) for w in applied.skipped])
            self.fail('%s; skipped, since the identity provider manages the team: %s. Mark such a team '
                      'managed_externally: true to read and report it only'
                      % ('; '.join(applied.hints), ', '.join(describe_write(w, org) for w in applied.skipped)), **result)
        return applied.done, applied.state

    # -- the single-membership modules and the info modules ---------------------------------------

    def report(self, before: Any, after: Any, changed: bool, **result: Any) -> NoReturn:
        """Exit with ``changed``, ``diff`` (``before``/``after``) and the module's own fields."""
        self.exit(changed=changed, diff=dict(before=before, after=after), **result)


def _extra(extra: Extra) -> MutableMapping[str, Any]:
    if extra is None:
        return {}
    return dict(extra() if callable(extra) else extra)
