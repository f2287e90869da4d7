"""Reading and validating an import bundle (docs/importing.md, docs/import-format.md).

Nothing here touches the database: `validate_bundle` takes the keys already in the graph as `KnownKeys`
and returns every problem it finds, so that the importer can refuse the whole bundle before writing."""

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Callable
from itertools import chain
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, ClassVar, get_args

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

    check.max_chars = limit  # type: ignore[attr-defined]  # a column within the limit needs no checking (_parse_file)
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


LIST_COLUMNS = frozenset({"partnerships", "system_ids"})  # the `Names` columns: a list of names per cell

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
class ParsedFile:
    """The valid rows of one bundle file, column by column: `values[field][i]` is the parsed cell of the row
    numbered `numbers[i]` (None: empty or absent). Columns rather than a model per row, because building
    150,000 pydantic models costs more than checking their cells (docs/importing.md, "Speed"); `records()`
    gives the row models on demand."""

    model: type[BundleRow]
    numbers: list[int] = field(default_factory=list)
    values: dict[str, list[Any]] = field(default_factory=dict)
    _records: list[Any] | None = field(default=None, repr=False)

    def __len__(self) -> int:
        return len(self.numbers)

    def column(self, name: str) -> list[Any]:
        return self.values.get(name) or [None] * len(self.numbers)

    def records(self) -> list[Any]:
        """One `model` per row, as `model(row=..., **cells)` would give (the cells are already parsed)."""
        if self._records is None:
            names = list(self.values)
            build = self.model.model_construct
            # Rows with the same text share one parsed value; a model gets lists of its own.
            self._records = [
                build(row=number, **{n: _own(v) for n, v in zip(names, cells, strict=True) if v is not None})
                for number, *cells in zip(self.numbers, *self.values.values(), strict=True)
            ]
        return self._records


def _own(value: Any) -> Any:
    return list(value) if type(value) is list else value


@dataclass
class ParsedBundle:
    folder: Path
    parsed: dict[str, ParsedFile] = field(default_factory=dict)  # file name -> its valid rows
    files: list[str] = field(default_factory=list)  # the bundle files present, read
    ignored: list[str] = field(default_factory=list)  # "file" or "file: column" that the format does not know

    @property
    def row_count(self) -> int:
        return sum(len(parsed) for parsed in self.parsed.values())

    def file(self, model: type[BundleRow]) -> ParsedFile:
        return self.parsed.get(model.file) or ParsedFile(model)

    def rows(self, model: type[BundleRow]) -> list[Any]:
        return self.file(model).records()

    @property
    def boroughs(self) -> list[BoroughRow]:
        return self.rows(BoroughRow)

    @property
    def suppliers(self) -> list[SupplierRow]:
        return self.rows(SupplierRow)

    @property
    def service_areas(self) -> list[ServiceAreaRow]:
        return self.rows(ServiceAreaRow)

    @property
    def systems(self) -> list[SystemRow]:
        return self.rows(SystemRow)

    @property
    def system_uses(self) -> list[SystemUseRow]:
        return self.rows(SystemUseRow)

    @property
    def contracts(self) -> list[ContractRow]:
        return self.rows(ContractRow)

    @property
    def skill_ratings(self) -> list[SkillRatingRow]:
        return self.rows(SkillRatingRow)


# --- reading ---------------------------------------------------------------------------------------------


@dataclass
class _Table:
    header: list[str]
    numbers: list[int]  # row numbers of the data rows, blank lines left out
    cells: dict[str, list[str]]  # column -> its cells, stripped, in row order (unnamed columns left out)

    @property
    def rows(self) -> list[tuple[int, dict[str, str]]]:
        """(row number, column -> cell) per data row."""
        names = list(self.cells)
        return [(n, dict(zip(names, cells, strict=True))) for n, *cells in zip(self.numbers, *self.cells.values())]


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
    width = len(header)
    data = records[1:]
    joined = list(map("".join, data))  # a row is blank when this is empty or only spaces
    if set(map(len, data)) <= {width} and all(joined) and not any(map(str.isspace, joined)):
        numbers, kept = list(range(2, len(records) + 1)), data  # the usual file: every row whole
    else:
        numbers, kept = [], []
        for number, record, text in zip(range(2, len(records) + 1), data, joined, strict=True):
            if not text.strip():
                continue  # blank line
            if len(record) != width:
                message = f"has {len(record)} cells but the header has {width}"
                problems.append(Problem(name, number, NO_COLUMN, message))
                continue
            numbers.append(number)
            kept.append(record)
    # Transposed and stripped in C (zip, map): no Python code runs per cell.
    columns = list(zip(*kept, strict=True)) if kept else [()] * width
    cells = {c: list(map(str.strip, column)) for c, column in zip(header, columns, strict=True) if c}
    return _Table(header, numbers, cells)


