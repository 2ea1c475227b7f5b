-- Per-tenant request figures reported by the gateways (like Citus's
-- citus_stat_tenants): batches in, the busiest tenants per node out.

CREATE OR REPLACE FUNCTION federation.report_tenant_stats(p_rows jsonb)
RETURNS integer
LANGUAGE plpgsql
SET search_path = pg_catalog, federation
AS $$
DECLARE
    v_count integer;
BEGIN
    IF jsonb_typeof(p_rows) IS DISTINCT FROM 'array' THEN
        RAISE EXCEPTION 'tenant stats must be a JSON array' USING ERRCODE = '22023';
    END IF;
    INSERT INTO federation.tenant_request_stats AS s (period, node_id, tenant_id, requests, errors, total_ms, max_ms,
                                                      throttled)
    SELECT date_trunc('minute', now()), r.node, r.tenant, sum(r.requests), sum(r.errors), sum(r.total_ms), max(r.max_ms),
           coalesce(sum(r.throttled), 0)
    FROM jsonb_to_recordset(p_rows) AS r(tenant uuid, node text, requests bigint, errors bigint,
                                         total_ms double precision, max_ms double precision, throttled bigint)
    WHERE r.tenant IS NOT NULL AND r.node IS NOT NULL AND r.requests > 0
    GROUP BY r.node, r.tenant
    ON CONFLICT (period, node_id, tenant_id) DO UPDATE
        SET requests = s.requests + excluded.requests, errors = s.errors + excluded.errors,
            total_ms = s.total_ms + excluded.total_ms, max_ms = greatest(s.max_ms, excluded.max_ms),
            throttled = s.throttled + excluded.throttled;
    GET DIAGNOSTICS v_count = ROW_COUNT;
    DELETE FROM federation.tenant_request_stats WHERE period < now() - interval '1 day';
    RETURN v_count;
END
$$;
COMMENT ON FUNCTION federation.report_tenant_stats(jsonb) IS
    'Adds one gateway worker''s batch ([{tenant, node, requests, errors, total_ms, max_ms, throttled}]) to the current minute; drops minutes older than a day. Returns the rows written.';
