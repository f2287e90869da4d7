"""The write API beyond the matrix (tests/test_writes_matrix.py): idempotence, blanking values, moving a
contract between boroughs, merging suppliers, the change log and its export, the rate limit and the HTTP
rules for writes. Real Neo4j, over HTTP, with real API keys."""

import csv
import io
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from citygraph.auth.principal import ANONYMOUS, Principal
from citygraph.graph import version
from citygraph.graph.database import Database
from tests.graph_checksum import graph_checksum
from tests.writes_support import ADMIN, CAMDEN, EDITOR, MEMBER, MERTON, Caller, api, load_fixture, make_caller

USE = "mutation($input: SystemUseInput!) { upsertSystemUse(input: $input) { since hosting satisfaction users } }"
CONTRACT = (
    "mutation($input: ContractInput!) { upsertContract(input: $input) "
    "{ id valueGbp startDate endDate borough { code } systems { id } } }"
)
CHANGES = """query($since: DateTime, $borough: String) { changes(since: $since, borough: $borough) {
  id at principal role operation kind key boroughs before after } }"""


@pytest.fixture
async def call(db: Database, tmp_path: Path) -> AsyncIterator[Caller]:
    await load_fixture(db)
    async with make_caller(db, tmp_path, write_rate="10000/minute") as caller:
        yield caller


def ok(body: dict[str, Any]) -> dict[str, Any]:
    assert "errors" not in body, body["errors"]
    return body["data"]


def refused(body: dict[str, Any]) -> dict[str, Any]:
    [error] = body["errors"]
    return error


async def change_count(db: Database) -> int:
    [row] = await db.run_text("MATCH (c:Change) RETURN count(c) AS n")
    return int(row["n"])


async def test_a_repeated_write_changes_nothing(call: Caller, db: Database) -> None:
    use = {"boroughCode": MERTON, "systemId": "sys-fin", "since": "2023-04-01", "hosting": "CLOUD", "satisfaction": 3}
    contract = {
        "id": "c9",
        "title": "Ledger",
        "boroughCode": MERTON,
        "supplierId": "sup-a",
        "systemIds": ["sys-fin"],
        "valueGbp": 12.5,
        "startDate": "2024-01-01",
    }
    supplier = {"id": "sup-n", "name": "New Co", "sme": True}
    writes = [
        (USE, {"input": use}),
        (CONTRACT, {"input": contract}),
        ("mutation($input: SupplierInput!) { upsertSupplier(input: $input) { id } }", {"input": supplier}),
    ]
    for document, variables in writes:
        who = ADMIN if "Supplier" in document else EDITOR
        first = ok(await call(who, document, variables))
        checksum, changes = await graph_checksum(db), await change_count(db)
        assert ok(await call(who, document, variables)) == first
        # The same graph, updatedAt included: no duplicate, no new stamp, no new change-log entry.
        assert await graph_checksum(db) == checksum
        assert await change_count(db) == changes
    [row] = await db.run_text(
        "MATCH (:Borough {code: $m})-[u:USES]->(:System {id: 'sys-fin'}) RETURN count(u) AS n", {"m": MERTON}
    )
    assert row["n"] == 1


