"""Node health: one checker per deployment (the breakers are in shim.breaker).

One checker per deployment, not per worker: every worker runs the monitor
loop, but only the one holding a session advisory lock on the catalog checks
every node (connect + read its migrations, with a short timeout: a node whose
schema is older than this gateway's is reported unhealthy, "schema behind: …")
and reports with
``report_node_health``. N workers checking would multiply the load on the
nodes and the failure counts; whoever holds the lock is the checker, and if
its process dies the lock is released and another worker takes over within
one interval. A report that flips a node's health NOTIFYs every gateway, so
resolutions fail over (or come back) everywhere at once.

The checker also sweeps heartbeats past their retention off every serving
node, every FEDGATE_SWEEP_INTERVAL, in batches of short transactions
(``onboarding.sweep_heartbeats``), beside the checks rather than in their way,
and settles the tenant creations whose node answer was lost (shim.nodes.reconcile)
once per round, and measures each serving node's load every FEDGATE_LOAD_INTERVAL (its tenant rows from
its statistics, ``onboarding.tenant_rows``; placement reads it). Each round's check latencies and the open moves (state, lag, last
progress) go to the metrics.
"""

from __future__ import annotations

import asyncio
import logging
import time

import psycopg

from shim.config import Settings
from shim.nodes.catalog import Catalog, Node
from shim.nodes import connector
from shim.nodes.client import NodeClient
from shim.nodes.connector import resolve_dsn
from shim.nodes.queries import QUERIES, lsn_value, schema_lag, wal_position
from shim.nodes.reconcile import reconcile
from shim.nodes.redact import classify
from shim.observe import metrics
from shim.schema import latest_versions

log = logging.getLogger("fedgate.health")

NodeCheck = tuple[str, bool, float | None, str | None]  # node, healthy, latency ms, error
# replica, healthy, lag bytes, lag seconds, replay position, error
ReplicaCheck = tuple[str, bool, int | None, float | None, str | None, str | None]

_CHECKER_LOCK = 7_164_530_119  # pg_advisory_lock key of the deployment's health checker
SWEEP_BATCH = 5000
SWEEP_MAX_BATCHES = 200  # per node and sweep: at most a million rows, the rest next time


