"""The cluster helper: real servers, run as the postgres OS user when we are root."""

from __future__ import annotations

import os
import pwd

import psycopg
import pytest

from shim.devcluster import Cluster


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
