"""Placement stays linear when the catalog's statistics are stale.

A map that held tenants, was emptied and vacuumed is believed (almost) empty
by the planner until the next ANALYZE. Placing many tenants in one statement
then took a nested loop over the whole map per placement in the trigger that
keeps the top routes (quadratic: a pgTAP suite placing 2,000 tenants ran past
its 240 s timeout; 200 placements took 7.7 s). VACUUM cannot run inside a
pgTAP suite's transaction, hence a Python test.

Linear is measured in rows, not seconds: the map rows the statement read (pg_stat_xact_user_tables, this
transaction's own counts) stay within a few per tenant; the quadratic plan read the whole map for every
tenant (320,000 rows for 800 placements).
"""

from __future__ import annotations

import pytest

import psycopg

from shim.dev.clusters import Cluster
from tests.federation import create_database

pytestmark = pytest.mark.slow  # a scenario test: make test runs it, make test-fast does not

PLACE = ("SELECT count(*) FROM generate_series(%s::int, %s::int) i, "
         "LATERAL federation.place_tenant(md5('stats-' || i)::uuid, 'zz-west') p")
MAP_ROWS_READ = ("SELECT seq_tup_read + coalesce(idx_tup_fetch, 0) FROM pg_stat_xact_user_tables "
                 "WHERE relid = 'federation.tenant_federation_map'::regclass")
REGISTER = ("INSERT INTO federation.tenant_registry (id, name, region) "
            "SELECT md5('stats-' || i)::uuid, 'stats ' || i, 'eu-west' FROM generate_series(%s::int, %s::int) i")


def test_placing_many_tenants_after_a_vacuum_stays_linear(clusters: list[Cluster]) -> None:
    url = create_database(clusters[0], "placement_stats")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SELECT federation.add_node('zz-1', 'zz-west', 'postgresql://unused/zz-1')")
        conn.execute(REGISTER, (1, 800))
        conn.execute(PLACE, (1, 800))
        conn.execute("DELETE FROM federation.tenant_registry WHERE name <> 'stats 1'")  # one row: no truncation
        conn.execute("VACUUM federation.tenant_federation_map, federation.tenant_registry, federation.federation_routing")
        believed = conn.execute("SELECT reltuples FROM pg_class WHERE oid = 'federation.tenant_federation_map'::regclass")
        assert believed.fetchone()[0] <= 1  # type: ignore[index]
        with conn.transaction():
            conn.execute(REGISTER, (10_001, 10_800))
            before = conn.execute(MAP_ROWS_READ).fetchone()[0]  # type: ignore[index]
            assert conn.execute(PLACE, (10_001, 10_800)).fetchone() == (800,)
            read = conn.execute(MAP_ROWS_READ).fetchone()[0] - before  # type: ignore[index]
    assert read <= 10 * 800, f"800 placements read {read} map rows"


def test_a_bulk_rule_load_after_a_vacuum_stays_linear(clusters: list[Cluster]) -> None:
    """The same for one statement that adds rules for many tenants (the top-routes trigger sees them all)."""
    url = create_database(clusters[0], "rules_stats")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SELECT federation.add_node('zz-1', 'zz-west', 'postgresql://unused/zz-1')")
        conn.execute("SELECT federation.add_node('zz-2', 'zz-east', 'postgresql://unused/zz-2')")
        conn.execute(REGISTER, (1, 800))
        conn.execute(PLACE, (1, 800))
        conn.execute("DELETE FROM federation.tenant_registry WHERE name <> 'stats 1'")
        conn.execute("VACUUM federation.tenant_federation_map, federation.tenant_registry, federation.federation_routing")
        with conn.transaction():
            conn.execute(REGISTER, (10_001, 13_000))
            conn.execute(PLACE, (10_001, 13_000))
            before = conn.execute(MAP_ROWS_READ).fetchone()[0]  # type: ignore[index]
            conn.execute("INSERT INTO federation.federation_routing (tenant_id, region, node_id, weight) "
                         "SELECT md5('stats-' || i)::uuid, 'zz-east', 'zz-2', 50 FROM generate_series(10001, 13000) i")
            read = conn.execute(MAP_ROWS_READ).fetchone()[0] - before  # type: ignore[index]
            routed = conn.execute("SELECT count(*) FROM federation.tenant_federation_map "
                                  "WHERE route_regions @> ARRAY['zz-east']").fetchone()
    assert routed == (3000,)
    assert read <= 10 * 3000, f"rules for 3,000 tenants read {read} map rows"
