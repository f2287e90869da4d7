"""SME status, company status and SIC codes of suppliers from Companies House's free "basic company data"
(`BasicCompanyDataAsOneFile-YYYY-MM-DD.csv`, or the .zip it is published as), imported by
`citygraph enrich-companies FILE` (docs/real-data.md).

The file holds every live UK company (about 5 million rows, 2.5 GB), so it is streamed: only the rows of
suppliers the graph knows by company number are kept, so what is written is at most one row per such
supplier and fits one transaction. Its header has a leading space on some names (" CompanyNumber"); names
are compared stripped. `read_companies` needs no database besides the numbers it is given; `enrich` is
the one place that writes: under the import lock, in one transaction.

SME from the accounts category (the size the company filed as; Companies Act 2006 thresholds):
MICRO ENTITY, SMALL, MEDIUM, TOTAL EXEMPTION SMALL/FULL, UNAUDITED ABRIDGED → SME; FULL, GROUP → not an
SME. Any other category (DORMANT, NO ACCOUNTS FILED, subsidiaries' exemptions …) says nothing about size,
so the supplier's `sme` is left as it was.
"""

import asyncio
import csv
import datetime as dt
import io
import os
import re
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from citygraph.graph.bundle import NO_COLUMN, BundleInvalid, Problem
from citygraph.graph.database import Database, Row, WriteTransaction
from citygraph.graph.importlock import import_lock

REQUIRED = ("CompanyNumber", "CompanyStatus", "Accounts.AccountCategory")
SIC_COLUMNS = tuple(f"SICCode.SicText_{n}" for n in range(1, 5))
SME_CATEGORIES = frozenset({"MICRO ENTITY", "SMALL", "MEDIUM", "TOTAL EXEMPTION SMALL", "TOTAL EXEMPTION FULL",
                            "UNAUDITED ABRIDGED"})
LARGE_CATEGORIES = frozenset({"FULL", "GROUP"})
FILE_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})")
PROGRESS_EVERY = 500_000


class CompaniesFileError(BundleInvalid):
    """The file cannot be read as basic company data; `problems` say why. Nothing was written."""


@dataclass
class CompaniesData:
    path: Path
    source: str
    as_of: dt.date
    rows_read: int = 0
    companies: dict[str, Row] = field(default_factory=dict)  # by company number
    problems: list[Problem] = field(default_factory=list)

    def summary(self, wanted: int) -> str:
        sme = sum(1 for c in self.companies.values() if c["sme"] is not None)
        return (
            f"{self.path.name}: {self.rows_read:,} companies read, {len(self.companies)} of {wanted} suppliers with a "
            f"company number found, SME status known for {sme} (Companies House data of {self.as_of})"
        )


def sme_of(category: str) -> bool | None:
    category = " ".join(category.upper().split())
    if category in SME_CATEGORIES:
        return True
    if category in LARGE_CATEGORIES:
        return False
    return None


def normalise_number(text: str) -> str:
    number = re.sub(r"\s", "", text).upper()
    return number.zfill(8) if number.isdigit() and len(number) < 8 else number


@contextmanager
def _open_text(path: Path) -> Iterator[TextIO]:
    """The CSV as text: the file itself, or the one .csv inside the .zip Companies House publishes."""
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist() if n.lower().endswith(".csv")]
            if len(names) != 1:
                raise CompaniesFileError([Problem(path.name, 0, NO_COLUMN, f"holds {len(names)} CSV files, not 1")])
            with archive.open(names[0]) as raw:
                yield io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
    else:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            yield handle


