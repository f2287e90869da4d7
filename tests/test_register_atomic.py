"""`load-register` and `enrich-companies` write like every other import (graph/importlock.py): under the
import lock, in one transaction that also releases the lock and moves the graph version. A loader killed
or failing in the middle of its transaction leaves the graph exactly as before; a second import refuses,
naming the running one, or waits with --wait."""

import asyncio
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from neo4j.exceptions import Neo4jError

from citygraph.graph import companies, register, version
from citygraph.graph.database import Connection, Database
from citygraph.graph.settings import DEFAULT_IT_CPV_PREFIXES
from tests.realdata_support import cli, snapshot, suppliers  # noqa: F401 (fixtures)
from tests.test_import_atomic import loader_env, lock_holder, processes, settle, wait_for_lock  # noqa: F401

MERTON_FILE = Path(__file__).parent / "fixtures" / "registers" / "merton_lga_layout.csv"
COMPANIES_FILE = Path(__file__).parent / "fixtures" / "companies" / "BasicCompanyData-2025-11-01-sample.csv"
MERTON = "E09000024"
CONTRACTS_STATEMENT = "// Contracts of a council's contracts register"  # register_contracts.cypher's first line


def foreign_lock(seconds: float) -> str:
    """A lock held by a loader on another machine, its lease running for `seconds`."""
    return (
        "CREATE (:ImportLock {name: 'import', token: 'other', holder: 'load /elsewhere as x', pid: 4242,"
        " host: 'another-machine', started: datetime(), heartbeat: datetime(),"
        f" expiresAt: datetime() + duration({{milliseconds: {int(seconds * 1000)}}})}})"
    )


async def test_a_register_load_is_one_transaction_and_moves_the_version(suppliers: Database, cli):
    before = await version.current(suppliers)
    assert await cli("load-register", MERTON_FILE, "--borough", MERTON) == 0
    assert await version.current(suppliers) == before + 1
    assert await lock_holder(suppliers) is None
    assert await cli("enrich-companies", COMPANIES_FILE) == 0
    assert await version.current(suppliers) == before + 2
    assert await lock_holder(suppliers) is None


async def test_a_failing_register_load_writes_nothing(suppliers: Database):
    """The suppliers statement runs first and succeeds; the contracts statement then fails (a value Neo4j
    cannot store): the new supplier must not be there either, the lock is free, the version unmoved."""
    data = register.read_register(MERTON_FILE, MERTON, DEFAULT_IT_CPV_PREFIXES)
    data.contracts[-1]["start_date"] = {"not": "a date"}  # a map: Neo4j refuses it as a property value
    before, stamp = await snapshot(suppliers), await version.current(suppliers)
    with pytest.raises(Neo4jError, match="[Pp]roperty values"):
        await register.load_register(suppliers, data)
    assert data.suppliers  # the suppliers were matched and sent before the failure
    assert await snapshot(suppliers) == before
    assert await version.current(suppliers) == stamp
    assert await lock_holder(suppliers) is None


async def test_a_killed_register_load_writes_nothing_and_its_lock_is_taken_over(
    suppliers: Database, neo4j_connection: Connection, tmp_path: Path, processes: list
):
    """The test holds a write lock on Merton, so the loader, having written the register's suppliers in
    its transaction, waits in the contracts statement (which links contracts to Merton): killed there."""
    env = loader_env(neo4j_connection, tmp_path)
    command = [sys.executable, "-m", "citygraph", "load-register", str(MERTON_FILE), "--borough", MERTON]
    before = await snapshot(suppliers)
    async with suppliers.driver.session(database=neo4j_connection.database) as session:
        blocker = await session.begin_transaction()
        await blocker.run("MATCH (b:Borough {code: $code}) SET b.name = b.name + ''", code=MERTON)
        loader = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        processes.append(loader)
        await wait_for_lock(suppliers, loader)
        deadline = time.monotonic() + 60
        while not await suppliers.run_text(
            "SHOW TRANSACTIONS YIELD currentQuery WHERE currentQuery STARTS WITH $q RETURN 1", {"q": CONTRACTS_STATEMENT}
        ):
            assert time.monotonic() < deadline and loader.poll() is None, "the loader never reached its contracts"
            await asyncio.sleep(0.05)
        loader.send_signal(signal.SIGKILL)
        loader.wait()
        await blocker.rollback()
    await settle(suppliers)
    assert (await lock_holder(suppliers))["pid"] == loader.pid  # left behind by the killed loader
    left = [row for row in await snapshot(suppliers) if row.get("l") != ["ImportLock"]]
    assert left == before  # not even the suppliers written before the kill
    # The next load takes over the dead loader's lock at once and completes.
    again = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    assert "3 IT contracts imported" in again.stdout
    assert await lock_holder(suppliers) is None


@pytest.mark.parametrize(
    "args",
    [("load-register", str(MERTON_FILE), "--borough", MERTON), ("enrich-companies", str(COMPANIES_FILE))],
)
async def test_refused_while_another_import_runs_or_waits_for_it(suppliers: Database, cli, capsys, args):
    await suppliers.run_text(foreign_lock(300), write=True)
    before = await snapshot(suppliers)
    assert await cli(*args) == 1
    err = capsys.readouterr().err
    assert f"citygraph {args[0]}: another import is running: load /elsewhere as x (pid 4242 on another-machine" in err
    assert err.rstrip().endswith("Try again later, or pass --wait.")
    assert await snapshot(suppliers) == before
    await suppliers.run_text("MATCH (l:ImportLock) DETACH DELETE l", write=True)

    # With --wait it waits until the other's lease runs out, then imports.
    await suppliers.run_text(foreign_lock(2), write=True)
    started = time.monotonic()
    assert await cli(*args, "--wait") == 0
    assert time.monotonic() - started >= 1
    assert "waiting for the running import: load /elsewhere as x" in capsys.readouterr().err
    assert await lock_holder(suppliers) is None
    assert await snapshot(suppliers) != before


async def test_enrich_reads_under_the_lock_and_writes_in_one_transaction(suppliers: Database):
    data, wanted = await companies.enrich(suppliers, COMPANIES_FILE)
    assert (len(data.companies), wanted) == (4, 5)
    rows = await suppliers.run_text(
        "MATCH (s:Supplier) WHERE s.companiesHouseSource IS NOT NULL RETURN count(s) AS n, "
        "collect(DISTINCT s.companiesHouseSource) AS sources"
    )
    assert rows == [{"n": 4, "sources": ["companies-house:BasicCompanyData-2025-11-01-sample.csv"]}]
    assert await lock_holder(suppliers) is None
