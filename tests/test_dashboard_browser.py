"""The dashboard at / in a real headless Chromium (Debian's, driven by playwright-core) against the real service
with the London demo loaded: every view shows what the API answers, nothing leaves the host, no console errors.
Screenshots of every view are written to build/dashboard-screenshots/ (gitignored). See docs/dashboard.md."""

import asyncio
import csv
import io
import json
import re
import statistics
import urllib.parse
from pathlib import Path

import httpx
import pytest

from citygraph.auth.keys import create_key
from citygraph.auth.principal import Role
from citygraph.dashboard import pages
from citygraph.graph import demo
from citygraph.graph.database import Connection, Database
from tests.live_server import ROOT, live_server, run_node
from tests.test_graphiql_browser import CDN, test_chromium_is_installed

AS_OF = demo.ANCHOR.isoformat()  # the demo's "today": answers are reproducible
SCREENSHOTS = ROOT / "build" / "dashboard-screenshots"


MEMBER_KEY: dict[str, str] = {}  # the Authorization header of a member council's key, once the test made one


def api(base: str, query: str, variables: dict | None = None) -> dict:
    response = httpx.post(
        f"{base}/graphql", json={"query": query, "variables": variables or {}}, headers=MEMBER_KEY, timeout=60
    )
    body = response.json()
    assert response.status_code == 200 and "errors" not in body, body
    return body["data"]


def all_contracts(base: str) -> list[dict]:
    contracts, after = [], None
    while True:
        query = (
            "query($after: String) { contracts(first: 100, after: $after) { pageInfo { hasNextPage endCursor } "
            "edges { node { id endDate valueGbp borough { code } } } } }"
        )
        page = api(base, query, {"after": after})["contracts"]
        contracts += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return contracts
        after = page["pageInfo"]["endCursor"]


def expected_answers(base: str) -> dict:
    """What each view must show, asked of the API directly (not through the dashboard's own queries)."""
    boroughs = api(base, "{ boroughs { code name systems { id } suppliers { id } systemUses { satisfaction } "
                         "skills { level } } }")["boroughs"]
    in_12_months = "2027-11-01"
    ending_query = (
        "query($a: Date!, $b: Date!) { boroughs { code "
        "contracts(where: {endDateFrom: $a, endDateTo: $b}, first: 0) { totalCount } } }"
    )
    ending = api(base, ending_query, {"a": AS_OF, "b": in_12_months})["boroughs"]
    value: dict[str, float] = {b["code"]: 0.0 for b in boroughs}
    for contract in all_contracts(base):
        if contract["endDate"] and contract["endDate"] >= AS_OF:
            value[contract["borough"]["code"]] += contract["valueGbp"] or 0
    merton = api(
        base, '{ borough(code: "E09000024") { systems { id } collaborationPartners(limit: 5) { borough { name } } } }'
    )
    return {
        "boroughs": boroughs,
        "ending": {b["code"]: b["contracts"]["totalCount"] for b in ending},
        "value": value,
        "merton": merton["borough"],
        "supplier": api(base, '{ supplier(id: "DEMO-SUP-001") { name boroughs { name } } }')["supplier"],
        "system": api(base, '{ system(id: "DEMO-SYS-0001") { name uses { borough { code } } } }')["system"],
        "shared": api(base, '{ sharedSystems(boroughCodes: ["E09000007", "E09000019", "E09000012"], minBoroughs: 2) '
                            '{ system { id } } sharedSuppliers(boroughCodes: ["E09000007", "E09000019", "E09000012"], '
                            "minBoroughs: 2) { supplier { id } } }"),
        "buy": api(
            base,
            "query($asOf: Date) { jointProcurementOpportunities(withinMonths: 12, minBoroughs: 2, asOf: $asOf) "
            "{ system { id } combinedValueGbp contracts { id } } }",
            {"asOf": AS_OF},
        )["jointProcurementOpportunities"],
        "market": api(
            base,
            '{ supplierConcentration(serviceArea: "Revenues and Benefits", measure: CONTRACT_VALUE, top: 5) '
            "{ hhi suppliers { supplier { id } } } serviceAreas { name } }",
        ),
        "network": api(base, '{ supplierNetwork(supplierId: "DEMO-SUP-001", minSharedBoroughs: 20, limit: 50) '
                             "{ nodes { id } edges { source } } }")["supplierNetwork"],
        "skills": api(base, '{ skillsExchange(skill: "Cyber security") { mentor { code } learner { code } } }')[
            "skillsExchange"
        ],
    }


