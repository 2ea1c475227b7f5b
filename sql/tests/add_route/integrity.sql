-- A routing rule names a node that holds the tenant's data: its own node, or one
-- the operator declared to serve the same database (recorded on the rule). Any
-- other is refused with the fix; a rule made otherwise (an earlier release, a
-- direct insert) is listed by federation_rule_problems.
BEGIN;
SELECT plan(6);
SELECT fgtest.node('eu-1', 'eu-west') \g /dev/null
SELECT fgtest.node('ap-1', 'ap-south') \g /dev/null
SELECT fgtest.node('ap-2', 'ap-south') \g /dev/null
SELECT fgtest.tenant(1, 'eu-1', 'eu-west') \g /dev/null
SELECT throws_like($$SELECT * FROM federation.add_route(md5('fgtest-tenant-1')::uuid, 'ap-south', 'ap-1')$$,
                   '%does not hold tenant%its node is eu-1%', 'a rule to a node without the tenant''s data is refused');
SELECT is((SELECT shared_data FROM federation.add_route(fgtest.tid(1), 'ap-south', 'eu-1')), false,
          'a rule to its own node is taken');
SELECT is((SELECT shared_data FROM federation.add_route(fgtest.tid(1), 'ap-south', 'ap-1', 50, p_shared_data => true)),
          true, 'a node declared to serve the same data is taken, and the rule says so');
INSERT INTO federation.federation_routing (tenant_id, region, node_id, weight) VALUES (fgtest.tid(1), 'ap-south', 'ap-2', 10);
SELECT is((SELECT array_agg(node_id) FROM federation_rule_problems WHERE tenant_id = fgtest.tid(1)), ARRAY['ap-2'],
          'a rule made otherwise is a problem to fix; the declared one is not');
SELECT ok((SELECT problem FROM federation_rule_problems WHERE tenant_id = fgtest.tid(1)) LIKE '%--shared-data%',
          'the problem says how to fix it');
SELECT is((SELECT node_id FROM federation.resolve_node(fgtest.tid(1), 'eu-west')), 'eu-1',
          'the tenant''s own region still goes to its node');
SELECT * FROM finish();
ROLLBACK;
