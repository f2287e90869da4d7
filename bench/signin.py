"""What sign-in costs per request (docs/signin.md), side by side in one run: the same small query sent
anonymously, with an API key found in the key cache, with an API key looked up in Neo4j every time (the cache
emptied before each request: the cost once every 5 s per key), and with an RS256 JWT (JWKS cached).

    .venv/bin/python bench/signin.py [--requests 1000]

Starts a throwaway embedded Neo4j (its own CITYGRAPH_HOME under /tmp), seeds the 33 councils and sends the
requests in-process through the ASGI app (httpx's ASGITransport, no network), one at a time, after 50 warm-up
requests each. The JWKS is served by a local http.server on 127.0.0.1.
"""

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from citygraph.auth.keys import create_key
from citygraph.auth.principal import Role
from citygraph.graph.database import Connection, Database
from citygraph.graph.embedded import EmbeddedNeo4j, free_port
from citygraph.graph.migrations import migrate
from citygraph.graph.reference import seed
from citygraph.graph.settings import Settings
from citygraph.schema.app import create_app

QUERY = {"query": '{ borough(code: "E09000024") { name region } }'}
ISSUER, AUDIENCE = "https://issuer.example/v2.0", "api://citygraph"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


class Jwks(BaseHTTPRequestHandler):
    body = json.dumps(
        {"keys": [{**jwt.algorithms.RSAAlgorithm.to_jwk(KEY.public_key(), as_dict=True), "kid": "k1", "alg": "RS256"}]}
    ).encode()

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


async def measure(call: Callable[[], Awaitable[None]], requests: int) -> dict[str, float]:
    for _ in range(50):
        await call()
    latencies = []
    for _ in range(requests):
        started = time.perf_counter()
        await call()
        latencies.append((time.perf_counter() - started) * 1000)
    q = statistics.quantiles(latencies, n=100)
    return {"p50": q[49], "p99": q[98]}


async def main(requests: int) -> None:
    home = Path(tempfile.mkdtemp(prefix="citygraph-bench-"))
    embedded = EmbeddedNeo4j(home)
    uri = embedded.start(free_port())
    jwks = ThreadingHTTPServer(("127.0.0.1", 0), Jwks)
    threading.Thread(target=jwks.serve_forever, daemon=True).start()
    db = Database(Connection(uri, "neo4j", embedded.password(), "neo4j"))
    try:
        await migrate(db)
        await seed(db)
        key = await create_key(db, "Bench member", Role.MEMBER, [])
        settings = Settings(
            NEO4J_URI=uri, CITYGRAPH_HOME=home / "api", CITYGRAPH_OIDC_ISSUER=ISSUER, CITYGRAPH_OIDC_AUDIENCE=AUDIENCE,
            CITYGRAPH_OIDC_JWKS_URL=f"http://127.0.0.1:{jwks.server_address[1]}/keys",
        )
        app = create_app(settings, db=db)
        signin = app.state.service.signin
        now = int(time.time())
        token = jwt.encode({"iss": ISSUER, "aud": AUDIENCE, "sub": "bench", "exp": now + 3600}, KEY, "RS256",
                           headers={"kid": "k1"})
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://citygraph") as http:

            def send(headers: dict[str, str], before: Callable[[], None] = lambda: None) -> Callable[[], Awaitable[None]]:
                async def call() -> None:
                    before()
                    response = await http.post("/graphql", json=QUERY, headers=headers)
                    assert response.status_code == 200 and "errors" not in response.json(), response.text

                return call

            rows = {
                "anonymous": await measure(send({}), requests),
                "API key, cached": await measure(send({"authorization": f"Bearer {key}"}), requests),
                "API key, looked up in Neo4j": await measure(
                    send({"authorization": f"Bearer {key}"}, signin.keys.clear), requests
                ),
                "JWT (RS256, JWKS cached)": await measure(send({"authorization": f"Bearer {token}"}), requests),
            }
        base = rows["anonymous"]["p50"]
        print(f"{requests} requests each, one at a time, in-process (ASGI)\n")
        print("| caller | p50 ms | p99 ms | p50 vs anonymous |\n| --- | ---: | ---: | ---: |")
        for label, row in rows.items():
            print(f"| {label} | {row['p50']:.2f} | {row['p99']:.2f} | {row['p50'] / base:.2f}× |")
    finally:
        await db.close()
        jwks.shutdown()
        embedded.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000)
    asyncio.run(main(parser.parse_args().requests))
