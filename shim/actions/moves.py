"""Moving one tenant between nodes, online, with PostgreSQL's logical replication.

The catalog holds the move's state (``federation.tenant_moves``); this module
drives it, one step per state, so a crashed mover resumes where the catalog
says it was, and an abort before the switch removes everything it made:

- copying: a logical replication slot and a publication on the source, one
  table per tenant table with a row filter on the tenant (PostgreSQL 15), and
  a subscription on the target that copies the rows, then streams changes.
- catching_up: the slot's confirmed position close to the source's WAL end.
- verifying: a first comparison of row counts (the tenant still writes).
- cutover: the tenant is fenced in the catalog (gateways hold its requests)
  and on the source (its handlers answer FG421); the mover waits for every
  transaction that began before the fence to end, then until the target's
  move's marker row (committed after the fence, published with the tenant's
  tables) has arrived on the target — replication applies in commit order —,
  compares per-table counts and order-independent hashes on both sides at
  once, aligns the target's identity sequences and switches map and rules in
  one catalog transaction. A difference fails the move before the switch:
  the fence lifts and the tenant stays, served, on its source.
- cleanup: subscription, slot and publication dropped; the source's rows of
  the tenant deleted (unless --keep-source), a 'moved' tombstone left there.

The nodes' administrative logins (their catalog references) run it:
CREATE SUBSCRIPTION needs a superuser in PostgreSQL 15. The CLI (``fedgate
tenant move``), the admin API (``/admin/v1/moves``) and a drain all run this
one Mover; every statement it sends is named in shim/nodes/sql/moves.sql.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

from shim.actions.diff import diff_tenant, summary as diff_summary
from shim.errors import GatewayError, describe
from shim.nodes.connector import Connector
from shim.nodes.queries import QUERIES, compose

Progress = Callable[[str, dict[str, Any]], None]  # (state, figures) as the move advances
POLL = 0.002  # seconds between a fenced cutover's looks (older transactions, the marker): the tenant waits


class MoveError(GatewayError):
    """A move cannot go on (409 over HTTP); the catalog says what state it is in."""

    def __init__(self, message: str) -> None:
        super().__init__(409, "FGW409", message)


class _Kept(Exception):
    """A --keep-source move stops after its switch, in cleanup, until it is completed."""


class _Ended(Exception):
    """Someone else ended the move (an operator aborted it) while this mover drove it."""


class Interrupted(Exception):
    """This mover was told to stop (its job's lease is lost, its gateway stops): the move stays where the
    catalog says, for the job's next driver."""


@dataclass(frozen=True)
class Move:
    move_id: int
    tenant_id: UUID
    source: str
    target: str
    state: str
    switched: bool
    keep_source: bool

    @property
    def name(self) -> str:
        """Publication, slot and subscription name of this move."""
        return f"fedgate_move_{self.move_id}"


class Mover:
    def __init__(self, connector: Connector, *, progress: Progress | None = None, catch_up_bytes: int = 64 * 1024,
                 step_timeout: float = 600.0, verify_timeout: float = 10.0,
                 should_stop: Callable[[], bool] | None = None) -> None:
        self.connector = connector
        self.progress = progress or (lambda state, figures: None)
        self.should_stop = should_stop or (lambda: False)
        self.catch_up_bytes = catch_up_bytes
        self.step_timeout = step_timeout
        self.verify_timeout = verify_timeout

    # -- connections ---------------------------------------------------------
    def _control(self) -> psycopg.Connection[Any]:
        return self.connector.control()

    def _node(self, node_id: str) -> psycopg.Connection[Any]:
        return self.connector.node(node_id, name="fedgate-mover")

    def load(self, move_id: int) -> Move:
        with self._control() as conn:
            row = conn.execute(QUERIES["load_move"], (move_id,)).fetchone()
        if row is None:
            raise MoveError(f"no move {move_id}")
        return Move(int(row[0]), row[1], row[2], row[3], row[4], row[5], row[6])

    # -- the move --------------------------------------------------------------
    def start(self, tenant: UUID, target: str, keep_source: bool = False, parent: int | None = None,
              then: Callable[[psycopg.Connection[Any], int], Any] | None = None, override: str | None = None) -> Move:
        """Open a move (and its job, the catalog's start_move); ``then`` runs in the same transaction (a
        driver claims the job there, so no other driver sees it unclaimed). A target outside the tenant's
        residency is refused (FG451, recorded) unless ``override`` gives the reason."""
        with self._control() as conn:
            source = conn.execute(QUERIES["move_source"], (tenant,)).fetchone()
        assert source is not None
        with self._node(source[0]) as conn:
            level = wal_level_problem(conn)
        if level:
            raise MoveError(f"node {source[0]} {level}: a move's source needs it")
        try:
            with self._control() as conn, conn.transaction():
                row = conn.execute(QUERIES["start_move"], (tenant, target, keep_source, parent, override)).fetchone()
                assert row is not None
                if then is not None:
                    then(conn, int(row[0]))
        except psycopg.Error as exc:
            self.connector.record_refusal(exc)
            raise
        return self.load(int(row[0]))

    def run(self, move_id: int) -> dict[str, Any]:
        """Drive a move from wherever the catalog says it is to done; its figures."""
        steps: dict[str, Callable[[Move], None]] = {
            "copying": self._copy, "catching_up": self._catch_up, "verifying": self._pre_verify,
            "cutover": self._cutover, "cleanup": self._cleanup}
        while True:
            move = self.load(move_id)
            if move.state in ("done", "aborted", "failed"):
                if self._objects(move):  # ended by someone who did not drop what it made (psql's abort_move)
                    if move.state == "done":
                        self._drop_replication(move)
                    else:
                        self._tidy(move)
                return self.figures(move_id)
            try:
                steps[move.state](move)
            except _Kept:
                return self.figures(move_id)
            except Exception as exc:
                # Aborted under this mover (the CLI or the admin API, meanwhile): what this mover may have
                # created since the abort's own cleanup goes too. Its own failures are raised as they are.
                if isinstance(exc, Interrupted) or (not isinstance(exc, _Ended)
                                                    and self.load(move_id).state != "aborted"):
                    raise
                self._tidy(move)
                return self.figures(move_id)

    def _still_open(self, move: Move) -> None:
        """Raise _Ended when the move was ended meanwhile, Interrupted when this mover is told to stop (its
        polling loops ask once a round)."""
        if self.should_stop():
            raise Interrupted
        if self.load(move.move_id).state in ("aborted", "failed"):
            raise _Ended

    def _objects(self, move: Move) -> list[tuple[str, str, str]]:
        """(node, kind, name) of what the move has on its nodes now, by the catalog's record."""
        with self._control() as conn:
            return [tuple(r) for r in conn.execute(QUERIES["move_objects"], (move.move_id,)).fetchall()]

    def _record(self, move: Move, *objects: tuple[str, str]) -> None:
        """(node, kind) recorded before they are made: whoever ends the move drops them, even if this mover
        dies meanwhile."""
        with self._control() as conn:
            for node, kind in objects:
                conn.execute(QUERIES["record_move_object"], (move.move_id, node, kind, move.name))

    def _dropped(self, move: Move, node: str, *kinds: str) -> None:
        with self._control() as conn:
            for kind in kinds:
                conn.execute(QUERIES["drop_move_object"], (move.move_id, node, kind))

    def figures(self, move_id: int) -> dict[str, Any]:
        rows = self.connector.rows("move_figures", move_id)
        return rows[0] if rows else {}

    def _advance(self, move: Move, to: str, figures: dict[str, Any] | None = None) -> None:
        with self._control() as conn:
            conn.execute(QUERIES["advance_move"], (move.move_id, move.state, to, Jsonb(figures or {})))
        self.progress(to, figures or {})

    def _counts(self, node_id: str, tenant: UUID) -> dict[str, int]:
        with self._node(node_id) as conn:
            return {r[0]: int(r[1]) for r in conn.execute(QUERIES["tenant_counts"], (tenant,)).fetchall()}


    def _copy(self, move: Move) -> None:
        self._record(move, (move.source, "publication"), (move.source, "slot"), (move.target, "copy"),
                     (move.target, "subscription"))
        with self._node(move.source) as src:
            tables = src.execute(QUERIES["tenant_tables"]).fetchall()
            if not src.execute(QUERIES["publication_exists"], (move.name,)).fetchone():
                tenant = sql.Literal(str(move.tenant_id))
                filtered = sql.SQL(", ").join([
                    *(compose("publication_table", table=table, column=column, tenant=tenant)
                      for table, column in tables),
                    compose("publication_marker", move=sql.Literal(move.move_id))])
                src.execute(compose("create_publication", name=move.name, tables=filtered))
            if not src.execute(QUERIES["slot_exists"], (move.name,)).fetchone():
                src.execute(QUERIES["create_slot"], (move.name,))
        with self._node(move.target) as dst:
            dst.execute(QUERIES["lift_fence"], (move.tenant_id,))  # a tombstone of an earlier move away
            if not dst.execute(QUERIES["subscription_exists"], (move.name,)).fetchone():
                dst.execute(compose("create_subscription", name=move.name,
                                    source=sql.Literal(self.connector.node_dsn(move.source)),
                                    slot=sql.Literal(move.name)))
        expected = self._counts(move.source, move.tenant_id)
        deadline = time.monotonic() + self.step_timeout
        while True:
            with self._node(move.target) as dst:
                pending = dst.execute(QUERIES["subscription_pending"], (move.name,)).fetchone()
            copied = self._counts(move.target, move.tenant_id)
            self.progress("copying", {"rowsExpected": expected, "rowsCopied": copied})
            if pending is not None and pending[0] == 0 and pending[1] > 0:
                break
            self._still_open(move)
            if time.monotonic() > deadline:
                raise MoveError(f"move {move.move_id}: the initial copy did not finish within {self.step_timeout:g} s")
            time.sleep(0.2)
        self._advance(move, "catching_up", {"rowsExpected": expected, "rowsCopied": copied})

    def _lag(self, move: Move) -> int:
        with self._node(move.source) as src:
            row = src.execute(QUERIES["slot_lag"], (move.name,)).fetchone()
        if row is None:
            raise MoveError(f"move {move.move_id}: its replication slot is gone from node {move.source}")
        return int(row[0] or 0)

    def _catch_up(self, move: Move) -> None:
        deadline = time.monotonic() + self.step_timeout
        while (lag := self._lag(move)) > self.catch_up_bytes:
            self.progress("catching_up", {"lagBytes": lag})
            if time.monotonic() > deadline:
                raise MoveError(f"move {move.move_id}: still {lag} bytes behind after {self.step_timeout:g} s")
            self._still_open(move)
            time.sleep(0.2)
        self._advance(move, "verifying", {"lagBytes": lag, "rowsCopied": self._counts(move.target, move.tenant_id)})

    def _pre_verify(self, move: Move) -> None:
        """While the tenant still writes: the append-only tables' rows up to their high-water ids (which no
        longer change) hashed on both sides, so the fenced verification only counts those and hashes the
        newer rows. Equal once the target has caught up past the marks; if it never gets there within the
        verification's bound, the fenced verification hashes everything, as before."""
        with self._node(move.source) as src, self._node(move.target) as dst:
            marks = src.execute(QUERIES["tenant_marks"], (move.tenant_id,)).fetchone()[0]  # type: ignore[index]
            deadline = time.monotonic() + self.verify_timeout
            while True:
                source = _digests(src, move.tenant_id, marks, "tenant_digest_upto")
                if _digests(dst, move.tenant_id, marks, "tenant_digest_upto") == source:
                    break
                if time.monotonic() > deadline:
                    marks = None
                    break
                self._still_open(move)
                time.sleep(0.1)
        self._advance(move, "cutover", {"verify": {"marks": marks},
                                        "rowsCopied": self._counts(move.target, move.tenant_id),
                                        "rowsExpected": self._counts(move.source, move.tenant_id)})

    def _cutover(self, move: Move) -> None:
        """Fence, wait for the marker, verify, switch. A database error before the switch ends the move
        failed and lifts the fence (the tenant is served from its source again at once) instead of leaving
        it fenced until someone resumes or aborts the move; after the switch the move is the target's."""
        try:
            self._fence_verify_switch(move)
        except psycopg.Error as exc:
            if self.load(move.move_id).switched:  # the switch committed: what is left is the cleanup's
                raise
            why = f"the cutover failed: {describe(exc)}"
            self._stop(move, "failed", why)
            raise MoveError(f"move {move.move_id}: {why}; the tenant stays on {move.source}") from None

    def _fence_verify_switch(self, move: Move) -> None:
        marks = (self.figures(move.move_id).get("verify_result") or {}).get("marks")  # verified before the fence
        # Connections first: the tenant's pause does not include opening them.
        with self._control() as control, self._node(move.source) as src, self._node(move.target) as dst, \
                self._node(move.target) as aligner:
            started = time.monotonic()
            ends: list[tuple[str, float]] = []  # where the pause goes: each phase's end

            def mark(phase: str) -> None:
                ends.append((phase, time.monotonic()))
            control.execute(QUERIES["fence_move"], (move.move_id,))
            fenced_at = src.execute(QUERIES["set_fence"], (move.tenant_id, move.move_id, "fenced",
                                                           move.target)).fetchone()[0]  # type: ignore[index]
            mark("fence")
            # Handlers that passed their fence check before the fence committed: wait for them to end.
            deadline = time.monotonic() + self.verify_timeout
            while src.execute(QUERIES["older_transactions"], (fenced_at,)).fetchone()[0]:  # type: ignore[index]
                if time.monotonic() > deadline:
                    self._stop(move, "failed", "transactions older than the fence did not end")
                    raise MoveError(f"move {move.move_id}: transactions on {move.source} older than the fence did "
                                    f"not end within {self.verify_timeout:g} s; the tenant stays on {move.source}")
                time.sleep(POLL)
            mark("olderTransactions")
            # The marker, committed (and flushed) after everything the tenant wrote: once the target has
            # it, the target has all of that too (replication applies in commit order).
            with src.transaction():
                src.execute(QUERIES["synchronous_commit"])
                src.execute(QUERIES["mark_move"], (move.move_id, move.tenant_id))
            while not dst.execute(QUERIES["marker_arrived"], (move.move_id,)).fetchone():
                if time.monotonic() > deadline:
                    self._stop(move, "failed", "the target did not catch up with the fenced source")
                    raise MoveError(f"move {move.move_id}: the target did not catch up within "
                                    f"{self.verify_timeout:g} s; the tenant stays on {move.source}")
                time.sleep(POLL)
            mark("marker")
            with ThreadPoolExecutor(3) as pool:  # both sides at once: the tenant waits for the slower
                at_source = pool.submit(_digests, src, move.tenant_id, marks)
                at_target = pool.submit(_digests, dst, move.tenant_id, marks)
                # Meanwhile the target's sequences go past the tenant's ids (it has them all: the marker came);
                # harmless if the verification fails.
                aligned = pool.submit(aligner.execute, QUERIES["align_sequences"], (move.tenant_id,))
                source, target = at_source.result(), at_target.result()
                aligned.result()
            if target != source:
                # Name the rows (still fenced: both copies as they were at the fence), within the verification's
                # time bound; the digests say which tables to look at.
                differing = [table for table in source if target.get(table) != source[table]]
                rows = diff_tenant(self.connector, move.tenant_id, move.source, move.target, differing,
                                   budget=self.verify_timeout)
                verdict = {"ok": False, "source": source, "target": target, "rows": rows["tables"],
                           "rowsComplete": rows["complete"]}
                why = f"{_difference(source, target)} ({diff_summary(rows)})"
                self._stop(move, "failed", f"verification failed: {why}", verdict)
                raise MoveError(f"move {move.move_id}: the target does not hold the source's rows ({why}); "
                                f"the tenant stays on {move.source}")
            mark("verify")
            control.execute(QUERIES["switch_move"], (move.move_id,))
            mark("switch")
            pause_ms = (time.monotonic() - started) * 1000
            phases = {name: round((at - (ends[i - 1][1] if i else started)) * 1000, 1)
                      for i, (name, at) in enumerate(ends)}
            src.execute(QUERIES["set_fence"], (move.tenant_id, move.move_id, "moved", move.target))
        rows = {table: count for table, (count, _) in source.items()}
        self._advance(self.load(move.move_id), "cleanup",
                      {"verify": {"ok": True, "rows": rows, "phasesMs": phases, "marks": marks},
                       "pauseMs": round(pause_ms, 1),
                       "rowsCopied": rows})

    def _cleanup(self, move: Move) -> None:
        if move.keep_source:
            self._drop_replication(move)
            raise _Kept()  # the source keeps the tenant's rows until `fedgate tenant move --complete`
        self.complete(move.move_id)

    def complete(self, move_id: int) -> dict[str, Any]:
        """The end of a switched move: replication dropped (if still there), the source's rows of the
        tenant deleted (its tombstone stays), done."""
        move = self.load(move_id)
        if move.state != "cleanup":
            raise MoveError(f"move {move_id} is {move.state}: only a switched move in cleanup completes")
        self._drop_replication(move)
        with self._node(move.source) as src:
            src.execute(QUERIES["purge_tenant"], (move.tenant_id,))
        self._advance(move, "done")
        return self.figures(move_id)

    # -- undoing ---------------------------------------------------------------
    def _drop_replication(self, move: Move) -> None:
        """Subscription (target), slot and publication (source): gone, whatever state they were left in."""
        with self._node(move.target) as dst:
            if dst.execute(QUERIES["subscription_exists"], (move.name,)).fetchone():
                for step in ("disable_subscription", "detach_subscription", "drop_subscription"):
                    dst.execute(compose(step, name=move.name))
        self._dropped(move, move.target, "subscription")
        with self._node(move.source) as src:
            deadline = time.monotonic() + 10
            while True:  # a walsender may still hold the slot, or take it again (a mover racing an abort)
                try:
                    if not src.execute(QUERIES["slot_active"], (move.name,)).fetchone():
                        if src.execute(QUERIES["slot_exists"], (move.name,)).fetchone():
                            src.execute(QUERIES["drop_slot"], (move.name,))
                        break
                except psycopg.errors.ObjectInUse:  # 55006: taken between the check and the drop
                    pass
                if time.monotonic() > deadline:
                    raise MoveError(f"move {move.move_id}: its slot on {move.source} is still in use")
                time.sleep(0.1)
            src.execute(compose("drop_publication", name=move.name))
            src.execute(QUERIES["forget_marker"], (move.move_id,))
        self._dropped(move, move.source, "slot", "publication")
        with self._node(move.target) as dst:
            dst.execute(QUERIES["forget_marker"], (move.move_id,))

    def _stop(self, move: Move, state: str, why: str, verdict: dict[str, Any] | None = None) -> None:
        """End a move before its switch: the catalog first (stop_move refuses a switched move, and a move it
        stopped can no longer switch: switch_move wants it in cutover), then replication dropped, what
        reached the target deleted and the source's fence lifted. In the other order an abort racing a
        mover that switched meanwhile deleted the rows of the tenant's new home (seen in a CI run)."""
        with self._control() as conn:
            if verdict is not None:
                conn.execute(QUERIES["advance_move"], (move.move_id, move.state, move.state,
                                                       Jsonb({"verify": verdict})))
            conn.execute(QUERIES["stop_move"], (move.move_id, state, why))
        self._tidy(move)
        self.progress(state, {"error": why})

    def _tidy(self, move: Move) -> None:
        """What a move ended before its switch leaves nowhere: replication, the target's rows, the source's
        fence (each step idempotent: an abort and the mover it interrupted may both run it)."""
        self._drop_replication(move)
        with self._node(move.target) as dst:
            dst.execute(QUERIES["purge_tenant"], (move.tenant_id,))
        self._dropped(move, move.target, "copy")
        with self._node(move.source) as src:
            src.execute(QUERIES["clear_fence"], (move.tenant_id, move.move_id))

    def abort(self, move_id: int, why: str = "aborted by an operator") -> dict[str, Any]:
        move = self.load(move_id)
        if move.switched or move.state in ("done", "aborted", "failed"):
            raise MoveError(f"move {move_id} is {move.state}{' and switched' if move.switched else ''}: "
                            "nothing to abort")
        self._stop(move, "aborted", why)
        return self.figures(move_id)


def wal_level_problem(conn: psycopg.Connection[Any]) -> str | None:
    """None when the database runs with wal_level = logical, else what is wrong and the fix."""
    row = conn.execute(QUERIES["wal_level"]).fetchone()
    if row is None or row[0] == "logical":
        return None
    return (f"runs with wal_level = {row[0]}, not logical (ALTER SYSTEM SET wal_level = logical, "
            "then restart it)")


def _digests(conn: psycopg.Connection[Any], tenant: UUID, marks: dict[str, int] | None = None,
             query: str = "tenant_digest") -> dict[str, tuple[int, str]]:
    return {r[0]: (int(r[1]), str(r[2]))
            for r in conn.execute(QUERIES[query], (tenant, None if marks is None else Jsonb(marks))).fetchall()}


def _difference(source: dict[str, tuple[int, str]], target: dict[str, tuple[int, str]]) -> str:
    return "; ".join(f"{table}: {source[table][0]} rows on the source, {target.get(table, (0, ''))[0]} on the target"
                     + ("" if target.get(table, (0, ""))[0] != source[table][0] else " (same count, other rows)")
                     for table in source if target.get(table) != source[table])
