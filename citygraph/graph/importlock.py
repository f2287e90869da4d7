"""One import at a time, across machines: a lease held on a single `:ImportLock` node in Neo4j.

A loader takes the lock before it reads anything it will write against, renews the lease every third of
its length while it works, and releases it in the same transaction that commits its data. A second loader
is refused with a message naming the running one (or waits, with `wait=True`). A lock left by a loader
that was killed frees itself when its lease expires, or at once when its holder was a process on this
host that no longer exists. See docs/importing.md."""

import asyncio
import datetime as dt
import os
import socket
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass

from neo4j.exceptions import DriverError, Neo4jError

from citygraph.graph import version
from citygraph.graph.database import Database, Row, WriteTransaction
from citygraph.graph.settings import get_settings

WAIT_POLL_S = 1.0


@dataclass(frozen=True)
class LockHolder:
    token: str
    holder: str
    pid: int
    host: str
    started: dt.datetime
    heartbeat: dt.datetime
    expires_at: dt.datetime
    now: dt.datetime  # the database's clock when this was read

    @classmethod
    def from_row(cls, row: Row) -> "LockHolder":
        return cls(
            row["token"], row["holder"], row["pid"], row["host"], row["started"], row["heartbeat"],
            row["expiresAt"], row["now"],
        )  # fmt: skip

    def describe(self) -> str:
        beat = (self.now - self.heartbeat).total_seconds()
        return (
            f"{self.holder} (pid {self.pid} on {self.host}, started {self.started:%Y-%m-%d %H:%M:%S} UTC, "
            f"last heartbeat {beat:.0f}s ago; its lock expires at {self.expires_at:%H:%M:%S} UTC unless renewed)"
        )

    def is_dead_local_process(self) -> bool:
        """True when the holder ran on this host and its process is gone (a `kill -9`, a crash)."""
        if self.host != socket.gethostname() or self.pid == os.getpid():
            return False
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False  # alive, another user's
        return False


class ImportLocked(Exception):
    """Another import holds the lock."""

    def __init__(self, holder: LockHolder):
        super().__init__(f"another import is running: {holder.describe()}. Try again later, or pass --wait.")
        self.holder = holder


class ImportLockLost(Exception):
    """This import's lease expired and another loader took the lock over; nothing was committed."""


class ImportLock:
    """A held lock: renewed in the background until `release_in` or `release`."""

    def __init__(self, db: Database, token: str, ttl_s: float):
        self.db = db
        self.token = token
        self.ttl_ms = int(ttl_s * 1000)
        self._stop = asyncio.Event()
        self._heartbeat: asyncio.Task[None] | None = None

    def start_heartbeat(self) -> None:
        self._heartbeat = asyncio.create_task(self._beat())

    async def _beat(self) -> None:
        period = self.ttl_ms / 3000
        while True:
            with suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), period)
                return
            # A failed renewal is not fatal here: release_in() finds out whether the lock is still ours.
            with suppress(Exception):
                await self.db.write("import_lock_renew", token=self.token, ttlMs=self.ttl_ms)

    async def stop_heartbeat(self) -> None:
        self._stop.set()
        if self._heartbeat is not None:
            await self._heartbeat

    async def release_in(self, tx: WriteTransaction) -> None:
        """Releases the lock inside the import's transaction, so the release commits with the data.
        Raises ImportLockLost (and the caller's transaction rolls back) when the lock is no longer ours."""
        await self.stop_heartbeat()
        [row] = await tx.run("import_lock_release", token=self.token)
        if not row["released"]:
            raise ImportLockLost(
                "this import's lock expired and another import took it over; nothing was written, load again"
            )
        # Every import ends here, in its own final transaction: the graph version moves with its data, so
        # cached responses (in every API process) are stale exactly from the import's commit.
        await version.bump(tx)

    async def release(self) -> None:
        await self.stop_heartbeat()
        await self.db.write("import_lock_release", token=self.token)


async def acquire(
    db: Database, holder: str, *, wait: bool = False, on_wait: Callable[[str], None] | None = None
) -> ImportLock:
    """Takes the import lock or raises ImportLocked; with `wait`, polls until it is free."""
    ttl_s = get_settings().import_lock_ttl_s
    token = uuid.uuid4().hex
    params = dict(token=token, holder=holder, pid=os.getpid(), host=socket.gethostname(), ttlMs=int(ttl_s * 1000))
    stale: str | None = None
    told: str | None = None
    while True:
        [row] = await db.write("import_lock_acquire", stale=stale, **params)
        if row["acquired"]:
            lock = ImportLock(db, token, ttl_s)
            lock.start_heartbeat()
            return lock
        if row["token"] is None:
            continue  # the holder deleted the node (released) while we waited for it: try again at once
        running = LockHolder.from_row(row)
        if running.is_dead_local_process():
            stale = running.token  # take it over at once, without waiting for the lease to run out
            continue
        if not wait:
            raise ImportLocked(running)
        if on_wait and told != running.token:
            on_wait(f"waiting for the running import: {running.describe()}")
            told = running.token
        await asyncio.sleep(WAIT_POLL_S)


@asynccontextmanager
async def import_lock(
    db: Database, holder: str, *, wait: bool = False, on_wait: Callable[[str], None] | None = None
) -> AsyncIterator[ImportLock]:
    """Holds the import lock for the block. The block should end with `lock.release_in(tx)` in its write
    transaction; whatever happens, the lock is released (if still ours) when the block is left."""
    lock = await acquire(db, holder, wait=wait, on_wait=on_wait)
    try:
        yield lock
    finally:
        # Best effort: if Neo4j is gone, the lease expires by itself, and the original error matters more.
        with suppress(Neo4jError, DriverError):
            await lock.release()
