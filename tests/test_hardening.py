"""Requests that used to take the API down, sent through HTTP into the ASGI app against the real Neo4j: the
expensive documents of issue 8 are refused by their static cost, bad bodies get a 4xx with one line of
reason, oversized bodies a 413, and Neo4j being unreachable a 503 that clears by itself."""

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator

import httpx
import pytest
from graphql import GraphQLList, GraphQLNonNull, GraphQLObjectType, get_named_type, parse
from neo4j.exceptions import ServiceUnavailable

from citygraph.graph.database import Connection, Database
from citygraph.graph.embedded import free_port
from citygraph.graph.reference import seed
from citygraph.graph.settings import Settings
from citygraph.schema.app import create_app
from citygraph.schema.availability import is_outage
from citygraph.schema.cost import FAN_OUT, MAX_TOKENS, operation_cost
from citygraph.schema.http import GRAPHQL_RESPONSE_JSON
from citygraph.schema.schema import schema
from tests.test_schema_contract import _documented_operations

DEPTH_7 = "{ boroughs { systems { boroughs { systems { boroughs { systems { name } } } } } } }"
FRAGMENT_BOMB = "{ boroughs { ...F21 } }\nfragment F0 on Borough { name systems { name } }\n" + "\n".join(
    f"fragment F{i} on Borough {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, 22)
)
# What dashboards send (docs/performance-notes: Q1 and Q5 of the side-by-side measurement).
DASHBOARD = [
    "{ boroughs { name systems { name manufacturer { name } } } }",
    "{ boroughs { systems { boroughs { name } } } }",
    "{ boroughs { code name region partnerships { name } } }",
]


def cost(query: str, variables: dict | None = None) -> int:
    priced = operation_cost(schema._schema, parse(query), None, variables or {})
    assert priced is not None
    return priced.total


async def post(client: httpx.AsyncClient, body: object, accept: str = GRAPHQL_RESPONSE_JSON) -> httpx.Response:
    return await client.post("/graphql", json=body, headers={"accept": accept})


def assert_one_line_graphql_error(response: httpx.Response) -> str:
    payload = response.json()
    assert set(payload) <= {"errors", "data", "extensions"} and payload["errors"], payload
    message = payload["errors"][0]["message"]
    assert "\n" not in message and "Traceback" not in response.text and "Internal" not in response.text
    return message


# --- cost -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "path"),
    [(DEPTH_7, "boroughs.systems.boroughs.systems.boroughs.systems.name"), (FRAGMENT_BOMB, "boroughs.systems.name")],
    ids=["depth-7", "fragment-bomb"],
)
async def test_attack_queries_are_refused_with_cost_limit_and_path(db: Database, client: httpx.AsyncClient, query, path):
    await seed(db)
    response = await post(client, {"query": query})
    assert response.status_code == 400, response.text
    message = assert_one_line_graphql_error(response)
    priced = cost(query)
    assert f"Query cost {priced:,} exceeds the limit of 20,000 (CITYGRAPH_MAX_COST)" in message
    assert f"the most expensive path is {path}" in message
    extensions = response.json()["errors"][0]["extensions"]
    assert extensions["code"] == "QUERY_TOO_EXPENSIVE" and extensions["cost"] == priced and extensions["limit"] == 20_000
    # Nothing ran: no Cypher round trip.
    assert response.json()["extensions"]["cypher"]["roundTrips"] == 0


def test_the_fragment_bomb_costs_its_expanded_size():
    one_borough = 1 + 1 + 25 * 1  # name, systems × 25 × name
    assert cost(FRAGMENT_BOMB) == 1 + 33 * (2**21 * one_borough)
    assert cost(DEPTH_7) == 1 + 33 * (1 + 25 * (1 + 9 * (1 + 25 * (1 + 9 * (1 + 25 * 1)))))


@pytest.mark.parametrize(
    ("where", "operation"), _documented_operations(), ids=lambda v: v if "\n" not in v else ""
)
def test_every_documented_example_is_well_under_the_limit(where: str, operation: str):
    assert cost(operation) <= Settings().max_cost // 10, where


@pytest.mark.parametrize("query", DASHBOARD)
def test_dashboard_queries_are_under_the_limit(query: str):
    assert cost(query) <= Settings().max_cost // 2


def test_lists_multiply_by_first_and_limit_literal_or_variable():
    assert cost("{ suppliers(first: 10) { edges { node { name } } } }") == 1 + 1 + 10 * (1 + 1)
    assert cost("{ suppliers { edges { node { name } } } }") == 1 + 1 + 50 * (1 + 1)  # the default first
    variable = "query($n: Int) { suppliers(first: $n) { edges { node { name } } } }"
    assert cost(variable, {"n": 3}) == 1 + 1 + 3 * 2
    assert cost(variable, {"n": 10**9}) == 1 + 1 + 100 * 2  # clamped: the resolver refuses it with its own error
    network = '{ supplierNetwork(supplierId: "S", limit: 4) { nodes { id } edges { weight } } }'
    assert cost(network) == 1 + (1 + 4 * 1) + (1 + 4 * 15 * 1)


