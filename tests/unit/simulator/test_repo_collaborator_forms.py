"""The simulator's repository collaborator forms added for github_outside_collaborator: PATCH
/repos/{owner}/{repo}/invitations/{invitation_id} (OpenAPI repos/update-invitation: 200 with the
invitation, its permission changed), and GHES's PUT .../collaborators/{username} (ghes-3.19.json
documents only its 204). Every exchange is checked against the extract at teardown."""

from __future__ import annotations

from typing import Any

from simhelpers import Client

OWNER = 'sim-token-owner'


def _seed() -> dict:
    return {'users': ['owner', 'paul'], 'tokens': {OWNER: 'owner'},
            'orgs': [{'login': 'acme', 'id': 9001, 'owners': ['owner'],
                      'repositories': [{'name': 'widgets', 'private': True, 'invitations': {'paul': 'triage'}}]}]}


def test_update_invitation_changes_its_permission(make_sim: Any) -> None:
    sim = make_sim(_seed())
    owner = Client(sim, OWNER)
    [inv] = owner.get('/repos/acme/widgets/invitations').json()
    assert inv['permissions'] == 'triage'
    resp = owner.patch('/repos/acme/widgets/invitations/%d' % inv['id'], json={'permissions': 'write'})
    assert resp.status_code == 200 and resp.json()['permissions'] == 'write'
    assert [i['permissions'] for i in owner.get('/repos/acme/widgets/invitations').json()] == ['write']
    assert owner.patch('/repos/acme/widgets/invitations/999', json={'permissions': 'read'}).status_code == 404


def test_ghes_gives_a_collaborator_access_at_once(make_sim: Any) -> None:
    sim = make_sim(_seed(), ghes=True)
    owner = Client(sim, OWNER)
    assert owner.put('/repos/acme/widgets/collaborators/paul', json={'permission': 'push'}).status_code == 204
    assert owner.get('/repos/acme/widgets/collaborators/paul').status_code == 204
