"""examples/*.yml, the complete playbooks the README offers, run as written against the simulator
seeded with its demo world: onboarding (then a rerun that changes nothing), offboarding (then
checked), and the quarterly access review (check mode, writes nothing, report written into a
review directory it creates)."""

from __future__ import annotations

import json
import os

from ghsim import DEMO_SEED, load_seed

from harness import ansible_playbook, writes

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOKEN = 'sim-token-octo-admin'


def example(collections_path, tmp_path, sim, name, extra_vars):
    vars_file = tmp_path / ('vars-%s-%d.json' % (name, len(list(tmp_path.glob('vars-*')))))
    vars_file.write_text(json.dumps(dict({'github_write_delay': 0}, **extra_vars)))
    return ansible_playbook(collections_path, [os.path.join(REPO, 'examples', name + '.yml'), '-e', '@%s' % vars_file],
                            str(tmp_path), {'GITHUB_API_URL': sim.api_url, 'GITHUB_TOKEN': TOKEN})


def test_onboarding_invites_then_changes_nothing(collections_path, tmp_path, sim_factory):
    sim = sim_factory(load_seed(DEMO_SEED))
    wanted = {'org': 'acme', 'login': 'new-hire', 'teams': ['platform', 'security']}
    run = example(collections_path, tmp_path, sim, 'onboarding', wanted)
    assert run.rc == 0, run.output
    assert sorted(writes(sim)) == [('PUT', '/orgs/acme/memberships/new-hire'),
                                   ('PUT', '/orgs/acme/teams/platform/memberships/new-hire'),
                                   ('PUT', '/orgs/acme/teams/security/memberships/new-hire')]
    assert sim.state.org_invitation('acme', 'new-hire') is not None
    assert sim.state.team_pending('acme', 'platform', 'new-hire') == 'member'
    assert 'new-hire is pending in acme as member (they still have to accept the invitation)' in run.stdout
    again = example(collections_path, tmp_path, sim, 'onboarding', wanted)
    assert again.rc == 0 and again.changed_tasks == [], again.output
    assert len(writes(sim)) == 3


def test_offboarding_removes_from_org_and_teams(collections_path, tmp_path, sim_factory):
    sim = sim_factory(load_seed(DEMO_SEED))
    assert sim.state.team_role('acme', 'platform', 'alice') is not None
    run = example(collections_path, tmp_path, sim, 'offboarding', {'org': 'acme', 'login': 'alice'})
    assert run.rc == 0, run.output
    assert writes(sim) == [('DELETE', '/orgs/acme/memberships/alice')]
    assert sim.state.org_role('acme', 'alice') is None and sim.state.team_role('acme', 'platform', 'alice') is None
    assert 'alice no longer belongs to acme or any of its teams' in run.stdout
    invitee = example(collections_path, tmp_path, sim, 'offboarding', {'org': 'acme', 'login': 'dave'})
    assert invitee.rc == 0, invitee.output  # a pending invitation is cancelled
    assert sim.state.org_invitation('acme', 'dave') is None


def test_access_review_creates_its_directory_writes_the_report_and_changes_nothing(collections_path, tmp_path, sim_factory):
    sim = sim_factory(load_seed(DEMO_SEED))
    approved = tmp_path / 'approved.json'
    approved.write_text(json.dumps({'membership_orgs': [{
        'org': 'acme', 'exclusive': True, 'max_removals': 1,
        'owners': ['octo-admin', 'erin'],
        # The seed's pending e-mail invitation is approved too: exclusive would cancel it otherwise.
        'members': ['alice', 'bob', 'dave', {'email': 'someone@example.com'}],
    }]}))
    review = tmp_path / 'reviews' / '2026-q4'  # does not exist yet: the play creates it
    run = example(collections_path, tmp_path, sim, 'access_review', {'membership_file': str(approved),
                                                                     'review_dir': str(review)})
    assert run.rc == 0, run.output
    assert writes(sim) == []
    assert review.is_dir() and sorted(p.name for p in review.iterdir()) == ['access-review.json', 'access-review.md']
    report = json.loads((review / 'access-review.json').read_text())
    assert report['drift'] is True and report['summary']['removed'] == 1
    assert '| remove | `carol` | was member |' in (review / 'access-review.md').read_text()
    assert sim.state.snapshot()['orgs'][0]['two_factor_disabled'] == ['bob']
    assert 'acme: bob' in run.stdout
