"""The fast path (docs/fastpath.md) before and after, side by side in one run: Q1-Q5 of issue 9 over HTTP against
one embedded Neo4j with the London demo, at each concurrency, with the server's own CPU per request.

    .venv/bin/python bench/fastpath.py [--before main] [--requests 400] [--seconds 20] [--concurrency 8 16] [--peer bench/peer]

Servers (one uvicorn worker each, started with `python -m citygraph serve`):
- before: the code of git revision --before (extracted with `git archive` into a temporary folder);
- no fast path: this checkout with CITYGRAPH_FASTPATH=0 (orjson responses and the GC settings only);
- fast path: this checkout as it is;
- peer (with --peer): the Neo4j GraphQL Library server of bench/peer/ (node), asked the same questions in its dialect.
Each cell gets the same warm-up, at most --requests requests or --seconds seconds, and the servers take turns
in a rotating order, so the machine's noise falls on all of them alike. Ratios are of the same run.
"""

import argparse
import asyncio
import io
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from citygraph.graph import demo
from citygraph.graph.database import Connection, Database
from citygraph.graph.embedded import EmbeddedNeo4j, free_port
from citygraph.graph.migrations import migrate

CAMDEN = "E09000007"
QUERIES: dict[str, tuple[str, dict]] = {
    "Q1": ("{ boroughs { name systems { name manufacturer { name } } } }", {}),
    "Q2": ("query Q2($code: ID!) { borough(code: $code) { name systems { name manufacturer { name } } } }", {"code": CAMDEN}),
    "Q3": (
        "query Q3($code: ID!, $from: Date, $to: Date) { borough(code: $code) { contracts(where: {endDateFrom: $from,"
        " endDateTo: $to}, first: 10) { totalCount pageInfo { hasNextPage endCursor } edges { node { title endDate"
        " supplier { name } } } } } }",
        {"code": CAMDEN, "from": "2026-01-01", "to": "2028-12-31"},
    ),
    "Q4": ('{ suppliers(where: {nameContains: "Solutions"}) { edges { node { name systems { name } } } } }', {}),
    "Q5": ("{ boroughs { systems { boroughs { name } } } }", {}),
}
# The same questions to the Neo4j GraphQL Library peer (bench/peer/, issue 9), in its v7 dialect.
PEER_QUERIES: dict[str, tuple[str, dict]] = {
    "Q1": ("{ boroughs(sort: [{name: ASC}]) { name systems(sort: [{name: ASC}]) { name manufacturer { name } } } }", {}),
    "Q2": (
        "query Q2($code: ID!) { boroughs(where: {code: {eq: $code}}) { name systems(sort: [{name: ASC}]) { name manufacturer { name } } } }",
        {"code": CAMDEN},
    ),
    "Q3": (
        "query Q3($code: ID!, $from: Date, $to: Date) { boroughs(where: {code: {eq: $code}}) { contractsConnection(where:"
        " {node: {endDate: {gte: $from, lte: $to}}}, first: 10, sort: [{node: {endDate: ASC}}, {node: {id: ASC}}]) {"
        " totalCount pageInfo { hasNextPage endCursor } edges { node { title endDate suppliers(sort: [{id: ASC}], limit: 1)"
        " { name } } } } } }",
        {"code": CAMDEN, "from": "2026-01-01", "to": "2028-12-31"},
    ),
    "Q4": (
        '{ suppliersConnection(first: 50, where: {name: {caseInsensitive: {contains: "Solutions"}}}, sort: [{name: ASC}, {id: ASC}])'
        " { edges { node { name systems(sort: [{name: ASC}]) { name } } } } }",
        {},
    ),
    "Q5": ("{ boroughs(sort: [{name: ASC}]) { systems(sort: [{name: ASC}]) { boroughs(sort: [{name: ASC}]) { name } } } }", {}),
}
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


@dataclass
class Server:
    label: str
    cwd: Path
    env: dict[str, str]
    queries: dict[str, tuple[str, dict]] = field(default_factory=lambda: QUERIES)
    port: int = 0
    process: subprocess.Popen | None = None

    def start(self) -> None:
        self.port = free_port()
        if self.queries is PEER_QUERIES:
            command = ["node", str(self.cwd / "server.mjs"), "--port", str(self.port)]
        else:
            command = [str(ROOT / ".venv/bin/python"), "-m", "citygraph", "serve", "--port", str(self.port), "--log-level", "warning"]
        self.process = subprocess.Popen(command, env=self.env, cwd=self.cwd)

    async def wait_ready(self, http: httpx.AsyncClient) -> None:
        for _ in range(300):
            try:
                response = await http.post(f"http://127.0.0.1:{self.port}/graphql", json={"query": "{ __typename }"})
                if response.status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
        raise RuntimeError(f"{self.label} did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait()


async def measure(server: Server, http: httpx.AsyncClient, query: str, variables: dict, requests: int, seconds: float, concurrency: int) -> dict:
    url = f"http://127.0.0.1:{server.port}/graphql"
    payload = {"query": query, "variables": variables}

    async def call() -> None:
        response = await http.post(url, json=payload)
        assert response.status_code == 200 and b'"errors"' not in response.content, response.text[:300]

    for _ in range(20):  # warm-up: caches, plans, connection pools
        await call()
    latencies: list[float] = []
    remaining = iter(range(requests))
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        for _ in remaining:
            if time.perf_counter() > deadline:
                return
            started = time.perf_counter()
            await call()
            latencies.append((time.perf_counter() - started) * 1000)

    assert server.process is not None
    cpu = cpu_seconds(server.process.pid)
    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    cpu = cpu_seconds(server.process.pid) - cpu
    return {
        "rps": len(latencies) / elapsed,
        "p50": statistics.median(latencies),
        "cpu_ms": cpu * 1000 / len(latencies),
        "n": len(latencies),
    }


def extract(revision: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="citygraph-before-"))
    archive = subprocess.run(["git", "archive", revision, "citygraph"], cwd=ROOT, check=True, capture_output=True).stdout
    tarfile.open(fileobj=io.BytesIO(archive)).extractall(folder, filter="data")
    return folder


