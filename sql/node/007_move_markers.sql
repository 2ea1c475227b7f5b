-- node 007: a move's marker. At the cutover, once the tenant is fenced and the
-- transactions older than the fence have ended, the mover inserts the move's
-- row here on the source, in a publication of its own; logical replication
-- applies transactions in commit order, so the row's arrival on the target
-- says every earlier change of the tenant has arrived too. Then the rows are
-- compared once, instead of hashing both sides until they agree.

CREATE TABLE onboarding.move_markers (
    move_id   bigint PRIMARY KEY,
    tenant_id uuid NOT NULL,
    marked_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE onboarding.move_markers IS
    'One row per move at its cutover, replicated from source to target: the target has applied everything the source committed before it. Deleted when the move ends.';
