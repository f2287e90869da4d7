"""The `citygraph` command. Every command that needs data uses NEO4J_URI when it is set, otherwise the
embedded Neo4j of CITYGRAPH_HOME, starting it when it is not running."""

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from neo4j.exceptions import Neo4jError, ServiceUnavailable

from citygraph import __version__
from citygraph.graph.database import Database, resolve_connection
from citygraph.graph.embedded import EmbeddedNeo4j, EmbeddedNeo4jError
from citygraph.graph.migrations import migrate
from citygraph.graph.settings import Settings, get_settings

T = TypeVar("T")


def err(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def with_db(settings: Settings, work: Callable[[Database], Awaitable[T]]) -> T:
    """Connects (starting the embedded Neo4j if needed), makes sure the schema exists, runs `work`."""

    async def run() -> T:
        db = Database(resolve_connection(settings, progress=err))
        try:
            await migrate(db)
            return await work(db)
        finally:
            await db.close()

    return asyncio.run(run())


# --- neo4j -------------------------------------------------------------------------------------------


def cmd_neo4j_start(args: argparse.Namespace, settings: Settings) -> int:
    if settings.neo4j_uri:
        err(f"NEO4J_URI is set ({settings.neo4j_uri}): CityGraph uses that server, not the embedded one.")
        return 1
    embedded = EmbeddedNeo4j.from_settings(settings)
    uri = embedded.start(args.bolt_port or settings.bolt_port, progress=err)
    print(uri)
    return 0


def cmd_neo4j_stop(args: argparse.Namespace, settings: Settings) -> int:
    stopped = EmbeddedNeo4j.from_settings(settings).stop()
    print("stopped" if stopped else "not running")
    return 0


def cmd_neo4j_status(args: argparse.Namespace, settings: Settings) -> int:
    status = EmbeddedNeo4j.from_settings(settings).status()
    if status.running:
        print(f"running pid={status.pid} uri={status.uri} home={status.home}")
        return 0
    print(f"not running home={status.home}")
    return 3  # the LSB "program is not running" status, handy in scripts


# --- data --------------------------------------------------------------------------------------------


def cmd_seed(args: argparse.Namespace, settings: Settings) -> int:
    from citygraph.graph.reference import seed

    count = with_db(settings, seed)
    print(f"seeded {count} London councils")
    return 0


def cmd_stats(args: argparse.Namespace, settings: Settings) -> int:
    async def work(db: Database) -> dict[str, dict[str, int]]:
        nodes = await db.read("stats_nodes")
        relationships = await db.read("stats_relationships")
        return {
            "nodes": {row["label"]: row["count"] for row in nodes},
            "relationships": {row["type"]: row["count"] for row in relationships},
        }

    stats = with_db(settings, work)
    if args.json:
        print(json.dumps(stats, indent=2, sort_keys=True))
        return 0
    for section, counts in stats.items():
        print(f"{section}:")
        for name, count in sorted(counts.items()):
            print(f"  {name:<20} {count:>10,}")
    return 0


def cmd_load_ocds(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from citygraph.graph import ocds

    # Every file is read before anything is written, so a broken file leaves the graph untouched.
    try:
        files = [ocds.read_file(Path(name), settings.it_cpv_prefixes, args.all_cpv) for name in args.files]
    except ocds.OcdsError as error:
        err(f"citygraph load-ocds: {error}")
        return 1

    async def work(db: Database) -> None:
        await ocds.load(db, files, progress=err)

    with_db(settings, work)
    print("\n".join(ocds.summary(files)))
    return 0


def cmd_cypher(args: argparse.Namespace, settings: Settings) -> int:
    try:
        params: dict[str, Any] = json.loads(args.params) if args.params else {}
    except json.JSONDecodeError as error:
        err(f"citygraph cypher: --params is not valid JSON ({error}); pass an object, e.g. '{{\"code\": \"E09000007\"}}'.")
        return 2
    if not isinstance(params, dict):
        err("citygraph cypher: --params must be a JSON object, e.g. '{\"code\": \"E09000007\"}'.")
        return 2

    async def work(db: Database) -> list[dict[str, Any]]:
        # Read routing makes Neo4j refuse any write in the statement.
        return await db.run_text(args.query, params, write=False)

    try:
        rows = with_db(settings, work)
    except Neo4jError as error:
        first_line = (str(error.message or "").strip().splitlines() or [""])[0]
        err(f"citygraph cypher: {error.code}: {first_line}")
        return 1
    for row in rows:
        print(json.dumps(row, default=str, sort_keys=True))
    return 0


def cmd_load(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from citygraph.graph.bundle import BundleInvalid
    from citygraph.graph.importer import ImportReport, load_bundle
    from citygraph.terminal import import_progress

    try:
        with import_progress() as progress:  # bars with rate and time left, on a terminal only

            async def work(db: Database) -> ImportReport:
                return await load_bundle(db, Path(args.path), dry_run=args.dry_run, source=args.source, progress=progress)

            report = with_db(settings, work)
    except BundleInvalid as invalid:
        for problem in invalid.problems:
            err(str(problem))
        err(f"citygraph load: {len(invalid.problems)} problem(s) in {args.path}; nothing was written")
        return 1
    print(report.summary())
    return 0


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    """Generates a synthetic bundle (docs/demo-data.md) into --out, then loads it like `citygraph load`."""
    import time
    from pathlib import Path

    from citygraph.graph import demo
    from citygraph.graph.importer import ImportReport

    seed = demo.DEFAULT_SEED if args.seed is None else args.seed
    folder = Path(args.out) if args.out else settings.home / f"demo-{args.scale}-{seed}"
    started = time.perf_counter()
    counts = demo.generate(folder, args.scale, seed)
    err(f"generated {sum(counts.values()):,} rows in {folder} ({time.perf_counter() - started:.1f}s)")

    from citygraph.terminal import import_progress

    def logged(kind: str, done: int, total: int) -> None:
        if done == total:
            err(f"loaded {kind}: {total:,}")

    started = time.perf_counter()
    with import_progress() as live:  # bars with rate and time left on a terminal; a line per kind otherwise

        async def work(db: Database) -> ImportReport:
            return await demo.load(db, folder, args.scale, seed, progress=live or logged)

        report = with_db(settings, work)
    err(f"loaded in {time.perf_counter() - started:.1f}s")
    print(report.summary())
    return 0


# --- API ---------------------------------------------------------------------------------------------


def cmd_schema(args: argparse.Namespace, settings: Settings) -> int:
    from citygraph.schema.schema import schema

    print(schema.as_str())
    return 0


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from citygraph.schema.app import create_app

    if settings.embedded:
        resolve_connection(settings, progress=err)  # start the embedded Neo4j before taking requests
    # Several workers need the app as an import string (each process builds its own driver).
    app = "citygraph.schema.app:create_app" if args.workers > 1 else create_app(settings)
    uvicorn.run(
        app,
        factory=args.workers > 1,
        workers=args.workers,
        host=args.host,
        port=args.port,
        loop="uvloop",
        http="httptools",
        log_level=args.log_level,
    )
    return 0


def cmd_up(args: argparse.Namespace, settings: Settings) -> int:
    """Everything `make run` promises: Neo4j, the councils, demo data on an empty graph, the API; Ctrl-C
    stops the API and the embedded Neo4j if this command started it."""
    from citygraph.graph.reference import seed

    embedded = EmbeddedNeo4j.from_settings(settings)
    started_here = settings.embedded and not embedded.status().running
    try:

        async def prepare(db: Database) -> None:
            await seed(db)
            if args.demo:
                await _demo_if_empty(db, settings)

        with_db(settings, prepare)
        err(f"CityGraph API on http://{args.host}:{args.port}/graphql  (Ctrl-C stops it)")
        return cmd_serve(args, settings)
    finally:
        if started_here:
            err("Stopping the embedded Neo4j this command started …")
            embedded.stop()


async def _demo_if_empty(db: Database, settings: Settings) -> None:
    rows = await db.read("count_system_uses")
    if rows[0]["count"] > 0:
        return
    from citygraph.graph import demo

    err("The graph has no system data yet: loading the London demo (synthetic; see docs/demo-data.md) …")
    report = await demo.generate_and_load(db, settings.home / "demo-london", scale="london", seed=demo.DEFAULT_SEED)
    err(report.summary())


# --- wiring ------------------------------------------------------------------------------------------

Command = Callable[[argparse.Namespace, Settings], int]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="citygraph", description=__doc__)
    parser.add_argument("--version", action="version", version=f"citygraph {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, func: Command, help: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help, description=help)
        sub.set_defaults(func=func)
        return sub

    neo4j = commands.add_parser("neo4j", help="manage the embedded Neo4j of CITYGRAPH_HOME")
    neo4j_commands = neo4j.add_subparsers(dest="neo4j_command", required=True, metavar="ACTION")
    start = neo4j_commands.add_parser("start", help="start in the background and print the Bolt URI")
    start.add_argument("--bolt-port", type=int, default=None, help="default: CITYGRAPH_BOLT_PORT or 7687")
    start.set_defaults(func=cmd_neo4j_start)
    neo4j_commands.add_parser("stop", help="stop cleanly").set_defaults(func=cmd_neo4j_stop)
    neo4j_commands.add_parser("status", help="running or not (exit 3 when not)").set_defaults(func=cmd_neo4j_status)

    add("seed", cmd_seed, "load the 33 London councils and their partnerships (reference data)")
    load_ocds = add("load-ocds", cmd_load_ocds, "import contract awards from OCDS release or record packages (JSON)")
    load_ocds.add_argument("files", nargs="+", metavar="FILE", help="OCDS release or record package")
    load_ocds.add_argument("--all-cpv", action="store_true", help="import every award, not only IT ones (CPV)")
    add("stats", cmd_stats, "node counts per label, relationship counts per type").add_argument(
        "--json", action="store_true", help="machine-readable output"
    )
    cypher = add("cypher", cmd_cypher, "run one read-only Cypher query, print rows as JSON lines")
    cypher.add_argument("query")
    cypher.add_argument("--params", help='parameters as a JSON object, e.g. \'{"code": "E09000007"}\'')
    load = add("load", cmd_load, "validate an import bundle (a folder of CSV files) and write it to the graph")
    load.add_argument("path", help="the bundle folder (see docs/importing.md)")
    load.add_argument("--dry-run", action="store_true", help="validate only, write nothing")
    load.add_argument("--source", help='the source recorded on what is written; default "bundle:<folder name>"')
    demo = add("demo", cmd_demo, "generate a synthetic bundle (real councils, invented suppliers) and load it")
    demo.add_argument("--scale", choices=("london", "uk"), default="london", help="33 London councils or ~380 UK")
    demo.add_argument("--seed", type=int, help="same seed, same bundle byte for byte (default: demo.DEFAULT_SEED)")
    demo.add_argument("--out", help="where to write the CSV files; default CITYGRAPH_HOME/demo-<scale>-<seed>")
    add("schema", cmd_schema, "print the GraphQL schema (SDL)")

    for name, func, help in (
        ("serve", cmd_serve, "serve the GraphQL API"),
        ("up", cmd_up, "start Neo4j, seed the councils, load the demo into an empty graph, serve the API"),
    ):
        sub = add(name, func, help)
        sub.add_argument("--host", default="127.0.0.1")
        sub.add_argument("--port", type=int, default=8000)
        sub.add_argument("--log-level", default="info")
        sub.add_argument("--workers", type=int, default=1, help="uvicorn worker processes (one per core is typical)")
        if name == "up":
            sub.add_argument("--no-demo", dest="demo", action="store_false", help="do not load demo data")
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("neo4j").setLevel(logging.ERROR)
    parser = build_parser()
    if not (sys.argv[1:] if argv is None else argv):
        parser.print_help()  # a bare `citygraph` shows what it can do
        return 0
    args = parser.parse_args(argv)
    try:
        return int(args.func(args, get_settings()))
    except EmbeddedNeo4jError as error:
        err(f"citygraph: {error}")
        return 1
    except ServiceUnavailable as error:
        err(f"citygraph: Neo4j is not reachable: {error}")
        return 1
    except KeyboardInterrupt:
        return 130
