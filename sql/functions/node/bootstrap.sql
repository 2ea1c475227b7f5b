-- Handler functions for bootstrap kits: issue, seal, read back, verify, scan.
--
--   api.issue_kit(t, {agents, regions, format})      the kit row and its one-time token
--   api.seal_kit(t, {kitId, metadataJson, archiveSha256})  record the rendered archive
--   api.kit_meta(t, _)                               GET bootstrap/meta/{id}: latest metadata.json, verbatim
--   CALL api.verify_kit(t, body, NULL)               POST bootstrap/verify (a procedure: the audit row of
--                                                    a refused attempt is committed before the error)
--   api.kit_verification(t, {kitId})                 GET bootstrap/verify
--   api.bootstrap_status(t, _)                       GET bootstrap/status/{id}
--   api.bootstrap_scan(t, _)                         GET bootstrap/scan
-- The enrollment token is random, returned once (it goes into the kit) and
-- stored as its SHA-256 with an expiry (fedgate.kit_token_ttl, default 24 hours).

CREATE OR REPLACE FUNCTION onboarding.kit_token_ttl()
RETURNS interval
LANGUAGE sql STABLE
RETURN coalesce(nullif(current_setting('fedgate.kit_token_ttl', true), ''), '24 hours')::interval;
COMMENT ON FUNCTION onboarding.kit_token_ttl() IS 'How long an enrollment token is valid: the fedgate.kit_token_ttl setting, default 24 hours.';

CREATE OR REPLACE FUNCTION api.issue_kit(p_tenant uuid, p_body jsonb)
RETURNS jsonb
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_tenant onboarding.tenants := onboarding.api_require_tenant(p_tenant);
    v_agents text[] := onboarding.json_text_array(p_body, 'agents', 1, 20, '^[a-z0-9][a-z0-9-]{0,62}$');
    v_regions text[] := onboarding.json_regions(p_body, 'regions', 10);
    v_format text := coalesce(onboarding.json_text(p_body, 'format', false, 16), 'zip');
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
    INSERT INTO onboarding.bootstrap_kits (tenant_id, format, agents, regions, token_hash, expires_at)
    VALUES (p_tenant, v_format, v_agents, v_regions, sha256(convert_to(v_token, 'UTF8')), now() + onboarding.kit_token_ttl())
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
$$;
COMMENT ON FUNCTION api.issue_kit(uuid, jsonb) IS
    'Issues a kit {agents: [agent type ids], regions?: [codes], format?: zip|tar.gz}: the kit row with the token''s hash and expiry, and what rendering needs from this node, including the token (returned this once). Region names come from the control database (api.kit_context).';

CREATE OR REPLACE FUNCTION api.seal_kit(p_tenant uuid, p_body jsonb)
RETURNS jsonb
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_kit_id uuid := onboarding.json_uuid(p_body, 'kitId', true);
    v_metadata text := onboarding.json_text(p_body, 'metadataJson', true, 1048576);
    v_sha text := onboarding.json_text(p_body, 'archiveSha256', true, 64);
    v_kit onboarding.bootstrap_kits;
BEGIN
    PERFORM onboarding.api_require_tenant(p_tenant);
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
COMMENT ON FUNCTION api.seal_kit(uuid, jsonb) IS
    'Records a rendered kit: its metadata.json (verbatim) and archive SHA-256; writes kit.issued to the audit trail.';

CREATE OR REPLACE FUNCTION api.kit_meta(p_tenant uuid, p_args jsonb DEFAULT '{}'::jsonb)
RETURNS json
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
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
COMMENT ON FUNCTION api.kit_meta(uuid, jsonb) IS 'The latest kit''s metadata.json, byte-identical to the file in the archive; FG404 when none.';

CREATE OR REPLACE FUNCTION onboarding.kit_state(p_kit onboarding.bootstrap_kits)
RETURNS text
LANGUAGE sql STABLE
RETURN CASE
    WHEN p_kit.sealed_at IS NULL THEN 'pending'
    WHEN p_kit.revoked_at IS NOT NULL THEN 'revoked'
    WHEN p_kit.verified_at IS NOT NULL THEN 'verified'
    WHEN p_kit.expires_at <= now() THEN 'expired'
    ELSE 'issued'
END;
COMMENT ON FUNCTION onboarding.kit_state(onboarding.bootstrap_kits) IS 'pending (not sealed), revoked, verified, expired or issued.';

