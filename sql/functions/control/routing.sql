-- Routing resolution: where a (tenant, region) request goes.
--
--   resolve_node(tenant, region)     the chosen node, its region and the reason
--   explain_route(tenant, region)    every candidate in order, taken or skipped, and why
--   route_candidates(tenant, region) the ordered candidate list both are built on
--   top_routes(tenant)               the top-ranked rule per region, kept on the map row by triggers
--
-- A rule's rank is its stored federation_routing.rank_score (the is_primary
-- rule +Infinity, else federation.rendezvous_score, defined in the control
-- migrations because the column stores it).
--
-- Candidate order for a mapped tenant:
--   1. when the request names a region other than the tenant's primary
--      region: that region's rules, the is_primary rule first, then the rest
--      by weighted rendezvous score (deterministic per tenant and region);
--   2. the tenant's primary node;
--   3. the other rules of the tenant's primary region, in the same order.
-- The first candidate that serves (status active or draining, not marked
-- unhealthy by a fresh health report) wins; a later one is a failover. An
-- unmapped tenant goes to the default node. A mapped tenant whose candidates
-- are all out gets no row: never the default node.

CREATE OR REPLACE FUNCTION federation.route_candidates(p_tenant uuid, p_region text DEFAULT NULL)
RETURNS TABLE (ord integer, node_id text, node_region text, source text, rule_weight integer,
               score double precision, node_status text, health text, serving boolean, note text,
               resident boolean)
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    WITH m AS (
        SELECT t.primary_node_id, t.primary_region::text AS primary_region,
               coalesce(p_region, t.primary_region) AS wanted_region, t.residency_override
        FROM federation.tenant_federation_map t
        WHERE t.tenant_id = p_tenant
    ), policy AS (
        SELECT r.residency FROM federation.tenant_registry r WHERE r.id = p_tenant
    ), cand AS (
        SELECT CASE WHEN r.region = m.primary_region THEN 3 ELSE 1 END AS grp,
               r.node_id,
               CASE WHEN r.region = m.primary_region THEN 'primary_region_rule'
                    WHEN r.is_primary THEN 'region_route'
                    ELSE 'region_weighted' END AS source,
               r.weight AS rule_weight,
               r.rank_score AS score,
               r.residency_override AS override
        FROM m
        JOIN federation.federation_routing r
          ON r.tenant_id = p_tenant AND r.region IN (m.primary_region, m.wanted_region)
        UNION ALL
        SELECT 2, m.primary_node_id, 'tenant_primary', NULL, NULL, m.residency_override FROM m
        UNION ALL
        SELECT 0, 'default', 'default_unmapped', NULL, NULL, NULL WHERE NOT EXISTS (SELECT 1 FROM m)
    ), dedup AS (
        SELECT DISTINCT ON (c.node_id) c.*
        FROM cand c
        ORDER BY c.node_id, c.grp, c.score DESC NULLS LAST
    ), judged AS (
        SELECT d.*, n.node_id IS NOT NULL AS registered, n.region::text AS node_region, n.status,
               n.unhealthy_checked_at, h.healthy, h.checked_at, h.consecutive_failures, p.residency,
               (p.residency IS NULL OR n.region::text = ANY (p.residency) OR d.override IS NOT NULL) AS resident
        FROM dedup d
        LEFT JOIN federation.federation_nodes n ON n.node_id = d.node_id
        LEFT JOIN federation.federation_node_health h ON h.node_id = d.node_id
        LEFT JOIN policy p ON true
    )
    SELECT (row_number() OVER (ORDER BY j.grp, j.score DESC NULLS LAST, j.node_id))::integer,
           j.node_id,
           j.node_region,
           j.source,
           j.rule_weight,
           j.score,
           j.status,
           federation.health_state(j.healthy, j.checked_at),
           j.resident AND coalesce(federation.node_serving(j.status, j.unhealthy_checked_at), false),
           CASE WHEN NOT j.registered THEN 'node is not registered'
                WHEN NOT j.resident THEN format('region %s is outside the tenant''s residency (%s)',
                                                j.node_region, array_to_string(j.residency, ', '))
                WHEN j.status = 'down' THEN 'node status is down'
                WHEN federation.health_state(j.healthy, j.checked_at) = 'unhealthy'
                    THEN format('marked unhealthy by the health monitor at %s (%s consecutive failures)',
                                j.checked_at, j.consecutive_failures)
           END,
           j.resident
    FROM judged j
    ORDER BY 1
$$;
COMMENT ON FUNCTION federation.route_candidates(uuid, text) IS
    'Every node a (tenant, region) request may go to, in failover order, with its status, health, whether it is inside the tenant''s residency (or overridden) and whether it serves. resolve_node takes the first that serves.';

