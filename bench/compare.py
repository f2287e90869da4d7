"""CityGraph side by side with the Neo4j GraphQL Library (issue 9): one Neo4j, the same queries, the same load.

    .venv/bin/python bench/compare.py [--requests 1000] [--seconds 20] [--concurrency 1,8,16] [--repeats 3]
                                      [--warmup 30] [--queries Q1,Q3,A2] [--quick] [--json FILE]

Starts a throwaway embedded Neo4j (its own CITYGRAPH_HOME under /tmp) and loads the London demo, then starts
- CityGraph "cold": `citygraph serve`, one uvicorn worker, response cache off (CITYGRAPH_CACHE_MB=0);
- CityGraph "warm": the same with the response cache on (its default); without a cache both are the same;
- the peer: graphql-yoga + @neo4j/graphql 7 (bench/peer/server.mjs, `make install` installs it);
and uses "raw": one hand-written Cypher statement per query through the async Python driver, its records
turned into dicts and serialised to JSON (the raw client pays decoding too).

First it checks that CityGraph, the peer and raw answer every query with the same data (bench/comparison.py
maps each answer onto CityGraph's shape) and stops with a diff when they do not. Then, for each repetition,
query and concurrency, it runs the four targets one after another in a rotating order: a warm-up, then at most
--requests requests or --seconds seconds, whichever comes first, from --concurrency asyncio workers. Per cell:
req/s, p50/p99 latency, CPU ms per request of the server process, of Neo4j and of this client, read from
/proc/<pid>/stat. The table gives medians over the repetitions and the cold CityGraph/peer throughput ratio
per repetition (paired: measured minutes apart), median.

The load generator shares the machine's cores with the servers: aiohttp is the client because it costs
about a third of httpx's CPU per request here (measured: 0.55 vs 1.9 ms); client CPU is reported too.
"""

import argparse
import asyncio
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
from neo4j import AsyncDriver, AsyncGraphDatabase, RoutingControl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.comparison import QUERIES, Query, differences, jsonable, start_peer, stop  # noqa: E402
from citygraph.graph import demo  # noqa: E402
from citygraph.graph.database import Connection, Database  # noqa: E402
from citygraph.graph.embedded import EmbeddedNeo4j, free_port  # noqa: E402
from citygraph.graph.migrations import migrate  # noqa: E402

TARGETS = ("cold", "warm", "peer", "raw")
TICKS = os.sysconf("SC_CLK_TCK")
READY_TIMEOUT_S = 120.0


class Mismatch(Exception):
    """CityGraph and another side answered a query with different data."""


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process (all its threads) so far, from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime: fields 14 and 15 of stat(5)


def own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@dataclass
class Cell:
    """One target × query × concurrency × repetition."""

    requests: int
    seconds: float
    latencies_ms: list[float]
    server_cpu_s: float | None  # None for raw: the client is the server
    neo4j_cpu_s: float
    client_cpu_s: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    def quantile(self, q: int) -> float:
        if len(self.latencies_ms) < 2:
            return self.latencies_ms[0]
        return statistics.quantiles(self.latencies_ms, n=100, method="inclusive")[q - 1]

    def per_request_ms(self, cpu_s: float | None) -> float | None:
        return None if cpu_s is None else cpu_s * 1000 / self.requests


Call = Callable[[Query], Awaitable[None]]


@dataclass
class Target:
    name: str
    pid: int | None  # the server process whose CPU is counted (None: raw, this process)
    call: Call  # one request, its answer read whole and checked for errors
    answer: Callable[[Query], Awaitable[dict[str, Any]]]  # the answer's data in CityGraph's shape


async def drive(call: Callable[[], Awaitable[None]], concurrency: int, count: int, seconds: float) -> list[float]:
    """`concurrency` workers send requests until `count` were sent or `seconds` passed; the latencies in ms."""
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds
    sent = 0

    async def worker() -> None:
        nonlocal sent
        while sent < count and time.perf_counter() < deadline:
            sent += 1
            began = time.perf_counter()
            await call()
            latencies.append((time.perf_counter() - began) * 1000)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies


