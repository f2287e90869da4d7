"""Corpus: deliberately bad bundles and OCDS files through the real CLI; prints tried/handled per importer.

    CITYGRAPH_HOME=/tmp/cg-bad .venv/bin/python bench/bad_inputs.py [--keep DIR] [--verbose]

Each input runs as its own `python -m citygraph` process (a bad file may hang a reader: 60 s timeout) against
Neo4j: NEO4J_URI when set, otherwise the embedded Neo4j of CITYGRAPH_HOME (started here, stopped again if
this script started it). The graph is cleared, then seeded and loaded with the sample bundle so that there is
something to lose. An input is *handled* when the command exits as expected (1 when refused, 0 for the valid
long-text inputs), prints no traceback and no "unexpected error", every stderr line is located (bundle:
`file:row: column: message`; OCDS: names the file), and the whole-graph checksum is unchanged when refused.

Only modules that older versions have too are imported (not the new limits or files), so the same script can measure an
older checkout: PYTHONPATH=/path/to/old/checkout .venv/bin/python bench/bad_inputs.py"""

import argparse
import asyncio
import copy
import importlib.util
import json
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from citygraph.graph.database import Connection, Database, resolve_connection
from citygraph.graph.embedded import EmbeddedNeo4j
from citygraph.graph.importer import load_bundle
from citygraph.graph.migrations import migrate
from citygraph.graph.reference import seed
from citygraph.graph.settings import get_settings

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "tests" / "bundles" / "inner-london-sample"
CF = ROOT / "tests" / "fixtures" / "ocds" / "contracts_finder_releases.json"
HUB_OCID = "ocds-b5fd17-deddd0f5-7f54-41ae-9c16-bbd0e5933625"
LOCATED = re.compile(r"^.+:\d+: \S+: .+$")  # file:row: column: message


