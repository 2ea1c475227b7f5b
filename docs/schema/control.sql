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
-- Name: federation; Type: SCHEMA; Schema: -; Owner: fedgate_owner
--

CREATE SCHEMA federation;

ALTER SCHEMA federation OWNER TO fedgate_owner;

--
-- Name: SCHEMA federation; Type: COMMENT; Schema: -; Owner: fedgate_owner
--

COMMENT ON SCHEMA federation IS 'The control plane: node catalog, routing rules, tenant map and registry, node health, and the DBA functions (resolve_node, explain_route, place_tenant, ...). Control database only.';

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
-- Name: confirm_tenant(uuid, jsonb); Type: FUNCTION; Schema: api; Owner: fedgate_owner
--

CREATE FUNCTION api.confirm_tenant(p_tenant uuid, p_args jsonb DEFAULT '{}'::jsonb) RETURNS jsonb
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
    SELECT onboarding.api_caller(p_tenant, '{operator}');
    UPDATE federation.tenant_registry SET status = 'active', updated_at = now()
    WHERE id = p_tenant AND status = 'provisioning';
    SELECT jsonb_build_object('tenantId', p_tenant, 'confirmed', true);
$$;

ALTER FUNCTION api.confirm_tenant(p_tenant uuid, p_args jsonb) OWNER TO fedgate_owner;

--
-- Name: FUNCTION confirm_tenant(p_tenant uuid, p_args jsonb); Type: COMMENT; Schema: api; Owner: fedgate_owner
--

COMMENT ON FUNCTION api.confirm_tenant(p_tenant uuid, p_args jsonb) IS 'Marks a registered tenant active once its node holds its row.';

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
-- Name: kit_context(uuid, jsonb); Type: FUNCTION; Schema: api; Owner: fedgate_owner
--

CREATE FUNCTION api.kit_context(p_tenant uuid, p_args jsonb DEFAULT '{}'::jsonb) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_tenant federation.tenant_registry;
    v_regions text[] := onboarding.json_regions(p_args, 'regions', 10);
    v_unknown text;
BEGIN
    PERFORM onboarding.api_caller(p_tenant, '{operator,tenant}');
    SELECT * INTO v_tenant FROM federation.tenant_registry t WHERE t.id = p_tenant;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'tenant % not found', p_tenant USING ERRCODE = 'FG404';
    END IF;
    IF v_regions IS NULL OR cardinality(v_regions) = 0 THEN
        v_regions := ARRAY[v_tenant.region::text];
    END IF;
    SELECT string_agg(r, ', ' ORDER BY r) INTO v_unknown FROM unnest(v_regions) r
    WHERE NOT EXISTS (SELECT 1 FROM federation.federation_nodes n WHERE n.region = r);
    IF v_unknown IS NOT NULL THEN
        RAISE EXCEPTION 'unknown region(s): %', v_unknown USING ERRCODE = 'FG400',
            DETAIL = jsonb_build_object('field', 'regions')::text, HINT = 'GET regions lists the regions served';
    END IF;
    RETURN jsonb_build_object(
        'federation', coalesce(
            (SELECT jsonb_build_object('primaryNodeId', m.primary_node_id, 'primaryRegion', m.primary_region,
                                       'metadata', m.federation_metadata)
             FROM federation.tenant_federation_map m WHERE m.tenant_id = p_tenant),
            (SELECT jsonb_build_object('primaryNodeId', n.node_id, 'primaryRegion', n.region, 'metadata', '{}'::jsonb)
             FROM federation.federation_nodes n WHERE n.node_id = 'default'))
            -- a restricted tenant's kit says where it may be served
            || CASE WHEN v_tenant.residency IS NOT NULL
                    THEN jsonb_build_object('residency', to_jsonb(v_tenant.residency)) ELSE '{}'::jsonb END,
        'regions', (SELECT jsonb_agg(jsonb_build_object('code', r, 'displayName', coalesce(g.display_name, r)) ORDER BY r)
                    FROM unnest(v_regions) r LEFT JOIN federation.regions g ON g.code = r));
END
$$;

ALTER FUNCTION api.kit_context(p_tenant uuid, p_args jsonb) OWNER TO fedgate_owner;

--
-- Name: FUNCTION kit_context(p_tenant uuid, p_args jsonb); Type: COMMENT; Schema: api; Owner: fedgate_owner
--

COMMENT ON FUNCTION api.kit_context(p_tenant uuid, p_args jsonb) IS 'What a tenant''s kit takes from the catalog: {federation: {primaryNodeId, primaryRegion, metadata, residency (a restricted tenant''s only)}, regions: [{code, displayName}]}. regions defaults to the tenant''s home region; FG400 for a region no node serves, FG404 for an unregistered tenant.';

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
-- Name: regions(uuid, jsonb); Type: FUNCTION; Schema: api; Owner: fedgate_owner
--

CREATE FUNCTION api.regions(p_tenant uuid DEFAULT NULL::uuid, p_args jsonb DEFAULT '{}'::jsonb) RETURNS jsonb
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
    SELECT jsonb_build_object('items', coalesce(jsonb_agg(jsonb_build_object(
               'code', s.region, 'displayName', coalesce(r.display_name, s.region),
               'nodes', s.nodes, 'activeNodes', s.active_nodes) ORDER BY s.region), '[]'::jsonb))
    FROM (SELECT n.region::text AS region, count(*) AS nodes,
                 count(*) FILTER (WHERE n.status = 'active') AS active_nodes
          FROM federation.federation_nodes n GROUP BY n.region) s
    LEFT JOIN federation.regions r ON r.code = s.region
$$;

ALTER FUNCTION api.regions(p_tenant uuid, p_args jsonb) OWNER TO fedgate_owner;

--
-- Name: FUNCTION regions(p_tenant uuid, p_args jsonb); Type: COMMENT; Schema: api; Owner: fedgate_owner
--

COMMENT ON FUNCTION api.regions(p_tenant uuid, p_args jsonb) IS 'The regions served (a node registered): code, display name, nodes and active nodes.';

--
-- Name: register_tenant(uuid, jsonb); Type: FUNCTION; Schema: api; Owner: fedgate_owner
--

CREATE FUNCTION api.register_tenant(p_tenant uuid, p_body jsonb) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v record := federation.register_creation(p_tenant, p_body);
BEGIN
    IF NOT v.replayed THEN
        PERFORM federation.place_tenant((v.registration).id, (v.registration).region);
    END IF;
    RETURN federation.registration_json(v.registration, v.replayed);
END
$$;

ALTER FUNCTION api.register_tenant(p_tenant uuid, p_body jsonb) OWNER TO fedgate_owner;

--
-- Name: FUNCTION register_tenant(p_tenant uuid, p_body jsonb); Type: COMMENT; Schema: api; Owner: fedgate_owner
--

COMMENT ON FUNCTION api.register_tenant(p_tenant uuid, p_body jsonb) IS 'Registers a new tenant (status provisioning) and places it on a node of its region, in one transaction; with an Idempotency-Key seen before, that registration as it is now. Returns {tenantId, nodeId, region, status, replayed}.';

--
-- Name: register_unplaced_tenant(uuid, jsonb); Type: FUNCTION; Schema: api; Owner: fedgate_owner
--

CREATE FUNCTION api.register_unplaced_tenant(p_tenant uuid, p_body jsonb) RETURNS jsonb
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v record := federation.register_creation(p_tenant, p_body);
    v_default_region text := (SELECT n.region FROM federation.federation_nodes n WHERE n.node_id = 'default');
BEGIN
    IF NOT (v.registration).residency IS NULL AND NOT v_default_region = ANY ((v.registration).residency) THEN
        PERFORM federation.refuse_residency((v.registration).id, 'legacy', 'default', v_default_region,
                                            (v.registration).residency, 'The legacy namespace''s');
    END IF;
    RETURN federation.registration_json(v.registration, v.replayed);
END
$$;

ALTER FUNCTION api.register_unplaced_tenant(p_tenant uuid, p_body jsonb) OWNER TO fedgate_owner;

--
-- Name: FUNCTION register_unplaced_tenant(p_tenant uuid, p_body jsonb); Type: COMMENT; Schema: api; Owner: fedgate_owner
--

COMMENT ON FUNCTION api.register_unplaced_tenant(p_tenant uuid, p_body jsonb) IS 'Registers a new tenant (status provisioning) without a placement: the default node serves it (the legacy namespace). Returns {tenantId, nodeId, region, status, replayed}.';

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
-- Name: unregister_tenant(uuid, jsonb); Type: FUNCTION; Schema: api; Owner: fedgate_owner
--

CREATE FUNCTION api.unregister_tenant(p_tenant uuid, p_args jsonb DEFAULT '{}'::jsonb) RETURNS jsonb
    LANGUAGE sql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
    SELECT onboarding.api_caller(p_tenant, '{operator}');
    WITH d AS (DELETE FROM federation.tenant_registry WHERE id = p_tenant AND status = 'provisioning' RETURNING 1)
    SELECT jsonb_build_object('tenantId', p_tenant, 'removed', EXISTS (SELECT 1 FROM d));
$$;

ALTER FUNCTION api.unregister_tenant(p_tenant uuid, p_args jsonb) OWNER TO fedgate_owner;

--
-- Name: FUNCTION unregister_tenant(p_tenant uuid, p_args jsonb); Type: COMMENT; Schema: api; Owner: fedgate_owner
--

COMMENT ON FUNCTION api.unregister_tenant(p_tenant uuid, p_args jsonb) IS 'Removes a registration its node refused (its map row and routes go with it). Active tenants are never removed.';

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

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: tenant_moves; Type: TABLE; Schema: federation; Owner: fedgate_owner
--

CREATE TABLE federation.tenant_moves (
    move_id bigint NOT NULL,
    tenant_id uuid NOT NULL,
    source_node text NOT NULL,
    target_node text NOT NULL,
    state text DEFAULT 'copying'::text NOT NULL,
    switched boolean DEFAULT false NOT NULL,
    keep_source boolean DEFAULT false NOT NULL,
    rows_expected jsonb DEFAULT '{}'::jsonb NOT NULL,
    rows_copied jsonb DEFAULT '{}'::jsonb NOT NULL,
    lag_bytes bigint,
    verify_result jsonb,
    pause_ms real,
    error text,
    fenced_at timestamp with time zone,
    started_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    finished_at timestamp with time zone,
    residency_override text,
    residency text[],
    reversible_until timestamp with time zone,
    reversed boolean DEFAULT false NOT NULL,
    requested text,
    flips integer DEFAULT 0 NOT NULL,
    flip_pause_ms real,
    flip_error text,
    CONSTRAINT tenant_moves_check CHECK ((source_node <> target_node)),
    CONSTRAINT tenant_moves_check1 CHECK (((NOT switched) OR (state = ANY (ARRAY['cutover'::text, 'switched'::text, 'cleanup'::text, 'done'::text])))),
    CONSTRAINT tenant_moves_flips_check CHECK ((flips >= 0)),
    CONSTRAINT tenant_moves_requested_check CHECK ((requested = ANY (ARRAY['reverse'::text, 'forward'::text, 'complete'::text]))),
    CONSTRAINT tenant_moves_residency_check CHECK (((residency IS NULL) OR ((cardinality(residency) >= 1) AND (cardinality(residency) <= 64)))),
    CONSTRAINT tenant_moves_residency_override_check CHECK (((residency_override IS NULL) OR ((length(btrim(residency_override)) >= 1) AND (length(btrim(residency_override)) <= 500)))),
    CONSTRAINT tenant_moves_rows_copied_check CHECK ((jsonb_typeof(rows_copied) = 'object'::text)),
    CONSTRAINT tenant_moves_rows_expected_check CHECK ((jsonb_typeof(rows_expected) = 'object'::text)),
    CONSTRAINT tenant_moves_state_check CHECK ((state = ANY (ARRAY['copying'::text, 'catching_up'::text, 'verifying'::text, 'cutover'::text, 'switched'::text, 'reversed'::text, 'cleanup'::text, 'done'::text, 'aborted'::text, 'failed'::text])))
);

ALTER TABLE federation.tenant_moves OWNER TO fedgate_owner;

--
-- Name: TABLE tenant_moves; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON TABLE federation.tenant_moves IS 'Tenant moves between nodes: one open move per tenant, its state, progress (rows per table, replication lag), verification, the tenant''s write pause and the error that stopped it.';

--
-- Name: COLUMN tenant_moves.switched; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON COLUMN federation.tenant_moves.switched IS 'The map and routing rules name the target: from here the move only goes forward (cleanup, done).';

--
-- Name: COLUMN tenant_moves.fenced_at; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON COLUMN federation.tenant_moves.fenced_at IS 'When the cutover fenced the tenant: gateways hold its requests, the source refuses its writes.';

--
-- Name: COLUMN tenant_moves.residency_override; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON COLUMN federation.tenant_moves.residency_override IS 'Why the move may take the tenant outside its residency: the map row keeps it after the switch.';

--
-- Name: COLUMN tenant_moves.residency; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON COLUMN federation.tenant_moves.residency IS 'A residency policy the switch applies (set_residency with p_move): it binds once the tenant is where it allows.';

--
-- Name: COLUMN tenant_moves.reversible_until; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON COLUMN federation.tenant_moves.reversible_until IS 'Until when the switched move can be reversed: then it completes by itself (its job). NULL: not reversible.';

--
-- Name: COLUMN tenant_moves.reversed; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON COLUMN federation.tenant_moves.reversed IS 'The move was switched back: the tenant lives on its source again (a reversed move, or one completed so).';

--
-- Name: COLUMN tenant_moves.requested; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON COLUMN federation.tenant_moves.requested IS 'What an operator asked of a switched or reversed move (reverse_move, forward_move, complete_move): its driver does it.';

--
-- Name: COLUMN tenant_moves.flips; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON COLUMN federation.tenant_moves.flips IS 'Switches made: 1 after the move''s own, one more for each reverse and forward.';

--
-- Name: COLUMN tenant_moves.flip_pause_ms; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON COLUMN federation.tenant_moves.flip_pause_ms IS 'The tenant''s pause at the last reverse or forward (pause_ms is the first switch''s).';

--
-- Name: COLUMN tenant_moves.flip_error; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON COLUMN federation.tenant_moves.flip_error IS 'Why the last reverse or forward did not switch (the tenant stayed where it was, the move still reversible).';

--
-- Name: abort_move(bigint, text); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.abort_move(p_move bigint, p_why text DEFAULT 'aborted by an operator'::text) RETURNS federation.tenant_moves
    LANGUAGE sql
    AS $$ SELECT * FROM federation.stop_move(p_move, 'aborted', p_why) $$;

ALTER FUNCTION federation.abort_move(p_move bigint, p_why text) OWNER TO fedgate_owner;

--
-- Name: FUNCTION abort_move(p_move bigint, p_why text); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.abort_move(p_move bigint, p_why text) IS 'Aborts a move before its switch (see stop_move).';

--
-- Name: add_node(text, text, text, integer, integer, jsonb); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.add_node(p_node_id text, p_region text, p_database_url text, p_priority integer DEFAULT 0, p_placement_weight integer DEFAULT 100, p_metadata jsonb DEFAULT '{}'::jsonb) RETURNS TABLE(node_id text, region text, status text, priority integer, placement_weight integer)
    LANGUAGE plpgsql
    AS $$
BEGIN
    -- A region first seen here is named by its code until add_region names it.
    INSERT INTO federation.regions (code, display_name) VALUES (p_region, p_region) ON CONFLICT (code) DO NOTHING;
    RETURN QUERY
    INSERT INTO federation.federation_nodes AS n (node_id, region, database_url, priority, placement_weight, metadata)
    VALUES (p_node_id, p_region, p_database_url, coalesce(p_priority, 0), coalesce(p_placement_weight, 100),
            coalesce(p_metadata, '{}'::jsonb))
    ON CONFLICT ON CONSTRAINT federation_nodes_node_id_key DO UPDATE SET
        region = EXCLUDED.region,
        database_url = EXCLUDED.database_url,
        priority = EXCLUDED.priority,
        placement_weight = EXCLUDED.placement_weight,
        metadata = EXCLUDED.metadata
    RETURNING n.node_id, n.region::text, n.status, n.priority, n.placement_weight;
END
$$;

ALTER FUNCTION federation.add_node(p_node_id text, p_region text, p_database_url text, p_priority integer, p_placement_weight integer, p_metadata jsonb) OWNER TO fedgate_owner;

--
-- Name: FUNCTION add_node(p_node_id text, p_region text, p_database_url text, p_priority integer, p_placement_weight integer, p_metadata jsonb); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.add_node(p_node_id text, p_region text, p_database_url text, p_priority integer, p_placement_weight integer, p_metadata jsonb) IS 'Registers a node, or updates it when node_id exists (status is kept); a new region is registered under its code (add_region names it). Returns the row without its database URL. The node''s schema is migrated by `fedgate node add`.';

--
-- Name: add_region(text, text); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.add_region(p_code text, p_display_name text) RETURNS TABLE(code text, display_name text)
    LANGUAGE sql
    AS $$
    INSERT INTO federation.regions AS r (code, display_name) VALUES (p_code, p_display_name)
    ON CONFLICT ON CONSTRAINT regions_pkey DO UPDATE SET display_name = EXCLUDED.display_name
    RETURNING r.code::text, r.display_name
$$;

ALTER FUNCTION federation.add_region(p_code text, p_display_name text) OWNER TO fedgate_owner;

--
-- Name: FUNCTION add_region(p_code text, p_display_name text); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.add_region(p_code text, p_display_name text) IS 'Registers a region code with its display name, or renames it. The one source of region names: every kit and the regions endpoint read it.';

--
-- Name: add_replica(text, text, text, interval, text, text); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.add_replica(p_node_id text, p_replica_id text, p_database_url text, p_max_lag interval DEFAULT '00:00:02'::interval, p_region text DEFAULT NULL::text, p_override text DEFAULT NULL::text) RETURNS TABLE(replica_id text, node_id text, max_lag interval, region text, residency_override text)
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

ALTER FUNCTION federation.add_replica(p_node_id text, p_replica_id text, p_database_url text, p_max_lag interval, p_region text, p_override text) OWNER TO fedgate_owner;

--
-- Name: FUNCTION add_replica(p_node_id text, p_replica_id text, p_database_url text, p_max_lag interval, p_region text, p_override text); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.add_replica(p_node_id text, p_replica_id text, p_database_url text, p_max_lag interval, p_region text, p_override text) IS 'Registers a streaming replica of a node (or updates one), in p_region (default: its node''s). It serves no read until the health checker has found it in recovery and within max_lag, and never a tenant whose residency excludes its region: a replica outside the residency of a tenant of its node is refused (FG451) unless p_override gives the reason (recorded; the replica then serves them).';

--
-- Name: add_route(uuid, text, text, integer, boolean, boolean, text); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.add_route(p_tenant uuid, p_region text, p_node_id text, p_weight integer DEFAULT 100, p_is_primary boolean DEFAULT false, p_shared_data boolean DEFAULT false, p_override text DEFAULT NULL::text) RETURNS TABLE(tenant_id uuid, region text, node_id text, is_primary boolean, weight integer, shared_data boolean, residency_override text)
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_home text;
BEGIN
    SELECT m.primary_node_id INTO v_home FROM federation.tenant_federation_map m WHERE m.tenant_id = p_tenant;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'tenant % has no federation mapping', p_tenant
            USING ERRCODE = 'FG404', HINT = 'place the tenant first (place_tenant)';
    ELSIF p_node_id IS DISTINCT FROM v_home AND NOT coalesce(p_shared_data, false) THEN
        RAISE EXCEPTION 'node % does not hold tenant %''s data: its node is %', p_node_id, p_tenant, v_home
            USING ERRCODE = 'FG409',
                  HINT = format('route it to %s, move the tenant there (fedgate tenant move %s --to %s), or declare '
                                'that %s serves the same database (--shared-data)', v_home, p_tenant, p_node_id,
                                p_node_id);
    END IF;
    IF p_is_primary THEN  -- one primary per (tenant, region): the new one replaces it
        UPDATE federation.federation_routing r SET is_primary = false
        WHERE r.tenant_id = p_tenant AND r.region = p_region AND r.is_primary AND r.node_id <> p_node_id;
    END IF;
    RETURN QUERY
    -- The rule's residency guard (a constraint trigger) refuses a node outside the tenant's residency, or
    -- records the override; an override is kept only where one is needed.
    INSERT INTO federation.federation_routing AS r
        (tenant_id, region, node_id, is_primary, weight, shared_data, residency_override)
    VALUES (p_tenant, p_region, p_node_id, coalesce(p_is_primary, false), coalesce(p_weight, 100),
            p_node_id IS DISTINCT FROM v_home,
            CASE WHEN federation.outside_residency(p_tenant, p_node_id) THEN nullif(btrim(p_override), '') END)
    ON CONFLICT ON CONSTRAINT federation_routing_tenant_id_region_node_id_key DO UPDATE SET
        is_primary = EXCLUDED.is_primary, weight = EXCLUDED.weight, shared_data = EXCLUDED.shared_data,
        residency_override = EXCLUDED.residency_override
    RETURNING r.tenant_id, r.region::text, r.node_id, r.is_primary, r.weight, r.shared_data, r.residency_override;
END
$$;

ALTER FUNCTION federation.add_route(p_tenant uuid, p_region text, p_node_id text, p_weight integer, p_is_primary boolean, p_shared_data boolean, p_override text) OWNER TO fedgate_owner;

--
-- Name: FUNCTION add_route(p_tenant uuid, p_region text, p_node_id text, p_weight integer, p_is_primary boolean, p_shared_data boolean, p_override text); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.add_route(p_tenant uuid, p_region text, p_node_id text, p_weight integer, p_is_primary boolean, p_shared_data boolean, p_override text) IS 'Adds or updates a routing rule for a mapped tenant; with is_primary it becomes the region''s only primary rule. The node must hold the tenant''s data (its mapped node), unless p_shared_data declares that it serves the same database, which the rule records; else FG409 with the fix (a move, or the declaration). A node outside the tenant''s residency is refused (FG451) unless p_override gives the reason, which the rule keeps and residency_events records.';

--
-- Name: advance_move(bigint, text, text, jsonb); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.advance_move(p_move bigint, p_from text, p_to text, p_progress jsonb DEFAULT '{}'::jsonb) RETURNS federation.tenant_moves
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_row federation.tenant_moves;
BEGIN
    IF (p_from, p_to) NOT IN (('copying', 'catching_up'), ('catching_up', 'verifying'), ('verifying', 'cutover'),
                              ('cleanup', 'done'), ('switched', 'done'), ('reversed', 'done'),
                              ('switched', 'switched'), ('reversed', 'reversed'),
                              ('copying', 'copying'), ('catching_up', 'catching_up'),
                              ('verifying', 'verifying'), ('cutover', 'cutover'), ('cleanup', 'cleanup')) THEN
        RAISE EXCEPTION 'a move does not go from % to %', p_from, p_to USING ERRCODE = 'FG400';
    END IF;
    UPDATE federation.tenant_moves m SET
        state = p_to,
        rows_expected = coalesce(p_progress -> 'rowsExpected', m.rows_expected),
        rows_copied = coalesce(p_progress -> 'rowsCopied', m.rows_copied),
        lag_bytes = coalesce((p_progress ->> 'lagBytes')::bigint, m.lag_bytes),
        verify_result = coalesce(p_progress -> 'verify', m.verify_result),
        pause_ms = coalesce((p_progress ->> 'pauseMs')::real, m.pause_ms),
        flip_pause_ms = coalesce((p_progress ->> 'flipPauseMs')::real, m.flip_pause_ms),
        updated_at = now(),
        finished_at = CASE WHEN p_to = 'done' THEN now() END
    WHERE m.move_id = p_move AND m.state = p_from
    RETURNING * INTO v_row;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'move % is not in state % (another mover, or an abort, got there first)', p_move, p_from
            USING ERRCODE = 'FG409';
    END IF;
    RETURN v_row;
END
$$;

ALTER FUNCTION federation.advance_move(p_move bigint, p_from text, p_to text, p_progress jsonb) OWNER TO fedgate_owner;

--
-- Name: FUNCTION advance_move(p_move bigint, p_from text, p_to text, p_progress jsonb); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.advance_move(p_move bigint, p_from text, p_to text, p_progress jsonb) IS 'Moves a move from state p_from to p_to (or records progress in the same state) only if it is in p_from: {rowsExpected, rowsCopied, lagBytes, verify, pauseMs} as given. FG400 a transition that does not exist, FG409 the move is elsewhere.';

--
-- Name: check_residency(uuid, text, text, text); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.check_residency(p_tenant uuid, p_node text, p_action text, p_override text DEFAULT NULL::text) RETURNS text
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_regions text[] := federation.tenant_residency(p_tenant);
    v_region text;
BEGIN
    SELECT n.region INTO v_region FROM federation.federation_nodes n WHERE n.node_id = p_node;
    IF v_regions IS NULL OR v_region IS NULL OR v_region = ANY (v_regions) THEN
        RETURN NULL;  -- unrestricted, unknown node (the caller says so), or inside
    END IF;
    IF nullif(btrim(p_override), '') IS NULL THEN
        PERFORM federation.refuse_residency(p_tenant, p_action, p_node, v_region, v_regions, initcap(p_action) || ' to');
    END IF;
    PERFORM federation.record_residency_event(p_tenant, p_action, p_node, v_region, 'overridden', v_regions,
                                              btrim(p_override));
    RETURN btrim(p_override);
END
$$;

ALTER FUNCTION federation.check_residency(p_tenant uuid, p_node text, p_action text, p_override text) OWNER TO fedgate_owner;

--
-- Name: FUNCTION check_residency(p_tenant uuid, p_node text, p_action text, p_override text); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.check_residency(p_tenant uuid, p_node text, p_action text, p_override text) IS 'One door''s check of a node for a tenant: NULL when the tenant is unrestricted or the node''s region is in its residency; with an override reason, records the override and returns the reason; else FG451.';

--
-- Name: jobs; Type: TABLE; Schema: federation; Owner: fedgate_owner
--

CREATE TABLE federation.jobs (
    job_id bigint NOT NULL,
    kind text NOT NULL,
    subject text NOT NULL,
    move_id bigint,
    node_id text,
    parent_id bigint,
    params jsonb DEFAULT '{}'::jsonb NOT NULL,
    state text DEFAULT 'pending'::text NOT NULL,
    owner text,
    owner_instance text,
    lease_until timestamp with time zone,
    attempts integer DEFAULT 0 NOT NULL,
    step text,
    last_error text,
    not_before timestamp with time zone DEFAULT now() NOT NULL,
    created_by text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    started_at timestamp with time zone,
    finished_at timestamp with time zone,
    CONSTRAINT jobs_attempts_check CHECK ((attempts >= 0)),
    CONSTRAINT jobs_check CHECK (((kind = 'move'::text) = (move_id IS NOT NULL))),
    CONSTRAINT jobs_check1 CHECK (((kind = 'drain'::text) = (node_id IS NOT NULL))),
    CONSTRAINT jobs_check2 CHECK (((state <> 'running'::text) OR ((owner IS NOT NULL) AND (lease_until IS NOT NULL)))),
    CONSTRAINT jobs_check3 CHECK (((state = ANY (ARRAY['done'::text, 'failed'::text, 'aborted'::text])) = (finished_at IS NOT NULL))),
    CONSTRAINT jobs_created_by_check CHECK (((length(created_by) >= 1) AND (length(created_by) <= 255))),
    CONSTRAINT jobs_kind_check CHECK ((kind = ANY (ARRAY['move'::text, 'drain'::text, 'plan'::text]))),
    CONSTRAINT jobs_last_error_check CHECK ((length(last_error) <= 4000)),
    CONSTRAINT jobs_owner_check CHECK (((length(owner) >= 1) AND (length(owner) <= 255))),
    CONSTRAINT jobs_params_check CHECK ((jsonb_typeof(params) = 'object'::text)),
    CONSTRAINT jobs_plan_kind_check CHECK (((kind <> 'plan'::text) OR ((params ->> 'plan'::text) = ANY (ARRAY['legacy'::text, 'rebalance'::text])))),
    CONSTRAINT jobs_state_check CHECK ((state = ANY (ARRAY['pending'::text, 'running'::text, 'done'::text, 'failed'::text, 'aborted'::text]))),
    CONSTRAINT jobs_subject_check CHECK (((length(subject) >= 1) AND (length(subject) <= 255)))
);

ALTER TABLE federation.jobs OWNER TO fedgate_owner;

--
-- Name: TABLE jobs; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON TABLE federation.jobs IS 'Durable jobs (moves, drains): what to do, who drives it (owner, its instance) under a lease renewed while it works, attempts at the step that last failed with its error, who started it. A job whose lease lapsed is claimed by any live driver.';

--
-- Name: COLUMN jobs.parent_id; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON COLUMN federation.jobs.parent_id IS 'The drain or plan whose move this is: its parent''s driver drives it.';

--
-- Name: COLUMN jobs.step; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON COLUMN federation.jobs.step IS 'The step (a move''s state) its last failure was at; attempts count the failures at that step.';

--
-- Name: claim_job(bigint, text, text, interval); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.claim_job(p_job bigint, p_owner text, p_instance text, p_lease interval) RETURNS federation.jobs
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_row federation.jobs;
BEGIN
    SELECT * INTO v_row FROM federation.jobs j WHERE j.job_id = p_job FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no job %', p_job USING ERRCODE = 'FG404';
    ELSIF v_row.state NOT IN ('pending', 'running') THEN
        RAISE EXCEPTION 'job % is %', p_job, v_row.state USING ERRCODE = 'FG409',
            HINT = 'a failed job is tried again with requeue_job (fedgate tenant move --resume)';
    ELSIF v_row.state = 'running' AND v_row.owner <> p_owner AND v_row.lease_until >= now() THEN
        RAISE EXCEPTION 'job % is driven by % (its lease runs until %)', p_job, v_row.owner, v_row.lease_until
            USING ERRCODE = 'FG409', DETAIL = v_row.lease_until::text,
                  HINT = 'watch it (federation_jobs) or abort its move; a dead driver''s lease lapses by itself';
    END IF;
    SELECT * INTO v_row FROM federation.lease_jobs(ARRAY[p_job], p_owner, p_instance, p_lease);
    RETURN v_row;
END
$$;

ALTER FUNCTION federation.claim_job(p_job bigint, p_owner text, p_instance text, p_lease interval) OWNER TO fedgate_owner;

--
-- Name: FUNCTION claim_job(p_job bigint, p_owner text, p_instance text, p_lease interval); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.claim_job(p_job bigint, p_owner text, p_instance text, p_lease interval) IS 'Claims one job by id: pending, its lease lapsed, or already this owner''s. FG409 (DETAIL: the lease''s end) while another driver holds it, or when it has ended.';

--
-- Name: claim_jobs(text, text, integer, interval); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.claim_jobs(p_owner text, p_instance text, p_most integer, p_lease interval) RETURNS SETOF federation.jobs
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_held integer;
BEGIN
    -- One claim at a time per instance (its workers claim too): the bound holds.
    PERFORM pg_advisory_xact_lock(hashtext('fedgate.jobs'), hashtext(p_instance));
    SELECT count(*) INTO v_held FROM federation.jobs j
    WHERE j.owner_instance = p_instance AND j.state = 'running' AND j.lease_until > now() AND j.parent_id IS NULL;
    RETURN QUERY
    SELECT * FROM federation.lease_jobs(ARRAY(
        SELECT c.job_id FROM federation.jobs c
        WHERE c.state IN ('pending', 'running') AND (c.lease_until IS NULL OR c.lease_until < now())
          AND c.not_before <= now()
          AND (c.parent_id IS NULL  -- a drain's moves are its driver's, unless the drain has ended
               OR NOT EXISTS (SELECT 1 FROM federation.jobs p WHERE p.job_id = c.parent_id
                              AND p.state IN ('pending', 'running')))
        ORDER BY c.not_before, c.job_id
        LIMIT greatest(p_most - v_held, 0)
        FOR UPDATE SKIP LOCKED), p_owner, p_instance, p_lease);
END
$$;

ALTER FUNCTION federation.claim_jobs(p_owner text, p_instance text, p_most integer, p_lease interval) OWNER TO fedgate_owner;

--
-- Name: FUNCTION claim_jobs(p_owner text, p_instance text, p_most integer, p_lease interval); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.claim_jobs(p_owner text, p_instance text, p_most integer, p_lease interval) IS 'A gateway worker claims jobs that are pending or whose lease lapsed (oldest first, never one another driver is claiming: SKIP LOCKED), so that its instance holds at most p_most; each leased for p_lease.';

--
-- Name: clear_tenant_limit(uuid); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.clear_tenant_limit(p_tenant uuid) RETURNS boolean
    LANGUAGE sql
    AS $$
    WITH gone AS (DELETE FROM federation.tenant_limits WHERE tenant_id = p_tenant RETURNING 1)
    SELECT count(*) > 0 FROM gone;
$$;

ALTER FUNCTION federation.clear_tenant_limit(p_tenant uuid) OWNER TO fedgate_owner;

--
-- Name: FUNCTION clear_tenant_limit(p_tenant uuid); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.clear_tenant_limit(p_tenant uuid) IS 'Lifts a tenant''s quota; false when it had none.';

--
-- Name: complete_move(bigint); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.complete_move(p_move bigint) RETURNS federation.tenant_moves
    LANGUAGE sql
    AS $$ SELECT * FROM federation.request_move(p_move, 'complete') $$;

ALTER FUNCTION federation.complete_move(p_move bigint) OWNER TO fedgate_owner;

--
-- Name: FUNCTION complete_move(p_move bigint); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.complete_move(p_move bigint) IS 'Ends a switched or reversed move where the tenant is: replication dropped, the other copy deleted (its tombstone stays). A move left alone completes once reversible_until passes (request_move).';

--
-- Name: count_enrollment_failure(text); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.count_enrollment_failure(p_addr text, OUT failures integer, OUT lim integer) RETURNS record
    LANGUAGE plpgsql
    AS $$
BEGIN
    INSERT INTO federation.enrollment_failures AS f (client_addr, minute, failures)
    VALUES (left(p_addr, 64), date_trunc('minute', now()), 1)
    ON CONFLICT (client_addr, minute) DO UPDATE SET failures = f.failures + 1;
    DELETE FROM federation.enrollment_failures f WHERE f.minute < now() - interval '1 hour';
    SELECT coalesce(sum(f.failures), 0)::integer INTO failures
    FROM federation.enrollment_failures f
    WHERE f.client_addr = left(p_addr, 64) AND f.minute > now() - interval '15 minutes';
    lim := coalesce(nullif(current_setting('fedgate.enrollment_failure_limit', true), ''), '20')::integer;
END
$$;

ALTER FUNCTION federation.count_enrollment_failure(p_addr text, OUT failures integer, OUT lim integer) OWNER TO fedgate_owner;

--
-- Name: FUNCTION count_enrollment_failure(p_addr text, OUT failures integer, OUT lim integer); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.count_enrollment_failure(p_addr text, OUT failures integer, OUT lim integer) IS 'A gateway counts a failed enrollment of a client address: the address''s failures in the last 15 minutes across the fleet, and the limit (the fedgate.enrollment_failure_limit setting, default 20, as on the nodes). Past it the gateways refuse the address before any database work.';

--
-- Name: derive_top_routes(); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.derive_top_routes() RETURNS trigger
    LANGUAGE plpgsql
    SET enable_seqscan TO 'off'
    AS $$
BEGIN
    SELECT t.regions, t.nodes, t.is_primary INTO NEW.route_regions, NEW.route_nodes, NEW.route_is_primary
    FROM federation.top_routes(ARRAY[NEW.tenant_id]) t;
    NEW.residency := federation.tenant_residency(NEW.tenant_id);
    RETURN NEW;
END
$$;

ALTER FUNCTION federation.derive_top_routes() OWNER TO fedgate_owner;

--
-- Name: FUNCTION derive_top_routes(); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.derive_top_routes() IS 'Row trigger of tenant_federation_map: a map row written by a statement (not by sync_top_routes) gets its route_* arrays from federation_routing and its residency from the registry, never from the writer.';

