"""Red-team round 18, confirmed with real ansible-playbook against the simulator (base seed of
tests/integration/harness.py: acme, owners octo-admin and erin, members alice, bob, carol ...)."""

from __future__ import annotations


def roster_task(name='roster', **args):
    return {'name': name, 'gitops.github.github_org_roster': dict({'org': 'acme'}, **args)}


def test_a_renamed_users_old_login_as_owner_beside_the_new_login_as_member_is_refused(sim, play):
    # bob renamed himself robert (id kept). The file lists the old login with the id among the
    # owners and the new login among the members: one person, two roles. Expected: refused before
    # any write, as listing robert twice is. Observed: robert is made an owner.
    bob_id = sim.state.user('bob').id
    sim.state.rename_user('bob', 'robert')
    task = roster_task(owners=['octo-admin', 'erin', {'login': 'bob', 'id': bob_id}],
                       members=['alice', 'robert', 'carol', 'Mixed-Case', 'dave'], exclusive=True)
    run = play(sim, [task])
    assert run.rc != 0, run.task('roster').get('changes')
    assert sim.state.org_role('acme', 'robert') == 'member'


def test_team_membership_check_mode_does_not_promise_to_add_a_login_no_one_has(sim, play):
    # Issue 18 item 10 made github_org_membership's check mode report a non-existent login;
    # github_team_members reports it too ("no GitHub user has the login ..."). The single team
    # module still answers changed: true in check mode, and apply then fails: check != apply.
    task = {'name': 'team', 'ignore_errors': True,
            'gitops.github.github_team_membership': {'org': 'acme', 'team': 'platform', 'username': 'no-such-user-zz'}}
    checked = play(sim, [task], check=True).task('team')
    # Check mode now looks the login up and promises nothing apply could not do. (Apply is not run
    # here: its PUT for a login no one has gets an answer GitHub's OpenAPI description does not list.)
    assert checked.get('changed') is False and not checked.get('failed'), checked
    assert checked['impossible'] == [{'login': 'no-such-user-zz', 'problem': 'no GitHub user has the login no-such-user-zz'}]
    assert checked['membership']['state'] == 'absent'
