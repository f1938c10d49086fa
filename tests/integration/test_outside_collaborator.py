"""github_outside_collaborator through real ansible-playbook runs against the simulator."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import yaml

from harness import writes


@pytest.fixture
def seed(seed):
    seed['users'] += ['olivia', 'oscar']
    org = seed['orgs'][0]
    org['custom_repository_roles'] = [{'name': 'auditor', 'base_role': 'read', 'permissions': ['view_secret_scanning_alerts']}]
    org['repositories'] = [
        {'name': 'widgets', 'private': True, 'collaborators': {'olivia': 'push'}, 'invitations': {'oscar': 'triage'}},
        {'name': 'docs', 'collaborators': {'olivia': 'pull'}},
    ]
    return seed


def access(sim, repo, login):
    """(direct permission, invited permission) of ``login`` on ``repo`` in the simulator."""
    r = sim.state.org('acme').repos[repo]
    invited = [i.permission for i in r.invitations.values() if i.invitee_key == login]
    return r.collaborators.get(login), invited[0] if invited else None


def task(name='collab', **args):
    return {'name': name, 'gitops.github.github_outside_collaborator': dict({'org': 'acme'}, **args)}


def test_invite_check_apply_rerun_change_absent(sim, play):
    add = task(username='new-hire', repository='widgets', permission='push')
    checked = play(sim, [add], check=True)
    assert checked.rc == 0, checked.output
    assert checked.task('collab')['changed'] is True
    assert checked.task('collab')['collaborator'] == {'login': 'new-hire', 'repository': 'acme/widgets', 'state': 'pending',
                                                      'permission': 'push'}
    assert writes(sim) == []

    applied = play(sim, [add])
    assert applied.task('collab')['changed'] is True and applied.task('collab')['collaborator']['state'] == 'pending'
    assert access(sim, 'widgets', 'new-hire') == (None, 'push')
    # a pending invitation counts as present
    assert play(sim, [add]).task('collab')['changed'] is False
    assert play(sim, [add], check=True).task('collab')['changed'] is False

    # another base permission: the invitation is updated in place
    assert play(sim, [task(username='new-hire', repository='widgets', permission='maintain')]).task('collab')['changed'] is True
    assert access(sim, 'widgets', 'new-hire') == (None, 'maintain')

    remove = task(username='new-hire', repository='widgets', state='absent')
    assert play(sim, [remove]).task('collab')['changed'] is True
    assert access(sim, 'widgets', 'new-hire') == (None, None)
    assert play(sim, [remove]).task('collab')['changed'] is False
    assert writes(sim) == [('PUT', '/repos/acme/widgets/collaborators/new-hire'),
                           ('PATCH', '/repos/acme/widgets/invitations/%s' % writes_id(sim)),
                           ('DELETE', '/repos/acme/widgets/invitations/%s' % writes_id(sim))]


def writes_id(sim):
    """The id of the invitation the PATCH went to (the simulator numbers them)."""
    return [e.path for e in sim.log if e.method == 'PATCH'][0].rsplit('/', 1)[1]


def test_collaborator_permission_change_custom_role_and_removal(sim, play):
    run = play(sim, [task(username='olivia', repository='widgets', permission='write')])  # GitHub's word for push
    assert run.task('collab')['changed'] is False and run.task('collab')['collaborator']['state'] == 'active'
    run = play(sim, [task(username='olivia', repository='widgets', permission='Auditor')], diff=True)
    assert run.task('collab')['changed'] is True
    assert access(sim, 'widgets', 'olivia') == ('auditor', None)
    assert play(sim, [task(username='olivia', repository='widgets', permission='auditor')]).task('collab')['changed'] is False
    run = play(sim, [task(username='olivia', repository='docs', state='absent')])
    assert run.task('collab')['changed'] is True and access(sim, 'docs', 'olivia') == (None, None)
    assert access(sim, 'widgets', 'olivia') == ('auditor', None)  # only that repository


def test_org_wide_absent_removes_everywhere_and_cancels_invitations(sim, play):
    checked = play(sim, [task(username='olivia', state='absent')], check=True)
    assert checked.rc == 0, checked.output
    assert checked.task('collab')['changed'] is True and writes(sim) == []
    run = play(sim, [task(username='olivia', state='absent')])
    assert run.task('collab')['changed'] is True
    assert access(sim, 'widgets', 'olivia') == (None, None) and access(sim, 'docs', 'olivia') == (None, None)
    assert play(sim, [task(username='olivia', state='absent')]).task('collab')['changed'] is False

    # oscar is only invited: the invitation counts, and is cancelled
    run = play(sim, [task(username='oscar', state='absent')])
    assert run.task('collab')['changed'] is True
    assert run.task('collab')['diff']['before'] == {'login': 'oscar', 'repository': None, 'state': 'pending',
                                                    'permission': None, 'invitations': ['acme/widgets']}
    assert access(sim, 'widgets', 'oscar') == (None, None)
    assert play(sim, [task(username='oscar', state='absent')]).task('collab')['changed'] is False


def test_org_wide_absent_refuses_a_member(sim, play):
    run = play(sim, [task(username='bob', state='absent')])
    assert run.rc != 0
    assert 'bob is a member of acme' in run.task('collab')['msg']
    assert writes(sim) == []


def test_bad_input_fails_naming_the_key_before_any_request(sim, play):
    run = play(sim, [task(username='olivia', permission='push')])
    assert run.rc != 0 and 'repository is required' in run.task('collab')['msg']
    run = play(sim, [task(username='olivia', repository='no/such/repo', permission='push')])
    assert run.rc != 0 and 'repository' in run.task('collab')['msg']
    assert sim.log == []


def test_ghes_outside_collaborator(sim_factory, seed, play):
    # GHES documents only the 204 of PUT .../collaborators/{username}: access is given at once.
    ghes = sim_factory(seed, ghes=True)
    add = task(username='new-hire', repository='docs', permission='pull')
    checked = play(ghes, [add], check=True)
    assert checked.task('collab')['collaborator']['state'] == 'active'
    run = play(ghes, [add])
    assert run.rc == 0, run.output
    assert run.task('collab')['changed'] is True and run.task('collab')['collaborator']['state'] == 'active'
    assert access(ghes, 'docs', 'new-hire') == ('pull', None)
    assert play(ghes, [add]).task('collab')['changed'] is False


# -- convert_member: the one explicit conversion ------------------------------------------------------

def conversion_seed(seed):
    seed['orgs'][0]['teams'][0]['repositories'] = {'widgets': 'push'}  # platform; carol is in its child team
    return seed


def test_convert_check_apply_rerun(sim_factory, seed, play):
    sim = sim_factory(conversion_seed(seed))
    convert = task(username='carol', convert_member=True)
    checked = play(sim, [convert], check=True, diff=True)
    assert checked.rc == 0, checked.output
    result = checked.task('collab')
    assert result['changed'] is True and writes(sim) == []
    assert result['diff']['before']['state'] == 'member' and result['collaborator']['state'] == 'active'
    assert "current team membership allows" in result['conversion']['kept']
    assert 'carol' in sim.state.org('acme').members

    applied = play(sim, [convert])
    assert applied.rc == 0, applied.output
    assert applied.task('collab')['changed'] is True and applied.task('collab')['collaborator']['state'] == 'active'
    assert writes(sim) == [('PUT', '/orgs/acme/outside_collaborators/carol')]
    org = sim.state.org('acme')
    assert 'carol' not in org.members
    assert all('carol' not in t.members for t in org.teams.values())
    # the access her team (through its parent) gave her is now direct collaborator access
    assert access(sim, 'widgets', 'carol') == ('push', None)
    assert access(sim, 'docs', 'carol') == (None, None)

    for check in (False, True):
        rerun = play(sim, [convert], check=check)
        assert rerun.rc == 0, rerun.output
        assert rerun.task('collab')['changed'] is False and rerun.task('collab')['collaborator']['state'] == 'active'
    assert len(writes(sim)) == 1


@pytest.mark.parametrize('username, words', [
    ('erin', 'erin is an owner of acme'),
    ('octo-admin', 'octo-admin, the user this token belongs to'),
    ('dave', 'dave has a pending invitation to acme'),
    ('new-hire', 'new-hire is neither a member nor an outside collaborator of acme'),
])
def test_convert_refusals_before_any_write(sim, play, username, words):
    for check in (True, False):
        run = play(sim, [task(username=username, convert_member=True)], check=check)
        assert run.rc != 0
        assert words in run.task('collab')['msg'], run.task('collab')['msg']
    assert writes(sim) == []
    assert username not in [x.lower() for x in sim.state.outside_collaborators(sim.state.org('acme'))]


def test_convert_member_is_never_a_side_effect(sim, play):
    # without convert_member, a member named without a repository is not converted
    run = play(sim, [task(username='bob')])
    assert run.rc != 0 and 'convert_member=true' in run.task('collab')['msg']
    assert sim.log == [] and 'bob' in sim.state.org('acme').members


def test_docs_show_convert_member_with_one_example(collections_path):
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=collections_path)
    proc = subprocess.run([os.path.join(os.path.dirname(sys.executable), 'ansible-doc'), '--json',
                           'gitops.github.github_outside_collaborator'], env=env, capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)['gitops.github.github_outside_collaborator']
    assert doc['doc']['options']['convert_member']['type'] == 'bool' and doc['doc']['options']['convert_member']['default'] is False
    assert doc['doc']['options']['allow_self']['default'] is False
    converting = [t for t in yaml.safe_load(doc['examples']) if t['gitops.github.github_outside_collaborator'].get('convert_member')]
    assert len(converting) == 1 and 'repository' not in converting[0]['gitops.github.github_outside_collaborator']
    assert 'conversion' in doc['return']
