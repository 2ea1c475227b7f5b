--
-- PostgreSQL database dump
--

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: api; Type: SCHEMA; Schema: -; Owner: fedgate_owner
--

CREATE SCHEMA api;

ALTER SCHEMA api OWNER TO fedgate_owner;

--
-- Name: SCHEMA api; Type: COMMENT; Schema: -; Owner: fedgate_owner
--

COMMENT ON SCHEMA api IS 'Handler functions the gateway calls, one per endpoint: JSON in, JSON out.';

--
-- Name: fedgate; Type: SCHEMA; Schema: -; Owner: fedgate_owner
--

CREATE SCHEMA fedgate;

ALTER SCHEMA fedgate OWNER TO fedgate_owner;

--
-- Name: SCHEMA fedgate; Type: COMMENT; Schema: -; Owner: fedgate_owner
--

COMMENT ON SCHEMA fedgate IS 'Types both planes share (region codes).';

--
-- Name: onboarding; Type: SCHEMA; Schema: -; Owner: fedgate_owner
--

CREATE SCHEMA onboarding;

ALTER SCHEMA onboarding OWNER TO fedgate_owner;

--
-- Name: SCHEMA onboarding; Type: COMMENT; Schema: -; Owner: fedgate_owner
--

COMMENT ON SCHEMA onboarding IS 'The data plane: the onboarding tables of the tenants this node holds, the reference data they use, and the helpers of the api handlers. Private: the gateway calls only api.*';

--
-- Name: pgcrypto; Type: EXTENSION; Schema: -; Owner: -
--

CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA public;

--
-- Name: EXTENSION pgcrypto; Type: COMMENT; Schema: -; Owner: 
--

COMMENT ON EXTENSION pgcrypto IS 'cryptographic functions';

--
-- Name: region_code; Type: DOMAIN; Schema: fedgate; Owner: fedgate_owner
--

CREATE DOMAIN fedgate.region_code AS text
	CONSTRAINT region_code_check CHECK ((VALUE ~ '^[a-z0-9][a-z0-9-]{0,62}$'::text));

ALTER DOMAIN fedgate.region_code OWNER TO fedgate_owner;

--
-- Name: DOMAIN region_code; Type: COMMENT; Schema: fedgate; Owner: fedgate_owner
--

COMMENT ON DOMAIN fedgate.region_code IS 'A region code: lower-case letters, digits and dashes, 1 to 63 characters (us-east, eu-west).';

--
-- Name: agent_catalog(uuid, jsonb); Type: FUNCTION; Schema: api; Owner: fedgate_owner
--

CREATE FUNCTION api.agent_catalog(p_tenant uuid DEFAULT NULL::uuid, p_args jsonb DEFAULT '{}'::jsonb) RETURNS jsonb
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
    SELECT jsonb_build_object('items', coalesce(jsonb_agg(jsonb_build_object(
               'id', a.id, 'name', a.name, 'version', a.version, 'platforms', to_jsonb(a.platforms),
               'description', a.description) ORDER BY a.id), '[]'::jsonb))
    FROM onboarding.agent_types a
$$;

ALTER FUNCTION api.agent_catalog(p_tenant uuid, p_args jsonb) OWNER TO fedgate_owner;

--
-- Name: FUNCTION agent_catalog(p_tenant uuid, p_args jsonb); Type: COMMENT; Schema: api; Owner: fedgate_owner
--

COMMENT ON FUNCTION api.agent_catalog(p_tenant uuid, p_args jsonb) IS 'The agent types a tenant can deploy.';

--
-- Name: agent_credential(uuid, jsonb); Type: FUNCTION; Schema: api; Owner: fedgate_owner
--

CREATE FUNCTION api.agent_credential(p_tenant uuid, p_args jsonb DEFAULT '{}'::jsonb) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_agent onboarding.agent_instances;
BEGIN
    -- Writable: a suspended tenant's agents get no new credentials (FG423). api_caller has checked that
    -- this credential is the agent's current one; the refresh rotates it, so the old one ends here.
    PERFORM onboarding.api_require_writable(p_tenant, '{agent}');
    UPDATE onboarding.agent_instances a SET credential_generation = a.credential_generation + 1
    WHERE a.tenant_id = p_tenant AND a.id::text = onboarding.claims() ->> 'agent_id' AND a.revoked_at IS NULL
    RETURNING * INTO v_agent;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'this agent is no longer registered for the tenant' USING ERRCODE = 'FG403',
            HINT = 'enroll the host again with a kit';
    END IF;
    INSERT INTO onboarding.bootstrap_audit (tenant_id, event, outcome, detail)
    VALUES (p_tenant, 'agent.credential', 'success',
            jsonb_build_object('agentId', v_agent.id, 'generation', v_agent.credential_generation));
    RETURN jsonb_build_object('tenantId', p_tenant, 'agentId', v_agent.id,
                              'credentialGeneration', v_agent.credential_generation);
END
$$;

ALTER FUNCTION api.agent_credential(p_tenant uuid, p_args jsonb) OWNER TO fedgate_owner;

--
-- Name: FUNCTION agent_credential(p_tenant uuid, p_args jsonb); Type: COMMENT; Schema: api; Owner: fedgate_owner
--

COMMENT ON FUNCTION api.agent_credential(p_tenant uuid, p_args jsonb) IS 'An agent''s credential refresh, which rotates: the agent''s credential generation goes up by one (the presented token stops working) and its tenant, agent id and new generation are returned for the gateway to sign; FG423 while the tenant is suspended, FG403 when the agent is no longer registered; audited.';

--
-- Name: bootstrap_audit(uuid, jsonb); Type: FUNCTION; Schema: api; Owner: fedgate_owner
--

CREATE FUNCTION api.bootstrap_audit(p_tenant uuid, p_args jsonb DEFAULT '{}'::jsonb) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
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

ALTER FUNCTION api.bootstrap_audit(p_tenant uuid, p_args jsonb) OWNER TO fedgate_owner;

--
-- Name: FUNCTION bootstrap_audit(p_tenant uuid, p_args jsonb); Type: COMMENT; Schema: api; Owner: fedgate_owner
--

COMMENT ON FUNCTION api.bootstrap_audit(p_tenant uuid, p_args jsonb) IS 'A tenant''s append-only bootstrap audit trail, newest first, each event with who acted (actor: sub, role, address) and how many identical refused enrollments it stands for (repeats; 1 for any other event): {items, limit, nextCursor}.';

--
-- Name: bootstrap_scan(uuid, jsonb); Type: FUNCTION; Schema: api; Owner: fedgate_owner
--

CREATE FUNCTION api.bootstrap_scan(p_tenant uuid, p_args jsonb DEFAULT '{}'::jsonb) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_findings jsonb;
    v_summary jsonb;
    v_truncated boolean;
    v_limit integer := onboarding.api_page_limit(p_args, 100, 500);
BEGIN
    PERFORM onboarding.api_require_tenant(p_tenant);
    WITH f AS (
        SELECT 'kit_expired_unverified' AS kind, 'warning' AS severity, k.id::text AS subject,
               format('kit %s expired on %s without any agent verifying it', k.id, k.expires_at) AS message
        FROM onboarding.bootstrap_kits k
        WHERE k.tenant_id = p_tenant AND k.sealed_at IS NOT NULL AND k.verified_at IS NULL
          AND k.revoked_at IS NULL AND k.expires_at <= now()
        UNION ALL
        SELECT 'kit_token_guessing', 'critical', k.id::text,
               format('kit %s saw %s wrong enrollment tokens', k.id, k.failed_attempts)
        FROM onboarding.bootstrap_kits k WHERE k.tenant_id = p_tenant AND k.failed_attempts >= 5
        UNION ALL
        SELECT 'agent_silent', CASE WHEN a.last_seen_at < now() - interval '24 hours' THEN 'critical' ELSE 'warning' END,
               a.id::text, format('agent %s on %s has been silent since %s', a.agent_type, a.hostname, a.last_seen_at)
        FROM onboarding.agent_instances a
        WHERE a.tenant_id = p_tenant AND a.last_seen_at < now() - interval '1 hour'
        UNION ALL
        SELECT 'version_drift', 'info', a.id::text,
               format('agent %s on %s runs %s; the catalog has %s', a.agent_type, a.hostname, a.version, t.version)
        FROM onboarding.agent_instances a JOIN onboarding.agent_types t ON t.id = a.agent_type
        WHERE a.tenant_id = p_tenant AND a.version <> t.version
    )
    , ranked AS (
        SELECT f.*, row_number() OVER (ORDER BY CASE severity WHEN 'critical' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END,
                                                kind, subject) AS n
        FROM f
    )
    SELECT coalesce(jsonb_agg(jsonb_build_object('kind', kind, 'severity', severity, 'subject', subject, 'message', message)
                              ORDER BY n) FILTER (WHERE n <= v_limit), '[]'::jsonb),
           jsonb_build_object('critical', count(*) FILTER (WHERE severity = 'critical'),
                              'warning', count(*) FILTER (WHERE severity = 'warning'),
                              'info', count(*) FILTER (WHERE severity = 'info')),
           count(*) > v_limit
      INTO v_findings, v_summary, v_truncated
    FROM ranked;
    RETURN jsonb_build_object('tenantId', p_tenant, 'scannedAt', now(), 'findings', v_findings, 'summary', v_summary,
                              'limit', v_limit, 'truncated', v_truncated);
END
$$;

ALTER FUNCTION api.bootstrap_scan(p_tenant uuid, p_args jsonb) OWNER TO fedgate_owner;

--
-- Name: FUNCTION bootstrap_scan(p_tenant uuid, p_args jsonb); Type: COMMENT; Schema: api; Owner: fedgate_owner
--

COMMENT ON FUNCTION api.bootstrap_scan(p_tenant uuid, p_args jsonb) IS 'Problems in a tenant''s bootstrap state, each with a severity: expired kits never verified, token guessing, silent agents, version drift. The most severe first, at most limit (default 100, at most 500; truncated says when more were found); summary counts them all.';

--
-- Name: bootstrap_status(uuid, jsonb); Type: FUNCTION; Schema: api; Owner: fedgate_owner
--

CREATE FUNCTION api.bootstrap_status(p_tenant uuid, p_args jsonb DEFAULT '{}'::jsonb) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_tenant onboarding.tenants := onboarding.api_require_tenant(p_tenant);
    v_kits bigint;
    v_first_kit timestamptz;
    v_agents bigint;
    v_first_agent timestamptz;
    v_last_beat timestamptz;
BEGIN
    SELECT count(*), min(k.sealed_at) INTO v_kits, v_first_kit
    FROM onboarding.bootstrap_kits k WHERE k.tenant_id = p_tenant AND k.sealed_at IS NOT NULL;
    SELECT count(*), min(a.registered_at) INTO v_agents, v_first_agent
    FROM onboarding.agent_instances a WHERE a.tenant_id = p_tenant;
    SELECT max(h.reported_at) INTO v_last_beat FROM onboarding.agent_heartbeats h WHERE h.tenant_id = p_tenant;
    RETURN jsonb_build_object(
        'tenantId', p_tenant,
        'stage', CASE WHEN v_last_beat > now() - interval '15 minutes' THEN 'active'
                      WHEN v_agents > 0 THEN 'agent_verified'
                      WHEN v_kits > 0 THEN 'kit_issued'
                      ELSE 'not_started' END,
        'stages', jsonb_build_array('not_started', 'kit_issued', 'agent_verified', 'active'),
        'kitsIssued', v_kits, 'agentsVerified', v_agents,
        'tenantCreatedAt', v_tenant.created_at, 'firstKitAt', v_first_kit,
        'firstAgentVerifiedAt', v_first_agent, 'lastHeartbeatAt', v_last_beat);
END
$$;

ALTER FUNCTION api.bootstrap_status(p_tenant uuid, p_args jsonb) OWNER TO fedgate_owner;

--
-- Name: FUNCTION bootstrap_status(p_tenant uuid, p_args jsonb); Type: COMMENT; Schema: api; Owner: fedgate_owner
--

COMMENT ON FUNCTION api.bootstrap_status(p_tenant uuid, p_args jsonb) IS 'Bootstrap progress: not_started, kit_issued, agent_verified, active (a heartbeat in the last 15 minutes), with counts and timestamps.';

--
-- Name: create_tenant(uuid, jsonb); Type: FUNCTION; Schema: api; Owner: fedgate_owner
--

CREATE FUNCTION api.create_tenant(p_tenant uuid, p_body jsonb) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
DECLARE
    v_name text := onboarding.json_label(p_body, 'name', 200);
    v_region fedgate.region_code := onboarding.json_region(p_body, 'region', true);
    v_contact text := onboarding.json_text(p_body, 'contactEmail', false, 320);
    v_metadata jsonb := onboarding.json_object(p_body, 'metadata', 16384);
    v_row onboarding.tenants;
BEGIN
    PERFORM onboarding.api_enter(p_tenant, '{operator}');  -- only operators create tenants
    IF v_contact IS NOT NULL AND v_contact !~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$' THEN
        PERFORM onboarding.api_invalid('contactEmail', 'contactEmail must be an e-mail address');
    END IF;
    BEGIN
        INSERT INTO onboarding.tenants AS t (id, name, region, contact_email, metadata, status)
        VALUES (p_tenant, v_name, v_region, v_contact, v_metadata, 'active')
        ON CONFLICT (id) DO NOTHING
        RETURNING t.* INTO v_row;
    EXCEPTION WHEN unique_violation THEN
        -- The name is another tenant's, or this very tenant's: a retry racing its first attempt, both past
        -- ON CONFLICT's check on the id before either row was there, the other committed first (its name
        -- then conflicts). That row is answered below, like any retry's.
        IF NOT EXISTS (SELECT 1 FROM onboarding.tenants t WHERE t.id = p_tenant) THEN
            RAISE EXCEPTION 'a tenant named "%" already exists', v_name
                USING ERRCODE = 'unique_violation', DETAIL = jsonb_build_object('field', 'name')::text;
        END IF;
    END;
    IF v_row.id IS NULL THEN
        -- A retry of a creation whose answer was lost: the same row, never overwritten.
        SELECT * INTO v_row FROM onboarding.tenants t WHERE t.id = p_tenant;
        IF v_row.name IS DISTINCT FROM v_name OR v_row.region IS DISTINCT FROM v_region THEN
            RAISE EXCEPTION 'tenant % already exists with another name or region', p_tenant USING ERRCODE = 'FG409';
        END IF;
        RETURN onboarding.tenant_json(v_row);
    END IF;
    INSERT INTO onboarding.tenant_activity (tenant_id, kind, detail)
    VALUES (p_tenant, 'tenant.created', jsonb_build_object('region', v_region));
    RETURN onboarding.tenant_json(v_row);
END
$_$;

ALTER FUNCTION api.create_tenant(p_tenant uuid, p_body jsonb) OWNER TO fedgate_owner;

--
-- Name: FUNCTION create_tenant(p_tenant uuid, p_body jsonb); Type: COMMENT; Schema: api; Owner: fedgate_owner
--

COMMENT ON FUNCTION api.create_tenant(p_tenant uuid, p_body jsonb) IS 'Creates a registered tenant''s row on this node from {name, region, contactEmail?, metadata?}. A retry with the same name and region returns the existing row; an existing row is never overwritten (FG409).';

--
-- Name: identity_providers(uuid, jsonb); Type: FUNCTION; Schema: api; Owner: fedgate_owner
--

CREATE FUNCTION api.identity_providers(p_tenant uuid DEFAULT NULL::uuid, p_args jsonb DEFAULT '{}'::jsonb) RETURNS jsonb
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
    SELECT jsonb_build_object('items', coalesce(jsonb_agg(jsonb_build_object(
               'id', i.id, 'name', i.name, 'requiredFields', i.required_fields, 'description', i.description)
               ORDER BY i.id), '[]'::jsonb))
    FROM onboarding.identity_provider_types i
$$;

ALTER FUNCTION api.identity_providers(p_tenant uuid, p_args jsonb) OWNER TO fedgate_owner;

--
-- Name: FUNCTION identity_providers(p_tenant uuid, p_args jsonb); Type: COMMENT; Schema: api; Owner: fedgate_owner
--

COMMENT ON FUNCTION api.identity_providers(p_tenant uuid, p_args jsonb) IS 'The identity provider types supported and the fields each needs.';

--
-- Name: issue_kit(uuid, jsonb); Type: FUNCTION; Schema: api; Owner: fedgate_owner
--

CREATE FUNCTION api.issue_kit(p_tenant uuid, p_body jsonb) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
DECLARE
    v_tenant onboarding.tenants := onboarding.api_require_writable(p_tenant);
    v_agents text[] := onboarding.json_text_array(p_body, 'agents', 1, 20, '^[a-z0-9][a-z0-9-]{0,62}$');
    v_regions text[] := onboarding.json_regions(p_body, 'regions', 10);
    v_format text := coalesce(onboarding.json_text(p_body, 'format', false, 16), 'zip');
    v_max_agents integer := onboarding.json_int(p_body, 'maxAgents', 1, 1000);
    v_unknown text;
    v_token text := translate(encode(public.gen_random_bytes(32), 'base64'), '+/=', '-_');
    v_kit onboarding.bootstrap_kits;
BEGIN
    IF v_format NOT IN ('zip', 'tar.gz') THEN
        PERFORM onboarding.api_invalid('format', 'format must be zip or tar.gz');
    END IF;
    SELECT string_agg(a, ', ') INTO v_unknown FROM unnest(v_agents) a
    WHERE NOT EXISTS (SELECT 1 FROM onboarding.agent_types t WHERE t.id = a);
    IF v_unknown IS NOT NULL THEN
        RAISE EXCEPTION 'unknown agent type(s): %', v_unknown USING ERRCODE = 'FG400',
            DETAIL = jsonb_build_object('field', 'agents')::text, HINT = 'GET agents lists them';
    END IF;
    IF v_regions IS NULL OR cardinality(v_regions) = 0 THEN
        v_regions := ARRAY[v_tenant.region::text];
    END IF;
    INSERT INTO onboarding.bootstrap_kits (tenant_id, format, agents, regions, token_hash, expires_at, max_agents)
    VALUES (p_tenant, v_format, v_agents, v_regions, sha256(convert_to(v_token, 'UTF8')), now() + onboarding.kit_token_ttl(),
            coalesce(v_max_agents, 10))
    RETURNING * INTO v_kit;
    RETURN jsonb_build_object(
        'kitId', v_kit.id, 'token', v_token, 'format', v_format,
        'generatedAt', v_kit.created_at, 'expiresAt', v_kit.expires_at,
        'tenant', jsonb_build_object('id', v_tenant.id, 'name', v_tenant.name, 'region', v_tenant.region),
        'agents', (SELECT jsonb_agg(jsonb_build_object('id', t.id, 'name', t.name, 'version', t.version,
                                                       'platforms', to_jsonb(t.platforms)) ORDER BY t.id)
                   FROM onboarding.agent_types t WHERE t.id = ANY (v_agents)),
        'regions', to_jsonb(v_regions));
END
$_$;

ALTER FUNCTION api.issue_kit(p_tenant uuid, p_body jsonb) OWNER TO fedgate_owner;

--
-- Name: FUNCTION issue_kit(p_tenant uuid, p_body jsonb); Type: COMMENT; Schema: api; Owner: fedgate_owner
--

COMMENT ON FUNCTION api.issue_kit(p_tenant uuid, p_body jsonb) IS 'Issues a kit {agents: [agent type ids], regions?: [codes], format?: zip|tar.gz, maxAgents?: hosts it enrolls, 1-1000, default 10}: the kit row with the token''s hash and expiry, and what rendering needs from this node, including the token (returned this once). Region names come from the control database (api.kit_context).';

--
-- Name: kit_meta(uuid, jsonb); Type: FUNCTION; Schema: api; Owner: fedgate_owner
--

CREATE FUNCTION api.kit_meta(p_tenant uuid, p_args jsonb DEFAULT '{}'::jsonb) RETURNS json
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_metadata text;
BEGIN
    PERFORM onboarding.api_require_tenant(p_tenant);
    SELECT k.metadata_json INTO v_metadata FROM onboarding.bootstrap_kits k
    WHERE k.tenant_id = p_tenant AND k.sealed_at IS NOT NULL
    ORDER BY k.sealed_at DESC, k.created_at DESC LIMIT 1;
    IF v_metadata IS NULL THEN
        RAISE EXCEPTION 'tenant % has no bootstrap kit yet', p_tenant USING ERRCODE = 'FG404';
    END IF;
    RETURN v_metadata::json;  -- json keeps the text byte for byte
