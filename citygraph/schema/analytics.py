"""The analytics queries and their result types. Root values are the records of `graph/analytics.py`;
nested entities are records of `graph/records.py`, served by the entity types of `types.py`."""

import datetime as dt
from collections.abc import Sequence
from typing import Annotated

import strawberry
from strawberry.types import Info
from strawberry.types.nodes import Selection

from citygraph.graph import records as r
from citygraph.resolvers import analytics
from citygraph.resolvers.context import Context
from citygraph.resolvers import satisfaction
from citygraph.schema.satisfaction import SatisfactionBySupplierCount
from citygraph.schema.access import members_only
from citygraph.schema.types import Borough, ConcentrationMeasure, Contract, EntityKind, Skill, Supplier, System

Ctx = Info[Context, None]


@strawberry.type(description="`boroughs`: those of the given boroughs that use the system, ordered by name.")
class SharedSystem:
    system: System
    boroughs: list[Borough]
    borough_count: int


@strawberry.type(description="`boroughs`: those of the given boroughs the supplier supplies, ordered by name.")
class SharedSupplier:
    supplier: Supplier
    boroughs: list[Borough]
    borough_count: int


@strawberry.type
class CollaborationPartner:
    borough: Borough
    shared_systems: list[System] = strawberry.field(description="Ordered by name.")
    shared_suppliers: list[Supplier] = strawberry.field(description="Ordered by name.")
    score: float = strawberry.field(
        description="Jaccard similarity of the two boroughs' system sets: |A∩B| / |A∪B|"
    )
    reasons: list[str] = strawberry.field(
        description='Human-readable, e.g. "both use Acme Revenues (contracts end within 6 months of each other)"'
    )


@strawberry.type
class ProcurementOpportunity:
    system: System
    boroughs: list[Borough] = strawberry.field(description="Ordered by name.")
    contracts: list[Contract] = strawberry.field(description="The expiring contracts, ordered by endDate, then id.")
    window_start: dt.date = strawberry.field(description="Earliest endDate among them.")
    window_end: dt.date = strawberry.field(description="Latest endDate among them.")
    combined_value_gbp: float | None = strawberry.field(
        description="Sum of non-null valueGbp; null when all are null."
    )


@strawberry.type
class NetworkNode:
    id: strawberry.ID = strawberry.field(
        description="The entity's own key (borough code, supplier id, skill name …)."
    )
    kind: EntityKind
    label: str


@strawberry.type
class NetworkEdge:
    source: strawberry.ID
    target: strawberry.ID
    weight: int
    shared_boroughs: list[Borough] = strawberry.field(description="Ordered by name.")


@strawberry.type
class SupplierNetwork:
    nodes: list[NetworkNode]
    edges: list[NetworkEdge]


@strawberry.type
class SupplierShare:
    supplier: Supplier
    contract_count: int
    value_gbp: float
    share: float


@strawberry.type
class SupplierConcentration:
    measure: ConcentrationMeasure
    total: float = strawberry.field(description="Number of contracts, or their summed value.")
    supplier_count: int
    top_share: float = strawberry.field(description="Combined share (0..1) of the `top` largest suppliers.")
    hhi: float = strawberry.field(
        description="Herfindahl-Hirschman index: sum of (share*100)^2 over all suppliers, 0..10000."
    )
    sme_share: float = strawberry.field(description="Share (0..1) held by SME suppliers.")
    suppliers: list[SupplierShare] = strawberry.field(description="The `top` largest, by share descending.")


@strawberry.type
class SkillMatch:
    skill: Skill
    mentor: Borough
    learner: Borough
    mentor_level: int
    learner_level: int
    shared_systems: list[System] = strawberry.field(description="Systems both use: what makes the pairing practical.")


@strawberry.type
class GraphPath:
    nodes: list[NetworkNode]
    length: int = strawberry.field(description="Number of relationships.")


@strawberry.input
class EntityRef:
    kind: EntityKind
    id: strawberry.ID


def _asks_for(selections: Sequence[Selection], name: str) -> bool:
    """Whether a field called `name` is selected anywhere below, fragments included."""
    return any(
        getattr(s, "name", None) == name or _asks_for(getattr(s, "selections", []), name) for s in selections
    )


def _ref(ref: EntityRef) -> tuple[r.EntityKind, str]:
    return r.EntityKind(ref.kind), str(ref.id)