async def test_clear_blanks_optional_values(call: Caller, db: Database) -> None:
    first = ok(
        await call(
            EDITOR,
            USE,
            {"input": {"boroughCode": MERTON, "systemId": "sys-plan", "satisfaction": 4, "since": "2020-01-01"}},
        )
    )
    assert first["upsertSystemUse"]["satisfaction"] == 4
    # null keeps (as an empty cell in a bundle does); clear blanks.
    kept = ok(await call(EDITOR, USE, {"input": {"boroughCode": MERTON, "systemId": "sys-plan", "satisfaction": None}}))
    assert kept["upsertSystemUse"]["satisfaction"] == 4
    blanked = ok(
        await call(
            EDITOR, USE, {"input": {"boroughCode": MERTON, "systemId": "sys-plan", "clear": ["SATISFACTION", "USERS"]}}
        )
    )
    assert blanked["upsertSystemUse"] == {
        "since": "2020-01-01",
        "hosting": "UNKNOWN",
        "satisfaction": None,
        "users": None,
    }
    [row] = await db.run_text(
        "MATCH (:Borough {code: $m})-[u:USES]->(:System {id: 'sys-plan'}) RETURN u.satisfaction AS s, u.users AS n, u.since AS since",
        {"m": MERTON},
    )
    assert row["s"] is None and row["n"] is None and str(row["since"]) == "2020-01-01"

    both = refused(
        await call(
            EDITOR,
            USE,
            {"input": {"boroughCode": MERTON, "systemId": "sys-plan", "satisfaction": 2, "clear": ["SATISFACTION"]}},
        )
    )
    assert both["extensions"] == {"code": "BAD_USER_INPUT", "field": "clear"}
    assert "satisfaction" in both["message"]

    # A contract: its end date and the systems it covers blanked (c3: Merton's, covers sys-bram).
    contract = {
        "id": "c3",
        "title": "Forms platform",
        "boroughCode": MERTON,
        "supplierId": "sup-b",
        "clear": ["END_DATE", "SYSTEM_IDS"],
    }
    answer = ok(await call(EDITOR, CONTRACT, {"input": contract}))["upsertContract"]
    assert answer["endDate"] is None and answer["systems"] == [] and answer["startDate"] == "2023-05-01"
    [row] = await db.run_text(
        "MATCH (c:Contract {id: 'c3'}) RETURN c.endDate AS end, COUNT { (c)-[:COVERS]->() } AS covers"
    )
    assert row == {"end": None, "covers": 0}

    supplier = "mutation($input: SupplierInput!) { upsertSupplier(input: $input) { companyNumber } }"
    cleared = ok(
        await call(ADMIN, supplier, {"input": {"id": "sup-a", "name": "Acme Software", "clear": ["COMPANY_NUMBER"]}})
    )
    assert cleared["upsertSupplier"]["companyNumber"] is None


async def test_bad_input_names_the_field_as_the_bundle_would(call: Caller, db: Database) -> None:
    cases = [
        ({"boroughCode": MERTON, "systemId": "nope"}, "systemId", 'systemId: there is no system "nope"'),
        ({"boroughCode": MERTON, "systemId": "sys-fin", "users": -1}, "users", "users: must be 0 or more (got -1)"),
        ({"boroughCode": MERTON, "systemId": " "}, "systemId", "systemId: required value is empty"),
    ]
    for given, field, message in cases:
        error = refused(await call(EDITOR, USE, {"input": given}))
        assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": field}
        assert error["message"] == message
    # The bundle's rule between dates, on the contract as it would be stored (c1 starts 2021-04-01).
    moved_end = {
        "id": "c3",
        "title": "Forms platform",
        "boroughCode": MERTON,
        "supplierId": "sup-b",
        "endDate": "2023-01-01",
    }
    error = refused(await call(EDITOR, CONTRACT, {"input": moved_end}))
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "endDate"}
    assert error["message"] == "endDate: 2023-01-01 is before startDate 2023-05-01"
    [row] = await db.run_text("MATCH (c:Contract {id: 'c3'}) RETURN toString(c.endDate) AS end")
    assert row["end"] == "2027-04-30"


async def test_moving_a_contract_needs_both_boroughs(call: Caller, db: Database) -> None:
    grab = {"id": "c1", "title": "Planning system licence", "boroughCode": MERTON, "supplierId": "sup-a"}
    error = refused(await call(EDITOR, CONTRACT, {"input": grab}))
    assert error["extensions"]["code"] == "FORBIDDEN" and CAMDEN in error["message"]
    give = {"id": "c3", "title": "Forms platform", "boroughCode": CAMDEN, "supplierId": "sup-b"}
    assert refused(await call(EDITOR, CONTRACT, {"input": give}))["extensions"]["code"] == "FORBIDDEN"
    [row] = await db.run_text(
        "MATCH (b:Borough)-[:AWARDED]->(c:Contract) WHERE c.id IN ['c1', 'c3'] RETURN collect(b.code + ':' + c.id) AS a"
    )
    assert sorted(row["a"]) == [f"{CAMDEN}:c1", f"{MERTON}:c3"]

    moved = ok(await call(ADMIN, CONTRACT, {"input": give}))["upsertContract"]
    assert moved["borough"] == {"code": CAMDEN}
    [change] = ok(await call(ADMIN, CHANGES, {}))["changes"]
    assert change["boroughs"] == sorted([CAMDEN, MERTON])
    assert json.loads(change["before"]) == {"boroughCode": MERTON} and json.loads(change["after"]) == {
        "boroughCode": CAMDEN
    }


