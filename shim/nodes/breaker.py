"""A circuit breaker per node, per worker, fed by the worker's own requests.

After ``threshold`` consecutive connection failures a node's breaker opens:
a request to it then costs microseconds (503 with Retry-After) instead of a
connect or pool timeout. Every ``reset_after`` seconds one request is let
through as a probe; a success closes the breaker.
"""

from __future__ import annotations

import time
from dataclasses import dataclass


@dataclass
class _State:
    failures: int = 0
    opened_at: float | None = None


class CircuitBreaker:
    """Per-node circuit breakers of one worker."""

    def __init__(self, threshold: int = 2, reset_after: float = 1.0) -> None:
        self.threshold = threshold
        self.reset_after = reset_after
        self._nodes: dict[str, _State] = {}
        self.opens: dict[str, int] = {}  # times each node's breaker opened (closed before)

    def would_allow(self, node_id: str) -> bool:
        """Whether ``allow`` would let a request through now, without taking the probe."""
        state = self._nodes.get(node_id)
        return state is None or state.opened_at is None or time.monotonic() - state.opened_at >= self.reset_after

    def allow(self, node_id: str) -> bool:
        state = self._nodes.get(node_id)
        if state is None or state.opened_at is None:
            return True
        now = time.monotonic()
        if now - state.opened_at >= self.reset_after:
            state.opened_at = now  # this request is the probe; the others wait for the next one
            return True
        return False

    def success(self, node_id: str) -> None:
        if node_id in self._nodes:
            del self._nodes[node_id]

    def failure(self, node_id: str) -> None:
        state = self._nodes.setdefault(node_id, _State())
        state.failures += 1
        if state.opened_at is not None or state.failures >= self.threshold:
            if state.opened_at is None:
                self.opens[node_id] = self.opens.get(node_id, 0) + 1
            state.opened_at = time.monotonic()

    def is_open(self, node_id: str) -> bool:
        state = self._nodes.get(node_id)
        return state is not None and state.opened_at is not None
