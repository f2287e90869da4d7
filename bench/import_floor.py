"""The floor under `citygraph load`: how fast can Neo4j itself take the UK demo's nodes and relationships
through transactional Cypher on this machine, with no validation, no comparisons and no indexes beyond the
keys the relationships are matched by? And what does the alternative for a first load — Neo4j's offline
bulk importer, which needs the database stopped and started again — cost before it imports anything?

    CITYGRAPH_HOME=/tmp/cg-floor .venv/bin/python bench/import_floor.py [--seed N] [--repeats N] [--restart]

Builds the UK demo's rows in memory (148,413: contracts, system uses and skill ratings are all but ~900 of
them), creates the ~900 boroughs, suppliers, systems and skills they link to (not timed), then times writing
the rest — one node per contract, its AWARDED, WITH and COVERS relationships, the USES and HAS_SKILL
relationships — the cheapest way Cypher allows: `UNWIND $rows … MATCH … CREATE`, 20,000 rows per statement,
each variant in one transaction and in two concurrent ones (contracts split in halves):

- **bare**: nodes with their id only, relationships without properties;
- **as stored**: the properties the importer writes (contract fields, `source` and `updatedAt` on every
  node and relationship), still with no unique constraint, no property index and no full-text index.

It prints wall seconds, Neo4j's CPU seconds (from /proc) and "bundle rows/s" = 148,413 / wall: a ceiling
for the importer, which also validates the bundle (about 1 s), keeps the constraints and indexes up to date
and publishes atomically. `--restart` also times stopping and starting the embedded Neo4j, the least an
offline import (`neo4j-admin database import`) would add. Point CITYGRAPH_HOME at a throwaway folder: the
graph is cleared first. The embedded Neo4j it starts gets a 4 GB heap (CITYGRAPH_NEO4J_HEAP), which one
transaction of these rows needs."""

import argparse
import asyncio
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

from neo4j import AsyncDriver, AsyncGraphDatabase

from citygraph.graph import demo
from citygraph.graph.database import Database, resolve_connection
from citygraph.graph.embedded import EmbeddedNeo4j
from citygraph.graph.settings import get_settings

sys.path.insert(0, str(Path(__file__).resolve().parent))
from import_uk_demo import clear, cpu_seconds, log  # noqa: E402  (a sibling script)

BATCH = 20_000
HUBS = [
    "UNWIND $rows AS r CREATE (:FloorBorough {code: r.code})",
    "UNWIND $rows AS r CREATE (:FloorSupplier {id: r.id})",
    "UNWIND $rows AS r CREATE (:FloorSystem {id: r.id})",
    "UNWIND $rows AS r CREATE (:FloorSkill {name: r.skill})",
]
HUB_INDEXES = [
    "CREATE INDEX floor_borough IF NOT EXISTS FOR (n:FloorBorough) ON (n.code)",
    "CREATE INDEX floor_supplier IF NOT EXISTS FOR (n:FloorSupplier) ON (n.id)",
    "CREATE INDEX floor_system IF NOT EXISTS FOR (n:FloorSystem) ON (n.id)",
    "CREATE INDEX floor_skill IF NOT EXISTS FOR (n:FloorSkill) ON (n.name)",
]
BARE = {
    "contracts": """UNWIND $rows AS r
        MATCH (b:FloorBorough {code: r.borough}) MATCH (s:FloorSupplier {id: r.supplier})
        CREATE (b)-[:AWARDED]->(c:FloorContract {id: r.id})-[:WITH]->(s)
        WITH c, r UNWIND r.systems AS y MATCH (x:FloorSystem {id: y}) CREATE (c)-[:COVERS]->(x)""",
    "uses": """UNWIND $rows AS r MATCH (b:FloorBorough {code: r.borough}) MATCH (y:FloorSystem {id: r.system})
        CREATE (b)-[:USES]->(y)""",
    "ratings": """UNWIND $rows AS r MATCH (b:FloorBorough {code: r.borough}) MATCH (k:FloorSkill {name: r.skill})
        CREATE (b)-[:HAS_SKILL]->(k)""",
}
STORED = {
    "contracts": """UNWIND $rows AS r
        MATCH (b:FloorBorough {code: r.borough}) MATCH (s:FloorSupplier {id: r.supplier})
        CREATE (b)-[:AWARDED {source: $source, updatedAt: datetime()}]->(c:FloorContract {
                 id: r.id, title: r.title, valueGbp: r.value, startDate: r.start, endDate: r.end,
                 maxExtensionDate: r.extension, source: $source, updatedAt: datetime()
               })-[:WITH {source: $source, updatedAt: datetime()}]->(s)
        WITH c, r UNWIND r.systems AS y MATCH (x:FloorSystem {id: y})
        CREATE (c)-[:COVERS {source: $source, updatedAt: datetime()}]->(x)""",
    "uses": """UNWIND $rows AS r MATCH (b:FloorBorough {code: r.borough}) MATCH (y:FloorSystem {id: r.system})
        CREATE (b)-[:USES {since: r.since, hosting: r.hosting, satisfaction: r.satisfaction, users: r.users,
                           source: $source, updatedAt: datetime()}]->(y)""",
    "ratings": """UNWIND $rows AS r MATCH (b:FloorBorough {code: r.borough}) MATCH (k:FloorSkill {name: r.skill})
        CREATE (b)-[:HAS_SKILL {level: r.level, source: $source, updatedAt: datetime()}]->(k)""",
}
REMOVE = [
    "MATCH (n:FloorContract) WITH n LIMIT 20000 DETACH DELETE n RETURN count(*) AS deleted",
    "MATCH (:FloorBorough)-[r]->() WITH r LIMIT 50000 DELETE r RETURN count(*) AS deleted",
]