CREATE OR REPLACE FUNCTION onboarding.verify_kit_attempt(p_tenant uuid, p_body jsonb)
RETURNS jsonb
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_kit_id uuid := onboarding.json_uuid(p_body, 'kitId', true);
    v_token text := onboarding.json_text(p_body, 'token', true, 256);
    v_hostname text := lower(btrim(onboarding.json_text(p_body, 'hostname', true, 253)));
    v_agent_type text := onboarding.json_text(p_body, 'agentType', true, 63);
    v_version text := onboarding.json_text(p_body, 'version', true, 64);
    v_kit onboarding.bootstrap_kits;
    v_refusal text;
    v_code text;
    v_agent onboarding.agent_instances;
    v_detail jsonb;
BEGIN
    PERFORM onboarding.api_require_tenant(p_tenant);
    IF v_hostname !~ '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$' THEN
        PERFORM onboarding.api_invalid('hostname', 'hostname is not a valid host name');
    END IF;
    SELECT * INTO v_kit FROM onboarding.bootstrap_kits k
    WHERE k.id = v_kit_id AND k.tenant_id = p_tenant AND k.sealed_at IS NOT NULL
    FOR UPDATE;
    v_detail := jsonb_build_object('hostname', v_hostname, 'agentType', v_agent_type, 'version', v_version);
    IF NOT FOUND THEN
        v_refusal := 'unknown_kit';
        v_code := 'FG404';
    ELSIF v_kit.revoked_at IS NOT NULL THEN
        v_refusal := 'revoked';
        v_code := 'FG410';
    ELSIF v_kit.expires_at <= now() THEN
        v_refusal := 'expired';
        v_code := 'FG410';
    ELSIF sha256(convert_to(v_token, 'UTF8')) <> v_kit.token_hash THEN
        v_refusal := 'bad_token';
        v_code := 'FG401';
        UPDATE onboarding.bootstrap_kits SET failed_attempts = failed_attempts + 1,
            revoked_at = CASE WHEN failed_attempts + 1 >= 10 THEN now() END
        WHERE tenant_id = p_tenant AND id = v_kit.id;
    ELSIF NOT v_agent_type = ANY (v_kit.agents) THEN
        v_refusal := 'agent_not_in_kit';
        v_code := 'FG403';
    END IF;

    IF v_refusal IS NOT NULL THEN
        INSERT INTO onboarding.bootstrap_audit (tenant_id, kit_id, event, outcome, detail)
        VALUES (p_tenant, v_kit_id, 'kit.verify', 'failure', v_detail || jsonb_build_object('reason', v_refusal));
        RETURN jsonb_build_object('refusal', v_refusal, 'code', v_code, 'message', CASE v_refusal
                WHEN 'unknown_kit' THEN 'no such kit for this tenant'
                WHEN 'revoked' THEN 'the kit was revoked'
                WHEN 'expired' THEN 'the kit''s enrollment token expired'
                WHEN 'bad_token' THEN 'wrong enrollment token'
                ELSE format('this kit does not enroll agent type %s', v_agent_type) END);
    END IF;

    INSERT INTO onboarding.agent_instances AS a (tenant_id, kit_id, hostname, agent_type, version)
    VALUES (p_tenant, v_kit.id, v_hostname, v_agent_type, v_version)
    ON CONFLICT (tenant_id, hostname, agent_type) DO UPDATE SET
        kit_id = EXCLUDED.kit_id, version = EXCLUDED.version, last_seen_at = now()
    RETURNING * INTO v_agent;
    UPDATE onboarding.bootstrap_kits SET verified_at = coalesce(verified_at, now())
    WHERE tenant_id = p_tenant AND id = v_kit.id;
    INSERT INTO onboarding.bootstrap_audit (tenant_id, kit_id, event, outcome, detail)
    VALUES (p_tenant, v_kit.id, 'kit.verify', 'success', v_detail || jsonb_build_object('agentId', v_agent.id));
    INSERT INTO onboarding.tenant_activity (tenant_id, kind, detail)
    VALUES (p_tenant, 'agent.verified', v_detail || jsonb_build_object('agentId', v_agent.id, 'kitId', v_kit.id));
    RETURN jsonb_build_object('verified', true, 'tenantId', p_tenant, 'kitId', v_kit.id, 'agentId', v_agent.id,
                                   'hostname', v_hostname, 'agentType', v_agent_type, 'registeredAt', v_agent.registered_at);
