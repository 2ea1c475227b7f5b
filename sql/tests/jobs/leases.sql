-- Durable jobs: a move records its job; a claim leases it to one driver (never
-- two: SKIP LOCKED, and a held lease refuses another claim); an instance holds
-- at most its bound; a lapsed lease is claimed by another driver; renewal tells
-- a driver what it still holds; failures at one step are counted with backoff
-- until the job stops, failed; a released job is claimable at once.
BEGIN;
SELECT plan(19);
SELECT fgtest.node('eu-1', 'eu-west') \g /dev/null
SELECT fgtest.node('eu-2', 'eu-west') \g /dev/null
SELECT fgtest.tenant(1, 'eu-1', 'eu-west') \g /dev/null
SELECT fgtest.tenant(2, 'eu-1', 'eu-west') \g /dev/null
SELECT fgtest.tenant(3, 'eu-1', 'eu-west') \g /dev/null
SELECT set_config('fedgate.actor', 'cli:dba@host', true) \g /dev/null
CREATE TEMP TABLE mv AS SELECT * FROM federation.start_move(md5('fgtest-tenant-1')::uuid, 'eu-2');
SELECT federation.start_move(md5('fgtest-tenant-2')::uuid, 'eu-2') \g /dev/null
SELECT federation.start_move(md5('fgtest-tenant-3')::uuid, 'eu-2') \g /dev/null

SELECT is((SELECT (kind, state, created_by)::text FROM federation_jobs WHERE move_id = (SELECT move_id FROM mv)),
          '(move,pending,cli:dba@host)', 'a move records its job, pending, with who started it');
SELECT is((SELECT count(*) FROM federation.claim_jobs('a/1', 'aaaa', 2, '10 seconds')), 2::bigint,
          'an instance claims up to its bound');
SELECT is((SELECT count(*) FROM federation.claim_jobs('a/2', 'aaaa', 2, '10 seconds')), 0::bigint,
          'its other worker claims nothing more: the bound is the instance''s');
SELECT is((SELECT count(*) FROM federation.claim_jobs('b/1', 'bbbb', 2, '10 seconds')), 1::bigint,
          'another instance claims what is left');
SELECT is((SELECT count(*) FROM federation.claim_jobs('b/1', 'bbbb', 2, '10 seconds')), 0::bigint,
          'a held job is claimed by no one else');
SELECT throws_ok(format($$SELECT federation.claim_job(%s, 'cli/h/9', NULL, '10 seconds')$$,
                        (SELECT job_id FROM federation.jobs WHERE move_id = (SELECT move_id FROM mv))),
                 'FG409', NULL, 'nor by id while its lease holds');
SELECT is((SELECT array_agg(r ORDER BY r) FROM federation.renew_jobs('a/1', '10 seconds',
                                                                     (SELECT array_agg(job_id) FROM federation.jobs)) r),
          (SELECT array_agg(job_id ORDER BY job_id) FROM federation.jobs WHERE owner = 'a/1'),
          'renewal answers the jobs a driver still holds');

-- A lapsed lease (the driver died): another driver claims it.
UPDATE federation.jobs SET lease_until = now() - interval '1 second' WHERE owner = 'b/1';
SELECT is((SELECT owner FROM federation.claim_jobs('a/1', 'aaaa', 3, '10 seconds')), 'a/1',
          'a lapsed lease is claimed by a live driver');
SELECT is((SELECT count(*) FROM federation.renew_jobs('b/1', '10 seconds', (SELECT array_agg(job_id) FROM federation.jobs))),
          0::bigint, 'and the dead driver''s renewal finds it gone');

-- Failures at one step: counted, backed off, then failed; a new step counts from one.
CREATE TEMP TABLE j AS SELECT job_id FROM federation.jobs WHERE move_id = (SELECT move_id FROM mv);
SELECT federation.claim_job((SELECT job_id FROM j), 'a/1', 'aaaa', '10 seconds') \g /dev/null
SELECT is((SELECT (state, attempts, not_before > now())::text
           FROM federation.retry_job((SELECT job_id FROM j), 'a/1', 'copying', 'boom', 3, '1 second')),
          '(pending,1,t)', 'a failed attempt: pending again after a backoff');
SELECT is((SELECT count(*) FROM federation.claim_jobs('a/1', 'aaaa', 5, '10 seconds') c
           WHERE c.job_id = (SELECT job_id FROM j)), 0::bigint, 'not claimed before its backoff ends');
SELECT federation.claim_job((SELECT job_id FROM j), 'a/1', 'aaaa', '10 seconds') \g /dev/null
SELECT is((federation.retry_job((SELECT job_id FROM j), 'a/1', 'catching_up', 'boom', 3, '1 second')).attempts, 1,
          'a failure at another step counts from one');
SELECT federation.claim_job((SELECT job_id FROM j), 'a/1', 'aaaa', '10 seconds') \g /dev/null
SELECT federation.retry_job((SELECT job_id FROM j), 'a/1', 'catching_up', 'boom', 3, '1 second') \g /dev/null
SELECT federation.claim_job((SELECT job_id FROM j), 'a/1', 'aaaa', '10 seconds') \g /dev/null
SELECT is((SELECT (state, attempts, last_error)::text
           FROM federation.retry_job((SELECT job_id FROM j), 'a/1', 'catching_up', 'boom again', 3, '1 second')),
          '(failed,3,"boom again")', 'the last allowed failure at one step stops it, failed, with its error');
SELECT is((federation.requeue_job((SELECT job_id FROM j))).state, 'pending',
          'a failed job whose move is open is resumed');
SELECT throws_ok($$SELECT federation.finish_job((SELECT job_id FROM j), 'a/1', 'running')$$, 'FG400', NULL,
                 'a job ends done, failed or aborted only');

-- Release: a stopping driver hands its jobs back, claimable at once.
SELECT ok(federation.release_jobs('a/1'), 'a stopping driver hands its jobs back');
SELECT is((SELECT count(*) FROM federation.jobs WHERE state = 'pending' AND owner IS NULL), 3::bigint,
          'they are pending, unowned');

-- Drains: one open per node, refused when a tenant has nowhere to go.
SELECT is((federation.start_drain('eu-1', 2)).kind, 'drain', 'a drain is a job');
SELECT throws_ok($$SELECT federation.start_drain('eu-1', 2)$$, 'FG409', NULL, 'one open drain per node');
SELECT * FROM finish();
ROLLBACK;
