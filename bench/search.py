"""Server-side time of `search` on the demo data (issue 12: "search latency p50/p99").

    .venv/bin/python bench/search.py [--scale london|uk] [--runs 200] [--warmup 20] [--home DIR]

Starts a throwaway embedded Neo4j, loads the demo of that scale, then runs each search in-process through the
GraphQL schema (as bench/analytics.py does: fresh request context, caches on, no HTTP), one at a time.
"total" is the whole GraphQL execution, "db" the database's own share.
"""

import argparse
import asyncio
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.analytics import quantile, run_once
from citygraph.graph import demo
from citygraph.graph.database import Connection, Database
from citygraph.graph.embedded import EmbeddedNeo4j, free_port
from citygraph.graph.migrations import migrate
from citygraph.graph.settings import Settings

# Typical searches: a prefix, a typo, two words, a code, one kind only; 10 hits each (the default).
QUERIES: dict[str, str] = {
    'prefix "bra"': '{ search(text: "bra") { kind id label score } }',
    'typo "Ledgr"': '{ search(text: "Ledgr") { kind id label score } }',
    'two words "planning system"': '{ search(text: "planning system") { kind id label score } }',
    'code "E09000024"': '{ search(text: "E09000024") { kind id label score } }',
    'suppliers only "comp"': '{ search(text: "comp", kinds: [SUPPLIER]) { kind id label score } }',
    'contracts only, 50 hits "support"': '{ search(text: "support", kinds: [CONTRACT], first: 50) { id label score } }',
}


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=["london", "uk"], default="london")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--home", type=Path, default=None, help="CITYGRAPH_HOME for the throwaway Neo4j")
    args = parser.parse_args()

    home = args.home or Path(tempfile.mkdtemp(prefix="citygraph-bench-search-"))
    embedded = EmbeddedNeo4j(home)
    print(f"Starting embedded Neo4j in {home} …", file=sys.stderr)
    uri = embedded.start(free_port(), progress=lambda message: print(message, file=sys.stderr))
    db = Database(Connection(uri, "neo4j", embedded.password(), "neo4j"))
    rows = []
    try:
        await migrate(db)
        await db.write("clear_graph")
        print(f"Loading the {args.scale} demo …", file=sys.stderr)
        await demo.generate_and_load(db, home / "demo-bundle", scale=args.scale, seed=demo.DEFAULT_SEED)
        await db.run_text("CALL db.awaitIndexes(600)")
        settings = Settings(CITYGRAPH_HOME=home)
        for label, query in QUERIES.items():
            for _ in range(args.warmup):
                await run_once(db, settings, query)
            totals, dbs = [], []
            for _ in range(args.runs):
                total, db_ms = await run_once(db, settings, query)
                totals.append(total)
                dbs.append(db_ms)
            rows.append((label, quantile(totals, 50), quantile(totals, 99), quantile(dbs, 50)))
    finally:
        await db.close()
        embedded.stop()
        if args.home is None:
            shutil.rmtree(home, ignore_errors=True)

    print(f"{args.scale} demo (seed {demo.DEFAULT_SEED}), {args.runs} runs each after {args.warmup} warm-up, one at a time.")
    print(f"Command: `.venv/bin/python bench/search.py --scale {args.scale} --runs {args.runs}`\n")
    print("| search | p50 ms | p99 ms | of which Neo4j, p50 ms |")
    print("| --- | ---: | ---: | ---: |")
    for label, p50, p99, db50 in rows:
        print(f"| {label} | {p50:.1f} | {p99:.1f} | {db50:.1f} |")


if __name__ == "__main__":
    asyncio.run(main())
