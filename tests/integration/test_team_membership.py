"""github_team_membership, github_public_membership and github_user_membership through real
ansible-playbook runs against the simulator: every trap the older tools fall into."""

from __future__ import annotations

from harness import writes


def team_task(name='team', **args):
    return {'name': name, 'gitops.github.github_team_membership': dict({'org': 'acme', 'team': 'platform'}, **args)}


def test_add_check_apply_rerun_absent_absent_again(sim, play):
    add = team_task(username='erin', role='maintainer', team='platform-oncall')
    checked = play(sim, [add], check=True)
    assert checked.task('team')['changed'] is True
    assert checked.task('team')['membership'] == {'login': 'erin', 'state': 'active', 'role': 'maintainer'}
    assert writes(sim) == []

    applied = play(sim, [add])
    assert applied.task('team')['changed'] is True
    assert sim.state.team_role('acme', 'platform-oncall', 'erin') == 'maintainer'
    assert play(sim, [add]).task('team')['changed'] is False
    assert play(sim, [add], check=True).task('team')['changed'] is False

    remove = team_task(username='erin', team='platform-oncall', state='absent')
    assert play(sim, [remove]).task('team')['changed'] is True
    assert sim.state.team_role('acme', 'platform-oncall', 'erin') is None
    assert play(sim, [remove]).task('team')['changed'] is False
    assert writes(sim) == [('PUT', '/orgs/acme/teams/platform-oncall/memberships/erin'),
                           ('DELETE', '/orgs/acme/teams/platform-oncall/memberships/erin')]


def test_role_change_and_role_omitted_keeps_role(sim, play):
    assert play(sim, [team_task(username='alice')]).task('team')['membership']['role'] == 'maintainer'
    run = play(sim, [team_task(username='bob', role='maintainer')])
    assert run.task('team')['changed'] is True
    assert sim.state.team_role('acme', 'platform', 'bob') == 'maintainer'


def test_owner_asked_as_member_converges_with_warning_and_no_put(sim, play):
    # octo-admin is an org owner and not on the team yet.
    first = play(sim, [team_task(username='octo-admin', role='member')])
    assert first.rc == 0, first.output
    # The membership is created once (it did not exist) ...
    assert writes(sim) == [('PUT', '/orgs/acme/teams/platform/memberships/octo-admin')]
    # ... and from then on GitHub reads it back as maintainer, which must not flap.
    for _dummy in range(2):
        run = play(sim, [team_task(username='octo-admin', role='member')])
        assert run.task('team')['changed'] is False
        assert any('owner' in w for w in run.task('team').get('warnings', [])), run.task('team')
    assert len(writes(sim)) == 1


def test_member_only_through_child_team_is_reported_not_flapped(sim, play):
    # carol is in platform-oncall, a child of platform: GitHub shows her on platform too.
    for _dummy in range(2):
        run = play(sim, [team_task(username='carol', state='absent')])
        assert run.rc == 0, run.output
        result = run.task('team')
        assert result['changed'] is False
        assert result['inherited_from'] == 'platform-oncall'
        assert any('child team platform-oncall' in w for w in result.get('warnings', []))
    assert writes(sim) == []
    assert sim.state.team_role('acme', 'platform-oncall', 'carol') == 'member'


def test_non_member_is_invited_pending_and_converged(sim, play):
    task = team_task(username='new-hire', role='member')
    checked = play(sim, [task], check=True)
    assert checked.task('team')['membership']['state'] == 'pending'
    run = play(sim, [task])
    assert run.task('team')['membership']['state'] == 'pending'
    assert sim.state.team_pending('acme', 'platform', 'new-hire') == 'member'
    assert sim.state.org_invitation('acme', 'new-hire') is not None
    assert play(sim, [task]).task('team')['changed'] is False
    assert len(writes(sim)) == 1


def test_idp_synced_team_fails_saying_so(sim, play):
    run = play(sim, [team_task(team='sso-synced', username='bob')])
    assert run.rc != 0
    msg = run.task('team')['msg']
    assert 'identity provider through the IdP group sso-synced-idp-group' in msg and 'HTTP 403' in msg
    assert run.task('team')['managed_externally'] is True


def test_organization_as_user_fails_with_githubs_message(sim, play):
    run = play(sim, [team_task(username='other-org')])
    assert run.rc != 0
    msg = run.task('team')['msg']
    assert 'HTTP 422' in msg and 'Cannot add an organization as a member.' in msg


def test_missing_team_is_reported_as_missing_not_as_absent_user(sim, play):
    run = play(sim, [team_task(team='no-such-team', username='bob', state='absent')])
    assert run.rc != 0
    assert 'Team no-such-team in acme was not found' in run.task('team')['msg']


def test_team_id_route(sim, play):
    task = {'name': 'team', 'gitops.github.github_team_membership': {'org': 'acme', 'team_id': 7001, 'username': 'erin'}}
    run = play(sim, [task])
    assert run.rc == 0, run.output
    assert run.task('team')['changed'] is True
    assert sim.state.team_role('acme', 'platform', 'erin') == 'member'
    assert writes(sim) == [('PUT', '/organizations/9001/team/7001/memberships/erin')]
    assert play(sim, [task]).task('team')['changed'] is False


def test_team_and_team_id_are_exclusive_and_checked_before_requests(sim, play):
    run = play(sim, [{'name': 'team', 'gitops.github.github_team_membership': {
        'org': 'acme', 'team': 'platform', 'team_id': 7001, 'username': 'bob'}}])
    assert run.rc != 0 and 'mutually exclusive' in run.task('team')['msg']
    bad = play(sim, [team_task(team='plat form', username='bob')])
    assert bad.rc != 0 and 'not a valid team slug' in bad.task('team')['msg']
    assert sim.log == []


