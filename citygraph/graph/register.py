"""Council contracts registers published under the Local Government Transparency Code 2015 (every contract
over £5,000, usually a quarterly CSV in the LGA contracts-register layout), imported by
`citygraph load-register FILE --borough CODE` (docs/real-data.md).

`read_register` needs no database: it reads the whole file with the bundle reader, maps the council's
header names onto the register's fields (synonyms, any case and punctuation), parses every row (UK dates,
`£1,234.56`) and keeps the IT contracts, as `load-ocds` does: by CPV code, or by keywords in the title,
description and ProClass category when the row has no CPV code. Problems come back as
`file:row: column: message`; a file that cannot be read, or lacks a required column, gives nothing to write.
`load_register` is the one place that writes what was read: under the import lock, in one transaction.
"""

import datetime as dt
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from citygraph.graph.bundle import NO_COLUMN, BundleInvalid, Problem, _read_table
from citygraph.graph.database import Database, Row, WriteTransaction
from citygraph.graph.importlock import import_lock
from citygraph.graph.ocds import slug
from citygraph.graph.settings import get_settings

# Field -> header names councils use for it, compared after `_header_key` (case, spaces, punctuation).
FIELDS: dict[str, tuple[str, ...]] = {
    "reference": ("reference", "contract reference number", "contract reference", "contract ref", "reference number",
                  "contract id", "contract number", "ref"),
    "title": ("title", "title of agreement", "contract title", "contract name", "agreement title"),
    "department": ("department", "local authority department responsible", "responsible department", "directorate",
                   "service", "service area", "responsible unit", "organisational unit", "department responsible"),
    "description": ("description", "contract description", "description of goods and services",
                    "description of the goods and or services being provided", "brief description"),
    "supplier_name": ("supplier name", "supplier", "vendor", "vendor name", "contractor", "supplier name and details",
                      "provider"),
    "company_number": ("supplier registered company number", "registered company number", "company number",
                       "company registration number", "companies house number", "supplier company number",
                       "supplier company registration number"),
    "value": ("value", "contract value", "total contract value", "value of contract", "total value",
              "sum to be paid over the length of the contract", "value over the life of the contract",
              "estimated total value", "whole life value", "contract value gbp"),
    "annual_value": ("annual value", "annual contract value", "estimated annual value", "estimated annual spending",
                     "annual spend", "estimated annual spending or budget"),
    "start_date": ("start date", "contract start date", "commencement date", "contract start"),
    "end_date": ("end date", "contract end date", "current end date", "expiry date", "contract expiry date",
                 "contract end"),
    "max_end_date": ("maximum end date", "max end date", "end date including extensions", "extension end date",
                     "contract end date including extensions", "final end date", "maximum contract end date",
                     "end date with extensions", "latest end date"),
    "review_date": ("review date", "contract review date"),
    "extension_options": ("extension options", "extension period", "option to extend", "extensions",
                          "extension options available", "extension"),
    "sme_vcse": ("sme vcse", "sme or vcse", "sme and vcse", "sme vcse flag", "sme", "is sme", "supplier is sme",
                 "sme supplier", "sme status"),
    "vcse": ("vcse", "vcse supplier type", "is vcse", "voluntary or community sector"),
    "cpv": ("cpv", "cpv code", "cpv codes", "cpv label", "cpv uri", "cpv code and label"),
    "proclass": ("proclass", "proclass code", "proclass label", "proclass uri", "proclass category"),
}
# Columns of the layout CityGraph reads but does not store; not reported as unknown.
KNOWN_UNUSED = ("organisation label", "organisation uri", "organisation", "organisation name", "effective date",
                "ocid", "open contracting id", "contract type", "service category label", "service category uri",
                "irrecoverable vat", "vat that cannot be recovered", "procurement procedure", "procedure type",
                "invitation to tender", "charity number", "supplier charity number", "supplier uri",
                "nominated contact point", "nominated contact point url", "tender document url",
                "contract document url", "notes")
REQUIRED = ("reference", "title", "supplier_name")
MULTI = ("cpv", "proclass")  # the LGA layout gives a label and a code (or URI) column for each: both are read

