-- 012: a kit is issued (row, token hash) before its archive is rendered and
-- sealed (metadata.json, archive checksum) after; only a sealed kit verifies.

ALTER TABLE public.bootstrap_kits ALTER COLUMN metadata_json DROP NOT NULL;
ALTER TABLE public.bootstrap_kits ADD COLUMN IF NOT EXISTS sealed_at timestamptz;
ALTER TABLE public.bootstrap_kits ADD COLUMN IF NOT EXISTS verified_at timestamptz;
ALTER TABLE public.bootstrap_kits ADD COLUMN IF NOT EXISTS failed_attempts integer NOT NULL DEFAULT 0;
ALTER TABLE public.bootstrap_kits DROP CONSTRAINT IF EXISTS bootstrap_kits_sealed_check;
ALTER TABLE public.bootstrap_kits ADD CONSTRAINT bootstrap_kits_sealed_check
    CHECK (sealed_at IS NULL OR (metadata_json IS NOT NULL AND archive_sha256 IS NOT NULL));
COMMENT ON COLUMN public.bootstrap_kits.token_hash IS 'SHA-256 of the enrollment token; the token itself is only inside the kit.';
COMMENT ON COLUMN public.bootstrap_kits.sealed_at IS 'When the rendered archive was recorded; an unsealed kit never verifies.';
