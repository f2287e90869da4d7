"""Real data: the councils' planning systems 2020/2025 (`citygraph seed --planning`) and `up --data real`,
against the real Neo4j, through the CLI and the GraphQL API. Expected answers are read off the shipped
file citygraph/graph/data/london_planning_portals_2020_vs_2025.csv by hand:
  Northgate Planning Explorer in 2025: Camden, Merton, Wandsworth (all three since 2020);
  in 2020 also Hackney (now SmartAdmin) and Islington (now Agile Applications).
"""

from pathlib import Path

import pytest

from citygraph.cli import build_parser
from citygraph.graph.database import Database
from citygraph.graph.importer import load_bundle
from citygraph.graph.planning import SOURCE, build_planning
from citygraph.graph.realdata import load_real
from citygraph.graph.settings import DEFAULT_IT_CPV_PREFIXES
from tests.conftest import gql_data as data
from tests.realdata_support import cli, snapshot  # noqa: F401 (cli is a fixture)

MERTON, CAMDEN, WANDSWORTH, HACKNEY, ISLINGTON = "E09000024", "E09000007", "E09000032", "E09000012", "E09000019"
NORTHGATE = "planning:northgate-planning-explorer"
PLATFORM = "platform inferred from the planning portal's URL"
SUPPLIER = "supplier inferred from the platform name; not stated by the sources"
HUB = "ocds-b5fd17-deddd0f5-7f54-41ae-9c16-bbd0e5933625-1"  # Merton's "Consultation Hub" award


def test_the_shipped_file_gives_the_expected_systems():
    planning = build_planning()
    assert len(planning.uses) == 31 and len(planning.past_uses) == 5
    assert {s["name"] for s in planning.systems.values()} == {
        "Idox Public Access", "Northgate Planning Explorer", "NEC Assure", "Agile Applications", "SmartAdmin",
        "Arcus", "OcellaWeb", "SwiftLG", "Civica",
    }
    past = {(u["boroughCode"], u["systemId"]) for u in planning.past_uses}
    assert (HACKNEY, NORTHGATE) in past and (ISLINGTON, NORTHGATE) in past
    # A platform nobody identified is no system: Kensington and Chelsea has none in either year.
    assert "E09000020" not in {u["boroughCode"] for u in planning.uses + planning.past_uses}


async def test_seed_planning_loads_systems_with_provenance_and_is_idempotent(db: Database, cli, capsys):
    assert await cli("seed", "--planning") == 0
    out = capsys.readouterr().out
    assert "seeded 33 London councils" in out
    assert "planning systems: 9 systems, 6 suppliers (+2 makers not identified), 31 current uses, 5 past uses" in out
    assert "Kensington and Chelsea (2020, 2025)" in out

    [row] = await db.run_text(
        "MATCH (:Borough {code: $code})-[u:USES]->(s:System)-[m:MADE_BY]->(x:Supplier) "
        "RETURN s.id AS system, x.name AS maker, u {.*} AS use, m.confidence AS madeBy, s.source AS source",
        {"code": MERTON},
    )
    assert (row["system"], row["maker"]) == (NORTHGATE, "NEC Software Solutions UK")
    assert (row["madeBy"], row["source"]) == ("low", SOURCE)
    use = row["use"]
    assert (use["method"], use["confidence"], use["source"]) == (PLATFORM, "medium", SOURCE)
    assert (str(use["firstSeen"]), str(use["lastSeen"])) == ("2020-02-24", "2025-02-20")
    assert use["evidenceUrl"] == "https://planning.merton.gov.uk/Northgate/PlanningExplorerAA/GeneralSearch.aspx"
    assert "since" not in use  # no source says when Merton started on it

    before = await snapshot(db)
    assert await cli("seed", "--planning") == 0
    assert await snapshot(db) == before  # updatedAt included: nothing changed, nothing touched


