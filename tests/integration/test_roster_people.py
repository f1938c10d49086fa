"""Person entries of github_org_roster through real ansible-playbook runs on the simulator:
time-bound access (``expires``), renamed users (``id``), failed invitations sent again,
``max_invitations``, and invitations by e-mail.

The base seed's acme: owners octo-admin (the token) and erin; members alice, bob, carol,
Mixed-Case; a pending invitation for dave; teams platform (alice maintainer, bob member),
platform-oncall (child of platform: carol) and sso-synced (IdP synchronized).
"""

from __future__ import annotations

import datetime
import json

from harness import writes

EVERYONE = ['alice', 'bob', 'carol', 'Mixed-Case', 'dave']


def day(offset):
    """A date ``offset`` days from today (UTC), as a file would write it."""
    return (datetime.datetime.now(datetime.timezone.utc).date() + datetime.timedelta(days=offset)).isoformat()


def roster_task(name='roster', **args):
    return {'name': name, 'gitops.github.github_org_roster': dict({'org': 'acme'}, **args)}


def test_expired_access_is_removed_in_an_exclusive_org_and_expiring_access_is_reported(sim, play):
    members = ['alice', {'login': 'bob', 'expires': day(-1)}, {'login': 'carol', 'expires': day(5)}, 'Mixed-Case',
               'dave']
    task = roster_task(owners=['octo-admin', 'erin'], members=members, exclusive=True, max_removals=1,
                       teams=[{'team': 'platform', 'maintainers': ['alice'], 'members': ['bob']}])
    checked = play(sim, [task], check=True)
    assert checked.rc == 0, checked.output
    predicted = checked.task('roster')
    assert predicted['changes'] == [{'scope': 'org', 'team': None, 'action': 'remove', 'login': 'bob', 'role': None}]
    assert writes(sim) == []
    assert predicted['org']['expired'] == [{'login': 'bob', 'expires': day(-1)}]
    assert [e['login'] for e in predicted['org']['expiring']] == ['carol']
    assert predicted['org']['expiring'][0]['days_left'] in (5, 4)  # through the end of that day, UTC
    # bob's team entry expired with his organization membership; the org removal takes him out.
    assert predicted['teams']['platform']['expired'] == [{'login': 'bob', 'expires': day(-1)}]
    assert predicted['teams']['platform']['left_with_org'] == []

    applied = play(sim, [task])
    assert applied.rc == 0, applied.output
    assert applied.task('roster')['changes'] == predicted['changes']
    assert writes(sim) == [('DELETE', '/orgs/acme/memberships/bob')]
    assert sim.state.org_role('acme', 'bob') is None

    rerun = play(sim, [task]).task('roster')
    assert rerun['changed'] is False


def test_expired_access_in_a_scope_that_is_not_exclusive_is_reported_not_removed(sim, play):
    task = roster_task(teams=[{'team': 'platform', 'maintainers': ['alice'],
                               'members': [{'login': 'bob', 'expires': day(-3) + 'T12:00:00Z'}]}])
    run = play(sim, [task])
    assert run.rc == 0, run.output
    result = run.task('roster')
    assert result['changed'] is False and writes(sim) == []
    section = result['teams']['platform']
    assert section['expired'] == [{'login': 'bob', 'expires': day(-3) + 'T12:00:00Z'}]
    assert any('access of bob expired' in p and 'not exclusive' in p for p in section['problems'])
    assert 'access of bob expired' in run.output  # a warning a person sees

    exclusive = roster_task(teams=[{'team': 'platform', 'maintainers': ['alice'], 'exclusive': True, 'max_removals': 1,
                                    'members': [{'login': 'bob', 'expires': day(-3) + 'T12:00:00Z'}]}])
    applied = play(sim, [exclusive])
    assert applied.rc == 0, applied.output
    assert writes(sim) == [('DELETE', '/orgs/acme/teams/platform/memberships/bob')]


def test_expiry_removals_go_through_the_removal_guard(sim, play):
    members = [{'login': m, 'expires': day(-1)} for m in ['alice', 'bob', 'carol']] + ['Mixed-Case', 'dave']
    run = play(sim, [roster_task(owners=['octo-admin', 'erin'], members=members, exclusive=True, max_removals=2)])
    assert run.rc != 0
    assert 'Refusing to remove 3 of the 7 members and invitations of acme: max_removals=2' in run.task('roster')['msg']
    assert writes(sim) == []


