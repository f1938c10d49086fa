"""github_org_roster through real ansible-playbook runs against the simulator (REST and GraphQL).

The base seed's acme: owners octo-admin (the token) and erin; members alice, bob, carol,
Mixed-Case; a pending invitation for dave; teams platform (alice maintainer, bob member),
platform-oncall (child of platform: carol) and sso-synced (alice; IdP synchronized).
"""

from __future__ import annotations

from harness import writes


def roster_task(name='roster', **args):
    return {'name': name, 'gitops.github.github_org_roster': dict({'org': 'acme'}, **args)}


def test_direct_and_inherited_member_is_removed_from_the_parent_only(sim, play):
    """bob is a direct member of platform and also in its child team: an exclusive platform
    without bob removes his direct membership; he stays in platform through the child team."""
    sim.state.set_team_member(sim.state.team('acme', 'platform-oncall'), 'bob', 'member')
    task = roster_task(teams=[{'team': 'platform', 'maintainers': ['alice'], 'exclusive': True, 'max_removals': 1}])

    checked = play(sim, [task], check=True)
    assert checked.rc == 0, checked.output
    predicted = checked.task('roster')
    assert predicted['changed'] is True
    assert predicted['changes'] == [{'scope': 'team', 'team': 'platform', 'action': 'remove', 'login': 'bob',
                                     'role': None}]
    assert writes(sim) == []
    assert 'warning' not in checked.stdout.lower()

    applied = play(sim, [task])
    assert applied.rc == 0, applied.output
    result = applied.task('roster')
    assert result['changes'] == predicted['changes']
    assert writes(sim) == [('DELETE', '/orgs/acme/teams/platform/memberships/bob')]
    assert result['teams']['platform']['removed'] == ['bob']
    assert sim.state.team_members('acme', 'platform') == {'alice': 'maintainer'}
    assert sim.state.team_members('acme', 'platform-oncall') == {'bob': 'member', 'carol': 'member'}

    again = play(sim, [task])
    assert again.rc == 0, again.output
    rerun = again.task('roster')
    assert rerun['changed'] is False and rerun['changes'] == []
    assert rerun['teams']['platform']['inherited'] == ['bob', 'carol']
    assert writes(sim) == [('DELETE', '/orgs/acme/teams/platform/memberships/bob')]


def test_org_removal_that_empties_a_team_check_mode_equals_apply(sim, play):
    """carol leaves the org and is the only member of platform-oncall, whose max_removals is 0:
    check mode and apply agree, one DELETE, nobody counted twice."""
    task = roster_task(owners=['octo-admin', 'erin'], members=['alice', 'bob', 'Mixed-Case', 'dave'],
                       exclusive=True, max_removals=1,
                       teams=[{'team': 'platform', 'maintainers': ['alice'], 'members': ['bob'], 'exclusive': True},
                              {'team': 'platform-oncall', 'exclusive': True, 'max_removals': 0}])
    checked = play(sim, [task], check=True, diff=True)
    assert checked.rc == 0, checked.output
    predicted = checked.task('roster')
    assert predicted['changes'] == [{'scope': 'org', 'team': None, 'action': 'remove', 'login': 'carol', 'role': None}]
    assert predicted['teams']['platform-oncall']['left_with_org'] == ['carol']
    assert predicted['teams']['platform-oncall']['removed'] == []
    assert writes(sim) == []
    assert '"carol": "member"' in checked.stdout  # the diff shows her before, in the org and the team

    applied = play(sim, [task], diff=True)
    assert applied.rc == 0, applied.output
    result = applied.task('roster')
    assert result['changes'] == predicted['changes']
    assert result['diff'] == predicted['diff']
    assert writes(sim) == [('DELETE', '/orgs/acme/memberships/carol')]
    assert result['org']['removed'] == ['carol']
    assert sim.state.team_members('acme', 'platform-oncall') == {}

    rerun = play(sim, [task]).task('roster')
    assert rerun['changed'] is False


