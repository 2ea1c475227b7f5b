"""The cluster helper: real servers, run as the postgres OS user when we are root."""

from __future__ import annotations

import os
import pwd
import shutil
import tempfile
from pathlib import Path

import psycopg
import pytest

from shim.dev.clusters import Cluster, start_clusters, stop_clusters

pytestmark = pytest.mark.slow  # a scenario test (processes, clusters): make test runs it, make test-fast does not


def test_clusters_answer_and_their_data_belongs_to_the_server_user(clusters: list[Cluster]) -> None:
    for cluster in clusters:
        with psycopg.connect(cluster.url(database="postgres")) as conn:
            data_dir = conn.execute("SHOW data_directory").fetchone()[0]
            assert conn.execute("SHOW server_version").fetchone()[0].startswith("15.")
        owner = pwd.getpwuid(os.stat(data_dir).st_uid).pw_name
        expected = "postgres" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name
        assert owner == expected


def test_a_stopped_cluster_refuses_and_comes_back(clusters: list[Cluster]) -> None:
    cluster = clusters[2]
    cluster.stop_server()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(cluster.url(database="postgres"), connect_timeout=2)
    cluster.start_server()
    with psycopg.connect(cluster.url(database="postgres")) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)


@pytest.mark.skipif(os.geteuid() != 0, reason="only root hands clusters to the postgres user")
def test_a_checkout_the_server_user_cannot_enter_still_gets_clusters(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from shim.dev.embedded import usable_data_dir

    closed = tmp_path / "home"
    (closed / "repo").mkdir(parents=True)
    os.chmod(closed, 0o700)  # as a home directory: root's own, closed to the postgres user
    wanted = closed / "repo" / ".fedgate" / "dev"
    chosen = usable_data_dir(wanted)
    assert chosen != wanted and str(chosen).startswith("/var/tmp/fedgate-dev-")
    started = start_clusters(1, base_dirs=[str(chosen / "default")])
    try:
        with psycopg.connect(started[0].url(database="postgres")) as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
    finally:
        stop_clusters(started)
        shutil.rmtree(chosen, ignore_errors=True)
    opened = Path(tempfile.mkdtemp(prefix="fedgate-open-", dir="/var/tmp"))
    try:
        os.chmod(opened, 0o755)
        assert usable_data_dir(opened / "dev") == opened / "dev"
    finally:
        shutil.rmtree(opened)