END
$$;

ALTER FUNCTION api.kit_meta(p_tenant uuid, p_args jsonb) OWNER TO fedgate_owner;

--
-- Name: FUNCTION kit_meta(p_tenant uuid, p_args jsonb); Type: COMMENT; Schema: api; Owner: fedgate_owner
--

COMMENT ON FUNCTION api.kit_meta(p_tenant uuid, p_args jsonb) IS 'The latest kit''s metadata.json, byte-identical to the file in the archive; FG404 when none.';

--
-- Name: kit_verification(uuid, jsonb); Type: FUNCTION; Schema: api; Owner: fedgate_owner
--

CREATE FUNCTION api.kit_verification(p_tenant uuid, p_args jsonb DEFAULT '{}'::jsonb) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_kit_id uuid := onboarding.json_uuid(p_args, 'kitId', true);
    v_kit onboarding.bootstrap_kits;
    v_limit integer := onboarding.api_page_limit(p_args, 100, 500);
BEGIN
    PERFORM onboarding.api_require_tenant(p_tenant);
    SELECT * INTO v_kit FROM onboarding.bootstrap_kits k WHERE k.id = v_kit_id AND k.tenant_id = p_tenant;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no such kit for this tenant' USING ERRCODE = 'FG404';
    END IF;
    RETURN jsonb_build_object(
        'kitId', v_kit.id, 'state', onboarding.kit_state(v_kit), 'format', v_kit.format, 'agents', to_jsonb(v_kit.agents),
        'issuedAt', v_kit.sealed_at, 'expiresAt', v_kit.expires_at, 'verifiedAt', v_kit.verified_at,
        'revokedAt', v_kit.revoked_at, 'failedAttempts', v_kit.failed_attempts, 'archiveSha256', v_kit.archive_sha256,
        'maxAgents', v_kit.max_agents, 'agentsEnrolled', v_kit.agents_enrolled,
        'limit', v_limit,
        'registeredAgents', coalesce((SELECT jsonb_agg(jsonb_build_object('agentId', a.id, 'hostname', a.hostname,
                                                                          'agentType', a.agent_type)
                                                       ORDER BY a.hostname, a.agent_type)
                                      FROM (SELECT * FROM onboarding.agent_instances x
                                            WHERE x.tenant_id = p_tenant AND x.kit_id = v_kit.id
                                            ORDER BY x.hostname, x.agent_type LIMIT v_limit) a), '[]'::jsonb));
END
$$;

ALTER FUNCTION api.kit_verification(p_tenant uuid, p_args jsonb) OWNER TO fedgate_owner;

--
-- Name: FUNCTION kit_verification(p_tenant uuid, p_args jsonb); Type: COMMENT; Schema: api; Owner: fedgate_owner
--

COMMENT ON FUNCTION api.kit_verification(p_tenant uuid, p_args jsonb) IS 'A kit''s verification state (?kitId=): pending, issued, verified, expired or revoked, with the agents it enrolled (the first limit by host name, default 100, at most 500; agentsEnrolled counts them all).';

--
-- Name: report_telemetry(uuid, jsonb); Type: FUNCTION; Schema: api; Owner: fedgate_owner
--

CREATE FUNCTION api.report_telemetry(p_tenant uuid, p_body jsonb) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
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

ALTER FUNCTION api.report_telemetry(p_tenant uuid, p_body jsonb) OWNER TO fedgate_owner;

--
-- Name: FUNCTION report_telemetry(p_tenant uuid, p_body jsonb); Type: COMMENT; Schema: api; Owner: fedgate_owner
--

COMMENT ON FUNCTION api.report_telemetry(p_tenant uuid, p_body jsonb) IS 'An agent''s heartbeat {agentId, cpuPercent?, memoryMb?, eventsSent?, status?}; the agent must be registered for the tenant. Callers: the agent itself (its credential names agentId) or an operator.';

--
-- Name: revoke_agent(uuid, jsonb); Type: FUNCTION; Schema: api; Owner: fedgate_owner
--

CREATE FUNCTION api.revoke_agent(p_tenant uuid, p_args jsonb DEFAULT '{}'::jsonb) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_agent_id uuid := onboarding.json_uuid(p_args, 'agentId', true);
    v_agent onboarding.agent_instances;
    v_first boolean;
BEGIN
    PERFORM onboarding.api_require_tenant(p_tenant, '{operator,tenant}');
    SELECT * INTO v_agent FROM onboarding.agent_instances a
    WHERE a.tenant_id = p_tenant AND a.id = v_agent_id FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no agent % for this tenant', v_agent_id USING ERRCODE = 'FG404';
    END IF;
    v_first := v_agent.revoked_at IS NULL;
    IF v_first THEN
        UPDATE onboarding.agent_instances a
        SET revoked_at = now(), credential_generation = a.credential_generation + 1
        WHERE a.tenant_id = p_tenant AND a.id = v_agent_id
        RETURNING * INTO v_agent;
        INSERT INTO onboarding.bootstrap_audit (tenant_id, kit_id, event, outcome, detail)
        VALUES (p_tenant, v_agent.kit_id, 'agent.revoke', 'success',
                jsonb_build_object('agentId', v_agent.id, 'hostname', v_agent.hostname,
                                   'agentType', v_agent.agent_type, 'by', onboarding.claims() ->> 'sub'));
        INSERT INTO onboarding.tenant_activity (tenant_id, kind, detail)
        VALUES (p_tenant, 'agent.revoked', jsonb_build_object('agentId', v_agent.id, 'hostname', v_agent.hostname));
    END IF;
    RETURN jsonb_build_object('tenantId', p_tenant, 'agentId', v_agent.id, 'hostname', v_agent.hostname,
                              'agentType', v_agent.agent_type, 'revokedAt', v_agent.revoked_at,
                              'alreadyRevoked', NOT v_first);
END
$$;

ALTER FUNCTION api.revoke_agent(p_tenant uuid, p_args jsonb) OWNER TO fedgate_owner;

--
-- Name: FUNCTION revoke_agent(p_tenant uuid, p_args jsonb); Type: COMMENT; Schema: api; Owner: fedgate_owner
--

COMMENT ON FUNCTION api.revoke_agent(p_tenant uuid, p_args jsonb) IS 'Deregisters an agent ({agentId}; operator or the tenant): every token of that agent is refused from now on (FG401), its heartbeats so far stay; enrolling the host again with a kit registers it anew. Revoking a revoked agent answers the first revocation (alreadyRevoked). FG404 for an agent the tenant does not have.';

--
-- Name: revoke_kit(uuid, jsonb); Type: FUNCTION; Schema: api; Owner: fedgate_owner
--

CREATE FUNCTION api.revoke_kit(p_tenant uuid, p_args jsonb DEFAULT '{}'::jsonb) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_kit_id uuid := onboarding.json_uuid(p_args, 'kitId', true);
    v_kit onboarding.bootstrap_kits;
BEGIN
    PERFORM onboarding.api_require_tenant(p_tenant);
    UPDATE onboarding.bootstrap_kits k SET revoked_at = coalesce(k.revoked_at, now())
    WHERE k.tenant_id = p_tenant AND k.id = v_kit_id
    RETURNING * INTO v_kit;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no such kit for this tenant' USING ERRCODE = 'FG404';
    END IF;
    IF v_kit.revoked_at = now() THEN  -- revoked by this call, not before
        INSERT INTO onboarding.bootstrap_audit (tenant_id, kit_id, event, outcome, detail)
        VALUES (p_tenant, v_kit.id, 'kit.revoked', 'success', jsonb_build_object('agentsEnrolled', v_kit.agents_enrolled));
        INSERT INTO onboarding.tenant_activity (tenant_id, kind, detail)
        VALUES (p_tenant, 'kit.revoked', jsonb_build_object('kitId', v_kit.id));
    END IF;
    RETURN jsonb_build_object('kitId', v_kit.id, 'state', 'revoked', 'revokedAt', v_kit.revoked_at);
END
$$;

ALTER FUNCTION api.revoke_kit(p_tenant uuid, p_args jsonb) OWNER TO fedgate_owner;

--
-- Name: FUNCTION revoke_kit(p_tenant uuid, p_args jsonb); Type: COMMENT; Schema: api; Owner: fedgate_owner
--

COMMENT ON FUNCTION api.revoke_kit(p_tenant uuid, p_args jsonb) IS 'Revokes a kit ({kitId}): it enrolls no more agents; agents it enrolled keep their credentials. Revoking a revoked kit answers the first revocation.';

--
-- Name: seal_kit(uuid, jsonb); Type: FUNCTION; Schema: api; Owner: fedgate_owner
--

CREATE FUNCTION api.seal_kit(p_tenant uuid, p_body jsonb) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_kit_id uuid := onboarding.json_uuid(p_body, 'kitId', true);
    v_metadata text := onboarding.json_text(p_body, 'metadataJson', true, 1048576);
    v_sha text := onboarding.json_text(p_body, 'archiveSha256', true, 64);
    v_kit onboarding.bootstrap_kits;
BEGIN
    PERFORM onboarding.api_require_writable(p_tenant);
    UPDATE onboarding.bootstrap_kits k SET metadata_json = v_metadata, archive_sha256 = v_sha, sealed_at = now()
    WHERE k.id = v_kit_id AND k.tenant_id = p_tenant AND k.sealed_at IS NULL
    RETURNING * INTO v_kit;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'kit % is not an unsealed kit of this tenant', v_kit_id USING ERRCODE = 'FG404';
    END IF;
    INSERT INTO onboarding.bootstrap_audit (tenant_id, kit_id, event, outcome, detail)
    VALUES (p_tenant, v_kit.id, 'kit.issued', 'success',
            jsonb_build_object('format', v_kit.format, 'agents', to_jsonb(v_kit.agents),
                               'archiveSha256', v_sha, 'expiresAt', v_kit.expires_at));
    INSERT INTO onboarding.tenant_activity (tenant_id, kind, detail)
    VALUES (p_tenant, 'kit.issued', jsonb_build_object('kitId', v_kit.id, 'agents', to_jsonb(v_kit.agents)));
    RETURN jsonb_build_object('kitId', v_kit.id, 'archiveSha256', v_sha, 'sealedAt', v_kit.sealed_at);
END
$$;

ALTER FUNCTION api.seal_kit(p_tenant uuid, p_body jsonb) OWNER TO fedgate_owner;

--
-- Name: FUNCTION seal_kit(p_tenant uuid, p_body jsonb); Type: COMMENT; Schema: api; Owner: fedgate_owner
--

COMMENT ON FUNCTION api.seal_kit(p_tenant uuid, p_body jsonb) IS 'Records a rendered kit: its metadata.json (verbatim) and archive SHA-256; writes kit.issued to the audit trail.';

--
-- Name: set_tenant_status(uuid, jsonb); Type: FUNCTION; Schema: api; Owner: fedgate_owner
--

CREATE FUNCTION api.set_tenant_status(p_tenant uuid, p_body jsonb) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_status text := onboarding.json_text(p_body, 'status', true, 16);
    v_row onboarding.tenants := onboarding.api_require_tenant(p_tenant, '{operator}');
BEGIN
    IF v_status NOT IN ('active', 'suspended') THEN
        PERFORM onboarding.api_invalid('status', 'status must be active or suspended');
    END IF;
    IF v_row.status IS DISTINCT FROM v_status THEN
        UPDATE onboarding.tenants t SET status = v_status WHERE t.id = p_tenant RETURNING t.* INTO v_row;
        INSERT INTO onboarding.tenant_activity (tenant_id, kind, detail)
        VALUES (p_tenant, CASE v_status WHEN 'suspended' THEN 'tenant.suspended' ELSE 'tenant.resumed' END,
                jsonb_build_object('reason', onboarding.json_text(p_body, 'reason', false, 500)));
    END IF;
    RETURN onboarding.tenant_json(v_row);
END
$$;

ALTER FUNCTION api.set_tenant_status(p_tenant uuid, p_body jsonb) OWNER TO fedgate_owner;

--
-- Name: FUNCTION set_tenant_status(p_tenant uuid, p_body jsonb); Type: COMMENT; Schema: api; Owner: fedgate_owner
--

COMMENT ON FUNCTION api.set_tenant_status(p_tenant uuid, p_body jsonb) IS 'An operator suspends or resumes a tenant on its node ({status: active|suspended, reason?}); the change and who made it go to the activity feed. A suspended tenant''s writes and kit issuance are refused (FG423); reads are served.';

--
-- Name: tenant_activity(uuid, jsonb); Type: FUNCTION; Schema: api; Owner: fedgate_owner
--

CREATE FUNCTION api.tenant_activity(p_tenant uuid, p_args jsonb DEFAULT '{}'::jsonb) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
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

ALTER FUNCTION api.tenant_activity(p_tenant uuid, p_args jsonb) OWNER TO fedgate_owner;

--
-- Name: FUNCTION tenant_activity(p_tenant uuid, p_args jsonb); Type: COMMENT; Schema: api; Owner: fedgate_owner
--

COMMENT ON FUNCTION api.tenant_activity(p_tenant uuid, p_args jsonb) IS 'A tenant''s activity, newest first, each item with who acted (actor: sub, role, address): {items, limit, nextCursor}; limit defaults to 50 and is capped at 200.';

--
-- Name: tenant_agents(uuid, jsonb); Type: FUNCTION; Schema: api; Owner: fedgate_owner
--

CREATE FUNCTION api.tenant_agents(p_tenant uuid, p_args jsonb DEFAULT '{}'::jsonb) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
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

ALTER FUNCTION api.tenant_agents(p_tenant uuid, p_args jsonb) OWNER TO fedgate_owner;

--
-- Name: FUNCTION tenant_agents(p_tenant uuid, p_args jsonb); Type: COMMENT; Schema: api; Owner: fedgate_owner
--

COMMENT ON FUNCTION api.tenant_agents(p_tenant uuid, p_args jsonb) IS 'The agent instances registered for a tenant (by hostname), with the total; a revoked agent shows when it was revoked.';

--
-- Name: tenant_status(uuid, jsonb); Type: FUNCTION; Schema: api; Owner: fedgate_owner
--

CREATE FUNCTION api.tenant_status(p_tenant uuid, p_args jsonb DEFAULT '{}'::jsonb) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_row onboarding.tenants := onboarding.api_require_tenant(p_tenant);
BEGIN
    RETURN onboarding.tenant_json(v_row) || jsonb_build_object(
        'agents', (SELECT count(*) FROM onboarding.agent_instances a WHERE a.tenant_id = p_tenant),
        'kits', (SELECT count(*) FROM onboarding.bootstrap_kits k WHERE k.tenant_id = p_tenant AND k.sealed_at IS NOT NULL),
        'lastActivityAt', (SELECT a.created_at FROM onboarding.tenant_activity a WHERE a.tenant_id = p_tenant
                           ORDER BY a.id DESC LIMIT 1));
END
$$;

ALTER FUNCTION api.tenant_status(p_tenant uuid, p_args jsonb) OWNER TO fedgate_owner;

--
-- Name: FUNCTION tenant_status(p_tenant uuid, p_args jsonb); Type: COMMENT; Schema: api; Owner: fedgate_owner
--

COMMENT ON FUNCTION api.tenant_status(p_tenant uuid, p_args jsonb) IS 'The tenant on this node with its agent and kit counts and last activity; FG404 when the tenant is not here.';

--
-- Name: tenant_telemetry(uuid, jsonb); Type: FUNCTION; Schema: api; Owner: fedgate_owner
--

CREATE FUNCTION api.tenant_telemetry(p_tenant uuid, p_args jsonb DEFAULT '{}'::jsonb) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
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

ALTER FUNCTION api.tenant_telemetry(p_tenant uuid, p_args jsonb) OWNER TO fedgate_owner;

--
-- Name: FUNCTION tenant_telemetry(p_tenant uuid, p_args jsonb); Type: COMMENT; Schema: api; Owner: fedgate_owner
--

COMMENT ON FUNCTION api.tenant_telemetry(p_tenant uuid, p_args jsonb) IS 'Agent heartbeats aggregated over a window (?window=15m|1h|7d, default 1h): counts, CPU, memory, events, statuses.';

--
-- Name: validate_identity(uuid, jsonb); Type: FUNCTION; Schema: api; Owner: fedgate_owner
--

CREATE FUNCTION api.validate_identity(p_tenant uuid, p_body jsonb) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_type text := onboarding.json_text(p_body, 'type', true, 63);
    v_config jsonb := p_body -> 'config';
    v_provider onboarding.identity_provider_types;
    v_errors jsonb := '[]'::jsonb;
    v_result jsonb;
BEGIN
    IF p_tenant IS NOT NULL THEN
        PERFORM onboarding.api_require_writable(p_tenant);  -- the outcome goes to the tenant's activity
    END IF;
    SELECT * INTO v_provider FROM onboarding.identity_provider_types i WHERE i.id = lower(v_type);
    IF NOT FOUND THEN
        v_errors := jsonb_build_array(jsonb_build_object('field', 'type',
            'message', format('unknown identity provider type; one of: %s',
                              (SELECT string_agg(id, ', ' ORDER BY id) FROM onboarding.identity_provider_types))));
    ELSIF v_config IS NULL OR jsonb_typeof(v_config) <> 'object' THEN
        v_errors := jsonb_build_array(jsonb_build_object('field', 'config', 'message', 'must be an object'));
    ELSE
        SELECT coalesce(jsonb_agg(jsonb_build_object('field', 'config.' || (f ->> 'name'), 'message', e.msg)
                                  ORDER BY f ->> 'name'), '[]'::jsonb)
          INTO v_errors
        FROM jsonb_array_elements(v_provider.required_fields) f,
             LATERAL (SELECT onboarding.identity_field_error(f ->> 'type', v_config -> (f ->> 'name')) AS msg) e
        WHERE e.msg IS NOT NULL;
    END IF;
    v_result := jsonb_build_object('valid', jsonb_array_length(v_errors) = 0, 'type', lower(v_type), 'errors', v_errors);
    IF p_tenant IS NOT NULL THEN  -- the outcome, never the configuration (it holds secrets)
        INSERT INTO onboarding.tenant_activity (tenant_id, kind, detail)
        VALUES (p_tenant, 'identity.validated',
                jsonb_build_object('type', lower(v_type), 'valid', v_result -> 'valid',
                                   'errors', jsonb_array_length(v_errors)));
    END IF;
    RETURN v_result;
END
$$;

ALTER FUNCTION api.validate_identity(p_tenant uuid, p_body jsonb) OWNER TO fedgate_owner;

--
-- Name: FUNCTION validate_identity(p_tenant uuid, p_body jsonb); Type: COMMENT; Schema: api; Owner: fedgate_owner
--

COMMENT ON FUNCTION api.validate_identity(p_tenant uuid, p_body jsonb) IS 'Checks an identity provider configuration {type, config}: {valid, type, errors: [{field, message}]}. With a tenant, the outcome (not the configuration) goes to its activity.';

--
-- Name: verify_kit(uuid, jsonb, jsonb, jsonb); Type: PROCEDURE; Schema: api; Owner: fedgate_owner
--

CREATE PROCEDURE api.verify_kit(IN p_tenant uuid, IN p_body jsonb, IN p_claims jsonb, INOUT p_result jsonb DEFAULT NULL::jsonb)
    LANGUAGE plpgsql
    AS $$
-- A procedure that commits cannot carry a SET clause: its work, with the
-- pinned search_path, is verify_kit_attempt; this body names only that.
DECLARE
    v_outcome jsonb;
    v_code text;
