"""The docs' tables that the code is the source of: the HTTP endpoints (shim.request.endpoints), the
admin API's actions (shim.request.admin) and the error codes (shim.errors.CODES).

``make docs`` (``python -m shim.request.reference``) rewrites each table between its markers in
docs/http-api.md; tests/test_docs.py fails when the file and the code differ.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from shim.errors import CODES, SQLSTATE_CLASS_STATUS
from shim.paths import ROOT
from shim.request.admin import ACTIONS, PREFIX
from shim.request.endpoints import ENDPOINTS, FEDERATED_PREFIX, LEGACY_PREFIX

DOC = ROOT / "docs" / "http-api.md"
_PARAM = re.compile(r"<([A-Za-z_]+)>")


def _path(path: str) -> str:
    return _PARAM.sub(r"{\1}", path)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def endpoints_table() -> str:
    rows = ["| method | path | handler SQL | who | success | what it does |", "|---|---|---|---|---|---|"]
    for e in ENDPOINTS:
        who = ", ".join(e.roles) if e.roles else "the kit's enrollment token"
        where = " (control database)" if e.target == "control" else ""
        rows.append(f"| {e.method} | `{_path(e.path)}` | `api.{e.function}`{where} | {who} | {e.success} | "
                    f"{_cell(e.summary)} |")
    return "\n".join(rows)


def admin_table() -> str:
    rows = ["| method | path | success | what it does |", "|---|---|---|---|"]
    for a in ACTIONS:
        rows.append(f"| {a.method} | `{PREFIX}{_path(a.path)}` | {a.success} | {_cell(a.summary)} |")
    return "\n".join(rows)


def errors_table() -> str:
    rows = ["| code | status | meaning |", "|---|---|---|"]
    rows += [f"| {code} | {status} | {_cell(meaning)} |" for code, (status, meaning) in CODES.items()]
    rows += [f"| {cls}xxx (other) | {status} | the SQLSTATE class's status |"
             for cls, status in SQLSTATE_CLASS_STATUS.items()]
    return "\n".join(rows)


TABLES = {"endpoints": endpoints_table, "admin": admin_table, "errors": errors_table}


def rendered(text: str) -> str:
    """``text`` with every generated table replaced by what the code says now."""
    for name, make in TABLES.items():
        begin, end = f"<!-- generated: {name} (make docs) -->", f"<!-- end: {name} -->"
        if begin not in text or end not in text:
            raise ValueError(f"{DOC.name} lacks the markers of the {name} table")
        head, rest = text.split(begin, 1)
        _, tail = rest.split(end, 1)
        text = f"{head}{begin}\n{make()}\n{end}{tail}"
    return text


def main(path: Path = DOC) -> int:
    text = path.read_text()
    new = rendered(text)
    if new != text:
        path.write_text(new)
        print(f"{path.relative_to(ROOT)}: tables regenerated", file=sys.stderr)
    return 0


__all__ = ["FEDERATED_PREFIX", "LEGACY_PREFIX", "main", "rendered"]

if __name__ == "__main__":
    raise SystemExit(main())
