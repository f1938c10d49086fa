"""Issue 20, item 5: properties of the combined plan (membership and access) of github_org_roster,
applied on the engine's own path in-process (plugin_utils._controller.run_controller: the module's
argument spec, run_roster, the real client) against a real simulator over HTTP, for generated
organizations and membership files (tests/org_strategies.py's worlds, plus repositories, team
grants, organization roles and outside collaborators on both sides).

1. nothing the file keeps loses access: after a run that wrote, every listed grant, role holder and
   outside collaborator's permission is there, and every access in a scope that is not exclusive
   is still there (unless the membership plan removed its holder or deleted its team);
2. access removals stay within the organization's max_removals, counted on the planned state;
3. check mode's writes (membership and access) are apply's;
4. a second run writes nothing;
5. a run refused before any write (a problem, a guard) leaves GitHub as it was.
"""

from __future__ import annotations

import copy
import os

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from ghsim import Simulator

from ansible_collections.gitops.github.plugins.module_utils._plan import removal_limit
from ansible_collections.gitops.github.plugins.plugin_utils._controller import run_controller
from org_strategies import BOSS, POOL, TOKEN, World, worlds

REPOS = ['alpha', 'beta', 'gamma']
PERMISSIONS = ['pull', 'triage', 'push', 'maintain', 'admin']
ROLES = ['all_repo_read', 'security_manager']
OUTSIDERS = ['ova', 'oli']  # never members: the pool's people may be
# No shrinking by default (a failure prints its whole world); PROPERTY_SHRINK=1 shrinks it.
PHASES = tuple(Phase) if os.environ.get('PROPERTY_SHRINK') else (Phase.explicit, Phase.reuse, Phase.generate)
SETTINGS = settings(max_examples=30, deadline=None, derandomize=True, phases=PHASES,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _subset(draw, items, max_size=None):
    items = list(items)
    if not items:
        return []
    return draw(st.lists(st.sampled_from(items), unique=True, max_size=len(items) if max_size is None else max_size))


def _grants(draw, max_size=3):
    return dict((r, draw(st.sampled_from(PERMISSIONS))) for r in _subset(draw, REPOS, max_size))


def _often(draw):
    return draw(st.integers(0, 3)) > 0


@st.composite
def access_worlds(draw):
    """A :class:`World` whose organization holds access and whose file asks for some."""
    world = draw(worlds())
    seed, params = copy.deepcopy(world.seed), copy.deepcopy(world.params)
    org = seed['orgs'][0]
    seed['users'] += [{'login': name, 'id': 300 + i} for i, name in enumerate(OUTSIDERS)]
    repos = [{'name': name} for name in REPOS]
    for person in _subset(draw, OUTSIDERS):
        for repo, permission in _grants(draw).items():
            spot = next(r for r in repos if r['name'] == repo)
            kind = draw(st.sampled_from(['collaborators', 'invitations']))
            spot.setdefault(kind, {})[person] = permission
    org['repositories'] = repos
    for team in org['teams']:
        team['repositories'] = _grants(draw, 2)
    active = [world.login[p] for p in POOL if world.status[p] in ('owner', 'member')] + [BOSS]
    org['organization_roles'] = [{'role': name, 'users': _subset(draw, active, 2),
                                  'teams': _subset(draw, [t['slug'] for t in org['teams']], 2)} for name in ROLES]
    # the file: the world's teams (created, renamed, moved, dropped, deleted) without their people
    # (team membership is not what this test is about, and its spelling rules would refuse most
    # files), and the world's owners and members spelled as GitHub shows them
    entries = params.get('teams') or []
    for entry in entries:
        entry.pop('maintainers', None)
        entry.pop('members', None)
        entry['exclusive'] = False
        if entry.get('parent') in entry.get('previously', ()):
            del entry['parent']
    for key in ('owners', 'members'):
        if key in params:
            params[key] = [p.lower() if isinstance(p, str) else p for p in params[key] if not (isinstance(p, dict) and 'email' in p)]
    for entry in entries:
        if _often(draw):
            entry['repositories'] = _grants(draw, 2)
            entry['exclusive_repositories'] = draw(st.booleans())
    names = [e['team'] for e in entries]
    if _often(draw):
        params['organization_roles'] = [{'role': name, 'users': _subset(draw, active, 2), 'teams': _subset(draw, names, 2),
                                         'exclusive': draw(st.booleans())} for name in _subset(draw, ROLES)]
    if _often(draw):
        params['outside_collaborators'] = [{'login': p, 'repositories': _grants(draw)} for p in _subset(draw, OUTSIDERS)]
        params['exclusive_outside_collaborators'] = draw(st.booleans())
    if draw(st.booleans()):
        params['max_removals'] = draw(st.sampled_from(['100%', '50%', 0, 1, 3]))
    return World(seed, params, world.login, world.status)


def observe(sim):
    """``(team grants, role holders, outside access)`` as GitHub holds them: ``{(team id, repo):
    permission}``, ``{(role, 'user'|'team', login key or team id)}``, ``{(login, repo): permission}``
    (an invitation counts as present)."""
    o = sim.state.org('acme')
    names = dict((r.id, r.name) for r in o.repos.values())
    teams = dict(((t.id, names[rid]), perm) for t in o.teams.values() for rid, perm in t.repos.items())
    roles = set()
    for role in ROLES:
        r = o.role_named(role)
        roles.update((role, 'user', u) for u in r.users)
        roles.update((role, 'team', t) for t in r.teams)
    outside = {}
    for repo in o.repos.values():
        outside.update(((login, repo.name), perm) for login, perm in repo.collaborators.items() if login in OUTSIDERS)
        outside.update(((i.invitee_key, repo.name), i.permission) for i in repo.invitations.values())
    return teams, roles, outside


def run(sim, params, check=False):
    args = dict(params, api_url=sim.api_url, token=TOKEN, write_delay=0, return_current=True)
    return run_controller(args, check_mode=check)


def _team_ids(sim):
    return dict((t.slug.lower(), t.id) for t in sim.state.org('acme').teams.values())


def _keeps_what_the_file_lists(sim, params):
    teams, roles, outside = observe(sim)
    ids = _team_ids(sim)
    for entry in params.get('teams') or []:
        for repo, permission in (entry.get('repositories') or {}).items():
            assert teams.get((ids[entry['team'].lower()], repo)) == permission, (entry, teams)
    for entry in params.get('organization_roles') or []:
        for login in entry['users']:
            assert (entry['role'], 'user', login.lower()) in roles, (entry, roles)
        for slug in entry['teams']:
            assert (entry['role'], 'team', ids[slug.lower()]) in roles, (entry, roles)
    for entry in params.get('outside_collaborators') or []:
        for repo, permission in entry['repositories'].items():
            assert outside.get((entry['login'], repo)) == permission, (entry, outside)


def _keeps_what_is_not_exclusive(before, sim, params, result):
    """Every access of a scope the file does not make exclusive is still there, unless its holder
    left the organization or its team was deleted by the same run."""
    teams, roles, outside = observe(sim)
    old_teams, old_roles, old_outside = before
    exclusive_teams = set(e['team'].lower() for e in params.get('teams') or [] if e.get('exclusive_repositories'))
    gone_ids = set()
    slugs = dict((t.id, t.slug.lower()) for t in sim.state.org('acme').teams.values())
    for (tid, repo) in old_teams:
        if tid not in slugs:
            gone_ids.add(tid)
            continue
        if slugs[tid] not in exclusive_teams:
            assert (tid, repo) in teams, (tid, repo)
    exclusive_roles = set(e['role'] for e in params.get('organization_roles') or [] if e.get('exclusive'))
    members = set(login.lower() for login in sim.state.org('acme').members)
    for held in old_roles:
        role, kind, who = held
        if role in exclusive_roles or (kind == 'user' and who not in members) or (kind == 'team' and who in gone_ids):
            continue
        assert held in roles, held
    if not params.get('exclusive_outside_collaborators'):
        for key in old_outside:
            assert key in outside, key


@SETTINGS
@given(world=access_worlds())
def test_the_combined_plan_keeps_what_the_file_keeps_and_check_mode_is_apply(world):
    with Simulator(copy.deepcopy(world.seed)) as check_sim:
        checked = run(check_sim, world.params, check=True)
    with Simulator(copy.deepcopy(world.seed)) as sim:
        before = observe(sim)
        applied = run(sim, world.params)
        if applied.get('failed'):
            # refused before any write (a problem, a guard): GitHub as it was, check mode refused too
            assert not applied.get('changes') and not applied.get('access_changes'), applied['msg']
            assert observe(sim) == before, applied['msg']
            assert checked.get('failed'), (applied['msg'], world.describe())
            return
        assert not checked.get('failed'), checked.get('msg')
        assert checked['changes'] == applied['changes'], world.describe()
        # the membership's check mode as well as the access's: both promise what apply does
        assert checked.get('access_changes') == applied.get('access_changes'), world.describe()
        _keeps_what_the_file_lists(sim, world.params)
        _keeps_what_is_not_exclusive(before, sim, world.params, applied)
        removed = sum(c['weight'] for c in applied.get('access_changes') or [] if c['action'] == 'remove')
        accesses = len(before[0]) + len(before[1]) + len(before[2])
        # the planned state counts at most what GitHub holds, and a limit grows with the count
        assert removed <= removal_limit(world.params.get('max_removals', '25%'), accesses), (removed, accesses)
        again = run(sim, world.params)
        assert not again.get('failed'), again.get('msg')
        assert again.get('access_changes', []) == [] and again['changes'] == [], (again.get('access_changes'), world.describe())
