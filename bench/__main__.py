"""`make bench`: every figure as a ratio against a baseline measured in the same run.

Starts its own clusters and gateways, runs each benchmark and its baseline
alternately for several rounds, and prints medians, one line per figure:
``name value``. Loopback only; every run is bounded in time.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

import httpx
import psycopg

from shim.config import Settings
from shim.dev.clusters import LOGICAL_ARGS, PG_BIN, Cluster, start_clusters, start_replica, stop_clusters
from shim.actions.migrate import migrate
from tests.federation import (ROLES, TLS, Gateway, bearer, free_port, http_client, make_federation,
                              prepare_template, start_gateway)

HERE = Path(__file__).resolve().parent
FIGURES: list[tuple[str, float, str]] = []


def report(name: str, value: float, note: str = "") -> None:
    FIGURES.append((name, value, note))
    print(f"{name} {value:.3f}" + (f"  # {note}" if note else ""), flush=True)


def median_of(rounds: int, *runs: Callable[[], float]) -> list[float]:
    """Run the measurements alternately ``rounds`` times; the median of each."""
    results: list[list[float]] = [[] for _ in runs]
    for _ in range(rounds):
        for i, run in enumerate(runs):
            results[i].append(run())
    return [statistics.median(r) for r in results]


def paired_ratios(pairs: int, run: Callable[[], float], baseline: Callable[[], float]
                  ) -> tuple[list[float], list[float], list[float]]:
    """``run``/``baseline`` measured back to back ``pairs`` times, in ABBA order so a drifting machine
    favours neither; each pair's ratio (a figure close to 1 drowns in this machine's noise otherwise)."""
    ratios, runs, bases = [], [], []
    for i in range(pairs):
        if i % 2 == 0:
            a, b = run(), baseline()
        else:
            b, a = baseline(), run()
        ratios.append(a / b)
        runs.append(a)
        bases.append(b)
    return ratios, runs, bases


# -- pgbench ---------------------------------------------------------------

def load_data(url: str, tenants: int, nodes: int = 50) -> None:
    subprocess.run(["psql", url, "-q", "-v", "ON_ERROR_STOP=1", "-v", f"tenants={tenants}", "-v", f"nodes={nodes}",
                    "-f", str(HERE / "data.sql")], check=True, capture_output=True)
    # Measure the CPU cost of a resolution, not the first read of each page from disk.
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
        conn.execute("SELECT pg_prewarm(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                     "WHERE n.nspname = 'federation' AND c.relkind IN ('r', 'i')")


def pgbench_tps(cluster: Cluster, database: str, script: str, tenants: int, seconds: int) -> float:
    out = subprocess.run([str(PG_BIN / "pgbench"), "-n", "-M", "prepared", "-c", "2", "-j", "2", "-T", str(seconds),
                          "-D", f"tenants={tenants}", "-f", str(HERE / script), "-h", "127.0.0.1",
                          "-p", str(cluster.settings["port"]), "-U", "postgres", database],
                         capture_output=True, text=True)
    found = re.search(r"tps = ([0-9.]+)", out.stdout)
    if not found:
        raise RuntimeError(f"pgbench failed: {out.stderr[-500:]}")
    return float(found.group(1))


def fresh_db(cluster: Cluster, name: str) -> str:
    with psycopg.connect(cluster.url(database="postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    url = cluster.url(database=name)
    migrate(url, "control")  # DBAs' search_path: the scripts call resolve_node unqualified
    return url


def bench_resolve(cluster: Cluster, rounds: int, seconds: int, big: int) -> None:
    url = fresh_db(cluster, "bench_resolve")
    load_data(url, 100_000)
    resolve, pk, select1 = median_of(rounds, *(lambda s=s: pgbench_tps(cluster, "bench_resolve", s, 100_000, seconds)
                                                for s in ("resolve.pgbench", "pk_lookup.pgbench", "select1.pgbench")))
    report("resolve_vs_pk_lookup_tps", resolve / pk, f"resolve_node {resolve:.0f} tps, primary-key lookup {pk:.0f} tps "
           "(100,000 tenants, 50 nodes, 300,000 rules)")
    report("resolve_vs_select1_tps", resolve / select1, f"SELECT 1 {select1:.0f} tps")
    small_url = fresh_db(cluster, "bench_1k")
    load_data(small_url, 1_000)
    large_url = fresh_db(cluster, "bench_big")
    load_data(large_url, big)
    small, large = median_of(rounds, lambda: pgbench_tps(cluster, "bench_1k", "resolve.pgbench", 1_000, seconds),
                             lambda: pgbench_tps(cluster, "bench_big", "resolve.pgbench", big, seconds))
    report("resolve_1m_vs_1k_cost", small / large, f"{big:,} tenants {large:.0f} tps vs 1,000 tenants {small:.0f} tps")


# -- HTTP ------------------------------------------------------------------

def wrk(url: str, seconds: int, connections: int = 64, script: str | None = None,
        headers: dict[str, str] | None = None) -> tuple[float, float]:
    """Requests per second and p99 latency (ms) of one wrk run."""
    cmd = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "--latency"]
    for name, value in (headers or {}).items():
        cmd += ["-H", f"{name}: {value}"]
    if script:
        cmd += ["-s", script]
    out = subprocess.run(cmd + [url], capture_output=True, text=True).stdout
    if "Non-2xx" in out:
        raise RuntimeError(f"errors under load at {url}:\n{out}")
    rps = float(re.search(r"Requests/sec:\s+([0-9.]+)", out).group(1))
    value, unit = re.search(r"99%\s+([0-9.]+)(us|ms|s)", out).groups()
    return rps, float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def metric(gw: Gateway, name: str) -> float:
    text = httpx.get(f"{gw.base_url}/metrics", headers=bearer(), verify=TLS).text
    return float(re.search(rf"^{name} ([0-9.]+)$", text, re.MULTILINE).group(1))


def rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024


def start_floor(dsn: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "bench.floor_app", dsn, str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            httpx.get(base + "/", timeout=0.5, verify=TLS)
            return proc, base
        except httpx.HTTPError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("floor app did not start")


def against_harness(control_url: str, work: Path, env: dict[str, str], baseline_env: dict[str, str], module: str,
                    path: str, headers: dict[str, str], pairs: int, seconds: int
                    ) -> tuple[list[float], list[float], list[float]]:
    """The same GET on a gateway and on a harness gateway (``module``, with ``baseline_env`` added), both
    started for the figure (same age, same history), in paired runs: ratios, rps of each."""
    gw = start_gateway(control_url, work, env=env)
    baseline = start_gateway(control_url, work, env={**env, **baseline_env}, module=module)
    try:
        url, baseline_url = gw.base_url + path, baseline.base_url + path
        wrk(url, 1, headers=headers)
        wrk(baseline_url, 1, headers=headers)
        return paired_ratios(pairs, lambda: wrk(url, seconds, headers=headers)[0],
                             lambda: wrk(baseline_url, seconds, headers=headers)[0])
    finally:
        baseline.stop()
        gw.stop()


def bench_http(clusters: list[Cluster], rounds: int, seconds: int, work: Path) -> None:
    fed = make_federation(clusters)
    env = {"FEDGATE_HEALTH_INTERVAL": "5"}
    gw = start_gateway(fed.control_url, work, env=env)
    floor_proc = None
    try:
        with gw.client() as http:
            tenant = http.post("/federation/api/onboarding/tenants",
                               json={"name": "bench federated", "region": "eu-west"}).json()["tenantId"]
            legacy = http.post("/api/onboarding/tenants", json={"name": "bench legacy", "region": "us-east"}).json()["tenantId"]
            federated_url = f"{gw.base_url}/federation/api/onboarding/tenants/{tenant}/status"
            legacy_url = f"{gw.base_url}/api/onboarding/tenants/{legacy}/status"
            as_tenant, as_legacy = bearer("tenant", tenant), bearer("tenant", legacy)
            http.get(federated_url)
            # Cold and warm catalog round trips.
            cold_tenant = http.post("/federation/api/onboarding/tenants",
                                    json={"name": "bench cold", "region": "ap-south"}).json()["tenantId"]
            before = metric(gw, "fedgate_catalog_roundtrips_total")
            assert http.get(f"/federation/api/onboarding/tenants/{cold_tenant}/status").status_code == 200
            cold = metric(gw, "fedgate_catalog_roundtrips_total") - before
            before = metric(gw, "fedgate_catalog_roundtrips_total")
            for _ in range(100):
                http.get(f"/federation/api/onboarding/tenants/{cold_tenant}/status")
            warm = metric(gw, "fedgate_catalog_roundtrips_total") - before
        report("cold_extra_catalog_roundtrips", cold, "catalog queries for a tenant's first request")
        report("warm_catalog_roundtrips", warm, "catalog queries over the next 100 requests")

        floor_proc, floor_base = start_floor(fed.urls["eu-west-1"])
        floor_url = f"{floor_base}/tenants/{tenant}/status"
        wrk(federated_url, 1, headers=as_tenant)
        wrk(legacy_url, 1, headers=as_legacy)
        wrk(floor_url, 1)  # warm-up
        runs = median_of(rounds, lambda: wrk(federated_url, seconds, headers=as_tenant)[0],
                         lambda: wrk(legacy_url, seconds, headers=as_legacy)[0],
                         lambda: wrk(federated_url, seconds, headers=as_tenant)[1],
                         lambda: wrk(legacy_url, seconds, headers=as_legacy)[1])
        fed_rps, legacy_rps, fed_p99, legacy_p99 = runs
        report("federated_vs_legacy_rps", fed_rps / legacy_rps, f"federated {fed_rps:.0f} rps, legacy {legacy_rps:.0f} rps, 64 connections")
        report("federated_vs_legacy_p99", fed_p99 / legacy_p99, f"p99 federated {fed_p99:.2f} ms, legacy {legacy_p99:.2f} ms")
        # The floor, paired like the harness figures: one unpaired run of each said 0.695 one time and
        # 1.075 the next, because the floor's own rate swung from 5,261 to 8,534 rps between runs.
        ratios, runs, bases = paired_ratios(max(8, 2 * rounds), lambda: wrk(federated_url, seconds, headers=as_tenant)[0],
                                            lambda: wrk(floor_url, seconds)[0])
        report("federated_vs_floor_rps", statistics.median(ratios),
               f"median of {len(ratios)} paired runs ({', '.join(f'{r:.2f}' for r in ratios)}): gateway "
               f"{statistics.median(runs):.0f} rps, bare Sanic + psycopg floor {statistics.median(bases):.0f} rps")

        # Authentication: the same GET with the token verified (cached) against verification bypassed, each
        # on a gateway started for this figure (same age, same history), both sent the same header.
        path = f"/federation/api/onboarding/tenants/{tenant}/status"
        ratios, runs, bases = against_harness(fed.control_url, work, env, {"BENCH_OPEN_TENANT": tenant},
                                              "bench.open_gateway", path, as_tenant, max(8, 2 * rounds), seconds)
        report("authenticated_vs_open_rps", statistics.median(ratios),
               f"median of {len(ratios)} paired runs ({', '.join(f'{r:.2f}' for r in ratios)}): "
               f"verified {statistics.median(runs):.0f} rps, bypassed {statistics.median(bases):.0f} rps, "
               "64 connections")
        # Observation (issue 14): the same GET with the request histogram, the access log line and the
        # per-tenant figures, against a gateway whose harness turned the three off; paired like the above.
        ratios, runs, bases = against_harness(fed.control_url, work, env, {"FEDGATE_ACCESS_LOG": "off"},
                                              "bench.unobserved_gateway", path, as_tenant, max(8, 2 * rounds),
                                              seconds)
        report("observed_vs_unobserved_rps", statistics.median(ratios),
               f"median of {len(ratios)} paired runs ({', '.join(f'{r:.2f}' for r in ratios)}): "
               f"metrics + access log + tenant figures {statistics.median(runs):.0f} rps, "
               f"without {statistics.median(bases):.0f} rps, 64 connections")

        # Kits: ten agent types.
        fed.sql("eu-west-1", "INSERT INTO onboarding.agent_types (id, name, version, platforms) SELECT 'bench-agent-' || i, "
                             "'Bench Agent ' || i, '1.0.' || i, ARRAY['linux'] FROM generate_series(1, 6) i "
                             "ON CONFLICT DO NOTHING")
        agents = [r[0] for r in fed.sql("eu-west-1", "SELECT id FROM onboarding.agent_types ORDER BY id LIMIT 10")]
        script = work / "kit.lua"
        body = json.dumps({"tenantId": tenant, "agents": agents, "format": "zip"})
        script.write_text(f'wrk.method = "POST"\nwrk.body = {json.dumps(body)}\n'
                          'wrk.headers["Content-Type"] = "application/json"\n'
                          f'wrk.headers["Authorization"] = "{as_tenant["Authorization"]}"\n')
        kit_url = f"{gw.base_url}/federation/api/onboarding/bootstrap/kit"
        kit_rps, get_rps = median_of(rounds, lambda: wrk(kit_url, seconds, 16, str(script))[0],
                                     lambda: wrk(federated_url, seconds, 16, headers=as_tenant)[0])
        report("kit_vs_get_rps", kit_rps / get_rps, f"kit (10 agents) {kit_rps:.0f} rps, GET {get_rps:.0f} rps, 16 connections")
    finally:
        if floor_proc:
            floor_proc.terminate()
            floor_proc.wait(10)
        gw.stop()

    # Memory: 200 idle registered nodes vs 2.
    sizes = []
    for extra in (0, 198):
        fed = make_federation(clusters)
        for i in range(extra):
            fed.catalog("SELECT federation.add_node(%s, 'eu-west', %s)", (f"idle-{i}", fed.urls["eu-west-1"]))
        gw = start_gateway(fed.control_url, work, env={"FEDGATE_HEALTH_INTERVAL": "5"})
        try:
            with gw.client() as http:
                t = http.post("/federation/api/onboarding/tenants", json={"name": "mem", "region": "ap-south"}).json()["tenantId"]
                for _ in range(500):
                    http.get(f"/federation/api/onboarding/tenants/{t}/status")
            time.sleep(1)
            sizes.append(rss_mb(gw.process.pid))
        finally:
            gw.stop()
    report("idle_200_vs_2_nodes_rss", sizes[1] / sizes[0], f"RSS {sizes[1]:.1f} MiB with 200 nodes, {sizes[0]:.1f} MiB with 2")


HOLDS = (1.0, 2.0, 3.0, 4.0)  # FEDGATE_TENANT_SLOW_HOLD values compared by bench_noisy (3: the default)


def bench_noisy(clusters: list[Cluster], work: Path, phases: int = 2, holds: tuple[float, ...] = HOLDS) -> None:
    """A quiet tenant's p99 beside a tenant whose 30 clients hammer its 30-day telemetry on the same node,
    against its p99 alone, in alternating phases (the pooled figures of short phases are steadier on
    this machine than one long phase each), for each FEDGATE_TENANT_SLOW_HOLD in ``holds``: gateways
    started in the order of ``holds`` and then in reverse (ABBA), ``phases`` phases each time. The test
    asserts what must hold (the noisy tenant keeps to its share, the quiet one gets every answer); this is
    how much the neighbour's latency moves, and what the noisy tenant still gets done (its 200s a second)."""
    from tests.api_client import create_tenant
    from tests.noisy import p99, quiet_latencies, seed_noisy, start_noisy_load

    fed = make_federation(clusters)
    alone: dict[float, list[float]] = {hold: [] for hold in holds}
    beside: dict[float, list[float]] = {hold: [] for hold in holds}
    served: dict[float, list[float]] = {hold: [] for hold in holds}
    tenants: tuple[str, str] | None = None
    for hold in (*holds, *reversed(holds)):
        logs = work / f"noisy-{hold:g}-{len(served[hold])}"
        logs.mkdir(parents=True, exist_ok=True)
        gw = start_gateway(fed.control_url, logs, env={"FEDGATE_TENANT_SLOW_HOLD": f"{hold:g}"})
        try:
            if tenants is None:
                with gw.client() as http:
                    tenants = create_tenant(http, "eu-west"), create_tenant(http, "eu-west")
                seed_noisy(fed, tenants[0])
            noisy, quiet = tenants
            quiet_latencies(gw.base_url, quiet, 50)
            for _ in range(phases):
                alone[hold] += quiet_latencies(gw.base_url, quiet, 150)[0]
                load = start_noisy_load(gw.base_url, noisy, seconds=5.0)
                time.sleep(2.0)  # the noisy tenant's slot and the node's CPU are taken
                beside[hold] += quiet_latencies(gw.base_url, quiet, 150)[0]
                out, _ = load.communicate(timeout=120)
                served[hold].append(json.loads(out)["ok"] / 5.0)
        finally:
            gw.stop()
    # Alone, the quiet tenant's latency does not depend on the hold: its p99 pooled over every gateway is
    # the steadier denominator (per gateway it swung 2.1-3.2 ms on this machine in one run).
    quiet_alone = p99([took for hold in holds for took in alone[hold]])
    for hold in holds:
        name = "noisy_neighbour_p99_ratio" + ("" if hold == Settings.tenant_slow_hold else f"[hold={hold:g}]")
        report(name, p99(beside[hold]) / quiet_alone,
               f"quiet tenant p99 {p99(beside[hold]) * 1000:.1f} ms beside the noisy tenant, "
               f"{quiet_alone * 1000:.1f} ms alone; the noisy tenant served "
               f"{statistics.mean(served[hold]):.1f}/s (FEDGATE_TENANT_SLOW_HOLD={hold:g}, "
               f"{2 * phases} phases of 150 requests; target <= 1.5)")


