"""The queries of the CityGraph / Neo4j GraphQL Library comparison (issue 9) and what every side needs to ask
them: CityGraph's document, the peer's document (bench/peer/server.mjs), one hand-written Cypher statement,
and how each answer maps onto CityGraph's response shape so that the three can be compared.

Used by bench/compare.py (the benchmark) and tests/test_peer_compare.py (the same answers, checked).
"""

import datetime as dt
import os
import select
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PEER_DIR = ROOT / "bench" / "peer"

Data = dict[str, Any]
Rows = list[dict[str, Any]]

MERTON = "E09000024"
# Merton and the other members of the South London Partnership.
SOUTH_LONDON = [MERTON, "E09000008", "E09000021", "E09000027", "E09000029"]
# A window of Merton's contract end dates wider than one page of 10 in the London demo (seed 7).
WINDOW = (dt.date(2027, 1, 1), dt.date(2031, 12, 31))

# The peer orders every list as CityGraph's contract does: by name, then key.
BY_NAME_ID = "[{name: ASC}, {id: ASC}]"
BY_NAME_CODE = "[{name: ASC}, {code: ASC}]"


@dataclass(frozen=True)
class Query:
    """One comparison query. `peer` is None when the peer has no equivalent."""

    name: str
    label: str
    citygraph: str
    peer: str | None
    cypher: str
    variables: dict[str, Any] = field(default_factory=dict)
    # The peer's `data` in CityGraph's shape (lists the peer must return where CityGraph has one object).
    from_peer: Callable[[Data], Data] = lambda data: data
    # The raw statement's records (as dicts) in CityGraph's shape.
    from_raw: Callable[[Rows], Data] = lambda rows: rows[0]
    # Cypher parameters: dates as dates, not strings.
    cypher_params: dict[str, Any] = field(default_factory=dict)


def _head(items: list[Any]) -> Any:
    return items[0] if items else None


def _lead_supplier(contract: dict[str, Any]) -> dict[str, Any]:
    """The peer lists a contract's suppliers (sorted by id, limit 1); CityGraph's `supplier` is that first one."""
    return {**contract, "supplier": _head(contract["supplier"])}


def _peer_q3(data: Data) -> Data:
    borough = _head(data["borough"])
    contracts = borough["contracts"]
    edges = [{"node": _lead_supplier(edge["node"])} for edge in contracts["edges"]]
    return {"borough": {"contracts": {**contracts, "edges": edges}}}


def _raw_q3(rows: Rows) -> Data:
    [row] = rows
    return {
        "borough": {
            "contracts": {
                "totalCount": row["totalCount"],
                "pageInfo": {"hasNextPage": row["hasNextPage"]},
                "edges": [{"node": node} for node in row["nodes"]],
            }
        }
    }


def _raw_shared(rows: Rows) -> Data:
    [row] = rows
    return {"sharedSystems": [{**item, "boroughCount": len(item["boroughs"])} for item in row["items"]]}


def _raw_concentration(rows: Rows) -> Data:
    [row] = rows
    return {"supplierConcentration": {**row, "measure": "CONTRACT_VALUE"}}


