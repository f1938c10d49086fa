"""Hypothesis strategies for whole organizations and membership files, and the engine that applies
a file the way ``github_org_roster`` does (issue 18; reusable by property tests and the red team).

- :func:`worlds` draws a :class:`World`: a simulator seed (one organization ``acme`` with owners,
  members, nested teams, pending invitations by login, with teams and by e-mail, failed
  invitations, and members whose login changed since the file was written: the same user id under
  a new login) and the ``github_org_roster`` options of a membership file for it (kept, moved,
  renamed with ``previously``, dropped and new teams, ``delete_unlisted_teams``, person mappings
  with ``id``, removal budgets).
- :func:`run_engine` applies the options in-process against a simulator over HTTP on the module's
  own code path: ``read_org`` -> ``plan_roster`` -> ``guard_problems`` -> the check-mode lookups
  -> ``execute`` with ``org_writer`` (apply) or a no-op writer (check mode).
- :func:`observe` is GitHub's side, from the simulator's model: who is a member, who is invited,
  which teams exist (by id, so a renamed team is the same team) with which parent and members.

Logins, slugs and e-mail addresses come from small fixed pools so that examples collide often.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st

ORG = 'acme'
BOSS = 'boss'  # the token's user, an owner
TOKEN = 'sim-token-prop-boss'
POOL = ['ann', 'ben', 'cho', 'dee', 'eli', 'fay', 'gus', 'hal']
UID = dict([(BOSS, 100)] + [(p, 101 + i) for i, p in enumerate(POOL)])
TEAM_SLUGS = ['core', 'web', 'api', 'ops', 'sec']
NEW_TEAMS = ['new-one', 'new-two']
EMAILS = ['x1@example.com', 'x2@example.com']
BUDGETS = ['100%', '50%', '25%', 0, 1, 2]

# a person's standing in the organization before the run
OWNER, MEMBER, PENDING, FAILED, OUTSIDE = 'owner', 'member', 'pending', 'failed', 'outside'


@dataclass
class World:
    """One organization (``seed``, for ghsim) and one membership file for it (``params``, the
    options of ``github_org_roster``). ``login`` maps each pool name to the login GitHub shows now
    (``ann-new`` when ann was renamed); ``status`` is each pool name's standing before the run."""

    seed: dict
    params: dict
    login: dict
    status: dict
    notes: list = field(default_factory=list)

    def describe(self) -> str:
        import json
        return json.dumps({'seed': self.seed['orgs'][0], 'params': self.params}, indent=1, sort_keys=True, default=str)


def _subset(draw, items, max_size=None):
    items = list(items)
    if not items:
        return []
    return draw(st.lists(st.sampled_from(items), unique=True, max_size=len(items) if max_size is None else max_size))


@st.composite
def organizations(draw):
    """``(seed, login, status)`` of one organization."""
    status = dict((p, draw(st.sampled_from([OWNER, MEMBER, MEMBER, MEMBER, PENDING, FAILED, OUTSIDE])))
                  for p in POOL)
    active = [p for p in POOL if status[p] in (OWNER, MEMBER)]
    renamed = set(_subset(draw, active, max_size=2))
    login = dict((p, p + '-new' if p in renamed else p) for p in POOL)
    login[BOSS] = BOSS
    users = [{'login': login[p], 'id': UID[p]} for p in [BOSS] + POOL]
    teams = []
    for i, slug in enumerate(TEAM_SLUGS[:draw(st.integers(0, len(TEAM_SLUGS)))]):
        spec = {'slug': slug, 'name': slug.capitalize(), 'id': 7001 + i}
        parent = draw(st.sampled_from([None] + TEAM_SLUGS[:i]))
        if parent:
            spec['parent'] = parent
        people = _subset(draw, [BOSS] + active, max_size=4)
        spec['maintainers'] = [login[p] for p in people if draw(st.booleans())]
        spec['members'] = [login[p] for p in people if login[p] not in spec['maintainers']]
        teams.append(spec)
    invitations = []
    for p in POOL:
        if status[p] == PENDING:
            inv = {'login': login[p], 'role': draw(st.sampled_from(['direct_member', 'admin']))}
            chosen = _subset(draw, [t['slug'] for t in teams], max_size=2)
            if chosen:
                inv['teams'] = [{'slug': s, 'role': draw(st.sampled_from(['member', 'maintainer']))} for s in chosen]
            invitations.append(inv)
    for address in _subset(draw, EMAILS):
        invitations.append({'email': address, 'role': draw(st.sampled_from(['direct_member', 'admin']))})
    seed = {
        'users': users,
        'tokens': {TOKEN: BOSS},
        'orgs': [{
            'login': ORG, 'id': 9001,
            'owners': [BOSS] + [login[p] for p in POOL if status[p] == OWNER],
            'members': [login[p] for p in POOL if status[p] == MEMBER],
            'teams': teams,
            'invitations': invitations,
            'failed_invitations': [{'login': login[p]} for p in POOL if status[p] == FAILED],
        }],
    }
    return seed, login, status


