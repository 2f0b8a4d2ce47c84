"""D25, stuck leads, on tests/data/journey (see test_journey.py for the leads), as of 2026-04-01
00:00 UTC unless said otherwise.

Days each lead spent in a stage before moving on (D23 times), the history behind the default
threshold (the 90th percentile, quantile_cont):
  issued:      A1 1, A2 2, A3 1, A4 1, B2 0.25, B3 2, B4 0  -> p90 at rank 5.4 of 0..6: 2
  responded:   A1 2, A2 0, B2 0.75, B3 0, B4 0            -> p90 at rank 3.6: 0.75 + 0.6 x 1.25 = 1.5
  opportunity: A1 2, B2 1, B3 8                           -> p90 at rank 1.8: 2 + 0.8 x 6 = 6.8
  proposal:    A1 10, B3 0                                -> p90 at rank 0.9: 9
The agreement sets responded's stuck_after_days to 2.
"""

from __future__ import annotations

import pytest
from test_journey import AS_OF, DATA, build

from netlead.errors import NetleadError
from netlead.metrics.stuck import stuck


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    workspace = build(tmp_path_factory.mktemp("stuck") / "ws")
    yield workspace
    workspace.close()


def plain(table):
    return [{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items()} for row in table.to_pylist()]


def row(lead_id, stage, days, threshold, source, entered_at, rep, owners, channel, account_type, created_at):
    return {"lead_id": lead_id, "stage": stage, "days_in_stage": days, "threshold_days": threshold,
            "threshold_from": source, "entered_at": entered_at, "rep": rep, "owners": owners, "channel": channel,
            "account_type": account_type, "created_at": created_at}


A4 = row("A4", "responded", 77.0, 2.0, "agreement", "2026-01-14T00:00:00+00:00", "r2", "sales 0.8, marketing 0.2",
         "webinar", "existing_account", "2026-01-12T00:00:00+00:00")
B1 = row("B1", "issued", 57.5, 2.0, "p90", "2026-02-02T12:00:00+00:00", "r1", "marketing 0.5, sales 0.5",
         "paid", "new_logo", "2026-02-02T00:00:00+00:00")
B2 = row("B2", "proposal", 55.0, 9.0, "p90", "2026-02-05T00:00:00+00:00", "r2", "sales 0.8, marketing 0.2",
         "webinar", "new_logo", "2026-02-03T00:00:00+00:00")
B4 = row("B4", "opportunity", 44.0, pytest.approx(6.8), "p90", "2026-02-16T00:00:00+00:00", "r2",
         "sales 0.7, marketing 0.3", "webinar", "new_logo", "2026-02-15T00:00:00+00:00")


def test_stuck_leads_oldest_first_d25(ws):
    # Not stuck: A1, B3 won; A2 lost (its latest opportunity O2 lost on 19 Jan); A3 excluded (its
    # latest outcome not_a_fit: next closed); A5, A6 not net. B1's outcome no_contact (next working)
    # keeps it on the list.
    assert plain(stuck(ws.con, ws.agreement, as_of=AS_OF)) == [A4, B1, B2, B4]


def test_a_lost_lead_is_not_stuck_d25(ws):
    # As of 18 Jan, before O2 was lost: A2 has sat in opportunity since 9 Jan (9 days), beyond the
    # p90 of then (A1's 2 days). A1's proposal has no history yet (nobody moved on): no threshold.
    before = plain(stuck(ws.con, ws.agreement, as_of="2026-01-18T00:00"))
    assert [(r["lead_id"], r["stage"], r["days_in_stage"], r["threshold_days"], r["threshold_from"])
            for r in before] == [("A2", "opportunity", 9.0, 2.0, "p90"), ("A4", "responded", 4.0, 2.0, "agreement")]
    assert "A2" not in [r["lead_id"] for r in stuck(ws.con, ws.agreement, as_of=AS_OF).to_pylist()]


def test_one_stage(ws):
    assert plain(stuck(ws.con, ws.agreement, stage="issued", as_of=AS_OF)) == [B1]
    assert stuck(ws.con, ws.agreement, stage="won", as_of=AS_OF).num_rows == 0
    with pytest.raises(NetleadError):
        stuck(ws.con, ws.agreement, stage="closing", as_of=AS_OF)


def test_default_threshold_is_the_90th_percentile_d25(tmp_path):
    # The same data without responded's stuck_after_days: its threshold is the p90 of history, 1.5.
    text = (DATA / "netlead.yaml").read_text().replace(", stuck_after_days: 2", "")
    assert text != (DATA / "netlead.yaml").read_text()
    workspace = build(tmp_path / "ws", agreement_text=text)
    a4 = plain(stuck(workspace.con, workspace.agreement, stage="responded", as_of=AS_OF))
    workspace.close()
    assert a4 == [{**A4, "threshold_days": pytest.approx(1.5), "threshold_from": "p90"}]
