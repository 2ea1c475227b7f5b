"""The fedgate command against real clusters."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import psycopg
import pytest

from shim.dev.clusters import Cluster
from tests.federation import Federation, create_database

pytestmark = pytest.mark.slow  # a scenario test (processes, clusters): make test runs it, make test-fast does not


def fedgate(*args: str, control: str) -> subprocess.CompletedProcess[str]:
    """The CLI with the control database in FEDGATE_DATABASE_URL, as the README says."""
    return subprocess.run([sys.executable, "-m", "shim.cli", *args], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "FEDGATE_DATABASE_URL": control})


def test_node_add_route_add_resolve(fresh_federation: Federation, clusters: list[Cluster]) -> None:
    fed = fresh_federation
    # An empty database: `node add` migrates it as a node, then registers it.
    name = f"cli_{uuid.uuid4().hex[:8]}"
    new_node_url = create_database(clusters[2], name, template=None)
    added = fedgate("node", "add", "ap-south-2", "--region", "ap-south", "--database-url", new_node_url,
                    "--priority", "5", control=fed.control_url)
    assert added.returncode == 0, added.stderr
    assert "ap-south-2" in added.stdout
    assert new_node_url not in added.stdout + added.stderr
    assert fed.catalog("SELECT priority FROM federation.federation_nodes WHERE node_id = 'ap-south-2'") == [(5,)]
    migrated = fed.sql("default", "SELECT 1")  # the control database is untouched by the node's migration
    assert migrated == [(1,)]
    with psycopg.connect(new_node_url) as conn:
        assert conn.execute("SELECT count(*) FROM fedgate_migrations").fetchone()[0] > 0

    tid = fed.catalog("SELECT (api.register_tenant(NULL, '{\"name\": \"cli\", \"region\": \"eu-west\"}') ->> 'tenantId')")[0][0]
    routed = fedgate("route", "add", tid, "ap-south", "ap-south-2", "--weight", "50", "--primary", "--shared-data",
                     control=fed.control_url)
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

    rules = fedgate("route", "list", tid, control=fed.control_url)
    assert rules.returncode == 0 and "ap-south-2" in rules.stdout and "50" in rules.stdout
    removed = fedgate("route", "remove", tid, "ap-south", "ap-south-2", control=fed.control_url)
    assert removed.returncode == 0, removed.stderr
    assert "ap-south-2" not in fedgate("route", "list", tid, control=fed.control_url).stdout
    again = fedgate("route", "remove", tid, "ap-south", "ap-south-2", control=fed.control_url)
    assert again.returncode == 1 and "no rule" in again.stderr
    fed.catalog("""SELECT federation.report_tenant_stats(jsonb_build_array(jsonb_build_object(
        'tenant', %s::text, 'node', 'ap-south-2', 'requests', 7, 'errors', 1, 'total_ms', 14, 'max_ms', 5)))""", (tid,))
    stats = fedgate("tenant", "stats", "--node", "ap-south-2", control=fed.control_url)
    assert stats.returncode == 0 and tid in stats.stdout and "cli" in stats.stdout, stats.stdout

    # Residency: set, then a rule outside it refused (and recorded), then allowed as a recorded exception.
    kept = fedgate("tenant", "residency", tid, "--regions", "eu-west", "--reason", "gdpr", control=fed.control_url)
    assert kept.returncode == 0 and f"tenant {tid}: eu-west" in kept.stdout, kept.stderr
    outside = fedgate("route", "add", tid, "ap-south", "ap-south-2", "--shared-data", control=fed.control_url)
    assert outside.returncode == 1 and "outside" in outside.stderr and "--override-residency" in outside.stderr
    allowed = fedgate("route", "add", tid, "ap-south", "ap-south-2", "--shared-data", "--override-residency",
                      "--reason", "drill 12", "--json", control=fed.control_url)
    assert allowed.returncode == 0 and '"residency_override": "drill 12"' in allowed.stdout, allowed.stderr
    assert fed.catalog("SELECT array_agg(decision ORDER BY event_id) FROM federation.federation_residency_events "
                       "WHERE tenant_id = %s", (tid,)) == [(["set", "refused", "overridden"],)]


def test_errors_are_clear_and_carry_no_secret(fresh_federation: Federation) -> None:
    missing = fedgate("node", "set-status", "nowhere", "down", control=fresh_federation.control_url)
    assert missing.returncode == 1
    assert "FG404" in missing.stderr and "unknown node: nowhere" in missing.stderr
    secret = "postgresql://app:s3cret-pw@127.0.0.1:1/nothing"
    unreachable = subprocess.run([sys.executable, "-m", "shim.cli", "migrate", "--database-url", secret],
                                 capture_output=True, text=True, timeout=60)
    assert unreachable.returncode == 1
    assert "s3cret-pw" not in unreachable.stderr + unreachable.stdout


def test_migrate_upgrades_the_control_database_then_every_node(fresh_federation: Federation,
                                                                clusters: list[Cluster]) -> None:
    fed = fresh_federation
    # A registered node whose database is empty (never migrated), and one whose database is gone.
    name = f"cli_{uuid.uuid4().hex[:8]}"
    empty = create_database(clusters[2], name, template=None)
    fed.catalog("SELECT federation.add_node('ap-south-3', 'ap-south', %s)", (empty,))
    fed.catalog("SELECT federation.add_node('gone-1', 'ap-south', %s)",
                ("postgresql://app:s3cret-pw@127.0.0.1:1/nothing",))
    done = fedgate("migrate", control=fed.control_url)
    assert done.returncode == 1, done.stdout + done.stderr  # one node could not be migrated
    assert "control: control database: migrations applied: none" in done.stdout
    assert "node eu-west-1: node database: migrations applied: none" in done.stdout
    assert "node ap-south-3: node database: migrations applied: shared/001_foundation.sql" in done.stdout
    assert "node gone-1: not migrated" in done.stderr and "s3cret-pw" not in done.stdout + done.stderr
    with psycopg.connect(empty) as conn:
        assert conn.execute("SELECT count(*) FROM pg_namespace WHERE nspname IN ('onboarding', 'federation')"
                            ).fetchone() == (1,)  # a node: the data plane, no catalog
    only = fedgate("migrate", "--only-control", control=fed.control_url)
    assert only.returncode == 0 and "node " not in only.stdout


def test_node_add_names_its_region(fresh_federation: Federation, clusters: list[Cluster]) -> None:
    fed = fresh_federation
    name = f"cli_{uuid.uuid4().hex[:8]}"
    empty = create_database(clusters[2], name, template=None)
    added = fedgate("node", "add", "sa-east-1", "--region", "sa-east", "--region-name", "South America East",
                    "--database-url", empty, control=fed.control_url)
    assert added.returncode == 0, added.stderr
    assert fed.catalog("SELECT display_name FROM federation.regions WHERE code = 'sa-east'") == [("South America East",)]
