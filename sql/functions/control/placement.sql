-- Placement: which node of a region a new tenant lives on.
--
--   place_tenant(tenant, region)  choose among the region's active, not unhealthy
--                                 nodes the least loaded against its share
--                                 (placement_load: rows and requests over capacity
--                                 times placement_weight), ties by weighted
--                                 rendezvous (deterministic), then write
--                                 tenant_federation_map and the primary routing
--                                 rule in the caller's transaction.
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

    -- The least loaded candidate against its share (capacity times placement_weight); the weighted
    -- rendezvous score breaks ties (a region with no load yet: shares follow the weights).
    WITH candidates AS (
        SELECT n.node_id, n.placement_weight, (n.capacity * n.placement_weight)::double precision AS share,
               (coalesce(l.rows, 0) + coalesce(l.placed, 0))::double precision AS rows,
               coalesce(l.requests, 0) AS requests
        FROM federation.federation_nodes n
        LEFT JOIN federation.node_load l ON l.node_id = n.node_id
        WHERE n.region = p_region
          AND n.status = 'active'
          AND federation.node_serving(n.status, n.unhealthy_checked_at))
    SELECT c.node_id INTO v_node
    FROM candidates c
    ORDER BY federation.placement_load(c.rows, sum(c.rows) OVER (), c.requests, sum(c.requests) OVER (),
                                       c.share, sum(c.share) OVER ()),
             federation.rendezvous_score(p_tenant, p_region, c.node_id, c.placement_weight) DESC, c.node_id
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
    INSERT INTO federation.node_load AS l (node_id, placed) VALUES (v_node, 1)
    ON CONFLICT ON CONSTRAINT node_load_pkey DO UPDATE SET placed = l.placed + 1;

    node_id := v_node;
    region := p_region;
    RETURN NEXT;
END
$$;
COMMENT ON FUNCTION federation.place_tenant(uuid, text) IS
    'Places a registered tenant on an active node of a region (the least loaded against its share of capacity times placement_weight, node_load; ties by weighted rendezvous, deterministic), counts it on the node''s load until the next measurement, and writes its map row and primary routing rule. FG001 unknown region, FG002 no active node, FG003 already placed, FG409 the tenant''s data is on the default node (a move, not a placement).';
