"""Validate logged simulator exchanges against GitHub's OpenAPI extract (tests/data/github-openapi)."""

from __future__ import annotations

import json
import os
import re
from functools import cache
from pathlib import Path
from typing import Any

from openapi_core import OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_core.templating.responses.exceptions import ResponseNotFound
from werkzeug.datastructures import Headers, ImmutableMultiDict

HERE = Path(__file__).resolve()


def _openapi_dir() -> Path:
    """GitHub's OpenAPI extract, vendored in the repository (tests/data/github-openapi); the
    environment variable GITOPS_GITHUB_OPENAPI_DIR names another copy, as for the integration tests."""
    chosen = os.environ.get("GITOPS_GITHUB_OPENAPI_DIR")
    where = Path(chosen) if chosen else HERE.parents[2] / "data" / "github-openapi"
    if not (where / "api.github.com.membership.json").is_file():
        raise FileNotFoundError("no GitHub OpenAPI extract in %s" % where)
    return where


@cache
def raw_spec(ghes: bool) -> dict:
    name = "ghes-3.19.membership.json" if ghes else "api.github.com.membership.json"
    return json.loads((_openapi_dir() / name).read_text())


@cache
def spec(ghes: bool) -> OpenAPI:
    return OpenAPI.from_dict(raw_spec(ghes))


@cache
def spec_paths(ghes: bool) -> frozenset[str]:
    return frozenset(raw_spec(ghes)["paths"])


_TEAM_ID = re.compile(r"^/organizations/(\d+)/team/(\d+)(/.*)?$")
_ORG_ID = re.compile(r"^/organizations/(\d+)(/.*)$")


def map_path(path: str) -> str:
    """Map id routes onto the described slug routes.

    /organizations/{org_id}/team/{team_id}/X -> /orgs/{org}/teams/{team_slug}/X and
    /organizations/{org_id}/X -> /orgs/{org}/X.
    """
    m = _TEAM_ID.match(path)
    if m:
        return f"/orgs/org-{m.group(1)}/teams/team-{m.group(2)}{m.group(3) or ''}"
    m = _ORG_ID.match(path)
    if m:
        return f"/orgs/org-{m.group(1)}{m.group(2)}"
    return path


def map_template(template: str) -> str:
    t = template.replace("/organizations/{org_id}/team/{team_id}", "/orgs/{org}/teams/{team_slug}")
    return t.replace("/organizations/{org_id}", "/orgs/{org}")


class _Req:
    def __init__(self, host_url: str, path: str, method: str, query: dict[str, str], body: bytes,
                 content_type: str) -> None:
        self.host_url = host_url
        self.path = path
        self.method = method.lower()
        self.parameters = RequestParameters(query=ImmutableMultiDict(list(query.items())))
        self.body = body or None
        self.content_type = content_type


class _Resp:
    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status_code = status
        self.headers = Headers(list(headers.items()))
        self.content_type = headers.get("content-type", "") if body else ""
        self.data = body or None


# statuses GitHub may send on any operation even where the description lists none
GENERIC_STATUSES = {304, 400, 401, 403, 404, 422, 429, 500, 502, 503, 504}


def check_exchange(ex: Any, ghes: bool) -> str | None:
    """None if the exchange agrees with the description (or is outside it); else the problem."""
    if ex.fault or ex.status == 0 or ex.route is None or ex.method == "HEAD":
        return None
    if map_template(ex.route) not in spec_paths(ghes):
        return None  # e.g. /users/{username}: real, but not in the extract
    if ex.status == 304:
        return None
    path = ex.path
    host = "https://api.github.com"
    if ghes:
        host = "http://HOSTNAME"
    else:
        path = map_path(path)
    if ghes:
        path = "/api/v3" + map_path(path[len("/api/v3"):])
    req = _Req(host, path, ex.method, ex.query, ex.request_body,
               ex.request_headers.get("content-type", "application/json"))
    resp = _Resp(ex.status, ex.response_headers, ex.response_body)
    try:
        spec(ghes).validate_response(req, resp)
    except ResponseNotFound:
        if ex.status in GENERIC_STATUSES:
            return None
        return f"{ex.method} {ex.path}: status {ex.status} not described"
    except Exception as e:
        detail = e
        cause = getattr(e, "__cause__", None)
        if cause is not None:
            detail = cause
        schema_errors = getattr(detail, "schema_errors", None)
        if schema_errors:
            detail = "; ".join(f"{'/'.join(map(str, s.absolute_path))}: {s.message}" for s in schema_errors)
        return f"{ex.method} {ex.path} -> {ex.status}: {type(e).__name__}: {detail}"
    return None


def problems(exchanges: list, ghes: bool) -> list[str]:
    return [p for p in (check_exchange(ex, ghes) for ex in exchanges) if p]
