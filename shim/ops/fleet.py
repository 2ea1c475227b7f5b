"""Fleet actions shared by the CLI and the admin API: adding a node, draining one. Each is the same
SQL (federation.add_node, set_node_status, drain_plan, the move functions) whoever asks."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import psycopg

from shim.nodes.client import resolve_dsn
from shim.nodes.queries import QUERIES
from shim.ops.migrate import migrate


@dataclass
class NodeAdded:
    migration: str                 # what the node's migration did
    row: dict[str, Any]            # federation.add_node's answer (no database URL)
    warning: str | None = None     # why tenants cannot be moved off it, if they cannot


def add_node(control: str, node_id: str, region: str, reference: str, priority: int, placement_weight: int,
             region_name: str | None = None) -> NodeAdded:
    """Migrate a node's database, then register it (and its region when named)."""
    dsn = resolve_dsn(reference, control)
    report = migrate(dsn, "node")
    warning = None
    with psycopg.connect(dsn, autocommit=True, connect_timeout=10) as conn:
        level = conn.execute("SHOW wal_level").fetchone()
    if level and level[0] != "logical":
        warning = (f"wal_level = {level[0]}: tenants cannot be moved off it until it runs with "
                   "wal_level = logical (ALTER SYSTEM SET wal_level = logical, then restart it)")
    with psycopg.connect(control, autocommit=True) as conn:
        if region_name:
            conn.execute(QUERIES["add_region"], (region, region_name))
        cursor = conn.execute(QUERIES["add_node"], (node_id, region, reference, priority, placement_weight))
        names = [c.name for c in cursor.description or []]
        row = dict(zip(names, cursor.fetchone() or ()))
    row.pop("database_url", None)
    return NodeAdded(report.summary(), row, warning)


def drain_plan(control: str, node_id: str) -> list[tuple[UUID, str | None]]:
    """Mark the node draining (it serves, takes no new tenant) and plan each tenant's target."""
    with psycopg.connect(control, autocommit=True) as conn:
        conn.execute(QUERIES["set_node_status"], (node_id, "draining"))
        return [(UUID(str(t)), target) for t, target in conn.execute(QUERIES["drain_plan"], (node_id,)).fetchall()]


def drain(control: str, node_id: str, plan: list[tuple[UUID, str | None]], parallel: int,
          say: Callable[[str], None]) -> int:
    """Move every planned tenant to its target (at most ``parallel`` at once); the tenants left."""
    from shim.ops.move import MoveError, Mover

    def move(step: tuple[UUID, str | None]) -> str:
        tenant, target = step
        assert target is not None
        try:
            mover = Mover(control, progress=lambda state, figures: say(f"{tenant}: {state}"))
            figures = mover.run(mover.start(tenant, target).move_id)
            return f"{tenant} -> {target}: {figures['state']}, write pause {figures['pause_ms']} ms"
        except (MoveError, psycopg.Error) as exc:
            return f"{tenant} -> {target}: not moved ({exc})"
    with ThreadPoolExecutor(max(1, parallel)) as pool:
        for line in pool.map(move, plan):
            say(line)
    with psycopg.connect(control, autocommit=True) as conn:
        return len(conn.execute(QUERIES["drain_plan"], (node_id,)).fetchall())
