"""A clock for the client's unit tests: it only moves when the client sleeps (or a test moves it),
so rate-limit waits and backoffs are asserted without waiting."""

from __future__ import annotations

START = 1_700_000_000.0


class FakeTime(object):
    def __init__(self, now=START):
        self.now = now
        self.sleeps = []

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds

    def clock(self):
        return self.now
