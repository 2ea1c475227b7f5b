"""Agents: deregistering one (``fedgate agent revoke``; the HTTP API's DELETE of an agent runs the same
handler through the gateway). Every token of the agent is refused from then on: its node checks the
agent's credential generation on each call (node migration 008)."""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from shim.errors import GatewayError
from shim.nodes.connector import Connector
from shim.nodes.queries import QUERIES


def revoke_agent(connector: Connector, tenant: UUID, agent: UUID, claims: str) -> dict[str, Any]:
    """On the node that serves the tenant, as the caller ``claims`` names: the revocation's record."""
    resolved = connector.rows("resolve_node", tenant, None)
    if not resolved or resolved[0]["node_id"] is None:
        raise GatewayError(404, "FGW404", f"no node serves tenant {tenant}")
    with connector.node(str(resolved[0]["node_id"])) as conn:
        row = conn.execute(QUERIES["revoke_agent_on_node"], (tenant, json.dumps({"agentId": str(agent)}), claims))
        answer: dict[str, Any] = json.loads(row.fetchone()[0])  # type: ignore[index]
    return answer
