"""Node actions: add a node or a replica, set a node's status, drain a node.

Each is the same SQL (federation.add_node, add_replica, set_node_status, start_drain and the moves it
records, the move functions) whoever asks: ``fedgate node …``, ``/admin/v1/nodes…``, and later the fleet's jobs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import psycopg
from psycopg.rows import dict_row

from shim.actions.migrate import migrate
from shim.actions.moves import wal_level_problem
from shim.errors import GatewayError
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
                max_lag: str = "2s", region: str | None = None, override: str | None = None) -> dict[str, Any]:
    """Register a streaming replica of a node once it answers as one (in recovery); it serves reads from
    the health checker's next round that finds it within its lag bound. ``region``: where it runs (default
    its node's); one outside the residency of a tenant of its node is refused (FG451, recorded) unless
    ``override`` gives the reason."""
    try:
        with connector.reach(reference) as conn:
            row = conn.execute(QUERIES["replica_state"]).fetchone()
    except (LookupError, psycopg.Error) as exc:
        raise _unreachable(f"replica {replica_id}", exc) from None
    if not row or not row[0]:
        raise GatewayError(422, "FGW422", f"{replica_id} is not in recovery: not a streaming replica")
    rows = connector.rows("add_replica", node_id, replica_id, reference, max_lag, region, override)
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


def start_drain(connector: Connector, node_id: str, parallel: int,
                then: Callable[[psycopg.Connection[Any], int], Any] | None = None) -> tuple[int, list[PlannedMove]]:
    """The node goes draining (it serves, takes no new tenant) and a drain job is recorded (the catalog's
    start_drain: FG409 when a tenant has no other active node in its region); the job's id and its plan.
    Any gateway drives the job; ``then`` runs in the same transaction (``fedgate node drain`` claims the
    job there, to drive it itself)."""
    try:
        return _start_drain(connector, node_id, parallel, then)
    except psycopg.Error as exc:
        stranded = exc.diag.message_detail if exc.sqlstate == "FG409" else None
        if not stranded:
            raise
        raise GatewayError(409, "FGW409", exc.diag.message_primary or "tenants have nowhere to go",
                           details={"tenants": stranded.split(",")}, hint=exc.diag.message_hint) from None


def _start_drain(connector: Connector, node_id: str, parallel: int,
                 then: Callable[[psycopg.Connection[Any], int], Any] | None) -> tuple[int, list[PlannedMove]]:
    with connector.control() as conn, conn.transaction():
        row = conn.execute(QUERIES["start_drain"], (node_id, parallel)).fetchone()
        assert row is not None
        recorded = conn.cursor(row_factory=dict_row).execute(QUERIES["plan_moves_of"], (int(row[0]),)).fetchall()
        plan = [PlannedMove(UUID(str(m["tenant_id"])), str(m["target_node"])) for m in recorded]  # what it drives
        if then is not None:
            then(conn, int(row[0]))
    return int(row[0]), plan
