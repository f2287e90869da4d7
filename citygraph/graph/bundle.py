"""Reading and validating an import bundle (docs/importing.md, docs/import-format.md).

Nothing here touches the database: `validate_bundle` takes the keys already in the graph as `KnownKeys`
and returns every problem it finds, so that the importer can refuse the whole bundle before writing."""

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError

from citygraph.graph.files import UnreadableFile, read_text
from citygraph.graph.limits import MAX_INT, MAX_KEY_CHARS, MAX_TEXT_CHARS, shown

NO_COLUMN = "-"  # the column of a problem that concerns a whole file or row

# The csv module refuses longer fields with its own error; allow the longest cell we accept, plus the
# spaces around it, so that a too-long cell gets our message with its column.
csv.field_size_limit(max(csv.field_size_limit(), 2 * MAX_TEXT_CHARS))


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.row}: {self.column}: {self.message}"


class BundleInvalid(Exception):
    """The bundle has problems; nothing was written."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s) in the bundle")
        self.problems = problems


@dataclass(frozen=True)
class KnownKeys:
    """Keys already in the graph, against which bundle references are resolved."""

    boroughs: frozenset[str] = frozenset()
    suppliers: frozenset[str] = frozenset()
    systems: frozenset[str] = frozenset()
    service_areas: frozenset[str] = frozenset()
    skills: frozenset[str] = frozenset()


# --- cell parsers: each raises ValueError with the exact message a council sees ------------------------


def _one_of(*values: str) -> Callable[[str], str]:
    def check(text: str) -> str:
        if text not in values:
            raise ValueError(f"must be one of {', '.join(values)} (got {shown(text)})")
        return text

    return check


def _text(limit: int, why: str) -> Callable[[str], str]:
    def check(text: str) -> str:
        if len(text) > limit:
            raise ValueError(f"is {len(text):,} characters long; the limit is {limit:,} ({why})")
        return text

    return check


def _boolean(text: str) -> bool:
    # Spreadsheets write TRUE/FALSE, hence case-insensitive.
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    raise ValueError(f"must be true or false (got {shown(text)})")


def _integer(low: int, high: int | None) -> Callable[[str], int]:
    def check(text: str) -> int:
        if not re.fullmatch(r"[+-]?\d+", text):
            raise ValueError(f"must be a whole number (got {shown(text)})")
        if len(text.lstrip("+-0")) > len(str(MAX_INT)):  # out of range; and int() refuses 4,300+ digits
            value, got = (-MAX_INT - 2 if text.startswith("-") else MAX_INT + 1), shown(text)
        else:
            value = int(text)
            got = str(value)
        if high is None and value < low:
            raise ValueError(f"must be {low} or more (got {got})")
        if high is None and value > MAX_INT:
            raise ValueError(f"must be at most {MAX_INT}, the largest integer Neo4j stores (got {got})")
        if high is not None and not low <= value <= high:
            raise ValueError(f"must be between {low} and {high} (got {got})")
        return value

    return check


def _amount(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"must be a number (got {shown(text)})") from None
    if math.isinf(value) and re.fullmatch(r"[+-]?[\d.]+(e[+-]?\d+)?", text, re.IGNORECASE):
        raise ValueError(f"is too large to store (more than 1.8e308) (got {shown(text)})")
    if not math.isfinite(value):
        raise ValueError(f"must be a number (got {shown(text)})")
    if value < 0:
        raise ValueError(f"must be 0 or more (got {text})")
    return value


def _date(text: str) -> dt.date:
    # date.fromisoformat alone also takes 20240131 and week dates; the format promises YYYY-MM-DD.
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return dt.date.fromisoformat(text)
    except ValueError:
        pass
    raise ValueError(f"must be a date YYYY-MM-DD (got {shown(text)})")


def _gss_code(text: str) -> str:
    if not re.fullmatch(r"[ENSW]\d{8}", text):
        raise ValueError(f"must be a GSS code like E09000007 (got {shown(text)})")
    return text


def _names(text: str) -> list[str]:
    names: list[str] = []
    for name in (part.strip() for part in text.split(";")):
        if len(name) > MAX_KEY_CHARS:
            limit = f"the limit is {MAX_KEY_CHARS:,} (names are indexed)"
            raise ValueError(f"has a name of {len(name):,} characters; {limit}")
        if name and name not in names:
            names.append(name)
    return names


def cell(parse: Callable[[str], Any]) -> BeforeValidator:
    return BeforeValidator(parse)


Region = Annotated[str, cell(_one_of("INNER_LONDON", "OUTER_LONDON", "OTHER"))]
ServiceKind = Annotated[str, cell(_one_of("FRONTLINE", "CORPORATE"))]
Hosting = Annotated[str, cell(_one_of("ON_PREMISES", "CLOUD", "SAAS", "HYBRID", "UNKNOWN"))]
Rating = Annotated[int, cell(_integer(1, 5))]
Count = Annotated[int, cell(_integer(0, None))]
Amount = Annotated[float, cell(_amount)]
Date = Annotated[dt.date, cell(_date)]
Names = Annotated[list[str], cell(_names)]
# Every other text cell: a key, name or code (indexed, or short by nature), or long free text.
Key = Annotated[str, cell(_text(MAX_KEY_CHARS, "identifiers, names and codes are indexed"))]
LongText = Annotated[str, cell(_text(MAX_TEXT_CHARS, "the longest text a cell may hold"))]


# --- one model per file; field names are the CSV column names ------------------------------------------


class BundleRow(BaseModel):
    """A data row. Fields without a default are the required columns; None means unknown (empty cell or
    column absent), which the importer never writes over an existing value."""

    model_config = ConfigDict(frozen=True, extra="ignore")
    file: ClassVar[str]
    key: ClassVar[tuple[str, ...]]  # the columns that identify a row within its file

    row: int


class BoroughRow(BundleRow):
    file = "boroughs.csv"
    key = ("code",)
    code: Annotated[str, cell(_gss_code)]
    name: Key
    region: Region
    partnerships: Names | None = None


class SupplierRow(BundleRow):
    file = "suppliers.csv"
    key = ("id",)
    id: Key
    name: Key
    sme: Annotated[bool, cell(_boolean)] | None = None
    company_number: Key | None = None


class ServiceAreaRow(BundleRow):
    file = "service_areas.csv"
    key = ("name",)
    name: Key
    kind: ServiceKind


class SystemRow(BundleRow):
    file = "systems.csv"
    key = ("id",)
    id: Key
    name: Key
    service_area: Key
    manufacturer_id: Key


class SystemUseRow(BundleRow):
    file = "system_uses.csv"
    key = ("borough_code", "system_id")
    borough_code: Key
    system_id: Key
    since: Date | None = None
    hosting: Hosting | None = None
    satisfaction: Rating | None = None
    users: Count | None = None


class ContractRow(BundleRow):
    file = "contracts.csv"
    key = ("id",)
    id: Key
    title: LongText
    borough_code: Key
    supplier_id: Key
    system_ids: Names | None = None
    value_gbp: Amount | None = None
    start_date: Date | None = None
    end_date: Date | None = None
    max_extension_date: Date | None = None
    source: Key | None = None


class SkillRatingRow(BundleRow):
    file = "skill_ratings.csv"
    key = ("borough_code", "skill")
    borough_code: Key
    skill: Key
    level: Rating
    category: Key | None = None


MODELS: tuple[type[BundleRow], ...] = (
    BoroughRow,
    SupplierRow,
    ServiceAreaRow,
    SystemRow,
    SystemUseRow,
    ContractRow,
    SkillRatingRow,
)


def columns(model: type[BundleRow]) -> tuple[list[str], list[str]]:
    """(required, optional) column names of a file."""
    fields = {name: info for name, info in model.model_fields.items() if name != "row"}
    return [n for n, f in fields.items() if f.is_required()], [n for n, f in fields.items() if not f.is_required()]


@dataclass
class ParsedBundle:
    folder: Path
    boroughs: list[BoroughRow] = field(default_factory=list)
    suppliers: list[SupplierRow] = field(default_factory=list)
    service_areas: list[ServiceAreaRow] = field(default_factory=list)
    systems: list[SystemRow] = field(default_factory=list)
    system_uses: list[SystemUseRow] = field(default_factory=list)
    contracts: list[ContractRow] = field(default_factory=list)
    skill_ratings: list[SkillRatingRow] = field(default_factory=list)
    files: list[str] = field(default_factory=list)  # the bundle files present, read
    ignored: list[str] = field(default_factory=list)  # "file" or "file: column" that the format does not know

    @property
    def row_count(self) -> int:
        return sum(len(self.rows(model)) for model in MODELS)

    def rows(self, model: type[BundleRow]) -> list[Any]:
        return getattr(self, model.file.removesuffix(".csv"))


# --- reading ---------------------------------------------------------------------------------------------


@dataclass
class _Table:
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (row number, column -> cell), blank lines left out


def _read_table(path: Path, problems: list[Problem]) -> _Table | None:
    """The file's header and rows, or None (with problems added) when it cannot be read as CSV at all."""
    name = path.name
    try:
        text = read_text(path)  # a folder, a link loop, not UTF-8 …: one problem naming the file
    except UnreadableFile as error:
        problems.append(Problem(name, error.line or 0, NO_COLUMN, error.reason))
        return None
    # strict: a stray quote is an error rather than a cell swallowing the rest of the file
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[list[str]] = []
    try:
        records.extend(reader)
    except csv.Error as error:
        message = f"not readable as CSV: {error}"
        if "field larger than field limit" in str(error):
            message = f"a cell is longer than {csv.field_size_limit():,} characters (the limit for one cell)"
        problems.append(Problem(name, len(records) + 1, NO_COLUMN, message))
        return None
    if not records or not any(c.strip() for c in records[0]):
        problems.append(Problem(name, 1, NO_COLUMN, "no header row"))
        return None
    header = [c.strip() for c in records[0]]
    repeated = sorted({c for c in header if c and header.count(c) > 1})
    for column in repeated:
        problems.append(Problem(name, 1, column, "column appears more than once in the header"))
    if repeated:
        return None  # which of the two is meant? Nothing in this file can be trusted.
    table = _Table(header, [])
    for number, record in enumerate(records[1:], start=2):
        if not any(c.strip() for c in record):
            continue  # blank line
        if len(record) != len(header):
            message = f"has {len(record)} cells but the header has {len(header)}"
            problems.append(Problem(name, number, NO_COLUMN, message))
            continue
        table.rows.append((number, {c: v.strip() for c, v in zip(header, record, strict=True) if c}))
    return table


