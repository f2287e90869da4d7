"""`citygraph load`: the validated bundle importer, against the real Neo4j (tests/conftest.py)."""

import asyncio
import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from citygraph import cli
from citygraph.graph.bundle import BundleInvalid, KnownKeys, Problem, validate_bundle
from citygraph.graph.database import Connection, Database
from citygraph.graph.importer import load_bundle
from citygraph.graph.reference import seed
from citygraph.graph.settings import Settings, get_settings

SAMPLE = Path(__file__).parent / "bundles" / "inner-london-sample"
SAMPLE_ROWS = 26  # data rows over the 7 files of the sample


def copy_sample(tmp_path: Path, name: str = "bundle") -> Path:
    folder = tmp_path / name
    shutil.copytree(SAMPLE, folder)
    return folder


def edit(folder: Path, file: str, old: str, new: str) -> None:
    path = folder / file
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {file}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def write(folder: Path, file: str, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / file).write_text(text, encoding="utf-8")


async def dump(db: Database) -> tuple[list[str], list[str]]:
    """Every node and relationship with all its properties, in a stable order."""
    nodes = await db.run_text("MATCH (n) WHERE NOT n:GraphVersion RETURN labels(n) AS labels, properties(n) AS properties")
    relationships = await db.run_text(
        "MATCH (a)-[r]->(b) RETURN properties(a) AS a, type(r) AS type, properties(r) AS properties, properties(b) AS b"
    )
    return sorted(repr(sorted(n.items())) for n in nodes), sorted(repr(sorted(r.items())) for r in relationships)


async def counts(db: Database) -> tuple[int, int]:
    [row] = await db.run_text(
        "CALL () { MATCH (n) WHERE NOT n:GraphVersion RETURN count(n) AS n } OPTIONAL MATCH ()-[r]->() RETURN n, count(r) AS r"
    )
    return row["n"], row["r"]


async def nodes_by_key(db: Database) -> dict[str, dict]:
    rows = await db.run_text("MATCH (n) WHERE NOT n:GraphVersion RETURN coalesce(n.code, n.id, n.name) AS key, n {.*} AS n")
    return {row["key"]: row for row in rows}


async def problems_of(db: Database, folder: Path) -> list[str]:
    with pytest.raises(BundleInvalid) as raised:
        await load_bundle(db, folder)
    return [str(p) for p in raised.value.problems]


# --- a good bundle -------------------------------------------------------------------------------------


async def test_sample_bundle_loads_everything(db: Database):
    report = await load_bundle(db, SAMPLE)
    assert report.summary() == (
        "bundle:inner-london-sample: created 3 service areas, 3 suppliers, 3 boroughs, 3 systems, 5 system uses, "
        "4 contracts, 3 skills, 5 skill ratings; updated nothing; 0 unchanged"
    )
    # 3 areas, 3 suppliers, 3 boroughs, 1 partnership, 3 systems, 4 contracts, 3 skills
    # 3 MEMBER_OF, 3 MADE_BY, 3 IN_AREA, 5 USES, 4 AWARDED, 4 WITH, 5 COVERS, 5 HAS_SKILL
    assert await counts(db) == (20, 32)
    [contract] = await db.run_text(
        "MATCH (b:Borough)-[a:AWARDED]->(c:Contract {id: 'CMD-2016-017'})-[:WITH]->(s:Supplier) "
        "RETURN c {.*} AS c, b.code AS borough, s.id AS supplier, a.source AS awardedSource"
    )
    assert contract["c"]["startDate"] == dt.date(2016, 4, 1)
    assert contract["c"]["maxExtensionDate"] == dt.date(2028, 3, 31)
    assert contract["c"]["valueGbp"] == 1450000.0
    assert contract["c"]["source"] == contract["awardedSource"] == "survey-2026"  # the row's own source
    assert (contract["borough"], contract["supplier"]) == ("E09000007", "acme")
    assert isinstance(contract["c"]["updatedAt"], dt.datetime)
    [other] = await db.run_text("MATCH (c:Contract {id: 'ISL-2021-009'}) RETURN c {.*} AS c")
    assert other["c"]["source"] == "bundle:inner-london-sample"
    assert "valueGbp" not in other["c"] and "endDate" not in other["c"]  # empty cells: unknown
    [covers] = await db.run_text("MATCH (:Contract {id: 'HCK-2012-003'})-[:COVERS]->(s) RETURN collect(s.id) AS ids")
    assert sorted(covers["ids"]) == ["acme-revs", "ledgerly-finance"]
    [use] = await db.run_text(
        "MATCH (:Borough {code: 'E09000019'})-[u:USES]->(:System {id: 'thames-care'}) RETURN u {.*} AS u"
    )
    assert use["u"]["hosting"] == "UNKNOWN" and use["u"]["satisfaction"] == 5 and use["u"]["users"] == 600
    [supplier] = await db.run_text("MATCH (s:Supplier {id: 'ledgerly'}) RETURN s {.*} AS s")
    assert supplier["s"]["sme"] is False and "companyNumber" not in supplier["s"]  # sme defaults to false
    [skill] = await db.run_text("MATCH (k:Skill {name: 'Data protection'}) RETURN k.category AS category")
    assert skill["category"] == "Governance"  # one row gave it, the other left it empty


