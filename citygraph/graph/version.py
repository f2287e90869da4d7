"""The graph version: a counter in Neo4j that every write transaction moves, in that transaction.

A response cached under version N is fresh exactly while the graph's version is still N, in every API process
that reads it, because the change and the bump commit (or roll back) together."""

import asyncio
import time
import weakref
from collections.abc import Awaitable, Callable

from citygraph.graph import database
from citygraph.graph.database import Database, WriteTransaction


async def bump(tx: WriteTransaction) -> int:
    """Moves the version inside the caller's write transaction; returns the new version."""
    [row] = await tx.run("graph_version_bump")
    return int(row["version"])


async def current(db: Database) -> int:
    """The committed version (0 before the first write)."""
    rows = await db.read("graph_version_read")
    return int(rows[0]["version"]) if rows else 0


async def stamp(db: Database) -> str:
    """The committed version with the moment it moved: what caches key on. The counter alone starts again at
    1 when the graph is emptied (tests, `clear_graph`); with the time it never repeats."""
    rows = await db.read("graph_version_read")
    return f"{rows[0]['version']}@{rows[0]['changedAt']}" if rows else "0"


class VersionClock:
    """The graph version as one API process sees it, for the response cache.

    Read from Neo4j at most once every `interval_s` (concurrent requests share one read), and always again
    after this process commits a write (database.commit_observers). So an answer is never older than this
    process's own last write, and a write by another process (an import, another API worker) is seen within
    `interval_s` plus one round trip. `interval_s = 0` reads the version for every request."""

    def __init__(self, read: Callable[[], Awaitable[str]], interval_s: float):
        self._read = read
        self.interval_s = interval_s
        self._value: str | None = None
        self._read_at = float("-inf")  # when the read that produced _value started
        self._generation = 0  # moves at every local commit: a read started before it must not be kept
        self._pending: asyncio.Future[str] | None = None
        self._pending_generation = -1
        self.reads = 0

    def invalidate(self) -> None:
        self._generation += 1
        self._value = None

    async def current(self) -> str:
        if self._value is not None and time.monotonic() - self._read_at < self.interval_s:
            return self._value
        if self._pending is None or self._pending_generation != self._generation:
            self._pending = asyncio.ensure_future(self._fetch(self._generation))
            self._pending_generation = self._generation
        # shield: one caller going away (client disconnect) must not cancel the read the others wait for
        return await asyncio.shield(self._pending)

    async def _fetch(self, generation: int) -> str:
        started = time.monotonic()
        try:
            value = await self._read()
            self.reads += 1
            if generation == self._generation:
                self._value, self._read_at = value, started
            return value
        finally:
            if self._pending_generation == generation:
                self._pending = None


_clocks: "weakref.WeakSet[VersionClock]" = weakref.WeakSet()  # weak: an app that is gone takes its clock along


def _invalidate_all() -> None:
    for clock in list(_clocks):
        clock.invalidate()


database.commit_observers.append(_invalidate_all)


def clock_for(db: Database, interval_s: float) -> VersionClock:
    """A VersionClock over `db` that forgets its version whenever this process commits a write."""
    clock = VersionClock(lambda: stamp(db), interval_s)
    _clocks.add(clock)
    return clock
