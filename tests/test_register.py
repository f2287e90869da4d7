"""`citygraph load-register`: council contracts registers (tests/fixtures/registers, constructed; see its
README) through the CLI into the real Neo4j, suppliers matched against tests/fixtures/analytics."""

from pathlib import Path

import pytest

from citygraph.graph.database import Database
from citygraph.graph.register import _is_it, parse_date, parse_money, parse_sme_vcse
from citygraph.graph.settings import DEFAULT_IT_CPV_PREFIXES
from tests.conftest import gql_data as data
from tests.realdata_support import cli, snapshot, suppliers  # noqa: F401 (fixtures)

FIXTURES = Path(__file__).parent / "fixtures" / "registers"
MERTON_FILE, CAMDEN_FILE = FIXTURES / "merton_lga_layout.csv", FIXTURES / "camden_variant_headers.csv"
MERTON, CAMDEN = "E09000024", "E09000007"


async def contracts(db: Database) -> dict[str, dict]:
    rows = await db.run_text(
        "MATCH (b:Borough)-[:AWARDED]->(c:Contract)-[w:WITH]->(s:Supplier) WHERE c.id STARTS WITH 'register:' "
        "RETURN c.id AS id, c {.*} AS c, b.code AS borough, s.id AS supplier, w.supplierMatch AS match"
    )
    return {row["id"]: row for row in rows}


@pytest.mark.parametrize(
    ("text", "expected"),
    [("31/03/2027", "2027-03-31"), ("2027-03-31", "2027-03-31"), ("31-Mar-2027", "2027-03-31"),
     ("1 April 2025", "2025-04-01"), ("31.03.2027", "2027-03-31"), ("31/03/27", "2027-03-31")],
)
def test_uk_dates(text: str, expected: str):
    assert parse_date(text).isoformat() == expected


@pytest.mark.parametrize("text", ["03/31/2027", "31/02/2026", "next year", "2027"])
def test_impossible_or_american_dates_are_refused(text: str):
    with pytest.raises(ValueError, match="must be a date like 31/03/2027"):
        parse_date(text)


@pytest.mark.parametrize(("text", "expected"), [("£1,234.56", 1234.56), ("1234", 1234.0), ("GBP 12,000", 12000.0),
                                                ("£ 48,000.00", 48000.0)])
def test_money(text: str, expected: float):
    assert parse_money(text) == expected


@pytest.mark.parametrize("text", ["about £5k", "-100", "£1.2m", "N/A"])
def test_bad_money_is_refused(text: str):
    with pytest.raises(ValueError, match="must be an amount in pounds"):
        parse_money(text)


@pytest.mark.parametrize(("text", "expected"), [("Yes", (True, None)), ("N", (False, None)), ("SME", (True, None)),
                                                ("VCSE", (None, True)), ("SME and VCSE", (True, True))])
def test_sme_vcse(text: str, expected: tuple):
    assert parse_sme_vcse(text) == expected