# FLOOD_CLIENTS clients issuing kits for one tenant until the time is up: prints {"statuses": {...}}.
FLOOD_CLIENTS = 16
KIT_FLOOD = """
import asyncio, json, sys, time
import httpx
from tests.federation import async_http_client, bearer
base, tenant, clients, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
statuses = {}
async def main():
    deadline = time.monotonic() + seconds
    async with async_http_client(base_url=base, timeout=60, headers=bearer("tenant", tenant),
                                 limits=httpx.Limits(max_connections=clients)) as client:
        async def one():
            while time.monotonic() < deadline:
                resp = await client.post("/federation/api/onboarding/bootstrap/kit",
                                         json={"tenantId": tenant, "agents": ["log-shipper"]})
                statuses[str(resp.status_code)] = statuses.get(str(resp.status_code), 0) + 1
        await asyncio.gather(*(one() for _ in range(clients)))
asyncio.run(main())
print(json.dumps({"statuses": statuses}))
"""


def bench_write_flood(clusters: list[Cluster], work: Path, seconds: float = 5.0) -> None:
    """A tenant flooding kit issuance (FLOOD_CLIENTS clients) and a neighbour on another node: the
    neighbour's p99 beside the flood against alone, on a gateway with the default write budget and on one
    without (FEDGATE_TENANT_WRITE_RPS=0), started in ABBA order; and the kits a second the flood got."""
    from tests.api_client import create_tenant
    from tests.noisy import p99, quiet_latencies

    fed = make_federation(clusters)
    figures: dict[str, dict[str, list[float]]] = {
        budget: {"alone": [], "beside": [], "kits": []} for budget in ("on", "off")}
    tenants: tuple[str, str] | None = None
    for run, budget in enumerate(("on", "off", "off", "on")):
        logs = work / f"flood-{run}"
        logs.mkdir(parents=True, exist_ok=True)
        gw = start_gateway(fed.control_url, logs, env={} if budget == "on" else {"FEDGATE_TENANT_WRITE_RPS": "0"})
        try:
            if tenants is None:
                with gw.client() as http:
                    tenants = create_tenant(http, "eu-west"), create_tenant(http, "ap-south")
            greedy, neighbour = tenants
            quiet_latencies(gw.base_url, neighbour, 50)
            figures[budget]["alone"] += quiet_latencies(gw.base_url, neighbour, 200)[0]
            flood = subprocess.Popen([sys.executable, "-c", KIT_FLOOD, gw.base_url, greedy, str(FLOOD_CLIENTS),
                                      str(seconds)], stdout=subprocess.PIPE, text=True)
            time.sleep(1.0)  # the flood is under way
            figures[budget]["beside"] += quiet_latencies(gw.base_url, neighbour, 200)[0]
            out, _ = flood.communicate(timeout=120)
            figures[budget]["kits"].append(json.loads(out)["statuses"].get("201", 0) / seconds)
        finally:
            gw.stop()
    for budget, name in (("on", "write_flood_neighbour_p99_ratio"),
                         ("off", "write_flood_neighbour_p99_ratio[no budget]")):
        f = figures[budget]
        report(name, p99(f["beside"]) / p99(f["alone"]),
               f"neighbour on another node: p99 {p99(f['beside']) * 1000:.1f} ms beside {FLOOD_CLIENTS} clients "
               f"issuing kits for one tenant, {p99(f['alone']) * 1000:.1f} ms alone; the flood got "
               f"{statistics.mean(f['kits']):.0f} kits/s (budget {budget})")


