"""Benchmark: generate the `uk` demo bundle (148,413 rows), load it into an empty graph, then load it again
(unchanged: nothing is written); print rows per second, validation included, where the time went (the
importer's phases) and the CPU seconds the importer and Neo4j each spent per 1,000 rows.

    CITYGRAPH_HOME=/tmp/cg-bench .venv/bin/python bench/import_uk_demo.py [--seed N] [--compare DIR]

--compare DIR also times the same two loads with the citygraph package of another checkout (e.g. the
commit before a change: `git archive <commit> citygraph | tar -x -C DIR`), in a subprocess against the
same Neo4j, first, and prints the ratios: the machine is shared, so only ratios from one run count.

CPU seconds come from /proc: this process (or the other checkout's) and the embedded Neo4j's; they say
what a quiet machine would need, where wall time on a busy one does not. With NEO4J_URI (a Neo4j not
started here) Neo4j's CPU is not known and shows as "-".

Uses NEO4J_URI when set, otherwise the embedded Neo4j of CITYGRAPH_HOME (started here, and stopped again
if this script started it). Point CITYGRAPH_HOME at a throwaway folder: the graph is cleared first."""

import argparse
import asyncio
import json
import os
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from citygraph.graph import demo
from citygraph.graph.database import Database, resolve_connection
from citygraph.graph.embedded import EmbeddedNeo4j
from citygraph.graph.importer import ImportReport
from citygraph.graph.migrations import migrate
from citygraph.graph.settings import get_settings

TICKS = os.sysconf("SC_CLK_TCK")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def cpu_seconds(pid: int | None) -> float | None:
    """User + system CPU seconds of a process so far, from /proc (None when unknown)."""
    if pid is None:
        return None
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / TICKS


class Neo4jCpu:
    """Samples Neo4j's CPU seconds every 100 ms, so that each phase of a load (timed with perf_counter by
    the importer, which also counts its own CPU) can be given the CPU Neo4j spent in it."""

    def __init__(self, neo4j_pid: int | None):
        self.neo4j_pid = neo4j_pid
        self.samples: list[tuple[float, float | None]] = []  # (perf_counter, Neo4j's CPU seconds)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        self.samples.append((time.perf_counter(), cpu_seconds(self.neo4j_pid)))

    def _run(self) -> None:
        while not self._stop.wait(0.1):
            self._sample()

    def __enter__(self) -> "Neo4jCpu":
        self._sample()
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()

    def between(self, started: float, ended: float) -> float | None:
        """Neo4j's CPU seconds from the last sample at or before `started` to the first at or after `ended`."""
        before = max((s for s in self.samples if s[0] <= started), default=self.samples[0])
        after = min((s for s in self.samples if s[0] >= ended), default=self.samples[-1])
        return None if before[1] is None or after[1] is None else after[1] - before[1]


@dataclass
class Timing:
    label: str
    rows: int
    wall_s: float
    importer_cpu_s: float
    neo4j_cpu_s: float | None

    def line(self) -> str:
        neo4j = "-" if self.neo4j_cpu_s is None else f"{self.neo4j_cpu_s:6.1f}"
        per_k = "-" if self.neo4j_cpu_s is None else f"{self.neo4j_cpu_s / self.rows * 1000 * 1000:5.0f}"
        return (
            f"{self.label:44} {self.wall_s:7.1f} {self.rows / self.wall_s:9,.0f} {self.importer_cpu_s:8.1f} {neo4j:>7}"
            f" {self.importer_cpu_s / self.rows * 1000 * 1000:9.0f} {per_k:>9}"
        )


HEADER = (
    f"{'':44} {'wall s':>7} {'rows/s':>9} {'CPU s':>8} {'':>7} {'CPU ms per 1,000 rows':>19}\n"
    f"{'':44} {'':>7} {'':>9} {'importer':>8} {'Neo4j':>7} {'importer':>9} {'Neo4j':>9}"
)


async def clear(db: Database) -> None:
    """Empties the graph in chunks: deleting a UK-scale graph in one transaction needs more than the
    default transaction memory of a 1 GB heap."""
    for statement in (
        "MATCH ()-[r]->() WITH r LIMIT 50000 DELETE r RETURN count(*) AS deleted",
        "MATCH (n) WITH n LIMIT 50000 DELETE n RETURN count(*) AS deleted",
    ):
        while (await db.run_text(statement, write=True))[0]["deleted"]:
            pass


