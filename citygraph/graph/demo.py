"""Synthetic demo data: a bundle in the import format (see docs/demo-data.md), then loaded like any survey.

The councils are real (reference data); every supplier, product, contract, rating and number is invented.
Supplier and product names are built from made-up syllables and checked against REAL_VENDOR_NAMES, so that
nothing generated can pass for a fact about a real firm.

Output is a pure function of (scale, seed): one `random.Random(seed)`, sorted iteration, a fixed ANCHOR
date instead of today, and CSV written with "\\n" line ends — the same seed gives the same bytes.
"""

import csv
import datetime as dt
import itertools
import math
import random
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

from citygraph.graph.database import Database
from citygraph.graph.importer import ImportReport, Progress, load_bundle
from citygraph.graph.reference import london_borough_rows

DEFAULT_SEED = 2026
ANCHOR = dt.date(2026, 11, 1)  # "today" for the demo: contract end dates fall in the six years after it
HORIZON_MONTHS = 72
_MARCHES = [m for m in range(HORIZON_MONTHS) if (ANCHOR.month - 1 + m) % 12 == 2]  # offsets landing on March

# (name, kind, relative contract size) — size scales contract values: line-of-business systems cost more.
SERVICE_AREAS: tuple[tuple[str, str, float], ...] = (
    ("Revenues and Benefits", "FRONTLINE", 3.0),
    ("Adult Social Care", "FRONTLINE", 3.0),
    ("Children's Social Care", "FRONTLINE", 3.0),
    ("Housing", "FRONTLINE", 2.5),
    ("Planning", "FRONTLINE", 1.5),
    ("Building Control", "FRONTLINE", 0.6),
    ("Waste and Recycling", "FRONTLINE", 1.2),
    ("Parking", "FRONTLINE", 1.5),
    ("Libraries", "FRONTLINE", 0.8),
    ("Licensing", "FRONTLINE", 0.5),
    ("Environmental Health", "FRONTLINE", 0.7),
    ("Education", "FRONTLINE", 2.0),
    ("Highways", "FRONTLINE", 1.0),
    ("Council Tax", "FRONTLINE", 1.5),
    ("Finance", "CORPORATE", 2.5),
    ("HR and Payroll", "CORPORATE", 2.0),
    ("Customer Relationship Management", "CORPORATE", 1.5),
    ("Document Management", "CORPORATE", 1.0),
    ("GIS and Mapping", "CORPORATE", 0.6),
    ("Procurement", "CORPORATE", 0.7),
    ("ICT Service Desk", "CORPORATE", 0.8),
    ("Identity and Access", "CORPORATE", 0.7),
    ("Web and CMS", "CORPORATE", 0.8),
    ("Data and Analytics", "CORPORATE", 1.0),
    ("Telephony", "CORPORATE", 1.2),
)

_KINDS = {name: kind for name, kind, _ in SERVICE_AREAS}

# The word after the invented brand in a product name, per area (generic nouns, none a real product name).
PRODUCT_NOUNS: dict[str, tuple[str, ...]] = {
    "Revenues and Benefits": ("Revenues", "Benefits", "Rev&Ben"),
    "Adult Social Care": ("Adult Care", "CareRecord", "Care Hub"),
    "Children's Social Care": ("Children", "Family Record", "Child Hub"),
    "Housing": ("Housing", "Tenancy", "Homes"),
    "Planning": ("Planning", "Plan Portal", "Applications"),
    "Building Control": ("Building Control", "Inspect"),
    "Waste and Recycling": ("Waste", "Collect", "Rounds"),
    "Parking": ("Parking", "Permits", "Penalty"),
    "Libraries": ("Library", "Lending", "Catalogue"),
    "Licensing": ("Licensing", "Licences"),
    "Environmental Health": ("Env Health", "Inspections"),
    "Education": ("Education", "Pupil", "Schools"),
    "Highways": ("Highways", "Streets", "Roadworks"),
    "Council Tax": ("Council Tax", "Billing", "TaxBase"),
    "Finance": ("Finance", "Ledger", "Accounts"),
    "HR and Payroll": ("Payroll", "People", "HR"),
    "Customer Relationship Management": ("CRM", "Contact", "Cases"),
    "Document Management": ("Documents", "Records", "Archive"),
    "GIS and Mapping": ("Maps", "GIS", "Atlas"),
    "Procurement": ("Procure", "Tenders", "Sourcing"),
    "ICT Service Desk": ("Service Desk", "Tickets", "Helpdesk"),
    "Identity and Access": ("Identity", "Access", "SignOn"),
    "Web and CMS": ("Web", "Content", "Sites"),
    "Data and Analytics": ("Analytics", "Data Hub", "Reports"),
    "Telephony": ("Voice", "Contact Centre", "Calls"),
}

