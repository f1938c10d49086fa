#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) gitops.github contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r'''
module: github_org_roster
short_description: Converge the whole membership of one GitHub organization in one task
version_added: 0.1.0
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
  - Organization roles (O(organization_roles)), outside collaborators (O(outside_collaborators))
    and team repository access (O(teams[].repositories)) are planned in the same run, on the
    organization the membership plan leaves, and guarded with it before the first write. Their
    writes come after every membership write (so a grant comes after the team creation or rename
    it needs). The grants come first (additions, then changes that keep or raise a permission), then
    the revocations (changes that lower one, then removals). A person the membership plan removes
    loses their roles with the membership, and a team it deletes its access with the team, so
    neither is written nor counted as a removal.
author:
  - gitops.github developers (@gitops)
options:
  owners:
    description:
      - People who must be organization owners (role C(admin)). Each is a login string or a
        person mapping with the keys C(login), C(id), C(expires) and C(email) (see the notes).
      - Leave out both O(owners) and O(members) to manage only the teams of the organization.
      - Users who are not members yet are invited; a pending invitation counts as present.
    type: list
    elements: raw
  members:
    description:
      - People who must be plain organization members (login strings or person mappings, as
        O(owners)).
      - A login may appear once in O(owners) and O(members) together, whatever its case.
      - When O(owners) or O(members) is given, every team maintainer and member must be one of
        them, so a team never silently invites someone to the organization.
    type: list
    elements: raw
  delete_unlisted_teams:
    description:
      - Delete the teams of the organization that O(teams) does not list (nor renames through
        O(teams[].previously)). Every deletion, its guard and its budget are computed on the
        planned tree (parents and slugs after this task's creations, moves and renames); GitHub
        deletes a team's child teams with it, so an unlisted team above a listed one (by its new
        or old slug, or moved or created there by this task) fails the task before any write. The
        deletions, child teams included, count against O(max_removals), as a share of the
        organization's teams.
      - Nothing is deleted when O(teams) is empty; the teams are then reported in
        RV(org.unlisted_teams) with a problem saying none was deleted.
      - Enterprise teams (GitHub lists them with the type V(enterprise)) are never deleted.
      - V(false) only reports them, in RV(org.unlisted_teams) and a warning.
    type: bool
    default: false
  reinvite_failed:
    description:
      - Send again the invitations of listed people that expired (GitHub lets an invitation
        expire after 7 days and lists it in C(GET /orgs/{org}/failed_invitations) with
        C(failed_reason)). The failed record is deleted first
        (C(DELETE /orgs/{org}/invitations/{invitation_id})), since it would block the new
        invitation. They are reported in RV(org.reinvited).
      - An invitation that failed for another reason (C(no_more_seats), C(trade_controls),
        C(already_accepted), C(invalid_generic), ...) is never sent again, since a retry cannot
        fix it; it is listed in RV(org.not_retried) with its reason, and the task warns.
      - V(false) leaves them alone and lists them in RV(org.not_reinvited).
    type: bool
    default: true
  max_invitations:
    description:
      - The most invitations sent in 24 hours (organization additions on github.com, and team
        additions of people who are not members yet). The pending and failed invitations created
        in the 24 hours before the run count against it (their C(created_at)). GitHub allows an
        organization 50 invitations a day, 500 when it is older than a month or on a paid plan.
      - The writes past the limit are left for a later run and counted in
        RV(org.invitations_left); the task warns.
      - When GitHub answers an invitation with 422 C(Over invitation rate limit), that
        invitation and the later ones (with the team additions of those people) are deferred the
        same way, with a warning; the other writes are still made and the task does not fail.
    type: int
    default: 50
  expiring_within_days:
    description:
      - Access whose C(expires) falls within this many days is listed in RV(org.expiring) and
        RV(teams.expiring), so someone can renew it.
    type: int
    default: 14
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
      - A percentage rounds down but never forbids removing one person (the budget is there
        against mass removals, like the C(--maximum-removal-delta) of prow's peribolos, a
        fraction of the current members). A number is taken as it is; V(0) or V(0%) forbids
        every removal.
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
      - Teams of the organization and who is in them. A listed team that does not exist is
        created (C(POST /orgs/{org}/teams)); with a user token GitHub makes that user its
        maintainer, which the task undoes unless the user is listed. Teams not listed are read
        (their members count as members of their parents) but not changed.
      - Team identifiers are compared as GitHub compares them, before any request; a team listed
        twice in any case, a O(teams[].name) whose slug is another listed team's, and a former
        slug claimed by two teams or equal to another listed team's slug fail the task.
      - An enterprise team (GitHub lists it with the type V(enterprise)) cannot be changed through the
        organization API, so a listed one is treated as O(teams[].managed_externally).
    type: list
    elements: dict
    default: []
    suboptions:
      team:
        description:
          - Slug of the team, as in its URL, as a string; a YAML boolean or number (C(no), C(0123)) fails
            before any request, naming the key; quote it.
        type: raw
        required: true
      maintainers:
        description:
          - People who must be immediate maintainers of the team, as login strings or person
            mappings (C(login), C(id), C(expires); not C(email)). Organization owners always read
            back as maintainers, so list them here.
        type: list
        elements: raw
        default: []
      members:
        description:
          - People who must be immediate members of the team, as O(teams[].maintainers).
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
          - A percentage never forbids removing one person, so someone who added themselves by
            hand to a team of two can be removed with the default.
        type: raw
        default: 25%
      managed_externally:
        description:
          - The team's members come from an identity provider (team synchronization). It is read
            and the differences are reported in RV(teams.problems), but nothing is written to it,
            its settings included; such a team is neither created nor renamed here.
        type: bool
        default: false
      name:
        description:
          - The team's display name; GitHub derives the slug from it (lower case, accents dropped,
            other characters as dashes, so C(My TEam Näme) gives C(my-team-name)), so its slug must be
            O(teams[].team) (checked before any request; letters whose slug GitHub does not
            document fail). A team that does not exist is created with this name (default the slug).
          - A string, like O(teams[].team).
        type: raw
      description:
        description:
          - The team's description, set when created and converged (C(PATCH)) when different.
          - A string, like O(teams[].team).
        type: raw
      privacy:
        description:
          - The team's visibility, set when created and converged when different. GitHub
            refuses V(secret) for a team with a parent or children, so a plan that leaves a secret
            team with either fails before any write. Left out, GitHub's default applies to a new
            team (V(secret), V(closed) for a child), except that a new team the plan gives child
            teams is created V(closed).
        type: str
        choices: [closed, secret]
      parent:
        description:
          - Slug of the parent team, which must exist or be listed; listed parents are created
            before their children. A cycle of parents fails before any request.
          - A child team a GitHub App creates lands at the root, pending approval; the task reads
            GitHub's answer and, when it shows another parent, sets it (C(PATCH)).
          - A string, like O(teams[].team).
        type: raw
      notification_setting:
        description:
          - Set when the team is created (GitHub's default is C(notifications_enabled)). Not read
            back, so not converged on an existing team.
        type: str
        choices: [notifications_enabled, notifications_disabled]
      previously:
        description:
          - Former slugs of the team. When the team does not exist but one of these does, that
            team is renamed (C(PATCH) with the new name), keeping its members, instead of a new
            team being created and the old one left behind.
          - Each a string, like O(teams[].team); a former slug YAML read as a boolean (C(no)) would
            match no team, and O(delete_unlisted_teams) would delete the team it names.
        type: list
        elements: raw
        default: []
      repositories:
        description:
          - The team's own access to repositories of the organization, a mapping of repository name
            to permission, V(pull), V(triage), V(push), V(maintain), V(admin) or a custom
            repository role's name (C(PUT /orgs/{org}/teams/{team_slug}/repos/{owner}/{repo})).
            Names are strings (a YAML C(no) or C(2023) fails, naming the key); a repository or
            permission GitHub does not know fails before any write.
          - Access the team has through a parent team is listed in RV(repositories) as C(inherited)
            and never written; a grant listed here is the team's own.
          - A team this task creates may be listed; a renamed team is named by its new slug.
        type: raw
        version_added: 0.2.0
      exclusive_repositories:
        description:
          - The team's own access to repositories not in O(teams[].repositories) is removed, counted
            against O(max_removals).
        type: bool
        default: false
        version_added: 0.2.0
  organization_roles:
    description:
      - Organization roles and who holds them directly, each C({role, users, teams, exclusive}).
        C(role) is the role's name as C(GET /orgs/{org}/organization-roles) lists it (predefined
        roles such as C(security_manager) or C(all_repo_read), and custom roles; an unknown name
        fails before any write), C(users) logins (or C({login, id}) mappings) of active members,
        C(teams) team slugs (a team this task creates or renames by its new slug), C(exclusive)
        removes the role's direct assignments not listed.
      - Holders only through a team are reported, never written. A user the same task removes
        from the organization, or only invites, cannot hold a role (GitHub assigns them to members);
        the task fails before any write.
      - Needs an organization owner's token (or the C(read_organization_custom_org_role) permission);
        GitHub Enterprise Server documents organization roles from 3.16.
    type: list
    elements: dict
    version_added: 0.2.0
    suboptions:
      role:
        description: The role's name, a string (compared case-insensitively).
        type: raw
        required: true
      users:
        description: Active members who hold the role directly.
        type: list
        elements: raw
        default: []
      teams:
        description: Slugs of the teams that hold the role directly.
        type: list
        elements: raw
        default: []
      exclusive:
        description: Remove the role's direct assignments not listed, counted against O(max_removals).
        type: bool
        default: false
  outside_collaborators:
    description:
      - People outside the organization's membership who may reach its repositories, each a
        mapping with C(login) (and optionally C(id)) and C(repositories), a mapping of repository
        name to permission as in O(teams[].repositories). Someone who is not a collaborator yet is
        invited (C(PUT /repos/{owner}/{repo}/collaborators/{username})); a pending repository
        invitation counts as present.
      - An organization member listed here fails before any request (converting a member is never
        a side effect; M(gitops.github.github_outside_collaborator) with
        O(gitops.github.github_outside_collaborator#module:convert_member=true) converts one explicitly).
    type: list
    elements: raw
    version_added: 0.2.0
  exclusive_outside_collaborators:
    description:
      - Outside collaborators not in O(outside_collaborators) are removed from every repository of
        the organization (C(DELETE /orgs/{org}/outside_collaborators/{username})) and their pending
        repository invitations cancelled; a listed one loses the repositories not listed. Each
        access removed counts against O(max_removals).
    type: bool
    default: false
  require_two_factor:
    description:
      - The two-factor policy. Reads the members and outside collaborators GitHub lists without
        two-factor authentication (C(filter=2fa_disabled)) or with an insecure method
        (C(filter=2fa_insecure)) on C(GET /orgs/{org}/members) and C(GET /orgs/{org}/outside_collaborators),
        every page (four lists; the requests grow with pages, not people). They are listed in
        RV(two_factor). Left out, nothing is read or checked.
      - V(report) only lists them.
      - V(fail) lists them and fails the task after the rest of the plan is made (in check mode,
        after it is predicted), so the drift playbook turns red while an apply still converges
        everything else.
      - V(remove) removes the members and owners among them that the data does not list (as owner,
        member, team maintainer or team member) through the same plan and guards as any removal;
        O(max_removals), O(min_owners) and the token's own user (O(allow_self)) protect them, a
        refused plan writes nothing, and their team memberships go with the organization
        membership. Outside collaborators among them that the data does not list in
        C(outside_collaborators) are removed from every repository
        (C(DELETE /orgs/{org}/outside_collaborators/{username})) after the other writes; they
        count against O(max_removals) together with the organization's removals (a percentage
        is of its members and invitations). Check mode predicts exactly these removals.
      - Someone the data lists is never removed by the policy (the next run would invite them
        again); they are listed in RV(two_factor.kept) with a warning. Take them out of the data,
        or have them enable two-factor authentication.
      - A pending invitee has no two-factor status GitHub shows, so invitations are not checked.
      - Needs an organization owner's token. GitHub documents the filter as only available to
        owners; a refusal (HTTP 403 or 422, GitHub says C(Only owners can use this filter.)), or a
        token whose user is a plain member, fails the task naming it, never reads as "nobody".
      - V(2fa_insecure) is documented for github.com and GHES 3.17 and later; an older GHES that
        refuses it (HTTP 422) is listed in RV(two_factor.unchecked) with a warning, V(2fa_disabled)
        still checked.
    type: str
    choices: [report, fail, remove]
    version_added: 0.2.0
  membership_file:
    description:
      - Path of a membership file (YAML or JSON, its top level a mapping with C(membership_orgs), a
        list of organization entries as the role P(gitops.github.membership#role) takes them); the
        entry whose C(org) equals O(org) (in any case) gives O(owners), O(members), O(teams) and
        the other options it sets. A missing entry fails naming the file and the organization; an
        option set both in the entry and in the task fails before any request.
      - Read on the controller by the action plugin, through Ansible's data loader, so
        vault-encrypted files and C(!vault) values work with the run's vault secrets. Aliases and
        keys are checked before anything is built; a file larger than 64 MiB or expanding to more
        than 2,000,000 nodes (a YAML alias bomb) is refused. The data never becomes an Ansible
        variable.
      - When the task runs on another host than the controller, the entry is read on the
        controller and sent to the module as its options.
      - Relative paths are relative to the playbook's directory (the role's, in a role), as for
        C(include_vars).
    type: path
    version_added: 0.2.0
  return_current:
    description:
      - Return RV(current), the whole organization after the task. It is always returned when
        the task manages nothing (only O(org) given, as the export does).
      - The export also reads every organization role with its direct holders, every outside
        collaborator's and every team's own repository access (a part the token may not read, such
        as organization roles on a GitHub Enterprise Server without them, is left out with a
        warning). Pending repository invitations are not read there (one request per repository).
    type: bool
    default: false
    version_added: 0.2.0
extends_documentation_fragment:
  - gitops.github.github
  - gitops.github.github.ORG
  - gitops.github.github.ATTRIBUTES
notes:
  - "A person mapping: C(login) (GitHub's login); C(id) (GitHub's immutable user id, as the
    export writes it: when GitHub shows that id under another login and the listed login is no
    longer in the organization, the user was renamed, the entry means the new login everywhere
    in the file, nobody is removed or re-invited, and RV(org.renamed) and a warning say
    C(login changed from X to Y); an id GitHub shows for another current member, or a login it
    shows with another id, fails before any write naming both; an id that is not among the active
    members, such as a renamed pending invitee or someone who left, is looked up with
    C(GET /user/{account_id}), so the old login, which someone else may have claimed, is never
    invited);
    C(expires) (an ISO 8601 date such as C(2026-12-31), meaning through the end of that day UTC,
    or a timestamp with its offset such as C(2026-12-31T18:00:00Z)); C(email) (invite this
    address with C(POST /orgs/{org}/invitations); then C(login) may be absent)."
  - Once an entry's C(expires) has passed it counts as not listed. In an exclusive scope (the
    organization with O(exclusive), a team with O(teams[].exclusive)) the person is removed,
    through the removal guards; elsewhere the task only reports it in RV(org.expired) or
    RV(teams.expired) and warns. An expired organization entry expires that person's team
    entries too. Bad C(expires) values fail the task before any request.
  - A pending e-mail invitation is kept while its address is listed; an exclusive organization
    cancels it (C(DELETE /orgs/{org}/invitations/{invitation_id})) when it no longer is. Once the
    invitee accepts, GitHub shows them by login only, so list the login then (the export does).
    A listed address with neither a pending nor a failed invitation is never invited by a plan
    that also removes someone (who may be the person who accepted); such a plan fails before any
    write, naming the address and the people it would remove. In a plan that removes nobody the
    address is invited; when GitHub answers that a user with it is already a part of the
    organization, nothing is sent, the address is listed in RV(org.already_members) with a
    warning, and the other writes are still made.
  - An accepted address never comes with the removal of its holder. An address whose expired
    invitation is sent again may be answered "already a part of the organization" too (its holder
    joined by login meanwhile), and GitHub's member list shows no e-mail address, so any member a
    run would remove could be the holder. Invitations are sent before any removal; when one to a
    listed address is answered so, or is left for the next run (O(max_invitations), GitHub's
    invitation limit), the run removes no active member from the organization (pending invitations
    are still cancelled) and lists those it kept in RV(org.removals_withheld) with a warning.
  - Check mode cannot know that answer, so it promises the invitation of every listed address it
    would invite and lists those addresses in RV(org.may_be_members).
  - When the failed record of an invitation sent again was deleted and GitHub then refused the new
    invitation, RV(changes) lists the deletion (action V(delete_failed_invitation)) and the task is
    changed.
  - Identifiers are compared as GitHub compares them, before any request. A login listed twice in
    any case (also once plainly and once as a mapping), one id given to two logins or one login
    given two ids, and one e-mail address claimed twice in any case fail the task, across
    O(owners) and O(members) and within each team's maintainers and members.
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
  - Reads C(GET /user/{account_id}) for each listed C(id) that is not among the active members and
    whose login is not in the organization either (none otherwise).
  - Writes C(PUT)/C(DELETE) on C(/orgs/{org}/memberships/{username}) and
    C(/orgs/{org}/teams/{team}/memberships/{username}), and C(PUT)/C(DELETE) on
    C(/orgs/{org}/public_members/{username}), spaced by O(write_delay), each verified by one read
    if it fails in transit.
  - If a write fails halfway, the task fails with RV(changes) holding the writes already made;
    running it again finishes the job. One thing a run cut short can leave that no later run can
    tell from a wanted membership, the token's user as maintainer of a team the run created, when
    it stopped before taking them out. Later runs do not remove them; they name them in
    RV(teams.creator_left), the team's RV(teams.problems) and the drift report.
  - Pending team invitations are read from the organization's invitations; GitHub does not say
    their team role, so it is checked once they have accepted.
  - "The access keys are read only when the entry names them, in requests that grow with pages, not
    with people times repositories: C(GET /orgs/{org}/organization-roles) and, for each role the
    entry names, its users and teams lists; C(GET /orgs/{org}/custom-repository-roles); the teams'
    own repositories and the repositories' outside collaborators through GraphQL (50 a query), with
    C(GET /orgs/{org}/outside_collaborators); the pending invitations only of the repositories the
    entry names (of every repository with O(exclusive_outside_collaborators))."
  - If an access write fails halfway, the task fails with RV(changes) (every membership write was
    made) and RV(access_changes) holding the access writes already made, and
    RV(failed_access_change); running it again finishes the job.
  - "Where it runs: when the task's connection is C(local) (a play on C(localhost),
    C(connection: local), or C(delegate_to: localhost)) the action plugin runs the same read,
    plan, guards and writes in the controller's own process, with the Python that runs Ansible
    (C(ansible_python_interpreter) is then not used), and prints its progress at C(-v) as it
    happens; the result is the module's. Any other connection runs the module on the target as
    usual. The variable C(gitops_github_engine) (V(auto), the default; V(controller); V(module))
    overrides the rule; V(controller) on a remote connection fails. When C(requests) is missing
    from the controller's Python, V(auto) runs the module; an C(async) task always runs the module."
