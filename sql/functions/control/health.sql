-- Node health as the gateway's monitor reports it.
--
--   health_stale_after()                                  the staleness bound (one place)
--   health_state(healthy, checked_at)                     a report read against its staleness bound
--   node_serving(status, unhealthy_checked_at)            whether a node serves requests
--   sync_node_health() (trigger)                          copies the serving state onto the node row
--   report_node_health(node, healthy, latency_ms, error)  upsert one report
--   federation_node_status (view)                         what a DBA looks at

CREATE OR REPLACE FUNCTION federation.health_stale_after()
RETURNS interval
LANGUAGE sql STABLE PARALLEL SAFE
RETURN coalesce(nullif(current_setting('fedgate.health_stale_after', true), ''), '30 seconds')::interval;
COMMENT ON FUNCTION federation.health_stale_after() IS
    'How old a health report may be before it counts as stale (unknown): the fedgate.health_stale_after setting, default 30 seconds.';

CREATE OR REPLACE FUNCTION federation.health_state(p_healthy boolean, p_checked_at timestamptz)
RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE
RETURN CASE
    WHEN p_healthy IS NULL THEN 'unknown'
    WHEN p_checked_at <= now() - federation.health_stale_after() THEN 'stale'
    WHEN p_healthy THEN 'healthy'
    ELSE 'unhealthy'
END;
COMMENT ON FUNCTION federation.health_state(boolean, timestamptz) IS
    'unknown (no report), stale (older than health_stale_after()), healthy or unhealthy. Only unhealthy keeps a node from serving.';

CREATE OR REPLACE FUNCTION federation.node_serving(p_status text, p_unhealthy_checked_at timestamptz)
RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE
RETURN p_status IN ('active', 'draining')
   AND (p_unhealthy_checked_at IS NULL
        OR p_unhealthy_checked_at <= now() - federation.health_stale_after());
COMMENT ON FUNCTION federation.node_serving(text, timestamptz) IS
    'A node serves when its status is active or draining and no fresh health report (younger than health_stale_after()) says unhealthy.';

CREATE OR REPLACE FUNCTION federation.sync_node_health()
RETURNS trigger
LANGUAGE plpgsql
AS $$
DECLARE
    v_node text := coalesce(NEW.node_id, OLD.node_id);
    v_unhealthy_at timestamptz := CASE WHEN TG_OP <> 'DELETE' AND NOT NEW.healthy THEN NEW.checked_at END;
BEGIN
    UPDATE federation.federation_nodes SET unhealthy_checked_at = v_unhealthy_at
    WHERE node_id = v_node AND unhealthy_checked_at IS DISTINCT FROM v_unhealthy_at;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION federation.sync_node_health() IS
    'Trigger of federation_node_health: keeps federation_nodes.unhealthy_checked_at, the serving state resolve_node reads.';

CREATE OR REPLACE FUNCTION federation.report_node_health(p_node_id text, p_healthy boolean,
                                                     p_latency_ms real DEFAULT NULL, p_error text DEFAULT NULL)
RETURNS federation.federation_node_health
LANGUAGE plpgsql
AS $$
DECLARE
    v_row federation.federation_node_health;
BEGIN
    IF p_healthy IS NULL THEN
        RAISE EXCEPTION 'healthy must be true or false' USING ERRCODE = 'FG400';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM federation.federation_nodes n WHERE n.node_id = p_node_id) THEN
        RAISE EXCEPTION 'unknown node: %', p_node_id USING ERRCODE = 'FG404';
    END IF;
    INSERT INTO federation.federation_node_health AS h
        (node_id, healthy, latency_ms, last_error, consecutive_failures, checked_at, last_change_at)
    VALUES (p_node_id, p_healthy, p_latency_ms,
            CASE WHEN p_healthy THEN NULL ELSE left(p_error, 500) END,
            CASE WHEN p_healthy THEN 0 ELSE 1 END, now(), now())
    ON CONFLICT (node_id) DO UPDATE SET
        healthy = EXCLUDED.healthy,
        latency_ms = EXCLUDED.latency_ms,
        last_error = CASE WHEN EXCLUDED.healthy THEN h.last_error ELSE EXCLUDED.last_error END,
        consecutive_failures = CASE WHEN EXCLUDED.healthy THEN 0 ELSE h.consecutive_failures + 1 END,
        checked_at = EXCLUDED.checked_at,
        last_change_at = CASE WHEN h.healthy IS DISTINCT FROM EXCLUDED.healthy THEN EXCLUDED.checked_at
                              ELSE h.last_change_at END
    RETURNING h.* INTO v_row;
    RETURN v_row;
END
$$;
COMMENT ON FUNCTION federation.report_node_health(text, boolean, real, text) IS
    'Records one health check of a node (the gateway''s monitor calls it). Keeps the consecutive failure count and the last error (the caller passes it without secrets). A flip of healthy notifies the gateways.';
