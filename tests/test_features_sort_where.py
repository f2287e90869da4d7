"""sort, v7-style where and aggregate over HTTP against real Neo4j, on tests/fixtures/features (answers worked
out by hand from its contracts.csv: c1..c5 and c8..c10, all awarded by a council)."""

from pathlib import Path

import httpx
import pytest

from citygraph.graph.database import Database
from citygraph.graph.importer import load_bundle
from tests.conftest import gql, gql_data

BUNDLE = Path(__file__).parent / "fixtures" / "features"
CONTRACTS = """query($w: ContractWhere, $s: [ContractSort!], $f: Int) {
  contracts(where: $w, sort: $s, first: $f) { totalCount edges { node { id } } } }"""


@pytest.fixture
async def api(db: Database, client: httpx.AsyncClient) -> httpx.AsyncClient:
    await load_bundle(db, BUNDLE)
    return client


async def ids(api: httpx.AsyncClient, where: dict | None = None, sort: list | None = None, first: int = 50) -> list[str]:
    result = (await gql_data(api, CONTRACTS, {"w": where, "s": sort, "f": first}))["contracts"]
    found = [edge["node"]["id"] for edge in result["edges"]]
    assert result["totalCount"] >= len(found)
    return found


async def test_default_order_unchanged_and_sort_by_value(api: httpx.AsyncClient):
    # endDate (unknown last), then id
    assert await ids(api) == ["c2", "c1", "c5", "c10", "c8", "c3", "c9", "c4"]
    # valueGbp DESC: Neo4j puts unknown (c4) first in descending order; ties fall back to endDate, id.
    assert await ids(api, sort=[{"valueGbp": "DESC"}]) == ["c4", "c1", "c8", "c2", "c10", "c3", "c9", "c5"]
    assert await ids(api, sort=[{"valueGbp": "ASC"}], first=3) == ["c5", "c9", "c3"]
    assert await ids(api, sort=[{"title": "ASC"}]) == ["c10", "c8", "c9", "c5", "c3", "c2", "c4", "c1"]
    # two keys: endDate DESC then title
    assert (await ids(api, sort=[{"endDate": "DESC"}, {"title": "ASC"}]))[:4] == ["c4", "c9", "c3", "c10"]


async def test_ranges_in_and_boolean_operators(api: httpx.AsyncClient):
    assert await ids(api, {"valueGbp": {"gte": 30000, "lt": 100000}}) == ["c2", "c10", "c8"]
    assert await ids(api, {"id": {"in": ["c9", "c1", "nope"]}}) == ["c1", "c9"]
    assert await ids(api, {"endDate": {"gt": "2026-12-31"}}) == ["c3", "c9"]
    assert await ids(api, {"OR": [{"boroughCode": "E09000022"}, {"supplierId": "sup-c"}]}) == ["c5", "c10", "c8", "c9"]
    assert await ids(api, {"NOT": {"valueGbp": {"gt": 10000}}}) == ["c5", "c9"]  # unknown c4 never matches
    assert await ids(
        api, {"boroughCode": "E09000024", "AND": [{"endDate": {"gte": "2026-01-01"}}, {"NOT": {"title": {"startsWith": "-"}}}]}
    ) == ["c3"]
    assert await ids(api, {"title": {"contains": "ystem"}, "source": {"eq": "survey-2026"}}) == ["c1", "c4"]
    assert await ids(api, {"OR": []}) == []
    # Today's fields keep working, alone and beside the new ones.
    assert await ids(api, {"endDateFrom": "2026-06-30", "endDateTo": "2026-12-31", "maxExtensionDate": {"gte": "2028-01-01"}}) == ["c8"]


