"""The response cache (citygraph/schema/response_cache.py, docs/response-cache.md) against the real Neo4j: hits,
freshness after a write in this process and in another one, ETags and 304, scope separation, the byte bound,
the off switch, and what is never cached."""

import asyncio
import re
import shutil
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from starlette.applications import Starlette
from starlette.routing import Route

from citygraph.auth.keys import create_key
from citygraph.auth.principal import Principal, Role
from citygraph.graph import version
from citygraph.graph.database import Connection, Database
from citygraph.graph.importer import load_bundle
from citygraph.graph.settings import Settings
from citygraph.schema.app import CityGraphQL, create_app
from tests.live_server import live_server

SAMPLE = Path(__file__).parent / "bundles" / "inner-london-sample"
SUPPLIERS = "{ suppliers { edges { node { id name } } } }"
ACME = "Acme Civic Software Ltd"


def renamed_sample(tmp_path: Path, name: str) -> Path:
    """The sample bundle with Acme's name changed: loading it is a write readers can see."""
    folder = tmp_path / ("sample-" + re.sub(r"\W", "-", name))
    shutil.copytree(SAMPLE, folder)
    suppliers = folder / "suppliers.csv"
    suppliers.write_text(suppliers.read_text().replace(ACME, name))
    return folder


def names(body: dict[str, Any]) -> set[str]:
    return {edge["node"]["name"] for edge in body["data"]["suppliers"]["edges"]}


def cache_settings(settings: Settings, **values: Any) -> Settings:
    """The test settings without CITYGRAPH_TRACE (traced responses are never cached) and with `values`."""
    return settings.model_copy(update={"trace": False, **values})


def graphql_view(app: Starlette) -> CityGraphQL:
    [view] = [route.app for route in app.routes if isinstance(route, Route) and isinstance(route.app, CityGraphQL)]
    return view


def metric(text: str, name: str) -> float:
    [value] = re.findall(rf"^{name} (\S+)$", text, re.MULTILINE)
    return float(value)


@pytest_asyncio.fixture
async def loaded(db: Database) -> Database:
    await load_bundle(db, SAMPLE)
    return db


