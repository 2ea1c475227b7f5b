-- control 016: plans of moves, node capacity and load (the spec's phase 4 at
-- scale, and "load balancing across nodes").
--
-- A plan (every legacy tenant home, a rebalance of a region) is a job whose
-- moves are its children, as a drain is; its moves are recorded when it is
-- made (plan_items), so a driver that takes it over resumes it without
-- repeating a finished move and federation_plans shows each move's state.
-- A node carries a capacity (its share of a region's load, default 1) and the
-- load last measured on it (rows from its statistics, requests from the
-- gateways' tenant figures); placement chooses the least loaded node
-- relative to capacity. Tenants' sizes, measured on their nodes, drive the
-- plans' costs and the rebalancer. A pinned rule keeps its tenant where it is.

ALTER TABLE federation.jobs DROP CONSTRAINT jobs_kind_check;
ALTER TABLE federation.jobs ADD CONSTRAINT jobs_kind_check CHECK (kind IN ('move', 'drain', 'plan'));
ALTER TABLE federation.jobs ADD CONSTRAINT jobs_plan_kind_check
    CHECK (kind <> 'plan' OR params ->> 'plan' IN ('legacy', 'rebalance'));
CREATE UNIQUE INDEX jobs_one_open_plan ON federation.jobs ((params ->> 'plan'), (coalesce(params ->> 'region', '')))
    WHERE kind = 'plan' AND state IN ('pending', 'running');
COMMENT ON COLUMN federation.jobs.parent_id IS
    'The drain or plan whose move this is: its parent''s driver drives it.';

CREATE TABLE federation.plan_items (
    job_id      bigint NOT NULL REFERENCES federation.jobs (job_id) ON DELETE CASCADE,
    position    integer NOT NULL CHECK (position > 0),
    tenant_id   uuid NOT NULL REFERENCES federation.tenant_registry (id) ON DELETE CASCADE,
    source_node text NOT NULL,
    target_node text NOT NULL,
    cost        bigint CHECK (cost >= 0),
    why         text NOT NULL CHECK (length(why) BETWEEN 1 AND 500),
    move_id     bigint REFERENCES federation.tenant_moves (move_id) ON DELETE SET NULL,
    PRIMARY KEY (job_id, tenant_id),
    UNIQUE (job_id, position)
);
CREATE INDEX plan_items_move ON federation.plan_items (move_id) WHERE move_id IS NOT NULL;
COMMENT ON TABLE federation.plan_items IS
    'The moves of a drain or plan job, recorded when it is made (in its order): tenant, source, target, cost (the tenant''s rows or requests when measured) and why; move_id once its move opened. Read federation_plan_moves.';

ALTER TABLE federation.federation_nodes ADD COLUMN capacity integer NOT NULL DEFAULT 1 CHECK (capacity > 0);
COMMENT ON COLUMN federation.federation_nodes.capacity IS
    'The node''s share of its region''s load against the others'' (default 1: a node of capacity 2 is meant to carry twice the load of one of capacity 1); placement and the rebalancer use it, with placement_weight for placement.';

CREATE TABLE federation.node_load (
    node_id     text PRIMARY KEY REFERENCES federation.federation_nodes (node_id) ON UPDATE CASCADE ON DELETE CASCADE,
    rows        bigint NOT NULL DEFAULT 0 CHECK (rows >= 0),
    requests    double precision NOT NULL DEFAULT 0 CHECK (requests >= 0),
    placed      integer NOT NULL DEFAULT 0 CHECK (placed >= 0),
    measured_at timestamptz
);
COMMENT ON TABLE federation.node_load IS
    'A node''s load as last measured: the tenant rows it holds (its statistics, read by the health checker), its requests per minute over the last 10 minutes (federation_tenant_stats), and the tenants placed on it since (each counted as one row until the next measurement).';

CREATE TABLE federation.tenant_sizes (
    tenant_id   uuid PRIMARY KEY REFERENCES federation.tenant_registry (id) ON DELETE CASCADE,
    node_id     text NOT NULL,
    rows        bigint NOT NULL CHECK (rows >= 0),
    measured_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE federation.tenant_sizes IS
    'Each tenant''s rows on the node that held them when measured (fedgate legacy migrate and rebalance measure the nodes they plan for): the cost of moving it, and its share of its node''s load.';

ALTER TABLE federation.federation_routing ADD COLUMN pinned boolean NOT NULL DEFAULT false;
COMMENT ON COLUMN federation.federation_routing.pinned IS
    'An operator''s word that the tenant stays on this node (fedgate tenant pin): the rebalancer never moves it off. A drain still does.';
