"""The eight analytics on tests/fixtures/analytics, every answer worked out by hand.

The bundle, in short (borough: systems used; suppliers = contract counterparties + manufacturers):
  Merton (SLP):   SYS01 02 04 06 09      ACME BORE CORV DUNM EBBT
  Sutton (SLP):   SYS01 02 04 07         ACME BORE CORV
  Kingston (SLP): SYS01 05 06 09         ACME BORE CORV DUNM EBBT
  Camden (CLF):   SYS02 03 08 10         ACME BORE CORV DUNM
  Islington (CLF): SYS03 08 10 12        ACME CORV DUNM
  Brent (WLA):    SYS01 02 03 06 09      ACME CORV DUNM FENL   (FENL by a contract covering nothing)
  Barking (LL):   SYS11                  FENL GLEN             (GLEN: a reseller that makes nothing)
Manufacturers: SYS01-03,12 ACME; 04-05 BORE; 06-08 CORV; 09-10 DUNM; 11 FENL. EBBT and GLEN only resell.
SMEs: BORE, DUNM, EBBT, GLEN.
"""

from pathlib import Path

import httpx
import pytest

from citygraph.graph.database import Database
from citygraph.graph.importer import load_bundle
from tests.conftest import gql
from tests.conftest import gql_data as data

BUNDLE = Path(__file__).parent / "fixtures" / "analytics"

MERTON, SUTTON, KINGSTON = "E09000024", "E09000029", "E09000021"
CAMDEN, ISLINGTON, BRENT, BARKING = "E09000007", "E09000019", "E09000005", "E09000002"
ALIGNED = "(contracts end within 6 months of each other)"


@pytest.fixture
async def loaded(db: Database, member: httpx.AsyncClient) -> Database:
    """The bundle, and `client` signed in as a member council (skillsExchange is members only)."""
    await load_bundle(db, BUNDLE)
    return db


async def error(client: httpx.AsyncClient, query: str, variables: dict | None = None) -> str:
    body = await gql(client, query, variables)
    assert body.get("data") is None or all(v is None for v in body["data"].values()), body
    assert len(body["errors"]) == 1, body["errors"]
    return body["errors"][0]["message"]


def names(items: list[dict]) -> list[str]:
    return [item["name"] for item in items]


# --- sharedSystems ------------------------------------------------------------------------------------

SHARED_SYSTEMS = "query($codes: [ID!]!, $min: Int) { sharedSystems(boroughCodes: $codes, minBoroughs: $min) { " \
    "system { id name manufacturer { id } serviceArea { name } } boroughs { name } boroughCount } }"


def shared_rows(result: list[dict]) -> list[tuple[str, list[str], int]]:
    return [(r["system"]["id"], names(r["boroughs"]), r["boroughCount"]) for r in result]


async def test_shared_systems_default_means_all_of_them(loaded, client):
    result = (await data(client, SHARED_SYSTEMS, {"codes": [MERTON, SUTTON, KINGSTON]}))["sharedSystems"]
    assert shared_rows(result) == [("SYS01", ["Kingston upon Thames", "Merton", "Sutton"], 3)]
    assert result[0]["system"]["manufacturer"] == {"id": "SUP-ACME"}
    assert result[0]["system"]["serviceArea"] == {"name": "Revenues and Benefits"}


async def test_shared_systems_min_boroughs_orders_by_count_then_name(loaded, client):
    two = (await data(client, SHARED_SYSTEMS, {"codes": [MERTON, SUTTON, KINGSTON], "min": 2}))["sharedSystems"]
    assert shared_rows(two) == [
        ("SYS01", ["Kingston upon Thames", "Merton", "Sutton"], 3),
        ("SYS02", ["Merton", "Sutton"], 2),  # Acme Finance
        ("SYS04", ["Merton", "Sutton"], 2),  # Borealis Planning
        ("SYS06", ["Kingston upon Thames", "Merton"], 2),  # Corvid Ledger
        ("SYS09", ["Kingston upon Thames", "Merton"], 2),  # Dunmore Housing
    ]
    one = (await data(client, SHARED_SYSTEMS, {"codes": [MERTON, SUTTON, KINGSTON], "min": 1}))["sharedSystems"]
    assert [r[0] for r in shared_rows(one)] == ["SYS01", "SYS02", "SYS04", "SYS06", "SYS09", "SYS05", "SYS07"]
    assert (await data(client, SHARED_SYSTEMS, {"codes": [MERTON, SUTTON, KINGSTON], "min": 4}))["sharedSystems"] == []


