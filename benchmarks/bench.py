"""netlead against hand-written DuckDB and the scan floor (`make bench`).

For each size (default 1m; `--sizes 1m,10m`): generate the demo data if missing, then time whole
processes, each `--repeat` times after a warm-up (median wall time, peak RSS from wait4):

  (a) import    `netlead import` of the five CSV files into a new workspace
                vs a bare DuckDB read_csv of the same files into tables (bare_load.sql)
  (b) suite     the metric suite through the Python API in one process (netlead.open, then
                waterfall, cpnsli, cpnsli by channel) vs baseline.sql vs floor.sql
  (c) commands  each metric command through the CLI with --format json

and check that the product's JSON equals the baseline's (ints exact, floats to 1e-9 relative,
nulls the same). Parts the product cannot run yet are reported as such; the rest still runs.
Results go to benchmarks/work/results-SIZE.json and are printed as a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SRC = REPO / "src"
sys.path.insert(0, str(SRC))

from netlead.demo import generate  # noqa: E402
from netlead.demo.generator import KINDS  # noqa: E402

# A fixed window, so that the data and the numbers do not depend on the day of the run.
END = date(2026, 10, 31)
AS_OF = "2026-10-31"                         # T2: the end of that local day
AS_OF_INSTANT = "2026-10-31 23:59:59.999999"  # the same, for the baseline (read in Europe/London)
FROM, TO = "2024-11", "2026-10"
FROM_MONTH, TO_MONTH = "2024-11-01", "2026-10-01"

SUITE = [  # (name, CLI arguments, baseline result table)
    ("waterfall", ["waterfall"], "b_waterfall"),
    ("cpnsli", ["cpnsli"], "b_cpnsli"),
    ("cpnsli --by-channel", ["cpnsli", "--by-channel"], "b_cpnsli_by_channel"),
]

BARE_LOAD = """
import sys, duckdb
con = duckdb.connect(sys.argv[1])
con.execute("SET VARIABLE data_dir = ?", [sys.argv[2]])
con.execute(open(sys.argv[3]).read())
con.close()
"""

BASELINE = """
import sys, duckdb
db, sql, as_of, from_month, to_month, *tables = sys.argv[1:]
con = duckdb.connect(db, read_only=True)
con.execute("SET TimeZone = 'Europe/London'")
con.execute("SET VARIABLE as_of = CAST(? AS TIMESTAMPTZ)", [as_of])
con.execute("SET VARIABLE from_month = CAST(? AS DATE)", [from_month])
con.execute("SET VARIABLE to_month = CAST(? AS DATE)", [to_month])
con.execute(open(sql).read())
for table in tables:
    con.table(table).to_arrow_table()
"""

FLOOR = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
con.execute(open(sys.argv[2]).read()).fetchall()
"""

PRODUCT_INIT = """
import sys, netlead
from netlead.demo import agreement_text
netlead.init(sys.argv[1], agreement_text=agreement_text()).close()
"""

PRODUCT_SUITE = """
import sys, netlead
ws_path, from_, to, as_of = sys.argv[1:]
with netlead.open(ws_path) as ws:
    ws.waterfall(by="month", from_=from_, to=to, as_of=as_of).table
    ws.cpnsli(by="month", from_=from_, to=to, as_of=as_of).table
    ws.cpnsli(by="month", from_=from_, to=to, as_of=as_of, by_channel=True).table
"""

PROCESS_ONLY = "import duckdb"


def parse_size(text: str) -> int:
    text = text.strip().lower()
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1], 1)
    return int(float(text.rstrip("km")) * factor)


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
    env.pop("NETLEAD_WORKSPACE", None)
    env["COLUMNS"] = "200"
    return env


def netlead_command() -> list[str]:
    script = Path(sys.executable).parent / "netlead"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from netlead.cli import app; app()"]


def run_once(cmd: list[str], stdout: Path | None = None) -> dict:
    """One process: wall seconds, peak RSS (MB) of it and its children, exit code, stderr tail."""
    out = open(stdout, "wb") if stdout else subprocess.DEVNULL  # noqa: SIM115
    try:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE, env=child_env())
        stderr = proc.stderr.read()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
    finally:
        if stdout:
            out.close()
    return {"wall": wall, "rss_mb": usage.ru_maxrss / 1024, "rc": proc.returncode,
            "stderr": stderr.decode(errors="replace")[-2000:]}