def test_bad_person_entries_fail_before_any_request(sim, play):
    task = roster_task(members=[{'login': 'bob', 'expires': '2026-13-01'}, {'login': 'carol', 'expires': 'soon'},
                                {'login': 'alice', 'id': 'x1'}, {'email': 'not-an-address'}, {'id': 5},
                                {'login': 'erin', 'expires': '2026-01-01T10:00:00'}, {'login': 'dave', 'role': 'x'}])
    run = play(sim, [task])
    assert run.rc != 0
    msg = run.task('roster')['msg']
    assert 'members[0] (bob).expires is not a real date or time' in msg
    assert "members[1] (carol).expires must be an ISO 8601 date" in msg
    assert "members[2] (alice).id must be GitHub's numeric user id" in msg
    assert "members[3] (not-an-address).email must be an e-mail address, got 'not-an-address'" in msg
    assert 'members[4] needs login or email' in msg
    assert 'members[5] (erin).expires must be an ISO 8601 date (2026-12-31) or a timestamp with its offset' in msg
    assert 'members[6] (dave): unknown key(s) role' in msg
    assert sim.log == []


def test_a_renamed_user_is_neither_removed_nor_reinvited(sim, play):
    bob_id = sim.state.user('bob').id
    task = roster_task(owners=['octo-admin', 'erin'],
                       members=['alice', {'login': 'bob', 'id': bob_id}, 'carol', 'Mixed-Case', 'dave'],
                       exclusive=True,
                       teams=[{'team': 'platform', 'maintainers': ['alice'], 'members': ['bob'], 'exclusive': True}])
    sim.state.rename_user('bob', 'robert')
    checked = play(sim, [task], check=True)
    assert checked.rc == 0, checked.output
    result = checked.task('roster')
    assert result['changes'] == [] and result['changed'] is False
    assert result['org']['renamed'] == [{'id': bob_id, 'from': 'bob', 'to': 'robert'}]
    assert 'login changed from bob to robert' in checked.output

    applied = play(sim, [task])
    assert applied.rc == 0, applied.output
    assert applied.task('roster')['changed'] is False
    assert writes(sim) == []
    assert sim.state.org_role('acme', 'robert') == 'member'
    assert sim.state.team_role('acme', 'platform', 'robert') == 'member'

    # Without the id the same file removes robert and invites bob: that is what the id prevents.
    without = roster_task(owners=['octo-admin', 'erin'], members=['alice', 'bob', 'carol', 'Mixed-Case', 'dave'],
                          exclusive=True)
    naive = play(sim, [without], check=True).task('roster')
    # (bob is no user any more, so check mode's lookup reports adding him as impossible, not as a change.)
    assert {(c['action'], c['login']) for c in naive['changes']} == {('remove', 'robert')}
    assert [p['login'] for p in naive['impossible']] == ['bob']


def test_a_failed_invitation_is_sent_again_and_reported_as_a_reinvitation(sim, play):
    failed_id = sim.state.expire_invitation('acme', 'dave').id
    task = roster_task(owners=['octo-admin', 'erin'], members=EVERYONE)
    checked = play(sim, [task], check=True).task('roster')
    assert checked['changes'] == [{'scope': 'org', 'team': None, 'action': 'add', 'login': 'dave', 'role': 'member'}]
    assert checked['org']['reinvited'] == ['dave']
    assert checked['org']['failed_invitations'] == ['dave']

    off = play(sim, [roster_task(owners=['octo-admin', 'erin'], members=EVERYONE, reinvite_failed=False)])
    assert off.rc == 0, off.output
    left = off.task('roster')
    assert left['changed'] is False and left['org']['not_reinvited'] == ['dave']
    assert writes(sim) == []

    applied = play(sim, [task])
    assert applied.rc == 0, applied.output
    result = applied.task('roster')
    assert result['org']['reinvited'] == ['dave'] and result['org']['added'] == ['dave']
    # The failed record is deleted first (kubernetes-sigs/prow #712), then the invitation sent again.
    assert writes(sim) == [('DELETE', '/orgs/acme/invitations/%d' % failed_id), ('PUT', '/orgs/acme/memberships/dave')]
    assert sim.state.snapshot()['orgs'][0]['failed_invitations'] == []
    assert sim.state.org_invitation('acme', 'dave') is not None
    assert play(sim, [task]).task('roster')['changed'] is False


