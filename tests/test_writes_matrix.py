"""The write API's matrix (issue 10): every mutation × {anonymous, member, editor of Merton on Merton's
record, the same editor on Camden's record, admin} × {valid, invalid input}, against the real Neo4j on the
entity fixture bundle (tests/fixtures/entities). Each case has its own ids (its tag), so cases share one
loaded graph; each asserts the response, the record read back with Cypher, the graph version and the
change log."""

import datetime as dt
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import pytest
import pytest_asyncio

from citygraph.auth.principal import ANONYMOUS, Principal, Role
from citygraph.graph import version
from citygraph.graph.database import Database
from tests.writes_support import ADMIN, CAMDEN, EDITOR, MEMBER, MERTON, Caller, load_fixture, make_caller


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def call(session_db: Database, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Caller]:
    await load_fixture(session_db)
    async with make_caller(session_db, tmp_path_factory.mktemp("home"), write_rate="10000/minute") as caller:
        yield caller
    await session_db.write("clear_graph")


Vars = Callable[[dict[str, str], bool], dict[str, Any]]


@dataclass(frozen=True)
class Op:
    name: str
    admin_only: bool
    setup: str  # Cypher run before the call, with the case's ids as parameters
    document: str
    variables: Vars  # (ids, valid) -> variables
    invalid_field: str
    probe: str  # Cypher returning one row {state}: the record as the graph holds it
    expected: Callable[[dict[str, str], str], Any]  # (ids, source) -> state after a successful write
    answer: Callable[[dict[str, str], str], Any]  # (ids, source) -> the mutation's answer


SYSTEM = """MATCH (a:ServiceArea {name: 'Planning'}), (m:Supplier {id: 'sup-a'})
CREATE (s:System {id: $sys, name: $sys, source: 'test'})-[:MADE_BY]->(m), (s)-[:IN_AREA]->(a)"""
CONTRACT = """MATCH (b:Borough {code: $borough}), (x:Supplier {id: 'sup-a'}), (s:System {id: 'sys-plan'})
CREATE (b)-[:AWARDED]->(c:Contract {id: $con, title: 'T', valueGbp: 1000.0, startDate: date('2024-01-01'),
        endDate: date('2026-12-31'), source: 'test'})-[:WITH]->(x), (c)-[:COVERS]->(s)"""
RATING = """MATCH (b:Borough {code: $borough})
CREATE (b)-[:HAS_SKILL {level: 2, source: 'test'}]->(:Skill {name: $skill, category: 'Data', source: 'test'})"""
USES = f"""{SYSTEM}
WITH s MATCH (b:Borough {{code: $borough}}) CREATE (b)-[:USES {{hosting: 'SAAS', satisfaction: 3, source: 'test'}}]->(s)"""
USE_PROBE = """OPTIONAL MATCH (:Borough {code: $borough})-[u:USES]->(:System {id: $sys})
RETURN u {.since, .hosting, .satisfaction, .users, .source} AS state"""
CONTRACT_PROBE = """OPTIONAL MATCH (c:Contract {id: $con})
RETURN c {.title, .valueGbp, .startDate, .endDate, .source, borough: [(b)-[:AWARDED]->(c) | b.code],
          supplier: [(c)-[:WITH]->(x) | x.id], systems: [(c)-[:COVERS]->(s) | s.id]} AS state"""
RATING_PROBE = """OPTIONAL MATCH (:Borough {code: $borough})-[h:HAS_SKILL]->(k:Skill {name: $skill})
RETURN h {.level, .source, category: k.category} AS state"""

