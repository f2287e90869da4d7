"""The real service (`citygraph serve`: uvicorn with uvloop and httptools) in a subprocess on a free loopback
port, against the test Neo4j, and the Node tooling of web/ that the HTTP and browser tests drive it with.

Nothing here skips: a missing Node, npm package or Chromium is a failure that says how to install it."""

import contextlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import httpx

from citygraph.graph.database import Connection
from citygraph.graph.embedded import free_port

ROOT = Path(__file__).resolve().parents[1]
WEB = ROOT / "web"
JS = Path(__file__).resolve().parent / "js"
CHROMIUM = os.environ.get("CITYGRAPH_CHROMIUM", "/usr/bin/chromium")


@contextlib.contextmanager
def live_server(
    connection: Connection,
    home: Path,
    timeout: float = 60.0,
    extra_args: Sequence[str] = (),
    env: Mapping[str, str] | None = None,
) -> Iterator[str]:
    """Yields the base URL (http://127.0.0.1:PORT) once /readyz answers 200; stops the server after. Its
    output is in HOME/serve.log; `extra_args` go after the defaults (so `--log-level info` wins); `env` adds
    to its environment."""
    port = free_port()
    env = {
        **os.environ,
        "NEO4J_URI": connection.uri,
        "NEO4J_USER": connection.user,
        "NEO4J_PASSWORD": connection.password,
        "NEO4J_DATABASE": connection.database,
        "CITYGRAPH_HOME": str(home),
        "PYTHONUNBUFFERED": "1",
        **(env or {}),
    }
    log_path = home / "serve.log"
    home.mkdir(parents=True, exist_ok=True)
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "citygraph",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--log-level",
                "warning",
                *extra_args,
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + timeout
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"citygraph serve exited with {process.returncode}:\n{log_path.read_text()}")
                try:
                    if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"citygraph serve not ready after {timeout}s:\n{log_path.read_text()}")
                time.sleep(0.2)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def require_node_tooling() -> str:
    """The path of node, after checking that web/node_modules holds what the scripts import."""
    node = shutil.which("node")
    assert node, "node is not installed: install Node.js 18+ (Debian: apt-get install -y nodejs npm)"
    missing = [name for name in ("graphql-http", "playwright-core") if not (WEB / "node_modules" / name).is_dir()]
    assert not missing, f"web/node_modules lacks {missing}: run `make install` (npm ci in web/)"
    return node


def run_node(script: str, *args: str, timeout: float = 180.0) -> dict:
    """Runs tests/js/SCRIPT with node (modules resolved from web/node_modules); returns its JSON stdout."""
    node = require_node_tooling()
    env = {**os.environ, "NODE_PATH": str(WEB / "node_modules")}
    completed = subprocess.run(
        [node, str(JS / script), *args], check=False, cwd=WEB, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert completed.returncode == 0, (
        f"node {script} exited with {completed.returncode}\nstdout:\n{completed.stdout}\nstderr:\n{completed.stderr}"
    )
    try:
        return json.loads(completed.stdout)
    except json.JSONDecodeError as error:
        raise AssertionError(f"node {script} printed no JSON ({error}):\n{completed.stdout}\n{completed.stderr}")
