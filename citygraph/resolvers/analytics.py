"""The eight analytics: arguments validated (every traversal bounded), one `analytics_*` statement each,
its maps turned into the records of `graph/analytics.py`. Caps are documented in README.md ("Limits")."""

import datetime as dt
from collections.abc import Sequence
from typing import Any

from citygraph.graph import analytics as a
from citygraph.graph import records as r
from citygraph.graph.database import Database, QueryTooCostly
from citygraph.resolvers.context import Context
from citygraph.resolvers.errors import InputError

MAX_BOROUGH_CODES = 500
MAX_PARTNERS = 100
MAX_WITHIN_MONTHS = 120
# Lists that grow with the graph have a default length: above the London demo's longest answer (93
# opportunities over 120 months; 119 pairs for one skill with the default levels, 1,056 with any), far below
# the UK demo's (305 opportunities, 7,752 pairs).
DEFAULT_OPPORTUNITIES = 100
MAX_OPPORTUNITIES = 1000
DEFAULT_SKILL_PAIRS = 200
MAX_SKILL_PAIRS = 2000
MAX_DEPTH = 3
MAX_NETWORK_NODES = 500
MAX_TOP = 500
MAX_HOPS = 10  # analytics_connection_path.cypher searches at most this far: keep the two in step


def _between(name: str, value: int, low: int, high: int | None = None) -> int:
    if value < low or (high is not None and value > high):
        allowed = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise InputError(f'Argument "{name}" must be {allowed}, got {value}.')
    return value


def _borough_codes(codes: Sequence[str]) -> list[str]:
    distinct = list(dict.fromkeys(codes))  # a repeated code must not count its borough twice
    if not distinct:
        raise InputError('Argument "boroughCodes" must name at least one borough.')
    if len(distinct) > MAX_BOROUGH_CODES:
        raise InputError(f'Argument "boroughCodes" may name at most {MAX_BOROUGH_CODES} boroughs, got {len(distinct)}.')
    return distinct


def _unknown(what: str, values: Sequence[str], argument: str) -> InputError:
    listed = ", ".join(f'"{v}"' for v in values)
    return InputError(f"Unknown {what}{'s' if len(values) > 1 else ''} {listed} in {argument}.")


# What to narrow when Neo4j stops an analytic at its timeout or memory limit, said in the caller's terms.
NARROW = {
    "analytics_shared_systems": "name fewer boroughCodes",
    "analytics_shared_suppliers": "name fewer boroughCodes",
    "analytics_joint_procurement": "ask for fewer withinMonths, a serviceArea, a higher minBoroughs or a smaller limit",
    "analytics_supplier_network": "ask for a smaller depth or limit, or a higher minSharedBoroughs",
    "analytics_supplier_concentration": "name a serviceArea",
    "analytics_skills_exchange": "ask for a higher minMentorLevel, a lower maxLearnerLevel or a smaller limit",
    "analytics_connection_path": "ask for a smaller maxHops",
}


async def _one(db: Database, query: str, **params: Any) -> dict[str, Any]:
    """The statements answer in a single row (found/missing flags plus the items). None of them returns a Neo4j
    date (analytics_joint_procurement gives its dates as ISO text), so the rows are read as decoded."""
    try:
        return (await db.read_decoded(query, **params))[0]
    except QueryTooCostly as stopped:
        raise stopped.narrowed(NARROW[query]) from stopped


async def _shared_items(ctx: Context, query: str, codes: Sequence[str], min_boroughs: int | None) -> list[Any]:
    """sharedSystems and sharedSuppliers take the same arguments and answer in the same shape."""
    distinct = _borough_codes(codes)
    least = len(distinct) if min_boroughs is None else _between("minBoroughs", min_boroughs, 1)
    row = await _one(ctx.db, query, codes=distinct, minBoroughs=least)
    if row["missing"]:
        raise _unknown("borough code", row["missing"], "boroughCodes")
    return row["items"]


async def shared_systems(ctx: Context, codes: Sequence[str], min_boroughs: int | None) -> list[a.SharedSystem]:
    items = await _shared_items(ctx, "analytics_shared_systems", codes, min_boroughs)
    return [a.SharedSystem.of(item) for item in items]


async def shared_suppliers(ctx: Context, codes: Sequence[str], min_boroughs: int | None) -> list[a.SharedSupplier]:
    items = await _shared_items(ctx, "analytics_shared_suppliers", codes, min_boroughs)
    return [a.SharedSupplier.of(item) for item in items]


async def collaboration_partners(ctx: Context, code: str, limit: int | None) -> list[a.CollaborationPartner]:
    limit = _between("limit", 5 if limit is None else limit, 1, MAX_PARTNERS)
    partners = await ctx.loaders.collaboration_partners.load((code, limit))
    if partners is None:
        raise _unknown("borough code", [code], "boroughCode")
    return partners


