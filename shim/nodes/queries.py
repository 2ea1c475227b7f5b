"""Named SQL statements (``sql/*.sql`` beside this module), and the one-round-trip handler call.

Python never writes SQL inline (tests/test_static.py fails on a statement in a string literal): every
statement is a ``-- name: x`` block in one of the files, loaded once into ``QUERIES``. A statement that
names an object (a move's publication, a handler function) has ``{placeholders}`` that ``compose``
fills with quoted identifiers or literals.""" 

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from uuid import UUID

from psycopg import AsyncConnection, sql

from shim.context import application_name
from shim.schema import lagging_sets

_HEADER = re.compile(r"^-- name: ([a-z_]+)\s*$", re.MULTILINE)


SQL_FILES = Path(__file__).with_name("sql")


def _load(directory: Path) -> dict[str, str]:
    found: dict[str, str] = {}
    for path in sorted(directory.glob("*.sql")):
        text = path.read_text()
        names = list(_HEADER.finditer(text))
        for i, match in enumerate(names):
            end = names[i + 1].start() if i + 1 < len(names) else len(text)
            body = "\n".join(line for line in text[match.end():end].splitlines()
                             if line.strip() and not line.lstrip().startswith("--"))
            if match.group(1) in found:
                raise ValueError(f"query {match.group(1)} is named twice ({path.name})")
            found[match.group(1)] = body.strip().rstrip(";")
    return found


QUERIES: dict[str, str] = _load(SQL_FILES)


def compose(query: str, /, **names: Any) -> sql.Composed:
    """A named statement whose ``{placeholders}`` are filled: a ``str`` as a quoted identifier, a
    ``sql.Composable`` as it is (``sql.Literal`` for a value that cannot be a parameter)."""
    return sql.SQL(QUERIES[query]).format(**{k: sql.Identifier(v) if isinstance(v, str) else v
                                            for k, v in names.items()})
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