# Runs in a subprocess with PYTHONPATH=<other checkout>: that checkout's demo.load, twice, on the same bundle;
# prints the wall and CPU seconds of each load as JSON.
OTHER_LOAD = """
import asyncio, json, sys, time
from pathlib import Path
from citygraph.graph import demo
from citygraph.graph.database import Database, resolve_connection
from citygraph.graph.settings import get_settings

async def main():
    db = Database(resolve_connection(get_settings()))
    try:
        for _ in range(2):
            started, cpu = time.perf_counter(), time.process_time()
            await demo.load(db, Path(sys.argv[1]), "uk", int(sys.argv[2]))
            print(json.dumps([time.perf_counter() - started, time.process_time() - cpu]), flush=True)
            sys.stdin.readline()  # the bench reads Neo4j's CPU between the loads
    finally:
        await db.close()

asyncio.run(main())
"""


async def time_other(other: Path, folder: Path, seed: int, rows: int, neo4j_pid: int | None) -> list[Timing]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", OTHER_LOAD, str(folder), str(seed), env={**os.environ, "PYTHONPATH": str(other)},
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert process.stdout and process.stdin
    timings = []
    for label in ("first load", "reload (unchanged)"):
        neo4j_before = cpu_seconds(neo4j_pid)
        line = await process.stdout.readline()
        if not line:
            raise SystemExit(f"the load with {other} failed (exit {await process.wait()})")
        neo4j_after = cpu_seconds(neo4j_pid)
        wall_s, cpu_s = json.loads(line)
        neo4j = None if neo4j_before is None or neo4j_after is None else neo4j_after - neo4j_before
        timings.append(Timing(f"{other}: {label}", rows, wall_s, cpu_s, neo4j))
        process.stdin.write(b"\n")
        await process.stdin.drain()
    await process.wait()
    return timings


def phase_lines(report: ImportReport, sampler: Neo4jCpu) -> list[str]:
    lines = []
    for phase in report.phases:
        neo4j = sampler.between(phase.started, phase.ended)
        neo4j_text = "-" if neo4j is None else f"{neo4j:5.1f}"
        lines.append(
            f"    {phase.name:8} {phase.seconds:7.1f}s wall"
            f"   importer CPU {phase.cpu_s:5.1f}s   Neo4j CPU {neo4j_text}s"
        )
    return lines


async def bench(db: Database, seed: int, other: Path | None, neo4j_pid: int | None) -> None:
    settings = get_settings()
    folder = settings.home / f"demo-uk-{seed}"
    started = time.perf_counter()
    counts = demo.generate(folder, "uk", seed)
    generate_s = time.perf_counter() - started
    rows = sum(counts.values())
    print(f"generated {rows:,} rows in {generate_s:.1f}s into {folder}: {counts}")

    await migrate(db)
    others: list[Timing] = []
    if other:
        await clear(db)
        others = await time_other(other, folder, seed, rows, neo4j_pid)
    await clear(db)
    ours: list[Timing] = []
    breakdown: list[str] = []
    for label in ("first load", "reload (unchanged)"):
        with Neo4jCpu(neo4j_pid) as sampler:
            started, cpu = time.perf_counter(), time.process_time()
            report = await demo.load(db, folder, "uk", seed)
            load_s, importer = time.perf_counter() - started, time.process_time() - cpu
        neo4j = sampler.between(started, started + load_s)
        ours.append(Timing(f"this checkout: {label}", rows, load_s, importer, neo4j))
        breakdown += [f"  {label}: {report.summary()}", *phase_lines(report, sampler)]
    print(HEADER)
    for timing in [*others, *ours]:
        print(timing.line())
    print("phases of this checkout's loads (wall time, and the CPU each process spent meanwhile):")
    print("\n".join(breakdown))
    for mine, theirs in zip(ours, others, strict=False):
        print(f"{mine.label}: {theirs.wall_s / mine.wall_s:.2f}x the rows/s of {theirs.label}, in the same run")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=demo.DEFAULT_SEED)
    parser.add_argument("--compare", type=Path, metavar="DIR", help="another checkout to time side by side")
    args = parser.parse_args()
    settings = get_settings()
    embedded = EmbeddedNeo4j.from_settings(settings)
    started_here = settings.embedded and not embedded.status().running

    async def run() -> None:
        db = Database(resolve_connection(settings, progress=log))
        neo4j_pid = embedded.status().pid if settings.embedded else None
        try:
            await bench(db, args.seed, args.compare, neo4j_pid)
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