async def test_shared_systems_repeated_code_counts_once(loaded, client):
    result = (await data(client, SHARED_SYSTEMS, {"codes": [CAMDEN, CAMDEN, ISLINGTON]}))["sharedSystems"]
    assert shared_rows(result) == [
        ("SYS03", ["Camden", "Islington"], 2),
        ("SYS08", ["Camden", "Islington"], 2),
        ("SYS10", ["Camden", "Islington"], 2),
    ]
    assert (await data(client, SHARED_SYSTEMS, {"codes": [BARKING, MERTON]}))["sharedSystems"] == []


async def test_shared_systems_rejects_unknown_codes_and_bad_arguments(loaded, client):
    message = await error(client, SHARED_SYSTEMS, {"codes": [MERTON, "E09999999"]})
    assert message == 'Unknown borough code "E09999999" in boroughCodes.'
    assert "boroughCodes" in await error(client, SHARED_SYSTEMS, {"codes": []})
    assert await error(client, SHARED_SYSTEMS, {"codes": [MERTON], "min": 0}) == (
        'Argument "minBoroughs" must be at least 1, got 0.'
    )


# --- sharedSuppliers ----------------------------------------------------------------------------------

SHARED_SUPPLIERS = "query($codes: [ID!]!, $min: Int) { sharedSuppliers(boroughCodes: $codes, minBoroughs: $min) { " \
    "supplier { id name sme } boroughs { name } boroughCount } }"


async def test_shared_suppliers_count_contracts_and_manufacturers(loaded, client):
    both = (await data(client, SHARED_SUPPLIERS, {"codes": [CAMDEN, ISLINGTON]}))["sharedSuppliers"]
    assert [(r["supplier"]["id"], r["boroughCount"]) for r in both] == [
        ("SUP-ACME", 2),
        ("SUP-CORV", 2),
        ("SUP-DUNM", 2),
    ]
    either = (await data(client, SHARED_SUPPLIERS, {"codes": [CAMDEN, ISLINGTON], "min": 1}))["sharedSuppliers"]
    assert [(r["supplier"]["id"], names(r["boroughs"])) for r in either] == [
        ("SUP-ACME", ["Camden", "Islington"]),
        ("SUP-CORV", ["Camden", "Islington"]),
        ("SUP-DUNM", ["Camden", "Islington"]),
        ("SUP-BORE", ["Camden"]),  # a contract covering no system still makes a supplier
    ]


async def test_shared_suppliers_include_resellers_and_contract_only_suppliers(loaded, client):
    result = (await data(client, SHARED_SUPPLIERS, {"codes": [MERTON, KINGSTON]}))["sharedSuppliers"]
    assert [r["supplier"]["name"] for r in result] == [
        "Acme Software",
        "Borealis Systems",
        "Corvid Digital",
        "Dunmore Data",
        "Ebbtide Resellers",  # reseller: only contracts, no system it makes
    ]
    # Fenland supplies Barking as a manufacturer and Brent by a contract.
    fenland = (await data(client, SHARED_SUPPLIERS, {"codes": [BARKING, BRENT]}))["sharedSuppliers"]
    assert [(r["supplier"]["id"], names(r["boroughs"])) for r in fenland] == [
        ("SUP-FENL", ["Barking and Dagenham", "Brent"])
    ]


async def test_shared_suppliers_ignore_contracts_awarded_by_other_buyers(loaded, client):
    await loaded.run_text(
        "MATCH (s:Supplier {id: 'SUP-GLEN'}) "
        "CREATE (:Buyer {id: 'B1', name: 'Transport for London'})-[:AWARDED]->"
        "(:Contract {id: 'OCDS-1', title: 'Ticketing', valueGbp: 1000000.0, endDate: date('2027-06-30'), "
        "source: 'ocds'})-[:WITH]->(s)",
        write=True,
    )
    result = (await data(client, SHARED_SUPPLIERS, {"codes": [BARKING]}))["sharedSuppliers"]
    assert [r["supplier"]["id"] for r in result] == ["SUP-FENL", "SUP-GLEN"]
    assert "E09999999" in await error(client, SHARED_SUPPLIERS, {"codes": ["E09999999", "NOPE"]})


# --- collaborationPartners ----------------------------------------------------------------------------

PARTNERS = "query($code: ID!, $limit: Int) { collaborationPartners(boroughCode: $code, limit: $limit) { " \
    "borough { code name } sharedSystems { id } sharedSuppliers { id } score reasons } }"


