"""Named SQL statements from queries.sql, and the one-round-trip handler call."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from uuid import UUID

from psycopg import AsyncConnection, sql

from shim.observe.access import application_name
from shim.ops.migrate import lagging_sets

_HEADER = re.compile(r"^-- name: ([a-z_]+)\s*$", re.MULTILINE)


def _load(path: Path) -> dict[str, str]:
    text = path.read_text()
    names = list(_HEADER.finditer(text))
    found: dict[str, str] = {}
    for i, match in enumerate(names):
        end = names[i + 1].start() if i + 1 < len(names) else len(text)
        body = "\n".join(line for line in text[match.end():end].splitlines()
                         if line.strip() and not line.lstrip().startswith("--"))
        found[match.group(1)] = body.strip().rstrip(";")
    return found


QUERIES: dict[str, str] = _load(Path(__file__).with_name("queries.sql"))
_FUNCTION_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")
_CALLS: dict[tuple[str, str], str] = {}


def handler_call(function: str, kind: str = "call_handler") -> str:
    """``SELECT api.<function>(tenant, args)::text`` (or the CALL of a procedure), composed once
    into plain text, so psycopg's query cache serves every later execution."""
    statement = _CALLS.get((function, kind))
    if statement is None:
        if not _FUNCTION_NAME.match(function):
            raise ValueError(f"not a handler function name: {function!r}")
        statement = sql.SQL(QUERIES[kind]).format(function=sql.Identifier(function)).as_string(None)
        _CALLS[(function, kind)] = statement
    return statement


async def schema_lag(conn: AsyncConnection[Any], needed: dict[str, int]) -> str | None:
    """What a node's migrations lack against ``needed`` (None: nothing), read in one round trip."""
    rows = await (await conn.execute(QUERIES["schema_versions"])).fetchall()
    return lagging_sets({str(s): int(v) for s, v in rows}, needed)


async def call_api(conn: AsyncConnection[Any], function: str, tenant: UUID | None,
                   args: dict[str, Any], claims: str, *, procedure: bool = False,
                   replayed_to: str | None = None) -> str | None:
    """Run one api handler as the caller ``claims`` describes (in the same statement: no extra round
    trip), named after the current request (application_name); its JSON result as text (not parsed:
    passed through). With ``replayed_to`` (on a replica):
    only if the replica has replayed the WAL that far, else None."""
    params: tuple[Any, ...] = (str(tenant) if tenant else None, json.dumps(args) if args else "{}", claims)
    if replayed_to is not None:
        cursor = await conn.execute(handler_call(function, "call_handler_replayed_to"),
                                    (*params, application_name(), replayed_to))
        row = await cursor.fetchone()
        if row is None:
            return None
    elif procedure:
        cursor = await conn.execute(handler_call(function, "call_procedure"), params)
        row = await cursor.fetchone()
    else:
        cursor = await conn.execute(handler_call(function, "call_handler"), (*params, application_name()))
        row = await cursor.fetchone()
    if row is None or row[0] is None:
        return "null"
    return row[0] if isinstance(row[0], str) else json.dumps(row[0])


async def wal_position(conn: AsyncConnection[Any]) -> str:
    """The node's current WAL position, after the statements this connection has committed."""
    row = await (await conn.execute(QUERIES["wal_lsn"])).fetchone()
    assert row is not None
    return str(row[0])


def lsn_value(lsn: str) -> int:
    """A pg_lsn's text ("16/B374D848") as a number of bytes."""
    high, low = lsn.split("/")
    return (int(high, 16) << 32) | int(low, 16)
