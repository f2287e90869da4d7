"""The response cache side by side: CityGraph warm (cache on) against cold (CITYGRAPH_CACHE_MB=0) and against the
raw Cypher that answers the same query through the Python driver, in one run on the London demo.

    .venv/bin/python bench/cache.py [--requests 1000] [--concurrency 8] [--repeats 3] [--max-seconds 15]

Starts a throwaway embedded Neo4j (its own CITYGRAPH_HOME under /tmp), loads the London demo and runs one
`citygraph serve` process (uvicorn, uvloop, httptools, one worker) per variant:

- cold: CITYGRAPH_CACHE_MB=0, every request executes;
- warm: the cache on, the graph version re-read at most every 200 ms (the default);
- warm, version per request: CITYGRAPH_CACHE_VERSION_CHECK_MS=0, one Neo4j round trip per request.

Every variant and the raw Cypher get the same warm-up and the same requests at the same concurrency from this
process, in rotating order, `--repeats` times; the table gives medians and the ratios of medians.
"""

import argparse
import asyncio
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
from neo4j import AsyncGraphDatabase, RoutingControl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from citygraph.graph import demo
from citygraph.graph.database import Connection, Database
from citygraph.graph.embedded import EmbeddedNeo4j, free_port
from citygraph.graph.migrations import migrate

QUERIES = {
    "Q1 boroughs → systems → manufacturer": (
        "{ boroughs { name systems { name manufacturer { name } } } }",
        """MATCH (b:Borough)
           RETURN b.name AS name,
                  [(b)-[:USES]->(s:System) |
                     s {.name, manufacturer: head([(s)-[:MADE_BY]->(m) | m {.name}])}] AS systems
           ORDER BY name""",
    ),
    "Q2 one borough → systems → manufacturer": (
        '{ borough(code: "E09000024") { name systems { name manufacturer { name } } } }',
        """MATCH (b:Borough {code: 'E09000024'})
           RETURN b.name AS name,
                  [(b)-[:USES]->(s:System) |
                     s {.name, manufacturer: head([(s)-[:MADE_BY]->(m) | m {.name}])}] AS systems""",
    ),
}
CITYGRAPH = [str(ROOT / ".venv/bin/citygraph"), "serve", "--log-level", "warning"]


