-- The tenant handler functions.
BEGIN;
SELECT plan(16);

SELECT fgtest.node('eu-1', 'eu-west');

-- Control side: register and place.
CREATE TEMP TABLE reg AS SELECT api.register_tenant(NULL, '{"name": "  Acme  ", "region": "eu-west"}') AS r;
SELECT is((SELECT r ->> 'nodeId' FROM reg), 'eu-1', 'register_tenant places the tenant in its region');
SELECT results_eq($$SELECT name, status FROM tenants WHERE id = (SELECT (r ->> 'tenantId')::uuid FROM reg)$$,
                  $$VALUES ('Acme'::text, 'provisioning'::text)$$, 'the registry row is provisioning, name trimmed');
SELECT throws_ok($$SELECT api.register_tenant(NULL, '{"name": "ACME", "region": "eu-west"}')$$, '23505',
                 'a tenant named "ACME" already exists', 'names are unique, case-insensitively');
SELECT throws_ok($$SELECT api.register_tenant(NULL, '{"name": "Other", "region": "Mars!"}')$$, '23514', NULL,
                 'a malformed region fails the check');
SELECT throws_ok($$SELECT api.register_tenant(NULL, '{"name": "Other", "region": "ap-south"}')$$, 'FG001', NULL,
                 'an unserved region: FG001, nothing registered');
SELECT is((SELECT count(*) FROM tenants WHERE name = 'Other'), 0::bigint, 'a failed registration leaves no row');

-- Node side: create, idempotently.
SELECT lives_ok($$SELECT api.create_tenant((SELECT (r ->> 'tenantId')::uuid FROM reg),
                  '{"name": "Acme", "region": "eu-west", "contactEmail": "a@b.example", "metadata": {"tier": "gold"}}')$$,
                'create_tenant on the node');
SELECT lives_ok($$SELECT api.create_tenant((SELECT (r ->> 'tenantId')::uuid FROM reg),
                  '{"name": "Acme", "region": "eu-west", "contactEmail": "a@b.example", "metadata": {"tier": "gold"}}')$$,
                'a retried create_tenant succeeds');
SELECT is((SELECT count(*) FROM tenant_activity WHERE tenant_id = (SELECT (r ->> 'tenantId')::uuid FROM reg)), 1::bigint,
          'and records tenant.created once');
SELECT is(api.tenant_status((SELECT (r ->> 'tenantId')::uuid FROM reg)) -> 'metadata', '{"tier": "gold"}'::jsonb,
          'tenant_status returns the tenant');
SELECT throws_ok($$SELECT api.tenant_status(gen_random_uuid())$$, 'FG404', NULL, 'an unknown tenant: FG404');
SELECT throws_ok($$SELECT api.create_tenant(NULL, '{"name": "B", "region": "eu-west", "contactEmail": "nope"}')$$,
                 'FG400', 'contactEmail must be an e-mail address', 'bad e-mail: FG400');

-- Undo only what is still provisioning.
SELECT api.confirm_tenant((SELECT (r ->> 'tenantId')::uuid FROM reg));
SELECT is(api.unregister_tenant((SELECT (r ->> 'tenantId')::uuid FROM reg)) -> 'removed', 'false'::jsonb,
          'an active tenant is never unregistered');
CREATE TEMP TABLE reg2 AS SELECT api.register_tenant(NULL, '{"name": "Beta", "region": "eu-west"}') AS r;
SELECT api.unregister_tenant((SELECT (r ->> 'tenantId')::uuid FROM reg2));
SELECT is((SELECT count(*) FROM tenant_federation_map WHERE tenant_id = (SELECT (r ->> 'tenantId')::uuid FROM reg2)),
          0::bigint, 'unregistering removes the map row with the registry row');

-- The federation block of a kit: the map row, or the default node for an unmapped tenant.
UPDATE tenant_federation_map SET federation_metadata = '{"tier": "gold"}' WHERE tenant_id = (SELECT (r ->> 'tenantId')::uuid FROM reg);
SELECT is(api.federation_info((SELECT (r ->> 'tenantId')::uuid FROM reg)),
          '{"metadata": {"tier": "gold"}, "primaryNodeId": "eu-1", "primaryRegion": "eu-west"}'::jsonb,
          'federation_info: primary node, region and metadata of a mapped tenant');
SELECT is(api.federation_info(gen_random_uuid()),
          '{"metadata": {}, "primaryNodeId": "default", "primaryRegion": "us-east"}'::jsonb,
          'federation_info: the default node for an unmapped tenant');

SELECT * FROM finish();
ROLLBACK;
