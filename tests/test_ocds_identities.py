"""load-ocds recognising who is who: buyers by org-id (GB-LAC GSS codes, party ids seen before) and name,
suppliers by company number across sources, and the one-lead-supplier rule for multi-supplier awards in
every answer that counts contracts. Against the real Neo4j, on tests/fixtures/ocds/constructed_identifiers.json
(constructed: see tests/fixtures/ocds/README.md) and the real Contracts Finder sample."""

from pathlib import Path
from typing import Any

import httpx
import pytest

from citygraph.graph import ocds
from citygraph.graph.database import Database
from citygraph.graph.settings import DEFAULT_IT_CPV_PREFIXES
from tests.conftest import gql_data as data

FIXTURES = Path(__file__).parent / "fixtures" / "ocds"
CONSTRUCTED = FIXTURES / "constructed_identifiers.json"
CF = FIXTURES / "contracts_finder_releases.json"
MERTON = "E09000024"
ALPHA, BETA = "GB-COH-07654321", "GB-COH-01234567"  # the joint award's suppliers; BETA is first by id
JOINT = "ocds-test01-lac-1-1"


async def load(db: Database, *paths: Path) -> None:
    files = [ocds.read_file(path, DEFAULT_IT_CPV_PREFIXES) for path in paths]
    await ocds.load(db, files, progress=lambda _: None)


async def awarders(db: Database) -> dict[str, tuple[str, str]]:
    rows = await db.run_text(
        "MATCH (a)-[:AWARDED]->(c:Contract) RETURN c.id AS id, labels(a)[0] AS by, coalesce(a.code, a.id) AS byId"
    )
    return {row["id"]: (row["by"], row["byId"]) for row in rows}


async def test_gss_code_names_the_council_whatever_the_buyer_name(db: Database):
    await load(db, CONSTRUCTED)
    by = await awarders(db)
    # "Merton Civic Centre Procurement" matches no council name; GB-LAC-E09000024 is Merton's GSS code.
    assert by[JOINT] == ("Borough", MERTON)
    # GB-CFS-18525 was never seen with a council: "Merton Council Commercial Services" stays a Buyer.
    assert by["ocds-test01-cfs-2-1"] == ("Buyer", "GB-CFS-18525")


async def test_a_party_id_seen_with_a_council_before_finds_it_again(db: Database):
    await load(db, CF)  # "London Borough of Merton", party GB-CFS-18525: Merton by name, the id is kept
    merton = await db.run_text("MATCH (b:Borough {code: $code}) RETURN b.orgIds AS ids", {"code": MERTON})
    assert merton == [{"ids": ["GB-CFS-18525"]}]
    await load(db, CONSTRUCTED)
    by = await awarders(db)
    assert by["ocds-test01-cfs-2-1"] == ("Borough", MERTON)
    assert await db.run_text("MATCH (b:Buyer {id: 'GB-CFS-18525'}) RETURN b") == []


async def test_one_buyer_per_organisation_by_org_id_then_name(db: Database):
    await load(db, CONSTRUCTED)
    buyers = await db.run_text("MATCH (b:Buyer) RETURN b.id AS id, b.orgIds AS orgIds ORDER BY id")
    # eht-3 (GB-CFS-777001, charity GB-CHC-1100001), eht-4 (another party id, the same charity number) and
    # eht-5 ("Example Housing Trust Ltd", no org-id: by name) are one housing trust.
    assert buyers == [
        {"id": "GB-CFS-18525", "orgIds": ["GB-CFS-18525"]},
        {"id": "GB-CFS-777001", "orgIds": ["GB-CFS-777001", "GB-CHC-1100001", "GB-SRS-example/EHT01"]},
    ]
    by = await awarders(db)
    assert {by[f"ocds-test01-eht-{n}-1"] for n in (3, 4, 5)} == {("Buyer", "GB-CFS-777001")}


async def test_buyers_seen_in_an_earlier_load_are_found_again(db: Database, tmp_path: Path):
    await load(db, CONSTRUCTED)
    later = tmp_path / "later.json"
    text = CONSTRUCTED.read_text(encoding="utf-8").replace("ocds-test01-", "ocds-test02-")
    later.write_text(text.replace('"Example Housing Trust Ltd"', '"EXAMPLE HOUSING TRUST"'), encoding="utf-8")
    await load(db, later)
    by = await awarders(db)
    assert {by[f"ocds-test02-eht-{n}-1"] for n in (3, 4, 5)} == {("Buyer", "GB-CFS-777001")}
    assert len(await db.run_text("MATCH (b:Buyer) RETURN b")) == 2


