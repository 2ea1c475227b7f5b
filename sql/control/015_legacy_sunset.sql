-- control 015: retiring the legacy namespace (the spec's phase 5). A sunset date
-- makes every legacy response say so (Deprecation, Sunset, a Link to the same
-- path in the federated namespace); who still calls it is recorded per tenant
-- and per client (the token's subject); the routes can be turned off for one
-- tenant or for everyone (410), and on again.

CREATE TABLE federation.legacy_policy (
    id            boolean PRIMARY KEY DEFAULT true CHECK (id),
    sunset_date   date,
    deprecated_at timestamptz,
    all_off       boolean NOT NULL DEFAULT false,
    set_by        text,
    set_at        timestamptz,
    CHECK ((sunset_date IS NULL) = (deprecated_at IS NULL))
);
INSERT INTO federation.legacy_policy DEFAULT VALUES;
COMMENT ON TABLE federation.legacy_policy IS
    'The legacy namespace''s retirement, one row: its sunset date (and since when it is deprecated), whether it is off for everyone, who set it and when.';

CREATE TABLE federation.legacy_off (
    tenant_id uuid PRIMARY KEY REFERENCES federation.tenant_registry (id) ON DELETE CASCADE,
    set_by    text NOT NULL CHECK (length(set_by) BETWEEN 1 AND 255),
    set_at    timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE federation.legacy_off IS
    'Tenants whose legacy routes are off (410 FGW410, with the federated path as successor): who turned them off and when.';

CREATE TABLE federation.legacy_usage (
    period    timestamptz NOT NULL,
    tenant_id uuid,
    client    text NOT NULL CHECK (length(client) BETWEEN 1 AND 300),
    requests  bigint NOT NULL CHECK (requests >= 0),
    refused   bigint NOT NULL DEFAULT 0 CHECK (refused >= 0),
    last_seen timestamptz NOT NULL,
    UNIQUE NULLS NOT DISTINCT (period, tenant_id, client)
);
COMMENT ON TABLE federation.legacy_usage IS
    'Legacy-namespace requests per minute, tenant (NULL: a call that names none) and client (the token''s role and subject), as the gateways report them; kept 8 days; read federation_legacy_usage.';
