-- node 003: heartbeats are kept for a retention period (fedgate.heartbeat_retention,
-- default 30 days). The sweeper finds the oldest through this index, in time
-- order across tenants, and deletes them in small batches.
CREATE INDEX IF NOT EXISTS agent_heartbeats_reported_idx ON onboarding.agent_heartbeats (reported_at);
