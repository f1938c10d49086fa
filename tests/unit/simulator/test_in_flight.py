"""The exchange log records when each request arrived and when its answer went out, so a test can
tell whether two requests of one caller were in flight at the same time."""

from __future__ import annotations

import concurrent.futures
import threading
import time

import pytest
import requests
from ghsim.server import Fault
from simhelpers import ADMIN


def _get(sim, path="/user"):
    return requests.get(sim.api_url + path, headers={"Authorization": f"Bearer {ADMIN}"}, timeout=5).status_code


def test_one_after_another_the_intervals_do_not_overlap(make_sim):
    sim = make_sim(latency=0.05)
    before = time.time()
    assert [_get(sim) for _index in range(3)] == [200] * 3
    spans = [(e.received, e.answered) for e in sim.log]
    assert len(spans) == 3
    for received, answered in spans:
        assert before <= received and answered - received >= 0.05, spans
    for (_r1, first_end), (second_start, _a2) in zip(spans, spans[1:]):
        assert first_end <= second_start, spans


def test_side_by_side_the_intervals_overlap(make_sim):
    sim = make_sim(latency=0.2)
    barrier = threading.Barrier(3)

    def call(_index):
        barrier.wait()
        return _get(sim)

    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        assert list(pool.map(call, range(3))) == [200] * 3
    spans = sorted((e.received, e.answered) for e in sim.log)
    assert len(spans) == 3
    # Every request arrived before the first answer went out: all three were in flight at once.
    assert max(received for received, _answered in spans) < min(answered for _received, answered in spans), spans


def test_a_dropped_connection_is_answered_when_it_is_dropped(make_sim):
    sim = make_sim(latency=0.05)
    sim.inject(Fault("drop", method="GET", path="^/user$"))
    with pytest.raises(requests.ConnectionError):
        _get(sim)
    exchange = sim.log[-1]
    assert exchange.fault == "drop" and exchange.status == 0
    assert exchange.received > 0 and exchange.answered - exchange.received >= 0.05
    assert "received" in exchange.to_dict() and "answered" in exchange.to_dict()
