"""Settling creations whose node answer was lost.

A tenant creation registers on the control database, writes the tenant's row
on its node, then confirms the registration. When the node call ends without
an answer (timeout, dropped connection, the gateway killed), the gateway
cannot know whether the node committed, so the registration stays
``provisioning``. Once it is older than ``FEDGATE_RECONCILE_AFTER`` (more than
a handler call's bound plus the statement timeout: no statement of that
creation can still commit), the node's answer is final: rows it holds are
confirmed, the others undone (``federation.settle_registrations``). The
deployment's health checker runs this every round; ``fedgate tenant
reconcile`` runs it once.
"""

from __future__ import annotations

import logging
from typing import Awaitable, Callable, NamedTuple
from uuid import UUID

import psycopg

from shim.nodes.queries import QUERIES
from shim.nodes.redact import classify

log = logging.getLogger("fedgate.reconcile")

Connect = Callable[[str], Awaitable[psycopg.AsyncConnection]]  # node id -> a connection of the reconciler's own


class Settled(NamedTuple):
    confirmed: int
    undone: int
    unreachable: int  # registrations whose node could not be asked: settled on a later round


async def reconcile(control: psycopg.AsyncConnection, connect: Connect, grace: float) -> Settled:
    """Ask each node which of its stale registrations it holds, then settle them on ``control``."""
    rows = await (await control.execute(QUERIES["stale_registrations"], (grace,))).fetchall()
    if not rows:
        return Settled(0, 0, 0)
    by_node: dict[str, list[UUID]] = {}
    for tenant, node_id in rows:
        by_node.setdefault(node_id, []).append(tenant)
    present: list[UUID] = []
    absent: list[UUID] = []
    unreachable = 0
    for node_id, tenants in by_node.items():
        try:
            async with await connect(node_id) as conn:
                cursor = await conn.execute(QUERIES["tenants_present"], (tenants,))
                held = {row[0] for row in await cursor.fetchall()}
        except Exception as exc:  # noqa: BLE001 - an unreachable node's registrations wait for it
            log.warning("reconciling %d registrations on node %s: %s", len(tenants), node_id, classify(exc))
            unreachable += len(tenants)
            continue
        present += [t for t in tenants if t in held]
        absent += [t for t in tenants if t not in held]
    if not present and not absent:
        return Settled(0, 0, unreachable)
    row = await (await control.execute(QUERIES["settle_registrations"], (present, absent))).fetchone()
    assert row is not None
    settled = Settled(int(row[0]), int(row[1]), unreachable)
    log.info("registrations settled: %d confirmed, %d undone", settled.confirmed, settled.undone)
    return settled
