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

A reversible move (``FEDGATE_MOVE_REVERSIBLE_FOR`` > 0, not a drain's, not
--keep-source) does not clean up at its switch: while the tenant is fenced the
mover also makes a publication and a slot of the tenant's rows on the target,
and after the switch subscribes the source to them (nothing to copy: both were
equal at the fence), so every write on the target reaches the source. The move
stays ``switched``. Reversing it is the same cutover the other way (fence the
target, its marker, verify, switch back, the forward stream made anew), and so
is forwarding it again; completing it (an operator, or its job once the window
ends) drops the stream and deletes the copy the tenant no longer uses.

The nodes' administrative logins (their catalog references) run it:
CREATE SUBSCRIPTION needs a superuser in PostgreSQL 15. The CLI (``fedgate
tenant move``), the admin API (``/admin/v1/moves``) and a drain all run this
one Mover; every statement it sends is named in shim/nodes/sql/moves.sql.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime, timezone
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


class Parked(Exception):
    """A reversible move with nothing to do until its window ends (or an operator asks): its job waits."""

    def __init__(self, until: datetime) -> None:
        super().__init__(f"reversible until {until.isoformat()}")
        self.until = until


@dataclass(frozen=True)
class Stream:
    """One direction of a move's replication: publication and slot on ``publisher``, subscription on
    ``subscriber``, all named ``name``."""

    name: str
    publisher: str
    subscriber: str


@dataclass(frozen=True)
class Move:
    move_id: int
    tenant_id: UUID
    source: str
    target: str
    state: str
    switched: bool
    keep_source: bool
    reversible_until: datetime | None = None
    requested: str | None = None
    fenced: bool = False
    in_drain: bool = False

    @property
    def name(self) -> str:
        """Publication, slot and subscription name of this move."""
        return f"fedgate_move_{self.move_id}"

    @property
    def forward(self) -> Stream:
        return Stream(self.name, self.source, self.target)

    @property
    def back(self) -> Stream:
        """A reversible move's reverse replication, from its target to its source."""
        return Stream(f"{self.name}_back", self.target, self.source)

    @property
    def home(self) -> str:
        """Where the tenant lives now (a switched move: its target; a reversed one: its source)."""
        return self.target if self.state == "switched" else self.source


