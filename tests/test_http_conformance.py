"""GraphQL over HTTP (https://graphql.github.io/graphql-over-http/): the graphql-http audit suite against the
real service, plus the behaviours it leaves as MAY/SHOULD that CityGraph promises (see docs/http.md)."""

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from citygraph.graph.database import Connection
from citygraph.schema.http import GRAPHQL_RESPONSE_JSON, negotiate_media_type
from tests.live_server import live_server, run_node

GQL_JSON = GRAPHQL_RESPONSE_JSON


@pytest.fixture(scope="module")
def server(neo4j_connection: Connection, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with live_server(neo4j_connection, tmp_path_factory.mktemp("serve-home")) as base:
        yield base


def test_graphql_http_audits_all_pass(server: str) -> None:
    report = run_node("audit.mjs", f"{server}/graphql")
    results = report["results"]
    assert len(results) >= 50, f"graphql-http ran only {len(results)} audits"
    failing = [r for r in results if r["status"] != "ok"]
    print(f"graphql-http audits: {len(results) - len(failing)} of {len(results)} ok")
    assert not failing, f"{len(failing)} of {len(results)} graphql-http audits not ok:\n" + "\n".join(
        f"- {r['id']} [{r['status']}] {r['name']}: {r.get('reason')} {json.dumps(r.get('response'))}" for r in failing
    )


# --- the same promises, checked one by one over real HTTP ---------------------------------------------------


def post(server: str, body: object, accept: str | None = None, raw: bytes | None = None) -> httpx.Response:
    headers = {"content-type": "application/json"}
    if accept is not None:
        headers["accept"] = accept
    content = raw if raw is not None else json.dumps(body).encode()
    return httpx.post(f"{server}/graphql", content=content, headers=headers, timeout=10)


def test_media_type_follows_accept(server: str) -> None:
    for accept, expected in [
        (None, "application/json"),
        ("*/*", "application/json"),
        ("application/json", "application/json"),
        (GQL_JSON, GQL_JSON),
        (f"{GQL_JSON}, application/json;q=0.9", GQL_JSON),
        (f"application/json, {GQL_JSON};q=0.5", "application/json"),
    ]:
        response = post(server, {"query": "{ __typename }"}, accept)
        assert response.status_code == 200, (accept, response.text)
        assert response.headers["content-type"].startswith(expected), (accept, response.headers["content-type"])
        assert response.json() == {"data": {"__typename": "Query"}}


@pytest.mark.parametrize(
    "body",
    [
        {"query": "{ boroughs { name "},  # does not parse
        {"query": "{ noSuchField }"},  # does not validate
        {"query": "query($code: ID!) { borough(code: $code) { name } }", "variables": {"code": None}},  # bad variables
    ],
    ids=["parse", "validation", "variables"],
)
def test_request_errors_are_400_without_data_for_graphql_response_json(server: str, body: dict) -> None:
    response = post(server, body, GQL_JSON)
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith(GQL_JSON)
    payload = response.json()
    assert "data" not in payload and payload["errors"]

    legacy = post(server, body, "application/json")
    assert legacy.status_code == 200, legacy.text
    assert legacy.headers["content-type"].startswith("application/json")
    assert legacy.json()["data"] is None and legacy.json()["errors"]


def test_http_level_errors_are_graphql_shaped(server: str) -> None:
    for response in (
        post(server, None, GQL_JSON, raw=b"{not json"),
        post(server, {"notquery": "{ __typename }"}, GQL_JSON),
        post(server, {"query": "{ __typename }", "variables": "[]"}, GQL_JSON),
    ):
        assert response.status_code == 400, response.text
        assert response.headers["content-type"].startswith(GQL_JSON)
        assert response.json()["errors"][0]["message"]


def test_get_queries_work_and_get_mutations_are_405(server: str) -> None:
    ok = httpx.get(f"{server}/graphql", params={"query": "{ __typename }"}, headers={"accept": GQL_JSON}, timeout=10)
    assert ok.status_code == 200 and ok.json() == {"data": {"__typename": "Query"}}
    refused = httpx.get(
        f"{server}/graphql", params={"query": "mutation { __typename }"}, headers={"accept": GQL_JSON}, timeout=10
    )
    assert refused.status_code == 405, refused.text
    assert refused.headers["allow"] == "POST"
    assert "mutations" in refused.json()["errors"][0]["message"]


def test_other_methods_are_405(server: str) -> None:
    assert httpx.put(f"{server}/graphql", json={"query": "{ __typename }"}, timeout=10).status_code == 405


def test_negotiate_media_type_unit() -> None:
    assert negotiate_media_type(None) == "application/json"
    assert negotiate_media_type("") == "application/json"
    assert negotiate_media_type("text/html") == "application/json"
    assert negotiate_media_type(f"{GQL_JSON};q=0") == "application/json"
    assert negotiate_media_type(f"application/json;q=0.5, {GQL_JSON}") == GQL_JSON
    assert negotiate_media_type(f"{GQL_JSON};q=0.2, */*;q=0.8") == "application/json"


def test_package_lock_is_committed_with_package_json() -> None:
    web = Path(__file__).resolve().parents[1] / "web"
    lock = json.loads((web / "package-lock.json").read_text())
    wanted = json.loads((web / "package.json").read_text())["devDependencies"]
    locked = lock["packages"][""]["devDependencies"]
    assert locked == wanted, "web/package-lock.json is stale: run `npm install` in web/ and commit the lock"
