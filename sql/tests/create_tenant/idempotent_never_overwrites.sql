-- create_tenant on the node: a retry returns the same row (activity once); a different body never overwrites it.
BEGIN;
SELECT plan(6);
SELECT fgtest.node('eu-1', 'eu-west');
SET LOCAL ROLE fedgate_api;
SELECT lives_ok($$SELECT api.create_tenant(md5('ct')::uuid,
                  '{"name": "Acme", "region": "eu-west", "contactEmail": "a@b.example", "metadata": {"tier": "gold"}}')$$,
                'create_tenant on the node');
SELECT lives_ok($$SELECT api.create_tenant(md5('ct')::uuid,
                  '{"name": "Acme", "region": "eu-west", "contactEmail": "a@b.example", "metadata": {"tier": "gold"}}')$$,
                'a retried create_tenant succeeds');
SELECT is(jsonb_array_length(api.tenant_activity(md5('ct')::uuid) -> 'items'), 1, 'and records tenant.created once');
SELECT throws_ok($$SELECT api.create_tenant(md5('ct')::uuid, '{"name": "Someone Else", "region": "eu-west"}')$$, 'FG409', NULL,
                 'an existing tenant is never overwritten');
SELECT is(api.tenant_status(md5('ct')::uuid) -> 'metadata', '{"tier": "gold"}'::jsonb, 'tenant_status returns the first row');
SELECT throws_ok($$SELECT api.create_tenant(md5('ct2')::uuid, '{"name": "B", "region": "eu-west", "contactEmail": "nope"}')$$,
                 'FG400', 'contactEmail must be an e-mail address', 'bad e-mail: FG400');
SELECT * FROM finish();
ROLLBACK;
