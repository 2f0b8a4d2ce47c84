"""`netlead cohorts`, `response`, `decay` and `scorecard` on a small fixture whose numbers are
worked out by hand (tests/data/cohorts: Europe/London, business hours Mon-Fri 09:00-17:30, SLA 60
minutes, outcome within 5 days, default margin 0.4, sales cycle 90 days), as of 28 February 2026.

Net leads, their first issue and first response (D16 elapsed minutes; business minutes for D18):
  L1 paid_search  issued Mon 5 Jan 10:00, answered 10:03 (3 min, met); outcome 6 Jan
  L2 webinar      issued Fri 9 Jan 17:00, answered Mon 12 Jan 09:20 (3860 min; 50 business: met);
                  outcome 12 Jan
  L3 paid_search  issued Tue 6 Jan 12:00, answered 14:00 (120: a breach); issued again 20 Jan
                  (the first issue counts)
  L4 webinar      issued Mon 12 Jan 10:00, never answered (a breach)
  L7 paid_search  issued Tue 13 Jan 10:00, answered 10:04 (4 min, met)
  L5 paid_search  issued Tue 3 Feb 10:00; an answer at 09:30 before the issue is ignored; answered
                  10:30 (30 min, met); no outcome
  L6 webinar has no evidence (not net): issued off the agreement, never counted.
Opportunities: O1 L1 won 10 Feb, gross profit 2000 (revenue 5000); O2 L2 won 20 Feb, revenue 3000
only: 3000 x 0.4 = 1200, an estimated win; O3 L3 lost 5 Feb; O4 L5 open.
Costs: C1 media 1500 on 5 Jan (paid_search); C2 labor 1000 on 5 Jan (shared, by net leads
issued); C3 media 400 on 3 Feb (paid_search).
"""

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from netlead.cli import app

DATA = Path(__file__).parent / "data" / "cohorts"
MONTHS = ["--from", "2026-01", "--to", "2026-02", "--as-of", "2026-02-28"]
WEEKS = ["--from", "2026-01-05", "--to", "2026-01-18", "--as-of", "2026-02-28"]
approx = pytest.approx

COHORTS = [
    # 5 leads, 3 with an opportunity; 2 wins, 1 loss; (3200 - 2500) / 2500; the running gross profit
    # 2000 (10 Feb), 3200 (20 Feb) reaches 2500 on 20 Feb; mature on 1 May.
    {"period_start": "2026-01-01", "period": "2026-01", "net_leads_issued": 5, "opportunities": 3,
     "lead_to_opportunity": 0.6, "wins": 2, "losses": 1, "opportunity_to_win": approx(2 / 3),
     "closed_win_rate": approx(2 / 3), "revenue": 8000, "gross_profit": 3200, "estimated_wins": 1,
     "avg_gross_profit_per_win": 1600.0, "investment": 2500.0, "cohort_roi": approx(0.28),
     "payback_date": "2026-02-20", "mature": False},
    {"period_start": "2026-02-01", "period": "2026-02", "net_leads_issued": 1, "opportunities": 1,
     "lead_to_opportunity": 1.0, "wins": 0, "losses": 0, "opportunity_to_win": 0.0, "closed_win_rate": None,
     "revenue": 0, "gross_profit": 0, "estimated_wins": 0, "avg_gross_profit_per_win": None,
     "investment": 400.0, "cohort_roi": -1.0, "payback_date": None, "mature": False},
]
RESPONSE = [
    # Answered: 3, 4, 120, 3860 minutes: median 62, p90 at rank 2.7: 120 + 0.7 x 3740 = 2738.
    # SLA met L1, L2, L7; breached L3, L4. Outcomes due for all 5, coded for L1 and L2.
    {"period_start": "2026-01-01", "period": "2026-01", "net_leads_issued": 5, "responded": 4,
     "response_median_minutes": 62.0, "response_p90_minutes": approx(2738.0), "sla_met_rate": 0.6,
     "sla_breaches": 2, "outcome_coded_rate": 0.4},
    {"period_start": "2026-02-01", "period": "2026-02", "net_leads_issued": 1, "responded": 1,
     "response_median_minutes": 30.0, "response_p90_minutes": 30.0, "sla_met_rate": 1.0,
     "sla_breaches": 0, "outcome_coded_rate": 0.0},
]
DECAY = [
    {"bucket": "0-5", "leads": 2, "lead_to_opportunity": 0.5},  # L1 (O1), L7
    {"bucket": "5-60", "leads": 1, "lead_to_opportunity": 1.0},  # L5 (O4)
    {"bucket": "60-1440", "leads": 1, "lead_to_opportunity": 1.0},  # L3 (O3)
    {"bucket": "1440-4320", "leads": 1, "lead_to_opportunity": 1.0},  # L2 (O2)
    {"bucket": "4320+", "leads": 0, "lead_to_opportunity": None},
    {"bucket": "no_response", "leads": 1, "lead_to_opportunity": 0.0},  # L4
]
NAMES = ["gross_leads", "net_leads_issued", "investment", "cpnsli", "response_median_minutes",
         "response_p90_minutes", "sla_met_rate", "lead_to_opportunity", "opportunity_to_win",
         "avg_gross_profit_per_win", "gross_profit", "cohort_roi"]


