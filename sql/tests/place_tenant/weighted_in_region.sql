-- Placement of a new tenant in its region.
BEGIN;
SELECT plan(15);

SELECT fgtest.node('eu-1', 'eu-west');
SELECT fgtest.node('eu-2', 'eu-west', 'draining');
SELECT fgtest.node('eu-3', 'eu-west', 'down');
SELECT fgtest.node('eu-4', 'eu-west');
SELECT fgtest.health('eu-4', false);
SELECT fgtest.node('ap-1', 'ap-south', 'draining');
INSERT INTO tenant_registry (id, name, region) SELECT fgtest.tid(i), 'placed ' || i, 'eu-west' FROM generate_series(1, 3) i;

SELECT results_eq($$SELECT node_id, region FROM place_tenant(md5('fgtest-tenant-1')::uuid, 'eu-west')$$,
                  $$VALUES ('eu-1'::text, 'eu-west'::text)$$,
                  'only the active, not unhealthy node takes new tenants');
SELECT results_eq($$SELECT primary_node_id::text, primary_region::text FROM tenant_federation_map
                    WHERE tenant_id = md5('fgtest-tenant-1')::uuid$$,
                  $$VALUES ('eu-1', 'eu-west')$$, 'the map row is written');
SELECT results_eq($$SELECT region::text, node_id::text, is_primary FROM federation_routing
                    WHERE tenant_id = md5('fgtest-tenant-1')::uuid$$,
                  $$VALUES ('eu-west', 'eu-1', true)$$, 'the primary routing rule is written');
SELECT is(fgtest.route_reason(fgtest.tid(1)), 'eu-1/tenant_primary', 'the placed tenant resolves to its node');

SELECT throws_ok($$SELECT * FROM place_tenant(md5('fgtest-tenant-1')::uuid, 'eu-west')$$, 'FG003', NULL,
                 'placing a placed tenant again: FG003');
SELECT throws_ok($$SELECT * FROM place_tenant(md5('fgtest-tenant-2')::uuid, 'mars')$$, 'FG001',
                 'unknown region: mars', 'unknown region: FG001');
SELECT throws_ok($$SELECT * FROM place_tenant(md5('fgtest-tenant-2')::uuid, NULL)$$, 'FG001', NULL,
                 'no region: FG001');
SELECT throws_ok($$SELECT * FROM place_tenant(md5('fgtest-tenant-2')::uuid, 'ap-south')$$, 'FG002',
                 'no active node in region ap-south', 'a region with no active node: FG002');
SELECT throws_ok($$SELECT * FROM place_tenant(md5('no such tenant')::uuid, 'eu-west')$$, 'FG404', NULL,
                 'an unregistered tenant: FG404');
SELECT is((SELECT count(*) FROM tenant_federation_map WHERE tenant_id = md5('fgtest-tenant-2')::uuid), 0::bigint,
          'a failed placement writes nothing');

-- Deterministic and weighted by placement_weight: each tenant to the node least loaded against its share.
UPDATE federation_nodes SET status = 'active' WHERE node_id = 'eu-2';
UPDATE federation_nodes SET placement_weight = 300 WHERE node_id = 'eu-2';
INSERT INTO tenant_registry (id, name, region) SELECT fgtest.tid(i), 'placed ' || i, 'eu-west' FROM generate_series(100, 2099) i;
CREATE TEMP TABLE placed AS
SELECT p.node_id FROM generate_series(100, 2099) i, LATERAL place_tenant(fgtest.tid(i), 'eu-west') p;
SELECT cmp_ok(abs((SELECT count(*) FROM placed WHERE node_id = 'eu-2')::numeric / 2000 - 0.75), '<', 0.04,
              'placement_weight 300 vs 100: about 75% of new tenants');
SELECT is((SELECT count(*) FROM placed WHERE node_id NOT IN ('eu-1', 'eu-2')), 0::bigint,
          'never a down or unhealthy node');
SELECT is((SELECT node_id FROM place_tenant(fgtest.tid(3), 'eu-west')),
          (SELECT w.node_id FROM (VALUES ('eu-1', 100), ('eu-2', 300)) w(node_id, weight)
           ORDER BY (SELECT count(*) FROM tenant_federation_map m WHERE m.primary_node_id = w.node_id)::numeric / w.weight,
                    w.node_id LIMIT 1),
          'the next tenant goes to the node least loaded against its weight (deterministic)');
SELECT has_function('federation', 'place_tenant', ARRAY['uuid', 'text'], 'place_tenant(uuid, text) exists');
SELECT fgtest.legacy_tenant(7) \g /dev/null
SELECT throws_ok($$SELECT * FROM place_tenant(md5('fgtest-tenant-7')::uuid, 'eu-west')$$, 'FG409', NULL,
                 'a legacy tenant with its data on the default node is moved, not placed');

SELECT * FROM finish();
ROLLBACK;
