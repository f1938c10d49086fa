# -*- coding: utf-8 -*-
# Copyright (c) gitops.github contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What every module shares: the connection options, input checks made before any request, and
the module's host for the runner (:class:`GitHubModule`, the adapter between :class:`AnsibleModule`
and :class:`._runner.Runner`); :func:`runner` makes both."""

from __future__ import annotations

import os
import re
import time
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, NoReturn, Sequence

from ansible.module_utils import basic as _basic
from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib

from ansible_collections.gitops.github.plugins.module_utils._http import (
    DEFAULT_API_URL,
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
    GitHubClient,
    secret_problem,
)
from ansible_collections.gitops.github.plugins.module_utils._app_auth import AppKeyError, GitHubApp, MissingLibraryError
from ansible_collections.gitops.github.plugins.module_utils._membership_data import not_a_string
from ansible_collections.gitops.github.plugins.module_utils._names import login_problem, slug_problem
from ansible_collections.gitops.github.plugins.module_utils._runner import Runner

if TYPE_CHECKING:
    from ansible_collections.gitops.github.plugins.module_utils._runner import Host

# Credentials come from the options, else from these environment variables. They are read here
# rather than through ``env_fallback`` because the rule between a token and an app needs to know
# whether a value was set as an option or came from the environment (see choose_credentials).
TOKEN_ENV = ('GITHUB_TOKEN', 'GH_TOKEN')
APP_OPTIONS = (
    ('app_id', 'GITHUB_APP_ID'),
    ('app_installation_id', 'GITHUB_APP_INSTALLATION_ID'),
    ('app_private_key', 'GITHUB_APP_PRIVATE_KEY'),
)
NO_CREDENTIALS = ('No GitHub credentials: set the token option (or GITHUB_TOKEN or GH_TOKEN in the environment), or '
                  'app_id, app_installation_id and app_private_key for a GitHub App (or GITHUB_APP_ID, '
                  'GITHUB_APP_INSTALLATION_ID and GITHUB_APP_PRIVATE_KEY)')
# The longest pause between writes: an hour, as the longest rate-limit wait (write_delay).
MAX_WRITE_DELAY = 3600
# A GitHub App's numeric id, or its client ID (Iv1.0123456789abcdef, Iv23li...).
_APP_ID_RE = re.compile(r'^(?:[1-9][0-9]{0,19}|Iv[A-Za-z0-9._-]{1,98})\Z')


def github_argument_spec() -> dict[str, dict[str, Any]]:
    """The options every module takes (documented in the ``gitops.github.github`` doc fragment)."""
    return dict(
        api_url=dict(type='str', default=DEFAULT_API_URL, fallback=(env_fallback, ['GITHUB_API_URL'])),
        token=dict(type='str', no_log=True),
        app_id=dict(type='str'),
        app_installation_id=dict(type='int'),
        app_private_key=dict(type='str', no_log=True),
        validate_certs=dict(type='bool', default=True),
        ca_path=dict(type='path'),
        timeout=dict(type='int', default=30),
        rate_limit_max_wait=dict(type='int', default=300),
        write_delay=dict(type='float', default=1.0),
    )


class CredentialsError(ValueError):
    """Credentials that cannot work, found before any request. The message holds no secret."""


def _given(value: object) -> bool:
    return value is not None and value != ''


def choose_credentials(params: Mapping[str, Any], environ: Mapping[str, str] | None = None) -> tuple[str, Any]:
    """Which credentials a module uses: ``('token', token)`` or ``('app', (app_id, installation_id,
    private_key))``. The rule, in order:

    1. an option beats the environment; the ``token`` option and any ``app_*`` option together are
       an error;
    2. the ``token`` option;
    3. the ``app_*`` options, each one missing taken from its ``GITHUB_APP_*`` variable;
    4. ``GITHUB_TOKEN``, then ``GH_TOKEN``;
    5. ``GITHUB_APP_ID``, ``GITHUB_APP_INSTALLATION_ID`` and ``GITHUB_APP_PRIVATE_KEY``.

    Empty values count as unset (credential injectors often set unused variables to ``''``).
    Raises :class:`CredentialsError`.
    """
    environ = os.environ if environ is None else environ
    token = params.get('token')
    options = [name for name, _env in APP_OPTIONS if _given(params.get(name))]
    if _given(token) and options:
        raise CredentialsError('token and %s are mutually exclusive: authenticate with a token or as a GitHub App, '
                               'not both' % ', '.join(options))
    if _given(token):
        return 'token', token
    if options:
        values = dict((name, params.get(name) if _given(params.get(name)) else environ.get(env)) for name, env in APP_OPTIONS)
        return 'app', _app_values(values, from_env=False)
    for env in TOKEN_ENV:
        if _given(environ.get(env)):
            return 'token', environ[env]
    if any(_given(environ.get(env)) for _name, env in APP_OPTIONS):
        return 'app', _app_values(dict((name, environ.get(env)) for name, env in APP_OPTIONS), from_env=True)
    raise CredentialsError(NO_CREDENTIALS)


def _app_values(values: Mapping[str, Any], from_env: bool) -> tuple[str, int, str]:
    env_of = dict(APP_OPTIONS)
    missing = [name for name, _env in APP_OPTIONS if not _given(values.get(name))]
    if missing:
        raise CredentialsError('GitHub App authentication needs app_id, app_installation_id and app_private_key together; '
                               'missing: %s' % ', '.join('%s (or %s)' % (name, env_of[name]) for name in missing))
    app_id = str(values['app_id']).strip()
    if not _APP_ID_RE.match(app_id):
        # The value is never echoed: a token put in the wrong variable must not be printed.
        raise CredentialsError('%s must be the GitHub App\'s numeric id or its client ID (such as Iv1.0123456789abcdef), '
                               'got something else (not shown: it could be a secret in the wrong place)'
                               % ('GITHUB_APP_ID' if from_env else 'app_id'))
    installation_id = values['app_installation_id']
    try:
        installation_id = int(str(installation_id).strip())
    except ValueError:
        installation_id = None
    if installation_id is None or installation_id <= 0:
        # Shown only when it is a whole number (0, negative): anything else could be a token.
        given = str(values['app_installation_id']).strip()
        shown = given if re.match(r'^-?[0-9]{1,20}$', given) else 'something else (not shown: it could be a secret in the wrong place)'
        raise CredentialsError('app_installation_id (GITHUB_APP_INSTALLATION_ID) must be a positive number: the id of the '
                               'app\'s installation on the organization, got %s' % shown)
    return app_id, installation_id, values['app_private_key']


# Options that name a GitHub user, organization or team. Ansible's ``type: str`` turns any scalar
# into a string, so a login that YAML read as something else (``0123`` is the number 83, ``yes``
# is true) would silently become another login ("83", "True"). Their values must be strings.
IDENTIFIER_OPTIONS = frozenset(('org', 'username', 'team', 'members', 'maintainers'))


def non_string_identifiers(spec: Mapping[str, Mapping[str, Any]], raw: object, prefix: str = '') -> list[str]:
    """Problems for every identifier option (see IDENTIFIER_OPTIONS) whose value in ``raw`` (the
    parameters as the module received them, before Ansible converted any type) is not a string,
    also inside lists and lists of dicts. Pure."""
    problems: list[str] = []
    if not isinstance(raw, dict):
        return problems
    for name, option in spec.items():
        value = raw.get(name)
        if value is not None:
            problems.extend(_option_problems(name, option, value, prefix))
    return problems


def _option_problems(name: str, option: Mapping[str, Any], value: object, prefix: str) -> list[str]:
    """The problems of one option's value given (not ``None``), by the option's type."""
    kind = option.get('type', 'str')
    if kind == 'str' and name in IDENTIFIER_OPTIONS and not isinstance(value, str):
        return [not_a_string(prefix + name, value)]
    if kind == 'list' and not isinstance(value, (list, str)):
        # Ansible would make a number or a boolean a list of one string: 0123 (YAML's 83) for a
        # whole member list would become the login "83" and everyone else unlisted.
        return ['%s%s must be a list, got %s %r' % (prefix, name, type(value).__name__, value)]
    if kind == 'list' and isinstance(value, list):
        return _list_item_problems(name, option, value, prefix)
    return []


def _list_item_problems(name: str, option: Mapping[str, Any], items: list[Any], prefix: str) -> list[str]:
    """The problems of a list option's items: identifiers that are not strings, also inside dicts."""
    problems: list[str] = []
    for index, item in enumerate(items):
        where = '%s%s[%d]' % (prefix, name, index)
        if option.get('elements') == 'str' and name in IDENTIFIER_OPTIONS:
            if item is not None and not isinstance(item, str):
                problems.append(not_a_string(where, item))
        elif option.get('elements') == 'dict' and option.get('options'):
            problems.extend(non_string_identifiers(option['options'], item, where + '.'))
    return problems


