"""Every real form of a GitHub answer the collection decides on, replayed from tests/data/recordings.

Each case names its source in its id; the texts come from recordings.py, never from this file.
"""

from __future__ import annotations

import pytest
import responses

from ansible_collections.gitops.github.plugins.module_utils._http import (
    GitHubClient,
    GitHubError,
    RateLimitError,
    parse_rate_limit,
)
from ansible_collections.gitops.github.plugins.module_utils._github_forms import (
    group_names,
    idp_message_names_team,
    idp_name_from_message,
    is_secondary_rate_limit_message,
)

from recordings import exchange, message

NOW = 900.0
API = 'https://api.github.com'


def _case(ident, status=None, extra_headers=None, expected=None):
    real = exchange(ident)
    headers = dict(real['headers'])
    headers.update(extra_headers or {})
    extra = '+' + '+'.join('%s=%s' % kv for kv in sorted((extra_headers or {}).items())) if extra_headers else ''
    code = status or real['status']
    return pytest.param(code, headers, real['body']['message'], expected, id='%s[%d%s] %s' % (ident, code, extra, real['source']))


RATE_LIMIT_CASES = [
    # Secondary limits, current wording: 403 and 429, with and without retry-after.
    _case('secondary-current-403', expected=('secondary', 60.0, NOW + 60)),
    _case('secondary-current-403', extra_headers={'retry-after': '30'}, expected=('secondary', 30.0, NOW + 30)),
    _case('secondary-current-403', status=429, expected=('secondary', 60.0, NOW + 60)),
    _case('secondary-current-with-request-id-403', expected=('secondary', 60.0, NOW + 60)),
    # Secondary with an exhausted quota and its reset, no retry-after: wait for the reset (GitHub's rule 2).
    _case('secondary-current-403', extra_headers={'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1000'},
          expected=('secondary', 101.0, NOW + 101)),
    # Older wordings ("abuse detection mechanism"), with the headers recorded with them.
    _case('secondary-abuse-older-403', expected=('secondary', 60.0, NOW + 60)),
    _case('secondary-abuse-older-403', extra_headers={'retry-after': '5'}, expected=('secondary', 5.0, NOW + 5)),
    _case('secondary-abuse-oldest-403', expected=('secondary', 60.0, NOW + 60)),
    # Primary limits: x-ratelimit-remaining 0, with and without x-ratelimit-reset, 403 and 429.
    _case('primary-user-403', extra_headers={'x-ratelimit-reset': '1000'}, expected=('primary', 101.0, 1000.0)),
    _case('primary-user-403', expected=('primary', 60.0, NOW + 60)),
    _case('primary-installation-403', status=429, extra_headers={'x-ratelimit-reset': '1000'},
          expected=('primary', 101.0, 1000.0)),
    # Not rate limits: ordinary 403s with GitHub's message, even with a retry-after header.
    _case('push-access-403', expected=None),
    _case('push-access-403', extra_headers={'retry-after': '60'}, expected=None),
    _case('push-access-collaborators-403', extra_headers={'retry-after': '1'}, expected=None),
    _case('idp-external-group-team-403', expected=None),
]


@pytest.mark.parametrize('status,headers,text,expected', RATE_LIMIT_CASES)
def test_rate_limit_classification_of_real_answers(status, headers, text, expected):
    assert parse_rate_limit(status, headers, text, now=NOW) == expected


@pytest.mark.parametrize('retry_after', [None, '60'])
def test_429_without_any_ratelimit_header_or_message_is_secondary(retry_after):
    """GitHub documents 429 for both limits; without x-ratelimit-remaining: 0 it is the secondary one."""
    headers = {'retry-after': retry_after} if retry_after else {}
    wait = float(retry_after or 60)
    assert parse_rate_limit(429, headers, '', now=NOW) == ('secondary', wait, NOW + wait)


@responses.activate
def test_a_403_with_retry_after_that_is_not_a_rate_limit_fails_at_once_with_githubs_message():
    """Issue 12, second failure: "Must have push access" with Retry-After was waited on and retried."""
    real = exchange('push-access-403')
    headers = dict(real['headers'], **{'retry-after': '60'})
    headers.pop('content-type', None)
    responses.get(API + '/repos/acme/app/collaborators/bob/permission', json=real['body'], status=403, headers=headers)
    sleeps = []
    client = GitHubClient(token='t0k3n', sleep=sleeps.append, clock=lambda: NOW, write_delay=0)
    with pytest.raises(GitHubError) as info:
        client.get('/repos/acme/app/collaborators/bob/permission')
    assert info.value.status == 403
    assert info.value.message == real['body']['message']
    assert not isinstance(info.value, RateLimitError)
    assert sleeps == [] and len(responses.calls) == 1


@pytest.mark.parametrize('ident', ['secondary-current-403', 'secondary-current-with-request-id-403',
                                   'secondary-abuse-older-403', 'secondary-abuse-oldest-403'])
def test_every_real_secondary_wording_is_recognised(ident):
    assert is_secondary_rate_limit_message(message(ident))


@pytest.mark.parametrize('ident', ['primary-user-403', 'primary-installation-403', 'push-access-403',
                                   'push-access-collaborators-403', 'idp-external-group-team-403'])
def test_other_real_messages_are_not_secondary(ident):
    assert not is_secondary_rate_limit_message(message(ident))


def test_the_real_external_group_message_names_the_idp():
    text = message('idp-external-group-team-403', idp='Okta')
    assert idp_message_names_team(text)
    assert idp_name_from_message(text) == 'Okta'
    assert idp_name_from_message(text + '.') == 'Okta'


@pytest.mark.parametrize('ident', ['push-access-403', 'secondary-current-403', 'primary-user-403'])
def test_other_403_messages_do_not_name_an_idp_team(ident):
    assert not idp_message_names_team(message(ident))
    assert idp_name_from_message(message(ident)) is None


@pytest.mark.parametrize('ident,names', [
    ('docs-team-sync-group-mappings', ['saml-azuread-test', 'saml-azuread-test2']),
    ('docs-team-external-groups', ['Octocat admins']),
])
def test_group_names_from_githubs_documented_answers(ident, names):
    assert group_names(exchange(ident)['body']) == names


@pytest.mark.parametrize('data', [None, {}, {'groups': []}, {'groups': 'x'}, [], {'groups': [None, {}]}])
def test_no_groups_means_not_managed(data):
    assert group_names(data) == []