def pearson(points: list[tuple[float, float]]) -> float:
    xs, ys = zip(*points)
    return statistics.correlation(xs, ys)


async def test_dashboard_views_show_what_the_api_answers(
    db: Database, neo4j_connection: Connection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    test_chromium_is_installed()
    await demo.generate_and_load(db, tmp_path / "demo", scale="london", seed=demo.DEFAULT_SEED)
    # Satisfaction and skill levels are members only (docs/signin.md): the test and the browser sign in with a key.
    key = await create_key(db, "Dashboard test member", Role.MEMBER, [])
    monkeypatch.setitem(MEMBER_KEY, "authorization", f"Bearer {key}")
    monkeypatch.setenv("CITYGRAPH_DASHBOARD_KEY", key)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def drive() -> tuple[dict, dict]:
        with live_server(neo4j_connection, tmp_path / "home") as base:
            expected = expected_answers(base)
            return run_node("dashboard.mjs", base, str(SCREENSHOTS), AS_OF, timeout=420), expected

    report, expected = await asyncio.to_thread(drive)
    summary = json.dumps({k: v for k, v in report.items() if k != "requests"}, indent=2)[:8000]
    assert report["ok"], f"the browser run failed (screenshots in {SCREENSHOTS}):\n{summary}"
    assert report["aborted"] == [] and report["external"] == [], (report["aborted"], report["external"])
    assert report["pageErrors"] == [], report["pageErrors"]
    assert report["consoleErrors"] == [], report["consoleErrors"]
    paths = {urllib.parse.urlsplit(line.split(" ", 1)[1]).path for line in report["requests"]}
    assert all(p == "/graphql" or p.startswith(("/dashboard-static/", "/graphiql-static/", "/borough/")) or p == "/"
               for p in paths), paths
    views = report["views"]
    boroughs = {b["code"]: b for b in expected["boroughs"]}

    # Map: 33 shapes, each the borough's figure for the chosen measure; hover and keyboard open the borough.
    shapes = views["map"]["shapes"]
    assert len(shapes) == 33 and {s["code"] for s in shapes} == set(boroughs)
    assert {s["code"]: int(s["value"]) for s in shapes} == {c: len(b["systems"]) for c, b in boroughs.items()}
    assert len({s["fill"] for s in shapes}) >= 3  # coloured by the figure, not one colour
    assert sorted(views["map"]["tableRows"]) == sorted(boroughs)
    assert views["map"]["tooltip"] == f"Camden: {len(boroughs['E09000007']['systems'])}"
    assert {c: int(v) for c, v in views["mapEnding"].items()} == expected["ending"]
    assert {c: float(v) for c, v in views["mapValue"].items()} == pytest.approx(expected["value"])
    assert views["keyboard"]["url"].endswith("/borough/E09000007") and views["keyboard"]["h1"] == "Camden"

    # Borough page: the same systems as borough(code:) { systems }, the same partners.
    merton = expected["merton"]
    assert views["borough"]["h1"] == "Merton"
    assert sorted(views["borough"]["systems"]) == sorted(s["id"] for s in merton["systems"])
    assert len(views["borough"]["systems"]) == len(merton["systems"])
    assert views["borough"]["partners"] == [p["borough"]["name"] for p in merton["collaborationPartners"]]
    assert views["borough"]["timelineBars"] >= 1
    first = views["borough"]["systems"][0]
    assert views["systemFromBorough"]["url"].endswith(f"/system/{first}")

    # "Open in GraphiQL": the panel's own operation and variables, opened in GraphiQL.
    link = urllib.parse.urlsplit(views["borough"]["graphiql"][0])
    params = urllib.parse.parse_qs(link.query)
    assert link.path == "/graphql" and json.loads(params["variables"][0]) == {"code": "E09000024"}
    assert params["document"][0].startswith("query BoroughPage(")
    assert views["graphiql"]["query"] == params["document"][0]
    assert json.loads(views["graphiql"]["variables"]) == {"code": "E09000024"}

    assert views["supplier"]["h1"] == expected["supplier"]["name"]
    assert views["supplier"]["boroughs"] == [b["name"] for b in expected["supplier"]["boroughs"]]
    assert views["system"]["h1"] == expected["system"]["name"]
    assert views["system"]["users"] == [u["borough"]["code"] for u in expected["system"]["uses"]]
    assert views["collaborate"]["systems"] == [r["system"]["id"] for r in expected["shared"]["sharedSystems"]]
    assert views["collaborate"]["suppliers"] == [r["supplier"]["id"] for r in expected["shared"]["sharedSuppliers"]]

    # Buy together: the API's windows, one dot per contract, and a CSV of exactly what is shown.
    buy = expected["buy"]
    assert views["buy"]["systems"] == [o["system"]["id"] for o in buy]
    assert views["buy"]["dots"] == sum(len(o["contracts"]) for o in buy)
    assert float(views["buy"]["combined"]) == pytest.approx(sum(o["combinedValueGbp"] or 0 for o in buy))
    rows = list(csv.DictReader(io.StringIO(views["buy"]["csv"])))
    assert [r["contract_id"] for r in rows] == [c["id"] for o in buy for c in o["contracts"]]
    assert views["buy"]["csvName"] == f"joint-procurement-{AS_OF}-12m.csv"

    # Market: the API's HHI, one row per service area plus the whole market, and the correlation recomputed.
    market = expected["market"]
    assert float(views["market"]["hhi"]) == pytest.approx(market["supplierConcentration"]["hhi"])
    assert views["market"]["bars"] == len(market["supplierConcentration"]["suppliers"]) == 5
    assert len(views["market"]["areas"]) == len(market["serviceAreas"]) + 1
    scores = {
        b["code"]: [u["satisfaction"] for u in b["systemUses"] if u["satisfaction"] is not None]
        for b in expected["boroughs"]
    }
    points = [
        (len(b["suppliers"]), statistics.fmean(scores[b["code"]])) for b in expected["boroughs"] if scores[b["code"]]
    ]
    assert float(views["market"]["correlation"]) == pytest.approx(pearson(points))
    assert views["market"]["scatterPoints"] == len(points)

    # Network: as many nodes and links as the API returns; clicking a node opens that supplier.
    network = expected["network"]
    assert views["network"]["nodeCount"] == len(network["nodes"]) > 1
    assert views["network"]["edgeCount"] == len(network["edges"])
    assert views["network"]["tableNodes"] == [n["id"] for n in network["nodes"]]
    assert views["networkClick"]["url"].endswith(f"/supplier/{views['networkClick']['expected']}")

    assert views["skills"]["pairs"] == [f"{p['mentor']['code']}>{p['learner']['code']}" for p in expected["skills"]]
    assert views["skills"]["cells"] == sum(len(b["skills"]) for b in expected["boroughs"])
    assert views["unknown"]["h1"] == "Unknown borough"

    # Phone width: nothing wider than the screen.
    for name, size in views["phone"].items():
        assert size["scrollWidth"] <= size["innerWidth"], (name, size)

    # Members-only facts refused (null with an error): the views still render and say what is missing.
    refused = views["refused"]
    assert refused["map"]["shapes"] == 33 and "sign in" in refused["map"]["notice"]
    assert refused["borough"]["systems"] == len(merton["systems"]) and "sign in" in refused["borough"]["notice"]
    assert refused["market"]["correlation"] == "" and "sign in" in refused["market"]["notice"]
    assert refused["borough"]["satisfaction"] and set(refused["borough"]["satisfaction"]) == {"sign in to see"}
    assert "sign in to see" in refused["borough"]["skills"]
    assert refused["skills"]["pairs"] == 0 and len(refused["skills"]["text"]) == 2

    for name in ("map", "borough", "supplier", "system", "collaborate", "buy-together", "market", "network", "skills"):
        assert (SCREENSHOTS / f"{name}.png").stat().st_size > 10_000, name


# --- the page, the routes and the assets, without a browser ---------------------------------------------


@pytest.mark.parametrize("path", ["/", "/map", "/borough/E09000024", "/supplier/DEMO-SUP-001", "/system/DEMO-SYS-0001",
                                  "/collaborate?boroughs=E09000007", "/buy-together", "/market", "/network", "/skills"])
async def test_every_view_path_answers_the_page(client: httpx.AsyncClient, path: str) -> None:
    page = await client.get(path)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    policy = page.headers["content-security-policy"]
    assert "script-src 'self';" in policy and "connect-src 'self'" in policy and "unsafe-eval" not in policy
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert all(s.startswith(("/dashboard-static/", "data:")) for s in sources), sources
    for source in sources:
        if source.startswith("/dashboard-static/"):
            asset = await client.get(source)
            assert asset.status_code == 200 and len(asset.content) > 10_000, source
    found = re.search(r'id="citygraph-dashboard-config" type="application/json">(.*?)</script>', page.text)
    config = json.loads(found.group(1))
    assert config == {"base": "", "graphql": "/graphql", "static": "/dashboard-static"}


async def test_unknown_paths_stay_404(client: httpx.AsyncClient) -> None:
    assert (await client.get("/borough")).status_code == 404
    assert (await client.get("/nothing-here")).status_code == 404


async def test_graphiql_opens_a_linked_operation(client: httpx.AsyncClient) -> None:
    query = "query BoroughName($code: ID!) { borough(code: $code) { name } }"
    page = await client.get("/graphql", params={"document": query, "variables": '{"code": "E09000024"}'},
                            headers={"accept": "text/html"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    found = re.search(r'id="citygraph-graphiql-config" type="application/json">(.*?)</script>', page.text)
    config = json.loads(found.group(1))
    linked = next(e for e in config["examples"] if e["name"] == config["example"])
    assert linked["query"] == query and json.loads(linked["variables"]) == {"code": "E09000024"}
    # ?query= still runs the query (GraphQL over HTTP GET), it does not open GraphiQL.
    ran = await client.get("/graphql", params={"query": "{ __typename }"})
    assert ran.json()["data"] == {"__typename": "Query"}


def test_boundaries_are_small_and_name_the_33_councils() -> None:
    path = pages.STATIC_DIR / "london_boroughs.geojson"
    assert path.stat().st_size < 300_000
    features = json.loads(path.read_text())["features"]
    codes = {f["properties"]["gss_code"] for f in features}
    with open(ROOT / "citygraph/graph/data/london_boroughs.csv", newline="") as handle:
        councils = {row["gss_code"] for row in csv.DictReader(handle)}
    assert len(features) == 33 and codes == councils
    assert all(f["geometry"]["type"] in {"Polygon", "MultiPolygon"} for f in features)
    assert "Ordnance Survey" in (pages.STATIC_DIR / "ATTRIBUTION.md").read_text()


def test_bundle_is_built_from_the_locked_packages_and_names_no_cdn() -> None:
    versions = json.loads((pages.STATIC_DIR / "VERSIONS.json").read_text())
    lock = json.loads((ROOT / "web/package-lock.json").read_text())["packages"]
    for name, version in versions.items():
        assert lock[f"node_modules/{name}"]["version"] == version, f"{name}: rebuild with `make dashboard`"
    for path in pages.STATIC_DIR.iterdir():
        assert not CDN.search(path.read_text(encoding="utf-8", errors="ignore")), path.name