def measure(name: str, cmd: list[str], repeat: int, before=None, stdout: Path | None = None) -> dict:
    """Warm up once, then `repeat` timed runs; `before()` runs untimed before each."""
    runs = []
    for i in range(repeat + 1):
        if before:
            before()
        run = run_once(cmd, stdout)
        if run["rc"] != 0:
            print(f"  {name}: FAILED (exit {run['rc']})\n    " + run["stderr"].strip().replace("\n", "\n    ")[-800:])
            return {"name": name, "failed": True, "error": run["stderr"][-800:]}
        if i > 0 or repeat == 0:
            runs.append(run)
    walls = [r["wall"] for r in runs]
    result = {"name": name, "median_s": statistics.median(walls), "min_s": min(walls),
              "runs_s": walls, "peak_rss_mb": max(r["rss_mb"] for r in runs)}
    print(f"  {name}: {result['median_s']:.3f} s (min {result['min_s']:.3f}), {result['peak_rss_mb']:.0f} MB")
    return result


# -- comparing the product's JSON with the baseline's ------------------------------------------

def same_value(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, int) and isinstance(b, int):
        return a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def compare(product: list[dict], baseline: list[dict]) -> list[str]:
    problems = []
    if len(product) != len(baseline):
        problems.append(f"{len(product)} rows, baseline {len(baseline)}")
    for i, (p, b) in enumerate(zip(product, baseline, strict=False)):
        if list(p)[: len(b)] != list(b):
            problems.append(f"row {i}: keys {list(p)} != {list(b)}")
            continue
        for key in b:
            if not same_value(p[key], b[key]):
                problems.append(f"row {i} {key}: {p[key]!r} != baseline {b[key]!r}")
        if len(problems) > 10:
            break
    return problems


def baseline_rows(db: Path) -> dict[str, list[dict]]:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        con.execute("SET TimeZone = 'Europe/London'")
        con.execute("SET VARIABLE as_of = CAST(? AS TIMESTAMPTZ)", [AS_OF_INSTANT])
        con.execute("SET VARIABLE from_month = CAST(? AS DATE)", [FROM_MONTH])
        con.execute("SET VARIABLE to_month = CAST(? AS DATE)", [TO_MONTH])
        con.execute((HERE / "baseline.sql").read_text())
        rows = {}
        for _, _, table in SUITE:
            rows[table] = [
                {k: (v.isoformat() if isinstance(v, date) else v) for k, v in r.items()}
                for r in con.table(table).to_arrow_table().to_pylist()
            ]
        return rows
    finally:
        con.close()


# -- one size -----------------------------------------------------------------------------------

def bench_size(label: str, leads: int, repeat: int, seed: int, product: bool) -> dict:
    data = HERE / "data" / label
    work = HERE / "work" / label
    work.mkdir(parents=True, exist_ok=True)
    report = {"size": label, "leads": leads, "seed": seed, "results": [], "checks": {}}
    if not all((data / f"{k}.csv").exists() for k in KINDS):
        print(f"[{label}] generating {leads:,} leads (seed {seed}) in {data} …")
        started = time.perf_counter()
        generate(data, leads=leads, seed=seed, end=END)
        report["generate_s"] = time.perf_counter() - started
        print(f"  generated in {report['generate_s']:.1f} s")
    sizes = {k: (data / f"{k}.csv").stat().st_size for k in KINDS}
    report["csv_mb"] = sum(sizes.values()) / 1e6
    py = sys.executable
    bare_db = work / "bare.duckdb"

    def fresh_bare():
        for p in (bare_db, bare_db.with_suffix(".duckdb.wal")):
            p.unlink(missing_ok=True)

    print(f"[{label}] {leads:,} leads, {report['csv_mb']:.0f} MB of CSV")
    add = report["results"].append
    add({"group": "-", **measure("process: python + import duckdb", [py, "-c", PROCESS_ONLY], repeat)})
    add({"group": "a", **measure("bare DuckDB read_csv into tables",
                                 [py, "-c", BARE_LOAD, str(bare_db), str(data), str(HERE / "bare_load.sql")],
                                 repeat, before=fresh_bare)})
    tables = [t for _, _, t in SUITE]
    add({"group": "b", **measure("baseline.sql (hand-written)",
                                 [py, "-c", BASELINE, str(bare_db), str(HERE / "baseline.sql"), AS_OF_INSTANT,
                                  FROM_MONTH, TO_MONTH, *tables], repeat)})
    add({"group": "b", **measure("floor.sql (scan floor)", [py, "-c", FLOOR, str(bare_db), str(HERE / "floor.sql")],
                                 repeat)})
    if product:
        product_parts(report, data, work, repeat)
    return report


