-- The one planner: legacy tenants home, a region evened out by rows within its threshold (fewest moves,
-- never a pinned tenant), capacity as shares, a plan recorded as a job with its items, resumed where it was.
BEGIN;
SELECT plan(24);
SELECT fgtest.node('us-1', 'us-east') \g /dev/null
SELECT fgtest.node('eu-1', 'eu-west') \g /dev/null
SELECT fgtest.node('eu-2', 'eu-west') \g /dev/null
SELECT fgtest.node('eu-3', 'eu-west') \g /dev/null
SELECT fgtest.node('ap-1', 'ap-south') \g /dev/null

-- Legacy tenants of three home regions, their rows on the default node.
INSERT INTO federation.tenant_registry (id, name, region, status)
SELECT fgtest.tid(i), 'legacy ' || i, (ARRAY['us-east', 'eu-west', 'ap-south'])[i % 3 + 1], 'active'
FROM generate_series(1, 6) i;
INSERT INTO onboarding.tenants (id, name, region)
SELECT fgtest.tid(i), 'legacy ' || i, (ARRAY['us-east', 'eu-west', 'ap-south'])[i % 3 + 1] FROM generate_series(1, 6) i;
SELECT federation.record_tenant_sizes('default', (SELECT jsonb_agg(jsonb_build_object('tenant', t, 'rows', n))
                                                  FROM onboarding.tenant_sizes() s(t, n))) \g /dev/null

SELECT is((SELECT count(*) FROM federation.plan_moves('legacy') p
           JOIN federation.federation_nodes n ON n.node_id = p.target_node
           JOIN federation.tenant_registry r ON r.id = p.tenant_id
           WHERE p.source_node = 'default' AND n.region = r.region AND n.node_id <> 'default' AND p.cost = 1),
          6::bigint, 'legacy: every tenant on the default node to a node of its home region, its cost its rows');
SELECT is((SELECT why FROM federation.plan_moves('legacy') WHERE tenant_id = fgtest.tid(1)),
          'legacy: to its home region eu-west', 'each move says why');
SELECT is((SELECT count(*) FROM federation.plan_moves('drain', 'default')), 6::bigint, 'a drain of the default node plans the same tenants');
SELECT throws_ok($$SELECT * FROM federation.plan_moves('shuffle')$$, 'FG400', NULL, 'an unknown kind: FG400');

-- A legacy plan recorded as a job with its items; a second one while it is open: FG409.
SELECT is((SELECT (kind, params ->> 'plan', params ->> 'parallel', subject)::text
           FROM federation.start_plan('legacy', 3, 500)),
          '(plan,legacy,3,"legacy tenants to their home regions: 6 moves")', 'a plan job, its settings in params');
SELECT throws_ok($$SELECT federation.start_plan('legacy')$$, 'FG409', NULL, 'one open legacy plan at a time');
SELECT is((SELECT (moves, pending, done, cost)::text FROM federation_plans WHERE kind = 'legacy'), '(6,6,0,6)',
          'federation_plans: six moves pending');
SELECT is((SELECT count(*) FROM federation.plan_job_moves((SELECT plan_id FROM federation_plans WHERE kind = 'legacy'))),
          6::bigint, 'all six still to start');
SELECT federation.start_move(fgtest.tid(1), 'eu-1', false, (SELECT plan_id FROM federation_plans WHERE kind = 'legacy')) \g /dev/null
SELECT is((SELECT state FROM federation_plan_moves WHERE tenant_id = fgtest.tid(1)), 'copying', 'a started move is the item''s');
SELECT is((SELECT count(*) FROM federation.plan_job_moves((SELECT plan_id FROM federation_plans WHERE kind = 'legacy'))),
          5::bigint, 'a started move is not started again');
SELECT throws_ok($$SELECT federation.start_plan('rebalance', 1, NULL, 'eu-west', 'disk')$$, 'FG400', NULL,
                 'a rebalance by something else: FG400');

-- eu-west: eu-1 holds 80% of the rows.
SELECT fgtest.tenant(100 + i, 'eu-1', 'eu-west') FROM generate_series(1, 16) i \g /dev/null
SELECT fgtest.tenant(200 + i, 'eu-2', 'eu-west') FROM generate_series(1, 2) i \g /dev/null
SELECT fgtest.tenant(300 + i, 'eu-3', 'eu-west') FROM generate_series(1, 2) i \g /dev/null
INSERT INTO federation.tenant_sizes (tenant_id, node_id, rows)
SELECT fgtest.tid(100 + i), 'eu-1', 50 FROM generate_series(1, 16) i
UNION ALL SELECT fgtest.tid(200 + i), 'eu-2', 50 FROM generate_series(1, 2) i
UNION ALL SELECT fgtest.tid(300 + i), 'eu-3', 50 FROM generate_series(1, 2) i;
SELECT federation.pin_tenant(fgtest.tid(101)) \g /dev/null
SELECT is((SELECT array_agg(load ORDER BY node_id) FROM federation.region_loads('eu-west', 'rows')), '{800,100,100}',
          'eu-1 holds 80%');
