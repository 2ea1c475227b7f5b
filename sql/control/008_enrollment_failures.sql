-- control 008: failed enrollments per client address across the fleet. Each node
-- counts the failures it sees; a gateway also counts every failure here, so an
-- address that fails on many nodes (or through many gateways) meets one limit,
-- and a gateway that learns an address is past it refuses that address before
-- any database work.

CREATE TABLE federation.enrollment_failures (
    client_addr text NOT NULL CHECK (length(client_addr) BETWEEN 1 AND 64),
    minute      timestamptz NOT NULL,
    failures    integer NOT NULL CHECK (failures > 0),
    PRIMARY KEY (client_addr, minute)
);
CREATE INDEX enrollment_failures_minute_idx ON federation.enrollment_failures (minute);
COMMENT ON TABLE federation.enrollment_failures IS
    'Failed enrollments per client address and minute, counted by the gateways for the whole fleet (federation.count_enrollment_failure); rows older than an hour are swept by the next failure.';
