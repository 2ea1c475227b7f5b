-- The second line of defence: every handler checks the caller's claims the
-- gateway set (fedgate.claims) against the tenant it serves, so a gateway bug
-- cannot cross tenants; who acted is recorded.
BEGIN;
SELECT plan(14);
SELECT fgtest.node('eu-2', 'eu-west') \g /dev/null
SELECT fgtest.tenant(2, 'eu-2', 'eu-west') \g /dev/null
SELECT fgtest.topology() \g /dev/null

SELECT fgtest.as_caller('tenant', fgtest.tid(1));
SELECT is(api.tenant_status(fgtest.tid(1)) ->> 'tenantId', fgtest.tid(1)::text, 'a tenant caller reads its own tenant');
SELECT throws_ok(format('SELECT api.tenant_status(%L)', fgtest.tid(2)), 'FG403', NULL,
                 'a tenant caller naming another tenant: FG403');
SELECT throws_ok(format('SELECT api.issue_kit(%L, %L)', fgtest.tid(2), '{"agents": ["log-shipper"]}'), 'FG403', NULL,
                 'nor issues its kits');
SELECT throws_ok(format('SELECT api.create_tenant(%L, %L)', gen_random_uuid(), '{"name": "x", "region": "eu-west"}'),
                 'FG403', NULL, 'only operators create tenants on a node');
RESET ROLE;
SELECT throws_ok($$SELECT api.register_tenant(NULL, '{"name": "x", "region": "eu-west"}')$$, 'FG403', NULL,
                 'nor register them in the catalog');
SELECT throws_ok(format('SELECT api.kit_context(%L)', fgtest.tid(2)), 'FG403', NULL,
                 'a kit''s catalog context is its tenant''s only');
INSERT INTO onboarding.agent_instances (id, tenant_id, hostname, agent_type, version)
VALUES ('00000000-0000-0000-0000-0000000000a1', fgtest.tid(1), 'cc-1', 'log-shipper', '1');
SET LOCAL ROLE fedgate_api;

SELECT fgtest.as_caller('agent', fgtest.tid(1), '00000000-0000-0000-0000-0000000000a1');
SELECT throws_ok(format('SELECT api.tenant_status(%L)', fgtest.tid(1)), 'FG403', NULL,
                 'an agent caller reads nothing of its tenant');
SELECT throws_ok(format('SELECT api.report_telemetry(%L, %L)', fgtest.tid(1),
                        jsonb_build_object('agentId', gen_random_uuid())), 'FG403', NULL,
                 'an agent reports only its own heartbeats');
SELECT fgtest.as_caller('agent', fgtest.tid(1), gen_random_uuid());
SELECT throws_ok(format('SELECT api.report_telemetry(%L, %L)', fgtest.tid(1),
                        jsonb_build_object('agentId', gen_random_uuid())), 'FG401', NULL,
                 'an agent its node does not know is refused (FG401)');

SELECT set_config('fedgate.claims', '', true);
SELECT throws_ok(format('SELECT api.tenant_status(%L)', fgtest.tid(1)), 'FG401', NULL,
                 'no claims: FG401 (only the gateway, or a DBA who says who they are, calls handlers)');

SELECT fgtest.as_caller('operator', NULL, NULL, '192.0.2.77');
SELECT is(api.tenant_status(fgtest.tid(2)) ->> 'tenantId', fgtest.tid(2)::text, 'an operator serves any tenant');
SELECT api.validate_identity(fgtest.tid(2), '{"type": "oidc", "config": {}}') \g /dev/null
SELECT is(api.tenant_activity(fgtest.tid(2)) -> 'items' -> 0 -> 'actor',
          '{"sub": "pgtap-operator", "role": "operator", "address": "192.0.2.77"}'::jsonb,
          'the activity feed records who acted and from where');
SELECT fgtest.as_caller('tenant', fgtest.tid(2), NULL, '192.0.2.78');
SELECT fgtest.sealed_kit(fgtest.tid(2)) \g /dev/null
SELECT is(api.bootstrap_audit(fgtest.tid(2)) -> 'items' -> 0 -> 'actor' ->> 'role', 'tenant', 'so does the audit trail');
SELECT is(api.bootstrap_audit(fgtest.tid(2)) -> 'items' -> 0 -> 'actor' ->> 'address', '192.0.2.78', 'with the address');
SELECT * FROM finish();
ROLLBACK;
