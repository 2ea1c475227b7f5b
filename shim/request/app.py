"""create_app(): the gateway's Sanic application."""

from __future__ import annotations

import asyncio
import json as json_module
import logging
import os
import signal
import time
from collections.abc import Awaitable, Callable
from typing import Any

from sanic import Request, Sanic, json
from sanic.exceptions import RequestCancelled, SanicException
from sanic.response import HTTPResponse

from shim.auth.keys import Keyring
from shim.auth.tokens import AgentCredentials, Principal, TokenVerifier
from shim.config import Settings
from shim.errors import GatewayError
from shim.nodes import redact
from shim.nodes.catalog import Catalog
from shim.nodes.client import NodeClient
from shim.nodes.connector import Connector
from shim.observe.health import HealthMonitor
from shim.observe.instance import InstanceHeartbeat
from shim.observe import metrics
from shim.context import REQUEST_ID_HEADER
from shim.observe.access import AccessLog
from shim.observe.legacy_usage import LegacyUsage
from shim.observe.tenant_stats import TenantStats
from shim.request import admin, dispatch, legacy, openapi, status_page
from shim.actions.backends import Backends
from shim.actions.jobs import JobRunner
from shim.request.budget import TenantQuota, WriteBudget
from shim.request.enrollment import EnrollmentGuard
from shim.request.flows import Routed
from shim.request.response import Response
from shim.request.routing import REGION_HEADER, TENANT_HEADER, request_id

log = logging.getLogger("fedgate.app")

_SANIC_CODES = {400: "FGW400", 404: "FGW404", 405: "FGW405", 408: "FGW408", 413: "FGW413", 415: "FGW415",
                416: "FGW416", 503: "FGW503"}


AGENT_TYPES_TTL = 30.0  # seconds the live OpenAPI document's agent types are reused
SHUTDOWN_STEP_SECONDS = 5.0  # each step of a worker's shutdown (figures, pools, catalog) at most


def _error_response(err: GatewayError) -> HTTPResponse:
    return Response(json_module.dumps(err.body()), status=err.status, headers=err.headers,
                    content_type="application/json")


def _allowed(request: Request) -> str:
    """The methods a path takes (a 405's Allow header, RFC 9110): asked of the router, which Sanic does
    not always name in its MethodNotAllowed (a path with a route per method)."""
    taken = []
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"):
        try:
            request.app.router.get(request.path, method, request.headers.get("host"))
        except SanicException:
            continue
        taken.append(method)
    return ", ".join(taken)


def _anonymous(request: Request) -> bool:
    """An agent presenting a kit (no bearer token): told nothing about where a tenant lives."""
    caller: Principal | None = getattr(request.ctx, "caller", None)
    return caller is not None and caller.role == "enrollment"


def _federation_headers(request: Request, response: HTTPResponse) -> None:
    """Name the node that served a routed request (to a caller with a bearer token: whether a tenant exists
    and where it lives is not for a stranger to learn)."""
    routed: Routed | None = getattr(request.ctx, "route", None)
    node = routed.node if routed is not None else None
    if routed is not None and node is not None and not _anonymous(request):
        response.headers["X-Federation-Node"] = node.node_id
        response.headers["X-Federation-Region"] = node.region
        response.headers["X-Federation-Reason"] = routed.reason


_LABELS: dict[str, tuple[str, str, str]] = {}
_UNMATCHED = ("unmatched", "gateway", "unmatched")


def _route_labels(request: Request) -> tuple[str, str, str]:
    """(endpoint, namespace) of the request's route, for the metrics, and its name in the access log."""
    route = request.route
    if route is None:
        return _UNMATCHED
    found = _LABELS.get(route.name)
    if found is None:
        endpoint = getattr(route.ctx, "endpoint", None)
        name = route.name.rsplit(".", 1)[-1]
        if endpoint is not None:
            namespace = "federated" if route.ctx.federated else "legacy"
            found = (endpoint.name, namespace, f"{namespace}.{endpoint.name}")
        elif name.startswith("admin_"):
            found = (name[len("admin_"):], "admin", name[len("admin_"):])
        else:
            found = (name, "gateway", name)
        _LABELS[route.name] = found
    return found


