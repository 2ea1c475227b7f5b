"""Plans of moves: every legacy tenant home (the spec's phase 4), a region evened out by load, a drain.

The catalog plans (``federation.plan_moves``: one planner, kinds ``drain``, ``legacy`` and ``rebalance``)
and records a plan as a job whose moves are its children (``federation.start_plan``, like
``start_drain``); any live driver drives it (shim.actions.jobs), ``parallel`` moves at once and at most
``maxRowsPerS`` rows a second. A plan's costs are its tenants' rows, counted on their nodes just before
it is planned (``measure``). ``fedgate legacy migrate``, ``fedgate rebalance`` and ``/admin/v1/legacy/
migrate``, ``/admin/v1/rebalance`` call these; node capacity and pins are set here too.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import psycopg

from shim.errors import GatewayError
from shim.nodes.connector import Connector
from shim.nodes.queries import QUERIES
from shim.nodes.redact import classify

BY = ("rows", "requests")


@dataclass(frozen=True)
class PlanSettings:
    kind: str                          # legacy | rebalance
    parallel: int = 1                  # moves at once (1 to 16)
    max_rows_per_s: int | None = None  # pace: rows a second over the plan's moves
    region: str | None = None          # rebalance: one region (None: each region)
    by: str = "rows"                   # rebalance: rows | requests
    threshold: float = 0.1             # rebalance: how far from its share a node may stay
    max_moves: int | None = None       # rebalance: at most this many moves

    def args(self) -> tuple[Any, ...]:
        """plan_moves' arguments after its kind: node, region, by, threshold, max_moves."""
        return (None, self.region, self.by, self.threshold, self.max_moves)


@dataclass
class Preview:
    moves: list[dict[str, Any]]        # tenant_id, source_node, target_node, cost, why
    spread: list[dict[str, Any]]       # rebalance: each node's load before and after, against its share

    def rows(self) -> int:
        return sum(int(m["cost"] or 0) for m in self.moves)


def measure(connector: Connector, kind: str, region: str | None = None) -> int:
    """Count every tenant's rows on the nodes a plan reads (the default node for legacy, a region's active
    nodes for a rebalance) and record them in the catalog: the plan's costs. A node that cannot be reached
    is a 503 naming it (never its URL)."""
    counted = 0
    for row in connector.rows("plan_nodes", kind, region, region):
        node_id = str(row["node_id"])
        try:
            with connector.node(node_id, name="fedgate-measure") as conn:
                found = conn.execute(QUERIES["tenant_sizes"]).fetchone()
        except (psycopg.Error, OSError) as exc:
            raise GatewayError(503, "FGW503", f"node {node_id} could not be measured ({classify(exc)})",
                               details={"node": node_id}) from None
        sizes = found[0] if found else []
        connector.rows("record_tenant_sizes", node_id, json.dumps(sizes, default=str))
        counted += len(sizes)
    return counted


def preview(connector: Connector, settings: PlanSettings) -> Preview:
    """What the plan would do now (nothing recorded): its moves and, for a rebalance, the spread before
    and after."""
    measure(connector, settings.kind, region=settings.region)
    moves = connector.rows("plan_moves", settings.kind, *settings.args())
    spread = (connector.rows("rebalance_spread", settings.region, settings.by, settings.threshold, settings.max_moves)
              if settings.kind == "rebalance" else [])
    return Preview(moves, spread)


@dataclass
class Started:
    job_id: int
    subject: str
    moves: list[dict[str, Any]]


def open_plan(connector: Connector, settings: PlanSettings) -> dict[str, Any] | None:
    """The open plan of this kind (and region), if any: running the command again resumes it."""
    rows = connector.rows("open_plan", settings.kind, settings.region)
    return rows[0] if rows else None


def start(connector: Connector, settings: PlanSettings,
          then: Callable[[psycopg.Connection[Any], int], Any] | None = None) -> Started:
    """Measure, then record the plan job and its moves (``federation.start_plan``: FG409 when one of the
    kind is open, or a tenant has nowhere to go, DETAIL naming up to 20); ``then`` runs in the same
    transaction (the CLI claims the job there, to drive it itself). Any gateway drives it otherwise."""
    measure(connector, settings.kind, region=settings.region)
    try:
        with connector.control() as conn, conn.transaction():
            row = conn.execute(QUERIES["start_plan"], (settings.kind, settings.parallel, settings.max_rows_per_s,
                                                       settings.region, settings.by, settings.threshold,
                                                       settings.max_moves)).fetchone()
            assert row is not None
            if then is not None:
                then(conn, int(row[0]))
    except psycopg.Error as exc:
        connector.record_refusal(exc)
        detail = exc.diag.message_detail if exc.sqlstate == "FG409" else None
        if not detail:
            raise
        field = "jobId" if detail.isdigit() else "tenants"
        raise GatewayError(409, "FGW409", exc.diag.message_primary or "the plan cannot start",
                           details={field: int(detail) if detail.isdigit() else detail.split(",")},
                           hint=exc.diag.message_hint) from None
    return Started(int(row[0]), str(row[1]), moves_of(connector, int(row[0])))


def moves_of(connector: Connector, job_id: int) -> list[dict[str, Any]]:
    """A plan's moves in order, each with its state (federation_plan_moves)."""
    return connector.rows("plan_moves_of", job_id)


def get(connector: Connector, job_id: int) -> dict[str, Any]:
    """A plan (federation_plans: its moves counted) with each of its moves (items); 404 when there is none."""
    rows = connector.rows("get_plan", job_id)
    if not rows:
        raise GatewayError(404, "FGW404", f"no plan {job_id}")
    return {**rows[0], "items": moves_of(connector, job_id)}


def set_capacity(connector: Connector, node_id: str, capacity: int) -> dict[str, Any]:
    """A node's share of its region's load against the others' (default 1): placement and rebalancing."""
    rows = connector.rows("set_node_capacity", node_id, capacity)
    return rows[0] if rows else {}


def pin(connector: Connector, tenant: UUID, pinned: bool = True) -> dict[str, Any]:
    """Pin (or unpin) a tenant to its node: a rebalance never moves it."""
    rows = connector.rows("pin_tenant", tenant, pinned)
    return rows[0] if rows else {}
