"""What `fedgate tenant move` shows while it works: a rich progress bar per table (rows copied of
expected), the replication lag and the current step on a terminal; one plain line per step otherwise,
so scripts can log it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn

Show = Callable[[str, dict[str, Any]], None]


@contextmanager
def progress_display(live: bool) -> Iterator[Show]:
    if not live:
        last: list[str] = []

        def line(state: str, figures: dict[str, Any]) -> None:
            if not last or last[-1] != state or "error" in figures:
                last.append(state)
                detail = " ".join(f"{k}={v}" for k, v in figures.items() if k in ("lagBytes", "pauseMs", "error"))
                print(f"move: {state} {detail}".rstrip(), flush=True)
        yield line
        return
    # The step line has no count (a move's steps are states, not a quantity): no "0/?" there.
    with Progress(TextColumn("{task.description:<18}"), BarColumn(), TextColumn("{task.fields[count]}"),
                  TextColumn("{task.fields[note]}"), console=Console(), transient=False) as bars:
        tasks: dict[str, TaskID] = {}
        step = bars.add_task("step", total=None, note="", count="")

        def show(state: str, figures: dict[str, Any]) -> None:
            note = f"lag {figures['lagBytes']} B" if "lagBytes" in figures else ""
            bars.update(step, description=f"step: {state}", note=note)
            expected = figures.get("rowsExpected") or {}
            for table, copied in (figures.get("rowsCopied") or {}).items():
                total = max(int(expected.get(table, copied)), int(copied))
                if table not in tasks:
                    tasks[table] = bars.add_task(table, total=max(1, total), note="", count="")
                bars.update(tasks[table], completed=int(copied), total=max(1, total), count=f"{int(copied)}/{total}")
        yield show
