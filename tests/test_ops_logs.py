"""JSON logs and request ids in the real server's log (`citygraph serve --log-format json`, uvicorn with
httptools): the access line carries X-Request-ID, and a client's error is logged once, under its id."""

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx

from citygraph.graph.database import Connection
from tests.live_server import live_server


def _serve_and_request(connection: Connection, home: Path, *args: str) -> list[str]:
    with live_server(connection, home, extra_args=["--log-level", "info", *args]) as base:
        ok = httpx.get(f"{base}/healthz", headers={"X-Request-ID": "ops-ok-1"}, timeout=30)
        bad = httpx.post(
            f"{base}/graphql", json={"query": "{ boroughs { nme } }"}, headers={"X-Request-ID": "ops-bad-2"}, timeout=30
        )
        assert ok.headers["x-request-id"] == "ops-ok-1"
        assert bad.headers["x-request-id"] == "ops-bad-2" and "errors" in bad.json()
    return (home / "serve.log").read_text().splitlines()


def test_json_logs_carry_request_ids_and_each_error_once(neo4j_connection: Connection, tmp_path: Path) -> None:
    lines = _serve_and_request(neo4j_connection, tmp_path / "home", "--log-format", "json")
    entries = [json.loads(line) for line in lines if line.strip()]  # every line is one JSON object
    assert {"time", "level", "logger", "message", "request_id"} <= set(entries[0])

    [access] = [e for e in entries if e["logger"] == "uvicorn.access" and e["request_id"] == "ops-ok-1"]
    assert (access["method"], access["path"], access["status"]) == ("GET", "/healthz", 200)
    [graphql_access] = [e for e in entries if e["logger"] == "uvicorn.access" and e["request_id"] == "ops-bad-2"]
    assert graphql_access["path"] == "/graphql"

    # The validation error: one line, at INFO, under the request's id; nothing else mentions it.
    mentions = [e for e in entries if "nme" in e["message"] or "nme" in e.get("exception", "")]
    assert len(mentions) == 1, mentions
    assert mentions[0]["level"] == "INFO" and mentions[0]["request_id"] == "ops-bad-2"
    assert "ops-bad-2" in mentions[0]["message"] and "exception" not in mentions[0]


def test_text_access_log_carries_request_id(neo4j_connection: Connection, tmp_path: Path) -> None:
    lines = _serve_and_request(neo4j_connection, tmp_path / "home")
    [access] = [line for line in lines if "/healthz" in line]
    assert access.endswith("200 OK request_id=ops-ok-1") or access.endswith("200 request_id=ops-ok-1"), access
    assert len([line for line in lines if "nme" in line]) == 1


def test_bad_log_format_is_one_clear_line(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[1]
    env = {"PATH": os.environ["PATH"], "CITYGRAPH_HOME": str(tmp_path)}
    for args, extra_env in ((["--log-format", "yaml"], {}), ([], {"CITYGRAPH_LOG_FORMAT": "yaml"})):
        completed = subprocess.run(
            [sys.executable, "-m", "citygraph", "serve", *args],
            capture_output=True, text=True, timeout=60, cwd=root, env={**env, **extra_env}, check=False,
        )
        assert completed.returncode == 2, completed.stderr
        assert "--log-format: must be text or json (got 'yaml')" in completed.stderr
        assert "Traceback" not in completed.stderr