COSTS = ("authentication", "observation", "routing", "admission", "statement", "headers", "quota")


def bench_costs(clusters: list[Cluster], rounds: int, seconds: int, work: Path) -> None:
    """What each hot-path feature costs: the same GET on a full gateway and on one with that feature
    switched off inside the harness (bench/cost_gateway.py), both started for the figure, paired ABBA.
    ``cost_<feature>`` is the share of the full gateway's rate it costs (1 - full / without)."""
    fed = make_federation(clusters)
    env = {"FEDGATE_HEALTH_INTERVAL": "5"}
    gw = start_gateway(fed.control_url, work, env=env)
    try:
        with gw.client() as http:
            tenant = http.post("/federation/api/onboarding/tenants",
                               json={"name": "bench costs", "region": "eu-west"}).json()["tenantId"]
            # A quota it never reaches: cost_quota is what holding one costs a request.
            http.put(f"/admin/v1/tenants/{tenant}/limits",
                     json={"requestsPerSecond": 1_000_000, "maxInflight": 100_000}).raise_for_status()
    finally:
        gw.stop()
    path, as_tenant = f"/federation/api/onboarding/tenants/{tenant}/status", bearer("tenant", tenant)
    rows = []
    for feature in COSTS:
        off = {"BENCH_OFF": feature, "BENCH_TENANT": tenant, "BENCH_NODE": "eu-west-1"}
        if feature == "observation":
            off["FEDGATE_ACCESS_LOG"] = "off"
        ratios, runs, bases = against_harness(fed.control_url, work, env, off, "bench.cost_gateway", path,
                                              as_tenant, max(6, 2 * rounds), seconds)
        cost = 1 - statistics.median(ratios)
        rows.append((feature, statistics.median(runs), statistics.median(bases), cost, ratios))
        report(f"cost_{feature}", cost, f"full {statistics.median(runs):.0f} rps, without {feature} "
               f"{statistics.median(bases):.0f} rps; pairs {', '.join(f'{r:.2f}' for r in ratios)}")
    print("\n| feature switched off | full rps | without rps | cost of the feature |\n|---|---|---|---|")
    for feature, full, without, cost, _ in rows:
        print(f"| {feature} | {full:.0f} | {without:.0f} | {cost * 100:+.1f} % |")


