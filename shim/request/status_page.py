"""``GET /status``: one server-rendered page an on-call engineer reads (Jinja, inline styles, no external
asset: it works offline). It shows nothing of the fleet without an operator's credential: a browser signs
in with a form (``POST /status/login`` takes an operator token and sets an HttpOnly, SameSite=Strict
cookie holding a session token of the page's own audience, useless against the API); scripts send the
operator bearer token. The page refreshes itself every FEDGATE_STATUS_REFRESH seconds.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sanic import Request, Sanic
from sanic.response import HTTPResponse, redirect

from shim.auth.keys import Keyring
from shim.auth.tokens import Principal, TokenVerifier, mint
from shim.config import Settings
from shim.errors import GatewayError
from shim.nodes.catalog import Catalog, CatalogUnavailable
from shim.nodes.client import NodeClient
from shim.request.dispatch import authorization
from shim.request.routing import client_address

log = logging.getLogger("fedgate.status")

COOKIE = "fedgate_status"
SESSION_SECONDS = 8 * 3600  # at most; never longer than the token that signed in
FAILURES_PER_MINUTE = 10  # failed sign-ins from one address (per worker) before it waits for the next minute
_TEMPLATES = Environment(loader=FileSystemLoader(Path(__file__).with_name("templates")),
                         autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)
_SECURITY_HEADERS = {"Cache-Control": "no-store", "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin",
                     "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; "
                                                "form-action 'self'; frame-ancestors 'none'"}


def _page(name: str, status: int = 200, **context: Any) -> HTTPResponse:
    html = _TEMPLATES.get_template(name).render(**context)
    return HTTPResponse(html, status=status, content_type="text/html; charset=utf-8", headers=_SECURITY_HEADERS)


def _sessions(app: Sanic) -> TokenVerifier:
    verifier: TokenVerifier = app.ctx.status_sessions
    return verifier


def _operator(request: Request) -> Principal | None:
    """The operator behind the request: its bearer token, or the page's session cookie."""
    header = authorization(request)  # two Authorization headers: 400, not a guess
    cookie = request.cookies.get(COOKIE)
    try:
        if header:
            caller = request.app.ctx.verifier.verify(header)
        elif cookie:
            caller = _sessions(request.app).verify(f"Bearer {cookie}")
        else:
            return None
    except GatewayError:
        return None
    return caller if caller.role == "operator" else None


def _foreign(request: Request) -> bool:
    """A form posted from another site's page: its Origin names another host (browsers send Origin with
    every POST), or the browser says so (Sec-Fetch-Site). A script without either is not a browser."""
    origin = request.headers.get("origin")
    if origin is not None and (origin == "null" or urlsplit(origin).netloc != request.host):
        return True
    return request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none")


