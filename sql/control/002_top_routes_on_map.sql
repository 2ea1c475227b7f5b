-- control 002: each tenant's top routing rule per region, on its map row.
--
-- resolve_node's common case then reads two rows: the tenant's map row (its
-- primary node, and for each region with rules the rule ranked first) and
-- the chosen node's row (does it serve?). A trigger on federation_routing
-- keeps the three arrays (see sql/functions/control/routing.sql); pgTAP
-- checks the fast path against the full candidate walk.

ALTER TABLE federation.tenant_federation_map
    ADD COLUMN route_regions text[] NOT NULL DEFAULT '{}',
    ADD COLUMN route_nodes text[] NOT NULL DEFAULT '{}',
    ADD COLUMN route_is_primary boolean[] NOT NULL DEFAULT '{}';
COMMENT ON COLUMN federation.tenant_federation_map.route_regions IS
    'Regions that have routing rules for this tenant (sorted); route_nodes and route_is_primary hold, position for position, the rule ranked first there (highest rank_score, then node_id). Kept by a trigger on federation_routing.';
COMMENT ON COLUMN federation.tenant_federation_map.route_nodes IS 'See route_regions.';
COMMENT ON COLUMN federation.tenant_federation_map.route_is_primary IS 'See route_regions.';

UPDATE federation.tenant_federation_map m
SET route_regions = t.regions, route_nodes = t.nodes, route_is_primary = t.is_primary
FROM (SELECT x.tenant_id, array_agg(x.region ORDER BY x.region) AS regions,
             array_agg(x.node_id ORDER BY x.region) AS nodes, array_agg(x.is_primary ORDER BY x.region) AS is_primary
      FROM (SELECT DISTINCT ON (r.tenant_id, r.region) r.tenant_id, r.region::text AS region, r.node_id, r.is_primary
            FROM federation.federation_routing r
            ORDER BY r.tenant_id, r.region, r.rank_score DESC, r.node_id) x
      GROUP BY x.tenant_id) t
WHERE m.tenant_id = t.tenant_id;
