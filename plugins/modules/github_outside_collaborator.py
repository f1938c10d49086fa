#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) gitops.github contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: github_outside_collaborator
short_description: Manage a person's access to a repository of a GitHub organization as a collaborator
version_added: 0.1.0
description:
  - With O(repository), gives one person a permission on one repository of the organization as a
    direct collaborator (GitHub invites them; the access is V(pending) until they accept), changes
    it, or takes it away.
  - With O(state=absent) and no O(repository), removes the person as an outside collaborator from
    every repository of the organization (C(DELETE /orgs/{org}/outside_collaborators/{username}))
    and cancels their pending repository invitations there.
  - Reads first, writes only when the access differs from what is asked. A pending repository
    invitation counts as present, as organization invitations do.
author:
  - gitops.github developers (@gitops)
options:
  username:
    description:
      - Login of the person (case-insensitive).
    type: str
    required: true
  repository:
    description:
      - Name of the repository of O(org) (case-insensitive).
      - Required with O(state=present). Without it, O(state=absent) acts on every repository of O(org).
    type: str
  permission:
    description:
      - V(pull), V(triage), V(push), V(maintain), V(admin), or the name of a custom repository role
        of the organization (compared case-insensitively). V(read) and V(write) are taken as
        V(pull) and V(push).
      - Required with O(state=present).
    type: str
  state:
    description:
      - V(present) gives the person O(permission) on O(repository); V(absent) removes their access
        (or cancels their invitation) to O(repository), or to every repository without it.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - gitops.github.github
  - gitops.github.github.ORG
  - gitops.github.github.ATTRIBUTES
