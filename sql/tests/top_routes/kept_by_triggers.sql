-- The map row's route_* arrays (what resolve_node reads) follow every change of the rules,
-- and a writer cannot set them.
BEGIN;
SELECT plan(7);
SELECT fgtest.node('eu-1', 'eu-west');
SELECT fgtest.node('ap-1', 'ap-south');
SELECT fgtest.node('ap-2', 'ap-south');
SELECT fgtest.node('us-2', 'us-east');
SELECT fgtest.tenant(1, 'eu-1', 'eu-west');

CREATE FUNCTION pg_temp.tops() RETURNS text LANGUAGE sql AS $$
    SELECT format('%s|%s|%s', route_regions, route_nodes, route_is_primary)
    FROM tenant_federation_map WHERE tenant_id = fgtest.tid(1)
$$;

SELECT is(pg_temp.tops(), '{eu-west}|{eu-1}|{t}', 'the primary rule of the home region');
SELECT add_route(fgtest.tid(1), 'ap-south', 'ap-1', 10, p_shared_data => true);
SELECT add_route(fgtest.tid(1), 'ap-south', 'ap-2', 1000, p_shared_data => true);
SELECT is(pg_temp.tops(), format('{ap-south,eu-west}|{%s,eu-1}|{f,t}',
          (SELECT node_id FROM federation_routing WHERE tenant_id = fgtest.tid(1) AND region = 'ap-south'
           ORDER BY rank_score DESC, node_id LIMIT 1)), 'the top weighted rule of a new region');
SELECT add_route(fgtest.tid(1), 'ap-south', 'ap-1', 10, true, p_shared_data => true);
SELECT is(pg_temp.tops(), '{ap-south,eu-west}|{ap-1,eu-1}|{t,t}', 'an is_primary rule ranks first');
SELECT remove_route(fgtest.tid(1), 'ap-south', 'ap-1');
SELECT remove_route(fgtest.tid(1), 'ap-south', 'ap-2');
SELECT is(pg_temp.tops(), '{eu-west}|{eu-1}|{t}', 'removing the rules removes the region');
UPDATE federation_routing SET region = 'us-east', node_id = 'us-2', is_primary = false WHERE tenant_id = fgtest.tid(1);
SELECT is(pg_temp.tops(), '{us-east}|{us-2}|{f}', 'an update moves the rule (old and new region recomputed)');
UPDATE tenant_federation_map SET route_regions = '{mars}', route_nodes = '{nowhere}' WHERE tenant_id = fgtest.tid(1);
SELECT is(pg_temp.tops(), '{us-east}|{us-2}|{f}', 'a writer cannot set the arrays: they are derived');
DELETE FROM tenant_federation_map WHERE tenant_id = fgtest.tid(1);
INSERT INTO tenant_federation_map (tenant_id, primary_node_id, primary_region) VALUES (fgtest.tid(1), 'eu-1', 'eu-west');
SELECT is(pg_temp.tops(), '{us-east}|{us-2}|{f}', 'a map row written after its rules gets them');

SELECT * FROM finish();
ROLLBACK;
