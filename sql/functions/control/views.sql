-- Every view of the control plane that DBAs and the operator surface read, in one place (applied after
-- the function families they call, before grants.sql). None shows a database URL.

-- health
CREATE OR REPLACE VIEW federation.federation_node_status AS
SELECT n.node_id, n.region::text AS region, n.status, n.priority, n.placement_weight,
       federation.health_state(h.healthy, h.checked_at) AS health,
       h.latency_ms, h.consecutive_failures, h.last_error, h.checked_at AS last_check_at, h.last_change_at,
       federation.node_serving(n.status, n.unhealthy_checked_at) AS serving,
       (SELECT count(*) FROM federation.tenant_federation_map m WHERE m.primary_node_id = n.node_id) AS primary_tenants,
       n.capacity, l.rows AS load_rows, l.requests AS load_requests_per_min, l.placed AS placed_since_measured,
       l.measured_at AS load_measured_at
FROM federation.federation_nodes n
LEFT JOIN federation.federation_node_health h ON h.node_id = n.node_id
LEFT JOIN federation.node_load l ON l.node_id = n.node_id;
COMMENT ON VIEW federation.federation_node_status IS
    'One row per node: status, health (unknown/stale/healthy/unhealthy), last check, consecutive failures, last error, whether it serves, tenants placed on it, its capacity and its load as last measured (tenant rows, requests a minute, tenants placed since). No database URL.';

-- moves
CREATE OR REPLACE VIEW federation.federation_moves AS
SELECT m.move_id, m.tenant_id, m.source_node::text AS source_node, m.target_node::text AS target_node, m.state,
       (SELECT coalesce(sum(v::bigint), 0) FROM jsonb_each_text(m.rows_copied) e(k, v)) AS rows_copied,
       (SELECT coalesce(sum(v::bigint), 0) FROM jsonb_each_text(m.rows_expected) e(k, v)) AS rows_expected,
       m.lag_bytes AS lag, m.started_at AS started, m.pause_ms, m.verify_result, m.error,
       m.fenced_at IS NOT NULL AS fenced, m.switched, m.keep_source, m.updated_at, m.finished_at,
       m.residency_override, m.residency AS residency_planned,
       m.reversible_until IS NOT NULL AND m.state IN ('switched', 'reversed') AS reversible, m.reversible_until,
       m.reversed, m.requested, m.flips, m.flip_pause_ms, m.flip_error
FROM federation.tenant_moves m;
COMMENT ON VIEW federation.federation_moves IS
    'Every move: tenant, source and target, state, rows copied of expected, replication lag (bytes), start, the tenant''s write pause (ms), verification result, error, the residency override it carries and the policy it applies at its switch, whether it can be reversed and until when, whether it was, what an operator asked of it, its switches and the last reverse''s or forward''s pause and error; what fedgate tenant move shows.';

-- jobs
CREATE OR REPLACE VIEW federation.federation_jobs AS
SELECT j.job_id, j.kind, j.subject, j.state, j.move_id, j.node_id::text AS node_id, j.parent_id,
       j.owner, j.owner_instance, j.lease_until,
       j.state = 'running' AND j.lease_until >= now() AS held,
       j.attempts, j.step, j.last_error, j.not_before, j.created_by, j.created_at AS created,
       j.started_at AS started, j.finished_at AS finished,
       (SELECT coalesce(jsonb_agg(jsonb_build_object('node', o.node_id, 'kind', o.kind, 'name', o.name)
                                  ORDER BY o.node_id, o.kind), '[]'::jsonb)
        FROM federation.move_objects o WHERE o.move_id = j.move_id AND o.dropped_at IS NULL) AS objects
FROM federation.jobs j;
COMMENT ON VIEW federation.federation_jobs IS
    'Every job (moves, drains, plans): kind, subject, state, its driver (owner, instance) and whether its lease holds, attempts at the step that last failed with the error, who created it, and the objects its move has on the nodes now; what fedgate job list and GET /admin/v1/jobs show.';

-- plans
CREATE OR REPLACE VIEW federation.federation_plan_moves AS
SELECT i.job_id AS plan_id, i.position, i.tenant_id, i.source_node, i.target_node, i.cost, i.why, i.move_id,
       CASE WHEN i.move_id IS NOT NULL THEN m.state
            WHEN j.state IN ('pending', 'running') THEN 'pending'
            ELSE 'skipped' END AS state,
       m.pause_ms, m.error, m.started_at AS started, m.finished_at AS finished
FROM federation.plan_items i
JOIN federation.jobs j ON j.job_id = i.job_id
LEFT JOIN federation.tenant_moves m ON m.move_id = i.move_id;
COMMENT ON VIEW federation.federation_plan_moves IS
    'Each move of a drain or plan, in its order: tenant, source, target, cost, why, its move and state (pending until it starts; skipped when its plan ended without starting it), pause and error.';

