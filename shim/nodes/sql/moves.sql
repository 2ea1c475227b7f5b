-- A tenant move's statements (shim.actions.moves): the catalog's state machine and the nodes' replication.
-- Loaded by shim/nodes/queries.py: every statement Python sends is named here or in a file beside this one.

-- name: load_move
SELECT m.move_id, m.tenant_id, m.source_node, m.target_node, m.state, m.switched, m.keep_source,
       m.reversible_until, m.requested, m.fenced_at IS NOT NULL,
       EXISTS (SELECT 1 FROM federation.jobs j WHERE j.move_id = m.move_id AND j.parent_id IS NOT NULL)
FROM federation.tenant_moves m WHERE m.move_id = %s;

-- name: start_move
-- The move and its job (a drain's move: the drain's job as its parent).
SELECT move_id FROM federation.start_move(%s::uuid, %s, %s, %s::bigint, %s);

-- name: advance_move
SELECT state FROM federation.advance_move(%s, %s, %s, %s);

-- name: tenant_tables
SELECT table_name, tenant_column FROM onboarding.tenant_tables();

-- name: append_only_tables
SELECT * FROM onboarding.append_only_tables();

-- name: lock_timeout
SELECT set_config('lock_timeout', %s, false);

-- name: vacuum_tables
-- After a copy: the copied pages all-visible, so the fenced verification counts their rows from the index alone.
VACUUM (ANALYZE) {tables};

-- name: tenant_counts
-- A move's progress: the tenant's rows per table, counted (not hashed).
SELECT table_name, row_count FROM onboarding.tenant_counts(%s::uuid);

-- name: tenant_digest
SELECT table_name, row_count, digest FROM onboarding.tenant_digest(%s::uuid, %s::jsonb);

-- name: tenant_marks
-- The append-only tables' high-water ids of a tenant: verified up to before the fence.
SELECT onboarding.tenant_marks(%s::uuid);

-- name: tenant_counts_upto
SELECT table_name, row_count FROM onboarding.tenant_counts_upto(%s::uuid, %s::jsonb);

-- name: tenant_digest_after
SELECT table_name, row_count, digest FROM onboarding.tenant_digest_after(%s::uuid, %s::jsonb, %s::jsonb);

-- name: tenant_digest_upto
SELECT table_name, row_count, digest FROM onboarding.tenant_digest_upto(%s::uuid, %s::jsonb);

-- name: subscription_pending
-- A move's subscription on its target: tables not yet copied, and tables in all.
SELECT count(*) FILTER (WHERE r.srsubstate NOT IN ('r', 's')), count(*)
FROM pg_catalog.pg_subscription s JOIN pg_catalog.pg_subscription_rel r ON r.srsubid = s.oid
WHERE s.subname = %s;

-- name: slot_lag
-- A move's slot on its source: WAL bytes its subscriber has not confirmed.
SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), confirmed_flush_lsn)
FROM pg_catalog.pg_replication_slots WHERE slot_name = %s;

