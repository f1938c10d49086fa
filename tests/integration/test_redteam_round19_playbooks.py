"""Red-team round 19, through real ansible-playbook against the simulator (base seed of
tests/integration/harness.py: acme, owners octo-admin and erin, members alice, bob, carol,
Mixed-Case, dave pending; teams platform > platform-oncall, sso-synced)."""

from __future__ import annotations

import json

import pytest
import yaml
from ghsim.server import Fault

from harness import OWNER_TOKEN, ansible_playbook, fake_token, writes
from hostile import Answer, HostileServer, org_routes

EVERYONE = ['alice', 'bob', 'carol', 'Mixed-Case', 'dave']


def roster_task(name='roster', **args):
    return {'name': name, 'gitops.github.github_org_roster': dict({'org': 'acme'}, **args)}


def drift(collections_path, tmp_path, sim, data, *args):
    path = tmp_path / 'membership.yml'
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    extra = {'membership_file': str(path), 'github_write_delay': 0, 'drift_report_json': str(tmp_path / 'd.json'),
             'drift_report_markdown': str(tmp_path / 'd.md')}
    vars_file = tmp_path / 'vars.json'
    vars_file.write_text(json.dumps(extra))
    return ansible_playbook(collections_path, ['gitops.github.drift', '-e', '@%s' % vars_file] + list(args),
                            str(tmp_path), {'GITHUB_API_URL': sim.api_url, 'GITHUB_TOKEN': OWNER_TOKEN}, sim=sim)


def test_check_mode_of_an_accepted_address_agrees_with_apply(sim, play):
    # The fix of 4e5cfe7: apply sends the invitation, GitHub answers "already a part of this
    # organization", and the run is changed: false with the address in org.already_members.
    # Check mode (the drift playbook) must not keep promising an invitation apply never makes.
    listed = roster_task(owners=['octo-admin', 'erin'], members=EVERYONE + [{'email': 'pat@example.com'}])
    assert play(sim, [listed]).rc == 0
    sim.state.accept_email_invitation('acme', 'pat@example.com', 'pat')
    first = play(sim, [listed])
    assert first.rc == 0, first.output
    assert first.task('roster')['org']['already_members'] == ['pat@example.com']
    applied = play(sim, [listed])
    assert applied.rc == 0 and applied.task('roster')['changed'] is False, applied.output
    assert applied.task('roster')['org']['already_members'] == ['pat@example.com']
    assert applied.task('roster')['org']['may_be_members'] == []
    checked = play(sim, [listed], check=True)
    assert checked.rc == 0, checked.output
    # Only GitHub's answer to the invitation tells (its member list shows no e-mail address), and
    # check mode sends nothing: it cannot say changed: false without hiding every new address's
    # invitation. As far as it can know, it agrees: the invitation is its only change, and it is
    # marked as one GitHub may answer "already a part of this organization".
    result = checked.task('roster')
    assert result['changes'] == [{'scope': 'org', 'team': None, 'action': 'add', 'login': 'pat@example.com',
                                  'role': 'member'}], result['changes']
    assert result['org']['may_be_members'] == ['pat@example.com'], result['org']
    assert result['changed'] is True


def test_a_run_cut_short_after_creating_a_team_reports_it_and_the_rerun_converges(sim, play):
    # The server fails the first member write of a new team (after its POST): the run fails, its
    # result names the create it made, and the next run adds the listed people, leaves the
    # creator nowhere hidden and plans nothing on a third run.
    sim.inject(Fault('status', status=500, method='PUT', path=r'/teams/newteam/memberships/'))
    task = roster_task(teams=[{'team': 'newteam', 'maintainers': ['alice'], 'members': ['bob']}])
    first = play(sim, [task])
    assert first.rc != 0
    result = first.task('roster')
    assert result['changed'] is True, result
    assert result['changes'] == [{'scope': 'team_settings', 'team': 'newteam', 'action': 'create', 'login': None,
                                  'role': None, 'settings': {'name': 'newteam'}}], result['changes']
    assert result['failed_change'] == {'scope': 'team', 'team': 'newteam', 'action': 'add', 'login': 'alice',
                                       'role': 'maintainer'}
    assert sim.state.team('acme', 'newteam') is not None
    second = play(sim, [task])
    assert second.rc == 0, second.output
    roles = sim.state.team_members('acme', 'newteam')
    third = play(sim, [task])
    assert third.rc == 0 and third.task('roster')['changed'] is False, third.task('roster').get('changes')
    creator_left = third.task('roster')['teams']['newteam'].get('creator_left')
    assert roles.get('alice') == 'maintainer' and roles.get('bob') == 'member', roles
    assert 'octo-admin' not in roles or creator_left == 'octo-admin', (roles, creator_left)


