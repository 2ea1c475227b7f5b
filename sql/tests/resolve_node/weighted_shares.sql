-- Across 10,000 generated tenants the weighted choice follows the weights
-- (10/30/60) within 2 percentage points.
BEGIN;
SELECT plan(4);

SELECT fgtest.node('eu-1', 'eu-west');
SELECT fgtest.node('ap-1', 'ap-south');
SELECT fgtest.node('ap-2', 'ap-south');
SELECT fgtest.node('ap-3', 'ap-south');

INSERT INTO tenant_registry (id, name, region)
SELECT fgtest.tid(i), 'share tenant ' || i, 'eu-west' FROM generate_series(1, 10000) i;
INSERT INTO tenant_federation_map (tenant_id, primary_node_id, primary_region)
SELECT fgtest.tid(i), 'eu-1', 'eu-west' FROM generate_series(1, 10000) i;
INSERT INTO federation_routing (tenant_id, region, node_id, weight)
SELECT fgtest.tid(i), 'ap-south', w.node, w.weight
FROM generate_series(1, 10000) i,
     (VALUES ('ap-1', 10), ('ap-2', 30), ('ap-3', 60)) AS w(node, weight);

CREATE TEMP TABLE shares AS
SELECT r.node_id, count(*)::numeric / 10000 * 100 AS pct
FROM generate_series(1, 10000) i, LATERAL resolve_node(fgtest.tid(i), 'ap-south') r
GROUP BY r.node_id;

SELECT cmp_ok(abs((SELECT pct FROM shares WHERE node_id = 'ap-1') - 10), '<=', 2::numeric, 'weight 10 gets 10% +/- 2pp');
SELECT cmp_ok(abs((SELECT pct FROM shares WHERE node_id = 'ap-2') - 30), '<=', 2::numeric, 'weight 30 gets 30% +/- 2pp');
SELECT cmp_ok(abs((SELECT pct FROM shares WHERE node_id = 'ap-3') - 60), '<=', 2::numeric, 'weight 60 gets 60% +/- 2pp');
SELECT is((SELECT sum(pct) FROM shares), 100::numeric, 'every tenant was routed to one of the three');

SELECT * FROM finish();
ROLLBACK;