class HealthMonitor:
    """The monitor loop of one worker: idle pools closed, and the deployment's checks if elected."""

    def __init__(self, catalog: Catalog, pools: NodeClient, settings: Settings) -> None:
        self._catalog = catalog
        self._pools = pools
        self._settings = settings
        self._task: asyncio.Task[None] | None = None
        self._lock_conn: psycopg.AsyncConnection | None = None
        self._sweeper: asyncio.Task[None] | None = None
        self._reconciler: asyncio.Task[None] | None = None
        self._needed = latest_versions("node")
        self._last_sweep = 0.0
        self._last_load = 0.0
        self._loader: asyncio.Task[None] | None = None
        self.is_checker = False

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="fedgate-health")

    async def close(self) -> None:
        for task in (self._sweeper, self._reconciler, self._loader):
            if task:
                task.cancel()
        if self._task:
            self._task.cancel()
            try:
                await self._task
            except (asyncio.CancelledError, Exception):  # noqa: BLE001
                pass
        if self._lock_conn is not None:
            await self._lock_conn.close()

    async def _run(self) -> None:
        while True:
            try:
                await self._pools.close_idle(self._settings.pool_max_idle)
                await self._pools.forget_missing(self._catalog.pool_targets())
                if await self._elect():
                    await self.check_all()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - the loop must survive anything
                log.warning("health loop: %s", classify(exc))
            await asyncio.sleep(self._settings.health_interval)

    async def _elect(self) -> bool:
        """Hold (or try to take) the deployment's checker lock on the catalog."""
        conn = self._lock_conn
        if conn is not None and not conn.closed:
            try:
                await asyncio.wait_for(conn.execute(QUERIES["ping"]), self._settings.health_timeout)
                return self.is_checker
            except Exception:  # noqa: BLE001 - lost the catalog: the lock went with it
                await conn.close()
        self._lock_conn = None
        self.is_checker = False
        try:
            fresh = await asyncio.wait_for(connector.aconnect(
                self._settings.database_url, timeout=self._settings.connect_timeout, name="fedgate-health",
                **self._settings.catalog_login), self._settings.connect_timeout)
            row = await (await fresh.execute(QUERIES["try_checker_lock"], (_CHECKER_LOCK,))).fetchone()
        except Exception:  # noqa: BLE001
            return False
        if row and row[0]:
            self._lock_conn = fresh
            self.is_checker = True
            log.info("this worker checks node health for the deployment")
            return True
        await fresh.close()
        return False

    async def _check(self, node: Node) -> tuple[NodeCheck, list[ReplicaCheck]]:
        """Connect and read the node's migrations (one round trip): healthy when it answers with a
        schema at least as new as this gateway's. A node with replicas: its WAL position too, and each
        replica's replay position against it."""
        start = time.monotonic()
        position: int | None = None
        try:
            async with asyncio.timeout(self._settings.health_timeout):
                async with await self._connect(node.database_url, self._settings.health_timeout,
                                               "fedgate-health") as conn:
                    lacking = await schema_lag(conn, self._needed)
                    if node.replicas:
                        position = lsn_value(await wal_position(conn))
        except Exception as exc:  # noqa: BLE001 - any failure is the finding
            checked: NodeCheck = (node.node_id, False, None, classify(exc))
        else:
            checked = (node.node_id, lacking is None, (time.monotonic() - start) * 1000, lacking)
        replicas = await asyncio.gather(*(self._check_replica(r.replica_id, r.target.database_url, position)
                                          for r in node.replicas))
        return checked, list(replicas)

    async def _check_replica(self, replica_id: str, reference: str, position: int | None) -> ReplicaCheck:
        """A replica is healthy while it answers and is still in recovery; its lag is the WAL between its
        node's position and its replay position (bytes), and, when that is not zero, the seconds since it
        last replayed a commit. Without its node's position the lag is unknown: no reads."""
        try:
            async with asyncio.timeout(self._settings.health_timeout):
                async with await self._connect(reference, self._settings.health_timeout, "fedgate-health") as conn:
                    row = await (await conn.execute(QUERIES["replica_state"])).fetchone()
        except Exception as exc:  # noqa: BLE001 - any failure is the finding
            return replica_id, False, None, None, None, classify(exc)
        assert row is not None
        in_recovery, replayed, since_commit = row
        if not in_recovery or replayed is None:
            return replica_id, False, None, None, None, "not a replica: promoted, or not streaming"
        if position is None:
            return replica_id, True, None, None, str(replayed), None
        behind = max(0, position - lsn_value(str(replayed)))
        seconds = 0.0 if behind == 0 else float(since_commit if since_commit is not None else 3600.0)
        return replica_id, True, behind, seconds, str(replayed), None

    async def _connect(self, reference: str, timeout: float, name: str) -> psycopg.AsyncConnection:
        """A connection of the checker's own to a node (not the API role's pools)."""
        return await connector.aconnect(resolve_dsn(reference, self._settings.database_url), timeout=timeout, name=name)

    async def check_all(self) -> None:
        checked = [n for n in self._catalog.nodes.values() if n.status != "down"]
        nodes = [(n.node_id, n.database_url) for n in checked]
        rounds = await asyncio.gather(*(self._check(node) for node in checked))
        if not rounds or self._lock_conn is None:
            return
        ids, healthy, latency, errors = (list(column) for column in zip(*(r[0] for r in rounds)))
        replicas = [replica for _, found in rounds for replica in found]
        replica_columns = [list(column) for column in zip(*replicas)] if replicas else [[]] * 6
        await self._lock_conn.execute(QUERIES["report_health"], (*replica_columns, ids, healthy, latency, errors))
        metrics.observe_health((r[0] for r in rounds), self._settings.health_timeout)
        metrics.observe_moves(await (await self._lock_conn.execute(QUERIES["open_moves"])).fetchall())
        metrics.observe_plans(await (await self._lock_conn.execute(QUERIES["open_plans"])).fetchall())
        metrics.observe_residency(await (await self._lock_conn.execute(QUERIES["residency_decisions"])).fetchall())
        serving = [(node_id, ref) for (node_id, ref), ok in zip(nodes, healthy) if ok]
        due = time.monotonic() - self._last_sweep >= self._settings.sweep_interval
        if due and (self._sweeper is None or self._sweeper.done()):
            self._last_sweep = time.monotonic()
            self._sweeper = asyncio.create_task(self._sweep_all(serving), name="fedgate-sweeper")
        due = time.monotonic() - self._last_load >= self._settings.load_interval
        if due and (self._loader is None or self._loader.done()):
            self._last_load = time.monotonic()
            self._loader = asyncio.create_task(self._measure_load(serving, self._lock_conn), name="fedgate-load")
        if self._reconciler is None or self._reconciler.done():
            self._reconciler = asyncio.create_task(self._reconcile(self._lock_conn), name="fedgate-reconciler")

    async def _reconcile(self, control: psycopg.AsyncConnection) -> None:
        async def connect(node_id: str) -> psycopg.AsyncConnection:
            node = self._catalog.nodes.get(node_id)
            if node is None:
                raise LookupError(f"node {node_id} is not in the catalog")
            return await self._connect(node.database_url, self._settings.connect_timeout, "fedgate-reconciler")
        try:
            await reconcile(control, connect, self._settings.reconcile_after)
        except Exception as exc:  # noqa: BLE001 - tried again next round
            log.warning("reconciling registrations: %s", classify(exc))

    async def _measure_load(self, nodes: list[tuple[str, str]], control: psycopg.AsyncConnection) -> None:
        """Each serving node's tenant rows from its statistics (no scan), reported in one statement: the
        load placement reads (federation.report_node_load adds each node's recent requests)."""
        async def rows(reference: str) -> int | None:
            try:
                async with await self._connect(reference, self._settings.connect_timeout, "fedgate-load") as conn:
                    row = await (await conn.execute(QUERIES["tenant_rows"])).fetchone()
                    return int(row[0]) if row else None
            except Exception as exc:  # noqa: BLE001 - measured next time
                log.warning("load of a node not measured: %s", classify(exc))
                return None
        counted = await asyncio.gather(*(rows(ref) for _, ref in nodes))
        measured = [(node_id, n) for (node_id, _), n in zip(nodes, counted) if n is not None]
        if not measured:
            return
        try:
            await control.execute(QUERIES["report_node_load"], ([m[0] for m in measured], [m[1] for m in measured]))
        except Exception as exc:  # noqa: BLE001 - reported next time
            log.warning("node load not reported: %s", classify(exc))

    async def _sweep_all(self, nodes: list[tuple[str, str]]) -> None:
        for node_id, reference in nodes:
            try:
                async with await self._connect(reference, self._settings.connect_timeout, "fedgate-sweeper") as conn:
                    for _ in range(SWEEP_MAX_BATCHES):
                        row = await (await conn.execute(QUERIES["sweep_heartbeats"], (SWEEP_BATCH,))).fetchone()
                        if row is None or int(row[0]) < SWEEP_BATCH:
                            break
            except Exception as exc:  # noqa: BLE001 - a node that cannot be swept now is swept next time
                log.warning("heartbeat sweep of node %s: %s", node_id, classify(exc))
