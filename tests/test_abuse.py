"""What an outsider, a greedy tenant or a stolen agent token can still do (issue 23): each finding of the
attack review, against a real gateway process on real clusters. Client addresses come through one trusted
proxy (X-Forwarded-For), so each test is a different caller; the enrollment failure limit is 6 here."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import jwt
import pytest

from tests.api_client import FED, LEGACY, assert_error, create_tenant, log_shipper_kit, verify
from tests.federation import AUDIENCE, Federation, Gateway, JWT_SECRET, bearer, http_client, start_gateway, token
from tests.waiting import wait_until

pytestmark = pytest.mark.slow  # a scenario test: make test runs it, make test-fast does not

LIMIT = 6  # failed enrollments an address may make (fedgate.enrollment_failure_limit, on every database)
ADMIN = "/admin/v1"


@pytest.fixture(scope="module")
def gw(federation: Federation, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    for node in ("default", "eu-west-1"):
        federation.sql(node, f"ALTER DATABASE {federation.name} SET fedgate.enrollment_failure_limit = {LIMIT}")
        federation.sql(node, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
    gateway = start_gateway(federation.control_url, tmp_path_factory.mktemp("abuse"),
                            env={"FEDGATE_PROXIES_COUNT": "1", "FEDGATE_TENANT_STATS_INTERVAL": "1"})
    try:
        yield gateway
    finally:
        gateway.stop()


def _from(address: str) -> dict[str, str]:
    return {"X-Forwarded-For": address}


def _verify(http: httpx.Client, tenant: str, kit: tuple[str, str], host: str, prefix: str = FED,
            **kw: object) -> httpx.Response:
    return verify(http, tenant, kit, host, prefix, version="<b>x</b>\u202e", **kw)  # a stranger's text


def _audit_rows(federation: Federation, tenant: str) -> int:
    return federation.sql("eu-west-1", "SELECT count(*) FROM onboarding.bootstrap_audit WHERE tenant_id = %s",
                          (tenant,))[0][0]


# 1 -----------------------------------------------------------------------------------------------------
def test_refused_enrollments_count_toward_the_limit_are_aggregated_and_tell_a_stranger_nothing(
        gw: Gateway, federation: Federation) -> None:
    with gw.client() as op, http_client(base_url=gw.base_url, timeout=15) as anon:
        tenant = create_tenant(op)
        kit = log_shipper_kit(op, tenant)
        assert op.post(f"{FED}/bootstrap/kit/{kit[0]}/revoke", params={"tenantId": tenant}).status_code == 200
        before = _audit_rows(federation, tenant)
        answers = [_verify(anon, tenant, (kit[0], "x"), "h-1", headers=_from("198.51.100.1")) for _ in range(60)]
        # A revoked kit and a wrong token: "not accepted", like any other wrong token; counted, then 429.
        assert {(a.status_code, a.json()["code"]) for a in answers[:LIMIT]} == {(401, "FG401")}
        assert {(a.status_code, a.json()["code"]) for a in answers[LIMIT:]} == {(429, "FG429")}
        assert all("Retry-After" in a.headers for a in answers[LIMIT:])
        assert _audit_rows(federation, tenant) - before <= 2  # one row a minute (two across a minute's turn)
        # With the kit's token, the holder learns why.
        assert_error(_verify(anon, tenant, kit, "h-1", headers=_from("198.51.100.2")), 410, "FG410")

        # A suspended tenant: random kit ids say nothing of the suspension, write one row, hold no caller text.
        suspended = create_tenant(op)
        assert op.post(f"{ADMIN}/tenants/{suspended}/suspend", json={}).status_code == 200
        before = _audit_rows(federation, suspended)
        for i in range(LIMIT):
            assert_error(_verify(anon, suspended, (str(uuid.uuid4()), "x"), "h-2", headers=_from("198.51.100.3")),
                         401, "FG401")
        rows = federation.sql("eu-west-1", "SELECT detail FROM onboarding.bootstrap_audit WHERE tenant_id = %s "
                                           "AND outcome = 'failure'", (suspended,))
        assert len(rows) - before <= 2 and all(detail == {"reason": "not_accepted"} for (detail,) in rows)
        audit = op.get(f"{FED}/bootstrap/audit/{suspended}").json()["items"]
        assert sum(item["repeats"] for item in audit if item["outcome"] == "failure") == LIMIT


# 2 -----------------------------------------------------------------------------------------------------
def test_an_agent_token_can_be_revoked_and_a_refresh_rotates(gw: Gateway, federation: Federation) -> None:
    with gw.client() as op, http_client(base_url=gw.base_url, timeout=15) as anon:
        tenant = create_tenant(op)
        kit = log_shipper_kit(op, tenant)
        enrolled = _verify(anon, tenant, kit, "web-1", headers=_from("198.51.100.10")).json()
        agent, first = enrolled["agentId"], enrolled["agentToken"]

        def beat(credential: str) -> httpx.Response:
            return anon.post(f"{FED}/tenants/{tenant}/telemetry", json={"agentId": agent, "cpuPercent": 1},
                             headers={"Authorization": f"Bearer {credential}"})

        def refresh(credential: str) -> httpx.Response:
            return anon.post(f"{FED}/agents/token", params={"tenantId": tenant},
                             headers={"Authorization": f"Bearer {credential}"})

        assert beat(first).status_code == 201
        rotated = refresh(first)
        assert rotated.status_code == 200, rotated.text
        second = rotated.json()["agentToken"]
        assert_error(beat(first), 401, "FG401")  # the refresh ended the old credential
        assert_error(refresh(first), 401, "FG401")
        assert beat(second).status_code == 201
        # No new credential while the tenant is suspended.
        assert op.post(f"{ADMIN}/tenants/{tenant}/suspend", json={}).status_code == 200
        assert_error(refresh(second), 423, "FG423")
        assert op.post(f"{ADMIN}/tenants/{tenant}/resume", json={}).status_code == 200
        # Deregistered by the tenant itself: every token of the agent is refused at once.
        revoked = anon.delete(f"{FED}/tenants/{tenant}/agents/{agent}", headers=bearer("tenant", tenant))
        assert revoked.status_code == 200 and revoked.json()["alreadyRevoked"] is False, revoked.text
        assert_error(beat(second), 401, "FG401")
        assert_error(refresh(second), 401, "FG401")
        again = anon.delete(f"{LEGACY}/tenants/{tenant}/agents/{agent}", headers=bearer("tenant", tenant))
        assert again.status_code in (404, 409)  # the legacy namespace serves the default node only
        assert_error(anon.delete(f"{FED}/tenants/{tenant}/agents/{uuid.uuid4()}", headers=bearer("tenant", tenant)),
                     404, "FG404")
        listed = op.get(f"{FED}/tenants/{tenant}/agents").json()["items"]
        assert [a["revokedAt"] is not None for a in listed] == [True]
        # The host enrolled again with a kit: a new credential that works; the revoked one still does not.
        new = _verify(anon, tenant, kit, "web-1", headers=_from("198.51.100.10"))
        assert new.status_code == 200, new.text
        assert beat(new.json()["agentToken"]).status_code == 201
        assert_error(beat(second), 401, "FG401")

        # The CLI does the same, as an operator.
        other = _verify(anon, tenant, kit, "web-2", headers=_from("198.51.100.10")).json()
        done = subprocess.run([sys.executable, "-m", "shim.cli", "agent", "revoke", tenant, other["agentId"],
                               "--json", "--database-url", federation.control_url],
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["agentId"] == other["agentId"]
        assert_error(anon.post(f"{FED}/tenants/{tenant}/telemetry", json={"agentId": other["agentId"]},
                               headers={"Authorization": f"Bearer {other['agentToken']}"}), 401, "FG401")


# 3 -----------------------------------------------------------------------------------------------------
def test_a_tenant_has_a_write_budget_and_its_neighbour_does_not_notice(gw: Gateway) -> None:
    """Default budget: 50 writes a second, bursts of 100; a kit costs 5. Kits in a tight loop from 8
    clients: what is accepted stays within the budget (whatever this machine's speed), the rest is 429
    with Retry-After, and another tenant's writes meanwhile all succeed."""
    with gw.client() as op:
        greedy, neighbour = create_tenant(op), create_tenant(op)

    def flood(_: int) -> list[httpx.Response]:
        with http_client(base_url=gw.base_url, timeout=30, headers=bearer("tenant", greedy)) as http:
            return [http.post(f"{FED}/bootstrap/kit", json={"tenantId": greedy, "agents": ["log-shipper"]})
                    for _ in range(12)]

    started = time.monotonic()
    with ThreadPoolExecutor(8) as pool, http_client(base_url=gw.base_url, timeout=30,
                                                      headers=bearer("tenant", neighbour)) as quiet:
        flooding = [pool.submit(flood, i) for i in range(8)]
        neighbour_answers = [quiet.post(f"{FED}/identity/validate",
                                        json={"tenantId": neighbour, "type": "oidc", "config": {}}).status_code
                             for _ in range(20)]
        answers = [r for f in flooding for r in f.result()]
    elapsed = time.monotonic() - started
    accepted = [a for a in answers if a.status_code == 201]
    refused = [a for a in answers if a.status_code != 201]
    assert len(accepted) <= 100 / 5 + elapsed * 50 / 5 + 1
    assert refused and all(a.status_code == 429 and a.json()["code"] == "FGW429" for a in refused)
    assert all(int(a.headers["Retry-After"]) >= 1 for a in refused)
    assert neighbour_answers == [200] * 20


# 5 -----------------------------------------------------------------------------------------------------
def test_the_status_page_session(gw: Gateway) -> None:
    with http_client(base_url=gw.base_url, timeout=15, follow_redirects=False) as http:
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        signed = http.post("/status/login", content=f"token={token('operator', ttl=300)}", headers=form)
        assert signed.status_code == 303
        cookie = signed.headers["set-cookie"]
        assert int(re.search(r"Max-Age=(\d+)", cookie, re.I).group(1)) <= 300  # type: ignore[union-attr]
        assert "secure" not in cookie.lower()  # served over http: a Secure cookie would be dropped off localhost
        # Sign-out works on http (a Secure deletion would be ignored), and only from this gateway's page.
        assert http.post("/status/logout", headers={"Origin": "https://evil.example"}).status_code == 403
        out = http.post("/status/logout", headers={"Origin": gw.base_url})
        assert out.status_code == 303 and "secure" not in out.headers["set-cookie"].lower()
        assert re.search(r"Max-Age=0", out.headers["set-cookie"], re.I)
        assert http.post("/status/login", content="token=x", headers={**form, "Origin": "https://evil.example"}
                         ).status_code == 403
        # A token past its exp but inside the leeway signs nobody in.
        stale = token("operator", ttl=-3)
        assert http.post("/status/login", content=f"token={stale}", headers=form).status_code == 401
        # More fields than the form has: 400, not 500.
        many = "&".join(f"f{i}=x" for i in range(8))
        assert http.post("/status/login", content=many, headers=form).status_code == 400
        # Failed sign-ins are limited per address, and logged.
        prober = {**form, "X-Forwarded-For": "198.51.100.40"}
        codes = [http.post("/status/login", content="token=wrong", headers=prober).status_code for _ in range(12)]
        assert codes[0] == 401 and 429 in codes
    log = gw.log_path.read_text(errors="replace")
    assert "sign-in refused from 198.51.100.40" in log and "token=wrong" not in log


# 7 -----------------------------------------------------------------------------------------------------
def test_non_ascii_digits_are_a_400_not_a_500(gw: Gateway) -> None:
    with gw.client() as op:
        for path in (f"{ADMIN}/tenant-stats?top=\u00b2", f"{ADMIN}/moves?limit=\u00b2",
                     f"{FED}/bootstrap/scan?limit=\u00b2"):
            answer = op.get(path)
            assert 400 <= answer.status_code < 500, (path, answer.status_code)


# 8 -----------------------------------------------------------------------------------------------------
def test_enrollment_is_no_oracle_and_no_amplifier(gw: Gateway, federation: Federation, tmp_path: Path) -> None:
    with gw.client() as op, http_client(base_url=gw.base_url, timeout=15) as anon:
        real = create_tenant(op)
        guesses = {"real": _verify(anon, real, (str(uuid.uuid4()), "x"), "o-1", headers=_from("198.51.100.50")),
                   "random": _verify(anon, str(uuid.uuid4()), (str(uuid.uuid4()), "x"), "o-1",
                                     headers=_from("198.51.100.50")),
                   "legacy": _verify(anon, real, (str(uuid.uuid4()), "x"), "o-1", LEGACY,
                                     headers=_from("198.51.100.50"))}
        for name, answer in guesses.items():
            assert (answer.status_code, answer.json()["code"]) == (401, "FG401"), name
            assert not [h for h in answer.headers if h.lower().startswith("x-federation")], name
        # The address is past the limit after LIMIT failures: then refused with no database work at all.
        for _ in range(LIMIT - 3):
            _verify(anon, real, (str(uuid.uuid4()), "x"), "o-1", headers=_from("198.51.100.50"))
        calls = ("SELECT coalesce(sum(calls), 0) FROM pg_stat_statements WHERE query LIKE '%verify_kit%' "
                 "AND query NOT LIKE '%pg_stat_statements%' "
                 "AND dbid = (SELECT oid FROM pg_database WHERE datname = current_database())")
        node_before = federation.sql("eu-west-1", calls)[0][0]
        control_before = federation.catalog(calls.replace("verify_kit", "enrollment_failure"))[0][0]
        for _ in range(30):
            assert_error(_verify(anon, str(uuid.uuid4()), (str(uuid.uuid4()), "x"), "o-1",
                                 headers=_from("198.51.100.50")), 429, "FG429")
        assert federation.sql("eu-west-1", calls)[0][0] == node_before
        assert federation.catalog(calls.replace("verify_kit", "enrollment_failure"))[0][0] == control_before
        # Random tenant ids are not recorded as tenants in the figures (a real tenant's request is).
        strangers = [str(uuid.uuid4()) for _ in range(5)]
        for stranger in strangers:
            _verify(anon, stranger, (str(uuid.uuid4()), "x"), "o-1", headers=_from("198.51.100.51"))
        assert op.get(f"{FED}/tenants/{real}/status").status_code == 200
        stats = "SELECT tenant_id::text FROM federation.tenant_request_stats"
        wait_until(lambda: real in {r[0] for r in federation.catalog(stats)}, "the real tenant's figures reported")
        assert not set(strangers) & {r[0] for r in federation.catalog(stats)}

    # The limit is the fleet's: failures through a second gateway count with the first's.
    second = start_gateway(federation.control_url, tmp_path, env={"FEDGATE_PROXIES_COUNT": "1"})
    try:
        with http_client(base_url=gw.base_url, timeout=15) as one, \
                http_client(base_url=second.base_url, timeout=15) as two:
            spread = [_verify(client, real, (str(uuid.uuid4()), "x"), "f-1", headers=_from("198.51.100.60"))
                      for client in (one, two) * LIMIT]
        codes = [a.status_code for a in spread]
        assert codes.count(401) <= LIMIT + 1 and codes[-2:] == [429, 429], codes
    finally:
        second.stop()


# 9 -----------------------------------------------------------------------------------------------------
def test_smaller_holes(gw: Gateway) -> None:
    with gw.client() as op:
        tenant = create_tenant(op)
        agent = str(uuid.uuid4())
        # Telemetry numbers must be JSON numbers.
        assert_error(op.post(f"{FED}/tenants/{tenant}/telemetry", json={"agentId": agent, "memoryMb": "Infinity"}),
                     400)
    with http_client(base_url=gw.base_url, timeout=15) as http:
        # Idempotency-Keys are scoped by the token's issuer and subject: the same subject of another issuer
        # is another operator, whose creation is not a replay of the first's.
        claims = {"role": "operator", "aud": AUDIENCE, "exp": int(time.time()) + 600}
        key = {"Idempotency-Key": f"k-{uuid.uuid4()}"}
        body = {"name": f"Scoped {uuid.uuid4().hex[:6]}", "region": "eu-west"}
        alice_a, alice_b = ({"Authorization": "Bearer " + jwt.encode({**claims, "sub": "alice", "iss": issuer},
                                                                     JWT_SECRET, algorithm="HS256"), **key}
                            for issuer in ("https://idp-a.example", "https://idp-b.example"))
        first = http.post(f"{FED}/tenants", json=body, headers=alice_a)
        assert first.status_code == 201, first.text
        assert http.post(f"{FED}/tenants", json=body, headers=alice_a).json()["tenantId"] == first.json()["tenantId"]
        assert_error(http.post(f"{FED}/tenants", json=body, headers=alice_b), 409)  # the name is taken: no replay
        # An operator token must name its operator; no token may be valid for longer than FEDGATE_JWT_MAX_TTL.
        subjectless = jwt.encode(claims, JWT_SECRET, algorithm="HS256")
        assert_error(http.get(f"{FED}/regions", headers={"Authorization": f"Bearer {subjectless}"}), 401, "FGW401")
        forever = jwt.encode({**claims, "sub": "me", "exp": 10**12}, JWT_SECRET, algorithm="HS256")
        assert_error(http.get(f"{FED}/regions", headers={"Authorization": f"Bearer {forever}"}), 401, "FGW401")
        two = [("Authorization", f"Bearer {token()}"), ("Authorization", f"Bearer {token('tenant', tenant)}")]
        assert_error(http.get(f"{FED}/regions", headers=two), 400, "FGW113")
