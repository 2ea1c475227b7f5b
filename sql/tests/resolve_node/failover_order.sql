-- A skipped choice fails over to the next candidate in order; a mapped
-- tenant is never sent to the default node.
BEGIN;
SELECT plan(9);

SELECT fgtest.node('eu-1', 'eu-west');
SELECT fgtest.node('eu-2', 'eu-west');
SELECT fgtest.node('ap-1', 'ap-south');
SELECT fgtest.node('ap-2', 'ap-south');
SELECT fgtest.node('ap-3', 'ap-south');
SELECT fgtest.tenant(1, 'eu-1', 'eu-west');
SELECT add_route(fgtest.tid(1), 'ap-south', 'ap-1', 100, true, p_shared_data => true);
SELECT add_route(fgtest.tid(1), 'ap-south', 'ap-2', 100, p_shared_data => true);
SELECT add_route(fgtest.tid(1), 'ap-south', 'ap-3', 100, p_shared_data => true);
SELECT add_route(fgtest.tid(1), 'eu-west', 'eu-2', 100, p_shared_data => true);

-- The candidate order: region rules (primary, then by score), primary node, primary-region rules.
SELECT results_eq(
    $$SELECT node_id FROM route_candidates(md5('fgtest-tenant-1')::uuid, 'ap-south') ORDER BY ord$$,
    $$SELECT unnest(ARRAY['ap-1'] ||
        ARRAY(SELECT node_id::text FROM federation_routing
              WHERE tenant_id = md5('fgtest-tenant-1')::uuid AND region = 'ap-south' AND NOT is_primary
              ORDER BY rendezvous_score(tenant_id, region, node_id, weight) DESC) ||
        ARRAY['eu-1', 'eu-2'])$$,
    'candidates: is_primary rule, weighted rules by score, primary node, primary-region rules');

SELECT is(fgtest.route_reason(fgtest.tid(1), 'ap-south'), 'ap-1/region_route', 'all up: the region''s primary rule');

SELECT set_node_status('ap-1', 'down');
SELECT is(fgtest.route(fgtest.tid(1), 'ap-south'),
          (SELECT node_id FROM route_candidates(fgtest.tid(1), 'ap-south') WHERE ord = 2),
          'primary rule down: the highest-scored weighted rule');
SELECT alike(fgtest.route_reason(fgtest.tid(1), 'ap-south'), '%/failover', 'reason failover');

SELECT set_node_status('ap-2', 'down');
SELECT fgtest.health('ap-3', false);
SELECT is(fgtest.route_reason(fgtest.tid(1), 'ap-south'), 'eu-1/failover', 'every region rule out: the tenant''s primary node');

SELECT set_node_status('eu-1', 'draining');
SELECT is(fgtest.route_reason(fgtest.tid(1), 'ap-south'), 'eu-1/failover', 'a draining primary still serves');

SELECT set_node_status('eu-1', 'down');
SELECT is(fgtest.route_reason(fgtest.tid(1), 'ap-south'), 'eu-2/failover', 'primary down too: the primary region''s other rule');
SELECT is(fgtest.route_reason(fgtest.tid(1)), 'eu-2/failover', 'no region, primary down: the primary region''s other rule');

SELECT set_node_status('eu-2', 'down');
SELECT is_empty($$SELECT * FROM resolve_node(md5('fgtest-tenant-1')::uuid, 'ap-south')$$,
                'every node of a mapped tenant out: no row, never the default node');

SELECT * FROM finish();
ROLLBACK;
