-- Fleet-wide per-tenant quotas (control migration 011).
--
--   set_tenant_limit(tenant, rps, burst, inflight)   a tenant's quotas for the fleet (burst: rps when NULL)
--   clear_tenant_limit(tenant)             the quota lifted
--   federation_notify_limits()             trigger: the gateways reload the limits
--   federation_notify_instances()          trigger: the gateways recompute their share when an instance comes or goes

CREATE OR REPLACE FUNCTION federation.set_tenant_limit(p_tenant uuid, p_rps double precision,
                                                      p_burst double precision DEFAULT NULL,
                                                      p_inflight integer DEFAULT NULL)
RETURNS federation.tenant_limits
LANGUAGE plpgsql
AS $$
DECLARE
    v_row federation.tenant_limits;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM federation.tenant_registry r WHERE r.id = p_tenant) THEN
        RAISE EXCEPTION 'tenant % is not registered', p_tenant USING ERRCODE = 'FG404';
    ELSIF p_rps IS NULL AND p_inflight IS NULL THEN
        RAISE EXCEPTION 'a quota names requests a second, calls in flight, or both' USING ERRCODE = 'FG400';
    ELSIF p_rps IS NOT NULL AND (p_rps <= 0 OR p_rps > 1000000 OR p_rps = 'NaN') THEN
        RAISE EXCEPTION 'requests a second must be above 0 and at most 1000000, not %', p_rps USING ERRCODE = 'FG400';
    ELSIF p_burst IS NOT NULL AND (p_rps IS NULL OR p_burst < 1 OR p_burst > 10000000 OR p_burst = 'NaN') THEN
        RAISE EXCEPTION 'the burst must be 1 to 10000000, with a rate, not %', p_burst USING ERRCODE = 'FG400';
    ELSIF p_inflight IS NOT NULL AND p_inflight NOT BETWEEN 1 AND 100000 THEN
        RAISE EXCEPTION 'calls in flight must be 1 to 100000, not %', p_inflight USING ERRCODE = 'FG400';
    END IF;
    INSERT INTO federation.tenant_limits AS l (tenant_id, requests_per_second, burst, max_inflight, set_by)
    VALUES (p_tenant, p_rps, CASE WHEN p_rps IS NOT NULL THEN coalesce(p_burst, greatest(p_rps, 1)) END, p_inflight,
            federation.job_actor())
    ON CONFLICT (tenant_id) DO UPDATE SET requests_per_second = EXCLUDED.requests_per_second,
                                          burst = EXCLUDED.burst, max_inflight = EXCLUDED.max_inflight,
                                          set_by = EXCLUDED.set_by, set_at = now()
    RETURNING * INTO v_row;
    RETURN v_row;
END
$$;
COMMENT ON FUNCTION federation.set_tenant_limit(uuid, double precision, double precision, integer) IS
    'Sets a tenant''s quotas for the whole fleet (replacing any): requests a second with a burst (the rate when NULL), handler calls in flight at once, or both; every gateway worker holds its share. FG404 unknown tenant, FG400 neither given or a figure out of range.';

CREATE OR REPLACE FUNCTION federation.clear_tenant_limit(p_tenant uuid)
RETURNS boolean
LANGUAGE sql
AS $$
    WITH gone AS (DELETE FROM federation.tenant_limits WHERE tenant_id = p_tenant RETURNING 1)
    SELECT count(*) > 0 FROM gone;
$$;
COMMENT ON FUNCTION federation.clear_tenant_limit(uuid) IS 'Lifts a tenant''s quota; false when it had none.';

CREATE OR REPLACE FUNCTION federation.federation_notify_limits()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM federation.federation_emit(jsonb_build_object(
        'table', 'tenant_limits', 'op', lower(TG_OP),
        'tenant_ids', jsonb_build_array(CASE WHEN TG_OP = 'DELETE' THEN OLD.tenant_id ELSE NEW.tenant_id END),
        'node_ids', '[]'::jsonb));
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION federation.federation_notify_limits() IS
    'Row trigger of tenant_limits: the gateways reload the quotas.';

CREATE OR REPLACE FUNCTION federation.federation_notify_instances()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM federation.federation_emit(jsonb_build_object(
        'table', 'gateway_instances', 'op', lower(TG_OP), 'tenant_ids', '[]'::jsonb, 'node_ids', '[]'::jsonb));
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION federation.federation_notify_instances() IS
    'Trigger of gateway_instances: an instance registered or stopped, so every worker recomputes its share of the quotas (one gone without a word is noticed at the workers'' next heartbeat, after its TTL).';