def _person(draw, name, login):
    """How the file names ``name``: its login as GitHub shows it (any case), or a mapping with the
    user id; a renamed user by its old login and id, or by its new login."""
    uid = UID[name]
    if login[name] != name:
        return draw(st.sampled_from([{'login': name, 'id': uid}, login[name]]))
    return draw(st.sampled_from([login[name], login[name].upper(), {'login': login[name], 'id': uid}]))


@st.composite
def membership_files(draw, seed, login, status):
    """The ``github_org_roster`` options of a membership file for the organization of ``seed``."""
    org = seed['orgs'][0]
    params = {'org': ORG}
    listed = {}  # pool name (or BOSS) -> 'admin' | 'member'
    manages_people = draw(st.integers(0, 9)) > 0
    if manages_people:
        if draw(st.integers(0, 9)) > 0:
            listed[BOSS] = 'admin'
        for p in POOL:
            keep = status[p] in (OWNER, MEMBER, PENDING)
            if draw(st.integers(0, 3)) > 0 if keep else draw(st.booleans()):
                same = 'admin' if status[p] == OWNER else 'member'
                listed[p] = draw(st.sampled_from([same, same, 'admin' if same == 'member' else 'member']))
        owners = [_person(draw, p, login) for p, r in listed.items() if r == 'admin']
        members = [_person(draw, p, login) for p, r in listed.items() if r == 'member']
        for address in _subset(draw, EMAILS):
            (owners if draw(st.integers(0, 3)) == 0 else members).append({'email': address})
        params['owners'] = owners
        params['members'] = members
        params['exclusive'] = draw(st.booleans())
        params['max_removals'] = draw(st.sampled_from(BUDGETS))
    existing = [t['slug'] for t in org['teams']]
    entries = []
    for slug in existing:
        action = draw(st.sampled_from(['keep', 'keep', 'rename', 'drop']))
        if action == 'drop':
            continue
        entry = {'team': slug}
        if action == 'rename':
            entry = {'team': slug + '-2', 'previously': [slug]}
        entries.append(entry)
    for slug in _subset(draw, NEW_TEAMS):
        entries.append({'team': slug})
    names = [e['team'] for e in entries]
    # who may be listed in a team: with owners/members given, only people the file lists there
    people = list(listed) if manages_people else [BOSS] + [p for p in POOL if status[p] in (OWNER, MEMBER)]
    for entry in entries:
        # A team moves under another listed team or under any team GitHub has (one the file may
        # drop, or rename); leaving parent out keeps it where it is (the module cannot make a
        # team a root again: an option left out is None).
        if draw(st.integers(0, 2)) == 0:
            choices = sorted(set(n for n in names + existing if n != entry['team']))
            if choices:
                entry['parent'] = draw(st.sampled_from(choices))
        chosen = _subset(draw, people, max_size=4)
        entry['maintainers'] = [_person(draw, p, login) for p in chosen if draw(st.booleans())]
        entry['members'] = [_person(draw, p, login) for p in chosen
                            if not any(_same(m, p, login) for m in entry['maintainers'])]
        entry['exclusive'] = draw(st.booleans())
        entry['max_removals'] = draw(st.sampled_from(BUDGETS))
    params['teams'] = entries
    params['delete_unlisted_teams'] = draw(st.booleans())
    if draw(st.booleans()):
        params['max_removals'] = draw(st.sampled_from(BUDGETS))
    return params


def _same(ref, name, login):
    value = ref.get('login') if isinstance(ref, dict) else ref
    return isinstance(value, str) and value.lower() in (name.lower(), login[name].lower())


@st.composite
def worlds(draw):
    """A :class:`World`: an organization and a membership file for it."""
    seed, login, status = draw(organizations())
    params = draw(membership_files(seed, login, status))
    return World(seed, params, login, status)


# -- the module's options, as Ansible's argument spec would give them -------------------------

