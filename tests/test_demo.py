"""`citygraph demo`: deterministic, realistic-looking, fictional, and loadable by the bundle importer."""

import csv
import datetime as dt
import statistics
import time
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from citygraph.cli import build_parser, cmd_demo, with_db
from citygraph.graph import demo
from citygraph.graph.bundle import KnownKeys, validate_bundle
from citygraph.graph.database import Database
from citygraph.graph.settings import Settings

SEEDS = (demo.DEFAULT_SEED, 1, 7, 12345)

# The brief's own list, kept here as well so that trimming demo.REAL_VENDOR_NAMES cannot weaken the test.
REAL_NAMES = (
    "Capita", "Civica", "Idox", "Northgate", "NEC", "Oracle", "SAP", "Microsoft", "Agilisys", "Liberata",
    "Tascomi", "Arcus", "Academy", "Servelec", "Mosaic", "Liquidlogic", "Dynamics", "Salesforce", "Granicus",
)  # fmt: skip


def read(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def london(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo-london")
    demo.generate(folder, "london", demo.DEFAULT_SEED)
    return folder


def concentration(contracts: list[dict[str, str]]) -> tuple[float, float]:
    counts = sorted(Counter(c["supplier_id"] for c in contracts).values(), reverse=True)
    return sum(counts[:10]) / len(contracts), sum(counts[:15]) / len(contracts)


def supplier_counts_and_satisfaction(tables: dict[str, list[dict]]) -> tuple[list[int], list[float]]:
    """Per borough: distinct suppliers (contract suppliers + manufacturers of used systems), mean satisfaction."""
    maker = {s["id"]: s["manufacturer_id"] for s in tables["systems.csv"]}
    suppliers: dict[str, set[str]] = defaultdict(set)
    ratings: dict[str, list[int]] = defaultdict(list)
    for contract in tables["contracts.csv"]:
        suppliers[contract["borough_code"]].add(contract["supplier_id"])
    for use in tables["system_uses.csv"]:
        suppliers[use["borough_code"]].add(maker[use["system_id"]])
        if use["satisfaction"] != "":
            ratings[use["borough_code"]].append(int(use["satisfaction"]))
    codes = sorted(suppliers)
    return [len(suppliers[c]) for c in codes], [statistics.mean(ratings[c]) for c in codes]


def test_same_seed_same_bytes_different_seed_different_bytes(tmp_path: Path) -> None:
    first = demo.generate(tmp_path / "a", "london", 42)
    second = demo.generate(tmp_path / "b", "london", 42)
    demo.generate(tmp_path / "c", "london", 43)
    assert first == second and set(first) == set(demo.FILES)
    for name in demo.FILES:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    assert b"\r\n" not in (tmp_path / "a" / "contracts.csv").read_bytes()
    differing = [n for n in demo.FILES if (tmp_path / "a" / n).read_bytes() != (tmp_path / "c" / n).read_bytes()]
    # The councils and the service areas are reference data; everything invented changes with the seed.
    assert set(differing) == set(demo.FILES) - {"boroughs.csv", "service_areas.csv"}


def test_london_counts_and_reference_data(london: Path) -> None:
    boroughs = read(london, "boroughs.csv")
    assert len(boroughs) == 33
    assert Counter(b["region"] for b in boroughs) == {"INNER_LONDON": 14, "OUTER_LONDON": 19}
    assert {b["code"] for b in boroughs} == {f"E090000{n:02d}" for n in range(1, 34)}
    assert all(b["partnerships"] for b in boroughs)

    areas = read(london, "service_areas.csv")
    assert 23 <= len(areas) <= 27
    assert {a["kind"] for a in areas} == {"FRONTLINE", "CORPORATE"}

    uses = read(london, "system_uses.csv")
    assert 700 <= len(uses) <= 900
    per_borough = Counter(u["borough_code"] for u in uses)
    assert min(per_borough.values()) >= 20 and max(per_borough.values()) <= 30
    systems = read(london, "systems.csv")
    per_area = Counter(s["service_area"] for s in systems)
    assert set(per_area) == {a["name"] for a in areas} and min(per_area.values()) >= 2  # products compete
    assert Counter(u["hosting"] for u in uses).keys() == {"ON_PREMISES", "CLOUD", "SAAS", "HYBRID", "UNKNOWN"}

    skills = read(london, "skill_ratings.csv")
    assert len({s["skill"] for s in skills}) == 15 and len(skills) == 33 * 15
    assert {s["level"] for s in skills} <= {"1", "2", "3", "4", "5"}
    assert len({s["category"] for s in skills}) >= 4


@pytest.mark.parametrize("seed", SEEDS)
def test_supplier_concentration(tmp_path: Path, seed: int) -> None:
    demo.generate(tmp_path, "london", seed)
    contracts = read(tmp_path, "contracts.csv")
    top10, top15 = concentration(contracts)
    assert 0.50 <= top10 <= 0.60
    assert 0.85 <= top15 <= 0.93
    # Some contracts are held by resellers, not by the manufacturer of what they cover.
    maker = {s["id"]: s["manufacturer_id"] for s in read(tmp_path, "systems.csv")}
    resold = sum(c["supplier_id"] != maker[c["system_ids"].split(";")[0]] for c in contracts) / len(contracts)
    assert 0.05 <= resold <= 0.40
    # SMEs are mostly the small suppliers.
    suppliers = read(tmp_path, "suppliers.csv")
    counts = Counter(c["supplier_id"] for c in contracts)
    ranked = sorted(suppliers, key=lambda s: -counts[s["id"]])
    assert sum(s["sme"] == "true" for s in ranked[15:]) > 2 * sum(s["sme"] == "true" for s in ranked[:15])


def test_contract_dates_values_and_coverage(london: Path) -> None:
    contracts = read(london, "contracts.csv")
    uses = {(u["borough_code"], u["system_id"]) for u in read(london, "system_uses.csv")}
    horizon = demo.ANCHOR.replace(year=demo.ANCHOR.year + 6)
    for contract in contracts:
        start, end = dt.date.fromisoformat(contract["start_date"]), dt.date.fromisoformat(contract["end_date"])
        assert 3 * 365 <= (end - start).days + 1 <= 7 * 366
        assert demo.ANCHOR <= end <= horizon and start <= demo.ANCHOR
        if contract["max_extension_date"]:
            assert dt.date.fromisoformat(contract["max_extension_date"]) > end
        assert 20_000 <= int(contract["value_gbp"]) <= 5_000_000
        # A contract pays for systems the council uses.
        assert all((contract["borough_code"], s) in uses for s in contract["system_ids"].split(";"))
    end_years = Counter(c["end_date"][:4] for c in contracts)
    assert all(end_years[str(y)] > len(contracts) / 12 for y in range(2027, 2033))  # spread over 6 years
    assert 0.2 < sum(bool(c["max_extension_date"]) for c in contracts) / len(contracts) < 0.5
    values = sorted(int(c["value_gbp"]) for c in contracts)
    assert statistics.mean(values) > 1.3 * statistics.median(values)  # skewed: a few large contracts


@pytest.mark.parametrize("seed", SEEDS)
def test_satisfaction_falls_as_supplier_count_rises(tmp_path: Path, seed: int) -> None:
    tables = demo.build("london", seed)
    supplier_counts, satisfaction = supplier_counts_and_satisfaction(tables)
    assert statistics.correlation(supplier_counts, satisfaction) < -0.4


def test_no_real_vendor_names(london: Path) -> None:
    assert set(REAL_NAMES) <= set(demo.REAL_VENDOR_NAMES)
    names = [s["name"] for s in read(london, "suppliers.csv")] + [s["name"] for s in read(london, "systems.csv")]
    names += [c["title"] for c in read(london, "contracts.csv")]
    for name in names:
        words = set(name.lower().replace("&", " ").split())
        glued = name.lower().replace(" ", "")
        for real in demo.REAL_VENDOR_NAMES:
            assert real.lower() not in words and (len(real) < 5 or real.lower() not in glued), (name, real)
    assert not demo.is_denylisted("Velmora Systems") and demo.is_denylisted("Northgate Revenues")
    assert demo.is_denylisted("Civicaro Digital") and demo.is_denylisted("SAP Finance")
    numbers = [s["company_number"] for s in read(london, "suppliers.csv") if s["company_number"]]
    assert numbers and all(n.startswith("ZZ") and len(n) == 8 and n[2:].isdigit() for n in numbers)


def test_london_bundle_passes_validation(london: Path) -> None:
    bundle, problems = validate_bundle(london, KnownKeys())
    assert problems == []
    assert bundle.row_count == sum(len(read(london, name)) for name in demo.FILES)


def test_uk_scale_counts(tmp_path: Path) -> None:
    """Generation only: validating and loading 150,000 rows is for bench/import_uk_demo.py, not CI."""
    started = time.perf_counter()
    counts = demo.generate(tmp_path, "uk", demo.DEFAULT_SEED)
    assert time.perf_counter() - started < 60  # ~5 s on an idle laptop; generous for busy CI runners
    assert 370 <= counts["boroughs.csv"] <= 420
    assert 36_000 <= counts["system_uses.csv"] <= 44_000
    assert 90_000 <= counts["contracts.csv"] <= 110_000
    boroughs = read(tmp_path, "boroughs.csv")
    london = [b for b in boroughs if b["region"] != "OTHER"]
    assert len(london) == 33 and all(b["partnerships"] for b in london)
    assert all(b["partnerships"] == "" for b in boroughs if b["region"] == "OTHER")
    top10, top15 = concentration(read(tmp_path, "contracts.csv"))
    assert 0.50 <= top10 <= 0.60 and 0.85 <= top15 <= 0.93


async def stats(db: Database) -> tuple[dict[str, int], dict[str, int]]:
    nodes = {r["label"]: r["count"] for r in await db.read("stats_nodes")}
    relationships = {r["type"]: r["count"] for r in await db.read("stats_relationships")}
    return nodes, relationships


async def test_london_demo_loads_twice_into_identical_graph(db: Database, tmp_path: Path) -> None:
    first = await demo.generate_and_load(db, tmp_path / "demo", scale="london", seed=demo.DEFAULT_SEED)
    after_first = await stats(db)
    second = await demo.generate_and_load(db, tmp_path / "demo", scale="london", seed=demo.DEFAULT_SEED)
    assert await stats(db) == after_first
    assert first.count("created") > 0
    assert second.count("created") == 0 and second.count("updated") == 0

    nodes, relationships = after_first
    tables = demo.build("london", demo.DEFAULT_SEED)
    assert nodes["Borough"] == 33 and nodes["Skill"] == 15
    assert nodes["Supplier"] == len(tables["suppliers.csv"])
    assert nodes["System"] == len(tables["systems.csv"])
    assert nodes["Contract"] == len(tables["contracts.csv"])
    assert relationships["USES"] == len(tables["system_uses.csv"])
    assert relationships["HAS_SKILL"] == 33 * 15
    assert relationships["COVERS"] == sum(len(c["system_ids"].split(";")) for c in tables["contracts.csv"])
    [row] = await db.read("count_system_uses")
    assert row["count"] == len(tables["system_uses.csv"])


def test_cli_demo_twice_leaves_identical_counts(settings: Settings, tmp_path: Path, capsys) -> None:
    async def clear(db: Database) -> None:
        await db.write("clear_graph")

    with_db(settings, clear)
    args = build_parser().parse_args(["demo", "--seed", "5", "--out", str(tmp_path / "bundle")])
    assert cmd_demo(args, settings) == 0
    first = with_db(settings, stats)
    assert cmd_demo(args, settings) == 0
    assert with_db(settings, stats) == first
    out = capsys.readouterr().out
    assert "demo:london:seed-5" in out
    assert (tmp_path / "bundle" / "contracts.csv").exists()