def _raw_params() -> dict[str, Any]:
    """The module's parameters as received, before type conversion (``{}`` if unreadable)."""
    try:
        return _basic._load_params()
    except Exception:
        return {}


def connect(host: Host, spec: Mapping[str, Mapping[str, Any]], raw: object, logins: Sequence[str] = (),
            slugs: Sequence[str] = (), team: bool = False, needs_user: bool = False) -> GitHubClient:
    """The checks made before any request, then the client: ``host`` (a :class:`._runner.Host`
    with ``params`` already validated against ``spec``) fails on bad input; ``raw`` is the
    parameters as given, before any type conversion. Shared by a module's host
    (:class:`GitHubModule`) and the controller's (an action plugin's)."""
    params = host.params
    if not HAS_REQUESTS:
        host.fail(missing_required_lib('requests'), exception=str(REQUESTS_IMPORT_ERROR))
    problems = _input_problems(params, spec, raw, logins, slugs, team)
    if problems:
        host.fail('; '.join(problems))
    _check_limits(host, params)
    token, app = _credentials(host, needs_user)
    try:
        return GitHubClient(
            api_url=params['api_url'],
            token=token,
            app=app,
            validate_certs=params['validate_certs'],
            ca_path=params['ca_path'],
            timeout=params['timeout'],
            rate_limit_max_wait=params['rate_limit_max_wait'],
            write_delay=params['write_delay'],
        )
    except ValueError as exc:
        host.fail(str(exc))