seealso:
  - module: gitops.github.github_org_members
  - module: gitops.github.github_team_members
  - name: GitHub GraphQL API, Team.members
    description: The connection read for immediate team members.
    link: https://docs.github.com/en/graphql/reference/objects#team
'''

EXAMPLES = r'''
- name: One organization of a membership file (vaulted values work), read on the controller
  gitops.github.github_org_roster:
    org: acme
    membership_file: membership.yml

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

- name: People by id (renames follow), time-bound access and an invitation by e-mail
  gitops.github.github_org_roster:
    org: acme
    exclusive: true
    owners: [{login: octo-admin, id: 583231}]
    members:
      - {login: alice, id: 1001}
      - {login: contractor, expires: "2026-12-31"}
      - {email: new.colleague@example.com}
    teams:
      - team: platform
        members: [alice, {login: contractor, expires: "2026-10-01T18:00:00Z"}]

- name: Organization roles, one of them exclusive
  gitops.github.github_org_roster:
    org: acme
    organization_roles:
      - role: security_manager
        teams: [security]
        exclusive: true
      - role: all_repo_read
        users: [auditor-alice]

- name: Outside collaborators, and nobody else
  gitops.github.github_org_roster:
    org: acme
    exclusive_outside_collaborators: true
    outside_collaborators:
      - login: contractor-carl
        repositories: {widgets: push, docs: pull}

