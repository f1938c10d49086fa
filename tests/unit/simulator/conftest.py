"""Fixtures for the simulator's own tests: started simulators, per-user HTTP clients, contract checks."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
import simcontract  # this folder is on sys.path through pytest's rootdir conftest handling
from ghsim import Simulator, load_seed
from simhelpers import ADMIN, DEMO, Client


@pytest.fixture(scope="session")
def demo_seed() -> dict:
    return load_seed(DEMO)


class SimFactory:
    def __init__(self, demo_seed: dict) -> None:
        self.demo_seed = demo_seed
        self.sims: list[Simulator] = []
        self.skip_contract = False

    def __call__(self, seed: dict | None = None, **kw: Any) -> Simulator:
        sim = Simulator(copy.deepcopy(seed if seed is not None else self.demo_seed), **kw).start()
        self.sims.append(sim)
        return sim


@pytest.fixture
def make_sim(demo_seed: dict) -> Iterator[SimFactory]:
    """Start simulators; at teardown stop them and check every logged exchange against the OpenAPI extract."""
    factory = SimFactory(demo_seed)
    try:
        yield factory
    finally:
        for sim in factory.sims:
            sim.stop()
    if not factory.skip_contract:
        found = []
        for sim in factory.sims:
            found += simcontract.problems(sim.log, sim.ghes)
        assert not found, "responses that disagree with GitHub's OpenAPI description:\n" + "\n".join(found)


@pytest.fixture
def sim(make_sim: SimFactory) -> Simulator:
    return make_sim()


@pytest.fixture
def admin(sim: Simulator) -> Client:
    return Client(sim, ADMIN)


@pytest.fixture
def client_for(sim: Simulator) -> Any:
    def make(login_or_token: str | None) -> Client:
        if login_or_token is None:
            return Client(sim, None)
        token = sim.state.token_for(login_or_token) or login_or_token
        return Client(sim, token)
    return make
