"""Writing a validated bundle: batched, idempotent upserts in dependency order, all in one transaction under
the import lock (docs/importing.md)."""

import asyncio
import gc
import os
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from neo4j.exceptions import DriverError, Neo4jError

from citygraph.graph.bundle import (
    BoroughRow,
    BundleInvalid,
    ContractRow,
    KnownKeys,
    ParsedBundle,
    ParsedFile,
    ServiceAreaRow,
    SkillRatingRow,
    SupplierRow,
    SystemRow,
    SystemUseRow,
    validate_bundle,
)
from citygraph.graph.database import Database, Row, WriteTransaction
from citygraph.graph.importlock import import_lock
from citygraph.graph.settings import get_settings

# Rows per statement, and per staging transaction (at most CITYGRAPH_IMPORT_MAX_TRANSACTION_ROWS): larger
# batches cost Neo4j less per row (measured, docs/importing.md "Speed").
BATCH_SIZE = 20_000
# Staging transactions of one kind run this many at a time: Neo4j executes one while the driver sends the next.
STAGING_WORKERS = 2

STATUSES = ("created", "updated", "unchanged")

Progress = Callable[[str, int, int], None]  # (kind, rows done, rows of that kind)


@dataclass
class ImportReport:
    folder: Path
    source: str
    dry_run: bool = False
    files: int = 0
    rows: int = 0
    counts: dict[str, Counter[str]] = field(default_factory=dict)  # kind -> created/updated/unchanged
    phases: list["Phase"] = field(default_factory=list)  # where the time went, in order

    def count(self, status: str) -> int:
        return sum(counter[status] for counter in self.counts.values())

    def summary(self) -> str:
        if self.dry_run:
            return f"valid: {self.rows} rows in {self.files} files"
        parts = []
        for status in ("created", "updated"):
            kinds = [f"{c[status]} {_noun(kind, c[status])}" for kind, c in self.counts.items() if c[status]]
            parts.append(f"{status} {', '.join(kinds)}" if kinds else f"{status} nothing")
        return f"{self.source}: {'; '.join(parts)}; {self.count('unchanged')} unchanged"


@dataclass(frozen=True)
class Phase:
    """One step of a load, timed with time.perf_counter(): prepare (leftovers removed, the graph's keys
    read), check (the bundle read, validated and split), stage, publish, write (the final transaction's
    statements), commit."""

    name: str
    started: float
    ended: float
    cpu_s: float = 0.0  # this process's CPU seconds meanwhile (time.process_time(): every thread)

    @property
    def seconds(self) -> float:
        return self.ended - self.started


@contextmanager
def _timed(phases: list[Phase], name: str) -> Iterator[None]:
    started, cpu = time.perf_counter(), time.process_time()
    try:
        yield
    finally:
        phases.append(Phase(name, started, time.perf_counter(), time.process_time() - cpu))


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Reading and validating a large bundle makes millions of objects and no reference cycles: the cyclic
    garbage collector, which runs again and again as they pile up, took a quarter of that time (measured)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _noun(kind: str, count: int) -> str:
    return kind.removesuffix("s") if count == 1 else kind  # every kind is a regular plural


@dataclass(frozen=True)
class GraphKeys:
    """What the graph holds before a load: the keys references resolve against, and the contract ids."""

    known: KnownKeys
    contracts: frozenset[str]


async def graph_keys(db: Database) -> GraphKeys:
    [row] = await db.read("import_known_keys")
    known = KnownKeys(
        boroughs=frozenset(row["boroughs"]),
        suppliers=frozenset(row["suppliers"]),
        systems=frozenset(row["systems"]),
        service_areas=frozenset(row["serviceAreas"]),
        skills=frozenset(row["skills"]),
    )
    return GraphKeys(known, frozenset(row["contracts"]))


async def known_keys(db: Database) -> KnownKeys:
    return (await graph_keys(db)).known


def default_source(folder: Path) -> str:
    # realpath, not Path.resolve: a folder that is a symbolic link loop must reach validation, not raise here
    return f"bundle:{Path(os.path.realpath(folder)).name}"


KINDS = ("service areas", "suppliers", "boroughs", "systems", "system uses", "contracts", "skills", "skill ratings")
Part = tuple[str, list[Row]]  # (query, parameter rows)
Step = tuple[str, list[Part]]  # (kind, parts)