async def test_collaboration_partners_ranked_by_jaccard_with_reasons(loaded, client):
    partners = (await data(client, PARTNERS, {"code": MERTON, "limit": 10}))["collaborationPartners"]
    # Merton's 5 systems against: Brent 4 of 6, Kingston 3 of 6, Sutton 3 of 6, Camden 1 of 8; Islington,
    # Barking share none. Kingston and Sutton tie at 0.5: by name.
    assert [(p["borough"]["name"], p["score"]) for p in partners] == [
        ("Brent", pytest.approx(4 / 6)),
        ("Kingston upon Thames", 0.5),
        ("Sutton", 0.5),
        ("Camden", 0.125),
    ]
    brent, kingston, sutton, camden = partners
    assert [s["id"] for s in brent["sharedSystems"]] == ["SYS02", "SYS01", "SYS06", "SYS09"]  # by name
    assert [s["id"] for s in brent["sharedSuppliers"]] == ["SUP-ACME", "SUP-CORV", "SUP-DUNM"]
    assert brent["reasons"] == [
        # latest contract ends: SYS02 Merton 2027-06-30 / Brent 2027-01-30; SYS01 2027-01-31 / 2027-01-30;
        # SYS09 2027-04-30 / 2027-08-31. SYS06: Brent holds no contract for it.
        f"both use Acme Finance {ALIGNED}",
        f"both use Acme Revenues {ALIGNED}",
        f"both use Dunmore Housing {ALIGNED}",
        "share 4 systems: Acme Finance, Acme Revenues, Corvid Ledger and 1 more",
        "share 3 suppliers: Acme Software, Corvid Digital and Dunmore Data",
    ]
    assert kingston["reasons"] == [
        f"both use Dunmore Housing {ALIGNED}",  # 2027-04-30 and 2027-10-30: exactly 6 months apart
        "both in South London Partnership",
        "share 3 systems: Acme Revenues, Corvid Ledger and Dunmore Housing",
        "share 5 suppliers: Acme Software, Borealis Systems, Corvid Digital and 2 more",
    ]
    assert sutton["reasons"] == [
        f"both use Acme Finance {ALIGNED}",  # 2027-06-30 and 2027-09-30; SYS01 ends 13 months apart
        "both in South London Partnership",
        "share 3 systems: Acme Finance, Acme Revenues and Borealis Planning",
        "share 3 suppliers: Acme Software, Borealis Systems and Corvid Digital",
    ]
    assert camden["reasons"] == [
        # Acme Finance: Merton 2027-06-30, Camden 2027-12-31: 6 months and a day apart
        "share 1 system: Acme Finance",
        "share 4 suppliers: Acme Software, Borealis Systems, Corvid Digital and 1 more",
    ]


async def test_collaboration_partners_limit_default_empty_and_errors(loaded, client):
    top2 = (await data(client, PARTNERS, {"code": MERTON, "limit": 2}))["collaborationPartners"]
    assert [p["borough"]["name"] for p in top2] == ["Brent", "Kingston upon Thames"]
    default = (await data(client, "{ collaborationPartners(boroughCode: \"E09000024\") { score } }"))
    assert len(default["collaborationPartners"]) == 4
    assert (await data(client, PARTNERS, {"code": BARKING}))["collaborationPartners"] == []
    assert await error(client, PARTNERS, {"code": "E09999999"}) == 'Unknown borough code "E09999999" in boroughCode.'
    assert await error(client, PARTNERS, {"code": MERTON, "limit": 0}) == (
        'Argument "limit" must be between 1 and 100, got 0.'
    )


async def test_collaboration_partners_as_a_borough_field_batch_in_one_statement(loaded, client):
    body = await gql(client, "{ boroughs { name collaborationPartners(limit: 1) { borough { name } score } } }")
    first = {b["name"]: b["collaborationPartners"] for b in body["data"]["boroughs"]}
    assert first["Merton"] == [{"borough": {"name": "Brent"}, "score": pytest.approx(4 / 6)}]
    assert first["Barking and Dagenham"] == []
    assert first["Islington"] == [{"borough": {"name": "Camden"}, "score": 0.6}]  # 3 of 5
    assert body["extensions"]["cypher"]["roundTrips"] == 2  # boroughs, then every borough's partners at once


# --- jointProcurementOpportunities --------------------------------------------------------------------

PROCUREMENT = """query($within: Int, $area: String, $min: Int, $asOf: Date) {
  jointProcurementOpportunities(withinMonths: $within, serviceArea: $area, minBoroughs: $min, asOf: $asOf) {
    system { id name } boroughs { name } contracts { id endDate borough { code } supplier { id } }
    windowStart windowEnd combinedValueGbp } }"""


def opportunities(result: dict) -> list[tuple]:
    return [
        (o["system"]["id"], [c["id"] for c in o["contracts"]], o["windowStart"], o["windowEnd"], o["combinedValueGbp"])
        for o in result["jointProcurementOpportunities"]
    ]


