"""netlead against hand-written DuckDB and the scan floor (`make bench`).

For each size (default 1m; `--sizes 1m,10m`): generate the demo data if missing, then time whole
processes, each `--repeat` times after a warm-up (median wall time, peak RSS from wait4):

  (a) import    `netlead import` of the five CSV files into a new workspace
                vs a bare DuckDB read_csv of the same files into tables (bare_load.sql)
  (b) suite     the metric suite through the Python API in one process (netlead.open, then
                waterfall, cpnsli, cpnsli by channel, cohorts, response, decay, scorecard and
                journey) vs baseline.sql vs floor.sql
  (c) commands  each metric command through the CLI with --format json
  (e) engines   the suite of (b) on PostgreSQL and on Spark (local mode) beside DuckDB, × DuckDB's
                (`--engines`, `--engines-only`), each metric's JSON compared with DuckDB's

and check that the product's JSON equals the baseline's for every metric of the suite (ints
exact, floats to 1e-9 relative, nulls the same). Parts the product cannot run yet are reported as such; the rest still runs.
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
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SRC = REPO / "src"

# The five canonical files, in the order they are imported (netlead.demo.generator.KINDS).
# Nothing heavy is imported or run in this process: Linux reports a child's peak RSS as at least
# the parent's RSS when it forked (wait4's ru_maxrss carries it over fork and exec), so the
# generator and the baseline's comparison rows run in their own processes, and this one stays
# small (about 20 MB) under every number it reports.
KINDS = ("leads", "lead_events", "opportunities", "opportunity_stages", "costs")

# A fixed window, so that the data and the numbers do not depend on the day of the run.
END = date(2026, 10, 31)
AS_OF = "2026-10-31"                         # T2: the end of that local day
AS_OF_INSTANT = "2026-10-31 23:59:59.999999"  # the same, for the baseline (read in Europe/London)
FROM, TO = "2024-11", "2026-10"
FROM_MONTH, TO_MONTH = "2024-11-01", "2026-10-01"

SUITE = [  # (name, CLI arguments, baseline result table); all by month but the (weekly) scorecard
    ("waterfall", ["waterfall", "--by", "month"], "b_waterfall"),
    ("cpnsli", ["cpnsli", "--by", "month"], "b_cpnsli"),
    ("cpnsli --by-channel", ["cpnsli", "--by-channel", "--by", "month"], "b_cpnsli_by_channel"),
    ("cohorts", ["cohorts", "--by", "month"], "b_cohorts"),
    ("response", ["response", "--by", "month"], "b_response"),
    ("decay", ["decay", "--by", "month"], "b_decay"),
    ("scorecard", ["scorecard"], "b_scorecard"),
    ("journey", ["journey", "--by", "month"], "b_journey"),
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

# The suite as the dashboard server computes it: one process, one workspace. It prints the
# seconds of each step (a JSON object) so that RESULTS.md can say where the time goes.
PRODUCT_SUITE = """
import json, sys, time
from pathlib import Path
started = time.perf_counter()
import netlead
ws_path, from_, to, as_of, *out = sys.argv[1:]
steps = {"import netlead": time.perf_counter() - started}
def step(name, call):
    t = time.perf_counter()
    table = call().table
    steps[name] = time.perf_counter() - t
    if out:  # the rows as the CLI's JSON, to compare engines
        from netlead.output import table_json
        (Path(out[0]) / f"{name}.json").write_text(table_json(table))
t = time.perf_counter()
ws = netlead.open(ws_path)
steps["open"] = time.perf_counter() - t
with ws:
    r = dict(from_=from_, to=to, as_of=as_of)
    step("waterfall", lambda: ws.waterfall(by="month", **r))
    step("cpnsli", lambda: ws.cpnsli(by="month", **r))
    step("cpnsli --by-channel", lambda: ws.cpnsli(by="month", by_channel=True, **r))
    step("cohorts", lambda: ws.cohorts(by="month", **r))
    step("response", lambda: ws.response(by="month", **r))
    step("decay", lambda: ws.decay(by="month", **r))
    step("scorecard", lambda: ws.scorecard(**r))
    step("journey", lambda: ws.journey(by="month", **r))
