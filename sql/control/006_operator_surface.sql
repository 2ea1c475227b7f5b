-- control 006: the operator surface.
--
--   fedgate_operator  NOLOGIN  what the admin API may do to the catalog: the
--                              gateway's catalog login (fedgate_catalog) takes
--                              it with SET LOCAL ROLE for an operator's request
--                              only; fedgate_catalog is NOINHERIT (control
--                              grants.sql), so its other statements keep their
--                              narrow privileges
--
-- Per-tenant request figures (a Prometheus tenant label would explode): each
-- gateway worker reports its requests per tenant and node once an interval
-- (federation.report_tenant_stats), added up by the minute here and read
-- through the federation_tenant_stats view.

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'fedgate_operator') THEN
        BEGIN
            CREATE ROLE fedgate_operator NOLOGIN;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;  -- another database of this cluster created it meanwhile
        END;
    END IF;
END
$$;
COMMENT ON ROLE fedgate_operator IS
    'The admin API''s privileges on the catalog (nodes, routes, tenant status, moves), set by the gateway''s catalog login for an operator''s request only.';

CREATE TABLE federation.tenant_request_stats (
    period    timestamptz NOT NULL,
    node_id   text NOT NULL,
    tenant_id uuid NOT NULL,
    requests  bigint NOT NULL CHECK (requests >= 0),
    errors    bigint NOT NULL CHECK (errors >= 0),
    total_ms  double precision NOT NULL CHECK (total_ms >= 0),
    max_ms    double precision NOT NULL CHECK (max_ms >= 0),
    PRIMARY KEY (period, node_id, tenant_id)
);
COMMENT ON TABLE federation.tenant_request_stats IS
    'Requests per tenant, node and minute as the gateways served them (errors: answers of 500 and above), kept a day; read federation_tenant_stats.';