def bench_replica(clusters: list[Cluster], rounds: int, seconds: int, work: Path) -> None:
    """The same GET served by a streaming replica of the tenant's node and by the node itself, in turns:
    the replica is registered for one run and removed for the next."""
    fed = make_federation(clusters)
    replica = start_replica(clusters[1])
    gw = start_gateway(fed.control_url, work, env={"FEDGATE_HEALTH_INTERVAL": "0.3"})
    try:
        with gw.client() as http:
            tenant = http.post("/federation/api/onboarding/tenants",
                               json={"name": "bench replica", "region": "eu-west"}).json()["tenantId"]
        url = f"{gw.base_url}/federation/api/onboarding/tenants/{tenant}/status"
        as_tenant = bearer("tenant", tenant)

        def on_replica(wanted: bool) -> None:
            if wanted:
                fed.catalog("SELECT federation.add_replica('eu-west-1', 'bench-r1', %s, '5 seconds')",
                            (replica.url(database=fed.name),))
            else:
                fed.catalog("SELECT federation.remove_replica('bench-r1')")
            deadline = time.monotonic() + 15
            while ("X-Federation-Replica" in httpx.get(url, headers=as_tenant, verify=TLS).headers) != wanted:
                if time.monotonic() > deadline:
                    raise RuntimeError("reads did not move")
                time.sleep(0.1)
            wrk(url, 1, headers=as_tenant)  # warm the pool

        def served(by_replica: bool) -> float:
            on_replica(by_replica)
            return wrk(url, seconds, headers=as_tenant)[0]
        replica_rps, primary_rps = median_of(rounds, lambda: served(True), lambda: served(False))
    finally:
        gw.stop()
        stop_clusters([replica])
    report("replica_read_vs_primary_rps", replica_rps / primary_rps,
           f"GET on the replica {replica_rps:.0f} rps, on the node {primary_rps:.0f} rps, 64 connections")