@pytest_asyncio.fixture
async def cached_client(loaded: Database, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    # A long version check interval: freshness after a write in this process must not depend on it.
    app = create_app(cache_settings(settings, cache_version_check_ms=60_000), db=loaded)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://citygraph") as http:
        yield http


async def test_a_repeated_query_is_served_from_the_cache(cached_client: httpx.AsyncClient):
    first = await cached_client.post("/graphql", json={"query": SUPPLIERS})
    second = await cached_client.post("/graphql", json={"query": SUPPLIERS})
    assert (first.status_code, second.status_code) == (200, 200)
    assert (first.headers["x-cache"], second.headers["x-cache"]) == ("miss", "hit")
    assert second.content == first.content and ACME in names(second.json())
    assert second.headers["content-type"] == first.headers["content-type"] == "application/json; charset=utf-8"
    # The same operation written differently, sent with GET and variables in another order: the same entry.
    reformatted = "# the suppliers\nquery {\n  suppliers {\n    edges { node { id, name } }\n  }\n}"
    third = await cached_client.get("/graphql", params={"query": reformatted})
    assert third.headers["x-cache"] == "hit" and third.content == first.content
    metrics = (await cached_client.get("/metrics")).text
    assert metric(metrics, "citygraph_response_cache_hits_total") >= 2
    assert metric(metrics, "citygraph_response_cache_misses_total") >= 1
    assert metric(metrics, "citygraph_response_cache_entries") >= 1


async def test_variables_and_operation_name_are_part_of_the_key(cached_client: httpx.AsyncClient):
    query = "query One($id: ID!) { supplier(id: $id) { name } } query Two { serviceAreas { name } }"
    one_acme = {"query": query, "operationName": "One", "variables": {"id": "acme"}}
    acme = await cached_client.post("/graphql", json=one_acme)
    thames = await cached_client.post(
        "/graphql", json={"query": query, "operationName": "One", "variables": {"id": "thames"}}
    )
    two = await cached_client.post("/graphql", json={"query": query, "operationName": "Two"})
    assert [r.headers["x-cache"] for r in (acme, thames, two)] == ["miss", "miss", "miss"]
    assert acme.json()["data"]["supplier"]["name"] == ACME
    assert thames.json()["data"]["supplier"]["name"] == "Thames Data Services Ltd"
    again = await cached_client.post("/graphql", json=one_acme)
    assert again.headers["x-cache"] == "hit" and again.content == acme.content


async def test_a_write_in_this_process_makes_the_next_read_fresh(
    cached_client: httpx.AsyncClient, loaded: Database, tmp_path: Path
):
    assert ACME in names((await cached_client.post("/graphql", json={"query": SUPPLIERS})).json())
    assert (await cached_client.post("/graphql", json={"query": SUPPLIERS})).headers["x-cache"] == "hit"
    await load_bundle(loaded, renamed_sample(tmp_path, "Acme Renamed Ltd"))  # an import: moves the version
    fresh = await cached_client.post("/graphql", json={"query": SUPPLIERS})
    assert fresh.headers["x-cache"] == "miss"
    assert "Acme Renamed Ltd" in names(fresh.json()) and ACME not in names(fresh.json())


async def test_every_visible_write_moves_the_graph_version_in_its_own_transaction(loaded: Database):
    """Not only imports: reference data, enrichment and registers are written with Database.write, which moves
    the version in the same transaction; writes no reader sees (the import lock, staged rows) do not."""
    before = await version.stamp(loaded)
    await loaded.write("seed_boroughs", rows=[], source="test")
    after = await version.stamp(loaded)
    assert after != before and await version.current(loaded) == int(before.split("@")[0]) + 1
    await loaded.write("import_stage_clear")
    assert await version.stamp(loaded) == after


async def test_the_version_stamp_never_repeats_after_the_graph_is_emptied(loaded: Database):
    """The counter starts again at 1 after `clear_graph`; the stamp carries the moment too, so an entry cached
    before the graph was emptied can never match again."""
    first = await version.stamp(loaded)
    await loaded.write("clear_graph")
    await load_bundle(loaded, SAMPLE)
    second = await version.stamp(loaded)
    assert second.split("@")[0] == first.split("@")[0] and second != first


async def test_the_version_clock_reads_at_most_once_per_interval_and_again_after_a_local_commit(loaded: Database):
    clock = version.clock_for(loaded, interval_s=60)
    stamps = await asyncio.gather(*(clock.current() for _ in range(20)))  # concurrent requests share one read
    assert len(set(stamps)) == 1 and clock.reads == 1
    assert await clock.current() == stamps[0] and clock.reads == 1
    await loaded.write("seed_boroughs", rows=[], source="test")  # a commit in this process
    moved = await clock.current()
    assert clock.reads == 2 and moved != stamps[0] and moved == await version.stamp(loaded)


async def test_etag_and_if_none_match_answer_304_on_get_and_post(cached_client: httpx.AsyncClient, tmp_path: Path):
    first = await cached_client.post("/graphql", json={"query": SUPPLIERS})
    etag = first.headers["etag"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)
    assert first.headers["cache-control"] == "private, no-cache"
    assert first.headers["vary"] == "Authorization, Accept"
    for response in (
        await cached_client.post("/graphql", json={"query": SUPPLIERS}, headers={"if-none-match": etag}),
        await cached_client.get("/graphql", params={"query": SUPPLIERS}, headers={"if-none-match": f'"x", W/{etag}'}),
    ):
        assert response.status_code == 304 and response.content == b""
        assert response.headers["etag"] == etag
    other = await cached_client.post("/graphql", json={"query": SUPPLIERS}, headers={"if-none-match": '"other"'})
    assert other.status_code == 200 and other.content == first.content
    metrics = (await cached_client.get("/metrics")).text
    assert metric(metrics, "citygraph_response_cache_not_modified_total") >= 2


async def test_a_changed_answer_gets_a_new_etag_and_the_old_one_no_longer_matches(
    cached_client: httpx.AsyncClient, loaded: Database, tmp_path: Path
):
    etag = (await cached_client.post("/graphql", json={"query": SUPPLIERS})).headers["etag"]
    await load_bundle(loaded, renamed_sample(tmp_path, "Acme Changed Ltd"))
    response = await cached_client.post("/graphql", json={"query": SUPPLIERS}, headers={"if-none-match": etag})
    assert response.status_code == 200 and response.headers["etag"] != etag
    assert "Acme Changed Ltd" in names(response.json())


async def test_callers_of_different_read_scopes_never_share_an_entry(
    loaded: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
):
    """Signed in with a real member key, and anonymous: the same document never shares an entry, and a
    members-only fact a member's answer holds never reaches an anonymous caller."""
    app = create_app(cache_settings(settings), db=loaded)
    view = graphql_view(app)
    member_key = await create_key(loaded, "Cache scope member", Role.MEMBER, [])
    seen: list[Principal] = []

    async def resolver_saw(*args: Any, **kwargs: Any) -> Any:
        context = await original_context(*args, **kwargs)
        seen.append(context.principal)
        return context

    original_context = view.get_context
    monkeypatch.setattr(view, "get_context", resolver_saw)
    public = "{ systems { edges { node { name } } } }"
    members_only = "{ systems { edges { node { name averageSatisfaction } } } }"
    signed_in = {"authorization": f"Bearer {member_key}"}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://citygraph") as http:
        anonymous = await http.post("/graphql", json={"query": public})
        member = await http.post("/graphql", json={"query": public}, headers=signed_in)
        member_again = await http.post("/graphql", json={"query": public}, headers=signed_in)
        anonymous_again = await http.post("/graphql", json={"query": public})
        member_facts = await http.post("/graphql", json={"query": members_only}, headers=signed_in)
        member_facts_again = await http.post("/graphql", json={"query": members_only}, headers=signed_in)
        anonymous_facts = await http.post("/graphql", json={"query": members_only})
    assert [r.headers["x-cache"] for r in (anonymous, member, member_again, anonymous_again)] == [
        "miss",
        "miss",
        "hit",
        "hit",
    ]
    assert member_facts_again.headers["x-cache"] == "hit"
    assert any(e["node"]["averageSatisfaction"] is not None for e in member_facts.json()["data"]["systems"]["edges"])
    refused = anonymous_facts.json()
    assert all(e["node"]["averageSatisfaction"] is None for e in refused["data"]["systems"]["edges"])
    assert refused["errors"][0]["extensions"]["code"] == "SIGN_IN_REQUIRED"
    # Each answer was computed for its caller: the resolvers saw anonymous, the member, then anonymous.
    assert [principal.role for principal in seen] == [Role.ANONYMOUS, Role.MEMBER, Role.MEMBER, Role.ANONYMOUS]
    cache = view.service.response_cache
    assert cache is not None
    assert sorted(key[-2] for key in cache.entries.keys()) == ["members", "members", "public"]


async def test_the_byte_bound_evicts_the_least_recently_used(loaded: Database, settings: Settings):
    app = create_app(cache_settings(settings, cache_mb=3000 / 1024 / 1024), db=loaded)  # 3,000 bytes
    cache = graphql_view(app).service.response_cache
    assert cache is not None
    query = "query ($id: ID!) { supplier(id: $id) { id name } }"
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://citygraph") as http:
        for supplier in ("acme", "thames", "acme", "thames", "acme"):  # ~570 bytes each: both fit
            await http.post("/graphql", json={"query": query, "variables": {"id": supplier}})
        assert (cache.hits, cache.misses, cache.entries.evictions) == (3, 2, 0)
        for n in range(10):  # ten more distinct answers push the first ones out
            await http.post("/graphql", json={"query": query, "variables": {"id": f"nobody-{n}"}})
        assert cache.entries.evictions > 0 and cache.bytes <= 3000
        again = await http.post("/graphql", json={"query": query, "variables": {"id": "acme"}})
        assert again.headers["x-cache"] == "miss"
        assert metric((await http.get("/metrics")).text, "citygraph_response_cache_evictions_total") > 0


async def test_errors_traces_and_non_queries_are_never_cached(loaded: Database, settings: Settings):
    app = create_app(cache_settings(settings, trace_header=True), db=loaded)
    cache = graphql_view(app).service.response_cache
    assert cache is not None
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://citygraph") as http:
        bad = '{ contracts(first: 100000) { totalCount } }'  # over CITYGRAPH_MAX_PAGE_SIZE: an error
        for _ in range(2):  # computed each time: an answer with errors is not kept
            response = await http.post("/graphql", json={"query": bad})
            assert response.json()["errors"] and "x-cache" not in response.headers and "etag" not in response.headers
        assert cache.misses == 2
        traced = await http.post("/graphql", json={"query": SUPPLIERS}, headers={"x-citygraph-trace": "1"})
        assert "x-cache" not in traced.headers and "cypher" in traced.json()["extensions"]
        syntax = await http.post("/graphql", json={"query": "{ suppliers {"})
        assert syntax.status_code == 200 and "x-cache" not in syntax.headers
        subscription = await http.post("/graphql", json={"query": "subscription { __typename }"})
        assert "x-cache" not in subscription.headers
        not_json = await http.post("/graphql", content=b"{", headers={"content-type": "application/json"})
        assert not_json.status_code == 400
    assert len(cache.entries) == 0


async def test_cache_mb_0_turns_the_cache_off(loaded: Database, settings: Settings):
    app = create_app(cache_settings(settings, cache_mb=0), db=loaded)
    assert graphql_view(app).service.response_cache is None
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://citygraph") as http:
        responses = [await http.post("/graphql", json={"query": SUPPLIERS}) for _ in range(2)]
    for response in responses:
        assert response.status_code == 200 and ACME in names(response.json())
        assert "x-cache" not in response.headers and "etag" not in response.headers


def _post(base: str, query: str = SUPPLIERS) -> httpx.Response:
    response = httpx.post(f"{base}/graphql", json={"query": query}, timeout=30)
    assert response.status_code == 200, response.text
    return response


async def test_a_write_by_another_process_is_seen_by_every_api_process(
    loaded: Database, neo4j_connection: Connection, tmp_path: Path
):
    """Two real API processes (uvicorn) on one Neo4j: A reads the version for every request, B at most every
    1.5 s. An import from a third process (this one) is seen by A at once and by B within its interval."""
    interval_s = 1.5
    b_env = {"CITYGRAPH_CACHE_VERSION_CHECK_MS": str(int(interval_s * 1000))}
    with (
        live_server(neo4j_connection, tmp_path / "a", env={"CITYGRAPH_CACHE_VERSION_CHECK_MS": "0"}) as a,
        live_server(neo4j_connection, tmp_path / "b", env=b_env) as b,
    ):
        for base in (a, b):
            first = await asyncio.to_thread(_post, base)
            again = await asyncio.to_thread(_post, base)
            assert ACME in names(first.json()) and again.headers["x-cache"] == "hit"
        await load_bundle(loaded, renamed_sample(tmp_path, "Acme Elsewhere Ltd"))
        written_at = time.monotonic()
        fresh_a = await asyncio.to_thread(_post, a)
        assert fresh_a.headers["x-cache"] == "miss" and "Acme Elsewhere Ltd" in names(fresh_a.json())
        # B may still answer from its entry until its interval has passed, never after.
        while True:
            sent = time.monotonic()
            response = await asyncio.to_thread(_post, b)
            if "Acme Elsewhere Ltd" in names(response.json()):
                break
            assert sent - written_at < interval_s, "B answered from before the write after its interval"
            assert response.headers["x-cache"] == "hit"
            await asyncio.sleep(0.05)
        assert response.headers["x-cache"] == "miss"


def _worker_pid(base: str) -> int:
    # A new connection each time (no keep-alive), so each request may reach either worker.
    response = httpx.get(f"{base}/metrics", headers={"connection": "close"}, timeout=30)
    return int(float(metric(response.text, "citygraph_worker_pid")))


async def test_serve_with_two_workers_answers_from_both(loaded: Database, neo4j_connection: Connection, tmp_path: Path):
    with live_server(neo4j_connection, tmp_path / "workers", extra_args=["--workers", "2"]) as base:
        pids: set[int] = set()
        deadline = time.monotonic() + 60
        while len(pids) < 2 and time.monotonic() < deadline:
            pids.update(await asyncio.gather(*(asyncio.to_thread(_worker_pid, base) for _ in range(8))))
        assert len(pids) == 2, f"only worker(s) {pids} answered"
        for _ in range(4):  # each worker keeps its own cache; every answer is the same
            assert ACME in names((await asyncio.to_thread(_post, base)).json())
