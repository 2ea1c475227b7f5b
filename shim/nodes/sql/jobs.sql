-- Durable jobs' statements (shim.actions.jobs): claims, leases, outcomes (control migration 010).

-- name: claim_jobs
SELECT job_id, kind, move_id, node_id, params FROM federation.claim_jobs(%s, %s, %s, make_interval(secs => %s));

-- name: claim_job
SELECT job_id, kind, move_id, node_id, params FROM federation.claim_job(%s, %s, %s, make_interval(secs => %s));

-- name: renew_jobs
SELECT renew_jobs FROM federation.renew_jobs(%s, make_interval(secs => %s), %s::bigint[]);

-- name: release_job
SELECT federation.release_job(%s, %s);

-- name: release_jobs
SELECT federation.release_jobs(%s);

-- name: retry_job
SELECT state, attempts FROM federation.retry_job(%s, %s, %s, %s, %s, make_interval(secs => %s));

-- name: finish_job
SELECT state FROM federation.finish_job(%s, %s, %s, %s);

-- name: requeue_job
SELECT job_id, state FROM federation.requeue_job(%s);

-- name: move_job
SELECT job_id, state, owner, lease_until FROM federation.move_job(%s);

-- name: start_drain
SELECT job_id FROM federation.start_drain(%s, %s);

-- name: plan_left
SELECT federation.plan_left(%s) AS left;

-- name: record_move_object
SELECT federation.record_move_object(%s, %s, %s, %s);

-- name: drop_move_object
SELECT federation.drop_move_object(%s, %s, %s);

-- name: move_objects
-- What a move has on its nodes now (recorded, not yet dropped).
SELECT node_id, kind, name FROM federation.federation_move_objects WHERE move_id = %s AND dropped IS NULL
ORDER BY node_id, kind;

-- name: list_jobs
-- The open jobs first, then the newest.
SELECT job_id, kind, subject, state, move_id, node_id, parent_id, owner, held, lease_until, attempts, step,
       last_error, created_by, created, started, finished, objects
FROM federation.federation_jobs ORDER BY (state IN ('pending', 'running')) DESC, job_id DESC LIMIT %s;

-- name: get_job
SELECT job_id, kind, subject, state, move_id, node_id, parent_id, owner, held, lease_until, attempts, step,
       last_error, not_before, created_by, created, started, finished, objects
FROM federation.federation_jobs WHERE job_id = %s;

-- name: park_job
-- A job with nothing to do until then (a reversible move's window).
SELECT federation.park_job(%s, %s, %s);
