-- A node row: known status, simple id, region code (the domain), unique id, a database URL.
BEGIN;
SELECT plan(5);
SELECT fgtest.node('eu-1', 'eu-west');
SELECT throws_ok($$INSERT INTO federation_nodes (node_id, region, database_url, status) VALUES ('x', 'eu-west', 'u', 'sleeping')$$,
                 '23514', NULL, 'status must be active, draining or down');
SELECT throws_ok($$INSERT INTO federation_nodes (node_id, region, database_url) VALUES ('bad id!', 'eu-west', 'u')$$,
                 '23514', NULL, 'node ids are simple identifiers');
SELECT throws_ok($$INSERT INTO federation_nodes (node_id, region, database_url) VALUES ('y', 'EU West', 'u')$$,
                 '23514', NULL, 'regions are lower-case codes');
SELECT throws_ok($$INSERT INTO federation_nodes (node_id, region, database_url) VALUES ('eu-1', 'eu-west', 'u')$$,
                 '23505', NULL, 'node ids are unique');
SELECT col_not_null('federation', 'federation_nodes', 'database_url', 'database_url is required');
SELECT * FROM finish();
ROLLBACK;
