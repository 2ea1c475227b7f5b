-- unregister_tenant undoes a registration still provisioning (map row and rules with it), never an active tenant.
BEGIN;
SELECT plan(2);
SELECT fgtest.node('eu-1', 'eu-west');
CREATE TEMP TABLE reg AS SELECT (api.register_tenant(NULL, '{"name": "Acme", "region": "eu-west"}') ->> 'tenantId')::uuid AS id;
SELECT api.confirm_tenant((SELECT id FROM reg));
SELECT is(api.unregister_tenant((SELECT id FROM reg)) -> 'removed', 'false'::jsonb, 'an active tenant is never unregistered');
CREATE TEMP TABLE reg2 AS SELECT (api.register_tenant(NULL, '{"name": "Beta", "region": "eu-west"}') ->> 'tenantId')::uuid AS id;
SELECT api.unregister_tenant((SELECT id FROM reg2));
SELECT is((SELECT count(*) FROM tenant_federation_map WHERE tenant_id = (SELECT id FROM reg2)), 0::bigint,
          'unregistering removes the map row with the registry row');
SELECT * FROM finish();
ROLLBACK;