async def test_merge_suppliers_moves_every_relationship(call: Caller, db: Database) -> None:
    # Resell Ltd (sup-r) is an OCDS-style duplicate of Acme Software (sup-a): contracts c2, c5; and one
    # contract WITH both, which keeps a single WITH.
    await db.run_text(
        "MATCH (c:Contract {id: 'c1'}), (r:Supplier {id: 'sup-r'}) CREATE (c)-[:WITH {source: 'ocds'}]->(r)", write=True
    )
    merge = "mutation($k: ID!, $r: ID!) { mergeSuppliers(keep: $k, remove: $r) { id name contracts { totalCount } } }"
    answer = ok(await call(ADMIN, merge, {"k": "sup-a", "r": "sup-r"}))["mergeSuppliers"]
    assert answer == {"id": "sup-a", "name": "Acme Software", "contracts": {"totalCount": 4}}  # c1, c2, c4, c5
    [row] = await db.run_text(
        """MATCH (a:Supplier {id: 'sup-a'})
        RETURN a.mergedIds AS merged, a.aliases AS aliases, a.source AS source, a.companyNumber AS number,
               COUNT { (:Supplier {id: 'sup-r'}) } AS gone, COUNT { (:Contract {id: 'c1'})-[:WITH]->(a) } AS c1,
               [(c:Contract)-[:WITH]->(a) | c.id] AS contracts, [(c:Contract {id: 'c2'})-[w:WITH]->(a) | w.source] AS kept"""
    )
    assert row["merged"] == ["sup-r"] and row["aliases"] == ["Resell Ltd"] and row["source"] == "api:London admins"
    assert row["number"] == "01234567" and row["gone"] == 0 and row["c1"] == 1
    assert sorted(row["contracts"]) == ["c1", "c2", "c4", "c5"]
    assert row["kept"] == ["survey-2026"]  # a moved relationship keeps its own provenance (the contract's source)
    # Repeating the merge is no error and no change.
    changes = await change_count(db)
    assert ok(await call(ADMIN, merge, {"k": "sup-a", "r": "sup-r"}))["mergeSuppliers"]["id"] == "sup-a"
    assert await change_count(db) == changes
    error = refused(await call(ADMIN, merge, {"k": "sup-a", "r": "nobody"}))
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "remove"}


async def test_change_log_shows_each_write_with_its_author(call: Caller, db: Database) -> None:
    ok(await call(EDITOR, USE, {"input": {"boroughCode": MERTON, "systemId": "sys-fin", "satisfaction": 2}}))
    ok(await call(EDITOR, USE, {"input": {"boroughCode": MERTON, "systemId": "sys-fin", "satisfaction": 5}}))
    rating = (
        'mutation { setSkillRating(input: {boroughCode: "E09000007", skill: "Cyber security", level: 3}) { level } }'
    )
    ok(await call(ADMIN, rating, {}))
    ok(await call(EDITOR, 'mutation { removeSystemUse(borough: "E09000024", system: "sys-fin") { users } }', {}))

    log = ok(await call(ADMIN, CHANGES, {}))["changes"]
    assert [(c["operation"], c["principal"], c["role"], c["key"]) for c in log] == [
        ("upsertSystemUse", "Merton digital team", "editor", f"{MERTON}/sys-fin"),
        ("upsertSystemUse", "Merton digital team", "editor", f"{MERTON}/sys-fin"),
        ("setSkillRating", "London admins", "admin", f"{CAMDEN}/Cyber security"),
        ("removeSystemUse", "Merton digital team", "editor", f"{MERTON}/sys-fin"),
    ]
    made = {"boroughCode": MERTON, "systemId": "sys-fin", "hosting": "UNKNOWN", "satisfaction": 2}
    assert log[0]["before"] is None and json.loads(log[0]["after"]) == made  # a record made: all of it
    assert json.loads(log[1]["before"]) == {"satisfaction": 2} and json.loads(log[1]["after"]) == {"satisfaction": 5}
    assert log[3]["after"] is None and json.loads(log[3]["before"])["satisfaction"] == 5
    assert [c["operation"] for c in ok(await call(ADMIN, CHANGES, {"borough": CAMDEN}))["changes"]] == [
        "setSkillRating"
    ]
    assert len(ok(await call(ADMIN, CHANGES, {"since": log[2]["at"]}))["changes"]) == 2

    for who, code in ((ANONYMOUS, "UNAUTHENTICATED"), (MEMBER, "FORBIDDEN"), (EDITOR, "FORBIDDEN")):
        body = await call(who, CHANGES, {})
        assert body["data"] is None and refused(body)["extensions"]["code"] == code


