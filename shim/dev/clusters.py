"""Throwaway PostgreSQL 15 clusters for tests, benchmarks and the embedded default.

Built on testing.postgresql. PostgreSQL refuses to run as root, so when the
effective uid is 0 initdb and the server are run as the unprivileged
``postgres`` OS user (through ``setpriv``) on directories handed to that user
first. Never used on the request path.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote
from typing import Sequence

import testing.postgresql

PG_BIN = Path(os.environ.get("FEDGATE_PG_BIN", "/usr/lib/postgresql/15/bin"))
SERVICE_USER = "postgres"


# What a node needs for tenant moves: logical decoding, and enough logical replication workers on a target
# for several moves at once (each subscription takes an apply worker and up to its sync workers while it
# copies; PostgreSQL's default of 4 workers made concurrent moves wait 5 s per retry for a free one), and a
# launcher that starts a new subscription's worker within half a second (a reversible move's next stream).
LOGICAL_ARGS = ("-c wal_level=logical -c max_worker_processes=32 -c max_logical_replication_workers=16 "
                "-c max_sync_workers_per_subscription=4 -c wal_retrieve_retry_interval=100ms")


def _running_as_root() -> bool:
    return os.geteuid() == 0


def _privilege_drop() -> list[str]:
    """The command prefix that runs a PostgreSQL binary as the service user."""
    if not _running_as_root():
        return []
    return ["setpriv", f"--reuid={SERVICE_USER}", f"--regid={SERVICE_USER}", "--init-groups", "--"]


def _hand_over(path: Path) -> None:
    """Give a directory tree to the service user (no-op unless root)."""
    if not _running_as_root():
        return
    entry = pwd.getpwnam(SERVICE_USER)
    for root, dirs, files in os.walk(path):
        os.chown(root, entry.pw_uid, entry.pw_gid)
        for name in dirs + files:
            os.lchown(os.path.join(root, name), entry.pw_uid, entry.pw_gid)


def service_user_can_reach(path: Path) -> bool:
    """Whether the PostgreSQL service user can reach ``path`` (always, unless root hands clusters to it).

    A checkout under a home directory of mode 0700 is one it cannot enter: the
    server would fail deep inside with "could not access directory".
    """
    if not _running_as_root():
        return True
    existing = path
    while not existing.exists():
        existing = existing.parent
    done = subprocess.run(_privilege_drop() + ["test", "-x", str(existing)], capture_output=True)
    return done.returncode == 0


class Cluster(testing.postgresql.Postgresql):
    """A testing.postgresql cluster that also works as root.

    ``persistent=True`` keeps the data directory between runs (the embedded
    default); otherwise it lives in a temporary directory removed on stop.
    """

    _use_tmpdir: bool  # testing.postgresql's: it made base_dir, and removes it

    def __init__(self, *, base_dir: str | None = None, port: int | None = None,
                 fsync: bool = False, extra_args: str = "", socket_only: bool = False, **settings: object) -> None:
        # socket_only: no TCP listener, only the Unix socket in base_dir/tmp (mode 0700, the service user's):
        # trust authentication then admits only whoever may enter that directory, not every local account.
        self.socket_only = socket_only
        self.extra_args = extra_args
        listen = "-c listen_addresses=" if socket_only else "-h 127.0.0.1"
        args = f"{listen} -c logging_collector=off -c max_connections=300"
        if not fsync:
            args += " -F -c synchronous_commit=off -c full_page_writes=off"
        if extra_args:
            args += " " + extra_args
        super().__init__(
            base_dir=base_dir,
            port=port,
            initdb=str(PG_BIN / "initdb"),
            postgres=str(PG_BIN / "postgres"),
            initdb_args="-U postgres -A trust -E UTF8 --locale=C.UTF-8",
            postgres_args=args,
            **settings,
        )

    # testing.postgresql creates base_dir, data/ and tmp/ as the calling
    # user; hand them over before initdb and the server touch them.
    def setup(self) -> None:
        source = self.settings.get("copy_data_from")
        if source:
            data_dir = Path(self.get_data_directory())
            if not data_dir.exists():
                shutil.copytree(source, data_dir)
                os.chmod(data_dir, 0o700)
            self.settings["copy_data_from"] = None
        for sub in self.subdirectories:
            path = Path(self.base_dir) / sub
            path.mkdir(parents=True, exist_ok=True)
            os.chmod(path, 0o700)
        _hand_over(Path(self.base_dir))
        self.initialize_database()

    def initialize_database(self) -> None:
        data = Path(self.base_dir) / "data"
        if (data / "PG_VERSION").exists():
            return
        cmd = _privilege_drop() + [self.initdb, "-D", str(data), "--lc-messages=C"]
        cmd += self.settings["initdb_args"].split()
        done = subprocess.run(cmd, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"initdb failed: {done.stderr.strip()}")

    def get_server_commandline(self) -> list[str]:
        return _privilege_drop() + super().get_server_commandline()

    def stop(self, _signal: int = signal.SIGINT) -> None:
        """Stop the server and remove its directory. Fast shutdown (SIGINT): sessions still open are ended.
        testing.postgresql sends SIGTERM, a smart shutdown that waits for every client to leave, up to 10 s
        a cluster before it kills the server (a gateway's connections outliving it made the embedded
        default's stop overrun its 30 s in a CI run)."""
        super().stop(_signal)

    def cleanup(self) -> None:
        """The stopped server's directory removed in the background: the databases a test suite made there
        are tens of thousands of files, seconds to unlink, and nothing waits for them (a detached rm: the
        shell that starts it exits at once)."""
        if self.child_process is None and self._use_tmpdir and os.path.exists(self.base_dir):
            subprocess.run(["sh", "-c", 'rm -rf -- "$1" >/dev/null 2>&1 &', "sh", self.base_dir], check=False)
            self._use_tmpdir = False

    def stop_server(self) -> None:
        """Stop the server but keep its data (for failover tests and restarts)."""
        self.terminate(signal.SIGINT)

    def start_server(self) -> None:
        """Start a stopped server again on the same port and data directory."""
        _hand_over(Path(self.base_dir) / "tmp")
        self.start()

    @property
    def socket_dir(self) -> str:
        return os.path.join(self.base_dir, "tmp")

    def dsn(self, **kwargs: object) -> dict[str, object]:
        """pg8000's parameters (testing.postgresql's own readiness check and set-up use them). Without TLS:
        pg8000 otherwise builds a TLS context for every connection, loading the CA bundle, for servers that
        answer without TLS anyway (its readiness polls were most of a cluster start's CPU)."""
        params = super().dsn(**kwargs)
        params["ssl_context"] = False
        if self.socket_only:
            params.pop("host", None)
            params["unix_sock"] = os.path.join(self.socket_dir, f".s.PGSQL.{params.pop('port')}")
        return params

    def url(self, database: str = "test", **kwargs: object) -> str:  # type: ignore[override]
        if self.socket_only:  # libpq takes a percent-encoded socket directory as the host
            return f"postgresql://postgres@{quote(self.socket_dir, safe='')}:{self.settings['port']}/{database}"
        return super().url(database=database, **kwargs)


def _initdb_template(root: Path) -> str:
    """initdb once into ``root/data``; fresh clusters copy it (about 1.5 s saved each)."""
    data = root / "data"
    root.mkdir(parents=True, exist_ok=True)
    _hand_over(root)
    cmd = _privilege_drop() + [str(PG_BIN / "initdb"), "-D", str(data), "--lc-messages=C",
                               "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8"]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"initdb failed: {done.stderr.strip()}")
    return str(data)


