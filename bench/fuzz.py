"""Fuzzes a running CityGraph: N valid queries generated from the served schema (hypothesis-graphql) and N
mutated request bodies, the same generators and checks as tests/test_fuzz.py, then prints what came back.

    citygraph serve --port 8000 &            # against the London demo (citygraph demo)
    .venv/bin/python bench/fuzz.py --url http://127.0.0.1:8000/graphql --valid 10000 --mutated 10000

A request breaks the rules when it gets a 5xx, shows a traceback or internal detail, or is not a GraphQL
response (`data` and/or `errors`; a 4xx with `errors`). Failures are counted, the first few printed; exit
status 1 when there was any.
"""

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.strategies import SearchStrategy

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fuzzing import Tally, check, mutated_bodies, valid_queries  # noqa: E402


def run(name: str, strategy: SearchStrategy, send: Callable[[object], httpx.Response], count: int) -> int:
    if count <= 0:
        return 0
    tally = Tally()
    failures: list[str] = []
    started = time.perf_counter()

    @settings(
        max_examples=count,
        deadline=None,
        database=None,
        phases=[Phase.generate],  # fresh examples only: no replay, no shrinking
        suppress_health_check=list(HealthCheck),
    )
    @given(example=strategy)
    def send_one(example: object) -> None:
        response = send(example)
        try:
            check(response, tally, example if isinstance(example, (str, bytes)) else repr(example))
        except AssertionError as error:
            tally.outcomes["BROKE THE RULES"] += 1
            if len(failures) < 5:
                failures.append(f"{example!r:.300}\n    -> {response.status_code} {error}")
        done = sum(tally.statuses.values())
        if done % 1000 == 0:
            print(f"  {name}: {done} sent, {time.perf_counter() - started:.0f} s", flush=True)

    send_one()
    print(f"{name}: {tally.line()} in {time.perf_counter() - started:.0f} s")
    for failure in failures:
        print(f"  failure: {failure}")
    return tally.outcomes["BROKE THE RULES"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:8000/graphql")
    parser.add_argument("--valid", type=int, default=10_000, help="valid generated queries to send")
    parser.add_argument("--mutated", type=int, default=10_000, help="mutated bodies to send")
    args = parser.parse_args()
    with httpx.Client(timeout=60) as http:
        broken = run("valid queries", valid_queries, lambda query: http.post(args.url, json={"query": query}), args.valid)
        broken += run(
            "mutated bodies",
            mutated_bodies(),
            lambda body: http.post(args.url, content=body, headers={"content-type": "application/json"}),
            args.mutated,
        )
    print(f"rule-breaking responses: {broken}")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
