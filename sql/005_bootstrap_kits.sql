-- 005: bootstrap kits issued to a tenant, with the enrollment token stored as a hash.

CREATE TABLE IF NOT EXISTS public.bootstrap_kits (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id      uuid NOT NULL REFERENCES public.tenants (id) ON DELETE CASCADE,
    format         text NOT NULL CHECK (format IN ('zip', 'tar.gz')),
    agents         text[] NOT NULL,
    regions        text[] NOT NULL,
    metadata_json  text NOT NULL,
    archive_sha256 text CHECK (archive_sha256 ~ '^[0-9a-f]{64}$'),
    token_hash     bytea NOT NULL,
    expires_at     timestamptz NOT NULL,
    revoked_at     timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS bootstrap_kits_tenant_id_idx ON public.bootstrap_kits (tenant_id, created_at DESC);
COMMENT ON TABLE public.bootstrap_kits IS 'Bootstrap kits issued per tenant: checksum, token hash, expiry, revocation.';
