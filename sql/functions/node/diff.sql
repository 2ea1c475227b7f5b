-- A tenant's rows, keyed and hashed, a batch at a time: what a diff of two copies of a tenant compares
-- (the cutover's verification when it finds a difference, and fedgate tenant diff). Read-only; each
-- batch is one short statement, so a tenant of a million rows is compared without a long transaction.
--
--   tenant_key_columns(table)                        the primary key columns that name a tenant's row
--   tenant_row_hashes(tenant, table, after, upto, n) the next n rows after a key (up to another): key, hash

CREATE OR REPLACE FUNCTION onboarding.tenant_key_columns(p_table text)
RETURNS TABLE (column_name text, column_type text)
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
COMMENT ON FUNCTION onboarding.tenant_key_columns(text) IS
    'The primary key columns of a tenant table that tell one of a tenant''s rows from another (the tenant column left out, unless it is the whole key), in key order, with their types.';

CREATE OR REPLACE FUNCTION onboarding.tenant_row_hashes(p_tenant uuid, p_table text, p_after jsonb, p_upto jsonb,
                                                       p_limit integer)
RETURNS TABLE (row_key jsonb, row_hash text)
LANGUAGE plpgsql STABLE
AS $$
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
$$;
COMMENT ON FUNCTION onboarding.tenant_row_hashes(uuid, text, jsonb, jsonb, integer) IS
    'A tenant''s rows of one table in key order, at most p_limit, after the key p_after and up to the key p_upto (JSON arrays of the key columns; NULL: unbounded): each row''s key and an md5 of its text. Two copies of a tenant are diffed by comparing these batch by batch.';
