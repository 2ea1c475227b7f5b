-- A tenant's rows keyed and hashed in key order, a batch at a time, within a key
-- range: what a diff of two copies reads. The tenant column names no row of its
-- own; a table that holds no tenant's rows is refused.
BEGIN;
SELECT plan(6);
SELECT fgtest.topology() \g /dev/null
RESET ROLE;
INSERT INTO onboarding.tenant_activity (id, tenant_id, kind) OVERRIDING SYSTEM VALUE
SELECT 1000 + i, fgtest.tid(1), 'row.' || i FROM generate_series(1, 5) i;
SELECT is((SELECT array_agg(row_key::text ORDER BY row_key)
           FROM onboarding.tenant_row_hashes(fgtest.tid(1), 'tenant_activity', '[1000]', NULL, 2)),
          ARRAY['[1001]', '[1002]'], 'the first batch after a key, in key order, without the tenant column');
SELECT is((SELECT array_agg(row_key::text ORDER BY row_key)
           FROM onboarding.tenant_row_hashes(fgtest.tid(1), 'tenant_activity', '[1002]', '[1004]', 100)),
          ARRAY['[1003]', '[1004]'], 'a range: after one key, up to another');
SELECT is((SELECT count(*) FROM onboarding.tenant_row_hashes(fgtest.tid(1), 'tenant_activity', '[1005]', NULL, 100)),
          0::bigint, 'nothing after the last');
SELECT isnt((SELECT row_hash FROM onboarding.tenant_row_hashes(fgtest.tid(1), 'tenant_activity', '[1000]', '[1001]', 1)),
            (SELECT row_hash FROM onboarding.tenant_row_hashes(fgtest.tid(1), 'tenant_activity', '[1001]', '[1002]', 1)),
            'rows of other contents hash apart');
SELECT is((SELECT row_key FROM onboarding.tenant_row_hashes(fgtest.tid(1), 'tenants', NULL, NULL, 10)),
          jsonb_build_array(fgtest.tid(1)), 'the tenants table: the tenant is the key');
SELECT throws_ok($$SELECT * FROM onboarding.tenant_row_hashes(md5('fgtest-tenant-1')::uuid, 'agent_types', NULL, NULL, 1)$$,
                 'FG400', NULL, 'a table without tenant rows is refused');
SELECT * FROM finish();
ROLLBACK;
