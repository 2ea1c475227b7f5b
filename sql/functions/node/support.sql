-- Helpers the api handler functions share (schema onboarding, private):
-- reading and checking JSON input, entering a tenant, pages.
-- Bad input raises SQLSTATE FG400 with DETAIL {"field": ...} (HTTP 400).
-- A helper that can raise is STABLE at most, never IMMUTABLE: the planner may
-- fold an IMMUTABLE call with constant arguments, and raise, where the
-- statement would never have run it.
--
--   api_invalid(field, message)                   raise FG400 naming the field
--   json_text(body, field, required, max_length)  a string field, or NULL when absent
--   json_object(body, field, max_bytes)           an object field, '{}' when absent
--   json_uuid, json_text_array, json_int          a UUID field, an array of strings, a bounded whole number
--   json_label(body, field, max_length)           a required display name without control characters
--   json_region(body, field, required)            a region code (fedgate.region_code)
--   json_regions(body, field, max_items)          an array of region codes
--   api_caller(tenant, roles)                     the caller's claims, checked against role and tenant
--   api_enter(tenant, roles), api_require_tenant  check the caller, set the row-level-security tenant (and read its row)
--   api_require_writable(tenant, roles)           the same, FG423 when the tenant is suspended
--   api_page_limit, api_page_cursor, api_page     pages of newest-first items with their cursor

CREATE OR REPLACE FUNCTION onboarding.api_invalid(p_field text, p_message text)
RETURNS void
LANGUAGE plpgsql
AS $$
BEGIN
    RAISE EXCEPTION '%', p_message USING ERRCODE = 'FG400', DETAIL = jsonb_build_object('field', p_field)::text;
END
$$;
COMMENT ON FUNCTION onboarding.api_invalid(text, text) IS 'Raises FG400 (HTTP 400) with DETAIL {"field": ...}.';

CREATE OR REPLACE FUNCTION onboarding.json_text(p_body jsonb, p_field text, p_required boolean, p_max_length integer)
RETURNS text
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
COMMENT ON FUNCTION onboarding.json_text(jsonb, text, boolean, integer) IS
    'Reads a string field of a JSON body: FG400 when required and missing or blank, not a string, or too long.';

CREATE OR REPLACE FUNCTION onboarding.json_object(p_body jsonb, p_field text, p_max_bytes integer)
RETURNS jsonb
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
COMMENT ON FUNCTION onboarding.json_object(jsonb, text, integer) IS
    'Reads an object field of a JSON body (''{}'' when absent): FG400 when not an object or too large.';

CREATE OR REPLACE FUNCTION onboarding.json_label(p_body jsonb, p_field text, p_max_length integer)
RETURNS text
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
COMMENT ON FUNCTION onboarding.json_label(jsonb, text, integer) IS
    'Reads a required display name (trimmed): FG400 when missing, blank, too long, or holding control or bidirectional-override characters.';

CREATE OR REPLACE FUNCTION onboarding.json_int(p_body jsonb, p_field text, p_min integer, p_max integer)
RETURNS integer
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
COMMENT ON FUNCTION onboarding.json_int(jsonb, text, integer, integer) IS
    'Reads a whole-number field of a JSON body (NULL when absent): FG400 when not a whole number within the bounds.';

CREATE OR REPLACE FUNCTION onboarding.api_caller(p_tenant uuid, p_roles text[])
RETURNS jsonb
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
COMMENT ON FUNCTION onboarding.api_caller(uuid, text[]) IS
    'The caller''s claims, checked: FG401 without claims, FG403 when its role is not one of p_roles or a tenant or agent caller names another tenant than p_tenant. The gateway checks the same first; this is the second line.';

CREATE OR REPLACE FUNCTION onboarding.agent_credential_valid(p_claims jsonb)
RETURNS boolean
LANGUAGE sql STABLE
AS $$
    SELECT EXISTS (
        SELECT 1 FROM onboarding.agent_instances a
        WHERE a.tenant_id::text = p_claims ->> 'tenant_id' AND a.id::text = p_claims ->> 'agent_id'
          AND a.revoked_at IS NULL
          -- a token minted before node migration 008 carries no generation: it is generation 1's
          AND a.credential_generation::text = coalesce(p_claims ->> 'agent_gen', '1'))
$$;
COMMENT ON FUNCTION onboarding.agent_credential_valid(jsonb) IS
    'Whether an agent caller''s claims name a registered, unrevoked agent of their tenant with the credential generation it holds now (one primary-key lookup, under the tenant''s row-level security: call it once fedgate.tenant_id is set).';

