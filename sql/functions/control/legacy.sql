-- Retiring the legacy namespace: its sunset, turning it off and on, who still calls it.
--
--   set_legacy_sunset(date)       every legacy response carries Deprecation, Sunset and the successor Link
--   legacy_off(tenant) / legacy_on(tenant)   410 FGW410 for one tenant (or everyone: NULL), and back
--   report_legacy_usage(rows)     a gateway worker's batch of legacy calls (tenant, client, requests)
--   legacy_status()               what turning it off now would do
--   federation_notify_legacy()    trigger: the gateways reload the policy

CREATE OR REPLACE FUNCTION federation.set_legacy_sunset(p_date date)
RETURNS federation.legacy_policy
LANGUAGE sql
AS $$
    UPDATE federation.legacy_policy p SET sunset_date = p_date,
        deprecated_at = CASE WHEN p_date IS NULL THEN NULL ELSE coalesce(p.deprecated_at, now()) END,
        set_by = federation.job_actor(), set_at = now()
    RETURNING p.*
$$;
COMMENT ON FUNCTION federation.set_legacy_sunset(date) IS
    'Sets the legacy namespace''s sunset date (NULL: no longer deprecated): from the gateways'' next notification on, every legacy response carries Deprecation (since the first date was set), Sunset and Link rel="successor-version".';

CREATE OR REPLACE FUNCTION federation.legacy_off(p_tenant uuid DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    v_count bigint;
BEGIN
    IF p_tenant IS NULL THEN
        UPDATE federation.legacy_policy SET all_off = true, set_by = federation.job_actor(), set_at = now();
        RETURN (SELECT count(*) FROM federation.tenant_registry);
    END IF;
    IF NOT EXISTS (SELECT 1 FROM federation.tenant_registry r WHERE r.id = p_tenant) THEN
        RAISE EXCEPTION 'tenant % is not registered', p_tenant USING ERRCODE = 'FG404';
    END IF;
    INSERT INTO federation.legacy_off (tenant_id, set_by) VALUES (p_tenant, federation.job_actor())
    ON CONFLICT (tenant_id) DO NOTHING;
    GET DIAGNOSTICS v_count = ROW_COUNT;
    RETURN v_count;
END
$$;
COMMENT ON FUNCTION federation.legacy_off(uuid) IS
    'Turns the legacy routes off for one tenant (NULL: for everyone): they answer 410 FGW410 with the federated path as successor. Returns the tenants it newly affects (everyone: all registered).';

CREATE OR REPLACE FUNCTION federation.legacy_on(p_tenant uuid DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql
AS $$
DECLARE
    v_count bigint;
BEGIN
    IF p_tenant IS NULL THEN  -- everyone: the global switch and every tenant's
        UPDATE federation.legacy_policy SET all_off = false, set_by = federation.job_actor(), set_at = now();
        DELETE FROM federation.legacy_off;
    ELSE
        DELETE FROM federation.legacy_off o WHERE o.tenant_id = p_tenant;
    END IF;
    GET DIAGNOSTICS v_count = ROW_COUNT;
    RETURN v_count;
END
$$;
COMMENT ON FUNCTION federation.legacy_on(uuid) IS
    'Undoes legacy_off: for one tenant (its own switch; the global one stays), or for everyone (NULL: the global switch and every tenant''s).';

CREATE OR REPLACE FUNCTION federation.report_legacy_usage(p_rows jsonb)
RETURNS integer
LANGUAGE plpgsql
SET search_path = pg_catalog, federation
AS $$
DECLARE
    v_count integer;
BEGIN
    IF jsonb_typeof(p_rows) IS DISTINCT FROM 'array' THEN
        RAISE EXCEPTION 'legacy usage must be a JSON array' USING ERRCODE = '22023';
    END IF;
    INSERT INTO federation.legacy_usage AS u (period, tenant_id, client, requests, refused, last_seen)
    SELECT date_trunc('minute', now()), r.tenant, left(r.client, 300), sum(r.requests), coalesce(sum(r.refused), 0),
           max(r.last_seen)
    FROM jsonb_to_recordset(p_rows) AS r(tenant uuid, client text, requests bigint, refused bigint,
                                         last_seen timestamptz)
    WHERE r.client IS NOT NULL AND r.requests > 0 AND r.last_seen IS NOT NULL
    GROUP BY r.tenant, left(r.client, 300)
    ON CONFLICT (period, tenant_id, client) DO UPDATE
        SET requests = u.requests + excluded.requests, refused = u.refused + excluded.refused,
            last_seen = greatest(u.last_seen, excluded.last_seen);
    GET DIAGNOSTICS v_count = ROW_COUNT;
    DELETE FROM federation.legacy_usage WHERE period < now() - interval '8 days';
    RETURN v_count;
END
$$;
COMMENT ON FUNCTION federation.report_legacy_usage(jsonb) IS
    'Adds one gateway worker''s legacy calls ([{tenant, client, requests, refused, last_seen}]) to the current minute; drops minutes older than 8 days. Returns the rows written.';

CREATE OR REPLACE FUNCTION federation.legacy_status()
RETURNS TABLE (sunset_date date, deprecated_at timestamptz, all_off boolean, tenants_off bigint,
               tenants_on_default bigint, calls_24h bigint, served_24h bigint, clients_24h bigint,
               tenants_called_24h bigint, would_break text)
LANGUAGE sql STABLE
AS $$
    WITH recent AS (
        SELECT u.* FROM federation.legacy_usage u WHERE u.period >= now() - interval '24 hours'
    ), served AS (  -- calls answered (not refused) by tenants whose routes are still on
        SELECT r.tenant_id, r.client, r.requests - r.refused AS n FROM recent r
        WHERE r.requests > r.refused
          AND NOT EXISTS (SELECT 1 FROM federation.legacy_off o WHERE o.tenant_id = r.tenant_id)
    )
    SELECT p.sunset_date, p.deprecated_at, p.all_off,
           (SELECT count(*) FROM federation.legacy_off),
           (SELECT count(*) FROM federation.tenant_registry t
            WHERE NOT EXISTS (SELECT 1 FROM federation.tenant_federation_map m WHERE m.tenant_id = t.id)),
           (SELECT coalesce(sum(r.requests), 0) FROM recent r)::bigint,
           (SELECT coalesce(sum(s.n), 0) FROM served s)::bigint,
           (SELECT count(DISTINCT r.client) FROM recent r),
           (SELECT count(DISTINCT r.tenant_id) FROM recent r),
           CASE WHEN p.all_off THEN 'no: the legacy routes are off for everyone'
                WHEN NOT EXISTS (SELECT 1 FROM served) THEN 'no: no call was answered in the last 24 hours'
                ELSE format('yes: %s client(s) had %s call(s) answered in the last 24 hours (federation_legacy_usage)',
                            (SELECT count(DISTINCT s.client) FROM served s), (SELECT sum(s.n) FROM served s))
           END
    FROM federation.legacy_policy p
$$;
COMMENT ON FUNCTION federation.legacy_status() IS
    'The legacy namespace now: its sunset, whether it is off (for everyone, for how many tenants), how many tenants still have their data on the default node (unmapped), the calls, clients and tenants of the last 24 hours, and whether turning it off now would break anyone (calls answered in the last 24 hours).';

CREATE OR REPLACE FUNCTION federation.federation_notify_legacy()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM federation.federation_emit(jsonb_build_object('table', TG_TABLE_NAME, 'op', lower(TG_OP)));
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION federation.federation_notify_legacy() IS
    'Statement trigger of legacy_policy and legacy_off: the gateways reload the legacy policy.';