def bench_move(clusters: list[Cluster], work: Path, heartbeats: int = 100_000, moves: int = 5) -> None:
    """A tenant with ``heartbeats`` heartbeats moved between two nodes ``moves`` times (there and back) while
    one client writes to it: rows copied per second by the first initial copy; per move the longest write
    (the tenant's pause as its client sees it) and the mover's fence-to-switch with its phases."""
    import threading
    import uuid as uuid_module

    from shim.actions.moves import Mover, Parked
    from shim.nodes.connector import Connector

    fed = make_federation(clusters)
    gw = start_gateway(fed.control_url, work, env={"FEDGATE_HEALTH_INTERVAL": "5", "FEDGATE_TENANT_WRITE_RPS": "0",
                                                   "FEDGATE_JOBS_PER_INSTANCE": "0"})  # this bench drives the moves
    stop = threading.Event()
    waits: list[tuple[float, float]] = []  # (when it ended, how long it took)
    longest: list[float] = []
    pauses: list[float] = []
    phases: list[dict[str, float]] = []
    try:
        with gw.client() as http:
            tenant = http.post("/federation/api/onboarding/tenants",
                               json={"name": "bench move", "region": "eu-west"}).json()["tenantId"]
        fed.sql("eu-west-1", """
            WITH agent AS (INSERT INTO onboarding.agent_instances (tenant_id, hostname, agent_type, version)
                           VALUES (%s, 'bench-host', 'log-shipper', '1') RETURNING tenant_id, id)
            INSERT INTO onboarding.agent_heartbeats (tenant_id, agent_instance_id, reported_at, cpu_percent)
            SELECT agent.tenant_id, agent.id, now() - i * interval '1 second', i %% 100
            FROM agent, generate_series(1, %s) i""", (tenant, heartbeats))

        failed: list[str] = []

        def writer() -> None:
            with http_client(base_url=gw.base_url, timeout=30, headers=bearer("tenant", tenant)) as client:
                while not stop.is_set():
                    started = time.monotonic()
                    answer = client.post("/federation/api/onboarding/identity/validate",
                                         json={"type": "oidc", "config": {}, "tenantId": tenant})
                    if answer.status_code != 200:
                        failed.append(f"{answer.status_code} {answer.text[:200]}")
                    waits.append((time.monotonic(), time.monotonic() - started))
        thread = threading.Thread(target=writer)
        thread.start()
        mover = Mover(Connector(fed.control_url))
        rows, copy_seconds = 0, 0.0
        for i in range(moves):
            target = "ap-south-1" if i % 2 == 0 else "eu-west-1"
            began = time.monotonic()
            move = mover.start(uuid_module.UUID(tenant), target)
            if i == 0:
                copy_started = time.monotonic()
                mover._copy(mover.load(move.move_id))
                copy_seconds = time.monotonic() - copy_started
                rows = sum(mover._counts(target, uuid_module.UUID(tenant)).values())
            figures = mover.run(move.move_id)
            time.sleep(0.3)
            longest.append(max(took for ended, took in waits if ended >= began))
            pauses.append(float(figures["pause_ms"]))
            phases.append(figures["verify_result"]["phasesMs"])
        # A reversible move (reverse replication after its switch), then flips back and forth while the
        # client writes: the longest write around each, and each flip's fence to switch.
        connector = Connector(fed.control_url)
        reversible = Mover(connector, reversible_for=3600)
        target = "ap-south-1" if moves % 2 == 0 else "eu-west-1"
        began = time.monotonic()
        move = reversible.start(uuid_module.UUID(tenant), target)
        try:
            reversible.run(move.move_id)
        except Parked:
            pass
        time.sleep(0.3)
        reversible_longest = max(took for ended, took in waits if ended >= began)
        reversible_pause = float(reversible.figures(move.move_id)["pause_ms"])
        flips: list[float] = []
        flip_pauses: list[float] = []
        for i in range(moves):
            connector.rows("request_move", move.move_id, "reverse" if i % 2 == 0 else "forward")
            began = time.monotonic()
            try:
                reversible.run(move.move_id)
            except Parked:
                pass
            time.sleep(0.3)
            figures = reversible.figures(move.move_id)
            if figures["flip_error"]:
                raise RuntimeError(f"flip {i} did not switch: {figures['flip_error']}")
            flips.append(max(took for ended, took in waits if ended >= began))
            flip_pauses.append(float(figures["flip_pause_ms"]))
        connector.rows("request_move", move.move_id, "complete")
        reversible.run(move.move_id)
        stop.set()
        thread.join(30)
    finally:
        stop.set()
        gw.stop()
    if failed:
        raise RuntimeError(f"{len(failed)} writes failed during the moves: {failed[:3]}")
    report("move_rows_per_s", rows / copy_seconds, f"{rows} rows copied in {copy_seconds:.2f} s (initial copy)")
    each = {name: statistics.median(p[name] for p in phases) for name in phases[0]}
    report("move_pause_ms", statistics.median(longest) * 1000,
           f"median over {moves} moves of the longest write ({', '.join(f'{w * 1000:.0f}' for w in longest)} ms); "
           f"fence to switch median {statistics.median(pauses):.0f} ms, phases (median ms) "
           + ", ".join(f"{k} {v:g}" for k, v in each.items()) + " (target <= 50)")
    report("move_pause_max_ms", max(longest) * 1000, f"the longest write over the {moves} moves (target <= 150)")
    report("move_reversible_pause_ms", reversible_longest * 1000,
           f"a reversible move's longest write (its reverse stream is made before the fence and started at it); "
           f"fence to switch {reversible_pause:.0f} ms")
    report("move_reverse_pause_ms", statistics.median(flips) * 1000,
           f"median over {moves} flips (reverse, forward, ...) of the longest write "
           f"({', '.join(f'{w * 1000:.0f}' for w in flips)} ms); fence to switch median "
           f"{statistics.median(flip_pauses):.0f} ms")