# (skill, category): the digital skills each council rates itself on.
SKILLS: tuple[tuple[str, str], ...] = (
    ("Cloud architecture", "Technology"),
    ("DevOps", "Technology"),
    ("API integration", "Technology"),
    ("Low-code development", "Technology"),
    ("Cyber security", "Security"),
    ("Data engineering", "Data"),
    ("Data science", "Data"),
    ("GIS", "Data"),
    ("User research", "User-centred design"),
    ("Service design", "User-centred design"),
    ("Content design", "User-centred design"),
    ("Accessibility", "User-centred design"),
    ("Product management", "Delivery"),
    ("Agile delivery", "Delivery"),
    ("Digital procurement", "Commercial"),
)

# Real vendors and products of UK council IT. Generated names must not contain any of these (as a word, or
# as a substring for names of 5+ letters), so the demo never names, or nearly names, a real firm.
REAL_VENDOR_NAMES: tuple[str, ...] = (
    "Academy", "Access", "Advanced", "Aareon", "Agilisys", "Agresso", "Arcus", "Azeus", "Bartec", "Capita",
    "Chipside", "Civica", "Confirm", "Dynamics", "Eclipse", "Firmstep", "Granicus", "Idox", "Imperial",
    "Integra", "iTrent", "Jadu", "Kana", "Lagan", "Liberata", "Liquidlogic", "Mayrise", "Microsoft", "Mosaic",
    "MHR", "NEC", "Netcall", "Northgate", "Oracle", "Orchard", "Salesforce", "SAP", "Servelec", "Spydus",
    "Squiz", "Symology", "Tascomi", "Tribal", "Uniform", "Unit4", "Verint", "Whitespace", "Yotta", "Zellis",
    "ServiceNow", "Google", "Amazon", "Esri", "Mastercard", "Sopra", "Steria", "Fujitsu", "Atos", "Serco",
    "Kier", "Veolia", "Biffa", "Infor", "Workday", "Jisc", "Goss", "Drupal", "Umbraco", "Mitel", "Avaya",
    "Gamma", "Redcentric", "Softcat", "Computacenter", "Insight", "Tisski", "Placecube", "Abritas", "Orbis",
    "Assure", "Flare", "Acolaid", "Frameworki", "ContrOCC", "Paris", "Eduman", "Arcserve", "Total",
)

# Invented syllables: brands are two or three of these, so they read like company names and mean nothing.
_ONSETS = ("br", "d", "f", "g", "k", "l", "m", "n", "qu", "r", "s", "t", "tr", "v", "z", "th", "pl", "gr")
_VOWELS = ("a", "e", "i", "o", "u", "ae", "io", "y")
_CODAS = ("", "", "n", "r", "l", "x", "m", "sk", "v", "nd", "lt")
_SUPPLIER_SUFFIXES = ("Systems", "Software", "Digital", "Technologies", "Solutions", "Data", "Labs", "Computing")
_CONTRACT_KINDS = ("licence and support", "hosting", "implementation", "managed service", "maintenance")

# Contract counts, in ranked order, of the 15 largest suppliers as shares of all contracts. London's
# observed shape (top 10 just over half, top 15 about 90%) forces a nearly flat top 15: suppliers 11–15
# cannot each hold more than supplier 10, so top-15 ≤ 1.5 × top-10. These give top-10 0.586, top-15 0.872.
TOP_SHARES = tuple(0.0595 - 0.0002 * i for i in range(15))
HOSTINGS = ("ON_PREMISES", "CLOUD", "SAAS", "HYBRID", "UNKNOWN")

