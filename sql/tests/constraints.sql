-- The catalog rejects bad rows.
BEGIN;
SELECT plan(15);

SELECT fgtest.node('eu-1', 'eu-west');
SELECT fgtest.node('eu-2', 'eu-west');
SELECT fgtest.tenant(1, 'eu-1', 'eu-west');

SELECT throws_ok($$INSERT INTO federation_nodes (node_id, region, database_url, status) VALUES ('x', 'eu-west', 'u', 'sleeping')$$,
                 '23514', NULL, 'status must be active, draining or down');
SELECT throws_ok($$INSERT INTO federation_nodes (node_id, region, database_url) VALUES ('bad id!', 'eu-west', 'u')$$,
                 '23514', NULL, 'node ids are simple identifiers');
SELECT throws_ok($$INSERT INTO federation_nodes (node_id, region, database_url) VALUES ('y', 'EU West', 'u')$$,
                 '23514', NULL, 'regions are lower-case codes');
SELECT throws_ok($$INSERT INTO federation_nodes (node_id, region, database_url) VALUES ('eu-1', 'eu-west', 'u')$$,
                 '23505', NULL, 'node ids are unique');
SELECT throws_ok($$SELECT add_route(md5('fgtest-tenant-1')::uuid, 'ap-south', 'eu-2', 0)$$,
                 '23514', NULL, 'weight must be > 0');
SELECT throws_ok($$INSERT INTO federation_routing (tenant_id, region, node_id, is_primary)
                   VALUES (md5('fgtest-tenant-1')::uuid, 'eu-west', 'eu-2', true)$$,
                 '23505', NULL, 'at most one is_primary rule per (tenant, region)');
SELECT throws_ok($$INSERT INTO federation_routing (tenant_id, region, node_id) VALUES (md5('fgtest-tenant-1')::uuid, 'eu-west', 'nowhere')$$,
                 '23503', NULL, 'a rule names a registered node');
SELECT throws_ok($$INSERT INTO tenant_federation_map (tenant_id, primary_node_id, primary_region) VALUES (md5('nobody')::uuid, 'eu-1', 'eu-west')$$,
                 '23503', NULL, 'a map row names a registered tenant');
SELECT throws_ok($$DELETE FROM federation_nodes WHERE node_id = 'default'$$, 'FG004',
                 'the default node cannot be deleted or renamed', 'the default node is undeletable');
SELECT throws_ok($$UPDATE federation_nodes SET node_id = 'control' WHERE node_id = 'default'$$, 'FG004', NULL,
                 'the default node cannot be renamed');
SELECT throws_ok($$DELETE FROM federation_nodes WHERE node_id = 'eu-1'$$, 'FG004',
                 'node eu-1 still holds 1 tenant(s) and 1 routing rule(s)', 'a node with tenants is not deletable');
SELECT lives_ok($$DELETE FROM federation_nodes WHERE node_id = 'eu-2'$$, 'an empty node can be deleted');

-- add_route with is_primary replaces the region's previous primary.
SELECT fgtest.node('eu-3', 'eu-west');
SELECT add_route(fgtest.tid(1), 'eu-west', 'eu-3', 100, true);
SELECT results_eq($$SELECT node_id::text FROM federation_routing WHERE tenant_id = md5('fgtest-tenant-1')::uuid AND is_primary$$,
                  ARRAY['eu-3'], 'add_route --primary demotes the old primary');

-- Every foreign key of the federation tables has an index that starts with its columns.
SELECT is(ARRAY(
    SELECT c.conrelid::regclass || '(' || array_to_string(c.conkey, ',') || ')'
    FROM pg_constraint c
    WHERE c.contype = 'f'
      AND c.conrelid IN ('federation_routing'::regclass, 'tenant_federation_map'::regclass, 'federation_node_health'::regclass)
      AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.conrelid
                      AND (i.indkey::int2[])[0:array_length(c.conkey, 1) - 1] = c.conkey)),
    ARRAY[]::text[], 'every federation foreign key is indexed');
SELECT col_not_null('federation_nodes', 'database_url', 'database_url is required');

SELECT * FROM finish();
ROLLBACK;
