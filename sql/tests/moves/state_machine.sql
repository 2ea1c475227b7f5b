-- A move is a state machine in the catalog: one open move per tenant, only
-- the transitions that exist, compare-and-set on the state, abort only
-- before the switch, and the switch of map and rules in one transaction.
BEGIN;
SELECT plan(20);
SELECT fgtest.node('eu-1', 'eu-west') \g /dev/null
SELECT fgtest.node('eu-2', 'eu-west') \g /dev/null
SELECT fgtest.node('ap-1', 'ap-south') \g /dev/null
SELECT fgtest.node('eu-3', 'eu-west', 'draining') \g /dev/null
SELECT fgtest.tenant(1, 'eu-1', 'eu-west') \g /dev/null
SELECT fgtest.legacy_tenant(2) \g /dev/null
SELECT fgtest.capture_notifications() \g /dev/null
CREATE TEMP TABLE mv AS SELECT * FROM federation.start_move(md5('fgtest-tenant-1')::uuid, 'eu-2');

SELECT is((SELECT (source_node, target_node, state)::text FROM mv), '(eu-1,eu-2,copying)',
          'a move starts from the tenant''s node, copying');
SELECT throws_ok($$SELECT federation.start_move(md5('fgtest-tenant-1')::uuid, 'ap-1')$$, 'FG409', NULL,
                 'one open move per tenant');
SELECT throws_ok($$SELECT federation.start_move(md5('fgtest-tenant-2')::uuid, 'eu-3')$$, 'FG409', NULL,
                 'a draining node takes no tenant');
SELECT throws_ok($$SELECT federation.start_move(md5('fgtest-tenant-2')::uuid, 'default')$$, 'FG409', NULL,
                 'nor does the node the tenant is on');
SELECT throws_ok($$SELECT federation.start_move(md5('fgtest-tenant-2')::uuid, 'nowhere')$$, 'FG404', NULL,
                 'an unknown target');
SELECT throws_ok(format('SELECT federation.advance_move(%s, %L, %L)', (SELECT move_id FROM mv), 'copying', 'verifying'),
                 'FG400', NULL, 'copying does not skip the catch-up');
SELECT is((federation.advance_move((SELECT move_id FROM mv), 'copying', 'catching_up',
                                   '{"rowsCopied": {"tenants": 1, "tenant_activity": 40}, "lagBytes": 512}')).state,
          'catching_up', 'copying -> catching_up');
SELECT is((SELECT (rows_copied, lag)::text FROM federation_moves WHERE move_id = (SELECT move_id FROM mv)), '(41,512)',
          'the view sums rows copied and shows the lag');
SELECT throws_ok(format('SELECT federation.advance_move(%s, %L, %L)', (SELECT move_id FROM mv), 'copying', 'catching_up'),
                 'FG409', NULL, 'a second mover advancing from a stale state is refused');
SELECT is((federation.abort_move((SELECT move_id FROM mv), 'changed my mind')).state, 'aborted', 'abort before the switch');
SELECT is((SELECT primary_node_id FROM tenant_federation_map WHERE tenant_id = md5('fgtest-tenant-1')::uuid), 'eu-1',
          'an aborted move leaves the tenant where it was');

-- The whole way, for a legacy tenant (its data on the default node, no map row).
CREATE TEMP TABLE mv2 AS SELECT * FROM federation.start_move(md5('fgtest-tenant-2')::uuid, 'eu-2', true);
SELECT is((SELECT source_node FROM mv2), 'default', 'a legacy tenant moves from the default node');
SELECT federation.advance_move((SELECT move_id FROM mv2), 'copying', 'catching_up') \g /dev/null
SELECT federation.advance_move((SELECT move_id FROM mv2), 'catching_up', 'verifying') \g /dev/null
SELECT throws_ok(format('SELECT federation.switch_move(%s)', (SELECT move_id FROM mv2)), 'FG409', NULL,
                 'no switch before the fence');
SELECT federation.advance_move((SELECT move_id FROM mv2), 'verifying', 'cutover', '{"verify": {"ok": true}}') \g /dev/null
SELECT is((federation.fence_move((SELECT move_id FROM mv2))).fenced_at IS NOT NULL, true, 'the cutover fences the tenant');
SELECT is((SELECT count(*) FROM fgtest_notices WHERE payload ->> 'table' = 'tenant_moves' AND (payload ->> 'fenced')::boolean),
          1::bigint, 'the fence notifies the gateways');
SELECT is((federation.switch_move((SELECT move_id FROM mv2))).state, 'cleanup', 'the switch');
SELECT results_eq($$SELECT primary_node_id::text, primary_region::text FROM tenant_federation_map
                    WHERE tenant_id = md5('fgtest-tenant-2')::uuid$$,
                  $$VALUES ('eu-2', 'eu-west')$$, 'the map names the target');
SELECT is((SELECT node_id FROM federation.resolve_node(md5('fgtest-tenant-2')::uuid, NULL)), 'eu-2',
          'and so does routing');
SELECT throws_ok(format('SELECT federation.abort_move(%s)', (SELECT move_id FROM mv2)), 'FG409', NULL,
                 'past the switch a move only goes forward');
SELECT is((federation.advance_move((SELECT move_id FROM mv2), 'cleanup', 'done')).finished_at IS NOT NULL, true, 'done');
SELECT * FROM finish();
ROLLBACK;
