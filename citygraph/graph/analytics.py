"""Results of the analytics (see "Questions CityGraph answers" in README.md): plain records holding the records of `records.py`,
built from the maps the `analytics_*` statements return."""

import datetime as dt
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
    def of(cls, row: dict[str, Any]) -> "ProcurementOpportunity":
        return cls(
            System.of(row["system"]),
            [Borough.of(b) for b in row["boroughs"]],
            [Contract.of(c) for c in row["contracts"]],
            row["windowStart"],
            row["windowEnd"],
            row["combinedValueGbp"],
        )


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
    def of(cls, skill: Skill, row: dict[str, Any]) -> "SkillMatch":
        return cls(
            skill,
            Borough.of(row["mentor"]),
            Borough.of(row["learner"]),
            int(row["mentorLevel"]),
            int(row["learnerLevel"]),
            [System.of(s) for s in row["systems"]],
        )


@dataclass(slots=True)
class GraphPath:
    nodes: list[NetworkNode]
    length: int  # relationships, one fewer than nodes
