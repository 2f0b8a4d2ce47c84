"""`netlead check`'s account of the store: rows per kind, refused rows, and the events and
opportunities that name a lead the store does not hold yet (SPEC "Data in": listed, kept, counted
once the lead arrives)."""

from netlead.store import import_file, summary


def test_summary_lists_the_leads_events_and_opportunities_wait_for(con, agreement, write):
    import_file(con, "leads", write("leads.csv", "lead_id,created_at,channel\nL1,2026-01-05,web\n"), agreement)
    import_file(con, "lead_events", write("events.csv", "event_id,lead_id,type,occurred_at\n"
                                          "E1,L1,issued,2026-01-06\nE2,L9,issued,2026-01-06\n"
                                          "E3,L9,responded,2026-01-07\nE4,L8,issued,2026-01-06\n"), agreement)
    import_file(con, "opportunities", write("opps.csv", "opportunity_id,lead_id,created_at,status\n"
                                            "O1,L7,2026-01-08,open\nO2,,2026-01-08,open\n"), agreement)
    report = summary(con)
    assert report["rows"] == {"leads": 1, "lead_events": 4, "opportunities": 2, "opportunity_stages": 0, "costs": 0}
    assert report["without_lead"] == {"lead_events": 3, "opportunities": 1}
    assert report["missing_leads"] == {"lead_events": ["L8", "L9"], "opportunities": ["L7"]}
    assert "lead_events: 3 rows name 2 lead(s) not in the store (L8, L9)" in "\n".join(report["lines"])
