-- A tenant's fleet-wide quotas: a rate with a burst (the rate when not given), calls in flight; figures
-- out of range refused, unknown tenants refused, every change notified to the
-- gateways, an instance registering or stopping notified too, lifted by clear.
BEGIN;
SELECT plan(11);
SELECT fgtest.node('eu-1', 'eu-west') \g /dev/null
SELECT fgtest.tenant(1, 'eu-1', 'eu-west') \g /dev/null
SELECT fgtest.capture_notifications() \g /dev/null

SELECT is((SELECT (requests_per_second, burst)::text FROM federation.set_tenant_limit(fgtest.tid(1), 20)), '(20,20)',
          'a quota without a burst bursts its rate');
SELECT is((SELECT (requests_per_second, burst)::text FROM federation.set_tenant_limit(fgtest.tid(1), 20, 40)),
          '(20,40)', 'set again: replaced');
SELECT throws_ok($$SELECT federation.set_tenant_limit(md5('fgtest-tenant-1')::uuid, 0)$$, 'FG400', NULL,
                 'a rate of 0 is refused');
SELECT throws_ok($$SELECT federation.set_tenant_limit(md5('fgtest-tenant-1')::uuid, 5, 0.5)$$, 'FG400', NULL,
                 'a burst under 1 too');
SELECT throws_ok($$SELECT federation.set_tenant_limit(md5('nobody')::uuid, 5)$$, 'FG404', NULL,
                 'an unknown tenant too');
SELECT throws_ok($$SELECT federation.set_tenant_limit(md5('fgtest-tenant-1')::uuid, NULL)$$, 'FG400', NULL,
                 'a quota of nothing too');
SELECT is((SELECT (requests_per_second, burst, max_inflight)::text
           FROM federation.set_tenant_limit(fgtest.tid(1), NULL, NULL, 4)), '(,,4)',
          'calls in flight alone: the rate quota goes');
SELECT is((SELECT count(*) FROM fgtest_notices WHERE payload ->> 'table' = 'tenant_limits'), 3::bigint,
          'each change is notified');
SELECT federation.instance_heartbeat(repeat('a', 32), 'h', 1, 'v', 2, '15 seconds', now()) \g /dev/null
SELECT federation.instance_heartbeat(repeat('a', 32), 'h', 1, 'v', 2, '15 seconds', now()) \g /dev/null
SELECT federation.instance_stopped(repeat('a', 32)) \g /dev/null
SELECT is((SELECT count(*) FROM fgtest_notices WHERE payload ->> 'table' = 'gateway_instances'), 2::bigint,
          'an instance registering and stopping is notified, its heartbeats are not');
SELECT ok(federation.clear_tenant_limit(fgtest.tid(1)), 'a quota is lifted');
SELECT ok(NOT federation.clear_tenant_limit(fgtest.tid(1)), 'and lifting none says so');
SELECT * FROM finish();
ROLLBACK;
