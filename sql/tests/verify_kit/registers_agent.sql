-- The right token registers the agent (host names folded to lower case) and moves the bootstrap stage.
BEGIN;
SELECT plan(5);
SELECT fgtest.topology();
CREATE TEMP TABLE k AS SELECT fgtest.sealed_kit(fgtest.tid(1), '{"agents": ["edr-sensor"]}') AS j;
SELECT is(api.bootstrap_status(fgtest.tid(1)) ->> 'stage', 'kit_issued', 'bootstrap status moves to kit_issued');
SELECT j ->> 'kitId' AS kit, j ->> 'token' AS token FROM k \gset
CALL api.verify_kit(fgtest.tid(1), jsonb_build_object('kitId', :'kit',
     'token', :'token', 'hostname', 'Host-1', 'agentType', 'edr-sensor', 'version', '5.2.3'), NULL, NULL);
SELECT is(api.tenant_agents(fgtest.tid(1)) -> 'items' -> 0 ->> 'hostname', 'host-1', 'verify_kit registers the agent');
SELECT is(api.bootstrap_status(fgtest.tid(1)) ->> 'stage', 'agent_verified', 'and the stage moves on');
SELECT is(jsonb_array_length(api.bootstrap_audit(fgtest.tid(1)) -> 'items'), 2, 'kit.issued and kit.verify are audited');
SELECT is(api.bootstrap_scan(fgtest.tid(1)) -> 'summary', '{"info": 0, "warning": 0, "critical": 0}'::jsonb,
          'a fresh, current agent: no findings');
SELECT * FROM finish();
ROLLBACK;
