"""The entity API over HTTP against real Neo4j, on a hand-made bundle (tests/fixtures/entities): every
expected answer below is worked out by hand from those rows."""

from pathlib import Path

import httpx
import pytest

from citygraph.graph.database import Connection, Database
from citygraph.graph.importer import load_bundle
from citygraph.graph.settings import Settings
from citygraph.schema.app import create_app
from tests.conftest import gql
from tests.conftest import gql_data as data

BUNDLE = Path(__file__).parent / "fixtures" / "entities"


@pytest.fixture
async def api(db: Database, member: httpx.AsyncClient) -> httpx.AsyncClient:
    """Signed in as a member council: these tests read members-only facts (docs/signin.md)."""
    await load_bundle(db, BUNDLE)
    return member


async def test_borough_fields(api: httpx.AsyncClient):
    camden = (
        await data(
            api,
            """{ borough(code: "E09000007") {
                code name region partnerships { name }
                systems { id } suppliers { name }
                systemUses { system { name } since hosting satisfaction users borough { code } }
                skills { skill { name category } level borough { name } }
            } }""",
        )
    )["borough"]
    assert camden["code"] == "E09000007" and camden["name"] == "Camden" and camden["region"] == "INNER_LONDON"
    assert camden["partnerships"] == [{"name": "Central London Forward"}]
    assert [s["id"] for s in camden["systems"]] == ["sys-fin", "sys-plan"]  # Acme Ledger < Acme Planning
    # Resell Ltd only by contract; Acme Software both by contract and as a manufacturer, listed once.
    assert camden["suppliers"] == [{"name": "Acme Software"}, {"name": "Resell Ltd"}]
    assert camden["systemUses"] == [
        {"system": {"name": "Acme Ledger"}, "since": None, "hosting": "ON_PREMISES", "satisfaction": 2,
         "users": 300, "borough": {"code": "E09000007"}},
        {"system": {"name": "Acme Planning"}, "since": "2019-04-01", "hosting": "CLOUD", "satisfaction": 4,
         "users": 120, "borough": {"code": "E09000007"}},
    ]
    assert camden["skills"] == [
        {"skill": {"name": "Data engineering", "category": "Data"}, "level": 4, "borough": {"name": "Camden"}},
        {"skill": {"name": "User research", "category": "Design"}, "level": 3, "borough": {"name": "Camden"}},
    ]


async def test_boroughs_by_region_and_suppliers_of_a_borough_without_systems(api: httpx.AsyncClient):
    result = await data(api, "{ boroughs(region: INNER_LONDON) { name suppliers { id } systems { id } } }")
    assert result["boroughs"] == [
        {"name": "Camden", "suppliers": [{"id": "sup-a"}, {"id": "sup-r"}], "systems": [{"id": "sys-fin"}, {"id": "sys-plan"}]},
        {"name": "Lambeth", "suppliers": [{"id": "sup-r"}], "systems": []},
    ]
    merton = await data(api, '{ borough(code: "E09000024") { suppliers { name } systemUses { hosting satisfaction } } }')
    assert merton["borough"]["suppliers"] == [{"name": "Acme Software"}, {"name": "Bramble Digital"}]
    # An empty hosting cell is "unknown"; an empty satisfaction stays null.
    assert {"hosting": "UNKNOWN", "satisfaction": None} in merton["borough"]["systemUses"]


async def test_supplier_fields(api: httpx.AsyncClient):
    result = await data(
        api,
        """{ a: supplier(id: "sup-a") { id name sme companyNumber systems { name } boroughs { name }
                 contracts { totalCount edges { node { id } } } }
             r: supplier(id: "sup-r") { sme companyNumber systems { name } boroughs { name } }
             none: supplier(id: "nobody") { id } }""",
    )
    assert result["a"] == {
        "id": "sup-a",
        "name": "Acme Software",
        "sme": False,
        "companyNumber": "01234567",
        "systems": [{"name": "Acme Ledger"}, {"name": "Acme Planning"}],
        "boroughs": [{"name": "Camden"}, {"name": "Merton"}],
        "contracts": {"totalCount": 2, "edges": [{"node": {"id": "c1"}}, {"node": {"id": "c4"}}]},
    }
    # A reseller: supplies through contracts only, manufactures nothing.
    assert result["r"] == {"sme": False, "companyNumber": None, "systems": [], "boroughs": [{"name": "Camden"}, {"name": "Lambeth"}]}
    assert result["none"] is None