CREATE OR REPLACE VIEW federation.federation_plans AS
SELECT j.job_id AS plan_id, CASE j.kind WHEN 'drain' THEN 'drain' ELSE j.params ->> 'plan' END AS kind,
       j.subject, j.state, j.node_id::text AS node_id, j.params ->> 'region' AS region, j.params,
       j.owner, j.state = 'running' AND j.lease_until >= now() AS held, j.last_error, j.created_by,
       j.created_at AS created, j.started_at AS started, j.finished_at AS finished,
       count(p.tenant_id) AS moves,
       count(*) FILTER (WHERE p.state = 'done') AS done,
       count(*) FILTER (WHERE p.state NOT IN ('pending', 'skipped', 'done', 'failed', 'aborted')) AS moving,
       count(*) FILTER (WHERE p.state = 'pending') AS pending,
       count(*) FILTER (WHERE p.state IN ('failed', 'aborted', 'skipped')) AS not_done,
       sum(p.cost) AS cost, coalesce(sum(p.cost) FILTER (WHERE p.state = 'done'), 0) AS cost_done
FROM federation.jobs j
LEFT JOIN federation.federation_plan_moves p ON p.plan_id = j.job_id
WHERE j.kind IN ('drain', 'plan')
GROUP BY j.job_id;
COMMENT ON VIEW federation.federation_plans IS
    'Every drain and plan (legacy, rebalance): its job''s state and driver, and its moves counted by state (done, moving, pending, failed/aborted/skipped) with their cost planned and done; federation_plan_moves has each move. What fedgate plan list and GET /admin/v1/plans show.';

CREATE OR REPLACE VIEW federation.federation_move_objects AS
SELECT o.move_id, o.node_id::text AS node_id, o.kind, o.name, o.recorded_at AS recorded, o.dropped_at AS dropped
FROM federation.move_objects o;
COMMENT ON VIEW federation.federation_move_objects IS
    'What each move made on its nodes (publication, slot, subscription, the target''s copy), when it was recorded (before it was made) and dropped.';

-- replicas
CREATE OR REPLACE VIEW federation.federation_replica_status AS
SELECT r.replica_id, r.node_id::text AS node_id, r.max_lag,
       federation.health_state(r.healthy, r.checked_at) AS health, r.usable AND
           federation.health_state(r.healthy, r.checked_at) = 'healthy' AS serving_reads,
       r.lag_bytes, r.lag_seconds, r.replay_lsn, r.last_error, r.checked_at AS last_check_at,
       r.region::text AS region, r.residency_override
FROM federation.federation_replicas r;
COMMENT ON VIEW federation.federation_replica_status IS
    'One row per replica: health, whether it serves reads, replay lag (bytes, seconds) and position at the last check, last error, its region and residency override. No database URL.';

-- legacy
CREATE OR REPLACE VIEW federation.federation_legacy_usage AS
SELECT u.tenant_id, u.client,
       sum(u.requests) FILTER (WHERE u.period >= now() - interval '1 hour') AS requests_1h,
       sum(u.requests) FILTER (WHERE u.period >= now() - interval '24 hours') AS requests_24h,
       sum(u.requests) AS requests_7d,
       sum(u.refused) FILTER (WHERE u.period >= now() - interval '24 hours') AS refused_24h,
       max(u.last_seen) AS last_seen
FROM federation.legacy_usage u
WHERE u.period >= now() - interval '7 days'
GROUP BY u.tenant_id, u.client;
COMMENT ON VIEW federation.federation_legacy_usage IS
    'Who still calls the legacy namespace: per tenant (NULL: calls that name none) and client (the token''s role and subject), requests over the last hour, 24 hours and 7 days, those refused (410) in 24 hours, and when it was last seen.';

-- residency
CREATE OR REPLACE VIEW federation.federation_residency_events AS
SELECT e.event_id, e.at, e.actor, e.tenant_id, e.action, e.node_id, e.region, e.decision, e.regions, e.reason
FROM federation.residency_events e;
COMMENT ON VIEW federation.federation_residency_events IS
    'Every residency decision: a policy set, cleared or planned with a move; an override (route, placement, move, drain, replica) with its reason; a refusal made through fedgate (CLI, admin API, jobs). Who, when, tenant, node and region, the policy.';

