-- 015 (every database): the start of the control/data plane split.
--
-- Up to 014 every database got the same schema, catalog and data plane
-- alike, all in public. From here the runner applies two more sets: control
-- (sql/control/, the control database only) and node (sql/node/, every node,
-- the control database included, as it is the default node). This shared
-- migration holds what both planes use, and removes release 0.1's routines:
-- the function families of each plane now live in their own schemas.

CREATE SCHEMA IF NOT EXISTS fedgate;
COMMENT ON SCHEMA fedgate IS 'Types both planes share (region codes).';
GRANT USAGE ON SCHEMA fedgate TO fedgate_api;

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
                   WHERE n.nspname = 'fedgate' AND t.typname = 'region_code') THEN
        CREATE DOMAIN fedgate.region_code AS text
            CHECK (VALUE ~ '^[a-z0-9][a-z0-9-]{0,62}$');
    END IF;
END
$$;
COMMENT ON DOMAIN fedgate.region_code IS 'A region code: lower-case letters, digits and dashes, 1 to 63 characters (us-east, eu-west).';

-- Release 0.1's function families lived in public and api. Their triggers and
-- the federation_node_status view go with them (CASCADE); pgcrypto's
-- functions belong to the extension and stay.
DO $$
DECLARE
    v_routine regprocedure;
BEGIN
    FOR v_routine IN
        SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p
        JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname IN ('public', 'api')
          AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d
                          WHERE d.classid = 'pg_catalog.pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
    LOOP
        EXECUTE format('DROP ROUTINE IF EXISTS %s CASCADE', v_routine);
    END LOOP;
END
$$;

CREATE OR REPLACE FUNCTION fedgate.touch_updated_at()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION fedgate.touch_updated_at() IS 'Trigger of both planes: sets updated_at to now() on every update.';
REVOKE ALL ON FUNCTION fedgate.touch_updated_at() FROM PUBLIC;
