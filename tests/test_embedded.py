"""`make run`'s embedded default: its own secret, printed credentials that work as the README says."""

from __future__ import annotations

import pytest

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

import httpx

from shim.dev.embedded import SECRET_FILE, URL_FILE, usable_data_dir
from tests.federation import TLS, free_port

pytestmark = pytest.mark.slow  # a scenario test: make test runs it, make test-fast does not


def _serve(data_dir: Path, port: int, log: Path) -> tuple[subprocess.Popen[bytes], dict[str, str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FEDGATE_")}
    env["FEDGATE_DEV_DATA"] = str(data_dir)
    with open(log, "wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "shim.cli", "serve", "--single-process",
                                    "--port", str(port)], stdout=out, stderr=subprocess.STDOUT, env=env)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        text = log.read_text(errors="replace")
        if process.poll() is not None:
            raise AssertionError(f"fedgate serve exited:\n{text}")
        exports = dict(re.findall(r"export (\w+)=(\S+)", text))
        if "TENANT3_TOKEN" in exports:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1, verify=TLS).status_code == 200:
                    return process, exports
            except httpx.HTTPError:
                pass
        time.sleep(0.2)
    process.kill()
    raise AssertionError(f"not ready:\n{log.read_text(errors='replace')}")


def _no_other_account_reaches_the_clusters(url: str) -> None:
    """The clusters trust local connections, so they listen on Unix sockets only, in directories of mode
    0700: no TCP port to connect to, and no other account can enter the socket's directory."""
    host, _, port = urlsplit(url).netloc.rpartition("@")[2].rpartition(":")
    socket_dir = Path(unquote(host))
    assert socket_dir.is_dir() and socket_dir.stat().st_mode & 0o777 == 0o700, url
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", int(port)), timeout=2).close()


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    process.wait(30)


def _fedgate(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "shim.cli", *args], capture_output=True, text=True, timeout=120,
                          env=env)


def _the_docs_cli_examples_run_as_printed(exports: dict[str, str], data_dir: Path) -> None:
    """The printed FEDGATE_DATABASE_URL serves the CLI; `fedgate dev psql` finds the running default by
    itself; Globex Europe moves to the second eu-west node as docs/moves.md shows."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FEDGATE_")}
    listed = _fedgate("node", "list", "--json", env={**env, "FEDGATE_DATABASE_URL": exports["FEDGATE_DATABASE_URL"]})
    assert listed.returncode == 0, listed.stderr
    assert {n["node_id"] for n in json.loads(listed.stdout)["nodes"]} == {"default", "eu-west-1", "eu-west-2",
                                                                          "ap-south-1"}
    moved = _fedgate("tenant", "move", exports["TENANT2"], "--to", "eu-west-2",
                     env={**env, "FEDGATE_DATABASE_URL": exports["FEDGATE_DATABASE_URL"]})
    assert moved.returncode == 0 and "state: switched" in moved.stdout, moved.stdout + moved.stderr
    assert "{'" not in moved.stdout  # no Python repr in what the CLI prints
    move_id = next(line.split()[-1] for line in moved.stdout.splitlines() if line.startswith("move_id:"))
    done = _fedgate("tenant", "move", "--complete", move_id,
                    env={**env, "FEDGATE_DATABASE_URL": exports["FEDGATE_DATABASE_URL"]})
    assert done.returncode == 0 and "state: done" in done.stdout, done.stdout + done.stderr
    asked = _fedgate("dev", "psql", "default", "--", "-At", "-c",
                     f"SELECT node_id, reason FROM resolve_node('{exports['TENANT2']}', NULL)",
                     env={**env, "FEDGATE_DEV_DATA": str(data_dir)})
    assert asked.returncode == 0 and asked.stdout.strip() == "eu-west-2|tenant_primary", asked.stdout + asked.stderr


def test_make_run_prints_credentials_that_work_and_keeps_its_secret(tmp_path: Path) -> None:
    data_dir = tmp_path / "dev"
    port = free_port()
    process, exports = _serve(data_dir, port, tmp_path / "first.log")
    try:
        base = exports["FEDGATE_URL"]
        # The README's curl line, as printed.
        status = httpx.get(f"{base}/federation/api/onboarding/tenants/{exports['TENANT1']}/status",
                           headers={"Authorization": f"Bearer {exports['TENANT1_TOKEN']}"}, timeout=10, verify=TLS)
        assert status.status_code == 200 and status.json()["name"] == "Acme Corp"
        other = httpx.get(f"{base}/federation/api/onboarding/tenants/{exports['TENANT2']}/status",
                          headers={"Authorization": f"Bearer {exports['TENANT1_TOKEN']}"}, timeout=10, verify=TLS)
        assert other.status_code == 403
        created = httpx.post(f"{base}/federation/api/onboarding/tenants", json={"name": "Mine", "region": "eu-west"},
                             headers={"Authorization": f"Bearer {exports['FEDGATE_TOKEN']}"}, timeout=10, verify=TLS)
        assert created.status_code == 201, created.text
        assert httpx.get(f"{base}/federation/api/onboarding/regions", timeout=10, verify=TLS).status_code == 401
        _no_other_account_reaches_the_clusters(exports["FEDGATE_DATABASE_URL"])
        _the_docs_cli_examples_run_as_printed(exports, data_dir)
    finally:
        _stop(process)
    assert not (usable_data_dir(data_dir) / URL_FILE).exists()  # the URL is kept only while it runs
    secret = usable_data_dir(data_dir) / SECRET_FILE
    assert secret.stat().st_mode & 0o777 == 0o600
    # A restart keeps the secret: the tokens printed before still work.
    process, _ = _serve(data_dir, port, tmp_path / "second.log")
    try:
        again = httpx.get(f"{base}/federation/api/onboarding/tenants/{exports['TENANT1']}/status",
                          headers={"Authorization": f"Bearer {exports['TENANT1_TOKEN']}"}, timeout=10, verify=TLS)
        assert again.status_code == 200
    finally:
        _stop(process)
        shutil.rmtree(usable_data_dir(data_dir), ignore_errors=True)