--
-- Name: drain_plan(text); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.drain_plan(p_node text) RETURNS TABLE(tenant_id uuid, target_node text)
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    v_region text;
BEGIN
    SELECT n.region INTO v_region FROM federation.federation_nodes n WHERE n.node_id = p_node;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown node: %', p_node USING ERRCODE = 'FG404';
    END IF;
    RETURN QUERY
    SELECT t.id, (SELECT n.node_id::text FROM federation.federation_nodes n
                  WHERE n.region = coalesce(t.region, v_region) AND n.node_id <> p_node AND n.status = 'active'
                    AND federation.node_serving(n.status, n.unhealthy_checked_at)
                    AND (t.residency IS NULL OR n.region::text = ANY (t.residency))
                  ORDER BY federation.rendezvous_score(t.id, n.region, n.node_id,
                                                       least(n.placement_weight::bigint * n.capacity, 2147483647)::integer) DESC,
                           n.node_id
                  LIMIT 1)
    FROM (SELECT m.tenant_id AS id, m.primary_region::text AS region, m.residency FROM federation.tenant_federation_map m
          WHERE m.primary_node_id = p_node
          UNION ALL
          SELECT r.id, r.region::text, r.residency FROM federation.tenant_registry r
          WHERE p_node = 'default' AND r.status <> 'provisioning'
            AND NOT EXISTS (SELECT 1 FROM federation.tenant_federation_map m WHERE m.tenant_id = r.id)) t
    WHERE NOT EXISTS (SELECT 1 FROM federation.tenant_moves x
                      WHERE x.tenant_id = t.id AND x.state NOT IN ('done', 'aborted', 'failed'))
    ORDER BY t.id;
END
$$;

ALTER FUNCTION federation.drain_plan(p_node text) OWNER TO fedgate_owner;

--
-- Name: FUNCTION drain_plan(p_node text); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.drain_plan(p_node text) IS 'Where each tenant of a node goes when it is drained (and each legacy tenant home): an active, serving node of the tenant''s region other than this one, by weighted rendezvous on capacity times placement_weight (the shares placement follows), inside the tenant''s residency (NULL: no such node). Tenants with an open move are left out.';

--
-- Name: drop_move_object(bigint, text, text); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.drop_move_object(p_move bigint, p_node text, p_kind text) RETURNS void
    LANGUAGE sql
    AS $$
    UPDATE federation.move_objects SET dropped_at = coalesce(dropped_at, now())
    WHERE move_id = p_move AND node_id = p_node AND kind = p_kind;
$$;

ALTER FUNCTION federation.drop_move_object(p_move bigint, p_node text, p_kind text) OWNER TO fedgate_owner;

--
-- Name: FUNCTION drop_move_object(p_move bigint, p_node text, p_kind text); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.drop_move_object(p_move bigint, p_node text, p_kind text) IS 'A move''s recorded object is gone from its node.';

--
-- Name: enqueue_job(text, text, bigint, text, jsonb, bigint); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.enqueue_job(p_kind text, p_subject text, p_move bigint DEFAULT NULL::bigint, p_node text DEFAULT NULL::text, p_params jsonb DEFAULT '{}'::jsonb, p_parent bigint DEFAULT NULL::bigint) RETURNS federation.jobs
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_row federation.jobs;
BEGIN
    INSERT INTO federation.jobs (kind, subject, move_id, node_id, params, parent_id, created_by)
    VALUES (p_kind, left(p_subject, 255), p_move, p_node, coalesce(p_params, '{}'::jsonb), p_parent,
            federation.job_actor())
    RETURNING * INTO v_row;
    RETURN v_row;
END
$$;

ALTER FUNCTION federation.enqueue_job(p_kind text, p_subject text, p_move bigint, p_node text, p_params jsonb, p_parent bigint) OWNER TO fedgate_owner;

--
-- Name: FUNCTION enqueue_job(p_kind text, p_subject text, p_move bigint, p_node text, p_params jsonb, p_parent bigint); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.enqueue_job(p_kind text, p_subject text, p_move bigint, p_node text, p_params jsonb, p_parent bigint) IS 'Records a job, pending: claimable at once (gateway workers look every FEDGATE_JOB_POLL seconds).';

--
-- Name: explain_route(uuid, text); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.explain_route(p_tenant uuid, p_region text DEFAULT NULL::text) RETURNS TABLE(ord integer, node_id text, node_region text, source text, rule_weight integer, score numeric, node_status text, health text, decision text, why text)
    LANGUAGE sql STABLE
    AS $$
    WITH c AS (
        SELECT rc.*,
               min(rc.ord) FILTER (WHERE rc.serving OR (rc.source = 'default_unmapped' AND rc.resident)) OVER () AS chosen
        FROM federation.route_candidates(p_tenant, p_region) rc
    )
    SELECT c.ord, c.node_id, c.node_region, c.source, c.rule_weight,
           round(c.score::numeric, 6), c.node_status, c.health,
           CASE WHEN c.ord = c.chosen THEN 'chosen'
                WHEN c.chosen IS NULL OR c.ord < c.chosen THEN 'skipped'
                ELSE 'standby' END,
           CASE
               WHEN c.source = 'default_unmapped' AND NOT c.resident THEN c.note
               WHEN c.source = 'default_unmapped' THEN 'tenant has no row in tenant_federation_map: the default node serves it'
               WHEN c.ord = c.chosen AND c.ord > 1 THEN 'failover: every earlier candidate is out'
               WHEN c.ord = c.chosen AND c.source = 'tenant_primary' AND p_region IS NOT NULL
                    AND NOT EXISTS (SELECT 1 FROM c c2 WHERE c2.source IN ('region_route', 'region_weighted'))
                    AND p_region <> c.node_region
                    THEN format('no routing rule for region %s: the tenant''s primary node serves', p_region)
               WHEN c.ord = c.chosen AND c.source = 'tenant_primary' THEN 'the tenant''s primary node'
               WHEN c.ord = c.chosen AND c.source = 'region_route' THEN format('is_primary rule for region %s', p_region)
               WHEN c.ord = c.chosen AND c.source = 'region_weighted'
                    THEN format('highest weighted rendezvous score among the rules for region %s', p_region)
               WHEN c.ord = c.chosen THEN 'rule of the tenant''s primary region'
               WHEN c.chosen IS NULL OR c.ord < c.chosen THEN coalesce(c.note, 'out')
               ELSE 'not needed: an earlier candidate serves'
           END
    FROM c
    ORDER BY c.ord
$$;

ALTER FUNCTION federation.explain_route(p_tenant uuid, p_region text) OWNER TO fedgate_owner;

--
-- Name: FUNCTION explain_route(p_tenant uuid, p_region text); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.explain_route(p_tenant uuid, p_region text) IS 'Explains resolve_node: every candidate in order, whether it was chosen, skipped (and why) or left standing by.';

--
-- Name: fail_move(bigint, text); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.fail_move(p_move bigint, p_error text) RETURNS federation.tenant_moves
    LANGUAGE sql
    AS $$ SELECT * FROM federation.stop_move(p_move, 'failed', p_error) $$;

ALTER FUNCTION federation.fail_move(p_move bigint, p_error text) OWNER TO fedgate_owner;

--
-- Name: FUNCTION fail_move(p_move bigint, p_error text); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.fail_move(p_move bigint, p_error text) IS 'Ends a move before its switch as failed, with its error (see stop_move).';

--
-- Name: federation_emit(jsonb); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.federation_emit(p_payload jsonb) RETURNS void
    LANGUAGE sql
    AS $$ SELECT pg_notify('fedgate_catalog', p_payload::text) $$;

ALTER FUNCTION federation.federation_emit(p_payload jsonb) OWNER TO fedgate_owner;

--
-- Name: FUNCTION federation_emit(p_payload jsonb); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.federation_emit(p_payload jsonb) IS 'Sends one catalog change notification on channel fedgate_catalog (all federation triggers go through here).';

--
-- Name: federation_notify_health(); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.federation_notify_health() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    PERFORM federation.federation_emit(jsonb_build_object(
        'table', TG_TABLE_NAME, 'op', lower(TG_OP), 'tenant_ids', '[]'::jsonb,
        'node_ids', jsonb_build_array(coalesce(NEW.node_id, OLD.node_id))));
    RETURN NULL;
END
$$;

ALTER FUNCTION federation.federation_notify_health() OWNER TO fedgate_owner;

--
-- Name: FUNCTION federation_notify_health(); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.federation_notify_health() IS 'Row trigger of federation_node_health: notifies when a node''s healthy flag appears, flips or is removed.';

--
-- Name: federation_notify_instances(); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.federation_notify_instances() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    PERFORM federation.federation_emit(jsonb_build_object(
        'table', 'gateway_instances', 'op', lower(TG_OP), 'tenant_ids', '[]'::jsonb, 'node_ids', '[]'::jsonb));
    RETURN NULL;
END
$$;

ALTER FUNCTION federation.federation_notify_instances() OWNER TO fedgate_owner;

--
-- Name: FUNCTION federation_notify_instances(); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.federation_notify_instances() IS 'Trigger of gateway_instances: an instance registered or stopped, so every worker recomputes its share of the quotas (one gone without a word is noticed at the workers'' next heartbeat, after its TTL).';

--
-- Name: federation_notify_legacy(); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.federation_notify_legacy() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    PERFORM federation.federation_emit(jsonb_build_object('table', TG_TABLE_NAME, 'op', lower(TG_OP)));
    RETURN NULL;
END
$$;

ALTER FUNCTION federation.federation_notify_legacy() OWNER TO fedgate_owner;

--
-- Name: FUNCTION federation_notify_legacy(); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.federation_notify_legacy() IS 'Statement trigger of legacy_policy and legacy_off: the gateways reload the legacy policy.';

--
-- Name: federation_notify_limits(); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.federation_notify_limits() RETURNS trigger
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

ALTER FUNCTION federation.federation_notify_limits() OWNER TO fedgate_owner;

--
-- Name: FUNCTION federation_notify_limits(); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.federation_notify_limits() IS 'Row trigger of tenant_limits: the gateways reload the quotas.';

--
-- Name: federation_notify_moves(); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.federation_notify_moves() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF TG_OP = 'INSERT' OR NEW.fenced_at IS DISTINCT FROM OLD.fenced_at OR NEW.state IS DISTINCT FROM OLD.state THEN
        PERFORM federation.federation_emit(jsonb_build_object(
            'table', TG_TABLE_NAME, 'op', lower(TG_OP), 'tenant_ids', jsonb_build_array(NEW.tenant_id),
            'node_ids', '[]'::jsonb, 'fenced', NEW.fenced_at IS NOT NULL, 'state', NEW.state));
    END IF;
    RETURN NULL;
END
$$;

ALTER FUNCTION federation.federation_notify_moves() OWNER TO fedgate_owner;

--
-- Name: FUNCTION federation_notify_moves(); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.federation_notify_moves() IS 'Row trigger of tenant_moves: notifies the gateways when a move opens, changes state, or its tenant is fenced or released.';

--
-- Name: federation_notify_replicas(); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.federation_notify_replicas() RETURNS trigger
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

ALTER FUNCTION federation.federation_notify_replicas() OWNER TO fedgate_owner;

--
-- Name: FUNCTION federation_notify_replicas(); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.federation_notify_replicas() IS 'Statement trigger of federation_replicas: one NOTIFY when replicas are added, removed or become usable or unusable (lag figures alone do not notify).';

--
-- Name: federation_notify_statement(); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.federation_notify_statement() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_tenants jsonb;
    v_nodes jsonb;
    v_payload jsonb;
BEGIN
    IF TG_TABLE_NAME = 'federation_nodes' AND TG_OP = 'UPDATE' THEN
        IF NOT EXISTS (
            SELECT 1 FROM changed c JOIN old_rows o ON o.id = c.id
            WHERE (c.node_id, c.region, c.database_url, c.status, c.priority, c.placement_weight, c.metadata)
                  IS DISTINCT FROM (o.node_id, o.region, o.database_url, o.status, o.priority, o.placement_weight, o.metadata)) THEN
            RETURN NULL;  -- only the serving state copied from a health report: that table notifies
        END IF;
    END IF;
    IF TG_TABLE_NAME = 'tenant_federation_map' AND TG_OP = 'UPDATE' AND pg_trigger_depth() > 1 THEN
        -- sync_top_routes rewriting derived columns: federation_routing's own trigger notifies. (A cascade
        -- that deletes map rows runs as a trigger too, and still notifies; a renamed node notifies through
        -- federation_nodes, which drops every cached resolution.)
        RETURN NULL;
    END IF;
    SELECT coalesce(jsonb_agg(DISTINCT r.j -> 'tenant_id') FILTER (WHERE r.j ? 'tenant_id'), '[]'::jsonb),
           coalesce(jsonb_agg(DISTINCT coalesce(r.j -> 'node_id', r.j -> 'primary_node_id'))
                    FILTER (WHERE r.j ? 'node_id' OR r.j ? 'primary_node_id'), '[]'::jsonb)
      INTO v_tenants, v_nodes
    FROM (SELECT to_jsonb(c) AS j FROM changed c) r;
    IF v_tenants = '[]'::jsonb AND v_nodes = '[]'::jsonb THEN
        RETURN NULL;  -- the statement changed no row
    END IF;
    v_payload := jsonb_build_object('table', TG_TABLE_NAME, 'op', lower(TG_OP),
                                    'tenant_ids', v_tenants, 'node_ids', v_nodes);
    IF length(v_payload::text) > 7000 THEN
        v_payload := jsonb_build_object('table', TG_TABLE_NAME, 'op', lower(TG_OP), 'all', true);
    END IF;
    PERFORM federation.federation_emit(v_payload);
    RETURN NULL;
END
$$;

ALTER FUNCTION federation.federation_notify_statement() OWNER TO fedgate_owner;

--
-- Name: FUNCTION federation_notify_statement(); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.federation_notify_statement() IS 'Statement trigger of the federation tables: one NOTIFY per statement naming the tenants and nodes it changed.';

--
-- Name: fence_move(bigint); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.fence_move(p_move bigint) RETURNS federation.tenant_moves
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_row federation.tenant_moves;
BEGIN
    UPDATE federation.tenant_moves m SET fenced_at = coalesce(m.fenced_at, now()), updated_at = now()
    WHERE m.move_id = p_move AND ((m.state = 'cutover' AND NOT m.switched) OR m.state IN ('switched', 'reversed'))
    RETURNING * INTO v_row;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'move % is not at its cutover, nor switched or reversed', p_move USING ERRCODE = 'FG409';
    END IF;
    RETURN v_row;
END
$$;

ALTER FUNCTION federation.fence_move(p_move bigint) OWNER TO fedgate_owner;

--
-- Name: FUNCTION fence_move(p_move bigint); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.fence_move(p_move bigint) IS 'Fences the moving tenant (state cutover): every gateway holds its requests until the switch or an abort lifts the fence. Idempotent.';

--
-- Name: finish_job(bigint, text, text, text); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.finish_job(p_job bigint, p_owner text, p_state text, p_error text DEFAULT NULL::text) RETURNS federation.jobs
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_row federation.jobs;
BEGIN
    IF p_state NOT IN ('done', 'failed', 'aborted') THEN
        RAISE EXCEPTION 'a job ends done, failed or aborted, not %', p_state USING ERRCODE = 'FG400';
    END IF;
    UPDATE federation.jobs j SET state = p_state, last_error = coalesce(left(p_error, 4000), j.last_error),
                                 owner = NULL, owner_instance = NULL, lease_until = NULL,
                                 updated_at = now(), finished_at = now()
    WHERE j.job_id = p_job AND j.state IN ('pending', 'running') AND (j.owner = p_owner OR j.owner IS NULL)
    RETURNING * INTO v_row;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'job % is not open and driven by %', p_job, p_owner USING ERRCODE = 'FG409';
    END IF;
    RETURN v_row;
END
$$;

ALTER FUNCTION federation.finish_job(p_job bigint, p_owner text, p_state text, p_error text) OWNER TO fedgate_owner;

--
-- Name: FUNCTION finish_job(p_job bigint, p_owner text, p_state text, p_error text); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.finish_job(p_job bigint, p_owner text, p_state text, p_error text) IS 'Ends a job its driver holds (or nobody does) as done, failed or aborted, with an error for the last two.';

--
-- Name: forward_move(bigint); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.forward_move(p_move bigint) RETURNS federation.tenant_moves
    LANGUAGE sql
    AS $$ SELECT * FROM federation.request_move(p_move, 'forward') $$;

ALTER FUNCTION federation.forward_move(p_move bigint) OWNER TO fedgate_owner;

--
-- Name: FUNCTION forward_move(p_move bigint); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.forward_move(p_move bigint) IS 'Sends a reversed move''s tenant to its target again (request_move).';

--
-- Name: guard_federation_node(); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.guard_federation_node() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_tenants bigint;
    v_routes bigint;
BEGIN
    IF OLD.node_id = 'default' AND (TG_OP = 'DELETE' OR NEW.node_id <> OLD.node_id) THEN
        RAISE EXCEPTION 'the default node cannot be deleted or renamed'
            USING ERRCODE = 'FG004', HINT = 'it stands for the control database and serves unmapped tenants';
    END IF;
    IF TG_OP = 'DELETE' THEN
        SELECT count(*) INTO v_tenants FROM federation.tenant_federation_map m WHERE m.primary_node_id = OLD.node_id;
        SELECT count(*) INTO v_routes FROM federation.federation_routing r WHERE r.node_id = OLD.node_id;
        IF v_tenants > 0 OR v_routes > 0 THEN
            RAISE EXCEPTION 'node % still holds % tenant(s) and % routing rule(s)', OLD.node_id, v_tenants, v_routes
                USING ERRCODE = 'FG004',
                      HINT = 'set its status to draining, move its tenants and drop its routes before deleting it';
        END IF;
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$$;

ALTER FUNCTION federation.guard_federation_node() OWNER TO fedgate_owner;

--
-- Name: FUNCTION guard_federation_node(); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.guard_federation_node() IS 'Trigger: refuses to delete or rename the default node, and to delete a node that still holds tenants or routing rules (FG004).';

--
-- Name: guard_residency(); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.guard_residency() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_node text;
    v_region text;
    v_regions text[];
    v_action text;
BEGIN
    IF TG_TABLE_NAME = 'tenant_federation_map' THEN
        v_node := NEW.primary_node_id;
        v_action := 'map';
        v_regions := NEW.residency;
    ELSE
        v_node := NEW.node_id;
        v_action := 'route';
        v_regions := federation.tenant_residency(NEW.tenant_id);
    END IF;
    IF v_regions IS NULL THEN
        RETURN NULL;
    END IF;
    SELECT n.region INTO v_region FROM federation.federation_nodes n WHERE n.node_id = v_node;
    IF v_region = ANY (v_regions) THEN
        RETURN NULL;
    END IF;
    IF NEW.residency_override IS NULL THEN
        PERFORM federation.refuse_residency(NEW.tenant_id, v_action, v_node, v_region, v_regions,
                                            CASE WHEN v_action = 'map' THEN 'Placement on' ELSE 'A rule to' END);
    END IF;
    -- Recorded when the override is new or now covers another node (tables differ: read OLD as JSON).
    IF TG_OP = 'INSERT'
       OR to_jsonb(OLD) ->> 'residency_override' IS DISTINCT FROM NEW.residency_override
       OR to_jsonb(OLD) ->> (CASE WHEN v_action = 'map' THEN 'primary_node_id' ELSE 'node_id' END) IS DISTINCT FROM v_node THEN
        PERFORM federation.record_residency_event(NEW.tenant_id, v_action, v_node, v_region, 'overridden', v_regions,
                                                  NEW.residency_override);
    END IF;
    RETURN NULL;
END
$$;

ALTER FUNCTION federation.guard_residency() OWNER TO fedgate_owner;

--
-- Name: FUNCTION guard_residency(); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.guard_residency() IS 'Constraint trigger of tenant_federation_map and federation_routing: a row naming a node outside the tenant''s residency is refused (FG451) unless it carries an override reason, which is recorded. Holds for every writer, psql included.';

--
-- Name: health_stale_after(); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.health_stale_after() RETURNS interval
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN (COALESCE(NULLIF(current_setting('fedgate.health_stale_after'::text, true), ''::text), '30 seconds'::text))::interval;

ALTER FUNCTION federation.health_stale_after() OWNER TO fedgate_owner;

--
-- Name: FUNCTION health_stale_after(); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.health_stale_after() IS 'How old a health report may be before it counts as stale (unknown): the fedgate.health_stale_after setting, default 30 seconds.';

--
-- Name: health_state(boolean, timestamp with time zone); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.health_state(p_healthy boolean, p_checked_at timestamp with time zone) RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN CASE WHEN (p_healthy IS NULL) THEN 'unknown'::text WHEN (p_checked_at <= (now() - federation.health_stale_after())) THEN 'stale'::text WHEN p_healthy THEN 'healthy'::text ELSE 'unhealthy'::text END;

ALTER FUNCTION federation.health_state(p_healthy boolean, p_checked_at timestamp with time zone) OWNER TO fedgate_owner;

--
-- Name: FUNCTION health_state(p_healthy boolean, p_checked_at timestamp with time zone); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.health_state(p_healthy boolean, p_checked_at timestamp with time zone) IS 'unknown (no report), stale (older than health_stale_after()), healthy or unhealthy. Only unhealthy keeps a node from serving.';

--
-- Name: instance_heartbeat(text, text, integer, text, integer, interval, timestamp with time zone); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.instance_heartbeat(p_instance text, p_host text, p_pid integer, p_version text, p_workers integer, p_ttl interval, p_started timestamp with time zone) RETURNS void
    LANGUAGE sql
    AS $$
    INSERT INTO federation.gateway_instances AS g
        (instance_id, host, pid, version, workers, ttl, started_at, last_seen_at)
    VALUES (p_instance, left(p_host, 255), p_pid, left(p_version, 64), p_workers, p_ttl, p_started, now())
    ON CONFLICT (instance_id) DO UPDATE SET last_seen_at = now(), stopped_at = NULL;
    DELETE FROM federation.gateway_instances g
    WHERE g.last_seen_at < now() - interval '1 day' AND g.instance_id <> p_instance;
$$;

ALTER FUNCTION federation.instance_heartbeat(p_instance text, p_host text, p_pid integer, p_version text, p_workers integer, p_ttl interval, p_started timestamp with time zone) OWNER TO fedgate_owner;

--
-- Name: FUNCTION instance_heartbeat(p_instance text, p_host text, p_pid integer, p_version text, p_workers integer, p_ttl interval, p_started timestamp with time zone); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.instance_heartbeat(p_instance text, p_host text, p_pid integer, p_version text, p_workers integer, p_ttl interval, p_started timestamp with time zone) IS 'A gateway instance says it is alive (its workers, every third of its TTL): registered on its first heartbeat, last_seen_at moved on after; instances gone for a day are swept.';

--
-- Name: instance_stopped(text); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.instance_stopped(p_instance text) RETURNS void
    LANGUAGE sql
    AS $$
    UPDATE federation.gateway_instances SET stopped_at = now() WHERE instance_id = p_instance;
$$;

ALTER FUNCTION federation.instance_stopped(p_instance text) OWNER TO fedgate_owner;

--
-- Name: FUNCTION instance_stopped(p_instance text); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.instance_stopped(p_instance text) IS 'A gateway instance stopped on purpose (its workers, as they shut down): it is gone at once, not after its TTL.';

--
-- Name: job_actor(); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.job_actor() RETURNS text
    LANGUAGE sql STABLE
    AS $$ SELECT left(coalesce(nullif(current_setting('fedgate.actor', true), ''), session_user::text), 255) $$;

ALTER FUNCTION federation.job_actor() OWNER TO fedgate_owner;

--
-- Name: FUNCTION job_actor(); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.job_actor() IS 'Who starts a job: the fedgate.actor setting the CLI and the admin API give (cli:user@host, operator:<token sub>), else the database login (psql).';

--
-- Name: lease_jobs(bigint[], text, text, interval); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.lease_jobs(p_jobs bigint[], p_owner text, p_instance text, p_lease interval) RETURNS SETOF federation.jobs
    LANGUAGE sql
    AS $$
    UPDATE federation.jobs j SET state = 'running', owner = p_owner, owner_instance = p_instance,
                                 lease_until = now() + p_lease, updated_at = now(),
                                 started_at = coalesce(j.started_at, now())
    WHERE j.job_id = ANY (p_jobs)
    RETURNING j.*;
$$;

ALTER FUNCTION federation.lease_jobs(p_jobs bigint[], p_owner text, p_instance text, p_lease interval) OWNER TO fedgate_owner;

--
-- Name: FUNCTION lease_jobs(p_jobs bigint[], p_owner text, p_instance text, p_lease interval); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.lease_jobs(p_jobs bigint[], p_owner text, p_instance text, p_lease interval) IS 'The one lease of claim_jobs and claim_job: these jobs running, driven by p_owner (of p_instance) for p_lease. Its callers decide which jobs may be claimed.';

--
-- Name: legacy_off(uuid); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.legacy_off(p_tenant uuid DEFAULT NULL::uuid) RETURNS bigint
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

ALTER FUNCTION federation.legacy_off(p_tenant uuid) OWNER TO fedgate_owner;

--
-- Name: FUNCTION legacy_off(p_tenant uuid); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.legacy_off(p_tenant uuid) IS 'Turns the legacy routes off for one tenant (NULL: for everyone): they answer 410 FGW410 with the federated path as successor. Returns the tenants it newly affects (everyone: all registered).';

--
-- Name: legacy_on(uuid); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.legacy_on(p_tenant uuid DEFAULT NULL::uuid) RETURNS bigint
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

ALTER FUNCTION federation.legacy_on(p_tenant uuid) OWNER TO fedgate_owner;

--
-- Name: FUNCTION legacy_on(p_tenant uuid); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.legacy_on(p_tenant uuid) IS 'Undoes legacy_off: for one tenant (its own switch; the global one stays), or for everyone (NULL: the global switch and every tenant''s).';

--
-- Name: legacy_status(); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.legacy_status() RETURNS TABLE(sunset_date date, deprecated_at timestamp with time zone, all_off boolean, tenants_off bigint, tenants_on_default bigint, calls_24h bigint, served_24h bigint, clients_24h bigint, tenants_called_24h bigint, would_break text)
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

ALTER FUNCTION federation.legacy_status() OWNER TO fedgate_owner;

--
-- Name: FUNCTION legacy_status(); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.legacy_status() IS 'The legacy namespace now: its sunset, whether it is off (for everyone, for how many tenants), how many tenants still have their data on the default node (unmapped), the calls, clients and tenants of the last 24 hours, and whether turning it off now would break anyone (calls answered in the last 24 hours).';

--
-- Name: move_job(bigint); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.move_job(p_move bigint) RETURNS federation.jobs
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_row federation.jobs;
BEGIN
    SELECT * INTO v_row FROM federation.jobs j WHERE j.move_id = p_move;
    IF NOT FOUND THEN
        IF NOT EXISTS (SELECT 1 FROM federation.tenant_moves m WHERE m.move_id = p_move) THEN
            RAISE EXCEPTION 'no move %', p_move USING ERRCODE = 'FG404';
        END IF;
        RAISE EXCEPTION 'move % has no job', p_move USING ERRCODE = 'FG409';
    END IF;
    RETURN v_row;
END
$$;

ALTER FUNCTION federation.move_job(p_move bigint) OWNER TO fedgate_owner;

--
-- Name: FUNCTION move_job(p_move bigint); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.move_job(p_move bigint) IS 'The job that drives a move. FG404 no such move.';

--
-- Name: move_source(uuid); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.move_source(p_tenant uuid) RETURNS text
    LANGUAGE sql STABLE
    AS $$
    SELECT coalesce((SELECT m.primary_node_id FROM federation.tenant_federation_map m WHERE m.tenant_id = p_tenant),
                    'default');
$$;

ALTER FUNCTION federation.move_source(p_tenant uuid) OWNER TO fedgate_owner;

--
-- Name: FUNCTION move_source(p_tenant uuid); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.move_source(p_tenant uuid) IS 'The node a tenant''s data is on: its mapped primary node, else the default node.';

--
-- Name: node_serving(text, timestamp with time zone); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.node_serving(p_status text, p_unhealthy_checked_at timestamp with time zone) RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN ((p_status = ANY (ARRAY['active'::text, 'draining'::text])) AND ((p_unhealthy_checked_at IS NULL) OR (p_unhealthy_checked_at <= (now() - federation.health_stale_after()))));

ALTER FUNCTION federation.node_serving(p_status text, p_unhealthy_checked_at timestamp with time zone) OWNER TO fedgate_owner;

--
-- Name: FUNCTION node_serving(p_status text, p_unhealthy_checked_at timestamp with time zone); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.node_serving(p_status text, p_unhealthy_checked_at timestamp with time zone) IS 'A node serves when its status is active or draining and no fresh health report (younger than health_stale_after()) says unhealthy.';

--
-- Name: open_plan(text, text); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.open_plan(p_kind text, p_region text DEFAULT NULL::text) RETURNS SETOF federation.jobs
    LANGUAGE sql STABLE
    AS $$
    SELECT * FROM federation.jobs j
    WHERE j.kind = 'plan' AND j.params ->> 'plan' = p_kind AND coalesce(j.params ->> 'region', '') = coalesce(p_region, '')
      AND j.state IN ('pending', 'running');
$$;

ALTER FUNCTION federation.open_plan(p_kind text, p_region text) OWNER TO fedgate_owner;

--
-- Name: FUNCTION open_plan(p_kind text, p_region text); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.open_plan(p_kind text, p_region text) IS 'The open plan job of a kind (and region), if any: what running the same command again resumes.';

--
-- Name: outside_residency(uuid, text); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.outside_residency(p_tenant uuid, p_node text) RETURNS boolean
    LANGUAGE sql STABLE
    AS $$
    SELECT coalesce(NOT n.region::text = ANY (r.residency), false)
    FROM federation.tenant_registry r, federation.federation_nodes n
    WHERE r.id = p_tenant AND n.node_id = p_node
$$;

ALTER FUNCTION federation.outside_residency(p_tenant uuid, p_node text) OWNER TO fedgate_owner;

--
-- Name: FUNCTION outside_residency(p_tenant uuid, p_node text); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.outside_residency(p_tenant uuid, p_node text) IS 'True when the tenant has a residency and the node''s region is not in it.';

--
-- Name: park_job(bigint, text, timestamp with time zone); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.park_job(p_job bigint, p_owner text, p_until timestamp with time zone) RETURNS federation.jobs
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_row federation.jobs;
BEGIN
    UPDATE federation.jobs j SET state = 'pending', owner = NULL, owner_instance = NULL, lease_until = NULL,
                                 not_before = greatest(p_until, now()), attempts = 0, step = NULL, updated_at = now()
    WHERE j.job_id = p_job AND j.state = 'running' AND j.owner = p_owner
    RETURNING * INTO v_row;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'job % is not driven by %', p_job, p_owner USING ERRCODE = 'FG409';
    END IF;
    RETURN v_row;
END
$$;

ALTER FUNCTION federation.park_job(p_job bigint, p_owner text, p_until timestamp with time zone) OWNER TO fedgate_owner;

--
-- Name: FUNCTION park_job(p_job bigint, p_owner text, p_until timestamp with time zone); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.park_job(p_job bigint, p_owner text, p_until timestamp with time zone) IS 'A job with nothing to do until a moment (a reversible move until its window ends): pending again, claimable then, or at once when request_move wakes it.';

--
-- Name: pin_tenant(uuid, boolean); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.pin_tenant(p_tenant uuid, p_pinned boolean DEFAULT true) RETURNS TABLE(tenant_id uuid, node_id text, pinned boolean)
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

ALTER FUNCTION federation.pin_tenant(p_tenant uuid, p_pinned boolean) OWNER TO fedgate_owner;

--
-- Name: FUNCTION pin_tenant(p_tenant uuid, p_pinned boolean); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.pin_tenant(p_tenant uuid, p_pinned boolean) IS 'Pins (or unpins) a tenant''s primary rule on the node it is on: the rebalancer never moves a pinned tenant (a drain or an operator''s move still does; the pin goes with the rule to its new node). FG404 a tenant without a primary rule.';

--
-- Name: place_tenant(uuid, text); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.place_tenant(p_tenant uuid, p_region text) RETURNS TABLE(node_id text, region text)
    LANGUAGE plpgsql
    SET enable_seqscan TO 'off'
    AS $$
DECLARE
    v_node text;
    v_existing text;
BEGIN
    IF p_region IS NULL OR NOT EXISTS (SELECT 1 FROM federation.federation_nodes n WHERE n.region = p_region) THEN
        RAISE EXCEPTION 'unknown region: %', coalesce(p_region, '(none)')
            USING ERRCODE = 'FG001',
                  HINT = 'a region is served once a node of it is registered: SELECT DISTINCT region FROM federation_nodes';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM federation.tenant_registry t WHERE t.id = p_tenant) THEN
        RAISE EXCEPTION 'tenant % is not registered', p_tenant USING ERRCODE = 'FG404';
    END IF;
    SELECT m.primary_node_id INTO v_existing FROM federation.tenant_federation_map m WHERE m.tenant_id = p_tenant;
    IF FOUND THEN
        RAISE EXCEPTION 'tenant % is already placed on node %', p_tenant, v_existing USING ERRCODE = 'FG003';
    END IF;
    -- An unplaced tenant is served by the default node, which is this database: if its row is here,
    -- placing it elsewhere would route it to a node holding none of its data.
    IF EXISTS (SELECT 1 FROM onboarding.tenants_present(ARRAY[p_tenant])) THEN
        RAISE EXCEPTION 'tenant % has its data on the default node: placing it would leave that data behind', p_tenant
            USING ERRCODE = 'FG409', HINT = 'move it instead: fedgate tenant move TENANT --to NODE';
    END IF;

    -- The least loaded candidate against its share (capacity times placement_weight); the weighted
    -- rendezvous score breaks ties (a region with no load yet: shares follow the weights).
    WITH candidates AS (
        SELECT n.node_id, n.placement_weight, (n.capacity * n.placement_weight)::double precision AS share,
               (coalesce(l.rows, 0) + coalesce(l.placed, 0))::double precision AS rows,
               coalesce(l.requests, 0) AS requests
        FROM federation.federation_nodes n
        LEFT JOIN federation.node_load l ON l.node_id = n.node_id
        WHERE n.region = p_region
          AND n.status = 'active'
          AND federation.node_serving(n.status, n.unhealthy_checked_at))
    SELECT c.node_id INTO v_node
    FROM candidates c
    ORDER BY federation.placement_load(c.rows, sum(c.rows) OVER (), c.requests, sum(c.requests) OVER (),
                                       c.share, sum(c.share) OVER ()),
             federation.rendezvous_score(p_tenant, p_region, c.node_id, c.placement_weight) DESC, c.node_id
    LIMIT 1;
    IF v_node IS NULL THEN
        RAISE EXCEPTION 'no active node in region %', p_region
            USING ERRCODE = 'FG002',
                  HINT = 'every node of the region is draining, down or unhealthy';
    END IF;

    INSERT INTO federation.tenant_federation_map (tenant_id, primary_node_id, primary_region)
    VALUES (p_tenant, v_node, p_region);
    INSERT INTO federation.federation_routing (tenant_id, region, node_id, is_primary, weight)
    VALUES (p_tenant, p_region, v_node, true, 100);
    INSERT INTO federation.node_load AS l (node_id, placed) VALUES (v_node, 1)
    ON CONFLICT ON CONSTRAINT node_load_pkey DO UPDATE SET placed = l.placed + 1;

    node_id := v_node;
    region := p_region;
    RETURN NEXT;
END
$$;

ALTER FUNCTION federation.place_tenant(p_tenant uuid, p_region text) OWNER TO fedgate_owner;

--
-- Name: FUNCTION place_tenant(p_tenant uuid, p_region text); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.place_tenant(p_tenant uuid, p_region text) IS 'Places a registered tenant on an active node of a region (the least loaded against its share of capacity times placement_weight, node_load; ties by weighted rendezvous, deterministic), counts it on the node''s load until the next measurement, and writes its map row and primary routing rule. FG001 unknown region, FG002 no active node, FG003 already placed, FG409 the tenant''s data is on the default node (a move, not a placement).';

--
-- Name: placement_load(double precision, double precision, double precision, double precision, double precision, double precision); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.placement_load(p_rows double precision, p_rows_total double precision, p_requests double precision, p_requests_total double precision, p_share double precision, p_share_total double precision) RETURNS double precision
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ((CASE WHEN (p_rows_total > (0)::double precision) THEN (p_rows / p_rows_total) ELSE (0)::double precision END + CASE WHEN (p_requests_total > (0)::double precision) THEN (p_requests / p_requests_total) ELSE (0)::double precision END) / (p_share / p_share_total));

