"""Durable jobs: moves and drains are rows in the catalog (``federation.jobs``, control migration 010) that
any live driver can finish.

- ``Lease``: the jobs one driver holds (a gateway worker, or the CLI that started a job), claimed in the
  catalog and renewed every third of ``FEDGATE_JOB_LEASE`` by a thread of its own. A driver that dies
  stops renewing; once its lease lapses another driver claims the job (``FOR UPDATE SKIP LOCKED``) and
  drives it on from the state the catalog holds. A job the renewal no longer finds is lost: its driver
  stops at its next polling point.
- ``Driver``: drives one claimed job to its end: a move with the Mover, a drain by moving each of the
  node's tenants (its moves are jobs of their own, which it holds too). A failed step is tried again
  after a backoff, ``FEDGATE_JOB_ATTEMPTS`` times at most; then the job stops, failed, with its error,
  what the move left on the nodes and how to abort it.
- ``JobRunner``: a gateway worker's loop: every ``FEDGATE_JOB_POLL`` seconds it claims what its instance
  may still drive (``FEDGATE_JOBS_PER_INSTANCE``) and drives each on a thread; stopping, it lets its
  drivers reach a polling point and hands their jobs back, so the fleet takes them on at once.

Citus runs its rebalancer as background tasks in a table with retries; Vitess keeps a workflow's state
outside the process that drives it. The catalog is the coordination store here: no other service.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, TypeVar
from uuid import UUID

import psycopg

from shim.actions.moves import Interrupted, MoveError, Mover, Parked, Progress
from shim.config import JobSettings
from shim.errors import GatewayError, describe
from shim.nodes.connector import Connector
from shim.nodes.queries import QUERIES

log = logging.getLogger("fedgate.jobs")
_T = TypeVar("_T")
ENDED = frozenset({"done", "aborted", "failed"})  # a move's ends, which are its job's too


@dataclass(frozen=True)
class Job:
    job_id: int
    kind: str
    move_id: int | None
    node_id: str | None
    params: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, row: tuple[Any, ...]) -> "Job":
        return cls(int(row[0]), str(row[1]), row[2], row[3], dict(row[4] or {}))


class Lease:
    """The jobs one driver holds, renewed together every third of the lease. With ``keep`` (a gateway
    worker's, which looks for jobs every second) its statements share one control connection, kept open
    and made again when the catalog dropped it, instead of a new connection each."""

    def __init__(self, connector: Connector, owner: str, instance: str | None, seconds: float,
                 keep: bool = False) -> None:
        self.connector, self.owner, self.instance, self.seconds = connector, owner, instance, seconds
        self._held: set[int] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._keep = keep
        self._kept: psycopg.Connection[Any] | None = None
        self._kept_lock = threading.Lock()

    def _on_control(self, work: Callable[[psycopg.Connection[Any]], _T]) -> _T:
        """``work`` on a control connection: a new one, or with ``keep`` the kept one, and once more on a
        new one when the catalog had dropped it (a restart, a failover: its statements are idempotent)."""
        if not self._keep:
            with self.connector.control() as conn:
                return work(conn)
        conn = self._kept_connection()
        try:
            return work(conn)  # psycopg serializes the threads that share it (jobs loop, renewal, drivers)
        except psycopg.OperationalError:
            if not conn.broken:
                raise
            return work(self._kept_connection())

    def _kept_connection(self) -> psycopg.Connection[Any]:
        with self._kept_lock:
            if self._kept is None or self._kept.closed or self._kept.broken:
                self._kept = self.connector.control()
            return self._kept

    def close(self) -> None:
        """The kept connection closed (the worker stops)."""
        with self._kept_lock:
            kept, self._kept = self._kept, None
        if kept is not None:
            kept.close()

    def claim(self, job_id: int, conn: psycopg.Connection[Any] | None = None) -> Job:
        """One job by id (FG409 while another live driver holds it)."""
        def run(c: psycopg.Connection[Any]) -> Job:
            row = c.execute(QUERIES["claim_job"], (job_id, self.owner, self.instance, self.seconds)).fetchone()
            assert row is not None
            return Job.of(row)
        job = run(conn) if conn is not None else self._on_control(run)
        with self._lock:
            self._held.add(job.job_id)
        return job

    def claim_some(self, most: int) -> list[Job]:
        """Claimable jobs, so that this driver's instance holds at most ``most``."""
        assert self.instance is not None
        rows = self._on_control(lambda conn: conn.execute(
            QUERIES["claim_jobs"], (self.owner, self.instance, most, self.seconds)).fetchall())
        jobs = [Job.of(r) for r in rows]
        with self._lock:
            self._held.update(j.job_id for j in jobs)
        return jobs

    def holds(self, job_id: int) -> bool:
        with self._lock:
            return job_id in self._held

    def forget(self, job_id: int) -> None:
        with self._lock:
            self._held.discard(job_id)

    def renew(self) -> None:
        """The leases of the jobs this driver drives now (a job whose thread ended is forgotten: it lapses)."""
        with self._lock:
            held = sorted(self._held)
        if not held:
            return
        still = {int(r[0]) for r in self._on_control(lambda conn: conn.execute(
            QUERIES["renew_jobs"], (self.owner, self.seconds, held)).fetchall())}
        with self._lock:  # of those renewed and still held: a job claimed, ended or handed back meanwhile is not lost
            lost = (set(held) - still) & self._held
            self._held -= lost
        for job_id in lost:
            log.warning("job %s: its lease was lost (taken over or ended): this driver stops driving it", job_id)

    def release(self) -> None:
        """Every job this driver holds, handed back: claimable at once."""
        self._on_control(lambda conn: conn.execute(QUERIES["release_jobs"], (self.owner,)))
        with self._lock:
            self._held.clear()

    def start(self) -> "Lease":
        def loop() -> None:
            while not self._stop.wait(self.seconds / 3):
                try:
                    self.renew()
                except psycopg.Error as exc:  # the catalog away: the next round tries again, within the lease
                    log.warning("job leases not renewed: %s", describe(exc))
        self._thread = threading.Thread(target=loop, name="fedgate-job-lease", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)


class Driver:
    """Drives the jobs a lease holds to their end, one ``drive`` call each."""

    def __init__(self, connector: Connector, lease: Lease, settings: JobSettings, *,
                 progress: Progress | None = None, say: Callable[[str], None] | None = None,
                 catch_up_bytes: int = 64 * 1024, stopping: threading.Event | None = None) -> None:
        self.connector, self.lease, self.settings = connector, lease, settings
        self.progress = progress
        self.say = say or (lambda line: log.info("%s", line))
        self.catch_up_bytes = catch_up_bytes
        self.stopping = stopping or threading.Event()

    def mover(self, job_id: int | None = None) -> Mover:
        def should_stop() -> bool:
            return self.stopping.is_set() or (job_id is not None and not self.lease.holds(job_id))
        return Mover(self.connector, progress=self.progress, catch_up_bytes=self.catch_up_bytes,
                     should_stop=should_stop, reversible_for=self.settings.reversible_for)

    # -- starting ----------------------------------------------------------------------------------
    def start_move(self, tenant: UUID, target: str, keep_source: bool = False, parent: int | None = None,
                   override: str | None = None) -> Job:
        """Open a move and claim its job in the same transaction: no other driver sees it unclaimed."""
        claimed: list[Job] = []

        def claim(conn: psycopg.Connection[Any], move_id: int) -> None:
            row = conn.execute(QUERIES["move_job"], (move_id,)).fetchone()
            assert row is not None
            claimed.append(self.lease.claim(int(row[0]), conn))
        self.mover().start(tenant, target, keep_source, parent, then=claim, override=override)
        return claimed[0]

    def claim_move(self, move_id: int) -> Job | None:
        """The job of an existing move (``--resume``): a failed one is tried again; one a dead driver held
        is claimed once its lease lapses (waited for, a lease at most); one a live driver holds: FG409;
        None when the move has ended."""
        rows = self.connector.rows("move_job", move_id)
        if self.mover().load(move_id).state in ENDED:
            return None
        try:
            self.connector.rows("requeue_job", rows[0]["job_id"])
        except psycopg.Error:  # its job ended, its move waits (a --keep-source move's --complete)
            return None
        deadline = time.monotonic() + self.lease.seconds + 1
        while True:
            try:
                return self.lease.claim(int(rows[0]["job_id"]))
            except psycopg.Error as exc:
                if self.mover().load(move_id).state in ENDED:
                    return None  # ended meanwhile (the fleet finished it): nothing to drive
                if not _held_elsewhere(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.5)

    # -- driving -----------------------------------------------------------------------------------
    def drive(self, job: Job) -> str:
        """Drive a held job until it ends (its state), or until this driver must stop ("interrupted")."""
        try:
            if job.kind in ("drain", "plan"):
                return self._plan(job)
            return self._move(job)
        finally:
            self.lease.forget(job.job_id)

    def _finish(self, job: Job, state: str, error: str | None = None) -> str:
        try:
            self.connector.rows("finish_job", job.job_id, self.lease.owner, state, error)
            self.lease.forget(job.job_id)  # ended: no longer this driver's, before its next renewal asks
        except psycopg.Error as exc:  # taken over meanwhile: its new driver ends it
            log.warning("job %s: not ended here (%s)", job.job_id, describe(exc))
        return state

    def _retry(self, job: Job, step: str, error: str) -> str:
        """A failed attempt at a step: pending again after a backoff, or failed for good, saying what the
        move left and how to abort it."""
        try:
            if job.move_id is not None:
                left = ", ".join(f"{r['kind']} {r['name']} on {r['node_id']}"
                                 for r in self.connector.rows("move_objects", job.move_id))
                error += (f"; left: {left or 'nothing'}; to give up: fedgate tenant move --abort {job.move_id} "
                          f"(POST /admin/v1/moves/{job.move_id}/abort), to try again: --resume {job.move_id}")
            rows = self.connector.rows("retry_job", job.job_id, self.lease.owner, step, error,
                                       self.settings.attempts, self.settings.backoff)
            self.lease.forget(job.job_id)  # handed back (or failed): no longer this driver's
        except psycopg.Error as exc:  # the catalog away, or the job taken over: its lease decides what next
            log.warning("job %s: %s failed (%s), not recorded (%s)", job.job_id, step, error, describe(exc))
            return "interrupted"
        state = rows[0]["state"] if rows else "pending"
        log.warning("job %s: %s failed (attempt %s): %s", job.job_id, step, rows[0]["attempts"] if rows else "?",
                    error)
        return state

    def _move(self, job: Job) -> str:
        assert job.move_id is not None
        mover = self.mover(job.job_id)
        try:
            figures = mover.run(job.move_id)
        except Interrupted:
            return "interrupted"
        except Parked as parked:  # switched and reversible: its job waits for the window's end, or a request
            try:
                self.connector.rows("park_job", job.job_id, self.lease.owner, parked.until)
                self.lease.forget(job.job_id)
            except psycopg.Error as exc:  # taken over meanwhile: its new driver parks it
                log.warning("job %s: not parked here (%s)", job.job_id, describe(exc))
            return "parked"
        except Exception as exc:  # noqa: BLE001 - recorded on the job: its next attempt, or its end
            why = describe(exc) if isinstance(exc, psycopg.Error) else str(exc)
            try:
                move = mover.load(job.move_id)
            except (psycopg.Error, MoveError):
                return self._retry(job, "unknown", why)
            if move.state in ENDED:
                return self._finish(job, move.state, why)
            return self._retry(job, move.state, why)
        state = str(figures.get("state"))  # cleanup: a --keep-source move waiting for --complete, its job done
        error = figures.get("error") if state != "done" else None
        return self._finish(job, state if state in ENDED else "done", error)

    def _plan(self, job: Job) -> str:
        """A drain's or plan's moves, ``parallel`` at once and at most ``maxRowsPerS`` rows a second: first
        the moves it opened before (a takeover), then its recorded moves not started yet, in order. A move
        once started is never started again; the plan ends done when every move did."""
        label = f"drain {job.node_id}" if job.kind == "drain" else f"plan {job.job_id}"
        parallel = int(job.params.get("parallel", 1))
        pace = Pace(job.params.get("maxRowsPerS"), self.stopping)

        def resume(child: int, move_id: int) -> str:
            return f"move {move_id}: {self._child(child, job.job_id)}"

        def start(tenant: UUID, target: str, cost: int) -> str:
            if self.stopping.is_set() or not self.lease.holds(job.job_id) or not pace.wait(cost):
                return f"{tenant}: not started (this driver stops)"
            try:
                child = self.start_move(tenant, target, parent=job.job_id)
            except (MoveError, GatewayError, psycopg.Error) as exc:
                why = describe(exc) if isinstance(exc, psycopg.Error) else str(exc)
                return f"{tenant} -> {target}: not moved ({why})"
            return f"{tenant} -> {target}: {self._drive_child(child)}"

        with ThreadPoolExecutor(max(1, parallel)) as pool:
            futures = [pool.submit(resume, int(r["job_id"]), int(r["move_id"]))
                       for r in self.connector.rows("plan_children", job.job_id)]
            futures += [pool.submit(start, UUID(str(r["tenant_id"])), str(r["target_node"]), int(r["cost"] or 0))
                        for r in self.connector.rows("plan_job_moves", job.job_id)]
            for future in futures:
                self.say(f"{label}: {future.result()}")
        if self.stopping.is_set() or not self.lease.holds(job.job_id):
            return "interrupted"
        left = int(self.connector.rows("plan_left", job.job_id)[0]["left"])
        if left and job.kind == "drain":
            return self._finish(job, "failed", f"{left} tenants left on {job.node_id}: see federation_plan_moves "
                                               "for their moves; drain again once they can move")
        if left:
            return self._finish(job, "failed", f"{left} of its moves did not finish: see federation_plan_moves; "
                                               "run the command again to plan what is left")
        return self._finish(job, "done")

    def _child(self, job_id: int, parent: int) -> str:
        """A move the drain or plan opened earlier, claimed and driven on. Only its parent's driver claims
        it: one its previous driver still holds is waited for (that driver died: its lease lapses; it lives:
        the move ends in its hands), while this driver holds the parent."""
        while True:
            try:
                child = self.lease.claim(job_id)
                break
            except psycopg.Error as exc:
                if not _held_elsewhere(exc) or not self.lease.holds(parent):
                    return f"not driven here ({describe(exc)})"
            if self.stopping.wait(0.2):
                return "interrupted"
        return self._drive_child(child)

    def _drive_child(self, child: Job) -> str:
        """A drain's move, with its attempts: a failed step is tried again here after its backoff."""
        while True:
            state = self.drive(child)
            if state != "pending" or self.stopping.is_set():
                return state
            rows = self.connector.rows("get_job", child.job_id)
            wait = (rows[0]["not_before"] - datetime.now(timezone.utc)).total_seconds() if rows else 0.0
            if self.stopping.wait(max(0.0, wait)):
                return "interrupted"
            try:
                child = self.lease.claim(child.job_id)
            except psycopg.Error as exc:
                return f"not driven here ({describe(exc)})"


class Pace:
    """A plan's pace limit: the moves' rows started by any moment stay within ``rows_per_s`` a second
    since the first (which starts at once); None paces nothing."""

    def __init__(self, rows_per_s: Any, stopping: threading.Event,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = float(rows_per_s) if rows_per_s else None
        self.stopping, self.clock = stopping, clock
        self._next = 0.0
        self._lock = threading.Lock()

    def turn(self, rows: int) -> float:
        """Seconds until a move of ``rows`` may start (its rows are counted from then on)."""
        if self.rate is None:
            return 0.0
        with self._lock:
            now = self.clock()
            at = max(now, self._next)
            self._next = at + rows / self.rate
        return at - now

    def wait(self, rows: int) -> bool:
        """Wait for this move's turn; False when the driver stops meanwhile."""
        return not self.stopping.wait(self.turn(rows))


def cli_owner() -> str:
    """A CLI driver's name in the catalog: where and which process."""
    return f"cli/{socket.gethostname()}/{os.getpid()}"


@contextmanager
def held(connector: Connector, settings: JobSettings, owner: str) -> Iterator[Lease]:
    """A lease for a driver outside the gateway (the CLI), renewed while the block runs; interrupted
    (Ctrl-C), it hands its jobs back so the fleet drives them on at once."""
    lease = Lease(connector, owner, None, settings.lease).start()
    try:
        yield lease
    except KeyboardInterrupt:
        lease.release()
        raise
    finally:
        lease.stop()


def _held_elsewhere(exc: psycopg.Error) -> bool:
    return exc.sqlstate == "FG409" and "driven by" in describe(exc)


def abort_move(connector: Connector, move_id: int, owner: str, settings: JobSettings,
               why: str = "aborted by an operator") -> dict[str, Any]:
    """Abort a move before its switch, whoever drives it: with its job's lease when no live driver holds it
    (so no driver starts meanwhile), else the catalog's stop first, then what the move made is dropped by
    whoever holds the lease next (its live driver at its next polling point, or this action once a dead
    driver's lease lapses). Its figures, once nothing recorded is left (a lease and 2 s at most)."""
    mover = Mover(connector)
    lease = Lease(connector, owner, None, settings.lease)
    job_id = int(connector.rows("move_job", move_id)[0]["job_id"])
    try:
        job: Job | None = lease.claim(job_id)
    except psycopg.Error as exc:
        if not _held_elsewhere(exc):
            job = None  # its job has ended (a failed job whose move is still open): abort without one
        else:
            move = mover.load(move_id)
            if move.switched or move.state in ENDED:
                return mover.abort(move_id, why)  # MoveError: nothing to abort
            connector.rows("stop_move", move_id, "aborted", why)
            deadline = time.monotonic() + settings.lease + 2
            while connector.rows("move_objects", move_id) and time.monotonic() < deadline:
                try:
                    job = lease.claim(job_id)
                except psycopg.Error:
                    time.sleep(0.2)
                    continue
                mover.run(move_id)  # aborted: drops what is left
                connector.rows("finish_job", job_id, owner, "aborted", why)
                break
            return mover.figures(move_id)
    try:
        figures = mover.abort(move_id, why)
    except BaseException:
        if job is not None:
            lease.release()
        raise
    if job is not None:
        connector.rows("finish_job", job_id, owner, "aborted", why)
    return figures


def follow(driver: Driver, job_id: int, job: Job | None = None, *, poll: float = 0.5,
           watch: Callable[[], None] | None = None) -> str:
    """A job to its end: driven here while this driver holds it (``job``) or can claim it (pending, or its
    driver's lease lapsed), else followed while whoever holds it drives it (``watch`` each poll). Its
    final state, or "interrupted" when this driver stops."""
    while True:
        if job is not None:
            if driver.drive(job) == "interrupted":
                return "interrupted"
            job = None
        rows = driver.connector.rows("get_job", job_id)
        if not rows:
            raise GatewayError(404, "FGW404", f"no job {job_id}")
        if rows[0]["state"] in ENDED:
            return str(rows[0]["state"])
        if not rows[0]["held"] and rows[0]["not_before"] <= datetime.now(timezone.utc):
            try:
                job = driver.lease.claim(job_id)
                continue
            except psycopg.Error as exc:
                if not _held_elsewhere(exc):
                    raise
        if watch is not None:
            watch()
        if driver.stopping.wait(poll):
            return "interrupted"


def request_move(connector: Connector, move_id: int, what: str) -> None:
    """Ask a switched move to go back (``reverse``), a reversed one to go forward again (``forward``), or
    either (or a --keep-source move) to ``complete``: recorded on the move, its job woken for whoever drives
    it (FG404/FG409 from the catalog for no such move, or one in another state)."""
    connector.rows("request_move", move_id, what)


def drive_request(driver: Driver, move_id: int, timeout: float = 600.0) -> dict[str, Any]:
    """An operator's request of a reversible move carried out here when this driver gets its job, else
    watched until whoever holds it has (a live gateway may claim it first). Its figures then."""
    mover = driver.mover()
    job_id = int(driver.connector.rows("move_job", move_id)[0]["job_id"])
    try:
        job: Job | None = driver.lease.claim(job_id)
    except psycopg.Error as exc:
        if not _held_elsewhere(exc):
            raise
        job = None
    if job is not None:
        driver.drive(job)
        return mover.figures(move_id)
    deadline = time.monotonic() + timeout
    while ((figures := mover.figures(move_id)).get("requested") and figures.get("state") not in ENDED
           and time.monotonic() < deadline):
        time.sleep(0.2)
    return figures


def resume_move(connector: Connector, move_id: int) -> None:
    """A move's job driven on: a failed one pending again (its attempts reset); FG404/FG409 from the
    catalog when there is no such move or it ended for good."""
    rows = connector.rows("move_job", move_id)
    connector.rows("requeue_job", rows[0]["job_id"])


class JobRunner:
    """A gateway worker's jobs: claimed every poll while its instance has room, each driven on a thread."""

    def __init__(self, connector: Connector, instance: str, owner: str, settings: JobSettings) -> None:
        self.settings = settings
        self.stopping = threading.Event()
        self.lease = Lease(connector, owner, instance, settings.lease, keep=True)
        self.driver = Driver(connector, self.lease, settings, stopping=self.stopping)
        self._wake = threading.Event()
        self._threads: set[threading.Thread] = set()  # drivers running (the loop's and the admin API's)
        self._threads_lock = threading.Lock()
        self._loop_thread: threading.Thread | None = None

    @property
    def enabled(self) -> bool:
        return self.settings.per_instance > 0

    def start(self) -> None:
        if not self.enabled:
            return
        self.lease.start()
        self._loop_thread = threading.Thread(target=self._loop, name="fedgate-jobs", daemon=True)
        self._loop_thread.start()

    def wake(self) -> None:
        self._wake.set()

    def _loop(self) -> None:
        while not self.stopping.is_set():
            if self.busy() < self.settings.per_instance:
                try:
                    for job in self.lease.claim_some(self.settings.per_instance):
                        self.run(job)
                except psycopg.Error as exc:  # the catalog away: the next poll tries again
                    log.warning("no jobs claimed: %s", describe(exc))
            self._wake.wait(self.settings.poll)
            self._wake.clear()

    def run(self, job: Job) -> None:
        """Drive a job this worker holds on a thread of its own."""
        def work() -> None:
            try:
                state = self.driver.drive(job)
                log.info("job %s (%s): %s", job.job_id, job.kind, state)
            except Exception as exc:  # noqa: BLE001 - the job's lease lapses; another attempt follows
                log.warning("job %s stopped: %s", job.job_id, type(exc).__name__)
        thread = threading.Thread(target=work, name=f"fedgate-job-{job.job_id}", daemon=True)
        with self._threads_lock:
            self._threads.add(thread)
        thread.start()

    def busy(self) -> int:
        """Jobs this worker drives now."""
        with self._threads_lock:
            self._threads = {t for t in self._threads if t.is_alive()}
            return len(self._threads)

    def start_move(self, connector: Connector, tenant: UUID, target: str, keep_source: bool,
                   override: str | None = None) -> int:
        """The admin API's move (``connector``: its caller's): recorded, and driven here at once when this
        worker has room, else by the next driver that looks; the move's id."""
        starter = Driver(connector, self.lease, self.settings)
        if self.enabled and self.busy() < self.settings.per_instance:
            job = starter.start_move(tenant, target, keep_source, override=override)
            self.run(job)
            return int(job.move_id or 0)
        return starter.mover().start(tenant, target, keep_source, override=override).move_id

    def stop(self, grace: float = 3.0) -> None:
        """Drivers stop at their next polling point (a cutover runs to its end, within its bounds); every
        job still held is handed back, so the fleet drives it on at once."""
        self.stopping.set()
        self._wake.set()
        deadline = time.monotonic() + grace
        with self._threads_lock:
            running = list(self._threads)
        for thread in running:
            thread.join(max(0.0, deadline - time.monotonic()))
        self.lease.stop()
        if self.enabled:
            self.lease.release()
        self.lease.close()
