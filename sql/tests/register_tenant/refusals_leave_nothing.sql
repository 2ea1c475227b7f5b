-- A refused registration (taken name, malformed or unserved region) leaves no row.
BEGIN;
SELECT plan(4);
SELECT fgtest.node('eu-1', 'eu-west');
SELECT api.register_tenant(NULL, '{"name": "Acme", "region": "eu-west"}');
SELECT throws_ok($$SELECT api.register_tenant(NULL, '{"name": "ACME", "region": "eu-west"}')$$, '23505',
                 'a tenant named "ACME" already exists', 'names are unique, case-insensitively');
SELECT throws_ok($$SELECT api.register_tenant(NULL, '{"name": "Other", "region": "Mars!"}')$$, 'FG400',
                 'region must be a lower-case region code', 'a malformed region names the field');
SELECT throws_ok($$SELECT api.register_tenant(NULL, '{"name": "Other", "region": "ap-south"}')$$, 'FG001', NULL,
                 'an unserved region: FG001');
SELECT is((SELECT count(*) FROM tenant_registry WHERE name = 'Other'), 0::bigint, 'a failed registration leaves no row');
SELECT * FROM finish();
ROLLBACK;
