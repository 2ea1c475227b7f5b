-- 008: the append-only audit trail of bootstrap events.

CREATE TABLE IF NOT EXISTS public.bootstrap_audit (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id  uuid NOT NULL REFERENCES public.tenants (id) ON DELETE CASCADE,
    kit_id     uuid,
    event      text NOT NULL CHECK (event ~ '^[a-z][a-z0-9_.]{0,62}$'),
    outcome    text NOT NULL CHECK (outcome IN ('success', 'failure')),
    detail     jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS bootstrap_audit_tenant_idx ON public.bootstrap_audit (tenant_id, id DESC);
COMMENT ON TABLE public.bootstrap_audit IS 'Append-only audit trail of kit issuance and verification.';