async def test_system_fields_and_average_satisfaction(api: httpx.AsyncClient):
    result = await data(
        api,
        """{ plan: system(id: "sys-plan") { name serviceArea { name kind } manufacturer { id }
                 uses { borough { name } } boroughs { code } averageSatisfaction }
             zeta: system(id: "sys-zeta") { boroughs { code } uses { users } averageSatisfaction }
             none: system(id: "nope") { id } }""",
    )
    assert result["plan"] == {
        "name": "Acme Planning",
        "serviceArea": {"name": "Planning", "kind": "FRONTLINE"},
        "manufacturer": {"id": "sup-a"},
        "uses": [{"borough": {"name": "Camden"}}, {"borough": {"name": "Merton"}}],
        "boroughs": [{"code": "E09000007"}, {"code": "E09000024"}],
        "averageSatisfaction": 4.0,  # Merton's use has no rating: the mean is of Camden's 4 alone
    }
    assert result["zeta"] == {"boroughs": [], "uses": [], "averageSatisfaction": None}
    assert result["none"] is None


async def test_contract_fields(api: httpx.AsyncClient):
    result = await data(
        api,
        """{ c1: contract(id: "c1") { id title borough { code } supplier { id } systems { id } valueGbp
                 startDate endDate maxExtensionDate source }
             c4: contract(id: "c4") { valueGbp endDate maxExtensionDate }
             c5: contract(id: "c5") { systems { id } }
             none: contract(id: "zzz") { id } }""",
    )
    assert result["c1"] == {
        "id": "c1",
        "title": "Planning system licence",
        "borough": {"code": "E09000007"},
        "supplier": {"id": "sup-a"},
        "systems": [{"id": "sys-plan"}],
        "valueGbp": 100000.0,
        "startDate": "2021-04-01",
        "endDate": "2026-03-31",
        "maxExtensionDate": "2027-03-31",
        "source": "survey-2026",
    }
    assert result["c4"] == {"valueGbp": None, "endDate": None, "maxExtensionDate": None}
    assert result["c5"] == {"systems": []}
    assert result["none"] is None


async def test_service_areas_skills_partnerships(api: httpx.AsyncClient):
    result = await data(
        api,
        """{ serviceAreas { name kind systems { name } }
             skills { name category ratings { borough { name } level skill { name } } }
             partnerships { name boroughs { name } } }""",
    )
    assert result["serviceAreas"] == [
        {"name": "Finance", "kind": "CORPORATE", "systems": [{"name": "Acme Ledger"}, {"name": "Zeta Archive"}]},
        {"name": "Planning", "kind": "FRONTLINE", "systems": [{"name": "Acme Planning"}, {"name": "Bramble Forms"}]},
    ]
    assert result["skills"] == [
        {
            "name": "Data engineering",
            "category": "Data",
            "ratings": [
                {"borough": {"name": "Camden"}, "level": 4, "skill": {"name": "Data engineering"}},
                {"borough": {"name": "Merton"}, "level": 2, "skill": {"name": "Data engineering"}},
            ],
        },
        {
            "name": "User research",
            "category": "Design",
            "ratings": [{"borough": {"name": "Camden"}, "level": 3, "skill": {"name": "User research"}}],
        },
    ]
    assert result["partnerships"] == [
        {"name": "Central London Forward", "boroughs": [{"name": "Camden"}, {"name": "Lambeth"}]},
        {"name": "South London Partnership", "boroughs": [{"name": "Merton"}]},
    ]


CONTRACT_PAGE = """query($first: Int, $after: String, $where: ContractWhere) {
  contracts(first: $first, after: $after, where: $where) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id } } } }"""


async def test_contracts_are_ordered_by_end_date_then_id_and_paginate(api: httpx.AsyncClient):
    ids: list[str] = []
    after = None
    pages = 0
    while True:
        page = (await data(api, CONTRACT_PAGE, {"first": 2, "after": after}))["contracts"]
        assert page["totalCount"] == 5
        ids += [edge["node"]["id"] for edge in page["edges"]]
        assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]
        pages += 1
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    # c4 has no end date: unknown sorts last.
    assert ids == ["c2", "c1", "c5", "c3", "c4"]
    assert pages == 3


