-- The gateway's own statements: the catalog it reads, the handler calls (one round trip a request), the health checker's round, the reconciler.
-- Loaded by shim/nodes/queries.py: every statement Python sends is named here or in a file beside this one.

-- name: load_nodes
-- The node catalog, with the connection reference only the gateway (and fedgate migrate) reads.
SELECT node_id, region, database_url, status FROM federation.federation_nodes ORDER BY node_id;

-- name: resolve_node
-- Where a (tenant, region) goes, as a DBA asks it (the CLI's resolve, an agent's revocation).
SELECT node_id, region, reason FROM federation.resolve_node(%s::uuid, %s::text);

-- name: resolve_with_residency
-- The gateway's resolution: one round trip per cold (tenant, region); warm ones are served from the cache.
-- Always one row: the tenant's residency (NULL: unrestricted) and the chosen node (NULLs: no serving node).
SELECT r.node_id, r.region, r.reason, p.residency
FROM (SELECT federation.tenant_residency(%s::uuid) AS residency) p
LEFT JOIN LATERAL federation.resolve_node(%s::uuid, %s::text) r ON true;

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
SELECT replica_id, node_id, database_url, usable, region, residency_override IS NOT NULL
FROM federation.federation_replicas ORDER BY replica_id;

-- name: report_tenant_stats
-- One worker's per-tenant figures since its last report: one statement per interval.
SELECT federation.report_tenant_stats(%s::jsonb);

-- name: open_moves
-- The health checker's view of the moves in progress: state, lag, seconds since their last progress.
SELECT state, lag, extract(epoch FROM now() - updated_at)::float8
FROM federation.federation_moves WHERE state NOT IN ('done', 'aborted', 'failed');

-- name: open_plans
-- The health checker's view of the open drains and plans, summed by kind.
SELECT kind, sum(done), sum(moving), sum(pending), sum(not_done), sum(cost), sum(cost_done)
FROM federation.federation_plans WHERE state IN ('pending', 'running') GROUP BY kind;

-- name: residency_decisions
-- The health checker's count of recorded residency decisions (fedgate_residency_events).
SELECT action, decision, count(*) FROM federation.residency_events GROUP BY action, decision;

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

-- name: operator_role
-- The admin API's statements run as fedgate_operator (control migration 006), in their transaction only.
SET LOCAL ROLE fedgate_operator;

-- name: count_enrollment_failure
-- A failed enrollment of a client address, counted for the whole fleet: its failures in the window, and the limit.
SELECT failures, lim FROM federation.count_enrollment_failure(%s);

-- name: instance_heartbeat
-- This gateway instance is alive (each worker, every third of FEDGATE_INSTANCE_TTL).
SELECT federation.instance_heartbeat(%s, %s, %s, %s, %s, make_interval(secs => %s), to_timestamp(%s));

-- name: instance_stopped
SELECT federation.instance_stopped(%s);

-- name: load_limits
-- Every tenant quota (small: only tenants an operator limited), kept in each worker.
SELECT tenant_id, requests_per_second, burst, max_inflight FROM federation.tenant_limits;

-- name: load_legacy
-- The legacy namespace's retirement: its sunset, and whom its routes are off for (kept in each worker).
SELECT p.sunset_date, p.deprecated_at, p.all_off, ARRAY(SELECT o.tenant_id FROM federation.legacy_off o)
FROM federation.legacy_policy p;

-- name: report_legacy_usage
-- One worker's legacy calls since its last report, in one statement.
SELECT federation.report_legacy_usage(%s::jsonb);

-- name: fleet_workers
-- The live instances' workers: each worker holds that share of every quota.
SELECT coalesce(sum(workers), 0)::integer FROM federation.federation_gateways WHERE alive;
