-- Plans of moves (control migration 016): one planner, whose plans a job drives as a drain's.
--
--   tenant_load(by, node)             each mapped tenant's load (rows measured, or requests in the last hour)
--   region_loads(region, by)          each active, serving node's load, capacity and share of its region
--   rebalance_plan(region, by, threshold, max_moves)   the fewest, smallest moves that even a region out
--   rebalance_spread(region, by, threshold, max_moves) each node's load before and after that plan
--   plan_moves(kind, node, region, by, threshold, max_moves)   drain | legacy | rebalance: (tenant, source, target, cost, why)
--   start_plan(kind, parallel, max_rows_per_s, region, by, threshold, max_moves)   a plan job and its moves, recorded
--   record_plan(job, kind, node, ...)  a plan's moves written as the job's items
--   plan_job_moves(job)               the moves of a plan job still to start (a takeover resumes there)
--   plan_left(job)                    what keeps it from being done
--
-- The default node takes no part in a rebalance: its tenants leave it by the legacy plan.

CREATE OR REPLACE FUNCTION federation.plan_setting(p_by text, p_threshold numeric, p_max_moves integer)
RETURNS void
LANGUAGE plpgsql IMMUTABLE
AS $$
BEGIN
    IF p_by IS NULL OR p_by NOT IN ('rows', 'requests') THEN
        RAISE EXCEPTION 'a rebalance is by rows or requests, not %', coalesce(p_by, '(none)') USING ERRCODE = 'FG400';
    ELSIF p_threshold IS NULL OR p_threshold <= 0 OR p_threshold >= 1 THEN
        RAISE EXCEPTION 'a rebalance''s threshold is a fraction between 0 and 1, not %', coalesce(p_threshold::text, '(none)')
            USING ERRCODE = 'FG400';
    ELSIF p_max_moves IS NOT NULL AND p_max_moves NOT BETWEEN 1 AND 100000 THEN
        RAISE EXCEPTION 'a rebalance makes 1 to 100000 moves, not %', p_max_moves USING ERRCODE = 'FG400';
    END IF;
END
$$;
COMMENT ON FUNCTION federation.plan_setting(text, numeric, integer) IS
    'Checks a rebalance''s settings: by rows or requests, a threshold in (0, 1), at most 1 to 100000 moves. FG400 otherwise.';

CREATE OR REPLACE FUNCTION federation.tenant_load(p_by text, p_node text DEFAULT NULL)
RETURNS TABLE (tenant_id uuid, node_id text, region text, cost bigint, pinned boolean, residency text[], moving boolean)
LANGUAGE sql STABLE
AS $$
    SELECT m.tenant_id, m.primary_node_id::text, m.primary_region::text,
           CASE WHEN p_by = 'rows' THEN coalesce(s.rows, 0) ELSE coalesce(q.requests, 0) END::bigint,
           EXISTS (SELECT 1 FROM federation.federation_routing r
                   WHERE r.tenant_id = m.tenant_id AND r.node_id = m.primary_node_id AND r.pinned),
           m.residency,
           EXISTS (SELECT 1 FROM federation.tenant_moves x
                   WHERE x.tenant_id = m.tenant_id AND x.state NOT IN ('done', 'aborted', 'failed'))
    FROM federation.tenant_federation_map m
    LEFT JOIN federation.tenant_sizes s ON s.tenant_id = m.tenant_id AND p_by = 'rows'
    LEFT JOIN (SELECT r.tenant_id, sum(r.requests) AS requests FROM federation.tenant_request_stats r
               WHERE p_by = 'requests' AND r.period >= now() - interval '1 hour'
                 AND (p_node IS NULL OR r.node_id = p_node)
               GROUP BY r.tenant_id) q ON q.tenant_id = m.tenant_id
    WHERE p_node IS NULL OR m.primary_node_id = p_node;
$$;
COMMENT ON FUNCTION federation.tenant_load(text, text) IS
    'Each mapped tenant (of one node, or all): its load by rows (its measured size, tenant_sizes) or requests (served in the last hour, federation_tenant_stats), whether a pinned rule keeps it on its node, its residency, whether a move of it is open.';