# Validation reports progress every this many rows of a file (and at its end).
PROGRESS_EVERY = 1_000


def _parsers(model: type[BundleRow]) -> dict[str, Callable[[str], Any]] | None:
    """Each field's cell parser (its BeforeValidator), or None when a field has none: then the file is
    checked a model per row (`_model_rows`), which gives the same results more slowly."""
    found: dict[str, Callable[[str], Any]] = {}
    for name, info in model.model_fields.items():
        if name == "row":
            continue
        # `Key` keeps its validator in the field's metadata; `Key | None` inside the union's Annotated member.
        metadata = [*info.metadata, *(m for a in get_args(info.annotation) for m in getattr(a, "__metadata__", ()))]
        validators = [m.func for m in metadata if isinstance(m, BeforeValidator)]
        if len(validators) != 1:
            return None
        found[name] = validators[0]  # type: ignore[assignment]
    return found


def _parse_file(
    model: type[BundleRow],
    table: _Table,
    problems: list[Problem],
    ignored: list[str],
    progress: Callable[[str, int, int], None] | None = None,
) -> ParsedFile:
    """The file's rows checked with the model's own cell parsers, a column at a time: what `model(row=n,
    **cells)` does for each row (the same values, the same problems in the same order) without building a
    model per row. A cell's parse depends only on its text, so each distinct text of a column is parsed
    once (100,000 contracts name a few hundred boroughs and a few thousand dates), and a text column
    whose longest cell is within its limit needs no parsing at all."""
    required, optional = columns(model)
    missing = [c for c in required if c not in table.cells]
    for column in missing:
        problems.append(Problem(model.file, 1, column, "required column is missing"))
    known = set(required) | set(optional)
    ignored.extend(f"{model.file}: {c}" for c in table.header if c and c not in known)
    parsers = _parsers(model)
    if parsers is None:
        return _model_rows(model, table, problems, progress)
    numbers = table.numbers
    count = len(numbers)
    bad: set[int] = set(range(count)) if missing else set()  # rows a model would refuse: left out
    found: list[tuple[int, int, Problem]] = []  # (row index, field index, problem): a model's order
    values: dict[str, list[Any]] = {}
    for index, (name, parse) in enumerate(parsers.items()):
        cells = table.cells.get(name)
        if cells is None:  # column absent: unknown everywhere (when required, reported on the header)
            values[name] = [None] * count
            continue
        distinct = set(cells)
        empty = "" in distinct
        distinct.discard("")
        limit: int | None = getattr(parse, "max_chars", None)
        errors: dict[str, str] = {}
        if limit is not None and max(map(len, distinct), default=0) <= limit:
            values[name] = [cell or None for cell in cells] if empty else list(cells)  # every cell as it is
        else:
            parsed: dict[str, Any] = {}
            for text in distinct:
                try:
                    parsed[text] = parse(text)
                except ValueError as error:
                    errors[text] = str(error)
            values[name] = list(map(parsed.get, cells))  # None where empty or refused
        if errors or (empty and name in required):
            for i, text in enumerate(cells):
                if text in errors:
                    message = errors[text]
                elif not text and name in required:
                    message = "required value is empty"
                else:
                    continue
                bad.add(i)
                found.append((i, index, Problem(model.file, numbers[i], name, message)))
        if progress:  # rows checked so far, as a share of the file's columns
            progress(model.file, count * (index + 1) // len(parsers), count)
    found.sort(key=lambda item: (item[0], item[1]))
    problems.extend(problem for _, _, problem in found)
    if bad:
        keep = [i for i in range(count) if i not in bad]
        return ParsedFile(model, [numbers[i] for i in keep], {n: [c[i] for i in keep] for n, c in values.items()})
    return ParsedFile(model, list(numbers), values)


def _model_rows(
    model: type[BundleRow],
    table: _Table,
    problems: list[Problem],
    progress: Callable[[str, int, int], None] | None = None,
) -> ParsedFile:
    """A file checked a model per row: for a model with a field `_parse_file` cannot read the parser of."""
    required, optional = columns(model)
    known = set(required) | set(optional)
    rows: list[BundleRow] = []
    all_rows = table.rows
    for done, (number, cells) in enumerate(all_rows, start=1):
        if progress and (done % PROGRESS_EVERY == 0 or done == len(all_rows)):
            progress(model.file, done, len(all_rows))
        row, row_problems = _checked_row(model, number, {c: v for c, v in cells.items() if c in known})
        if row is not None:
            rows.append(row)
        # A required column that is missing is reported once, on the header.
        problems.extend(p for p in row_problems if p.column in table.cells or p.column not in required)
    fields = [name for name in model.model_fields if name != "row"]
    parsed = ParsedFile(model, [r.row for r in rows], {n: [getattr(r, n) for r in rows] for n in fields})
    parsed._records = rows
    return parsed



def parse_row(model: type[BundleRow], number: int, cells: dict[str, str]) -> tuple[Any, list[Problem]]:
    """One row's cells (column -> text, "" = unknown) as `model`, or None and a problem per bad cell, then
    the rules between its cells. The write API (citygraph/resolvers/mutations.py) checks a row with it; the
    importer applies the same model and rules a column at a time (`_parse_file`, `_dates_in_order`)."""
    row, problems = _checked_row(model, number, cells)
    return row, problems if row is None else row_rules(row)


def _checked_row(model: type[BundleRow], number: int, cells: dict[str, str]) -> tuple[Any, list[Problem]]:
    values = {c: v for c, v in cells.items() if v != ""}  # empty cell = unknown
    try:
        return model(row=number, **values), []
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


def row_rules(row: BundleRow) -> list[Problem]:
    """Rules between the cells of one row (its values are each valid)."""
    if isinstance(row, ContractRow):
        return _date_order(row.file, row.row, row.start_date, row.end_date, row.max_extension_date)
    return []

# --- whole-bundle rules ----------------------------------------------------------------------------------


def _duplicates(parsed: ParsedFile, problems: list[Problem]) -> None:
    key_columns = parsed.model.key
    keys = list(zip(*(parsed.column(c) for c in key_columns), strict=True))
    if len(set(keys)) == len(keys):
        return  # the usual bundle: nothing to report
    first: dict[tuple[Any, ...], int] = {}
    for number, *key in zip(parsed.numbers, *(parsed.column(c) for c in key_columns), strict=True):
        found = first.setdefault(tuple(key), number)
        if found == number:
            continue
        if len(key_columns) == 1:
            message = f"duplicate {key_columns[0]} {shown(key[0])} (first on row {found})"
        else:
            what = " and ".join(f"{c} {shown(v)}" for c, v in zip(key_columns, key, strict=True))
            message = f"duplicate row for {what} (first on row {found})"
        problems.append(Problem(parsed.model.file, number, key_columns[-1], message))


def _dates_in_order(contracts: ParsedFile, problems: list[Problem]) -> None:
    dates = zip(
        contracts.numbers,
        contracts.column("start_date"),
        contracts.column("end_date"),
        contracts.column("max_extension_date"),
        strict=True,
    )
    for number, start, end, extension in dates:
        problems.extend(_date_order(contracts.model.file, number, start, end, extension))


def _date_order(
    file: str, number: int, start: dt.date | None, end: dt.date | None, extension: dt.date | None
) -> list[Problem]:
    """A contract's dates in order: start, end, maximum extension (each may be unknown)."""
    problems = []
    if start and end and end < start:
        problems.append(Problem(file, number, "end_date", f"{end} is before start_date {start}"))
    if end and extension and extension < end:
        problems.append(Problem(file, number, "max_extension_date", f"{extension} is before end_date {end}"))
    return problems


def _keys(known: frozenset[str], tables: dict[str, _Table | None], file: str, column: str) -> set[str] | None:
    """Keys in the graph or defined by the bundle, None when the defining file could not be read (its
    problem is reported; guessing would report every row referring to it as well). Taken from the raw
    cells so that a row with some other mistake still counts as defined, for the same reason."""
    if file not in tables:
        return set(known)
    table = tables[file]
    if table is None:
        return None
    return known | {cell for cell in table.cells.get(column, ()) if cell}


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
            bundle.parsed[model.file] = _parse_file(model, table, problems, bundle.ignored, progress)
    if not bundle.files:
        expected = ", ".join(sorted(by_file))
        problems.append(Problem(folder.name, 0, NO_COLUMN, f"no bundle files here (expected any of {expected})"))

    for model in MODELS:
        _duplicates(bundle.file(model), problems)
    _dates_in_order(bundle.file(ContractRow), problems)

    boroughs = _keys(known.boroughs, tables, "boroughs.csv", "code")
    suppliers = _keys(known.suppliers, tables, "suppliers.csv", "id")
    systems = _keys(known.systems, tables, "systems.csv", "id")
    areas = _keys(known.service_areas, tables, "service_areas.csv", "name")

    def resolve(parsed: ParsedFile, column: str, keys: set[str] | None, kind: str, home: str) -> None:
        """Every row's `column` (each name, for a list column) must be one of `keys`."""
        if keys is None:
            return
        values = parsed.column(column)
        if column in LIST_COLUMNS:
            named = set(chain.from_iterable(v for v in values if v))
        else:
            named = set(values)
        if named <= keys:
            return  # the usual bundle: every reference resolves
        for number, value in zip(parsed.numbers, values, strict=True):
            for name in value if isinstance(value, list) else () if value is None else (value,):
                if name not in keys:
                    message = f"{kind} {shown(name)} is neither in {home} nor in the graph"
                    problems.append(Problem(parsed.model.file, number, column, message))

    # A column at a time: the final sort by (file, row) is stable, so a row's problems keep the order in
    # which they are found here, the order of the columns in each file.
    systems_file, uses, contracts = bundle.file(SystemRow), bundle.file(SystemUseRow), bundle.file(ContractRow)
    resolve(systems_file, "service_area", areas, "service area", "service_areas.csv")
    resolve(systems_file, "manufacturer_id", suppliers, "supplier", "suppliers.csv")
    resolve(uses, "borough_code", boroughs, "borough", "boroughs.csv")
    resolve(uses, "system_id", systems, "system", "systems.csv")
    resolve(contracts, "borough_code", boroughs, "borough", "boroughs.csv")
    resolve(contracts, "supplier_id", suppliers, "supplier", "suppliers.csv")
    resolve(contracts, "system_ids", systems, "system", "systems.csv")
    ratings = bundle.file(SkillRatingRow)
    categories: dict[str, tuple[str, int]] = {}
    ratings_columns = (ratings.column(c) for c in ("borough_code", "skill", "category"))
    for number, borough_code, skill, category in zip(ratings.numbers, *ratings_columns, strict=True):
        if boroughs is not None and borough_code not in boroughs:
            message = f"borough {shown(borough_code)} is neither in boroughs.csv nor in the graph"
            problems.append(Problem(ratings.model.file, number, "borough_code", message))
        # A skill has one category: two rows disagreeing would make the result depend on row order.
        if category is None:
            continue
        if skill not in categories:
            categories[skill] = (category, number)
        elif categories[skill][0] != category:
            other, row = categories[skill]
            message = f"{shown(category)} differs from {shown(other)} on row {row}"
            problems.append(Problem(ratings.model.file, number, "category", message))

    problems.sort(key=lambda p: (p.file, p.row))
    return bundle, problems
