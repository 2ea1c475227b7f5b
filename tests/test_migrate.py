"""The migration runner: idempotent, checksummed, the same on every node."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import psycopg
import pytest

from shim.devcluster import Cluster
from shim.migrate import MigrationError, load_migrations, migrate
from shim.paths import FUNCTIONS_DIR, SQL_DIR
from tests.federation import admin_url


def _fresh_db(cluster: Cluster, name: str) -> str:
    with psycopg.connect(admin_url(cluster), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return admin_url(cluster, name)


def test_migrations_are_numbered_in_order_up_to_federation_routing() -> None:
    names = [m.name for m in load_migrations()]
    assert names[0].startswith("001_")
    assert "009_federation_routing.sql" in names
    assert [m.version for m in load_migrations()] == list(range(1, len(names) + 1))


def test_migrate_is_idempotent(clusters: list[Cluster]) -> None:
    url = _fresh_db(clusters[1], "mig_idem")
    first = migrate(url)
    assert len(first.applied) == len(load_migrations()) and first.functions_applied
    second = migrate(url)
    assert second.applied == [] and not second.functions_applied
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT count(*) FROM fedgate_migrations").fetchone()[0] == len(load_migrations())
        assert conn.execute("SELECT node_id FROM federation_nodes").fetchall() == [("default",)]


def test_concurrent_runners_do_not_race(clusters: list[Cluster]) -> None:
    url = _fresh_db(clusters[1], "mig_race")
    errors: list[BaseException] = []

    def run() -> None:
        try:
            migrate(url)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT count(*) FROM fedgate_migrations").fetchone()[0] == len(load_migrations())


def test_an_edited_applied_migration_is_refused(clusters: list[Cluster], tmp_path: Path) -> None:
    url = _fresh_db(clusters[2], "mig_edit")
    sql_dir = tmp_path / "sql"
    shutil.copytree(SQL_DIR, sql_dir, ignore=shutil.ignore_patterns("functions", "tests"))
    migrate(url, sql_dir=sql_dir, functions_dir=FUNCTIONS_DIR)
    target = sql_dir / "002_tenants.sql"
    target.write_text(target.read_text() + "\n-- an edit\n")
    with pytest.raises(MigrationError, match="002_tenants.sql was edited after it was applied"):
        migrate(url, sql_dir=sql_dir, functions_dir=FUNCTIONS_DIR)


def test_a_new_migration_is_applied_once(clusters: list[Cluster], tmp_path: Path) -> None:
    url = _fresh_db(clusters[2], "mig_new")
    sql_dir = tmp_path / "sql"
    shutil.copytree(SQL_DIR, sql_dir, ignore=shutil.ignore_patterns("functions", "tests"))
    migrate(url, sql_dir=sql_dir)
    (sql_dir / "999_extra.sql").write_text("CREATE TABLE public.extra (id int);")
    assert migrate(url, sql_dir=sql_dir).applied == ["999_extra.sql"]
    assert migrate(url, sql_dir=sql_dir).applied == []


def test_a_failing_migration_leaves_no_trace(clusters: list[Cluster], tmp_path: Path) -> None:
    url = _fresh_db(clusters[2], "mig_fail")
    sql_dir = tmp_path / "sql"
    shutil.copytree(SQL_DIR, sql_dir, ignore=shutil.ignore_patterns("functions", "tests"))
    (sql_dir / "999_broken.sql").write_text("CREATE TABLE public.half (id int); SELECT 1/0;")
    with pytest.raises(MigrationError, match="999_broken.sql failed"):
        migrate(url, sql_dir=sql_dir)
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT to_regclass('public.half')").fetchone()[0] is None
        assert conn.execute("SELECT max(version) FROM fedgate_migrations").fetchone()[0] == len(load_migrations())


def test_every_function_and_table_is_commented(clusters: list[Cluster]) -> None:
    url = admin_url(clusters[0], "fedgate_template")
    with psycopg.connect(url) as conn:
        functions = conn.execute("""
            SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname IN ('public', 'api') AND obj_description(p.oid, 'pg_proc') IS NULL
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')""").fetchall()
        tables = conn.execute("""
            SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v') AND obj_description(c.oid, 'pg_class') IS NULL
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')""").fetchall()
    assert functions == [] and tables == []
