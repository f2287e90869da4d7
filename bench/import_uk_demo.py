"""Benchmark: generate the `uk` demo bundle (~150,000 rows) and load it into Neo4j; print rows per second.

    CITYGRAPH_HOME=/tmp/cg-bench .venv/bin/python bench/import_uk_demo.py [--seed N] [--twice] [--compare DIR]

--compare DIR first times the same first load with the citygraph package of another checkout (e.g. the
commit before a change: `git archive <commit> | tar -x -C DIR`), in a subprocess against the same Neo4j,
then this checkout's, and prints the ratio: the machine is shared, so only ratios from one run count.

Uses NEO4J_URI when set, otherwise the embedded Neo4j of CITYGRAPH_HOME (started here, and stopped again
if this script started it). Point CITYGRAPH_HOME at a throwaway folder: the graph is cleared first."""

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path

from citygraph.graph import demo
from citygraph.graph.database import Database, resolve_connection
from citygraph.graph.embedded import EmbeddedNeo4j
from citygraph.graph.migrations import migrate
from citygraph.graph.settings import get_settings


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


async def clear(db: Database) -> None:
    """Empties the graph in chunks: deleting a UK-scale graph in one transaction needs more than the
    default transaction memory of a 1 GB heap."""
    for statement in (
        "MATCH ()-[r]->() WITH r LIMIT 50000 DELETE r RETURN count(*) AS deleted",
        "MATCH (n) WITH n LIMIT 50000 DELETE n RETURN count(*) AS deleted",
    ):
        while (await db.run_text(statement, write=True))[0]["deleted"]:
            pass


# Runs in a subprocess with PYTHONPATH=<other checkout>: that checkout's demo.load on the same bundle.
OTHER_LOAD = """
import asyncio, sys, time
from pathlib import Path
from citygraph.graph import demo
from citygraph.graph.database import Database, resolve_connection
from citygraph.graph.settings import get_settings

async def main():
    db = Database(resolve_connection(get_settings()))
    try:
        started = time.perf_counter()
        await demo.load(db, Path(sys.argv[1]), "uk", int(sys.argv[2]))
        print(time.perf_counter() - started)
    finally:
        await db.close()

asyncio.run(main())
"""


async def time_other(other: Path, folder: Path, seed: int) -> float:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", OTHER_LOAD, str(folder), str(seed),
        env={**os.environ, "PYTHONPATH": str(other)}, stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, _ = await process.communicate()
    if process.returncode:
        raise SystemExit(f"the load with {other} failed (exit {process.returncode})")
    return float(out.decode().split()[-1])


async def bench(db: Database, seed: int, twice: bool, other: Path | None) -> None:
    settings = get_settings()
    folder = settings.home / f"demo-uk-{seed}"
    started = time.perf_counter()
    counts = demo.generate(folder, "uk", seed)
    generate_s = time.perf_counter() - started
    rows = sum(counts.values())
    print(f"generated {rows:,} rows in {generate_s:.1f}s into {folder}: {counts}")

    await migrate(db)
    other_s = None
    if other:
        await clear(db)
        other_s = await time_other(other, folder, seed)
        print(f"first load with {other}: {rows:,} rows in {other_s:.1f}s = {rows / other_s:,.0f} rows/s")
    await clear(db)
    for attempt in ("first load", "second load (idempotent)")[: 2 if twice else 1]:
        started = time.perf_counter()
        report = await demo.load(db, folder, "uk", seed, progress=lambda kind, done, total: done == total and log(
            f"  {kind}: {total:,} in {time.perf_counter() - started:.1f}s"
        ))
        load_s = time.perf_counter() - started
        print(f"{attempt}: {rows:,} rows in {load_s:.1f}s = {rows / load_s:,.0f} rows/s (validation included)")
        print(f"  {report.summary()}")
        if other_s and attempt == "first load":
            print(f"  {other_s / load_s:.2f}x the rows/s of {other}, measured in the same run")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=demo.DEFAULT_SEED)
    parser.add_argument("--twice", action="store_true", help="load a second time, to time an unchanged re-load")
    parser.add_argument("--compare", type=Path, metavar="DIR", help="another checkout to time side by side")
    args = parser.parse_args()
    settings = get_settings()
    embedded = EmbeddedNeo4j.from_settings(settings)
    started_here = settings.embedded and not embedded.status().running

    async def run() -> None:
        db = Database(resolve_connection(settings, progress=log))
        try:
            await bench(db, args.seed, args.twice, args.compare)
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
