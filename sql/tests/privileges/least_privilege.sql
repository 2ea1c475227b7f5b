-- Least privilege: a non-superuser role owns everything, tenant tables force
-- row-level security even on it, the gateway's node login executes the api
-- handlers and nothing else, its catalog login reads the catalog and no tenant
-- row, and SECURITY DEFINER functions are owned by fedgate's roles with a
-- pinned search_path.
BEGIN;
SELECT plan(22);
SELECT fgtest.node('eu-1', 'eu-west') \g /dev/null
SELECT fgtest.tenant(1, 'eu-1', 'eu-west') \g /dev/null

SELECT is((SELECT rolsuper OR rolbypassrls OR rolcanlogin FROM pg_roles WHERE rolname = 'fedgate_owner'), false,
          'the owner is no superuser, does not bypass row-level security and cannot log in');
SELECT is(ARRAY(SELECT format('%s %s', c.relkind, c.oid::regclass) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname IN ('api', 'onboarding', 'federation', 'fedgate') AND c.relkind IN ('r', 'v', 'm', 'S', 'p')
                  AND c.relowner <> 'fedgate_owner'::regrole),
          ARRAY[]::text[], 'every table, view and sequence belongs to fedgate_owner');
SELECT is(ARRAY(SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                WHERE n.nspname IN ('api', 'onboarding', 'federation', 'fedgate')
                  AND p.proowner NOT IN ('fedgate_owner'::regrole, 'fedgate_maintainer'::regrole)),
          ARRAY[]::text[], 'every routine belongs to fedgate_owner or fedgate_maintainer');
SELECT is(ARRAY(SELECT n.nspname::text FROM pg_namespace n
                WHERE n.nspname IN ('api', 'onboarding', 'federation', 'fedgate') AND n.nspowner <> 'fedgate_owner'::regrole),
          ARRAY[]::text[], 'and every schema');
SELECT is(ARRAY(SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'onboarding' AND c.relname IN ('tenants', 'tenant_activity', 'bootstrap_kits',
                      'agent_instances', 'agent_heartbeats', 'bootstrap_audit')
                  AND NOT (c.relrowsecurity AND c.relforcerowsecurity)),
          ARRAY[]::text[], 'tenant tables force row-level security');
SELECT is(ARRAY(SELECT format('%s.%s', table_schema, table_name) FROM information_schema.role_table_grants
                WHERE grantee IN ('fedgate_api', 'fedgate_gateway') AND table_schema IN ('onboarding', 'federation', 'fedgate', 'api')),
          ARRAY[]::text[], 'the API role holds no table privilege');
SELECT is(ARRAY(SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                WHERE p.prosecdef AND n.nspname IN ('api', 'onboarding', 'federation', 'fedgate')
                  AND NOT EXISTS (SELECT 1 FROM unnest(p.proconfig) c WHERE c = 'search_path=pg_catalog, pg_temp')),
          ARRAY[]::text[], 'every SECURITY DEFINER routine pins search_path to pg_catalog, pg_temp');
SELECT is(ARRAY(SELECT n.nspname || '.' || p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                WHERE p.prosecdef AND n.nspname IN ('onboarding', 'federation', 'fedgate') ORDER BY 1),
          ARRAY['federation.settle_registrations', 'onboarding.sweep_heartbeats', 'onboarding.tenants_present',
                'onboarding.verify_kit_attempt'],
          'outside the api schema, four SECURITY DEFINER functions');

-- The gateway's node login.
SELECT is(ARRAY(SELECT b.rolname::text FROM pg_auth_members m JOIN pg_roles b ON b.oid = m.roleid
                WHERE m.member = 'fedgate_gateway'::regrole),
          ARRAY['fedgate_api'], 'the gateway''s node login is a member of the API role only');
SET LOCAL ROLE fedgate_gateway;
SELECT is(api.tenant_status(md5('fgtest-tenant-1')::uuid) ->> 'name', 'fgtest tenant 1', 'it executes the handlers');
SELECT throws_ok($$SELECT * FROM onboarding.tenants$$, '42501', NULL, 'it reads no tenant table');
SELECT throws_ok($$SELECT onboarding.claims()$$, '42501', NULL, 'it executes no helper');
SELECT throws_ok($$SELECT onboarding.sweep_heartbeats(10)$$, '42501', NULL, 'nor maintenance');
SELECT throws_ok($$SELECT * FROM federation.federation_nodes$$, '42501', NULL, 'nor reads the catalog');
SELECT throws_ok($$CREATE TABLE api.mine (x int)$$, '42501', NULL, 'nor creates anything in fedgate''s schemas');
RESET ROLE;

-- The gateway's catalog login.
SET LOCAL ROLE fedgate_catalog;
SELECT is((SELECT count(*) FROM federation.federation_nodes WHERE node_id = 'eu-1'), 1::bigint, 'the catalog login reads nodes');
SELECT is((SELECT node_id FROM federation.resolve_node(md5('fgtest-tenant-1')::uuid, NULL)), 'eu-1', 'and resolves tenants');
SELECT lives_ok($$SELECT federation.report_node_health('eu-1', true, 1.5, NULL)$$, 'and reports health');
SELECT throws_ok($$SELECT * FROM onboarding.tenants$$, '42501', NULL, 'it reads no tenant row');
SELECT throws_ok($$SELECT api.tenant_status(md5('fgtest-tenant-1')::uuid)$$, '42501', NULL, 'nor calls a handler');
SELECT throws_ok($$DELETE FROM federation.tenant_registry$$, '42501', NULL, 'nor deletes registrations');
SELECT throws_ok($$SELECT federation.add_node('x-1', 'eu-west', 'self')$$, '42501', NULL, 'nor adds nodes');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
