"""Server-side time of each analytic on the London demo (target < 50 ms p50 each) or the UK-scale demo
(target: p99 < 1 s for every analytic with its default arguments).

    .venv/bin/python bench/analytics.py [--scale london|uk] [--runs N] [--warmup N] [--home DIR [--loaded]]

Starts a throwaway embedded Neo4j (its own CITYGRAPH_HOME under /tmp unless --home), loads the demo of that
scale (the UK one takes a few minutes; `--loaded` reuses the graph a `citygraph demo --scale …` already left
in --home's Neo4j, which is then left running), then runs each query in-process through the GraphQL schema
(`schema.execute` with a fresh request context, as the HTTP endpoint does, signed in as a member council so
that the members-only skillsExchange answers), one at a time. "total" is the whole GraphQL execution: parsing
(cached), validation (cached), resolvers, the Cypher round trip and serialising the result; "db" is the
database's own share (result available + consumed, from the driver's summary). No HTTP.

"first" is the first call of each query in this process (GraphQL parse and validation not cached yet, Neo4j's
plan cache as the previous run left it), timed apart from the runs. On a shared machine wall times grow with
the load average (printed with the table), so the CPU each request costs is printed too: this process's own
(`time.process_time`: resolvers, the driver decoding the rows, GraphQL completing the answer) and the embedded
Neo4j's (its process's user + system time from /proc, which also counts its background threads). A request
served one at a time on an idle machine takes about their sum.
"""

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from citygraph.auth.principal import Principal, Role
from citygraph.graph import demo
from citygraph.graph.database import Connection, Database, Trace, resolve_connection
from citygraph.graph.embedded import EmbeddedNeo4j, free_port
from citygraph.graph.migrations import migrate
from citygraph.graph.settings import Settings
from citygraph.loaders import Loaders
from citygraph.resolvers.context import Context
from citygraph.schema.schema import schema