async def test_lga_layout_loads_it_contracts_and_reports_bad_rows(suppliers: Database, cli, capsys):
    assert await cli("load-register", MERTON_FILE, "--borough", MERTON) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == ("merton_lga_layout.csv: 9 rows read, 3 IT contracts imported for E09000024, "
                                    "1 not IT, 5 rows with problems left out")
    assert captured.err.splitlines() == [
        "merton_lga_layout.csv:1: Framework Used: not a contracts-register column; ignored",
        "merton_lga_layout.csv:6: Contract Start Date: must be a date like 31/03/2027 or 2027-03-31 (got '31/02/2026');"
        " row left out",
        "merton_lga_layout.csv:6: Value Over the Life of the Contract: must be an amount in pounds like £1,234.56 "
        "(got 'about £5k'); row left out",
        "merton_lga_layout.csv:7: Contract End Date: 2025-06-01 is before the start date 2026-06-01; row left out",
        "merton_lga_layout.csv:8: Supplier Name: required value is empty; row left out",
        "merton_lga_layout.csv:9: Contract Reference Number: duplicate reference 'MER-ICT-0001' (first on row 2); "
        "row left out",
        "merton_lga_layout.csv:10: -: has 4 cells but the header has 23; row left out",
    ]

    found = await contracts(suppliers)
    assert sorted(found) == ["register:E09000024:MER-ICT-0001", "register:E09000024:MER-ICT-0002",
                             "register:E09000024:MER-ICT-0004"]
    rb = found["register:E09000024:MER-ICT-0001"]
    assert (rb["borough"], rb["supplier"], rb["match"]) == (MERTON, "SUP-CORV", "company number")
    # Current end date and maximum end date (all extensions taken) are kept apart.
    assert (str(rb["c"]["endDate"]), str(rb["c"]["maxExtensionDate"])) == ("2027-03-31", "2029-03-31")
    assert rb["c"]["valueGbp"] == 1234567.89 and rb["c"]["cpvCodes"] == ["48000000"]
    assert (rb["c"]["extensionOptions"], str(rb["c"]["reviewDate"])) == ("2 x 12 months", "2026-09-30")
    hosting = found["register:E09000024:MER-ICT-0002"]  # no CPV: IT by its ProClass category
    assert (hosting["supplier"], hosting["match"]) == ("SUP-DUNM", "name")  # "DUNMORE DATA LIMITED"
    assert (hosting["c"]["valueGbp"], hosting["c"]["annualValueGbp"]) == (48000.0, 16000.0)
    cyber = found["register:E09000024:MER-ICT-0004"]
    assert (cyber["supplier"], cyber["match"]) == ("GB-COH-09999999", "new")
    [new] = await suppliers.run_text("MATCH (s:Supplier {id: 'GB-COH-09999999'}) RETURN s {.*} AS s")
    assert (new["s"]["companyNumber"], new["s"]["sme"], new["s"]["vcse"]) == ("09999999", True, True)
    assert new["s"]["source"] == "register:merton_lga_layout.csv"
    [dunmore] = await suppliers.run_text("MATCH (s:Supplier {id: 'SUP-DUNM'}) "
                                         "RETURN s.name AS name, s.source AS source")
    assert dunmore == {"name": "Dunmore Data", "source": "bundle:analytics"}  # an existing supplier keeps its name

    before = await snapshot(suppliers)
    assert await cli("load-register", MERTON_FILE, "--borough", MERTON) == 0
    assert await snapshot(suppliers) == before  # idempotent, updatedAt included


async def test_variant_headers_and_the_api(suppliers: Database, cli, client):
    assert await cli("load-register", CAMDEN_FILE, "--borough", CAMDEN) == 0
    result = await data(client, """{ borough(code: "E09000007") {
        contracts(first: 10) { edges { node { id endDate maxExtensionDate valueGbp supplier { id }
                                               provenance { source } } } } } }""")
    nodes = [e["node"] for e in result["borough"]["contracts"]["edges"] if e["node"]["id"].startswith("register:")]
    assert nodes == [
        {"id": "register:E09000007:CAM/2025/018", "endDate": "2026-03-31", "maxExtensionDate": None,
         "valueGbp": 12000.0,
         "supplier": {"id": "SUP-GLEN"}, "provenance": {"source": "register:camden_variant_headers.csv"}},
        {"id": "register:E09000007:CAM/2025/017", "endDate": "2028-03-31", "maxExtensionDate": "2030-03-31",
         "valueGbp": 120000.0, "supplier": {"id": "SUP-ACME"},
         "provenance": {"source": "register:camden_variant_headers.csv"}},
    ]


