"""Writing a validated bundle: batched, idempotent upserts in dependency order (docs/importing.md)."""

import os
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

BATCH_SIZE = 1000
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


async def known_keys(db: Database) -> KnownKeys:
    [row] = await db.read("import_known_keys")
    return KnownKeys(
        boroughs=frozenset(row["boroughs"]),
        suppliers=frozenset(row["suppliers"]),
        systems=frozenset(row["systems"]),
        service_areas=frozenset(row["serviceAreas"]),
        skills=frozenset(row["skills"]),
    )


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


def statements(bundle: ParsedBundle, source: str) -> list[tuple[str, str, list[Row]]]:
    """(kind, query, parameter rows) in the order that makes every reference resolvable."""
    skills: dict[str, str | None] = {}
    for rating in bundle.skill_ratings:
        skills[rating.skill] = skills.get(rating.skill) or rating.category
    return [
        ("service areas", "import_service_areas", [{"name": r.name, "kind": r.kind} for r in bundle.service_areas]),
        (
            "suppliers",
            "import_suppliers",
            [{"id": r.id, "name": r.name, "sme": r.sme, "companyNumber": r.company_number} for r in bundle.suppliers],
        ),
        (
            "boroughs",
            "import_boroughs",
            [
                {"code": r.code, "name": r.name, "region": r.region, "partnerships": r.partnerships or None}
                for r in bundle.boroughs
            ],
        ),
        (
            "systems",
            "import_systems",
            [
                {"id": r.id, "name": r.name, "serviceArea": r.service_area, "manufacturerId": r.manufacturer_id}
                for r in bundle.systems
            ],
        ),
        (
            "system uses",
            "import_system_uses",
            [
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
        ),
        ("contracts", "import_contracts", [_contract(r, source) for r in bundle.contracts]),
        ("skills", "import_skills", [{"name": name, "category": c} for name, c in skills.items()]),
        (
            "skill ratings",
            "import_skill_ratings",
            [{"boroughCode": r.borough_code, "skill": r.skill, "level": r.level} for r in bundle.skill_ratings],
        ),
    ]


async def load_bundle(
    db: Database,
    folder: Path,
    *,
    dry_run: bool = False,
    progress: Progress | None = None,
    source: str | None = None,
) -> ImportReport:
    """Validates the whole bundle against itself and the graph, then writes it. Raises BundleInvalid,
    having written nothing, when there is any problem. `source` defaults to "bundle:<folder name>"."""
    folder = Path(folder)
    source = source or default_source(folder)
    bundle, problems = validate_bundle(folder, await known_keys(db))
    if problems:
        raise BundleInvalid(problems)
    report = ImportReport(folder, source, dry_run, files=len(bundle.files), rows=bundle.row_count)
    if dry_run:
        return report
    for kind, query, rows in statements(bundle, source):
        if not rows:
            continue
        counter = report.counts.setdefault(kind, Counter())
        for start in range(0, len(rows), BATCH_SIZE):
            batch = rows[start : start + BATCH_SIZE]
            result = await db.write(query, rows=batch, source=source)  # one transaction per batch
            _add(counter, result, kind, len(batch))
            if progress:
                progress(kind, start + len(batch), len(rows))
    return report


def _add(counter: Counter[str], result: list[dict[str, Any]], kind: str, sent: int) -> None:
    for row in result:
        counter[row["status"]] += row["count"]
    written = sum(row["count"] for row in result)
    if written != sent:
        # A referenced node vanished between validation and writing (a concurrent delete): say so loudly.
        raise RuntimeError(f"{kind}: wrote {written} of {sent} rows; a referenced node is missing, load again")
