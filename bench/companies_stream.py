"""Streaming Companies House basic company data (`citygraph enrich-companies`): time and memory of
`read_companies` against a bare `csv.reader` pass over the same file, side by side in one run.

    .venv/bin/python bench/companies_stream.py [--rows 1000000] [--wanted 1000]

Writes a synthetic file in the Basic Company Data layout (55 columns, the real header) to a temporary
folder, then times: (1) a bare csv.reader loop over it (the floor: reading and splitting the CSV), (2)
read_companies looking for `--wanted` company numbers spread through the file. Peak memory is the
process's max RSS after each step (ru_maxrss), so a streaming reader shows no growth with --rows.
"""

import argparse
import csv
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from citygraph.graph.companies import read_companies  # noqa: E402

SAMPLE = ROOT / "tests" / "fixtures" / "companies" / "BasicCompanyData-2025-11-01-sample.csv"


def max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_file(path: Path, rows: int) -> None:
    with SAMPLE.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header, template = next(reader), next(reader)
    number_at = [h.strip() for h in header].index("CompanyNumber")
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(header)
        for n in range(rows):
            template[number_at] = f"{n:08d}"
            writer.writerow(template)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--wanted", type=int, default=1_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "BasicCompanyData-2025-11-01.csv"
        write_file(path, args.rows)
        size_mb = path.stat().st_size / 1e6
        wanted = {f"{n:08d}" for n in random.Random(1).sample(range(args.rows), args.wanted)}
        rss_before = max_rss_mb()

        started = time.perf_counter()
        with path.open(encoding="utf-8", newline="") as handle:
            count = sum(1 for _ in csv.reader(handle))
        bare = time.perf_counter() - started

        started = time.perf_counter()
        data = read_companies(path, wanted)
        ours = time.perf_counter() - started
        assert len(data.companies) == args.wanted and count == args.rows + 1

        print(f"file: {args.rows:,} rows, {size_mb:,.0f} MB; looking for {args.wanted:,} company numbers")
        print(f"bare csv.reader pass : {bare:6.2f} s  ({args.rows / bare:,.0f} rows/s)")
        ratio = ours / bare
        print(f"read_companies       : {ours:6.2f} s  ({args.rows / ours:,.0f} rows/s)  = {ratio:.2f}x the bare pass")
        print(f"max RSS: {rss_before:,.0f} MB before reading, {max_rss_mb():,.0f} MB after both passes")


if __name__ == "__main__":
    main()
