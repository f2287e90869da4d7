"""Properties of the API and the analytics on the London demo: each answer recomputed in Python from the entity API.
The demo is loaded once for the module (the `db` fixture would empty the graph for every test)."""

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio

from citygraph.auth.keys import create_key
from citygraph.auth.principal import Role
from citygraph.graph import demo
from citygraph.graph.database import Database
from citygraph.graph.settings import Settings
from citygraph.schema.app import create_app
from tests.conftest import gql
from tests.conftest import gql_data as data

AS_OF = demo.ANCHOR.isoformat()


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def london(session_db: Database, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[httpx.AsyncClient]:
    await session_db.write("clear_graph")
    await demo.generate_and_load(session_db, tmp_path_factory.mktemp("demo"), scale="london", seed=demo.DEFAULT_SEED)
    # Whole-demo reads in one page: a larger page size, and a cost limit to match (docs/limits.md).
    settings = Settings(
        CITYGRAPH_HOME=tmp_path_factory.mktemp("home"), CITYGRAPH_MAX_PAGE_SIZE=1000, CITYGRAPH_MAX_COST=100_000, CITYGRAPH_TRACE=True
    )
    app = create_app(settings, db=session_db)
    key = await create_key(session_db, "London demo member", Role.MEMBER, [])  # skills and levels are members only
    headers = {"authorization": f"Bearer {key}"}
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://citygraph", headers=headers
    ) as http:
        yield http
    await session_db.write("clear_graph")


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def landscape(london: httpx.AsyncClient) -> dict:
    """Every borough's systems, suppliers and skills; every supplier's boroughs; every council contract."""
    boroughs = (
        await data(
            london,
            "{ boroughs { code name systems { id name } suppliers { id name } skills { skill { name } level } } }",
        )
    )["boroughs"]
    suppliers = (await data(london, "{ suppliers(first: 1000) { edges { node { id name sme boroughs { code } } } } }"))
    contracts = (
        await data(
            london,
            "{ contracts(first: 1000) { totalCount edges { node { id endDate valueGbp borough { code } "
            "supplier { id } systems { id serviceArea { name } } } } } }",
        )
    )["contracts"]
    assert contracts["totalCount"] == len(contracts["edges"])
    return {
        "boroughs": {b["code"]: b for b in boroughs},
        "suppliers": {e["node"]["id"]: e["node"] for e in suppliers["suppliers"]["edges"]},
        "contracts": [e["node"] for e in contracts["edges"]],
    }


def systems_of(landscape: dict, code: str) -> set[str]:
    return {s["id"] for s in landscape["boroughs"][code]["systems"]}


