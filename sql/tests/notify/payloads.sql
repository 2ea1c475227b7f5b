-- Catalog changes NOTIFY channel fedgate_catalog with what changed.
BEGIN;
SELECT plan(10);

SELECT fgtest.capture_notifications();

SELECT fgtest.node('eu-1', 'eu-west');
SELECT is((SELECT payload FROM fgtest_notices ORDER BY id DESC LIMIT 1),
          '{"op": "insert", "table": "federation_nodes", "node_ids": ["eu-1"], "tenant_ids": []}'::jsonb,
          'a new node names itself');

SELECT fgtest.tenant(1, 'eu-1', 'eu-west');
SELECT is((SELECT payload FROM fgtest_notices WHERE payload ->> 'table' = 'tenant_federation_map'),
          jsonb_build_object('op', 'insert', 'table', 'tenant_federation_map',
                             'node_ids', jsonb_build_array('eu-1'), 'tenant_ids', jsonb_build_array(fgtest.tid(1))),
          'a map row names its tenant and node');

DELETE FROM fgtest_notices;
SELECT add_route(fgtest.tid(1), 'ap-south', 'eu-1', 50, p_shared_data => true);
SELECT is((SELECT payload FROM fgtest_notices),
          jsonb_build_object('op', 'insert', 'table', 'federation_routing',
                             'node_ids', jsonb_build_array('eu-1'), 'tenant_ids', jsonb_build_array(fgtest.tid(1))),
          'a new route names its tenant and node');

DELETE FROM fgtest_notices;
SELECT remove_route(fgtest.tid(1), 'ap-south', 'eu-1');
SELECT is((SELECT payload ->> 'op' FROM fgtest_notices), 'delete', 'a removed route notifies too');

DELETE FROM fgtest_notices;
SELECT set_node_status('eu-1', 'down');
SELECT is((SELECT payload FROM fgtest_notices),
          '{"op": "update", "table": "federation_nodes", "node_ids": ["eu-1"], "tenant_ids": []}'::jsonb,
          'a status change names the node');

DELETE FROM fgtest_notices;
UPDATE federation_routing SET weight = 7 WHERE false;
SELECT is((SELECT count(*) FROM fgtest_notices), 0::bigint, 'a statement that changes nothing is silent');

SELECT report_node_health('eu-1', true, 1.5, NULL);
SELECT report_node_health('eu-1', true, 1.2, NULL);
SELECT report_node_health('eu-1', false, NULL, 'timeout');
SELECT is((SELECT count(*) FROM fgtest_notices WHERE payload ->> 'table' = 'federation_node_health'), 2::bigint,
          'health notifies on its first report and on a flip, not on every report');

-- A statement touching many tenants says "all" rather than overflow the payload.
DELETE FROM fgtest_notices;
INSERT INTO tenant_registry (id, name, region) SELECT fgtest.tid(i), 'bulk ' || i, 'eu-west' FROM generate_series(10, 400) i;
INSERT INTO tenant_federation_map (tenant_id, primary_node_id, primary_region)
SELECT fgtest.tid(i), 'eu-1', 'eu-west' FROM generate_series(10, 400) i;
SELECT is((SELECT payload FROM fgtest_notices),
          '{"op": "insert", "all": true, "table": "tenant_federation_map"}'::jsonb, 'a bulk change says all');

-- A rule change notifies once (the map row's derived top routes do not notify again);
-- a map row deleted by a cascade from the registry still notifies.
DELETE FROM fgtest_notices;
SELECT add_route(fgtest.tid(10), 'ap-south', 'eu-1', 100, true, p_shared_data => true);
SELECT is((SELECT array_agg(payload ->> 'table') FROM fgtest_notices), ARRAY['federation_routing'],
          'a new rule: one notification, from federation_routing');
DELETE FROM fgtest_notices;
DELETE FROM tenant_registry WHERE id = fgtest.tid(11);
SELECT ok((SELECT bool_or(payload ->> 'table' = 'tenant_federation_map'
                          AND payload -> 'tenant_ids' ? fgtest.tid(11)::text) FROM fgtest_notices),
          'a map row removed with its registry row notifies');

SELECT * FROM finish();
ROLLBACK;
