"""Property-based: randomly mutated bundles and OCDS packages never make the validators raise, and whatever
they let through is something Neo4j can store. No database needed: validation is pure."""

import copy
import datetime as dt
import json
import math
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from citygraph.graph import ocds
from citygraph.graph.bundle import MODELS, KnownKeys, _model_rows, _parse_file, _read_table, validate_bundle
from citygraph.graph.limits import MAX_INT, MAX_TEXT_CHARS
from citygraph.graph.settings import DEFAULT_IT_CPV_PREFIXES

SAMPLE = Path(__file__).parent / "bundles" / "inner-london-sample"
CF = Path(__file__).parent / "fixtures" / "ocds" / "contracts_finder_releases.json"
INDEX_KEY_BYTES = 8000  # Neo4j 5 refuses index keys from about 8,160 bytes (measured; see docs/importing.md)
# Bounded: the two tests together stay well under 30 s on the shared machine.
FAST = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def storable(value: Any) -> bool:
    """What a Neo4j property (or a list property) can hold, within our text limit."""
    if value is None or isinstance(value, (bool, dt.date)):
        return True
    if isinstance(value, int):
        return -MAX_INT - 1 <= value <= MAX_INT
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return len(value) <= MAX_TEXT_CHARS
    if isinstance(value, list):
        return all(storable(v) for v in value)
    return False


def indexable(value: str | None) -> bool:
    return value is None or len(value.encode("utf-8")) <= INDEX_KEY_BYTES


# --- bundles -----------------------------------------------------------------------------------------------

SAMPLE_FILES = {path.name: path.read_bytes() for path in sorted(SAMPLE.glob("*.csv"))}
NASTY = [
    b"", b",", b'"', b"\n", b"\r", b"\r\n", b"\x00", b"\xff", b"\xef\xbb\xbf", b";", b"1e20", b"-1",
    b"9" * 30, b"w" * 9000, b"NaN", b"inf", b"2026-02-30", b"x" * 1500, b"y" * 140_000, b"z" * 1_000_100,
    b"\xc3\xa9", b" ",
]
mutation = st.tuples(
    st.sampled_from(sorted(SAMPLE_FILES)),
    st.sampled_from(["cell", "cell", "insert", "replace", "delete", "duplicate-line", "truncate"]),
    st.floats(0, 1, exclude_max=True),
    st.integers(0, 12),  # the column of a "cell" mutation
    st.one_of(st.sampled_from(NASTY), st.binary(max_size=20)),
)


def mutate(content: bytes, kind: str, where: float, column: int, data: bytes) -> bytes:
    at = int(where * len(content))
    if kind == "cell":  # one cell of a data row, chosen by `where`, becomes `data`
        lines = content.split(b"\n")
        rows = [i for i, line in enumerate(lines[1:], start=1) if line]
        if not rows:
            return content
        index = rows[int(where * len(rows))]
        cells = lines[index].split(b",")
        cells[column % len(cells)] = data
        lines[index] = b",".join(cells)
        return b"\n".join(lines)
    if kind == "insert":
        return content[:at] + data + content[at:]
    if kind == "replace":
        return content[:at] + data + content[at + len(data) or at + 1 :]
    if kind == "delete":
        return content[:at] + content[at + 1 + len(data) :]
    if kind == "duplicate-line":
        lines = content.splitlines(keepends=True)
        index = int(where * len(lines)) if lines else 0
        return b"".join(lines[: index + 1] + lines[index:])
    return content[:at]


@FAST
@given(mutations=st.lists(mutation, min_size=1, max_size=4), drop=st.sets(st.sampled_from(sorted(SAMPLE_FILES))))
# The rows, always tried: users beyond 64 bits; a supplier name too long for Neo4j's index.
@example(mutations=[("system_uses.csv", "cell", 0.0, 5, b"1" + b"0" * 20)], drop=set())
@example(mutations=[("suppliers.csv", "cell", 0.0, 1, b"w" * 9000)], drop=set())
def test_mutated_bundles_never_raise_and_pass_only_storable_values(mutations, drop):
    files = dict(SAMPLE_FILES)
    for name, kind, where, column, data in mutations:
        files[name] = mutate(files[name], kind, where, column, data)
    with tempfile.TemporaryDirectory() as folder:
        for name, content in files.items():
            if name not in drop:
                (Path(folder) / name).write_bytes(content)
        bundle, problems = validate_bundle(Path(folder), KnownKeys(boroughs=frozenset({"E09000007"})))
    assert all(str(p).count("\n") == 0 for p in problems)  # one line each
    for model in MODELS:
        for row in bundle.rows(model):
            values = row.model_dump()
            assert all(storable(v) for v in values.values()), values
            keys = [v for k, v in values.items() if k != "title" and isinstance(v, str)]
            assert all(indexable(v) for v in keys), [len(v) for v in keys]



