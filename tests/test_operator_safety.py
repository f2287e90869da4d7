"""Operator safety (issue 15): `citygraph cypher` runs plain reads only, the embedded Neo4j's LOAD CSV reads
nothing, CITYGRAPH_HOME is private. Real Neo4j throughout: the session's, plus one fresh embedded instance."""

import http.server
import stat
import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from neo4j.exceptions import ClientError

from citygraph.graph.database import Connection, Database
from citygraph.graph.embedded import EmbeddedNeo4j, free_port
from tests.test_cli import cli  # noqa: F401  (the fixture running `citygraph` against the test Neo4j)


class _CountingHandler(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 (the http.server API)
        self.requests.append(self.path)
        body = b"secret,row\n"
        self.send_response(200)
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def loopback_csv() -> Iterator[tuple[str, list[str]]]:
    """A CSV served on 127.0.0.1 and the paths it was asked for: a LOAD CSV that fetched it would show."""
    _CountingHandler.requests = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _CountingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/data.csv", _CountingHandler.requests
    finally:
        server.shutdown()
        server.server_close()


def _one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.startswith("citygraph")]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


# --- citygraph cypher --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        ("CREATE (:Intruder)", "refused: the statement writes to the graph"),
        ("MATCH (b:Borough) SET b.name = 'x'", "refused: the statement writes to the graph"),
        ("TERMINATE TRANSACTIONS 'neo4j-transaction-1'", "refused: administration commands are not allowed"),
        ("SHOW USERS", "refused: administration commands are not allowed"),
        ("CREATE USER intruder SET PASSWORD 'abcdefgh1'", "refused: administration commands are not allowed"),
        ("CALL db.clearQueryCaches()", "refused: procedure db.clearQueryCaches is not allowed"),
        ("CALL dbms.listConfig() YIELD name RETURN name", "refused: procedure dbms.listConfig is not allowed"),
        ("SHOW TRANSACTIONS", "refused: SHOW TRANSACTIONS is not allowed"),
        ("SHOW SETTINGS YIELD name, value RETURN name, value", "refused: SHOW SETTINGS is not allowed"),
        ("SHOW PROCEDURES", "refused: SHOW PROCEDURES is not allowed"),
        ("CREATE INDEX intruder FOR (n:Intruder) ON (n.x)", "refused: the statement changes the schema"),
        ("USE system CALL db.labels()", "refused: the statement runs on database 'system'"),
        ("LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line", "refused: LOAD CSV is not allowed"),
        (
            "MATCH (b:Borough) RETURN b.name AS x UNION LOAD CSV FROM 'file:///etc/hostname' AS x RETURN x[0] AS x",
            "refused: LOAD CSV is not allowed",
        ),
    ],
)
async def test_cypher_refuses_what_is_not_a_plain_read(
    db: Database, cli, capsys: pytest.CaptureFixture[str], statement: str, expected: str
):
    assert await cli("cypher", statement) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert _one_line(err).startswith(f"citygraph cypher: {expected}")
    assert "Neo.ClientError" not in err  # Neo4j's raw AccessMode text is not what the operator sees
    assert await db.run_text("MATCH (n) RETURN count(n) AS n") == [{"n": 0}]
    assert await db.run_text("SHOW INDEXES YIELD name WHERE name = 'intruder' RETURN name") == []


async def test_cypher_load_csv_of_a_loopback_url_is_refused_before_anything_is_fetched(
    db: Database, cli, capsys: pytest.CaptureFixture[str], loopback_csv: tuple[str, list[str]]
):
    url, fetched = loopback_csv
    assert await cli("cypher", "LOAD CSV FROM $url AS line RETURN line", "--params", f'{{"url": "{url}"}}') == 1
    assert "refused: LOAD CSV is not allowed" in _one_line(capsys.readouterr().err)
    assert fetched == []


async def test_terminate_transactions_cannot_kill_a_running_write(db: Database, cli, capsys: pytest.CaptureFixture[str]):
    # The situation of the report: a load is writing while someone runs TERMINATE through the CLI.
    async with db.driver.session(database=db.connection.database) as session:
        tx = await session.begin_transaction()
        await tx.run("CREATE (:Probe {by: 'loader'})")
        ids = [row["id"] for row in await db.run_text("SHOW TRANSACTIONS YIELD transactionId AS id, currentQuery "
                                                      "WHERE currentQuery = '' OR currentQuery IS NULL RETURN id")]
        assert ids, "the open write transaction should be listed"
        statement = "TERMINATE TRANSACTIONS " + ", ".join(f"'{tid}'" for tid in ids)
        assert await cli("cypher", statement) == 1
        assert "refused: administration commands" in capsys.readouterr().err
        await tx.commit()  # would raise TransactionTerminated had the command run
    assert await db.run_text("MATCH (p:Probe {by: 'loader'}) RETURN count(p) AS n") == [{"n": 1}]


