"""The CLI basics of issue 12, run as a user would (a subprocess) against the test Neo4j: --version, help,
one-line errors for `cypher`, live progress with rate and time left on a terminal only."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from citygraph import __version__
from citygraph.graph.database import Connection, Database

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def run(neo4j_connection: Connection, tmp_path: Path):
    def run(*args: str, **env: str) -> subprocess.CompletedProcess:
        environment = {
            **os.environ, "NEO4J_URI": neo4j_connection.uri, "NEO4J_USER": neo4j_connection.user,
            "NEO4J_PASSWORD": neo4j_connection.password, "CITYGRAPH_HOME": str(tmp_path / "home"), **env,
        }
        return subprocess.run([sys.executable, "-m", "citygraph", *args], env=environment, cwd=ROOT,
                              capture_output=True, text=True, timeout=300)

    return run


def test_version_and_bare_command(run):
    assert run("--version").stdout.strip() == f"citygraph {__version__}"
    bare = run()
    assert bare.returncode == 0 and bare.stdout.startswith("usage: citygraph") and "cypher" in bare.stdout


def test_load_shows_rate_and_time_left_on_a_terminal_only(db: Database, run):
    bundle = str(ROOT / "tests" / "fixtures" / "features")
    live = run("load", bundle, TTY_COMPATIBLE="1", COLUMNS="120", LINES="50")
    assert live.returncode == 0, live.stderr
    assert "loading contracts" in live.stderr and "8/8" in live.stderr
    assert "rows/s" in live.stderr and "left" in live.stderr
    piped = run("load", bundle, TTY_COMPATIBLE="0")
    assert piped.returncode == 0 and "rows/s" not in piped.stderr
    assert piped.stderr == "" and "34 unchanged" in piped.stdout  # the second load changes nothing
