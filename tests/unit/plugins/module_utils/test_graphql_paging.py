"""The paging limits of every GraphQL connection (``_graphql.Pages``): a cursor given twice, or a
page past what ``totalCount`` fills, fails the read; honest paging is never refused."""

from __future__ import annotations

import pytest

from ansible_collections.gitops.github.plugins.module_utils._graphql import Pages, PagingError


def test_honest_paging_up_to_the_last_page_is_allowed():
    pages = Pages('/graphql', 'the teams of acme', 50)
    assert pages.next('c1', 120) == 'c1'
    assert pages.next('c2', 120) == 'c2'  # page 3 of ceil(120 / 50) = 3
    with pytest.raises(PagingError) as info:
        pages.next('c3', 120)
    assert 'totalCount of 120 fills 3 page(s) of 50' in str(info.value)


@pytest.mark.parametrize('repeat', ['c1', 'start'])
def test_a_cursor_given_or_asked_for_before_is_a_loop(repeat):
    pages = Pages('/graphql', 'the immediate members of team platform', 100, after='start')
    pages.next('c1', 1000)
    with pytest.raises(PagingError) as info:
        pages.next(repeat, 1000)
    text = str(info.value)
    assert text.startswith('POST /graphql failed: the immediate members of team platform: ')
    assert 'paging loop' in text and text.endswith('refusing to read on')


def test_a_growing_total_allows_more_pages_but_never_past_max_pages():
    pages = Pages('/graphql', 'x', 10, max_pages=3)
    pages.next('a', 11)
    pages.next('b', 25)  # the largest total any page reported counts
    with pytest.raises(PagingError) as info:
        pages.next('c', 10 ** 6)
    assert 'at most 3 pages are read' in str(info.value)


def test_no_total_means_no_next_page():
    with pytest.raises(PagingError):
        Pages('/graphql', 'x', 100).next('a', 0)