async def test_loading_twice_leaves_the_graph_identical(db: Database):
    await seed(db)
    await load_bundle(db, SAMPLE)
    first = await dump(db)
    report = await load_bundle(db, SAMPLE)
    assert await dump(db) == first
    assert report.count("created") == report.count("updated") == 0
    assert report.count("unchanged") == SAMPLE_ROWS + 3  # + the 3 skills


async def test_references_resolve_against_the_graph(db: Database, tmp_path: Path):
    await seed(db)  # the 33 councils: no boroughs.csv needed
    first = copy_sample(tmp_path, "first")
    (first / "boroughs.csv").unlink()
    (first / "contracts.csv").unlink()
    report = await load_bundle(db, first)
    assert report.counts["system uses"]["created"] == 5
    # A later bundle with only contracts refers to systems and suppliers the first one wrote.
    later = tmp_path / "later"
    write(
        later,
        "contracts.csv",
        "id,title,borough_code,supplier_id,system_ids\nLMB-1,Care,E09000022,thames,thames-care\n",
    )
    report = await load_bundle(db, later, source="survey-2026")
    assert report.summary() == "survey-2026: created 1 contract; updated nothing; 0 unchanged"
    [row] = await db.run_text(
        "MATCH (b:Borough)-[:AWARDED]->(c:Contract)-[:COVERS]->(s:System) "
        "RETURN b.name AS b, c.source AS src, s.id AS s"
    )
    assert row == {"b": "Lambeth", "src": "survey-2026", "s": "thames-care"}


async def test_seeded_borough_keeps_its_source_when_the_bundle_changes_nothing(db: Database, tmp_path: Path):
    await seed(db)
    await load_bundle(db, SAMPLE)
    [camden] = await db.run_text("MATCH (b:Borough {code: 'E09000007'}) RETURN b {.*} AS b")
    assert camden["b"]["source"] == "reference:london_boroughs.csv"
    assert camden["b"]["officialName"] == "London Borough of Camden"


