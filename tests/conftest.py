from __future__ import annotations

from typing import Iterator

import pytest

from shim.dev.clusters import Cluster, start_clusters, stop_clusters
from tests.federation import ROLES, Federation, Gateway, make_federation, prepare_template, start_gateway


@pytest.fixture(scope="session")
def clusters() -> Iterator[list[Cluster]]:
    """Three real PostgreSQL 15 clusters: control (us-east), eu-west, ap-south."""
    # pg_stat_statements: tests count the handler statements that reached a node.
    # wal_level=logical: tenant moves copy with logical replication.
    started = start_clusters(3, extra_args="-c shared_preload_libraries=pg_stat_statements -c wal_level=logical")
    try:
        for cluster, role in zip(started, ROLES):
            prepare_template(cluster, role)
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
