-- The admin API's role: the gateway's catalog login has fedgate_operator's
-- privileges only while it has SET it (NOINHERIT); as fedgate_operator it
-- changes the catalog through the CLI's functions and reads no tenant row.
BEGIN;
SELECT plan(11);
SELECT fgtest.node('eu-1', 'eu-west') \g /dev/null
SELECT fgtest.node('eu-2', 'eu-west') \g /dev/null
SELECT fgtest.tenant(1, 'eu-1', 'eu-west') \g /dev/null

SELECT ok(pg_has_role('fedgate_catalog', 'fedgate_operator', 'MEMBER'), 'the catalog login may SET ROLE fedgate_operator');
SELECT ok(NOT pg_has_role('fedgate_catalog', 'fedgate_operator', 'USAGE'), 'but does not inherit its privileges');
SELECT is((SELECT rolcanlogin FROM pg_roles WHERE rolname = 'fedgate_operator'), false, 'fedgate_operator cannot log in');

SET LOCAL ROLE fedgate_catalog;
SELECT throws_ok($$SELECT * FROM federation.set_node_status('eu-2', 'draining')$$, '42501', NULL,
                 'without it, the catalog login changes no node');
RESET ROLE;

SET LOCAL ROLE fedgate_operator;
SELECT is((SELECT status FROM federation.set_node_status('eu-2', 'draining')), 'draining', 'as the operator: node status');
SELECT lives_ok($$SELECT * FROM federation.add_route(md5('fgtest-tenant-1')::uuid, 'eu-west', 'eu-2', 40, false, p_shared_data => true)$$, 'routing rules');
SELECT is(federation.remove_route(md5('fgtest-tenant-1')::uuid, 'eu-west', 'eu-2'), true, 'removed again');
SELECT is((SELECT status FROM federation.set_tenant_status(md5('fgtest-tenant-1')::uuid, 'suspended')), 'suspended', 'tenant status');
SELECT lives_ok($$SELECT * FROM federation.explain_route(md5('fgtest-tenant-1')::uuid, 'eu-west')$$, 'explanations');
SELECT throws_ok($$SELECT * FROM onboarding.tenants$$, '42501', NULL, 'no tenant row');
SELECT throws_ok($$CREATE TABLE federation.mine (x int)$$, '42501', NULL, 'nor a table of its own');
RESET ROLE;

SELECT * FROM finish();
ROLLBACK;
