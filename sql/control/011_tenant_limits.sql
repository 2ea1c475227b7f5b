-- control 011: fleet-wide per-tenant request quotas, and throttled requests in the tenant figures.
--
-- A tenant's limit is requests a second with a burst, for the whole fleet: every
-- gateway worker enforces its share (the limit divided by the live instances'
-- workers, federation_gateways), recomputed when an instance comes or goes
-- (NOTIFY), with no catalog round trip per request.

CREATE TABLE federation.tenant_limits (
    tenant_id           uuid PRIMARY KEY REFERENCES federation.tenant_registry (id) ON DELETE CASCADE,
    requests_per_second double precision CHECK (requests_per_second > 0 AND requests_per_second <= 1000000),
    burst               double precision CHECK (burst >= 1 AND burst <= 10000000),
    max_inflight        integer CHECK (max_inflight BETWEEN 1 AND 100000),
    set_by              text NOT NULL CHECK (length(set_by) BETWEEN 1 AND 255),
    set_at              timestamptz NOT NULL DEFAULT now(),
    CHECK ((requests_per_second IS NULL) = (burst IS NULL)),
    CHECK (requests_per_second IS NOT NULL OR max_inflight IS NOT NULL)
);
COMMENT ON TABLE federation.tenant_limits IS
    'A tenant''s quotas for the whole fleet: requests a second with the burst after a quiet spell, and handler calls in flight at once; who set them and when. No row: no quota.';

ALTER TABLE federation.tenant_request_stats ADD COLUMN throttled bigint NOT NULL DEFAULT 0 CHECK (throttled >= 0);
COMMENT ON COLUMN federation.tenant_request_stats.throttled IS
    'Requests of the minute answered 429 (the tenant''s quota, its write budget, its in-flight bound).';
