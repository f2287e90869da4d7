"""The 33 London councils, shipped with CityGraph as reference data (see graph/data/ATTRIBUTION.md)."""

import csv
from importlib.resources import files

from citygraph.graph.database import Database, Row
from citygraph.graph.records import Region

SOURCE = "reference:london_boroughs.csv"
REGIONS = {"Inner London": Region.INNER_LONDON, "Outer London": Region.OUTER_LONDON}


def london_borough_rows() -> list[Row]:
    text = (files("citygraph.graph") / "data" / "london_boroughs.csv").read_text(encoding="utf-8")
    rows = []
    for record in csv.DictReader(text.splitlines()):
        partnership = record["subregional_partnership"].strip()
        rows.append(
            {
                "code": record["gss_code"],
                "name": record["name"],
                "officialName": record["official_name"],
                "region": REGIONS.get(record["inner_outer_london"], Region.OTHER).value,
                "partnerships": [partnership] if partnership else [],
            }
        )
    return rows


async def seed(db: Database) -> int:
    rows = london_borough_rows()
    await db.write("seed_boroughs", rows=rows, source=SOURCE)
    return len(rows)
