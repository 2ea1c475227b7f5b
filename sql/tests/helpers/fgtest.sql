-- Helpers of the pgTAP suites (schema fgtest), installed once into the test
-- database by tests/test_pgtap.py. Every suite runs in a transaction that is
-- rolled back, so what a helper writes never outlives its suite.

CREATE SCHEMA IF NOT EXISTS fgtest;

-- A node (database_url is never used by SQL).
CREATE OR REPLACE FUNCTION fgtest.node(p_node_id text, p_region text, p_status text DEFAULT 'active',
                                       p_placement_weight integer DEFAULT 100)
RETURNS text LANGUAGE sql AS $$
    INSERT INTO federation.federation_nodes (node_id, region, database_url, status, placement_weight)
    VALUES (p_node_id, p_region, 'postgresql://unused/' || p_node_id, p_status, p_placement_weight)
    RETURNING node_id
$$;

-- A deterministic tenant id for a number.
CREATE OR REPLACE FUNCTION fgtest.tid(p_n integer)
RETURNS uuid LANGUAGE sql IMMUTABLE AS $$ SELECT md5('fgtest-tenant-' || p_n)::uuid $$;

-- A registered tenant mapped to a primary node (with its primary rule), as place_tenant would,
-- with its row in the data plane.
CREATE OR REPLACE FUNCTION fgtest.tenant(p_n integer, p_primary_node text, p_region text)
RETURNS uuid LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO federation.tenant_registry (id, name, region, status)
    VALUES (fgtest.tid(p_n), 'fgtest tenant ' || p_n, p_region, 'active');
    INSERT INTO federation.tenant_federation_map (tenant_id, primary_node_id, primary_region)
    VALUES (fgtest.tid(p_n), p_primary_node, p_region);
    INSERT INTO federation.federation_routing (tenant_id, region, node_id, is_primary)
    VALUES (fgtest.tid(p_n), p_region, p_primary_node, true);
    -- The suites' database is both the catalog and a node: the tenant's data-plane row.
    INSERT INTO onboarding.tenants (id, name, region) VALUES (fgtest.tid(p_n), 'fgtest tenant ' || p_n, p_region);
    RETURN fgtest.tid(p_n);
END
$$;

-- An unmapped (legacy) tenant: registered, its row on the default node's data plane.
CREATE OR REPLACE FUNCTION fgtest.legacy_tenant(p_n integer)
RETURNS uuid LANGUAGE sql AS $$
    INSERT INTO federation.tenant_registry (id, name, region, status)
    VALUES (fgtest.tid(p_n), 'fgtest legacy ' || p_n, 'us-east', 'active');
    INSERT INTO onboarding.tenants (id, name, region) VALUES (fgtest.tid(p_n), 'fgtest legacy ' || p_n, 'us-east')
    RETURNING id
$$;

-- A health report of a given age.
CREATE OR REPLACE FUNCTION fgtest.health(p_node_id text, p_healthy boolean, p_age interval DEFAULT '0 seconds')
RETURNS void LANGUAGE sql AS $$
    INSERT INTO federation.federation_node_health (node_id, healthy, consecutive_failures, checked_at)
    VALUES (p_node_id, p_healthy, CASE WHEN p_healthy THEN 0 ELSE 3 END, now() - p_age)
    ON CONFLICT (node_id) DO UPDATE SET healthy = EXCLUDED.healthy,
        consecutive_failures = EXCLUDED.consecutive_failures, checked_at = EXCLUDED.checked_at
$$;

-- The chosen node id alone.
CREATE OR REPLACE FUNCTION fgtest.route(p_tenant uuid, p_region text DEFAULT NULL)
RETURNS text LANGUAGE sql STABLE AS $$ SELECT node_id FROM federation.resolve_node(p_tenant, p_region) $$;

-- The chosen node and reason as 'node/reason'.
CREATE OR REPLACE FUNCTION fgtest.route_reason(p_tenant uuid, p_region text DEFAULT NULL)
RETURNS text LANGUAGE sql STABLE AS $$
    SELECT node_id || '/' || reason FROM federation.resolve_node(p_tenant, p_region)
$$;

-- Capture notifications instead of sending them: federation_emit is
-- replaced for the rest of the (rolled back) transaction.
CREATE OR REPLACE FUNCTION fgtest.capture_notifications()
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    CREATE TEMP TABLE IF NOT EXISTS fgtest_notices (id serial, payload jsonb) ON COMMIT DROP;
    EXECUTE $f$
        CREATE OR REPLACE FUNCTION federation.federation_emit(p_payload jsonb) RETURNS void
        LANGUAGE sql AS 'INSERT INTO fgtest_notices (payload) VALUES (p_payload)'
    $f$;
END
$$;

-- The topology most handler suites start from: node eu-1 (eu-west) holding
-- tenant 1, with the requests made as the API role (the gateway's). Returns the tenant.
CREATE OR REPLACE FUNCTION fgtest.topology()
RETURNS uuid LANGUAGE plpgsql AS $$
BEGIN
    PERFORM fgtest.node('eu-1', 'eu-west');
    PERFORM fgtest.tenant(1, 'eu-1', 'eu-west');
    SET LOCAL ROLE fedgate_api;
    RETURN fgtest.tid(1);
END
$$;

-- An issued and sealed kit of a tenant: {kitId, token, ...} as issue_kit returns it.
CREATE OR REPLACE FUNCTION fgtest.sealed_kit(p_tenant uuid, p_request jsonb DEFAULT '{"agents": ["log-shipper"]}')
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
    v_kit jsonb := api.issue_kit(p_tenant, p_request);
BEGIN
    PERFORM api.seal_kit(p_tenant, jsonb_build_object('kitId', v_kit ->> 'kitId', 'metadataJson', '{}',
                                                      'archiveSha256', repeat('0', 64)));
    RETURN v_kit;
END
$$;

-- Suites act as an operator unless they say otherwise: handlers need the
-- caller's claims, which the gateway sets on every call.
DO $$
BEGIN
    EXECUTE format('ALTER DATABASE %I SET fedgate.claims = %L', current_database(),
                   '{"role": "operator", "sub": "pgtap", "addr": "pgtap"}');
END
$$;
SET fedgate.claims = '{"role": "operator", "sub": "pgtap", "addr": "pgtap"}';

-- Act as another caller for the rest of the transaction (as the gateway would set it).
CREATE OR REPLACE FUNCTION fgtest.as_caller(p_role text, p_tenant uuid DEFAULT NULL, p_agent uuid DEFAULT NULL,
                                            p_addr text DEFAULT '192.0.2.1')
RETURNS void LANGUAGE sql AS $$
    SELECT set_config('fedgate.claims', jsonb_build_object('role', p_role, 'sub', 'pgtap-' || p_role,
                      'tenant_id', p_tenant, 'agent_id', p_agent, 'addr', p_addr)::text, true)
$$;

-- Suites call the helpers as the API role too (test schema only).
GRANT USAGE ON SCHEMA fgtest TO fedgate_api;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA fgtest TO fedgate_api;
