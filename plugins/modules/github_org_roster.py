#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) gitops.github contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: github_org_roster
short_description: Converge the whole membership of one GitHub organization in one task
version_added: 0.2.0
description:
  - Makes the owners, members and teams (maintainers and members) of one organization match one
    description, the same keys as one entry of the C(membership_orgs) variable of the role
    C(gitops.github.membership).
  - Reads the organization once (members by role, invitations, failed invitations over REST; every
    team with its parent and its immediate members through GraphQL, many teams a query), computes
    one plan for the whole organization, checks every guard on that whole plan, and only then
    writes, one request per real change.
  - Removing someone from the organization removes them from its teams, so no team removal is
    sent or counted for them. Check mode returns exactly the writes a real run sends.
  - Writes come in a safe order. Organization promotions and additions first (new owners are
    promoted before old ones are demoted), then team additions and promotions, then the public
    membership, then demotions, then removals; the token's own user, if it is demoted or removed
    at all, comes last.
author:
  - gitops.github developers (!UNKNOWN)
options:
  org:
    description:
      - Login of the organization (case-insensitive).
    type: str
    required: true
  owners:
    description:
      - Logins that must be organization owners (role C(admin)). Each must be a string.
      - Leave out both O(owners) and O(members) to manage only the teams of the organization.
      - Users who are not members yet are invited; a pending invitation counts as present.
    type: list
    elements: raw
  members:
    description:
      - Logins that must be plain organization members. Each must be a string.
      - A login may appear once in O(owners) and O(members) together, whatever its case.
      - When O(owners) or O(members) is given, every team maintainer and member must be one of
        them, so a team never silently invites someone to the organization.
    type: list
    elements: raw
  exclusive:
    description:
      - O(owners) and O(members) together are the whole organization; anyone else is removed and
        their pending invitation cancelled (which also takes them out of every team).
    type: bool
    default: false
  max_removals:
    description:
      - The most removals from the organization one run may make, a number (V(5)) or a percentage
        of the current members and invitations (V(10%)). More fails before any write.
    type: raw
    default: 25%
  min_owners:
    description:
      - No plan may leave fewer active owners than this (when it lowers their number). Pending
        owner invitations do not count.
    type: int
    default: 1
  allow_self:
    description:
      - Allow removing or demoting the user the token belongs to, in the organization and its teams.
    type: bool
    default: false
  public_membership:
    description:
      - V(true) publicizes, V(false) conceals the organization membership of the user the token
        belongs to (GitHub lets nobody else change it). Leave out to leave it alone.
      - Needs a user token; a GitHub App installation has no membership of its own.
    type: bool
  teams:
    description:
      - Teams of the organization, which must exist, and who is in them. Teams not listed are
        read (their members count as members of their parents) but not changed.
    type: list
    elements: dict
    default: []
    suboptions:
      team:
        description:
          - Slug of the team, as in its URL.
        type: str
        required: true
      maintainers:
        description:
          - Logins that must be immediate maintainers of the team. Organization owners always read
            back as maintainers, so list them here.
        type: list
        elements: raw
        default: []
      members:
        description:
          - Logins that must be immediate members of the team.
          - A login listed here that is a member only through a child team is added to this team
            directly.
        type: list
        elements: raw
        default: []
      exclusive:
        description:
          - Maintainers and members together are the immediate members of the team; anyone else
            who is an immediate member is removed, also when they are in a child team too. Members
            only through a child team cannot be removed here and are reported in RV(teams.inherited).
        type: bool
        default: false
      max_removals:
        description:
          - The most removals from this team one run may make, a number or a percentage of its
            immediate members and invitations. Removals made by an organization removal do not
            count.
        type: raw
        default: 25%
      managed_externally:
        description:
          - The team's members come from an identity provider (team synchronization). It is read
            and the differences are reported in RV(teams.problems), but nothing is written to it.
        type: bool
        default: false
      name:
        description:
          - The team's display name. Compared and reported in RV(teams.problems) when different;
            team settings are not changed by this version.
        type: str
      description:
        description:
          - The team's description. Compared and reported, not changed by this version.
        type: str
      privacy:
        description:
          - The team's visibility. Compared and reported, not changed by this version.
        type: str
        choices: [closed, secret]
      parent:
        description:
          - Slug of the parent team. Compared and reported, not changed by this version.
        type: str
      previously:
        description:
          - Former slugs of the team. Checked as slugs; renaming is not done by this version (a
            team that does not exist fails the task before any write).
        type: list
        elements: str
        default: []
