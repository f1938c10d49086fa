"""The membership filters: data checks, module calls, drift report and export, table-driven."""

from __future__ import annotations

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.gitops.github.plugins.filter.membership import (
    FilterModule,
    membership_drift_markdown,
    membership_drift_report,
    membership_export,
    membership_normalize,
    membership_problems,
    membership_results,
)


def org(**changes):
    data = {'org': 'acme', 'owners': ['octo'], 'members': ['alice', 'bob'],
            'teams': [{'team': 'platform', 'maintainers': ['alice'], 'members': ['bob']}]}
    data.update(changes)
    return data


def team(**changes):
    data = {'team': 'platform', 'maintainers': ['alice'], 'members': ['bob']}
    data.update(changes)
    return data


@pytest.mark.parametrize('orgs, problems', [
    ([org()], []),
    ([], []),
    ([{'org': 'acme', 'teams': [team(members=['bob', 'stranger'])]}], []),  # org membership not managed
    ('acme', ['membership_orgs must be a list of organizations, got str']),
    (['acme'], ["membership_orgs[0] must be a mapping with an org key, got a str 'acme'"]),
    ([{'owners': ['octo']}], ["membership_orgs[0]: org is required (the organization's login)"]),
    ([{'org': False}], ['membership_orgs[0]: org must be a string, got the boolean False: quote it in the YAML '
                        '(YAML reads 0123 as the number 83 and yes/no/on/off as booleans)']),
    ([org(), org(org='ACME')], ['organization ACME is listed twice (as acme and ACME); merge the two entries']),
    ([org(members=['alice', 'bob', 'octo'])], ['acme: octo is listed both as owner (owners[0]) and as member (members[2]); a user has one role']),
    ([org(members=['alice', 'bob', 'Alice'])],
     ['acme: alice and Alice are the same user (members[0] and members[2]; logins are case-insensitive); list them once']),
    ([org(members=['alice', 'bob', 'bob'])], ['acme: bob is listed twice (members[1] and members[2])']),
    ([org(members='alice', teams=[])], ["acme: members must be a list of logins or person mappings, got a str 'alice'"]),
    ([org(members=['alice', 'bob', '-bad'])],
     ["acme: members[2] '-bad' is not a valid GitHub login: use letters, digits and single hyphens, "
      'not starting or ending with a hyphen']),
    ([org(owners=[], exclusive=True)],
     ['acme: exclusive is true but no owners are listed: applying it would remove every owner']),
    ([org(max_removals='many')],
     ["acme: max_removals must be a number of users (like 10) or a percentage (like \"25%\"), got 'many'"]),
    ([org(teams=[team(), team(team='Platform')])],
     ['acme: teams[1].team: Platform is listed twice (teams[0] and teams[1]; slugs are case-insensitive)']),
    ([org(teams=[team(team='a/b')])],
     ['acme: teams[0].team \'a/b\' is not a valid team slug: use the slug from the team URL '
      '(letters, digits, "-", "_" and ".")']),
    ([org(teams=[team(members=['alice'])])],
     ['acme: alice is listed both as maintainer (teams[0] (platform).maintainers[0]) and as member '
      '(teams[0] (platform).members[0]); a user has one role']),
    ([org(teams=[team(members=['bob', 'carol'])])],
     ["acme: teams[0] (platform).members[1]: carol is not among the owners or members: add them to "
      "the organization's members, or the team would invite them to the organization"]),
    ([org(teams=[team(members=['BOB'])])],
     ['acme: teams[0] (platform).members[0]: BOB is spelled bob in members[1]; spell a login the same way everywhere']),
    ([org(teams=[team(max_removals='200%')])],
     ["acme: teams[0] (platform).max_removals must be between 0 and 100%, got '200%'"]),
])
def test_problems(orgs, problems):
    assert membership_problems(orgs) == problems


def test_normalize_builds_one_call_per_org_and_team():
    plan = membership_normalize([
        org(exclusive=True, max_removals=2, public_membership=True, allow_self=True,
            teams=[team(exclusive=True, max_removals='10%'), team(team='ops', maintainers=[], members=None)]),
        {'org': 'other', 'teams': [{'team': 'devs', 'members': ['x']}]},
    ])
    assert plan['orgs'] == [{'org': 'acme', 'exclusive': True, 'allow_self': True, 'max_removals': 2, 'min_owners': 1,
                             'members': [{'username': 'octo', 'role': 'admin'}, {'username': 'alice', 'role': 'member'},
                                         {'username': 'bob', 'role': 'member'}]}]
    assert plan['teams'] == [
        {'org': 'acme', 'team': 'platform', 'maintainers': ['alice'], 'members': ['bob'], 'exclusive': True,
         'allow_self': True, 'managed_externally': False, 'max_removals': '10%'},
        {'org': 'acme', 'team': 'ops', 'maintainers': [], 'members': [], 'exclusive': False, 'allow_self': True,
         'managed_externally': False},
        {'org': 'other', 'team': 'devs', 'maintainers': [], 'members': ['x'], 'exclusive': False, 'allow_self': False,
         'managed_externally': False},
    ]
    assert plan['public'] == [{'org': 'acme', 'public': True}]