async def test_a_later_bundle_changes_only_what_it_provides(db: Database, tmp_path: Path):
    await load_bundle(db, SAMPLE)
    before = await nodes_by_key(db)
    later = tmp_path / "later"
    # No sme or company_number column, an empty name cell would be an error: only names change.
    write(later, "suppliers.csv", "name,id\nAcme Civic Software Group,acme\n")
    # satisfaction only; since/hosting/users stay. An empty cell in a present column is unknown, too.
    write(later, "system_uses.csv", "borough_code,system_id,satisfaction,users\nE09000007,acme-revs,1,\n")
    # A new manufacturer and area replace the old ones.
    write(later, "systems.csv", "id,name,service_area,manufacturer_id\nacme-revs,Acme Revenues,Finance,thames\n")
    # system_ids replaces the COVERS set; value_gbp absent keeps the value.
    write(later, "contracts.csv", "id,title,borough_code,supplier_id,system_ids\n"
          "HCK-2012-003,Revenues system and support,E09000012,acme,ledgerly-finance\n")
    report = await load_bundle(db, later)
    assert report.summary() == (
        "bundle:later: created nothing; updated 1 supplier, 1 system, 1 system use, 1 contract; 0 unchanged"
    )
    assert report.counts["suppliers"]["updated"] == 1
    assert report.counts["systems"]["updated"] == 1
    assert report.counts["system uses"]["updated"] == 1
    assert report.counts["contracts"]["updated"] == 1

    [acme] = await db.run_text("MATCH (s:Supplier {id: 'acme'}) RETURN s {.*} AS s")
    assert acme["s"]["name"] == "Acme Civic Software Group"
    assert acme["s"]["sme"] is False and acme["s"]["companyNumber"] == "01234567"
    assert acme["s"]["source"] == "bundle:later" and acme["s"]["updatedAt"] > before["acme"]["n"]["updatedAt"]
    [use] = await db.run_text(
        "MATCH (:Borough {code: 'E09000007'})-[u:USES]->(:System {id: 'acme-revs'}) RETURN u {.*} AS u"
    )
    assert use["u"]["satisfaction"] == 1
    assert (use["u"]["since"], use["u"]["hosting"], use["u"]["users"]) == (dt.date(2016, 4, 1), "ON_PREMISES", 120)
    [system] = await db.run_text(
        "MATCH (s:System {id: 'acme-revs'}) "
        "RETURN s {.*} AS s, [(s)-[:MADE_BY]->(m) | m.id] AS makers, [(s)-[:IN_AREA]->(a) | a.name] AS areas"
    )
    assert (system["makers"], system["areas"]) == (["thames"], ["Finance"])
    assert system["s"] == before["acme-revs"]["n"]  # name unchanged: node untouched, only its relationships
    [contract] = await db.run_text(
        "MATCH (c:Contract {id: 'HCK-2012-003'}) RETURN c {.*} AS c, [(c)-[:COVERS]->(s) | s.id] AS covers"
    )
    assert contract["covers"] == ["ledgerly-finance"]
    assert contract["c"] == before["HCK-2012-003"]["n"]  # properties all the same
    # Everything the later bundle did not mention is exactly as before.
    after = await nodes_by_key(db)
    assert {k for k in before if before[k] != after[k]} == {"acme"}


async def test_dry_run_writes_nothing(db: Database):
    await seed(db)
    before = await dump(db)
    report = await load_bundle(db, SAMPLE, dry_run=True)
    assert report.summary() == f"valid: {SAMPLE_ROWS} rows in 7 files"
    assert await dump(db) == before


async def test_progress_reports_every_kind(db: Database):
    seen: list[tuple[str, int, int]] = []
    await load_bundle(db, SAMPLE, progress=lambda kind, done, total: seen.append((kind, done, total)))
    assert seen[0] == ("service areas", 3, 3) and seen[-1] == ("skill ratings", 5, 5)
    assert len(seen) == 8


# --- one bad bundle per rule ---------------------------------------------------------------------------

