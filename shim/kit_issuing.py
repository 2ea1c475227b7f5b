"""Issuing a bootstrap kit: the federation block from the control database,
the kit row and token on the tenant's node, rendering, then sealing the kit
with its metadata.json and archive checksum on the node.

Nothing half-written: the federation block is read before anything is
written, and a kit that was issued but not sealed stays ``pending``, which
never verifies and is never served as metadata.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from shim import kits
from shim.catalog import DEFAULT_NODE, Catalog
from shim.errors import bad_request
from shim.pools import NodeDB


@dataclass(frozen=True)
class IssuedKit:
    kit_id: str
    archive: bytes
    sha256: str
    content_type: str
    filename: str


async def issue_kit(catalog: Catalog, db: NodeDB, tenant: UUID, args: dict[str, Any], public_url: str) -> IssuedKit:
    regions = args.get("regions")
    if isinstance(regions, list):
        unknown = sorted({r for r in regions if isinstance(r, str) and r not in catalog.regions})
        if unknown:
            raise bad_request("FGW103", f"unknown region(s): {', '.join(unknown)[:200]}",
                              details={"known": sorted(catalog.regions)})
    control = await catalog.require_node(DEFAULT_NODE)
    federation = json.loads(await db.pools.call(control, "federation_info", tenant, {}))
    issued = json.loads(await db.call("issue_kit", tenant, args))
    base = public_url.rstrip("/")
    data = kits.KitData(
        kit_id=issued["kitId"], token=issued["token"], format=issued["format"],
        generated_at=issued["generatedAt"], expires_at=issued["expiresAt"], tenant=issued["tenant"],
        agents=issued["agents"],
        regions=[{**r, "endpoint": f"{base}/federation/api/onboarding?region={r['code']}"} for r in issued["regions"]],
        federation=federation, verify_url=f"{base}/federation/api/onboarding/bootstrap/verify")
    rendered = kits.render(data)
    await db.call("seal_kit", tenant, {"kitId": data.kit_id, "metadataJson": rendered.metadata_json,
                                       "archiveSha256": rendered.sha256})
    return IssuedKit(data.kit_id, rendered.archive, rendered.sha256, rendered.content_type, rendered.filename)
