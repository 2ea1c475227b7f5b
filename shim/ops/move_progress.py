"""What `fedgate tenant move` shows while it works: a rich progress bar per table (rows copied of
expected), the replication lag and the current step on a terminal; one plain line per step otherwise,
so scripts can log it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn

Show = Callable[[str, dict[str, Any]], None]


@contextmanager
def progress_display(live: bool) -> Iterator[Show]:
    if not live:
        last: list[str] = []

        def line(state: str, figures: dict[str, Any]) -> None:
            if not last or last[-1] != state or "error" in figures:
                last.append(state)
                detail = {k: v for k, v in figures.items() if k in ("lagBytes", "pauseMs", "error")}
                print(f"move: {state} {detail if detail else ''}".rstrip(), flush=True)
        yield line
        return
    with Progress(TextColumn("{task.description:<18}"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[note]}"),
                  console=Console(), transient=False) as bars:
        tasks: dict[str, TaskID] = {}
        step = bars.add_task("step", total=None, note="")

        def show(state: str, figures: dict[str, Any]) -> None:
            note = f"lag {figures['lagBytes']} B" if "lagBytes" in figures else ""
            bars.update(step, description=f"step: {state}", note=note)
            expected = figures.get("rowsExpected") or {}
            for table, copied in (figures.get("rowsCopied") or {}).items():
                if table not in tasks:
                    tasks[table] = bars.add_task(table, total=max(1, int(expected.get(table, copied))), note="")
                bars.update(tasks[table], completed=int(copied),
                            total=max(1, int(expected.get(table, copied)), int(copied)))
        yield show