async def test_contract_filters(api: httpx.AsyncClient):
    async def ids(where: dict) -> list[str]:
        page = (await data(api, CONTRACT_PAGE, {"where": where}))["contracts"]
        assert page["totalCount"] == len(page["edges"])
        return [edge["node"]["id"] for edge in page["edges"]]

    assert await ids({"endDateFrom": "2026-03-31", "endDateTo": "2026-06-30"}) == ["c1", "c5"]  # both ends inclusive
    assert await ids({"serviceArea": "Planning"}) == ["c1", "c3", "c4"]
    assert await ids({"systemId": "sys-fin"}) == ["c2"]
    assert await ids({"boroughCode": "E09000024"}) == ["c3", "c4"]
    assert await ids({"supplierId": "sup-r", "boroughCode": "E09000022"}) == ["c5"]
    assert await ids({"supplierId": "nobody"}) == []


async def test_nested_contract_connections_are_filtered_per_owner(api: httpx.AsyncClient):
    result = await data(
        api,
        """{ boroughs { code contracts(first: 1, where: {endDateFrom: "2026-01-01"}) {
               totalCount pageInfo { hasNextPage } edges { node { id } } } } }""",
    )
    by_code = {b["code"]: b["contracts"] for b in result["boroughs"]}
    assert by_code["E09000007"] == {"totalCount": 1, "pageInfo": {"hasNextPage": False}, "edges": [{"node": {"id": "c1"}}]}
    assert by_code["E09000024"] == {"totalCount": 1, "pageInfo": {"hasNextPage": False}, "edges": [{"node": {"id": "c3"}}]}
    assert by_code["E09000022"] == {"totalCount": 1, "pageInfo": {"hasNextPage": False}, "edges": [{"node": {"id": "c5"}}]}


async def test_supplier_and_system_connections(api: httpx.AsyncClient):
    result = await data(
        api,
        """{ sme: suppliers(where: {sme: true}) { totalCount edges { node { name } } }
             ac: suppliers(where: {nameContains: "AC"}) { edges { node { name } } }
             all: suppliers(first: 2) { totalCount pageInfo { hasNextPage } edges { node { id } } }
             planning: systems(where: {serviceArea: "Planning"}) { edges { node { name } } }
             bramble: systems(where: {manufacturerId: "sup-b"}) { totalCount edges { node { name } } }
             named: systems(where: {nameContains: "acme", serviceArea: "Finance"}) { edges { node { id } } } }""",
    )
    assert result["sme"] == {"totalCount": 1, "edges": [{"node": {"name": "Bramble Digital"}}]}
    assert result["ac"] == {"edges": [{"node": {"name": "Acme Software"}}]}
    assert result["all"] == {"totalCount": 3, "pageInfo": {"hasNextPage": True}, "edges": [{"node": {"id": "sup-a"}}, {"node": {"id": "sup-b"}}]}
    assert result["planning"] == {"edges": [{"node": {"name": "Acme Planning"}}, {"node": {"name": "Bramble Forms"}}]}
    assert result["bramble"] == {"totalCount": 2, "edges": [{"node": {"name": "Bramble Forms"}}, {"node": {"name": "Zeta Archive"}}]}
    assert result["named"] == {"edges": [{"node": {"id": "sys-fin"}}]}


async def test_total_count_is_only_computed_when_asked_for(api: httpx.AsyncClient, normal_path: httpx.AsyncClient):
    without = await gql(normal_path, "{ contracts { edges { node { id } } } }")
    with_count = await gql(normal_path, "{ contracts { totalCount edges { node { id } } } }")
    assert without["extensions"]["cypher"]["roundTrips"] == 1
    assert with_count["extensions"]["cypher"]["roundTrips"] == 2
    # The fast path counts in the same statement (docs/fastpath.md).
    assert (await gql(api, "{ contracts { totalCount edges { node { id } } } }"))["extensions"]["cypher"]["roundTrips"] == 1


