-- Handler functions for tenants on their node. Every api function takes
-- (tenant uuid, args jsonb) and returns jsonb; the gateway calls exactly one
-- per request. (Registration is the control database's: control/registry.sql.)
--
--   api.create_tenant(tenant, body)  the tenant's row on this node, after its registration
--   api.tenant_status(tenant, _)     the tenant with its counts
--   api.set_tenant_status(tenant, {status, reason?})  an operator suspends or resumes it

CREATE OR REPLACE FUNCTION onboarding.tenant_json(p_tenant onboarding.tenants)
RETURNS jsonb
LANGUAGE sql STABLE
AS $$
    SELECT jsonb_build_object(
        'tenantId', p_tenant.id, 'name', p_tenant.name, 'region', p_tenant.region,
        'contactEmail', p_tenant.contact_email, 'metadata', p_tenant.metadata, 'status', p_tenant.status,
        'createdAt', p_tenant.created_at, 'updatedAt', p_tenant.updated_at)
$$;
COMMENT ON FUNCTION onboarding.tenant_json(onboarding.tenants) IS 'The API''s JSON shape of a tenant row.';

CREATE OR REPLACE FUNCTION api.create_tenant(p_tenant uuid, p_body jsonb)
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
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
$$;
COMMENT ON FUNCTION api.create_tenant(uuid, jsonb) IS
    'Creates a registered tenant''s row on this node from {name, region, contactEmail?, metadata?}. A retry with the same name and region returns the existing row; an existing row is never overwritten (FG409).';

CREATE OR REPLACE FUNCTION api.tenant_status(p_tenant uuid, p_args jsonb DEFAULT '{}'::jsonb)
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER SET search_path = pg_catalog, pg_temp
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
COMMENT ON FUNCTION api.tenant_status(uuid, jsonb) IS
    'The tenant on this node with its agent and kit counts and last activity; FG404 when the tenant is not here.';

CREATE OR REPLACE FUNCTION api.set_tenant_status(p_tenant uuid, p_body jsonb)
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER SET search_path = pg_catalog, pg_temp
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
COMMENT ON FUNCTION api.set_tenant_status(uuid, jsonb) IS
    'An operator suspends or resumes a tenant on its node ({status: active|suspended, reason?}); the change and who made it go to the activity feed. A suspended tenant''s writes and kit issuance are refused (FG423); reads are served.';
