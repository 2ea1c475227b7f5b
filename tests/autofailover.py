"""A pg_auto_failover formation for tests: a monitor and two keepers (`pg_autoctl`, Debian's
postgresql-15-auto-failover and pg-auto-failover-cli), each a PostgreSQL 15 server run by the service user,
in one temporary directory; the primary and a synchronous secondary, as a deployment runs its control
database. fedgate promotes nothing itself: the keepers do."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from shim.dev.clusters import PG_BIN, _hand_over, _privilege_drop
from tests.federation import free_port

PG_AUTOCTL = shutil.which("pg_autoctl") or "/usr/bin/pg_autoctl"


class Formation:
    def __init__(self, database: str = "fedctl") -> None:
        self.root = Path(tempfile.mkdtemp(prefix="fedgate-autofailover-"))
        os.chmod(self.root, 0o755)
        self.database = database
        self.ports = {"monitor": free_port(), "n1": free_port(), "n2": free_port()}
        self.monitor = f"postgres://autoctl_node@127.0.0.1:{self.ports['monitor']}/pg_auto_failover?sslmode=disable"
        self._running: list[subprocess.Popen[bytes]] = []
        self._env = {**os.environ, "PATH": f"{PG_BIN}:{os.environ.get('PATH', '')}", "HOME": str(self.root),
                     **{var: str(self.root / sub) for var, sub in (("XDG_CONFIG_HOME", "config"),
                                                                 ("XDG_DATA_HOME", "share"),
                                                                 ("XDG_RUNTIME_DIR", "run"))}}

    def _autoctl(self, *args: str, timeout: float = 120) -> str:
        done = subprocess.run(_privilege_drop() + [PG_AUTOCTL, *args], capture_output=True, text=True,
                              env=self._env, timeout=timeout, cwd=self.root)
        if done.returncode != 0:
            raise RuntimeError(f"pg_autoctl {args[0]} {args[1] if len(args) > 1 else ''} failed: "
                               f"{done.stderr.strip()[-2000:]}")
        return done.stdout

    def _run(self, name: str) -> None:
        with open(self.root / f"{name}.log", "ab") as log:
            self._running.append(subprocess.Popen(_privilege_drop() + [PG_AUTOCTL, "run", "--pgdata",
                                                                        str(self.root / name)],
                                                  stdout=log, stderr=subprocess.STDOUT, env=self._env,
                                                  cwd=self.root))

    def start(self) -> "Formation":
        for sub in ("config", "share", "run"):
            (self.root / sub).mkdir()
        _hand_over(self.root)
        self._autoctl("create", "monitor", "--pgdata", str(self.root / "monitor"), "--pgport",
                      str(self.ports["monitor"]), "--hostname", "127.0.0.1", "--auth", "trust", "--no-ssl")
        self._run("monitor")
        for name in ("n1", "n2"):  # n1 comes up single, then primary; n2 copies it and becomes its secondary
            self._autoctl("create", "postgres", "--pgdata", str(self.root / name), "--pgport", str(self.ports[name]),
                          "--hostname", "127.0.0.1", "--auth", "trust", "--no-ssl", "--monitor", self.monitor,
                          "--name", name, "--dbname", self.database)
            self._run(name)
        self.wait_for({"primary", "secondary"})
        return self

    def states(self) -> dict[str, tuple[str, str]]:
        """Node name -> (reported, assigned) state, as the monitor sees them."""
        found: dict[str, tuple[str, str]] = {}
        for line in self._autoctl("show", "state", "--monitor", self.monitor).splitlines()[2:]:
            cells = [c.strip() for c in line.split("|")]
            if len(cells) >= 7:
                found[cells[0]] = (cells[5], cells[6])
        return found

    def wait_for(self, reported: set[str], timeout: float = 90) -> dict[str, tuple[str, str]]:
        deadline = time.monotonic() + timeout
        while True:
            states = self.states()
            if {r for r, a in states.values() if r == a} == reported and len(states) == len(reported):
                return states
            if time.monotonic() > deadline:
                raise AssertionError(f"the formation never reached {sorted(reported)}: {states}")
            time.sleep(0.3)

    def primary(self) -> str:
        return next(name for name, (reported, _) in self.states().items() if reported == "primary")

    def url(self, name: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.ports[name]}/{self.database}"

    def multi_host_url(self) -> str:
        """What the formation hands its clients (pg_autoctl show uri): both nodes, the writable one chosen."""
        return (f"postgresql://postgres@127.0.0.1:{self.ports['n1']},127.0.0.1:{self.ports['n2']}/{self.database}"
                "?target_session_attrs=read-write")

    def failover(self) -> None:
        """The monitor's orchestrated failover: the secondary is promoted, the old primary follows it."""
        self._autoctl("perform", "failover", "--monitor", self.monitor, timeout=120)

    def stop(self) -> None:
        for name in ("n1", "n2", "monitor"):
            try:
                self._autoctl("stop", "--pgdata", str(self.root / name), "--immediate", timeout=30)
            except (RuntimeError, subprocess.TimeoutExpired):
                pass
        for process in self._running:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(self.root, ignore_errors=True)
