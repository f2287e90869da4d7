"""`citygraph up` (what `make run` runs) end to end, as a real process in its own CITYGRAPH_HOME: it starts
the embedded Neo4j, seeds the councils, serves the API and the dashboard, and a SIGTERM (what a service
manager or `kill` sends) stops the API and the Neo4j it started."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from citygraph.graph.embedded import EmbeddedNeo4j, free_port

ROOT = Path(__file__).resolve().parents[1]


def _wait_ready(url: str, process: subprocess.Popen[bytes], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, f"citygraph up exited with {process.returncode}"
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"citygraph up was not ready within {seconds} s")


def test_up_serves_the_api_and_sigterm_stops_the_neo4j_it_started(tmp_path: Path):
    home = tmp_path / "home"
    port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("NEO4J_")}
    env.update(CITYGRAPH_HOME=str(home), CITYGRAPH_BOLT_PORT=str(free_port()))
    command = [sys.executable, "-m", "citygraph", "up", "--no-demo", "--port", str(port), "--log-level", "warning"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(url, process, seconds=240)
        body = httpx.post(f"{url}/graphql", json={"query": "{ boroughs { code } }"}, timeout=30).json()
        assert len(body["data"]["boroughs"]) == 33  # seeded by `up`
        assert httpx.get(f"{url}/", timeout=30).status_code == 200  # the dashboard
        assert EmbeddedNeo4j(home).status().running

        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=120)
        assert process.returncode == 128 + signal.SIGTERM, stderr.decode()
        assert "Stopping the embedded Neo4j this command started" in stderr.decode()
        assert not EmbeddedNeo4j(home).status().running
    finally:  # whatever failed, leave no process behind
        if process.poll() is None:
            process.kill()
        EmbeddedNeo4j(home).stop()
