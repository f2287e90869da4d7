"""Benchmark: what reading an OCDS package costs (parse, depth and type checks, merge, mapping); no database.

    .venv/bin/python bench/ocds_read.py [--copies 1000] [--rounds 3]

Builds a release package of the Contracts Finder sample repeated `--copies` times (10 releases each, fresh
ocids), then times `ocds.read_file` and prints the best of `--rounds`. To compare with an older checkout,
run the same file from outside the repository with that checkout first on the path:

    cd /tmp && PYTHONPATH=/path/to/old/checkout /path/to/.venv/bin/python /path/to/bench/ocds_read.py"""

import argparse
import copy
import json
import tempfile
import time
from pathlib import Path

from citygraph.graph import ocds
from citygraph.graph.settings import DEFAULT_IT_CPV_PREFIXES

CF = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "ocds" / "contracts_finder_releases.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    releases = json.loads(CF.read_text(encoding="utf-8"))["releases"]
    package = {"releases": []}
    for copy_number in range(args.copies):
        for release in releases:
            package["releases"].append(copy.deepcopy(release) | {"ocid": f"{release['ocid']}-{copy_number}"})
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "package.json"
        path.write_text(json.dumps(package), encoding="utf-8")
        size = path.stat().st_size
        best = float("inf")
        for _ in range(args.rounds):
            started = time.perf_counter()
            data = ocds.read_file(path, DEFAULT_IT_CPV_PREFIXES, all_cpv=True)
            best = min(best, time.perf_counter() - started)
    print(
        f"{ocds.__file__}: {len(package['releases']):,} releases, {size / 1e6:.1f} MB: read_file best of "
        f"{args.rounds} {best:.2f}s = {size / 1e6 / best:.1f} MB/s ({len(data.contracts):,} contracts)"
    )


if __name__ == "__main__":
    main()
