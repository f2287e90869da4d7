"""Writing a validated bundle: batched, idempotent upserts in dependency order, all in one transaction under
the import lock (docs/importing.md)."""

import asyncio
import os
from collections import Counter
from collections.abc import Awaitable, Callable
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from neo4j.exceptions import DriverError, Neo4jError

from citygraph.graph.bundle import (
    BundleInvalid,
    ContractRow,
    KnownKeys,
    ParsedBundle,
    validate_bundle,
)
from citygraph.graph.database import Database, Row, WriteTransaction
from citygraph.graph.importlock import import_lock
from citygraph.graph.settings import get_settings

BATCH_SIZE = 5000  # rows per statement

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


def _contract(row: ContractRow, source: str) -> Row:
    return {
        "id": row.id,
        "title": row.title,
        "boroughCode": row.borough_code,
        "supplierId": row.supplier_id,
        "systemIds": row.system_ids or None,  # "" or ";" is as unknown as an empty cell
        "valueGbp": row.value_gbp,
        "startDate": row.start_date,
        "endDate": row.end_date,
        "maxExtensionDate": row.max_extension_date,
        "source": row.source,
        "stamp": row.source or source,
    }


KINDS = ("service areas", "suppliers", "boroughs", "systems", "system uses", "contracts", "skills", "skill ratings")
Part = tuple[str, list[Row]]  # (query, parameter rows)
Step = tuple[str, list[Part]]  # (kind, parts)


def parameter_rows(bundle: ParsedBundle, source: str) -> dict[str, list[Row]]:
    """The `$rows` of every kind, in the order that makes every reference resolvable (KINDS)."""
    skills: dict[str, str | None] = {}
    for rating in bundle.skill_ratings:
        skills[rating.skill] = skills.get(rating.skill) or rating.category
    return {
        "service areas": [{"name": r.name, "kind": r.kind} for r in bundle.service_areas],
        "suppliers": [
            {"id": r.id, "name": r.name, "sme": r.sme, "companyNumber": r.company_number} for r in bundle.suppliers
        ],
        "boroughs": [
            {"code": r.code, "name": r.name, "region": r.region, "partnerships": r.partnerships or None}
            for r in bundle.boroughs
        ],
        "systems": [
            {"id": r.id, "name": r.name, "serviceArea": r.service_area, "manufacturerId": r.manufacturer_id}
            for r in bundle.systems
        ],
        "system uses": [
            {
                "boroughCode": r.borough_code,
                "systemId": r.system_id,
                "since": r.since,
                "hosting": r.hosting,
                "satisfaction": r.satisfaction,
                "users": r.users,
            }
            for r in bundle.system_uses
        ],
        "contracts": [_contract(r, source) for r in bundle.contracts],
        "skills": [{"name": name, "category": c} for name, c in skills.items()],
        "skill ratings": [
            {"boroughCode": r.borough_code, "skill": r.skill, "level": r.level} for r in bundle.skill_ratings
        ],
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
    async with import_lock(db, f"load {os.path.realpath(folder)} as {source}", wait=wait, on_wait=on_wait) as lock:
        await clear_staging(db)
        graph = await graph_keys(db)
        # In a thread, so that the lock's heartbeat keeps beating while a large bundle is checked.
        bundle, problems = await asyncio.to_thread(validate_bundle, folder, graph.known, check_progress)
        if problems:
            raise BundleInvalid(problems)
        report = ImportReport(folder, source, dry_run, files=len(bundle.files), rows=bundle.row_count)
        rows = parameter_rows(bundle, source)
        totals = Counter({kind: len(rows[kind]) for kind in KINDS})
        staged: list[Step] = []
        # Staging: the 148,413-row UK demo in one transaction needed more than the 716.8 MiB of transaction
        # memory that Neo4j allows with a 1 GB heap (docs/importing.md).
        if bundle.row_count > get_settings().import_max_transaction_rows:
            staged, rows = staging(rows, graph)
        try:
            for step in staged:  # a transaction per kind and batch: each is small, none is visible
                await _write(db.write, [step], source, report, progress, totals)
            async with db.transaction() as tx:
                if staged:
                    await _publish(tx, staged)
                await _write(tx.run, statements(rows, graph), source, report, progress, totals)
                await lock.release_in(tx)
        except Exception:
            if staged:
                with suppress(Neo4jError, DriverError):  # else the next load removes them
                    await clear_staging(db)
            raise
    report.counts = {kind: report.counts[kind] for kind in KINDS if kind in report.counts}  # staging's order
    return report


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