def test_a_token_echoed_in_every_error_never_reaches_the_output_or_the_drift_report(collections_path, tmp_path, sim):
    # A hostile or broken proxy quotes the Authorization header in its error bodies.
    for path in (r'/graphql', r'/orgs/acme/members', r'/orgs/acme/invitations', r'/user'):
        sim.inject(Fault('status', status=502, count=20, path=path,
                         message='upstream refused Authorization: token %s (Bearer %s) [%s]' % (OWNER_TOKEN, OWNER_TOKEN, OWNER_TOKEN)))
    data = {'membership_orgs': [{'org': 'acme', 'owners': ['octo-admin', 'erin'], 'members': EVERYONE,
                                 'teams': [{'team': 'platform', 'maintainers': ['alice'], 'members': ['bob']}]}]}
    run = drift(collections_path, tmp_path, sim, data, '-vvvv')
    assert run.rc != 0
    for name in ('d.json', 'd.md'):
        if (tmp_path / name).exists():
            assert OWNER_TOKEN not in (tmp_path / name).read_text(), name
    assert writes(sim) == []


def test_an_address_answered_already_a_member_does_not_see_its_holder_removed_in_the_same_run(sim, play):
    # Attack on 4e5cfe7. pat@example.com's invitation expired (a failed record, which a retry can
    # fix); meanwhile pat joined by login (an admin invited the login) with that verified address.
    # The exclusive file still lists only the address. The guard against "re-invite the address
    # and remove the member who accepted" skips addresses with a failed invitation, so the plan
    # re-sends the invitation AND removes pat. GitHub answers the re-send with "A user with this
    # email addresss is already a part of this organization" (reported in already_members), and
    # the run then removes pat, the very member GitHub just said holds the listed address.
    listed = roster_task(owners=['octo-admin', 'erin'], members=EVERYONE + [{'email': 'pat@example.com'}],
                         exclusive=True)
    assert play(sim, [listed]).rc == 0
    sim.state.expire_invitation('acme', 'pat@example.com')
    pat = sim.state.ensure_user('pat')
    pat.verified_emails.append('pat@example.com')
    sim.state._org_or_raise('acme').members[pat.key] = 'member'
    sim.state.touch()
    sim.clear_log()
    run = play(sim, [listed])
    result = run.task('roster')
    assert sim.state.org_role('acme', 'pat') == 'member', (result.get('changes'), result['org'])
    assert not ('pat' in result['org']['removed'] and 'pat@example.com' in result['org']['already_members']), result['org']
    # The re-send went first and was answered "already a part"; pat's removal was then withheld,
    # reported, and every write made (the failed record's deletion) is listed.
    assert result['org']['already_members'] == ['pat@example.com'], result['org']
    assert result['org']['removals_withheld'] == ['pat'], result['org']
    assert any('not removed in this run: pat' in p for p in result['org']['problems']), result['org']['problems']
    assert result['changed'] is True and result['changes'] == [
        {'scope': 'org', 'team': None, 'action': 'delete_failed_invitation', 'login': 'pat@example.com', 'role': None}]
    assert [w for w in writes(sim) if w[0] == 'DELETE' and '/memberships/' in w[1]] == []
    # The next run has no record of the address: the plan refuses to invite it and remove pat.
    again = play(sim, [listed])
    assert again.rc != 0 and 'pat@example.com' in again.task('roster')['msg'], again.output
    assert sim.state.org_role('acme', 'pat') == 'member'


def test_an_installation_token_echoed_in_a_graphql_error_is_never_shown(play):
    # A GitHub App installation token is not a module option: Ansible does not mask it, so the
    # collection must scrub it. REST error messages are scrubbed; a GraphQL answer's errors are
    # built into the failure message (GraphQLError) as the server wrote them.
    from ghsim import generate_app_key
    private_pem, _public = generate_app_key()
    installation = 'ghs_' + fake_token('')[:36]
    routes = org_routes()
    routes[('POST', '/app/installations/34/access_tokens')] = Answer(
        201, {'token': installation, 'expires_at': '2099-01-01T00:00:00Z'})
    routes[('GET', '/orgs/acme/failed_invitations')] = Answer(200, [])
    routes[('GET', '/orgs/acme/teams')] = Answer(200, [])
    routes[('POST', '/graphql')] = Answer(200, {'data': None, 'errors': [
        {'type': 'FORBIDDEN', 'message': 'Resource not accessible by integration (credentials: token %s)' % installation},
        {'message': 'echo: %s' % installation}]})
    server = HostileServer(routes).start()
    try:
        task = roster_task(teams=[{'team': 'platform', 'members': ['bob']}])
        task['ignore_errors'] = True
        run = play(server, [task], token=None, verbosity=4,
                   module_defaults={'app_id': '12', 'app_installation_id': 34, 'app_private_key': private_pem})
    finally:
        server.stop()
    assert [r.path for r in server.log if r.path == '/graphql'], [r.path for r in server.log]
    text = run.stdout + run.stderr + json.dumps(run.results)
    assert installation not in text, run.output.replace(installation, '<INSTALLATION TOKEN>')