def _load_checksum() -> Callable[[Database], Any]:
    spec = importlib.util.spec_from_file_location("graph_checksum", ROOT / "tests" / "graph_checksum.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.graph_checksum


graph_checksum = _load_checksum()


@dataclass
class Case:
    importer: str  # "load" or "load-ocds"
    name: str
    build: Callable[[Path], list[str]]  # makes the input under a fresh folder, returns the command's arguments
    loads: bool = False  # a valid input that must load (exit 0)


CASES: list[Case] = []


def case(importer: str, name: str, loads: bool = False) -> Callable[[Callable[[Path], list[str]]], None]:
    def add(build: Callable[[Path], list[str]]) -> None:
        CASES.append(Case(importer, name, build, loads))

    return add


# --- bundles -----------------------------------------------------------------------------------------------


def sample(where: Path) -> Path:
    folder = where / "bundle"
    shutil.copytree(SAMPLE, folder)
    return folder


def bundle_edit(name: str, file: str, old: str, new: str, loads: bool = False) -> None:
    def build(where: Path) -> list[str]:
        folder = sample(where)
        path = folder / file
        text = path.read_text(encoding="utf-8")
        assert old in text, (name, old)
        path.write_text(text.replace(old, new, 1) if old else text + new, encoding="utf-8")
        return [str(folder)]

    case("load", name, loads)(build)


def bundle_cell(name: str, file: str, column: str, value: str, loads: bool = False) -> None:
    def build(where: Path) -> list[str]:
        folder = sample(where)
        path = folder / file
        lines = path.read_text(encoding="utf-8").splitlines()
        cells = lines[1].split(",")
        cells[lines[0].split(",").index(column)] = value
        lines[1] = ",".join(cells)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return [str(folder)]

    case("load", name, loads)(build)


def bundle_file(name: str, file: str, make: Callable[[Path], None]) -> None:
    def build(where: Path) -> list[str]:
        folder = sample(where)
        (folder / file).unlink()
        make(folder / file)
        return [str(folder)]

    case("load", name)(build)


def directory(path: Path) -> None:
    path.mkdir()


def symlink_loop(path: Path) -> None:
    path.symlink_to(path.with_name("loop-" + path.name))
    path.with_name("loop-" + path.name).symlink_to(path.name)


def fifo(path: Path) -> None:
    os.mkfifo(path)


def io_error(path: Path) -> None:
    path.symlink_to("/proc/self/mem")


def dangling(path: Path) -> None:
    path.symlink_to(path.with_name("nowhere"))


# The kinds the 41 covered, reconstructed: one per validation rule, then files that cannot be read.
for name, file, old, new in [
    ("region not an enum", "boroughs.csv", "Hackney,INNER_LONDON", "Hackney,Inner London"),
    ("GSS code malformed", "boroughs.csv", "E09000012,", "E9000012,"),
    ("service kind not an enum", "service_areas.csv", "Finance,CORPORATE", "Finance,BACK_OFFICE"),
    ("sme not a boolean", "suppliers.csv", "Thames Data Services Ltd,true", "Thames Data Services Ltd,yes"),
    ("satisfaction out of range", "system_uses.csv", "ON_PREMISES,3,120", "ON_PREMISES,7,120"),
    ("users negative", "system_uses.csv", "ON_PREMISES,3,120", "ON_PREMISES,3,-5"),
    ("users not a number", "system_uses.csv", "ON_PREMISES,3,120", "ON_PREMISES,3,lots"),
    ("hosting not an enum", "system_uses.csv", "SAAS,4,850", "Cloud,4,850"),
    ("since not ISO", "system_uses.csv", "2016-04-01", "01/04/2016"),
    ("end_date impossible", "contracts.csv", "2016-04-01,2026-03-31", "2016-04-01,2026-02-30"),
    ("value negative", "contracts.csv", "acme-revs,1450000", "acme-revs,-1"),
    ("value with pound sign", "contracts.csv", "acme-revs,1450000", "acme-revs,£1450000"),
    ("end before start", "contracts.csv", "2016-04-01,2026-03-31", "2016-04-01,2015-03-31"),
    ("extension before end", "contracts.csv", "2026-03-31,2028-03-31", "2026-03-31,2026-03-30"),
    ("level out of range", "skill_ratings.csv", "Power BI,4", "Power BI,6"),
    ("duplicate supplier id", "suppliers.csv", "", "acme,Acme Ltd,,\n"),
    ("duplicate system use", "system_uses.csv", "E09000019,ledgerly-finance", "E09000007,acme-revs"),
    ("duplicate skill rating", "skill_ratings.csv", "", "E09000019,Data protection,1,\n"),
    ("skill category conflict", "skill_ratings.csv", "Cloud migration,2,Infrastructure", "Cloud migration,2,Platforms"),
    ("unknown borough", "system_uses.csv", "E09000012,acme-revs", "E09000099,acme-revs"),
    ("unknown supplier", "contracts.csv", "E09000019,thames,", "E09000019,thames-ltd,"),
    ("unknown system in list", "contracts.csv", "acme-revs;ledgerly-finance", "acme-revs;ledgerly"),
    ("unknown service area", "systems.csv", "Adult Social Care,thames", "Social Care,thames"),
    ("unknown manufacturer", "systems.csv", "Finance,ledgerly", "Finance,ledgerly-ltd"),
    ("too few cells", "system_uses.csv", "thames-care,2021-06-01,,5,600", "thames-care,2021-06-01,,5"),
    ("too many cells", "suppliers.csv", "acme,", "acme,x,"),
    ("header column twice", "service_areas.csv", "name,kind", "name,kind,name"),
    ("required column missing", "boroughs.csv", "code,name,region", "code,name,regions"),
    ("required value empty", "systems.csv", "thames-care,Thames Care Record,", "thames-care,,"),
    ("stray quote", "boroughs.csv", "Islington,", '"Islington,'),
    ("blank header", "skill_ratings.csv", "borough_code,skill,level,category", ",,,"),
    # issue 14: numbers Neo4j cannot store, text too long for an index, cells too long for the reader
    ("users beyond 64 bits", "system_uses.csv", "ON_PREMISES,3,120", "ON_PREMISES,3,100000000000000000000"),
    ("users of 5,000 digits", "system_uses.csv", "ON_PREMISES,3,120", "ON_PREMISES,3," + "9" * 5000),
    ("satisfaction beyond 64 bits", "system_uses.csv", "ON_PREMISES,3,120", "ON_PREMISES,10000000000000000000000,120"),
    ("value 1e400", "contracts.csv", "acme-revs,1450000", "acme-revs,1e400"),
    ("value of 400 digits", "contracts.csv", "acme-revs,1450000", "acme-revs," + "1" * 400),
]:
    bundle_edit(name, file, old, new)

bundle_cell("supplier name of 100 KB (indexed)", "suppliers.csv", "name", "N" * 102_400)
bundle_cell("system id of 10 KB (indexed)", "systems.csv", "id", "s" * 10_240)
bundle_cell("contract source of 100 KB (indexed)", "contracts.csv", "source", "S" * 102_400)
bundle_cell("partnership name of 2 KB", "boroughs.csv", "partnerships", "P" * 2048)
bundle_cell("title over 1,000,000 characters", "contracts.csv", "title", "T" * 1_000_001)
bundle_cell("a 3 MB line", "contracts.csv", "title", "L" * 3_000_000)
bundle_cell("title of 100 KB (valid)", "contracts.csv", "title", "long title " * 9309 + "end", loads=True)
bundle_cell("title of 1,000,000 characters (valid)", "contracts.csv", "title", "T" * 1_000_000, loads=True)

bundle_file("not UTF-8", "suppliers.csv", lambda p: p.write_bytes("id,name\ncafe,Caf\u00e9\n".encode("latin-1")))
bundle_file("empty file", "skill_ratings.csv", lambda p: p.write_bytes(b""))
bundle_file("contracts.csv is a folder", "contracts.csv", directory)
bundle_file("symlink loop", "contracts.csv", symlink_loop)
bundle_file("FIFO", "contracts.csv", fifo)
bundle_file("read fails (EIO)", "contracts.csv", io_error)
bundle_file("dangling symlink", "contracts.csv", dangling)


@case("load", "folder without bundle files")
def _(where: Path) -> list[str]:
    (where / "empty").mkdir()
    (where / "empty" / "notes.csv").write_text("a,b\n", encoding="utf-8")
    return [str(where / "empty")]


@case("load", "folder missing")
def _(where: Path) -> list[str]:
    return [str(where / "missing")]


@case("load", "folder is a symlink loop")
def _(where: Path) -> list[str]:
    (where / "a").symlink_to(where / "b")
    (where / "b").symlink_to(where / "a")
    return [str(where / "a")]


@case("load", "folder is a file")
def _(where: Path) -> list[str]:
    (where / "file").write_text("x", encoding="utf-8")
    return [str(where / "file")]


# --- OCDS --------------------------------------------------------------------------------------------------


def hub() -> dict[str, Any]:
    releases = json.loads(CF.read_text(encoding="utf-8"))["releases"]
    return copy.deepcopy(next(r for r in releases if r["ocid"] == HUB_OCID))


def ocds_text(name: str, text: str | bytes, loads: bool = False, alone: bool = False) -> None:
    """A file refused as a whole follows a good file, which must not be written either; a file whose
    releases are skipped one by one (`alone`) is loaded by itself, so nothing at all may be written."""

    def build(where: Path) -> list[str]:
        path = where / "package.json"
        path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
        return [str(path)] if alone or loads else [str(CF), str(path)]

    case("load-ocds", name, loads)(build)


def ocds_release(name: str, change: Callable[[dict[str, Any]], Any], literals: dict[str, str] | None = None) -> None:
    """A package of one release of the wrong shape; literals put JSON text json.dumps cannot write."""
    release = hub()
    change(release)
    text = json.dumps({"releases": [release]})
    for marker, literal in (literals or {}).items():
        text = text.replace(f'"{marker}"', literal)
    ocds_text(name, text, alone=True)


def ocds_file(name: str, make: Callable[[Path], None]) -> None:
    def build(where: Path) -> list[str]:
        make(where / "package.json")
        return [str(CF), str(where / "package.json")]

    case("load-ocds", name)(build)


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(release: dict[str, Any]) -> None:
        *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
        target: Any = release
        for part in parents:
            target = target[part]
        target[last] = value

    return change


ocds_text("not JSON", "{not json")
ocds_text("no releases or records", '{"ocid": "x"}')
ocds_text("an array, not an object", "[]")
ocds_text("empty file", "")
ocds_text("not UTF-8", b'{"releases": [{"ocid": "caf\xe9"}]}')
ocds_text("nested 100,000 levels", '{"releases": ' + "[" * 100_000 + "]" * 100_000 + "}")
ocds_text(
    "merge input nested 5,000 levels",
    json.dumps({"records": [{"ocid": HUB_OCID, "releases": [hub(), {"ocid": HUB_OCID, "tender": "DEEP"}]}]}).replace(
        '"DEEP"', '{"a":' * 5000 + "1" + "}" * 5000
    ),
)
ocds_text(
    "merge input nested 40 levels",
    json.dumps({"releases": [hub(), {"ocid": HUB_OCID, "tender": "DEEP"}]}).replace('"DEEP"', "[" * 40 + "]" * 40),
)
ocds_text("releases a number", '{"releases": 5}')
ocds_text("records a string", '{"records": "x"}')
ocds_text("a number of 5,000 digits", '{"releases": [' + "7" * 5000 + "]}")
ocds_file("a folder", directory)
ocds_file("symlink loop", symlink_loop)
ocds_file("FIFO", fifo)
ocds_file("read fails (EIO)", io_error)
case("load-ocds", "missing file")(lambda where: [str(CF), str(where / "missing.json")])

ocds_text("records[].releases a number", json.dumps({"records": [{"ocid": HUB_OCID, "releases": 5}]}), alone=True)
ocds_text(
    "compiledRelease an array", json.dumps({"records": [{"ocid": HUB_OCID, "compiledRelease": [1]}]}), alone=True
)
ocds_release("parties[].roles a number", _set("parties.0.roles", 5))
ocds_release("amount 1e999", _set("awards.0.value.amount", "@"), {"@": "1e999"})
ocds_release("amount NaN", _set("awards.0.value.amount", "@"), {"@": "NaN"})
ocds_release("amount Infinity", _set("awards.0.value.amount", "@"), {"@": "-Infinity"})
ocds_release("amount of 400 digits", _set("awards.0.value.amount", "@"), {"@": "9" * 400})
ocds_release("amount a string", _set("awards.0.value.amount", "37500"))
ocds_release("awards an object", _set("awards", {"id": "1"}))
ocds_release("tender.items an object", _set("tender.items", {"id": "1"}))
ocds_release("buyer a string", _set("buyer", "Merton"))
ocds_release("supplier name a number", _set("awards.0.suppliers.0.name", 42))
ocds_release("award id an object", _set("awards.0.id", {"x": 1}))
ocds_release("date a number", _set("date", 20250101))
ocds_release("title with a lone surrogate", _set("awards.0.title", "bad \ud800 text"))
ocds_release("supplier name of 100 KB (indexed)", _set("parties.1.name", "N" * 102_400))
ocds_release("ocid of 10 KB (indexed)", _set("ocid", "o" * 10_240))
ocds_release("title over 1,000,000 characters", _set("awards.0.title", "T" * 1_000_001))
ocds_text(
    "award title of 100 KB (valid)",
    json.dumps({"releases": [(lambda r: (_set("awards.0.title", "long title " * 9309)(r), r)[1])(hub())]}),
    loads=True,
)


# --- running ---------------------------------------------------------------------------------------------


def handled(case: Case, status: int | None, err: str, same_graph: bool, folder: Path) -> bool:
    if status is None or "Traceback" in err or "unexpected error" in err:
        return False
    if case.loads:
        return status == 0
    lines = err.splitlines()
    if status != 1 or not lines or not same_graph:
        return False
    if case.importer == "load":
        return lines[-1].startswith("citygraph load: ") and all(LOCATED.match(line) for line in lines[:-1])
    summary = re.compile(r"^citygraph load-ocds: \d+ invalid release")
    return all(str(folder) in line or summary.match(line) for line in lines)


async def run(connection: Connection, keep: Path | None, verbose: bool) -> None:
    db = Database(connection)
    await migrate(db)
    env = os.environ | {
        "NEO4J_URI": connection.uri,
        "NEO4J_USER": connection.user,
        "NEO4J_PASSWORD": connection.password,
        "NEO4J_DATABASE": connection.database,
    }
    env.pop("CITYGRAPH_IT_CPV_PREFIXES", None)
    results: dict[str, list[bool]] = {"load": [], "load-ocds": []}
    work = keep or Path(tempfile.mkdtemp(prefix="citygraph-bad-inputs-"))
    started = time.perf_counter()
    try:
        baseline = await _baseline(db)
        for number, bad in enumerate(CASES, start=1):
            before = await graph_checksum(db)
            if before != baseline:  # the previous input loaded (or should not have): start again
                before = await _baseline(db)
            folder = work / f"{number:02d}"
            folder.mkdir(parents=True)
            argv = bad.build(folder)
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "citygraph", bad.importer, *argv,
                env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            )  # fmt: skip
            try:
                _, err_bytes = await asyncio.wait_for(process.communicate(), 60)
                status: int | None = process.returncode
            except TimeoutError:
                process.kill()
                _, err_bytes = await process.communicate()
                status = None
            err = err_bytes.decode("utf-8", "replace")
            same = await graph_checksum(db) == before
            ok = handled(bad, status, err, same, folder)
            results[bad.importer].append(ok)
            if verbose or not ok:
                first = err.strip().splitlines()[:1] or [""]
                mark = "ok  " if ok else "FAIL"
                if "Traceback" in err:
                    first = ["Traceback … " + err.strip().splitlines()[-1]]
                graph = "same" if same else "CHANGED"
                print(f"{mark} {bad.importer:<9} {bad.name:<38} exit={status} graph {graph}: {first[0][:160]}")
    finally:
        await db.close()
        if keep is None:
            shutil.rmtree(work, ignore_errors=True)
    for importer, oks in results.items():
        print(f"citygraph {importer}: {len(oks)} tried, {sum(oks)} handled")
    print(f"({time.perf_counter() - started:.0f}s)")


async def _baseline(db: Database) -> str:
    """The councils and the sample bundle, on an empty graph; its checksum."""
    await db.write("clear_graph")
    await seed(db)
    await load_bundle(db, SAMPLE)
    return await graph_checksum(db)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--keep", type=Path, help="generate the corpus here and keep it (default: a temporary folder)")
    parser.add_argument("--verbose", action="store_true", help="one line per input, not only the failures")
    args = parser.parse_args()
    settings = get_settings()
    embedded = EmbeddedNeo4j.from_settings(settings)
    started_here = settings.embedded and not embedded.status().running
    try:
        connection = resolve_connection(settings, progress=lambda m: print(m, file=sys.stderr))
        asyncio.run(run(connection, args.keep, args.verbose))
    finally:
        if started_here:
            embedded.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