def bench_fleet(clusters: list[Cluster], rounds: int, seconds: int, work: Path) -> None:
    """The same GET load (64 connections) on two single-worker instances (32 each, two wrk at once) and on
    one instance of two workers: what running as a fleet (a registration and heartbeat per instance, its
    own pools, listener and health checker) costs on the same two cores. The tenant has a quota it does not
    reach, so each request also takes a token from its bucket."""
    import concurrent.futures

    fed = make_federation(clusters)
    env = {"FEDGATE_HEALTH_INTERVAL": "5", "FEDGATE_ACCESS_LOG": "off"}
    dirs = [work / f"fleet-{i}" for i in range(3)]
    for d in dirs:
        d.mkdir()
    one = start_gateway(fed.control_url, dirs[0], workers=2, env=env)
    pair = [start_gateway(fed.control_url, d, env=env) for d in dirs[1:]]
    try:
        with one.client() as http:
            tenant = http.post("/federation/api/onboarding/tenants",
                               json={"name": "bench fleet", "region": "eu-west"}).json()["tenantId"]
            http.put(f"/admin/v1/tenants/{tenant}/limits", json={"requestsPerSecond": 1_000_000}).raise_for_status()
        path = f"/federation/api/onboarding/tenants/{tenant}/status"
        as_tenant = bearer("tenant", tenant)

        def fleet() -> float:
            with concurrent.futures.ThreadPoolExecutor(2) as pool:
                done = [pool.submit(wrk, g.base_url + path, seconds, 32, None, as_tenant) for g in pair]
                return sum(f.result()[0] for f in done)

        def single() -> float:
            return wrk(one.base_url + path, seconds, 64, headers=as_tenant)[0]
        fleet()
        single()
        ratios, runs, bases = paired_ratios(max(4, 2 * rounds), fleet, single)
    finally:
        for gateway in (one, *pair):
            gateway.stop()
    report("fleet_2_vs_1_rps", statistics.median(ratios),
           f"median of {len(ratios)} paired runs ({', '.join(f'{r:.2f}' for r in ratios)}): two 1-worker instances "
           f"{statistics.median(runs):.0f} rps, one 2-worker instance {statistics.median(bases):.0f} rps, "
           "64 connections, a quota not reached")