BEGIN
    IF p_claims IS NOT NULL THEN  -- NULL: the claims already set (a DBA's SET fedgate.claims)
        PERFORM pg_catalog.set_config('fedgate.claims', p_claims::text, true);
    END IF;
    v_outcome := onboarding.verify_kit_attempt(p_tenant, p_body);
    v_code := v_outcome ->> 'code';
    IF v_outcome ? 'refusal' THEN
        COMMIT;  -- the refusal stays in the audit trail (and the address's failure count) although the call fails
        RAISE EXCEPTION '%', v_outcome ->> 'message'
            USING ERRCODE = v_code, DETAIL = jsonb_build_object('reason', v_outcome ->> 'refusal')::text;
    END IF;
    p_result := v_outcome;
END
$$;

ALTER PROCEDURE api.verify_kit(IN p_tenant uuid, IN p_body jsonb, IN p_claims jsonb, INOUT p_result jsonb) OWNER TO fedgate_owner;

--
-- Name: PROCEDURE verify_kit(IN p_tenant uuid, IN p_body jsonb, IN p_claims jsonb, INOUT p_result jsonb); Type: COMMENT; Schema: api; Owner: fedgate_owner
--

COMMENT ON PROCEDURE api.verify_kit(IN p_tenant uuid, IN p_body jsonb, IN p_claims jsonb, INOUT p_result jsonb) IS 'An agent presents {kitId, token, hostname, agentType, version}, the gateway its caller''s claims: registers the agent instance (FG401 unknown kit or wrong token: "not accepted", nothing more; with the kit''s token: FG423 tenant suspended, FG410 expired or revoked, FG403 agent type not in the kit, FG409 host enrolled without its agent''s credential or kit used up; FG429 address throttled). Every outcome but throttling is in the audit trail, identical refusals as one row a minute with their count. Call it at top level (CALL outside a transaction block, as the gateway does): a refusal commits its audit row before raising, which a transaction block does not allow (2D000).';

--
-- Name: touch_updated_at(); Type: FUNCTION; Schema: fedgate; Owner: fedgate_owner
--

CREATE FUNCTION fedgate.touch_updated_at() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END
$$;

ALTER FUNCTION fedgate.touch_updated_at() OWNER TO fedgate_owner;

--
-- Name: FUNCTION touch_updated_at(); Type: COMMENT; Schema: fedgate; Owner: fedgate_owner
--

COMMENT ON FUNCTION fedgate.touch_updated_at() IS 'Trigger of both planes: sets updated_at to now() on every update.';

--
-- Name: agent_credential_valid(jsonb); Type: FUNCTION; Schema: onboarding; Owner: fedgate_owner
--

CREATE FUNCTION onboarding.agent_credential_valid(p_claims jsonb) RETURNS boolean
    LANGUAGE sql STABLE
    AS $$
    SELECT EXISTS (
        SELECT 1 FROM onboarding.agent_instances a
        WHERE a.tenant_id::text = p_claims ->> 'tenant_id' AND a.id::text = p_claims ->> 'agent_id'
          AND a.revoked_at IS NULL
          -- a token minted before node migration 008 carries no generation: it is generation 1's
          AND a.credential_generation::text = coalesce(p_claims ->> 'agent_gen', '1'))
$$;

ALTER FUNCTION onboarding.agent_credential_valid(p_claims jsonb) OWNER TO fedgate_owner;

--
-- Name: FUNCTION agent_credential_valid(p_claims jsonb); Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON FUNCTION onboarding.agent_credential_valid(p_claims jsonb) IS 'Whether an agent caller''s claims name a registered, unrevoked agent of their tenant with the credential generation it holds now (one primary-key lookup, under the tenant''s row-level security: call it once fedgate.tenant_id is set).';

--
-- Name: align_sequences(uuid); Type: FUNCTION; Schema: onboarding; Owner: fedgate_owner
--

CREATE FUNCTION onboarding.align_sequences(p_tenant uuid) RETURNS void
    LANGUAGE plpgsql
    AS $_$
DECLARE
    v record;
BEGIN
    -- The sequence owned by a table's id column, read from pg_depend: pg_get_serial_sequence raises for a
    -- table without an id column (enrollment_refusals), whatever the join order.
    FOR v IN SELECT t.table_name, t.tenant_column, s.seq
             FROM onboarding.tenant_tables() t
             JOIN pg_catalog.pg_attribute a
               ON a.attrelid = ('onboarding.' || t.table_name)::regclass AND a.attname = 'id' AND NOT a.attisdropped
             CROSS JOIN LATERAL (SELECT c.oid::regclass::text AS seq
                                 FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_class c ON c.oid = d.objid
                                 WHERE d.refobjid = a.attrelid AND d.refobjsubid = a.attnum AND c.relkind = 'S'
                                   AND d.classid = 'pg_catalog.pg_class'::regclass AND d.deptype IN ('a', 'i')) s
    LOOP
        -- The tenant's own largest id (its key's index, read backwards): the other tenants' ids came from
        -- this sequence already.
        EXECUTE format('SELECT setval(%L, greatest((SELECT coalesce(max(t.id), 0) FROM onboarding.%I t
                                                    WHERE t.%I = $1),
                                                   (SELECT last_value FROM %s)))',
                       v.seq, v.table_name, v.tenant_column, v.seq) USING p_tenant;
    END LOOP;
END
$_$;

ALTER FUNCTION onboarding.align_sequences(p_tenant uuid) OWNER TO fedgate_owner;

--
-- Name: FUNCTION align_sequences(p_tenant uuid); Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON FUNCTION onboarding.align_sequences(p_tenant uuid) IS 'Moves the identity sequences of the tables with generated ids past the largest id of the tenant a move copied in (the other tenants'' ids came from these sequences already), so its rows never collide with new ones. The mover calls it on the target before the switch.';

--
-- Name: api_caller(uuid, text[]); Type: FUNCTION; Schema: onboarding; Owner: fedgate_owner
--

CREATE FUNCTION onboarding.api_caller(p_tenant uuid, p_roles text[]) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    v_claims jsonb := onboarding.claims();
    v_role text := v_claims ->> 'role';
BEGIN
    IF v_claims IS NULL THEN
        RAISE EXCEPTION 'no verified caller: handlers run with the claims the gateway sets (fedgate.claims)'
            USING ERRCODE = 'FG401', HINT = 'in psql: SET fedgate.claims = ''{"role": "operator", "sub": "me"}''';
    END IF;
    IF v_role IS NULL OR NOT v_role = ANY (p_roles) THEN
        RAISE EXCEPTION 'a % caller may not do this', coalesce(v_role, 'role-less') USING ERRCODE = 'FG403';
    END IF;
    IF p_tenant IS NOT NULL AND v_role IN ('tenant', 'agent')
       AND (v_claims ->> 'tenant_id') IS DISTINCT FROM p_tenant::text THEN
        RAISE EXCEPTION 'this caller acts for another tenant' USING ERRCODE = 'FG403';
    END IF;
    RETURN v_claims;
END
$$;

ALTER FUNCTION onboarding.api_caller(p_tenant uuid, p_roles text[]) OWNER TO fedgate_owner;

--
-- Name: FUNCTION api_caller(p_tenant uuid, p_roles text[]); Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON FUNCTION onboarding.api_caller(p_tenant uuid, p_roles text[]) IS 'The caller''s claims, checked: FG401 without claims, FG403 when its role is not one of p_roles or a tenant or agent caller names another tenant than p_tenant. The gateway checks the same first; this is the second line.';

--
-- Name: api_enter(uuid, text[]); Type: FUNCTION; Schema: onboarding; Owner: fedgate_owner
--

CREATE FUNCTION onboarding.api_enter(p_tenant uuid, p_roles text[] DEFAULT '{operator,tenant}'::text[]) RETURNS uuid
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_claims jsonb;
BEGIN
    IF p_tenant IS NULL THEN
        RAISE EXCEPTION 'a tenant id is required' USING ERRCODE = 'FG400',
            DETAIL = jsonb_build_object('field', 'tenantId')::text,
            HINT = 'give it in the path, the tenantId query parameter or the X-Tenant-ID header';
    END IF;
    v_claims := onboarding.api_caller(p_tenant, p_roles);
    PERFORM onboarding.refuse_fenced(p_tenant);
    PERFORM set_config('fedgate.tenant_id', p_tenant::text, true);
    -- An agent's token is good only while its agent is registered with that credential generation (read
    -- under the tenant's row-level security, hence after the tenant is set): revocation is immediate.
    IF v_claims ->> 'role' = 'agent' AND NOT onboarding.agent_credential_valid(v_claims) THEN
        RAISE EXCEPTION 'this agent credential was revoked or replaced' USING ERRCODE = 'FG401',
            HINT = 'use the newest credential the agent was given, or enroll the host again with a kit';
    END IF;
    RETURN p_tenant;
END
$$;

ALTER FUNCTION onboarding.api_enter(p_tenant uuid, p_roles text[]) OWNER TO fedgate_owner;

--
-- Name: FUNCTION api_enter(p_tenant uuid, p_roles text[]); Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON FUNCTION onboarding.api_enter(p_tenant uuid, p_roles text[]) IS 'First act of every tenant handler: checks the caller may act for the tenant in one of p_roles (api_caller) and that the tenant is not fenced or moved away (FG421), sets fedgate.tenant_id for this transaction (row-level security keys on it), and refuses an agent whose credential was revoked or replaced (FG401). FG400 without a tenant.';

--
-- Name: api_invalid(text, text); Type: FUNCTION; Schema: onboarding; Owner: fedgate_owner
--

CREATE FUNCTION onboarding.api_invalid(p_field text, p_message text) RETURNS void
    LANGUAGE plpgsql
    AS $$
BEGIN
    RAISE EXCEPTION '%', p_message USING ERRCODE = 'FG400', DETAIL = jsonb_build_object('field', p_field)::text;
END
$$;

ALTER FUNCTION onboarding.api_invalid(p_field text, p_message text) OWNER TO fedgate_owner;

--
-- Name: FUNCTION api_invalid(p_field text, p_message text); Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON FUNCTION onboarding.api_invalid(p_field text, p_message text) IS 'Raises FG400 (HTTP 400) with DETAIL {"field": ...}.';

--
-- Name: api_page(jsonb, integer); Type: FUNCTION; Schema: onboarding; Owner: fedgate_owner
--

CREATE FUNCTION onboarding.api_page(p_items jsonb, p_limit integer) RETURNS jsonb
    LANGUAGE sql IMMUTABLE
    AS $_$
    -- p_items: up to p_limit + 1 items with an "id", newest first; one more than
    -- the limit means there is a next page, which starts below the last id shown.
    SELECT jsonb_build_object(
        'items', coalesce(jsonb_path_query_array(p_items, '$[0 to $last]', jsonb_build_object('last', p_limit - 1)),
                          '[]'::jsonb),
        'limit', p_limit,
        'nextCursor', CASE WHEN jsonb_array_length(p_items) > p_limit THEN p_items -> (p_limit - 1) ->> 'id' END)
$_$;

ALTER FUNCTION onboarding.api_page(p_items jsonb, p_limit integer) OWNER TO fedgate_owner;

--
-- Name: FUNCTION api_page(p_items jsonb, p_limit integer); Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON FUNCTION onboarding.api_page(p_items jsonb, p_limit integer) IS 'A page {items, limit, nextCursor} from the first limit + 1 items of a newest-first list.';

--
-- Name: api_page_cursor(jsonb); Type: FUNCTION; Schema: onboarding; Owner: fedgate_owner
--

CREATE FUNCTION onboarding.api_page_cursor(p_args jsonb) RETURNS bigint
    LANGUAGE plpgsql STABLE
    AS $_$
DECLARE
    v_raw text := p_args ->> 'cursor';
BEGIN
    IF v_raw IS NULL OR v_raw = '' THEN
        RETURN NULL;
    END IF;
    IF v_raw !~ '^[0-9]{1,18}$' THEN
        PERFORM onboarding.api_invalid('cursor', 'cursor is not one this API returned');
    END IF;
    RETURN v_raw::bigint;
END
$_$;

ALTER FUNCTION onboarding.api_page_cursor(p_args jsonb) OWNER TO fedgate_owner;

--
-- Name: FUNCTION api_page_cursor(p_args jsonb); Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON FUNCTION onboarding.api_page_cursor(p_args jsonb) IS 'The cursor of a paginated request (the nextCursor of the previous page), or NULL for the first page.';

--
-- Name: api_page_limit(jsonb, integer, integer); Type: FUNCTION; Schema: onboarding; Owner: fedgate_owner
--

CREATE FUNCTION onboarding.api_page_limit(p_args jsonb, p_default integer DEFAULT 50, p_max integer DEFAULT 200) RETURNS integer
    LANGUAGE plpgsql STABLE
    AS $_$
DECLARE
    v_raw text := p_args ->> 'limit';
BEGIN
    IF v_raw IS NULL THEN
        RETURN p_default;
    END IF;
    IF v_raw !~ '^\s*[0-9]{1,6}\s*$' OR v_raw::integer < 1 THEN
        PERFORM onboarding.api_invalid('limit', format('limit must be a whole number from 1 to %s', p_max));
    END IF;
    RETURN least(v_raw::integer, p_max);
END
$_$;

ALTER FUNCTION onboarding.api_page_limit(p_args jsonb, p_default integer, p_max integer) OWNER TO fedgate_owner;

--
-- Name: FUNCTION api_page_limit(p_args jsonb, p_default integer, p_max integer); Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON FUNCTION onboarding.api_page_limit(p_args jsonb, p_default integer, p_max integer) IS 'The page size of a paginated request: limit (default 50), capped (default 200); FG400 when not a positive integer.';

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: tenants; Type: TABLE; Schema: onboarding; Owner: fedgate_owner
--

CREATE TABLE onboarding.tenants (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    name text NOT NULL,
    region fedgate.region_code NOT NULL,
    contact_email text,
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    status text DEFAULT 'active'::text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT tenants_contact_email_check CHECK (((contact_email IS NULL) OR (length(contact_email) <= 320))),
    CONSTRAINT tenants_metadata_check CHECK ((jsonb_typeof(metadata) = 'object'::text)),
    CONSTRAINT tenants_name_check CHECK (((length(btrim(name)) >= 1) AND (length(btrim(name)) <= 200))),
    CONSTRAINT tenants_status_check CHECK ((status = ANY (ARRAY['provisioning'::text, 'active'::text, 'suspended'::text])))
);

ALTER TABLE ONLY onboarding.tenants FORCE ROW LEVEL SECURITY;

ALTER TABLE onboarding.tenants OWNER TO fedgate_owner;

--
-- Name: TABLE tenants; Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON TABLE onboarding.tenants IS 'The tenants this node holds, with their profile. The control plane''s registry lists every tenant.';

--
-- Name: api_require_tenant(uuid, text[]); Type: FUNCTION; Schema: onboarding; Owner: fedgate_owner
--

CREATE FUNCTION onboarding.api_require_tenant(p_tenant uuid, p_roles text[] DEFAULT '{operator,tenant}'::text[]) RETURNS onboarding.tenants
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_row onboarding.tenants;
BEGIN
    PERFORM onboarding.api_enter(p_tenant, p_roles);
    SELECT * INTO v_row FROM onboarding.tenants t WHERE t.id = p_tenant;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'tenant % not found', p_tenant USING ERRCODE = 'FG404';
    END IF;
    RETURN v_row;
END
$$;

ALTER FUNCTION onboarding.api_require_tenant(p_tenant uuid, p_roles text[]) OWNER TO fedgate_owner;

--
-- Name: FUNCTION api_require_tenant(p_tenant uuid, p_roles text[]); Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON FUNCTION onboarding.api_require_tenant(p_tenant uuid, p_roles text[]) IS 'api_enter, then the tenant''s row on this node, or FG404.';

--
-- Name: api_require_writable(uuid, text[]); Type: FUNCTION; Schema: onboarding; Owner: fedgate_owner
--

CREATE FUNCTION onboarding.api_require_writable(p_tenant uuid, p_roles text[] DEFAULT '{operator,tenant}'::text[]) RETURNS onboarding.tenants
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_row onboarding.tenants := onboarding.api_require_tenant(p_tenant, p_roles);
BEGIN
    IF v_row.status = 'suspended' THEN
        RAISE EXCEPTION 'tenant % is suspended: its writes and kit issuance are refused until an operator resumes it',
            p_tenant USING ERRCODE = 'FG423';
    END IF;
    RETURN v_row;
END
$$;

ALTER FUNCTION onboarding.api_require_writable(p_tenant uuid, p_roles text[]) OWNER TO fedgate_owner;

--
-- Name: FUNCTION api_require_writable(p_tenant uuid, p_roles text[]); Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON FUNCTION onboarding.api_require_writable(p_tenant uuid, p_roles text[]) IS 'api_require_tenant for handlers that write: FG423 when the tenant is suspended.';

--
-- Name: append_only_tables(); Type: FUNCTION; Schema: onboarding; Owner: fedgate_owner
--

CREATE FUNCTION onboarding.append_only_tables() RETURNS SETOF text
    LANGUAGE sql IMMUTABLE
    AS $$ VALUES ('agent_heartbeats'), ('tenant_activity'), ('bootstrap_audit') $$;

ALTER FUNCTION onboarding.append_only_tables() OWNER TO fedgate_owner;

--
-- Name: FUNCTION append_only_tables(); Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON FUNCTION onboarding.append_only_tables() IS 'The tenant tables whose rows are never updated (inserted with increasing ids; heartbeats deleted by retention): a move verifies their rows up to a high-water id before its fence, and at the fence only counts those and hashes the newer ones.';

--
-- Name: claims(); Type: FUNCTION; Schema: onboarding; Owner: fedgate_owner
--

CREATE FUNCTION onboarding.claims() RETURNS jsonb
    LANGUAGE sql STABLE
    RETURN (NULLIF(current_setting('fedgate.claims'::text, true), ''::text))::jsonb;

ALTER FUNCTION onboarding.claims() OWNER TO fedgate_owner;

--
-- Name: FUNCTION claims(); Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON FUNCTION onboarding.claims() IS 'The caller''s verified claims the gateway set for this transaction (fedgate.claims: role, sub, tenant_id, agent_id, addr), or NULL.';

--
-- Name: clear_fence(uuid, bigint); Type: FUNCTION; Schema: onboarding; Owner: fedgate_owner
--

CREATE FUNCTION onboarding.clear_fence(p_tenant uuid, p_move bigint) RETURNS boolean
    LANGUAGE sql
    AS $$
    WITH d AS (DELETE FROM onboarding.tenant_fences f WHERE f.tenant_id = p_tenant AND f.move_id = p_move RETURNING 1)
    SELECT EXISTS (SELECT 1 FROM d);
$$;

ALTER FUNCTION onboarding.clear_fence(p_tenant uuid, p_move bigint) OWNER TO fedgate_owner;

--
-- Name: FUNCTION clear_fence(p_tenant uuid, p_move bigint); Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON FUNCTION onboarding.clear_fence(p_tenant uuid, p_move bigint) IS 'Lifts the fence one move set on this node (its cutover failed or it was aborted), leaving any other move''s.';

--
-- Name: count_enrollment_failure(text); Type: FUNCTION; Schema: onboarding; Owner: fedgate_owner
--

CREATE FUNCTION onboarding.count_enrollment_failure(p_addr text) RETURNS void
    LANGUAGE sql
    AS $$
    INSERT INTO onboarding.enrollment_failures AS f (client_addr, minute, failures)
    VALUES (p_addr, date_trunc('minute', now()), 1)
    ON CONFLICT (client_addr, minute) DO UPDATE SET failures = f.failures + 1;
    DELETE FROM onboarding.enrollment_failures WHERE minute < now() - interval '1 hour';
$$;

ALTER FUNCTION onboarding.count_enrollment_failure(p_addr text) OWNER TO fedgate_owner;

--
-- Name: FUNCTION count_enrollment_failure(p_addr text); Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON FUNCTION onboarding.count_enrollment_failure(p_addr text) IS 'Counts a failed enrollment (unknown tenant or kit, wrong token) against the client address, and sweeps counts older than an hour.';

--
-- Name: current_actor(); Type: FUNCTION; Schema: onboarding; Owner: fedgate_owner
--

CREATE FUNCTION onboarding.current_actor() RETURNS jsonb
    LANGUAGE sql STABLE
    RETURN (SELECT jsonb_strip_nulls(jsonb_build_object('sub', (s.c ->> 'sub'::text), 'role', (s.c ->> 'role'::text), 'address', (s.c ->> 'addr'::text))) AS jsonb_strip_nulls FROM (SELECT onboarding.claims() AS c) s WHERE (s.c IS NOT NULL));

ALTER FUNCTION onboarding.current_actor() OWNER TO fedgate_owner;

--
-- Name: FUNCTION current_actor(); Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON FUNCTION onboarding.current_actor() IS 'Who acts in this transaction: {sub, role, address} from the claims, or NULL (a DBA in psql).';

--
-- Name: enrollment_failure_limit(); Type: FUNCTION; Schema: onboarding; Owner: fedgate_owner
--

CREATE FUNCTION onboarding.enrollment_failure_limit() RETURNS integer
    LANGUAGE sql STABLE
    RETURN (COALESCE(NULLIF(current_setting('fedgate.enrollment_failure_limit'::text, true), ''::text), '20'::text))::integer;