print(json.dumps(steps))
"""

PROCESS_ONLY = "import duckdb"
CLI_ONLY = "import netlead.cli"


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
    print(f"  {name}: {result['median_s']:.3f} s (min {result['min_s']:.3f}), {result['peak_rss_mb']:.0f} MiB")
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


def plain(value):
    """A baseline value as JSON reads it: dates as text, exact decimals as floats."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def baseline_rows(db: Path, out: Path) -> dict[str, list[dict]]:
    """The baseline's result tables as JSON values, computed in a child process (see KINDS)."""
    run = subprocess.run([sys.executable, __file__, "--baseline-rows", str(db), str(out)],
                         capture_output=True, text=True, env=child_env())
    if run.returncode != 0:
        raise RuntimeError("baseline.sql failed: " + run.stderr[-2000:])
    return json.loads(out.read_text())


def write_baseline_rows(db: Path, out: Path) -> None:
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
                {k: plain(v) for k, v in r.items()}
                for r in con.table(table).to_arrow_table().to_pylist()
            ]
        out.write_text(json.dumps(rows))
    finally:
        con.close()


# -- one size -----------------------------------------------------------------------------------

def bench_size(label: str, leads: int, repeat: int, seed: int, product: bool, engines: list[str] = (),
               engines_only: bool = False, url: str = "") -> dict:
    data = HERE / "data" / label
    work = HERE / "work" / label
    work.mkdir(parents=True, exist_ok=True)
    report = {"size": label, "leads": leads, "seed": seed, "results": [], "checks": {}}
    if not all((data / f"{k}.csv").exists() for k in KINDS):
        print(f"[{label}] generating {leads:,} leads (seed {seed}) in {data} …")
        started = time.perf_counter()
        subprocess.run([sys.executable, str(HERE / "generate.py"), "--leads", str(leads), "--seed", str(seed),
                        "--end", END.isoformat(), "--out", str(data)], check=True, env=child_env())
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
    if engines_only:
        engine_parts(report, data, work, repeat, list(engines), url)
        return report
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
        if engines:
            engine_parts(report, data, work, repeat, list(engines), url)
    return report


def product_parts(report: dict, data: Path, work: Path, repeat: int) -> None:
    py = sys.executable
    ws = work / "ws"
    add = report["results"].append
    netlead = netlead_command()
    probe = run_once([py, "-c", "import netlead; netlead.open; netlead.Workspace.waterfall; netlead.Workspace.cpnsli; "
                          "netlead.Workspace.cohorts; netlead.Workspace.journey"])
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
    steps_out = work / "suite-steps.json"
    suite = measure("netlead API: the suite in one process", [py, "-c", PRODUCT_SUITE, str(ws), FROM, TO, AS_OF],
                    repeat, stdout=steps_out)
    add({"group": "b", **suite})
    if not suite.get("failed"):
        report["suite_steps_s"] = json.loads(steps_out.read_text())
        print("    steps (last run, s): " + ", ".join(f"{k} {v:.3f}" for k, v in report["suite_steps_s"].items()))
    add({"group": "-", **measure("process: python -c 'import netlead.cli'", [py, "-c", CLI_ONLY], repeat)})
    expected = baseline_rows(work / "bare.duckdb", work / "baseline-rows.json")
    for name, args, table in SUITE:
        out = work / f"product-{table}.json"
        cmd = [*netlead, *args, "--from", FROM, "--to", TO, "--as-of", AS_OF, "--format", "json", "-w", str(ws)]
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


# -- the same suite on PostgreSQL and on Spark ----------------------------------------------------

