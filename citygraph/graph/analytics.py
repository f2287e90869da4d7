"""Results of the analytics (see "Questions CityGraph answers" in README.md): plain records holding the records of `records.py`,
built from the maps the `analytics_*` statements return."""

import datetime as dt
import heapq
from dataclasses import dataclass
from typing import Any

from citygraph.graph.records import Borough, ConcentrationMeasure, Contract, EntityKind, Skill, Supplier, System

# Within this many months of each other, two councils' contracts for a system end together enough to buy
# the next one jointly: what the "both use X (contracts end within 6 months …)" reason means.
ALIGNED_MONTHS = 6
LISTED_NAMES = 3  # names spelled out in a "share N systems: …" reason before "and K more"


@dataclass(slots=True)
class SharedSystem:
    system: System
    boroughs: list[Borough]
    borough_count: int

    @classmethod
    def of(cls, row: dict[str, Any]) -> "SharedSystem":
        boroughs = [Borough.of(b) for b in row["boroughs"]]
        return cls(System.of(row["system"]), boroughs, len(boroughs))


@dataclass(slots=True)
class SharedSupplier:
    supplier: Supplier
    boroughs: list[Borough]
    borough_count: int

    @classmethod
    def of(cls, row: dict[str, Any]) -> "SharedSupplier":
        boroughs = [Borough.of(b) for b in row["boroughs"]]
        return cls(Supplier.of(row["supplier"]), boroughs, len(boroughs))


def _listing(names: list[str], noun: str) -> str:
    """"share 4 systems: A, B, C and 1 more"; "share 2 suppliers: A and B"; "share 1 system: A"."""
    count = len(names)
    shown = names[:LISTED_NAMES]
    rest = [f"{count - len(shown)} more"] if count > len(shown) else []
    items = shown + rest
    text = items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
    return f"share {count} {noun}{'' if count == 1 else 's'}: {text}"


def partner_reasons(aligned: list[str], partnerships: list[str], systems: list[str], suppliers: list[str]) -> list[str]:
    """Why two councils should talk, most actionable first: systems whose current contracts end within
    ALIGNED_MONTHS of each other, shared partnerships, then the shared systems and suppliers."""
    reasons = [f"both use {name} (contracts end within {ALIGNED_MONTHS} months of each other)" for name in aligned]
    reasons += [f"both in {name}" for name in partnerships]
    reasons.append(_listing(systems, "system"))  # a partner always shares at least one system
    if suppliers:
        reasons.append(_listing(suppliers, "supplier"))
    return reasons


@dataclass(slots=True)
class CollaborationPartner:
    borough: Borough
    shared_systems: list[System]
    shared_suppliers: list[Supplier]
    score: float
    reasons: list[str]

    @classmethod
    def of(cls, row: dict[str, Any]) -> "CollaborationPartner":
        systems = [System.of(item["system"]) for item in row["systems"]]
        suppliers = [Supplier.of(item) for item in row["suppliers"]]
        aligned = [item["system"]["name"] for item in row["systems"] if item["endsAligned"]]
        reasons = partner_reasons(aligned, row["partnerships"], [s.name for s in systems], [s.name for s in suppliers])
        return cls(Borough.of(row["borough"]), systems, suppliers, float(row["score"]), reasons)


@dataclass(slots=True)
class ProcurementOpportunity:
    system: System
    boroughs: list[Borough]
    contracts: list[Contract]
    window_start: dt.date
    window_end: dt.date
    combined_value_gbp: float | None

    @classmethod
    def of(cls, row: dict[str, Any], boroughs: dict[str, Borough]) -> "ProcurementOpportunity":
        """From an item of analytics_joint_procurement: its boroughs are codes into `boroughs` (one record
        per borough, shared), its contracts lists (`_contract`), its window's dates ISO text."""
        return cls(
            System.of(row["system"]),
            [boroughs[code] for code in row["boroughs"]],
            [_contract(fields) for fields in row["contracts"]],
            dt.date.fromisoformat(row["windowStart"]),
            dt.date.fromisoformat(row["windowEnd"]),
            row["combinedValueGbp"],
        )


def _contract(fields: list[Any]) -> Contract:
    """A contract from analytics_joint_procurement's list: id, title, valueGbp, startDate, endDate,
    maxExtensionDate (the dates as ISO text), source, borough code, lead supplier id, then the register's
    reference, description, department, annualValueGbp, reviewDate, extensionOptions, cpvCodes, proclass."""
    id_, title, value, start, end, extension, source, borough_code, supplier_id, *register = fields
    reference, description, department, annual, review, extension_options, cpv_codes, proclass = register
    return Contract(
        id_,
        title,
        borough_code,
        supplier_id,
        None if value is None else float(value),
        _date(start),
        _date(end),
        _date(extension),
        source or "",
        reference,
        description,
        department,
        None if annual is None else float(annual),
        _date(review),
        extension_options,
        cpv_codes,
        proclass,
    )


def _date(text: str | None) -> dt.date | None:
    return None if text is None else dt.date.fromisoformat(text)


@dataclass(slots=True)
class NetworkNode:
    id: str
    kind: EntityKind
    label: str

    @classmethod
    def of(cls, row: dict[str, Any]) -> "NetworkNode":
        return cls(row["id"], EntityKind(row["kind"]), row["label"] or "")


