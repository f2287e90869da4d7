"""iCalendar feeds of contract expiries (docs/calendar.md), to subscribe to in Outlook or Google Calendar:

    GET /calendar/borough/{code}.ics   /calendar/supplier/{id}.ics   /calendar/service-area/{name}.ics
        ?remindMonths=6   (0 = no reminder; at most 36)

One all-day event on each contract's end date and one on its maximum extension date (when known), each with a
reminder `remindMonths` months before at 09:00 UTC. UIDs are stable, so a refreshed feed updates events
instead of duplicating them.
"""

import datetime as dt

from icalendar import Alarm, Calendar, Event
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from citygraph.graph import records as r
from citygraph.resolvers.expiries import Expiries, Owner, expiries, shift_months
from citygraph.schema.requests import context_for

DEFAULT_REMIND_MONTHS = 6
MAX_REMIND_MONTHS = 36
MEDIA = "text/calendar; charset=utf-8"


def months_before(day: dt.date, months: int) -> dt.date:
    return shift_months(day, -months)


def _event(contract: r.Contract, found: Expiries, what: str, day: dt.date, remind: int, stamp: dt.datetime) -> Event:
    borough = found.boroughs.get(contract.borough_code or "")
    supplier = found.suppliers.get(contract.supplier_id or "")
    event = Event()
    event.add("uid", f"{contract.id}-{what}@citygraph")
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    event.add("dtend", day + dt.timedelta(days=1))
    label = "ends" if what == "end" else "maximum extension ends"
    event.add("summary", f"{contract.title} ({borough.name if borough else contract.borough_code}): {label}")
    lines = [
        f"Contract {contract.id}: {contract.title}",
        f"Council: {borough.name if borough else '-'}",
        f"Supplier: {supplier.name if supplier else '-'}",
        f"Value: £{contract.value_gbp:,.0f}" if contract.value_gbp is not None else "Value: unknown",
        f"End date: {contract.end_date}",
        f"Maximum extension: {contract.max_extension_date or 'none recorded'}",
    ]
    event.add("description", "\n".join(lines))
    event.add("categories", ["contract expiry" if what == "end" else "contract extension limit"])
    event.add("transp", "TRANSPARENT")
    if remind:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"In {remind} months: {event['summary']}")
        when = dt.datetime.combine(months_before(day, remind), dt.time(9, 0), tzinfo=dt.UTC)
        alarm.add("trigger", when, parameters={"VALUE": "DATE-TIME"})
        event.add_component(alarm)
    return event


def feed(found: Expiries, owner: Owner, remind: int, stamp: dt.datetime) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//CityGraph//Contract expiries//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"Contract expiries: {found.name}")
    cal.add("x-published-ttl", "PT12H")
    for contract in found.contracts:
        assert contract.end_date is not None
        cal.add_component(_event(contract, found, "end", contract.end_date, remind, stamp))
        if contract.max_extension_date is not None:
            cal.add_component(_event(contract, found, "max-extension", contract.max_extension_date, remind, stamp))
    return cal.to_ical()


def _problem(status: int, message: str) -> JSONResponse:
    return JSONResponse({"errors": [{"message": message}]}, status_code=status)


async def calendar_feed(request: Request) -> Response:
    try:
        owner = Owner(request.path_params["owner"])
    except ValueError:
        kinds = ", ".join(o.value for o in Owner)
        return _problem(404, f"No calendar kind {request.path_params['owner']!r}; use one of {kinds}.")
    key = request.path_params["key"]
    raw = request.query_params.get("remindMonths", str(DEFAULT_REMIND_MONTHS))
    if not raw.isdigit() or int(raw) > MAX_REMIND_MONTHS:
        return _problem(400, f'Parameter "remindMonths" must be a whole number from 0 to {MAX_REMIND_MONTHS}, got {raw!r}.')
    found = await expiries(await context_for(request), owner, key)
    if found is None:
        what = owner.value.replace("-", " ")
        return _problem(404, f"No {what} {key!r}. Use a borough's GSS code, a supplier's id or a service area's name.")
    body = feed(found, owner, int(raw), dt.datetime.now(dt.UTC).replace(microsecond=0))
    filename = f"{owner.value}-{key}.ics".replace('"', "")
    return Response(body, media_type=MEDIA, headers={"content-disposition": f'inline; filename="{filename}"'})


ROUTES = [Route("/calendar/{owner:str}/{key:str}.ics", calendar_feed, methods=["GET"])]