# Validation reports progress every this many rows of a file (and at its end).
PROGRESS_EVERY = 1_000


def _model_rows(
    model: type[BundleRow],
    table: _Table,
    problems: list[Problem],
    ignored: list[str],
    progress: Callable[[str, int, int], None] | None = None,
) -> list[Any]:
    required, optional = columns(model)
    missing = [c for c in required if c not in table.header]
    for column in missing:
        problems.append(Problem(model.file, 1, column, "required column is missing"))
    known = set(required) | set(optional)
    ignored.extend(f"{model.file}: {c}" for c in table.header if c and c not in known)
    rows = []
    for done, (number, cells) in enumerate(table.rows, start=1):
        if progress and (done % PROGRESS_EVERY == 0 or done == len(table.rows)):
            progress(model.file, done, len(table.rows))
        row, row_problems = parse_row(model, number, {c: v for c, v in cells.items() if c in known})
        if row is not None:
            rows.append(row)
        problems.extend(p for p in row_problems if p.column not in missing)  # missing: reported on the header
    return rows


def parse_row(model: type[BundleRow], number: int, cells: dict[str, str]) -> tuple[Any, list[Problem]]:
    """One row's cells (column -> text, "" = unknown) as `model`, or None and a problem per bad cell. The
    one place where a row's values are checked: the bundle importer and the write API
    (citygraph/graph/writes.py) both call it."""
    values = {c: v for c, v in cells.items() if v != ""}  # empty cell = unknown
    try:
        row = model(row=number, **values)
    except ValidationError as error:
        problems = []
        for detail in error.errors():
            if detail["type"] == "missing":
                message = "required value is empty"
            elif detail["type"] == "value_error":
                message = str(detail["ctx"]["error"])
            else:
                message = detail["msg"]
            problems.append(Problem(model.file, number, str(detail["loc"][0]), message))
        return None, problems
    return row, row_rules(row)


