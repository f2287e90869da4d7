"""A newcomer's `npm ci` in web/ prints no peer-dependency warnings: graphiql-explorer 0.9 (inside
@graphiql/plugin-explorer 4) declares peers React ≤16 and graphql ≤15 but runs on the React 18 and graphql 16
that GraphiQL 4 needs; web/package.json's `overrides` say so. `npm ls --all` checks the same peer ranges
against the installed tree (it fails, listing them as "invalid", without the overrides) in under a second."""

import shutil
import subprocess

from tests.live_server import WEB, require_node_tooling


def test_installed_web_tooling_has_no_invalid_peer_dependencies() -> None:
    require_node_tooling()
    npm = shutil.which("npm")
    assert npm, "npm is not installed: install Node.js 18+ with npm (Debian: apt-get install -y nodejs npm)"
    completed = subprocess.run(
        [npm, "ls", "--all"], cwd=WEB, capture_output=True, text=True, timeout=120, check=False
    )
    problems = [line for line in completed.stdout.splitlines() if "invalid" in line or "UNMET DEPENDENCY" in line]
    assert completed.returncode == 0 and not problems, f"{problems}\n{completed.stderr}"
