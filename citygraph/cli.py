"""The `citygraph` command. Every command that needs data uses NEO4J_URI when it is set, otherwise the
embedded Neo4j of CITYGRAPH_HOME, starting it when it is not running."""

import argparse
import asyncio
import json
import logging
import os
import signal
import sys
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from neo4j.exceptions import DriverError, Neo4jError, ServiceUnavailable

from citygraph import __version__
from citygraph.graph.database import Database, QueryTooCostly, resolve_connection
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
    if args.planning:
        from citygraph.graph.planning import seed_planning

        print(with_db(settings, seed_planning).summary())
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
        await ocds.load(db, files, progress=err, wait=args.wait)

    if (refused := _import_refused("load-ocds", settings, work)) is not None:
        return refused
    print("\n".join(ocds.summary(files)))
    # Releases of the wrong shape were skipped and the rest imported; say which, and exit 1 so scripts notice.
    invalid = [f"{data.path}: {line}" for data in files for line in data.invalid]
    for line in invalid:
        err(line)
    if invalid:
        err(f"citygraph load-ocds: {len(invalid)} invalid release(s)/record(s) skipped (above); the rest was imported")
        return 1
    return 0


def _print_problems(problems: Sequence[object]) -> None:
    for problem in problems:  # each prints as file:row: column: message
        err(str(problem))


def cmd_load_register(args: argparse.Namespace, settings: Settings) -> int:
    import re
    from pathlib import Path

    from citygraph.graph import register
    from citygraph.graph.reference import seed

    code = args.borough.strip().upper()
    if not re.fullmatch(r"[ENSW]\d{8}", code):
        err(f"citygraph load-register: --borough must be a GSS code like E09000024 (got {args.borough!r})")
        return 1
    path = Path(args.file)
    try:  # the whole file is read and checked before anything is written
        data = register.read_register(path, code, settings.it_cpv_prefixes, args.all, args.source)
    except register.RegisterError as error:
        _print_problems(error.problems)
        err(f"citygraph load-register: {path} cannot be imported; nothing was written")
        return 1
    _print_problems(data.problems)
    if args.strict and any(p.row > 1 for p in data.problems):
        err(f"citygraph load-register: rows with problems in {path} and --strict; nothing was written")
        return 1

    async def work(db: Database) -> register.RegisterData | None:
        if not await db.read("ocds_councils"):
            await seed(db)
        found = await register.load_register(db, data, dry_run=args.dry_run, wait=args.wait, on_wait=err)
        return data if found else None

    try:
        loaded = _import_refused("load-register", settings, work)
    except register.RegisterError as error:
        _print_problems(error.problems)
        err(f"citygraph load-register: {path} cannot be imported; nothing was written")
        return 1
    if isinstance(loaded, int):
        return loaded
    if loaded is None:
        err(f"citygraph load-register: no borough with code {code} in the graph; nothing was written")
        return 1
    print(data.summary() + (" (dry run: nothing written)" if args.dry_run else ""))
    return 0


def cmd_enrich_companies(args: argparse.Namespace, settings: Settings) -> int:
    import datetime as dt
    from pathlib import Path

    from citygraph.graph import companies

    try:
        as_of = dt.date.fromisoformat(args.date) if args.date else None
    except ValueError:
        err(f"citygraph enrich-companies: --date must be YYYY-MM-DD (got {args.date!r})")
        return 1
    path = Path(args.file)

    async def work(db: Database) -> tuple[companies.CompaniesData, int]:
        return await companies.enrich(db, path, as_of, dry_run=args.dry_run, wait=args.wait, progress=err)

    try:
        result = _import_refused("enrich-companies", settings, work)
    except companies.CompaniesFileError as error:
        _print_problems(error.problems)
        err(f"citygraph enrich-companies: {path} cannot be read; nothing was written")
        return 1
    if isinstance(result, int):
        return result
    data, wanted = result
    _print_problems(data.problems)
    print(data.summary(wanted) + (" (dry run: nothing written)" if args.dry_run else ""))
    return 0


