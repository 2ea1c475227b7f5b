"""Tenant actions: create one, suspend or resume one, settle creations whose node answer was lost.

Creating a tenant registers it on the control database (federated: placed on a node of its region in
the same transaction; legacy: unplaced, so the default node serves it), creates its row on that node,
then confirms the registration. A node that refuses the row (4xx) undoes the registration; a call that
ends without the node's answer leaves it ``provisioning`` for the reconciler (shim.nodes.reconcile) to
confirm or undo from what the node holds. Once the node wrote the row the creation is acknowledged even
if the confirmation fails (the reconciler confirms it). The HTTP endpoint and the embedded default's
seeding both create tenants here.

Suspending writes the registry first, then the tenant's row on its node (where writes are refused);
running it again finishes a half-done change. ``fedgate tenant suspend|resume`` and
``/admin/v1/tenants/{tenant}/suspend|resume`` call it.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from shim.actions.backends import Backends
from shim.errors import GatewayError
from shim.nodes import connector as connections
from shim.nodes.client import NodeHandle
from shim.nodes.connector import Connector
from shim.nodes.queries import QUERIES
from shim.nodes.reconcile import Settled, reconcile

log = logging.getLogger("fedgate.tenants")

TENANT_STATUSES = ("active", "suspended")
UNSETTLED_HINT = ("the tenant may or may not have been created: retry with the same Idempotency-Key, "
                  "or look for it after FEDGATE_RECONCILE_AFTER seconds")


@dataclass(frozen=True, slots=True)
class Created:
    answer: str          # the node's JSON answer, passed through
    tenant_id: UUID
    node: NodeHandle     # the node that holds the tenant
    replayed: bool       # an Idempotency-Key's earlier creation, answered again


async def create_tenant(backends: Backends, body: dict[str, Any], claims: str, *, federated: bool = True,
                        tenant_id: UUID | None = None, idempotency_key: str | None = None) -> Created:
    """Register, create on the node, confirm. With an Idempotency-Key the registration is the key's (the
    same tenant id on every retry) and the node's creation is idempotent on that id, so a retry finishes
    what an earlier attempt began."""
    control = await backends.control()
    register = "register_tenant" if federated else "register_unplaced_tenant"
    registration = {key: value for key, value in body.items() if key != "idempotencyKey"}
    if idempotency_key is not None:
        registration["idempotencyKey"] = idempotency_key
    if backends.home_residency and "residency" not in body and isinstance(body.get("region"), str):
        registration["residency"] = [body["region"]]  # FEDGATE_DEFAULT_RESIDENCY=home
    # The node's row carries neither the key nor the residency (the registry's).
    body = {key: value for key, value in body.items() if key not in ("idempotencyKey", "residency")}
    registered = json.loads(await control.call(register, tenant_id, registration, claims))
    tenant = UUID(registered["tenantId"])
    node = await backends.node(registered["nodeId"])
    try:
        created = await node.call("create_tenant", tenant, body, claims)
    except GatewayError as exc:
        if exc.status < 500:  # the node refused: nothing of this creation is on it
            await _unregister(control, tenant, claims)
        else:  # the node's answer is unknown: the reconciler settles the registration from what it holds
            exc.hint = UNSETTLED_HINT
        raise
    if registered["status"] == "provisioning":
        try:
            await control.call("confirm_tenant", tenant, {}, claims)
        except Exception:  # noqa: BLE001 - acknowledged data is on its node; the reconciler confirms it
            log.warning("tenant %s created on %s but not confirmed in the registry", tenant, node.node.node_id)
    return Created(created, tenant, node, bool(registered["replayed"]))


async def _unregister(control: NodeHandle, tenant: UUID, claims: str) -> None:
    try:
        await control.call("unregister_tenant", tenant, {}, claims)
    except Exception:  # noqa: BLE001 - left provisioning: the reconciler undoes it
        log.error("tenant %s: the node refused it and the registration could not be undone now", tenant)


def set_tenant_status(connector: Connector, tenant: UUID, status: str, claims: str,
                      reason: str | None = None) -> dict[str, Any]:
    """The registry, then the tenant's row on its node, as the caller ``claims`` names (the node's
    handler checks them like any other and records who and why in the activity feed)."""
    if status not in TENANT_STATUSES:
        raise GatewayError(400, "FGW111", "status must be active or suspended", details={"field": "status"})
    rows = connector.rows("set_tenant_status", tenant, status)
    node_id = str(rows[0]["node_id"])
    with connector.node(node_id) as conn:
        conn.execute(QUERIES["set_tenant_status_on_node"],
                     (tenant, json.dumps({"status": status, "reason": reason}), claims))
    return {"tenantId": str(tenant), "status": status, "node": node_id}


def set_tenant_limit(connector: Connector, tenant: UUID, rps: float | None, burst: float | None = None,
                     inflight: int | None = None) -> dict[str, Any]:
    """A tenant's quotas for the whole fleet (``federation.set_tenant_limit``): requests a second with a
    burst, calls in flight, or both; every gateway worker holds its share from the catalog's notification on."""
    connector.rows("set_tenant_limit", tenant, rps, burst, inflight)
    return tenant_limit(connector, tenant)


def clear_tenant_limit(connector: Connector, tenant: UUID) -> bool:
    """The tenant's quota lifted; False when it had none."""
    return bool(connector.rows("clear_tenant_limit", tenant)[0]["cleared"])


def tenant_limit(connector: Connector, tenant: UUID) -> dict[str, Any]:
    """The tenant's quota with the live workers it is shared over (404 when it has none)."""
    rows = connector.rows("tenant_limit", tenant)
    if not rows:
        raise GatewayError(404, "FGW404", f"tenant {tenant} has no quota")
    return rows[0]


async def reconcile_registrations(connector: Connector, older_than: float) -> Settled:
    """Settle the creations left provisioning for longer than ``older_than`` seconds, from what their
    nodes hold (the deployment's health checker does the same every round)."""
    async with await connections.aconnect(connector.control_dsn, name="fedgate-reconciler") as conn:
        async def reach(node_id: str) -> Any:
            return await connections.aconnect(connector.node_dsn(node_id), timeout=5, name="fedgate-reconciler")
        return await reconcile(conn, reach, older_than)
