-- The queries inside resolve_node use indexes, not scans of the tenant tables.
BEGIN;
SELECT plan(6);

SELECT fgtest.node('eu-1', 'eu-west');
SELECT fgtest.node('ap-1', 'ap-south');
INSERT INTO tenant_registry (id, name, region) SELECT fgtest.tid(i), 'idx ' || i, 'eu-west' FROM generate_series(1, 5000) i;
INSERT INTO tenant_federation_map (tenant_id, primary_node_id, primary_region)
SELECT fgtest.tid(i), 'eu-1', 'eu-west' FROM generate_series(1, 5000) i;
INSERT INTO federation_routing (tenant_id, region, node_id, weight)
SELECT fgtest.tid(i), 'ap-south', 'ap-1', 100 FROM generate_series(1, 5000) i;
ANALYZE tenant_registry, tenant_federation_map, federation_routing, federation_nodes;

CREATE FUNCTION pg_temp.plan_of(p_sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    r record;
    v text := '';
BEGIN
    FOR r IN EXECUTE 'EXPLAIN (COSTS OFF) ' || p_sql LOOP
        v := v || r."QUERY PLAN" || E'\n';
    END LOOP;
    RETURN v;
END
$$;

-- resolve_node runs this query (route_candidates is inlined into it).
CREATE TEMP TABLE p AS SELECT pg_temp.plan_of(format(
    'SELECT * FROM route_candidates(%L::uuid, %L) WHERE serving ORDER BY ord LIMIT 1', fgtest.tid(42), 'ap-south')) AS plan;

SELECT unalike((SELECT plan FROM p), '%Seq Scan on tenant_federation_map%', 'no sequential scan of tenant_federation_map');
SELECT unalike((SELECT plan FROM p), '%Seq Scan on federation_routing%', 'no sequential scan of federation_routing');
SELECT alike((SELECT plan FROM p), '%Index%tenant_federation_map%', 'the tenant map is read through an index');

-- resolve_node itself (an SQL function, inlined into the caller's statement).
CREATE TEMP TABLE q AS SELECT pg_temp.plan_of(format(
    'SELECT * FROM resolve_node(%L::uuid, %L)', fgtest.tid(42), 'ap-south')) AS plan;
SELECT unalike((SELECT plan FROM q), '%Seq Scan on tenant_federation_map%', 'resolve_node: no sequential scan of the map');
SELECT unalike((SELECT plan FROM q), '%Seq Scan on federation_routing%', 'resolve_node: no sequential scan of the rules');
SELECT unalike((SELECT plan FROM q), '%federation_routing%',
               'resolve_node''s fast path reads no rule: the map row carries the top rule of each region');

SELECT * FROM finish();
ROLLBACK;
