"""API keys (docs/signin.md): created with the real CLI against the real Neo4j, only a hash stored, turned
into the caller by `Authorization: Bearer`, refused with 401 when unknown or revoked."""

import hashlib
import re

import httpx
import pytest

from citygraph.auth import signin
from citygraph.auth.keys import KeyRefused, create_key, list_keys, revoke_key
from citygraph.auth.principal import Role
from citygraph.graph.database import Database
from citygraph.graph.reference import seed
from citygraph.schema.app import create_app
from tests.test_cli import cli  # noqa: F401  (the fixture: `citygraph …` in a thread, env pointing at the test Neo4j)

MERTON, CAMDEN = "E09000024", "E09000007"
WHO_AM_I = "{ boroughs { code } }"


async def created_key(cli, capsys: pytest.CaptureFixture[str], *args: str) -> str:  # noqa: F811
    assert await cli("keys", "create", *args) == 0
    captured = capsys.readouterr()
    assert "shown only this once" in captured.err
    return captured.out.strip()


async def test_keys_create_list_revoke_through_the_cli(db: Database, cli, capsys: pytest.CaptureFixture[str]):  # noqa: F811
    await seed(db)
    key = await created_key(cli, capsys, "--name", "Merton digital team", "--role", "editor", "--borough", MERTON)
    assert re.fullmatch(r"cg_[A-Za-z0-9_-]{43}", key), key  # 32 random bytes, URL-safe base64

    [stored] = await db.run_text("MATCH (k:ApiKey) RETURN properties(k) AS p")
    p = stored["p"]
    assert p["hash"] == hashlib.sha256(key.encode()).hexdigest()
    assert key not in repr(p)  # the key itself is nowhere in the graph
    assert (p["name"], p["role"], p["boroughs"], p["prefix"]) == ("Merton digital team", "editor", [MERTON], key[:11])

    assert await cli("keys", "list") == 0
    table = capsys.readouterr().out
    assert "Merton digital team" in table and key[:11] + "…" in table and MERTON in table
    assert key not in table and p["hash"] not in table

    assert await cli("keys", "revoke", key[:11] + "…") == 0  # the prefix as `keys list` shows it
    assert 'revoked "Merton digital team"' in capsys.readouterr().out
    assert await cli("keys", "revoke", "Merton digital team") == 1
    assert "was revoked already" in capsys.readouterr().err
    [info] = await list_keys(db)
    assert info.revoked_at is not None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--name", "Team", "--role", "editor"), "An editor key needs at least one --borough"),
        (("--name", "Team", "--role", "editor", "--borough", "E09999999"), "Unknown borough code(s) E09999999"),
        (("--name", "Team", "--role", "member", "--borough", MERTON), "a member key takes no --borough"),
        (("--name", "  ", "--role", "admin"), "A key needs a name"),
    ],
)
async def test_keys_create_refuses_bad_input_in_one_line(
    db: Database, cli, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str  # noqa: F811
):
    await seed(db)
    assert await cli("keys", "create", *args) == 1
    captured = capsys.readouterr()
    assert message in captured.err and "Traceback" not in captured.err and captured.out == ""
    assert await db.run_text("MATCH (k:ApiKey) RETURN k") == []


async def test_names_are_never_reused_and_prefixes_must_be_unambiguous(db: Database):
    await create_key(db, "Camden", Role.MEMBER, [])
    with pytest.raises(KeyRefused, match='A key named "Camden" exists already'):
        await create_key(db, "Camden", Role.ADMIN, [])
    with pytest.raises(KeyRefused, match='No key is named "nobody"'):
        await revoke_key(db, "nobody")


