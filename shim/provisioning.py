"""Creating a federated tenant: registry and placement on the control
database, then the tenant's row on its node.

1. ``api.register_tenant`` on the control database: registry row (status
   provisioning), map row and primary rule, one transaction.
2. ``api.create_tenant`` on the chosen node (idempotent on the tenant id).
3. ``api.confirm_tenant`` on the control database.

If step 2 fails the registration is undone, so a failed creation leaves
nothing behind; once step 2 succeeded the creation is acknowledged even if
step 3 fails (the registry row then stays ``provisioning``, visible to a DBA,
and is never removed automatically).
"""

from __future__ import annotations

import json
import logging
from typing import Any
from uuid import UUID

from shim.catalog import DEFAULT_NODE, Catalog, Node
from shim.pools import NodePools

log = logging.getLogger("fedgate.provisioning")


async def create_federated_tenant(catalog: Catalog, pools: NodePools, body: dict[str, Any]) -> tuple[str, Node]:
    """Create and place a tenant; the node's JSON answer and the node that holds it."""
    control = await catalog.require_node(DEFAULT_NODE)
    registered = json.loads(await pools.call(control, "register_tenant", None, body))
    tenant = UUID(registered["tenantId"])
    node = await catalog.require_node(registered["nodeId"])
    try:
        created = await pools.call(node, "create_tenant", tenant, body)
    except BaseException:
        try:
            await pools.call(control, "unregister_tenant", tenant, {})
        except Exception:  # noqa: BLE001 - the registry row stays 'provisioning' for a DBA to see
            log.error("tenant %s: node %s write failed and the registration could not be undone",
                      tenant, node.node_id)
        raise
    try:
        await pools.call(control, "confirm_tenant", tenant, {})
    except Exception:  # noqa: BLE001 - acknowledged data is on its node; the registry says provisioning
        log.warning("tenant %s created on %s but not confirmed in the registry", tenant, node.node_id)
    return created, node