async def test_joint_procurement_window_includes_both_ends(loaded, client):
    # asOf 2027-01-31 + 13 months = 2028-02-29 (2028 is a leap year): C01 ends on asOf, C02 on the last day.
    result = await data(client, PROCUREMENT, {"within": 13, "asOf": "2027-01-31"})
    assert opportunities(result) == [
        ("SYS01", ["C01", "C02"], "2027-01-31", "2028-02-29", 300000.0),
        ("SYS09", ["C13", "C12", "C17"], "2027-04-30", "2027-10-30", 145000.0),
        ("SYS02", ["C05", "C06", "C07"], "2027-06-30", "2027-12-31", 130000.0),  # C07 has no value
        ("SYS03", ["C18", "C19"], "2027-12-31", "2027-12-31", None),  # no values at all; ties by name
        ("SYS08", ["C08", "C09"], "2027-12-31", "2027-12-31", 210000.0),  # same endDate: by id
    ]
    first = result["jointProcurementOpportunities"][0]
    assert names(first["boroughs"]) == ["Merton", "Sutton"]
    assert first["contracts"][1] == {"id": "C02", "endDate": "2028-02-29", "borough": {"code": SUTTON},
                                     "supplier": {"id": "SUP-ACME"}}
    nine = result["jointProcurementOpportunities"][1]
    assert names(nine["boroughs"]) == ["Brent", "Kingston upon Thames", "Merton"]


async def test_joint_procurement_window_edges_move_contracts_in_and_out(loaded, client):
    # One day later C01 (ends 2027-01-31) is out and C03 (2028-03-01 = the new last day) is in.
    later = await data(client, PROCUREMENT, {"within": 13, "asOf": "2027-02-01"})
    assert [o[0] for o in opportunities(later)] == ["SYS09", "SYS02", "SYS03", "SYS08", "SYS01"]
    assert opportunities(later)[-1] == ("SYS01", ["C02", "C03"], "2028-02-29", "2028-03-01", 200000.0)
    # 12 months ends 2028-01-31: C02 out, so SYS01 has one borough left.
    twelve = await data(client, PROCUREMENT, {"within": 12, "asOf": "2027-01-31"})
    assert [o[0] for o in opportunities(twelve)] == ["SYS09", "SYS02", "SYS03", "SYS08"]
    # The default 24 months takes C03 in; C04 (2027-01-30) ended the day before asOf.
    default = await data(client, PROCUREMENT, {"asOf": "2027-01-31"})
    assert opportunities(default)[0] == ("SYS01", ["C01", "C02", "C03"], "2027-01-31", "2028-03-01", 300000.0)


async def test_joint_procurement_min_boroughs_and_service_area(loaded, client):
    three = await data(client, PROCUREMENT, {"within": 13, "min": 3, "asOf": "2027-01-31"})
    assert [o[0] for o in opportunities(three)] == ["SYS09", "SYS02"]
    assert opportunities(await data(client, PROCUREMENT, {"min": 4, "asOf": "2027-01-31"})) == []
    housing = await data(client, PROCUREMENT, {"within": 13, "area": "Housing", "asOf": "2027-01-31"})
    assert [o[0] for o in opportunities(housing)] == ["SYS09", "SYS03"]
    single = await data(client, PROCUREMENT, {"within": 13, "min": 1, "asOf": "2027-01-31"})
    assert [o[0] for o in opportunities(single)] == ["SYS01", "SYS05", "SYS09", "SYS11", "SYS02", "SYS06", "SYS03",
                                                     "SYS08"]


async def test_joint_procurement_lists_each_contracts_lead_supplier(loaded, client):
    # A contract with several suppliers (an OCDS consortium) names its lead: the first of them by id.
    await loaded.run_text(
        "MATCH (c1:Contract {id: 'C01'}), (c2:Contract {id: 'C02'}), (bore:Supplier {id: 'SUP-BORE'}) "
        "CREATE (c1)-[:WITH]->(:Supplier {id: 'SUP-AARDVARK', name: 'Aardvark Ltd', sme: true}) "
        "CREATE (c2)-[:WITH]->(bore)",
        write=True,
    )
    result = await data(client, PROCUREMENT, {"within": 13, "asOf": "2027-01-31"})
    first = result["jointProcurementOpportunities"][0]
    assert [(c["id"], c["supplier"]["id"]) for c in first["contracts"]] == [
        ("C01", "SUP-AARDVARK"),
        ("C02", "SUP-ACME"),
    ]
    assert opportunities(result)[0] == ("SYS01", ["C01", "C02"], "2027-01-31", "2028-02-29", 300000.0)


