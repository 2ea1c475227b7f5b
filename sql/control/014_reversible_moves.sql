-- control 014: moves you can take back. After its switch a reversible move keeps
-- the tenant's other copy in sync with reverse replication (its new home's rows,
-- row-filtered, to the node it left) and waits, 'switched', until it is completed
-- (by an operator, or once reversible_until passes). Reversed, the tenant is back
-- on its source and the forward stream runs again ('reversed'); it can be
-- forwarded again, as many times as needed, until it completes.
--
--   copying -> catching_up -> verifying -> cutover -> switched <-> reversed -> done
--                                              \-> cleanup -> done  (not reversible)

ALTER TABLE federation.tenant_moves DROP CONSTRAINT tenant_moves_state_check;
ALTER TABLE federation.tenant_moves ADD CONSTRAINT tenant_moves_state_check CHECK (state IN (
    'copying', 'catching_up', 'verifying', 'cutover', 'switched', 'reversed', 'cleanup', 'done', 'aborted', 'failed'));
ALTER TABLE federation.tenant_moves DROP CONSTRAINT tenant_moves_check1;
ALTER TABLE federation.tenant_moves ADD CONSTRAINT tenant_moves_check1
    CHECK (NOT switched OR state IN ('cutover', 'switched', 'cleanup', 'done'));

ALTER TABLE federation.tenant_moves ADD COLUMN reversible_until timestamptz;
COMMENT ON COLUMN federation.tenant_moves.reversible_until IS
    'Until when the switched move can be reversed: then it completes by itself (its job). NULL: not reversible.';
ALTER TABLE federation.tenant_moves ADD COLUMN reversed boolean NOT NULL DEFAULT false;
COMMENT ON COLUMN federation.tenant_moves.reversed IS
    'The move was switched back: the tenant lives on its source again (a reversed move, or one completed so).';
ALTER TABLE federation.tenant_moves ADD COLUMN requested text CHECK (requested IN ('reverse', 'forward', 'complete'));
COMMENT ON COLUMN federation.tenant_moves.requested IS
    'What an operator asked of a switched or reversed move (reverse_move, forward_move, complete_move): its driver does it.';
ALTER TABLE federation.tenant_moves ADD COLUMN flips integer NOT NULL DEFAULT 0 CHECK (flips >= 0);
COMMENT ON COLUMN federation.tenant_moves.flips IS 'Switches made: 1 after the move''s own, one more for each reverse and forward.';
ALTER TABLE federation.tenant_moves ADD COLUMN flip_pause_ms real;
COMMENT ON COLUMN federation.tenant_moves.flip_pause_ms IS
    'The tenant''s pause at the last reverse or forward (pause_ms is the first switch''s).';
ALTER TABLE federation.tenant_moves ADD COLUMN flip_error text;
COMMENT ON COLUMN federation.tenant_moves.flip_error IS
    'Why the last reverse or forward did not switch (the tenant stayed where it was, the move still reversible).';

DROP FUNCTION IF EXISTS federation.switch_move(bigint);  -- takes the reversible window now
