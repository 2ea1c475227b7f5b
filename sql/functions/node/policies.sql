-- The data plane's row-level security policies that are not a migration's (the maintainer's narrow
-- reads), in one place: re-created whenever the node families are applied.

DROP POLICY IF EXISTS retention_sweep ON onboarding.agent_heartbeats;
CREATE POLICY retention_sweep ON onboarding.agent_heartbeats TO fedgate_maintainer
    USING (reported_at < now() - onboarding.heartbeat_retention());
COMMENT ON POLICY retention_sweep ON onboarding.agent_heartbeats IS
    'The retention sweep (onboarding.sweep_heartbeats, owned by fedgate_maintainer) sees heartbeats past their retention only.';
DROP POLICY IF EXISTS presence_check ON onboarding.tenants;
CREATE POLICY presence_check ON onboarding.tenants FOR SELECT TO fedgate_maintainer USING (true);
COMMENT ON POLICY presence_check ON onboarding.tenants IS
    'The reconciler''s presence check (onboarding.tenants_present, owned by fedgate_maintainer) reads tenant ids: its column grant is id only.';