def test_max_invitations_stops_before_the_rest_and_says_how_many_are_left(sim, play):
    task = roster_task(owners=['octo-admin', 'erin'], members=EVERYONE + ['new-hire', 'frank', 'zoe'], max_invitations=1,
                       teams=[{'team': 'platform', 'maintainers': ['alice'], 'members': ['bob', 'frank']}])
    sim.state.ensure_user('zoe')
    checked = play(sim, [task], check=True)
    assert checked.rc == 0, checked.output
    result = checked.task('roster')
    # frank's team addition rides on his invitation (no second one); new-hire and zoe wait.
    assert result['changes'] == [{'scope': 'org', 'team': None, 'action': 'add', 'login': 'frank', 'role': 'member'},
                                 {'scope': 'team', 'team': 'platform', 'action': 'add', 'login': 'frank',
                                  'role': 'member'}]
    assert result['org']['invitations_left'] == 2
    assert ('max_invitations=1 in 24 hours reached (0 sent in the last 24 hours): 2 invitation(s) left for the next '
            'run') in checked.output

    first = play(sim, [task]).task('roster')
    assert first['changes'] == result['changes']
    assert writes(sim) == [('PUT', '/orgs/acme/memberships/frank'), ('PUT', '/orgs/acme/teams/platform/memberships/frank')]
    assert len(sim.state.snapshot()['orgs'][0]['invitations']) == 2  # dave's and frank's
    # frank's invitation counts for 24 hours: the limit is per day, not per run.
    second = play(sim, [task])
    assert second.task('roster')['changes'] == []
    assert second.task('roster')['org']['invitations_left'] == 2
    assert 'max_invitations=1 in 24 hours reached (1 sent in the last 24 hours)' in second.output


def test_an_invitation_by_email_is_sent_kept_while_pending_and_cancelled_when_unlisted(sim, play):
    listed = roster_task(owners=['octo-admin', 'erin'], members=EVERYONE + [{'email': 'pat@example.com'}],
                         exclusive=True)
    checked = play(sim, [listed], check=True).task('roster')
    assert checked['changes'] == [{'scope': 'org', 'team': None, 'action': 'add', 'login': 'pat@example.com',
                                   'role': 'member'}]
    applied = play(sim, [listed])
    assert applied.rc == 0, applied.output
    assert writes(sim) == [('POST', '/orgs/acme/invitations')]
    invitation = [e for e in sim.log if e.method == 'POST' and e.path == '/orgs/acme/invitations'][0]
    assert json.loads(invitation.request_body) == {'email': 'pat@example.com', 'role': 'direct_member'}
    assert applied.task('roster')['org']['pending'] == ['dave', 'pat@example.com']

    again = play(sim, [listed]).task('roster')
    assert again['changed'] is False, again['changes']

    unlisted = roster_task(owners=['octo-admin', 'erin'], members=EVERYONE, exclusive=True)
    removed = play(sim, [unlisted])
    assert removed.rc == 0, removed.output
    assert [i for i in sim.state.snapshot()['orgs'][0]['invitations'] if i.get('email')] == []
    assert writes(sim)[-1][0] == 'DELETE' and writes(sim)[-1][1].startswith('/orgs/acme/invitations/')
    assert removed.task('roster')['org']['removed'] == ['pat@example.com']


# ---------------------------------------------------------------------------------------------
# issue 18: nothing the file keeps is deleted (people)


def stamp(hours_ago):
    """A GitHub timestamp ``hours_ago`` hours before now (UTC)."""
    moment = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=hours_ago)
    return moment.strftime('%Y-%m-%dT%H:%M:%SZ')


def test_an_id_of_another_current_member_fails_naming_both_and_removes_nobody(sim, play):
    bob_id = sim.state.user('bob').id
    task = roster_task(owners=['octo-admin', 'erin'], exclusive=True,
                       members=[{'login': 'alice', 'id': bob_id}, 'bob', 'carol', 'Mixed-Case', 'dave'])
    run = play(sim, [task])
    assert run.rc != 0
    msg = run.task('roster')['msg']
    assert 'alice' in msg and 'bob' in msg and str(bob_id) in msg
    assert 'is not a rename' in msg
    assert writes(sim) == []
    assert sim.state.org_role('acme', 'alice') == 'member'


def test_two_entries_with_the_same_id_fail_before_any_request(sim, play):
    task = roster_task(members=[{'login': 'alice', 'id': 4242}, {'login': 'bob', 'id': 4242}])
    run = play(sim, [task])
    assert run.rc != 0
    assert 'id 4242 is given to both alice and bob' in run.task('roster')['msg']
    assert sim.log == []


