"""`citygraph up --data real`: only real facts in the graph. The synthetic demo is removed (it is invented;
`citygraph demo` makes it again, byte for byte), then the shipped reference data is loaded: the 33
councils and their partnerships, their planning systems 2020 and 2025 (graph/planning.py), and the real
London and IT contract awards of Contracts Finder (`data/ocds_contracts_finder_london_and_it_subset.json`).
Data the user loaded (bundles, OCDS, registers) is real and stays."""

from collections.abc import Callable, Sequence
from importlib.resources import as_file, files

from citygraph.graph import ocds
from citygraph.graph.database import Database
from citygraph.graph.planning import seed_planning
from citygraph.graph.reference import seed

OCDS_FILE = "ocds_contracts_finder_london_and_it_subset.json"
BATCH = 10_000


async def remove_demo(db: Database) -> int:
    """Deletes every node and relationship the demo wrote; returns how many nodes went."""
    removed = 0
    for query in ("remove_demo_nodes", "remove_demo_relationships"):
        while True:
            [row] = await db.write(query, batch=BATCH)
            if query == "remove_demo_nodes":
                removed += row["count"]
            if row["count"] < BATCH:
                break
    return removed


async def load_real(db: Database, it_cpv_prefixes: Sequence[str], progress: Callable[[str], None]) -> None:
    removed = await remove_demo(db)
    if removed:
        progress(f"Removed {removed:,} nodes of the synthetic demo (`citygraph demo` loads them again).")
    progress(f"seeded {await seed(db)} London councils")
    progress((await seed_planning(db)).summary())
    with as_file(files("citygraph.graph") / "data" / OCDS_FILE) as path:
        data = ocds.read_file(path, it_cpv_prefixes)
    await ocds.load(db, [data], progress=progress)
    for line in ocds.summary([data])[:-1]:
        progress(line)
