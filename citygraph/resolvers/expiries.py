"""The contracts of one borough, supplier or service area with an end date, for the calendar feeds."""

import calendar
import datetime as dt
from dataclasses import dataclass
from enum import Enum

from citygraph.graph import records as r
from citygraph.resolvers import entities
from citygraph.resolvers.context import Context

MAX_CONTRACTS = 5_000


def shift_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (earlier when negative), or the last day of that month when it is shorter."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


async def all_contracts(ctx: Context, where: r.ContractFilter) -> list[r.Contract]:
    """Every council contract matching `where` (at most MAX_CONTRACTS), by endDate then id, page by page."""
    contracts: list[r.Contract] = []
    after = None
    while len(contracts) < MAX_CONTRACTS:
        page = await entities.contracts(ctx, where, ctx.settings.max_page_size, after)
        contracts += [edge.node for edge in page.edges]
        if not page.page_info.has_next_page:
            break
        after = page.page_info.end_cursor
    return contracts[:MAX_CONTRACTS]


class Owner(Enum):
    BOROUGH = "borough"
    SUPPLIER = "supplier"
    SERVICE_AREA = "service-area"


@dataclass(slots=True)
class Expiries:
    name: str  # the borough's, supplier's or service area's name
    contracts: list[r.Contract]  # those with an endDate, by endDate then id
    boroughs: dict[str, r.Borough]  # the awarding councils, by code
    suppliers: dict[str, r.Supplier]


async def _name(ctx: Context, owner: Owner, key: str) -> str | None:
    if owner is Owner.BOROUGH:
        borough = await ctx.loaders.borough.load(key)
        return borough.name if borough else None
    if owner is Owner.SUPPLIER:
        supplier = await ctx.loaders.supplier.load(key)
        return supplier.name if supplier else None
    return key if any(area.name == key for area in await entities.service_areas(ctx)) else None


async def expiries(ctx: Context, owner: Owner, key: str) -> Expiries | None:
    """None when `key` names no such borough, supplier or service area."""
    name = await _name(ctx, owner, key)
    if name is None:
        return None
    where = r.ContractFilter(
        borough_code=key if owner is Owner.BOROUGH else None,
        supplier_id=key if owner is Owner.SUPPLIER else None,
        service_area=key if owner is Owner.SERVICE_AREA else None,
    )
    contracts = [contract for contract in await all_contracts(ctx, where) if contract.end_date is not None]
    boroughs = await ctx.loaders.borough.load_many(sorted({c.borough_code for c in contracts if c.borough_code}))
    suppliers = await ctx.loaders.supplier.load_many(sorted({c.supplier_id for c in contracts if c.supplier_id}))
    return Expiries(
        name,
        contracts,
        {b.code: b for b in boroughs if b is not None},
        {s.id: s for s in suppliers if s is not None},
    )
