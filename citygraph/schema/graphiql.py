"""The GraphiQL page at GET /graphql (browsers), working with no internet.

Strawberry's own page loads React, GraphiQL and the explorer plugin from a public host on the internet. This
one loads a bundle built from the npm packages (web/build.mjs, `make graphiql`) and shipped in the package
under static/graphiql/, served by the app at /graphiql-static/. The saved example operations in examples/
(docs/examples links there) are embedded in the page: on a first visit they open
as tabs, and `/graphql?example=NAME` opens (or switches to) the tab of one of them.
`/graphql?document=QUERY&variables=JSON` opens a given operation the same way (the dashboard's "open in
GraphiQL" links; `?query=` would run it instead, as GraphQL over HTTP GET requires).
"""

import functools
import hashlib
import html
import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path

STATIC_DIR = Path(__file__).parent / "static" / "graphiql"
EXAMPLES_DIR = Path(__file__).parent / "examples"  # docs/examples links here
STATIC_PATH = "/graphiql-static"

# Everything the page needs is on this origin; the policy makes the browser refuse anything else.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; frame-ancestors 'self'; base-uri 'none'; form-action 'self'"
)


@dataclass(frozen=True)
class Example:
    name: str  # the file name without .graphql, as used by ?example=NAME
    title: str  # the first comment line
    description: str  # the following comment lines, up to the first non-comment line
    query: str  # the whole file, comments included
    variables: str | None  # the JSON of a "# variables: {...}" comment line, pretty-printed


_VARIABLES = re.compile(r"^#\s*variables\s*:\s*(.*)$", re.IGNORECASE)


def parse_example(name: str, text: str) -> Example:
    title, description, variables = "", [], None
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith("#"):
            break
        match = _VARIABLES.match(stripped)
        if match:
            variables = json.dumps(json.loads(match.group(1)), indent=2)
            continue
        comment = stripped.lstrip("#").strip()
        if not title:
            title = comment
        elif comment:
            description.append(comment)
    return Example(name, title or name, " ".join(description), text, variables)


@functools.cache
def load_examples(directory: Path = EXAMPLES_DIR) -> tuple[Example, ...]:
    if not directory.is_dir():
        return ()
    return tuple(
        parse_example(path.stem, path.read_text(encoding="utf-8")) for path in sorted(directory.glob("*.graphql"))
    )


@functools.cache
def asset_version(name: str) -> str:
    """Short content hash, for cache busting: /graphiql-static/graphiql.js?v=…"""
    path = STATIC_DIR / name
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: run `make graphiql` to build the GraphiQL bundle")
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def _json_for_script(value: object) -> str:
    # Inside <script type="application/json">, only "</" could end the element early.
    return json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


LINKED = "linked-operation"  # the name of the operation given by ?document=
MAX_LINKED_CHARS = 20_000


def linked_example(document: str, variables: str | None) -> Example | None:
    """The operation of a ?document=&variables= link, as an example GraphiQL opens; None when it is too long."""
    if not document.strip() or len(document) + len(variables or "") > MAX_LINKED_CHARS:
        return None
    try:
        pretty = json.dumps(json.loads(variables), indent=2) if variables else None
    except ValueError:
        pretty = variables  # shown as given: GraphiQL's variables editor reports the JSON error
    return Example(LINKED, "Opened from a link", "", document, pretty)


def render_page(
    endpoint: str, example: str | None = None, document: str | None = None, variables: str | None = None
) -> str:
    """The page for GET `endpoint`; its assets are linked relative to it, so the app can sit under a prefix."""
    examples = load_examples()
    linked = linked_example(document, variables) if document else None
    if linked is not None:
        examples, example = (linked, *examples), LINKED
    config = {
        "endpoint": endpoint,
        "example": example if any(e.name == example for e in examples) else None,
        "examples": [asdict(e) for e in examples],
    }
    static = html.escape(STATIC_PATH.lstrip("/"))  # relative: /graphql → /graphiql-static/…
    return f"""<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>CityGraph GraphiQL</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="{static}/graphiql.css?v={asset_version("graphiql.css")}" />
  </head>
  <body>
    <div id="graphiql">Loading GraphiQL…</div>
    <script id="citygraph-graphiql-config" type="application/json">{_json_for_script(config)}</script>
    <script src="{static}/graphiql.js?v={asset_version("graphiql.js")}"></script>
  </body>
</html>
"""
