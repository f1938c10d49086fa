# -*- coding: utf-8 -*-
# Copyright (c) gitops.github contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What every module shares: the connection options, input checks made before any request, and
the glue between :class:`AnsibleModule` and the client."""

from __future__ import annotations

import re

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib

from ansible_collections.gitops.github.plugins.module_utils._client import (
    DEFAULT_API_URL,
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
    GitHubClient,
    GitHubError,
)


def github_argument_spec():
    """The options every module takes (documented in the ``gitops.github.github`` doc fragment)."""
    return dict(
        api_url=dict(type='str', default=DEFAULT_API_URL, fallback=(env_fallback, ['GITHUB_API_URL'])),
        token=dict(type='str', no_log=True, fallback=(env_fallback, ['GITHUB_TOKEN', 'GH_TOKEN'])),
        validate_certs=dict(type='bool', default=True),
        ca_path=dict(type='path'),
        timeout=dict(type='int', default=30),
        rate_limit_max_wait=dict(type='int', default=300),
        write_delay=dict(type='float', default=1.0),
    )


# GitHub's rules for user and organization logins: letters, digits and single inner hyphens, at
# most 39 characters. Enterprise Managed Users add an ``_shortcode`` suffix.
_LOGIN_RE = re.compile(r'^[A-Za-z0-9](?:-?[A-Za-z0-9])*(?:_[A-Za-z0-9]+)?\Z')
LOGIN_MAX = 39
# Team slugs are made from team names: letters, digits, ``-``, ``_`` and ``.``, never ``/`` or spaces.
_SLUG_RE = re.compile(r'^[A-Za-z0-9_][A-Za-z0-9_.-]*\Z')
SLUG_MAX = 255


def login_problem(value, what='username'):
    """Why ``value`` cannot be a GitHub login, or ``None`` when it can."""
    if not isinstance(value, str) or not value:
        return '%s must be a non-empty string' % what
    handle = value.split('_', 1)[0]
    if len(handle) > LOGIN_MAX:
        return '%s %r is longer than GitHub allows (%d characters)' % (what, value, LOGIN_MAX)
    if not _LOGIN_RE.match(value):
        return ('%s %r is not a valid GitHub login: use letters, digits and single hyphens, '
                'not starting or ending with a hyphen' % (what, value))
    return None


def slug_problem(value, what='team'):
    """Why ``value`` cannot be a team slug, or ``None`` when it can."""
    if not isinstance(value, str) or not value:
        return '%s must be a non-empty string' % what
    if len(value) > SLUG_MAX or not _SLUG_RE.match(value) or value in ('.', '..'):
        return ('%s %r is not a valid team slug: use the slug from the team URL (letters, digits, '
                '"-", "_" and ".")' % (what, value))
    return None


def write_membership(client, path, role=None, adding=False):
    """``PUT {"role": role}`` on an org or team membership ``path``, or ``DELETE`` when ``role`` is
    ``None``; returns the membership body GitHub answered (``None`` for a removal).

    If the write fails in transit, one read tells whether it landed anyway, so the same change is
    never sent twice: a removal landed when the membership is gone, an addition when it exists (an
    org owner added to a team reads back as maintainer, whatever role was asked), a role change
    when the role reads back.
    """
    if role is None:
        client.request('DELETE', path, expected=(204,), verify=lambda: {} if client.get_or_none(path) is None else None)
        return None

    def landed():
        data = client.get_or_none(path)
        return data if data is not None and (adding or data.get('role') == role) else None

    return client.request('PUT', path, json={'role': role}, expected=(200,), verify=landed).data


class GitHubModule(object):
    """An AnsibleModule with the shared options, input checks and a ready client."""

    def __init__(self, argument_spec, mutually_exclusive=None, required_one_of=None, required_if=None,
                 logins=(), slugs=(), team=False):
        """``team=True`` adds the ``org``, ``team`` and ``team_id`` options (doc fragment
        ``gitops.github.github.TEAM``) with their checks."""
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
        if not HAS_REQUESTS:
            self.module.fail_json(msg=missing_required_lib('requests'), exception=str(REQUESTS_IMPORT_ERROR))
        problems = []
        for name in logins:
            value = self.params.get(name)
            if value is not None:
                problem = login_problem(value, name)
                if problem:
                    problems.append(problem)
        for name in slugs:
            value = self.params.get(name)
            if value is not None:
                problem = slug_problem(value, name)
                if problem:
                    problems.append(problem)
        if team and self.params['team_id'] is not None and self.params['team_id'] <= 0:
            problems.append('team_id must be a positive number, got %s' % self.params['team_id'])
        if problems:
            self.fail('; '.join(problems))
        for name in ('timeout', 'rate_limit_max_wait'):
            if self.params[name] < 0 or (name == 'timeout' and self.params[name] == 0):
                self.fail('%s must be %s, got %s' % (name, 'positive' if name == 'timeout' else '0 or more', self.params[name]))
        if self.params['write_delay'] < 0:
            self.fail('write_delay must be 0 or more, got %s' % self.params['write_delay'])
        if not self.params.get('token'):
            self.fail('No GitHub token: set the token option, or GITHUB_TOKEN or GH_TOKEN in the environment')
        try:
            self.client = GitHubClient(
                api_url=self.params['api_url'],
                token=self.params['token'],
                validate_certs=self.params['validate_certs'],
                ca_path=self.params['ca_path'],
                timeout=self.params['timeout'],
                rate_limit_max_wait=self.params['rate_limit_max_wait'],
                write_delay=self.params['write_delay'],
            )
        except ValueError as exc:
            self.fail(str(exc))

    @property
    def check_mode(self):
        return self.module.check_mode

    def warn(self, text):
        self.module.warn(text)

    def fail(self, msg, **result):
        self.module.fail_json(msg=msg, **result)

    def fail_request(self, operation, error, **result):
        """Fail with one line naming the operation, the object, the status and GitHub's message."""
        if isinstance(error, GitHubError):
            result.setdefault('error', error.as_dict())
        self.module.fail_json(msg='%s: %s' % (operation, error), **result)

    def exit(self, **result):
        result.setdefault('api_requests', self.client.request_count)
        self.module.exit_json(**result)
