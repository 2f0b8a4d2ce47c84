"""D23-D24, the buyer journey, on tests/data/journey (UTC), as of 2026-04-01 00:00, worked out by
hand. Stages: lead, net, issued, responded, opportunity, proposal, contract (named by the
agreement, never in the data), won.

January leads:
  A1 paid/new_logo  created 5 Jan 09:00, issued 5 Jan 10:00, responded 6 Jan 10:00, O1 created
     8 Jan 10:00, proposal 10 Jan 10:00, won 20 Jan 10:00.
  A2 paid/new_logo  created 6 Jan, issued 7 Jan, never responded: the skipped stage takes the next
     known time, O2 created 9 Jan (lost 19 Jan).
  A3 webinar/existing  created 10 Jan, issued 11 Jan, responded 12 Jan, no opportunity.
  A4 webinar/existing  created 12 Jan, issued 13 Jan, responded 14 Jan, no opportunity.
  A5 example.com: invalid (D2); A6 no answer: not_ready (D3). Both stop at `lead`.
February leads:
  B1 paid/new_logo  created 2 Feb, issued 2 Feb 12:00, nothing more.
  B2 webinar/new_logo  created 3 Feb, issued 3 Feb, responded 3 Feb 06:00, O3 4 Feb, proposal 5 Feb.
  B3 paid/existing  created 10 Feb, issued 10 Feb, no response, O4 12 Feb (responded: 12 Feb), no
     stage rows, won 20 Feb (proposal: 20 Feb).
  B4 webinar/new_logo  created 15 Feb, issued 16 Feb, O5 created 15 Feb 12:00, before the issue:
     raised to 16 Feb (and responded, skipped, is 16 Feb too).
"""

from __future__ import annotations

from pathlib import Path

import pytest

import netlead
from netlead.errors import NetleadError
from netlead.metrics import cohort_facts, journey_facts
from netlead.metrics.journey import journey, never_reached

DATA = Path(__file__).parents[1] / "data" / "journey"
EXAMPLE = Path(__file__).parents[2] / "examples" / "maven-crm"
AS_OF = "2026-04-01T00:00"
KINDS = ("leads", "lead_events", "opportunities", "opportunity_stages", "costs")
STAGES = ["lead", "net", "issued", "responded", "opportunity", "proposal", "contract", "won"]
OWNERS = ["marketing 1", "marketing 0.7, sales 0.3", "marketing 0.5, sales 0.5", "sales 0.8, marketing 0.2",
          "sales 0.7, marketing 0.3", "sales 0.8, marketing 0.2", "sales 1", "sales 0.6, marketing 0.4"]


def build(folder: Path, agreement_text: str | None = None):
    """The fixture's workspace, every fact refreshed (the journey's own tables included)."""
    ws = netlead.init(folder, agreement_text=agreement_text or (DATA / "netlead.yaml").read_text())
    for kind in KINDS:
        ws.import_files(kind, [DATA / f"{kind}.csv"])
    cohort_facts.refresh(ws.con, ws.agreement)
    journey_facts.refresh(ws.con, ws.agreement)
    return ws


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    workspace = build(tmp_path_factory.mktemp("journey") / "ws")
    yield workspace
    workspace.close()


def stage_rows(period_start, period, reached, conversions, medians):
    return [
        {"period_start": period_start, "period": period, "stage": stage, "reached": r, "conversion_to_next": c,
         "median_days_in_stage": m, "owners": o, "never_reached": stage == "contract"}
        for stage, r, c, m, o in zip(STAGES, reached, conversions, medians, OWNERS, strict=True)
    ]


def plain(table):
    return [{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items()} for row in table.to_pylist()]


