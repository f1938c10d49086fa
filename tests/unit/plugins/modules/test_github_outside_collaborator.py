"""github_outside_collaborator: exact requests, with GitHub's recorded answers (PyGithub's and
octokit's recordings of collaborators, invitations and outside collaborators)."""

from __future__ import annotations

import pytest

from ansible_collections.gitops.github.plugins.modules import github_outside_collaborator as oc

from exact_http import NOT_FOUND, call, exact_calls, org_membership
from recordings import exchange

R = '/repos/acme/widgets'
DIRECT = {'affiliation': 'direct', 'per_page': '100'}
ARGS = {'org': 'acme', 'username': 'Lyloa', 'repository': 'widgets'}


def collaborator(login, role_name=None, flags=None):
    """PyGithub's recorded collaborator (collaborators-affiliation-1: flags only), relabelled."""
    body = dict(exchange('pygithub:collaborators-affiliation-1')['body'][0], login=login)
    if flags is not None:
        body['permissions'] = flags
    if role_name is not None:
        body['role_name'] = role_name
    return body


def invitation(permissions='write'):
    """PyGithub's recorded pending invitation of Lyloa (repo-invitations-2, id 17285388)."""
    return dict(exchange('pygithub:repo-invitations-2')['body'][0], permissions=permissions)


INV = R + '/invitations/17285388'


def reads(collaborators=(), invitations=None):
    calls = [call('GET', R + '/collaborators', 200, list(collaborators), query=DIRECT)]
    if invitations is not None:
        calls.append(call('GET', R + '/invitations', 200, invitations))
    return calls


@pytest.mark.parametrize('check_mode', [False, True])
def test_invite(run_module, check_mode):
    calls = reads([collaborator('hegde5')], [])
    if check_mode:
        calls.append(call('GET', '/orgs/acme/memberships/Lyloa', 404, NOT_FOUND))
    else:
        real = exchange('octokit:add-and-remove-repository-collaborator:0')  # GitHub's 201 with the invitation
        calls.append(call('PUT', R + '/collaborators/Lyloa', 201, real['body'], request_json={'permission': 'push'}))
    with exact_calls(calls):
        result = run_module(oc.main, dict(ARGS, permission='push'), check_mode=check_mode)
    assert result['changed'] is True
    assert result['collaborator'] == {'login': 'Lyloa', 'repository': 'acme/widgets', 'state': 'pending', 'permission': 'push'}
    assert result['diff']['before']['state'] == 'absent'


@pytest.mark.parametrize('check_mode', [False, True])
def test_pending_invitation_counts_as_present(run_module, check_mode):
    with exact_calls(reads([], [invitation('write')])):
        result = run_module(oc.main, dict(ARGS, permission='write'), check_mode=check_mode)
    assert result['changed'] is False and result['collaborator']['state'] == 'pending'


@pytest.mark.parametrize('check_mode', [False, True])
def test_pending_invitation_with_another_permission_is_updated_in_place(run_module, check_mode):
    calls = reads([], [invitation('write')])
    if not check_mode:
        calls.append(call('PATCH', INV, 200, invitation('maintain'), request_json={'permissions': 'maintain'}))
    with exact_calls(calls):
        result = run_module(oc.main, dict(ARGS, permission='maintain'), check_mode=check_mode)
    assert result['changed'] is True and result['collaborator']['state'] == 'pending'
    assert result['diff']['before']['permission'] == 'push'


def test_pending_invitation_to_a_custom_role_is_sent_anew(run_module):
    with exact_calls(reads([], [invitation('write')]) + [
            call('DELETE', INV, 204),
            call('PUT', R + '/collaborators/Lyloa', 204, request_json={'permission': 'auditor'})]):
        result = run_module(oc.main, dict(ARGS, permission='auditor'))
    assert result['changed'] is True and result['collaborator']['permission'] == 'auditor'