def cmd_cypher(args: argparse.Namespace, settings: Settings) -> int:
    from citygraph.graph.readonly import StatementFailed, StatementRefused, run_read_only

    try:
        params = _json_object(args.params or "{}")
    except ValueError as error:
        err(f"citygraph cypher: --params {error}")
        return 1

    async def work(db: Database) -> list[dict[str, Any]]:
        return await run_read_only(db, args.query, params)

    try:
        rows = with_db(settings, work)
    except StatementRefused as refused:
        err(f"citygraph cypher: refused: {refused}")
        return 1
    except StatementFailed as failed:
        err(f"citygraph cypher: {failed}")
        return 1
    except QueryTooCostly as error:
        bound = " (the bound is CITYGRAPH_QUERY_TIMEOUT_S)" if error.bound == "time" else ""
        err(f"citygraph cypher: {error}{bound}")
        return 1
    for row in rows:
        print(json.dumps(row, default=str, sort_keys=True))
    return 0


def _json_object(text: str) -> dict[str, Any]:
    """A JSON object, or ValueError saying in one line why `text` is not one."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"is not valid JSON: {error.msg} at line {error.lineno} column {error.colno}") from None
    except RecursionError:
        raise ValueError("is nested too deeply") from None
    if not isinstance(value, dict):
        kind = {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}.get(type(value), "a number")
        raise ValueError(f'must be a JSON object such as \'{{"code": "E09000007"}}\', got {kind}')
    return value


def cmd_load(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from citygraph.graph.bundle import BundleInvalid
    from citygraph.graph.importer import ImportReport, load_bundle
    from citygraph.terminal import import_progress

    try:
        with import_progress() as progress:  # bars with rate and time left, on a terminal only

            async def work(db: Database) -> ImportReport:
                return await load_bundle(
                    db,
                    Path(args.path),
                    dry_run=args.dry_run,
                    source=args.source,
                    progress=progress,
                    wait=args.wait,
                    on_wait=err,
                    check_progress=progress,  # a bar per file ("checking contracts.csv") before the writes
                )

            report = _import_refused("load", settings, work)
    except BundleInvalid as invalid:
        _print_problems(invalid.problems)
        err(f"citygraph load: {len(invalid.problems)} problem(s) in {args.path}; nothing was written")
        return 1
    if isinstance(report, int):
        return report
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
            return await demo.load(
                db, folder, args.scale, seed, progress=live or logged, wait=args.wait, on_wait=err
            )

        report = _import_refused("demo", settings, work)
    if isinstance(report, int):
        return report
    err(f"loaded in {time.perf_counter() - started:.1f}s")
    print(report.summary())
    return 0


def _import_refused(command: str, settings: Settings, work: Callable[[Database], Awaitable[T]]) -> T | int:
    """Runs an import; 1 (with the reason on stderr) when the import lock is held by another one."""
    from citygraph.graph.importlock import ImportLocked, ImportLockLost

    try:
        return with_db(settings, work)
    except (ImportLocked, ImportLockLost) as error:
        err(f"citygraph {command}: {error}")
        return 1


# --- keys (sign-in, docs/signin.md) -------------------------------------------------------------------


def cmd_keys_create(args: argparse.Namespace, settings: Settings) -> int:
    from citygraph.auth.keys import KeyRefused, create_key
    from citygraph.auth.principal import Role

    try:
        key = with_db(settings, lambda db: create_key(db, args.name, Role(args.role), args.borough or []))
    except KeyRefused as refused:
        err(f"citygraph keys create: {refused}")
        return 1
    err(f"Created the {args.role} key \"{' '.join(args.name.split())}\". It is shown only this once; store it now:")
    print(key)
    return 0


def cmd_keys_list(args: argparse.Namespace, settings: Settings) -> int:
    from citygraph.auth.keys import list_keys

    keys = with_db(settings, list_keys)
    if not keys:
        print("no API keys (create one with `citygraph keys create`)")
        return 0
    rows = [("NAME", "PREFIX", "ROLE", "BOROUGHS", "CREATED (UTC)", "REVOKED (UTC)")]
    for key in keys:
        revoked = f"{key.revoked_at:%Y-%m-%d %H:%M}" if key.revoked_at else "-"
        rows.append(
            (key.name, key.prefix + "…", str(key.role), " ".join(key.boroughs) or "-", f"{key.created_at:%Y-%m-%d %H:%M}", revoked)
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
    return 0


def cmd_keys_revoke(args: argparse.Namespace, settings: Settings) -> int:
    from citygraph.auth.keys import KeyRefused, revoke_key
    from citygraph.auth.signin import KEY_CACHE_TTL_S

    try:
        name = with_db(settings, lambda db: revoke_key(db, args.key.removesuffix("…")))
    except KeyRefused as refused:
        err(f"citygraph keys revoke: {refused}")
        return 1
    print(f'revoked "{name}": every API process refuses it within {KEY_CACHE_TTL_S:g} s')
    return 0


# --- API ---------------------------------------------------------------------------------------------


def cmd_schema(args: argparse.Namespace, settings: Settings) -> int:
    from citygraph.schema.schema import schema

    print(schema.as_str())
    return 0


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from citygraph.schema.app import create_app
    from citygraph.schema.logs import log_config

    if settings.embedded:
        resolve_connection(settings, progress=err)  # start the embedded Neo4j before taking requests
    # Several workers need the app as an import string (each process builds its own driver and caches).
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
        log_config=log_config(args.log_format, args.log_level),
    )
    return 0


def cmd_up(args: argparse.Namespace, settings: Settings) -> int:
    """Everything `make run` promises: Neo4j, the councils, demo data on an empty graph, the API; Ctrl-C
    stops the API and the embedded Neo4j if this command started it."""
    from citygraph.graph.reference import seed

    embedded = EmbeddedNeo4j.from_settings(settings)
    started_here = settings.embedded and not embedded.status().running
    # uvicorn shuts down gracefully on SIGTERM, then raises the signal again: as SystemExit rather than the
    # default (die at once), the `finally` below still stops the Neo4j this command started.
    signal.signal(signal.SIGTERM, _exit_on_signal)
    try:

        async def prepare(db: Database) -> None:
            if args.data == "real":
                from citygraph.graph.realdata import load_real

                await load_real(db, settings.it_cpv_prefixes, progress=err)
                return
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


def _exit_on_signal(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


async def _demo_if_empty(db: Database, settings: Settings) -> None:
    rows = await db.read("count_own_system_uses")  # the shipped planning systems do not count
    if rows[0]["count"] > 0:
        return
    from citygraph.graph import demo

    err("The graph has no system data yet: loading the London demo (synthetic; see docs/demo-data.md) …")
    report = await demo.generate_and_load(db, settings.home / "demo-london", scale="london", seed=demo.DEFAULT_SEED)
    err(report.summary())


# --- wiring ------------------------------------------------------------------------------------------

Command = Callable[[argparse.Namespace, Settings], int]


def _source(text: str) -> str:
    """--source is written to every node and relationship, and indexed on contracts: a key's limit."""
    from citygraph.graph.limits import MAX_KEY_CHARS

    if not text.strip() or len(text) > MAX_KEY_CHARS:
        raise argparse.ArgumentTypeError(f"must be 1 to {MAX_KEY_CHARS:,} characters (got {len(text):,})")
    return text