JANUARY = stage_rows(
    "2026-01-01", "2026-01",
    # 6 leads; 4 net (A5, A6 stop at lead); all 4 issued and responded (A2 by its opportunity); A1, A2
    # reach opportunity; A1 proposal and won. contract is never in the data: 0 and outside the chain,
    # so proposal converts to won (1/1).
    [6, 4, 4, 4, 2, 1, 0, 1],
    [pytest.approx(4 / 6), 1.0, 1.0, 0.5, 0.5, 1.0, None, None],
    # lead->net: A1 1 hour (1/24), A2-A4 1 day: median 1. net = the first issue: 0. issued->responded:
    # 1, 2 (A2: 7 Jan to 9 Jan), 1, 1: median 1. responded->opportunity: A1 2, A2 0: median 1.
    # opportunity->proposal: A1 2. proposal->won: A1 10.
    [1.0, 0.0, 1.0, 1.0, 2.0, 10.0, None, None],
)
FEBRUARY = stage_rows(
    "2026-02-01", "2026-02",
    [4, 4, 4, 3, 3, 2, 0, 1],
    [1.0, 1.0, 0.75, 1.0, pytest.approx(2 / 3), 0.5, None, None],
    # lead->net: B1 0.5, B2 0, B3 0, B4 1: median 0.25. issued->responded: B2 0.25, B3 2, B4 0 (raised):
    # 0.25. responded->opportunity: B2 0.75, B3 0, B4 0: 0. opportunity->proposal: B2 1, B3 8: 4.5.
    # proposal->won: B3 0 (its skipped proposal is its win).
    [0.25, 0.0, 0.25, 0.0, 4.5, 0.0, None, None],
)
MARCH = stage_rows("2026-03-01", "2026-03", [0] * 8, [None] * 8, [None] * 8)


def test_journey_by_month_d23_d24(ws):
    table = journey(ws.con, ws.agreement, by="month", from_="2026-01", to="2026-03", as_of=AS_OF)
    assert table.column_names[:6] == ["period_start", "period", "stage", "reached", "conversion_to_next",
                                      "median_days_in_stage"]
    assert table.column_names[6] == "owners"
    assert plain(table) == JANUARY + FEBRUARY + MARCH


def test_opportunity_stage_never_in_the_data_is_reported_never_reached_d23(ws):
    assert never_reached(ws.con, ws.agreement, as_of=AS_OF) == ["contract"]
    # Before any lead entered proposal (10 Jan 10:00), proposal is not in the data either.
    assert never_reached(ws.con, ws.agreement, as_of="2026-01-10T09:00") == ["proposal", "contract"]


def test_as_of_hides_later_times_t2_d23(ws):
    # As of 9 Jan 12:00 only A1 and A2 exist; A2's opportunity (9 Jan 00:00) counts, A1's proposal
    # (10 Jan) and win do not; proposal is not in the data yet: never reached.
    table = journey(ws.con, ws.agreement, from_="2026-01", to="2026-01", as_of="2026-01-09T12:00")
    rows = {r["stage"]: (r["reached"], r["never_reached"]) for r in table.to_pylist()}
    assert rows == {"lead": (2, False), "net": (2, False), "issued": (2, False), "responded": (2, False),
                    "opportunity": (2, False), "proposal": (0, True), "contract": (0, True), "won": (0, False)}


@pytest.mark.parametrize("split", ["channel", "account_type"])
def test_split_reached_adds_up_d24(ws, split):
    whole = journey(ws.con, ws.agreement, by="quarter", from_="2026-Q1", to="2026-Q1", as_of=AS_OF).to_pylist()
    parts = journey(ws.con, ws.agreement, by="quarter", from_="2026-Q1", to="2026-Q1", as_of=AS_OF,
                    split=split).to_pylist()
    assert list(parts[0])[:3] == ["period_start", "period", split]
    for row in whole:
        same = [p for p in parts if p["stage"] == row["stage"]]
        assert sum(p["reached"] for p in same) == row["reached"]


def test_split_by_channel_d24(ws):
    table = journey(ws.con, ws.agreement, by="quarter", from_="2026-Q1", to="2026-Q1", as_of=AS_OF, split="channel")
    got = [(r["channel"], r["stage"], r["reached"], r["conversion_to_next"]) for r in table.to_pylist()]
    # paid: A1, A2, A5, A6, B1, B3; webinar: A3, A4, B2, B4.
    assert got == [
        ("paid", "lead", 6, pytest.approx(4 / 6)), ("paid", "net", 4, 1.0), ("paid", "issued", 4, 0.75),
        ("paid", "responded", 3, 1.0), ("paid", "opportunity", 3, pytest.approx(2 / 3)),
        ("paid", "proposal", 2, 1.0), ("paid", "contract", 0, None), ("paid", "won", 2, None),
        ("webinar", "lead", 4, 1.0), ("webinar", "net", 4, 1.0), ("webinar", "issued", 4, 1.0),
        ("webinar", "responded", 4, 0.5), ("webinar", "opportunity", 2, 0.5),
        ("webinar", "proposal", 1, 0.0), ("webinar", "contract", 0, None), ("webinar", "won", 0, None),
    ]


def test_unknown_split_is_refused(ws):
    with pytest.raises(NetleadError):
        journey(ws.con, ws.agreement, split="rep")


