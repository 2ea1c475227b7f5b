-- The migration runner's statements (shim.actions.migrate).

-- name: migration_bookkeeping
-- The runner's own bookkeeping, brought up to date on every run. Release 0.1 kept one list of
-- migrations and one checksum of all functions.
CREATE TABLE IF NOT EXISTS public.fedgate_migrations (
    version    integer NOT NULL,
    name       text NOT NULL,
    checksum   text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE public.fedgate_migrations ADD COLUMN IF NOT EXISTS migration_set text NOT NULL DEFAULT 'shared';
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint
                   WHERE conname = 'fedgate_migrations_set_version_key') THEN
        ALTER TABLE public.fedgate_migrations DROP CONSTRAINT IF EXISTS fedgate_migrations_pkey;
        ALTER TABLE public.fedgate_migrations
            ADD CONSTRAINT fedgate_migrations_set_version_key PRIMARY KEY (migration_set, version);
    END IF;
END
$$;
COMMENT ON TABLE public.fedgate_migrations IS
    'Numbered migrations applied to this database, per set (shared, control, node), with their checksums.';
CREATE TABLE IF NOT EXISTS public.fedgate_function_sets (
    migration_set text PRIMARY KEY,
    checksum      text NOT NULL,
    applied_at    timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE public.fedgate_function_sets IS 'Checksum of each plane''s function families last applied here.';
DROP TABLE IF EXISTS public.fedgate_functions;

-- name: migration_lock
-- A transaction-scoped advisory lock: concurrent runners (workers, gateways) take turns.
SELECT pg_advisory_xact_lock(%s);

-- name: applied_sets
SELECT DISTINCT migration_set FROM public.fedgate_migrations;

-- name: migration_checksum
SELECT checksum FROM public.fedgate_migrations WHERE migration_set = %s AND version = %s;

-- name: record_migration
INSERT INTO public.fedgate_migrations (migration_set, version, name, checksum) VALUES (%s, %s, %s, %s);

-- name: function_set_checksum
SELECT checksum FROM public.fedgate_function_sets WHERE migration_set = %s;

-- name: defer_function_bodies
-- Function families refer to each other: their bodies are checked when they run, not when created.
SET LOCAL check_function_bodies = off;

-- name: record_function_set
INSERT INTO public.fedgate_function_sets (migration_set, checksum) VALUES (%s, %s)
ON CONFLICT (migration_set) DO UPDATE SET checksum = EXCLUDED.checksum, applied_at = now();

-- name: has_search_path
-- Whether this database already carries the DBAs' search_path (a database-level setting).
SELECT %s = ANY (s.setconfig) FROM pg_catalog.pg_db_role_setting s
JOIN pg_catalog.pg_database d ON d.oid = s.setdatabase
WHERE d.datname = current_database() AND s.setrole = 0;

-- name: set_search_path
ALTER DATABASE {database} SET search_path = {search_path};
