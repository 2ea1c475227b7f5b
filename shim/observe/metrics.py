"""The gateway's Prometheus metrics (prometheus-client), one scrape for the whole gateway.

In multiprocess mode (``fedgate serve`` sets PROMETHEUS_MULTIPROC_DIR before this module is imported,
see shim.observe.metrics_dir) each worker writes its own files and ``render()`` merges them, so a scrape
answered by any worker shows them all. Only health-check latency is observed where it happens; everything
else a worker counts (catalog round trips, the resolution cache,
psycopg_pool's statistics, breakers) and the request latencies (tallied per bucket in plain lists) are
copied into the metrics by ``Sampler`` once a second and before each scrape: a request's cost is a dict
lookup, a bisect and two additions. No metric has a tenant label:
per-tenant figures go to the catalog (shim.observe.tenant_stats).
"""

from __future__ import annotations

import os
from bisect import bisect_left
from collections.abc import Iterable
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client import multiprocess

from shim.nodes.catalog import Catalog
from shim.nodes.client import NodeClient
from shim.observe.periodic import Periodic

SAMPLE_INTERVAL = 1.0  # seconds between a worker's copies of its own figures into the metrics
MULTIPROCESS = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))
OPEN_MOVE_STATES = ("copying", "catching_up", "verifying", "cutover", "cleanup", "switched", "reversed")
SETTLED_MOVE_STATES = frozenset({"switched", "reversed"})  # reversible: waiting by design, neither idle nor lagging

REQUEST_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
REQUEST_SECONDS = Histogram(
    "fedgate_request_duration_seconds",
    "Requests by endpoint, namespace (federated, legacy, admin, gateway), serving node and status class: "
    "latency from the request's headers to its answer (_count is the request count)",
    ["endpoint", "namespace", "node", "status_class"],
    buckets=REQUEST_BUCKETS)
CATALOG_ROUNDTRIPS = Counter("fedgate_catalog_roundtrips",
                             "Catalog queries made on a request's path (cold resolutions, unknown nodes)")
CACHE_HITS = Counter("fedgate_resolution_cache_hits", "Resolutions answered from the cache")
CACHE_MISSES = Counter("fedgate_resolution_cache_misses", "Resolutions that needed the catalog")
CACHE_EVICTIONS = Counter("fedgate_resolution_cache_evictions",
                          "Resolutions pushed out of a full cache (least recently used first)", ["kind"])
CACHE_ENTRIES = Gauge("fedgate_resolution_cache_entries", "Tenants in the resolution cache (mapped, unmapped)",
                      ["kind"], multiprocess_mode="livesum")
POOL_CONNECTIONS = Gauge("fedgate_node_pool_connections", "Open connections of the node's pools (psycopg_pool)",
                         ["node"], multiprocess_mode="livesum")
POOL_AVAILABLE = Gauge("fedgate_node_pool_available", "Idle connections of the node's pools",
                       ["node"], multiprocess_mode="livesum")
POOL_WAITING = Gauge("fedgate_node_pool_waiting", "Requests waiting for one of the node's connections",
                     ["node"], multiprocess_mode="livesum")
POOL_WAIT_SECONDS = Counter("fedgate_node_pool_wait_seconds", "Time requests spent waiting for a connection",
                            ["node"])
POOL_REQUESTS = Counter("fedgate_node_pool_requests", "Connections handed out by the node's pools", ["node"])
POOL_TIMEOUTS = Counter("fedgate_node_pool_timeouts", "Requests that got no connection in time", ["node"])
POOL_CONNECT_ERRORS = Counter("fedgate_node_pool_connect_errors", "Failed attempts to open a connection", ["node"])
BREAKER_OPEN = Gauge("fedgate_node_breaker_open", "1 while a worker's breaker for the node is open",
                     ["node"], multiprocess_mode="livemax")
BREAKER_OPENS = Counter("fedgate_node_breaker_opens", "Times a breaker for the node opened", ["node"])
NODE_HEALTHY = Gauge("fedgate_node_healthy", "1 when the deployment's health checker last found the node healthy",
                     ["node"], multiprocess_mode="livemax")
HEALTH_SECONDS = Histogram("fedgate_health_check_seconds", "Health checks of a node (connect and read its schema)",
                           ["node", "result"], buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0))