async def test_nesting_costs_one_round_trip_per_level(api: httpx.AsyncClient, normal_path: httpx.AsyncClient):
    # One borough at the root: all 33 would cost more than CITYGRAPH_MAX_COST (docs/limits.md).
    query = '{ borough(code: "E09000007") { systems { manufacturer { systems { boroughs { name } } } } } }'
    body = await gql(normal_path, query)
    assert "errors" not in body
    assert body["extensions"]["cypher"]["roundTrips"] == 4  # a manufacturer comes with its system
    assert body["extensions"]["cypher"]["dbMs"] >= 0
    fast = await gql(api, query)  # the fast path: the whole selection in one statement
    assert fast["data"] == body["data"] and fast["extensions"]["cypher"]["roundTrips"] == 1


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("{ contracts(first: -1) { totalCount } }", 'Argument "first" must be between 0 and 100, got -1.'),
        ("{ suppliers(first: 101) { totalCount } }", 'Argument "first" must be between 0 and 100, got 101.'),
        ('{ systems(after: "bm90LWEtY3Vyc29y") { totalCount } }', 'Argument "after" is not a cursor this API issued'),
        ('{ contracts(after: "%%%") { totalCount } }', 'Argument "after" is not a cursor this API issued'),
        ('{ borough(code: "E09000007") { contracts(first: -5) { totalCount } } }', 'Argument "first" must be between'),
    ],
)
async def test_bad_arguments_are_errors_that_name_the_argument(api: httpx.AsyncClient, query: str, expected: str):
    body = await gql(api, query)
    assert expected in body["errors"][0]["message"]


async def test_unknown_enum_and_syntax_errors_stay_visible(api: httpx.AsyncClient):
    body = await gql(api, "{ boroughs(region: MARS) { name } }")
    assert "MARS" in body["errors"][0]["message"] and "Region" in body["errors"][0]["message"]
    body = await gql(api, "{ boroughs { name }")
    assert "Syntax Error" in body["errors"][0]["message"]


async def test_unexpected_failures_are_masked_with_a_request_id(
    neo4j_connection: Connection, settings: Settings, caplog: pytest.LogCaptureFixture
):
    # A real failure, not a mock: the driver is closed before the request arrives.
    broken = Database(neo4j_connection)
    await broken.close()
    app = create_app(settings, db=broken)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://citygraph") as http:
        response = await http.post("/graphql", json={"query": "{ boroughs { name } }"}, headers={"x-request-id": "req-42"})
    error = response.json()["errors"][0]
    assert error["message"] == "Internal error (request id req-42)"
    assert error["extensions"] == {"code": "INTERNAL", "requestId": "req-42"}
    assert any("req-42" in record.getMessage() and record.exc_info for record in caplog.records)


async def test_a_contract_with_two_suppliers_is_listed_once(api: httpx.AsyncClient, db: Database):
    # OCDS awards can name several suppliers; the contract still appears once, with the first by id.
    await db.run_text("MATCH (c:Contract {id: 'c5'}), (s:Supplier {id: 'sup-a'}) MERGE (c)-[:WITH]->(s)", write=True)
    page = (await data(api, "{ contracts { totalCount edges { node { id supplier { id } } } } }"))["contracts"]
    assert page["totalCount"] == 5
    assert [edge["node"]["id"] for edge in page["edges"]] == ["c2", "c1", "c5", "c3", "c4"]
    assert page["edges"][2]["node"]["supplier"] == {"id": "sup-a"}
    lambeth = await data(api, '{ borough(code: "E09000022") { contracts { totalCount } suppliers { id } } }')
    assert lambeth["borough"] == {"contracts": {"totalCount": 1}, "suppliers": [{"id": "sup-a"}, {"id": "sup-r"}]}


async def test_parser_and_validation_caches_hit(api: httpx.AsyncClient):
    # The caches live at module level; a miss on every request (a validation rule class rebuilt per
    # request changes the key) would double the cost of small queries.
    from citygraph.schema.caches import PARSE_CACHE, VALIDATION_CACHE

    query = '{ borough(code: "E09000007") { name cacheProbe: code } }'
    await data(api, query)
    parse_hits, validate_hits = PARSE_CACHE.hits, VALIDATION_CACHE.hits
    await data(api, query)
    assert PARSE_CACHE.hits == parse_hits + 1
    assert VALIDATION_CACHE.hits == validate_hits + 1
