-- Handler functions of the control database: the tenant registry and what the
-- gateway reads from the catalog to serve a request. Each is SECURITY DEFINER
-- (the API role reads no catalog table itself) with a pinned search_path.
--
--   api.register_tenant(_, body)            registry row (provisioning) + placement in its region
--   api.register_unplaced_tenant(_, body)   registry row only: the default node serves it (legacy namespace)
--   api.confirm_tenant(tenant, _)           its node holds its row: registry row active
--   api.unregister_tenant(tenant, _)        its node refused the write: undo the registration
--   api.kit_context(tenant, {regions?})     the federation block and region names of a kit
--   api.regions(_, _)                       GET regions

DROP FUNCTION IF EXISTS federation.register(uuid, jsonb);  -- 0.2: became federation.register_creation

CREATE OR REPLACE FUNCTION federation.register_creation(
    p_tenant uuid, p_body jsonb, OUT registration federation.tenant_registry, OUT replayed boolean)
LANGUAGE plpgsql
AS $$
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
$$;
COMMENT ON FUNCTION federation.register_creation(uuid, jsonb) IS
    'A new registry row (status provisioning, a fresh id) from {name, region, residency?, idempotencyKey?} (a residency must include the region, else FG451; it is recorded): FG403 unless the caller is an operator, FG400 when the caller names an id, 23505 when the name is taken. With an idempotencyKey already used by the same caller (the token''s issuer and subject): that registration again (replayed), or FG422 when the body differs.';

CREATE OR REPLACE FUNCTION federation.registration_json(p_row federation.tenant_registry, p_replayed boolean)
RETURNS jsonb
LANGUAGE sql STABLE
AS $$
    SELECT jsonb_build_object('tenantId', p_row.id, 'region', p_row.region, 'status', p_row.status,
                              'residency', p_row.residency,
                              'replayed', p_replayed,
                              'nodeId', coalesce((SELECT m.primary_node_id FROM federation.tenant_federation_map m
                                                  WHERE m.tenant_id = p_row.id), 'default'));
$$;
COMMENT ON FUNCTION federation.registration_json(federation.tenant_registry, boolean) IS
    'What the gateway needs of a registration: {tenantId, region, status, residency, replayed, nodeId} (the mapped node, else default).';

CREATE OR REPLACE FUNCTION api.register_tenant(p_tenant uuid, p_body jsonb)
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER SET search_path = pg_catalog, pg_temp
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
COMMENT ON FUNCTION api.register_tenant(uuid, jsonb) IS
    'Registers a new tenant (status provisioning) and places it on a node of its region, in one transaction; with an Idempotency-Key seen before, that registration as it is now. Returns {tenantId, nodeId, region, status, replayed}.';

CREATE OR REPLACE FUNCTION api.register_unplaced_tenant(p_tenant uuid, p_body jsonb)
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER SET search_path = pg_catalog, pg_temp
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
COMMENT ON FUNCTION api.register_unplaced_tenant(uuid, jsonb) IS
    'Registers a new tenant (status provisioning) without a placement: the default node serves it (the legacy namespace). Returns {tenantId, nodeId, region, status, replayed}.';

CREATE OR REPLACE FUNCTION api.confirm_tenant(p_tenant uuid, p_args jsonb DEFAULT '{}'::jsonb)
RETURNS jsonb
LANGUAGE sql
SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT onboarding.api_caller(p_tenant, '{operator}');
    UPDATE federation.tenant_registry SET status = 'active', updated_at = now()
    WHERE id = p_tenant AND status = 'provisioning';
    SELECT jsonb_build_object('tenantId', p_tenant, 'confirmed', true);
$$;
COMMENT ON FUNCTION api.confirm_tenant(uuid, jsonb) IS 'Marks a registered tenant active once its node holds its row.';

CREATE OR REPLACE FUNCTION api.unregister_tenant(p_tenant uuid, p_args jsonb DEFAULT '{}'::jsonb)
RETURNS jsonb
LANGUAGE sql
SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT onboarding.api_caller(p_tenant, '{operator}');
    WITH d AS (DELETE FROM federation.tenant_registry WHERE id = p_tenant AND status = 'provisioning' RETURNING 1)
    SELECT jsonb_build_object('tenantId', p_tenant, 'removed', EXISTS (SELECT 1 FROM d));
$$;
COMMENT ON FUNCTION api.unregister_tenant(uuid, jsonb) IS
    'Removes a registration its node refused (its map row and routes go with it). Active tenants are never removed.';

CREATE OR REPLACE FUNCTION api.kit_context(p_tenant uuid, p_args jsonb DEFAULT '{}'::jsonb)
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER SET search_path = pg_catalog, pg_temp
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
COMMENT ON FUNCTION api.kit_context(uuid, jsonb) IS
    'What a tenant''s kit takes from the catalog: {federation: {primaryNodeId, primaryRegion, metadata, residency (a restricted tenant''s only)}, regions: [{code, displayName}]}. regions defaults to the tenant''s home region; FG400 for a region no node serves, FG404 for an unregistered tenant.';

CREATE OR REPLACE FUNCTION api.regions(p_tenant uuid DEFAULT NULL, p_args jsonb DEFAULT '{}'::jsonb)
RETURNS jsonb
LANGUAGE sql STABLE
SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT jsonb_build_object('items', coalesce(jsonb_agg(jsonb_build_object(
               'code', s.region, 'displayName', coalesce(r.display_name, s.region),
               'nodes', s.nodes, 'activeNodes', s.active_nodes) ORDER BY s.region), '[]'::jsonb))
    FROM (SELECT n.region::text AS region, count(*) AS nodes,
                 count(*) FILTER (WHERE n.status = 'active') AS active_nodes
          FROM federation.federation_nodes n GROUP BY n.region) s
    LEFT JOIN federation.regions r ON r.code = s.region
$$;
COMMENT ON FUNCTION api.regions(uuid, jsonb) IS
    'The regions served (a node registered): code, display name, nodes and active nodes.';
