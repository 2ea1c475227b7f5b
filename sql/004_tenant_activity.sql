-- 004: the tenant's activity feed (newest first in the API).

CREATE TABLE IF NOT EXISTS public.tenant_activity (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id  uuid NOT NULL REFERENCES public.tenants (id) ON DELETE CASCADE,
    kind       text NOT NULL CHECK (kind ~ '^[a-z][a-z0-9_.]{0,62}$'),
    detail     jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS tenant_activity_tenant_id_idx ON public.tenant_activity (tenant_id, id DESC);
COMMENT ON TABLE public.tenant_activity IS 'What happened to a tenant, newest first in the API.';
