"""`citygraph enrich-companies`: Companies House basic company data (tests/fixtures/companies, constructed;
see its README) onto the suppliers of tests/fixtures/analytics, through the CLI and the API."""

import zipfile
from pathlib import Path

import pytest

from citygraph.graph.companies import sme_of
from citygraph.graph.database import Database
from tests.conftest import gql_data as data
from tests.realdata_support import cli, snapshot, suppliers  # noqa: F401 (fixtures)

SAMPLE = Path(__file__).parent / "fixtures" / "companies" / "BasicCompanyData-2025-11-01-sample.csv"
SOURCE = "companies-house:BasicCompanyData-2025-11-01-sample.csv"
QUERY = """{ suppliers(first: 20) { edges { node { id sme
  companiesHouse { status accountCategory sicCodes sicDescriptions source asOf } } } } }"""


@pytest.mark.parametrize(
    ("category", "sme"),
    [("MICRO ENTITY", True), ("SMALL", True), ("MEDIUM", True), ("TOTAL EXEMPTION FULL", True),
     ("UNAUDITED ABRIDGED", True), ("FULL", False), ("GROUP", False), ("DORMANT", None),
     ("NO ACCOUNTS FILED", None), ("AUDIT EXEMPTION SUBSIDIARY", None), ("", None)],
)
def test_sme_from_the_accounts_category(category: str, sme: bool | None):
    assert sme_of(category) is sme


async def test_enrich_sets_sme_status_and_sic_codes(suppliers: Database, cli, client, capsys):
    assert await cli("enrich-companies", SAMPLE) == 0
    assert capsys.readouterr().out.strip() == (
        "BasicCompanyData-2025-11-01-sample.csv: 5 companies read, 4 of 5 suppliers with a company number found, "
        "SME status known for 3 (Companies House data of 2025-11-01)"
    )
    nodes = {e["node"]["id"]: e["node"] for e in (await data(client, QUERY))["suppliers"]["edges"]}
    # SMALL: the bundle's "not an SME" becomes SME; GROUP: the other way round.
    assert nodes["SUP-ACME"] == {"id": "SUP-ACME", "sme": True, "companiesHouse": {
        "status": "Active", "accountCategory": "SMALL", "sicCodes": ["62012"],
        "sicDescriptions": ["Business and domestic software development"], "source": SOURCE, "asOf": "2025-11-01"}}
    assert (nodes["SUP-BORE"]["sme"], nodes["SUP-BORE"]["companiesHouse"]["accountCategory"]) == (False, "GROUP")
    # NO ACCOUNTS FILED says nothing about size: sme stays; "None Supplied" is no SIC code.
    corvid = nodes["SUP-CORV"]
    assert (corvid["sme"], corvid["companiesHouse"]["status"], corvid["companiesHouse"]["sicCodes"]) == (
        False, "Active - Proposal to Strike off", [])
    assert nodes["SUP-EBBT"]["companiesHouse"]["sicCodes"] == ["46510", "47410"]
    assert nodes["SUP-EBBT"]["companiesHouse"]["status"] == "Liquidation"
    # Not in the file, or no company number: untouched.
    assert nodes["SUP-GLEN"]["companiesHouse"] is None and nodes["SUP-GLEN"]["sme"] is True
    assert nodes["SUP-DUNM"]["companiesHouse"] is None
    [acme] = await suppliers.run_text("MATCH (s:Supplier {id: 'SUP-ACME'}) RETURN s.source AS source")
    assert acme["source"] == "bundle:analytics"  # where the supplier came from stays

    before = await snapshot(suppliers)
    assert await cli("enrich-companies", SAMPLE) == 0
    assert await snapshot(suppliers) == before  # idempotent, updatedAt included


async def test_the_published_zip_and_unusable_files(suppliers: Database, cli, capsys, tmp_path: Path):
    before = await snapshot(suppliers)
    broken = tmp_path / "not-companies.csv"
    broken.write_text("CompanyName,CompanyNumber\nACME,ZZ000001\n", encoding="utf-8")
    assert await cli("enrich-companies", broken) == 1
    err = capsys.readouterr().err
    assert "not-companies.csv:1: CompanyStatus: required column is missing" in err
    assert "not-companies.csv:1: Accounts.AccountCategory: required column is missing" in err
    assert await cli("enrich-companies", tmp_path / "absent.csv") == 1
    assert "no such file" in capsys.readouterr().err
    assert await cli("enrich-companies", SAMPLE, "--date", "1 Nov") == 1
    assert "--date must be YYYY-MM-DD" in capsys.readouterr().err
    assert await snapshot(suppliers) == before

    archive = tmp_path / "BasicCompanyDataAsOneFile-2025-12-01.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.write(SAMPLE, "BasicCompanyDataAsOneFile-2025-12-01.csv")
    assert await cli("enrich-companies", archive) == 0
    assert "Companies House data of 2025-12-01" in capsys.readouterr().out
    [acme] = await suppliers.run_text("MATCH (s:Supplier {id: 'SUP-ACME'}) RETURN s.sme AS sme, "
                                      "s.companiesHouseSource AS source")
    assert acme == {"sme": True, "source": "companies-house:BasicCompanyDataAsOneFile-2025-12-01.zip"}
