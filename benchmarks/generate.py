"""Generate the demo data at any size: `python benchmarks/generate.py --leads 1000000 --seed 7
--out benchmarks/data/1m`. The same arguments give the same bytes."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from netlead.demo import generate  # noqa: E402

# bench.py's fixed window, so that benchmark data does not depend on the day it is made
END = date(2026, 10, 31)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path, required=True, help="folder for the five CSV files")
    parser.add_argument("--end", type=date.fromisoformat, default=END,
                        help=f"last day of the two-year window (default {END})")
    parser.add_argument("--threads", type=int, default=None, help="DuckDB threads (the output is the same)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    files = generate(args.out, leads=args.leads, seed=args.seed, end=args.end, threads=args.threads)
    elapsed = time.perf_counter() - started
    for kind, path in files.items():
        print(f"{kind:>20}  {path}  {path.stat().st_size / 1e6:10.1f} MB")
    print(f"{args.leads:,} leads in {elapsed:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