SELECT is((SELECT count(*) FROM federation.rebalance_plan('eu-west', 'rows', 0.12)), 9::bigint,
          'nine moves of 50 rows: the fewest that bring eu-1 within 12% of its third');
SELECT is((SELECT bool_and(within_after) AND NOT bool_and(within_before)
           FROM federation.rebalance_spread('eu-west', 'rows', 0.12)), true, 'every node within 12% of its share after');
SELECT is((SELECT array_agg(load_after ORDER BY node_id) FROM federation.rebalance_spread('eu-west', 'rows', 0.12)),
          '{350,350,300}', 'the spread after: 350, 350, 300 rows');
SELECT is((SELECT count(*) FROM federation.rebalance_plan('eu-west', 'rows', 0.12) WHERE tenant_id = fgtest.tid(101)),
          0::bigint, 'a pinned tenant stays');
SELECT is((SELECT count(*) FROM federation.rebalance_plan('eu-west', 'rows', 0.12, 3)), 3::bigint, 'at most max_moves');

-- Capacity 2 for eu-3: shares 250, 250, 500.
SELECT federation.set_node_capacity('eu-3', 2) \g /dev/null
SELECT is((SELECT array_agg(load_after ORDER BY node_id) FROM federation.rebalance_spread('eu-west', 'rows', 0.12)),
          '{250,250,500}', 'with capacities 1, 1, 2: 250, 250, 500 rows');
SELECT throws_ok($$SELECT federation.set_node_capacity('eu-3', 0)$$, 'FG400', NULL, 'a capacity of 0: FG400');

-- By requests: the last hour's, as the gateways report them (30 a tenant: 480, 60, 60).
SELECT federation.set_node_capacity('eu-3', 1) \g /dev/null
SELECT federation.report_tenant_stats((SELECT jsonb_agg(jsonb_build_object(
    'tenant', m.tenant_id, 'node', m.primary_node_id, 'requests', 30, 'errors', 0, 'total_ms', 30, 'max_ms', 1))
    FROM federation.tenant_federation_map m WHERE m.primary_region = 'eu-west')) \g /dev/null
SELECT is((SELECT array_agg(load ORDER BY node_id) FROM federation.region_loads('eu-west', 'requests')), '{480,60,60}',
          'loads by requests');
SELECT is((SELECT bool_and(within_after) FROM federation.rebalance_spread('eu-west', 'requests', 0.12)), true,
          'by requests: every node within 12% of its share after');

-- The health checker's measure: rows from the node's statistics; the placements counted since start again.
SELECT federation.report_node_load(ARRAY['eu-1'], ARRAY[1234::bigint]) \g /dev/null
SELECT is((SELECT (load_rows, placed_since_measured, load_requests_per_min)::text FROM federation_node_status
           WHERE node_id = 'eu-1'), '(1234,0,48)', 'a measured load: rows, none placed since, requests a minute');

-- Placement: 300 new tenants onto capacities 1, 1, 2 (ap-south, no load yet).
SELECT fgtest.node('ap-2', 'ap-south') \g /dev/null
SELECT fgtest.node('ap-3', 'ap-south') \g /dev/null
SELECT federation.set_node_capacity('ap-3', 2) \g /dev/null
INSERT INTO federation.tenant_registry (id, name, region) SELECT fgtest.tid(i), 'new ' || i, 'ap-south'
FROM generate_series(1000, 1299) i;
CREATE TEMP TABLE placed AS
SELECT p.node_id FROM generate_series(1000, 1299) i, LATERAL federation.place_tenant(fgtest.tid(i), 'ap-south') p;
SELECT is((SELECT array_agg(n ORDER BY node_id) FROM (SELECT node_id, count(*) n FROM placed GROUP BY 1) c),
          '{75,75,150}', '300 tenants onto capacities 1, 1, 2: 75, 75, 150 (25/25/50%)');
-- A drain's targets follow capacity too: eu-3 of capacity 1000 against eu-2 of 1 takes eu-1's tenants.
SELECT federation.set_node_capacity('eu-3', 1000) \g /dev/null
SELECT is((SELECT count(*) FILTER (WHERE target_node = 'eu-3') FROM federation.plan_moves('drain', 'eu-1')), 16::bigint,
          'a drain''s targets by rendezvous on capacity times placement_weight');

SELECT * FROM finish();
ROLLBACK;