def test_a_renamed_pending_invitee_is_resolved_by_id_not_reinvited_under_the_old_login(sim, play):
    dave_id = sim.state.user('dave').id
    task = roster_task(owners=['octo-admin', 'erin'], exclusive=True,
                       members=['alice', 'bob', 'carol', 'Mixed-Case', {'login': 'dave', 'id': dave_id}])
    sim.state.rename_user('dave', 'david')
    sim.state.ensure_user('dave')  # someone else claims the old login
    checked = play(sim, [task], check=True)
    assert checked.rc == 0, checked.output
    result = checked.task('roster')
    assert result['changes'] == []
    assert result['org']['renamed'] == [{'id': dave_id, 'from': 'dave', 'to': 'david'}]
    assert ('GET', '/user/%d' % dave_id) in [(e.method, e.path) for e in sim.log]

    applied = play(sim, [task])
    assert applied.rc == 0, applied.output
    assert applied.task('roster')['changed'] is False
    assert writes(sim) == []
    assert sim.state.org_invitation('acme', 'david') is not None
    assert sim.state.org_invitation('acme', 'dave') is None


def test_someone_who_left_and_was_renamed_is_invited_under_the_login_their_id_has_now(sim, play):
    sim.state.ensure_user('zoe')
    zoe_id = sim.state.user('zoe').id
    sim.state.rename_user('zoe', 'zoe-new')
    sim.state.ensure_user('zoe')  # the old login belongs to someone else now
    run = play(sim, [roster_task(members=[{'login': 'zoe', 'id': zoe_id}])])
    assert run.rc == 0, run.output
    assert writes(sim) == [('PUT', '/orgs/acme/memberships/zoe-new')]
    assert run.task('roster')['org']['renamed'] == [{'id': zoe_id, 'from': 'zoe', 'to': 'zoe-new'}]


def test_duplicate_identifiers_in_any_case_fail_before_any_request(sim, play):
    task = roster_task(
        owners=['octo-admin', {'login': 'erin', 'email': 'Erin@Example.com'}],
        members=['bob', {'login': 'BOB', 'id': 1003}, {'email': 'Pat@Example.com'}, {'email': 'pat@example.COM'},
                 {'email': 'erin@example.com'}],
        teams=[{'team': 'platform', 'maintainers': [{'login': 'octo-admin', 'id': 77}],
                'members': [{'login': 'erin', 'id': 77}]}])
    run = play(sim, [task])
    assert run.rc != 0
    msg = run.task('roster')['msg']
    assert 'bob and BOB are the same user (members[0] and members[1] (BOB); logins are case-insensitive)' in msg
    assert 'Pat@Example.com and pat@example.COM are the same user (members[2] (Pat@Example.com) and members[3]' in msg
    assert 'e-mail address erin@example.com is claimed twice (erin and erin@example.com)' in msg
    assert 'teams[0] (platform): id 77 is given to both octo-admin and erin' in msg
    assert sim.log == []


def test_an_accepted_email_invitation_is_neither_sent_again_nor_its_member_removed(sim, play):
    listed = roster_task(owners=['octo-admin', 'erin'], members=EVERYONE + [{'email': 'pat@example.com'}],
                         exclusive=True)
    assert play(sim, [listed]).rc == 0
    assert writes(sim) == [('POST', '/orgs/acme/invitations')]
    sim.state.accept_email_invitation('acme', 'pat@example.com', 'pat')
    assert sim.state.org_role('acme', 'pat') == 'member'

    again = play(sim, [listed])
    assert again.rc != 0
    msg = again.task('roster')['msg']
    assert 'pat@example.com has neither a pending nor a failed invitation' in msg
    assert 'list their login' in msg and 'pat' in msg
    assert writes(sim) == [('POST', '/orgs/acme/invitations')]
    assert sim.state.org_role('acme', 'pat') == 'member'

    fixed = play(sim, [roster_task(owners=['octo-admin', 'erin'], members=EVERYONE + ['pat'], exclusive=True)])
    assert fixed.rc == 0, fixed.output
    assert fixed.task('roster')['changed'] is False


def test_an_accepted_email_address_in_a_plan_removing_nobody_is_reported_and_the_other_writes_go_on(sim, play):
    # Red team, issue 18: such an entry was invited again, GitHub's 422 failed the task on every run
    # and blocked the writes after it. GitHub's answer is quoted in rest-api-description#4109.
    listed = roster_task(owners=['octo-admin', 'erin'], members=EVERYONE + [{'email': 'pat@example.com'}],
                         exclusive=True)
    assert play(sim, [listed]).rc == 0
    sim.state.accept_email_invitation('acme', 'pat@example.com', 'pat')
    sim.state.ensure_user('quinn')  # planned after the address (writes go in login order)
    sim.clear_log()
    task = roster_task(owners=['octo-admin', 'erin'], members=EVERYONE + ['pat', {'email': 'pat@example.com'}, 'quinn'],
                       exclusive=True)
    for attempt in range(2):
        run = play(sim, [task])
        assert run.rc == 0, run.output
        result = run.task('roster')
        assert result['org']['already_members'] == ['pat@example.com']
        assert any('pat@example.com: GitHub answered that a user with this address is already a part of acme' in p
                   for p in result['org']['problems'])
        assert 'list their login instead of the address' in run.output
        assert result['changed'] is (attempt == 0)
    # The address was tried on each run and refused; quinn's invitation, planned after it, was made.
    assert writes(sim) == [('POST', '/orgs/acme/invitations'), ('PUT', '/orgs/acme/memberships/quinn'),
                           ('POST', '/orgs/acme/invitations')]
    assert sim.state.org_role('acme', 'pat') == 'member'


