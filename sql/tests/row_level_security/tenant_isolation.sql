-- Tenant isolation: the role the handlers run as (fedgate_owner: they are
-- SECURITY DEFINER, and tenant tables FORCE row-level security) sees only the
-- rows of the tenant its transaction names, even through a query that
-- forgets its WHERE clause; the API role reads no table at all.
BEGIN;
SELECT plan(15);

INSERT INTO onboarding.tenants (id, name, region) VALUES (fgtest.tid(1), 'rls one', 'eu-west'), (fgtest.tid(2), 'rls two', 'eu-west');
INSERT INTO onboarding.tenant_activity (tenant_id, kind) VALUES (fgtest.tid(1), 'a.one'), (fgtest.tid(2), 'a.two'), (fgtest.tid(2), 'a.two');
INSERT INTO onboarding.bootstrap_audit (tenant_id, event, outcome) VALUES (fgtest.tid(1), 'e.one', 'success'), (fgtest.tid(2), 'e.two', 'success');
INSERT INTO onboarding.bootstrap_kits (id, tenant_id, format, agents, regions, token_hash, expires_at)
VALUES (md5('kit-1')::uuid, fgtest.tid(1), 'zip', '{log-shipper}', '{eu-west}', '\x00', now() + interval '1 day'),
       (md5('kit-2')::uuid, fgtest.tid(2), 'zip', '{log-shipper}', '{eu-west}', '\x00', now() + interval '1 day');
INSERT INTO onboarding.agent_instances (tenant_id, hostname, agent_type, version)
VALUES (fgtest.tid(1), 'h1', 'log-shipper', '1'), (fgtest.tid(2), 'h2', 'log-shipper', '1');

SET LOCAL ROLE fedgate_owner;
SELECT is((SELECT count(*) FROM onboarding.tenants), 0::bigint, 'without fedgate.tenant_id even the owner sees nothing');
SELECT is((SELECT count(*) FROM onboarding.tenant_activity), 0::bigint, 'not even activity');

SELECT set_config('fedgate.tenant_id', md5('fgtest-tenant-1')::uuid::text, true);
SELECT is((SELECT array_agg(name) FROM onboarding.tenants), ARRAY['rls one'], 'tenants: only its own row');
SELECT is((SELECT array_agg(kind) FROM onboarding.tenant_activity), ARRAY['a.one'], 'activity: a query without WHERE sees only its own');
SELECT is((SELECT array_agg(event) FROM onboarding.bootstrap_audit), ARRAY['e.one'], 'audit: only its own');
SELECT is((SELECT count(*) FROM onboarding.bootstrap_kits), 1::bigint, 'kits: only its own');
SELECT is((SELECT array_agg(hostname) FROM onboarding.agent_instances), ARRAY['h1'], 'agents: only its own');
SELECT throws_ok($$INSERT INTO onboarding.tenant_activity (tenant_id, kind) VALUES (md5('fgtest-tenant-2')::uuid, 'forged')$$,
                 '42501', NULL, 'writing a row of another tenant is refused');
DELETE FROM onboarding.bootstrap_audit;
UPDATE onboarding.tenant_activity SET kind = 'rewritten';
SELECT is((SELECT array_agg(event) FROM onboarding.bootstrap_audit), ARRAY['e.one'], 'the audit trail is append-only');
SELECT is((SELECT array_agg(kind) FROM onboarding.tenant_activity), ARRAY['a.one'], 'so is the activity feed');
RESET ROLE;

SET LOCAL ROLE fedgate_api;
SELECT throws_ok($$SELECT count(*) FROM onboarding.tenants$$, '42501', NULL, 'the API role reads no tenant table');
SELECT throws_ok($$SELECT count(*) FROM onboarding.agent_types$$, '42501', NULL, 'nor reference data');
SELECT is((SELECT count(*) FROM (SELECT api.tenant_activity(md5('fgtest-tenant-2')::uuid)) s), 1::bigint,
          'it calls handlers: one called for tenant 2 switches the setting to tenant 2');
SELECT is(jsonb_array_length(api.tenant_activity(md5('fgtest-tenant-2')::uuid) -> 'items'), 2,
          'and sees tenant 2''s rows, not tenant 1''s');
RESET ROLE;
SELECT throws_ok($$SELECT api.tenant_status(NULL)$$, 'FG400', 'a tenant id is required', 'handlers need a tenant');

SELECT * FROM finish();
ROLLBACK;
