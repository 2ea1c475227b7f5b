-- A replica serves reads only while the checker finds it healthy and within
-- its lag bound; registrations and changes of usability notify the gateways,
-- lag figures alone do not; the status view never shows a URL.
BEGIN;
SELECT plan(9);
SELECT fgtest.node('eu-1', 'eu-west') \g /dev/null
SELECT fgtest.capture_notifications() \g /dev/null

SELECT throws_ok($$SELECT * FROM federation.add_replica('nowhere', 'r-0', 'host=x')$$, 'FG404', NULL,
                 'a replica of an unknown node is refused');
SELECT is((SELECT max_lag FROM federation.add_replica('eu-1', 'eu-1-r1', 'host=replica dbname=x', '1.5 seconds')),
          interval '1.5 seconds', 'a replica is registered with its lag bound');
SELECT is((SELECT serving_reads FROM federation_replica_status WHERE replica_id = 'eu-1-r1'), false,
          'it serves no read before a check');
SELECT is(federation.report_replica_health('{eu-1-r1}', '{true}', '{0}', '{0}', '{0/3000000}', '{NULL}'), 1,
          'a report');
SELECT is((SELECT serving_reads FROM federation_replica_status WHERE replica_id = 'eu-1-r1'), true,
          'healthy and within its bound: it serves reads');
SELECT federation.report_replica_health('{eu-1-r1}', '{true}', '{8192}', '{2.5}', '{0/3000000}', '{NULL}');
SELECT is((SELECT usable FROM federation_replicas WHERE replica_id = 'eu-1-r1'), false, 'past its bound: no reads');
SELECT federation.report_replica_health('{eu-1-r1}', '{false}', '{NULL}', '{NULL}', '{NULL}', '{"not a replica: promoted"}');
SELECT is((SELECT last_error FROM federation_replica_status WHERE replica_id = 'eu-1-r1'), 'not a replica: promoted',
          'an unhealthy replica keeps its error');
SELECT is((SELECT count(*) FROM fgtest_notices WHERE payload ->> 'table' = 'federation_replicas'), 3::bigint,
          'registration and two flips of usability notified, the unchanged report did not');
SELECT hasnt_column('federation', 'federation_replica_status', 'database_url', 'the status view has no URL');
SELECT * FROM finish();
ROLLBACK;