async def test_shared_systems_and_partners_of_merton_answer_from_real_facts(db: Database, cli, client):
    assert await cli("seed", "--planning") == 0
    query = """query($codes: [ID!]!) {
      sharedSystems(boroughCodes: $codes, minBoroughs: 2) {
        boroughCount boroughs { name }
        system { name provenance { source method confidence }
                 manufacturer { name provenance { method confidence } } }
      }
      collaborationPartners(boroughCode: "E09000024", limit: 5) { borough { name } score reasons }
    }"""
    result = await data(client, query, {"codes": [MERTON, CAMDEN, WANDSWORTH, HACKNEY, ISLINGTON]})
    [shared] = result["sharedSystems"]  # Hackney and Islington ran it only until 2025: not shared now
    assert shared["boroughCount"] == 3
    assert [b["name"] for b in shared["boroughs"]] == ["Camden", "Merton", "Wandsworth"]
    assert shared["system"] == {
        "name": "Northgate Planning Explorer",
        "provenance": {"source": SOURCE, "method": PLATFORM, "confidence": "medium"},
        "manufacturer": {"name": "NEC Software Solutions UK", "provenance": {"method": SUPPLIER, "confidence": "low"}},
    }
    # Jaccard: each of the three runs exactly one planning system, the same one: 1/1.
    assert result["collaborationPartners"] == [
        {"borough": {"name": name}, "score": 1.0,
         "reasons": ["share 1 system: Northgate Planning Explorer", "share 1 supplier: NEC Software Solutions UK"]}
        for name in ("Camden", "Wandsworth")
    ]


async def test_history_current_and_past_uses(db: Database, cli, client):
    assert await cli("seed", "--planning") == 0
    query = """{ borough(code: "E09000019") {
        systemUses { system { name } since firstSeen lastSeen until provenance { confidence } }
        pastSystemUses { system { name } firstSeen lastSeen until evidenceUrl provenance { source method } }
      }
      system(id: "planning:northgate-planning-explorer") {
        uses { borough { name } } pastUses { borough { name } until }
      } }"""
    result = await data(client, query)
    islington = result["borough"]
    assert islington["systemUses"] == [{"system": {"name": "Agile Applications"}, "since": None,
                                        "firstSeen": "2025-02-20", "lastSeen": "2025-02-20", "until": None,
                                        "provenance": {"confidence": "medium"}}]
    assert islington["pastSystemUses"] == [{
        "system": {"name": "Northgate Planning Explorer"}, "firstSeen": "2020-02-24", "lastSeen": "2020-02-24",
        "until": "2025-02-20",
        "evidenceUrl": "https://planning.islington.gov.uk/northgate/planningexplorer/generalsearch.aspx",
        "provenance": {"source": SOURCE, "method": PLATFORM},
    }]
    northgate = result["system"]
    assert [u["borough"]["name"] for u in northgate["uses"]] == ["Camden", "Merton", "Wandsworth"]
    assert northgate["pastUses"] == [{"borough": {"name": "Hackney"}, "until": "2025-02-20"},
                                     {"borough": {"name": "Islington"}, "until": "2025-02-20"}]


async def test_real_mode_removes_the_demo_and_loads_only_real_facts(db: Database, client):
    # Stand-in for a loaded demo: the analytics bundle written under a demo source.
    await load_bundle(db, Path(__file__).parent / "fixtures" / "analytics", source="demo:london:seed-1")
    messages: list[str] = []
    await load_real(db, DEFAULT_IT_CPV_PREFIXES, progress=messages.append)

    assert any(m.startswith("Removed ") and "synthetic demo" in m for m in messages)
    [left] = await db.run_text(
        "RETURN COUNT { MATCH (n) WHERE n.source STARTS WITH 'demo:' } AS nodes, "
        "COUNT { MATCH ()-[r]->() WHERE r.source STARTS WITH 'demo:' } AS relationships"
    )
    assert left == {"nodes": 0, "relationships": 0}
    result = await data(client, """{
      boroughs { code }
      borough(code: "E09000024") {
        systems { id }
        contracts { edges { node { id title supplier { name } provenance { source } } } }
      } }""")
    assert len(result["boroughs"]) == 33
    assert result["borough"]["systems"] == [{"id": NORTHGATE}]
    [hub] = result["borough"]["contracts"]["edges"]
    assert hub["node"]["id"] == HUB and hub["node"]["supplier"]["name"] == "Commonplace Digital Ltd."
    assert hub["node"]["provenance"]["source"] == HUB.removesuffix("-1")
    [row] = await db.run_text("MATCH ()-[u:USES]->() RETURN collect(DISTINCT u.source) AS sources")
    assert row["sources"] == [SOURCE]

    before = await snapshot(db)
    await load_real(db, DEFAULT_IT_CPV_PREFIXES, progress=messages.append)
    assert await snapshot(db) == before


def test_up_takes_data_real_or_demo():
    parser = build_parser()
    assert parser.parse_args(["up"]).data == "demo"
    assert parser.parse_args(["up", "--data", "real"]).data == "real"
    with pytest.raises(SystemExit):
        parser.parse_args(["up", "--data", "invented"])