async def test_strict_and_unusable_files_write_nothing(suppliers: Database, cli, capsys, tmp_path: Path):
    before = await snapshot(suppliers)
    assert await cli("load-register", MERTON_FILE, "--borough", MERTON, "--strict") == 1
    assert "rows with problems in" in capsys.readouterr().err
    assert await cli("load-register", FIXTURES / "missing_supplier_column.csv", "--borough", MERTON) == 1
    err = capsys.readouterr().err
    assert "missing_supplier_column.csv:1: supplier_name: required column is missing (e.g. 'supplier name'" in err
    assert "nothing was written" in err
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes("Reference,Title,Supplier,Value\nR1,Thing,Acme,\xa3100\n".encode("latin-1"))
    assert await cli("load-register", latin1, "--borough", MERTON) == 1
    assert "latin1.csv:2: -: not UTF-8 (byte 0xa3)" in capsys.readouterr().err
    assert await cli("load-register", MERTON_FILE, "--borough", "E09999999") == 1
    assert "no borough with code E09999999" in capsys.readouterr().err
    assert await cli("load-register", MERTON_FILE, "--borough", "Merton") == 1
    assert "--borough must be a GSS code" in capsys.readouterr().err
    assert await cli("load-register", MERTON_FILE, "--borough", MERTON, "--dry-run") == 0
    assert "dry run" in capsys.readouterr().out
    assert await snapshot(suppliers) == before


@pytest.mark.parametrize(
    ("title", "it"),
    [("IT support", True), ("Cloud hosting of the CRM", True), ("ICT hardware", True), ("Grass cutting", False),
     ("Make it tidy", False), ("Information & Communication Technology", True)],
)
def test_it_keywords_for_rows_without_cpv(title: str, it: bool):
    assert _is_it({"title": title, "cpvCodes": []}, DEFAULT_IT_CPV_PREFIXES) is it


REGISTER_FIELDS = """reference title description department valueGbp annualValueGbp startDate endDate maxExtensionDate
  reviewDate extensionOptions cpvCodes proclass supplier { id sme vcse }"""


async def test_the_api_shows_every_register_field(suppliers: Database, cli, client):
    assert await cli("load-register", MERTON_FILE, "--borough", MERTON) == 0
    query = f"""{{ a: contract(id: "register:E09000024:MER-ICT-0001") {{ {REGISTER_FIELDS} }}
                   b: contract(id: "register:E09000024:MER-ICT-0002") {{ {REGISTER_FIELDS} }}
                   c: contract(id: "register:E09000024:MER-ICT-0004") {{ {REGISTER_FIELDS} }} }}"""
    found = await data(client, query)
    assert found["a"] == {
        "reference": "MER-ICT-0001", "title": "Revenues and benefits system support",
        "description": "Support and maintenance of the revenues and benefits system", "department": "Finance",
        "valueGbp": 1234567.89, "annualValueGbp": None, "startDate": "2024-04-01",
        # the current end date and the end date with every extension taken, apart
        "endDate": "2027-03-31", "maxExtensionDate": "2029-03-31", "reviewDate": "2026-09-30",
        "extensionOptions": "2 x 12 months", "cpvCodes": ["48000000"],
        "proclass": None, "supplier": {"id": "SUP-CORV", "sme": False, "vcse": None},
    }
    assert (found["b"]["proclass"], found["b"]["annualValueGbp"], found["b"]["cpvCodes"]) == (
        "Information & Communication Technology", 16000.0, [])
    assert (found["b"]["maxExtensionDate"], found["b"]["reviewDate"]) == (None, None)
    assert found["c"]["supplier"] == {"id": "GB-COH-09999999", "sme": True, "vcse": True}
    # A contract that no register wrote has none of these facts: null, not an error.
    other = await data(client, "{ contracts(first: 1, where: {boroughCode: \"E09000007\"}) { edges { node {"
                                " reference department annualValueGbp reviewDate extensionOptions proclass } } } }")
    assert other["contracts"]["edges"][0]["node"] == dict.fromkeys(
        ["reference", "department", "annualValueGbp", "reviewDate", "extensionOptions", "proclass"])
