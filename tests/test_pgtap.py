"""Runs every pgTAP suite of sql/tests with pg_prove against a real, migrated database."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import psycopg
import pytest

from shim.dev.clusters import Cluster
from shim.paths import SQL_TESTS_DIR
from shim.actions.migrate import migrate
from tests.federation import create_database

SUITES = sorted(p for p in SQL_TESTS_DIR.rglob("*.sql") if p.parent.name != "helpers")


@pytest.fixture(scope="module")
def pgtap_db(clusters: list[Cluster]) -> Cluster:
    cluster = clusters[0]
    url = create_database(cluster, "fedgate_pgtap")
    migrate(url, "control")  # database settings (the DBAs' search_path) do not survive CREATE DATABASE ... TEMPLATE
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS pgtap")
        conn.execute((SQL_TESTS_DIR / "helpers" / "fgtest.sql").read_text().encode())
    return cluster


def test_suites_exist_a_folder_per_function() -> None:
    assert len(SUITES) >= 10
    assert sorted(p.name for p in SQL_TESTS_DIR.glob("*.sql")) == []  # sql/tests/<function>/<behaviour>.sql


# Statistical suites (thousands of rendezvous draws): make test runs them, make test-fast does not.
SLOW_SUITES = {"resolve_node/weighted_shares", "rendezvous_score/stability"}


def _suite(path: Path) -> object:
    name = str(path.relative_to(SQL_TESTS_DIR).with_suffix(""))
    return pytest.param(path, id=name, marks=[pytest.mark.slow] if name in SLOW_SUITES else [])


@pytest.mark.parametrize("suite", [_suite(p) for p in SUITES])
def test_pgtap_suite(pgtap_db: Cluster, suite: Path) -> None:
    pg_prove = shutil.which("pg_prove")
    assert pg_prove, "pg_prove is missing: make test installs libtap-parser-sourcehandler-pgtap-perl"
    done = subprocess.run(
        [pg_prove, "--verbose", "--failures", "-h", "127.0.0.1", "-p", str(pgtap_db.settings["port"]),
         "-U", "postgres", "-d", "fedgate_pgtap", str(suite)],
        capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, f"{suite.name} failed:\n{done.stdout}\n{done.stderr}"
    assert "All tests successful" in done.stdout, done.stdout
