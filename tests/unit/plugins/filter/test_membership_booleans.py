"""Every boolean of the role's data follows Ansible's boolean rules, or is refused naming the key
(issue 10): a quoted "false" or "no" is false, never "a non-empty string, so true"."""

from __future__ import annotations

import pytest

from ansible.errors import AnsibleFilterError
from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.gitops.github.plugins.filter.membership import (
    membership_drift_markdown,
    membership_drift_report,
    membership_normalize,
    membership_problems,
    membership_results,
)

FALSY = [False, 'false', 'False', 'no', 'NO', 'off', 'n', 'f', '0', 0, ' false ']
TRUTHY = [True, 'true', 'yes', 'on', 'y', 't', '1', 1, 'Yes']


def org(**changes):
    data = {'org': 'acme', 'owners': ['octo'], 'members': ['alice'],
            'teams': [{'team': 'platform', 'maintainers': ['alice'], 'members': []}]}
    data.update(changes)
    return data


@pytest.mark.parametrize('value', FALSY)
def test_false_in_any_spelling_is_false_at_org_and_team_level(value):
    data = org(exclusive=value, allow_self=value, public_membership=value)
    data['teams'][0]['exclusive'] = value
    assert membership_problems([data]) == []
    plan = membership_normalize([data])
    assert plan['orgs'][0]['exclusive'] is False
    assert plan['orgs'][0]['allow_self'] is False
    assert plan['teams'][0]['exclusive'] is False and plan['teams'][0]['allow_self'] is False
    assert plan['public'] == [{'org': 'acme', 'public': False}]


@pytest.mark.parametrize('value', TRUTHY)
def test_true_in_any_spelling_is_true_and_agrees_with_ansible(value):
    data = org(exclusive=value, allow_self=value)
    plan = membership_normalize([data])
    assert plan['orgs'][0]['exclusive'] is True is boolean(value)
    assert plan['orgs'][0]['allow_self'] is True


@pytest.mark.parametrize('value', ['maybe', 'falsy', '', [], {'x': 1}, 2, 'nein'])
@pytest.mark.parametrize('key,level', [('exclusive', 'org'), ('allow_self', 'org'), ('public_membership', 'org'),
                                       ('exclusive', 'team')])
def test_anything_else_is_refused_naming_the_key(value, key, level):
    data = org()
    if level == 'org':
        data[key] = value
        where = 'acme: %s' % key
    else:
        data['teams'][0][key] = value
        where = 'acme: teams[0] (platform).%s' % key
    problems = membership_problems([data])
    assert any(p.startswith(where + ' must be a boolean') for p in problems), problems
    with pytest.raises(AnsibleFilterError):
        membership_normalize([data])


@pytest.mark.parametrize('value,expected', [(None, 1), (0, 0), (3, 3), ('2', 2)])
def test_min_owners_reaches_the_module_call(value, expected):
    plan = membership_normalize([org(min_owners=value)])
    assert plan['orgs'][0]['min_owners'] == expected


@pytest.mark.parametrize('value', [-1, '-2', 'two', True, 1.5])
def test_min_owners_must_be_a_whole_number(value):
    assert any('min_owners' in p for p in membership_problems([org(min_owners=value)]))


def test_drift_report_lists_problems_apart_from_drift():
    registered = [{'results': [{'item': {'org': 'acme'}, 'changed': False, 'changes': [], 'pending': [],
                                'diff': {'before': {}, 'after': {}},
                                'problems': [{'login': 'ghost', 'problem': 'no GitHub user has the login ghost'}]}]},
                  {'results': []}, {'results': []}]
    report = membership_drift_report(membership_results(registered))
    assert report['drift'] is False
    assert report['summary']['problems'] == 1
    assert report['problems'] == [{'login': 'ghost', 'problem': 'no GitHub user has the login ghost', 'target': 'acme'}]
    text = membership_drift_markdown(report)
    assert 'Cannot be applied' in text and '`ghost`' in text and '**No drift**' in text