ALTER FUNCTION federation.placement_load(p_rows double precision, p_rows_total double precision, p_requests double precision, p_requests_total double precision, p_share double precision, p_share_total double precision) OWNER TO fedgate_owner;

--
-- Name: FUNCTION placement_load(p_rows double precision, p_rows_total double precision, p_requests double precision, p_requests_total double precision, p_share double precision, p_share_total double precision); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.placement_load(p_rows double precision, p_rows_total double precision, p_requests double precision, p_requests_total double precision, p_share double precision, p_share_total double precision) IS 'A node''s load against its share, as placement orders them: its part of the candidates'' rows plus its part of their requests, over its part of their shares (capacity times placement_weight). Equal at an even spread; 0 for nodes with no load.';

--
-- Name: plan_job_moves(bigint); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.plan_job_moves(p_job bigint) RETURNS TABLE(tenant_id uuid, source_node text, target_node text, cost bigint)
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_job federation.jobs;
BEGIN
    SELECT * INTO v_job FROM federation.jobs j WHERE j.job_id = p_job;
    IF NOT FOUND OR v_job.kind NOT IN ('drain', 'plan') THEN
        RAISE EXCEPTION 'no drain or plan job %', p_job USING ERRCODE = 'FG404';
    END IF;
    -- A drain recorded before plans had items: its moves are recorded now, as its plan stands.
    IF v_job.kind = 'drain' AND NOT EXISTS (SELECT 1 FROM federation.plan_items i WHERE i.job_id = p_job) THEN
        INSERT INTO federation.plan_items (job_id, position, tenant_id, source_node, target_node, cost, why)
        SELECT p_job, p.position, p.tenant_id, p.source_node, p.target_node, p.cost, p.why
        FROM federation.plan_moves('drain', v_job.node_id)
             WITH ORDINALITY AS p(tenant_id, source_node, target_node, cost, why, position)
        WHERE p.target_node IS NOT NULL;
    END IF;
    RETURN QUERY
    SELECT i.tenant_id, i.source_node, i.target_node, i.cost
    FROM federation.plan_items i
    WHERE i.job_id = p_job AND i.move_id IS NULL
      AND federation.move_source(i.tenant_id) = i.source_node
      AND NOT EXISTS (SELECT 1 FROM federation.tenant_moves x
                      WHERE x.tenant_id = i.tenant_id AND x.state NOT IN ('done', 'aborted', 'failed'))
    ORDER BY i.position;
END
$$;

ALTER FUNCTION federation.plan_job_moves(p_job bigint) OWNER TO fedgate_owner;

--
-- Name: FUNCTION plan_job_moves(p_job bigint); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.plan_job_moves(p_job bigint) IS 'The moves of a drain or plan job still to start, in order: never started, the tenant still on its planned source and not moving. A move started is not repeated; one whose tenant left meanwhile is skipped.';

--
-- Name: plan_left(bigint); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.plan_left(p_job bigint) RETURNS integer
    LANGUAGE sql
    AS $$
    SELECT ((SELECT count(*) FROM federation.plan_job_moves(p_job))
          + (SELECT count(*) FROM federation.jobs j WHERE j.parent_id = p_job AND j.state IN ('pending', 'running'))
          + (SELECT count(*) FROM federation.plan_items i JOIN federation.tenant_moves m ON m.move_id = i.move_id
             WHERE i.job_id = p_job AND m.state IN ('failed', 'aborted'))
          + (SELECT count(*) FROM federation.jobs j, federation.drain_plan(j.node_id) d
             WHERE j.job_id = p_job AND j.kind = 'drain'
               AND NOT EXISTS (SELECT 1 FROM federation.plan_items i WHERE i.job_id = p_job AND i.tenant_id = d.tenant_id)))::integer;
$$;

ALTER FUNCTION federation.plan_left(p_job bigint) OWNER TO fedgate_owner;

--
-- Name: FUNCTION plan_left(p_job bigint); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.plan_left(p_job bigint) IS 'What keeps a drain or plan from being done: its moves still to start, open, failed or aborted, and for a drain the tenants on its node it did not plan (0: done).';

--
-- Name: plan_moves(text, text, text, text, numeric, integer); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.plan_moves(p_kind text, p_node text DEFAULT NULL::text, p_region text DEFAULT NULL::text, p_by text DEFAULT 'rows'::text, p_threshold numeric DEFAULT 0.1, p_max_moves integer DEFAULT NULL::integer) RETURNS TABLE(tenant_id uuid, source_node text, target_node text, cost bigint, why text)
    LANGUAGE plpgsql STABLE
    AS $$
BEGIN
    IF p_kind IN ('drain', 'legacy') THEN
        IF p_kind = 'drain' AND p_node IS NULL THEN
            RAISE EXCEPTION 'a drain plan names its node' USING ERRCODE = 'FG400';
        END IF;
        RETURN QUERY
        SELECT d.tenant_id, coalesce(p_node, 'default'), d.target_node, s.rows,
               CASE WHEN d.target_node IS NULL THEN 'no other active node in its region and residency'
                    WHEN p_kind = 'drain' THEN format('drain %s', p_node)
                    ELSE format('legacy: to its home region %s', r.region) END
        FROM federation.drain_plan(CASE p_kind WHEN 'drain' THEN p_node ELSE 'default' END) d
        JOIN federation.tenant_registry r ON r.id = d.tenant_id
        LEFT JOIN federation.tenant_sizes s ON s.tenant_id = d.tenant_id
        ORDER BY d.tenant_id;
    ELSIF p_kind = 'rebalance' THEN
        RETURN QUERY SELECT * FROM federation.rebalance_plan(p_region, p_by, p_threshold, p_max_moves);
    ELSE
        RAISE EXCEPTION 'a plan is a drain, legacy or rebalance, not %', coalesce(p_kind, '(none)')
            USING ERRCODE = 'FG400';
    END IF;
END
$$;

ALTER FUNCTION federation.plan_moves(p_kind text, p_node text, p_region text, p_by text, p_threshold numeric, p_max_moves integer) OWNER TO fedgate_owner;

--
-- Name: FUNCTION plan_moves(p_kind text, p_node text, p_region text, p_by text, p_threshold numeric, p_max_moves integer); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.plan_moves(p_kind text, p_node text, p_region text, p_by text, p_threshold numeric, p_max_moves integer) IS 'The one planner: (tenant, source, target, cost, why) for a drain of p_node (each tenant to an active node of its region, drain_plan), legacy (every tenant whose data is on the default node to an active node of its home region, inside its residency) or rebalance (rebalance_plan). A NULL target: the tenant has nowhere to go. Cost: its measured rows (tenant_sizes), or for a rebalance by requests its requests in the last hour.';

--
-- Name: plan_setting(text, numeric, integer); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.plan_setting(p_by text, p_threshold numeric, p_max_moves integer) RETURNS void
    LANGUAGE plpgsql IMMUTABLE
    AS $$
BEGIN
    IF p_by IS NULL OR p_by NOT IN ('rows', 'requests') THEN
        RAISE EXCEPTION 'a rebalance is by rows or requests, not %', coalesce(p_by, '(none)') USING ERRCODE = 'FG400';
    ELSIF p_threshold IS NULL OR p_threshold <= 0 OR p_threshold >= 1 THEN
        RAISE EXCEPTION 'a rebalance''s threshold is a fraction between 0 and 1, not %', coalesce(p_threshold::text, '(none)')
            USING ERRCODE = 'FG400';
    ELSIF p_max_moves IS NOT NULL AND p_max_moves NOT BETWEEN 1 AND 100000 THEN
        RAISE EXCEPTION 'a rebalance makes 1 to 100000 moves, not %', p_max_moves USING ERRCODE = 'FG400';
    END IF;
END
$$;

ALTER FUNCTION federation.plan_setting(p_by text, p_threshold numeric, p_max_moves integer) OWNER TO fedgate_owner;

--
-- Name: FUNCTION plan_setting(p_by text, p_threshold numeric, p_max_moves integer); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.plan_setting(p_by text, p_threshold numeric, p_max_moves integer) IS 'Checks a rebalance''s settings: by rows or requests, a threshold in (0, 1), at most 1 to 100000 moves. FG400 otherwise.';

--
-- Name: rebalance_plan(text, text, numeric, integer); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.rebalance_plan(p_region text, p_by text DEFAULT 'rows'::text, p_threshold numeric DEFAULT 0.1, p_max_moves integer DEFAULT NULL::integer) RETURNS TABLE(tenant_id uuid, source_node text, target_node text, cost bigint, why text)
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    v_region text;
    v_nodes text[];
    v_loads double precision[];
    v_shares double precision[];
    v_moved uuid[] := '{}';
    v_made integer := 0;
    v_src integer;
    v_dst integer;
    v_need double precision;
    v_room double precision;
    v_tenant uuid;
    v_cost bigint;
BEGIN
    PERFORM federation.plan_setting(p_by, p_threshold, p_max_moves);
    IF p_region IS NOT NULL AND NOT EXISTS (SELECT 1 FROM federation.federation_nodes n WHERE n.region = p_region) THEN
        RAISE EXCEPTION 'unknown region: %', p_region USING ERRCODE = 'FG404';
    END IF;
    FOR v_region IN SELECT DISTINCT l.region FROM federation.region_loads(p_region, p_by) l ORDER BY 1 LOOP
        SELECT array_agg(l.node_id ORDER BY l.node_id), array_agg(l.load ORDER BY l.node_id),
               array_agg(l.share ORDER BY l.node_id)
        INTO v_nodes, v_loads, v_shares FROM federation.region_loads(v_region, p_by) l;
        CONTINUE WHEN cardinality(v_nodes) < 2 OR v_shares[1] = 0;
        LOOP
            EXIT WHEN p_max_moves IS NOT NULL AND v_made >= p_max_moves;
            -- The most loaded and the least loaded node against their shares.
            SELECT i INTO v_src FROM generate_subscripts(v_nodes, 1) i
            ORDER BY v_loads[i] / v_shares[i] DESC, v_nodes[i] LIMIT 1;
            SELECT i INTO v_dst FROM generate_subscripts(v_nodes, 1) i
            ORDER BY v_loads[i] / v_shares[i], v_nodes[i] LIMIT 1;
            EXIT WHEN v_loads[v_src] <= v_shares[v_src] * (1 + p_threshold)
                  AND v_loads[v_dst] >= v_shares[v_dst] * (1 - p_threshold);
            -- The tenant whose cost comes closest to what brings one of the two to its share; moving it
            -- must leave the pair more even than it was (a cost below the sum of their distances).
            v_need := least(v_loads[v_src] - v_shares[v_src], v_shares[v_dst] - v_loads[v_dst]);
            v_room := (v_loads[v_src] - v_shares[v_src]) + (v_shares[v_dst] - v_loads[v_dst]);
            SELECT t.tenant_id, t.cost INTO v_tenant, v_cost
            FROM federation.tenant_load(p_by, v_nodes[v_src]) t
            WHERE t.cost > 0 AND t.cost < v_room AND NOT t.pinned AND NOT t.moving
              AND t.tenant_id <> ALL (v_moved)
              AND (t.residency IS NULL OR v_region = ANY (t.residency))
            ORDER BY abs(t.cost - v_need), t.cost, t.tenant_id
            LIMIT 1;
            EXIT WHEN NOT FOUND;
            v_moved := v_moved || v_tenant;
            v_made := v_made + 1;
            v_loads[v_src] := v_loads[v_src] - v_cost;
            v_loads[v_dst] := v_loads[v_dst] + v_cost;
            tenant_id := v_tenant;
            source_node := v_nodes[v_src];
            target_node := v_nodes[v_dst];
            cost := v_cost;
            why := format('rebalance %s by %s: %s is %s%% of its share, %s is %s%%', v_region, p_by,
                          v_nodes[v_src], round((v_loads[v_src] + v_cost) * 100 / v_shares[v_src]),
                          v_nodes[v_dst], round((v_loads[v_dst] - v_cost) * 100 / v_shares[v_dst]));
            RETURN NEXT;
        END LOOP;
    END LOOP;
END
$$;

ALTER FUNCTION federation.rebalance_plan(p_region text, p_by text, p_threshold numeric, p_max_moves integer) OWNER TO fedgate_owner;

--
-- Name: FUNCTION rebalance_plan(p_region text, p_by text, p_threshold numeric, p_max_moves integer); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.rebalance_plan(p_region text, p_by text, p_threshold numeric, p_max_moves integer) IS 'The moves that bring every active node of a region (or each region) within p_threshold of its share of the region''s load, by rows or requests (region_loads): from the most to the least loaded node against its share, each time the tenant whose cost comes closest to what either needs, so the fewest and smallest tenants move. Never a tenant a pinned rule keeps, one with an open move, or one whose residency excludes the region. Stops at p_max_moves, or when no move would even the pair out.';

--
-- Name: rebalance_spread(text, text, numeric, integer); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.rebalance_spread(p_region text, p_by text DEFAULT 'rows'::text, p_threshold numeric DEFAULT 0.1, p_max_moves integer DEFAULT NULL::integer) RETURNS TABLE(region text, node_id text, capacity integer, share double precision, load_before bigint, load_after bigint, within_before boolean, within_after boolean)
    LANGUAGE sql STABLE
    AS $$
    WITH plan AS (SELECT * FROM federation.rebalance_plan(p_region, p_by, p_threshold, p_max_moves)),
    after AS (
        SELECT l.region, l.node_id, l.capacity, l.share, l.load,
               l.load - coalesce((SELECT sum(p.cost) FROM plan p WHERE p.source_node = l.node_id), 0)
                      + coalesce((SELECT sum(p.cost) FROM plan p WHERE p.target_node = l.node_id), 0) AS after
        FROM federation.region_loads(p_region, p_by) l)
    SELECT a.region, a.node_id, a.capacity, a.share, a.load, a.after::bigint,
           abs(a.load - a.share) <= p_threshold * a.share, abs(a.after - a.share) <= p_threshold * a.share
    FROM after a ORDER BY a.region, a.node_id;
$$;

ALTER FUNCTION federation.rebalance_spread(p_region text, p_by text, p_threshold numeric, p_max_moves integer) OWNER TO fedgate_owner;

--
-- Name: FUNCTION rebalance_spread(p_region text, p_by text, p_threshold numeric, p_max_moves integer); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.rebalance_spread(p_region text, p_by text, p_threshold numeric, p_max_moves integer) IS 'Each node''s load before and after rebalance_plan''s moves, against its share, and whether each is within the threshold: what fedgate rebalance --dry-run prints.';

--
-- Name: record_move_object(bigint, text, text, text); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.record_move_object(p_move bigint, p_node text, p_kind text, p_name text) RETURNS void
    LANGUAGE sql
    AS $$
    INSERT INTO federation.move_objects AS o (move_id, node_id, kind, name) VALUES (p_move, p_node, p_kind, p_name)
    ON CONFLICT (move_id, node_id, kind) DO UPDATE SET name = EXCLUDED.name, dropped_at = NULL;
$$;

ALTER FUNCTION federation.record_move_object(p_move bigint, p_node text, p_kind text, p_name text) OWNER TO fedgate_owner;

--
-- Name: FUNCTION record_move_object(p_move bigint, p_node text, p_kind text, p_name text); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.record_move_object(p_move bigint, p_node text, p_kind text, p_name text) IS 'A move is about to make an object (publication, slot, subscription, copy) on a node: recorded first, so whoever ends the move drops it.';

--
-- Name: record_plan(bigint, text, text, text, text, numeric, integer); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.record_plan(p_job bigint, p_kind text, p_node text DEFAULT NULL::text, p_region text DEFAULT NULL::text, p_by text DEFAULT 'rows'::text, p_threshold numeric DEFAULT 0.1, p_max_moves integer DEFAULT NULL::integer) RETURNS integer
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_stranded uuid[];
    v_count integer;
BEGIN
    WITH p AS MATERIALIZED (
        SELECT * FROM federation.plan_moves(p_kind, p_node, p_region, p_by, p_threshold, p_max_moves)
                      WITH ORDINALITY AS p(tenant_id, source_node, target_node, cost, why, position)),
    written AS (
        INSERT INTO federation.plan_items (job_id, position, tenant_id, source_node, target_node, cost, why)
        SELECT p_job, p.position, p.tenant_id, p.source_node, p.target_node, p.cost, p.why
        FROM p WHERE p.target_node IS NOT NULL
        RETURNING 1)
    SELECT array_agg(p.tenant_id ORDER BY p.tenant_id) FILTER (WHERE p.target_node IS NULL),
           (SELECT count(*) FROM written)
    INTO v_stranded, v_count FROM p;
    IF v_stranded IS NOT NULL THEN  -- raised: what was written goes with the transaction
        RAISE EXCEPTION '% tenants have no active node to go to in their region and residency (first: %)',
            cardinality(v_stranded), v_stranded[1]
            USING ERRCODE = 'FG409', DETAIL = array_to_string(v_stranded[1:20], ','),
                  HINT = 'add a node to their region, then plan again';
    END IF;
    RETURN v_count;
END
$$;

ALTER FUNCTION federation.record_plan(p_job bigint, p_kind text, p_node text, p_region text, p_by text, p_threshold numeric, p_max_moves integer) OWNER TO fedgate_owner;

--
-- Name: FUNCTION record_plan(p_job bigint, p_kind text, p_node text, p_region text, p_by text, p_threshold numeric, p_max_moves integer); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.record_plan(p_job bigint, p_kind text, p_node text, p_region text, p_by text, p_threshold numeric, p_max_moves integer) IS 'Writes plan_moves'' moves as a job''s items, in order; the number of moves. FG409 (DETAIL: up to 20 of them) when a tenant has nowhere to go: nothing is written.';

--
-- Name: record_residency_event(uuid, text, text, text, text, text[], text, text); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.record_residency_event(p_tenant uuid, p_action text, p_node text, p_region text, p_decision text, p_regions text[], p_reason text, p_actor text DEFAULT NULL::text) RETURNS bigint
    LANGUAGE sql
    AS $$
    INSERT INTO federation.residency_events (actor, tenant_id, action, node_id, region, decision, regions, reason)
    VALUES (coalesce(left(p_actor, 255), federation.job_actor()), p_tenant, p_action, p_node, p_region, p_decision,
            p_regions, left(p_reason, 1000))
    RETURNING event_id
$$;

ALTER FUNCTION federation.record_residency_event(p_tenant uuid, p_action text, p_node text, p_region text, p_decision text, p_regions text[], p_reason text, p_actor text) OWNER TO fedgate_owner;

--
-- Name: FUNCTION record_residency_event(p_tenant uuid, p_action text, p_node text, p_region text, p_decision text, p_regions text[], p_reason text, p_actor text); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.record_residency_event(p_tenant uuid, p_action text, p_node text, p_region text, p_decision text, p_regions text[], p_reason text, p_actor text) IS 'Appends one residency decision; who: p_actor, else the fedgate.actor setting (cli:user@host, operator:<sub>, gateway:<instance>), else the database role.';

--
-- Name: record_residency_refusal(jsonb); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.record_residency_refusal(p_detail jsonb) RETURNS bigint
    LANGUAGE sql
    AS $$
    SELECT federation.record_residency_event(
        (p_detail ->> 'tenantId')::uuid, p_detail ->> 'action', p_detail ->> 'nodeId', p_detail ->> 'region',
        'refused', ARRAY(SELECT jsonb_array_elements_text(coalesce(p_detail -> 'residency', '[]'::jsonb))),
        p_detail ->> 'reason')
    WHERE p_detail ->> 'residencyRefusal' = 'true'
$$;

ALTER FUNCTION federation.record_residency_refusal(p_detail jsonb) OWNER TO fedgate_owner;

--
-- Name: FUNCTION record_residency_refusal(p_detail jsonb); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.record_residency_refusal(p_detail jsonb) IS 'Appends the refusal an FG451 error described (its DETAIL), after the refused transaction rolled back: fedgate''s CLI, admin API and jobs call it. NULL for a DETAIL that is not a residency refusal.';

--
-- Name: record_tenant_sizes(text, jsonb); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.record_tenant_sizes(p_node text, p_sizes jsonb) RETURNS integer
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

ALTER FUNCTION federation.record_tenant_sizes(p_node text, p_sizes jsonb) OWNER TO fedgate_owner;

--
-- Name: FUNCTION record_tenant_sizes(p_node text, p_sizes jsonb); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.record_tenant_sizes(p_node text, p_sizes jsonb) IS 'Records the rows of each tenant counted on a node ([{tenant, rows}], from onboarding.tenant_sizes) whose data the catalog says is there (a tenant moved away since is left to its new node''s count). Returns the rows written.';

--
-- Name: refuse_residency(uuid, text, text, text, text[], text); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.refuse_residency(p_tenant uuid, p_action text, p_node text, p_region text, p_regions text[], p_what text) RETURNS void
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_message text := format('%s node %s (region %s) is outside tenant %s''s residency (%s)', p_what, p_node, p_region,
                             p_tenant, array_to_string(p_regions, ', '));
BEGIN
    RAISE EXCEPTION '%', v_message
        USING ERRCODE = 'FG451',
              DETAIL = jsonb_build_object('residencyRefusal', true, 'tenantId', p_tenant, 'action', p_action,
                                          'nodeId', p_node, 'region', p_region, 'residency', to_jsonb(p_regions),
                                          'reason', v_message)::text,
              HINT = format('choose a node in %s; an exception is an operator''s to make, recorded: '
                            '--override-residency --reason "..." (SQL: the p_override argument)',
                            array_to_string(p_regions, ' or '));
END
$$;

ALTER FUNCTION federation.refuse_residency(p_tenant uuid, p_action text, p_node text, p_region text, p_regions text[], p_what text) OWNER TO fedgate_owner;

--
-- Name: FUNCTION refuse_residency(p_tenant uuid, p_action text, p_node text, p_region text, p_regions text[], p_what text); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.refuse_residency(p_tenant uuid, p_action text, p_node text, p_region text, p_regions text[], p_what text) IS 'Raises FG451 (HTTP 409): the node is outside the tenant''s residency. DETAIL is the refusal as JSON (for record_residency_refusal), HINT the fix.';

--
-- Name: refuse_residency_rewrite(); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.refuse_residency_rewrite() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    RAISE EXCEPTION 'residency_events is append-only: % refused', TG_OP USING ERRCODE = 'FG409';
END
$$;

ALTER FUNCTION federation.refuse_residency_rewrite() OWNER TO fedgate_owner;

--
-- Name: FUNCTION refuse_residency_rewrite(); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.refuse_residency_rewrite() IS 'Trigger: residency_events refuses UPDATE, DELETE and TRUNCATE.';

--
-- Name: region_loads(text, text); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.region_loads(p_region text, p_by text) RETURNS TABLE(region text, node_id text, capacity integer, load bigint, share double precision)
    LANGUAGE sql STABLE
    AS $$
    WITH nodes AS (
        SELECT n.region::text AS region, n.node_id::text AS node_id, n.capacity,
               coalesce((SELECT sum(t.cost) FROM federation.tenant_load(p_by, n.node_id) t), 0)::bigint AS load
        FROM federation.federation_nodes n
        WHERE (p_region IS NULL OR n.region = p_region) AND n.node_id <> 'default' AND n.status = 'active'
          AND federation.node_serving(n.status, n.unhealthy_checked_at))
    SELECT x.region, x.node_id, x.capacity, x.load,
           sum(x.load) OVER w * x.capacity / sum(x.capacity) OVER w
    FROM nodes x
    WINDOW w AS (PARTITION BY x.region)
    ORDER BY x.region, x.node_id;
$$;

ALTER FUNCTION federation.region_loads(p_region text, p_by text) OWNER TO fedgate_owner;

--
-- Name: FUNCTION region_loads(p_region text, p_by text); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.region_loads(p_region text, p_by text) IS 'Each active, serving node of a region (or all regions) but the default node: its capacity, its load (the sum of its tenants'' tenant_load) and its share of the region''s load (the region''s total times its capacity over the region''s).';

--
-- Name: tenant_registry; Type: TABLE; Schema: federation; Owner: fedgate_owner
--

CREATE TABLE federation.tenant_registry (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    name text NOT NULL,
    region fedgate.region_code NOT NULL,
    status text DEFAULT 'provisioning'::text NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    idempotency_key text,
    idempotency_caller text,
    request_digest text,
    residency text[],
    CONSTRAINT tenant_registry_idempotency_complete CHECK ((((idempotency_key IS NULL) = (idempotency_caller IS NULL)) AND ((idempotency_key IS NULL) = (request_digest IS NULL)))),
    CONSTRAINT tenant_registry_idempotency_key_check CHECK ((idempotency_key ~ '^[!-~]{1,200}$'::text)),
    CONSTRAINT tenant_registry_name_check CHECK (((length(btrim(name)) >= 1) AND (length(btrim(name)) <= 200))),
    CONSTRAINT tenant_registry_residency_check CHECK (((residency IS NULL) OR (((cardinality(residency) >= 1) AND (cardinality(residency) <= 64)) AND (array_position(residency, NULL::text) IS NULL)))),
    CONSTRAINT tenant_registry_status_check CHECK ((status = ANY (ARRAY['provisioning'::text, 'active'::text, 'suspended'::text])))
);

ALTER TABLE federation.tenant_registry OWNER TO fedgate_owner;

--
-- Name: TABLE tenant_registry; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON TABLE federation.tenant_registry IS 'Every tenant of the federation (id, name, home region, lifecycle status). Its data lives on its node: the mapped node, else the default node.';

--
-- Name: COLUMN tenant_registry.idempotency_key; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON COLUMN federation.tenant_registry.idempotency_key IS 'The Idempotency-Key the creation was sent with (printable ASCII, 1-200 characters), unique per caller.';

--
-- Name: COLUMN tenant_registry.idempotency_caller; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON COLUMN federation.tenant_registry.idempotency_caller IS 'The sub claim of the caller who sent idempotency_key: keys are scoped to their caller.';

--
-- Name: COLUMN tenant_registry.request_digest; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON COLUMN federation.tenant_registry.request_digest IS 'md5 of the creation body (jsonb text): a key sent again with another body is refused (FG422).';

--
-- Name: COLUMN tenant_registry.residency; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON COLUMN federation.tenant_registry.residency IS 'The regions the tenant''s rows and requests may be served in (federation.set_residency); NULL: unrestricted.';

--
-- Name: register_creation(uuid, jsonb); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.register_creation(p_tenant uuid, p_body jsonb, OUT registration federation.tenant_registry, OUT replayed boolean) RETURNS record
    LANGUAGE plpgsql
    AS $_$
DECLARE
    v_claims jsonb := onboarding.api_caller(NULL, '{operator}');  -- operators only
    -- An Idempotency-Key's scope: the token's issuer and subject (the gateway refuses operator tokens
    -- without a subject, so two operators never share a scope).
    v_caller text := coalesce(v_claims ->> 'iss', '') || ' ' || coalesce(v_claims ->> 'sub', '');
    v_key text := p_body ->> 'idempotencyKey';
    v_fields jsonb := p_body - 'idempotencyKey';
    v_name text := onboarding.json_label(p_body, 'name', 200);
    v_region fedgate.region_code := onboarding.json_region(p_body, 'region', true);
    v_residency text[] := onboarding.json_regions(p_body, 'residency', 64);
    v_digest text := md5(v_fields::text);
