"""`citygraph load-ocds`: OCDS packages into the graph, against the real Neo4j; plus the council matcher."""

import asyncio
import copy
import json
from pathlib import Path
from typing import Any

import pytest

from citygraph.cli import main
from citygraph.graph import ocds
from citygraph.graph.councils import Council, CouncilMatcher
from citygraph.graph.database import Connection, Database
from citygraph.graph.reference import london_borough_rows
from citygraph.graph.settings import DEFAULT_IT_CPV_PREFIXES, Settings, get_settings

FIXTURES = Path(__file__).parent / "fixtures" / "ocds"
CF = FIXTURES / "contracts_finder_releases.json"
SCOTLAND = FIXTURES / "scotland_wales_releases.json"
MERTON = "E09000024"
HUB_OCID = "ocds-b5fd17-deddd0f5-7f54-41ae-9c16-bbd0e5933625"
DEMOLITION_OCID = "ocds-b5fd17-d474bdd4-a0d8-4d20-b725-521e5199be07"
OFCOM_OCID = "ocds-b5fd17-56c3a2a3-e39f-494a-9c11-2eb477826ef3"
FIFE_OCID = "ocds-r6ebe6-0000578943"


def package(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def release(path: Path, ocid: str) -> dict[str, Any]:
    return copy.deepcopy(next(r for r in package(path)["releases"] if r["ocid"] == ocid))


def write_package(tmp_path: Path, name: str, releases: list[Any], key: str = "releases") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps({"version": "1.1", key: releases}), encoding="utf-8")
    return path


# --- the council matcher -----------------------------------------------------------------------------

LONDON = CouncilMatcher(Council(r["code"], r["name"], r["officialName"]) for r in london_borough_rows())


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("London Borough of Merton", MERTON),
        ("Merton Council", MERTON),
        ("LB Merton", MERTON),
        ("L.B. Merton", MERTON),
        ("Merton London Borough Council", MERTON),
        ("  london borough of MERTON ", MERTON),
        ("Royal Borough of Greenwich", "E09000011"),
        ("Greenwich", "E09000011"),
        ("Greenwich Council", "E09000011"),
        ("City of Westminster", "E09000033"),
        ("Westminster City Council", "E09000033"),
        ("Corporation of London", "E09000001"),
        ("City of London Corporation", "E09000001"),
        ("City of London", "E09000001"),
        ("London Borough of Hammersmith & Fulham", "E09000013"),
        ("Hammersmith and Fulham Council", "E09000013"),
        ("Barking & Dagenham", "E09000002"),
        ("THE LONDON BOROUGH OF CAMDEN", "E09000007"),
        ("London Borough of Ealing Council", "E09000009"),
        ("LONDON BOROUGH OF HAVERING", "E09000016"),
        ("Royal Borough of Kensington and Chelsea", "E09000020"),
        ("London Borough of Richmond upon Thames", "E09000027"),
    ],
)
def test_matcher_recognises_council_names(name: str, code: str):
    assert LONDON.match(name) == code


@pytest.mark.parametrize(
    "name",
    [
        "Merton College",
        "Westminster Kingsway College",
        "RICHMOND HOUSING PARTNERSHIP LIMITED",
        "LONDON & QUADRANT HOUSING TRUST",
        "London Councils",
        "London Council",
        "City of London Police",
        "Greater London Authority",
        "The City of Edinburgh Council",
        "Kingston upon Hull City Council",
        "Mayor's Office for Policing and Crime",
        "",
        None,
    ],
)
def test_matcher_rejects_other_bodies(name: str | None):
    assert LONDON.match(name) is None


def test_matcher_uses_the_councils_it_is_given():
    matcher = CouncilMatcher([Council("S12000015", "Fife", "Fife Council")])
    assert matcher.match("FIFE COUNCIL") == "S12000015"
    assert matcher.match("Fife College") is None
    assert matcher.match("London Borough of Merton") is None


# --- settings ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [("48,72, 302", ("48", "72", "302")), ('["48", "72"]', ("48", "72")), ("", DEFAULT_IT_CPV_PREFIXES)],
)
def test_it_cpv_prefixes_from_env(monkeypatch: pytest.MonkeyPatch, value: str, expected: tuple[str, ...]):
    monkeypatch.setenv("CITYGRAPH_IT_CPV_PREFIXES", value)
    assert Settings().it_cpv_prefixes == expected


