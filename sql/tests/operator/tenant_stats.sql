-- Per-tenant figures: gateways' batches add up by the minute, the view ranks
-- the busiest tenants per node, a day is kept, bad batches are refused.
BEGIN;
SELECT plan(9);
SELECT fgtest.node('eu-1', 'eu-west') \g /dev/null
SELECT fgtest.tenant(1, 'eu-1', 'eu-west') \g /dev/null
SELECT fgtest.tenant(2, 'eu-1', 'eu-west') \g /dev/null

INSERT INTO federation.tenant_request_stats VALUES (now() - interval '2 days', 'eu-1', fgtest.tid(1), 5, 0, 5, 1);

SET LOCAL ROLE fedgate_catalog;
SELECT is(federation.report_tenant_stats(jsonb_build_array(
    jsonb_build_object('tenant', md5('fgtest-tenant-1')::uuid, 'node', 'eu-1', 'requests', 10, 'errors', 1, 'total_ms', 50, 'max_ms', 20),
    jsonb_build_object('tenant', md5('fgtest-tenant-2')::uuid, 'node', 'eu-1', 'requests', 3, 'errors', 0, 'total_ms', 3, 'max_ms', 2),
    jsonb_build_object('tenant', md5('fgtest-tenant-2')::uuid, 'node', 'eu-1', 'requests', 0, 'errors', 0, 'total_ms', 0, 'max_ms', 0))),
    2, 'the gateway''s catalog login reports a batch (empty entries skipped)');
SELECT is(federation.report_tenant_stats(jsonb_build_array(
    jsonb_build_object('tenant', md5('fgtest-tenant-1')::uuid, 'node', 'eu-1', 'requests', 5, 'errors', 0, 'total_ms', 10, 'max_ms', 30),
    jsonb_build_object('tenant', md5('fgtest-tenant-1')::uuid, 'node', 'eu-1', 'requests', 1, 'errors', 0, 'total_ms', 1, 'max_ms', 1))),
    1, 'another worker''s batch in the same minute adds to the same row');
SELECT throws_ok($$SELECT federation.report_tenant_stats('{"tenant": 1}')$$, '22023', NULL, 'a batch is an array');
SELECT throws_ok($$DELETE FROM federation.tenant_registry$$, '42501', NULL, 'the login still changes nothing else');
RESET ROLE;

SELECT is((SELECT count(*) FROM federation.tenant_request_stats WHERE period < now() - interval '1 day'), 0::bigint,
          'minutes older than a day are gone');
SELECT results_eq($$SELECT tenant_id, rank_on_node, requests_1m, errors_1h, max_ms_1h FROM federation.federation_tenant_stats
                    WHERE node_id = 'eu-1' ORDER BY rank_on_node$$,
                  $$VALUES (md5('fgtest-tenant-1')::uuid, 1::bigint, 16::numeric, 1::numeric, 30::numeric),
                           (md5('fgtest-tenant-2')::uuid, 2::bigint, 3::numeric, 0::numeric, 2::numeric)$$,
                  'the busiest tenant first, with its requests, errors and worst latency');
SELECT is((SELECT avg_ms_1h FROM federation.federation_tenant_stats WHERE tenant_id = md5('fgtest-tenant-1')::uuid), 3.81,
          'mean latency over the hour (61 ms / 16 requests)');
SELECT is((SELECT tenant_name FROM federation.federation_tenant_stats WHERE tenant_id = md5('fgtest-tenant-2')::uuid), 'fgtest tenant 2',
          'named from the registry');
SELECT ok(obj_description('federation.federation_tenant_stats'::regclass) IS NOT NULL, 'the view is documented');

SELECT * FROM finish();
ROLLBACK;