def _input_problems(params: Mapping[str, Any], spec: Mapping[str, Mapping[str, Any]], raw: object,
                    logins: Sequence[str], slugs: Sequence[str], team: bool) -> list[str]:
    """Every problem in the identifiers and the team id given, in the order they are reported."""
    problems = non_string_identifiers(spec, raw)
    problems.extend(_named_problems(params, logins, login_problem))
    problems.extend(_named_problems(params, slugs, slug_problem))
    if team and params['team_id'] is not None and params['team_id'] <= 0:
        problems.append('team_id must be a positive number, got %s' % params['team_id'])
    return problems


def _named_problems(params: Mapping[str, Any], names: Sequence[str],
                    problem_of: Callable[[object, str], str | None]) -> list[str]:
    """What ``problem_of`` (a login's or a slug's check) finds in the options ``names`` that are set."""
    problems: list[str] = []
    for name in names:
        value = params.get(name)
        if value is not None:
            problem = problem_of(value, name)
            if problem:
                problems.append(problem)
    return problems


def _check_limits(host: Host, params: Mapping[str, Any]) -> None:
    """Fails on a timeout, rate-limit wait or write delay out of its range."""
    for name in ('timeout', 'rate_limit_max_wait'):
        if params[name] < 0 or (name == 'timeout' and params[name] == 0):
            host.fail('%s must be %s, got %s' % (name, 'positive' if name == 'timeout' else '0 or more', params[name]))
    # Finite and at most an hour (the longest rate-limit wait): .inf passed the check once and
    # crashed the pause after the first write (red team 21).
    if not 0 <= params['write_delay'] <= MAX_WRITE_DELAY:
        host.fail('write_delay must be a number of seconds from 0 to %d, got %s' % (MAX_WRITE_DELAY, params['write_delay']))


