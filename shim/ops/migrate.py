"""The migration runner.

Three sets of numbered migrations, each run once, in order, each in its own
transaction, recorded with a SHA-256 checksum (a migration edited after it was
applied is refused):

- ``shared`` (``sql/NNN_*.sql``): every database. Up to 014 this was the whole
  schema of release 0.1; from 015 on it holds only what both planes share.
- ``control`` (``sql/control/``): the control plane, on the control database.
- ``node`` (``sql/node/``): the data plane, on every node. The control database
  is the default node, so it gets this set too.

A database's role decides its sets: ``control`` gets shared, control, node (in
that order: the control set takes the registry out of the tenant table before
the node set moves that table); ``node`` gets shared and node. The role is read
back from what was applied, so a node cannot be migrated as the control
database nor the other way round. Each plane's function families
(``sql/functions/<plane>/*.sql``, all ``CREATE OR REPLACE``, ``grants.sql``
last) are re-applied whenever one of them changed. A transaction-scoped
advisory lock keeps concurrent runners (workers, gateways) from racing.
"""

from __future__ import annotations

import hashlib
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Literal

import psycopg
from psycopg import sql

from shim.paths import FUNCTIONS_DIR, SQL_DIR

Role = Literal["control", "node"]
ROLE_SETS: dict[Role, tuple[str, ...]] = {"control": ("shared", "control", "node"), "node": ("shared", "node")}
FUNCTION_SETS: dict[Role, tuple[str, ...]] = {"control": ("node", "control"), "node": ("node",)}
# What DBAs type in psql on the control database: resolve_node(...), unqualified.
CONTROL_SEARCH_PATH = '"$user", public, federation'

_LOCK_KEY = 7_164_530_118  # pg_advisory_xact_lock key of fedgate migrations
_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")


class MigrationError(RuntimeError):
    """A migration cannot be applied (edited after landing, failed, or the wrong role)."""


@dataclass(frozen=True)
class Migration:
    migration_set: str
    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


def set_dir(migration_set: str, sql_dir: Path = SQL_DIR) -> Path:
    return sql_dir if migration_set == "shared" else sql_dir / migration_set


def load_migrations(migration_set: str = "shared", sql_dir: Path = SQL_DIR) -> list[Migration]:
    found: list[Migration] = []
    for path in sorted(set_dir(migration_set, sql_dir).glob("*.sql")):
        match = _NAME.match(path.name)
        if not match:
            raise MigrationError(f"migration file name not of the form NNN_name.sql: {path.name}")
        found.append(Migration(migration_set, int(match.group(1)), path.name, path.read_text()))
    versions = [m.version for m in found]
    if versions != list(range(1, len(versions) + 1)):
        raise MigrationError(f"{migration_set} migrations must be numbered 001, 002, ... without gaps")
    return found


def latest_versions(role: Role = "node", sql_dir: Path = SQL_DIR) -> dict[str, int]:
    """The newest migration of each set a database of ``role`` gets (the sets are numbered without gaps):
    the schema this code's handlers need."""
    return {migration_set: len(load_migrations(migration_set, sql_dir)) for migration_set in ROLE_SETS[role]}


def lagging_sets(found: dict[str, int], needed: dict[str, int]) -> str | None:
    """None when a database has every needed migration, else what it lacks, in words."""
    behind = [f"{s} {found.get(s, 0)} < {v}" for s, v in sorted(needed.items()) if found.get(s, 0) < v]
    return ("schema behind: " + ", ".join(behind) + " (run fedgate migrate)") if behind else None


def functions_bundle(plane: str, functions_dir: Path = FUNCTIONS_DIR) -> tuple[str, str]:
    """One plane's function families as one script (grants.sql last), and its checksum."""
    files = sorted((functions_dir / plane).glob("*.sql"), key=lambda p: (p.name == "grants.sql", p.name))
    script = "\n".join(f"-- file: {plane}/{p.name}\n{p.read_text()}" for p in files)
    return script, hashlib.sha256(script.encode()).hexdigest()


# The runner's own bookkeeping, brought up to date on every run. Release 0.1
# kept one list of migrations and one checksum of all functions.
_BOOKKEEPING = """
CREATE TABLE IF NOT EXISTS public.fedgate_migrations (
    version    integer NOT NULL,
    name       text NOT NULL,
    checksum   text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE public.fedgate_migrations ADD COLUMN IF NOT EXISTS migration_set text NOT NULL DEFAULT 'shared';
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint
                   WHERE conname = 'fedgate_migrations_set_version_key') THEN
        ALTER TABLE public.fedgate_migrations DROP CONSTRAINT IF EXISTS fedgate_migrations_pkey;
        ALTER TABLE public.fedgate_migrations
            ADD CONSTRAINT fedgate_migrations_set_version_key PRIMARY KEY (migration_set, version);
    END IF;
END
$$;
COMMENT ON TABLE public.fedgate_migrations IS
    'Numbered migrations applied to this database, per set (shared, control, node), with their checksums.';
CREATE TABLE IF NOT EXISTS public.fedgate_function_sets (
    migration_set text PRIMARY KEY,
    checksum      text NOT NULL,
    applied_at    timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE public.fedgate_function_sets IS 'Checksum of each plane''s function families last applied here.';
DROP TABLE IF EXISTS public.fedgate_functions;
"""


