"""The membership data the READMEs show (every ``yaml`` block that defines ``membership_orgs``)
passes the collection's one validator as written, and the examples of issue 20's keys plan
without a problem on an organization that has what they name (``_plan_access.plan_access``), so a
reader who pastes them gets no surprise."""

from __future__ import annotations

import os
import re
import textwrap

import pytest
import yaml

from ansible_collections.gitops.github.plugins.filter.membership import membership_problems
from ansible_collections.gitops.github.plugins.module_utils._access_state import (
    AccessState,
    Collaborator,
    Grant,
    OrgRole,
    TeamAccess,
)
from ansible_collections.gitops.github.plugins.module_utils._plan_access import plan_access

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))
DOCUMENTS = ('README.md', os.path.join('roles', 'membership', 'README.md'))
ACCESS_KEYS = ('organization_roles', 'outside_collaborators', 'exclusive_outside_collaborators')


def examples():
    found = []
    for document in DOCUMENTS:
        with open(os.path.join(REPO, document), encoding='utf-8') as handle:
            text = handle.read()
        for index, block in enumerate(re.findall(r'^ *```yaml\n(.*?)^ *```', text, re.S | re.M)):
            data = yaml.safe_load(textwrap.dedent(block))
            if isinstance(data, dict) and 'membership_orgs' in data:
                found.append(pytest.param(data['membership_orgs'], id='%s-%d' % (document, index)))
    return found


def access_examples():
    return [p for p in examples() if any(key in entry for entry in p.values[0] for key in ACCESS_KEYS)]


def test_the_readmes_show_issue_20s_keys():
    assert len(access_examples()) == 2  # the README's and the role README's


@pytest.mark.parametrize('orgs', examples())
def test_each_example_passes_the_validator(orgs):
    assert membership_problems(orgs) == []


@pytest.mark.parametrize('orgs', access_examples())
def test_each_access_example_plans_without_a_problem(orgs):
    [entry] = orgs
    roles = dict((r['role'], OrgRole(i, r['role'], 'Predefined', users={}, teams={}))
                 for i, r in enumerate(entry.get('organization_roles') or []))
    slugs = set(t for r in entry.get('organization_roles') or [] for t in r.get('teams') or [])
    slugs.update(t['team'] for t in entry.get('teams') or [])
    teams = dict((slug, TeamAccess(slug)) for slug in slugs)
    repositories = set(r for t in entry.get('teams') or [] for r in t.get('repositories') or {})
    repositories.update(r for p in entry.get('outside_collaborators') or [] for r in p['repositories'])
    members = ['octo-admin', 'alice', 'bob', 'carol']
    repositories.add('wiki')
    # Someone the exclusive outside collaborators remove: one grant, within the default max_removals.
    access = AccessState(entry['org'], roles, teams, {'former': Collaborator('former', {'wiki': Grant('wiki', 'pull')})},
                         dict((r, r) for r in repositories))
    plan = plan_access(access, entry, members=members, max_removals=entry.get('max_removals', '25%'))
    assert plan.problems == [] and plan.writes
    assert [w.action for w in plan.writes][-1] == 'remove' and plan.writes[-1].subject == 'former'  # revocations last