def week(period_start, period, values, changes, split=None, moved=(None, None, None)):
    row = {"period_start": period_start, "period": period, **(split or {})}
    row.update(zip(NAMES, values, strict=True))
    row.update(zip([f"{n}_change" for n in NAMES], changes, strict=True))
    row.update(zip(["moved_investment_share", "moved_volume_share", "moved_yield_share"], moved, strict=True))
    return row


SCORECARD = [
    # W02 (5-11 Jan): created L1, L2, L3, L6; issued L1, L3, L2; 2500 invested. The week before
    # (29 Dec - 4 Jan) had nothing: counts and money change from 0, ratios from null.
    week("2026-01-05", "2026-W02",
         [4, 3, 2500.0, approx(2500 / 3), 120.0, approx(3112.0), approx(2 / 3), 1.0, approx(2 / 3), 1600.0, 3200,
          approx(0.28)],
         [4, 3, 2500.0, None, None, None, None, None, None, None, 3200, None]),
    # W03 (12-18 Jan): created and issued L4, L7; nothing invested, so cpnsli 0 and no ROI.
    week("2026-01-12", "2026-W03",
         [2, 2, 0.0, 0.0, 4.0, 4.0, 0.5, 0.0, None, None, 0, None],
         [-2, -1, -2500.0, approx(-2500 / 3), -116.0, approx(-3108.0), approx(0.5 - 2 / 3), -1.0, None, None,
          -3200, None]),
]
PAID, WEBINAR = {"channel": "paid_search"}, {"channel": "webinar"}
SCORECARD_BY_CHANNEL = [
    # D9: W02's shared 1000 goes 2:1 to paid_search (L1, L3) and webinar (L2).
    week("2026-01-05", "2026-W02",
         [2, 2, approx(1500 + 2000 / 3), approx(3250 / 3), 61.5, approx(108.3), 0.5, 1.0, 0.5, 2000.0, 2000,
          approx((2000 - 6500 / 3) / (6500 / 3))],
         [2, 2, approx(6500 / 3), None, None, None, None, None, None, None, 2000, None], PAID),
    week("2026-01-05", "2026-W02",
         [2, 1, approx(1000 / 3), approx(1000 / 3), 3860.0, 3860.0, 1.0, 1.0, 1.0, 1200.0, 1200, approx(2.6)],
         [2, 1, approx(1000 / 3), None, None, None, None, None, None, None, 1200, None], WEBINAR),
    week("2026-01-12", "2026-W03",
         [1, 1, 0.0, 0.0, 4.0, 4.0, 1.0, 0.0, None, None, 0, None],
         [-1, -1, approx(-6500 / 3), approx(-3250 / 3), -57.5, approx(-104.3), 0.5, -1.0, None, None, -2000, None],
         PAID),
    week("2026-01-12", "2026-W03",
         [1, 1, 0.0, 0.0, None, None, 0.0, 0.0, None, None, 0, None],
         [-1, 0, approx(-1000 / 3), approx(-1000 / 3), None, None, -1.0, -1.0, None, None, -1200, None], WEBINAR),
]