async def test_cypher_still_answers_reads_and_schema_questions(db: Database, cli, capsys: pytest.CaptureFixture[str]):
    await cli("seed")
    capsys.readouterr()
    assert await cli("cypher", "MATCH (b:Borough {code: $code}) RETURN b.name AS name", "--params", '{"code": "E09000007"}') == 0
    assert capsys.readouterr().out.splitlines() == ['{"name": "Camden"}']
    assert await cli("cypher", "CALL db.labels() YIELD label WHERE label = 'Borough' RETURN label") == 0
    assert capsys.readouterr().out.splitlines() == ['{"label": "Borough"}']
    assert await cli("cypher", "CALL db.relationshipTypes()") == 0
    assert '{"relationshipType": "MEMBER_OF"}' in capsys.readouterr().out.splitlines()
    assert await cli("cypher", "SHOW CONSTRAINTS YIELD name WHERE name = 'borough_code' RETURN name") == 0
    assert capsys.readouterr().out.splitlines() == ['{"name": "borough_code"}']


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ("{bad", "citygraph cypher: --params is not valid JSON: Expecting property name enclosed in double quotes"),
        ("[1]", "citygraph cypher: --params must be a JSON object such as"),
        ('"E09000007"', "citygraph cypher: --params must be a JSON object such as"),
        ("[" * 100_000, "citygraph cypher: --params is nested too deeply"),
    ],
)
async def test_cypher_bad_params_are_one_line(cli, capsys: pytest.CaptureFixture[str], params: str, expected: str):
    assert await cli("cypher", "RETURN $x AS x", "--params", params) == 1
    assert _one_line(capsys.readouterr().err).startswith(expected)


async def test_cypher_syntax_errors_are_one_line_at_the_operators_position(
    db: Database, cli, capsys: pytest.CaptureFixture[str]
):
    assert await cli("cypher", "MATCH (n) RETURN n LIMT 1") == 1
    line = _one_line(capsys.readouterr().err)
    assert line.startswith("citygraph cypher: Neo.ClientError.Statement.SyntaxError: Invalid input 'LIMT'")
    assert line.endswith("(line 1, column 20 (offset: 19))")  # as typed, without the EXPLAIN in front


# --- the embedded Neo4j itself -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def fresh_embedded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[EmbeddedNeo4j, str]]:
    """A second embedded Neo4j in a home that does not exist yet, started as `citygraph` starts it."""
    embedded = EmbeddedNeo4j(tmp_path_factory.mktemp("safety") / "home")
    uri = embedded.start(free_port())
    try:
        yield embedded, uri
    finally:
        embedded.stop()


@pytest.fixture
async def fresh_db(fresh_embedded: tuple[EmbeddedNeo4j, str]) -> AsyncIterator[Database]:
    embedded, uri = fresh_embedded
    db = Database(Connection(uri, "neo4j", embedded.password(), "neo4j"))
    yield db
    await db.close()


def test_citygraph_home_and_everything_in_it_are_private(fresh_embedded: tuple[EmbeddedNeo4j, str]):
    embedded, _ = fresh_embedded
    home = embedded.home
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    for name in ("neo4j.password", "neo4j.pid", "neo4j.port", "neo4j.log"):
        assert stat.S_IMODE((home / name).stat().st_mode) == 0o600, name
    paths = list((home / "neo4j").rglob("*"))
    assert any(path.name == "neo4j.log" or path.name == "debug.log" for path in paths)  # Neo4j's own logs
    assert any(path.parent.name == "neo4j" and path.name == "neostore" for path in paths)  # the store
    for path in paths:
        mode = stat.S_IMODE(path.lstat().st_mode)
        assert mode & 0o077 == 0, f"{path} is mode {oct(mode)}"


async def test_load_csv_sent_straight_to_neo4j_cannot_read_the_password_file(
    fresh_embedded: tuple[EmbeddedNeo4j, str], fresh_db: Database
):
    embedded, _ = fresh_embedded
    password_file = embedded.home / "neo4j.password"
    for url in (password_file.as_uri(), "file:///neo4j.password", "file:///../../neo4j.password"):
        with pytest.raises(ClientError, match="allow_csv_import_from_file_urls' is false"):
            await fresh_db.run_text("LOAD CSV FROM $url AS line RETURN line", {"url": url}, write=True)


async def test_load_csv_sent_straight_to_neo4j_fetches_no_url(
    fresh_db: Database, loopback_csv: tuple[str, list[str]]
):
    url, fetched = loopback_csv
    port = url.split(":")[2].split("/")[0]
    for target in (url, f"http://localhost:{port}/data.csv", f"http://[::1]:{port}/data.csv", "https://pypi.org/simple/"):
        with pytest.raises(ClientError, match="is blocked via the configuration property internal.dbms.cypher_ip_blocklist"):
            await fresh_db.run_text("LOAD CSV FROM $url AS line RETURN line", {"url": target}, write=True)
    assert fetched == []


def test_the_import_folder_is_empty(fresh_embedded: tuple[EmbeddedNeo4j, str]):
    embedded, _ = fresh_embedded
    import_dir = embedded.home / "neo4j" / "import"
    assert import_dir.is_dir() and list(import_dir.iterdir()) == []


def test_an_older_home_is_tightened(tmp_path: Path):
    # A home an earlier CityGraph made 0755 (it holds our password file) becomes 0700 at the next use.
    home = tmp_path / "old-home"
    home.mkdir(mode=0o755)
    home.chmod(0o755)
    (home / "neo4j.password").write_text("x" * 32)
    EmbeddedNeo4j(home)._make_home()
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    # Any other existing folder is left as its owner made it.
    other = tmp_path / "shared"
    other.mkdir()
    other.chmod(0o755)
    EmbeddedNeo4j(other).password()
    assert stat.S_IMODE(other.stat().st_mode) == 0o755
    assert stat.S_IMODE((other / "neo4j.password").stat().st_mode) == 0o600
