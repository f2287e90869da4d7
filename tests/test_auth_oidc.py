"""OpenID Connect sign-in (docs/signin.md) with real tokens: RSA and EC keys generated here, their public
halves served as a JWKS by a local http.server on 127.0.0.1, tokens signed with PyJWT. Good tokens sign in
with the role and boroughs of their claims; expired, forged (another key, `alg: none`, HS256 with the public
key), wrong-audience, wrong-issuer and not-yet-valid tokens get 401."""

import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import jwt
import pytest
from pydantic import ValidationError
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from citygraph.graph.database import Database
from citygraph.graph.importer import load_bundle
from citygraph.cli import main
from citygraph.graph.settings import Settings, get_settings
from citygraph.schema.app import create_app
from tests.test_auth_members_only import BUNDLE, CAMDEN

ISSUER = "https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/v2.0"
AUDIENCE = "api://citygraph"
MERTON = "E09000024"
QUERY = "{ system(id: \"sys-plan\") { averageSatisfaction } }"  # members only: tells signed-in from anonymous

RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
EC_KEY = ec.generate_private_key(ec.SECP256R1())
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)  # published nowhere


def jwk(private_key: Any, kid: str, alg: str) -> dict:
    algorithm = jwt.algorithms.RSAAlgorithm if alg == "RS256" else jwt.algorithms.ECAlgorithm
    return {**algorithm.to_jwk(private_key.public_key(), as_dict=True), "kid": kid, "use": "sig", "alg": alg}


class Jwks(BaseHTTPRequestHandler):
    body = json.dumps({"keys": [jwk(RSA_KEY, "rsa-1", "RS256"), jwk(EC_KEY, "ec-1", "ES256")]}).encode()
    requests = 0

    def do_GET(self) -> None:
        type(self).requests += 1
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, format: str, *args: Any) -> None:  # keep the test output quiet
        pass


@pytest.fixture(scope="module")
def jwks_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Jwks)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/discovery/v2.0/keys"
    server.shutdown()
    server.server_close()


@pytest.fixture
async def oidc(db: Database, settings: Settings, jwks_url: str) -> Iterator[httpx.AsyncClient]:
    await load_bundle(db, BUNDLE)
    configured = settings.model_copy(
        update={"oidc_issuer": ISSUER, "oidc_audience": AUDIENCE, "oidc_jwks_url": jwks_url, "oidc_role_claim": "roles"}
    )
    app = create_app(configured, db=db)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://citygraph") as http:
        yield http


def claims(**changes: Any) -> dict:
    now = int(time.time())
    base = {"iss": ISSUER, "aud": AUDIENCE, "sub": "merton-digital@merton.gov.uk", "iat": now, "nbf": now,
            "exp": now + 600}
    base.update(changes)
    return {key: value for key, value in base.items() if value is not None}


def token(payload: dict, key: Any = RSA_KEY, alg: str = "RS256", kid: str = "rsa-1") -> str:
    return jwt.encode(payload, key, algorithm=alg, headers={"kid": kid})


def unsigned(payload: dict) -> str:
    """An `alg: none` token, built by hand (PyJWT rightly makes this awkward)."""
    part = lambda value: base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()  # noqa: E731
    return f"{part({'alg': 'none', 'typ': 'JWT', 'kid': 'rsa-1'})}.{part(payload)}."


def hs256_with_public_key(payload: dict) -> str:
    """The algorithm-confusion forgery: an HMAC "signed" with the public key's PEM, which anyone can download.
    Built by hand, since PyJWT refuses to use an asymmetric key as an HMAC secret."""
    pem = RSA_KEY.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    part = lambda value: base64.urlsafe_b64encode(value).rstrip(b"=").decode()  # noqa: E731
    signing_input = f"{part(json.dumps({'alg': 'HS256', 'typ': 'JWT', 'kid': 'rsa-1'}).encode())}.{part(json.dumps(payload).encode())}"
    return f"{signing_input}.{part(hmac.new(pem, signing_input.encode(), hashlib.sha256).digest())}"


