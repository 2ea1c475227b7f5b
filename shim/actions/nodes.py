"""Node actions: add a node or a replica, set a node's status, drain a node.

Each is the same SQL (federation.add_node, add_replica, set_node_status, drain_plan, the move
functions) whoever asks: ``fedgate node …``, ``/admin/v1/nodes…``, and later the fleet's jobs.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import psycopg

from shim.actions.migrate import migrate
from shim.actions.moves import MoveError, Mover, wal_level_problem
from shim.errors import GatewayError, describe
from shim.nodes.connector import Connector
from shim.nodes.queries import QUERIES
from shim.schema import MigrationError

NODE_STATUSES = ("active", "draining", "down")


@dataclass
class NodeAdded:
    migration: str                 # what the node's migration did
    row: dict[str, Any]            # federation.add_node's answer (no database URL)
    warning: str | None = None     # why tenants cannot be moved off it, if they cannot


def _unreachable(node_id: str, exc: Exception) -> GatewayError:
    """A node (or replica) being added that could not be reached or migrated: the caller's input, not
    the catalog, so 422; never the driver's text (it names hosts and users)."""
    why = exc if isinstance(exc, MigrationError) else type(exc).__name__
    return GatewayError(422, "FGW422", f"{node_id} could not be reached or migrated ({why})",
                        hint="check its database URL from the gateway's host")


def add_node(connector: Connector, node_id: str, region: str, reference: str, priority: int = 0,
             placement_weight: int = 100, region_name: str | None = None) -> NodeAdded:
    """Migrate a node's database, then register it (and its region when named)."""
    try:
        report = migrate(connector.dsn(reference), "node")
        with connector.reach(reference) as conn:
            problem = wal_level_problem(conn)
    except (MigrationError, LookupError, psycopg.Error) as exc:  # nothing is registered yet: the node's fault
        raise _unreachable(f"node {node_id}", exc) from None
    warning = f"{problem}: tenants cannot be moved off it until it does" if problem else None
    with connector.control() as conn:
        if region_name:
            conn.execute(QUERIES["add_region"], (region, region_name))
        cursor = conn.execute(QUERIES["add_node"], (node_id, region, reference, priority, placement_weight))
        names = [c.name for c in cursor.description or []]
        row = dict(zip(names, cursor.fetchone() or ()))
    row.pop("database_url", None)
    return NodeAdded(report.summary(), row, warning)


def add_replica(connector: Connector, node_id: str, replica_id: str, reference: str,
                max_lag: str = "2s") -> dict[str, Any]:
    """Register a streaming replica of a node once it answers as one (in recovery); it serves reads from
    the health checker's next round that finds it within its lag bound."""
    try:
        with connector.reach(reference) as conn:
            row = conn.execute(QUERIES["replica_state"]).fetchone()
    except (LookupError, psycopg.Error) as exc:
        raise _unreachable(f"replica {replica_id}", exc) from None
    if not row or not row[0]:
        raise GatewayError(422, "FGW422", f"{replica_id} is not in recovery: not a streaming replica")
    rows = connector.rows("add_replica", node_id, replica_id, reference, max_lag)
    return {k: v for k, v in rows[0].items() if k != "database_url"} if rows else {}


def set_node_status(connector: Connector, node_id: str, status: object) -> dict[str, Any]:
    """A node's status: active (serves, takes new tenants), draining (serves only) or down."""
    if not isinstance(status, str) or status not in NODE_STATUSES:
        raise GatewayError(400, "FGW111", "status must be active, draining or down", details={"field": "status"})
    rows = connector.rows("set_node_status", node_id, status)
    return rows[0] if rows else {}


@dataclass(frozen=True)
class PlannedMove:
    tenant_id: UUID
    target: str


def plan_drain(connector: Connector, node_id: str) -> list[PlannedMove]:
    """Mark the node draining (it serves, takes no new tenant) and plan each tenant's target: an active
    node of its region. A tenant with none stops the drain before any move (409, the tenants named)."""
    with connector.control() as conn:
        conn.execute(QUERIES["set_node_status"], (node_id, "draining"))
        plan = [(UUID(str(t)), target) for t, target in conn.execute(QUERIES["drain_plan"], (node_id,)).fetchall()]
    stranded = [str(t) for t, target in plan if target is None]
    if stranded:
        raise GatewayError(409, "FGW409", f"{len(stranded)} tenants of {node_id} have no other active node in "
                           f"their region (first: {stranded[0]})", details={"tenants": stranded[:20]},
                           hint="add a node to their region, then drain again")
    return [PlannedMove(t, str(target)) for t, target in plan]


def run_drain(connector: Connector, node_id: str, plan: list[PlannedMove], parallel: int,
              say: Callable[[str], None]) -> int:
    """Move every planned tenant to its target (at most ``parallel`` at once); the tenants left."""
    def move(step: PlannedMove) -> str:
        try:
            mover = Mover(connector, progress=lambda state, figures: say(f"{step.tenant_id}: {state}"))
            figures = mover.run(mover.start(step.tenant_id, step.target).move_id)
            return f"{step.tenant_id} -> {step.target}: {figures['state']}, write pause {figures['pause_ms']} ms"
        except (MoveError, psycopg.Error) as exc:
            return f"{step.tenant_id} -> {step.target}: not moved ({exc if isinstance(exc, MoveError) else describe(exc)})"
    with ThreadPoolExecutor(max(1, parallel)) as pool:
        for line in pool.map(move, plan):
            say(line)
    return len(connector.rows("drain_plan", node_id))