async def measure(call: Callable[[], Awaitable[None]], requests: int, concurrency: int, max_s: float) -> float:
    """Requests per second of `call` after a warm-up (caches, connection pools): `requests` of them, or as many
    as fit in `max_s` seconds (the machine is shared; a slow cell must not hold the run)."""
    for _ in range(20):
        await call()
    remaining = iter(range(requests))
    done = 0
    started = time.perf_counter()
    deadline = started + max_s

    async def worker() -> None:
        nonlocal done
        for _ in remaining:
            if time.perf_counter() > deadline:
                return
            await call()
            done += 1

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return done / (time.perf_counter() - started)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far, from /proc (CPU per request is steadier than req/s on a
    shared machine: waiting for a core does not count)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start(command: list[str], port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([*command, "--port", str(port)], env=env, cwd=ROOT)


async def wait_ready(base: str) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=5) as http:
        for _ in range(300):
            try:
                if (await http.get("/readyz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
    raise RuntimeError(f"{base} not ready")


async def main(requests: int, concurrency: int, repeats: int, max_s: float) -> None:
    home = Path(tempfile.mkdtemp(prefix="citygraph-bench-"))
    embedded = EmbeddedNeo4j(home)
    uri = embedded.start(free_port())
    connection = Connection(uri, "neo4j", embedded.password(), "neo4j")
    servers: list[subprocess.Popen[bytes]] = []
    try:
        db = Database(connection)
        await migrate(db)
        await demo.generate_and_load(db, home / "demo", scale="london", seed=demo.DEFAULT_SEED)
        await db.close()

        base_env = dict(os.environ, NEO4J_URI=uri, NEO4J_USER="neo4j", NEO4J_PASSWORD=connection.password,
                        CITYGRAPH_TRACE="0", CITYGRAPH_HOME=str(home))  # fmt: skip
        variants = {
            "CityGraph cold": (CITYGRAPH, {"CITYGRAPH_CACHE_MB": "0"}),
            "CityGraph warm": (CITYGRAPH, {}),
            "CityGraph warm, version per request": (CITYGRAPH, {"CITYGRAPH_CACHE_VERSION_CHECK_MS": "0"}),
        }
        bases: dict[str, str] = {}
        pids: dict[str, int] = {}
        for label, (command, env) in variants.items():
            port = free_port()
            servers.append(start(command, port, {**base_env, **env}))
            bases[label] = f"http://127.0.0.1:{port}"
            pids[label] = servers[-1].pid
        for base in bases.values():
            await wait_ready(base)

        driver = AsyncGraphDatabase.driver(uri, auth=("neo4j", connection.password))
        clients = {label: httpx.AsyncClient(base_url=base, timeout=60) for label, base in bases.items()}
        results: dict[tuple[str, str], list[float]] = {}
        cpu: dict[tuple[str, str], list[float]] = {}  # server CPU ms per request
        for query_label, (graphql, cypher) in QUERIES.items():
            calls: dict[str, Callable[[], Awaitable[None]]] = {}
            counted = [0]
            for label, http in clients.items():

                async def graphql_call(http: httpx.AsyncClient = http) -> None:
                    response = await http.post("/graphql", json={"query": graphql})
                    counted[0] += 1
                    assert response.status_code == 200 and b'"errors"' not in response.content, response.text

                calls[label] = graphql_call

            async def cypher_call(cypher: str = cypher) -> None:
                await driver.execute_query(
                    cypher, routing_=RoutingControl.READ, database_="neo4j"  # type: ignore[arg-type]
                )

            calls["raw Cypher via driver"] = cypher_call
            labels = list(calls)
            for repeat in range(repeats):
                for label in labels[repeat % len(labels) :] + labels[: repeat % len(labels)]:  # rotating order
                    cpu_before, count_before = (cpu_seconds(pids[label]) if label in pids else 0.0), counted[0]
                    rps = await measure(calls[label], requests, concurrency, max_s)
                    results.setdefault((query_label, label), []).append(rps)
                    if label in pids:
                        per_request = (cpu_seconds(pids[label]) - cpu_before) / (counted[0] - count_before)
                        cpu.setdefault((query_label, label), []).append(per_request * 1000)
                    print(f"{query_label} | {label} | {rps:.0f} req/s", file=sys.stderr, flush=True)
        for http in clients.values():
            await http.aclose()
        await driver.close()
    finally:
        for server in servers:
            server.terminate()
            server.wait()
        embedded.stop()

    print(f"\nrequests={requests} per cell, concurrency={concurrency}, repeats={repeats}, one uvicorn worker each, "
          "London demo; median req/s\n")  # fmt: skip
    for query_label in QUERIES:
        medians = {label: statistics.median(values) for (q, label), values in results.items() if q == query_label}
        raw = medians["raw Cypher via driver"]
        cold = medians["CityGraph cold"]
        print(f"{query_label}\n\n| path | req/s | × raw Cypher | × cold | server CPU ms/request |")
        print("| --- | ---: | ---: | ---: | ---: |")
        for label, rps in medians.items():
            ms = f"{statistics.median(cpu[query_label, label]):.2f}" if (query_label, label) in cpu else "–"
            print(f"| {label} | {rps:.0f} | {rps / raw:.2f} | {rps / cold:.2f} | {ms} |")
        print()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--max-seconds", type=float, default=15.0, help="the most time one cell may take")
    arguments = parser.parse_args()
    # SIGTERM (a timeout) as SystemExit, so the servers and Neo4j this started are stopped too.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    asyncio.run(main(arguments.requests, arguments.concurrency, arguments.repeats, arguments.max_seconds))