BEGIN
    IF v_residency IS NOT NULL THEN
        v_residency := federation.residency_regions(v_residency, 'residency');
        IF NOT v_region = ANY (v_residency) THEN  -- its placement would be outside it
            RAISE EXCEPTION 'the tenant''s region % is outside its residency (%)', v_region,
                            array_to_string(v_residency, ', ')
                USING ERRCODE = 'FG451', DETAIL = jsonb_build_object('field', 'residency', 'residency', v_residency)::text,
                      HINT = 'give a region inside the residency, or a residency that includes the region';
        END IF;
    END IF;
    IF p_tenant IS NOT NULL THEN
        PERFORM onboarding.api_invalid('tenantId', 'a new tenant''s id is assigned by the gateway: do not send one');
    END IF;
    IF v_key IS NOT NULL AND v_key !~ '^[!-~]{1,200}$' THEN
        PERFORM onboarding.api_invalid('Idempotency-Key', 'an Idempotency-Key is 1 to 200 printable ASCII characters');
    END IF;
    replayed := false;
    LOOP
        IF v_key IS NOT NULL THEN
            SELECT * INTO registration FROM federation.tenant_registry r
            WHERE r.idempotency_caller = v_caller AND r.idempotency_key = v_key;
            IF FOUND THEN
                IF registration.request_digest <> v_digest THEN
                    RAISE EXCEPTION 'this Idempotency-Key was sent with another request body'
                        USING ERRCODE = 'FG422', DETAIL = jsonb_build_object('field', 'Idempotency-Key')::text,
                              HINT = 'a key names one creation: send a new key for a new tenant';
                END IF;
                replayed := true;
                RETURN;
            END IF;
        END IF;
        BEGIN
            INSERT INTO federation.tenant_registry AS r
                (name, region, residency, status, idempotency_key, idempotency_caller, request_digest)
            VALUES (v_name, v_region, v_residency, 'provisioning', v_key,
                    CASE WHEN v_key IS NOT NULL THEN v_caller END, CASE WHEN v_key IS NOT NULL THEN v_digest END)
            ON CONFLICT (idempotency_caller, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
            RETURNING r.* INTO registration;
        EXCEPTION WHEN unique_violation THEN
            -- The name is another tenant's, or this key's: a concurrent request with the same key past ON
            -- CONFLICT's check before either row was there, committed first (its name then conflicts).
            IF v_key IS NULL OR NOT EXISTS (SELECT 1 FROM federation.tenant_registry r
                                            WHERE r.idempotency_caller = v_caller AND r.idempotency_key = v_key) THEN
                RAISE EXCEPTION 'a tenant named "%" already exists', v_name
                    USING ERRCODE = 'unique_violation', DETAIL = jsonb_build_object('field', 'name')::text;
            END IF;
        END;
        IF registration.id IS NOT NULL THEN
            IF v_residency IS NOT NULL THEN
                PERFORM federation.record_residency_event(registration.id, 'policy', NULL, NULL, 'set', v_residency,
                                                          'at creation', 'operator:' || coalesce(v_claims ->> 'sub', '?'));
            END IF;
            RETURN;
        END IF;
        -- A concurrent request with the same key registered first: replay its registration.
    END LOOP;
END
$_$;

ALTER FUNCTION federation.register_creation(p_tenant uuid, p_body jsonb, OUT registration federation.tenant_registry, OUT replayed boolean) OWNER TO fedgate_owner;

--
-- Name: FUNCTION register_creation(p_tenant uuid, p_body jsonb, OUT registration federation.tenant_registry, OUT replayed boolean); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.register_creation(p_tenant uuid, p_body jsonb, OUT registration federation.tenant_registry, OUT replayed boolean) IS 'A new registry row (status provisioning, a fresh id) from {name, region, residency?, idempotencyKey?} (a residency must include the region, else FG451; it is recorded): FG403 unless the caller is an operator, FG400 when the caller names an id, 23505 when the name is taken. With an idempotencyKey already used by the same caller (the token''s issuer and subject): that registration again (replayed), or FG422 when the body differs.';

--
-- Name: registration_json(federation.tenant_registry, boolean); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.registration_json(p_row federation.tenant_registry, p_replayed boolean) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    SELECT jsonb_build_object('tenantId', p_row.id, 'region', p_row.region, 'status', p_row.status,
                              'residency', p_row.residency,
                              'replayed', p_replayed,
                              'nodeId', coalesce((SELECT m.primary_node_id FROM federation.tenant_federation_map m
                                                  WHERE m.tenant_id = p_row.id), 'default'));
$$;

ALTER FUNCTION federation.registration_json(p_row federation.tenant_registry, p_replayed boolean) OWNER TO fedgate_owner;

--
-- Name: FUNCTION registration_json(p_row federation.tenant_registry, p_replayed boolean); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.registration_json(p_row federation.tenant_registry, p_replayed boolean) IS 'What the gateway needs of a registration: {tenantId, region, status, residency, replayed, nodeId} (the mapped node, else default).';

--
-- Name: rehome_tenant(uuid, text, text, text, boolean); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.rehome_tenant(p_tenant uuid, p_from text, p_to text, p_override text, p_unmap boolean DEFAULT false) RETURNS text
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_region text := (SELECT n.region FROM federation.federation_nodes n WHERE n.node_id = p_to);
    -- A move's residency override (if it needed one) goes with the tenant; a move home needs none.
    v_override text := CASE WHEN federation.outside_residency(p_tenant, p_to) THEN p_override END;
BEGIN
    IF p_unmap THEN  -- back to the default node it came from: unmapped again there
        DELETE FROM federation.federation_routing r WHERE r.tenant_id = p_tenant;
        DELETE FROM federation.tenant_federation_map m WHERE m.tenant_id = p_tenant;
    ELSE
        INSERT INTO federation.tenant_federation_map AS m (tenant_id, primary_node_id, primary_region, residency_override)
        VALUES (p_tenant, p_to, v_region, v_override)
        ON CONFLICT (tenant_id) DO UPDATE SET primary_node_id = EXCLUDED.primary_node_id,
                                              primary_region = EXCLUDED.primary_region,
                                              residency_override = EXCLUDED.residency_override, updated_at = now();
        -- Rules that named p_from name p_to (where p_to already has one, p_from's goes).
        DELETE FROM federation.federation_routing r
        WHERE r.tenant_id = p_tenant AND r.node_id = p_from
          AND EXISTS (SELECT 1 FROM federation.federation_routing x
                      WHERE x.tenant_id = r.tenant_id AND x.region = r.region AND x.node_id = p_to);
        UPDATE federation.federation_routing r SET node_id = p_to, residency_override = v_override, updated_at = now()
        WHERE r.tenant_id = p_tenant AND r.node_id = p_from;
        INSERT INTO federation.federation_routing (tenant_id, region, node_id, is_primary, weight, residency_override)
        VALUES (p_tenant, v_region, p_to, true, 100, v_override)
        ON CONFLICT (tenant_id, region, node_id) DO UPDATE SET is_primary = true, residency_override = v_override;
    END IF;
    RETURN v_region;
END
$$;

ALTER FUNCTION federation.rehome_tenant(p_tenant uuid, p_from text, p_to text, p_override text, p_unmap boolean) OWNER TO fedgate_owner;

--
-- Name: FUNCTION rehome_tenant(p_tenant uuid, p_from text, p_to text, p_override text, p_unmap boolean); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.rehome_tenant(p_tenant uuid, p_from text, p_to text, p_override text, p_unmap boolean) IS 'A switch''s catalog side: the tenant''s map row and the rules that named p_from name p_to (with its primary rule; the override kept only where p_to is outside the tenant''s residency), or with p_unmap the tenant is unmapped (the default node serves it). Returns p_to''s region.';

--
-- Name: release_job(bigint, text); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.release_job(p_job bigint, p_owner text) RETURNS boolean
    LANGUAGE sql
    AS $$
    WITH released AS (
        UPDATE federation.jobs j SET state = 'pending', owner = NULL, owner_instance = NULL, lease_until = NULL,
                                     not_before = now(), updated_at = now()
        WHERE j.owner = p_owner AND j.state = 'running' AND (p_job IS NULL OR j.job_id = p_job)
        RETURNING 1)
    SELECT count(*) > 0 FROM released;
$$;

ALTER FUNCTION federation.release_job(p_job bigint, p_owner text) OWNER TO fedgate_owner;

--
-- Name: FUNCTION release_job(p_job bigint, p_owner text); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.release_job(p_job bigint, p_owner text) IS 'Hands a job back (NULL: every job of the owner): pending and claimable at once, not after its lease.';

--
-- Name: release_jobs(text); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.release_jobs(p_owner text) RETURNS boolean
    LANGUAGE sql
    AS $$ SELECT federation.release_job(NULL, p_owner) $$;

ALTER FUNCTION federation.release_jobs(p_owner text) OWNER TO fedgate_owner;

--
-- Name: FUNCTION release_jobs(p_owner text); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.release_jobs(p_owner text) IS 'Hands back every job a driver holds (a gateway stopping, a CLI interrupted): the fleet takes them on at once.';

--
-- Name: remove_replica(text); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.remove_replica(p_replica_id text) RETURNS boolean
    LANGUAGE sql
    AS $$
    WITH d AS (DELETE FROM federation.federation_replicas r WHERE r.replica_id = p_replica_id RETURNING 1)
    SELECT EXISTS (SELECT 1 FROM d);
$$;

ALTER FUNCTION federation.remove_replica(p_replica_id text) OWNER TO fedgate_owner;

--
-- Name: FUNCTION remove_replica(p_replica_id text); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.remove_replica(p_replica_id text) IS 'Forgets a replica: its reads go to its node from the next notification on.';

--
-- Name: remove_route(uuid, text, text); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.remove_route(p_tenant uuid, p_region text, p_node_id text) RETURNS boolean
    LANGUAGE sql
    AS $$
    WITH d AS (
        DELETE FROM federation.federation_routing r
        WHERE r.tenant_id = p_tenant AND r.region = p_region AND r.node_id = p_node_id
        RETURNING 1
    )
    SELECT EXISTS (SELECT 1 FROM d)
$$;

ALTER FUNCTION federation.remove_route(p_tenant uuid, p_region text, p_node_id text) OWNER TO fedgate_owner;

--
-- Name: FUNCTION remove_route(p_tenant uuid, p_region text, p_node_id text); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.remove_route(p_tenant uuid, p_region text, p_node_id text) IS 'Deletes one routing rule; true when it existed.';

--
-- Name: rendezvous_score(uuid, text, text, integer); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.rendezvous_score(p_tenant uuid, p_region text, p_node text, p_weight integer) RETURNS double precision
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN ((p_weight)::double precision / (- ln(((((hashtextextended((((((p_tenant)::text || '/'::text) || p_region) || '/'::text) || p_node), (0)::bigint) & '9007199254740991'::bigint))::double precision + (0.5)::double precision) / (9007199254740992.0)::double precision))));

ALTER FUNCTION federation.rendezvous_score(p_tenant uuid, p_region text, p_node text, p_weight integer) OWNER TO fedgate_owner;

--
-- Name: FUNCTION rendezvous_score(p_tenant uuid, p_region text, p_node text, p_weight integer); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.rendezvous_score(p_tenant uuid, p_region text, p_node text, p_weight integer) IS 'Weighted rendezvous (highest random weight) score: weight / -ln(u), u uniform in (0,1) from a 53-bit hash of tenant/region/node. The highest score wins; shares follow the weights and removing a node moves only its tenants.';

--
-- Name: renew_jobs(text, interval, bigint[]); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.renew_jobs(p_owner text, p_lease interval, p_jobs bigint[]) RETURNS SETOF bigint
    LANGUAGE sql
    AS $$
    UPDATE federation.jobs j SET lease_until = now() + p_lease
    WHERE j.owner = p_owner AND j.state = 'running' AND j.job_id = ANY (p_jobs)
    RETURNING j.job_id;
$$;

ALTER FUNCTION federation.renew_jobs(p_owner text, p_lease interval, p_jobs bigint[]) OWNER TO fedgate_owner;

--
-- Name: FUNCTION renew_jobs(p_owner text, p_lease interval, p_jobs bigint[]); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.renew_jobs(p_owner text, p_lease interval, p_jobs bigint[]) IS 'A driver''s heartbeat for the jobs it drives now: their leases renewed; the ids it still holds (one missing was taken over or ended: stop driving it). A job whose driving thread ended without ending it is not renewed: it lapses, and another driver takes it.';

--
-- Name: report_legacy_usage(jsonb); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.report_legacy_usage(p_rows jsonb) RETURNS integer
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'federation'
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

ALTER FUNCTION federation.report_legacy_usage(p_rows jsonb) OWNER TO fedgate_owner;

--
-- Name: FUNCTION report_legacy_usage(p_rows jsonb); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.report_legacy_usage(p_rows jsonb) IS 'Adds one gateway worker''s legacy calls ([{tenant, client, requests, refused, last_seen}]) to the current minute; drops minutes older than 8 days. Returns the rows written.';

--
-- Name: federation_node_health; Type: TABLE; Schema: federation; Owner: fedgate_owner
--

CREATE TABLE federation.federation_node_health (
    node_id text NOT NULL,
    healthy boolean NOT NULL,
    latency_ms real,
    last_error text,
    consecutive_failures integer DEFAULT 0 NOT NULL,
    checked_at timestamp with time zone DEFAULT now() NOT NULL,
    last_change_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT federation_node_health_consecutive_failures_check CHECK ((consecutive_failures >= 0)),
    CONSTRAINT federation_node_health_latency_ms_check CHECK (((latency_ms IS NULL) OR (latency_ms >= (0)::double precision)))
);

ALTER TABLE federation.federation_node_health OWNER TO fedgate_owner;

--
-- Name: TABLE federation_node_health; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON TABLE federation.federation_node_health IS 'Last health report per node. A report older than fedgate.health_stale_after (default 30 s) counts as unknown, so the node is served.';

--
-- Name: report_node_health(text, boolean, real, text); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.report_node_health(p_node_id text, p_healthy boolean, p_latency_ms real DEFAULT NULL::real, p_error text DEFAULT NULL::text) RETURNS federation.federation_node_health
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

ALTER FUNCTION federation.report_node_health(p_node_id text, p_healthy boolean, p_latency_ms real, p_error text) OWNER TO fedgate_owner;

--
-- Name: FUNCTION report_node_health(p_node_id text, p_healthy boolean, p_latency_ms real, p_error text); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.report_node_health(p_node_id text, p_healthy boolean, p_latency_ms real, p_error text) IS 'Records one health check of a node (the gateway''s monitor calls it). Keeps the consecutive failure count and the last error (the caller passes it without secrets). A flip of healthy notifies the gateways.';

--
-- Name: report_node_load(text[], bigint[]); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.report_node_load(p_nodes text[], p_rows bigint[]) RETURNS integer
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

ALTER FUNCTION federation.report_node_load(p_nodes text[], p_rows bigint[]) OWNER TO fedgate_owner;

--
-- Name: FUNCTION report_node_load(p_nodes text[], p_rows bigint[]); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.report_node_load(p_nodes text[], p_rows bigint[]) IS 'The health checker''s measure of each node''s load: its tenant rows (its statistics, onboarding.tenant_rows) and its requests per minute over the last 10 minutes (federation_tenant_stats); the count of tenants placed since starts again at 0.';

--
-- Name: report_replica_health(text[], boolean[], bigint[], real[], text[], text[]); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.report_replica_health(p_ids text[], p_healthy boolean[], p_lag_bytes bigint[], p_lag_seconds real[], p_replay_lsn text[], p_errors text[]) RETURNS integer
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

ALTER FUNCTION federation.report_replica_health(p_ids text[], p_healthy boolean[], p_lag_bytes bigint[], p_lag_seconds real[], p_replay_lsn text[], p_errors text[]) OWNER TO fedgate_owner;

--
-- Name: FUNCTION report_replica_health(p_ids text[], p_healthy boolean[], p_lag_bytes bigint[], p_lag_seconds real[], p_replay_lsn text[], p_errors text[]); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.report_replica_health(p_ids text[], p_healthy boolean[], p_lag_bytes bigint[], p_lag_seconds real[], p_replay_lsn text[], p_errors text[]) IS 'Records one health round of replicas (the gateway''s checker calls it with the node reports): lag in bytes and seconds, replay position, error, and whether each is usable. A change of usable notifies the gateways.';

--
-- Name: report_tenant_stats(jsonb); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.report_tenant_stats(p_rows jsonb) RETURNS integer
    LANGUAGE plpgsql
    SET search_path TO 'pg_catalog', 'federation'
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

ALTER FUNCTION federation.report_tenant_stats(p_rows jsonb) OWNER TO fedgate_owner;

--
-- Name: FUNCTION report_tenant_stats(p_rows jsonb); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.report_tenant_stats(p_rows jsonb) IS 'Adds one gateway worker''s batch ([{tenant, node, requests, errors, total_ms, max_ms, throttled}]) to the current minute; drops minutes older than a day. Returns the rows written.';

--
-- Name: request_move(bigint, text); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.request_move(p_move bigint, p_what text) RETURNS federation.tenant_moves
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_row federation.tenant_moves;
BEGIN
    SELECT * INTO v_row FROM federation.tenant_moves m WHERE m.move_id = p_move FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no move %', p_move USING ERRCODE = 'FG404';
    ELSIF p_what = 'reverse' AND v_row.state <> 'switched' THEN
        RAISE EXCEPTION 'move % is %: only a switched, reversible move is reversed', p_move, v_row.state
            USING ERRCODE = 'FG409', HINT = CASE WHEN v_row.state IN ('cleanup', 'done') AND NOT v_row.reversed
                                                 THEN 'it was not reversible (or was completed): a move back is another move'
                                                 WHEN v_row.state = 'reversed' THEN 'it is back on its source: forward_move sends it again'
                                                 ELSE 'it has not switched yet: abort_move keeps the tenant where it is' END;
    ELSIF p_what = 'forward' AND v_row.state <> 'reversed' THEN
        RAISE EXCEPTION 'move % is %: only a reversed move goes forward again', p_move, v_row.state
            USING ERRCODE = 'FG409';
    ELSIF p_what = 'complete' AND NOT (v_row.state IN ('switched', 'reversed')
                                       OR (v_row.state = 'cleanup' AND v_row.keep_source)) THEN
        RAISE EXCEPTION 'move % is %: only a switched, reversed or --keep-source move is completed', p_move,
                        v_row.state USING ERRCODE = 'FG409';
    ELSIF p_what NOT IN ('reverse', 'forward', 'complete') THEN
        RAISE EXCEPTION 'a move is reversed, forwarded or completed, not %', p_what USING ERRCODE = 'FG400';
    END IF;
    UPDATE federation.tenant_moves m SET requested = p_what, updated_at = now() WHERE m.move_id = p_move
    RETURNING * INTO v_row;
    -- Its job, parked until the move's window ends (or ended with a --keep-source move), runs now.
    UPDATE federation.jobs j SET state = 'pending', not_before = now(), finished_at = NULL, attempts = 0,
                                 step = NULL, updated_at = now()
    WHERE j.move_id = p_move AND (j.state = 'pending' OR (j.state = 'done' AND v_row.state = 'cleanup'));
    RETURN v_row;
END
$$;

ALTER FUNCTION federation.request_move(p_move bigint, p_what text) OWNER TO fedgate_owner;

--
-- Name: FUNCTION request_move(p_move bigint, p_what text); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.request_move(p_move bigint, p_what text) IS 'Asks a switched move to go back (reverse), a reversed one to go forward again (forward), or either (or a --keep-source move) to complete; its job runs at once on a live gateway, or in the CLI that asked. FG404 no such move, FG409 a move in another state.';

--
-- Name: requeue_job(bigint); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.requeue_job(p_job bigint) RETURNS federation.jobs
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_row federation.jobs;
BEGIN
    UPDATE federation.jobs j SET state = 'pending', attempts = 0, step = NULL, not_before = now(),
                                 finished_at = NULL, updated_at = now()
    WHERE j.job_id = p_job AND j.state = 'failed'
      AND (j.move_id IS NULL OR EXISTS (SELECT 1 FROM federation.tenant_moves m WHERE m.move_id = j.move_id
                                        AND m.state NOT IN ('done', 'aborted', 'failed')))
    RETURNING * INTO v_row;
    IF NOT FOUND THEN
        SELECT * INTO v_row FROM federation.jobs j WHERE j.job_id = p_job;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'no job %', p_job USING ERRCODE = 'FG404';
        ELSIF v_row.state NOT IN ('pending', 'running') THEN
            RAISE EXCEPTION 'job % is %: nothing to resume', p_job, v_row.state USING ERRCODE = 'FG409';
        END IF;
    END IF;
    RETURN v_row;
END
$$;

ALTER FUNCTION federation.requeue_job(p_job bigint) OWNER TO fedgate_owner;

--
-- Name: FUNCTION requeue_job(p_job bigint); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.requeue_job(p_job bigint) IS 'Resumes a job: a failed one whose work is still open is pending again with its attempts reset; a pending or running one is left as it is. FG409 for one that ended for good.';

--
-- Name: residency_conflicts(uuid, text[]); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.residency_conflicts(p_tenant uuid, p_regions text[]) RETURNS TABLE(kind text, node_id text, region text, rule_region text)
    LANGUAGE sql STABLE
    AS $$
    SELECT 'node', n.node_id::text, n.region::text, NULL::text
    FROM federation.federation_nodes n
    WHERE n.node_id = coalesce((SELECT m.primary_node_id FROM federation.tenant_federation_map m
                                WHERE m.tenant_id = p_tenant AND m.residency_override IS NULL),
                               CASE WHEN NOT EXISTS (SELECT 1 FROM federation.tenant_federation_map m
                                                     WHERE m.tenant_id = p_tenant) THEN 'default' END)
      AND NOT n.region = ANY (p_regions)
    UNION ALL
    SELECT 'rule', r.node_id::text, n.region::text, r.region::text
    FROM federation.federation_routing r
    JOIN federation.federation_nodes n ON n.node_id = r.node_id
    WHERE r.tenant_id = p_tenant AND r.residency_override IS NULL AND NOT n.region = ANY (p_regions)
      -- a rule to the tenant's own node is that node's conflict (a move takes its rules along)
      AND r.node_id IS DISTINCT FROM (SELECT m.primary_node_id FROM federation.tenant_federation_map m
                                      WHERE m.tenant_id = p_tenant)
    ORDER BY 1, 2, 4
$$;

ALTER FUNCTION federation.residency_conflicts(p_tenant uuid, p_regions text[]) OWNER TO fedgate_owner;

--
-- Name: FUNCTION residency_conflicts(p_tenant uuid, p_regions text[]); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.residency_conflicts(p_tenant uuid, p_regions text[]) IS 'What a residency policy would break for a tenant: its node (the mapped one, else the default node) and its rules to other nodes, where their node''s region is outside the policy and no override covers them.';

--
-- Name: residency_regions(text[], text); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.residency_regions(p_regions text[], p_field text DEFAULT 'regions'::text) RETURNS text[]
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    v_regions text[];
    v_unknown text[];
BEGIN
    SELECT array_agg(DISTINCT lower(btrim(r)) ORDER BY lower(btrim(r))) INTO v_regions
    FROM unnest(p_regions) r WHERE r IS NOT NULL AND btrim(r) <> '';
    IF v_regions IS NULL THEN
        PERFORM onboarding.api_invalid(p_field, 'a residency names at least one region');
    END IF;
    SELECT array_agg(r ORDER BY r) INTO v_unknown
    FROM unnest(v_regions) r WHERE NOT EXISTS (SELECT 1 FROM federation.regions g WHERE g.code = r);
    IF v_unknown IS NOT NULL THEN
        PERFORM onboarding.api_invalid(p_field, format('unknown region code(s): %s', array_to_string(v_unknown, ', ')));
    END IF;
    RETURN v_regions;
END
$$;

ALTER FUNCTION federation.residency_regions(p_regions text[], p_field text) OWNER TO fedgate_owner;

--
-- Name: FUNCTION residency_regions(p_regions text[], p_field text); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.residency_regions(p_regions text[], p_field text) IS 'A residency policy as given, checked: lower-case known region codes (federation.regions), sorted, without duplicates. FG400 (DETAIL field: p_field) when empty or naming an unknown code.';

--
-- Name: resolve_node(uuid, text); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.resolve_node(p_tenant uuid, p_region text DEFAULT NULL::text) RETURNS TABLE(node_id text, region text, reason text)
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$
    -- Inlined into the caller's (prepared) statement. The first branch answers
    -- the common cases with two index lookups: the tenant's map row, which
    -- carries the top-ranked rule of every region with rules (route_*, kept
    -- by sync_top_routes), and the chosen node, if it serves. Append runs its
    -- branches in order and LIMIT 1 stops at the first row, so
    -- resolve_node_full (the full candidate walk: unmapped tenants, failovers,
    -- no serving node) runs only when needed.
    SELECT d.node_id, d.region, d.reason FROM (
        SELECT n.node_id, n.region::text AS region, ch.reason
        FROM federation.tenant_federation_map m
        CROSS JOIN LATERAL (  -- the choice, computed once per request (not per node row scanned)
            SELECT coalesce(m.route_nodes[p.pos], m.primary_node_id) AS node_id,
                   CASE WHEN p.pos IS NULL THEN 'tenant_primary'
                        WHEN m.route_is_primary[p.pos] THEN 'region_route' ELSE 'region_weighted' END AS reason
            FROM (SELECT CASE WHEN p_region IS NULL OR p_region = m.primary_region THEN NULL
                              ELSE array_position(m.route_regions, p_region) END AS pos) p
            OFFSET 0
        ) ch
        CROSS JOIN LATERAL (  -- that node alone, then whether it serves
            SELECT x.node_id, x.region, x.status, x.unhealthy_checked_at FROM federation.federation_nodes x
            WHERE x.node_id = ch.node_id
            OFFSET 0
        ) n
        WHERE m.tenant_id = p_tenant AND federation.node_serving(n.status, n.unhealthy_checked_at)
          -- a restricted tenant's node outside its residency: the full walk decides (an override, or the next)
          AND (m.residency IS NULL OR n.region::text = ANY (m.residency))
        UNION ALL
        SELECT f.node_id, f.region, f.reason FROM federation.resolve_node_full(p_tenant, p_region) f
    ) d
    LIMIT 1
$$;

ALTER FUNCTION federation.resolve_node(p_tenant uuid, p_region text) OWNER TO fedgate_owner;

--
-- Name: FUNCTION resolve_node(p_tenant uuid, p_region text); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.resolve_node(p_tenant uuid, p_region text) IS 'The node that serves a (tenant, region) request: (node_id, region, reason). reason is tenant_primary, region_route, region_weighted, primary_region_rule, failover or default_unmapped. No row: a mapped tenant with no serving node (the gateway answers 503; never the default node).';

--
-- Name: resolve_node_full(uuid, text); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.resolve_node_full(p_tenant uuid, p_region text DEFAULT NULL::text) RETURNS TABLE(node_id text, region text, reason text)
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    AS $$
BEGIN
    RETURN QUERY
    SELECT c.node_id, c.node_region, CASE WHEN c.ord = 1 THEN c.source ELSE 'failover' END
    FROM federation.route_candidates(p_tenant, p_region) c
    WHERE c.serving OR (c.source = 'default_unmapped' AND c.resident)
    ORDER BY c.ord
    LIMIT 1;
END
$$;

ALTER FUNCTION federation.resolve_node_full(p_tenant uuid, p_region text) OWNER TO fedgate_owner;

--
-- Name: FUNCTION resolve_node_full(p_tenant uuid, p_region text); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.resolve_node_full(p_tenant uuid, p_region text) IS 'resolve_node the long way: the first serving candidate of route_candidates. resolve_node takes it when no fast path applies (a failover); pgTAP checks that both always agree.';

--
-- Name: retry_job(bigint, text, text, text, integer, interval); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.retry_job(p_job bigint, p_owner text, p_step text, p_error text, p_attempts integer, p_backoff interval) RETURNS federation.jobs
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_row federation.jobs;
BEGIN
    UPDATE federation.jobs j SET
        attempts = CASE WHEN j.step IS NOT DISTINCT FROM p_step THEN j.attempts + 1 ELSE 1 END,
        step = p_step, last_error = left(p_error, 4000), updated_at = now()
    WHERE j.job_id = p_job AND j.owner = p_owner AND j.state = 'running'
    RETURNING * INTO v_row;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'job % is not driven by %', p_job, p_owner USING ERRCODE = 'FG409';
    END IF;
    UPDATE federation.jobs j SET
        state = CASE WHEN j.attempts >= p_attempts THEN 'failed' ELSE 'pending' END,
        finished_at = CASE WHEN j.attempts >= p_attempts THEN now() END,
        owner = NULL, owner_instance = NULL, lease_until = NULL,
        not_before = now() + least(p_backoff * power(2, j.attempts - 1), interval '5 minutes')
    WHERE j.job_id = p_job
    RETURNING * INTO v_row;
    RETURN v_row;
END
$$;

ALTER FUNCTION federation.retry_job(p_job bigint, p_owner text, p_step text, p_error text, p_attempts integer, p_backoff interval) OWNER TO fedgate_owner;

--
-- Name: FUNCTION retry_job(p_job bigint, p_owner text, p_step text, p_error text, p_attempts integer, p_backoff interval); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.retry_job(p_job bigint, p_owner text, p_step text, p_error text, p_attempts integer, p_backoff interval) IS 'A driver''s attempt failed at a step: counted (the count starts again at a new step); pending again after p_backoff doubled per attempt (at most 5 minutes), or failed with its error once p_attempts failures at one step were counted.';

--
-- Name: reverse_move(bigint); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.reverse_move(p_move bigint) RETURNS federation.tenant_moves
    LANGUAGE sql
    AS $$ SELECT * FROM federation.request_move(p_move, 'reverse') $$;

ALTER FUNCTION federation.reverse_move(p_move bigint) OWNER TO fedgate_owner;

--
-- Name: FUNCTION reverse_move(p_move bigint); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.reverse_move(p_move bigint) IS 'Sends a switched move''s tenant back to its source, without losing a write made since the switch (request_move).';

--
-- Name: route_candidates(uuid, text); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.route_candidates(p_tenant uuid, p_region text DEFAULT NULL::text) RETURNS TABLE(ord integer, node_id text, node_region text, source text, rule_weight integer, score double precision, node_status text, health text, serving boolean, note text, resident boolean)
    LANGUAGE sql STABLE PARALLEL SAFE
    AS $$
    WITH m AS (
        SELECT t.primary_node_id, t.primary_region::text AS primary_region,
               coalesce(p_region, t.primary_region) AS wanted_region, t.residency_override
        FROM federation.tenant_federation_map t
        WHERE t.tenant_id = p_tenant
    ), policy AS (
        SELECT r.residency FROM federation.tenant_registry r WHERE r.id = p_tenant
    ), cand AS (
        SELECT CASE WHEN r.region = m.primary_region THEN 3 ELSE 1 END AS grp,
               r.node_id,
               CASE WHEN r.region = m.primary_region THEN 'primary_region_rule'
                    WHEN r.is_primary THEN 'region_route'
                    ELSE 'region_weighted' END AS source,
               r.weight AS rule_weight,
               r.rank_score AS score,
               r.residency_override AS override
        FROM m
        JOIN federation.federation_routing r
          ON r.tenant_id = p_tenant AND r.region IN (m.primary_region, m.wanted_region)
        UNION ALL
        SELECT 2, m.primary_node_id, 'tenant_primary', NULL, NULL, m.residency_override FROM m
        UNION ALL
        SELECT 0, 'default', 'default_unmapped', NULL, NULL, NULL WHERE NOT EXISTS (SELECT 1 FROM m)
    ), dedup AS (
        SELECT DISTINCT ON (c.node_id) c.*
        FROM cand c
        ORDER BY c.node_id, c.grp, c.score DESC NULLS LAST
    ), judged AS (
        SELECT d.*, n.node_id IS NOT NULL AS registered, n.region::text AS node_region, n.status,
               n.unhealthy_checked_at, h.healthy, h.checked_at, h.consecutive_failures, p.residency,
               (p.residency IS NULL OR n.region::text = ANY (p.residency) OR d.override IS NOT NULL) AS resident
        FROM dedup d
        LEFT JOIN federation.federation_nodes n ON n.node_id = d.node_id
        LEFT JOIN federation.federation_node_health h ON h.node_id = d.node_id
        LEFT JOIN policy p ON true
    )
    SELECT (row_number() OVER (ORDER BY j.grp, j.score DESC NULLS LAST, j.node_id))::integer,
           j.node_id,
           j.node_region,
           j.source,
           j.rule_weight,
           j.score,
           j.status,
           federation.health_state(j.healthy, j.checked_at),
           j.resident AND coalesce(federation.node_serving(j.status, j.unhealthy_checked_at), false),
           CASE WHEN NOT j.registered THEN 'node is not registered'
                WHEN NOT j.resident THEN format('region %s is outside the tenant''s residency (%s)',
                                                j.node_region, array_to_string(j.residency, ', '))
                WHEN j.status = 'down' THEN 'node status is down'
                WHEN federation.health_state(j.healthy, j.checked_at) = 'unhealthy'
                    THEN format('marked unhealthy by the health monitor at %s (%s consecutive failures)',
                                j.checked_at, j.consecutive_failures)
           END,
           j.resident
    FROM judged j
    ORDER BY 1
$$;

ALTER FUNCTION federation.route_candidates(p_tenant uuid, p_region text) OWNER TO fedgate_owner;

--
-- Name: FUNCTION route_candidates(p_tenant uuid, p_region text); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.route_candidates(p_tenant uuid, p_region text) IS 'Every node a (tenant, region) request may go to, in failover order, with its status, health, whether it is inside the tenant''s residency (or overridden) and whether it serves. resolve_node takes the first that serves.';

--
-- Name: legacy_policy; Type: TABLE; Schema: federation; Owner: fedgate_owner
--

CREATE TABLE federation.legacy_policy (
    id boolean DEFAULT true NOT NULL,
    sunset_date date,
    deprecated_at timestamp with time zone,
    all_off boolean DEFAULT false NOT NULL,
    set_by text,
    set_at timestamp with time zone,
    CONSTRAINT legacy_policy_check CHECK (((sunset_date IS NULL) = (deprecated_at IS NULL))),
    CONSTRAINT legacy_policy_id_check CHECK (id)
);

ALTER TABLE federation.legacy_policy OWNER TO fedgate_owner;

--
-- Name: TABLE legacy_policy; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON TABLE federation.legacy_policy IS 'The legacy namespace''s retirement, one row: its sunset date (and since when it is deprecated), whether it is off for everyone, who set it and when.';

--
-- Name: set_legacy_sunset(date); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.set_legacy_sunset(p_date date) RETURNS federation.legacy_policy
    LANGUAGE sql
    AS $$
    UPDATE federation.legacy_policy p SET sunset_date = p_date,
        deprecated_at = CASE WHEN p_date IS NULL THEN NULL ELSE coalesce(p.deprecated_at, now()) END,
        set_by = federation.job_actor(), set_at = now()
    RETURNING p.*
$$;

ALTER FUNCTION federation.set_legacy_sunset(p_date date) OWNER TO fedgate_owner;

--
-- Name: FUNCTION set_legacy_sunset(p_date date); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.set_legacy_sunset(p_date date) IS 'Sets the legacy namespace''s sunset date (NULL: no longer deprecated): from the gateways'' next notification on, every legacy response carries Deprecation (since the first date was set), Sunset and Link rel="successor-version".';

--
-- Name: set_node_capacity(text, integer); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.set_node_capacity(p_node text, p_capacity integer) RETURNS TABLE(node_id text, region text, capacity integer)
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

ALTER FUNCTION federation.set_node_capacity(p_node text, p_capacity integer) OWNER TO fedgate_owner;

--
-- Name: FUNCTION set_node_capacity(p_node text, p_capacity integer); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.set_node_capacity(p_node text, p_capacity integer) IS 'Sets a node''s capacity (1 to 1000000; default 1): a node of capacity 2 is meant to carry twice the load of one of capacity 1 in its region, for placement and the rebalancer. FG400 out of range, FG404 unknown node.';

--
-- Name: set_node_status(text, text); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.set_node_status(p_node_id text, p_status text) RETURNS TABLE(node_id text, region text, status text)
    LANGUAGE plpgsql
    AS $$
BEGIN
    RETURN QUERY
    UPDATE federation.federation_nodes n SET status = p_status
    WHERE n.node_id = p_node_id
    RETURNING n.node_id, n.region::text, n.status;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown node: %', p_node_id USING ERRCODE = 'FG404';
    END IF;
END
$$;

ALTER FUNCTION federation.set_node_status(p_node_id text, p_status text) OWNER TO fedgate_owner;

--
-- Name: FUNCTION set_node_status(p_node_id text, p_status text); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.set_node_status(p_node_id text, p_status text) IS 'Sets a node''s status: active (serves, takes new tenants), draining (serves, takes none), down (serves nothing).';

--
-- Name: set_residency(uuid, text[], text, boolean); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.set_residency(p_tenant uuid, p_regions text[], p_reason text DEFAULT NULL::text, p_move boolean DEFAULT false) RETURNS TABLE(tenant_id uuid, residency text[], move_id bigint, target_node text)
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_regions text[];
    v_old text[];
    v_conflict record;
    v_rule record;
    v_target text;
    v_move federation.tenant_moves;
BEGIN
    SELECT r.residency INTO v_old FROM federation.tenant_registry r WHERE r.id = p_tenant FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'tenant % is not registered', p_tenant USING ERRCODE = 'FG404';
    END IF;
    IF p_regions IS NULL THEN  -- cleared: unrestricted again
        UPDATE federation.tenant_registry r SET residency = NULL WHERE r.id = p_tenant;
        PERFORM federation.record_residency_event(p_tenant, 'policy', NULL, NULL, 'cleared', v_old, p_reason);
        RETURN QUERY SELECT p_tenant, NULL::text[], NULL::bigint, NULL::text;
        RETURN;
    END IF;
    v_regions := federation.residency_regions(p_regions);
    SELECT * INTO v_rule FROM federation.residency_conflicts(p_tenant, v_regions) c WHERE c.kind = 'rule' LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'tenant %''s rule for region % names node % (region %), outside %', p_tenant,
                        v_rule.rule_region, v_rule.node_id, v_rule.region, array_to_string(v_regions, ', ')
            USING ERRCODE = 'FG409',
                  HINT = format('remove it first (fedgate route remove %s %s %s) or keep it as a recorded exception '
                                '(fedgate route add ... --override-residency --reason "...")',
                                p_tenant, v_rule.rule_region, v_rule.node_id);
    END IF;
    SELECT * INTO v_conflict FROM federation.residency_conflicts(p_tenant, v_regions) c WHERE c.kind = 'node';
    IF FOUND THEN
        -- Where the tenant would go: placement's choice among the active nodes of the policy's regions.
        SELECT n.node_id INTO v_target FROM federation.federation_nodes n
        WHERE n.region = ANY (v_regions) AND n.status = 'active'
          AND federation.node_serving(n.status, n.unhealthy_checked_at)
        ORDER BY array_position(v_regions, n.region::text),
                 federation.rendezvous_score(p_tenant, n.region, n.node_id, n.placement_weight) DESC, n.node_id
        LIMIT 1;
        IF NOT coalesce(p_move, false) OR v_target IS NULL THEN
            RAISE EXCEPTION 'tenant % lives on node % (region %), outside %', p_tenant, v_conflict.node_id,
                            v_conflict.region, array_to_string(v_regions, ', ')
                USING ERRCODE = 'FG409',
                      HINT = CASE WHEN v_target IS NULL THEN 'no active node serves those regions'
                                  ELSE format('move it first (fedgate tenant move %s --to %s), or set the policy with '
                                              '--move: the move is started and the policy binds at its switch',
                                              p_tenant, v_target) END;
        END IF;
        v_move := federation.start_move(p_tenant, v_target);
        UPDATE federation.tenant_moves m SET residency = v_regions WHERE m.move_id = v_move.move_id;
        PERFORM federation.record_residency_event(p_tenant, 'policy', v_target,
                                                  (SELECT n.region FROM federation.federation_nodes n
                                                   WHERE n.node_id = v_target), 'planned', v_regions, p_reason);
        RETURN QUERY SELECT p_tenant, v_old, v_move.move_id, v_target;
        RETURN;
    END IF;
    UPDATE federation.tenant_registry r SET residency = v_regions WHERE r.id = p_tenant;
    PERFORM federation.record_residency_event(p_tenant, 'policy', NULL, NULL, 'set', v_regions, p_reason);
    RETURN QUERY SELECT p_tenant, v_regions, NULL::bigint, NULL::text;
END
$$;

ALTER FUNCTION federation.set_residency(p_tenant uuid, p_regions text[], p_reason text, p_move boolean) OWNER TO fedgate_owner;

--
-- Name: FUNCTION set_residency(p_tenant uuid, p_regions text[], p_reason text, p_move boolean); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.set_residency(p_tenant uuid, p_regions text[], p_reason text, p_move boolean) IS 'Sets the regions a tenant may be served in (NULL clears it), recorded with its reason. A policy its node or a rule breaks is refused (FG409, naming them and the fix), unless p_move: then a move to a node inside it starts and the policy binds at its switch (the result names the move). FG400 for an empty list or an unknown region, FG404 for an unknown tenant.';

--
-- Name: tenant_limits; Type: TABLE; Schema: federation; Owner: fedgate_owner
--

CREATE TABLE federation.tenant_limits (
    tenant_id uuid NOT NULL,
    requests_per_second double precision,
    burst double precision,
    max_inflight integer,
    set_by text NOT NULL,
    set_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT tenant_limits_burst_check CHECK (((burst >= (1)::double precision) AND (burst <= (10000000)::double precision))),
    CONSTRAINT tenant_limits_check CHECK (((requests_per_second IS NULL) = (burst IS NULL))),
    CONSTRAINT tenant_limits_check1 CHECK (((requests_per_second IS NOT NULL) OR (max_inflight IS NOT NULL))),
    CONSTRAINT tenant_limits_max_inflight_check CHECK (((max_inflight >= 1) AND (max_inflight <= 100000))),
    CONSTRAINT tenant_limits_requests_per_second_check CHECK (((requests_per_second > (0)::double precision) AND (requests_per_second <= (1000000)::double precision))),
    CONSTRAINT tenant_limits_set_by_check CHECK (((length(set_by) >= 1) AND (length(set_by) <= 255)))
);

ALTER TABLE federation.tenant_limits OWNER TO fedgate_owner;

--
-- Name: TABLE tenant_limits; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON TABLE federation.tenant_limits IS 'A tenant''s quotas for the whole fleet: requests a second with the burst after a quiet spell, and handler calls in flight at once; who set them and when. No row: no quota.';

--
-- Name: set_tenant_limit(uuid, double precision, double precision, integer); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.set_tenant_limit(p_tenant uuid, p_rps double precision, p_burst double precision DEFAULT NULL::double precision, p_inflight integer DEFAULT NULL::integer) RETURNS federation.tenant_limits
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

ALTER FUNCTION federation.set_tenant_limit(p_tenant uuid, p_rps double precision, p_burst double precision, p_inflight integer) OWNER TO fedgate_owner;

--
-- Name: FUNCTION set_tenant_limit(p_tenant uuid, p_rps double precision, p_burst double precision, p_inflight integer); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.set_tenant_limit(p_tenant uuid, p_rps double precision, p_burst double precision, p_inflight integer) IS 'Sets a tenant''s quotas for the whole fleet (replacing any): requests a second with a burst (the rate when NULL), handler calls in flight at once, or both; every gateway worker holds its share. FG404 unknown tenant, FG400 neither given or a figure out of range.';

--
-- Name: set_tenant_status(uuid, text); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.set_tenant_status(p_tenant uuid, p_status text) RETURNS TABLE(tenant_id uuid, status text, node_id text)
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_row federation.tenant_registry;
BEGIN
    IF p_status IS NULL OR p_status NOT IN ('active', 'suspended') THEN
        RAISE EXCEPTION 'status must be active or suspended' USING ERRCODE = 'FG400';
    END IF;
    SELECT * INTO v_row FROM federation.tenant_registry t WHERE t.id = p_tenant FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'tenant % is not registered', p_tenant USING ERRCODE = 'FG404';
    END IF;
    IF v_row.status = 'provisioning' THEN
        RAISE EXCEPTION 'tenant % is still being created', p_tenant USING ERRCODE = 'FG409';
    END IF;
    UPDATE federation.tenant_registry t SET status = p_status WHERE t.id = p_tenant;
    tenant_id := p_tenant;
    status := p_status;
    node_id := coalesce((SELECT m.primary_node_id FROM federation.tenant_federation_map m WHERE m.tenant_id = p_tenant),
                        'default');
    RETURN NEXT;
END
$$;

ALTER FUNCTION federation.set_tenant_status(p_tenant uuid, p_status text) OWNER TO fedgate_owner;

--
-- Name: FUNCTION set_tenant_status(p_tenant uuid, p_status text); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.set_tenant_status(p_tenant uuid, p_status text) IS 'Suspends or resumes a tenant in the registry (active or suspended; FG409 while it is provisioning) and names the node that holds its data, where api.set_tenant_status must run too (fedgate tenant suspend|resume does both).';

--
-- Name: settle_registrations(uuid[], uuid[]); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.settle_registrations(p_present uuid[], p_absent uuid[]) RETURNS TABLE(confirmed bigint, undone bigint)
    LANGUAGE plpgsql SECURITY DEFINER
    SET search_path TO 'pg_catalog', 'pg_temp'
    AS $$
DECLARE
    v_confirmed bigint;
    v_undone bigint;
BEGIN
    UPDATE federation.tenant_registry SET status = 'active', updated_at = now()
    WHERE id = ANY (coalesce(p_present, '{}')) AND status = 'provisioning';
    GET DIAGNOSTICS v_confirmed = ROW_COUNT;
    -- The map row and routing rules go with the registry row (ON DELETE CASCADE).
    DELETE FROM federation.tenant_registry
    WHERE id = ANY (coalesce(p_absent, '{}')) AND status = 'provisioning';
    GET DIAGNOSTICS v_undone = ROW_COUNT;
    IF v_confirmed + v_undone > 0 THEN
        RAISE LOG 'fedgate: % registrations confirmed, % undone from what their nodes hold', v_confirmed, v_undone;
    END IF;
    RETURN QUERY SELECT v_confirmed, v_undone;
END
$$;

ALTER FUNCTION federation.settle_registrations(p_present uuid[], p_absent uuid[]) OWNER TO fedgate_owner;

--
-- Name: FUNCTION settle_registrations(p_present uuid[], p_absent uuid[]); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.settle_registrations(p_present uuid[], p_absent uuid[]) IS 'Settles provisioning registrations from what their nodes hold: p_present become active, p_absent are removed with their placement. Rows no longer provisioning are left alone. Returns how many of each. SECURITY DEFINER: the gateway''s catalog login may not delete registry rows itself.';

--
-- Name: stale_registrations(interval); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.stale_registrations(p_older_than interval) RETURNS TABLE(tenant_id uuid, node_id text)
    LANGUAGE sql STABLE
    AS $$
    SELECT r.id, coalesce(m.primary_node_id, 'default')
    FROM federation.tenant_registry r
    LEFT JOIN federation.tenant_federation_map m ON m.tenant_id = r.id
    WHERE r.status = 'provisioning' AND r.created_at < now() - p_older_than
    ORDER BY r.created_at
    LIMIT 1000;
$$;

ALTER FUNCTION federation.stale_registrations(p_older_than interval) OWNER TO fedgate_owner;

--
-- Name: FUNCTION stale_registrations(p_older_than interval); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.stale_registrations(p_older_than interval) IS 'Registrations still provisioning after p_older_than (at most 1,000, oldest first), each with the node that was to hold its row (the mapped node, else default).';

--
-- Name: start_drain(text, integer); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.start_drain(p_node text, p_parallel integer DEFAULT 1) RETURNS federation.jobs
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_stranded uuid[];
    v_count integer;
    v_job federation.jobs;
BEGIN
    IF p_parallel IS NULL OR p_parallel NOT BETWEEN 1 AND 16 THEN
        RAISE EXCEPTION 'a drain moves 1 to 16 tenants at once, not %', p_parallel USING ERRCODE = 'FG400';
    END IF;
    PERFORM federation.set_node_status(p_node, 'draining');
    SELECT array_agg(d.tenant_id ORDER BY d.tenant_id) FILTER (WHERE d.target_node IS NULL), count(*)
    INTO v_stranded, v_count FROM federation.drain_plan(p_node) d;
    IF v_stranded IS NOT NULL THEN
        RAISE EXCEPTION '% tenants of % have no other active node in their region and residency (first: %)',
            cardinality(v_stranded), p_node, v_stranded[1]
            USING ERRCODE = 'FG409', DETAIL = array_to_string(v_stranded[1:20], ','),
                  HINT = 'add a node to their region, then drain again';
    END IF;
    BEGIN
        v_job := federation.enqueue_job('drain', format('drain %s: %s tenants', p_node, v_count), NULL, p_node,
                                        jsonb_build_object('parallel', p_parallel));
    EXCEPTION WHEN unique_violation THEN
        RAISE EXCEPTION 'node % is already being drained', p_node USING ERRCODE = 'FG409',
            HINT = 'SELECT * FROM federation_jobs WHERE kind = ''drain''';
    END;
    PERFORM federation.record_plan(v_job.job_id, 'drain', p_node);
    RETURN v_job;
END
$$;

ALTER FUNCTION federation.start_drain(p_node text, p_parallel integer) OWNER TO fedgate_owner;

--
-- Name: FUNCTION start_drain(p_node text, p_parallel integer); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.start_drain(p_node text, p_parallel integer) IS 'A node goes draining (it serves, takes no new tenant) and a drain job is recorded with its moves (record_plan): its driver moves each tenant to an active node of its region, p_parallel at once. FG409 when a tenant has nowhere to go (DETAIL: up to 20 of them) or a drain of the node is open.';

--
-- Name: start_move(uuid, text, boolean, bigint, text); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.start_move(p_tenant uuid, p_target text, p_keep_source boolean DEFAULT false, p_parent bigint DEFAULT NULL::bigint, p_override text DEFAULT NULL::text) RETURNS federation.tenant_moves
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_status text;
    v_source text := federation.move_source(p_tenant);
    v_target_status text;
    v_override text;
    v_row federation.tenant_moves;
BEGIN
    SELECT r.status INTO v_status FROM federation.tenant_registry r WHERE r.id = p_tenant;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'tenant % is not registered', p_tenant USING ERRCODE = 'FG404';
    ELSIF v_status = 'provisioning' THEN
        RAISE EXCEPTION 'tenant % is still being created', p_tenant USING ERRCODE = 'FG409';
    END IF;
    SELECT n.status INTO v_target_status FROM federation.federation_nodes n WHERE n.node_id = p_target;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown node: %', p_target USING ERRCODE = 'FG404';
    ELSIF v_target_status <> 'active' THEN
        RAISE EXCEPTION 'node % is %: a move needs an active target', p_target, v_target_status USING ERRCODE = 'FG409';
    ELSIF p_target = v_source THEN
        RAISE EXCEPTION 'tenant % is already on node %', p_tenant, p_target USING ERRCODE = 'FG409';
    END IF;
    v_override := federation.check_residency(p_tenant, p_target, CASE WHEN p_parent IS NULL THEN 'move' ELSE 'drain' END,
                                             p_override);
    BEGIN
        INSERT INTO federation.tenant_moves (tenant_id, source_node, target_node, keep_source, residency_override)
        VALUES (p_tenant, v_source, p_target, coalesce(p_keep_source, false), v_override)
        RETURNING * INTO v_row;
    EXCEPTION WHEN unique_violation THEN
        RAISE EXCEPTION 'tenant % already has a move in progress', p_tenant USING ERRCODE = 'FG409',
            HINT = 'SELECT * FROM federation_moves WHERE tenant_id = ... ; resume or abort it';
    END;
    PERFORM federation.enqueue_job('move', format('move %s: tenant %s to %s', v_row.move_id, p_tenant, p_target),
                                   v_row.move_id, NULL, '{}'::jsonb, p_parent);
    IF p_parent IS NOT NULL THEN  -- a drain's or plan's move: its item knows it from now on
        UPDATE federation.plan_items i SET move_id = v_row.move_id WHERE i.job_id = p_parent AND i.tenant_id = p_tenant;
    END IF;
    RETURN v_row;
END
$$;

ALTER FUNCTION federation.start_move(p_tenant uuid, p_target text, p_keep_source boolean, p_parent bigint, p_override text) OWNER TO fedgate_owner;

--
-- Name: FUNCTION start_move(p_tenant uuid, p_target text, p_keep_source boolean, p_parent bigint, p_override text); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.start_move(p_tenant uuid, p_target text, p_keep_source boolean, p_parent bigint, p_override text) IS 'Opens a move of a tenant from the node its data is on (mapped primary, else default) to an active target (state copying) and records its job (a drain''s or plan''s move: p_parent, that job, whose item it becomes), which any live gateway drives. FG404 unknown tenant or node, FG409 provisioning tenant, inactive target, same node, or a move already open; FG451 a target outside the tenant''s residency, unless p_override gives the reason (recorded, and kept by the tenant''s map row after the switch).';

--
-- Name: start_plan(text, integer, integer, text, text, numeric, integer); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.start_plan(p_kind text, p_parallel integer DEFAULT 1, p_max_rows_per_s integer DEFAULT NULL::integer, p_region text DEFAULT NULL::text, p_by text DEFAULT 'rows'::text, p_threshold numeric DEFAULT 0.1, p_max_moves integer DEFAULT NULL::integer) RETURNS federation.jobs
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_job federation.jobs;
    v_count integer;
BEGIN
    IF p_kind IS NULL OR p_kind NOT IN ('legacy', 'rebalance') THEN
        RAISE EXCEPTION 'a plan job is legacy or rebalance, not % (a drain: start_drain)', coalesce(p_kind, '(none)')
            USING ERRCODE = 'FG400';
    ELSIF p_parallel IS NULL OR p_parallel NOT BETWEEN 1 AND 16 THEN
        RAISE EXCEPTION 'a plan moves 1 to 16 tenants at once, not %', p_parallel USING ERRCODE = 'FG400';
    ELSIF p_max_rows_per_s IS NOT NULL AND p_max_rows_per_s < 1 THEN
        RAISE EXCEPTION 'a pace is at least 1 row per second, not %', p_max_rows_per_s USING ERRCODE = 'FG400';
    END IF;
    IF p_kind = 'rebalance' THEN
        PERFORM federation.plan_setting(p_by, p_threshold, p_max_moves);
    END IF;
    BEGIN
        v_job := federation.enqueue_job('plan', CASE p_kind WHEN 'legacy' THEN 'legacy tenants to their home regions'
                                                ELSE format('rebalance %s by %s', coalesce(p_region, 'every region'), p_by) END,
                                        NULL, NULL, jsonb_strip_nulls(jsonb_build_object(
                                            'plan', p_kind, 'parallel', p_parallel, 'maxRowsPerS', p_max_rows_per_s,
                                            'region', p_region,
                                            'by', CASE WHEN p_kind = 'rebalance' THEN p_by END,
                                            'threshold', CASE WHEN p_kind = 'rebalance' THEN p_threshold END,
                                            'maxMoves', p_max_moves)));
    EXCEPTION WHEN unique_violation THEN
        SELECT * INTO v_job FROM federation.jobs j WHERE j.kind = 'plan' AND j.params ->> 'plan' = p_kind
          AND coalesce(j.params ->> 'region', '') = coalesce(p_region, '') AND j.state IN ('pending', 'running');
        RAISE EXCEPTION 'a % plan is already open: job %', p_kind, v_job.job_id USING ERRCODE = 'FG409',
            DETAIL = v_job.job_id::text, HINT = 'resume it (the same command resumes an open plan) or watch federation_plans';
    END;
    v_count := federation.record_plan(v_job.job_id, p_kind, NULL, p_region, p_by, p_threshold, p_max_moves);
    UPDATE federation.jobs j SET subject = left(format('%s: %s moves', j.subject, v_count), 255)
    WHERE j.job_id = v_job.job_id RETURNING * INTO v_job;
    RETURN v_job;
END
$$;

ALTER FUNCTION federation.start_plan(p_kind text, p_parallel integer, p_max_rows_per_s integer, p_region text, p_by text, p_threshold numeric, p_max_moves integer) OWNER TO fedgate_owner;

--
-- Name: FUNCTION start_plan(p_kind text, p_parallel integer, p_max_rows_per_s integer, p_region text, p_by text, p_threshold numeric, p_max_moves integer); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.start_plan(p_kind text, p_parallel integer, p_max_rows_per_s integer, p_region text, p_by text, p_threshold numeric, p_max_moves integer) IS 'Records a plan job (legacy: every tenant on the default node home; rebalance: a region evened out) and its moves (record_plan), which any live gateway drives, p_parallel at once, at most p_max_rows_per_s rows a second when given. FG400 bad settings, FG409 (DETAIL: its job) one of the kind (and region) is open, or a tenant has nowhere to go.';

--
-- Name: stop_move(bigint, text, text); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.stop_move(p_move bigint, p_state text, p_error text) RETURNS federation.tenant_moves
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_row federation.tenant_moves;
BEGIN
    UPDATE federation.tenant_moves m SET state = p_state, error = left(p_error, 2000), fenced_at = NULL,
                                         updated_at = now(), finished_at = now()
    WHERE m.move_id = p_move AND NOT m.switched AND m.state IN ('copying', 'catching_up', 'verifying', 'cutover')
    RETURNING * INTO v_row;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'move % cannot stop now: it is finished, or past its switch (it only goes forward)', p_move
            USING ERRCODE = 'FG409';
    END IF;
    RETURN v_row;
END
$$;

ALTER FUNCTION federation.stop_move(p_move bigint, p_state text, p_error text) OWNER TO fedgate_owner;

--
-- Name: FUNCTION stop_move(p_move bigint, p_state text, p_error text); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.stop_move(p_move bigint, p_state text, p_error text) IS 'Ends a move before its switch as aborted or failed, with the reason; the fence lifts and the tenant stays on its source. The mover then removes what it made on the target.';

--
-- Name: switch_back_move(bigint); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.switch_back_move(p_move bigint) RETURNS federation.tenant_moves
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_row federation.tenant_moves;
    v_region text;
BEGIN
    SELECT * INTO v_row FROM federation.tenant_moves m WHERE m.move_id = p_move FOR UPDATE;
    IF NOT FOUND OR v_row.state <> 'switched' OR v_row.fenced_at IS NULL THEN
        RAISE EXCEPTION 'move % is not switched and fenced to go back', p_move USING ERRCODE = 'FG409';
    END IF;
    v_region := federation.rehome_tenant(v_row.tenant_id, v_row.target_node, v_row.source_node,
                                         v_row.residency_override, v_row.source_node = 'default');
    UPDATE federation.tenant_registry SET region = v_region, updated_at = now() WHERE id = v_row.tenant_id;
    UPDATE federation.tenant_moves m SET state = 'reversed', switched = false, reversed = true, fenced_at = NULL,
                                         flips = m.flips + 1, requested = NULL, flip_error = NULL, updated_at = now()
    WHERE m.move_id = p_move
    RETURNING * INTO v_row;
    RETURN v_row;
END
$$;

ALTER FUNCTION federation.switch_back_move(p_move bigint) OWNER TO fedgate_owner;

--
-- Name: FUNCTION switch_back_move(p_move bigint); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.switch_back_move(p_move bigint) IS 'The reverse switch, in one transaction: the tenant''s map row and rules name the source again (an unmapped tenant of the default node is unmapped again), its home region the source''s, the fence lifts, the move is reversed. Only for a switched move fenced to go back.';

--
-- Name: switch_move(bigint, interval); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.switch_move(p_move bigint, p_reversible_for interval DEFAULT NULL::interval) RETURNS federation.tenant_moves
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_row federation.tenant_moves;
    v_region text;
BEGIN
    SELECT * INTO v_row FROM federation.tenant_moves m WHERE m.move_id = p_move FOR UPDATE;
    IF NOT FOUND OR v_row.fenced_at IS NULL OR NOT ((v_row.state = 'cutover' AND NOT v_row.switched)
                                                    OR v_row.state = 'reversed') THEN
        RAISE EXCEPTION 'move % is not fenced at its cutover (or reversed and fenced to go forward again)', p_move
            USING ERRCODE = 'FG409';
    END IF;
    v_region := federation.rehome_tenant(v_row.tenant_id, v_row.source_node, v_row.target_node,
                                         v_row.residency_override);
    -- A policy planned with this move (set_residency p_move) binds now that the tenant is inside it.
    UPDATE federation.tenant_registry
    SET region = v_region, residency = coalesce(v_row.residency, residency), updated_at = now()
    WHERE id = v_row.tenant_id;
    DELETE FROM federation.move_objects o WHERE o.move_id = p_move AND o.kind = 'copy';  -- the tenant's home now
    UPDATE federation.tenant_moves m SET
        switched = true, reversed = false, fenced_at = NULL, flips = m.flips + 1, requested = NULL, flip_error = NULL,
        -- reversible (reverse replication running) until its window ends, else straight to its cleanup
        state = CASE WHEN m.state = 'reversed' OR coalesce(p_reversible_for, '0') > '0' THEN 'switched'
                     ELSE 'cleanup' END,
        reversible_until = CASE WHEN m.state = 'reversed' THEN m.reversible_until
                                WHEN coalesce(p_reversible_for, '0') > '0' THEN now() + p_reversible_for END,
        updated_at = now()
    WHERE m.move_id = p_move
    RETURNING * INTO v_row;
    RETURN v_row;
END
$$;

ALTER FUNCTION federation.switch_move(p_move bigint, p_reversible_for interval) OWNER TO fedgate_owner;

--
-- Name: FUNCTION switch_move(p_move bigint, p_reversible_for interval); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.switch_move(p_move bigint, p_reversible_for interval) IS 'The switch, in one transaction: the tenant''s map row and routing rules name the target (its primary region the target''s), the fence lifts; a residency policy planned with the move binds. With p_reversible_for the move is switched (its mover keeps the source in sync) and reversible until then, else it goes to cleanup. Only for a move fenced at its cutover, or a reversed one fenced to go forward again.';

--
-- Name: sync_node_health(); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.sync_node_health() RETURNS trigger
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

ALTER FUNCTION federation.sync_node_health() OWNER TO fedgate_owner;

--
-- Name: FUNCTION sync_node_health(); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.sync_node_health() IS 'Trigger of federation_node_health: keeps federation_nodes.unhealthy_checked_at, the serving state resolve_node reads.';

--
-- Name: sync_residency(); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.sync_residency() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_conflict record;
BEGIN
    UPDATE federation.tenant_federation_map m SET residency = NEW.residency WHERE m.tenant_id = NEW.id;
    IF NEW.residency IS NOT NULL THEN  -- the tenant's node (the default one when unmapped) and its rules
        SELECT * INTO v_conflict FROM federation.residency_conflicts(NEW.id, NEW.residency) LIMIT 1;
        IF FOUND THEN
            PERFORM federation.refuse_residency(NEW.id, 'policy', v_conflict.node_id, v_conflict.region, NEW.residency,
                                                CASE WHEN v_conflict.kind = 'rule' THEN 'A rule''s' ELSE 'Its' END);
        END IF;
    END IF;
    -- The map's own notification is skipped for writes made by triggers: the gateways drop this tenant's
    -- cached resolutions (and the residency they carry) from this one.
    PERFORM federation.federation_emit(jsonb_build_object('table', 'tenant_registry', 'op', 'update',
                                                          'tenant_ids', jsonb_build_array(NEW.id)));
    RETURN NULL;
END
$$;

ALTER FUNCTION federation.sync_residency() OWNER TO fedgate_owner;

--
-- Name: FUNCTION sync_residency(); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.sync_residency() IS 'Registry trigger on a residency change: copies it to the map row, refuses a policy the tenant''s node (the default node when unmapped) or a rule breaks without an override (FG451), and notifies the gateways.';

--
-- Name: sync_top_routes(); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.sync_top_routes() RETURNS trigger
    LANGUAGE plpgsql
    SET enable_seqscan TO 'off'
    AS $$
DECLARE
    v_tenants uuid[];
    v_tenant uuid;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        SELECT array_agg(DISTINCT x.t) INTO v_tenants
        FROM (SELECT c.tenant_id FROM changed c UNION ALL SELECT o.tenant_id FROM old_rows o) x(t);
    ELSE
        SELECT array_agg(DISTINCT c.tenant_id) INTO v_tenants FROM changed c;
    END IF;
    IF v_tenants IS NULL THEN
        RETURN NULL;  -- the statement touched no row
    END IF;
    -- Only map rows whose arrays change are written, one tenant at a time through the tenant_id key:
    -- a plan that cannot go wrong when the map's statistics are stale. A set-based join of the
    -- touched tenants with the map went quadratic when a vacuumed map was believed empty (a nested
    -- loop over the whole map per tenant: 200 placements took 7.7 s, a 20,000-tenant rule load ran
    -- for minutes); this loop costs about 50 us per touched tenant whatever the statistics say.
    FOREACH v_tenant IN ARRAY v_tenants LOOP
        UPDATE federation.tenant_federation_map m
        SET route_regions = x.regions, route_nodes = x.nodes, route_is_primary = x.is_primary
        FROM federation.top_routes(ARRAY[v_tenant]) x
        WHERE m.tenant_id = v_tenant
          AND (m.route_regions, m.route_nodes, m.route_is_primary) IS DISTINCT FROM (x.regions, x.nodes, x.is_primary);
    END LOOP;
    RETURN NULL;
END
$$;

ALTER FUNCTION federation.sync_top_routes() OWNER TO fedgate_owner;

--
-- Name: FUNCTION sync_top_routes(); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.sync_top_routes() IS 'Statement trigger of federation_routing: recomputes the route_* arrays of the map rows of the tenants a statement touched (only where they change), which resolve_node reads.';

--
-- Name: tenant_load(text, text); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.tenant_load(p_by text, p_node text DEFAULT NULL::text) RETURNS TABLE(tenant_id uuid, node_id text, region text, cost bigint, pinned boolean, residency text[], moving boolean)
    LANGUAGE sql STABLE
    AS $$
    SELECT m.tenant_id, m.primary_node_id::text, m.primary_region::text,
           CASE WHEN p_by = 'rows' THEN coalesce(s.rows, 0) ELSE coalesce(q.requests, 0) END::bigint,
           EXISTS (SELECT 1 FROM federation.federation_routing r
                   WHERE r.tenant_id = m.tenant_id AND r.node_id = m.primary_node_id AND r.pinned),
           m.residency,
           EXISTS (SELECT 1 FROM federation.tenant_moves x
                   WHERE x.tenant_id = m.tenant_id AND x.state NOT IN ('done', 'aborted', 'failed'))
    FROM federation.tenant_federation_map m
    LEFT JOIN federation.tenant_sizes s ON s.tenant_id = m.tenant_id AND p_by = 'rows'
    LEFT JOIN (SELECT r.tenant_id, sum(r.requests) AS requests FROM federation.tenant_request_stats r
               WHERE p_by = 'requests' AND r.period >= now() - interval '1 hour'
                 AND (p_node IS NULL OR r.node_id = p_node)
               GROUP BY r.tenant_id) q ON q.tenant_id = m.tenant_id
    WHERE p_node IS NULL OR m.primary_node_id = p_node;
$$;

ALTER FUNCTION federation.tenant_load(p_by text, p_node text) OWNER TO fedgate_owner;

--
-- Name: FUNCTION tenant_load(p_by text, p_node text); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.tenant_load(p_by text, p_node text) IS 'Each mapped tenant (of one node, or all): its load by rows (its measured size, tenant_sizes) or requests (served in the last hour, federation_tenant_stats), whether a pinned rule keeps it on its node, its residency, whether a move of it is open.';

--
-- Name: tenant_residency(uuid); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.tenant_residency(p_tenant uuid) RETURNS text[]
    LANGUAGE sql STABLE
    AS $$ SELECT r.residency FROM federation.tenant_registry r WHERE r.id = p_tenant $$;

ALTER FUNCTION federation.tenant_residency(p_tenant uuid) OWNER TO fedgate_owner;

--
-- Name: FUNCTION tenant_residency(p_tenant uuid); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.tenant_residency(p_tenant uuid) IS 'The regions the tenant may be served in; NULL: unrestricted (or no such tenant).';

--
-- Name: top_routes(uuid[]); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.top_routes(p_tenants uuid[]) RETURNS TABLE(tenant_id uuid, regions text[], nodes text[], is_primary boolean[])
    LANGUAGE sql STABLE
    AS $$
    -- Inlined into its callers (a set-returning SQL function): one plan for one tenant or a million.
    SELECT c.tenant_id,
           coalesce(array_agg(x.region ORDER BY x.region) FILTER (WHERE x.region IS NOT NULL), '{}'),
           coalesce(array_agg(x.node_id ORDER BY x.region) FILTER (WHERE x.region IS NOT NULL), '{}'),
           coalesce(array_agg(x.is_primary ORDER BY x.region) FILTER (WHERE x.region IS NOT NULL), '{}')
    FROM unnest(p_tenants) AS c(tenant_id)
    LEFT JOIN LATERAL (
        SELECT DISTINCT ON (r.region) r.region::text AS region, r.node_id, r.is_primary
        FROM federation.federation_routing r
        WHERE r.tenant_id = c.tenant_id
        ORDER BY r.region, r.rank_score DESC, r.node_id
    ) x ON true
    GROUP BY c.tenant_id
$$;

ALTER FUNCTION federation.top_routes(p_tenants uuid[]) OWNER TO fedgate_owner;

--
-- Name: FUNCTION top_routes(p_tenants uuid[]); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.top_routes(p_tenants uuid[]) IS 'Each tenant''s top-ranked rule per region (highest rank_score, then node_id), as the route_* arrays of its map row hold them.';

--
-- Name: unfence_move(bigint, text); Type: FUNCTION; Schema: federation; Owner: fedgate_owner
--

CREATE FUNCTION federation.unfence_move(p_move bigint, p_error text) RETURNS federation.tenant_moves
    LANGUAGE plpgsql
    AS $$
DECLARE
    v_row federation.tenant_moves;
BEGIN
    UPDATE federation.tenant_moves m SET fenced_at = NULL, requested = NULL, flip_error = left(p_error, 2000),
                                         updated_at = now()
    WHERE m.move_id = p_move AND m.state IN ('switched', 'reversed')
    RETURNING * INTO v_row;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'move % is not switched or reversed', p_move USING ERRCODE = 'FG409';
    END IF;
    RETURN v_row;
END
$$;

ALTER FUNCTION federation.unfence_move(p_move bigint, p_error text) OWNER TO fedgate_owner;

--
-- Name: FUNCTION unfence_move(p_move bigint, p_error text); Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON FUNCTION federation.unfence_move(p_move bigint, p_error text) IS 'A reverse or forward that did not switch: the fence lifts, the tenant stays where it is (the move still reversible), the error is kept in flip_error.';

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
-- Name: enrollment_failures; Type: TABLE; Schema: federation; Owner: fedgate_owner
--

CREATE TABLE federation.enrollment_failures (
    client_addr text NOT NULL,
    minute timestamp with time zone NOT NULL,
    failures integer NOT NULL,
    CONSTRAINT enrollment_failures_client_addr_check CHECK (((length(client_addr) >= 1) AND (length(client_addr) <= 64))),
    CONSTRAINT enrollment_failures_failures_check CHECK ((failures > 0))
);

ALTER TABLE federation.enrollment_failures OWNER TO fedgate_owner;

--
-- Name: TABLE enrollment_failures; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON TABLE federation.enrollment_failures IS 'Failed enrollments per client address and minute, counted by the gateways for the whole fleet (federation.count_enrollment_failure); rows older than an hour are swept by the next failure.';

--
-- Name: gateway_instances; Type: TABLE; Schema: federation; Owner: fedgate_owner
--

CREATE TABLE federation.gateway_instances (
    instance_id text NOT NULL,
    host text NOT NULL,
    pid integer NOT NULL,
    version text NOT NULL,
    workers integer NOT NULL,
    ttl interval NOT NULL,
    started_at timestamp with time zone NOT NULL,
    last_seen_at timestamp with time zone DEFAULT now() NOT NULL,
    stopped_at timestamp with time zone,
    CONSTRAINT gateway_instances_host_check CHECK (((length(host) >= 1) AND (length(host) <= 255))),
    CONSTRAINT gateway_instances_instance_id_check CHECK ((instance_id ~ '^[0-9a-f]{32}$'::text)),
    CONSTRAINT gateway_instances_pid_check CHECK ((pid > 0)),
    CONSTRAINT gateway_instances_ttl_check CHECK ((ttl > '00:00:00'::interval)),
    CONSTRAINT gateway_instances_version_check CHECK (((length(version) >= 1) AND (length(version) <= 64))),
    CONSTRAINT gateway_instances_workers_check CHECK ((workers > 0))
);

ALTER TABLE federation.gateway_instances OWNER TO fedgate_owner;

--
-- Name: TABLE gateway_instances; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON TABLE federation.gateway_instances IS 'Every gateway instance (one fedgate serve: a process group) that has run on this catalog: where, which version, how many workers, its heartbeat TTL, when it started, was last seen and stopped. Rows of instances gone for a day are swept by the next heartbeat.';

--
-- Name: federation_gateways; Type: VIEW; Schema: federation; Owner: fedgate_owner
--

CREATE VIEW federation.federation_gateways AS
 SELECT g.instance_id,
    g.host,
    g.pid,
    g.version,
    g.workers,
    g.started_at AS started,
    g.last_seen_at AS last_seen,
    ((g.stopped_at IS NULL) AND (g.last_seen_at > (now() - g.ttl))) AS alive,
        CASE
            WHEN (g.stopped_at IS NOT NULL) THEN 'stopped'::text
            WHEN (g.last_seen_at > (now() - g.ttl)) THEN 'alive'::text
            ELSE 'gone'::text
        END AS state,
    g.ttl,
    g.stopped_at AS stopped
   FROM federation.gateway_instances g;

ALTER TABLE federation.federation_gateways OWNER TO fedgate_owner;

--
-- Name: VIEW federation_gateways; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON VIEW federation.federation_gateways IS 'The fleet''s gateway instances: host, pid, version, workers, started, last seen, and alive (seen within its TTL and not stopped) with its state: alive, gone (not seen for its TTL) or stopped; what fedgate gateway list, GET /admin/v1/gateways and the status page show.';

--
-- Name: move_objects; Type: TABLE; Schema: federation; Owner: fedgate_owner
--

CREATE TABLE federation.move_objects (
    move_id bigint NOT NULL,
    node_id text NOT NULL,
    kind text NOT NULL,
    name text NOT NULL,
    recorded_at timestamp with time zone DEFAULT now() NOT NULL,
    dropped_at timestamp with time zone,
    CONSTRAINT move_objects_kind_check CHECK ((kind = ANY (ARRAY['publication'::text, 'slot'::text, 'subscription'::text, 'copy'::text]))),
    CONSTRAINT move_objects_name_check CHECK (((length(name) >= 1) AND (length(name) <= 255))),
    CONSTRAINT move_objects_node_id_check CHECK (((length(node_id) >= 1) AND (length(node_id) <= 255)))
);

ALTER TABLE federation.move_objects OWNER TO fedgate_owner;

--
-- Name: TABLE move_objects; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON TABLE federation.move_objects IS 'What a move makes on its nodes (publication and slot on the source, subscription and the tenant''s copied rows on the target), recorded before it is made and marked when dropped: abort and cleanup drop what is recorded.';

--
-- Name: federation_jobs; Type: VIEW; Schema: federation; Owner: fedgate_owner
--

CREATE VIEW federation.federation_jobs AS
 SELECT j.job_id,
    j.kind,
    j.subject,
    j.state,
    j.move_id,
    j.node_id,
    j.parent_id,
    j.owner,
    j.owner_instance,
    j.lease_until,
    ((j.state = 'running'::text) AND (j.lease_until >= now())) AS held,
    j.attempts,
    j.step,
    j.last_error,
    j.not_before,
    j.created_by,
    j.created_at AS created,
    j.started_at AS started,
    j.finished_at AS finished,
    ( SELECT COALESCE(jsonb_agg(jsonb_build_object('node', o.node_id, 'kind', o.kind, 'name', o.name) ORDER BY o.node_id, o.kind), '[]'::jsonb) AS "coalesce"
           FROM federation.move_objects o
          WHERE ((o.move_id = j.move_id) AND (o.dropped_at IS NULL))) AS objects
   FROM federation.jobs j;

ALTER TABLE federation.federation_jobs OWNER TO fedgate_owner;

--
-- Name: VIEW federation_jobs; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON VIEW federation.federation_jobs IS 'Every job (moves, drains, plans): kind, subject, state, its driver (owner, instance) and whether its lease holds, attempts at the step that last failed with the error, who created it, and the objects its move has on the nodes now; what fedgate job list and GET /admin/v1/jobs show.';

--
-- Name: legacy_usage; Type: TABLE; Schema: federation; Owner: fedgate_owner
--

CREATE TABLE federation.legacy_usage (
    period timestamp with time zone NOT NULL,
    tenant_id uuid,
    client text NOT NULL,
    requests bigint NOT NULL,
    refused bigint DEFAULT 0 NOT NULL,
    last_seen timestamp with time zone NOT NULL,
    CONSTRAINT legacy_usage_client_check CHECK (((length(client) >= 1) AND (length(client) <= 300))),
    CONSTRAINT legacy_usage_refused_check CHECK ((refused >= 0)),
    CONSTRAINT legacy_usage_requests_check CHECK ((requests >= 0))
);

ALTER TABLE federation.legacy_usage OWNER TO fedgate_owner;

--
-- Name: TABLE legacy_usage; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON TABLE federation.legacy_usage IS 'Legacy-namespace requests per minute, tenant (NULL: a call that names none) and client (the token''s role and subject), as the gateways report them; kept 8 days; read federation_legacy_usage.';

--
-- Name: federation_legacy_usage; Type: VIEW; Schema: federation; Owner: fedgate_owner
--

CREATE VIEW federation.federation_legacy_usage AS
 SELECT u.tenant_id,
    u.client,
    sum(u.requests) FILTER (WHERE (u.period >= (now() - '01:00:00'::interval))) AS requests_1h,
    sum(u.requests) FILTER (WHERE (u.period >= (now() - '24:00:00'::interval))) AS requests_24h,
    sum(u.requests) AS requests_7d,
    sum(u.refused) FILTER (WHERE (u.period >= (now() - '24:00:00'::interval))) AS refused_24h,
    max(u.last_seen) AS last_seen
   FROM federation.legacy_usage u
  WHERE (u.period >= (now() - '7 days'::interval))
  GROUP BY u.tenant_id, u.client;

ALTER TABLE federation.federation_legacy_usage OWNER TO fedgate_owner;

--
-- Name: VIEW federation_legacy_usage; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON VIEW federation.federation_legacy_usage IS 'Who still calls the legacy namespace: per tenant (NULL: calls that name none) and client (the token''s role and subject), requests over the last hour, 24 hours and 7 days, those refused (410) in 24 hours, and when it was last seen.';

--
-- Name: federation_move_objects; Type: VIEW; Schema: federation; Owner: fedgate_owner
--

CREATE VIEW federation.federation_move_objects AS
 SELECT o.move_id,
    o.node_id,
    o.kind,
    o.name,
    o.recorded_at AS recorded,
    o.dropped_at AS dropped
   FROM federation.move_objects o;

ALTER TABLE federation.federation_move_objects OWNER TO fedgate_owner;

--
-- Name: VIEW federation_move_objects; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON VIEW federation.federation_move_objects IS 'What each move made on its nodes (publication, slot, subscription, the target''s copy), when it was recorded (before it was made) and dropped.';

--
-- Name: federation_moves; Type: VIEW; Schema: federation; Owner: fedgate_owner
--

CREATE VIEW federation.federation_moves AS
 SELECT m.move_id,
    m.tenant_id,
    m.source_node,
    m.target_node,
    m.state,
    ( SELECT COALESCE(sum((e.v)::bigint), (0)::numeric) AS "coalesce"
           FROM jsonb_each_text(m.rows_copied) e(k, v)) AS rows_copied,
    ( SELECT COALESCE(sum((e.v)::bigint), (0)::numeric) AS "coalesce"
           FROM jsonb_each_text(m.rows_expected) e(k, v)) AS rows_expected,
    m.lag_bytes AS lag,
    m.started_at AS started,
    m.pause_ms,
    m.verify_result,
    m.error,
    (m.fenced_at IS NOT NULL) AS fenced,
    m.switched,
    m.keep_source,
    m.updated_at,
    m.finished_at,
    m.residency_override,
    m.residency AS residency_planned,
    ((m.reversible_until IS NOT NULL) AND (m.state = ANY (ARRAY['switched'::text, 'reversed'::text]))) AS reversible,
    m.reversible_until,
    m.reversed,
    m.requested,
    m.flips,
    m.flip_pause_ms,
    m.flip_error
   FROM federation.tenant_moves m;

ALTER TABLE federation.federation_moves OWNER TO fedgate_owner;

--
-- Name: VIEW federation_moves; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON VIEW federation.federation_moves IS 'Every move: tenant, source and target, state, rows copied of expected, replication lag (bytes), start, the tenant''s write pause (ms), verification result, error, the residency override it carries and the policy it applies at its switch, whether it can be reversed and until when, whether it was, what an operator asked of it, its switches and the last reverse''s or forward''s pause and error; what fedgate tenant move shows.';

--
-- Name: federation_nodes; Type: TABLE; Schema: federation; Owner: fedgate_owner
--

CREATE TABLE federation.federation_nodes (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    node_id text NOT NULL,
    region fedgate.region_code NOT NULL,
    database_url text NOT NULL,
    status text DEFAULT 'active'::text NOT NULL,
    priority integer DEFAULT 0 NOT NULL,
    placement_weight integer DEFAULT 100 NOT NULL,
    metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    unhealthy_checked_at timestamp with time zone,
    capacity integer DEFAULT 1 NOT NULL,
    CONSTRAINT federation_nodes_capacity_check CHECK ((capacity > 0)),
    CONSTRAINT federation_nodes_database_url_check CHECK ((length(database_url) > 0)),
    CONSTRAINT federation_nodes_metadata_check CHECK ((jsonb_typeof(metadata) = 'object'::text)),
    CONSTRAINT federation_nodes_node_id_check CHECK ((node_id ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$'::text)),
    CONSTRAINT federation_nodes_placement_weight_check CHECK ((placement_weight > 0)),
    CONSTRAINT federation_nodes_status_check CHECK ((status = ANY (ARRAY['active'::text, 'draining'::text, 'down'::text])))
);

ALTER TABLE federation.federation_nodes OWNER TO fedgate_owner;

--
-- Name: TABLE federation_nodes; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON TABLE federation.federation_nodes IS 'Federation nodes (databases). status: active serves and takes new tenants, draining serves only, down serves nothing. database_url is not readable by fedgate_api.';

--
-- Name: COLUMN federation_nodes.database_url; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON COLUMN federation.federation_nodes.database_url IS 'libpq URL or key=value string, or env:VAR (read from the gateway''s environment), or service=NAME; ''self'' is the control database.';

--
-- Name: COLUMN federation_nodes.placement_weight; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON COLUMN federation.federation_nodes.placement_weight IS 'Relative share of new tenants placed in the node''s region.';

--
-- Name: COLUMN federation_nodes.unhealthy_checked_at; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON COLUMN federation.federation_nodes.unhealthy_checked_at IS 'When the latest health report said unhealthy (NULL when it said healthy, or there is none). Maintained from federation_node_health.';

--
-- Name: COLUMN federation_nodes.capacity; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON COLUMN federation.federation_nodes.capacity IS 'The node''s share of its region''s load against the others'' (default 1: a node of capacity 2 is meant to carry twice the load of one of capacity 1); placement and the rebalancer use it, with placement_weight for placement.';

--
-- Name: node_load; Type: TABLE; Schema: federation; Owner: fedgate_owner
--

CREATE TABLE federation.node_load (
    node_id text NOT NULL,
    rows bigint DEFAULT 0 NOT NULL,
    requests double precision DEFAULT 0 NOT NULL,
    placed integer DEFAULT 0 NOT NULL,
    measured_at timestamp with time zone,
    CONSTRAINT node_load_placed_check CHECK ((placed >= 0)),
    CONSTRAINT node_load_requests_check CHECK ((requests >= (0)::double precision)),
    CONSTRAINT node_load_rows_check CHECK ((rows >= 0))
);

ALTER TABLE federation.node_load OWNER TO fedgate_owner;

--
-- Name: TABLE node_load; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON TABLE federation.node_load IS 'A node''s load as last measured: the tenant rows it holds (its statistics, read by the health checker), its requests per minute over the last 10 minutes (federation_tenant_stats), and the tenants placed on it since (each counted as one row until the next measurement).';

--
-- Name: tenant_federation_map; Type: TABLE; Schema: federation; Owner: fedgate_owner
--

CREATE TABLE federation.tenant_federation_map (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    tenant_id uuid NOT NULL,
    primary_node_id text NOT NULL,
    primary_region fedgate.region_code NOT NULL,
    federation_metadata jsonb DEFAULT '{}'::jsonb NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    route_regions text[] DEFAULT '{}'::text[] NOT NULL,
    route_nodes text[] DEFAULT '{}'::text[] NOT NULL,
    route_is_primary boolean[] DEFAULT '{}'::boolean[] NOT NULL,
    residency text[],
    residency_override text,
    CONSTRAINT tenant_federation_map_federation_metadata_check CHECK ((jsonb_typeof(federation_metadata) = 'object'::text)),
    CONSTRAINT tenant_federation_map_residency_override_check CHECK (((residency_override IS NULL) OR ((length(btrim(residency_override)) >= 1) AND (length(btrim(residency_override)) <= 500))))
);

ALTER TABLE federation.tenant_federation_map OWNER TO fedgate_owner;

--
-- Name: TABLE tenant_federation_map; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON TABLE federation.tenant_federation_map IS 'Each federated tenant''s primary node and region; unmapped tenants live on the default node.';

--
-- Name: COLUMN tenant_federation_map.route_regions; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON COLUMN federation.tenant_federation_map.route_regions IS 'Regions that have routing rules for this tenant (sorted); route_nodes and route_is_primary hold, position for position, the rule ranked first there (highest rank_score, then node_id). Kept by a trigger on federation_routing.';

--
-- Name: COLUMN tenant_federation_map.route_nodes; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON COLUMN federation.tenant_federation_map.route_nodes IS 'See route_regions.';

--
-- Name: COLUMN tenant_federation_map.route_is_primary; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON COLUMN federation.tenant_federation_map.route_is_primary IS 'See route_regions.';

--
-- Name: COLUMN tenant_federation_map.residency; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON COLUMN federation.tenant_federation_map.residency IS 'A copy of tenant_registry.residency kept by triggers, read by resolve_node''s fast path with the map row.';

--
-- Name: COLUMN tenant_federation_map.residency_override; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON COLUMN federation.tenant_federation_map.residency_override IS 'Why the tenant''s node may lie outside its residency (an operator''s recorded override); NULL: it may not.';

--
-- Name: federation_node_status; Type: VIEW; Schema: federation; Owner: fedgate_owner
--

CREATE VIEW federation.federation_node_status AS
 SELECT n.node_id,
    (n.region)::text AS region,
    n.status,
    n.priority,
    n.placement_weight,
    federation.health_state(h.healthy, h.checked_at) AS health,
    h.latency_ms,
    h.consecutive_failures,
    h.last_error,
    h.checked_at AS last_check_at,
    h.last_change_at,
    federation.node_serving(n.status, n.unhealthy_checked_at) AS serving,
    ( SELECT count(*) AS count
           FROM federation.tenant_federation_map m
          WHERE (m.primary_node_id = n.node_id)) AS primary_tenants,
    n.capacity,
    l.rows AS load_rows,
    l.requests AS load_requests_per_min,
    l.placed AS placed_since_measured,
    l.measured_at AS load_measured_at
   FROM ((federation.federation_nodes n
     LEFT JOIN federation.federation_node_health h ON ((h.node_id = n.node_id)))
     LEFT JOIN federation.node_load l ON ((l.node_id = n.node_id)));

ALTER TABLE federation.federation_node_status OWNER TO fedgate_owner;

--
-- Name: VIEW federation_node_status; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON VIEW federation.federation_node_status IS 'One row per node: status, health (unknown/stale/healthy/unhealthy), last check, consecutive failures, last error, whether it serves, tenants placed on it, its capacity and its load as last measured (tenant rows, requests a minute, tenants placed since). No database URL.';

--
-- Name: plan_items; Type: TABLE; Schema: federation; Owner: fedgate_owner
--

CREATE TABLE federation.plan_items (
    job_id bigint NOT NULL,
    "position" integer NOT NULL,
    tenant_id uuid NOT NULL,
    source_node text NOT NULL,
    target_node text NOT NULL,
    cost bigint,
    why text NOT NULL,
    move_id bigint,
    CONSTRAINT plan_items_cost_check CHECK ((cost >= 0)),
    CONSTRAINT plan_items_position_check CHECK (("position" > 0)),
    CONSTRAINT plan_items_why_check CHECK (((length(why) >= 1) AND (length(why) <= 500)))
);

ALTER TABLE federation.plan_items OWNER TO fedgate_owner;

--
-- Name: TABLE plan_items; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON TABLE federation.plan_items IS 'The moves of a drain or plan job, recorded when it is made (in its order): tenant, source, target, cost (the tenant''s rows or requests when measured) and why; move_id once its move opened. Read federation_plan_moves.';

--
-- Name: federation_plan_moves; Type: VIEW; Schema: federation; Owner: fedgate_owner
--

CREATE VIEW federation.federation_plan_moves AS
 SELECT i.job_id AS plan_id,
    i."position",
    i.tenant_id,
    i.source_node,
    i.target_node,
    i.cost,
    i.why,
    i.move_id,
        CASE
            WHEN (i.move_id IS NOT NULL) THEN m.state
            WHEN (j.state = ANY (ARRAY['pending'::text, 'running'::text])) THEN 'pending'::text
            ELSE 'skipped'::text
        END AS state,
    m.pause_ms,
    m.error,
    m.started_at AS started,
    m.finished_at AS finished
   FROM ((federation.plan_items i
     JOIN federation.jobs j ON ((j.job_id = i.job_id)))
     LEFT JOIN federation.tenant_moves m ON ((m.move_id = i.move_id)));

ALTER TABLE federation.federation_plan_moves OWNER TO fedgate_owner;

--
-- Name: VIEW federation_plan_moves; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON VIEW federation.federation_plan_moves IS 'Each move of a drain or plan, in its order: tenant, source, target, cost, why, its move and state (pending until it starts; skipped when its plan ended without starting it), pause and error.';

--
-- Name: federation_plans; Type: VIEW; Schema: federation; Owner: fedgate_owner
--

CREATE VIEW federation.federation_plans AS
SELECT
    NULL::bigint AS plan_id,
    NULL::text AS kind,
    NULL::text AS subject,
    NULL::text AS state,
    NULL::text AS node_id,
    NULL::text AS region,
    NULL::jsonb AS params,
    NULL::text AS owner,
    NULL::boolean AS held,
    NULL::text AS last_error,
    NULL::text AS created_by,
    NULL::timestamp with time zone AS created,
    NULL::timestamp with time zone AS started,
    NULL::timestamp with time zone AS finished,
    NULL::bigint AS moves,
    NULL::bigint AS done,
    NULL::bigint AS moving,
    NULL::bigint AS pending,
    NULL::bigint AS not_done,
    NULL::numeric AS cost,
    NULL::numeric AS cost_done;

ALTER TABLE federation.federation_plans OWNER TO fedgate_owner;

--
-- Name: VIEW federation_plans; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON VIEW federation.federation_plans IS 'Every drain and plan (legacy, rebalance): its job''s state and driver, and its moves counted by state (done, moving, pending, failed/aborted/skipped) with their cost planned and done; federation_plan_moves has each move. What fedgate plan list and GET /admin/v1/plans show.';

--
-- Name: federation_replicas; Type: TABLE; Schema: federation; Owner: fedgate_owner
--

CREATE TABLE federation.federation_replicas (
    replica_id text NOT NULL,
    node_id text NOT NULL,
    database_url text NOT NULL,
    max_lag interval DEFAULT '00:00:02'::interval NOT NULL,
    healthy boolean,
    usable boolean DEFAULT false NOT NULL,
    lag_bytes bigint,
    lag_seconds real,
    replay_lsn pg_lsn,
    last_error text,
    checked_at timestamp with time zone,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    region fedgate.region_code NOT NULL,
    residency_override text,
    CONSTRAINT federation_replicas_database_url_check CHECK ((length(database_url) > 0)),
    CONSTRAINT federation_replicas_max_lag_check CHECK (((max_lag > '00:00:00'::interval) AND (max_lag <= '01:00:00'::interval))),
    CONSTRAINT federation_replicas_replica_id_check CHECK ((replica_id ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$'::text)),
    CONSTRAINT federation_replicas_residency_override_check CHECK (((residency_override IS NULL) OR ((length(btrim(residency_override)) >= 1) AND (length(btrim(residency_override)) <= 500))))
);

ALTER TABLE federation.federation_replicas OWNER TO fedgate_owner;

--
-- Name: TABLE federation_replicas; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON TABLE federation.federation_replicas IS 'Streaming replicas of federation nodes: where a node''s read-only requests may go. database_url is read by the gateway only, like a node''s.';

--
-- Name: COLUMN federation_replicas.max_lag; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON COLUMN federation.federation_replicas.max_lag IS 'The most replay lag at which the replica still serves reads.';

--
-- Name: COLUMN federation_replicas.usable; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON COLUMN federation.federation_replicas.usable IS 'Healthy, in recovery (not promoted) and lag_seconds within max_lag at the last check: the gateways send reads to it.';

--
-- Name: COLUMN federation_replicas.lag_bytes; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON COLUMN federation.federation_replicas.lag_bytes IS 'WAL bytes between the node''s current position and the replica''s replay position at the last check.';

--
-- Name: COLUMN federation_replicas.lag_seconds; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON COLUMN federation.federation_replicas.lag_seconds IS 'Seconds since the replica replayed its last transaction, 0 when it has replayed everything.';

--
-- Name: COLUMN federation_replicas.region; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON COLUMN federation.federation_replicas.region IS 'Where the replica runs (its node''s region unless registered otherwise): it never serves a tenant whose residency excludes it, unless overridden.';

--
-- Name: COLUMN federation_replicas.residency_override; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON COLUMN federation.federation_replicas.residency_override IS 'Why this replica may serve tenants whose residency excludes its region (an operator''s recorded override).';

--
-- Name: federation_replica_status; Type: VIEW; Schema: federation; Owner: fedgate_owner
--

CREATE VIEW federation.federation_replica_status AS
 SELECT r.replica_id,
    r.node_id,
    r.max_lag,
    federation.health_state(r.healthy, r.checked_at) AS health,
    (r.usable AND (federation.health_state(r.healthy, r.checked_at) = 'healthy'::text)) AS serving_reads,
    r.lag_bytes,
    r.lag_seconds,
    r.replay_lsn,
    r.last_error,
    r.checked_at AS last_check_at,
    (r.region)::text AS region,
    r.residency_override
   FROM federation.federation_replicas r;

ALTER TABLE federation.federation_replica_status OWNER TO fedgate_owner;

--
-- Name: VIEW federation_replica_status; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON VIEW federation.federation_replica_status IS 'One row per replica: health, whether it serves reads, replay lag (bytes, seconds) and position at the last check, last error, its region and residency override. No database URL.';

--
-- Name: residency_events; Type: TABLE; Schema: federation; Owner: fedgate_owner
--

CREATE TABLE federation.residency_events (
    event_id bigint NOT NULL,
    at timestamp with time zone DEFAULT clock_timestamp() NOT NULL,
    actor text NOT NULL,
    tenant_id uuid,
    action text NOT NULL,
    node_id text,
    region text,
    decision text NOT NULL,
    regions text[],
    reason text,
    CONSTRAINT residency_events_action_check CHECK ((action = ANY (ARRAY['policy'::text, 'place'::text, 'route'::text, 'map'::text, 'move'::text, 'drain'::text, 'replica'::text, 'legacy'::text]))),
    CONSTRAINT residency_events_actor_check CHECK (((length(actor) >= 1) AND (length(actor) <= 255))),
    CONSTRAINT residency_events_decision_check CHECK ((decision = ANY (ARRAY['set'::text, 'cleared'::text, 'planned'::text, 'refused'::text, 'overridden'::text]))),
    CONSTRAINT residency_events_reason_check CHECK ((length(reason) <= 1000))
);

ALTER TABLE federation.residency_events OWNER TO fedgate_owner;

--
-- Name: TABLE residency_events; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON TABLE federation.residency_events IS 'Append-only record of residency decisions: policies set or cleared, overrides, refusals (who, when, tenant, action, node and region, the policy, the reason). UPDATE, DELETE and TRUNCATE are refused.';

--
-- Name: federation_residency_events; Type: VIEW; Schema: federation; Owner: fedgate_owner
--

CREATE VIEW federation.federation_residency_events AS
 SELECT e.event_id,
    e.at,
    e.actor,
    e.tenant_id,
    e.action,
    e.node_id,
    e.region,
    e.decision,
    e.regions,
    e.reason
   FROM federation.residency_events e;

ALTER TABLE federation.federation_residency_events OWNER TO fedgate_owner;

--
-- Name: VIEW federation_residency_events; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON VIEW federation.federation_residency_events IS 'Every residency decision: a policy set, cleared or planned with a move; an override (route, placement, move, drain, replica) with its reason; a refusal made through fedgate (CLI, admin API, jobs). Who, when, tenant, node and region, the policy.';

--
-- Name: federation_routing; Type: TABLE; Schema: federation; Owner: fedgate_owner
--

CREATE TABLE federation.federation_routing (
    id uuid DEFAULT gen_random_uuid() NOT NULL,
    tenant_id uuid NOT NULL,
    region fedgate.region_code NOT NULL,
    node_id text NOT NULL,
    is_primary boolean DEFAULT false NOT NULL,
    weight integer DEFAULT 100 NOT NULL,
    created_at timestamp with time zone DEFAULT now() NOT NULL,
    updated_at timestamp with time zone DEFAULT now() NOT NULL,
    rank_score double precision GENERATED ALWAYS AS (
CASE
    WHEN is_primary THEN 'Infinity'::double precision
    ELSE federation.rendezvous_score(tenant_id, (region)::text, node_id, weight)
END) STORED,
    shared_data boolean DEFAULT false NOT NULL,
    residency_override text,
    pinned boolean DEFAULT false NOT NULL,
    CONSTRAINT federation_routing_residency_override_check CHECK (((residency_override IS NULL) OR ((length(btrim(residency_override)) >= 1) AND (length(btrim(residency_override)) <= 500)))),
    CONSTRAINT federation_routing_weight_check CHECK ((weight > 0))
);

ALTER TABLE federation.federation_routing OWNER TO fedgate_owner;

--
-- Name: TABLE federation_routing; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON TABLE federation.federation_routing IS 'Routing rules: where a tenant''s requests for a region go. is_primary first, else a weighted rendezvous choice; at most one primary per (tenant, region).';

--
-- Name: COLUMN federation_routing.rank_score; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON COLUMN federation.federation_routing.rank_score IS 'Infinity for the is_primary rule, else rendezvous_score(tenant_id, region, node_id, weight): higher is tried first.';

--
-- Name: COLUMN federation_routing.shared_data; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON COLUMN federation.federation_routing.shared_data IS 'The operator declared that this rule''s node serves the same data as the tenant''s node (add_route p_shared_data): a rule to a node other than the tenant''s is refused without it.';

--
-- Name: COLUMN federation_routing.residency_override; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON COLUMN federation.federation_routing.residency_override IS 'Why this rule may name a node outside the tenant''s residency (an operator''s recorded override); NULL: it may not.';

--
-- Name: COLUMN federation_routing.pinned; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON COLUMN federation.federation_routing.pinned IS 'An operator''s word that the tenant stays on this node (fedgate tenant pin): the rebalancer never moves it off. A drain still does.';

--
-- Name: federation_rule_problems; Type: VIEW; Schema: federation; Owner: fedgate_owner
--

CREATE VIEW federation.federation_rule_problems AS
 SELECT r.tenant_id,
    (r.region)::text AS region,
    r.node_id,
    m.primary_node_id AS tenant_node,
    r.weight,
    r.is_primary,
    format('the rule sends tenant %s''s %s requests to %s, which does not hold its data (its node is %s): remove the rule, move the tenant, or add it again with --shared-data if %s serves the same database'::text, r.tenant_id, r.region, r.node_id, m.primary_node_id, r.node_id) AS problem
   FROM (federation.federation_routing r
     JOIN federation.tenant_federation_map m ON ((m.tenant_id = r.tenant_id)))
  WHERE ((r.node_id <> m.primary_node_id) AND (NOT r.shared_data));

ALTER TABLE federation.federation_rule_problems OWNER TO fedgate_owner;

--
-- Name: VIEW federation_rule_problems; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON VIEW federation.federation_rule_problems IS 'Routing rules that name a node other than the tenant''s without the shared-data declaration (rules of earlier releases, direct inserts): their requests are answered 503 FGW513 when that node lacks the rows. What fedgate doctor lists.';

--
-- Name: federation_tenant_limits; Type: VIEW; Schema: federation; Owner: fedgate_owner
--

CREATE VIEW federation.federation_tenant_limits AS
 SELECT l.tenant_id,
    t.name AS tenant_name,
    l.requests_per_second,
    l.burst,
    l.max_inflight,
    ( SELECT COALESCE(sum(g.workers), (0)::bigint) AS "coalesce"
           FROM federation.gateway_instances g
          WHERE ((g.stopped_at IS NULL) AND (g.last_seen_at > (now() - g.ttl)))) AS fleet_workers,
    l.set_by,
    l.set_at
   FROM (federation.tenant_limits l
     LEFT JOIN federation.tenant_registry t ON ((t.id = l.tenant_id)));

ALTER TABLE federation.federation_tenant_limits OWNER TO fedgate_owner;

--
-- Name: VIEW federation_tenant_limits; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON VIEW federation.federation_tenant_limits IS 'Every tenant quota: requests a second and burst, and handler calls in flight, for the whole fleet; the live workers they are shared over (each holds the limit divided by them, at least one call in flight), who set them and when.';

--
-- Name: tenant_request_stats; Type: TABLE; Schema: federation; Owner: fedgate_owner
--

CREATE TABLE federation.tenant_request_stats (
    period timestamp with time zone NOT NULL,
    node_id text NOT NULL,
    tenant_id uuid NOT NULL,
    requests bigint NOT NULL,
    errors bigint NOT NULL,
    total_ms double precision NOT NULL,
    max_ms double precision NOT NULL,
    throttled bigint DEFAULT 0 NOT NULL,
    CONSTRAINT tenant_request_stats_errors_check CHECK ((errors >= 0)),
    CONSTRAINT tenant_request_stats_max_ms_check CHECK ((max_ms >= (0)::double precision)),
    CONSTRAINT tenant_request_stats_requests_check CHECK ((requests >= 0)),
    CONSTRAINT tenant_request_stats_throttled_check CHECK ((throttled >= 0)),
    CONSTRAINT tenant_request_stats_total_ms_check CHECK ((total_ms >= (0)::double precision))
);

ALTER TABLE federation.tenant_request_stats OWNER TO fedgate_owner;

--
-- Name: TABLE tenant_request_stats; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON TABLE federation.tenant_request_stats IS 'Requests per tenant, node and minute as the gateways served them (errors: answers of 500 and above), kept a day; read federation_tenant_stats.';

--
-- Name: COLUMN tenant_request_stats.throttled; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON COLUMN federation.tenant_request_stats.throttled IS 'Requests of the minute answered 429 (the tenant''s quota, its write budget, its in-flight bound).';

--
-- Name: federation_tenant_stats; Type: VIEW; Schema: federation; Owner: fedgate_owner
--

CREATE VIEW federation.federation_tenant_stats AS
 WITH recent AS (
         SELECT s.node_id,
            s.tenant_id,
            sum(s.requests) FILTER (WHERE (s.period >= (date_trunc('minute'::text, now()) - '00:01:00'::interval))) AS requests_1m,
            sum(s.requests) FILTER (WHERE (s.period >= (date_trunc('minute'::text, now()) - '00:10:00'::interval))) AS requests_10m,
            sum(s.requests) FILTER (WHERE (s.period >= (now() - '01:00:00'::interval))) AS requests_1h,
            sum(s.requests) AS requests_24h,
            sum(s.errors) FILTER (WHERE (s.period >= (now() - '01:00:00'::interval))) AS errors_1h,
            sum(s.total_ms) FILTER (WHERE (s.period >= (now() - '01:00:00'::interval))) AS total_ms_1h,
            max(s.max_ms) FILTER (WHERE (s.period >= (now() - '01:00:00'::interval))) AS max_ms_1h,
            sum(s.throttled) FILTER (WHERE (s.period >= (now() - '01:00:00'::interval))) AS throttled_1h
           FROM federation.tenant_request_stats s
          WHERE (s.period >= (now() - '1 day'::interval))
          GROUP BY s.node_id, s.tenant_id
        )
 SELECT r.node_id,
    r.tenant_id,
    t.name AS tenant_name,
    row_number() OVER (PARTITION BY r.node_id ORDER BY COALESCE(r.requests_10m, (0)::numeric) DESC, COALESCE(r.requests_1h, (0)::numeric) DESC, r.requests_24h DESC, r.tenant_id) AS rank_on_node,
    COALESCE(r.requests_1m, (0)::numeric) AS requests_1m,
    COALESCE(r.requests_10m, (0)::numeric) AS requests_10m,
    COALESCE(r.requests_1h, (0)::numeric) AS requests_1h,
    r.requests_24h,
    COALESCE(r.errors_1h, (0)::numeric) AS errors_1h,
    round(((r.total_ms_1h / (NULLIF(r.requests_1h, (0)::numeric))::double precision))::numeric, 2) AS avg_ms_1h,
    round((r.max_ms_1h)::numeric, 2) AS max_ms_1h,
    COALESCE(r.throttled_1h, (0)::numeric) AS throttled_1h
   FROM (recent r
     LEFT JOIN federation.tenant_registry t ON ((t.id = r.tenant_id)));

ALTER TABLE federation.federation_tenant_stats OWNER TO fedgate_owner;

--
-- Name: VIEW federation_tenant_stats; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON VIEW federation.federation_tenant_stats IS 'The busiest tenants per node (rank_on_node 1 first, by the last 10 minutes): requests over the last minute, 10 minutes, hour and day, errors, mean and worst latency (ms) over the hour, requests throttled (429) over the hour, as the gateways reported them.';

--
-- Name: jobs_job_id_seq; Type: SEQUENCE; Schema: federation; Owner: fedgate_owner
--

ALTER TABLE federation.jobs ALTER COLUMN job_id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME federation.jobs_job_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: legacy_off; Type: TABLE; Schema: federation; Owner: fedgate_owner
--

CREATE TABLE federation.legacy_off (
    tenant_id uuid NOT NULL,
    set_by text NOT NULL,
    set_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT legacy_off_set_by_check CHECK (((length(set_by) >= 1) AND (length(set_by) <= 255)))
);

ALTER TABLE federation.legacy_off OWNER TO fedgate_owner;

--
-- Name: TABLE legacy_off; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON TABLE federation.legacy_off IS 'Tenants whose legacy routes are off (410 FGW410, with the federated path as successor): who turned them off and when.';

--
-- Name: regions; Type: TABLE; Schema: federation; Owner: fedgate_owner
--

CREATE TABLE federation.regions (
    code fedgate.region_code NOT NULL,
    display_name text NOT NULL,
    CONSTRAINT regions_display_name_check CHECK (((length(display_name) >= 1) AND (length(display_name) <= 200)))
);

ALTER TABLE federation.regions OWNER TO fedgate_owner;

--
-- Name: TABLE regions; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON TABLE federation.regions IS 'Display names of region codes; a region is served when a node of it is registered.';

--
-- Name: residency_events_event_id_seq; Type: SEQUENCE; Schema: federation; Owner: fedgate_owner
--

ALTER TABLE federation.residency_events ALTER COLUMN event_id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME federation.residency_events_event_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: tenant_moves_move_id_seq; Type: SEQUENCE; Schema: federation; Owner: fedgate_owner
--

ALTER TABLE federation.tenant_moves ALTER COLUMN move_id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME federation.tenant_moves_move_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

--
-- Name: tenant_sizes; Type: TABLE; Schema: federation; Owner: fedgate_owner
--

CREATE TABLE federation.tenant_sizes (
    tenant_id uuid NOT NULL,
    node_id text NOT NULL,
    rows bigint NOT NULL,
    measured_at timestamp with time zone DEFAULT now() NOT NULL,
    CONSTRAINT tenant_sizes_rows_check CHECK ((rows >= 0))
);

ALTER TABLE federation.tenant_sizes OWNER TO fedgate_owner;

--
-- Name: TABLE tenant_sizes; Type: COMMENT; Schema: federation; Owner: fedgate_owner
--

COMMENT ON TABLE federation.tenant_sizes IS 'Each tenant''s rows on the node that held them when measured (fedgate legacy migrate and rebalance measure the nodes they plan for): the cost of moving it, and its share of its node''s load.';

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
-- Name: enrollment_failures enrollment_failures_pkey; Type: CONSTRAINT; Schema: federation; Owner: fedgate_owner
--

ALTER TABLE ONLY federation.enrollment_failures
    ADD CONSTRAINT enrollment_failures_pkey PRIMARY KEY (client_addr, minute);

--
-- Name: federation_node_health federation_node_health_pkey; Type: CONSTRAINT; Schema: federation; Owner: fedgate_owner
--

ALTER TABLE ONLY federation.federation_node_health
    ADD CONSTRAINT federation_node_health_pkey PRIMARY KEY (node_id);

--
-- Name: federation_nodes federation_nodes_node_id_key; Type: CONSTRAINT; Schema: federation; Owner: fedgate_owner
--

ALTER TABLE ONLY federation.federation_nodes
    ADD CONSTRAINT federation_nodes_node_id_key UNIQUE (node_id);

--
-- Name: federation_nodes federation_nodes_pkey; Type: CONSTRAINT; Schema: federation; Owner: fedgate_owner
--

ALTER TABLE ONLY federation.federation_nodes
    ADD CONSTRAINT federation_nodes_pkey PRIMARY KEY (id);

--
-- Name: federation_replicas federation_replicas_pkey; Type: CONSTRAINT; Schema: federation; Owner: fedgate_owner
--

ALTER TABLE ONLY federation.federation_replicas
    ADD CONSTRAINT federation_replicas_pkey PRIMARY KEY (replica_id);

--
-- Name: federation_routing federation_routing_pkey; Type: CONSTRAINT; Schema: federation; Owner: fedgate_owner
--

ALTER TABLE ONLY federation.federation_routing
    ADD CONSTRAINT federation_routing_pkey PRIMARY KEY (id);

--
-- Name: federation_routing federation_routing_tenant_id_region_node_id_key; Type: CONSTRAINT; Schema: federation; Owner: fedgate_owner
--

ALTER TABLE ONLY federation.federation_routing
    ADD CONSTRAINT federation_routing_tenant_id_region_node_id_key UNIQUE (tenant_id, region, node_id);

--
-- Name: gateway_instances gateway_instances_pkey; Type: CONSTRAINT; Schema: federation; Owner: fedgate_owner
--

ALTER TABLE ONLY federation.gateway_instances
    ADD CONSTRAINT gateway_instances_pkey PRIMARY KEY (instance_id);

--
-- Name: jobs jobs_move_id_key; Type: CONSTRAINT; Schema: federation; Owner: fedgate_owner
--

ALTER TABLE ONLY federation.jobs
    ADD CONSTRAINT jobs_move_id_key UNIQUE (move_id);

--
-- Name: jobs jobs_pkey; Type: CONSTRAINT; Schema: federation; Owner: fedgate_owner
--

ALTER TABLE ONLY federation.jobs
    ADD CONSTRAINT jobs_pkey PRIMARY KEY (job_id);

--
-- Name: legacy_off legacy_off_pkey; Type: CONSTRAINT; Schema: federation; Owner: fedgate_owner
--

ALTER TABLE ONLY federation.legacy_off
    ADD CONSTRAINT legacy_off_pkey PRIMARY KEY (tenant_id);

--
-- Name: legacy_policy legacy_policy_pkey; Type: CONSTRAINT; Schema: federation; Owner: fedgate_owner
--

ALTER TABLE ONLY federation.legacy_policy
    ADD CONSTRAINT legacy_policy_pkey PRIMARY KEY (id);

--
-- Name: legacy_usage legacy_usage_period_tenant_id_client_key; Type: CONSTRAINT; Schema: federation; Owner: fedgate_owner
--

ALTER TABLE ONLY federation.legacy_usage
    ADD CONSTRAINT legacy_usage_period_tenant_id_client_key UNIQUE NULLS NOT DISTINCT (period, tenant_id, client);

--
-- Name: move_objects move_objects_pkey; Type: CONSTRAINT; Schema: federation; Owner: fedgate_owner
--

ALTER TABLE ONLY federation.move_objects
    ADD CONSTRAINT move_objects_pkey PRIMARY KEY (move_id, node_id, kind);

--
-- Name: node_load node_load_pkey; Type: CONSTRAINT; Schema: federation; Owner: fedgate_owner
--

ALTER TABLE ONLY federation.node_load
    ADD CONSTRAINT node_load_pkey PRIMARY KEY (node_id);

--
-- Name: plan_items plan_items_job_id_position_key; Type: CONSTRAINT; Schema: federation; Owner: fedgate_owner
--

ALTER TABLE ONLY federation.plan_items
    ADD CONSTRAINT plan_items_job_id_position_key UNIQUE (job_id, "position");

--
-- Name: plan_items plan_items_pkey; Type: CONSTRAINT; Schema: federation; Owner: fedgate_owner
--

ALTER TABLE ONLY federation.plan_items
    ADD CONSTRAINT plan_items_pkey PRIMARY KEY (job_id, tenant_id);

--
-- Name: regions regions_pkey; Type: CONSTRAINT; Schema: federation; Owner: fedgate_owner
--

ALTER TABLE ONLY federation.regions
    ADD CONSTRAINT regions_pkey PRIMARY KEY (code);

--
-- Name: residency_events residency_events_pkey; Type: CONSTRAINT; Schema: federation; Owner: fedgate_owner
--

ALTER TABLE ONLY federation.residency_events
    ADD CONSTRAINT residency_events_pkey PRIMARY KEY (event_id);

--
-- Name: tenant_federation_map tenant_federation_map_pkey; Type: CONSTRAINT; Schema: federation; Owner: fedgate_owner
--

ALTER TABLE ONLY federation.tenant_federation_map
    ADD CONSTRAINT tenant_federation_map_pkey PRIMARY KEY (id);

--
-- Name: tenant_federation_map tenant_federation_map_tenant_id_key; Type: CONSTRAINT; Schema: federation; Owner: fedgate_owner
--

ALTER TABLE ONLY federation.tenant_federation_map
    ADD CONSTRAINT tenant_federation_map_tenant_id_key UNIQUE (tenant_id);

--
-- Name: tenant_limits tenant_limits_pkey; Type: CONSTRAINT; Schema: federation; Owner: fedgate_owner
--

ALTER TABLE ONLY federation.tenant_limits
    ADD CONSTRAINT tenant_limits_pkey PRIMARY KEY (tenant_id);

--
-- Name: tenant_moves tenant_moves_pkey; Type: CONSTRAINT; Schema: federation; Owner: fedgate_owner
--

ALTER TABLE ONLY federation.tenant_moves
    ADD CONSTRAINT tenant_moves_pkey PRIMARY KEY (move_id);

--
-- Name: tenant_registry tenant_registry_pkey; Type: CONSTRAINT; Schema: federation; Owner: fedgate_owner
--

ALTER TABLE ONLY federation.tenant_registry
    ADD CONSTRAINT tenant_registry_pkey PRIMARY KEY (id);

--
-- Name: tenant_request_stats tenant_request_stats_pkey; Type: CONSTRAINT; Schema: federation; Owner: fedgate_owner
--

ALTER TABLE ONLY federation.tenant_request_stats
    ADD CONSTRAINT tenant_request_stats_pkey PRIMARY KEY (period, node_id, tenant_id);

--
-- Name: tenant_sizes tenant_sizes_pkey; Type: CONSTRAINT; Schema: federation; Owner: fedgate_owner
--

ALTER TABLE ONLY federation.tenant_sizes
    ADD CONSTRAINT tenant_sizes_pkey PRIMARY KEY (tenant_id);

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
-- Name: enrollment_failures_minute_idx; Type: INDEX; Schema: federation; Owner: fedgate_owner
--

CREATE INDEX enrollment_failures_minute_idx ON federation.enrollment_failures USING btree (minute);

--
-- Name: federation_nodes_region_idx; Type: INDEX; Schema: federation; Owner: fedgate_owner
--

CREATE INDEX federation_nodes_region_idx ON federation.federation_nodes USING btree (region, status);

--
-- Name: federation_nodes_serving_idx; Type: INDEX; Schema: federation; Owner: fedgate_owner
--

CREATE INDEX federation_nodes_serving_idx ON federation.federation_nodes USING btree (node_id) INCLUDE (region, status, unhealthy_checked_at);

--
-- Name: federation_replicas_node_idx; Type: INDEX; Schema: federation; Owner: fedgate_owner
--

CREATE INDEX federation_replicas_node_idx ON federation.federation_replicas USING btree (node_id);

--
-- Name: federation_routing_node_idx; Type: INDEX; Schema: federation; Owner: fedgate_owner
--

CREATE INDEX federation_routing_node_idx ON federation.federation_routing USING btree (node_id);

--
-- Name: federation_routing_one_primary; Type: INDEX; Schema: federation; Owner: fedgate_owner
--

CREATE UNIQUE INDEX federation_routing_one_primary ON federation.federation_routing USING btree (tenant_id, region) WHERE is_primary;

--
-- Name: federation_routing_rank_idx; Type: INDEX; Schema: federation; Owner: fedgate_owner
--

CREATE INDEX federation_routing_rank_idx ON federation.federation_routing USING btree (tenant_id, region, rank_score DESC, node_id) INCLUDE (is_primary);

--
-- Name: gateway_instances_seen_idx; Type: INDEX; Schema: federation; Owner: fedgate_owner
--

CREATE INDEX gateway_instances_seen_idx ON federation.gateway_instances USING btree (last_seen_at);

--
-- Name: jobs_one_open_drain; Type: INDEX; Schema: federation; Owner: fedgate_owner
--

CREATE UNIQUE INDEX jobs_one_open_drain ON federation.jobs USING btree (node_id) WHERE ((kind = 'drain'::text) AND (state = ANY (ARRAY['pending'::text, 'running'::text])));

--
-- Name: jobs_one_open_plan; Type: INDEX; Schema: federation; Owner: fedgate_owner
--

CREATE UNIQUE INDEX jobs_one_open_plan ON federation.jobs USING btree (((params ->> 'plan'::text)), COALESCE((params ->> 'region'::text), ''::text)) WHERE ((kind = 'plan'::text) AND (state = ANY (ARRAY['pending'::text, 'running'::text])));

--
-- Name: jobs_open; Type: INDEX; Schema: federation; Owner: fedgate_owner
--

CREATE INDEX jobs_open ON federation.jobs USING btree (not_before, job_id) WHERE (state = ANY (ARRAY['pending'::text, 'running'::text]));

--
-- Name: jobs_owner; Type: INDEX; Schema: federation; Owner: fedgate_owner
--

CREATE INDEX jobs_owner ON federation.jobs USING btree (owner) WHERE (state = 'running'::text);

--
-- Name: jobs_parent; Type: INDEX; Schema: federation; Owner: fedgate_owner
--

CREATE INDEX jobs_parent ON federation.jobs USING btree (parent_id) WHERE (parent_id IS NOT NULL);

--
-- Name: plan_items_move; Type: INDEX; Schema: federation; Owner: fedgate_owner
--

CREATE INDEX plan_items_move ON federation.plan_items USING btree (move_id) WHERE (move_id IS NOT NULL);

--
-- Name: residency_events_tenant_idx; Type: INDEX; Schema: federation; Owner: fedgate_owner
--

CREATE INDEX residency_events_tenant_idx ON federation.residency_events USING btree (tenant_id, at);

--
-- Name: tenant_federation_map_node_idx; Type: INDEX; Schema: federation; Owner: fedgate_owner
--

CREATE INDEX tenant_federation_map_node_idx ON federation.tenant_federation_map USING btree (primary_node_id);

--
-- Name: tenant_federation_map_resolve_idx; Type: INDEX; Schema: federation; Owner: fedgate_owner
--

CREATE INDEX tenant_federation_map_resolve_idx ON federation.tenant_federation_map USING btree (tenant_id) INCLUDE (primary_node_id, primary_region);

--
-- Name: tenant_moves_fenced; Type: INDEX; Schema: federation; Owner: fedgate_owner
--

CREATE INDEX tenant_moves_fenced ON federation.tenant_moves USING btree (tenant_id) WHERE ((fenced_at IS NOT NULL) AND (state = 'cutover'::text));

--
-- Name: tenant_moves_one_open; Type: INDEX; Schema: federation; Owner: fedgate_owner
--

CREATE UNIQUE INDEX tenant_moves_one_open ON federation.tenant_moves USING btree (tenant_id) WHERE (state <> ALL (ARRAY['done'::text, 'aborted'::text, 'failed'::text]));

--
-- Name: tenant_registry_idempotency_key; Type: INDEX; Schema: federation; Owner: fedgate_owner
--

CREATE UNIQUE INDEX tenant_registry_idempotency_key ON federation.tenant_registry USING btree (idempotency_caller, idempotency_key) WHERE (idempotency_key IS NOT NULL);

--
-- Name: tenant_registry_name_key; Type: INDEX; Schema: federation; Owner: fedgate_owner
--

CREATE UNIQUE INDEX tenant_registry_name_key ON federation.tenant_registry USING btree (lower(name));

--
-- Name: tenant_registry_provisioning; Type: INDEX; Schema: federation; Owner: fedgate_owner
--

CREATE INDEX tenant_registry_provisioning ON federation.tenant_registry USING btree (created_at) WHERE (status = 'provisioning'::text);

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
-- Name: federation_plans _RETURN; Type: RULE; Schema: federation; Owner: fedgate_owner
--

CREATE OR REPLACE VIEW federation.federation_plans AS
 SELECT j.job_id AS plan_id,
        CASE j.kind
            WHEN 'drain'::text THEN 'drain'::text
            ELSE (j.params ->> 'plan'::text)
        END AS kind,
    j.subject,
    j.state,
    j.node_id,
    (j.params ->> 'region'::text) AS region,
    j.params,
    j.owner,
    ((j.state = 'running'::text) AND (j.lease_until >= now())) AS held,
    j.last_error,
    j.created_by,
    j.created_at AS created,
    j.started_at AS started,
    j.finished_at AS finished,
    count(p.tenant_id) AS moves,
    count(*) FILTER (WHERE (p.state = 'done'::text)) AS done,
    count(*) FILTER (WHERE (p.state <> ALL (ARRAY['pending'::text, 'skipped'::text, 'done'::text, 'failed'::text, 'aborted'::text]))) AS moving,
    count(*) FILTER (WHERE (p.state = 'pending'::text)) AS pending,
    count(*) FILTER (WHERE (p.state = ANY (ARRAY['failed'::text, 'aborted'::text, 'skipped'::text]))) AS not_done,
    sum(p.cost) AS cost,
    COALESCE(sum(p.cost) FILTER (WHERE (p.state = 'done'::text)), (0)::numeric) AS cost_done
   FROM (federation.jobs j
     LEFT JOIN federation.federation_plan_moves p ON ((p.plan_id = j.job_id)))
  WHERE (j.kind = ANY (ARRAY['drain'::text, 'plan'::text]))
  GROUP BY j.job_id;

--
-- Name: federation_node_health federation_node_health_notify_del; Type: TRIGGER; Schema: federation; Owner: fedgate_owner
--

CREATE TRIGGER federation_node_health_notify_del AFTER DELETE ON federation.federation_node_health FOR EACH ROW EXECUTE FUNCTION federation.federation_notify_health();

--
-- Name: federation_node_health federation_node_health_notify_ins; Type: TRIGGER; Schema: federation; Owner: fedgate_owner
--

CREATE TRIGGER federation_node_health_notify_ins AFTER INSERT ON federation.federation_node_health FOR EACH ROW EXECUTE FUNCTION federation.federation_notify_health();

--
-- Name: federation_node_health federation_node_health_notify_upd; Type: TRIGGER; Schema: federation; Owner: fedgate_owner
--

CREATE TRIGGER federation_node_health_notify_upd AFTER UPDATE ON federation.federation_node_health FOR EACH ROW WHEN ((old.healthy IS DISTINCT FROM new.healthy)) EXECUTE FUNCTION federation.federation_notify_health();

--
-- Name: federation_node_health federation_node_health_sync; Type: TRIGGER; Schema: federation; Owner: fedgate_owner
--

CREATE TRIGGER federation_node_health_sync AFTER INSERT OR DELETE OR UPDATE ON federation.federation_node_health FOR EACH ROW EXECUTE FUNCTION federation.sync_node_health();

--
-- Name: federation_nodes federation_nodes_guard; Type: TRIGGER; Schema: federation; Owner: fedgate_owner
--

CREATE TRIGGER federation_nodes_guard BEFORE DELETE OR UPDATE OF node_id ON federation.federation_nodes FOR EACH ROW EXECUTE FUNCTION federation.guard_federation_node();

--
-- Name: federation_nodes federation_nodes_notify_del; Type: TRIGGER; Schema: federation; Owner: fedgate_owner
--

CREATE TRIGGER federation_nodes_notify_del AFTER DELETE ON federation.federation_nodes REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION federation.federation_notify_statement();

--
-- Name: federation_nodes federation_nodes_notify_ins; Type: TRIGGER; Schema: federation; Owner: fedgate_owner
--

CREATE TRIGGER federation_nodes_notify_ins AFTER INSERT ON federation.federation_nodes REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION federation.federation_notify_statement();

--
-- Name: federation_nodes federation_nodes_notify_upd; Type: TRIGGER; Schema: federation; Owner: fedgate_owner
--

CREATE TRIGGER federation_nodes_notify_upd AFTER UPDATE ON federation.federation_nodes REFERENCING OLD TABLE AS old_rows NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION federation.federation_notify_statement();

--
-- Name: federation_nodes federation_nodes_touch; Type: TRIGGER; Schema: federation; Owner: fedgate_owner
--

CREATE TRIGGER federation_nodes_touch BEFORE UPDATE ON federation.federation_nodes FOR EACH ROW EXECUTE FUNCTION fedgate.touch_updated_at();

--
-- Name: federation_replicas federation_replicas_notify_del; Type: TRIGGER; Schema: federation; Owner: fedgate_owner
--

CREATE TRIGGER federation_replicas_notify_del AFTER DELETE ON federation.federation_replicas REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION federation.federation_notify_replicas();

--
-- Name: federation_replicas federation_replicas_notify_ins; Type: TRIGGER; Schema: federation; Owner: fedgate_owner
--

CREATE TRIGGER federation_replicas_notify_ins AFTER INSERT ON federation.federation_replicas REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION federation.federation_notify_replicas();

--
-- Name: federation_replicas federation_replicas_notify_upd; Type: TRIGGER; Schema: federation; Owner: fedgate_owner
--

CREATE TRIGGER federation_replicas_notify_upd AFTER UPDATE ON federation.federation_replicas REFERENCING OLD TABLE AS old_rows NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION federation.federation_notify_replicas();

--
-- Name: federation_routing federation_routing_notify_del; Type: TRIGGER; Schema: federation; Owner: fedgate_owner
--

CREATE TRIGGER federation_routing_notify_del AFTER DELETE ON federation.federation_routing REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION federation.federation_notify_statement();

--
-- Name: federation_routing federation_routing_notify_ins; Type: TRIGGER; Schema: federation; Owner: fedgate_owner
--

CREATE TRIGGER federation_routing_notify_ins AFTER INSERT ON federation.federation_routing REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION federation.federation_notify_statement();

--
-- Name: federation_routing federation_routing_notify_upd; Type: TRIGGER; Schema: federation; Owner: fedgate_owner
--

CREATE TRIGGER federation_routing_notify_upd AFTER UPDATE ON federation.federation_routing REFERENCING OLD TABLE AS old_rows NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION federation.federation_notify_statement();

--
-- Name: federation_routing federation_routing_residency; Type: TRIGGER; Schema: federation; Owner: fedgate_owner
--

CREATE CONSTRAINT TRIGGER federation_routing_residency AFTER INSERT OR UPDATE OF tenant_id, node_id, residency_override ON federation.federation_routing DEFERRABLE INITIALLY IMMEDIATE FOR EACH ROW EXECUTE FUNCTION federation.guard_residency();

--
-- Name: federation_routing federation_routing_top_del; Type: TRIGGER; Schema: federation; Owner: fedgate_owner
--

CREATE TRIGGER federation_routing_top_del AFTER DELETE ON federation.federation_routing REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION federation.sync_top_routes();

--
-- Name: federation_routing federation_routing_top_ins; Type: TRIGGER; Schema: federation; Owner: fedgate_owner
--

CREATE TRIGGER federation_routing_top_ins AFTER INSERT ON federation.federation_routing REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION federation.sync_top_routes();

--
-- Name: federation_routing federation_routing_top_upd; Type: TRIGGER; Schema: federation; Owner: fedgate_owner
--

CREATE TRIGGER federation_routing_top_upd AFTER UPDATE ON federation.federation_routing REFERENCING OLD TABLE AS old_rows NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION federation.sync_top_routes();

--
-- Name: federation_routing federation_routing_touch; Type: TRIGGER; Schema: federation; Owner: fedgate_owner
--

CREATE TRIGGER federation_routing_touch BEFORE UPDATE ON federation.federation_routing FOR EACH ROW EXECUTE FUNCTION fedgate.touch_updated_at();

--
-- Name: gateway_instances gateway_instances_notify_ins; Type: TRIGGER; Schema: federation; Owner: fedgate_owner
--

CREATE TRIGGER gateway_instances_notify_ins AFTER INSERT ON federation.gateway_instances FOR EACH ROW EXECUTE FUNCTION federation.federation_notify_instances();

--
-- Name: gateway_instances gateway_instances_notify_upd; Type: TRIGGER; Schema: federation; Owner: fedgate_owner
--

CREATE TRIGGER gateway_instances_notify_upd AFTER UPDATE ON federation.gateway_instances FOR EACH ROW WHEN ((old.stopped_at IS DISTINCT FROM new.stopped_at)) EXECUTE FUNCTION federation.federation_notify_instances();

--
-- Name: legacy_off legacy_off_notify; Type: TRIGGER; Schema: federation; Owner: fedgate_owner
--

CREATE TRIGGER legacy_off_notify AFTER INSERT OR DELETE ON federation.legacy_off FOR EACH STATEMENT EXECUTE FUNCTION federation.federation_notify_legacy();

--
-- Name: legacy_policy legacy_policy_notify; Type: TRIGGER; Schema: federation; Owner: fedgate_owner
--

CREATE TRIGGER legacy_policy_notify AFTER UPDATE ON federation.legacy_policy FOR EACH STATEMENT EXECUTE FUNCTION federation.federation_notify_legacy();

--
-- Name: residency_events residency_events_append_only; Type: TRIGGER; Schema: federation; Owner: fedgate_owner
--

CREATE TRIGGER residency_events_append_only BEFORE DELETE OR UPDATE ON federation.residency_events FOR EACH ROW EXECUTE FUNCTION federation.refuse_residency_rewrite();

--
-- Name: residency_events residency_events_no_truncate; Type: TRIGGER; Schema: federation; Owner: fedgate_owner
--

CREATE TRIGGER residency_events_no_truncate BEFORE TRUNCATE ON federation.residency_events FOR EACH STATEMENT EXECUTE FUNCTION federation.refuse_residency_rewrite();

--
-- Name: tenant_federation_map tenant_federation_map_notify_del; Type: TRIGGER; Schema: federation; Owner: fedgate_owner
--

CREATE TRIGGER tenant_federation_map_notify_del AFTER DELETE ON federation.tenant_federation_map REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION federation.federation_notify_statement();

--
-- Name: tenant_federation_map tenant_federation_map_notify_ins; Type: TRIGGER; Schema: federation; Owner: fedgate_owner
--

CREATE TRIGGER tenant_federation_map_notify_ins AFTER INSERT ON federation.tenant_federation_map REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION federation.federation_notify_statement();

--
-- Name: tenant_federation_map tenant_federation_map_notify_upd; Type: TRIGGER; Schema: federation; Owner: fedgate_owner
--

CREATE TRIGGER tenant_federation_map_notify_upd AFTER UPDATE ON federation.tenant_federation_map REFERENCING OLD TABLE AS old_rows NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION federation.federation_notify_statement();

--
-- Name: tenant_federation_map tenant_federation_map_residency; Type: TRIGGER; Schema: federation; Owner: fedgate_owner
--

CREATE CONSTRAINT TRIGGER tenant_federation_map_residency AFTER INSERT OR UPDATE OF primary_node_id, residency, residency_override ON federation.tenant_federation_map DEFERRABLE INITIALLY IMMEDIATE FOR EACH ROW EXECUTE FUNCTION federation.guard_residency();

--
-- Name: tenant_federation_map tenant_federation_map_top_routes; Type: TRIGGER; Schema: federation; Owner: fedgate_owner
--

CREATE TRIGGER tenant_federation_map_top_routes BEFORE INSERT OR UPDATE ON federation.tenant_federation_map FOR EACH ROW WHEN ((pg_trigger_depth() = 0)) EXECUTE FUNCTION federation.derive_top_routes();

--
-- Name: tenant_federation_map tenant_federation_map_touch; Type: TRIGGER; Schema: federation; Owner: fedgate_owner
--

CREATE TRIGGER tenant_federation_map_touch BEFORE UPDATE ON federation.tenant_federation_map FOR EACH ROW EXECUTE FUNCTION fedgate.touch_updated_at();

--
-- Name: tenant_limits tenant_limits_notify; Type: TRIGGER; Schema: federation; Owner: fedgate_owner
--

CREATE TRIGGER tenant_limits_notify AFTER INSERT OR DELETE OR UPDATE ON federation.tenant_limits FOR EACH ROW EXECUTE FUNCTION federation.federation_notify_limits();

--
-- Name: tenant_moves tenant_moves_notify; Type: TRIGGER; Schema: federation; Owner: fedgate_owner
--

CREATE TRIGGER tenant_moves_notify AFTER INSERT OR UPDATE ON federation.tenant_moves FOR EACH ROW EXECUTE FUNCTION federation.federation_notify_moves();

--
-- Name: tenant_registry tenant_registry_residency; Type: TRIGGER; Schema: federation; Owner: fedgate_owner
--

CREATE TRIGGER tenant_registry_residency AFTER UPDATE OF residency ON federation.tenant_registry FOR EACH ROW WHEN ((old.residency IS DISTINCT FROM new.residency)) EXECUTE FUNCTION federation.sync_residency();

--
-- Name: tenant_registry tenant_registry_touch; Type: TRIGGER; Schema: federation; Owner: fedgate_owner
--

CREATE TRIGGER tenant_registry_touch BEFORE UPDATE ON federation.tenant_registry FOR EACH ROW EXECUTE FUNCTION fedgate.touch_updated_at();

--
-- Name: federation_node_health federation_node_health_node_id_fkey; Type: FK CONSTRAINT; Schema: federation; Owner: fedgate_owner
--

ALTER TABLE ONLY federation.federation_node_health
    ADD CONSTRAINT federation_node_health_node_id_fkey FOREIGN KEY (node_id) REFERENCES federation.federation_nodes(node_id) ON UPDATE CASCADE ON DELETE CASCADE;

--
-- Name: federation_replicas federation_replicas_node_id_fkey; Type: FK CONSTRAINT; Schema: federation; Owner: fedgate_owner
--

ALTER TABLE ONLY federation.federation_replicas
    ADD CONSTRAINT federation_replicas_node_id_fkey FOREIGN KEY (node_id) REFERENCES federation.federation_nodes(node_id) ON UPDATE CASCADE ON DELETE CASCADE;

--
-- Name: federation_routing federation_routing_node_id_fkey; Type: FK CONSTRAINT; Schema: federation; Owner: fedgate_owner
--

ALTER TABLE ONLY federation.federation_routing
    ADD CONSTRAINT federation_routing_node_id_fkey FOREIGN KEY (node_id) REFERENCES federation.federation_nodes(node_id) ON UPDATE CASCADE;

--
-- Name: federation_routing federation_routing_tenant_id_fkey; Type: FK CONSTRAINT; Schema: federation; Owner: fedgate_owner
--

ALTER TABLE ONLY federation.federation_routing
    ADD CONSTRAINT federation_routing_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES federation.tenant_registry(id) ON DELETE CASCADE;

--
-- Name: jobs jobs_move_id_fkey; Type: FK CONSTRAINT; Schema: federation; Owner: fedgate_owner
--

ALTER TABLE ONLY federation.jobs
    ADD CONSTRAINT jobs_move_id_fkey FOREIGN KEY (move_id) REFERENCES federation.tenant_moves(move_id) ON DELETE CASCADE;

--
-- Name: jobs jobs_node_id_fkey; Type: FK CONSTRAINT; Schema: federation; Owner: fedgate_owner
--

ALTER TABLE ONLY federation.jobs
    ADD CONSTRAINT jobs_node_id_fkey FOREIGN KEY (node_id) REFERENCES federation.federation_nodes(node_id) ON UPDATE CASCADE ON DELETE CASCADE;

--
-- Name: jobs jobs_parent_id_fkey; Type: FK CONSTRAINT; Schema: federation; Owner: fedgate_owner
--

ALTER TABLE ONLY federation.jobs
    ADD CONSTRAINT jobs_parent_id_fkey FOREIGN KEY (parent_id) REFERENCES federation.jobs(job_id) ON DELETE CASCADE;

--
-- Name: legacy_off legacy_off_tenant_id_fkey; Type: FK CONSTRAINT; Schema: federation; Owner: fedgate_owner
--

ALTER TABLE ONLY federation.legacy_off
    ADD CONSTRAINT legacy_off_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES federation.tenant_registry(id) ON DELETE CASCADE;

--
-- Name: move_objects move_objects_move_id_fkey; Type: FK CONSTRAINT; Schema: federation; Owner: fedgate_owner
--

ALTER TABLE ONLY federation.move_objects
    ADD CONSTRAINT move_objects_move_id_fkey FOREIGN KEY (move_id) REFERENCES federation.tenant_moves(move_id) ON DELETE CASCADE;

--
-- Name: node_load node_load_node_id_fkey; Type: FK CONSTRAINT; Schema: federation; Owner: fedgate_owner
--

ALTER TABLE ONLY federation.node_load
    ADD CONSTRAINT node_load_node_id_fkey FOREIGN KEY (node_id) REFERENCES federation.federation_nodes(node_id) ON UPDATE CASCADE ON DELETE CASCADE;

--
-- Name: plan_items plan_items_job_id_fkey; Type: FK CONSTRAINT; Schema: federation; Owner: fedgate_owner
--

ALTER TABLE ONLY federation.plan_items
    ADD CONSTRAINT plan_items_job_id_fkey FOREIGN KEY (job_id) REFERENCES federation.jobs(job_id) ON DELETE CASCADE;

--
-- Name: plan_items plan_items_move_id_fkey; Type: FK CONSTRAINT; Schema: federation; Owner: fedgate_owner
--

ALTER TABLE ONLY federation.plan_items
    ADD CONSTRAINT plan_items_move_id_fkey FOREIGN KEY (move_id) REFERENCES federation.tenant_moves(move_id) ON DELETE SET NULL;

--
-- Name: plan_items plan_items_tenant_id_fkey; Type: FK CONSTRAINT; Schema: federation; Owner: fedgate_owner
--

ALTER TABLE ONLY federation.plan_items
    ADD CONSTRAINT plan_items_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES federation.tenant_registry(id) ON DELETE CASCADE;

--
-- Name: tenant_federation_map tenant_federation_map_primary_node_id_fkey; Type: FK CONSTRAINT; Schema: federation; Owner: fedgate_owner
--

ALTER TABLE ONLY federation.tenant_federation_map
    ADD CONSTRAINT tenant_federation_map_primary_node_id_fkey FOREIGN KEY (primary_node_id) REFERENCES federation.federation_nodes(node_id) ON UPDATE CASCADE;

--
-- Name: tenant_federation_map tenant_federation_map_tenant_id_fkey; Type: FK CONSTRAINT; Schema: federation; Owner: fedgate_owner
--

ALTER TABLE ONLY federation.tenant_federation_map
    ADD CONSTRAINT tenant_federation_map_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES federation.tenant_registry(id) ON DELETE CASCADE;

--
-- Name: tenant_limits tenant_limits_tenant_id_fkey; Type: FK CONSTRAINT; Schema: federation; Owner: fedgate_owner
--

ALTER TABLE ONLY federation.tenant_limits
    ADD CONSTRAINT tenant_limits_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES federation.tenant_registry(id) ON DELETE CASCADE;

--
-- Name: tenant_moves tenant_moves_source_node_fkey; Type: FK CONSTRAINT; Schema: federation; Owner: fedgate_owner
--

ALTER TABLE ONLY federation.tenant_moves
    ADD CONSTRAINT tenant_moves_source_node_fkey FOREIGN KEY (source_node) REFERENCES federation.federation_nodes(node_id) ON UPDATE CASCADE;

--
-- Name: tenant_moves tenant_moves_target_node_fkey; Type: FK CONSTRAINT; Schema: federation; Owner: fedgate_owner
--

ALTER TABLE ONLY federation.tenant_moves
    ADD CONSTRAINT tenant_moves_target_node_fkey FOREIGN KEY (target_node) REFERENCES federation.federation_nodes(node_id) ON UPDATE CASCADE;

--
-- Name: tenant_moves tenant_moves_tenant_id_fkey; Type: FK CONSTRAINT; Schema: federation; Owner: fedgate_owner
--

ALTER TABLE ONLY federation.tenant_moves
    ADD CONSTRAINT tenant_moves_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES federation.tenant_registry(id) ON DELETE CASCADE;

--
-- Name: tenant_sizes tenant_sizes_tenant_id_fkey; Type: FK CONSTRAINT; Schema: federation; Owner: fedgate_owner
--

ALTER TABLE ONLY federation.tenant_sizes
    ADD CONSTRAINT tenant_sizes_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES federation.tenant_registry(id) ON DELETE CASCADE;

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
-- Name: SCHEMA federation; Type: ACL; Schema: -; Owner: fedgate_owner
--

GRANT USAGE ON SCHEMA federation TO fedgate_catalog;
GRANT USAGE ON SCHEMA federation TO fedgate_operator;

--
-- Name: SCHEMA fedgate; Type: ACL; Schema: -; Owner: fedgate_owner
--

GRANT USAGE ON SCHEMA fedgate TO fedgate_api;
GRANT USAGE ON SCHEMA fedgate TO fedgate_maintainer;
GRANT USAGE ON SCHEMA fedgate TO fedgate_catalog;
GRANT USAGE ON SCHEMA fedgate TO fedgate_operator;

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
-- Name: FUNCTION confirm_tenant(p_tenant uuid, p_args jsonb); Type: ACL; Schema: api; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION api.confirm_tenant(p_tenant uuid, p_args jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION api.confirm_tenant(p_tenant uuid, p_args jsonb) TO fedgate_api;

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
-- Name: FUNCTION kit_context(p_tenant uuid, p_args jsonb); Type: ACL; Schema: api; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION api.kit_context(p_tenant uuid, p_args jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION api.kit_context(p_tenant uuid, p_args jsonb) TO fedgate_api;

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
-- Name: FUNCTION regions(p_tenant uuid, p_args jsonb); Type: ACL; Schema: api; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION api.regions(p_tenant uuid, p_args jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION api.regions(p_tenant uuid, p_args jsonb) TO fedgate_api;

--
-- Name: FUNCTION register_tenant(p_tenant uuid, p_body jsonb); Type: ACL; Schema: api; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION api.register_tenant(p_tenant uuid, p_body jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION api.register_tenant(p_tenant uuid, p_body jsonb) TO fedgate_api;

--
-- Name: FUNCTION register_unplaced_tenant(p_tenant uuid, p_body jsonb); Type: ACL; Schema: api; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION api.register_unplaced_tenant(p_tenant uuid, p_body jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION api.register_unplaced_tenant(p_tenant uuid, p_body jsonb) TO fedgate_api;

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
-- Name: FUNCTION unregister_tenant(p_tenant uuid, p_args jsonb); Type: ACL; Schema: api; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION api.unregister_tenant(p_tenant uuid, p_args jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION api.unregister_tenant(p_tenant uuid, p_args jsonb) TO fedgate_api;

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
-- Name: TABLE tenant_moves; Type: ACL; Schema: federation; Owner: fedgate_owner
--

GRANT SELECT ON TABLE federation.tenant_moves TO fedgate_catalog;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE federation.tenant_moves TO fedgate_operator;

--
-- Name: FUNCTION abort_move(p_move bigint, p_why text); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.abort_move(p_move bigint, p_why text) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.abort_move(p_move bigint, p_why text) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.abort_move(p_move bigint, p_why text) TO fedgate_operator;

--
-- Name: FUNCTION add_node(p_node_id text, p_region text, p_database_url text, p_priority integer, p_placement_weight integer, p_metadata jsonb); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.add_node(p_node_id text, p_region text, p_database_url text, p_priority integer, p_placement_weight integer, p_metadata jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.add_node(p_node_id text, p_region text, p_database_url text, p_priority integer, p_placement_weight integer, p_metadata jsonb) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.add_node(p_node_id text, p_region text, p_database_url text, p_priority integer, p_placement_weight integer, p_metadata jsonb) TO fedgate_operator;

--
-- Name: FUNCTION add_region(p_code text, p_display_name text); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.add_region(p_code text, p_display_name text) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.add_region(p_code text, p_display_name text) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.add_region(p_code text, p_display_name text) TO fedgate_operator;

--
-- Name: FUNCTION add_replica(p_node_id text, p_replica_id text, p_database_url text, p_max_lag interval, p_region text, p_override text); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.add_replica(p_node_id text, p_replica_id text, p_database_url text, p_max_lag interval, p_region text, p_override text) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.add_replica(p_node_id text, p_replica_id text, p_database_url text, p_max_lag interval, p_region text, p_override text) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.add_replica(p_node_id text, p_replica_id text, p_database_url text, p_max_lag interval, p_region text, p_override text) TO fedgate_operator;

--
-- Name: FUNCTION add_route(p_tenant uuid, p_region text, p_node_id text, p_weight integer, p_is_primary boolean, p_shared_data boolean, p_override text); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.add_route(p_tenant uuid, p_region text, p_node_id text, p_weight integer, p_is_primary boolean, p_shared_data boolean, p_override text) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.add_route(p_tenant uuid, p_region text, p_node_id text, p_weight integer, p_is_primary boolean, p_shared_data boolean, p_override text) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.add_route(p_tenant uuid, p_region text, p_node_id text, p_weight integer, p_is_primary boolean, p_shared_data boolean, p_override text) TO fedgate_operator;

--
-- Name: FUNCTION advance_move(p_move bigint, p_from text, p_to text, p_progress jsonb); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.advance_move(p_move bigint, p_from text, p_to text, p_progress jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.advance_move(p_move bigint, p_from text, p_to text, p_progress jsonb) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.advance_move(p_move bigint, p_from text, p_to text, p_progress jsonb) TO fedgate_operator;

--
-- Name: FUNCTION check_residency(p_tenant uuid, p_node text, p_action text, p_override text); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.check_residency(p_tenant uuid, p_node text, p_action text, p_override text) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.check_residency(p_tenant uuid, p_node text, p_action text, p_override text) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.check_residency(p_tenant uuid, p_node text, p_action text, p_override text) TO fedgate_operator;

--
-- Name: TABLE jobs; Type: ACL; Schema: federation; Owner: fedgate_owner
--

GRANT SELECT ON TABLE federation.jobs TO fedgate_catalog;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE federation.jobs TO fedgate_operator;

--
-- Name: FUNCTION claim_job(p_job bigint, p_owner text, p_instance text, p_lease interval); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.claim_job(p_job bigint, p_owner text, p_instance text, p_lease interval) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.claim_job(p_job bigint, p_owner text, p_instance text, p_lease interval) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.claim_job(p_job bigint, p_owner text, p_instance text, p_lease interval) TO fedgate_operator;

--
-- Name: FUNCTION claim_jobs(p_owner text, p_instance text, p_most integer, p_lease interval); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.claim_jobs(p_owner text, p_instance text, p_most integer, p_lease interval) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.claim_jobs(p_owner text, p_instance text, p_most integer, p_lease interval) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.claim_jobs(p_owner text, p_instance text, p_most integer, p_lease interval) TO fedgate_operator;

--
-- Name: FUNCTION clear_tenant_limit(p_tenant uuid); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.clear_tenant_limit(p_tenant uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.clear_tenant_limit(p_tenant uuid) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.clear_tenant_limit(p_tenant uuid) TO fedgate_operator;

--
-- Name: FUNCTION complete_move(p_move bigint); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.complete_move(p_move bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.complete_move(p_move bigint) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.complete_move(p_move bigint) TO fedgate_operator;

--
-- Name: FUNCTION count_enrollment_failure(p_addr text, OUT failures integer, OUT lim integer); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.count_enrollment_failure(p_addr text, OUT failures integer, OUT lim integer) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.count_enrollment_failure(p_addr text, OUT failures integer, OUT lim integer) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.count_enrollment_failure(p_addr text, OUT failures integer, OUT lim integer) TO fedgate_operator;

--
-- Name: FUNCTION derive_top_routes(); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.derive_top_routes() FROM PUBLIC;
GRANT ALL ON FUNCTION federation.derive_top_routes() TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.derive_top_routes() TO fedgate_operator;

--
-- Name: FUNCTION drain_plan(p_node text); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.drain_plan(p_node text) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.drain_plan(p_node text) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.drain_plan(p_node text) TO fedgate_operator;

--
-- Name: FUNCTION drop_move_object(p_move bigint, p_node text, p_kind text); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.drop_move_object(p_move bigint, p_node text, p_kind text) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.drop_move_object(p_move bigint, p_node text, p_kind text) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.drop_move_object(p_move bigint, p_node text, p_kind text) TO fedgate_operator;

--
-- Name: FUNCTION enqueue_job(p_kind text, p_subject text, p_move bigint, p_node text, p_params jsonb, p_parent bigint); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.enqueue_job(p_kind text, p_subject text, p_move bigint, p_node text, p_params jsonb, p_parent bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.enqueue_job(p_kind text, p_subject text, p_move bigint, p_node text, p_params jsonb, p_parent bigint) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.enqueue_job(p_kind text, p_subject text, p_move bigint, p_node text, p_params jsonb, p_parent bigint) TO fedgate_operator;

--
-- Name: FUNCTION explain_route(p_tenant uuid, p_region text); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.explain_route(p_tenant uuid, p_region text) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.explain_route(p_tenant uuid, p_region text) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.explain_route(p_tenant uuid, p_region text) TO fedgate_operator;

--
-- Name: FUNCTION fail_move(p_move bigint, p_error text); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.fail_move(p_move bigint, p_error text) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.fail_move(p_move bigint, p_error text) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.fail_move(p_move bigint, p_error text) TO fedgate_operator;

--
-- Name: FUNCTION federation_emit(p_payload jsonb); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.federation_emit(p_payload jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.federation_emit(p_payload jsonb) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.federation_emit(p_payload jsonb) TO fedgate_operator;

--
-- Name: FUNCTION federation_notify_health(); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.federation_notify_health() FROM PUBLIC;
GRANT ALL ON FUNCTION federation.federation_notify_health() TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.federation_notify_health() TO fedgate_operator;

--
-- Name: FUNCTION federation_notify_instances(); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.federation_notify_instances() FROM PUBLIC;
GRANT ALL ON FUNCTION federation.federation_notify_instances() TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.federation_notify_instances() TO fedgate_operator;

--
-- Name: FUNCTION federation_notify_legacy(); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.federation_notify_legacy() FROM PUBLIC;
GRANT ALL ON FUNCTION federation.federation_notify_legacy() TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.federation_notify_legacy() TO fedgate_operator;

--
-- Name: FUNCTION federation_notify_limits(); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.federation_notify_limits() FROM PUBLIC;
GRANT ALL ON FUNCTION federation.federation_notify_limits() TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.federation_notify_limits() TO fedgate_operator;

--
-- Name: FUNCTION federation_notify_moves(); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.federation_notify_moves() FROM PUBLIC;
GRANT ALL ON FUNCTION federation.federation_notify_moves() TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.federation_notify_moves() TO fedgate_operator;

--
-- Name: FUNCTION federation_notify_replicas(); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.federation_notify_replicas() FROM PUBLIC;
GRANT ALL ON FUNCTION federation.federation_notify_replicas() TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.federation_notify_replicas() TO fedgate_operator;

--
-- Name: FUNCTION federation_notify_statement(); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.federation_notify_statement() FROM PUBLIC;
GRANT ALL ON FUNCTION federation.federation_notify_statement() TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.federation_notify_statement() TO fedgate_operator;

--
-- Name: FUNCTION fence_move(p_move bigint); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.fence_move(p_move bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.fence_move(p_move bigint) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.fence_move(p_move bigint) TO fedgate_operator;

--
-- Name: FUNCTION finish_job(p_job bigint, p_owner text, p_state text, p_error text); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.finish_job(p_job bigint, p_owner text, p_state text, p_error text) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.finish_job(p_job bigint, p_owner text, p_state text, p_error text) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.finish_job(p_job bigint, p_owner text, p_state text, p_error text) TO fedgate_operator;

--
-- Name: FUNCTION forward_move(p_move bigint); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.forward_move(p_move bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.forward_move(p_move bigint) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.forward_move(p_move bigint) TO fedgate_operator;

--
-- Name: FUNCTION guard_federation_node(); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.guard_federation_node() FROM PUBLIC;
GRANT ALL ON FUNCTION federation.guard_federation_node() TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.guard_federation_node() TO fedgate_operator;

--
-- Name: FUNCTION guard_residency(); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.guard_residency() FROM PUBLIC;
GRANT ALL ON FUNCTION federation.guard_residency() TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.guard_residency() TO fedgate_operator;

--
-- Name: FUNCTION health_stale_after(); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.health_stale_after() FROM PUBLIC;
GRANT ALL ON FUNCTION federation.health_stale_after() TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.health_stale_after() TO fedgate_operator;

--
-- Name: FUNCTION health_state(p_healthy boolean, p_checked_at timestamp with time zone); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.health_state(p_healthy boolean, p_checked_at timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.health_state(p_healthy boolean, p_checked_at timestamp with time zone) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.health_state(p_healthy boolean, p_checked_at timestamp with time zone) TO fedgate_operator;

--
-- Name: FUNCTION instance_heartbeat(p_instance text, p_host text, p_pid integer, p_version text, p_workers integer, p_ttl interval, p_started timestamp with time zone); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.instance_heartbeat(p_instance text, p_host text, p_pid integer, p_version text, p_workers integer, p_ttl interval, p_started timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.instance_heartbeat(p_instance text, p_host text, p_pid integer, p_version text, p_workers integer, p_ttl interval, p_started timestamp with time zone) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.instance_heartbeat(p_instance text, p_host text, p_pid integer, p_version text, p_workers integer, p_ttl interval, p_started timestamp with time zone) TO fedgate_operator;

--
-- Name: FUNCTION instance_stopped(p_instance text); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.instance_stopped(p_instance text) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.instance_stopped(p_instance text) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.instance_stopped(p_instance text) TO fedgate_operator;

--
-- Name: FUNCTION job_actor(); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.job_actor() FROM PUBLIC;
GRANT ALL ON FUNCTION federation.job_actor() TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.job_actor() TO fedgate_operator;

--
-- Name: FUNCTION lease_jobs(p_jobs bigint[], p_owner text, p_instance text, p_lease interval); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.lease_jobs(p_jobs bigint[], p_owner text, p_instance text, p_lease interval) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.lease_jobs(p_jobs bigint[], p_owner text, p_instance text, p_lease interval) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.lease_jobs(p_jobs bigint[], p_owner text, p_instance text, p_lease interval) TO fedgate_operator;

--
-- Name: FUNCTION legacy_off(p_tenant uuid); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.legacy_off(p_tenant uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.legacy_off(p_tenant uuid) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.legacy_off(p_tenant uuid) TO fedgate_operator;

--
-- Name: FUNCTION legacy_on(p_tenant uuid); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.legacy_on(p_tenant uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.legacy_on(p_tenant uuid) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.legacy_on(p_tenant uuid) TO fedgate_operator;

--
-- Name: FUNCTION legacy_status(); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.legacy_status() FROM PUBLIC;
GRANT ALL ON FUNCTION federation.legacy_status() TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.legacy_status() TO fedgate_operator;

--
-- Name: FUNCTION move_job(p_move bigint); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.move_job(p_move bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.move_job(p_move bigint) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.move_job(p_move bigint) TO fedgate_operator;

--
-- Name: FUNCTION move_source(p_tenant uuid); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.move_source(p_tenant uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.move_source(p_tenant uuid) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.move_source(p_tenant uuid) TO fedgate_operator;

--
-- Name: FUNCTION node_serving(p_status text, p_unhealthy_checked_at timestamp with time zone); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.node_serving(p_status text, p_unhealthy_checked_at timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.node_serving(p_status text, p_unhealthy_checked_at timestamp with time zone) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.node_serving(p_status text, p_unhealthy_checked_at timestamp with time zone) TO fedgate_operator;

--
-- Name: FUNCTION open_plan(p_kind text, p_region text); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.open_plan(p_kind text, p_region text) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.open_plan(p_kind text, p_region text) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.open_plan(p_kind text, p_region text) TO fedgate_operator;

--
-- Name: FUNCTION outside_residency(p_tenant uuid, p_node text); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.outside_residency(p_tenant uuid, p_node text) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.outside_residency(p_tenant uuid, p_node text) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.outside_residency(p_tenant uuid, p_node text) TO fedgate_operator;

--
-- Name: FUNCTION park_job(p_job bigint, p_owner text, p_until timestamp with time zone); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.park_job(p_job bigint, p_owner text, p_until timestamp with time zone) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.park_job(p_job bigint, p_owner text, p_until timestamp with time zone) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.park_job(p_job bigint, p_owner text, p_until timestamp with time zone) TO fedgate_operator;

--
-- Name: FUNCTION pin_tenant(p_tenant uuid, p_pinned boolean); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.pin_tenant(p_tenant uuid, p_pinned boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.pin_tenant(p_tenant uuid, p_pinned boolean) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.pin_tenant(p_tenant uuid, p_pinned boolean) TO fedgate_operator;

--
-- Name: FUNCTION place_tenant(p_tenant uuid, p_region text); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.place_tenant(p_tenant uuid, p_region text) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.place_tenant(p_tenant uuid, p_region text) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.place_tenant(p_tenant uuid, p_region text) TO fedgate_operator;

--
-- Name: FUNCTION placement_load(p_rows double precision, p_rows_total double precision, p_requests double precision, p_requests_total double precision, p_share double precision, p_share_total double precision); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.placement_load(p_rows double precision, p_rows_total double precision, p_requests double precision, p_requests_total double precision, p_share double precision, p_share_total double precision) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.placement_load(p_rows double precision, p_rows_total double precision, p_requests double precision, p_requests_total double precision, p_share double precision, p_share_total double precision) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.placement_load(p_rows double precision, p_rows_total double precision, p_requests double precision, p_requests_total double precision, p_share double precision, p_share_total double precision) TO fedgate_operator;

--
-- Name: FUNCTION plan_job_moves(p_job bigint); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.plan_job_moves(p_job bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.plan_job_moves(p_job bigint) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.plan_job_moves(p_job bigint) TO fedgate_operator;

--
-- Name: FUNCTION plan_left(p_job bigint); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.plan_left(p_job bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.plan_left(p_job bigint) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.plan_left(p_job bigint) TO fedgate_operator;

--
-- Name: FUNCTION plan_moves(p_kind text, p_node text, p_region text, p_by text, p_threshold numeric, p_max_moves integer); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.plan_moves(p_kind text, p_node text, p_region text, p_by text, p_threshold numeric, p_max_moves integer) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.plan_moves(p_kind text, p_node text, p_region text, p_by text, p_threshold numeric, p_max_moves integer) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.plan_moves(p_kind text, p_node text, p_region text, p_by text, p_threshold numeric, p_max_moves integer) TO fedgate_operator;

--
-- Name: FUNCTION plan_setting(p_by text, p_threshold numeric, p_max_moves integer); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.plan_setting(p_by text, p_threshold numeric, p_max_moves integer) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.plan_setting(p_by text, p_threshold numeric, p_max_moves integer) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.plan_setting(p_by text, p_threshold numeric, p_max_moves integer) TO fedgate_operator;

--
-- Name: FUNCTION rebalance_plan(p_region text, p_by text, p_threshold numeric, p_max_moves integer); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.rebalance_plan(p_region text, p_by text, p_threshold numeric, p_max_moves integer) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.rebalance_plan(p_region text, p_by text, p_threshold numeric, p_max_moves integer) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.rebalance_plan(p_region text, p_by text, p_threshold numeric, p_max_moves integer) TO fedgate_operator;

--
-- Name: FUNCTION rebalance_spread(p_region text, p_by text, p_threshold numeric, p_max_moves integer); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.rebalance_spread(p_region text, p_by text, p_threshold numeric, p_max_moves integer) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.rebalance_spread(p_region text, p_by text, p_threshold numeric, p_max_moves integer) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.rebalance_spread(p_region text, p_by text, p_threshold numeric, p_max_moves integer) TO fedgate_operator;

--
-- Name: FUNCTION record_move_object(p_move bigint, p_node text, p_kind text, p_name text); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.record_move_object(p_move bigint, p_node text, p_kind text, p_name text) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.record_move_object(p_move bigint, p_node text, p_kind text, p_name text) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.record_move_object(p_move bigint, p_node text, p_kind text, p_name text) TO fedgate_operator;

--
-- Name: FUNCTION record_plan(p_job bigint, p_kind text, p_node text, p_region text, p_by text, p_threshold numeric, p_max_moves integer); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.record_plan(p_job bigint, p_kind text, p_node text, p_region text, p_by text, p_threshold numeric, p_max_moves integer) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.record_plan(p_job bigint, p_kind text, p_node text, p_region text, p_by text, p_threshold numeric, p_max_moves integer) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.record_plan(p_job bigint, p_kind text, p_node text, p_region text, p_by text, p_threshold numeric, p_max_moves integer) TO fedgate_operator;

--
-- Name: FUNCTION record_residency_event(p_tenant uuid, p_action text, p_node text, p_region text, p_decision text, p_regions text[], p_reason text, p_actor text); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.record_residency_event(p_tenant uuid, p_action text, p_node text, p_region text, p_decision text, p_regions text[], p_reason text, p_actor text) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.record_residency_event(p_tenant uuid, p_action text, p_node text, p_region text, p_decision text, p_regions text[], p_reason text, p_actor text) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.record_residency_event(p_tenant uuid, p_action text, p_node text, p_region text, p_decision text, p_regions text[], p_reason text, p_actor text) TO fedgate_operator;

--
-- Name: FUNCTION record_residency_refusal(p_detail jsonb); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.record_residency_refusal(p_detail jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.record_residency_refusal(p_detail jsonb) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.record_residency_refusal(p_detail jsonb) TO fedgate_operator;

--
-- Name: FUNCTION record_tenant_sizes(p_node text, p_sizes jsonb); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.record_tenant_sizes(p_node text, p_sizes jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.record_tenant_sizes(p_node text, p_sizes jsonb) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.record_tenant_sizes(p_node text, p_sizes jsonb) TO fedgate_operator;

--
-- Name: FUNCTION refuse_residency(p_tenant uuid, p_action text, p_node text, p_region text, p_regions text[], p_what text); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.refuse_residency(p_tenant uuid, p_action text, p_node text, p_region text, p_regions text[], p_what text) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.refuse_residency(p_tenant uuid, p_action text, p_node text, p_region text, p_regions text[], p_what text) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.refuse_residency(p_tenant uuid, p_action text, p_node text, p_region text, p_regions text[], p_what text) TO fedgate_operator;

--
-- Name: FUNCTION refuse_residency_rewrite(); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.refuse_residency_rewrite() FROM PUBLIC;
GRANT ALL ON FUNCTION federation.refuse_residency_rewrite() TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.refuse_residency_rewrite() TO fedgate_operator;

--
-- Name: FUNCTION region_loads(p_region text, p_by text); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.region_loads(p_region text, p_by text) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.region_loads(p_region text, p_by text) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.region_loads(p_region text, p_by text) TO fedgate_operator;

--
-- Name: TABLE tenant_registry; Type: ACL; Schema: federation; Owner: fedgate_owner
--

GRANT SELECT ON TABLE federation.tenant_registry TO fedgate_catalog;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE federation.tenant_registry TO fedgate_operator;

--
-- Name: FUNCTION register_creation(p_tenant uuid, p_body jsonb, OUT registration federation.tenant_registry, OUT replayed boolean); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.register_creation(p_tenant uuid, p_body jsonb, OUT registration federation.tenant_registry, OUT replayed boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.register_creation(p_tenant uuid, p_body jsonb, OUT registration federation.tenant_registry, OUT replayed boolean) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.register_creation(p_tenant uuid, p_body jsonb, OUT registration federation.tenant_registry, OUT replayed boolean) TO fedgate_operator;

--
-- Name: FUNCTION registration_json(p_row federation.tenant_registry, p_replayed boolean); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.registration_json(p_row federation.tenant_registry, p_replayed boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.registration_json(p_row federation.tenant_registry, p_replayed boolean) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.registration_json(p_row federation.tenant_registry, p_replayed boolean) TO fedgate_operator;

--
-- Name: FUNCTION rehome_tenant(p_tenant uuid, p_from text, p_to text, p_override text, p_unmap boolean); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.rehome_tenant(p_tenant uuid, p_from text, p_to text, p_override text, p_unmap boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.rehome_tenant(p_tenant uuid, p_from text, p_to text, p_override text, p_unmap boolean) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.rehome_tenant(p_tenant uuid, p_from text, p_to text, p_override text, p_unmap boolean) TO fedgate_operator;

--
-- Name: FUNCTION release_job(p_job bigint, p_owner text); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.release_job(p_job bigint, p_owner text) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.release_job(p_job bigint, p_owner text) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.release_job(p_job bigint, p_owner text) TO fedgate_operator;

--
-- Name: FUNCTION release_jobs(p_owner text); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.release_jobs(p_owner text) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.release_jobs(p_owner text) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.release_jobs(p_owner text) TO fedgate_operator;

--
-- Name: FUNCTION remove_replica(p_replica_id text); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.remove_replica(p_replica_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.remove_replica(p_replica_id text) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.remove_replica(p_replica_id text) TO fedgate_operator;

--
-- Name: FUNCTION remove_route(p_tenant uuid, p_region text, p_node_id text); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.remove_route(p_tenant uuid, p_region text, p_node_id text) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.remove_route(p_tenant uuid, p_region text, p_node_id text) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.remove_route(p_tenant uuid, p_region text, p_node_id text) TO fedgate_operator;

--
-- Name: FUNCTION rendezvous_score(p_tenant uuid, p_region text, p_node text, p_weight integer); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.rendezvous_score(p_tenant uuid, p_region text, p_node text, p_weight integer) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.rendezvous_score(p_tenant uuid, p_region text, p_node text, p_weight integer) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.rendezvous_score(p_tenant uuid, p_region text, p_node text, p_weight integer) TO fedgate_operator;

--
-- Name: FUNCTION renew_jobs(p_owner text, p_lease interval, p_jobs bigint[]); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.renew_jobs(p_owner text, p_lease interval, p_jobs bigint[]) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.renew_jobs(p_owner text, p_lease interval, p_jobs bigint[]) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.renew_jobs(p_owner text, p_lease interval, p_jobs bigint[]) TO fedgate_operator;

--
-- Name: FUNCTION report_legacy_usage(p_rows jsonb); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.report_legacy_usage(p_rows jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.report_legacy_usage(p_rows jsonb) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.report_legacy_usage(p_rows jsonb) TO fedgate_operator;

--
-- Name: TABLE federation_node_health; Type: ACL; Schema: federation; Owner: fedgate_owner
--

GRANT SELECT,INSERT,UPDATE ON TABLE federation.federation_node_health TO fedgate_catalog;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE federation.federation_node_health TO fedgate_operator;

--
-- Name: FUNCTION report_node_health(p_node_id text, p_healthy boolean, p_latency_ms real, p_error text); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.report_node_health(p_node_id text, p_healthy boolean, p_latency_ms real, p_error text) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.report_node_health(p_node_id text, p_healthy boolean, p_latency_ms real, p_error text) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.report_node_health(p_node_id text, p_healthy boolean, p_latency_ms real, p_error text) TO fedgate_operator;

--
-- Name: FUNCTION report_node_load(p_nodes text[], p_rows bigint[]); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.report_node_load(p_nodes text[], p_rows bigint[]) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.report_node_load(p_nodes text[], p_rows bigint[]) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.report_node_load(p_nodes text[], p_rows bigint[]) TO fedgate_operator;

--
-- Name: FUNCTION report_replica_health(p_ids text[], p_healthy boolean[], p_lag_bytes bigint[], p_lag_seconds real[], p_replay_lsn text[], p_errors text[]); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.report_replica_health(p_ids text[], p_healthy boolean[], p_lag_bytes bigint[], p_lag_seconds real[], p_replay_lsn text[], p_errors text[]) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.report_replica_health(p_ids text[], p_healthy boolean[], p_lag_bytes bigint[], p_lag_seconds real[], p_replay_lsn text[], p_errors text[]) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.report_replica_health(p_ids text[], p_healthy boolean[], p_lag_bytes bigint[], p_lag_seconds real[], p_replay_lsn text[], p_errors text[]) TO fedgate_operator;

--
-- Name: FUNCTION report_tenant_stats(p_rows jsonb); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.report_tenant_stats(p_rows jsonb) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.report_tenant_stats(p_rows jsonb) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.report_tenant_stats(p_rows jsonb) TO fedgate_operator;

--
-- Name: FUNCTION request_move(p_move bigint, p_what text); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.request_move(p_move bigint, p_what text) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.request_move(p_move bigint, p_what text) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.request_move(p_move bigint, p_what text) TO fedgate_operator;

--
-- Name: FUNCTION requeue_job(p_job bigint); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.requeue_job(p_job bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.requeue_job(p_job bigint) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.requeue_job(p_job bigint) TO fedgate_operator;

--
-- Name: FUNCTION residency_conflicts(p_tenant uuid, p_regions text[]); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.residency_conflicts(p_tenant uuid, p_regions text[]) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.residency_conflicts(p_tenant uuid, p_regions text[]) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.residency_conflicts(p_tenant uuid, p_regions text[]) TO fedgate_operator;

--
-- Name: FUNCTION residency_regions(p_regions text[], p_field text); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.residency_regions(p_regions text[], p_field text) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.residency_regions(p_regions text[], p_field text) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.residency_regions(p_regions text[], p_field text) TO fedgate_operator;

--
-- Name: FUNCTION resolve_node(p_tenant uuid, p_region text); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.resolve_node(p_tenant uuid, p_region text) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.resolve_node(p_tenant uuid, p_region text) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.resolve_node(p_tenant uuid, p_region text) TO fedgate_operator;

--
-- Name: FUNCTION resolve_node_full(p_tenant uuid, p_region text); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.resolve_node_full(p_tenant uuid, p_region text) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.resolve_node_full(p_tenant uuid, p_region text) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.resolve_node_full(p_tenant uuid, p_region text) TO fedgate_operator;

--
-- Name: FUNCTION retry_job(p_job bigint, p_owner text, p_step text, p_error text, p_attempts integer, p_backoff interval); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.retry_job(p_job bigint, p_owner text, p_step text, p_error text, p_attempts integer, p_backoff interval) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.retry_job(p_job bigint, p_owner text, p_step text, p_error text, p_attempts integer, p_backoff interval) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.retry_job(p_job bigint, p_owner text, p_step text, p_error text, p_attempts integer, p_backoff interval) TO fedgate_operator;

--
-- Name: FUNCTION reverse_move(p_move bigint); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.reverse_move(p_move bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.reverse_move(p_move bigint) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.reverse_move(p_move bigint) TO fedgate_operator;

--
-- Name: FUNCTION route_candidates(p_tenant uuid, p_region text); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.route_candidates(p_tenant uuid, p_region text) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.route_candidates(p_tenant uuid, p_region text) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.route_candidates(p_tenant uuid, p_region text) TO fedgate_operator;

--
-- Name: TABLE legacy_policy; Type: ACL; Schema: federation; Owner: fedgate_owner
--

GRANT SELECT ON TABLE federation.legacy_policy TO fedgate_catalog;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE federation.legacy_policy TO fedgate_operator;

--
-- Name: FUNCTION set_legacy_sunset(p_date date); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.set_legacy_sunset(p_date date) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.set_legacy_sunset(p_date date) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.set_legacy_sunset(p_date date) TO fedgate_operator;

--
-- Name: FUNCTION set_node_capacity(p_node text, p_capacity integer); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.set_node_capacity(p_node text, p_capacity integer) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.set_node_capacity(p_node text, p_capacity integer) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.set_node_capacity(p_node text, p_capacity integer) TO fedgate_operator;

--
-- Name: FUNCTION set_node_status(p_node_id text, p_status text); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.set_node_status(p_node_id text, p_status text) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.set_node_status(p_node_id text, p_status text) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.set_node_status(p_node_id text, p_status text) TO fedgate_operator;

--
-- Name: FUNCTION set_residency(p_tenant uuid, p_regions text[], p_reason text, p_move boolean); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.set_residency(p_tenant uuid, p_regions text[], p_reason text, p_move boolean) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.set_residency(p_tenant uuid, p_regions text[], p_reason text, p_move boolean) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.set_residency(p_tenant uuid, p_regions text[], p_reason text, p_move boolean) TO fedgate_operator;

--
-- Name: TABLE tenant_limits; Type: ACL; Schema: federation; Owner: fedgate_owner
--

GRANT SELECT ON TABLE federation.tenant_limits TO fedgate_catalog;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE federation.tenant_limits TO fedgate_operator;

--
-- Name: FUNCTION set_tenant_limit(p_tenant uuid, p_rps double precision, p_burst double precision, p_inflight integer); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.set_tenant_limit(p_tenant uuid, p_rps double precision, p_burst double precision, p_inflight integer) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.set_tenant_limit(p_tenant uuid, p_rps double precision, p_burst double precision, p_inflight integer) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.set_tenant_limit(p_tenant uuid, p_rps double precision, p_burst double precision, p_inflight integer) TO fedgate_operator;

--
-- Name: FUNCTION set_tenant_status(p_tenant uuid, p_status text); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.set_tenant_status(p_tenant uuid, p_status text) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.set_tenant_status(p_tenant uuid, p_status text) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.set_tenant_status(p_tenant uuid, p_status text) TO fedgate_operator;

--
-- Name: FUNCTION settle_registrations(p_present uuid[], p_absent uuid[]); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.settle_registrations(p_present uuid[], p_absent uuid[]) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.settle_registrations(p_present uuid[], p_absent uuid[]) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.settle_registrations(p_present uuid[], p_absent uuid[]) TO fedgate_operator;

--
-- Name: FUNCTION stale_registrations(p_older_than interval); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.stale_registrations(p_older_than interval) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.stale_registrations(p_older_than interval) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.stale_registrations(p_older_than interval) TO fedgate_operator;

--
-- Name: FUNCTION start_drain(p_node text, p_parallel integer); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.start_drain(p_node text, p_parallel integer) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.start_drain(p_node text, p_parallel integer) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.start_drain(p_node text, p_parallel integer) TO fedgate_operator;

--
-- Name: FUNCTION start_move(p_tenant uuid, p_target text, p_keep_source boolean, p_parent bigint, p_override text); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.start_move(p_tenant uuid, p_target text, p_keep_source boolean, p_parent bigint, p_override text) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.start_move(p_tenant uuid, p_target text, p_keep_source boolean, p_parent bigint, p_override text) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.start_move(p_tenant uuid, p_target text, p_keep_source boolean, p_parent bigint, p_override text) TO fedgate_operator;

--
-- Name: FUNCTION start_plan(p_kind text, p_parallel integer, p_max_rows_per_s integer, p_region text, p_by text, p_threshold numeric, p_max_moves integer); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.start_plan(p_kind text, p_parallel integer, p_max_rows_per_s integer, p_region text, p_by text, p_threshold numeric, p_max_moves integer) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.start_plan(p_kind text, p_parallel integer, p_max_rows_per_s integer, p_region text, p_by text, p_threshold numeric, p_max_moves integer) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.start_plan(p_kind text, p_parallel integer, p_max_rows_per_s integer, p_region text, p_by text, p_threshold numeric, p_max_moves integer) TO fedgate_operator;

--
-- Name: FUNCTION stop_move(p_move bigint, p_state text, p_error text); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.stop_move(p_move bigint, p_state text, p_error text) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.stop_move(p_move bigint, p_state text, p_error text) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.stop_move(p_move bigint, p_state text, p_error text) TO fedgate_operator;

--
-- Name: FUNCTION switch_back_move(p_move bigint); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.switch_back_move(p_move bigint) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.switch_back_move(p_move bigint) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.switch_back_move(p_move bigint) TO fedgate_operator;

--
-- Name: FUNCTION switch_move(p_move bigint, p_reversible_for interval); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.switch_move(p_move bigint, p_reversible_for interval) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.switch_move(p_move bigint, p_reversible_for interval) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.switch_move(p_move bigint, p_reversible_for interval) TO fedgate_operator;

--
-- Name: FUNCTION sync_node_health(); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.sync_node_health() FROM PUBLIC;
GRANT ALL ON FUNCTION federation.sync_node_health() TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.sync_node_health() TO fedgate_operator;

--
-- Name: FUNCTION sync_residency(); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.sync_residency() FROM PUBLIC;
GRANT ALL ON FUNCTION federation.sync_residency() TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.sync_residency() TO fedgate_operator;

--
-- Name: FUNCTION sync_top_routes(); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.sync_top_routes() FROM PUBLIC;
GRANT ALL ON FUNCTION federation.sync_top_routes() TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.sync_top_routes() TO fedgate_operator;

--
-- Name: FUNCTION tenant_load(p_by text, p_node text); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.tenant_load(p_by text, p_node text) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.tenant_load(p_by text, p_node text) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.tenant_load(p_by text, p_node text) TO fedgate_operator;

--
-- Name: FUNCTION tenant_residency(p_tenant uuid); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.tenant_residency(p_tenant uuid) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.tenant_residency(p_tenant uuid) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.tenant_residency(p_tenant uuid) TO fedgate_operator;

--
-- Name: FUNCTION top_routes(p_tenants uuid[]); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.top_routes(p_tenants uuid[]) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.top_routes(p_tenants uuid[]) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.top_routes(p_tenants uuid[]) TO fedgate_operator;

--
-- Name: FUNCTION unfence_move(p_move bigint, p_error text); Type: ACL; Schema: federation; Owner: fedgate_owner
--

REVOKE ALL ON FUNCTION federation.unfence_move(p_move bigint, p_error text) FROM PUBLIC;
GRANT ALL ON FUNCTION federation.unfence_move(p_move bigint, p_error text) TO fedgate_catalog;
GRANT ALL ON FUNCTION federation.unfence_move(p_move bigint, p_error text) TO fedgate_operator;

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
-- Name: TABLE enrollment_failures; Type: ACL; Schema: federation; Owner: fedgate_owner
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE federation.enrollment_failures TO fedgate_catalog;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE federation.enrollment_failures TO fedgate_operator;

--
-- Name: TABLE gateway_instances; Type: ACL; Schema: federation; Owner: fedgate_owner
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE federation.gateway_instances TO fedgate_catalog;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE federation.gateway_instances TO fedgate_operator;

--
-- Name: TABLE federation_gateways; Type: ACL; Schema: federation; Owner: fedgate_owner
--

GRANT SELECT ON TABLE federation.federation_gateways TO fedgate_catalog;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE federation.federation_gateways TO fedgate_operator;

--
-- Name: TABLE move_objects; Type: ACL; Schema: federation; Owner: fedgate_owner
--

GRANT SELECT ON TABLE federation.move_objects TO fedgate_catalog;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE federation.move_objects TO fedgate_operator;

--
-- Name: TABLE federation_jobs; Type: ACL; Schema: federation; Owner: fedgate_owner
--

GRANT SELECT ON TABLE federation.federation_jobs TO fedgate_catalog;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE federation.federation_jobs TO fedgate_operator;

--
-- Name: TABLE legacy_usage; Type: ACL; Schema: federation; Owner: fedgate_owner
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE federation.legacy_usage TO fedgate_catalog;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE federation.legacy_usage TO fedgate_operator;

--
-- Name: TABLE federation_legacy_usage; Type: ACL; Schema: federation; Owner: fedgate_owner
--

GRANT SELECT ON TABLE federation.federation_legacy_usage TO fedgate_catalog;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE federation.federation_legacy_usage TO fedgate_operator;

--
-- Name: TABLE federation_move_objects; Type: ACL; Schema: federation; Owner: fedgate_owner
--

GRANT SELECT ON TABLE federation.federation_move_objects TO fedgate_catalog;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE federation.federation_move_objects TO fedgate_operator;

--
-- Name: TABLE federation_moves; Type: ACL; Schema: federation; Owner: fedgate_owner
--

GRANT SELECT ON TABLE federation.federation_moves TO fedgate_catalog;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE federation.federation_moves TO fedgate_operator;

--
-- Name: TABLE federation_nodes; Type: ACL; Schema: federation; Owner: fedgate_owner
--

GRANT SELECT ON TABLE federation.federation_nodes TO fedgate_catalog;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE federation.federation_nodes TO fedgate_operator;

--
-- Name: COLUMN federation_nodes.unhealthy_checked_at; Type: ACL; Schema: federation; Owner: fedgate_owner
--

GRANT UPDATE(unhealthy_checked_at) ON TABLE federation.federation_nodes TO fedgate_catalog;

--
-- Name: TABLE node_load; Type: ACL; Schema: federation; Owner: fedgate_owner
--

GRANT SELECT,INSERT,UPDATE ON TABLE federation.node_load TO fedgate_catalog;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE federation.node_load TO fedgate_operator;

--
-- Name: TABLE tenant_federation_map; Type: ACL; Schema: federation; Owner: fedgate_owner
--

GRANT SELECT ON TABLE federation.tenant_federation_map TO fedgate_catalog;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE federation.tenant_federation_map TO fedgate_operator;

--
-- Name: TABLE federation_node_status; Type: ACL; Schema: federation; Owner: fedgate_owner
--

GRANT SELECT ON TABLE federation.federation_node_status TO fedgate_catalog;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE federation.federation_node_status TO fedgate_operator;

--
-- Name: TABLE plan_items; Type: ACL; Schema: federation; Owner: fedgate_owner
--

GRANT SELECT ON TABLE federation.plan_items TO fedgate_catalog;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE federation.plan_items TO fedgate_operator;

--
-- Name: TABLE federation_plan_moves; Type: ACL; Schema: federation; Owner: fedgate_owner
--

GRANT SELECT ON TABLE federation.federation_plan_moves TO fedgate_catalog;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE federation.federation_plan_moves TO fedgate_operator;

--
-- Name: TABLE federation_plans; Type: ACL; Schema: federation; Owner: fedgate_owner
--

GRANT SELECT ON TABLE federation.federation_plans TO fedgate_catalog;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE federation.federation_plans TO fedgate_operator;

--
-- Name: TABLE federation_replicas; Type: ACL; Schema: federation; Owner: fedgate_owner
--

GRANT SELECT ON TABLE federation.federation_replicas TO fedgate_catalog;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE federation.federation_replicas TO fedgate_operator;

--
-- Name: COLUMN federation_replicas.healthy; Type: ACL; Schema: federation; Owner: fedgate_owner
--

GRANT UPDATE(healthy) ON TABLE federation.federation_replicas TO fedgate_catalog;

--
-- Name: COLUMN federation_replicas.usable; Type: ACL; Schema: federation; Owner: fedgate_owner
--

GRANT UPDATE(usable) ON TABLE federation.federation_replicas TO fedgate_catalog;

--
-- Name: COLUMN federation_replicas.lag_bytes; Type: ACL; Schema: federation; Owner: fedgate_owner
--

GRANT UPDATE(lag_bytes) ON TABLE federation.federation_replicas TO fedgate_catalog;

--
-- Name: COLUMN federation_replicas.lag_seconds; Type: ACL; Schema: federation; Owner: fedgate_owner
--

GRANT UPDATE(lag_seconds) ON TABLE federation.federation_replicas TO fedgate_catalog;

--
-- Name: COLUMN federation_replicas.replay_lsn; Type: ACL; Schema: federation; Owner: fedgate_owner
--

GRANT UPDATE(replay_lsn) ON TABLE federation.federation_replicas TO fedgate_catalog;

--
-- Name: COLUMN federation_replicas.last_error; Type: ACL; Schema: federation; Owner: fedgate_owner
--

GRANT UPDATE(last_error) ON TABLE federation.federation_replicas TO fedgate_catalog;

--
-- Name: COLUMN federation_replicas.checked_at; Type: ACL; Schema: federation; Owner: fedgate_owner
--

GRANT UPDATE(checked_at) ON TABLE federation.federation_replicas TO fedgate_catalog;

--
-- Name: TABLE federation_replica_status; Type: ACL; Schema: federation; Owner: fedgate_owner
--

GRANT SELECT ON TABLE federation.federation_replica_status TO fedgate_catalog;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE federation.federation_replica_status TO fedgate_operator;

--
-- Name: TABLE residency_events; Type: ACL; Schema: federation; Owner: fedgate_owner
--

GRANT SELECT ON TABLE federation.residency_events TO fedgate_catalog;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE federation.residency_events TO fedgate_operator;

--
-- Name: TABLE federation_residency_events; Type: ACL; Schema: federation; Owner: fedgate_owner
--

GRANT SELECT ON TABLE federation.federation_residency_events TO fedgate_catalog;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE federation.federation_residency_events TO fedgate_operator;

--
-- Name: TABLE federation_routing; Type: ACL; Schema: federation; Owner: fedgate_owner
--

GRANT SELECT ON TABLE federation.federation_routing TO fedgate_catalog;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE federation.federation_routing TO fedgate_operator;

--
-- Name: TABLE federation_rule_problems; Type: ACL; Schema: federation; Owner: fedgate_owner
--

GRANT SELECT ON TABLE federation.federation_rule_problems TO fedgate_catalog;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE federation.federation_rule_problems TO fedgate_operator;

--
-- Name: TABLE federation_tenant_limits; Type: ACL; Schema: federation; Owner: fedgate_owner
--

GRANT SELECT ON TABLE federation.federation_tenant_limits TO fedgate_catalog;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE federation.federation_tenant_limits TO fedgate_operator;

--
-- Name: TABLE tenant_request_stats; Type: ACL; Schema: federation; Owner: fedgate_owner
--

GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE federation.tenant_request_stats TO fedgate_catalog;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE federation.tenant_request_stats TO fedgate_operator;

--
-- Name: TABLE federation_tenant_stats; Type: ACL; Schema: federation; Owner: fedgate_owner
--

GRANT SELECT ON TABLE federation.federation_tenant_stats TO fedgate_catalog;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE federation.federation_tenant_stats TO fedgate_operator;

--
-- Name: SEQUENCE jobs_job_id_seq; Type: ACL; Schema: federation; Owner: fedgate_owner
--

GRANT SELECT,USAGE ON SEQUENCE federation.jobs_job_id_seq TO fedgate_operator;

--
-- Name: TABLE legacy_off; Type: ACL; Schema: federation; Owner: fedgate_owner
--

GRANT SELECT ON TABLE federation.legacy_off TO fedgate_catalog;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE federation.legacy_off TO fedgate_operator;

--
-- Name: TABLE regions; Type: ACL; Schema: federation; Owner: fedgate_owner
--

GRANT SELECT ON TABLE federation.regions TO fedgate_catalog;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE federation.regions TO fedgate_operator;

--
-- Name: SEQUENCE residency_events_event_id_seq; Type: ACL; Schema: federation; Owner: fedgate_owner
--

GRANT SELECT,USAGE ON SEQUENCE federation.residency_events_event_id_seq TO fedgate_operator;

--
-- Name: SEQUENCE tenant_moves_move_id_seq; Type: ACL; Schema: federation; Owner: fedgate_owner
--

GRANT SELECT,USAGE ON SEQUENCE federation.tenant_moves_move_id_seq TO fedgate_operator;

--
-- Name: TABLE tenant_sizes; Type: ACL; Schema: federation; Owner: fedgate_owner
--

GRANT SELECT ON TABLE federation.tenant_sizes TO fedgate_catalog;
GRANT SELECT,INSERT,DELETE,UPDATE ON TABLE federation.tenant_sizes TO fedgate_operator;

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
