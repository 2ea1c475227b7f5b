-- Benchmark data: :tenants mapped tenants over :nodes nodes in 10 regions,
-- three routing rules per tenant (two weighted in one other region, an
-- is_primary rule in another). Run with psql -v tenants=N -v nodes=M.
SET synchronous_commit = off;
INSERT INTO federation_nodes (node_id, region, database_url)
SELECT 'n' || i, 'r' || (i % 10), 'postgresql://unused/n' || i FROM generate_series(1, :nodes) i
ON CONFLICT (node_id) DO NOTHING;

INSERT INTO tenant_registry (id, name, region)
SELECT md5('t' || i)::uuid, 'bench tenant ' || i, 'r' || ((1 + i % :nodes) % 10) FROM generate_series(1, :tenants) i;

INSERT INTO tenant_federation_map (tenant_id, primary_node_id, primary_region)
SELECT md5('t' || i)::uuid, 'n' || (1 + i % :nodes), 'r' || ((1 + i % :nodes) % 10) FROM generate_series(1, :tenants) i;

INSERT INTO federation_routing (tenant_id, region, node_id, is_primary, weight)
SELECT md5('t' || i)::uuid, 'r' || ((1 + i % :nodes + 1) % 10), 'n' || (1 + (i + k) % :nodes), false, 50 * k
FROM generate_series(1, :tenants) i, generate_series(1, 2) k
UNION ALL
SELECT md5('t' || i)::uuid, 'r' || ((1 + i % :nodes + 2) % 10), 'n' || (1 + (i + 7) % :nodes), true, 100
FROM generate_series(1, :tenants) i;

VACUUM ANALYZE tenant_registry, tenant_federation_map, federation_routing, federation_nodes;
