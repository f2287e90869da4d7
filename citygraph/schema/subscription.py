"""Subscription.contractsEnteringExpiryWindow over graphql-transport-ws (strawberry's support, at /graphql).

The data changes through imports run by other processes, so the subscription polls: every `pollSeconds` it
reads the council contracts whose end date falls in [today, today + withinMonths] and reports those not
reported before (the first report: all of them, `initial: true`). A contract also enters when the window
moves on with the date. Polling is bounded (5 s to 1 h) so no client can make the service hammer Neo4j."""

import asyncio
import datetime as dt
from collections.abc import AsyncGenerator

import strawberry
from strawberry.types import Info

from citygraph.graph import records as r
from citygraph.loaders import Loaders
from citygraph.resolvers.context import Context
from citygraph.resolvers.errors import InputError
from citygraph.resolvers.expiries import all_contracts, shift_months
from citygraph.schema.types import Contract

Ctx = Info[Context, None]
MIN_POLL_SECONDS = 5
MAX_POLL_SECONDS = 3600
MAX_WITHIN_MONTHS = 120


@strawberry.type
class ExpiryWindowUpdate:
    as_of: dt.date = strawberry.field(description="The day the window starts (today).")
    window_end: dt.date = strawberry.field(description="asOf + withinMonths months, inclusive.")
    initial: bool = strawberry.field(description="true for the first report: every contract already in the window.")
    contracts: list[Contract] = strawberry.field(description="Contracts newly in the window, by endDate then id.")


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="Council contracts entering the expiry window [today, today + withinMonths], optionally of one "
        "borough or supplier; checked every pollSeconds (5..3600). The first report lists the whole window."
    )
    async def contracts_entering_expiry_window(
        self,
        info: Ctx,
        within_months: int = 6,
        borough_code: strawberry.ID | None = None,
        supplier_id: strawberry.ID | None = None,
        poll_seconds: int = 60,
    ) -> AsyncGenerator[ExpiryWindowUpdate, None]:
        if not 1 <= within_months <= MAX_WITHIN_MONTHS:
            raise InputError(f'Argument "withinMonths" must be between 1 and {MAX_WITHIN_MONTHS}, got {within_months}.')
        if not MIN_POLL_SECONDS <= poll_seconds <= MAX_POLL_SECONDS:
            raise InputError(
                f'Argument "pollSeconds" must be between {MIN_POLL_SECONDS} and {MAX_POLL_SECONDS}, got {poll_seconds}.'
            )
        ctx = info.context
        reported: set[str] = set()
        initial = True
        while True:
            today = dt.date.today()
            end = shift_months(today, within_months)
            ctx.loaders = Loaders(ctx.db)  # nested fields read fresh data on every report
            where = r.ContractFilter(borough_code=borough_code, supplier_id=supplier_id, end_date_from=today, end_date_to=end)
            entering = [c for c in await all_contracts(ctx, where) if c.id not in reported]
            if entering or initial:
                reported.update(c.id for c in entering)
                yield ExpiryWindowUpdate(as_of=today, window_end=end, initial=initial, contracts=entering)  # type: ignore[arg-type]
                initial = False
            await asyncio.sleep(poll_seconds)
