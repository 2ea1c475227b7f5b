"""Node access: one connection pool per federation node (lazy, bounded, closed when idle or on
shutdown), and the one way to run a handler on a node (``NodeClient.handle(node).call(...)``).

Connections log in as FEDGATE_NODE_USER (``fedgate_gateway``: a member of the
API role, which executes the api handlers and nothing else), run as the API
role (``-c role=...`` in the startup packet) with
a statement timeout, in autocommit: a request is one statement, one round
trip, no BEGIN/COMMIT of its own. A connection that sat idle for a while is
checked before use (a node may have restarted meanwhile); a busy one is not,
so the hot path stays one round trip. A node's ``database_url`` is resolved
here, at connect time: ``self`` is the control database, ``env:VAR`` reads the
variable from the gateway's environment, anything else (URL, key=value,
``service=NAME``) goes to libpq as it is. It never leaves this module.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import deque
from collections.abc import Callable
from typing import Any
from uuid import UUID

import psycopg
from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from shim.config import Settings
from shim.errors import GatewayError, from_db_error, node_unavailable
from shim.nodes import connector
from shim.nodes.breaker import CircuitBreaker
from shim.nodes.catalog import Node
from shim.nodes.connector import resolve_dsn
from shim.nodes.queries import QUERIES, call_api, schema_lag, wal_position
from shim.schema import latest_versions

# A replica's answers the node itself gives instead: not found (the replica may lag behind a creation),
# read-only transaction (a handler that writes after all).
REPLICA_FALLBACK_CODES = frozenset({"FG404", "25006"})
COST_WEIGHT = 0.2       # the newest call's weight in a tenant's moving average of call time on a node
COST_ENTRIES = 100_000  # (node, tenant) averages kept per worker (the oldest dropped first)
IDLE_CHECK_AFTER = 2.0  # seconds idle after which a pooled connection is checked before use
SCHEMA_RECHECK = 5.0    # seconds a node found behind is refused before its schema is read again


def connection_lost(exc: psycopg.Error) -> bool:
    """The connection failed or the server went away (not an error the node answered with)."""
    state = exc.sqlstate
    return state is None or state[:2] == "08" or state in ("57P01", "57P02", "57P03")


async def _check_if_idle(conn: AsyncConnection[Any]) -> None:
    """Pool check callback: a round trip only for a connection idle long enough to have gone stale."""
    returned = getattr(conn, "_fedgate_returned", None)
    if returned is not None and time.monotonic() - returned > IDLE_CHECK_AFTER:
        await conn.execute(QUERIES["ping"])


class NodeClient:
    """The pools, breakers and handler calls of one gateway process."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._pools: dict[str, tuple[str, AsyncConnectionPool]] = {}
        self._last_used: dict[str, float] = {}
        self._lock = asyncio.Lock()
        self._in_use = asyncio.Semaphore(settings.pool_total_max)
        self._tenant_slots: dict[tuple[str, UUID], TenantSlots] = {}
        # Seconds a call, moving average, per (node, tenant): a one-item list updated in place (the hot path
        # does one dict lookup); at most COST_ENTRIES, the oldest entry dropped first.
        self._tenant_cost: dict[tuple[str, UUID], list[float]] = {}
        self._slow_seconds = settings.tenant_slow_ms / 1000
        self._turn = 0  # spreads reads over a node's replicas
        self._needed = latest_versions("node")
        self._behind: dict[str, tuple[float, str]] = {}  # node id -> (until, what it lacks)
        self.breaker = CircuitBreaker(settings.breaker_threshold, settings.breaker_reset)
        # A tenant's share of its fleet-wide in-flight quota in this worker, or None (the request layer's).
        self.tenant_cap: Callable[[UUID], int | None] = lambda tenant: None

    def _new_pool(self, node: Node, dsn: str) -> AsyncConnectionPool:
        s = self._settings
        # One request, one statement, one core: no parallel workers, so a tenant's expensive statement
        # cannot take the node's other cores from everyone else.
        options = f"-c role={s.api_role} -c statement_timeout={s.statement_timeout_ms} -c max_parallel_workers_per_gather=0"
        return connector.pool(dsn, name=f"node:{node.node_id}", min_size=0, max_size=s.pool_max_size,
                              timeout=s.pool_timeout, connect_timeout=s.connect_timeout, application_name="fedgate",
                              options=options, login={**connector.KEEPALIVES, **s.node_login},
                              max_idle=s.pool_max_idle, check=_check_if_idle)

    async def pool(self, node: Node) -> AsyncConnectionPool:
        """The node's pool, opened on first use (and reopened if its DSN changed) once the node's schema
        is found at least as new as this gateway's: handlers never run on an older one."""
        entry = self._pools.get(node.node_id)
        if entry is not None and entry[0] == node.database_url:
            return entry[1]
        async with self._lock:
            entry = self._pools.get(node.node_id)
            if entry is not None and entry[0] == node.database_url:
                return entry[1]
            behind = self._behind.get(node.node_id)
            if behind is not None and behind[0] > time.monotonic():
                raise node_unavailable(node.node_id, f"runs an older schema than this gateway ({behind[1]})")
            try:
                dsn = resolve_dsn(node.database_url, self._settings.database_url)
            except LookupError:
                raise node_unavailable(node.node_id, "has no usable connection reference") from None
            pool = self._new_pool(node, dsn)
            await pool.open(wait=False)
            await self._check_schema(node, pool)
            self._pools[node.node_id] = (node.database_url, pool)
            if entry is not None:
                asyncio.create_task(entry[1].close())
            return pool

    async def _check_schema(self, node: Node, pool: AsyncConnectionPool) -> None:
        """One query when a node's pool opens: its migrations against this gateway's (a 503 naming what
        the node lacks, for SCHEMA_RECHECK seconds, when it is behind)."""
        try:
            async with pool.connection(timeout=self._settings.pool_timeout) as conn:
                lacking = await schema_lag(conn, self._needed)
        except (psycopg.Error, PoolTimeout):
            await pool.close()
            self.breaker.failure(node.node_id)
            raise node_unavailable(node.node_id) from None
        if lacking is not None:
            await pool.close()
            self._behind[node.node_id] = (time.monotonic() + SCHEMA_RECHECK, lacking)
            raise node_unavailable(node.node_id, f"runs an older schema than this gateway ({lacking})")
        self._behind.pop(node.node_id, None)

    async def _acquire(self, node: Node) -> tuple[AsyncConnectionPool, AsyncConnection[Any]]:
        """A connection to ``node`` (give it back with ``_release``); 503 at once while its breaker is
        open, or within the pool timeout. Plain awaits, not a context manager: this is the hot path."""
        if not self.breaker.allow(node.node_id):
            raise node_unavailable(node.node_id)
        pool = await self.pool(node)
        self._last_used[node.node_id] = time.monotonic()
        if self._in_use.locked():  # only a saturated gateway pays for the timed wait
            try:
                await asyncio.wait_for(self._in_use.acquire(), self._settings.pool_timeout)
            except TimeoutError:
                raise GatewayError(503, "FGW503", "the gateway is at its connection limit",
                                   hint="retry after the Retry-After delay") from None
        else:
            await self._in_use.acquire()
        try:
            return pool, await pool.getconn(timeout=self._settings.pool_timeout)
        except PoolTimeout:
            self._in_use.release()
            if pool.get_stats().get("pool_size", 0) < pool.max_size:
                # The pool could not open the connections it may have: the node is not answering.
                self.breaker.failure(node.node_id)
                raise node_unavailable(node.node_id) from None
            # Every connection exists and is busy: the node is slow, not down. Its breaker stays closed,
            # so one tenant's slow statements do not take the node away from the others.
            raise GatewayError(503, "FGW503", f"federation node {node.node_id} is busy",
                               hint="retry after the Retry-After delay") from None
        except BaseException:
            self._in_use.release()
            raise

    async def _release(self, pool: AsyncConnectionPool, conn: AsyncConnection[Any]) -> None:
        try:
            conn._fedgate_returned = time.monotonic()  # type: ignore[attr-defined]
            await pool.putconn(conn)  # a broken connection is discarded, not reused
        finally:
            self._in_use.release()

    def _tenant_limit(self, key: tuple[str, UUID]) -> int:
        """The tenant's in-flight bound on this node: FEDGATE_TENANT_MAX_INFLIGHT (or this worker's share of the
        tenant's fleet-wide in-flight quota, when smaller), or 1 while its calls there
        average more than FEDGATE_TENANT_SLOW_MS (a tenant running expensive statements gets one core's
        worth of the node per worker, whatever it sends)."""
        cost = self._tenant_cost.get(key)
        if cost is not None and cost[0] > self._slow_seconds:
            return 1
        cap = self.tenant_cap(key[1])
        return self._settings.tenant_inflight_limit if cap is None else min(cap, self._settings.tenant_inflight_limit)

    def _record_cost(self, key: tuple[str, UUID], seconds: float) -> None:
        cost = self._tenant_cost.get(key)
        if cost is not None:
            cost[0] += COST_WEIGHT * (seconds - cost[0])
            return
        if len(self._tenant_cost) >= COST_ENTRIES:
            del self._tenant_cost[next(iter(self._tenant_cost))]
        self._tenant_cost[key] = [seconds]

    async def _enter_tenant(self, key: tuple[str, UUID]) -> TenantSlots:
        """One of the tenant's in-flight slots on this node: a tenant's extra requests wait on its own
        slots, not on the node's pool, for at most the pool timeout, then 429. One tenant cannot hold a
        node's whole pool, nor its CPU."""
        slots = self._tenant_slots.get(key)
        if slots is None:
            slots = self._tenant_slots[key] = TenantSlots()
        slots.users += 1
        limit = self._tenant_limit(key)
        try:
            acquired = await slots.acquire(limit, self._settings.pool_timeout)
        except BaseException:
            self._leave_tenant(key, slots, acquired=False)
            raise
        if not acquired:
            self._leave_tenant(key, slots, acquired=False)
            raise GatewayError(429, "FGW429", f"tenant {key[1]} has {limit} request{'s' if limit > 1 else ''} "
                               f"in flight on node {key[0]}", hint="retry after the Retry-After delay",
                               headers={"Retry-After": "1"})
        return slots

    def _leave_tenant(self, key: tuple[str, UUID], slots: TenantSlots, acquired: bool = True,
                      took: float = 0.0) -> None:
        """Give the slot back: at once, or, for a slow tenant, after FEDGATE_TENANT_SLOW_HOLD times as long as
        its call took (at most half the pool timeout, so its next request still gets a turn): the answer is not
        delayed, its next call is, and a slow tenant keeps at most 1/(1 + hold) of one connection busy on the
        node per worker (a quarter at the default 3, chosen on make bench's noisy_neighbour_p99_ratio)."""
        if acquired:
            limit = self._tenant_limit(key)
            if limit == 1 and took * 1000 > self._settings.tenant_slow_ms:
                hold = min(took * self._settings.tenant_slow_hold, self._settings.pool_timeout / 2)
                asyncio.get_running_loop().call_later(hold, self._leave_tenant, key, slots)
                return
            slots.release(limit)
        slots.users -= 1
        if slots.users == 0:
            self._tenant_slots.pop(key, None)

    def handle(self, node: Node) -> NodeHandle:
        return NodeHandle(self, node)

    def replica_for(self, node: Node, residency: tuple[str, ...] | None = None) -> NodeHandle | None:
        """A usable replica of ``node`` whose breaker lets requests through, taking turns; None: none. A
        replica outside the tenant's ``residency`` (and not overridden) never serves it."""
        readable = node.readable if residency is None else tuple(r for r in node.readable if r.may_serve(residency))
        for i in range(len(readable)):
            replica = readable[(self._turn + i) % len(readable)]
            if self.breaker.would_allow(replica.target.node_id):
                self._turn += 1
                return NodeHandle(self, replica.target)
        return None

    async def _call(self, node: Node, function: str, tenant: UUID | None, args: dict[str, Any], claims: str,
                    *, procedure: bool = False, idempotent: bool = False, replayed_to: str | None = None,
                    position: bool = False) -> tuple[str | None, str | None]:
        """Run one api handler on ``node``: its JSON text, or a GatewayError (503/504 within the bound).
        With ``replayed_to`` (a replica): None when it has not replayed that far. With ``position``: the
        node's WAL position after the call too (one more statement on the same connection).

        A read that fails on a connection the node dropped is retried once on a fresh one.
        """
        attempts = 2 if idempotent else 1
        took = 0.0
        key = (node.node_id, tenant) if tenant is not None else None
        slots = await self._enter_tenant(key) if key is not None else None
        try:
            async with asyncio.timeout(self._settings.call_bound_seconds):
                for attempt in range(attempts):
                    try:
                        pool, conn = await self._acquire(node)
                        started = time.monotonic()
                        try:
                            text = await call_api(conn, function, tenant, args, claims, procedure=procedure,
                                                  replayed_to=replayed_to)
                            lsn = await wal_position(conn) if position else None
                        finally:
                            took = time.monotonic() - started
                            if key is not None:
                                self._record_cost(key, took)
                            await self._release(pool, conn)
                        self.breaker.success(node.node_id)
                        return text, lsn
                    except psycopg.OperationalError as exc:
                        if not connection_lost(exc):
                            raise  # the node answered (a statement timeout, say): not a connection problem
                        self.breaker.failure(node.node_id)
                        if attempt + 1 == attempts:
                            raise
                raise AssertionError("unreachable")
        except TimeoutError:
            raise GatewayError(504, "FGW504", f"federation node {node.node_id} did not answer in time",
                               hint="retry later") from None
        except psycopg.Error as exc:
            raise from_db_error(exc, node.node_id) from None
        finally:
            if slots is not None and key is not None:
                self._leave_tenant(key, slots, took=took)

    async def recheck(self, node_id: str) -> None:
        """Drop the broken idle connections of a node (after a health flip)."""
        entry = self._pools.get(node_id)
        if entry is not None:
            await entry[1].check()

    async def close_idle(self, idle_for: float) -> list[str]:
        """Close the pools of nodes unused for ``idle_for`` seconds; their node ids."""
        now = time.monotonic()
        closed = [node_id for node_id, used in self._last_used.items() if now - used > idle_for]
        for node_id in closed:
            entry = self._pools.pop(node_id, None)
            self._last_used.pop(node_id, None)
            if entry is not None:
                await entry[1].close()
        return closed

    async def forget_missing(self, known: set[str]) -> None:
        """Close pools of nodes no longer in the catalog."""
        for node_id in [n for n in self._pools if n not in known]:
            _, pool = self._pools.pop(node_id)
            self._last_used.pop(node_id, None)
            await pool.close()

    def open_pools(self) -> list[str]:
        return sorted(self._pools)

    def pool_use(self) -> dict[str, dict[str, int]]:
        """Each open pool's connections now: open, idle, requests waiting (counters left as they are)."""
        use = {}
        for node_id, (_, pool) in self._pools.items():
            stats = pool.get_stats()
            use[node_id] = {"size": stats.get("pool_size", 0), "available": stats.get("pool_available", 0),
                            "waiting": stats.get("requests_waiting", 0), "max": pool.max_size}
        return use

    def pool_stats(self) -> dict[str, dict[str, int]]:
        """psycopg_pool's statistics of each open pool: its gauges, and its counters since the last
        call (pop_stats resets them)."""
        return {node_id: pool.pop_stats() for node_id, (_, pool) in self._pools.items()}

    async def close(self) -> None:
        pools = [pool for _, pool in self._pools.values()]
        self._pools.clear()
        await asyncio.gather(*(p.close() for p in pools), return_exceptions=True)