def row_rules(row: BundleRow) -> list[Problem]:
    """Rules between the cells of one row (its values are each valid)."""
    problems: list[Problem] = []
    if isinstance(row, ContractRow):
        _dates_in_order(row, problems)
    return problems


# --- whole-bundle rules ----------------------------------------------------------------------------------


def _duplicates(rows: Iterable[BundleRow], problems: list[Problem]) -> None:
    first: dict[tuple[Any, ...], int] = {}
    for row in rows:
        key = tuple(getattr(row, c) for c in row.key)
        if key in first:
            if len(row.key) == 1:
                message = f"duplicate {row.key[0]} {shown(key[0])} (first on row {first[key]})"
            else:
                what = " and ".join(f"{c} {shown(v)}" for c, v in zip(row.key, key, strict=True))
                message = f"duplicate row for {what} (first on row {first[key]})"
            problems.append(Problem(row.file, row.row, row.key[-1], message))
        else:
            first[key] = row.row


def _dates_in_order(contract: ContractRow, problems: list[Problem]) -> None:
    start, end, extension = contract.start_date, contract.end_date, contract.max_extension_date
    if start and end and end < start:
        problems.append(Problem(contract.file, contract.row, "end_date", f"{end} is before start_date {start}"))
    if end and extension and extension < end:
        problems.append(
            Problem(contract.file, contract.row, "max_extension_date", f"{extension} is before end_date {end}")
        )


