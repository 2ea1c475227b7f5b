-- resolve_node's fast paths give exactly what the full candidate list gives
-- (resolve_node_full, what explain_route shows), over random catalogs.
BEGIN;
SELECT plan(4);

SELECT setseed(0.42);
SELECT fgtest.node('n' || i, CASE WHEN i <= 3 THEN 'eu-west' WHEN i <= 6 THEN 'ap-south' ELSE 'us-west' END,
                   (ARRAY['active', 'active', 'active', 'draining', 'down'])[1 + floor(random() * 5)::int])
FROM generate_series(1, 8) i;
SELECT fgtest.health('n' || i, random() < 0.7, make_interval(secs => floor(random() * 60)::int))
FROM generate_series(1, 8) i;
INSERT INTO tenant_registry (id, name, region) SELECT fgtest.tid(i), 'agree ' || i, 'eu-west' FROM generate_series(1, 1500) i;
INSERT INTO tenant_federation_map (tenant_id, primary_node_id, primary_region)
SELECT fgtest.tid(i), 'n' || (1 + i % 3), 'eu-west' FROM generate_series(1, 1500) i;
INSERT INTO federation_routing (tenant_id, region, node_id, is_primary, weight)
SELECT DISTINCT ON (fgtest.tid(i), region, node) fgtest.tid(i), region, node, false, 1 + floor(random() * 200)::int
FROM generate_series(1, 1500) i,
     LATERAL (SELECT (ARRAY['eu-west', 'ap-south', 'us-west'])[1 + floor(random() * 3)::int] AS region,
                     'n' || (1 + floor(random() * 8)::int) AS node FROM generate_series(1, 4)) r;
UPDATE federation_routing SET is_primary = true
WHERE id IN (SELECT DISTINCT ON (tenant_id, region) id FROM federation_routing WHERE random() < 0.3 ORDER BY tenant_id, region, id);
INSERT INTO tenant_registry (id, name, region) SELECT fgtest.tid(i), 'agree legacy ' || i, 'eu-west' FROM generate_series(2001, 2050) i;
-- Some tenants whose only node is down.
UPDATE federation_nodes SET status = 'down' WHERE node_id = 'n7';
INSERT INTO tenant_registry (id, name, region) SELECT fgtest.tid(i), 'agree stranded ' || i, 'us-west' FROM generate_series(3001, 3020) i;
INSERT INTO tenant_federation_map (tenant_id, primary_node_id, primary_region)
SELECT fgtest.tid(i), 'n7', 'us-west' FROM generate_series(3001, 3020) i;

CREATE TEMP TABLE cases AS
SELECT t, reg FROM (SELECT fgtest.tid(i) AS t FROM generate_series(1, 1500) i UNION ALL
                    SELECT fgtest.tid(i) FROM generate_series(2001, 2050) i UNION ALL
                    SELECT fgtest.tid(i) FROM generate_series(3001, 3020) i UNION ALL SELECT NULL::uuid) ts,
                   unnest(ARRAY[NULL, 'eu-west', 'ap-south', 'us-west', 'nowhere']) reg;

SELECT is((SELECT count(*) FROM cases c
           WHERE (SELECT row(r.*) FROM resolve_node(c.t, c.reg) r) IS DISTINCT FROM
                 (SELECT row(f.*) FROM resolve_node_full(c.t, c.reg) f)),
          0::bigint, 'resolve_node equals the full candidate walk for every tenant and region');
SELECT cmp_ok((SELECT count(*) FROM cases c WHERE NOT EXISTS (SELECT 1 FROM resolve_node(c.t, c.reg))), '>', 0::bigint,
              'the random catalog has tenants with no serving node');
SELECT cmp_ok((SELECT count(DISTINCT r.reason) FROM cases c, resolve_node(c.t, c.reg) r), '>=', 5::bigint,
              'and exercises the reasons');
SELECT is((SELECT count(*) FROM federation_routing
           WHERE rank_score IS DISTINCT FROM CASE WHEN is_primary THEN 'Infinity'::double precision
                                                  ELSE rendezvous_score(tenant_id, region, node_id, weight) END),
          0::bigint, 'the stored rank_score is rendezvous_score (Infinity for the is_primary rule)');

SELECT * FROM finish();
ROLLBACK;
