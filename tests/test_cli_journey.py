"""`netlead journey`, `stuck`, `whatif`, `convert-time` and `cohorts --projected` on the journey
fixture (tests/data/journey, UTC), as of 2026-04-01 00:00: the JSON of each command equals the
objects worked out by hand in tests/metrics/test_journey.py, test_stuck.py, test_whatif.py and
test_convert_time.py (the leads and their times are listed there)."""

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from netlead.cli import app

DATA = Path(__file__).parent / "data" / "journey"
AS_OF = ["--as-of", "2026-04-01T00:00"]
MONTHS = ["--from", "2026-01", "--to", "2026-03", *AS_OF]
approx = pytest.approx

STAGES = ["lead", "net", "issued", "responded", "opportunity", "proposal", "contract", "won"]
OWNERS = ["marketing 1", "marketing 0.7, sales 0.3", "marketing 0.5, sales 0.5", "sales 0.8, marketing 0.2",
          "sales 0.7, marketing 0.3", "sales 0.8, marketing 0.2", "sales 1", "sales 0.6, marketing 0.4"]


def journey_rows(period_start, period, reached, conversions, medians):
    return [
        {"period_start": period_start, "period": period, "stage": stage, "reached": r, "conversion_to_next": c,
         "median_days_in_stage": m, "owners": o, "never_reached": stage == "contract"}
        for stage, r, c, m, o in zip(STAGES, reached, conversions, medians, OWNERS, strict=True)
    ]


JOURNEY = (
    journey_rows("2026-01-01", "2026-01", [6, 4, 4, 4, 2, 1, 0, 1], [approx(4 / 6), 1.0, 1.0, 0.5, 0.5, 1.0, None, None],
                 [1.0, 0.0, 1.0, 1.0, 2.0, 10.0, None, None])
    + journey_rows("2026-02-01", "2026-02", [4, 4, 4, 3, 3, 2, 0, 1],
                   [1.0, 1.0, 0.75, 1.0, approx(2 / 3), 0.5, None, None], [0.25, 0.0, 0.25, 0.0, 4.5, 0.0, None, None])
    + journey_rows("2026-03-01", "2026-03", [0] * 8, [None] * 8, [None] * 8)
)


def stuck_row(lead_id, stage, days, threshold, source, entered, rep, owners, channel, account_type, created):
    return {"lead_id": lead_id, "stage": stage, "days_in_stage": days, "threshold_days": threshold,
            "threshold_from": source, "entered_at": entered, "rep": rep, "owners": owners, "channel": channel,
            "account_type": account_type, "created_at": created}


STUCK = [
    stuck_row("A4", "responded", 77.0, 2.0, "agreement", "2026-01-14T00:00:00+00:00", "r2", "sales 0.8, marketing 0.2",
              "webinar", "existing_account", "2026-01-12T00:00:00+00:00"),
    stuck_row("B1", "issued", 57.5, 2.0, "p90", "2026-02-02T12:00:00+00:00", "r1", "marketing 0.5, sales 0.5",
              "paid", "new_logo", "2026-02-02T00:00:00+00:00"),
    stuck_row("B2", "proposal", 55.0, 9.0, "p90", "2026-02-05T00:00:00+00:00", "r2", "sales 0.8, marketing 0.2",
              "webinar", "new_logo", "2026-02-03T00:00:00+00:00"),
    stuck_row("B4", "opportunity", 44.0, approx(6.8), "p90", "2026-02-16T00:00:00+00:00", "r2",
              "sales 0.7, marketing 0.3", "webinar", "new_logo", "2026-02-15T00:00:00+00:00"),
]

# Base: the range's journey 10, 8, 8, 7, 5, 3, 0, 2; 750 per win; 4000 invested. Scenario: responded
# -> opportunity 5/7 + 0.02, so every later count x 1.028.
BASE = [10, 8, 8, 7, 5, 3, 0, 2]
SCENARIO = [10, 8, 8, 7, 5.14, 3.084, 0, 2.056]
BASE_RATES = [0.8, 1.0, 0.875, 5 / 7, 0.6, 2 / 3, None]
SCENARIO_RATES = [0.8, 1.0, 0.875, 5 / 7 + 0.02, 0.6, 2 / 3, None]


def whatif_rows():
    rows = []
    for k, stage in enumerate(STAGES):
        rows.append({"item": "reached", "stage": stage, "base": BASE[k], "scenario": approx(SCENARIO[k]),
                     "change": approx(SCENARIO[k] - BASE[k])})
        if k < len(STAGES) - 1:
            b, s = BASE_RATES[k], SCENARIO_RATES[k]
            rows.append({"item": "conversion_to_next", "stage": stage, "base": approx(b) if b else b,
                         "scenario": approx(s) if s else s, "change": approx(s - b) if b else None})
    return rows + [
        {"item": "wins", "stage": None, "base": 2.0, "scenario": approx(2.056), "change": approx(0.056)},
        {"item": "avg_gross_profit_per_win", "stage": None, "base": 750.0, "scenario": 750.0, "change": 0.0},
        {"item": "gross_profit", "stage": None, "base": 1500.0, "scenario": approx(1542.0), "change": approx(42.0)},
        {"item": "investment", "stage": None, "base": 4000.0, "scenario": 4000.0, "change": 0.0},
        {"item": "roi", "stage": None, "base": -0.625, "scenario": approx(-0.6145), "change": approx(0.0105)},
    ]


