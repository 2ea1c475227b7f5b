-- GET regions: every served region with its display name and node counts, no URL.
BEGIN;
SELECT plan(3);
SELECT fgtest.topology();
SELECT is(jsonb_array_length(api.regions() -> 'items'), 2, 'regions: us-east (default) and eu-west');
SELECT is((SELECT r FROM jsonb_array_elements(api.regions() -> 'items') r WHERE r ->> 'code' = 'eu-west'),
          '{"code": "eu-west", "nodes": 1, "activeNodes": 1, "displayName": "EU West"}'::jsonb, 'a region''s node counts');
SELECT ok(api.regions()::text NOT LIKE '%postgresql://%', 'regions carry no database URL');
SELECT * FROM finish();
ROLLBACK;
