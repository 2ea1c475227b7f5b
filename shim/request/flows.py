"""The flows an endpoint can run, as a table of coroutines.

``read``, ``call`` and ``procedure`` run the endpoint's one handler on the routed node
(a read is retried once on a connection the node dropped; a write never is).
``enroll`` and ``agent_token`` run one handler too, then hand the agent its
credential (signed here: the nodes hold no key).
Every handler call carries the caller's verified claims (``Routed.claims``).
``create_tenant`` and ``issue_kit`` span the control database and a node:

- creating a tenant registers it on the control database (federated: placed
  on a node of its region in the same transaction; legacy: unplaced, so the
  default node serves it), creates its row on that node, then confirms the
  registration. A node that refuses the row (4xx) undoes the registration; a
  call that ends without the node's answer leaves it ``provisioning`` for the
  reconciler (shim.nodes.reconcile) to confirm or undo from what the node
  holds. Once the node wrote the row the creation is acknowledged even if the
  confirmation fails (the reconciler confirms it).
- issuing a kit reads the kit's catalog context (federation block, region
  names) from the control database, writes the kit row on the tenant's node,
  renders the archive, then seals the kit with its checksum on the node. A kit
  issued but not sealed stays ``pending``: it never verifies.

No Sanic here: the embedded default seeds its tenants through ``create_tenant``.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field, replace
from typing import Any, Awaitable, Callable, Literal
from uuid import UUID

from shim import kits
from shim.auth.tokens import AgentCredentials
from shim.errors import GatewayError
from shim.nodes.catalog import DEFAULT_NODE, Catalog, Node
from shim.nodes.client import NodeClient, NodeHandle

log = logging.getLogger("fedgate.flows")

LSN_HEADER = "X-Federation-LSN"
REPLICA_HEADER = "X-Federation-Replica"
FlowName = Literal["read", "call", "procedure", "enroll", "agent_token", "create_tenant", "issue_kit"]
JSON = "application/json"


@dataclass(frozen=True, slots=True)
class Backends:
    """What a flow reaches: the catalog (node list, resolutions) and the nodes' client."""

    catalog: Catalog
    client: NodeClient
    public_url: str = ""
    credentials: AgentCredentials | None = None  # signs agent credentials (enrollment, refresh)

    async def node(self, node_id: str) -> NodeHandle:
        return self.client.handle(await self.catalog.require_node(node_id))

    async def control(self) -> NodeHandle:
        """The control database, reached as the default node it also is."""
        return await self.node(DEFAULT_NODE)


class Resumable(GatewayError):
    """A flow stopped by a move's fence after it committed a first statement: ``resume`` finishes it on the
    node the tenant moved to (the dispatcher calls it instead of running the flow again)."""

    def __init__(self, fenced: GatewayError, resume: Callable[["Routed"], Awaitable["Reply"]]) -> None:
        super().__init__(fenced.status, fenced.code, fenced.message, details=fenced.details, hint=fenced.hint,
                         headers=fenced.headers)
        self.resume = resume


@dataclass(frozen=True, slots=True)
class Routed:
    """A request after routing: the spec's four context values (db, tenant_id, region, node_id) and why."""

    tenant_id: UUID | None
    region: str | None
    federated: bool
    reason: str
    db: NodeHandle | None = None  # None until a flow places the request (tenant creation)
    claims: str = "{}"            # the caller, as the handlers read it (fedgate.claims)
    idempotency_key: str | None = None  # a creation's Idempotency-Key header
    seen_lsn: str | None = None         # X-Federation-LSN: a replica must have replayed this far to answer

    @property
    def node(self) -> Node | None:
        return self.db.node if self.db is not None else None

    @property
    def node_id(self) -> str | None:
        return self.db.node.node_id if self.db is not None else None


@dataclass(frozen=True, slots=True)
class Reply:
    body: str | bytes
    content_type: str = JSON
    headers: dict[str, str] = field(default_factory=dict)
    route: Routed | None = None  # set when the flow chose the node itself


Flow = Callable[[Backends, Routed, str, dict[str, Any]], Awaitable[Reply]]


def _db(route: Routed) -> NodeHandle:
    assert route.db is not None, "the request was routed to a node"
    return route.db


def _positioned(text: str, lsn: str | None) -> Reply:
    """An answer with the node's WAL position after it, when the node has replicas."""
    return Reply(text) if lsn is None else Reply(text, headers={LSN_HEADER: lsn})


async def call(_backends: Backends, route: Routed, function: str, args: dict[str, Any]) -> Reply:
    return _positioned(*await _db(route).call_at(function, route.tenant_id, args, route.claims))


async def read(backends: Backends, route: Routed, function: str, args: dict[str, Any]) -> Reply:
    """A read-only endpoint: on a usable replica of the tenant's node when it has one (and, when the
    caller sent X-Federation-LSN, only if that replica has replayed that far), else on the node."""
    db = _db(route)
    replica = backends.client.replica_for(db.node) if db.node.replicas else None
    if replica is not None:
        text = await replica.read_replica(function, route.tenant_id, args, route.claims, route.seen_lsn)
        if text is not None:
            return Reply(text, headers={REPLICA_HEADER: replica.node.node_id.split("~", 1)[1]})
    return _positioned(*await db.call_at(function, route.tenant_id, args, route.claims, read_only=True))


async def procedure(_backends: Backends, route: Routed, function: str, args: dict[str, Any]) -> Reply:
    return _positioned(*await _db(route).call_at(function, route.tenant_id, args, route.claims, procedure=True))