- name: A team's own repository access
  gitops.github.github_org_roster:
    org: acme
    teams:
      - team: platform
        repositories: {widgets: maintain, docs: triage}
        exclusive_repositories: true

- name: Only the teams (the organization's members are left alone)
  gitops.github.github_org_roster:
    org: acme
    teams:
      - team: docs
        members: [carol]
- name: Members and outside collaborators without two-factor authentication lose their access
  gitops.github.github_org_roster:
    org: acme
    owners: [octo-admin, erin]
    require_two_factor: remove
    max_removals: 5
'''

RETURN = r'''
organization_roles:
  description:
    - What the task did (in check mode, would do; in a refused or failed run, what it planned) to
      the organization roles, when O(organization_roles) is given. Each entry is
      C({role, user}) or C({role, team}).
  returned: when O(organization_roles) is given
  type: dict
  version_added: 0.2.0
  contains:
    added:
      description: Assignments made.
      type: list
      elements: dict
    removed:
      description: Assignments removed (O(organization_roles[].exclusive)).
      type: list
      elements: dict
    changed:
      description: Always empty (an assignment has no setting).
      type: list
      elements: dict
  sample: {"added": [{"role": "security_manager", "team": "security"}], "removed": [], "changed": []}
outside_collaborators:
  description:
    - What the task did to the outside collaborators, when O(outside_collaborators) or
      O(exclusive_outside_collaborators) is given.
  returned: when O(outside_collaborators) or O(exclusive_outside_collaborators) is given
  type: dict
  version_added: 0.2.0
  contains:
    added:
      description: C({login, repository, permission}) granted (an invitation for someone not yet a collaborator).
      type: list
      elements: dict
    removed:
      description: C({login, repository, permission}) removed; C(repository) is V(null) for a removal from every
        repository of the organization.
      type: list
      elements: dict
    changed:
      description: C({login, repository, before, after}) whose permission changed.
      type: list
      elements: dict
  sample: {"added": [{"login": "contractor-carl", "repository": "widgets", "permission": "push"}], "removed": [],
           "changed": []}
repositories:
  description:
    - Per listed team (by its slug after the task) that names O(teams[].repositories) or
      O(teams[].exclusive_repositories), what the task did to its own repository access, and
      C(inherited), the access it has only through a parent team (C({repository, permission, from})),
      reported and never written.
  returned: when a team names O(teams[].repositories) or O(teams[].exclusive_repositories)
  type: dict
  version_added: 0.2.0
  sample: {"platform": {"added": [{"repository": "widgets", "permission": "maintain"}], "removed": [],
           "changed": [{"repository": "docs", "before": "pull", "after": "triage"}], "inherited": []}}
access_changes:
  description:
    - The access writes in the order they were (in check mode, would be) made, after every write of
      RV(changes). In a run that failed midway, those made before the failure.
  returned: when an access key is given
  type: list
  elements: dict
  version_added: 0.2.0
  sample: [{"section": "repositories", "action": "add", "kind": "team", "subject": "platform", "target": "widgets",
            "permission": "maintain", "before": null, "ref": null, "weight": 0, "phase": 0}]
failed_access_change:
  description: The access write that failed, as in RV(access_changes).
  returned: when an access write failed
  type: dict
  version_added: 0.2.0
impossible:
  description:
    - Check mode only. Additions GitHub would refuse, found with one C(GET /users/{login}) per person the plan
      brings into the organization (none when nobody is added), such as a login no user has, or an
      organization given as a user. They are left out of RV(changes), since no apply could make them.
    - The same holds for the new outside collaborators of O(outside_collaborators) (one lookup per
      person who is none yet); their writes are left out of RV(access_changes) and RV(outside_collaborators).
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
      description: V(org), V(team), V(team_settings) (the team itself) or V(public) (the token
        owner's public membership).
      type: str
      sample: team
    team:
      description: The team's slug for a team write, else V(null).
      type: str
      sample: platform
    action:
      description: V(add), V(role) or V(remove) (for V(public), V(add) publicizes, V(remove) conceals);
        for V(team_settings) V(create), V(rename), V(update) or V(delete); V(delete_failed_invitation)
        when a failed invitation's record was deleted and GitHub then refused the new invitation.
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
    settings:
      description: For V(team_settings) (a team created, renamed or updated, RV(changes[].action)
        V(create), V(rename) or V(update)), the settings written.
      type: dict
      returned: for team_settings writes
      sample: {"description": "The web people"}
    new_slug:
      description: For a rename, the team's new slug.
      type: str
      returned: for renames
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
    unlisted_teams:
      description: Slugs of the organization's teams the file does not list (when it lists any team,
        or sets O(delete_unlisted_teams)); enterprise teams are left out.
      type: list
      elements: str
    deleted_teams:
      description: Slugs of the teams deleted (O(delete_unlisted_teams)), with the child teams
        GitHub deletes with their parent.
      type: list
      elements: str
    reinvited:
      description: Logins whose expired or failed invitation was (would be) sent again.
      type: list
      elements: str
    not_reinvited:
      description: Listed logins whose invitation expired or failed and is not sent again
        (O(reinvite_failed=false)).
      type: list
      elements: str
    not_retried:
      description: Listed people whose invitation failed for a reason a retry cannot fix, as
        C({login, reason, failed_at}) (C(reason) is GitHub's C(failed_reason)); never sent again.
      type: list
      elements: dict
    invitations_left:
      description: Invitations left for the next run because of O(max_invitations).
      type: int
    deferred:
      description: The writes left for the next run because of O(max_invitations), as in RV(changes).
      type: list
      elements: dict
    already_members:
      description:
        - Listed e-mail addresses that GitHub refused to invite because a user with that address is
          already a part of the organization (the invitation was accepted; GitHub then shows the
          person by login only). Nothing is sent to them and the other writes go on; list the login
          instead of the address.
      type: list
      elements: str
    removals_withheld:
      description:
        - Active members whose removal from the organization this run did not make because a listed
          e-mail address was not resolved, since GitHub answered its invitation with "already a part
          of this organization" (see RV(org.already_members)) or the invitation was left for the
          next run (RV(org.deferred)). GitHub's member list shows no e-mail address, so any of them
          could hold it. List the holder's login instead of the address; a later run removes the others.
      type: list
      elements: str
    may_be_members:
      description:
        - In check mode, the listed e-mail addresses whose invitation RV(changes) promises and that
          GitHub may answer with "already a part of this organization" (an earlier invitation
          accepted; GitHub then shows the person by login only, so only the real run can tell). The
          real run then sends nothing to them, lists them in RV(org.already_members) and is not
          changed by them. Always empty in a real run.
      type: list
      elements: str
    renamed:
      description: People of the file whose C(id) GitHub shows under another login, as
        C({id, from, to}).
      type: list
      elements: dict
    expired:
      description: Owners and members whose C(expires) has passed, as C({login, expires}).
      type: list
      elements: dict
    expiring:
      description: Owners and members whose access ends within O(expiring_within_days), as
        C({login, expires, days_left}).
      type: list
      elements: dict
  sample: {"added": ["new-hire"], "removed": [], "role_changed": [], "pending": ["new-hire"],
           "inherited": [], "problems": [], "failed_invitations": [], "reinvited": [], "not_reinvited": [], "not_retried": [],
           "invitations_left": 0, "deferred": [], "already_members": [], "removals_withheld": [],
           "may_be_members": [], "renamed": [], "expired": [],
           "expiring": [{"login": "contractor", "expires": "2026-12-31", "days_left": 9}]}
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
      description: Whether the team was only read (O(teams[].managed_externally), or an enterprise team).
      type: bool
    withheld:
      description: The writes (memberships and settings) a team that is only read is not given, as in RV(changes).
      type: list
      elements: dict
    creator_left:
      description: The token's user when it is an immediate member of the team without being listed
        there, which a run cut short after creating the team leaves (GitHub makes the creator
        maintainer); V(null) otherwise. Named, never removed.
      type: str
    created:
      description: Whether the team is (would be) created by this task.
      type: bool
    renamed_from:
      description: The former slug the team is renamed from, else V(null).
      type: str
    settings_changed:
      description: The team settings written (created, renamed or updated).
      type: dict
    expired:
      description: Team entries whose C(expires) has passed (or whose organization entry has), as
        C({login, expires}).
      type: list
      elements: dict
    expiring:
      description: Team entries whose access ends within O(expiring_within_days).
      type: list
      elements: dict
  sample: {"platform": {"added": ["bob"], "removed": [], "role_changed": [], "pending": [],
           "inherited": ["carol"], "left_with_org": [], "problems": [], "managed_externally": false}}
two_factor:
  description:
    - The two-factor policy's findings (O(require_two_factor)).
    - C(policy); C(without), each person without (secure) two-factor authentication as
      C({login, kind, filter}) (C(kind) V(owner), V(member) or V(outside_collaborator); C(filter)
      V(2fa_disabled) or V(2fa_insecure)); C(removed), whom the run removes for the policy
      (check mode and a refused run, would remove) as C({login, kind}); C(kept), listed people
      the policy leaves; C(unchecked), filters this GitHub could not answer; C(added) and
      C(changed) are always empty.
  returned: when O(require_two_factor) is set
  type: dict
  contains:
    policy:
      description: O(require_two_factor).
      type: str
    without:
      description: Each person without (secure) two-factor authentication, as C({login, kind, filter}).
      type: list
      elements: dict
    removed:
      description: Whom the run removes for the policy (check mode and a refused run, would remove), as C({login, kind}).
      type: list
      elements: dict
    kept:
      description: People without it whom the data lists, so V(remove) leaves them, as C({login, kind}).
      type: list
      elements: dict
    unchecked:
      description: Filters this GitHub could not answer (V(2fa_insecure) on an older GHES), with why.
      type: list
      elements: str
    added:
      description: Always empty (the policy adds nobody).
      type: list
      elements: dict
    changed:
      description: Always empty.
      type: list
      elements: dict
  sample: {"policy": "remove", "without": [{"login": "bob", "kind": "member", "filter": "2fa_disabled"}],
           "added": [], "removed": [{"login": "bob", "kind": "member"}], "changed": [], "kept": [], "unchecked": []}
current:
  description:
    - The organization after the task (in check mode, as it would be), in the format of O(owners),
      O(members) and O(teams) - every team of the organization, with its immediate maintainers and
      members. Pending invitations count as owners or members (pending team invitations as
      members); invitations by e-mail, failed invitations and members only through a child team
      are left out. Applying it back changes nothing.
    - With only O(org) given the task manages nothing and reads everything, pending team
      invitations of every team included; the role's C(export) entry point uses this.
    - When the access was read (the export reads it all), C(organization_roles) (the roles with
      direct holders, C({role, users, teams})), C(outside_collaborators) (C({login, repositories}))
      and each team's own C(repositories) (not inherited ones; left out when it has none), in the
      shapes of the options.
  returned: when O(return_current) is set or the task manages nothing (only O(org) given)
  type: dict
  sample: {"org": "acme", "owners": ["octo-admin"], "members": ["alice", "bob"],
           "teams": [{"team": "platform", "maintainers": ["alice"], "members": ["bob"]}]}
manages_members:
  description:
    - Whether the task manages the organization's own owners and members (O(owners) or O(members)
      given, directly or by the entry of O(membership_file)); the role's drift report reads it.
  returned: when the organization was read
  type: bool
  sample: true
  version_added: 0.2.0
public:
  description: Whether the token owner's membership is public after the task; V(null) when not managed.
  returned: always
  type: bool
  sample: true
diff:
  description:
    - The organization, each listed team and (when managed) the public membership before and
      after, one element each, so that C(--diff) shows every change under the name of its own
      team (RV(diff[].before_header)). Members are mappings from login to role, such as
      C(admin), C(member (pending)), C(member (inherited)), or C(own team role (hidden while an
      owner)) for an owner demoted in the same run, whose own team role GitHub did not show.
    - Only the scopes that differ, that the plan writes to (or would, when a guard refuses it) or
      whose writes are withheld (O(teams[].managed_externally)), so a run that changes nothing
      returns an empty list.
    - One more element, V(access), when the plan writes organization roles, outside collaborators or
      team repository access, with the roles (users, and teams as C(team:slug)), people and teams it
      touches, before and after.
  returned: always
  type: list
  elements: dict
  contains:
    scope:
      description: V(org), V(team), V(public) or V(access).
      type: str
    team:
      description: The team's slug for V(team), else V(null).
      type: str
    before_header:
      description: What the element is about, such as C(team platform in acme).
      type: str
    after_header:
      description: The same as RV(diff[].before_header).
      type: str
    before:
      description: Login to role before the task (V(public) - whether the membership was public).
      type: dict
    after:
      description: Login to role after the task (in check mode, as it would be).
      type: dict
  sample: [{"scope": "org", "team": null, "before_header": "organization acme", "after_header": "organization acme",
            "before": {"alice": "member"}, "after": {"alice": "member"}},
           {"scope": "team", "team": "platform", "before_header": "team platform in acme",
            "after_header": "team platform in acme", "before": {}, "after": {"alice": "member"}}]
refused:
  description:
    - When a guard refuses the plan (O(max_removals), O(min_owners), O(allow_self)), each reason,
      as C({team, problem}) (C(team) is V(null) for the organization). The task then fails before
      any write, in check mode too; the message is the problems joined.
  returned: when a guard refuses the plan
  type: list
  elements: dict
  sample: [{"team": "platform", "problem": "Refusing to remove 2 of the 2 members and invitations of team platform in acme: ..."}]
would_change:
  description: When a guard refuses the plan, the writes it holds, as in RV(changes).
  returned: when a guard refuses the plan
  type: list
  elements: dict
summary:
  description:
    - What the task read, planned and wrote, one line each, with the seconds each took (the role
      shows them at C(-v)). A module cannot print while it runs; on the controller (see the notes)
      these lines, and one line per write made, are printed at C(-v) as they happen.
  returned: always
  type: list
  elements: str
  sample: ["read acme: 3000 members, 2 pending invitations, 150 teams (37 requests, 3 GraphQL queries) (17.9 s)",
           "planned 3 writes for 150 listed teams: 0 to the organization, 3 to 2 teams, 0 team settings, 0 public (0.2 s)",
           "wrote 3 of 3 planned writes (3.1 s)"]
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

from ansible_collections.gitops.github.plugins.module_utils._module import runner
from ansible_collections.gitops.github.plugins.module_utils._graphql import GraphQL
from ansible_collections.gitops.github.plugins.module_utils._plan import ADD, ORG, PENDING, PUBLIC, REMOVE, TEAM, TEAM_SETTINGS, Change
from ansible_collections.gitops.github.plugins.module_utils._org_reader import read_org
from ansible_collections.gitops.github.plugins.module_utils._plan_people import utc_now
from ansible_collections.gitops.github.plugins.module_utils._org_guards import guard_refusals, needs_own_login
from ansible_collections.gitops.github.plugins.module_utils._org_input import listed_team_slugs, roster_from_params
from ansible_collections.gitops.github.plugins.module_utils._org_predict import execute
from ansible_collections.gitops.github.plugins.module_utils._org_report import export_view, report
from ansible_collections.gitops.github.plugins.module_utils._plan_org import (
    additions_to_look_up,
    ids_to_look_up,
    plan_roster,
    without_additions,
)
from ansible_collections.gitops.github.plugins.module_utils._plan_roster_access import one_budget_problem
from ansible_collections.gitops.github.plugins.module_utils._roster_access import (
    access_refusals,
    access_removed_outside,
    apply_access,
    check_access,
    read_roster_access,
)
from ansible_collections.gitops.github.plugins.module_utils._resources import (
    impossible_additions,
    org_writer,
    users_by_id,
)
from ansible_collections.gitops.github.plugins.module_utils import _two_factor as two_factor_policy
from ansible_collections.gitops.github.plugins.module_utils._two_factor_reader import (
    TwoFactorRefused,
    read_lists,
    remove_outside,
    two_factor_of,
)

PERSON = dict(type='list', elements='raw')
ROLE = dict(role=dict(type='raw', required=True), users=dict(PERSON, default=[]), teams=dict(type='list', elements='raw', default=[]),
            exclusive=dict(type='bool', default=False))


def argument_spec():
    team = dict(
        # Identifiers and names are raw: the argument spec would turn a YAML `no` into 'False' and
        # 2023 into '2023' before the check (_membership_data.entry_problems) could name the key.
        team=dict(type='raw', required=True),
        maintainers=dict(PERSON, default=[]),
        members=dict(PERSON, default=[]),
        exclusive=dict(type='bool', default=False),
        max_removals=dict(type='raw', default='25%'),
        managed_externally=dict(type='bool', default=False),
        name=dict(type='raw'),
        description=dict(type='raw'),
        privacy=dict(type='str', choices=['closed', 'secret']),
        parent=dict(type='raw'),
        previously=dict(type='list', elements='raw', default=[]),
        notification_setting=dict(type='str', choices=['notifications_enabled', 'notifications_disabled']),
        # Issue 20: repository -> permission, raw so that the check names a YAML `no` key or value.
        repositories=dict(type='raw'),
        exclusive_repositories=dict(type='bool', default=False),
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
        reinvite_failed=dict(type='bool', default=True),
        delete_unlisted_teams=dict(type='bool', default=False),
        max_invitations=dict(type='int', default=50),
        expiring_within_days=dict(type='int', default=14),
        # Issue 20: raw where YAML could turn a name into something else (the check names the key).
        organization_roles=dict(type='list', elements='dict', options=ROLE),
        outside_collaborators=dict(type='list', elements='raw'),
        exclusive_outside_collaborators=dict(type='bool', default=False),
        # The controller path (issue 21): read by the action plugin, never by the module.
        membership_file=dict(type='path'),
        return_current=dict(type='bool', default=False),
        require_two_factor=dict(type='str', choices=list(two_factor_policy.POLICIES)),
    )


def wanted_roster(run):
    """The roster the options describe; fails before any request on bad input."""
    roster, problems = roster_from_params(run.params, now=utc_now())
    if problems:
        run.fail('Invalid input for %s: %s' % (run.params['org'], '; '.join(problems)))
    return roster


def read(run, gql, roster):
    """``(state, own login)``: the organization as it is (the token owner's login when the
    public membership is managed)."""
    client, org, own = run.client, run.params['org'], None
    if roster.public_membership is not None:
        with run.step('read the token owner (GET /user)'):
            own = client.current_login()
        if own is None:
            run.fail('public_membership needs a user token: a GitHub App installation has no membership of its own')
    manages = _manages(roster)
    with run.step('read the membership of %s' % org):
        state = read_org(client, org, own_login=own, with_public=roster.public_membership is not None, gql=gql,
                         roster_teams=listed_team_slugs(roster) if manages else None)
    with run.step('look up the listed user ids that are not among the members of %s (GET /user/{account_id})' % org):
        state.looked_up = users_by_id(client, ids_to_look_up(state, roster))
    pending = sum(1 for e in state.members.values() if e.state == PENDING)
    run.progress('read %s: %d members, %d pending invitations, %d teams (%d requests, %d GraphQL queries)'
                 % (state.org, len(state.members) - pending, pending, len(state.teams), client.request_count, gql.queries))
    return state, own


def read_two_factor_lists(run, roster):
    """Under ``require_two_factor``, the people without two-factor authentication
    (:func:`._two_factor_reader.read_lists`), read first: a token GitHub refuses the filter fails
    the task with that refusal; ``None`` when not asked."""
    if roster.require_two_factor is None:
        return None
    org, client = run.params['org'], run.client
    before = client.request_count
    with run.step('read the members and outside collaborators of %s without two-factor authentication' % org):
        try:
            lists = read_lists(client, org)
        except TwoFactorRefused as exc:
            run.fail(str(exc))
    run.progress('read %d members and %d outside collaborators of %s without two-factor authentication (%d requests)'
                 % (len(set(x for v in lists.members.values() for x in v)), len(set(x for v in lists.outside.values() for x in v)),
                    org, client.request_count - before))
    return lists


def two_factor_policy_of(run, lists, state, roster, own):
    """``(TwoFactor or None, own login)``: the policy's view of ``lists`` once the organization is
    read, and the outside collaborators it would remove."""
    if lists is None:
        return None, own
    org = run.params['org']
    with run.step('read the token owner (GET /user)'):
        own = run.client.current_login()
    try:
        found = two_factor_of(org, roster.require_two_factor, lists, state, own)
    except TwoFactorRefused as exc:
        run.fail(str(exc))
    # Whoever the file lists anywhere is kept: as an outside collaborator, and as an owner, member
    # or team member too (red team 21b: an outside collaborator listed as a member, invited by this
    # very run, lost every repository).
    listed = two_factor_policy.outside_listed(run.params.get('outside_collaborators'))
    two_factor_policy.outside_removals(found, listed + sorted(two_factor_policy.listed_keys(roster, {})))
    return found, own


def plan(run, gql, state, roster, own, two_factor=None, access=None):
    """``(plan, own login)``: the writes, planned once, and again only when the guards need the
    token owner's login and it was not read yet; fails when the plan has problems or a guard
    refuses it."""
    org = run.params['org']
    planned = plan_roster(state, roster, own_login=own, two_factor=two_factor)
    planned.access = access
    if planned.problems:
        run.fail('Cannot plan %s: %s' % (org, '; '.join(planned.problems)), **_result(run, gql, planned, [], state))
    if own is None and needs_own_login(planned):
        with run.step('read the token owner (GET /user)', lambda: _result(run, gql, planned, [], state)):
            own = run.client.current_login()
        planned = plan_roster(state, roster, own_login=own, two_factor=two_factor)
        planned.access = access
    run.progress(_plan_line(planned))
    refusals = guard_refusals(planned, own) + access_refusals(run, access, planned)
    # Someone exclusive_outside_collaborators removes from every repository is not removed a
    # second time, nor counted twice, for the two-factor policy.
    two_factor_policy.drop_outside(two_factor, access_removed_outside(access))
    budget = two_factor_policy.budget_refusal(two_factor, len(planned.of(ORG, REMOVE)), len(state.members),
                                              roster.max_removals, state.org)
    if budget:
        refusals.append({'team': None, 'problem': budget})
    budget = one_budget_problem(roster.max_removals, state.org, len(planned.of(ORG, REMOVE)), len(state.members), access,
                                len(two_factor.outside) if two_factor is not None else 0)
    if budget:
        refusals.append({'team': None, 'problem': budget})
    if refusals:
        run.progress('refused by %d guard(s): nothing written' % len(refusals), timed=False)
        # Check mode fails the same way (it predicts the apply); the role's drift report lists
        # RV(refused) and RV(would_change) instead of failing.
        run.fail('; '.join(r['problem'] for r in refusals), refused=refusals,
                 would_change=[w.as_dict() for w in planned.writes], **_result(run, gql, planned, [], state))
    reported = report(planned, [], state)
    for problem in reported['org']['problems'] + [p for t in reported['teams'].values() for p in t['problems']]:
        run.warn(problem)
    for problem in two_factor_policy.warnings(two_factor, org):
        run.warn(problem)
    return planned, own


def check(run, gql, planned, state):
    """Check mode promises only what apply can do: one GET /users/{login} per person the plan
    would bring into the organization (none when nobody is added). ``(plan, done, after, impossible)``."""
    org = run.params['org']
    with run.step('look up the users to add to %s' % org, lambda: _result(run, gql, planned, [], state)):
        impossible = impossible_additions(run.client, [Change(ADD, login) for login in additions_to_look_up(planned).values()])
    for problem in impossible:
        run.warn('%s: cannot add %s: %s' % (org, problem['login'], problem['problem']))
    planned = without_additions(planned, [p['login'].lower() for p in impossible])
    done, after = execute(planned, lambda item: None)
    impossible = impossible + check_access(run, planned.access)
    # Only GitHub's answer to the invitation tells whether a member holds a listed address (its
    # member list shows none): check mode promises the invitation and marks it.
    planned.may_be_members = [w.login for w in done if w.scope == ORG and w.action == ADD and '@' in w.login]
    run.progress('check mode: %d writes would be sent, none was' % len(done))
    return planned, done, after, impossible


def run_roster(run):
    """The whole run with a ready :class:`._runner.Runner`: read, plan, guard, then check mode or
    the writes, then the result. The module (:func:`main`) and the controller-side action plugin
    (``plugins/action/github_org_roster.py``) both call it, each with its own host."""
    org, gql = run.params['org'], GraphQL(run.client)
    if run.params.get('membership_file'):
        run.fail('membership_file is read on the controller by the action plugin of gitops.github.github_org_roster; '
                 'the module itself takes the data as options')
    roster = wanted_roster(run)
    lists = read_two_factor_lists(run, roster)
    state, own = read(run, gql, roster)
    two_factor, own = two_factor_policy_of(run, lists, state, roster, own)
    access = read_roster_access(run, gql, roster, export=not _manages(roster))
    planned, own = plan(run, gql, state, roster, own, two_factor, access)
    impossible = []
    if run.check_mode:
        planned, done, after, impossible = check(run, gql, planned, state)
    else:
        done, after = run.apply_roster(planned, org_writer(run.client, org, own, state.copy()),
                                       org, lambda done, after: _result(run, gql, planned, done, after))
        run.progress('wrote %d of %d planned writes' % (len(done), len(planned.writes)))
        if access is not None and access.plan is not None:
            apply_access(run, access, org, lambda: _result(run, gql, planned, done, after))
        _remove_outside_without_two_factor(run, gql, planned, done, after)
    changed = bool(done) or bool(access and access.done) or bool(_outside_removed(planned))
    failure = two_factor_policy.failure(two_factor, org)
    if failure:
        # A failure "changed" only by what it wrote: in check mode nothing was (the drift report lists it).
        run.fail(failure, **dict(_result(run, gql, planned, done, after), changed=changed and not run.check_mode))
    extra = {}
    # The whole organization as it is after the run, only when asked (or for the export, which
    # manages nothing and reads everything): at 50,000 members it is megabytes nobody reads.
    if run.params.get('return_current') or not _manages(roster):
        extra['current'] = export_view(after)
        extra['current'].update(access.current(extra['current']['teams']) if access is not None else {})
    run.exit(changed=changed, impossible=impossible, **dict(_result(run, gql, planned, done, after), **extra))


def main():
    run_roster(runner(argument_spec(), logins=('org',)))


def _manages(roster):
    """Whether the options manage anything (owners or members, teams, the public membership, the
    two-factor policy, the access keys)."""
    return (roster.wanted is not None or bool(roster.teams) or roster.public_membership is not None
            or roster.require_two_factor is not None or roster.access is not None)


def _outside_removed(plan):
    """The outside collaborators removed for the two-factor policy (check mode: would be)."""
    found = plan.two_factor
    if found is None:
        return []
    return found.outside if found.outside_done is None else found.outside_done


def _remove_outside_without_two_factor(run, gql, plan, done, after):
    """Under ``require_two_factor: remove``, the outside collaborators' removals, after every
    other write (guarded with them); a failure reports those already made."""
    found = plan.two_factor
    if found is None or not found.outside:
        return
    found.outside_done = []
    org = run.params['org']
    with run.step('remove the outside collaborators of %s without two-factor authentication' % org,
                  lambda: dict(_result(run, gql, plan, done, after), changed=bool(done or found.outside_done))):
        remove_outside(run.client, org, found.outside, found.outside_done, lambda line: run.progress(line, timed=False))


def _plan_line(plan):
    scopes = {}
    for write in plan.writes:
        scopes[write.scope] = scopes.get(write.scope, 0) + 1
    teams = set(w.team.lower() for w in plan.writes if w.scope in (TEAM, TEAM_SETTINGS) and w.team)
    return ('planned %d writes for %d listed teams: %d to the organization, %d to %d teams, %d team settings, %d public'
            % (len(plan.writes), len(plan.teams), scopes.get(ORG, 0), scopes.get(TEAM, 0), len(teams),
               scopes.get(TEAM_SETTINGS, 0), scopes.get(PUBLIC, 0)))


def _result(run, gql, plan, done, after):
    """The result of the run so far: :func:`report`, the counts, the progress lines, one diff per
    scope that differs or that the plan touches."""
    result = report(plan, done, after)
    if plan.two_factor is not None:
        result['two_factor'] = two_factor_policy.section(plan.two_factor, done or plan.writes)
    result.update(api_requests=run.client.request_count, graphql_queries=gql.queries, graphql_cost=gql.cost,
                  summary=list(run.lines), manages_members=plan.roster.wanted is not None,
                  diff=diff_by_scope(plan.before.org, result['diff'], _touched(plan, result)))
    if getattr(plan, 'access', None) is not None:
        result.update(plan.access.sections())
        result['diff'] = result['diff'] + plan.access.diff(plan.before.org)
    return result


def _touched(plan, result):
    """``(org, team keys, public)``: the scopes whose diff element is kept although before and after
    are the same: those the plan writes to (in a refused plan or a failed run, what would have
    changed needs the labels of its logins) and the teams whose writes are withheld."""
    org = public = False
    teams = set()
    for write in plan.writes:
        if write.scope == ORG:
            org = True
        elif write.scope == PUBLIC:
            public = True
        else:
            teams.update(slug.lower() for slug in (write.team, getattr(write.change, 'slug', None)) if slug)
    teams.update(slug.lower() for slug, section in result['teams'].items()
                 if section.get('withheld') or section.get('creator_left'))
    return org, teams, public


def diff_by_scope(org, views, touched=None):
    """The ``{before, after}`` views of :func:`report` as one diff per scope (the organization,
    each team, the public membership), each headed by its name: Ansible prints each element's
    hunks under its own header, so a change never shows under the team printed above it.

    With ``touched`` (:func:`_touched`), only the elements whose before and after differ or that
    it names: a run that changes nothing returns no diff, not the whole organization twice."""
    before, after = views['before'], views['after']
    keep_org, keep_teams, keep_public = touched if touched is not None else (True, None, True)
    out = []
    was, now = before.get('org') or {}, after.get('org') or {}
    if keep_org or was != now:
        out.append(_diff_element('org', None, 'organization %s' % org, was, now))
    out.extend(_team_diffs(org, before, after, keep_teams))
    out.extend(_public_diff(org, before, after, keep_public))
    return out


def _diff_element(scope, team, header, was, now):
    """One element of :func:`diff_by_scope`: a scope's before and after under its header."""
    return {'scope': scope, 'team': team, 'before_header': header, 'after_header': header, 'before': was, 'after': now}


def _team_diffs(org, before, after, keep_teams):
    """The teams' diff elements, by slug: every team when ``keep_teams`` is ``None``, else those
    that differ or that it names."""
    teams_before, teams_after = before.get('teams') or {}, after.get('teams') or {}
    out = []
    for slug in sorted(set(teams_before) | set(teams_after), key=str.lower):
        was, now = teams_before.get(slug, {}), teams_after.get(slug, {})
        if keep_teams is None or slug.lower() in keep_teams or was != now:
            out.append(_diff_element('team', slug, 'team %s in %s' % (slug, org), was, now))
    return out


def _public_diff(org, before, after, keep_public):
    """The public membership's diff element (none when the views leave it out, or when it is
    unchanged and not ``keep_public``)."""
    if 'public' not in before and 'public' not in after:
        return []
    if not keep_public and before.get('public') == after.get('public'):
        return []
    return [_diff_element('public', None, 'public membership of the token owner in %s' % org,
                          {'public': before.get('public')}, {'public': after.get('public')})]


if __name__ == '__main__':
    main()
