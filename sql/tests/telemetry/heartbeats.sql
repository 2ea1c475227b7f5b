-- Heartbeats of a registered agent are accepted and aggregated over a window; numbers past their bounds are
-- refused as sent (not after rounding to real).
BEGIN;
SELECT plan(7);
SELECT fgtest.topology();
RESET ROLE;
CREATE TEMP TABLE agent AS
WITH a AS (INSERT INTO onboarding.agent_instances (tenant_id, hostname, agent_type, version)
           VALUES (fgtest.tid(1), 'h1', 'log-shipper', '2.4.1') RETURNING id) SELECT id FROM a;
GRANT SELECT ON agent TO fedgate_api;
SET LOCAL ROLE fedgate_api;
SELECT lives_ok(format($$SELECT api.report_telemetry(fgtest.tid(1), '{"agentId": "%s", "cpuPercent": 50, "status": "degraded"}')$$,
                       (SELECT id FROM agent)), 'report_telemetry');
SELECT is(api.tenant_telemetry(fgtest.tid(1), '{"window": "5m"}') -> 'byStatus',
          '{"ok": 0, "error": 0, "degraded": 1}'::jsonb, 'telemetry aggregates statuses');
SELECT throws_ok($$SELECT api.tenant_telemetry(fgtest.tid(1), '{"window": "forever"}')$$, 'FG400', NULL, 'a bad window');
SELECT throws_ok($$SELECT api.report_telemetry(fgtest.tid(1), '{"agentId": "00000000-0000-0000-0000-000000000000"}')$$,
                 'FG404', NULL, 'an unknown agent');
SELECT throws_ok($$SELECT api.report_telemetry(fgtest.tid(1), '{"agentId": "x"}')$$, 'FG400', 'agentId must be a UUID', 'a malformed agent id');
SELECT throws_ok(format($$SELECT api.report_telemetry(fgtest.tid(1), '{"agentId": "%s", "memoryMb": 1000000001}')$$,
                        (SELECT id FROM agent)), 'FG400', 'memoryMb must be from 0 to 1000000000', 'memoryMb one past its bound');
SELECT throws_ok(format($$SELECT api.report_telemetry(fgtest.tid(1), '{"agentId": "%s", "cpuPercent": 100.000001}')$$,
                        (SELECT id FROM agent)), 'FG400', 'cpuPercent must be from 0 to 100', 'cpuPercent just past 100');
SELECT * FROM finish();
ROLLBACK;
