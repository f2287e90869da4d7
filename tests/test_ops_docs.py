"""The `console` examples of docs/importing.md and docs/ocds.md reproduce exactly on what a fresh `make run`
holds (the 33 seeded councils and the London demo): every `$ command` is run in order, from the repository's
root, with bash, and what it prints (stdout and stderr together) must be the lines shown under it."""

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from citygraph.cli import _demo_if_empty
from citygraph.graph.database import Connection, Database
from citygraph.graph.reference import seed
from citygraph.graph.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
DOCS = ("docs/importing.md", "docs/ocds.md")
BLOCK = re.compile(r"^```console\n(.*?)^```", re.MULTILINE | re.DOTALL)


def examples(text: str) -> list[tuple[str, list[str]]]:
    """(command, lines it prints) for every `$ ` line of every console block, in order. A command whose
    quotes are still open continues on the next line."""
    found: list[tuple[str, list[str]]] = []
    for block in BLOCK.findall(text):
        lines = block.splitlines()
        i = 0
        while i < len(lines):
            assert lines[i].startswith("$ "), f"console block line without a command before it: {lines[i]!r}"
            command = lines[i][2:]
            i += 1
            while not _complete(command):
                command += "\n" + lines[i]
                i += 1
            output = []
            while i < len(lines) and not lines[i].startswith("$ "):
                output.append(lines[i])
                i += 1
            found.append((command, output))
    return found


def _complete(command: str) -> bool:
    try:
        shlex.split(command, comments=True)
    except ValueError:
        return False
    return True


@pytest.fixture
def shell(neo4j_connection: Connection, settings: Settings):
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "PYTHONUNBUFFERED": "1",  # stdout and stderr in the order they were written
        "NEO4J_URI": neo4j_connection.uri, "NEO4J_USER": neo4j_connection.user,
        "NEO4J_PASSWORD": neo4j_connection.password, "NEO4J_DATABASE": neo4j_connection.database,
        "CITYGRAPH_HOME": str(settings.home), "COLUMNS": "200",
    }
    env.pop("CITYGRAPH_IT_CPV_PREFIXES", None)
    status = {"last": 0}

    def run(command: str) -> list[str]:
        completed = subprocess.run(
            ["bash", "-c", f"(exit {status['last']}); {command}"], cwd=ROOT, env=env, text=True,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120, check=False,
        )
        status["last"] = completed.returncode
        return completed.stdout.splitlines()

    return run


async def test_documented_import_examples_reproduce_on_a_fresh_make_run(
    db: Database, settings: Settings, shell
) -> None:
    # What `make run` (`citygraph up`) puts into an empty graph, the same calls: the councils, the London demo.
    await seed(db)
    await _demo_if_empty(db, settings)
    assert (await db.read("count_own_system_uses"))[0]["count"] > 0
    mismatches = []
    for doc in DOCS:
        for command, expected in examples((ROOT / doc).read_text(encoding="utf-8")):
            actual = shell(command)
            if actual != expected:
                mismatches.append(f"{doc}: $ {command}\n--- shown\n" + "\n".join(expected) + "\n--- printed\n" + "\n".join(actual))
    assert not mismatches, "\n\n".join(mismatches)
