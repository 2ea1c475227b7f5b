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
    INSERT INTO federation.tenant_request_stats AS s (period, node_id, tenant_id, requests, errors, total_ms, max_ms)
    SELECT date_trunc('minute', now()), r.node, r.tenant, sum(r.requests), sum(r.errors), sum(r.total_ms), max(r.max_ms)
    FROM jsonb_to_recordset(p_rows) AS r(tenant uuid, node text, requests bigint, errors bigint,
                                         total_ms double precision, max_ms double precision)
    WHERE r.tenant IS NOT NULL AND r.node IS NOT NULL AND r.requests > 0
    GROUP BY r.node, r.tenant
    ON CONFLICT (period, node_id, tenant_id) DO UPDATE
        SET requests = s.requests + excluded.requests, errors = s.errors + excluded.errors,
            total_ms = s.total_ms + excluded.total_ms, max_ms = greatest(s.max_ms, excluded.max_ms);
    GET DIAGNOSTICS v_count = ROW_COUNT;
    DELETE FROM federation.tenant_request_stats WHERE period < now() - interval '1 day';
    RETURN v_count;
END
$$;
COMMENT ON FUNCTION federation.report_tenant_stats(jsonb) IS
    'Adds one gateway worker''s batch ([{tenant, node, requests, errors, total_ms, max_ms}]) to the current minute; drops minutes older than a day. Returns the rows written.';

CREATE OR REPLACE VIEW federation.federation_tenant_stats AS
WITH recent AS (
    SELECT s.node_id, s.tenant_id,
           sum(s.requests) FILTER (WHERE s.period >= date_trunc('minute', now()) - interval '1 minute') AS requests_1m,
           sum(s.requests) FILTER (WHERE s.period >= date_trunc('minute', now()) - interval '10 minutes') AS requests_10m,
           sum(s.requests) FILTER (WHERE s.period >= now() - interval '1 hour') AS requests_1h,
           sum(s.requests) AS requests_24h,
           sum(s.errors) FILTER (WHERE s.period >= now() - interval '1 hour') AS errors_1h,
           sum(s.total_ms) FILTER (WHERE s.period >= now() - interval '1 hour') AS total_ms_1h,
           max(s.max_ms) FILTER (WHERE s.period >= now() - interval '1 hour') AS max_ms_1h
    FROM federation.tenant_request_stats s
    WHERE s.period >= now() - interval '1 day'
    GROUP BY s.node_id, s.tenant_id
)
SELECT r.node_id, r.tenant_id, t.name AS tenant_name,
       row_number() OVER (PARTITION BY r.node_id
                          ORDER BY coalesce(r.requests_10m, 0) DESC, coalesce(r.requests_1h, 0) DESC,
                                   r.requests_24h DESC, r.tenant_id) AS rank_on_node,
       coalesce(r.requests_1m, 0) AS requests_1m, coalesce(r.requests_10m, 0) AS requests_10m,
       coalesce(r.requests_1h, 0) AS requests_1h, r.requests_24h,
       coalesce(r.errors_1h, 0) AS errors_1h,
       round((r.total_ms_1h / nullif(r.requests_1h, 0))::numeric, 2) AS avg_ms_1h,
       round(r.max_ms_1h::numeric, 2) AS max_ms_1h
FROM recent r
LEFT JOIN federation.tenant_registry t ON t.id = r.tenant_id;
COMMENT ON VIEW federation.federation_tenant_stats IS
    'The busiest tenants per node (rank_on_node 1 first, by the last 10 minutes): requests over the last minute, 10 minutes, hour and day, errors, mean and worst latency (ms) over the hour, as the gateways reported them.';