CPV = re.compile(r"(?<!\d)(\d{8})(?:-\d)?(?!\d)")
# Used only for rows without a CPV code: words of titles, descriptions and ProClass categories of IT buys.
IT_WORDS = re.compile(
    r"(?i:\b(?:software|saas|ict|digital|cloud|hosting|computers?|laptops?|servers?|cyber|website|telephony|"
    r"broadband|data ?centre|database|information (?:(?:and|&) communications? )?technology)\b)"
    r"|\bIT\b"  # capitals only: "it" is a word too
)
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d %B %Y", "%d %b %Y", "%d-%b-%Y", "%d-%b-%y",
                "%d/%m/%y")
YES = ("yes", "y", "true", "1")
NO = ("no", "n", "false", "0", "neither", "none", "not sme", "large")


class RegisterError(BundleInvalid):
    """The file as a whole cannot be imported; `problems` say why. Nothing was written."""


@dataclass
class RegisterData:
    path: Path
    borough_code: str
    source: str
    rows_read: int = 0
    contracts: list[Row] = field(default_factory=list)
    suppliers: dict[str, Row] = field(default_factory=dict)  # by the key they are matched on, see `match_suppliers`
    not_it: int = 0
    problems: list[Problem] = field(default_factory=list)  # rows left out, and columns not understood
    mapping: dict[str, str] = field(default_factory=dict)  # header -> field

    def summary(self) -> str:
        skipped = len({p.row for p in self.problems if p.row > 1})
        return (
            f"{self.path.name}: {self.rows_read} rows read, {len(self.contracts)} IT contracts imported for "
            f"{self.borough_code}, {self.not_it} not IT, {skipped} rows with problems left out"
        )


def _header_key(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower().replace("&", " and ")).split())


SYNONYMS = {_header_key(name): name_field for name_field, names in FIELDS.items() for name in names}


# --- cell parsers: each raises ValueError with the message the council sees -----------------------------


def parse_date(text: str) -> dt.date:
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"must be a date like 31/03/2027 or 2027-03-31 (got {text!r})")


def parse_money(text: str) -> float:
    cleaned = re.sub(r"[£,\s]", "", text)
    if cleaned.upper().startswith("GBP"):
        cleaned = cleaned[3:]
    if not re.fullmatch(r"\d+(?:\.\d+)?", cleaned):
        raise ValueError(f"must be an amount in pounds like £1,234.56 (got {text!r})")
    return float(cleaned)


def parse_company_number(text: str) -> str:
    number = re.sub(r"\s", "", text).upper()
    if re.fullmatch(r"\d{1,8}", number):
        return number.zfill(8)
    if re.fullmatch(r"[A-Z]{2}\d{6}", number):  # SC123456, NI…, OC… (LLPs), FC…
        return number
    raise ValueError(f"must be a Companies House number like 01234567 or SC123456 (got {text!r})")


def parse_sme_vcse(text: str) -> tuple[bool | None, bool | None]:
    """(sme, vcse) from "Yes", "SME", "VCSE", "SME and VCSE", "No", …"""
    value = _header_key(text)
    if value in YES:
        return True, None
    if value in NO:
        return False, None
    words = set(value.split())
    if words and words <= {"sme", "vcse", "and", "or"}:
        return ("sme" in words) or None, ("vcse" in words) or None
    raise ValueError(f"must be Yes, No, SME, VCSE or SME and VCSE (got {text!r})")


def parse_flag(text: str) -> bool:
    value = _header_key(text)
    if value in YES or value in ("vcse", "charity", "social enterprise", "voluntary", "community"):
        return True
    if value in NO:
        return False
    raise ValueError(f"must be Yes or No (got {text!r})")


PARSERS: dict[str, Any] = {
    "company_number": parse_company_number,
    "value": parse_money,
    "annual_value": parse_money,
    "start_date": parse_date,
    "end_date": parse_date,
    "max_end_date": parse_date,
    "review_date": parse_date,
    "sme_vcse": parse_sme_vcse,
    "vcse": parse_flag,
}


# --- reading ---------------------------------------------------------------------------------------------


