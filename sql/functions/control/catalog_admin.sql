-- DBA helpers over the federation catalog: register nodes, route tenants,
-- change a node's status. Each is one statement a DBA can run in psql; the
-- catalog triggers notify the gateways.
--
--   add_region(code, display_name)
--   add_node(node_id, region, database_url, priority, placement_weight, metadata)
--   set_node_status(node_id, status)
--   add_route(tenant, region, node_id, weight, is_primary)
--   remove_route(tenant, region, node_id)

CREATE OR REPLACE FUNCTION federation.add_region(p_code text, p_display_name text)
RETURNS TABLE (code text, display_name text)
LANGUAGE sql
AS $$
    INSERT INTO federation.regions AS r (code, display_name) VALUES (p_code, p_display_name)
    ON CONFLICT ON CONSTRAINT regions_pkey DO UPDATE SET display_name = EXCLUDED.display_name
    RETURNING r.code::text, r.display_name
$$;
COMMENT ON FUNCTION federation.add_region(text, text) IS
    'Registers a region code with its display name, or renames it. The one source of region names: every kit and the regions endpoint read it.';

CREATE OR REPLACE FUNCTION federation.add_node(p_node_id text, p_region text, p_database_url text,
                                           p_priority integer DEFAULT 0, p_placement_weight integer DEFAULT 100,
                                           p_metadata jsonb DEFAULT '{}'::jsonb)
RETURNS TABLE (node_id text, region text, status text, priority integer, placement_weight integer)
LANGUAGE plpgsql
AS $$
BEGIN
    -- A region first seen here is named by its code until add_region names it.
    INSERT INTO federation.regions (code, display_name) VALUES (p_region, p_region) ON CONFLICT (code) DO NOTHING;
    RETURN QUERY
    INSERT INTO federation.federation_nodes AS n (node_id, region, database_url, priority, placement_weight, metadata)
    VALUES (p_node_id, p_region, p_database_url, coalesce(p_priority, 0), coalesce(p_placement_weight, 100),
            coalesce(p_metadata, '{}'::jsonb))
    ON CONFLICT ON CONSTRAINT federation_nodes_node_id_key DO UPDATE SET
        region = EXCLUDED.region,
        database_url = EXCLUDED.database_url,
        priority = EXCLUDED.priority,
        placement_weight = EXCLUDED.placement_weight,
        metadata = EXCLUDED.metadata
    RETURNING n.node_id, n.region::text, n.status, n.priority, n.placement_weight;
END
$$;
COMMENT ON FUNCTION federation.add_node(text, text, text, integer, integer, jsonb) IS
    'Registers a node, or updates it when node_id exists (status is kept); a new region is registered under its code (add_region names it). Returns the row without its database URL. The node''s schema is migrated by `fedgate node add`.';

CREATE OR REPLACE FUNCTION federation.set_node_status(p_node_id text, p_status text)
RETURNS TABLE (node_id text, region text, status text)
LANGUAGE plpgsql
AS $$
BEGIN
    RETURN QUERY
    UPDATE federation.federation_nodes n SET status = p_status
    WHERE n.node_id = p_node_id
    RETURNING n.node_id, n.region::text, n.status;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown node: %', p_node_id USING ERRCODE = 'FG404';
    END IF;
END
$$;
COMMENT ON FUNCTION federation.set_node_status(text, text) IS
    'Sets a node''s status: active (serves, takes new tenants), draining (serves, takes none), down (serves nothing).';

CREATE OR REPLACE FUNCTION federation.add_route(p_tenant uuid, p_region text, p_node_id text,
                                            p_weight integer DEFAULT 100, p_is_primary boolean DEFAULT false,
                                            p_shared_data boolean DEFAULT false, p_override text DEFAULT NULL)
RETURNS TABLE (tenant_id uuid, region text, node_id text, is_primary boolean, weight integer, shared_data boolean,
               residency_override text)
LANGUAGE plpgsql
AS $$
DECLARE
    v_home text;
