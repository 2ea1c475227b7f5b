-- control 010: durable jobs, and the objects a move makes.
--
-- A move or a drain is a job in the catalog. Whoever starts one (the admin
-- API, the CLI, federation.start_move in psql) records it; a driver (a
-- gateway worker, or the CLI that started it) claims it with a lease it
-- renews while it works. A driver that dies stops renewing: once its lease
-- lapses any live instance claims the job and drives it on from the state the
-- catalog holds. Claims take FOR UPDATE SKIP LOCKED, so two instances never
-- claim one job. A move's jobs record every replication object before it is
-- made (move_objects), and abort and cleanup drop what is recorded: nothing a
-- dead driver made is orphaned.

CREATE TABLE federation.jobs (
    job_id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind           text NOT NULL CHECK (kind IN ('move', 'drain')),
    subject        text NOT NULL CHECK (length(subject) BETWEEN 1 AND 255),
    move_id        bigint UNIQUE REFERENCES federation.tenant_moves (move_id) ON DELETE CASCADE,
    node_id        text REFERENCES federation.federation_nodes (node_id) ON UPDATE CASCADE ON DELETE CASCADE,
    parent_id      bigint REFERENCES federation.jobs (job_id) ON DELETE CASCADE,
    params         jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(params) = 'object'),
    state          text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'running', 'done', 'failed', 'aborted')),
    owner          text CHECK (length(owner) BETWEEN 1 AND 255),
    owner_instance text,
    lease_until    timestamptz,
    attempts       integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    step           text,
    last_error     text CHECK (length(last_error) <= 4000),
    not_before     timestamptz NOT NULL DEFAULT now(),
    created_by     text NOT NULL CHECK (length(created_by) BETWEEN 1 AND 255),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    started_at     timestamptz,
    finished_at    timestamptz,
    CHECK ((kind = 'move') = (move_id IS NOT NULL)),
    CHECK ((kind = 'drain') = (node_id IS NOT NULL)),
    CHECK (state <> 'running' OR (owner IS NOT NULL AND lease_until IS NOT NULL)),
    CHECK ((state IN ('done', 'failed', 'aborted')) = (finished_at IS NOT NULL))
);
CREATE UNIQUE INDEX jobs_one_open_drain ON federation.jobs (node_id)
    WHERE kind = 'drain' AND state IN ('pending', 'running');
CREATE INDEX jobs_open ON federation.jobs (not_before, job_id) WHERE state IN ('pending', 'running');
CREATE INDEX jobs_owner ON federation.jobs (owner) WHERE state = 'running';
CREATE INDEX jobs_parent ON federation.jobs (parent_id) WHERE parent_id IS NOT NULL;
COMMENT ON TABLE federation.jobs IS
    'Durable jobs (moves, drains): what to do, who drives it (owner, its instance) under a lease renewed while it works, attempts at the step that last failed with its error, who started it. A job whose lease lapsed is claimed by any live driver.';
COMMENT ON COLUMN federation.jobs.parent_id IS
    'The drain whose move this is: its parent''s driver drives it.';
COMMENT ON COLUMN federation.jobs.step IS
    'The step (a move''s state) its last failure was at; attempts count the failures at that step.';

CREATE TABLE federation.move_objects (
    move_id     bigint NOT NULL REFERENCES federation.tenant_moves (move_id) ON DELETE CASCADE,
    node_id     text NOT NULL CHECK (length(node_id) BETWEEN 1 AND 255),
    kind        text NOT NULL CHECK (kind IN ('publication', 'slot', 'subscription', 'copy')),
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
    recorded_at timestamptz NOT NULL DEFAULT now(),
    dropped_at  timestamptz,
    PRIMARY KEY (move_id, node_id, kind)
);
COMMENT ON TABLE federation.move_objects IS
    'What a move makes on its nodes (publication and slot on the source, subscription and the tenant''s copied rows on the target), recorded before it is made and marked when dropped: abort and cleanup drop what is recorded.';

-- Open moves of the previous release become jobs, and their objects (named by the move) are recorded.
INSERT INTO federation.jobs (kind, subject, move_id, created_by)
SELECT 'move', format('move %s: tenant %s to %s', m.move_id, m.tenant_id, m.target_node), m.move_id, 'upgrade'
FROM federation.tenant_moves m WHERE m.state NOT IN ('done', 'aborted', 'failed');
INSERT INTO federation.move_objects (move_id, node_id, kind, name)
SELECT m.move_id, o.node_id, o.kind, 'fedgate_move_' || m.move_id
FROM federation.tenant_moves m
CROSS JOIN LATERAL (VALUES (m.source_node, 'publication'), (m.source_node, 'slot'),
                           (m.target_node, 'subscription'), (m.target_node, 'copy')) o(node_id, kind)
WHERE m.state NOT IN ('done', 'aborted', 'failed') AND (NOT m.switched OR o.kind <> 'copy');

DROP FUNCTION IF EXISTS federation.start_move(uuid, text, boolean);
