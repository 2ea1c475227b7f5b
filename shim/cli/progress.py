"""What `fedgate tenant move` shows while it works: a rich progress bar per table (rows copied of
expected), the replication lag and the current step on a terminal; one plain line per step otherwise,
so scripts can log it. A plan's command (`fedgate legacy migrate`, `rebalance`): a bar of its moves
ended on a terminal, and a line per move either way."""

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


class PlanDisplay:
    """What a plan's command shows: each move's outcome as a line; on a terminal, a bar of moves ended."""

    def __init__(self, bars: Progress | None, total: int) -> None:
        self.bars, self.ended = bars, 0
        self.task = bars.add_task("moves", total=max(1, total), note="", count=f"0/{total}") if bars else None
        self.total = total

    def say(self, line: str) -> None:
        self.ended += 1
        if self.bars is None or self.task is None:
            print(line, flush=True)
            return
        self.bars.console.print(line)
        self.bars.update(self.task, completed=self.ended, count=f"{self.ended}/{self.total}")

    def seen(self, plan: dict[str, Any]) -> None:
        """Another driver's progress (federation_plans), while this command follows it."""
        ended = int(plan["done"]) + int(plan["not_done"])
        if ended == self.ended:
            return
        self.ended = ended
        line = f"plan {plan['plan_id']}: {plan['done']} of {plan['moves']} moves done, {plan['moving']} moving " \
               f"(driven by {plan['owner'] or 'nobody now'})"
        if self.bars is None or self.task is None:
            print(line, flush=True)
        else:
            self.bars.update(self.task, completed=ended, count=f"{ended}/{self.total}")


@contextmanager
def plan_display(live: bool, total: int) -> Iterator[PlanDisplay]:
    if not live:
        yield PlanDisplay(None, total)
        return
    with Progress(TextColumn("{task.description:<18}"), BarColumn(), TextColumn("{task.fields[count]}"),
                  TextColumn("{task.fields[note]}"), console=Console(), transient=False) as bars:
        yield PlanDisplay(bars, total)
