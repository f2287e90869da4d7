"""Live progress of bundle validation (`citygraph load` and `load --dry-run`): a bar per file checked, with
rows, rate and time left, on a terminal only; run as a user would (a subprocess) against the test Neo4j."""

import os
import subprocess
import sys
from pathlib import Path

from citygraph.graph.database import Connection, Database

ROOT = Path(__file__).resolve().parents[1]
BUNDLE = str(ROOT / "tests" / "fixtures" / "features")


def _run(connection: Connection, home: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {
        **os.environ, "NEO4J_URI": connection.uri, "NEO4J_USER": connection.user,
        "NEO4J_PASSWORD": connection.password, "CITYGRAPH_HOME": str(home), **env,
    }
    return subprocess.run([sys.executable, "-m", "citygraph", *args], env=environment, cwd=ROOT,
                          capture_output=True, text=True, timeout=300, check=False)


def test_validation_shows_a_bar_per_file_on_a_terminal_only(
    db: Database, neo4j_connection: Connection, tmp_path: Path
) -> None:
    terminal = {"TTY_COMPATIBLE": "1", "COLUMNS": "140", "LINES": "50"}
    for args in (["load", "--dry-run", BUNDLE], ["load", BUNDLE]):
        live = _run(neo4j_connection, tmp_path, *args, **terminal)
        assert live.returncode == 0, live.stderr
        contracts = [line for line in live.stderr.splitlines() if "checking contracts.csv" in line]
        assert contracts and "8/8" in contracts[-1] and "rows/s" in contracts[-1], live.stderr
        assert "checking boroughs.csv" in live.stderr and "left" in live.stderr
    assert "loading contracts" in live.stderr  # the write bars follow the checks
    piped = _run(neo4j_connection, tmp_path, "load", "--dry-run", BUNDLE, TTY_COMPATIBLE="0")
    assert piped.returncode == 0 and piped.stderr == "" and piped.stdout == "valid: 32 rows in 7 files\n"