MOVES = Gauge("fedgate_moves_in_progress", "Open tenant moves by state", ["state"], multiprocess_mode="livemax")
MOVE_LAG = Gauge("fedgate_move_lag_bytes_max", "The largest replication lag of an open move (bytes)",
                 multiprocess_mode="livemax")
PLAN_KINDS = ("drain", "legacy", "rebalance")
PLAN_MOVES = Gauge("fedgate_plan_moves", "Moves of the open drains and plans by plan kind and state: done, moving, "
                   "pending (not started), not_done (failed, aborted, skipped)", ["kind", "state"],
                   multiprocess_mode="livemax")
PLAN_ROWS = Gauge("fedgate_plan_rows", "Rows of the open drains' and plans' moves: planned, and moved by those done",
                  ["kind", "what"], multiprocess_mode="livemax")
MOVE_IDLE = Gauge("fedgate_move_idle_seconds_max",
                  "Seconds since the open move that progressed least recently last progressed",
                  multiprocess_mode="livemax")
TENANT_STATS_DROPPED = Counter("fedgate_tenant_stats_dropped",
                               "Per-tenant figures not reported to the catalog (batch full or catalog down)")
MISROUTED = Counter("fedgate_misrouted", "Requests a routing rule sent to a node that does not hold the tenant's "
                    "data: answered 503 FGW513, not 404", ["node"])
LEGACY_REQUESTS = Counter("fedgate_legacy_requests", "Requests to the legacy namespace: served, or refused (410: its "
                          "routes turned off for the tenant or everyone); who calls is in federation_legacy_usage",
                          ["outcome"])
RESIDENCY_REFUSED = Counter("fedgate_residency_refused_requests", "Requests refused by a tenant's residency: "
                            "resolve (503, no serving node inside it), legacy (409, the default node is outside it)",
                            ["door"])
RESIDENCY_EVENTS = Gauge("fedgate_residency_events", "Residency decisions recorded in federation.residency_events, by "
                         "action (policy, place, route, map, move, drain, replica, legacy) and decision (set, cleared, "
                         "planned, refused, overridden)", ["action", "decision"], multiprocess_mode="livemax")
THROTTLED = Counter("fedgate_tenant_throttled", "Requests answered 429 before any database work, by what refused "
                    "them: a tenant's fleet-wide quota or its write budget", ["reason"])


class _RequestTally:
    """Request latencies of one label set since the last sample, counted here per bucket (a list index
    and two additions per request) and added to the histogram once a second by Sampler: prometheus-client
    writes each observation to its multiprocess files under a lock, which cost 4% of the gateway's CPU
    per request."""

    __slots__ = ("counts", "total")

    def __init__(self) -> None:
        self.counts = [0] * (len(REQUEST_BUCKETS) + 1)  # the last: above every bound (+Inf)
        self.total = 0.0


_TALLIES: dict[tuple[str, str, str, int], _RequestTally] = {}