def _workers(text: str) -> int:
    if text == "auto":
        return len(os.sched_getaffinity(0))  # the cores this process may run on (containers, taskset), not all
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"must be a positive number or auto (got {text!r})")
    return int(text)


def _log_format(text: str) -> str:
    from citygraph.schema.logs import LOG_FORMATS

    if text not in LOG_FORMATS:
        raise argparse.ArgumentTypeError(f"must be text or json (got {text!r})")
    return text


WAIT_HELP = "when another import is running, wait for it to finish instead of refusing"


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

    seed_command = add("seed", cmd_seed, "load the 33 London councils and their partnerships (reference data)")
    seed_command.add_argument(
        "--planning", action="store_true", help="also their planning systems in 2020 and 2025 (docs/real-data.md)"
    )
    load_ocds = add("load-ocds", cmd_load_ocds, "import contract awards from OCDS release or record packages (JSON)")
    load_ocds.add_argument("files", nargs="+", metavar="FILE", help="OCDS release or record package")
    load_ocds.add_argument("--all-cpv", action="store_true", help="import every award, not only IT ones (CPV)")
    load_register = add(
        "load-register", cmd_load_register, "import a council's contracts register (Transparency Code CSV, LGA layout)"
    )
    load_register.add_argument("file", metavar="FILE", help="the register as CSV (UTF-8)")
    load_register.add_argument("--borough", required=True, help="GSS code of the council that published it")
    load_register.add_argument("--all", action="store_true", help="import every contract, not only IT ones")
    load_register.add_argument("--strict", action="store_true", help="write nothing when any row has a problem")
    load_register.add_argument("--dry-run", action="store_true", help="read and check only, write nothing")
    load_register.add_argument("--source", help='the source recorded on what is written; default "register:<file>"')
    load_register.add_argument("--wait", action="store_true", help=WAIT_HELP)
    enrich = add(
        "enrich-companies",
        cmd_enrich_companies,
        "set SME status, company status and SIC codes of suppliers from Companies House basic company data",
    )
    enrich.add_argument("file", metavar="FILE", help="BasicCompanyData….csv, or the .zip Companies House publishes")
    enrich.add_argument("--date", help="date of the snapshot (YYYY-MM-DD); default: the date in the file name or today")
    enrich.add_argument("--dry-run", action="store_true", help="read and match only, write nothing")
    enrich.add_argument("--wait", action="store_true", help=WAIT_HELP)
    load_ocds.add_argument("--wait", action="store_true", help=WAIT_HELP)
    add("stats", cmd_stats, "node counts per label, relationship counts per type").add_argument(
        "--json", action="store_true", help="machine-readable output"
    )
    cypher = add("cypher", cmd_cypher, "run one read-only Cypher query, print rows as JSON lines")
    cypher.add_argument("query")
    cypher.add_argument("--params", help='parameters as a JSON object, e.g. \'{"code": "E09000007"}\'')
    load = add("load", cmd_load, "validate an import bundle (a folder of CSV files) and write it to the graph")
    load.add_argument("path", help="the bundle folder (see docs/importing.md)")
    load.add_argument("--dry-run", action="store_true", help="validate only, write nothing")
    load.add_argument(
        "--source", type=_source, help='the source recorded on what is written; default "bundle:<folder name>"'
    )
    load.add_argument("--wait", action="store_true", help=WAIT_HELP)
    demo = add("demo", cmd_demo, "generate a synthetic bundle (real councils, invented suppliers) and load it")
    demo.add_argument("--scale", choices=("london", "uk"), default="london", help="33 London councils or ~380 UK")
    demo.add_argument("--seed", type=int, help="same seed, same bundle byte for byte (default: demo.DEFAULT_SEED)")
    demo.add_argument("--out", help="where to write the CSV files; default CITYGRAPH_HOME/demo-<scale>-<seed>")
    demo.add_argument("--wait", action="store_true", help=WAIT_HELP)
    add("schema", cmd_schema, "print the GraphQL schema (SDL)")
    keys = commands.add_parser("keys", help="API keys for sign-in: create, list, revoke (docs/signin.md)")
    keys_commands = keys.add_subparsers(dest="keys_command", required=True, metavar="ACTION")
    create = keys_commands.add_parser("create", help="create a key and print it once (only its hash is stored)")
    create.add_argument("--name", required=True, help='who holds it, e.g. "Merton digital team"; recorded on writes')
    create.add_argument("--role", required=True, choices=("member", "editor", "admin"), help="what it may do")
    create.add_argument(
        "--borough", action="append", metavar="CODE", help="GSS code an editor may change (repeat for several)"
    )
    create.set_defaults(func=cmd_keys_create)
    keys_commands.add_parser("list", help="every key: name, prefix, role, boroughs, created, revoked").set_defaults(
        func=cmd_keys_list
    )
    revoke = keys_commands.add_parser("revoke", help="revoke a key by its name or the prefix `keys list` shows")
    revoke.add_argument("key", metavar="NAME-OR-PREFIX")
    revoke.set_defaults(func=cmd_keys_revoke)

    for name, func, help in (
        ("serve", cmd_serve, "serve the GraphQL API"),
        ("up", cmd_up, "start Neo4j, seed the councils, load the demo into an empty graph, serve the API"),
    ):
        sub = add(name, func, help)
        sub.add_argument("--host", default="127.0.0.1")
        sub.add_argument("--port", type=int, default=8000)
        sub.add_argument("--log-level", default="info")
        sub.add_argument(
            "--log-format",
            type=_log_format,
            default=os.environ.get("CITYGRAPH_LOG_FORMAT", "text"),
            help="text (default) or json: one JSON object per line (default: CITYGRAPH_LOG_FORMAT)",
        )
        sub.add_argument(
            "--workers",
            type=_workers,
            default=1,
            help="API processes: a number, or auto for one per usable core (docs/operations.md#workers)",
        )
        if name == "up":
            sub.add_argument("--no-demo", dest="demo", action="store_false", help="do not load demo data")
            sub.add_argument(
                "--data",
                choices=("demo", "real"),
                default="demo",
                help="demo: synthetic systems into an empty graph (default); real: remove the demo and serve only "
                "real facts: councils, planning systems, Contracts Finder awards (docs/real-data.md)",
            )
    return parser


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def _log_unexpected(argv: list[str]) -> str:
    """Appends the current exception's traceback to CITYGRAPH_HOME/logs/cli-errors.log (a temporary file
    when that cannot be written) and returns the file's path."""
    import datetime as dt
    import os
    import tempfile
    import traceback

    entry = f"--- {dt.datetime.now(dt.UTC).isoformat()} citygraph {' '.join(argv)}\n{traceback.format_exc()}\n"
    try:
        home = get_settings().home
        path = home / "logs" / "cli-errors.log"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as log:
            log.write(entry)
        return str(path)
    except Exception:  # settings unreadable, home not writable …: the traceback must still land somewhere
        fd, name = tempfile.mkstemp(prefix="citygraph-error-", suffix=".log")
        with os.fdopen(fd, "w", encoding="utf-8") as log:
            log.write(entry)
        return name