QUERIES: list[Query] = [
    Query(
        "Q1",
        "`boroughs { name systems { name manufacturer { name } } }`",
        "{ boroughs { name systems { name manufacturer { name } } } }",
        f"{{ boroughs(sort: {BY_NAME_CODE}) {{ name systems(sort: {BY_NAME_ID}) {{ name manufacturer {{ name }} }} }} }}",
        """
        MATCH (b:Borough)
        RETURN b.name AS name,
               COLLECT { MATCH (b)-[:USES]->(s:System) WITH s ORDER BY s.name, s.id
                         RETURN s {.name, manufacturer: head([(s)-[:MADE_BY]->(m) | m {.name}])} } AS systems
        ORDER BY b.name, b.code
        """,
        from_raw=lambda rows: {"boroughs": rows},
    ),
    Query(
        "Q2",
        "one borough → systems → manufacturer",
        "query($code: ID!) { borough(code: $code) { code name systems { id name manufacturer { id name } } } }",
        "query($code: ID!) { borough: boroughs(where: {code: {eq: $code}}) { code name "
        f"systems(sort: {BY_NAME_ID}) {{ id name manufacturer {{ id name }} }} }} }}",
        """
        MATCH (b:Borough {code: $code})
        RETURN b {.code, .name,
                  systems: COLLECT { MATCH (b)-[:USES]->(s:System) WITH s ORDER BY s.name, s.id
                                     RETURN s {.id, .name, manufacturer: head([(s)-[:MADE_BY]->(m) | m {.id, .name}])} }
                 } AS borough
        """,
        {"code": MERTON},
        from_peer=lambda data: {"borough": _head(data["borough"])},
        cypher_params={"code": MERTON},
    ),
    Query(
        "Q3",
        "a borough's contracts by end-date window, first 10, totalCount, pageInfo, supplier name",
        "query($code: ID!, $from: Date, $to: Date) { borough(code: $code) { "
        "contracts(where: {endDateFrom: $from, endDateTo: $to}, first: 10) { totalCount pageInfo { hasNextPage } "
        "edges { node { id title endDate valueGbp supplier { name } } } } } }",
        "query($code: ID!, $from: Date, $to: Date) { borough: boroughs(where: {code: {eq: $code}}) { "
        "contracts: contractsConnection(where: {node: {endDate: {gte: $from, lte: $to}}}, first: 10, "
        "sort: [{node: {endDate: ASC}}, {node: {id: ASC}}]) { totalCount pageInfo { hasNextPage } "
        "edges { node { id title endDate valueGbp supplier: suppliers(sort: [{id: ASC}], limit: 1) { name } } } } } }",
        """
        MATCH (b:Borough {code: $code})
        WITH COLLECT { MATCH (b)-[:AWARDED]->(c:Contract) WHERE c.endDate >= $from AND c.endDate <= $to
                       RETURN c ORDER BY c.endDate, c.id } AS contracts
        RETURN size(contracts) AS totalCount, size(contracts) > $first AS hasNextPage,
               [c IN contracts[..$first] | c {.id, .title, .endDate, .valueGbp,
                 supplier: head(COLLECT { MATCH (c)-[:WITH]->(x:Supplier) WITH x ORDER BY x.id LIMIT 1
                                          RETURN x {.name} })}] AS nodes
        """,
        {"code": MERTON, "from": WINDOW[0].isoformat(), "to": WINDOW[1].isoformat()},
        from_peer=_peer_q3,
        from_raw=_raw_q3,
        cypher_params={"code": MERTON, "from": WINDOW[0], "to": WINDOW[1], "first": 10},
    ),
    Query(
        "Q4",
        'suppliers whose name contains "Solutions" → systems\' names',
        "query($text: String) { suppliers(where: {nameContains: $text}, first: 50) { "
        "edges { node { name systems { name } } } } }",
        "query($text: String) { suppliers: suppliersConnection(where: {name: {caseInsensitive: {contains: $text}}}, "
        f"first: 50, sort: {BY_NAME_ID}) {{ edges {{ node {{ name systems(sort: {BY_NAME_ID}) {{ name }} }} }} }} }}",
        """
        MATCH (x:Supplier) WHERE toLower(x.name) CONTAINS toLower($text)
        WITH x ORDER BY x.name, x.id LIMIT 50
        RETURN x.name AS name,
               COLLECT { MATCH (x)<-[:MADE_BY]-(s:System) WITH s ORDER BY s.name, s.id RETURN s {.name} } AS systems
        """,
        {"text": "Solutions"},
        from_raw=lambda rows: {"suppliers": {"edges": [{"node": row} for row in rows]}},
        cypher_params={"text": "Solutions"},
    ),
    Query(
        "Q5",
        "`boroughs { systems { boroughs { name } } }`",
        "{ boroughs { systems { boroughs { name } } } }",
        f"{{ boroughs(sort: {BY_NAME_CODE}) {{ systems(sort: {BY_NAME_ID}) {{ boroughs(sort: {BY_NAME_CODE}) "
        "{ name } } } }",
        """
        MATCH (b:Borough)
        RETURN COLLECT { MATCH (b)-[:USES]->(s:System) WITH s ORDER BY s.name, s.id
                         RETURN {boroughs: COLLECT { MATCH (s)<-[:USES]-(o:Borough) WITH o ORDER BY o.name, o.code
                                                     RETURN o {.name} }} } AS systems
        ORDER BY b.name, b.code
        """,
        from_raw=lambda rows: {"boroughs": rows},
    ),
    Query(
        "A1",
        "sharedSystems: Merton and the South London Partnership, minBoroughs 2",
        "query($codes: [ID!]!) { sharedSystems(boroughCodes: $codes, minBoroughs: 2) { boroughCount "
        "system { id name manufacturer { name } } boroughs { code name } } }",
        "query($codes: [ID!]!) { sharedSystems(boroughCodes: $codes, minBoroughs: 2) { boroughCount "
        "system { id name manufacturer { name } } boroughs { code name } } }",
        # CityGraph's analytics_shared_systems, reduced to the fields asked for.
        """
        UNWIND $codes AS code
        MATCH (b:Borough {code: code})-[:USES]->(s:System)
        WITH s, b ORDER BY b.name, b.code
        WITH s, collect(b {.code, .name}) AS boroughs
        WHERE size(boroughs) >= $minBoroughs
        ORDER BY size(boroughs) DESC, s.name, s.id
        RETURN collect({system: s {.id, .name, manufacturer: head([(s)-[:MADE_BY]->(m) | m {.name}])},
                        boroughs: boroughs}) AS items
        """,
        {"codes": SOUTH_LONDON},
        from_raw=_raw_shared,
        cypher_params={"codes": SOUTH_LONDON, "minBoroughs": 2},
    ),
    Query(
        "A2",
        "supplierConcentration by contract value, top 10",
        "{ supplierConcentration(measure: CONTRACT_VALUE, top: 10) { measure total supplierCount topShare hhi "
        "smeShare suppliers { supplier { id name sme } contractCount valueGbp share } } }",
        "{ supplierConcentration(measure: CONTRACT_VALUE, top: 10) { measure total supplierCount topShare hhi "
        "smeShare suppliers { supplier { id name sme } contractCount valueGbp share } } }",
        # CityGraph's analytics_supplier_concentration without the unknown-service-area branch.
        """
        MATCH (:Borough)-[:AWARDED]->(c:Contract)-[:WITH]->(x:Supplier)
        WHERE NOT EXISTS { (c)-[:WITH]->(y:Supplier) WHERE y.id < x.id }
        WITH x, count(DISTINCT c) AS contractCount, toFloat(coalesce(sum(c.valueGbp), 0)) AS valueGbp
        WITH collect({supplier: x {.id, .name, .sme}, contractCount: contractCount, valueGbp: valueGbp}) AS rows,
             sum(valueGbp) AS total
        WITH total, COLLECT {
               UNWIND rows AS row
               WITH row, CASE WHEN total > 0 THEN row.valueGbp / total ELSE 0.0 END AS share
               ORDER BY share DESC, row.supplier.name, row.supplier.id
               RETURN {supplier: row.supplier, contractCount: row.contractCount, valueGbp: row.valueGbp, share: share}
             } AS shares
        RETURN toFloat(total) AS total, size(shares) AS supplierCount,
               reduce(s = 0.0, item IN shares[..$top] | s + item.share) AS topShare,
               reduce(s = 0.0, item IN shares | s + (item.share * 100) ^ 2) AS hhi,
               reduce(s = 0.0, item IN shares | s + CASE WHEN item.supplier.sme THEN item.share ELSE 0.0 END)
                 AS smeShare,
               shares[..$top] AS suppliers
        """,
        from_raw=_raw_concentration,
        cypher_params={"top": 10},
    ),
]


