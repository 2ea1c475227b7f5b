-- The role the API handlers run as cannot read node URLs or change routing.
BEGIN;
SELECT plan(8);

SELECT fgtest.node('eu-1', 'eu-west');
SET LOCAL ROLE fedgate_api;

SELECT throws_ok($$SELECT database_url FROM federation_nodes$$, '42501', NULL, 'database_url is not readable');
SELECT throws_ok($$SELECT * FROM federation_nodes$$, '42501', NULL, 'nor through SELECT *');
SELECT lives_ok($$SELECT node_id, region, status FROM federation_nodes$$, 'the other columns are readable');
SELECT lives_ok($$SELECT * FROM federation_node_status$$, 'the node status view is readable (it has no URL)');
SELECT throws_ok($$INSERT INTO federation_routing (tenant_id, region, node_id) VALUES (gen_random_uuid(), 'x', 'eu-1')$$,
                 '42501', NULL, 'routing rules are not writable');
SELECT throws_ok($$UPDATE federation_nodes SET status = 'down'$$, '42501', NULL, 'nodes are not writable');
SELECT throws_ok($$DELETE FROM tenant_federation_map$$, '42501', NULL, 'the map is not writable');
RESET ROLE;
SELECT ok(NOT has_column_privilege('fedgate_api', 'federation_nodes', 'database_url', 'SELECT'),
          'no column privilege on database_url');

SELECT * FROM finish();
ROLLBACK;
