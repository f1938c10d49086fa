"""The _info modules through real ansible-playbook runs: full pagination, roles, invitations,
inherited team members, the token owner's memberships, GHES; never a write."""

from __future__ import annotations

from ghsim import generate

from harness import writes


def info(module, name='info', **args):
    return {'name': name, 'gitops.github.' + module: args}


def test_org_info_with_invitations_failed_and_expired(sim_factory, seed, play):
    seed['orgs'][0]['failed_invitations'] = [{'login': 'frank', 'failed_reason': 'Invitation expired'}]
    sim = sim_factory(seed)
    run = play(sim, [
        info('github_org_membership_info', org='ACME', include_invitations=True),
        info('github_org_membership_info', name='owners', org='acme', role='admin'),
    ], check=True)
    assert run.rc == 0, run.output
    got = run.task('info')
    assert got['changed'] is False
    assert got['members'] == [
        {'login': 'alice', 'role': 'member'}, {'login': 'bob', 'role': 'member'}, {'login': 'carol', 'role': 'member'},
        {'login': 'erin', 'role': 'admin'}, {'login': 'Mixed-Case', 'role': 'member'}, {'login': 'octo-admin', 'role': 'admin'},
    ]
    assert [(i['login'], i['role'], i['failed'], i['expired']) for i in got['invitations']] == [
        ('dave', 'member', False, False), ('frank', 'member', True, True)]
    assert run.task('owners')['members'] == [{'login': 'erin', 'role': 'admin'}, {'login': 'octo-admin', 'role': 'admin'}]
    assert writes(sim) == []


def test_org_info_follows_every_page_of_a_big_org(sim_factory, play):
    sim = sim_factory(generate(org='bigorg', members=250, owners=3, invitations=2))
    run = play(sim, [info('github_org_membership_info', org='bigorg', include_invitations=True)],
               token='sim-token-bigorg-admin')
    got = run.task('info')
    assert len(got['members']) == 253
    assert sum(1 for x in got['members'] if x['role'] == 'admin') == 3
    assert len(got['invitations']) == 2
    # owners: 1 page; members: 3 pages; invitations and failed invitations: 1 page each
    assert got['api_requests'] == 6
    assert any('/organizations/' in e.path for e in sim.log), 'Link next URLs are followed verbatim'


def test_org_info_on_ghes_warns_that_there_are_no_invitations(sim_factory, seed, play):
    sim = sim_factory(seed, ghes=True)
    run = play(sim, [info('github_org_membership_info', org='acme', include_invitations=True)])
    assert run.rc == 0, run.output
    got = run.task('info')
    assert got['invitations'] == []
    assert 'no organization invitations API' in str(got.get('warnings'))
    assert len(got['members']) == 6


def test_team_info_marks_inherited_and_filters_roles(sim, play):
    run = play(sim, [
        info('github_team_membership_info', org='acme', team='platform'),
        info('github_team_membership_info', name='maintainers', org='acme', team_id=7001, role='maintainer'),
    ])
    assert run.rc == 0, run.output
    assert run.task('info')['members'] == [
        {'login': 'alice', 'role': 'maintainer', 'inherited': False},
        {'login': 'bob', 'role': 'member', 'inherited': False},
        {'login': 'carol', 'role': 'member', 'inherited': True},
    ]
    assert run.task('maintainers')['members'] == [{'login': 'alice', 'role': 'maintainer', 'inherited': False}]
    assert run.task('info')['pending'] == []


def test_team_info_shows_a_direct_member_also_in_a_child_team_as_direct(sim, play):
    # bob is a direct member of platform and also in its child team platform-oncall.
    sim.state.set_team_member(sim.state.team('acme', 'platform-oncall'), 'bob', 'member')
    run = play(sim, [info('github_team_membership_info', org='acme', team='platform')])
    assert run.rc == 0, run.output
    assert [(m['login'], m['inherited']) for m in run.task('info')['members']] == [
        ('alice', False), ('bob', False), ('carol', True)]


def test_user_info_lists_the_token_owners_memberships(sim, play):
    dave = play(sim, [info('github_user_membership_info')], token='sim-token-dave')
    assert dave.task('info')['memberships'] == [{'org': 'acme', 'state': 'pending', 'role': 'member'}]
    alice = play(sim, [info('github_user_membership_info', state='active')], token='sim-token-alice')
    assert alice.task('info')['memberships'] == [{'org': 'acme', 'state': 'active', 'role': 'member'}]
    none = play(sim, [info('github_user_membership_info', state='pending')], token='sim-token-alice')
    assert none.task('info')['memberships'] == []