class TenantSlots:
    """A tenant's in-flight handler calls on one node, in one worker: a counting semaphore whose bound
    is given at each call (it drops to 1 for a tenant whose statements are slow). First come, first
    served; a released slot goes straight to the oldest waiter."""

    __slots__ = ("in_flight", "users", "waiters")

    def __init__(self) -> None:
        self.in_flight = 0
        self.users = 0  # holding or waiting for a slot; the entry goes when it drops to 0
        self.waiters: deque[asyncio.Future[None]] = deque()

    async def acquire(self, limit: int, timeout: float) -> bool:
        """A slot at once, or within ``timeout`` less a random part of up to half of it (refused clients
        that retry at once then do not come back in step); False when none came."""
        if self.in_flight < limit and not self.waiters:
            self.in_flight += 1
            return True
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.waiters.append(waiter)
        try:
            async with asyncio.timeout(timeout * random.uniform(0.5, 1.0)):
                await waiter
            return True
        except TimeoutError:
            if waiter.done() and not waiter.cancelled():
                return True  # handed a slot as the time ran out
            self._forget(waiter)
            return False
        except BaseException:  # the request went away while it waited
            if waiter.done() and not waiter.cancelled():
                self.release(limit)  # handed a slot it will not use: on to the next waiter
            else:
                self._forget(waiter)
            raise

    def _forget(self, waiter: asyncio.Future[None]) -> None:
        try:
            self.waiters.remove(waiter)
        except ValueError:
            pass  # already handed on

    def release(self, limit: int) -> None:
        self.in_flight -= 1
        while self.waiters and self.in_flight < limit:
            waiter = self.waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                self.in_flight += 1