RULES = [
    # (file, old text, new text, the exact problem line)
    ("boroughs.csv", "code,name,region,partnerships\n", "code,name,partnerships,regions\n",
     "boroughs.csv:1: region: required column is missing"),  # once, not again on every row
    ("systems.csv", "thames-care,Thames Care Record,", "thames-care,,",
     "systems.csv:3: name: required value is empty"),
    ("boroughs.csv", "Hackney,INNER_LONDON", "Hackney,Inner London",
     "boroughs.csv:3: region: must be one of INNER_LONDON, OUTER_LONDON, OTHER (got 'Inner London')"),
    ("boroughs.csv", "", "E9000020,Kensington and Chelsea,INNER_LONDON,\n",
     "boroughs.csv:5: code: must be a GSS code like E09000007 (got 'E9000020')"),
    ("service_areas.csv", "Finance,CORPORATE", "Finance,BACK_OFFICE",
     "service_areas.csv:4: kind: must be one of FRONTLINE, CORPORATE (got 'BACK_OFFICE')"),
    ("suppliers.csv", "Thames Data Services Ltd,true", "Thames Data Services Ltd,yes",
     "suppliers.csv:3: sme: must be true or false (got 'yes')"),
    ("system_uses.csv", "ON_PREMISES,3,120", "ON_PREMISES,7,120",
     "system_uses.csv:2: satisfaction: must be between 1 and 5 (got 7)"),
    ("system_uses.csv", "ON_PREMISES,3,120", "ON_PREMISES,3,-5",
     "system_uses.csv:2: users: must be 0 or more (got -5)"),
    ("system_uses.csv", "ON_PREMISES,3,120", "ON_PREMISES,3,lots",
     "system_uses.csv:2: users: must be a whole number (got 'lots')"),
    ("system_uses.csv", "SAAS,4,850", "Cloud,4,850",
     "system_uses.csv:3: hosting: must be one of ON_PREMISES, CLOUD, SAAS, HYBRID, UNKNOWN (got 'Cloud')"),
    ("system_uses.csv", "2016-04-01", "01/04/2016",
     "system_uses.csv:2: since: must be a date YYYY-MM-DD (got '01/04/2016')"),
    ("contracts.csv", "2016-04-01,2026-03-31", "2016-04-01,2026-02-30",
     "contracts.csv:2: end_date: must be a date YYYY-MM-DD (got '2026-02-30')"),
    ("contracts.csv", "acme-revs,1450000", "acme-revs,-1",
     "contracts.csv:2: value_gbp: must be 0 or more (got -1)"),
    ("contracts.csv", "acme-revs,1450000", "acme-revs,£1450000",
     "contracts.csv:2: value_gbp: must be a number (got '£1450000')"),
    ("contracts.csv", "2016-04-01,2026-03-31", "2016-04-01,2015-03-31",
     "contracts.csv:2: end_date: 2015-03-31 is before start_date 2016-04-01"),
    ("contracts.csv", "2026-03-31,2028-03-31", "2026-03-31,2026-03-30",
     "contracts.csv:2: max_extension_date: 2026-03-30 is before end_date 2026-03-31"),
    ("skill_ratings.csv", "Power BI,4", "Power BI,6",
     "skill_ratings.csv:6: level: must be between 1 and 5 (got 6)"),
    ("suppliers.csv", "", "acme,Acme Ltd,,\n",
     "suppliers.csv:5: id: duplicate id 'acme' (first on row 2)"),
    ("system_uses.csv", "E09000019,ledgerly-finance", "E09000007,acme-revs",
     "system_uses.csv:5: system_id: duplicate row for borough_code 'E09000007' and system_id 'acme-revs' "
     "(first on row 2)"),
    ("skill_ratings.csv", "", "E09000019,Data protection,1,\n",
     "skill_ratings.csv:7: skill: duplicate row for borough_code 'E09000019' and skill 'Data protection' "
     "(first on row 5)"),
    ("skill_ratings.csv", "Cloud migration,2,Infrastructure", "Cloud migration,2,Platforms",
     "skill_ratings.csv:4: category: 'Platforms' differs from 'Infrastructure' on row 2"),
    ("system_uses.csv", "E09000012,acme-revs", "E09000099,acme-revs",
     "system_uses.csv:4: borough_code: borough 'E09000099' is neither in boroughs.csv nor in the graph"),
    ("contracts.csv", "E09000019,thames,", "E09000019,thames-ltd,",
     "contracts.csv:5: supplier_id: supplier 'thames-ltd' is neither in suppliers.csv nor in the graph"),
    ("contracts.csv", "acme-revs;ledgerly-finance", "acme-revs;ledgerly",
     "contracts.csv:4: system_ids: system 'ledgerly' is neither in systems.csv nor in the graph"),
    ("systems.csv", "Adult Social Care,thames", "Social Care,thames",
     "systems.csv:3: service_area: service area 'Social Care' is neither in service_areas.csv nor in the graph"),
    ("systems.csv", "Finance,ledgerly", "Finance,ledgerly-ltd",
     "systems.csv:4: manufacturer_id: supplier 'ledgerly-ltd' is neither in suppliers.csv nor in the graph"),
    ("system_uses.csv", "E09000019,thames-care,2021-06-01,,5,600", "E09000019,thames-care,2021-06-01,,5",
     "system_uses.csv:6: -: has 5 cells but the header has 6"),
    ("service_areas.csv",
     "name,kind\nRevenues and Benefits,FRONTLINE\nAdult Social Care,FRONTLINE\nFinance,CORPORATE\n",
     "name,kind,name\nRevenues and Benefits,FRONTLINE,R\nAdult Social Care,FRONTLINE,A\nFinance,CORPORATE,F\n",
     "service_areas.csv:1: name: column appears more than once in the header"),
]


