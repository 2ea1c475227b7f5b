-- A move's verification split at the append-only tables' high-water ids: up to
-- the marks hashed before the fence (tenant_digest_upto, equal to the whole
-- digest of those rows), at the fence only counted, the newer rows hashed.
BEGIN;
SELECT plan(6);
SELECT fgtest.topology() \g /dev/null
RESET ROLE;
INSERT INTO onboarding.tenant_activity (id, tenant_id, kind) OVERRIDING SYSTEM VALUE
SELECT 1000 + i, fgtest.tid(1), 'row.' || i FROM generate_series(1, 5) i;
CREATE TEMP TABLE m AS SELECT onboarding.tenant_marks(fgtest.tid(1)) AS marks;
SELECT is((SELECT (marks ->> 'tenant_activity')::bigint FROM m), 1005::bigint, 'the mark is the tenant''s largest id');
SELECT is((SELECT (row_count, digest)::text FROM onboarding.tenant_digest_upto(fgtest.tid(1), (SELECT marks FROM m))
           WHERE table_name = 'tenant_activity'),
          (SELECT (row_count, digest)::text FROM onboarding.tenant_digest(fgtest.tid(1)) WHERE table_name = 'tenant_activity'),
          'up to the mark: what the whole digest says of those rows');
SELECT is((SELECT (row_count, digest)::text FROM onboarding.tenant_digest(fgtest.tid(1), (SELECT marks FROM m))
           WHERE table_name = 'tenant_activity'), '(5,0)', 'at the fence: counted, nothing past the mark to hash');
INSERT INTO onboarding.tenant_activity (id, tenant_id, kind) OVERRIDING SYSTEM VALUE VALUES (1006, fgtest.tid(1), 'row.6');
SELECT is((SELECT row_count FROM onboarding.tenant_digest(fgtest.tid(1), (SELECT marks FROM m))
           WHERE table_name = 'tenant_activity'), 6::bigint, 'a newer row counted');
SELECT isnt((SELECT digest FROM onboarding.tenant_digest(fgtest.tid(1), (SELECT marks FROM m))
             WHERE table_name = 'tenant_activity'), 0::numeric, 'and hashed');
SELECT set_eq($$SELECT * FROM onboarding.tenant_digest_after(fgtest.tid(1), (SELECT marks FROM m),
                   (SELECT jsonb_object_agg(table_name, row_count) FROM onboarding.tenant_counts_upto(fgtest.tid(1), (SELECT marks FROM m))))$$,
              $$SELECT * FROM onboarding.tenant_digest(fgtest.tid(1), (SELECT marks FROM m))$$,
              'in two parts (the counts up to the marks taken first): the same digest');
SELECT * FROM finish();
ROLLBACK;