def _date(value: object) -> date | None:
    return date.fromisoformat(str(value)) if str(value) else None


def _int(value: object) -> int | None:
    return int(str(value)) if str(value) else None


def floor_rows(seed: int) -> tuple[dict[str, list[dict[str, Any]]], dict[str, list[dict[str, Any]]], int]:
    """(hub rows, rows per statement, the bundle's row count) from the UK demo's tables."""
    tables = demo.build("uk", seed)
    hubs = {
        "boroughs": tables["boroughs.csv"],
        "suppliers": tables["suppliers.csv"],
        "systems": tables["systems.csv"],
        "skills": [{"skill": s} for s in sorted({r["skill"] for r in tables["skill_ratings.csv"]})],
    }
    rows = {
        "contracts": [
            {
                "id": r["id"], "borough": r["borough_code"], "supplier": r["supplier_id"],
                "systems": [y for y in str(r["system_ids"]).split(";") if y], "title": r["title"],
                "value": float(r["value_gbp"]) if r["value_gbp"] != "" else None, "start": _date(r["start_date"]),
                "end": _date(r["end_date"]), "extension": _date(r["max_extension_date"]),
            }  # fmt: skip
            for r in tables["contracts.csv"]
        ],
        "uses": [
            {
                "borough": r["borough_code"], "system": r["system_id"], "since": _date(r["since"]),
                "hosting": r["hosting"] or "UNKNOWN", "satisfaction": _int(r["satisfaction"]), "users": _int(r["users"]),
            }  # fmt: skip
            for r in tables["system_uses.csv"]
        ],
        "ratings": [
            {"borough": r["borough_code"], "skill": r["skill"], "level": _int(r["level"])} for r in tables["skill_ratings.csv"]
        ],
    }
    return hubs, rows, sum(len(t) for t in tables.values())


async def remove_written(db: Database) -> None:
    """Deletes the contracts and relationships a timed write made, in chunks; the hubs stay."""
    for statement in REMOVE:
        while (await db.run_text(statement, write=True))[0]["deleted"]:
            pass


async def write_all(driver: AsyncDriver, statements: dict[str, str], rows: dict[str, list[dict[str, Any]]]) -> None:
    async def work(tx: Any) -> None:
        for kind, statement in statements.items():
            for start in range(0, len(rows[kind]), BATCH):
                await (await tx.run(statement, rows=rows[kind][start : start + BATCH], source="floor")).consume()

    async with driver.session() as session:
        await session.execute_write(work)