def test_normalize_refuses_invalid_data():
    with pytest.raises(AnsibleFilterError, match=r'listed both as owner \(owners\[0\]\) and as member'):
        membership_normalize([org(members=['octo'])])


ORG_RESULT = {
    'item': {'org': 'acme'}, 'changed': True,
    'changes': [{'action': 'add', 'login': 'new-hire', 'role': 'member'},
                {'action': 'role', 'login': 'Alice', 'role': 'admin'},
                {'action': 'remove', 'login': 'leaver', 'role': None},
                {'action': 'remove', 'login': 'dave', 'role': None}],
    'pending': ['new-hire'],
    'diff': {'before': {'Alice': 'member', 'leaver': 'member', 'dave': 'admin (pending)'},
             'after': {'Alice': 'admin', 'new-hire': 'member (pending)'}},
}
TEAM_RESULT = {
    'item': {'org': 'acme', 'team': 'platform'}, 'changed': False, 'changes': [], 'pending': [],
    'inherited': ['carol'], 'diff': {'before': {'bob': 'member'}, 'after': {'bob': 'member'}},
}
PUBLIC_RESULT = {'item': {'org': 'acme', 'public': True}, 'changed': True, 'login': 'octo', 'public': True,
                 'diff': {'before': {'login': 'octo', 'public': False}, 'after': {'login': 'octo', 'public': True}}}


def test_results_and_report():
    results = membership_results([{'results': [ORG_RESULT]}, {'results': [TEAM_RESULT, {'skipped': True}]},
                                  {'results': [PUBLIC_RESULT]}])
    org_target, team_target, public_target = results
    assert org_target == {
        'kind': 'org', 'org': 'acme', 'team': None, 'name': 'acme', 'changed': True, 'public': None, 'problems': [],
        'added': [{'login': 'new-hire', 'role': 'member', 'pending': True}],
        'removed': [{'login': 'leaver', 'role': 'member', 'pending': False},
                    {'login': 'dave', 'role': 'admin', 'pending': True}],
        'role_changed': [{'login': 'Alice', 'from': 'member', 'to': 'admin', 'pending': False}],
        'pending': ['new-hire'],
    }
    assert team_target['name'] == 'acme/platform' and team_target['inherited'] == ['carol']
    assert public_target['public'] == {'login': 'octo', 'from': False, 'to': True}

    report = membership_drift_report(results)
    assert report['drift'] is True
    assert report['summary'] == {'targets': 3, 'targets_with_drift': 2, 'added': 1, 'removed': 2,
                                 'role_changed': 1, 'public_changed': 1, 'pending': 1, 'problems': 0,
                                 'managed_externally': 0, 'reinvited': 0,
                                 'expired': 0, 'expiring': 0, 'renamed': 0, 'invitations_left': 0,
                                 'refused': 0, 'failures': 0}
    markdown = membership_drift_markdown(report)
    assert markdown.splitlines() == [
        '# GitHub membership drift',
        '',
        '**Drift found** in 2 of 3 places: 1 to add, 2 to remove, 1 role changes, 1 public membership changes.',
        '',
        '- Organization acme: 1 to add, 2 to remove, 1 role change(s)',
        '- acme (public membership of octo): public membership',
        '',
        '1 pending invitation(s) (not drift: waiting to be accepted).',
        '',
        '## Organization acme',
        '',
        '| change | user | detail |',
        '|---|---|---|',
        '| add | `new-hire` | as member (invitation, pending until accepted) |',
        '| change role | `Alice` | member → admin |',
        '| remove | `leaver` | was member |',
        '| remove | `dave` | cancel the pending invitation as admin |',
        '',
        'Pending invitations: `new-hire`',
        # The team without changes is counted, not listed.
        '',
        '## acme (public membership of octo)',
        '',
        '| change | user | detail |',
        '|---|---|---|',
        '| publicize | `octo` | membership becomes public |',
    ]


def test_report_without_drift():
    report = membership_drift_report(membership_results([{'results': [TEAM_RESULT]}, [], []]))
    assert report['drift'] is False
    assert '**No drift**: GitHub matches the membership data (1 places checked).' in membership_drift_markdown(report)