CREATE OR REPLACE FUNCTION federation.resolve_node_full(p_tenant uuid, p_region text DEFAULT NULL)
RETURNS TABLE (node_id text, region text, reason text)
LANGUAGE plpgsql STABLE PARALLEL SAFE
AS $$
BEGIN
    RETURN QUERY
    SELECT c.node_id, c.node_region, CASE WHEN c.ord = 1 THEN c.source ELSE 'failover' END
    FROM federation.route_candidates(p_tenant, p_region) c
    WHERE c.serving OR (c.source = 'default_unmapped' AND c.resident)
    ORDER BY c.ord
    LIMIT 1;
END
$$;
COMMENT ON FUNCTION federation.resolve_node_full(uuid, text) IS
    'resolve_node the long way: the first serving candidate of route_candidates. resolve_node takes it when no fast path applies (a failover); pgTAP checks that both always agree.';

CREATE OR REPLACE FUNCTION federation.resolve_node(p_tenant uuid, p_region text DEFAULT NULL)
RETURNS TABLE (node_id text, region text, reason text)
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    -- Inlined into the caller's (prepared) statement. The first branch answers
    -- the common cases with two index lookups: the tenant's map row, which
    -- carries the top-ranked rule of every region with rules (route_*, kept
    -- by sync_top_routes), and the chosen node, if it serves. Append runs its
    -- branches in order and LIMIT 1 stops at the first row, so
    -- resolve_node_full (the full candidate walk: unmapped tenants, failovers,
    -- no serving node) runs only when needed.
    SELECT d.node_id, d.region, d.reason FROM (
        SELECT n.node_id, n.region::text AS region, ch.reason
        FROM federation.tenant_federation_map m
        CROSS JOIN LATERAL (  -- the choice, computed once per request (not per node row scanned)
            SELECT coalesce(m.route_nodes[p.pos], m.primary_node_id) AS node_id,
                   CASE WHEN p.pos IS NULL THEN 'tenant_primary'
                        WHEN m.route_is_primary[p.pos] THEN 'region_route' ELSE 'region_weighted' END AS reason
            FROM (SELECT CASE WHEN p_region IS NULL OR p_region = m.primary_region THEN NULL
                              ELSE array_position(m.route_regions, p_region) END AS pos) p
            OFFSET 0
        ) ch
        CROSS JOIN LATERAL (  -- that node alone, then whether it serves
            SELECT x.node_id, x.region, x.status, x.unhealthy_checked_at FROM federation.federation_nodes x
            WHERE x.node_id = ch.node_id
            OFFSET 0
        ) n
        WHERE m.tenant_id = p_tenant AND federation.node_serving(n.status, n.unhealthy_checked_at)
          -- a restricted tenant's node outside its residency: the full walk decides (an override, or the next)
          AND (m.residency IS NULL OR n.region::text = ANY (m.residency))
        UNION ALL
        SELECT f.node_id, f.region, f.reason FROM federation.resolve_node_full(p_tenant, p_region) f
    ) d
    LIMIT 1
$$;
COMMENT ON FUNCTION federation.resolve_node(uuid, text) IS
    'The node that serves a (tenant, region) request: (node_id, region, reason). reason is tenant_primary, region_route, region_weighted, primary_region_rule, failover or default_unmapped. No row: a mapped tenant with no serving node (the gateway answers 503; never the default node).';

CREATE OR REPLACE FUNCTION federation.explain_route(p_tenant uuid, p_region text DEFAULT NULL)
RETURNS TABLE (ord integer, node_id text, node_region text, source text, rule_weight integer,
               score numeric, node_status text, health text, decision text, why text)
LANGUAGE sql STABLE
AS $$
    WITH c AS (
        SELECT rc.*,
               min(rc.ord) FILTER (WHERE rc.serving OR (rc.source = 'default_unmapped' AND rc.resident)) OVER () AS chosen
        FROM federation.route_candidates(p_tenant, p_region) rc
    )
    SELECT c.ord, c.node_id, c.node_region, c.source, c.rule_weight,
           round(c.score::numeric, 6), c.node_status, c.health,
           CASE WHEN c.ord = c.chosen THEN 'chosen'
                WHEN c.chosen IS NULL OR c.ord < c.chosen THEN 'skipped'
                ELSE 'standby' END,
           CASE
               WHEN c.source = 'default_unmapped' AND NOT c.resident THEN c.note
               WHEN c.source = 'default_unmapped' THEN 'tenant has no row in tenant_federation_map: the default node serves it'
               WHEN c.ord = c.chosen AND c.ord > 1 THEN 'failover: every earlier candidate is out'
               WHEN c.ord = c.chosen AND c.source = 'tenant_primary' AND p_region IS NOT NULL
                    AND NOT EXISTS (SELECT 1 FROM c c2 WHERE c2.source IN ('region_route', 'region_weighted'))
                    AND p_region <> c.node_region
                    THEN format('no routing rule for region %s: the tenant''s primary node serves', p_region)
               WHEN c.ord = c.chosen AND c.source = 'tenant_primary' THEN 'the tenant''s primary node'
               WHEN c.ord = c.chosen AND c.source = 'region_route' THEN format('is_primary rule for region %s', p_region)
               WHEN c.ord = c.chosen AND c.source = 'region_weighted'
                    THEN format('highest weighted rendezvous score among the rules for region %s', p_region)
               WHEN c.ord = c.chosen THEN 'rule of the tenant''s primary region'
               WHEN c.chosen IS NULL OR c.ord < c.chosen THEN coalesce(c.note, 'out')
               ELSE 'not needed: an earlier candidate serves'
           END
    FROM c
    ORDER BY c.ord