@pytest.mark.parametrize(("file", "old", "new", "expected"), RULES, ids=[r[3].split(": ", 2)[-1][:40] for r in RULES])
async def test_each_rule_reports_its_exact_line(
    db: Database, tmp_path: Path, file: str, old: str, new: str, expected: str
):
    folder = copy_sample(tmp_path)
    if old:
        edit(folder, file, old, new)
    else:  # a row added at the end
        (folder / file).write_text((folder / file).read_text(encoding="utf-8") + new, encoding="utf-8")
    assert await problems_of(db, folder) == [expected]
    assert await counts(db) == (0, 0)


async def test_unreadable_files_are_problems_not_tracebacks(db: Database, tmp_path: Path):
    folder = copy_sample(tmp_path)
    (folder / "suppliers.csv").write_bytes("id,name\nacme,Acme\ncafe,Caf\u00e9 Systems\n".encode("latin-1"))
    (folder / "skill_ratings.csv").write_text("", encoding="utf-8")
    edit(folder, "boroughs.csv", "Hackney,", '"Hackney",')
    edit(folder, "boroughs.csv", "Islington,", '"Islington,')
    # Rows referring to the unreadable suppliers and boroughs are not reported on top of these.
    assert await problems_of(db, folder) == [
        "boroughs.csv:4: -: not readable as CSV: unexpected end of data",
        "skill_ratings.csv:1: -: no header row",
        "suppliers.csv:3: -: not UTF-8 (byte 0xe9)",
    ]


async def test_a_folder_without_bundle_files(db: Database, tmp_path: Path):
    write(tmp_path / "empty", "notes.csv", "a,b\n")
    assert await problems_of(db, tmp_path / "empty") == [
        "empty:0: -: no bundle files here (expected any of boroughs.csv, contracts.csv, service_areas.csv, "
        "skill_ratings.csv, suppliers.csv, system_uses.csv, systems.csv)"
    ]
    assert await problems_of(db, tmp_path / "missing") == [f"{tmp_path / 'missing'}:0: -: not a folder"]


def test_validate_bundle_is_pure_and_sees_known_keys(tmp_path: Path):
    folder = tmp_path / "uses"
    write(folder, "system_uses.csv", "system_id,borough_code,hosting\nacme-revs,E09000007,CLOUD\nx,E09000007,\n")
    known = KnownKeys(boroughs=frozenset({"E09000007"}), systems=frozenset({"acme-revs"}))
    bundle, problems = validate_bundle(folder, known)
    assert [str(p) for p in problems] == [
        "system_uses.csv:3: system_id: system 'x' is neither in systems.csv nor in the graph"
    ]
    assert [(u.row, u.hosting) for u in bundle.system_uses] == [(2, "CLOUD"), (3, None)]
    assert str(Problem("a.csv", 2, "b", "c")) == "a.csv:2: b: c"


