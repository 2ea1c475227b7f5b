-- What operators do and read: the actions on the catalog (shim.actions) and the views the CLI, the admin API and the status page show.
-- Loaded by shim/nodes/queries.py: every statement Python sends is named here or in a file beside this one.

-- name: add_node
SELECT * FROM federation.add_node(%s, %s, %s, %s, %s);

-- name: add_region
SELECT * FROM federation.add_region(%s, %s);

-- name: add_route
SELECT * FROM federation.add_route(%s::uuid, %s, %s, %s, %s, %s, %s);

-- name: remove_route
SELECT federation.remove_route(%s::uuid, %s::text, %s::text) AS removed;

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

-- name: set_tenant_status
SELECT tenant_id, status, node_id FROM federation.set_tenant_status(%s::uuid, %s);

-- name: set_tenant_status_on_node
-- As an operator (the handler checks the caller's claims like any other).
SELECT api.set_tenant_status(%s::uuid, %s::jsonb)::text FROM (SELECT set_config('fedgate.claims', %s, true)) AS caller;

-- name: add_replica
SELECT * FROM federation.add_replica(%s, %s, %s, %s::interval, %s, %s);

-- name: replica_status
SELECT replica_id, node_id, health, serving_reads, lag_bytes, lag_seconds, replay_lsn, max_lag, last_error
FROM federation.federation_replica_status ORDER BY node_id, replica_id;

-- name: drain_plan
SELECT tenant_id, target_node FROM federation.drain_plan(%s);

-- name: tenant_routes
-- A tenant's routing rules, the map's primary first.
SELECT region, node_id, weight, is_primary, shared_data, created_at
FROM federation.federation_routing WHERE tenant_id = %s::uuid ORDER BY is_primary DESC, region, node_id;

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
       errors_1h, avg_ms_1h, max_ms_1h, throttled_1h
FROM federation.federation_tenant_stats WHERE rank_on_node <= %s AND (%s::text IS NULL OR node_id = %s::text)
ORDER BY node_id, rank_on_node;

-- name: admin_nodes
-- Every node as the admin API and the status page show it (no database URL).
SELECT node_id, region, status, health, serving, latency_ms, primary_tenants AS tenants, consecutive_failures,
       last_check_at, last_change_at, last_error
FROM federation.federation_node_status ORDER BY region, node_id;

-- name: set_role
-- A connection of the admin API's actions takes the operator role for its session (shim.nodes.connector).
SET ROLE {role};

-- name: record_residency_refusal
-- A residency refusal (FG451) appended after its transaction rolled back, from the error's DETAIL.
SELECT federation.record_residency_refusal(%s::jsonb);

-- name: set_residency
SELECT tenant_id, residency, move_id, target_node FROM federation.set_residency(%s::uuid, %s::text[], %s, %s);

-- name: tenant_residency
-- A tenant's policy and its recorded decisions, newest first.
SELECT r.id AS tenant_id, r.residency,
       coalesce((SELECT jsonb_agg(to_jsonb(e) - 'tenant_id' ORDER BY e.event_id DESC)
                 FROM (SELECT * FROM federation.federation_residency_events x
                       WHERE x.tenant_id = r.id ORDER BY x.event_id DESC LIMIT %s) e), '[]'::jsonb) AS events
FROM federation.tenant_registry r WHERE r.id = %s::uuid;

-- name: residency_events
-- The newest recorded residency decisions, of one tenant or all.
SELECT * FROM federation.federation_residency_events
WHERE %s::uuid IS NULL OR tenant_id = %s::uuid ORDER BY event_id DESC LIMIT %s;

-- name: set_actor
-- Who acts on this connection (cli:user@host, operator:<token sub>): a job records it as its creator.
SELECT set_config('fedgate.actor', %s, false);

-- name: drop_database
-- A scratch database of the schema snapshot (make schema), dropped before it is made again.
DROP DATABASE IF EXISTS {database} WITH (FORCE);

-- name: create_database
CREATE DATABASE {database};

-- name: revoke_agent_on_node
-- As an operator (the handler checks the caller's claims like any other, and audits who revoked).
SELECT api.revoke_agent(%s::uuid, %s::jsonb)::text FROM (SELECT set_config('fedgate.claims', %s, true)) AS caller;

-- name: list_gateways
-- The fleet's gateway instances: the live ones first, then the newest.
SELECT instance_id, host, pid, version, workers, started, last_seen, alive, state
FROM federation.federation_gateways ORDER BY alive DESC, last_seen DESC LIMIT %s;

-- name: set_tenant_limit
SELECT tenant_id FROM federation.set_tenant_limit(%s::uuid, %s, %s, %s);

-- name: clear_tenant_limit
SELECT federation.clear_tenant_limit(%s::uuid) AS cleared;

-- name: tenant_limit
SELECT tenant_id, tenant_name, requests_per_second, burst, max_inflight, fleet_workers, set_by, set_at
FROM federation.federation_tenant_limits WHERE tenant_id = %s::uuid;


-- name: rule_problems
-- Rules naming a node that does not hold the tenant's data, without the shared-data declaration (fedgate doctor).
SELECT tenant_id, region, node_id, tenant_node, weight, is_primary, problem
FROM federation.federation_rule_problems ORDER BY tenant_id, region, node_id LIMIT %s;

-- name: set_legacy_sunset
SELECT federation.set_legacy_sunset(%s::date);

-- name: legacy_off
SELECT federation.legacy_off(%s::uuid);

-- name: legacy_on
SELECT federation.legacy_on(%s::uuid);

-- name: legacy_status
SELECT * FROM federation.legacy_status();

-- name: legacy_usage
-- Who still calls the legacy namespace, the busiest first.
SELECT * FROM federation.federation_legacy_usage ORDER BY requests_24h DESC NULLS LAST, last_seen DESC LIMIT %s;
