"""The fast path (citygraph/schema/fastpath.py) against the normal strawberry path on the London demo: the same
bytes for every query of a corpus, each translatable query answered by the fast path in one statement, and
everything it does not know left to the normal path."""

import inspect
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from prometheus_client import REGISTRY

from citygraph.auth.keys import create_key
from citygraph.auth.principal import Role
from citygraph.graph import demo
from citygraph.graph.database import Database
from citygraph.graph.settings import Settings
from citygraph.resolvers.pagination import encode_cursor
from citygraph.schema.app import create_app
from citygraph.schema.fastpath_records import LOADED
from citygraph.schema.schema import schema

EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples"
CAMDEN = "E09000007"

Q1 = "{ boroughs { name systems { name manufacturer { name } } } }"
Q2 = "query Q2($code: ID!) { borough(code: $code) { name systems { name manufacturer { name } } } }"
Q3 = """query Q3($code: ID!, $from: Date, $to: Date) { borough(code: $code) {
  contracts(where: {endDateFrom: $from, endDateTo: $to}, first: 10) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id title endDate valueGbp supplier { name } } } } } }"""
Q4 = '{ suppliers(where: {nameContains: "Solutions"}) { edges { node { name systems { name } } } } }'
Q5 = "{ boroughs { systems { boroughs { name } } } }"


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def paths(session_db: Database, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[dict[str, httpx.AsyncClient]]:
    """The same app twice over the London demo: with the fast path, and with it switched off."""
    await session_db.write("clear_graph")
    await demo.generate_and_load(session_db, tmp_path_factory.mktemp("demo"), scale="london", seed=demo.DEFAULT_SEED)
    clients = {}
    for name, on in (("fast", True), ("normal", False)):
        settings = Settings(CITYGRAPH_HOME=tmp_path_factory.mktemp("home"), CITYGRAPH_MAX_COST=100_000, CITYGRAPH_FASTPATH=on)
        app = create_app(settings, db=session_db)
        clients[name] = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://citygraph")
    yield clients
    for client in clients.values():
        await client.aclose()
    await session_db.write("clear_graph")


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def ids(paths: dict[str, httpx.AsyncClient]) -> dict[str, str]:
    """A few ids of the demo to ask about."""
    body = (await paths["normal"].post("/graphql", json={"query": """{
        contracts(first: 1, where: {valueGbp: {gt: 0}}) { edges { node { id supplier { id } systems { id } } } } }"""})).json()
    node = body["data"]["contracts"]["edges"][0]["node"]
    return {"contract": node["id"], "supplier": node["supplier"]["id"], "system": node["systems"][0]["id"]}


def answered() -> float:
    return REGISTRY.get_sample_value("citygraph_fastpath_operations_total", {"outcome": "answered"}) or 0.0


async def both(
    paths: dict[str, httpx.AsyncClient], query: str, variables: dict | None = None, headers: dict | None = None
) -> tuple[httpx.Response, bool]:
    """Asks both paths; asserts the bodies are byte for byte the same; says whether the fast path answered."""
    payload = {"query": query, "variables": variables or {}}
    normal = await paths["normal"].post("/graphql", json=payload, headers=headers)
    before = answered()
    fast = await paths["fast"].post("/graphql", json=payload, headers=headers)
    took_fast_path = answered() == before + 1
    assert fast.status_code == normal.status_code
    assert fast.content == normal.content, (query, fast.text[:2000], normal.text[:2000])
    return fast, took_fast_path


def corpus(ids: dict[str, str]) -> list[tuple[str, dict]]:
    cursor = encode_cursor(9)
    return [
        (Q1, {}),
        (Q2, {"code": CAMDEN}),
        (Q3, {"code": CAMDEN, "from": "2026-01-01", "to": "2028-12-31"}),
        (Q3, {"code": CAMDEN, "from": None, "to": None}),
        (Q4, {}),
        (Q5, {}),
        ((EXAMPLES / "boroughs-and-partnerships.graphql").read_text(), {}),
        # aliases, the same field twice with different arguments, merged selections of one key
        ("{ a: boroughs(region: INNER_LONDON) { n: name code } b: boroughs(region: OUTER_LONDON) { code } }", {}),
        ("{ boroughs { code } boroughs { name systems { id } } }", {}),
        # fragments and inline fragments, nested
        (
            "query { boroughs { ...B } } fragment B on Borough { name ... on Borough { region } systems { ...S } }"
            " fragment S on System { id name serviceArea { name kind } }",
            {},
        ),
        # __typename at every level, connections included
        (
            "{ __typename boroughs { __typename code } suppliers(first: 3) { __typename totalCount"
            " pageInfo { __typename hasNextPage endCursor } edges { __typename cursor node { __typename id } } } }",
            {},
        ),
        # @include / @skip with variables
        ("query($a: Boolean!, $b: Boolean!) { boroughs { code name @include(if: $a) region @skip(if: $b) } }", {"a": True, "b": True}),
        ("query($a: Boolean!, $b: Boolean!) { boroughs { code name @include(if: $a) region @skip(if: $b) } }", {"a": False, "b": False}),
        # where as a variable, v7 operators, sort, pagination
        (
            "query($w: SupplierWhere) { suppliers(where: $w, first: 5) { totalCount"
            " edges { cursor node { id name sme companyNumber } } pageInfo { hasNextPage endCursor } } }",
            {"w": {"name": {"startsWith": "A"}}},
        ),
        (
            "{ contracts(sort: [{valueGbp: DESC}], first: 20) { totalCount edges { node { id title valueGbp startDate"
            " endDate maxExtensionDate source borough { code } supplier { id } systems { id } } } } }",
            {},
        ),
        ("query($after: String) { systems(first: 10, after: $after) { pageInfo { hasNextPage endCursor } edges { cursor node { id name } } } }", {"after": cursor}),
        (
            '{ contracts(first: 30, where: {OR: [{valueGbp: {lt: 100000}}, {title: {contains: "licence"}}],'
            ' NOT: {endDate: {lt: "2026-01-01"}}}) { totalCount edges { node { id } } } }',
            {},
        ),
        ('{ systems(where: {nameContains: "a", name: {endsWith: "e"}}, sort: [{name: DESC}]) { totalCount edges { node { name } } } }', {}),
        ("query($code: ID) { contracts(where: {boroughCode: $code, endDateFrom: \"2026-06-01\"}, first: 15) { totalCount edges { node { id endDate } } } }", {"code": CAMDEN}),
        ("query($s: ID) { contracts(where: {supplierId: $s}) { totalCount edges { node { id supplier { id } } } } }", {"s": ids["supplier"]}),
        ("{ boroughs { code contracts(sort: [{title: DESC}], where: {valueGbp: {gte: 50000}}, first: 3) { totalCount edges { node { title } } } } }", {}),
        # every entity field, by id
        (
            "query($id: ID!) { supplier(id: $id) { id name sme companyNumber boroughs { code } systems { name }"
            " contracts(first: 5) { totalCount edges { node { id borough { name } } } } } }",
            {"id": ids["supplier"]},
        ),
        ("query($code: ID!) { borough(code: $code) { suppliers { id name sme } partnerships { name boroughs { code } } } }", {"code": CAMDEN}),
        (
            "query($id: ID!) { contract(id: $id) { id title valueGbp startDate endDate maxExtensionDate source"
            " borough { code name } supplier { name } systems { name } } }",
            {"id": ids["contract"]},
        ),
        ("query($id: ID!) { system(id: $id) { id name serviceArea { name kind } manufacturer { id name } boroughs { code } } }", {"id": ids["system"]}),
        ("{ serviceAreas { name kind systems { id manufacturer { name } } } skills { name category } partnerships { name } }", {}),
        # nulls and empty answers
        ('{ borough(code: "NOPE") { name } supplier(id: "nope") { name } system(id: "x") { id } contract(id: "x") { id } }', {}),
        ('{ suppliers(where: {nameContains: "zzzz-no-such"}) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } }', {}),
        ("{ systems(first: 0) { totalCount pageInfo { hasNextPage endCursor } edges { cursor } } }", {}),
        ("{ boroughs(region: OTHER) { code } }", {}),
    ]


# What the fast path leaves to the normal path: analytics, members-only fields, aggregate, introspection,
# connections in connections, arguments the normal path refuses, unknown variables' values.
DECLINED: list[tuple[str, dict]] = [
    ((EXAMPLES / "borough-systems.graphql").read_text(), {"code": CAMDEN}),
    ("{ boroughs { code systemUses { satisfaction } } }", {}),
    ("{ boroughs { code skills { level } } }", {}),
    ("{ systems(first: 3) { edges { node { averageSatisfaction } } } }", {}),
    ("{ systems(first: 3) { aggregate { count } } }", {}),
    ("{ __schema { queryType { name } } }", {}),
    ("{ suppliers(first: 2) { edges { node { contracts(first: 2) { totalCount } } } } }", {}),
    ("{ systems(first: 100000) { totalCount } }", {}),
    ('{ systems(after: "not-a-cursor") { totalCount } }', {}),
    ("query($code: ID!) { borough(code: $code) { name } }", {"code": None}),
    ("{ __typename }", {}),
    ("query { boroughs { code } } mutation { x }", {}),
]

# The analytics (schema/fastpath_records.py): the same resolver, its records shaped without graphql-core.
AS_OF = demo.ANCHOR.isoformat()
THREE = ["E09000007", "E09000019", "E09000012"]
CONTRACT_FIELDS = (
    "id title valueGbp startDate endDate maxExtensionDate source reference description department annualValueGbp"
    " reviewDate extensionOptions cpvCodes proclass"
)
ANALYTICS: list[tuple[str, dict]] = [
    ((EXAMPLES / "joint-procurement.graphql").read_text(), {"asOf": AS_OF}),  # contracts' borough and supplier: loaded
    (
        "query($c: [ID!]!) { sharedSystems(boroughCodes: $c) { system { boroughs { code } } }"
        " x: sharedSuppliers(boroughCodes: $c) { supplier { id } } }",
        {"c": THREE},
    ),
    (
        f'{{ jointProcurementOpportunities(asOf: "{AS_OF}", limit: 5) {{ contracts {{ id systems {{ id boroughs {{ name }} }}'
        " supplier { name } s: supplier { id sme } } } }",
        {},
    ),
    ((EXAMPLES / "supplier-concentration.graphql").read_text(), {"measure": "CONTRACT_VALUE", "top": 10}),
    ((EXAMPLES / "supplier-concentration.graphql").read_text(), {"serviceArea": "Housing"}),
    ((EXAMPLES / "shared-systems.graphql").read_text(), {"boroughCodes": THREE, "minBoroughs": 2}),
    (
        "query($c: [ID!]!) { sharedSystems(boroughCodes: $c, minBoroughs: 1) { __typename boroughCount"
        " system { ...S } boroughs { code name region } } } fragment S on System { id name"
        " serviceArea { name kind } manufacturer { __typename id name sme companyNumber vcse } }",
        {"c": THREE},
    ),
    ("query($c: [ID!]!) { s: sharedSuppliers(boroughCodes: $c) { n: boroughCount supplier { id name sme } boroughs { code } } }", {"c": THREE}),
    (
        '{ collaborationPartners(boroughCode: "E09000024") { borough { code name region } score reasons'
        " sharedSystems { id name serviceArea { name } } sharedSuppliers { id name sme } } }",
        {},
    ),
    (
        f'{{ jointProcurementOpportunities(asOf: "{AS_OF}") {{ system {{ id name manufacturer {{ name }} }}'
        f" boroughs {{ code name }} contracts {{ {CONTRACT_FIELDS} }} windowStart windowEnd combinedValueGbp }} }}",
        {},
    ),
    (
        "query($m: Int, $a: Date) { jointProcurementOpportunities(asOf: $a, withinMonths: $m, minBoroughs: 3, limit: 7)"
        " { windowStart contracts { id endDate } } }",
        {"m": 60, "a": AS_OF},
    ),
    ('{ supplierNetwork(supplierId: "DEMO-SUP-001") { nodes { id kind label } edges { source target weight } } }', {}),
    (
        'query($b: Boolean!) { supplierNetwork(supplierId: "DEMO-SUP-001", depth: 2, minSharedBoroughs: 5) {'
        " nodes { id } edges { weight sharedBoroughs @include(if: $b) { code name } } } }",
        {"b": True},
    ),
    (
        'query($b: Boolean!) { supplierNetwork(supplierId: "DEMO-SUP-001", depth: 2, minSharedBoroughs: 5) {'
        " nodes { id } edges { weight sharedBoroughs @include(if: $b) { code name } } } }",
        {"b": False},
    ),
    ("{ supplierConcentration { measure total supplierCount topShare hhi smeShare suppliers { supplier { id } share } } }", {}),
    (
        '{ connectionPath(from: {kind: SUPPLIER, id: "DEMO-SUP-045"}, to: {kind: BOROUGH, id: "E09000001"})'
        " { length nodes { id kind label } } }",
        {},
    ),
    ('{ connectionPath(from: {kind: BOROUGH, id: "E09000001"}, to: {kind: BOROUGH, id: "E09000001"}) { length } }', {}),
    # several analytics and __typename in one request
    (
        '{ __typename a: supplierConcentration(top: 3) { hhi } b: supplierConcentration(measure: CONTRACT_VALUE) { hhi }'
        ' sharedSystems(boroughCodes: ["E09000001"]) { boroughCount } }',
        {},
    ),
]
# Analytics the records cannot answer plainly, or that the normal path refuses: left to it.
ANALYTICS_DECLINED: list[tuple[str, dict]] = [
    ("query($c: [ID!]!) { sharedSystems(boroughCodes: $c) { system { uses { since } } } }", {"c": THREE}),
    (f'{{ jointProcurementOpportunities(asOf: "{AS_OF}", limit: 3) {{ contracts {{ provenance {{ source }} }} }} }}', {}),
    ('{ sharedSystems(boroughCodes: ["E09000007"]) { system { averageSatisfaction } } }', {}),  # members only
    ('{ sharedSystems(boroughCodes: ["E09000007", "NOPE"]) { boroughCount } }', {}),
    ('{ collaborationPartners(boroughCode: "E09000024", limit: 1000) { score } }', {}),
    ('{ supplierNetwork(supplierId: "no-such-supplier") { nodes { id } } }', {}),
    ('{ supplierConcentration(serviceArea: "Nowhere") { hhi } }', {}),
    ('{ skillsExchange(skill: "Cyber security") { mentorLevel } }', {}),  # anonymous: members only
    ("{ satisfactionBySupplierCount { pearson } }", {}),
    ('{ supplierConcentration { hhi } boroughs { code } }', {}),  # mixed with entity fields
]
SKILLS = (
    'query($s: ID!) { skillsExchange(skill: $s) { skill { name category } mentor { code name } learner { name }'
    " mentorLevel learnerLevel sharedSystems { id name } } }"
)


async def test_every_corpus_query_takes_the_fast_path_and_answers_as_the_normal_path(paths, ids):
    for query, variables in corpus(ids):
        response, fast = await both(paths, query, variables)
        body = response.json()
        assert "errors" not in body, (query, body)
        assert fast, f"fast path declined: {query}"


async def test_the_corpus_has_real_answers(paths, ids):
    # The comparison above is only worth something when the answers hold data, nulls and empty lists.
    q1 = (await paths["fast"].post("/graphql", json={"query": Q1})).json()["data"]["boroughs"]
    assert len(q1) == 33 and sum(len(b["systems"]) for b in q1) > 700
    q3 = (await paths["fast"].post("/graphql", json={"query": Q3, "variables": {"code": CAMDEN, "from": None, "to": None}})).json()
    page = q3["data"]["borough"]["contracts"]
    assert page["totalCount"] > 10 and len(page["edges"]) == 10 and page["pageInfo"]["hasNextPage"] is True
    assert list(page["edges"][0]["node"]) == ["id", "title", "endDate", "valueGbp", "supplier"]
    q4 = (await paths["fast"].post("/graphql", json={"query": Q4})).json()["data"]["suppliers"]["edges"]
    assert q4 and all("solutions" in edge["node"]["name"].lower() for edge in q4)
    missing = (await paths["fast"].post("/graphql", json={"query": '{ borough(code: "NOPE") { name } }'})).json()
    assert missing == {"data": {"borough": None}}


async def test_what_it_does_not_know_goes_to_the_normal_path(paths):
    for query, variables in DECLINED:
        _, fast = await both(paths, query, variables)
        assert not fast, f"fast path answered: {query}"


async def test_analytics_take_the_fast_path_and_answer_as_the_normal_path(paths):
    for query, variables in ANALYTICS:
        response, fast = await both(paths, query, variables)
        body = response.json()
        assert "errors" not in body, (query, body)
        assert fast, f"fast path declined: {query}"
    # worth comparing: the default joint procurement answer holds many contracts, with register fields and nulls
    opportunities = (await paths["fast"].post("/graphql", json={"query": next(q for q, _ in ANALYTICS if "reviewDate" in q)})).json()["data"]
    contracts = [c for o in opportunities["jointProcurementOpportunities"] for c in o["contracts"]]
    assert len(contracts) > 200 and any(c["maxExtensionDate"] is None for c in contracts)


async def test_analytics_the_records_cannot_answer_plainly_go_to_the_normal_path(paths):
    for query, variables in ANALYTICS_DECLINED:
        _, fast = await both(paths, query, variables)
        assert not fast, f"fast path answered: {query}"


def test_each_loaded_field_reads_its_dataloader_as_the_fast_path_does():
    # fastpath_records.LOADED stands for these resolvers: a resolver that does more must leave the table.
    for (type_name, name), (attribute, loader) in LOADED.items():
        field = schema.get_field_for_type(name, type_name)
        assert field is not None and field.base_resolver is not None and not field.extensions
        body = inspect.getsource(field.base_resolver.wrapped_func).split(":\n", 1)[1].split("#")[0].strip()
        assert body.startswith(f"return await info.context.loaders.{loader}.load(self.{attribute})"), (type_name, name, body)


async def test_members_only_analytics_keep_their_permission(paths, session_db):
    key = await create_key(session_db, "Fast path member", Role.MEMBER, [])
    member = {"authorization": f"Bearer {key}"}
    for skill in ("Cyber security", "GIS"):
        response, fast = await both(paths, SKILLS, {"s": skill}, member)
        assert fast and response.json()["data"]["skillsExchange"], skill
    response, fast = await both(paths, SKILLS, {"s": "Cyber security"})  # the same document, anonymous
    assert not fast
    body = response.json()
    assert body["data"] == {"skillsExchange": None} and body["errors"][0]["extensions"]["code"] == "SIGN_IN_REQUIRED"


async def test_one_statement_per_request_and_the_trace_reports_it(paths, tmp_path):
    traced = create_app(Settings(CITYGRAPH_HOME=tmp_path, CITYGRAPH_TRACE=True, CITYGRAPH_MAX_COST=100_000), db=paths["fast"]._transport.app.state.service.db)  # type: ignore[attr-defined]
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=traced), base_url="http://citygraph") as http:
        body = (await http.post("/graphql", json={"query": Q3, "variables": {"code": CAMDEN}}, headers={"x-request-id": "fast-1"}))
    assert body.headers["x-request-id"] == "fast-1"
    assert body.json()["extensions"]["cypher"]["roundTrips"] == 1


async def test_a_page_larger_than_the_limit_is_refused_as_on_the_normal_path(paths):
    response, fast = await both(paths, "{ suppliers(first: 101) { totalCount } }")
    assert not fast
    assert response.json()["errors"][0]["message"] == 'Argument "first" must be between 0 and 100, got 101.'