async def run_cell(
    target: Target, query: Query, concurrency: int, warmup: int, requests: int, seconds: float, neo4j_pid: int
) -> Cell:
    def call() -> Awaitable[None]:
        return target.call(query)

    # Warm-up at the cell's concurrency (connection pools, plan and parse caches, the JIT), bounded in time too:
    # a slow query must not spend the run warming up.
    await drive(call, concurrency, warmup, max(1.0, seconds / 5))
    server_before = cpu_seconds(target.pid) if target.pid else 0.0
    neo4j_before, client_before = cpu_seconds(neo4j_pid), own_cpu_seconds()
    began = time.perf_counter()
    latencies = await drive(call, concurrency, requests, seconds)
    elapsed = time.perf_counter() - began
    server = cpu_seconds(target.pid) - server_before if target.pid else None
    return Cell(
        len(latencies), elapsed, latencies, server, cpu_seconds(neo4j_pid) - neo4j_before,
        own_cpu_seconds() - client_before,
    )


def http_target(name: str, pid: int, session: aiohttp.ClientSession, url: str, peer: bool) -> Target:
    # Bodies are encoded once per query: the client's own work should not vary between targets.
    bodies: dict[str, bytes] = {}

    def body(query: Query) -> bytes:
        if query.name not in bodies:
            document = query.peer if peer else query.citygraph
            bodies[query.name] = json.dumps({"query": document, "variables": query.variables}).encode()
        return bodies[query.name]

    async def call(query: Query) -> None:
        async with session.post(url, data=body(query), headers={"content-type": "application/json"}) as response:
            payload = await response.read()
        # A byte search instead of json.loads keeps the shared CPU for the servers; the answers themselves
        # were compared in full before the run.
        if response.status != 200 or b'"errors"' in payload:
            raise RuntimeError(f"{name} {query.name}: HTTP {response.status} {payload[:300]!r}")

    async def answer(query: Query) -> dict[str, Any]:
        async with session.post(url, data=body(query), headers={"content-type": "application/json"}) as response:
            result = await response.json()
        if "errors" in result:
            raise Mismatch(f"{name} answered {query.name} with errors: {result['errors']}")
        return query.from_peer(result["data"]) if peer else result["data"]

    return Target(name, pid, call, answer)


def raw_target(driver: AsyncDriver) -> Target:
    async def records(query: Query) -> list[dict[str, Any]]:
        result, _, _ = await driver.execute_query(query.cypher, query.cypher_params, routing_=RoutingControl.READ)
        return [record.data() for record in result]

    async def call(query: Query) -> None:
        json.dumps(query.from_raw(await records(query)), default=str).encode()

    async def answer(query: Query) -> dict[str, Any]:
        return jsonable(query.from_raw(await records(query)))

    return Target("raw", None, call, answer)


async def check_answers(targets: dict[str, Target], queries: list[Query]) -> None:
    """Every target's answer to every query equals cold CityGraph's, or the run stops with the differences."""
    for query in queries:
        expected = await targets["cold"].answer(query)
        for name in ("warm", "peer", "raw"):
            found = differences(expected, await targets[name].answer(query))
            if found:
                raise Mismatch(f"{query.name}: CityGraph (left) and {name} (right) differ:\n  " + "\n  ".join(found))
    print(f"answers identical: CityGraph cold, CityGraph warm, peer and raw, {len(queries)} queries", flush=True)


def start_citygraph(uri: str, password: str, home: Path, cache: bool) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    env = dict(os.environ, NEO4J_URI=uri, NEO4J_USER="neo4j", NEO4J_PASSWORD=password, CITYGRAPH_HOME=str(home),
               CITYGRAPH_TRACE="0")
    if cache:
        env.pop("CITYGRAPH_CACHE_MB", None)  # the default size
    else:
        env["CITYGRAPH_CACHE_MB"] = "0"  # off (a CityGraph without the cache ignores it)
    process = subprocess.Popen(
        [str(ROOT / ".venv/bin/citygraph"), "serve", "--port", str(port), "--log-level", "warning", "--workers", "1"],
        env=env, cwd=ROOT,
    )
    return process, port


async def wait_ready(session: aiohttp.ClientSession, url: str, process: subprocess.Popen[Any]) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited with {process.returncode} before it was ready")
        try:
            async with session.get(url) as response:
                if response.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.25)
    raise RuntimeError(f"{url} was not ready after {READY_TIMEOUT_S:.0f} s")


def median(values: list[float]) -> float:
    return statistics.median(values)


def fmt(value: float | None, digits: int = 1) -> str:
    if value is None:
        return "–"
    return f"{value:.0f}" if value >= 100 else f"{value:.{digits}f}"