def main(argv: list[str] | None = None) -> int:
    """The single error boundary: an expected error is one line on stderr and exit 1; anything else is one
    line pointing to the log file that holds its traceback. Never a traceback on the terminal."""
    from pydantic import ValidationError

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("neo4j").setLevel(logging.ERROR)
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser()
    if not argv:
        parser.print_help()  # a bare `citygraph` shows what it can do
        return 0
    args = parser.parse_args(argv)
    try:
        return int(args.func(args, get_settings()))
    except EmbeddedNeo4jError as error:
        err(f"citygraph: {error}")
        return 1
    except ServiceUnavailable as error:
        err(f"citygraph: Neo4j is not reachable: {_one_line(error)}")
        return 1
    except Neo4jError as error:
        err(f"citygraph: Neo4j refused: {error.code}: {_one_line(error.message)}")
        return 1
    except DriverError as error:  # a malformed NEO4J_URI, a session that expired …
        err(f"citygraph: Neo4j driver: {_one_line(error)}")
        return 1
    except ValidationError as error:  # a setting from the environment or .env
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "settings"
        err(f"citygraph: invalid setting {where}: {first['msg']} ({error.error_count()} problem(s))")
        return 1
    except OSError as error:  # a file or folder named on the command line, a full disk …
        err(f"citygraph: {_one_line(error)}")
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        log = _log_unexpected(argv)
        err(f"citygraph: unexpected error ({type(error).__name__}: {_one_line(error)[:200]}); traceback in {log}")
        return 1