CREATE OR REPLACE FUNCTION federation.region_loads(p_region text, p_by text)
RETURNS TABLE (region text, node_id text, capacity integer, load bigint, share double precision)
LANGUAGE sql STABLE
AS $$
    WITH nodes AS (
        SELECT n.region::text AS region, n.node_id::text AS node_id, n.capacity,
               coalesce((SELECT sum(t.cost) FROM federation.tenant_load(p_by, n.node_id) t), 0)::bigint AS load
        FROM federation.federation_nodes n
        WHERE (p_region IS NULL OR n.region = p_region) AND n.node_id <> 'default' AND n.status = 'active'
          AND federation.node_serving(n.status, n.unhealthy_checked_at))
    SELECT x.region, x.node_id, x.capacity, x.load,
           sum(x.load) OVER w * x.capacity / sum(x.capacity) OVER w
    FROM nodes x
    WINDOW w AS (PARTITION BY x.region)
    ORDER BY x.region, x.node_id;
$$;
COMMENT ON FUNCTION federation.region_loads(text, text) IS
    'Each active, serving node of a region (or all regions) but the default node: its capacity, its load (the sum of its tenants'' tenant_load) and its share of the region''s load (the region''s total times its capacity over the region''s).';

CREATE OR REPLACE FUNCTION federation.rebalance_plan(p_region text, p_by text DEFAULT 'rows',
                                                    p_threshold numeric DEFAULT 0.1, p_max_moves integer DEFAULT NULL)
RETURNS TABLE (tenant_id uuid, source_node text, target_node text, cost bigint, why text)
LANGUAGE plpgsql STABLE
AS $$
DECLARE
    v_region text;
    v_nodes text[];
    v_loads double precision[];
    v_shares double precision[];
    v_moved uuid[] := '{}';
    v_made integer := 0;
    v_src integer;
    v_dst integer;
    v_need double precision;
    v_room double precision;
    v_tenant uuid;
    v_cost bigint;
BEGIN
    PERFORM federation.plan_setting(p_by, p_threshold, p_max_moves);
    IF p_region IS NOT NULL AND NOT EXISTS (SELECT 1 FROM federation.federation_nodes n WHERE n.region = p_region) THEN
        RAISE EXCEPTION 'unknown region: %', p_region USING ERRCODE = 'FG404';
    END IF;
    FOR v_region IN SELECT DISTINCT l.region FROM federation.region_loads(p_region, p_by) l ORDER BY 1 LOOP
        SELECT array_agg(l.node_id ORDER BY l.node_id), array_agg(l.load ORDER BY l.node_id),
               array_agg(l.share ORDER BY l.node_id)
        INTO v_nodes, v_loads, v_shares FROM federation.region_loads(v_region, p_by) l;
        CONTINUE WHEN cardinality(v_nodes) < 2 OR v_shares[1] = 0;
        LOOP
            EXIT WHEN p_max_moves IS NOT NULL AND v_made >= p_max_moves;
            -- The most loaded and the least loaded node against their shares.
            SELECT i INTO v_src FROM generate_subscripts(v_nodes, 1) i
            ORDER BY v_loads[i] / v_shares[i] DESC, v_nodes[i] LIMIT 1;
            SELECT i INTO v_dst FROM generate_subscripts(v_nodes, 1) i
            ORDER BY v_loads[i] / v_shares[i], v_nodes[i] LIMIT 1;
            EXIT WHEN v_loads[v_src] <= v_shares[v_src] * (1 + p_threshold)
                  AND v_loads[v_dst] >= v_shares[v_dst] * (1 - p_threshold);
            -- The tenant whose cost comes closest to what brings one of the two to its share; moving it
            -- must leave the pair more even than it was (a cost below the sum of their distances).
            v_need := least(v_loads[v_src] - v_shares[v_src], v_shares[v_dst] - v_loads[v_dst]);
            v_room := (v_loads[v_src] - v_shares[v_src]) + (v_shares[v_dst] - v_loads[v_dst]);
            SELECT t.tenant_id, t.cost INTO v_tenant, v_cost
            FROM federation.tenant_load(p_by, v_nodes[v_src]) t
            WHERE t.cost > 0 AND t.cost < v_room AND NOT t.pinned AND NOT t.moving
              AND t.tenant_id <> ALL (v_moved)
              AND (t.residency IS NULL OR v_region = ANY (t.residency))
            ORDER BY abs(t.cost - v_need), t.cost, t.tenant_id
            LIMIT 1;
            EXIT WHEN NOT FOUND;
            v_moved := v_moved || v_tenant;
            v_made := v_made + 1;
            v_loads[v_src] := v_loads[v_src] - v_cost;
            v_loads[v_dst] := v_loads[v_dst] + v_cost;
            tenant_id := v_tenant;
            source_node := v_nodes[v_src];
            target_node := v_nodes[v_dst];
            cost := v_cost;
            why := format('rebalance %s by %s: %s is %s%% of its share, %s is %s%%', v_region, p_by,
                          v_nodes[v_src], round((v_loads[v_src] + v_cost) * 100 / v_shares[v_src]),
                          v_nodes[v_dst], round((v_loads[v_dst] - v_cost) * 100 / v_shares[v_dst]));
            RETURN NEXT;
        END LOOP;
    END LOOP;