EXISTING, NEW = {"account_type": "existing_account"}, {"account_type": "new_logo"}
SCORECARD_BY_ACCOUNT_TYPE = [
    # Costs carry no account type: investment, cpnsli and cohort_roi are null (D21).
    week("2026-01-05", "2026-W02",
         [1, 1, None, None, 3860.0, 3860.0, 1.0, 1.0, 1.0, 1200.0, 1200, None],
         [1, 1, None, None, None, None, None, None, None, None, 1200, None], EXISTING),
    week("2026-01-05", "2026-W02",
         [3, 2, None, None, 61.5, approx(108.3), 0.5, 1.0, 0.5, 2000.0, 2000, None],
         [3, 2, None, None, None, None, None, None, None, None, 2000, None], NEW),
    week("2026-01-12", "2026-W03",
         [0, 0, None, None, None, None, None, None, None, None, 0, None],
         [-1, -1, None, None, None, None, None, None, None, None, -1200, None], EXISTING),
    week("2026-01-12", "2026-W03",
         [2, 2, None, None, 4.0, 4.0, 0.5, 0.0, None, None, 0, None],
         [-1, 0, None, None, -57.5, approx(-104.3), 0.0, -1.0, None, None, -2000, None], NEW),
]


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> str:
    folder = tmp_path_factory.mktemp("ws") / "cohorts"
    folder.mkdir()
    shutil.copy(DATA / "netlead.yaml", folder / "netlead.yaml")
    runner = CliRunner()
    result = runner.invoke(app, ["init", str(folder)])
    assert result.exit_code == 0, result.output
    for kind in ("leads", "lead_events", "opportunities", "costs"):
        result = runner.invoke(app, ["import", kind, str(DATA / f"{kind}.csv"), "-w", str(folder)])
        assert result.exit_code == 0, result.output
    return str(folder)


def run_json(*args: str):
    result = CliRunner().invoke(app, [*args, "--format", "json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_cohorts_json_d10_d15(workspace):
    assert run_json("cohorts", "-w", workspace, *MONTHS) == COHORTS


def test_response_json_d16_d19(workspace):
    assert run_json("response", "-w", workspace, *MONTHS) == RESPONSE


def test_decay_json_d20(workspace):
    assert run_json("decay", "-w", workspace, *MONTHS) == DECAY


def test_scorecard_json_d21_d22(workspace):
    rows = run_json("scorecard", "-w", workspace, *WEEKS)
    assert [list(r) for r in rows] == [list(r) for r in SCORECARD]
    assert rows == SCORECARD


def test_scorecard_split_by_channel_json(workspace):
    rows = run_json("scorecard", "--split", "channel", "-w", workspace, *WEEKS)
    assert [list(r) for r in rows] == [list(r) for r in SCORECARD_BY_CHANNEL]
    assert rows == SCORECARD_BY_CHANNEL


def test_scorecard_split_by_account_type_json(workspace):
    rows = run_json("scorecard", "--split", "account_type", "-w", workspace, *WEEKS)
    assert rows == SCORECARD_BY_ACCOUNT_TYPE


def test_the_python_api_gives_the_same_objects(workspace):
    """The same expected objects from the metric functions, written as the CLI writes JSON."""
    import netlead
    from netlead import output
    from netlead.metrics import cohort_facts
    from netlead.metrics.cohorts import cohorts
    from netlead.metrics.decay import decay
    from netlead.metrics.response import response
    from netlead.metrics.scorecard import scorecard

    def as_json(table):
        return json.loads(output.dumps(table.to_pylist()))

    with netlead.open(workspace) as ws:
        con, agreement = ws.con, ws.agreement
        if not con.execute("SELECT COUNT(*) FROM duckdb_tables() WHERE table_name = 'cohort_leads'").fetchall()[0][0]:
            cohort_facts.refresh(con, agreement)  # until metrics.refresh builds them
        months = dict(from_="2026-01", to="2026-02", as_of="2026-02-28")
        weeks = dict(from_="2026-01-05", to="2026-01-18", as_of="2026-02-28")
        assert as_json(cohorts(con, agreement, **months)) == COHORTS
        assert as_json(response(con, agreement, **months)) == RESPONSE
        assert as_json(decay(con, agreement, **months)) == DECAY
        assert as_json(scorecard(con, agreement, **weeks)) == SCORECARD
        assert as_json(scorecard(con, agreement, split="channel", **weeks)) == SCORECARD_BY_CHANNEL
        assert as_json(scorecard(con, agreement, split="account_type", **weeks)) == SCORECARD_BY_ACCOUNT_TYPE
