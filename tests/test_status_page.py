"""The status page in a real headless browser (Debian's chromium through chromedriver): nothing without a
credential, a sign-in form that sets an HttpOnly SameSite cookie, and a node whose PostgreSQL is
stopped shown down within seconds. The screenshot is kept in test-artifacts/."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from tests.api_client import create_tenant
from tests.waiting import wait_until
from tests.federation import Federation, Gateway, bearer, gateway_on_fresh_federation, http_client, token

pytestmark = pytest.mark.slow  # a scenario test: make test runs it, make test-fast does not

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")


@pytest.fixture()
def watched(clusters, tmp_path: Path) -> Iterator[tuple[Federation, Gateway]]:
    with gateway_on_fresh_federation(clusters, tmp_path, env={"FEDGATE_HEALTH_INTERVAL": "0.5",
                                                             "FEDGATE_STATUS_REFRESH": "1"}) as both:
        yield both


@pytest.fixture()
def browser() -> Iterator:
    if not CHROMIUM or not CHROMEDRIVER:
        pytest.fail("chromium and chromedriver are needed (make test installs Debian's chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1400,1100"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def test_nothing_without_an_operator_credential(watched: tuple[Federation, Gateway]) -> None:
    _fed, gw = watched
    with http_client(base_url=gw.base_url, timeout=10) as http:
        for headers in ({}, bearer("tenant", "00000000-0000-0000-0000-000000000001"),
                        {"Authorization": "Bearer nonsense"}, {"Cookie": "fedgate_status=forged"},
                        {"Cookie": f"fedgate_status={token('operator')}"}):  # an API token is not a session
            page = http.get("/status", headers=headers)
            assert page.status_code == 401 and 'id="login"' in page.text
            assert "eu-west-1" not in page.text and "ap-south" not in page.text
        assert http.get("/status", headers=bearer()).status_code == 200  # scripts: the operator bearer token
        refused = http.post("/status/login", data={"token": token("tenant", "00000000-0000-0000-0000-000000000001")})
        assert refused.status_code == 401 and "set-cookie" not in refused.headers
        cross = http.post("/status/login", data={"token": token()}, headers={"Origin": "https://evil.example"})
        assert cross.status_code == 403 and "set-cookie" not in cross.headers
        signed = http.post("/status/login", data={"token": token()})
        assert signed.status_code == 303
        cookie = signed.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/status" in cookie
        assert token() not in cookie  # a session token of the page's own, not the operator's token
        session = signed.cookies["fedgate_status"]
        assert http.get("/status", cookies={"fedgate_status": session}).status_code == 200
        api = http.get("/admin/v1/nodes", headers={"Authorization": f"Bearer {session}"})
        assert api.status_code == 401  # the session is good for the page only


    # An open job and its driver: a move whose (dead) driver holds its lease for an hour.
    with gw.client() as operator:
        assert 'id="no-jobs"' in operator.get("/status").text
        tenant = create_tenant(operator, "eu-west")
        with psycopg.connect(_fed.control_url) as conn:  # one transaction: the gateway never sees it unclaimed
            move_id = conn.execute("SELECT move_id FROM federation.start_move(%s, 'ap-south-1')",
                                   (tenant,)).fetchone()[0]  # type: ignore[index]
            job_id = conn.execute("SELECT (federation.claim_job(job_id, 'test/dead-driver', NULL, '1 hour')).job_id "
                                  "FROM federation.jobs WHERE move_id = %s", (move_id,)).fetchone()[0]  # type: ignore[index]
        page = operator.get("/status").text
        assert f'id="job-{job_id}"' in page and "test/dead-driver" in page and f"tenant {tenant}" in page


def test_a_stopped_node_shows_down_in_the_browser(watched: tuple[Federation, Gateway], browser) -> None:
    from selenium.webdriver.common.by import By

    fed, gw = watched
    with gw.client() as http:
        create_tenant(http, "ap-south")
    browser.get(f"{gw.base_url}/status")
    assert browser.find_elements(By.ID, "login") and not browser.find_elements(By.ID, "node-ap-south-1")
    browser.find_element(By.ID, "token").send_keys(token())
    browser.find_element(By.ID, "sign-in").click()
    wait_until(lambda: browser.find_elements(By.ID, "node-ap-south-1"), "the signed-in page", every=0.2)
    cookie = browser.get_cookie("fedgate_status")
    assert cookie is not None and cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert browser.execute_script("return document.cookie") == ""  # out of the page's scripts' reach
    wait_until(lambda: _health(browser, "ap-south-1") == "up", "ap-south-1 up", every=0.2)
    assert _settled(browser, "eu-west-1") == "up"

    fed.clusters[2].stop_server()
    stopped = time.monotonic()
    wait_until(lambda: _health(browser, "ap-south-1") == "down", "ap-south-1 shown down", every=0.2)
    took = time.monotonic() - stopped
    row = browser.find_element(By.ID, "node-ap-south-1").text
    assert "DOWN" in row, row
    assert _settled(browser, "eu-west-1") == "up"
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "status-page-node-down.png"
    assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 10_000
    print(f"ap-south-1 shown down {took:.1f} s after its PostgreSQL stopped; screenshot: {shot}")


def _settled(browser, node: str) -> str | None:
    """A node's health as the page shows it, read again while the page refreshes under us."""
    seen: list[str | None] = []
    wait_until(lambda: seen.append(_health(browser, node)) or seen[-1] is not None, f"{node}'s row", every=0.1)
    return seen[-1]


def _health(browser, node: str) -> str | None:
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By

    try:
        found = browser.find_elements(By.ID, f"node-{node}")
        return found[0].get_attribute("data-health") if found else None
    except StaleElementReferenceException:  # the page refreshed under us
        return None


