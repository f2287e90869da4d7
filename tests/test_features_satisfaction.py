"""satisfactionBySupplierCount over HTTP against real Neo4j (tests/fixtures/features, worked out by hand), and
the correlation formulas against published values."""

import math
from pathlib import Path

import httpx
import pytest

from citygraph.graph.correlation import pearson, ranks, spearman
from citygraph.graph.database import Database
from citygraph.graph.importer import load_bundle
from tests.conftest import gql, gql_data

BUNDLE = Path(__file__).parent / "fixtures" / "features"
QUERY = """query($codes: [ID!]) { satisfactionBySupplierCount(boroughCodes: $codes) {
  boroughCount pearson spearman boroughs { borough { name } supplierCount averageSatisfaction ratedUses } } }"""


@pytest.fixture
async def api(db: Database, member: httpx.AsyncClient) -> httpx.AsyncClient:
    """Signed in as a member council: these tests read members-only facts (docs/signin.md)."""
    await load_bundle(db, BUNDLE)
    return member


async def test_per_borough_figures_and_correlations(api: httpx.AsyncClient):
    result = (await gql_data(api, QUERY))["satisfactionBySupplierCount"]
    # Camden: sup-a, sup-r; ratings 4, 2. Lambeth: sup-r, sup-i, sup-b; 3, 1. Merton: sup-a, sup-b, sup-c; 5 (one unrated).
    assert result["boroughs"] == [
        {"borough": {"name": "Camden"}, "supplierCount": 2, "averageSatisfaction": 3.0, "ratedUses": 2},
        {"borough": {"name": "Lambeth"}, "supplierCount": 3, "averageSatisfaction": 2.0, "ratedUses": 2},
        {"borough": {"name": "Merton"}, "supplierCount": 3, "averageSatisfaction": 5.0, "ratedUses": 1},
    ]
    assert result["boroughCount"] == 3
    assert result["pearson"] == pytest.approx(1 / math.sqrt(28))  # x = 2, 3, 3; y = 3, 2, 5
    assert result["spearman"] == pytest.approx(0.0)  # ranks x = 1, 2.5, 2.5; y = 2, 1, 3
    two = (await gql_data(api, QUERY, {"codes": ["E09000007", "E09000024", "E09000007"]}))["satisfactionBySupplierCount"]
    assert [b["borough"]["name"] for b in two["boroughs"]] == ["Camden", "Merton"]
    assert two["pearson"] == pytest.approx(1.0) and two["spearman"] == pytest.approx(1.0)
    one = (await gql_data(api, QUERY, {"codes": ["E09000007"]}))["satisfactionBySupplierCount"]
    assert one["boroughCount"] == 1 and one["pearson"] is None and one["spearman"] is None


async def test_unknown_or_no_codes_are_clear_errors(api: httpx.AsyncClient):
    body = await gql(api, QUERY, {"codes": ["E09000007", "E09999999"]})
    # Nullable since it is members only (docs/signin.md): the error nulls the field, not the whole response.
    assert body["data"] == {"satisfactionBySupplierCount": None} and body["errors"][0]["message"] == 'Unknown borough code "E09999999" in boroughCodes.'
    body = await gql(api, QUERY, {"codes": []})
    assert body["errors"][0]["message"] == 'Argument "boroughCodes" must name 1 to 500 boroughs, got 0.'


def test_formulas_against_published_values():
    # scipy.stats.pearsonr and spearmanr documentation examples.
    assert pearson([1, 2, 3, 4, 5, 6, 7], [10, 9, 2.5, 6, 4, 3, 2]) == pytest.approx(-0.828503883588428)
    assert spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]) == pytest.approx(0.8207826816681233)
    assert ranks([10, 20, 20, 5]) == [2.0, 3.5, 3.5, 1.0]
    assert pearson([1, 2, 3], [2, 2, 2]) is None and pearson([1], [1]) is None
    assert pearson([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)
