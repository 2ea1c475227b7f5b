-- Handler functions for bootstrap kits: issue, seal, read back, verify, scan.
--
--   api.issue_kit(t, {agents, regions, format})      the kit row and its enrollment token (it enrolls up to
--                                                    max_agents hosts until it expires; the archive holds it)
--   api.seal_kit(t, {kitId, metadataJson, archiveSha256})  record the rendered archive
--   api.kit_meta(t, _)                               GET bootstrap/meta/{id}: latest metadata.json, verbatim
--   CALL api.verify_kit(t, body, claims, NULL)       POST bootstrap/verify (a procedure: the audit row of
--                                                    a refused attempt is committed before the error)
--   api.revoke_kit(t, {kitId})                       POST bootstrap/kit/{kitId}/revoke
--   api.agent_credential(t, _)                       POST agents/token (rotates: the gateway signs the new one)
--   api.revoke_agent(t, {agentId})                   DELETE tenants/{id}/agents/{agentId}: every token refused
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
SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
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
$$;
COMMENT ON FUNCTION api.issue_kit(uuid, jsonb) IS
    'Issues a kit {agents: [agent type ids], regions?: [codes], format?: zip|tar.gz, maxAgents?: hosts it enrolls, 1-1000, default 10}: the kit row with the token''s hash and expiry, and what rendering needs from this node, including the token (returned this once). Region names come from the control database (api.kit_context).';

CREATE OR REPLACE FUNCTION api.seal_kit(p_tenant uuid, p_body jsonb)
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER SET search_path = pg_catalog, pg_temp
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
COMMENT ON FUNCTION api.seal_kit(uuid, jsonb) IS
    'Records a rendered kit: its metadata.json (verbatim) and archive SHA-256; writes kit.issued to the audit trail.';

CREATE OR REPLACE FUNCTION api.kit_meta(p_tenant uuid, p_args jsonb DEFAULT '{}'::jsonb)
RETURNS json
LANGUAGE plpgsql
SECURITY DEFINER SET search_path = pg_catalog, pg_temp
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

CREATE OR REPLACE FUNCTION onboarding.enrollment_failure_limit()
RETURNS integer
LANGUAGE sql STABLE
RETURN coalesce(nullif(current_setting('fedgate.enrollment_failure_limit', true), ''), '20')::integer;
COMMENT ON FUNCTION onboarding.enrollment_failure_limit() IS
    'Failed enrollments one client address may make in 15 minutes before it is refused (FG429): the fedgate.enrollment_failure_limit setting, default 20.';

CREATE OR REPLACE FUNCTION onboarding.enrollment_throttled(p_addr text)
RETURNS boolean
LANGUAGE sql STABLE
RETURN (SELECT coalesce(sum(f.failures), 0) >= onboarding.enrollment_failure_limit()
        FROM onboarding.enrollment_failures f
        WHERE f.client_addr = p_addr AND f.minute > now() - interval '15 minutes');
COMMENT ON FUNCTION onboarding.enrollment_throttled(text) IS
    'Whether a client address made as many failed enrollments in the last 15 minutes as the limit allows.';

CREATE OR REPLACE FUNCTION onboarding.count_enrollment_failure(p_addr text)
RETURNS void
LANGUAGE sql
AS $$
    INSERT INTO onboarding.enrollment_failures AS f (client_addr, minute, failures)
    VALUES (p_addr, date_trunc('minute', now()), 1)
    ON CONFLICT (client_addr, minute) DO UPDATE SET failures = f.failures + 1;
    DELETE FROM onboarding.enrollment_failures WHERE minute < now() - interval '1 hour';
$$;
COMMENT ON FUNCTION onboarding.count_enrollment_failure(text) IS
    'Counts a failed enrollment (unknown tenant or kit, wrong token) against the client address, and sweeps counts older than an hour.';

CREATE OR REPLACE FUNCTION onboarding.record_enrollment_refusal(p_tenant uuid, p_kit uuid, p_addr text,
                                                              p_reason text, p_detail jsonb)
RETURNS void
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
COMMENT ON FUNCTION onboarding.record_enrollment_refusal(uuid, uuid, text, text, jsonb) IS
    'A refused enrollment: the first of its kind (tenant, kit, address, reason) in a minute writes an audit row, the identical ones after it add to that row''s count (enrollment_refusals.repeats), so a flood adds one row a minute, not one a request.';