$$;
COMMENT ON FUNCTION federation.explain_route(uuid, text) IS
    'Explains resolve_node: every candidate in order, whether it was chosen, skipped (and why) or left standing by.';

CREATE OR REPLACE FUNCTION federation.top_routes(p_tenants uuid[])
RETURNS TABLE (tenant_id uuid, regions text[], nodes text[], is_primary boolean[])
LANGUAGE sql STABLE
AS $$
    -- Inlined into its callers (a set-returning SQL function): one plan for one tenant or a million.
    SELECT c.tenant_id,
           coalesce(array_agg(x.region ORDER BY x.region) FILTER (WHERE x.region IS NOT NULL), '{}'),
           coalesce(array_agg(x.node_id ORDER BY x.region) FILTER (WHERE x.region IS NOT NULL), '{}'),
           coalesce(array_agg(x.is_primary ORDER BY x.region) FILTER (WHERE x.region IS NOT NULL), '{}')
    FROM unnest(p_tenants) AS c(tenant_id)
    LEFT JOIN LATERAL (
        SELECT DISTINCT ON (r.region) r.region::text AS region, r.node_id, r.is_primary
        FROM federation.federation_routing r
        WHERE r.tenant_id = c.tenant_id
        ORDER BY r.region, r.rank_score DESC, r.node_id
    ) x ON true
    GROUP BY c.tenant_id
$$;
COMMENT ON FUNCTION federation.top_routes(uuid[]) IS
    'Each tenant''s top-ranked rule per region (highest rank_score, then node_id), as the route_* arrays of its map row hold them.';

CREATE OR REPLACE FUNCTION federation.derive_top_routes()
RETURNS trigger
LANGUAGE plpgsql
-- Key lookups of one tenant: an index scan whatever the statistics say (a map believed empty after a
-- VACUUM made every lookup a sequential scan of the whole map: quadratic in a bulk load).
SET enable_seqscan = off
AS $$
BEGIN
    SELECT t.regions, t.nodes, t.is_primary INTO NEW.route_regions, NEW.route_nodes, NEW.route_is_primary
    FROM federation.top_routes(ARRAY[NEW.tenant_id]) t;
    NEW.residency := federation.tenant_residency(NEW.tenant_id);
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION federation.derive_top_routes() IS
    'Row trigger of tenant_federation_map: a map row written by a statement (not by sync_top_routes) gets its route_* arrays from federation_routing and its residency from the registry, never from the writer.';

CREATE OR REPLACE FUNCTION federation.sync_top_routes()
RETURNS trigger
LANGUAGE plpgsql
-- Key lookups of one tenant: an index scan whatever the statistics say (a map believed empty after a
-- VACUUM made every lookup a sequential scan of the whole map: quadratic in a bulk load).
SET enable_seqscan = off
AS $$
DECLARE
    v_tenants uuid[];
    v_tenant uuid;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        SELECT array_agg(DISTINCT x.t) INTO v_tenants
        FROM (SELECT c.tenant_id FROM changed c UNION ALL SELECT o.tenant_id FROM old_rows o) x(t);
    ELSE
        SELECT array_agg(DISTINCT c.tenant_id) INTO v_tenants FROM changed c;
    END IF;
    IF v_tenants IS NULL THEN
        RETURN NULL;  -- the statement touched no row
    END IF;
    -- Only map rows whose arrays change are written, one tenant at a time through the tenant_id key:
    -- a plan that cannot go wrong when the map's statistics are stale. A set-based join of the
    -- touched tenants with the map went quadratic when a vacuumed map was believed empty (a nested
    -- loop over the whole map per tenant: 200 placements took 7.7 s, a 20,000-tenant rule load ran
    -- for minutes); this loop costs about 50 us per touched tenant whatever the statistics say.
    FOREACH v_tenant IN ARRAY v_tenants LOOP
        UPDATE federation.tenant_federation_map m
        SET route_regions = x.regions, route_nodes = x.nodes, route_is_primary = x.is_primary
        FROM federation.top_routes(ARRAY[v_tenant]) x
        WHERE m.tenant_id = v_tenant
          AND (m.route_regions, m.route_nodes, m.route_is_primary) IS DISTINCT FROM (x.regions, x.nodes, x.is_primary);
    END LOOP;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION federation.sync_top_routes() IS
    'Statement trigger of federation_routing: recomputes the route_* arrays of the map rows of the tenants a statement touched (only where they change), which resolve_node reads.';
