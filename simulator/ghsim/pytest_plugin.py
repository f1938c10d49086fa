"""pytest plugin (registered through the ``pytest11`` entry point): the ``github_simulator`` fixture.

Test your own playbooks the way the collection's integration tests do::

    def test_onboarding(github_simulator):
        env = {"GITHUB_API_URL": github_simulator.url, "GITHUB_TOKEN": github_simulator.token}
        ...  # run ansible-playbook with env (and write_delay: 0)
        assert github_simulator.state.org_role("acme", "new-hire") is not None

The seed is the bundled demo world unless the test (or a conftest.py) overrides the fixture
``github_simulator_seed`` with a seed dict, a seed file path, or an export file via
:func:`ghsim.seed_from_export`. ``github_simulator_options`` (a dict) passes ``ghes``/``https``
to :class:`ghsim.Simulator`. One simulator per test, bound to 127.0.0.1 on a free port, stopped
when the test ends.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from .seeds import DEMO_SEED, load_seed
from .server import Simulator
from .state import State


@dataclass(frozen=True)
class GitHubSimulator:
    """What ``github_simulator`` yields."""

    url: str  #: the API URL (``api_url`` / ``GITHUB_API_URL``)
    token: str  #: a token of the first owner of the first organization (or the seed's first token)
    state: State  #: the live state (``state.org_role(org, login)``, ``state.team_members(...)``...)
    simulator: Simulator  #: the server itself (``log``, ``inject(Fault(...))``, ``ca_path``...)

    def token_for(self, login: str) -> str | None:
        return self.state.token_for(login)


def _default_token(seed: dict, state: State) -> str:
    for org in seed.get("orgs") or []:
        for owner in org.get("owners") or []:
            token = state.token_for(owner if isinstance(owner, str) else owner.get("login", ""))
            if token:
                return token
    tokens = seed.get("tokens") or {}
    if tokens:
        return next(iter(tokens))
    raise pytest.UsageError("github_simulator: the seed defines no token (add tokens: {TOKEN: login})")


@pytest.fixture
def github_simulator_seed() -> Any:
    """The seed for ``github_simulator``: override it (a dict or a file path). Default: the demo world."""
    return DEMO_SEED


@pytest.fixture
def github_simulator_options() -> dict:
    """Keyword arguments for ``ghsim.Simulator`` (``ghes=True``, ``https=True``). Override it."""
    return {}


@pytest.fixture
def github_simulator(github_simulator_seed: Any, github_simulator_options: dict) -> Iterator[GitHubSimulator]:
    """A started simulator seeded with ``github_simulator_seed``; yields its URL, a token and its state."""
    seed = github_simulator_seed
    seed = copy.deepcopy(seed) if isinstance(seed, dict) else load_seed(seed)
    sim = Simulator(seed, **github_simulator_options).start()
    try:
        yield GitHubSimulator(url=sim.api_url, token=_default_token(seed, sim.state), state=sim.state,
                              simulator=sim)
    finally:
        sim.stop()
