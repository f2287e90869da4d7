"""All-or-nothing imports and the import lock, with real `citygraph load` processes against the real Neo4j.

A loader killed with SIGKILL at any moment leaves the graph exactly as before or exactly as after the load
(tests/graph_checksum.py); two loads at once: the second refuses naming the first, or waits with --wait; a
lock left by a killed loader, or one whose lease expired, is taken over."""

import asyncio
import csv
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from citygraph.cli import main
from citygraph.graph import demo, ocds, version
from citygraph.graph.database import Connection, Database
from citygraph.graph.bundle import BundleInvalid
from citygraph.graph.importer import load_bundle
from citygraph.graph.reference import seed
from citygraph.graph.settings import DEFAULT_IT_CPV_PREFIXES, get_settings
from tests.graph_checksum import graph_checksum

UPDATED_AT = frozenset({"updatedAt"})
TRIALS = 10


@pytest.fixture(scope="module")
def mid_bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A mid-size slice of the UK demo (~4,350 rows): all boroughs, suppliers, areas and systems, the first
    2,000 contracts, 1,000 system uses and 500 skill ratings (every reference still resolves)."""
    folder = tmp_path_factory.mktemp("mid-bundle")
    demo.generate(folder, "uk", demo.DEFAULT_SEED)
    for name, keep in (("contracts.csv", 2000), ("system_uses.csv", 1000), ("skill_ratings.csv", 500)):
        path = folder / name
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, lineterminator="\n").writerows(rows[: keep + 1])
    return folder


def loader_env(connection: Connection, tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("NEO4J_", "CITYGRAPH_"))}
    env.update(
        NEO4J_URI=connection.uri,
        NEO4J_USER=connection.user,
        NEO4J_PASSWORD=connection.password,
        NEO4J_DATABASE=connection.database,
        CITYGRAPH_HOME=str(tmp_path / "home"),
        **extra,
    )
    return env


def start_load(env: dict[str, str], folder: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "citygraph", "load", str(folder), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[str]]]:
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:  # only the loaders this test started
        if process.poll() is None:
            process.kill()
            process.wait()


async def settle(db: Database) -> None:
    """Waits until no other transaction runs: a killed loader's open transaction is rolled back by Neo4j
    when it notices the dropped connection, which may take until its current statement ends."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        rows = await db.run_text("SHOW TRANSACTIONS YIELD currentQuery WHERE NOT currentQuery STARTS WITH 'SHOW' RETURN 1")
        if not rows:
            return
        await asyncio.sleep(0.1)
    raise AssertionError("a killed loader's transaction was still running after 60 s")


async def loader_phase(db: Database) -> str:
    """Where a loader is, seen from the database: starting, validating (holds the lock), staging or
    writing (one of its statements runs)."""
    running = await db.run_text(
        "SHOW TRANSACTIONS YIELD currentQuery WHERE NOT currentQuery STARTS WITH 'SHOW' RETURN currentQuery AS q"
    )
    if any(r["q"].startswith("// Staging") for r in running):
        return "staging"
    if any(r["q"].startswith(("// Bundle", "// Publication")) for r in running):
        return "writing"
    return "validating" if await lock_holder(db) else "starting"


async def lock_holder(db: Database) -> dict | None:
    rows = await db.run_text("MATCH (l:ImportLock) RETURN l {.*} AS lock")
    return rows[0]["lock"] if rows else None


async def wait_for_lock(db: Database, process: subprocess.Popen[str]) -> dict:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if (holder := await lock_holder(db)) and holder.get("pid") == process.pid:
            return holder
        assert process.poll() is None, process.communicate()
        await asyncio.sleep(0.05)
    raise AssertionError("the loader never took the import lock")


# --- kill -9 at ten moments ------------------------------------------------------------------------------