FILES = (
    "boroughs.csv",
    "suppliers.csv",
    "service_areas.csv",
    "systems.csv",
    "system_uses.csv",
    "contracts.csv",
    "skill_ratings.csv",
)


@dataclass(frozen=True)
class Scale:
    uses_per_borough: tuple[int, int]  # inclusive range of systems each council uses
    products_per_area: tuple[int, int]  # competing products in each service area
    tail_suppliers: int  # suppliers beyond the big 15
    extra_contracts_per_use: float  # contracts beyond the one that pays for each use (support, hosting …)


SCALES: dict[str, Scale] = {
    "london": Scale((20, 30), (3, 5), 30, 0.12),
    # Benchmark volume: ~40,000 uses, ~100,000 contracts across ~380 councils.
    "uk": Scale((95, 115), (10, 14), 120, 1.85),
}


@dataclass
class Contract:
    id: str
    borough: str
    supplier: str
    systems: list[str]
    title: str
    value: int
    start: str  # ISO dates, formatted once in the tables below: the uk scale writes 100,000 contracts
    end: str
    extension: str


def is_denylisted(name: str) -> bool:
    """True when `name` contains a real vendor's name as a word, or (5+ letters) anywhere."""
    lowered = name.lower()
    words = set(re.findall(r"[a-z0-9]+", lowered))
    for real in REAL_VENDOR_NAMES:
        real = real.lower()
        if real in words or (len(real) >= 5 and real in lowered.replace(" ", "")):
            return True
    return False


def _brand(rng: random.Random, taken: set[str]) -> str:
    while True:
        syllables = rng.choice((2, 2, 2, 3))
        word = "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS) for _ in range(syllables))
        word = word.capitalize()
        if 5 <= len(word) <= 10 and word not in taken and not is_denylisted(word):
            taken.add(word)
            return word


def _first_of_month(anchor: dt.date, months: int) -> dt.date:
    index = anchor.year * 12 + anchor.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _last_of_month(anchor: dt.date, months: int) -> dt.date:
    return _first_of_month(anchor, months + 1) - dt.timedelta(days=1)


# Contract dates by month offset from ANCHOR. A contract ending `m` months after ANCHOR must have started
# on or before it, so only lengths of more than m months are open to it.
_YEAR_WEIGHTS = {3: 30, 4: 20, 5: 30, 6: 10, 7: 10}
_ENDS = [_last_of_month(ANCHOR, m).isoformat() for m in range(HORIZON_MONTHS + 24)]
_STARTS = {m: _first_of_month(ANCHOR, m).isoformat() for m in range(-12 * max(_YEAR_WEIGHTS), 1)}
_LENGTHS = [
    (lengths, list(itertools.accumulate(_YEAR_WEIGHTS[y] for y in lengths)))
    for lengths in ([y for y in _YEAR_WEIGHTS if 12 * y > m] for m in range(HORIZON_MONTHS))
]


def _weighted_sample(rng: random.Random, items: list[str], weights: list[float], k: int) -> list[str]:
    """k distinct items, each drawn with probability proportional to its weight (Efraimidis–Spirakis)."""
    keyed = sorted(((rng.random() ** (1.0 / w), item) for item, w in zip(items, weights, strict=True)), reverse=True)
    return [item for _, item in keyed[:k]]


def _quotas(shares: list[float], total: int) -> list[int]:
    """Integer counts summing to `total`, proportional to `shares`, each at least 1 (largest remainder)."""
    scale = total / sum(shares)
    raw = [s * scale for s in shares]
    counts = [max(1, math.floor(r)) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - math.floor(raw[i])), i))
    for i in order[: max(0, total - sum(counts))]:
        counts[i] += 1
    return counts


