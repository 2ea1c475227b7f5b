"""Waiting for an effect, not for a time: poll a condition until it holds, fail with what was awaited
after a generous bound (these machines swing 2-4x under load; a test asserts the effect, not its speed)."""

from __future__ import annotations

import time
from collections.abc import Callable

WAIT = 30.0  # seconds: generous on purpose


def wait_until(check: Callable[[], bool], what: str, timeout: float = WAIT, every: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout:g} s: {what}")
        time.sleep(every)