BEGIN
    SELECT m.primary_node_id INTO v_home FROM federation.tenant_federation_map m WHERE m.tenant_id = p_tenant;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'tenant % has no federation mapping', p_tenant
            USING ERRCODE = 'FG404', HINT = 'place the tenant first (place_tenant)';
    ELSIF p_node_id IS DISTINCT FROM v_home AND NOT coalesce(p_shared_data, false) THEN
        RAISE EXCEPTION 'node % does not hold tenant %''s data: its node is %', p_node_id, p_tenant, v_home
            USING ERRCODE = 'FG409',
                  HINT = format('route it to %s, move the tenant there (fedgate tenant move %s --to %s), or declare '
                                'that %s serves the same database (--shared-data)', v_home, p_tenant, p_node_id,
                                p_node_id);
    END IF;
    IF p_is_primary THEN  -- one primary per (tenant, region): the new one replaces it
        UPDATE federation.federation_routing r SET is_primary = false
        WHERE r.tenant_id = p_tenant AND r.region = p_region AND r.is_primary AND r.node_id <> p_node_id;
    END IF;
    RETURN QUERY
    -- The rule's residency guard (a constraint trigger) refuses a node outside the tenant's residency, or
    -- records the override; an override is kept only where one is needed.
    INSERT INTO federation.federation_routing AS r
        (tenant_id, region, node_id, is_primary, weight, shared_data, residency_override)
    VALUES (p_tenant, p_region, p_node_id, coalesce(p_is_primary, false), coalesce(p_weight, 100),
            p_node_id IS DISTINCT FROM v_home,
            CASE WHEN federation.outside_residency(p_tenant, p_node_id) THEN nullif(btrim(p_override), '') END)
    ON CONFLICT ON CONSTRAINT federation_routing_tenant_id_region_node_id_key DO UPDATE SET
        is_primary = EXCLUDED.is_primary, weight = EXCLUDED.weight, shared_data = EXCLUDED.shared_data,
        residency_override = EXCLUDED.residency_override
    RETURNING r.tenant_id, r.region::text, r.node_id, r.is_primary, r.weight, r.shared_data, r.residency_override;
END
$$;
COMMENT ON FUNCTION federation.add_route(uuid, text, text, integer, boolean, boolean, text) IS
    'Adds or updates a routing rule for a mapped tenant; with is_primary it becomes the region''s only primary rule. The node must hold the tenant''s data (its mapped node), unless p_shared_data declares that it serves the same database, which the rule records; else FG409 with the fix (a move, or the declaration). A node outside the tenant''s residency is refused (FG451) unless p_override gives the reason, which the rule keeps and residency_events records.';

CREATE OR REPLACE FUNCTION federation.remove_route(p_tenant uuid, p_region text, p_node_id text)
RETURNS boolean
LANGUAGE sql
AS $$
    WITH d AS (
        DELETE FROM federation.federation_routing r
        WHERE r.tenant_id = p_tenant AND r.region = p_region AND r.node_id = p_node_id
        RETURNING 1
    )
    SELECT EXISTS (SELECT 1 FROM d)
$$;
COMMENT ON FUNCTION federation.remove_route(uuid, text, text) IS 'Deletes one routing rule; true when it existed.';

CREATE OR REPLACE FUNCTION federation.set_tenant_status(p_tenant uuid, p_status text)
RETURNS TABLE (tenant_id uuid, status text, node_id text)
LANGUAGE plpgsql
AS $$
DECLARE
    v_row federation.tenant_registry;
BEGIN
    IF p_status IS NULL OR p_status NOT IN ('active', 'suspended') THEN
        RAISE EXCEPTION 'status must be active or suspended' USING ERRCODE = 'FG400';
    END IF;
    SELECT * INTO v_row FROM federation.tenant_registry t WHERE t.id = p_tenant FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'tenant % is not registered', p_tenant USING ERRCODE = 'FG404';
    END IF;
    IF v_row.status = 'provisioning' THEN
        RAISE EXCEPTION 'tenant % is still being created', p_tenant USING ERRCODE = 'FG409';
    END IF;
    UPDATE federation.tenant_registry t SET status = p_status WHERE t.id = p_tenant;
    tenant_id := p_tenant;
    status := p_status;
    node_id := coalesce((SELECT m.primary_node_id FROM federation.tenant_federation_map m WHERE m.tenant_id = p_tenant),
                        'default');
    RETURN NEXT;
END
$$;
COMMENT ON FUNCTION federation.set_tenant_status(uuid, text) IS
    'Suspends or resumes a tenant in the registry (active or suspended; FG409 while it is provisioning) and names the node that holds its data, where api.set_tenant_status must run too (fedgate tenant suspend|resume does both).';
