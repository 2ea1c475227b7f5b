"""The migration runner: the action behind ``fedgate migrate``, node registration and the embedded default.

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
last) are re-applied whenever one of them changed or a migration ran (a
migration may drop a view to change a column under it). A transaction-scoped
advisory lock keeps concurrent runners (workers, gateways) from racing.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import psycopg
from psycopg import sql

from shim.errors import describe
from shim.nodes.connector import Connector, connect
from shim.nodes.queries import QUERIES, compose
from shim.paths import FUNCTIONS_DIR, SQL_DIR
from shim.schema import (CONTROL_SEARCH_PATH, FUNCTION_SETS, ROLE_SETS, Migration, MigrationError, Role,
                         functions_bundle, load_migrations)

_LOCK_KEY = 7_164_530_118  # pg_advisory_xact_lock key of fedgate migrations


@dataclass
class MigrationReport:
    role: Role
    applied: list[str] = field(default_factory=list)
    functions_applied: list[str] = field(default_factory=list)

    def summary(self) -> str:
        done = ", ".join(self.applied) if self.applied else "none"
        functions = ", ".join(self.functions_applied) if self.functions_applied else "unchanged"
        return f"{self.role} database: migrations applied: {done}; functions: {functions}"


def _check_role(conn: psycopg.Connection, role: Role) -> None:
    applied = {row[0] for row in conn.execute(QUERIES["applied_sets"])}
    if role == "node" and "control" in applied:
        raise MigrationError("this is the control database: migrate it as the control database, not as a node")
    if role == "control" and "node" in applied and "control" not in applied:
        raise MigrationError("this database is a federation node, not the control database")


@contextmanager
def _locked(conn: psycopg.Connection) -> Iterator[None]:
    """A transaction holding the migration lock: concurrent runners (workers, gateways) take turns."""
    with conn.transaction():
        conn.execute(QUERIES["migration_lock"], (_LOCK_KEY,))
        yield


def _apply_migration(conn: psycopg.Connection, migration: Migration) -> bool:
    """Apply one migration unless it already was (checksum checked); whether it ran."""
    with _locked(conn):
        row = conn.execute(QUERIES["migration_checksum"], (migration.migration_set, migration.version)).fetchone()
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
                                 f"{describe(exc, detail=True)}") from exc
        conn.execute(QUERIES["record_migration"], (migration.migration_set, migration.version, migration.name, migration.checksum))
        return True


def _apply_functions(conn: psycopg.Connection, plane: str, script: str, checksum: str, force: bool) -> bool:
    """Re-apply one plane's function families when they changed (or ``force``); whether they did."""
    with _locked(conn):
        row = conn.execute(QUERIES["function_set_checksum"], (plane,)).fetchone()
        if row is not None and row[0] == checksum and not force:
            return False
        conn.execute(QUERIES["defer_function_bodies"])
        try:
            conn.execute(script.encode())
        except psycopg.Error as exc:
            raise MigrationError(f"{plane} function families failed: {describe(exc, detail=True)}") from exc
        conn.execute(QUERIES["record_function_set"], (plane, checksum))
        return True


def _set_control_search_path(conn: psycopg.Connection) -> None:
    """The DBAs' search_path, a database-level setting: CREATE DATABASE ... TEMPLATE and a restore do not
    carry it, so every run checks it (under the lock: concurrent ALTER DATABASE of one row fails with
    "tuple concurrently updated")."""
    with _locked(conn):
        row = conn.execute(QUERIES["has_search_path"], (f"search_path={CONTROL_SEARCH_PATH}",)).fetchone()
        if row and row[0]:
            return
        try:
            conn.execute(compose("set_search_path", database=conn.info.dbname,
                                 search_path=sql.SQL(CONTROL_SEARCH_PATH)))
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
    with connect(conninfo, timeout=connect_timeout, name="fedgate-migrate") as conn:
        with _locked(conn):
            conn.execute(QUERIES["migration_bookkeeping"])
            _check_role(conn, role)
        report.applied = [f"{m.migration_set}/{m.name}" for m in migrations if _apply_migration(conn, m)]
        report.functions_applied = [plane for plane, script, checksum in bundles
                                    if _apply_functions(conn, plane, script, checksum, bool(report.applied))]
        if report.applied or report.functions_applied:
            with _locked(conn):
                conn.execute((functions_dir / "ownership.sql").read_text().encode())
        if role == "control":
            _set_control_search_path(conn)
    return report


def migrate_federation(connector: Connector, say: Callable[[str], None], warn: Callable[[str], None], *,
                       only_control: bool = False) -> int:
    """The control database, then every registered node (each as a node); how many could not be migrated
    (each named through ``warn``, without its connection string)."""
    say(f"control: {migrate(connector.control_dsn, 'control').summary()}")
    if only_control:
        return 0
    failed = 0
    for node_id, reference in connector.references(reload=True).items():
        if reference == "self":
            continue  # the default node is the control database, migrated above
        try:
            say(f"node {node_id}: {migrate(connector.dsn(reference), 'node').summary()}")
        except (MigrationError, psycopg.Error, LookupError) as exc:
            failed += 1
            warn(f"node {node_id}: not migrated ({exc if isinstance(exc, MigrationError) else type(exc).__name__})")
    return failed
