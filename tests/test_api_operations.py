"""What operators see of the API (issue 15), over HTTP into the app with the real driver: client mistakes
logged once at INFO without traceback or the query's bulk, unexpected errors once at ERROR with it, request ids
checked, /readyz's reason in the log only, and parser/validation caches bounded by entries and bytes."""

import logging
import re

import httpx
import pytest

from citygraph.graph.database import Connection, Database
from citygraph.graph.embedded import free_port
from citygraph.graph.settings import Settings
from citygraph.schema.app import create_app
from citygraph.schema.caches import (
    BYTES_PER_TOKEN,
    MAX_CACHED_QUERY_CHARS,
    PARSE_CACHE,
    VALIDATION_CACHE,
    BoundedCache,
)
from tests.conftest import gql


def _records(caplog: pytest.LogCaptureFixture, text: str) -> list[logging.LogRecord]:
    return [record for record in caplog.records if text in record.getMessage()]


@pytest.fixture
async def broken(neo4j_connection: Connection, settings: Settings):
    """An app whose driver is closed: every database call fails for real, as an unexpected error."""
    db = Database(neo4j_connection)
    await db.close()
    app = create_app(settings, db=db)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://citygraph") as http:
        yield http


async def test_a_bad_argument_is_logged_once_at_info_without_traceback(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
):
    caplog.set_level(logging.DEBUG)
    response = await client.post(
        "/graphql", json={"query": "{ contracts(first: -1) { totalCount } }"}, headers={"x-request-id": "fuzz-1"}
    )
    assert 'Argument "first" must be between 0 and 100' in response.json()["errors"][0]["message"]
    [record] = _records(caplog, 'Argument "first"')
    assert record.levelno == logging.INFO and record.exc_info is None
    assert "fuzz-1" in record.getMessage() and "contracts" in record.getMessage()
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


@pytest.mark.parametrize(
    "query",
    [
        "{ boroughs { name }",  # syntax
        "{ boroughs(region: MARS) { name } }",  # validation
        "{ " + "noSuchField" + "x" * 60_000 + " }",  # validation quoting 60 KB of the query (bodies stop at 64 KiB)
    ],
)
async def test_syntax_and_validation_errors_are_one_short_info_line(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture, query: str
):
    caplog.set_level(logging.DEBUG)
    body = await gql(client, query)
    assert body["errors"]
    client_errors = _records(caplog, "client error")
    assert len(client_errors) == len(body["errors"]) == 1
    assert client_errors[0].levelno == logging.INFO and client_errors[0].exc_info is None
    assert sum(len(r.getMessage()) for r in caplog.records) < 1_000  # never the query's bulk
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


async def test_an_unexpected_error_is_logged_once_at_error_with_its_traceback(
    broken: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
):
    response = await broken.post("/graphql", json={"query": "{ boroughs { name } }"}, headers={"x-request-id": "req-7"})
    assert response.json()["errors"][0]["message"] == "Internal error (request id req-7)"
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1
    assert "req-7" in errors[0].getMessage() and errors[0].exc_info is not None


@pytest.mark.parametrize(
    "given",
    ["x" * 65, "id with spaces", "../../etc/passwd", "a;b=c", "<script>alert(1)</script>", "ab\tcd", ""],
)
async def test_unsafe_request_ids_are_replaced(broken: httpx.AsyncClient, caplog: pytest.LogCaptureFixture, given: str):
    response = await broken.post("/graphql", json={"query": "{ boroughs { name } }"}, headers={"x-request-id": given})
    error = response.json()["errors"][0]
    request_id = error["extensions"]["requestId"]
    assert re.fullmatch(r"[0-9a-f]{16}", request_id)
    assert response.headers["x-request-id"] == request_id  # one rule: the id echoed is the id in the error
    assert error["message"] == f"Internal error (request id {request_id})"
    if given:
        assert given not in response.text
        assert not _records(caplog, given)
    assert _records(caplog, request_id)


