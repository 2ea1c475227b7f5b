-- report_node_health keeps the health state DBAs query.
BEGIN;
SELECT plan(9);

SELECT fgtest.node('eu-1', 'eu-west');
SELECT report_node_health('eu-1', false, NULL, 'connection refused');
SELECT report_node_health('eu-1', false, NULL, 'timeout');
SELECT results_eq($$SELECT health, consecutive_failures, last_error, serving FROM federation_node_status WHERE node_id = 'eu-1'$$,
                  $$VALUES ('unhealthy'::text, 2, 'timeout'::text, false)$$,
                  'failures count up and keep the last error; the node does not serve');
SELECT report_node_health('eu-1', true, 2.5, NULL);
SELECT results_eq($$SELECT health, consecutive_failures, latency_ms, serving FROM federation_node_status WHERE node_id = 'eu-1'$$,
                  $$VALUES ('healthy'::text, 0, 2.5::real, true)$$, 'a healthy report resets the count');
SELECT is((SELECT last_error FROM federation_node_health WHERE node_id = 'eu-1'), 'timeout',
          'the last error stays visible after recovery');
SELECT is((SELECT health FROM federation_node_status WHERE node_id = 'default'), 'unknown',
          'a node never checked is unknown');
SELECT is(health_state(false, now() - interval '1 hour'), 'stale', 'an old report is stale');
SELECT is(health_state(false, now()), 'unhealthy', 'a fresh failed report is unhealthy');
SELECT throws_ok($$SELECT report_node_health('nowhere', true)$$, 'FG404', NULL, 'unknown node: FG404');
SELECT throws_ok($$SELECT report_node_health('eu-1', NULL)$$, 'FG400', NULL, 'healthy must be given');
SELECT is(length((SELECT last_error FROM report_node_health('eu-1', false, NULL, repeat('x', 5000)))), 500,
          'errors are cut to 500 characters');

SELECT * FROM finish();
ROLLBACK;