def report(results: dict[tuple[str, int, str], list[Cell]], queries: list[Query], levels: list[int]) -> str:
    lines = [
        "| query | c | cold req/s | cold p50 ms | cold CPU ms/req | warm req/s | warm p50 ms | warm CPU ms/req "
        "| peer req/s | peer p50 ms | peer CPU ms/req | raw req/s | raw p50 ms | raw client CPU ms/req "
        "| cold/peer (paired) | warm/raw (paired) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    details = [
        "| query | c | target | req/s | p50 ms | p99 ms | server CPU ms/req | Neo4j CPU ms/req | client CPU ms/req |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for query in queries:
        for c in levels:
            cells = {name: results[(query.name, c, name)] for name in TARGETS}
            row = [query.name, str(c)]
            for name in TARGETS:
                runs = cells[name]
                cpu = [run.per_request_ms(run.server_cpu_s if name != "raw" else run.client_cpu_s) for run in runs]
                row += [fmt(median([r.rps for r in runs])), fmt(median([r.quantile(50) for r in runs])),
                        fmt(median([x for x in cpu if x is not None]))]
                server_cpu = None if name == "raw" else median([r.per_request_ms(r.server_cpu_s) or 0 for r in runs])
                details.append(
                    f"| {query.name} | {c} | {name} | {fmt(median([r.rps for r in runs]))} "
                    f"| {fmt(median([r.quantile(50) for r in runs]))} | {fmt(median([r.quantile(99) for r in runs]))} "
                    f"| {fmt(server_cpu)} | {fmt(median([r.per_request_ms(r.neo4j_cpu_s) or 0 for r in runs]))} "
                    f"| {fmt(median([r.per_request_ms(r.client_cpu_s) or 0 for r in runs]))} |"
                )
            pairs = zip(cells["cold"], cells["peer"], cells["warm"], cells["raw"])
            ratios = [(cold.rps / peer.rps, warm.rps / raw.rps) for cold, peer, warm, raw in pairs]
            row += [f"{median([r[0] for r in ratios]):.2f}", f"{median([r[1] for r in ratios]):.2f}"]
            lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines) + "\n\nDetails (medians over the repetitions):\n\n" + "\n".join(details)


