"""github_org_membership through real ansible-playbook runs against the simulator."""

from __future__ import annotations

from harness import OWNER_TOKEN, writes


def member_task(name='membership', **args):
    return {'name': name, 'gitops.github.github_org_membership': dict({'org': 'acme'}, **args)}


def test_invite_check_apply_rerun_absent_absent_again(sim, play):
    task = member_task(username='new-hire', role='member')

    checked = play(sim, [task], check=True, diff=True)
    assert checked.rc == 0, checked.output
    assert checked.task('membership')['changed'] is True
    assert checked.task('membership')['membership'] == {'login': 'new-hire', 'state': 'pending', 'role': 'member'}
    assert writes(sim) == [], 'check mode must not write'
    assert '"state": "pending"' in checked.stdout, 'the --diff output shows the invitation to come'

    applied = play(sim, [task])
    assert applied.rc == 0, applied.output
    assert applied.task('membership')['changed'] is True
    assert applied.task('membership')['membership']['state'] == 'pending'
    assert sim.state.org_invitation('acme', 'new-hire') is not None
    assert writes(sim) == [('PUT', '/orgs/acme/memberships/new-hire')]

    rerun = play(sim, [task])
    assert rerun.task('membership')['changed'] is False, 'a pending invitation must count as present'
    assert len(writes(sim)) == 1, 'no second invitation'

    removed = play(sim, [member_task(username='new-hire', state='absent')])
    assert removed.task('membership')['changed'] is True
    assert sim.state.org_invitation('acme', 'new-hire') is None, 'DELETE cancels the invitation'

    again = play(sim, [member_task(username='new-hire', state='absent')])
    assert again.task('membership')['changed'] is False
    assert writes(sim)[-1] == ('DELETE', '/orgs/acme/memberships/new-hire')
    assert len(writes(sim)) == 2


def test_existing_pending_invitation_is_converged(sim, play):
    run = play(sim, [member_task(username='dave', role='member')])
    assert run.task('membership')['changed'] is False
    assert run.task('membership')['membership'] == {'login': 'dave', 'state': 'pending', 'role': 'member'}
    assert writes(sim) == []


def test_role_change_and_check_mode_idempotence(sim, play):
    promote = member_task(username='bob', role='admin')
    checked = play(sim, [promote], check=True)
    assert checked.task('membership')['changed'] is True
    assert sim.state.org_role('acme', 'bob') == 'member'

    run = play(sim, [promote])
    assert run.task('membership')['changed'] is True
    assert sim.state.org_role('acme', 'bob') == 'admin'

    checked_again = play(sim, [promote], check=True)
    assert checked_again.task('membership')['changed'] is False


def test_role_omitted_keeps_an_admin_an_admin(sim, play):
    run = play(sim, [member_task(username='erin')])
    assert run.task('membership')['changed'] is False
    assert run.task('membership')['membership']['role'] == 'admin'
    assert sim.state.org_role('acme', 'erin') == 'admin'


def test_case_insensitive_login_reports_github_spelling(sim, play):
    run = play(sim, [member_task(username='mixed-case', role='member')])
    assert run.task('membership')['changed'] is False
    assert run.task('membership')['membership']['login'] == 'Mixed-Case'


def test_self_protection(sim, play):
    run = play(sim, [member_task(username='octo-admin', state='absent')])
    assert run.rc != 0
    assert 'allow_self' in run.task('membership')['msg']
    assert sim.state.org_role('acme', 'octo-admin') == 'admin'
    assert writes(sim) == []


def test_removal_takes_user_off_teams_too(sim, play):
    run = play(sim, [member_task(username='bob', state='absent')])
    assert run.task('membership')['changed'] is True
    assert sim.state.org_role('acme', 'bob') is None
    assert sim.state.team_role('acme', 'platform', 'bob') is None


def test_ghes_adds_members_directly(sim_factory, seed, play):
    ghes = sim_factory(seed, ghes=True)
    assert ghes.api_url.endswith('/api/v3')
    run = play(ghes, [member_task(username='new-hire')])
    assert run.rc == 0, run.output
    assert run.task('membership')['membership']['state'] == 'active'
    assert ghes.state.org_role('acme', 'new-hire') == 'member'
    rerun = play(ghes, [member_task(username='new-hire')])
    assert rerun.task('membership')['changed'] is False


def test_bad_token_is_a_clean_401(sim, play):
    run = play(sim, [member_task(username='bob')], token='not-a-real-token')
    assert run.rc != 0
    result = run.task('membership')
    assert 'HTTP 401' in result['msg'] and 'Bad credentials' in result['msg']
    assert 'Traceback' not in run.stdout + run.stderr


def test_missing_org_is_reported_as_such(sim, play):
    run = play(sim, [{'name': 'membership', 'gitops.github.github_org_membership': {'org': 'no-such-org', 'username': 'bob'}}])
    assert run.rc != 0
    assert 'Organization no-such-org was not found' in run.task('membership')['msg']


def test_missing_token_fails_before_any_request(sim, play):
    run = play(sim, [member_task(username='bob')], token=None)
    assert run.rc != 0
    assert 'No GitHub credentials' in run.task('membership')['msg']
    assert sim.log == []


def test_token_from_module_defaults_and_gh_token_env(sim, play):
    via_defaults = play(sim, [member_task(username='bob')], token=None, module_defaults={'token': OWNER_TOKEN})
    assert via_defaults.rc == 0, via_defaults.output
    via_gh_token = play(sim, [member_task(username='bob')], token=None, extra_env={'GH_TOKEN': OWNER_TOKEN})
    assert via_gh_token.rc == 0, via_gh_token.output


def test_check_mode_reports_a_login_no_user_has_as_a_problem_not_a_change(sim, play):
    checked = play(sim, [member_task(username='no-such-user')], check=True)
    assert checked.rc == 0, checked.output
    result = checked.task('membership')
    assert result['changed'] is False
    assert result['impossible'] == [{'login': 'no-such-user', 'problem': 'no GitHub user has the login no-such-user'}]
    assert result['membership'] == {'login': 'no-such-user', 'state': 'absent', 'role': None}
    assert 'cannot add no-such-user: no GitHub user has the login no-such-user' in checked.output
    assert writes(sim) == []
    assert ('GET', '/users/no-such-user') in [(e.method, e.path) for e in sim.log]
    # A user who exists is looked up too, and reported as the change it is.
    known = play(sim, [member_task(username='new-hire')], check=True).task('membership')
    assert known['changed'] is True and known['impossible'] == []
