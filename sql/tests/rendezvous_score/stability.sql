-- Removing one of four nodes moves only the tenants that were on it.
BEGIN;
SELECT plan(4);

SELECT fgtest.node('eu-1', 'eu-west');
SELECT fgtest.node('ap-' || n, 'ap-south') FROM generate_series(1, 4) n;
INSERT INTO tenant_registry (id, name, region) SELECT fgtest.tid(i), 'hrw tenant ' || i, 'eu-west' FROM generate_series(1, 4000) i;
INSERT INTO tenant_federation_map (tenant_id, primary_node_id, primary_region)
SELECT fgtest.tid(i), 'eu-1', 'eu-west' FROM generate_series(1, 4000) i;
INSERT INTO federation_routing (tenant_id, region, node_id, weight)
SELECT fgtest.tid(i), 'ap-south', 'ap-' || n, 100 FROM generate_series(1, 4000) i, generate_series(1, 4) n;

CREATE TEMP TABLE before AS
SELECT i, r.node_id FROM generate_series(1, 4000) i, LATERAL resolve_node(fgtest.tid(i), 'ap-south') r;

SELECT cmp_ok((SELECT count(*) FROM before WHERE node_id = 'ap-3'), '>', 800::bigint,
              'about a quarter of the tenants are on ap-3 before');

DELETE FROM federation_routing WHERE node_id = 'ap-3';

CREATE TEMP TABLE after AS
SELECT i, r.node_id FROM generate_series(1, 4000) i, LATERAL resolve_node(fgtest.tid(i), 'ap-south') r;

SELECT is((SELECT count(*) FROM before b JOIN after a USING (i) WHERE b.node_id <> 'ap-3' AND a.node_id <> b.node_id),
          0::bigint, 'no tenant of the other three nodes moves');
SELECT is((SELECT count(*) FROM before b JOIN after a USING (i) WHERE b.node_id = 'ap-3' AND a.node_id = 'ap-3'),
          0::bigint, 'every tenant of the removed node moves');
SELECT cmp_ok((SELECT max(c) - min(c) FROM (SELECT count(*) c FROM after a JOIN before b USING (i)
               WHERE b.node_id = 'ap-3' GROUP BY a.node_id) s), '<', 150::bigint,
              'its tenants spread over the remaining nodes');

SELECT * FROM finish();
ROLLBACK;
