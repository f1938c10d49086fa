"""GitHub's rules for logins, org names and team slugs, as properties (hypothesis).

``login_problem`` and ``slug_problem`` run before any request, so whatever they let through ends
up in a URL path. Valid names must pass; anything with a forbidden character, a leading or
trailing hyphen, a double hyphen, or too many characters must be refused with a message that
names the option and the value.
"""

from __future__ import annotations

import string

from hypothesis import example, given, settings
from hypothesis import strategies as st

from ansible_collections.gitops.github.plugins.module_utils._names import (
    LOGIN_MAX,
    SLUG_MAX,
    login_problem,
    slug_problem,
)

ALNUM = string.ascii_letters + string.digits
SLUG_CHARS = ALNUM + '_.-'

alnum_runs = st.text(alphabet=ALNUM, min_size=1, max_size=8)


@st.composite
def valid_logins(draw, max_len=LOGIN_MAX):
    """Letters and digits in runs joined by single hyphens, 1..39 characters."""
    runs = draw(st.lists(alnum_runs, min_size=1, max_size=6))
    login = '-'.join(runs)
    if len(login) > max_len:
        login = login[:max_len].rstrip('-')
    return login


# Characters GitHub never allows in a login: everything but ASCII letters, digits and "-" (and the
# one "_" of an Enterprise Managed User suffix, tested apart). Includes what would change a URL.
forbidden_login_chars = st.characters(
    blacklist_characters=ALNUM + '-_', blacklist_categories=('Cs',)) | st.sampled_from(
    list('/?#%.@ :\\\n\r\t\x00') + ['\u00e9', '\u0430', '\uff41', '\u200b'])

forbidden_slug_chars = st.characters(
    blacklist_characters=SLUG_CHARS, blacklist_categories=('Cs',)) | st.sampled_from(
    list('/?#% @:\\\n\r\t\x00') + ['\u00e9', '\u200b'])


settings.register_profile('input-rules', max_examples=300, deadline=None)
settings.load_profile('input-rules')


# -- logins and org names ------------------------------------------------------------------------

@given(valid_logins())
@example('a')
@example('A' * LOGIN_MAX)
@example('octo-cat-9')
def test_valid_logins_are_accepted(login):
    assert login_problem(login) is None
    assert login_problem(login, 'org') is None


@given(valid_logins(), st.text(alphabet=ALNUM, min_size=1, max_size=10))
def test_enterprise_managed_user_suffix_is_accepted(login, shortcode):
    assert login_problem('%s_%s' % (login, shortcode)) is None


@given(valid_logins(), st.integers(min_value=0, max_value=LOGIN_MAX), forbidden_login_chars)
@example('alice', 5, '\n')  # "$" in a regex also matches before a final newline
@example('alice', 0, '/')
@example('alice', 5, '/')
@example('acme', 4, '?')
def test_a_forbidden_character_anywhere_is_refused(login, where, char):
    where = min(where, len(login))
    bad = login[:where] + char + login[where:]
    problem = login_problem(bad, 'username')
    assert problem is not None, repr(bad)
    assert 'username' in problem and repr(bad) in problem


@given(valid_logins(max_len=LOGIN_MAX - 2))
def test_leading_or_trailing_hyphen_is_refused(login):
    for bad in ('-' + login, login + '-', '-' + login + '-'):
        problem = login_problem(bad, 'org')
        assert problem is not None, bad
        assert 'org' in problem and 'hyphen' in problem


@given(alnum_runs, alnum_runs, st.integers(min_value=2, max_value=4))
def test_double_hyphen_is_refused(left, right, hyphens):
    bad = left + '-' * hyphens + right
    assert login_problem(bad) is not None, bad


@given(st.lists(alnum_runs, min_size=1, max_size=12).map('-'.join).filter(lambda s: len(s) > LOGIN_MAX))
@example('a' * (LOGIN_MAX + 1))
def test_too_long_is_refused_naming_the_limit(login):
    problem = login_problem(login)
    assert problem is not None
    assert 'longer' in problem and str(LOGIN_MAX) in problem


@given(st.sampled_from(['', '_', '_abc', 'abc_', 'a__b', 'a_b_c', 'a_-b']))
def test_underscore_misuse_and_empty_are_refused(bad):
    assert login_problem(bad) is not None


@given(st.one_of(st.none(), st.integers(), st.lists(st.text(max_size=3), max_size=2), st.binary(max_size=5)))
def test_non_strings_are_refused(value):
    assert login_problem(value) is not None
    assert slug_problem(value) is not None


# -- team slugs -----------------------------------------------------------------------------------

@given(st.text(alphabet=ALNUM + '_', min_size=1, max_size=1), st.text(alphabet=SLUG_CHARS, max_size=60))
@example('p', 'latform-oncall')
@example('a', '.b_c-d')
def test_valid_slugs_are_accepted(first, rest):
    slug = first + rest
    assert slug_problem(slug) is None


@given(st.text(alphabet=SLUG_CHARS, min_size=1, max_size=30), st.integers(min_value=0, max_value=30),
       forbidden_slug_chars)
@example('platform', 8, '\n')
@example('platform', 4, '/')
@example('platform', 0, ' ')
def test_slug_with_a_forbidden_character_is_refused(slug, where, char):
    where = min(where, len(slug))
    bad = slug[:where] + char + slug[where:]
    problem = slug_problem(bad, 'team')
    assert problem is not None, repr(bad)
    assert 'team' in problem and repr(bad) in problem


@given(st.text(alphabet=SLUG_CHARS, max_size=20))
def test_slug_starting_with_hyphen_or_dot_is_refused(rest):
    for lead in ('-', '.'):
        bad = lead + rest
        if bad in ('.',):
            continue
        assert slug_problem(bad) is not None, bad


@given(st.sampled_from(['.', '..', '']))
def test_dot_segments_and_empty_slug_are_refused(bad):
    assert slug_problem(bad) is not None


@given(st.text(alphabet=SLUG_CHARS, min_size=SLUG_MAX, max_size=SLUG_MAX + 20))
def test_overlong_slug_is_refused(rest):
    assert slug_problem('a' + rest) is not None
