"""D20: lead decay. Net leads issued in January 2026 (UTC) at 10:00 on the 5th, answered after the
elapsed minutes in their id, with an opportunity where marked; buckets are [0,5), [5,60),
[60,1440), [1440,4320), [4320,inf) minutes and no_response.
"""

from datetime import datetime, timedelta

import pytest
from conftest import rows

from netlead.metrics import cohort_facts
from netlead.metrics.decay import decay

ISSUED = datetime(2026, 1, 5, 10, 0)
# lead id -> (minutes to the first response or None, has an opportunity)
LEADS = {
    "m0": (0, True), "m4.99": (4.99, False),  # 0-5
    "m5": (5, True), "m59.5": (59.5, True),  # 5-60
    "m60": (60, False), "m1439": (1439, False),  # 60-1440
    "m1440": (1440, True), "m4319": (4319, False),  # 1440-4320
    "m4320": (4320, False), "m20000": (20000, True),  # 4320+, answered 18 January
    "none": (None, True),
    "m40000": (40000, False),  # answered on 2 February: after as_of, so no_response as of 31 January
}


@pytest.fixture
def decaying(write_agreement, store_for):
    agreement = write_agreement()
    s = store_for(agreement)
    for lead_id, (minutes, converted) in LEADS.items():
        s.lead(lead_id, "2026-01-02 08:00")
        s.event(lead_id, "issued", ISSUED.isoformat(sep=" "))
        if minutes is not None:
            s.event(lead_id, "responded", (ISSUED + timedelta(minutes=minutes)).isoformat(sep=" "))
        if converted:
            s._insert("opportunities", {"opportunity_id": f"o-{lead_id}", "lead_id": lead_id,
                                        "created_at": "2026-01-20", "status": "open"})
    s.lead("february", "2026-01-02 08:00")  # another cohort: not chosen below
    s.event("february", "issued", "2026-02-02 10:00")
    s.refresh()
    cohort_facts.refresh(s.con, agreement)
    return s, agreement


def test_d20_bucket_edges(decaying):
    s, agreement = decaying
    table = decay(s.con, agreement, from_="2026-01", to="2026-01", as_of="2026-01-31")
    assert table.column_names == ["bucket", "leads", "lead_to_opportunity"]
    assert rows(table) == [
        ("0-5", 2, 0.5),
        ("5-60", 2, 1.0),
        ("60-1440", 2, 0.0),
        ("1440-4320", 2, 0.5),
        ("4320+", 2, 0.5),
        ("no_response", 2, 0.5),
    ]


def test_d20_as_of_moves_leads_and_opportunities(decaying):
    s, agreement = decaying
    # As of 10 January: m20000 has not answered yet and no opportunity exists.
    assert rows(decay(s.con, agreement, from_="2026-01", to="2026-01", as_of="2026-01-10")) == [
        ("0-5", 2, 0.0), ("5-60", 2, 0.0), ("60-1440", 2, 0.0), ("1440-4320", 2, 0.0),
        ("4320+", 1, 0.0), ("no_response", 3, 0.0),
    ]


def test_d20_the_chosen_cohorts_are_the_range(decaying):
    s, agreement = decaying
    table = rows(decay(s.con, agreement, from_="2026-02", to="2026-03", as_of="2026-03-31"))
    assert table == [("0-5", 0, None), ("5-60", 0, None), ("60-1440", 0, None), ("1440-4320", 0, None),
                     ("4320+", 0, None), ("no_response", 1, 0.0)]
    quarter = rows(decay(s.con, agreement, by="quarter", from_="2026-Q1", to="2026-Q1", as_of="2026-03-31"))
    # The quarter holds both cohorts; m40000 has answered by March: none and february remain.
    assert [r[1] for r in quarter] == [2, 2, 2, 2, 3, 2]