def _credentials(host: Host, needs_user: bool) -> tuple[str | None, GitHubApp | None]:
    """``(token, None)`` or ``(None, GitHubApp)``, by the rule of :func:`choose_credentials`;
    fails before any request when they cannot work."""
    try:
        kind, value = choose_credentials(host.params)
    except CredentialsError as exc:
        host.fail(str(exc))
    # Values read from the environment are secrets Ansible does not know about: have it mask them too.
    secret = value if kind == 'token' else value[2]
    host.no_log(secret)
    if kind == 'token':
        problem = secret_problem(value, 'the token')
        if problem:
            host.fail(problem)
        return value, None
    if needs_user:
        host.fail('This module acts as the token\'s own user, and a GitHub App installation has no user: '
                  'authenticate with a user token (token, GITHUB_TOKEN or GH_TOKEN)')
    try:
        return None, GitHubApp(*value)
    except MissingLibraryError as exc:
        host.fail(missing_required_lib(exc.library, reason='GitHub App authentication'), exception=str(exc.error))
    except AppKeyError as exc:
        host.fail(str(exc))


class GitHubModule(object):
    """An AnsibleModule with the shared options, input checks and a ready client: the runner's
    host (:class:`._runner.Host`) in a module."""

    def __init__(self, argument_spec: Mapping[str, dict[str, Any]], mutually_exclusive: Iterable[Sequence[str]] | None = None,
                 required_one_of: Iterable[Sequence[str]] | None = None, required_if: Sequence[Sequence[Any]] | None = None,
                 logins: Sequence[str] = (), slugs: Sequence[str] = (), team: bool = False, needs_user: bool = False) -> None:
        """``team=True`` adds the ``org``, ``team`` and ``team_id`` options (doc fragment
        ``gitops.github.github.ORG`` and ``gitops.github.github.TEAM``) with their checks. ``needs_user=True`` marks a module that
        acts as the token's own user, which a GitHub App installation does not have."""
        spec = github_argument_spec()
        mutually_exclusive = list(mutually_exclusive or [])
        required_one_of = list(required_one_of or [])
        if team:
            spec.update(org=dict(type='str', required=True), team=dict(type='str'), team_id=dict(type='int'))
            mutually_exclusive.append(('team', 'team_id'))
            required_one_of.append(('team', 'team_id'))
            logins = ('org',) + tuple(logins)
            slugs = ('team',) + tuple(slugs)
        spec.update(argument_spec)
        self.module = AnsibleModule(
            argument_spec=spec,
            supports_check_mode=True,
            mutually_exclusive=mutually_exclusive,
            required_one_of=required_one_of,
            required_if=required_if,
        )
        self.params = self.module.params
        self.client = connect(self, spec, _raw_params(), logins=logins, slugs=slugs, team=team, needs_user=needs_user)

    @property
    def check_mode(self) -> bool:
        return self.module.check_mode

    @property
    def diff_mode(self) -> bool:
        return self.module._diff

    def warn(self, text: str) -> None:
        self.module.warn(text)

    def log(self, line: str) -> None:
        """A module cannot print while it runs: its progress lines come back with the result."""

    def no_log(self, value: str) -> None:
        self.module.no_log_values.add(value)

    def fail(self, msg: str, **result: Any) -> NoReturn:
        self.module.fail_json(msg=msg, **result)
        raise AssertionError('fail_json returned')  # it exits; this tells the type checker so

    def exit(self, **result: Any) -> NoReturn:
        self.module.exit_json(**result)
        raise AssertionError('exit_json returned')


def runner(argument_spec: Mapping[str, dict[str, Any]], **options: Any) -> Runner:
    """A module's :class:`._runner.Runner`: its options (:class:`GitHubModule` takes the same
    arguments) checked, its client ready."""
    started = time.monotonic()
    module = GitHubModule(argument_spec, **options)
    return Runner(module, module.client, started)