async def test_joint_procurement_ignores_other_buyers_and_validates(loaded, client):
    await loaded.run_text(
        "MATCH (s:System {id: 'SYS08'}), (x:Supplier {id: 'SUP-CORV'}) "
        "CREATE (:Buyer {id: 'B1', name: 'Transport for London'})-[:AWARDED]->"
        "(c:Contract {id: 'OCDS-1', title: 'Planning', valueGbp: 1000000.0, endDate: date('2027-06-30'), "
        "source: 'ocds'})-[:WITH]->(x), (c)-[:COVERS]->(s)",
        write=True,
    )
    result = await data(client, PROCUREMENT, {"within": 13, "asOf": "2027-01-31"})
    assert opportunities(result)[-1] == ("SYS08", ["C08", "C09"], "2027-12-31", "2027-12-31", 210000.0)
    assert await error(client, PROCUREMENT, {"area": "Astrology", "asOf": "2027-01-31"}) == (
        'Unknown service area "Astrology" in serviceArea.'
    )
    for within in (0, 121):
        assert await error(client, PROCUREMENT, {"within": within}) == (
            f'Argument "withinMonths" must be between 1 and 120, got {within}.'
        )
    assert "minBoroughs" in await error(client, PROCUREMENT, {"min": 0})


# --- supplierNetwork ----------------------------------------------------------------------------------

NETWORK = """query($id: ID!, $depth: Int, $min: Int, $limit: Int) {
  supplierNetwork(supplierId: $id, depth: $depth, minSharedBoroughs: $min, limit: $limit) {
    nodes { id kind label } edges { source target weight sharedBoroughs { name } } } }"""


async def network(client, **variables) -> tuple[list[str], list[tuple[str, str, int]], dict]:
    result = (await data(client, NETWORK, variables))["supplierNetwork"]
    edges = [(e["source"], e["target"], e["weight"]) for e in result["edges"]]
    return [n["id"] for n in result["nodes"]], edges, result


async def test_supplier_network_grows_with_depth(loaded, client):
    # Glenholm supplies only Barking, which Fenland also supplies; Fenland also supplies Brent.
    nodes, edges, result = await network(client, id="SUP-GLEN")
    assert nodes == ["SUP-GLEN", "SUP-FENL"]
    assert result["nodes"][0] == {"id": "SUP-GLEN", "kind": "SUPPLIER", "label": "Glenholm IT"}
    assert result["edges"] == [
        {"source": "SUP-FENL", "target": "SUP-GLEN", "weight": 1, "sharedBoroughs": [{"name": "Barking and Dagenham"}]}
    ]
    nodes, edges, _ = await network(client, id="SUP-GLEN", depth=2)
    assert nodes == ["SUP-GLEN", "SUP-FENL", "SUP-ACME", "SUP-CORV", "SUP-DUNM"]
    assert edges == [
        ("SUP-ACME", "SUP-CORV", 6),
        ("SUP-ACME", "SUP-DUNM", 5),
        ("SUP-CORV", "SUP-DUNM", 5),
        ("SUP-ACME", "SUP-FENL", 1),
        ("SUP-CORV", "SUP-FENL", 1),
        ("SUP-DUNM", "SUP-FENL", 1),
        ("SUP-FENL", "SUP-GLEN", 1),
    ]
    nodes, edges, _ = await network(client, id="SUP-GLEN", depth=3)
    # Third hop: Borealis (strongest link back 4) before Ebbtide (2).
    assert nodes == ["SUP-GLEN", "SUP-FENL", "SUP-ACME", "SUP-CORV", "SUP-DUNM", "SUP-BORE", "SUP-EBBT"]
    assert len(edges) == 14


async def test_supplier_network_limit_keeps_the_nearest_strongest(loaded, client):
    nodes, edges, _ = await network(client, id="SUP-GLEN", depth=3, limit=4)
    assert nodes == ["SUP-GLEN", "SUP-FENL", "SUP-ACME", "SUP-CORV"]
    assert edges == [
        ("SUP-ACME", "SUP-CORV", 6),
        ("SUP-ACME", "SUP-FENL", 1),
        ("SUP-CORV", "SUP-FENL", 1),
        ("SUP-FENL", "SUP-GLEN", 1),
    ]
    assert (await network(client, id="SUP-GLEN", depth=3, limit=1))[:2] == (["SUP-GLEN"], [])


async def test_supplier_network_min_shared_boroughs(loaded, client):
    nodes, edges, result = await network(client, id="SUP-ACME", min=5)
    assert nodes == ["SUP-ACME", "SUP-CORV", "SUP-DUNM"]
    assert edges == [("SUP-ACME", "SUP-CORV", 6), ("SUP-ACME", "SUP-DUNM", 5), ("SUP-CORV", "SUP-DUNM", 5)]
    assert names(result["edges"][1]["sharedBoroughs"]) == ["Brent", "Camden", "Islington", "Kingston upon Thames",
                                                           "Merton"]
    assert (await network(client, id="SUP-ACME", depth=3, min=7))[:2] == (["SUP-ACME"], [])
    # Ebbtide's links all weigh 2 (Merton and Kingston): at depth 1 its neighbours by name.
    nodes, _, _ = await network(client, id="SUP-EBBT", min=2)
    assert nodes == ["SUP-EBBT", "SUP-ACME", "SUP-BORE", "SUP-CORV", "SUP-DUNM"]


