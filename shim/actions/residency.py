"""Residency actions: set, clear or read the regions a tenant may be served in.

The SQL (``federation.set_residency`` and the guards in sql/functions/control/residency.sql) checks and
records everything; ``fedgate tenant residency`` and ``/admin/v1/tenants/{tenant}/residency`` call these.
A refusal made through these doors is recorded by the connector (``Connector.record_refusal``).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from shim.errors import GatewayError
from shim.nodes.connector import Connector

EVENTS_SHOWN = 20


def set_residency(connector: Connector, tenant: UUID, regions: list[str] | None, reason: str | None = None,
                  move: bool = False) -> dict[str, Any]:
    """Set the tenant's policy (None clears it). One its node or a rule breaks is refused (FG409 with the
    fix) unless ``move``: then a move to a node inside it starts (a job the fleet drives) and the policy
    binds at its switch. The tenant's policy and its latest decisions, with the move when one started."""
    started = connector.rows("set_residency", tenant, regions, reason, move)[0]
    shown = tenant_residency(connector, tenant)
    if started["move_id"] is not None:
        shown["move"] = {"moveId": started["move_id"], "to": started["target_node"], "residency": regions}
    return shown


def tenant_residency(connector: Connector, tenant: UUID, events: int = EVENTS_SHOWN) -> dict[str, Any]:
    """The tenant's policy (None: unrestricted) and its newest recorded decisions; 404 for no such tenant."""
    rows = connector.rows("tenant_residency", events, tenant)
    if not rows:
        raise GatewayError(404, "FGW404", f"no tenant {tenant} in the registry")
    row = rows[0]
    return {"tenantId": str(row["tenant_id"]), "regions": row["residency"], "events": row["events"]}
