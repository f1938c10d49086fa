#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) gitops.github contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: github_team_repository
short_description: Manage one team's permission on one repository of a GitHub organization
version_added: 0.1.0
description:
  - Gives a team of a GitHub organization a permission on a repository, changes it, or takes the
    team's access away.
  - Reads the team's permission first (C(GET .../teams/{team}/repos/{owner}/{repo}) with the
    repository media type) and writes only when it differs from what is asked.
author:
  - gitops.github developers (@gitops)
options:
  repository:
    description:
      - Name of the repository, owned by O(org). V(owner/name) names a repository of another owner
        (GitHub accepts a direct fork of one of the organization's repositories).
      - Compared case-insensitively, as GitHub does.
    type: str
    required: true
  permission:
    description:
      - V(pull), V(triage), V(push), V(maintain), V(admin), or the name of a custom repository role
        of the organization (compared case-insensitively).
      - V(read) and V(write), the words GitHub's answers use, are taken as V(pull) and V(push).
      - Required when O(state=present).
    type: str
  state:
    description:
      - V(present) gives the team O(permission) on the repository, V(absent) removes the repository
        from the team (the repository itself stays).
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - gitops.github.github
  - gitops.github.github.ORG
  - gitops.github.github.TEAM
  - gitops.github.github.ATTRIBUTES
notes:
  - The permission is read from the answer's C(role_name) (which names custom roles too), else
    from its highest C(permissions) flag; GitHub's older answers have only the flags.
  - GitHub answers the team's read with a repository the team reaches through a I(parent) team as
    well ("Repositories inherited through a parent team will also be checked"). When a write could
    not change what GitHub shows (O(state=absent), or a lower permission, while the parent grants
    the access shown), the task reads the parent (two more requests), reports RV(inherited_from)
    with a warning and writes nothing, rather than report a change on every run; change the
    access on the parent team.
  - A grant of the team's own equal to its parent's looks the same in that read. For O(state=absent)
    the task then reads the team's repository list (C(GET .../teams/{team}/repos), paged; GitHub
    documents the parent's access for the check, not for this list). When the list names the
    repository, the task removes it (C(DELETE)) and reports a change, and GitHub goes on showing
    the parent's access (RV(inherited_from)).
  - GitHub answers 404 both when the team has no access and when the token cannot see the
    repository; a missing team is told apart with one more read and fails the task.
seealso:
  - module: gitops.github.github_team_membership
  - module: gitops.github.github_outside_collaborator
  - name: GitHub REST API for teams
    description: The team repository endpoints this module uses.
    link: https://docs.github.com/en/rest/teams/teams#check-team-permissions-for-a-repository
'''

EXAMPLES = r'''
- name: Let the platform team push to widgets
  gitops.github.github_team_repository:
    org: acme
    team: platform
    repository: widgets
    permission: push

- name: Give the security team a custom repository role
  gitops.github.github_team_repository:
    org: acme
    team: security
    repository: widgets
    permission: auditor

- name: Take the repository away from the team
  gitops.github.github_team_repository:
    org: acme
    team: platform
    repository: widgets
    state: absent
'''

RETURN = r'''
access:
  description: The team's access to the repository after the task (in check mode, as it would be).
  returned: success
  type: dict
  contains:
    team:
      description: The team's slug (its id with O(team_id)).
      type: str
      sample: platform
    repository:
      description: The repository as V(owner/name).
      type: str
      sample: acme/widgets
    permission:
      description: V(pull), V(triage), V(push), V(maintain), V(admin) or a custom role's name; V(null) without access.
      type: str
      sample: push
inherited_from:
  description: The parent team whose grant GitHub shows on this team, when the task could not change it, or removed
    an equal grant of the team's own (see the notes).
  returned: when the access comes through the parent team
  type: str
  sample: platform
diff:
  description: The access before and after, the same shape as RV(access).
  returned: always
  type: dict
  sample: {"before": {"team": "platform", "repository": "acme/widgets", "permission": "pull"},
           "after": {"team": "platform", "repository": "acme/widgets", "permission": "push"}}
api_requests:
  description: How many HTTP requests the task sent.
  returned: success
  type: int
  sample: 1
'''

from ansible_collections.gitops.github.plugins.module_utils._access import (
    RepoRef,
    get_team_repo,
    remove_team_repo,
    set_team_repo,
    team_lists_repo,
    team_parent,
)
from ansible_collections.gitops.github.plugins.module_utils._permissions import (
    access_action,
    permission_of,
    permission_problem,
    repository_problem,
    shadowed,
    split_repository,
    wanted_permission,
)
from ansible_collections.gitops.github.plugins.module_utils._module import runner
from ansible_collections.gitops.github.plugins.module_utils._resources import TeamNotFound, exists, team_ref


def checked(run):
    """``(repository, permission)`` from the options; bad input fails before any request."""
    params = run.params
    problems = [repository_problem(params['repository'], owner_allowed=True)]
    if params['permission'] is not None:
        problems.append(permission_problem(params['permission']))
    problems = [p for p in problems if p]
    if problems:
        run.fail('; '.join(problems))
    owner, name = split_repository(params['repository'], params['org'])
    want = wanted_permission(params['permission']) if params['permission'] is not None else None
    return RepoRef(owner, name), want


def read(run, repo):
    """``(team, access)``: the team, and its permission on ``repo``; fails when the team is missing."""
    params = run.params
    view = dict(team=str(params['team'] or params['team_id']), repository='%s/%s' % (repo.owner, repo.name), permission=None)
    with run.step('find team', missing=dict(access=view)):
        ref = team_ref(run.client, params['org'], params['team'], params['team_id'])
    with run.step('read the permission of %s on %s' % (ref.label, repo.label), dict(access=view)):
        data = get_team_repo(run.client, ref, repo)
    if data is None:
        with run.step('read %s' % ref.label, missing=dict(access=view)):
            if not exists(run.client, ref):
                raise TeamNotFound('%s was not found, or the token cannot see it (GET %s returned HTTP 404)'
                                   % (ref.label[0].upper() + ref.label[1:], ref.base))
    else:
        # An answer without a permission GitHub documents is access of an unknown level: rewrite it.
        view['permission'] = permission_of(data) or 'unknown'
    return ref, view


def inherited(run, ref, repo, before, action, want, result):
    """``(parent, own)``: the parent team whose grant GitHub shows on this team when the write
    ``action`` could not change what GitHub shows (else ``None``), and for a removal whether the
    team's own list names the repository too (a grant of its own, equal to the parent's, that the
    DELETE still takes away)."""
    if action not in ('remove', 'update'):
        return None, False
    with run.step('read %s' % ref.label, dict(access=before)):
        parent = team_parent(run.client, ref)
    if parent is None:
        return None, False
    with run.step('read the permission of %s on %s' % (parent.label, repo.label), dict(access=before)):
        data = get_team_repo(run.client, parent, repo)
    if not shadowed(before['permission'], permission_of(data), run.params['state'], want):
        return None, False
    result['inherited_from'] = parent.slug
    own = False
    if action == 'remove':
        with run.step('read the repositories of %s' % ref.label, dict(access=before)):
            own = team_lists_repo(run.client, ref, repo)
    if own:
        run.warn('%s keeps %s on %s through its parent team %s, and GitHub shows the parent\'s access on the '
                 'child: its own grant is removed, change the rest on %s'
                 % (ref.label, before['permission'], repo.label, parent.slug, parent.slug))
    else:
        run.warn('%s has %s on %s through its parent team %s, and GitHub shows the parent\'s access on the child: '
                 'change it on %s' % (ref.label, before['permission'], repo.label, parent.slug, parent.slug))
    return parent, own


def write(run, ref, repo, action, want, before, shown_by_parent):
    """The one write ``action`` calls for (``PUT`` or ``DELETE``)."""
    what = ('remove %s from %s' % (repo.label, ref.label) if action == 'remove'
            else 'give %s %s on %s' % (ref.label, want, repo.label))
    with run.step(what, dict(access=before, diff=dict(before=before, after=before))):
        if action == 'remove':
            remove_team_repo(run.client, ref, repo, shown_by_parent=shown_by_parent)
        else:
            set_team_repo(run.client, ref, repo, want)


def access_after(run, before, action, want, own):
    """The access GitHub shows once ``action`` is made."""
    if own or not action:
        # After the DELETE of a grant equal to its parent's, GitHub goes on showing the parent's.
        return before
    return dict(before, permission=want if run.params['state'] == 'present' else None)


def main():
    run = runner(dict(
        repository=dict(type='str', required=True),
        permission=dict(type='str'),
        state=dict(type='str', default='present', choices=['present', 'absent']),
    ), team=True, required_if=[('state', 'present', ('permission',))])
    repo, want = checked(run)
    result = {}
    ref, before = read(run, repo)
    action = access_action(before['permission'], run.params['state'], want)
    parent, own = inherited(run, ref, repo, before, action, want, result)
    if parent is not None and not own:
        action = None
    after = access_after(run, before, action, want, own)
    if action and not run.check_mode:
        write(run, ref, repo, action, want, before, own)
    run.report(before, after, bool(action), access=after, **result)


if __name__ == '__main__':
    main()