async def test_a_safe_request_id_is_kept(broken: httpx.AsyncClient):
    given = "Abc.123_x-" + "y" * 54  # 64 characters of the allowed set
    response = await broken.post("/graphql", json={"query": "{ boroughs { name } }"}, headers={"x-request-id": given})
    assert response.json()["errors"][0]["extensions"]["requestId"] == given


async def test_readyz_tells_clients_only_unavailable_and_operators_why(
    settings: Settings, caplog: pytest.LogCaptureFixture
):
    port = free_port()  # nothing listens there
    db = Database(Connection(f"bolt://127.0.0.1:{port}", "neo4j", "not-the-password", "neo4j"))
    app = create_app(settings, db=db)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://citygraph") as http:
            first, second = await http.get("/readyz"), await http.get("/readyz")
    finally:
        await db.close()
    for response in (first, second):
        assert response.status_code == 503
        assert response.json() == {"status": "unavailable"}
        assert "bolt" not in response.text.lower()
    reasons = _records(caplog, f"Neo4j at bolt://127.0.0.1:{port} is not reachable")
    assert len(reasons) == 1 and reasons[0].levelno == logging.WARNING  # once, not at every probe


async def test_readyz_when_ready_shows_no_uri(client: httpx.AsyncClient):
    response = await client.get("/readyz")
    assert response.status_code == 200 and response.json() == {"status": "ready"}


# --- caches ------------------------------------------------------------------------------------------


async def test_a_document_over_the_size_limit_is_never_cached(db: Database, settings: Settings):
    # The cache's bound holds on its own, even where an operator allows bodies larger than it.
    roomy = settings.model_copy(update={"max_body_bytes": 4 * MAX_CACHED_QUERY_CHARS})
    query = "{ __typename }\n#" + "x" * MAX_CACHED_QUERY_CHARS
    parse_misses, validation_misses = PARSE_CACHE.misses, VALIDATION_CACHE.misses
    transport = httpx.ASGITransport(app=create_app(roomy, db=db))
    async with httpx.AsyncClient(transport=transport, base_url="http://citygraph") as client:
        for _ in range(2):
            assert (await gql(client, query))["data"] == {"__typename": "Query"}
    assert (PARSE_CACHE.misses, VALIDATION_CACHE.misses) == (parse_misses, validation_misses)  # not even looked up
    assert not [key for key in PARSE_CACHE.keys() if len(key[0]) > MAX_CACHED_QUERY_CHARS]
    assert not [key for key in VALIDATION_CACHE.keys() if len(key[1]) > MAX_CACHED_QUERY_CHARS]


async def test_a_dense_document_is_counted_by_its_tokens(client: httpx.AsyncClient):
    # 7 KB of text, but 600 tokens: the parsed document keeps about 0.4 MB alive.
    PARSE_CACHE.clear()
    query = "{ " + "__typename " * 600 + "}"
    assert (await gql(client, query))["data"] == {"__typename": "Query"}
    assert PARSE_CACHE.entries == 1
    assert PARSE_CACHE.bytes >= len(query) + 600 * BYTES_PER_TOKEN


def test_bounded_cache_evicts_by_entries_by_bytes_and_least_recently_used_first():
    cache = BoundedCache(max_entries=3, max_bytes=100)
    for key in "abc":
        cache.get_or_compute(key, lambda key=key: key.upper(), lambda value: 10)
    assert cache.get_or_compute("a", lambda: "recomputed", lambda value: 10) == "A" and cache.hits == 1
    cache.get_or_compute("d", lambda: "D", lambda value: 10)  # a 4th entry: the least recently used (b) goes
    assert set(cache.keys()) == {"a", "c", "d"} and cache.entries == 3
    cache.get_or_compute("e", lambda: "E", lambda value: 80)  # 80 more bytes: evicts until 100 fit
    assert cache.bytes <= 100 and "e" in cache.keys()
    cache.get_or_compute("huge", lambda: "H", lambda value: 101)  # larger than the whole budget: not kept
    assert "huge" not in cache.keys() and cache.bytes <= 100
    assert cache.misses == 6