# --- reading files (no database) ---------------------------------------------------------------------


def test_releases_of_one_process_merge_latest_date_wins():
    data = ocds.read_file(CF, DEFAULT_IT_CPV_PREFIXES)
    (ofcom,) = [c for c in data.contracts if c.source == OFCOM_OCID]
    # The file lists the awardUpdate (16:17:21, new title) before the award (16:14:08): date order decides.
    assert ofcom.title == "ROSA devices for Telecoms Security Act"
    assert data.read == 10 and data.processes == 9


def test_repeated_classifications_and_missing_release_ids():
    fife = release(SCOTLAND, FIFE_OCID)
    assert "id" not in fife
    assert ocds.cpv_codes(fife) == ["48000000"]
    data = ocds.read_file(SCOTLAND, DEFAULT_IT_CPV_PREFIXES)
    assert data.contracts == [] and dict(data.skipped) == {"no award": 1, "not IT": 1}


def test_suppliers_ids_company_numbers_and_sme():
    data = ocds.read_file(CF, DEFAULT_IT_CPV_PREFIXES)
    assert data.suppliers["GB-COH-00158718"].companyNumber == "00158718"  # published as "158718"
    assert data.suppliers["GB-COH-00158718"].sme is False  # details.scale = "large"
    commonplace = data.suppliers["ocds-supplier:commonplace-digital"]  # no identifier: a slug of the name
    assert (commonplace.name, commonplace.sme, commonplace.companyNumber) == ("Commonplace Digital Ltd.", True, None)


def test_messy_releases_are_reported_not_fatal(tmp_path: Path):
    hub = release(CF, HUB_OCID)
    euros = copy.deepcopy(hub) | {"ocid": "ocds-x-euros"}
    euros["awards"][0]["value"] = {"amount": 10, "currency": "EUR"}
    no_value = copy.deepcopy(hub) | {"ocid": "ocds-x-novalue"}
    del no_value["awards"][0]["value"]
    no_supplier = copy.deepcopy(hub) | {"ocid": "ocds-x-nosupplier"}
    no_supplier["awards"][0]["suppliers"] = []
    no_award = copy.deepcopy(hub) | {"ocid": "ocds-x-noaward"}
    del no_award["awards"]
    no_id = copy.deepcopy(hub) | {"ocid": "ocds-x-noid"}
    del no_id["id"], no_id["awards"][0]["id"]
    no_ocid = {k: v for k, v in hub.items() if k != "ocid"}
    path = write_package(tmp_path, "messy.json", [euros, no_value, no_supplier, no_award, no_id, no_ocid, "junk"])

    data = ocds.read_file(path, DEFAULT_IT_CPV_PREFIXES)

    by_ocid = {c.source: c for c in data.contracts}
    assert set(by_ocid) == {"ocds-x-euros", "ocds-x-novalue", "ocds-x-noid"}
    assert by_ocid["ocds-x-euros"].valueGbp is None and by_ocid["ocds-x-novalue"].valueGbp is None
    assert by_ocid["ocds-x-noid"].id == "ocds-x-noid-1"  # award without id: its position
    assert dict(data.skipped) == {"no supplier": 1, "no award": 1, "no ocid": 1, "not a JSON object": 1}
    assert dict(data.notes) == {"value in EUR left empty": 1}
    assert "skipped 4 processes: " in ocds.summary([data])[0]


def test_record_packages_compiled_or_embedded_releases(tmp_path: Path):
    releases = package(CF)["releases"]
    ofcom = sorted((r for r in releases if r["ocid"] == OFCOM_OCID), key=lambda r: r["date"])
    hub = release(CF, HUB_OCID)
    records = [
        {"ocid": HUB_OCID, "releases": [{"url": "https://example.org/r", "date": hub["date"]}], "compiledRelease": hub},
        {"ocid": OFCOM_OCID, "releases": list(reversed(ofcom))},  # no compiledRelease: merge them, by date
        {"ocid": "ocds-x-linked", "releases": [{"url": "https://example.org/x.json", "date": "2025-01-01"}]},
    ]
    data = ocds.read_file(write_package(tmp_path, "records.json", records, key="records"), DEFAULT_IT_CPV_PREFIXES)
    assert data.kind == "records" and data.read == 3
    assert {c.source: c.title for c in data.contracts} == {
        HUB_OCID: "Consultation Hub - London Borough of Merton",
        OFCOM_OCID: "ROSA devices for Telecoms Security Act",
    }
    assert dict(data.skipped) == {"record without compiled or embedded releases": 1}


