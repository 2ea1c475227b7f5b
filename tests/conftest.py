from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterator, cast

import pytest

from shim.dev.clusters import LOGICAL_ARGS, Cluster, start_clusters, stop_clusters
from shim.actions import migrate as migrate_module
from shim.nodes.queries import SQL_FILES as QUERY_FILES
from shim.paths import SQL_DIR
from shim.schema import Role
from tests.federation import ROLES, Federation, Gateway, make_federation, prepare_template, start_gateway


# Moves in the tests clean up at their switch, as before reversible moves (FEDGATE_MOVE_REVERSIBLE_FOR,
# default an hour): the tests of reversible moves turn them on for their own gateways and commands.
os.environ.setdefault("FEDGATE_MOVE_REVERSIBLE_FOR", "0")

# pg_stat_statements: tests count the handler statements that reached a node.
# LOGICAL_ARGS: tenant moves copy with logical replication, several at once.
CLUSTER_ARGS = f"-c shared_preload_libraries=pg_stat_statements {LOGICAL_ARGS}"


def _migrated_data() -> dict[str, str]:
    """Data directories of a stopped cluster per role whose template database is migrated, made once per
    schema (the key: every migration and function file) by whichever xdist worker comes first (the others
    wait on the lock, then copy them): each worker's clusters start migrated instead of migrating three
    templates each. In the system's temporary directory: the postgres user must reach it."""
    digest = hashlib.sha256()
    runner = [Path(migrate_module.__file__), QUERY_FILES / "migrations.sql"]
    for path in [*sorted(SQL_DIR.rglob("*.sql")), *runner]:
        if "tests" not in path.relative_to(path.anchor).parts[-3:-1]:
            digest.update(path.read_bytes())
    root = Path(tempfile.gettempdir()) / f"fedgate-migrated-{digest.hexdigest()[:16]}"
    root.mkdir(parents=True, exist_ok=True)
    made = {role: str(root / role / "data") for role in ("control", "node")}
    with open(root / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (root / "done").exists():
            for role in ("control", "node"):
                shutil.rmtree(root / role, ignore_errors=True)
            started = start_clusters(2, base_dirs=[str(root / "control"), str(root / "node")], extra_args=CLUSTER_ARGS)
            try:
                for cluster, role in zip(started, ("control", "node")):
                    prepare_template(cluster, cast(Role, role))
            finally:
                stop_clusters(started)
            (root / "done").touch()
    return made


@pytest.fixture(scope="session")
def clusters() -> Iterator[list[Cluster]]:
    """Three real PostgreSQL 15 clusters: control (us-east), eu-west, ap-south."""
    migrated = _migrated_data()
    started = start_clusters(3, extra_args=CLUSTER_ARGS, data_from=[migrated[role] for role in ROLES])
    try:
        for cluster, role in zip(started, ROLES):
            prepare_template(cluster, role)  # already there: a check
        yield started
    finally:
        stop_clusters(started)


@pytest.fixture(scope="module")
def federation(clusters: list[Cluster]) -> Federation:
    """A fresh federation shared by one test module."""
    return make_federation(clusters)


@pytest.fixture()
def fresh_federation(clusters: list[Cluster]) -> Federation:
    """A fresh federation for one test that changes nodes or routes."""
    return make_federation(clusters)


@pytest.fixture(scope="module")
def gateway(federation: Federation, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    gw = start_gateway(federation.control_url, tmp_path_factory.mktemp("gateway"))
    try:
        yield gw
    finally:
        gw.stop()