def engine_parts(report: dict, data: Path, work: Path, repeat: int, engines: list[str], url: str) -> None:
    """(e) the suite in one process on each engine, × the DuckDB suite, each JSON compared with
    DuckDB's: PostgreSQL after `netlead import` of the same files into a schema of its own, Spark
    (local mode, all cores, started by the process) over `netlead export` of the DuckDB workspace."""
    py = sys.executable
    netlead = netlead_command()
    ws = work / "ws"
    add = report["results"].append
    if not (ws / "netlead.duckdb").exists():
        print("  importing the DuckDB workspace the engines are compared with …")
        run_once([py, "-c", PRODUCT_INIT, str(ws)])
        for kind in KINDS:
            run_once([*netlead, "import", kind, str(data / f"{kind}.csv"), "-w", str(ws)])
    reference = work / "json-duckdb"
    reference.mkdir(exist_ok=True)
    duck = measure("DuckDB: the suite in one process", [py, "-c", PRODUCT_SUITE, str(ws), FROM, TO, AS_OF,
                                                        str(reference)], repeat)
    add({"group": "e", **duck})

    def suite_on(engine: str, location: str) -> None:
        out = work / f"json-{engine}"
        out.mkdir(exist_ok=True)
        steps = work / f"suite-steps-{engine}.json"
        result = measure(f"{engine}: the suite in one process", [py, "-c", PRODUCT_SUITE, location, FROM, TO, AS_OF,
                                                                  str(out)], repeat, stdout=steps)
        add({"group": "e", **result})
        if result.get("failed"):
            return
        report[f"suite_steps_{engine}_s"] = json.loads(steps.read_text())
        print("    steps (last run, s): " + ", ".join(f"{k} {v:.3f}" for k, v in report[f"suite_steps_{engine}_s"].items()))
        for file in sorted(reference.glob("*.json")):
            problems = compare(json.loads((out / file.name).read_text()), json.loads(file.read_text()))
            report["checks"][f"{engine} {file.stem}"] = problems or "same as DuckDB"
        print(f"    vs DuckDB: {sum(1 for k, v in report['checks'].items() if k.startswith(engine) and isinstance(v, str))}"
              f" of {len(list(reference.glob('*.json')))} metrics the same")

    if "postgres" in engines:
        schema = f"netlead_bench_{report['size']}"
        target = f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"
        sql = f"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema};"
        made = run_once(["psql", url, "-q", "-c", sql])
        if made["rc"] != 0:
            print("  postgres: not available\n    " + made["stderr"].strip()[-300:])
        else:
            agreement = work / "demo-netlead.yaml"
            run_once([py, "-c", "import sys; from netlead.demo import agreement_text; "
                                "open(sys.argv[1], 'w').write(agreement_text())", str(agreement)])
            chain = " && ".join(
                [" ".join([*map(_quote, netlead), "init", _quote(target), "--agreement", _quote(str(agreement))])]
                + [" ".join([*map(_quote, netlead), "import", kind, _quote(str(data / f"{kind}.csv")), "-w",
                             _quote(target)]) for kind in KINDS])
            imported = measure("postgres: netlead init + import (5 files, 5 processes)", ["sh", "-c", chain], 0)
            add({"group": "e", **imported})
            if not imported.get("failed"):
                suite_on("postgres", target)
    if "spark" in engines:
        exported = work / "export"
        shutil.rmtree(exported, ignore_errors=True)
        add({"group": "e", **measure("netlead export (DuckDB → Parquet)", [*netlead, "export", str(exported), "-w",
                                                                          str(ws)], 0)})
        suite_on("spark", f"spark:{exported}")


def _quote(text: str) -> str:
    import shlex

    return shlex.quote(text)


def table(report: dict) -> str:
    rows = {r["name"]: r for r in report["results"]}
    bare = rows.get("bare DuckDB read_csv into tables", {}).get("median_s")
    baseline = rows.get("baseline.sql (hand-written)", {}).get("median_s")
    floor = rows.get("floor.sql (scan floor)", {}).get("median_s")
    duck = rows.get("DuckDB: the suite in one process", {}).get("median_s")
    lines = [
        "| size | part | measurement | median s | min s | peak RSS MiB | × reference | × floor |",
        "|---|---|---|---:|---:|---:|---:|---:|",
    ]
    for r in report["results"]:
        if r.get("failed"):
            lines.append(f"| {report['size']} | {r['group']} | {r['name']} | failed | | | | |")
            continue
        reference = bare if r["group"] == "a" else baseline if r["group"] in "bc" else duck if r["group"] == "e" else None
        ratio = f"{r['median_s'] / reference:.2f}" if reference else ""
        vs_floor = f"{r['median_s'] / floor:.2f}" if floor and r["group"] in "bc" else ""
        lines.append(f"| {report['size']} | {r['group']} | {r['name']} | {r['median_s']:.3f} | {r['min_s']:.3f} "
                     f"| {r['peak_rss_mb']:.0f} | {ratio} | {vs_floor} |")
    return "\n".join(lines)