def _rows(parsed: ParsedFile, **columns: str | list[Any]) -> list[Row]:
    """A parameter row per bundle row: parameter name -> the file's column of that name (or given values).
    Built with zip and dict, in C: no Python code runs per cell."""
    names = list(columns)
    values = [parsed.column(c) if isinstance(c, str) else c for c in columns.values()]
    return [dict(zip(names, cells, strict=True)) for cells in zip(*values, strict=True)]


def parameter_rows(bundle: ParsedBundle, source: str) -> dict[str, list[Row]]:
    """The `$rows` of every kind, in the order that makes every reference resolvable (KINDS)."""
    ratings = bundle.file(SkillRatingRow)
    skills: dict[str, str | None] = {}
    for skill, category in zip(ratings.column("skill"), ratings.column("category"), strict=True):
        skills[skill] = skills.get(skill) or category
    boroughs, contracts = bundle.file(BoroughRow), bundle.file(ContractRow)
    return {
        "service areas": _rows(bundle.file(ServiceAreaRow), name="name", kind="kind"),
        "suppliers": _rows(bundle.file(SupplierRow), id="id", name="name", sme="sme", companyNumber="company_number"),
        "boroughs": _rows(
            boroughs, code="code", name="name", region="region",
            partnerships=[names or None for names in boroughs.column("partnerships")],
        ),  # fmt: skip
        "systems": _rows(
            bundle.file(SystemRow), id="id", name="name", serviceArea="service_area", manufacturerId="manufacturer_id"
        ),
        "system uses": _rows(
            bundle.file(SystemUseRow), boroughCode="borough_code", systemId="system_id", since="since",
            hosting="hosting", satisfaction="satisfaction", users="users",
        ),  # fmt: skip
        "contracts": _rows(
            contracts, id="id", title="title", boroughCode="borough_code", supplierId="supplier_id",
            systemIds=[ids or None for ids in contracts.column("system_ids")],  # "" or ";": as unknown as empty
            valueGbp="value_gbp", startDate="start_date", endDate="end_date",
            maxExtensionDate="max_extension_date", source="source",
            stamp=[own or source for own in contracts.column("source")],  # a row's own source wins
        ),  # fmt: skip
        "skills": [{"name": name, "category": c} for name, c in skills.items()],
        "skill ratings": _rows(ratings, boroughCode="borough_code", skill="skill", level="level"),
    }


def _split(rows: list[Row], is_new: Callable[[Row], bool], new_query: str, query: str) -> list[Part]:
    new: list[Row] = []
    old: list[Row] = []
    for row in rows:
        (new if is_new(row) else old).append(row)
    return [(new_query, new), (query, old)]


def statements(rows: dict[str, list[Row]], graph: GraphKeys) -> list[Step]:
    """The ordinary writing of `rows`. Rows about something the graph did not have before this load go to
    the `import_new_*` statements, which create without comparing; the rest to the upserts, which MERGE
    and compare so that an unchanged row writes nothing."""
    known = graph.known
    return [
        ("service areas", [("import_service_areas", rows["service areas"])]),
        ("suppliers", [("import_suppliers", rows["suppliers"])]),
        ("boroughs", [("import_boroughs", rows["boroughs"])]),
        ("systems", [("import_systems", rows["systems"])]),
        (
            "system uses",
            _split(
                rows["system uses"],
                lambda r: r["boroughCode"] not in known.boroughs or r["systemId"] not in known.systems,
                "import_new_system_uses",
                "import_system_uses",
            ),
        ),
        (
            "contracts",
            _split(rows["contracts"], lambda r: r["id"] not in graph.contracts, "import_new_contracts", "import_contracts"),
        ),
        ("skills", [("import_skills", rows["skills"])]),
        (
            "skill ratings",
            _split(
                rows["skill ratings"],
                lambda r: r["boroughCode"] not in known.boroughs or r["skill"] not in known.skills,
                "import_new_skill_ratings",
                "import_skill_ratings",
            ),
        ),
    ]


