"""CSV/XLSX export over HTTP against real Neo4j (tests/fixtures/features), read back with csv and openpyxl."""

import csv
import io
import json
from pathlib import Path

import httpx
import openpyxl
import pytest

from citygraph.graph.database import Database
from citygraph.graph.importer import load_bundle

BUNDLE = Path(__file__).parent / "fixtures" / "features"


@pytest.fixture
async def api(db: Database, member: httpx.AsyncClient) -> httpx.AsyncClient:
    """Signed in as a member council: these tests read members-only facts (docs/signin.md)."""
    await load_bundle(db, BUNDLE)
    return member


def read_csv(response: httpx.Response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


async def test_contracts_csv_quoting_and_formula_neutralising(api: httpx.AsyncClient):
    response = await api.get("/export/contracts.csv", params={"boroughCode": "E09000022", "sort": "valueGbp:desc"})
    assert 'filename="contracts.csv"' in response.headers["content-disposition"]
    rows = read_csv(response)
    assert [row["id"] for row in rows] == ["c8", "c9", "c5"]
    hyperlink, archive, consultancy = rows
    assert hyperlink["title"] == "'=HYPERLINK(\"http://evil.example\")"  # a formula no more
    assert archive["title"] == 'Archive, "cold" storage'  # comma and quotes survive the round trip
    assert archive["valueGbp"] == "5000.5" and archive["systems.name"] == "Zeta Archive"
    assert hyperlink["supplier.name"] == "Idox" and hyperlink["borough.name"] == "Lambeth"
    assert consultancy["systems.name"] == "" and consultancy["startDate"] == ""
    assert b'"Archive, ""cold"" storage"' in response.content
    merton = read_csv(await api.get("/export/contracts.csv?boroughCode=E09000024"))
    assert [row["title"] for row in merton] == ["'-1 discount @SUM(A1)", "Forms platform", "Planning system"]


async def test_every_contract_is_exported_across_pages(api: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch):
    rows = read_csv(await api.get("/export/contracts.csv"))
    assert [row["id"] for row in rows] == ["c2", "c1", "c5", "c10", "c8", "c3", "c9", "c4"]


async def test_graphql_document_to_csv_and_xlsx(api: httpx.AsyncClient):
    query = """query($codes: [ID!]) { satisfactionBySupplierCount(boroughCodes: $codes) {
        pearson boroughs { borough { code name } supplierCount averageSatisfaction } } }"""
    params = {"query": query, "variables": json.dumps({"codes": ["E09000007", "E09000024"]})}
    rows = read_csv(await api.get("/export.csv", params=params))
    assert rows == [
        {"borough.code": "E09000007", "borough.name": "Camden", "supplierCount": "2", "averageSatisfaction": "3.0"},
        {"borough.code": "E09000024", "borough.name": "Merton", "supplierCount": "3", "averageSatisfaction": "5.0"},
    ]
    response = await api.post("/export.xlsx", json={"query": "{ suppliers(sort: [{name: ASC}]) { edges { node { name sme systems { name } } } } }"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == ["name", "sme", "systems.name"]
    assert values[1] == ["Acme Software", False, "Acme Ledger; Acme Planning"]
    assert len(values) == 6


async def test_xlsx_cells_are_never_formulas(api: httpx.AsyncClient):
    response = await api.get("/export/contracts.xlsx", params={"boroughCode": "E09000022"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    titles = [row[1].value for row in sheet.iter_rows(min_row=2)]
    assert "'=HYPERLINK(\"http://evil.example\")" in titles
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    header = [cell.value for cell in next(sheet.iter_rows())]
    values = {row[0].value: row[header.index("valueGbp")].value for row in sheet.iter_rows(min_row=2)}
    assert values["c9"] == 5000.5  # numbers stay numbers


@pytest.mark.parametrize(
    ("method", "url", "kwargs", "status", "message"),
    [
        ("get", "/export.csv", {}, 400, 'Parameter "query" (a GraphQL document) is required.'),
        ("get", "/export.csv", {"params": {"query": "{ nope }"}}, 400, "Cannot query field 'nope' on type 'Query'."),
        ("get", "/export.csv", {"params": {"query": "{ skills { name } partnerships { name } }"}}, 400,
         "The query must ask for exactly one root field to export, got 2."),
        ("get", "/export.csv", {"params": {"query": "{ skills { name } }", "variables": "{"}}, 400,
         'Parameter "variables" must be a JSON object.'),
        ("post", "/export.csv", {"content": b"not json"}, 400, "The body must be JSON"),
        ("get", "/export.pdf", {"params": {"query": "{ skills { name } }"}}, 404, 'Unknown export format ".pdf"'),
        ("get", "/export/contracts.csv", {"params": {"sort": "price:up"}}, 400, 'Parameter "sort": "price:up" is not'),
        ("get", "/export/contracts.csv", {"params": {"borough": "x"}}, 400, "Unknown parameter 'borough'"),
        ("get", "/export/contracts.csv", {"params": {"endDateFrom": "soon"}}, 400, "Variable '$where' has invalid value at .endDateFrom"),
    ],
)
async def test_bad_requests_are_clear(api: httpx.AsyncClient, method: str, url: str, kwargs: dict, status: int, message: str):
    response = await getattr(api, method)(url, **kwargs)
    assert response.status_code == status, response.text
    assert response.json()["errors"][0]["message"].startswith(message), response.text
