-- 002: tenants. On the control database this table is also the registry of
-- every tenant (the row the federation foreign keys need); a federated
-- tenant's full row lives on its node.

CREATE TABLE IF NOT EXISTS public.tenants (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name          text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    region        text NOT NULL CHECK (region ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    contact_email text CHECK (contact_email IS NULL OR length(contact_email) <= 320),
    metadata      jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(metadata) = 'object'),
    status        text NOT NULL DEFAULT 'active'
                  CHECK (status IN ('provisioning', 'active', 'suspended')),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX IF NOT EXISTS tenants_name_key ON public.tenants (lower(name));
COMMENT ON TABLE public.tenants IS
    'Tenants. Control database: the registry of all tenants (id, name, region). Nodes: the full rows of the tenants placed there.';