@strawberry.type
class AnalyticsQuery:
    @strawberry.field(
        description="Systems used by at least `minBoroughs` (default: all) of the given boroughs; "
        "by boroughCount desc, then name."
    )
    async def shared_systems(
        self, info: Ctx, borough_codes: list[strawberry.ID], min_boroughs: int | None = None
    ) -> list[SharedSystem]:
        return await analytics.shared_systems(info.context, borough_codes, min_boroughs)  # type: ignore[return-value]

    @strawberry.field(
        description="Suppliers of at least `minBoroughs` (default: all) of the given boroughs; "
        "by boroughCount desc, then name."
    )
    async def shared_suppliers(
        self, info: Ctx, borough_codes: list[strawberry.ID], min_boroughs: int | None = None
    ) -> list[SharedSupplier]:
        return await analytics.shared_suppliers(info.context, borough_codes, min_boroughs)  # type: ignore[return-value]

    @strawberry.field(description="Other boroughs ranked by score desc; only boroughs sharing at least one system.")
    async def collaboration_partners(
        self, info: Ctx, borough_code: strawberry.ID, limit: int | None = 5
    ) -> list[CollaborationPartner]:
        return await analytics.collaboration_partners(info.context, borough_code, limit)  # type: ignore[return-value]

    @strawberry.field(
        description="For each system: the contracts covering it whose endDate falls within "
        "[asOf, asOf + withinMonths months], grouped, when they belong to at least `minBoroughs` distinct "
        "boroughs. Ordered by windowStart, then system name; the first `limit`."
    )
    async def joint_procurement_opportunities(
        self,
        info: Ctx,
        within_months: int | None = 24,
        service_area: str | None = None,
        min_boroughs: int | None = 2,
        as_of: dt.date | None = None,
        limit: int | None = analytics.DEFAULT_OPPORTUNITIES,
    ) -> list[ProcurementOpportunity]:
        return await analytics.joint_procurement_opportunities(  # type: ignore[return-value]
            info.context, within_months, service_area, min_boroughs, as_of, limit
        )

    @strawberry.field(
        description="Supplier-to-supplier network around one supplier: two suppliers are linked when at least "
        "`minSharedBoroughs` boroughs are supplied by both; weight = number of such boroughs. Nodes within "
        "`depth` links of the centre (centre included); at most `limit` nodes, strongest links first. "
        "`edges` holds every qualifying link between two returned nodes (source < target by id), each once."
    )
    async def supplier_network(
        self,
        info: Ctx,
        supplier_id: strawberry.ID,
        depth: int | None = 1,
        min_shared_boroughs: int | None = 1,
        limit: int | None = 50,
    ) -> SupplierNetwork:
        with_boroughs = _asks_for(info.selected_fields, "sharedBoroughs")
        return await analytics.supplier_network(  # type: ignore[return-value]
            info.context, supplier_id, depth, min_shared_boroughs, limit, with_boroughs
        )

    @strawberry.field(
        description="Market concentration over contracts (optionally only those covering systems in one service area). "
        "A contract with several suppliers counts once, for its lead supplier (the first by id)."
    )
    async def supplier_concentration(
        self,
        info: Ctx,
        service_area: str | None = None,
        measure: ConcentrationMeasure | None = ConcentrationMeasure.CONTRACT_COUNT,
        top: int | None = 10,
    ) -> SupplierConcentration:
        chosen = None if measure is None else r.ConcentrationMeasure(measure)
        return await analytics.supplier_concentration(  # type: ignore[return-value]
            info.context, service_area, chosen, top
        )

    @strawberry.field(
        description="Pairs where the mentor rates the skill >= minMentorLevel and the learner <= maxLearnerLevel; "
        "by shared systems count desc, then mentor name, then learner name; the first `limit`. Members only: null "
        "without sign-in.",
        extensions=members_only(),
    )
    async def skills_exchange(
        self,
        info: Ctx,
        skill: strawberry.ID,
        min_mentor_level: int | None = 4,
        max_learner_level: int | None = 2,
        limit: int | None = analytics.DEFAULT_SKILL_PAIRS,
    ) -> list[SkillMatch] | None:
        return await analytics.skills_exchange(  # type: ignore[return-value]
            info.context, skill, min_mentor_level, max_learner_level, limit
        )

    @strawberry.field(
        description="Shortest connection between two entities through the graph's relationships (any direction), "
        "or null when none within maxHops. nodes runs from `from` to `to`."
    )
    async def connection_path(
        self,
        info: Ctx,
        from_: Annotated[EntityRef, strawberry.argument(name="from")],
        to: EntityRef,
        max_hops: int | None = 6,
    ) -> GraphPath | None:
        return await analytics.connection_path(  # type: ignore[return-value]
            info.context, _ref(from_), _ref(to), max_hops
        )

    @strawberry.field(
        description="Per council its number of suppliers and average satisfaction, and their Pearson and Spearman "
        "correlation over the councils (all, or those of boroughCodes). Members only: null without sign-in.",
        extensions=members_only(),
    )
    async def satisfaction_by_supplier_count(
        self, info: Ctx, borough_codes: list[strawberry.ID] | None = None
    ) -> SatisfactionBySupplierCount | None:
        return await satisfaction.satisfaction_by_supplier_count(info.context, borough_codes)  # type: ignore[return-value]