class NodeHandle:
    """One node, reached through the process's client: how every handler call is made."""

    __slots__ = ("client", "node")

    def __init__(self, client: NodeClient, node: Node) -> None:
        self.client = client
        self.node = node

    async def call(self, function: str, tenant: UUID | None, args: dict[str, Any], claims: str, *,
                   read_only: bool = False) -> str:
        """``api.<function>(tenant, args)`` on this node as the caller ``claims`` names: its JSON text.
        A read is retried once on a connection the node dropped."""
        text, _ = await self.client._call(self.node, function, tenant, args, claims, idempotent=read_only)
        assert text is not None
        return text

    async def call_at(self, function: str, tenant: UUID | None, args: dict[str, Any], claims: str, *,
                      read_only: bool = False, procedure: bool = False) -> tuple[str, str | None]:
        """The same, and when the node has replicas its WAL position after the call (X-Federation-LSN)."""
        text, lsn = await self.client._call(self.node, function, tenant, args, claims, idempotent=read_only,
                                            procedure=procedure, position=bool(self.node.replicas))
        assert text is not None
        return text, lsn

    async def read_replica(self, function: str, tenant: UUID | None, args: dict[str, Any], claims: str,
                           replayed_to: str | None) -> str | None:
        """A read on this replica, or None for the node itself to answer: the replica has not replayed
        ``replayed_to``, cannot be reached, or answers not-found or read-only (it may simply lag)."""
        try:
            text, _ = await self.client._call(self.node, function, tenant, args, claims, replayed_to=replayed_to)
        except GatewayError as exc:
            if exc.status >= 500 or exc.code in REPLICA_FALLBACK_CODES:
                return None
            raise
        return text
