-- kit_context: the federation block (map row, or the default node when unmapped) and region names from the one source.
BEGIN;
SELECT plan(6);
SELECT fgtest.node('eu-1', 'eu-west');
SELECT fgtest.tenant(1, 'eu-1', 'eu-west');
SELECT fgtest.legacy_tenant(2);
UPDATE tenant_federation_map SET federation_metadata = '{"tier": "gold"}' WHERE tenant_id = fgtest.tid(1);
SELECT fgtest.tenant(3, 'eu-1', 'eu-west');
UPDATE tenant_registry SET residency = '{eu-west}' WHERE id = fgtest.tid(3);
SET LOCAL ROLE fedgate_api;
SELECT is(api.kit_context(fgtest.tid(1)) -> 'federation',
          '{"metadata": {"tier": "gold"}, "primaryNodeId": "eu-1", "primaryRegion": "eu-west"}'::jsonb,
          'primary node, region and metadata of a mapped tenant');
SELECT is(api.kit_context(fgtest.tid(2)) -> 'federation',
          '{"metadata": {}, "primaryNodeId": "default", "primaryRegion": "us-east"}'::jsonb,
          'the default node for an unmapped tenant');
SELECT is(api.kit_context(fgtest.tid(3)) -> 'federation' -> 'residency', '["eu-west"]'::jsonb,
          'a restricted tenant''s block carries its residency');
SELECT is(api.kit_context(fgtest.tid(1)) -> 'regions', '[{"code": "eu-west", "displayName": "EU West"}]'::jsonb,
          'regions default to the tenant''s home region, with display names');
SELECT throws_ok($$SELECT api.kit_context(fgtest.tid(1), '{"regions": ["mars"]}')$$, 'FG400', 'unknown region(s): mars',
                 'a region no node serves is refused');
SELECT throws_ok($$SELECT api.kit_context(gen_random_uuid())$$, 'FG404', NULL, 'an unregistered tenant');
SELECT * FROM finish();
ROLLBACK;