async def test_a_killed_loader_leaves_the_graph_as_before_or_as_after(
    db: Database, neo4j_connection: Connection, mid_bundle: Path, tmp_path: Path, processes: list
):
    await seed(db)
    # Reference: the same load, complete, timed, to spread the kills over its whole run.
    started = time.monotonic()
    reference = start_load(loader_env(neo4j_connection, tmp_path), mid_bundle)
    processes.append(reference)
    out, err = reference.communicate(timeout=300)
    duration = time.monotonic() - started
    assert reference.returncode == 0, err
    after = await graph_checksum(db, ignore=UPDATED_AT)

    outcomes: list[str] = []
    attempts = 0
    while len(outcomes) < TRIALS:
        attempts += 1
        assert attempts <= 3 * TRIALS, outcomes
        await db.write("clear_graph")
        await seed(db)
        before = await graph_checksum(db)  # exact, updatedAt included
        trial = len(outcomes)
        # Even trials load in one transaction, odd ones staged (a tiny threshold) then published.
        extra = {"CITYGRAPH_IMPORT_MAX_TRANSACTION_ROWS": "1000"} if trial % 2 else {}
        started = time.monotonic()
        loader = start_load(loader_env(neo4j_connection, tmp_path, **extra), mid_bundle)
        processes.append(loader)
        delay = duration * (trial + 0.5) / TRIALS  # spread over the whole run
        while time.monotonic() - started < delay and loader.poll() is None:
            await asyncio.sleep(0.02)
        if loader.poll() is not None:  # it finished before the moment: this machine is faster now
            duration = time.monotonic() - started
            continue
        phase = await loader_phase(db)
        loader.send_signal(signal.SIGKILL)
        loader.wait()
        await settle(db)
        if await graph_checksum(db) == before:
            outcomes.append(f"{delay:.1f}s {phase}: before")
        else:
            assert await graph_checksum(db, ignore=UPDATED_AT) == after, f"trial {trial}: half-written graph"
            outcomes.append(f"{delay:.1f}s {phase}: after")
    print(f"\nkill -9 trials ({attempts - TRIALS} retried, the load had finished): " + "; ".join(outcomes))
    assert any(o.endswith("before") for o in outcomes)  # some kills landed before the commit
    # The next load takes over the lock the last killed loader left, and completes.
    final = start_load(loader_env(neo4j_connection, tmp_path), mid_bundle)
    processes.append(final)
    assert final.wait(timeout=300) == 0, final.communicate()
    assert await graph_checksum(db, ignore=UPDATED_AT) == after
    assert await lock_holder(db) is None


# --- the lock ----------------------------------------------------------------------------------------------


async def test_a_second_load_refuses_naming_the_running_one_or_waits(
    db: Database, neo4j_connection: Connection, mid_bundle: Path, tmp_path: Path, processes: list
):
    await seed(db)
    env = loader_env(neo4j_connection, tmp_path)
    # The test holds a write lock on a council the bundle updates, so the first load, once it holds the
    # import lock, stays in its write transaction until the test lets go: the overlap is certain.
    async with db.driver.session(database=neo4j_connection.database) as session:
        blocker = await session.begin_transaction()
        await blocker.run("MATCH (b:Borough {code: 'E09000001'}) SET b.name = b.name + ''")
        first = start_load(env, mid_bundle)
        processes.append(first)
        holder = await wait_for_lock(db, first)
        assert holder["host"] == socket.gethostname() and str(mid_bundle) in holder["holder"]

        second = start_load(env, mid_bundle)
        waiting = start_load(env, mid_bundle, "--wait")
        processes.extend([second, waiting])
        out, err = second.communicate(timeout=120)
        assert second.returncode == 1, err
        assert err.startswith("citygraph load: another import is running: load "), err
        assert f"pid {first.pid} on {socket.gethostname()}" in err and str(mid_bundle) in err
        assert "Traceback" not in err
        deadline = time.monotonic() + 60
        while "waiting for the running import" not in (await asyncio.to_thread(waiting.stderr.readline)):
            assert time.monotonic() < deadline and waiting.poll() is None
        assert first.poll() is None and waiting.poll() is None  # both held up by the first one's lock
        await blocker.rollback()

    assert first.wait(timeout=300) == 0, first.communicate()
    out, err = waiting.communicate(timeout=300)
    assert waiting.returncode == 0, err
    assert "created nothing; updated nothing" in out  # it ran after the first, on the loaded graph
    assert await lock_holder(db) is None


async def test_an_expired_lock_is_taken_over_a_live_one_is_not(db: Database, tmp_path: Path):
    sample = Path(__file__).parent / "bundles" / "inner-london-sample"
    await db.run_text(
        "CREATE (:ImportLock {name: 'import', token: 'other', holder: 'load /elsewhere as x', pid: 4242,"
        " host: 'another-machine', started: datetime(), heartbeat: datetime(),"
        " expiresAt: datetime() + duration({seconds: 30})})",
        write=True,
    )
    from citygraph.graph.importlock import ImportLocked

    with pytest.raises(ImportLocked, match="load /elsewhere as x \\(pid 4242 on another-machine"):
        await load_bundle(db, sample)
    assert await db.run_text("MATCH (n:Contract) RETURN count(n) AS n") == [{"n": 0}]

    # A lease that runs out (its loader died on another machine): --wait takes it over when it expires.
    await db.run_text("MATCH (l:ImportLock) SET l.expiresAt = datetime() + duration({seconds: 2})", write=True)
    waited: list[str] = []
    started = time.monotonic()
    report = await load_bundle(db, sample, wait=True, on_wait=waited.append)
    assert report.count("created") > 0 and time.monotonic() - started >= 1
    assert len(waited) == 1 and "another-machine" in waited[0]
    assert await lock_holder(db) is None