def jsonable(value: Any) -> Any:
    """Neo4j dates (and any other non-JSON value) as their ISO text, as the GraphQL servers send them."""
    if isinstance(value, dict):
        return {key: jsonable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [jsonable(item) for item in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def differences(expected: Any, actual: Any, path: str = "data", limit: int = 10) -> list[str]:
    """Where two answers differ (key order ignored, list order not): the first `limit` differences."""
    found: list[str] = []

    def walk(a: Any, b: Any, at: str) -> None:
        if len(found) >= limit:
            return
        if isinstance(a, dict) and isinstance(b, dict):
            for key in sorted(set(a) | set(b)):
                if key not in b:
                    found.append(f"{at}.{key}: missing on the right (left has {a[key]!r:.80})")
                elif key not in a:
                    found.append(f"{at}.{key}: missing on the left (right has {b[key]!r:.80})")
                else:
                    walk(a[key], b[key], f"{at}.{key}")
        elif isinstance(a, list) and isinstance(b, list):
            if len(a) != len(b):
                found.append(f"{at}: {len(a)} items on the left, {len(b)} on the right")
            for index, (x, y) in enumerate(zip(a, b)):
                walk(x, y, f"{at}[{index}]")
        elif a != b or type(a) is not type(b) and not (isinstance(a, (int, float)) and isinstance(b, (int, float))):
            found.append(f"{at}: {a!r:.80} on the left, {b!r:.80} on the right")

    walk(expected, actual, path)
    return found


# -- the peer's process ------------------------------------------------------------------------------------

PEER_START_TIMEOUT_S = 120.0


class PeerError(RuntimeError):
    """The peer could not be started: the message says why (Node missing, not installed, its own error)."""


def start_peer(uri: str, user: str, password: str, database: str, port: int, log: Path) -> subprocess.Popen[str]:
    """Starts bench/peer/server.mjs and returns once it listens; its stderr goes to `log`. Credentials go
    through the environment, not the command line, so they do not show in `ps`."""
    node = shutil.which("node")
    if node is None:
        raise PeerError("node is not on PATH: the peer needs Node 20+ (see bench/peer/package.json)")
    if not (PEER_DIR / "node_modules" / "@neo4j" / "graphql").is_dir():
        raise PeerError(f"{PEER_DIR}/node_modules is missing: run `make install` (npm ci in bench/peer)")
    env = dict(
        os.environ, NEO4J_URI=uri, NEO4J_USER=user, NEO4J_PASSWORD=password, NEO4J_DATABASE=database,
        NODE_ENV="production",
    )
    with log.open("w") as errors:
        process = subprocess.Popen(
            [node, str(PEER_DIR / "server.mjs"), "--port", str(port)],
            env=env, stdout=subprocess.PIPE, stderr=errors, text=True,
        )
    assert process.stdout is not None
    # The server prints exactly one line once it listens, or exits with its error on stderr.
    ready, _, _ = select.select([process.stdout], [], [], PEER_START_TIMEOUT_S)
    line = process.stdout.readline() if ready else ""
    if "peer listening" not in line:
        stop(process)
        reason = line.strip() or log.read_text().strip()[-2000:] or f"no answer in {PEER_START_TIMEOUT_S:.0f} s"
        raise PeerError(f"the peer did not start: {reason}")
    return process


def stop(process: subprocess.Popen[Any] | None) -> None:
    """Stops a server this module started (SIGTERM, then SIGKILL after 10 s)."""
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