ALTER FUNCTION onboarding.enrollment_failure_limit() OWNER TO fedgate_owner;

--
-- Name: FUNCTION enrollment_failure_limit(); Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON FUNCTION onboarding.enrollment_failure_limit() IS 'Failed enrollments one client address may make in 15 minutes before it is refused (FG429): the fedgate.enrollment_failure_limit setting, default 20.';

--
-- Name: enrollment_failures; Type: TABLE; Schema: onboarding; Owner: fedgate_owner
--

CREATE TABLE onboarding.enrollment_failures (
    client_addr text NOT NULL,
    minute timestamp with time zone NOT NULL,
    failures integer NOT NULL,
    CONSTRAINT enrollment_failures_client_addr_check CHECK (((length(client_addr) >= 1) AND (length(client_addr) <= 64))),
    CONSTRAINT enrollment_failures_failures_check CHECK ((failures > 0))
);

ALTER TABLE onboarding.enrollment_failures OWNER TO fedgate_owner;

--
-- Name: TABLE enrollment_failures; Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON TABLE onboarding.enrollment_failures IS 'Failed enrollments (unknown tenant or kit, wrong token) per client address and minute: past the limit an address is refused for a while. Rows older than an hour are swept by the next failure.';

--
-- Name: enrollment_throttled(text); Type: FUNCTION; Schema: onboarding; Owner: fedgate_owner
--

CREATE FUNCTION onboarding.enrollment_throttled(p_addr text) RETURNS boolean
    LANGUAGE sql STABLE
    RETURN (SELECT (COALESCE(sum(f.failures), (0)::bigint) >= onboarding.enrollment_failure_limit()) FROM onboarding.enrollment_failures f WHERE ((f.client_addr = enrollment_throttled.p_addr) AND (f.minute > (now() - '00:15:00'::interval))));

ALTER FUNCTION onboarding.enrollment_throttled(p_addr text) OWNER TO fedgate_owner;

--
-- Name: FUNCTION enrollment_throttled(p_addr text); Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON FUNCTION onboarding.enrollment_throttled(p_addr text) IS 'Whether a client address made as many failed enrollments in the last 15 minutes as the limit allows.';

--
-- Name: heartbeat_retention(); Type: FUNCTION; Schema: onboarding; Owner: fedgate_owner
--

CREATE FUNCTION onboarding.heartbeat_retention() RETURNS interval
    LANGUAGE sql STABLE
    RETURN (COALESCE(NULLIF(current_setting('fedgate.heartbeat_retention'::text, true), ''::text), '30 days'::text))::interval;

ALTER FUNCTION onboarding.heartbeat_retention() OWNER TO fedgate_owner;

--
-- Name: FUNCTION heartbeat_retention(); Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON FUNCTION onboarding.heartbeat_retention() IS 'How long heartbeats are kept: the fedgate.heartbeat_retention setting, default 30 days.';

--
-- Name: identity_field_error(text, jsonb); Type: FUNCTION; Schema: onboarding; Owner: fedgate_owner
--

CREATE FUNCTION onboarding.identity_field_error(p_kind text, p_value jsonb) RETURNS text
    LANGUAGE plpgsql STABLE
    AS $_$
DECLARE
    v text;
BEGIN
    IF p_value IS NULL OR jsonb_typeof(p_value) = 'null' THEN
        RETURN 'is required';
    END IF;
    IF jsonb_typeof(p_value) <> 'string' THEN
        RETURN 'must be a string';
    END IF;
    v := p_value #>> '{}';
    IF btrim(v) = '' THEN
        RETURN 'must not be empty';
    END IF;
    IF length(v) > 8192 THEN
        RETURN 'is longer than 8192 characters';
    END IF;
    RETURN CASE p_kind
        WHEN 'https_url' THEN CASE WHEN v !~* '^https://[a-z0-9.-]+(:[0-9]{1,5})?(/[^[:space:]]*)?$'
                                   THEN 'must be an https:// URL' END
        WHEN 'ldap_url' THEN CASE WHEN v !~* '^ldaps?://[a-z0-9.-]+(:[0-9]{1,5})?/?$'
                                  THEN 'must be an ldap:// or ldaps:// URL' END
        WHEN 'pem' THEN CASE WHEN v !~ '^-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=[:space:]]+-----END CERTIFICATE-----[[:space:]]*$'
                             THEN 'must be a PEM certificate' END
        ELSE NULL
    END;
END
$_$;

ALTER FUNCTION onboarding.identity_field_error(p_kind text, p_value jsonb) OWNER TO fedgate_owner;

--
-- Name: FUNCTION identity_field_error(p_kind text, p_value jsonb); Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON FUNCTION onboarding.identity_field_error(p_kind text, p_value jsonb) IS 'Why a configuration value does not fit its field kind (string, https_url, ldap_url, pem), or NULL.';

--
-- Name: json_int(jsonb, text, integer, integer); Type: FUNCTION; Schema: onboarding; Owner: fedgate_owner
--

CREATE FUNCTION onboarding.json_int(p_body jsonb, p_field text, p_min integer, p_max integer) RETURNS integer
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    v jsonb := p_body -> p_field;
    v_number numeric;
