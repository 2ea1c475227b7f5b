-- node 010: a shorter cutover. The digest a move compares at its fence takes the
-- high-water marks of the append-only tables (verified before the fence), and the
-- target's sequences are aligned from the moving tenant's own rows: both functions
-- change their arguments, so the old ones go (the function families make the new).
DROP FUNCTION IF EXISTS onboarding.tenant_digest(uuid);
DROP FUNCTION IF EXISTS onboarding.align_sequences();
