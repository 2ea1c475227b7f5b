-- Maintenance of the data plane, run by the deployment's health checker (one
-- gateway worker) on every node.
--
--   heartbeat_retention()       how long heartbeats are kept
--   sweep_heartbeats(batch)     delete one batch of heartbeats older than that
--   tenants_present(ids)        which of these tenants have their row here (registration reconciler)

CREATE OR REPLACE FUNCTION onboarding.heartbeat_retention()
RETURNS interval
LANGUAGE sql STABLE
RETURN coalesce(nullif(current_setting('fedgate.heartbeat_retention', true), ''), '30 days')::interval;
COMMENT ON FUNCTION onboarding.heartbeat_retention() IS
    'How long heartbeats are kept: the fedgate.heartbeat_retention setting, default 30 days.';

CREATE OR REPLACE FUNCTION onboarding.sweep_heartbeats(p_batch integer DEFAULT 5000)
RETURNS bigint
LANGUAGE plpgsql
SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_cutoff timestamptz := now() - onboarding.heartbeat_retention();
    v_deleted bigint;
BEGIN
    IF p_batch IS NULL OR p_batch NOT BETWEEN 1 AND 100000 THEN
        RAISE EXCEPTION 'batch must be 1 to 100000' USING ERRCODE = 'FG400';
    END IF;
    -- One short transaction per batch, oldest first, rows locked by a writer skipped: inserts
    -- (always newer than the cutoff) never wait for the sweeper.
    DELETE FROM onboarding.agent_heartbeats h
    USING (SELECT x.tenant_id, x.id FROM onboarding.agent_heartbeats x
           WHERE x.reported_at < v_cutoff
           ORDER BY x.reported_at LIMIT p_batch
           FOR UPDATE SKIP LOCKED) old
    WHERE h.tenant_id = old.tenant_id AND h.id = old.id;
    GET DIAGNOSTICS v_deleted = ROW_COUNT;
    RETURN v_deleted;
END
$$;
COMMENT ON FUNCTION onboarding.sweep_heartbeats(integer) IS
    'Deletes one batch (default 5,000) of heartbeats older than heartbeat_retention(), oldest first; returns how many. SECURITY DEFINER as fedgate_maintainer, whose policy shows it heartbeats past their retention only. The health checker calls it until a batch comes back short.';

CREATE OR REPLACE FUNCTION onboarding.tenants_present(p_tenants uuid[])
RETURNS SETOF uuid
LANGUAGE sql STABLE
SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT t.id FROM onboarding.tenants t WHERE t.id = ANY (p_tenants);
$$;
COMMENT ON FUNCTION onboarding.tenants_present(uuid[]) IS
    'Which of p_tenants have their row on this node: the reconciler settles registrations whose creation answer was lost with it. SECURITY DEFINER: it crosses tenants.';
