"""satisfactionBySupplierCount's result types (records of resolvers/satisfaction.py)."""

import strawberry

from citygraph.schema.types import Borough


@strawberry.type
class BoroughSatisfaction:
    borough: Borough
    supplier_count: int = strawberry.field(
        description="Its suppliers: contract counterparties plus manufacturers of the systems it uses."
    )
    average_satisfaction: float | None = strawberry.field(
        description="Mean of its non-null SystemUse.satisfaction (1..5); null when none is rated."
    )
    rated_uses: int = strawberry.field(description="Number of its system uses with a satisfaction rating.")


@strawberry.type
class SatisfactionBySupplierCount:
    boroughs: list[BoroughSatisfaction] = strawberry.field(description="Ordered by name.")
    borough_count: int = strawberry.field(description="Boroughs with a rating: the sample of the coefficients.")
    pearson: float | None = strawberry.field(
        description="Pearson's r of supplierCount and averageSatisfaction over the rated boroughs; null when "
        "fewer than two or either is constant."
    )
    spearman: float | None = strawberry.field(description="Spearman's rank correlation (ties: average rank); null likewise.")
