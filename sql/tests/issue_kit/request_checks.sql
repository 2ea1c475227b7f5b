-- issue_kit: the kit row and its enrollment token; bad requests name the field.
BEGIN;
SELECT plan(6);
SELECT fgtest.topology();
CREATE TEMP TABLE k AS SELECT api.issue_kit(fgtest.tid(1), '{"agents": ["log-shipper", "edr-sensor"], "format": "tar.gz"}') AS j;
SELECT is((SELECT jsonb_array_length(j -> 'agents') FROM k), 2, 'issue_kit returns the agents');
SELECT is((SELECT j -> 'regions' ->> 0 FROM k), 'eu-west', 'regions default to the tenant''s region');
SELECT ok((SELECT length(j ->> 'token') >= 40 FROM k), 'a long random token');
SELECT throws_ok($$SELECT api.issue_kit(fgtest.tid(1), '{"agents": ["nope"]}')$$, 'FG400',
                 'unknown agent type(s): nope', 'unknown agent types are named');
SELECT throws_ok($$SELECT api.issue_kit(fgtest.tid(1), '{"agents": []}')$$, 'FG400', NULL, 'at least one agent');
SELECT throws_ok($$SELECT api.issue_kit(fgtest.tid(1), '{"agents": ["log-shipper"], "format": "rar"}')$$, 'FG400',
                 'format must be zip or tar.gz', 'a known format');
SELECT * FROM finish();
ROLLBACK;
