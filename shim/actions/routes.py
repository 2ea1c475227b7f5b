"""Routing-rule actions: add (or update) and remove a tenant's rule for a region.

The SQL functions (federation.add_route, remove_route) check everything; ``fedgate route …`` and
``/admin/v1/tenants/{tenant}/routes`` call these.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from shim.errors import GatewayError
from shim.nodes.connector import Connector


def add_route(connector: Connector, tenant: UUID, region: str, node_id: str, weight: int = 100,
              primary: bool = False, shared_data: bool = False, override: str | None = None) -> dict[str, Any]:
    """A rule to the tenant's own node, or (``shared_data``: declared by the operator) to a node serving the
    same database; any other node is refused (FG409, with the fix). A node outside the tenant's residency is
    refused (FG451, recorded) unless ``override`` gives the reason (kept on the rule, recorded)."""
    rows = connector.rows("add_route", tenant, region, node_id, weight, primary, shared_data, override)
    return rows[0] if rows else {}


def remove_route(connector: Connector, tenant: UUID, region: str, node_id: str) -> None:
    rows = connector.rows("remove_route", tenant, region, node_id)
    if not rows or not rows[0]["removed"]:
        raise GatewayError(404, "FGW404", f"tenant {tenant} has no rule for {region} on {node_id}")
