"""Bootstrap kits: real archives, valid files for any tenant name, verification and audit."""

from __future__ import annotations

import hashlib
import json
import subprocess
import uuid
from pathlib import Path

import pytest
import yaml

from shim import kits
from tests.api_client import FED, LEGACY, assert_error, create_tenant, issue_kit, token_of, unpack
from tests.federation import Federation, Gateway, start_gateway

HOSTILE_NAMES = [
    '"}{ <script>alert(1)</script>',
    "O'Brien & Sons $(rm -rf /) `id` ; exit 1",
    "Ünïcødé 東京 🚀 مرحبا",
    "line\u2028separator\u2029and \\ backslash",
    "--- !!python/object:os.system 'x' #",
]


def _check_archive(files: dict[str, bytes], tmp_path: Path) -> dict:
    names = set(files)
    assert {"metadata.json", "install.sh", "README.md", "SHA256SUMS"} <= names
    sums = dict(reversed(line.split("  ", 1)) for line in files["SHA256SUMS"].decode().splitlines())
    assert set(sums) == names - {"SHA256SUMS"}
    for name, digest in sums.items():
        assert hashlib.sha256(files[name]).hexdigest() == digest, name
    script = tmp_path / f"install-{uuid.uuid4().hex}.sh"
    script.write_bytes(files["install.sh"])
    checked = subprocess.run(["sh", "-n", str(script)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    for name in names:
        if name.startswith("agents/"):
            config = yaml.safe_load(files[name])
            assert config["agent"]["type"] == name[len("agents/"):-len(".yaml")]
    return json.loads(files["metadata.json"])


def _check_metadata(meta: dict, tenant: str, name: str, node: str, region: str) -> None:
    assert {"tenantId", "tenantName", "generatedAt", "agents", "regions", "version", "federation"} <= set(meta)
    assert meta["tenantId"] == tenant and meta["tenantName"] == name and meta["version"] == "1.0.0"
    assert meta["federation"]["primaryNodeId"] == node and meta["federation"]["primaryRegion"] == region
    assert isinstance(meta["federation"]["metadata"], dict)
    assert all({"id", "name", "version"} <= set(a) for a in meta["agents"])
    assert "token" not in json.dumps(meta)


@pytest.mark.parametrize("fmt", ["zip", "tar.gz"])
def test_a_mapped_tenants_kit(gateway: Gateway, federation: Federation, fmt: str, tmp_path: Path) -> None:
    with gateway.client() as http:
        tenant = create_tenant(http, "ap-south")
        federation.catalog("UPDATE federation.tenant_federation_map SET federation_metadata = '{\"tier\": \"gold\"}' WHERE tenant_id = %s",
                           (tenant,))
        name = http.get(f"{FED}/tenants/{tenant}/status").json()["name"]
        resp = issue_kit(http, tenant, ["metrics-agent", "log-shipper"], fmt=fmt)
    assert resp.headers["Content-Type"] == kits.CONTENT_TYPES[fmt]
    assert resp.headers["Content-Disposition"].endswith(f'.{fmt}"')
    assert resp.headers["X-Kit-SHA256"] == hashlib.sha256(resp.content).hexdigest()
    assert resp.headers["X-Federation-Node"] == "ap-south-1"
    files = unpack(resp.content, fmt)
    meta = _check_archive(files, tmp_path)
    _check_metadata(meta, tenant, name, "ap-south-1", "ap-south")
    assert meta["federation"]["metadata"] == {"tier": "gold"}
    assert {"agents/metrics-agent.yaml", "agents/log-shipper.yaml"} <= set(files)
    config = yaml.safe_load(files["agents/log-shipper.yaml"])
    assert config["tenant"]["id"] == tenant and config["enrollment"]["kitId"] == resp.headers["X-Kit-Id"]
    assert config["region"]["code"] == "ap-south"
    recorded = federation.sql("ap-south-1", "SELECT archive_sha256, token_hash FROM onboarding.bootstrap_kits WHERE id = %s",
                              (resp.headers["X-Kit-Id"],))
    assert recorded[0][0] == resp.headers["X-Kit-SHA256"]
    assert bytes(recorded[0][1]) == hashlib.sha256(config["enrollment"]["token"].encode()).digest()


def test_an_unmapped_tenants_kit_names_the_default_node(gateway: Gateway, tmp_path: Path) -> None:
    with gateway.client() as http:
        tenant = create_tenant(http, "eu-west", prefix=LEGACY)
        name = http.get(f"{LEGACY}/tenants/{tenant}/status").json()["name"]
        resp = issue_kit(http, tenant, ["edr-sensor"], prefix=LEGACY)
    meta = _check_archive(unpack(resp.content, "zip"), tmp_path)
    _check_metadata(meta, tenant, name, "default", "us-east")


@pytest.mark.parametrize("name", HOSTILE_NAMES, ids=range(len(HOSTILE_NAMES)))
def test_hostile_tenant_names_yield_valid_files(gateway: Gateway, name: str, tmp_path: Path) -> None:
    with gateway.client() as http:
        resp = http.post(f"{FED}/tenants", json={"name": name + uuid.uuid4().hex[:4], "region": "eu-west"})
        assert resp.status_code == 201, resp.text
        tenant, stored = resp.json()["tenantId"], resp.json()["name"]
        kit = issue_kit(http, tenant, ["log-shipper"], fmt="tar.gz")
    files = unpack(kit.content, "tar.gz")
    meta = _check_archive(files, tmp_path)
    assert meta["tenantName"] == stored
    assert yaml.safe_load(files["agents/log-shipper.yaml"])["tenant"]["name"] == stored
    # The installer's variable holds the name exactly.
    script = tmp_path / "install.sh"
    script.write_bytes(files["install.sh"].split(b"KIT_DIR=")[0] + b'printf "%s" "$TENANT_NAME"\n')
    printed = subprocess.run(["sh", str(script)], capture_output=True)
    assert printed.returncode == 0 and printed.stdout.decode() == stored


def test_a_name_with_terminal_escapes_prints_safely(gateway: Gateway, federation: Federation, tmp_path: Path) -> None:
    """Creation refuses control characters; a name stored before that rule (written here directly)
    reaches install.sh's output without them."""
    with gateway.client() as http:
        tenant = create_tenant(http, "eu-west")
        federation.sql("eu-west-1", "UPDATE onboarding.tenants SET name = %s WHERE id = %s",
                       ("evil\x1b]0;pwned\x07\x1b[2J\u202eName", tenant))
        kit = issue_kit(http, tenant, ["log-shipper"], fmt="tar.gz")
    files = unpack(kit.content, "tar.gz")
    script = tmp_path / "install.sh"
    script.write_bytes(files["install.sh"].split(b"KIT_DIR=")[0] + b'printf "%s" "$TENANT_NAME"\n')
    printed = subprocess.run(["sh", str(script)], capture_output=True)
    assert printed.returncode == 0 and printed.stdout.decode() == "evil?]0;pwned??[2J?Name"
    assert b"\x1b" not in files["install.sh"]


def test_the_installer_prints_backslashes_as_they_are_under_dash(gateway: Gateway, tmp_path: Path) -> None:
    """A name may hold backslashes; dash's echo (Debian's /bin/sh) turned them into control bytes (a retitled
    window, a cleared screen, output cut at \\c). The whole installer, run by dash, prints the name as it is."""
    name = r"Evil \033]0;pwned\007\033[2J \c " + uuid.uuid4().hex[:4]
    with gateway.client() as http:
        resp = http.post(f"{FED}/tenants", json={"name": name, "region": "eu-west"})
        assert resp.status_code == 201, resp.text
        kit = issue_kit(http, resp.json()["tenantId"], ["log-shipper"], fmt="tar.gz")
    for file, content in unpack(kit.content, "tar.gz").items():
        (tmp_path / file).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / file).write_bytes(content)
    ran = subprocess.run(["dash", "install.sh"], cwd=tmp_path, capture_output=True)
    assert ran.returncode == 0, ran.stderr
    assert name.encode() in ran.stdout and b"enroll it with" in ran.stdout, ran.stdout
    assert not any(byte < 0x20 and byte != 0x0A for byte in ran.stdout), ran.stdout


def test_verify_once_with_the_right_token_and_never_with_a_wrong_one(gateway: Gateway, federation: Federation) -> None:
    with gateway.client() as http:
        tenant = create_tenant(http, "eu-west")
        kit = issue_kit(http, tenant, ["log-shipper"])
        token = token_of(unpack(kit.content, "zip"), "log-shipper")
        body = {"tenantId": tenant, "kitId": kit.headers["X-Kit-Id"], "token": token, "hostname": "web-9",
                "agentType": "log-shipper", "version": "2.4.1"}
        assert_error(http.post(f"{FED}/bootstrap/verify", json={**body, "token": token[:-1] + "x"}), 401, "FG401")
        assert_error(http.post(f"{FED}/bootstrap/verify", json={**body, "agentType": "edr-sensor"}), 403, "FG403")
        assert_error(http.post(f"{FED}/bootstrap/verify", json={**body, "kitId": str(uuid.uuid4())}), 401, "FG401")
        ok = http.post(f"{FED}/bootstrap/verify", json=body)
        assert ok.status_code == 200 and ok.json()["verified"] is True
        federation.sql("eu-west-1", "UPDATE onboarding.bootstrap_kits SET expires_at = now() - interval '1 s' WHERE id = %s",
                       (body["kitId"],))
        assert_error(http.post(f"{FED}/bootstrap/verify", json=body), 410, "FG410")
        federation.sql("eu-west-1", "UPDATE onboarding.bootstrap_kits SET expires_at = now() + interval '1 h', revoked_at = now() "
                                    "WHERE id = %s", (body["kitId"],))
        assert_error(http.post(f"{FED}/bootstrap/verify", json=body), 410, "FG410")
        audit = http.get(f"{FED}/bootstrap/audit/{tenant}").json()["items"]
        state = http.get(f"{FED}/bootstrap/verify", params={"tenantId": tenant, "kitId": body["kitId"]}).json()
    outcomes = [(a["outcome"], a["detail"].get("reason")) for a in reversed(audit) if a["event"] == "kit.verify"]
    assert outcomes == [("failure", "not_accepted"), ("failure", "agent_not_in_kit"), ("failure", "not_accepted"),
                        ("success", None), ("failure", "expired"), ("failure", "revoked")]
    assert token not in json.dumps(audit)
    assert state["state"] == "revoked" and state["failedAttempts"] == 1


def test_the_same_kit_renders_to_the_same_bytes() -> None:
    data = kits.KitData(
        kit_id=str(uuid.uuid4()), token="t0ken", format="zip", generated_at="2026-01-02T03:04:05.678+00:00",
        expires_at="2026-01-03T03:04:05+00:00", tenant={"id": str(uuid.uuid4()), "name": "Acme", "region": "eu-west"},
        agents=[{"id": "log-shipper", "name": "Log Shipper", "version": "2.4.1", "platforms": ["linux"]}],
        regions=[{"code": "eu-west", "displayName": "EU West", "endpoint": "http://gw/x?region=eu-west"}],
        federation={"primaryNodeId": "eu-west-1", "primaryRegion": "eu-west", "metadata": {}},
        verify_url="http://gw/federation/api/onboarding/bootstrap/verify")
    for fmt in ("zip", "tar.gz"):
        one = kits.render(data.__class__(**{**data.__dict__, "format": fmt}))
        two = kits.render(data.__class__(**{**data.__dict__, "format": fmt}))
        assert one.archive == two.archive and one.sha256 == two.sha256


def test_region_names_have_one_source(fresh_federation: Federation, tmp_path: Path) -> None:
    """A region added with a node is named once, in the catalog; kits issued on any node show that name."""
    fed = fresh_federation
    fed.catalog("SELECT federation.add_node('sa-east-1', 'sa-east', %s)", (fed.urls["ap-south-1"],))
    fed.catalog("SELECT federation.add_region('sa-east', 'South America East')")
    gw = start_gateway(fed.control_url, tmp_path)
    try:
        with gw.client() as http:
            tenant = create_tenant(http, "eu-west")
            resp = issue_kit(http, tenant, ["log-shipper"], regions=["sa-east", "eu-west"])
            regions = http.get(f"{FED}/regions").json()["items"]
    finally:
        gw.stop()
    assert resp.headers["X-Federation-Node"] == "eu-west-1"  # rendered for a tenant of a regional node
    meta = json.loads(unpack(resp.content, "zip")["metadata.json"])
    names = {r["code"]: r["displayName"] for r in meta["regions"]}
    assert names == {"eu-west": "EU West", "sa-east": "South America East"}
    assert {r["code"]: r["displayName"] for r in regions}["sa-east"] == "South America East"
    # The regional nodes hold no copy of region names to drift from.
    assert fed.sql("eu-west-1", "SELECT to_regclass('onboarding.regions'), to_regclass('public.regions')") == [(None, None)]
