"""The role's result collection at the size of a large organization: a generated github_org_roster
result of many teams, whose changes are interleaved across teams (as the plan lists them: by
kind, not by team), gives the same targets and report as the ones built here by hand, team by team.
Results only; nothing is timed."""

from __future__ import annotations

import pytest

from ansible_collections.gitops.github.plugins.plugin_utils._drift import (
    membership_drift_report,
    membership_roster_results,
)

TEAMS = 1200


def slug(i):
    # Mixed case in the changes, lower case in the result's teams: the lookup is case-insensitive.
    return 'team-%04d' % i


def roster_result(teams=TEAMS, refused=False):
    """One organization: every team gains ``add<i>``, loses ``gone<i>`` and promotes ``lead<i>``;
    every seventh team is renamed to ``new-<slug>``, team 3 is deleted, the org adds ``newbie``."""
    changes = [{'scope': 'org', 'team': None, 'action': 'add', 'login': 'newbie', 'role': 'member'}]
    changes += [{'scope': 'team', 'team': slug(i).upper(), 'action': 'add', 'login': 'add%d' % i, 'role': 'member'}
                for i in range(teams)]
    changes += [{'scope': 'team', 'team': slug(i), 'action': 'remove', 'login': 'gone%d' % i, 'role': None}
                for i in range(teams)]
    changes += [{'scope': 'team', 'team': slug(i), 'action': 'role', 'login': 'lead%d' % i, 'role': 'maintainer'}
                for i in range(teams)]
    changes += [{'scope': 'team_settings', 'team': slug(i), 'new_slug': 'new-' + slug(i), 'action': 'rename',
                 'settings': {'privacy': 'closed'}} for i in range(0, teams, 7)]
    changes += [{'scope': 'team_settings', 'team': 'old-3', 'action': 'delete', 'settings': {}}]
    diff = [{'scope': 'org', 'before': {'root': 'admin'}, 'after': {'root': 'admin', 'newbie': 'member (pending)'}}]
    sections = {}
    for i in range(teams):
        name = 'new-' + slug(i) if i % 7 == 0 else slug(i)
        diff.append({'scope': 'team', 'team': name,
                     'before': {'gone%d' % i: 'member', 'lead%d' % i: 'member (pending)'},
                     'after': {'add%d' % i: 'member', 'lead%d' % i: 'maintainer (pending)'}})
        sections[name] = {'pending': [], 'inherited': [], 'left_with_org': []}
    result = {'item': {'org': 'acme', 'owners': ['root'], 'members': ['newbie']}, 'changed': True,
              'org': {'pending': ['newbie']}, 'teams': sections, 'diff': diff}
    if refused:
        result.update(failed=True, msg='refused', changed=False, would_change=changes,
                      refused=[{'team': None, 'problem': 'too many org removals'}]
                      + [{'team': slug(i).upper(), 'problem': 'team %d refused' % i} for i in range(0, teams, 5)])
    else:
        result['changes'] = changes
    return result


def expected_team(i, refused=False):
    name = 'new-' + slug(i) if i % 7 == 0 else slug(i)
    definition = [{'action': 'rename', 'from': slug(i), 'settings': {'privacy': 'closed'}}] if i % 7 == 0 else []
    target = {'kind': 'team', 'org': 'acme', 'team': name, 'name': 'acme/' + name, 'changed': True,
              'added': [{'login': 'add%d' % i, 'role': 'member', 'pending': False}],
              'removed': [{'login': 'gone%d' % i, 'role': 'member', 'pending': False}],
              'role_changed': [{'login': 'lead%d' % i, 'from': 'member', 'to': 'maintainer', 'pending': True}],
              'definition': definition, 'pending': [], 'public': None, 'inherited': [], 'left_with_org': [],
              'expired': [], 'expiring': [], 'managed_externally': False, 'creator_left': None}
    if i % 7 == 0:
        # Changes of a renamed team are planned under its old slug, so the renamed target shows only its definition.
        target.update(added=[], removed=[], role_changed=[])
    if refused:
        own = ['team %d refused' % i] if i % 5 == 0 and i % 7 else []
        target.update(changed=False, refused=own, refused_plan=True, differs=True)
    return target


def expected_targets(teams=TEAMS, refused=False):
    deleted = {'kind': 'team', 'org': 'acme', 'team': 'old-3', 'name': 'acme/old-3', 'changed': True, 'added': [],
               'removed': [], 'role_changed': [], 'pending': [], 'public': None,
               'definition': [{'action': 'delete', 'from': 'old-3', 'settings': {}}]}
    org = {'kind': 'org', 'org': 'acme', 'team': None, 'name': 'acme', 'changed': True,
           'added': [{'login': 'newbie', 'role': 'member', 'pending': True}], 'removed': [], 'role_changed': [],
           'pending': ['newbie'], 'public': None, 'expired': [], 'expiring': [], 'renamed': [], 'not_reinvited': [],
           'not_retried': [], 'invitations_left': 0, 'problems': []}
    teams_sorted = sorted(range(teams), key=lambda i: 'new-' + slug(i) if i % 7 == 0 else slug(i))
    targets = [deleted, org] + [expected_team(i, refused) for i in teams_sorted]
    if refused:
        for target in (deleted, org):
            target.update(changed=False, refused_plan=True, differs=True, refused=[])
        org['refused'] = ['too many org removals']
        failure = {'kind': 'failure', 'org': 'acme', 'team': None, 'name': 'acme', 'changed': False, 'msg': 'refused',
                   'refused': [{'team': None, 'problem': 'too many org removals'}]
                   + [{'team': slug(i).upper(), 'problem': 'team %d refused' % i} for i in range(0, teams, 5)],
                   'added': [], 'removed': [], 'role_changed': [], 'pending': [], 'public': None}
        targets.insert(0, failure)
    return targets


def test_the_generator_matches_the_hand_built_targets_on_a_small_org():
    # Three teams: small enough to read, the same shapes as the large case below.
    assert membership_roster_results({'results': [roster_result(teams=3)]}) == expected_targets(teams=3)


@pytest.mark.parametrize('refused', [False, True], ids=['planned', 'refused by a guard'])
def test_many_teams_give_the_hand_built_targets_and_report(refused):
    targets = membership_roster_results({'results': [roster_result(refused=refused)]})
    expected = expected_targets(refused=refused)
    assert len(targets) == len(expected) and targets == expected
    report = membership_drift_report(targets)
    renamed = len(range(0, TEAMS, 7))
    plain = TEAMS - renamed  # renamed teams show only their definition
    assert report['drift'] is True
    assert report['summary']['targets'] == TEAMS + 2 and report['summary']['targets_with_drift'] == TEAMS + 2
    assert report['summary']['added'] == plain + 1 and report['summary']['removed'] == plain
    assert report['summary']['role_changed'] == plain
    assert report['summary']['refused'] == ((1 + len(range(0, TEAMS, 5))) if refused else 0)
    assert report == membership_drift_report(expected)