CREATE OR REPLACE FUNCTION onboarding.refuse_fenced(p_tenant uuid)
RETURNS void
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
COMMENT ON FUNCTION onboarding.refuse_fenced(uuid) IS
    'FG421 (misdirected) when the tenant is fenced for a move''s cutover or has moved off this node (tenant_fences).';

CREATE OR REPLACE FUNCTION onboarding.api_enter(p_tenant uuid, p_roles text[] DEFAULT '{operator,tenant}')
RETURNS uuid
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
COMMENT ON FUNCTION onboarding.api_enter(uuid, text[]) IS
    'First act of every tenant handler: checks the caller may act for the tenant in one of p_roles (api_caller) and that the tenant is not fenced or moved away (FG421), sets fedgate.tenant_id for this transaction (row-level security keys on it), and refuses an agent whose credential was revoked or replaced (FG401). FG400 without a tenant.';

CREATE OR REPLACE FUNCTION onboarding.api_require_tenant(p_tenant uuid, p_roles text[] DEFAULT '{operator,tenant}')
RETURNS onboarding.tenants
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
COMMENT ON FUNCTION onboarding.api_require_tenant(uuid, text[]) IS
    'api_enter, then the tenant''s row on this node, or FG404.';

CREATE OR REPLACE FUNCTION onboarding.api_require_writable(p_tenant uuid, p_roles text[] DEFAULT '{operator,tenant}')
RETURNS onboarding.tenants
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
COMMENT ON FUNCTION onboarding.api_require_writable(uuid, text[]) IS
    'api_require_tenant for handlers that write: FG423 when the tenant is suspended.';

CREATE OR REPLACE FUNCTION onboarding.api_page_limit(p_args jsonb, p_default integer DEFAULT 50, p_max integer DEFAULT 200)
RETURNS integer
LANGUAGE plpgsql STABLE
AS $$
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
$$;
COMMENT ON FUNCTION onboarding.api_page_limit(jsonb, integer, integer) IS
    'The page size of a paginated request: limit (default 50), capped (default 200); FG400 when not a positive integer.';

CREATE OR REPLACE FUNCTION onboarding.api_page_cursor(p_args jsonb)
RETURNS bigint
LANGUAGE plpgsql STABLE
AS $$
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
$$;
COMMENT ON FUNCTION onboarding.api_page_cursor(jsonb) IS
    'The cursor of a paginated request (the nextCursor of the previous page), or NULL for the first page.';

CREATE OR REPLACE FUNCTION onboarding.json_uuid(p_body jsonb, p_field text, p_required boolean)
RETURNS uuid
LANGUAGE plpgsql STABLE
AS $$
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
$$;
COMMENT ON FUNCTION onboarding.json_uuid(jsonb, text, boolean) IS 'Reads a UUID field of a JSON body: FG400 when malformed (or missing and required).';

CREATE OR REPLACE FUNCTION onboarding.json_text_array(p_body jsonb, p_field text, p_min integer, p_max integer, p_pattern text)
RETURNS text[]
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
COMMENT ON FUNCTION onboarding.json_text_array(jsonb, text, integer, integer, text) IS
    'Reads an array of strings (distinct, sorted): FG400 when not an array of strings, out of the size bounds or not matching the pattern (when one is given).';

CREATE OR REPLACE FUNCTION onboarding.api_page(p_items jsonb, p_limit integer)
RETURNS jsonb
LANGUAGE sql IMMUTABLE
AS $$
    -- p_items: up to p_limit + 1 items with an "id", newest first; one more than
    -- the limit means there is a next page, which starts below the last id shown.
    SELECT jsonb_build_object(
        'items', coalesce(jsonb_path_query_array(p_items, '$[0 to $last]', jsonb_build_object('last', p_limit - 1)),
                          '[]'::jsonb),
        'limit', p_limit,
        'nextCursor', CASE WHEN jsonb_array_length(p_items) > p_limit THEN p_items -> (p_limit - 1) ->> 'id' END)
$$;
COMMENT ON FUNCTION onboarding.api_page(jsonb, integer) IS
    'A page {items, limit, nextCursor} from the first limit + 1 items of a newest-first list.';

CREATE OR REPLACE FUNCTION onboarding.json_region(p_body jsonb, p_field text, p_required boolean)
RETURNS fedgate.region_code
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
COMMENT ON FUNCTION onboarding.json_region(jsonb, text, boolean) IS
    'Reads a region code field (fedgate.region_code): FG400 when missing and required, or not a region code.';

CREATE OR REPLACE FUNCTION onboarding.json_regions(p_body jsonb, p_field text, p_max integer)
RETURNS text[]
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
COMMENT ON FUNCTION onboarding.json_regions(jsonb, text, integer) IS
    'Reads an array of region codes (distinct, sorted; NULL when absent): FG400 when not an array of region codes or longer than p_max.';
