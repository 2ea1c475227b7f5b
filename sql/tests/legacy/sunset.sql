-- Retiring the legacy namespace: a sunset date (and since when it is deprecated), off and on for one
-- tenant or everyone, usage added up per minute, tenant (or none) and client, and what off would break.
BEGIN;
SELECT plan(12);
SELECT fgtest.node('eu-1', 'eu-west') \g /dev/null
SELECT fgtest.legacy_tenant(1) \g /dev/null
SELECT fgtest.legacy_tenant(2) \g /dev/null
SELECT fgtest.tenant(3, 'eu-1', 'eu-west') \g /dev/null

SELECT is((SELECT (sunset_date, deprecated_at IS NOT NULL)::text FROM federation.set_legacy_sunset('2027-06-30')),
          '(2027-06-30,t)', 'a sunset date, deprecated from now');
SELECT is((SELECT deprecated_at FROM federation.set_legacy_sunset('2027-09-30')),
          (SELECT deprecated_at FROM federation.legacy_policy), 'a later date keeps when it was deprecated');
SELECT is((SELECT (sunset_date, deprecated_at)::text FROM federation.set_legacy_sunset(NULL)), '(,)', 'lifted');
SELECT throws_ok($$UPDATE federation.legacy_policy SET deprecated_at = NULL, sunset_date = '2027-01-01'$$, '23514', NULL,
                 'a sunset always says since when it was deprecated');

SELECT is(federation.legacy_off(fgtest.tid(1)), 1::bigint, 'off for one tenant');
SELECT is(federation.legacy_off(fgtest.tid(1)), 0::bigint, 'again: nothing new');
SELECT throws_ok($$SELECT federation.legacy_off(gen_random_uuid())$$, 'FG404', NULL, 'an unknown tenant');

SELECT federation.report_legacy_usage(jsonb_build_array(
    jsonb_build_object('tenant', fgtest.tid(1), 'client', 'tenant:a', 'requests', 3, 'refused', 3, 'last_seen', now()),
    jsonb_build_object('tenant', fgtest.tid(2), 'client', 'operator:ops', 'requests', 5, 'refused', 0, 'last_seen', now()),
    jsonb_build_object('tenant', NULL, 'client', 'operator:ops', 'requests', 2, 'refused', 0, 'last_seen', now()))) \g /dev/null
SELECT federation.report_legacy_usage(jsonb_build_array(
    jsonb_build_object('tenant', NULL, 'client', 'operator:ops', 'requests', 1, 'refused', 0, 'last_seen', now()))) \g /dev/null
SELECT is((SELECT requests_24h FROM federation_legacy_usage WHERE tenant_id IS NULL), 3::numeric,
          'calls that name no tenant add up too (one row)');
SELECT is((SELECT (requests_1h, refused_24h)::text FROM federation_legacy_usage WHERE tenant_id = fgtest.tid(1)), '(3,3)',
          'per tenant and client, refused ones counted');
SELECT is((SELECT (tenants_off, tenants_on_default, calls_24h, clients_24h)::text FROM federation.legacy_status()),
          '(1,2,11,2)', 'the status: whom it is off for, who is still on the default node, the calls');
SELECT ok((SELECT would_break LIKE 'yes: 1 client(s)%' FROM federation.legacy_status()),
          'off now would break the client whose calls were answered');
SELECT federation.legacy_off() \g /dev/null
SELECT is((SELECT would_break FROM federation.legacy_status()), 'no: the legacy routes are off for everyone',
          'off for everyone');
SELECT * FROM finish();
ROLLBACK;