async def test_suppliers_meet_by_company_number_across_sources(db: Database):
    # A supplier another source wrote under its own id, with Beta's company number.
    await db.run_text(
        "CREATE (:Supplier {id: 'SUP-BETA', name: 'Beta Systems', companyNumber: '01234567', sme: false, "
        "source: 'demo'})",
        write=True,
    )
    await load(db, CONSTRUCTED)
    rows = await db.run_text(
        "MATCH (c:Contract {id: $id})-[:WITH]->(s:Supplier) RETURN s.id AS id ORDER BY id", {"id": JOINT}
    )
    assert [r["id"] for r in rows] == [ALPHA, "SUP-BETA"]
    assert await db.run_text("MATCH (s:Supplier {id: $id}) RETURN s", {"id": BETA}) == []
    # Alpha's party id is GB-CFS-900001; its company number (additionalIdentifiers, 7 digits) makes it GB-COH.
    alpha = await db.run_text("MATCH (s:Supplier {id: $id}) RETURN s.companyNumber AS n, s.sme AS sme", {"id": ALPHA})
    assert alpha == [{"n": "07654321", "sme": True}]


async def test_loading_twice_changes_nothing(db: Database):
    await load(db, CF, CONSTRUCTED)
    query = (
        "MATCH (n) WHERE n:Buyer OR n:Supplier OR n:Contract OR n:Borough "
        "RETURN properties(n) AS p ORDER BY p.id, p.code"
    )
    before = await db.run_text(query)
    await load(db, CF, CONSTRUCTED)
    assert await db.run_text(query) == before


# --- one lead supplier per award, everywhere contracts are counted --------------------------------------

COUNTS = """query($alpha: ID!, $beta: ID!, $joint: ID!) {
  supplierConcentration { total supplierCount smeShare suppliers { supplier { id } contractCount valueGbp share } }
  contract(id: $joint) { supplier { id } }
  alpha: supplier(id: $alpha) { contracts { totalCount } boroughs { code } }
  beta: supplier(id: $beta) { contracts { totalCount edges { node { id } } } }
  ofAlpha: contracts(where: {supplierId: $alpha}) { totalCount }
  ofBeta: contracts(where: {supplierId: $beta}) { totalCount }
  borough(code: "E09000024") { suppliers { id }
    ofAlpha: contracts(where: {supplierId: $alpha}) { totalCount } } }"""


async def counts(client: httpx.AsyncClient) -> dict[str, Any]:
    return await data(client, COUNTS, {"alpha": ALPHA, "beta": BETA, "joint": JOINT})


async def test_a_two_supplier_award_counts_once_for_its_first_supplier_by_id(db: Database, client: httpx.AsyncClient):
    await load(db, CONSTRUCTED)  # Merton's only contract: the joint award, £300,000, Alpha (SME) and Beta
    result = await counts(client)
    concentration = result["supplierConcentration"]
    assert (concentration["total"], concentration["supplierCount"], concentration["smeShare"]) == (1.0, 1, 0.0)
    assert concentration["suppliers"] == [
        {"supplier": {"id": BETA}, "contractCount": 1, "valueGbp": 300000.0, "share": 1.0}
    ]
    assert result["contract"] == {"supplier": {"id": BETA}}
    assert result["beta"]["contracts"]["totalCount"] == 1
    assert result["beta"]["contracts"]["edges"] == [{"node": {"id": JOINT}}]
    assert result["alpha"]["contracts"]["totalCount"] == 0
    assert (result["ofAlpha"]["totalCount"], result["ofBeta"]["totalCount"]) == (0, 1)
    assert result["borough"]["ofAlpha"]["totalCount"] == 0
    # Who supplies a borough is not a count: both members of the consortium supply Merton.
    assert [s["id"] for s in result["borough"]["suppliers"]] == [ALPHA, BETA]
    assert result["alpha"]["boroughs"] == [{"code": MERTON}]


async def test_lead_supplier_rule_with_more_contracts(db: Database, client: httpx.AsyncClient):
    await load(db, CF, CONSTRUCTED)  # Merton: the hub (Commonplace), the joint award and cfs-2 (Beta)
    concentration = (await counts(client))["supplierConcentration"]
    shares = {s["supplier"]["id"]: s["contractCount"] for s in concentration["suppliers"]}
    assert shares == {BETA: 2, "ocds-supplier:commonplace-digital": 1}
    assert concentration["total"] == 3.0
    assert sum(s["share"] for s in concentration["suppliers"]) == pytest.approx(1.0)
