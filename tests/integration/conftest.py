"""Fixtures for integration tests: the collection built and installed from its tarball, the
simulator started per test, and a contract check of everything the test sent and received."""

from __future__ import annotations

import copy
import glob
import os
import subprocess
import sys

import pytest

from contract import shape, validate_exchange
from graphql_contract import validate_graphql_exchange
from harness import BASE_SEED, OWNER_TOKEN, TEST_ENGINE, run_playbook

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SEEN_SHAPES = set()
# The files whose playbooks run github_org_roster (directly, or through the role and its playbooks):
# scripts/test.sh runs them again with GITOPS_GITHUB_TEST_ENGINE=module (harness.TEST_ENGINE).
# test_controller_engine.py and the round-20 red team choose the path themselves, on both paths.
BOTH_ENGINES = frozenset((
    'test_app_auth.py', 'test_drift_access_playbooks.py', 'test_drift_output.py', 'test_graphql_paging_playbooks.py', 'test_hostile.py',
    'test_membership_data_check.py', 'test_org_roster.py', 'test_plan_safety_playbooks.py',
    'test_redteam_round18_playbooks.py', 'test_redteam_round19_playbooks.py', 'test_rehearsal.py',
    'test_reliability.py', 'test_role_playbooks.py', 'test_roster_people.py', 'test_roster_teams.py', 'test_roster_two_factor.py',
    'test_secrets.py', 'test_tls_redirects.py',
))


def pytest_collection_modifyitems(config, items):
    """In the module pass (harness.TEST_ENGINE), only the tests of :data:`BOTH_ENGINES`."""
    if not TEST_ENGINE:
        return
    kept, dropped = [], []
    for item in items:
        (kept if item.path.name in BOTH_ENGINES else dropped).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture(scope='session')
def collections_path(tmp_path_factory):
    """Build the collection tarball and install it, as a user would."""
    out = tmp_path_factory.mktemp('build')
    bindir = os.path.dirname(sys.executable)
    subprocess.run([os.path.join(bindir, 'ansible-galaxy'), 'collection', 'build', '--output-path', str(out), REPO],
                   check=True, capture_output=True, text=True)
    tarball = glob.glob(str(out / 'gitops-github-*.tar.gz'))[0]
    dest = tmp_path_factory.mktemp('collections')
    # Only dest as the collections path: pytest-ansible points ANSIBLE_COLLECTIONS_PATH at the
    # checkout (for the unit tests), and ansible-galaxy would then find the collection "already
    # installed" there and install nothing.
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(dest))
    subprocess.run([os.path.join(bindir, 'ansible-galaxy'), 'collection', 'install', '--offline', '-p', str(dest), tarball],
                   check=True, capture_output=True, text=True, env=env)
    return str(dest)


@pytest.fixture
def seed():
    return copy.deepcopy(BASE_SEED)


def _start(seed, **kwargs):
    from ghsim import Simulator
    return Simulator(seed, **kwargs).start()


@pytest.fixture
def sim_factory(request):
    """Start simulators with a given seed and options; each is stopped, and its log checked
    against the OpenAPI description, when the test ends."""
    started = []

    def factory(seed_data, **kwargs):
        sim = _start(seed_data, **kwargs)
        started.append((sim, kwargs))
        return sim

    yield factory
    failures = []
    for sim, kwargs in started:
        sim.stop()
        flavour = 'ghes' if kwargs.get('ghes') else 'github.com'
        for exchange in sim.log:
            SEEN_SHAPES.add((flavour, shape(exchange)))
            try:
                # A fault injected before routing leaves no route: the path tells a GraphQL query too.
                if exchange.route == '/graphql' or exchange.path.split('?')[0] in ('/graphql', '/api/graphql'):
                    validate_graphql_exchange(exchange)  # GitHub's GraphQL schema, not the OpenAPI description
                    continue
                validate_exchange(exchange, sim.state, flavour=flavour, prefix='/api/v3' if kwargs.get('ghes') else '')
            except AssertionError as exc:
                failures.append(str(exc))
    if failures:
        raise AssertionError('contract violations:\n' + '\n'.join(sorted(set(failures))))


@pytest.fixture
def sim(sim_factory, seed):
    return sim_factory(seed)


@pytest.fixture
def play(collections_path):
    """Run a list of tasks as a playbook against a simulator, with the owner's token by default."""

    def runner(sim, tasks, token=OWNER_TOKEN, **kwargs):
        env = dict(kwargs.pop('extra_env', None) or {})
        if token is not None:
            env.setdefault('GITHUB_TOKEN', token)
        return run_playbook(collections_path, tasks, sim=sim, extra_env=env, **kwargs)

    return runner


def pytest_sessionfinish(session, exitstatus):
    """Leave the request shapes the integration tests used where the contract-coverage test and
    people can read them."""
    if SEEN_SHAPES:
        out = os.path.join(REPO, 'tests', 'output')
        os.makedirs(out, exist_ok=True)
        with open(os.path.join(out, 'request-shapes%s.txt' % ('-' + TEST_ENGINE if TEST_ENGINE else '')), 'w') as handle:
            handle.write('\n'.join('%s %s' % pair for pair in sorted(SEEN_SHAPES)) + '\n')
