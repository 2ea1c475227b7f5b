-- Handler functions for the reference data every node carries (agent types,
-- identity provider types, both seeded by migrations, identical on every
-- node) and identity configuration validation. Regions are the control
-- database's (control/registry.sql).
--
--   api.agent_catalog(_, _)        GET agents
--   api.identity_providers(_, _)   GET identity/providers
--   api.validate_identity(t, body) POST identity/validate

CREATE OR REPLACE FUNCTION api.agent_catalog(p_tenant uuid DEFAULT NULL, p_args jsonb DEFAULT '{}'::jsonb)
RETURNS jsonb
LANGUAGE sql STABLE
SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT jsonb_build_object('items', coalesce(jsonb_agg(jsonb_build_object(
               'id', a.id, 'name', a.name, 'version', a.version, 'platforms', to_jsonb(a.platforms),
               'description', a.description) ORDER BY a.id), '[]'::jsonb))
    FROM onboarding.agent_types a
$$;
COMMENT ON FUNCTION api.agent_catalog(uuid, jsonb) IS 'The agent types a tenant can deploy.';

CREATE OR REPLACE FUNCTION api.identity_providers(p_tenant uuid DEFAULT NULL, p_args jsonb DEFAULT '{}'::jsonb)
RETURNS jsonb
LANGUAGE sql STABLE
SECURITY DEFINER SET search_path = pg_catalog, pg_temp
AS $$
    SELECT jsonb_build_object('items', coalesce(jsonb_agg(jsonb_build_object(
               'id', i.id, 'name', i.name, 'requiredFields', i.required_fields, 'description', i.description)
               ORDER BY i.id), '[]'::jsonb))
    FROM onboarding.identity_provider_types i
$$;
COMMENT ON FUNCTION api.identity_providers(uuid, jsonb) IS 'The identity provider types supported and the fields each needs.';

CREATE OR REPLACE FUNCTION onboarding.identity_field_error(p_kind text, p_value jsonb)
RETURNS text
LANGUAGE plpgsql STABLE
AS $$
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
$$;
COMMENT ON FUNCTION onboarding.identity_field_error(text, jsonb) IS
    'Why a configuration value does not fit its field kind (string, https_url, ldap_url, pem), or NULL.';

CREATE OR REPLACE FUNCTION api.validate_identity(p_tenant uuid, p_body jsonb)
RETURNS jsonb
LANGUAGE plpgsql
SECURITY DEFINER SET search_path = pg_catalog, pg_temp
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
COMMENT ON FUNCTION api.validate_identity(uuid, jsonb) IS
    'Checks an identity provider configuration {type, config}: {valid, type, errors: [{field, message}]}. With a tenant, the outcome (not the configuration) goes to its activity.';