def start_clusters(count: int, base_dirs: Sequence[str | None] | None = None,
                   ports: Sequence[int | None] | None = None, fsync: bool = False,
                   extra_args: str = "", data_from: Sequence[str | None] | None = None,
                   socket_only: bool = False) -> list[Cluster]:
    """Start ``count`` clusters; initdb runs at most once and fresh clusters copy its result, or the data
    directory ``data_from`` names for them (a stopped cluster's, already migrated: the test suite's)."""
    dirs = list(base_dirs or [None] * count)
    wanted_ports = list(ports or [None] * count)
    sources = list(data_from or [None] * count)
    clusters: list[Cluster] = []
    with tempfile.TemporaryDirectory(prefix="fedgate-initdb-") as scratch:
        template: str | None = None
        try:
            for base_dir, port, source in zip(dirs, wanted_ports, sources):
                fresh = base_dir is None or not (Path(base_dir) / "data" / "PG_VERSION").exists()
                if fresh and source is None and template is None:
                    _hand_over(Path(scratch))
                    template = _initdb_template(Path(scratch) / "template")
                cluster = Cluster(base_dir=base_dir, port=port, fsync=fsync, extra_args=extra_args,
                                  copy_data_from=(source or template) if fresh else None, auto_start=0,
                                  socket_only=socket_only)
                clusters.append(cluster)
                cluster.setup()
                cluster.start()
        except BaseException:
            stop_clusters(clusters)
            raise
    return clusters


def stop_clusters(clusters: Sequence[Cluster]) -> None:
    """Every cluster stopped at once (each shutdown waits on its own checkpoint)."""
    def stop(cluster: Cluster) -> None:
        try:
            cluster.stop()
        except Exception:  # noqa: BLE001 - best effort on teardown
            pass
    with ThreadPoolExecutor(max(1, len(clusters))) as pool:
        list(pool.map(stop, clusters))


def start_replica(primary: Cluster, extra_args: str | None = None) -> Cluster:
    """A streaming replica of ``primary``: ``pg_basebackup -R`` of it (as the service user, like every
    cluster here) into a fresh data directory, started on a port of its own, with the primary's settings
    unless told otherwise (a standby refuses to run with fewer worker processes than its primary)."""
    replica = Cluster(extra_args=primary.extra_args if extra_args is None else extra_args, auto_start=0)
    for sub in replica.subdirectories:
        path = Path(replica.base_dir) / sub
        path.mkdir(parents=True, exist_ok=True)
        os.chmod(path, 0o700)
    data = Path(replica.base_dir) / "data"
    shutil.rmtree(data)
    _hand_over(Path(replica.base_dir))
    cmd = _privilege_drop() + [str(PG_BIN / "pg_basebackup"), "-D", str(data), "-R", "-X", "stream",
                               "-c", "fast", "-h", "127.0.0.1", "-p", str(primary.settings["port"]), "-U", "postgres"]
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        replica.cleanup()
        raise RuntimeError(f"pg_basebackup failed: {done.stderr.strip()}")
    replica.start()
    return replica