def bench_takeover(clusters: list[Cluster], work: Path) -> None:
    """Two instances with the default lease (FEDGATE_JOB_LEASE 10 s, poll 1 s). A move started over the
    first's admin API is held at its cutover (the tenant fenced) by a transaction open on the source; the
    first is SIGKILLed there and the transaction ends: how long until the second claims the job, how long
    the tenant was not served (a client reading through the second every 50 ms), how long to done."""
    import signal
    import threading

    fed = make_federation(clusters)
    one, two = work / "takeover-1", work / "takeover-2"
    one.mkdir()
    two.mkdir()
    first = start_gateway(fed.control_url, one, env={"FEDGATE_HEALTH_INTERVAL": "5"})
    second = start_gateway(fed.control_url, two, env={"FEDGATE_HEALTH_INTERVAL": "5"})
    holder = psycopg.connect(fed.urls["eu-west-1"])
    stop = threading.Event()
    refused: list[tuple[float, float]] = []  # (from, to) of each stretch the tenant was not served
    try:
        with second.client() as http:
            tenant = http.post("/federation/api/onboarding/tenants",
                               json={"name": "bench takeover", "region": "eu-west"}).json()["tenantId"]
            other = http.get("/admin/v1/gateways").json()["self"]

        def reader() -> None:
            down: float | None = None
            with http_client(base_url=second.base_url, timeout=30, headers=bearer("tenant", tenant)) as client:
                while not stop.is_set():
                    asked = time.monotonic()
                    try:
                        ok = client.get(f"/federation/api/onboarding/tenants/{tenant}/status").status_code == 200
                    except httpx.HTTPError:
                        ok = False
                    if not ok and down is None:
                        down = asked
                    elif ok and down is not None:
                        refused.append((down, time.monotonic()))
                        down = None
                    time.sleep(0.05)
        holder.execute("SELECT 1")  # a transaction open from before the fence holds the cutover
        with first.client() as http:
            move_id = http.post("/admin/v1/moves", json={"tenantId": tenant, "to": "ap-south-1"}).json()["move_id"]
        while fed.catalog("SELECT fenced FROM federation.federation_moves WHERE move_id = %s", (move_id,)) != [(True,)]:
            time.sleep(0.02)
        thread = threading.Thread(target=reader)
        thread.start()
        killed = time.monotonic()
        first.process.send_signal(signal.SIGKILL)
        first.process.wait(30)
        holder.rollback()
        while fed.catalog("SELECT owner_instance FROM federation.jobs WHERE move_id = %s", (move_id,)) != [(other,)]:
            time.sleep(0.02)
        claimed = time.monotonic() - killed
        while fed.catalog("SELECT state FROM federation.federation_moves WHERE move_id = %s", (move_id,)) != [("done",)]:
            time.sleep(0.05)
        done = time.monotonic() - killed
        time.sleep(0.5)
        stop.set()
        thread.join(30)
    finally:
        stop.set()
        holder.close()
        first.stop()
        second.stop()
    longest = max((b - a for a, b in refused), default=0.0)
    report("job_takeover_s", claimed, "driver SIGKILLed in a fenced cutover -> the other instance holds the job "
                                      "(target <= lease 10 s + 2 s)")
    report("fenced_takeover_outage_s", longest, f"the tenant's longest stretch unserved (reads every 50 ms through "
                                                f"the other instance); done {done:.1f} s after the kill "
                                                "(target <= 20 s)")