async def test_aggregate_and_counts_in_the_database(api: httpx.AsyncClient):
    result = await gql_data(
        api,
        """{ all: contracts(first: 1) { aggregate { count sumValueGbp minEndDate maxEndDate } totalCount }
             merton: borough(code: "E09000024") { contracts(where: {valueGbp: {gt: 0}}, sort: [{valueGbp: DESC}], first: 1) {
               aggregate { count sumValueGbp minEndDate maxEndDate } edges { node { id } } } }
             acme: supplier(id: "sup-a") { contracts { aggregate { count sumValueGbp minEndDate maxEndDate } } }
             none: contracts(where: {id: {eq: "nope"}}) { aggregate { count sumValueGbp minEndDate maxEndDate } }
             suppliers(where: {OR: [{sme: true}, {name: {startsWith: "Id"}}]}, sort: [{name: DESC}]) {
               aggregate { count } edges { node { name } } }
             systems(where: {name: {in: ["Acme Ledger", "Zeta Archive"]}}, sort: [{id: DESC}]) {
               aggregate { count } edges { node { id } } } }""",
    )
    assert result["all"] == {
        "aggregate": {"count": 8, "sumValueGbp": 285000.5, "minEndDate": "2025-12-31", "maxEndDate": "2027-06-30"},
        "totalCount": 8,
    }
    assert result["merton"]["contracts"] == {
        "aggregate": {"count": 2, "sumValueGbp": 50000.0, "minEndDate": "2026-12-31", "maxEndDate": "2027-04-30"},
        "edges": [{"node": {"id": "c10"}}],
    }
    assert result["acme"]["contracts"]["aggregate"] == {
        "count": 2, "sumValueGbp": 100000.0, "minEndDate": "2026-03-31", "maxEndDate": "2026-03-31"
    }
    assert result["none"]["aggregate"] == {"count": 0, "sumValueGbp": 0.0, "minEndDate": None, "maxEndDate": None}
    assert result["suppliers"] == {
        "aggregate": {"count": 2}, "edges": [{"node": {"name": "Idox"}}, {"node": {"name": "Bramble Digital"}}]
    }
    assert result["systems"] == {"aggregate": {"count": 2}, "edges": [{"node": {"id": "sys-zeta"}}, {"node": {"id": "sys-fin"}}]}


async def test_owned_connections_batch_with_sort_and_filter(api: httpx.AsyncClient, normal_path: httpx.AsyncClient):
    query = """{ boroughs { code contracts(sort: [{title: DESC}], where: {OR: [{valueGbp: {lt: 60000}}, {title: {endsWith: "licence"}}]}) {
               totalCount edges { node { id } } } } }"""
    for client, round_trips in ((normal_path, 3), (api, 1)):  # boroughs, one page, one count; the fast path: one
        body = await gql(client, query)
        by_code = {b["code"]: [e["node"]["id"] for e in b["contracts"]["edges"]] for b in body["data"]["boroughs"]}
        assert by_code == {"E09000007": ["c1", "c2"], "E09000022": ["c5", "c9"], "E09000024": ["c3", "c10"]}
        assert body["extensions"]["cypher"]["roundTrips"] == round_trips


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ('{ contracts(sort: [{title: ASC, id: DESC}]) { totalCount } }', 'Argument "sort": item 1 names 2 fields'),
        ('{ contracts(sort: [{}]) { totalCount } }', 'Argument "sort": item 1 names 0 fields'),
        ('{ contracts(sort: [{id: ASC}, {id: ASC}, {id: ASC}, {id: ASC}, {id: ASC}, {id: ASC}]) { totalCount } }',
         'Argument "sort" takes at most 5 items, got 6.'),
        ("{ contracts(where: {OR: [%s]}) { totalCount } }" % ", ".join(['{id: {eq: "x"}}'] * 51),
         'Argument "where" has more than 50 conditions'),
        ("{ contracts(where: {id: {in: [%s]}}) { totalCount } }" % ", ".join(['"x"'] * 501),
         'Argument "where": id.in takes at most 500 values, got 501.'),
    ],
)
async def test_bad_sort_and_where_are_clear_errors(api: httpx.AsyncClient, query: str, message: str):
    body = await gql(api, query)
    assert body["data"] is None and body["errors"][0]["message"].startswith(message), body


async def test_user_text_is_a_parameter_never_cypher(api: httpx.AsyncClient):
    injected = "x' OR 1=1 //"
    assert await ids(api, {"title": {"eq": injected}}) == []
    assert await ids(api, {"title": {"contains": "\" }) RETURN 1 //"}}) == []
