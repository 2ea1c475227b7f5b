-- Durable jobs (control migration 010): recorded by whoever starts them, driven by whoever holds
-- their lease. A driver is named by its owner text (a gateway worker: instance/pid; the CLI:
-- cli/host/pid) and, for gateways, its instance (whose share of jobs is bounded).
--
--   enqueue_job(kind, subject, move, node, params, parent)   record a job (start_move and start_drain do)
--   claim_jobs(owner, instance, most, lease)                 a gateway takes claimable jobs, up to its instance's bound
--   claim_job(job, owner, instance, lease)                   one job, by id (the CLI that started it, a drain's moves)
--   renew_jobs(owner, lease, jobs)                           the jobs this driver still holds, their leases renewed
--   release_jobs(owner) / release_job(job, owner)            handed back (a graceful stop): claimable at once
--   retry_job(job, owner, step, error, attempts, backoff)    a failed attempt: again after a backoff, or failed
--   finish_job(job, owner, state, error)                     done, failed or aborted
--   requeue_job(job)                                         a failed job (its work still open) tried again
--   start_drain(node, parallel)                              a node goes draining and a drain job is recorded
--   record_move_object / drop_move_object                    what a move makes, before it makes it

CREATE OR REPLACE FUNCTION federation.job_actor()
RETURNS text
LANGUAGE sql STABLE
AS $$ SELECT left(coalesce(nullif(current_setting('fedgate.actor', true), ''), session_user::text), 255) $$;
COMMENT ON FUNCTION federation.job_actor() IS
    'Who starts a job: the fedgate.actor setting the CLI and the admin API give (cli:user@host, operator:<token sub>), else the database login (psql).';

CREATE OR REPLACE FUNCTION federation.enqueue_job(p_kind text, p_subject text, p_move bigint DEFAULT NULL,
                                                 p_node text DEFAULT NULL, p_params jsonb DEFAULT '{}'::jsonb,
                                                 p_parent bigint DEFAULT NULL)
RETURNS federation.jobs
LANGUAGE plpgsql
AS $$
DECLARE
    v_row federation.jobs;
BEGIN
    INSERT INTO federation.jobs (kind, subject, move_id, node_id, params, parent_id, created_by)
    VALUES (p_kind, left(p_subject, 255), p_move, p_node, coalesce(p_params, '{}'::jsonb), p_parent,
            federation.job_actor())
    RETURNING * INTO v_row;
    RETURN v_row;
END
$$;
COMMENT ON FUNCTION federation.enqueue_job(text, text, bigint, text, jsonb, bigint) IS
    'Records a job, pending: claimable at once (gateway workers look every FEDGATE_JOB_POLL seconds).';

CREATE OR REPLACE FUNCTION federation.lease_jobs(p_jobs bigint[], p_owner text, p_instance text, p_lease interval)
RETURNS SETOF federation.jobs
LANGUAGE sql
AS $$
    UPDATE federation.jobs j SET state = 'running', owner = p_owner, owner_instance = p_instance,
                                 lease_until = now() + p_lease, updated_at = now(),
                                 started_at = coalesce(j.started_at, now())
    WHERE j.job_id = ANY (p_jobs)
    RETURNING j.*;
$$;
COMMENT ON FUNCTION federation.lease_jobs(bigint[], text, text, interval) IS
    'The one lease of claim_jobs and claim_job: these jobs running, driven by p_owner (of p_instance) for p_lease. Its callers decide which jobs may be claimed.';

CREATE OR REPLACE FUNCTION federation.claim_jobs(p_owner text, p_instance text, p_most integer, p_lease interval)
RETURNS SETOF federation.jobs
LANGUAGE plpgsql
AS $$
DECLARE
    v_held integer;
BEGIN
    -- One claim at a time per instance (its workers claim too): the bound holds.
    PERFORM pg_advisory_xact_lock(hashtext('fedgate.jobs'), hashtext(p_instance));
    SELECT count(*) INTO v_held FROM federation.jobs j
    WHERE j.owner_instance = p_instance AND j.state = 'running' AND j.lease_until > now() AND j.parent_id IS NULL;
    RETURN QUERY
    SELECT * FROM federation.lease_jobs(ARRAY(
        SELECT c.job_id FROM federation.jobs c
        WHERE c.state IN ('pending', 'running') AND (c.lease_until IS NULL OR c.lease_until < now())
          AND c.not_before <= now()
          AND (c.parent_id IS NULL  -- a drain's moves are its driver's, unless the drain has ended
               OR NOT EXISTS (SELECT 1 FROM federation.jobs p WHERE p.job_id = c.parent_id
                              AND p.state IN ('pending', 'running')))
        ORDER BY c.not_before, c.job_id
        LIMIT greatest(p_most - v_held, 0)
        FOR UPDATE SKIP LOCKED), p_owner, p_instance, p_lease);
END
$$;
COMMENT ON FUNCTION federation.claim_jobs(text, text, integer, interval) IS
    'A gateway worker claims jobs that are pending or whose lease lapsed (oldest first, never one another driver is claiming: SKIP LOCKED), so that its instance holds at most p_most; each leased for p_lease.';

CREATE OR REPLACE FUNCTION federation.claim_job(p_job bigint, p_owner text, p_instance text, p_lease interval)
RETURNS federation.jobs
LANGUAGE plpgsql
AS $$
DECLARE
    v_row federation.jobs;
BEGIN
    SELECT * INTO v_row FROM federation.jobs j WHERE j.job_id = p_job FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no job %', p_job USING ERRCODE = 'FG404';
    ELSIF v_row.state NOT IN ('pending', 'running') THEN
        RAISE EXCEPTION 'job % is %', p_job, v_row.state USING ERRCODE = 'FG409',
            HINT = 'a failed job is tried again with requeue_job (fedgate tenant move --resume)';
    ELSIF v_row.state = 'running' AND v_row.owner <> p_owner AND v_row.lease_until >= now() THEN
        RAISE EXCEPTION 'job % is driven by % (its lease runs until %)', p_job, v_row.owner, v_row.lease_until
            USING ERRCODE = 'FG409', DETAIL = v_row.lease_until::text,
                  HINT = 'watch it (federation_jobs) or abort its move; a dead driver''s lease lapses by itself';
    END IF;
    SELECT * INTO v_row FROM federation.lease_jobs(ARRAY[p_job], p_owner, p_instance, p_lease);
    RETURN v_row;
END
$$;
COMMENT ON FUNCTION federation.claim_job(bigint, text, text, interval) IS
    'Claims one job by id: pending, its lease lapsed, or already this owner''s. FG409 (DETAIL: the lease''s end) while another driver holds it, or when it has ended.';

CREATE OR REPLACE FUNCTION federation.renew_jobs(p_owner text, p_lease interval, p_jobs bigint[])
RETURNS SETOF bigint
LANGUAGE sql
AS $$
    UPDATE federation.jobs j SET lease_until = now() + p_lease
    WHERE j.owner = p_owner AND j.state = 'running' AND j.job_id = ANY (p_jobs)
    RETURNING j.job_id;
$$;
COMMENT ON FUNCTION federation.renew_jobs(text, interval, bigint[]) IS
    'A driver''s heartbeat for the jobs it drives now: their leases renewed; the ids it still holds (one missing was taken over or ended: stop driving it). A job whose driving thread ended without ending it is not renewed: it lapses, and another driver takes it.';

CREATE OR REPLACE FUNCTION federation.release_job(p_job bigint, p_owner text)
RETURNS boolean
LANGUAGE sql
AS $$
    WITH released AS (
        UPDATE federation.jobs j SET state = 'pending', owner = NULL, owner_instance = NULL, lease_until = NULL,
                                     not_before = now(), updated_at = now()
        WHERE j.owner = p_owner AND j.state = 'running' AND (p_job IS NULL OR j.job_id = p_job)
        RETURNING 1)
    SELECT count(*) > 0 FROM released;
$$;
COMMENT ON FUNCTION federation.release_job(bigint, text) IS
    'Hands a job back (NULL: every job of the owner): pending and claimable at once, not after its lease.';

CREATE OR REPLACE FUNCTION federation.release_jobs(p_owner text)
RETURNS boolean
LANGUAGE sql
AS $$ SELECT federation.release_job(NULL, p_owner) $$;
COMMENT ON FUNCTION federation.release_jobs(text) IS
    'Hands back every job a driver holds (a gateway stopping, a CLI interrupted): the fleet takes them on at once.';

CREATE OR REPLACE FUNCTION federation.retry_job(p_job bigint, p_owner text, p_step text, p_error text,
                                               p_attempts integer, p_backoff interval)
RETURNS federation.jobs
LANGUAGE plpgsql
AS $$
DECLARE
    v_row federation.jobs;
BEGIN
    UPDATE federation.jobs j SET
        attempts = CASE WHEN j.step IS NOT DISTINCT FROM p_step THEN j.attempts + 1 ELSE 1 END,
        step = p_step, last_error = left(p_error, 4000), updated_at = now()
    WHERE j.job_id = p_job AND j.owner = p_owner AND j.state = 'running'
    RETURNING * INTO v_row;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'job % is not driven by %', p_job, p_owner USING ERRCODE = 'FG409';
    END IF;
    UPDATE federation.jobs j SET
        state = CASE WHEN j.attempts >= p_attempts THEN 'failed' ELSE 'pending' END,
        finished_at = CASE WHEN j.attempts >= p_attempts THEN now() END,
        owner = NULL, owner_instance = NULL, lease_until = NULL,
        not_before = now() + least(p_backoff * power(2, j.attempts - 1), interval '5 minutes')
    WHERE j.job_id = p_job
    RETURNING * INTO v_row;
    RETURN v_row;
END
$$;
COMMENT ON FUNCTION federation.retry_job(bigint, text, text, text, integer, interval) IS
    'A driver''s attempt failed at a step: counted (the count starts again at a new step); pending again after p_backoff doubled per attempt (at most 5 minutes), or failed with its error once p_attempts failures at one step were counted.';

CREATE OR REPLACE FUNCTION federation.park_job(p_job bigint, p_owner text, p_until timestamptz)
RETURNS federation.jobs
LANGUAGE plpgsql
AS $$
DECLARE
    v_row federation.jobs;
BEGIN
    UPDATE federation.jobs j SET state = 'pending', owner = NULL, owner_instance = NULL, lease_until = NULL,
                                 not_before = greatest(p_until, now()), attempts = 0, step = NULL, updated_at = now()
    WHERE j.job_id = p_job AND j.state = 'running' AND j.owner = p_owner
    RETURNING * INTO v_row;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'job % is not driven by %', p_job, p_owner USING ERRCODE = 'FG409';
    END IF;
    RETURN v_row;
END
$$;
COMMENT ON FUNCTION federation.park_job(bigint, text, timestamptz) IS
    'A job with nothing to do until a moment (a reversible move until its window ends): pending again, claimable then, or at once when request_move wakes it.';

CREATE OR REPLACE FUNCTION federation.finish_job(p_job bigint, p_owner text, p_state text, p_error text DEFAULT NULL)
RETURNS federation.jobs
LANGUAGE plpgsql
AS $$
DECLARE
    v_row federation.jobs;
BEGIN
    IF p_state NOT IN ('done', 'failed', 'aborted') THEN
        RAISE EXCEPTION 'a job ends done, failed or aborted, not %', p_state USING ERRCODE = 'FG400';
    END IF;
    UPDATE federation.jobs j SET state = p_state, last_error = coalesce(left(p_error, 4000), j.last_error),
                                 owner = NULL, owner_instance = NULL, lease_until = NULL,
                                 updated_at = now(), finished_at = now()
    WHERE j.job_id = p_job AND j.state IN ('pending', 'running') AND (j.owner = p_owner OR j.owner IS NULL)
    RETURNING * INTO v_row;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'job % is not open and driven by %', p_job, p_owner USING ERRCODE = 'FG409';
    END IF;
    RETURN v_row;
END
$$;
COMMENT ON FUNCTION federation.finish_job(bigint, text, text, text) IS
    'Ends a job its driver holds (or nobody does) as done, failed or aborted, with an error for the last two.';

CREATE OR REPLACE FUNCTION federation.requeue_job(p_job bigint)
RETURNS federation.jobs
LANGUAGE plpgsql
AS $$
DECLARE
    v_row federation.jobs;
BEGIN
    UPDATE federation.jobs j SET state = 'pending', attempts = 0, step = NULL, not_before = now(),
                                 finished_at = NULL, updated_at = now()
    WHERE j.job_id = p_job AND j.state = 'failed'
      AND (j.move_id IS NULL OR EXISTS (SELECT 1 FROM federation.tenant_moves m WHERE m.move_id = j.move_id
                                        AND m.state NOT IN ('done', 'aborted', 'failed')))
    RETURNING * INTO v_row;
    IF NOT FOUND THEN
        SELECT * INTO v_row FROM federation.jobs j WHERE j.job_id = p_job;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'no job %', p_job USING ERRCODE = 'FG404';
        ELSIF v_row.state NOT IN ('pending', 'running') THEN
            RAISE EXCEPTION 'job % is %: nothing to resume', p_job, v_row.state USING ERRCODE = 'FG409';
        END IF;
    END IF;
    RETURN v_row;
END
$$;
COMMENT ON FUNCTION federation.requeue_job(bigint) IS
    'Resumes a job: a failed one whose work is still open is pending again with its attempts reset; a pending or running one is left as it is. FG409 for one that ended for good.';

CREATE OR REPLACE FUNCTION federation.move_job(p_move bigint)
RETURNS federation.jobs
LANGUAGE plpgsql
AS $$
DECLARE
    v_row federation.jobs;
BEGIN
    SELECT * INTO v_row FROM federation.jobs j WHERE j.move_id = p_move;
    IF NOT FOUND THEN
        IF NOT EXISTS (SELECT 1 FROM federation.tenant_moves m WHERE m.move_id = p_move) THEN
            RAISE EXCEPTION 'no move %', p_move USING ERRCODE = 'FG404';
        END IF;
        RAISE EXCEPTION 'move % has no job', p_move USING ERRCODE = 'FG409';
    END IF;
    RETURN v_row;
END
$$;
COMMENT ON FUNCTION federation.move_job(bigint) IS 'The job that drives a move. FG404 no such move.';

CREATE OR REPLACE FUNCTION federation.start_drain(p_node text, p_parallel integer DEFAULT 1)
RETURNS federation.jobs
LANGUAGE plpgsql
AS $$
DECLARE
    v_stranded uuid[];
    v_count integer;
    v_job federation.jobs;
BEGIN
    IF p_parallel IS NULL OR p_parallel NOT BETWEEN 1 AND 16 THEN
        RAISE EXCEPTION 'a drain moves 1 to 16 tenants at once, not %', p_parallel USING ERRCODE = 'FG400';
    END IF;
    PERFORM federation.set_node_status(p_node, 'draining');
    SELECT array_agg(d.tenant_id ORDER BY d.tenant_id) FILTER (WHERE d.target_node IS NULL), count(*)
    INTO v_stranded, v_count FROM federation.drain_plan(p_node) d;
    IF v_stranded IS NOT NULL THEN
        RAISE EXCEPTION '% tenants of % have no other active node in their region and residency (first: %)',
            cardinality(v_stranded), p_node, v_stranded[1]
            USING ERRCODE = 'FG409', DETAIL = array_to_string(v_stranded[1:20], ','),
                  HINT = 'add a node to their region, then drain again';
    END IF;
    BEGIN
        v_job := federation.enqueue_job('drain', format('drain %s: %s tenants', p_node, v_count), NULL, p_node,
                                        jsonb_build_object('parallel', p_parallel));
    EXCEPTION WHEN unique_violation THEN
        RAISE EXCEPTION 'node % is already being drained', p_node USING ERRCODE = 'FG409',
            HINT = 'SELECT * FROM federation_jobs WHERE kind = ''drain''';
    END;
    PERFORM federation.record_plan(v_job.job_id, 'drain', p_node);
    RETURN v_job;
END
$$;
COMMENT ON FUNCTION federation.start_drain(text, integer) IS
    'A node goes draining (it serves, takes no new tenant) and a drain job is recorded with its moves (record_plan): its driver moves each tenant to an active node of its region, p_parallel at once. FG409 when a tenant has nowhere to go (DETAIL: up to 20 of them) or a drain of the node is open.';

CREATE OR REPLACE FUNCTION federation.record_move_object(p_move bigint, p_node text, p_kind text, p_name text)
RETURNS void
LANGUAGE sql
AS $$
    INSERT INTO federation.move_objects AS o (move_id, node_id, kind, name) VALUES (p_move, p_node, p_kind, p_name)
    ON CONFLICT (move_id, node_id, kind) DO UPDATE SET name = EXCLUDED.name, dropped_at = NULL;
$$;
COMMENT ON FUNCTION federation.record_move_object(bigint, text, text, text) IS
    'A move is about to make an object (publication, slot, subscription, copy) on a node: recorded first, so whoever ends the move drops it.';

CREATE OR REPLACE FUNCTION federation.drop_move_object(p_move bigint, p_node text, p_kind text)
RETURNS void
LANGUAGE sql
AS $$
    UPDATE federation.move_objects SET dropped_at = coalesce(dropped_at, now())
    WHERE move_id = p_move AND node_id = p_node AND kind = p_kind;
$$;
COMMENT ON FUNCTION federation.drop_move_object(bigint, text, text) IS 'A move''s recorded object is gone from its node.';