END
$$;
COMMENT ON FUNCTION federation.rebalance_plan(text, text, numeric, integer) IS
    'The moves that bring every active node of a region (or each region) within p_threshold of its share of the region''s load, by rows or requests (region_loads): from the most to the least loaded node against its share, each time the tenant whose cost comes closest to what either needs, so the fewest and smallest tenants move. Never a tenant a pinned rule keeps, one with an open move, or one whose residency excludes the region. Stops at p_max_moves, or when no move would even the pair out.';

CREATE OR REPLACE FUNCTION federation.rebalance_spread(p_region text, p_by text DEFAULT 'rows',
                                                      p_threshold numeric DEFAULT 0.1, p_max_moves integer DEFAULT NULL)
RETURNS TABLE (region text, node_id text, capacity integer, share double precision, load_before bigint,
               load_after bigint, within_before boolean, within_after boolean)
LANGUAGE sql STABLE
AS $$
    WITH plan AS (SELECT * FROM federation.rebalance_plan(p_region, p_by, p_threshold, p_max_moves)),
    after AS (
        SELECT l.region, l.node_id, l.capacity, l.share, l.load,
               l.load - coalesce((SELECT sum(p.cost) FROM plan p WHERE p.source_node = l.node_id), 0)
                      + coalesce((SELECT sum(p.cost) FROM plan p WHERE p.target_node = l.node_id), 0) AS after
        FROM federation.region_loads(p_region, p_by) l)
    SELECT a.region, a.node_id, a.capacity, a.share, a.load, a.after::bigint,
           abs(a.load - a.share) <= p_threshold * a.share, abs(a.after - a.share) <= p_threshold * a.share
    FROM after a ORDER BY a.region, a.node_id;
$$;
COMMENT ON FUNCTION federation.rebalance_spread(text, text, numeric, integer) IS
    'Each node''s load before and after rebalance_plan''s moves, against its share, and whether each is within the threshold: what fedgate rebalance --dry-run prints.';

CREATE OR REPLACE FUNCTION federation.plan_moves(p_kind text, p_node text DEFAULT NULL, p_region text DEFAULT NULL,
                                                p_by text DEFAULT 'rows', p_threshold numeric DEFAULT 0.1,
                                                p_max_moves integer DEFAULT NULL)
RETURNS TABLE (tenant_id uuid, source_node text, target_node text, cost bigint, why text)
LANGUAGE plpgsql STABLE
AS $$
BEGIN
    IF p_kind IN ('drain', 'legacy') THEN
        IF p_kind = 'drain' AND p_node IS NULL THEN
            RAISE EXCEPTION 'a drain plan names its node' USING ERRCODE = 'FG400';
        END IF;
        RETURN QUERY
        SELECT d.tenant_id, coalesce(p_node, 'default'), d.target_node, s.rows,
               CASE WHEN d.target_node IS NULL THEN 'no other active node in its region and residency'
                    WHEN p_kind = 'drain' THEN format('drain %s', p_node)
                    ELSE format('legacy: to its home region %s', r.region) END
        FROM federation.drain_plan(CASE p_kind WHEN 'drain' THEN p_node ELSE 'default' END) d
        JOIN federation.tenant_registry r ON r.id = d.tenant_id
        LEFT JOIN federation.tenant_sizes s ON s.tenant_id = d.tenant_id
        ORDER BY d.tenant_id;
    ELSIF p_kind = 'rebalance' THEN
        RETURN QUERY SELECT * FROM federation.rebalance_plan(p_region, p_by, p_threshold, p_max_moves);
    ELSE
        RAISE EXCEPTION 'a plan is a drain, legacy or rebalance, not %', coalesce(p_kind, '(none)')
            USING ERRCODE = 'FG400';
    END IF;
END
$$;
COMMENT ON FUNCTION federation.plan_moves(text, text, text, text, numeric, integer) IS
    'The one planner: (tenant, source, target, cost, why) for a drain of p_node (each tenant to an active node of its region, drain_plan), legacy (every tenant whose data is on the default node to an active node of its home region, inside its residency) or rebalance (rebalance_plan). A NULL target: the tenant has nowhere to go. Cost: its measured rows (tenant_sizes), or for a rebalance by requests its requests in the last hour.';