async def test_supplier_network_shared_boroughs_only_when_asked_for(loaded, client):
    lean = await data(client, '{ supplierNetwork(supplierId: "SUP-GLEN") { edges { source target weight } } }')
    assert lean["supplierNetwork"]["edges"] == [{"source": "SUP-FENL", "target": "SUP-GLEN", "weight": 1}]
    fragment = await data(
        client,
        '{ supplierNetwork(supplierId: "SUP-GLEN") { edges { ...E } } } '
        "fragment E on NetworkEdge { sharedBoroughs { code } }",
    )
    assert fragment["supplierNetwork"]["edges"] == [{"sharedBoroughs": [{"code": BARKING}]}]


async def test_supplier_network_validates(loaded, client):
    assert await error(client, NETWORK, {"id": "SUP-NONE"}) == 'Unknown supplier id "SUP-NONE" in supplierId.'
    for depth in (0, 4):
        assert await error(client, NETWORK, {"id": "SUP-ACME", "depth": depth}) == (
            f'Argument "depth" must be between 1 and 3, got {depth}.'
        )
    assert "minSharedBoroughs" in await error(client, NETWORK, {"id": "SUP-ACME", "min": 0})
    assert await error(client, NETWORK, {"id": "SUP-ACME", "limit": 501}) == (
        'Argument "limit" must be between 1 and 500, got 501.'
    )


# --- supplierConcentration ----------------------------------------------------------------------------

CONCENTRATION = """query($area: String, $measure: ConcentrationMeasure, $top: Int) {
  supplierConcentration(serviceArea: $area, measure: $measure, top: $top) {
    measure total supplierCount topShare hhi smeShare
    suppliers { supplier { id sme } contractCount valueGbp share } } }"""


async def concentration(client, **variables) -> dict:
    return (await data(client, CONCENTRATION, variables))["supplierConcentration"]


async def test_concentration_by_contract_count(loaded, client):
    # 19 contracts: ACME 7, DUNM 4, EBBT 3, CORV 2, BORE 1, FENL 1, GLEN 1.
    result = await concentration(client, top=3)
    assert result["measure"] == "CONTRACT_COUNT"
    assert result["total"] == 19.0 and result["supplierCount"] == 7
    assert [(s["supplier"]["id"], s["contractCount"]) for s in result["suppliers"]] == [
        ("SUP-ACME", 7),
        ("SUP-DUNM", 4),
        ("SUP-EBBT", 3),
    ]
    assert [s["share"] for s in result["suppliers"]] == pytest.approx([7 / 19, 4 / 19, 3 / 19])
    assert result["topShare"] == pytest.approx(14 / 19)
    assert round(result["hhi"], 2) == 2243.77  # 10000 * (49+16+9+4+1+1+1) / 361
    assert result["smeShare"] == pytest.approx(9 / 19)  # BORE 1 + DUNM 4 + EBBT 3 + GLEN 1
    default = await concentration(client)
    assert [s["supplier"]["id"] for s in default["suppliers"]] == [
        "SUP-ACME", "SUP-DUNM", "SUP-EBBT", "SUP-CORV", "SUP-BORE", "SUP-FENL", "SUP-GLEN"  # 1 each: by name
    ]
    assert default["topShare"] == pytest.approx(1.0)
    assert sum(s["share"] for s in default["suppliers"]) == pytest.approx(1.0)


async def test_concentration_by_contract_value(loaded, client):
    # £1,240,000 in all: ACME 680k (three contracts without value), CORV 210k, DUNM 205k, EBBT 90k,
    # GLEN 25k, BORE 20k, FENL 10k.
    result = await concentration(client, measure="CONTRACT_VALUE", top=2)
    assert result["total"] == 1240000.0 and result["supplierCount"] == 7
    assert [(s["supplier"]["id"], s["valueGbp"], s["contractCount"]) for s in result["suppliers"]] == [
        ("SUP-ACME", 680000.0, 7),
        ("SUP-CORV", 210000.0, 2),
    ]
    assert result["topShare"] == pytest.approx(890 / 1240)
    assert round(result["hhi"], 2) == 3627.41  # 10000 * (680² + 210² + 205² + 90² + 25² + 20² + 10²) / 1240²
    assert result["smeShare"] == pytest.approx(340 / 1240)


