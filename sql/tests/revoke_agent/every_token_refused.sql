-- revoke_agent and agent_credential: an agent's tokens carry its credential generation; a refresh
-- rotates it, a revocation ends every token at once, enrolling the host again registers it anew.
BEGIN;
SELECT plan(10);
SELECT fgtest.topology();
CREATE TEMP TABLE k AS SELECT fgtest.sealed_kit(fgtest.tid(1), '{"agents": ["log-shipper"]}') AS j;
SELECT j ->> 'kitId' AS kit, j ->> 'token' AS token FROM k \gset
SELECT onboarding.verify_kit_attempt(fgtest.tid(1), jsonb_build_object('kitId', :'kit', 'token', :'token',
       'hostname', 'web-1', 'agentType', 'log-shipper', 'version', '1')) ->> 'agentId' AS agent \gset

-- Generation 1, as enrolled.
SELECT set_config('fedgate.claims', jsonb_build_object('role', 'agent', 'sub', 'a', 'tenant_id', fgtest.tid(1),
                  'agent_id', :'agent', 'agent_gen', 1)::text, true);
SELECT lives_ok(format('SELECT api.report_telemetry(%L, %L)', fgtest.tid(1), jsonb_build_object('agentId', :'agent')),
                'the enrolled agent reports with generation 1');
SELECT is((api.agent_credential(fgtest.tid(1)) ->> 'credentialGeneration')::int, 2, 'a refresh rotates to generation 2');
SELECT throws_ok(format('SELECT api.report_telemetry(%L, %L)', fgtest.tid(1), jsonb_build_object('agentId', :'agent')),
                 'FG401', 'this agent credential was revoked or replaced', 'generation 1 is refused after the refresh');
SELECT set_config('fedgate.claims', jsonb_build_object('role', 'agent', 'sub', 'a', 'tenant_id', fgtest.tid(1),
                  'agent_id', :'agent', 'agent_gen', 2)::text, true);
SELECT lives_ok(format('SELECT api.report_telemetry(%L, %L)', fgtest.tid(1), jsonb_build_object('agentId', :'agent')),
                'generation 2 reports');

-- Revoked by the tenant.
SELECT fgtest.as_caller('tenant', fgtest.tid(1));
SELECT is((api.revoke_agent(fgtest.tid(1), jsonb_build_object('agentId', :'agent')) ->> 'alreadyRevoked')::boolean, false,
          'the tenant revokes its agent');
SELECT is((api.revoke_agent(fgtest.tid(1), jsonb_build_object('agentId', :'agent')) ->> 'alreadyRevoked')::boolean, true,
          'again: the first revocation');
SELECT throws_ok(format('SELECT api.revoke_agent(%L, %L)', fgtest.tid(1), jsonb_build_object('agentId', gen_random_uuid())),
                 'FG404', NULL, 'an agent the tenant does not have: FG404');
SELECT set_config('fedgate.claims', jsonb_build_object('role', 'agent', 'sub', 'a', 'tenant_id', fgtest.tid(1),
                  'agent_id', :'agent', 'agent_gen', 3)::text, true);
SELECT throws_ok(format('SELECT api.report_telemetry(%L, %L)', fgtest.tid(1), jsonb_build_object('agentId', :'agent')),
                 'FG401', NULL, 'a revoked agent is refused whatever generation its token names');

-- The host enrolled again with the kit (no agent credential needed once revoked).
SELECT fgtest.as_caller('enrollment', NULL, NULL, '192.0.2.9');
SELECT is((onboarding.verify_kit_attempt(fgtest.tid(1), jsonb_build_object('kitId', :'kit', 'token', :'token',
           'hostname', 'web-1', 'agentType', 'log-shipper', 'version', '1')) ->> 'credentialGeneration')::int, 4,
          're-enrolled: a new generation');
SELECT fgtest.as_caller('operator');
SELECT ok(api.tenant_agents(fgtest.tid(1)) -> 'items' -> 0 -> 'revokedAt' = 'null'::jsonb, 'and no longer revoked');
SELECT * FROM finish();
ROLLBACK;
