-- Helpers the api handler functions share: reading and checking JSON input.
-- Bad input raises SQLSTATE FG400 with DETAIL {"field": ...} (HTTP 400).
--
--   json_text(body, field, required, max_length)  a string field, or NULL when absent
--   json_object(body, field, max_bytes)           an object field, '{}' when absent

CREATE OR REPLACE FUNCTION public.json_text(p_body jsonb, p_field text, p_required boolean, p_max_length integer)
RETURNS text
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    v jsonb := p_body -> p_field;
    v_text text;
BEGIN
    IF v IS NULL OR jsonb_typeof(v) = 'null' THEN
        IF p_required THEN
            RAISE EXCEPTION '% is required', p_field
                USING ERRCODE = 'FG400', DETAIL = jsonb_build_object('field', p_field)::text;
        END IF;
        RETURN NULL;
    END IF;
    IF jsonb_typeof(v) <> 'string' THEN
        RAISE EXCEPTION '% must be a string', p_field
            USING ERRCODE = 'FG400', DETAIL = jsonb_build_object('field', p_field)::text;
    END IF;
    v_text := v #>> '{}';
    IF length(v_text) > p_max_length THEN
        RAISE EXCEPTION '% is longer than % characters', p_field, p_max_length
            USING ERRCODE = 'FG400', DETAIL = jsonb_build_object('field', p_field)::text;
    END IF;
    IF p_required AND btrim(v_text) = '' THEN
        RAISE EXCEPTION '% must not be empty', p_field
            USING ERRCODE = 'FG400', DETAIL = jsonb_build_object('field', p_field)::text;
    END IF;
    RETURN v_text;
END
$$;
COMMENT ON FUNCTION public.json_text(jsonb, text, boolean, integer) IS
    'Reads a string field of a JSON body: FG400 when required and missing or blank, not a string, or too long.';

CREATE OR REPLACE FUNCTION public.json_object(p_body jsonb, p_field text, p_max_bytes integer)
RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    v jsonb := p_body -> p_field;
BEGIN
    IF v IS NULL OR jsonb_typeof(v) = 'null' THEN
        RETURN '{}'::jsonb;
    END IF;
    IF jsonb_typeof(v) <> 'object' THEN
        RAISE EXCEPTION '% must be an object', p_field
            USING ERRCODE = 'FG400', DETAIL = jsonb_build_object('field', p_field)::text;
    END IF;
    IF octet_length(v::text) > p_max_bytes THEN
        RAISE EXCEPTION '% is larger than % bytes', p_field, p_max_bytes
            USING ERRCODE = 'FG400', DETAIL = jsonb_build_object('field', p_field)::text;
    END IF;
    RETURN v;
END
$$;
COMMENT ON FUNCTION public.json_object(jsonb, text, integer) IS
    'Reads an object field of a JSON body (''{}'' when absent): FG400 when not an object or too large.';