async def test_concentration_in_a_service_area(loaded, client):
    # Finance (SYS02, 06, 10): C04 C06 C07 (ACME), C05 (EBBT), C10 (DUNM); C04 covers two systems, counted once.
    finance = await concentration(client, area="Finance", top=1)
    assert (finance["total"], finance["supplierCount"], finance["topShare"]) == (5.0, 3, pytest.approx(0.6))
    assert finance["hhi"] == pytest.approx(4400.0)
    assert finance["smeShare"] == pytest.approx(0.4)
    assert [s["supplier"]["id"] for s in finance["suppliers"]] == ["SUP-ACME"]
    # Housing by value: DUNM £145k; ACME's two contracts there have no value, so a share of 0.
    housing = await concentration(client, area="Housing", measure="CONTRACT_VALUE")
    assert (housing["total"], housing["supplierCount"], housing["hhi"], housing["smeShare"]) == (
        145000.0, 2, 10000.0, 1.0
    )
    assert [(s["supplier"]["id"], s["share"], s["valueGbp"]) for s in housing["suppliers"]] == [
        ("SUP-DUNM", 1.0, 145000.0),
        ("SUP-ACME", 0.0, 0.0),
    ]
    empty = await concentration(client, area="Libraries")
    assert empty == {"measure": "CONTRACT_COUNT", "total": 0.0, "supplierCount": 0, "topShare": 0.0, "hhi": 0.0,
                     "smeShare": 0.0, "suppliers": []}


async def test_concentration_counts_council_contracts_only_and_validates(loaded, client):
    await loaded.run_text(
        "MATCH (x:Supplier {id: 'SUP-CORV'}) CREATE (:Buyer {id: 'B1', name: 'Transport for London'})-[:AWARDED]->"
        "(:Contract {id: 'OCDS-1', title: 'Ticketing', valueGbp: 1000000.0, source: 'ocds'})-[:WITH]->(x)",
        write=True,
    )
    assert (await concentration(client))["total"] == 19.0
    message = await error(client, CONCENTRATION, {"area": "Astrology"})
    assert message == 'Unknown service area "Astrology" in serviceArea.'
    assert await error(client, CONCENTRATION, {"top": 0}) == 'Argument "top" must be between 1 and 500, got 0.'


# --- skillsExchange -----------------------------------------------------------------------------------

SKILLS = """query($skill: ID!, $mentor: Int, $learner: Int) {
  skillsExchange(skill: $skill, minMentorLevel: $mentor, maxLearnerLevel: $learner) {
    skill { name category } mentor { name } learner { name } mentorLevel learnerLevel sharedSystems { id } } }"""


def pairs(result: dict) -> list[tuple[str, str, int]]:
    return [(m["mentor"]["name"], m["learner"]["name"], len(m["sharedSystems"])) for m in result["skillsExchange"]]


async def test_skills_exchange_orders_by_shared_systems_then_names(loaded, client):
    result = await data(client, SKILLS, {"skill": "Cloud migration"})
    # Mentors (>= 4): Merton 5, Kingston 4, Islington 4. Learners (<= 2): Sutton 2, Brent 2, Camden 1, Barking 1.
    assert pairs(result) == [
        ("Merton", "Brent", 4),
        ("Islington", "Camden", 3),
        ("Kingston upon Thames", "Brent", 3),
        ("Merton", "Sutton", 3),
        ("Islington", "Brent", 1),
        ("Kingston upon Thames", "Sutton", 1),
        ("Merton", "Camden", 1),
        ("Islington", "Barking and Dagenham", 0),
        ("Islington", "Sutton", 0),
        ("Kingston upon Thames", "Barking and Dagenham", 0),
        ("Kingston upon Thames", "Camden", 0),
        ("Merton", "Barking and Dagenham", 0),
    ]
    first = result["skillsExchange"][0]
    assert first["skill"] == {"name": "Cloud migration", "category": "Infrastructure"}
    assert (first["mentorLevel"], first["learnerLevel"]) == (5, 2)
    assert [s["id"] for s in first["sharedSystems"]] == ["SYS02", "SYS01", "SYS06", "SYS09"]


async def test_skills_exchange_levels_and_edges(loaded, client):
    strict = await data(client, SKILLS, {"skill": "Cloud migration", "mentor": 5, "learner": 1})
    assert pairs(strict) == [("Merton", "Camden", 1), ("Merton", "Barking and Dagenham", 0)]
    # Overlapping levels: Kingston and Islington are both mentors and learners, never their own.
    overlap = (await data(client, SKILLS, {"skill": "Cloud migration", "mentor": 4, "learner": 4}))["skillsExchange"]
    assert len(overlap) == 3 * 6 - 2
    assert all(m["mentor"] != m["learner"] for m in overlap)
    assert (await data(client, SKILLS, {"skill": "Agile delivery"}))["skillsExchange"] == []  # nobody mentors
    assert await error(client, SKILLS, {"skill": "Juggling"}) == 'Unknown skill "Juggling" in skill.'
    assert await error(client, SKILLS, {"skill": "Cloud migration", "mentor": 6}) == (
        'Argument "minMentorLevel" must be between 1 and 5, got 6.'
    )
    assert "maxLearnerLevel" in await error(client, SKILLS, {"skill": "Cloud migration", "learner": 0})


