"""Issue 14: malformed files never crash `citygraph load` or `load-ocds`. Each input gets a located one-line
message and exit 1, and the graph is unchanged (a whole-graph checksum before and after), through the CLI
against the real Neo4j. Valid long text loads."""

import asyncio
import copy
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from citygraph.cli import main
from citygraph.graph import ocds
from citygraph.graph.database import Connection, Database
from citygraph.graph.importer import load_bundle
from citygraph.graph.limits import MAX_INT
from citygraph.graph.reference import seed
from citygraph.graph.settings import get_settings
from tests.graph_checksum import graph_checksum

SAMPLE = Path(__file__).parent / "bundles" / "inner-london-sample"
CF = Path(__file__).parent / "fixtures" / "ocds" / "contracts_finder_releases.json"
HUB_OCID = "ocds-b5fd17-deddd0f5-7f54-41ae-9c16-bbd0e5933625"  # Merton's IT award in CF


@pytest.fixture
def home(monkeypatch: pytest.MonkeyPatch, neo4j_connection: Connection, tmp_path: Path) -> Path:
    """`citygraph` pointed at the test Neo4j; its CITYGRAPH_HOME."""
    for name, value in (
        ("NEO4J_URI", neo4j_connection.uri),
        ("NEO4J_USER", neo4j_connection.user),
        ("NEO4J_PASSWORD", neo4j_connection.password),
        ("NEO4J_DATABASE", neo4j_connection.database),
        ("CITYGRAPH_HOME", str(tmp_path / "home")),
    ):
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("CITYGRAPH_IT_CPV_PREFIXES", raising=False)
    get_settings.cache_clear()
    yield tmp_path / "home"
    get_settings.cache_clear()


@pytest.fixture
async def graph(db: Database, home: Path) -> Database:
    """A graph with something in it to lose: the councils and the sample bundle."""
    await seed(db)
    await load_bundle(db, SAMPLE)
    return db


async def cli(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, list[str], str]:
    """(exit status, stderr lines, stdout). The command runs its own event loop, hence the thread."""
    status = await asyncio.to_thread(main, [str(a) for a in argv])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return status, captured.err.splitlines(), captured.out


async def refused(graph: Database, capsys: pytest.CaptureFixture[str], *argv: str | Path) -> list[str]:
    """Runs a command that must fail: exit 1, graph unchanged. Returns its stderr lines."""
    before = await graph_checksum(graph)
    status, err, _ = await cli(capsys, *argv)
    assert status == 1, err
    assert await graph_checksum(graph) == before
    return err


def bundle_with(tmp_path: Path, file: str, column: str, value: str, row: int = 0) -> Path:
    """A copy of the sample bundle with one cell replaced (row 0 is the first data row)."""
    folder = tmp_path / "bundle"
    shutil.copytree(SAMPLE, folder)
    path = folder / file
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[1 + row].split(",")
    cells[header.index(column)] = value
    lines[1 + row] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


# --- citygraph load: values Neo4j cannot store --------------------------------------------------------------


@pytest.mark.parametrize(
    ("file", "column", "value", "problem"),
    [
        ("system_uses.csv", "users", "100000000000000000000",
         f"system_uses.csv:2: users: must be at most {MAX_INT}, the largest integer Neo4j stores "
         "(got '100000000000000000000')"),
        ("system_uses.csv", "users", "9" * 5000,
         f"system_uses.csv:2: users: must be at most {MAX_INT}, the largest integer Neo4j stores "
         "(got '9999999999999999999999999999999999999999'… (5,000 characters))"),
        ("system_uses.csv", "users", "-100000000000000000000",
         "system_uses.csv:2: users: must be 0 or more (got '-100000000000000000000')"),
        ("contracts.csv", "value_gbp", "1e400",
         "contracts.csv:2: value_gbp: is too large to store (more than 1.8e308) (got '1e400')"),
        ("contracts.csv", "value_gbp", "1" * 400,
         "contracts.csv:2: value_gbp: is too large to store (more than 1.8e308) "
         "(got '1111111111111111111111111111111111111111'… (400 characters))"),
        ("contracts.csv", "value_gbp", "NaN", "contracts.csv:2: value_gbp: must be a number (got 'NaN')"),
        ("suppliers.csv", "name", "N" * 100_000,
         "suppliers.csv:2: name: is 100,000 characters long; the limit is 1,000 (identifiers, names and codes "
         "are indexed)"),
        ("contracts.csv", "source", "S" * 100_000,
         "contracts.csv:2: source: is 100,000 characters long; the limit is 1,000 (identifiers, names and codes "
         "are indexed)"),
        ("contracts.csv", "title", "T" * 1_000_001,
         "contracts.csv:2: title: is 1,000,001 characters long; the limit is 1,000,000 (the longest text a cell "
         "may hold)"),
        ("contracts.csv", "title", "T" * 2_000_001,
         "contracts.csv:2: -: a cell is longer than 2,000,000 characters (the limit for one cell)"),
        ("boroughs.csv", "partnerships", "Central;" + "P" * 1001,
         "boroughs.csv:2: partnerships: has a name of 1,001 characters; the limit is 1,000 (names are indexed)"),
    ],
    ids=lambda v: v[:30] if isinstance(v, str) else v,
)
async def test_values_neo4j_cannot_store_are_located_problems(
    graph: Database, tmp_path: Path, capsys, file: str, column: str, value: str, problem: str
):
    folder = bundle_with(tmp_path, file, column, value)
    assert await refused(graph, capsys, "load", folder) == [
        problem,
        f"citygraph load: 1 problem(s) in {folder}; nothing was written",
    ]


