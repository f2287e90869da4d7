"""How fast the request limits refuse the attack queries of issue 8, side by side with `{ __typename }`.

    .venv/bin/python bench/request_limits.py --url http://127.0.0.1:8000/graphql   # a running `citygraph serve`

Prints, for each document: its static cost, the time to price the parsed document in-process (µs), and the
HTTP round trip (p50/p99 ms over --runs requests, one at a time) with the status it got. The attack
queries must be refused in under 50 ms.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

import httpx
from graphql import parse

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from citygraph.schema.cost import operation_cost  # noqa: E402
from citygraph.schema.schema import schema  # noqa: E402

FRAGMENT_BOMB = "{ boroughs { ...F21 } }\nfragment F0 on Borough { name systems { name } }\n" + "\n".join(
    f"fragment F{i} on Borough {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, 22)
)
DOCUMENTS = {
    "{ __typename } (baseline)": "{ __typename }",
    "depth-7 nested boroughs/systems": "{ boroughs { systems { boroughs { systems { boroughs { systems { name } } } } } } }",
    "fragment bomb, 22 levels": FRAGMENT_BOMB,
}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:8000/graphql")
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    print("| document | bytes | cost | pricing µs (p50) | HTTP p50 ms | HTTP p99 ms | status |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
    with httpx.Client(timeout=120) as http:
        for name, document in DOCUMENTS.items():
            pricing = []
            parsed = parse(document)
            for _ in range(args.runs):
                started = time.perf_counter()
                priced = operation_cost(schema._schema, parsed)
                pricing.append((time.perf_counter() - started) * 1e6)
            assert priced is not None
            http.post(args.url, json={"query": document})  # warm-up
            round_trips, statuses = [], set()
            for _ in range(args.runs):
                started = time.perf_counter()
                response = http.post(args.url, json={"query": document})
                round_trips.append((time.perf_counter() - started) * 1000)
                statuses.add(response.status_code if "errors" not in response.json() else f"{response.status_code} refused")
            print(
                f"| {name} | {len(document)} | {priced.total:,} | {statistics.median(pricing):.0f} | "
                f"{statistics.median(round_trips):.1f} | {percentile(round_trips, 0.99):.1f} | {', '.join(map(str, sorted(statuses, key=str)))} |"
            )


if __name__ == "__main__":
    main()