extends_documentation_fragment:
  - gitops.github.github
  - gitops.github.github.ATTRIBUTES
notes:
  - Reads C(GET /orgs/{org}/members?role=admin) and C(?role=member), C(GET /orgs/{org}/invitations)
    and C(GET /orgs/{org}/failed_invitations) (not on GHES, which has no invitations), and
    C(GET /orgs/{org}/invitations/{id}/teams) for each invitation that carries teams, every C(Link)
    page followed; then the teams through GraphQL (C(POST /graphql), on GHES C(POST /api/graphql)),
    50 teams a query with the immediate members of each team (C(membership IMMEDIATE)), teams with more than 100 immediate
    members paged on in batched queries. With O(public_membership) also C(GET /user) and
    C(GET /orgs/{org}/public_members/{login}).
  - GraphQL counts points, not requests (each query here costs 1 point on github.com); the module
    reads C(rateLimit) with every query and waits for the reset (within O(rate_limit_max_wait))
    when the points left are fewer than the last query cost.
  - Writes C(PUT)/C(DELETE) on C(/orgs/{org}/memberships/{username}) and
    C(/orgs/{org}/teams/{team}/memberships/{username}), and C(PUT)/C(DELETE) on
    C(/orgs/{org}/public_members/{username}), spaced by O(write_delay), each verified by one read
    if it fails in transit.
  - If a write fails halfway, the task fails with RV(changes) holding the writes already made;
    running it again finishes the job.
  - Pending team invitations are read from the organization's invitations; GitHub does not say
    their team role, so it is checked once they have accepted.
seealso:
  - module: gitops.github.github_org_members
  - module: gitops.github.github_team_members
  - name: GitHub GraphQL API, Team.members
    description: The connection read for immediate team members.
    link: https://docs.github.com/en/graphql/reference/objects#team
'''

EXAMPLES = r'''
- name: The whole organization as code
  gitops.github.github_org_roster:
    org: acme
    exclusive: true
    max_removals: 3
    owners: [octo-admin, erin]
    members: [alice, bob, carol]
    teams:
      - team: platform
        maintainers: [alice]
        members: [bob]
        exclusive: true
      - team: platform-oncall
        members: [carol]

