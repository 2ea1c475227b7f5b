"""The gateway's database sessions log in with least privilege: node pools as fedgate_gateway (the
api handlers and nothing else), catalog connections as fedgate_catalog (no tenant row); with
FEDGATE_NODE_USER set empty, a node reference's own login as before. A worker's job loop keeps one
control connection: its looks for jobs are statements on it, not new connections."""

from __future__ import annotations

from pathlib import Path

import psycopg

from tests.api_client import FED, create_tenant
from tests.federation import Federation, start_gateway
from tests.waiting import wait_until


def _sessions(url: str) -> dict[str, set[str]]:
    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute("SELECT application_name, usename FROM pg_stat_activity "
                            "WHERE datname = current_database() AND application_name LIKE 'fedgate%'").fetchall()
    found: dict[str, set[str]] = {}
    for app, user in rows:
        found.setdefault(app, set()).add(user)
    return found


def _job_loop_sessions(url: str) -> list[tuple[int, object]]:
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute("SELECT pid, query_start FROM pg_stat_activity WHERE datname = current_database() "
                            "AND application_name = 'fedgate-jobs'").fetchall()


def test_the_gateway_logs_in_with_least_privilege(federation: Federation, tmp_path: Path) -> None:
    gw = start_gateway(federation.control_url, tmp_path, env={"FEDGATE_JOB_POLL": "0.1"})
    try:
        with gw.client() as http:
            tenant = create_tenant(http, "eu-west")
            assert http.get(f"{FED}/tenants/{tenant}/status").status_code == 200
            # The job loop looks for jobs every 0.1 s: five looks, each a statement on the same session.
            wait_until(lambda: len(_job_loop_sessions(federation.control_url)) == 1, "the job loop's session")
            [(pid, _)] = _job_loop_sessions(federation.control_url)
            looks: set[object] = set()

            def looked_five_times() -> bool:
                sessions = _job_loop_sessions(federation.control_url)
                assert [p for p, _ in sessions] == [pid], sessions  # no other session, no new one
                looks.add(sessions[0][1])
                return len(looks) >= 5
            wait_until(looked_five_times, "five looks for jobs")
            node, control = _sessions(federation.urls["eu-west-1"]), _sessions(federation.control_url)
            # What the gateway's own login could do on a node, outside the handlers: nothing.
            with psycopg.connect(federation.urls["eu-west-1"], user="fedgate_gateway", autocommit=True) as conn:
                for statement in ("SELECT count(*) FROM onboarding.tenants", "SELECT onboarding.claims()",
                                  "DELETE FROM onboarding.bootstrap_audit", "CREATE TABLE onboarding.x (i int)"):
                    try:
                        conn.execute(statement)
                        raise AssertionError(f"fedgate_gateway ran {statement}")
                    except psycopg.errors.InsufficientPrivilege:
                        pass
    finally:
        gw.stop()
    assert node["fedgate"] == {"fedgate_gateway"}, node
    assert control["fedgate"] == {"fedgate_gateway"}, control  # the control handlers (registration)
    assert control["fedgate-catalog"] | control["fedgate-listener"] | control["fedgate-health"] | \
        control["fedgate-jobs"] == {"fedgate_catalog"}, control


def test_a_node_references_own_login_when_asked(federation: Federation, tmp_path: Path) -> None:
    gw = start_gateway(federation.control_url, tmp_path, env={"FEDGATE_NODE_USER": "", "FEDGATE_CATALOG_USER": ""})
    try:
        with gw.client() as http:
            tenant = create_tenant(http, "eu-west")
            assert http.get(f"{FED}/tenants/{tenant}/status").status_code == 200
        assert _sessions(federation.urls["eu-west-1"])["fedgate"] == {"postgres"}
        assert _sessions(federation.control_url)["fedgate-catalog"] == {"postgres"}
    finally:
        gw.stop()