notes:
  - The repository's direct collaborators are read with C(affiliation=direct) (every page), so
    access through a team or the organization's base permission is not mistaken for a
    collaborator's. An organization member named here becomes a direct collaborator at once
    (GitHub answers 204); anyone else is invited (201).
  - A pending invitation with another base permission is updated in place
    (C(PATCH .../invitations/{id})); GitHub's invitation update takes no custom role, so for a
    custom role the invitation is cancelled and sent again.
  - GitHub refuses to remove an organization member as an outside collaborator (HTTP 422, "You
    cannot specify an organization member to remove as an outside collaborator."); without
    O(repository), O(state=absent) for a member fails before any write saying so. Remove their
    membership with M(gitops.github.github_org_membership) first; converting a member into an
    outside collaborator is never done here.
  - Without O(repository), the pending invitations are found by reading each repository's
    invitations (one request per repository, after the organization's repository list).
seealso:
  - module: gitops.github.github_team_repository
  - module: gitops.github.github_org_membership
  - name: GitHub REST API for outside collaborators
    description: The organization endpoints this module uses.
    link: https://docs.github.com/en/rest/orgs/outside-collaborators
  - name: GitHub REST API for repository collaborators
    description: The repository endpoints this module uses.
    link: https://docs.github.com/en/rest/collaborators/collaborators
'''

EXAMPLES = r'''
- name: Let a contractor push to one repository
  gitops.github.github_outside_collaborator:
    org: acme
    username: contractor-jo
    repository: widgets
    permission: push

- name: Take one repository away from them
  gitops.github.github_outside_collaborator:
    org: acme
    username: contractor-jo
    repository: widgets
    state: absent

- name: Remove them from every repository of the organization
  gitops.github.github_outside_collaborator:
    org: acme
    username: contractor-jo
    state: absent
'''

RETURN = r'''
collaborator:
  description: The person's access after the task (in check mode, as it would be).
  returned: success
  type: dict
  contains:
    login:
      description: The person's login (GitHub's spelling when listed).
      type: str
      sample: contractor-jo
    repository:
      description: The repository as V(owner/name); V(null) for the whole organization.
      type: str
      sample: acme/widgets
    state:
      description:
        - With O(repository), V(active) (a collaborator), V(pending) (invited) or V(absent).
        - Without it, V(active) (an outside collaborator of the organization), V(pending) (only
          invited to some repositories) or V(absent).
      type: str
      sample: pending
    permission:
      description: The permission on O(repository); V(null) when absent or without O(repository).
      type: str
      sample: push
    invitations:
      description: Without O(repository), the repositories the person has a pending invitation to.
      type: list
      elements: str
      sample: [acme/widgets]
diff:
  description: The access before and after, the same shape as RV(collaborator).
  returned: always
  type: dict
  sample: {"before": {"login": "contractor-jo", "repository": "acme/widgets", "state": "absent", "permission": null},
           "after": {"login": "contractor-jo", "repository": "acme/widgets", "state": "pending", "permission": "push"}}
api_requests:
  description: How many HTTP requests the task sent.
  returned: success
  type: int
  sample: 3
'''

from ansible_collections.gitops.github.plugins.module_utils._access import (
    RepoRef,
    add_collaborator,
    delete_invitation,
    direct_collaborator,
    list_org_repositories,
    list_outside_collaborators,
    pending_invitation,
    remove_collaborator,
    remove_outside_collaborator,
    update_invitation,
)
from ansible_collections.gitops.github.plugins.module_utils._permissions import (
    access_action,
    invitation_permission,
    invitation_word,
    permission_of,
    permission_problem,
    repository_problem,
    wanted_permission,
)
from ansible_collections.gitops.github.plugins.module_utils._module import runner
from ansible_collections.gitops.github.plugins.module_utils._resources import OrgRef, get_membership


def checked(run):
    """``(repository or None, permission or None)``; bad input fails before any request."""
    params = run.params
    problems = []
    if params['repository'] is not None:
        problems.append(repository_problem(params['repository']))
    if params['permission'] is not None:
        problems.append(permission_problem(params['permission']))
    if params['state'] == 'present' and params['repository'] is None:
        problems.append('repository is required with state=present: name the repository to give access to')
    problems = [p for p in problems if p]
    if problems:
        run.fail('; '.join(problems))
    repo = RepoRef(params['org'], params['repository']) if params['repository'] is not None else None
    return repo, wanted_permission(params['permission']) if params['permission'] is not None else None


def read_repo(run, repo, username):
    """``(view, invitation)``: the person's access to ``repo`` (a pending invitation counts)."""
    view = dict(login=username, repository='%s/%s' % (repo.owner, repo.name), state='absent', permission=None)
    with run.step('read the collaborators of %s' % repo.label, dict(collaborator=view)):
        found = direct_collaborator(run.client, repo, username)
        invitation = None if found else pending_invitation(run.client, repo, username)
    if found:
        view.update(login=found['login'], state='active', permission=permission_of(found) or 'unknown')
    elif invitation:
        view.update(login=invitation['invitee']['login'], state='pending',
                    permission=invitation_permission(invitation.get('permissions')) or 'unknown')
    return view, invitation


def state_after_adding(run, username):
    """Check mode: an organization member becomes a collaborator at once (204), anyone else is
    invited (201); GHES documents only the 204 (ghes-3.19.json, repos/add-collaborator)."""
    if run.client.is_ghes:
        return 'active'
    with run.step('read membership of %s in %s' % (username, run.params['org'])):
        data = get_membership(run.client, OrgRef(run.params['org']), username)
    return 'active' if data and data.get('state') == 'active' else 'pending'


def write_repo(run, repo, before, invitation, action, want):
    """The writes ``action`` calls for on one repository; returns the state after them."""
    login, state = before['login'], before['state']
    what = '%s %s %s %s' % ('remove' if action == 'remove' else 'give', login, want or 'access', 'from ' + repo.label if
                            action == 'remove' else 'on ' + repo.label)
    with run.step(what, dict(collaborator=before, diff=dict(before=before, after=before))):
        if action == 'remove':
            if state == 'pending':
                delete_invitation(run.client, repo, invitation['id'])
            else:
                remove_collaborator(run.client, repo, login)
            return 'absent'
        if state == 'pending' and invitation_word(want):
            update_invitation(run.client, repo, invitation['id'], invitation_word(want))
            return 'pending'
        if state == 'pending':  # an invitation's update takes no custom role: send it anew
            delete_invitation(run.client, repo, invitation['id'])
        return add_collaborator(run.client, repo, login, want)


def one_repository(run, repo, want):
    username = run.params['username']
    before, invitation = read_repo(run, repo, username)
    action = access_action(None if before['state'] == 'absent' else before['permission'], run.params['state'], want)
    after = before
    if action == 'remove':
        after = dict(before, state='absent', permission=None)
    elif action:
        state = before['state'] if action == 'update' else None
        after = dict(before, permission=want, state=state or (state_after_adding(run, username) if run.check_mode else None))
    if action and not run.check_mode:
        after['state'] = write_repo(run, repo, before, invitation, action, want)
    run.report(before, after, bool(action), collaborator=after)


def read_org(run, org, username):
    """The person across the organization: listed as an outside collaborator, and their pending
    repository invitations (``[(repo, invitation)]``). A member fails: GitHub refuses (422)."""
    view = dict(login=username, repository=None, state='absent', permission=None, invitations=[])
    with run.step('read the outside collaborators of %s' % org, dict(collaborator=view)):
        listed = [x for x in list_outside_collaborators(run.client, org) if x.lower() == username.lower()]
    if not listed:
        with run.step('read membership of %s in %s' % (username, org), dict(collaborator=view)):
            member = get_membership(run.client, OrgRef(org), username)
        if member and member.get('state') == 'active':
            run.fail('%s is a member of %s, and GitHub refuses to remove an organization member as an outside collaborator '
                     '(DELETE .../outside_collaborators/{username} answers HTTP 422); remove the membership with '
                     'gitops.github.github_org_membership, or name a repository' % (username, org), collaborator=view)
    pending = []
    with run.step('read the repository invitations of %s' % org, dict(collaborator=view)):
        for repo in list_org_repositories(run.client, org):
            invitation = pending_invitation(run.client, repo, username)
            if invitation:
                pending.append((repo, invitation))
    view.update(login=listed[0] if listed else username, invitations=['%s/%s' % (r.owner, r.name) for r, _i in pending],
                state='active' if listed else ('pending' if pending else 'absent'))
    return view, bool(listed), pending


def whole_org(run):
    org = run.params['org']
    before, listed, pending = read_org(run, org, run.params['username'])
    changed = listed or bool(pending)
    after = dict(before, state='absent', invitations=[])
    if changed and not run.check_mode:
        with run.step('remove %s as an outside collaborator of %s' % (before['login'], org), dict(collaborator=before)):
            for repo, invitation in pending:  # the invitations first: they are not an outside collaborator's access yet
                delete_invitation(run.client, repo, invitation['id'])
            if listed:
                remove_outside_collaborator(run.client, org, before['login'])
    run.report(before, after if changed else before, changed, collaborator=after if changed else before)


def main():
    run = runner(dict(
        org=dict(type='str', required=True),
        username=dict(type='str', required=True),
        repository=dict(type='str'),
        permission=dict(type='str'),
        state=dict(type='str', default='present', choices=['present', 'absent']),
    ), logins=('org', 'username'), required_if=[('state', 'present', ('permission',))])
    repo, want = checked(run)
    if repo is None:
        whole_org(run)
    one_repository(run, repo, want)


if __name__ == '__main__':
    main()
