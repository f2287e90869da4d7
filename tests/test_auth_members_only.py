"""Members-only facts (docs/signin.md): an anonymous caller gets null and a SIGN_IN_REQUIRED error on each of
them, in /graphql, in exports and in subscriptions' neighbours; a signed-in member sees them. On the hand-made
bundle tests/fixtures/features (Camden rates its planning system 4, Merton has Data engineering at 2 …)."""

from pathlib import Path

import httpx
import pytest

from citygraph.auth.keys import create_key
from citygraph.auth.principal import Role
from citygraph.graph.database import Database
from citygraph.graph.importer import load_bundle
from tests.conftest import gql

BUNDLE = Path(__file__).parent / "fixtures" / "features"
CAMDEN = "E09000007"

# Each members-only field, asked alone; `path` is where its null and its error land.
MEMBERS_ONLY = {
    "SystemUse.satisfaction": (f'{{ borough(code: "{CAMDEN}") {{ name systemUses {{ satisfaction }} }} }}',
                               ["borough", "systemUses", 0, "satisfaction"]),
    "System.averageSatisfaction": ('{ system(id: "sys-plan") { name averageSatisfaction } }',
                                   ["system", "averageSatisfaction"]),
    "SkillRating.level": ("{ skills { name ratings { borough { code } level } } }", ["skills", 0, "ratings", 0, "level"]),
    "Borough.skills": (f'{{ borough(code: "{CAMDEN}") {{ name skills {{ skill {{ name }} }} }} }}',
                       ["borough", "skills"]),
    "Query.skillsExchange": ('{ skillsExchange(skill: "Data engineering") { mentor { code } } }', ["skillsExchange"]),
    "Query.satisfactionBySupplierCount": ("{ satisfactionBySupplierCount { pearson } }",
                                          ["satisfactionBySupplierCount"]),
}


@pytest.fixture
async def loaded(db: Database, client: httpx.AsyncClient) -> httpx.AsyncClient:
    await load_bundle(db, BUNDLE)
    return client


def value_at(data: dict, path: list) -> object:
    for step in path:
        data = data[step]  # type: ignore[index]
    return data


@pytest.mark.parametrize("field", list(MEMBERS_ONLY))
async def test_anonymous_callers_get_null_and_a_sign_in_error(loaded: httpx.AsyncClient, field: str):
    query, path = MEMBERS_ONLY[field]
    body = await gql(loaded, query)
    assert value_at(body["data"], path) is None
    [error] = {e["message"]: e for e in body["errors"]}.values()  # one message, however many rows were refused
    assert error["message"] == (
        f"{field} is for member councils only: sign in (Authorization: Bearer <API key or token>) to see it."
    )
    assert error["extensions"]["code"] == "SIGN_IN_REQUIRED"
    assert error["path"][0] == path[0] and error["path"][-1] == path[-1]
    if len(path) > 1:  # the rest of the answer is still there: null stays on the refused field
        assert body["data"][path[0]] is not None


@pytest.mark.parametrize("role", [Role.MEMBER, Role.EDITOR, Role.ADMIN])
async def test_signed_in_councils_see_every_members_only_fact(db: Database, loaded: httpx.AsyncClient, role: Role):
    key = await create_key(db, f"A {role} key", role, [CAMDEN] if role is Role.EDITOR else [])
    headers = {"authorization": f"Bearer {key}"}
    answers = {}
    for field, (query, path) in MEMBERS_ONLY.items():
        response = await loaded.post("/graphql", json={"query": query}, headers=headers)
        body = response.json()
        assert "errors" not in body, (field, body)
        answers[field] = value_at(body["data"], path)
    assert answers["SystemUse.satisfaction"] == 2  # Camden's first use by system name: its finance system
    assert answers["System.averageSatisfaction"] == 4.0
    assert answers["SkillRating.level"] == 4  # Camden's Data engineering
    assert answers["Borough.skills"] == [{"skill": {"name": "Data engineering"}}, {"skill": {"name": "User research"}}]
    assert answers["Query.skillsExchange"] == [{"mentor": {"code": CAMDEN}}]
    assert answers["Query.satisfactionBySupplierCount"] is not None


async def test_anonymous_export_of_members_only_fields_is_refused(loaded: httpx.AsyncClient, db: Database):
    query = "{ boroughs { code systemUses { system { id } satisfaction } } }"
    response = await loaded.get("/export.csv", params={"query": query})
    assert response.status_code == 400
    assert "SystemUse.satisfaction is for member councils only" in response.json()["errors"][0]["message"]
    key = await create_key(db, "Exporting member", Role.MEMBER, [])
    signed_in = await loaded.get("/export.csv", params={"query": query}, headers={"authorization": f"Bearer {key}"})
    assert signed_in.status_code == 200
    assert "satisfaction" in signed_in.text.splitlines()[0] and "E09000007,sys-fin; sys-plan,2; 4" in signed_in.text


async def test_public_facts_stay_public(loaded: httpx.AsyncClient):
    body = await gql(loaded, f'{{ borough(code: "{CAMDEN}") {{ name systemUses {{ hosting system {{ name }} }} }} }}')
    assert "errors" not in body and body["data"]["borough"]["name"] == "Camden"
    skills = await gql(loaded, "{ skills { name } }")  # the skills themselves are public, their levels are not
    assert "errors" not in skills and len(skills["data"]["skills"]) == 2


async def test_public_read_off_refuses_anonymous_callers(db: Database, settings, loaded: httpx.AsyncClient):
    from citygraph.schema.app import create_app

    closed = create_app(settings.model_copy(update={"public_read": False}), db=db)
    key = await create_key(db, "Closed-server member", Role.MEMBER, [])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=closed), base_url="http://citygraph") as http:
        anonymous = await http.post("/graphql", json={"query": "{ skills { name } }"})
        assert anonymous.status_code == 401
        assert anonymous.headers["www-authenticate"] == 'Bearer realm="citygraph"'  # no credentials: no error code
        assert "requires sign-in" in anonymous.json()["errors"][0]["message"]
        assert (await http.get("/export.csv", params={"query": "{ skills { name } }"})).status_code == 401
        assert (await http.get(f"/calendar/borough/{CAMDEN}.ics")).status_code == 401
        page = await http.get("/graphql", headers={"accept": "text/html"})  # GraphiQL still opens, to paste a key
        assert page.status_code == 200 and "graphiql" in page.text.lower()
        signed_in = await http.post(
            "/graphql", json={"query": "{ skills { name } }"}, headers={"authorization": f"Bearer {key}"}
        )
        assert signed_in.status_code == 200 and len(signed_in.json()["data"]["skills"]) == 2


async def test_cors_is_off_by_default_and_allows_the_listed_origins(db: Database, settings, client: httpx.AsyncClient):
    preflight = {
        "origin": "https://intranet.merton.gov.uk",
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, content-type",
    }
    closed = await client.options("/graphql", headers=preflight)
    assert "access-control-allow-origin" not in closed.headers
    from citygraph.schema.app import create_app

    app = create_app(settings.model_copy(update={"cors_origins": ("https://intranet.merton.gov.uk",)}), db=db)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://citygraph") as http:
        allowed = await http.options("/graphql", headers=preflight)
        assert allowed.status_code == 200
        assert allowed.headers["access-control-allow-origin"] == "https://intranet.merton.gov.uk"
        assert "authorization" in allowed.headers["access-control-allow-headers"].lower()
        other = await http.options("/graphql", headers={**preflight, "origin": "https://evil.example"})
        assert other.status_code == 400 and "access-control-allow-origin" not in other.headers
