"""Helpers for the simulator's tests (a unique module name: tests/integration has its own conftest)."""

from __future__ import annotations

from typing import Any

import requests
from ghsim import DEMO_SEED, Simulator

DEMO = DEMO_SEED
ADMIN = "sim-token-octo-admin"


class Client:
    """A requests.Session acting as one token's user; paths are relative to the API URL."""

    def __init__(self, sim: Simulator, token: str | None = ADMIN) -> None:
        self.sim = sim
        self.session = requests.Session()
        if token is not None:
            self.session.headers["Authorization"] = f"Bearer {token}"
        self.session.headers["Accept"] = "application/vnd.github+json"

    def url(self, path: str) -> str:
        return path if path.startswith("http") else self.sim.api_url + path

    def request(self, method: str, path: str, **kw: Any) -> requests.Response:
        kw.setdefault("allow_redirects", False)
        kw.setdefault("timeout", 10)
        return self.session.request(method, self.url(path), **kw)

    def get(self, path: str, **kw: Any) -> requests.Response:
        return self.request("GET", path, **kw)

    def put(self, path: str, **kw: Any) -> requests.Response:
        return self.request("PUT", path, **kw)

    def patch(self, path: str, **kw: Any) -> requests.Response:
        return self.request("PATCH", path, **kw)

    def post(self, path: str, **kw: Any) -> requests.Response:
        return self.request("POST", path, **kw)

    def delete(self, path: str, **kw: Any) -> requests.Response:
        return self.request("DELETE", path, **kw)

    def get_all(self, path: str, **kw: Any) -> tuple[list, list[str]]:
        """Follow Link rel=next verbatim; returns (items, urls fetched)."""
        items: list = []
        urls: list[str] = []
        url: str | None = self.url(path)
        while url:
            r = self.session.get(url, timeout=10, **kw)
            assert r.status_code == 200, r.text
            urls.append(url)
            items.extend(r.json())
            url = r.links.get("next", {}).get("url")
        return items, urls