OPS = [
    Op(
        "upsertSystemUse",
        False,
        SYSTEM,
        "mutation($input: SystemUseInput!) { upsertSystemUse(input: $input) "
        "{ since hosting satisfaction users borough { code } system { id } provenance { source } } }",
        lambda ids, ok: {
            "input": {
                "boroughCode": ids["borough"],
                "systemId": ids["sys"],
                "since": "2024-02-01",
                "hosting": "CLOUD",
                "satisfaction": 4 if ok else 7,
                "users": 25,
            }
        },
        "satisfaction",
        USE_PROBE,
        lambda ids, src: {
            "since": dt.date(2024, 2, 1),
            "hosting": "CLOUD",
            "satisfaction": 4,
            "users": 25,
            "source": src,
        },
        lambda ids, src: {
            "since": "2024-02-01",
            "hosting": "CLOUD",
            "satisfaction": 4,
            "users": 25,
            "borough": {"code": ids["borough"]},
            "system": {"id": ids["sys"]},
            "provenance": {"source": src},
        },
    ),
    Op(
        "removeSystemUse",
        False,
        USES,
        "mutation($b: ID!, $s: ID!) { removeSystemUse(borough: $b, system: $s) { hosting satisfaction system { id } } }",
        lambda ids, ok: {"b": ids["borough"] if ok else " ", "s": ids["sys"]},
        "borough",
        USE_PROBE,
        lambda ids, src: None,
        lambda ids, src: {"hosting": "SAAS", "satisfaction": 3, "system": {"id": ids["sys"]}},
    ),
    Op(
        "upsertContract",
        False,
        CONTRACT,
        "mutation($input: ContractInput!) { upsertContract(input: $input) "
        "{ id title valueGbp startDate endDate source borough { code } supplier { id } systems { id } } }",
        lambda ids, ok: {
            "input": {
                "id": ids["con"],
                "title": "Renewed",
                "boroughCode": ids["borough"],
                "supplierId": "sup-b",
                "valueGbp": 2500.5 if ok else -5,
                "endDate": "2027-03-31",
            }
        },
        "valueGbp",
        CONTRACT_PROBE,
        lambda ids, src: {
            "title": "Renewed",
            "valueGbp": 2500.5,
            "startDate": dt.date(2024, 1, 1),
            "endDate": dt.date(2027, 3, 31),
            "source": src,
            "borough": [ids["borough"]],
            "supplier": ["sup-b"],
            "systems": ["sys-plan"],
        },
        lambda ids, src: {
            "id": ids["con"],
            "title": "Renewed",
            "valueGbp": 2500.5,
            "startDate": "2024-01-01",
            "endDate": "2027-03-31",
            "source": src,
            "borough": {"code": ids["borough"]},
            "supplier": {"id": "sup-b"},
            "systems": [{"id": "sys-plan"}],
        },
    ),
    Op(
        "removeContract",
        False,
        CONTRACT,
        "mutation($id: ID!) { removeContract(id: $id) { id title valueGbp borough { code } } }",
        lambda ids, ok: {"id": ids["con"] if ok else ""},
        "id",
        CONTRACT_PROBE,
        lambda ids, src: None,
        lambda ids, src: {"id": ids["con"], "title": "T", "valueGbp": 1000.0, "borough": {"code": ids["borough"]}},
    ),
    Op(
        "setSkillRating",
        False,
        RATING,
        "mutation($input: SkillRatingInput!) { setSkillRating(input: $input) "
        "{ level borough { code } skill { name category } } }",
        lambda ids, ok: {"input": {"boroughCode": ids["borough"], "skill": ids["skill"], "level": 5 if ok else 0}},
        "level",
        RATING_PROBE,
        lambda ids, src: {"level": 5, "source": src, "category": "Data"},
        lambda ids, src: {
            "level": 5,
            "borough": {"code": ids["borough"]},
            "skill": {"name": ids["skill"], "category": "Data"},
        },
    ),
    Op(
        "removeSkillRating",
        False,
        RATING,
        "mutation($b: ID!, $k: String!) { removeSkillRating(borough: $b, skill: $k) { level skill { name } } }",
        lambda ids, ok: {"b": ids["borough"], "k": ids["skill"] if ok else ""},
        "skill",
        RATING_PROBE,
        lambda ids, src: None,
        lambda ids, src: {"level": 2, "skill": {"name": ids["skill"]}},
    ),
    Op(
        "upsertSupplier",
        True,
        "RETURN 1",
        "mutation($input: SupplierInput!) { upsertSupplier(input: $input) { id name sme companyNumber } }",
        lambda ids, ok: {
            "input": {
                "id": ids["sup"],
                "name": f"Supplier {ids['tag']}" if ok else "  ",
                "sme": True,
                "companyNumber": "0987",
            }
        },
        "name",
        "OPTIONAL MATCH (n:Supplier {id: $sup}) RETURN n {.name, .sme, .companyNumber, .source} AS state",
        lambda ids, src: {"name": f"Supplier {ids['tag']}", "sme": True, "companyNumber": "0987", "source": src},
        lambda ids, src: {"id": ids["sup"], "name": f"Supplier {ids['tag']}", "sme": True, "companyNumber": "0987"},
    ),
    Op(
        "upsertSystem",
        True,
        "RETURN 1",
        "mutation($input: SystemInput!) { upsertSystem(input: $input) { id name serviceArea { name } manufacturer { id } } }",
        lambda ids, ok: {
            "input": {
                "id": ids["sys"],
                "name": "New system",
                "serviceArea": "Finance",
                "manufacturerId": "sup-b" if ok else "nobody",
            }
        },
        "manufacturerId",
        """OPTIONAL MATCH (n:System {id: $sys})
        RETURN n {.name, .source, area: [(n)-[:IN_AREA]->(a) | a.name], maker: [(n)-[:MADE_BY]->(m) | m.id]} AS state""",
        lambda ids, src: {"name": "New system", "source": src, "area": ["Finance"], "maker": ["sup-b"]},
        lambda ids, src: {
            "id": ids["sys"],
            "name": "New system",
            "serviceArea": {"name": "Finance"},
            "manufacturer": {"id": "sup-b"},
        },
    ),
    Op(
        "upsertServiceArea",
        True,
        "RETURN 1",
        "mutation($input: ServiceAreaInput!) { upsertServiceArea(input: $input) { name kind } }",
        lambda ids, ok: {"input": {"name": ids["area"] if ok else "x" * 1001, "kind": "CORPORATE"}},
        "name",
        "OPTIONAL MATCH (n:ServiceArea) WHERE n.name IN [$area, $long] RETURN n {.name, .kind, .source} AS state",
        lambda ids, src: {"name": ids["area"], "kind": "CORPORATE", "source": src},
        lambda ids, src: {"name": ids["area"], "kind": "CORPORATE"},
    ),
    Op(
        "mergeSuppliers",
        True,
        """MATCH (a:ServiceArea {name: 'Planning'}), (b:Borough {code: $borough})
        CREATE (k:Supplier {id: $keep, name: 'Keep ' + $tag, sme: false, source: 'test'}),
               (g:Supplier {id: $gone, name: 'Gone ' + $tag, sme: true, companyNumber: '555', source: 'ocds'}),
               (s:System {id: $sys, name: $sys, source: 'test'})-[:MADE_BY {source: 'test'}]->(g), (s)-[:IN_AREA]->(a),
               (b)-[:AWARDED]->(c:Contract {id: $con, title: 'T', source: 'ocds'})-[:WITH {source: 'ocds'}]->(g)""",
        "mutation($k: ID!, $r: ID!) { mergeSuppliers(keep: $k, remove: $r) { id name companyNumber systems { id } } }",
        lambda ids, ok: {"k": ids["keep"], "r": ids["gone"] if ok else ids["keep"]},
        "remove",
        """OPTIONAL MATCH (k:Supplier {id: $keep}) OPTIONAL MATCH (g:Supplier {id: $gone})
        RETURN {keep: k {.name, .sme, .companyNumber, .mergedIds, .aliases, .source}, gone: g IS NOT NULL,
                made: [(:System {id: $sys})-[:MADE_BY]->(m) | m.id], with: [(:Contract {id: $con})-[:WITH]->(x) | x.id]} AS state""",
        lambda ids, src: {
            "keep": {
                "name": f"Keep {ids['tag']}",
                "sme": False,
                "companyNumber": "555",
                "mergedIds": [ids["gone"]],
                "aliases": [f"Gone {ids['tag']}"],
                "source": src,
            },
            "gone": False,
            "made": [ids["keep"]],
            "with": [ids["keep"]],
        },
        lambda ids, src: {
            "id": ids["keep"],
            "name": f"Keep {ids['tag']}",
            "companyNumber": "555",
            "systems": [{"id": ids["sys"]}],
        },
    ),
]