END
$$;
COMMENT ON FUNCTION onboarding.verify_kit_attempt(uuid, jsonb) IS
    'The work of api.verify_kit: registers the agent and audits success, or audits the refusal and returns {refusal, code, message} for the procedure to commit and raise.';

CREATE OR REPLACE PROCEDURE api.verify_kit(p_tenant uuid, p_body jsonb, INOUT p_result jsonb DEFAULT NULL)
LANGUAGE plpgsql
AS $$
-- A procedure that commits cannot carry a SET clause: its work, with the
-- pinned search_path, is verify_kit_attempt; this body names only that.
DECLARE
    v_outcome jsonb := onboarding.verify_kit_attempt(p_tenant, p_body);
    v_code text := v_outcome ->> 'code';
BEGIN
    IF v_outcome ? 'refusal' THEN
        COMMIT;  -- the refusal stays in the audit trail although the call fails
        RAISE EXCEPTION '%', v_outcome ->> 'message'
            USING ERRCODE = v_code, DETAIL = jsonb_build_object('reason', v_outcome ->> 'refusal')::text;
    END IF;
    p_result := v_outcome;
END
$$;
COMMENT ON PROCEDURE api.verify_kit(uuid, jsonb, jsonb) IS
    'An agent presents {kitId, token, hostname, agentType, version}: registers the agent instance (FG404 unknown kit, FG401 wrong token, FG410 expired or revoked, FG403 agent type not in the kit). Every outcome is in the audit trail; ten wrong tokens revoke the kit. Call it at top level (CALL outside a transaction block, as the gateway does): a refusal commits its audit row before raising, which a transaction block does not allow (2D000).';

CREATE OR REPLACE FUNCTION api.kit_verification(p_tenant uuid, p_args jsonb DEFAULT '{}'::jsonb)
RETURNS jsonb
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_kit_id uuid := onboarding.json_uuid(p_args, 'kitId', true);
    v_kit onboarding.bootstrap_kits;
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
        'registeredAgents', coalesce((SELECT jsonb_agg(jsonb_build_object('agentId', a.id, 'hostname', a.hostname,
                                                                          'agentType', a.agent_type) ORDER BY a.hostname)
                                      FROM onboarding.agent_instances a
                                      WHERE a.tenant_id = p_tenant AND a.kit_id = v_kit.id), '[]'::jsonb));
END
$$;
COMMENT ON FUNCTION api.kit_verification(uuid, jsonb) IS 'A kit''s verification state (?kitId=): pending, issued, verified, expired or revoked, with the agents it enrolled.';

CREATE OR REPLACE FUNCTION api.bootstrap_status(p_tenant uuid, p_args jsonb DEFAULT '{}'::jsonb)
RETURNS jsonb
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
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
COMMENT ON FUNCTION api.bootstrap_status(uuid, jsonb) IS
    'Bootstrap progress: not_started, kit_issued, agent_verified, active (a heartbeat in the last 15 minutes), with counts and timestamps.';

CREATE OR REPLACE FUNCTION api.bootstrap_scan(p_tenant uuid, p_args jsonb DEFAULT '{}'::jsonb)
RETURNS jsonb
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_findings jsonb;
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
    SELECT coalesce(jsonb_agg(jsonb_build_object('kind', kind, 'severity', severity, 'subject', subject, 'message', message)
                              ORDER BY CASE severity WHEN 'critical' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END, kind, subject),
                    '[]'::jsonb)
      INTO v_findings FROM f;
    RETURN jsonb_build_object(
        'tenantId', p_tenant, 'scannedAt', now(), 'findings', v_findings,
        'summary', jsonb_build_object(
            'critical', (SELECT count(*) FROM jsonb_array_elements(v_findings) e WHERE e ->> 'severity' = 'critical'),
            'warning', (SELECT count(*) FROM jsonb_array_elements(v_findings) e WHERE e ->> 'severity' = 'warning'),
            'info', (SELECT count(*) FROM jsonb_array_elements(v_findings) e WHERE e ->> 'severity' = 'info')));
END
$$;
COMMENT ON FUNCTION api.bootstrap_scan(uuid, jsonb) IS
    'Problems in a tenant''s bootstrap state, each with a severity: expired kits never verified, token guessing, silent agents, version drift.';