class SignInFailures:
    """Failed sign-ins per address and minute (this worker's): past FAILURES_PER_MINUTE the address is
    refused (429) until the minute is over. Each failure is logged with its address, never the token."""

    def __init__(self) -> None:
        self._counts: dict[str, tuple[int, int]] = {}  # address -> (minute, failures)

    def refused(self, address: str) -> bool:
        minute, failures = self._counts.get(address, (0, 0))
        return minute == int(time.time() // 60) and failures >= FAILURES_PER_MINUTE

    def count(self, address: str, why: str) -> None:
        now = int(time.time() // 60)
        if len(self._counts) > 10_000:  # a bounded table: stale minutes go first
            self._counts = {a: c for a, c in self._counts.items() if c[0] == now}
        minute, failures = self._counts.get(address, (now, 0))
        self._counts[address] = (now, failures + 1 if minute == now else 1)
        log.warning("status page: sign-in refused from %s (%s)", address, why)


async def _fleet(request: Request) -> dict[str, Any]:
    catalog: Catalog = request.app.ctx.catalog
    client: NodeClient = request.app.ctx.client
    use = client.pool_use()
    nodes = await catalog.as_operator("admin_nodes")
    moves = [m for m in await catalog.as_operator("list_moves", (50,))
             if m["state"] not in ("done", "aborted", "failed")]
    busiest = await catalog.as_operator("tenant_stats", (3, None, None))
    gateways = await catalog.as_operator("list_gateways", (20,))
    jobs = [j for j in await catalog.as_operator("list_jobs", (50,)) if j["state"] in ("pending", "running", "failed")]
    legacy = {**(await catalog.as_operator("legacy_status"))[0], "usage": await catalog.as_operator("legacy_usage", (5,))}
    regions: dict[str, list[dict[str, Any]]] = {}
    for node in nodes:
        node["pool"] = use.get(node["node_id"])
        node["breaker_open"] = client.breaker.is_open(node["node_id"])
        node["down"] = node["health"] == "unhealthy" or not node["serving"]
        node["busiest"] = [t for t in busiest if t["node_id"] == node["node_id"]]
        regions.setdefault(node["region"], []).append(node)
    changes = sorted((n for n in nodes if n["last_change_at"] is not None),
                     key=lambda n: n["last_change_at"], reverse=True)[:10]
    for move in moves:
        expected = move["rows_expected"] or 0
        move["percent"] = min(100, round(100 * (move["rows_copied"] or 0) / expected)) if expected else (
            100 if move["state"] not in ("copying",) else 0)
    return {"regions": regions, "moves": moves, "changes": changes, "gateways": gateways, "jobs": jobs,
            "legacy": legacy}


def register(app: Sanic) -> None:
    settings: Settings = app.ctx.settings
    keyring: Keyring = app.ctx.keyring
    audience = f"{settings.jwt_audience}:status"
    # No leeway: a session ends at its exp, which is never later than the token that signed in.
    app.ctx.status_sessions = TokenVerifier(keyring, audience, settings.jwt_issuer, 0)
    secure = settings.public_url.startswith("https://")
    failures = SignInFailures()

    @app.get("/status", name="status")
    async def status(request: Request) -> HTTPResponse:
        caller = _operator(request)
        if caller is None:
            return _page("login.html", 401, error=None)
        started = time.perf_counter()
        try:
            fleet = await _fleet(request)
            unavailable = None
        except CatalogUnavailable:
            fleet = {"regions": {}, "moves": [], "changes": [], "gateways": [], "jobs": [], "legacy": None}
            unavailable = "the federation catalog is not reachable"
        catalog: Catalog = request.app.ctx.catalog
        gateway = {"worker_pid": os.getpid(), "cache_hits": catalog.cache_hits,
                   "cache_misses": catalog.cache_misses, "catalog_roundtrips": catalog.roundtrips,
                   "cached_tenants": catalog.cached_tenants, "open_pools": len(request.app.ctx.client.open_pools()),
                   "health_checker": request.app.ctx.health.is_checker,
                   "uptime_s": round(time.monotonic() - request.app.ctx.started), "nodes": len(catalog.nodes)}
        return _page("status.html", refresh=settings.status_refresh, now=time.strftime("%Y-%m-%d %H:%M:%S UTC",
                     time.gmtime()), operator=caller.sub, unavailable=unavailable, gateway=gateway,
                     self_instance=settings.instance_id,
                     render_ms=round((time.perf_counter() - started) * 1000, 1), **fleet)

    @app.post("/status/login", name="status_login")
    async def login(request: Request) -> HTTPResponse:
        address = client_address(request)
        if _foreign(request):
            return _page("login.html", 403, error="sign in from this gateway's own page")
        if failures.refused(address):
            response = _page("login.html", 429, error="too many failed sign-ins from this address: wait a minute")
            response.headers["Retry-After"] = str(60 - int(time.time()) % 60)
            return response
        if (request.headers.get("content-type") or "").split(";")[0].strip() != "application/x-www-form-urlencoded":
            return _page("login.html", 415, error="send the form")
        try:
            fields = parse_qs((request.body or b"").decode("utf-8", "replace"), max_num_fields=5)
        except ValueError:  # more fields than the form has
            return _page("login.html", 400, error="send the form as it is")
        token = (fields.get("token") or [""])[0].strip()
        try:
            caller = request.app.ctx.verifier.verify(f"Bearer {token}") if token else None
        except GatewayError:
            caller = None
        # The session ends when its token does: a token inside the leeway past its exp does not sign in.
        ttl = min(SESSION_SECONDS, int(caller.expires - time.time())) if caller is not None else 0
        if caller is None or caller.role != "operator" or ttl < 1:
            failures.count(address, "not a valid operator token" if caller is None or caller.role != "operator"
                           else "the token has expired")
            return _page("login.html", 401, error="that is not a valid operator token")
        session, _ = mint(keyring, role="operator", audience=audience, ttl=ttl, sub=caller.sub,
                          issuer=settings.jwt_issuer)
        response = redirect("/status", status=303)
        response.add_cookie(COOKIE, session, path="/status", max_age=ttl, httponly=True, samesite="Strict",
                            secure=secure)
        return response

    @app.post("/status/logout", name="status_logout")
    async def logout(request: Request) -> HTTPResponse:
        if _foreign(request):
            return _page("login.html", 403, error="sign out from this gateway's own page")
        response = redirect("/status", status=303)
        # Secure only where the cookie was set Secure: a browser ignores a Secure deletion sent over http.
        response.cookies.delete_cookie(COOKIE, path="/status", secure=secure)
        return response