def targets(report: dict) -> str:
    """The issue's targets (set for 10M leads on 2 cores), met or not at this size."""
    rows = {r["name"]: r for r in report["results"] if not r.get("failed")}

    def median(name):
        return rows.get(name, {}).get("median_s")

    lines = []
    suite, floor = median("netlead API: the suite in one process"), median("floor.sql (scan floor)")
    baseline, bare = median("baseline.sql (hand-written)"), median("bare DuckDB read_csv into tables")
    imported = median("netlead import (5 files, 5 processes)")

    def verdict(text, value, limit):
        lines.append(f"- {text}: {value:.2f} (target ≤ {limit}) {'met' if value <= limit else 'NOT MET'}")

    if suite and floor:
        verdict("suite / floor", suite / floor, 1.5)
    if suite and baseline:
        verdict("suite / baseline", suite / baseline, 0.5)
    if imported and bare:
        verdict("import / bare load", imported / bare, 1.2)
    for r in report["results"]:
        if r["group"] == "c" and not r.get("failed"):
            verdict(f"{r['name']} (s)", r["median_s"], 1)
    product = [r for r in report["results"] if r["group"] in "abc" and "netlead" in r["name"] and not r.get("failed")]
    if product:
        worst = max(product, key=lambda r: r["peak_rss_mb"])
        verdict(f"peak RSS, worst: {worst['name']} (MiB)", worst["peak_rss_mb"], 600)
    for name, check in report["checks"].items():
        lines.append(f"- JSON {name}: {check if isinstance(check, str) else 'DIFFERS: ' + '; '.join(check[:5])}")
    return "\n".join(lines)


def machine() -> dict:
    from importlib.metadata import version

    memory = ""
    try:
        with open("/proc/meminfo") as f:
            memory = f"{int(f.readline().split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return {"cpus": os.cpu_count(), "memory": memory, "python": platform.python_version(),
            "duckdb": version("duckdb"), "platform": platform.platform(),
            "load_average": [round(x, 2) for x in os.getloadavg()]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1m", help="comma-separated lead counts: 50k, 1m, 10m (default 1m)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs after the warm-up (default 3)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-product", action="store_true", help="only the bare load, baseline and floor")
    parser.add_argument("--engines", default="postgres,spark",
                        help="the suite also on these engines, × DuckDB's: postgres, spark (default both; '' for none)")
    parser.add_argument("--engines-only", action="store_true",
                        help="only the engine rows (e), with DuckDB's suite as their reference")
    parser.add_argument("--postgres", default=os.environ.get("NETLEAD_TEST_POSTGRES",
                                                             "postgresql://postgres@127.0.0.1:5432/test"),
                        help="the PostgreSQL server of the postgres rows (a schema netlead_bench_SIZE is made)")
    parser.add_argument("--baseline-rows", nargs=2, metavar=("DB", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.baseline_rows:
        write_baseline_rows(Path(args.baseline_rows[0]), Path(args.baseline_rows[1]))
        return 0
    print("machine:", json.dumps(machine()))
    for label in [s.strip() for s in args.sizes.split(",") if s.strip()]:
        before = machine()
        engines = [e.strip() for e in args.engines.split(",") if e.strip()]
        report = bench_size(label, parse_size(label), args.repeat, args.seed, product=not args.no_product,
                            engines=engines, engines_only=args.engines_only, url=args.postgres)
        report["machine"] = {**before, "load_average_after": machine()["load_average"]}
        print(f"load average before {before['load_average']}, after {report['machine']['load_average_after']}"
              " (other work on the machine inflates every number alike)")
        (HERE / "work" / label / f"results-{label}.json").write_text(json.dumps(report, indent=2))
        print()
        print(table(report))
        print()
        print(targets(report))
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
