"""The dashboard in headless Chromium: the map's first render and each view's time to data, plus the bundle's size.
    .venv/bin/python bench/dashboard.py [--runs 5] [--home DIR]
Starts a throwaway embedded Neo4j (its own CITYGRAPH_HOME under /tmp unless --home), loads the London demo,
serves the API with `citygraph serve` on a free loopback port and loads each view of tests/js/dashboard.mjs
(VIEWS) `--runs` times in a fresh page load (Debian's Chromium via playwright-core, HTTP cache warm after the
first load). "Time to data" is from navigation start to the view showing the API's answer (<main
data-status="ready">: queries answered, tables, charts and the map drawn). Sizes are of the committed files in
citygraph/dashboard/static/, gzipped at level 9. Not a test: numbers depend on the machine and its load.
"""

import argparse
import asyncio
import gzip
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from citygraph.dashboard.pages import STATIC_DIR  # noqa: E402
from citygraph.graph import demo  # noqa: E402
from citygraph.graph.database import Connection, Database  # noqa: E402
from citygraph.graph.embedded import EmbeddedNeo4j, free_port  # noqa: E402
from citygraph.graph.migrations import migrate  # noqa: E402
from tests.live_server import live_server, run_node  # noqa: E402


def bundle_sizes() -> list[tuple[str, int, int]]:
    return [
        (path.name, path.stat().st_size, len(gzip.compress(path.read_bytes(), compresslevel=9)))
        for path in sorted(STATIC_DIR.iterdir())
    ]


async def load_demo(connection: Connection, home: Path) -> None:
    db = Database(connection)
    try:
        await migrate(db)
        await demo.generate_and_load(db, home / "demo", scale="london", seed=demo.DEFAULT_SEED)
    finally:
        await db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--home", type=Path)
    args = parser.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="citygraph-bench-dashboard-"))
    embedded = EmbeddedNeo4j(home)
    uri = embedded.start(free_port())
    try:
        connection = Connection(uri, "neo4j", embedded.password(), "neo4j")
        asyncio.run(load_demo(connection, home))
        with live_server(connection, home / "serve") as base:
            report = run_node("dashboard.mjs", base, str(home), demo.ANCHOR.isoformat(), "--bench", str(args.runs),
                              timeout=60 + 60 * args.runs)
    finally:
        embedded.stop()
        if args.home is None:
            shutil.rmtree(home, ignore_errors=True)
    if not report.get("ok"):
        raise SystemExit(f"the browser run failed: {report.get('error')}")
    if report["consoleErrors"] or report["pageErrors"] or report["external"]:
        raise SystemExit(f"errors: {report['consoleErrors']} {report['pageErrors']} {report['external']}")

    print(f"Dashboard, London demo, headless Chromium, {args.runs} page loads per view (first one with a cold cache)\n")
    print("| view | first load ms | median ms | min ms |")
    print("| --- | ---: | ---: | ---: |")
    for view, times in report["timings"].items():
        label = f"{view} (map's first render)" if view == "map" else view
        print(f"| {label} | {times[0]:.0f} | {statistics.median(times):.0f} | {min(times):.0f} |")
    print("\n| file | bytes | gzipped |")
    print("| --- | ---: | ---: |")
    sizes = bundle_sizes()
    for name, raw, packed in sizes:
        print(f"| {name} | {raw:,} | {packed:,} |")
    code = [s for s in sizes if s[0] in {"dashboard.js", "dashboard.css"}]
    print(f"| **JS + CSS** | {sum(s[1] for s in code):,} | {sum(s[2] for s in code):,} |")


if __name__ == "__main__":
    main()