@pytest.mark.parametrize("length", [100 * 1024, 1_000_000])
async def test_long_titles_load(graph: Database, tmp_path: Path, capsys, length: int):
    """Neo4j indexes names, not titles; the csv module alone stopped at 131,072 characters."""
    title = "Ü" + "long title " * (length // 11)
    title = title[: length - 1] + "."  # cells are stripped: end on a non-space
    folder = bundle_with(tmp_path, "contracts.csv", "title", title)
    status, err, out = await cli(capsys, "load", folder)
    assert status == 0, err
    assert "updated 1 contract" in out
    [row] = await graph.run_text("MATCH (c:Contract {id: 'CMD-2016-017'}) RETURN c.title AS title")
    assert row["title"] == title


# --- citygraph load: files that cannot be read ----------------------------------------------------------


def _directory(path: Path) -> None:
    path.mkdir()


def _symlink_loop(path: Path) -> None:
    path.symlink_to(path.with_name("loop.csv"))
    path.with_name("loop.csv").symlink_to(path.name)


def _fifo(path: Path) -> None:
    os.mkfifo(path)  # nobody writes: opening it must not wait


def _io_error(path: Path) -> None:
    path.symlink_to("/proc/self/mem")  # readable even by root, yet read() fails with EIO


def _dangling(path: Path) -> None:
    path.symlink_to(path.with_name("nowhere.csv"))


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (_directory, "is a folder, not a file"),
        (_symlink_loop, "is a symbolic link loop (or a chain of more than 40 links)"),
        (_fifo, "is not a regular file (a device, FIFO or socket)"),
        (_io_error, "cannot be read: Input/output error"),
        (_dangling, "does not exist (or is a symbolic link to nothing)"),
    ],
    ids=["directory", "symlink-loop", "fifo", "io-error", "dangling-symlink"],
)
async def test_a_bundle_file_that_is_not_a_readable_file(graph: Database, tmp_path: Path, capsys, make, reason: str):
    folder = tmp_path / "bundle"
    shutil.copytree(SAMPLE, folder)
    (folder / "contracts.csv").unlink()
    make(folder / "contracts.csv")
    assert await refused(graph, capsys, "load", folder) == [
        f"contracts.csv:0: -: {reason}",
        f"citygraph load: 1 problem(s) in {folder}; nothing was written",
    ]


async def test_a_bundle_folder_that_is_a_symlink_loop(graph: Database, tmp_path: Path, capsys):
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    assert await refused(graph, capsys, "load", tmp_path / "a") == [
        f"{tmp_path / 'a'}:0: -: not a folder",
        f"citygraph load: 1 problem(s) in {tmp_path / 'a'}; nothing was written",
    ]


# --- citygraph load-ocds -----------------------------------------------------------------------------------


def hub_release() -> dict[str, Any]:
    releases = json.loads(CF.read_text(encoding="utf-8"))["releases"]
    return copy.deepcopy(next(r for r in releases if r["ocid"] == HUB_OCID))


