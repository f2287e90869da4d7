"""Packaging: the wheel carries everything `citygraph` needs outside the checkout, including the embedded
Neo4j's launcher sources (built with Maven on first use), and says in one sentence what is missing."""

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from citygraph import __version__
from citygraph.graph.embedded import NEEDS_JAVA, NEEDS_MAVEN, free_port

ROOT = Path(__file__).resolve().parents[1]


def test_every_folder_of_the_package_is_in_the_wheel():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    folders = {
        ".".join(path.relative_to(ROOT).parts)
        for path in (ROOT / "citygraph").rglob("*")
        if path.is_dir() and path.name != "__pycache__" and any(p.is_file() for p in path.iterdir())
    } | {"citygraph"}
    folders -= {"citygraph.schema.static"}  # holds only the graphiql folder
    assert folders - listed == set(), "add these to [tool.setuptools] packages in pyproject.toml"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from this checkout (isolated build, as `pip install .` does) and installed into a
    folder of its own; the build must not warn (no setuptools deprecations a newcomer would wonder about)."""
    out = tmp_path_factory.mktemp("wheel")
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-v", "--no-deps", "-w", str(out / "dist"), str(ROOT)],
        capture_output=True, text=True, timeout=600,
    )
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    noisy = [line for line in (build.stdout + build.stderr).splitlines() if "Warning" in line or "deprecated" in line]
    assert noisy == []
    [wheel] = (out / "dist").glob("citygraph-*.whl")
    target = out / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)], check=True)
    return target


def run(installed: Path, tmp_path: Path, *args: str, path: str | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "CITYGRAPH_"))}
    env.update(PYTHONPATH=str(installed), CITYGRAPH_HOME=str(tmp_path / "home"), XDG_CACHE_HOME=str(tmp_path / "cache"))
    if path is not None:
        env["PATH"] = path
    return subprocess.run([sys.executable, "-m", "citygraph", *args], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=timeout)


def tools(tmp_path: Path, *names: str) -> str:
    """A PATH holding only the given programs."""
    folder = tmp_path / "bin"
    folder.mkdir(exist_ok=True)
    for name in names:
        found = shutil.which(name)
        assert found, f"{name} is needed for this test"
        (folder / name).symlink_to(found)
    return str(folder)


def test_installed_copy_runs_outside_the_checkout(installed: Path, tmp_path: Path):
    where = subprocess.run(
        [sys.executable, "-c", "import citygraph; print(citygraph.__file__)"],
        env={**os.environ, "PYTHONPATH": str(installed)}, cwd=tmp_path, capture_output=True, text=True,
    )
    assert where.stdout.strip().startswith(str(installed))
    version = run(installed, tmp_path, "--version")
    assert version.returncode == 0 and version.stdout.strip() == f"citygraph {__version__}"
    bare = run(installed, tmp_path)
    assert bare.returncode == 0 and bare.stdout.startswith("usage: citygraph") and "neo4j" in bare.stdout
    assert (installed / "citygraph" / "_launcher" / "pom.xml").exists()


def test_missing_java_or_maven_is_one_clear_sentence(installed: Path, tmp_path: Path):
    no_java = run(installed, tmp_path, "neo4j", "start", "--bolt-port", str(free_port()), path=tools(tmp_path))
    assert no_java.returncode == 1 and no_java.stderr.strip() == f"citygraph: {NEEDS_JAVA}"
    no_maven = run(installed, tmp_path, "neo4j", "start", "--bolt-port", str(free_port()), path=tools(tmp_path, "java"))
    assert no_maven.returncode == 1 and no_maven.stderr.strip() == f"citygraph: {NEEDS_MAVEN}"


def test_installed_copy_builds_its_launcher_and_starts_neo4j(installed: Path, tmp_path: Path):
    started = run(installed, tmp_path, "neo4j", "start", "--bolt-port", str(free_port()), timeout=600)
    try:
        assert started.returncode == 0, started.stderr
        assert started.stdout.strip().startswith("bolt://127.0.0.1:")
        assert (tmp_path / "cache" / "citygraph" / f"launcher-{__version__}" / "target" / "launcher.jar").exists()
        assert run(installed, tmp_path, "neo4j", "status").returncode == 0
    finally:
        assert run(installed, tmp_path, "neo4j", "stop", timeout=120).returncode == 0


def test_make_install_editable_step_is_quiet_and_still_shows_errors(tmp_path: Path):
    """The Makefile's `pip install -q -e` prints nothing: setuptools' "Editable installation" note, which pip
    26 shows for local directories, is filtered by its message alone; an error still prints."""
    [command] = re.findall(r"^\t(PYTHONWARNINGS='[^']+') \$\(BIN\)/pip install -q -e ", (ROOT / "Makefile").read_text(), re.M)
    env = {**os.environ, "PYTHONWARNINGS": command.split("=", 1)[1].strip("'")}
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    pip = [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "-q", "--no-deps"]
    done = subprocess.run([*pip, "-e", str(ROOT)], env=env, capture_output=True, text=True, timeout=600)
    assert (done.returncode, done.stdout + done.stderr) == (0, "")
    broken = subprocess.run([*pip, "-e", str(tmp_path / "no-such-project")], env=env, capture_output=True, text=True,
                            timeout=120)
    assert broken.returncode != 0 and "ERROR" in broken.stderr
