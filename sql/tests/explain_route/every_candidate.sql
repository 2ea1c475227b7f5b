-- explain_route: every candidate, chosen, skipped (and why) or standing by.
BEGIN;
SELECT plan(7);

SELECT fgtest.node('eu-1', 'eu-west');
SELECT fgtest.node('ap-1', 'ap-south');
SELECT fgtest.node('ap-2', 'ap-south');
SELECT fgtest.tenant(1, 'eu-1', 'eu-west');
SELECT add_route(fgtest.tid(1), 'ap-south', 'ap-1', 100, true, p_shared_data => true);
SELECT add_route(fgtest.tid(1), 'ap-south', 'ap-2', 100, p_shared_data => true);
SELECT set_node_status('ap-1', 'down');

SELECT results_eq(
    $$SELECT node_id, decision FROM explain_route(md5('fgtest-tenant-1')::uuid, 'ap-south') ORDER BY ord$$,
    $$VALUES ('ap-1'::text, 'skipped'::text), ('ap-2', 'chosen'), ('eu-1', 'standby')$$,
    'the down primary rule is skipped, the next is chosen, the primary node stands by');
SELECT is((SELECT why FROM explain_route(fgtest.tid(1), 'ap-south') WHERE node_id = 'ap-1'),
          'node status is down', 'a skipped candidate says why');
SELECT is((SELECT why FROM explain_route(fgtest.tid(1), 'ap-south') WHERE node_id = 'ap-2'),
          'failover: every earlier candidate is out', 'the chosen failover says so');
SELECT is((SELECT node_id FROM explain_route(fgtest.tid(1), 'ap-south') WHERE decision = 'chosen'),
          fgtest.route(fgtest.tid(1), 'ap-south'), 'explain_route agrees with resolve_node');

SELECT fgtest.health('ap-2', false);
SELECT alike((SELECT why FROM explain_route(fgtest.tid(1), 'ap-south') WHERE node_id = 'ap-2'),
             'marked unhealthy by the health monitor%', 'an unhealthy node names the health monitor');

SELECT results_eq($$SELECT decision, why FROM explain_route(md5('unmapped')::uuid, NULL)$$,
                  $$VALUES ('chosen'::text, 'tenant has no row in tenant_federation_map: the default node serves it'::text)$$,
                  'an unmapped tenant: the default node, and why');
SELECT is((SELECT why FROM explain_route(fgtest.tid(1), 'us-east') WHERE decision = 'chosen'),
          'no routing rule for region us-east: the tenant''s primary node serves',
          'a region without rules says so');

SELECT * FROM finish();
ROLLBACK;
