"""iCalendar feeds over HTTP against real Neo4j (tests/fixtures/features), parsed back with icalendar."""

import datetime as dt
from pathlib import Path

import httpx
import pytest
from icalendar import Calendar

from citygraph.graph.database import Database
from citygraph.graph.importer import load_bundle
from citygraph.schema.ical import months_before

BUNDLE = Path(__file__).parent / "fixtures" / "features"


@pytest.fixture
async def api(db: Database, client: httpx.AsyncClient) -> httpx.AsyncClient:
    await load_bundle(db, BUNDLE)
    return client


async def parse(api: httpx.AsyncClient, url: str) -> Calendar:
    response = await api.get(url)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def events(cal: Calendar) -> dict[str, dict]:
    found = {}
    for event in cal.walk("VEVENT"):
        alarms = event.walk("VALARM")
        found[str(event["uid"])] = {
            "start": event.decoded("dtstart"),
            "end": event.decoded("dtend"),
            "summary": str(event["summary"]),
            "trigger": alarms[0].decoded("trigger") if alarms else None,
        }
    return found


async def test_borough_feed_has_end_and_extension_dates_with_reminders(api: httpx.AsyncClient):
    cal = await parse(api, "/calendar/borough/E09000007.ics")
    assert str(cal["x-wr-calname"]) == "Contract expiries: Camden"
    assert events(cal) == {
        "c1-end@citygraph": {"start": dt.date(2026, 3, 31), "end": dt.date(2026, 4, 1),
                             "summary": "Planning system licence (Camden): ends",
                             "trigger": dt.datetime(2025, 9, 30, 9, 0, tzinfo=dt.UTC)},
        "c1-max-extension@citygraph": {"start": dt.date(2027, 3, 31), "end": dt.date(2027, 4, 1),
                                       "summary": "Planning system licence (Camden): maximum extension ends",
                                       "trigger": dt.datetime(2026, 9, 30, 9, 0, tzinfo=dt.UTC)},
        "c2-end@citygraph": {"start": dt.date(2025, 12, 31), "end": dt.date(2026, 1, 1),
                             "summary": "Ledger support via reseller (Camden): ends",
                             "trigger": dt.datetime(2025, 6, 30, 9, 0, tzinfo=dt.UTC)},
    }
    description = str(cal.walk("VEVENT")[0]["description"])
    assert "Supplier: Resell Ltd" in description and "Value: £50,000" in description


async def test_supplier_and_service_area_feeds_and_reminder_months(api: httpx.AsyncClient):
    acme = events(await parse(api, "/calendar/supplier/sup-a.ics?remindMonths=1"))
    # c4 has no end date: not in the feed
    assert set(acme) == {"c1-end@citygraph", "c1-max-extension@citygraph"}
    assert acme["c1-end@citygraph"]["trigger"] == dt.datetime(2026, 2, 28, 9, 0, tzinfo=dt.UTC)  # 31 March - 1 month
    planning = events(await parse(api, "/calendar/service-area/Planning.ics?remindMonths=0"))
    assert set(planning) == {"c1-end@citygraph", "c1-max-extension@citygraph", "c3-end@citygraph",
                             "c8-end@citygraph", "c8-max-extension@citygraph", "c10-end@citygraph"}
    assert all(event["trigger"] is None for event in planning.values())


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        ("/calendar/borough/E09999999.ics", 404, "No borough 'E09999999'."),
        ("/calendar/supplier/nobody.ics", 404, "No supplier 'nobody'."),
        ("/calendar/service-area/Parking.ics", 404, "No service area 'Parking'."),
        ("/calendar/council/E09000007.ics", 404, "No calendar kind 'council'; use one of borough, supplier, service-area."),
        ("/calendar/borough/E09000007.ics?remindMonths=-1", 400, 'Parameter "remindMonths" must be a whole number from 0 to 36'),
        ("/calendar/borough/E09000007.ics?remindMonths=37", 400, 'Parameter "remindMonths" must be a whole number from 0 to 36'),
    ],
)
async def test_unknown_owner_or_bad_reminder_is_clear(api: httpx.AsyncClient, url: str, status: int, message: str):
    response = await api.get(url)
    assert response.status_code == status and response.json()["errors"][0]["message"].startswith(message)


def test_months_before_clamps_to_month_end():
    assert months_before(dt.date(2027, 3, 31), 1) == dt.date(2027, 2, 28)
    assert months_before(dt.date(2027, 1, 15), 13) == dt.date(2025, 12, 15)
    assert months_before(dt.date(2028, 8, 31), 6) == dt.date(2028, 2, 29)
