"""A deployment of release 0.1 upgrades in place, with its data.

tests/fixtures/fedgate-0.1-schema.sql is pg_dump's output for a database that
release 0.1 migrated (all migrations up to 014, its function families, its
bookkeeping): every 0.1 database, control or regional node, looked like it.
Each test restores it, writes data through 0.1's own functions, upgrades
with today's runner, and checks the data, the behaviour and the schema (the
same as a fresh database's).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import psycopg
import pytest

from shim.dev.clusters import PG_BIN, Cluster
from shim.actions.migrate import migrate
from shim.schema import Role
from shim.paths import SQL_DIR
from tests.federation import create_database

pytestmark = pytest.mark.slow  # a scenario test: make test runs it, make test-fast does not

DUMP = Path(__file__).parent / "fixtures" / "fedgate-0.1-schema.sql"
DBA_FUNCTION = "CREATE FUNCTION public.dba_tenant_count() RETURNS bigint LANGUAGE sql AS 'SELECT 42::bigint'"

# What a schema is made of, without OIDs: two databases built differently must answer alike.
FINGERPRINT = """
SELECT 'column', format('%s.%s.%s %s %s %s', n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
                        a.attnotnull, pg_get_expr(d.adbin, d.adrelid))
FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE n.nspname IN ('public', 'api', 'federation', 'onboarding', 'fedgate') AND a.attnum > 0 AND NOT a.attisdropped
  AND c.relkind IN ('r', 'v')
UNION ALL
SELECT 'constraint', format('%s %s %s', conrelid::regclass, conname, pg_get_constraintdef(oid))
FROM pg_constraint WHERE connamespace::regnamespace::text IN ('public', 'federation', 'onboarding', 'fedgate')
UNION ALL
SELECT 'index', pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
WHERE c.relnamespace::regnamespace::text IN ('public', 'federation', 'onboarding')
UNION ALL
SELECT 'routine', format('%s %s %s %s %s', p.oid::regprocedure, md5(p.prosrc), p.provolatile, p.prosecdef, p.proconfig)
FROM pg_proc p WHERE p.pronamespace::regnamespace::text IN ('public', 'api', 'federation', 'onboarding', 'fedgate')
  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
UNION ALL
SELECT 'trigger', format('%s %s %s', tgrelid::regclass, tgname, pg_get_triggerdef(oid)) FROM pg_trigger WHERE NOT tgisinternal
UNION ALL
SELECT 'policy', format('%s.%s %s %s', schemaname, tablename, policyname, qual) FROM pg_policies
UNION ALL
SELECT 'view', format('%s.%s %s', schemaname, viewname, md5(definition)) FROM pg_views
WHERE schemaname IN ('public', 'federation', 'onboarding')
UNION ALL
SELECT 'grant', format('%s %s %s', table_schema || '.' || table_name, grantee, privilege_type)
FROM information_schema.role_table_grants WHERE grantee = 'fedgate_api'
ORDER BY 1, 2
"""


def _restore_0_1(cluster: Cluster, name: str) -> str:
    url = create_database(cluster, name, template=None)
    done = subprocess.run([str(PG_BIN / "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1",
                           "-p", str(cluster.settings["port"]), "-U", "postgres", "-d", name, "-f", str(DUMP)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return url


def _fresh(cluster: Cluster, name: str, role: Role) -> str:
    url = create_database(cluster, name, template=None)
    migrate(url, role)
    return url


# An operator's claims, as the gateway sets them (0.1's handlers ignore them).
OPERATOR = '{"role": "operator", "sub": "test-upgrade"}'


def _one(url: str, query: str, params: tuple[Any, ...] = ()) -> Any:
    with psycopg.connect(url, autocommit=True, options=f"-c fedgate.claims={OPERATOR.replace(' ', '')}") as conn:
        row = conn.execute(query, params or None).fetchone()
        return row[0] if row else None


def _rows(url: str, query: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute(query, params or None).fetchall()


def _issue_sealed_kit_0_1(url: str, tenant: str) -> tuple[str, str]:
    """A kit issued and sealed through 0.1's handlers: (kit id, token)."""
    kit = json.loads(_one(url, "SELECT api.issue_kit(%s, '{\"agents\": [\"log-shipper\"]}')::text", (tenant,)))
    _one(url, "SELECT api.seal_kit(%s, %s)::text",
         (tenant, json.dumps({"kitId": kit["kitId"], "metadataJson": "{}", "archiveSha256": "0" * 64})))
    return kit["kitId"], kit["token"]