def write_json_text(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def deep_text(levels: int, leaf: str = "1") -> str:
    return '{"a":' * levels + leaf + "}" * levels


async def test_json_nested_100000_levels(graph: Database, tmp_path: Path, capsys):
    path = write_json_text(tmp_path, "deep.json", '{"releases": ' + "[" * 100_000 + "]" * 100_000 + "}")
    [line] = await refused(graph, capsys, "load-ocds", path)
    assert line == f"citygraph load-ocds: {path}: nested too deeply at releases" + "[0]" * 31 + " (more than 32 levels)"


async def test_merge_input_nested_5000_levels(graph: Database, tmp_path: Path, capsys):
    # Two embedded releases of one record: the merge would recurse into the deep tender.
    record = {"ocid": HUB_OCID, "releases": [hub_release(), {"ocid": HUB_OCID, "tender": "DEEP"}]}
    text = json.dumps({"records": [record]}).replace('"DEEP"', deep_text(5000))
    path = write_json_text(tmp_path, "records.json", text)
    [line] = await refused(graph, capsys, "load-ocds", path)
    assert line == (
        f"citygraph load-ocds: {path}: nested too deeply at records[0].releases[1].tender" + ".a" * 27
        + " (more than 32 levels)"
    )


async def test_merge_input_nested_40_levels_parses_but_is_refused(graph: Database, tmp_path: Path, capsys):
    text = json.dumps({"releases": [hub_release(), {"ocid": HUB_OCID, "tender": "DEEP"}]})
    path = write_json_text(tmp_path, "releases.json", text.replace('"DEEP"', deep_text(40)))
    [line] = await refused(graph, capsys, "load-ocds", path)
    expected = f"citygraph load-ocds: {path}: nested too deeply at releases[1].tender" + ".a" * 29
    assert line == expected + " (more than 32 levels)"


def test_merge_refuses_deep_python_input():
    deep: dict[str, Any] = {}
    inner = deep
    for _ in range(5000):
        inner["a"] = {}
        inner = inner["a"]
    expected = r"^a release to merge is nested too deeply at tender(\.a){31} \(more than 32 levels\)$"
    with pytest.raises(ocds.OcdsError, match=expected):
        ocds.merge([{"ocid": "x"}, {"ocid": "x", "tender": deep}])


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("releases", 5, "not an OCDS release or record package: 'releases' must be an array (got a number)"),
        ("records", "x", "not an OCDS release or record package: 'records' must be an array (got a string)"),
    ],
)
async def test_package_lists_of_the_wrong_type(graph: Database, tmp_path: Path, capsys, key: str, value, message: str):
    path = write_json_text(tmp_path, "p.json", json.dumps({"version": "1.1", key: value}))
    assert await refused(graph, capsys, "load-ocds", path) == [f"citygraph load-ocds: {path}: {message}"]


def _roles_number(release: dict[str, Any]) -> None:
    release["parties"][0]["roles"] = 5


def _awards_object(release: dict[str, Any]) -> None:
    release["awards"] = {"id": "1"}


def _supplier_name_number(release: dict[str, Any]) -> None:
    release["awards"][0]["suppliers"][0]["name"] = 42


def _long_supplier_name(release: dict[str, Any]) -> None:
    release["parties"][1]["name"] = "N" * 5000


def _surrogate_title(release: dict[str, Any]) -> None:
    release["awards"][0]["title"] = "bad \ud800 text"


def _amount(value: str):
    def change(release: dict[str, Any]) -> None:
        release["awards"][0]["value"]["amount"] = f"@@{value}@@"

    return change


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (_roles_number, "parties[0].roles: must be an array (got a number)"),
        (_awards_object, "awards: must be an array (got an object)"),
        (_supplier_name_number, "awards[0].suppliers[0].name: must be a string (got a number)"),
        (_long_supplier_name, "parties[1].name: is 5,000 characters long; the limit is 1,000"),
        (_surrogate_title, "awards[0].title: is not valid Unicode (a lone surrogate \\ud800)"),
        (_amount("1e999"), "awards[0].value.amount: is too large to store (more than 1.8e308; got Infinity)"),
        (_amount("NaN"), "awards[0].value.amount: must be a finite number (got NaN)"),
        (_amount("9" * 400), "awards[0].value.amount: is too large to store (more than 1.8e308; got "
         "'9999999999999999999999999999999999999999'… (400 characters))"),
    ],
    ids=["roles-number", "awards-object", "name-number", "long-name", "surrogate", "1e999", "NaN", "400-digits"],
)
async def test_a_release_of_the_wrong_shape_is_reported_and_skipped(
    graph: Database, tmp_path: Path, capsys, change, problem: str
):
    bad = hub_release()
    change(bad)
    # Numbers Python's json.dumps cannot write go in as text: 1e999, NaN and 400 digits, as a publisher wrote them.
    text = json.dumps({"releases": [bad]})
    for literal in ("1e999", "NaN", "9" * 400):
        text = text.replace(f'"@@{literal}@@"', literal)
    path = write_json_text(tmp_path, "bad.json", text)
    assert await refused(graph, capsys, "load-ocds", path) == [
        f"{path}: releases[0] (ocid '{HUB_OCID}'): {problem}",
        "citygraph load-ocds: 1 invalid release(s)/record(s) skipped (above); the rest was imported",
    ]


