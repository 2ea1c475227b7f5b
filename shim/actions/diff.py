"""Two copies of one tenant compared row by row: which keys one copy lacks, which it has extra, which differ.

The cutover's verification compares per-table counts and order-independent hashes at the fenced point
(``onboarding.tenant_digest``); when they differ, this names the rows (like Vitess's VDiff). ``fedgate
tenant diff TENANT --against NODE`` runs the same comparison, read-only, for any two copies.

Batched, so a tenant of a million rows is diffed without a long transaction or a lock: the reference
copy is read in key order, ``BATCH`` rows a statement (``onboarding.tenant_row_hashes``); the other copy
is read over the same key range, and the two batches are compared by key. Ranges are bounded by keys the
reference's database ordered, so no ordering is decided in Python.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import psycopg

from shim.nodes.connector import Connector
from shim.nodes.queries import QUERIES

BATCH = 5000
NAMED = 20  # keys named per table and kind of difference


@dataclass
class TableDiff:
    rows: dict[str, int] = field(default_factory=lambda: {"source": 0, "target": 0})
    missing: list[Any] = field(default_factory=list)     # on the source, not on the target
    extra: list[Any] = field(default_factory=list)       # on the target, not on the source
    different: list[Any] = field(default_factory=list)   # on both, not the same
    counts: dict[str, int] = field(default_factory=lambda: {"missing": 0, "extra": 0, "different": 0})

    @property
    def same(self) -> bool:
        return not any(self.counts.values())

    def note(self, kind: str, key: str) -> None:
        self.counts[kind] += 1
        named: list[Any] = getattr(self, kind)
        if len(named) < NAMED:
            named.append(json.loads(key))

    def as_dict(self) -> dict[str, Any]:
        return {"rows": self.rows, "counts": self.counts, "missing": self.missing, "extra": self.extra,
                "different": self.different}


def _batch(conn: psycopg.Connection[Any], tenant: UUID, table: str, after: str | None, upto: str | None,
           limit: int) -> list[tuple[str, str]]:
    return [(r[0], r[1]) for r in conn.execute(QUERIES["tenant_row_hashes"], (tenant, table, after, upto, limit))]


def _range(conn: psycopg.Connection[Any], tenant: UUID, table: str, after: str | None,
           upto: str | None) -> dict[str, str]:
    """Every row of the tenant in (after, upto] on this copy, read a batch at a time."""
    found: dict[str, str] = {}
    while True:
        rows = _batch(conn, tenant, table, after, upto, BATCH)
        found.update(rows)
        if len(rows) < BATCH:
            return found
        after = rows[-1][0]


def diff_table(source: psycopg.Connection[Any], target: psycopg.Connection[Any], tenant: UUID,
               table: str, deadline: float | None = None) -> tuple[TableDiff, bool]:
    """One table of the tenant on two copies; and whether it was compared to its end (False: the deadline
    came first, the counts are of what was compared)."""
    result, after = TableDiff(), None
    while True:
        if deadline is not None and time.monotonic() > deadline:
            return result, False
        batch = _batch(source, tenant, table, after, None, BATCH)
        upto = batch[-1][0] if len(batch) == BATCH else None  # the last batch: the target's rest too
        theirs = _range(target, tenant, table, after, upto)
        result.rows["source"] += len(batch)
        result.rows["target"] += len(theirs)
        for key, digest in batch:
            other = theirs.pop(key, None)
            if other is None:
                result.note("missing", key)
            elif other != digest:
                result.note("different", key)
        for key in theirs:
            result.note("extra", key)
        if upto is None:
            return result, True
        after = upto


def diff_tenant(connector: Connector, tenant: UUID, source: str, target: str, tables: list[str] | None = None,
                budget: float | None = None) -> dict[str, Any]:
    """The tenant's copies on two nodes compared (``tables``: only these; ``budget``: seconds at most): per
    table, rows on each side and the keys missing on the target, extra on it, or different, up to NAMED of
    each; ``complete`` is False when the budget ran out first."""
    deadline = None if budget is None else time.monotonic() + budget
    with connector.node(source, name="fedgate-diff") as src, connector.node(target, name="fedgate-diff") as dst:
        names = tables if tables is not None else [str(r[0]) for r in src.execute(QUERIES["tenant_tables"])]
        report: dict[str, Any] = {}
        complete = True
        for table in names:
            found, whole = diff_table(src, dst, tenant, table, deadline)
            complete = complete and whole
            report[table] = found.as_dict()
            if not whole:
                break
    return {"tenantId": str(tenant), "source": source, "target": target, "complete": complete,
            "same": complete and all(not any(t["counts"].values()) for t in report.values()), "tables": report}


def summary(report: dict[str, Any]) -> str:
    """The differences in a line: per table, how many rows are missing, extra or different."""
    parts = []
    for table, found in report["tables"].items():
        counts = found["counts"]
        if any(counts.values()):
            parts.append(f"{table}: " + ", ".join(f"{n} {kind}" for kind, n in counts.items() if n))
    return "; ".join(parts) or "no difference"
