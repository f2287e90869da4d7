"""/metrics over HTTP against real Neo4j, parsed with prometheus_client's own parser; X-Request-ID."""

import re

import httpx
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import gql


async def scrape(client: httpx.AsyncClient) -> dict[tuple[str, tuple], float]:
    response = await client.get("/metrics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


async def test_operations_errors_and_neo4j_time_are_counted(normal_path: httpx.AsyncClient):
    # Statements are counted by name; the fast path runs one "projection" instead (docs/fastpath.md).
    client = normal_path
    before = await scrape(client)
    for _ in range(2):
        await gql(client, "query BoroughNames { boroughs { name } }")
    await gql(client, "query Broken { nope }")
    await gql(client, '{ search(text: "??") { id } }')
    after = await scrape(client)
    ok = {"operation": "BoroughNames", "outcome": "ok"}
    assert value(after, "citygraph_graphql_operations_total", **ok) - value(before, "citygraph_graphql_operations_total", **ok) == 2
    broken = {"operation": "Broken", "outcome": "error"}
    assert value(after, "citygraph_graphql_operations_total", **broken) - value(before, "citygraph_graphql_operations_total", **broken) == 1
    assert value(after, "citygraph_graphql_errors_total", operation="anonymous") - value(
        before, "citygraph_graphql_errors_total", operation="anonymous") == 1
    count = "citygraph_graphql_operation_duration_seconds_count"
    assert value(after, count, operation="BoroughNames") - value(before, count, operation="BoroughNames") == 2
    assert value(after, "citygraph_neo4j_queries_total", query="boroughs") - value(
        before, "citygraph_neo4j_queries_total", query="boroughs") == 2
    assert value(after, "citygraph_neo4j_query_duration_seconds_count", query="boroughs") >= 2
    assert ("citygraph_neo4j_server_seconds_total", (("query", "boroughs"),)) in after
    http = {"method": "POST", "route": "/graphql", "status": "200"}
    assert value(after, "citygraph_http_requests_total", **http) - value(before, "citygraph_http_requests_total", **http) >= 3
    assert value(after, "citygraph_http_request_duration_seconds_count", method="GET", route="/metrics") >= 1


async def test_client_operation_names_cannot_grow_the_label_set(client: httpx.AsyncClient):
    await client.post("/graphql", json={"query": "query Q { skills { name } }", "operationName": "Q"})
    long_name = "A" * 70
    await gql(client, f"query {long_name} {{ skills {{ name }} }}")
    samples = await scrape(client)
    labels = {dict(key[1]).get("operation") for key in samples if key[0] == "citygraph_graphql_operations_total"}
    assert "Q" in labels and long_name not in labels and "other" in labels


async def test_request_id_on_every_response(client: httpx.AsyncClient):
    for method, url in [("GET", "/healthz"), ("GET", "/metrics"), ("GET", "/nowhere"), ("POST", "/graphql")]:
        response = await client.request(method, url, json={"query": "{ skills { name } }"} if method == "POST" else None)
        assert re.fullmatch(r"[0-9a-f]{16}", response.headers["x-request-id"]), (url, response.headers)
        echoed = await client.request(method, url, headers={"X-Request-ID": "trace-42"},
                                      json={"query": "{ skills { name } }"} if method == "POST" else None)
        assert echoed.headers["x-request-id"] == "trace-42"
    unsafe = await client.get("/healthz", headers={"X-Request-ID": "x" * 200})
    assert re.fullmatch(r"[0-9a-f]{16}", unsafe.headers["x-request-id"])


async def test_unsafe_printable_request_ids_are_replaced_too(client: httpx.AsyncClient):
    """One rule for request ids (logs.safe_request_id): printable but unsafe in logs (`;`, `=`) is replaced."""
    response = await client.post("/graphql", json={"query": "{ nope }"}, headers={"X-Request-ID": "a;b=c"})
    echoed = response.headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{16}", echoed)
    safe = await client.post(
        "/graphql", json={"query": '{ collaborationPartners(boroughCode: "E09000001", limit: 0) { score } }'},
        headers={"X-Request-ID": "trace-43"},
    )
    assert safe.headers["x-request-id"] == "trace-43"


async def test_cache_hits_and_misses_are_counted(client: httpx.AsyncClient):
    query = "query CacheProbe { skills { name } }"
    before = await scrape(client)
    for _ in range(3):
        await gql(client, query)
    after = await scrape(client)
    for cache in ("parse", "validation"):
        hits = value(after, "citygraph_cache_hits_total", cache=cache) - value(before, "citygraph_cache_hits_total", cache=cache)
        misses = value(after, "citygraph_cache_misses_total", cache=cache) - value(
            before, "citygraph_cache_misses_total", cache=cache)
        assert (hits, misses) in ((2, 1), (3, 0)), (cache, hits, misses)  # (3, 0): an earlier test asked it
        assert value(after, "citygraph_cache_entries", cache=cache) >= 1
        assert value(after, "citygraph_cache_bytes", cache=cache) > 0
