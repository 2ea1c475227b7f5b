"""Kit actions: issue a bootstrap kit (its row on the tenant's node, the archive rendered, sealed).

Issuing reads the kit's catalog context (federation block, region names) from the control database,
writes the kit row on the tenant's node, renders the archive (shim.kits), then seals the kit with its
checksum on the node. A kit issued but not sealed stays ``pending``: it never verifies. Revoking a kit
is one handler (``api.revoke_kit``) that the endpoint calls like any other.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from shim import kits
from shim.actions.backends import Backends
from shim.nodes.client import NodeHandle

# Archives rendered at once per worker, each on a thread: rendering (zip or tar.gz, a few ms of CPU) does
# not hold the event loop, and a flood of kits waits here instead of slowing every other request.
RENDERS_AT_ONCE = 2
_renders: asyncio.Semaphore | None = None


async def _render(data: kits.KitData) -> kits.RenderedKit:
    global _renders
    if _renders is None:
        _renders = asyncio.Semaphore(RENDERS_AT_ONCE)
    async with _renders:
        return await asyncio.to_thread(kits.render, data)


@dataclass(frozen=True, slots=True)
class IssuedKit:
    kit_id: str
    rendered: kits.RenderedKit


async def issue_kit(backends: Backends, db: NodeHandle, tenant: UUID | None, args: dict[str, Any],
                    claims: str) -> IssuedKit:
    """Catalog context, the kit row on the node, the archive: a kit to seal."""
    control = await backends.control()
    context = json.loads(await control.call("kit_context", tenant, {"regions": args.get("regions")}, claims))
    regions = context["regions"]
    issued = json.loads(await db.call("issue_kit", tenant, {**args, "regions": [r["code"] for r in regions]},
                                      claims))
    base = backends.public_url.rstrip("/")
    data = kits.KitData(
        kit_id=issued["kitId"], token=issued["token"], format=issued["format"],
        generated_at=issued["generatedAt"], expires_at=issued["expiresAt"], tenant=issued["tenant"],
        agents=issued["agents"],
        regions=[{**r, "endpoint": f"{base}/federation/api/onboarding?region={r['code']}"} for r in regions],
        federation=context["federation"], verify_url=f"{base}/federation/api/onboarding/bootstrap/verify")
    return IssuedKit(data.kit_id, await _render(data))


async def seal_kit(db: NodeHandle, tenant: UUID | None, kit: IssuedKit, claims: str) -> str | None:
    """The kit's checksum and metadata on its node (it verifies from then on); the node's WAL position
    after it when the node has replicas."""
    _, lsn = await db.call_at("seal_kit", tenant, {
        "kitId": kit.kit_id, "metadataJson": kit.rendered.metadata_json, "archiveSha256": kit.rendered.sha256},
        claims)
    return lsn
