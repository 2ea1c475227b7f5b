-- control 003: idempotent, reconcilable tenant creation.
--
-- A creation sent with an Idempotency-Key header is remembered on its
-- registry row: the same caller sending the same key again continues (or
-- replays) that creation, the same tenant id, never a second tenant; the same
-- key with another body is refused. A registration whose node answer was lost
-- stays 'provisioning' until the reconciler (run by the deployment's health
-- checker, or `fedgate tenant reconcile`) confirms it or undoes it from what
-- the node really holds.

ALTER TABLE federation.tenant_registry
    ADD COLUMN idempotency_key text CHECK (idempotency_key ~ '^[!-~]{1,200}$'),
    ADD COLUMN idempotency_caller text,
    ADD COLUMN request_digest text,
    ADD CONSTRAINT tenant_registry_idempotency_complete
        CHECK ((idempotency_key IS NULL) = (idempotency_caller IS NULL)
               AND (idempotency_key IS NULL) = (request_digest IS NULL));
CREATE UNIQUE INDEX tenant_registry_idempotency_key
    ON federation.tenant_registry (idempotency_caller, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX tenant_registry_provisioning
    ON federation.tenant_registry (created_at) WHERE status = 'provisioning';
COMMENT ON COLUMN federation.tenant_registry.idempotency_key IS
    'The Idempotency-Key the creation was sent with (printable ASCII, 1-200 characters), unique per caller.';
COMMENT ON COLUMN federation.tenant_registry.idempotency_caller IS
    'The sub claim of the caller who sent idempotency_key: keys are scoped to their caller.';
COMMENT ON COLUMN federation.tenant_registry.request_digest IS
    'md5 of the creation body (jsonb text): a key sent again with another body is refused (FG422).';
