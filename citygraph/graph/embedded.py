"""The embedded Neo4j of a CITYGRAPH_HOME: a Java launcher process, managed through files in that home.

State kept in the home folder (created 0700; every file in it 0600, every folder 0700):
  neo4j/            the store (data, transaction logs, Neo4j's own logs) and an empty import/ folder
  neo4j.password    the generated password of user `neo4j`
  neo4j.pid         the launcher's process id while it runs
  neo4j.port        the Bolt port it was started on
  neo4j.log         the launcher's output
"""

import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from citygraph.graph.settings import Settings

READY_MARK = "CITYGRAPH-NEO4J-READY"
PROJECT_ROOT = Path(__file__).resolve().parents[2]
CHECKOUT_LAUNCHER_DIR = PROJECT_ROOT / "launcher"
PACKAGED_LAUNCHER_DIR = Path(__file__).resolve().parents[1] / "_launcher"  # the sources a wheel carries


def _launcher_dir() -> Path:
    """In a checkout, `launcher/`; in an installed CityGraph, a copy of the packaged sources in the user's
    cache (site-packages may be read-only), where Maven builds the jar on first use."""
    if (CHECKOUT_LAUNCHER_DIR / "pom.xml").exists() or not PACKAGED_LAUNCHER_DIR.exists():
        return CHECKOUT_LAUNCHER_DIR
    from citygraph import __version__

    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "citygraph" / f"launcher-{__version__}"
    if not (cache / "pom.xml").exists():
        shutil.copytree(PACKAGED_LAUNCHER_DIR, cache, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__"))
    return cache


LAUNCHER_DIR = _launcher_dir()
NEEDS_JAVA = (
    "The embedded Neo4j needs Java 17 or newer: install it (e.g. `apt-get install openjdk-17-jre-headless`), "
    "or set NEO4J_URI to a Neo4j 5 server you run yourself."
)
NEEDS_MAVEN = (
    "The embedded Neo4j's launcher is built once with Maven: install it (e.g. `apt-get install maven`), "
    "set CITYGRAPH_LAUNCHER_JAR to a built launcher.jar, or set NEO4J_URI to a Neo4j 5 server you run yourself."
)
START_TIMEOUT_S = 180.0
STOP_TIMEOUT_S = 90.0
# The launcher runs with this umask, so the store and logs Neo4j writes are the owner's alone.
PRIVATE_UMASK = 0o077


class EmbeddedNeo4jError(RuntimeError):
    """The embedded Neo4j could not be built, started or stopped; the message says why."""


@dataclass(frozen=True)
class Status:
    running: bool
    pid: int | None
    uri: str | None
    home: Path


class EmbeddedNeo4j:
    def __init__(self, home: Path, launcher_jar: Path | None = None, heap: str = "1g", pagecache_mb: int = 512):
        self.home = home.resolve()
        self.launcher_jar = launcher_jar or LAUNCHER_DIR / "target" / "launcher.jar"
        self.heap = heap
        self.pagecache_mb = pagecache_mb

    @classmethod
    def from_settings(cls, settings: Settings) -> "EmbeddedNeo4j":
        return cls(settings.home, settings.launcher_jar, settings.neo4j_heap, settings.neo4j_pagecache_mb)

    @property
    def _pid_file(self) -> Path:
        return self.home / "neo4j.pid"

    @property
    def _port_file(self) -> Path:
        return self.home / "neo4j.port"

    @property
    def _password_file(self) -> Path:
        return self.home / "neo4j.password"

    @property
    def log_file(self) -> Path:
        return self.home / "neo4j.log"

    def password(self) -> str:
        """The password of user `neo4j`, generated on first use and kept readable by the owner only."""
        if not self._password_file.exists():
            self._make_home()
            fd = os.open(self._password_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_urlsafe(24))
        return self._password_file.read_text().strip()

    def _make_home(self) -> None:
        """Creates the home 0700. A home an older CityGraph created 0755 (it holds our password file) is
        tightened too; any other existing folder is left as its owner made it."""
        if not self.home.exists():
            self.home.mkdir(mode=0o700, parents=True)
        elif self._password_file.exists() and self.home.stat().st_mode & 0o077:
            self.home.chmod(0o700)

    def status(self) -> Status:
        pid = _read_int(self._pid_file)
        port = _read_int(self._port_file)
        if pid is None or not _alive(pid) or not _is_launcher(pid):
            return Status(False, None, None, self.home)
        return Status(True, pid, f"bolt://127.0.0.1:{port}", self.home)

    def start(self, bolt_port: int, progress=print) -> str:
        """Start in the background unless already running; return the Bolt URI once Bolt answers."""
        current = self.status()
        if current.running and current.uri:
            return current.uri
        if _port_in_use(bolt_port):
            raise EmbeddedNeo4jError(
                f"port {bolt_port} on 127.0.0.1 is already in use; choose another with --bolt-port "
                "or CITYGRAPH_BOLT_PORT"
            )
        if shutil.which("java") is None:
            raise EmbeddedNeo4jError(NEEDS_JAVA)
        jar = self.ensure_launcher(progress)
        env = dict(os.environ, CITYGRAPH_NEO4J_PASSWORD=self.password())
        self._make_home()
        log = _open_private(self.log_file)
        process = subprocess.Popen(
            [
                "java",
                f"-Xmx{self.heap}",
                "-XX:+UseG1GC",
                "-jar",
                str(jar),
                "--home",
                str(self.home / "neo4j"),
                "--bolt-port",
                str(bolt_port),
                "--pagecache",
                str(self.pagecache_mb),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            start_new_session=True,  # Ctrl-C in the caller's terminal must not kill the database mid-write
            umask=PRIVATE_UMASK,
        )
        log.close()
        _write_private(self._pid_file, str(process.pid))
        _write_private(self._port_file, str(bolt_port))
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if process.poll() is not None:
                self._pid_file.unlink(missing_ok=True)
                raise EmbeddedNeo4jError(
                    f"embedded Neo4j exited with code {process.returncode} during start-up; "
                    f"last lines of {self.log_file}:\n{self._log_tail()}"
                )
            if READY_MARK in self.log_file.read_text(errors="replace"):
                return f"bolt://127.0.0.1:{bolt_port}"
            time.sleep(0.2)
        process.terminate()
        raise EmbeddedNeo4jError(
            f"embedded Neo4j did not become ready within {START_TIMEOUT_S:.0f}s; "
            f"last lines of {self.log_file}:\n{self._log_tail()}"
        )

    def stop(self) -> bool:
        """Stop cleanly (SIGTERM lets Neo4j checkpoint); return False when it was not running."""
        current = self.status()
        if not current.running or current.pid is None:
            self._pid_file.unlink(missing_ok=True)
            return False
        os.kill(current.pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT_S
        while time.monotonic() < deadline:
            if not _alive(current.pid):
                self._pid_file.unlink(missing_ok=True)
                return True
            time.sleep(0.2)
        raise EmbeddedNeo4jError(f"embedded Neo4j (pid {current.pid}) did not stop within {STOP_TIMEOUT_S:.0f}s")

    def ensure_launcher(self, progress=print) -> Path:
        """The launcher jar, built with Maven the first time it is needed."""
        if self.launcher_jar.exists():
            return self.launcher_jar
        if self.launcher_jar != LAUNCHER_DIR / "target" / "launcher.jar":
            raise EmbeddedNeo4jError(f"CITYGRAPH_LAUNCHER_JAR points to {self.launcher_jar}, which does not exist")
        if shutil.which("mvn") is None:
            raise EmbeddedNeo4jError(NEEDS_MAVEN)
        progress(f"Building the embedded Neo4j launcher with Maven in {LAUNCHER_DIR} (first run only)…")
        result = subprocess.run(
            ["mvn", "-q", "-B", "package", "-DskipTests"], cwd=LAUNCHER_DIR, capture_output=True, text=True
        )
        if result.returncode != 0 or not self.launcher_jar.exists():
            raise EmbeddedNeo4jError(f"building the launcher failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
        return self.launcher_jar

    def _log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return "(no log)"


def _open_private(path: Path) -> IO[str]:
    """Opens `path` for writing, truncated, mode 0600 (also when it existed with a wider mode)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    return os.fdopen(fd, "w")


def _write_private(path: Path, text: str) -> None:
    with _open_private(path) as out:
        out.write(text)


def _read_int(path: Path) -> int | None:
    try:
        return int(path.read_text().strip())
    except (FileNotFoundError, ValueError):
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child (started by this very process and not yet reaped) counts as gone.
    try:
        waited, _ = os.waitpid(pid, os.WNOHANG)
        return waited == 0
    except ChildProcessError:
        return True


def _is_launcher(pid: int) -> bool:
    """Guards against a stale pid file whose pid the system has since given to another process."""
    cmdline = Path(f"/proc/{pid}/cmdline")
    if not cmdline.exists():
        return True  # no /proc (macOS): trust the pid file
    return b"launcher" in cmdline.read_bytes()


def _port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