-- name: older_transactions
-- Client transactions of this database that began before a moment (a fence's): the cutover waits for them.
SELECT count(*) FROM pg_catalog.pg_stat_activity
WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'
  AND xact_start < %s;

-- name: mark_move
-- A move's marker on its source, after the fence (see node migration 007).
INSERT INTO onboarding.move_markers (move_id, tenant_id) VALUES (%s, %s) ON CONFLICT (move_id) DO NOTHING;

-- name: move_source
-- The node that holds a tenant's data now (the default node for a legacy tenant).
SELECT federation.move_source(%s::uuid);

-- name: wal_level
-- A move's source needs wal_level = logical (a node added without it gets a warning).
SHOW wal_level;

-- name: move_figures
SELECT * FROM federation.federation_moves WHERE move_id = %s;

-- name: publication_exists
SELECT 1 FROM pg_catalog.pg_publication WHERE pubname = %s;

-- name: publication_table
-- One tenant table in a move's publication, filtered to the tenant's rows (PostgreSQL 15).
TABLE onboarding.{table} WHERE ({column} = {tenant});

-- name: publication_marker
-- The move's own marker rows, published with the tenant's tables (node migration 007).
TABLE onboarding.move_markers WHERE (move_id = {move});

-- name: create_publication
CREATE PUBLICATION {name} FOR {tables};

-- name: slot_exists
SELECT 1 FROM pg_catalog.pg_replication_slots WHERE slot_name = %s;

-- name: create_slot
SELECT pg_create_logical_replication_slot(%s, 'pgoutput');

-- name: lift_fence
-- A tombstone of an earlier move away, on a node the tenant comes back to.
SELECT onboarding.lift_fence(%s::uuid);

-- name: subscription_exists
SELECT 1 FROM pg_catalog.pg_subscription WHERE subname = %s;

-- name: create_subscription
-- On the target, from the slot made on the source (so the slot exists before any copy starts).
CREATE SUBSCRIPTION {name} CONNECTION {source} PUBLICATION {name} WITH (create_slot = false, slot_name = {slot});

-- name: create_stream_subscription
-- After a reversible move's switch, on the node it left: the changes since the switch, from the slot made
-- on its new home while the tenant was fenced (both copies equal then: nothing to copy).
CREATE SUBSCRIPTION {name} CONNECTION {source} PUBLICATION {name}
    WITH (create_slot = false, slot_name = {slot}, copy_data = false);

-- name: switch_back_move
-- A reversible move's way back: map, rules and home region name the source again; the fence lifted with them.
SELECT federation.switch_back_move(%s);

-- name: unfence_move
-- A reverse or forward that did not switch: the fence lifts, the tenant stays, the error is kept.
SELECT federation.unfence_move(%s, %s);

-- name: request_move
-- An operator's reverse, forward or complete of a switched move: its job runs at once.
SELECT move_id, state FROM federation.request_move(%s, %s);

-- name: statement_timeout
SELECT set_config('statement_timeout', %s, false);

-- name: wal_insert_lsn
SELECT pg_current_wal_insert_lsn()::text;

-- name: flush_wal
-- In a transaction with synchronous_commit on: its commit flushes the WAL written before it (a transaction
-- that wrote no WAL of its own would commit without a flush; this message is its record, which no
-- subscriber asks for).
SELECT pg_logical_emit_message(true, 'fedgate', 'flush');

-- name: advance_slot
-- A reversible move's next stream starts where both copies were equal (what came before is the copy's own).
SELECT pg_replication_slot_advance(%s, %s::pg_lsn);

-- name: fence_move
-- The catalog's fence: gateways hold the tenant's requests from its NOTIFY on.
SELECT federation.fence_move(%s);

-- name: set_fence
-- The source's fence (fenced: its handlers answer FG421; moved: a tombstone), and the moment it was set.
SELECT now() FROM onboarding.set_fence(%s::uuid, %s, %s, %s);

-- name: clear_fence
-- The source's fence of this move, lifted (an aborted or failed cutover).
SELECT onboarding.clear_fence(%s::uuid, %s);

-- name: synchronous_commit
SET LOCAL synchronous_commit = on;

-- name: marker_arrived
SELECT 1 FROM onboarding.move_markers WHERE move_id = %s;

-- name: forget_marker
DELETE FROM onboarding.move_markers WHERE move_id = %s;

-- name: align_sequences
SELECT onboarding.align_sequences(%s::uuid);

-- name: switch_move
-- Map, rules and home region switched in one catalog transaction; the fence lifted with them. Reversible
-- for the interval given (0: not).
SELECT federation.switch_move(%s, make_interval(secs => %s));

-- name: stop_move
SELECT federation.stop_move(%s, %s, %s);

-- name: purge_tenant
SELECT * FROM onboarding.purge_tenant(%s::uuid);

-- name: disable_subscription
ALTER SUBSCRIPTION {name} DISABLE;

-- name: detach_subscription
-- Its slot is the source's to drop (a disabled subscription keeps no connection to it).
ALTER SUBSCRIPTION {name} SET (slot_name = NONE);

-- name: drop_subscription
DROP SUBSCRIPTION {name};

-- name: slot_active
SELECT active FROM pg_catalog.pg_replication_slots WHERE slot_name = %s AND active;

-- name: drop_slot
SELECT pg_drop_replication_slot(%s);

-- name: drop_publication
DROP PUBLICATION IF EXISTS {name};

-- name: tenant_row_hashes
-- A batch of a tenant's rows of one table, keyed and hashed, after one key and up to another (shim.actions.diff).
SELECT row_key::text, row_hash FROM onboarding.tenant_row_hashes(%s::uuid, %s, %s::jsonb, %s::jsonb, %s);
