"""The federation catalog as the gateway sees it.

Holds the node list (read at start and whenever a node changes) and a
per-process cache of resolutions: a warm request costs no catalog round
trip, a cold one exactly one (``resolve_node``). The cache is two LRUs:
mapped tenants (CACHE_MAX_TENANTS) and answers for unmapped or unknown
tenants and "no serving node" (UNMAPPED_MAX), so a flood of random tenant ids
churns only the second. A LISTEN connection on channel ``fedgate_catalog``
drops what a change makes stale: a tenant's rules drop its entries; a node's
health flip drops the entries that node can change (resolved to it,
failovers, negative answers), not the whole cache; a change of the node list
drops everything; when that connection is
lost and comes back, the whole cache is dropped, because notifications may
have been missed. While the catalog is down, tenants already resolved keep
being served from the cache.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from datetime import date, datetime
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, NamedTuple
from uuid import UUID

import psycopg
from cachetools import LRUCache
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from shim.errors import node_unavailable
from shim.nodes import connector
from shim.nodes.queries import QUERIES

log = logging.getLogger("fedgate.catalog")

DEFAULT_NODE = "default"
NEGATIVE_TTL = 1.0  # seconds a "no serving node" answer is reused
CACHE_MAX_TENANTS = 200_000  # mapped tenants (the hot set)
UNMAPPED_MAX = 20_000        # unmapped or unknown tenants, and negative answers
# Resolutions a node's change can alter besides those resolved to it: a failover goes back to its
# node when that one serves again; a negative answer may find a node now.
_NODE_SENSITIVE = frozenset({"failover", "no_serving_node"})


class CatalogUnavailable(Exception):
    """The catalog database cannot answer right now."""


@dataclass(frozen=True)
class Node:
    node_id: str
    region: str
    status: str
    database_url: str = field(repr=False)  # a secret: never rendered, logged or returned
    replicas: tuple[Replica, ...] = ()     # its streaming replicas, usable or not

    @property
    def readable(self) -> tuple[Replica, ...]:
        """The replicas the health checker last found within their lag bound."""
        return tuple(r for r in self.replicas if r.usable)


@dataclass(frozen=True)
class Replica:
    """A streaming replica of a node. ``target`` is how the node client reaches it: a Node of its own
    (its pool and breaker are keyed ``<node>~<replica>``)."""

    replica_id: str
    usable: bool
    target: Node
    region: str = ""
    override: bool = False  # an operator's recorded override: serves tenants whose residency excludes its region

    def may_serve(self, residency: tuple[str, ...] | None) -> bool:
        """Whether this replica may answer for a tenant with this residency (None: unrestricted)."""
        return residency is None or self.override or self.region in residency


@dataclass(frozen=True)
class Resolution:
    node_id: str | None  # None: a mapped tenant with no serving node
    region: str | None
    reason: str
    expires: float | None = None
    residency: tuple[str, ...] | None = None  # the regions the tenant may be served in; None: unrestricted


class _CountingLRU(LRUCache):  # type: ignore[type-arg]
    """An LRU cache that counts what it pushes out when full."""

    evictions = 0

    def popitem(self) -> Any:
        item = super().popitem()
        self.evictions += 1
        return item


class TenantLimit(NamedTuple):
    """A tenant's quotas for the whole fleet (``federation.tenant_limits``); None: not limited that way."""

    rps: float | None
    burst: float | None
    inflight: int | None


class LegacyPolicy(NamedTuple):
    """The legacy namespace's retirement (``federation.legacy_policy``, ``legacy_off``)."""

    sunset: date | None = None           # the Sunset header's date; None: not deprecated
    deprecated_at: datetime | None = None  # the Deprecation header's moment
    all_off: bool = False                # every legacy route answers 410
    off: frozenset[UUID] = frozenset()   # these tenants' legacy routes answer 410

    def is_off(self, tenant: UUID | None) -> bool:
        return self.all_off or (tenant is not None and tenant in self.off)