@dataclass(slots=True)
class NetworkEdge:
    source: str
    target: str
    weight: int
    shared_boroughs: list[Borough]

    @classmethod
    def of(cls, row: dict[str, Any]) -> "NetworkEdge":
        return cls(row["source"], row["target"], int(row["weight"]), [Borough.of(b) for b in row["sharedBoroughs"]])


@dataclass(slots=True)
class SupplierNetwork:
    nodes: list[NetworkNode]
    edges: list[NetworkEdge]

    @classmethod
    def around(cls, row: dict[str, Any], depth: int, min_shared: int, limit: int) -> "SupplierNetwork":
        """The network around `row["centre"]` from analytics_supplier_network's borough sets (README,
        "Which suppliers work alongside the largest one?"). Each supplier's boroughs are a bit set, so a link's
        weight is one AND and a popcount: the work is (nodes found) x (suppliers) per hop, and stops at the hop
        that fills `limit` (nodes are ranked by hops first, so no later hop can be kept)."""
        centre = _Reach(row["centre"]["id"], row["centre"]["name"], 0)
        reach = {s["id"]: _Reach(s["id"], s["name"], sum(1 << i for i in s["at"])) for s in row["suppliers"]}
        reach.setdefault(centre.id, centre)
        ranked = [(0, 0, reach[centre.id])]  # (hops, strength of the link back, supplier)
        unseen = [s for s in reach.values() if s.id != centre.id]
        frontier = [reach[centre.id]]
        for hops in range(1, depth + 1):
            if len(ranked) >= limit or not frontier:
                break
            nearer, frontier, rest = frontier, [], []
            for s in unseen:
                weights = ((s.boroughs & y.boroughs).bit_count() for y in nearer)
                strength = max((w for w in weights if w >= min_shared), default=0)
                if strength:
                    ranked.append((hops, strength, s))
                    frontier.append(s)
                else:
                    rest.append(s)
            unseen = rest
        ranked.sort(key=lambda item: (item[0], -item[1], item[2].name, item[2].id))
        kept = sorted((s for _, _, s in ranked[:limit]), key=lambda s: s.id)
        boroughs = [Borough.of(b) for b in row["boroughs"]]
        edges = []
        for i, source in enumerate(kept):
            for target in kept[i + 1 :]:
                shared = source.boroughs & target.boroughs
                if (weight := shared.bit_count()) >= min_shared:
                    members = [boroughs[p] for p in _positions(shared)] if boroughs else []  # fetched when asked for
                    edges.append(NetworkEdge(source.id, target.id, weight, members))
        edges.sort(key=lambda e: (-e.weight, e.source, e.target))
        nodes = [NetworkNode(s.id, EntityKind.SUPPLIER, s.name) for _, _, s in ranked[:limit]]
        return cls(nodes, edges)


@dataclass(slots=True, frozen=True)
class _Reach:
    """A supplier and the boroughs it supplies: bit i = the i-th borough by name, code."""

    id: str
    name: str
    boroughs: int


def _positions(bits: int) -> list[int]:
    """The positions of a bit set's members, ascending."""
    found = []
    while bits:
        low = bits & -bits
        found.append(low.bit_length() - 1)
        bits ^= low
    return found


@dataclass(slots=True)
class SupplierShare:
    supplier: Supplier
    contract_count: int
    value_gbp: float
    share: float

    @classmethod
    def of(cls, row: dict[str, Any]) -> "SupplierShare":
        return cls(Supplier.of(row["supplier"]), int(row["contractCount"]), float(row["valueGbp"]), float(row["share"]))


@dataclass(slots=True)
class SupplierConcentration:
    measure: ConcentrationMeasure
    total: float
    supplier_count: int
    top_share: float
    hhi: float
    sme_share: float
    suppliers: list[SupplierShare]


@dataclass(slots=True)
class SkillMatch:
    skill: Skill
    mentor: Borough
    learner: Borough
    mentor_level: int
    learner_level: int
    shared_systems: list[System]

    @classmethod
    def ranked(cls, skill: Skill, row: dict[str, Any], limit: int) -> list["SkillMatch"]:
        """The first `limit` mentor/learner pairs from analytics_skills_exchange's candidates: by the number of
        systems both use desc, then mentor name, learner name, mentor code, learner code. Each candidate's
        systems are a bit set over `row["systems"]`, so a pair costs one AND and a popcount."""
        systems = [System.of(s) for s in row["systems"]]
        position = {system.id: i for i, system in enumerate(systems)}

        def candidates(key: str) -> list[tuple[Borough, int, int]]:
            def bits(ids: list[str]) -> int:
                return sum(1 << position[i] for i in ids if i in position)

            return [(Borough.of(c["borough"]), int(c["level"]), bits(c["systems"])) for c in row[key]]

        pairs = []
        learners = candidates("learners")
        for mentor, mentor_level, mentor_systems in candidates("mentors"):
            for learner, learner_level, learner_systems in learners:
                if mentor.code != learner.code:
                    shared = mentor_systems & learner_systems
                    pairs.append((shared.bit_count(), mentor, learner, (mentor_level, learner_level), shared))
        top = heapq.nsmallest(limit, pairs, key=lambda p: (-p[0], p[1].name, p[2].name, p[1].code, p[2].code))
        return [
            cls(skill, mentor, learner, levels[0], levels[1], [systems[i] for i in _positions(shared)])
            for _, mentor, learner, levels, shared in top
        ]


@dataclass(slots=True)
class GraphPath:
    nodes: list[NetworkNode]
    length: int  # relationships, one fewer than nodes