def staging(rows: dict[str, list[Row]], graph: GraphKeys) -> tuple[list[Step], dict[str, list[Row]]]:
    """For a load too large for one transaction: the rows that can be staged, i.e. written beforehand
    under staging labels that no reader matches, and the rows left for the publishing transaction.

    A row is staged when what it creates is new and everything it links to is staged too, so staged
    nodes have relationships only among themselves and nothing the graph had changes before publication."""
    known = graph.known
    staged: dict[str, list[Row]] = {kind: [] for kind in KINDS}
    left: dict[str, list[Row]] = {kind: [] for kind in KINDS}

    def place(kind: str, row: Row, stage: bool) -> bool:
        (staged if stage else left)[kind].append(row)
        return stage

    areas = {r["name"] for r in rows["service areas"] if place("service areas", r, r["name"] not in known.service_areas)}
    suppliers = {r["id"] for r in rows["suppliers"] if place("suppliers", r, r["id"] not in known.suppliers)}
    boroughs = {
        r["code"]
        for r in rows["boroughs"]
        if place("boroughs", r, r["code"] not in known.boroughs and not r["partnerships"])
    }
    systems = {
        r["id"]
        for r in rows["systems"]
        if place(
            "systems",
            r,
            r["id"] not in known.systems and r["manufacturerId"] in suppliers and r["serviceArea"] in areas,
        )
    }
    skills = {r["name"] for r in rows["skills"] if place("skills", r, r["name"] not in known.skills)}
    for r in rows["system uses"]:
        place("system uses", r, r["boroughCode"] in boroughs and r["systemId"] in systems)
    for r in rows["contracts"]:
        stage = r["id"] not in graph.contracts and r["boroughCode"] in boroughs and r["supplierId"] in suppliers
        place("contracts", r, stage and all(y in systems for y in r["systemIds"] or ()))
    for r in rows["skill ratings"]:
        place("skill ratings", r, r["boroughCode"] in boroughs and r["skill"] in skills)
    queries = {kind: "import_stage_" + kind.replace(" ", "_") for kind in KINDS}
    return [(kind, [(queries[kind], staged[kind])]) for kind in KINDS], left


async def _write(
    run: Callable[..., Awaitable[list[Row]]], steps: list[Step], source: str, report: ImportReport,
    progress: Progress | None, totals: Counter[str],
) -> None:  # fmt: skip
    """Runs every part of `steps` in batches through `run` (a transaction's), counting into `report`.
    `totals` is each kind's rows over staging and publication, for progress."""
    for kind, parts in steps:
        counter = report.counts.setdefault(kind, Counter())
        for query, rows in parts:
            for start in range(0, len(rows), BATCH_SIZE):
                batch = rows[start : start + BATCH_SIZE]
                _add(counter, await run(query, rows=batch, source=source), kind, len(batch))
                if progress:
                    progress(kind, sum(counter.values()), totals[kind])
    for kind in [k for k, c in report.counts.items() if not c]:
        del report.counts[kind]


async def load_bundle(
    db: Database,
    folder: Path,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    source: str | None = None,
    wait: bool = False,
    on_wait: Callable[[str], None] | None = None,
    check_progress: Progress | None = None,
) -> ImportReport:
    """Validates the whole bundle against itself and the graph, then writes it so that the graph gets all
    of it or none of it and readers never see part of it: in one transaction, or for a bundle of more
    than CITYGRAPH_IMPORT_MAX_TRANSACTION_ROWS rows staged first and published in one final transaction
    (docs/importing.md). Raises BundleInvalid, having written nothing, when there is any problem.
    `source` defaults to "bundle:<folder name>". `check_progress(file name, rows, rows in the file)` follows
    the validation, `progress(kind, rows, rows of that kind)` the writes.

    Holds the import lock (graph/importlock.py) from before reading the graph's keys until the commit;
    raises ImportLocked when another import runs, or waits for it with `wait`."""
    folder = Path(folder)
    source = source or default_source(folder)
    if dry_run:
        bundle, problems = validate_bundle(folder, await known_keys(db), check_progress)
        if problems:
            raise BundleInvalid(problems)
        return ImportReport(folder, source, dry_run, files=len(bundle.files), rows=bundle.row_count)
    phases: list[Phase] = []
    async with import_lock(db, f"load {os.path.realpath(folder)} as {source}", wait=wait, on_wait=on_wait) as lock:
        with _timed(phases, "prepare"):
            await clear_staging(db)
            graph = await graph_keys(db)
        with _timed(phases, "check"):
            # In a thread, so that the lock's heartbeat keeps beating while a large bundle is checked.
            report, staged, rows = await asyncio.to_thread(_check, folder, source, graph, check_progress)
        report.phases = phases
        totals = Counter({kind: len(step_rows) for kind, step_rows in rows.items()})
        for kind, [(_, staged_rows)] in staged:
            totals[kind] += len(staged_rows)
        try:
            with _timed(phases, "stage"):
                for step in staged:  # transactions of one kind and batch: each is small, none is visible
                    await _stage(db, step, source, report, progress, totals)
            async with db.transaction() as tx:
                if staged:
                    with _timed(phases, "publish"):
                        await _publish(tx, staged)
                with _timed(phases, "write"):
                    await _write(tx.run, statements(rows, graph), source, report, progress, totals)
                committed, cpu = time.perf_counter(), time.process_time()
                await lock.release_in(tx)
            phases.append(Phase("commit", committed, time.perf_counter(), time.process_time() - cpu))
        except Exception:
            if staged:
                with suppress(Neo4jError, DriverError):  # else the next load removes them
                    await clear_staging(db)
            raise
    report.counts = {kind: report.counts[kind] for kind in KINDS if kind in report.counts}  # staging's order
    return report


