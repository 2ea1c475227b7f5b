-- Handler functions of the control database: the tenant registry and what the
-- gateway reads from the catalog to serve a request. Each is SECURITY DEFINER
-- (the API role reads no catalog table itself) with a pinned search_path.
--
--   api.register_tenant(_, body)            registry row (provisioning) + placement in its region
--   api.register_unplaced_tenant(_, body)   registry row only: the default node serves it (legacy namespace)
--   api.confirm_tenant(tenant, _)           its node holds its row: registry row active
--   api.unregister_tenant(tenant, _)        its node write failed: undo the registration
--   api.kit_context(tenant, {regions?})     the federation block and region names of a kit
--   api.regions(_, _)                       GET regions

CREATE OR REPLACE FUNCTION federation.register(p_tenant uuid, p_body jsonb)
RETURNS federation.tenant_registry
LANGUAGE plpgsql
AS $$
DECLARE
    v_name text := onboarding.json_label(p_body, 'name', 200);
    v_region fedgate.region_code := onboarding.json_region(p_body, 'region', true);
    v_row federation.tenant_registry;
BEGIN
    PERFORM onboarding.api_caller(NULL, '{operator}');  -- only operators create tenants
    IF p_tenant IS NOT NULL THEN
        PERFORM onboarding.api_invalid('tenantId', 'a new tenant''s id is assigned by the gateway: do not send one');
    END IF;
    INSERT INTO federation.tenant_registry (name, region, status) VALUES (v_name, v_region, 'provisioning')
    RETURNING * INTO v_row;
    RETURN v_row;
EXCEPTION WHEN unique_violation THEN
    RAISE EXCEPTION 'a tenant named "%" already exists', v_name
        USING ERRCODE = 'unique_violation', DETAIL = jsonb_build_object('field', 'name')::text;
END
$$;
COMMENT ON FUNCTION federation.register(uuid, jsonb) IS
    'A new registry row (status provisioning, a fresh id) from {name, region}: FG403 unless the caller is an operator, FG400 when the caller names an id, 23505 when the name is taken.';

CREATE OR REPLACE FUNCTION api.register_tenant(p_tenant uuid, p_body jsonb)
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_row federation.tenant_registry := federation.register(p_tenant, p_body);
    v_place record;
BEGIN
    SELECT * INTO v_place FROM federation.place_tenant(v_row.id, v_row.region);
    RETURN jsonb_build_object('tenantId', v_row.id, 'nodeId', v_place.node_id, 'region', v_place.region);
END
$$;
COMMENT ON FUNCTION api.register_tenant(uuid, jsonb) IS
    'Registers a new tenant (status provisioning) and places it on a node of its region, in one transaction. Returns {tenantId, nodeId, region}.';

CREATE OR REPLACE FUNCTION api.register_unplaced_tenant(p_tenant uuid, p_body jsonb)
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_row federation.tenant_registry := federation.register(p_tenant, p_body);
BEGIN
    RETURN jsonb_build_object('tenantId', v_row.id, 'nodeId', 'default', 'region', v_row.region);
END
$$;
COMMENT ON FUNCTION api.register_unplaced_tenant(uuid, jsonb) IS
    'Registers a new tenant (status provisioning) without a placement: the default node serves it (the legacy namespace). Returns {tenantId, nodeId, region}.';

CREATE OR REPLACE FUNCTION api.confirm_tenant(p_tenant uuid, p_args jsonb DEFAULT '{}'::jsonb)
RETURNS jsonb
LANGUAGE sql
SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT onboarding.api_caller(p_tenant, '{operator}');
    UPDATE federation.tenant_registry SET status = 'active' WHERE id = p_tenant AND status = 'provisioning';
    SELECT jsonb_build_object('tenantId', p_tenant, 'confirmed', true);
$$;
COMMENT ON FUNCTION api.confirm_tenant(uuid, jsonb) IS 'Marks a registered tenant active once its node holds its row.';

