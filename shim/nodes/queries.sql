-- Every SQL statement the gateway sends, by name (loaded by shim/queries.py).
-- Python never writes SQL inline.

-- name: load_nodes
-- The node catalog, with the connection reference only the gateway (and fedgate migrate) reads.
SELECT node_id, region, database_url, status FROM federation.federation_nodes ORDER BY node_id;

-- name: resolve_node
-- One round trip per cold (tenant, region); warm ones are served from the cache.
SELECT node_id, region, reason FROM federation.resolve_node(%s::uuid, %s::text);

-- name: call_handler
-- One handler function per endpoint, JSON text out: one round trip per request.
-- The caller's verified claims are set for this statement's transaction first
-- (the FROM subquery runs before the handler), where api_enter checks them, and
-- the request's id as application_name (pg_stat_activity shows it meanwhile).
SELECT api.{function}(%s::uuid, %s::jsonb)::text
FROM (SELECT set_config('fedgate.claims', %s, true), set_config('application_name', %s, true)) AS caller;

-- name: call_handler_replayed_to
-- A read on a replica for a caller who has seen the node at a WAL position: no row when the replica
-- has not replayed that far (the gateway then asks the node itself). Still one round trip.
SELECT api.{function}(%s::uuid, %s::jsonb)::text
FROM (SELECT set_config('fedgate.claims', %s, true), set_config('application_name', %s, true)) AS caller
WHERE pg_last_wal_replay_lsn() >= %s::pg_lsn;

-- name: call_procedure
-- A handler that must commit its audit row before failing is a procedure; it
-- takes the claims as an argument (a CALL has no FROM) and sets them itself.
CALL api.{function}(%s::uuid, %s::jsonb, %s::jsonb, NULL);

-- name: ping
SELECT 1;

-- name: schema_versions
-- The newest migration of each set on this database (a gateway refuses a node older than itself).
SELECT migration_set, max(version) FROM public.fedgate_migrations GROUP BY migration_set;

-- name: lagging_nodes
-- Nodes the health checker found behind the gateway's schema (/readyz lists them).
SELECT node_id FROM federation.federation_node_health
WHERE NOT healthy AND last_error LIKE 'schema behind:%' ORDER BY node_id;

-- name: try_checker_lock
-- The deployment's health checker holds this session lock.
SELECT pg_try_advisory_lock(%s);

-- name: report_health
-- Every node's and every replica's check of one round, in one round trip.
SELECT count(federation.report_node_health(r.node_id, r.healthy, r.latency_ms, r.error)),
       federation.report_replica_health(%s::text[], %s::boolean[], %s::bigint[], %s::real[], %s::text[], %s::text[])
FROM unnest(%s::text[], %s::boolean[], %s::real[], %s::text[]) AS r(node_id, healthy, latency_ms, error);

-- name: listen
LISTEN fedgate_catalog;

-- name: add_node
SELECT * FROM federation.add_node(%s, %s, %s, %s, %s);

-- name: add_route
SELECT * FROM federation.add_route(%s::uuid, %s, %s, %s, %s);

-- name: set_node_status
SELECT * FROM federation.set_node_status(%s, %s);

-- name: node_status
SELECT node_id, region, status, health, serving, primary_tenants, last_check_at, last_error
FROM federation.federation_node_status ORDER BY region, node_id;

-- name: explain_route
SELECT ord, node_id, node_region, source, node_status, health, decision, why
FROM federation.explain_route(%s::uuid, %s::text);

-- name: count_tenants
SELECT count(*) FROM federation.tenant_registry;

-- name: first_tenants
-- The embedded default prints a token for each of these (its demo tenants).
SELECT id, name, region::text FROM federation.tenant_registry ORDER BY created_at, name LIMIT 10;

-- name: add_region
SELECT * FROM federation.add_region(%s, %s);

-- name: set_tenant_status
SELECT tenant_id, status, node_id FROM federation.set_tenant_status(%s::uuid, %s);

