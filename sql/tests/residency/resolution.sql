-- resolve_node never chooses a node outside a restricted tenant's residency: with every node inside it
-- out, no row (the gateway answers 503), never a neighbour region; explain_route says why a candidate was
-- skipped. An unrestricted tenant with the same rules fails over as before; an override is honoured.
BEGIN;
SELECT plan(9);
SELECT fgtest.node('eu-1', 'eu-west') \g /dev/null
SELECT fgtest.node('eu-2', 'eu-west') \g /dev/null
SELECT fgtest.tenant(1, 'eu-1', 'eu-west') \g /dev/null
SELECT fgtest.tenant(2, 'eu-1', 'eu-west') \g /dev/null
-- Rules of the tenant's region to eu-2 (the same database, declared): its failover inside eu-west.
SELECT federation.add_route(fgtest.tid(t), 'eu-west', 'eu-2', 10, p_shared_data => true)
FROM generate_series(1, 2) t \g /dev/null
SELECT * FROM federation.set_residency(fgtest.tid(1), '{eu-west}') \g /dev/null

SELECT is(fgtest.route_reason(fgtest.tid(1)), 'eu-1/tenant_primary', 'a restricted tenant at home resolves as before');
-- eu-2 is re-registered in ap-south (a node moved regions under its rules).
UPDATE federation.federation_nodes SET region = 'ap-south' WHERE node_id = 'eu-2';
SELECT fgtest.health('eu-1', false) \g /dev/null
SELECT is(fgtest.route(fgtest.tid(1)), NULL, 'its node down and its only other node outside eu-west: no node, not ap-south');
SELECT is(fgtest.route_reason(fgtest.tid(2)), 'eu-2/failover', 'an unrestricted tenant with the same rules fails over there');
SELECT is((SELECT why FROM federation.explain_route(fgtest.tid(1)) WHERE node_id = 'eu-2'),
          'region ap-south is outside the tenant''s residency (eu-west)', 'explain_route names residency as the reason');
SELECT is((SELECT count(*)::integer FROM federation.resolve_node_full(fgtest.tid(1))), 0, 'the full walk agrees');

-- Its node itself re-registered outside: the fast path does not take it either.
SELECT fgtest.health('eu-1', true) \g /dev/null
UPDATE federation.federation_nodes SET region = 'ap-south' WHERE node_id = 'eu-1';
SELECT is(fgtest.route(fgtest.tid(1)), NULL, 'a primary node outside the residency is never chosen');
-- An override on the rule is an operator's recorded exception: honoured.
UPDATE federation.federation_routing SET residency_override = 'eu-2 runs in ap-south until Friday'
WHERE tenant_id = fgtest.tid(1) AND node_id = 'eu-2';
SELECT is(fgtest.route_reason(fgtest.tid(1)), 'eu-2/failover', 'an overridden rule is taken');

-- An unmapped tenant whose residency excludes the default node's region: no node either.
SELECT fgtest.legacy_tenant(3) \g /dev/null
UPDATE federation.federation_nodes SET region = 'ap-south' WHERE node_id = 'default';
SELECT throws_ok($$UPDATE federation.tenant_registry SET residency = '{eu-west}' WHERE id = fgtest.tid(3)$$, 'FG451', NULL,
                 'an unmapped tenant''s policy must include the default node''s region');
UPDATE federation.federation_nodes SET region = 'us-east' WHERE node_id = 'default';
UPDATE federation.tenant_registry SET residency = '{us-east}' WHERE id = fgtest.tid(3);
UPDATE federation.federation_nodes SET region = 'eu-west' WHERE node_id = 'default';
SELECT is(fgtest.route(fgtest.tid(3)), NULL, 'and when the default node is re-registered outside it, it is not served');
SELECT * FROM finish();
ROLLBACK;