@pytest.mark.parametrize('check_mode', [False, True])
def test_collaborator_permission_changed(run_module, check_mode):
    calls = reads([collaborator('lyloa', 'read')])
    if not check_mode:
        calls.append(call('PUT', R + '/collaborators/lyloa', 204, request_json={'permission': 'triage'}))
    with exact_calls(calls):
        result = run_module(oc.main, dict(ARGS, permission='triage'), check_mode=check_mode)
    assert result['changed'] is True
    assert result['collaborator'] == {'login': 'lyloa', 'repository': 'acme/widgets', 'state': 'active', 'permission': 'triage'}


def test_collaborator_flags_only_answer_converges(run_module):
    with exact_calls(reads([collaborator('LYLOA')])):  # recorded flags: admin
        result = run_module(oc.main, dict(ARGS, permission='admin'))
    assert result['changed'] is False and result['collaborator']['login'] == 'LYLOA'


@pytest.mark.parametrize('check_mode', [False, True])
def test_absent_from_one_repository(run_module, check_mode):
    calls = reads([collaborator('lyloa', 'write')])
    if not check_mode:
        calls.append(call('DELETE', R + '/collaborators/lyloa', 204))
    with exact_calls(calls):
        result = run_module(oc.main, dict(ARGS, state='absent'), check_mode=check_mode)
    assert result['changed'] is True and result['collaborator']['state'] == 'absent'


def test_absent_cancels_a_pending_invitation(run_module):
    with exact_calls(reads([], [invitation()]) + [call('DELETE', INV, 204)]):
        result = run_module(oc.main, dict(ARGS, state='absent'))
    assert result['changed'] is True


@pytest.mark.parametrize('check_mode', [False, True])
def test_absent_idempotent(run_module, check_mode):
    with exact_calls(reads([], [])):
        assert run_module(oc.main, dict(ARGS, state='absent'), check_mode=check_mode)['changed'] is False


# -- the whole organization --------------------------------------------------------------------------

OUT = '/orgs/acme/outside_collaborators'
ORG_ARGS = {'org': 'acme', 'username': 'octocat', 'state': 'absent'}


def org_repos(*names):
    return [{'name': n, 'owner': {'login': 'acme'}} for n in names]


@pytest.mark.parametrize('check_mode', [False, True])
def test_org_wide_removal(run_module, check_mode):
    calls = [call('GET', OUT, 200, exchange('pygithub:outside-collaborators-2')['body']),  # [octocat]
             call('GET', '/orgs/acme/repos', 200, org_repos('widgets'), query={'type': 'all', 'per_page': '100'}),
             call('GET', R + '/invitations', 200, [])]
    if not check_mode:
        calls.append(call('DELETE', OUT + '/octocat', 204))
    with exact_calls(calls):
        result = run_module(oc.main, ORG_ARGS, check_mode=check_mode)
    assert result['changed'] is True
    assert result['diff']['before']['state'] == 'active' and result['collaborator']['state'] == 'absent'


def test_org_wide_removal_cancels_invitations_first(run_module):
    invited = dict(invitation(), invitee=dict(invitation()['invitee'], login='octocat'))
    with exact_calls([call('GET', OUT, 200, exchange('pygithub:outside-collaborators-2')['body']),
                      call('GET', '/orgs/acme/repos', 200, org_repos('widgets', 'docs')),
                      call('GET', R + '/invitations', 200, [invited]),
                      call('GET', '/repos/acme/docs/invitations', 200, []),
                      call('DELETE', INV, 204),
                      call('DELETE', OUT + '/octocat', 204)]):
        result = run_module(oc.main, ORG_ARGS)
    assert result['changed'] is True and result['diff']['before']['invitations'] == ['acme/widgets']


@pytest.mark.parametrize('check_mode', [False, True])
def test_org_wide_idempotent(run_module, check_mode):
    with exact_calls([call('GET', OUT, 200, exchange('pygithub:outside-collaborators-4')['body']),  # []
                      call('GET', '/orgs/acme/memberships/octocat', 404, NOT_FOUND),
                      call('GET', '/orgs/acme/repos', 200, org_repos('widgets')),
                      call('GET', R + '/invitations', 200, [])]):
        result = run_module(oc.main, ORG_ARGS, check_mode=check_mode)
    assert result['changed'] is False and result['collaborator']['state'] == 'absent'