@FAST
@given(mutations=st.lists(mutation, min_size=1, max_size=4))
@example(mutations=[("system_uses.csv", "cell", 0.0, 5, b"1" + b"0" * 20)])
@example(mutations=[("contracts.csv", "cell", 0.5, 4, b" ; a;a ; ")])
def test_column_checks_agree_with_a_model_per_row(mutations):
    """The fast path (bundle._parse_file, a column at a time) gives exactly what building each row's model
    gives (bundle._model_rows): the same rows, values and problems, in the same order."""
    files = dict(SAMPLE_FILES)
    for name, kind, where, column, data in mutations:
        files[name] = mutate(files[name], kind, where, column, data)
    by_file = {model.file: model for model in MODELS}
    with tempfile.TemporaryDirectory() as folder:
        for name, content in files.items():
            path = Path(folder) / name
            path.write_bytes(content)
            read_problems: list = []
            table = _read_table(path, read_problems)
            if table is None:
                continue
            model = by_file[name]
            fast_problems: list = []
            fast = _parse_file(model, table, fast_problems, [])
            slow_problems: list = []
            slow = _model_rows(model, table, slow_problems)
            missing = [p for p in fast_problems if p.row == 1]  # _parse_file reports the header itself
            assert fast_problems[len(missing) :] == slow_problems
            assert [r.model_dump() for r in fast.records()] == [r.model_dump() for r in slow.records()]
            assert fast.numbers == slow.numbers


# --- OCDS --------------------------------------------------------------------------------------------------

PACKAGE = json.loads(CF.read_text(encoding="utf-8"))


def _paths(value: Any, path: tuple = ()) -> list[tuple]:
    found = [path]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*path, index))
    return found


PATHS = [p for p in _paths(PACKAGE) if len(p) >= 2]  # inside "releases"
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.sampled_from([10**400, -(10**400), MAX_INT, MAX_INT + 1]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(["\ud800", "x" * 1500, "y" * 1_000_001, "48000000", "GBP", "2025-13-45", "buyer"]),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=8,
)


def _set(document: Any, path: tuple, value: Any) -> None:
    parent = document
    for part in path[:-1]:
        parent = parent[part]
    parent[path[-1]] = value


@FAST
@given(
    changes=st.lists(st.tuples(st.sampled_from(PATHS), json_values), min_size=1, max_size=4),
    deep=st.sampled_from([0, 0, 0, 31, 33, 2000]),
    records=st.booleans(),
)
def test_mutated_ocds_never_raises_and_passes_only_storable_values(changes, deep, records):
    package = copy.deepcopy(PACKAGE)
    for path, value in changes:
        try:
            _set(package, path, value)
        except (KeyError, IndexError, TypeError):
            pass  # an earlier change replaced the parent
    if records:
        package = {"records": [{"ocid": "ocds-x", "releases": package.get("releases")}]}
    text = json.dumps(package)
    if deep:
        text = text.replace('"tender": {', '"tender": {"deep": ' + "[" * deep + "]" * deep + ", ", 1)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "package.json"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            data = ocds.read_file(path, DEFAULT_IT_CPV_PREFIXES, all_cpv=True)
        except ocds.OcdsError as error:
            assert "\n" not in str(error) and str(path) in str(error)
            return
    assert all("\n" not in line for line in data.invalid)
    for contract in data.contracts:
        values = {k: v for k, v in contract.__dict__.items() if k != "buyer"} | contract.buyer.__dict__
        assert all(storable(v) for v in values.values()), values
        assert indexable(contract.id) and indexable(contract.source) and indexable(contract.buyer.name)
        assert indexable(contract.buyer.id)
    for supplier in data.suppliers.values():
        assert all(storable(v) for v in supplier.__dict__.values()), supplier
        assert indexable(supplier.id) and indexable(supplier.name)
