-- Read replicas of nodes: registration, the health checker's reports, what a
-- DBA reads.
--
--   add_replica(node, replica, url, max_lag)   register (or update) a replica
--   remove_replica(replica)                    forget it
--   report_replica_health(...)                 one health round of every replica, set-based
--   federation_replica_status (view)           replicas with their lag, never their URL

CREATE OR REPLACE FUNCTION federation.add_replica(p_node_id text, p_replica_id text, p_database_url text,
                                                  p_max_lag interval DEFAULT '2 seconds', p_region text DEFAULT NULL,
                                                  p_override text DEFAULT NULL)
RETURNS TABLE (replica_id text, node_id text, max_lag interval, region text, residency_override text)
LANGUAGE plpgsql
AS $$
DECLARE
    v_node_region text;
    v_region text;
    v_override text := nullif(btrim(p_override), '');
    v_tenant record;
    v_count bigint;
BEGIN
    SELECT n.region INTO v_node_region FROM federation.federation_nodes n WHERE n.node_id = p_node_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown node: %', p_node_id USING ERRCODE = 'FG404';
    END IF;
    IF p_node_id = 'default' AND p_database_url IS NOT NULL AND p_database_url = 'self' THEN
        RAISE EXCEPTION 'a replica is another database than its node' USING ERRCODE = 'FG400';
    END IF;
    v_region := coalesce(p_region, v_node_region);
    IF NOT EXISTS (SELECT 1 FROM federation.regions g WHERE g.code = v_region) THEN
        PERFORM onboarding.api_invalid('region', format('unknown region code: %s', v_region));
    END IF;
    -- The node's tenants whose residency excludes the replica's region (it would never serve them).
    SELECT t.id, t.residency, count(*) OVER () AS n INTO v_tenant
    FROM federation.tenant_registry t
    WHERE t.residency IS NOT NULL AND NOT v_region = ANY (t.residency)
      AND (EXISTS (SELECT 1 FROM federation.tenant_federation_map m WHERE m.tenant_id = t.id AND m.primary_node_id = p_node_id)
           OR (p_node_id = 'default' AND NOT EXISTS (SELECT 1 FROM federation.tenant_federation_map m WHERE m.tenant_id = t.id)))
    ORDER BY t.id
    LIMIT 1;
    v_count := coalesce(v_tenant.n, 0);
    IF v_count > 0 AND v_override IS NULL THEN
        PERFORM federation.refuse_residency(v_tenant.id, 'replica', p_node_id, v_region, v_tenant.residency,
                                            format('A replica in region %s of', v_region));
    ELSIF v_count > 0 THEN
        PERFORM federation.record_residency_event(NULL, 'replica', p_node_id, v_region, 'overridden', NULL,
                                                  format('%s (replica %s; %s restricted tenant(s) of the node)',
                                                         v_override, p_replica_id, v_count));
    END IF;
    RETURN QUERY
    INSERT INTO federation.federation_replicas AS r (replica_id, node_id, database_url, max_lag, region, residency_override)
    VALUES (p_replica_id, p_node_id, p_database_url, coalesce(p_max_lag, '2 seconds'), v_region,
            CASE WHEN v_region <> v_node_region THEN v_override END)
    ON CONFLICT ON CONSTRAINT federation_replicas_pkey DO UPDATE
        SET node_id = EXCLUDED.node_id, database_url = EXCLUDED.database_url, max_lag = EXCLUDED.max_lag,
            region = EXCLUDED.region, residency_override = EXCLUDED.residency_override,
            usable = false, healthy = NULL, checked_at = NULL
    RETURNING r.replica_id, r.node_id::text, r.max_lag, r.region::text, r.residency_override;
END
$$;
COMMENT ON FUNCTION federation.add_replica(text, text, text, interval, text, text) IS
    'Registers a streaming replica of a node (or updates one), in p_region (default: its node''s). It serves no read until the health checker has found it in recovery and within max_lag, and never a tenant whose residency excludes its region: a replica outside the residency of a tenant of its node is refused (FG451) unless p_override gives the reason (recorded; the replica then serves them).';

CREATE OR REPLACE FUNCTION federation.remove_replica(p_replica_id text)
RETURNS boolean
LANGUAGE sql
AS $$
    WITH d AS (DELETE FROM federation.federation_replicas r WHERE r.replica_id = p_replica_id RETURNING 1)
    SELECT EXISTS (SELECT 1 FROM d);
$$;
COMMENT ON FUNCTION federation.remove_replica(text) IS 'Forgets a replica: its reads go to its node from the next notification on.';

CREATE OR REPLACE FUNCTION federation.report_replica_health(p_ids text[], p_healthy boolean[], p_lag_bytes bigint[],
                                                            p_lag_seconds real[], p_replay_lsn text[], p_errors text[])
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    v_count integer;
BEGIN
    UPDATE federation.federation_replicas r
    SET healthy = x.healthy, lag_bytes = x.lag_bytes, lag_seconds = x.lag_seconds,
        replay_lsn = x.replay_lsn::pg_lsn, checked_at = now(),
        last_error = CASE WHEN x.healthy THEN NULL ELSE left(x.error, 500) END,
        usable = x.healthy AND x.lag_seconds IS NOT NULL AND x.lag_seconds <= extract(epoch FROM r.max_lag)
    FROM unnest(p_ids, p_healthy, p_lag_bytes, p_lag_seconds, p_replay_lsn, p_errors)
         AS x(replica_id, healthy, lag_bytes, lag_seconds, replay_lsn, error)
    WHERE r.replica_id = x.replica_id;
    GET DIAGNOSTICS v_count = ROW_COUNT;
    RETURN v_count;
END
$$;
COMMENT ON FUNCTION federation.report_replica_health(text[], boolean[], bigint[], real[], text[], text[]) IS
    'Records one health round of replicas (the gateway''s checker calls it with the node reports): lag in bytes and seconds, replay position, error, and whether each is usable. A change of usable notifies the gateways.';

CREATE OR REPLACE FUNCTION federation.federation_notify_replicas()
RETURNS trigger
LANGUAGE plpgsql
AS $$
DECLARE
    v_nodes jsonb;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        SELECT jsonb_agg(DISTINCT c.node_id) INTO v_nodes
        FROM changed c JOIN old_rows o ON o.replica_id = c.replica_id
        WHERE (c.usable, c.node_id, c.database_url) IS DISTINCT FROM (o.usable, o.node_id, o.database_url);
    ELSE
        SELECT jsonb_agg(DISTINCT c.node_id) INTO v_nodes FROM changed c;
    END IF;
    IF v_nodes IS NOT NULL THEN
        PERFORM federation.federation_emit(jsonb_build_object('table', TG_TABLE_NAME, 'op', lower(TG_OP),
                                                              'tenant_ids', '[]'::jsonb, 'node_ids', v_nodes));
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION federation.federation_notify_replicas() IS
    'Statement trigger of federation_replicas: one NOTIFY when replicas are added, removed or become usable or unusable (lag figures alone do not notify).';
