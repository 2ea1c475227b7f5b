-- Run by the migration runner after every run that applied something: every
-- object of fedgate's schemas belongs to fedgate_owner (node migration 005),
-- whichever login created it, except what fedgate_maintainer owns. Sequences
-- owned by a column and extension members follow their owners. Before
-- migration 005 (no fedgate_owner yet) it does nothing.
DO $$
DECLARE
    v_statement text;
BEGIN
    IF to_regrole('fedgate_owner') IS NULL THEN
        RETURN;
    END IF;
    FOR v_statement IN
        WITH ours AS (
            SELECT n.oid FROM pg_catalog.pg_namespace n WHERE n.nspname IN ('api', 'onboarding', 'federation', 'fedgate')
        ), keepers AS (
            SELECT r.oid FROM pg_catalog.pg_roles r WHERE r.rolname IN ('fedgate_owner', 'fedgate_maintainer')
        )
        SELECT format('ALTER SCHEMA %I OWNER TO fedgate_owner', n.nspname)
        FROM pg_catalog.pg_namespace n
        WHERE n.oid IN (SELECT oid FROM ours) AND n.nspowner NOT IN (SELECT oid FROM keepers)
        UNION ALL
        SELECT format('ALTER %s %s OWNER TO fedgate_owner',
                      CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                                     WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END, c.oid::regclass)
        FROM pg_catalog.pg_class c
        WHERE c.relnamespace IN (SELECT oid FROM ours) AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
          AND c.relowner NOT IN (SELECT oid FROM keepers)
          AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                          WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i', 'e'))
        UNION ALL
        SELECT format('ALTER ROUTINE %s OWNER TO fedgate_owner', p.oid::regprocedure)
        FROM pg_catalog.pg_proc p
        WHERE p.pronamespace IN (SELECT oid FROM ours) AND p.proowner NOT IN (SELECT oid FROM keepers)
          AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                          WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
        UNION ALL
        SELECT format('ALTER TYPE %s OWNER TO fedgate_owner', t.oid::regtype)
        FROM pg_catalog.pg_type t
        WHERE t.typnamespace IN (SELECT oid FROM ours) AND t.typtype IN ('d', 'e')
          AND t.typowner NOT IN (SELECT oid FROM keepers)
    LOOP
        EXECUTE v_statement;
    END LOOP;
END
$$;