BEGIN
    IF v IS NULL OR jsonb_typeof(v) = 'null' THEN
        RETURN NULL;
    END IF;
    IF jsonb_typeof(v) = 'number' THEN
        v_number := (v #>> '{}')::numeric;  -- 3 and 3.0 are the same whole number (JSON Schema agrees)
    END IF;
    IF v_number IS NULL OR v_number <> trunc(v_number) OR v_number NOT BETWEEN p_min AND p_max THEN
        PERFORM onboarding.api_invalid(p_field, format('%s must be a whole number from %s to %s', p_field, p_min, p_max));
    END IF;
    RETURN v_number::integer;
END
$$;

ALTER FUNCTION onboarding.json_int(p_body jsonb, p_field text, p_min integer, p_max integer) OWNER TO fedgate_owner;

--
-- Name: FUNCTION json_int(p_body jsonb, p_field text, p_min integer, p_max integer); Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON FUNCTION onboarding.json_int(p_body jsonb, p_field text, p_min integer, p_max integer) IS 'Reads a whole-number field of a JSON body (NULL when absent): FG400 when not a whole number within the bounds.';

--
-- Name: json_label(jsonb, text, integer); Type: FUNCTION; Schema: onboarding; Owner: fedgate_owner
--

CREATE FUNCTION onboarding.json_label(p_body jsonb, p_field text, p_max_length integer) RETURNS text
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    v_text text := btrim(onboarding.json_text(p_body, p_field, true, p_max_length));
BEGIN
    -- Names end up in kits (install.sh prints them): no terminal escape sequences, no bidi overrides.
    IF v_text ~ '[\x01-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]' THEN
        PERFORM onboarding.api_invalid(p_field, format('%s must not contain control characters', p_field));
    END IF;
    RETURN v_text;
END
$$;

ALTER FUNCTION onboarding.json_label(p_body jsonb, p_field text, p_max_length integer) OWNER TO fedgate_owner;

--
-- Name: FUNCTION json_label(p_body jsonb, p_field text, p_max_length integer); Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON FUNCTION onboarding.json_label(p_body jsonb, p_field text, p_max_length integer) IS 'Reads a required display name (trimmed): FG400 when missing, blank, too long, or holding control or bidirectional-override characters.';

--
-- Name: json_object(jsonb, text, integer); Type: FUNCTION; Schema: onboarding; Owner: fedgate_owner
--

CREATE FUNCTION onboarding.json_object(p_body jsonb, p_field text, p_max_bytes integer) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    v jsonb := p_body -> p_field;
BEGIN
    IF v IS NULL OR jsonb_typeof(v) = 'null' THEN
        RETURN '{}'::jsonb;
    END IF;
    IF jsonb_typeof(v) <> 'object' THEN
        PERFORM onboarding.api_invalid(p_field, format('%s must be an object', p_field));
    END IF;
    IF octet_length(v::text) > p_max_bytes THEN
        PERFORM onboarding.api_invalid(p_field, format('%s is larger than %s bytes', p_field, p_max_bytes));
    END IF;
    RETURN v;
END
$$;

ALTER FUNCTION onboarding.json_object(p_body jsonb, p_field text, p_max_bytes integer) OWNER TO fedgate_owner;

--
-- Name: FUNCTION json_object(p_body jsonb, p_field text, p_max_bytes integer); Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON FUNCTION onboarding.json_object(p_body jsonb, p_field text, p_max_bytes integer) IS 'Reads an object field of a JSON body (''{}'' when absent): FG400 when not an object or too large.';

--
-- Name: json_region(jsonb, text, boolean); Type: FUNCTION; Schema: onboarding; Owner: fedgate_owner
--

CREATE FUNCTION onboarding.json_region(p_body jsonb, p_field text, p_required boolean) RETURNS fedgate.region_code
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    v_text text := onboarding.json_text(p_body, p_field, p_required, 63);
BEGIN
    RETURN v_text::fedgate.region_code;
EXCEPTION WHEN check_violation THEN
    PERFORM onboarding.api_invalid(p_field, format('%s must be a lower-case region code', p_field));
END
$$;

ALTER FUNCTION onboarding.json_region(p_body jsonb, p_field text, p_required boolean) OWNER TO fedgate_owner;

--
-- Name: FUNCTION json_region(p_body jsonb, p_field text, p_required boolean); Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON FUNCTION onboarding.json_region(p_body jsonb, p_field text, p_required boolean) IS 'Reads a region code field (fedgate.region_code): FG400 when missing and required, or not a region code.';

--
-- Name: json_regions(jsonb, text, integer); Type: FUNCTION; Schema: onboarding; Owner: fedgate_owner
--

CREATE FUNCTION onboarding.json_regions(p_body jsonb, p_field text, p_max integer) RETURNS text[]
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    v_items text[] := onboarding.json_text_array(p_body, p_field, 0, p_max, NULL);
BEGIN
    PERFORM v_items::fedgate.region_code[];
    RETURN v_items;
EXCEPTION WHEN check_violation THEN
    PERFORM onboarding.api_invalid(p_field, format('%s holds a malformed region code', p_field));
END
$$;

ALTER FUNCTION onboarding.json_regions(p_body jsonb, p_field text, p_max integer) OWNER TO fedgate_owner;

--
-- Name: FUNCTION json_regions(p_body jsonb, p_field text, p_max integer); Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON FUNCTION onboarding.json_regions(p_body jsonb, p_field text, p_max integer) IS 'Reads an array of region codes (distinct, sorted; NULL when absent): FG400 when not an array of region codes or longer than p_max.';

--
-- Name: json_text(jsonb, text, boolean, integer); Type: FUNCTION; Schema: onboarding; Owner: fedgate_owner
--

CREATE FUNCTION onboarding.json_text(p_body jsonb, p_field text, p_required boolean, p_max_length integer) RETURNS text
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    v jsonb := p_body -> p_field;
    v_text text;
BEGIN
    IF v IS NULL OR jsonb_typeof(v) = 'null' THEN
        IF p_required THEN
            PERFORM onboarding.api_invalid(p_field, format('%s is required', p_field));
        END IF;
        RETURN NULL;
    END IF;
    IF jsonb_typeof(v) <> 'string' THEN
        PERFORM onboarding.api_invalid(p_field, format('%s must be a string', p_field));
    END IF;
    v_text := v #>> '{}';
    IF length(v_text) > p_max_length THEN
        PERFORM onboarding.api_invalid(p_field, format('%s is longer than %s characters', p_field, p_max_length));
    END IF;
    IF p_required AND btrim(v_text) = '' THEN
        PERFORM onboarding.api_invalid(p_field, format('%s must not be empty', p_field));
    END IF;
    RETURN v_text;
END
$$;

ALTER FUNCTION onboarding.json_text(p_body jsonb, p_field text, p_required boolean, p_max_length integer) OWNER TO fedgate_owner;

--
-- Name: FUNCTION json_text(p_body jsonb, p_field text, p_required boolean, p_max_length integer); Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON FUNCTION onboarding.json_text(p_body jsonb, p_field text, p_required boolean, p_max_length integer) IS 'Reads a string field of a JSON body: FG400 when required and missing or blank, not a string, or too long.';

--
-- Name: json_text_array(jsonb, text, integer, integer, text); Type: FUNCTION; Schema: onboarding; Owner: fedgate_owner
--

CREATE FUNCTION onboarding.json_text_array(p_body jsonb, p_field text, p_min integer, p_max integer, p_pattern text) RETURNS text[]
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    v jsonb := p_body -> p_field;
    v_items text[];
BEGIN
    IF v IS NULL OR jsonb_typeof(v) = 'null' THEN
        IF p_min > 0 THEN
            PERFORM onboarding.api_invalid(p_field, format('%s is required', p_field));
        END IF;
        RETURN NULL;
    END IF;
    IF jsonb_typeof(v) <> 'array' OR EXISTS (SELECT 1 FROM jsonb_array_elements(v) e WHERE jsonb_typeof(e) <> 'string') THEN
        PERFORM onboarding.api_invalid(p_field, format('%s must be an array of strings', p_field));
    END IF;
    SELECT coalesce(array_agg(DISTINCT e ORDER BY e), '{}') INTO v_items FROM jsonb_array_elements_text(v) e;
    -- At most p_max items as sent (maxItems in the API's document), at least p_min distinct ones.
    IF cardinality(v_items) < p_min OR jsonb_array_length(v) > p_max THEN
        PERFORM onboarding.api_invalid(p_field, format('%s must hold %s to %s distinct items', p_field, p_min, p_max));
    END IF;
    IF p_pattern IS NOT NULL AND EXISTS (SELECT 1 FROM unnest(v_items) i WHERE i !~ p_pattern) THEN
        PERFORM onboarding.api_invalid(p_field, format('%s holds a malformed item', p_field));
    END IF;
    RETURN v_items;
END
$$;

ALTER FUNCTION onboarding.json_text_array(p_body jsonb, p_field text, p_min integer, p_max integer, p_pattern text) OWNER TO fedgate_owner;

--
-- Name: FUNCTION json_text_array(p_body jsonb, p_field text, p_min integer, p_max integer, p_pattern text); Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON FUNCTION onboarding.json_text_array(p_body jsonb, p_field text, p_min integer, p_max integer, p_pattern text) IS 'Reads an array of strings (distinct, sorted): FG400 when not an array of strings, out of the size bounds or not matching the pattern (when one is given).';

--
-- Name: json_uuid(jsonb, text, boolean); Type: FUNCTION; Schema: onboarding; Owner: fedgate_owner
--

CREATE FUNCTION onboarding.json_uuid(p_body jsonb, p_field text, p_required boolean) RETURNS uuid
    LANGUAGE plpgsql STABLE
    AS $_$
DECLARE
    v_text text := onboarding.json_text(p_body, p_field, p_required, 64);
BEGIN
    IF v_text IS NULL THEN
        RETURN NULL;
    END IF;
    IF v_text !~* '^\s*[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\s*$' THEN
        PERFORM onboarding.api_invalid(p_field, format('%s must be a UUID', p_field));
    END IF;
    RETURN btrim(v_text)::uuid;
END
$_$;

ALTER FUNCTION onboarding.json_uuid(p_body jsonb, p_field text, p_required boolean) OWNER TO fedgate_owner;

--
-- Name: FUNCTION json_uuid(p_body jsonb, p_field text, p_required boolean); Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON FUNCTION onboarding.json_uuid(p_body jsonb, p_field text, p_required boolean) IS 'Reads a UUID field of a JSON body: FG400 when malformed (or missing and required).';

--
-- Name: bootstrap_kits; Type: TABLE; Schema: onboarding; Owner: fedgate_owner
--

CREATE TABLE onboarding.bootstrap_kits (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    tenant_id uuid NOT NULL,
    format text NOT NULL,
    agents text[] NOT NULL,
    regions text[] NOT NULL,
    metadata_json text,
    archive_sha256 text,
    token_hash bytea NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    revoked_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    sealed_at timestamp with time zone,
    verified_at timestamp with time zone,
    failed_attempts integer DEFAULT 0 NOT NULL,
    max_agents integer DEFAULT 10 NOT NULL,
    agents_enrolled integer DEFAULT 0 NOT NULL,
    CONSTRAINT bootstrap_kits_agents_enrolled_check CHECK ((agents_enrolled >= 0)),
    CONSTRAINT bootstrap_kits_archive_sha256_check CHECK ((archive_sha256 ~ '^[0-9a-f]{64}$'::text)),
    CONSTRAINT bootstrap_kits_format_check CHECK ((format = ANY (ARRAY['zip'::text, 'tar.gz'::text]))),
    CONSTRAINT bootstrap_kits_max_agents_check CHECK (((max_agents >= 1) AND (max_agents <= 1000))),
    CONSTRAINT bootstrap_kits_sealed_check CHECK (((sealed_at IS NULL) OR ((metadata_json IS NOT NULL) AND (archive_sha256 IS NOT NULL))))
);

ALTER TABLE ONLY onboarding.bootstrap_kits FORCE ROW LEVEL SECURITY;

ALTER TABLE onboarding.bootstrap_kits OWNER TO fedgate_owner;

--
-- Name: TABLE bootstrap_kits; Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON TABLE onboarding.bootstrap_kits IS 'Bootstrap kits issued per tenant: checksum, token hash, expiry, revocation.';

--
-- Name: COLUMN bootstrap_kits.token_hash; Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON COLUMN onboarding.bootstrap_kits.token_hash IS 'SHA-256 of the enrollment token; the token itself is only inside the kit.';

--
-- Name: COLUMN bootstrap_kits.sealed_at; Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON COLUMN onboarding.bootstrap_kits.sealed_at IS 'When the rendered archive was recorded; an unsealed kit never verifies.';

--
-- Name: COLUMN bootstrap_kits.max_agents; Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON COLUMN onboarding.bootstrap_kits.max_agents IS 'How many hosts the kit may enroll (maxAgents of the kit request).';

--
-- Name: COLUMN bootstrap_kits.agents_enrolled; Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON COLUMN onboarding.bootstrap_kits.agents_enrolled IS 'How many hosts the kit enrolled (a re-enrollment does not count).';

--
-- Name: kit_state(onboarding.bootstrap_kits); Type: FUNCTION; Schema: onboarding; Owner: fedgate_owner
--

CREATE FUNCTION onboarding.kit_state(p_kit onboarding.bootstrap_kits) RETURNS text
    LANGUAGE sql STABLE
    RETURN CASE WHEN ((p_kit).sealed_at IS NULL) THEN 'pending'::text WHEN ((p_kit).revoked_at IS NOT NULL) THEN 'revoked'::text WHEN ((p_kit).verified_at IS NOT NULL) THEN 'verified'::text WHEN ((p_kit).expires_at <= now()) THEN 'expired'::text ELSE 'issued'::text END;

ALTER FUNCTION onboarding.kit_state(p_kit onboarding.bootstrap_kits) OWNER TO fedgate_owner;

--
-- Name: FUNCTION kit_state(p_kit onboarding.bootstrap_kits); Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON FUNCTION onboarding.kit_state(p_kit onboarding.bootstrap_kits) IS 'pending (not sealed), revoked, verified, expired or issued.';

--
-- Name: kit_token_ttl(); Type: FUNCTION; Schema: onboarding; Owner: fedgate_owner
--

CREATE FUNCTION onboarding.kit_token_ttl() RETURNS interval
    LANGUAGE sql STABLE
    RETURN (COALESCE(NULLIF(current_setting('fedgate.kit_token_ttl'::text, true), ''::text), '24 hours'::text))::interval;

ALTER FUNCTION onboarding.kit_token_ttl() OWNER TO fedgate_owner;

--
-- Name: FUNCTION kit_token_ttl(); Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON FUNCTION onboarding.kit_token_ttl() IS 'How long an enrollment token is valid: the fedgate.kit_token_ttl setting, default 24 hours.';

--
-- Name: lift_fence(uuid); Type: FUNCTION; Schema: onboarding; Owner: fedgate_owner
--

CREATE FUNCTION onboarding.lift_fence(p_tenant uuid) RETURNS boolean
    LANGUAGE sql
    AS $$
    WITH d AS (DELETE FROM onboarding.tenant_fences f WHERE f.tenant_id = p_tenant RETURNING 1)
    SELECT EXISTS (SELECT 1 FROM d);
$$;

ALTER FUNCTION onboarding.lift_fence(p_tenant uuid) OWNER TO fedgate_owner;

--
-- Name: FUNCTION lift_fence(p_tenant uuid); Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON FUNCTION onboarding.lift_fence(p_tenant uuid) IS 'Lifts a tenant''s fence on this node (an aborted cutover on the source; a tenant moving back onto its old node).';

--
-- Name: purge_tenant(uuid); Type: FUNCTION; Schema: onboarding; Owner: fedgate_owner
--

CREATE FUNCTION onboarding.purge_tenant(p_tenant uuid) RETURNS TABLE(table_name text, deleted bigint)
    LANGUAGE plpgsql
    AS $_$
DECLARE
    v record;
    v_count bigint;
BEGIN
    -- Children first: agents point at kits, everything at the tenant.
    FOR v IN SELECT t.table_name, t.tenant_column
             FROM onboarding.tenant_tables() WITH ORDINALITY AS t(table_name, tenant_column, n)
             ORDER BY t.n DESC LOOP
        EXECUTE format('DELETE FROM onboarding.%I t WHERE t.%I = $1', v.table_name, v.tenant_column) USING p_tenant;
        GET DIAGNOSTICS v_count = ROW_COUNT;
        table_name := v.table_name;
        deleted := v_count;
        RETURN NEXT;
    END LOOP;
END
$_$;

ALTER FUNCTION onboarding.purge_tenant(p_tenant uuid) OWNER TO fedgate_owner;

--
-- Name: FUNCTION purge_tenant(p_tenant uuid); Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON FUNCTION onboarding.purge_tenant(p_tenant uuid) IS 'Deletes a tenant''s rows from every tenant table of this node: the source after a verified move, the target after an aborted one.';

--
-- Name: record_enrollment_refusal(uuid, uuid, text, text, jsonb); Type: FUNCTION; Schema: onboarding; Owner: fedgate_owner
--

CREATE FUNCTION onboarding.record_enrollment_refusal(p_tenant uuid, p_kit uuid, p_addr text, p_reason text, p_detail jsonb) RETURNS void
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_first boolean;
    v_audit bigint;
    v_kit_key uuid := coalesce(p_kit, '00000000-0000-0000-0000-000000000000'::uuid);
BEGIN
    INSERT INTO onboarding.enrollment_refusals AS r (tenant_id, kit_key, client_addr, reason, minute)
    VALUES (p_tenant, v_kit_key, p_addr, p_reason, date_trunc('minute', now()))
    ON CONFLICT (tenant_id, kit_key, client_addr, reason, minute)
    DO UPDATE SET repeats = r.repeats + 1, last_at = now()
    RETURNING r.xmax = 0 INTO v_first;
    IF v_first THEN
        INSERT INTO onboarding.bootstrap_audit (tenant_id, kit_id, event, outcome, detail)
        VALUES (p_tenant, p_kit, 'kit.verify', 'failure', p_detail || jsonb_build_object('reason', p_reason))
        RETURNING id INTO v_audit;
        UPDATE onboarding.enrollment_refusals SET audit_id = v_audit
        WHERE tenant_id = p_tenant AND kit_key = v_kit_key AND client_addr = p_addr AND reason = p_reason
          AND minute = date_trunc('minute', now());
    END IF;
END
$$;

ALTER FUNCTION onboarding.record_enrollment_refusal(p_tenant uuid, p_kit uuid, p_addr text, p_reason text, p_detail jsonb) OWNER TO fedgate_owner;

--
-- Name: FUNCTION record_enrollment_refusal(p_tenant uuid, p_kit uuid, p_addr text, p_reason text, p_detail jsonb); Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON FUNCTION onboarding.record_enrollment_refusal(p_tenant uuid, p_kit uuid, p_addr text, p_reason text, p_detail jsonb) IS 'A refused enrollment: the first of its kind (tenant, kit, address, reason) in a minute writes an audit row, the identical ones after it add to that row''s count (enrollment_refusals.repeats), so a flood adds one row a minute, not one a request.';

--
-- Name: refuse_fenced(uuid); Type: FUNCTION; Schema: onboarding; Owner: fedgate_owner
--

CREATE FUNCTION onboarding.refuse_fenced(p_tenant uuid) RETURNS void
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    v_fence onboarding.tenant_fences;
BEGIN
    SELECT * INTO v_fence FROM onboarding.tenant_fences f WHERE f.tenant_id = p_tenant;
    IF FOUND THEN
        RAISE EXCEPTION 'tenant % is %: this node no longer serves it', p_tenant,
            CASE v_fence.state WHEN 'fenced' THEN 'moving to node ' || v_fence.target_node
                               ELSE 'on node ' || v_fence.target_node END
            USING ERRCODE = 'FG421', DETAIL = jsonb_build_object('state', v_fence.state, 'node', v_fence.target_node)::text,
                  HINT = 'the gateway asks the catalog again and retries on the tenant''s node';
    END IF;
END
$$;

ALTER FUNCTION onboarding.refuse_fenced(p_tenant uuid) OWNER TO fedgate_owner;

--
-- Name: FUNCTION refuse_fenced(p_tenant uuid); Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON FUNCTION onboarding.refuse_fenced(p_tenant uuid) IS 'FG421 (misdirected) when the tenant is fenced for a move''s cutover or has moved off this node (tenant_fences).';

--
-- Name: set_fence(uuid, bigint, text, text); Type: FUNCTION; Schema: onboarding; Owner: fedgate_owner
--

CREATE FUNCTION onboarding.set_fence(p_tenant uuid, p_move bigint, p_state text, p_target text) RETURNS void
    LANGUAGE sql
    AS $$
    INSERT INTO onboarding.tenant_fences AS f (tenant_id, move_id, state, target_node)
    VALUES (p_tenant, p_move, p_state, p_target)
    ON CONFLICT (tenant_id) DO UPDATE SET move_id = EXCLUDED.move_id, state = EXCLUDED.state,
                                          target_node = EXCLUDED.target_node, since = now();
$$;

ALTER FUNCTION onboarding.set_fence(p_tenant uuid, p_move bigint, p_state text, p_target text) OWNER TO fedgate_owner;

--
-- Name: FUNCTION set_fence(p_tenant uuid, p_move bigint, p_state text, p_target text); Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON FUNCTION onboarding.set_fence(p_tenant uuid, p_move bigint, p_state text, p_target text) IS 'Fences a tenant on this node (fenced: a move''s cutover; moved: it lives on p_target now): its handlers answer FG421.';

--
-- Name: sweep_heartbeats(integer); Type: FUNCTION; Schema: onboarding; Owner: fedgate_maintainer
--

CREATE FUNCTION onboarding.sweep_heartbeats(p_batch integer DEFAULT 5000) RETURNS bigint
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
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

ALTER FUNCTION onboarding.sweep_heartbeats(p_batch integer) OWNER TO fedgate_maintainer;

--
-- Name: FUNCTION sweep_heartbeats(p_batch integer); Type: COMMENT; Schema: onboarding; Owner: fedgate_maintainer
--

COMMENT ON FUNCTION onboarding.sweep_heartbeats(p_batch integer) IS 'Deletes one batch (default 5,000) of heartbeats older than heartbeat_retention(), oldest first; returns how many. SECURITY DEFINER as fedgate_maintainer, whose policy shows it heartbeats past their retention only. The health checker calls it until a batch comes back short.';

--
-- Name: telemetry_window(text); Type: FUNCTION; Schema: onboarding; Owner: fedgate_owner
--

CREATE FUNCTION onboarding.telemetry_window(p_raw text) RETURNS interval
    LANGUAGE plpgsql STABLE
    AS $_$
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
$_$;

ALTER FUNCTION onboarding.telemetry_window(p_raw text) OWNER TO fedgate_owner;

--
-- Name: FUNCTION telemetry_window(p_raw text); Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON FUNCTION onboarding.telemetry_window(p_raw text) IS 'Parses a telemetry window such as 15m, 1h or 7d (default 1h, at most 30d).';

--
-- Name: tenant_counts(uuid); Type: FUNCTION; Schema: onboarding; Owner: fedgate_owner
--

CREATE FUNCTION onboarding.tenant_counts(p_tenant uuid) RETURNS TABLE(table_name text, row_count bigint)
    LANGUAGE plpgsql STABLE
    AS $_$
DECLARE
    v record;
BEGIN
    FOR v IN SELECT * FROM onboarding.tenant_tables() LOOP
        RETURN QUERY EXECUTE format('SELECT %L::text, count(*) FROM onboarding.%I t WHERE t.%I = $1',
                                    v.table_name, v.table_name, v.tenant_column)
        USING p_tenant;
    END LOOP;
END
$_$;

ALTER FUNCTION onboarding.tenant_counts(p_tenant uuid) OWNER TO fedgate_owner;

--
-- Name: FUNCTION tenant_counts(p_tenant uuid); Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON FUNCTION onboarding.tenant_counts(p_tenant uuid) IS 'Per tenant table: the tenant''s row count (a move''s progress: rows expected on the source, copied on the target), without hashing the rows as tenant_digest does.';

--
-- Name: tenant_counts_upto(uuid, jsonb); Type: FUNCTION; Schema: onboarding; Owner: fedgate_owner
--

CREATE FUNCTION onboarding.tenant_counts_upto(p_tenant uuid, p_marks jsonb) RETURNS TABLE(table_name text, row_count bigint)
    LANGUAGE plpgsql STABLE
    AS $_$
DECLARE
    v_table text;
BEGIN
    FOR v_table IN SELECT * FROM onboarding.append_only_tables() LOOP
        IF p_marks ? v_table THEN
            RETURN QUERY EXECUTE format('SELECT %L::text, count(*) FROM onboarding.%I t WHERE t.tenant_id = $1 AND t.id <= $2',
                                       v_table, v_table)
            USING p_tenant, (p_marks ->> v_table)::bigint;
        END IF;
    END LOOP;
END
$_$;

ALTER FUNCTION onboarding.tenant_counts_upto(p_tenant uuid, p_marks jsonb) OWNER TO fedgate_owner;

--
-- Name: FUNCTION tenant_counts_upto(p_tenant uuid, p_marks jsonb); Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON FUNCTION onboarding.tenant_counts_upto(p_tenant uuid, p_marks jsonb) IS 'Per append-only table with a mark: the tenant''s rows up to it, counted (the part of tenant_digest a cutover can take while its marker travels).';

--
-- Name: tenant_digest(uuid, jsonb); Type: FUNCTION; Schema: onboarding; Owner: fedgate_owner
--

CREATE FUNCTION onboarding.tenant_digest(p_tenant uuid, p_marks jsonb DEFAULT NULL::jsonb) RETURNS TABLE(table_name text, row_count bigint, digest numeric)
    LANGUAGE plpgsql STABLE
    AS $_$
DECLARE
    v record;
    v_mark bigint;
    v_older bigint;
BEGIN
    FOR v IN SELECT * FROM onboarding.tenant_tables() LOOP
        v_mark := (p_marks ->> v.table_name)::bigint;
        IF v_mark IS NULL OR v.table_name NOT IN (SELECT * FROM onboarding.append_only_tables()) THEN
            RETURN QUERY EXECUTE format(
                'SELECT %L::text, count(*), coalesce(sum(hashtextextended(t::text, 0)::numeric), 0)
                 FROM onboarding.%I t WHERE t.%I = $1', v.table_name, v.table_name, v.tenant_column)
            USING p_tenant;
        ELSE  -- rows up to the mark were verified before the fence: counted here; the newer ones hashed
            EXECUTE format('SELECT count(*) FROM onboarding.%I t WHERE t.tenant_id = $1 AND t.id <= $2', v.table_name)
                INTO v_older USING p_tenant, v_mark;
            RETURN QUERY EXECUTE format(
                'SELECT %L::text, $3 + count(*), coalesce(sum(hashtextextended(t::text, 0)::numeric), 0)
                 FROM onboarding.%I t WHERE t.tenant_id = $1 AND t.id > $2', v.table_name, v.table_name)
            USING p_tenant, v_mark, v_older;
        END IF;
    END LOOP;
END
$_$;

ALTER FUNCTION onboarding.tenant_digest(p_tenant uuid, p_marks jsonb) OWNER TO fedgate_owner;

--
-- Name: FUNCTION tenant_digest(p_tenant uuid, p_marks jsonb); Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON FUNCTION onboarding.tenant_digest(p_tenant uuid, p_marks jsonb) IS 'Per tenant table: the tenant''s row count and the sum of a 64-bit hash of each row''s text (hashtextextended) (equal on two nodes when they hold the same rows, in any order). With high-water marks (tenant_marks), an append-only table''s rows up to its mark are counted, not hashed: a move hashed them before its fence (tenant_digest_upto). A move compares source and target with it at the fenced point.';

--
-- Name: tenant_digest_after(uuid, jsonb, jsonb); Type: FUNCTION; Schema: onboarding; Owner: fedgate_owner
--

CREATE FUNCTION onboarding.tenant_digest_after(p_tenant uuid, p_marks jsonb, p_counts jsonb) RETURNS TABLE(table_name text, row_count bigint, digest numeric)
    LANGUAGE plpgsql STABLE
    AS $_$
DECLARE
    v record;
    v_mark bigint;
BEGIN
    FOR v IN SELECT * FROM onboarding.tenant_tables() LOOP
        v_mark := (p_marks ->> v.table_name)::bigint;
        IF v_mark IS NULL OR NOT p_counts ? v.table_name
           OR v.table_name NOT IN (SELECT * FROM onboarding.append_only_tables()) THEN
            RETURN QUERY EXECUTE format(
                'SELECT %L::text, count(*), coalesce(sum(hashtextextended(t::text, 0)::numeric), 0)
                 FROM onboarding.%I t WHERE t.%I = $1', v.table_name, v.table_name, v.tenant_column)
            USING p_tenant;
        ELSE  -- the rows up to the mark were counted already (p_counts): the newer ones counted and hashed
            RETURN QUERY EXECUTE format(
                'SELECT %L::text, $3 + count(*), coalesce(sum(hashtextextended(t::text, 0)::numeric), 0)
                 FROM onboarding.%I t WHERE t.tenant_id = $1 AND t.id > $2', v.table_name, v.table_name)
            USING p_tenant, v_mark, (p_counts ->> v.table_name)::bigint;
        END IF;
    END LOOP;
END
$_$;

ALTER FUNCTION onboarding.tenant_digest_after(p_tenant uuid, p_marks jsonb, p_counts jsonb) OWNER TO fedgate_owner;

--
-- Name: FUNCTION tenant_digest_after(p_tenant uuid, p_marks jsonb, p_counts jsonb); Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON FUNCTION onboarding.tenant_digest_after(p_tenant uuid, p_marks jsonb, p_counts jsonb) IS 'tenant_digest(tenant, marks) with the counts up to the marks given (tenant_counts_upto, taken earlier): the same rows out.';

--
-- Name: tenant_digest_upto(uuid, jsonb); Type: FUNCTION; Schema: onboarding; Owner: fedgate_owner
--

CREATE FUNCTION onboarding.tenant_digest_upto(p_tenant uuid, p_marks jsonb) RETURNS TABLE(table_name text, row_count bigint, digest numeric)
    LANGUAGE plpgsql STABLE
    AS $_$
DECLARE
    v_table text;
BEGIN
    FOR v_table IN SELECT * FROM onboarding.append_only_tables() LOOP
        RETURN QUERY EXECUTE format(
            'SELECT %L::text, count(*), coalesce(sum(hashtextextended(t::text, 0)::numeric), 0)
             FROM onboarding.%I t WHERE t.tenant_id = $1 AND t.id <= $2', v_table, v_table)
        USING p_tenant, coalesce((p_marks ->> v_table)::bigint, 0);
    END LOOP;
END
$_$;

ALTER FUNCTION onboarding.tenant_digest_upto(p_tenant uuid, p_marks jsonb) OWNER TO fedgate_owner;

--
-- Name: FUNCTION tenant_digest_upto(p_tenant uuid, p_marks jsonb); Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON FUNCTION onboarding.tenant_digest_upto(p_tenant uuid, p_marks jsonb) IS 'Per append-only table: the tenant''s rows up to its high-water mark, counted and hashed. A move compares source and target with it before its fence, while the tenant still writes (newer rows are beyond the marks).';

--
-- Name: tenant_json(onboarding.tenants); Type: FUNCTION; Schema: onboarding; Owner: fedgate_owner
--

CREATE FUNCTION onboarding.tenant_json(p_tenant onboarding.tenants) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    SELECT jsonb_build_object(
        'tenantId', p_tenant.id, 'name', p_tenant.name, 'region', p_tenant.region,
        'contactEmail', p_tenant.contact_email, 'metadata', p_tenant.metadata, 'status', p_tenant.status,
        'createdAt', p_tenant.created_at, 'updatedAt', p_tenant.updated_at)
$$;

ALTER FUNCTION onboarding.tenant_json(p_tenant onboarding.tenants) OWNER TO fedgate_owner;

--
-- Name: FUNCTION tenant_json(p_tenant onboarding.tenants); Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON FUNCTION onboarding.tenant_json(p_tenant onboarding.tenants) IS 'The API''s JSON shape of a tenant row.';

--
-- Name: tenant_key_columns(text); Type: FUNCTION; Schema: onboarding; Owner: fedgate_owner
--

CREATE FUNCTION onboarding.tenant_key_columns(p_table text) RETURNS TABLE(column_name text, column_type text)
    LANGUAGE sql STABLE
    AS $$
    SELECT a.attname::text, format_type(a.atttypid, a.atttypmod)
    FROM onboarding.tenant_tables() t
    JOIN pg_catalog.pg_index i ON i.indrelid = format('onboarding.%I', t.table_name)::regclass AND i.indisprimary
    CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)
    JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
    WHERE t.table_name = p_table
      AND (a.attname <> t.tenant_column OR i.indnkeyatts = 1)  -- the tenant column names no row of its own
    ORDER BY k.n;
$$;

ALTER FUNCTION onboarding.tenant_key_columns(p_table text) OWNER TO fedgate_owner;

--
-- Name: FUNCTION tenant_key_columns(p_table text); Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON FUNCTION onboarding.tenant_key_columns(p_table text) IS 'The primary key columns of a tenant table that tell one of a tenant''s rows from another (the tenant column left out, unless it is the whole key), in key order, with their types.';

--
-- Name: tenant_marks(uuid); Type: FUNCTION; Schema: onboarding; Owner: fedgate_owner
--

CREATE FUNCTION onboarding.tenant_marks(p_tenant uuid) RETURNS jsonb
    LANGUAGE plpgsql STABLE
    AS $_$
DECLARE
    v_table text;
    v_marks jsonb := '{}'::jsonb;
    v_max bigint;
BEGIN
    FOR v_table IN SELECT * FROM onboarding.append_only_tables() LOOP
        EXECUTE format('SELECT max(t.id) FROM onboarding.%I t WHERE t.tenant_id = $1', v_table) INTO v_max USING p_tenant;
        v_marks := v_marks || jsonb_build_object(v_table, coalesce(v_max, 0));
    END LOOP;
    RETURN v_marks;
END
$_$;

ALTER FUNCTION onboarding.tenant_marks(p_tenant uuid) OWNER TO fedgate_owner;

--
-- Name: FUNCTION tenant_marks(p_tenant uuid); Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON FUNCTION onboarding.tenant_marks(p_tenant uuid) IS 'The tenant''s largest id in each append-only table (0 for none): the high-water marks a move verifies up to before its fence.';

--
-- Name: tenant_row_hashes(uuid, text, jsonb, jsonb, integer); Type: FUNCTION; Schema: onboarding; Owner: fedgate_owner
--

CREATE FUNCTION onboarding.tenant_row_hashes(p_tenant uuid, p_table text, p_after jsonb, p_upto jsonb, p_limit integer) RETURNS TABLE(row_key jsonb, row_hash text)
    LANGUAGE plpgsql STABLE
    AS $_$
DECLARE
    v_tenant_column text;
    v_columns text;
    v_tuple text;
    v_after text;
    v_upto text;
BEGIN
    SELECT t.tenant_column INTO v_tenant_column FROM onboarding.tenant_tables() t WHERE t.table_name = p_table;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'not a tenant table: %', p_table USING ERRCODE = 'FG400';
    END IF;
    SELECT string_agg(format('t.%I', k.column_name), ', ' ORDER BY k.n),
           string_agg(format('($2 ->> %s)::%s', k.n - 1, k.column_type), ', ' ORDER BY k.n),
           string_agg(format('($3 ->> %s)::%s', k.n - 1, k.column_type), ', ' ORDER BY k.n)
    INTO v_columns, v_after, v_upto
    FROM onboarding.tenant_key_columns(p_table) WITH ORDINALITY AS k(column_name, column_type, n);
    v_tuple := format('ROW(%s)', v_columns);
    RETURN QUERY EXECUTE format(
        'SELECT jsonb_build_array(%1$s), md5(t::text) FROM onboarding.%2$I t
         WHERE t.%3$I = $1 AND ($2 IS NULL OR %4$s > ROW(%5$s)) AND ($3 IS NULL OR %4$s <= ROW(%6$s))
         ORDER BY %1$s LIMIT $4',
        v_columns, p_table, v_tenant_column, v_tuple, v_after, v_upto)
    USING p_tenant, p_after, p_upto, p_limit;
END
$_$;

ALTER FUNCTION onboarding.tenant_row_hashes(p_tenant uuid, p_table text, p_after jsonb, p_upto jsonb, p_limit integer) OWNER TO fedgate_owner;

--
-- Name: FUNCTION tenant_row_hashes(p_tenant uuid, p_table text, p_after jsonb, p_upto jsonb, p_limit integer); Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON FUNCTION onboarding.tenant_row_hashes(p_tenant uuid, p_table text, p_after jsonb, p_upto jsonb, p_limit integer) IS 'A tenant''s rows of one table in key order, at most p_limit, after the key p_after and up to the key p_upto (JSON arrays of the key columns; NULL: unbounded): each row''s key and an md5 of its text. Two copies of a tenant are diffed by comparing these batch by batch.';

--
-- Name: tenant_rows(); Type: FUNCTION; Schema: onboarding; Owner: fedgate_owner
--

CREATE FUNCTION onboarding.tenant_rows() RETURNS bigint
    LANGUAGE sql STABLE
    AS $$
    SELECT coalesce(sum(s.n_live_tup), 0)::bigint FROM pg_stat_user_tables s
    WHERE s.schemaname = 'onboarding' AND s.relname IN (SELECT t.table_name FROM onboarding.tenant_tables() t);
$$;

ALTER FUNCTION onboarding.tenant_rows() OWNER TO fedgate_owner;

--
-- Name: FUNCTION tenant_rows(); Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON FUNCTION onboarding.tenant_rows() IS 'The tenant rows this node holds, from its statistics (live tuples of its tenant tables; no scan): the load the health checker reports for placement.';

--
-- Name: tenant_sizes(); Type: FUNCTION; Schema: onboarding; Owner: fedgate_owner
--

CREATE FUNCTION onboarding.tenant_sizes() RETURNS TABLE(tenant_id uuid, row_count bigint)
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    v record;
    v_parts text[] := '{}';
BEGIN
    FOR v IN SELECT * FROM onboarding.tenant_tables() LOOP
        v_parts := v_parts || format('SELECT t.%I AS tenant_id, count(*) AS n FROM onboarding.%I t GROUP BY 1',
                                     v.tenant_column, v.table_name);
    END LOOP;
    RETURN QUERY EXECUTE format('SELECT u.tenant_id, sum(u.n)::bigint FROM (%s) u WHERE u.tenant_id IS NOT NULL '
                                'GROUP BY 1 ORDER BY 1', array_to_string(v_parts, ' UNION ALL '));
END
$$;

ALTER FUNCTION onboarding.tenant_sizes() OWNER TO fedgate_owner;

--
-- Name: FUNCTION tenant_sizes(); Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON FUNCTION onboarding.tenant_sizes() IS 'Every tenant''s rows on this node, over its tenant tables, counted (one pass per table): the cost of moving it and its share of the node''s load, which fedgate legacy migrate and rebalance record in the catalog before they plan.';

--
-- Name: tenant_tables(); Type: FUNCTION; Schema: onboarding; Owner: fedgate_owner
--

CREATE FUNCTION onboarding.tenant_tables() RETURNS TABLE(table_name text, tenant_column text)
    LANGUAGE sql IMMUTABLE
    AS $$
    VALUES ('tenants', 'id'), ('bootstrap_kits', 'tenant_id'), ('agent_instances', 'tenant_id'),
           ('agent_heartbeats', 'tenant_id'), ('tenant_activity', 'tenant_id'), ('bootstrap_audit', 'tenant_id'),
           ('enrollment_refusals', 'tenant_id');
$$;

ALTER FUNCTION onboarding.tenant_tables() OWNER TO fedgate_owner;

--
-- Name: FUNCTION tenant_tables(); Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON FUNCTION onboarding.tenant_tables() IS 'The onboarding tables that hold a tenant''s rows and the column naming the tenant, parents first (a move publishes each with a row filter on it; purge_tenant deletes in the reverse order). The one list of them.';

--
-- Name: tenants_present(uuid[]); Type: FUNCTION; Schema: onboarding; Owner: fedgate_maintainer
--

CREATE FUNCTION onboarding.tenants_present(p_tenants uuid[]) RETURNS SETOF uuid
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
    SELECT t.id FROM onboarding.tenants t WHERE t.id = ANY (p_tenants);
$$;

ALTER FUNCTION onboarding.tenants_present(p_tenants uuid[]) OWNER TO fedgate_maintainer;

--
-- Name: FUNCTION tenants_present(p_tenants uuid[]); Type: COMMENT; Schema: onboarding; Owner: fedgate_maintainer
--

COMMENT ON FUNCTION onboarding.tenants_present(p_tenants uuid[]) IS 'Which of p_tenants have their row on this node: the reconciler settles registrations whose creation answer was lost with it. SECURITY DEFINER: it crosses tenants.';

--
-- Name: verify_kit_attempt(uuid, jsonb); Type: FUNCTION; Schema: onboarding; Owner: fedgate_owner
--

CREATE FUNCTION onboarding.verify_kit_attempt(p_tenant uuid, p_body jsonb) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $_$
DECLARE
    v_kit_id uuid := onboarding.json_uuid(p_body, 'kitId', true);
    v_token text := onboarding.json_text(p_body, 'token', true, 256);
    v_hostname text := lower(btrim(onboarding.json_text(p_body, 'hostname', true, 253)));
    v_agent_type text := onboarding.json_text(p_body, 'agentType', true, 63);
    v_version text := onboarding.json_text(p_body, 'version', true, 64);
    v_caller jsonb;
    v_addr text;
    v_tenant_known boolean;
    v_tenant_status text;
    v_kit onboarding.bootstrap_kits;
    v_existing onboarding.agent_instances;
    v_refusal text;
    v_code text;
    v_message text;
    v_agent onboarding.agent_instances;
    v_detail jsonb;
BEGIN
    IF v_hostname !~ '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$' THEN
        PERFORM onboarding.api_invalid('hostname', 'hostname is not a valid host name');
    END IF;
    PERFORM onboarding.api_enter(p_tenant, '{operator,tenant,agent,enrollment}');
    v_caller := onboarding.claims();
    v_addr := coalesce(nullif(v_caller ->> 'addr', ''), 'unknown');
    IF onboarding.enrollment_throttled(v_addr) THEN
        RETURN jsonb_build_object('refusal', 'throttled', 'code', 'FG429',
                                  'message', 'too many failed enrollments from this address: retry later');
    END IF;
    SELECT t.status INTO v_tenant_status FROM onboarding.tenants t WHERE t.id = p_tenant;
    v_tenant_known := FOUND;
    SELECT * INTO v_kit FROM onboarding.bootstrap_kits k
    WHERE k.id = v_kit_id AND k.tenant_id = p_tenant AND k.sealed_at IS NOT NULL
    FOR UPDATE;
    IF FOUND THEN
        SELECT * INTO v_existing FROM onboarding.agent_instances a
        WHERE a.tenant_id = p_tenant AND a.hostname = v_hostname AND a.agent_type = v_agent_type;
    END IF;
    v_detail := jsonb_build_object('hostname', v_hostname, 'agentType', v_agent_type, 'version', v_version);

    -- The kit and its token first: a caller without them learns nothing but "not accepted" (not whether
    -- the tenant is suspended, nor whether the kit exists, was revoked or expired).
    IF v_kit.id IS NULL OR sha256(convert_to(v_token, 'UTF8')) <> v_kit.token_hash THEN
        v_refusal := 'not_accepted';
        v_code := 'FG401';
        v_message := 'the kit id and enrollment token were not accepted';
        IF v_kit.id IS NOT NULL THEN
            -- Counted for the scan's guessing finding; never revokes: whoever knows a kit id must not
            -- be able to revoke it by failing (guessers are throttled per address instead).
            UPDATE onboarding.bootstrap_kits SET failed_attempts = failed_attempts + 1
            WHERE tenant_id = p_tenant AND id = v_kit.id;
        END IF;
        v_detail := '{}'::jsonb;  -- nothing the caller sent is kept: it holds no credential
    ELSIF v_tenant_status = 'suspended' THEN
        v_refusal := 'suspended';
        v_code := 'FG423';
        v_message := 'the tenant is suspended: no agent enrolls until an operator resumes it';
    ELSIF v_kit.revoked_at IS NOT NULL THEN
        v_refusal := 'revoked';
        v_code := 'FG410';
        v_message := 'the kit was revoked';
    ELSIF v_kit.expires_at <= now() THEN
        v_refusal := 'expired';
        v_code := 'FG410';
        v_message := 'the kit''s enrollment token expired';
    ELSIF NOT v_agent_type = ANY (v_kit.agents) THEN
        v_refusal := 'agent_not_in_kit';
        v_code := 'FG403';
        v_message := format('this kit does not enroll agent type %s', v_agent_type);
    ELSIF v_existing.id IS NOT NULL AND v_existing.revoked_at IS NULL AND v_caller ->> 'role' <> 'operator'
          AND (v_caller ->> 'role' <> 'agent' OR (v_caller ->> 'agent_id') IS DISTINCT FROM v_existing.id::text) THEN
        v_refusal := 'host_enrolled';
        v_code := 'FG409';
        v_message := format('host %s already runs an enrolled %s agent: re-enrolling it needs that agent''s credential',
                            v_hostname, v_agent_type);
    ELSIF (v_existing.id IS NULL OR v_existing.revoked_at IS NOT NULL) AND v_kit.agents_enrolled >= v_kit.max_agents THEN
        v_refusal := 'kit_exhausted';
        v_code := 'FG409';
        v_message := format('the kit enrolled the %s hosts it was issued for', v_kit.max_agents);
    END IF;

    IF v_refusal IS NOT NULL THEN
        PERFORM onboarding.count_enrollment_failure(v_addr);  -- every refusal counts toward the limit
        IF v_tenant_known THEN
            PERFORM onboarding.record_enrollment_refusal(p_tenant, v_kit.id, v_addr, v_refusal, v_detail);
        END IF;
        RETURN jsonb_build_object('refusal', v_refusal, 'code', v_code, 'message', v_message);
    END IF;

    INSERT INTO onboarding.agent_instances AS a (tenant_id, kit_id, hostname, agent_type, version)
    VALUES (p_tenant, v_kit.id, v_hostname, v_agent_type, v_version)
    ON CONFLICT (tenant_id, hostname, agent_type) DO UPDATE SET
        kit_id = EXCLUDED.kit_id, version = EXCLUDED.version, last_seen_at = now(), revoked_at = NULL,
        credential_generation = a.credential_generation + 1  -- the host's earlier credentials end here
    RETURNING * INTO v_agent;
    UPDATE onboarding.bootstrap_kits SET verified_at = coalesce(verified_at, now()),
        agents_enrolled = agents_enrolled + CASE WHEN v_existing.id IS NULL OR v_existing.revoked_at IS NOT NULL
                                                 THEN 1 ELSE 0 END
    WHERE tenant_id = p_tenant AND id = v_kit.id;
    v_detail := v_detail || jsonb_build_object('agentId', v_agent.id, 'reenrolled', v_existing.id IS NOT NULL);
    INSERT INTO onboarding.bootstrap_audit (tenant_id, kit_id, event, outcome, detail)
    VALUES (p_tenant, v_kit.id, 'kit.verify', 'success', v_detail);
    INSERT INTO onboarding.tenant_activity (tenant_id, kind, detail)
    VALUES (p_tenant, 'agent.verified', v_detail || jsonb_build_object('kitId', v_kit.id));
    RETURN jsonb_build_object('verified', true, 'tenantId', p_tenant, 'kitId', v_kit.id, 'agentId', v_agent.id,
                              'hostname', v_hostname, 'agentType', v_agent_type, 'registeredAt', v_agent.registered_at,
                              'reenrolled', v_existing.id IS NOT NULL,
                              'credentialGeneration', v_agent.credential_generation);
END
$_$;

ALTER FUNCTION onboarding.verify_kit_attempt(p_tenant uuid, p_body jsonb) OWNER TO fedgate_owner;

--
-- Name: FUNCTION verify_kit_attempt(p_tenant uuid, p_body jsonb); Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON FUNCTION onboarding.verify_kit_attempt(p_tenant uuid, p_body jsonb) IS 'The work of api.verify_kit: registers the agent and audits success, or records the refusal and returns {refusal, code, message} for the procedure to commit and raise. An unknown kit or a wrong token is "not accepted" (FG401) whatever else holds, so a caller without the kit''s token learns nothing more; every refusal counts against the caller''s address (FG429 past the limit); identical refusals are aggregated (record_enrollment_refusal); a host already enrolled needs its agent''s credential (or an operator''s); a kit enrolls at most max_agents hosts.';

--
-- Name: agent_heartbeats; Type: TABLE; Schema: onboarding; Owner: fedgate_owner
--

CREATE TABLE onboarding.agent_heartbeats (
    id bigint NOT NULL,
    tenant_id uuid NOT NULL,
    agent_instance_id uuid NOT NULL,
    reported_at timestamp with time zone DEFAULT now() NOT NULL,
    cpu_percent real,
    memory_mb real,
    events_sent bigint DEFAULT 0 NOT NULL,
    status text DEFAULT 'ok'::text NOT NULL,
    CONSTRAINT agent_heartbeats_cpu_percent_check CHECK (((cpu_percent >= (0)::double precision) AND (cpu_percent <= (100)::double precision))),
    CONSTRAINT agent_heartbeats_events_sent_check CHECK ((events_sent >= 0)),
    CONSTRAINT agent_heartbeats_memory_mb_check CHECK ((memory_mb >= (0)::double precision)),
    CONSTRAINT agent_heartbeats_status_check CHECK ((status = ANY (ARRAY['ok'::text, 'degraded'::text, 'error'::text])))
);

ALTER TABLE ONLY onboarding.agent_heartbeats FORCE ROW LEVEL SECURITY;

ALTER TABLE onboarding.agent_heartbeats OWNER TO fedgate_owner;

--
-- Name: TABLE agent_heartbeats; Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON TABLE onboarding.agent_heartbeats IS 'Heartbeats agents report; the telemetry endpoint aggregates them.';

--
-- Name: agent_heartbeats_id_seq; Type: SEQUENCE; Schema: onboarding; Owner: fedgate_owner
--

ALTER TABLE onboarding.agent_heartbeats ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME onboarding.agent_heartbeats_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: agent_instances; Type: TABLE; Schema: onboarding; Owner: fedgate_owner
--

CREATE TABLE onboarding.agent_instances (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    tenant_id uuid NOT NULL,
    kit_id uuid,
    hostname text NOT NULL,
    agent_type text NOT NULL,
    version text NOT NULL,
    registered_at timestamp with time zone DEFAULT now() NOT NULL,
    last_seen_at timestamp with time zone DEFAULT now() NOT NULL,
    credential_generation integer DEFAULT 1 NOT NULL,
    revoked_at timestamp with time zone,
    CONSTRAINT agent_instances_credential_generation_check CHECK ((credential_generation > 0)),
    CONSTRAINT agent_instances_hostname_check CHECK (((length(hostname) >= 1) AND (length(hostname) <= 253))),
    CONSTRAINT agent_instances_version_check CHECK (((length(version) >= 1) AND (length(version) <= 64)))
);

ALTER TABLE ONLY onboarding.agent_instances FORCE ROW LEVEL SECURITY;

ALTER TABLE onboarding.agent_instances OWNER TO fedgate_owner;

--
-- Name: TABLE agent_instances; Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON TABLE onboarding.agent_instances IS 'Agents enrolled through a verified bootstrap kit.';

--
-- Name: COLUMN agent_instances.credential_generation; Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON COLUMN onboarding.agent_instances.credential_generation IS 'The generation of the agent''s one valid credential (its token''s agent_gen claim): enrollment, re-enrollment, refresh and revocation each add one.';

--
-- Name: COLUMN agent_instances.revoked_at; Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON COLUMN onboarding.agent_instances.revoked_at IS 'When an operator or the tenant deregistered the agent: none of its tokens is accepted; enrolling the host again with a kit clears it.';

--
-- Name: agent_types; Type: TABLE; Schema: onboarding; Owner: fedgate_owner
--

CREATE TABLE onboarding.agent_types (
    id text NOT NULL,
    name text NOT NULL,
    version text NOT NULL,
    platforms text[] NOT NULL,
    description text DEFAULT ''::text NOT NULL,
    CONSTRAINT agent_types_id_check CHECK ((id ~ '^[a-z0-9][a-z0-9-]{0,62}$'::text))
);

ALTER TABLE onboarding.agent_types OWNER TO fedgate_owner;

--
-- Name: TABLE agent_types; Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON TABLE onboarding.agent_types IS 'Agent types a tenant can deploy (the agents catalog).';

--
-- Name: bootstrap_audit; Type: TABLE; Schema: onboarding; Owner: fedgate_owner
--

CREATE TABLE onboarding.bootstrap_audit (
    id bigint NOT NULL,
    tenant_id uuid NOT NULL,
    kit_id uuid,
    event text NOT NULL,
    outcome text NOT NULL,
    detail jsonb DEFAULT '{}'::jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    actor jsonb DEFAULT onboarding.current_actor(),
    CONSTRAINT bootstrap_audit_event_check CHECK ((event ~ '^[a-z][a-z0-9_.]{0,62}$'::text)),
    CONSTRAINT bootstrap_audit_outcome_check CHECK ((outcome = ANY (ARRAY['success'::text, 'failure'::text])))
);

ALTER TABLE ONLY onboarding.bootstrap_audit FORCE ROW LEVEL SECURITY;

ALTER TABLE onboarding.bootstrap_audit OWNER TO fedgate_owner;

--
-- Name: TABLE bootstrap_audit; Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON TABLE onboarding.bootstrap_audit IS 'Append-only audit trail of kit issuance and verification.';

--
-- Name: COLUMN bootstrap_audit.actor; Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON COLUMN onboarding.bootstrap_audit.actor IS 'Who acted: {sub, role, address} of the caller; NULL before release 0.2.';

--
-- Name: bootstrap_audit_id_seq; Type: SEQUENCE; Schema: onboarding; Owner: fedgate_owner
--

ALTER TABLE onboarding.bootstrap_audit ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME onboarding.bootstrap_audit_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: enrollment_refusals; Type: TABLE; Schema: onboarding; Owner: fedgate_owner
--

CREATE TABLE onboarding.enrollment_refusals (
    tenant_id uuid NOT NULL,
    kit_key uuid NOT NULL,
    client_addr text NOT NULL,
    reason text NOT NULL,
    minute timestamp with time zone NOT NULL,
    audit_id bigint,
    repeats integer DEFAULT 1 NOT NULL,
    last_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT enrollment_refusals_client_addr_check CHECK (((length(client_addr) >= 1) AND (length(client_addr) <= 64))),
    CONSTRAINT enrollment_refusals_reason_check CHECK ((reason ~ '^[a-z_]{1,32}$'::text)),
    CONSTRAINT enrollment_refusals_repeats_check CHECK ((repeats > 0))
);

ALTER TABLE onboarding.enrollment_refusals OWNER TO fedgate_owner;

--
-- Name: TABLE enrollment_refusals; Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON TABLE onboarding.enrollment_refusals IS 'Identical refused enrollments per tenant, kit, client address, reason and minute: the first wrote an audit row (audit_id), repeats counts them all; the audit listing shows the count.';

--
-- Name: identity_provider_types; Type: TABLE; Schema: onboarding; Owner: fedgate_owner
--

CREATE TABLE onboarding.identity_provider_types (
    id text NOT NULL,
    name text NOT NULL,
    required_fields jsonb NOT NULL,
    description text DEFAULT ''::text NOT NULL,
    CONSTRAINT identity_provider_types_id_check CHECK ((id ~ '^[a-z0-9][a-z0-9-]{0,62}$'::text)),
    CONSTRAINT identity_provider_types_required_fields_check CHECK ((jsonb_typeof(required_fields) = 'array'::text))
);

ALTER TABLE onboarding.identity_provider_types OWNER TO fedgate_owner;

--
-- Name: TABLE identity_provider_types; Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON TABLE onboarding.identity_provider_types IS 'Identity provider types and the configuration fields each needs.';

--
-- Name: move_markers; Type: TABLE; Schema: onboarding; Owner: fedgate_owner
--

CREATE TABLE onboarding.move_markers (
    move_id bigint NOT NULL,
    tenant_id uuid NOT NULL,
    marked_at timestamp with time zone DEFAULT now() NOT NULL
);

ALTER TABLE onboarding.move_markers OWNER TO fedgate_owner;

--
-- Name: TABLE move_markers; Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON TABLE onboarding.move_markers IS 'One row per move at its cutover, replicated from source to target: the target has applied everything the source committed before it. Deleted when the move ends.';

--
-- Name: tenant_activity; Type: TABLE; Schema: onboarding; Owner: fedgate_owner
--

CREATE TABLE onboarding.tenant_activity (
    id bigint NOT NULL,
    tenant_id uuid NOT NULL,
    kind text NOT NULL,
    detail jsonb DEFAULT '{}'::jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    actor jsonb DEFAULT onboarding.current_actor(),
    CONSTRAINT tenant_activity_kind_check CHECK ((kind ~ '^[a-z][a-z0-9_.]{0,62}$'::text))
);

ALTER TABLE ONLY onboarding.tenant_activity FORCE ROW LEVEL SECURITY;

ALTER TABLE onboarding.tenant_activity OWNER TO fedgate_owner;

--
-- Name: TABLE tenant_activity; Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON TABLE onboarding.tenant_activity IS 'What happened to a tenant, newest first in the API.';

--
-- Name: COLUMN tenant_activity.actor; Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON COLUMN onboarding.tenant_activity.actor IS 'Who acted: {sub, role, address} of the caller; NULL before release 0.2.';

--
-- Name: tenant_activity_id_seq; Type: SEQUENCE; Schema: onboarding; Owner: fedgate_owner
--

ALTER TABLE onboarding.tenant_activity ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME onboarding.tenant_activity_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: tenant_fences; Type: TABLE; Schema: onboarding; Owner: fedgate_owner
--

CREATE TABLE onboarding.tenant_fences (
    tenant_id uuid NOT NULL,
    move_id bigint NOT NULL,
    state text NOT NULL,
    target_node text NOT NULL,
    since timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT tenant_fences_state_check CHECK ((state = ANY (ARRAY['fenced'::text, 'moved'::text])))
);

ALTER TABLE onboarding.tenant_fences OWNER TO fedgate_owner;

--
-- Name: TABLE tenant_fences; Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON TABLE onboarding.tenant_fences IS 'Tenants this node must not serve: fenced during a move''s cutover, or moved away (target_node). Written by the mover; every handler checks it (api_enter).';

--
-- Name: fedgate_function_sets; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.fedgate_function_sets (
    migration_set text NOT NULL,
    checksum text NOT NULL,
    applied_at timestamp with time zone DEFAULT now() NOT NULL
);

ALTER TABLE public.fedgate_function_sets OWNER TO postgres;

--
-- Name: TABLE fedgate_function_sets; Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON TABLE public.fedgate_function_sets IS 'Checksum of each plane''s function families last applied here.';

--
-- Name: fedgate_migrations; Type: TABLE; Schema: public; Owner: postgres
--

CREATE TABLE public.fedgate_migrations (
    version integer NOT NULL,
    name text NOT NULL,
    checksum text NOT NULL,
    applied_at timestamp with time zone DEFAULT now() NOT NULL,
    migration_set text DEFAULT 'shared'::text NOT NULL
);

ALTER TABLE public.fedgate_migrations OWNER TO postgres;

--
-- Name: TABLE fedgate_migrations; Type: COMMENT; Schema: public; Owner: postgres
--

COMMENT ON TABLE public.fedgate_migrations IS 'Numbered migrations applied to this database, per set (shared, control, node), with their checksums.';

--
-- Name: agent_heartbeats agent_heartbeats_pkey; Type: CONSTRAINT; Schema: onboarding; Owner: fedgate_owner
--

ALTER TABLE ONLY onboarding.agent_heartbeats
    ADD CONSTRAINT agent_heartbeats_pkey PRIMARY KEY (tenant_id, id);

--
-- Name: agent_instances agent_instances_pkey; Type: CONSTRAINT; Schema: onboarding; Owner: fedgate_owner
--

ALTER TABLE ONLY onboarding.agent_instances
    ADD CONSTRAINT agent_instances_pkey PRIMARY KEY (tenant_id, id);

--
-- Name: agent_instances agent_instances_tenant_id_hostname_agent_type_key; Type: CONSTRAINT; Schema: onboarding; Owner: fedgate_owner
--

ALTER TABLE ONLY onboarding.agent_instances
    ADD CONSTRAINT agent_instances_tenant_id_hostname_agent_type_key UNIQUE (tenant_id, hostname, agent_type);

--
-- Name: agent_types agent_types_pkey; Type: CONSTRAINT; Schema: onboarding; Owner: fedgate_owner
--

ALTER TABLE ONLY onboarding.agent_types
    ADD CONSTRAINT agent_types_pkey PRIMARY KEY (id);

--
-- Name: bootstrap_audit bootstrap_audit_pkey; Type: CONSTRAINT; Schema: onboarding; Owner: fedgate_owner
--

ALTER TABLE ONLY onboarding.bootstrap_audit
    ADD CONSTRAINT bootstrap_audit_pkey PRIMARY KEY (tenant_id, id);

--
-- Name: bootstrap_kits bootstrap_kits_pkey; Type: CONSTRAINT; Schema: onboarding; Owner: fedgate_owner
--

ALTER TABLE ONLY onboarding.bootstrap_kits
    ADD CONSTRAINT bootstrap_kits_pkey PRIMARY KEY (tenant_id, id);

--
-- Name: enrollment_failures enrollment_failures_pkey; Type: CONSTRAINT; Schema: onboarding; Owner: fedgate_owner
--

ALTER TABLE ONLY onboarding.enrollment_failures
    ADD CONSTRAINT enrollment_failures_pkey PRIMARY KEY (client_addr, minute);

--
-- Name: enrollment_refusals enrollment_refusals_pkey; Type: CONSTRAINT; Schema: onboarding; Owner: fedgate_owner
--

ALTER TABLE ONLY onboarding.enrollment_refusals
    ADD CONSTRAINT enrollment_refusals_pkey PRIMARY KEY (tenant_id, kit_key, client_addr, reason, minute);

--
-- Name: identity_provider_types identity_provider_types_pkey; Type: CONSTRAINT; Schema: onboarding; Owner: fedgate_owner
--

ALTER TABLE ONLY onboarding.identity_provider_types
    ADD CONSTRAINT identity_provider_types_pkey PRIMARY KEY (id);

--
-- Name: move_markers move_markers_pkey; Type: CONSTRAINT; Schema: onboarding; Owner: fedgate_owner
--

ALTER TABLE ONLY onboarding.move_markers
    ADD CONSTRAINT move_markers_pkey PRIMARY KEY (move_id);

--
-- Name: tenant_activity tenant_activity_pkey; Type: CONSTRAINT; Schema: onboarding; Owner: fedgate_owner
--

ALTER TABLE ONLY onboarding.tenant_activity
    ADD CONSTRAINT tenant_activity_pkey PRIMARY KEY (tenant_id, id);

--
-- Name: tenant_fences tenant_fences_pkey; Type: CONSTRAINT; Schema: onboarding; Owner: fedgate_owner
--

ALTER TABLE ONLY onboarding.tenant_fences
    ADD CONSTRAINT tenant_fences_pkey PRIMARY KEY (tenant_id);

--
-- Name: tenants tenants_pkey; Type: CONSTRAINT; Schema: onboarding; Owner: fedgate_owner
--

ALTER TABLE ONLY onboarding.tenants
    ADD CONSTRAINT tenants_pkey PRIMARY KEY (id);

--
-- Name: fedgate_function_sets fedgate_function_sets_pkey; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.fedgate_function_sets
    ADD CONSTRAINT fedgate_function_sets_pkey PRIMARY KEY (migration_set);

--
-- Name: fedgate_migrations fedgate_migrations_set_version_key; Type: CONSTRAINT; Schema: public; Owner: postgres
--

ALTER TABLE ONLY public.fedgate_migrations
    ADD CONSTRAINT fedgate_migrations_set_version_key PRIMARY KEY (migration_set, version);

--
-- Name: agent_heartbeats_agent_idx; Type: INDEX; Schema: onboarding; Owner: fedgate_owner
--

CREATE INDEX agent_heartbeats_agent_idx ON onboarding.agent_heartbeats USING btree (tenant_id, agent_instance_id, reported_at DESC);

--
-- Name: agent_heartbeats_reported_idx; Type: INDEX; Schema: onboarding; Owner: fedgate_owner
--

CREATE INDEX agent_heartbeats_reported_idx ON onboarding.agent_heartbeats USING btree (reported_at);

--
-- Name: agent_heartbeats_tenant_idx; Type: INDEX; Schema: onboarding; Owner: fedgate_owner
--

CREATE INDEX agent_heartbeats_tenant_idx ON onboarding.agent_heartbeats USING btree (tenant_id, reported_at DESC);

--
-- Name: agent_instances_agent_type_idx; Type: INDEX; Schema: onboarding; Owner: fedgate_owner
--

CREATE INDEX agent_instances_agent_type_idx ON onboarding.agent_instances USING btree (agent_type);

--
-- Name: agent_instances_kit_idx; Type: INDEX; Schema: onboarding; Owner: fedgate_owner
--

CREATE INDEX agent_instances_kit_idx ON onboarding.agent_instances USING btree (tenant_id, kit_id);

--
-- Name: bootstrap_kits_tenant_id_idx; Type: INDEX; Schema: onboarding; Owner: fedgate_owner
--

CREATE INDEX bootstrap_kits_tenant_id_idx ON onboarding.bootstrap_kits USING btree (tenant_id, created_at DESC);

--
-- Name: enrollment_failures_minute_idx; Type: INDEX; Schema: onboarding; Owner: fedgate_owner
--

CREATE INDEX enrollment_failures_minute_idx ON onboarding.enrollment_failures USING btree (minute);

--
-- Name: enrollment_refusals_audit_idx; Type: INDEX; Schema: onboarding; Owner: fedgate_owner
--

CREATE INDEX enrollment_refusals_audit_idx ON onboarding.enrollment_refusals USING btree (tenant_id, audit_id);

--
-- Name: tenants_name_key; Type: INDEX; Schema: onboarding; Owner: fedgate_owner
--

CREATE UNIQUE INDEX tenants_name_key ON onboarding.tenants USING btree (lower(name));

--
-- Name: agent_heartbeats agent_heartbeats_agent_instance_id_fkey; Type: FK CONSTRAINT; Schema: onboarding; Owner: fedgate_owner
--

ALTER TABLE ONLY onboarding.agent_heartbeats
    ADD CONSTRAINT agent_heartbeats_agent_instance_id_fkey FOREIGN KEY (tenant_id, agent_instance_id) REFERENCES onboarding.agent_instances(tenant_id, id) ON DELETE CASCADE;

--
-- Name: agent_heartbeats agent_heartbeats_tenant_id_fkey; Type: FK CONSTRAINT; Schema: onboarding; Owner: fedgate_owner
--

ALTER TABLE ONLY onboarding.agent_heartbeats
    ADD CONSTRAINT agent_heartbeats_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES onboarding.tenants(id) ON DELETE CASCADE;

--
-- Name: agent_instances agent_instances_agent_type_fkey; Type: FK CONSTRAINT; Schema: onboarding; Owner: fedgate_owner
--

ALTER TABLE ONLY onboarding.agent_instances
    ADD CONSTRAINT agent_instances_agent_type_fkey FOREIGN KEY (agent_type) REFERENCES onboarding.agent_types(id);

--
-- Name: agent_instances agent_instances_kit_id_fkey; Type: FK CONSTRAINT; Schema: onboarding; Owner: fedgate_owner
--

ALTER TABLE ONLY onboarding.agent_instances
    ADD CONSTRAINT agent_instances_kit_id_fkey FOREIGN KEY (tenant_id, kit_id) REFERENCES onboarding.bootstrap_kits(tenant_id, id) ON DELETE SET NULL (kit_id);

--
-- Name: agent_instances agent_instances_tenant_id_fkey; Type: FK CONSTRAINT; Schema: onboarding; Owner: fedgate_owner
--

ALTER TABLE ONLY onboarding.agent_instances
    ADD CONSTRAINT agent_instances_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES onboarding.tenants(id) ON DELETE CASCADE;

--
-- Name: bootstrap_audit bootstrap_audit_tenant_id_fkey; Type: FK CONSTRAINT; Schema: onboarding; Owner: fedgate_owner
--

ALTER TABLE ONLY onboarding.bootstrap_audit
    ADD CONSTRAINT bootstrap_audit_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES onboarding.tenants(id) ON DELETE CASCADE;

--
-- Name: bootstrap_kits bootstrap_kits_tenant_id_fkey; Type: FK CONSTRAINT; Schema: onboarding; Owner: fedgate_owner
--

ALTER TABLE ONLY onboarding.bootstrap_kits
    ADD CONSTRAINT bootstrap_kits_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES onboarding.tenants(id) ON DELETE CASCADE;

--
-- Name: tenant_activity tenant_activity_tenant_id_fkey; Type: FK CONSTRAINT; Schema: onboarding; Owner: fedgate_owner
--

ALTER TABLE ONLY onboarding.tenant_activity
    ADD CONSTRAINT tenant_activity_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES onboarding.tenants(id) ON DELETE CASCADE;

--
-- Name: agent_heartbeats; Type: ROW SECURITY; Schema: onboarding; Owner: fedgate_owner
--

ALTER TABLE onboarding.agent_heartbeats ENABLE ROW LEVEL SECURITY;

--
-- Name: agent_instances; Type: ROW SECURITY; Schema: onboarding; Owner: fedgate_owner
--

ALTER TABLE onboarding.agent_instances ENABLE ROW LEVEL SECURITY;

--
-- Name: bootstrap_audit append_only; Type: POLICY; Schema: onboarding; Owner: fedgate_owner
--

CREATE POLICY append_only ON onboarding.bootstrap_audit AS RESTRICTIVE FOR UPDATE TO fedgate_owner USING (false);

--
-- Name: POLICY append_only ON bootstrap_audit; Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON POLICY append_only ON onboarding.bootstrap_audit IS 'No handler updates the audit trail.';

--
-- Name: tenant_activity append_only; Type: POLICY; Schema: onboarding; Owner: fedgate_owner
--

CREATE POLICY append_only ON onboarding.tenant_activity AS RESTRICTIVE FOR UPDATE TO fedgate_owner USING (false);

--
-- Name: POLICY append_only ON tenant_activity; Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON POLICY append_only ON onboarding.tenant_activity IS 'No handler updates the activity feed.';

--
-- Name: bootstrap_audit append_only_delete; Type: POLICY; Schema: onboarding; Owner: fedgate_owner
--

CREATE POLICY append_only_delete ON onboarding.bootstrap_audit AS RESTRICTIVE FOR DELETE TO fedgate_owner USING (false);

--
-- Name: POLICY append_only_delete ON bootstrap_audit; Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON POLICY append_only_delete ON onboarding.bootstrap_audit IS 'No handler deletes from the audit trail.';

--
-- Name: tenant_activity append_only_delete; Type: POLICY; Schema: onboarding; Owner: fedgate_owner
--

CREATE POLICY append_only_delete ON onboarding.tenant_activity AS RESTRICTIVE FOR DELETE TO fedgate_owner USING (false);

--
-- Name: POLICY append_only_delete ON tenant_activity; Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON POLICY append_only_delete ON onboarding.tenant_activity IS 'No handler deletes from the activity feed.';

--
-- Name: bootstrap_audit; Type: ROW SECURITY; Schema: onboarding; Owner: fedgate_owner
--

ALTER TABLE onboarding.bootstrap_audit ENABLE ROW LEVEL SECURITY;

--
-- Name: bootstrap_kits; Type: ROW SECURITY; Schema: onboarding; Owner: fedgate_owner
--

ALTER TABLE onboarding.bootstrap_kits ENABLE ROW LEVEL SECURITY;

--
-- Name: tenants presence_check; Type: POLICY; Schema: onboarding; Owner: fedgate_owner
--

CREATE POLICY presence_check ON onboarding.tenants FOR SELECT TO fedgate_maintainer USING (true);

--
-- Name: POLICY presence_check ON tenants; Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON POLICY presence_check ON onboarding.tenants IS 'The reconciler''s presence check (onboarding.tenants_present, owned by fedgate_maintainer) reads tenant ids: its column grant is id only.';

--
-- Name: agent_heartbeats retention_sweep; Type: POLICY; Schema: onboarding; Owner: fedgate_owner
--

CREATE POLICY retention_sweep ON onboarding.agent_heartbeats TO fedgate_maintainer USING ((reported_at < (now() - onboarding.heartbeat_retention())));

--
-- Name: POLICY retention_sweep ON agent_heartbeats; Type: COMMENT; Schema: onboarding; Owner: fedgate_owner
--

COMMENT ON POLICY retention_sweep ON onboarding.agent_heartbeats IS 'The retention sweep (onboarding.sweep_heartbeats, owned by fedgate_maintainer) sees heartbeats past their retention only.';

--
-- Name: tenant_activity; Type: ROW SECURITY; Schema: onboarding; Owner: fedgate_owner
--

ALTER TABLE onboarding.tenant_activity ENABLE ROW LEVEL SECURITY;

--
-- Name: agent_heartbeats tenant_isolation; Type: POLICY; Schema: onboarding; Owner: fedgate_owner
--

CREATE POLICY tenant_isolation ON onboarding.agent_heartbeats TO fedgate_owner USING ((tenant_id = (NULLIF(current_setting('fedgate.tenant_id'::text, true), ''::text))::uuid)) WITH CHECK ((tenant_id = (NULLIF(current_setting('fedgate.tenant_id'::text, true), ''::text))::uuid));

--
-- Name: agent_instances tenant_isolation; Type: POLICY; Schema: onboarding; Owner: fedgate_owner
--

CREATE POLICY tenant_isolation ON onboarding.agent_instances TO fedgate_owner USING ((tenant_id = (NULLIF(current_setting('fedgate.tenant_id'::text, true), ''::text))::uuid)) WITH CHECK ((tenant_id = (NULLIF(current_setting('fedgate.tenant_id'::text, true), ''::text))::uuid));

--
-- Name: bootstrap_audit tenant_isolation; Type: POLICY; Schema: onboarding; Owner: fedgate_owner
--

CREATE POLICY tenant_isolation ON onboarding.bootstrap_audit TO fedgate_owner USING ((tenant_id = (NULLIF(current_setting('fedgate.tenant_id'::text, true), ''::text))::uuid)) WITH CHECK ((tenant_id = (NULLIF(current_setting('fedgate.tenant_id'::text, true), ''::text))::uuid));

--
-- Name: bootstrap_kits tenant_isolation; Type: POLICY; Schema: onboarding; Owner: fedgate_owner
--

CREATE POLICY tenant_isolation ON onboarding.bootstrap_kits TO fedgate_owner USING ((tenant_id = (NULLIF(current_setting('fedgate.tenant_id'::text, true), ''::text))::uuid)) WITH CHECK ((tenant_id = (NULLIF(current_setting('fedgate.tenant_id'::text, true), ''::text))::uuid));

--
-- Name: tenant_activity tenant_isolation; Type: POLICY; Schema: onboarding; Owner: fedgate_owner
--

CREATE POLICY tenant_isolation ON onboarding.tenant_activity TO fedgate_owner USING ((tenant_id = (NULLIF(current_setting('fedgate.tenant_id'::text, true), ''::text))::uuid)) WITH CHECK ((tenant_id = (NULLIF(current_setting('fedgate.tenant_id'::text, true), ''::text))::uuid));

--
-- Name: tenants tenant_isolation; Type: POLICY; Schema: onboarding; Owner: fedgate_owner
--

CREATE POLICY tenant_isolation ON onboarding.tenants TO fedgate_owner USING ((id = (NULLIF(current_setting('fedgate.tenant_id'::text, true), ''::text))::uuid)) WITH CHECK ((id = (NULLIF(current_setting('fedgate.tenant_id'::text, true), ''::text))::uuid));

--
-- Name: tenants; Type: ROW SECURITY; Schema: onboarding; Owner: fedgate_owner
--

ALTER TABLE onboarding.tenants ENABLE ROW LEVEL SECURITY;

--
-- Name: SCHEMA api; Type: ACL; Schema: -; Owner: fedgate_owner
--

GRANT USAGE ON SCHEMA api TO fedgate_api;

--
-- Name: SCHEMA fedgate; Type: ACL; Schema: -; Owner: fedgate_owner
--

GRANT USAGE ON SCHEMA fedgate TO fedgate_api;
GRANT USAGE ON SCHEMA fedgate TO fedgate_maintainer;

--
-- Name: SCHEMA onboarding; Type: ACL; Schema: -; Owner: fedgate_owner
--

GRANT USAGE ON SCHEMA onboarding TO fedgate_api;
GRANT USAGE ON SCHEMA onboarding TO fedgate_maintainer;

--
-- Name: SCHEMA public; Type: ACL; Schema: -; Owner: pg_database_owner
--

GRANT USAGE ON SCHEMA public TO fedgate_api;

--
-- Name: FUNCTION agent_catalog(p_tenant uuid, p_args jsonb); Type: ACL; Schema: api; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION api.agent_catalog(p_tenant uuid, p_args jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION api.agent_catalog(p_tenant uuid, p_args jsonb) TO fedgate_api;

--
-- Name: FUNCTION agent_credential(p_tenant uuid, p_args jsonb); Type: ACL; Schema: api; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION api.agent_credential(p_tenant uuid, p_args jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION api.agent_credential(p_tenant uuid, p_args jsonb) TO fedgate_api;

--
-- Name: FUNCTION bootstrap_audit(p_tenant uuid, p_args jsonb); Type: ACL; Schema: api; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION api.bootstrap_audit(p_tenant uuid, p_args jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION api.bootstrap_audit(p_tenant uuid, p_args jsonb) TO fedgate_api;

--
-- Name: FUNCTION bootstrap_scan(p_tenant uuid, p_args jsonb); Type: ACL; Schema: api; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION api.bootstrap_scan(p_tenant uuid, p_args jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION api.bootstrap_scan(p_tenant uuid, p_args jsonb) TO fedgate_api;

--
-- Name: FUNCTION bootstrap_status(p_tenant uuid, p_args jsonb); Type: ACL; Schema: api; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION api.bootstrap_status(p_tenant uuid, p_args jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION api.bootstrap_status(p_tenant uuid, p_args jsonb) TO fedgate_api;

--
-- Name: FUNCTION create_tenant(p_tenant uuid, p_body jsonb); Type: ACL; Schema: api; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION api.create_tenant(p_tenant uuid, p_body jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION api.create_tenant(p_tenant uuid, p_body jsonb) TO fedgate_api;

--
-- Name: FUNCTION identity_providers(p_tenant uuid, p_args jsonb); Type: ACL; Schema: api; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION api.identity_providers(p_tenant uuid, p_args jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION api.identity_providers(p_tenant uuid, p_args jsonb) TO fedgate_api;

--
-- Name: FUNCTION issue_kit(p_tenant uuid, p_body jsonb); Type: ACL; Schema: api; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION api.issue_kit(p_tenant uuid, p_body jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION api.issue_kit(p_tenant uuid, p_body jsonb) TO fedgate_api;

--
-- Name: FUNCTION kit_meta(p_tenant uuid, p_args jsonb); Type: ACL; Schema: api; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION api.kit_meta(p_tenant uuid, p_args jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION api.kit_meta(p_tenant uuid, p_args jsonb) TO fedgate_api;

--
-- Name: FUNCTION kit_verification(p_tenant uuid, p_args jsonb); Type: ACL; Schema: api; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION api.kit_verification(p_tenant uuid, p_args jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION api.kit_verification(p_tenant uuid, p_args jsonb) TO fedgate_api;

--
-- Name: FUNCTION report_telemetry(p_tenant uuid, p_body jsonb); Type: ACL; Schema: api; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION api.report_telemetry(p_tenant uuid, p_body jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION api.report_telemetry(p_tenant uuid, p_body jsonb) TO fedgate_api;

--
-- Name: FUNCTION revoke_agent(p_tenant uuid, p_args jsonb); Type: ACL; Schema: api; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION api.revoke_agent(p_tenant uuid, p_args jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION api.revoke_agent(p_tenant uuid, p_args jsonb) TO fedgate_api;

--
-- Name: FUNCTION revoke_kit(p_tenant uuid, p_args jsonb); Type: ACL; Schema: api; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION api.revoke_kit(p_tenant uuid, p_args jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION api.revoke_kit(p_tenant uuid, p_args jsonb) TO fedgate_api;

--
-- Name: FUNCTION seal_kit(p_tenant uuid, p_body jsonb); Type: ACL; Schema: api; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION api.seal_kit(p_tenant uuid, p_body jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION api.seal_kit(p_tenant uuid, p_body jsonb) TO fedgate_api;

--
-- Name: FUNCTION set_tenant_status(p_tenant uuid, p_body jsonb); Type: ACL; Schema: api; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION api.set_tenant_status(p_tenant uuid, p_body jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION api.set_tenant_status(p_tenant uuid, p_body jsonb) TO fedgate_api;

--
-- Name: FUNCTION tenant_activity(p_tenant uuid, p_args jsonb); Type: ACL; Schema: api; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION api.tenant_activity(p_tenant uuid, p_args jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION api.tenant_activity(p_tenant uuid, p_args jsonb) TO fedgate_api;

--
-- Name: FUNCTION tenant_agents(p_tenant uuid, p_args jsonb); Type: ACL; Schema: api; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION api.tenant_agents(p_tenant uuid, p_args jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION api.tenant_agents(p_tenant uuid, p_args jsonb) TO fedgate_api;

--
-- Name: FUNCTION tenant_status(p_tenant uuid, p_args jsonb); Type: ACL; Schema: api; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION api.tenant_status(p_tenant uuid, p_args jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION api.tenant_status(p_tenant uuid, p_args jsonb) TO fedgate_api;

--
-- Name: FUNCTION tenant_telemetry(p_tenant uuid, p_args jsonb); Type: ACL; Schema: api; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION api.tenant_telemetry(p_tenant uuid, p_args jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION api.tenant_telemetry(p_tenant uuid, p_args jsonb) TO fedgate_api;

--
-- Name: FUNCTION validate_identity(p_tenant uuid, p_body jsonb); Type: ACL; Schema: api; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION api.validate_identity(p_tenant uuid, p_body jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION api.validate_identity(p_tenant uuid, p_body jsonb) TO fedgate_api;

--
-- Name: PROCEDURE verify_kit(IN p_tenant uuid, IN p_body jsonb, IN p_claims jsonb, INOUT p_result jsonb); Type: ACL; Schema: api; Owner: fedgate_owner
--

REVOKE ALL ON PROCEDURE api.verify_kit(IN p_tenant uuid, IN p_body jsonb, IN p_claims jsonb, INOUT p_result jsonb) FROM PUBLIC;
GRANT ALL ON PROCEDURE api.verify_kit(IN p_tenant uuid, IN p_body jsonb, IN p_claims jsonb, INOUT p_result jsonb) TO fedgate_api;

--
-- Name: FUNCTION touch_updated_at(); Type: ACL; Schema: fedgate; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION fedgate.touch_updated_at() FROM PUBLIC;

--
-- Name: FUNCTION agent_credential_valid(p_claims jsonb); Type: ACL; Schema: onboarding; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION onboarding.agent_credential_valid(p_claims jsonb) FROM PUBLIC;

--
-- Name: FUNCTION align_sequences(p_tenant uuid); Type: ACL; Schema: onboarding; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION onboarding.align_sequences(p_tenant uuid) FROM PUBLIC;

--
-- Name: FUNCTION api_caller(p_tenant uuid, p_roles text[]); Type: ACL; Schema: onboarding; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION onboarding.api_caller(p_tenant uuid, p_roles text[]) FROM PUBLIC;

--
-- Name: FUNCTION api_enter(p_tenant uuid, p_roles text[]); Type: ACL; Schema: onboarding; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION onboarding.api_enter(p_tenant uuid, p_roles text[]) FROM PUBLIC;

--
-- Name: FUNCTION api_invalid(p_field text, p_message text); Type: ACL; Schema: onboarding; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION onboarding.api_invalid(p_field text, p_message text) FROM PUBLIC;

--
-- Name: FUNCTION api_page(p_items jsonb, p_limit integer); Type: ACL; Schema: onboarding; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION onboarding.api_page(p_items jsonb, p_limit integer) FROM PUBLIC;

--
-- Name: FUNCTION api_page_cursor(p_args jsonb); Type: ACL; Schema: onboarding; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION onboarding.api_page_cursor(p_args jsonb) FROM PUBLIC;

--
-- Name: FUNCTION api_page_limit(p_args jsonb, p_default integer, p_max integer); Type: ACL; Schema: onboarding; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION onboarding.api_page_limit(p_args jsonb, p_default integer, p_max integer) FROM PUBLIC;

--
-- Name: COLUMN tenants.id; Type: ACL; Schema: onboarding; Owner: fedgate_owner
--

GRANT SELECT(id) ON TABLE onboarding.tenants TO fedgate_maintainer;

--
-- Name: FUNCTION api_require_tenant(p_tenant uuid, p_roles text[]); Type: ACL; Schema: onboarding; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION onboarding.api_require_tenant(p_tenant uuid, p_roles text[]) FROM PUBLIC;

--
-- Name: FUNCTION api_require_writable(p_tenant uuid, p_roles text[]); Type: ACL; Schema: onboarding; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION onboarding.api_require_writable(p_tenant uuid, p_roles text[]) FROM PUBLIC;

--
-- Name: FUNCTION append_only_tables(); Type: ACL; Schema: onboarding; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION onboarding.append_only_tables() FROM PUBLIC;

--
-- Name: FUNCTION claims(); Type: ACL; Schema: onboarding; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION onboarding.claims() FROM PUBLIC;

--
-- Name: FUNCTION clear_fence(p_tenant uuid, p_move bigint); Type: ACL; Schema: onboarding; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION onboarding.clear_fence(p_tenant uuid, p_move bigint) FROM PUBLIC;

--
-- Name: FUNCTION count_enrollment_failure(p_addr text); Type: ACL; Schema: onboarding; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION onboarding.count_enrollment_failure(p_addr text) FROM PUBLIC;

--
-- Name: FUNCTION current_actor(); Type: ACL; Schema: onboarding; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION onboarding.current_actor() FROM PUBLIC;

--
-- Name: FUNCTION enrollment_failure_limit(); Type: ACL; Schema: onboarding; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION onboarding.enrollment_failure_limit() FROM PUBLIC;

--
-- Name: FUNCTION enrollment_throttled(p_addr text); Type: ACL; Schema: onboarding; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION onboarding.enrollment_throttled(p_addr text) FROM PUBLIC;

--
-- Name: FUNCTION heartbeat_retention(); Type: ACL; Schema: onboarding; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION onboarding.heartbeat_retention() FROM PUBLIC;
GRANT ALL ON FUNCTION onboarding.heartbeat_retention() TO fedgate_maintainer;

--
-- Name: FUNCTION identity_field_error(p_kind text, p_value jsonb); Type: ACL; Schema: onboarding; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION onboarding.identity_field_error(p_kind text, p_value jsonb) FROM PUBLIC;

--
-- Name: FUNCTION json_int(p_body jsonb, p_field text, p_min integer, p_max integer); Type: ACL; Schema: onboarding; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION onboarding.json_int(p_body jsonb, p_field text, p_min integer, p_max integer) FROM PUBLIC;

--
-- Name: FUNCTION json_label(p_body jsonb, p_field text, p_max_length integer); Type: ACL; Schema: onboarding; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION onboarding.json_label(p_body jsonb, p_field text, p_max_length integer) FROM PUBLIC;

--
-- Name: FUNCTION json_object(p_body jsonb, p_field text, p_max_bytes integer); Type: ACL; Schema: onboarding; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION onboarding.json_object(p_body jsonb, p_field text, p_max_bytes integer) FROM PUBLIC;

--
-- Name: FUNCTION json_region(p_body jsonb, p_field text, p_required boolean); Type: ACL; Schema: onboarding; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION onboarding.json_region(p_body jsonb, p_field text, p_required boolean) FROM PUBLIC;

--
-- Name: FUNCTION json_regions(p_body jsonb, p_field text, p_max integer); Type: ACL; Schema: onboarding; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION onboarding.json_regions(p_body jsonb, p_field text, p_max integer) FROM PUBLIC;

--
-- Name: FUNCTION json_text(p_body jsonb, p_field text, p_required boolean, p_max_length integer); Type: ACL; Schema: onboarding; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION onboarding.json_text(p_body jsonb, p_field text, p_required boolean, p_max_length integer) FROM PUBLIC;

--
-- Name: FUNCTION json_text_array(p_body jsonb, p_field text, p_min integer, p_max integer, p_pattern text); Type: ACL; Schema: onboarding; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION onboarding.json_text_array(p_body jsonb, p_field text, p_min integer, p_max integer, p_pattern text) FROM PUBLIC;

--
-- Name: FUNCTION json_uuid(p_body jsonb, p_field text, p_required boolean); Type: ACL; Schema: onboarding; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION onboarding.json_uuid(p_body jsonb, p_field text, p_required boolean) FROM PUBLIC;

--
-- Name: FUNCTION kit_state(p_kit onboarding.bootstrap_kits); Type: ACL; Schema: onboarding; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION onboarding.kit_state(p_kit onboarding.bootstrap_kits) FROM PUBLIC;

--
-- Name: FUNCTION kit_token_ttl(); Type: ACL; Schema: onboarding; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION onboarding.kit_token_ttl() FROM PUBLIC;

--
-- Name: FUNCTION lift_fence(p_tenant uuid); Type: ACL; Schema: onboarding; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION onboarding.lift_fence(p_tenant uuid) FROM PUBLIC;

--
-- Name: FUNCTION purge_tenant(p_tenant uuid); Type: ACL; Schema: onboarding; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION onboarding.purge_tenant(p_tenant uuid) FROM PUBLIC;

--
-- Name: FUNCTION record_enrollment_refusal(p_tenant uuid, p_kit uuid, p_addr text, p_reason text, p_detail jsonb); Type: ACL; Schema: onboarding; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION onboarding.record_enrollment_refusal(p_tenant uuid, p_kit uuid, p_addr text, p_reason text, p_detail jsonb) FROM PUBLIC;

--
-- Name: FUNCTION refuse_fenced(p_tenant uuid); Type: ACL; Schema: onboarding; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION onboarding.refuse_fenced(p_tenant uuid) FROM PUBLIC;

--
-- Name: FUNCTION set_fence(p_tenant uuid, p_move bigint, p_state text, p_target text); Type: ACL; Schema: onboarding; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION onboarding.set_fence(p_tenant uuid, p_move bigint, p_state text, p_target text) FROM PUBLIC;

--
-- Name: FUNCTION sweep_heartbeats(p_batch integer); Type: ACL; Schema: onboarding; Owner: fedgate_maintainer
--

REVOKE ALL ON FUNCTION onboarding.sweep_heartbeats(p_batch integer) FROM PUBLIC;
GRANT ALL ON FUNCTION onboarding.sweep_heartbeats(p_batch integer) TO fedgate_owner;

--
-- Name: FUNCTION telemetry_window(p_raw text); Type: ACL; Schema: onboarding; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION onboarding.telemetry_window(p_raw text) FROM PUBLIC;

--
-- Name: FUNCTION tenant_counts(p_tenant uuid); Type: ACL; Schema: onboarding; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION onboarding.tenant_counts(p_tenant uuid) FROM PUBLIC;

--
-- Name: FUNCTION tenant_counts_upto(p_tenant uuid, p_marks jsonb); Type: ACL; Schema: onboarding; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION onboarding.tenant_counts_upto(p_tenant uuid, p_marks jsonb) FROM PUBLIC;

--
-- Name: FUNCTION tenant_digest(p_tenant uuid, p_marks jsonb); Type: ACL; Schema: onboarding; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION onboarding.tenant_digest(p_tenant uuid, p_marks jsonb) FROM PUBLIC;

--
-- Name: FUNCTION tenant_digest_after(p_tenant uuid, p_marks jsonb, p_counts jsonb); Type: ACL; Schema: onboarding; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION onboarding.tenant_digest_after(p_tenant uuid, p_marks jsonb, p_counts jsonb) FROM PUBLIC;

--
-- Name: FUNCTION tenant_digest_upto(p_tenant uuid, p_marks jsonb); Type: ACL; Schema: onboarding; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION onboarding.tenant_digest_upto(p_tenant uuid, p_marks jsonb) FROM PUBLIC;

--
-- Name: FUNCTION tenant_json(p_tenant onboarding.tenants); Type: ACL; Schema: onboarding; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION onboarding.tenant_json(p_tenant onboarding.tenants) FROM PUBLIC;

--
-- Name: FUNCTION tenant_key_columns(p_table text); Type: ACL; Schema: onboarding; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION onboarding.tenant_key_columns(p_table text) FROM PUBLIC;

--
-- Name: FUNCTION tenant_marks(p_tenant uuid); Type: ACL; Schema: onboarding; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION onboarding.tenant_marks(p_tenant uuid) FROM PUBLIC;

--
-- Name: FUNCTION tenant_row_hashes(p_tenant uuid, p_table text, p_after jsonb, p_upto jsonb, p_limit integer); Type: ACL; Schema: onboarding; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION onboarding.tenant_row_hashes(p_tenant uuid, p_table text, p_after jsonb, p_upto jsonb, p_limit integer) FROM PUBLIC;

--
-- Name: FUNCTION tenant_rows(); Type: ACL; Schema: onboarding; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION onboarding.tenant_rows() FROM PUBLIC;

--
-- Name: FUNCTION tenant_sizes(); Type: ACL; Schema: onboarding; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION onboarding.tenant_sizes() FROM PUBLIC;

--
-- Name: FUNCTION tenant_tables(); Type: ACL; Schema: onboarding; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION onboarding.tenant_tables() FROM PUBLIC;

--
-- Name: FUNCTION tenants_present(p_tenants uuid[]); Type: ACL; Schema: onboarding; Owner: fedgate_maintainer
--

REVOKE ALL ON FUNCTION onboarding.tenants_present(p_tenants uuid[]) FROM PUBLIC;
GRANT ALL ON FUNCTION onboarding.tenants_present(p_tenants uuid[]) TO fedgate_owner;

--
-- Name: FUNCTION verify_kit_attempt(p_tenant uuid, p_body jsonb); Type: ACL; Schema: onboarding; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION onboarding.verify_kit_attempt(p_tenant uuid, p_body jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION onboarding.verify_kit_attempt(p_tenant uuid, p_body jsonb) TO fedgate_api;

--
-- Name: TABLE agent_heartbeats; Type: ACL; Schema: onboarding; Owner: fedgate_owner
--

GRANT DELETE ON TABLE onboarding.agent_heartbeats TO fedgate_maintainer;

--
-- Name: COLUMN agent_heartbeats.id; Type: ACL; Schema: onboarding; Owner: fedgate_owner
--

GRANT SELECT(id) ON TABLE onboarding.agent_heartbeats TO fedgate_maintainer;

--
-- Name: COLUMN agent_heartbeats.tenant_id; Type: ACL; Schema: onboarding; Owner: fedgate_owner
--

GRANT SELECT(tenant_id) ON TABLE onboarding.agent_heartbeats TO fedgate_maintainer;

--
-- Name: COLUMN agent_heartbeats.reported_at; Type: ACL; Schema: onboarding; Owner: fedgate_owner
--

GRANT SELECT(reported_at),UPDATE(reported_at) ON TABLE onboarding.agent_heartbeats TO fedgate_maintainer;

--
-- Name: TABLE fedgate_migrations; Type: ACL; Schema: public; Owner: postgres
--

GRANT SELECT ON TABLE public.fedgate_migrations TO fedgate_api;

--
-- PostgreSQL database dump complete
--
