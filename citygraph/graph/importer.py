"""Writing a validated bundle: batched, idempotent upserts in dependency order, all in one transaction under
the import lock (docs/importing.md)."""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from citygraph.graph.bundle import (
    BundleInvalid,
    ContractRow,
    KnownKeys,
    ParsedBundle,
    validate_bundle,
)
from citygraph.graph.database import Database, Row
from citygraph.graph.importlock import import_lock

BATCH_SIZE = 5000  # rows per statement; all statements of a load share one transaction
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
    return f"bundle:{folder.resolve().name}"


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


Step = tuple[str, list[tuple[str, list[Row]]]]  # (kind, [(query, parameter rows), ...])


def _split(rows: list[Row], is_new: Callable[[Row], bool], new_query: str, query: str) -> list[tuple[str, list[Row]]]:
    """Rows that must create (cheap CREATE statement) apart from rows that may update (MERGE and compare)."""
    new, old = [], []
    for row in rows:
        (new if is_new(row) else old).append(row)
    return [(new_query, new), (query, old)]


def statements(bundle: ParsedBundle, source: str, graph: GraphKeys) -> list[Step]:
    """What to run, in the order that makes every reference resolvable. Rows about something the graph
    did not have before this load go to the `import_new_*` statements, which create without comparing:
    that is what makes a first load fast (docs/importing.md)."""
    known = graph.known
    skills: dict[str, str | None] = {}
    for rating in bundle.skill_ratings:
        skills[rating.skill] = skills.get(rating.skill) or rating.category
    uses = [
        {
            "boroughCode": r.borough_code,
            "systemId": r.system_id,
            "since": r.since,
            "hosting": r.hosting,
            "satisfaction": r.satisfaction,
            "users": r.users,
        }
        for r in bundle.system_uses
    ]
    ratings = [{"boroughCode": r.borough_code, "skill": r.skill, "level": r.level} for r in bundle.skill_ratings]
    contracts = [_contract(r, source) for r in bundle.contracts]
    return [
        (
            "service areas",
            [("import_service_areas", [{"name": r.name, "kind": r.kind} for r in bundle.service_areas])],
        ),
        (
            "suppliers",
            [
                (
                    "import_suppliers",
                    [
                        {"id": r.id, "name": r.name, "sme": r.sme, "companyNumber": r.company_number}
                        for r in bundle.suppliers
                    ],
                )
            ],
        ),
        (
            "boroughs",
            [
                (
                    "import_boroughs",
                    [
                        {"code": r.code, "name": r.name, "region": r.region, "partnerships": r.partnerships or None}
                        for r in bundle.boroughs
                    ],
                )
            ],
        ),
        (
            "systems",
            [
                (
                    "import_systems",
                    [
                        {"id": r.id, "name": r.name, "serviceArea": r.service_area, "manufacturerId": r.manufacturer_id}
                        for r in bundle.systems
                    ],
                )
            ],
        ),
        (
            "system uses",
            _split(
                uses,
                lambda r: r["boroughCode"] not in known.boroughs or r["systemId"] not in known.systems,
                "import_new_system_uses",
                "import_system_uses",
            ),
        ),
        (
            "contracts",
            _split(contracts, lambda r: r["id"] not in graph.contracts, "import_new_contracts", "import_contracts"),
        ),
        ("skills", [("import_skills", [{"name": name, "category": c} for name, c in skills.items()])]),
        (
            "skill ratings",
            _split(
                ratings,
                lambda r: r["boroughCode"] not in known.boroughs or r["skill"] not in known.skills,
                "import_new_skill_ratings",
                "import_skill_ratings",
            ),
        ),
    ]


async def load_bundle(
    db: Database,
    folder: Path,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    source: str | None = None,
    wait: bool = False,
    on_wait: Callable[[str], None] | None = None,
) -> ImportReport:
    """Validates the whole bundle against itself and the graph, then writes it in one transaction: the
    graph gets all of it or none of it, and readers never see part of it. Raises BundleInvalid, having
    written nothing, when there is any problem. `source` defaults to "bundle:<folder name>".

    Holds the import lock (graph/importlock.py) from before reading the graph's keys until the commit;
    raises ImportLocked when another import runs, or waits for it with `wait`."""
    folder = Path(folder)
    source = source or default_source(folder)
    if dry_run:
        bundle, problems = validate_bundle(folder, await known_keys(db))
        if problems:
            raise BundleInvalid(problems)
        return ImportReport(folder, source, dry_run, files=len(bundle.files), rows=bundle.row_count)
    async with import_lock(db, f"load {folder.resolve()} as {source}", wait=wait, on_wait=on_wait) as lock:
        graph = await graph_keys(db)
        bundle, problems = validate_bundle(folder, graph.known)
        if problems:
            raise BundleInvalid(problems)
        report = ImportReport(folder, source, dry_run, files=len(bundle.files), rows=bundle.row_count)
        async with db.transaction() as tx:
            for kind, parts in statements(bundle, source, graph):
                total = sum(len(rows) for _, rows in parts)
                if not total:
                    continue
                counter = report.counts.setdefault(kind, Counter())
                done = 0
                for query, rows in parts:
                    for start in range(0, len(rows), BATCH_SIZE):
                        batch = rows[start : start + BATCH_SIZE]
                        _add(counter, await tx.run(query, rows=batch, source=source), kind, len(batch))
                        done += len(batch)
                        if progress:
                            progress(kind, done, total)
            await lock.release_in(tx)
    return report


def _add(counter: Counter[str], result: list[dict[str, Any]], kind: str, sent: int) -> None:
    for row in result:
        counter[row["status"]] += row["count"]
    written = sum(row["count"] for row in result)
    if written != sent:
        # A referenced node vanished between validation and writing (a concurrent delete): say so loudly.
        raise RuntimeError(
            f"{kind}: wrote {written} of {sent} rows; a referenced node is missing. Nothing was written; load again"
        )