def test_whole_org_check_mode_equals_apply_then_idempotent(sim, play):
    task = roster_task(owners=['octo-admin', 'erin', 'alice'],
                       members=['bob', 'carol', 'Mixed-Case', 'dave', 'new-hire'],
                       exclusive=True,
                       teams=[{'team': 'platform', 'maintainers': ['alice'], 'members': ['carol', 'new-hire'],
                               'exclusive': True, 'max_removals': 1},
                              {'team': 'sso-synced', 'members': ['bob'], 'managed_externally': True}])
    checked = play(sim, [task], check=True)
    assert checked.rc == 0, checked.output
    predicted = checked.task('roster')
    assert writes(sim) == []
    assert predicted['changes'] == [
        {'scope': 'org', 'team': None, 'action': 'role', 'login': 'alice', 'role': 'admin'},
        {'scope': 'org', 'team': None, 'action': 'add', 'login': 'new-hire', 'role': 'member'},
        {'scope': 'team', 'team': 'platform', 'action': 'add', 'login': 'carol', 'role': 'member'},
        {'scope': 'team', 'team': 'platform', 'action': 'add', 'login': 'new-hire', 'role': 'member'},
        {'scope': 'team', 'team': 'platform', 'action': 'remove', 'login': 'bob', 'role': None},
    ]
    assert 'managed externally: not adding bob as member' in ' '.join(predicted['teams']['sso-synced']['problems'])

    applied = play(sim, [task])
    assert applied.rc == 0, applied.output
    result = applied.task('roster')
    assert result['changes'] == predicted['changes']
    assert [w[1] for w in writes(sim)] == [
        '/orgs/acme/memberships/alice', '/orgs/acme/memberships/new-hire',
        '/orgs/acme/teams/platform/memberships/carol', '/orgs/acme/teams/platform/memberships/new-hire',
        '/orgs/acme/teams/platform/memberships/bob']
    assert result['teams']['platform']['pending'] == ['new-hire']
    assert sim.state.team_members('acme', 'sso-synced') == {'alice': 'member'}, 'managed externally: never written'

    sim.clear_log()
    rerun = play(sim, [task]).task('roster')
    assert rerun['changed'] is False, rerun['changes']
    assert writes(sim) == []
    graphql = [e for e in sim.log if e.path == '/graphql']
    assert len(graphql) == 1 == rerun['graphql_queries']
    # members by role (2), invitations, failed invitations, platform's invitations, one GraphQL query,
    # the enterprise teams (GET /orgs/acme/teams?team_type=enterprise): 7 reads, and one membership
    # read for the team role of the pending invitee (dave)
    assert rerun['api_requests'] == 8, [(e.method, e.path) for e in sim.log]


def test_guards_fail_before_any_write(sim, play):
    too_many = roster_task(owners=['octo-admin'], members=[], exclusive=True, max_removals=2)
    run = play(sim, [too_many])
    assert run.rc != 0
    result = run.task('roster')
    assert 'Refusing to remove 6 of the 7 members and invitations of acme: max_removals=2 allows 2' in result['msg']
    assert writes(sim) == []

    demote_all = roster_task(owners=[], members=['octo-admin', 'erin', 'alice', 'bob', 'carol', 'Mixed-Case', 'dave'],
                             allow_self=True)
    result = play(sim, [demote_all]).task('roster')
    assert 'acme would be left with 0 active owner(s), fewer than min_owners=1' in result['msg']
    assert writes(sim) == []

    self_removal = roster_task(teams=[{'team': 'platform', 'maintainers': ['alice'], 'exclusive': True}])
    sim.state.set_team_member(sim.state.team('acme', 'platform'), 'octo-admin', 'maintainer')
    result = play(sim, [self_removal]).task('roster')
    assert 'Refusing to remove octo-admin, the user this token belongs to, in team platform in acme' in result['msg']
    assert writes(sim) == []