async def main(before: str, requests: int, seconds: float, concurrencies: list[int], peer: Path | None) -> None:
    home = Path(tempfile.mkdtemp(prefix="citygraph-bench-"))
    embedded = EmbeddedNeo4j(home)
    uri = embedded.start(free_port())
    connection = Connection(uri, "neo4j", embedded.password(), "neo4j")
    env = dict(os.environ, NEO4J_URI=uri, NEO4J_USER="neo4j", NEO4J_PASSWORD=connection.password, CITYGRAPH_TRACE="0",
               CITYGRAPH_HOME=str(home / "api"))
    servers = [
        Server("before", extract(before), env),
        Server("no fast path", ROOT, dict(env, CITYGRAPH_FASTPATH="0")),
        Server("fast path", ROOT, dict(env, CITYGRAPH_FASTPATH="1")),
    ]
    if peer is not None:
        servers.append(Server("peer", peer, env, PEER_QUERIES))
    results: dict[tuple[str, int, str], dict] = {}
    try:
        db = Database(connection)
        await migrate(db)
        await demo.generate_and_load(db, home / "demo", scale="london", seed=demo.DEFAULT_SEED)
        await db.close()
        for server in servers:
            server.start()
        async with httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=64)) as http:
            for server in servers:
                await server.wait_ready(http)
            turn = 0
            for name, (query, variables) in QUERIES.items():
                ours = [s for s in servers if s.queries is QUERIES]
                answers = {(await http.post(f"http://127.0.0.1:{s.port}/graphql", json={"query": query, "variables": variables})).content for s in ours}
                assert len(answers) == 1, f"{name}: the servers disagree"
                for concurrency in concurrencies:
                    order = servers[turn % len(servers) :] + servers[: turn % len(servers)]
                    turn += 1
                    for server in order:
                        query, variables = server.queries[name]
                        results[(name, concurrency, server.label)] = await measure(
                            server, http, query, variables, requests, seconds, concurrency
                        )
                        print(f"{name} c={concurrency} {server.label}: {results[(name, concurrency, server.label)]}", flush=True)
    finally:
        for server in servers:
            server.stop()
        embedded.stop()

    print(f"\nLondon demo, one uvicorn worker each, requests ≤ {requests} or ≤ {seconds:g} s per cell; before = {before}\n")
    print("| query | c | before req/s | no fast path | fast path | fast/before | p50 ms before → fast | CPU ms/req before → fast |"
          + (" peer req/s | fast/peer | p50 ms peer | CPU ms/req peer |" if peer else ""))
    print("| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |" + (" ---: | ---: | ---: | ---: |" if peer else ""))
    for name in QUERIES:
        for concurrency in concurrencies:
            b, n, f = (results[(name, concurrency, label)] for label in ("before", "no fast path", "fast path"))
            line = (
                f"| {name} | {concurrency} | {b['rps']:.0f} | {n['rps']:.0f} | {f['rps']:.0f} | {f['rps'] / b['rps']:.2f}× |"
                f" {b['p50']:.1f} → {f['p50']:.1f} | {b['cpu_ms']:.1f} → {f['cpu_ms']:.1f} |"
            )
            if peer:
                p = results[(name, concurrency, "peer")]
                line += f" {p['rps']:.0f} | {f['rps'] / p['rps']:.2f}× | {p['p50']:.1f} | {p['cpu_ms']:.1f} |"
            print(line)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="main", help="git revision to compare with (default: main)")
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[8, 16])
    parser.add_argument("--queries", nargs="+", choices=list(QUERIES), default=list(QUERIES))
    parser.add_argument("--peer", type=Path, default=None,
                        help="a bench/peer folder (server.mjs, node_modules) to measure the Neo4j GraphQL Library too")
    arguments = parser.parse_args()
    for left_out in set(QUERIES) - set(arguments.queries):
        del QUERIES[left_out]
    asyncio.run(main(arguments.before, arguments.requests, arguments.seconds, arguments.concurrency, arguments.peer))
