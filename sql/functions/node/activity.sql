-- Handler functions for a tenant's activity, audit trail, agents and telemetry.
--
--   api.tenant_activity(t, {limit, cursor})     GET tenants/{id}/activity (newest first)
--   api.bootstrap_audit(t, {limit, cursor})     GET bootstrap/audit/{id} (newest first)
--   api.tenant_agents(t, {limit, cursor})       GET tenants/{id}/agents
--   api.report_telemetry(t, body)               POST tenants/{id}/telemetry
--   api.tenant_telemetry(t, {window})           GET tenants/{id}/telemetry

CREATE OR REPLACE FUNCTION api.tenant_activity(p_tenant uuid, p_args jsonb DEFAULT '{}'::jsonb)
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_limit integer := onboarding.api_page_limit(p_args);
    v_cursor bigint := onboarding.api_page_cursor(p_args);
BEGIN
    PERFORM onboarding.api_require_tenant(p_tenant);
    RETURN onboarding.api_page((
        SELECT coalesce(jsonb_agg(jsonb_build_object('id', a.id, 'kind', a.kind, 'detail', a.detail,
                                                     'actor', a.actor, 'createdAt', a.created_at)
                                  ORDER BY a.id DESC), '[]'::jsonb)
        FROM (SELECT * FROM onboarding.tenant_activity x
              WHERE x.tenant_id = p_tenant AND (v_cursor IS NULL OR x.id < v_cursor)
              ORDER BY x.id DESC LIMIT v_limit + 1) a), v_limit);
END
$$;
COMMENT ON FUNCTION api.tenant_activity(uuid, jsonb) IS
    'A tenant''s activity, newest first, each item with who acted (actor: sub, role, address): {items, limit, nextCursor}; limit defaults to 50 and is capped at 200.';

CREATE OR REPLACE FUNCTION api.bootstrap_audit(p_tenant uuid, p_args jsonb DEFAULT '{}'::jsonb)
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_limit integer := onboarding.api_page_limit(p_args);
    v_cursor bigint := onboarding.api_page_cursor(p_args);
BEGIN
    PERFORM onboarding.api_require_tenant(p_tenant);
    RETURN onboarding.api_page((
        SELECT coalesce(jsonb_agg(jsonb_build_object('id', a.id, 'event', a.event, 'outcome', a.outcome,
                                                     'kitId', a.kit_id, 'detail', a.detail, 'actor', a.actor,
                                                     'createdAt', a.created_at,
                                                     'repeats', coalesce((SELECT sum(r.repeats)::integer
                                                                          FROM onboarding.enrollment_refusals r
                                                                          WHERE r.tenant_id = a.tenant_id
                                                                            AND r.audit_id = a.id), 1))
                                  ORDER BY a.id DESC), '[]'::jsonb)
        FROM (SELECT * FROM onboarding.bootstrap_audit x
              WHERE x.tenant_id = p_tenant AND (v_cursor IS NULL OR x.id < v_cursor)
              ORDER BY x.id DESC LIMIT v_limit + 1) a), v_limit);
END
$$;
COMMENT ON FUNCTION api.bootstrap_audit(uuid, jsonb) IS
    'A tenant''s append-only bootstrap audit trail, newest first, each event with who acted (actor: sub, role, address) and how many identical refused enrollments it stands for (repeats; 1 for any other event): {items, limit, nextCursor}.';

CREATE OR REPLACE FUNCTION api.tenant_agents(p_tenant uuid, p_args jsonb DEFAULT '{}'::jsonb)
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_limit integer := onboarding.api_page_limit(p_args, 100, 500);
BEGIN
    PERFORM onboarding.api_require_tenant(p_tenant);
    RETURN jsonb_build_object('items', coalesce((
        SELECT jsonb_agg(jsonb_build_object('agentId', a.id, 'hostname', a.hostname, 'agentType', a.agent_type,
                                            'version', a.version, 'kitId', a.kit_id,
                                            'registeredAt', a.registered_at, 'lastSeenAt', a.last_seen_at,
                                            'revokedAt', a.revoked_at)
                         ORDER BY a.hostname, a.agent_type)
        FROM (SELECT * FROM onboarding.agent_instances x WHERE x.tenant_id = p_tenant
              ORDER BY x.hostname, x.agent_type LIMIT v_limit) a), '[]'::jsonb),
        'total', (SELECT count(*) FROM onboarding.agent_instances x WHERE x.tenant_id = p_tenant));
END
$$;
COMMENT ON FUNCTION api.tenant_agents(uuid, jsonb) IS 'The agent instances registered for a tenant (by hostname), with the total; a revoked agent shows when it was revoked.';

CREATE OR REPLACE FUNCTION api.report_telemetry(p_tenant uuid, p_body jsonb)
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_agent uuid := onboarding.json_uuid(p_body, 'agentId', true);
    v_status text := coalesce(onboarding.json_text(p_body, 'status', false, 16), 'ok');
    v_cpu real;
    v_mem real;
    v_events bigint;
    v_events_given numeric;
    v_cpu_given numeric;
    v_mem_given numeric;
    v_id bigint;
    v_caller jsonb;
