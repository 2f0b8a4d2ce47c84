"""Running every metric of a workspace and comparing the JSON of two engines as METRICS.md
"Machine-readable output" asks: the same keys in the same order, integers exact, floats within
1e-9 relative, nulls in the same cells."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path

from netlead.output import dumps

DATA = Path(__file__).parent.parent / "data"
FIXTURES = ("small", "cohorts", "journey")
KINDS = ("leads", "lead_events", "opportunities", "opportunity_stages", "costs")
# The range and as_of each fixture's hand-computed tests use (tests/test_cli*.py).
RANGES = {
    "small": ("2026-01", "2026-02", "2026-02-28"),
    "cohorts": ("2026-01", "2026-02", "2026-02-28"),
    "journey": ("2026-01", "2026-03", "2026-04-01T00:00"),
    "demo": ("2025-10", "2026-09", "2026-10-31"),
}
# The demo data set as `netlead demo` makes it (50k leads, seed 7), over a fixed two-year window
# (at 5k leads the test took 62 s, at 50k 75 s: Spark's cost is per query, not per row); `lead`
# is asked of a sample of its leads.
DEMO_SIZE, DEMO_SEED, DEMO_END = 50_000, 7, "2026-10-31"
DEMO_LEADS = [f"L{n:08d}" for n in (0, 1, 2, 50, 400, 1234, 2500, 4999, 12345, 31000, 49999)]


def load(workspace, fixture: str) -> None:
    for kind in KINDS:
        file = DATA / fixture / f"{kind}.csv"
        if file.exists():
            workspace.import_files(kind, [file])


def lead_ids(fixture: str) -> list[str]:
    if fixture == "demo":
        return DEMO_LEADS
    with open(DATA / fixture / "leads.csv", newline="") as f:
        return [row["lead_id"] for row in csv.DictReader(f)]


def calls(fixture: str) -> dict[str, object]:
    """Every metric, with its variants, as `name -> function(workspace) -> JSON-able`."""
    from_, to, as_of = RANGES[fixture]
    rng = {"from_": from_, "to": to, "as_of": as_of}
    out = {
        "waterfall": lambda w: w.waterfall(**rng),
        "waterfall_week": lambda w: w.waterfall(by="week", **rng),
        "waterfall_quarter_default_range": lambda w: w.waterfall(by="quarter", as_of=as_of),
        "cpnsli": lambda w: w.cpnsli(**rng),
        "cpnsli_by_channel": lambda w: w.cpnsli(by_channel=True, **rng),
        "cohorts": lambda w: w.cohorts(**rng),
        "cohorts_quarter": lambda w: w.cohorts(by="quarter", as_of=as_of),
        "development": lambda w: w.development(**rng),
        "response": lambda w: w.response(**rng),
        "response_week": lambda w: w.response(by="week", **rng),
        "decay": lambda w: w.decay(**rng),
        "scorecard": lambda w: w.scorecard(**rng),
        "scorecard_channel": lambda w: w.scorecard(split="channel", **rng),
        "scorecard_account_type": lambda w: w.scorecard(split="account_type", **rng),
        "journey": lambda w: w.journey(**rng),
        "journey_channel": lambda w: w.journey(split="channel", **rng),
        "journey_account_type": lambda w: w.journey(by="quarter", split="account_type", as_of=as_of),
        "stuck": lambda w: w.stuck(as_of=as_of),
        "whatif": lambda w: w.whatif({"responded": "+0.02", "opportunity": "*1.10"}, **rng),
        "levers": lambda w: w.levers(**rng),
        "convert_time": lambda w: w.convert_time(**rng),
        "convert_time_win_channel": lambda w: w.convert_time(to_event="win", split="channel", **rng),
        "convert_time_curve": lambda w: w.convert_time(curve=True, **rng),
        "projected": lambda w: w.projected(**rng),
        "check": lambda w: {k: v for k, v in w.check().items()},
        "quarantine": lambda w: w.quarantine().to_pylist(),
        "leads": lambda w: [w.lead(lead_id, as_of=as_of) for lead_id in lead_ids(fixture)],
    }
    return out


def as_json(value) -> object:
    rows = value.rows() if hasattr(value, "rows") else value
    return json.loads(dumps(rows))


def differences(left, right, where: str = "") -> list[str]:
    """Where two JSON values differ beyond METRICS.md's tolerance."""
    if isinstance(left, dict) and isinstance(right, dict):
        if list(left) != list(right):
            return [f"{where}: keys {list(left)} != {list(right)}"]
        return [d for key in left for d in differences(left[key], right[key], f"{where}.{key}")]
    if isinstance(left, list) and isinstance(right, list):
        if len(left) != len(right):
            return [f"{where}: {len(left)} rows != {len(right)} rows"]
        return [d for i, (a, b) in enumerate(zip(left, right, strict=True)) for d in differences(a, b, f"{where}[{i}]")]
    if isinstance(left, bool) or isinstance(right, bool) or left is None or right is None:
        return [] if left is right or left == right and type(left) is type(right) else [f"{where}: {left!r} != {right!r}"]
    if isinstance(left, int) and isinstance(right, int):
        return [] if left == right else [f"{where}: {left} != {right}"]
    if isinstance(left, int | float) and isinstance(right, int | float):
        # An exact decimal prints as an integer or not depending on its scale (12.0000 vs 12):
        # both are JSON numbers; floats agree to 1e-9 relative.
        if math.isclose(left, right, rel_tol=1e-9, abs_tol=1e-12):
            return []
        return [f"{where}: {left!r} != {right!r}"]
    return [] if left == right and type(left) is type(right) else [f"{where}: {left!r} != {right!r}"]


def with_sources(text: str, sources: str) -> str:
    """An agreement's text with a `sources:` block (YAML, top level) added to every version."""
    return "\n---\n".join(doc.rstrip("\n") + "\n" + sources for doc in text.split("\n---\n"))


# The metrics a workspace reading sources gives as one that imported the same rows: all but the
# import bookkeeping (`check`, `quarantine`), which a source does not have.
SOURCE_CALLS = ("waterfall", "cpnsli_by_channel", "cohorts", "response", "decay", "scorecard", "journey",
                "convert_time", "leads")


def assert_same_json(fixture: str, name: str, expected_workspace, actual_workspace) -> None:
    """Metric `name` of calls(fixture) gives the same JSON on both workspaces (the first is DuckDB)."""
    run = calls(fixture)[name]
    expected, actual = as_json(run(expected_workspace)), as_json(run(actual_workspace))
    assert expected or name in ("quarantine", "stuck"), f"{fixture} should give {name} something to compare"
    found = differences(expected, actual)
    assert not found, f"{name}\n" + "\n".join(found[:20])