@pytest.fixture(scope="module")
def upgraded(clusters: list[Cluster]) -> dict[str, Any]:
    """A 0.1 deployment (control + one regional node) with data written by 0.1, then upgraded."""
    control = _restore_0_1(clusters[0], "up_control")
    node = _restore_0_1(clusters[1], "up_eu")
    _one(control, "SELECT node_id FROM public.add_node('eu-west-1', 'eu-west', %s)", (node,))
    # A DBA's own function in public, beside 0.1's: the upgrade leaves it alone.
    with psycopg.connect(control, autocommit=True) as conn:
        conn.execute(DBA_FUNCTION)
    # A federated tenant, created the 0.1 way: registry and placement on the control
    # database, its row, a verified kit and a heartbeat on its node.
    fed = json.loads(_one(control, "SELECT api.register_tenant(NULL, '{\"name\": \"Fed Co\", \"region\": \"eu-west\"}')::text"))
    fed_id = fed["tenantId"]
    _one(node, "SELECT api.create_tenant(%s, '{\"name\": \"Fed Co\", \"region\": \"eu-west\", \"contactEmail\": \"a@fed.example\"}')::text", (fed_id,))
    _one(control, "SELECT api.confirm_tenant(%s)::text", (fed_id,))
    _one(control, "SELECT tenant_id FROM public.add_route(%s, 'ap-south', 'eu-west-1', 40)", (fed_id,))
    fed_kit, fed_token = _issue_sealed_kit_0_1(node, fed_id)
    with psycopg.connect(node, autocommit=True) as conn:
        agent = conn.execute("CALL api.verify_kit(%s, %s, NULL)", (fed_id, json.dumps(
            {"kitId": fed_kit, "token": fed_token, "hostname": "h1", "agentType": "log-shipper", "version": "2.4.1"}))
        ).fetchone()[0]["agentId"]
        conn.execute("SELECT api.report_telemetry(%s, %s)", (fed_id, json.dumps({"agentId": agent, "cpuPercent": 12})))
    # A legacy tenant: 0.1's legacy namespace wrote its row straight on the default node.
    legacy_id = "6f1c0000-0000-4000-8000-000000000001"
    _one(control, "SELECT api.create_tenant(%s, '{\"name\": \"Legacy Co\", \"region\": \"us-east\"}')::text", (legacy_id,))
    legacy_kit, legacy_token = _issue_sealed_kit_0_1(control, legacy_id)
    _one(control, "SELECT report_node_health('eu-west-1', true, 1.5, NULL)::text")
    before = {
        "resolve": _rows(control, "SELECT * FROM public.resolve_node(%s, NULL) UNION ALL "
                                  "SELECT * FROM public.resolve_node(%s, 'ap-south')", (fed_id, fed_id)),
        "rank": _rows(control, "SELECT region, node_id, rank_score FROM public.federation_routing "
                               "WHERE tenant_id = %s ORDER BY 1, 2", (fed_id,)),
        "heartbeats": _one(node, "SELECT count(*) FROM public.agent_heartbeats"),
    }
    reports = [migrate(control, "control"), migrate(node, "node")]
    return {"control": control, "node": node, "fed": fed_id, "legacy": legacy_id, "before": before,
            "legacy_kit": (legacy_kit, legacy_token), "fed_kit": (fed_kit, fed_token), "agent": agent,
            "reports": reports}


def test_the_upgrade_applies_the_new_sets(upgraded: dict[str, Any]) -> None:
    control, node = upgraded["reports"]
    sets = {plane: [f"{plane}/{p.name}" for p in sorted((SQL_DIR / plane).glob("*.sql"))] for plane in ("control", "node")}
    assert sets["control"][:2] == ["control/001_control_plane.sql", "control/002_top_routes_on_map.sql"]
    assert sets["node"][:2] == ["node/001_data_plane.sql", "node/002_callers.sql"]
    # 0.1 stopped at shared/014: the rest of the shared set, then the plane's sets in order.
    assert control.applied == ["shared/015_planes.sql", *sets["control"], *sets["node"]]
    assert node.applied == ["shared/015_planes.sql", *sets["node"]]


def test_a_dbas_own_function_stays(upgraded: dict[str, Any]) -> None:
    assert _one(upgraded["control"], "SELECT to_regprocedure('public.dba_tenant_count()') IS NOT NULL") is True


def test_the_registry_holds_every_tenant(upgraded: dict[str, Any]) -> None:
    rows = _rows(upgraded["control"], "SELECT id::text, name, region::text, status FROM federation.tenant_registry ORDER BY name")
    assert rows == [(upgraded["fed"], "Fed Co", "eu-west", "active"), (upgraded["legacy"], "Legacy Co", "us-east", "active")]
    # Residency (control 013): every existing tenant unrestricted, nothing recorded, every rule as it was.
    assert _one(upgraded["control"], "SELECT count(*) FROM federation.tenant_registry WHERE residency IS NOT NULL") == 0
    assert _one(upgraded["control"], "SELECT count(*) FROM federation.residency_events") == 0


