"""Issue 18, "Nothing the file keeps is deleted", through real ansible-playbook: a few generated
organizations and membership files (tests/org_strategies.py), each run as one playbook of three
github_org_roster tasks against the simulator: check mode, apply, apply again. The in-process
variant with more examples is tests/unit/plugins/module_utils/test_plan_safety_properties.py.

Checked: check mode's ``changes`` are apply's ``changes``, and change nothing; a refused run
changes nothing; every team and person the file keeps exists afterwards; the second apply changes
nothing. Not shrunk (each example is a playbook run): a failure prints its whole world.
On main at 4b30726 the second example fails on finding F2 of the in-process test (a team renamed
with its former slug as parent is PATCHed as its own ancestor).
"""

from __future__ import annotations

import copy

from hypothesis import HealthCheck, Phase, given, settings

from harness import run_playbook
from org_strategies import TOKEN, observe, worlds


def _ref_login(ref, after):
    if isinstance(ref, dict):
        if ref.get('email'):
            return ref['email'].lower()
        return after.ids.get(ref.get('id')) or ref['login'].lower()
    return ref.lower()


@settings(max_examples=3, deadline=None, derandomize=True, database=None, phases=(Phase.explicit, Phase.generate),
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large])
@given(world=worlds())
def test_check_apply_and_a_second_run_through_ansible_playbook(sim_factory, collections_path, world):
    sim = sim_factory(copy.deepcopy(world.seed))
    before = observe(sim.state)
    args = dict(world.params)
    tasks = [
        {'name': 'check', 'gitops.github.github_org_roster': args, 'check_mode': True, 'ignore_errors': True},
        {'name': 'apply', 'gitops.github.github_org_roster': args, 'ignore_errors': True},
        {'name': 'again', 'gitops.github.github_org_roster': args, 'ignore_errors': True},
    ]
    run = run_playbook(collections_path, tasks, sim=sim, extra_env={'GITHUB_TOKEN': TOKEN})
    where = world.describe() + '\n' + run.output
    status = dict((r['task'], r['status']) for r in run.results)
    check, apply, again = run.task('check'), run.task('apply'), run.task('again')
    after = observe(sim.state)
    if status['check'] == 'failed':
        assert status['apply'] == 'failed', where
        assert after == before, 'a refused run changed GitHub\n' + where
        return
    assert status['apply'] != 'failed', 'check mode planned it, apply failed: %s\n%s' % (apply.get('msg'), where)
    assert check['changes'] == apply['changes'], where
    for key in ('owners', 'members'):
        for ref in args.get(key) or []:
            login = _ref_login(ref, after)
            assert login in after.members or login in after.invited, '%s (in %s) is gone\n%s' % (login, key, where)
    slugs = set(slug.lower() for slug, _p, _m in after.teams.values())
    for entry in args['teams']:
        assert entry['team'].lower() in slugs, 'team %s is gone\n%s' % (entry['team'], where)
    assert status['again'] == 'ok' and again['changes'] == [], 'the second run: %s\n%s' % (again.get('changes'), where)
