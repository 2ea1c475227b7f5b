"""How the CLI shows results: aligned tables and ``key: value`` records on a terminal or in a pipe,
JSON with ``--json``. Never a Python repr: nested values are shown as compact JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from shim.values import jsonable


def text(value: Any) -> str:
    """One cell: empty for NULL, timestamps to the second, nested values as compact JSON."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    plain = jsonable(value)
    if isinstance(plain, (dict, list)):
        return json.dumps(plain, separators=(",", ":"), sort_keys=True)
    return str(plain)


def table(rows: Sequence[dict[str, Any]], *, as_json: bool = False, columns: Sequence[str] | None = None) -> None:
    """Rows as an aligned table (a header line, then one line a row), or as a JSON array."""
    if as_json:
        print(json.dumps(jsonable(list(rows)), indent=2))
        return
    names = list(columns or (rows[0].keys() if rows else ()))
    if not names:
        print("(none)")
        return
    cells = [[text(row.get(n)) for n in names] for row in rows]
    widths = [max([len(n)] + [len(r[i]) for r in cells]) for i, n in enumerate(names)]
    print("  ".join(n.ljust(w) for n, w in zip(names, widths)).rstrip())
    for row in cells:
        print("  ".join(v.ljust(w) for v, w in zip(row, widths)).rstrip())


def record(values: dict[str, Any], *, as_json: bool = False) -> None:
    """One result as ``key: value`` lines, or as a JSON object."""
    if as_json:
        print(json.dumps(jsonable(values), indent=2))
        return
    for key, value in values.items():
        print(f"{key}: {text(value)}")
