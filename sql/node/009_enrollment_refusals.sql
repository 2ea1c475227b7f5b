-- node 009: refused enrollments are counted, not written one by one. A flood of
-- refusals (a revoked kit, a suspended tenant, guessed kit ids) used to add an
-- audit row each, holding whatever text the caller sent. Now the first refusal
-- of a kind (tenant, kit, client address, reason) in a minute writes one audit
-- row; the identical ones after it add to that row's count here.

CREATE TABLE onboarding.enrollment_refusals (
    tenant_id    uuid NOT NULL,
    kit_key      uuid NOT NULL,  -- the kit's id, or the nil UUID for a kit the tenant does not have
    client_addr  text NOT NULL CHECK (length(client_addr) BETWEEN 1 AND 64),
    reason       text NOT NULL CHECK (reason ~ '^[a-z_]{1,32}$'),
    minute       timestamptz NOT NULL,
    audit_id     bigint,         -- the audit row written for the first of them
    repeats      integer NOT NULL DEFAULT 1 CHECK (repeats > 0),
    last_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, kit_key, client_addr, reason, minute)
);
CREATE INDEX enrollment_refusals_audit_idx ON onboarding.enrollment_refusals (tenant_id, audit_id);
COMMENT ON TABLE onboarding.enrollment_refusals IS
    'Identical refused enrollments per tenant, kit, client address, reason and minute: the first wrote an audit row (audit_id), repeats counts them all; the audit listing shows the count.';
