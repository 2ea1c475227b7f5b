-- A scan's answer is bounded: the most severe findings first, at most limit; the summary counts all.
BEGIN;
SELECT plan(5);
SELECT fgtest.topology() \g /dev/null
RESET ROLE;
INSERT INTO onboarding.agent_instances (tenant_id, hostname, agent_type, version, last_seen_at)
SELECT fgtest.tid(1), 'host-' || i, 'log-shipper', '0.0.1', now() - interval '2 days'
FROM generate_series(1, 700) i;  -- each: silent (critical) and drifting (info)
SET LOCAL ROLE fedgate_api;
SELECT is(jsonb_array_length(api.bootstrap_scan(fgtest.tid(1)) -> 'findings'), 100, 'default: 100 findings');
SELECT is(api.bootstrap_scan(fgtest.tid(1)) -> 'summary', '{"critical": 700, "warning": 0, "info": 700}'::jsonb,
          'the summary counts all 1,400');
SELECT ok((api.bootstrap_scan(fgtest.tid(1)) ->> 'truncated')::boolean, 'and says the list is truncated');
SELECT is(jsonb_array_length(api.bootstrap_scan(fgtest.tid(1), '{"limit": "100000"}') -> 'findings'), 500, 'at most 500');
SELECT is((SELECT count(*) FROM jsonb_array_elements(api.bootstrap_scan(fgtest.tid(1)) -> 'findings') e
           WHERE e ->> 'severity' = 'critical'), 100::bigint, 'critical findings come first');
SELECT * FROM finish();
ROLLBACK;
