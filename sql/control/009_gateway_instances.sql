-- control 009: the gateway instances of the fleet. Every `fedgate serve` registers
-- itself here and keeps a heartbeat; an instance not seen for its TTL is gone.
-- The fleet's later coordination (leases on jobs, each instance's share of a
-- quota) counts the live instances here: the catalog is the coordination store.

CREATE TABLE federation.gateway_instances (
    instance_id  text PRIMARY KEY CHECK (instance_id ~ '^[0-9a-f]{32}$'),
    host         text NOT NULL CHECK (length(host) BETWEEN 1 AND 255),
    pid          integer NOT NULL CHECK (pid > 0),
    version      text NOT NULL CHECK (length(version) BETWEEN 1 AND 64),
    workers      integer NOT NULL CHECK (workers > 0),
    ttl          interval NOT NULL CHECK (ttl > interval '0'),
    started_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    stopped_at   timestamptz
);
CREATE INDEX gateway_instances_seen_idx ON federation.gateway_instances (last_seen_at);
COMMENT ON TABLE federation.gateway_instances IS
    'Every gateway instance (one fedgate serve: a process group) that has run on this catalog: where, which version, how many workers, its heartbeat TTL, when it started, was last seen and stopped. Rows of instances gone for a day are swept by the next heartbeat.';