CREATE OR REPLACE FUNCTION federation.record_plan(p_job bigint, p_kind text, p_node text DEFAULT NULL,
                                                 p_region text DEFAULT NULL, p_by text DEFAULT 'rows',
                                                 p_threshold numeric DEFAULT 0.1, p_max_moves integer DEFAULT NULL)
RETURNS integer
LANGUAGE plpgsql
AS $$
DECLARE
    v_stranded uuid[];
    v_count integer;
BEGIN
    WITH p AS MATERIALIZED (
        SELECT * FROM federation.plan_moves(p_kind, p_node, p_region, p_by, p_threshold, p_max_moves)
                      WITH ORDINALITY AS p(tenant_id, source_node, target_node, cost, why, position)),
    written AS (
        INSERT INTO federation.plan_items (job_id, position, tenant_id, source_node, target_node, cost, why)
        SELECT p_job, p.position, p.tenant_id, p.source_node, p.target_node, p.cost, p.why
        FROM p WHERE p.target_node IS NOT NULL
        RETURNING 1)
    SELECT array_agg(p.tenant_id ORDER BY p.tenant_id) FILTER (WHERE p.target_node IS NULL),
           (SELECT count(*) FROM written)
    INTO v_stranded, v_count FROM p;
    IF v_stranded IS NOT NULL THEN  -- raised: what was written goes with the transaction
        RAISE EXCEPTION '% tenants have no active node to go to in their region and residency (first: %)',
            cardinality(v_stranded), v_stranded[1]
            USING ERRCODE = 'FG409', DETAIL = array_to_string(v_stranded[1:20], ','),
                  HINT = 'add a node to their region, then plan again';
    END IF;
    RETURN v_count;
END
$$;
COMMENT ON FUNCTION federation.record_plan(bigint, text, text, text, text, numeric, integer) IS
    'Writes plan_moves'' moves as a job''s items, in order; the number of moves. FG409 (DETAIL: up to 20 of them) when a tenant has nowhere to go: nothing is written.';

CREATE OR REPLACE FUNCTION federation.start_plan(p_kind text, p_parallel integer DEFAULT 1,
                                                p_max_rows_per_s integer DEFAULT NULL, p_region text DEFAULT NULL,
                                                p_by text DEFAULT 'rows', p_threshold numeric DEFAULT 0.1,
                                                p_max_moves integer DEFAULT NULL)
RETURNS federation.jobs
LANGUAGE plpgsql
AS $$
DECLARE
    v_job federation.jobs;
    v_count integer;
BEGIN
    IF p_kind IS NULL OR p_kind NOT IN ('legacy', 'rebalance') THEN
        RAISE EXCEPTION 'a plan job is legacy or rebalance, not % (a drain: start_drain)', coalesce(p_kind, '(none)')
            USING ERRCODE = 'FG400';
    ELSIF p_parallel IS NULL OR p_parallel NOT BETWEEN 1 AND 16 THEN
        RAISE EXCEPTION 'a plan moves 1 to 16 tenants at once, not %', p_parallel USING ERRCODE = 'FG400';
    ELSIF p_max_rows_per_s IS NOT NULL AND p_max_rows_per_s < 1 THEN
        RAISE EXCEPTION 'a pace is at least 1 row per second, not %', p_max_rows_per_s USING ERRCODE = 'FG400';
    END IF;
    IF p_kind = 'rebalance' THEN
        PERFORM federation.plan_setting(p_by, p_threshold, p_max_moves);
    END IF;
    BEGIN
        v_job := federation.enqueue_job('plan', CASE p_kind WHEN 'legacy' THEN 'legacy tenants to their home regions'
                                                ELSE format('rebalance %s by %s', coalesce(p_region, 'every region'), p_by) END,
                                        NULL, NULL, jsonb_strip_nulls(jsonb_build_object(
                                            'plan', p_kind, 'parallel', p_parallel, 'maxRowsPerS', p_max_rows_per_s,
                                            'region', p_region,
                                            'by', CASE WHEN p_kind = 'rebalance' THEN p_by END,
                                            'threshold', CASE WHEN p_kind = 'rebalance' THEN p_threshold END,
                                            'maxMoves', p_max_moves)));
    EXCEPTION WHEN unique_violation THEN
        SELECT * INTO v_job FROM federation.jobs j WHERE j.kind = 'plan' AND j.params ->> 'plan' = p_kind
          AND coalesce(j.params ->> 'region', '') = coalesce(p_region, '') AND j.state IN ('pending', 'running');
        RAISE EXCEPTION 'a % plan is already open: job %', p_kind, v_job.job_id USING ERRCODE = 'FG409',
            DETAIL = v_job.job_id::text, HINT = 'resume it (the same command resumes an open plan) or watch federation_plans';
    END;
    v_count := federation.record_plan(v_job.job_id, p_kind, NULL, p_region, p_by, p_threshold, p_max_moves);
    UPDATE federation.jobs j SET subject = left(format('%s: %s moves', j.subject, v_count), 255)
    WHERE j.job_id = v_job.job_id RETURNING * INTO v_job;
    RETURN v_job;