def _check(
    folder: Path, source: str, graph: GraphKeys, check_progress: Progress | None
) -> tuple[ImportReport, list[Step], dict[str, list[Row]]]:
    """The validated bundle as parameter rows: (report, staged steps, rows for the final transaction).
    Raises BundleInvalid."""
    with _no_cyclic_gc():
        bundle, problems = validate_bundle(folder, graph.known, check_progress)
        if problems:
            raise BundleInvalid(problems)
        report = ImportReport(folder, source, files=len(bundle.files), rows=bundle.row_count)
        rows = parameter_rows(bundle, source)
        # Staging: the 148,413-row UK demo in one transaction needed more than the 716.8 MiB of transaction
        # memory that Neo4j allows with a 1 GB heap (docs/importing.md).
        if bundle.row_count > get_settings().import_max_transaction_rows:
            staged, rows = staging(rows, graph)
            return report, staged, rows
        return report, [], rows


async def _stage(
    db: Database, step: Step, source: str, report: ImportReport, progress: Progress | None, totals: Counter[str]
) -> None:
    """One kind's staged rows, in transactions of at most BATCH_SIZE and CITYGRAPH_IMPORT_MAX_TRANSACTION_ROWS
    rows, STAGING_WORKERS at a time. Its rows only refer to kinds staged before it (KINDS order)."""
    kind, [(query, rows)] = step
    size = min(BATCH_SIZE, get_settings().import_max_transaction_rows)
    counter = report.counts.setdefault(kind, Counter())
    workers = asyncio.Semaphore(STAGING_WORKERS)

    async def batch(start: int) -> None:
        async with workers:
            part = rows[start : start + size]
            _add(counter, await db.write(query, rows=part, source=source), kind, len(part))
            if progress:
                progress(kind, sum(counter.values()), totals[kind])

    try:
        async with asyncio.TaskGroup() as group:  # the first failure cancels the other batches
            for start in range(0, len(rows), size):
                group.create_task(batch(start))
    except ExceptionGroup as failed:
        raise failed.exceptions[0]  # what went wrong, as the callers know it (ImportLockLost, Neo4jError …)
    if not counter:
        del report.counts[kind]


async def _publish(tx: WriteTransaction, staged: list[Step]) -> None:
    [row] = await tx.run("import_publish")
    expected = sum(len(rows) for kind, [(_, rows)] in staged if kind not in ("system uses", "skill ratings"))
    if row["published"] != expected:
        raise RuntimeError(f"staged {expected} nodes but found {row['published']} to publish; load again")


async def clear_staging(db: Database) -> None:
    """Removes what a staged load that never published left behind (its loader was killed)."""
    while (await db.write("import_stage_clear"))[0]["deleted"]:
        pass


def _add(counter: Counter[str], result: list[dict[str, Any]], kind: str, sent: int) -> None:
    for row in result:
        counter[row["status"]] += row["count"]
    written = sum(row["count"] for row in result)
    if written != sent:
        # A referenced node vanished between validation and writing (a concurrent delete): say so loudly.
        raise RuntimeError(
            f"{kind}: wrote {written} of {sent} rows; a referenced node is missing. Nothing was written; load again"
        )
