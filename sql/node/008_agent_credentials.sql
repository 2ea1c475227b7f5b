-- node 008: an agent's credentials can be taken back. Every agent token
-- carries its agent's credential generation; a handler accepts an agent
-- caller only while its agent is not revoked and the generation matches, so
-- a re-enrollment, a refresh (which rotates) or a revocation ends every
-- token minted before it, at once, on the node that holds the agent.

ALTER TABLE onboarding.agent_instances
    ADD COLUMN credential_generation integer NOT NULL DEFAULT 1 CHECK (credential_generation > 0),
    ADD COLUMN revoked_at timestamptz;
COMMENT ON COLUMN onboarding.agent_instances.credential_generation IS
    'The generation of the agent''s one valid credential (its token''s agent_gen claim): enrollment, re-enrollment, refresh and revocation each add one.';
COMMENT ON COLUMN onboarding.agent_instances.revoked_at IS
    'When an operator or the tenant deregistered the agent: none of its tokens is accepted; enrolling the host again with a kit clears it.';