def module_params(params):
    """``params`` with every option of github_org_roster's argument spec filled in (its defaults,
    ``None`` for the rest), as ``roster_from_params`` receives them from Ansible."""
    from ansible_collections.gitops.github.plugins.modules.github_org_roster import argument_spec

    def fill(spec, given):
        out = {}
        for key, opt in spec.items():
            value = given.get(key, opt.get('default'))
            if key in given and value is not None and opt.get('type') == 'list' and opt.get('options'):
                value = [fill(opt['options'], item) for item in value]
            out[key] = value
        return out
    return fill(argument_spec(), params)


# -- the engine, in-process -----------------------------------------------------------------

@dataclass
class Outcome:
    """What one run did: ``stage`` is ``'problems'``, ``'guards'`` (refused before any write) or
    ``'done'``; ``writes`` the writes made (as dicts, in order), ``planned`` those of the plan."""

    stage: str
    reasons: list
    planned: list
    writes: list
    plan: Any = None
    error: Any = None


def run_engine(api_url, params, check=False, token=TOKEN):
    """Apply (or, with ``check``, plan as check mode does) the roster ``params`` against the
    simulator at ``api_url``, on github_org_roster's own code path."""
    from ansible_collections.gitops.github.plugins.module_utils._graphql import GraphQL
    from ansible_collections.gitops.github.plugins.module_utils._http import GitHubClient
    from ansible_collections.gitops.github.plugins.module_utils._names import login_problem
    from ansible_collections.gitops.github.plugins.module_utils._org_reader import read_org
    from ansible_collections.gitops.github.plugins.module_utils._org_input import listed_team_slugs
    from ansible_collections.gitops.github.plugins.module_utils._plan import ADD, Change, Incomplete
    from ansible_collections.gitops.github.plugins.module_utils._org_guards import guard_problems, needs_own_login
    from ansible_collections.gitops.github.plugins.module_utils._org_input import roster_from_params
    from ansible_collections.gitops.github.plugins.module_utils._org_predict import execute
    from ansible_collections.gitops.github.plugins.module_utils._plan_org import (
        additions_to_look_up,
        plan_roster,
        without_additions,
    )
    from ansible_collections.gitops.github.plugins.module_utils._plan_people import utc_now
    from ansible_collections.gitops.github.plugins.module_utils._resources import impossible_additions, org_writer

    roster, problems = roster_from_params(module_params(params), validate_login=login_problem, now=utc_now())
    if problems:
        return Outcome('input', problems, [], [])
    client = GitHubClient(api_url=api_url, token=token, write_delay=0)
    gql = GraphQL(client)
    state = read_org(client, roster.org, gql=gql,
                     roster_teams=listed_team_slugs(roster))  # as github_org_roster asks
    plan = plan_roster(state, roster)
    if plan.problems:
        return Outcome('problems', list(plan.problems), [], [], plan)
    own = client.current_login() if needs_own_login(plan) else None
    plan = plan_roster(state, roster, own_login=own)
    guards = guard_problems(plan, own)
    if guards:
        return Outcome('guards', guards, [w.as_dict() for w in plan.writes], [], plan)
    planned = [w.as_dict() for w in plan.writes]
    if check:
        impossible = impossible_additions(client, [Change(ADD, login) for login in additions_to_look_up(plan).values()])
        plan = without_additions(plan, [p['login'].lower() for p in impossible])
        done, _after = execute(plan, lambda item: None)
        return Outcome('done', [], planned, [w.as_dict() for w in done], plan)
    try:
        done, _after = execute(plan, org_writer(client, roster.org, own, state.copy()), errors=(Exception,))
    except Incomplete as exc:
        return Outcome('failed', [str(exc.error)], planned, [w.as_dict() for w in exc.done], plan, exc.error)
    return Outcome('done', [], planned, [w.as_dict() for w in done], plan)


# -- GitHub's side ------------------------------------------------------------------------------

@dataclass
class Observed:
    members: dict      # lower login -> 'admin' | 'member' (active)
    invited: dict      # lower login or e-mail -> (role, {team id: role})
    teams: dict        # team id -> (slug, parent id, {lower login: role})
    ids: dict          # user id -> lower login

    def slug_ids(self):
        return dict((slug.lower(), tid) for tid, (slug, _p, _m) in self.teams.items())


def observe(state, org=ORG):
    """The organization as the simulator's model holds it (not as our reader reads it)."""
    with state.lock:
        o = state.org(org)
        invited = {}
        for inv in o.invitations.values():
            key = inv.login_key or (inv.email or '').lower()
            invited[key] = (inv.role, dict(inv.teams))
        teams = dict((t.id, (t.slug, t.parent_id, dict(t.members))) for t in o.teams.values())
        ids = dict((u.id, k) for k, u in state.users.items())
        return Observed(dict(o.members), invited, teams, ids)
