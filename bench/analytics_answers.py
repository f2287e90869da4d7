"""Every analytic's full answer for a fixed set of argument sets, as one JSON file: run it with two versions of
the code against the same loaded graph and compare the files, to show a rewrite changed no answer.

    .venv/bin/python bench/analytics_answers.py --home DIR --out answers.json [--only LABEL-PART]
    .venv/bin/python bench/analytics_answers.py --compare before.json after.json

--home names a CITYGRAPH_HOME whose Neo4j already holds the demo of that scale (`citygraph demo --scale …`
leaves it running). Each query runs in-process through the GraphQL schema (`schema.execute`, no HTTP); an
answer with errors is recorded as its error messages, so a changed error shows up as a difference too. Every
edge's sharedBoroughs of a 50-node network is over the default cost limit: set CITYGRAPH_MAX_COST to compare
those too.
"""

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from citygraph.auth.principal import Principal, Role
from citygraph.graph import demo
from citygraph.graph.database import Database, resolve_connection
from citygraph.graph.settings import Settings
from citygraph.loaders import Loaders
from citygraph.resolvers.context import Context
from citygraph.schema.schema import schema

AS_OF = demo.ANCHOR.isoformat()
MEMBER = Principal(name="answers", role=Role.MEMBER)  # skillsExchange is members only
LONDON = ["E09000007", "E09000019", "E09000012", "E09000024", "E09000029", "E09000021", "E09000005", "E09000002"]
SYSTEM = "system { id name serviceArea { name kind } manufacturer { id name sme companyNumber } }"
CONTRACT = "contracts { id title valueGbp startDate endDate maxExtensionDate supplier { id name } }"
NETWORK = "nodes { id kind label } edges { source target weight sharedBoroughs { code name region } }"


def queries() -> dict[str, str]:
    """Label -> GraphQL document. Every analytic with its defaults, then wider and narrower argument sets."""
    q: dict[str, str] = {}
    for n in (3, 8):
        for least in ("", ", minBoroughs: 2", ", minBoroughs: 1"):
            args = f"boroughCodes: {json.dumps(LONDON[:n])}{least}"
            q[f"sharedSystems {n}{least}"] = (
                f"{{ sharedSystems({args}) {{ boroughCount {SYSTEM} boroughs {{ code name region }} }} }}"
            )
            q[f"sharedSuppliers {n}{least}"] = (
                f"{{ sharedSuppliers({args}) {{ boroughCount supplier {{ id name sme companyNumber }} "
                "boroughs { code name region } } }"
            )
    for code in LONDON[:4]:
        for limit in ("", ", limit: 20"):
            q[f"collaborationPartners {code}{limit}"] = (
                f'{{ collaborationPartners(boroughCode: "{code}"{limit}) {{ borough {{ code name }} score reasons '
                f"sharedSystems {{ id name }} sharedSuppliers {{ id name }} }} }}"
            )
    for args in (
        "",
        ", withinMonths: 6",
        ", withinMonths: 3, limit: 400",
        ", minBoroughs: 20",
        ", minBoroughs: 1, withinMonths: 2",
        ', serviceArea: "Housing"',
        ', serviceArea: "Finance", withinMonths: 60, limit: 5',
        ', serviceArea: "Nowhere"',
    ):
        q[f"jointProcurementOpportunities{args}"] = (
            f'{{ jointProcurementOpportunities(asOf: "{AS_OF}"{args}) {{ {SYSTEM} boroughs {{ code name region }} '
            f"{CONTRACT} windowStart windowEnd combinedValueGbp }} }}"
        )
    for supplier in ("DEMO-SUP-001", "DEMO-SUP-007", "DEMO-SUP-040", "DEMO-SUP-120", "DEMO-SUP-999"):
        for args in ("", ", depth: 2, minSharedBoroughs: 30", ", depth: 3, minSharedBoroughs: 100, limit: 20"):
            q[f"supplierNetwork {supplier}{args}"] = (
                f'{{ supplierNetwork(supplierId: "{supplier}"{args}) {{ {NETWORK} }} }}'
            )
        q[f"supplierNetwork {supplier} nodes only"] = (
            f'{{ supplierNetwork(supplierId: "{supplier}") {{ nodes {{ id kind label }} '
            "edges { source target weight } } }"
        )
    for args in ("", "measure: CONTRACT_VALUE, top: 10", "top: 500", 'serviceArea: "Housing", top: 3',
                 'serviceArea: "Finance", measure: CONTRACT_VALUE', 'serviceArea: "Nowhere"'):
        q[f"supplierConcentration({args})"] = (
            f"{{ supplierConcentration{f'({args})' if args else ''} {{ measure total supplierCount topShare hhi "
            "smeShare suppliers { supplier { id name sme } contractCount valueGbp share } } }"
        )
    for skill in ("Cyber security", "GIS", "Digital procurement", "Juggling"):
        for args in (
            "",
            ", minMentorLevel: 3, maxLearnerLevel: 3, limit: 2000",
            ", minMentorLevel: 5, maxLearnerLevel: 1",
        ):
            q[f"skillsExchange {skill}{args}"] = (
                f'{{ skillsExchange(skill: "{skill}"{args}) {{ skill {{ name category }} mentor {{ code name }} '
                "learner { code name } mentorLevel learnerLevel sharedSystems { id name } } }"
            )
    for source, target in (('{kind: SUPPLIER, id: "DEMO-SUP-045"}', '{kind: BOROUGH, id: "E09000001"}'),
                           ('{kind: BOROUGH, id: "E09000007"}', '{kind: SKILL, id: "GIS"}')):
        q[f"connectionPath {source} {target}"] = (
            f"{{ connectionPath(from: {source}, to: {target}) {{ length nodes {{ id kind label }} }} }}"
        )
    return q


async def answers(db: Database, settings: Settings, only: str) -> dict[str, object]:
    found: dict[str, object] = {}
    for label, query in queries().items():
        if only not in label:
            continue
        context = Context(
            db=db, settings=settings, loaders=Loaders(db), request_id="answers", trace=None, principal=MEMBER
        )
        started = time.perf_counter()
        result = await schema.execute(query, context_value=context)
        took = time.perf_counter() - started
        found[label] = {"errors": [e.message for e in result.errors]} if result.errors else result.data
        print(f"{took * 1000:8.0f} ms  {label}", file=sys.stderr)
    return found


def compare(before: Path, after: Path) -> int:
    old, new = json.loads(before.read_text()), json.loads(after.read_text())
    differ = [label for label in old if old[label] != new.get(label)]
    missing = sorted(set(new) ^ set(old))
    for label in differ:
        print(f"DIFFERENT: {label}")
    for label in missing:
        print(f"only in one file: {label}")
    size = sum(len(json.dumps(v)) for v in old.values())
    print(f"{len(old) - len(differ)} of {len(old)} answers identical ({size:,} bytes of JSON compared)")
    return 1 if differ or missing else 0


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--home", type=Path)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--only", default="", help="only the queries whose label contains this")
    parser.add_argument("--compare", type=Path, nargs=2, metavar=("BEFORE", "AFTER"))
    args = parser.parse_args()
    if args.compare:
        return compare(*args.compare)
    if args.home is None or args.out is None:
        parser.error("--home and --out are needed (or --compare BEFORE AFTER)")
    settings = Settings(CITYGRAPH_HOME=args.home)
    db = Database(resolve_connection(settings, progress=lambda message: print(message, file=sys.stderr)))
    try:
        found = await answers(db, settings, args.only)
    finally:
        await db.close()
    args.out.write_text(json.dumps(found, indent=1, sort_keys=True))
    print(f"{len(found)} answers written to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