# --- the command, against Neo4j ----------------------------------------------------------------------


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, neo4j_connection: Connection, tmp_path: Path):
    monkeypatch.setenv("NEO4J_URI", neo4j_connection.uri)
    monkeypatch.setenv("NEO4J_USER", neo4j_connection.user)
    monkeypatch.setenv("NEO4J_PASSWORD", neo4j_connection.password)
    monkeypatch.setenv("NEO4J_DATABASE", neo4j_connection.database)
    monkeypatch.setenv("CITYGRAPH_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("CITYGRAPH_IT_CPV_PREFIXES", raising=False)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


async def load_ocds(*argv: str | Path) -> int:
    # The command runs its own event loop (asyncio.run), so it gets a thread of its own.
    return await asyncio.to_thread(main, ["load-ocds", *map(str, argv)])


async def contracts_of(db: Database) -> dict[str, dict[str, Any]]:
    rows = await db.run_text(
        """MATCH (a)-[:AWARDED]->(c:Contract)
           OPTIONAL MATCH (c)-[:WITH]->(s:Supplier)
           WITH a, c, s ORDER BY s.id
           RETURN c.source AS ocid, c {.*} AS contract, labels(a)[0] AS by, coalesce(a.code, a.id) AS byId,
                  collect(s.id) AS suppliers"""
    )
    return {row["ocid"]: row for row in rows}


async def snapshot(db: Database) -> list[Any]:
    nodes = await db.run_text("MATCH (n) WHERE NOT n:GraphVersion RETURN labels(n) AS labels, properties(n) AS p ORDER BY p.code, p.id, p.name")
    rels = await db.run_text(
        """MATCH (a)-[r]->(b)
           RETURN type(r) AS type, coalesce(a.code, a.id, a.name) AS a, coalesce(b.code, b.id, b.name) AS b,
                  properties(r) AS p ORDER BY type, a, b"""
    )
    return nodes + rels


async def test_load_imports_it_awards_of_councils(db: Database, cli_env: None, capsys: pytest.CaptureFixture[str]):
    assert await load_ocds(CF, SCOTLAND) == 0

    contracts = await contracts_of(db)
    hub = contracts[HUB_OCID]
    assert (hub["by"], hub["byId"], hub["suppliers"]) == ("Borough", MERTON, ["ocds-supplier:commonplace-digital"])
    assert hub["contract"]["id"] == f"{HUB_OCID}-1"
    assert hub["contract"]["title"] == "Consultation Hub - London Borough of Merton"
    assert hub["contract"]["valueGbp"] == 37500.0
    assert str(hub["contract"]["startDate"]) == "2025-01-20" and str(hub["contract"]["endDate"]) == "2028-01-20"
    assert hub["contract"]["cpvCodes"] == ["48000000"]
    assert DEMOLITION_OCID not in contracts  # construction, not IT
    richmond = contracts["ocds-b5fd17-f20e2ab3-ac80-491c-9a7f-b693cb8f7d0a"]
    assert (richmond["by"], richmond["suppliers"]) == ("Buyer", ["GB-COH-04482788"])
    assert len(contracts) == 4

    merton = await db.run_text("MATCH (b:Borough {code: $code}) RETURN b.name AS name", {"code": MERTON})
    assert merton == [{"name": "Merton"}]  # the councils were seeded because the graph had none
    supplier = await db.run_text("MATCH (s:Supplier {id: 'GB-COH-04482788'}) RETURN s {.*} AS s")
    assert supplier[0]["s"]["companyNumber"] == "04482788" and supplier[0]["s"]["sme"] is True

    out = capsys.readouterr().out
    assert "contracts_finder_releases.json: 10 releases read (9 processes), 4 contracts imported" in out
    assert "skipped 5 processes: not IT (4), no award (1)" in out
    assert "scotland_wales_releases.json: 2 releases read" in out
    assert out.strip().splitlines()[-1].startswith("total: 2 files, 12 releases/records read, 4 contracts imported")


async def test_all_cpv_imports_every_award(db: Database, cli_env: None):
    assert await load_ocds(CF, "--all-cpv") == 0

    contracts = await contracts_of(db)
    assert len(contracts) == 8
    assert (contracts[DEMOLITION_OCID]["by"], contracts[DEMOLITION_OCID]["byId"]) == ("Borough", MERTON)
    assert contracts["ocds-b5fd17-aed110f0-6489-431b-aefc-1c106a5b9f92"]["byId"] == "E09000033"  # Westminster CC
    assert contracts["ocds-b5fd17-e2099fab-d5a0-45ad-bfdf-362292ce2919"]["byId"] == "E09000007"  # LB of Camden
    derby = contracts["ocds-b5fd17-a50749e6-50b9-49b5-9850-5cf0e48f3b02"]
    assert derby["by"] == "Buyer" and derby["suppliers"] == ["GB-COH-00907224", "GB-COH-02883961"]


async def test_release_without_id_from_scotland_is_imported_when_it_has_an_award(
    db: Database, cli_env: None, tmp_path: Path
):
    fife = release(SCOTLAND, FIFE_OCID)
    fife["parties"].append({"id": "org-99", "name": "Example Software Ltd", "roles": ["supplier"]})
    fife["awards"] = [{"id": "1", "suppliers": [{"id": "org-99", "name": "Example Software Ltd"}]}]
    assert await load_ocds(write_package(tmp_path, "fife.json", [fife])) == 0

    contract = (await contracts_of(db))[FIFE_OCID]
    # "org-29" only names the buyer inside that release, so the buyer's id is a slug of its name.
    assert (contract["by"], contract["byId"]) == ("Buyer", "ocds-buyer:fife-council")
    assert contract["contract"]["id"] == f"{FIFE_OCID}-1" and contract["contract"]["cpvCodes"] == ["48000000"]
    assert "valueGbp" not in contract["contract"]  # no value published: no property


async def test_loading_twice_changes_nothing(db: Database, cli_env: None):
    assert await load_ocds(CF, SCOTLAND, "--all-cpv") == 0
    first = await snapshot(db)
    assert await load_ocds(CF, SCOTLAND, "--all-cpv") == 0
    assert await snapshot(db) == first  # updatedAt included: nothing changed, nothing was touched

    missing = await db.run_text(
        """CALL () { MATCH (n) WHERE NOT n:GraphVersion RETURN n AS x UNION MATCH ()-[r]->() RETURN r AS x }
           WITH x WHERE x.source IS NULL OR x.updatedAt IS NULL RETURN count(x) AS n"""
    )
    assert missing == [{"n": 0}]


async def test_changed_award_updates_contract_and_relationships(db: Database, cli_env: None, tmp_path: Path):
    hub = release(CF, HUB_OCID)
    assert await load_ocds(write_package(tmp_path, "a.json", [hub])) == 0
    before = (await contracts_of(db))[HUB_OCID]

    later = copy.deepcopy(hub) | {"id": "later", "date": "2025-02-01T00:00:00Z"}
    later["awards"][0]["value"]["amount"] = 40000
    later["parties"].append({"id": "GB-CFS-1", "name": "Other Co Ltd", "roles": ["supplier"]})
    later["awards"][0]["suppliers"] = [{"id": "GB-CFS-1", "name": "Other Co Ltd"}]
    assert await load_ocds(write_package(tmp_path, "b.json", [hub, later])) == 0

    after = (await contracts_of(db))[HUB_OCID]
    assert after["contract"]["valueGbp"] == 40000.0
    assert after["suppliers"] == ["ocds-supplier:other-co"]  # the supplier the ocid no longer names is gone
    assert after["contract"]["updatedAt"] > before["contract"]["updatedAt"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        ('{"ocid": "x"}', "not an OCDS release or record package"),
        ("[]", "not an OCDS"),
    ],
)
async def test_broken_files_fail_clearly_and_write_nothing(
    db: Database, cli_env: None, tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
):
    broken = tmp_path / "broken.json"
    broken.write_text(content, encoding="utf-8")
    assert await load_ocds(CF, broken) == 1
    error = capsys.readouterr().err
    assert str(broken) in error and message in error
    assert await db.run_text("MATCH (n) WHERE NOT n:GraphVersion RETURN count(n) AS n") == [{"n": 0}]


async def test_missing_file_fails_clearly(db: Database, cli_env: None, tmp_path: Path, capsys):
    assert await load_ocds(tmp_path / "nope.json") == 1
    assert "nope.json: does not exist" in capsys.readouterr().err