def test_ghes_team_membership(sim_factory, seed, play):
    ghes = sim_factory(seed, ghes=True)
    run = play(ghes, [team_task(username='new-hire')])
    assert run.rc == 0, run.output
    assert run.task('team')['membership']['state'] == 'active'
    assert play(ghes, [team_task(username='new-hire')]).task('team')['changed'] is False


def test_public_membership_self_only(sim, play):
    pub = {'name': 'pub', 'gitops.github.github_public_membership': {'org': 'acme'}}
    run = play(sim, [pub], token='sim-token-alice', check=True)
    assert run.task('pub')['changed'] is True and run.task('pub')['public'] is True
    assert writes(sim) == []
    run = play(sim, [pub], token='sim-token-alice')
    assert run.task('pub')['changed'] is True
    assert sim.state.is_public('acme', 'alice')
    assert play(sim, [pub], token='sim-token-alice').task('pub')['changed'] is False
    put = [e for e in sim.log if e.method == 'PUT']
    assert len(put) == 1 and put[0].request_body in (b'', None) and put[0].request_headers.get('content-length') == '0'

    other = {'name': 'pub', 'gitops.github.github_public_membership': {'org': 'acme', 'username': 'bob'}}
    refused = play(sim, [other], token='sim-token-alice')
    assert refused.rc != 0 and 'only lets users change their own' in refused.task('pub')['msg']
    assert len(writes(sim)) == 1

    conceal = {'name': 'pub', 'gitops.github.github_public_membership': {'org': 'acme', 'state': 'absent'}}
    assert play(sim, [conceal], token='sim-token-alice').task('pub')['changed'] is True
    assert not sim.state.is_public('acme', 'alice')


def test_public_membership_needs_active_membership(sim, play):
    pub = {'name': 'pub', 'gitops.github.github_public_membership': {'org': 'acme'}}
    run = play(sim, [pub], token='sim-token-dave')
    assert run.rc != 0
    assert 'pending' in run.task('pub')['msg'] and 'accept the invitation first' in run.task('pub')['msg']
    assert writes(sim) == []


def test_user_membership_without_invitation_fails_clearly(sim, play):
    run = play(sim, [{'name': 'accept', 'gitops.github.github_user_membership': {'org': 'acme'}}], token='sim-token-new-hire')
    assert run.rc != 0
    assert 'no membership of, and no invitation to, acme' in run.task('accept')['msg']


def test_end_to_end_invite_accept_publicize(sim, play):
    owner_tasks = [
        {'name': 'org', 'gitops.github.github_org_membership': {'org': 'acme', 'username': 'new-hire'}},
        {'name': 'team', 'gitops.github.github_team_membership': {
            'org': 'acme', 'team': 'platform', 'username': 'new-hire', 'role': 'maintainer'}},
    ]
    invited = play(sim, owner_tasks)
    assert invited.rc == 0, invited.output
    assert invited.task('org')['membership']['state'] == 'pending'
    assert invited.task('team')['membership'] == {'login': 'new-hire', 'state': 'pending', 'role': 'maintainer'}

    user_tasks = [
        {'name': 'accept', 'gitops.github.github_user_membership': {'org': 'acme', 'state': 'active'}},
        {'name': 'pub', 'gitops.github.github_public_membership': {'org': 'acme'}},
    ]
    accepted = play(sim, user_tasks, token='sim-token-new-hire')
    assert accepted.rc == 0, accepted.output
    assert accepted.task('accept')['changed'] is True
    assert accepted.task('accept')['membership'] == {'org': 'acme', 'state': 'active', 'role': 'member'}
    assert accepted.task('pub')['public'] is True

    after = play(sim, owner_tasks)
    assert after.task('org')['membership']['state'] == 'active'
    assert after.task('team')['membership'] == {'login': 'new-hire', 'state': 'active', 'role': 'maintainer'}
    assert sim.state.team_role('acme', 'platform', 'new-hire') == 'maintainer'

    count = len(writes(sim))
    assert after.changed_tasks == []
    assert play(sim, user_tasks, token='sim-token-new-hire').changed_tasks == []
    assert len(writes(sim)) == count


def test_direct_member_also_in_a_child_team_is_removed_without_a_false_warning(sim, play):
    """Issue 11: bob is a direct member of platform and in its child team too. state=absent removes
    the direct membership (GraphQL says it is one); then he is inherited only, reported, not removed."""
    sim.state.set_team_member(sim.state.team('acme', 'platform-oncall'), 'bob', 'member')
    task = team_task(username='bob', state='absent')

    checked = play(sim, [task], check=True)
    assert checked.rc == 0, checked.output
    assert checked.task('team')['changed'] is True
    assert 'inherited_from' not in checked.task('team')
    assert not checked.task('team').get('warnings')

    applied = play(sim, [task])
    assert applied.rc == 0, applied.output
    assert applied.task('team')['changed'] is True
    assert writes(sim) == [('DELETE', '/orgs/acme/teams/platform/memberships/bob')]
    assert sim.state.team_members('acme', 'platform') == {'alice': 'maintainer'}

    again = play(sim, [task])
    assert again.task('team')['changed'] is False
    assert again.task('team')['inherited_from'] == 'platform-oncall'
    assert writes(sim) == [('DELETE', '/orgs/acme/teams/platform/memberships/bob')]
