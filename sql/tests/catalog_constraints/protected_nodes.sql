-- The default node cannot be deleted or renamed; a node with tenants cannot be deleted; an empty one can.
BEGIN;
SELECT plan(4);
SELECT fgtest.node('eu-1', 'eu-west');
SELECT fgtest.node('eu-2', 'eu-west');
SELECT fgtest.tenant(1, 'eu-1', 'eu-west');
SELECT throws_ok($$DELETE FROM federation_nodes WHERE node_id = 'default'$$, 'FG004',
                 'the default node cannot be deleted or renamed', 'the default node is undeletable');
SELECT throws_ok($$UPDATE federation_nodes SET node_id = 'control' WHERE node_id = 'default'$$, 'FG004', NULL,
                 'the default node cannot be renamed');
SELECT throws_ok($$DELETE FROM federation_nodes WHERE node_id = 'eu-1'$$, 'FG004',
                 'node eu-1 still holds 1 tenant(s) and 1 routing rule(s)', 'a node with tenants is not deletable');
SELECT lives_ok($$DELETE FROM federation_nodes WHERE node_id = 'eu-2'$$, 'an empty node can be deleted');
SELECT * FROM finish();
ROLLBACK;