BEGIN
    PERFORM onboarding.api_require_writable(p_tenant, '{operator,agent}');
    v_caller := onboarding.claims();
    IF v_caller ->> 'role' = 'agent' AND (v_caller ->> 'agent_id') IS DISTINCT FROM v_agent::text THEN
        RAISE EXCEPTION 'an agent reports only its own heartbeats' USING ERRCODE = 'FG403';
    END IF;
    -- JSON numbers only (a string such as "Infinity" would cast), in the ranges the API documents:
    -- cpuPercent 0-100, memoryMb 0-1e9, eventsSent a whole number from 0 (1.0 is one; 1.5 is not).
    IF EXISTS (SELECT 1 FROM unnest(ARRAY['cpuPercent', 'memoryMb', 'eventsSent']) f(name)
               WHERE jsonb_typeof(p_body -> f.name) NOT IN ('number', 'null')) THEN
        PERFORM onboarding.api_invalid('cpuPercent', 'cpuPercent, memoryMb and eventsSent must be numbers');
    END IF;
    -- The ranges are checked on the numbers as sent, before they become real: 1000000001 and 100.000001
    -- round to the bounds as real and would pass (the contract fuzzer's coverage phase sent them).
    BEGIN
        v_cpu_given := (p_body ->> 'cpuPercent')::numeric;
        v_mem_given := (p_body ->> 'memoryMb')::numeric;
        v_events_given := (p_body ->> 'eventsSent')::numeric;
        v_events := coalesce(v_events_given::bigint, 0);
    EXCEPTION WHEN data_exception THEN
        PERFORM onboarding.api_invalid('eventsSent', 'cpuPercent, memoryMb and eventsSent must be numbers in range');
    END;
    v_cpu := v_cpu_given;
    v_mem := v_mem_given;
    IF v_cpu_given NOT BETWEEN 0 AND 100 THEN
        PERFORM onboarding.api_invalid('cpuPercent', 'cpuPercent must be from 0 to 100');
    ELSIF v_mem_given NOT BETWEEN 0 AND 1e9 THEN
        PERFORM onboarding.api_invalid('memoryMb', 'memoryMb must be from 0 to 1000000000');
    ELSIF v_events < 0 OR v_events_given <> trunc(v_events_given) THEN
        PERFORM onboarding.api_invalid('eventsSent', 'eventsSent must be a whole number from 0');
    END IF;
    IF v_status NOT IN ('ok', 'degraded', 'error') THEN
        PERFORM onboarding.api_invalid('status', 'status must be ok, degraded or error');
    END IF;
    UPDATE onboarding.agent_instances SET last_seen_at = now() WHERE tenant_id = p_tenant AND id = v_agent;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'agent % is not registered for this tenant', v_agent USING ERRCODE = 'FG404',
            DETAIL = jsonb_build_object('field', 'agentId')::text;
    END IF;
    INSERT INTO onboarding.agent_heartbeats (tenant_id, agent_instance_id, cpu_percent, memory_mb, events_sent, status)
    VALUES (p_tenant, v_agent, v_cpu, v_mem, v_events, v_status)
    RETURNING id INTO v_id;
    RETURN jsonb_build_object('accepted', true, 'heartbeatId', v_id, 'agentId', v_agent);
END
$$;
COMMENT ON FUNCTION api.report_telemetry(uuid, jsonb) IS
    'An agent''s heartbeat {agentId, cpuPercent?, memoryMb?, eventsSent?, status?}; the agent must be registered for the tenant. Callers: the agent itself (its credential names agentId) or an operator.';

CREATE OR REPLACE FUNCTION onboarding.telemetry_window(p_raw text)
RETURNS interval
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    v_window interval;
BEGIN
    IF p_raw IS NULL THEN
        RETURN interval '1 hour';
    END IF;
    IF p_raw !~ '^[1-9][0-9]{0,4}[smhd]$' THEN
        PERFORM onboarding.api_invalid('window', 'window must look like 15m, 1h or 7d');
    END IF;
    v_window := (left(p_raw, -1) || CASE right(p_raw, 1) WHEN 's' THEN ' seconds' WHEN 'm' THEN ' minutes'
                                                         WHEN 'h' THEN ' hours' ELSE ' days' END)::interval;
    IF v_window > interval '30 days' THEN
        PERFORM onboarding.api_invalid('window', 'window is at most 30d');
    END IF;
    RETURN v_window;
END
$$;
COMMENT ON FUNCTION onboarding.telemetry_window(text) IS 'Parses a telemetry window such as 15m, 1h or 7d (default 1h, at most 30d).';

CREATE OR REPLACE FUNCTION api.tenant_telemetry(p_tenant uuid, p_args jsonb DEFAULT '{}'::jsonb)
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_window interval := onboarding.telemetry_window(p_args ->> 'window');
    v_since timestamptz := now() - v_window;
BEGIN
    PERFORM onboarding.api_require_tenant(p_tenant);
    RETURN (
        SELECT jsonb_build_object(
            'window', coalesce(p_args ->> 'window', '1h'), 'since', v_since,
            'heartbeats', count(*),
            'reportingAgents', count(DISTINCT h.agent_instance_id),
            'registeredAgents', (SELECT count(*) FROM onboarding.agent_instances a WHERE a.tenant_id = p_tenant),
            'avgCpuPercent', round(avg(h.cpu_percent)::numeric, 2),
            'maxCpuPercent', max(h.cpu_percent),
            'avgMemoryMb', round(avg(h.memory_mb)::numeric, 2),
            'eventsSent', coalesce(sum(h.events_sent), 0),
            'byStatus', jsonb_build_object(
                'ok', count(*) FILTER (WHERE h.status = 'ok'),
                'degraded', count(*) FILTER (WHERE h.status = 'degraded'),
                'error', count(*) FILTER (WHERE h.status = 'error')),
            'lastHeartbeatAt', max(h.reported_at))
        FROM onboarding.agent_heartbeats h
        WHERE h.tenant_id = p_tenant AND h.reported_at >= v_since);
END
$$;
COMMENT ON FUNCTION api.tenant_telemetry(uuid, jsonb) IS
    'Agent heartbeats aggregated over a window (?window=15m|1h|7d, default 1h): counts, CPU, memory, events, statuses.';