def _boroughs(scale: str) -> list[dict[str, str]]:
    london = {
        row["code"]: {
            "code": row["code"],
            "name": row["name"],
            "region": row["region"],
            "partnerships": ";".join(row["partnerships"]),
        }
        for row in london_borough_rows()
    }
    if scale == "london":
        return [london[code] for code in sorted(london)]
    text = (files("citygraph.graph") / "data" / "uk_local_authorities.csv").read_text(encoding="utf-8")
    rows: dict[str, dict[str, str]] = {}
    for record in csv.DictReader(text.splitlines()):
        code = record["gss-code"].strip()
        # Abolished councils and combined/strategic authorities (which run none of these services) are out.
        if not code or record["current-authority"] != "True" or record["local-authority-type"] in ("COMB", "SRA"):
            continue
        rows[code] = london.get(code) or {
            "code": code,
            "name": record["nice-name"],
            "region": "OTHER",
            "partnerships": "",
        }
    return [rows[code] for code in sorted(rows)]


def build(scale: str, seed: int) -> dict[str, list[dict[str, Any]]]:
    """Every file's rows, in file order; pure."""
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}: choose one of {', '.join(SCALES)}")
    params = SCALES[scale]
    rng = random.Random(seed)
    boroughs = _boroughs(scale)
    taken: set[str] = set()

    # Suppliers: the big 15 first (ranked), then a long tail of small firms, mostly SMEs.
    n_suppliers = 15 + params.tail_suppliers
    suppliers = []
    for rank in range(n_suppliers):
        small = rank >= 15
        suppliers.append(
            {
                "id": f"DEMO-SUP-{rank + 1:03d}",
                "name": f"{_brand(rng, taken)} {rng.choice(_SUPPLIER_SUFFIXES)}",
                "sme": "true" if rng.random() < (0.8 if small else 0.1) else "false",
                # "ZZ" is no Companies House prefix: clearly fake, still the real 8-character shape.
                "company_number": f"ZZ{rng.randrange(10**6):06d}" if rng.random() < 0.85 else "",
            }
        )
    tail_weights = [1.0 / (j + 3) for j in range(params.tail_suppliers)]
    tail_total = 1.0 - sum(TOP_SHARES)
    shares = list(TOP_SHARES) + [tail_total * w / sum(tail_weights) for w in tail_weights]

    # Products: each area has a few; the big suppliers make most of them and hold the popular spots.
    systems: list[dict[str, str]] = []
    area_products: dict[str, list[str]] = {}
    popularity: dict[str, float] = {}
    manufacturer: dict[str, str] = {}
    area_of: dict[str, str] = {}
    for area, _, _ in SERVICE_AREAS:
        count = rng.randint(*params.products_per_area)
        makers = rng.choices([s["id"] for s in suppliers], weights=[s * s for s in shares], k=count)
        ids = []
        for position, maker in enumerate(makers):
            system_id = f"DEMO-SYS-{len(systems) + 1:04d}"
            name = f"{_brand(rng, taken)} {rng.choice(PRODUCT_NOUNS[area])}"
            systems.append({"id": system_id, "name": name, "service_area": area, "manufacturer_id": maker})
            ids.append(system_id)
            # Market share within an area falls with position, as in a real market with a leader.
            popularity[system_id] = 1.0 / (position + 1) ** 1.2
            manufacturer[system_id] = maker
            area_of[system_id] = area
        area_products[area] = ids

    # Uses: each council spreads its systems over the areas, picking products by popularity.
    area_names = [a for a, _, _ in SERVICE_AREAS]
    uses_of: dict[str, list[str]] = {}
    for borough in boroughs:
        n = rng.randint(*params.uses_per_borough)
        extra = set(rng.sample(area_names, n % len(area_names)))
        chosen: list[str] = []
        for area in area_names:
            k = min(n // len(area_names) + (area in extra), len(area_products[area]))
            products = area_products[area]
            chosen += _weighted_sample(rng, products, [popularity[p] for p in products], k)
        uses_of[borough["code"]] = sorted(chosen)

    # Contracts: one per use (some bundle a supplier's systems), a few uses in-house, extras for support.
    contracts: list[Contract] = []
    size = {a: s for a, _, s in SERVICE_AREAS}
    system_names = {s["id"]: s["name"] for s in systems}
    for borough in boroughs:
        code = borough["code"]
        by_maker: dict[str, list[str]] = defaultdict(list)
        for system_id in uses_of[code]:
            by_maker[manufacturer[system_id]].append(system_id)
        groups: list[list[str]] = []
        for maker in sorted(by_maker):
            owned = by_maker[maker]
            if len(owned) >= 2 and rng.random() < 0.35:
                groups.append(owned)
            else:
                groups += [[s] for s in owned if rng.random() >= 0.04]
        for system_id in uses_of[code]:
            whole, fraction = divmod(params.extra_contracts_per_use, 1.0)
            groups += [[system_id]] * (int(whole) + (rng.random() < fraction))
        for covered in groups:
            contracts.append(_contract(rng, code, len(contracts), covered, manufacturer, system_names, area_of, size))

    _rebalance(rng, contracts, [s["id"] for s in suppliers], shares)

    # Satisfaction falls as a council's supplier count rises (more suppliers, more seams between systems).
    supplier_sets: dict[str, set[str]] = defaultdict(set)
    for contract in contracts:
        supplier_sets[contract.borough].add(contract.supplier)
    for borough in boroughs:
        supplier_sets[borough["code"]] |= {manufacturer[s] for s in uses_of[borough["code"]]}
    counts = [len(supplier_sets[b["code"]]) for b in boroughs]
    mean = sum(counts) / len(counts)
    spread = (sum((c - mean) ** 2 for c in counts) / len(counts)) ** 0.5 or 1.0
    uses: list[dict[str, Any]] = []
    for borough in boroughs:
        code = borough["code"]
        z = (len(supplier_sets[code]) - mean) / spread
        borough_mood = 3.4 - 0.35 * z + rng.gauss(0, 0.25)
        for system_id in uses_of[code]:
            uses.append(_use(rng, code, system_id, area_of[system_id], borough_mood))

    # Skills: a council-wide capability plus per-skill difficulty plus noise, on a 1–5 scale.
    difficulty = {skill: rng.uniform(-0.8, 0.6) for skill, _ in SKILLS}
    skill_rows = []
    for borough in boroughs:
        capability = rng.gauss(0, 0.6)
        for skill, category in SKILLS:
            level = min(5, max(1, round(3 + capability - difficulty[skill] + rng.gauss(0, 0.7))))
            skill_rows.append({"borough_code": borough["code"], "skill": skill, "level": level, "category": category})

    return {
        "boroughs.csv": boroughs,
        "suppliers.csv": suppliers,
        "service_areas.csv": [{"name": a, "kind": k} for a, k, _ in sorted(SERVICE_AREAS)],
        "systems.csv": systems,
        "system_uses.csv": sorted(uses, key=lambda u: (u["borough_code"], u["system_id"])),
        "contracts.csv": [_contract_row(c, source_name(scale, seed)) for c in contracts],
        "skill_ratings.csv": sorted(skill_rows, key=lambda r: (r["borough_code"], r["skill"])),
    }


def _contract(
    rng: random.Random,
    borough: str,
    index: int,
    covered: list[str],
    manufacturer: dict[str, str],
    system_names: dict[str, str],
    area_of: dict[str, str],
    size: dict[str, float],
) -> Contract:
    # Ends in the six years after ANCHOR, a third of them on 31 March (the councils' financial year end),
    # and started on or before ANCHOR: no contract lies wholly ahead, so late ends run longer.
    month = rng.choice(_MARCHES) if rng.random() < 0.33 else rng.randrange(HORIZON_MONTHS)
    lengths, cumulative = _LENGTHS[month]
    years = rng.choices(lengths, cum_weights=cumulative)[0]
    extension = _ENDS[month + rng.choice((12, 24))] if rng.random() < 0.35 else ""
    first = covered[0]
    weight = max(size[area_of[s]] for s in covered) * (len(covered) ** 0.5) * years / 5
    value = min(5_000_000, max(20_000, rng.lognormvariate(math.log(120_000 * weight), 0.9)))
    value = int(round(value, -2 if value < 100_000 else -3))
    if len(covered) == 1:
        title = f"{system_names[first]} {rng.choice(_CONTRACT_KINDS)}"
    else:
        title = f"Software licences and support ({len(covered)} systems)"
    return Contract(
        id=f"DEMO-CON-{index + 1:06d}",
        borough=borough,
        supplier=manufacturer[first],
        systems=sorted(covered),
        title=title,
        value=value,
        start=_STARTS[month + 1 - 12 * years],
        end=_ENDS[month],
        extension=extension,
    )


def _rebalance(rng: random.Random, contracts: list[Contract], supplier_ids: list[str], shares: list[float]) -> None:
    """Hands surplus contracts of over-quota suppliers to under-quota ones, as resellers of the same
    products, so each supplier holds exactly its share of contracts whatever the seed."""
    targets = dict(zip(supplier_ids, _quotas(shares, len(contracts)), strict=True))
    held: dict[str, list[Contract]] = defaultdict(list)
    for contract in contracts:
        held[contract.supplier].append(contract)
    surplus: list[Contract] = []
    for supplier in supplier_ids:
        extra = len(held[supplier]) - targets[supplier]
        if extra > 0:
            surplus += rng.sample(held[supplier], extra)
    rng.shuffle(surplus)
    for supplier in supplier_ids:
        for _ in range(targets[supplier] - len(held[supplier])):
            surplus.pop().supplier = supplier


def _use(rng: random.Random, borough: str, system_id: str, area: str, mood: float) -> dict[str, Any]:
    since = ANCHOR - dt.timedelta(days=int(rng.triangular(60, 22 * 365, 4 * 365)))
    old = since.year < 2015  # older installations are mostly on premises, newer ones mostly SaaS or cloud
    hosting = rng.choices(HOSTINGS, weights=(55, 5, 10, 20, 10) if old else (15, 25, 38, 15, 7))[0]
    satisfaction = min(5, max(1, round(mood + rng.gauss(0, 0.8)))) if rng.random() >= 0.05 else ""
    corporate = _KINDS[area] == "CORPORATE"
    users = int(rng.lognormvariate(math.log(400 if corporate else 80), 0.9)) if rng.random() >= 0.03 else ""
    return {
        "borough_code": borough,
        "system_id": system_id,
        "since": since.isoformat(),
        "hosting": hosting,
        "satisfaction": satisfaction,
        "users": users,
    }


def source_name(scale: str, seed: int) -> str:
    """What the demo's nodes, relationships and contracts record as their `source`."""
    return f"demo:{scale}:seed-{seed}"


def _contract_row(contract: Contract, source: str) -> dict[str, Any]:
    return {
        "id": contract.id,
        "title": contract.title,
        "borough_code": contract.borough,
        "supplier_id": contract.supplier,
        "system_ids": ";".join(contract.systems),
        "value_gbp": contract.value,
        "start_date": contract.start,
        "end_date": contract.end,
        "max_extension_date": contract.extension,
        "source": source,
    }


def generate(folder: Path, scale: str = "london", seed: int = DEFAULT_SEED) -> dict[str, int]:
    """Writes the bundle's CSV files into `folder`; returns the number of data rows per file."""
    tables = build(scale, seed)
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        with (folder / name).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
    return {name: len(rows) for name, rows in tables.items()}


async def load(
    db: Database,
    folder: Path,
    scale: str,
    seed: int,
    progress: Progress | None = None,
    *,
    wait: bool = False,
    on_wait: Callable[[str], None] | None = None,
) -> ImportReport:
    """Loads a generated bundle with the bundle importer, which validates it first and writes it all or
    nothing under the import lock."""
    return await load_bundle(
        db, folder, progress=progress, source=source_name(scale, seed), wait=wait, on_wait=on_wait
    )


async def generate_and_load(
    db: Database,
    folder: Path,
    scale: str = "london",
    seed: int = DEFAULT_SEED,
    progress: Progress | None = None,
) -> ImportReport:
    generate(folder, scale, seed)
    return await load(db, folder, scale, seed, progress)
