"""`make run`'s embedded default: its own secret, printed credentials that work as the README says."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx

from shim.dev.embedded import SECRET_FILE, usable_data_dir
from tests.federation import free_port


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
                if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                    return process, exports
            except httpx.HTTPError:
                pass
        time.sleep(0.2)
    process.kill()
    raise AssertionError(f"not ready:\n{log.read_text(errors='replace')}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    process.wait(30)


def test_make_run_prints_credentials_that_work_and_keeps_its_secret(tmp_path: Path) -> None:
    data_dir = tmp_path / "dev"
    port = free_port()
    process, exports = _serve(data_dir, port, tmp_path / "first.log")
    try:
        base = exports["FEDGATE_URL"]
        # The README's curl line, as printed.
        status = httpx.get(f"{base}/federation/api/onboarding/tenants/{exports['TENANT1']}/status",
                           headers={"Authorization": f"Bearer {exports['TENANT1_TOKEN']}"}, timeout=10)
        assert status.status_code == 200 and status.json()["name"] == "Acme Corp"
        other = httpx.get(f"{base}/federation/api/onboarding/tenants/{exports['TENANT2']}/status",
                          headers={"Authorization": f"Bearer {exports['TENANT1_TOKEN']}"}, timeout=10)
        assert other.status_code == 403
        created = httpx.post(f"{base}/federation/api/onboarding/tenants", json={"name": "Mine", "region": "eu-west"},
                             headers={"Authorization": f"Bearer {exports['FEDGATE_TOKEN']}"}, timeout=10)
        assert created.status_code == 201, created.text
        assert httpx.get(f"{base}/federation/api/onboarding/regions", timeout=10).status_code == 401
    finally:
        _stop(process)
    secret = usable_data_dir(data_dir) / SECRET_FILE
    assert secret.stat().st_mode & 0o777 == 0o600
    # A restart keeps the secret: the tokens printed before still work.
    process, _ = _serve(data_dir, port, tmp_path / "second.log")
    try:
        again = httpx.get(f"{base}/federation/api/onboarding/tenants/{exports['TENANT1']}/status",
                          headers={"Authorization": f"Bearer {exports['TENANT1_TOKEN']}"}, timeout=10)
        assert again.status_code == 200
    finally:
        _stop(process)
        shutil.rmtree(usable_data_dir(data_dir), ignore_errors=True)