def test_results_needs_three_lists():
    with pytest.raises(AnsibleFilterError):
        membership_results([[]])


def test_export_round_trips_through_the_checks():
    org_info = {'results': [{
        'item': 'acme',
        'members': [{'login': 'octo', 'role': 'admin'}, {'login': 'Bob', 'role': 'member'},
                    {'login': 'alice', 'role': 'member'}],
        'invitations': [
            {'login': 'dave', 'role': 'member', 'failed': False},
            {'login': 'erin', 'role': 'admin', 'failed': False},
            {'login': 'eve', 'role': 'member', 'failed': True},
            {'login': None, 'email': 'someone@example.com', 'role': 'member', 'failed': False},
            {'login': 'bill', 'role': 'billing_manager', 'failed': False},
        ],
    }]}
    team_info = {'results': [
        {'item': [{'org': 'acme', 'teams': ['platform', 'ops']}, 'platform'],
         'members': [{'login': 'octo', 'role': 'maintainer', 'inherited': False},
                     {'login': 'Bob', 'role': 'member', 'inherited': False},
                     {'login': 'carol', 'role': 'member', 'inherited': True}],
         'pending': [{'login': 'dave'}, {'login': None, 'email': 'someone@example.com'}]},
        {'item': {'org': 'acme', 'team': 'Ops'}, 'members': [], 'pending': []},
    ]}
    exported = membership_export(org_info, team_info)
    assert exported == [{
        'org': 'acme', 'exclusive': True, 'owners': ['erin', 'octo'], 'members': ['alice', 'Bob', 'dave'],
        'teams': [
            {'team': 'Ops', 'exclusive': True, 'maintainers': [], 'members': []},
            {'team': 'platform', 'exclusive': True, 'maintainers': ['octo'], 'members': ['Bob', 'dave']},
        ],
    }]
    assert membership_problems(exported) == []
    assert membership_export(org_info, team_info, exclusive=False)[0]['exclusive'] is False


def test_filter_names():
    assert sorted(FilterModule().filters()) == [
        'membership_drift_markdown', 'membership_drift_report', 'membership_export', 'membership_export_roster',
        'membership_normalize', 'membership_problems', 'membership_results', 'membership_roster_results']


@pytest.mark.parametrize('value,expected', [(True, True), ('yes', True), ('on', True), (1, True), (False, False),
                                            ('no', False), ('false', False), (0, False), (None, False)])
def test_managed_externally_follows_ansible_boolean_rules(value, expected):
    plan = membership_normalize([{'org': 'acme', 'teams': [{'team': 'eng', 'members': ['x'], 'managed_externally': value}]}])
    assert plan['teams'][0]['managed_externally'] is expected


@pytest.mark.parametrize('value', ['maybe', 'tru', [True], {'a': 1}, 2])
def test_managed_externally_that_is_not_a_boolean_is_refused(value):
    problems = membership_problems([{'org': 'acme', 'teams': [{'team': 'eng', 'managed_externally': value}]}])
    assert problems == ['acme: teams[0] (eng).managed_externally must be a boolean (true/false, yes/no), got %r' % (value,)]


def test_a_managed_team_is_reported_as_differing_never_as_changed():
    managed = {'item': {'org': 'acme', 'team': 'eng', 'managed_externally': True}, 'changed': True,
               'changes': [{'action': 'add', 'login': 'bob', 'role': 'member'}], 'pending': [],
               'diff': {'before': {}, 'after': {'bob': 'member'}}}
    same = dict(managed, changed=False, changes=[], item={'org': 'acme', 'team': 'ops', 'managed_externally': True})
    results = membership_results([{'results': []}, {'results': [managed, same]}, {'results': []}])
    assert [(t['changed'], t['managed_externally'], t['differs']) for t in results] == [(False, True, True),
                                                                                        (False, True, False)]
    report = membership_drift_report(results)
    assert report['drift'] is True
    assert report['summary']['targets_with_drift'] == 1 and report['summary']['added'] == 1
    assert report['summary']['managed_externally'] == 2
    markdown = membership_drift_markdown(report)
    assert 'Managed by the identity provider (`managed_externally`): read and reported, never written' in markdown
    assert '| add | `bob` | as member |' in markdown


