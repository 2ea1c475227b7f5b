"""The fedgate command against real clusters."""

from __future__ import annotations

import subprocess
import sys
import uuid

from shim.devcluster import Cluster
from tests.federation import Federation, create_database


def fedgate(*args: str, control: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "shim.cli", *args, "--database-url", control],
                          capture_output=True, text=True, timeout=60)


def test_node_add_route_add_resolve(fresh_federation: Federation, clusters: list[Cluster]) -> None:
    fed = fresh_federation
    new_node_url = create_database(clusters[2], f"cli_{uuid.uuid4().hex[:8]}")
    # A node whose schema is not migrated yet: `node add` migrates it, then registers it.
    with __import__("psycopg").connect(new_node_url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA api CASCADE; DROP TABLE fedgate_migrations")
    added = fedgate("node", "add", "ap-south-2", "--region", "ap-south", "--node-url", new_node_url,
                    control=fed.control_url)
    assert added.returncode == 0, added.stderr
    assert "ap-south-2" in added.stdout
    assert new_node_url not in added.stdout + added.stderr

    tid = fed.catalog("SELECT (api.register_tenant(NULL, '{\"name\": \"cli\", \"region\": \"eu-west\"}') ->> 'tenantId')")[0][0]
    routed = fedgate("route", "add", tid, "ap-south", "ap-south-2", "--weight", "50", "--primary", control=fed.control_url)
    assert routed.returncode == 0, routed.stderr

    resolved = fedgate("resolve", tid, "ap-south", control=fed.control_url)
    assert resolved.returncode == 0, resolved.stderr
    assert "-> node ap-south-2 (ap-south), reason region_route" in resolved.stdout
    assert "chosen" in resolved.stdout and "standby" in resolved.stdout

    down = fedgate("node", "set-status", "ap-south-2", "down", control=fed.control_url)
    assert down.returncode == 0
    resolved = fedgate("resolve", tid, "ap-south", control=fed.control_url)
    assert "reason failover" in resolved.stdout and "node status is down" in resolved.stdout

    listed = fedgate("node", "list", control=fed.control_url)
    assert "ap-south-2" in listed.stdout and "postgresql://" not in listed.stdout


def test_errors_are_clear_and_carry_no_secret(fresh_federation: Federation) -> None:
    missing = fedgate("node", "set-status", "nowhere", "down", control=fresh_federation.control_url)
    assert missing.returncode == 1
    assert "FG404" in missing.stderr and "unknown node: nowhere" in missing.stderr
    secret = "postgresql://app:s3cret-pw@127.0.0.1:1/nothing"
    unreachable = fedgate("migrate", control=secret)
    assert unreachable.returncode == 1
    assert "s3cret-pw" not in unreachable.stderr + unreachable.stdout
