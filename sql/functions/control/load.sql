-- Node capacity and load (control migration 016): what load-aware placement and the rebalancer read.
--
--   set_node_capacity(node, capacity)     a node's share of its region's load against the others'
--   report_node_load(nodes, rows)         the health checker's measure: rows from the nodes' statistics,
--                                         requests per minute from the gateways' tenant figures
--   record_tenant_sizes(node, sizes)      tenants' rows as counted on their node (plans' costs, the rebalancer)
--   placement_load(...)                   a node's load against its share (placement's order)
--   pin_tenant(tenant, pinned)            a pinned rule keeps its tenant on its node (the rebalancer obeys)

CREATE OR REPLACE FUNCTION federation.set_node_capacity(p_node text, p_capacity integer)
RETURNS TABLE (node_id text, region text, capacity integer)
LANGUAGE plpgsql
AS $$
BEGIN
    IF p_capacity IS NULL OR p_capacity NOT BETWEEN 1 AND 1000000 THEN
        RAISE EXCEPTION 'a capacity is 1 to 1000000, not %', coalesce(p_capacity::text, '(none)') USING ERRCODE = 'FG400';
    END IF;
    RETURN QUERY
    UPDATE federation.federation_nodes n SET capacity = p_capacity, updated_at = now()
    WHERE n.node_id = p_node
    RETURNING n.node_id::text, n.region::text, n.capacity;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown node: %', p_node USING ERRCODE = 'FG404';
    END IF;
END
$$;
COMMENT ON FUNCTION federation.set_node_capacity(text, integer) IS
    'Sets a node''s capacity (1 to 1000000; default 1): a node of capacity 2 is meant to carry twice the load of one of capacity 1 in its region, for placement and the rebalancer. FG400 out of range, FG404 unknown node.';

CREATE OR REPLACE FUNCTION federation.report_node_load(p_nodes text[], p_rows bigint[])
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    v_count integer;
BEGIN
    INSERT INTO federation.node_load AS l (node_id, rows, requests, placed, measured_at)
    SELECT m.node_id, greatest(m.rows, 0),
           coalesce((SELECT sum(s.requests) FROM federation.tenant_request_stats s
                     WHERE s.node_id = m.node_id AND s.period >= now() - interval '10 minutes'), 0) / 10.0,
           0, now()
    FROM unnest(p_nodes, p_rows) AS m(node_id, rows)
    WHERE EXISTS (SELECT 1 FROM federation.federation_nodes n WHERE n.node_id = m.node_id)
    ON CONFLICT (node_id) DO UPDATE SET rows = excluded.rows, requests = excluded.requests, placed = 0,
                                        measured_at = excluded.measured_at;
    GET DIAGNOSTICS v_count = ROW_COUNT;
    RETURN v_count;
END
$$;
COMMENT ON FUNCTION federation.report_node_load(text[], bigint[]) IS
    'The health checker''s measure of each node''s load: its tenant rows (its statistics, onboarding.tenant_rows) and its requests per minute over the last 10 minutes (federation_tenant_stats); the count of tenants placed since starts again at 0.';

CREATE OR REPLACE FUNCTION federation.record_tenant_sizes(p_node text, p_sizes jsonb)
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    v_count integer;
BEGIN
    IF jsonb_typeof(p_sizes) IS DISTINCT FROM 'array' THEN
        RAISE EXCEPTION 'tenant sizes are a JSON array' USING ERRCODE = '22023';
    END IF;
    INSERT INTO federation.tenant_sizes AS s (tenant_id, node_id, rows, measured_at)
    SELECT r.tenant, p_node, r.rows, now()
    FROM jsonb_to_recordset(p_sizes) AS r(tenant uuid, rows bigint)
    WHERE r.tenant IS NOT NULL AND r.rows >= 0
      AND EXISTS (SELECT 1 FROM federation.tenant_registry t WHERE t.id = r.tenant)
      AND federation.move_source(r.tenant) = p_node
    ON CONFLICT (tenant_id) DO UPDATE SET node_id = excluded.node_id, rows = excluded.rows,
                                          measured_at = excluded.measured_at;
    GET DIAGNOSTICS v_count = ROW_COUNT;
    RETURN v_count;
END
$$;
COMMENT ON FUNCTION federation.record_tenant_sizes(text, jsonb) IS
    'Records the rows of each tenant counted on a node ([{tenant, rows}], from onboarding.tenant_sizes) whose data the catalog says is there (a tenant moved away since is left to its new node''s count). Returns the rows written.';

CREATE OR REPLACE FUNCTION federation.placement_load(p_rows double precision, p_rows_total double precision,
                                                    p_requests double precision, p_requests_total double precision,
                                                    p_share double precision, p_share_total double precision)
RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN (CASE WHEN p_rows_total > 0 THEN p_rows / p_rows_total ELSE 0 END
        + CASE WHEN p_requests_total > 0 THEN p_requests / p_requests_total ELSE 0 END)
       / (p_share / p_share_total);
COMMENT ON FUNCTION federation.placement_load(double precision, double precision, double precision, double precision, double precision, double precision) IS
    'A node''s load against its share, as placement orders them: its part of the candidates'' rows plus its part of their requests, over its part of their shares (capacity times placement_weight). Equal at an even spread; 0 for nodes with no load.';

CREATE OR REPLACE FUNCTION federation.pin_tenant(p_tenant uuid, p_pinned boolean DEFAULT true)
RETURNS TABLE (tenant_id uuid, node_id text, pinned boolean)
LANGUAGE plpgsql
AS $$
BEGIN
    IF p_pinned IS NULL THEN
        RAISE EXCEPTION 'pinned is true or false' USING ERRCODE = 'FG400';
    END IF;
    RETURN QUERY
    UPDATE federation.federation_routing r SET pinned = p_pinned, updated_at = now()
    FROM federation.tenant_federation_map m
    WHERE m.tenant_id = p_tenant AND r.tenant_id = m.tenant_id AND r.node_id = m.primary_node_id AND r.is_primary
    RETURNING r.tenant_id, r.node_id::text, r.pinned;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'tenant % has no primary rule to pin (an unplaced tenant is on the default node)', p_tenant
            USING ERRCODE = 'FG404';
    END IF;
END
$$;
COMMENT ON FUNCTION federation.pin_tenant(uuid, boolean) IS
    'Pins (or unpins) a tenant''s primary rule on the node it is on: the rebalancer never moves a pinned tenant (a drain or an operator''s move still does; the pin goes with the rule to its new node). FG404 a tenant without a primary rule.';