def test_bad_input_fails_before_any_request(sim, play):
    task = roster_task(owners=[123, 'ok'], members=['Ok'], min_owners=-1,
                       teams=[{'team': 'platform', 'members': ['zed'], 'exclusive': 'maybe'}])
    run = play(sim, [task])
    assert run.rc != 0
    msg = run.task('roster')['msg']
    assert 'exclusive' in msg  # Ansible's boolean rules refuse "maybe"
    assert sim.log == []
    task = roster_task(owners=[123, 'ok'], members=['Ok'], min_owners=-1, teams=[{'team': 'platform', 'members': ['zed']}])
    msg = play(sim, [task]).task('roster')['msg']
    assert 'owners[0] must be a string, got the number 123: quote it' in msg
    assert 'Ok is listed both as owner (owners[1]) and as member (members[0]); a user has one role' in msg
    assert 'min_owners must be a whole number of 0 or more' in msg
    assert 'teams[0] (platform).members[0]: zed is not among the owners or members' in msg
    assert sim.log == []


def test_failure_midway_reports_what_was_done(sim, play):
    from ghsim import Fault
    sim.inject(Fault('status', status=422, method='PUT', path='/teams/platform/memberships/carol',
                     message='Validation Failed'))
    task = roster_task(owners=['octo-admin', 'erin', 'alice'], members=['bob', 'carol', 'Mixed-Case', 'dave'],
                       teams=[{'team': 'platform', 'maintainers': ['alice'], 'members': ['bob', 'carol']}])
    run = play(sim, [task])
    assert run.rc != 0
    result = run.task('roster')
    assert result['changes'] == [{'scope': 'org', 'team': None, 'action': 'role', 'login': 'alice', 'role': 'admin'}]
    assert result['failed_change']['login'] == 'carol'
    assert 'add carol to team platform in acme as member' in result['msg'] and '422' in result['msg']
    assert result['changed'] is True
    rerun = play(sim, [task]).task('roster')
    assert rerun['changes'] == [{'scope': 'team', 'team': 'platform', 'action': 'add', 'login': 'carol',
                                 'role': 'member'}]


def test_public_membership_and_ghes(sim_factory, seed, play):
    sim = sim_factory(seed)
    task = roster_task(public_membership=False)
    result = play(sim, [task]).task('roster')
    assert result['changes'] == [{'scope': 'public', 'team': None, 'action': 'remove', 'login': None, 'role': None}]
    assert sim.state.is_public('acme', 'octo-admin') is False
    assert play(sim, [task]).task('roster')['changed'] is False

    for org in seed['orgs']:
        org.pop('invitations', None)
    ghes = sim_factory(seed, ghes=True)
    task = roster_task(teams=[{'team': 'platform', 'maintainers': ['alice'], 'members': ['bob', 'new-hire']}])
    result = play(ghes, [task]).task('roster')
    assert result['changes'] == [{'scope': 'team', 'team': 'platform', 'action': 'add', 'login': 'new-hire',
                                  'role': 'member'}]
    assert [e.path for e in ghes.log if e.method == 'POST'] == ['/api/graphql']
    assert ghes.state.org_role('acme', 'new-hire') == 'member'


def test_check_mode_leaves_out_additions_github_would_refuse(sim, play):
    """Check mode looks up only the people it would bring into the org (one GET /users each):
    an unknown login is reported in ``impossible``, not promised as a change."""
    task = roster_task(members=['alice', 'bob', 'no-such-user'],
                       teams=[{'team': 'platform', 'members': ['bob', 'no-such-user']}])
    checked = play(sim, [task], check=True)
    assert checked.rc == 0, checked.output
    result = checked.task('roster')
    assert [p['login'] for p in result['impossible']] == ['no-such-user']
    assert result['changes'] == [] and result['changed'] is False
    assert [e.path for e in sim.log if e.path.startswith('/users/')] == ['/users/no-such-user']
    assert writes(sim) == []