def test_failed_invitations_are_sent_again_only_when_a_retry_can_fix_them(seed, sim_factory, play):
    seed['orgs'][0]['failed_invitations'] = [
        {'id': 61001, 'login': 'frank', 'failed_reason': 'expired', 'failed_at': '2026-01-08T00:00:00Z'},
        {'id': 61002, 'login': 'new-hire', 'failed_reason': 'no_more_seats', 'failed_at': '2026-01-08T00:00:00Z'},
        {'id': 61003, 'email': 'gone@example.com', 'failed_reason': 'trade_controls'},
    ]
    sim = sim_factory(seed)
    task = roster_task(members=['frank', 'new-hire', {'email': 'gone@example.com'}])
    checked = play(sim, [task], check=True)
    assert checked.rc == 0, checked.output
    result = checked.task('roster')
    assert [(c['action'], c['login']) for c in result['changes']] == [('add', 'frank')]
    assert result['org']['reinvited'] == ['frank']
    assert result['org']['not_retried'] == [
        {'login': 'gone@example.com', 'reason': 'trade_controls', 'failed_at': '2024-01-01T00:00:00Z'},
        {'login': 'new-hire', 'reason': 'no_more_seats', 'failed_at': '2026-01-08T00:00:00Z'}]
    assert 'the invitation of new-hire failed (no_more_seats' in checked.output

    applied = play(sim, [task])
    assert applied.rc == 0, applied.output
    # The failed record goes first: it would block the new invitation (kubernetes-sigs/prow #712).
    assert writes(sim) == [('DELETE', '/orgs/acme/invitations/61001'), ('PUT', '/orgs/acme/memberships/frank')]
    failed = [i['id'] for i in sim.state.snapshot()['orgs'][0]['failed_invitations']]
    assert failed == [61002, 61003]
    rerun = play(sim, [task])
    assert rerun.task('roster')['changed'] is False
    assert len(writes(sim)) == 2


def test_max_invitations_counts_the_invitations_sent_in_the_last_24_hours(seed, sim_factory, play):
    seed['orgs'][0]['invitations'] = [{'login': 'dave', 'created_at': stamp(1)},
                                      {'login': 'zoe', 'created_at': stamp(30)}]
    sim = sim_factory(seed)
    task = roster_task(members=EVERYONE + ['zoe', 'new-hire', 'frank'], max_invitations=2)
    run = play(sim, [task])
    assert run.rc == 0, run.output
    result = run.task('roster')
    assert [c['login'] for c in result['changes']] == ['frank']
    assert result['org']['invitations_left'] == 1
    assert 'max_invitations=2 in 24 hours reached (1 sent in the last 24 hours)' in run.output
    assert writes(sim) == [('PUT', '/orgs/acme/memberships/frank')]


def test_over_invitation_rate_limit_mid_run_defers_the_rest_and_makes_the_other_writes(seed, sim_factory, play):
    seed['orgs'][0]['invitation_limit'] = 1
    sim = sim_factory(seed)
    task = roster_task(members=EVERYONE + ['new-hire', 'frank'],
                       teams=[{'team': 'platform', 'maintainers': ['alice', 'bob']}])
    run = play(sim, [task])
    assert run.rc == 0, run.output
    result = run.task('roster')
    assert writes(sim) == [('PUT', '/orgs/acme/memberships/frank'), ('PUT', '/orgs/acme/memberships/new-hire'),
                           ('PUT', '/orgs/acme/teams/platform/memberships/bob')]
    assert [(c['scope'], c['login']) for c in result['changes']] == [('org', 'frank'), ('team', 'bob')]
    assert [d['login'] for d in result['org']['deferred']] == ['new-hire']
    assert result['org']['invitations_left'] == 1
    assert 'Over invitation rate limit' in run.output
    assert sim.state.team_role('acme', 'platform', 'bob') == 'maintainer'

    rerun = play(sim, [task])
    assert rerun.rc == 0, rerun.output
    assert [d['login'] for d in rerun.task('roster')['org']['deferred']] == ['new-hire']
