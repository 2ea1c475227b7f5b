-- Handler functions for tenants. Every api function takes (tenant uuid, args
-- jsonb) and returns jsonb; the gateway calls exactly one per request.
--
-- On the control database (catalog side of a federated creation):
--   api.register_tenant(_, body)     registry row + placement, one transaction
--   api.confirm_tenant(tenant, _)    the node acknowledged: registry row active
--   api.unregister_tenant(tenant, _) the node failed: undo the registration
-- On the tenant's node:
--   api.create_tenant(tenant, body)  the tenant's full row (idempotent on id)
--   api.tenant_status(tenant, _)     the tenant with its counts

CREATE OR REPLACE FUNCTION public.tenant_json(p_tenant public.tenants)
RETURNS jsonb
LANGUAGE sql STABLE
AS $$
    SELECT jsonb_build_object(
        'tenantId', p_tenant.id, 'name', p_tenant.name, 'region', p_tenant.region,
        'contactEmail', p_tenant.contact_email, 'metadata', p_tenant.metadata, 'status', p_tenant.status,
        'createdAt', p_tenant.created_at, 'updatedAt', p_tenant.updated_at)
$$;
COMMENT ON FUNCTION public.tenant_json(public.tenants) IS 'The API''s JSON shape of a tenant row.';

CREATE OR REPLACE FUNCTION public.tenant_name_taken(p_name text)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    RAISE EXCEPTION 'a tenant named "%" already exists', p_name
        USING ERRCODE = 'unique_violation', DETAIL = jsonb_build_object('field', 'name')::text;
END
$$;
COMMENT ON FUNCTION public.tenant_name_taken(text) IS 'Raises the 23505 error of a duplicate tenant name (HTTP 409).';

CREATE OR REPLACE FUNCTION api.register_tenant(p_tenant uuid, p_body jsonb)
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    v_id uuid := coalesce(p_tenant, gen_random_uuid());
    v_name text := btrim(public.json_text(p_body, 'name', true, 200));
    v_region text := public.json_text(p_body, 'region', true, 63);
    v_place record;
BEGIN
    BEGIN
        INSERT INTO public.tenants (id, name, region, status) VALUES (v_id, v_name, v_region, 'provisioning');
    EXCEPTION WHEN unique_violation THEN
        PERFORM public.tenant_name_taken(v_name);
    END;
    SELECT * INTO v_place FROM public.place_tenant(v_id, v_region);
    RETURN jsonb_build_object('tenantId', v_id, 'nodeId', v_place.node_id, 'region', v_place.region);
END
$$;
COMMENT ON FUNCTION api.register_tenant(uuid, jsonb) IS
    'Control database: registers a new tenant (status provisioning) and places it in its region, in one transaction. Returns {tenantId, nodeId, region}.';

CREATE OR REPLACE FUNCTION api.confirm_tenant(p_tenant uuid, p_args jsonb DEFAULT '{}'::jsonb)
RETURNS jsonb
LANGUAGE sql
SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
    UPDATE public.tenants SET status = 'active' WHERE id = p_tenant AND status = 'provisioning';
    SELECT jsonb_build_object('tenantId', p_tenant, 'confirmed', true);
$$;
COMMENT ON FUNCTION api.confirm_tenant(uuid, jsonb) IS
    'Control database: marks a registered tenant active once its node holds its row.';

CREATE OR REPLACE FUNCTION api.unregister_tenant(p_tenant uuid, p_args jsonb DEFAULT '{}'::jsonb)
RETURNS jsonb
LANGUAGE sql
SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
    WITH d AS (DELETE FROM public.tenants WHERE id = p_tenant AND status = 'provisioning' RETURNING 1)
    SELECT jsonb_build_object('tenantId', p_tenant, 'removed', EXISTS (SELECT 1 FROM d));
$$;
COMMENT ON FUNCTION api.unregister_tenant(uuid, jsonb) IS
    'Control database: removes a registration whose node write failed (its map and routes go with it). Active tenants are never removed.';

CREATE OR REPLACE FUNCTION api.create_tenant(p_tenant uuid, p_body jsonb)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    v_id uuid := coalesce(p_tenant, gen_random_uuid());
    v_name text := btrim(public.json_text(p_body, 'name', true, 200));
    v_region text := public.json_text(p_body, 'region', true, 63);
    v_contact text := public.json_text(p_body, 'contactEmail', false, 320);
    v_metadata jsonb := public.json_object(p_body, 'metadata', 16384);
    v_row public.tenants;
BEGIN
    PERFORM public.api_enter(v_id);
    IF v_region !~ '^[a-z0-9][a-z0-9-]{0,62}$' THEN
        PERFORM public.api_invalid('region', 'region must be a lower-case region code');
    END IF;
    IF v_contact IS NOT NULL AND v_contact !~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$' THEN
        PERFORM public.api_invalid('contactEmail', 'contactEmail must be an e-mail address');
    END IF;
    BEGIN
        INSERT INTO public.tenants AS t (id, name, region, contact_email, metadata, status)
        VALUES (v_id, v_name, v_region, v_contact, v_metadata, 'active')
        ON CONFLICT (id) DO UPDATE SET
            name = EXCLUDED.name, region = EXCLUDED.region, contact_email = EXCLUDED.contact_email,
            metadata = EXCLUDED.metadata, status = 'active'
        RETURNING t.* INTO v_row;
    EXCEPTION WHEN unique_violation THEN
        PERFORM public.tenant_name_taken(v_name);
    END;
    INSERT INTO public.tenant_activity (tenant_id, kind, detail)
    SELECT v_id, 'tenant.created', jsonb_build_object('region', v_region)
    WHERE NOT EXISTS (SELECT 1 FROM public.tenant_activity a WHERE a.tenant_id = v_id AND a.kind = 'tenant.created');
    RETURN public.tenant_json(v_row);
END
$$;
COMMENT ON FUNCTION api.create_tenant(uuid, jsonb) IS
    'Creates the tenant''s row on this node from {name, region, contactEmail?, metadata?}; idempotent on the tenant id (a retried creation updates the same row).';

CREATE OR REPLACE FUNCTION api.tenant_status(p_tenant uuid, p_args jsonb DEFAULT '{}'::jsonb)
RETURNS jsonb
LANGUAGE plpgsql
AS $$
DECLARE
    v_row public.tenants := public.api_require_tenant(p_tenant);
BEGIN
    RETURN public.tenant_json(v_row) || jsonb_build_object(
        'agents', (SELECT count(*) FROM public.agent_instances a WHERE a.tenant_id = p_tenant),
        'kits', (SELECT count(*) FROM public.bootstrap_kits k WHERE k.tenant_id = p_tenant AND k.sealed_at IS NOT NULL),
        'lastActivityAt', (SELECT a.created_at FROM public.tenant_activity a WHERE a.tenant_id = p_tenant
                           ORDER BY a.id DESC LIMIT 1));
END
$$;
COMMENT ON FUNCTION api.tenant_status(uuid, jsonb) IS
    'The tenant on this node with its agent and kit counts and last activity; FG404 when the tenant is not here.';

REVOKE ALL ON FUNCTION api.register_tenant(uuid, jsonb), api.confirm_tenant(uuid, jsonb),
    api.unregister_tenant(uuid, jsonb) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION api.register_tenant(uuid, jsonb), api.confirm_tenant(uuid, jsonb),
    api.unregister_tenant(uuid, jsonb) TO fedgate_api;
