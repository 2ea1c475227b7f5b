-- Placement: which node of a region a new tenant lives on.
--
--   place_tenant(tenant, region)  choose among the region's active, not unhealthy
--                                 nodes by weighted rendezvous on placement_weight
--                                 (deterministic), then write tenant_federation_map
--                                 and the primary routing rule in the caller's
--                                 transaction.
-- Errors: FG001 unknown region, FG002 no active node in the region,
-- FG003 tenant already placed, FG404 tenant not registered.

CREATE OR REPLACE FUNCTION federation.place_tenant(p_tenant uuid, p_region text)
RETURNS TABLE (node_id text, region text)
LANGUAGE plpgsql
-- Key lookups of one tenant (see derive_top_routes): index scans even when the map is believed empty.
SET enable_seqscan = off
AS $$
DECLARE
    v_node text;
    v_existing text;
BEGIN
    IF p_region IS NULL OR NOT EXISTS (SELECT 1 FROM federation.federation_nodes n WHERE n.region = p_region) THEN
        RAISE EXCEPTION 'unknown region: %', coalesce(p_region, '(none)')
            USING ERRCODE = 'FG001',
                  HINT = 'a region is served once a node of it is registered: SELECT DISTINCT region FROM federation_nodes';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM federation.tenant_registry t WHERE t.id = p_tenant) THEN
        RAISE EXCEPTION 'tenant % is not registered', p_tenant USING ERRCODE = 'FG404';
    END IF;
    SELECT m.primary_node_id INTO v_existing FROM federation.tenant_federation_map m WHERE m.tenant_id = p_tenant;
    IF FOUND THEN
        RAISE EXCEPTION 'tenant % is already placed on node %', p_tenant, v_existing USING ERRCODE = 'FG003';
    END IF;
    -- An unplaced tenant is served by the default node, which is this database: if its row is here,
    -- placing it elsewhere would route it to a node holding none of its data.
    IF EXISTS (SELECT 1 FROM onboarding.tenants_present(ARRAY[p_tenant])) THEN
        RAISE EXCEPTION 'tenant % has its data on the default node: placing it would leave that data behind', p_tenant
            USING ERRCODE = 'FG409', HINT = 'move it instead: fedgate tenant move TENANT --to NODE';
    END IF;

    SELECT n.node_id INTO v_node
    FROM federation.federation_nodes n
    WHERE n.region = p_region
      AND n.status = 'active'
      AND federation.node_serving(n.status, n.unhealthy_checked_at)
    ORDER BY federation.rendezvous_score(p_tenant, p_region, n.node_id, n.placement_weight) DESC, n.node_id
    LIMIT 1;
    IF v_node IS NULL THEN
        RAISE EXCEPTION 'no active node in region %', p_region
            USING ERRCODE = 'FG002',
                  HINT = 'every node of the region is draining, down or unhealthy';
    END IF;

    INSERT INTO federation.tenant_federation_map (tenant_id, primary_node_id, primary_region)
    VALUES (p_tenant, v_node, p_region);
    INSERT INTO federation.federation_routing (tenant_id, region, node_id, is_primary, weight)
    VALUES (p_tenant, p_region, v_node, true, 100);

    node_id := v_node;
    region := p_region;
    RETURN NEXT;
END
$$;
COMMENT ON FUNCTION federation.place_tenant(uuid, text) IS
    'Places a registered tenant on an active node of a region (weighted rendezvous on placement_weight, deterministic) and writes its map row and primary routing rule. FG001 unknown region, FG002 no active node, FG003 already placed, FG409 the tenant''s data is on the default node (a move, not a placement).';