async def ask(client: httpx.AsyncClient, bearer: str) -> httpx.Response:
    return await client.post("/graphql", json={"query": QUERY}, headers={"authorization": f"Bearer {bearer}"})


async def test_valid_tokens_sign_in_with_their_role_and_boroughs(oidc: httpx.AsyncClient):
    signin = oidc._transport.app.state.service.signin  # type: ignore[attr-defined]
    member = await signin.principal(f"Bearer {token(claims())}")  # no role claim: a member
    assert (member.role, member.name, member.boroughs) == ("member", "merton-digital@merton.gov.uk", frozenset())
    editor = await signin.principal(
        f"Bearer {token(claims(roles=['Reader', 'editor'], citygraph_boroughs=[MERTON]), EC_KEY, 'ES256', 'ec-1')}"
    )
    assert editor.role == "editor" and editor.may_edit(MERTON) and not editor.may_edit(CAMDEN)
    admin = await signin.principal(f"Bearer {token(claims(roles='admin member'))}")
    assert admin.is_admin and admin.source == "api:merton-digital@merton.gov.uk"

    response = await ask(oidc, token(claims()))
    assert response.status_code == 200 and response.json()["data"]["system"]["averageSatisfaction"] == 4.0
    anonymous = await oidc.post("/graphql", json={"query": QUERY})
    assert anonymous.json()["data"]["system"]["averageSatisfaction"] is None


@pytest.mark.parametrize(
    ("bearer", "reason"),
    [
        (lambda: token(claims(exp=int(time.time()) - 120, nbf=int(time.time()) - 900)), "the token has expired"),
        (lambda: token(claims(), OTHER_KEY), "Signature verification failed"),  # a forged signature, kid of a real key
        (lambda: unsigned(claims()), "algorithm 'none' is not accepted"),
        (lambda: hs256_with_public_key(claims()), "algorithm 'HS256' is not accepted"),
        (lambda: token(claims(aud="api://someone-else")), "Audience doesn't match"),
        (lambda: token(claims(iss="https://evil.example/v2.0")), "Invalid issuer"),
        (lambda: token(claims(nbf=int(time.time()) + 3600)), "not yet valid"),
        (lambda: token(claims(exp=None)), 'Token is missing the "exp" claim'),
        (lambda: token(claims(), kid="rotated-away"), "signing key is not one the identity provider publishes"),
        (lambda: token(claims(roles="superuser")), "names no CityGraph role"),
        (lambda: token(claims(roles="editor")), "an editor token needs the boroughs"),
        (lambda: "abc.def.ghi", "the token is not a JWT"),
    ],
    ids=["expired", "wrong-key", "alg-none", "hs256-confusion", "audience", "issuer", "nbf", "no-exp", "unknown-kid",
         "unknown-role", "editor-without-boroughs", "garbage"],
)
async def test_bad_tokens_are_refused_with_401(oidc: httpx.AsyncClient, bearer, reason: str):
    response = await ask(oidc, bearer())
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"].startswith('Bearer realm="citygraph", error="invalid_token"')
    [error] = response.json()["errors"]
    assert reason in error["message"] and error["message"].startswith("Sign-in refused: ")
    assert "\n" not in error["message"] and "Traceback" not in response.text


async def test_the_jwks_is_fetched_once_then_cached(oidc: httpx.AsyncClient):
    before = Jwks.requests
    for _ in range(5):
        assert (await ask(oidc, token(claims()))).status_code == 200
    assert Jwks.requests - before <= 1  # PyJWKClient's cache: at most the first request fetches


def test_partial_oidc_settings_are_refused(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    monkeypatch.setenv("CITYGRAPH_OIDC_ISSUER", ISSUER)
    with pytest.raises(ValidationError, match="go together: set all three"):
        Settings()
    get_settings.cache_clear()
    try:
        assert main(["keys", "list"]) == 1  # one line, before anything connects
        assert "invalid setting" in capsys.readouterr().err
    finally:
        get_settings.cache_clear()
