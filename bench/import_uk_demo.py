"""Benchmark: generate the `uk` demo bundle (~150,000 rows) and load it into Neo4j; print rows per second.

    CITYGRAPH_HOME=/tmp/cg-bench .venv/bin/python bench/import_uk_demo.py [--seed N] [--twice]

Uses NEO4J_URI when set, otherwise the embedded Neo4j of CITYGRAPH_HOME (started here, and stopped again
if this script started it). Point CITYGRAPH_HOME at a throwaway folder: the graph is cleared first."""

import argparse
import asyncio
import sys
import time

from citygraph.graph import demo
from citygraph.graph.database import Database, resolve_connection
from citygraph.graph.embedded import EmbeddedNeo4j
from citygraph.graph.migrations import migrate
from citygraph.graph.settings import get_settings


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


async def bench(db: Database, seed: int, twice: bool) -> None:
    settings = get_settings()
    folder = settings.home / f"demo-uk-{seed}"
    started = time.perf_counter()
    counts = demo.generate(folder, "uk", seed)
    generate_s = time.perf_counter() - started
    rows = sum(counts.values())
    print(f"generated {rows:,} rows in {generate_s:.1f}s into {folder}: {counts}")

    await migrate(db)
    await db.write("clear_graph")
    for attempt in ("first load", "second load (idempotent)")[: 2 if twice else 1]:
        started = time.perf_counter()
        report = await demo.load(db, folder, "uk", seed, progress=lambda kind, done, total: done == total and log(
            f"  {kind}: {total:,} in {time.perf_counter() - started:.1f}s"
        ))
        load_s = time.perf_counter() - started
        print(f"{attempt}: {rows:,} rows in {load_s:.1f}s = {rows / load_s:,.0f} rows/s (validation included)")
        print(f"  {report.summary()}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=demo.DEFAULT_SEED)
    parser.add_argument("--twice", action="store_true", help="load a second time, to time an unchanged re-load")
    args = parser.parse_args()
    settings = get_settings()
    embedded = EmbeddedNeo4j.from_settings(settings)
    started_here = settings.embedded and not embedded.status().running

    async def run() -> None:
        db = Database(resolve_connection(settings, progress=log))
        try:
            await bench(db, args.seed, args.twice)
        finally:
            await db.close()

    try:
        asyncio.run(run())
    finally:
        if started_here:
            embedded.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