async def joint_procurement_opportunities(
    ctx: Context,
    within_months: int | None,
    service_area: str | None,
    min_boroughs: int | None,
    as_of: dt.date | None,
    limit: int | None = None,
) -> list[a.ProcurementOpportunity]:
    row = await _one(
        ctx.db,
        "analytics_joint_procurement",
        withinMonths=_between("withinMonths", 24 if within_months is None else within_months, 1, MAX_WITHIN_MONTHS),
        serviceArea=service_area,
        minBoroughs=_between("minBoroughs", 2 if min_boroughs is None else min_boroughs, 1),
        asOf=as_of or dt.date.today(),
        limit=_between("limit", DEFAULT_OPPORTUNITIES if limit is None else limit, 1, MAX_OPPORTUNITIES),
    )
    if row["missingArea"]:
        raise _unknown("service area", [service_area or ""], "serviceArea")
    boroughs = {b["code"]: r.Borough.of(b) for b in row["boroughs"]}
    return [a.ProcurementOpportunity.of(item, boroughs) for item in row["items"]]


async def supplier_network(
    ctx: Context,
    supplier_id: str,
    depth: int | None,
    min_shared: int | None,
    limit: int | None,
    with_boroughs: bool = True,
) -> a.SupplierNetwork:
    depth = _between("depth", 1 if depth is None else depth, 1, MAX_DEPTH)
    min_shared = _between("minSharedBoroughs", 1 if min_shared is None else min_shared, 1)
    limit = _between("limit", 50 if limit is None else limit, 1, MAX_NETWORK_NODES)
    row = await _one(ctx.db, "analytics_supplier_network", supplierId=supplier_id, withBoroughs=with_boroughs)
    if row["centre"] is None:
        raise _unknown("supplier id", [supplier_id], "supplierId")
    return a.SupplierNetwork.around(row, depth, min_shared, limit)


async def supplier_concentration(
    ctx: Context, service_area: str | None, measure: r.ConcentrationMeasure | None, top: int | None
) -> a.SupplierConcentration:
    measure = measure or r.ConcentrationMeasure.CONTRACT_COUNT
    top = _between("top", 10 if top is None else top, 1, MAX_TOP)
    row = await _one(
        ctx.db,
        "analytics_supplier_concentration",
        serviceArea=service_area,
        byValue=measure is r.ConcentrationMeasure.CONTRACT_VALUE,
        top=top,
    )
    if row["missingArea"]:
        raise _unknown("service area", [service_area or ""], "serviceArea")
    return a.SupplierConcentration(
        measure,
        float(row["total"]),
        int(row["supplierCount"]),
        float(row["topShare"]),
        float(row["hhi"]),
        float(row["smeShare"]),
        [a.SupplierShare.of(item) for item in row["suppliers"]],
    )


async def skills_exchange(
    ctx: Context, skill: str, min_mentor_level: int | None, max_learner_level: int | None, limit: int | None = None
) -> list[a.SkillMatch]:
    limit = _between("limit", DEFAULT_SKILL_PAIRS if limit is None else limit, 1, MAX_SKILL_PAIRS)
    row = await _one(
        ctx.db,
        "analytics_skills_exchange",
        skill=skill,
        minMentorLevel=_between("minMentorLevel", 4 if min_mentor_level is None else min_mentor_level, 1, 5),
        maxLearnerLevel=_between("maxLearnerLevel", 2 if max_learner_level is None else max_learner_level, 1, 5),
    )
    if row["skill"] is None:
        raise _unknown("skill", [skill], "skill")
    return a.SkillMatch.ranked(r.Skill.of(row["skill"]), row, limit)


async def connection_path(
    ctx: Context, source: tuple[r.EntityKind, str], target: tuple[r.EntityKind, str], max_hops: int | None
) -> a.GraphPath | None:
    (from_kind, from_id), (to_kind, to_id) = source, target
    row = await _one(
        ctx.db,
        "analytics_connection_path",
        fromKind=from_kind.value,  # an enum member: one of the fixed branches of the statement, never text
        fromId=from_id,
        toKind=to_kind.value,
        toId=to_id,
        maxHops=_between("maxHops", 6 if max_hops is None else max_hops, 1, MAX_HOPS),
    )
    if not row["fromFound"]:
        raise InputError(f'Unknown {from_kind.value} id "{from_id}" in from.')
    if not row["toFound"]:
        raise InputError(f'Unknown {to_kind.value} id "{to_id}" in to.')
    if row["nodes"] is None:
        return None
    nodes = [a.NetworkNode.of(n) for n in row["nodes"]]
    return a.GraphPath(nodes, len(nodes) - 1)
