-- A node's side of tenant moves, run by the mover with the node's
-- administrative login (never the API role: grants.sql keeps them from it).
--
--   tenant_tables()                  the tables that hold a tenant's rows, and their tenant column
--   tenant_counts(tenant)            per table: the tenant's row count (a move's progress)
--   tenant_sizes() / tenant_rows()   every tenant's rows counted / the node's tenant rows from its statistics
--   append_only_tables()             the tenant tables whose rows are never updated
--   tenant_marks(tenant)             their high-water ids
--   tenant_digest(tenant, marks)     per table: row count and an order-independent hash of the rows (past the marks)
--   tenant_digest_upto(tenant, marks) the append-only tables' rows up to the marks, counted and hashed
--   tenant_counts_upto / tenant_digest_after   tenant_digest in two parts: a cutover counts while its marker travels
--   purge_tenant(tenant)             delete a tenant's rows (source after a move, target after an abort)
--   set_fence(tenant, move, state, target) / clear_fence(tenant, move) / lift_fence(tenant)
--   align_sequences(tenant)          identity sequences past the ids the move copied

CREATE OR REPLACE FUNCTION onboarding.tenant_tables()
RETURNS TABLE (table_name text, tenant_column text)
LANGUAGE sql IMMUTABLE
AS $$
    VALUES ('tenants', 'id'), ('bootstrap_kits', 'tenant_id'), ('agent_instances', 'tenant_id'),
           ('agent_heartbeats', 'tenant_id'), ('tenant_activity', 'tenant_id'), ('bootstrap_audit', 'tenant_id'),
           ('enrollment_refusals', 'tenant_id');
$$;
COMMENT ON FUNCTION onboarding.tenant_tables() IS
    'The onboarding tables that hold a tenant''s rows and the column naming the tenant, parents first (a move publishes each with a row filter on it; purge_tenant deletes in the reverse order). The one list of them.';

CREATE OR REPLACE FUNCTION onboarding.tenant_counts(p_tenant uuid)
RETURNS TABLE (table_name text, row_count bigint)
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    v record;
BEGIN
    FOR v IN SELECT * FROM onboarding.tenant_tables() LOOP
        RETURN QUERY EXECUTE format('SELECT %L::text, count(*) FROM onboarding.%I t WHERE t.%I = $1',
                                    v.table_name, v.table_name, v.tenant_column)
        USING p_tenant;
    END LOOP;
END
$$;
COMMENT ON FUNCTION onboarding.tenant_counts(uuid) IS
    'Per tenant table: the tenant''s row count (a move''s progress: rows expected on the source, copied on the target), without hashing the rows as tenant_digest does.';

CREATE OR REPLACE FUNCTION onboarding.tenant_sizes()
RETURNS TABLE (tenant_id uuid, row_count bigint)
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
COMMENT ON FUNCTION onboarding.tenant_sizes() IS
    'Every tenant''s rows on this node, over its tenant tables, counted (one pass per table): the cost of moving it and its share of the node''s load, which fedgate legacy migrate and rebalance record in the catalog before they plan.';

CREATE OR REPLACE FUNCTION onboarding.tenant_rows()
RETURNS bigint
LANGUAGE sql STABLE
AS $$
    SELECT coalesce(sum(s.n_live_tup), 0)::bigint FROM pg_stat_user_tables s
    WHERE s.schemaname = 'onboarding' AND s.relname IN (SELECT t.table_name FROM onboarding.tenant_tables() t);
$$;
COMMENT ON FUNCTION onboarding.tenant_rows() IS
    'The tenant rows this node holds, from its statistics (live tuples of its tenant tables; no scan): the load the health checker reports for placement.';

CREATE OR REPLACE FUNCTION onboarding.append_only_tables()
RETURNS SETOF text
LANGUAGE sql IMMUTABLE
AS $$ VALUES ('agent_heartbeats'), ('tenant_activity'), ('bootstrap_audit') $$;
COMMENT ON FUNCTION onboarding.append_only_tables() IS
    'The tenant tables whose rows are never updated (inserted with increasing ids; heartbeats deleted by retention): a move verifies their rows up to a high-water id before its fence, and at the fence only counts those and hashes the newer ones.';

CREATE OR REPLACE FUNCTION onboarding.tenant_marks(p_tenant uuid)
RETURNS jsonb
LANGUAGE plpgsql STABLE
AS $$
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
$$;
COMMENT ON FUNCTION onboarding.tenant_marks(uuid) IS
    'The tenant''s largest id in each append-only table (0 for none): the high-water marks a move verifies up to before its fence.';

