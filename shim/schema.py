"""The schema's migration files, read without a database: the ground floor.

Three sets of numbered migrations (shared ``sql/NNN_*.sql``, ``sql/control/``, ``sql/node/``) and each
plane's function families (``sql/functions/<plane>/``). The runner (shim.actions.migrate) applies them;
the pools and the health checker compare a node's applied versions with ``latest_versions`` (a gateway
never runs handlers on a node older than itself).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from shim.paths import FUNCTIONS_DIR, SQL_DIR

Role = Literal["control", "node"]
ROLE_SETS: dict[Role, tuple[str, ...]] = {"control": ("shared", "control", "node"), "node": ("shared", "node")}
FUNCTION_SETS: dict[Role, tuple[str, ...]] = {"control": ("node", "control"), "node": ("node",)}
# What DBAs type in psql on the control database: resolve_node(...), unqualified.
CONTROL_SEARCH_PATH = '"$user", public, federation'

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


# Files of a plane's functions folder applied after its function families, in this order: what uses
# the functions (views, triggers, policies), then the grants on all of it.
AFTER_FAMILIES = ("views.sql", "triggers.sql", "policies.sql", "grants.sql")


def functions_bundle(plane: str, functions_dir: Path = FUNCTIONS_DIR) -> tuple[str, str]:
    """One plane's function families as one script (views, triggers, policies and grants last), and its
    checksum."""
    files = sorted((functions_dir / plane).glob("*.sql"),
                   key=lambda p: (AFTER_FAMILIES.index(p.name) + 1 if p.name in AFTER_FAMILIES else 0, p.name))
    script = "\n".join(f"-- file: {plane}/{p.name}\n{p.read_text()}" for p in files)
    return script, hashlib.sha256(script.encode()).hexdigest()