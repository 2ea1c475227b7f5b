-- A kit serves metadata and verifies only once sealed; kit_meta is the file byte for byte.
BEGIN;
SELECT plan(4);
SELECT fgtest.topology();
CREATE TEMP TABLE k AS SELECT api.issue_kit(fgtest.tid(1), '{"agents": ["edr-sensor"]}') AS j;
SELECT throws_ok($$SELECT api.kit_meta(fgtest.tid(1))$$, 'FG404', NULL, 'no metadata before sealing');
SELECT lives_ok(format($$SELECT api.seal_kit(fgtest.tid(1), '{"kitId": "%s", "metadataJson": "{\"a\":  1}", "archiveSha256": "%s"}')$$,
                       (SELECT j ->> 'kitId' FROM k), repeat('ab', 32)), 'seal_kit');
SELECT is(api.kit_meta(fgtest.tid(1))::text, '{"a":  1}', 'kit_meta returns metadata.json verbatim');
SELECT is(api.kit_verification(fgtest.tid(1), jsonb_build_object('kitId', (SELECT j ->> 'kitId' FROM k))) ->> 'state',
          'issued', 'a sealed kit is issued');
SELECT * FROM finish();
ROLLBACK;