def test_org_wide_removal_of_a_member_fails_before_any_write(run_module):
    with exact_calls([call('GET', OUT, 200, []), call('GET', '/orgs/acme/memberships/octocat', 200, org_membership('octocat'))]):
        result = run_module(oc.main, ORG_ARGS)
    assert result['failed'] is True
    assert 'octocat is a member of acme' in result['msg'] and 'HTTP 422' in result['msg']
    assert 'convert_member=true' in result['msg']  # the explicit conversion, named, never done


def test_githubs_own_422_is_reported_as_it_is(run_module):
    # The documented 422 body, if a member slipped in between the read and the write.
    body = {'message': 'You cannot specify an organization member to remove as an outside collaborator.',
            'documentation_url': 'https://docs.github.com/rest/orgs/outside-collaborators#remove-outside-collaborator-from-an-organization'}
    with exact_calls([call('GET', OUT, 200, [{'login': 'octocat'}]), call('GET', '/orgs/acme/repos', 200, []),
                      call('DELETE', OUT + '/octocat', 422, body)]):
        result = run_module(oc.main, ORG_ARGS)
    assert result['failed'] is True and body['message'] in result['msg'] and 'HTTP 422' in result['msg']


@pytest.mark.parametrize('args, words', [
    ({'org': 'acme', 'username': 'jo', 'permission': 'push'}, 'repository is required with state=present'),
    ({'org': 'acme', 'username': 'jo', 'repository': 'widgets'}, 'permission'),
    ({'org': 'acme', 'username': 'jo', 'repository': 'acme/widgets', 'permission': 'push'}, 'repository'),
    ({'org': 'acme', 'username': 'j o', 'state': 'absent'}, 'username'),
    ({'org': 'acme', 'username': 'jo', 'repository': 'widgets', 'permission': ''}, 'permission'),
])
def test_bad_input_fails_before_any_request(run_module, args, words):
    with exact_calls([]):
        result = run_module(oc.main, args)
    assert result['failed'] is True and words in result['msg']


def test_ghes_check_mode_predicts_access_at_once(run_module):
    # GHES documents only the 204 of PUT .../collaborators/{username} (ghes-3.19.json): no membership read.
    ghe = 'https://ghe.example.com/api/v3'
    with exact_calls([call('GET', R + '/collaborators', 200, [], query=DIRECT), call('GET', R + '/invitations', 200, [])], api=ghe):
        result = run_module(oc.main, dict(ARGS, permission='pull', api_url=ghe), check_mode=True)
    assert result['changed'] is True and result['collaborator']['state'] == 'active'


# -- convert_member ---------------------------------------------------------------------------------

CONVERT = {'org': 'acme', 'username': 'octocat', 'convert_member': True}
ME = call('GET', '/user', 200, {'login': 'octo-admin'})


def member_reads(role='member', state='active'):
    return [call('GET', OUT, 200, exchange('pygithub:outside-collaborators-4')['body']),  # []
            call('GET', '/orgs/acme/memberships/octocat', 200, org_membership('octocat', state=state, role=role))]


@pytest.mark.parametrize('check_mode', [False, True])
def test_convert_a_member(run_module, check_mode):
    calls = member_reads() + [ME]
    if not check_mode:
        # PyGithub's recorded conversion: a PUT without a body, 204 (outside-collaborators-1)
        real = exchange('pygithub:outside-collaborators-1')
        assert real['request_body'] is None
        calls.append(call('PUT', OUT + '/octocat', real['status']))
    with exact_calls(calls):
        result = run_module(oc.main, CONVERT, check_mode=check_mode)
    assert result['changed'] is True
    assert result['diff']['before']['state'] == 'member' and result['collaborator']['state'] == 'active'
    assert result['collaborator']['repository'] is None
    assert "current team membership allows" in result['conversion']['kept']
    assert result['conversion']['role'] == 'member'