CREATE OR REPLACE FUNCTION api.unregister_tenant(p_tenant uuid, p_args jsonb DEFAULT '{}'::jsonb)
RETURNS jsonb
LANGUAGE sql
SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT onboarding.api_caller(p_tenant, '{operator}');
    WITH d AS (DELETE FROM federation.tenant_registry WHERE id = p_tenant AND status = 'provisioning' RETURNING 1)
    SELECT jsonb_build_object('tenantId', p_tenant, 'removed', EXISTS (SELECT 1 FROM d));
$$;
COMMENT ON FUNCTION api.unregister_tenant(uuid, jsonb) IS
    'Removes a registration whose node write failed (its map row and routes go with it). Active tenants are never removed.';

CREATE OR REPLACE FUNCTION api.kit_context(p_tenant uuid, p_args jsonb DEFAULT '{}'::jsonb)
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_tenant federation.tenant_registry;
    v_regions text[] := onboarding.json_regions(p_args, 'regions', 10);
    v_unknown text;
BEGIN
    PERFORM onboarding.api_caller(p_tenant, '{operator,tenant}');
    SELECT * INTO v_tenant FROM federation.tenant_registry t WHERE t.id = p_tenant;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'tenant % not found', p_tenant USING ERRCODE = 'FG404';
    END IF;
    IF v_regions IS NULL OR cardinality(v_regions) = 0 THEN
        v_regions := ARRAY[v_tenant.region::text];
    END IF;
    SELECT string_agg(r, ', ' ORDER BY r) INTO v_unknown FROM unnest(v_regions) r
    WHERE NOT EXISTS (SELECT 1 FROM federation.federation_nodes n WHERE n.region = r);
    IF v_unknown IS NOT NULL THEN
        RAISE EXCEPTION 'unknown region(s): %', v_unknown USING ERRCODE = 'FG400',
            DETAIL = jsonb_build_object('field', 'regions')::text, HINT = 'GET regions lists the regions served';
    END IF;
    RETURN jsonb_build_object(
        'federation', coalesce(
            (SELECT jsonb_build_object('primaryNodeId', m.primary_node_id, 'primaryRegion', m.primary_region,
                                       'metadata', m.federation_metadata)
             FROM federation.tenant_federation_map m WHERE m.tenant_id = p_tenant),
            (SELECT jsonb_build_object('primaryNodeId', n.node_id, 'primaryRegion', n.region, 'metadata', '{}'::jsonb)
             FROM federation.federation_nodes n WHERE n.node_id = 'default')),
        'regions', (SELECT jsonb_agg(jsonb_build_object('code', r, 'displayName', coalesce(g.display_name, r)) ORDER BY r)
                    FROM unnest(v_regions) r LEFT JOIN federation.regions g ON g.code = r));
END
$$;
COMMENT ON FUNCTION api.kit_context(uuid, jsonb) IS
    'What a tenant''s kit takes from the catalog: {federation: {primaryNodeId, primaryRegion, metadata}, regions: [{code, displayName}]}. regions defaults to the tenant''s home region; FG400 for a region no node serves, FG404 for an unregistered tenant.';

CREATE OR REPLACE FUNCTION api.regions(p_tenant uuid DEFAULT NULL, p_args jsonb DEFAULT '{}'::jsonb)
RETURNS jsonb
LANGUAGE sql STABLE
SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT jsonb_build_object('items', coalesce(jsonb_agg(jsonb_build_object(
               'code', s.region, 'displayName', coalesce(r.display_name, s.region),
               'nodes', s.nodes, 'activeNodes', s.active_nodes) ORDER BY s.region), '[]'::jsonb))
    FROM (SELECT n.region::text AS region, count(*) AS nodes,
                 count(*) FILTER (WHERE n.status = 'active') AS active_nodes
          FROM federation.federation_nodes n GROUP BY n.region) s
    LEFT JOIN federation.regions r ON r.code = s.region
$$;
COMMENT ON FUNCTION api.regions(uuid, jsonb) IS
    'The regions served (a node registered): code, display name, nodes and active nodes.';
