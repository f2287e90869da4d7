"""Throughput and latency of one dashboard query over HTTP, against the raw Cypher that answers it through
the driver, measured in one run on the London demo (issue: "The GraphQL API").

    .venv/bin/python bench/api_throughput.py [--requests 2000] [--concurrency 8] [--workers 1]

Starts a throwaway embedded Neo4j (its own CITYGRAPH_HOME under /tmp), loads the London demo, runs
`citygraph serve` (uvicorn, uvloop, httptools, one worker) in a subprocess, and fires requests from this
process. Both sides get the same warm-up and the same number of requests at the same concurrency.
"""

import argparse
import asyncio
import os
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

GRAPHQL = "{ boroughs { name systems { name manufacturer { name } } } }"
# The same answer in one statement, shaped like the GraphQL response.
CYPHER = """
MATCH (b:Borough)
RETURN b.name AS name,
       [(b)-[:USES]->(s:System) | s {.name, manufacturer: head([(s)-[:MADE_BY]->(m) | m {.name}])}] AS systems
ORDER BY name
"""


async def measure(label: str, call: Callable[[], Awaitable[None]], requests: int, concurrency: int) -> dict:
    for _ in range(50):  # warm-up: caches, JIT, connection pools
        await call()
    latencies: list[float] = []
    remaining = iter(range(requests))

    async def worker() -> None:
        for _ in remaining:
            started = time.perf_counter()
            await call()
            latencies.append((time.perf_counter() - started) * 1000)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    quantiles = statistics.quantiles(latencies, n=100)
    return {"label": label, "rps": requests / elapsed, "p50": quantiles[49], "p99": quantiles[98]}


async def main(requests: int, concurrency: int, workers: int) -> None:
    home = Path(tempfile.mkdtemp(prefix="citygraph-bench-"))
    embedded = EmbeddedNeo4j(home)
    uri = embedded.start(free_port())
    connection = Connection(uri, "neo4j", embedded.password(), "neo4j")
    server = None
    try:
        db = Database(connection)
        await migrate(db)
        await demo.generate_and_load(db, home / "demo", scale="london", seed=demo.DEFAULT_SEED)
        await db.close()

        port = free_port()
        env = dict(os.environ, NEO4J_URI=uri, NEO4J_USER="neo4j", NEO4J_PASSWORD=connection.password,
                   CITYGRAPH_TRACE="0")
        server = subprocess.Popen(
            [str(ROOT / ".venv/bin/citygraph"), "serve", "--port", str(port), "--log-level", "warning",
             "--workers", str(workers)],
            env=env, cwd=ROOT,
        )
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as http:
            for _ in range(100):
                try:
                    if (await http.get("/readyz")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.2)

            async def graphql_call() -> None:
                response = await http.post("/graphql", json={"query": GRAPHQL})
                assert response.status_code == 200 and "errors" not in response.json()

            api = await measure("GraphQL over HTTP", graphql_call, requests, concurrency)

        driver = AsyncGraphDatabase.driver(uri, auth=("neo4j", connection.password))

        async def cypher_call() -> None:
            await driver.execute_query(CYPHER, routing_=RoutingControl.READ, database_="neo4j")

        raw = await measure("raw Cypher via driver", cypher_call, requests, concurrency)
        await driver.close()
    finally:
        if server is not None:
            server.terminate()
            server.wait()
        embedded.stop()

    print(f"\nquery: {GRAPHQL}\nrequests={requests} concurrency={concurrency} uvicorn workers={workers} (London demo)\n")
    print("| path | req/s | p50 ms | p99 ms |\n| --- | ---: | ---: | ---: |")
    for row in (api, raw):
        print(f"| {row['label']} | {row['rps']:.0f} | {row['p50']:.1f} | {row['p99']:.1f} |")
    print(f"\nGraphQL/raw throughput ratio: {api['rps'] / raw['rps']:.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=1)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.requests, arguments.concurrency, arguments.workers))