def observe_request(endpoint: str, namespace: str, node: str, status: int, seconds: float) -> None:
    key = (endpoint, namespace, node, status // 100)
    tally = _TALLIES.get(key)
    if tally is None:
        tally = _TALLIES[key] = _RequestTally()
    tally.counts[bisect_left(REQUEST_BUCKETS, seconds)] += 1
    tally.total += seconds


def _flush_requests() -> None:
    """The tallies into the histogram: each bucket's count and the sum, as observe() would have left them."""
    for (endpoint, namespace, node, status_class), tally in _TALLIES.items():
        if not any(tally.counts):
            continue
        child = REQUEST_SECONDS.labels(endpoint, namespace, node, f"{status_class}xx")
        for bucket, count in zip(child._buckets, tally.counts):
            if count:
                bucket.inc(count)
        child._sum.inc(tally.total)
        tally.counts = [0] * len(tally.counts)
        tally.total = 0.0


def observe_health(checks: Iterable[tuple[str, bool, float | None, str | None]], timeout: float) -> None:
    """One round of the health checker: each node's check latency (a failed one counts its timeout)."""
    for node_id, healthy, latency_ms, _error in checks:
        seconds = latency_ms / 1000 if latency_ms is not None else timeout
        HEALTH_SECONDS.labels(node_id, "healthy" if healthy else "unhealthy").observe(seconds)
        NODE_HEALTHY.labels(node_id).set(int(healthy))


def observe_residency(rows: Iterable[tuple[str, str, int]]) -> None:
    """The residency decisions recorded so far (action, decision, count), from the health checker."""
    for action, decision, count in rows:
        RESIDENCY_EVENTS.labels(action, decision).set(count)


def observe_moves(rows: Iterable[tuple[str, int | None, float | None]]) -> None:
    """The open moves (state, lag bytes, seconds since their last progress), from the health checker."""
    counts = dict.fromkeys(OPEN_MOVE_STATES, 0)
    lag, idle = 0, 0.0
    for state, lag_bytes, idle_seconds in rows:
        counts[state] = counts.get(state, 0) + 1
        if state in SETTLED_MOVE_STATES:
            continue
        lag = max(lag, lag_bytes or 0)
        idle = max(idle, idle_seconds or 0.0)
    for state, count in counts.items():
        MOVES.labels(state).set(count)
    MOVE_LAG.set(lag)
    MOVE_IDLE.set(idle)


def observe_plans(rows: Iterable[tuple[Any, ...]]) -> None:
    """The open drains and plans (kind, moves done, moving, pending, not done, rows planned, rows moved), from
    the health checker: each kind's figures summed, 0 for a kind with none open."""
    found = {str(row[0]): row[1:] for row in rows}
    for kind in PLAN_KINDS:
        done, moving, pending, not_done, planned, moved = (float(v or 0) for v in found.get(kind, (0,) * 6))
        for state, count in (("done", done), ("moving", moving), ("pending", pending), ("not_done", not_done)):
            PLAN_MOVES.labels(kind, state).set(count)
        PLAN_ROWS.labels(kind, "planned").set(planned)
        PLAN_ROWS.labels(kind, "moved").set(moved)


class Sampler:
    """Copies one worker's own counters into the metrics: counters by their increase since the last
    sample, gauges as they are."""

    def __init__(self, catalog: Catalog, client: NodeClient) -> None:
        self._catalog = catalog
        self._client = client
        self._seen: dict[tuple[str, str], float] = {}
        self.rounds = Periodic("fedgate-metrics", SAMPLE_INTERVAL, self._sample_round)

    async def _sample_round(self) -> None:
        self.sample()

    def _increase(self, counter: Any, key: tuple[str, str], value: float) -> None:
        last = self._seen.get(key, 0.0)
        if value > last:
            counter.inc(value - last)
        self._seen[key] = value

    def sample(self) -> None:
        catalog, client = self._catalog, self._client
        _flush_requests()
        self._increase(CATALOG_ROUNDTRIPS, ("roundtrips", ""), catalog.roundtrips)
        self._increase(CACHE_HITS, ("hits", ""), catalog.cache_hits)
        self._increase(CACHE_MISSES, ("misses", ""), catalog.cache_misses)
        for kind, (entries, evictions) in catalog.cache_figures().items():
            CACHE_ENTRIES.labels(kind).set(entries)
            self._increase(CACHE_EVICTIONS.labels(kind), ("evictions", kind), evictions)
        for node_id, stats in client.pool_stats().items():
            POOL_CONNECTIONS.labels(node_id).set(stats.get("pool_size", 0))
            POOL_AVAILABLE.labels(node_id).set(stats.get("pool_available", 0))
            POOL_WAITING.labels(node_id).set(stats.get("requests_waiting", 0))
            # pop_stats: these are the increases since the last sample
            POOL_WAIT_SECONDS.labels(node_id).inc(stats.get("requests_wait_ms", 0) / 1000)
            POOL_REQUESTS.labels(node_id).inc(stats.get("requests_num", 0))
            POOL_TIMEOUTS.labels(node_id).inc(stats.get("requests_errors", 0))
            POOL_CONNECT_ERRORS.labels(node_id).inc(stats.get("connections_errors", 0))
        for node in catalog.nodes.values():
            BREAKER_OPEN.labels(node.node_id).set(int(client.breaker.is_open(node.node_id)))
            self._increase(BREAKER_OPENS.labels(node.node_id), ("opens", node.node_id),
                           client.breaker.opens.get(node.node_id, 0))


def render() -> tuple[bytes, str]:
    """The exposition text of every worker (or of this process outside multiprocess mode)."""
    if MULTIPROCESS:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


def worker_exited(pid: int) -> None:
    """Drop a stopped worker's live gauges (its counters and histograms stay in the totals)."""
    if MULTIPROCESS:
        multiprocess.mark_process_dead(pid)