-- tenant_stats
CREATE OR REPLACE VIEW federation.federation_tenant_stats AS
WITH recent AS (
    SELECT s.node_id, s.tenant_id,
           sum(s.requests) FILTER (WHERE s.period >= date_trunc('minute', now()) - interval '1 minute') AS requests_1m,
           sum(s.requests) FILTER (WHERE s.period >= date_trunc('minute', now()) - interval '10 minutes') AS requests_10m,
           sum(s.requests) FILTER (WHERE s.period >= now() - interval '1 hour') AS requests_1h,
           sum(s.requests) AS requests_24h,
           sum(s.errors) FILTER (WHERE s.period >= now() - interval '1 hour') AS errors_1h,
           sum(s.total_ms) FILTER (WHERE s.period >= now() - interval '1 hour') AS total_ms_1h,
           max(s.max_ms) FILTER (WHERE s.period >= now() - interval '1 hour') AS max_ms_1h,
           sum(s.throttled) FILTER (WHERE s.period >= now() - interval '1 hour') AS throttled_1h
    FROM federation.tenant_request_stats s
    WHERE s.period >= now() - interval '1 day'
    GROUP BY s.node_id, s.tenant_id
)
SELECT r.node_id, r.tenant_id, t.name AS tenant_name,
       row_number() OVER (PARTITION BY r.node_id
                          ORDER BY coalesce(r.requests_10m, 0) DESC, coalesce(r.requests_1h, 0) DESC,
                                   r.requests_24h DESC, r.tenant_id) AS rank_on_node,
       coalesce(r.requests_1m, 0) AS requests_1m, coalesce(r.requests_10m, 0) AS requests_10m,
       coalesce(r.requests_1h, 0) AS requests_1h, r.requests_24h,
       coalesce(r.errors_1h, 0) AS errors_1h,
       round((r.total_ms_1h / nullif(r.requests_1h, 0))::numeric, 2) AS avg_ms_1h,
       round(r.max_ms_1h::numeric, 2) AS max_ms_1h,
       coalesce(r.throttled_1h, 0) AS throttled_1h
FROM recent r
LEFT JOIN federation.tenant_registry t ON t.id = r.tenant_id;
COMMENT ON VIEW federation.federation_tenant_stats IS
    'The busiest tenants per node (rank_on_node 1 first, by the last 10 minutes): requests over the last minute, 10 minutes, hour and day, errors, mean and worst latency (ms) over the hour, requests throttled (429) over the hour, as the gateways reported them.';

-- routing rules
CREATE OR REPLACE VIEW federation.federation_rule_problems AS
SELECT r.tenant_id, r.region::text AS region, r.node_id::text AS node_id, m.primary_node_id::text AS tenant_node,
       r.weight, r.is_primary,
       format('the rule sends tenant %s''s %s requests to %s, which does not hold its data (its node is %s): '
              'remove the rule, move the tenant, or add it again with --shared-data if %s serves the same database',
              r.tenant_id, r.region, r.node_id, m.primary_node_id, r.node_id) AS problem
FROM federation.federation_routing r
JOIN federation.tenant_federation_map m ON m.tenant_id = r.tenant_id
WHERE r.node_id <> m.primary_node_id AND NOT r.shared_data;
COMMENT ON VIEW federation.federation_rule_problems IS
    'Routing rules that name a node other than the tenant''s without the shared-data declaration (rules of earlier releases, direct inserts): their requests are answered 503 FGW513 when that node lacks the rows. What fedgate doctor lists.';

-- limits
CREATE OR REPLACE VIEW federation.federation_tenant_limits AS
SELECT l.tenant_id, t.name AS tenant_name, l.requests_per_second, l.burst, l.max_inflight,
       (SELECT coalesce(sum(g.workers), 0) FROM federation.gateway_instances g
        WHERE g.stopped_at IS NULL AND g.last_seen_at > now() - g.ttl) AS fleet_workers,
       l.set_by, l.set_at
FROM federation.tenant_limits l
LEFT JOIN federation.tenant_registry t ON t.id = l.tenant_id;
COMMENT ON VIEW federation.federation_tenant_limits IS
    'Every tenant quota: requests a second and burst, and handler calls in flight, for the whole fleet; the live workers they are shared over (each holds the limit divided by them, at least one call in flight), who set them and when.';

-- gateway instances
CREATE OR REPLACE VIEW federation.federation_gateways AS
SELECT g.instance_id, g.host, g.pid, g.version, g.workers, g.started_at AS started, g.last_seen_at AS last_seen,
       g.stopped_at IS NULL AND g.last_seen_at > now() - g.ttl AS alive,
       CASE WHEN g.stopped_at IS NOT NULL THEN 'stopped'
            WHEN g.last_seen_at > now() - g.ttl THEN 'alive' ELSE 'gone' END AS state,
       g.ttl, g.stopped_at AS stopped
FROM federation.gateway_instances g;
COMMENT ON VIEW federation.federation_gateways IS
    'The fleet''s gateway instances: host, pid, version, workers, started, last seen, and alive (seen within its TTL and not stopped) with its state: alive, gone (not seen for its TTL) or stopped; what fedgate gateway list, GET /admin/v1/gateways and the status page show.';
