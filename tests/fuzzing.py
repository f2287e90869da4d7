"""Generated requests for the served schema (hypothesis-graphql) and the check every answer must pass; used by
tests/test_fuzz.py (hundreds per run) and bench/fuzz.py (ten thousands against a running service)."""

import json
from collections import Counter
from dataclasses import dataclass, field

import graphql
import httpx
from hypothesis import strategies as st
from hypothesis_graphql import Mode, queries

from citygraph.schema.schema import schema

SDL = schema.as_str()
CUSTOM_SCALARS = {
    "Date": st.dates().map(lambda day: graphql.StringValueNode(value=day.isoformat()))
    | st.text(max_size=12).map(lambda text: graphql.StringValueNode(value=text)),
}
# Whatever the server answers must not show these: they are how tracebacks and driver internals look.
LEAKS = ("Traceback", 'File "', "Internal error", "Internal Server Error", "neo4j.", "bolt://", "Exception")

# One root field per query: every root field is covered, and smaller queries generate several times faster.
ROOT_FIELDS = sorted(schema._schema.query_type.fields)
valid_queries = st.one_of([queries(SDL, fields=[name], custom_scalars=CUSTOM_SCALARS) for name in ROOT_FIELDS])
BUILT_IN_SCALARS = {"Int", "Float", "String", "Boolean", "ID"}
# NEGATIVE mode needs something to violate: a required argument, or one of a built-in scalar type.
VIOLABLE_ROOT_FIELDS = [
    name
    for name, root in schema._schema.query_type.fields.items()
    if any(graphql.is_non_null_type(arg.type) or graphql.get_named_type(arg.type).name in BUILT_IN_SCALARS for arg in root.args.values())
]
invalid_queries = st.one_of(
    [queries(SDL, fields=[name], custom_scalars=CUSTOM_SCALARS, mode=Mode.NEGATIVE) for name in sorted(VIOLABLE_ROOT_FIELDS)]
)


@st.composite
def mutated_bodies(draw: st.DrawFn) -> bytes:
    """A request body built from a generated (valid or one-violation) query, then broken a few ways:
    bytes flipped, cut, inserted (invalid UTF-8 included), or the JSON envelope replaced."""
    query = draw(st.one_of(valid_queries, invalid_queries))
    envelope = draw(
        st.sampled_from(
            [
                {"query": query},
                {"query": query, "variables": draw(st.dictionaries(st.text(max_size=5), st.integers() | st.text(max_size=5), max_size=2))},
                {"query": query, "operationName": draw(st.none() | st.integers() | st.text(max_size=5))},
                {"query": draw(st.integers() | st.lists(st.text(max_size=3), max_size=2))},
                [{"query": query}],
                query,
            ]
        )
    )
    body = bytearray(json.dumps(envelope).encode())
    for _ in range(draw(st.integers(min_value=0, max_value=4))):
        kind = draw(st.sampled_from(["flip", "cut", "insert", "truncate"]))
        at = draw(st.integers(min_value=0, max_value=max(len(body) - 1, 0)))
        if kind == "flip" and body:
            body[at] = draw(st.integers(min_value=0, max_value=255))
        elif kind == "cut":
            del body[at : at + draw(st.integers(min_value=1, max_value=16))]
        elif kind == "insert":
            body[at:at] = draw(st.binary(min_size=1, max_size=8) | st.sampled_from([b"\xff", b"\xc3(", b"\\ud800", b"NaN", b"[[[["]))
        else:
            del body[at:]
    return bytes(body)


@dataclass
class Tally:
    """What the server answered, by kind."""

    statuses: Counter = field(default_factory=Counter)
    outcomes: Counter = field(default_factory=Counter)

    def line(self) -> str:
        statuses = ", ".join(f"{status}: {count}" for status, count in sorted(self.statuses.items()))
        outcomes = ", ".join(f"{kind}: {count}" for kind, count in sorted(self.outcomes.items()))
        return f"{sum(self.statuses.values())} requests; HTTP {statuses}; {outcomes}"


def check(response: httpx.Response, tally: Tally, sent: str | bytes) -> None:
    """No 5xx, nothing internal in the text (unless the client sent it: errors may quote its values), and
    every answer a GraphQL response: `data`, or `errors` that are GraphQL errors (a message each); an
    HTTP-level refusal is a 4xx."""
    tally.statuses[response.status_code] += 1
    assert response.status_code < 500, response.text[:500]
    sent_text = sent.decode("utf-8", "replace") if isinstance(sent, bytes) else sent
    leaked = [marker for marker in LEAKS if marker in response.text and marker not in sent_text]
    assert not leaked, f"{leaked} in {response.text[:500]}"
    payload = response.json()
    assert isinstance(payload, dict) and ("data" in payload or "errors" in payload), response.text[:500]
    errors = payload.get("errors") or []
    assert all(isinstance(error, dict) and isinstance(error.get("message"), str) for error in errors), payload
    if response.status_code >= 400:
        assert errors and "data" not in payload, response.text[:500]
        tally.outcomes["refused (4xx)"] += 1
    elif payload.get("data") is None and errors and all("path" not in error for error in errors):
        tally.outcomes["request error"] += 1
    elif errors:
        tally.outcomes["partial, field errors"] += 1
    else:
        tally.outcomes["answered"] += 1
