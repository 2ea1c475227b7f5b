"""A fleet of gateways on one catalog (issue 22, its first part): every instance registers itself and keeps
a heartbeat; one that stops says so, one that dies is gone after its TTL. The admin API, the CLI, the view
and the status page show them."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.federation import Federation, make_federation, start_gateway
from tests.waiting import wait_until

pytestmark = pytest.mark.slow  # a scenario test: make test runs it, make test-fast does not

TTL = {"FEDGATE_INSTANCE_TTL": "1.5"}


def _states(federation: Federation) -> dict[str, str]:
    return dict(federation.catalog("SELECT host || ':' || pid, state FROM federation.federation_gateways"))


def test_instances_register_and_leave(clusters: list, tmp_path: Path) -> None:
    federation = make_federation(clusters)
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
    single = start_gateway(federation.control_url, tmp_path / "one", env=TTL)
    double = start_gateway(federation.control_url, tmp_path / "two", workers=2, env=TTL)
    try:
        with single.client() as http:
            listed = http.get("/admin/v1/gateways")
            assert listed.status_code == 200, listed.text
            items, me = listed.json()["items"], listed.json()["self"]
            assert len(items) == 2 and all(i["alive"] and i["state"] == "alive" for i in items)
            assert {i["workers"] for i in items} == {1, 2} and me in {i["instance_id"] for i in items}
            assert f'id="gateway-{me}"' in http.get("/status").text
        done = subprocess.run([sys.executable, "-m", "shim.cli", "gateway", "list", "--json",
                               "--database-url", federation.control_url], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        assert len(json.loads(done.stdout)) == 2

        # Stopped on purpose (SIGTERM to its main process): stopped at once. Killed: gone after its TTL.
        double.stop()
        wait_until(lambda: sorted(_states(federation).values()) == ["alive", "stopped"], "the stopped instance")
        single.process.send_signal(signal.SIGKILL)
        single.process.wait(30)
        wait_until(lambda: sorted(_states(federation).values()) == ["gone", "stopped"], "the killed instance gone")
    finally:
        single.stop()
        double.stop()
