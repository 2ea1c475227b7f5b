"""The gateway with token verification bypassed: the baseline of authenticated_vs_open_rps.

Only the benchmark harness does this (it replaces the verifier's method in its
own process before serving); no setting of a deployment switches verification
off. Every request is treated as BENCH_OPEN_TENANT's tenant token would be, so
the handler SQL and its claims are the same as in the authenticated run.
`python -m bench.open_gateway serve ...` takes `fedgate serve`'s arguments.
"""

from __future__ import annotations

import os
import uuid

from shim.auth import tokens
from shim.cli import main

_CALLER = tokens.Principal("tenant", "bench-open", uuid.UUID(os.environ["BENCH_OPEN_TENANT"]))


def _verify_nothing(_self: tokens.TokenVerifier, _authorization: str | None) -> tokens.Principal:
    return _CALLER


if __name__ == "__main__":
    tokens.TokenVerifier.verify = _verify_nothing  # type: ignore[method-assign]
    raise SystemExit(main())
