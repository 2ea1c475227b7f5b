"""The flows an endpoint can run, as a table of coroutines.

``read``, ``call`` and ``procedure`` run the endpoint's one handler on the routed node
(a read is retried once on a connection the node dropped; a write never is).
``enroll`` and ``agent_token`` run one handler too, then hand the agent its
credential (signed here: the nodes hold no key).
Every handler call carries the caller's verified claims (``Routed.claims``).
``create_tenant`` and ``issue_kit`` span the control database and a node: they
run the actions of the same names (shim.actions.tenants, shim.actions.kits) and
answer with what those return.

No Sanic here either: a flow turns a request's routed values into an action's
arguments and its result into a ``Reply``.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field, replace
from typing import Any, Awaitable, Callable, Literal
from uuid import UUID

from shim.actions import kits, tenants
from shim.actions.backends import Backends
from shim.errors import GatewayError
from shim.nodes.catalog import Node
from shim.nodes.client import NodeHandle

log = logging.getLogger("fedgate.flows")

LSN_HEADER = "X-Federation-LSN"
REPLICA_HEADER = "X-Federation-Replica"
FlowName = Literal["read", "call", "procedure", "enroll", "agent_token", "create_tenant", "issue_kit"]
JSON = "application/json"


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
    residency: tuple[str, ...] | None = None  # the regions the tenant may be served in (None: unrestricted)

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
    replica = backends.client.replica_for(db.node, route.residency) if db.node.replicas else None
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
    generation = int(result.pop("credentialGeneration"))  # in the token, not in the answer
    result.update(backends.credentials.issue(UUID(result["tenantId"]), UUID(result["agentId"]), generation))
    return Reply(json.dumps(result))


async def enroll(backends: Backends, route: Routed, function: str, args: dict[str, Any]) -> Reply:
    """Verify a kit (the procedure), then the enrolled agent's credential."""
    text, lsn = await _db(route).call_at(function, route.tenant_id, args, route.claims, procedure=True)
    reply = _with_credential(backends, text)
    return _positioned(str(reply.body), lsn)


async def agent_token(backends: Backends, route: Routed, function: str, args: dict[str, Any]) -> Reply:
    """The node confirms the agent is still registered; a fresh credential for it."""
    return _with_credential(backends, await _db(route).call(function, route.tenant_id, args, route.claims))


async def create_tenant(backends: Backends, route: Routed, _function: str, args: dict[str, Any]) -> Reply:
    """The node's answer, from the node that holds the new tenant (shim.actions.tenants.create_tenant)."""
    created = await tenants.create_tenant(backends, args, route.claims, federated=route.federated,
                                          tenant_id=route.tenant_id, idempotency_key=route.idempotency_key)
    placed = replace(route, tenant_id=created.tenant_id, db=created.node,
                     reason="placement" if route.federated else "legacy")
    return Reply(created.answer, headers={"Idempotent-Replayed": "true"} if created.replayed else {}, route=placed)


async def issue_kit(backends: Backends, route: Routed, _function: str, args: dict[str, Any]) -> Reply:
    """The kit archive (shim.actions.kits): issued, rendered, sealed."""
    tenant = route.tenant_id
    kit = await kits.issue_kit(backends, _db(route), tenant, args, route.claims)

    async def seal(on: Routed) -> Reply:
        lsn = await kits.seal_kit(_db(on), tenant, kit, on.claims)
        headers = {"Content-Disposition": f'attachment; filename="{kit.rendered.filename}"',
                   "X-Kit-Id": kit.kit_id, "X-Kit-SHA256": kit.rendered.sha256}
        return Reply(kit.rendered.archive, kit.rendered.content_type,
                     {**headers, LSN_HEADER: lsn} if lsn else headers)
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