async def timed(
    driver: AsyncDriver, db: Database, statements: dict[str, str], rows: dict[str, list[dict[str, Any]]],
    transactions: int, neo4j_pid: int | None,
) -> tuple[float, float | None]:  # fmt: skip
    """Wall and Neo4j CPU seconds to write `rows` in `transactions` concurrent transactions (contracts split
    between them, the few other rows in the first), then removes what was written."""
    parts = [
        {kind: (r[i::transactions] if kind == "contracts" else r if i == 0 else []) for kind, r in rows.items()}
        for i in range(transactions)
    ]
    before, started = cpu_seconds(neo4j_pid), time.perf_counter()
    await asyncio.gather(*(write_all(driver, statements, part) for part in parts))
    wall, after = time.perf_counter() - started, cpu_seconds(neo4j_pid)
    await remove_written(db)
    return wall, (None if before is None or after is None else after - before)


async def bench(args: argparse.Namespace, embedded: EmbeddedNeo4j) -> None:
    settings = get_settings()
    connection = resolve_connection(settings, progress=log)
    db = Database(connection)
    driver = AsyncGraphDatabase.driver(connection.uri, auth=(connection.user, connection.password))
    neo4j_pid = embedded.status().pid if settings.embedded else None
    try:
        hubs, rows, bundle_rows = floor_rows(args.seed)
        log(f"UK demo (seed {args.seed}): {bundle_rows:,} rows; timing {sum(len(r) for r in rows.values()):,} of them")
        await clear(db)
        for statement, hub_rows in zip(HUBS, hubs.values(), strict=True):
            await db.run_text(statement, {"rows": hub_rows}, write=True)
        for statement in HUB_INDEXES:
            await db.run_text(statement, write=True)
        await db.run_text("CALL db.awaitIndexes(300)")
        await write_all(driver, BARE, rows)  # a warm-up: Neo4j's first write of this shape compiles its code
        await remove_written(db)
        print(f"{'variant':34} {'wall s':>7} {'Neo4j CPU s':>12} {'bundle rows/s':>14}   (median of {args.repeats})")
        for name, statements in (("bare", BARE), ("as stored", STORED)):
            for transactions in (1, 2):
                results = [
                    await timed(driver, db, statements, rows, transactions, neo4j_pid) for _ in range(args.repeats)
                ]
                wall = statistics.median(w for w, _ in results)
                cpus = [c for _, c in results if c is not None]
                cpu = f"{statistics.median(cpus):12.1f}" if cpus else f"{'-':>12}"
                label = f"{name}, {transactions} transaction{'s' if transactions > 1 else ''}"
                print(f"{label:34} {wall:7.1f} {cpu} {bundle_rows / wall:14,.0f}", flush=True)
        await clear(db)
    finally:
        await driver.close()
        await db.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=demo.DEFAULT_SEED)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--restart", action="store_true", help="also time stopping and starting the embedded Neo4j")
    args = parser.parse_args()
    settings = get_settings()
    embedded = EmbeddedNeo4j.from_settings(settings)
    started_here = settings.embedded and not embedded.status().running
    try:
        asyncio.run(bench(args, embedded))
        if args.restart and settings.embedded:
            started = time.perf_counter()
            embedded.stop()
            stopped = time.perf_counter()
            embedded.start(settings.bolt_port, progress=log)
            print(
                f"embedded Neo4j: stop {stopped - started:.1f}s, start {time.perf_counter() - stopped:.1f}s "
                f"(an offline import needs both, on top of the import itself)"
            )
    finally:
        if started_here:
            embedded.stop()
    return 0


if __name__ == "__main__":
    os.environ.setdefault("CITYGRAPH_QUERY_TIMEOUT_S", "600")
    # Written in one transaction the rows need more than the 716.8 MiB of transaction memory a 1 GB heap allows.
    os.environ.setdefault("CITYGRAPH_NEO4J_HEAP", "4g")
    sys.exit(main())