def test_data_planes_keep_their_rows(upgraded: dict[str, Any]) -> None:
    control, node, fed, legacy = upgraded["control"], upgraded["node"], upgraded["fed"], upgraded["legacy"]
    # The control database's data plane: the legacy tenant with its kit, not the federated tenant's registry row.
    assert _rows(control, "SELECT id::text FROM onboarding.tenants") == [(legacy,)]
    assert _one(control, "SELECT count(*) FROM onboarding.bootstrap_kits WHERE tenant_id = %s", (legacy,)) == 1
    # The regional node: the federated tenant's profile, kit, agent, heartbeat and audit trail.
    assert _one(node, "SELECT contact_email FROM onboarding.tenants WHERE id = %s", (fed,)) == "a@fed.example"
    assert _one(node, "SELECT count(*) FROM onboarding.agent_heartbeats") == upgraded["before"]["heartbeats"] == 1
    assert _one(node, "SELECT count(*) FROM onboarding.bootstrap_audit WHERE tenant_id = %s", (fed,)) == 2
    # 0.1's catalog copy on the regional node is gone.
    assert _one(node, "SELECT to_regclass('public.federation_nodes')") is None
    assert _one(node, "SELECT count(*) FROM pg_namespace WHERE nspname = 'federation'") == 0


def test_routing_answers_as_before(upgraded: dict[str, Any]) -> None:
    control, fed = upgraded["control"], upgraded["fed"]
    assert _rows(control, "SELECT * FROM federation.resolve_node(%s, NULL) UNION ALL "
                          "SELECT * FROM federation.resolve_node(%s, 'ap-south')", (fed, fed)) == upgraded["before"]["resolve"]
    # The map rows carry their top rules from the rules 0.1 wrote.
    assert _rows(control, "SELECT route_regions, route_nodes FROM federation.tenant_federation_map WHERE tenant_id = %s",
                 (fed,)) == [(["ap-south", "eu-west"], ["eu-west-1", "eu-west-1"])]
    ranks = _rows(control, "SELECT region::text, node_id, rank_score FROM federation.federation_routing "
                           "WHERE tenant_id = %s ORDER BY 1, 2", (fed,))
    assert ranks == upgraded["before"]["rank"]


def test_upgraded_handlers_serve_the_old_rows(upgraded: dict[str, Any]) -> None:
    control, node, fed, legacy = upgraded["control"], upgraded["node"], upgraded["fed"], upgraded["legacy"]
    kit, token = upgraded["legacy_kit"]
    with psycopg.connect(control, autocommit=True) as conn:
        result = conn.execute("CALL api.verify_kit(%s, %s, %s, NULL)", (legacy, json.dumps(
            {"kitId": kit, "token": token, "hostname": "legacy-1", "agentType": "log-shipper", "version": "2.4.1"}),
            OPERATOR)).fetchone()[0]
    assert result["verified"] is True  # a kit issued before the upgrade still enrolls
    status = json.loads(_one(node, "SELECT api.tenant_status(%s)::text", (fed,)))
    assert status["agents"] == 1 and status["kits"] == 1
    telemetry = json.loads(_one(node, "SELECT api.tenant_telemetry(%s, '{\"window\": \"1h\"}')::text", (fed,)))
    assert telemetry["heartbeats"] == 1
    context = json.loads(_one(control, "SELECT api.kit_context(%s)::text", (fed,)))
    assert context["federation"]["primaryNodeId"] == "eu-west-1"
    assert context["regions"] == [{"code": "eu-west", "displayName": "EU West"}]


def test_upgraded_schema_equals_a_fresh_one(upgraded: dict[str, Any], clusters: list[Cluster]) -> None:
    fresh_control = _fresh(clusters[0], "fresh_control", "control")
    fresh_node = _fresh(clusters[1], "fresh_eu", "node")
    with psycopg.connect(fresh_control, autocommit=True) as conn:  # the DBA's function, as in the upgraded one
        conn.execute(DBA_FUNCTION)
    assert _rows(upgraded["control"], FINGERPRINT) == _rows(fresh_control, FINGERPRINT)
    assert _rows(upgraded["node"], FINGERPRINT) == _rows(fresh_node, FINGERPRINT)


def test_an_object_built_on_a_0_1_routine_stops_the_upgrade_intact(clusters: list[Cluster]) -> None:
    from shim.schema import MigrationError

    control = _restore_0_1(clusters[0], "up_blocked")
    with psycopg.connect(control, autocommit=True) as conn:
        conn.execute("CREATE VIEW public.dba_routes AS SELECT * FROM public.resolve_node(gen_random_uuid(), NULL)")
    with pytest.raises(MigrationError, match="015_planes.sql failed: cannot drop function resolve_node.*view dba_routes depends"):
        migrate(control, "control")
    # Nothing of 015 happened: the DBA's view and 0.1's schema are as they were.
    assert _one(control, "SELECT count(*) FROM public.dba_routes") == 1
    assert _one(control, "SELECT max(version) FROM public.fedgate_migrations WHERE migration_set = 'shared'") == 14
