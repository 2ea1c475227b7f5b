-- node 002: who acts. The gateway passes every handler the caller's verified
-- claims (transaction-local setting fedgate.claims: role, sub, tenant_id,
-- agent_id, addr); the activity feed and the audit trail record who acted;
-- a kit enrolls at most the hosts it was issued for; failed enrollments are
-- counted per client address, so guessing is throttled per caller rather
-- than by revoking the kit a guesser names.

-- Defined here, not with the function families: column defaults below use them.
CREATE OR REPLACE FUNCTION onboarding.claims()
RETURNS jsonb
LANGUAGE sql STABLE
RETURN nullif(current_setting('fedgate.claims', true), '')::jsonb;
COMMENT ON FUNCTION onboarding.claims() IS
    'The caller''s verified claims the gateway set for this transaction (fedgate.claims: role, sub, tenant_id, agent_id, addr), or NULL.';

CREATE OR REPLACE FUNCTION onboarding.current_actor()
RETURNS jsonb
LANGUAGE sql STABLE
RETURN (SELECT jsonb_strip_nulls(jsonb_build_object('sub', c ->> 'sub', 'role', c ->> 'role', 'address', c ->> 'addr'))
        FROM (SELECT onboarding.claims() AS c) s WHERE c IS NOT NULL);
COMMENT ON FUNCTION onboarding.current_actor() IS
    'Who acts in this transaction: {sub, role, address} from the claims, or NULL (a DBA in psql).';

ALTER TABLE onboarding.tenant_activity ADD COLUMN actor jsonb DEFAULT onboarding.current_actor();
COMMENT ON COLUMN onboarding.tenant_activity.actor IS 'Who acted: {sub, role, address} of the caller; NULL before release 0.2.';
ALTER TABLE onboarding.bootstrap_audit ADD COLUMN actor jsonb DEFAULT onboarding.current_actor();
COMMENT ON COLUMN onboarding.bootstrap_audit.actor IS 'Who acted: {sub, role, address} of the caller; NULL before release 0.2.';

ALTER TABLE onboarding.bootstrap_kits
    ADD COLUMN max_agents integer NOT NULL DEFAULT 10 CHECK (max_agents BETWEEN 1 AND 1000),
    ADD COLUMN agents_enrolled integer NOT NULL DEFAULT 0 CHECK (agents_enrolled >= 0);
COMMENT ON COLUMN onboarding.bootstrap_kits.max_agents IS 'How many hosts the kit may enroll (maxAgents of the kit request).';
COMMENT ON COLUMN onboarding.bootstrap_kits.agents_enrolled IS 'How many hosts the kit enrolled (a re-enrollment does not count).';
-- Kits issued before: what they enrolled so far, and room for what they were used for.
UPDATE onboarding.bootstrap_kits k SET agents_enrolled = s.n, max_agents = least(1000, greatest(10, s.n))
FROM (SELECT tenant_id, kit_id, count(*)::integer AS n FROM onboarding.agent_instances
      WHERE kit_id IS NOT NULL GROUP BY tenant_id, kit_id) s
WHERE k.tenant_id = s.tenant_id AND k.id = s.kit_id;

CREATE TABLE onboarding.enrollment_failures (
    client_addr text NOT NULL CHECK (length(client_addr) BETWEEN 1 AND 64),
    minute      timestamptz NOT NULL,
    failures    integer NOT NULL CHECK (failures > 0),
    PRIMARY KEY (client_addr, minute)
);
CREATE INDEX enrollment_failures_minute_idx ON onboarding.enrollment_failures (minute);
COMMENT ON TABLE onboarding.enrollment_failures IS
    'Failed enrollments (unknown tenant or kit, wrong token) per client address and minute: past the limit an address is refused for a while. Rows older than an hour are swept by the next failure.';
GRANT SELECT, INSERT, UPDATE, DELETE ON onboarding.enrollment_failures TO fedgate_api;

-- The enrollment procedure takes the caller's claims (a CALL cannot set them in a FROM).
DROP PROCEDURE IF EXISTS api.verify_kit(uuid, jsonb, jsonb);
-- The handlers' entry helpers take the roles they admit (new signatures, recreated with the function families).
DROP FUNCTION IF EXISTS onboarding.api_enter(uuid);
DROP FUNCTION IF EXISTS onboarding.api_require_tenant(uuid);