async def test_five_mistakes_in_three_files_are_all_reported_and_nothing_is_written(db: Database, tmp_path: Path):
    await seed(db)
    await load_bundle(db, SAMPLE)
    before_counts, before = await counts(db), await dump(db)
    folder = copy_sample(tmp_path)
    edit(folder, "contracts.csv", "2016-04-01,2026-03-31", "2016-04-01,2015-03-31")  # end before start
    edit(folder, "contracts.csv", "E09000019,thames,", "E09000099,thames,")  # unknown borough
    edit(folder, "system_uses.csv", "SAAS,4,850", "SAAS,7,850")  # satisfaction 7
    edit(folder, "system_uses.csv", "2019-10-01", "2019-13-01")  # not a date
    edit(folder, "suppliers.csv", "ledgerly,Ledgerly,,", "acme,Ledgerly Ltd,,")  # duplicate id
    edit(folder, "suppliers.csv", "Acme Civic Software Ltd", "Acme Civic Software Group")  # a valid change
    assert await problems_of(db, folder) == [
        "contracts.csv:2: end_date: 2015-03-31 is before start_date 2016-04-01",
        "contracts.csv:5: borough_code: borough 'E09000099' is neither in boroughs.csv nor in the graph",
        "suppliers.csv:4: id: duplicate id 'acme' (first on row 2)",
        "system_uses.csv:3: since: must be a date YYYY-MM-DD (got '2019-13-01')",
        "system_uses.csv:3: satisfaction: must be between 1 and 5 (got 7)",
    ]
    assert await counts(db) == before_counts
    assert await dump(db) == before


# --- the command ---------------------------------------------------------------------------------------


@pytest.fixture
def cli_env(settings: Settings, neo4j_connection: Connection, monkeypatch: pytest.MonkeyPatch):
    """`citygraph` pointed at the test Neo4j, on an empty graph. Sync: the command runs its own event loop."""
    monkeypatch.setenv("NEO4J_URI", neo4j_connection.uri)
    monkeypatch.setenv("NEO4J_USER", neo4j_connection.user)
    monkeypatch.setenv("NEO4J_PASSWORD", neo4j_connection.password)
    monkeypatch.setenv("NEO4J_DATABASE", neo4j_connection.database)
    monkeypatch.setenv("CITYGRAPH_HOME", str(settings.home))
    get_settings.cache_clear()

    async def clear() -> None:
        db = Database(neo4j_connection)
        await db.write("clear_graph")
        await db.close()

    asyncio.run(clear())
    yield
    get_settings.cache_clear()


def test_cli_load_dry_run_and_problems(cli_env, tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    """The session shown in docs/importing.md, line for line."""
    assert cli.main(["seed"]) == 0
    capsys.readouterr()
    assert cli.main(["load", "--dry-run", str(SAMPLE)]) == 0
    assert capsys.readouterr().out == f"valid: {SAMPLE_ROWS} rows in 7 files\n"
    assert cli.main(["stats", "--json"]) == 0
    nodes = json.loads(capsys.readouterr().out)["nodes"]
    data = {label: n for label, n in nodes.items() if n and label != "GraphVersion"}  # it moved with the seed
    assert data == {"Borough": 33, "Partnership": 4}  # nothing written

    assert cli.main(["load", str(SAMPLE), "--source", "survey-2026"]) == 0
    assert capsys.readouterr().out == (
        "survey-2026: created 3 service areas, 3 suppliers, 3 systems, 5 system uses, 4 contracts, 3 skills, "
        "5 skill ratings; updated nothing; 3 unchanged\n"
    )
    assert cli.main(["load", str(SAMPLE), "--source", "survey-2026"]) == 0
    assert capsys.readouterr().out == f"survey-2026: created nothing; updated nothing; {SAMPLE_ROWS + 3} unchanged\n"

    bad = copy_sample(tmp_path)
    edit(bad, "system_uses.csv", "ON_PREMISES,3,120", "ON_PREMISES,7,120")
    edit(bad, "contracts.csv", "2016-04-01,2026-03-31", "2016-04-01,2015-03-31")
    assert cli.main(["load", str(bad)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.splitlines() == [
        "contracts.csv:2: end_date: 2015-03-31 is before start_date 2016-04-01",
        "system_uses.csv:2: satisfaction: must be between 1 and 5 (got 7)",
        f"citygraph load: 2 problem(s) in {bad}; nothing was written",
    ]
    assert cli.main(["load", "--dry-run", str(bad)]) == 1