-- name: set_tenant_status_on_node
-- As an operator (the handler checks the caller's claims like any other).
SELECT api.set_tenant_status(%s::uuid, %s::jsonb)::text FROM (SELECT set_config('fedgate.claims', %s, true)) AS caller;

-- name: sweep_heartbeats
-- One batch of heartbeats past their retention, on one node (the health checker's maintenance).
SELECT onboarding.sweep_heartbeats(%s);

-- name: stale_registrations
-- Creations still provisioning after the grace (seconds): the reconciler asks their nodes.
SELECT tenant_id, node_id FROM federation.stale_registrations(make_interval(secs => %s));

-- name: tenants_present
SELECT onboarding.tenants_present(%s::uuid[]);

-- name: settle_registrations
SELECT confirmed, undone FROM federation.settle_registrations(%s::uuid[], %s::uuid[]);

-- name: wal_lsn
-- After a write (or a read on a node with replicas): the position a replica must have replayed to
-- show this caller at least what it has seen (X-Federation-LSN). The insert position, not the write
-- position: with asynchronous commit the commit record may not be written yet, but it is inserted.
SELECT pg_current_wal_insert_lsn()::text;

-- name: replica_state
-- A replica's health check: still in recovery, how far it replayed, seconds since its last replayed commit.
SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text,
       extract(epoch FROM now() - pg_last_xact_replay_timestamp())::real;

-- name: load_replicas
-- Every registered replica, with its connection reference (read by the gateway only).
SELECT replica_id, node_id, database_url, usable FROM federation.federation_replicas ORDER BY replica_id;

-- name: add_replica
SELECT * FROM federation.add_replica(%s, %s, %s, %s::interval);

-- name: replica_status
SELECT replica_id, node_id, health, serving_reads, lag_bytes, lag_seconds, replay_lsn, max_lag, last_error
FROM federation.federation_replica_status ORDER BY node_id, replica_id;

-- name: load_move
SELECT move_id, tenant_id, source_node, target_node, state, switched, keep_source
FROM federation.tenant_moves WHERE move_id = %s;

-- name: start_move
SELECT move_id FROM federation.start_move(%s::uuid, %s, %s);

-- name: advance_move
SELECT state FROM federation.advance_move(%s, %s, %s, %s);

-- name: tenant_tables
SELECT table_name, tenant_column FROM onboarding.tenant_tables();

-- name: tenant_digest
SELECT table_name, row_count, digest FROM onboarding.tenant_digest(%s::uuid);

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

-- name: drain_plan
SELECT tenant_id, target_node FROM federation.drain_plan(%s);

-- name: mark_move
-- A move's marker on its source, after the fence (see node migration 007).
INSERT INTO onboarding.move_markers (move_id, tenant_id) VALUES (%s, %s) ON CONFLICT (move_id) DO NOTHING;

-- name: operator_role
-- The admin API's statements run as fedgate_operator (control migration 006), in their transaction only.
SET LOCAL ROLE fedgate_operator;

-- name: report_tenant_stats
-- One worker's per-tenant figures since its last report: one statement per interval.
SELECT federation.report_tenant_stats(%s::jsonb);

-- name: open_moves
-- The health checker's view of the moves in progress: state, lag, seconds since their last progress.
SELECT state, lag, extract(epoch FROM now() - updated_at)::float8
FROM federation.federation_moves WHERE state NOT IN ('done', 'aborted', 'failed');

-- name: tenant_routes
-- A tenant's routing rules, the map's primary first.
SELECT region, node_id, weight, is_primary, created_at
FROM federation.federation_routing WHERE tenant_id = %s::uuid ORDER BY is_primary DESC, region, node_id;

-- name: remove_route
SELECT federation.remove_route(%s::uuid, %s::text, %s::text) AS removed;

-- name: list_moves
-- The newest moves first (the open ones are all among them: one per tenant at most).
SELECT move_id, tenant_id, source_node, target_node, state, rows_copied, rows_expected, lag, started,
       pause_ms, verify_result, error, fenced, switched, keep_source, updated_at, finished_at
FROM federation.federation_moves ORDER BY (state NOT IN ('done', 'aborted', 'failed')) DESC, move_id DESC LIMIT %s;

-- name: get_move
SELECT move_id, tenant_id, source_node, target_node, state, rows_copied, rows_expected, lag, started,
       pause_ms, verify_result, error, fenced, switched, keep_source, updated_at, finished_at
FROM federation.federation_moves WHERE move_id = %s;

-- name: tenant_stats
-- The busiest tenants of each node (or of one).
SELECT node_id, tenant_id, tenant_name, rank_on_node, requests_1m, requests_10m, requests_1h, requests_24h,
       errors_1h, avg_ms_1h, max_ms_1h
FROM federation.federation_tenant_stats WHERE rank_on_node <= %s AND (%s::text IS NULL OR node_id = %s::text)
ORDER BY node_id, rank_on_node;

-- name: admin_nodes
-- Every node as the admin API and the status page show it (no database URL).
SELECT node_id, region, status, health, serving, latency_ms, primary_tenants AS tenants, consecutive_failures,
       last_check_at, last_change_at, last_error
FROM federation.federation_node_status ORDER BY region, node_id;