async def test_each_role_signs_in_and_unknown_or_revoked_keys_get_401(db: Database, client: httpx.AsyncClient):
    await seed(db)
    keys = {
        Role.MEMBER: await create_key(db, "Camden members", Role.MEMBER, []),
        Role.EDITOR: await create_key(db, "Merton digital team", Role.EDITOR, [MERTON, CAMDEN]),
        Role.ADMIN: await create_key(db, "GLA admins", Role.ADMIN, []),
    }
    service = client._transport.app.state.service  # type: ignore[attr-defined]
    for role, key in keys.items():
        principal = await service.signin.principal(f"Bearer {key}")
        assert principal.role is role
        response = await client.post("/graphql", json={"query": WHO_AM_I}, headers={"authorization": f"Bearer {key}"})
        assert response.status_code == 200 and len(response.json()["data"]["boroughs"]) == 33
    editor = await service.signin.principal(f"Bearer {keys[Role.EDITOR]}")
    assert editor.may_edit(MERTON) and editor.may_edit(CAMDEN) and not editor.may_edit("E09000001")
    assert editor.source == "api:Merton digital team"

    unknown = "cg_" + "A" * 43
    await revoke_key(db, "Camden members")
    service.signin.keys.clear()  # what KEY_CACHE_TTL_S seconds do; the bound itself is tested below
    for key, reason in ((unknown, "unknown or revoked API key"), (keys[Role.MEMBER], "unknown or revoked API key")):
        response = await client.post("/graphql", json={"query": WHO_AM_I}, headers={"authorization": f"Bearer {key}"})
        assert response.status_code == 401
        assert response.headers["www-authenticate"].startswith('Bearer realm="citygraph", error="invalid_token"')
        assert response.json() == {
            "errors": [{"message": f"Sign-in refused: {reason}.", "extensions": {"code": "UNAUTHENTICATED"}}]
        }


async def test_revocation_takes_effect_within_the_cache_bound(db: Database, client: httpx.AsyncClient):
    key = await create_key(db, "Short-lived", Role.MEMBER, [])
    service = client._transport.app.state.service  # type: ignore[attr-defined]
    assert service.signin.keys.ttl == signin.KEY_CACHE_TTL_S <= 5
    assert (await service.signin.principal(f"Bearer {key}")).name == "Short-lived"
    await revoke_key(db, "Short-lived")
    # Still cached: the next lookup is within the TTL, and costs no database round trip.
    assert (await service.signin.principal(f"Bearer {key}")).name == "Short-lived"
    # KEY_CACHE_TTL_S later (told to the cache rather than slept through), the key is looked up again.
    service.signin.keys.expire(service.signin.keys.timer() + signin.KEY_CACHE_TTL_S + 0.01)
    with pytest.raises(signin.SignInRefused, match="unknown or revoked"):
        await service.signin.principal(f"Bearer {key}")


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        ("Basic dXNlcjpwYXNz", "send credentials as Authorization: Bearer"),
        ("Bearer", "send credentials as Authorization: Bearer"),
        ("Bearer not-a-key", "neither a CityGraph API key"),
        ("Bearer a.b.c", "this server does not accept tokens"),
    ],
)
async def test_malformed_credentials_get_a_one_line_401(client: httpx.AsyncClient, header: str, reason: str):
    response = await client.post("/graphql", json={"query": WHO_AM_I}, headers={"authorization": header})
    assert response.status_code == 401
    assert reason in response.json()["errors"][0]["message"]
    assert "Traceback" not in response.text


async def test_a_subscription_with_refused_credentials_is_closed_at_the_handshake(settings):
    """Plain ASGI: the handshake of graphql-transport-ws with a bad key is closed before it is accepted."""
    app = create_app(settings)
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "websocket.connect"}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {
        "type": "websocket", "asgi": {"version": "3.0"}, "path": "/graphql", "raw_path": b"/graphql",
        "query_string": b"", "root_path": "", "scheme": "ws", "server": ("127.0.0.1", 80), "client": ("127.0.0.1", 1),
        "subprotocols": ["graphql-transport-ws"],
        "headers": [(b"host", b"citygraph"), (b"authorization", b"Bearer not-a-key")],
    }
    try:
        await app(scope, receive, send)
    finally:
        await app.state.service.db.close()
    assert [m["type"] for m in sent] == ["websocket.close"] and sent[0]["code"] == 4401
    assert "neither a CityGraph API key" in sent[0]["reason"]
