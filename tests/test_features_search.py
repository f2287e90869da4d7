"""search over HTTP against real Neo4j, on tests/fixtures/features."""

from pathlib import Path

import httpx
import pytest

from citygraph.graph.database import Database
from citygraph.graph.importer import load_bundle
from tests.conftest import gql, gql_data

BUNDLE = Path(__file__).parent / "fixtures" / "features"
SEARCH = "query($t: String!, $k: [EntityKind!], $f: Int) { search(text: $t, kinds: $k, first: $f) { kind id label score } }"


@pytest.fixture
async def api(db: Database, client: httpx.AsyncClient) -> httpx.AsyncClient:
    await load_bundle(db, BUNDLE)
    await db.run_text("CALL db.awaitIndexes(60)")  # the full-text index is eventually consistent
    return client


async def hits(api: httpx.AsyncClient, text: str, kinds: list[str] | None = None, first: int | None = None) -> list[dict]:
    return (await gql_data(api, SEARCH, {"t": text, "k": kinds, "f": first}))["search"]


async def test_prefix_finds_idox_first(api: httpx.AsyncClient):
    found = await hits(api, "ido")
    assert found[0]["kind"] == "SUPPLIER" and found[0]["id"] == "sup-i" and found[0]["label"] == "Idox"
    assert found[0]["score"] > 0


async def test_typo_tolerant_and_ranked(api: httpx.AsyncClient):
    found = await hits(api, "Plannnig")  # a typo
    labels = [hit["label"] for hit in found]
    assert "Planning" in labels and "Acme Planning" in labels
    scores = [hit["score"] for hit in found]
    assert scores == sorted(scores, reverse=True)
    # An exact word ranks above a fuzzy near-miss: "Camden" exactly, not "Merton"-like typos.
    assert (await hits(api, "camden"))[0] == {"kind": "BOROUGH", "id": "E09000007", "label": "Camden",
                                               "score": (await hits(api, "camden"))[0]["score"]}


async def test_kinds_and_first(api: httpx.AsyncClient):
    planning = await hits(api, "planning", kinds=["SYSTEM"])
    assert {hit["id"] for hit in planning} == {"sys-plan", "sys-uni"} and {h["kind"] for h in planning} == {"SYSTEM"}
    assert len(await hits(api, "planning", first=1)) == 1
    contracts = await hits(api, "planning system", kinds=["CONTRACT"])
    assert [hit["id"] for hit in contracts][:2] in (["c4", "c1"], ["c1", "c4"]) and len(contracts) == 2
    codes = await hits(api, "E09000024", kinds=["BOROUGH"])
    assert codes[0]["label"] == "Merton"
    skill = await hits(api, "user res", kinds=["SKILL"])
    assert skill[0] == {"kind": "SKILL", "id": "User research", "label": "User research", "score": skill[0]["score"]}


@pytest.mark.parametrize(
    "text", ['acme AND', '"unterminated', "idox~~~^^", "title:acme", "a*? OR [1 TO 5]", "-idox", "ido)"]
)
async def test_lucene_syntax_in_user_text_is_never_an_error(api: httpx.AsyncClient, text: str):
    body = await gql(api, SEARCH, {"t": text})
    assert "errors" not in body, body
    assert isinstance(body["data"]["search"], list)


async def test_idox_with_syntax_around_it_still_finds_it(api: httpx.AsyncClient):
    assert (await hits(api, '"idox" AND (ido*'))[0]["id"] == "sup-i"


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"t": "  ?!  "}, 'Argument "text" must contain at least one word to search for'),
        ({"t": "((("}, 'Argument "text" must contain at least one word to search for'),
        ({"t": "NOT"}, 'Argument "text" must contain at least one word to search for'),
        ({"t": "\\"}, 'Argument "text" must contain at least one word to search for'),
        ({"t": "x" * 201}, 'Argument "text" must be at most 200 characters'),
        ({"t": "a b c d e f g h i"}, 'Argument "text" must have at most 8 words'),
        ({"t": "idox", "f": 0}, 'Argument "first" must be between 1 and 100, got 0.'),
        ({"t": "idox", "f": 101}, 'Argument "first" must be between 1 and 100, got 101.'),
        ({"t": "idox", "k": []}, 'Argument "kinds" must name at least one kind'),
    ],
)
async def test_bad_arguments_are_clear_errors(api: httpx.AsyncClient, variables: dict, message: str):
    body = await gql(api, SEARCH, variables)
    assert body["data"] is None
    assert body["errors"][0]["message"].startswith(message), body
