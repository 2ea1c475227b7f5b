"""The gateway without its per-request observation: the baseline of observed_vs_unobserved_rps.

Only the benchmark harness does this: it replaces the request histogram and the per-tenant figures with
no-ops in its own process before serving (run it with FEDGATE_ACCESS_LOG=off); what is left is the
request path as it was before metrics, request ids' log lines and tenant figures existed.
`python -m bench.unobserved_gateway serve ...` takes `fedgate serve`'s arguments.
"""

from __future__ import annotations

from typing import Any

from shim.observe import metrics, tenant_stats
from shim.cli import main


def _nothing(*_args: Any, **_kwargs: Any) -> None:
    return None


if __name__ == "__main__":
    metrics.observe_request = _nothing  # type: ignore[assignment]
    tenant_stats.TenantStats.record = _nothing  # type: ignore[method-assign,assignment]
    raise SystemExit(main())
