-- The role the API handlers run as reads nothing of the catalog (no node URL, no
-- routing rule) and runs no DBA function; it calls the control handlers only.
BEGIN;
SELECT plan(9);

SELECT fgtest.node('eu-1', 'eu-west');
SELECT fgtest.tenant(1, 'eu-1', 'eu-west');
SET LOCAL ROLE fedgate_api;

SELECT throws_ok($$SELECT database_url FROM federation.federation_nodes$$, '42501', NULL, 'database_url is not readable');
SELECT throws_ok($$SELECT node_id FROM federation.federation_nodes$$, '42501', NULL, 'nor any column of the node catalog');
SELECT throws_ok($$SELECT * FROM federation.federation_routing$$, '42501', NULL, 'routing rules are not readable');
SELECT throws_ok($$DELETE FROM federation.tenant_federation_map$$, '42501', NULL, 'the map is not writable');
SELECT throws_ok($$SELECT * FROM federation.resolve_node(md5('fgtest-tenant-1')::uuid, NULL)$$, '42501', NULL,
                 'DBA functions are not executable');
SELECT lives_ok($$SELECT api.regions()$$, 'the control handlers are');
SELECT is(api.kit_context(md5('fgtest-tenant-1')::uuid) -> 'federation' ->> 'primaryNodeId', 'eu-1',
          'and read the catalog for it (SECURITY DEFINER)');
RESET ROLE;
SELECT is(ARRAY(SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                WHERE n.nspname IN ('api', 'onboarding', 'federation')
                  AND has_function_privilege('public', p.oid, 'EXECUTE')),
          ARRAY[]::text[], 'no function of fedgate''s schemas is executable by PUBLIC');
SELECT is(ARRAY(SELECT p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                WHERE n.nspname = 'api' AND p.prokind = 'f' AND p.prosecdef
                  AND NOT EXISTS (SELECT 1 FROM unnest(p.proconfig) c WHERE c LIKE 'search_path=%')),
          ARRAY[]::text[], 'every SECURITY DEFINER handler pins its search_path');

SELECT * FROM finish();
ROLLBACK;
