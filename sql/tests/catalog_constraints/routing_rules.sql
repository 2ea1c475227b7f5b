-- Routing rules and map rows: positive weights, one primary per (tenant, region), registered nodes and tenants.
BEGIN;
SELECT plan(6);
SELECT fgtest.node('eu-1', 'eu-west');
SELECT fgtest.node('eu-2', 'eu-west');
SELECT fgtest.tenant(1, 'eu-1', 'eu-west');
SELECT throws_ok($$SELECT add_route(fgtest.tid(1), 'ap-south', 'eu-2', 0, p_shared_data => true)$$, '23514', NULL, 'weight must be > 0');
SELECT throws_ok($$INSERT INTO federation_routing (tenant_id, region, node_id, is_primary)
                   VALUES (fgtest.tid(1), 'eu-west', 'eu-2', true)$$,
                 '23505', NULL, 'at most one is_primary rule per (tenant, region)');
SELECT throws_ok($$INSERT INTO federation_routing (tenant_id, region, node_id) VALUES (fgtest.tid(1), 'eu-west', 'nowhere')$$,
                 '23503', NULL, 'a rule names a registered node');
SELECT throws_ok($$INSERT INTO tenant_federation_map (tenant_id, primary_node_id, primary_region) VALUES (md5('nobody')::uuid, 'eu-1', 'eu-west')$$,
                 '23503', NULL, 'a map row names a registered tenant');
SELECT fgtest.node('eu-3', 'eu-west');
SELECT add_route(fgtest.tid(1), 'eu-west', 'eu-3', 100, true, p_shared_data => true);
SELECT results_eq($$SELECT node_id FROM federation_routing WHERE tenant_id = fgtest.tid(1) AND is_primary$$,
                  ARRAY['eu-3'], 'add_route --primary demotes the old primary');
SELECT is(ARRAY(
    SELECT c.conrelid::regclass || '(' || array_to_string(c.conkey, ',') || ')'
    FROM pg_constraint c
    WHERE c.contype = 'f'
      AND c.conrelid IN ('federation_routing'::regclass, 'tenant_federation_map'::regclass, 'federation_node_health'::regclass)
      AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.conrelid
                      AND (i.indkey::int2[])[0:array_length(c.conkey, 1) - 1] = c.conkey)),
    ARRAY[]::text[], 'every federation foreign key is indexed');
SELECT * FROM finish();
ROLLBACK;
