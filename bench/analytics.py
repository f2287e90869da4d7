"""Server-side time of each analytic on the London demo (issue: "Analytics"; target < 50 ms p50 each).

    .venv/bin/python bench/analytics.py [--runs 200] [--warmup 20] [--home DIR]

Starts a throwaway embedded Neo4j (its own CITYGRAPH_HOME under /tmp unless --home), loads the London demo,
then runs each query in-process through the GraphQL schema (`schema.execute` with a fresh request
context, as the HTTP endpoint does), one at a time. "total" is the whole GraphQL execution: parsing
(cached), validation (cached), resolvers, the Cypher round trip and serialising the result; "db" is the
database's own share (result available + consumed, from the driver's summary). No HTTP.
"""

import argparse
import asyncio
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from citygraph.graph import demo
from citygraph.graph.database import Connection, Database, Trace
from citygraph.graph.embedded import EmbeddedNeo4j, free_port
from citygraph.graph.migrations import migrate
from citygraph.graph.settings import Settings
from citygraph.loaders import Loaders
from citygraph.resolvers.context import Context
from citygraph.schema.schema import schema

AS_OF = demo.ANCHOR.isoformat()
# Each analytic with the fields a dashboard would ask for, nested entities included.
QUERIES: dict[str, str] = {
    "sharedSystems (3 boroughs, min 2)": """{ sharedSystems(boroughCodes: ["E09000007", "E09000019", "E09000012"],
        minBoroughs: 2) { boroughCount system { id name manufacturer { name } } boroughs { code name } } }""",
    "sharedSuppliers (3 boroughs, min 2)": """{ sharedSuppliers(boroughCodes: ["E09000007", "E09000019", "E09000012"],
        minBoroughs: 2) { boroughCount supplier { id name sme } boroughs { code name } } }""",
    "collaborationPartners (limit 5)": """{ collaborationPartners(boroughCode: "E09000024", limit: 5) {
        borough { code name } score reasons sharedSystems { id name } sharedSuppliers { id name } } }""",
    "jointProcurementOpportunities (24 months)": """{ jointProcurementOpportunities(withinMonths: 24, asOf: "%s") {
        system { id name } boroughs { code name } contracts { id endDate valueGbp } windowStart windowEnd
        combinedValueGbp } }"""
    % AS_OF,
    "supplierNetwork (largest supplier, defaults)": """{ supplierNetwork(supplierId: "DEMO-SUP-001") {
        nodes { id kind label } edges { source target weight } } }""",
    "supplierNetwork (… and every edge's sharedBoroughs)": """{ supplierNetwork(supplierId: "DEMO-SUP-001") {
        nodes { id kind label } edges { source target weight sharedBoroughs { code } } } }""",
    "supplierNetwork (depth 3, minSharedBoroughs 10)": """{ supplierNetwork(supplierId: "DEMO-SUP-001", depth: 3,
        minSharedBoroughs: 10) { nodes { id kind label }
        edges { source target weight sharedBoroughs { code name } } } }""",
    "supplierConcentration (value, top 10)": """{ supplierConcentration(measure: CONTRACT_VALUE, top: 10) {
        total supplierCount topShare hhi smeShare
        suppliers { supplier { id name } contractCount valueGbp share } } }""",
    "skillsExchange": """{ skillsExchange(skill: "Cyber security") { mentor { name } learner { name }
        mentorLevel learnerLevel sharedSystems { id name } } }""",
    "connectionPath (supplier to borough)": """{ connectionPath(from: {kind: SUPPLIER, id: "DEMO-SUP-045"},
        to: {kind: BOROUGH, id: "E09000001"}, maxHops: 6) { length nodes { id kind label } } }""",
}


async def run_once(db: Database, settings: Settings, query: str) -> tuple[float, float]:
    trace = Trace()
    context = Context(db=db, settings=settings, loaders=Loaders(db), request_id="bench", trace=trace)
    started = time.perf_counter()
    result = await schema.execute(query, context_value=context)
    elapsed = (time.perf_counter() - started) * 1000
    if result.errors:
        raise SystemExit(f"{query}\n{result.errors}")
    return elapsed, trace.db_ms


def quantile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


async def bench(db: Database, settings: Settings, runs: int, warmup: int) -> list[tuple[str, dict[str, float]]]:
    rows = []
    for label, query in QUERIES.items():
        for _ in range(warmup):  # plan cache, page cache, parser/validation caches, connection pool
            await run_once(db, settings, query)
        totals, dbs = [], []
        for _ in range(runs):
            total, db_ms = await run_once(db, settings, query)
            totals.append(total)
            dbs.append(db_ms)
        rows.append((label, {"p50": quantile(totals, 50), "p99": quantile(totals, 99), "db50": quantile(dbs, 50)}))
    return rows


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--home", type=Path, default=None, help="CITYGRAPH_HOME for the throwaway Neo4j")
    args = parser.parse_args()

    home = args.home or Path(tempfile.mkdtemp(prefix="citygraph-bench-analytics-"))
    embedded = EmbeddedNeo4j(home)
    print(f"Starting embedded Neo4j in {home} …", file=sys.stderr)
    uri = embedded.start(free_port(), progress=lambda message: print(message, file=sys.stderr))
    db = Database(Connection(uri, "neo4j", embedded.password(), "neo4j"))
    try:
        await migrate(db)
        await db.write("clear_graph")
        print("Loading the London demo …", file=sys.stderr)
        await demo.generate_and_load(db, home / "demo-bundle", scale="london", seed=demo.DEFAULT_SEED)
        settings = Settings(CITYGRAPH_HOME=home)
        rows = await bench(db, settings, args.runs, args.warmup)
    finally:
        await db.close()
        embedded.stop()
        if args.home is None:
            shutil.rmtree(home, ignore_errors=True)

    print(f"London demo (seed {demo.DEFAULT_SEED}), {args.runs} runs each after {args.warmup} warm-up, one at a time.")
    runs = f" --runs {args.runs}" if args.runs != 200 else ""
    print(f"Command: `.venv/bin/python bench/analytics.py{runs}`\n")
    print("| analytic | p50 ms | p99 ms | of which Neo4j, p50 ms |")
    print("| --- | ---: | ---: | ---: |")
    for label, row in rows:
        print(f"| {label} | {row['p50']:.1f} | {row['p99']:.1f} | {row['db50']:.1f} |")


if __name__ == "__main__":
    asyncio.run(main())