# --- connectionPath -----------------------------------------------------------------------------------

PATH = """query($from: EntityRef!, $to: EntityRef!, $hops: Int) {
  connectionPath(from: $from, to: $to, maxHops: $hops) { nodes { id kind label } length } }"""


async def path(client, source: tuple[str, str], target: tuple[str, str], hops: int | None = None) -> dict | None:
    variables = {"from": {"kind": source[0], "id": source[1]}, "to": {"kind": target[0], "id": target[1]}, "hops": hops}
    return (await data(client, PATH, variables))["connectionPath"]


async def test_connection_path_runs_from_from_to_to(loaded, client):
    found = await path(client, ("BOROUGH", BARKING), ("SUPPLIER", "SUP-GLEN"))
    assert found == {
        "nodes": [
            {"id": BARKING, "kind": "BOROUGH", "label": "Barking and Dagenham"},
            {"id": "C16", "kind": "CONTRACT", "label": "Portal licence via reseller"},
            {"id": "SUP-GLEN", "kind": "SUPPLIER", "label": "Glenholm IT"},
        ],
        "length": 2,
    }
    back = await path(client, ("SUPPLIER", "SUP-GLEN"), ("BOROUGH", BARKING))
    assert [n["id"] for n in back["nodes"]] == ["SUP-GLEN", "C16", BARKING]
    member = await path(client, ("PARTNERSHIP", "South London Partnership"), ("BOROUGH", MERTON))
    assert member["length"] == 1 and member["nodes"][0]["kind"] == "PARTNERSHIP"
    skill = await path(client, ("SKILL", "Agile delivery"), ("SERVICE_AREA", "Planning"))
    # Agile delivery - Barking - Fenland Portal - Planning
    assert [n["id"] for n in skill["nodes"]] == ["Agile delivery", BARKING, "SYS11", "Planning"]


async def test_connection_path_max_hops_no_path_and_same_entity(loaded, client):
    # Fenland - SYS11 - C16 - Glenholm is the only path of 3.
    assert await path(client, ("SUPPLIER", "SUP-FENL"), ("SUPPLIER", "SUP-GLEN"), hops=2) is None
    three = await path(client, ("SUPPLIER", "SUP-FENL"), ("SUPPLIER", "SUP-GLEN"), hops=3)
    assert [n["id"] for n in three["nodes"]] == ["SUP-FENL", "SYS11", "C16", "SUP-GLEN"]
    assert three["length"] == 3
    assert await path(client, ("SERVICE_AREA", "Libraries"), ("BOROUGH", MERTON), hops=10) is None  # no systems
    assert await path(client, ("SYSTEM", "SYS01"), ("SYSTEM", "SYS01")) == {
        "nodes": [{"id": "SYS01", "kind": "SYSTEM", "label": "Acme Revenues"}],
        "length": 0,
    }


async def test_connection_path_validates(loaded, client):
    variables = {"from": {"kind": "BOROUGH", "id": "SUP-ACME"}, "to": {"kind": "BOROUGH", "id": MERTON}}
    assert await error(client, PATH, variables) == 'Unknown BOROUGH id "SUP-ACME" in from.'
    variables = {"from": {"kind": "BOROUGH", "id": MERTON}, "to": {"kind": "CONTRACT", "id": "C99"}}
    assert await error(client, PATH, variables) == 'Unknown CONTRACT id "C99" in to.'
    for hops in (0, 11):
        variables = {"from": {"kind": "BOROUGH", "id": MERTON}, "to": {"kind": "BOROUGH", "id": SUTTON}, "hops": hops}
        assert await error(client, PATH, variables) == f'Argument "maxHops" must be between 1 and 10, got {hops}.'


async def test_every_analytic_is_one_statement(loaded, client):
    body = await gql(
        client,
        """{ sharedSystems(boroughCodes: ["E09000024", "E09000029"]) { system { id } boroughs { name } }
             jointProcurementOpportunities(asOf: "2027-01-31") { boroughs { name } contracts { id } }
             skillsExchange(skill: "Cloud migration") { mentor { name } sharedSystems { id } } }""",
    )
    assert "errors" not in body
    assert body["extensions"]["cypher"]["roundTrips"] == 3