- name: Only the teams (the organization's members are left alone)
  gitops.github.github_org_roster:
    org: acme
    teams:
      - team: docs
        members: [carol]
'''

RETURN = r'''
impossible:
  description:
    - Check mode only. Additions GitHub would refuse, found with one C(GET /users/{login}) per person the plan
      brings into the organization (none when nobody is added), such as a login no user has, or an
      organization given as a user. They are left out of RV(changes), since no apply could make them.
  returned: success
  type: list
  elements: dict
  sample: [{"login": "no-such-user", "problem": "no GitHub user has the login no-such-user"}]
changes:
  description: Every write in the order it was (in check mode, would be) made.
  returned: always
  type: list
  elements: dict
  contains:
    scope:
      description: V(org), V(team) or V(public) (the token owner's public membership).
      type: str
      sample: team
    team:
      description: The team's slug for a team write, else V(null).
      type: str
      sample: platform
    action:
      description: V(add), V(role) or V(remove) (for V(public), V(add) publicizes, V(remove) conceals).
      type: str
      sample: add
    login:
      description: The user's login (V(null) for V(public)).
      type: str
      sample: bob
    role:
      description: The role written, V(null) for a removal.
      type: str
      sample: member
org:
  description: What happened to the organization's own membership.
  returned: always
  type: dict
  contains:
    added:
      description: Logins added (invited), in the order written.
      type: list
      elements: str
    removed:
      description: Logins removed or whose invitation was cancelled.
      type: list
      elements: str
    role_changed:
      description: Logins whose organization role was changed.
      type: list
      elements: str
    pending:
      description: Logins with a pending invitation after the task, sorted.
      type: list
      elements: str
    inherited:
      description: Always empty for the organization (kept so every section has the same keys).
      type: list
      elements: str
    problems:
      description: What the plan could not do.
      type: list
      elements: str
    failed_invitations:
      description: Logins (or e-mail addresses) of failed invitations, as read.
      type: list
      elements: str
  sample: {"added": ["new-hire"], "removed": [], "role_changed": [], "pending": ["new-hire"],
           "inherited": [], "problems": [], "failed_invitations": []}
teams:
  description: One entry per team of O(teams), by slug.
  returned: always
  type: dict
  contains:
    added:
      description: Logins added to the team (or invited with it).
      type: list
      elements: str
    removed:
      description: Logins removed from the team by a team write.
      type: list
      elements: str
    role_changed:
      description: Logins whose team role was changed.
      type: list
      elements: str
    pending:
      description: Logins with a pending invitation to the team after the task.
      type: list
      elements: str
    inherited:
      description: Unlisted logins who are members only through a child team; never removed here.
      type: list
      elements: str
    left_with_org:
      description: Logins who leave the team because they are removed from the organization (no team write).
      type: list
      elements: str
    problems:
      description: What was left alone and why (owners listed as members, settings that differ,
        changes not made to a team managed externally).
      type: list
      elements: str
    managed_externally:
      description: Whether the team was only read.
      type: bool
  sample: {"platform": {"added": ["bob"], "removed": [], "role_changed": [], "pending": [],
           "inherited": ["carol"], "left_with_org": [], "problems": [], "managed_externally": false}}
current:
  description:
    - The organization after the task (in check mode, as it would be), in the format of O(owners),
      O(members) and O(teams) - every team of the organization, with its immediate maintainers and
      members. Pending invitations count as owners or members (pending team invitations as
      members); invitations by e-mail, failed invitations and members only through a child team
      are left out. Applying it back changes nothing.
    - With only O(org) given the task manages nothing and reads everything, pending team
      invitations of every team included; the role's C(export) entry point uses this.
  returned: success
  type: dict
  sample: {"org": "acme", "owners": ["octo-admin"], "members": ["alice", "bob"],
           "teams": [{"team": "platform", "maintainers": ["alice"], "members": ["bob"]}]}
public:
  description: Whether the token owner's membership is public after the task; V(null) when not managed.
  returned: always
  type: bool
  sample: true
diff:
  description:
    - The organization and its listed teams before and after, as mappings from login to role,
      such as C(admin), C(member (pending)) or C(member (inherited)).
  returned: always
  type: dict
  sample: {"before": {"org": {"alice": "member"}, "teams": {"platform": {}}},
           "after": {"org": {"alice": "member"}, "teams": {"platform": {"alice": "member"}}}}
api_requests:
  description: How many HTTP requests the task sent (a GraphQL query counts as one).
  returned: always
  type: int
  sample: 6
graphql_queries:
  description: How many GraphQL queries the task sent.
  returned: always
  type: int
  sample: 1
graphql_cost:
  description: The GraphQL points GitHub charged (V(0) where GitHub does not count them).
  returned: always
  type: int
  sample: 1
'''

from ansible_collections.gitops.github.plugins.module_utils._client import GitHubError, quote_segment
from ansible_collections.gitops.github.plugins.module_utils._common import GitHubModule, login_problem, slug_problem, write_membership
from ansible_collections.gitops.github.plugins.module_utils._graphql import GraphQL
from ansible_collections.gitops.github.plugins.module_utils._listing import impossible_additions
from ansible_collections.gitops.github.plugins.module_utils._lists import ADD, REMOVE, Change
from ansible_collections.gitops.github.plugins.module_utils._orgstate import read_org
from ansible_collections.gitops.github.plugins.module_utils._roster import (
    ORG,
    PUBLIC,
    TEAM,
    Incomplete,
    RosterPlan,
    additions_to_look_up,
    execute,
    export_view,
    guard_problems,
    needs_own_login,
    plan_roster,
    report,
    roster_from_params,
    without_additions,
)
from ansible_collections.gitops.github.plugins.module_utils._teams import TeamRef, idp_hint

PERSON = dict(type='list', elements='raw')


def argument_spec():
    team = dict(
        team=dict(type='str', required=True),
        maintainers=dict(PERSON, default=[]),
        members=dict(PERSON, default=[]),
        exclusive=dict(type='bool', default=False),
        max_removals=dict(type='raw', default='25%'),
        managed_externally=dict(type='bool', default=False),
        name=dict(type='str'),
        description=dict(type='str'),
        privacy=dict(type='str', choices=['closed', 'secret']),
        parent=dict(type='str'),
        previously=dict(type='list', elements='str', default=[]),
    )
    return dict(
        org=dict(type='str', required=True),
        owners=dict(PERSON),
        members=dict(PERSON),
        exclusive=dict(type='bool', default=False),
        max_removals=dict(type='raw', default='25%'),
        min_owners=dict(type='int', default=1),
        allow_self=dict(type='bool', default=False),
        public_membership=dict(type='bool'),
        teams=dict(type='list', elements='dict', default=[], options=team),
    )


def describe(write, org):
    change = write.change
    if write.scope == PUBLIC:
        return '%s the membership of the token owner in %s' % ('publicize' if change.action == ADD else 'conceal', org)
    where = org if write.scope == ORG else 'team %s in %s' % (write.team, org)
    if change.action == ADD:
        return 'add %s to %s as %s' % (change.login, where, change.role)
    if change.action == REMOVE:
        return 'remove %s from %s' % (change.login, where)
    return 'change the role of %s in %s to %s' % (change.login, where, change.role)


def make_writer(client, org, own):
    base = '/orgs/%s' % quote_segment(org)

    def write(item):
        change = item.change
        if item.scope == PUBLIC:
            path = '%s/public_members/%s' % (base, quote_segment(own))
            public = change.action == ADD

            def landed():
                status = client.request('GET', path, expected=(204, 404)).status
                return {} if (status == 204) == public else None
            client.request('PUT' if public else 'DELETE', path, expected=(204,), verify=landed)
            return None
        if item.scope == ORG:
            path = '%s/memberships/%s' % (base, quote_segment(change.login))
        else:
            path = '%s/teams/%s/memberships/%s' % (base, quote_segment(item.team), quote_segment(change.login))
        role = None if change.action == REMOVE else change.role
        data = write_membership(client, path, role, adding=change.action == ADD)
        return (data or {}).get('state')
    return write


def main():
    gh = GitHubModule(argument_spec=argument_spec(), logins=('org',))
    params = gh.params
    org = params['org']
    roster, problems = roster_from_params(params, validate_login=login_problem)
    for index, entry in enumerate(params['teams']):
        for key in ('team', 'parent'):
            if entry.get(key) is not None:
                problem = slug_problem(entry[key], 'teams[%d].%s' % (index, key))
                if problem:
                    problems.append(problem)
        for former in entry.get('previously') or []:
            problem = slug_problem(former, 'teams[%d].previously entry' % index)
            if problem:
                problems.append(problem)
    if problems:
        gh.fail('Invalid input for %s: %s' % (org, '; '.join(problems)))

    client = gh.client
    gql = GraphQL(client)
    own = None
    operation = 'read the membership of %s' % org
    try:
        if roster.public_membership is not None:
            operation = 'read the token owner (GET /user)'
            own = client.current_login()
            if own is None:
                gh.fail('public_membership needs a user token: a GitHub App installation has no membership of its own')
            operation = 'read the membership of %s' % org
        manages = roster.wanted is not None or roster.teams or roster.public_membership is not None
        state = read_org(client, org, own_login=own, with_public=roster.public_membership is not None, gql=gql,
                         roster_teams=[(t.slug, t.exclusive, list(t.wanted)) for t in roster.teams] if manages else None)
    except GitHubError as exc:
        gh.fail_request(operation, exc)

    plan = plan_roster(state, roster)
    if plan.problems:
        gh.fail('Cannot plan %s: %s' % (org, '; '.join(plan.problems)), **_result(gh, gql, plan, [], state))
    if own is None and needs_own_login(plan):
        try:
            own = client.current_login()
        except GitHubError as exc:
            gh.fail_request('read the token owner (GET /user)', exc, **_result(gh, gql, plan, [], state))
    plan = plan_roster(state, roster, own_login=own)
    guards = guard_problems(plan, own)
    if guards:
        gh.fail('; '.join(guards), would_change=[w.as_dict() for w in plan.writes],
                **_result(gh, gql, plan, [], state))
    for section in report(plan, [], state)['teams'].values():
        for problem in section['problems']:
            gh.warn(problem)

    impossible = []
    if gh.check_mode:
        # Check mode promises only what apply can do: one GET /users/{login} per person the plan
        # would bring into the organization (none when nobody is added).
        try:
            impossible = impossible_additions(client, [Change(ADD, login) for login in additions_to_look_up(plan).values()])
        except GitHubError as exc:
            gh.fail_request('look up the users to add to %s' % org, exc, **_result(gh, gql, plan, [], state))
        for problem in impossible:
            gh.warn('%s: cannot add %s: %s' % (org, problem['login'], problem['problem']))
        plan = without_additions(plan, [p['login'].lower() for p in impossible])
        done, after = execute(plan, lambda item: None)
    else:
        done, after = apply_plan(gh, gql, plan, make_writer(client, org, own), org)
    gh.exit(changed=bool(done), current=export_view(after), impossible=impossible,
            **_result(gh, gql, plan, done, after))


def apply_plan(gh, gql, plan, writer, org):
    """Make the plan's writes in order; returns ``(done, after)``. A team that GitHub refuses to
    change because its identity provider manages it (a 403, confirmed by its IdP group mappings or
    external groups, or by GitHub's own wording) has its remaining writes skipped and reported, and
    the other teams and the organization go on; the task then fails naming the team. Any other
    failure stops at once. Every failure reports exactly the writes already made."""
    client = gh.client
    done, state, todo, skipped, hints = [], plan.before, list(plan.writes), [], []
    while True:
        part = RosterPlan(state, plan.roster, todo, plan.teams, plan.problems)
        try:
            made, state = execute(part, writer, errors=(Exception,))
            done.extend(made)
            break
        except Incomplete as exc:
            done.extend(exc.done)
            state = exc.state
            operation = describe(exc.write, org)
            hint = None
            if exc.write.scope == TEAM and isinstance(exc.error, GitHubError):
                hint = idp_hint(exc.error, client, TeamRef(org, slug=exc.write.team))
            rest = todo[todo.index(exc.write) + 1:]
            if hint:
                team = exc.write.team.lower()
                left = [exc.write] + [w for w in rest if w.scope == TEAM and w.team.lower() == team]
                skipped.extend(left)
                hints.append('%s: %s (%s)' % (operation, hint, exc.error))
                todo = [w for w in rest if not (w.scope == TEAM and w.team.lower() == team)]
                continue
            result = _result(gh, gql, plan, done, state)
            result.update(changed=bool(done), failed_change=exc.write.as_dict(),
                          skipped_writes=[describe(w, org) for w in skipped])
            error = exc.error if isinstance(exc.error, GitHubError) else client._scrub(
                '%s: %s' % (type(exc.error).__name__, exc.error))
            gh.fail_request(operation, error, **result)
    if skipped:
        result = _result(gh, gql, plan, done, state)
        result.update(changed=bool(done), managed_externally=sorted(set(w.team for w in skipped)),
                      skipped_writes=[describe(w, org) for w in skipped])
        gh.fail('%s; skipped, since the identity provider manages the team: %s. Mark such a team '
                'managed_externally: true to read and report it only'
                % ('; '.join(hints), ', '.join(describe(w, org) for w in skipped)), **result)
    return done, state


def _result(gh, gql, plan, done, after):
    result = report(plan, done, after)
    result.update(api_requests=gh.client.request_count, graphql_queries=gql.queries, graphql_cost=gql.cost)
    return result


if __name__ == '__main__':
    main()