def read_register(
    path: Path,
    borough_code: str,
    it_cpv_prefixes: Sequence[str],
    all_contracts: bool = False,
    source: str | None = None,
) -> RegisterData:
    """Every row of the register, parsed; raises RegisterError when the file as a whole is unusable."""
    data = RegisterData(path, borough_code, source or f"register:{path.name}")
    if not path.is_file():
        raise RegisterError([Problem(str(path), 0, NO_COLUMN, "no such file")])
    read_problems: list[Problem] = []
    table = _read_table(path, read_problems)
    if table is None:
        raise RegisterError(read_problems)
    # The reader leaves out rows it cannot split into cells: those are the rows' problems, not the file's.
    problems = [p for p in read_problems if p.row <= 1]
    ragged = [Problem(p.file, p.row, p.column, f"{p.message}; row left out") for p in read_problems if p.row > 1]
    data.problems.extend(ragged)
    data.rows_read += len(ragged)
    name = path.name
    for header in table.header:
        if not header:
            continue
        key = _header_key(header)
        target = SYNONYMS.get(key)
        if target is None:
            if key not in KNOWN_UNUSED:
                data.problems.append(Problem(name, 1, header, "not a contracts-register column; ignored"))
        elif target in data.mapping.values() and target not in MULTI:
            other = next(h for h, f in data.mapping.items() if f == target)
            problems.append(Problem(name, 1, header, f"means the same as column {other!r} ({target})"))
        else:
            data.mapping[header] = target
    for required in REQUIRED:
        if required not in data.mapping.values():
            names = ", ".join(repr(n) for n in FIELDS[required][:3])
            problems.append(Problem(name, 1, required, f"required column is missing (e.g. {names})"))
    if problems:
        raise RegisterError(problems + [p for p in data.problems if p.row <= 1])

    references: dict[str, int] = {}
    prefixes = tuple(it_cpv_prefixes)
    for number, cells in table.rows:
        data.rows_read += 1
        row = _parse_row(name, number, cells, data)
        if row is None:
            continue
        first = references.setdefault(row["reference"], number)
        if first != number:
            message = f"duplicate reference {row['reference']!r} (first on row {first}); row left out"
            data.problems.append(Problem(name, number, _header_for(data, "reference"), message))
            continue
        if not (all_contracts or _is_it(row, prefixes)):
            data.not_it += 1
            continue
        data.contracts.append(row)
    data.problems.sort(key=lambda p: (p.row, p.column))
    return data


def _parse_row(name: str, number: int, cells: dict[str, str], data: RegisterData) -> Row | None:
    values: dict[str, Any] = {}
    bad: list[Problem] = []
    for header, target in data.mapping.items():
        text = cells.get(header, "")
        if not text:
            continue
        parse = PARSERS.get(target)
        if target in MULTI:
            values[target] = " ".join([values.get(target, ""), *text.split()]).strip()
            continue
        try:
            values[target] = parse(text) if parse else " ".join(text.split())
        except ValueError as error:
            bad.append(Problem(name, number, header, f"{error}; row left out"))
    for required in REQUIRED:
        if required not in values and not any(p.column == _header_for(data, required) for p in bad):
            bad.append(Problem(name, number, _header_for(data, required), "required value is empty; row left out"))
    start, end, latest = values.get("start_date"), values.get("end_date"), values.get("max_end_date")
    if start and end and end < start:
        bad.append(Problem(name, number, _header_for(data, "end_date"), f"{end} is before the start date {start}; "
                                                                           "row left out"))
    if end and latest and latest < end:
        bad.append(Problem(name, number, _header_for(data, "max_end_date"), f"{latest} is before the end date {end}; "
                                                                               "row left out"))
    if bad:
        data.problems.extend(bad)
        return None
    sme, vcse = values.pop("sme_vcse", (None, None))
    if "vcse" in values:
        vcse = values.pop("vcse")
    return {**values, "sme": sme, "vcse": vcse, "row": number,
            "cpvCodes": list(dict.fromkeys(CPV.findall(values.get("cpv", ""))))}


def _header_for(data: RegisterData, target: str) -> str:
    return next((h for h, f in data.mapping.items() if f == target), target)


def _is_it(row: Row, prefixes: tuple[str, ...]) -> bool:
    if row["cpvCodes"]:
        return any(code.startswith(prefixes) for code in row["cpvCodes"])
    text = " ".join(str(row.get(k, "")) for k in ("title", "description", "proclass"))
    return bool(IT_WORDS.search(text))


# --- suppliers -------------------------------------------------------------------------------------------


