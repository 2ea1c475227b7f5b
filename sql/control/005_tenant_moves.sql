-- control 005: tenant moves, as a state machine persisted in the catalog.
--
-- A move copies one tenant's rows from its node to another with PostgreSQL's
-- logical replication, catches up, verifies, fences the tenant alone for the
-- switch, and cleans up. Its row here is the truth a crashed mover, a DBA or
-- another gateway reads: a move can be resumed or aborted from any state
-- before the switch; after the switch it only goes forward.
--
--   copying -> catching_up -> verifying -> cutover -> cleanup -> done
--   (aborted or failed from copying, catching_up, verifying, cutover before the switch)

CREATE TABLE federation.tenant_moves (
    move_id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id     uuid NOT NULL REFERENCES federation.tenant_registry (id) ON DELETE CASCADE,
    source_node   varchar(255) NOT NULL REFERENCES federation.federation_nodes (node_id) ON UPDATE CASCADE,
    target_node   varchar(255) NOT NULL REFERENCES federation.federation_nodes (node_id) ON UPDATE CASCADE,
    state         text NOT NULL DEFAULT 'copying'
                  CHECK (state IN ('copying', 'catching_up', 'verifying', 'cutover', 'cleanup', 'done', 'aborted', 'failed')),
    switched      boolean NOT NULL DEFAULT false,
    keep_source   boolean NOT NULL DEFAULT false,
    rows_expected jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(rows_expected) = 'object'),
    rows_copied   jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(rows_copied) = 'object'),
    lag_bytes     bigint,
    verify_result jsonb,
    pause_ms      real,
    error         text,
    fenced_at     timestamptz,
    started_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    finished_at   timestamptz,
    CHECK (source_node <> target_node),
    CHECK (NOT switched OR state IN ('cutover', 'cleanup', 'done'))
);
CREATE UNIQUE INDEX tenant_moves_one_open ON federation.tenant_moves (tenant_id)
    WHERE state NOT IN ('done', 'aborted', 'failed');
CREATE INDEX tenant_moves_fenced ON federation.tenant_moves (tenant_id) WHERE fenced_at IS NOT NULL AND state = 'cutover';
COMMENT ON TABLE federation.tenant_moves IS
    'Tenant moves between nodes: one open move per tenant, its state, progress (rows per table, replication lag), verification, the tenant''s write pause and the error that stopped it.';
COMMENT ON COLUMN federation.tenant_moves.switched IS
    'The map and routing rules name the target: from here the move only goes forward (cleanup, done).';
COMMENT ON COLUMN federation.tenant_moves.fenced_at IS
    'When the cutover fenced the tenant: gateways hold its requests, the source refuses its writes.';