def read_companies(
    path: Path,
    wanted: set[str],
    as_of: dt.date | None = None,
    progress: Callable[[str], None] | None = None,
) -> CompaniesData:
    """The rows of the companies numbered in `wanted`; raises CompaniesFileError when the file is unusable."""
    name = path.name
    if not path.is_file():
        raise CompaniesFileError([Problem(str(path), 0, NO_COLUMN, "no such file")])
    if as_of is None:
        found = FILE_DATE.search(name)
        as_of = dt.date.fromisoformat(found.group(1)) if found else dt.date.today()
    data = CompaniesData(path, f"companies-house:{name}", as_of)
    line = 1
    try:
        with _open_text(path) as text:
            reader = csv.reader(text, strict=True)
            header = [h.strip() for h in next(reader, [])]
            missing = [c for c in REQUIRED if c not in header]
            if missing:
                raise CompaniesFileError([Problem(name, 1, c, "required column is missing (is this Companies House "
                                                              "basic company data?)") for c in missing])
            index = {column: header.index(column) for column in (*REQUIRED, *SIC_COLUMNS, "CompanyName")
                     if column in header}
            for line, record in enumerate(reader, start=2):
                data.rows_read += 1
                if progress and data.rows_read % PROGRESS_EVERY == 0:
                    progress(f"read {data.rows_read:,} companies, {len(data.companies)} of {len(wanted)} found")
                if len(record) != len(header):
                    if any(c.strip() for c in record):
                        message = f"has {len(record)} cells but the header has {len(header)}"
                        data.problems.append(Problem(name, line, NO_COLUMN, message))
                    continue
                number = record[index["CompanyNumber"]]
                if number not in wanted:  # the file's numbers are already 8 characters: normalise only if needed
                    number = normalise_number(number)
                    if number not in wanted:
                        continue
                sics = [record[index[c]].strip() for c in SIC_COLUMNS if c in index]
                sics = [s for s in sics if s and s.lower() != "none supplied"]
                category = " ".join(record[index["Accounts.AccountCategory"]].split())
                data.companies[number] = {
                    "companyNumber": number,
                    "companyName": record[index["CompanyName"]].strip() if "CompanyName" in index else None,
                    "companyStatus": record[index["CompanyStatus"]].strip() or None,
                    "accountCategory": category or None,
                    "sme": sme_of(category),
                    "sicCodes": [s.split(" - ", 1)[0].strip() for s in sics],
                    "sicDescriptions": [s.split(" - ", 1)[1].strip() if " - " in s else s for s in sics],
                }
    except UnicodeDecodeError as error:
        raise CompaniesFileError([Problem(name, line + 1, NO_COLUMN, f"not UTF-8 ({error.reason})")]) from None
    except csv.Error as error:
        raise CompaniesFileError([Problem(name, line + 1, NO_COLUMN, f"not readable as CSV: {error}")]) from None
    except (OSError, zipfile.BadZipFile) as error:
        raise CompaniesFileError([Problem(name, 0, NO_COLUMN, f"cannot read: {error}")]) from None
    return data


async def wanted_numbers(db: Database) -> set[str]:
    return {row["companyNumber"] for row in await db.read("companies_supplier_numbers")}


BATCH_SIZE = 5000  # rows per statement, as the other importers


async def write_companies(tx: WriteTransaction, data: CompaniesData) -> None:
    """Sets status, SIC codes and (where the accounts category tells) sme on every supplier with each company
    number, with the source and date of the Companies House file; idempotent."""
    rows = list(data.companies.values())
    for start in range(0, len(rows), BATCH_SIZE):
        await tx.run("companies_enrich", rows=rows[start : start + BATCH_SIZE], source=data.source, asOf=data.as_of)


async def enrich(
    db: Database,
    path: Path,
    as_of: dt.date | None = None,
    *,
    dry_run: bool = False,
    wait: bool = False,
    progress: Callable[[str], None] | None = None,
) -> tuple[CompaniesData, int]:
    """Reads the file for the graph's company numbers and writes what it found, all or nothing: under the
    import lock (graph/importlock.py) from before the numbers are read until the one transaction commits,
    like `load`. Returns the data and how many company numbers were looked for. Raises ImportLocked when
    another import runs (or waits for it with `wait`), CompaniesFileError when the file is unusable."""
    if dry_run:
        wanted = await wanted_numbers(db)
        return await asyncio.to_thread(read_companies, path, wanted, as_of, progress), len(wanted)
    async with import_lock(db, f"enrich-companies {os.path.realpath(path)}", wait=wait, on_wait=progress) as lock:
        wanted = await wanted_numbers(db)
        # In a thread, so that the lock's heartbeat keeps beating while the 2.5 GB file streams by.
        data = await asyncio.to_thread(read_companies, path, wanted, as_of, progress)
        async with db.transaction() as tx:
            await write_companies(tx, data)
            await lock.release_in(tx)
    return data, len(wanted)