END
$$;
COMMENT ON FUNCTION federation.start_plan(text, integer, integer, text, text, numeric, integer) IS
    'Records a plan job (legacy: every tenant on the default node home; rebalance: a region evened out) and its moves (record_plan), which any live gateway drives, p_parallel at once, at most p_max_rows_per_s rows a second when given. FG400 bad settings, FG409 (DETAIL: its job) one of the kind (and region) is open, or a tenant has nowhere to go.';

CREATE OR REPLACE FUNCTION federation.open_plan(p_kind text, p_region text DEFAULT NULL)
RETURNS SETOF federation.jobs
LANGUAGE sql STABLE
AS $$
    SELECT * FROM federation.jobs j
    WHERE j.kind = 'plan' AND j.params ->> 'plan' = p_kind AND coalesce(j.params ->> 'region', '') = coalesce(p_region, '')
      AND j.state IN ('pending', 'running');
$$;
COMMENT ON FUNCTION federation.open_plan(text, text) IS 'The open plan job of a kind (and region), if any: what running the same command again resumes.';

CREATE OR REPLACE FUNCTION federation.plan_job_moves(p_job bigint)
RETURNS TABLE (tenant_id uuid, source_node text, target_node text, cost bigint)
LANGUAGE plpgsql
AS $$
DECLARE
    v_job federation.jobs;
BEGIN
    SELECT * INTO v_job FROM federation.jobs j WHERE j.job_id = p_job;
    IF NOT FOUND OR v_job.kind NOT IN ('drain', 'plan') THEN
        RAISE EXCEPTION 'no drain or plan job %', p_job USING ERRCODE = 'FG404';
    END IF;
    -- A drain recorded before plans had items: its moves are recorded now, as its plan stands.
    IF v_job.kind = 'drain' AND NOT EXISTS (SELECT 1 FROM federation.plan_items i WHERE i.job_id = p_job) THEN
        INSERT INTO federation.plan_items (job_id, position, tenant_id, source_node, target_node, cost, why)
        SELECT p_job, p.position, p.tenant_id, p.source_node, p.target_node, p.cost, p.why
        FROM federation.plan_moves('drain', v_job.node_id)
             WITH ORDINALITY AS p(tenant_id, source_node, target_node, cost, why, position)
        WHERE p.target_node IS NOT NULL;
    END IF;
    RETURN QUERY
    SELECT i.tenant_id, i.source_node, i.target_node, i.cost
    FROM federation.plan_items i
    WHERE i.job_id = p_job AND i.move_id IS NULL
      AND federation.move_source(i.tenant_id) = i.source_node
      AND NOT EXISTS (SELECT 1 FROM federation.tenant_moves x
                      WHERE x.tenant_id = i.tenant_id AND x.state NOT IN ('done', 'aborted', 'failed'))
    ORDER BY i.position;
END
$$;
COMMENT ON FUNCTION federation.plan_job_moves(bigint) IS
    'The moves of a drain or plan job still to start, in order: never started, the tenant still on its planned source and not moving. A move started is not repeated; one whose tenant left meanwhile is skipped.';

CREATE OR REPLACE FUNCTION federation.plan_left(p_job bigint)
RETURNS integer
LANGUAGE sql
AS $$
    SELECT ((SELECT count(*) FROM federation.plan_job_moves(p_job))
          + (SELECT count(*) FROM federation.jobs j WHERE j.parent_id = p_job AND j.state IN ('pending', 'running'))
          + (SELECT count(*) FROM federation.plan_items i JOIN federation.tenant_moves m ON m.move_id = i.move_id
             WHERE i.job_id = p_job AND m.state IN ('failed', 'aborted'))
          + (SELECT count(*) FROM federation.jobs j, federation.drain_plan(j.node_id) d
             WHERE j.job_id = p_job AND j.kind = 'drain'
               AND NOT EXISTS (SELECT 1 FROM federation.plan_items i WHERE i.job_id = p_job AND i.tenant_id = d.tenant_id)))::integer;
$$;
COMMENT ON FUNCTION federation.plan_left(bigint) IS
    'What keeps a drain or plan from being done: its moves still to start, open, failed or aborted, and for a drain the tenants on its node it did not plan (0: done).';