def pairs_of_boroughs(landscape: dict, count: int = 12) -> list[tuple[str, str]]:
    codes = sorted(landscape["boroughs"])
    return list(itertools.combinations(codes, 2))[:: max(1, len(codes) * (len(codes) - 1) // 2 // count)]


async def test_shared_systems_is_the_intersection(london, landscape):
    for a, b in pairs_of_boroughs(landscape):
        result = (await data(london, "query($c: [ID!]!) { sharedSystems(boroughCodes: $c) { system { id name } } }",
                             {"c": [a, b]}))["sharedSystems"]
        expected = [s for s in landscape["boroughs"][a]["systems"] if s["id"] in systems_of(landscape, b)]
        assert [r["system"] for r in result] == expected  # both by name, then id


async def test_shared_suppliers_is_the_intersection(london, landscape):
    for a, b in pairs_of_boroughs(landscape):
        result = (await data(london, "query($c: [ID!]!) { sharedSuppliers(boroughCodes: $c) { supplier { id } } }",
                             {"c": [a, b]}))["sharedSuppliers"]
        other = {s["id"] for s in landscape["boroughs"][b]["suppliers"]}
        expected = [s["id"] for s in landscape["boroughs"][a]["suppliers"] if s["id"] in other]
        assert [r["supplier"]["id"] for r in result] == expected


async def test_collaboration_scores_are_jaccard_of_system_sets(london, landscape):
    query = "query($c: ID!) { collaborationPartners(boroughCode: $c, limit: 100) { borough { code name } " \
        "sharedSystems { id } score reasons } }"
    for code in sorted(landscape["boroughs"])[::4]:
        mine = systems_of(landscape, code)
        partners = (await data(london, query, {"c": code}))["collaborationPartners"]
        expected = {}
        for other in landscape["boroughs"]:
            theirs = systems_of(landscape, other)
            if other != code and mine & theirs:
                expected[other] = len(mine & theirs) / len(mine | theirs)
        assert {p["borough"]["code"] for p in partners} == set(expected)
        for p in partners:
            assert p["score"] == pytest.approx(expected[p["borough"]["code"]])
            assert {s["id"] for s in p["sharedSystems"]} == mine & systems_of(landscape, p["borough"]["code"])
            assert any(reason.startswith("share ") for reason in p["reasons"])
        assert [(-p["score"], p["borough"]["name"]) for p in partners] == sorted(
            (-p["score"], p["borough"]["name"]) for p in partners
        )


async def test_joint_procurement_matches_grouping_the_contracts(london, landscape):
    as_of = demo.ANCHOR
    until = dt.date(as_of.year + 2, as_of.month, as_of.day)  # 24 months; the anchor is the 1st of a month
    grouped: dict[str, list[dict]] = defaultdict(list)
    for c in landscape["contracts"]:
        if c["endDate"] and as_of.isoformat() <= c["endDate"] <= until.isoformat():
            for s in c["systems"]:
                grouped[s["id"]].append(c)
    expected = {
        system: sorted(c["id"] for c in cs)
        for system, cs in grouped.items()
        if len({c["borough"]["code"] for c in cs}) >= 2
    }
    result = (await data(london, "query($d: Date) { jointProcurementOpportunities(asOf: $d) { system { id name } "
                         "contracts { id endDate } windowStart windowEnd combinedValueGbp } }", {"d": AS_OF}))
    found = result["jointProcurementOpportunities"]
    assert {o["system"]["id"]: sorted(c["id"] for c in o["contracts"]) for o in found} == expected
    for o in found:
        ends = [c["endDate"] for c in o["contracts"]]
        assert ends == sorted(ends) and (o["windowStart"], o["windowEnd"]) == (ends[0], ends[-1])
        values = [c["valueGbp"] for c in grouped[o["system"]["id"]] if c["valueGbp"] is not None]
        assert o["combinedValueGbp"] == (pytest.approx(sum(values)) if values else None)
    keys = [(o["windowStart"], o["system"]["name"]) for o in found]
    assert keys == sorted(keys)


async def test_concentration_shares_sum_to_one(london, landscape):
    query = "query($m: ConcentrationMeasure) { supplierConcentration(measure: $m, top: 500) { total supplierCount " \
        "topShare hhi smeShare suppliers { supplier { id sme } contractCount valueGbp share } } }"
    for measure in ("CONTRACT_COUNT", "CONTRACT_VALUE"):
        result = (await data(london, query, {"m": measure}))["supplierConcentration"]
        shares = [s["share"] for s in result["suppliers"]]
        assert len(shares) == result["supplierCount"]
        assert sum(shares) == pytest.approx(1.0) and result["topShare"] == pytest.approx(1.0)
        assert result["hhi"] == pytest.approx(sum((s * 100) ** 2 for s in shares))
        assert result["smeShare"] == pytest.approx(sum(s["share"] for s in result["suppliers"] if s["supplier"]["sme"]))
        assert shares == sorted(shares, reverse=True)
    assert result["total"] == pytest.approx(sum(c["valueGbp"] or 0 for c in landscape["contracts"]))


async def test_supplier_network_weights_are_shared_borough_counts(london, landscape):
    boroughs_of = {sid: {b["code"] for b in s["boroughs"]} for sid, s in landscape["suppliers"].items()}
    centre = max(sorted(boroughs_of), key=lambda sid: len(boroughs_of[sid]))
    result = (await data(london, "query($s: ID!) { supplierNetwork(supplierId: $s, limit: 500) { nodes { id } "
                         "edges { source target weight sharedBoroughs { code } } } }", {"s": centre}))
    network = result["supplierNetwork"]
    neighbours = {sid for sid in boroughs_of if sid != centre and boroughs_of[sid] & boroughs_of[centre]}
    assert {n["id"] for n in network["nodes"]} == neighbours | {centre}
    for e in network["edges"]:
        assert e["source"] < e["target"]
        shared = boroughs_of[e["source"]] & boroughs_of[e["target"]]
        assert e["weight"] == len(shared) and {b["code"] for b in e["sharedBoroughs"]} == shared


async def test_skills_exchange_respects_levels_and_shares_systems(london, landscape):
    skill = landscape["boroughs"][sorted(landscape["boroughs"])[0]]["skills"][0]["skill"]["name"]
    levels = {code: {r["skill"]["name"]: r["level"] for r in b["skills"]} for code, b in landscape["boroughs"].items()}
    query = "query($k: ID!) { skillsExchange(skill: $k) { mentor { code name } learner { code name } " \
        "mentorLevel learnerLevel sharedSystems { id } } }"
    result = (await data(london, query, {"k": skill}))["skillsExchange"]
    expected = {(m, l) for m in levels for l in levels if m != l and levels[m].get(skill, 0) >= 4
                and 0 < levels[l].get(skill, 9) <= 2}
    assert {(p["mentor"]["code"], p["learner"]["code"]) for p in result} == expected
    for p in result:
        assert p["mentorLevel"] == levels[p["mentor"]["code"]][skill]
        shared = systems_of(landscape, p["mentor"]["code"]) & systems_of(landscape, p["learner"]["code"])
        assert {s["id"] for s in p["sharedSystems"]} == shared
    keys = [(-len(p["sharedSystems"]), p["mentor"]["name"], p["learner"]["name"]) for p in result]
    assert keys == sorted(keys)


async def test_connection_path_between_two_councils(london, landscape):
    a, b = sorted(landscape["boroughs"])[:2]
    result = (await data(london, "query($a: ID!, $b: ID!) { connectionPath(from: {kind: BOROUGH, id: $a}, "
                         "to: {kind: BOROUGH, id: $b}) { nodes { id kind } length } }", {"a": a, "b": b}))
    found = result["connectionPath"]
    # Every council rates the same skills, so two hops always suffice.
    assert found["length"] == 2 == len(found["nodes"]) - 1
    assert (found["nodes"][0]["id"], found["nodes"][-1]["id"]) == (a, b)


async def test_deep_nesting_costs_at_most_one_round_trip_per_level(london):
    body = await gql(london, "{ boroughs { systems { manufacturer { systems { boroughs { name } } } } } }")
    assert "errors" not in body
    boroughs = body["data"]["boroughs"]
    assert len(boroughs) == 33 and sum(len(b["systems"]) for b in boroughs) > 700
    assert body["extensions"]["cypher"]["roundTrips"] <= 5