def create_app(settings: Settings) -> Sanic:
    # A worker inherits the main process's ignored stop signals (shim.cli.serve, for Sanic's state manager):
    # until Sanic installs its own handlers, a stop signal ends a starting worker as it always did.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    app = Sanic("fedgate")
    app.config.REQUEST_MAX_SIZE = settings.max_body_bytes
    app.config.REQUEST_TIMEOUT = 30
    app.config.RESPONSE_TIMEOUT = max(30, int(settings.request_bound_seconds) + 5)
    app.config.FALLBACK_ERROR_FORMAT = "json"
    app.config.GRACEFUL_SHUTDOWN_TIMEOUT = settings.shutdown_grace  # in-flight requests finish, this long at most
    app.config.ACCESS_LOG = False
    if settings.proxies_count:
        app.config.PROXIES_COUNT = settings.proxies_count
    app.ctx.settings = settings
    app.ctx.write_budget = WriteBudget(settings.tenant_write_rps, settings.tenant_write_burst, settings.workers)
    keyring = Keyring(settings.jwt_secret, settings.jwt_keys_file, settings.jwt_previous_secret)
    app.ctx.keyring = keyring
    app.ctx.started = time.monotonic()
    app.ctx.stopping = False  # set by the first stop signal (stop_taking_work)
    app.ctx.verifier = TokenVerifier(keyring, settings.jwt_audience, settings.jwt_issuer, settings.jwt_leeway,
                                     max_ttl=settings.jwt_max_ttl)
    credentials = AgentCredentials(keyring, settings.jwt_audience, settings.agent_token_ttl, settings.jwt_issuer)
    access_log = AccessLog(settings.access_log)
    # CORS: off unless FEDGATE_CORS_ORIGIN names origins. A listed origin is echoed (with Vary: Origin);
    # any other gets no CORS header, so its browser keeps the answer from the page.
    allowed_origins = settings.cors_origins
    cors = {
        "Access-Control-Expose-Headers": "X-Federation-Node, X-Federation-Region, X-Federation-Reason, Retry-After, "
                                         "X-Kit-Id, X-Kit-SHA256, X-Federation-LSN, X-Federation-Replica, "
                                         "Idempotent-Replayed, X-Request-ID",
        "Vary": "Origin",
    }
    preflight = {
        **cors,
        "Access-Control-Allow-Methods": "GET, POST, PUT, DELETE, OPTIONS",
        "Access-Control-Allow-Headers": f"Content-Type, Authorization, {TENANT_HEADER}, {REGION_HEADER}, "
                                        "Idempotency-Key, X-Federation-LSN, X-Request-ID",
        "Access-Control-Max-Age": "600",
    }

    @app.before_server_start
    async def open_resources(app: Sanic) -> None:
        redact.install()
        catalog = app.ctx.catalog = Catalog(settings.database_url, connect_timeout=settings.connect_timeout,
                                            cache_tenants=settings.cache_tenants,
                                            cache_unmapped=settings.cache_unmapped, login=settings.catalog_login)
        client = app.ctx.client = NodeClient(settings)
        app.ctx.backends = Backends(catalog, client, settings.public_url, credentials,
                                    home_residency=settings.default_residency == "home")
        app.ctx.enrollment_guard = EnrollmentGuard(catalog)

        async def nodes_changed(node_ids: list[str]) -> None:
            for node_id in node_ids:  # a node came back or went away: drop its broken idle connections
                await client.recheck(node_id)

        catalog.on_nodes_changed = nodes_changed
        app.ctx.quota = TenantQuota(catalog)
        client.tenant_cap = app.ctx.quota.inflight_share
        await catalog.open()
        app.ctx.health = HealthMonitor(catalog, client, settings)
        app.ctx.health.start()
        app.ctx.sampler = metrics.Sampler(catalog, client)
        app.ctx.sampler.rounds.start()
        app.ctx.tenant_stats = TenantStats(catalog, settings.tenant_stats_interval)
        app.ctx.tenant_stats.rounds.start()
        app.ctx.legacy_usage = LegacyUsage(catalog, settings.tenant_stats_interval)
        app.ctx.legacy_usage.rounds.start()
        app.ctx.instance = InstanceHeartbeat(catalog, settings)
        await app.ctx.instance.start()
        jobs_connector = Connector(settings.database_url, name="fedgate-jobs", control_login=settings.catalog_login,
                                   control_role="fedgate_operator", actor=f"gateway:{settings.instance_id}")
        app.ctx.jobs = JobRunner(jobs_connector, settings.instance_id, f"{settings.instance_id}/{os.getpid()}",
                                 settings.jobs)
        app.ctx.jobs.start()

    @app.before_server_stop
    async def stop_taking_work(app: Sanic) -> None:
        """The first stop signal: /readyz answers 503, further SIGINT/SIGTERM are ignored (with systemd's
        default every process of the group gets SIGTERM, then the main process sends its workers SIGINT: the
        second signal would end the graceful wait and drop in-flight requests), and this worker's jobs are
        handed back so the fleet drives them on at once. Sanic then stops listening and lets in-flight
        requests finish (FEDGATE_SHUTDOWN_GRACE)."""
        app.ctx.stopping = True
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, signal.SIG_IGN)
        try:
            await asyncio.wait_for(asyncio.to_thread(app.ctx.jobs.stop), SHUTDOWN_STEP_SECONDS)
        except Exception as exc:  # noqa: BLE001 - then its leases lapse by themselves
            log.warning("shutdown: jobs not handed back (%s)", type(exc).__name__)

    @app.after_server_stop
    async def close_resources(app: Sanic) -> None:
        """Each step bounded: a worker that cannot reach the catalog or a node still exits (one CI run saw a
        single-process gateway wait in its shutdown for over an hour)."""
        async def step(name: str, work: Callable[[], Awaitable[object]]) -> None:
            try:
                await asyncio.wait_for(work(), SHUTDOWN_STEP_SECONDS)
            except TimeoutError:
                log.warning("shutdown: %s took longer than %g s: left behind", name, SHUTDOWN_STEP_SECONDS)
            except Exception as exc:  # noqa: BLE001 - the next step runs all the same
                log.warning("shutdown: %s failed (%s)", name, type(exc).__name__)

        await step("this instance's stop", app.ctx.instance.stop)
        await step("tenant figures", app.ctx.tenant_stats.rounds.close)
        await step("the last tenant figures", app.ctx.tenant_stats.flush)  # served since the last report
        await step("legacy usage", app.ctx.legacy_usage.rounds.close)
        await step("the last legacy usage", app.ctx.legacy_usage.flush)
        access_log.flush()
        await step("the metrics sampler", app.ctx.sampler.rounds.close)
        metrics.worker_exited(os.getpid())
        await step("the health monitor", app.ctx.health.close)
        await step("the node pools", app.ctx.client.close)
        await step("the catalog", app.ctx.catalog.close)

    @app.on_response
    async def response_headers(request: Request, response: HTTPResponse) -> None:
        """One response middleware (each costs a hop): the serving node's headers, the request id, CORS,
        then the request's metrics, per-tenant figures and access log line."""
        _federation_headers(request, response)
        if app.ctx.stopping:  # the last answer on this connection: the graceful stop waits for open connections
            request.stream.keep_alive = False  # type: ignore[union-attr]
        rid = response.headers[REQUEST_ID_HEADER] = request_id(request)
        started = getattr(request.stream, "perft0", None)
        took = time.perf_counter() - started if started is not None else 0.0
        routed: Routed | None = getattr(request.ctx, "route", None)
        node = routed.node.node_id if routed is not None and routed.node is not None else None
        endpoint, namespace, logged_as = _route_labels(request)
        status = response.status
        if namespace == "legacy":  # going, and who still calls it
            response.headers.update(legacy.sunset_headers(app.ctx.catalog.legacy, request.path))
            caller = getattr(request.ctx, "caller", None)
            app.ctx.legacy_usage.record(getattr(request.ctx, "legacy_tenant", None),
                                        f"{caller.role}:{caller.sub}" if caller is not None else "anonymous",
                                        status == 410)
        metrics.observe_request(endpoint, namespace, node or "", status, took)
        tenant = routed.tenant_id if routed is not None else None
        if tenant is not None and node is not None and (status < 400 or not _anonymous(request)):
            # A stranger's refused enrollments name any tenant id it likes: not recorded as a tenant's figures.
            app.ctx.tenant_stats.record(tenant, node, status, took)
        if access_log.enabled:
            access_log.write(rid, request.method, logged_as, status, node, None if tenant is None else str(tenant), took)
        origin = request.headers.get("origin")
        if origin is not None and ("*" in allowed_origins or origin in allowed_origins):
            response.headers.update(preflight if request.method == "OPTIONS" else cors)
            response.headers["Access-Control-Allow-Origin"] = "*" if "*" in allowed_origins else origin

    @app.get("/healthz", name="healthz")
    async def healthz(_request: Request) -> HTTPResponse:
        return json({"status": "ok"})

    @app.get("/readyz", name="readyz")
    async def readyz(request: Request) -> HTTPResponse:
        if request.app.ctx.stopping:
            return _error_response(GatewayError(503, "FGW503", "this gateway instance is stopping"))
        catalog: Catalog = request.app.ctx.catalog
        lagging = await catalog.lagging_nodes() if catalog.ready else None
        if lagging is not None:
            return json({"status": "ready", "nodes": len(catalog.nodes), "regions": sorted(catalog.regions),
                         "schemaBehind": lagging})
        return _error_response(GatewayError(503, "FGW503", "the federation catalog is not reachable"))

    @app.get("/metrics", name="metrics")
    async def metrics_text(request: Request) -> HTTPResponse:
        """Prometheus exposition (an operator's bearer token) of every worker of this gateway."""
        dispatch.authenticate(request, ("operator",))
        request.app.ctx.sampler.sample()
        body, content_type = metrics.render()
        return HTTPResponse(body, content_type=content_type)

    dispatch.register(app)
    admin.register(app)
    status_page.register(app)
    documents: dict[tuple[tuple[str, ...], tuple[str, ...]], str] = {}
    describer = Principal("operator", "fedgate-openapi").claims(None)
    agent_types_read: list[Any] = [0.0, ()]  # when, what: read again at most every AGENT_TYPES_TTL seconds

    @app.get("/openapi.json", name="openapi")
    async def openapi_json(request: Request) -> HTTPResponse:
        """The live document: the regions the catalog serves and the agent types of the reference data
        (read from the default node) as enums; the pattern alone when either cannot be read now."""
        backends: Backends = request.app.ctx.backends
        if time.monotonic() - agent_types_read[0] > AGENT_TYPES_TTL:  # the document is public: no node call
            try:                                                    # per request of it
                answer = await (await backends.control()).call("agent_catalog", None, {}, describer)
                agent_types_read[1] = tuple(sorted(item["id"] for item in json_module.loads(answer)["items"]))
            except GatewayError:
                agent_types_read[1] = ()
            agent_types_read[0] = time.monotonic()
        agent_types: tuple[str, ...] = agent_types_read[1]
        key = (tuple(sorted(backends.catalog.regions)), agent_types)
        if key not in documents:
            documents.clear()
            documents[key] = json_module.dumps(openapi.live_document(list(key[0]), list(agent_types)))
        return Response(documents[key], content_type="application/json")

    @app.exception(GatewayError)
    async def on_gateway_error(_request: Request, err: GatewayError) -> HTTPResponse:
        return _error_response(err)

    @app.exception(SanicException)
    async def on_sanic_error(request: Request, err: SanicException) -> HTTPResponse:
        status = getattr(err, "status_code", 500) or 500
        code = _SANIC_CODES.get(status, "FGW500")
        message = str(err) if status < 500 else "internal error"
        headers = {"Allow": _allowed(request)} if status == 405 else {}
        return _error_response(GatewayError(status, code, message, headers=headers))

    @app.exception(RequestCancelled)  # type: ignore[arg-type]  # a CancelledError: Sanic hands it over too
    async def on_abandoned(_request: Request, _err: RequestCancelled) -> HTTPResponse:
        # The client hung up (half a request, or before its answer): nobody reads this answer, and it is
        # not a server error (it used to count as a 500 and could fire or mask the server-error alert).
        return _error_response(GatewayError(499, "FGW499", "the client closed the connection"))

    @app.exception(Exception)
    async def on_unexpected(request: Request, err: Exception) -> HTTPResponse:
        # Never echo the exception: driver messages can name hosts and users.
        log.error("unhandled %s on %s %s", type(err).__name__, request.method, request.path)
        return _error_response(GatewayError(500, "FGW500", "internal error"))

    return app