class Catalog:
    """Node list, resolution cache and change listener of one gateway process."""

    def __init__(self, dsn: str, *, connect_timeout: float = 3.0, cache_tenants: int = CACHE_MAX_TENANTS,
                 cache_unmapped: int = UNMAPPED_MAX, login: dict[str, Any] | None = None) -> None:
        self._dsn = dsn
        self._login = login or {}  # FEDGATE_CATALOG_USER: reads the catalog, no tenant row
        self._connect_timeout = connect_timeout
        self._pool: AsyncConnectionPool | None = None
        self._listener: asyncio.Task[None] | None = None
        self._mapped: LRUCache[UUID, dict[str | None, Resolution]] = _CountingLRU(cache_tenants)
        self._unmapped: LRUCache[UUID, dict[str | None, Resolution]] = _CountingLRU(cache_unmapped)
        self._generation = 0
        self.nodes: dict[str, Node] = {}
        self.regions: frozenset[str] = frozenset()
        self.listening = asyncio.Event()
        self.roundtrips = 0  # catalog round trips made on a request's path (cold resolutions, unknown nodes)
        self.cache_hits = 0
        self.cache_misses = 0
        self.on_nodes_changed: Callable[[list[str]], Awaitable[None]] | None = None
        self.fenced: dict[UUID, asyncio.Event] = {}  # tenants in a move's cutover: set when it ends
        self.limits: dict[UUID, TenantLimit] = {}  # the tenants' quotas for the fleet
        self.fleet_workers = 1  # the live instances' workers: each holds that share of every quota
        self.legacy = LegacyPolicy()

    # -- lifecycle -------------------------------------------------------
    async def open(self) -> None:
        self._pool = connector.pool(self._dsn, name="catalog", min_size=1, max_size=4, timeout=self._connect_timeout,
                                    connect_timeout=self._connect_timeout, application_name="fedgate-catalog",
                                    options="-c statement_timeout=2000", login=self._login)
        await self._pool.open(wait=False)
        # The listener loads the node list on every (re)connection; a gateway
        # started while the catalog is down comes up unready and heals.
        self._listener = asyncio.create_task(self._listen_forever(), name="fedgate-catalog-listener")
        try:
            await asyncio.wait_for(self.listening.wait(), self._connect_timeout * 3)
        except TimeoutError:
            log.warning("catalog not reachable yet; the gateway is not ready until it is")

    @property
    def ready(self) -> bool:
        return self.listening.is_set() and bool(self.nodes)

    async def close(self) -> None:
        if self._listener:
            self._listener.cancel()
            try:
                await self._listener
            except (asyncio.CancelledError, Exception):  # noqa: BLE001
                pass
        if self._pool:
            await self._pool.close()

    # -- queries ---------------------------------------------------------
    async def _fetch(self, name: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """One catalog query; a connection the catalog dropped (a restart) is retried once."""
        assert self._pool is not None, "catalog not open"
        for attempt in (1, 2):
            try:
                async with asyncio.timeout(self._connect_timeout + 2.5):
                    async with self._pool.connection(timeout=self._connect_timeout) as conn:
                        cursor = await conn.execute(QUERIES[name], params or None)
                        return await cursor.fetchall()
            except psycopg.OperationalError:
                if attempt == 2:
                    raise CatalogUnavailable("connection") from None
            except (TimeoutError, PoolTimeout):
                raise CatalogUnavailable("timeout") from None
        raise AssertionError("unreachable")

    async def execute(self, name: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """A named catalog statement of the gateway's own (health, tenant figures): its rows."""
        return await self._fetch(name, params)

    async def as_operator(self, name: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        """A named statement of the admin API, in a transaction as fedgate_operator (the catalog login's
        other statements cannot change the catalog): its rows as column -> value."""
        assert self._pool is not None, "catalog not open"
        try:
            async with asyncio.timeout(self._connect_timeout + 5):
                async with self._pool.connection(timeout=self._connect_timeout) as conn:
                    async with conn.transaction():
                        await conn.execute(QUERIES["operator_role"])
                        cursor = await conn.execute(QUERIES[name], params or None)
                        names = [c.name for c in cursor.description or []]
                        return [dict(zip(names, row)) for row in await cursor.fetchall()]
        except psycopg.OperationalError as exc:
            if exc.sqlstate is not None and exc.sqlstate[:2] not in ("08", "57"):
                raise  # the catalog answered: the statement's own error (FG404, ...)
            raise CatalogUnavailable("connection") from None
        except (TimeoutError, PoolTimeout):
            raise CatalogUnavailable("timeout") from None

    async def lagging_nodes(self) -> list[str] | None:
        """The nodes the health checker found behind this gateway's schema (None: the catalog does not
        answer)."""
        try:
            return [str(r[0]) for r in await self._fetch("lagging_nodes")]
        except CatalogUnavailable:
            return None

    async def reload_nodes(self) -> None:
        rows = await self._fetch("load_nodes")
        replicas: dict[str, list[tuple[str, str, bool, str, bool]]] = {}
        for replica_id, node_id, url, usable, region, override in await self._fetch("load_replicas"):
            replicas.setdefault(node_id, []).append((replica_id, url, bool(usable), region, bool(override)))
        self.nodes = {r[0]: Node(node_id=r[0], region=r[1], database_url=r[2], status=r[3], replicas=tuple(
            Replica(replica_id, usable, Node(f"{r[0]}~{replica_id}", region, "active", url), region, override)
            for replica_id, url, usable, region, override in replicas.get(r[0], []))) for r in rows}
        self.regions = frozenset(n.region for n in self.nodes.values())

    def pool_targets(self) -> set[str]:
        """The ids a node client keeps pools for: every node and every replica."""
        return {target for node in self.nodes.values()
                for target in (node.node_id, *(r.target.node_id for r in node.replicas))}

    def node(self, node_id: str) -> Node | None:
        return self.nodes.get(node_id)

    async def require_node(self, node_id: str) -> Node:
        """The node, reloading the list once when it is missing (registered since our last
        notification); a 503 when it is not there even then."""
        node = self.nodes.get(node_id)
        if node is None:
            self.roundtrips += 2
            try:
                await self.reload_nodes()
            except CatalogUnavailable:
                pass
            node = self.nodes.get(node_id)
        if node is None:
            raise node_unavailable(node_id, "is not in the node catalog")
        return node

    # -- resolution ------------------------------------------------------
    def cached(self, tenant: UUID, region: str | None) -> Resolution | None:
        entry = self._mapped.get(tenant)
        if entry is None:
            entry = self._unmapped.get(tenant)
        found = entry.get(region) if entry is not None else None
        if found is not None and found.expires is not None and found.expires < time.monotonic():
            return None
        return found

    async def resolve(self, tenant: UUID | None, region: str | None) -> Resolution:
        """Where (tenant, region) goes; from the cache when warm, one catalog query when cold."""
        if tenant is None:
            return Resolution(DEFAULT_NODE, self.region_of(DEFAULT_NODE), "default_unmapped")
        hit = self.cached(tenant, region)
        if hit is not None:
            self.cache_hits += 1
            return hit
        generation = self._generation
        self.roundtrips += 1
        self.cache_misses += 1
        rows = await self._fetch("resolve_with_residency", (str(tenant), str(tenant), region))
        node_id, node_region, reason, residency = rows[0] if rows else (None, None, None, None)
        residency = tuple(residency) if residency is not None else None
        if node_id is not None:
            found = Resolution(node_id, node_region, reason, residency=residency)
        else:
            found = Resolution(None, None, "no_serving_node", time.monotonic() + NEGATIVE_TTL, residency)
        if generation == self._generation:  # no invalidation raced this query
            mapped = found.node_id is not None and found.reason != "default_unmapped"
            bucket, other = (self._mapped, self._unmapped) if mapped else (self._unmapped, self._mapped)
            other.pop(tenant, None)
            entry = bucket.get(tenant)
            if entry is None:
                entry = bucket[tenant] = {}
            entry[region] = found
        return found

    def region_of(self, node_id: str) -> str | None:
        node = self.nodes.get(node_id)
        return node.region if node else None

    @property
    def cached_tenants(self) -> int:
        return len(self._mapped) + len(self._unmapped)

    def cache_figures(self) -> dict[str, tuple[int, int]]:
        """Entries and evictions of the two resolution caches (mapped tenants, unmapped ones)."""
        return {kind: (len(cache), getattr(cache, "evictions", 0))
                for kind, cache in (("mapped", self._mapped), ("unmapped", self._unmapped))}

    def forget(self, tenants: list[UUID] | None = None) -> None:
        """Drop cached resolutions: of some tenants, or all of them."""
        self._generation += 1
        if tenants is None:
            self._mapped.clear()
            self._unmapped.clear()
        else:
            for tenant in tenants:
                self._mapped.pop(tenant, None)
                self._unmapped.pop(tenant, None)

    def forget_nodes(self, node_ids: set[str]) -> None:
        """Drop the resolutions a change of these nodes can alter (one pass over the cache, on a node
        change only): those resolved to them, failovers and negative answers."""
        self._generation += 1
        for cache in (self._mapped, self._unmapped):
            stale = [tenant for tenant, entry in cache.items()
                     if any(r.node_id in node_ids or r.reason in _NODE_SENSITIVE for r in entry.values())]
            for tenant in stale:
                del cache[tenant]

    async def reload_limits(self) -> None:
        """The tenants' quotas (few rows: the tenants an operator limited)."""
        self.limits = {UUID(str(t)): TenantLimit(rps, burst, inflight)
                       for t, rps, burst, inflight in await self._fetch("load_limits")}

    async def reload_legacy(self) -> None:
        """The legacy namespace's sunset and off switches (one small row, and the tenants turned off)."""
        rows = await self._fetch("load_legacy")
        if rows:
            sunset, deprecated_at, all_off, off = rows[0]
            self.legacy = LegacyPolicy(sunset, deprecated_at, bool(all_off),
                                       frozenset(UUID(str(t)) for t in off or ()))

    async def reload_fleet(self) -> None:
        """How many workers the live instances have (this one's included, once it is registered)."""
        rows = await self._fetch("fleet_workers")
        self.fleet_workers = max(1, int(rows[0][0])) if rows else 1

    async def apply_change(self, payload: dict[str, Any]) -> None:
        """React to one fedgate_catalog notification."""
        table = payload.get("table")
        if table == "tenant_limits":
            await self.reload_limits()
            return
        if table == "gateway_instances":
            await self.reload_fleet()
            return
        if table in ("legacy_policy", "legacy_off"):
            await self.reload_legacy()
            return
        if table == "federation_replicas":  # reads move to or from replicas; resolutions stay
            await self.reload_nodes()
            return
        if table in ("federation_nodes", "federation_node_health") or payload.get("all"):
            if table == "federation_nodes" or payload.get("all"):
                await self.reload_nodes()
            node_ids = [str(n) for n in payload.get("node_ids") or []]
            if table == "federation_node_health" and node_ids and not payload.get("all"):
                self.forget_nodes(set(node_ids))  # a flap: what these nodes can change
            else:
                self.forget()  # the node list changed (added, renamed, status): rare, drop everything
            if self.on_nodes_changed is not None:
                await self.on_nodes_changed(node_ids)
            return
        tenants: list[UUID] = []
        for raw in payload.get("tenant_ids") or []:
            try:
                tenants.append(UUID(str(raw)))
            except ValueError:
                self.forget()
                return
        if table == "tenant_moves":
            self._fence(tenants, bool(payload.get("fenced")))
        self.forget(tenants)

    def _fence(self, tenants: list[UUID], fenced: bool) -> None:
        """A move's cutover fenced these tenants (their requests wait), or its switch or abort let them go."""
        for tenant in tenants:
            if fenced:
                self.fenced.setdefault(tenant, asyncio.Event())
            else:
                released = self.fenced.pop(tenant, None)
                if released is not None:
                    released.set()

    # -- change listener -------------------------------------------------
    async def _listen_forever(self) -> None:
        delay = 0.1
        while True:
            try:
                conn = await connector.aconnect(self._dsn, timeout=self._connect_timeout, name="fedgate-listener",
                                                **self._login)
                async with conn:
                    await conn.execute(QUERIES["listen"])
                    # Anything may have changed while we were not listening.
                    await self.reload_nodes()
                    await self.reload_limits()
                    await self.reload_legacy()
                    await self.reload_fleet()
                    self.forget()
                    self.listening.set()
                    delay = 0.1
                    async for note in conn.notifies():
                        try:
                            payload = json.loads(note.payload)
                        except ValueError:
                            payload = {"all": True}
                        await self.apply_change(payload)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - keep listening whatever happened
                if self.listening.is_set():
                    log.warning("catalog listener lost (%s); serving from the cache, reconnecting",
                                type(exc).__name__)
                self.listening.clear()
            await asyncio.sleep(delay)
            delay = min(delay * 2, 2.0)
