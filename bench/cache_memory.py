"""API memory (RSS) under many distinct large queries: CityGraph's bounded parser/validation caches against
strawberry's ParserCache/ValidationCache (functools.lru_cache, 128 entries of any size), in one run (issue 15).

    .venv/bin/python bench/cache_memory.py [--large 1000] [--sizes-mb 1] [--dense 1000]

For each variant it starts the API (uvicorn, uvloop, httptools, one worker, 127.0.0.1) in a subprocess and
sends, one at a time:
  1. --large distinct large queries, their sizes cycling through --sizes-mb: a head of 50 fields
     (`__typename`, valid, no database needed) and a comment filling up the size;
  2. --dense distinct small but dense queries (600 fields, ~7 KB): small enough to be cached, each one
     keeps ~0.4 MB of parsed document alive.
It prints the server's RSS after a warm-up and after each phase. No Neo4j is needed: `__typename` is answered
by GraphQL alone (the API starts without Neo4j and says so once in its log).
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

VARIANTS = ("strawberry", "bounded")
HEAD = "{ " + "__typename " * 50 + "}"
DENSE = "{ " + "__typename " * 600 + "}"


def serve(variant: str, port: int) -> None:
    """The server side (run in a subprocess): the real app, with strawberry's caches for the baseline."""
    import uvicorn
    from strawberry.extensions import ParserCache, ValidationCache

    from citygraph.graph.embedded import free_port
    from citygraph.graph.settings import Settings
    from citygraph.schema.app import create_app
    from citygraph.schema.caches import BoundedParserCache, BoundedValidationCache
    from citygraph.schema.schema import schema

    if variant == "strawberry":
        replace = {BoundedParserCache: ParserCache, BoundedValidationCache: ValidationCache}
        schema.extensions = [replace.get(extension, extension) for extension in schema.extensions]  # type: ignore[misc]
    # Bodies up to 64 MiB: this measures the caches' own bound, not the request-size limit in front of them.
    settings = Settings(
        NEO4J_URI=f"bolt://127.0.0.1:{free_port()}", NEO4J_PASSWORD="unused", CITYGRAPH_MAX_BODY_BYTES=64 << 20
    )
    uvicorn.run(create_app(settings), host="127.0.0.1", port=port, loop="uvloop", http="httptools", log_level="error")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def large_query(index: int, size: int) -> str:
    filler = size - len(HEAD) - 20
    return f"{HEAD}\n# q{index:06d} " + "x" * filler


def run_variant(variant: str, large: int, sizes: list[int], dense: int) -> dict[str, float]:
    from citygraph.graph.embedded import free_port

    port = free_port()
    server = subprocess.Popen([sys.executable, __file__, "--serve", variant, "--port", str(port)], cwd=ROOT)
    figures: dict[str, float] = {}
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as http:
            for _ in range(150):
                try:
                    http.get("/healthz")
                    break
                except httpx.TransportError:
                    time.sleep(0.2)

            def send(query: str) -> None:
                response = http.post("/graphql", json={"query": query})
                body = response.json()
                assert response.status_code == 200 and body.get("data") == {"__typename": "Query"}, response.text[:300]

            for index in range(20):
                send(f"{{ __typename }} # warm-up {index}")
            figures["warm"] = rss_mb(server.pid)
            progress(f"{variant}: after warm-up {figures['warm']:.0f} MB")
            started = time.perf_counter()
            sent = 0
            for index in range(large):
                query = large_query(index, sizes[index % len(sizes)])
                sent += len(query)
                send(query)
                figures["peak"] = max(figures.get("peak", 0.0), rss_mb(server.pid))
                if (index + 1) % 100 == 0:
                    progress(f"{variant}: {index + 1} large queries, RSS {rss_mb(server.pid):.0f} MB")
            figures["large"] = rss_mb(server.pid)
            figures["large_s"] = time.perf_counter() - started
            figures["sent_mb"] = sent / 1024 / 1024
            for index in range(dense):
                send(f"{DENSE} # d{index:06d}")
                figures["peak"] = max(figures["peak"], rss_mb(server.pid))
            figures["dense"] = rss_mb(server.pid)
            progress(f"{variant}: after {dense} dense queries {figures['dense']:.0f} MB")
    finally:
        server.terminate()
        server.wait()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", type=int, default=1000, help="distinct large queries")
    parser.add_argument("--sizes-mb", default="1", help="their sizes in MiB, cycled (e.g. 1,2,3,4)")
    parser.add_argument("--dense", type=int, default=1000, help="distinct small dense queries")
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--serve", choices=VARIANTS, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.port)
        return
    sizes = [int(float(mb) * 1024 * 1024) for mb in args.sizes_mb.split(",")]
    results = {variant: run_variant(variant, args.large, sizes, args.dense) for variant in args.variants.split(",")}
    print(f"\n{args.large} distinct large queries ({args.sizes_mb} MiB), then {args.dense} distinct dense ones "
          f"(600 fields, ~7 KB); server RSS in MB\n")
    print("| caches | after warm-up | after large | after dense | peak | large phase s |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for variant, f in results.items():
        print(f"| {variant} | {f['warm']:.0f} | {f['large']:.0f} | {f['dense']:.0f} | {f['peak']:.0f} | {f['large_s']:.0f} |")
    if set(VARIANTS) <= results.keys():
        base, bounded = results["strawberry"], results["bounded"]
        print(f"\ngrowth over warm-up, bounded / strawberry: "
              f"after large {(bounded['large'] - bounded['warm']) / max(base['large'] - base['warm'], 1):.3f}, "
              f"peak {(bounded['peak'] - bounded['warm']) / max(base['peak'] - base['warm'], 1):.3f}")
    print(f"sent {results[next(iter(results))]['sent_mb']:.0f} MiB of queries to each server; pid {os.getpid()}")


if __name__ == "__main__":
    main()