class Mover:
    def __init__(self, connector: Connector, *, progress: Progress | None = None, catch_up_bytes: int = 64 * 1024,
                 step_timeout: float = 600.0, verify_timeout: float = 10.0,
                 should_stop: Callable[[], bool] | None = None, reversible_for: float = 0.0) -> None:
        self.connector = connector
        self.progress = progress or (lambda state, figures: None)
        self.should_stop = should_stop or (lambda: False)
        self.catch_up_bytes = catch_up_bytes
        self.step_timeout = step_timeout
        self.verify_timeout = verify_timeout
        self.reversible_for = reversible_for  # seconds a switched move stays reversible (0: it cleans up at once)

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
        return Move(int(row[0]), row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[8], bool(row[9]),
                    bool(row[10]))

    def _reversible(self, move: Move) -> bool:
        """A move keeps its source in sync after its switch unless it is a drain's, keeps its source
        unsynced (--keep-source), or reversible moves are off (FEDGATE_MOVE_REVERSIBLE_FOR=0)."""
        return self.reversible_for > 0 and not move.keep_source and not move.in_drain

    # -- the move --------------------------------------------------------------
    def start(self, tenant: UUID, target: str, keep_source: bool = False, parent: int | None = None,
              then: Callable[[psycopg.Connection[Any], int], Any] | None = None, override: str | None = None) -> Move:
        """Open a move (and its job, the catalog's start_move); ``then`` runs in the same transaction (a
        driver claims the job there, so no other driver sees it unclaimed). A target outside the tenant's
        residency is refused (FG451, recorded) unless ``override`` gives the reason."""
        with self._control() as conn:
            source = conn.execute(QUERIES["move_source"], (tenant,)).fetchone()
        assert source is not None
        for node, role in ((source[0], "source"),) + (((target, "target"),) if self.reversible_for > 0 else ()):
            with self._node(node) as conn:
                level = wal_level_problem(conn)
            if level:
                raise MoveError(f"node {node} {level}: a move's {role} needs it"
                                + (" (a reversible move's target publishes back to its source; "
                                   "FEDGATE_MOVE_REVERSIBLE_FOR=0 makes moves without it)" if role == "target" else ""))
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
            "cutover": self._cutover, "cleanup": self._cleanup, "switched": self._settled, "reversed": self._settled}
        while True:
            move = self.load(move_id)
            if move.state in ("done", "aborted", "failed"):
                if self._objects(move):  # ended by someone who did not drop what it made (psql's abort_move)
                    if move.state == "done":
                        self._drop_stream(move, move.forward)
                        self._drop_stream(move, move.back)
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

    def _record(self, move: Move, *objects: tuple[str, ...]) -> None:
        """(node, kind[, name]) recorded before they are made: whoever ends the move drops them, even if this
        mover dies meanwhile (the name: the move's own unless given)."""
        with self._control() as conn:
            for node, kind, *name in objects:
                conn.execute(QUERIES["record_move_object"], (move.move_id, node, kind, name[0] if name else move.name))

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
            self._publish(src, move, move.forward)
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
        verification's bound, the fenced verification hashes everything, as before. First the target's
        append-only tables are vacuumed: the rows the copy just wrote are all-visible then, and the fenced
        count of the rows up to the marks reads the index alone instead of every heap page."""
        with self._node(move.target) as dst:
            tables = [sql.Identifier("onboarding", str(r[0])) for r in dst.execute(QUERIES["append_only_tables"])]
            dst.execute(QUERIES["lock_timeout"], ("5s",))
            try:
                dst.execute(compose("vacuum_tables", tables=sql.SQL(", ").join(tables)))
            except psycopg.errors.LockNotAvailable:  # an autovacuum works there: the count reads the heap, slower
                pass
        marks = self._verified_upto(move, move.source, move.target)
        self._advance(move, "cutover", {"verify": {"marks": marks},
                                        "rowsCopied": self._counts(move.target, move.tenant_id),
                                        "rowsExpected": self._counts(move.source, move.tenant_id)})

    def _verified_upto(self, move: Move, home: str, other: str) -> dict[str, int] | None:
        """The append-only tables' high-water ids on ``home``, once ``other`` holds the same rows up to them
        (it catches up through the stream); None when it does not within the verification's bound."""
        with self._node(home) as src, self._node(other) as dst:
            marks = src.execute(QUERIES["tenant_marks"], (move.tenant_id,)).fetchone()[0]  # type: ignore[index]
            deadline = time.monotonic() + self.verify_timeout
            while True:
                expected = _digests(src, move.tenant_id, marks, "tenant_digest_upto")
                if _digests(dst, move.tenant_id, marks, "tenant_digest_upto") == expected:
                    return marks  # type: ignore[no-any-return]
                if time.monotonic() > deadline:
                    return None
                self._still_open(move)
                time.sleep(0.1)

    def _cutover(self, move: Move) -> None:
        """Fence, wait for the marker, verify, switch. A database error before the switch ends the move
        failed and lifts the fence (the tenant is served from its source again at once) instead of leaving
        it fenced until someone resumes or aborts the move; after the switch the move is the target's."""
        reversible = self._reversible(move)

        def fail(why: str, verdict: dict[str, Any] | None = None) -> None:
            self._stop(move, "failed", why, verdict)

        try:
            figures = self._flip(move, move.source, move.target, move.forward,
                                 move.back if reversible else None, fail,
                                 (self.figures(move.move_id).get("verify_result") or {}).get("marks"))
        except psycopg.Error as exc:
            if self.load(move.move_id).switched:  # the switch committed: what is left is the cleanup's
                raise
            self.connector.record_refusal(exc)  # a residency refusal is recorded
            why = f"the cutover failed: {describe(exc)}"
            self._stop(move, "failed", why)
            raise MoveError(f"move {move.move_id}: {why}; the tenant stays on {move.source}") from None
        moved = self.load(move.move_id)
        self._advance(moved, moved.state, figures)  # the figures; cleanup, or switched (reversible: _settled next)

    def _flip(self, move: Move, home: str, other: str, running: Stream, following: Stream | None,
              fail: Callable[[str, dict[str, Any] | None], None], marks: dict[str, int] | None) -> dict[str, Any]:
        """One switch of the tenant from ``home`` to ``other`` (a move's cutover, a reverse, a forward):
        fence (the catalog's, then ``home``'s), wait for the transactions older than the fence, then for
        the marker to come through ``running``, verify both copies at once, switch the catalog, tombstone
        ``home``. With ``following`` (a reversible move), its publication and slot are made on ``other``
        before the fence and the slot moved to the fenced moment (both copies equal: the stream starts
        exactly there). ``fail`` ends the
        attempt (the tenant stays on ``home``) before MoveError is raised. Returns the switch's figures."""
        with self._control() as control, self._node(home) as src, self._node(home) as hasher, \
                self._node(other) as dst, self._node(other) as aligner, self._node(other) as counter, \
                (self._node(other) if following else nullcontext()) as streamer, ThreadPoolExecutor(5) as pool:
            # Connections first, and a reversible move's next stream (publication and slot on the other side;
            # a logical slot waits for the node's running transactions): the tenant's pause includes neither.
            if following is not None and streamer is not None:
                self._record(move, (other, "publication", following.name), (other, "slot", following.name),
                             (home, "subscription", following.name))
                streamer.execute(QUERIES["statement_timeout"], (f"{int(self.step_timeout * 1000)}ms",))
                self._publish(streamer, move, following)
                streamer.execute(QUERIES["statement_timeout"], (f"{int(self.verify_timeout * 1000)}ms",))
            if home == move.source:
                switch: tuple[str, tuple[Any, ...]] = ("switch_move", (move.move_id,
                                                                       self.reversible_for if following else 0))
            else:
                switch = ("switch_back_move", (move.move_id,))
            # The switch rehearsed, rolled back: a switch the catalog would refuse (a residency guard, a rule)
            # fails here, before the tenant is fenced, and the real one runs on a session whose functions and
            # triggers are compiled and planned (a fresh session's first switch took twice as long).
            with control.transaction(force_rollback=True):
                control.execute(QUERIES["fence_move"], (move.move_id,))
                control.execute(QUERIES[switch[0]], switch[1])
            started = time.monotonic()
            ends: list[tuple[str, float]] = []  # where the pause goes: each phase's end

            def mark(phase: str) -> None:
                ends.append((phase, time.monotonic()))
            control.execute(QUERIES["fence_move"], (move.move_id,))
            fenced_at = src.execute(QUERIES["set_fence"], (move.tenant_id, move.move_id, "fenced",
                                                           other)).fetchone()[0]  # type: ignore[index]
            mark("fence")
            # Handlers that passed their fence check before the fence committed: wait for them to end.
            deadline = time.monotonic() + self.verify_timeout
            while src.execute(QUERIES["older_transactions"], (fenced_at,)).fetchone()[0]:  # type: ignore[index]
                if time.monotonic() > deadline:
                    fail("transactions older than the fence did not end", None)
                    raise MoveError(f"move {move.move_id}: transactions on {home} older than the fence did "
                                    f"not end within {self.verify_timeout:g} s; the tenant stays on {home}")
                time.sleep(POLL)
            mark("olderTransactions")
            # The home's rows are still from here on (the tenant is fenced, its older transactions ended):
            # hashed while the marker travels.
            at_home = pool.submit(_digests, hasher, move.tenant_id, marks)
            # The other side's rows up to the marks, counted meanwhile too: they were equal before the fence,
            # and only a change still in the stream (a retention delete) can alter them now; then the count is
            # taken again once the marker has come, before anything is concluded.
            counted = pool.submit(_counts_upto, counter, move.tenant_id, marks) if marks else None
            # The marker, committed (and flushed) after everything the tenant wrote: once the other side has
            # it, it has all of that too (replication applies in commit order).
            with src.transaction():
                src.execute(QUERIES["synchronous_commit"])
                src.execute(QUERIES["mark_move"], (move.move_id, move.tenant_id))
            while not dst.execute(QUERIES["marker_arrived"], (move.move_id,)).fetchone():
                if time.monotonic() > deadline:
                    fail(f"{other} did not catch up with the fenced {home}", None)
                    raise MoveError(f"move {move.move_id}: {other} did not catch up within "
                                    f"{self.verify_timeout:g} s; the tenant stays on {home}")
                time.sleep(POLL)
            mark("marker")
            at_other = pool.submit(_digests_after, dst, move.tenant_id, marks, counted.result() if counted else None)
            # Meanwhile the other side's sequences go past the tenant's ids (it has them all: the marker came),
            # and a reversible move's next stream starts there; harmless if the verification fails.
            aligned = pool.submit(aligner.execute, QUERIES["align_sequences"], (move.tenant_id,))
            stream: Future[Any] | None = None
            if following is not None and streamer is not None:
                stream = pool.submit(_start_here, streamer, following)
            source, target = at_home.result(), at_other.result()
            if target != source and counted is not None:  # perhaps a change of the stream: count after the marker
                target = _digests(dst, move.tenant_id, marks)
            aligned.result()
            try:
                if stream is not None:
                    stream.result()
            except psycopg.Error as exc:
                fail(f"the reverse stream could not start on {other}: {describe(exc)}", None)
                raise MoveError(f"move {move.move_id}: its stream back from {other} could not start "
                                f"({describe(exc)}); the tenant stays on {home}") from None
            if target != source:
                # Name the rows (still fenced: both copies as they were at the fence), within the verification's
                # time bound; the digests say which tables to look at.
                differing = [table for table in source if target.get(table) != source[table]]
                rows = diff_tenant(self.connector, move.tenant_id, home, other, differing,
                                   budget=self.verify_timeout)
                verdict = {"ok": False, "source": source, "target": target, "rows": rows["tables"],
                           "rowsComplete": rows["complete"]}
                why = f"{_difference(source, target)} ({diff_summary(rows)})"
                fail(f"verification failed: {why}", verdict)
                raise MoveError(f"move {move.move_id}: {other} does not hold {home}'s rows ({why}); "
                                f"the tenant stays on {home}")
            mark("verify")
            if move.state in ("switched", "reversed"):  # a flip: the other side has this move's tombstone
                dst.execute(QUERIES["clear_fence"], (move.tenant_id, move.move_id))
            control.execute(QUERIES[switch[0]], switch[1])
            mark("switch")
            pause_ms = (time.monotonic() - started) * 1000
            phases = {name: round((at - (ends[i - 1][1] if i else started)) * 1000, 1)
                      for i, (name, at) in enumerate(ends)}
            src.execute(QUERIES["set_fence"], (move.tenant_id, move.move_id, "moved", other))
        rows = {table: count for table, (count, _) in source.items()}
        return {"verify": {"ok": True, "rows": rows, "phasesMs": phases, "marks": marks},
                "pauseMs": round(pause_ms, 1), "rowsCopied": rows}

    def _publish(self, conn: psycopg.Connection[Any], move: Move, stream: Stream) -> None:
        """A stream's publication (the tenant's tables, row-filtered, and the move's marker) and its slot, on
        its publisher (``conn``); each made only if missing. The forward stream's before its copy; a
        reversible move's next one before its switch's fence, and ``_start_here`` moves its slot to the
        fenced moment."""
        tables = conn.execute(QUERIES["tenant_tables"]).fetchall()
        if not conn.execute(QUERIES["publication_exists"], (stream.name,)).fetchone():
            tenant = sql.Literal(str(move.tenant_id))
            filtered = sql.SQL(", ").join([
                *(compose("publication_table", table=table, column=column, tenant=tenant) for table, column in tables),
                compose("publication_marker", move=sql.Literal(move.move_id))])
            conn.execute(compose("create_publication", name=stream.name, tables=filtered))
        if not conn.execute(QUERIES["slot_exists"], (stream.name,)).fetchone():
            conn.execute(QUERIES["create_slot"], (stream.name,))

    def _steady(self, move: Move) -> None:
        """A switched or reversed move as its state says (again after a driver died mid-way): the stream
        from the tenant's home to the other copy subscribed, the other stream gone, the other copy
        tombstoned and the home's fence of this move lifted."""
        home = move.home
        running, gone = (move.back, move.forward) if home == move.target else (move.forward, move.back)
        self._drop_stream(move, gone)
        with self._node(running.subscriber) as conn:
            conn.execute(QUERIES["set_fence"], (move.tenant_id, move.move_id, "moved", home))
            if not conn.execute(QUERIES["subscription_exists"], (running.name,)).fetchone():
                self._record(move, (running.subscriber, "subscription", running.name))
                conn.execute(compose("create_stream_subscription", name=running.name,
                                     source=sql.Literal(self.connector.node_dsn(running.publisher)),
                                     slot=sql.Literal(running.name)))
        with self._node(home) as conn:
            conn.execute(QUERIES["clear_fence"], (move.tenant_id, move.move_id))

    def _settled(self, move: Move) -> None:
        """A switched or reversed move: do what an operator asked (reverse, forward, complete), complete it
        once its window has ended, else park its job until then."""
        if move.fenced and move.requested not in ("reverse", "forward"):  # a flip its driver left fenced
            with self._control() as conn:
                conn.execute(QUERIES["unfence_move"], (move.move_id, "its driver stopped during the switch"))
            move = self.load(move.move_id)
        if not move.fenced:
            self._steady(move)
        now = datetime.now(timezone.utc)
        if move.requested == "complete" or move.reversible_until is None or move.reversible_until <= now:
            self.complete(move.move_id)
        elif move.requested == "reverse" and move.state == "switched":
            self._turn(move, move.target, move.source, move.back, move.forward)
        elif move.requested == "forward" and move.state == "reversed":
            self._turn(move, move.source, move.target, move.forward, move.back)
        else:
            raise Parked(move.reversible_until)

    def _turn(self, move: Move, home: str, other: str, running: Stream, following: Stream) -> None:
        """A reverse (target to source) or a forward (source to target) of a reversible move; when it does
        not switch, the tenant stays where it was and the move stays reversible (flip_error says why)."""
        def fail(why: str, _verdict: dict[str, Any] | None = None) -> None:
            with self._control() as conn:
                conn.execute(QUERIES["unfence_move"], (move.move_id, why))
            with self._node(home) as conn:
                conn.execute(QUERIES["clear_fence"], (move.tenant_id, move.move_id))
            self._drop_stream(move, following)
            self.progress(move.state, {"error": why})

        # The stream must be streaming before the fence, or the fenced tenant waits for it: a subscription
        # made at the last switch gets its worker within the node's wal_retrieve_retry_interval.
        deadline = time.monotonic() + self.step_timeout
        with self._node(running.publisher) as conn:
            while not conn.execute(QUERIES["slot_active"], (running.name,)).fetchone():
                if time.monotonic() > deadline:
                    raise MoveError(f"move {move.move_id}: its stream {running.name} is not streaming")
                self._still_open(move)
                time.sleep(0.05)
        try:
            figures = self._flip(move, home, other, running, following, fail,
                                 self._verified_upto(move, home, other))
        except psycopg.Error as exc:
            if self.load(move.move_id).state != move.state:  # the switch committed: what is left is _steady's
                raise
            self.connector.record_refusal(exc)  # a residency refusal is recorded
            why = f"the switch failed: {describe(exc)}"  # a rehearsal the catalog refused, a node that failed
            fail(why)
            raise MoveError(f"move {move.move_id}: {why}; the tenant stays on {home}") from None
        turned = self.load(move.move_id)
        self._advance(turned, turned.state, {"verify": figures["verify"], "flipPauseMs": figures["pauseMs"]})

    def _cleanup(self, move: Move) -> None:
        if move.keep_source and move.requested != "complete":
            self._drop_replication(move)
            raise _Kept()  # the source keeps the tenant's rows until `fedgate tenant move --complete`
        self.complete(move.move_id)

    def complete(self, move_id: int) -> dict[str, Any]:
        """The end of a switched move: replication dropped (if still there), the rows of the tenant on the
        copy it does not live on deleted (a tombstone stays there), done. A reversed move ends on its
        source, its target's copy deleted."""
        move = self.load(move_id)
        if move.state not in ("cleanup", "switched", "reversed"):
            raise MoveError(f"move {move_id} is {move.state}: only a switched move completes")
        self._drop_stream(move, move.forward)
        if move.state != "cleanup":
            self._drop_stream(move, move.back)
        left = move.target if move.state == "reversed" else move.source
        with self._node(left) as conn:
            conn.execute(QUERIES["purge_tenant"], (move.tenant_id,))
        self._advance(move, "done")
        return self.figures(move_id)

    # -- undoing ---------------------------------------------------------------
    def _drop_replication(self, move: Move) -> None:
        """The forward stream: subscription (target), slot and publication (source)."""
        self._drop_stream(move, move.forward)

    def _drop_stream(self, move: Move, stream: Stream) -> None:
        """A stream's subscription, slot and publication: gone, whatever state they were left in; the move's
        marker forgotten on both sides."""
        with self._node(stream.subscriber) as dst:
            if dst.execute(QUERIES["subscription_exists"], (stream.name,)).fetchone():
                for step in ("disable_subscription", "detach_subscription", "drop_subscription"):
                    dst.execute(compose(step, name=stream.name))
            dst.execute(QUERIES["forget_marker"], (move.move_id,))
        self._dropped(move, stream.subscriber, "subscription")
        with self._node(stream.publisher) as src:
            deadline = time.monotonic() + 10
            while True:  # a walsender may still hold the slot, or take it again (a mover racing an abort)
                try:
                    if not src.execute(QUERIES["slot_active"], (stream.name,)).fetchone():
                        if src.execute(QUERIES["slot_exists"], (stream.name,)).fetchone():
                            src.execute(QUERIES["drop_slot"], (stream.name,))
                        break
                except psycopg.errors.ObjectInUse:  # 55006: taken between the check and the drop
                    pass
                if time.monotonic() > deadline:
                    raise MoveError(f"move {move.move_id}: its slot {stream.name} on {stream.publisher} is still "
                                    "in use")
                time.sleep(0.1)
            src.execute(compose("drop_publication", name=stream.name))
            src.execute(QUERIES["forget_marker"], (move.move_id,))
        self._dropped(move, stream.publisher, "slot", "publication")

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
        if self._reversible(move):  # a reverse stream its cutover may have begun on the target
            self._drop_stream(move, move.back)
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