async def test_the_rest_of_the_file_still_imports(graph: Database, tmp_path: Path, capsys):
    bad = hub_release() | {"ocid": "ocds-x-bad"}
    bad["parties"][0]["roles"] = 5
    records_bad = {"ocid": "ocds-x-record", "releases": 5}
    path = write_json_text(tmp_path, "mixed.json", json.dumps({"releases": [bad, hub_release()]}))
    records = write_json_text(tmp_path, "records.json", json.dumps({"records": [records_bad]}))
    status, err, out = await cli(capsys, "load-ocds", path, records)
    assert status == 1
    assert err == [
        f"{path}: releases[0] (ocid 'ocds-x-bad'): parties[0].roles: must be an array (got a number)",
        f"{records}: records[0] (ocid 'ocds-x-record'): releases: must be an array (got a number)",
        "citygraph load-ocds: 2 invalid release(s)/record(s) skipped (above); the rest was imported",
    ]
    assert "mixed.json: 2 releases read (2 processes), 1 contracts imported (1 by known councils); " in out
    assert "skipped 1 processes: invalid (1)" in out
    rows = await graph.run_text("MATCH (c:Contract) WHERE c.source STARTS WITH 'ocds-' RETURN c.source AS ocid")
    assert rows == [{"ocid": HUB_OCID}]


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (_directory, "is a folder, not a file"),
        (_symlink_loop, "is a symbolic link loop (or a chain of more than 40 links)"),
        (_fifo, "is not a regular file (a device, FIFO or socket)"),
        (lambda p: p.write_bytes(b'{"releases": [{"ocid": "caf\xe9"}]}'), "not UTF-8 (byte 0xe9 on line 1)"),
        (lambda p: p.write_text('{"releases": [1' + "2" * 1200 + "]}"),
         "has a number of more than 1,000 characters (12222222222222222222…)"),
        (lambda p: p.write_text('{"releases": [}'), "not valid JSON: Expecting value at line 1 column 15"),
    ],
    ids=["directory", "symlink-loop", "fifo", "not-utf8", "1200-digits", "broken-json"],
)
async def test_an_ocds_file_that_cannot_be_read(graph: Database, tmp_path: Path, capsys, make, reason: str):
    path = tmp_path / "p.json"
    make(path)
    assert await refused(graph, capsys, "load-ocds", CF, path) == [f"citygraph load-ocds: {path}: {reason}"]


# --- the CLI's error boundary ----------------------------------------------------------------------------


async def test_an_unexpected_error_is_one_line_and_a_log(
    graph: Database, home: Path, capsys, monkeypatch: pytest.MonkeyPatch
):
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setattr(ocds, "read_file", broken)
    log = home / "logs" / "cli-errors.log"
    [line] = await refused(graph, capsys, "load-ocds", CF)
    assert line == f"citygraph: unexpected error (RuntimeError: boom second line); traceback in {log}"
    text = log.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text and "RuntimeError: boom" in text and "load-ocds" in text


async def test_a_bad_setting_is_one_line(graph: Database, home: Path, capsys, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("CITYGRAPH_BOLT_PORT", "seven")
    get_settings.cache_clear()
    [line] = await refused(graph, capsys, "stats")
    assert line == (
        "citygraph: invalid setting CITYGRAPH_BOLT_PORT: Input should be a valid integer, unable to parse string "
        "as an integer (1 problem(s))"
    )


def test_a_source_too_long_for_the_index_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["load", str(SAMPLE), "--source", "s" * 1001])
    assert exit_.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        "citygraph load: error: argument --source: must be 1 to 1,000 characters (got 1,001)"
    )
