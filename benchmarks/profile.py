"""Where netlead's time goes (`python benchmarks/profile.py --size 1m`): not a benchmark (no
repeats, no medians) but a breakdown to read beside RESULTS.md.

1. `python -X importtime -c "import netlead.cli"`: the slowest modules a CLI command pays for.
2. The import of the five CSV files into a new workspace through the API, every SQL statement the
   product runs timed (the connection is wrapped), grouped by phase: the import itself or the
   update of the facts (`metrics.update`) that follows each file.
3. The metric suite (as bench.py runs it) on that workspace, its statements timed the same way.

It reads the data bench.py generated (benchmarks/data/SIZE) and works in benchmarks/work/SIZE/profile.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

import netlead  # noqa: E402
from netlead import metrics  # noqa: E402
from netlead.demo import agreement_text  # noqa: E402
from netlead.demo.generator import KINDS  # noqa: E402

FROM, TO, AS_OF = "2024-11", "2026-10", "2026-10-31"


class TimedConnection:
    """A DuckDB connection whose execute() records its seconds under (phase, statement label)."""

    def __init__(self, con, log: dict):
        self._con, self._log, self.phase = con, log, "open"

    def execute(self, sql, *args, **kwargs):
        started = time.perf_counter()
        try:
            return self._con.execute(sql, *args, **kwargs)
        finally:
            self._log[(self.phase, label(sql))] += time.perf_counter() - started

    def sql(self, sql, *args, **kwargs):
        return TimedRelation(self._con.sql(sql, *args, **kwargs), self._log, (self.phase, label(sql)))

    def __getattr__(self, name):
        return getattr(self._con, name)


class TimedRelation:
    """A lazy DuckDB relation: the time is spent when its result is fetched."""

    FETCHES = ("to_arrow_table", "arrow", "fetch_arrow_table", "fetchall", "fetchone", "fetchdf", "df")

    def __init__(self, relation, log: dict, key: tuple):
        self._relation, self._log, self._key = relation, log, key

    def __getattr__(self, name):
        attribute = getattr(self._relation, name)
        if name not in self.FETCHES:
            return attribute

        def fetch(*args, **kwargs):
            started = time.perf_counter()
            try:
                return attribute(*args, **kwargs)
            finally:
                self._log[self._key] += time.perf_counter() - started
        return fetch


def label(sql: str) -> str:
    """The statement's first comment line, else the table it creates, else its first words."""
    text = sql.strip()
    comment = re.match(r"--\s*(.+)", text)
    created = re.search(r"CREATE\s+(?:OR\s+REPLACE\s+)?(?:TEMP\s+|TEMPORARY\s+)?(?:TABLE|VIEW)\s+(\w+)", text, re.I)
    if created:
        return "create " + created.group(1)
    if comment:
        return comment.group(1)[:70]
    return " ".join(text.split())[:70]


def importtime(top: int) -> list[tuple[float, str]]:
    out = subprocess.run([sys.executable, "-X", "importtime", "-c", "import netlead.cli"],
                         capture_output=True, text=True, check=True).stderr
    rows = []
    for line in out.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)", line)
        if m and len(m.group(3)) <= 3:  # top-level imports (and the package's own first level)
            rows.append((int(m.group(2)) / 1e6, m.group(4)))
    return sorted(rows, reverse=True)[:top]


def report(log: dict, title: str, top: int) -> None:
    total = sum(log.values())
    print(f"\n## {title}: {total:.2f} s in SQL statements")
    phases = defaultdict(float)
    for (phase, _), seconds in log.items():
        phases[phase] += seconds
    for phase, seconds in sorted(phases.items(), key=lambda x: -x[1]):
        print(f"  {phase:<28} {seconds:8.2f} s")
    print("  slowest statements:")
    for (phase, name), seconds in sorted(log.items(), key=lambda x: -x[1])[:top]:
        print(f"  {seconds:8.2f} s  {phase:<22} {name}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="1m")
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args(argv)
    data, ws_path = HERE / "data" / args.size, HERE / "work" / args.size / "profile"
    if not all((data / f"{k}.csv").exists() for k in KINDS):
        print(f"no data in {data}: run bench.py --sizes {args.size} first")
        return 1

    print("## python -X importtime -c 'import netlead.cli' (cumulative s, top level)")
    for seconds, module in importtime(args.top):
        print(f"  {seconds:6.3f}  {module}")

    shutil.rmtree(ws_path, ignore_errors=True)
    log: dict = defaultdict(float)
    ws = netlead.init(ws_path, agreement_text=agreement_text())
    timed = TimedConnection(ws.con, log)
    ws.con = timed
    update = metrics.update

    def timed_update(con, agreement):
        before = timed.phase
        timed.phase = "update after " + before.removeprefix("import ")
        try:
            update(con, agreement)
        finally:
            timed.phase = before

    metrics.update = timed_update
    walls = {}
    for kind in KINDS:
        timed.phase = "import " + kind
        started = time.perf_counter()
        ws.import_files(kind, [data / f"{kind}.csv"])
        walls[kind] = time.perf_counter() - started
    metrics.update = update
    print("\n## import through the API, wall s per file (import + update, one transaction each)")
    for kind, seconds in walls.items():
        print(f"  {kind:<20} {seconds:8.2f}")
    report(log, "import", args.top)

    log.clear()
    steps = {
        "waterfall": lambda: ws.waterfall(by="month", from_=FROM, to=TO, as_of=AS_OF),
        "cpnsli": lambda: ws.cpnsli(by="month", from_=FROM, to=TO, as_of=AS_OF),
        "cpnsli --by-channel": lambda: ws.cpnsli(by="month", from_=FROM, to=TO, as_of=AS_OF, by_channel=True),
        "cohorts": lambda: ws.cohorts(by="month", from_=FROM, to=TO, as_of=AS_OF),
        "response": lambda: ws.response(by="month", from_=FROM, to=TO, as_of=AS_OF),
        "decay": lambda: ws.decay(by="month", from_=FROM, to=TO, as_of=AS_OF),
        "scorecard": lambda: ws.scorecard(from_=FROM, to=TO, as_of=AS_OF),
        "journey": lambda: ws.journey(by="month", from_=FROM, to=TO, as_of=AS_OF),
    }
    print("\n## the suite, wall s per metric (same process, after the import)")
    for name, call in steps.items():
        timed.phase = name
        started = time.perf_counter()
        call()
        print(f"  {name:<20} {time.perf_counter() - started:8.3f}")
    report(log, "suite", args.top)
    ws.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
