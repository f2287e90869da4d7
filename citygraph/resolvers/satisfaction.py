"""satisfactionBySupplierCount: the City Tools finding (do councils with more suppliers report higher or lower
satisfaction?) as an analytic. One statement; the correlations are computed here from its per-borough rows."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from citygraph.graph import records as r
from citygraph.graph.correlation import pearson, spearman
from citygraph.resolvers.context import Context
from citygraph.resolvers.errors import InputError

MAX_BOROUGH_CODES = 500


@dataclass(slots=True)
class BoroughSatisfaction:
    borough: r.Borough
    supplier_count: int
    average_satisfaction: float | None
    rated_uses: int

    @classmethod
    def of(cls, row: dict[str, Any]) -> "BoroughSatisfaction":
        return cls(r.Borough.of(row["borough"]), int(row["supplierCount"]), row["averageSatisfaction"], int(row["ratedUses"]))


@dataclass(slots=True)
class SatisfactionBySupplierCount:
    boroughs: list[BoroughSatisfaction]
    borough_count: int  # boroughs with both figures: the sample the coefficients are over
    pearson: float | None
    spearman: float | None


async def satisfaction_by_supplier_count(ctx: Context, codes: Sequence[str] | None) -> SatisfactionBySupplierCount:
    distinct = None if codes is None else list(dict.fromkeys(codes))
    if distinct is not None and not 1 <= len(distinct) <= MAX_BOROUGH_CODES:
        raise InputError(f'Argument "boroughCodes" must name 1 to {MAX_BOROUGH_CODES} boroughs, got {len(distinct)}.')
    [row] = await ctx.db.read("satisfaction_by_supplier_count", codes=distinct)
    if row["missing"]:
        listed = ", ".join(f'"{code}"' for code in row["missing"])
        raise InputError(f"Unknown borough code{'s' if len(row['missing']) > 1 else ''} {listed} in boroughCodes.")
    boroughs = [BoroughSatisfaction.of(item) for item in row["items"]]
    rated = [b for b in boroughs if b.average_satisfaction is not None]
    xs = [float(b.supplier_count) for b in rated]
    ys = [float(b.average_satisfaction) for b in rated]  # type: ignore[arg-type]
    return SatisfactionBySupplierCount(boroughs, len(rated), pearson(xs, ys), spearman(xs, ys))
