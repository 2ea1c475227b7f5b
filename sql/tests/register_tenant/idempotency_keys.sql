-- A creation's Idempotency-Key names one registration per caller: sent again it
-- replays that registration (never a second tenant, never a second placement),
-- with another body it is refused; stale registrations are settled from what
-- their node holds.
BEGIN;
SELECT plan(16);
SELECT fgtest.node('eu-1', 'eu-west') \g /dev/null

CREATE TEMP TABLE first AS
SELECT api.register_tenant(NULL, '{"name": "Acme", "region": "eu-west", "idempotencyKey": "k-1"}') AS r;
SELECT is((SELECT r ->> 'replayed' FROM first), 'false', 'a new key registers');
SELECT is((SELECT r ->> 'status' FROM first), 'provisioning', 'as provisioning');
CREATE TEMP TABLE again AS
SELECT api.register_tenant(NULL, '{"region": "eu-west", "name": "Acme", "idempotencyKey": "k-1"}') AS r;
SELECT is((SELECT r ->> 'tenantId' FROM again), (SELECT r ->> 'tenantId' FROM first),
          'the same key and body (in any key order): the same tenant');
SELECT is((SELECT r ->> 'replayed' FROM again), 'true', 'reported as a replay');
SELECT is((SELECT r ->> 'nodeId' FROM again), 'eu-1', 'with the node it was placed on');
SELECT is((SELECT count(*) FROM tenant_registry WHERE name = 'Acme'), 1::bigint, 'one registry row');
SELECT is((SELECT count(*) FROM tenant_federation_map WHERE tenant_id = (SELECT (r ->> 'tenantId')::uuid FROM first)),
          1::bigint, 'one placement');
SELECT throws_ok($$SELECT api.register_tenant(NULL, '{"name": "Acme2", "region": "eu-west", "idempotencyKey": "k-1"}')$$,
                 'FG422', 'this Idempotency-Key was sent with another request body', 'the same key with another body: FG422');
SELECT throws_ok($$SELECT api.register_tenant(NULL, '{"name": "Zed", "region": "eu-west", "idempotencyKey": "a key"}')$$,
                 'FG400', NULL, 'a key with a space is refused');
SELECT set_config('fedgate.claims', '{"role": "operator", "sub": "someone-else"}', true);
SELECT isnt((api.register_tenant(NULL, '{"name": "Beta", "region": "eu-west", "idempotencyKey": "k-1"}') ->> 'tenantId'),
            (SELECT r ->> 'tenantId' FROM first), 'keys are scoped to their caller');
SELECT set_config('fedgate.claims', '{"role": "operator", "sub": "pgtap"}', true);

-- The reconciler's side.
UPDATE tenant_registry SET created_at = now() - interval '5 minutes' WHERE name IN ('Acme', 'Beta');
SELECT set_eq($$SELECT tenant_id FROM federation.stale_registrations('1 minute')$$,
              $$SELECT id FROM tenant_registry WHERE name IN ('Acme', 'Beta')$$, 'stale registrations are listed');
SELECT is((SELECT node_id FROM federation.stale_registrations('1 minute') LIMIT 1), 'eu-1', 'with their node');
SELECT is((SELECT s FROM federation.settle_registrations(
              ARRAY[(SELECT id FROM tenant_registry WHERE name = 'Acme')],
              ARRAY[(SELECT id FROM tenant_registry WHERE name = 'Beta')]) s),
          ROW(1::bigint, 1::bigint), 'what the node holds is confirmed, the rest undone');
SELECT results_eq($$SELECT name, status FROM tenant_registry WHERE name IN ('Acme', 'Beta')$$,
                  $$VALUES ('Acme', 'active')$$, 'Acme active, Beta gone');
SELECT is((SELECT s FROM federation.settle_registrations(NULL, ARRAY[(SELECT id FROM tenant_registry WHERE name = 'Acme')]) s),
          ROW(0::bigint, 0::bigint), 'an active tenant is never undone');
SET LOCAL ROLE fedgate_api;
SELECT throws_ok($$SELECT onboarding.tenants_present(ARRAY[gen_random_uuid()])$$, '42501', NULL,
                 'the API role cannot list tenants across the node');
SELECT * FROM finish();
ROLLBACK;