CREATE OR REPLACE FUNCTION onboarding.verify_kit_attempt(p_tenant uuid, p_body jsonb)
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
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
$$;
COMMENT ON FUNCTION onboarding.verify_kit_attempt(uuid, jsonb) IS
    'The work of api.verify_kit: registers the agent and audits success, or records the refusal and returns {refusal, code, message} for the procedure to commit and raise. An unknown kit or a wrong token is "not accepted" (FG401) whatever else holds, so a caller without the kit''s token learns nothing more; every refusal counts against the caller''s address (FG429 past the limit); identical refusals are aggregated (record_enrollment_refusal); a host already enrolled needs its agent''s credential (or an operator''s); a kit enrolls at most max_agents hosts.';

CREATE OR REPLACE PROCEDURE api.verify_kit(p_tenant uuid, p_body jsonb, p_claims jsonb, INOUT p_result jsonb DEFAULT NULL)
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
COMMENT ON PROCEDURE api.verify_kit(uuid, jsonb, jsonb, jsonb) IS
    'An agent presents {kitId, token, hostname, agentType, version}, the gateway its caller''s claims: registers the agent instance (FG401 unknown kit or wrong token: "not accepted", nothing more; with the kit''s token: FG423 tenant suspended, FG410 expired or revoked, FG403 agent type not in the kit, FG409 host enrolled without its agent''s credential or kit used up; FG429 address throttled). Every outcome but throttling is in the audit trail, identical refusals as one row a minute with their count. Call it at top level (CALL outside a transaction block, as the gateway does): a refusal commits its audit row before raising, which a transaction block does not allow (2D000).';

CREATE OR REPLACE FUNCTION api.revoke_kit(p_tenant uuid, p_args jsonb DEFAULT '{}'::jsonb)
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER SET search_path = pg_catalog, pg_temp
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
COMMENT ON FUNCTION api.revoke_kit(uuid, jsonb) IS
    'Revokes a kit ({kitId}): it enrolls no more agents; agents it enrolled keep their credentials. Revoking a revoked kit answers the first revocation.';

CREATE OR REPLACE FUNCTION api.agent_credential(p_tenant uuid, p_args jsonb DEFAULT '{}'::jsonb)
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER SET search_path = pg_catalog, pg_temp
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
COMMENT ON FUNCTION api.agent_credential(uuid, jsonb) IS
    'An agent''s credential refresh, which rotates: the agent''s credential generation goes up by one (the presented token stops working) and its tenant, agent id and new generation are returned for the gateway to sign; FG423 while the tenant is suspended, FG403 when the agent is no longer registered; audited.';

CREATE OR REPLACE FUNCTION api.revoke_agent(p_tenant uuid, p_args jsonb DEFAULT '{}'::jsonb)
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER SET search_path = pg_catalog, pg_temp
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
COMMENT ON FUNCTION api.revoke_agent(uuid, jsonb) IS
    'Deregisters an agent ({agentId}; operator or the tenant): every token of that agent is refused from now on (FG401), its heartbeats so far stay; enrolling the host again with a kit registers it anew. Revoking a revoked agent answers the first revocation (alreadyRevoked). FG404 for an agent the tenant does not have.';

CREATE OR REPLACE FUNCTION api.kit_verification(p_tenant uuid, p_args jsonb DEFAULT '{}'::jsonb)
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER SET search_path = pg_catalog, pg_temp
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
COMMENT ON FUNCTION api.kit_verification(uuid, jsonb) IS 'A kit''s verification state (?kitId=): pending, issued, verified, expired or revoked, with the agents it enrolled (the first limit by host name, default 100, at most 500; agentsEnrolled counts them all).';

CREATE OR REPLACE FUNCTION api.bootstrap_status(p_tenant uuid, p_args jsonb DEFAULT '{}'::jsonb)
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER SET search_path = pg_catalog, pg_temp
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
SECURITY DEFINER SET search_path = pg_catalog, pg_temp
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
COMMENT ON FUNCTION api.bootstrap_scan(uuid, jsonb) IS
    'Problems in a tenant''s bootstrap state, each with a severity: expired kits never verified, token guessing, silent agents, version drift. The most severe first, at most limit (default 100, at most 500; truncated says when more were found); summary counts them all.';
