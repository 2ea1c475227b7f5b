-- A node refuses a fenced or moved tenant in every handler (FG421, misdirected),
-- and serves it again when the fence lifts; the move helpers are not the API role's.
BEGIN;
SELECT plan(6);
SELECT fgtest.topology() \g /dev/null
RESET ROLE;
SELECT onboarding.set_fence(fgtest.tid(1), 7, 'fenced', 'eu-2');
SET LOCAL ROLE fedgate_api;
SELECT throws_ok($$SELECT api.tenant_status(md5('fgtest-tenant-1')::uuid)$$, 'FG421',
                 format('tenant %s is moving to node eu-2: this node no longer serves it', fgtest.tid(1)),
                 'a fenced tenant''s reads are refused');
SELECT throws_ok($$SELECT api.validate_identity(md5('fgtest-tenant-1')::uuid, '{"type": "oidc", "config": {}}')$$,
                 'FG421', NULL, 'and its writes');
RESET ROLE;
SELECT onboarding.set_fence(fgtest.tid(1), 7, 'moved', 'eu-2');
SET LOCAL ROLE fedgate_api;
SELECT throws_ok($$SELECT api.tenant_status(md5('fgtest-tenant-1')::uuid)$$, 'FG421',
                 format('tenant %s is on node eu-2: this node no longer serves it', fgtest.tid(1)), 'a moved tenant too');
SELECT throws_ok($$SELECT onboarding.purge_tenant(md5('fgtest-tenant-1')::uuid)$$, '42501', NULL,
                 'the API role runs no move helper');
RESET ROLE;
SELECT is(onboarding.lift_fence(fgtest.tid(1)), true, 'the fence lifts');
SET LOCAL ROLE fedgate_api;
SELECT is(api.tenant_status(md5('fgtest-tenant-1')::uuid) ->> 'tenantId', fgtest.tid(1)::text, 'and the tenant is served');
SELECT * FROM finish();
ROLLBACK;
