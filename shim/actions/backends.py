"""What the gateway's actions reach: the catalog (node list, resolutions) and the nodes' pools."""

from __future__ import annotations

from dataclasses import dataclass

from shim.auth.tokens import AgentCredentials
from shim.nodes.catalog import DEFAULT_NODE, Catalog
from shim.nodes.client import NodeClient, NodeHandle


@dataclass(frozen=True, slots=True)
class Backends:
    catalog: Catalog
    client: NodeClient
    public_url: str = ""
    credentials: AgentCredentials | None = None  # signs agent credentials (enrollment, refresh)
    home_residency: bool = False  # FEDGATE_DEFAULT_RESIDENCY=home: a creation naming no residency gets its region

    async def node(self, node_id: str) -> NodeHandle:
        return self.client.handle(await self.catalog.require_node(node_id))

    async def control(self) -> NodeHandle:
        """The control database, reached as the default node it also is."""
        return await self.node(DEFAULT_NODE)