ROLES: dict[str, tuple[Principal, str]] = {
    "anonymous": (ANONYMOUS, MERTON),
    "member": (MEMBER, MERTON),
    "editor-own": (EDITOR, MERTON),
    "editor-other": (EDITOR, CAMDEN),  # Merton's editor on Camden's record
    "admin": (ADMIN, MERTON),
}


def expected_code(op: Op, role: str, valid: bool) -> str | None:
    """None: the write is made. Who may write at all is checked first, then the input, then the borough."""
    who = ROLES[role][0]
    if who.role is Role.ANONYMOUS:
        return "UNAUTHENTICATED"
    if who.role is Role.MEMBER or (op.admin_only and not who.is_admin):
        return "FORBIDDEN"
    if not valid:
        return "BAD_USER_INPUT"
    return "FORBIDDEN" if role == "editor-other" else None


CASES = [(op, role, valid) for op in OPS for role in ROLES for valid in (True, False)]


@pytest.mark.parametrize(
    ("op", "role", "valid"),
    CASES,
    ids=[f"{op.name}-{role}-{'valid' if valid else 'invalid'}" for op, role, valid in CASES],
)
async def test_mutation(call: Caller, session_db: Database, op: Op, role: str, valid: bool) -> None:
    who, borough = ROLES[role]
    tag = f"{op.name}-{role}-{valid}"
    ids = {
        "tag": tag,
        "borough": borough,
        "sys": f"sys-{tag}",
        "con": f"con-{tag}",
        "skill": f"Skill {tag}",
        "sup": f"sup-{tag}",
        "keep": f"keep-{tag}",
        "gone": f"gone-{tag}",
        "area": f"Area {tag}",
        "long": "x" * 1001,
    }
    await session_db.run_text(op.setup, ids, write=True)
    [before] = await session_db.run_text(op.probe, ids)
    version_before = await version.current(session_db)
    log_before = await log_size(session_db)

    body = await call(who, op.document, op.variables(ids, valid))

    [after] = await session_db.run_text(op.probe, ids)
    code = expected_code(op, role, valid)
    if code is None:
        assert "errors" not in body, body
        assert body["data"][op.name] == op.answer(ids, who.source)
        assert after["state"] == op.expected(ids, who.source)
        assert await version.current(session_db) == version_before + 1
        [entry] = await session_db.run_text(
            "MATCH (c:Change) WHERE c.operation = $op AND c.key CONTAINS $tag "
            "RETURN c {.principal, .role, .operation} AS c",
            {"op": op.name, "tag": tag},
        )
        assert entry["c"] == {"principal": who.name, "role": who.role.value, "operation": op.name}
        assert await log_size(session_db) == log_before + 1
    else:
        [error] = body["errors"]
        assert body["data"] is None or body["data"].get(op.name) is None, body
        assert error["extensions"]["code"] == code, error
        if code == "BAD_USER_INPUT":
            assert error["extensions"]["field"] == op.invalid_field
            assert error["message"].startswith(f"{op.invalid_field}: "), error["message"]
        assert after == before  # nothing written
        assert await version.current(session_db) == version_before
        assert await log_size(session_db) == log_before


async def log_size(db: Database) -> int:
    [row] = await db.run_text("MATCH (c:Change) RETURN count(c) AS n")
    return int(row["n"])