def _keys(known: frozenset[str], tables: dict[str, _Table | None], file: str, column: str) -> set[str] | None:
    """Keys in the graph or defined by the bundle, None when the defining file could not be read (its
    problem is reported; guessing would report every row referring to it as well). Taken from the raw
    cells so that a row with some other mistake still counts as defined, for the same reason."""
    if file not in tables:
        return set(known)
    table = tables[file]
    if table is None:
        return None
    return known | {cells[column] for _, cells in table.rows if cells.get(column)}


def validate_bundle(
    folder: Path, known: KnownKeys, progress: Callable[[str, int, int], None] | None = None
) -> tuple[ParsedBundle, list[Problem]]:
    """Every row of every bundle file in `folder`, parsed, and every problem, sorted by file then row.
    The bundle may be written only when the list of problems is empty. `progress(file name, rows checked,
    rows in the file)` is called as each file's rows are checked."""
    bundle = ParsedBundle(folder)
    problems: list[Problem] = []
    if not folder.is_dir():
        return bundle, [Problem(str(folder), 0, NO_COLUMN, "not a folder")]
    try:
        paths = sorted(path for path in folder.iterdir() if path.name.endswith(".csv"))
    except OSError as error:
        return bundle, [Problem(str(folder), 0, NO_COLUMN, f"cannot list the folder: {error.strerror or error}")]
    by_file = {model.file: model for model in MODELS}
    tables: dict[str, _Table | None] = {}
    for path in paths:
        if path.name not in by_file:
            bundle.ignored.append(path.name)
            continue
        bundle.files.append(path.name)
        tables[path.name] = table = _read_table(path, problems)
        if table is not None:
            model = by_file[path.name]
            bundle.rows(model).extend(_model_rows(model, table, problems, bundle.ignored, progress))
    if not bundle.files:
        expected = ", ".join(sorted(by_file))
        problems.append(Problem(folder.name, 0, NO_COLUMN, f"no bundle files here (expected any of {expected})"))

    for model in MODELS:
        _duplicates(bundle.rows(model), problems)

    boroughs = _keys(known.boroughs, tables, "boroughs.csv", "code")
    suppliers = _keys(known.suppliers, tables, "suppliers.csv", "id")
    systems = _keys(known.systems, tables, "systems.csv", "id")
    areas = _keys(known.service_areas, tables, "service_areas.csv", "name")

    def resolve(row: BundleRow, column: str, value: str, keys: set[str] | None, kind: str, home: str) -> None:
        if keys is not None and value not in keys:
            message = f"{kind} {shown(value)} is neither in {home} nor in the graph"
            problems.append(Problem(row.file, row.row, column, message))

    for system in bundle.systems:
        resolve(system, "service_area", system.service_area, areas, "service area", "service_areas.csv")
        resolve(system, "manufacturer_id", system.manufacturer_id, suppliers, "supplier", "suppliers.csv")
    for use in bundle.system_uses:
        resolve(use, "borough_code", use.borough_code, boroughs, "borough", "boroughs.csv")
        resolve(use, "system_id", use.system_id, systems, "system", "systems.csv")
    for contract in bundle.contracts:
        resolve(contract, "borough_code", contract.borough_code, boroughs, "borough", "boroughs.csv")
        resolve(contract, "supplier_id", contract.supplier_id, suppliers, "supplier", "suppliers.csv")
        for system_id in contract.system_ids or []:
            resolve(contract, "system_ids", system_id, systems, "system", "systems.csv")
    categories: dict[str, tuple[str, int]] = {}
    for rating in bundle.skill_ratings:
        resolve(rating, "borough_code", rating.borough_code, boroughs, "borough", "boroughs.csv")
        # A skill has one category: two rows disagreeing would make the result depend on row order.
        if rating.category is None:
            continue
        if rating.skill not in categories:
            categories[rating.skill] = (rating.category, rating.row)
        elif categories[rating.skill][0] != rating.category:
            other, row = categories[rating.skill]
            problems.append(
                Problem(
                    rating.file,
                    rating.row,
                    "category",
                    f"{shown(rating.category)} differs from {shown(other)} on row {row}",
                )
            )

    problems.sort(key=lambda p: (p.file, p.row))
    return bundle, problems