def test_convert_queued_by_github_is_pending(run_module):
    # "202 User is getting converted asynchronously" (OpenAPI orgs/convert-member-to-outside-collaborator)
    with exact_calls(member_reads() + [ME, call('PUT', OUT + '/octocat', 202, {})]):
        result = run_module(oc.main, CONVERT)
    assert result['changed'] is True and result['collaborator']['state'] == 'pending'


@pytest.mark.parametrize('check_mode', [False, True])
def test_convert_an_outside_collaborator_is_unchanged(run_module, check_mode):
    with exact_calls([call('GET', OUT, 200, exchange('pygithub:outside-collaborators-2')['body'])]):  # [octocat]
        result = run_module(oc.main, CONVERT, check_mode=check_mode)
    assert result['changed'] is False and result['collaborator']['state'] == 'active'
    assert 'conversion' not in result


@pytest.mark.parametrize('check_mode', [False, True])
def test_convert_refuses_an_owner_before_any_write(run_module, check_mode):
    with exact_calls(member_reads(role='admin') + [ME]):
        result = run_module(oc.main, CONVERT, check_mode=check_mode)
    assert result['failed'] is True
    assert 'octocat is an owner of acme' in result['msg'] and 'Cannot convert the last owner' in result['msg']


@pytest.mark.parametrize('check_mode', [False, True])
def test_convert_refuses_the_tokens_own_user(run_module, check_mode):
    with exact_calls(member_reads() + [call('GET', '/user', 200, {'login': 'OctoCat'})]):
        result = run_module(oc.main, CONVERT, check_mode=check_mode)
    assert result['failed'] is True and 'the user this token belongs to' in result['msg'] and 'allow_self=true' in result['msg']


def test_convert_self_with_allow_self(run_module):
    with exact_calls(member_reads() + [call('PUT', OUT + '/octocat', 204)]):
        result = run_module(oc.main, dict(CONVERT, allow_self=True))
    assert result['changed'] is True


@pytest.mark.parametrize('membership, words', [
    ((404, NOT_FOUND), 'neither a member nor an outside collaborator of acme'),
    ((200, org_membership('octocat', state='pending')), 'pending invitation to acme'),
])
def test_convert_refuses_a_non_member_before_any_write(run_module, membership, words):
    with exact_calls([call('GET', OUT, 200, []), call('GET', '/orgs/acme/memberships/octocat', *membership)]):
        result = run_module(oc.main, CONVERT)
    assert result['failed'] is True and words in result['msg']


def test_convert_reports_githubs_403_as_it_is(run_module):
    # An enterprise policy (or a member gone between the read and the write): GitHub's documented 403 body.
    body = dict(exchange('docs-convert-member-403-not-a-member')['body'])
    body['message'] = body['message'].replace('<user>', 'octocat').replace('<organization>', 'acme')
    with exact_calls(member_reads() + [ME, call('PUT', OUT + '/octocat', 403, body)]):
        result = run_module(oc.main, CONVERT)
    assert result['failed'] is True and 'HTTP 403' in result['msg'] and body['message'] in result['msg']
    assert 'convert octocat into an outside collaborator of acme' in result['msg']


@pytest.mark.parametrize('args, words', [
    (dict(CONVERT, repository='widgets', permission='push'), 'convert_member=true acts on the whole organization'),
    (dict(CONVERT, state='absent'), 'convert_member=true acts on the whole organization'),
    ({'org': 'acme', 'username': 'jo'}, 'convert_member=true'),
])
def test_convert_bad_input_fails_before_any_request(run_module, args, words):
    with exact_calls([]):
        result = run_module(oc.main, args)
    assert result['failed'] is True and words in result['msg']


def test_convert_lost_in_transit_is_verified_not_sent_twice(run_module):
    with exact_calls(member_reads() + [ME, call('PUT', OUT + '/octocat', 502, {'message': 'Bad Gateway'}),
                                       call('GET', OUT, 200, exchange('pygithub:outside-collaborators-2')['body'])]):
        result = run_module(oc.main, CONVERT)
    assert result['changed'] is True and result['collaborator']['state'] == 'active'
