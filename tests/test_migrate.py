"""The migration runner: idempotent, checksummed, the same on every node."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import psycopg
import pytest

from shim.dev.clusters import Cluster
from shim.actions.migrate import migrate
from shim.schema import ROLE_SETS, MigrationError, load_migrations
from shim.paths import FUNCTIONS_DIR, SQL_DIR
from tests.federation import admin_url, create_database


def test_each_set_is_numbered_in_order() -> None:
    shared = [m.name for m in load_migrations("shared")]
    assert "009_federation_routing.sql" in shared and shared[-1] == "015_planes.sql"
    for migration_set in ("shared", "control", "node"):
        versions = [m.version for m in load_migrations(migration_set)]
        assert versions == list(range(1, len(versions) + 1)), migration_set


def test_migrate_is_idempotent(clusters: list[Cluster]) -> None:
    url = create_database(clusters[1], "mig_idem", template=None)
    expected = sum(len(load_migrations(s)) for s in ROLE_SETS["control"])
    first = migrate(url, "control")
    assert len(first.applied) == expected and first.functions_applied == ["node", "control"]
    second = migrate(url, "control")
    assert second.applied == [] and second.functions_applied == []
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT count(*) FROM fedgate_migrations").fetchone()[0] == expected
        assert conn.execute("SELECT node_id FROM federation.federation_nodes").fetchall() == [("default",)]


def test_a_node_gets_no_catalog(clusters: list[Cluster]) -> None:
    url = create_database(clusters[1], "mig_node", template=None)
    migrate(url, "node")
    with psycopg.connect(url) as conn:
        schemas = {r[0] for r in conn.execute("SELECT nspname FROM pg_namespace")}
        assert "onboarding" in schemas and "api" in schemas and "federation" not in schemas
        ours = conn.execute("""SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                               WHERE n.nspname = 'public' AND c.relkind = 'r'""").fetchall()
        assert sorted(r[0] for r in ours) == ["fedgate_function_sets", "fedgate_migrations"]
        handlers = {r[0] for r in conn.execute(
            "SELECT p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = 'api'")}
        assert "tenant_status" in handlers and "register_tenant" not in handlers


def test_a_database_keeps_its_role(clusters: list[Cluster]) -> None:
    node = create_database(clusters[1], "mig_role_node", template=None)
    migrate(node, "node")
    with pytest.raises(MigrationError, match="is a federation node, not the control database"):
        migrate(node, "control")
    control = create_database(clusters[1], "mig_role_control", template=None)
    migrate(control, "control")
    with pytest.raises(MigrationError, match="this is the control database"):
        migrate(control, "node")


def test_dbas_call_the_routing_functions_unqualified(clusters: list[Cluster]) -> None:
    url = create_database(clusters[1], "mig_dba", template=None)
    migrate(url, "control")
    with psycopg.connect(url) as conn:  # a new session, as psql opens
        assert conn.execute("SELECT reason FROM resolve_node(gen_random_uuid(), NULL)").fetchone() == ("default_unmapped",)
        assert conn.execute("SELECT count(*) FROM federation_node_status").fetchone() == (1,)


def test_concurrent_runners_do_not_race(clusters: list[Cluster]) -> None:
    url = create_database(clusters[1], "mig_race", template=None)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            migrate(url, "control")
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT count(*) FROM fedgate_migrations").fetchone()[0] == \
            sum(len(load_migrations(s)) for s in ROLE_SETS["control"])


def test_an_edited_applied_migration_is_refused(clusters: list[Cluster], tmp_path: Path) -> None:
    url = create_database(clusters[2], "mig_edit", template=None)
    sql_dir = tmp_path / "sql"
    shutil.copytree(SQL_DIR, sql_dir, ignore=shutil.ignore_patterns("functions", "tests"))
    migrate(url, sql_dir=sql_dir, functions_dir=FUNCTIONS_DIR)
    target = sql_dir / "002_tenants.sql"
    target.write_text(target.read_text() + "\n-- an edit\n")
    with pytest.raises(MigrationError, match="shared/002_tenants.sql was edited after it was applied"):
        migrate(url, sql_dir=sql_dir, functions_dir=FUNCTIONS_DIR)


def _next_node_migration(sql_dir: Path) -> int:
    return len(list((sql_dir / "node").glob("[0-9][0-9][0-9]_*.sql"))) + 1


def test_a_new_migration_is_applied_once(clusters: list[Cluster], tmp_path: Path) -> None:
    url = create_database(clusters[2], "mig_new", template=None)
    sql_dir = tmp_path / "sql"
    shutil.copytree(SQL_DIR, sql_dir, ignore=shutil.ignore_patterns("functions", "tests"))
    migrate(url, sql_dir=sql_dir)
    name = f"{_next_node_migration(sql_dir):03d}_extra.sql"
    (sql_dir / "node" / name).write_text("CREATE TABLE onboarding.extra (id int);")
    assert migrate(url, sql_dir=sql_dir).applied == [f"node/{name}"]
    assert migrate(url, sql_dir=sql_dir).applied == []


def test_a_failing_migration_leaves_no_trace(clusters: list[Cluster], tmp_path: Path) -> None:
    url = create_database(clusters[2], "mig_fail", template=None)
    sql_dir = tmp_path / "sql"
    shutil.copytree(SQL_DIR, sql_dir, ignore=shutil.ignore_patterns("functions", "tests"))
    name = f"{_next_node_migration(sql_dir):03d}_broken.sql"
    (sql_dir / "node" / name).write_text("CREATE TABLE public.half (id int); SELECT 1/0;")
    with pytest.raises(MigrationError, match=f"node/{name} failed"):
        migrate(url, sql_dir=sql_dir)
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT to_regclass('public.half')").fetchone()[0] is None
        applied = conn.execute("SELECT max(version) FROM fedgate_migrations WHERE migration_set = 'node'").fetchone()[0]
        assert applied == _next_node_migration(sql_dir) - 2  # every migration before the broken one


def test_every_function_and_table_is_commented(clusters: list[Cluster]) -> None:
    url = admin_url(clusters[0], "fedgate_template")
    with psycopg.connect(url) as conn:
        functions = conn.execute("""
            SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname IN ('public', 'api', 'federation', 'onboarding', 'fedgate')
              AND obj_description(p.oid, 'pg_proc') IS NULL
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')""").fetchall()
        tables = conn.execute("""
            SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname IN ('public', 'federation', 'onboarding') AND c.relkind IN ('r', 'v')
              AND obj_description(c.oid, 'pg_class') IS NULL
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')""").fetchall()
    assert functions == [] and tables == []