CONVERT_TIME = [
    # January to the first opportunity: A2 at 2, A3 lost at 2 (censored), A1 at 3, A4 censored at 78:
    # S = 3/4 then 3/8; February: B4 0, B2 1, B3 2, B1 censored: S = 3/4, 1/2, 1/4.
    {"period_start": "2026-01-01", "period": "2026-01", "leads": 4, "converted": 2, "censored": 2,
     "median_days": 3.0, "median_days_low": 2.0, "median_days_high": None, "converted_by_30": approx(0.625),
     "converted_by_60": approx(0.625), "converted_by_90": approx(0.625)},
    {"period_start": "2026-02-01", "period": "2026-02", "leads": 4, "converted": 3, "censored": 1,
     "median_days": 1.0, "median_days_low": 0.0, "median_days_high": None, "converted_by_30": approx(0.75),
     "converted_by_60": approx(0.75), "converted_by_90": approx(0.75)},
    {"period_start": "2026-03-01", "period": "2026-03", "leads": 0, "converted": 0, "censored": 0,
     "median_days": None, "median_days_low": None, "median_days_high": None, "converted_by_30": None,
     "converted_by_60": None, "converted_by_90": None},
]

PROJECTED = [
    # The triangle as of 1 April: January 1000 at every age (O1 closed 20 Jan), February 500 (O4),
    # March 0: every factor is 1 and every spread 0, so each projection is the gross profit to date;
    # none is mature (January on 1 May). ROI against 3000 and 1000; March invested nothing: null.
    {"period_start": "2026-01-01", "period": "2026-01", "investment": 3000.0, "gross_profit_to_date": 1000.0,
     "projected_gross_profit": 1000.0, "projected_gross_profit_low": 1000.0, "projected_gross_profit_high": 1000.0,
     "projected_roi": approx(-2 / 3), "mature": False, "months_since_start": 3, "projected_standard_error": 0.0},
    {"period_start": "2026-02-01", "period": "2026-02", "investment": 1000.0, "gross_profit_to_date": 500.0,
     "projected_gross_profit": 500.0, "projected_gross_profit_low": 500.0, "projected_gross_profit_high": 500.0,
     "projected_roi": -0.5, "mature": False, "months_since_start": 2, "projected_standard_error": 0.0},
    {"period_start": "2026-03-01", "period": "2026-03", "investment": 0.0, "gross_profit_to_date": 0.0,
     "projected_gross_profit": 0.0, "projected_gross_profit_low": 0.0, "projected_gross_profit_high": 0.0,
     "projected_roi": None, "mature": False, "months_since_start": 1, "projected_standard_error": 0.0},
]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("ws") / "journey"
    folder.mkdir()
    shutil.copy(DATA / "netlead.yaml", folder / "netlead.yaml")
    runner = CliRunner()
    result = runner.invoke(app, ["init", str(folder)])
    assert result.exit_code == 0, result.output
    for kind in ("leads", "lead_events", "opportunities", "opportunity_stages", "costs"):
        result = runner.invoke(app, ["import", kind, str(DATA / f"{kind}.csv"), "-w", str(folder)])
        assert result.exit_code == 0, result.output
    return str(folder)


def run_json(*args: str):
    result = CliRunner().invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_journey_json_d23_d24(workspace):
    assert run_json("journey", "--by", "month", "-w", workspace, *MONTHS) == JOURNEY


def test_journey_split_json_d24(workspace):
    rows = run_json("journey", "--by", "quarter", "--split", "channel", "-w", workspace,
                    "--from", "2026-Q1", "--to", "2026-Q1", *AS_OF)
    assert [list(r)[:4] for r in rows[:1]] == [["period_start", "period", "channel", "stage"]]
    assert [(r["channel"], r["stage"], r["reached"]) for r in rows] == [
        *[("paid", s, n) for s, n in zip(STAGES, [6, 4, 4, 3, 3, 2, 0, 2], strict=True)],
        *[("webinar", s, n) for s, n in zip(STAGES, [4, 4, 4, 4, 2, 1, 0, 0], strict=True)],
    ]


def test_stuck_json_d25(workspace):
    assert run_json("stuck", "-w", workspace, *AS_OF) == STUCK
    assert run_json("stuck", "--stage", "issued", "-w", workspace, *AS_OF) == STUCK[1:2]


def test_stuck_table_shows_the_oldest_first_and_says_how_many_in_all(workspace):
    result = CliRunner().invoke(app, ["stuck", "--limit", "2", "-w", workspace, *AS_OF], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert "stuck leads: the first 2 of 4" in result.stdout
    assert "A4" in result.stdout and "B1" in result.stdout
    assert "B2" not in result.stdout and "B4" not in result.stdout
    assert run_json("stuck", "--limit", "2", "-w", workspace, *AS_OF) == STUCK  # json: all


def test_whatif_json_d26(workspace):
    rows = run_json("whatif", "--from", "2026-Q1", "--to", "2026-Q1", "--stage", "responded=+0.02",
                    "-w", workspace, *AS_OF)
    assert rows == whatif_rows()


def test_convert_time_json_d27(workspace):
    assert run_json("convert-time", "--by", "month", "-w", workspace, *MONTHS) == CONVERT_TIME


def test_cohorts_projected_json_d28(workspace):
    assert run_json("cohorts", "--projected", "-w", workspace, *MONTHS) == PROJECTED
