"""github_team_members through real ansible-playbook runs against the simulator.

The base seed's acme/platform: maintainer alice, member bob; its child team platform-oncall has
carol (so GitHub shows carol on platform too); org owners octo-admin (the token) and erin.
"""

from __future__ import annotations

from ghsim import Fault

from harness import writes

T = '/orgs/acme/teams/platform/memberships/'


def team_task(name='team', **args):
    return {'name': name, 'gitops.github.github_team_members': dict({'org': 'acme', 'team': 'platform'}, **args)}


def warning_texts(result):
    out = []
    for item in result.get('warnings') or []:
        out.append(item if isinstance(item, str) else str(item))
    return out


def test_exclusive_check_apply_rerun_and_read_back(sim, play):
    # erin is an owner listed as member: added once, then reads back as maintainer and stays converged.
    task = team_task(maintainers=['alice', 'octo-admin'], members=['erin', 'new-hire'], exclusive=True, max_removals=1)

    checked = play(sim, [task], check=True, diff=True)
    assert checked.rc == 0, checked.output
    predicted = checked.task('team')
    assert predicted['changes'] == [
        {'action': 'add', 'login': 'octo-admin', 'role': 'maintainer'},
        {'action': 'add', 'login': 'erin', 'role': 'member'},
        {'action': 'add', 'login': 'new-hire', 'role': 'member'},
        {'action': 'remove', 'login': 'bob', 'role': None},
    ]
    assert predicted['inherited'] == ['carol'], 'a child-team member is never removed from the parent'
    assert predicted['pending'] == ['new-hire'], 'check mode knows new-hire is not an org member'
    assert writes(sim) == []

    applied = play(sim, [task])
    assert applied.rc == 0, applied.output
    result = applied.task('team')
    assert result['changes'] == predicted['changes']
    assert result['pending'] == predicted['pending']
    assert result['diff']['after'] == predicted['diff']['after']
    assert writes(sim) == [('PUT', T + 'octo-admin'), ('PUT', T + 'erin'), ('PUT', T + 'new-hire'), ('DELETE', T + 'bob')]
    assert sim.state.team_role('acme', 'platform', 'bob') is None
    assert sim.state.team_pending('acme', 'platform', 'new-hire') == 'member'
    assert sim.state.team_role('acme', 'platform-oncall', 'carol') == 'member'

    rerun = play(sim, [task])
    assert rerun.rc == 0, rerun.output
    again = rerun.task('team')
    assert again['changed'] is False, 'the owner erin reads back as maintainer but must not flap'
    assert any('erin is an owner of acme' in w for w in warning_texts(again))
    assert again['inherited'] == ['carol']
    assert len(writes(sim)) == 4

    info = play(sim, [{'name': 'info', 'gitops.github.github_team_membership_info': {'org': 'acme', 'team': 'platform'}}])
    got = info.task('info')
    assert got['members'] == [
        {'login': 'alice', 'role': 'maintainer', 'inherited': False},
        {'login': 'carol', 'role': 'member', 'inherited': True},
        {'login': 'erin', 'role': 'maintainer', 'inherited': False},
        {'login': 'octo-admin', 'role': 'maintainer', 'inherited': False},
    ]
    assert [p['login'] for p in got['pending']] == ['new-hire']


def test_non_exclusive_role_changes_by_team_id(sim, play):
    task = {'name': 'team', 'gitops.github.github_team_members': {
        'org': 'acme', 'team_id': 7001, 'maintainers': ['Bob'], 'members': ['alice']}}
    run = play(sim, [task])
    assert run.rc == 0, run.output
    assert run.task('team')['changes'] == [{'action': 'role', 'login': 'bob', 'role': 'maintainer'},
                                           {'action': 'role', 'login': 'alice', 'role': 'member'}]
    base = '/organizations/9001/team/7001/memberships/'
    assert writes(sim) == [('PUT', base + 'bob'), ('PUT', base + 'alice')]
    assert sim.state.team_role('acme', 'platform', 'alice') == 'member'
    assert play(sim, [task]).task('team')['changed'] is False