def main() -> int:
    parser = argparse.ArgumentParser(prog="bench")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--big", type=int, default=1_000_000, help="tenants of the large resolve_node dataset")
    parser.add_argument("--only", choices=["sql", "http", "gateway", "costs", "noisy", "flood", "fleet", "move"],
                        help="sql: resolve_node; gateway: the gateway's HTTP figures; costs: the hot path's cost "
                             "table; noisy: a quiet tenant beside a noisy one; flood: a neighbour beside a tenant flooding "
                             "kit issuance; fleet: two instances against one, a job's takeover after its driver's death; "
                             "move: five moves of a 100,000-heartbeat tenant while it writes; "
                             "http: all but sql")
    args = parser.parse_args()
    for tool in ("wrk", "psql"):
        if not shutil.which(tool):
            print(f"bench needs {tool} (make bench installs it)", file=sys.stderr)
            return 2
    clusters = start_clusters(3, extra_args=f"-c shared_buffers=2GB {LOGICAL_ARGS}")
    try:
        for cluster, role in zip(clusters, ROLES):
            prepare_template(cluster, role)
        with tempfile.TemporaryDirectory(prefix="fedgate-bench-") as work:
            if args.only in (None, "sql"):
                bench_resolve(clusters[0], args.rounds, args.seconds, args.big)
            if args.only in (None, "http", "gateway"):
                bench_http(clusters, args.rounds, args.seconds, Path(work))
            if args.only in (None, "http", "costs"):
                bench_costs(clusters, args.rounds, args.seconds, Path(work))
            if args.only in (None, "http", "noisy"):
                bench_noisy(clusters, Path(work))
            if args.only in (None, "http", "flood"):
                bench_write_flood(clusters, Path(work))
            if args.only in (None, "http"):
                bench_replica(clusters, args.rounds, args.seconds, Path(work))
            if args.only in (None, "http", "move"):
                bench_move(clusters, Path(work))
            if args.only in (None, "http", "fleet"):
                bench_fleet(clusters, args.rounds, args.seconds, Path(work))
                bench_takeover(clusters, Path(work))
    finally:
        stop_clusters(clusters)
    results = Path("bench/results")
    results.mkdir(exist_ok=True)
    (results / "latest.txt").write_text("".join(f"{n} {v:.3f}  # {note}\n" for n, v, note in FIGURES))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