def test_every_list_field_has_a_fan_out_estimate():
    missing = []
    for type_name, graphql_type in schema._schema.type_map.items():
        if type_name.startswith("__") or not isinstance(graphql_type, GraphQLObjectType):
            continue
        for field_name, field in graphql_type.fields.items():
            inner = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
            is_object_list = isinstance(inner, GraphQLList) and isinstance(get_named_type(inner), GraphQLObjectType)
            connection_edges = type_name.endswith("Connection") and field_name == "edges"
            if is_object_list and not connection_edges and f"{type_name}.{field_name}" not in FAN_OUT:
                missing.append(f"{type_name}.{field_name}")
    assert missing == []


async def test_cost_is_in_extensions_when_tracing(db: Database, client: httpx.AsyncClient):
    await seed(db)
    body = (await post(client, {"query": DASHBOARD[2]})).json()
    assert "errors" not in body
    assert body["extensions"]["cost"] == {"estimated": cost(DASHBOARD[2]), "limit": 20_000, "path": "boroughs.partnerships.name"}
    fields = sum(4 + len(b["partnerships"]) for b in body["data"]["boroughs"])
    assert body["extensions"]["cost"]["estimated"] >= fields  # an estimate at or above what came back


async def test_max_cost_setting_is_honoured(db: Database, settings: Settings):
    await seed(db)
    strict = settings.model_copy(update={"max_cost": 10})
    app = create_app(strict, db=db)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://citygraph") as http:
        refused = (await post(http, {"query": "{ boroughs { name } }"}, "application/json")).json()
        assert "exceeds the limit of 10 " in refused["errors"][0]["message"] and refused["data"] is None
        allowed = (await post(http, {"query": '{ borough(code: "E09000024") { name } }'})).json()
        assert allowed["data"] == {"borough": {"name": "Merton"}}


async def test_too_many_tokens_is_a_request_error(client: httpx.AsyncClient):
    response = await post(client, {"query": "{ " + "__typename " * (MAX_TOKENS + 10) + "}"})
    assert response.status_code == 400
    assert f"Document contains more than {MAX_TOKENS} tokens" in assert_one_line_graphql_error(response)


# --- bodies ---------------------------------------------------------------------------------------------

BAD_BODIES = {
    "invalid UTF-8 in a string": (b'{"query": "{ borough(code: \\"\xc3\x28\\") { name } }"}', "not valid UTF-8"),
    "random bytes": (bytes(range(256)), "not valid UTF-8"),
    "not JSON": (b'{"query": "{ __typename }"', "not valid JSON"),
    "a JSON number": (b"42", "must be a JSON object with a `query`, not a number"),
    "a JSON string": (b'"{ __typename }"', "must be a JSON object with a `query`, not a string"),
    "JSON null": (b"null", "must be a JSON object with a `query`, not null"),
    "a batch": (b'[{"query": "{ __typename }"}, {"query": "{ __typename }"}]', "one operation per request"),
    "NaN": (b'{"query": "{ __typename }", "variables": {"x": NaN}}', "NaN is not a JSON value"),
    "nested too deeply": (b'{"query": "{ __typename }", "variables": {"x": ' + b"[" * 30_000 + b"]" * 30_000 + b"}}", "nested too deeply"),
    "lone surrogate": (b'{"query": "{ __typename }", "variables": {"x": "\\ud800"}}', "lone UTF-16 surrogate"),
    "operationName not a string": (b'{"query": "{ __typename }", "operationName": 5}', "`operationName` must be a string"),
    "variables not an object": (b'{"query": "{ __typename }", "variables": [1]}', "`variables` must be an object"),
}


