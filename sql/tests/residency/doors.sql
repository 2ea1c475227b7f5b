-- Every door refuses a node outside a restricted tenant's residency, psql's direct writes included:
-- placement, rules (add_route and INSERT), the map, moves, drains, replicas, the legacy namespace.
-- An override is allowed, kept on the row and recorded.
BEGIN;
SELECT plan(16);
SELECT fgtest.node('eu-1', 'eu-west') \g /dev/null
SELECT fgtest.node('eu-2', 'eu-west') \g /dev/null
SELECT fgtest.node('ap-1', 'ap-south') \g /dev/null
SELECT fgtest.tenant(1, 'eu-1', 'eu-west') \g /dev/null
SELECT * FROM federation.set_residency(fgtest.tid(1), '{eu-west}') \g /dev/null

-- rules
SELECT throws_like($$SELECT * FROM federation.add_route(fgtest.tid(1), 'ap-south', 'ap-1', p_shared_data => true)$$,
                   'A rule to node ap-1 (region ap-south) is outside tenant % residency (eu-west)',
                   'add_route refuses a node outside the residency');
SELECT throws_ok($$INSERT INTO federation.federation_routing (tenant_id, region, node_id, shared_data)
                   VALUES (fgtest.tid(1), 'ap-south', 'ap-1', true)$$, 'FG451', NULL,
                 'so does a direct INSERT into the rules (the constraint trigger)');
SELECT is((SELECT residency_override FROM federation.add_route(fgtest.tid(1), 'ap-south', 'ap-1', p_shared_data => true,
                                                                p_override => 'failover drill, ticket 42')),
          'failover drill, ticket 42', 'with an override the rule is taken and keeps the reason');
SELECT is((SELECT residency_override FROM federation.add_route(fgtest.tid(1), 'eu-west', 'eu-1', p_override => 'not needed')),
          NULL, 'an override inside the residency is not kept');

-- the map
SELECT throws_ok($$UPDATE federation.tenant_federation_map SET primary_node_id = 'ap-1' WHERE tenant_id = fgtest.tid(1)$$,
                 'FG451', NULL, 'a direct write of the map outside the residency is refused');

-- placement
INSERT INTO federation.tenant_registry (id, name, region, status, residency)
VALUES (fgtest.tid(2), 'fgtest restricted 2', 'ap-south', 'active', '{eu-west}');
SELECT throws_ok($$SELECT * FROM federation.place_tenant(fgtest.tid(2), 'ap-south')$$, 'FG451', NULL,
                 'placement in a region outside the residency is refused');

-- moves and drains
SELECT throws_like($$SELECT * FROM federation.start_move(fgtest.tid(1), 'ap-1')$$,
                   'Move to node ap-1 (region ap-south) is outside%', 'a move outside the residency is refused');
SELECT is((SELECT residency_override FROM federation.start_move(fgtest.tid(1), 'ap-1', p_override => 'customer asked')),
          'customer asked', 'with an override it starts, carrying the reason');
SELECT federation.abort_move((SELECT move_id FROM federation_moves WHERE tenant_id = fgtest.tid(1) AND state = 'copying')) \g /dev/null
SELECT fgtest.node('ap-2', 'ap-south') \g /dev/null
SELECT fgtest.tenant(3, 'ap-1', 'ap-south') \g /dev/null
SELECT fgtest.tenant(4, 'ap-1', 'ap-south') \g /dev/null
UPDATE federation.tenant_registry SET residency = '{ap-south,eu-west}' WHERE id = fgtest.tid(4);
SELECT results_eq($$SELECT tenant_id, target_node FROM federation.drain_plan('ap-1') ORDER BY 1$$,
                  $$SELECT * FROM (VALUES (fgtest.tid(3), 'ap-2'), (fgtest.tid(4), 'ap-2')) v ORDER BY 1$$,
                  'a drain plans inside each tenant''s residency');

-- replicas
SELECT throws_like($$SELECT * FROM federation.add_replica('eu-1', 'eu-1-r1', 'postgresql://unused/r', '2 s', 'ap-south')$$,
                   'A replica in region ap-south of node eu-1%', 'a replica of the node in another region is refused');
SELECT is((SELECT region FROM federation.add_replica('eu-1', 'eu-1-r2', 'postgresql://unused/r', '2 s')), 'eu-west',
          'a replica is in its node''s region unless told otherwise');
SELECT is((SELECT residency_override FROM federation.add_replica('eu-1', 'eu-1-r3', 'postgresql://unused/r', '2 s',
                                                                  'ap-south', 'read-only analytics copy, DPA 7')),
          'read-only analytics copy, DPA 7', 'with an override it is registered');

-- creation, and the legacy namespace
SET LOCAL fedgate.claims = '{"role": "operator", "sub": "ops"}';
SELECT throws_like($$SELECT api.register_tenant(NULL, '{"name": "r5", "region": "ap-south", "residency": ["eu-west"]}')$$,
                   'the tenant''s region ap-south is outside its residency (eu-west)',
                   'a creation whose residency excludes its region is refused (FG451)');
SELECT throws_ok($$SELECT api.register_tenant(NULL, '{"name": "r6", "region": "eu-west", "residency": []}')$$, 'FG400',
                 'a residency names at least one region', 'an empty residency is a 400');
SELECT throws_like($$SELECT api.register_unplaced_tenant(NULL, '{"name": "r7", "region": "eu-west", "residency": ["eu-west"]}')$$,
                   '%legacy namespace%outside%', 'the legacy namespace refuses a tenant the default node''s region may not serve');

SELECT is((SELECT array_agg(concat_ws(' ', action, node_id, reason) ORDER BY event_id) FROM federation_residency_events
           WHERE decision = 'overridden'),
          ARRAY['route ap-1 failover drill, ticket 42', 'move ap-1 customer asked',
                'replica eu-1 read-only analytics copy, DPA 7 (replica eu-1-r3; 1 restricted tenant(s) of the node)'],
          'every override is recorded with its reason');
SELECT * FROM finish();
ROLLBACK;