@dataclass
class MigrationReport:
    role: Role
    applied: list[str] = field(default_factory=list)
    functions_applied: list[str] = field(default_factory=list)

    def summary(self) -> str:
        done = ", ".join(self.applied) if self.applied else "none"
        functions = ", ".join(self.functions_applied) if self.functions_applied else "unchanged"
        return f"{self.role} database: migrations applied: {done}; functions: {functions}"


def _describe(exc: psycopg.Error) -> str:
    """The server's message and detail (which object, which row), never the connection string."""
    diag = exc.diag
    return "; ".join(part for part in (diag.message_primary or type(exc).__name__, diag.message_detail) if part)


def _check_role(conn: psycopg.Connection, role: Role) -> None:
    applied = {row[0] for row in conn.execute("SELECT DISTINCT migration_set FROM public.fedgate_migrations")}
    if role == "node" and "control" in applied:
        raise MigrationError("this is the control database: migrate it as the control database, not as a node")
    if role == "control" and "node" in applied and "control" not in applied:
        raise MigrationError("this database is a federation node, not the control database")


@contextmanager
def _locked(conn: psycopg.Connection) -> Iterator[None]:
    """A transaction holding the migration lock: concurrent runners (workers, gateways) take turns."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_KEY,))
        yield


def _apply_migration(conn: psycopg.Connection, migration: Migration) -> bool:
    """Apply one migration unless it already was (checksum checked); whether it ran."""
    with _locked(conn):
        row = conn.execute(
            "SELECT checksum FROM public.fedgate_migrations WHERE migration_set = %s AND version = %s",
            (migration.migration_set, migration.version)).fetchone()
        if row is not None:
            if row[0] != migration.checksum:
                raise MigrationError(
                    f"migration {migration.migration_set}/{migration.name} was edited after it was applied "
                    "(checksum differs); add a new migration instead")
            return False
        try:
            conn.execute(migration.sql.encode())
        except psycopg.Error as exc:
            raise MigrationError(f"migration {migration.migration_set}/{migration.name} failed: "
                                 f"{_describe(exc)}") from exc
        conn.execute(
            "INSERT INTO public.fedgate_migrations (migration_set, version, name, checksum) VALUES (%s, %s, %s, %s)",
            (migration.migration_set, migration.version, migration.name, migration.checksum))
        return True


def _apply_functions(conn: psycopg.Connection, plane: str, script: str, checksum: str) -> bool:
    """Re-apply one plane's function families when they changed; whether they did."""
    with _locked(conn):
        row = conn.execute("SELECT checksum FROM public.fedgate_function_sets WHERE migration_set = %s",
                           (plane,)).fetchone()
        if row is not None and row[0] == checksum:
            return False
        conn.execute("SET LOCAL check_function_bodies = off")  # families refer to each other
        try:
            conn.execute(script.encode())
        except psycopg.Error as exc:
            raise MigrationError(f"{plane} function families failed: {_describe(exc)}") from exc
        conn.execute(
            "INSERT INTO public.fedgate_function_sets (migration_set, checksum) VALUES (%s, %s) "
            "ON CONFLICT (migration_set) DO UPDATE SET checksum = EXCLUDED.checksum, applied_at = now()",
            (plane, checksum))
        return True


def _set_control_search_path(conn: psycopg.Connection) -> None:
    """The DBAs' search_path, a database-level setting: CREATE DATABASE ... TEMPLATE and a restore do not
    carry it, so every run checks it (under the lock: concurrent ALTER DATABASE of one row fails with
    "tuple concurrently updated")."""
    with _locked(conn):
        row = conn.execute("SELECT %s = ANY (s.setconfig) FROM pg_catalog.pg_db_role_setting s "
                           "JOIN pg_catalog.pg_database d ON d.oid = s.setdatabase "
                           "WHERE d.datname = current_database() AND s.setrole = 0",
                           (f"search_path={CONTROL_SEARCH_PATH}",)).fetchone()
        if row and row[0]:
            return
        try:
            conn.execute(sql.SQL("ALTER DATABASE {} SET search_path = " + CONTROL_SEARCH_PATH).format(
                sql.Identifier(conn.info.dbname)))
        except psycopg.errors.InsufficientPrivilege:
            raise MigrationError("the control database's search_path could not be set: migrate as its owner "
                                 f"or run ALTER DATABASE ... SET search_path = {CONTROL_SEARCH_PATH}") from None


def migrate(conninfo: str, role: Role = "control", *, connect_timeout: int = 10, sql_dir: Path = SQL_DIR,
            functions_dir: Path = FUNCTIONS_DIR) -> MigrationReport:
    """Bring one database up to date for its role. Idempotent; safe to run concurrently."""
    if role not in ROLE_SETS:
        raise MigrationError(f"unknown database role {role!r}")
    migrations = [m for s in ROLE_SETS[role] for m in load_migrations(s, sql_dir)]
    bundles = [(plane, *functions_bundle(plane, functions_dir)) for plane in FUNCTION_SETS[role]]
    report = MigrationReport(role)
    with psycopg.connect(conninfo, connect_timeout=connect_timeout, autocommit=True) as conn:
        with _locked(conn):
            conn.execute(_BOOKKEEPING)
            _check_role(conn, role)
        report.applied = [f"{m.migration_set}/{m.name}" for m in migrations if _apply_migration(conn, m)]
        report.functions_applied = [plane for plane, script, checksum in bundles
                                    if _apply_functions(conn, plane, script, checksum)]
        if report.applied or report.functions_applied:
            with _locked(conn):
                conn.execute((functions_dir / "ownership.sql").read_text().encode())
        if role == "control":
            _set_control_search_path(conn)
    return report