@pytest.mark.parametrize("name", BAD_BODIES)
async def test_bad_bodies_are_400_with_a_one_line_reason(client: httpx.AsyncClient, name: str):
    body, reason = BAD_BODIES[name]
    response = await client.post("/graphql", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400, response.text
    assert reason in assert_one_line_graphql_error(response)


@pytest.mark.parametrize(
    ("query", "variables", "reason"),
    [
        ("query($c: ID!) { borough(code: $c) { name } }", {"c": {"a": 1}}, "ID cannot represent value"),
        ("query($n: Int) { suppliers(first: $n) { totalCount } }", {"n": "ten"}, "Int cannot represent non-integer"),
        ("query($n: Int) { suppliers(first: $n) { totalCount } }", {"n": 2**40}, "non 32-bit signed integer"),
        ("query($w: ContractWhere) { contracts(where: $w) { totalCount } }", {"w": {"endDateFrom": 5}}, "cannot represent a Date"),
        ("query($r: Region) { boroughs(region: $r) { name } }", {"r": ["INNER_LONDON"]}, "Enum 'Region' cannot represent"),
        ("query($c: [ID!]!) { sharedSystems(boroughCodes: $c) { boroughCount } }", {"c": [None]}, "not to be None"),
    ],
)
async def test_wrong_variable_types_are_variable_coercion_errors(client: httpx.AsyncClient, query, variables, reason):
    response = await post(client, {"query": query, "variables": variables})
    assert response.status_code == 400, response.text
    message = assert_one_line_graphql_error(response)
    assert message.startswith("Variable '$") and reason in message, message


async def test_body_over_the_limit_is_413_announced_or_streamed(db: Database, settings: Settings):
    small = settings.model_copy(update={"max_body_bytes": 2_048})
    app = create_app(small, db=db)
    big = json.dumps({"query": '{ borough(code: "' + "x" * 4_000 + '") { name } }'}).encode()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://citygraph") as http:
        announced = await http.post("/graphql", content=big, headers={"content-type": "application/json"})
        assert announced.status_code == 413
        assert "The request body is 4,0" in assert_one_line_graphql_error(announced)

        async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: chunked
            for start in range(0, len(big), 500):
                yield big[start : start + 500]

        streamed = await http.post("/graphql", content=chunks(), headers={"content-type": "application/json"})
        assert streamed.status_code == 413
        assert "the limit is 2,048 bytes (CITYGRAPH_MAX_BODY_BYTES)" in assert_one_line_graphql_error(streamed)

        long_get = await http.get("/graphql", params={"query": "{ " + "__typename " * 300 + "}"})
        assert long_get.status_code == 414
        assert "query string" in assert_one_line_graphql_error(long_get)

        fine = await http.post("/graphql", json={"query": "{ __typename }"})
        assert fine.status_code == 200 and fine.json()["data"] == {"__typename": "Query"}


# --- Neo4j down -----------------------------------------------------------------------------------------


class TcpProxy:
    """127.0.0.1:port → the test Neo4j; `stop()` closes the port and every connection through it, as a
    Neo4j that went away would."""

    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self.port = free_port()
        self.server: asyncio.Server | None = None
        self.writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)

    async def stop(self) -> None:
        assert self.server is not None
        self.server.close()
        for writer in list(self.writers):
            writer.close()
        await self.server.wait_closed()
        self.writers.clear()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream_reader, upstream_writer = await asyncio.open_connection(*self.target)
        self.writers |= {writer, upstream_writer}

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            with contextlib.suppress(ConnectionError, OSError):
                while data := await source.read(65_536):
                    sink.write(data)
                    await sink.drain()
            sink.close()

        await asyncio.gather(pipe(reader, upstream_writer), pipe(upstream_reader, writer))


async def assert_unavailable(http: httpx.AsyncClient) -> None:
    started = asyncio.get_running_loop().time()
    response = await post(http, {"query": "{ boroughs { name } }"}, "application/json")
    assert asyncio.get_running_loop().time() - started < 5  # refused at once, not after the driver's retries
    assert response.status_code == 503, response.text
    assert response.headers["retry-after"] == "5"
    assert "data" not in response.json()
    error = response.json()["errors"][0]
    assert error["message"].startswith("The database is unavailable; try again in 5 seconds (request id ")
    assert error["extensions"]["code"] == "DATABASE_UNAVAILABLE"
    assert "bolt://" not in response.text and "Traceback" not in response.text


async def test_neo4j_down_is_503_and_requests_recover_by_themselves(db: Database, settings: Settings):
    await seed(db)
    host, port = db.connection.uri.rsplit("//", 1)[1].rsplit(":", 1)
    proxy = TcpProxy(host, int(port))
    proxied = Database(Connection(f"bolt://127.0.0.1:{proxy.port}", db.connection.user, db.connection.password, "neo4j"))
    app = create_app(settings, db=proxied)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://citygraph", timeout=60) as http:
            await assert_unavailable(http)  # nothing listens on the port yet
            introspection = await post(http, {"query": "{ __schema { queryType { name } } }"})
            assert introspection.status_code == 200  # answered from memory, no database needed

            await proxy.start()
            await asyncio.sleep(1.1)  # the last failed ping is reused for half a second
            up = await post(http, {"query": "{ boroughs { name } }"})
            assert up.status_code == 200 and len(up.json()["data"]["boroughs"]) == 33  # same app, no restart

            await proxy.stop()
            await asyncio.sleep(1.1)  # past the second in which a good ping lets requests through unchecked
            await assert_unavailable(http)

            await proxy.start()
            await asyncio.sleep(1.1)
            again = await post(http, {"query": "{ boroughs { name } }"})
            assert again.status_code == 200 and len(again.json()["data"]["boroughs"]) == 33
    finally:
        with contextlib.suppress(AssertionError):
            await proxy.stop()
        await proxied.close()


def test_outage_errors_are_recognised_through_their_causes():
    try:
        try:
            raise ServiceUnavailable("Couldn't connect to 127.0.0.1:1")
        except ServiceUnavailable as cause:
            raise RuntimeError("resolver failed") from cause
    except RuntimeError as error:
        assert is_outage(error)
    assert not is_outage(ValueError("a bad argument"))
    assert not is_outage(None)
