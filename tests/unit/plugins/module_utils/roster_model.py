"""The simulator's GitHub model (ghsim's State and its REST handlers), called in-process: a fast,
honest stand-in for GitHub in property tests of the roster planner. No HTTP, no mocks of our own:
the answers come from the same handlers the simulator serves."""

from __future__ import annotations

import json

from ghsim import api as api_mod
from ghsim.state import State

from ansible_collections.gitops.github.plugins.module_utils._plan import ACTIVE, PENDING, Entry, invitation_role
from ansible_collections.gitops.github.plugins.module_utils._org_state import OrgState, TeamState
from ansible_collections.gitops.github.plugins.module_utils._plan import ORG, PUBLIC

API = 'http://127.0.0.1:1'


def call(state, caller, method, path, body=None, ghes=False):
    """One REST request answered by ghsim's handler: ``(status, json body)``."""
    route, params = api_mod.match(method, path, ghes)
    assert route is not None, (method, path)
    req = api_mod.Request(method=method, path=path, query_pairs=[], body=json.dumps(body).encode() if body else b'',
                          caller=state.users[caller.lower()], ghes=ghes, api_url=API, root_url=API)
    with state.lock:
        try:
            resp = route.handler(state, req, **params)
        except api_mod.ApiError as exc:
            return exc.status, exc.payload()
    return resp.status, resp.body


def read(state, org, own=None, ghes=False):
    """The OrgState the bulk reader must find, built straight from the model: immediate team
    members only, owners shown as maintainers, child-team members apart, pending invitations."""
    o = state.org(org)
    members = {}
    for key, role in o.members.items():
        members[key] = Entry(state.login_of(key), role, ACTIVE)
    for inv in o.invitations.values():
        if inv.login_key and inv.login_key not in members:
            members[inv.login_key] = Entry(state.login_of(inv.login_key), invitation_role(inv.role), PENDING)
        elif not inv.login_key and inv.email:
            # An invitation sent to an address: the address is its key (logins have no @).
            members.setdefault(inv.email.lower(), Entry(inv.email, invitation_role(inv.role), PENDING))
    ids = dict((state.users[k].id, state.login_of(k)) for k in o.members)
    invitation_ids = dict(((state.login_of(inv.login_key) if inv.login_key else inv.email).lower(), inv.id)
                          for inv in o.invitations.values())
    emails = dict((inv.email.lower(), (inv.login_key or inv.email.lower())) for inv in o.invitations.values()
                  if inv.email)
    teams = {}
    for team in o.teams.values():
        direct = {}
        for key, role in team.members.items():
            direct[key] = Entry(state.login_of(key), 'maintainer' if o.members.get(key) == 'admin' else role, ACTIVE)
        for inv in o.invitations.values():
            if inv.login_key and team.id in inv.teams and inv.login_key not in direct:
                # The invitation's team role (the reader asks it with one membership GET each).
                direct[inv.login_key] = Entry(state.login_of(inv.login_key), inv.teams[team.id], PENDING)
        parent = state.teams_by_id[team.parent_id].slug if team.parent_id else None
        teams[team.key] = TeamState(team.slug, team.id, parent, team.name, team.description, team.privacy, direct)
    public = (own.lower() in o.public) if own else None
    return OrgState(o.login, members, teams, public=public, ghes=ghes,
                    failed=[state.login_of(i.login_key) if i.login_key else i.email for i in o.failed_invitations],
                    ids=ids, invitation_ids=invitation_ids, emails=emails)


def writer(state, org, caller, sent, ghes=False):
    """A ``write(Write)`` for :func:`_org_predict.execute` that sends each write to the model."""
    def write(w):
        sent.append(w.as_dict())
        if w.scope == PUBLIC:
            path = '/orgs/%s/public_members/%s' % (org, caller)
            status, _body = call(state, caller, 'PUT' if w.action == 'add' else 'DELETE', path, ghes=ghes)
            assert status == 204, (path, status, _body)
            return None
        if w.scope == ORG:
            path = '/orgs/%s/memberships/%s' % (org, w.login)
        else:
            path = '/orgs/%s/teams/%s/memberships/%s' % (org, w.team, w.login)
        if w.action == 'remove':
            status, body = call(state, caller, 'DELETE', path, ghes=ghes)
            assert status == 204, (path, status, body)
            return None
        status, body = call(state, caller, 'PUT', path, {'role': w.change.role}, ghes=ghes)
        assert status == 200, (path, status, body)
        return body['state']
    return write


def new_state(seed):
    return State(seed)