async def test_a_lock_left_by_a_killed_loader_on_this_host_is_taken_over_at_once(
    db: Database, neo4j_connection: Connection, mid_bundle: Path, tmp_path: Path, processes: list
):
    env = loader_env(neo4j_connection, tmp_path, CITYGRAPH_IMPORT_LOCK_TTL_S="600")
    killed = start_load(env, mid_bundle)
    processes.append(killed)
    await wait_for_lock(db, killed)
    killed.kill()
    killed.wait()
    assert (await lock_holder(db))["pid"] == killed.pid  # left behind, with a 10-minute lease
    started = time.monotonic()
    report = await load_bundle(db, mid_bundle)
    assert report.count("created") > 0 and time.monotonic() - started < 120
    assert await lock_holder(db) is None


# --- staging -------------------------------------------------------------------------------------------------


async def test_a_staged_load_writes_what_one_transaction_writes(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    folder = tmp_path / "london"
    demo.generate(folder, "london", demo.DEFAULT_SEED)
    await seed(db)  # so that some rows touch what the graph had: those are written at publication
    single = await load_bundle(db, folder)
    in_one_transaction = await graph_checksum(db, ignore=UPDATED_AT)

    await db.write("clear_graph")
    await seed(db)
    # Leftovers of a staged load whose loader was killed: removed before the next load starts.
    await db.run_text("CREATE (:StagedContract {id: 'left-over'})-[:WITH]->(:StagedSupplier {id: 'x'})", write=True)
    monkeypatch.setenv("CITYGRAPH_IMPORT_MAX_TRANSACTION_ROWS", "100")
    get_settings.cache_clear()
    try:
        staged = await load_bundle(db, folder)
        assert await graph_checksum(db, ignore=UPDATED_AT) == in_one_transaction
        assert staged.counts == single.counts
        [row] = await db.run_text("MATCH (n) WHERE any(l IN labels(n) WHERE l STARTS WITH 'Staged') RETURN count(n) AS n")
        assert row["n"] == 0
        exact = await graph_checksum(db)
        again = await load_bundle(db, folder)  # idempotent through the staged path too
        assert again.count("created") == again.count("updated") == 0
        assert await graph_checksum(db) == exact
    finally:
        get_settings.cache_clear()


async def test_cli_commands_refuse_while_another_import_holds_the_lock(
    db: Database, neo4j_connection: Connection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
):
    for key, value in loader_env(neo4j_connection, tmp_path).items():
        if key.startswith(("NEO4J_", "CITYGRAPH_")):
            monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    await db.run_text(
        "CREATE (:ImportLock {name: 'import', token: 'other', holder: 'load /elsewhere as x', pid: 4242,"
        " host: 'another-machine', started: datetime(), heartbeat: datetime(),"
        " expiresAt: datetime() + duration({seconds: 300})})",
        write=True,
    )
    sample = Path(__file__).parent / "bundles" / "inner-london-sample"
    ocds_file = Path(__file__).parent / "fixtures" / "ocds" / "contracts_finder_releases.json"
    try:
        for args in (["load", str(sample)], ["demo", "--out", str(tmp_path / "demo")], ["load-ocds", str(ocds_file)]):
            assert await asyncio.to_thread(main, args) == 1
            err = capsys.readouterr().err
            assert f"citygraph {args[0]}: another import is running: load /elsewhere as x (pid 4242" in err, err
        assert await asyncio.to_thread(main, ["load", str(sample), "--dry-run"]) == 0  # writes nothing: no lock
    finally:
        get_settings.cache_clear()
    assert await db.run_text("MATCH (n) WHERE NOT n:ImportLock AND NOT n:GraphVersion RETURN count(n) AS n") == [{"n": 0}]


async def test_every_import_moves_the_graph_version_and_a_failed_one_does_not(db: Database, tmp_path: Path):
    """Caches depend on it: the version moves in the import's own transaction (citygraph/graph/version.py)."""
    sample = Path(__file__).parent / "bundles" / "inner-london-sample"
    ocds_file = Path(__file__).parent / "fixtures" / "ocds" / "contracts_finder_releases.json"
    before = await version.current(db)
    await load_bundle(db, sample)
    after_load = await version.current(db)
    assert after_load == before + 1
    await ocds.load(db, [ocds.read_file(ocds_file, DEFAULT_IT_CPV_PREFIXES)], progress=lambda _: None)
    after_ocds = await version.current(db)
    assert after_ocds == after_load + 1
    broken = tmp_path / "broken"
    broken.mkdir()
    for path in sample.iterdir():
        (broken / path.name).write_bytes(path.read_bytes())
    with (broken / "contracts.csv").open("a", encoding="utf-8") as handle:
        handle.write("not,a,valid,row\n")
    with pytest.raises(BundleInvalid):
        await load_bundle(db, broken)
    assert await version.current(db) == after_ocds
