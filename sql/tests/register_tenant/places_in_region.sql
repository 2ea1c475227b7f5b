-- register_tenant: a registry row (provisioning, name trimmed, a fresh id) placed in its region.
BEGIN;
SELECT plan(4);
SELECT fgtest.node('eu-1', 'eu-west');
CREATE TEMP TABLE reg AS SELECT api.register_tenant(NULL, '{"name": "  Acme  ", "region": "eu-west"}') AS r;
SELECT is((SELECT r ->> 'nodeId' FROM reg), 'eu-1', 'register_tenant places the tenant in its region');
SELECT results_eq($$SELECT name, status FROM tenant_registry WHERE id = (SELECT (r ->> 'tenantId')::uuid FROM reg)$$,
                  $$VALUES ('Acme'::text, 'provisioning'::text)$$, 'the registry row is provisioning, name trimmed');
SELECT throws_ok($$SELECT api.register_tenant(gen_random_uuid(), '{"name": "Chosen", "region": "eu-west"}')$$, 'FG400',
                 'a new tenant''s id is assigned by the gateway: do not send one', 'a client-chosen id is refused');
SELECT is(api.register_unplaced_tenant(NULL, '{"name": "Legacy", "region": "eu-west"}') ->> 'nodeId', 'default',
          'an unplaced registration is served by the default node');
SELECT * FROM finish();
ROLLBACK;
