"""The migration runner.

Numbered migrations (``sql/NNN_name.sql``) run once each, in order, each in
its own transaction, recorded with a SHA-256 checksum: a migration edited
after it was applied is refused. Function families (``sql/functions/*.sql``,
all ``CREATE OR REPLACE``) are re-applied whenever any of them changed. A
transaction-scoped advisory lock keeps concurrent runners (several workers,
several gateways) from racing. The same migrations run on the control
database and on every node.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import psycopg

from shim.paths import FUNCTIONS_DIR, SQL_DIR

_LOCK_KEY = 7_164_530_118  # pg_advisory_xact_lock key of fedgate migrations
_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


class MigrationError(RuntimeError):
    """A migration cannot be applied (edited after landing, or failed)."""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


def load_migrations(sql_dir: Path = SQL_DIR) -> list[Migration]:
    found: list[Migration] = []
    for path in sorted(sql_dir.glob("*.sql")):
        match = _NAME.match(path.name)
        if not match:
            raise MigrationError(f"migration file name not of the form NNN_name.sql: {path.name}")
        found.append(Migration(int(match.group(1)), path.name, path.read_text()))
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise MigrationError("two migrations share a number")
    return found


def functions_bundle(functions_dir: Path = FUNCTIONS_DIR) -> tuple[str, str]:
    """All function families as one script, and its checksum."""
    parts = [f"-- file: {p.name}\n{p.read_text()}" for p in sorted(functions_dir.glob("*.sql"))]
    script = "\n".join(parts)
    return script, hashlib.sha256(script.encode()).hexdigest()


_BOOKKEEPING = """
CREATE TABLE IF NOT EXISTS public.fedgate_migrations (
    version    integer PRIMARY KEY,
    name       text NOT NULL,
    checksum   text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE public.fedgate_migrations IS 'Numbered migrations applied to this database, with their checksums.';
CREATE TABLE IF NOT EXISTS public.fedgate_functions (
    id         boolean PRIMARY KEY DEFAULT true CHECK (id),
    checksum   text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE public.fedgate_functions IS 'Checksum of the function families last applied to this database.';
"""


@dataclass
class MigrationReport:
    applied: list[str]
    functions_applied: bool

    def summary(self) -> str:
        done = ", ".join(self.applied) if self.applied else "none"
        return f"migrations applied: {done}; functions {'applied' if self.functions_applied else 'unchanged'}"


def migrate(conninfo: str, *, connect_timeout: int = 10, sql_dir: Path = SQL_DIR,
            functions_dir: Path = FUNCTIONS_DIR) -> MigrationReport:
    """Bring one database up to date. Idempotent; safe to run concurrently."""
    migrations = load_migrations(sql_dir)
    script, functions_checksum = functions_bundle(functions_dir)
    applied: list[str] = []
    with psycopg.connect(conninfo, connect_timeout=connect_timeout, autocommit=True) as conn:
        for migration in migrations:
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_KEY,))
                conn.execute(_BOOKKEEPING)
                row = conn.execute(
                    "SELECT checksum FROM public.fedgate_migrations WHERE version = %s",
                    (migration.version,)).fetchone()
                if row is not None:
                    if row[0] != migration.checksum:
                        raise MigrationError(
                            f"migration {migration.name} was edited after it was applied "
                            "(checksum differs); add a new migration instead")
                    continue
                try:
                    conn.execute(migration.sql.encode())
                except psycopg.Error as exc:
                    raise MigrationError(f"migration {migration.name} failed: {exc}") from exc
                conn.execute(
                    "INSERT INTO public.fedgate_migrations (version, name, checksum) VALUES (%s, %s, %s)",
                    (migration.version, migration.name, migration.checksum))
                applied.append(migration.name)
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_KEY,))
            conn.execute(_BOOKKEEPING)
            row = conn.execute("SELECT checksum FROM public.fedgate_functions").fetchone()
            functions_applied = row is None or row[0] != functions_checksum
            if functions_applied:
                try:
                    conn.execute(script.encode())
                except psycopg.Error as exc:
                    raise MigrationError(f"function families failed: {exc}") from exc
                conn.execute(
                    "INSERT INTO public.fedgate_functions (checksum) VALUES (%s) "
                    "ON CONFLICT (id) DO UPDATE SET checksum = EXCLUDED.checksum, applied_at = now()",
                    (functions_checksum,))
    return MigrationReport(applied, functions_applied)