async def measure(args: argparse.Namespace, queries: list[Query], levels: list[int], home: Path) -> str:
    embedded = EmbeddedNeo4j(home)
    uri = embedded.start(free_port(), progress=lambda message: None)
    password = embedded.password()
    servers: list[subprocess.Popen[Any]] = []
    driver: AsyncDriver | None = None
    try:
        print("loading the London demo …", flush=True)
        db = Database(Connection(uri, "neo4j", password, "neo4j"))
        await migrate(db)
        await demo.generate_and_load(db, home / "demo", scale="london", seed=demo.DEFAULT_SEED)
        await db.close()
        neo4j_pid = embedded.status().pid
        assert neo4j_pid is not None

        cold, cold_port = start_citygraph(uri, password, home, cache=False)
        servers.append(cold)
        warm, warm_port = start_citygraph(uri, password, home, cache=True)
        servers.append(warm)
        peer_port = free_port()
        peer = start_peer(uri, "neo4j", password, "neo4j", peer_port, home / "peer.log")
        servers.append(peer)

        # Idle connections are dropped by the client before the servers drop them (uvicorn and Node both after
        # 5 s): a target waits out the other targets' cells, and a request sent on a connection the server is
        # closing at that moment failed the whole run ("Cannot write to closing transport").
        connector = aiohttp.TCPConnector(limit=max(levels) * 4, keepalive_timeout=2)
        timeout = aiohttp.ClientTimeout(total=120)
        async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
            for process, port in ((cold, cold_port), (warm, warm_port)):
                await wait_ready(session, f"http://127.0.0.1:{port}/readyz", process)
            driver = AsyncGraphDatabase.driver(uri, auth=("neo4j", password), max_connection_pool_size=max(levels) * 2)
            targets = {
                "cold": http_target("cold", cold.pid, session, f"http://127.0.0.1:{cold_port}/graphql", peer=False),
                "warm": http_target("warm", warm.pid, session, f"http://127.0.0.1:{warm_port}/graphql", peer=False),
                "peer": http_target("peer", peer.pid, session, f"http://127.0.0.1:{peer_port}/graphql", peer=True),
                "raw": raw_target(driver),
            }
            await check_answers(targets, queries)
            async with session.post(f"http://127.0.0.1:{warm_port}/graphql", json={"query": "{ boroughs { code } }"}) as r:
                etag = "ETag" in r.headers
            print(f"warm CityGraph sends ETag (its response cache is there): {'yes' if etag else 'no'}", flush=True)

            results: dict[tuple[str, int, str], list[Cell]] = {}
            total = args.repeats * len(queries) * len(levels)
            done = 0
            for repetition in range(args.repeats):
                for qi, query in enumerate(queries):
                    for ci, c in enumerate(levels):
                        # Rotating order: no target always runs first (cold caches) or last (after a long one).
                        shift = (repetition + qi + ci) % len(TARGETS)
                        for name in TARGETS[shift:] + TARGETS[:shift]:
                            cell = await run_cell(targets[name], query, c, args.warmup, args.requests, args.seconds,
                                                  neo4j_pid)
                            results.setdefault((query.name, c, name), []).append(cell)
                        done += 1
                        cold_rps = results[(query.name, c, "cold")][-1].rps
                        peer_rps = results[(query.name, c, "peer")][-1].rps
                        print(f"[{done}/{total}] rep {repetition + 1} {query.name} c={c}: cold {cold_rps:.0f} req/s, "
                              f"peer {peer_rps:.0f} req/s", file=sys.stderr, flush=True)
        if args.json:
            Path(args.json).write_text(json.dumps({
                f"{q}|{c}|{t}": [{"requests": x.requests, "seconds": x.seconds, "p50": x.quantile(50),
                                  "p99": x.quantile(99), "server_cpu_s": x.server_cpu_s, "neo4j_cpu_s": x.neo4j_cpu_s,
                                  "client_cpu_s": x.client_cpu_s} for x in cells]
                for (q, c, t), cells in results.items()
            }, indent=1))
        return report(results, queries, levels)
    finally:
        if driver is not None:
            await driver.close()
        for process in servers:
            stop(process)
        embedded.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000, help="at most this many measured requests per cell")
    parser.add_argument("--seconds", type=float, default=20.0, help="at most this long per cell")
    parser.add_argument("--warmup", type=int, default=30,
                        help="unmeasured requests before each cell (at most a fifth of --seconds)")
    parser.add_argument("--concurrency", default="1,8,16", help="comma-separated concurrency levels")
    parser.add_argument("--repeats", type=int, default=3, help="interleaved repetitions (medians, paired ratios)")
    parser.add_argument("--queries", default=",".join(q.name for q in QUERIES), help="e.g. Q1,Q5,A1")
    parser.add_argument("--quick", action="store_true", help="a short run: 50 requests or 3 s per cell, c=1,8, once")
    parser.add_argument("--json", help="also write every cell's measurements to this file")
    args = parser.parse_args()
    if args.quick:
        args.requests, args.seconds, args.warmup, args.repeats = 50, 3.0, 5, 1
        if args.concurrency == parser.get_default("concurrency"):
            args.concurrency = "1,8"
    try:
        levels = [int(c) for c in args.concurrency.split(",")]
    except ValueError:
        parser.error(f"--concurrency takes comma-separated integers, got {args.concurrency!r}")
    by_name = {q.name: q for q in QUERIES}
    unknown = [name for name in args.queries.split(",") if name not in by_name]
    if unknown:
        parser.error(f"unknown queries {', '.join(unknown)}; choose from {', '.join(by_name)}")
    if min(levels) < 1 or args.requests < 1 or args.repeats < 1 or args.seconds <= 0 or args.warmup < 0:
        parser.error("--concurrency, --requests and --repeats must be at least 1, --seconds above 0")
    queries = [by_name[name] for name in args.queries.split(",")]

    home = Path(tempfile.mkdtemp(prefix="citygraph-compare-"))
    try:
        table = asyncio.run(measure(args, queries, levels, home))
    except Mismatch as mismatch:
        print(f"DIFFERENT ANSWERS: {mismatch}", file=sys.stderr)
        raise SystemExit(1) from None
    finally:
        shutil.rmtree(home, ignore_errors=True)  # the throwaway Neo4j store
    command = " ".join(["bench/compare.py", *sys.argv[1:]])
    print(f"\n`{command}` — London demo, one Neo4j (embedded), one process per server, {os.cpu_count()} cores shared "
          f"by the servers, Neo4j and this load generator (aiohttp; its CPU is the client column).\n"
          f"Per cell: at most {args.requests} requests or {args.seconds:g} s after at most {args.warmup} warm-up requests; "
          f"{args.repeats} interleaved repetition(s); medians; ratios paired per repetition.\n")
    for query in queries:
        print(f"- {query.name}: {query.label}")
    print()
    print(table)


if __name__ == "__main__":
    main()
