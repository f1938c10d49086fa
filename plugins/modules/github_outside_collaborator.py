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
  - With O(convert_member=true) (and no O(repository)), converts an organization member into an
    outside collaborator (C(PUT /orgs/{org}/outside_collaborators/{username})). This is the only way
    the collection converts anyone; nothing converts a departing member as a side effect.
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
      - Required with O(state=present), unless O(convert_member=true). Without it, O(state=absent) acts on
        every repository of O(org).
    type: str
  permission:
    description:
      - V(pull), V(triage), V(push), V(maintain), V(admin), or the name of a custom repository role
        of the organization (compared case-insensitively). V(read) and V(write) are taken as
        V(pull) and V(push).
      - Required with O(state=present) and O(repository).
    type: str
  state:
    description:
      - V(present) gives the person O(permission) on O(repository); V(absent) removes their access
        (or cancels their invitation) to O(repository), or to every repository without it.
    type: str
    choices: [present, absent]
    default: present
  convert_member:
    description:
      - With O(state=present) and no O(repository), make the person an outside collaborator of O(org);
        an organization member is converted (their membership ends), someone already an outside
        collaborator is left as they are (not changed).
      - GitHub, "Converting an organization member to an outside collaborator" - "After converting an
        organization member to an outside collaborator, they'll only have access to the repositories
        that their current team membership allows." Their organization base permission, team
        memberships and organization roles go with the membership.
      - Fails before any write for an organization owner (make them a member first with
        M(gitops.github.github_org_membership)), for someone with only a pending invitation, for
        someone neither a member nor an outside collaborator, and for the token's own user unless
        O(allow_self=true).
    type: bool
    default: false
  allow_self:
    description:
      - With O(convert_member=true), allow converting the user the token belongs to.
      - Without it the module fails before writing, so a typo cannot lock you out.
    type: bool
    default: false
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
    outside collaborator is done only with O(convert_member=true).
  - GitHub documents the refusals of a conversion as HTTP 403 ("Forbidden if user is the last owner
    of the organization, not a member of the organization, or if the enterprise enforces a policy
    for inviting outside collaborators") and 404; the module finds the first two before any write,
    and reports an enterprise policy's 403 with GitHub's status and message. GitHub may answer 202
    ("User is getting converted asynchronously"); the result's state is then V(pending).
  - A converted member's "privileges as organization members are saved for three months" (GitHub),
    to be restored if they are invited back within that time.
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

- name: A departing member keeps their team's repositories as an outside collaborator
  gitops.github.github_outside_collaborator:
    org: acme
    username: leaving-lee
    convert_member: true
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
        - With O(convert_member=true), V(member) before a conversion (in RV(diff)), V(active) after it,
          or V(pending) while GitHub converts asynchronously (HTTP 202).
      type: str
      sample: pending
    permission:
      description: The permission on O(repository); V(null) when absent or without O(repository).
      type: str
      sample: push
    invitations:
      description:
        - Without O(repository), the repositories the person has a pending invitation to.
        - Not read with O(convert_member=true) (always empty then).
      type: list
      elements: str
      sample: [acme/widgets]
diff:
  description: The access before and after, the same shape as RV(collaborator).
  returned: always
  type: dict
  sample: {"before": {"login": "contractor-jo", "repository": "acme/widgets", "state": "absent", "permission": null},
           "after": {"login": "contractor-jo", "repository": "acme/widgets", "state": "pending", "permission": "push"}}
conversion:
  description:
    - With O(convert_member=true), when a member is (or in check mode would be) converted, what GitHub
      keeps and ends, in GitHub's words.
  returned: when a member is converted
  type: dict
  contains:
    role:
      description: Their organization role before the conversion (always V(member)).
      type: str
      sample: member
    kept:
      description: What they keep, quoted from GitHub's documentation of the conversion.
      type: str
      sample: "After converting an organization member to an outside collaborator, they'll only have access to the
        repositories that their current team membership allows."
    ended:
      description: What ends, quoted from GitHub's documentation.
      type: str
      sample: "The user will no longer be a member of the organization."
    restorable:
      description: For how long GitHub keeps their membership privileges, quoted from GitHub's documentation.
      type: str
      sample: "When you convert an organization member to an outside collaborator, their privileges as organization
        members are saved for three months ..."
api_requests:
  description: How many HTTP requests the task sent.
  returned: success
  type: int
  sample: 3
'''

from ansible_collections.gitops.github.plugins.module_utils._access import (
    RepoRef,
    add_collaborator,
    convert_member_to_outside_collaborator,
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

# What GitHub keeps and ends when it converts a member, in its words: the REST reference
# (OpenAPI orgs/convert-member-to-outside-collaborator, github.com and GHES 3.19) and the article
# "Converting an organization member to an outside collaborator" (docs.github.com).
CONVERSION = dict(
    role='member',
    kept="After converting an organization member to an outside collaborator, they'll only have access to the "
         "repositories that their current team membership allows.",
    ended='The user will no longer be a member of the organization.',
    restorable='When you convert an organization member to an outside collaborator, their privileges as organization '
               'members are saved for three months so that you can restore their membership privileges if you invite '
               'them to rejoin your organization within that time frame.',
)


def checked(run):
    """``(repository or None, permission or None)``; bad input fails before any request."""
    params = run.params
    problems = [p for p in value_problems(params) + [combination_problem(params)] if p]
    if problems:
        run.fail('; '.join(problems))
    repo = RepoRef(params['org'], params['repository']) if params['repository'] is not None else None
    return repo, wanted_permission(params['permission']) if params['permission'] is not None else None


def value_problems(params):
    """What is wrong with the repository and the permission given (``None`` for each that is fine)."""
    problems = []
    if params['repository'] is not None:
        problems.append(repository_problem(params['repository']))
    if params['permission'] is not None:
        problems.append(permission_problem(params['permission']))
    return problems


def combination_problem(params):
    """What is wrong with how state, repository, permission and convert_member go together, or ``None``."""
    if params['convert_member'] and (params['state'] != 'present' or params['repository'] is not None):
        return ('convert_member=true acts on the whole organization with state=present: leave out repository '
                'and state=absent')
    if params['state'] == 'present' and params['repository'] is None and not params['convert_member']:
        return ('repository is required with state=present: name the repository to give access to, or set '
                'convert_member=true to make an organization member an outside collaborator')
    if params['state'] == 'present' and params['repository'] is not None and params['permission'] is None:
        return 'permission is required with state=present and a repository'
    return None


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
                     'gitops.github.github_org_membership, convert them with convert_member=true (state=present), or name '
                     'a repository' % (username, org), collaborator=view)
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


def refuse_conversion(run, org, view, member):
    """Fail before any write when GitHub would refuse the conversion (403: not a member, the last
    owner) or the module does: the token's own user without allow_self, any owner."""
    login = view['login']
    if not member or member.get('state') != 'active':
        if member and member.get('state') == 'pending':
            run.fail('%s has a pending invitation to %s, not a membership, so there is nothing to convert (GitHub answers '
                     'HTTP 403 "<user> is not a member of the <organization> organization."); cancel it with '
                     'gitops.github.github_org_membership (state=absent) or name a repository' % (login, org), collaborator=view)
        run.fail('%s is neither a member nor an outside collaborator of %s, so there is nothing to convert; name a repository '
                 'and a permission to give them access (GitHub invites them)' % (login, org), collaborator=view)
    if not run.params['allow_self']:
        with run.step('read the token owner (GET /user)', dict(collaborator=view)):
            own = run.client.current_login()
        if own and own.lower() == login.lower():
            run.fail('Refusing to convert %s, the user this token belongs to, into an outside collaborator of %s: set '
                     'allow_self=true if you mean it' % (login, org), collaborator=view)
    if member.get('role') == 'admin':
        run.fail('%s is an owner of %s: converting an owner ends their ownership with their membership, and GitHub refuses '
                 'the last owner (HTTP 403 "Cannot convert the last owner to an outside collaborator"); make them a member '
                 'first with gitops.github.github_org_membership (role=member), then convert them' % (login, org),
                 collaborator=view)


def convert(run):
    """convert_member=true: an active member becomes an outside collaborator; an outside
    collaborator is left as they are; anyone else fails before any write."""
    org, username = run.params['org'], run.params['username']
    view = dict(login=username, repository=None, state='absent', permission=None, invitations=[])
    with run.step('read the outside collaborators of %s' % org, dict(collaborator=view)):
        listed = [x for x in list_outside_collaborators(run.client, org) if x.lower() == username.lower()]
    if listed:
        view.update(login=listed[0], state='active')
        run.report(view, view, False, collaborator=view)
    with run.step('read membership of %s in %s' % (username, org), dict(collaborator=view)):
        member = get_membership(run.client, OrgRef(org), username)
    user = (member or {}).get('user')
    if isinstance(user, dict) and isinstance(user.get('login'), str):
        view['login'] = user['login']
    refuse_conversion(run, org, view, member)
    before = dict(view, state='member')
    after = dict(view, state='active')
    if not run.check_mode:
        with run.step('convert %s into an outside collaborator of %s' % (before['login'], org), dict(collaborator=before)):
            after['state'] = convert_member_to_outside_collaborator(run.client, org, before['login'])
    run.report(before, after, True, collaborator=after, conversion=CONVERSION)


def main():
    run = runner(dict(
        org=dict(type='str', required=True),
        username=dict(type='str', required=True),
        repository=dict(type='str'),
        permission=dict(type='str'),
        state=dict(type='str', default='present', choices=['present', 'absent']),
        convert_member=dict(type='bool', default=False),
        allow_self=dict(type='bool', default=False),
    ), logins=('org', 'username'))
    repo, want = checked(run)
    if run.params['convert_member']:
        convert(run)
    if repo is None:
        whole_org(run)
    one_repository(run, repo, want)


if __name__ == '__main__':
    main()
