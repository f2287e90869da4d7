"""Which planning system each London council ran in 2020 and runs in 2025: real reference data shipped with
CityGraph (`data/london_planning_portals_2020_vs_2025.csv`, see data/ATTRIBUTION.md), loaded by
`citygraph seed --planning` as Systems, Suppliers and system uses (docs/real-data.md).

The platform names are *inferred from the councils' portal URLs* and the suppliers from the platforms, so
every node and relationship written here records how it was derived (`method`) and how far to trust it
(`confidence`) next to its `source`. A platform the URL rules could not identify gives no system at all:
one "unidentified" system shared by several councils would be an invented fact.

History: a council whose 2020 platform differs from its 2025 one keeps the 2020 platform as a past use,
`(:Borough)-[:USED {until}]->(:System)`, so `USES` keeps meaning "uses now" everywhere in the API.

`build_planning` reads and checks the file and needs no database; `write_planning` is the one place that
writes what it built.
"""

import csv
import datetime as dt
import re
from dataclasses import dataclass, field
from importlib.resources import files
from typing import Any

from citygraph.graph.database import Database, Row

FILE = "london_planning_portals_2020_vs_2025.csv"
SOURCE = f"reference:{FILE}"
SERVICE_AREA = "Planning"
# The dates each source file was last changed: the day each snapshot says a council ran a platform.
SEEN_2020 = dt.date(2020, 2, 24)  # adrianshort/uk_planning_scraper authorities.csv
SEEN_2025 = dt.date(2025, 2, 20)  # sebvett/planning-applications docs/coverage.md

PLATFORM_METHOD = "platform inferred from the planning portal's URL"
SUPPLIER_METHOD = "supplier inferred from the platform name; not stated by the sources"
PLACEHOLDER_METHOD = "placeholder: no source names the maker of this platform"
AREA_METHOD = "a planning portal serves the planning service"
# Platforms whose hint is the vendor's own name (the 2020 rule reads it from a `civica.query` URL parameter)
# and that no 2025 row gives a supplier for.
VENDOR_PLATFORMS = {"Civica": "Civica"}
CONFIDENCE = {"platform": "medium", "supplier": "low", "placeholder": "low", "area": "high"}


class PlanningDataError(Exception):
    """The shipped file does not have the expected shape (a packaging mistake, not a user error)."""


@dataclass
class PlanningData:
    suppliers: dict[str, Row] = field(default_factory=dict)
    systems: dict[str, Row] = field(default_factory=dict)
    uses: list[Row] = field(default_factory=list)  # current: USES
    past_uses: list[Row] = field(default_factory=list)  # replaced by 2025: USED {until}
    unidentified: list[str] = field(default_factory=list)  # "Borough (year)" with no identified platform

    def summary(self) -> str:
        placeholders = sum(1 for s in self.suppliers.values() if s["method"] == PLACEHOLDER_METHOD)
        line = (
            f"planning systems: {len(self.systems)} systems, {len(self.suppliers) - placeholders} suppliers"
            f" (+{placeholders} makers not identified), {len(self.uses)} current uses, "
            f"{len(self.past_uses)} past uses"
        )
        if self.unidentified:
            line += f"; no platform identified for {', '.join(self.unidentified)}"
        return line


def _plain(hint: str) -> str:
    """"SmartAdmin (Tascomi-style URL)" -> "SmartAdmin": the parenthesis explains the inference."""
    return re.sub(r"\s*\(.*\)\s*$", "", hint).strip()


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _identified(hint: str) -> bool:
    return bool(hint) and "unidentified" not in hint.lower() and "not identified" not in hint.lower()


def planning_rows() -> list[dict[str, str]]:
    text = (files("citygraph.graph") / "data" / FILE).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def build_planning(records: list[dict[str, str]] | None = None) -> PlanningData:
    """Systems, suppliers and uses from the file's rows (the shipped file by default)."""
    records = planning_rows() if records is None else records
    data = PlanningData()
    # The supplier of each platform, from the 2025 columns; one platform must name one supplier.
    makers: dict[str, str] = {}
    for record in records:
        platform, supplier = _plain(record["platform_hint_2025"]), _plain(record["supplier_hint_2025"])
        if not (_identified(record["platform_hint_2025"]) and supplier):
            continue
        if makers.setdefault(platform, supplier) != supplier:
            raise PlanningDataError(f"{FILE}: {platform} is made by {makers[platform]} and by {supplier}")

    def system_id(hint: str) -> str:
        name = _plain(hint)
        sid = f"planning:{_slug(name)}"
        if sid not in data.systems:
            maker = makers.get(name) or VENDOR_PLATFORMS.get(name)
            if maker:
                supplier = {"id": f"planning-supplier:{_slug(maker)}", "name": maker, "method": SUPPLIER_METHOD,
                            "confidence": CONFIDENCE["supplier"]}
            else:
                supplier = {"id": f"planning-supplier:maker-of-{_slug(name)}", "name": f"{name} (maker not identified)",
                            "method": PLACEHOLDER_METHOD, "confidence": CONFIDENCE["placeholder"]}
            data.suppliers[supplier["id"]] = supplier
            data.systems[sid] = {"id": sid, "name": name, "manufacturerId": supplier["id"],
                                 "method": PLATFORM_METHOD, "confidence": CONFIDENCE["platform"]}
        return sid

    for record in records:
        code, borough = record["gss_code"], record["borough"]
        if not re.fullmatch(r"E09\d{6}", code):
            raise PlanningDataError(f"{FILE}: {code!r} is not a London GSS code")
        then, now = record["platform_hint_2020"], record["platform_hint_2025"]
        same = _plain(then) == _plain(now)
        if (record["platform_changed_2020_2025"] == "true") == same:
            raise PlanningDataError(f"{FILE}: {borough}: platform_changed_2020_2025 disagrees with the hints")
        missing = [year for year, hint in (("2020", then), ("2025", now)) if not _identified(hint)]
        if missing:
            data.unidentified.append(f"{borough} ({', '.join(missing)})")
        use: dict[str, Any] = {"boroughCode": code, "method": PLATFORM_METHOD, "confidence": CONFIDENCE["platform"]}
        if _identified(now):
            first_seen = SEEN_2020 if same and _identified(then) else SEEN_2025
            data.uses.append({**use, "systemId": system_id(now), "firstSeen": first_seen, "lastSeen": SEEN_2025,
                              "evidenceUrl": record["url_2025"]})
        if _identified(then) and not same:
            data.past_uses.append({**use, "systemId": system_id(then), "firstSeen": SEEN_2020, "lastSeen": SEEN_2020,
                                   "until": SEEN_2025, "evidenceUrl": record["url_2020"]})
    return data


async def write_planning(db: Database, data: PlanningData) -> None:
    """Writes everything `build_planning` made, idempotently; uses this source wrote before that the data
    no longer has are removed."""
    area = {"name": SERVICE_AREA, "kind": "FRONTLINE", "method": AREA_METHOD, "confidence": CONFIDENCE["area"]}
    await db.write("planning_suppliers", rows=list(data.suppliers.values()), source=SOURCE)
    await db.write("planning_systems", rows=list(data.systems.values()), area=area, source=SOURCE)
    await db.write("planning_uses", rows=data.uses, source=SOURCE)
    await db.write("planning_past_uses", rows=data.past_uses, source=SOURCE)


async def seed_planning(db: Database) -> PlanningData:
    data = build_planning()
    await write_planning(db, data)
    return data