def test_max_removals(sim, play):
    run = play(sim, [team_task(maintainers=[], members=[], exclusive=True)])
    assert run.rc != 0
    # alice, bob and carol are shown; carol is inherited, so 2 would go; 25% of 3 allows 1 (a percentage
    # never forbids removing one person).
    assert 'Refusing to remove 2 of the 3 members and invitations of team platform in acme: max_removals=25% allows 1' \
        in run.task('team')['msg']
    assert writes(sim) == []


def test_failure_midway_and_rerun(sim, play):
    task = team_task(maintainers=['alice', 'dave'], members=['bob', 'frank', 'erin'])
    sim.inject(Fault('status', count=1, method='PUT', path='/memberships/frank$', status=500))
    run = play(sim, [task])
    assert run.rc != 0
    failed = run.task('team')
    assert failed['added'] == ['dave', 'erin'], 'maintainers first, then members in order'
    assert failed['msg'].startswith('add frank to team platform in acme as member')
    rerun = play(sim, [task])
    assert rerun.rc == 0, rerun.output
    assert rerun.task('team')['added'] == ['frank']
    assert [w for w in writes(sim) if w[1].endswith('/frank')] == [('PUT', T + 'frank')] * 2
    assert len(writes(sim)) == 4


def test_idp_synced_team(sim, play):
    """Team synchronization: a bare 403, confirmed through the team's IdP group mappings."""
    run = play(sim, [{'name': 'team', 'gitops.github.github_team_members': {'org': 'acme', 'team': 'sso-synced', 'members': ['bob', 'carol']}}])
    assert run.rc != 0
    result = run.task('team')
    assert 'managed by your identity provider through the IdP group sso-synced-idp-group' in result['msg']
    assert result['managed_externally'] is True
    assert result['skipped_writes'] == ['add bob to team sso-synced in acme as member', 'add carol to team sso-synced in acme as member']
    assert result['added'] == []
    assert len(writes(sim)) == 1, 'the remaining writes of a managed team are skipped'


def test_external_group_team_with_githubs_real_text(sim_factory, seed, play):
    """Enterprise Managed Users: GitHub's real 403 text (terraform-provider-github#2079) and the external group."""
    seed['orgs'][0]['teams'].append({'slug': 'emu-admins', 'name': 'EMU admins', 'id': 7009,
                                     'external_group': 'Octocat admins', 'idp': 'Okta', 'members': ['alice']})
    sim = sim_factory(seed)
    run = play(sim, [team_task(team='emu-admins', members=['alice', 'bob'])])
    assert run.rc != 0
    result = run.task('team')
    assert 'managed by your identity provider (Okta) through the IdP group Octocat admins' in result['msg']
    assert 'You cannot create or update members for an external group backed team' in result['msg']
    assert result['skipped_writes'] == ['add bob to team emu-admins in acme as member']


def test_direct_member_also_in_a_child_team_is_removed_from_the_parent_only(sim, play):
    """Issue 11: bob is a direct member of platform and also in its child team platform-oncall.
    REST shows him on platform either way; GraphQL's immediate members say he is direct, so an
    exclusive list without him removes his direct membership (he stays through the child), and
    the rerun reports him as inherited without a write."""
    sim.state.set_team_member(sim.state.team('acme', 'platform-oncall'), 'bob', 'member')
    task = team_task(maintainers=['alice'], exclusive=True, max_removals=1)

    checked = play(sim, [task], check=True)
    assert checked.rc == 0, checked.output
    assert checked.task('team')['changes'] == [{'action': 'remove', 'login': 'bob', 'role': None}]
    assert checked.task('team')['inherited'] == ['carol']
    assert writes(sim) == []

    applied = play(sim, [task])
    assert applied.rc == 0, applied.output
    assert applied.task('team')['removed'] == ['bob']
    assert writes(sim) == [('DELETE', T + 'bob')]
    assert sim.state.team_members('acme', 'platform') == {'alice': 'maintainer'}
    assert sim.state.team_members('acme', 'platform-oncall') == {'bob': 'member', 'carol': 'member'}

    again = play(sim, [task])
    assert again.rc == 0, again.output
    assert again.task('team')['changed'] is False
    assert again.task('team')['inherited'] == ['bob', 'carol']
    assert not any('bob' in w for w in warning_texts(again.task('team')))
    assert writes(sim) == [('DELETE', T + 'bob')]