def _with_credential(backends: Backends, answer: str) -> Reply:
    """A handler's answer naming an agent, with that agent's new credential added."""
    assert backends.credentials is not None, "the gateway signs agent credentials"
    result = json.loads(answer)
    result.update(backends.credentials.issue(UUID(result["tenantId"]), UUID(result["agentId"])))
    return Reply(json.dumps(result))


async def enroll(backends: Backends, route: Routed, function: str, args: dict[str, Any]) -> Reply:
    """Verify a kit (the procedure), then the enrolled agent's credential."""
    text, lsn = await _db(route).call_at(function, route.tenant_id, args, route.claims, procedure=True)
    reply = _with_credential(backends, text)
    return _positioned(str(reply.body), lsn)


async def agent_token(backends: Backends, route: Routed, function: str, args: dict[str, Any]) -> Reply:
    """The node confirms the agent is still registered; a fresh credential for it."""
    return _with_credential(backends, await _db(route).call(function, route.tenant_id, args, route.claims))


async def create_tenant(backends: Backends, route: Routed, function: str, args: dict[str, Any]) -> Reply:
    """Register, create on the node, confirm; the node's answer, from the node that holds the tenant.

    With an Idempotency-Key the registration is the key's (the same tenant id on every retry) and
    the node's creation is idempotent on that id, so a retry finishes what an earlier attempt began.
    """
    control = await backends.control()
    register = "register_tenant" if route.federated else "register_unplaced_tenant"
    body = {key: value for key, value in args.items() if key != "idempotencyKey"}
    registration = body if route.idempotency_key is None else {**body, "idempotencyKey": route.idempotency_key}
    registered = json.loads(await control.call(register, route.tenant_id, registration, route.claims))
    tenant = UUID(registered["tenantId"])
    node = await backends.node(registered["nodeId"])
    try:
        created = await node.call(function, tenant, body, route.claims)
    except GatewayError as exc:
        if exc.status < 500:  # the node refused: nothing of this creation is on it
            await _unregister(control, tenant, route.claims)
        else:  # the node's answer is unknown: the reconciler settles the registration from what it holds
            exc.hint = UNSETTLED_HINT
        raise
    if registered["status"] == "provisioning":
        try:
            await control.call("confirm_tenant", tenant, {}, route.claims)
        except Exception:  # noqa: BLE001 - acknowledged data is on its node; the reconciler confirms it
            log.warning("tenant %s created on %s but not confirmed in the registry", tenant, node.node.node_id)
    placed = replace(route, tenant_id=tenant, db=node, reason="placement" if route.federated else "legacy")
    return Reply(created, headers={"Idempotent-Replayed": "true"} if registered["replayed"] else {}, route=placed)


UNSETTLED_HINT = ("the tenant may or may not have been created: retry with the same Idempotency-Key, "
                  "or look for it after FEDGATE_RECONCILE_AFTER seconds")


async def _unregister(control: NodeHandle, tenant: UUID, claims: str) -> None:
    try:
        await control.call("unregister_tenant", tenant, {}, claims)
    except Exception:  # noqa: BLE001 - left provisioning: the reconciler undoes it
        log.error("tenant %s: the node refused it and the registration could not be undone now", tenant)


async def issue_kit(backends: Backends, route: Routed, function: str, args: dict[str, Any]) -> Reply:
    """The kit archive: catalog context, kit row on the node, rendering, seal."""
    db = _db(route)
    tenant = route.tenant_id
    control = await backends.control()
    context = json.loads(await control.call("kit_context", tenant, {"regions": args.get("regions")}, route.claims))
    regions = context["regions"]
    issued = json.loads(await db.call(function, tenant, {**args, "regions": [r["code"] for r in regions]},
                                      route.claims))
    base = backends.public_url.rstrip("/")
    data = kits.KitData(
        kit_id=issued["kitId"], token=issued["token"], format=issued["format"],
        generated_at=issued["generatedAt"], expires_at=issued["expiresAt"], tenant=issued["tenant"],
        agents=issued["agents"],
        regions=[{**r, "endpoint": f"{base}/federation/api/onboarding?region={r['code']}"} for r in regions],
        federation=context["federation"], verify_url=f"{base}/federation/api/onboarding/bootstrap/verify")
    rendered = kits.render(data)

    async def seal(on: Routed) -> Reply:
        _, lsn = await _db(on).call_at("seal_kit", tenant, {
            "kitId": data.kit_id, "metadataJson": rendered.metadata_json, "archiveSha256": rendered.sha256},
            on.claims)
        headers = {"Content-Disposition": f'attachment; filename="{rendered.filename}"',
                   "X-Kit-Id": data.kit_id, "X-Kit-SHA256": rendered.sha256}
        return Reply(rendered.archive, rendered.content_type, {**headers, LSN_HEADER: lsn} if lsn else headers)
    try:
        return await seal(route)
    except GatewayError as exc:
        if exc.code != "FG421":
            raise
        # The tenant was fenced for a move between the kit's two statements: the kit row committed before
        # the fence, so it reaches the new node before the switch; the rerouted request seals that kit
        # there instead of issuing a second one.
        raise Resumable(exc, seal) from None


FLOWS: dict[FlowName, Flow] = {
    "read": read,
    "call": call,
    "procedure": procedure,
    "enroll": enroll,
    "agent_token": agent_token,
    "create_tenant": create_tenant,
    "issue_kit": issue_kit,
}