def test_a_run_cut_short_after_a_rename_then_rerun_deletes_nothing_the_file_keeps(sim, play):
    # platform is renamed infra (previously), its child stays under it, an unlisted team is
    # deleted; the server fails right after the rename. The rerun must not delete infra, its
    # child, or anyone in them, and must converge.
    sim.inject(Fault('status', status=500, method='PUT', path=r'/teams/infra/memberships/'))
    task = roster_task(delete_unlisted_teams=True, max_removals='100%', teams=[
        {'team': 'infra', 'name': 'infra', 'previously': ['platform'], 'maintainers': ['alice'], 'members': ['bob', 'carol']},
        {'team': 'platform-oncall', 'parent': 'infra', 'members': ['carol']},
        {'team': 'sso-synced', 'managed_externally': True}])
    first = play(sim, [task])
    assert first.rc != 0
    done = first.task('roster')
    assert sim.state.team('acme', 'infra') is not None, done.get('changes')
    second = play(sim, [task])
    assert second.rc == 0, second.task('roster').get('msg')
    assert sim.state.team('acme', 'infra') is not None and sim.state.team('acme', 'platform-oncall') is not None
    assert sim.state.team_members('acme', 'infra') == {'alice': 'maintainer', 'bob': 'member', 'carol': 'member'}
    assert sim.state.team_members('acme', 'platform-oncall') == {'carol': 'member'}
    assert [w for w in writes(sim) if w[0] == 'DELETE' and '/memberships/' not in w[1]] == []
    third = play(sim, [task])
    assert third.rc == 0 and third.task('roster')['changed'] is False, third.task('roster').get('changes')


def _app_run(play, routes_for):
    from ghsim import generate_app_key
    private_pem, _public = generate_app_key()
    installation = 'ghs_' + fake_token('')[:36]
    routes = org_routes()
    routes[('POST', '/app/installations/34/access_tokens')] = Answer(
        201, {'token': installation, 'expires_at': '2099-01-01T00:00:00Z'})
    routes.update(routes_for(installation))
    server = HostileServer(routes).start()
    try:
        task = roster_task(teams=[{'team': 'platform', 'members': ['bob']}])
        task['ignore_errors'] = True
        run = play(server, [task], token=None, verbosity=4,
                   module_defaults={'app_id': '12', 'app_installation_id': 34, 'app_private_key': private_pem})
    finally:
        server.stop()
    return installation, run


@pytest.mark.parametrize('form', ['error-body', 'redirect-location'])
def test_an_installation_token_echoed_in_rest_errors_and_redirects_is_never_shown(play, form):
    # An error body or a redirect's Location quoting the credentials (a proxy, a misconfigured
    # GHES front end). The user token is masked by Ansible (no_log_values); the installation token
    # is not, and the collection's own scrubbing does not reach these messages.
    def routes_for(installation):
        if form == 'error-body':
            return {('GET', '/orgs/acme/members'): Answer(500, {'message': 'upstream said: %s / Bearer %s'
                                                                % (installation, installation)})}
        return {('GET', '/orgs/acme/members'): Answer(302, {'message': 'Moved'}, {
            'Location': 'https://elsewhere.invalid/login?access_token=%s' % installation})}
    installation, run = _app_run(play, routes_for)
    text = run.stdout + run.stderr + json.dumps(run.results)
    assert installation not in text, run.output.replace(installation, '<INSTALLATION TOKEN>')


def test_a_failed_record_deleted_before_an_already_a_member_answer_is_reported_as_done(sim, play):
    # Attack on 4e5cfe7, without removals: the re-send deletes the failed record (a write), then
    # GitHub answers "already a part of this organization". The result must not say that nothing
    # was sent and changed: false while the failed record is gone.
    listed = roster_task(owners=['octo-admin', 'erin'], members=EVERYONE + [{'email': 'pat@example.com'}])
    assert play(sim, [listed]).rc == 0
    sim.state.expire_invitation('acme', 'pat@example.com')
    pat = sim.state.ensure_user('pat')
    pat.verified_emails.append('pat@example.com')
    sim.state._org_or_raise('acme').members[pat.key] = 'member'
    sim.state.touch()
    sim.clear_log()
    run = play(sim, [listed])
    assert run.rc == 0, run.output
    result = run.task('roster')
    sent = writes(sim)
    assert sent[0][0] == 'DELETE' and '/invitations/' in sent[0][1], sent
    assert result['changed'] is True, (sent, result['changes'], result['org'])
    assert result['changes'] == [{'scope': 'org', 'team': None, 'action': 'delete_failed_invitation',
                                  'login': 'pat@example.com', 'role': None}], result['changes']
    assert result['org']['failed_invitations'] == [] and result['org']['already_members'] == ['pat@example.com']