def match_suppliers(data: RegisterData, known: Sequence[Row]) -> None:
    """Gives every contract a `supplierId`: the graph's supplier with the same company number, else the one
    with the same normalised name (legal suffixes, case and punctuation ignored), else a new supplier."""
    by_number = {s["companyNumber"]: s["id"] for s in known if s.get("companyNumber")}
    by_name: dict[str, list[str]] = {}
    for s in known:
        by_name.setdefault(slug(s["name"]), []).append(s["id"])
    for contract in data.contracts:
        number, name = contract.get("company_number"), contract["supplier_name"]
        if number and number in by_number:
            sid, how = by_number[number], "company number"
        elif len(by_name.get(slug(name), [])) == 1:
            sid, how = by_name[slug(name)][0], "name"
        elif number:
            sid, how = f"GB-COH-{number}", "new"  # the id load-ocds gives a GB-COH supplier: they meet
        else:
            sid, how = f"register-supplier:{slug(name)}", "new"
        contract["supplierId"], contract["supplierMatch"] = sid, how
        supplier = data.suppliers.setdefault(sid, {"id": sid, "name": name, "companyNumber": number, "sme": None,
                                                   "vcse": None, "source": data.source})
        supplier["companyNumber"] = supplier["companyNumber"] or number
        for flag in ("sme", "vcse"):
            if contract[flag] is not None:
                supplier[flag] = contract[flag]


def contract_rows(data: RegisterData) -> list[Row]:
    return [
        {
            "id": f"register:{data.borough_code}:{c['reference']}",
            "reference": c["reference"],
            "title": c["title"],
            "description": c.get("description"),
            "department": c.get("department"),
            "valueGbp": c.get("value"),
            "annualValueGbp": c.get("annual_value"),
            "startDate": c.get("start_date"),
            "endDate": c.get("end_date"),
            "maxExtensionDate": c.get("max_end_date"),
            "reviewDate": c.get("review_date"),
            "extensionOptions": c.get("extension_options"),
            "cpvCodes": c["cpvCodes"],
            "proclass": c.get("proclass"),
            "boroughCode": data.borough_code,
            "supplierId": c["supplierId"],
            "supplierMatch": c["supplierMatch"],
        }
        for c in data.contracts
    ]


# --- writing ---------------------------------------------------------------------------------------------


async def known_suppliers(db: Database) -> list[Row]:
    return await db.read("register_known_suppliers")


BATCH_SIZE = 5000  # rows per statement, as the other importers


async def write_register(tx: WriteTransaction, data: RegisterData) -> None:
    """Writes suppliers, then contracts AWARDED by the borough and WITH their supplier; idempotent."""
    for query, rows in (("register_suppliers", list(data.suppliers.values())),
                        ("register_contracts", contract_rows(data))):
        for start in range(0, len(rows), BATCH_SIZE):
            await tx.run(query, rows=rows[start : start + BATCH_SIZE], source=data.source)


async def load_register(
    db: Database,
    data: RegisterData,
    *,
    dry_run: bool = False,
    wait: bool = False,
    on_wait: Callable[[str], None] | None = None,
) -> bool:
    """Matches the register's suppliers against the graph's and writes it, all or nothing: under the import
    lock (graph/importlock.py) from before the suppliers are read until the one transaction commits, like
    `load` and `load-ocds`. False, having written nothing, when the graph has no borough with the data's
    code. Raises ImportLocked when another import runs (or waits for it with `wait`), and RegisterError
    when the file has more to write than one transaction may hold."""
    limit = get_settings().import_max_transaction_rows
    if len(data.contracts) > limit:
        # A register holds one council's contracts over £5,000, a few thousand rows: a file this large is not
        # one register, and staging it (as `load` does for bundles) would be code no real file needs.
        message = (f"{len(data.contracts):,} contracts to write, more than the {limit:,} rows an import writes in "
                   "one transaction (CITYGRAPH_IMPORT_MAX_TRANSACTION_ROWS); split the file")
        raise RegisterError([Problem(data.path.name, 0, NO_COLUMN, message)])
    if dry_run:
        if not await db.read("boroughs_by_code", keys=[data.borough_code]):
            return False
        match_suppliers(data, await known_suppliers(db))
        return True
    holder = f"load-register {os.path.realpath(data.path)} for {data.borough_code}"
    async with import_lock(db, holder, wait=wait, on_wait=on_wait) as lock:
        if not await db.read("boroughs_by_code", keys=[data.borough_code]):
            return False
        match_suppliers(data, await known_suppliers(db))
        async with db.transaction() as tx:
            await write_register(tx, data)
            await lock.release_in(tx)
    return True
