-- Each resolution rule and its reason.
BEGIN;
SELECT plan(12);

SELECT fgtest.node('eu-1', 'eu-west');
SELECT fgtest.node('eu-2', 'eu-west');
SELECT fgtest.node('ap-1', 'ap-south');
SELECT fgtest.node('ap-2', 'ap-south');
SELECT fgtest.node('ap-3', 'ap-south');
SELECT fgtest.tenant(1, 'eu-1', 'eu-west');
SELECT fgtest.legacy_tenant(2);

-- Rule 1: no tenant, or an unmapped one: the default node.
SELECT is(fgtest.route_reason(NULL), 'default/default_unmapped', 'no tenant goes to the default node');
SELECT is(fgtest.route_reason(fgtest.tid(2)), 'default/default_unmapped', 'an unmapped tenant goes to the default node');
SELECT is(fgtest.route_reason(fgtest.tid(2), 'eu-west'), 'default/default_unmapped', 'an unmapped tenant ignores the region');
SELECT is(fgtest.route_reason(fgtest.tid(999)), 'default/default_unmapped', 'an unknown tenant goes to the default node');
SELECT results_eq($$SELECT region FROM resolve_node(NULL, NULL)$$, ARRAY['us-east'::text], 'the default node''s region is returned');

-- Rule 2: no region, or the primary region: the primary node.
SELECT is(fgtest.route_reason(fgtest.tid(1)), 'eu-1/tenant_primary', 'no region: the primary node');
SELECT is(fgtest.route_reason(fgtest.tid(1), 'eu-west'), 'eu-1/tenant_primary', 'the primary region: the primary node');

-- Rule 3: another region.
SELECT is(fgtest.route_reason(fgtest.tid(1), 'ap-south'), 'eu-1/tenant_primary', 'a region without rules: the primary node');

SELECT add_route(fgtest.tid(1), 'ap-south', 'ap-1', 10, p_shared_data => true);
SELECT add_route(fgtest.tid(1), 'ap-south', 'ap-2', 10, p_shared_data => true);
SELECT alike(fgtest.route_reason(fgtest.tid(1), 'ap-south'), 'ap-_/region_weighted', 'weighted rules: one of them, reason region_weighted');

SELECT add_route(fgtest.tid(1), 'ap-south', 'ap-3', 1, true, p_shared_data => true);
SELECT is(fgtest.route_reason(fgtest.tid(1), 'ap-south'), 'ap-3/region_route', 'the is_primary rule comes first, whatever the weights');

-- A secondary rule of the primary region is not chosen while the primary serves.
SELECT add_route(fgtest.tid(1), 'eu-west', 'eu-2', 1000, p_shared_data => true);
SELECT is(fgtest.route_reason(fgtest.tid(1), 'eu-west'), 'eu-1/tenant_primary', 'the primary node beats a secondary rule of its region');

SELECT results_eq($$SELECT node_id, region FROM resolve_node(md5('fgtest-tenant-1')::uuid, 'ap-south')$$,
                  $$VALUES ('ap-3'::text, 'ap-south'::text)$$, 'the chosen node''s region is returned');

SELECT * FROM finish();
ROLLBACK;