def test_skipped_stage_takes_the_next_known_time_d23(ws):
    # The week of 9 Feb holds B3 and B4. B3's responded takes its opportunity's time (2 days after
    # the issue) and its proposal its win's (8 days after the opportunity, 0 in proposal). B4's
    # opportunity (15 Feb 12:00) is earlier than its issue (16 Feb): raised to the issue, as is its
    # skipped responded, so 0 days in issued and in responded; 1 day from lead to net.
    table = journey(ws.con, ws.agreement, by="week", from_="2026-02-10", to="2026-02-10", as_of=AS_OF)
    got = {r["stage"]: (r["reached"], r["median_days_in_stage"]) for r in table.to_pylist()}
    assert got == {"lead": (2, 0.5), "net": (2, 0.0), "issued": (2, 1.0), "responded": (2, 0.0),
                   "opportunity": (2, 8.0), "proposal": (1, 0.0), "contract": (0, None), "won": (1, None)}


def test_maven_example_prospecting_engaging_won(tmp_path):
    """The real Maven CRM export: every deal is a lead issued at its engage date; prospecting and
    engaging are entered then, won at the close. Over 2016-Q4..2017-Q4 (examples/maven-crm/README):
    8300 engaged deals, 4238 won; the median days in engaging of the won deals is 57."""
    import pandas as pd

    ws = netlead.init(tmp_path / "maven", agreement_text=(EXAMPLE / "netlead.yaml").read_text())
    ws.import_mapped(EXAMPLE / "maven-crm.yaml", [EXAMPLE / "sales_pipeline.csv", EXAMPLE / "accounts.csv"])
    cohort_facts.refresh(ws.con, ws.agreement)
    journey_facts.refresh(ws.con, ws.agreement)
    table = journey(ws.con, ws.agreement, by="quarter", from_="2016-Q4", to="2017-Q4", as_of="2026-01-01")
    rows = table.to_pylist()
    assert [r["stage"] for r in rows[:8]] == ["lead", "net", "issued", "responded", "opportunity",
                                              "prospecting", "engaging", "won"]
    total = {s: sum(r["reached"] for r in rows if r["stage"] == s) for s in ("lead", "engaging", "won")}
    assert total == {"lead": 8300, "engaging": 8300, "won": 4238}
    assert not any(r["never_reached"] for r in rows)

    deals = pd.read_csv(EXAMPLE / "sales_pipeline.csv", dtype=str, keep_default_na=False)
    deals = deals[deals.engage_date != ""]
    engaged = pd.to_datetime(deals.engage_date)
    deals = deals.assign(quarter=engaged.dt.to_period("Q").astype(str),
                         days=(pd.to_datetime(deals.close_date.replace("", None)) - engaged).dt.days)
    won = deals[deals.deal_stage == "Won"]
    expected = {
        q.replace("Q", "-Q"): (len(deals[deals.quarter == q]), len(won[won.quarter == q]),
                               float(won[won.quarter == q].days.median()))
        for q in sorted(deals.quarter.unique())
    }
    engaging = {r["period"]: r for r in rows if r["stage"] == "engaging"}
    got = {p: (r["reached"], round(r["reached"] * r["conversion_to_next"]), r["median_days_in_stage"])
           for p, r in engaging.items()}
    assert got == expected   # win rate of engaged deals and days to close, per quarter
    assert float(won.days.median()) == 57.0
    ws.close()


def test_journey_tables_follow_later_imports(tmp_path):
    # Without the journey's refresh after an import, the journey rebuilds its tables when they are
    # older than the last import: the stage rows imported last put proposal in the data.
    workspace = netlead.init(tmp_path / "ws", agreement_text=(DATA / "netlead.yaml").read_text())
    for kind in ("leads", "lead_events", "opportunities"):
        workspace.import_files(kind, [DATA / f"{kind}.csv"])
    assert never_reached(workspace.con, workspace.agreement, as_of=AS_OF) == ["proposal", "contract"]
    workspace.import_files("opportunity_stages", [DATA / "opportunity_stages.csv"])
    assert never_reached(workspace.con, workspace.agreement, as_of=AS_OF) == ["contract"]
    january = journey(workspace.con, workspace.agreement, from_="2026-01", to="2026-01", as_of=AS_OF)
    assert [r["reached"] for r in january.to_pylist()] == [6, 4, 4, 4, 2, 1, 0, 1]
    workspace.close()
