-- control 004: read replicas of federation nodes.
--
-- A replica is a PostgreSQL streaming replica of one node. The deployment's
-- health checker measures its replay lag every round and reports it here;
-- `usable` says whether the gateways may send that node's reads to it
-- (healthy, still a replica, lag within max_lag). A change of usable, and
-- every registration or removal, notifies the gateways.

CREATE TABLE federation.federation_replicas (
    replica_id   text PRIMARY KEY CHECK (replica_id ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$'),
    node_id      varchar(255) NOT NULL REFERENCES federation.federation_nodes (node_id)
                     ON UPDATE CASCADE ON DELETE CASCADE,
    database_url text NOT NULL CHECK (length(database_url) > 0),
    max_lag      interval NOT NULL DEFAULT '2 seconds' CHECK (max_lag > interval '0' AND max_lag <= interval '1 hour'),
    healthy      boolean,
    usable       boolean NOT NULL DEFAULT false,
    lag_bytes    bigint,
    lag_seconds  real,
    replay_lsn   pg_lsn,
    last_error   text,
    checked_at   timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX federation_replicas_node_idx ON federation.federation_replicas (node_id);
COMMENT ON TABLE federation.federation_replicas IS
    'Streaming replicas of federation nodes: where a node''s read-only requests may go. database_url is read by the gateway only, like a node''s.';
COMMENT ON COLUMN federation.federation_replicas.max_lag IS 'The most replay lag at which the replica still serves reads.';
COMMENT ON COLUMN federation.federation_replicas.usable IS
    'Healthy, in recovery (not promoted) and lag_seconds within max_lag at the last check: the gateways send reads to it.';
COMMENT ON COLUMN federation.federation_replicas.lag_bytes IS 'WAL bytes between the node''s current position and the replica''s replay position at the last check.';
COMMENT ON COLUMN federation.federation_replicas.lag_seconds IS 'Seconds since the replica replayed its last transaction, 0 when it has replayed everything.';
