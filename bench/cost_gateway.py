"""The gateway with one hot-path feature switched off: the baselines of make bench's cost table.

Only the benchmark harness does this: it replaces one part of the request path in its own process before
serving; no setting of a deployment switches any of them off. ``BENCH_OFF`` names the part:

- ``authentication``: the token is not verified (every request is BENCH_TENANT's tenant token);
- ``observation``: no request histogram, no per-tenant figures (run it with FEDGATE_ACCESS_LOG=off);
- ``routing``: no resolution, cached or not: every request goes to BENCH_NODE as its primary;
- ``admission``: no per-tenant in-flight slots and no per-tenant call cost;
- ``statement``: the handler statement without its FROM clause setting the claims and application_name
  (the claims are set once per connection instead, as the handlers need them);
- ``headers``: no X-Federation-* answer headers;
- ``quota``: no fleet-wide quota (the bench tenant has one it does not reach): no token taken from its
  bucket, no in-flight share looked up.

`python -m bench.cost_gateway serve ...` takes `fedgate serve`'s arguments.
"""

from __future__ import annotations

import json
import os
import uuid
from typing import Any

from psycopg import AsyncConnection

from shim.auth import tokens
from shim.cli import main
from shim.nodes import client, connector
from shim.nodes.catalog import Resolution
from shim.observe import metrics, tenant_stats
from shim.request import app, budget, routing

TENANT = uuid.UUID(os.environ["BENCH_TENANT"])
CALLER = tokens.Principal("tenant", "bench-cost", TENANT)


def _nothing(*_args: Any, **_kwargs: Any) -> None:
    return None


def _verify_nothing(_self: tokens.TokenVerifier, _authorization: str | None) -> tokens.Principal:
    return CALLER


async def _fixed_node(_backends: Any, _tenant: Any, _region: Any) -> Resolution:
    return Resolution(os.environ["BENCH_NODE"], None, "tenant_primary")


async def _no_slots(_self: Any, _key: Any) -> None:
    return None


def _claims_per_connection() -> None:
    claims = json.dumps({"role": "tenant", "sub": "bench-cost", "tenant_id": str(TENANT), "address": "127.0.0.1"},
                        separators=(",", ":"))
    make_pool = connector.pool

    def pool(dsn: str, **kwargs: Any) -> Any:
        if kwargs.get("name", "").startswith("node:"):
            kwargs["options"] = f"{kwargs.get('options', '')} -c fedgate.claims={claims}".strip()
        return make_pool(dsn, **kwargs)

    async def bare_call(conn: AsyncConnection[Any], function: str, tenant: uuid.UUID | None, args: dict[str, Any],
                        _claims: str, **_kw: Any) -> str | None:
        # The harness's own statement (bench/ only): the handler alone, no set_config in a FROM clause.
        cursor = await conn.execute(f"SELECT api.{function}(%s::uuid, %s::jsonb)::text",
                                    (str(tenant) if tenant else None, json.dumps(args) if args else "{}"))
        row = await cursor.fetchone()
        return None if row is None else row[0]

    connector.pool = pool  # type: ignore[assignment]
    client.call_api = bare_call  # type: ignore[assignment]


OFF = {
    "authentication": lambda: setattr(tokens.TokenVerifier, "verify", _verify_nothing),
    "observation": lambda: (setattr(metrics, "observe_request", _nothing),
                            setattr(tenant_stats.TenantStats, "record", _nothing)),
    "routing": lambda: setattr(routing, "_resolve_node", _fixed_node),
    "admission": lambda: (setattr(client.NodeClient, "_enter_tenant", _no_slots),
                          setattr(client.NodeClient, "_record_cost", _nothing)),
    "statement": _claims_per_connection,
    "headers": lambda: setattr(app, "_federation_headers", _nothing),
    "quota": lambda: (setattr(budget.TenantQuota, "admit", _nothing),
                      setattr(budget.TenantQuota, "inflight_share", _nothing)),
}

if __name__ == "__main__":
    OFF[os.environ["BENCH_OFF"]]()
    raise SystemExit(main())
