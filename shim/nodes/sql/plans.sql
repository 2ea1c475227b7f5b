-- Plans of moves, node capacity and load (shim.actions.plans; control migration 016).

-- name: plan_moves
-- What a plan would do, without recording it (--dry-run).
SELECT tenant_id, source_node, target_node, cost, why FROM federation.plan_moves(%s, %s::text, %s::text, %s, %s::numeric, %s::integer);

-- name: rebalance_spread
SELECT region, node_id, capacity, share, load_before, load_after, within_before, within_after
FROM federation.rebalance_spread(%s::text, %s, %s::numeric, %s::integer);

-- name: start_plan
SELECT job_id, subject FROM federation.start_plan(%s, %s, %s::integer, %s::text, %s, %s::numeric, %s::integer);

-- name: open_plan
SELECT job_id, state, owner, lease_until FROM federation.open_plan(%s, %s::text);

-- name: plan_job_moves
SELECT tenant_id, source_node, target_node, cost FROM federation.plan_job_moves(%s);

-- name: plan_children
-- A drain's or plan's moves that are still open: its driver (a new one after a takeover too) drives them first.
SELECT j.job_id, j.move_id FROM federation.jobs j
WHERE j.parent_id = %s AND j.state IN ('pending', 'running') ORDER BY j.job_id;

-- name: get_plan
SELECT plan_id, kind, subject, state, node_id, region, params, owner, held, last_error, created_by, created,
       started, finished, moves, done, moving, pending, not_done, cost, cost_done
FROM federation.federation_plans WHERE plan_id = %s;

-- name: list_plans
-- The open plans first, then the newest.
SELECT plan_id, kind, subject, state, node_id, region, params, owner, held, last_error, created_by, created,
       started, finished, moves, done, moving, pending, not_done, cost, cost_done
FROM federation.federation_plans ORDER BY (state IN ('pending', 'running')) DESC, plan_id DESC LIMIT %s;

-- name: plan_moves_of
SELECT position, tenant_id, source_node, target_node, cost, why, move_id, state, pause_ms, error
FROM federation.federation_plan_moves WHERE plan_id = %s ORDER BY position;

-- name: plan_nodes
-- The nodes a plan measures before it plans: the default node (legacy), a region's active nodes (rebalance).
SELECT n.node_id FROM federation.federation_nodes n
WHERE CASE WHEN %s = 'legacy' THEN n.node_id = 'default'
           ELSE n.node_id <> 'default' AND n.status = 'active' AND (%s::text IS NULL OR n.region = %s) END
ORDER BY n.node_id;

-- name: tenant_sizes
-- On a node: every tenant's rows.
SELECT coalesce(jsonb_agg(jsonb_build_object('tenant', tenant_id, 'rows', row_count)), '[]'::jsonb)
FROM onboarding.tenant_sizes();

-- name: record_tenant_sizes
SELECT federation.record_tenant_sizes(%s, %s::jsonb);

-- name: tenant_rows
-- On a node: its tenant rows from its statistics.
SELECT onboarding.tenant_rows();

-- name: report_node_load
SELECT federation.report_node_load(%s::text[], %s::bigint[]);

-- name: set_node_capacity
SELECT node_id, region, capacity FROM federation.set_node_capacity(%s, %s);

-- name: pin_tenant
SELECT tenant_id, node_id, pinned FROM federation.pin_tenant(%s::uuid, %s);