CREATE OR REPLACE FUNCTION onboarding.tenant_digest(p_tenant uuid, p_marks jsonb DEFAULT NULL)
RETURNS TABLE (table_name text, row_count bigint, digest numeric)
LANGUAGE plpgsql STABLE
AS $$
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
$$;
COMMENT ON FUNCTION onboarding.tenant_digest(uuid, jsonb) IS
    'Per tenant table: the tenant''s row count and the sum of a 64-bit hash of each row''s text (hashtextextended) (equal on two nodes when they hold the same rows, in any order). With high-water marks (tenant_marks), an append-only table''s rows up to its mark are counted, not hashed: a move hashed them before its fence (tenant_digest_upto). A move compares source and target with it at the fenced point.';

CREATE OR REPLACE FUNCTION onboarding.tenant_counts_upto(p_tenant uuid, p_marks jsonb)
RETURNS TABLE (table_name text, row_count bigint)
LANGUAGE plpgsql STABLE
AS $$
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
$$;
COMMENT ON FUNCTION onboarding.tenant_counts_upto(uuid, jsonb) IS
    'Per append-only table with a mark: the tenant''s rows up to it, counted (the part of tenant_digest a cutover can take while its marker travels).';

CREATE OR REPLACE FUNCTION onboarding.tenant_digest_after(p_tenant uuid, p_marks jsonb, p_counts jsonb)
RETURNS TABLE (table_name text, row_count bigint, digest numeric)
LANGUAGE plpgsql STABLE
AS $$
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
$$;
COMMENT ON FUNCTION onboarding.tenant_digest_after(uuid, jsonb, jsonb) IS
    'tenant_digest(tenant, marks) with the counts up to the marks given (tenant_counts_upto, taken earlier): the same rows out.';

CREATE OR REPLACE FUNCTION onboarding.tenant_digest_upto(p_tenant uuid, p_marks jsonb)
RETURNS TABLE (table_name text, row_count bigint, digest numeric)
LANGUAGE plpgsql STABLE
AS $$
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
$$;
COMMENT ON FUNCTION onboarding.tenant_digest_upto(uuid, jsonb) IS
    'Per append-only table: the tenant''s rows up to its high-water mark, counted and hashed. A move compares source and target with it before its fence, while the tenant still writes (newer rows are beyond the marks).';

CREATE OR REPLACE FUNCTION onboarding.purge_tenant(p_tenant uuid)
RETURNS TABLE (table_name text, deleted bigint)
LANGUAGE plpgsql
AS $$
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
$$;
COMMENT ON FUNCTION onboarding.purge_tenant(uuid) IS
    'Deletes a tenant''s rows from every tenant table of this node: the source after a verified move, the target after an aborted one.';

CREATE OR REPLACE FUNCTION onboarding.set_fence(p_tenant uuid, p_move bigint, p_state text, p_target text)
RETURNS void
LANGUAGE sql
AS $$
    INSERT INTO onboarding.tenant_fences AS f (tenant_id, move_id, state, target_node)
    VALUES (p_tenant, p_move, p_state, p_target)
    ON CONFLICT (tenant_id) DO UPDATE SET move_id = EXCLUDED.move_id, state = EXCLUDED.state,
                                          target_node = EXCLUDED.target_node, since = now();
$$;
COMMENT ON FUNCTION onboarding.set_fence(uuid, bigint, text, text) IS
    'Fences a tenant on this node (fenced: a move''s cutover; moved: it lives on p_target now): its handlers answer FG421.';

CREATE OR REPLACE FUNCTION onboarding.clear_fence(p_tenant uuid, p_move bigint)
RETURNS boolean
LANGUAGE sql
AS $$
    WITH d AS (DELETE FROM onboarding.tenant_fences f WHERE f.tenant_id = p_tenant AND f.move_id = p_move RETURNING 1)
    SELECT EXISTS (SELECT 1 FROM d);
$$;
COMMENT ON FUNCTION onboarding.clear_fence(uuid, bigint) IS
    'Lifts the fence one move set on this node (its cutover failed or it was aborted), leaving any other move''s.';

CREATE OR REPLACE FUNCTION onboarding.lift_fence(p_tenant uuid)
RETURNS boolean
LANGUAGE sql
AS $$
    WITH d AS (DELETE FROM onboarding.tenant_fences f WHERE f.tenant_id = p_tenant RETURNING 1)
    SELECT EXISTS (SELECT 1 FROM d);
$$;
COMMENT ON FUNCTION onboarding.lift_fence(uuid) IS
    'Lifts a tenant''s fence on this node (an aborted cutover on the source; a tenant moving back onto its old node).';

CREATE OR REPLACE FUNCTION onboarding.align_sequences(p_tenant uuid)
RETURNS void
LANGUAGE plpgsql
AS $$
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
$$;
COMMENT ON FUNCTION onboarding.align_sequences(uuid) IS
    'Moves the identity sequences of the tables with generated ids past the largest id of the tenant a move copied in (the other tenants'' ids came from these sequences already), so its rows never collide with new ones. The mover calls it on the target before the switch.';