def test_roster_results_count_an_org_removal_once():
    from ansible_collections.gitops.github.plugins.filter.membership import membership_roster_results
    result = {
        'item': {'org': 'acme', 'owners': ['root'], 'members': ['alice'], 'public_membership': True,
                 'teams': [{'team': 'docs'}]},
        'changed': True,
        'changes': [{'scope': 'org', 'team': None, 'action': 'add', 'login': 'alice', 'role': 'member'},
                    {'scope': 'org', 'team': None, 'action': 'remove', 'login': 'carol', 'role': None}],
        'org': {'pending': ['alice']},
        'teams': {'docs': {'pending': [], 'inherited': [], 'left_with_org': ['carol']}},
        'public': True,
        'diff': {'before': {'org': {'root': 'admin', 'carol': 'member'}, 'teams': {'docs': {'carol': 'member'}},
                            'public': True},
                 'after': {'org': {'root': 'admin', 'alice': 'member (pending)'}, 'teams': {'docs': {}}, 'public': True}},
    }
    org, docs, public = membership_roster_results({'results': [result]})
    assert org['added'] == [{'login': 'alice', 'role': 'member', 'pending': True}]
    assert org['removed'] == [{'login': 'carol', 'role': 'member', 'pending': False}]
    assert docs['changed'] is False and docs['removed'] == [] and docs['left_with_org'] == ['carol']
    assert public['changed'] is False and public['public']['to'] is True


def test_export_roster_builds_membership_orgs():
    from ansible_collections.gitops.github.plugins.filter.membership import membership_export_roster
    reads = {'results': [{'current': {'org': 'acme', 'owners': ['root'], 'members': ['bob'],
                                      'teams': [{'team': 't', 'maintainers': ['bob'], 'members': []}]}}]}
    assert membership_export_roster(reads, False) == [{
        'org': 'acme', 'exclusive': False, 'owners': ['root'], 'members': ['bob'],
        'teams': [{'team': 't', 'exclusive': False, 'maintainers': ['bob'], 'members': []}]}]


def target(kind, name, removed=(), added=(), role_changed=()):
    return {'kind': kind, 'name': name, 'changed': bool(removed or added or role_changed), 'public': None,
            'added': list(added), 'removed': list(removed), 'role_changed': list(role_changed), 'pending': []}


def gone(login, role='member', pending=False):
    return {'login': login, 'role': role, 'pending': pending}


def test_a_team_removal_that_goes_with_the_org_removal_is_counted_once():
    # The apply makes one write (DELETE of the org membership removes carol from every team), so
    # the drift report counts one removal, and the team that only loses carol is not a place of drift.
    results = [target('org', 'acme', removed=[gone('carol')]),
               target('team', 'acme/platform-oncall', removed=[gone('Carol')]),
               target('team', 'acme/platform', removed=[gone('carol'), gone('bob'), gone('dave', pending=True)]),
               target('team', 'other/platform', removed=[gone('carol')])]
    report = membership_drift_report(results)
    assert report['summary']['removed'] == 1 + 2 + 1  # carol once; bob and dave's invitation; another org's carol
    assert report['summary']['targets_with_drift'] == 3
    oncall = report['targets'][1]
    assert oncall['removed'] == [{'login': 'Carol', 'role': 'member', 'pending': False, 'with_org': True}]
    assert [e['with_org'] for e in report['targets'][2]['removed']] == [True, False, False]
    assert report['targets'][3]['removed'][0]['with_org'] is False
    assert results[1]['removed'][0] == gone('Carol')  # the input is not modified
    lines = membership_drift_markdown(report).splitlines()
    assert lines[2] == '**Drift found** in 3 of 4 places: 4 to remove.'
    assert '| remove | `carol` | was member (goes with the organization membership, no separate write) |' in lines
    # A team that only loses people with the organization is no place of drift: counted, not listed.
    assert '## Team acme/platform-oncall' not in lines and '## Team acme/platform' in lines


def test_the_drift_report_lists_failed_invitations_a_retry_cannot_fix():
    from ansible_collections.gitops.github.plugins.filter.membership import membership_roster_results
    result = {
        'item': {'org': 'acme', 'members': ['gina']}, 'changed': False, 'changes': [],
        'org': {'pending': [], 'not_retried': [{'login': 'gina', 'reason': 'no_more_seats',
                                                'failed_at': '2026-01-08T00:00:00Z'}], 'invitations_left': 2},
        'teams': {}, 'public': None,
        'diff': {'before': {'org': {}, 'teams': {}}, 'after': {'org': {}, 'teams': {}}},
    }
    results = membership_roster_results({'results': [result]})
    assert results[0]['not_retried'] == [{'login': 'gina', 'reason': 'no_more_seats', 'failed_at': '2026-01-08T00:00:00Z'}]
    markdown = membership_drift_markdown(membership_drift_report(results))
    assert 'Invitations that failed for a reason a retry cannot fix, not sent again: `gina` (no_more_seats)' in markdown
    assert '2 invitation(s) wait for a later run (max_invitations in 24 hours' in markdown