def product_parts(report: dict, data: Path, work: Path, repeat: int) -> None:
    py = sys.executable
    ws = work / "ws"
    add = report["results"].append
    netlead = netlead_command()
    probe = run_once([py, "-c", "import netlead; netlead.open; netlead.Workspace.waterfall; netlead.Workspace.cpnsli"])
    if probe["rc"] != 0:
        print("  product: not available yet\n    " + probe["stderr"].strip()[-400:])
        report["product"] = "not available: " + probe["stderr"].strip()[-400:]
        return

    def fresh_workspace():
        shutil.rmtree(ws, ignore_errors=True)
        init = run_once([py, "-c", PRODUCT_INIT, str(ws)])
        if init["rc"] != 0:
            raise RuntimeError("netlead init failed: " + init["stderr"])

    chain = " && ".join(
        " ".join([*map(_quote, netlead), "import", kind, _quote(str(data / f"{kind}.csv")), "-w", _quote(str(ws))])
        for kind in KINDS
    )
    imported = measure("netlead import (5 files, 5 processes)", ["sh", "-c", chain], repeat, before=fresh_workspace)
    add({"group": "a", **imported})
    if imported.get("failed"):
        return
    add({"group": "b", **measure("netlead API: the suite in one process",
                                 [py, "-c", PRODUCT_SUITE, str(ws), FROM, TO, AS_OF], repeat)})
    expected = baseline_rows(work / "bare.duckdb")
    for name, args, table in SUITE:
        out = work / f"product-{table}.json"
        cmd = [*netlead, *args, "--by", "month", "--from", FROM, "--to", TO, "--as-of", AS_OF,
               "--format", "json", "-w", str(ws)]
        result = measure(f"netlead {name} --format json", cmd, repeat, stdout=out)
        add({"group": "c", **result})
        if result.get("failed"):
            continue
        try:
            problems = compare(json.loads(out.read_text()), expected[table])
        except json.JSONDecodeError as e:
            problems = [f"not JSON: {e}"]
        report["checks"][name] = problems or "same as baseline"
        print(f"    vs baseline: {'same' if not problems else '; '.join(problems[:5])}")


def _quote(text: str) -> str:
    import shlex

    return shlex.quote(text)


def table(report: dict) -> str:
    rows = {r["name"]: r for r in report["results"]}
    bare = rows.get("bare DuckDB read_csv into tables", {}).get("median_s")
    baseline = rows.get("baseline.sql (hand-written)", {}).get("median_s")
    floor = rows.get("floor.sql (scan floor)", {}).get("median_s")
    lines = [
        "| size | part | measurement | median s | min s | peak RSS MB | × reference | × floor |",
        "|---|---|---|---:|---:|---:|---:|---:|",
    ]
    for r in report["results"]:
        if r.get("failed"):
            lines.append(f"| {report['size']} | {r['group']} | {r['name']} | failed | | | | |")
            continue
        reference = bare if r["group"] == "a" else baseline if r["group"] in "bc" else None
        ratio = f"{r['median_s'] / reference:.2f}" if reference else ""
        vs_floor = f"{r['median_s'] / floor:.2f}" if floor and r["group"] in "bc" else ""
        lines.append(f"| {report['size']} | {r['group']} | {r['name']} | {r['median_s']:.3f} | {r['min_s']:.3f} "
                     f"| {r['peak_rss_mb']:.0f} | {ratio} | {vs_floor} |")
    return "\n".join(lines)


def machine() -> dict:
    import duckdb

    memory = ""
    try:
        with open("/proc/meminfo") as f:
            memory = f"{int(f.readline().split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return {"cpus": os.cpu_count(), "memory": memory, "python": platform.python_version(),
            "duckdb": duckdb.__version__, "platform": platform.platform(),
            "load_average": [round(x, 2) for x in os.getloadavg()]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1m", help="comma-separated lead counts: 50k, 1m, 10m (default 1m)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs after the warm-up (default 3)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-product", action="store_true", help="only the bare load, baseline and floor")
    args = parser.parse_args(argv)
    print("machine:", json.dumps(machine()))
    for label in [s.strip() for s in args.sizes.split(",") if s.strip()]:
        before = machine()
        report = bench_size(label, parse_size(label), args.repeat, args.seed, product=not args.no_product)
        report["machine"] = {**before, "load_average_after": machine()["load_average"]}
        print(f"load average before {before['load_average']}, after {report['machine']['load_average_after']}"
              " (other work on the machine inflates every number alike)")
        (HERE / "work" / label / f"results-{label}.json").write_text(json.dumps(report, indent=2))
        print()
        print(table(report))
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
