"""github_team_info against the simulator, including GitHub's /organizations/{id} Link pages."""

from __future__ import annotations

from harness import writes


def test_lists_teams_across_pages(sim_factory, seed, play):
    seed['orgs'][0]['teams'] += [{'slug': 'extra-%03d' % n, 'name': 'Extra %d' % n} for n in range(105)]
    sim = sim_factory(seed)
    run = play(sim, [{'name': 'teams', 'gitops.github.github_team_info': {'org': 'ACME'}}], check=True)
    assert run.rc == 0, run.output
    teams = {t['slug']: t for t in run.task('teams')['teams']}
    assert len(teams) == 108
    assert teams['platform-oncall']['parent'] == 'platform'
    assert teams['platform']['id'] == 7001 and teams['platform']['parent'] is None
    assert [e.path for e in sim.log] == ['/orgs/ACME/teams', '/organizations/9001/teams'], 'two pages, Link followed'
    assert writes(sim) == []