def _start_here(conn: psycopg.Connection[Any], stream: Stream) -> None:
    """With the tenant fenced and the marker arrived, its next stream starts now: what its publisher wrote of
    the tenant before this point is what it applied from the tenant's home (equal on both sides), so the
    slot skips it. The position is flushed first (the apply worker commits asynchronously), so the slot can
    advance all the way to it."""
    lsn = conn.execute(QUERIES["wal_insert_lsn"]).fetchone()[0]  # type: ignore[index]
    with conn.transaction():
        conn.execute(QUERIES["synchronous_commit"])
        conn.execute(QUERIES["flush_wal"])
    conn.execute(QUERIES["advance_slot"], (stream.name, lsn))


def _counts_upto(conn: psycopg.Connection[Any], tenant: UUID, marks: dict[str, int]) -> dict[str, int]:
    return {r[0]: int(r[1]) for r in conn.execute(QUERIES["tenant_counts_upto"], (tenant, Jsonb(marks))).fetchall()}


def _digests_after(conn: psycopg.Connection[Any], tenant: UUID, marks: dict[str, int] | None,
                   counts: dict[str, int] | None) -> dict[str, tuple[int, str]]:
    """tenant_digest's rows, the counts up to the marks taken earlier (``counts``; None: counted now)."""
    if counts is None:
        return _digests(conn, tenant, marks)
    return {r[0]: (int(r[1]), str(r[2])) for r in conn.execute(
        QUERIES["tenant_digest_after"], (tenant, Jsonb(marks), Jsonb(counts))).fetchall()}


def _digests(conn: psycopg.Connection[Any], tenant: UUID, marks: dict[str, int] | None = None,
             query: str = "tenant_digest") -> dict[str, tuple[int, str]]:
    return {r[0]: (int(r[1]), str(r[2]))
            for r in conn.execute(QUERIES[query], (tenant, None if marks is None else Jsonb(marks))).fetchall()}


def _difference(source: dict[str, tuple[int, str]], target: dict[str, tuple[int, str]]) -> str:
    return "; ".join(f"{table}: {source[table][0]} rows on the source, {target.get(table, (0, ''))[0]} on the target"
                     + ("" if target.get(table, (0, ""))[0] != source[table][0] else " (same count, other rows)")
                     for table in source if target.get(table) != source[table])