async def test_change_log_exports_as_csv_for_admins_only(db: Database, tmp_path: Path) -> None:
    await load_fixture(db)
    async with api(db, tmp_path, "10000/minute") as (http, headers):
        write = {"query": USE, "variables": {"input": {"boroughCode": MERTON, "systemId": "sys-fin", "users": 7}}}
        assert (
            await http.post("/graphql", json=write, headers={"authorization": headers[EDITOR.name]})
        ).status_code == 200
        query = {"query": "{ changes { at principal operation key before after } }"}
        response = await http.post("/export.csv", json=query, headers={"authorization": headers[ADMIN.name]})
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
        [row] = list(csv.DictReader(io.StringIO(response.text.lstrip("\ufeff"))))
        assert row["principal"] == "Merton digital team" and row["operation"] == "upsertSystemUse"
        assert json.loads(row["after"]) == {
            "boroughCode": MERTON,
            "systemId": "sys-fin",
            "hosting": "UNKNOWN",
            "users": 7,
        }
        refused_export = await http.post("/export.csv", json=query, headers={"authorization": headers[EDITOR.name]})
        assert refused_export.status_code == 400 and "administrators" in refused_export.text


async def test_rate_limit_per_key(db: Database, tmp_path: Path) -> None:
    await load_fixture(db)
    async with api(db, tmp_path, "3/minute") as (http, headers):

        async def post(who: Principal, satisfaction: int) -> httpx.Response:
            variables = {"input": {"boroughCode": MERTON, "systemId": "sys-plan", "satisfaction": satisfaction}}
            return await http.post(
                "/graphql", json={"query": USE, "variables": variables}, headers={"authorization": headers[who.name]}
            )

        for level in (1, 2, 3):
            assert (await post(EDITOR, level)).status_code == 200
        version_before = await version.current(db)
        limited = await post(EDITOR, 5)
        assert limited.status_code == 429
        assert 1 <= int(limited.headers["retry-after"]) <= 60
        [error] = limited.json()["errors"]
        assert error["extensions"]["code"] == "RATE_LIMITED" and "3 per minute" not in error["message"]
        assert "CITYGRAPH_WRITE_RATE" in error["message"]
        [row] = await db.run_text(
            "MATCH (:Borough {code: $m})-[u:USES]->(:System {id: 'sys-plan'}) RETURN u.satisfaction AS s", {"m": MERTON}
        )
        assert row["s"] == 3 and await version.current(db) == version_before  # refused: nothing written
        assert (await post(ADMIN, 4)).status_code == 200  # another key has its own allowance
        # Reads are not limited.
        read = await http.post(
            "/graphql", json={"query": "{ boroughs { code } }"}, headers={"authorization": headers[EDITOR.name]}
        )
        assert read.status_code == 200 and "errors" not in read.json()


async def test_writes_only_over_post_with_json(db: Database, tmp_path: Path) -> None:
    await load_fixture(db)
    mutation = 'mutation { removeSystemUse(borough: "E09000024", system: "sys-plan") { users } }'
    async with api(db, tmp_path, "10000/minute") as (http, headers):
        auth = {"authorization": headers[EDITOR.name]}
        get = await http.get("/graphql", params={"query": mutation}, headers={**auth, "accept": "application/json"})
        assert get.status_code == 405 and get.headers["allow"] == "POST"
        for content_type, body in (
            ("application/x-www-form-urlencoded", f"query={mutation}"),
            ("text/plain", json.dumps({"query": mutation})),
            (
                "multipart/form-data; boundary=x",
                f'--x\r\nContent-Disposition: form-data; name="query"\r\n\r\n{mutation}\r\n--x--\r\n',
            ),
        ):
            response = await http.post("/graphql", content=body, headers={**auth, "content-type": content_type})
            assert response.status_code == 415, (content_type, response.text)
            assert "application/json" in response.json()["errors"][0]["message"]
        [row] = await db.run_text(
            "MATCH (:Borough {code: $m})-[u:USES]->(:System {id: 'sys-plan'}) RETURN count(u) AS n", {"m": MERTON}
        )
        assert row["n"] == 1  # still there
        done = await http.post("/graphql", json={"query": mutation}, headers=auth)
        assert done.status_code == 200 and done.json()["data"]["removeSystemUse"] == {"users": 50}