AS_OF = demo.ANCHOR.isoformat()
# skillsExchange is members only: the analytics are timed as a signed-in member council asks them.
MEMBER = Principal(name="bench", role=Role.MEMBER)
# Each analytic with the fields a dashboard would ask for, nested entities included.
# Both scales hold these ids: the UK demo's councils include London's, its suppliers the same DEMO-SUP-nnn.
# "defaults" rows give only the required arguments (and asOf, for reproducible answers).
QUERIES: dict[str, str] = {
    "sharedSystems (3 boroughs, defaults)": """{ sharedSystems(boroughCodes: ["E09000007", "E09000019",
        "E09000012"]) { boroughCount system { id name manufacturer { name } } boroughs { code name } } }""",
    "sharedSystems (3 boroughs, min 2)": """{ sharedSystems(boroughCodes: ["E09000007", "E09000019", "E09000012"],
        minBoroughs: 2) { boroughCount system { id name manufacturer { name } } boroughs { code name } } }""",
    "sharedSuppliers (3 boroughs, min 2)": """{ sharedSuppliers(boroughCodes: ["E09000007", "E09000019", "E09000012"],
        minBoroughs: 2) { boroughCount supplier { id name sme } boroughs { code name } } }""",
    "sharedSuppliers (3 boroughs, defaults)": """{ sharedSuppliers(boroughCodes: ["E09000007", "E09000019",
        "E09000012"]) { boroughCount supplier { id name sme } boroughs { code name } } }""",
    "collaborationPartners (defaults: limit 5)": """{ collaborationPartners(boroughCode: "E09000024", limit: 5) {
        borough { code name } score reasons sharedSystems { id name } sharedSuppliers { id name } } }""",
    "jointProcurementOpportunities (defaults: 24 months)": """{ jointProcurementOpportunities(asOf: "%s") {
        system { id name } boroughs { code name } contracts { id endDate valueGbp } windowStart windowEnd
        combinedValueGbp } }"""
    % AS_OF,
    "jointProcurementOpportunities (… each contract's borough and supplier, as docs/examples)": """{
        jointProcurementOpportunities(asOf: "%s") { system { id name } boroughs { code name } windowStart windowEnd
        combinedValueGbp contracts { id title endDate valueGbp borough { name } supplier { name } } } }"""
    % AS_OF,
    "jointProcurementOpportunities (limit 20, otherwise defaults)": """{ jointProcurementOpportunities(asOf: "%s",
        limit: 20) {
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
    "supplierConcentration (defaults: count, top 10)": """{ supplierConcentration { total supplierCount
        topShare hhi smeShare suppliers { supplier { id name } contractCount valueGbp share } } }""",
    "supplierConcentration (value, top 10)": """{ supplierConcentration(measure: CONTRACT_VALUE, top: 10) {
        total supplierCount topShare hhi smeShare
        suppliers { supplier { id name } contractCount valueGbp share } } }""",
    "skillsExchange (defaults)": """{ skillsExchange(skill: "Cyber security") { mentor { name } learner { name }
        mentorLevel learnerLevel sharedSystems { id name } } }""",
    "connectionPath (supplier to borough, defaults)": """{ connectionPath(from: {kind: SUPPLIER, id: "DEMO-SUP-045"},
        to: {kind: BOROUGH, id: "E09000001"}) { length nodes { id kind label } } }""",
}


class Failed(Exception):
    """The analytic answered with errors: reported in its row, the run goes on with the next one."""


def neo4j_cpu_ms(pid: int | None) -> float:
    """User + system CPU time of the Neo4j process so far (0 when its pid is unknown, e.g. NEO4J_URI)."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


async def run_once(db: Database, settings: Settings, query: str, neo4j_pid: int | None) -> dict[str, float]:
    trace = Trace()
    context = Context(
        db=db, settings=settings, loaders=Loaders(db), request_id="bench", trace=trace, principal=MEMBER
    )
    neo4j_before, cpu_before = neo4j_cpu_ms(neo4j_pid), time.process_time()
    started = time.perf_counter()
    result = await schema.execute(query, context_value=context)
    elapsed = (time.perf_counter() - started) * 1000
    if result.errors:
        raise Failed(f"failed after {elapsed / 1000:.1f} s: {result.errors[0].message}")
    cpu = (time.process_time() - cpu_before) * 1000
    return {"total": elapsed, "db": trace.db_ms, "cpu": cpu, "neo4j_cpu": neo4j_cpu_ms(neo4j_pid) - neo4j_before}


def quantile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


Row = dict[str, float] | str


async def bench(
    db: Database, settings: Settings, runs: int, warmup: int, budget_s: float, only: str, neo4j_pid: int | None
) -> list[tuple[str, Row]]:
    """Each query once ("first"), `warmup` times more, then `runs` times or until `budget_s` is spent (the run
    count is printed)."""
    rows: list[tuple[str, Row]] = []
    for label, query in QUERIES.items():
        if only not in label:
            continue
        print(f"{label} …", file=sys.stderr)
        timed: list[dict[str, float]] = []
        try:
            first = await run_once(db, settings, query, neo4j_pid)
            for _ in range(warmup):  # plan cache, page cache, parser/validation caches, connection pool
                await run_once(db, settings, query, neo4j_pid)
            deadline = time.monotonic() + budget_s
            while len(timed) < runs and (not timed or time.monotonic() < deadline):
                timed.append(await run_once(db, settings, query, neo4j_pid))
        except Failed as failure:
            rows.append((label, str(failure)))
            continue
        row = {key: quantile([t[key] for t in timed], 50) for key in ("db", "cpu", "neo4j_cpu")}
        totals = [t["total"] for t in timed]
        row |= {"first": first["total"], "p50": quantile(totals, 50), "p99": quantile(totals, 99)}
        row["n"] = len(timed)
        rows.append((label, row))
    return rows


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=("london", "uk"), default="london")
    parser.add_argument("--runs", type=int, default=None, help="default: 200 (london), 100 (uk)")
    parser.add_argument("--warmup", type=int, default=None, help="default: 20 (london), 5 (uk)")
    parser.add_argument("--budget-s", type=float, default=60.0, help="stop timing one analytic after this long")
    parser.add_argument("--only", default="", help="only the analytics whose label contains this, e.g. defaults")
    parser.add_argument("--home", type=Path, default=None, help="CITYGRAPH_HOME for the throwaway Neo4j")
    parser.add_argument(
        "--loaded", action="store_true", help="--home's Neo4j already holds this scale's demo: do not reload it"
    )
    args = parser.parse_args()
    if args.loaded and args.home is None:
        parser.error("--loaded needs --home")
    runs = args.runs or (200 if args.scale == "london" else 100)
    warmup = args.warmup if args.warmup is not None else (20 if args.scale == "london" else 5)

    home = args.home or Path(tempfile.mkdtemp(prefix="citygraph-bench-analytics-"))
    settings = Settings(CITYGRAPH_HOME=home)
    embedded = EmbeddedNeo4j(home)
    if args.loaded:
        connection = resolve_connection(settings, progress=lambda message: print(message, file=sys.stderr))
    else:
        print(f"Starting embedded Neo4j in {home} …", file=sys.stderr)
        uri = embedded.start(free_port(), progress=lambda message: print(message, file=sys.stderr))
        connection = Connection(
            uri, "neo4j", embedded.password(), "neo4j", settings.query_timeout_s, settings.write_timeout_s
        )
    db = Database(connection)
    neo4j_pid = embedded.status().pid if settings.neo4j_uri is None else None
    loads: list[float] = []
    try:
        if not args.loaded:
            await migrate(db)
            await db.write("clear_graph")
            print(f"Loading the {args.scale} demo …", file=sys.stderr)
            await demo.generate_and_load(db, home / "demo-bundle", scale=args.scale, seed=demo.DEFAULT_SEED)
        loads.append(os.getloadavg()[0])
        rows = await bench(db, settings, runs, warmup, args.budget_s, args.only, neo4j_pid)
        loads.append(os.getloadavg()[0])
    finally:
        await db.close()
        if not args.loaded:
            embedded.stop()
        if args.home is None:
            shutil.rmtree(home, ignore_errors=True)

    name = "London demo" if args.scale == "london" else "UK-scale demo"
    print(f"{name} (seed {demo.DEFAULT_SEED}), {runs} runs each after a first call and {warmup} warm-up, one at a "
          "time.")
    print(f"Load average (1 min) at the start and end: {loads[0]:.1f}, {loads[-1]:.1f} on {os.cpu_count()} CPUs.")
    options = " --scale uk" if args.scale == "uk" else ""
    options += f" --runs {args.runs}" if args.runs else ""
    options += f" --warmup {args.warmup}" if args.warmup is not None else ""
    options += f" --budget-s {args.budget_s:g}" if args.budget_s != 60.0 else ""
    options += f" --only {args.only}" if args.only else ""
    options += f" --home {args.home} --loaded" if args.loaded else ""
    print(f"Command: `.venv/bin/python bench/analytics.py{options}`\n")
    print("| analytic | first ms | p50 ms | p99 ms | of which Neo4j, p50 ms | CPU ms, this process | CPU ms, Neo4j "
          "| runs |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for label, row in rows:
        if isinstance(row, str):
            print(f"| {label} | {row} | | | | | | |")
        else:
            print(
                f"| {label} | {row['first']:.0f} | {row['p50']:.1f} | {row['p99']:.1f} | {row['db']:.1f} "
                f"| {row['cpu']:.0f} | {row['neo4j_cpu']:.0f} | {row['n']:.0f} |"
            )


if __name__ == "__main__":
    asyncio.run(main())
